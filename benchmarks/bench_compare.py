"""How long ``compare()`` of every built-in estimator takes on the embedded data.

Times (``time.perf_counter``, median of N runs after one warm-up run) are printed in seconds and
as a ratio to the baseline measured in the same process: loading those inputs with
``bs.load_sample()``. Measured:

* ``compare()`` of all built-in estimators over the full embedded data (all years);
* the same on a single year (the latest year with refugee and population data);
* the comparison views (``long``, ``summary()``, ``ranks()``, ``agreement()``) on the full run;
* each estimator's ``estimate()`` alone on the full data, with the rows it produces.

Nothing is asserted: this script reports, it never passes or fails.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_compare.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import burdenshare as bs


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Return (first-call seconds, median seconds of ``runs`` further calls, last value)."""
    t0 = time.perf_counter()
    value = fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), value


def views(comp: bs.Comparison) -> tuple[int, ...]:
    """Build the comparison's tidy views from scratch (cached properties are per object)."""
    fresh = bs.Comparison(results=comp.results, failures=comp.failures,
                          data_fingerprint=comp.data_fingerprint)
    return (len(fresh.long), len(fresh.summary()), len(fresh.ranks()), len(fresh.agreement()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    args = parser.parse_args()
    runs = args.runs

    names = list(bs.available_estimators())
    print(f"bench_compare  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  burdenshare {bs.__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPU(s)")
    print(f"  median of {runs} runs after one warm-up run (time.perf_counter)")
    print(f"  estimators ({len(names)}): {', '.join(names)}")

    load_first, load_s, data = timed(bs.load_sample, runs)
    # the single year: the latest complete year of the relative-burden inputs (the demo's year);
    # estimators that need other years (keys, costs) fail there and are reported as FAILED
    from burdenshare.demo import latest_complete_year

    year = latest_complete_year(data)
    one_year = data.select(years=(year, year))
    print(f"  full data: {len(data):,} observations, years {data.years[0]}-{data.years[-1]}; "
          f"single year {year} (latest complete year of the relative-burden inputs): "
          f"{len(one_year):,} observations\n")

    full_first, full_s, comp = timed(lambda: bs.compare(names, data, on_error="record"), runs)
    year_first, year_s, comp_year = timed(lambda: bs.compare(names, one_year, on_error="record"),
                                          runs)
    _, views_s, _ = timed(lambda: views(comp), runs)

    def rows(c: bs.Comparison) -> tuple[int, int]:
        return (sum(len(r.estimates) for r in c.results.values()),
                sum(len(r.excluded) for r in c.results.values()))

    def line(label: str, seconds: float, first: float | None = None,
             counts: tuple[int, int] | None = None) -> None:
        est, exc = (f"{counts[0]:,}", f"{counts[1]:,}") if counts else ("", "")
        first_txt = f"{first:.3f}" if first is not None else ""
        print(f"  {label:<44} {seconds:>8.3f} {seconds / load_s:>7.2f} {first_txt:>8} "
              f"{est:>9} {exc:>9}")

    print(f"  {'measurement':<44} {'median s':>8} {'x load':>7} {'first s':>8} "
          f"{'estimates':>9} {'excluded':>9}")
    line("load_sample() (baseline)", load_s, load_first)
    line(f"compare(all {len(names)} built-ins), all years", full_s, full_first, rows(comp))
    line(f"compare(all {len(names)} built-ins), {year} only", year_s, year_first, rows(comp_year))
    line("views: long, summary, ranks, agreement", views_s)
    print("  per estimator, estimate() on all years:")
    per_total = 0.0
    for name in names:
        if name in comp.failures:
            print(f"    {name:<42} FAILED on all years (see below)")
            continue
        est = bs.get_estimator(name)()
        first, seconds, res = timed(lambda est=est: est.estimate(data), runs)
        per_total += seconds
        line(f"  {name}", seconds, first, (len(res.estimates), len(res.excluded)))
    line("  sum of the estimators", per_total)
    print(f"\n  compare() all years / {year} only: {full_s / year_s:.2f}x; compare() / sum of "
          f"estimate() calls: {full_s / per_total:.2f}x")
    for label, c in (("all years", comp), (str(year), comp_year)):
        for method, msg in c.failures.items():
            print(f"  FAILED ({label}), so its time is not comparable: {method}: {msg[:120]}")


if __name__ == "__main__":
    main()
