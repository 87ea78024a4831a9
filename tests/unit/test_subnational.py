"""Sub-national panels (observation column ``area``) through the normal readers and estimators.

Every panel here is SYNTHETIC, generated in this file (``synthetic_subnational_*``): three
countries x 40 areas x 12 years with a known coefficient. Independent checks: pyfixest called
directly on a frame built here with pandas from the raw CSV (second implementation), and the
2x2 difference of means that a two-way fixed-effects DiD equals on a balanced panel (hand
calculation).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest

import burdenshare as bs
from burdenshare._errors import DataValidationError, EstimatorError
from burdenshare.testing import check_missing_stays_missing, check_no_silent_drop

BETA = 0.05  # the true coefficient of refugees_per_1000 in the synthetic outcome
COUNTRIES = {"TUR": "TR", "UGA": "UG", "JOR": "JO"}
YEARS = range(2010, 2022)
SRC = bs.Source(id="synthetic_test", title="synthetic sub-national panel (tests only)",
                publisher="burdenshare tests")


def synthetic_subnational_frame(seed: int = 11) -> pd.DataFrame:
    """NAMED synthetic: unemployment = 8 + area effect + year effect + BETA x refugees/1000."""
    rng = np.random.default_rng(seed)
    rows = []
    year_fx = {y: 0.1 * (y - 2010) for y in YEARS}
    for iso3, iso2 in COUNTRIES.items():
        for k in range(1, 41):
            area = f"{iso2}-{k:02d}"
            area_fx = rng.uniform(-2, 2)
            pop = float(rng.integers(50_000, 2_000_000))
            for y in YEARS:
                ref = float(rng.integers(0, 60_000))
                x = 1000.0 * ref / pop
                u = 8.0 + area_fx + year_fx[y] + BETA * x + rng.normal(0, 0.3)
                for ind, val, unit in (("unemployment_rate", u, "percent of labour force"),
                                       ("refugees", ref, "persons"),
                                       ("population", pop, "persons")):
                    rows.append({"iso3": iso3, "area": area, "year": y, "indicator": ind,
                                 "value": repr(val), "unit": unit, "source": "synthetic_test"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("subnational") / "synthetic_subnational.csv"
    synthetic_subnational_frame().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def data(csv_path: Path) -> bs.Dataset:
    return bs.read_observations(csv_path, {SRC.id: SRC})


@pytest.fixture(scope="module")
def direct(csv_path: Path) -> pd.DataFrame:
    """The regression frame built with pandas alone from the raw file (no burdenshare)."""
    raw = pd.read_csv(csv_path)
    wide = raw.pivot_table(index=["iso3", "area", "year"], columns="indicator",
                           values="value").reset_index()
    wide["refugees_per_1000"] = 1000.0 * wide["refugees"] / wide["population"]
    return wide


def test_reader_keeps_the_area_and_its_units(data: bs.Dataset) -> None:
    obs = data.observations
    assert len(obs) == 3 * 40 * 12 * 3
    assert obs["area"].nunique() == 120 and obs["area"].notna().all()
    assert "sub-national areas" in repr(data)
    sub = data.select(areas=["TR-01", "TR-02"])
    assert set(sub.observations["area"]) == {"TR-01", "TR-02"} and len(sub) == 2 * 12 * 3
    with pytest.raises(DataValidationError, match="area code"):
        data.select(areas=["XX-99"])
    wide = data.panel(["refugees", "population"])
    assert list(wide.index.names) == ["iso3", "area", "year"] and len(wide) == 120 * 12


@pytest.mark.parametrize("cluster, pf_cluster", [("country", "iso3"), ("entity", "unit")])
def test_panel_fe_recovers_beta_and_equals_pyfixest(data: bs.Dataset, direct: pd.DataFrame,
                                                   cluster: str, pf_cluster: str) -> None:
    res = bs.PanelFE(cluster=cluster).estimate(data)
    row = res.estimates.set_index("term").loc["refugees_per_1000"]
    # 1,440 area-years, noise sd 0.3: the standard error is ~0.001, so 0.01 is ~10 se
    assert abs(row["estimate"] - BETA) < 0.01
    d = direct.assign(unit=direct["iso3"] + "/" + direct["area"])
    fit = pf.feols("unemployment_rate ~ refugees_per_1000 | unit + year", d,
                   vcov={"CRV1": pf_cluster},
                   ssc=pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="conventional"))
    # same model, same data, another code path: agreement to floating-point rounding
    assert row["estimate"] == pytest.approx(float(fit.coef().iloc[0]), rel=1e-8, abs=1e-10)
    assert row["std_error"] == pytest.approx(float(fit.se().iloc[0]), rel=1e-8)
    diag = res.diagnostics
    assert diag["n_entities"] == 120 and diag["n_countries"] == 3 and diag["sub_national"]
    assert diag["n_clusters"] == (3 if cluster == "country" else 120)
    assert res.diagnostics["used"] == len(data) and res.excluded.empty


def test_conformance_kit_passes_on_areas(data: bs.Dataset) -> None:
    from burdenshare.testing import check_estimator

    assert check_estimator(bs.PanelFE(cluster="country"), data)
    assert check_estimator(bs.DiD(treated=("TUR",), controls=("UGA", "JOR"),
                                  treatment_year=2016, first_year=2010, last_year=2021), data)


def test_linearmodels_engine_clusters_by_country_too(data: bs.Dataset) -> None:
    a = bs.PanelFE(cluster="country").estimate(data).estimates
    b = bs.PanelFE(cluster="country", engine="linearmodels").estimate(data).estimates
    # two libraries with the same documented small-sample corrections: rounding only
    np.testing.assert_allclose(a[["estimate", "std_error"]], b[["estimate", "std_error"]],
                               rtol=1e-8)


def test_country_level_estimator_excludes_every_subnational_row(data: bs.Dataset) -> None:
    national = bs.Dataset.from_frame(pd.DataFrame({
        "iso3": ["AUT", "AUT"], "year": [2020, 2020], "indicator": ["refugees", "population"],
        "value": ["150000", "9000000"], "unit": ["persons", "persons"],
        "source": ["synthetic_test"] * 2}), {SRC.id: SRC})
    mixed = bs.Dataset.concat([data, national])
    est = bs.RefugeesPer1000(population_source="wdi")  # the synthetic population is `population`
    res = est.estimate(mixed)
    sub = res.excluded[res.excluded["reason"] == "subnational"]
    n_needed = int(mixed.observations["indicator"].isin(sorted(est.inputs())).sum())
    assert len(sub) == n_needed - 2 and sub["area"].notna().all()
    assert res.diagnostics["used"] == 2
    assert res.estimates["iso3"].dropna().unique().tolist() == ["AUT"]
    check_no_silent_drop(est, mixed)
    check_missing_stays_missing(est, mixed)


def test_panel_fe_refuses_to_mix_a_country_with_its_own_areas(data: bs.Dataset) -> None:
    whole = bs.Dataset.from_frame(pd.DataFrame({
        "iso3": ["TUR"], "year": [2015], "indicator": ["unemployment_rate"], "value": ["10.3"],
        "unit": ["percent of labour force"], "source": ["synthetic_test"]}), {SRC.id: SRC})
    with pytest.raises(EstimatorError, match="mix whole-country and sub-national.*TUR"):
        bs.PanelFE().estimate(bs.Dataset.concat([data, whole]))
    with pytest.raises(EstimatorError, match="mix whole-country and sub-national.*TUR"):
        bs.DiD(treated=("TUR",), controls=("UGA", "JOR"), treatment_year=2016,
               first_year=2010, last_year=2021).estimate(bs.Dataset.concat([data, whole]))


def test_did_on_areas_equals_the_two_by_two_means(data: bs.Dataset, direct: pd.DataFrame
                                                  ) -> None:
    est = bs.DiD(treated=("TUR",), controls=("UGA", "JOR"), treatment_year=2016,
                 first_year=2010, last_year=2021)
    res = est.estimate(data)
    att = float(res.estimates.set_index("term").loc["treated:post", "estimate"])
    y, treated, post = (direct["unemployment_rate"], direct["iso3"] == "TUR",
                        direct["year"] >= 2016)
    hand = ((y[treated & post].mean() - y[treated & ~post].mean())
            - (y[~treated & post].mean() - y[~treated & ~post].mean()))
    # balanced panel: TWFE DiD equals the 2x2 difference of means up to rounding
    assert att == pytest.approx(hand, rel=1e-9, abs=1e-9)
    assert res.diagnostics["n_clusters"] == 120 and res.diagnostics["n_countries"] == 3
    assert res.diagnostics["n_treated"] == 1
    check_no_silent_drop(est, data)
    # cluster by country: pyfixest called directly with CRV1 by iso3 (its default ssc, as did)
    by_country = est.with_params(cluster="country").estimate(data)
    d = direct.assign(unit=direct["iso3"] + "/" + direct["area"],
                      treated_post=(treated & post).astype(float))
    fit = pf.feols("unemployment_rate ~ treated_post | unit + year", d, vcov={"CRV1": "iso3"})
    row = by_country.estimates.set_index("term").loc["treated:post"]
    # same model and data through another code path: agreement to rounding
    assert row["estimate"] == pytest.approx(float(fit.coef().iloc[0]), rel=1e-8)
    assert row["std_error"] == pytest.approx(float(fit.se().iloc[0]), rel=1e-8)
    assert by_country.diagnostics["n_clusters"] == 3


def test_event_study_runs_on_areas(data: bs.Dataset) -> None:
    est = bs.EventStudy(onsets=(("TUR", 2016),), first_year=2010, last_year=2021, leads=3,
                        lags=3)
    res = est.estimate(data)
    assert set(res.estimates["term"]) >= {"e=-3", "e=0", "e=3"}
    assert res.diagnostics["n_treated"] == 40  # the 40 Turkish areas share the onset
    check_no_silent_drop(est, data)
    staggered = bs.StaggeredDiD(onsets=(("TUR", 2016), ("UGA", 2018)), first_year=2010,
                                last_year=2021, leads=3, lags=3)
    res = staggered.estimate(data)
    assert res.diagnostics["n_treated"] == 80 and res.diagnostics["n_never_treated"] == 40
    assert np.isfinite(res.estimates["estimate"]).all()


def test_bad_area_code_names_file_line_column_and_value(tmp_path: Path) -> None:
    frame = synthetic_subnational_frame().head(6)
    frame.loc[3, "area"] = "TR 01"
    path = tmp_path / "synthetic_bad_area.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        bs.read_observations(path, {SRC.id: SRC})
    msg = str(err.value)
    assert f"{path}, line 5, column 'area': 'TR 01' is not an area code" in msg


def test_same_key_in_two_areas_is_not_a_duplicate_but_in_one_area_is(tmp_path: Path) -> None:
    frame = synthetic_subnational_frame().head(3)
    ok = pd.concat([frame, frame.assign(area="TR-99")], ignore_index=True)
    assert len(bs.Dataset.from_frame(ok, {SRC.id: SRC})) == 6
    with pytest.raises(DataValidationError, match="line 4.*same iso3, area"):
        bs.Dataset.from_frame(pd.concat([frame, frame], ignore_index=True), {SRC.id: SRC})


def test_parquet_with_area_reads_the_same(tmp_path: Path, data: bs.Dataset) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "synthetic_subnational.parquet"
    synthetic_subnational_frame().to_parquet(path, index=False)
    assert bs.read_observations(path, {SRC.id: SRC}).fingerprint == data.fingerprint
