"""iv_2sls on sub-national units (observation column ``area``).

Every panel here is SYNTHETIC, generated in this file (``synthetic_iv_subnational_*``): four
countries x 12 areas x 12 years (2001-2012), five origins, base year 2000, with a KNOWN first
stage (refugees per 1,000 = PI x instrument + area level + noise, PI = 1) and a KNOWN effect
(BETA) plus an outcome error correlated with the first-stage noise (so OLS is biased upward and
IV is not). It is written to
CSV and read back with ``bs.read_observations``. Independent checks: the instrument computed by
hand in this file from the generator's own numbers; linearmodels ``IV2SLS`` called directly on a
wide frame built here with pandas from the raw CSV, with every fixed effect as a dummy
(second implementation).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linearmodels.iv import IV2SLS as LM2SLS
from scipy import stats

import burdenshare as bs
from burdenshare._errors import EstimatorError, ParameterError
from burdenshare.estimators import _panel as pfm
from burdenshare.estimators.iv import IV2SLS, read_distance_table
from burdenshare.testing import check_estimator, check_no_silent_drop

BETA = 0.05  # true effect of refugees_per_1000 on the synthetic unemployment rate
PI = 1.0  # true first-stage coefficient: refugees_per_1000 = PI x instrument + noise
COUNTRIES = {"TUR": "TR", "JOR": "JO", "LBN": "LB", "UGA": "UG"}
N_AREAS = 12
ORIGINS = ["AFG", "ERI", "SDN", "SOM", "SYR"]
BASE = 2000
YEARS = range(2001, 2013)
SRC = bs.Source(id="synthetic_test", title="synthetic sub-national IV panel (tests only)",
                publisher="burdenshare tests")
UNITS = {"refugees_by_origin": "persons", "refugees_from_origin": "persons",
         "refugees": "persons", "population": "persons",
         "unemployment_rate": "percent of labour force"}


def synthetic_iv_subnational(seed: int = 3) -> tuple[pd.DataFrame, dict]:
    """NAMED synthetic: the long observation frame and the generator's numbers.

    Returns the frame and ``truth`` with the base-year stocks by (iso3, area, origin), origin
    totals by (origin, year), populations by (iso3, area, year).
    """
    rng = np.random.default_rng(seed)
    areas = [(iso3, f"{iso2}-{k:02d}") for iso3, iso2 in COUNTRIES.items()
             for k in range(1, N_AREAS + 1)]
    stock = {(i, a, o): float(rng.integers(1000, 5000)) for i, a in areas for o in ORIGINS}
    total0 = {o: sum(stock[(i, a, o)] for i, a in areas) + float(rng.integers(20_000, 60_000))
              for o in ORIGINS}  # + refugees hosted elsewhere in the world
    totals = {(o, BASE): total0[o] for o in ORIGINS}
    for o in ORIGINS:  # origin-specific random walks: the shifts
        level = 0.0
        for y in YEARS:
            level += rng.normal(0.05, 0.3)
            totals[(o, y)] = float(round(total0[o] * np.exp(level)))
    pop0 = {(i, a): float(rng.integers(200_000, 1_000_000)) for i, a in areas}
    pop = {(i, a, y): float(round(pop0[(i, a)] * (1 + 0.01 * (y - BASE)))) for i, a in areas
           for y in YEARS}
    year_fx = {y: 0.1 * (y - BASE) for y in YEARS}
    rows = []

    def add(iso3: str, area: str | None, cp: str | None, y: int, ind: str, v: float) -> None:
        rows.append({"iso3": iso3, "area": area, "counterpart_iso3": cp, "year": y,
                     "indicator": ind, "value": repr(v), "unit": UNITS[ind],
                     "source": "synthetic_test"})

    for (i, a, o), v in stock.items():
        add(i, a, o, BASE, "refugees_by_origin", v)
    for (o, y), v in totals.items():
        add(o, None, None, y, "refugees_from_origin", v)
    for i, a in areas:
        area_fx = rng.uniform(-2, 2)
        level_x = rng.uniform(20, 40)  # the area's own level of refugees per 1,000
        for y in YEARS:
            z = 1000 * sum(stock[(i, a, o)] / total0[o] * totals[(o, y)]
                           for o in ORIGINS) / pop[(i, a, y)]
            v = rng.normal(0, 5.0)
            x_true = PI * z + level_x + v
            if x_true <= 0:  # never happens with this seed; a truncation would bend the first stage
                raise AssertionError("synthetic first stage truncated at zero")
            ref = float(round(x_true * pop[(i, a, y)] / 1000))
            x = 1000 * ref / pop[(i, a, y)]  # = x_true up to the rounding of refugees
            u = 8.0 + area_fx + year_fx[y] + BETA * x + 0.4 * v + rng.normal(0, 0.3)
            add(i, a, None, y, "refugees", ref)
            add(i, a, None, y, "population", pop[(i, a, y)])
            add(i, a, None, y, "unemployment_rate", u)
    truth = {"stock": stock, "total": totals, "pop": pop, "areas": areas}
    return pd.DataFrame(rows), truth


@pytest.fixture(scope="module")
def generated() -> tuple[pd.DataFrame, dict]:
    return synthetic_iv_subnational()


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory: pytest.TempPathFactory, generated: tuple) -> Path:
    path = tmp_path_factory.mktemp("iv_subnational") / "synthetic_iv_subnational.csv"
    generated[0].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def data(csv_path: Path) -> bs.Dataset:
    return bs.read_observations(csv_path, {SRC.id: SRC})


@pytest.fixture(scope="module")
def hand(generated: tuple) -> dict:
    """The shift-share instrument by hand: 1000 / P_at x sum_o (R_ao,2000 / R_o,2000) x R_ot."""
    _, tr = generated
    out = {}
    for i, a in tr["areas"]:
        for y in YEARS:
            acc = 0.0
            for o in ORIGINS:
                share = tr["stock"][(i, a, o)] / tr["total"][(o, BASE)]
                acc += share * tr["total"][(o, y)]
            out[(i, a, y)] = 1000.0 * acc / tr["pop"][(i, a, y)]
    return out


@pytest.fixture(scope="module")
def wide(csv_path: Path, hand: dict) -> pd.DataFrame:
    """The regression frame built with pandas alone from the raw CSV, plus the hand instrument."""
    raw = pd.read_csv(csv_path)
    panel = raw[raw["indicator"].isin(["refugees", "population", "unemployment_rate"])]
    w = panel.pivot_table(index=["iso3", "area", "year"], columns="indicator",
                          values="value").reset_index()
    w["refugees_per_1000"] = 1000.0 * w["refugees"] / w["population"]
    w["z"] = [hand[(i, a, y)] for i, a, y in zip(w["iso3"], w["area"], w["year"])]
    w["unit"] = w["iso3"] + "/" + w["area"]
    return w


def _instrument(est: IV2SLS, data: bs.Dataset) -> tuple[pd.DataFrame, np.ndarray]:
    ledger = pfm.PanelLedger(data, est.inputs(), supports_areas=True)
    panel = pfm.build_panel(ledger, est._variables(), years=est._window(),
                            indicators=["unemployment_rate", "refugees", "population"])
    z, ok, _, _, _ = est.instrument_values(ledger, panel)
    return panel.table.assign(z=z, ok=ok), z


def test_area_shift_share_instrument_is_the_hand_formula(data: bs.Dataset, hand: dict) -> None:
    t, _ = _instrument(IV2SLS(), data)
    assert t["ok"].all() and len(t) == len(hand) == 4 * N_AREAS * len(YEARS)
    got = {(str(i), str(a), int(y)): z for i, a, y, z in
           zip(t["iso3"], t["area"], t["year"], t["z"])}
    for key, value in hand.items():
        assert got[key] == pytest.approx(value, rel=1e-12)  # same arithmetic, rounding only


@pytest.mark.parametrize("cluster, by", [("entity", "unit"), ("country", "iso3")])
def test_area_iv_equals_linearmodels_with_dummies(data: bs.Dataset, wide: pd.DataFrame,
                                                 cluster: str, by: str) -> None:
    res = IV2SLS(cluster=cluster).estimate(data)
    row = res.estimates.set_index("term").loc["refugees_per_1000"]
    # second implementation: linearmodels on the pandas frame with every unit dummy and the
    # year dummies (first year dropped) as exogenous regressors; small-sample settings
    # debiased=True: V x (N-1)/(N-K) with K counting all dummies, x G/(G-1) for the clusters
    dummies = pd.concat([pd.get_dummies(wide["unit"], dtype=float),
                         pd.get_dummies(wide["year"], dtype=float, drop_first=True,
                                        prefix="y")], axis=1)
    lm = LM2SLS(wide["unemployment_rate"], dummies, wide[["refugees_per_1000"]],
                wide[["z"]]).fit(cov_type="clustered", debiased=True,
                                 clusters=pd.DataFrame({"g": pd.factorize(wide[by])[0]}))
    # same model, same data, other linear algebra (dummies vs partialled out): rounding only
    assert row["estimate"] == pytest.approx(float(lm.params["refugees_per_1000"]), rel=1e-8)
    assert row["std_error"] == pytest.approx(float(lm.std_errors["refugees_per_1000"]),
                                             rel=1e-8)
    f_lm = float(lm.first_stage.diagnostics.loc["refugees_per_1000", "f.stat"])
    assert res.diagnostics["first_stage_f"] == pytest.approx(f_lm, rel=1e-7)  # 10 digits kept
    g = wide[by].nunique()
    q = stats.t.ppf(0.975, g - 1)  # t with G-1 degrees of freedom, by hand
    assert row["ci_lower"] == pytest.approx(lm.params["refugees_per_1000"]
                                            - q * lm.std_errors["refugees_per_1000"], rel=1e-7)
    d = res.diagnostics
    assert d["n_entities"] == 48 and d["n_countries"] == 4 and d["sub_national"]
    assert d["n_clusters"] == (48 if cluster == "entity" else 4)
    assert d["n_obs"] == 48 * 12 and res.excluded.empty and d["used"] == len(data)


def test_area_iv_recovers_the_known_first_stage_and_effect(data: bs.Dataset,
                                                          wide: pd.DataFrame) -> None:
    res = IV2SLS().estimate(data)
    row = res.estimates.set_index("term").loc["refugees_per_1000"]
    # 576 area-years, strong instrument (F in the thousands): the unit-clustered se is ~0.005;
    # 4 se covers the sampling error with probability > 0.9999 under normality (seed 3 gives
    # 0.0539, 0.8 se from BETA)
    assert abs(row["estimate"] - BETA) < 4 * row["std_error"]
    assert row["std_error"] < 0.01  # and the interval is informative (not a vacuous pass)
    assert res.diagnostics["anderson_rubin_lower"] < BETA < res.diagnostics["anderson_rubin_upper"]
    # the first stage: pi recovered within 4 standard errors (linearmodels, unit dummies)
    dummies = pd.concat([pd.get_dummies(wide["unit"], dtype=float),
                         pd.get_dummies(wide["year"], dtype=float, drop_first=True,
                                        prefix="y")], axis=1)
    fs = LM2SLS(wide["refugees_per_1000"], pd.concat([dummies, wide[["z"]]], axis=1), None,
                None).fit(cov_type="clustered", debiased=True,
                          clusters=pd.DataFrame({"g": pd.factorize(wide["unit"])[0]}))
    assert abs(fs.params["z"] - PI) < 4 * fs.std_errors["z"]
    # OLS is biased upward by the 0.4 x first-stage noise in the outcome, by about
    # 0.4 var(v) / var(x within) ~ 0.02 here: more than 3 IV standard errors, so the
    # design has bite, and IV is the closer of the two
    ols = LM2SLS(wide["unemployment_rate"], pd.concat([dummies, wide[["refugees_per_1000"]]],
                                                      axis=1), None, None).fit()
    b_ols = float(ols.params["refugees_per_1000"])
    assert b_ols - BETA > 3 * row["std_error"]
    assert abs(row["estimate"] - BETA) < abs(b_ols - BETA)


def test_area_iv_passes_the_conformance_kit(data: bs.Dataset) -> None:
    assert check_estimator(IV2SLS(cluster="country"), data)


def test_area_inputs_not_used_are_excluded_with_reasons(generated: tuple) -> None:
    frame = generated[0]
    extra = pd.DataFrame([
        # an origin total given for an area: meaningless (iso3 is the origin)
        {"iso3": "SYR", "area": "SY-01", "counterpart_iso3": None, "year": 2005,
         "indicator": "refugees_from_origin", "value": "10", "unit": "persons"},
        # a base-year stock of an area without outcome data
        {"iso3": "TUR", "area": "TR-99", "counterpart_iso3": "SYR", "year": BASE,
         "indicator": "refugees_by_origin", "value": "100", "unit": "persons"},
        # a stock of another year than the base year
        {"iso3": "TUR", "area": "TR-01", "counterpart_iso3": "SYR", "year": 2005,
         "indicator": "refugees_by_origin", "value": "100", "unit": "persons"},
        # an area-year with population but no outcome
        {"iso3": "JOR", "area": "JO-01", "counterpart_iso3": None, "year": 2013,
         "indicator": "population", "value": "100000", "unit": "persons"},
    ]).assign(source="synthetic_test")
    data = bs.Dataset.from_frame(pd.concat([frame, extra], ignore_index=True), {SRC.id: SRC})
    est = IV2SLS(cluster="country")
    res = est.estimate(data)
    by = {(r.iso3, r.area, int(r.year), r.indicator): (r.reason, r.detail)
          for r in res.excluded.itertuples()}
    assert by[("SYR", "SY-01", 2005, "refugees_from_origin")][0] == "subnational"
    reason, detail = by[("TUR", "TR-99", BASE, "refugees_by_origin")]
    assert reason == "missing_counterpart" and "TUR/TR-99" in detail
    assert by[("TUR", "TR-01", 2005, "refugees_by_origin")][0] == "not_reference_year"
    assert by[("JOR", "JO-01", 2013, "population")][0] == "missing_counterpart"
    assert len(res.excluded) == 4
    check_no_silent_drop(est, data)


def test_area_iv_refuses_to_mix_a_country_with_its_own_areas(generated: tuple) -> None:
    frame = generated[0]
    national = pd.DataFrame([
        {"iso3": "TUR", "area": None, "counterpart_iso3": None, "year": 2005,
         "indicator": ind, "value": "1", "unit": UNITS[ind]}
        for ind in ("refugees", "population", "unemployment_rate")]).assign(source="synthetic_test")
    data = bs.Dataset.from_frame(pd.concat([frame, national], ignore_index=True), {SRC.id: SRC})
    with pytest.raises(EstimatorError, match="mix whole-country and sub-national.*TUR"):
        IV2SLS().estimate(data)
    # the same for the dyadic stocks: a national TUR stock next to TUR's areas
    dyad = pd.DataFrame([{"iso3": "TUR", "area": None, "counterpart_iso3": "SYR", "year": BASE,
                          "indicator": "refugees_by_origin", "value": "5", "unit": "persons",
                          "source": "synthetic_test"}])
    data = bs.Dataset.from_frame(pd.concat([frame, dyad], ignore_index=True), {SRC.id: SRC})
    with pytest.raises(EstimatorError, match="TUR.*refugees_by_origin"):
        IV2SLS().estimate(data)
    # not used by the distance instrument, so not a conflict there
    assert "refugees_by_origin" not in IV2SLS(instrument="distance",
                                              distance_file="x.csv").inputs()


def _distances(generated: tuple) -> dict:
    _, tr = generated
    return {(o, i, a): 300.0 + 150 * k + 23 * j for k, o in enumerate(ORIGINS)
            for j, (i, a) in enumerate(tr["areas"])}


def test_area_distance_instrument_is_the_hand_formula(tmp_path: Path, generated: tuple,
                                                      data: bs.Dataset) -> None:
    _, tr = generated
    dist = _distances(generated)
    path = tmp_path / "synthetic_area_distances.csv"
    rows = [{"origin_iso3": o, "asylum_iso3": i, "asylum_area": a, "distance_km": d}
            for (o, i, a), d in dist.items() if a != "TR-01"]
    # TR-01 is given only a whole-country distance, which does not key an area
    rows.append({"origin_iso3": "SYR", "asylum_iso3": "TUR", "asylum_area": "",
                 "distance_km": 800.0})
    pd.DataFrame(rows).to_csv(path, index=False)
    est = IV2SLS(instrument="distance", distance_file=str(path), distance_decay=1.5,
                 cluster="country")
    t, _ = _instrument(est, data)
    i, a, y = "LBN", "LB-07", 2006
    by_hand = 1000 * sum(tr["total"][(o, y)] * dist[(o, i, a)] ** -1.5
                         for o in ORIGINS) / tr["pop"][(i, a, y)]
    cell = t[(t["iso3"] == i) & (t["area"] == a) & (t["year"] == y)]
    assert float(cell["z"].iloc[0]) == pytest.approx(by_hand, rel=1e-12)  # rounding only
    assert not t.loc[t["area"] == "TR-01", "ok"].any() and t.loc[t["area"] != "TR-01", "ok"].all()
    res = est.estimate(data)
    lost = res.excluded[res.excluded["area"] == "TR-01"]
    assert set(lost["reason"]) == {"missing_counterpart"}
    assert lost["detail"].str.contains("no distances for this host").all()
    assert len(lost) == 3 * len(YEARS)  # its outcome, refugees and population rows
    assert res.diagnostics["n_entities"] == 47 and res.diagnostics["n_clusters"] == 4
    check_no_silent_drop(est, data)


def test_distance_table_area_column_is_read_and_checked(tmp_path: Path) -> None:
    p = tmp_path / "synthetic_d.csv"
    p.write_text("origin_iso3,asylum_iso3,asylum_area,distance_km\n"
                 "SYR,TUR,TR-01,100\nSYR,TUR,TR-02,200\nSYR,TUR,,300\n")
    t = read_distance_table(p)
    assert t["asylum_area"].tolist() == ["TR-01", "TR-02", None]
    p.write_text("origin_iso3,asylum_iso3,asylum_area,distance_km\n"
                 "SYR,TUR,TR-01,100\nSYR,TUR,TR 02,200\n")
    with pytest.raises(ParameterError,
                       match=rf"{p}, line 3, column asylum_area: value 'TR 02' is not an area"):
        read_distance_table(p)
    p.write_text("origin_iso3,asylum_iso3,asylum_area,distance_km\n"
                 "SYR,TUR,TR-01,100\nSYR,TUR,TR-01,200\n")
    with pytest.raises(ParameterError, match=r"line 3: pair SYR-TUR area TR-01 repeated"):
        read_distance_table(p)
    p.write_text("origin_iso3,asylum_iso3,asylum_area,distance_km\nSYR,,TR-01,100\n")
    with pytest.raises(ParameterError, match=r"line 2, column asylum_iso3: value is empty"):
        read_distance_table(p)
    p.write_text("origin_iso3,asylum_iso3,asylum_area,distance_km\nSYR,TUR,TR-01,0\n")
    with pytest.raises(ParameterError, match=r"line 2, column distance_km: value '0'"):
        read_distance_table(p)
