"""How long ``load_sample()`` takes, against pyarrow parsing the same files in the same process.

The baseline is ``pyarrow.csv.read_csv`` of every observation file of the embedded samples
(``burdenshare.io.sample_files()``), default options (multi-threaded, types inferred), timed in
the same child process right before ``load_sample()``; the figure to read is the ratio of
``load_sample()`` to that parse (goal: at most 3x, issue #14 section 3).

``--baseline-src DIR`` also runs the same measurement on another copy of the package (e.g. the
code before a change: ``git archive <commit> burdenshare data_samples | tar -x -C DIR``), in
interleaved child processes of the same run, so the before/after ratios share the machine's
load. Nothing is asserted: this script reports, it never passes or fails.

Run with ``.venv/bin/python benchmarks/bench_load.py [--runs N] [--baseline-src DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

_CHILD = """
import json, statistics, sys, time
import pyarrow.csv as pacsv
import burdenshare as bs
from burdenshare.io import sample_files
files = sample_files()
parse, load = [], []
bs.load_sample()  # warm-up (file cache, lazy imports)
for _ in range({reps}):
    t0 = time.perf_counter()
    rows = sum(pacsv.read_csv(f).num_rows for f in files)
    t1 = time.perf_counter()
    data = bs.load_sample()
    t2 = time.perf_counter()
    parse.append(t1 - t0)
    load.append(t2 - t1)
print(json.dumps({{"parse": parse, "load": load, "rows": rows, "files": len(files),
                  "observations": len(data), "fingerprint": data.fingerprint,
                  "module": bs.__file__}}))
"""


def run_child(src: str | None, reps: int) -> dict:
    """Measure in a fresh interpreter, importing burdenshare from ``src`` if given."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", _CHILD.format(reps=reps)], capture_output=True,
                         text=True, check=True, env=env, cwd="/")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="child processes per code version")
    parser.add_argument("--reps", type=int, default=3, help="timed pairs inside each child")
    parser.add_argument("--baseline-src", metavar="DIR",
                        help="another copy of the package to measure in the same run")
    args = parser.parse_args()

    print(f"bench_load  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    versions = {"current": None}
    if args.baseline_src:
        versions = {"baseline": args.baseline_src, "current": None}
    reports: dict[str, list[dict]] = {k: [] for k in versions}
    for _ in range(args.runs):  # interleaved
        for label, src in versions.items():
            reports[label].append(run_child(src, args.reps))
    print(f"  {args.runs} child processes x {args.reps} timed (parse, load) pairs per version; "
          "medians over all pairs\n")
    print(f"  {'version':<9} {'pyarrow parse s':>15} {'load_sample s':>14} {'ratio':>6} "
          f"{'ratio range':>12} {'observations':>12}  fingerprint")
    for label, reps in reports.items():
        parse = [p for r in reps for p in r["parse"]]
        load = [x for r in reps for x in r["load"]]
        ratios = [x / p for x, p in zip(load, parse)]
        print(f"  {label:<9} {statistics.median(parse):>15.3f} {statistics.median(load):>14.3f} "
              f"{statistics.median(ratios):>6.1f} {min(ratios):>5.1f}-{max(ratios):<6.1f} "
              f"{reps[0]['observations']:>12,}  {reps[0]['fingerprint'][:16]}")
    first = next(iter(reports.values()))[0]
    print(f"\n  {first['files']} observation files, {first['rows']:,} rows parsed by pyarrow")
    if len(reports) == 2:
        same = reports["baseline"][0]["fingerprint"] == reports["current"][0]["fingerprint"]
        print(f"  fingerprints of baseline and current: {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
