"""How long each export format takes for a full comparison, as a ratio to CSV.

The comparison is ``refugees_per_1000``, ``one_in_n`` and ``refugees_per_gdp_ppp_pc`` over the
full embedded data (all years). Every suffix of :data:`burdenshare.export.SUFFIXES` is written
into a temporary directory (deleted afterwards). Times are ``time.perf_counter`` medians of N
runs after one warm-up run (which also pays for imports and font registration), in seconds
and as a ratio to the CSV writer measured in the same process. Data formats write every row;
report formats and charts write one year (their default: the latest), as in normal use.

Nothing is asserted: this script reports, it never passes or fails.

Run with ``.venv/bin/python benchmarks/bench_export.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import burdenshare as bs
from burdenshare.export import SUFFIXES, write_comparison


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    comp = bs.compare(["refugees_per_1000", "one_in_n", "refugees_per_gdp_ppp_pc"], bs.load_sample())
    print(f"comparison: {len(comp.long):,} estimate rows, {len(comp.excluded):,} exclusions")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in SUFFIXES:
            path = Path(tmp) / f"c{s}"
            t0 = time.perf_counter()
            write_comparison(comp, path)
            first = time.perf_counter() - t0
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                paths = write_comparison(comp, path)
                times.append(time.perf_counter() - t0)
            size = sum(p.stat().st_size for p in paths)
            rows.append((s, first, statistics.median(times), size))
    base = next(m for s, _, m, _ in rows if s == ".csv")
    print(f"{'format':<9}{'first s':>9}{'median s':>10}{'x csv':>8}{'bytes':>13}")
    for s, first, med, size in rows:
        print(f"{s:<9}{first:>9.3f}{med:>10.3f}{med / base:>8.1f}{size:>13,}")


if __name__ == "__main__":
    main()
