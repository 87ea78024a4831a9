"""Distribution keys against hand calculations written out in each test, and a second
implementation (the generic linear key against the uncapped EU key). Data are synthetic
(source ``synthetic_test``) or a user file written in ``tmp_path``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.distribution_keys import (
    EuRelocation2015,
    Grech2017,
    LinearKey,
    MinmaxKey,
    ReferenceKey5050,
)
from tests.conftest import synthetic_dataset

pytestmark = pytest.mark.reference

#: hand calculations are exact fractions; only float rounding separates them from the code
EXACT = 1e-12

Y = 2014


def _q(res: bs.Result, quantity: str, year: int | None = None) -> pd.Series:
    e = res.estimates
    sel = e[e["quantity"] == quantity]
    if year is not None:
        sel = sel[sel["year"] == year]
    return sel.set_index("iso3")["estimate"]


def _criteria(rows: dict[str, dict[str, float]], year: int = Y) -> list[tuple]:
    return [(iso3, year, ind, v) for iso3, vals in rows.items() for ind, v in vals.items()]


# --------------------------------------------------------------------------- 50/50
def test_reference_key_is_half_population_share_plus_half_gdp_share() -> None:
    # populations 1, 3 (shares 1/4, 3/4); GDP 3, 1 (shares 3/4, 1/4) -> 1/2 each; C: 0 of 4...
    data = synthetic_dataset(_criteria({
        "AUT": {"population": 1e6, "gdp_usd_current": 6e9},
        "BEL": {"population": 3e6, "gdp_usd_current": 2e9},
        "CYP": {"population": 4e6, "gdp_usd_current": 4e9},
    }))
    res = ReferenceKey5050(states=("AUT", "BEL", "CYP"), population_year=Y, gdp_year=Y,
                           key_year=Y).estimate(data)
    k = _q(res, "key_share")
    # population shares 1/8, 3/8, 4/8; GDP shares 6/12, 2/12, 4/12
    assert k["AUT"] == pytest.approx(0.5 * 1 / 8 + 0.5 * 6 / 12, abs=EXACT)
    assert k["BEL"] == pytest.approx(0.5 * 3 / 8 + 0.5 * 2 / 12, abs=EXACT)
    assert k["CYP"] == pytest.approx(0.5 * 4 / 8 + 0.5 * 4 / 12, abs=EXACT)


def _pool_data() -> bs.Dataset:
    return synthetic_dataset(_criteria({
        "AUT": {"population": 2e6, "gdp_usd_current": 2e9},
        "BEL": {"population": 1e6, "gdp_usd_current": 1e9},
        "CYP": {"population": 1e6, "gdp_usd_current": 1e9},
    }))


def test_solidarity_pool_shares_are_key_times_the_totals() -> None:
    # key 1/2, 1/4, 1/4: 30,001 relocations -> 15,000.5, 7,500.25, 7,500.25 -> AUT gets the
    # leftover person (largest remainder 0.5); EUR 600 million -> 300, 150, 150 million
    est = ReferenceKey5050(states=("AUT", "BEL", "CYP"), population_year=Y, gdp_year=Y,
                           key_year=Y, pool_relocations=30_001, pool_eur=600e6)
    res = est.estimate(_pool_data())
    assert _q(res, "solidarity_relocations").to_dict() == {"AUT": 15_001, "BEL": 7_500,
                                                           "CYP": 7_500}
    eur = _q(res, "solidarity_eur")
    assert eur["AUT"] == pytest.approx(300e6, rel=EXACT)
    assert eur["BEL"] == pytest.approx(150e6, rel=EXACT)


def _trigger(key_pops: dict[str, float], apps: dict[str, float]) -> bs.Result:
    """Population = GDP = key_pops, so the key is proportional to key_pops."""
    rows = _criteria({c: {"population": p, "gdp_usd_current": p} for c, p in key_pops.items()})
    rows += [(c, 2015, "asylum_applications", a) for c, a in apps.items()]
    est = ReferenceKey5050(states=tuple(key_pops), population_year=Y, gdp_year=Y, key_year=Y,
                           trigger_years=(2015,))
    return est.estimate(synthetic_dataset(rows))


def test_corrective_allocation_moves_the_excess_over_150_percent_by_the_key() -> None:
    # key 0.5, 0.3, 0.2; applications 80, 15, 5 (total 100) -> reference 50, 30, 20.
    # AUT: 80 > 1.5 x 50 = 75 -> 5 persons out; BEL (15 < 30) and CYP (5 < 20) receive them
    # in proportion 0.3 : 0.2 -> 3 and 2.
    res = _trigger({"AUT": 5e6, "BEL": 3e6, "CYP": 2e6}, {"AUT": 80, "BEL": 15, "CYP": 5})
    assert _q(res, "reference_number").to_dict() == pytest.approx(
        {"AUT": 50, "BEL": 30, "CYP": 20}, abs=1e-9)
    assert _q(res, "applications_to_reference")["AUT"] == pytest.approx(1.6, abs=EXACT)
    assert _q(res, "corrective_trigger").to_dict() == {"AUT": 1.0, "BEL": 0.0, "CYP": 0.0}
    assert _q(res, "corrective_allocation_out").to_dict() == pytest.approx(
        {"AUT": 5, "BEL": 0, "CYP": 0}, abs=1e-9)
    assert _q(res, "corrective_allocation_in").to_dict() == pytest.approx(
        {"AUT": 0, "BEL": 3, "CYP": 2}, abs=1e-9)


def test_corrective_allocation_stops_at_the_reference_number() -> None:
    # key 0.4, 0.2, 0.2, 0.2; applications 70, 3, 18, 9 (total 100) -> reference 40, 20, 20, 20.
    # AUT: 70 - 60 = 10 out. Room below the reference: BEL 17, CYP 2, DNK 11. Equal keys give
    # 10/3 each, but CYP takes only 2; the other 8 go 4 and 4 to BEL and DNK.
    res = _trigger({"AUT": 4e6, "BEL": 2e6, "CYP": 2e6, "DNK": 2e6},
                   {"AUT": 70, "BEL": 3, "CYP": 18, "DNK": 9})
    assert _q(res, "corrective_allocation_in").to_dict() == pytest.approx(
        {"AUT": 0, "BEL": 4, "CYP": 2, "DNK": 4}, abs=1e-9)
    assert _q(res, "corrective_allocation_out").sum() == pytest.approx(10, abs=1e-9)


# --------------------------------------------------------------------------- EU 2015 and Grech
#: three States: population 2, 1, 1 (shares 1/2, 1/4, 1/4); GDP 1, 1, 2 (1/4, 1/4, 1/2);
#: effort 100, 200, 400 (inverse shares 4/7, 2/7, 1/7); unemployment 5, 10, 10 (1/2, 1/4, 1/4)
THREE = {
    "AUT": {"population": 2e6, "gdp_usd_current": 1e9, "asylum_effort_per_million": 100.0,
            "unemployment_rate": 5.0},
    "BEL": {"population": 1e6, "gdp_usd_current": 1e9, "asylum_effort_per_million": 200.0,
            "unemployment_rate": 10.0},
    "CYP": {"population": 1e6, "gdp_usd_current": 2e9, "asylum_effort_per_million": 400.0,
            "unemployment_rate": 10.0},
}
GIVEN = {"states": ("AUT", "BEL", "CYP"), "population_year": Y, "gdp_year": Y,
         "unemployment_year": Y, "effort_years": (Y, Y), "effort": "given", "key_year": Y}


def test_uncapped_eu_key_by_hand() -> None:
    k = _q(EuRelocation2015(variant="uncapped", **GIVEN).estimate(
        synthetic_dataset(_criteria(THREE))), "key_share")
    assert k["AUT"] == pytest.approx(0.4 / 2 + 0.4 / 4 + 0.1 * 4 / 7 + 0.1 / 2, abs=EXACT)
    assert k["CYP"] == pytest.approx(0.4 / 4 + 0.4 / 2 + 0.1 * 1 / 7 + 0.1 / 4, abs=EXACT)


def test_capped_eu_key_by_hand() -> None:
    # cap = 0.3 x (pop + GDP share) = 0.225, 0.15, 0.225.
    # effort: min(4/7, .225) = .225, min(2/7, .15) = .15, min(1/7, .225) = 1/7
    # unemployment: min(.5, .225) = .225, min(.25, .15) = .15, min(.25, .225) = .225
    # q = 0.4 pop + 0.4 gdp + 0.1 e + 0.1 u; residual r = 1 - sum(q) shared by base 3/8, 1/4, 3/8
    cap = np.array([0.225, 0.15, 0.225])
    e = np.minimum([4 / 7, 2 / 7, 1 / 7], cap)
    u = np.minimum([0.5, 0.25, 0.25], cap)
    q = 0.4 * np.array([0.5, 0.25, 0.25]) + 0.4 * np.array([0.25, 0.25, 0.5]) + 0.1 * e + 0.1 * u
    expected = q + (1 - q.sum()) * np.array([3 / 8, 1 / 4, 3 / 8])
    res = EuRelocation2015(**GIVEN).estimate(synthetic_dataset(_criteria(THREE)))
    k = _q(res, "key_share")
    assert k[["AUT", "BEL", "CYP"]].to_numpy() == pytest.approx(expected, abs=EXACT)
    assert res.diagnostics["residual_share"] == pytest.approx(1 - q.sum(), abs=EXACT)
    assert res.diagnostics["capped_effort"] == ["AUT", "BEL"]


def test_grech_key_by_hand() -> None:
    # base 3/8, 1/4, 3/8; mean unemployment 25/3 -> lambda_un = 1 + .1 (1 - y / (25/3))
    # = 1.04, 0.98, 0.98; mean effort 700/3 -> lambda_as = 1 + .1 (1 - x / (700/3))
    ybar, xbar = 25 / 3, 700 / 3
    lu = 1 + 0.1 * (1 - np.array([5, 10, 10]) / ybar)
    la = 1 + 0.1 * (1 - np.array([100, 200, 400]) / xbar)
    w = lu * la * np.array([3 / 8, 1 / 4, 3 / 8])
    res = Grech2017(**GIVEN).estimate(synthetic_dataset(_criteria(THREE)))
    assert _q(res, "modulating_factor_unemployment")["AUT"] == pytest.approx(1.04, abs=EXACT)
    assert _q(res, "key_share")[["AUT", "BEL", "CYP"]].to_numpy() == pytest.approx(
        w / w.sum(), abs=EXACT)


def test_linear_key_with_the_eu_criteria_equals_the_uncapped_eu_key() -> None:
    """Second implementation: the generic linear key with the Commission's criteria and
    inversions gives the uncapped EU key."""
    data = synthetic_dataset(_criteria(THREE))
    lin = LinearKey(criteria=(("population", 0.4), ("gdp_usd_current", 0.4),
                              ("asylum_effort_per_million", 0.1), ("unemployment_rate", 0.1)),
                    inverted=("asylum_effort_per_million", "unemployment_rate"), year=Y)
    eu = EuRelocation2015(variant="uncapped", **GIVEN)
    a, b = _q(lin.estimate(data), "key_share"), _q(eu.estimate(data), "key_share")
    assert a.to_dict() == pytest.approx(b.to_dict(), abs=EXACT)


def test_minmax_key_by_hand() -> None:
    # GDP per capita PPP 10, 20, 40 -> z = 0, 1/3, 1; unemployment 5, 10, 5 inverted -> 1, 0, 1
    # score (equal weights) = 1/2, 1/6, 1; x population 1, 2, 1 -> 1/2, 1/3, 1 (sum 11/6)
    data = synthetic_dataset(_criteria({
        "AUT": {"gdp_ppp_per_capita_intl_current": 10.0, "unemployment_rate": 5.0,
                "population": 1e6},
        "BEL": {"gdp_ppp_per_capita_intl_current": 20.0, "unemployment_rate": 10.0,
                "population": 2e6},
        "CYP": {"gdp_ppp_per_capita_intl_current": 40.0, "unemployment_rate": 5.0,
                "population": 1e6},
    }))
    res = MinmaxKey(year=Y).estimate(data)
    k = _q(res, "key_share")
    assert k.to_dict() == pytest.approx({"AUT": 3 / 11, "BEL": 2 / 11, "CYP": 6 / 11},
                                        abs=EXACT)
    assert _q(res, "capacity_score")["BEL"] == pytest.approx(1 / 6, abs=EXACT)


# --------------------------------------------------------------------------- actual vs key
def test_actual_share_gap_ratio_and_gini_by_hand() -> None:
    # key 1/2, 1/4, 1/4 (population = GDP = 2, 1, 1); applications 10, 30, 60 (shares .1 .3 .6)
    rows = _criteria({c: {"population": p, "gdp_usd_current": p}
                      for c, p in (("AUT", 2e6), ("BEL", 1e6), ("CYP", 1e6))})
    rows += [("AUT", 2015, "asylum_applications", 10.0), ("BEL", 2015, "asylum_applications", 30.0),
             ("CYP", 2015, "asylum_applications", 60.0)]
    est = ReferenceKey5050(states=("AUT", "BEL", "CYP"), population_year=Y, gdp_year=Y,
                           key_year=Y, actual="asylum_applications", actual_year=2015)
    res = est.estimate(synthetic_dataset(rows))
    assert _q(res, "actual_share").to_dict() == pytest.approx(
        {"AUT": 0.1, "BEL": 0.3, "CYP": 0.6}, abs=EXACT)
    assert _q(res, "gap").to_dict() == pytest.approx(
        {"AUT": -0.4, "BEL": 0.05, "CYP": 0.35}, abs=EXACT)
    assert _q(res, "ratio").to_dict() == pytest.approx(
        {"AUT": 0.2, "BEL": 1.2, "CYP": 2.4}, abs=EXACT)
    # Gini as the key-weighted mean difference of the ratios r (whose key-weighted mean is 1):
    # G = 1/2 sum_i sum_j k_i k_j |r_i - r_j|
    k, r = np.array([0.5, 0.25, 0.25]), np.array([0.2, 1.2, 2.4])
    gini = 0.5 * float((k[:, None] * k[None, :] * np.abs(r[:, None] - r[None, :])).sum())
    e = res.estimates
    assert e.loc[e["quantity"] == "gini", "estimate"].item() == pytest.approx(gini, abs=EXACT)


def test_a_state_without_actual_figures_counts_as_none_and_is_said_so() -> None:
    rows = _criteria({c: {"population": 1e6, "gdp_usd_current": 1e9} for c in ("AUT", "BEL")})
    rows += [("AUT", 2015, "asylum_applications", 10.0)]
    est = ReferenceKey5050(states=("AUT", "BEL"), population_year=Y, gdp_year=Y, key_year=Y,
                           actual="asylum_applications", actual_year=2015)
    res = est.estimate(synthetic_dataset(rows))
    assert _q(res, "actual_share").to_dict() == {"AUT": 1.0, "BEL": 0.0}
    assert res.diagnostics["actual_absent"] == ["BEL"]
    assert any("None observed for: BEL" in a for a in res.assumptions)


# --------------------------------------------------------------------------- accounting
def test_a_missing_value_leaves_the_state_out_and_says_why() -> None:
    rows = _criteria({"AUT": {"population": 1e6, "gdp_usd_current": 1e9},
                      "BEL": {"population": np.nan, "gdp_usd_current": 1e9},
                      "CYP": {"population": 1e6, "gdp_usd_current": 3e9}})
    res = ReferenceKey5050(states=("AUT", "BEL", "CYP"), population_year=Y, gdp_year=Y,
                           key_year=Y).estimate(synthetic_dataset(rows))
    k = _q(res, "key_share")
    assert sorted(k.index) == ["AUT", "CYP"]
    assert k["AUT"] == pytest.approx(0.5 * 0.5 + 0.5 * 0.25, abs=EXACT)
    exc = res.excluded.set_index(["iso3", "indicator"])["reason"]
    assert exc[("BEL", "population")] == "missing_value"
    assert exc[("BEL", "gdp_usd_current")] == "missing_counterpart"
    assert res.diagnostics["left_out"] == {"BEL": "population 2014 is missing (NaN)"}


def test_generic_key_leaves_out_aggregates() -> None:
    rows = _criteria({"AUT": {"population": 1e6}, "BEL": {"population": 3e6},
                      "WLD": {"population": 4e6}})
    res = LinearKey(criteria=(("population", 1.0),), year=Y).estimate(synthetic_dataset(rows))
    assert _q(res, "key_share").to_dict() == pytest.approx({"AUT": 0.25, "BEL": 0.75})
    exc = res.excluded
    assert exc.loc[exc["iso3"] == "WLD", "reason"].item() == "aggregate_entity"


def test_zero_unemployment_cannot_be_inverted() -> None:
    data = dict(THREE)
    data["BEL"] = {**THREE["BEL"], "unemployment_rate": 0.0}
    res = EuRelocation2015(**GIVEN).estimate(synthetic_dataset(_criteria(data)))
    assert "BEL" not in set(_q(res, "key_share").index)
    exc = res.excluded.set_index(["iso3", "indicator"])["reason"]
    assert exc[("BEL", "unemployment_rate")] == "non_positive_denominator"


# --------------------------------------------------------------------------- a user's file
def test_every_key_runs_from_a_users_own_file(tmp_path) -> None:
    """A file giving the four criteria directly (asylum effort as a period average)."""
    units = {"population": "persons", "gdp_usd_current": "USD current",
             "unemployment_rate": "percent of labour force",
             "asylum_effort_per_million": "per million inhabitants"}
    synthetic_rows = [
        {"iso3": c, "year": 2015, "indicator": ind, "value": v, "unit": units[ind],
         "source": "synthetic_user_file"}
        for c, vals in THREE.items() for ind, v in vals.items()]
    path = tmp_path / "synthetic_criteria.csv"
    pd.DataFrame(synthetic_rows).to_csv(path, index=False)
    (tmp_path / "sources.json").write_text(json.dumps({"synthetic_user_file": {
        "title": "synthetic criteria for a test", "publisher": "burdenshare tests"}}))
    data = bs.read_observations(path)
    given = {**GIVEN, "population_year": 2015, "gdp_year": 2015, "unemployment_year": 2015,
             "effort_years": (2011, 2015), "key_year": 2015}
    keys = {
        "eu": EuRelocation2015(**given, total=100),
        "grech": Grech2017(**given, total=100),
        "50/50": ReferenceKey5050(states=given["states"], population_year=2015, gdp_year=2015,
                                  key_year=2015, total=100),
        "linear": LinearKey(criteria=(("population", 0.5), ("unemployment_rate", 0.25),
                                      ("asylum_effort_per_million", 0.25)),
                            inverted=("unemployment_rate", "asylum_effort_per_million"),
                            year=2015, total=100),
        "minmax": MinmaxKey(criteria=(("unemployment_rate", 1.0),
                                      ("asylum_effort_per_million", 1.0)),
                            inverted=("unemployment_rate", "asylum_effort_per_million"),
                            year=2015, total=100),
    }
    for label, est in keys.items():
        res = est.estimate(data)
        k = _q(res, "key_share")
        assert sorted(k.index) == ["AUT", "BEL", "CYP"], label
        assert k.sum() == pytest.approx(1.0, abs=EXACT), label
        assert _q(res, "allocation").sum() == 100, label
        assert res.excluded.empty, label
    # 50/50 by hand: population shares 1/2, 1/4, 1/4 and GDP shares 1/4, 1/4, 1/2
    k = _q(keys["50/50"].estimate(data), "key_share")
    assert k.to_dict() == pytest.approx({"AUT": 3 / 8, "BEL": 1 / 4, "CYP": 3 / 8}, abs=EXACT)


def test_reference_key_equals_the_base_share_of_the_eu_and_grech_keys_on_real_data(
        sample_data: bs.Dataset) -> None:
    """Three implementations of 1/2 population share + 1/2 GDP share on the 2015 EU-28."""
    from burdenshare.estimators.distribution_keys import EU28_2015

    data = sample_data.select(years=(2010, 2015))
    ref = _q(ReferenceKey5050(states=EU28_2015, population_year=2014, gdp_year=2013,
                              key_year=2015).estimate(data), "key_share")
    eu = _q(EuRelocation2015(states=EU28_2015).estimate(data), "base_share")
    grech = _q(Grech2017(states=EU28_2015).estimate(data), "base_share")
    assert len(ref) == 28
    assert ref.to_dict() == pytest.approx(eu.to_dict(), abs=EXACT)
    assert ref.to_dict() == pytest.approx(grech.to_dict(), abs=EXACT)
