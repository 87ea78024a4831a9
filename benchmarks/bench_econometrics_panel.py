"""Overhead of burdenshare's ``panel_fe`` wrapper over the raw libraries, on a 1,000,000-row panel.

A synthetic sub-national panel (named synthetic; generated here, never shipped), the shape real
host-impact studies use: 200 real country codes x 25 areas each (observation column ``area``,
codes ``A01`` ... ``A25``) x 200 years (1901-2100, inside the schema's 1900-2100 range) =
1,000,000 area-years, with outcome, refugees and population observations (3,000,000 long
observations), so that the wrapper derives ``refugees_per_1000`` per area itself. The dataset is
built with the ``Dataset`` constructor directly, skipping the read-time validation of
``Dataset.from_frame``, which is not part of estimation.

Timed, in the same process (median of ``--runs`` runs after one warm-up):

* raw ``pyfixest.feols("y ~ x | e + t", vcov={"CRV1": "g"}, ...)`` on a ready wide frame (``e``
  the area, ``g`` its country), with the same options the wrapper uses (the baseline);
* raw ``linearmodels.PanelOLS(...).fit(cov_type="clustered", clusters=country, ...)``;
* for context, the pipeline a user of pandas + pyfixest writes from the same long table
  (``pivot_table`` to wide, derive the regressor, ``dropna``, ``feols``) with no record of
  what is left out — not the baseline of the goal, which is the bare library call;
* ``PanelFE(engine="pyfixest", cluster="country").estimate(dataset)`` and the linearmodels
  engine: the whole wrapper, i.e. parameter checks, the ledger of all 3,000,000 input
  observations, the (iso3, area) x year grid and derived regressor, singleton removal, the fit,
  the tidy rows, the exclusion frame and the provenance; and its stages, timed one after
  the other inside the same pipeline (the stage seconds add up to about one wrapper call).

Printed: seconds and the ratio to raw pyfixest (and to raw PanelOLS). Nothing is asserted.

Run: ``.venv/bin/python benchmarks/bench_econometrics_panel.py [--runs N] [--countries C]
[--areas A] [--years T] [--skip-linearmodels]`` (from a worktree other than the installed one:
``PYTHONPATH=. .venv/bin/python ...``, or the installed package is timed).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np
import pandas as pd
from _econ_common import bench_dataset, country_codes, load_note, paired, ratio_line, timed

import burdenshare as bs
from burdenshare.data import Dataset
from burdenshare.estimators import _panel as pfm
from burdenshare.estimators.base import _codes_of, finish_result
from burdenshare.estimators.panel import PanelFE, _fit_panel
from burdenshare.results import Computation


def synthetic_panel(n_countries: int, n_areas: int, n_years: int, seed: int = 0, *,
                    categorical: bool = False) -> tuple[Dataset, pd.DataFrame]:
    """A synthetic balanced sub-national panel as a Dataset (long) and as a ready wide frame."""
    rng = np.random.default_rng(seed)
    codes = country_codes(n_countries)
    n_units = len(codes) * n_areas
    unit_iso3 = np.repeat(np.array(codes, dtype=object), n_areas)
    unit_area = np.tile(np.array([f"A{k:02d}" for k in range(1, n_areas + 1)], dtype=object),
                        len(codes))
    iso3 = np.repeat(unit_iso3, n_years)
    area = np.repeat(unit_area, n_years)
    year = np.tile(np.arange(2101 - n_years, 2101, dtype=np.int64), n_units)
    n = len(iso3)
    pop = rng.uniform(1e4, 2e6, n)
    ref = np.round(rng.uniform(0, 0.05, n) * pop)
    x = 1000 * ref / pop
    e = np.repeat(rng.normal(size=n_units), n_years)
    t = np.tile(rng.normal(size=n_years), n_units)
    y = 0.05 * x + e + t + rng.normal(size=n)
    long = pd.DataFrame({
        "iso3": np.concatenate([iso3] * 3),
        "year": np.concatenate([year] * 3),
        "indicator": np.repeat(["unemployment_rate", "refugees", "population"], n),
        "value": np.concatenate([y, ref, pop]),
        "unit": np.repeat(["percent of labour force", "persons", "persons"], n),
        "source": "synthetic_bench",
        "counterpart_iso3": pd.Series([None] * (3 * n), dtype="str"),
        "area": np.concatenate([area] * 3),
    })
    data = bench_dataset(long, "synthetic-benchmark", categorical=categorical)
    wide = pd.DataFrame({"y": y, "x": x, "e": np.repeat(np.arange(n_units), n_years),
                         "t": year, "g": pd.factorize(iso3)[0]})
    return data, wide


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--areas", type=int, default=25)
    parser.add_argument("--years", type=int, default=200)
    parser.add_argument("--skip-linearmodels", action="store_true",
                        help="skip the (slow) linearmodels timings")
    parser.add_argument("--categorical", action="store_true",
                        help="key columns of the Dataset as pandas categoricals (issue 14)")
    args = parser.parse_args()
    import linearmodels
    import pyfixest as pf
    from linearmodels import PanelOLS

    if not 1 <= args.years <= 201:
        parser.error("--years must be 1..201 (years end in 2100, the schema's last year)")
    data, wide = synthetic_panel(args.countries, args.areas, args.years,
                                 categorical=args.categorical)
    n = len(wide)
    print(f"synthetic sub-national panel: {args.countries} countries x {args.areas} areas x "
          f"{args.years} years = {n:,} area-years "
          f"({len(data.observations):,} long observations); runs={args.runs}; "
          f"pyfixest {pf.__version__}, linearmodels {linearmodels.__version__}, burdenshare "
          f"{bs.__version__} ({bs.__file__}); key columns "
          f"{'categorical' if args.categorical else 'strings'}; {load_note()}")

    def raw_pyfixest() -> Any:
        return pf.feols("y ~ x | e + t", wide, vcov={"CRV1": "g"},
                        ssc=pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="conventional"),
                        fixef_rm="none", copy_data=False, store_data=False).coef()

    def raw_pyfixest_defaults() -> Any:
        return pf.feols("y ~ x | e + t", wide, vcov={"CRV1": "g"}).coef()

    panel_idx = wide.set_index(["e", "t"])
    clusters = panel_idx[["g"]]

    def raw_panelols() -> Any:
        return PanelOLS(panel_idx["y"], panel_idx[["x"]], entity_effects=True,
                        time_effects=True).fit(cov_type="clustered", clusters=clusters,
                                               debiased=True, group_debias=True).params

    obs = data.observations

    def raw_user_pipeline() -> Any:
        """What a user of pandas + pyfixest does from the same long table, without any
        accounting of what is left out: pivot to wide, derive x, drop incomplete rows, fit."""
        w = obs.pivot_table(index=["iso3", "area", "year"], columns="indicator",
                            values="value", aggfunc="first", observed=True).reset_index()
        w["x"] = 1000 * w["refugees"] / w["population"]
        w = w.dropna(subset=["unemployment_rate", "x"])
        w["e"] = pd.factorize(w["iso3"].astype("str") + "/" + w["area"].astype("str"))[0]
        w["g"] = pd.factorize(w["iso3"])[0]
        return pf.feols("unemployment_rate ~ x | e + year", w, vcov={"CRV1": "g"},
                        ssc=pf.ssc(k_adj=True, k_fixef="full", G_adj=True,
                                   G_df="conventional"),
                        fixef_rm="none", copy_data=False, store_data=False).coef()

    # the goal's measurement: wrapper and bare library call alternated, paired ratios
    est_pf = PanelFE(outcome="unemployment_rate", regressors=("refugees_per_1000",),
                     cluster="country")
    pair = paired(raw_pyfixest, lambda: est_pf.estimate(data), args.runs)
    t_pf, t_wpf, c_pf, r_pf = pair.median_a, pair.median_b, pair.value_a, pair.value_b
    t_user, c_user = timed(raw_user_pipeline, args.runs)
    t_pfd, _ = timed(raw_pyfixest_defaults, args.runs)
    t_lm, c_lm = ((float("nan"), pd.Series([float("nan")])) if args.skip_linearmodels
                  else timed(raw_panelols, 1))
    est_lm = est_pf.with_params(engine="linearmodels")
    t_wlm, r_lm = ((float("nan"), r_pf) if args.skip_linearmodels
                   else timed(lambda: est_lm.estimate(data), 1))

    # stages of the wrapper (pyfixest engine), each timed inside one pipeline run
    def pipeline() -> dict[str, float]:
        t: dict[str, float] = {}
        t0 = time.perf_counter()
        inputs = sorted(est_pf.inputs())
        codes = _codes_of(data.observations["indicator"], inputs)
        t1 = time.perf_counter()
        t["input check (indicator codes of 3M rows)"] = t1 - t0
        ledger = pfm.PanelLedger(data, est_pf.inputs(), {}, owner="panel_fe",
                                 supports_areas=True)
        t2 = time.perf_counter()
        t["PanelLedger (row states, source choice, unit codes)"] = t2 - t1
        panel = pfm.build_panel(ledger, est_pf._variables())
        t3 = time.perf_counter()
        t["build_panel (grid, derived regressor, exclusions)"] = t3 - t2
        est, diag, keep, dropped = _fit_panel(est_pf, panel, est_pf.outcome, est_pf.regressors)
        t4 = time.perf_counter()
        t["_fit_panel (singletons, codes, pyfixest fit, rows)"] = t4 - t3
        pfm.settle(ledger, panel, keep, dropped)
        excluded = ledger.excluded_frame()
        t5 = time.perf_counter()
        t["settle + excluded_frame"] = t5 - t4
        comp = Computation(estimates=est, excluded=excluded,
                           diagnostics={"used": ledger.n_used, **diag},
                           uncertainty_method="cluster_robust")
        finish_result(est_pf, data, comp, _indicator_codes=(inputs, codes))
        t["finish_result (schemas, sources, provenance)"] = time.perf_counter() - t5
        return t

    pipeline()
    stage_runs = [pipeline() for _ in range(args.runs)]
    stage_rows = [(f"  stage: {k}", statistics.median(r[k] for r in stage_runs))
                  for k in stage_runs[0]]

    print()
    print(f"{'call':58s} {'seconds':>9s} {'x pyfixest':>11s} {'x PanelOLS':>11s}")
    rows = [
        ("raw pyfixest feols (same options as the wrapper) [baseline]", t_pf),
        ("raw pyfixest feols (its defaults: copies data, drops singletons)", t_pfd),
        ("raw pandas pivot long->wide + dropna + feols (no accounting)", t_user),
        ("raw linearmodels PanelOLS (clustered, debiased)", t_lm),
        ("burdenshare PanelFE(engine='pyfixest').estimate(data)", t_wpf),
        ("burdenshare PanelFE(engine='linearmodels').estimate(data)", t_wlm),
        *stage_rows,
    ]
    for label, t in rows:
        print(f"{label:58s} {t:9.3f} {t / t_pf:11.2f} {t / t_lm:11.2f}")
    print()
    b_raw = float(np.asarray(c_pf)[0])
    b_w = float(r_pf.estimates["estimate"].iloc[0])
    b_wlm = float(r_lm.estimates["estimate"].iloc[0])
    print(f"coefficient: raw pyfixest {b_raw:.12f}, raw PanelOLS {float(c_lm.iloc[0]):.12f}, "
          f"wrapper/pyfixest {b_w:.12f}, wrapper/linearmodels {b_wlm:.12f} (true 0.05)")
    se_raw = float(np.asarray(pf.feols("y ~ x | e + t", wide, vcov={"CRV1": "g"}, ssc=pf.ssc(
        k_adj=True, k_fixef="full", G_adj=True, G_df="conventional"), fixef_rm="none").se())[0])
    print(f"standard error clustered by country: raw pyfixest {se_raw:.12f}, wrapper "
          f"{float(r_pf.estimates['std_error'].iloc[0]):.12f}")
    print(f"wrapper vs raw pyfixest: {t_wpf / t_pf:.2f}x (ratio of median wall times)")
    print(ratio_line("panel_fe", pair))
    print(f"end: {load_note()}")
    own = sum(v for k, v in stage_rows if "_fit_panel" not in k)
    print(f"burdenshare's own stages (all but _fit_panel): {own:.3f} s = "
          f"{own / t_pf:.2f}x the bare fit")
    print(f"wrapper vs the raw pandas + pyfixest pipeline from the same long table: "
          f"{t_wpf / t_user:.2f}x (coefficient {float(np.asarray(c_user)[0]):.12f})")


if __name__ == "__main__":
    main()
