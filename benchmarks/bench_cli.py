"""Whole-process time and peak memory of ``burdenshare run``, against ``python -c "import pandas"``.

Each case runs in a fresh interpreter (interleaved, median of N): the process's wall time
(``time.perf_counter`` around it) and its peak resident memory (``ru_maxrss`` from
``os.wait4`` of that child alone). Cases:

* ``python -c "import pandas"`` (the baseline: the goal for ``run`` is at most 2.5x);
* ``python -c "import burdenshare"`` (goal: at most 1.5x ``import pandas``);
* ``burdenshare run refugees_per_1000 --years 2024 --out x.csv`` (as ``python -m burdenshare``,
  so that ``--baseline-src`` can point it at another copy of the package).

It also lists which heavy modules each statement leaves loaded. ``--baseline-src DIR`` repeats
the burdenshare cases with another copy of the package (e.g. the code before a change) in the
same interleaved run. Nothing is asserted; output files go to a temporary folder.

Run with ``.venv/bin/python benchmarks/bench_cli.py [--runs N] [--baseline-src DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _proc import run_reaped

HEAVY = ("scipy", "statsmodels", "linearmodels", "pandera", "dask", "pyfixest", "altair",
         "openpyxl", "pandas")


def modules_after(stmt: str, env: dict[str, str], cwd: str) -> list[str]:
    code = (f"{stmt}\nimport sys, json\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per case")
    parser.add_argument("--baseline-src", metavar="DIR",
                        help="another copy of the package to measure in the same run")
    args = parser.parse_args()

    base_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    versions: dict[str, dict[str, str]] = {}
    if args.baseline_src:
        versions["baseline"] = {**base_env, "PYTHONPATH": args.baseline_src}
    versions["current"] = base_env
    with tempfile.TemporaryDirectory(prefix="bench_cli_") as tmp:
        out = str(Path(tmp) / "x.csv")
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "import pandas": ([sys.executable, "-c", "import pandas"], base_env)}
        for label, env in versions.items():
            cases[f"import burdenshare [{label}]"] = (
                [sys.executable, "-c", "import burdenshare"], env)
            cases[f"run refugees_per_1000 [{label}]"] = (
                [sys.executable, "-m", "burdenshare", "run", "refugees_per_1000", "--years",
                 "2024", "--out", out], env)
        for cmd, env in cases.values():  # warm the file cache
            run_reaped(cmd, env, tmp)
        walls: dict[str, list[float]] = {k: [] for k in cases}
        rss: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for label, (cmd, env) in cases.items():
                w, r, _ = run_reaped(cmd, env, tmp)
                walls[label].append(w)
                rss[label].append(r)
        loaded = {label: modules_after("import burdenshare", env, tmp)
                  for label, env in versions.items()}

    print(f"bench_cli  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    print(f"  median of {args.runs} fresh processes per case, interleaved; peak RSS of each "
          "child from os.wait4\n")
    base = statistics.median(walls["import pandas"])
    print(f"  {'case':<36} {'wall s':>8} {'x pandas':>9} {'range x':>12} {'peak MB':>8}")
    for label in cases:
        med = statistics.median(walls[label])
        ratios = [w / b for w, b in zip(walls[label], walls["import pandas"])]
        print(f"  {label:<36} {med:>8.3f} {med / base:>9.2f} "
              f"{min(ratios):>5.2f}-{max(ratios):<6.2f} {statistics.median(rss[label]):>8.0f}")
    print("\n  modules loaded by `import burdenshare`:")
    for label, mods in loaded.items():
        print(f"    {label:<9} {', '.join(mods) or 'none of ' + ', '.join(HEAVY)}")


if __name__ == "__main__":
    main()
