"""`burdenshare data list | update | diff` and `--data-vintage`: outputs, exit codes, one-line
errors. No network: the publisher client is replaced by a stub returning a synthetic vintage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import cli, store
from burdenshare.cli import main
from tests.unit.test_store import NOW, ROWS_A, ROWS_B, synthetic_fetched

#: LBN and JOR refugees 2024 in the synthetic vintage (invented, test only)
VINTAGE_ROWS = [("LBN", 2024, "refugees", 1_000_000.0), ("JOR", 2024, "refugees", 500_000.0)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fast_samples(monkeypatch: pytest.MonkeyPatch, sample_data: bs.Dataset) -> bs.Dataset:
    """The real embedded samples, loaded once per session instead of once per command."""
    monkeypatch.setattr("burdenshare.io.load_sample", lambda names=None: sample_data)
    return sample_data


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, store.Vintage]:
    root = tmp_path / "store"
    return root, store.write_vintage(synthetic_fetched(VINTAGE_ROWS), root=root, now=NOW)


def test_data_sources_match_the_store_publishers() -> None:
    assert cli._DATA_SOURCES == store.PUBLISHERS


def test_data_list_json_has_every_source_with_staleness(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_samples: bs.Dataset) -> None:
    code, out, err = run(["data", "list", "--format", "json", "--today", "2026-12-07",
                          "--data-dir", str(tmp_path)], capsys)
    assert code == 0, err
    recs = json.loads(out)
    assert {r["source"] for r in recs} == set(fast_samples.sources)
    wdi = next(r for r in recs if r["source"] == "wb_wdi_2026_07_01")
    assert wdi["stale"] is True and wdi["staleness"].startswith("STALE:")
    assert wdi["retrieved"] == "2026-07-01" and wdi["licence"] == "CC BY 4.0"
    # the last year with a value per indicator, as the sample holds it
    obs = fast_samples.observations
    pop = obs[(obs["source"] == "wb_wdi_2026_07_01") & (obs["indicator"] == "population")
              & obs["value"].notna()]
    assert wdi["indicators"]["population"]["last_year"] == int(pop["year"].max())


def test_data_list_table_prints_a_staleness_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_samples: bs.Dataset) -> None:
    code, out, _ = run(["data", "list", "--today", "2026-12-07", "--data-dir", str(tmp_path)],
                       capsys)
    assert code == 0
    assert out.splitlines()[0] == (f"vintage store: {tmp_path} (0 stored vintages); staleness as "
                                   "of 2026-12-07")
    block = out.split("[embedded] wb_wdi_2026_07_01")[1].split("\n[")[0]
    assert "retrieved 2026-07-01" in block and "STALE: WDI update of October 2026" in block
    assert "last year: " in block


def test_data_list_bad_date_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["data", "list", "--today", "7/12/2026", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "YYYY-MM-DD" in err


def test_data_update_prints_id_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def stub(publisher, *, years=None, wdi_version=None, session=None):  # type: ignore[no-untyped-def]
        seen.append(years)
        return synthetic_fetched(ROWS_A)

    monkeypatch.setattr("burdenshare.fetch.fetch", stub, raising=False)
    code, out, err = run(["data", "update", "unhcr", "--years", "2023-2024", "--data-dir",
                          str(tmp_path)], capsys)
    assert code == 0, err
    assert seen == [(2023, 2024)]
    first = out.splitlines()[0]
    assert first.startswith("stored unhcr-") and first.endswith(
        ": 4 rows, 1 indicators, years 2023-2024")
    assert "note: synthetic test vintage" in out
    assert len(store.list_vintages(tmp_path)) == 1


def test_data_update_network_error_exits_5_with_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def down(publisher, **kwargs):  # type: ignore[no-untyped-def]
        raise TimeoutError("api.unhcr.org did not answer within 60 s")

    monkeypatch.setattr("burdenshare.fetch.fetch", down, raising=False)
    code, out, err = run(["data", "update", "unhcr", "--data-dir", str(tmp_path)], capsys)
    assert code == cli.EXIT_FETCH == 5
    assert err.strip().splitlines() == [
        "burdenshare: fetching unhcr failed: TimeoutError: api.unhcr.org did not answer within 60 s"]
    assert store.list_vintages(tmp_path) == ()


def test_data_update_invalid_answer_exits_3_and_stores_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    bad = synthetic_fetched([("LBN", 2024, "refugees", -5.0)])
    monkeypatch.setattr("burdenshare.fetch.fetch", lambda p, **k: bad, raising=False)
    code, _, err = run(["data", "update", "unhcr", "--data-dir", str(tmp_path)], capsys)
    assert code == 3
    assert "not stored" in err and "column 'value': -5.0 is negative" in err
    assert store.list_vintages(tmp_path) == ()


def test_data_update_wdi_version_for_unhcr_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["data", "update", "unhcr", "--wdi-version", "202607", "--data-dir",
                        str(tmp_path)], capsys)
    assert code == 2 and "worldbank only" in err


def test_data_update_unknown_source_is_a_usage_error(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["data", "update", "imf", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and "invalid choice: 'imf'" in err


def test_run_with_an_unknown_vintage_exits_2_listing_the_ids(
        stored: tuple[Path, store.Vintage], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    root, v = stored
    code, _, err = run(["run", "refugees_per_1000", "--data-vintage", "unhcr-2019", "--data-dir",
                        str(root), "--out", str(tmp_path / "x.csv")], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "unknown data vintage 'unhcr-2019'" in lines[0] and v.id in lines[0]


def test_data_and_data_vintage_exclude_each_other(stored: tuple[Path, store.Vintage], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root, v = stored
    code, _, err = run(["run", "refugees_per_1000", "--data", "x.csv", "--data-vintage", v.id,
                        "--data-dir", str(root), "--out", str(tmp_path / "x.csv")], capsys)
    assert code == 2 and "exclude each other" in err


def _lbn(path: Path) -> float:
    est = pd.read_csv(path)
    return float(est.loc[(est["iso3"] == "LBN") & (est["quantity"] == "refugees_per_1000_inhabitants"),
                         "estimate"].iloc[0])


def test_run_uses_the_vintage_refugees(stored: tuple[Path, store.Vintage], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str],
                                       fast_samples: bs.Dataset) -> None:
    root, v = stored
    args = ["run", "refugees_per_1000", "--years", "2024", "--countries", "LBN,JOR", "--set",
            "who_counts=refugees"]
    code, _, err = run([*args, "--out", str(tmp_path / "e.csv")], capsys)
    assert code == 0, err
    code, _, err = run([*args, "--data-vintage", v.id, "--data-dir", str(root), "--out",
                        str(tmp_path / "v.csv")], capsys)
    assert code == 0, err
    # hand calculation: same denominator, so the ratio of the two figures is the ratio of the
    # numerators: 1,000,000 (vintage) / LBN's embedded 2024 refugees
    obs = fast_samples.observations
    embedded = float(obs.loc[(obs["iso3"] == "LBN") & (obs["year"] == 2024)
                             & (obs["indicator"] == "refugees"), "value"].iloc[0])
    assert _lbn(tmp_path / "v.csv") / _lbn(tmp_path / "e.csv") == pytest.approx(
        1_000_000.0 / embedded, rel=1e-12)  # rel: two float divisions
    prov = json.loads((tmp_path / "v.csv.provenance.json").read_text())["provenance"]
    assert any(f"stored vintage {v.id}" in ln for ln in prov["data_lineage"])
    assert any(s["id"] == "synthetic_unhcr_api" and v.id in s["vintage"] for s in prov["sources"])


def test_compare_with_a_vintage_records_it(stored: tuple[Path, store.Vintage], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           fast_samples: bs.Dataset) -> None:
    root, v = stored
    out = tmp_path / "c.json"
    code, _, err = run(["compare", "refugees_per_1000", "one_in_n", "--years", "2024",
                        "--countries", "LBN,JOR", "--data-vintage", "unhcr", "--data-dir",
                        str(root), "--out", str(out)], capsys)
    assert code == 0, err
    assert f"stored vintage {v.id}" in out.read_text()


def test_data_diff_with_an_estimator_writes_ranks(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  fast_samples: bs.Dataset) -> None:
    root = tmp_path / "store"
    a = store.write_vintage(synthetic_fetched(ROWS_A), root=root, now=NOW)
    b = store.write_vintage(synthetic_fetched(ROWS_B), root=root,
                            now=NOW + dt.timedelta(hours=1))
    out = tmp_path / "d.json"
    code, text, err = run(["data", "diff", a.id, b.id, "--estimator", "refugees_per_1000",
                           "--years", "2023-2024", "--data-dir", str(root), "--out", str(out)],
                          capsys)
    assert code == 0, err
    assert f"{a.id} -> {b.id}: 1 rows added, 1 removed, 3 revised" in text
    body = json.loads(out.read_text())
    assert {"summary", "added", "removed", "revised", "estimates", "ranks", "provenance"} <= set(body)
    ranks = {(r["iso3"], r["year"]): (r["rank_a"], r["rank_b"]) for r in body["ranks"]}
    # by hand, refugees per 1,000 inhabitants in 2024 (refugees replaced whole by each vintage,
    # population from the embedded WDI): a: LBN 200 / ~5.8 M > JOR 50 / ~11 M > TUR 0;
    # b: LBN 150 / ~5.8 M > UGA 70 / ~50 M > TUR 30 / ~85 M. The orders hold for any
    # population within a factor 2 of these, so they do not depend on the WDI vintage.
    assert ranks == {("LBN", 2023): (1, 1), ("LBN", 2024): (1, 1), ("JOR", 2024): (2, None),
                     ("TUR", 2024): (3, 3), ("UGA", 2024): (None, 2)}
    est = {(r["iso3"], r["year"]): r for r in body["estimates"]}
    # the same population on both sides, so the relative change is that of refugees: 150/200 - 1
    assert est[("LBN", 2024)]["relative_change"] == pytest.approx(-0.25, rel=1e-12)
    assert "2 ranks moved" in text


def test_data_diff_unknown_estimator_is_a_usage_error(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["data", "diff", "embedded", "embedded", "--estimator", "nope",
                        "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and "nope" in err


MV_GRID = """
[grid]
name = "vintage_test"
seed = 3

