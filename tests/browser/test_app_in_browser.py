"""The comparison app as a person uses it: a real JupyterLab in headless Debian chromium.

Open ``01_compare_methods.ipynb`` (a copy), Run All, select countries, tick a method, change a
parameter, check a table cell against ``burdenshare.compare`` run here in-process, check that
the chart rendered, export and read the files back. The test fails on any request to a host
other than localhost (so the charts are offline) and on any browser console error. Screenshots
are kept in ``tests/browser/artifacts/`` (or ``$BURDENSHARE_ARTIFACTS``) for reviewers; they
are not compared with anything.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

import burdenshare as bs
from burdenshare.presentation import format_number
from tests.browser.lab import LabServer, Watch, artifacts_dir, cell, open_notebook, run_all, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "01_compare_methods.ipynb"
YEAR = 2024  # the year the app opens on with the embedded samples (asserted below)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def expected() -> dict[str, float]:
    """The numbers the test expects, computed in-process with bs.compare (no app code)."""
    data = bs.load_sample()
    comp = bs.compare({"relative_effort": bs.RelativeEffort(capacity="gdp_usd_current"),
                       "one_in_n": bs.OneInN()}, data)
    long = comp.long
    out = {}
    for method, iso3 in (("relative_effort", "LBN"), ("one_in_n", "LBN"),
                         ("relative_effort", "DEU")):
        q = comp.results[method].main_quantity
        row = long[(long["method"] == method) & (long["iso3"] == iso3)
                   & (long["year"] == YEAR) & (long["quantity"] == q)]
        out[f"{method}:{iso3}"] = float(row["estimate"].item())
    return out


def _shot(page: Any, name: str, locator: Any = None) -> None:
    path = artifacts_dir() / name
    if locator is not None:
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)


def test_compare_change_and_export(lab_server: LabServer, page: tuple[Any, Watch],
                                   expected: dict[str, float]) -> None:
    pg, watch = page
    open_notebook(pg, lab_server.url, NOTEBOOK)
    run_all(pg)
    wait_for_app(pg)
    status = pg.locator(".bs-status")
    expect(status.locator(".bs-status-ok")).to_be_visible()
    expect(cell(pg, "TUR", YEAR, "refugees_per_1000").first).to_be_visible()  # a top host
    _shot(pg, "01_app_opened.png", pg.locator(".bs-app"))

    # select two countries (Lebanon is not among the ten largest hosts the app opens on)
    countries = pg.locator(".bs-countries select")
    countries.select_option(label=["Germany (DEU)", "Lebanon (LBN)"])
    expect(pg.locator(".bs-table tr[data-iso3]")).to_have_count(2)
    # tick a method and change a parameter of another
    pg.locator(".bs-method-one_in_n input[type=checkbox]").check()
    expect(cell(pg, "LBN", YEAR, "one_in_n")).to_have_text(
        format_number(expected["one_in_n:LBN"]))
    capacity = pg.locator(".bs-param-relative_effort-capacity select")
    capacity.scroll_into_view_if_needed()
    capacity.select_option("gdp_usd_current")
    want = format_number(expected["relative_effort:LBN"])
    expect(cell(pg, "LBN", YEAR, "relative_effort")).to_have_text(want)
    expect(cell(pg, "DEU", YEAR, "relative_effort")).to_have_text(
        format_number(expected["relative_effort:DEU"]))
    shown = float(cell(pg, "LBN", YEAR, "relative_effort").inner_text().replace(",", ""))
    # the table shows 4 significant figures: rounding error below 5e-4 relative
    assert shown == pytest.approx(expected["relative_effort:LBN"], rel=5e-4)
    expect(status.locator(".bs-status-ok")).to_be_visible()
    # the chart rendered (vega-embed draws an svg or a canvas with class "marks")
    chart = pg.locator(".bs-chart")
    expect(chart.locator("svg.marks, canvas.marks").first).to_be_visible()
    _shot(pg, "02_after_changes_table.png", pg.locator(".bs-table"))
    _shot(pg, "03_after_changes_chart.png", chart)
    _shot(pg, "04_controls_and_params.png", pg.locator(".bs-params"))

    # export the ticked formats (Excel and PNG by default) and read them back
    button = pg.locator("button.bs-export")
    button.scroll_into_view_if_needed()
    button.click()
    expect(status.locator(".bs-exported")).to_be_visible(timeout=60_000)
    _shot(pg, "05_after_export.png", pg.locator(".bs-app"))
    out = lab_server.root / "exports"
    xlsx = out / f"comparison_{YEAR}-{YEAR}.xlsx"
    png = out / f"comparison_{YEAR}-{YEAR}.png"
    assert xlsx.exists() and png.exists(), sorted(p.name for p in out.iterdir())
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert {"estimates", "provenance"} <= set(wb.sheetnames), wb.sheetnames
    prov = {r[0]: r[1] for r in wb["provenance"].iter_rows(min_row=2, values_only=True)}
    assert prov["relative_effort.provenance.estimator"] == "relative_effort"
    assert prov["relative_effort.provenance.params.capacity"] == "gdp_usd_current"
    assert prov["data_fingerprint"] == bs.load_sample().fingerprint
    assert png.read_bytes()[:8] == PNG_MAGIC
    shutil.copy2(png, artifacts_dir() / "06_exported_chart.png")  # for reviewers
    side = png.with_name(png.name + ".provenance.json")
    assert side.exists(), sorted(p.name for p in out.iterdir())
    assert bs.load_sample().fingerprint in json.dumps(json.loads(side.read_text()))

    problems = watch.problems()
    assert not problems, "\n".join(problems)
