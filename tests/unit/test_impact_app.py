"""The host-impact app in-process: drive its controls by setting ``.value`` (as the browser
does through the widget comm) and check the table, charts, notes, status and exports.

The independent check: the app computes no number itself, so every number it shows must equal
what the estimators return when this test builds and runs them directly with the same
parameters (``bs.PanelFE()``, ``bs.DiD(outcome=...)``, ...), selected here from their
estimates and diagnostics without the app's code. The data are the embedded real samples.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import altair as alt
import openpyxl
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.app import HostImpactApp
from burdenshare.app import impact_app as I
from burdenshare.app.state import compute
from burdenshare.presentation import format_number

#: The app shows the estimator's own float; the direct run repeats the same deterministic
#: computation, so they agree to the last bits (a relative 1e-12 allows only reordered sums).
SAME = 1e-12
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _row(app: HostImpactApp, design: str) -> str:
    m = re.search(rf'<tr data-design="{design}"[^>]*>(.*?)</tr>', app.table.value)
    assert m, f"no table row for {design}: {app.table.value[:400]}"
    return m.group(1)


def _cell(app: HostImpactApp, design: str, col: str) -> str:
    m = re.search(rf'<td data-col="{col}">(.*?)</td>', _row(app, design))
    assert m, f"no {col} cell for {design}"
    return m.group(1)


def _whole_panel(res: bs.results.Result, quantity: str) -> pd.Series:
    """The one estimate row of ``quantity`` without a year (selected here, not by the app)."""
    e = res.estimates
    rows = e[(e["quantity"] == quantity) & e["year"].isna()]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.fixture(scope="module")
def opened(sample_data: bs.Dataset, tmp_path_factory: pytest.TempPathFactory) -> HostImpactApp:
    """The app as it opens on the embedded samples (default designs and parameters)."""
    return HostImpactApp(sample_data, export_dir=tmp_path_factory.mktemp("impact") / "exports")


@pytest.fixture(scope="module")
def direct(sample_data: bs.Dataset) -> dict[str, Any]:
    """The default designs run here, directly, with their default parameters."""
    return {"panel_fe": bs.PanelFE().estimate(sample_data),
            "iv_2sls": bs.IV2SLS().estimate(sample_data),
            "did": bs.DiD().estimate(sample_data),
            "synthetic_control": bs.SyntheticControl().estimate(sample_data)}


def test_opens_offline_with_stable_css_classes(opened: HostImpactApp) -> None:
    app = opened
    assert alt.JupyterChart._is_offline  # charts never load JS from a CDN
    assert app.state.methods == I.DEFAULT_DESIGNS
    assert [d for d, cb in app.design_boxes.items() if cb.value] == list(I.DEFAULT_DESIGNS)
    assert "bs-status-ok" in app.status.value, app.status.value
    for wid, cls in [(app, "bs-impact-app"), (app.designs, "bs-impact-designs"),
                     (app.design_boxes["event_study"], "bs-impact-design-event_study"),
                     (app.outcome, "bs-impact-outcome"), (app.params, "bs-impact-params"),
                     (app.status, "bs-impact-status"), (app.table, "bs-impact-table"),
                     (app.notes, "bs-impact-notes"), (app.export_button, "bs-impact-export"),
                     (app.export_dir, "bs-impact-export-dir"),
                     (app.chart_widgets["coefficients"], "bs-impact-chart-coefficients"),
                     (app.chart_widgets["event_study"], "bs-impact-chart-event_study")]:
        assert cls in wid._dom_classes, (cls, wid._dom_classes)
    treated = app.param_controls["did"].fields["treated"].widget
    assert "bs-param-did-treated" in treated._dom_classes
    assert [pc.widget for pc in app.param_controls.values()] == list(app.params.children)


def test_table_equals_the_estimators_run_directly(opened: HostImpactApp,
                                                  direct: dict[str, Any]) -> None:
    app = opened
    f = app.frame.set_index("design")
    assert list(f.index) == list(I.DEFAULT_DESIGNS)
    for design, quantity in [("panel_fe", "coefficient"), ("iv_2sls", "coefficient"),
                             ("did", "att"), ("synthetic_control", "att_post")]:
        want = _whole_panel(direct[design], quantity)
        got = f.loc[design]
        assert got["term"] == want["term"] and got["unit"] == want["unit"]
        for col in ("estimate", "std_error", "ci_lower", "ci_upper", "ci_level"):
            if pd.isna(want[col]):
                assert pd.isna(got[col]), (design, col)
            else:
                assert got[col] == pytest.approx(float(want[col]), rel=SAME), (design, col)
        assert _cell(app, design, "estimate") == format_number(want["estimate"])
    diag = {d: r.diagnostics for d, r in direct.items()}
    for design in ("panel_fe", "iv_2sls", "did"):
        assert f.loc[design, "n_obs"] == diag[design]["n_obs"]
        assert f.loc[design, "n_clusters"] == diag[design]["n_clusters"]
    assert f.loc["iv_2sls", "first_stage_f"] == pytest.approx(diag["iv_2sls"]["first_stage_f"],
                                                             rel=SAME)
    assert _cell(app, "iv_2sls", "first_stage_f") == format_number(
        diag["iv_2sls"]["first_stage_f"])
    assert f.loc["synthetic_control", "placebo_p_value"] == pytest.approx(
        diag["synthetic_control"]["placebo_p_value"], rel=SAME)
    # a diagnostic a design does not have stays empty (never 0)
    assert math.isnan(f.loc["panel_fe", "first_stage_f"])
    assert _cell(app, "panel_fe", "first_stage_f") == "–"
    assert diag["iv_2sls"]["anderson_rubin_interval"] in f.loc["iv_2sls", "detail"]


def test_charts_notes_and_exclusions(opened: HostImpactApp, direct: dict[str, Any]) -> None:
    app = opened
    assert set(app.charts) == {"coefficients", "synthetic_control"}
    shown = {k: jc.layout.display != "none" for k, jc in app.chart_widgets.items()}
    assert shown == {"coefficients": True, "event_study": False, "staggered_did": False,
                     "synthetic_control": True}
    spec = json.dumps(app.chart_widgets["coefficients"].chart.to_dict())
    for design in ("panel_fe", "iv_2sls", "did"):
        assert f'"{design}"' in spec  # one point with its interval per design
    spec_sc = json.dumps(app.chart_widgets["synthetic_control"].chart.to_dict())
    assert "synthetic control" in spec_sc
    # what each design assumes and what it left out, counted here from Result.excluded
    for design, res in direct.items():
        note = re.search(rf'<details class="bs-impact-note" data-design="{design}">(.*?)'
                         "</details>", app.notes.value, re.S)
        assert note, design
        assert res.assumptions[0].replace("'", "&#x27;") in note.group(1)
        for reason, n in res.excluded["reason"].value_counts().items():
            assert f'data-reason="{reason}"' in note.group(1)
            assert f"{reason}: {n:,}<" in note.group(1)
    counts = I.exclusion_counts(app.comparison)
    assert int(counts["n"].sum()) == sum(len(r.excluded) for r in direct.values())
    assert set(counts["reason"]) <= set(bs.schemas.EXCLUSION_REASONS)


def test_tick_event_study_and_change_a_parameter(sample_data: bs.Dataset) -> None:
    app = HostImpactApp(sample_data, designs=("did",))
    assert set(app.charts) == {"coefficients"}
    app.design_boxes["event_study"].value = True
    assert app.state.methods == ("did", "event_study")
    assert app.param_controls["event_study"].widget in app.params.children
    want = bs.EventStudy().estimate(sample_data).diagnostics
    row = app.frame.set_index("design").loc["event_study"]
    assert math.isnan(row["estimate"])  # leads and lags only: no whole-panel estimate
    assert row["pretrend_p_value"] == pytest.approx(want["pretrend_p_value"], rel=SAME)
    assert row["n_obs"] == want["n_obs"] and row["n_clusters"] == want["n_clusters"]
    assert app.chart_widgets["event_study"].layout.display != "none"
    assert "Pre-trend test" in json.dumps(app.charts["event_study"].to_dict())
    # three leads instead of five: a new estimate, equal to the estimator run directly
    app.param_controls["event_study"].fields["leads"].widget.value = 3
    assert app.state.params_for("event_study") == {"leads": 3}
    want3 = bs.EventStudy(leads=3).estimate(sample_data).diagnostics
    assert want3["pretrend_p_value"] != want["pretrend_p_value"]
    assert _cell(app, "event_study", "pretrend_p_value") == format_number(
        want3["pretrend_p_value"])
    app.design_boxes["event_study"].value = False
    assert app.chart_widgets["event_study"].layout.display == "none"
    assert 'data-design="event_study"' not in app.table.value


def test_shared_outcome_sets_every_design(sample_data: bs.Dataset) -> None:
    app = HostImpactApp(sample_data, designs=("did", "synthetic_control"))
    app.outcome.value = "gov_expense_pct_gdp"
    for d in ("did", "synthetic_control"):
        assert app.state.params_for(d)["outcome"] == "gov_expense_pct_gdp"
        assert app.param_controls[d].fields["outcome"].get() == "gov_expense_pct_gdp"
    f = app.frame.set_index("design")
    did = _whole_panel(bs.DiD(outcome="gov_expense_pct_gdp").estimate(sample_data), "att")
    sc = _whole_panel(bs.SyntheticControl(outcome="gov_expense_pct_gdp").estimate(sample_data),
                      "att_post")
    assert f.loc["did", "estimate"] == pytest.approx(float(did["estimate"]), rel=SAME)
    assert f.loc["synthetic_control", "estimate"] == pytest.approx(float(sc["estimate"]),
                                                                   rel=SAME)
    assert f.loc["did", "unit"] == "percent of GDP"
    # a design ticked later gets the shared outcome too
    app.design_boxes["event_study"].value = True
    assert app.state.params_for("event_study") == {"outcome": "gov_expense_pct_gdp"}
    # one design's own outcome: the shared selector says the designs no longer share one
    app.param_controls["did"].fields["outcome"].widget.value = "unemployment_rate"
    assert app.outcome.value == I._PER_DESIGN
    assert app.state.params_for("synthetic_control")["outcome"] == "gov_expense_pct_gdp"
    assert "bs-status-ok" in app.status.value, app.status.value


def test_errors_name_the_design_and_the_others_still_show(sample_data: bs.Dataset) -> None:
    app = HostImpactApp(sample_data, designs=("did", "synthetic_control"))
    treated = app.param_controls["did"].fields["treated"].widget
    treated.value = "XXX"  # no such country in the data
    assert "bs-status-error" in app.status.value
    assert 'data-design="did"' in app.status.value and "XXX" in app.status.value
    assert "Traceback" not in app.status.value
    assert list(app.frame["design"]) == ["synthetic_control"]  # the other design still shows
    assert "bs-impact-failed" in app.table.value
    treated.value = "DEU,SWE,AUT"
    assert "bs-status-ok" in app.status.value
    # a value the estimator rejects when built
    app.param_controls["did"].fields["treatment_year"].widget.value = 2030
    assert "bs-status-error" in app.status.value and "treatment_year" in app.status.value
    app.param_controls["did"].fields["treatment_year"].widget.value = 2016
    # text that cannot be parsed
    app.design_boxes["event_study"].value = True
    app.param_controls["event_study"].fields["onsets"].widget.value = "DEU"  # not ISO3:year
    assert "bs-status-error" in app.status.value and "event_study" in app.status.value
    assert "onsets" in app.status.value


def test_export_writes_table_charts_and_provenance(sample_data: bs.Dataset,
                                                   tmp_path: Path) -> None:
    app = HostImpactApp(sample_data, designs=("did", "event_study", "synthetic_control"),
                        export_dir=tmp_path / "out")
    app.export_button.click()
    assert "bs-exported" in app.status.value, app.status.value
    names = sorted(p.name for p in app.exported)
    assert names == sorted([
        "host_impact.xlsx", "host_impact_estimates.csv",
        "host_impact_estimates.csv.excluded.csv", "host_impact_estimates.csv.provenance.json",
        *[f"host_impact_{c}.png{s}" for c in ("coefficients", "event_study",
                                                "synthetic_control")
          for s in ("", ".provenance.json")]])
    assert all(p.exists() for p in app.exported)
    out = tmp_path / "out"
    wb = openpyxl.load_workbook(out / "host_impact.xlsx", read_only=True)
    assert wb.sheetnames == ["table", "excluded_by_reason", "assumptions", "provenance",
                             "sources"]
    table = pd.read_excel(out / "host_impact.xlsx", sheet_name="table")
    assert list(table["design"]) == list(app.frame["design"])
    did = _whole_panel(bs.DiD().estimate(sample_data), "att")
    assert table.set_index("design").loc["did", "estimate"] == pytest.approx(
        float(did["estimate"]), rel=SAME)
    prov = pd.read_excel(out / "host_impact.xlsx", sheet_name="provenance")
    assert sample_data.fingerprint in set(prov["value"])
    assert {"did", "event_study", "synthetic_control"} <= set(prov["design"].dropna())
    excluded = pd.read_csv(out / "host_impact_estimates.csv.excluded.csv")
    assert len(excluded) == sum(len(r.excluded) for r in app.comparison.results.values())
    for c in ("coefficients", "event_study", "synthetic_control"):
        png = out / f"host_impact_{c}.png"
        assert png.read_bytes()[:8] == PNG_MAGIC
        side = json.loads(png.with_name(png.name + ".provenance.json").read_text())
        assert sample_data.fingerprint in json.dumps(side)
    # nothing to export: said in the status, no traceback
    app.design_boxes["did"].value = False
    app.design_boxes["event_study"].value = False
    app.design_boxes["synthetic_control"].value = False
    assert "Tick at least one design" in app.status.value
    app.export_button.click()
    assert "bs-status-error" in app.status.value and "nothing to export" in app.status.value


def test_pure_functions_without_widgets(sample_data: bs.Dataset) -> None:
    state = I.with_outcome(I.impact_state(["event_study", "did"], {"did": {"treated": ("DEU",)}}),
                           "unemployment_rate")
    assert state.methods == ("event_study", "did")
    assert state.params_for("did") == {"treated": ("DEU",), "outcome": "unemployment_rate"}
    comp = compute(I.impact_state(["event_study"], {"event_study": {"leads": 1}}),  # 2 at least
                   sample_data)
    assert "event_study" in comp.failures  # a rejected parameter is recorded, never raised
    comp = compute(I.impact_state(["event_study"]), sample_data)
    charts, errors = I.impact_charts(comp)
    assert set(charts) == {"event_study"} and errors == {}  # no whole-panel estimate to plot
    table = I.impact_table(comp)
    assert list(table.columns) == list(I.TABLE_COLUMNS)
    assert table["term"].item() == "leads and lags: see the chart"
    html = I.impact_table_html(table, {"did": "EstimatorError: synthetic failure"})
    assert 'class="bs-impact-failed"' in html and "synthetic failure" in html
    with pytest.raises(bs.ExportError, match="nothing to export"):
        I.export_impact(compute(I.impact_state([]), sample_data), "unused")


def test_docstring_examples_run() -> None:
    import doctest

    assert doctest.testmod(I, optionflags=doctest.ELLIPSIS).failed == 0
