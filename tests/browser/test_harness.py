"""The browser harness itself: its guards are not vacuous, and a missing browser is loud."""

from __future__ import annotations

import pytest

from tests.browser import lab
from tests.browser.conftest import _require_browser


def test_missing_chromium_fails_with_instructions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lab, "CHROMIUM", "/nonexistent/chromium")
    why = lab.missing_browser_message()
    assert why is not None and "make chromium" in why and "BURDENSHARE_SKIP_BROWSER=1" in why
    assert "Never run `playwright install`" in why
    monkeypatch.delenv("BURDENSHARE_SKIP_BROWSER", raising=False)
    with pytest.raises(pytest.fail.Exception, match="missing"):
        _require_browser()
    monkeypatch.setenv("BURDENSHARE_SKIP_BROWSER", "1")
    with pytest.raises(pytest.skip.Exception, match="BURDENSHARE_SKIP_BROWSER=1"):
        _require_browser()


@pytest.mark.browser
@pytest.mark.slow
def test_guards_record_remote_requests_and_console_errors() -> None:
    _require_browser()
    with lab.browser_page() as (page, watch):
        page.set_content('<img src="https://cdn.jsdelivr.net/npm/x/y.png">'
                         "<script>console.error('synthetic console error')</script>")
        page.wait_for_timeout(300)
        problems = watch.problems()
    assert any("cdn.jsdelivr.net" in p for p in watch.blocked), problems
    assert any("synthetic console error" in e for e in watch.console_errors), problems
