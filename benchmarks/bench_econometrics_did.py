"""Overhead of burdenshare's DiD-family wrappers over the raw library calls they wrap.

For each estimator the wrapper (``estimate()``: ledger bookkeeping, exclusions, panel build,
library call, tidy output, provenance) is timed against the fastest raw library call for the
same model on the same, already prepared frame, in the same process (median of N runs after a
warm-up). Ratios wrapper / raw are printed; nothing is asserted.

Size: a burdenshare Dataset is keyed by ISO3 country codes and years 1900-2100, so the largest
country-year panel it can hold is every country code x 201 years (about 50,000 rows); a
1-million-row panel cannot be expressed as a Dataset (see the report). The regression part is
also timed on a 1,000,000-row synthetic frame with the raw pyfixest call alone, for scale.

Data are synthetic (generated here, named synthetic). Run:
``.venv/bin/python benchmarks/bench_econometrics_did.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import burdenshare as bs
from burdenshare.countries import country_table, is_country
from burdenshare.estimators.did import DiD, EventStudy, StaggeredDiD
from burdenshare.estimators.synth import SyntheticControl, synth_weights


def timed(fn: Callable[[], Any], runs: int) -> float:
    """Median seconds of ``runs`` calls after one warm-up call."""
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def breakdown(est: Any, data: bs.Dataset, raw: float, runs: int) -> None:
    """Print where the wrapper's time goes (shared base-class steps vs this family's own)."""
    from burdenshare.estimators.base import Ledger

    def ledger() -> None:
        lg = Ledger(data, sorted(est.inputs()), owner=est.name)
        lg.exclude_non_countries()

    t_ledger = timed(ledger, runs)
    t_compute = timed(lambda: est._compute(data), runs)
    t_all = timed(lambda: est.estimate(data), runs)
    print(f"               of which: shared Ledger + non-country check {t_ledger:.3f}s, "
          f"schema validation + provenance {t_all - t_compute:.3f}s, panel build and "
          f"bookkeeping {max(t_compute - t_ledger - raw, 0):.3f}s, library ~{raw:.3f}s")


def synthetic_panel(n_units: int, years: np.ndarray, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Synthetic country-year outcome with staggered onsets (a third never treated)."""
    rng = np.random.default_rng(seed)
    t = country_table()
    codes = sorted(t.loc[t["iso3"].str.fullmatch(r"[A-Z]{3}").fillna(False)
                         & is_country(t["iso3"]).to_numpy(), "iso3"])[:n_units]
    cohorts = rng.choice(np.r_[years[len(years) // 3: -5], [0] * 60], size=len(codes))
    onset = {c: int(g) for c, g in zip(codes, cohorts) if g}
    iso = np.repeat(codes, len(years))
    yr = np.tile(years, len(codes))
    g = pd.Series(iso).map(onset).to_numpy(dtype=float)
    y = (20 + rng.normal(0, 2, len(codes)).repeat(len(years)) + 0.01 * (yr - years[0])
         + np.where(yr >= g, 1.0, 0.0) + rng.normal(0, 1, len(iso)))
    return pd.DataFrame({"iso3": iso, "year": yr, "y": y, "g": g}), onset


def main() -> None:
    import pyfixest as pf

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    years = np.arange(1900, 2101)
    frame, onset = synthetic_panel(250, years)
    obs = pd.DataFrame({"iso3": frame["iso3"], "year": frame["year"],
                        "indicator": "unemployment_rate", "value": frame["y"],
                        "unit": "percent of labour force", "source": "synthetic_bench"})
    src = bs.Source(id="synthetic_bench", title="synthetic benchmark panel",
                    publisher="burdenshare benchmarks")
    data = bs.Dataset.from_frame(obs, {"synthetic_bench": src})
    n = len(frame)
    print(f"bench_econometrics_did  {time.strftime('%Y-%m-%d %H:%M:%S')}  rows={n:,} "
          f"units={frame['iso3'].nunique()} years={len(years)} runs={runs}")
    treated = tuple(sorted(onset)[:20])
    ty = 2000
    # --- did
    f = frame.assign(d=(frame["iso3"].isin(treated) & (frame["year"] >= ty)).astype(float))
    raw = timed(lambda: pf.feols("y ~ d | iso3 + year", data=f, vcov={"CRV1": "iso3"}), runs)
    est = DiD(treated=treated, controls=(), treatment_year=ty, first_year=1900, last_year=2100)
    wrap = timed(lambda: est.estimate(data), runs)
    print(f"did            raw feols {raw:8.3f}s  wrapper {wrap:8.3f}s  ratio {wrap / raw:6.2f}")
    breakdown(est, data, raw, runs)
    # --- event study and staggered (explicit onsets, window +-5)
    ons = tuple(sorted(onset.items()))
    e = frame["year"] - frame["g"]
    keep = frame["g"].isna() | e.between(-5, 5)
    fe = frame[keep].copy()
    ee = (fe["year"] - fe["g"]).to_numpy()
    evs = [k for k in range(-5, 6) if k != -1]
    cols = {f"e{k + 10}": (ee == k).astype(float) for k in evs}
    fe = pd.concat([fe, pd.DataFrame(cols, index=fe.index)], axis=1)
    fml = "y ~ " + " + ".join(cols) + " | iso3 + year"
    raw = timed(lambda: pf.feols(fml, data=fe, vcov={"CRV1": "iso3"}), runs)
    es = EventStudy(onsets=ons, leads=5, lags=5, first_year=1900, last_year=2100)
    wrap = timed(lambda: es.estimate(data), runs)
    print(f"event_study    raw feols {raw:8.3f}s  wrapper {wrap:8.3f}s  ratio {wrap / raw:6.2f}")
    breakdown(es, data, raw, runs)
    gg = fe["g"].to_numpy()
    cells = sorted({(int(a), int(b)) for a, b in zip(gg[~np.isnan(gg)], ee[~np.isnan(gg)])
                    if b != -1})
    dcols = {f"d{a}_{b + 10}": ((gg == a) & (ee == b)).astype(float) for a, b in cells}
    fs = pd.concat([fe[["iso3", "year", "y"]], pd.DataFrame(dcols, index=fe.index)], axis=1)
    fml = "y ~ " + " + ".join(dcols) + " | iso3 + year"
    raw = timed(lambda: pf.feols(fml, data=fs, vcov={"CRV1": "iso3"}), runs)
    st = StaggeredDiD(onsets=ons, leads=5, lags=5, first_year=1900, last_year=2100)
    wrap = timed(lambda: st.estimate(data), runs)
    print(f"staggered_did  raw feols {raw:8.3f}s  wrapper {wrap:8.3f}s  ratio {wrap / raw:6.2f}  "
          f"({len(dcols)} cohort x event-time cells; the wrapper also fits the static TWFE)")
    # --- synthetic control, realistic size: 1 treated, 17 donors, 20 years, with placebo
    small = data.select(years=(2000, 2019))
    donors = tuple(sorted(set(frame["iso3"]) - {"AFG"})[:17])
    sc = SyntheticControl(treated="AFG", treatment_year=2012, first_year=2000, last_year=2019, donors=donors,
                          exclude_donors=())
    wide = frame[frame["year"].between(2000, 2019)].pivot(index="year", columns="iso3",
                                                          values="y")
    pre = [y for y in wide.index if y < 2012]

    def raw_sc() -> None:
        synth_weights(wide.loc[pre, "AFG"], wide.loc[pre, list(donors)])
        for d in donors:
            others = [o for o in donors if o != d]
            synth_weights(wide.loc[pre, d], wide.loc[pre, others])

    raw = timed(raw_sc, runs)
    wrap = timed(lambda: sc.estimate(small), runs)
    print(f"synth+placebo  raw pysyncon {raw:6.3f}s  wrapper {wrap:8.3f}s  ratio {wrap / raw:6.2f}"
          "  (18 pysyncon fits)")
    # --- scale: raw pyfixest on a 1,000,000-row synthetic frame (10,000 units x 100 periods)
    rng = np.random.default_rng(1)
    big = pd.DataFrame({"unit": np.repeat(np.arange(10_000), 100),
                        "year": np.tile(np.arange(100), 10_000)})
    big["d"] = ((big["unit"] < 3000) & (big["year"] >= 60)).astype(float)
    big["y"] = rng.normal(size=len(big)) + big["d"]
    raw = timed(lambda: pf.feols("y ~ d | unit + year", data=big, vcov={"CRV1": "unit"}), 1)
    print(f"scale          raw feols on 1,000,000 rows: {raw:.3f}s (no Dataset can hold this "
          "panel: ISO3 x 1900-2100 caps a country-year Dataset at ~50,000 rows)")


if __name__ == "__main__":
    main()
