"""panel_fe and iv_2sls against second implementations (statsmodels OLS with dummies, pyfixest,
linearmodels; linearmodels with dummies; the just-identified IV ratio from statsmodels OLS).

Small-sample settings aligned in these tests (written out, as the issue asks):

* burdenshare (both engines): V x (N-1)/(N-K) x G/(G-1), K = regressors + every fixed-effect
  level (pyfixest ``ssc(k_adj=True, k_fixef="full", G_adj=True)``; linearmodels
  ``debiased=True, group_debias=True``);
* statsmodels OLS with entity and year dummies, ``cov_type="cluster"`` with its default
  ``use_correction=True``: the same (N-1)/(N-K) x G/(G-1) with K = all dummy columns;
* not clustered: classical s^2 (X'X)^-1 with s^2 = RSS/(N-K), statsmodels ``nonrobust``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import burdenshare as bs
from burdenshare.estimators import _panel as pfm
from burdenshare.estimators.iv import INSTRUMENT, IV2SLS
from burdenshare.estimators.panel import PanelFE, fit_fixed_effects

# both are least squares on the same complete data: they differ only by floating-point rounding
COEF_TOL = 1e-8
# standard errors go through different linear algebra (demeaning vs dummies): rounding only
SE_RTOL = 1e-7


@pytest.fixture(scope="module")
def real_panel(sample_data: bs.Dataset) -> pd.DataFrame:
    """The complete country-years PanelFE uses on the embedded data (real), singletons removed."""
    est = PanelFE(outcome="unemployment_rate", regressors=("refugees_per_1000",),
                  years=(2000, 2024))
    ledger = pfm.PanelLedger(sample_data, est.inputs())
    panel = pfm.build_panel(ledger, est._variables(), years=(2000, 2024))
    t = panel.table.assign(iso3=lambda d: d["iso3"].astype(str))
    e, _ = pd.factorize(t["iso3"])
    y, _ = pd.factorize(t["year"])
    return t[~pfm.drop_singletons(e, y, "twoway")].reset_index(drop=True)


def synthetic_panel_frame(seed: int = 1, n: int = 30, t: int = 12) -> pd.DataFrame:
    """A synthetic unbalanced two-way panel (two regressors, some rows removed)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"iso3": np.repeat([f"U{i:02d}" for i in range(n)], t),
                       "year": np.tile(np.arange(2000, 2000 + t), n)})
    a = np.repeat(rng.normal(size=n), t)
    g = np.tile(rng.normal(size=t), n)
    df["x1"] = rng.normal(size=len(df)) + a
    df["x2"] = rng.normal(size=len(df)) + g
    df["y"] = 0.7 * df["x1"] - 0.3 * df["x2"] + a + g + rng.normal(size=len(df))
    return df.drop(index=rng.choice(len(df), 25, replace=False)).reset_index(drop=True)


def _codes(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return pd.factorize(df["iso3"])[0], pd.factorize(df["year"])[0]


def _statsmodels(df: pd.DataFrame, y: str, xs: list[str], cluster: str | None):
    fml = f"{y} ~ {' + '.join(xs)} + C(iso3) + C(year)"
    if cluster is None:
        return smf.ols(fml, df).fit()
    return smf.ols(fml, df).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(df[cluster])[0]})


@pytest.mark.parametrize("which", ["real", "synthetic"])
@pytest.mark.parametrize("cluster", ["entity", "none"])
def test_panel_coefficients_and_se_equal_three_libraries(which: str, cluster: str,
                                                         real_panel: pd.DataFrame) -> None:
    if which == "real":
        df, y, xs = real_panel, "unemployment_rate", ["refugees_per_1000"]
    else:
        df, y, xs = synthetic_panel_frame(), "y", ["x1", "x2"]
    e, t = _codes(df)
    X = df[xs].to_numpy(dtype=float)
    fits = {eng: fit_fixed_effects(df[y].to_numpy(dtype=float), X, e, t, effects="twoway",
                                   cluster=cluster, engine=eng)
            for eng in ("pyfixest", "linearmodels")}
    sm = _statsmodels(df, y, xs, "iso3" if cluster == "entity" else None)
    ref_b = sm.params[xs].to_numpy()
    ref_se = sm.bse[xs].to_numpy()
    for eng, fit in fits.items():
        np.testing.assert_allclose(fit["params"], ref_b, rtol=0, atol=COEF_TOL, err_msg=eng)
        np.testing.assert_allclose(fit["std_errors"], ref_se, rtol=SE_RTOL, err_msg=eng)


def test_panel_twoway_clustering_engines_agree() -> None:
    df = synthetic_panel_frame(seed=3)
    e, t = _codes(df)
    X = df[["x1", "x2"]].to_numpy(dtype=float)
    a = fit_fixed_effects(df["y"].to_numpy(), X, e, t, cluster="twoway", engine="pyfixest")
    b = fit_fixed_effects(df["y"].to_numpy(), X, e, t, cluster="twoway", engine="linearmodels")
    np.testing.assert_allclose(a["params"], b["params"], rtol=0, atol=COEF_TOL)
    # pyfixest G_df="conventional" scales each of V_e, V_t, V_et by its own G/(G-1); linearmodels
    # group_debias does the same: equal up to rounding
    np.testing.assert_allclose(a["std_errors"], b["std_errors"], rtol=SE_RTOL)


