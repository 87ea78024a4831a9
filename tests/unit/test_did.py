"""did, event_study, staggered_did: second implementations, hand calculations, synthetic DGPs.

All panels here are synthetic (generated in the tests, source ``synthetic_test``); the
outcome travels under the vocabulary slot ``unemployment_rate``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.did import DiD, EventStudy, StaggeredDiD, event_study_frame
from tests.conftest import SYNTHETIC

CODES = ["AUT", "BEL", "BGR", "CHE", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA",
         "GRC", "HRV", "HUN", "IRL", "ISL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "NOR",
         "POL", "PRT", "ROU", "SVK", "SVN", "SWE"]


def synthetic_panel(y: dict[tuple[str, int], float]) -> bs.Dataset:
    """Dataset of outcome values keyed by (iso3, year)."""
    obs = pd.DataFrame([{"iso3": c, "year": t, "indicator": "unemployment_rate", "value": v,
                         "unit": "percent of labour force", "source": "synthetic_test"}
                        for (c, t), v in y.items()])
    return bs.Dataset.from_frame(obs, {"synthetic_test": SYNTHETIC})


def synthetic_did_dgp(rng: np.random.Generator, *, n: int = 30, years=range(2010, 2020),
                      treated=("AUT", "BEL", "BGR", "CHE", "CYP", "CZE"), t0: int = 2016,
                      effect: float = 1.5, sigma: float = 1.0) -> dict[tuple[str, int], float]:
    units = CODES[:n]
    a = dict(zip(units, rng.normal(8, 2, n)))
    b = dict(zip(years, rng.normal(0, 1, len(years))))
    out = {}
    for c in units:
        for t in years:
            d = effect if (c in treated and t >= t0) else 0.0
            out[(c, t)] = 20 + a[c] + b[t] + d + rng.normal(0, sigma)
    return out


def _sm_cluster(df: pd.DataFrame, formula: str, term: str) -> tuple[float, float, float]:
    """statsmodels OLS with dummies, clustered SE rescaled to pyfixest's small-sample factor."""
    import statsmodels.formula.api as smf

    fit = smf.ols(formula, df).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(df["iso3"])[0]},
                                   use_t=True)
    # statsmodels' factor is G/(G-1) * (N-1)/(N-K) with K = every dummy; pyfixest's default
    # (fixef_k="nested") does not count the country dummies nested in the country clusters
    n, k_all = len(df), int(fit.df_model) + 1
    k_nested = k_all - (df["iso3"].nunique() - 1)
    scale = np.sqrt((n - k_all) / (n - k_nested))
    return float(fit.params[term]), float(fit.bse[term]) * scale, float(fit.bse[term])


def test_did_equals_statsmodels_and_the_2x2_difference_of_means() -> None:
    rng = np.random.default_rng(1)
    y = synthetic_did_dgp(rng)
    res = DiD(treated=("AUT", "BEL", "BGR", "CHE", "CYP", "CZE"), controls=(),
              treatment_year=2016, first_year=2010, last_year=2019).estimate(synthetic_panel(y))
    row = res.estimates.iloc[0]
    assert (row["quantity"], row["term"]) == ("att", "treated:post")
    df = pd.DataFrame([{"iso3": c, "year": t, "y": v} for (c, t), v in y.items()])
    df["d"] = (df["iso3"].isin(["AUT", "BEL", "BGR", "CHE", "CYP", "CZE"])
               & (df["year"] >= 2016)).astype(float)
    b, se, _ = _sm_cluster(df, "y ~ d + C(iso3) + C(year)", "d")
    # two least-squares implementations on the same complete data: agreement to 1e-8
    assert row["estimate"] == pytest.approx(b, abs=1e-8)
    assert row["std_error"] == pytest.approx(se, rel=1e-8)
    # hand calculation: balanced panel, TWFE = 2x2 difference of means
    tr = df["iso3"].isin(["AUT", "BEL", "BGR", "CHE", "CYP", "CZE"])
    post = df["year"] >= 2016
    m = lambda mask: df.loc[mask, "y"].mean()  # noqa: E731
    hand = (m(tr & post) - m(tr & ~post)) - (m(~tr & post) - m(~tr & ~post))
    assert row["estimate"] == pytest.approx(hand, abs=1e-10)  # exact algebra, float rounding
    assert res.uncertainty_method == "cluster_robust" and res.diagnostics["balanced_panel"]


