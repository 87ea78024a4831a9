"""Overhead of burdenshare's DiD-family wrappers over the raw library calls, on a 1M-row panel.

A synthetic sub-national panel (named synthetic; generated here, never shipped), built as a
``Dataset`` directly as in ``bench_econometrics_panel.py``: 200 real country codes x 25 areas
(observation column ``area``, codes ``A01`` ... ``A25``) x 200 years (1901-2100) = 1,000,000
area-years of one outcome. Every wrapper's unit is the area (``ISO3/area``); treatment and
onsets are given by country (every area of it), so the bookkeeping of area labels, code
matching, event windows and exclusions is all exercised.

Timed, in the same process (median of ``--runs`` runs after one warm-up), each wrapper's
``estimate()`` (parameter checks, ledger of all input observations, panel build, exclusions
with reasons, the library call, tidy rows, provenance, schema validation) against the fastest
raw ``pyfixest.feols`` call for the same model on a ready wide frame (integer unit / year /
cluster codes, the wrapper's options ``fixef_rm="none"`` and the default CRV1 small-sample
correction, without copying or storing the data):

* ``did``: ``y ~ treated_post | unit + year``, clustered by unit;
* ``event_study``: ``y ~ e_m5 + ... + e_p5 | unit + year`` (reference e = -1) on the sample
  inside the event window;
* ``staggered_did``: the saturated cohort x event-time regression (Sun and Abraham) plus the
  static TWFE the wrapper also fits (two raw calls are the baseline);
* ``synthetic_control``: per-unit and small, so on a realistic size (40 country units x 30
  years, one treated unit, 39 donors, 39 placebo refits) against the same 40 raw
  ``pysyncon.Synth.fit`` calls on ready matrices.

Printed: seconds, ratio wrapper / raw, the estimates of both (they must agree), and the stages
of each wrapper. Nothing is asserted. ``iv_2sls``: ``bench_econometrics_iv.py``.

Run: ``.venv/bin/python benchmarks/bench_econometrics_did.py [--runs N] [--countries C]
[--areas A] [--years T] [--only did,event_study,staggered_did,synthetic_control]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from _econ_common import bench_dataset, country_codes, load_note, paired, ratio_line, timed

import burdenshare as bs
from burdenshare.data import Dataset
from burdenshare.estimators.did import DiD, EventStudy, StaggeredDiD
from burdenshare.estimators.synth import SyntheticControl, synth_weights


def synthetic_area_panel(n_countries: int, n_areas: int, n_years: int, seed: int = 0, *,
                         categorical: bool = False
                         ) -> tuple[Dataset, pd.DataFrame, dict[str, int]]:
    """Synthetic area-year outcome with staggered country onsets (ten cohorts, a third never).

    Returns the Dataset (long), the ready wide frame (``e`` unit code, ``g`` country code,
    ``t`` year, ``y``, ``cohort`` onset year or NaN) and the onsets by country.
    """
    rng = np.random.default_rng(seed)
    codes = country_codes(n_countries)
    years = np.arange(2101 - n_years, 2101, dtype=np.int64)
    n_units = len(codes) * n_areas
    unit_iso3 = np.repeat(np.array(codes, dtype=object), n_areas)
    unit_area = np.tile(np.array([f"A{k:02d}" for k in range(1, n_areas + 1)], dtype=object),
                        len(codes))
    lo, hi = int(years[len(years) // 4]), int(years[-len(years) // 4])
    cohorts = np.linspace(lo, hi, 10).astype(int)  # ten cohorts
    onset = {c: int(rng.choice(cohorts)) for c in codes if rng.uniform() < 2 / 3}
    unit_cohort = np.array([onset.get(c, np.nan) for c in unit_iso3], dtype=float)
    iso3 = np.repeat(unit_iso3, len(years))
    area = np.repeat(unit_area, len(years))
    year = np.tile(years, n_units)
    cohort = np.repeat(unit_cohort, len(years))
    n = len(iso3)
    y = (np.repeat(rng.normal(0, 2, n_units), len(years)) + 0.01 * (year - years[0])
         + np.where(year >= cohort, 1.0, 0.0) + rng.normal(0, 1, n) + 20)
    long = pd.DataFrame({
        "iso3": iso3, "year": year, "indicator": "unemployment_rate", "value": y,
        "unit": "percent of labour force", "source": "synthetic_bench",
        "counterpart_iso3": pd.Series([None] * n, dtype="str"), "area": area})
    data = bench_dataset(long, "synthetic-benchmark-did", categorical=categorical)
    wide = pd.DataFrame({"y": y, "e": np.repeat(np.arange(n_units), len(years)),
                         "g": pd.factorize(iso3)[0], "t": year, "cohort": cohort})
    return data, wide, onset


def feols(pf: Any, fml: str, frame: pd.DataFrame) -> Any:
    """The fastest raw pyfixest call for the wrapper's model (same options, no copies)."""
    return pf.feols(fml, frame, vcov={"CRV1": "e"}, fixef_rm="none", copy_data=False,
                    store_data=False)


