"""Fixtures for the real-browser tests: an isolated JupyterLab server and a chromium page.

If Debian's chromium (or playwright) is missing the tests FAIL with a message saying how to
install it; set ``BURDENSHARE_SKIP_BROWSER=1`` to skip them deliberately.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.lab import ROOT, LabServer, Watch, browser_page, missing_browser_message


def _require_browser() -> None:
    why = missing_browser_message()
    if why is None:
        return
    if os.environ.get("BURDENSHARE_SKIP_BROWSER") == "1":
        pytest.skip(f"BURDENSHARE_SKIP_BROWSER=1: {why}")
    pytest.fail(why, pytrace=False)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1 serving a copy of ``notebooks/`` (autosave never touches ours).

    One server for the whole session: starting JupyterLab costs 10-15 s per module.
    """
    _require_browser()
    server = LabServer(tmp_path_factory.mktemp("lab"))
    server.start(sorted((ROOT / "notebooks").glob("*.ipynb")))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(lab_server: LabServer) -> Iterator[tuple[Any, Watch]]:
    """A fresh chromium page; requests off this machine are aborted and recorded."""
    with browser_page() as (pg, watch):
        yield pg, watch
