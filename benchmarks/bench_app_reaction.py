"""Reaction time of the comparison app in a real browser: control change -> updated table and chart.

A JupyterLab server on localhost runs a small notebook holding ``ComparisonApp`` (the same
harness as the browser tests: ``tests/browser/lab.py``); headless Debian chromium changes a
control 20 times per scenario. In the page, a MutationObserver timestamps the first change of
the table (``.bs-table``) and the last change of the chart (``.bs-chart``, once it has been
quiet for 300 ms) against the moment the control's ``change`` event was dispatched. Prints p50,
p95 and max in milliseconds (goal: p95 <= 250 ms). Never asserts.

Scenarios:

- ``parameter``: relative effort's ``capacity`` dropdown cycles through five values four times
  (the first pass estimates, later passes reuse cached results, as a user going back does);
- ``parameter, re-estimated``: the same with a result cache that holds only the three methods
  shown, so every change re-estimates relative effort on the whole dataset;
- ``countries``: the country selection alternates between two sets (no re-estimation).

Run: ``.venv/bin/python benchmarks/bench_app_reaction.py`` (``make bench`` runs it).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.lab import (  # noqa: E402
    LabServer,
    browser_page,
    missing_browser_message,
    open_notebook,
    run_all,
    wait_for_app,
)

N_CHANGES = 20
QUIET_MS = 300
CAPACITIES = ["gdp_usd_current", "population", "gni_atlas_usd_current", "gdp_ppp",
              "land_area_km2"]

# Dispatch one change on a <select> and time the table's first and the chart's last mutation.
_MEASURE = """
async ([selector, values, quietMs]) => {
  const sel = document.querySelector(selector);
  const table = document.querySelector('.bs-table');
  const chart = document.querySelector('.bs-chart');
  return await new Promise((resolve) => {
    let tTable = null, tChart = null, tChartFirst = null, quiet = null;
    const t0 = performance.now();
    const finish = (timeout) => { obs.disconnect(); resolve({
      table: tTable === null ? null : tTable - t0,
      chart: tChart === null ? null : tChart - t0,
      chartFirst: tChartFirst === null ? null : tChartFirst - t0, timeout }); };
    const obs = new MutationObserver((muts) => {
      const now = performance.now();
      for (const m of muts) {
        if (tTable === null && table.contains(m.target)) tTable = now;
        if (chart.contains(m.target)) { tChart = now; if (tChartFirst === null) tChartFirst = now; }
      }
      if (tTable !== null && tChart !== null) {
        clearTimeout(quiet);
        quiet = setTimeout(() => finish(false), quietMs);
      }
    });
    obs.observe(table, {subtree: true, childList: true, characterData: true});
    obs.observe(chart, {subtree: true, childList: true, characterData: true, attributes: true});
    for (const o of sel.options) {
      o.selected = values.some((v) => o.value === v || o.label === v || o.label.endsWith(`(${v})`));
    }
    sel.dispatchEvent(new Event('change', {bubbles: true}));
    setTimeout(() => finish(true), 15000);
  });
}
"""


def _notebook(path: Path, cache_size: int) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from burdenshare.app import ComparisonApp\n"
        f"app = ComparisonApp(export_dir='exports', cache_size={cache_size})\napp")],
        metadata={"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}})
    nbformat.write(nb, path)


def _stats(xs: list[float]) -> str:
    a = np.asarray(xs, dtype=float)
    return (f"p50 {np.percentile(a, 50):6.0f}  p95 {np.percentile(a, 95):6.0f}  "
            f"max {a.max():6.0f}  (n={len(a)})")


def _run(page, selector: str, sequence: list[list[str]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"table": [], "chart": [], "chart_first": [], "timeouts": []}
    for values in sequence:
        r = page.evaluate(_MEASURE, [selector, values, QUIET_MS])
        if r["timeout"] or r["table"] is None or r["chart"] is None:
            out["timeouts"].append(1.0)
            continue
        # the chart time is its last mutation; the quiet window is not part of it
        out["table"].append(r["table"])
        out["chart"].append(r["chart"])
        out["chart_first"].append(r["chartFirst"])
        time.sleep(0.2)
    return out


def main() -> None:
    why = missing_browser_message()
    if why:
        print(f"bench_app_reaction: skipped: {why}")
        return
    base = Path(tempfile.mkdtemp(prefix="bs-bench-app-"))
    src = base / "src"
    src.mkdir()
    _notebook(src / "bench_cached.ipynb", 64)
    # three results fit: the three methods shown; a new capacity value evicts the old one,
    # so every change re-estimates relative effort (and only it)
    _notebook(src / "bench_reestimate.ipynb", 3)
    server = LabServer(base)
    t = time.perf_counter()
    server.start(sorted(src.glob("*.ipynb")))
    print(f"JupyterLab ready in {time.perf_counter() - t:.1f} s")
    results: dict[str, dict[str, list[float]]] = {}
    param = ".bs-param-relative_effort-capacity select"
    countries = ".bs-countries select"
    caps = [[CAPACITIES[i % len(CAPACITIES)]] for i in range(N_CHANGES)]
    sets = [["DEU", "LBN", "TUR"] if i % 2 == 0 else ["UGA", "PAK", "COL", "JOR"]
            for i in range(N_CHANGES)]
    try:
        for nb, scenarios in (("bench_cached.ipynb", [("parameter", param, caps),
                                                        ("countries", countries, sets)]),
                              ("bench_reestimate.ipynb", [("parameter, re-estimated", param, caps)])):
            with browser_page() as (page, watch):
                t = time.perf_counter()
                open_notebook(page, server.url, nb)
                run_all(page)
                wait_for_app(page)
                print(f"{nb}: open + Run All + first render {time.perf_counter() - t:.1f} s")
                page.locator(".bs-table").scroll_into_view_if_needed()
                for name, selector, seq in scenarios:
                    results[name] = _run(page, selector, seq)
                if watch.problems():
                    print("problems seen:", *watch.problems(), sep="\n  ")
    finally:
        server.stop()
    print(f"\nreaction time, control change -> updated view, ms ({N_CHANGES} changes each; "
          "goal p95 <= 250)")
    for name, r in results.items():
        print(f"  {name:22s} table  {_stats(r['table'])}")
        print(f"  {'':22s} chart  {_stats(r['chart'])}")
        print(f"  {'':22s} (chart starts redrawing  {_stats(r['chart_first'])})")
        if r["timeouts"]:
            print(f"  {'':22s} {len(r['timeouts'])} change(s) did not update within 15 s")


if __name__ == "__main__":
    main()
