"""Reading pledges and other commitments (Global Refugee Forum pledges, resettlement pledges,
donor announcements) from the documented CSV format, with every problem located by file and line.

The format (one row per pledge and as-of date; ``data_samples/pledges_template.csv`` is an empty
template with the header) is described in ``methodology/pledge_fulfilment.md``:

=================  ==========================================================================
column             content
=================  ==========================================================================
pledge_id          identifier of the pledge (e.g. the GRF pledge number); required
forum              where it was made (e.g. ``GRF 2019``, ``GRF 2023``, ``Geneva 2016``)
entity             who pledged (name as published); required
entity_iso3        ISO3 code when the entity is a State, else empty
entity_type        ``State``, ``International organisation``, ``Private sector``, ``Civil
                   society``, ``Refugee-led organisation``, ``Academia``, ``Other``; required
pledge_type        ``financial``, ``resettlement``, ``complementary_pathways``, ``policy``,
                   ``technical``, ``material``, ``other``; required
area               GCR area or theme as published (free text)
amount             amount pledged (money or persons); EMPTY when not stated, never 0 for
                   "unknown"
amount_fulfilled   amount disbursed/delivered by ``as_of``; empty when not reported
currency           ISO 4217 code (``USD``, ``EUR``…) or ``persons``; required when an amount is
                   given
year_pledged       year the pledge was made; required
status             ``Planning stage``, ``In progress``, ``Fulfilled``, or empty when the entity
                   has not reported (exact spelling)
as_of              date the status and amounts refer to (ISO 8601, ``YYYY-MM-DD``); required
source             where the row comes from (URL or document); required
=================  ==========================================================================
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ._errors import DataValidationError
from .schemas import validate_lazily

__all__ = ["PLEDGE_COLUMNS", "PLEDGE_STATUSES", "PLEDGE_TYPES", "ENTITY_TYPES", "PledgeSchema",
           "read_pledges", "file_sha256"]

PLEDGE_COLUMNS = ("pledge_id", "forum", "entity", "entity_iso3", "entity_type", "pledge_type",
                  "area", "amount", "amount_fulfilled", "currency", "year_pledged", "status",
                  "as_of", "source")
#: Stages of progress as UNHCR's pledge-update form names them (METHODS.md D5); empty = no update
PLEDGE_STATUSES = ("Planning stage", "In progress", "Fulfilled")
PLEDGE_TYPES = ("financial", "resettlement", "complementary_pathways", "policy", "technical",
                "material", "other")
ENTITY_TYPES = ("State", "International organisation", "Private sector", "Civil society",
                "Refugee-led organisation", "Academia", "Other")
_REQUIRED_TEXT = ("pledge_id", "entity", "entity_type", "pledge_type", "as_of", "source")
_FAILURE_COLUMNS = ["file", "line", "column", "value", "check", "reason"]


class PledgeSchema(pa.DataFrameModel):
    """Column rules of the pledge format (cross-column rules are checked in :func:`read_pledges`)."""

    pledge_id: Series[str] = pa.Field(str_length={"min_value": 1})
    forum: Series[str] = pa.Field(nullable=True)
    entity: Series[str] = pa.Field(str_length={"min_value": 1})
    entity_iso3: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")
    entity_type: Series[str] = pa.Field(isin=list(ENTITY_TYPES))
    pledge_type: Series[str] = pa.Field(isin=list(PLEDGE_TYPES))
    area: Series[str] = pa.Field(nullable=True)
    amount: Series[float] = pa.Field(nullable=True, ge=0)
    amount_fulfilled: Series[float] = pa.Field(nullable=True, ge=0)
    currency: Series[str] = pa.Field(nullable=True, str_matches=r"^([A-Z]{3}|persons)$")
    year_pledged: Series[int] = pa.Field(ge=1990, le=2100)
    status: Series[str] = pa.Field(nullable=True, isin=list(PLEDGE_STATUSES))
    as_of: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")
    source: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


def file_sha256(path: str | Path) -> str:
    """Return the sha256 of a file's bytes (recorded with every pledge estimate)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _text(s: pd.Series) -> pd.Series:
    s = s.astype(object).where(s.notna(), None)
    return s.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())


