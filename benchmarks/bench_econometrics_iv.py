"""Overhead of burdenshare's ``iv_2sls`` wrapper over the raw library calls, on a 1M-row panel.

A synthetic sub-national panel (named synthetic; generated here, never shipped), built as a
``Dataset`` directly as in ``bench_econometrics_panel.py``: 200 real country codes x 34 areas
(observation column ``area``) x 149 estimation years (1952-2100) = 1,013,200 area-years of
``unemployment_rate``, ``refugees`` and ``population`` (3,039,600 observations), plus the
base-year (1951) stocks by origin of every area (``refugees_by_origin``, 5 origins) and the
national origin totals ``refugees_from_origin`` for 1951-2100. The wrapper builds the
shift-share instrument itself; the generator knows it and puts it in the ready wide frame.

Timed, in the same process (median of ``--runs`` runs after one warm-up):

* raw ``pyfixest.feols("y ~ 1 | e + t | x ~ z", vcov={"CRV1": "e"}, ...)`` with the wrapper's
  small-sample correction (``ssc(k_adj=True, k_fixef="full", G_adj=True,
  G_df="conventional")``, no copy of the data): the same model and numbers;
* raw ``linearmodels.iv.IV2SLS(...).fit(cov_type="clustered", debiased=True, extra_df=...)``
  on the already partialled-out frame: the library call the wrapper makes (one of its four:
  the 2SLS fit and three Anderson-Rubin regressions);
* ``IV2SLS().estimate(data)``: parameter checks, ledger of all input observations, the
  unit-year panel, the instrument, exclusions with reasons, fixed effects partialled out, the
  2SLS fit, first-stage and Anderson-Rubin diagnostics, tidy rows, provenance, validation.

Printed: seconds, ratios to the fastest raw call, both estimates, the wrapper's stages.
Nothing is asserted.

Run: ``.venv/bin/python benchmarks/bench_econometrics_iv.py [--runs N] [--countries C]
[--areas A]``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd
from _econ_common import bench_dataset, country_codes, load_note, paired, ratio_line, timed

import burdenshare as bs
from burdenshare.data import Dataset
from burdenshare.estimators import iv as ivm
from burdenshare.estimators.iv import IV2SLS

BASE = 1951
YEARS = np.arange(BASE + 1, 2101, dtype=np.int64)
N_ORIGINS = 5


def synthetic_iv_panel(n_countries: int, n_areas: int, seed: int = 0, *,
                       categorical: bool = False) -> tuple[Dataset, pd.DataFrame]:
    """Synthetic area panel with a known shift-share first stage, as Dataset and wide frame."""
    rng = np.random.default_rng(seed)
    codes = country_codes()
    hosts, origins = codes[:n_countries], codes[-N_ORIGINS:]
    n_units, n_y = len(hosts) * n_areas, len(YEARS)
    unit_iso3 = np.repeat(np.array(hosts, dtype=object), n_areas)
    unit_area = np.tile(np.array([f"A{k:02d}" for k in range(1, n_areas + 1)], dtype=object),
                        len(hosts))
    stock = rng.integers(100, 5000, size=(n_units, N_ORIGINS)).astype(float)  # base year
    total0 = stock.sum(axis=0) + rng.integers(10_000, 50_000, N_ORIGINS)
    shifts = total0[:, None] * np.exp(np.cumsum(rng.normal(0.02, 0.2, (N_ORIGINS, n_y)),
                                                axis=1))
    shifts = np.round(shifts)
    pop = np.round(rng.uniform(2e5, 2e6, n_units)[:, None] * (1 + 0.005 * np.arange(n_y)))
    z = 1000 * ((stock / total0) @ shifts) / pop  # units x years, the instrument
    v = rng.normal(0, 5, z.shape)
    x_true = z + rng.uniform(20, 40, n_units)[:, None] + v
    ref = np.round(x_true * pop / 1000)
    x = 1000 * ref / pop
    y = (8 + rng.uniform(-2, 2, n_units)[:, None] + 0.02 * np.arange(n_y)[None, :] + 0.05 * x
         + 0.4 * v + rng.normal(0, 0.3, z.shape))
    iso3 = np.repeat(unit_iso3, n_y)
    area = np.repeat(unit_area, n_y)
    year = np.tile(YEARS, n_units)
    parts = [pd.DataFrame({"iso3": iso3, "area": area, "counterpart_iso3": None, "year": year,
                           "indicator": ind, "value": val.ravel(), "unit": unit})
             for ind, val, unit in (("unemployment_rate", y, "percent of labour force"),
                                    ("refugees", ref, "persons"),
                                    ("population", pop, "persons"))]
    parts.append(pd.DataFrame({
        "iso3": np.repeat(unit_iso3, N_ORIGINS), "area": np.repeat(unit_area, N_ORIGINS),
        "counterpart_iso3": np.tile(np.array(origins, dtype=object), n_units), "year": BASE,
        "indicator": "refugees_by_origin", "value": stock.ravel(), "unit": "persons"}))
    all_totals = np.column_stack([total0, shifts])
    parts.append(pd.DataFrame({
        "iso3": np.repeat(np.array(origins, dtype=object), n_y + 1), "area": None,
        "counterpart_iso3": None, "year": np.tile(np.r_[BASE, YEARS], N_ORIGINS),
        "indicator": "refugees_from_origin", "value": all_totals.ravel(), "unit": "persons"}))
    long = pd.concat(parts, ignore_index=True)
    data = bench_dataset(long, "synthetic-benchmark-iv", categorical=categorical)
    wide = pd.DataFrame({"y": y.ravel(), "x": x.ravel(), "z": z.ravel(),
                         "e": np.repeat(np.arange(n_units), n_y), "t": year,
                         "g": pd.factorize(iso3)[0]})
    return data, wide


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--areas", type=int, default=34)
    parser.add_argument("--categorical", action="store_true",
                        help="key columns of the Dataset as pandas categoricals (issue 14)")
    args = parser.parse_args()
    import linearmodels
    import pyfixest as pf
    from linearmodels.iv import IV2SLS as LM2SLS

    data, wide = synthetic_iv_panel(args.countries, args.areas, categorical=args.categorical)
    print(f"bench_econometrics_iv {time.strftime('%Y-%m-%d %H:%M:%S')}: synthetic area panel "
          f"{args.countries} countries x {args.areas} areas x {len(YEARS)} years = "
          f"{len(wide):,} area-years ({len(data.observations):,} observations); "
          f"runs={args.runs}; pyfixest {pf.__version__}, linearmodels "
          f"{linearmodels.__version__}, burdenshare {bs.__version__}; key columns "
          f"{'categorical' if args.categorical else 'strings'}; {load_note()}")
    ssc = pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="conventional")

    def raw_pyfixest() -> Any:
        return pf.feols("y ~ 1 | e + t | x ~ z", wide, vcov={"CRV1": "e"}, ssc=ssc,
                        fixef_rm="none", copy_data=False, store_data=False)

    # the frame the wrapper hands linearmodels: fixed effects partialled out (prepared here,
    # untimed), their number passed as extra_df
    ent, tim = wide["e"].to_numpy(), pd.factorize(wide["t"])[0]
    R = ivm._partial_out_fixed_effects(wide[["y", "x", "z"]].to_numpy(), ent, tim, "twoway")
    n_fe = int(ent.max()) + 1 + int(tim.max())
    idx = pd.RangeIndex(len(wide))
    y_, x_, z_ = (pd.DataFrame({c: R[:, j]}, index=idx) for j, c in enumerate(("y", "x", "z")))
    clusters = pd.DataFrame({"entity": ent}, index=idx)

    def raw_linearmodels() -> Any:
        return LM2SLS(y_["y"], None, x_, z_).fit(cov_type="clustered", clusters=clusters,
                                                  debiased=True, extra_df=n_fe)

    est = IV2SLS(base_year=BASE)
    pair = paired(raw_pyfixest, lambda: est.estimate(data), args.runs)
    t_pf, t_w, fit_pf, res = pair.median_a, pair.median_b, pair.value_a, pair.value_b
    t_lm, fit_lm = timed(raw_linearmodels, args.runs)
    from bench_econometrics_did import stage_times

    from burdenshare.estimators import _panel as _panel_frame
    from burdenshare.estimators import base
    probes = {"ledger of the inputs": (_panel_frame.PanelLedger, "__init__"),
              "panel build": (_panel_frame, "build_panel"),
              "instrument": (IV2SLS, "instrument_values"),
              "fit (partialling + linearmodels + AR)": (IV2SLS, "_fit"),
              "  partialling out the fixed effects": (IV2SLS, "_design"),
              "  Anderson-Rubin pieces": (ivm, "anderson_rubin_parts"),
              "settling the panel rows": (_panel_frame, "settle"),
              "exclusion frame": (base.Ledger, "excluded_frame"),
              "validation + provenance": (base, "finish_result")}
    total, per = stage_times(lambda: est.estimate(data), probes, args.runs)
    fastest = min(t_pf, t_lm)
    print(f"{'call':64s} {'seconds':>8s} {'x fastest raw':>14s}")
    for label, t in (("raw pyfixest feols IV (same model, same corrections)", t_pf),
                     ("raw linearmodels IV2SLS on the partialled-out frame (1 fit)", t_lm),
                     ("burdenshare IV2SLS().estimate(data)", t_w)):
        print(f"{label:64s} {t:8.3f} {t / fastest:14.2f}")
    print(f"stages of one estimate() (median of {args.runs}, total {total:.3f}s):")
    for k, v in per.items():
        print(f"  {k:60s} {v:8.3f}")
    top = [k for k in per if not k.startswith("  ")]
    print(f"  {'rest (checks, unit labels, settling the instrument inputs)':60s} "
          f"{total - sum(per[k] for k in top):8.3f}")
    r = res.estimates.iloc[0]
    print(f"coefficient: raw pyfixest {float(fit_pf.coef().iloc[0]):.12f}, raw linearmodels "
          f"{float(fit_lm.params.iloc[0]):.12f}, wrapper {float(r['estimate']):.12f} (true 0.05)")
    print(f"std. error:  raw pyfixest {float(fit_pf.se().iloc[0]):.12f}, raw linearmodels "
          f"{float(fit_lm.std_errors.iloc[0]):.12f}, wrapper {float(r['std_error']):.12f}")
    print(f"wrapper overhead vs fastest raw call: {t_w / fastest:.2f}x (ratio of medians); "
          f"used {res.diagnostics['used']:,}, excluded {res.diagnostics['excluded']:,}")
    print(ratio_line("iv_2sls vs raw pyfixest IV", pair))
    print(f"end: {load_note()}")


if __name__ == "__main__":
    main()
