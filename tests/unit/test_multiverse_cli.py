"""``burdenshare multiverse GRID.toml --out FILE``: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from burdenshare.cli import main

SOURCES = '{"synthetic_test": {"title": "synthetic", "publisher": "tests"}}'

GRID = """
[grid]
name = "cli_test"
seed = 3

[[method]]
label = "per1000"
estimator = "refugees_per_1000"
year = 2024
lookback = 0
params = { population_source = "wdi" }  # the synthetic population is indicator `population`

[[method]]
label = "effort"
estimator = "relative_effort"
year = 2024
lookback = 0
params = { population_source = "wdi" }

[[choice]]
name = "who_counts"
values = [["refugees"], ["refugees", "oip"]]

[[choice]]
name = "capacity"
values = ["population", "gdp_usd_current"]
methods = ["effort"]
"""


def _data(tmp_path: Path) -> Path:
    """Synthetic observations of three countries in 2024."""
    rows = []
    for iso, pop, gdp, ref, oip in (("FRA", 1000.0, 5e6, 40.0, 5.0), ("DEU", 2000.0, 6e6, 30.0, 0.0),
                                    ("ITA", 3000.0, 2e6, 20.0, 12.0)):
        for ind, v, unit in (("population", pop, "persons"), ("gdp_usd_current", gdp, "USD"),
                             ("refugees", ref, "persons"), ("oip", oip, "persons")):
            rows.append({"iso3": iso, "year": 2024, "indicator": ind, "value": v,
                         "unit": unit, "source": "synthetic_test"})
    from burdenshare.indicators import VOCABULARY

    df = pd.DataFrame(rows)
    df["unit"] = [VOCABULARY[i].unit for i in df["indicator"]]
    path = tmp_path / "synthetic_obs.csv"
    df.to_csv(path, index=False)
    (tmp_path / "sources.json").write_text(SOURCES)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_parquet_output_streams_everything(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text(GRID)
    out = tmp_path / "mv.parquet"
    code, stdout, err = run(["multiverse", str(grid), "--data", str(_data(tmp_path)), "--out",
                             str(out), "--no-progress"], capsys)
    assert code == 0, err
    assert "6 universes (0 failed" in stdout
    man = pd.read_parquet(out / "manifest.parquet")
    assert len(man) == 6 and set(man["status"]) == {"ok"}
    long = pd.read_parquet(out / "long")
    assert set(long["universe_id"]) == set(range(6))
    assert (out / "attribution_rank.csv").exists() and (out / "rank_distribution.csv").exists()
    meta = json.loads((out / "grid.json").read_text())
    assert meta["grid"]["name"] == "cli_test" and meta["seed"] == 3


def test_csv_output_has_sidecars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text(GRID)
    out = tmp_path / "mv.csv"
    code, _, err = run(["multiverse", str(grid), "--data", str(_data(tmp_path)), "--out", str(out),
                        "--no-progress"], capsys)
    assert code == 0, err
    long = pd.read_csv(out)
    # FRA, refugees only, per 1,000: 1000 x 40 / 1000 = 40 (hand calculation)
    first = long[(long["universe_id"] == 0) & (long["iso3"] == "FRA")]["estimate"]
    assert first.iloc[0] == pytest.approx(40.0, rel=1e-12)  # float rounding only
    for side in ("manifest.csv", "excluded.csv", "ruled_out.csv", "provenance.jsonl",
                 "attribution.csv", "ranks.csv"):
        assert Path(f"{out}.{side}").exists(), side
    lines = Path(f"{out}.provenance.jsonl").read_text().splitlines()
    assert len(lines) == 1 + 6 and json.loads(lines[1])["universe_id"] == 0


def test_bad_grid_is_exit_2_with_file_line_key(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text(GRID.replace('name = "capacity"', 'name = "capacityy"'))
    code, _, err = run(["multiverse", str(grid), "--out", str(tmp_path / "x.csv")], capsys)
    assert code == 2
    assert err.count("\n") == 1 and f"{grid}, line 25 [choice #2]" in err and "capacityy" in err


def test_bad_out_suffix_is_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text(GRID)
    code, _, err = run(["multiverse", str(grid), "--out", str(tmp_path / "x.xlsx")], capsys)
    assert code == 2 and ".parquet" in err


def test_invalid_data_is_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text(GRID)
    bad = tmp_path / "bad.csv"
    bad.write_text("iso3,year,indicator,value,unit,source\nFRA,20x4,population,1,persons,s\n")
    code, _, err = run(["multiverse", str(grid), "--data", str(bad), "--out",
                        str(tmp_path / "x.csv")], capsys)
    # the data problems are listed as `burdenshare validate` lists them: file, line, column
    assert code == 3 and "bad.csv, line 2, column 'year'" in err


def test_every_universe_failed_is_exit_4(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    # the synthetic data have no GDP (PPP) per capita: every universe fails, each is reported
    grid.write_text("""
[[method]]
estimator = "refugees_per_gdp_ppp_pc"
year = 2024
""")
    code, out, err = run(["multiverse", str(grid), "--data", str(_data(tmp_path)), "--out",
                          str(tmp_path / "x.csv"), "--no-progress"], capsys)
    assert code == 4
    assert "FAILED universe 0" in out and "every universe" in err


def test_existing_foreign_output_folder_is_usage(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text(GRID)
    out = tmp_path / "mine.parquet"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, _, err = run(["multiverse", str(grid), "--data", str(_data(tmp_path)), "--out", str(out),
                        "--no-progress"], capsys)
    assert code == 2 and "nothing is overwritten" in err and (out / "notes.txt").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    grid = tmp_path / "g.toml"
    grid.write_text("[[method]]\nestimator = 'nope'\n")
    with pytest.raises(Exception, match="unknown estimator 'nope'"):
        main(["--debug", "multiverse", str(grid), "--out", str(tmp_path / "x.csv")])
