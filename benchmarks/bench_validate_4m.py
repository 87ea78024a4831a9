"""``validate`` and ``run`` on a 4-million-row observation file: time and peak memory.

The file is built here, in a temporary folder that is removed afterwards (never committed):
the real national observations of the embedded samples, then the same observations repeated for
synthetic sub-national areas ``synthetic_A001``, ``synthetic_A002``, ... until the file has
``--rows`` rows (4,000,000 by default), written as plain CSV with a ``sources.json`` beside it.
The values are the real ones; only the ``area`` codes are synthetic.

Cases, each a fresh process, peak resident memory from ``os.wait4`` of that child:

* ``pyarrow parse``: ``pyarrow.csv.read_csv`` of the file (time inside the process: the
  baseline for the goal "at most 3x the pyarrow parse"), and the whole process;
* ``burdenshare validate FILE``;
* ``burdenshare run refugees_per_1000 --data FILE --years 2024 --out x.csv``.

Goals (issue #14 section 3): peak memory at most 1.5 GB, time at most 3x the parse.
``--baseline-src DIR`` repeats the burdenshare cases with another copy of the package in the
same run (the code before a change needed about 3 GB here; ``--baseline-rows`` can make its
file smaller). Nothing is asserted.

Run with ``.venv/bin/python benchmarks/bench_validate_4m.py [--rows N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _proc import run_reaped

_PARSE = """
import json, time
import pyarrow.csv as pacsv
t0 = time.perf_counter()
n = pacsv.read_csv({path!r}).num_rows
print(json.dumps({{"seconds": time.perf_counter() - t0, "rows": n}}))
"""


def build_file(folder: Path, rows: int) -> Path:
    """Write ``synthetic_big.csv`` (real observations x synthetic areas) and its sources.json."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import burdenshare as bs

    obs = bs.load_sample().observations
    national = obs[obs["area"].isna()]
    copies = -(-rows // len(national))
    cols = {}
    for c in ("iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3"):
        col = national[c]
        arr = (pa.array(col.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string())
               if c not in ("year", "value") else pa.array(col.to_numpy(), from_pandas=True))
        cols[c] = pa.concat_arrays([arr] * copies)[:rows]
    # copy 0 is the real national data (area empty), the others synthetic areas
    names = [None] + [f"synthetic_A{k:03d}" for k in range(1, copies)]
    area = np.repeat(np.array(names, dtype=object), len(national))[:rows]
    cols["area"] = pa.array(area, type=pa.string())
    table = pa.table(cols)
    path = folder / "synthetic_big.csv"
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="none"))
    shutil.copy(bs.sample_path("sources.json"), folder / "sources.json")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--runs", type=int, default=2, help="fresh processes per case")
    parser.add_argument("--baseline-src", metavar="DIR",
                        help="another copy of the package to measure in the same run")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    versions = {"current": env}
    if args.baseline_src:
        versions = {"baseline": {**env, "PYTHONPATH": args.baseline_src}, "current": env}
    with tempfile.TemporaryDirectory(prefix="bench_4m_") as tmp:
        t0 = time.perf_counter()
        path = build_file(Path(tmp), args.rows)
        built = time.perf_counter() - t0
        size = path.stat().st_size / 2**20
        out = str(Path(tmp) / "x.csv")
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "pyarrow parse (whole process)": ([sys.executable, "-c", _PARSE.format(path=str(path))],
                                              env)}
        for label, e in versions.items():
            cases[f"validate [{label}]"] = (
                [sys.executable, "-m", "burdenshare", "validate", str(path)], e)
            cases[f"run refugees_per_1000 [{label}]"] = (
                [sys.executable, "-m", "burdenshare", "run", "refugees_per_1000", "--data",
                 str(path), "--years", "2024", "--out", out], e)
        walls: dict[str, list[float]] = {k: [] for k in cases}
        rss: dict[str, list[float]] = {k: [] for k in cases}
        parse_in: list[float] = []
        outputs: dict[str, str] = {}
        for _ in range(args.runs):
            for label, (cmd, e) in cases.items():
                w, r, text = run_reaped(cmd, e, tmp)
                walls[label].append(w)
                rss[label].append(r)
                outputs[label] = text.strip().splitlines()[-1] if text.strip() else ""
                if label.startswith("pyarrow"):
                    parse_in.append(json.loads(outputs[label])["seconds"])

    print(f"bench_validate_4m  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    print(f"  file: {args.rows:,} rows, {size:.0f} MB CSV (built in {built:.1f} s); median of "
          f"{args.runs} fresh processes per case\n")
    parse = statistics.median(parse_in)
    parse_proc = statistics.median(walls["pyarrow parse (whole process)"])
    print(f"  pyarrow parse inside the process: {parse:.3f} s (the baseline)\n")
    print(f"  {'case':<36} {'wall s':>8} {'x parse':>8} {'x parse process':>16} {'peak MB':>8}")
    for label in cases:
        med = statistics.median(walls[label])
        print(f"  {label:<36} {med:>8.2f} {med / parse:>8.2f} {med / parse_proc:>16.2f} "
              f"{max(rss[label]):>8.0f}")
    print("\n  last line printed by each case:")
    for label, text in outputs.items():
        print(f"    {label}: {text[:150]}")


if __name__ == "__main__":
    main()