def test_panel_wrapper_equals_raw_statsmodels_on_real_data(sample_data: bs.Dataset,
                                                           real_panel: pd.DataFrame) -> None:
    res = PanelFE(years=(2000, 2024)).estimate(sample_data)
    sm = _statsmodels(real_panel, "unemployment_rate", ["refugees_per_1000"], "iso3")
    row = res.estimates.iloc[0]
    assert abs(row["estimate"] - sm.params["refugees_per_1000"]) < COEF_TOL
    assert row["std_error"] == pytest.approx(sm.bse["refugees_per_1000"], rel=SE_RTOL)
    assert res.diagnostics["n_obs"] == len(real_panel)
    # same t(G-1) interval computed by hand from the statsmodels numbers
    from scipy import stats

    q = stats.t.ppf(0.975, real_panel["iso3"].nunique() - 1)
    assert row["ci_lower"] == pytest.approx(sm.params["refugees_per_1000"]
                                            - q * sm.bse["refugees_per_1000"], rel=1e-7)


def test_panel_engines_identical_through_the_wrapper(sample_data: bs.Dataset) -> None:
    a = PanelFE(outcome="gdp_per_capita_growth", cluster="twoway").estimate(sample_data)
    b = PanelFE(outcome="gdp_per_capita_growth", cluster="twoway",
                      engine="linearmodels").estimate(sample_data)
    assert abs(a.estimates["estimate"].iloc[0] - b.estimates["estimate"].iloc[0]) < COEF_TOL
    assert a.estimates["std_error"].iloc[0] == pytest.approx(b.estimates["std_error"].iloc[0],
                                                             rel=SE_RTOL)
    pd.testing.assert_frame_equal(a.excluded, b.excluded)


# ------------------------------------------------------------------------------ IV
def test_iv_partialled_fixed_effects_equal_dummies() -> None:
    """FE partialled out + extra_df (what burdenshare runs) == all dummies in linearmodels."""
    rng = np.random.default_rng(5)
    df = synthetic_panel_frame(seed=5)
    df["refugees_per_1000"] = df["x1"]
    df[INSTRUMENT] = df["x1"] + rng.normal(size=len(df))
    df["unemployment_rate"] = df["y"]
    for cluster in ("entity", "twoway", "none"):
        est = IV2SLS(cluster=cluster)
        fast = est._fit(df)
        slow = est._fit(df, dummies=True)
        a, b = fast["res"], slow["res"]
        assert abs(a.params["refugees_per_1000"] - b.params["refugees_per_1000"]) < COEF_TOL
        assert a.std_errors["refugees_per_1000"] == pytest.approx(
            b.std_errors["refugees_per_1000"], rel=SE_RTOL)
        f_ours = fast["ar_parts"][1] ** 2 / fast["ar_parts"][4]
        f_lm = float(slow["first_stage"].loc["refugees_per_1000", "f.stat"])
        assert f_ours == pytest.approx(f_lm, rel=1e-7), cluster


def test_iv_just_identified_equals_ratio_of_ols() -> None:
    """Just identified: beta_2SLS = reduced-form / first-stage coefficient (statsmodels OLS)."""
    df = synthetic_panel_frame(seed=7)
    rng = np.random.default_rng(7)
    df["refugees_per_1000"] = df["x1"]
    df[INSTRUMENT] = df["x1"] + rng.normal(size=len(df))
    df["unemployment_rate"] = df["y"]
    fit = IV2SLS()._fit(df)
    rf = smf.ols(f"unemployment_rate ~ {INSTRUMENT} + C(iso3) + C(year)", df).fit()
    fs = smf.ols(f"refugees_per_1000 ~ {INSTRUMENT} + C(iso3) + C(year)", df).fit()
    ratio = rf.params[INSTRUMENT] / fs.params[INSTRUMENT]
    assert abs(fit["res"].params["refugees_per_1000"] - ratio) < COEF_TOL


def test_iv_anderson_rubin_bounds_are_where_the_test_equals_its_critical_value() -> None:
    """Independent check of the inverted AR set: at each bound, the Wald statistic of the
    instrument in the regression of y - b x on [Z, dummies] (statsmodels, cluster-robust with
    the same corrections) equals the critical value; inside it is smaller."""
    rng = np.random.default_rng(11)
    df = synthetic_panel_frame(seed=11)
    z = rng.normal(size=len(df))
    df[INSTRUMENT] = z
    df["refugees_per_1000"] = 0.6 * z + df["x1"]
    df["unemployment_rate"] = 0.5 * df["refugees_per_1000"] + df["y"]
    fit = IV2SLS()._fit(df)
    lo, hi, shape = fit["ar"]
    assert shape == "bounded" and lo < fit["res"].params["refugees_per_1000"] < hi

    def wald(b: float) -> float:
        d = df.assign(yb=df["unemployment_rate"] - b * df["refugees_per_1000"])
        r = smf.ols(f"yb ~ {INSTRUMENT} + C(iso3) + C(year)", d).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(d["iso3"])[0]})
        return float(r.tvalues[INSTRUMENT] ** 2)

    # statsmodels' cluster correction uses (N-1)/(N-K) with K including the constant and all
    # dummies, the same count linearmodels gets via extra_df: rounding only
    assert wald(lo) == pytest.approx(fit["ar_crit"], rel=1e-6)
    assert wald(hi) == pytest.approx(fit["ar_crit"], rel=1e-6)
    assert wald((lo + hi) / 2) < fit["ar_crit"]
