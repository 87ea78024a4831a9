"""Relative-burden estimators checked against hand calculations written in the tests.

Independent source for every number below: the arithmetic written out next to the assertion
(STYLE.md §3.2, house rule 10). The data are small synthetic datasets (source ids ``synthetic_*``)
that use real ISO3 codes because codes are validated.

Tolerances: ``rel=1e-12`` wherever the expected value is exact arithmetic on small integers; the
only error allowed is floating-point rounding of one or two divisions/multiplications (a few ulp,
far below 1e-12 relative). ``abs=1e-12`` for values that are exactly 0 or for sums of shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.indicators import VOCABULARY

pytestmark = pytest.mark.reference

#: rel tolerance for exact arithmetic: a few floating-point roundings, nothing else.
EXACT = 1e-12

SOURCES = {
    "synthetic_test": bs.Source(id="synthetic_test", title="synthetic test data",
                                publisher="burdenshare tests"),
    "synthetic_pop_a": bs.Source(id="synthetic_pop_a", title="synthetic population source A",
                                 publisher="burdenshare tests"),
    "synthetic_pop_b": bs.Source(id="synthetic_pop_b", title="synthetic population source B",
                                 publisher="burdenshare tests"),
}


def _dataset(rows: list[tuple]) -> bs.Dataset:
    """Rows are (iso3, year, indicator, value) or (iso3, year, indicator, value, source)."""
    recs = []
    for r in rows:
        iso3, year, ind, value = r[:4]
        src = r[4] if len(r) > 4 else "synthetic_test"
        recs.append({"iso3": iso3, "year": year, "indicator": ind, "value": value,
                     "unit": VOCABULARY[ind].unit, "source": src})
    return bs.Dataset.from_frame(pd.DataFrame(recs), SOURCES, origin="synthetic_hand")


def _by_iso3(res: bs.Result, quantity: str | None = None) -> pd.Series:
    q = quantity or res.main_quantity
    e = res.estimates[res.estimates["quantity"] == q]
    return e.set_index("iso3")["estimate"]


def _row(res: bs.Result, quantity: str, term: str | None = None) -> pd.Series:
    e = res.estimates[res.estimates["quantity"] == quantity]
    if term is not None:
        e = e[e["term"] == term]
    assert len(e) == 1, e
    return e.iloc[0]


def _reasons(res: bs.Result) -> dict[tuple[str, str], str]:
    x = res.excluded
    return {(i, ind): r for i, ind, r in zip(x["iso3"], x["indicator"], x["reason"])}


# A three-country panel used by several tests:
#   AUT: 1,000 refugees, 250,000 inhabitants
#   DEU: 3,000 refugees, 500,000 inhabitants
#   FRA:     0 refugees, 250,000 inhabitants
THREE = [
    ("AUT", 2020, "refugees", 1000), ("AUT", 2020, "population", 250_000),
    ("DEU", 2020, "refugees", 3000), ("DEU", 2020, "population", 500_000),
    ("FRA", 2020, "refugees", 0), ("FRA", 2020, "population", 250_000),
]


# --------------------------------------------------------------------------- refugees_per_1000
def test_per_1000_is_refugees_over_population_times_1000() -> None:
    res = bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(THREE))
    got = _by_iso3(res)
    # AUT: 1,000 / 250,000 x 1,000 = 4.0; DEU: 3,000 / 500,000 x 1,000 = 6.0; FRA: 0 / 250,000 = 0
    assert got["AUT"] == pytest.approx(4.0, rel=EXACT)
    assert got["DEU"] == pytest.approx(6.0, rel=EXACT)
    assert got["FRA"] == pytest.approx(0.0, abs=EXACT)
    assert set(got.index) == {"AUT", "DEU", "FRA"}


def test_per_1000_counts_refugees_plus_oip_when_asked() -> None:
    data = _dataset([*THREE, ("AUT", 2020, "oip", 500),
                     ("ABW", 2020, "oip", 17_000), ("ABW", 2020, "population", 108_000)])
    got = _by_iso3(bs.RefugeesPer1000(population_source="wdi", who_counts=("refugees", "oip")).estimate(data))
    # AUT: (1,000 + 500) / 250,000 x 1,000 = 6.0
    assert got["AUT"] == pytest.approx(6.0, rel=EXACT)
    # ABW has no refugees observation, only OIP: 17,000 / 108,000 x 1,000 = 157.407407...
    assert got["ABW"] == pytest.approx(17_000 / 108_000 * 1000, rel=EXACT)


# --------------------------------------------------------------------------- one_in_n
def test_one_in_n_is_population_over_refugees() -> None:
    got = _by_iso3(bs.OneInN(population_source="wdi").estimate(_dataset(THREE)))
    # AUT: 250,000 / 1,000 = 250 ("1 in 250"); DEU: 500,000 / 3,000 = 166.666...
    assert got["AUT"] == pytest.approx(250.0, rel=EXACT)
    assert got["DEU"] == pytest.approx(500_000 / 3_000, rel=EXACT)


def test_one_in_n_with_zero_refugees_is_excluded_not_infinite() -> None:
    res = bs.OneInN(population_source="wdi").estimate(_dataset(THREE))
    # FRA hosts nobody: 250,000 / 0 has no value; both of its rows are listed, none is estimated
    assert "FRA" not in set(res.estimates["iso3"])
    assert np.isfinite(res.estimates["estimate"]).all()
    reasons = _reasons(res)
    assert reasons[("FRA", "refugees")] == "non_positive_denominator"
    assert reasons[("FRA", "population")] == "non_positive_denominator"


# --------------------------------------------------------------------------- per GDP / per area
def test_per_gdp_ppp_per_capita_is_refugees_over_gdp_per_capita() -> None:
    data = _dataset([("AUT", 2020, "refugees", 12_000),
                     ("AUT", 2020, "gdp_ppp_per_capita_intl_current", 40_000.0),
                     ("UGA", 2020, "refugees", 1_500_000),
                     ("UGA", 2020, "gdp_ppp_per_capita_intl_current", 2_500.0)])
    got = _by_iso3(bs.RefugeesPerGdpPppPerCapita().estimate(data))
    # AUT: 12,000 / 40,000 = 0.3 refugees per international $; UGA: 1,500,000 / 2,500 = 600
    assert got["AUT"] == pytest.approx(0.3, rel=EXACT)
    assert got["UGA"] == pytest.approx(600.0, rel=EXACT)


AREA = [
    ("AUT", 2018, "refugees", 1000), ("AUT", 2019, "refugees", 1200), ("AUT", 2020, "refugees", 1500),
    ("AUT", 2017, "land_area_km2", 80_000), ("AUT", 2019, "land_area_km2", 82_000),
    ("AUT", 2021, "land_area_km2", 83_000),
    ("DEU", 2020, "refugees", 5000), ("DEU", 2015, "land_area_km2", 350_000),
    ("FRA", 2020, "refugees", 10),
]


def test_per_1000_km2_latest_available_carries_the_last_earlier_area_forward() -> None:
    res = bs.RefugeesPer1000Km2(area_year="latest_available").estimate(_dataset(AREA))
    e = res.estimates.set_index(["iso3", "year"])["estimate"]
    # AUT 2018 uses the 2017 area: 1,000 / 80,000 x 1,000 = 12.5
    assert e[("AUT", 2018)] == pytest.approx(12.5, rel=EXACT)
    # AUT 2019 has its own area: 1,200 / 82,000 x 1,000 = 14.634146...
    assert e[("AUT", 2019)] == pytest.approx(1200 / 82_000 * 1000, rel=EXACT)
    # AUT 2020 uses 2019 (never the later 2021 value): 1,500 / 82,000 x 1,000 = 18.292682...
    assert e[("AUT", 2020)] == pytest.approx(1500 / 82_000 * 1000, rel=EXACT)
    # DEU 2020 uses the 2015 area: 5,000 / 350,000 x 1,000 = 14.285714...
    assert e[("DEU", 2020)] == pytest.approx(5000 / 350_000 * 1000, rel=EXACT)


def test_per_1000_km2_latest_available_reports_carried_forward_years() -> None:
    res = bs.RefugeesPer1000Km2(area_year="latest_available").estimate(_dataset(AREA))
    # carried forward: AUT 2018 (from 2017), AUT 2020 (from 2019), DEU 2020 (from 2015) = 3
    assert res.diagnostics["land_area_km2_carried_forward"] == 3
    reasons = res.excluded.set_index(["iso3", "year", "indicator"])["reason"]
    # the 2021 area serves no estimated year: another year than the one used
    assert reasons[("AUT", 2021, "land_area_km2")] == "not_reference_year"
    # FRA has no area at all
    assert reasons[("FRA", 2020, "refugees")] == "missing_counterpart"


def test_per_1000_km2_same_year_needs_an_area_of_the_same_year() -> None:
    res = bs.RefugeesPer1000Km2(area_year="same_year").estimate(_dataset(AREA))
    e = res.estimates.set_index(["iso3", "year"])["estimate"]
    # only AUT 2019 has refugees and area of the same year: 1,200 / 82,000 x 1,000
    assert list(e.index) == [("AUT", 2019)]
    assert e[("AUT", 2019)] == pytest.approx(1200 / 82_000 * 1000, rel=EXACT)
    reasons = res.excluded.set_index(["iso3", "year", "indicator"])["reason"]
    assert reasons[("AUT", 2018, "refugees")] == "missing_counterpart"
    assert reasons[("AUT", 2017, "land_area_km2")] == "missing_counterpart"


def test_per_1000_km2_surface_area_option_uses_surface_area() -> None:
    data = _dataset([("NLD", 2020, "refugees", 83_000), ("NLD", 2020, "land_area_km2", 33_500),
                     ("NLD", 2020, "surface_area_km2", 41_500)])
    got = _by_iso3(bs.RefugeesPer1000Km2(area="surface_area_km2").estimate(data))
    # 83,000 / 41,500 x 1,000 = 2,000 per 1,000 km2
    assert got["NLD"] == pytest.approx(2000.0, rel=EXACT)


# --------------------------------------------------------------------------- relative effort
def test_relative_effort_is_burden_share_over_population_share() -> None:
    res = bs.RelativeEffort(population_source="wdi").estimate(_dataset(THREE))
    # total refugees 4,000: burden shares AUT 1/4, DEU 3/4, FRA 0
    # total population 1,000,000: capacity shares AUT 1/4, DEU 1/2, FRA 1/4
    # relative effort = burden share / capacity share: AUT 1, DEU 3/2, FRA 0
    b, k, re = (_by_iso3(res, q) for q in ("burden_share", "capacity_share", "relative_effort"))
    assert b["AUT"] == pytest.approx(1 / 4, rel=EXACT)
    assert b["DEU"] == pytest.approx(3 / 4, rel=EXACT)
    assert b["FRA"] == pytest.approx(0.0, abs=EXACT)
    assert k["AUT"] == pytest.approx(1 / 4, rel=EXACT)
    assert k["DEU"] == pytest.approx(1 / 2, rel=EXACT)
    assert k["FRA"] == pytest.approx(1 / 4, rel=EXACT)
    assert re["AUT"] == pytest.approx(1.0, rel=EXACT)
    assert re["DEU"] == pytest.approx(3 / 2, rel=EXACT)
    assert re["FRA"] == pytest.approx(0.0, abs=EXACT)


COMPOSITE = [
    ("AUT", 2020, "refugees", 100), ("AUT", 2020, "population", 1000),
    ("AUT", 2020, "gdp_usd_current", 3000.0),
    ("DEU", 2020, "refugees", 300), ("DEU", 2020, "population", 3000),
    ("DEU", 2020, "gdp_usd_current", 1000.0),
]


def test_relative_effort_composite_capacity_is_weighted_mean_of_shares() -> None:
    est = bs.RelativeEffort(population_source="wdi", capacity="composite",
                            capacity_weights=(("population", 1.0), ("gdp_usd_current", 3.0)))
    res = est.estimate(_dataset(COMPOSITE))
    # weights 1 and 3 normalise to 1/4 and 3/4
    # population shares AUT 1/4, DEU 3/4; GDP shares AUT 3/4, DEU 1/4
    # capacity AUT = 1/4 x 1/4 + 3/4 x 3/4 = 10/16 = 5/8; DEU = 1/4 x 3/4 + 3/4 x 1/4 = 3/8
    # burden shares AUT 1/4, DEU 3/4 -> RE AUT = (1/4)/(5/8) = 2/5; DEU = (3/4)/(3/8) = 2
    k = _by_iso3(res, "capacity_share")
    re = _by_iso3(res, "relative_effort")
    assert k["AUT"] == pytest.approx(5 / 8, rel=EXACT)
    assert k["DEU"] == pytest.approx(3 / 8, rel=EXACT)
    assert re["AUT"] == pytest.approx(2 / 5, rel=EXACT)
    assert re["DEU"] == pytest.approx(2.0, rel=EXACT)


def test_relative_effort_gdp_ppp_capacity_is_per_capita_times_population() -> None:
    data = _dataset([("AUT", 2020, "refugees", 100), ("AUT", 2020, "population", 1000),
                     ("AUT", 2020, "gdp_ppp_per_capita_intl_current", 60.0),
                     ("UGA", 2020, "refugees", 300), ("UGA", 2020, "population", 4000),
                     ("UGA", 2020, "gdp_ppp_per_capita_intl_current", 10.0)])
    res = bs.RelativeEffort(population_source="wdi", capacity="gdp_ppp").estimate(data)
    # GDP (PPP): AUT 60 x 1,000 = 60,000; UGA 10 x 4,000 = 40,000 -> shares 3/5 and 2/5
    # burden shares 1/4, 3/4 -> RE AUT = (1/4)/(3/5) = 5/12; UGA = (3/4)/(2/5) = 15/8
    re = _by_iso3(res, "relative_effort")
    assert re["AUT"] == pytest.approx(5 / 12, rel=EXACT)
    assert re["UGA"] == pytest.approx(15 / 8, rel=EXACT)


def test_relative_effort_year_without_burden_has_no_value() -> None:
    data = _dataset([("AUT", 2020, "refugees", 0), ("AUT", 2020, "population", 1000),
                     ("DEU", 2020, "refugees", 0), ("DEU", 2020, "population", 3000)])
    res = bs.RelativeEffort(population_source="wdi").estimate(data)
    # 0 / 0 has no value: NaN (not 0, not infinite), and the year is named in diagnostics
    assert res.estimates.loc[res.estimates["quantity"] == "relative_effort", "estimate"].isna().all()
    assert list(res.diagnostics["years_with_zero_total_burden"]) == [2020]


# --------------------------------------------------------------------------- concentration
# Hand-worked Lorenz example (three countries, one year):
#   country  population  refugees  pop share  ref share  refugees per inhabitant
#   UGA           2,000       500        0.2        0.1        0.25
#   JOR           3,000     1,500        0.3        0.3        0.50
#   LBN           5,000     3,000        0.5        0.6        0.60
# Sorted by refugees per inhabitant (UGA, JOR, LBN) the Lorenz points are
#   X (cumulative population share) = 0.2, 0.5, 1.0
#   Y (cumulative refugee share)    = 0.1, 0.4, 1.0
# Gini = 1 - sum_k (X_k - X_{k-1}) (Y_k + Y_{k-1})
#      = 1 - [0.2 x (0.1 + 0) + 0.3 x (0.4 + 0.1) + 0.5 x (1.0 + 0.4)]
#      = 1 - [0.02 + 0.15 + 0.70] = 1 - 0.87 = 0.13
# HHI = 0.1^2 + 0.3^2 + 0.6^2 = 0.01 + 0.09 + 0.36 = 0.46
# top-1 share = 0.6; top-2 share = 0.6 + 0.3 = 0.9
LORENZ = [
    ("UGA", 2020, "refugees", 500), ("UGA", 2020, "population", 2000),
    ("UGA", 2020, "wb_income_group", 1),
    ("JOR", 2020, "refugees", 1500), ("JOR", 2020, "population", 3000),
    ("JOR", 2020, "wb_income_group", 2),
    ("LBN", 2020, "refugees", 3000), ("LBN", 2020, "population", 5000),
    ("LBN", 2020, "wb_income_group", 3),
]


def test_gini_matches_hand_worked_lorenz_example() -> None:
    res = bs.HostingConcentration(population_source="wdi").estimate(_dataset(LORENZ))
    assert _row(res, "gini")["estimate"] == pytest.approx(0.13, rel=EXACT)


def _gini_numpy_trapezoid(refugees: np.ndarray, capacity: np.ndarray) -> float:
    """Second implementation: G = 1 - 2 * area under the Lorenz curve (numpy trapezoid rule)."""
    order = np.argsort(refugees / capacity, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(capacity[order]) / capacity.sum()])
    y = np.concatenate([[0.0], np.cumsum(refugees[order]) / refugees.sum()])
    return float(1.0 - 2.0 * np.trapezoid(y, x))


def test_gini_matches_numpy_trapezoid_implementation() -> None:
    res = bs.HostingConcentration(population_source="wdi").estimate(_dataset(LORENZ))
    expected = _gini_numpy_trapezoid(np.array([500.0, 1500.0, 3000.0]),
                                     np.array([2000.0, 3000.0, 5000.0]))
    assert expected == pytest.approx(0.13, rel=EXACT)  # the two references agree
    assert _row(res, "gini")["estimate"] == pytest.approx(expected, rel=EXACT)


def test_lorenz_points_match_hand_worked_example() -> None:
    res = bs.HostingConcentration(population_source="wdi").estimate(_dataset(LORENZ))
    x = _by_iso3(res, "lorenz_capacity_share")
    y = _by_iso3(res, "lorenz_hosted_share")
    for iso3, xe, ye in (("UGA", 0.2, 0.1), ("JOR", 0.5, 0.4), ("LBN", 1.0, 1.0)):
        assert x[iso3] == pytest.approx(xe, rel=EXACT)
        assert y[iso3] == pytest.approx(ye, rel=EXACT)


def test_hhi_matches_hand_calculation() -> None:
    res = bs.HostingConcentration(population_source="wdi").estimate(_dataset(LORENZ))
    assert _row(res, "hhi")["estimate"] == pytest.approx(0.46, rel=EXACT)


@pytest.mark.parametrize(("k", "expected"), [(1, 0.6), (2, 0.9), (3, 1.0), (10, 1.0)])
def test_top_k_share_matches_hand_calculation(k: int, expected: float) -> None:
    res = bs.HostingConcentration(population_source="wdi", top_k=k).estimate(_dataset(LORENZ))
    row = _row(res, "top_k_share")
    assert row["term"] == f"top_{k}"
    assert row["estimate"] == pytest.approx(expected, rel=EXACT)


INCOME = [
    ("UGA", 2020, "refugees", 1000), ("UGA", 2020, "wb_income_group", 1),
    ("PAK", 2020, "refugees", 2000), ("PAK", 2020, "wb_income_group", 2),
    ("TUR", 2020, "refugees", 4000), ("TUR", 2020, "wb_income_group", 3),
    ("DEU", 2020, "refugees", 2500), ("DEU", 2020, "wb_income_group", 4),
    ("ABW", 2020, "refugees", 500),  # no income group: "Unclassified"
]


def test_share_by_income_group_uses_world_bank_codes() -> None:
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="wb_income_group", capacity="none").estimate(
        _dataset(INCOME))
    share = res.estimates[res.estimates["quantity"] == "share_hosted"].set_index("term")["estimate"]
    # total 10,000: codes 1 Low 1,000 (0.10), 2 Lower middle 2,000 (0.20), 3 Upper middle 4,000
    # (0.40), 4 High 2,500 (0.25), no code 500 (0.05)
    expected = {"Low income": 0.10, "Lower middle income": 0.20, "Upper middle income": 0.40,
                "High income": 0.25, "Unclassified": 0.05}
    assert share.to_dict() == pytest.approx(expected, rel=EXACT)


def test_low_and_middle_income_share_adds_codes_1_to_3() -> None:
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="wb_income_group", capacity="none").estimate(
        _dataset(INCOME))
    # (1,000 + 2,000 + 4,000) / 10,000 = 0.70; "Unclassified" is not counted as low or middle
    row = _row(res, "share_hosted_low_and_middle_income")
    assert row["estimate"] == pytest.approx(0.70, rel=EXACT)


def test_hosted_persons_by_group_are_the_sums() -> None:
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="wb_income_group", capacity="none").estimate(
        _dataset(INCOME))
    hosted = res.estimates[res.estimates["quantity"] == "hosted"].set_index("term")["estimate"]
    assert hosted["Upper middle income"] == 4000
    assert hosted.sum() == 10_000


def test_low_and_middle_income_share_is_not_zero_when_nobody_is_classified() -> None:
    data = _dataset([*INCOME,
                     ("UGA", 2021, "refugees", 1000), ("PAK", 2021, "refugees", 2000)])
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="wb_income_group", capacity="none").estimate(data)
    e = res.estimates
    row = e[(e["quantity"] == "share_hosted_low_and_middle_income") & (e["year"] == 2021)]
    # 2021 has no income group for anyone: 0 of 3,000 hosted "in low and middle income" is not
    # a finding, it is an absence of data
    assert row.empty or row["estimate"].isna().all()
    # the year's observations are listed as unclassified instead
    exc = res.excluded[res.excluded["year"] == 2021]
    assert set(exc["reason"]) == {"unclassified"} and len(exc) == 2


def test_share_by_least_developed_country_group() -> None:
    # UGA and ETH are on the UN LDC list shipped in country_codes.csv; TUR and DEU are not
    data = _dataset([("UGA", 2020, "refugees", 1500), ("ETH", 2020, "refugees", 500),
                     ("TUR", 2020, "refugees", 6000), ("DEU", 2020, "refugees", 2000)])
    res = bs.HostingConcentration(population_source="wdi", group_by="un_ldc", capacity="none").estimate(data)
    share = res.estimates[res.estimates["quantity"] == "share_hosted"].set_index("term")["estimate"]
    # (1,500 + 500) / 10,000 = 0.2; (6,000 + 2,000) / 10,000 = 0.8
    assert share["Least developed countries"] == pytest.approx(0.2, rel=EXACT)
    assert share["Other countries"] == pytest.approx(0.8, rel=EXACT)


# --------------------------------------------------------------------------- scenario range
SCENARIO = [
    ("AUT", 2020, "refugees", 1000), ("AUT", 2020, "oip", 500), ("AUT", 2020, "population", 250_000),
    ("DEU", 2020, "refugees", 2000), ("DEU", 2020, "population", 500_000),
]


def test_scenario_range_spans_who_counts_definitions() -> None:
    est = bs.RefugeesPer1000(population_source="wdi",
                             who_counts=("refugees",), scenario_definitions=(("refugees", "oip"),))
    res = est.estimate(_dataset(SCENARIO))
    e = res.estimates.set_index("iso3")
    # AUT: refugees 1,000 / 250,000 x 1,000 = 4.0; refugees + OIP 1,500 / 250,000 x 1,000 = 6.0
    assert e.at["AUT", "estimate"] == pytest.approx(4.0, rel=EXACT)
    assert e.at["AUT", "ci_lower"] == pytest.approx(4.0, rel=EXACT)
    assert e.at["AUT", "ci_upper"] == pytest.approx(6.0, rel=EXACT)
    # DEU has no OIP observation, which counts as none: both definitions give 4.0
    assert e.at["DEU", "ci_lower"] == pytest.approx(4.0, rel=EXACT)
    assert e.at["DEU", "ci_upper"] == pytest.approx(4.0, rel=EXACT)


def test_scenario_range_is_labelled_as_such_never_a_confidence_interval() -> None:
    est = bs.RefugeesPer1000(population_source="wdi", scenario_definitions=(("refugees", "oip"),))
    res = est.estimate(_dataset(SCENARIO))
    assert res.uncertainty_method == "scenario_range"
    assert res.estimates["ci_level"].isna().all()
    assert res.estimates["std_error"].isna().all()


def test_one_in_n_scenario_range_bounds_are_min_and_max() -> None:
    est = bs.OneInN(population_source="wdi", scenario_definitions=(("refugees", "oip"),))
    e = est.estimate(_dataset(SCENARIO)).estimates.set_index("iso3")
    # AUT: 250,000 / 1,000 = 250 (refugees); 250,000 / 1,500 = 166.67 (refugees + OIP)
    assert e.at["AUT", "estimate"] == pytest.approx(250.0, rel=EXACT)
    assert e.at["AUT", "ci_lower"] == pytest.approx(250_000 / 1500, rel=EXACT)
    assert e.at["AUT", "ci_upper"] == pytest.approx(250.0, rel=EXACT)


def test_without_scenarios_there_is_no_interval() -> None:
    res = bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(SCENARIO))
    assert res.uncertainty_method == "none"
    assert res.estimates[["ci_lower", "ci_upper", "ci_level"]].isna().all().all()


# --------------------------------------------------------------------------- choice of source
TWO_POPULATIONS = [
    ("AUT", 2020, "refugees", 100), ("DEU", 2020, "refugees", 300),
    ("AUT", 2020, "population", 1000, "synthetic_pop_a"),
    ("DEU", 2020, "population", 3000, "synthetic_pop_a"),
    ("AUT", 2020, "population", 2000, "synthetic_pop_b"),
    ("DEU", 2020, "population", 2000, "synthetic_pop_b"),
]


@pytest.mark.parametrize(("source", "aut", "deu"), [
    # synthetic_pop_a: AUT 100 / 1,000 x 1,000 = 100; DEU 300 / 3,000 x 1,000 = 100
    ("synthetic_pop_a", 100.0, 100.0),
    # synthetic_pop_b: AUT 100 / 2,000 x 1,000 = 50; DEU 300 / 2,000 x 1,000 = 150
    ("synthetic_pop_b", 50.0, 150.0),
])
def test_sources_parameter_chooses_the_population_source(source: str, aut: float,
                                                         deu: float) -> None:
    res = bs.RefugeesPer1000(population_source="wdi",
                             sources=(("population", source),)).estimate(_dataset(TWO_POPULATIONS))
    got = _by_iso3(res)
    assert got["AUT"] == pytest.approx(aut, rel=EXACT)
    assert got["DEU"] == pytest.approx(deu, rel=EXACT)


def test_population_of_the_other_source_is_excluded_as_other_source() -> None:
    est = bs.RefugeesPer1000(population_source="wdi", sources=(("population", "synthetic_pop_b"),))
    res = est.estimate(_dataset(TWO_POPULATIONS))
    other = res.excluded[res.excluded["source"] == "synthetic_pop_a"]
    assert sorted(other["iso3"]) == ["AUT", "DEU"]
    assert set(other["reason"]) == {"other_source"}
    assert res.diagnostics["sources_used"] == "population=synthetic_pop_b, refugees=synthetic_test"


def test_ambiguous_population_source_is_an_error_naming_both_sources() -> None:
    with pytest.raises(bs.EstimatorError, match="synthetic_pop_a, synthetic_pop_b"):
        bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(TWO_POPULATIONS))


def test_ambiguous_source_error_names_the_sources_parameter() -> None:
    with pytest.raises(bs.EstimatorError) as err:
        bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(TWO_POPULATIONS))
    assert "population_source" not in str(err.value)
    assert "sources" in str(err.value).replace("several sources", "")


def test_unknown_chosen_source_is_an_error() -> None:
    with pytest.raises(bs.EstimatorError, match="no 'population' observations from source"):
        bs.RefugeesPer1000(population_source="wdi", sources=(("population", "synthetic_nowhere"),)).estimate(
            _dataset(TWO_POPULATIONS))


def test_provenance_cites_only_the_chosen_population_source() -> None:
    est = bs.RefugeesPer1000(population_source="wdi", sources=(("population", "synthetic_pop_b"),))
    res = est.estimate(_dataset(TWO_POPULATIONS))
    # refugees come from synthetic_test, population from the chosen synthetic_pop_b only
    assert [s["id"] for s in res.provenance.sources] == ["synthetic_pop_b", "synthetic_test"]


# --------------------------------------------------------------------------- exclusions
AGGREGATES = [
    *THREE,
    ("WLD", 2020, "refugees", 4000), ("WLD", 2020, "population", 1_000_000),  # World Bank aggregate
    ("UNK", 2020, "refugees", 77),  # UNHCR "unknown country of asylum"
]


@pytest.mark.parametrize("estimator", [
    bs.RefugeesPer1000(population_source="wdi"), bs.OneInN(population_source="wdi"),
    bs.RelativeEffort(population_source="wdi"),
    bs.HostingConcentration(population_source="wdi", group_by="un_ldc"),
], ids=lambda e: e.name)
def test_aggregates_are_excluded_as_aggregate_entity(estimator: bs.EstimatorBase) -> None:
    res = estimator.estimate(_dataset(AGGREGATES))
    reasons = _reasons(res)
    assert reasons[("WLD", "refugees")] == "aggregate_entity"
    assert reasons[("WLD", "population")] == "aggregate_entity"
    assert reasons[("UNK", "refugees")] == "aggregate_entity"
    assert not {"WLD", "UNK"} & set(res.estimates["iso3"].dropna())


def test_aggregates_are_never_in_shares() -> None:
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="un_ldc", top_k=1).estimate(_dataset(AGGREGATES))
    # the countries host 1,000 + 3,000 + 0 = 4,000; WLD's 4,000 and UNK's 77 are not added
    hosted = res.estimates[res.estimates["quantity"] == "hosted"]["estimate"]
    assert hosted.sum() == 4000
    assert _row(res, "countries")["estimate"] == 3
    # top-1 share = DEU 3,000 / 4,000 = 0.75
    assert _row(res, "top_k_share")["estimate"] == pytest.approx(0.75, rel=EXACT)


def test_aggregates_are_not_in_the_relative_effort_group() -> None:
    res = bs.RelativeEffort(population_source="wdi").estimate(_dataset(AGGREGATES))
    # same shares as without WLD/UNK: DEU 3,000 / 4,000 and 500,000 / 1,000,000
    assert _by_iso3(res, "burden_share")["DEU"] == pytest.approx(3 / 4, rel=EXACT)
    assert _by_iso3(res, "capacity_share")["DEU"] == pytest.approx(1 / 2, rel=EXACT)


MISSING = [
    *THREE,
    ("ITA", 2020, "refugees", np.nan), ("ITA", 2020, "population", 100_000),
    ("ESP", 2020, "refugees", 10), ("ESP", 2020, "population", "-"),  # UNHCR's missing token
    ("POL", 2020, "refugees", 10), ("POL", 2020, "population", 0),
]


def test_missing_refugee_value_is_missing_value_and_population_missing_counterpart() -> None:
    res = bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(MISSING))
    reasons = _reasons(res)
    assert reasons[("ITA", "refugees")] == "missing_value"
    assert reasons[("ITA", "population")] == "missing_counterpart"
    assert "ITA" not in set(res.estimates["iso3"])


def test_missing_population_value_is_missing_value_and_refugees_missing_counterpart() -> None:
    res = bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(MISSING))
    reasons = _reasons(res)
    assert reasons[("ESP", "population")] == "missing_value"
    assert reasons[("ESP", "refugees")] == "missing_counterpart"
    assert "ESP" not in set(res.estimates["iso3"])


@pytest.mark.parametrize("estimator", [bs.RefugeesPer1000(population_source="wdi"),
                                       bs.OneInN(population_source="wdi"),
                                       bs.RelativeEffort(population_source="wdi")],
                         ids=lambda e: e.name)
def test_zero_population_is_a_non_positive_denominator(estimator: bs.EstimatorBase) -> None:
    res = estimator.estimate(_dataset(MISSING))
    reasons = _reasons(res)
    assert reasons[("POL", "population")] == "non_positive_denominator"
    assert reasons[("POL", "refugees")] == "non_positive_denominator"
    assert "POL" not in set(res.estimates["iso3"])
    assert np.isfinite(res.estimates["estimate"].dropna()).all()


def test_every_input_observation_is_used_or_excluded_once() -> None:
    data = _dataset([*MISSING, *AGGREGATES[len(THREE):]])
    res = bs.RefugeesPer1000(population_source="wdi").estimate(data)
    # 6 (THREE) + 6 (ITA, ESP, POL) + 3 (WLD x2, UNK) = 15 observations of refugees/population;
    # used: the 6 of AUT, DEU, FRA; excluded: the other 9, each once
    assert res.diagnostics["used"] == 6
    assert len(res.excluded) == 9
    assert not res.excluded.duplicated(["iso3", "year", "indicator", "source"]).any()


def test_capacity_choice_never_changes_the_shares() -> None:
    # hosts: AUT 1,000 (population 1e6), DEU 3,000 (no population observation)
    data = _dataset([("AUT", 2020, "refugees", 1000), ("DEU", 2020, "refugees", 3000),
                     ("AUT", 2020, "population", 1_000_000)])
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="un_ldc", capacity="population").estimate(data)
    e = res.estimates
    share = e[(e["quantity"] == "share_hosted")].set_index("term")["estimate"]
    assert share["Other countries"] == pytest.approx(1.0, rel=EXACT)  # both hosts: 4,000 / 4,000
    hosted = e[(e["quantity"] == "hosted")]["estimate"].sum()
    assert hosted == 4000
    assert res.diagnostics["outside_gini"] == {2020: ["DEU"]}
    assert e[e["quantity"] == "lorenz_hosted_share"]["iso3"].tolist() == ["AUT"]


def test_share_by_un_development_regions() -> None:
    # developed: Europe (DEU), Northern America (USA), Australia/New Zealand (AUS), Japan (JPN);
    # developing: everything else, including Türkiye (Western Asia) and Mexico
    data = _dataset([("DEU", 2020, "refugees", 1000), ("USA", 2020, "refugees", 1000),
                     ("AUS", 2020, "refugees", 500), ("JPN", 2020, "refugees", 500),
                     ("TUR", 2020, "refugees", 6000), ("MEX", 2020, "refugees", 1000)])
    res = bs.HostingConcentration(population_source="wdi",
                                  group_by="un_development", capacity="none").estimate(data)
    share = res.estimates[res.estimates["quantity"] == "share_hosted"].set_index("term")["estimate"]
    # developed (1,000 + 1,000 + 500 + 500) / 10,000 = 0.3; developing 7,000 / 10,000 = 0.7
    assert share["Developed regions"] == pytest.approx(0.3, rel=EXACT)
    assert share["Developing regions"] == pytest.approx(0.7, rel=EXACT)


# =========================================================================== issue 14
# Population denominator (population_source) and income-group convention (income_groups).
# Two populations for the same countries, as UN WPP (population_un_wpp) and WDI (population):
#   AUT: 1,000 refugees, WPP 200,000, WDI 250,000 -> 5.0 vs 4.0 per 1,000; 1 in 200 vs 1 in 250
#   DEU: 3,000 refugees, WPP 600,000, WDI 500,000 -> 5.0 vs 6.0 per 1,000; 1 in 200 vs 1 in 166.67
TWO_DENOMINATORS = [
    ("AUT", 2020, "refugees", 1000), ("AUT", 2020, "population_un_wpp", 200_000),
    ("AUT", 2020, "population", 250_000),
    ("DEU", 2020, "refugees", 3000), ("DEU", 2020, "population_un_wpp", 600_000),
    ("DEU", 2020, "population", 500_000),
]


def test_per_1000_divides_by_un_wpp_population_by_default() -> None:
    got = _by_iso3(bs.RefugeesPer1000().estimate(_dataset(TWO_DENOMINATORS)))
    assert got["AUT"] == pytest.approx(1000 / 200_000 * 1000, rel=EXACT)  # 5.0
    assert got["DEU"] == pytest.approx(3000 / 600_000 * 1000, rel=EXACT)  # 5.0


def test_per_1000_divides_by_wdi_population_when_asked() -> None:
    got = _by_iso3(bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(TWO_DENOMINATORS)))
    assert got["AUT"] == pytest.approx(4.0, rel=EXACT)  # 1,000 / 250,000 x 1,000
    assert got["DEU"] == pytest.approx(6.0, rel=EXACT)  # 3,000 / 500,000 x 1,000


@pytest.mark.parametrize(("source", "aut", "deu"), [("un_wpp", 200.0, 200.0),
                                                    ("wdi", 250.0, 500_000 / 3000)])
def test_one_in_n_uses_the_chosen_population(source: str, aut: float, deu: float) -> None:
    got = _by_iso3(bs.OneInN(population_source=source).estimate(_dataset(TWO_DENOMINATORS)))
    assert got["AUT"] == pytest.approx(aut, rel=EXACT)
    assert got["DEU"] == pytest.approx(deu, rel=EXACT)


def test_relative_effort_population_capacity_uses_the_chosen_population() -> None:
    # burden shares AUT 1/4, DEU 3/4; WPP capacity shares 200/800 = 1/4, 600/800 = 3/4 -> RE 1, 1;
    # WDI capacity shares 250/750 = 1/3, 500/750 = 2/3 -> RE 0.75, 1.125
    wpp = _by_iso3(bs.RelativeEffort().estimate(_dataset(TWO_DENOMINATORS)))
    wdi = _by_iso3(bs.RelativeEffort(population_source="wdi").estimate(_dataset(TWO_DENOMINATORS)))
    assert (wpp["AUT"], wpp["DEU"]) == (pytest.approx(1.0, rel=EXACT), pytest.approx(1.0, rel=EXACT))
    assert wdi["AUT"] == pytest.approx(0.75, rel=EXACT)
    assert wdi["DEU"] == pytest.approx(1.125, rel=EXACT)


def test_relative_effort_without_population_ignores_population_source() -> None:
    est = bs.RelativeEffort(capacity="gdp_usd_current")
    assert "population_un_wpp" not in est.inputs() and "population" not in est.inputs()


def test_population_source_is_in_parameters_diagnostics_and_assumptions() -> None:
    res = bs.RefugeesPer1000(population_source="wdi").estimate(_dataset(TWO_DENOMINATORS))
    assert res.provenance.params["population_source"] == "wdi"
    assert res.diagnostics["population_source"] == "wdi"
    assert any("population_source='wdi'" in a for a in res.assumptions)


def test_the_unused_population_is_not_an_input() -> None:
    # only the chosen denominator is needed: the other one is neither used nor excluded
    res = bs.RefugeesPer1000().estimate(_dataset(TWO_DENOMINATORS))
    assert "population" not in set(res.excluded["indicator"])
    assert bs.RefugeesPer1000().inputs() == {"refugees", "population_un_wpp"}
    assert bs.RefugeesPer1000(population_source="wdi").inputs() == {"refugees", "population"}


def test_missing_wpp_population_error_says_which_parameter_to_set() -> None:
    data = _dataset([("AUT", 2020, "refugees", 1000), ("AUT", 2020, "population", 250_000)])
    with pytest.raises(bs.EstimatorError, match="population_un_wpp") as err:
        bs.OneInN().estimate(data)
    assert "population_source='wdi'" in str(err.value)


def test_wpp_projected_years_are_named_in_assumptions_and_diagnostics() -> None:
    # real data: WPP 2024 has estimates to 2023 and medium-variant projections for 2024-2025
    sample = bs.load_sample(["unhcr_population.csv.gz", "un_wpp_population.csv.gz"])
    res = bs.RefugeesPer1000().estimate(sample.select(years=(2023, 2024), iso3=["LBN"]))
    assert res.diagnostics["population_projected_years"] == [2024]
    assert any("2024 is a WPP medium-variant projection" in a for a in res.assumptions)


# Income groups of 2020 under the two conventions (codes 1-4; 4 = high income):
#   UGA 1,000 refugees: in force 31 Dec 1, GNI-year 1
#   RUS 2,000 refugees: in force 31 Dec 3, GNI-year 4   <- moves out of low-and-middle income
#   DEU 1,000 refugees: in force 31 Dec 4, GNI-year 4
# low-and-middle-income share: in force 3,000 / 4,000 = 0.75; GNI-year 1,000 / 4,000 = 0.25
CONVENTIONS = [
    ("UGA", 2020, "refugees", 1000), ("UGA", 2020, "wb_income_group", 1),
    ("UGA", 2020, "wb_income_group_gni_year", 1),
    ("RUS", 2020, "refugees", 2000), ("RUS", 2020, "wb_income_group", 3),
    ("RUS", 2020, "wb_income_group_gni_year", 4),
    ("DEU", 2020, "refugees", 1000), ("DEU", 2020, "wb_income_group", 4),
    ("DEU", 2020, "wb_income_group_gni_year", 4),
]


@pytest.mark.parametrize(("convention", "share"), [("in_force_31_december", 0.75),
                                                   ("gni_year", 0.25)])
def test_income_groups_parameter_chooses_the_convention(convention: str, share: float) -> None:
    est = bs.HostingConcentration(capacity="none", income_groups=convention)
    res = est.estimate(_dataset(CONVENTIONS))
    lmic = _row(res, "share_hosted_low_and_middle_income", "Low and middle income")["estimate"]
    assert lmic == pytest.approx(share, abs=1e-12)
    assert any(("31 December" if convention == "in_force_31_december" else "GNI per capita "
                "(Atlas) of the year itself") in a for a in res.assumptions)
