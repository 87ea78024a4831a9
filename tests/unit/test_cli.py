"""The CLI contract: commands, outputs with provenance, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from burdenshare.cli import main

SOURCES = '{"synthetic_test": {"title": "synthetic", "publisher": "tests"}}'


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_estimators_lists_name_quantity_unit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["estimators"], capsys)
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("refugees_per_1000 "))
    assert "refugees_per_1000_inhabitants" in line and "per 1,000 inhabitants" in line


def test_indicators_lists_the_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    from burdenshare.indicators import VOCABULARY

    code, out, _ = run(["indicators"], capsys)
    assert code == 0
    assert {ln.split()[0] for ln in out.splitlines()} == set(VOCABULARY)


def test_run_writes_csv_with_sidecars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.csv"
    code, _, err = run(["run", "refugees_per_1000", "--years", "2024", "--countries", "LBN,JOR,UNK",
                        "--set", "who_counts=refugees,oip", "--out", str(out)], capsys)
    assert code == 0, err
    est = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert est.columns.tolist() == ["quantity", "iso3", "year", "term", "estimate", "std_error",
                                    "ci_lower", "ci_upper", "ci_level", "unit"]
    assert sorted(est["iso3"]) == ["JOR", "LBN"]
    prov = json.loads((tmp_path / "r.csv.provenance.json").read_text())
    assert prov["provenance"]["params"]["who_counts"] == ["refugees", "oip"]
    assert "iso3=JOR,LBN,UNK" in prov["provenance"]["data_lineage"][0]
    exc = pd.read_csv(tmp_path / "r.csv.excluded.csv", keep_default_na=False, na_values=[""])
    assert set(exc.loc[exc["iso3"] == "UNK", "reason"]) == {"aggregate_entity"}


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".json"])
def test_run_other_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    out = tmp_path / f"r{suffix}"
    code, _, err = run(["run", "one_in_n", "--years", "2024", "--out", str(out)], capsys)
    assert code == 0, err
    if suffix == ".xlsx":
        sheets = pd.read_excel(out, sheet_name=None)
        assert {"estimates", "excluded", "provenance", "sources", "assumptions"} <= set(sheets)
    elif suffix == ".parquet":
        assert len(pd.read_parquet(out)) > 100
        assert (tmp_path / "r.parquet.provenance.json").exists()
    else:
        doc = json.loads(out.read_text())
        assert {"estimates", "excluded", "provenance", "assumptions"} <= set(doc)


def test_compare_writes_long_table_with_method(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.csv"
    code, _, err = run(["compare", "refugees_per_1000", "one_in_n", "--years", "2024",
                        "--set", "who_counts=refugees,oip", "--out", str(out)], capsys)
    assert code == 0, err
    long = pd.read_csv(out)
    assert set(long["method"]) == {"refugees_per_1000", "one_in_n"}
    meta = json.loads((tmp_path / "c.csv.provenance.json").read_text())
    assert meta["methods"]["one_in_n"]["provenance"]["params"]["who_counts"] == ["refugees", "oip"]


def test_run_on_user_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mine.csv"
    f.write_text("iso3,year,indicator,value,unit,source\n"
                 "AUT,2020,refugees,1000,persons,synthetic_test\n"
                 "AUT,2020,population,250000,persons,synthetic_test\n")
    (tmp_path / "sources.json").write_text(SOURCES)
    out = tmp_path / "o.csv"
    # the file's population is the indicator `population` (WDI-style), so choose it: the default
    # population_source=un_wpp reads population_un_wpp
    code, _, err = run(["run", "refugees_per_1000", "--data", str(f), "--out", str(out),
                        "--set", "population_source=wdi"], capsys)
    assert code == 0, err
    assert pd.read_csv(out)["estimate"].tolist() == [4.0]  # 1000 / 250000 * 1000


def test_run_on_user_data_without_wpp_says_which_parameter_to_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mine.csv"
    f.write_text("iso3,year,indicator,value,unit,source\n"
                 "AUT,2020,refugees,1000,persons,synthetic_test\n"
                 "AUT,2020,population,250000,persons,synthetic_test\n")
    (tmp_path / "sources.json").write_text(SOURCES)
    code, _, err = run(["run", "refugees_per_1000", "--data", str(f), "--out",
                        str(tmp_path / "o.csv")], capsys)
    assert code != 0
    assert len(err.strip().splitlines()) == 1
    assert "population_un_wpp" in err and "population_source=wdi" in err


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["run", "nope", "--out", "x.csv"], 2, "unknown estimator 'nope'"),
    (["run", "one_in_n", "--set", "colour=red", "--out", "x.csv"], 2, "has no parameter 'colour'"),
    (["run", "one_in_n", "--set", "who_counts=idps", "--out", "x.csv"], 2, "'idps' is not allowed"),
    (["run", "one_in_n", "--years", "20x4", "--out", "x.csv"], 2, "--years"),
    (["run", "one_in_n", "--out", "x.txt"], 2, "unsupported suffix '.txt'"),
    (["run", "one_in_n", "--years", "2090", "--out", "x.csv"], 3, "contains no observations"),
    (["run", "refugees_per_gdp_ppp_pc", "--years", "2025", "--countries", "SSD", "--out", "x.csv"], 4,
     "needs indicator(s) gdp_ppp_per_capita_intl_current"),
])
def test_errors_are_one_message_with_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               argv: list[str], code: int, message: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    got, out, err = run(argv, capsys)
    assert got == code
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_validate_lists_every_problem_and_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("iso3,year,indicator,value,unit,source\n"
                 "AUT,2020,refugees,n/a,persons,synthetic_test\n"
                 "AUT,2021,refugees,-3,persons,synthetic_test\n")
    (tmp_path / "sources.json").write_text(SOURCES)
    code, out, _ = run(["validate", str(f)], capsys)
    assert code == 3
    assert "2 problem(s)" in out
    assert "line 2, column 'value': 'n/a' is not a number" in out
    assert "line 3, column 'value': -3.0 is negative" in out


def test_validate_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "good.csv"
    f.write_text("iso3,year,indicator,value,unit,source\nAUT,2020,refugees,5,persons,synthetic_test\n")
    (tmp_path / "sources.json").write_text(SOURCES)
    code, out, _ = run(["validate", str(f)], capsys)
    assert code == 0 and "OK (1 observations" in out


def test_usage_error_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["run"], capsys)
    assert code == 2 and "usage" in err


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("burdenshare")
    proc = subprocess.run([str(exe), "run", "nope", "--out", str(tmp_path / "x.csv")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("burdenshare: unknown estimator")


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    from burdenshare.cli import EXIT_CODES

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for code, what in EXIT_CODES.items():
        assert f"  {code}  {what}" in out


@pytest.mark.parametrize(("err", "code"), [
    (PermissionError(13, "Permission denied", "out/r.csv"), 6),
    (FileNotFoundError("no such file: x.csv"), 3),
    (RuntimeError("boom"), 1),
])
def test_exit_code_table(err: Exception, code: int) -> None:
    from burdenshare.cli import exit_code

    got, line = exit_code(err)
    assert got == code and "\n" not in line
