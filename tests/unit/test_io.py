"""Readers for user files: XLSX and Parquet map errors to rows like CSV does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from tests.conftest import synthetic_frame


def frame() -> pd.DataFrame:
    return synthetic_frame([("AUT", 2020, "refugees", 1000.0), ("AUT", 2020, "population", 250000.0)])


def test_xlsx_is_read_and_errors_give_the_excel_row(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    frame().to_excel(good, index=False)
    ds = bs.read_observations(good, {"synthetic_test": bs.Source("synthetic_test", "t", "p")})
    assert len(ds) == 2
    bad = frame().astype({"value": object})
    bad.loc[1, "value"] = "lots"
    path = tmp_path / "bad.xlsx"
    bad.to_excel(path, index=False)
    with pytest.raises(bs.DataValidationError, match=r"bad.xlsx, line 3, column 'value': 'lots'"):
        bs.read_observations(path, {"synthetic_test": bs.Source("synthetic_test", "t", "p")})


def test_parquet_is_read_with_row_numbers(tmp_path: Path) -> None:
    df = frame()
    df.loc[0, "iso3"] = "QQQ"
    path = tmp_path / "d.parquet"
    df.to_parquet(path, index=False)
    with pytest.raises(bs.DataValidationError) as info:
        bs.read_observations(path, {"synthetic_test": bs.Source("synthetic_test", "t", "p")})
    f = info.value.failures
    assert f.loc[0, "line"] == 1 and f.loc[0, "value"] == "QQQ"


def test_undocumented_sources_are_marked_not_hidden(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    frame().to_csv(path, index=False)
    ds = bs.read_observations(path)
    assert ds.sources["synthetic_test"].publisher == "not documented"
    res = bs.RefugeesPer1000(population_source="wdi").estimate(ds)  # the file has `population`
    assert res.provenance.sources[0]["publisher"] == "not documented"


def test_sources_json_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    frame().to_csv(path, index=False)
    (tmp_path / "sources.json").write_text('{"synthetic_test": {"title": "t"}}')
    with pytest.raises(bs.DataValidationError,
                       match=r"sources.json: source 'synthetic_test' lacks 'publisher'"):
        bs.read_observations(path)


def test_unsupported_file_type(tmp_path: Path) -> None:
    p = tmp_path / "d.txt"
    p.write_text("x")
    with pytest.raises(bs.DataValidationError, match="unsupported file type"):
        bs.read_observations(p)


def test_estimation_never_touches_global_random_state(sample_data: bs.Dataset) -> None:
    np.random.seed(12345)
    before = np.random.get_state()[1].copy()
    comp = bs.compare({**{n: n for n in bs.available_estimators()},
                       "monte_carlo": bs.HealthInclusionCost(n_draws=50, unit_cost_cv=0.2, seed=3)},
                      sample_data.select(years=(2015, 2025)), on_error="record")
    assert "monte_carlo" in comp.results  # a seeded Monte Carlo ran
    assert (np.random.get_state()[1] == before).all()


def test_demo_writes_real_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from burdenshare.demo import NOT_RUN, run_demo

    comps = run_demo(tmp_path)
    out = capsys.readouterr().out
    assert "Highest refugees per 1,000 inhabitants" in out and "== Relative burden, 2024 ==" in out
    assert all(c.failures == {} for c in comps.values())
    # every built-in runs in the demo, or is listed with the reason it cannot run on its own
    ran = {label for c in comps.values() for label in c.results}
    builtins = {n for n, i in bs.available_estimators().items() if i.builtin}
    assert ran | set(NOT_RUN) == builtins and not ran & set(NOT_RUN)
    png = tmp_path / "refugees_per_1000_2024.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for chart in ("host_impact_designs", "host_impact_event_study",
                  "host_impact_synthetic_control"):
        assert "<svg" in (tmp_path / f"{chart}.svg").read_text(encoding="utf-8")
        assert (tmp_path / f"{chart}.svg.provenance.json").exists()
    for family in comps:
        sheets = pd.read_excel(tmp_path / f"{family}.xlsx", sheet_name=None)
        assert {"estimates", "excluded", "provenance", "sources", "summary"} <= set(sheets)
        assert (tmp_path / f"{family}.csv.provenance.json").exists()
