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
    fail: list[dict[str, object]] = []
    missing = [c for c in PLEDGE_COLUMNS if c not in raw.columns]
    extra = [c for c in raw.columns if c not in PLEDGE_COLUMNS]
    for c in missing:
        fail.append({"file": file, "line": None, "column": c, "value": None,
                     "check": "column_present", "reason": "required column is missing"})
    for c in extra:
        fail.append({"file": file, "line": None, "column": str(c), "value": None,
                     "check": "known_column", "reason": "is not a column of the pledge format "
                     "(allowed: " + ", ".join(PLEDGE_COLUMNS) + ")"})
    if fail:
        _raise(fail)
    lines = np.arange(len(raw)) + 2
    df = pd.DataFrame({c: _text(raw[c]) for c in PLEDGE_COLUMNS})
    for c in ("amount", "amount_fulfilled", "year_pledged"):
        num = pd.to_numeric(df[c], errors="coerce")
        bad = df[c].notna() & num.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            fail.append({"file": file, "line": int(lines[i]), "column": c, "value": df[c].iloc[i],
                         "check": "number", "reason": "is not a number"})
        df[c] = num
    yp = df["year_pledged"]
    for i in np.flatnonzero((yp.notna() & (yp != yp.round())).to_numpy()):
        fail.append({"file": file, "line": int(lines[i]), "column": "year_pledged",
                     "value": yp.iloc[i], "check": "whole_number", "reason": "is not a year"})
    for c in _REQUIRED_TEXT + ("year_pledged",):
        for i in np.flatnonzero(df[c].isna().to_numpy()):
            fail.append({"file": file, "line": int(lines[i]), "column": c, "value": None,
                         "check": "required", "reason": "is required and empty"})
    # pandera (lazy) on the rows' present values
    check = df.copy()
    for c in PLEDGE_COLUMNS:
        if c in ("amount", "amount_fulfilled"):
            check[c] = check[c].astype("float64")
        elif c == "year_pledged":
            check[c] = check[c].fillna(2000).round().astype("int64")
        else:
            fill = {"pledge_id": "?", "entity": "?", "entity_type": "State",
                    "pledge_type": "other", "as_of": "2000-01-01", "source": "?"}.get(c)
            col = check[c] if fill is None else check[c].fillna(fill)
            check[c] = col.astype("str") if fill is not None else col.astype(object)
    cases = validate_lazily(PledgeSchema, check)
    if cases is not None:
        for rec in cases.to_dict("records"):
            chk, column = str(rec["check"]), str(rec["column"])
            if chk.startswith("dtype") or chk == "not_nullable":
                continue
            idx = rec["index"]
            line = None if idx is None or pd.isna(idx) else int(lines[int(idx)])
            fail.append({"file": file, "line": line, "column": column,
                         "value": rec["failure_case"], "check": chk,
                         "reason": _describe(column, chk)})
    # cross-column rules
    dates = pd.to_datetime(df["as_of"], format="%Y-%m-%d", errors="coerce")
    for i in np.flatnonzero((df["as_of"].notna() & dates.isna()).to_numpy()):
        if df["as_of"].iloc[i] and len(str(df["as_of"].iloc[i])) == 10:
            fail.append({"file": file, "line": int(lines[i]), "column": "as_of",
                         "value": df["as_of"].iloc[i], "check": "date",
                         "reason": "is not a calendar date"})
    need_cur = (df["amount"].notna() | df["amount_fulfilled"].notna()) & df["currency"].isna()
    for i in np.flatnonzero(need_cur.to_numpy()):
        fail.append({"file": file, "line": int(lines[i]), "column": "currency", "value": None,
                     "check": "currency_with_amount",
                     "reason": "an amount is given, so its currency (or 'persons') is required"})
    ok_dates = dates.notna() & df["year_pledged"].notna()
    early = ok_dates & (dates.dt.year < df["year_pledged"])
    for i in np.flatnonzero(early.to_numpy()):
        fail.append({"file": file, "line": int(lines[i]), "column": "as_of",
                     "value": df["as_of"].iloc[i], "check": "as_of_after_pledge",
                     "reason": "is before the year the pledge was made"})
    dup = df.duplicated(["pledge_id", "as_of"], keep=False) & df["pledge_id"].notna()
    for i in np.flatnonzero(dup.to_numpy()):
        fail.append({"file": file, "line": int(lines[i]), "column": "pledge_id",
                     "value": df["pledge_id"].iloc[i], "check": "unique",
                     "reason": "appears more than once with the same as_of date"})
    if fail:
        _raise(fail)
    df["year_pledged"] = df["year_pledged"].astype("int64")
    df["line"] = lines
    return df


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
