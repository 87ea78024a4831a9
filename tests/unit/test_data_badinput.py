"""Bad input never loses data (issue 16, items 1-4, 9, 10, 13, 14, 17): each defect found by
hand has its regression test here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from tests.conftest import synthetic_frame

SRC = {"synthetic_test": bs.Source("synthetic_test", "t", "p")}
HEADER = "iso3,year,indicator,value,unit,source\n"


def _row(iso3: str, year: str, ind: str, value: str) -> str:
    unit = "persons"
    return f"{iso3},{year},{ind},{value},{unit},synthetic_test\n"


def _csv(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _failures(path: Path, **kw: object) -> pd.DataFrame:
    with pytest.raises(bs.DataValidationError) as info:
        bs.read_observations(path, SRC, **kw)  # type: ignore[arg-type]
    failures = info.value.failures
    assert failures is not None
    return failures


# -- item 1: non-finite values are invalid input, named with line, column, value and rule
@pytest.mark.parametrize("text", ["inf", "Infinity", "-inf", "1e400", "1e308", "nan(1)"])
def test_non_finite_or_huge_values_are_refused_with_their_line(tmp_path: Path, text: str) -> None:
    path = _csv(tmp_path, HEADER + _row("AUT", "2020", "refugees", "5")
                + _row("DEU", "2020", "refugees", text))
    f = _failures(path)
    assert len(f) == 1
    assert (f.loc[0, "line"], f.loc[0, "column"]) == (3, "value")
    assert f.loc[0, "check"] in ("finite", "is_number")


def test_non_finite_values_in_a_frame_or_parquet_are_refused(tmp_path: Path) -> None:
    df = synthetic_frame([("AUT", 2020, "refugees", np.inf), ("DEU", 2020, "refugees", 1e300)])
    with pytest.raises(bs.DataValidationError, match="is not a finite number") as info:
        bs.Dataset.from_frame(df, SRC)
    assert list(info.value.failures["check"]) == ["finite", "finite"]
    path = tmp_path / "d.parquet"
    df.to_parquet(path, index=False)
    assert len(_failures(path)) == 2


def test_the_largest_allowed_value_is_kept() -> None:
    df = synthetic_frame([("AUT", 2020, "refugees", 1e150)])
    assert bs.Dataset.from_frame(df, SRC).observations["value"].iloc[0] == 1e150


# -- item 3: Excel error cells and formulas without a saved value are invalid, cell named
def test_excel_error_cells_and_unsaved_formulas_are_named(tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    ws.append(["iso3", "year", "indicator", "value", "unit", "source"])
    ws.append(["AUT", 2020, "refugees", 5, "persons", "synthetic_test"])
    ws.append(["DEU", 2020, "refugees", "=1/0", "persons", "synthetic_test"])
    ws.append(["FRA", 2020, "refugees", "=NA()", "persons", "synthetic_test"])
    path = tmp_path / "d.xlsx"
    wb.save(path)  # openpyxl saves formulas without a cached value
    f = _failures(path)
    assert list(f["line"]) == [3, 4]
    assert list(f["value"]) == ["=1/0", "=NA()"]
    assert f["reason"].str.contains("formula without a saved value").all()


def test_excel_error_values_are_not_missing(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["iso3", "year", "indicator", "value", "unit", "source"])
    for k, err in enumerate(["#DIV/0!", "#N/A", "#REF!"]):
        ws.append([["AUT", "DEU", "FRA"][k], 2020, "refugees", err, "persons", "synthetic_test"])
        ws.cell(row=k + 2, column=4).data_type = "e"
    path = tmp_path / "d.xlsx"
    wb.save(path)
    f = _failures(path)
    assert list(f["value"]) == ["#DIV/0!", "#N/A", "#REF!"]
    assert f["reason"].str.contains("Excel error value").all()


# -- item 4: Parquet booleans are refused, not read as 1/0
def test_parquet_booleans_are_refused(tmp_path: Path) -> None:
    df = synthetic_frame([("AUT", 2020, "refugees", 1.0), ("DEU", 2020, "refugees", 0.0)])
    df["value"] = [True, False]
    path = tmp_path / "d.parquet"
    df.to_parquet(path, index=False)
    f = _failures(path)
    assert list(f["line"]) == [1, 2]
    assert f["reason"].str.contains("true/false").all()
    df["value"] = pd.array([True, None], dtype="boolean")
    df.to_parquet(path, index=False)
    assert list(_failures(path)["line"]) == [1]


# -- item 9: line numbers are right after blank lines and quoted line breaks
def test_lines_are_right_after_blank_lines(tmp_path: Path) -> None:
    text = (HEADER + _row("AUT", "2020", "refugees", "5") + "\n\n"
            + _row("DEU", "2020", "refugees", "-3"))
    assert list(_failures(_csv(tmp_path, text))["line"]) == [5]


def test_lines_are_right_after_a_quoted_line_break(tmp_path: Path) -> None:
    text = (HEADER + 'AUT,2020,refugees,5,persons,"synthetic\ntest"\n'
            + _row("DEU", "2020", "refugees", "lots"))
    f = _failures(_csv(tmp_path, text))
    assert list(f.loc[f["column"] == "value", "line"]) == [4]


def test_lines_are_right_in_the_careful_reader_too(tmp_path: Path) -> None:
    text = HEADER + "\n" + _row("AUT", "2020", "refugees", "lots") + "\n" + _row(
        "DEU", "2020", "refugees", "n/a?")
    assert list(_failures(_csv(tmp_path, text))["line"]) == [3, 5]


def test_gzip_files_get_true_lines_too(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "d.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "\n" + _row("AUT", "2020", "refugees", "-1")).encode()))
    assert list(_failures(path)["line"]) == [3]


# -- item 10: malformed years give one error each, no false duplicate
def test_malformed_years_give_one_error_each(tmp_path: Path) -> None:
    text = HEADER + _row("AUT", "20x0", "refugees", "5") + _row("AUT", "2020.5", "refugees", "6")
    f = _failures(_csv(tmp_path, text))
    assert list(f["check"]) == ["is_integer", "is_integer"]
    assert list(f["line"]) == [2, 3]


def test_a_malformed_year_is_no_duplicate_of_a_real_year(tmp_path: Path) -> None:
    text = HEADER + _row("AUT", "2000", "refugees", "5") + _row("AUT", "x", "refugees", "6")
    assert list(_failures(_csv(tmp_path, text))["check"]) == ["is_integer"]


def test_a_negative_year_is_still_out_of_range() -> None:
    with pytest.raises(bs.DataValidationError, match="outside the allowed range"):
        bs.Dataset.from_frame(synthetic_frame([("AUT", -5, "refugees", 1.0)]), SRC)


# -- item 13: Dataset.select(years="2020") is refused
def test_select_refuses_text_years() -> None:
    ds = bs.Dataset.from_frame(synthetic_frame([("AUT", 2020, "refugees", 1.0)]), SRC)
    with pytest.raises(bs.ParameterError, match="years='2020' is text"):
        ds.select(years="2020")  # type: ignore[arg-type]
    with pytest.raises(bs.ParameterError, match="not a whole-number year"):
        ds.select(years=["2020"])  # type: ignore[list-item]
    assert len(ds.select(years=[2020.0])) == 1  # type: ignore[list-item]
    assert len(ds.select(years=iter([2020]))) == 1
    assert len(ds.select(years=(2019, 2021))) == 1


# -- item 14: named sheets; a blank row and a stray cell give a handful of problems
def _sheet_file(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("obs")
    ws.append(["iso3", "year", "indicator", "value", "unit", "source"])
    ws.append(["AUT", 2020, "refugees", 5, "persons", "synthetic_test"])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    return path


def test_a_named_sheet_is_read_and_a_missing_one_named(tmp_path: Path) -> None:
    path = _sheet_file(tmp_path)
    assert len(bs.read_observations(path, SRC, sheet="obs")) == 1
    with pytest.raises(bs.DataValidationError, match=r"no sheet named 'nope'.*'notes', 'obs'"):
        bs.read_observations(path, SRC, sheet="nope")


def test_blank_row_and_stray_cell_give_a_handful_of_problems(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["iso3", "year", "indicator", "value", "unit", "source"])
    ws.append(["AUT", 2020, "refugees", 5, "persons", "synthetic_test"])
    ws.append([])
    ws.append(["DEU", 2020, "refugees", 7, "persons", "synthetic_test"])
    ws["J300"] = "stray"
    path = tmp_path / "d.xlsx"
    wb.save(path)
    f = _failures(path)
    assert len(f) == 1
    assert (f.loc[0, "line"], f.loc[0, "column"], f.loc[0, "value"]) == (300, "(cell J300)",
                                                                         "stray")
    del ws["J300"]
    wb.save(path)
    assert len(bs.read_observations(path, SRC)) == 2  # the blank row is skipped


def test_excel_rows_keep_their_numbers_after_a_blank_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["iso3", "year", "indicator", "value", "unit", "source"])
    ws.append([])
    ws.append(["AUT", 2020, "refugees", "lots", "persons", "synthetic_test"])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    assert list(_failures(path)["line"]) == [3]


# -- item 17: the duplicate-key report is linear in the number of duplicates
def test_duplicate_report_scales_to_100000_duplicates() -> None:
    n = 100_000
    df = synthetic_frame([("AUT", 2020, "refugees", 1.0)] * n)
    with pytest.raises(bs.DataValidationError) as info:
        bs.Dataset.from_frame(df, SRC)
    f = info.value.failures
    assert len(f) == n - 1
    assert set(f["check"]) == {"unique_key"}
    assert f["reason"].str.contains("on line 1 ").all()
    assert len(str(info.value).splitlines()) <= 25  # the message shows a few, counts the rest
