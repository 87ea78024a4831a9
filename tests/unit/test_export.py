"""Exports carry provenance and round-trip; spreadsheets cannot run injected formulas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.export import neutralise_formula, write_comparison, write_result


@pytest.fixture(scope="module")
def result(recent_data: bs.Dataset) -> bs.Result:
    return bs.RefugeesPer1000(scenario_definitions=(("refugees", "oip"),)).estimate(
        recent_data.select(years=(2023, 2024)))


def test_formula_neutralisation_touches_text_only() -> None:
    assert neutralise_formula("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutralise_formula("+1") == "'+1"
    assert neutralise_formula("-cmd") == "'-cmd"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("\tx") == "'\tx"
    assert neutralise_formula("Côte d'Ivoire") == "Côte d'Ivoire"
    assert neutralise_formula(-3.5) == -3.5  # numbers are never touched


def test_csv_round_trip_and_sidecars(tmp_path: Path, result: bs.Result) -> None:
    paths = write_result(result, tmp_path / "r.csv")
    assert [p.name for p in paths] == ["r.csv", "r.csv.provenance.json", "r.csv.excluded.csv"]
    back = pd.read_csv(paths[0], keep_default_na=False, na_values=[""])
    pd.testing.assert_series_equal(back["estimate"], result.estimates["estimate"])
    assert back["iso3"].tolist() == result.estimates["iso3"].tolist()
    meta = json.loads(paths[1].read_text())
    assert meta["uncertainty_method"] == "scenario_range"
    assert meta["provenance"]["data_fingerprint"] == result.provenance.data_fingerprint
    assert {s["licence"] for s in meta["provenance"]["sources"]} >= {"CC BY 4.0"}
    exc = pd.read_csv(paths[2], keep_default_na=False, na_values=[""])
    assert len(exc) == len(result.excluded)


def test_xlsx_sheets_hold_estimates_exclusions_and_provenance(tmp_path: Path, result: bs.Result) -> None:
    (p,) = write_result(result, tmp_path / "r.xlsx")
    sheets = pd.read_excel(p, sheet_name=None, keep_default_na=False, na_values=[""])
    assert len(sheets["estimates"]) == len(result.estimates)
    assert sheets["estimates"]["estimate"].tolist() == pytest.approx(result.estimates["estimate"].tolist())
    prov = dict(zip(sheets["provenance"]["field"], sheets["provenance"]["value"]))
    assert prov["provenance.estimator"] == "refugees_per_1000"
    assert prov["provenance.data_fingerprint"] == result.provenance.data_fingerprint
    assert "UNHCR" in set(sheets["sources"]["publisher"])


def test_xlsx_neutralises_text_but_keeps_negative_numbers(tmp_path: Path, result: bs.Result) -> None:
    from openpyxl import load_workbook

    est = result.estimates.copy()
    est.loc[0, "term"] = "=1+1"
    est.loc[0, "estimate"] = -2.5
    hacked = bs.Result(est, result.excluded, result.assumptions, result.diagnostics,
                       result.uncertainty_method, result.provenance)
    (p,) = write_result(hacked, tmp_path / "h.xlsx")
    ws = load_workbook(p)["estimates"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("term")] == "'=1+1"
    assert row[header.index("estimate")] == -2.5
    assert ws.freeze_panes == "A2"


def test_comparison_exports(tmp_path: Path, recent_data: bs.Dataset) -> None:
    comp = bs.compare(["refugees_per_1000", "one_in_n"], recent_data.select(years=(2024, 2024)))
    paths = write_comparison(comp, tmp_path / "c.json")
    doc = json.loads(paths[0].read_text())
    assert set(doc["methods"]) == {"refugees_per_1000", "one_in_n"}
    assert {r["method"] for r in doc["estimates"]} == {"refugees_per_1000", "one_in_n"}
    (x,) = write_comparison(comp, tmp_path / "c.xlsx")
    assert {"estimates", "excluded", "provenance", "sources", "summary"} <= set(
        pd.read_excel(x, sheet_name=None))


def test_unsupported_suffix_is_an_export_error(tmp_path: Path, result: bs.Result) -> None:
    with pytest.raises(bs.ExportError, match="unsupported suffix"):
        write_result(result, tmp_path / "r.docx")