def line(label: str, raw: float, wrap: float, note: str = "") -> None:
    """Print one wrapper / raw line."""
    print(f"{label:18s} raw {raw:8.3f}s  wrapper {wrap:8.3f}s  ratio {wrap / raw:6.2f}  {note}")


def paired_line(label: str, raw: Callable[[], Any], wrapper: Callable[[], Any], runs: int
                ) -> tuple[Any, Any]:
    """Time ``raw`` and ``wrapper`` alternated in pairs; print medians and paired ratios."""
    p = paired(raw, wrapper, runs)
    line(label, p.median_a, p.median_b, "(medians)")
    print(f"{'':18s} {ratio_line(label, p)}")
    return p.value_a, p.value_b


def stage_times(run: Callable[[], Any], probes: dict[str, tuple[Any, str]],
                runs: int) -> tuple[float, dict[str, float]]:
    """Median total seconds of ``run`` and of each probed function inside it (wall clock).

    Each probe ``label -> (owner, attribute)`` is wrapped for the measurement only and
    restored afterwards; nested probes are each timed in full.
    """
    acc: dict[str, float] = {}
    saved = {k: getattr(o, a) for k, (o, a) in probes.items()}

    def wrap(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def inner(*args: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                acc[label] = acc.get(label, 0.0) + time.perf_counter() - t0
        return inner

    totals, per = [], {k: [] for k in probes}
    try:
        for k, (o, a) in probes.items():
            setattr(o, a, wrap(k, saved[k]))
        run()
        for _ in range(runs):
            acc.clear()
            t0 = time.perf_counter()
            run()
            totals.append(time.perf_counter() - t0)
            for k in probes:
                per[k].append(acc.get(k, 0.0))
    finally:
        for k, (o, a) in probes.items():
            setattr(o, a, saved[k])
    return statistics.median(totals), {k: statistics.median(v) for k, v in per.items()}


def stages(est: Any, data: Dataset, runs: int) -> None:
    """Print where the wrapper's time goes, stage by stage."""
    from burdenshare.estimators import _panel as _did_common
    from burdenshare.estimators import base, did

    probes = {"ledger of the inputs (base.Ledger)": (base.Ledger, "__init__"),
              "panel build (PanelBuilder)": (_did_common.PanelBuilder, "__init__"),
              "library (pyfixest feols)": (did, "_feols"),
              "exclusion frame (base.Ledger.excluded_frame)": (base.Ledger, "excluded_frame"),
              "validation + provenance (base.finish_result)": (base, "finish_result")}
    if isinstance(est, SyntheticControl):
        from burdenshare.estimators import synth
        probes["library (pysyncon, via synth_weights)"] = (synth, "synth_weights")
        del probes["library (pyfixest feols)"]
    total, per = stage_times(lambda: est.estimate(data), probes, runs)
    rest = total - sum(per.values())
    parts = ", ".join(f"{k} {v:.3f}s" for k, v in per.items())
    print(f"{'':18s} stages (median of {runs}): {parts}, design bookkeeping and diagnostics "
          f"{rest:.3f}s; total {total:.3f}s")


def bench_did(pf: Any, data: Dataset, wide: pd.DataFrame, onset: dict[str, int], runs: int,
              show_stages: bool) -> None:
    """Time ``did`` against raw feols."""
    years = np.sort(wide["t"].unique())
    ty = int(years[len(years) // 2])
    treated = tuple(sorted(onset)[:20])
    codes = country_codes(wide["g"].max() + 1)
    tr_g = [codes.index(c) for c in treated]
    f = wide[["y", "e", "t"]].copy()
    f["treated_post"] = (wide["g"].isin(tr_g) & (wide["t"] >= ty)).to_numpy(dtype=float)
    est = DiD(treated=treated, controls=(), treatment_year=ty, first_year=int(years[0]),
              last_year=int(years[-1]))
    fit, res = paired_line("did", lambda: feols(pf, "y ~ treated_post | e + t", f),
                           lambda: est.estimate(data), runs)
    print(f"{'':18s} estimate raw {float(fit.coef().iloc[0]):.12f}, wrapper "
          f"{float(res.estimates['estimate'].iloc[0]):.12f}")
    if show_stages:
        stages(est, data, runs)


def event_frame(wide: pd.DataFrame, leads: int, lags: int) -> pd.DataFrame:
    """The wrapper's event-study sample: never treated, or inside the event window."""
    e = wide["t"] - wide["cohort"]
    first = wide.groupby("e")["t"].transform("min")
    always = wide["cohort"] <= first
    keep = ~always & (wide["cohort"].isna() | e.between(-leads, lags))
    f = wide[keep.to_numpy()].reset_index(drop=True)
    f["ev"] = (f["t"] - f["cohort"]).to_numpy()
    return f


def bench_event(pf: Any, data: Dataset, wide: pd.DataFrame, onset: dict[str, int], runs: int,
                show_stages: bool, only: frozenset[str] = frozenset({"staggered_did"})) -> None:
    """Time ``event_study`` and ``staggered_did`` against raw feols."""
    years = np.sort(wide["t"].unique())
    ons = tuple(sorted(onset.items()))
    kw = {"onsets": ons, "leads": 5, "lags": 5, "first_year": int(years[0]),
          "last_year": int(years[-1])}
    fe = event_frame(wide, 5, 5)
    ee = fe["ev"].to_numpy()
    evs = [k for k in range(-5, 6) if k != -1]
    names = {k: (f"e_m{-k}" if k < 0 else f"e_p{k}") for k in evs}
    fes = pd.concat([fe[["y", "e", "t"]], pd.DataFrame(
        {names[k]: (ee == k).astype(float) for k in evs})], axis=1)
    fml = "y ~ " + " + ".join(names.values()) + " | e + t"
    es = EventStudy(**kw)
    fit, res = paired_line("event_study", lambda: feols(pf, fml, fes), lambda: es.estimate(data),
                           runs)
    print(f"{'':18s} {len(fes):,} rows in the window; e=0 raw "
          f"{float(fit.coef()['e_p0']):.12f}, wrapper "
          f"{float(res.estimates.set_index('term').loc['e=0', 'estimate']):.12f}")
    if show_stages:
        stages(es, data, runs)
    if "staggered_did" not in only:
        return
    gg = fe["cohort"].to_numpy()
    tr = ~np.isnan(gg)
    cells = sorted({(int(a), int(b)) for a, b in zip(gg[tr], ee[tr]) if b != -1})
    dcols = {f"d_{a}_{names[b]}": ((gg == a) & (ee == b)).astype(float) for a, b in cells}
    fs = pd.concat([fe[["y", "e", "t"]], pd.DataFrame(dcols)], axis=1)
    fs["treated_post"] = (ee >= 0).astype(float)
    fml = "y ~ " + " + ".join(dcols) + " | e + t"

    def raw_st() -> Any:
        sat = feols(pf, fml, fs)
        feols(pf, "y ~ treated_post | e + t", fs)
        return sat

    raw, _ = timed(raw_st, runs)
    st = StaggeredDiD(**kw)
    wrap, res = timed(lambda: st.estimate(data), runs)
    line("staggered_did", raw, wrap, f"({len(dcols)} cohort x event-time cells; baseline = the "
         f"saturated fit + the static TWFE; overall ATT "
         f"{float(res.estimates.set_index('term').loc['overall', 'estimate']):.6f}, true 1)")
    if show_stages:
        stages(st, data, runs)


def bench_synth(runs: int, show_stages: bool) -> None:
    """Time ``synthetic_control`` (40 units x 30 years, placebo) against raw pysyncon."""
    data, wide, _ = synthetic_area_panel(40, 1, 30, seed=2)
    obs = data.observations.assign(area=pd.Series([None] * len(data.observations),
                                                  dtype="str"))
    data = Dataset(observations=obs, sources=data.sources, fingerprint="synthetic-bench-synth")
    codes = country_codes(40)
    years = np.sort(wide["t"].unique())
    ty = int(years[20])
    panel = wide.pivot(index="t", columns="e", values="y")
    panel.columns = codes
    treated, donors = codes[0], codes[1:]
    pre = [y for y in years if y < ty]

    def raw_sc() -> None:
        synth_weights(panel.loc[pre, treated], panel.loc[pre, donors])
        for d in donors:
            synth_weights(panel.loc[pre, d], panel.loc[pre, [o for o in donors if o != d]])

    raw, _ = timed(raw_sc, runs)
    sc = SyntheticControl(treated=treated, treatment_year=ty, first_year=int(years[0]),
                          last_year=int(years[-1]), donors=(), exclude_donors=())
    wrap, _ = timed(lambda: sc.estimate(data), runs)
    line("synthetic_control", raw, wrap, f"({len(donors) + 1} pysyncon fits: 1 + "
         f"{len(donors)} placebos)")
    if show_stages:
        stages(sc, data, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--areas", type=int, default=25)
    parser.add_argument("--years", type=int, default=200)
    parser.add_argument("--only", default="did,event_study,staggered_did,synthetic_control")
    parser.add_argument("--stages", action="store_true", help="also time the wrapper stages")
    parser.add_argument("--categorical", action="store_true",
                        help="key columns of the Dataset as pandas categoricals (issue 14)")
    args = parser.parse_args()
    import pyfixest as pf

    only = set(args.only.split(","))
    if not 1 <= args.years <= 201:
        parser.error("--years must be 1..201 (years end in 2100, the schema's last year)")
    if only <= {"synthetic_control"}:
        bench_synth(args.runs, args.stages)
        return
    data, wide, onset = synthetic_area_panel(args.countries, args.areas, args.years,
                                             categorical=args.categorical)
    print(f"bench_econometrics_did {time.strftime('%Y-%m-%d %H:%M:%S')}: synthetic area panel "
          f"{args.countries} countries x {args.areas} areas x {args.years} years = "
          f"{len(wide):,} area-years; {len(onset)} countries treated; runs={args.runs}; "
          f"pyfixest {pf.__version__}, burdenshare {bs.__version__}; key columns "
          f"{'categorical' if args.categorical else 'strings'}; {load_note()}")
    if "did" in only:
        bench_did(pf, data, wide, onset, args.runs, args.stages)
    if only & {"event_study", "staggered_did"}:
        bench_event(pf, data, wide, onset, args.runs, args.stages, frozenset(only))
    if "synthetic_control" in only:
        bench_synth(args.runs, args.stages)


if __name__ == "__main__":
    main()
