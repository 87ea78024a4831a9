"""synthetic_control: exact convex-combination DGP, placebo p-value by hand, accounting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.synth import SyntheticControl
from tests.conftest import SYNTHETIC

DONORS = ["ARE", "BHR", "DJI", "DZA", "EGY", "IRN", "ISR", "KWT"]


def synthetic_synth_panel(effect: float = 0.0, seed: int = 0):
    """Donors: smooth random paths 2000-2019; LBN = 0.3 ARE + 0.7 DZA (+ effect from 2012)."""
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2020)
    paths = {c: 8 + rng.normal(0, 2) + np.cumsum(rng.normal(0, 0.5, len(years)))
             for c in DONORS}
    lbn = 0.3 * paths["ARE"] + 0.7 * paths["DZA"] + np.where(years >= 2012, effect, 0.0)
    rows = [(c, int(t), float(v)) for c, p in {**paths, "LBN": lbn}.items()
            for t, v in zip(years, p)]
    obs = pd.DataFrame([{"iso3": c, "year": t, "indicator": "unemployment_rate", "value": v,
                         "unit": "percent of labour force", "source": "synthetic_test"}
                        for c, t, v in rows])
    return bs.Dataset.from_frame(obs, {"synthetic_test": SYNTHETIC}), paths, years


def test_exact_convex_combination_recovers_weights_and_effect() -> None:
    data, paths, years = synthetic_synth_panel(effect=2.0)
    res = SyntheticControl(donors=tuple(DONORS), exclude_donors=(), placebo=False).estimate(data)
    w = res.diagnostics["donor_weights"]
    # pysyncon's SLSQP stops at its default ftol on the quadratic loss, which leaves the
    # weights of an exactly attainable target within about 2e-4: 1e-3 tolerance
    assert w.get("ARE", 0) == pytest.approx(0.3, abs=1e-3)
    assert w.get("DZA", 0) == pytest.approx(0.7, abs=1e-3)
    assert sum(v for k, v in w.items() if k not in ("ARE", "DZA")) < 1e-3
    assert res.diagnostics["pre_rmspe"] < 1e-2  # ~0 on a scale of paths around 8-10
    gap = res.point("gap").droplevel("term")
    # post gaps equal the added effect (2.0) up to the weights' 1e-3 error x path scale ~10
    assert np.allclose(gap.loc[[("LBN", y) for y in range(2012, 2020)]], 2.0, atol=2e-2)
    att = res.point("att_post").iloc[0]
    assert att == pytest.approx(2.0, abs=2e-2)
    assert res.uncertainty_method == "none"  # placebo=False: no test, no interval
    assert res.estimates[["ci_lower", "ci_upper"]].isna().all().all()


def test_placebo_p_value_is_the_hand_rank() -> None:
    data, paths, years = synthetic_synth_panel(effect=5.0, seed=2)
    res = SyntheticControl(donors=tuple(DONORS), exclude_donors=()).estimate(data)
    d = res.diagnostics
    ratios = d["placebo_post_pre_rmspe_ratios"]
    hand = (1 + sum(v >= d["post_pre_rmspe_ratio"] for v in ratios.values())) / (len(DONORS) + 1)
    assert d["placebo_p_value"] == hand  # a count, exact
    assert d["n_placebos"] == len(DONORS)
    # with an exact fit and a large effect the treated ratio is the largest: p = 1/9
    assert d["placebo_p_value"] == pytest.approx(1 / 9)
    assert res.uncertainty_method == "permutation"  # a rank test, no interval
    assert res.estimates[["ci_lower", "ci_upper"]].isna().all().all()


def test_gappy_donor_and_missing_treated_year_are_listed() -> None:
    data, _, _ = synthetic_synth_panel()
    obs = data.observations.copy()
    obs.loc[(obs["iso3"] == "EGY") & (obs["year"] == 2005), "value"] = np.nan
    obs = obs[~((obs["iso3"] == "LBN") & (obs["year"] == 2019))]
    holed = bs.Dataset.from_frame(obs, data.sources)
    res = SyntheticControl(donors=tuple(DONORS), exclude_donors=(), placebo=False).estimate(holed)
    exc = res.excluded.set_index(["iso3", "year"])["reason"]
    assert exc[("EGY", 2005)] == "missing_value"
    assert set(exc.loc["EGY"].drop([2005, 2019])) == {"insufficient_data"}
    assert exc[("ARE", 2019)] == "missing_counterpart"
    assert res.diagnostics["used"] + len(res.excluded) == len(obs)
    assert "EGY" not in res.diagnostics["donor_weights"]


def test_default_runs_on_sample_and_infeasible_window_errors(sample_data: bs.Dataset) -> None:
    res = SyntheticControl().estimate(sample_data)
    assert res.diagnostics["n_donors"] >= 10
    assert 0 < res.diagnostics["placebo_p_value"] <= 1
    assert abs(sum(res.diagnostics["donor_weights"].values()) - 1) < 1e-6
    with pytest.raises(bs.EstimatorError, match="needs at least two complete years before"):
        SyntheticControl().estimate(sample_data.select(years=(2015, 2025)))
    with pytest.raises(bs.ParameterError, match="treated"):
        SyntheticControl(donors=("LBN",))
