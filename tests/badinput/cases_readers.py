"""Reader and data classes (issue 16, items 1-4, 9, 10, 13, 14, 17): non-finite values, Excel
error cells, unsaved formulas, Parquet booleans, true line numbers, malformed years, named
sheets and stray cells. ``validate`` lists the problems on stdout (exit 3).
"""

from __future__ import annotations

import io
from typing import Any

from .case import HEADER, SOURCES, Case

_S = {"sources.json": SOURCES}
_OK_ROW = "AUT,2020,refugees,5,persons,synthetic_test\n"
_RUN = ["run", "relative_effort", "--out", "x.csv", "--data"]


def _row(iso3: str, year: str, value: str) -> str:
    return f"{iso3},{year},refugees,{value},persons,synthetic_test\n"


def _validate(name: str, content: str | bytes, message: str, what: str, case_id: str,
              *extra: str) -> Case:
    return Case(case_id, what, ["validate", name, *extra], 3, message,
                files={name: content, **_S}, stream="stdout")


def _workbook(rows: list[list[Any]], *, errors: int = 0, stray: str = "",
              sheet: str = "") -> bytes:
    """An .xlsx file of ``rows`` (the first ``errors`` value cells typed as Excel errors)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    if sheet:
        ws.append(["notes, not data"])
        ws = wb.create_sheet(sheet)
    ws.append(["iso3", "year", "indicator", "value", "unit", "source"])
    for row in rows:
        ws.append(row)
    for k in range(errors):
        ws.cell(row=k + 2, column=4).data_type = "e"
    if stray:
        ws[stray] = "stray"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _parquet_booleans() -> bytes:
    import pandas as pd

    df = pd.read_csv(io.StringIO(HEADER + _row("AUT", "2020", "1") + _row("DEU", "2020", "0")))
    df["value"] = [True, False]
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _obs(*rows: list[Any]) -> list[list[Any]]:
    return [list(r) for r in rows]


_R = ["refugees", "persons", "synthetic_test"]

CASES = [
    _validate("synthetic_obs.csv", HEADER + _OK_ROW + _row("DEU", "2020", "inf"),
              "line 3, column 'value': inf is not a finite number [finite]",
              "an infinite value (inf, Infinity)", "infinite-value"),
    _validate("synthetic_obs.csv", HEADER + _OK_ROW + _row("DEU", "2020", "1e400"),
              "inf is not a finite number [finite]", "a value that overflows to infinity (1e400)",
              "overflowing-value"),
    _validate("synthetic_obs.csv", HEADER + _OK_ROW + _row("DEU", "2020", "1e308"),
              "is larger than 1e+150, beyond any real count", "a finite value so large that sums overflow "
              "(1e308 refugees)", "huge-value"),
    Case("infinite-value-run", "an infinite population given to a run (never spread to others)",
         [*_RUN, "synthetic_obs.csv"], 3, "1 problem(s) in the input data",
         files={"synthetic_obs.csv": HEADER + _OK_ROW + "AUT,2020,population_un_wpp,inf,persons,"
                "synthetic_test\n", **_S}, one_line=False),
    _validate("synthetic_obs.xlsx",
              _workbook(_obs(["AUT", 2020, _R[0], "#DIV/0!", *_R[1:]],
                             ["DEU", 2020, _R[0], "#N/A", *_R[1:]]), errors=2),
              "line 3, column 'value': '#N/A' is an Excel error value",
              "Excel error cells (#DIV/0!, #N/A, #REF!) in a number column", "excel-error-cell"),
    _validate("synthetic_obs.xlsx",
              _workbook(_obs(["AUT", 2020, _R[0], "=1/0", *_R[1:]])),
              "line 2, column 'value': '=1/0' is a formula without a saved value",
              "a formula cell without a saved (cached) value", "excel-unsaved-formula"),
    _validate("synthetic_obs.parquet", _parquet_booleans(),
              "line 1, column 'value': True is a true/false value, not a number",
              "true/false (boolean) values in a Parquet number column", "parquet-boolean"),
    _validate("synthetic_obs.csv", HEADER + _OK_ROW + "\n\n" + _row("DEU", "2020", "-3"),
              "line 5, column 'value'", "a problem after blank lines (its true line)",
              "line-after-blank-lines"),
    _validate("synthetic_obs.csv",
              HEADER + 'AUT,2020,refugees,5,persons,"synthetic\ntest"\n'
              + _row("DEU", "2020", "lots"),
              "line 4, column 'value'", "a problem after a quoted field holding a line break",
              "line-after-quoted-break"),
    _validate("synthetic_obs.csv", HEADER + _row("AUT", "20x0", "5") + _row("AUT", "2020.5", "6"),
              "2 problem(s)", "two malformed years of one country (no false duplicate)",
              "malformed-years-no-duplicate"),
    Case("named-sheet", "data on a named Excel sheet (--sheet)",
         ["validate", "synthetic_obs.xlsx", "--sheet", "obs"], 0, "synthetic_obs.xlsx: OK",
         files={"synthetic_obs.xlsx": _workbook(_obs(["AUT", 2020, *_R[:1], 5, *_R[1:]]),
                                                 sheet="obs"), **_S}, stream="stdout"),
    Case("missing-sheet", "--sheet naming a sheet the workbook does not have",
         ["validate", "synthetic_obs.xlsx", "--sheet", "data"], 3,
         "no sheet named 'data'; the workbook has ['Sheet', 'obs']",
         files={"synthetic_obs.xlsx": _workbook(_obs(["AUT", 2020, *_R[:1], 5, *_R[1:]]),
                                                 sheet="obs"), **_S}, stream="stdout"),
    _validate("synthetic_obs.xlsx",
              _workbook(_obs(["AUT", 2020, *_R[:1], 5, *_R[1:]], [],
                             ["DEU", 2020, *_R[:1], 7, *_R[1:]]), stray="J300"),
              "1 problem(s)", "a blank row plus a stray cell far below (one problem)",
              "xlsx-stray-cell"),
]
