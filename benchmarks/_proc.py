"""Helpers shared by the whole-process benchmarks (``bench_cli.py``, ``bench_validate_4m.py``)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time


def run_reaped(cmd: list[str], env: dict[str, str], cwd: str) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS in MB of that child alone, stdout).

    The child is reaped with ``os.wait4``, whose resource usage is that process's own (not the
    maximum over all children, as ``RUSAGE_CHILDREN`` would give)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])} … exited {proc.returncode}: "
                               f"{err.read().strip()[-500:]}")
        return wall, usage.ru_maxrss / 1024, out.read()
