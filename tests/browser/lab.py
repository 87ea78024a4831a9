"""A real JupyterLab on localhost driven by headless Debian chromium (Playwright).

Shared by the browser tests (``tests/browser``) and the reaction-time benchmark
(``benchmarks/bench_app_reaction.py``). Flags, selectors and waits follow
``shared/recipes/JUPYTERLAB_BROWSER_TESTS.md``: everything Jupyter writes is isolated in a
temporary directory (config, data, runtime, settings, workspaces, IPython and ``HOME``); the
announcements plugin is off; chromium resolves no host but localhost; every request to another
host is aborted and recorded; console errors and page errors are recorded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # without this chromium itself calls Google hosts, invisible to page.route
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
#: The kernel status item reads this once the kernel exists and is idle (not the execution
#: indicator, which reads idle before the kernel exists).
KERNEL_IDLE = re.compile(r"^Python 3 \(ipykernel\) \| Idle$")
SERVER_TIMEOUT_S = 90


def missing_browser_message() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return (f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`, i.e. "
                "apt-get install -y chromium) or set BURDENSHARE_SKIP_BROWSER=1 to skip the "
                "browser tests deliberately. Never run `playwright install`.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing: pip install -e '.[dev]'"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LabServer:
    """A JupyterLab server on 127.0.0.1 with everything it writes under ``base``.

    Attributes
    ----------
    root : Path
        The server's root directory (notebooks are copied here).
    url : str
        Base URL, e.g. ``http://127.0.0.1:PORT``.
    """

    base: Path
    root: Path = field(init=False)
    url: str = field(init=False, default="")
    proc: subprocess.Popen[bytes] | None = field(init=False, default=None)
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.base / "root"
        self.log = self.base / "jupyterlab.log"

    def env(self) -> dict[str, str]:
        """Environment with every Jupyter/IPython directory and HOME isolated."""
        env = dict(os.environ)
        dirs = {
            "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime", "IPYTHONDIR": "ipython",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "JUPYTERLAB_SETTINGS_DIR": "settings",
            "HOME": "home",
        }
        for var, sub in dirs.items():
            d = self.base / sub
            d.mkdir(parents=True, exist_ok=True)
            env[var] = str(d)
        env.pop("JUPYTER_PATH", None)
        env["PYTHONNOUSERSITE"] = "1"
        return env

    def start(self, notebooks: list[Path]) -> str:
        """Copy ``notebooks`` into the root, start the server and wait until it answers."""
        self.root.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            shutil.copy2(nb, self.root / nb.name)
        env = self.env()
        labconfig = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig"
        labconfig.mkdir(parents=True, exist_ok=True)
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        port = _free_port()
        cmd = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
            f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
            "--IdentityProvider.token=", "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
        logf = self.log.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=logf,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=1) as r:
                    if r.status == 200:
                        return self.url
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_TIMEOUT_S} s:\n"
                           + self.log.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, which holds the kernels)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


@dataclass
class Watch:
    """What a page did that a test must fail on: requests off this machine, console errors."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to a non-local host (aborted): {u}" for u in self.blocked]
                + [f"browser console error: {e}" for e in self.console_errors])


@contextmanager
def browser_page(artifacts: Path | None = None) -> Iterator[tuple[Any, Watch]]:
    """Yield ``(page, watch)``: a fresh chromium page with request blocking and error capture."""
    from playwright.sync_api import sync_playwright

    watch = Watch()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 2400})

            def route(r: Any) -> None:
                host = urlparse(r.request.url).hostname or ""
                if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
                    r.continue_()
                else:
                    watch.blocked.append(r.request.url)
                    r.abort()
            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: watch.console_errors.append(
                f"{m.text} ({m.location.get('url', '')})") if m.type == "error" else None)
            page.on("pageerror", lambda e: watch.console_errors.append(f"page error: {e}"))
            yield page, watch
        finally:
            browser.close()


def open_notebook(page: Any, base_url: str, name: str, timeout_ms: int = 60_000) -> None:
    """Open a notebook in JupyterLab and wait until its kernel is idle."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/lab/tree/{name}?reset", wait_until="domcontentloaded")
    expect(page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_IDLE)).to_be_visible(
        timeout=timeout_ms)


def run_all(page: Any) -> None:
    """Run → Run All Cells through the menu bar."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()


def wait_for_app(page: Any, timeout_ms: int = 90_000) -> None:
    """Wait until the comparison app shows a table row and a rendered chart."""
    from playwright.sync_api import expect

    expect(page.locator(".bs-table tr[data-iso3]").first).to_be_visible(timeout=timeout_ms)
    expect(page.locator(".bs-chart svg.marks, .bs-chart canvas.marks").first).to_be_visible(
        timeout=timeout_ms)


def cell(page: Any, iso3: str, year: int, method: str) -> Any:
    """The table cell of one country, year and method."""
    return page.locator(f'.bs-table tr[data-iso3="{iso3}"][data-year="{year}"] '
                        f'td[data-method="{method}"]')


def artifacts_dir() -> Path:
    """Where screenshots go: ``$BURDENSHARE_ARTIFACTS`` or ``tests/browser/artifacts``."""
    d = Path(os.environ.get("BURDENSHARE_ARTIFACTS") or ROOT / "tests" / "browser" / "artifacts")
    d.mkdir(parents=True, exist_ok=True)
    return d