[[method]]
label = "per1000"
estimator = "refugees_per_1000"
year = 2024
lookback = 0

[[choice]]
name = "who_counts"
values = [["refugees"]]
"""


def test_multiverse_runs_on_a_vintage(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import synthetic_dataset

    embedded = synthetic_dataset([("LBN", 2024, "population_un_wpp", 5_000_000.0),
                                  ("JOR", 2024, "population_un_wpp", 10_000_000.0),
                                  ("LBN", 2024, "refugees", 1.0), ("JOR", 2024, "refugees", 1.0)])
    monkeypatch.setattr("burdenshare.io.load_sample", lambda names=None: embedded)
    root = tmp_path / "store"
    v = store.write_vintage(synthetic_fetched(VINTAGE_ROWS), root=root, now=NOW)
    grid = tmp_path / "g.toml"
    grid.write_text(MV_GRID)
    out = tmp_path / "mv.csv"
    code, _, err = run(["multiverse", str(grid), "--data-vintage", v.id, "--data-dir", str(root),
                        "--out", str(out), "--no-progress"], capsys)
    assert code == 0, err
    head = json.loads((tmp_path / "mv.csv.provenance.jsonl").read_text().splitlines()[0])
    assert head["data_fingerprint"] == bs.load(v.id, root=root).fingerprint
    est = pd.read_csv(out)
    lbn = est[(est["iso3"] == "LBN") & (est["quantity"] == "refugees_per_1000_inhabitants")]
    # by hand: 1,000,000 (vintage) / 5,000,000 * 1000 = 200
    assert lbn["estimate"].tolist() == [pytest.approx(200.0, rel=1e-12)]
