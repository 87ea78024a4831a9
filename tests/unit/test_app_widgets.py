"""The widget shell in-process: drive controls by setting ``.value`` (as the browser does
through the widget comm) and assert on the state, the table and the status area.

Numbers in the table are checked against hand calculations on synthetic data (named
synthetic) and against ``bs.compare`` run directly on the real samples.
"""

from __future__ import annotations

import re
import typing

import altair as alt
import ipywidgets as w
import pytest

import burdenshare as bs
from burdenshare.app import state as S
from burdenshare.app.controls import ParamControls
from burdenshare.app.widgets import ComparisonApp
from burdenshare.params import param_specs
from burdenshare.presentation import format_number
from tests.conftest import synthetic_dataset

#: rel tolerance for exact arithmetic on small integers: one or two float roundings only.
EXACT = 1e-12


@pytest.fixture
def synthetic_app(tmp_path) -> ComparisonApp:
    """An app on synthetic data: LBN, DEU, UGA in 2024 with refugees, population, GDP PPP pc."""
    rows = [
        ("LBN", 2024, "refugees", 1_600_000), ("LBN", 2024, "population_un_wpp", 5_000_000),
        ("LBN", 2024, "gdp_ppp_per_capita_intl_current", 16_000),
        ("LBN", 2024, "oip", 400_000),
        ("DEU", 2024, "refugees", 4_000_000), ("DEU", 2024, "population_un_wpp", 80_000_000),
        ("DEU", 2024, "gdp_ppp_per_capita_intl_current", 64_000),
        ("UGA", 2024, "refugees", 3_000_000), ("UGA", 2024, "population_un_wpp", 50_000_000),
        ("UGA", 2024, "gdp_ppp_per_capita_intl_current", 3_000),
    ]
    data = synthetic_dataset(rows)
    return ComparisonApp(data, export_dir=tmp_path / "exports")


def _cell(app: ComparisonApp, iso3: str, method: str) -> str:
    row = re.search(rf'<tr data-iso3="{iso3}" data-year="\d+">(.*?)</tr>', app.table.value)
    assert row, f"no table row for {iso3}: {app.table.value[:500]}"
    cell = re.search(rf'<td data-method="{method}"[^>]*>(.*?)</td>', row.group(1))
    assert cell, f"no {method} cell for {iso3}"
    return cell.group(1)


def test_opens_on_sensible_defaults(synthetic_app: ComparisonApp) -> None:
    app = synthetic_app
    assert alt.JupyterChart._is_offline  # charts never load JS from a CDN
    assert app.state.years == (2024, 2024)
    assert app.state.methods == S.DEFAULT_METHODS
    assert set(app.state.countries) == {"LBN", "DEU", "UGA"}  # the largest hosts
    assert "bs-status-ok" in app.status.value, app.status.value
    # LBN: 1,600,000 / 5,000,000 * 1000 = 320 refugees per 1,000 inhabitants
    assert _cell(app, "LBN", "refugees_per_1000") == "320"
    # relative effort (population): LBN share of refugees 1.6/8.6 over share of population
    # 5/135: (1.6/8.6) / (5/135) = 5.0232558...
    assert _cell(app, "LBN", "relative_effort") == "5.023"


def test_every_part_has_a_stable_css_class(synthetic_app: ComparisonApp) -> None:
    app = synthetic_app
    for wid, cls in [(app, "bs-app"), (app.countries, "bs-countries"), (app.years, "bs-years"),
                     (app.methods, "bs-methods"), (app.params, "bs-params"),
                     (app.table, "bs-table"), (app.chart, "bs-chart"),
                     (app.status, "bs-status"), (app.export_button, "bs-export"),
                     (app.format_box, "bs-export-formats"), (app.chart_kind, "bs-chart-kind"),
                     (app.method_boxes["one_in_n"], "bs-method-one_in_n"),
                     (app.formats["xlsx"], "bs-format-xlsx")]:
        assert cls in wid._dom_classes, (cls, wid._dom_classes)
    capacity = app.param_controls["relative_effort"].fields["capacity"].widget
    assert "bs-param-relative_effort-capacity" in capacity._dom_classes


def test_select_countries_tick_method_change_parameter(synthetic_app: ComparisonApp) -> None:
    app = synthetic_app
    app.countries.value = ("LBN", "UGA")
    assert app.state.countries == ("LBN", "UGA")
    assert '<tr data-iso3="DEU"' not in app.table.value
    app.method_boxes["one_in_n"].value = True
    assert app.state.methods[-1] == "one_in_n"
    assert "one_in_n" in app.param_controls
    assert app.param_controls["one_in_n"].widget in app.params.children
    assert _cell(app, "LBN", "one_in_n") == "3.125"  # 5,000,000 / 1,600,000
    # count other people in need of international protection too: LBN (1.6 + 0.4) million
    app.param_controls["one_in_n"].fields["who_counts"].widget.value = ("refugees", "oip")
    assert app.state.params_for("one_in_n") == {"who_counts": ("refugees", "oip")}
    assert _cell(app, "LBN", "one_in_n") == "2.5"  # 5,000,000 / 2,000,000
    # untick: the column and the parameter box go away
    app.method_boxes["one_in_n"].value = False
    assert "one_in_n" not in app.state.methods
    assert 'data-method="one_in_n"' not in app.table.value
    assert app.param_controls["one_in_n"].widget not in app.params.children


