"""iv_2sls: parameters, the instrument builders by hand (synthetic data), bookkeeping, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare._errors import ParameterError
from burdenshare.cli import main
from burdenshare.estimators import _panel as pfm
from burdenshare.estimators.iv import IV2SLS, anderson_rubin_interval, read_distance_table
from tests.conftest import SYNTHETIC, synthetic_frame

HOSTS = ["AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA", "GRC", "IRL"]
ORIGINS = ["AFG", "SYR", "SOM"]


def synthetic_iv_dataset(seed: int = 0, years: range = range(2001, 2011),
                         beta: float = 0.5) -> tuple[bs.Dataset, dict]:
    """Synthetic hosts and origins: base-year (2000) stocks, origin totals by year, outcomes.

    refugees_per_1000 = predicted (shift-share) + noise; outcome = beta x refugees_per_1000 +
    FE + error correlated with the noise (so OLS is biased and IV is not)."""
    rng = np.random.default_rng(seed)
    stock = {(h, o): float(round(rng.uniform(100, 5000))) for h in HOSTS for o in ORIGINS}
    total0 = {o: sum(stock[(h, o)] for h in HOSTS) + 1000.0 for o in ORIGINS}  # +1000 elsewhere
    shift = {(o, y): float(round(total0[o] * np.exp(rng.normal(0, 0.6)))) for o in ORIGINS
             for y in years}
    pop = {h: 1e6 * (k + 1) for k, h in enumerate(HOSTS)}
    rows, dyads, hand = [], [], {}
    for (h, o), v in stock.items():
        dyads.append((h, o, 2000, v))
    for o in ORIGINS:
        rows.append((o, 2000, "refugees_from_origin", total0[o]))
        for y in years:
            rows.append((o, y, "refugees_from_origin", shift[(o, y)]))
    for k, h in enumerate(HOSTS):
        for y in years:
            z = 1000 * sum(stock[(h, o)] / total0[o] * shift[(o, y)] for o in ORIGINS) / pop[h]
            hand[(h, y)] = z
            v = rng.normal(0, 0.3)
            x = max(z + v, 0.01)
            ref = float(round(x * pop[h] / 1000))
            u = beta * 1000 * ref / pop[h] + k + 0.1 * (y - 2000) + 0.8 * v + rng.normal(0, 0.1)
            rows += [(h, y, "refugees", ref), (h, y, "population", pop[h]),
                     (h, y, "unemployment_rate", u)]
    frame = synthetic_frame(rows)
    dy = synthetic_frame([(h, y, "refugees_by_origin", v) for h, o, y, v in dyads])
    dy["counterpart_iso3"] = [o for h, o, y, v in dyads]
    frame = pd.concat([frame.assign(counterpart_iso3=None), dy], ignore_index=True)
    return bs.Dataset.from_frame(frame, {"synthetic_test": SYNTHETIC}), hand


@pytest.fixture(scope="module")
def iv_data() -> tuple[bs.Dataset, dict]:
    return synthetic_iv_dataset()


def test_iv_parameters_are_checked() -> None:
    with pytest.raises(ParameterError, match="distance_file"):
        IV2SLS(instrument="distance")
    with pytest.raises(ParameterError, match="only used with"):
        IV2SLS(distance_file="x.csv")
    with pytest.raises(ParameterError, match="after base_year"):
        IV2SLS(years=(1995, 2010))
    with pytest.raises(ParameterError, match="endogenous"):
        IV2SLS(endogenous="population")
    with pytest.raises(ParameterError, match="method"):
        IV2SLS(method="gmm")  # type: ignore[arg-type]
    assert IV2SLS().inputs() == {"unemployment_rate", "refugees", "population",
                                 "refugees_by_origin", "refugees_from_origin"}


def test_iv_shift_share_instrument_is_the_hand_formula(iv_data: tuple) -> None:
    data, hand = iv_data
    est = IV2SLS()
    ledger = pfm.PanelLedger(data, est.inputs())
    panel = pfm.build_panel(ledger, est._variables(), years=(2001, 2100),
                            indicators=["unemployment_rate", "refugees", "population"])
    z, ok, _, _, _ = est.instrument_values(ledger, panel)
    assert ok.all()
    got = dict(zip(zip(panel.table["iso3"].astype(str), panel.table["year"]), z))
    for key, value in hand.items():
        assert got[key] == pytest.approx(value, rel=1e-12)  # same arithmetic, rounding only


def test_iv_recovers_the_synthetic_effect_and_books_every_row(iv_data: tuple) -> None:
    data, _ = iv_data
    res = IV2SLS().estimate(data)
    row = res.estimates.iloc[0]
    # strong instrument (F in the hundreds): the estimate is within 4 standard errors of 0.5
    assert abs(row["estimate"] - 0.5) < 4 * row["std_error"]
    d = res.diagnostics
    assert d["first_stage_f"] > 50 and d["anderson_rubin_shape"] == "bounded"
    assert d["anderson_rubin_lower"] < 0.5 < d["anderson_rubin_upper"]
    # hand count: 10 hosts x 10 years x 3 + 30 dyads + 3 base totals + 30 origin-years, all used
    assert d["used"] == 300 + 30 + 3 + 30 and len(res.excluded) == 0
    assert res.uncertainty_method == "cluster_robust"
    # a country panel: clustering by country is clustering by unit (identical numbers)
    by_country = IV2SLS(cluster="country").estimate(data).estimates.iloc[0]
    assert (by_country["estimate"], by_country["std_error"]) == (row["estimate"],
                                                                 row["std_error"])
    liml = IV2SLS(method="liml").estimate(data)
    # just identified: LIML's kappa is 1 and it equals 2SLS (rounding only)
    assert liml.estimates["estimate"].iloc[0] == pytest.approx(row["estimate"], rel=1e-9)


def test_iv_unused_instrument_inputs_are_excluded_with_reasons() -> None:
    data, _ = synthetic_iv_dataset()
    obs = data.observations
    extra = synthetic_frame([("AFG", 1999, "refugees_from_origin", 10.0),
                             ("IRQ", 2005, "refugees_from_origin", 99.0),
                             ("UNK", 2005, "refugees_from_origin", 7.0)])
    dy = synthetic_frame([("AUT", 2005, "refugees_by_origin", 20.0)]).assign(counterpart_iso3="AFG")
    frame = pd.concat([obs, extra.assign(counterpart_iso3=None), dy], ignore_index=True)
    data2 = bs.Dataset.from_frame(frame, {"synthetic_test": SYNTHETIC})
    exc = IV2SLS().estimate(data2).excluded
    by = {(r.iso3, int(r.year), r.indicator): r.reason for r in exc.itertuples()}
    assert by[("AFG", 1999, "refugees_from_origin")] == "outside_window"
    assert by[("IRQ", 2005, "refugees_from_origin")] == "not_in_group"
    assert by[("UNK", 2005, "refugees_from_origin")] == "aggregate_entity"
    assert by[("AUT", 2005, "refugees_by_origin")] == "not_reference_year"


def test_iv_distance_instrument_with_a_synthetic_table(tmp_path: Path, iv_data: tuple) -> None:
    data, _ = iv_data
    path = tmp_path / "synthetic_distances.csv"
    dist = {(o, h): 500.0 + 100 * i + 37 * j for i, o in enumerate(ORIGINS)
            for j, h in enumerate(HOSTS)}
    pd.DataFrame([{"origin_iso3": o, "asylum_iso3": h, "distance_km": d}
                  for (o, h), d in dist.items()]).to_csv(path, index=False)
    est = IV2SLS(instrument="distance", distance_file=str(path), distance_decay=2.0)
    ledger = pfm.PanelLedger(data, est.inputs())
    panel = pfm.build_panel(ledger, est._variables(), years=None,
                            indicators=["unemployment_rate", "refugees", "population"])
    z, ok, _, _, ext = est.instrument_values(ledger, panel)
    obs = data.observations
    tot = obs[obs["indicator"] == "refugees_from_origin"].set_index(["iso3", "year"])["value"]
    h, y = "DEU", 2004
    hand = 1000 * sum(tot[(o, y)] * dist[(o, h)] ** -2.0 for o in ORIGINS) / 4e6
    t = panel.table.assign(z=z).set_index(["iso3", "year"])
    assert t.loc[(h, y), "z"] == pytest.approx(hand, rel=1e-12)
    res = est.estimate(data)
    assert res.provenance.external_inputs[0]["path"] == str(path)
    assert np.isfinite(res.estimates["estimate"]).all()


def test_iv_distance_table_errors_name_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("origin_iso3,asylum_iso3,distance_km\nAFG,AUT,100\nSYR,AUT,-3\n")
    with pytest.raises(ParameterError, match=r"line 3, column distance_km: value '?-3"):
        read_distance_table(p)
    p.write_text("origin,asylum\nAFG,AUT\n")
    with pytest.raises(ParameterError, match="missing"):
        read_distance_table(p)


@pytest.mark.parametrize(("parts", "shape"), [
    ((2.0, 1.0, 0.1, 0.0, 0.01), "bounded"),     # strong first stage
    ((2.0, 0.1, 0.1, 0.0, 0.01), "two_rays"),    # weak first stage, strong reduced form
    ((0.01, 0.01, 0.1, 0.0, 0.01), "unbounded"),  # nothing identified
])
def test_iv_anderson_rubin_shapes_by_hand(parts: tuple, shape: str) -> None:
    a_y, a_x, v_yy, v_xy, v_xx = parts
    crit = 3.84
    lo, hi, got = anderson_rubin_interval(a_y, a_x, v_yy, v_xy, v_xx, crit)
    assert got == shape

    def ar(b: float) -> float:
        return (a_y - b * a_x) ** 2 / (v_yy - 2 * b * v_xy + b * b * v_xx)

    if shape != "unbounded":
        assert ar(lo) == pytest.approx(crit) and ar(hi) == pytest.approx(crit)
    if shape == "bounded":
        assert ar((lo + hi) / 2) < crit and ar(hi + 1) > crit
    if shape == "two_rays":
        assert ar((lo + hi) / 2) > crit and ar(hi + 100) < crit
    if shape == "unbounded":
        assert all(ar(b) < crit for b in np.linspace(-100, 100, 41))


def test_iv_runs_on_the_whole_sample(sample_data: bs.Dataset) -> None:
    res = IV2SLS().estimate(sample_data)
    assert np.isfinite(res.estimates["estimate"]).all()
    assert res.diagnostics["first_stage_f"] > 0
    assert res.diagnostics["anderson_rubin_shape"] in ("bounded", "two_rays", "unbounded")


def test_iv_cli_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "iv.csv"
    code = main(["run", "iv_2sls", "--set", "outcome=unemployment_rate", "--set", "method=liml",
                 "--set", "cluster=twoway", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert pd.read_csv(out)["term"].tolist() == ["refugees_per_1000"]
