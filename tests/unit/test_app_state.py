"""The app's pure layer (burdenshare.app.state): selection -> comparison -> table -> export.

Numbers are checked against hand calculations on a small synthetic dataset (named synthetic)
and, on the embedded real samples, against each estimator run directly (``est.estimate``),
a path that does not go through the app's cache, filtering or pivoting.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.app import state as S
from burdenshare.presentation import format_number
from tests.conftest import synthetic_dataset

#: rel tolerance for exact arithmetic on small integers: one or two float roundings only.
EXACT = 1e-12


@pytest.fixture(scope="module")
def synthetic_small() -> bs.Dataset:
    """Synthetic: three countries, two years; refugees, population, GDP PPP per capita."""
    rows = []
    for year, k in ((2023, 1), (2024, 2)):
        rows += [
            ("LBN", year, "refugees", 800_000 * k), ("LBN", year, "population_un_wpp", 5_000_000),
            ("LBN", year, "gdp_ppp_per_capita_intl_current", 16_000),
            ("DEU", year, "refugees", 2_000_000 * k), ("DEU", year, "population_un_wpp", 80_000_000),
            ("DEU", year, "gdp_ppp_per_capita_intl_current", 64_000),
            ("UGA", year, "refugees", 1_500_000 * k), ("UGA", year, "population_un_wpp", 50_000_000),
            ("UGA", year, "gdp_ppp_per_capita_intl_current", 3_000),
        ]
    return synthetic_dataset(rows)


def test_state_is_validated_and_canonical() -> None:
    s = S.AppState(countries=("LBN", "LBN", "DEU"), years=(2020, 2024),
                   params=(("one_in_n", (("who_counts", ["refugees", "oip"]),)),))
    assert s.countries == ("LBN", "DEU")
    assert s.params_for("one_in_n") == {"who_counts": ("refugees", "oip")}
    hash(s)  # usable as a cache key
    assert s.with_params("one_in_n", {}).params_for("one_in_n") == {}
    with pytest.raises(ValueError, match="first year is after the last"):
        S.AppState(years=(2024, 2020))
    with pytest.raises(ValueError, match="chart='pie'.*comparison"):
        S.AppState(chart="pie")


def test_table_matches_hand_calculation(synthetic_small: bs.Dataset) -> None:
    s = S.AppState(countries=("LBN", "UGA"), years=(2024, 2024),
                   methods=("refugees_per_1000", "refugees_per_gdp_ppp_pc", "one_in_n"))
    comp = S.compute(s, synthetic_small)
    assert dict(comp.failures) == {}
    t = S.table_frame(comp, s).set_index("iso3")
    assert list(t.index) == ["LBN", "UGA"]  # ordered by the first method's burden rank
    # LBN 2024: 1,600,000 refugees / 5,000,000 inhabitants * 1000 = 320
    assert t.loc["LBN", "refugees_per_1000"] == pytest.approx(320.0, rel=EXACT)
    # UGA 2024: 3,000,000 / 50,000,000 * 1000 = 60; per GDP PPP pc: 3,000,000 / 3,000 = 1000
    assert t.loc["UGA", "refugees_per_1000"] == pytest.approx(60.0, rel=EXACT)
    assert t.loc["UGA", "refugees_per_gdp_ppp_pc"] == pytest.approx(1000.0, rel=EXACT)
    # one in N: 5,000,000 / 1,600,000 = 3.125 inhabitants per refugee
    assert t.loc["LBN", "one_in_n"] == pytest.approx(3.125, rel=EXACT)
    assert t.attrs["units"]["refugees_per_1000"] == "per 1,000 inhabitants"
    html = S.table_html(S.table_frame(comp, s))
    assert '<tr data-iso3="LBN" data-year="2024">' in html
    assert '<td data-method="refugees_per_1000" style="text-align:right">320</td>' in html
    assert '<td data-method="one_in_n" style="text-align:right">3.125</td>' in html


def test_empty_country_selection_shows_top_by_first_method(synthetic_small: bs.Dataset) -> None:
    s = S.AppState(countries=(), years=(2023, 2024), methods=("refugees_per_1000",), top=2)
    t = S.table_frame(S.compute(s, synthetic_small), s)
    # per 1000: LBN 160/320, UGA 30/60, DEU 25/50 -> the top two are LBN, UGA; latest year first
    assert list(zip(t["year"], t["iso3"])) == [(2024, "LBN"), (2024, "UGA"),
                                               (2023, "LBN"), (2023, "UGA")]


def test_parameter_error_is_recorded_not_raised(synthetic_small: bs.Dataset) -> None:
    s = S.AppState(methods=("refugees_per_1000", "one_in_n"), years=(2024, 2024),
                   params=(("one_in_n", (("who_counts", ("nobody",)),)),))
    comp = S.compute(s, synthetic_small)
    assert list(comp.results) == ["refugees_per_1000"]
    assert "ParameterError" in comp.failures["one_in_n"]
    assert "'nobody' is not allowed" in comp.failures["one_in_n"]
    frame = S.table_frame(comp, s)
    assert "one_in_n" not in frame.columns
    assert "Not shown (failed): one_in_n" in S.table_html(frame, failures=comp.failures)


def test_missing_indicator_is_a_failure(synthetic_small: bs.Dataset) -> None:
    s = S.AppState(methods=("refugees_per_1000_km2",), years=(2024, 2024))
    comp = S.compute(s, synthetic_small)
    assert "land_area_km2" in comp.failures["refugees_per_1000_km2"]
    assert S.table_frame(comp, s).empty


def test_cache_reestimates_only_the_changed_method(synthetic_small: bs.Dataset) -> None:
    cache = S.ResultCache()
    s = S.AppState(methods=("refugees_per_1000", "relative_effort"), years=(2024, 2024))
    S.compute(s, synthetic_small, cache)
    assert (cache.misses, cache.hits) == (2, 0)
    s2 = s.with_params("relative_effort", {"capacity": "population"})  # same as the default
    S.compute(s2, synthetic_small, cache)
    assert (cache.misses, cache.hits) == (2, 2)
    s3 = s.with_params("relative_effort", {"who_counts": ("refugees", "oip")})
    comp = S.compute(s3, synthetic_small, cache)
    assert (cache.misses, cache.hits) == (3, 3)
    assert comp.results["relative_effort"].provenance.params["who_counts"] == [
        "refugees", "oip"]


def test_sample_defaults_and_numbers_equal_direct_estimates(sample_data: bs.Dataset) -> None:
    s = S.default_state(sample_data)
    assert s.years == (2024, 2024)
    assert len(s.countries) == 10 and s.methods == S.DEFAULT_METHODS
    comp = S.compute(s, sample_data)
    assert dict(comp.failures) == {}
    t = S.table_frame(comp, s)
    assert set(t["iso3"]) == set(s.countries)
    for m in s.methods:  # second path: each estimator run on its own, no app code involved
        direct = bs.get_estimator(m)().estimate(sample_data).estimates
        direct = direct[(direct["quantity"] == bs.get_estimator(m).quantity)
                        & (direct["year"] == 2024)].set_index("iso3")["estimate"]
        for iso3, value in zip(t["iso3"], t[m]):
            if pd.isna(value):
                assert iso3 not in direct.index
            else:
                assert value == direct[iso3]  # the same float: no arithmetic in between


@pytest.mark.parametrize(("value", "text"), [
    (None, "–"), (float("nan"), "–"), (0.0, "0"), (320.0, "320"), (3.125, "3.125"),
    (0.0123456, "0.01235"), (12345.6, "12,346"), (-2.5, "-2.5"), (999.94, "999.9"),
])
def test_table_numbers_have_four_significant_figures(value: float | None, text: str) -> None:
    assert format_number(value) == text


def test_export_tables_carry_provenance(synthetic_small: bs.Dataset, tmp_path) -> None:
    s = S.AppState(countries=("LBN",), methods=("refugees_per_1000", "one_in_n"),
                   years=(2024, 2024))
    comp = S.compute(s, synthetic_small)
    paths = S.export_files(comp, s, tmp_path, ["xlsx", "csv"])
    names = sorted(p.name for p in paths)
    assert "comparison_2024-2024.xlsx" in names and "comparison_2024-2024.csv" in names
    wb = openpyxl.load_workbook(tmp_path / "comparison_2024-2024.xlsx", read_only=True)
    assert "provenance" in wb.sheetnames
    prov = {r[0]: r[1] for r in wb["provenance"].iter_rows(min_row=2, values_only=True)}
    assert prov["data_fingerprint"] == synthetic_small.fingerprint
    assert prov["one_in_n.provenance.estimator"] == "one_in_n"
    side = json.loads((tmp_path / "comparison_2024-2024.csv.provenance.json").read_text())
    assert side["data_fingerprint"] == synthetic_small.fingerprint


def test_export_rejects_bad_requests(synthetic_small: bs.Dataset, tmp_path) -> None:
    s = S.AppState(methods=("refugees_per_1000",), years=(2024, 2024))
    comp = S.compute(s, synthetic_small)
    with pytest.raises(bs.ExportError, match="unknown export format.*'docx'"):
        S.export_files(comp, s, tmp_path, ["docx"])
    with pytest.raises(bs.ExportError, match="tick at least one"):
        S.export_files(comp, s, tmp_path, [])
    empty = S.compute(s.replace(methods=()), synthetic_small)
    with pytest.raises(bs.ExportError, match="no method produced results"):
        S.export_files(empty, s, tmp_path, ["csv"])


def test_export_chart_and_report_formats(synthetic_small: bs.Dataset, tmp_path) -> None:
    s = S.AppState(countries=("LBN", "UGA"), methods=("refugees_per_1000", "one_in_n"),
                   years=(2024, 2024))
    comp = S.compute(s, synthetic_small)
    paths = S.export_files(comp, s, tmp_path, ["png", "svg", "md"])
    names = {p.name for p in paths}
    assert {"comparison_2024-2024.png", "comparison_2024-2024.png.provenance.json",
            "comparison_2024-2024.svg", "comparison_2024-2024.md"} <= names, names
    assert (tmp_path / "comparison_2024-2024.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    side = json.loads((tmp_path / "comparison_2024-2024.png.provenance.json").read_text())
    assert synthetic_small.fingerprint in json.dumps(side)
    assert "<svg" in (tmp_path / "comparison_2024-2024.svg").read_text()[:500]
    report = (tmp_path / "comparison_2024-2024.md").read_text()
    assert "Lebanon" in report or "LBN" in report
    assert "Germany" not in report and "DEU" not in report  # only the countries shown


@pytest.mark.parametrize("kind", ["comparison", "rank_agreement"])
def test_chart_on_year_view_equals_chart_on_whole_comparison(sample_data: bs.Dataset,
                                                             kind: str) -> None:
    from burdenshare import charts

    s = S.default_state(sample_data).replace(chart=kind)
    comp = S.compute(s, sample_data)
    frame = S.table_frame(comp, s)
    fn = charts.comparison_chart if kind == "comparison" else charts.rank_agreement_chart
    whole = fn(comp, year=2024, countries=list(frame["iso3"]), top=s.top)
    assert S.chart_for(comp, s, frame).to_dict() == whole.to_dict()