def test_table_equals_compare_on_real_samples(sample_data: bs.Dataset, tmp_path) -> None:
    app = ComparisonApp(sample_data, export_dir=tmp_path)
    app.countries.value = ("LBN", "DEU")
    app.param_controls["relative_effort"].fields["capacity"].widget.value = "gdp_usd_current"
    expected = bs.compare([bs.RelativeEffort(capacity="gdp_usd_current")], sample_data)
    est = expected.long
    v = est[(est["iso3"] == "LBN") & (est["year"] == 2024)
            & (est["quantity"] == "relative_effort")]["estimate"].item()
    assert _cell(app, "LBN", "relative_effort") == format_number(v)
    assert float(_cell(app, "LBN", "relative_effort").replace(",", "")) == pytest.approx(
        v, rel=5e-4)  # 4 significant figures shown: rounding error below 5e-4 relative


def test_errors_are_shown_in_the_status_area(synthetic_app: ComparisonApp) -> None:
    app = synthetic_app
    app.method_boxes["refugees_per_1000_km2"].value = True  # the data have no land area
    assert "bs-status-error" in app.status.value
    assert "refugees_per_1000_km2" in app.status.value and "land_area_km2" in app.status.value
    assert 'data-method="refugees_per_1000"' in app.table.value  # the others still show
    app.method_boxes["refugees_per_1000_km2"].value = False
    assert "bs-status-ok" in app.status.value
    # a parameter the estimator rejects (relative effort: empty who_counts)
    app.param_controls["relative_effort"].fields["who_counts"].widget.value = ()
    assert "bs-status-error" in app.status.value
    assert "who_counts" in app.status.value
    # a text parameter that cannot be parsed
    weights = app.param_controls["relative_effort"].fields["capacity_weights"].widget
    weights.value = "population"  # not name:value
    assert "bs-status-error" in app.status.value
    assert "must be name:value" in app.status.value


def test_export_button_writes_files_with_provenance(synthetic_app: ComparisonApp,
                                                    tmp_path) -> None:
    app = synthetic_app
    for f, cb in app.formats.items():
        cb.value = f in ("xlsx", "csv")
    app.export_button.click()
    names = sorted(p.name for p in app.exported)
    assert names == ["comparison_2024-2024.csv", "comparison_2024-2024.csv.excluded.csv",
                     "comparison_2024-2024.csv.provenance.json", "comparison_2024-2024.xlsx"]
    assert all(p.exists() for p in app.exported)
    assert "bs-exported" in app.status.value and "comparison_2024-2024.xlsx" in app.status.value
    for cb in app.formats.values():
        cb.value = False
    app.export_button.click()
    assert "bs-status-error" in app.status.value and "tick at least one" in app.status.value


def test_chart_kind_switch_keeps_the_app_alive(synthetic_app: ComparisonApp) -> None:
    app = synthetic_app
    for kind in S.CHART_KINDS:
        app.chart_kind.value = kind
        assert app.state.chart == kind
        assert isinstance(app.chart.chart, (alt.TopLevelMixin,))


@pytest.mark.parametrize("name", list(bs.available_estimators()))
def test_controls_round_trip_every_estimator(name: str) -> None:
    """Controls built from the fields reproduce the default estimator (plugins work alike)."""
    cls = bs.get_estimator(name)
    pc = ParamControls(cls)
    assert set(pc.fields) == {s.name for s in param_specs(cls)}
    assert pc.changed() == {}
    assert cls(**pc.values()).get_params() == cls().get_params()
    for spec in param_specs(cls):
        text = spec.format(spec.default)
        if spec.default not in (None, (), "") and typing.get_origin(spec.inner) is tuple:
            assert spec.parse(text) == spec.default


def test_control_types_follow_annotations() -> None:
    pc = ParamControls(bs.FairShareFunding)
    f = pc.fields
    assert isinstance(f["actual"].widget, w.Dropdown)
    assert isinstance(f["capacity_lag"].widget, w.BoundedIntText)
    assert (f["capacity_lag"].widget.min, f["capacity_lag"].widget.max) == (0, 50)
    assert isinstance(f["group_name"].widget, w.Text)
    assert isinstance(f["year"].widget, w.HBox)  # int | None: a "set" box beside the number
    assert f["year"].get() is None
    f["year"].set(2022)
    assert f["year"].get() == 2022 and pc.changed() == {"year": 2022}
    pc2 = ParamControls(bs.RefugeesPer1000)
    assert isinstance(pc2.fields["who_counts"].widget, w.SelectMultiple)
    pc2.fields["scenario_definitions"].widget.value = "refugees+oip;asylum_seekers"
    assert pc2.values()["scenario_definitions"] == (("refugees", "oip"), ("asylum_seekers",))
    lk = ParamControls(bs.LinearKey)
    assert isinstance(lk.fields["inverted"].widget, w.TagsInput)  # long list of choices
    with pytest.raises(bs.ParameterError, match="no parameter"):
        lk.set_values({"nonsense": 1})
