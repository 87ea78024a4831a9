"""Decision grids: universes per second serially and on Dask, memory per 10^5 universes, and
the largest grid tried (universe x country rows streamed to Parquet).

Prints, never asserts (STYLE.md §3.9). Baseline in the same process: the serial run.

1. Throughput: the example grid ``methodology/grids/latest_year.toml`` (real data, 56
   universes), serially and on a local Dask cluster of ``--workers`` processes (the cluster is
   started before timing; its start-up time is printed separately). Results are checked
   identical (the same frames) and the ratio Dask/serial is printed.
2. Memory: a grid of refugees per 1,000 / per GDP (PPP) per capita / "1 in N" / relative effort
   (4 capacities) x who counts (15 definitions) x year (``data.year``) on the embedded real
   data, streamed to Parquet: the growth of the process's peak resident memory, the manifest's
   size, and both scaled to 10^5 universes.
3. The largest grid tried: the same grid over ``--years`` years, streamed; its universes,
   universe x country rows, time and peak memory; then the attribution and rank distribution
   over all of it, read back from Parquet.

Run: ``.venv/bin/python benchmarks/bench_multiverse.py [--years 50] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

import burdenshare as bs
from burdenshare.multiverse import (
    Choice,
    Grid,
    Method,
    example_grid_path,
    read_grid,
    run_multiverse,
)

PEOPLE = ("refugees", "oip", "asylum_seekers", "unrwa_refugees")


def peak_mib() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mib() -> float:
    """Current resident memory of this process (from /proc/self/statm)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


class RssSampler:
    """Sample this process's resident memory every ``interval`` seconds in a thread."""

    def __init__(self, interval: float = 0.25) -> None:
        import threading

        self.interval = interval
        self.peak = current_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, current_mib())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_mib())


def big_grid(years: range, *, lookbacks: tuple[int, ...] = (0,)) -> Grid:
    """Real-data grid: 9 method variants x 15 definitions of who counts x years.

    ``lookbacks`` of more than one value adds the choice ``data.lookback`` (inputs of the year
    only, or also of the year before): it cannot change a same-year index, so its attributed
    share must be zero, a check printed with the results.
    """
    defs = [list(c) for r in range(1, 5) for c in itertools.combinations(PEOPLE, r)]
    last = years[-1]
    choices = [Choice("who_counts", tuple(defs)),
               Choice("capacity", ("population", "gdp_usd_current", "gdp_ppp",
                                   "gni_atlas_usd_current", "land_area_km2")),
               Choice("data.year", tuple(years))]
    if len(lookbacks) > 1:
        choices.append(Choice("data.lookback", lookbacks))
    return Grid(
        methods=(Method("refugees_per_1000", "refugees_per_1000", year=last, lookback=0),
                 Method("refugees_per_gdp_ppp_pc", "refugees_per_gdp_ppp_pc", year=last,
                        lookback=0),
                 Method("one_in_n", "one_in_n", year=last, lookback=0),
                 Method("refugees_per_1000_km2", "refugees_per_1000_km2", year=last, lookback=0,
                        params={"area_year": "same_year"}),
                 Method("relative_effort", "relative_effort", year=last, lookback=0)),
        choices=tuple(choices), name=f"bench_{years[0]}_{last}", seed=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--years", type=int, default=35, help="years of the largest grid")
    parser.add_argument("--skip-large", action="store_true", help="skip the largest grid")
    parser.add_argument("--large-scheduler", choices=("serial", "dask"), default="dask",
                        help="scheduler of the largest grid")
    parser.add_argument("--memory-years", type=int, default=4, help="years of the throughput "
                        "grid (the memory grids use 1 and 2 years)")
    args = parser.parse_args()
    print(f"bench_multiverse  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  python "
          f"{platform.python_version()}  cores {os.cpu_count()}")
    t0 = time.perf_counter()
    data = bs.load_sample()
    print(f"load_sample: {time.perf_counter() - t0:.2f} s ({len(data):,} observations)")

    # ---------------------------------------------------------------- 1. throughput
    from dask.distributed import Client, LocalCluster

    grids = [read_grid(example_grid_path("latest_year")),
             big_grid(range(2024 - args.memory_years + 1, 2025))]
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0", protocol="tcp://",
                           host="127.0.0.1")
    client = Client(cluster)
    tstart = time.perf_counter() - t0
    try:
        # warm-up: every worker imports burdenshare and builds its schemas once
        t0 = time.perf_counter()
        run_multiverse(grids[0].subgrid(fix={"method": "refugees_per_1000"}), data,
                       scheduler="dask", address=client, progress=False, batch_size=1)
        twarm = time.perf_counter() - t0
        print(f"\n1. throughput (Dask: local cluster of {args.workers} worker processes, started "
              f"in {tstart:.1f} s and warmed in {twarm:.1f} s, neither included)")
        for g in grids:
            n = len(g)
            t0 = time.perf_counter()
            serial = run_multiverse(g, data, progress=False)
            ts = time.perf_counter() - t0
            t0 = time.perf_counter()
            dask = run_multiverse(g, data, scheduler="dask", address=client, progress=False)
            td = time.perf_counter() - t0
            same = serial.long.equals(dask.long) and serial.manifest.equals(dask.manifest)
            print(f"   grid {g.name}: {n} universes, {len(serial.long):,} rows")
            print(f"     serial          {ts:7.2f} s  {n / ts:7.1f} universes/s  (baseline)")
            print(f"     dask {args.workers} workers  {td:7.2f} s  {n / td:7.1f} universes/s  "
                  f"x{ts / td:.2f} of serial; identical results: {same}")
        _sections_2_3(args, data, client)
    finally:
        client.close()
        cluster.close()


