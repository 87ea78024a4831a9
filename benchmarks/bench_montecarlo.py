"""How much the vectorised Monte Carlo of the unit-cost estimators saves over a per-draw loop.

Both compute the same draws (``burdenshare.estimators._montecarlo``): for each country a stream
``SeedSequence(seed, spawn_key=(code, year))``, a mean-one log-normal factor per part (school level
or sector) and draw, and the cost draw = sum over parts of point cost x factor.

* vectorised (``draw_costs``): one ``standard_normal((draws, parts))`` call per country;
* per-draw loop (``draw_costs_per_draw``): for every draw, for every country, one call for its
  parts and a Python sum;
* the vectorised version again with ``n_jobs`` threads (results identical by construction).

Printed: seconds (``time.perf_counter``; median of ``--runs`` for the vectorised versions, one run
for the loop, which is slow), the ratio loop / vectorised, and the largest relative difference
between the two results (the same normals are drawn; only summation order can differ).
Nothing is asserted: this script reports, it never passes or fails.

Run with ``.venv/bin/python benchmarks/bench_montecarlo.py [--draws 10000 --countries 200]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import string
import time

import numpy as np

from burdenshare._version import __version__
from burdenshare.estimators import _montecarlo as mc


def codes(n: int) -> list[str]:
    """``n`` distinct three-letter codes (synthetic: only their stream matters)."""
    return ["".join(t) for t in itertools.islice(
        itertools.product(string.ascii_uppercase, repeat=3), n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--parts", type=int, default=2, help="cost parts per country (2 = levels)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    iso3 = codes(args.countries)
    years = [2025] * args.countries
    costs = np.linspace(1e6, 2e8, args.countries * args.parts).reshape(args.countries, args.parts)
    kw = dict(n_draws=args.draws, cv=0.25)

    print(f"burdenshare {__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs")
    print(f"{args.draws:,} draws x {args.countries} countries x {args.parts} parts "
          f"({args.draws * args.countries * args.parts:,} normals)")

    mc.draw_costs(1, iso3, years, costs, **kw)  # warm-up
    vec_times, par_times = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        fast = mc.draw_costs(1, iso3, years, costs, **kw)
        vec_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        threaded = mc.draw_costs(1, iso3, years, costs, n_jobs=args.jobs, **kw)
        par_times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    slow = mc.draw_costs_per_draw(1, iso3, years, costs, **kw)
    loop_time = time.perf_counter() - t0

    vec, par = statistics.median(vec_times), statistics.median(par_times)
    rel = float(np.max(np.abs(fast - slow) / np.abs(slow)))
    print(f"{'method':<34} {'seconds':>10}")
    print(f"{'vectorised (median of ' + str(args.runs) + ')':<34} {vec:>10.3f}")
    print(f"{'vectorised, n_jobs=' + str(args.jobs) + ' (median)':<34} {par:>10.3f}")
    print(f"{'per-draw loop (1 run)':<34} {loop_time:>10.3f}")
    print(f"ratio per-draw loop / vectorised: {loop_time / vec:,.1f}")
    print(f"ratio vectorised / n_jobs={args.jobs}: {vec / par:,.2f}")
    print(f"largest relative difference loop vs vectorised: {rel:.1e}; "
          f"threaded identical to serial: {bool(np.array_equal(fast, threaded))}")


if __name__ == "__main__":
    main()
