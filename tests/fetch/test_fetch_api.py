"""The entry point `burdenshare.fetch.fetch`: publishers, errors, and a light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from burdenshare._errors import BurdenshareError, FetchError, ParameterError
from burdenshare.fetch import PUBLISHERS, Request, fetch


def test_publishers_are_the_three_store_keys() -> None:
    assert PUBLISHERS == ("unhcr", "worldbank", "oecd_dac")


def test_an_unknown_publisher_is_a_value_error_listing_the_valid_ones() -> None:
    with pytest.raises(ParameterError, match="unknown publisher 'wdi'; valid: unhcr, worldbank, "
                                             "oecd_dac") as info:
        fetch("wdi")
    assert isinstance(info.value, ValueError) and isinstance(info.value, BurdenshareError)


def test_wdi_version_only_applies_to_the_world_bank() -> None:
    with pytest.raises(ParameterError, match="wdi_version applies to 'worldbank' only"):
        fetch("unhcr", wdi_version="202607")


@pytest.mark.parametrize("years", [(2025, 2020), (1800, 2020), ("a", 2020), (2020,)])
def test_bad_years_are_refused_before_any_request(years) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match="years must be"):
        fetch("unhcr", years=years)


def test_a_fetch_error_is_one_line_with_url_and_status() -> None:
    err = FetchError("UNHCR: https://x/y answered HTTP 503\n  Service Unavailable; try again",
                     url="https://x/y", status=503)
    assert "\n" not in str(err) and (err.url, err.status) == ("https://x/y", 503)
    assert isinstance(err, BurdenshareError)


def test_request_record_serialises_every_field() -> None:
    r = Request(url="https://x/?a=1", status=200, sha256="0" * 64, size=3,
                retrieved_utc="2026-12-07T17:00:00Z")
    assert r.to_dict() == {"url": "https://x/?a=1", "status": 200, "sha256": "0" * 64, "size": 3,
                           "retrieved_utc": "2026-12-07T17:00:00Z"}


def test_importing_burdenshare_and_fetch_loads_no_client() -> None:
    code = ("import sys, burdenshare, burdenshare.fetch\n"
            "heavy = ['requests', 'wbgapi', 'tenacity', 'burdenshare.fetch.unhcr', "
            "'burdenshare.fetch.worldbank', 'burdenshare.fetch.oecd', 'burdenshare.fetch._http']\n"
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["burdenshare.fetch", "burdenshare.fetch.unhcr",
                                  "burdenshare.fetch.worldbank", "burdenshare.fetch.oecd",
                                  "burdenshare.fetch._common"])
def test_docstring_examples_run(name: str) -> None:
    import doctest
    import importlib

    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
