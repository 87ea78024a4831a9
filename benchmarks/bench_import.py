"""How long ``import burdenshare`` takes, and which heavy modules it pulls in.

Each statement runs in a fresh interpreter (N runs, interleaved, median reported), so no import
cache is shared. Two timings per run:

* ``process``: wall time of the whole subprocess (interpreter start-up included), measured by
  this script with ``time.perf_counter``;
* ``import``: time of the import statement alone, measured inside the child.

Figures are printed as ratios to baselines measured in the same run: ``python -c pass`` for the
process time and ``import pandas`` (burdenshare's own heaviest dependency) for the import time.
Nothing is asserted: this script reports, it never passes or fails.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_import.py [--runs N]``.
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

#: Optional or heavy modules that ``import burdenshare`` should not load (STYLE.md §4 rule 9).
HEAVY = ("altair", "ipywidgets", "great_tables", "vl_convert", "openpyxl", "statsmodels",
         "linearmodels", "scipy", "pandera", "dask")
#: Core dependencies, loaded on first use of the names that need them (listed for information;
#: since every public name became lazy, ``import burdenshare`` loads none of them).
CORE = ("numpy", "pandas", "pyarrow")

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
{stmt}
t1 = time.perf_counter()
print(json.dumps({{"seconds": t1 - t0, "modules": {{m: m in sys.modules for m in {modules!r}}},
                  "n_modules": len(sys.modules)}}))
"""

CASES = {
    "python -c pass": "pass",
    "import pandas": "import pandas",
    "import burdenshare": "import burdenshare",
}


def run_child(stmt: str, modules: tuple[str, ...] = ()) -> tuple[float, dict]:
    """Run ``stmt`` in a fresh interpreter; return (process wall seconds, child report)."""
    code = _CHILD.format(stmt=stmt, modules=modules)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env)
    wall = time.perf_counter() - t0
    return wall, json.loads(out.stdout.strip().splitlines()[-1])


def self_time_by_package(stmt: str, n: int = 8) -> list[tuple[str, float]]:
    """Import time of ``stmt`` per top-level package (sum of self times, ``-X importtime``)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", stmt], capture_output=True,
                         text=True, check=True)
    totals: dict[str, float] = {}
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        try:
            self_us = int(parts[0].rsplit(":", 1)[1])
        except ValueError:
            continue  # the header line
        package = parts[2].strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + self_us / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per case")
    args = parser.parse_args()

    import burdenshare

    print(f"bench_import  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  burdenshare {burdenshare.__version__}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU(s)")
    print(f"  median of {args.runs} fresh interpreters per case, interleaved\n")

    # warm the OS file cache once per case, then interleave the timed runs
    for stmt in CASES.values():
        run_child(stmt)
    walls: dict[str, list[float]] = {k: [] for k in CASES}
    imports: dict[str, list[float]] = {k: [] for k in CASES}
    n_modules: dict[str, int] = {}
    for _ in range(args.runs):
        for label, stmt in CASES.items():
            wall, rep = run_child(stmt)
            walls[label].append(wall)
            imports[label].append(rep["seconds"])
            n_modules[label] = rep["n_modules"]

    med_wall = {k: statistics.median(v) for k, v in walls.items()}
    med_imp = {k: statistics.median(v) for k, v in imports.items()}
    base_wall, base_imp = med_wall["python -c pass"], med_imp["import pandas"]
    print(f"  {'case':<20} {'process s':>10} {'x pass':>8} {'import s':>10} {'x pandas':>9} "
          f"{'modules':>8}")
    for label in CASES:
        print(f"  {label:<20} {med_wall[label]:>10.3f} {med_wall[label] / base_wall:>8.2f} "
              f"{med_imp[label]:>10.3f} {med_imp[label] / base_imp:>9.2f} {n_modules[label]:>8}")
    bs_only = med_imp["import burdenshare"] - med_imp["import pandas"]
    print(f"\n  import burdenshare beyond pandas: {bs_only:.3f} s "
          f"(range of {args.runs} runs: {min(imports['import burdenshare']):.3f}-"
          f"{max(imports['import burdenshare']):.3f} s)")

    _, rep = run_child("import burdenshare", HEAVY + CORE)
    loaded = rep["modules"]
    print("\n  after `import burdenshare`:")
    print("    heavy, should NOT be loaded: " + ", ".join(
        f"{m} {'LOADED' if loaded[m] else 'no'}" for m in HEAVY))
    print("    core dependencies:           " + ", ".join(
        f"{m} {'loaded' if loaded[m] else 'no'}" for m in CORE))

    print("\n  where `import burdenshare` spends its time, by package (one -X importtime run):")
    for name, seconds in self_time_by_package("import burdenshare"):
        print(f"    {name:<20} {seconds:.3f} s")


if __name__ == "__main__":
    main()
