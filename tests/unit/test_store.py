"""The vintage store: atomic writes under a lock, listing, loading with replacement, diff,
staleness by the publishers' calendars. No network: vintages are built here (synthetic_*)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import store
from burdenshare.fetch import Fetched, Request
from burdenshare.indicators import VOCABULARY
from burdenshare.store import _store

NOW = dt.datetime(2026, 12, 7, 17, 30, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 8, 9, 0, 0, tzinfo=dt.UTC)
BODY = b'{"page": 1, "maxPages": 1, "total": 3, "items": []}'


def synthetic_source(sid: str = "synthetic_unhcr_api") -> bs.Source:
    return bs.Source(id=sid, title="synthetic UNHCR answer", publisher="burdenshare tests",
                     url="https://api.unhcr.org/population/v1/population/", licence="CC BY 4.0",
                     retrieved="2026-12-07", vintage="synthetic release")


def synthetic_fetched(rows: list[tuple], *, publisher: str = "unhcr",
                      sid: str = "synthetic_unhcr_api") -> Fetched:
    frame = pd.DataFrame([{"iso3": i, "year": y, "indicator": ind, "value": v,
                           "unit": VOCABULARY[ind].unit, "source": sid} for i, y, ind, v in rows])
    req = Request(url="https://api.unhcr.org/population/v1/population/?yearFrom=2023&yearTo=2024"
                      "&coa_all=true&cf_type=ISO&limit=10000&page=1",
                  status=200, sha256=hashlib.sha256(BODY).hexdigest(), size=len(BODY),
                  retrieved_utc="2026-12-07T17:29:58Z")
    return Fetched(publisher=publisher, observations=frame, sources={sid: synthetic_source(sid)},
                   requests=(req,), params={"years": [2023, 2024]}, licence="CC BY 4.0",
                   notes=("synthetic test vintage",))


ROWS_A = [("LBN", 2023, "refugees", 100.0), ("LBN", 2024, "refugees", 200.0),
          ("JOR", 2024, "refugees", 50.0), ("TUR", 2024, "refugees", 0.0)]
ROWS_B = [("LBN", 2023, "refugees", 110.0),   # revised +10 (+10 %)
          ("LBN", 2024, "refugees", 150.0),   # revised -50 (-25 %)
          ("TUR", 2024, "refugees", 30.0),    # revised +30 (from 0: relative undefined)
          ("UGA", 2024, "refugees", 70.0)]    # added; JOR 2024 removed


@pytest.fixture
def synthetic_embedded(monkeypatch: pytest.MonkeyPatch) -> bs.Dataset:
    """Replace the embedded samples by a small synthetic dataset for load()."""
    from tests.conftest import synthetic_dataset

    ds = synthetic_dataset([("LBN", 2024, "refugees", 1.0), ("LBN", 2022, "refugees", 2.0),
                            ("LBN", 2024, "population", 5_000_000.0),
                            ("JOR", 2024, "population", 10_000_000.0)])
    monkeypatch.setattr("burdenshare.io.load_sample", lambda: ds)
    return ds


# ---------------------------------------------------------------------------- write / read


def test_round_trip_keeps_the_fingerprint_and_the_record(tmp_path: Path) -> None:
    f = synthetic_fetched(ROWS_A)
    v = store.write_vintage(f, root=tmp_path, now=NOW)
    assert v.id == "unhcr-20261207T173000Z"
    assert v.path == tmp_path / "vintages" / "unhcr" / v.id
    expected = bs.Dataset.from_frame(f.observations, f.sources)
    back = store.read_vintage(v.id, root=tmp_path)
    assert back.fingerprint == expected.fingerprint == v.fingerprint
    assert back.origin == f"stored vintage {v.id}"
    # the files are the long format the readers accept, with sources.json beside them
    direct = bs.read_observations(v.observations_path)
    assert direct.fingerprint == expected.fingerprint
    assert v.id in direct.sources["synthetic_unhcr_api"].vintage
    man = json.loads((v.path / "manifest.json").read_text())
    assert man["publisher"] == "unhcr" and man["vintage_id"] == v.id
    assert man["created_utc"] == "2026-12-07T17:30:00Z"
    assert man["requests"][0]["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert man["requests"][0]["url"].startswith("https://api.unhcr.org/")
    assert man["licence"] == "CC BY 4.0" and man["params"] == {"years": [2023, 2024]}
    assert man["notes"] == ["synthetic test vintage"]
    assert man["burdenshare_version"] == bs.__version__
    raw = v.observations_path.read_bytes()
    assert man["observations"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert man["observations"]["size"] == len(raw) and man["observations"]["rows"] == 4
    assert man["observations"]["indicators"]["refugees"]["last_year"] == 2024
    assert gzip.decompress(raw).startswith(b"iso3,year,indicator,value,unit,source,")


def test_ids_are_unique_and_sortable_within_one_second(tmp_path: Path) -> None:
    a = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    b = store.write_vintage(synthetic_fetched(ROWS_B), root=tmp_path, now=NOW)
    c = store.write_vintage(synthetic_fetched(ROWS_B), root=tmp_path, now=LATER)
    assert (a.id, b.id) == ("unhcr-20261207T173000Z", "unhcr-20261207T173000Z-2")
    assert [v.id for v in store.list_vintages(tmp_path)] == sorted([a.id, b.id, c.id])
    assert store.latest("unhcr", tmp_path).id == c.id


def test_a_failure_mid_write_leaves_no_vintage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = _store._write_files

    def half_then_fail(folder, *args, **kwargs):  # type: ignore[no-untyped-def]
        (folder / "observations.csv.gz").write_bytes(b"half")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(_store, "_write_files", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    assert store.list_vintages(tmp_path) == ()
    assert not (tmp_path / "vintages" / "unhcr" / "unhcr-20261207T173000Z").exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # the work folder is removed
    monkeypatch.setattr(_store, "_write_files", real)
    assert store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW).id \
        == "unhcr-20261207T173000Z"


def test_the_lock_is_held_while_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock, Timeout

    real = _store._write_files
    seen = []

    def check_lock(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = FileLock(str(tmp_path / ".lock"), timeout=0)
        with pytest.raises(Timeout):
            other.acquire()
        seen.append(True)
        real(*args, **kwargs)

    monkeypatch.setattr(_store, "_write_files", check_lock)
    store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    assert seen == [True]


def test_a_locked_store_is_a_readable_error_and_stores_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    monkeypatch.setattr(_store, "LOCK_TIMEOUT_S", 0.05)
    (tmp_path / "tmp").mkdir()
    # another process's lock: a separate file descriptor on the same lock file
    with FileLock(str(tmp_path / ".lock"), is_singleton=False):
        with pytest.raises(store.FetchFailedError, match="locked by another update"):
            store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    assert store.list_vintages(tmp_path) == ()


def test_invalid_answer_is_not_stored_and_the_error_names_the_cell(tmp_path: Path) -> None:
    f = synthetic_fetched(ROWS_A)
    bad = f.observations.astype({"value": object})
    bad.loc[1, "value"] = "12O"  # letter O
    f = Fetched(publisher="unhcr", observations=bad, sources=f.sources, requests=f.requests)
    with pytest.raises(bs.DataValidationError, match=r"(?s)not stored.*line 2, column 'value': '12O'"):
        store.write_vintage(f, root=tmp_path, now=NOW)
    assert store.list_vintages(tmp_path) == ()


def test_a_vintage_without_requests_is_not_stored(tmp_path: Path) -> None:
    f = synthetic_fetched(ROWS_A)
    f = Fetched(publisher="unhcr", observations=f.observations, sources=f.sources, requests=())
    with pytest.raises(bs.DataValidationError, match="no request is recorded"):
        store.write_vintage(f, root=tmp_path, now=NOW)


def test_an_altered_file_is_detected(tmp_path: Path) -> None:
    v = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    v.observations_path.write_bytes(gzip.compress(b"iso3,year,indicator,value,unit,source\n"))
    with pytest.raises(bs.DataValidationError, match="changed after it was written"):
        store.read_vintage(v.id, root=tmp_path)


# ---------------------------------------------------------------------------- load


def test_load_replaces_the_vintage_indicators_whole(tmp_path: Path,
                                                    synthetic_embedded: bs.Dataset) -> None:
    v = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    ds = bs.load(v.id, root=tmp_path)
    obs = ds.observations
    ref = obs[obs["indicator"] == "refugees"]
    # every refugees row is the vintage's (LBN 2022 = 2.0 of the embedded data is gone)
    assert set(ref["source"]) == {"synthetic_unhcr_api"}
    assert sorted(zip(ref["iso3"], ref["year"], ref["value"])) == sorted(
        (i, y, v_) for i, y, _, v_ in ROWS_A)
    pop = obs[obs["indicator"] == "population"]
    assert set(pop["source"]) == {"synthetic_test"} and len(pop) == 2
    # fingerprint: a second construction of the expected rows by hand
    from tests.conftest import synthetic_frame

    expected_frame = pd.concat([
        synthetic_frame([("LBN", 2024, "population", 5_000_000.0),
                         ("JOR", 2024, "population", 10_000_000.0)]),
        synthetic_fetched(ROWS_A).observations], ignore_index=True)
    expected = bs.Dataset.from_frame(expected_frame, {
        "synthetic_test": synthetic_embedded.sources["synthetic_test"],
        "synthetic_unhcr_api": synthetic_source()})
    assert ds.fingerprint == expected.fingerprint
    assert ds.origin == f"burdenshare embedded samples + stored vintage {v.id}"
    assert any(f"replaced whole by stored vintage {v.id}" in ln and "2 embedded rows removed" in ln
               for ln in ds.lineage), ds.lineage
    assert v.id in ds.sources["synthetic_unhcr_api"].vintage


def test_load_default_and_embedded_are_the_samples(synthetic_embedded: bs.Dataset) -> None:
    assert bs.load() is synthetic_embedded
    assert bs.load("embedded") is synthetic_embedded


def test_latest_and_publisher_keys_pick_the_newest(tmp_path: Path,
                                                   synthetic_embedded: bs.Dataset) -> None:
    store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    newer = store.write_vintage(synthetic_fetched(ROWS_B), root=tmp_path, now=LATER)
    assert [v.id for v in store.resolve("latest", tmp_path)] == [newer.id]
    assert [v.id for v in store.resolve("unhcr", tmp_path)] == [newer.id]
    assert bs.load("latest", root=tmp_path).fingerprint == bs.load(newer.id, root=tmp_path).fingerprint


def test_unknown_vintage_lists_the_available_ids(tmp_path: Path) -> None:
    v = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    with pytest.raises(store.UnknownVintageError, match=f"unknown data vintage 'unhcr-2019'.*{v.id}"):
        bs.load("unhcr-2019", root=tmp_path)


def test_latest_in_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(store.UnknownVintageError, match="burdenshare data update"):
        bs.load("latest", root=tmp_path)


def test_two_vintages_of_one_publisher_are_refused(tmp_path: Path) -> None:
    a = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    b = store.write_vintage(synthetic_fetched(ROWS_B), root=tmp_path, now=LATER)
    with pytest.raises(store.UnknownVintageError, match="two vintages of 'unhcr'"):
        store.resolve(f"{a.id},{b.id}", tmp_path)


def test_two_publishers_combine(tmp_path: Path, synthetic_embedded: bs.Dataset) -> None:
    u = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    w = store.write_vintage(synthetic_fetched([("LBN", 2024, "population", 6_000_000.0)],
                                              publisher="worldbank", sid="synthetic_wdi_api"),
                            root=tmp_path, now=NOW)
    ds = bs.load(f"{u.id},{w.id}", root=tmp_path)
    assert sorted(ds.sources) == ["synthetic_unhcr_api", "synthetic_wdi_api"]
    pop = ds.observations[ds.observations["indicator"] == "population"]
    assert pop["value"].tolist() == [6_000_000.0]  # JOR's embedded population is replaced too


# ---------------------------------------------------------------------------- diff


def test_diff_of_two_vintages_matches_a_hand_count(tmp_path: Path,
                                                   synthetic_embedded: bs.Dataset) -> None:
    a = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    b = store.write_vintage(synthetic_fetched(ROWS_B, sid="synthetic_unhcr_api_2"),
                            root=tmp_path, now=LATER)
    d = store.diff(a.id, b.id, root=tmp_path)
    # by hand: UGA added, JOR removed, LBN 2023 +10, LBN 2024 -50, TUR 2024 +30; sources
    # differ between the vintages and are not part of the key
    assert d.added[["iso3", "year", "value"]].values.tolist() == [["UGA", 2024, 70.0]]
    assert d.removed[["iso3", "year", "value"]].values.tolist() == [["JOR", 2024, 50.0]]
    rev = d.revised.set_index(["iso3", "year"])
    assert rev.loc[("LBN", 2023), "revision"] == 10.0
    assert rev.loc[("LBN", 2023), "relative_revision"] == pytest.approx(0.10, rel=1e-12)
    assert rev.loc[("LBN", 2024), "revision"] == -50.0
    assert rev.loc[("LBN", 2024), "relative_revision"] == pytest.approx(-0.25, rel=1e-12)
    assert rev.loc[("TUR", 2024), "revision"] == 30.0
    assert math.isnan(rev.loc[("TUR", 2024), "relative_revision"])  # from 0: undefined
    s = d.summary.set_index(["indicator", "year"])
    assert s.loc[("refugees", 2023)].to_dict() == {
        "added": 0, "removed": 0, "revised": 1, "unchanged": 0, "median_abs_revision": 10.0,
        "max_abs_revision": 10.0, "median_abs_relative_revision": pytest.approx(0.1),
        "max_abs_relative_revision": pytest.approx(0.1)}
    r24 = s.loc[("refugees", 2024)]
    assert (r24["added"], r24["removed"], r24["revised"]) == (1, 1, 2)
    assert r24["median_abs_revision"] == 40.0  # median of |−50| and |30|
    assert r24["max_abs_revision"] == 50.0
    assert r24["max_abs_relative_revision"] == pytest.approx(0.25)  # TUR's NaN is left out
    assert ("population", 2024) not in s.index  # untouched indicators do not show
    assert "1 rows added, 1 removed, 3 revised" in d.headline()


def test_diff_embedded_against_itself_is_empty(synthetic_embedded: bs.Dataset) -> None:
    d = store.diff("embedded", "embedded")
    assert d.identical and d.summary.empty
    assert int(d.unchanged["n"].sum()) == len(synthetic_embedded)


# ---------------------------------------------------------------------------- list


@pytest.fixture
def real_embedded(monkeypatch: pytest.MonkeyPatch, sample_data: bs.Dataset) -> bs.Dataset:
    monkeypatch.setattr("burdenshare.io.load_sample", lambda: sample_data)
    return sample_data


def _stale(frame: pd.DataFrame, source: str) -> tuple[object, str]:
    row = frame[frame["source"] == source].iloc[0]
    return row["stale"], row["staleness"]


def test_list_at_fixed_dates_follows_the_calendars(tmp_path: Path, real_embedded: bs.Dataset) -> None:
    cat = store.catalog(tmp_path, today=dt.date(2026, 12, 7))
    assert set(cat["store_vintage"]) == {"embedded"}
    assert set(cat["source"]) == set(real_embedded.sources)  # every source is listed
    assert cat["staleness"].str.len().gt(0).all()
    # UNHCR end-2025 data retrieved 2026-06-25, after Global Trends (due mid-June 2026): current
    # until the end-2026 data of June 2027; the December mid-year release (ECOSYSTEM.md §2) is
    # named but is not part of the annual series (and the API does not serve it)
    stale, why = _stale(cat, "unhcr_refugee_statistics_2025_12_1")
    assert stale is False
    assert "next end-year data (Global Trends) due by 15 June 2027" in why
    assert "mid-year data (Mid-Year Trends), due by 31 December 2026, is not part of" in why
    # after mid-June 2027 the end-2026 data have fallen due
    later = store.catalog(tmp_path, today=dt.date(2027, 6, 20))
    stale, why = _stale(later, "unhcr_refugee_statistics_2025_12_1")
    assert stale is True and "end-year data (Global Trends) of June 2027 (covering 2026)" in why
    assert "data end in 2025" in why
    # WDI retrieved 2026-07-01: the September-October update fell due on 31 October 2026
    stale, why = _stale(cat, "wb_wdi_2026_07_01")
    assert stale is True and "WDI update of October 2026" in why


# the retrieval dates and last years below are those of the embedded OECD sources of
# December 2026 (data_samples/sources.json), fixed here so the test does not move with the samples


def test_oecd_copy_from_2025_ending_2022_is_stale_with_three_releases_missed() -> None:
    stale, why = store.staleness("oecd_dac", "2025-04-18", 2022, dt.date(2026, 12, 7))
    # April 2025 (due 30 April, after the 18 April retrieval), December 2025, April 2026; the
    # April 2026 preliminary release covers 2025
    assert stale is True
    assert "preliminary ODA data of April 2026 (covering 2025)" in why
    assert "(3 releases missed)" in why and "data end in 2022" in why


def test_oecd_copy_with_2025_preliminary_is_current_until_december() -> None:
    stale, why = store.staleness("oecd_dac", "2026-07-31", 2025, dt.date(2026, 12, 7))
    assert stale is False and "final (detailed) ODA data due by 31 December 2026" in why
    stale, _ = store.staleness("oecd_dac", "2026-07-31", 2025, dt.date(2026, 12, 31))
    assert stale is True  # the December release is due on the month's last day


def test_income_classification_is_due_on_1_july() -> None:
    # Gapminder's copy: GNI years to 2024, retrieved 2026-07-15; FY27 (GNI 2025) took effect on
    # 1 July 2026 (../shared/data/README.md §4)
    stale, why = store.staleness("wb_income", "2026-07-15", 2024, dt.date(2026, 12, 7))
    assert stale is True and "data end in 2024" in why
    assert store.staleness("wb_income", "2026-07-15", 2025, dt.date(2026, 12, 7))[0] is False


def test_no_calendar_and_unknown_dates_are_said_not_guessed() -> None:
    assert store.staleness(None, "2026-03-01", 2022, dt.date(2026, 12, 7))[0] is None
    stale, why = store.staleness("unhcr", "", 2025, dt.date(2026, 12, 7))
    assert stale is None and "retrieval date '' unknown" in why


@pytest.mark.parametrize(("source_id", "family"), [
    ("unhcr_refugee_statistics_2025_12_1", "unhcr"), ("unrwa_via_unhcr_2025_12_1", "unhcr"),
    ("unhcr_revenue_x", None), ("un_ceb_unhcr_revenue_2026_02_05", None),
    ("oecd_dac1_idrc_oda_gni_one_2024_01_10", "oecd_dac"),
    ("oecd_dac_membership_transcribed", None), ("wb_wdi_2026_07_01", "worldbank"),
    ("wb_income_history_gapminder_v8", "wb_income"), ("wb_oghist_fy26", "wb_income"),
    ("who_ghed_gapminder_2025_12_08", None)])
def test_sources_follow_their_publishers_calendar(source_id: str, family: str | None) -> None:
    assert store.family_of(source_id) == family


def test_list_shows_stored_vintages_with_their_last_years(tmp_path: Path,
                                                          synthetic_embedded: bs.Dataset) -> None:
    v = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    cat = store.catalog(tmp_path, today=dt.date(2026, 12, 7))
    row = cat[cat["store_vintage"] == v.id].iloc[0]
    assert (row["source"], row["indicator"], row["first_year"], row["last_year"]) == (
        "synthetic_unhcr_api", "refugees", 2023, 2024)
    assert row["licence"] == "CC BY 4.0" and row["retrieved"] == "2026-12-07"
    # the unhcr calendar applies to a stored unhcr vintage: Global Trends of June 2026 covers
    # 2025, and this vintage ends in 2024
    assert row["stale"] is True and "data end in 2024" in row["staleness"]
    rec = [r for r in store.catalog_records(cat) if r["store_vintage"] == v.id][0]
    assert rec["indicators"] == {"refugees": {"first_year": 2023, "last_year": 2024,
                                              "observations": 4}}


# ---------------------------------------------------------------------------- update


def test_update_stores_what_the_client_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def stub(publisher, *, years=None, wdi_version=None, session=None):  # type: ignore[no-untyped-def]
        calls.append((publisher, years, wdi_version, session))
        return synthetic_fetched(ROWS_A)

    monkeypatch.setattr("burdenshare.fetch.fetch", stub, raising=False)
    v = store.update("unhcr", years=(2023, 2024), root=tmp_path, now=NOW)
    assert calls == [("unhcr", (2023, 2024), None, None)]
    assert v.summary() == "unhcr-20261207T173000Z: 4 rows, 1 indicators, years 2023-2024"


def test_update_wraps_a_network_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(publisher, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("api.unhcr.org: Name or service not known")

    monkeypatch.setattr("burdenshare.fetch.fetch", down, raising=False)
    with pytest.raises(store.FetchFailedError, match="fetching unhcr failed: ConnectionError"):
        store.update("unhcr", root=tmp_path)
    assert store.list_vintages(tmp_path) == ()


def test_update_refuses_a_wdi_version_for_another_publisher(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="applies to 'worldbank' only"):
        store.update("unhcr", wdi_version="202607", root=tmp_path)


def test_default_root_is_the_user_data_directory() -> None:
    import platformdirs

    assert store.default_root() == Path(platformdirs.user_data_dir("burdenshare", appauthor=False))


def test_load_docstring_example_runs() -> None:
    import doctest

    from burdenshare.store import _load

    result = doctest.testmod(_load, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0


def test_unknown_vintage_in_an_empty_store_says_only_embedded_exists(tmp_path: Path) -> None:
    with pytest.raises(store.UnknownVintageError, match="holds no vintage, only 'embedded'"):
        store.get_vintage("unhcr-2019", tmp_path)


def test_a_killed_write_leaves_only_a_work_folder_that_the_next_write_removes(tmp_path: Path) -> None:
    left = tmp_path / "tmp" / "unhcr-20261207T000000Z.abc123"
    left.mkdir(parents=True)
    (left / "observations.csv.gz").write_bytes(b"half")
    assert store.list_vintages(tmp_path) == ()  # never visible as a vintage
    store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_manifest_of_another_format_is_refused(tmp_path: Path) -> None:
    v = store.write_vintage(synthetic_fetched(ROWS_A), root=tmp_path, now=NOW)
    man = json.loads((v.path / "manifest.json").read_text())
    man["format"] = "burdenshare-vintage/99"
    (v.path / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(bs.DataValidationError, match="burdenshare-vintage/99"):
        store.read_vintage(v.id, root=tmp_path)


def test_update_keeps_the_clients_url_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from burdenshare.fetch import FetchError

    url = "https://api.unhcr.org/population/v1/population/?page=2"

    def html_page(publisher, **kwargs):  # type: ignore[no-untyped-def]
        raise FetchError(f"{url}: status 200 but an HTML page, not JSON", url=url, status=200)

    monkeypatch.setattr("burdenshare.fetch.fetch", html_page)
    with pytest.raises(store.FetchFailedError, match="fetching unhcr failed: https://") as info:
        store.update("unhcr", root=tmp_path)
    assert isinstance(info.value, FetchError)
    assert (info.value.url, info.value.status, info.value.exit_code) == (url, 200, 5)
    assert store.list_vintages(tmp_path) == ()


def test_copy_taken_in_the_release_month_that_covers_its_year_is_that_release() -> None:
    # the OECD's preliminary 2025 data, taken on 9 April 2026 (the embedded release): the April
    # release is "due by" 30 April, but a copy of that month already covering 2025 is that release
    stale, why = store.staleness("oecd_dac", "2026-04-09", 2025, dt.date(2026, 12, 7))
    assert stale is False and why.startswith("current")
    # a copy taken in April that still ends in 2024 did miss the April release (covering 2025)
    stale, why = store.staleness("oecd_dac", "2026-04-09", 2024, dt.date(2026, 12, 7))
    assert stale is True and "April 2026" in why
    # after the December release falls due, the preliminary copy is stale (final data replace it)
    assert store.staleness("oecd_dac", "2026-04-09", 2025, dt.date(2027, 1, 1))[0] is True
