"""Live re-checks of the publishers' behaviours the clients rely on (`pytest -m live`).

Deselected by default and never run in CI (no network there). Run them from a machine with
internet access before re-recording tests/fetch/responses or after a publisher changes its service;
they need not pass on machines without network.
"""

from __future__ import annotations

import pytest

from burdenshare.fetch import fetch
from burdenshare.fetch.unhcr import BASE_URL

pytestmark = pytest.mark.live


def _population(**params: str) -> dict:  # type: ignore[type-arg]
    import requests

    resp = requests.get(f"{BASE_URL}/population/", params={"limit": "10000", **params},
                        timeout=(10, 120))
    resp.raise_for_status()
    return resp.json()  # type: ignore[no-any-return]


def test_live_a_lone_year_from_is_ignored_by_the_api() -> None:
    lone = _population(yearFrom="2024")
    both = _population(yearFrom="2024", yearTo="2024")
    assert {i["year"] for i in both["items"]} == {2024}
    assert min(i["year"] for i in lone["items"]) < 2024  # the whole history came back


def test_live_cf_type_iso_is_honoured() -> None:
    iso = _population(coa="AUS", cf_type="ISO", yearFrom="2024", yearTo="2024")
    unhcr = _population(coa="AUS", yearFrom="2024", yearTo="2024")
    assert iso["items"][0]["coa_iso"] == "AUS"  # Australia
    assert unhcr["items"][0]["coa_iso"] == "AUT"  # UNHCR's AUS is Austria


def test_live_an_empty_window_answers_zero_pages() -> None:
    empty = _population(coa_all="true", cf_type="ISO", yearFrom="2090", yearTo="2091")
    assert empty["maxPages"] == 0 and empty["items"] == []


def test_live_unhcr_fetch_one_year() -> None:
    f = fetch("unhcr", years=(2024, 2024))
    obs = f.observations
    assert ((obs["iso3"] == "TUR") & (obs["indicator"] == "refugees")).any()
    assert all(r.status == 200 for r in f.requests[-3:])


def test_live_worldbank_fetch_and_an_archive_version() -> None:
    import wbgapi

    f = fetch("worldbank", years=(2023, 2023))
    assert ((f.observations["iso3"] == "DEU") & (f.observations["indicator"] == "population")).any()
    versions = [row["id"] for row in wbgapi.source.features("version", db=57)]
    assert versions
    g = fetch("worldbank", years=(2020, 2020), wdi_version=str(versions[-1]))
    assert len(g.observations) > 0


def test_live_oecd_dac1_fetch_reproduces_germany_2022() -> None:
    f = fetch("oecd_dac", years=(2022, 2022))
    obs = f.observations.set_index(["iso3", "year", "indicator"])["value"]
    # published: Germany 2022 ODA/GNI 0.85 % (OECD, as in data_samples/oecd_dac.csv.gz)
    assert obs[("DEU", 2022, "oda_gni_pct_published")] == 0.85
    assert obs[("DEU", 2022, "idrc_usd_million_current")] > 0
