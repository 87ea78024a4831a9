"""UNHCR Refugee Statistics API client, against constructed answers (tests/fetch/responses).

The answers follow the API's documented format (responses/README.md cites the document per file)
and carry the real published figures of the embedded samples, so the reference for every number
here is the embedded sample itself (derived from UNHCR's release by data_samples/derive.py).
"""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest
import requests
from conftest import body, query, unhcr_router

import burdenshare as bs
from burdenshare._errors import FetchError
from burdenshare.fetch import fetch
from burdenshare.fetch.unhcr import BASE_URL, build_query, parse_cell

YEARS = (2023, 2025)
ENDPOINT = re.compile(re.escape(BASE_URL) + r"/[a-z-]+/.*")
HTML = (200, {"Content-Type": "text/html; charset=utf-8"}, body("html_maintenance.html"))
UNAVAILABLE = (503, {"Content-Type": "text/html"}, b"<html>Service Unavailable</html>")


def serve(mocked, overrides=None) -> None:  # type: ignore[no-untyped-def]
    import responses

    mocked.add_callback(responses.GET, ENDPOINT, callback=unhcr_router(overrides))


def embedded(name: str) -> pd.DataFrame:
    return pd.read_csv(bs.sample_path() / name, keep_default_na=False, na_values=[""])


def key(df: pd.DataFrame) -> pd.Series:
    return df.set_index(["iso3", "year", "indicator"])["value"].sort_index()