def _sections_2_3(args: argparse.Namespace, data: bs.Dataset, client: object) -> None:

    # ---------------------------------------------------------------- 2. memory
    tmp = Path(tempfile.mkdtemp(prefix="bench_multiverse_"))
    try:
        import tracemalloc

        def traced(grid: Grid, out: Path | None) -> tuple[float, float, object]:
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            t0 = time.perf_counter()
            # a fixed batch size: the working set of one batch is the same for both sizes, so
            # the difference is what grows with the number of universes
            mv = run_multiverse(grid, data, progress=False, out=out, batch_size=32)
            _ = len(mv.manifest)
            secs = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
            return peak, secs, mv

        g1, g2 = big_grid(range(2024, 2025)), big_grid(range(2023, 2025))
        p1, _t1, _ = traced(g1, tmp / "m1.parquet")
        p2, _t2, mv2 = traced(g2, tmp / "m2.parquet")
        pm, _tm, _ = traced(g2, None)
        n1, n2 = len(g1), len(g2)
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        universes, _ruled = g2.enumerate()
        plan_bytes = (tracemalloc.get_traced_memory()[0] - base) / len(universes)
        tracemalloc.stop()
        del universes
        man_bytes = mv2.manifest.memory_usage(deep=True).sum() / n2
        disk = sum(f.stat().st_size for f in (tmp / "m2.parquet").rglob("*"))
        per = (plan_bytes + man_bytes) * 1e5 / 2 ** 20
        print("\n2. memory (tracemalloc peak of Python allocations during a run; batches of 32 "
              "universes)")
        print(f"   streamed: {n1} universes {p1 / 2 ** 20:.1f} MiB, {n2} universes "
              f"{p2 / 2 ** 20:.1f} MiB (the working set of the batches in flight, not growing "
              "with the grid)")
        print(f"   what grows with the grid when streaming: the universe list {plan_bytes:.0f} "
              f"B + the manifest {man_bytes:.0f} B per universe = {per:.0f} MiB per 10^5 "
              "universes")
        print(f"   in memory (no streaming), {n2} universes: {pm / 2 ** 20:.1f} MiB = "
              f"{pm / n2 / 1024:.1f} KiB per universe = {pm / n2 * 1e5 / 2 ** 30:.2f} GiB per "
              "10^5 universes")
        print(f"   results on disk: {disk / n2 * 1e5 / 2 ** 30:.2f} GiB per 10^5 universes")

        # ------------------------------------------------------------ 3. the largest grid
        if args.skip_large:
            return
        lgrid = big_grid(range(2024 - args.years + 1, 2025), lookbacks=(0, 1))
        before = current_mib()
        with RssSampler() as rss:
            t0 = time.perf_counter()
            big = run_multiverse(lgrid, data, out=tmp / "large.parquet", progress=False,
                                 scheduler=args.large_scheduler,
                                 address=client if args.large_scheduler == "dask" else None)
            tl = time.perf_counter() - t0
        nl = len(big.manifest)
        rows = int(big.manifest["n_rows"].sum())
        failed = int((big.manifest["status"] == "failed").sum())
        disk = sum(f.stat().st_size for f in (tmp / "large.parquet").rglob("*"))
        print(f"\n3. largest grid tried: {nl:,} universes ({failed} failed), {rows:,} "
              f"universe x country rows, {tl:.1f} s on {args.large_scheduler} "
              f"({nl / tl:.1f} universes/s), "
              f"on disk {disk / 2 ** 20:.0f} MiB")
        grow = max(0.0, rss.peak - before)
        print(f"   resident memory: {before:.0f} MiB before, peak {rss.peak:.0f} MiB during the "
              f"run (+{grow:.0f} MiB = {grow / nl * 1e5 / 1024:.2f} GiB per 10^5 universes if "
              "it all grew with the grid; most of it is the fixed per-batch working set; Dask "
              "workers are separate processes)")
        t0 = time.perf_counter()
        long = big.long
        tr = time.perf_counter() - t0
        t0 = time.perf_counter()
        att = big.attribution(on="rank")
        ta = time.perf_counter() - t0
        t0 = time.perf_counter()
        rd = big.rank_distribution(k=10)
        tk = time.perf_counter() - t0
        print(f"   read back {len(long):,} rows {tr:.1f} s; attribution on ranks "
              f"{ta:.1f} s ({len(att):,} rows); rank distribution {tk:.1f} s ({len(rd):,} rows)")
        over = att[att["scope"] == "overall"].groupby("term")["share_shapley"].mean()
        print("   overall Shapley shares of the rank variance (mean over years; data.lookback "
              "cannot change a same-year index, so its share must be 0): "
              + ", ".join(f"{k} {v:.2f}" for k, v in over.sort_values(ascending=False).items()))
        fails = big.failures["error"].str.slice(0, 60).value_counts().head(3)
        for msg, k in fails.items():
            print(f"   failed x{k}: {msg}")
        del long, att, rd
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    pd.set_option("display.width", 120)


if __name__ == "__main__":
    main()