def read_pledges(path: str | Path) -> pd.DataFrame:
    """Read and validate a pledge file (every problem reported, with its file and line).

    Parameters
    ----------
    path : str or Path
        CSV file in the format of ``data_samples/pledges_template.csv`` (UTF-8, header line 1).

    Returns
    -------
    pandas.DataFrame
        The pledges, columns :data:`PLEDGE_COLUMNS` plus ``line`` (line in the file); empty
        amounts and statuses stay missing (NaN / None), never zero.

    Raises
    ------
    DataValidationError
        Listing every failure (file, line, column, value, rule).
    """
    path = Path(path)
    file = str(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    fail = _header_failures(file, raw)
    if fail:
        _raise(fail)
    lines = np.arange(len(raw)) + 2
    df = pd.DataFrame({c: _text(raw[c]) for c in PLEDGE_COLUMNS})
    fail += _number_failures(file, lines, df)
    fail += _required_failures(file, lines, df)
    fail += _schema_failures(file, lines, df)
    fail += _cross_column_failures(file, lines, df)
    if fail:
        _raise(fail)
    df["year_pledged"] = df["year_pledged"].astype("int64")
    df["line"] = lines
    return df


def _failure(file: str, line: int | None, column: str, value: object, check: str,
             reason: str) -> dict[str, object]:
    return {"file": file, "line": line, "column": column, "value": value, "check": check,
            "reason": reason}


def _at(file: str, lines: np.ndarray, rows: pd.Series, column: str, values: pd.Series | None,
        check: str, reason: str) -> list[dict[str, object]]:
    """One failure for each row where ``rows`` is true (``values`` None: no value shown)."""
    return [_failure(file, int(lines[i]), column, None if values is None else values.iloc[i],
                     check, reason)
            for i in np.flatnonzero(rows.to_numpy())]


def _header_failures(file: str, raw: pd.DataFrame) -> list[dict[str, object]]:
    """Missing and unknown columns."""
    fail = [_failure(file, None, c, None, "column_present", "required column is missing")
            for c in PLEDGE_COLUMNS if c not in raw.columns]
    allowed = "(allowed: " + ", ".join(PLEDGE_COLUMNS) + ")"
    fail += [_failure(file, None, str(c), None, "known_column",
                      f"is not a column of the pledge format {allowed}")
             for c in raw.columns if c not in PLEDGE_COLUMNS]
    return fail


def _number_failures(file: str, lines: np.ndarray, df: pd.DataFrame) -> list[dict[str, object]]:
    """Numbers that are not numbers, and years that are not whole; converts ``df`` in place."""
    fail: list[dict[str, object]] = []
    for c in ("amount", "amount_fulfilled", "year_pledged"):
        num = pd.to_numeric(df[c], errors="coerce")
        fail += _at(file, lines, df[c].notna() & num.isna(), c, df[c], "number",
                    "is not a number")
        df[c] = num
    yp = df["year_pledged"]
    fail += _at(file, lines, yp.notna() & (yp != yp.round()), "year_pledged", yp, "whole_number",
                "is not a year")
    return fail


def _required_failures(file: str, lines: np.ndarray, df: pd.DataFrame) -> list[dict[str, object]]:
    fail: list[dict[str, object]] = []
    for c in _REQUIRED_TEXT + ("year_pledged",):
        fail += _at(file, lines, df[c].isna(), c, None, "required", "is required and empty")
    return fail


#: stand-ins for empty required cells, so that pandera checks only the values that are present
#: (the empty cells are reported once, by :func:`_required_failures`)
_SCHEMA_FILL = {"pledge_id": "?", "entity": "?", "entity_type": "State", "pledge_type": "other",
                "as_of": "2000-01-01", "source": "?"}


def _schema_failures(file: str, lines: np.ndarray, df: pd.DataFrame) -> list[dict[str, object]]:
    """Run pandera (lazy) on the rows' present values."""
    check = df.copy()
    for c in PLEDGE_COLUMNS:
        if c in ("amount", "amount_fulfilled"):
            check[c] = check[c].astype("float64")
        elif c == "year_pledged":
            check[c] = check[c].fillna(2000).round().astype("int64")
        elif c in _SCHEMA_FILL:
            check[c] = check[c].fillna(_SCHEMA_FILL[c]).astype("str")
        else:
            check[c] = check[c].astype(object)
    cases = validate_lazily(PledgeSchema, check)
    if cases is None:
        return []
    fail: list[dict[str, object]] = []
    for rec in cases.to_dict("records"):
        chk, column = str(rec["check"]), str(rec["column"])
        if chk.startswith("dtype") or chk == "not_nullable":
            continue
        idx = rec["index"]
        line = None if idx is None or pd.isna(idx) else int(lines[int(idx)])
        fail.append(_failure(file, line, column, rec["failure_case"], chk,
                             _describe(column, chk)))
    return fail


def _cross_column_failures(file: str, lines: np.ndarray,
                           df: pd.DataFrame) -> list[dict[str, object]]:
    """Calendar dates, currency with an amount, as_of after the pledge, unique (id, as_of)."""
    dates = pd.to_datetime(df["as_of"], format="%Y-%m-%d", errors="coerce")
    shaped = df["as_of"].notna() & (df["as_of"].str.len() == 10)
    fail = _at(file, lines, shaped & dates.isna(), "as_of", df["as_of"], "date",
               "is not a calendar date")
    need_cur = (df["amount"].notna() | df["amount_fulfilled"].notna()) & df["currency"].isna()
    fail += _at(file, lines, need_cur, "currency", None, "currency_with_amount",
                "an amount is given, so its currency (or 'persons') is required")
    early = dates.notna() & df["year_pledged"].notna() & (dates.dt.year < df["year_pledged"])
    fail += _at(file, lines, early, "as_of", df["as_of"], "as_of_after_pledge",
                "is before the year the pledge was made")
    dup = df.duplicated(["pledge_id", "as_of"], keep=False) & df["pledge_id"].notna()
    fail += _at(file, lines, dup, "pledge_id", df["pledge_id"], "unique",
                "appears more than once with the same as_of date")
    return fail


def _describe(column: str, check: str) -> str:
    if check.startswith("isin"):
        allowed = {"entity_type": ENTITY_TYPES, "pledge_type": PLEDGE_TYPES,
                   "status": PLEDGE_STATUSES}.get(column, ())
        return "is not allowed; use one of: " + ", ".join(allowed) + (
            " (or leave empty when not reported)" if column == "status" else "")
    if check.startswith("greater_than_or_equal_to"):
        return "must be >= 0 (leave empty when unknown)" if column != "year_pledged" else \
            "must be a year from 1990 to 2100"
    if check.startswith("less_than"):
        return "must be a year from 1990 to 2100"
    if check.startswith("str_matches"):
        return {"entity_iso3": "must be three capital letters (ISO3) or empty",
                "currency": "must be an ISO 4217 code (three capital letters) or 'persons'",
                "as_of": "must be a date YYYY-MM-DD"}.get(column, "has the wrong form")
    return f"breaks rule {check}"


def _raise(fail: list[dict[str, object]]) -> None:
    failures = pd.DataFrame(fail, columns=_FAILURE_COLUMNS)
    failures["_l"] = pd.to_numeric(failures["line"], errors="coerce").fillna(-1)
    failures = failures.sort_values(["_l", "column"], kind="mergesort").drop(columns="_l")
    failures = failures.reset_index(drop=True)
    shown = []
    for r in failures.head(20).to_dict("records"):
        line, value = r["line"], r["value"]
        where = f"{r['file']}, line {line}" if line is not None and not pd.isna(line) \
            else str(r["file"])
        val = "" if value is None or (isinstance(value, float) and np.isnan(value)) \
            else f" {value!r}"
        shown.append(f"  {where}, column '{r['column']}':{val} {r['reason']} [{r['check']}]")
    more = f"\n  … and {len(failures) - 20} more" if len(failures) > 20 else ""
    raise DataValidationError(f"{len(failures)} problem(s) in the pledge file:\n"
                              + "\n".join(shown) + more, failures)
