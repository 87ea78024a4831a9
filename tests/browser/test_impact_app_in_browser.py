"""The host-impact app as a person uses it: a real JupyterLab in headless Debian chromium.

Open ``05_host_impact.ipynb`` (a copy), Run All, check the ``did`` estimate against
``bs.DiD()`` run here in-process, tick ``event_study``, wait for its pre-trend p-value to equal
``bs.EventStudy()``'s, and check that the coefficient and event-study charts rendered (SVG
marks). The test fails on any request to a host other than localhost (so the charts are
offline) and on any browser console error. Screenshots go to ``tests/browser/artifacts/`` (or
``$BURDENSHARE_ARTIFACTS``) for reviewers; they are not compared with anything.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

import burdenshare as bs
from burdenshare.presentation import format_number
from tests.browser.lab import LabServer, Watch, artifacts_dir, open_notebook, run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "05_host_impact.ipynb"
#: Run All loads the samples and estimates four designs in the kernel before the app shows.
APP_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def expected() -> dict[str, float]:
    """The numbers the test expects, from the estimators run in-process (no app code)."""
    data = bs.load_sample()
    did = bs.DiD().estimate(data).estimates
    att = did.loc[(did["quantity"] == "att") & did["year"].isna(), "estimate"].item()
    es = bs.EventStudy().estimate(data).diagnostics
    return {"did_att": float(att), "event_study_pretrend_p": float(es["pretrend_p_value"])}


def _cell(page: Any, design: str, col: str) -> Any:
    return page.locator(f'.bs-impact-table tr[data-design="{design}"] td[data-col="{col}"]')


def test_host_impact_app_tick_event_study(lab_server: LabServer, page: tuple[Any, Watch],
                                          expected: dict[str, float]) -> None:
    pg, watch = page
    open_notebook(pg, lab_server.url, NOTEBOOK)
    run_all(pg)
    expect(_cell(pg, "did", "estimate")).to_have_text(format_number(expected["did_att"]),
                                                      timeout=APP_TIMEOUT_MS)
    expect(pg.locator(".bs-impact-chart-coefficients svg.marks")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    expect(pg.locator(".bs-impact-chart-synthetic_control svg.marks")).to_be_visible()
    status = pg.locator(".bs-impact-status")
    expect(status.locator(".bs-status-ok")).to_be_visible()
    expect(pg.locator(".bs-impact-chart-event_study svg.marks")).to_be_hidden()
    app = pg.locator(".bs-impact-app")
    app.scroll_into_view_if_needed()
    app.screenshot(path=str(artifacts_dir() / "05_impact_app_opened.png"))

    # tick event_study: its row (pre-trend p from the estimator) and its chart appear
    pg.locator(".bs-impact-design-event_study input[type=checkbox]").check()
    expect(_cell(pg, "event_study", "pretrend_p_value")).to_have_text(
        format_number(expected["event_study_pretrend_p"]), timeout=60_000)
    shown = float(_cell(pg, "event_study", "pretrend_p_value").inner_text())
    # the table shows 4 significant figures: rounding error below 5e-4 relative
    assert shown == pytest.approx(expected["event_study_pretrend_p"], rel=5e-4)
    chart = pg.locator(".bs-impact-chart-event_study")
    expect(chart.locator("svg.marks")).to_be_visible(timeout=60_000)
    expect(chart.locator("svg.marks")).to_contain_text("Pre-trend test")
    expect(status.locator(".bs-status-ok")).to_be_visible()
    expect(pg.locator(".bs-impact-params .bs-params-event_study")).to_be_visible()
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(artifacts_dir() / "05_impact_event_study_chart.png"))

    problems = watch.problems()
    assert not problems, "\n".join(problems)
