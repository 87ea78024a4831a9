"""End to end without network: the UNHCR client (constructed answers in the API's documented
format, tests/fetch/responses) -> the vintage store -> bs.load -> diff against the embedded data.

The fixtures carry the embedded samples' real figures, so the reference is the embedded sample
itself: every fetched row must equal an embedded row (nothing added, nothing revised)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import requests
from test_fetch_unhcr import YEARS, serve

import burdenshare as bs
from burdenshare import store

NOW = dt.datetime(2026, 12, 7, 17, 30, 0, tzinfo=dt.UTC)


def test_update_load_and_diff_a_fetched_unhcr_vintage(mocked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    v = store.update("unhcr", years=YEARS, root=tmp_path, session=requests.Session(), now=NOW)
    assert v.id == "unhcr-20261207T173000Z"
    man = json.loads((v.path / "manifest.json").read_text())
    # every exchange of the page walk is recorded with its body's sha256
    assert len(man["requests"]) >= 6 and all(len(r["sha256"]) == 64 for r in man["requests"])
    assert all("yearFrom=2023" in r["url"] and "yearTo=2025" in r["url"] for r in man["requests"])
    assert man["licence"].startswith("CC BY 4.0")
    d = store.diff("embedded", v.id, root=tmp_path)
    assert d.added.empty and d.revised.empty and d.ambiguous.empty, d.headline()
    # the vintage's own rows all survive in the loaded data, from the vintage's source
    own = store.read_vintage(v.id, root=tmp_path)
    loaded = bs.load(v.id, root=tmp_path)
    assert set(loaded.sources) >= set(own.sources)
    replaced = loaded.observations[loaded.observations["indicator"].isin(own.indicators)]
    assert len(replaced) == len(own)
