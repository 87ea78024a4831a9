"""Invariants of the unit-cost estimators on synthetic panels (hypothesis).

Panels: 2-6 hosts drawn from real ISO3 codes, refugee age bands in 2025, per-student spending
ratios in one year of 2010-2018 (absent for some hosts), GDP per capita in that year, host
enrolment ratios, government health spending and refugees; source id ``synthetic_panel``. The
``ci`` profile (deadline=None, derandomize=True, database=None) is loaded in ``conftest.py``.

Independent source of each expected value: the invariant itself (an algebraic identity of the
formulas in ``methodology/*.md``) evaluated on the estimator's outputs for two related inputs.
Tolerances: ``REL = 1e-12`` where both sides differ only by the order of a few floating-point
operations; the Monte Carlo bound is stated where used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.estimators.unit_cost import EducationInclusionCost, HealthInclusionCost
from burdenshare.indicators import VOCABULARY
from burdenshare.testing import _needed  # the kit's own definition of the needed observations

pytestmark = pytest.mark.property

REL = 1e-12
CODES = ("JOR", "LBN", "TUR", "UGA", "PAK", "COL", "KEN", "ETH", "BGD", "SDN", "TCD", "IRN")
SOURCE = bs.Source(id="synthetic_panel", title="synthetic panel for property tests",
                   publisher="burdenshare tests")
PRIM = "initial_gov_funding_per_student_primary_pct_gdp_pc"
SECO = "initial_gov_funding_per_student_secondary_pct_gdp_pc"


@st.composite
def hosts(draw: st.DrawFn) -> pd.DataFrame:
    """One row per host: inputs of the education and health estimators (NaN = no observation)."""
    n = draw(st.integers(2, 6))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n, unique=True))
    pos = st.floats(1.0, 50.0, allow_nan=False)
    return pd.DataFrame({
        "iso3": codes,
        "band_5_11": draw(st.lists(st.integers(0, 800_000), min_size=n, max_size=n)),
        "band_12_17": draw(st.lists(st.integers(0, 600_000), min_size=n, max_size=n)),
        "refugees": draw(st.lists(st.integers(0, 3_000_000), min_size=n, max_size=n)),
        "ratio_year": draw(st.lists(st.integers(2010, 2018), min_size=n, max_size=n)),
        # the first host always has per-student data, so the indicator is in the data
        "has_ratio": [True, *draw(st.lists(st.booleans(), min_size=n - 1, max_size=n - 1))],
        "prim": draw(st.lists(pos, min_size=n, max_size=n)),
        "seco": draw(st.lists(pos, min_size=n, max_size=n)),
        "gdp": draw(st.lists(st.floats(200.0, 60_000.0), min_size=n, max_size=n)),
        "ghed": draw(st.lists(st.floats(1.0, 5_000.0), min_size=n, max_size=n)),
    })


def data(h: pd.DataFrame, k: float = 1.0) -> bs.Dataset:
    rows = []
    for r in h.itertuples(index=False):
        rows += [(r.iso3, 2025, "refugees_aged_5_11", r.band_5_11 * k),
                 (r.iso3, 2025, "refugees_aged_12_17", r.band_12_17 * k),
                 (r.iso3, 2025, "refugees", r.refugees * k),
                 (r.iso3, r.ratio_year, "gdp_per_capita_usd_current", r.gdp),
                 (r.iso3, 2022, "gov_health_expenditure_per_capita_usd_current", r.ghed)]
        if r.has_ratio:
            rows += [(r.iso3, r.ratio_year, PRIM, r.prim), (r.iso3, r.ratio_year, SECO, r.seco)]
    frame = pd.DataFrame([{"iso3": i, "year": y, "indicator": ind, "value": float(v),
                           "unit": VOCABULARY[ind].unit, "source": SOURCE.id}
                          for i, y, ind, v in rows])
    return bs.Dataset.from_frame(frame, [SOURCE], origin="synthetic_panel")


def country_costs(res: bs.Result) -> pd.Series:
    e = res.estimates
    sub = e[(e["quantity"] == res.main_quantity) & e["iso3"].notna() & e["term"].isna()]
    return sub.set_index("iso3")["estimate"]


def total(res: bs.Result) -> float:
    e = res.estimates
    sub = e[(e["quantity"] == res.main_quantity) & e["iso3"].isna() & (e["term"] == "all countries")]
    return float(sub["estimate"].iloc[0]) if len(sub) else 0.0


@given(hosts(), st.sampled_from([0.5, 2.0, 3.0, 10.0]))
@settings(max_examples=20)
def test_scaling_refugees_by_k_scales_cost_by_k(h: pd.DataFrame, k: float) -> None:
    for est in (EducationInclusionCost(), HealthInclusionCost()):
        base = country_costs(est.estimate(data(h)))
        scaled = country_costs(est.estimate(data(h, k)))
        pd.testing.assert_index_equal(base.index, scaled.index)
        np.testing.assert_allclose(scaled.to_numpy(), k * base.to_numpy(), rtol=REL, atol=0)


@given(hosts())
@settings(max_examples=40)
def test_a_host_without_unit_cost_is_excluded_never_zero(h: pd.DataFrame) -> None:
    res = EducationInclusionCost().estimate(data(h))
    without = set(h.loc[~h["has_ratio"], "iso3"])
    assert not without & set(res.estimates["iso3"].dropna())
    exc = res.excluded[res.excluded["iso3"].isin(without)
                       & res.excluded["indicator"].str.startswith("refugees_aged")]
    assert len(exc) == 2 * len(without)
    assert set(exc["reason"]) <= {"missing_counterpart"}


@given(hosts(), st.booleans())
@settings(max_examples=40)
def test_every_needed_observation_is_used_or_excluded_once(h: pd.DataFrame, impute: bool) -> None:
    est = EducationInclusionCost(enrolment="full_inclusion",
                                 impute="income_group_median" if impute else "none",
                                 min_refugees=1000)
    ds = bs.Dataset.concat([data(h), _groups(h)]) if impute else data(h)
    res = est.estimate(ds)
    assert res.diagnostics["used"] + len(res.excluded) == len(_needed(est, ds))


def _groups(h: pd.DataFrame) -> bs.Dataset:
    frame = pd.DataFrame([{"iso3": c, "year": 2024, "indicator": "wb_income_group", "value": 2.0,
                           "unit": "code", "source": "synthetic_groups"} for c in h["iso3"]])
    src = bs.Source(id="synthetic_groups", title="synthetic groups", publisher="burdenshare tests")
    return bs.Dataset.from_frame(frame, [src])


@given(hosts())
@settings(max_examples=40)
def test_total_is_the_sum_of_countries_and_the_range_holds_the_point(h: pd.DataFrame) -> None:
    res = HealthInclusionCost(utilisation=0.8, utilisation_low=0.4,
                              utilisation_high=1.3).estimate(data(h))
    costs = country_costs(res)
    assert total(res) == pytest.approx(float(costs.sum()), rel=REL)
    e = res.estimates[res.estimates["quantity"] == res.main_quantity]
    assert (e["ci_lower"] <= e["estimate"] * (1 + REL)).all()
    assert (e["estimate"] <= e["ci_upper"] * (1 + REL)).all()


@given(hosts(), st.integers(0, 2**31 - 1), st.floats(0.05, 0.5))
@settings(max_examples=15)
def test_monte_carlo_mean_converges_to_the_deterministic_cost(h: pd.DataFrame, seed: int,
                                                              cv: float) -> None:
    est = HealthInclusionCost(n_draws=20_000, unit_cost_cv=cv, seed=seed)
    res = est.estimate(data(h))
    e = res.estimates
    mc = e[(e["quantity"] == "health_inclusion_cost_usd_monte_carlo") & e["iso3"].isna()]
    mc = mc.set_index("term")["estimate"]
    point = total(res)
    if point == 0:
        assert mc["all countries: mean"] == 0
        return
    # the draws' mean is unbiased for the point value (mean-one factors); its standard error is
    # sd / sqrt(n). Six standard errors: a false failure has probability below 2e-9 per example.
    se = mc["all countries: sd"] / np.sqrt(20_000)
    assert abs(mc["all countries: mean"] - point) <= 6 * se + REL * point
    again = est.estimate(data(h)).estimates
    pd.testing.assert_frame_equal(e, again)
