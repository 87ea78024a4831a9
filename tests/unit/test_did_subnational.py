"""did, event_study, staggered_did with treatment given by sub-national area (``ISO3/area``).

Every panel here is SYNTHETIC, generated in this file (``synthetic_area_*``), written to CSV and
read back with ``bs.read_observations`` (the user path): three countries, 20 areas, 2010-2019,
with known treatment onsets per area and a known effect. Independent checks: statsmodels OLS
with unit and year dummies (second implementation), the data-generating effects, and onsets
computed by hand from the raw CSV with pandas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import burdenshare as bs
from burdenshare.estimators.did import DiD, EventStudy, StaggeredDiD
from burdenshare.testing import check_estimator, check_no_silent_drop

AREAS = {"TUR": [f"TR-{k:02d}" for k in range(1, 9)],
         "UGA": [f"UG-{k:02d}" for k in range(1, 7)],
         "JOR": [f"JO-{k:02d}" for k in range(1, 7)]}
YEARS = range(2010, 2020)
SRC = bs.Source(id="synthetic_test", title="synthetic sub-national panel (tests only)",
                publisher="burdenshare tests")
#: border provinces treated from 2016 in the did panel (known effect EFFECT)
BORDER = ("TUR/TR-01", "TUR/TR-02", "JOR/JO-01")
EFFECT = 1.5
#: staggered onsets by area for the event-study panel, effect TAU(e) = 1 + 0.25 e from onset
STAGGERED = {"TUR/TR-01": 2014, "TUR/TR-02": 2014, "JOR/JO-01": 2014,
             "TUR/TR-03": 2016, "UGA/UG-01": 2016, "JOR/JO-02": 2016}


def tau(e: int) -> float:
    """Known dynamic effect at event time e (zero before onset)."""
    return 1.0 + 0.25 * e if e >= 0 else 0.0


def synthetic_area_frame(onsets: dict[str, int], effect, *, seed: int, sigma: float = 0.3,
                         always_high: tuple[str, ...] = ()) -> pd.DataFrame:
    """NAMED synthetic: y = 8 + area effect + year effect + effect(year - onset) + noise.

    Refugees per 1,000 inhabitants is 2 before an area's onset and 20 from it (15 every year for
    ``always_high`` areas), so a threshold of 10 dates the onsets exactly.
    """
    rng = np.random.default_rng(seed)
    year_fx = {y: 0.2 * (y - 2010) + rng.normal(0, 0.2) for y in YEARS}
    rows = []
    for iso3, areas in AREAS.items():
        for area in areas:
            unit = f"{iso3}/{area}"
            area_fx = rng.uniform(-2, 2)
            pop = float(rng.integers(100_000, 2_000_000))
            g = onsets.get(unit)
            for y in YEARS:
                e = None if g is None else y - g
                d = effect(e) if e is not None and e >= 0 else 0.0
                u = 8.0 + area_fx + year_fx[y] + d + rng.normal(0, sigma)
                per1000 = 15.0 if unit in always_high else (20.0 if e is not None and e >= 0
                                                             else 2.0)
                for ind, val, un in (("unemployment_rate", u, "percent of labour force"),
                                     ("refugees", per1000 * pop / 1000.0, "persons"),
                                     ("population", pop, "persons")):
                    rows.append({"iso3": iso3, "area": area, "year": y, "indicator": ind,
                                 "value": repr(val), "unit": un, "source": SRC.id})
    return pd.DataFrame(rows)


def _read(frame: pd.DataFrame, path: Path) -> tuple[bs.Dataset, pd.DataFrame]:
    """Write the synthetic frame to CSV, read it with burdenshare, and a pandas wide frame."""
    frame.to_csv(path, index=False)
    data = bs.read_observations(path, {SRC.id: SRC})
    raw = pd.read_csv(path)
    wide = raw.pivot_table(index=["iso3", "area", "year"], columns="indicator",
                           values="value").reset_index()
    wide["unit"] = wide["iso3"] + "/" + wide["area"]
    return data, wide


@pytest.fixture(scope="module")
def did_panel(tmp_path_factory: pytest.TempPathFactory) -> tuple[bs.Dataset, pd.DataFrame]:
    frame = synthetic_area_frame(dict.fromkeys(BORDER, 2016), lambda e: EFFECT, seed=21)
    return _read(frame, tmp_path_factory.mktemp("area_did") / "synthetic_area_did.csv")


@pytest.fixture(scope="module")
def event_panel(tmp_path_factory: pytest.TempPathFactory) -> tuple[bs.Dataset, pd.DataFrame]:
    frame = synthetic_area_frame(STAGGERED, tau, seed=22, always_high=("UGA/UG-06",))
    return _read(frame, tmp_path_factory.mktemp("area_es") / "synthetic_area_event.csv")


def _sm_cluster(df: pd.DataFrame, formula: str, cluster: str) -> tuple[pd.Series, pd.Series]:
    """statsmodels OLS with dummies; clustered SEs rescaled to pyfixest's small-sample factor.

    Settings: statsmodels' CRV1 factor is G/(G-1) x (N-1)/(N-K) with K = every column (intercept,
    unit dummies, year dummies, regressors). pyfixest's default (``k_fixef="nested"``, as did
    uses) does not count the unit fixed effects, which are nested in the clusters both for
    clusters = units and for clusters = countries (an area lies in one country); so the SE is
    multiplied by sqrt((N - K) / (N - K + n_units - 1)). Both use G/(G-1).
    """
    fit = smf.ols(formula, df).fit(cov_type="cluster",
                                   cov_kwds={"groups": pd.factorize(df[cluster])[0]})
    n, k_all = len(df), int(fit.df_model) + 1
    k_nested = k_all - (df["unit"].nunique() - 1)
    return fit.params, fit.bse * np.sqrt((n - k_all) / (n - k_nested))


# ----------------------------------------------------------------------------- (a) did
@pytest.mark.parametrize(("cluster", "sm_cluster"), [("entity", "unit"), ("country", "iso3")])
def test_did_by_area_equals_statsmodels_with_unit_and_year_dummies(
        did_panel: tuple[bs.Dataset, pd.DataFrame], cluster: str, sm_cluster: str) -> None:
    data, wide = did_panel
    est = DiD(treated=BORDER, controls=(), treatment_year=2016, first_year=2010,
              last_year=2019, cluster=cluster)
    res = est.estimate(data)
    row = res.estimates.set_index("term").loc["treated:post"]
    df = wide.rename(columns={"unemployment_rate": "y"})
    df["d"] = (df["unit"].isin(BORDER) & (df["year"] >= 2016)).astype(float)
    params, se = _sm_cluster(df, "y ~ d + C(unit) + C(year)", sm_cluster)
    # the same least-squares problem solved by two implementations: 1e-8
    assert row["estimate"] == pytest.approx(params["d"], abs=1e-8)
    assert row["std_error"] == pytest.approx(se["d"], rel=1e-8)
    # known effect 1.5: noise sd 0.3 on 200 area-years, the SE is about 0.07, so 0.3 is ~4 SE
    assert abs(row["estimate"] - EFFECT) < 0.3
    d = res.diagnostics
    assert (d["n_treated"], d["n_treated_units"], d["n_control_units"]) == (3, 3, 17)
    assert d["treated_used"] == ", ".join(sorted(BORDER))
    assert d["n_clusters"] == (20 if cluster == "entity" else 3)
    assert res.excluded.empty and d["used"] == 200
    check_no_silent_drop(est, data)


def test_did_area_code_beats_its_country_code(did_panel: tuple[bs.Dataset, pd.DataFrame]
                                              ) -> None:
    data, wide = did_panel
    # JO-01 treated, the other Jordanian areas its controls; TUR and UGA are in no group
    res = DiD(treated=("JOR/JO-01",), controls=("JOR",), treatment_year=2016,
              first_year=2010, last_year=2019).estimate(data)
    d = res.diagnostics
    assert (d["n_treated_units"], d["n_control_units"], d["n_countries"]) == (1, 5, 1)
    out = res.excluded
    assert set(out["reason"]) == {"not_in_group"}
    assert set(out["iso3"]) == {"TUR", "UGA"} and len(out) == 14 * 10
    jor = wide[wide["iso3"] == "JOR"]
    y, tr, post = jor["unemployment_rate"], jor["area"] == "JO-01", jor["year"] >= 2016
    hand = (y[tr & post].mean() - y[tr & ~post].mean()) - (y[~tr & post].mean()
                                                           - y[~tr & ~post].mean())
    # balanced panel: the TWFE DiD is the 2x2 difference of means (exact algebra, rounding)
    assert res.estimates["estimate"].iloc[0] == pytest.approx(hand, abs=1e-9)


# ----------------------------------------------------------------------------- (b) event study
def test_event_study_by_area_equals_statsmodels(event_panel: tuple[bs.Dataset, pd.DataFrame]
                                                ) -> None:
    data, wide = event_panel
    est = EventStudy(onsets=tuple(STAGGERED.items()), first_year=2010, last_year=2019,
                     leads=6, lags=5, cluster="country")
    res = est.estimate(data)
    df = wide.rename(columns={"unemployment_rate": "y"})
    df["e"] = df["year"] - df["unit"].map(STAGGERED)
    names = {e: f"ev{e + 10}" for e in range(-6, 6) if e != -1}
    for e, nm in names.items():
        df[nm] = (df["e"] == e).astype(float)
    params, se = _sm_cluster(df, "y ~ " + " + ".join(names.values()) + " + C(unit) + C(year)",
                             "iso3")
    got = res.estimates.set_index("term")
    for e, nm in names.items():
        # two least-squares implementations on the same complete balanced panel: 1e-8
        assert got.loc[f"e={e}", "estimate"] == pytest.approx(params[nm], abs=1e-8)
        assert got.loc[f"e={e}", "std_error"] == pytest.approx(se[nm], rel=1e-8)
    # known effects: lags tau(e) = 1 + 0.25 e, leads 0. Noise sd 0.3 with 3 units per cell:
    # each coefficient's SE is below 0.3, so 1.0 is more than 3 SE
    for e in range(-6, 6):
        if e != -1:
            assert abs(got.loc[f"e={e}", "estimate"] - tau(e)) < 1.0
    d = res.diagnostics
    assert (d["n_treated"], d["n_never_treated"]) == (6, 14)
    assert d["cohorts"] == "2014: 3, 2016: 3"
    assert res.excluded.empty
    check_no_silent_drop(est, data)


def test_explicit_onset_of_an_area_beats_its_countrys(event_panel: tuple[bs.Dataset,
                                                                         pd.DataFrame]) -> None:
    data, _ = event_panel
    res = EventStudy(onsets=(("TUR", 2016), ("TUR/TR-01", 2014)), first_year=2010,
                     last_year=2019, leads=6, lags=5).estimate(data)
    # TR-01 from 2014; the 7 other Turkish areas from 2016; UGA and JOR never treated
    assert res.diagnostics["cohorts"] == "2014: 1, 2016: 7"
    assert res.diagnostics["n_never_treated"] == 12


def test_threshold_rule_dates_each_area_by_its_own_ratio(
        event_panel: tuple[bs.Dataset, pd.DataFrame]) -> None:
    data, wide = event_panel
    est = EventStudy(threshold=10.0, first_year=2010, last_year=2019, leads=6, lags=5)
    res = est.estimate(data)
    # hand, from the raw CSV: first year each area's 1000 x refugees / population >= 10
    w = wide.assign(r=1000.0 * wide["refugees"] / wide["population"])
    onset = w[w["r"] >= 10.0].groupby("unit")["year"].min()
    always = sorted(u for u, y in onset.items() if y == 2010)
    assert always == ["UGA/UG-06"]  # 15 per 1,000 in every year: no untreated period
    cohorts = onset.drop(always).value_counts().sort_index()
    assert res.diagnostics["cohorts"] == ", ".join(f"{g}: {n}" for g, n in cohorts.items())
    assert dict(onset.drop(always)) == STAGGERED  # the DGP's onsets, per area
    out = res.excluded
    gone = out[out["reason"] == "insufficient_data"]
    assert set(gone["iso3"] + "/" + gone["area"]) == {"UGA/UG-06"} and len(gone) == 3 * 10
    assert res.diagnostics["used"] + len(out) == 3 * 200
    # the same rule with explicit per-area onsets gives the same coefficients (UG-06 dropped)
    same = EventStudy(onsets=tuple(STAGGERED.items()), first_year=2010, last_year=2019,
                      leads=6, lags=5).estimate(data.select(areas=[
                          a for a in sum(AREAS.values(), []) if a != "UG-06"]))
    np.testing.assert_allclose(res.point().to_numpy(), same.point().to_numpy(), rtol=1e-10)


def test_staggered_did_by_area_recovers_the_known_effects(tmp_path: Path) -> None:
    frame = synthetic_area_frame(STAGGERED, tau, seed=23, sigma=0.0)
    data, _ = _read(frame, tmp_path / "synthetic_area_staggered.csv")
    res = StaggeredDiD(onsets=tuple(STAGGERED.items()), first_year=2010, last_year=2019,
                       leads=4, lags=3).estimate(data)
    est = res.estimates.set_index(["quantity", "term"])["estimate"]
    # noise-free, homogeneous dynamic effect: ATT(e) = tau(e) exactly (rounding only)
    for e in range(-4, 4):
        assert est[("att_event_time", f"e={e}")] == pytest.approx(tau(e), abs=1e-9)
    # overall: post cells weighted by observations, 3 areas per cohort-event cell
    cells = [e for g in (2014, 2016) for e in range(0, 4) if g + e <= 2019]
    assert est[("att", "overall")] == pytest.approx(np.mean([tau(e) for e in cells]), abs=1e-9)
    assert res.diagnostics["n_treated"] == 6


# ----------------------------------------------------------------------------- (d) errors
def test_unknown_area_code_names_the_value_and_how_to_list_valid_ones(
        did_panel: tuple[bs.Dataset, pd.DataFrame]) -> None:
    data, _ = did_panel
    with pytest.raises(bs.ParameterError) as err:
        DiD(treated=("TUR/TR-99", "TUR/TR-01"), controls=(), treatment_year=2016,
            first_year=2010, last_year=2019).estimate(data)
    msg = str(err.value)
    assert "parameter 'treated': 'TUR/TR-99' is not a sub-national unit of these data" in msg
    assert "TUR/TR-01, TUR/TR-02" in msg and "(8 in all)" in msg
    assert "data.observations[['iso3', 'area']].dropna().drop_duplicates()" in msg
    with pytest.raises(bs.ParameterError, match="parameter 'controls': 'SYR/SY-01'.*no "
                       "sub-national SYR observation"):
        DiD(treated=("TUR/TR-01",), controls=("SYR/SY-01",), treatment_year=2016,
            first_year=2010, last_year=2019).estimate(data)
    with pytest.raises(bs.ParameterError, match="parameter 'onsets': 'UGA/UG-77'"):
        EventStudy(onsets=(("UGA/UG-77", 2015),), first_year=2010,
                   last_year=2019).estimate(data)
    with pytest.raises(bs.ParameterError, match="parameter 'onsets': 'JOR/JO-9'"):
        StaggeredDiD(onsets=(("JOR/JO-9", 2015),), first_year=2010,
                     last_year=2019).estimate(data)


@pytest.mark.parametrize("bad", ["TUR/TR 01", "tur/TR-01", "TURK/TR-01", "TUR/", "TR-01"])
def test_malformed_unit_code_is_a_parameter_error(bad: str) -> None:
    with pytest.raises(bs.ParameterError, match=f"parameter 'treated': {bad!r} is neither"):
        DiD(treated=(bad,))
    with pytest.raises(bs.ParameterError, match=f"parameter 'onsets': {bad!r} is neither"):
        EventStudy(onsets=((bad, 2015),))


def test_area_code_on_a_national_panel_is_refused(sample_data: bs.Dataset) -> None:
    with pytest.raises(bs.ParameterError, match="no sub-national DEU observation.*'DEU'"):
        DiD(treated=("DEU/DE-BY",)).estimate(sample_data)


# ----------------------------------------------------------------------------- conformance
def test_conformance_kit_passes_with_area_treatment(
        did_panel: tuple[bs.Dataset, pd.DataFrame],
        event_panel: tuple[bs.Dataset, pd.DataFrame]) -> None:
    data, _ = did_panel
    assert check_estimator(DiD(treated=BORDER, controls=(), treatment_year=2016,
                               first_year=2010, last_year=2019, cluster="country"), data)
    data, _ = event_panel
    assert check_estimator(EventStudy(onsets=tuple(STAGGERED.items()), first_year=2010,
                                      last_year=2019, leads=3, lags=3), data)
    assert check_estimator(StaggeredDiD(threshold=10.0, first_year=2010, last_year=2019,
                                        leads=3, lags=3), data)


def test_default_demo_controls_on_user_data_say_what_to_set(
        did_panel: tuple[bs.Dataset, pd.DataFrame]) -> None:
    """The defaults are the European demo design: on other data the error says so."""
    data, _ = did_panel
    with pytest.raises(bs.EstimatorError, match=r"none of the controls \(BEL, .*set 'controls'"):
        DiD(treated=BORDER).estimate(data)