def test_population_equals_the_embedded_sample(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    got = fetch("unhcr", years=YEARS, session=requests.Session()).observations
    ref = embedded("unhcr_population.csv.gz")
    ref = ref[ref["iso3"].isin(["AUT", "DEU", "EGY", "JOR", "TUR"]) & ref["year"].between(*YEARS)]
    mine = got[got["indicator"].isin(["refugees", "asylum_seekers", "oip", "idps", "stateless"])]
    # exact: the fixture carries the sample's integers; nothing is computed
    pd.testing.assert_series_equal(key(mine), key(ref))
    assert set(mine["unit"]) == {"persons"}


def test_unhcr_codes_become_iso3_including_the_colliding_ones(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    got = fetch("unhcr", years=YEARS).observations
    # UNHCR AUS is Austria, ARE is Egypt, GFR is Germany (countries.py); never Australia or UAE
    assert {"AUT", "EGY", "DEU"} <= set(got["iso3"])
    assert not {"AUS", "ARE", "GFR"} & set(got["iso3"])


def test_dash_gives_no_observation_and_zero_stays_zero(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    obs = f.observations
    aut = obs[(obs["iso3"] == "AUT") & (obs["year"] == 2024)].set_index("indicator")["value"]
    assert "oip" not in aut.index  # "-" in the answer: not applicable, never a zero
    assert aut["idps"] == 0.0  # "0" in the answer
    assert any("'-'" in n and "oip" in n for n in f.notes)


def test_every_request_sends_both_year_bounds_and_iso_codes(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    assert f.requests
    for r in f.requests:
        q = query(r.url)
        assert (q["yearFrom"], q["yearTo"], q["cf_type"]) == ("2023", "2025", "ISO"), r.url


def test_the_client_never_builds_a_lone_year_bound() -> None:
    # the API ignores yearFrom sent alone and returns the whole history (DATA_SERVICES.md §1)
    for years in [(2000, 2000), (1951, 2026)]:
        q = build_query(years, 1)
        assert "yearFrom" in q and "yearTo" in q
        assert (int(q["yearFrom"]), int(q["yearTo"])) == years


def test_every_page_is_walked(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    pages = [query(r.url)["page"] for r in f.requests if "/v1/population/" in r.url
             and "coa_all" in r.url]
    assert pages == ["1", "2"]
    # TUR 2025 is on page 2 only
    page2 = json.loads(body("unhcr_population_coa_p2.json"))["items"]
    assert any(i["coa_iso"] == "TUR" and i["year"] == 2025 for i in page2)
    obs = f.observations
    assert ((obs["iso3"] == "TUR") & (obs["year"] == 2025) & (obs["indicator"] == "refugees")).any()


def test_an_empty_page_before_max_pages_is_a_partial_walk_error(mocked) -> None:  # type: ignore[no-untyped-def]
    empty_p2 = (200, {"Content-Type": "application/json"},
                json.dumps({"page": 2, "maxPages": 2, "total": [], "items": []}).encode())
    serve(mocked, {("population", "coa_all", "2"): [empty_p2]})
    with pytest.raises(FetchError, match=r"partial page walk: page 2 of 2 .* nothing was stored"):
        fetch("unhcr", years=YEARS)


def test_a_page_that_keeps_failing_fails_the_whole_fetch(mocked, sleeps) -> None:  # type: ignore[no-untyped-def]
    serve(mocked, {("population", "coa_all", "2"): [UNAVAILABLE] * 4})
    with pytest.raises(FetchError, match=r"page=2.*failed 4 times, last: HTTP 503") as info:
        fetch("unhcr", years=YEARS)
    assert info.value.status == 503
    assert len(sleeps) == 3  # bounded: 4 attempts, 3 pauses


def test_503_then_200_is_retried_and_both_are_recorded(mocked, sleeps) -> None:  # type: ignore[no-untyped-def]
    serve(mocked, {("population", "coa_all", "1"): [UNAVAILABLE]})
    f = fetch("unhcr", years=YEARS)
    first = [r for r in f.requests if "/v1/population/" in r.url and "coa_all" in r.url
             and query(r.url)["page"] == "1"]
    assert [r.status for r in first] == [503, 200]
    assert sleeps == [2.0]  # one back-off pause, 2 s (exponential from BACKOFF_BASE_S)


def test_retry_after_is_honoured(mocked, sleeps) -> None:  # type: ignore[no-untyped-def]
    limited = (429, {"Retry-After": "7"}, b"")
    serve(mocked, {("solutions", "coa_all", "1"): [limited]})
    fetch("unhcr", years=YEARS)
    assert sleeps == [7.0]


def test_an_html_page_with_status_200_is_an_error(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked, {("population", "coa_all", "1"): [HTML]})
    with pytest.raises(FetchError, match=r"HTTP 200 with an HTML page instead of data") as info:
        fetch("unhcr", years=YEARS)
    assert "\n" not in str(info.value) and info.value.url.startswith(BASE_URL)


def test_zero_pages_is_no_data_for_that_endpoint(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked, {("demographics", "coa_all", "1"): [(200, {}, body("unhcr_empty.json"))]})
    f = fetch("unhcr", years=YEARS)
    assert not f.observations["indicator"].str.startswith("refugees_aged").any()
    assert any("no data" in n and "demographics" in n for n in f.notes)


def test_zero_pages_everywhere_is_an_error(mocked) -> None:  # type: ignore[no-untyped-def]
    import responses

    mocked.add(responses.GET, ENDPOINT, body=body("unhcr_empty.json"),
               content_type="application/json")
    with pytest.raises(FetchError, match="no observations at all for 2023-2025"):
        fetch("unhcr", years=YEARS)


def test_unknown_origin_group_is_left_out_and_listed(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    origin = f.observations[f.observations["indicator"] == "refugees_from_origin"]
    # derive.py leaves the origin group TIB ('Tibetan') out of the samples in the same way
    assert set(origin["iso3"]) == {"AFG", "SYR"}
    assert any("TIB (Tibetan)" in n for n in f.notes)
    ref = embedded("unhcr_origin.csv.gz")
    ref = ref[(ref["indicator"] == "refugees_from_origin") & ref["iso3"].isin(["AFG", "SYR"])
              & ref["year"].between(*YEARS)]
    pd.testing.assert_series_equal(key(origin), key(ref))


def test_solutions_equal_the_embedded_sample(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    obs = fetch("unhcr", years=YEARS).observations
    mine = obs[obs["indicator"].isin(["resettlement_arrivals", "naturalisations"])]
    ref = embedded("unhcr_solutions.csv.gz")
    ref = ref[ref["iso3"].isin(["DEU", "JOR"]) & ref["year"].between(*YEARS)]
    pd.testing.assert_series_equal(key(mine), key(ref))


def test_asylum_applications_sum_to_the_embedded_sample(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    obs = fetch("unhcr", years=YEARS).observations
    mine = obs[obs["indicator"].str.startswith("asylum_applications")]
    ref = embedded("unhcr_asylum_applications.csv.gz")
    ref = ref[ref["iso3"].isin(["AUT", "TUR"]) & (ref["year"] == 2024)]
    # the sums over procedure, application type and decision level are exact integers
    pd.testing.assert_series_equal(key(mine), key(ref))


def test_demographics_sum_to_the_embedded_sample(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    obs = fetch("unhcr", years=YEARS).observations
    mine = obs[obs["indicator"].str.startswith("refugees_") & (obs["indicator"] !=
                                                               "refugees_from_origin")]
    ref = embedded("unhcr_demographics.csv.gz")
    ref = ref[ref["iso3"].isin(["AUT", "JOR"])]
    pd.testing.assert_series_equal(key(mine), key(ref))


def test_requests_record_url_status_sha256_size_and_time(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    raw = body("unhcr_solutions_p1.json")
    (rec,) = [r for r in f.requests if "/solutions/" in r.url]
    assert rec.url.startswith(f"{BASE_URL}/solutions/?cf_type=ISO&coa_all=true&yearFrom=2023")
    assert (rec.status, rec.size) == (200, len(raw))
    assert rec.sha256 == hashlib.sha256(raw).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec.retrieved_utc)


def test_source_carries_licence_url_retrieved_and_vintage(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    src = f.sources[next(s for s in f.sources if s.startswith("unhcr_api_"))]
    assert set(f.observations["source"]) == set(f.sources)
    assert "CC BY 4.0" in src.licence and "UNHCR Refugee Population Statistics Database" in \
        src.licence and f.licence == src.licence
    assert src.url == BASE_URL and src.retrieved and "latest year in the answer 2025" in src.vintage
    assert f.params["years"] == [2023, 2025] and f.publisher == "unhcr"
    json.dumps(f.params)  # stored in the vintage manifest


def test_fetched_observations_load_as_a_dataset(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    ds = bs.Dataset.from_frame(f.observations, dict(f.sources))
    assert len(ds) == len(f.observations)


def test_a_value_that_is_neither_a_count_nor_dash_is_an_error() -> None:
    with pytest.raises(FetchError, match=r"row 3 field `refugees`: value 'n/a'"):
        parse_cell("n/a", where="row 3 field `refugees`")


def test_an_estimator_gives_the_same_figures_on_a_fetched_vintage(mocked, sample_data) -> None:  # type: ignore[no-untyped-def]
    # the point of keeping names, units and codes: refugees per 1,000 inhabitants computed with
    # the fetched UNHCR rows in place of the embedded ones is unchanged (same figures, exact)
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    hosts = ["AUT", "DEU", "EGY", "JOR", "TUR"]
    full = sample_data.select(years=(2024, 2024))
    obs = full.observations[full.observations["iso3"].isin(hosts)]
    base = bs.Dataset.from_frame(obs, dict(full.sources))
    stocks = ["refugees", "asylum_seekers", "oip", "idps", "stateless"]
    kept = obs[~obs["indicator"].isin(stocks)]
    new = f.observations[(f.observations["year"] == 2024) & f.observations["indicator"].isin(stocks)]
    swapped = bs.Dataset.from_frame(pd.concat([kept, new], ignore_index=True),
                                    {**dict(base.sources), **dict(f.sources)})
    est = bs.RefugeesPer1000(who_counts=("refugees", "oip"))

    def per_1000(ds: bs.Dataset) -> pd.Series:
        e = est.estimate(ds).estimates
        return e[e["iso3"].isin(hosts)].set_index(["iso3", "year"])["estimate"].sort_index()

    assert len(per_1000(base)) == len(hosts)
    pd.testing.assert_series_equal(per_1000(swapped), per_1000(base))


def test_an_answer_for_another_page_is_an_error(mocked) -> None:  # type: ignore[no-untyped-def]
    wrong = json.loads(body("unhcr_population_coa_p1.json"))  # page 1 served again for page 2
    serve(mocked, {("population", "coa_all", "2"): [
        (200, {"Content-Type": "application/json"}, json.dumps(wrong).encode())]})
    with pytest.raises(FetchError, match="answered page 1 when page 2 was asked for"):
        fetch("unhcr", years=YEARS)


def test_unrwa_equals_the_embedded_sample_under_its_own_source(mocked) -> None:  # type: ignore[no-untyped-def]
    serve(mocked)
    f = fetch("unhcr", years=YEARS)
    mine = f.observations[f.observations["indicator"] == "unrwa_refugees"]
    ref = embedded("unhcr_unrwa.csv.gz")
    ref = ref[ref["year"].between(*YEARS)]
    # UNHCR codes GAZ -> PSE, LEB -> LBN, UKN -> UNK (field of operation unknown, 2025)
    pd.testing.assert_series_equal(key(mine), key(ref))
    (sid,) = set(mine["source"])
    assert sid.startswith("unrwa_via_unhcr_api_") and "UNRWA" in f.sources[sid].publisher
    assert "section 6" in f.sources[sid].licence
