"""panel_fe: parameters, panel building and bookkeeping (hand-checked on synthetic data), CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare._errors import EstimatorError, ParameterError
from burdenshare.cli import main
from burdenshare.estimators import _panel as pfm
from burdenshare.estimators.base import Ledger, parse_param
from burdenshare.estimators.panel import PanelFE
from tests.conftest import synthetic_dataset

CODES = ["AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA"]


def synthetic_panel_rows(seed: int = 0, years: range = range(2001, 2009)) -> list[tuple]:
    """Synthetic country-years: unemployment = 0.05 x refugees per 1,000 + FE + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, c in enumerate(CODES):
        for y in years:
            pop = 1e6 * (k + 1)
            ref = float(round(rng.uniform(0, 50) * pop / 1000))
            u = 0.05 * 1000 * ref / pop + k + 0.1 * (y - 2000) + rng.normal(0, 0.1)
            gdp = 1000.0 * (k + 1) * np.exp(0.02 * (y - 2000) + rng.normal(0, 0.01))
            rows += [(c, y, "refugees", ref), (c, y, "population", pop),
                     (c, y, "unemployment_rate", u), (c, y, "gdp_per_capita_usd_current", gdp)]
    return rows


@pytest.fixture(scope="module")
def synthetic_panel() -> bs.Dataset:
    return synthetic_dataset(synthetic_panel_rows())


def test_panel_parameters_are_checked() -> None:
    with pytest.raises(ParameterError, match="outcome.*not a panel variable"):
        PanelFE(outcome="refugees_by_origin")
    with pytest.raises(ParameterError, match="repeats"):
        PanelFE(regressors=("refugees_per_1000", "refugees_per_1000"))
    with pytest.raises(ParameterError, match="contains the outcome"):
        PanelFE(outcome="unemployment_rate", regressors=("unemployment_rate",))
    with pytest.raises(ParameterError, match="engine"):
        PanelFE(engine="stata")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="first,last"):
        PanelFE(years=(2000,))
    with pytest.raises(ParameterError, match="at least one"):
        PanelFE(regressors=())


def test_panel_params_parse_from_the_command_line() -> None:
    assert parse_param(PanelFE, "regressors", "refugees_per_1000,population") == (
        "refugees_per_1000", "population")
    assert parse_param(PanelFE, "years", "2000,2020") == (2000, 2020)
    assert PanelFE().inputs() == {"unemployment_rate", "refugees", "population"}
    assert PanelFE(outcome="gdp_per_capita_growth").inputs() == {
        "gdp_per_capita_usd_current", "refugees", "population"}


def test_panel_recovers_the_synthetic_effect(synthetic_panel: bs.Dataset) -> None:
    res = PanelFE().estimate(synthetic_panel)
    row = res.estimates.iloc[0]
    assert row["quantity"] == "coefficient" and row["term"] == "refugees_per_1000"
    # noise sd 0.1 against regressor spread ~14 over 64 obs: the estimate is within a few
    # standard errors of 0.05 (its standard error here is about 0.001)
    assert abs(row["estimate"] - 0.05) < 4 * row["std_error"] + 1e-3
    assert row["ci_lower"] < 0.05 < row["ci_upper"] and row["ci_level"] == 0.95
    assert res.uncertainty_method == "cluster_robust"
    d = res.diagnostics
    assert (d["n_obs"], d["n_entities"], d["n_periods"], d["n_clusters"]) == (64, 8, 8, 8)
    assert d["used"] == 64 * 3 and len(res.excluded) == 0
    assert PanelFE(cluster="none").estimate(synthetic_panel).uncertainty_method == "analytic"


def test_panel_exclusions_are_listed_with_reasons() -> None:
    rows = synthetic_panel_rows()
    rows = [r for r in rows if not (r[0] == "AUT" and r[1] == 2003 and r[2] == "refugees")]
    rows = [(i, y, ind, (np.nan if (i, y, ind) == ("BEL", 2004, "unemployment_rate") else v))
            for i, y, ind, v in rows]
    rows += [("WLD", 2003, "refugees", 1000.0), ("WLD", 2003, "population", 1e9),
             ("WLD", 2003, "unemployment_rate", 5.0)]
    # a country observed in one year only: a singleton of the country fixed effect
    rows += [("ITA", 2005, "refugees", 5000.0), ("ITA", 2005, "population", 6e7),
             ("ITA", 2005, "unemployment_rate", 9.0)]
    data = synthetic_dataset(rows)
    res = PanelFE().estimate(data)
    exc = res.excluded
    by = {(r.iso3, int(r.year), r.indicator): (r.reason, r.detail) for r in exc.itertuples()}
    assert by[("AUT", 2003, "population")][0] == "missing_counterpart"
    assert "refugees 2003" in by[("AUT", 2003, "population")][1]
    assert by[("BEL", 2004, "unemployment_rate")][0] == "missing_value"
    assert by[("BEL", 2004, "refugees")][0] == "missing_counterpart"
    assert by[("WLD", 2003, "refugees")][0] == "aggregate_entity"
    assert {by[("ITA", 2005, i)][0] for i in ("refugees", "population", "unemployment_rate")} == {
        "singleton_fixed_effect"}
    # every needed observation is used or excluded once (hand count: 64 x 3 + 6 added - 1 removed)
    assert res.diagnostics["used"] + len(exc) == 64 * 3 + 6 - 1
    assert res.diagnostics["n_obs"] == 62 and res.diagnostics["singletons_removed"] == 1