def test_did_recovers_the_effect_and_covers_it() -> None:
    # 200 replications: the 95% interval's coverage has sd sqrt(.95*.05/200) = 0.015; with 30
    # clusters (6 treated) the CRV1-t interval is known to under-cover somewhat, so we accept
    # 0.87-1.0 (a 5-sd band below .95 would be 0.875) and require the mean estimate within
    # 0.05 of the truth (its Monte Carlo sd is about 0.3/sqrt(200) = 0.02).
    rng = np.random.default_rng(20261124)
    hits, ests = 0, []
    for _ in range(200):
        y = synthetic_did_dgp(rng, effect=1.5, sigma=1.0)
        r = DiD(treated=("AUT", "BEL", "BGR", "CHE", "CYP", "CZE"), controls=(),
                treatment_year=2016).estimate(synthetic_panel(y)).estimates.iloc[0]
        ests.append(r["estimate"])
        hits += r["ci_lower"] <= 1.5 <= r["ci_upper"]
    assert abs(np.mean(ests) - 1.5) < 0.05
    assert 0.87 <= hits / 200 <= 1.0


def test_did_lists_missing_and_out_of_group_rows() -> None:
    y = synthetic_did_dgp(np.random.default_rng(3), n=8, treated=("AUT",))
    y[("BEL", 2012)] = float("nan")
    res = DiD(treated=("AUT",), controls=("BEL", "BGR", "CHE", "CYP", "CZE"),
              treatment_year=2016).estimate(synthetic_panel(y))
    exc = res.excluded.set_index(["iso3", "year"])["reason"]
    assert exc[("BEL", 2012)] == "missing_value"
    assert set(exc.loc[["DEU", "DNK"]]) == {"not_in_group"}
    assert res.diagnostics["used"] + len(res.excluded) == len(y)


def test_did_errors_are_clear() -> None:
    y = synthetic_did_dgp(np.random.default_rng(3), n=8, treated=("AUT",))
    with pytest.raises(bs.EstimatorError, match="none of the treated countries"):
        DiD(treated=("SWE",), controls=(), treatment_year=2016).estimate(synthetic_panel(y))
    with pytest.raises(bs.ParameterError, match="treatment_year"):
        DiD(treatment_year=2030)
    with pytest.raises(bs.ParameterError, match="share"):
        DiD(treated=("AUT",), controls=("AUT",))
    with pytest.raises(bs.ParameterError, match="outcome"):
        DiD(outcome="nonsense")


def synthetic_staggered(rng: np.random.Generator | None, *, effects: dict[int, float] | None = None,
                        sigma: float = 0.0, n_never: int = 10):
    """Units in cohorts 2014 (5 units), 2016 (5 units) and never (n_never units), 2010-2019.

    Effect of cohort g at event time e >= 0: effects[g] * (1 + e) (heterogeneous, dynamic).
    """
    effects = effects or {2014: 1.0, 2016: 3.0}
    cohorts = {c: 2014 for c in CODES[:5]} | {c: 2016 for c in CODES[5:10]}
    units = CODES[:10 + n_never]
    years = range(2010, 2020)
    r = rng or np.random.default_rng(0)
    a = dict(zip(units, r.normal(5, 1, len(units))))
    b = dict(zip(years, np.linspace(0, 2, len(years))))
    y = {}
    for c in units:
        for t in years:
            g = cohorts.get(c)
            eff = effects[g] * (1 + t - g) if g and t >= g else 0.0
            y[(c, t)] = 10 + a[c] + b[t] + eff + (r.normal(0, sigma) if sigma else 0.0)
    return y, tuple(cohorts.items())


