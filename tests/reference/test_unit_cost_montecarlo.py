"""Monte Carlo of the unit-cost estimators: reproducible, order-free, identical serial or parallel.

Independent sources: a second implementation (``draw_costs_per_draw``, the same model written one
draw and one country at a time) for the vectorised draws; numpy's documented ``SeedSequence``
streams for reproducibility; the mean-one log-normal factor's moments (E = 1, CV = cv) for the
summary statistics. Tolerances are given where used.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from burdenshare.estimators import _montecarlo as mc
from burdenshare.estimators.unit_cost import EducationInclusionCost, HealthInclusionCost
from tests.conftest import synthetic_dataset

pytestmark = pytest.mark.reference

GHED = "gov_health_expenditure_per_capita_usd_current"
CODES = ("JOR", "LBN", "TUR", "UGA", "PAK", "COL", "KEN", "ETH", "BGD", "SDN", "TCD", "IRN",
         "DEU", "POL", "PER", "ECU", "EGY", "IRQ", "RWA", "CMR", "NER", "MLI", "SSD", "YEM",
         "USA", "FRA", "SWE", "AUT", "BEL", "NLD", "ITA", "ESP")


def health_data(codes: tuple[str, ...] = CODES) -> object:
    rows = []
    for i, c in enumerate(codes):
        rows += [(c, 2022, "refugees", 1000.0 * (i + 1)), (c, 2022, GHED, 50.0 + 10.0 * i)]
    return synthetic_dataset(rows)


def mc_rows(res, iso3=None):  # type: ignore[no-untyped-def]
    e = res.estimates
    sub = e[e["quantity"].str.endswith("_monte_carlo")]
    return sub if iso3 is None else sub[sub["iso3"] == iso3]


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    est = HealthInclusionCost(n_draws=500, unit_cost_cv=0.3, seed=7)
    a, b = est.estimate(health_data()), est.estimate(health_data())
    pd.testing.assert_frame_equal(a.estimates, b.estimates)
    c = est.with_params(seed=8).estimate(health_data())
    assert not np.array_equal(mc_rows(a)["estimate"].to_numpy(), mc_rows(c)["estimate"].to_numpy())
    assert a.provenance.seed == 7


def test_serial_and_parallel_runs_are_identical() -> None:
    # 32 countries = two blocks of 25 and 7, so threads really split the work
    serial = HealthInclusionCost(n_draws=400, unit_cost_cv=0.3, seed=3)
    parallel = serial.with_params(n_jobs=3)
    pd.testing.assert_frame_equal(serial.estimate(health_data()).estimates,
                                  parallel.estimate(health_data()).estimates, check_exact=True)


def test_a_countrys_draws_do_not_depend_on_the_other_countries() -> None:
    # UGA has the same inputs in both datasets (refugees 4,000, GHED 80: i = 3 in health_data)
    est = HealthInclusionCost(n_draws=300, unit_cost_cv=0.3, seed=11)
    full = mc_rows(est.estimate(health_data()), "UGA")
    alone = mc_rows(est.estimate(synthetic_dataset([("UGA", 2022, "refugees", 4000.0),
                                                    ("UGA", 2022, GHED, 80.0)])), "UGA")
    np.testing.assert_array_equal(full["estimate"].to_numpy(), alone["estimate"].to_numpy())


def test_vectorised_draws_equal_the_per_draw_loop() -> None:
    rng = np.random.default_rng(0)  # only to make test inputs
    costs = rng.uniform(1e5, 1e7, size=(12, 2))
    iso3 = list(CODES[:12])
    years = [2025] * 12
    fast = mc.draw_costs(5, iso3, years, costs, n_draws=300, cv=0.25)
    slow = mc.draw_costs_per_draw(5, iso3, years, costs, n_draws=300, cv=0.25)
    # same normals in the same order; only the summation order of two products may differ
    np.testing.assert_allclose(fast, slow, rtol=1e-13, atol=0)


def test_global_random_state_is_untouched() -> None:
    before = np.random.get_state()[1].copy()
    HealthInclusionCost(n_draws=200, unit_cost_cv=0.2).estimate(health_data())
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_factor_has_mean_one_and_the_requested_cv() -> None:
    draws = mc.draw_costs(1, ["JOR"], [2025], np.array([[1.0]]), n_draws=200_000, cv=0.3)[0]
    # E[F] = 1 and sd(F) = cv for the mean-one log-normal; with 200,000 draws the standard error
    # of the mean is 0.3 / sqrt(200,000) = 6.7e-4 (tolerance 5 standard errors = 3.4e-3), and
    # of the sd about 0.3 x sqrt((kurtosis - 1) / 4n) < 2e-3 (tolerance 1e-2).
    assert draws.mean() == pytest.approx(1.0, abs=3.4e-3)
    assert draws.std(ddof=1) == pytest.approx(0.3, abs=1e-2)


def test_monte_carlo_rows_are_labelled_and_totals_sum_draws() -> None:
    est = EducationInclusionCost(n_draws=2000, unit_cost_cv=0.2, mc_interval=0.8)
    rows = [("JOR", 2025, "refugees_aged_5_11", 1000.0), ("JOR", 2025, "refugees_aged_12_17", 500.0),
            ("JOR", 2018, "initial_gov_funding_per_student_primary_pct_gdp_pc", 12.0),
            ("JOR", 2018, "initial_gov_funding_per_student_secondary_pct_gdp_pc", 15.0),
            ("JOR", 2018, "gdp_per_capita_usd_current", 4200.0)]
    res = est.estimate(synthetic_dataset(rows))
    sub = mc_rows(res, "JOR").set_index("term")["estimate"]
    assert set(sub.index) == {"mean", "sd", "quantile_0.1", "quantile_0.9"}
    assert sub["quantile_0.1"] < sub["mean"] < sub["quantile_0.9"]
    # one country: the total's distribution is the country's
    tot = mc_rows(res)
    tot = tot[tot["iso3"].isna()].set_index("term")["estimate"]
    assert tot["all countries: mean"] == pytest.approx(sub["mean"], rel=1e-12)
    # Monte Carlo never fills the interval columns: those hold scenario ranges only
    assert mc_rows(res)[["ci_lower", "ci_upper"]].isna().all().all()
    assert res.uncertainty_method == "none"


def test_progress_is_off_by_default_and_text_without_widgets() -> None:
    buf = io.StringIO()
    prog = mc.Progress(4, "mc", enabled=True, stream=buf)
    mc.draw_costs(1, ["JOR", "LBN", "TUR", "UGA"], [2025] * 4, np.ones((4, 1)), n_draws=10,
                  cv=0.1, progress=prog)
    assert "mc: 100% (4/4)" in buf.getvalue()
    quiet = io.StringIO()
    mc.Progress(4, "mc", enabled=False, stream=quiet).step(4)
    assert quiet.getvalue() == ""