def test_panel_growth_is_hand_computed(synthetic_panel: bs.Dataset) -> None:
    """gdp_per_capita_growth = 100 (ln g_t - ln g_t-1); the first year has none."""
    est = PanelFE(outcome="gdp_per_capita_growth")
    ledger = pfm.PanelLedger(synthetic_panel, est.inputs())
    panel = pfm.build_panel(ledger, est._variables())
    obs = synthetic_panel.observations
    g = obs[obs["indicator"] == "gdp_per_capita_usd_current"].set_index(["iso3", "year"])["value"]
    t = panel.table.set_index(["iso3", "year"])
    hand = 100 * (np.log(g.loc[("DEU", 2005)]) - np.log(g.loc[("DEU", 2004)]))
    assert t.loc[("DEU", 2005), "gdp_per_capita_growth"] == pytest.approx(hand, rel=1e-12)
    assert 2001 not in set(t.reset_index()["year"])
    res = est.estimate(synthetic_panel)
    exc = res.excluded
    first = exc[(exc["year"] == 2001) & (exc["indicator"] == "refugees")]
    assert len(first) == 8 and set(first["reason"]) == {"missing_counterpart"}
    # the 2001 GDP values are used (as the lag of 2002), never excluded
    assert not ((exc["year"] == 2001) & (exc["indicator"] == "gdp_per_capita_usd_current")).any()


def test_panel_window_excludes_outside_years(synthetic_panel: bs.Dataset) -> None:
    res = PanelFE(years=(2003, 2006)).estimate(synthetic_panel)
    out = res.excluded[res.excluded["reason"] == "outside_window"]
    assert len(out) == 8 * 4 * 3 and set(out["year"]) == {2001, 2002, 2007, 2008}
    assert res.diagnostics["first_year"] == 2003 and res.diagnostics["last_year"] == 2006


def test_panel_ledger_equals_the_generic_ledger(sample_data: bs.Dataset) -> None:
    inds = ["unemployment_rate", "refugees", "population"]
    fast = pfm.PanelLedger(sample_data, inds)
    slow = Ledger(sample_data, inds)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.chosen_source == slow.chosen_source


def test_panel_too_little_data_is_a_clear_error() -> None:
    data = synthetic_dataset([r for r in synthetic_panel_rows() if r[0] in ("AUT",)])
    with pytest.raises(EstimatorError, match="too few complete country-years|clusters"):
        PanelFE().estimate(data)


def test_panel_regressor_absorbed_by_fixed_effects_is_an_error() -> None:
    rows = [r for r in synthetic_panel_rows() if r[2] != "population"]
    rows += [(c, y, "population", 1e6 * (k + 1)) for k, c in enumerate(CODES)
             for y in range(2001, 2009)]
    data = synthetic_dataset(rows)
    with pytest.raises(EstimatorError, match="collinear|absorbed"):
        PanelFE(regressors=("population",)).estimate(data)


def test_panel_runs_on_the_whole_sample(sample_data: bs.Dataset) -> None:
    res = PanelFE().estimate(sample_data)
    assert np.isfinite(res.estimates["estimate"]).all()
    assert res.diagnostics["n_entities"] > 100


def test_panel_cli_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fe.csv"
    code = main(["run", "panel_fe", "--set", "outcome=unemployment_rate", "--set",
                 "regressors=refugees_per_1000", "--set", "years=2000,2024", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    df = pd.read_csv(out)
    assert df["term"].tolist() == ["refugees_per_1000"] and df["quantity"].iloc[0] == "coefficient"
    assert (tmp_path / "fe.csv.provenance.json").exists()


def test_panel_cli_bad_parameter_is_one_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "panel_fe", "--set", "outcome=nonsense", "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code != 0 and "nonsense" in err and "not a panel variable" in err