def test_staggered_equals_hand_group_time_att_without_noise() -> None:
    y, onsets = synthetic_staggered(None)
    res = StaggeredDiD(onsets=onsets, leads=4, lags=3, first_year=2010, last_year=2019).estimate(
        synthetic_panel(y))
    est = res.estimates.set_index(["quantity", "term"])["estimate"]
    # hand: ATT(g, t) = (y_g,t - y_g,g-1) - (y_never,t - y_never,g-1), cohort means
    df = pd.Series(y).rename_axis(["iso3", "year"]).reset_index(name="y")
    coh = dict(onsets)
    df["g"] = df["iso3"].map(coh)
    mean = df.groupby([df["g"].fillna(0), "year"])["y"].mean()

    def att_gt(g: int, t: int) -> float:
        return (mean[(g, t)] - mean[(g, g - 1)]) - (mean[(0, t)] - mean[(0, g - 1)])

    for e in range(0, 4):
        cells = [(g, g + e) for g in (2014, 2016) if g + e <= 2019]
        hand = np.mean([att_gt(g, t) for g, t in cells])  # equal cohort sizes -> equal shares
        # noise-free panel, exact algebra: 1e-9
        assert est[("att_event_time", f"e={e}")] == pytest.approx(hand, abs=1e-9)
        assert hand == pytest.approx(np.mean([{2014: 1.0, 2016: 3.0}[g] * (1 + e)
                                              for g, _ in cells]), abs=1e-9)
    # overall ATT: average of post cells weighted by their observations (5 units each)
    post_cells = [(g, t) for g in (2014, 2016) for t in range(g, min(g + 3, 2019) + 1)]
    hand_overall = np.mean([att_gt(g, t) for g, t in post_cells])
    assert est[("att", "overall")] == pytest.approx(hand_overall, abs=1e-9)
    # the static TWFE coefficient differs under heterogeneous dynamic effects (here by 0.034;
    # noise-free, so any gap above rounding is bias)
    assert abs(res.diagnostics["twfe_static_att"] - hand_overall) > 0.01
    assert est[("att_event_time", "e=-2")] == pytest.approx(0.0, abs=1e-9)


def test_staggered_cohort_coefficients_equal_statsmodels() -> None:
    import statsmodels.formula.api as smf

    y, onsets = synthetic_staggered(np.random.default_rng(5), sigma=0.5)
    data = synthetic_panel(y)
    res = StaggeredDiD(onsets=onsets, leads=4, lags=3).estimate(data)
    df = pd.Series(y).rename_axis(["iso3", "year"]).reset_index(name="y")
    df["g"] = df["iso3"].map(dict(onsets))
    df["e"] = df["year"] - df["g"]
    df = df[df["g"].isna() | df["e"].between(-4, 3)]
    terms = []
    for g in (2014, 2016):
        for e in range(-4, 4):
            if e == -1 or not ((df["g"] == g) & (df["e"] == e)).any():
                continue
            name = f"d{g}_{e + 10}"
            df[name] = ((df["g"] == g) & (df["e"] == e)).astype(float)
            terms.append((g, e, name))
    fit = smf.ols("y ~ " + " + ".join(t[2] for t in terms) + " + C(iso3) + C(year)", df).fit()
    for e in range(0, 4):
        cells = [t for t in terms if t[1] == e]
        n = np.array([((df["g"] == g) & (df["e"] == e)).sum() for g, _, _ in cells], float)
        hand = float(n @ np.array([fit.params[c[2]] for c in cells]) / n.sum())
        got = res.estimates.query(f"quantity == 'att_event_time' and term == 'e={e}'")["estimate"]
        # same least-squares problem, two implementations: 1e-8
        assert got.iloc[0] == pytest.approx(hand, abs=1e-8)


def test_staggered_recovers_and_covers() -> None:
    # 100 replications; true overall ATT computed from the DGP's post cells. Coverage sd is
    # sqrt(.95*.05/100) = 0.022; 20 clusters, so accept 0.85-1.0 (about 4.5 sd below .95).
    rng = np.random.default_rng(7)
    truth = np.mean([{2014: 1.0, 2016: 3.0}[g] * (1 + t - g)
                     for g in (2014, 2016) for t in range(g, min(g + 3, 2019) + 1)])
    hits, ests = 0, []
    for _ in range(100):
        y, onsets = synthetic_staggered(rng, sigma=1.0)
        r = StaggeredDiD(onsets=onsets, leads=4, lags=3).estimate(synthetic_panel(y))
        row = r.estimates.query("quantity == 'att'").iloc[0]
        ests.append(row["estimate"])
        hits += row["ci_lower"] <= truth <= row["ci_upper"]
    # Monte Carlo sd of the mean is about 0.25/sqrt(100) = 0.025; 0.1 is 4 sd
    assert abs(np.mean(ests) - truth) < 0.1
    assert 0.85 <= hits / 100 <= 1.0


