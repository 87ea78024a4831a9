"""World Bank WDI client (through wbgapi), against constructed answers (tests/fetch/responses).

The answers follow the v2 "sources" format wbgapi parses (responses/README.md) and carry real
WDI figures; the reference for each number is the embedded wdi.csv.gz (the same WDI values).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
import requests
from conftest import body, query

import burdenshare as bs
from burdenshare._errors import FetchError, ParameterError
from burdenshare.fetch import fetch
from burdenshare.fetch.worldbank import API_URL, WDI_SERIES, wdi_path

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(re.escape(API_URL) + r"/en/sources/.*")
YEARS = (2023, 2024)


def pages(overrides: dict[str, list[tuple[int, dict[str, str], bytes]]] | None = None):  # type: ignore[no-untyped-def]
    queue = {k: list(v) for k, v in (overrides or {}).items()}

    def handle(request):  # type: ignore[no-untyped-def]
        page = query(request.url)["page"]
        if queue.get(page):
            return queue[page].pop(0)
        return 200, {"Content-Type": "application/json"}, body(f"wdi_p{page}.json")

    return handle


def serve(mocked, overrides=None) -> None:  # type: ignore[no-untyped-def]
    import responses

    mocked.add_callback(responses.GET, URL, callback=pages(overrides))


def test_values_equal_the_embedded_wdi_sample(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    got = fetch("worldbank", years=YEARS).observations
    ref = pd.read_csv(bs.sample_path() / "wdi.csv.gz", keep_default_na=False, na_values=[""])
    ref = ref[ref["iso3"].isin(["AUT", "DEU"]) & ref["year"].between(*YEARS)
              & ref["indicator"].isin(["population", "gdp_usd_current", "gov_expense_pct_gdp"])]
    cols = ["iso3", "year", "indicator", "value", "unit"]
    left = got[cols].sort_values(cols[:3]).reset_index(drop=True)
    right = ref[cols].sort_values(cols[:3]).reset_index(drop=True)
    # exact: both are the WDI figures as published, parsed from the same decimal text
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_aggregates_and_empty_cells_are_left_out_and_listed(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("worldbank", years=YEARS)
    assert "EUU" not in set(f.observations["iso3"])
    assert any("aggregates" in n for n in f.notes)
    assert any("empty cells" in n and "gov_expense_pct_gdp 1" in n for n in f.notes)


def test_both_pages_are_walked_and_recorded(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("worldbank", years=YEARS)
    assert [query(r.url)["page"] for r in f.requests] == ["1", "2"]
    raw = body("wdi_p2.json")
    assert f.requests[1].sha256 == hashlib.sha256(raw).hexdigest()
    assert f.requests[1].size == len(raw)
    assert "/sources/2/series/" in f.requests[0].url


def test_source_names_the_wdi_update_and_licence(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("worldbank", years=YEARS)
    (src,) = f.sources.values()
    assert src.id == "wb_wdi_api_2026_07_01" and "last updated 2026-07-01" in src.vintage
    assert src.licence.startswith("CC BY 4.0") and f.licence == src.licence
    json.dumps(f.params)  # stored in the vintage manifest


def test_a_pinned_archive_version_queries_source_57(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("worldbank", years=YEARS, wdi_version="202607")
    assert all("/sources/57/" in r.url and "/version/202607" in r.url for r in f.requests)
    (src,) = f.sources.values()
    assert src.id == "wb_wdi_archive_202607" and "release 202607" in src.vintage
    assert f.params["wdi_version"] == "202607" and f.params["db"] == 57


def test_wdi_path_names_every_year() -> None:
    assert wdi_path((2020, 2022)).endswith("/country/all/time/YR2020;YR2021;YR2022")


def test_a_bad_version_id_is_refused_before_any_request() -> None:
    with pytest.raises(ParameterError, match="not a release id"):
        fetch("worldbank", years=YEARS, wdi_version="2026/07")


def test_503_then_200_is_retried_and_recorded(mocked, sleeps) -> None:  # type: ignore[no-untyped-def]
    serve(mocked, {"1": [(503, {}, b"<html>busy</html>")]})
    f = fetch("worldbank", years=YEARS)
    assert [r.status for r in f.requests] == [503, 200, 200]
    assert sleeps == [2.0] and len(f.observations) > 0


def test_an_html_page_with_status_200_is_an_error(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked, {"2": [(200, {"Content-Type": "text/html"}, body("html_maintenance.html"))]})
    with pytest.raises(FetchError, match="HTTP 200 with an HTML page instead of data"):
        fetch("worldbank", years=YEARS)


def test_a_short_page_is_a_partial_walk_error(mocked) -> None:  # type: ignore[no-untyped-def]
    short = json.loads(body("wdi_p2.json"))
    short["source"]["data"] = short["source"]["data"][:2]
    serve(mocked, {"2": [(200, {"Content-Type": "application/json"}, json.dumps(short).encode())]})
    with pytest.raises(FetchError, match=r"partial page walk .* announced 14 rows in 2 pages"):
        fetch("worldbank", years=YEARS)


def test_an_injected_session_is_used(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)

    class Counting(requests.Session):
        calls = 0

        def get(self, url, **kwargs):  # type: ignore[no-untyped-def]
            Counting.calls += 1
            return super().get(url, **kwargs)

    fetch("worldbank", years=YEARS, session=Counting())
    assert Counting.calls == 2


def test_wbgapi_options_are_restored_after_the_call(mocked) -> None:  # type: ignore[no-untyped-def]
    import wbgapi

    serve(mocked)
    before = (wbgapi.get_options, wbgapi.requests)
    fetch("worldbank", years=YEARS, session=requests.Session())
    assert (wbgapi.get_options, wbgapi.requests) == before


def test_series_map_equals_the_one_that_derives_the_sample(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_derive", ROOT / "data_samples" / "derive.py")
    assert spec is not None and spec.loader is not None
    derive = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "_derive", derive)  # dataclasses look the module up
    spec.loader.exec_module(derive)
    assert WDI_SERIES == derive.WDI_MAP
