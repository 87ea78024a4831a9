"""Multiverse charts: built from the curve and attribution frames, offline, with provenance."""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.multiverse import Choice, Grid, Method, run_multiverse
from tests.conftest import synthetic_dataset

pytest.importorskip("altair")


@pytest.fixture(scope="module")
def mv() -> object:
    """A grid over synthetic observations of four countries in 2024."""
    rows = []
    for iso, pop, gdp, ref, oip in (("FRA", 1000.0, 5e6, 40.0, 5.0), ("DEU", 2000.0, 6e6, 30.0, 1.0),
                                    ("ITA", 3000.0, 2e6, 20.0, 12.0), ("ESP", 500.0, 1e6, 9.0, 30.0)):
        for ind, v in (("population", pop), ("population_un_wpp", pop), ("gdp_usd_current", gdp),
                       ("refugees", ref), ("oip", oip)):
            rows.append((iso, 2024, ind, v))
    data = synthetic_dataset(rows)
    g = Grid(methods=(Method("per1000", "refugees_per_1000", year=2024),
                      Method("effort", "relative_effort", year=2024)),
             choices=(Choice("who_counts", (["refugees"], ["refugees", "oip"])),
                      Choice("capacity", ("population", "gdp_usd_current"))))
    return run_multiverse(g, data, progress=False)


def test_specification_curve_chart(mv: bs.Dataset) -> None:
    from burdenshare.charts.multiverse import specification_curve_chart

    curve = mv.curve("ESP", on="rank")  # type: ignore[attr-defined]
    spec = specification_curve_chart(curve, footer=mv.footer()).to_dict()  # type: ignore[attr-defined]
    text = str(spec)
    assert "Spain: rank in every specification | 2024" in text
    assert "burdenshare tests" in text and "multiverse 'grid', 6 universes" in text
    # one point per universe, and the choice matrix rows
    assert len(curve.points) == 6 and set(curve.matrix["choice"]) == {"method", "who_counts",
                                                                       "capacity"}


def test_attribution_chart_overall_and_country(mv: bs.Dataset) -> None:
    from burdenshare.charts.multiverse import attribution_chart

    att = mv.attribution(on="rank")  # type: ignore[attr-defined]
    spec = str(attribution_chart(att, footer=mv.footer()).to_dict())  # type: ignore[attr-defined]
    assert "What moves the rank of all countries" in spec and "not random variables" in spec
    spec = str(attribution_chart(att, iso3="ESP").to_dict())
    assert "What moves the rank of Spain" in spec
    with pytest.raises(ValueError, match="ANOVA terms need a complete full-factorial design"):
        attribution_chart(att, iso3="ESP", share="anova")
