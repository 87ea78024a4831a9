"""The multiverse app without a browser: controls, sub-grids, charts, errors in the status."""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.multiverse import Choice, Grid, Method
from tests.conftest import synthetic_dataset

pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def synthetic_data() -> bs.Dataset:
    """Synthetic observations of four countries in 2024."""
    rows = []
    for iso, pop, gdp, ref, oip in (("FRA", 1000.0, 5e6, 40.0, 5.0), ("DEU", 2000.0, 6e6, 30.0, 1.0),
                                    ("ITA", 3000.0, 2e6, 20.0, 12.0), ("ESP", 500.0, 1e6, 9.0, 30.0)):
        for ind, v in (("population", pop), ("population_un_wpp", pop), ("gdp_usd_current", gdp),
                       ("refugees", ref), ("oip", oip)):
            rows.append((iso, 2024, ind, v))
    return synthetic_dataset(rows)


def _grid() -> Grid:
    return Grid(methods=(Method("per1000", "refugees_per_1000", year=2024),
                         Method("effort", "relative_effort", year=2024)),
                choices=(Choice("who_counts", (["refugees"], ["refugees", "oip"])),
                         Choice("capacity", ("population", "gdp_usd_current"))))


def test_app_runs_and_updates_when_a_choice_is_fixed(synthetic_data: bs.Dataset) -> None:
    from burdenshare.app.multiverse_app import MultiverseApp

    app = MultiverseApp(_grid(), synthetic_data)
    assert "bs-mv-app" in app._dom_classes
    assert app.count.value.startswith("6 universes") and app.status.value == ""
    assert app.multiverse is not None and app.country.value in {"FRA", "DEU", "ITA", "ESP"}
    spec = app.curve_chart.chart.to_dict()
    assert "vconcat" in spec
    app.vary["who_counts"].value = False
    assert app.count.value.startswith("3 universes")
    assert not app.fixed["who_counts"].disabled
    app.fixed["who_counts"].value = "refugees+oip"
    assert set(app.multiverse.manifest["who_counts"]) == {"refugees+oip"}
    app.on.value = "value"
    assert app.quantity.value in {"refugees_per_1000_inhabitants", "relative_effort"}
    assert app.status.value == ""


def test_errors_go_to_the_status_area(synthetic_data: bs.Dataset) -> None:
    from burdenshare.app.multiverse_app import MultiverseApp

    app = MultiverseApp(_grid(), synthetic_data)
    app.fixed["capacity"].options = ["population", "gdp_usd_current", "martian"]
    app.vary["capacity"].value = False
    app.fixed["capacity"].value = "martian"
    assert "bs-mv-status" in app.status._dom_classes
    assert "bs-status-error" in app.status.value  # styled as an error, by the shared shell
    assert "running the grid" in app.status.value and "martian" in app.status.value