def test_event_study_equals_statsmodels_and_pretrend_is_reported() -> None:
    y, onsets = synthetic_staggered(np.random.default_rng(11), effects={2014: 2.0, 2016: 2.0},
                                    sigma=0.5)
    res = EventStudy(onsets=onsets, leads=3, lags=3).estimate(synthetic_panel(y))
    df = pd.Series(y).rename_axis(["iso3", "year"]).reset_index(name="y")
    df["e"] = df["year"] - df["iso3"].map(dict(onsets))
    df = df[df["e"].isna() | df["e"].between(-3, 3)].copy()
    names = {}
    for e in range(-3, 4):
        if e != -1:
            names[e] = f"ev{e + 10}"
            df[names[e]] = (df["e"] == e).astype(float)
    b = {}
    for e, nm in names.items():
        b[e] = _sm_cluster(df, "y ~ " + " + ".join(names.values()) + " + C(iso3) + C(year)", nm)
    est = res.estimates.set_index("term")
    for e, (coef, se, _) in b.items():
        # two least-squares implementations: 1e-8 (SE rescaled to pyfixest's factor); on this
        # unbalanced panel pyfixest demeans by alternating projections to fixef_tol=1e-8, so
        # the SE (a second-order quantity of the residuals) agrees to rel 1e-6
        assert est.loc[f"e={e}", "estimate"] == pytest.approx(coef, abs=1e-8)
        assert est.loc[f"e={e}", "std_error"] == pytest.approx(se, rel=1e-6)
    assert est.loc["e=-1", "estimate"] == 0.0 and np.isnan(est.loc["e=-1", "std_error"])
    assert 0.0 <= res.diagnostics["pretrend_p_value"] <= 1.0
    assert res.diagnostics["pretrend_df"] == 2
    fr = event_study_frame(res)
    assert list(fr["event_time"]) == list(range(-3, 4))
    assert set(fr["period"]) == {"pre", "reference", "post"}


def test_event_study_threshold_rule_on_sample(sample_data: bs.Dataset) -> None:
    res = EventStudy(first_year=2005, last_year=2019).estimate(sample_data)
    assert res.diagnostics["treatment_rule"].startswith("first year refugees per 1,000")
    assert res.diagnostics["n_treated"] >= 5
    reasons = set(res.excluded["reason"])
    assert {"outside_window", "insufficient_data"} <= reasons


def test_estimators_do_not_touch_global_random_state(sample_data: bs.Dataset) -> None:
    np.random.seed(3)
    before = np.random.get_state()[1].copy()
    DiD().estimate(sample_data)
    assert (np.random.get_state()[1] == before).all()


def test_cli_runs_did(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from burdenshare.cli import main

    out = tmp_path / "did.csv"
    rc = main(["run", "did", "--set", "treated=DEU,SWE", "--set", "treatment_year=2016",
               "--out", str(out)])
    assert rc == 0
    df = pd.read_csv(out)
    assert "treated:post" in set(df["term"])


@pytest.mark.parametrize(("name", "sets", "term"), [
    ("event_study", ["onsets=LBN:2012,JOR:2012,TUR:2014", "leads=3", "lags=3",
                     "first_year=2005", "last_year=2019"], "e=0"),
    ("staggered_did", ["threshold=10", "leads=3", "lags=3", "first_year=2005", "last_year=2019"], "overall"),
    ("synthetic_control", ["treated=JOR", "placebo=false"], None),
])
def test_cli_runs_the_timing_designs(tmp_path, name, sets, term) -> None:  # type: ignore[no-untyped-def]
    from burdenshare.cli import main

    out = tmp_path / f"{name}.csv"
    args = ["run", name]
    for s in sets:
        args += ["--set", s]
    assert main([*args, "--out", str(out)]) == 0
    df = pd.read_csv(out)
    if term:
        assert term in set(df["term"])
    else:
        assert set(df["iso3"].dropna()) == {"JOR"}
    assert (tmp_path / f"{name}.csv.provenance.json").exists()


def test_compare_puts_the_designs_next_to_other_families(sample_data: bs.Dataset) -> None:
    comp = bs.compare(["did", "synthetic_control", "refugees_per_1000"], sample_data)
    long = comp.long
    assert set(long["method"]) == {"did", "synthetic_control", "refugees_per_1000"}
    assert dict(zip(long["method"], long["uncertainty_method"]))["did"] == "cluster_robust"
    # synthetic-control gaps are country-year rows, so they join the per-country views
    assert ("LBN", 2015) in comp.wide("gap").index
    # an infeasible window is recorded, not raised, by compare(on_error="record")
    rec = bs.compare(["synthetic_control"], sample_data.select(years=(2015, 2025)),
                     on_error="record")
    assert "needs at least two complete years before" in rec.failures["synthetic_control"]
