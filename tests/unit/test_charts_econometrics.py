"""Charts of the econometric designs: the plotted numbers are the result's rows (and the treated
path of the synthetic-control chart is the observed outcome in the input data), the UNHCR text
furniture and provenance are there, and the exporters and the CLI draw them by default.

Data: the embedded real samples (the estimators' own demo designs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import charts as C
from burdenshare.cli import main
from burdenshare.countries import country_name
from burdenshare.export import write_result
from burdenshare.registry import make
from tests.unit.test_charts import check_furniture, footer, main_rows, spec

pytest.importorskip("altair")
pytest.importorskip("vl_convert")
pytest.importorskip("pyfixest")
pytest.importorskip("pysyncon")


@pytest.fixture(scope="module")
def designs(sample_data: bs.Dataset) -> bs.Comparison:
    return bs.compare(["panel_fe", "iv_2sls", "did", "staggered_did"], sample_data)


@pytest.fixture(scope="module")
def event(sample_data: bs.Dataset) -> bs.Result:
    return make("event_study").estimate(sample_data)


@pytest.fixture(scope="module")
def synth(sample_data: bs.Dataset) -> bs.Result:
    return make("synthetic_control").estimate(sample_data)


def _rows_with(d: dict[str, Any], key: str) -> pd.DataFrame:
    """Plotted rows carrying ``key`` (a dataset can be reached twice in the spec: de-duplicated)."""
    return pd.DataFrame([r for r in main_rows(d) if key in r]).drop_duplicates()


def test_coefficient_chart_draws_each_whole_panel_estimate_with_its_interval(
        designs: bs.Comparison) -> None:
    chart = C.coefficient_chart(designs)
    d = check_furniture(chart, designs)
    drawn = _rows_with(d, "row").set_index("row")
    for m, r in designs.results.items():
        e = r.estimates
        whole = e[e["iso3"].isna() & e["year"].isna() & (e["quantity"] != "att_event_time")]
        assert len(whole) >= 1
        for _, row in whole.iterrows():
            got = drawn.loc[f"{m}: {row['term']}"]
            # the plotted values are the result's own numbers, passed through unchanged
            assert got["estimate"] == row["estimate"]
            assert got["ci_lower"] == row["ci_lower"] and got["ci_upper"] == row["ci_upper"]
    # panel_fe/iv_2sls coefficients and did ATTs are in different units: separate panels
    assert "facet" in d["vconcat"][0]
    assert any("cluster-robust" in s for s in d["title"]["subtitle"])


def test_coefficient_chart_of_one_result_and_its_error(designs: bs.Comparison,
                                                       synth: bs.Result) -> None:
    d = check_furniture(C.coefficient_chart(designs.results["did"]), designs.results["did"])
    assert d["title"]["text"].startswith("Average effect on the treated (ATT) | 2010-2019")
    with pytest.raises(ValueError, match="synthetic_control_chart"):
        C.coefficient_chart(make("refugees_per_1000").estimate(
            bs.load_sample().select(years=(2024, 2024))))


def test_event_study_chart_points_reference_and_pretrend(event: bs.Result) -> None:
    d = check_furniture(C.event_study_chart(event), event)
    pts = _rows_with(d, "event_time").set_index("event_time")
    rows = event.estimates[event.estimates["quantity"] == "event_time_coefficient"]
    assert len(pts) == len(rows)
    for _, r in rows.iterrows():
        e = int(str(r["term"]).removeprefix("e="))
        assert pts.loc[e, "estimate"] == r["estimate"]
    # the reference period is drawn at zero, without an interval
    assert pts.loc[-1, "estimate"] == 0.0 and pts.loc[-1, "period"] == "reference (e = -1)"
    p = event.diagnostics["pretrend_p_value"]
    assert any(f"p = {p:.3g}" in s for s in d["title"]["subtitle"])


def test_event_study_chart_takes_staggered_did(designs: bs.Comparison) -> None:
    res = designs.results["staggered_did"]
    d = check_furniture(C.event_study_chart(res), res)
    assert len(_rows_with(d, "event_time")) == int(
        (res.estimates["quantity"] == "att_event_time").sum())
    with pytest.raises(ValueError, match="no event-time estimates"):
        C.event_study_chart(designs.results["did"])


def test_synthetic_control_chart_treated_path_is_the_observed_outcome(
        synth: bs.Result, sample_data: bs.Dataset) -> None:
    d = check_furniture(C.synthetic_control_chart(synth), synth)
    paths = _rows_with(d, "series")
    treated = paths[paths["series"] == "Lebanon"].set_index("year")["value"]
    # independent of the estimator's arithmetic: the observed unemployment rate of Lebanon
    obs = sample_data.observations
    raw = obs[(obs["iso3"] == "LBN") & (obs["indicator"] == "unemployment_rate")]
    raw = raw.set_index("year")["value"].astype(float)
    years = treated.index.astype(int)
    # synthetic + gap reproduces the observation up to floating-point rounding of the sum
    np.testing.assert_allclose(treated.to_numpy(), raw.loc[years].to_numpy(), rtol=0,
                               atol=1e-9)
    gaps = _rows_with(d, "gap").set_index("year")["gap"]
    g = synth.estimates[synth.estimates["quantity"] == "gap"].set_index("year")["estimate"]
    assert (gaps.loc[g.index.astype(int)].to_numpy() == g.to_numpy()).all()
    sub = " ".join(d["title"]["subtitle"])
    assert "treatment from 2012" in sub and "placebo-in-space p = " in sub
    top = max(synth.diagnostics["donor_weights"].items(), key=lambda kv: kv[1])[0]
    assert f"Synthetic control: {country_name(top)}" in footer(d)


def test_default_export_chart_of_each_design(designs: bs.Comparison, event: bs.Result,
                                             synth: bs.Result, tmp_path: Path) -> None:
    for name, res in [*designs.results.items(), ("event_study", event),
                      ("synthetic_control", synth)]:
        files = write_result(res, tmp_path / f"{name}.svg")
        svg = files[0].read_text(encoding="utf-8")
        assert "<svg" in svg and "Lato" in svg
        assert files[1].name == f"{name}.svg.provenance.json"
    assert "treated and synthetic control" in (tmp_path / "synthetic_control.svg").read_text(
        encoding="utf-8")


def test_cli_draws_a_did_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "did.png"
    assert main(["run", "did", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "did.png.provenance.json").exists()


def test_country_results_still_get_a_ranking(recent_data: bs.Dataset) -> None:
    res = make("refugees_per_1000").estimate(recent_data)
    d = spec(C.result_chart(res, year=2024))
    assert d["title"]["text"].startswith("Refugees per 1,000 inhabitants")
