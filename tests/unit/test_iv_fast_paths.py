"""The direct computations inside iv_2sls equal the library calls they replace.

Every panel here is SYNTHETIC, generated in this file (``synthetic_fe_panel``): an unbalanced
panel of 40 units x 12 years with random gaps, and a second component (units observed only in
years no other unit has) so that the fixed effects are not all connected. Independent checks:
least squares on the dense dummy matrix (numpy ``lstsq``) for the partialled-out fixed
effects, and linearmodels itself (``IV2SLS`` OLS fits and ``first_stage.diagnostics``) for the
Anderson-Rubin pieces and the first-stage partial R-squared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.iv import IV2SLS as LM2SLS

from burdenshare.estimators._iv_algebra import ols_first_coef_var as _ols_first_coef_var
from burdenshare.estimators._iv_algebra import (
    partial_out_fixed_effects as _partial_out_fixed_effects,
)
from burdenshare.estimators._iv_algebra import partial_r2 as _partial_r2

# double-precision rounding of two different but exact linear-algebra routes on a few hundred
# rows stays below 1e-10 relative (observed about 1e-13)
RTOL = 1e-10


def synthetic_fe_panel(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NAMED synthetic: values, entity codes, year codes; unbalanced, two components."""
    rng = np.random.default_rng(seed)
    ent, yr = np.meshgrid(np.arange(40), np.arange(12), indexing="ij")
    ent, yr = ent.ravel(), yr.ravel()
    keep = rng.uniform(size=len(ent)) > 0.25
    ent, yr = ent[keep], yr[keep]
    # a second component: units 40-44 observed only in years 12-14
    e2, y2 = np.meshgrid(np.arange(40, 45), np.arange(12, 15), indexing="ij")
    ent, yr = np.r_[ent, e2.ravel()], np.r_[yr, y2.ravel()]
    M = rng.normal(size=(len(ent), 3)) + rng.normal(size=45)[ent, None] + yr[:, None] * 0.3
    return M, ent, yr


def dense_residuals(M: np.ndarray, ent: np.ndarray, yr: np.ndarray, effects: str) -> np.ndarray:
    """Residuals of ``M`` on the dense dummy matrix (least squares)."""
    parts = []
    if effects in ("twoway", "entity"):
        parts.append(pd.get_dummies(ent, dtype=float).to_numpy())
    if effects in ("twoway", "time"):
        parts.append(pd.get_dummies(yr, dtype=float).to_numpy())
    D = np.hstack(parts)
    coef, *_ = np.linalg.lstsq(D, M, rcond=None)
    return M - D @ coef


@pytest.mark.parametrize("effects", ["twoway", "entity", "time"])
def test_partialled_fixed_effects_equal_dense_dummy_least_squares(effects: str) -> None:
    M, ent, yr = synthetic_fe_panel()
    fast = _partial_out_fixed_effects(M, ent, yr, effects)
    slow = dense_residuals(M, ent, yr, effects)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=RTOL * np.abs(M).max())


def _lm_ols(y: np.ndarray, X: np.ndarray, clusters: np.ndarray | None, extra: int) -> tuple:
    idx = pd.RangeIndex(len(y))
    cols = [f"c{j}" for j in range(X.shape[1])]
    kw: dict = {"cov_type": "unadjusted", "debiased": True, "extra_df": extra}
    if clusters is not None:
        kw = {"cov_type": "clustered", "debiased": True, "extra_df": extra,
              "clusters": pd.DataFrame(clusters.reshape(len(y), -1), index=idx)}
    r = LM2SLS(pd.Series(y, index=idx), pd.DataFrame(X, index=idx, columns=cols), None,
               None).fit(**kw)
    return float(r.params["c0"]), float(r.cov.loc["c0", "c0"])


@pytest.mark.parametrize("clusters", ["none", "entity", "time", "twoway"])
def test_anderson_rubin_pieces_equal_linearmodels_ols(clusters: str) -> None:
    M, ent, yr = synthetic_fe_panel(1)
    R = _partial_out_fixed_effects(M, ent, yr, "twoway")
    extra = 45 + 15 - 1
    cl = {"none": None, "entity": ent, "time": yr,
          "twoway": np.column_stack([ent, yr])}[clusters]
    for X in (R[:, 1:2], R[:, 1:3]):  # the instrument alone, and with an exogenous control
        ours = _ols_first_coef_var(R[:, 0], X, cl, extra)
        theirs = _lm_ols(R[:, 0], X, cl, extra)
        assert ours == pytest.approx(theirs, rel=RTOL)


@pytest.mark.parametrize("with_exog", [False, True])
def test_first_stage_partial_r2_equals_linearmodels_diagnostics(with_exog: bool) -> None:
    M, ent, yr = synthetic_fe_panel(2)
    R = _partial_out_fixed_effects(M, ent, yr, "twoway")
    idx = pd.RangeIndex(len(R))
    x = R[:, 1] + 0.5 * R[:, 2]
    W = R[:, :1] if with_exog else None
    y = R[:, 0] + x + np.random.default_rng(3).normal(size=len(R))
    res = LM2SLS(pd.Series(y, index=idx),
                 None if W is None else pd.DataFrame({"w": W[:, 0]}, index=idx),
                 pd.DataFrame({"x": x}, index=idx), pd.DataFrame({"z": R[:, 2]}, index=idx)
                 ).fit(cov_type="unadjusted", debiased=True)
    lm = float(res.first_stage.diagnostics.loc["x", "partial.rsquared"])
    assert _partial_r2(x, W, R[:, 2]) == pytest.approx(lm, rel=RTOL)
