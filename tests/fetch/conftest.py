"""Fixtures for the publisher-client tests: constructed answers served by `responses`, no sleep.

Tests here never touch the network: the root conftest's socket guard stays on, and `responses`
answers every request (an unregistered URL raises ConnectionError instead of going out). Tests
marked `live` are the exception: they are deselected unless `-m live` is given, and they alone
may open sockets.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

RESPONSES = Path(__file__).resolve().parent / "responses"


def body(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`live` tests run only when asked for with `-m live` (never by default, never in CI)."""
    if "live" in (config.option.markexpr or ""):
        return
    live = [i for i in items if i.get_closest_marker("live") is not None]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [i for i in items if i.get_closest_marker("live") is None]


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the root guard, but a `live` test may reach the publishers."""
    if request.node.get_closest_marker("live") is not None:
        return
    real = socket.socket.connect

    def guarded(self, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") \
                and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Back-off pauses are recorded, not slept (tests never wait on a clock)."""
    seen: list[float] = []
    monkeypatch.setattr("burdenshare.fetch._http._sleep", seen.append)
    return seen


@pytest.fixture
def mocked(sleeps: list[float]) -> Iterator[object]:
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


Handler = Callable[[object], tuple[int, dict[str, str], bytes]]


def json_answer(name: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, body(name)


def unhcr_router(overrides: dict[tuple[str, str, str], list[tuple[int, dict[str, str], bytes]]]
                 | None = None) -> Callable[[object], tuple[int, dict[str, str], bytes]]:
    """Serve the UNHCR fixtures by (endpoint, scope, page); `overrides` queues other answers."""
    queue = {k: list(v) for k, v in (overrides or {}).items()}
    files = {
        ("population", "coa_all", "1"): "unhcr_population_coa_p1.json",
        ("population", "coa_all", "2"): "unhcr_population_coa_p2.json",
        ("population", "coo_all", "1"): "unhcr_population_coo_p1.json",
        ("solutions", "coa_all", "1"): "unhcr_solutions_p1.json",
        ("asylum-applications", "coa_all", "1"): "unhcr_asylum_applications_p1.json",
        ("demographics", "coa_all", "1"): "unhcr_demographics_p1.json",
        ("unrwa", "coa_all", "1"): "unhcr_unrwa_p1.json",
    }

    def handle(request: object) -> tuple[int, dict[str, str], bytes]:
        url = str(request.url)  # type: ignore[attr-defined]
        endpoint = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        q = query(url)
        scope = "coo_all" if "coo_all" in q else "coa_all"
        key = (endpoint, scope, q.get("page", ""))
        if queue.get(key):
            return queue[key].pop(0)
        if key in files:
            return json_answer(files[key])
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"page": int(q.get("page", "1")), "maxPages": 0, "total": [], "items": []}).encode()

    return handle
