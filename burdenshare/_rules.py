"""The rules of input observations: reading values and years, and the located failures.

:mod:`burdenshare.data` applies them when a :class:`~burdenshare.data.Dataset` is built; every
failure names the file, line, column, value and rule (``methodology/data.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ._errors import DataValidationError
from .countries import known_codes
from .schemas import AREA_PATTERN, OBSERVATION_COLUMNS

if TYPE_CHECKING:  # annotations only: data.py builds Datasets from these rules
    from .data import Source
    from .indicators import Indicator

#: Text that means "no value" in an input file's ``value`` column (UNHCR uses ``-``).
MISSING_TOKENS = frozenset({"", "-", "NA", "N/A", "NaN", "nan", ".."})

#: the rule of ``source`` (ObservationSchema): text without whitespace
_NO_SPACE = r"^\S+$"
_FAILURE_COLUMNS = ["file", "line", "column", "value", "check", "reason"]
_SHOW = 20
#: Placeholders of year cells that are not years start here (see ``_coerce_year``).
_BAD_YEAR = -(10**15)


def _missing_token(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and v.strip() in MISSING_TOKENS


def _missing_text(t: str) -> bool:
    return t.strip() in MISSING_TOKENS


#: The largest magnitude a value may have: sums and products of two values stay finite.
VALUE_LIMIT = 1e150


def _is_bool(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_))


def _coerce_value(raw: pd.Series, fail: list[dict[str, Any]], ref: _Where) -> np.ndarray:
    """``value`` as float64: missing tokens -> NaN; any other text must parse as a number.

    True/false cells, infinite values and values beyond :data:`VALUE_LIMIT` are reported (they
    would otherwise be counted as 1/0 or spread through sums); such cells become NaN here.
    """
    if raw.dtype.kind == "b":
        _report_booleans(raw, np.ones(len(raw), dtype=bool), fail, ref)
        return np.full(len(raw), np.nan)
    if raw.dtype.kind in "fiu":
        out = np.asarray(raw.to_numpy(dtype="float64", na_value=np.nan), dtype=np.float64)
        return _finite_values(out, raw, fail, ref)
    obj = raw.astype(object)
    # missing tokens and true/false cells, decided once per distinct value
    kinds, uniq = pd.factorize(obj, use_na_sentinel=True)
    miss_u = np.array([_missing_token(u) for u in uniq] + [True], dtype=bool)
    bool_u = np.array([_is_bool(u) for u in uniq] + [False], dtype=bool)
    missing = miss_u[kinds]
    booleans = bool_u[kinds]
    _report_booleans(obj, booleans, fail, ref)
    parsed = pd.to_numeric(obj.where(~(missing | booleans), None), errors="coerce")
    bad = np.flatnonzero((parsed.isna() & ~missing & ~booleans).to_numpy())
    for i in bad:
        fail.append(_f(ref(i), "value", obj.iloc[i], "is_number", _not_a_number(obj.iloc[i])))
    out = np.asarray(parsed.astype("float64").to_numpy(), dtype=np.float64)
    return _finite_values(out, obj, fail, ref)


def _not_a_number(v: Any) -> str:
    """Why a ``value`` cell is not a number, in words (Excel errors and formulas named)."""
    text = str(v).strip()
    if re.fullmatch(r"#[A-Z0-9/_]+[!?]?", text):
        return "is an Excel error value, not a number (fix the formula or type the number)"
    if text.startswith("="):
        return ("is a formula without a saved value (open and save the workbook in Excel, or "
                "paste the values)")
    return "is not a number (write missing values as an empty cell or '-')"


def _report_booleans(raw: pd.Series, rows: np.ndarray, fail: list[dict[str, Any]],
                     ref: _Where) -> None:
    """One failure per true/false cell of ``value`` (never read as 1/0)."""
    for i in np.flatnonzero(rows & raw.notna().to_numpy()):
        fail.append(_f(ref(i), "value", raw.iloc[i], "is_number",
                       "is a true/false value, not a number"))


def _finite_values(value: np.ndarray, raw: pd.Series, fail: list[dict[str, Any]], ref: _Where
                   ) -> np.ndarray:
    """Report infinite values and values beyond :data:`VALUE_LIMIT`; they become NaN."""
    with np.errstate(invalid="ignore"):
        huge = np.abs(value) > VALUE_LIMIT
    for i in np.flatnonzero(huge):
        reason = ("is not a finite number" if np.isinf(value[i])
                  else f"is larger than {VALUE_LIMIT:g}, beyond any real count or amount")
        fail.append(_f(ref(i), "value", raw.iloc[i], "finite", reason))
    if huge.any():
        value = np.where(huge, np.nan, value)
    return value


def _coerce_year(raw: pd.Series, fail: list[dict[str, Any]], ref: _Where) -> np.ndarray:
    """``year`` as int64; cells that are not whole numbers are reported.

    Each reported cell gets its own placeholder year, below every valid one, so that the
    further checks neither flag it again nor count two bad cells as one observation.
    """
    if raw.dtype.kind in "iu":
        return np.asarray(raw.to_numpy(), dtype=np.int64)
    obj = raw.astype(object)
    booleans = np.array([_is_bool(v) for v in obj], dtype=bool) if raw.dtype.kind in "bO" else (
        np.zeros(len(obj), dtype=bool))
    parsed = pd.to_numeric(obj.where(~booleans, None), errors="coerce")
    numbers = parsed.fillna(0).to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = parsed.notna().to_numpy() & (numbers == np.floor(numbers)) & (np.abs(numbers) < 1e9)
    for i in np.flatnonzero(~whole):
        fail.append(_f(ref(i), "year", obj.iloc[i], "is_integer", "is not a whole-number year"))
    placeholder = _BAD_YEAR - np.arange(len(obj), dtype=np.int64)  # unique, below every year
    return np.where(whole, parsed.where(whole, 0).astype("int64").to_numpy(), placeholder)


def _f(ref: Any, column: str, value: Any, check: str, reason: str) -> dict[str, Any]:
    file, line = ref
    if isinstance(value, np.generic):
        value = value.item()
    return {"file": file, "line": line, "column": column, "value": value, "check": check,
            "reason": reason}


class _Where:
    """File and line of a row, computed only for the rows that fail."""

    def __init__(self, file: str, lines: Sequence[int] | None) -> None:
        self.file = file
        self.lines = lines

    def __call__(self, i: Any) -> tuple[str, int | None]:
        if i is None:
            return (self.file, None)
        i = int(i)
        return (self.file, int(self.lines[i]) if self.lines is not None else i + 1)


def _describe(check: str, column: str) -> str:
    if check.startswith("str_matches"):
        if column in ("iso3", "counterpart_iso3"):
            return "is not a three-letter upper-case code"
        if column == "area":
            return "is not an area code (free text without spaces, e.g. 'TR-34' or 'TUR.34_1')"
        return "contains spaces or is empty"
    if check.startswith("isin"):
        return "is not an indicator of the vocabulary (see `burdenshare indicators`)"
    if check.startswith("greater_than_or_equal_to") or check.startswith("less_than_or_equal_to"):
        return f"is outside the allowed range ({check})"
    if check == "not_nullable":
        return "is empty but required"
    if check.startswith("column_in_dataframe"):
        return "column is missing"
    if check.startswith("column_in_schema"):
        return "is not a column of the observation model (allowed: " + ", ".join(
            OBSERVATION_COLUMNS) + ")"
    return check


def _same_as_previous(codes: Mapping[str, np.ndarray], year: np.ndarray, order: np.ndarray
                      ) -> np.ndarray:
    """For each position of the sorted rows: True if its key equals the previous row's."""
    same = np.zeros(len(order), dtype=bool)
    if len(order) < 2:
        return same
    eq = np.ones(len(order) - 1, dtype=bool)
    for arr in (codes["iso3"], codes["area"], codes["counterpart_iso3"], year,
                codes["indicator"], codes["source"]):
        k = arr[order]
        eq &= k[1:] == k[:-1]
    same[1:] = eq
    return same


def _rows_with(codes: np.ndarray, bad_categories: np.ndarray, missing_is_bad: bool = False
               ) -> np.ndarray:
    """Row positions whose code is flagged in ``bad_categories`` (boolean per category)."""
    lut = np.append(np.asarray(bad_categories, dtype=bool), missing_is_bad)
    return np.flatnonzero(lut[codes])


def _matches(pattern: str, texts: Sequence[str], *, full: bool = False) -> np.ndarray:
    rx = re.compile(pattern)
    test = rx.fullmatch if full else rx.match
    return np.array([test(t) is not None for t in texts], dtype=bool)


def _column_rules(codes: Mapping[str, np.ndarray], cats: Mapping[str, Sequence[str]],
                  year: np.ndarray, ref: _Where, fail: list[dict[str, Any]],
                  vocabulary: Mapping[str, Indicator]) -> None:
    """The column rules of :class:`~burdenshare.schemas.ObservationSchema`, vectorised.

    Same rules, check names and failure values as pandera reports them; regular expressions
    and vocabulary look-ups run once per distinct value.
    """
    def not_nullable(col: str) -> None:
        for i in np.flatnonzero(codes[col] < 0):
            fail.append(_f(ref(i), col, np.nan, "not_nullable", _describe("not_nullable", col)))

    def rule(col: str, bad: np.ndarray, check: str) -> None:
        for i in _rows_with(codes[col], bad):
            fail.append(_f(ref(i), col, cats[col][codes[col][i]], check, _describe(check, col)))

    code_rx = r"^[A-Z]{3}$"
    not_nullable("iso3")
    rule("iso3", ~_matches(code_rx, cats["iso3"]), f"str_matches('{code_rx}')")
    lo, hi = 1900, 2100
    for i in np.flatnonzero((year < lo) & (year > _BAD_YEAR)):  # placeholders: reported
        check = f"greater_than_or_equal_to({lo})"
        fail.append(_f(ref(i), "year", year[i], check, _describe(check, "year")))
    for i in np.flatnonzero(year > hi):
        check = f"less_than_or_equal_to({hi})"
        fail.append(_f(ref(i), "year", year[i], check, _describe(check, "year")))
    not_nullable("indicator")
    vocab = sorted(vocabulary)
    rule("indicator", np.array([t not in vocabulary for t in cats["indicator"]], dtype=bool),
         f"isin({vocab!r})")
    not_nullable("unit")
    not_nullable("source")
    rule("source", ~_matches(_NO_SPACE, cats["source"]), f"str_matches('{_NO_SPACE}')")
    rule("counterpart_iso3", ~_matches(code_rx, cats["counterpart_iso3"]),
         f"str_matches('{code_rx}')")
    rule("area", ~_matches(AREA_PATTERN, cats["area"]), f"str_matches('{AREA_PATTERN}')")


def _cross_checks(codes: Mapping[str, np.ndarray], cats: Mapping[str, Sequence[str]],  # noqa: C901 (see pyproject)
                  year: np.ndarray, value: np.ndarray, order: np.ndarray,
                  srcs: Mapping[str, Source], ref: _Where, fail: list[dict[str, Any]],
                  vocabulary: Mapping[str, Indicator]) -> None:
    """Rules across columns, on the codes; only failing rows are ever looked at one by one."""
    known = known_codes()
    ind_c, unit_c = codes["indicator"], codes["unit"]
    ind_names = list(cats["indicator"])
    specs = [vocabulary.get(t) for t in ind_names]
    in_vocab = np.append(np.array([sp is not None for sp in specs], dtype=bool), False)[ind_c]

    def text(col: str, i: Any) -> Any:
        k = codes[col][i]
        return np.nan if k < 0 else cats[col][k]

    # unit must equal the canonical unit of the indicator (-2: the unit does not occur at all)
    unit_pos = {u: j for j, u in enumerate(cats["unit"])}
    want = np.array([unit_pos.get(sp.unit, -2) if sp is not None else -2 for sp in specs] + [-2],
                    dtype=np.int64)
    for i in np.flatnonzero(in_vocab & (unit_c != want[ind_c])):
        spec = cast("Any", specs[ind_c[i]])  # in the vocabulary (in_vocab)
        fail.append(_f(ref(i), "unit", text("unit", i), "canonical_unit",
                       f"is not the unit of {spec.name!r}, which must be {spec.unit!r}"))
    # counterpart present iff dyadic
    dyadic = np.append(np.array([bool(sp and sp.dyadic) for sp in specs], dtype=bool),
                       False)[ind_c]
    has_cp = codes["counterpart_iso3"] >= 0
    for i in np.flatnonzero(in_vocab & dyadic & ~has_cp):
        fail.append(_f(ref(i), "counterpart_iso3", None, "counterpart_required",
                       f"is empty but {ind_names[ind_c[i]]!r} links two countries and needs a "
                       "counterpart"))
    for i in np.flatnonzero(in_vocab & ~dyadic & has_cp):
        fail.append(_f(ref(i), "counterpart_iso3", text("counterpart_iso3", i),
                       "counterpart_forbidden", f"must be empty: {ind_names[ind_c[i]]!r} is not "
                       "dyadic"))
    # non-negative
    nonneg = np.append(np.array([bool(sp and sp.non_negative) for sp in specs], dtype=bool),
                       False)[ind_c]
    with np.errstate(invalid="ignore"):
        negative = value < 0
    for i in np.flatnonzero(nonneg & negative):
        fail.append(_f(ref(i), "value", value[i], "non_negative",
                       f"is negative, which {ind_names[ind_c[i]]!r} cannot be"))
    # categories
    for k, sp in enumerate(specs):
        if sp is None or not sp.categories:
            continue
        allowed = set(sp.categories)
        sel = np.flatnonzero(ind_c == k)
        v = value[sel]
        bad = ~np.isnan(v) & ~np.isin(v, np.array(sorted(allowed), dtype=np.float64))
        for i in sel[bad]:
            fail.append(_f(ref(i), "value", value[i], "category",
                           f"is not a code of {sp.name!r} (allowed: {sorted(allowed)})"))
    # known codes (format failures were reported by the column rules already)
    iso_bad = _matches(r"[A-Z]{3}", cats["iso3"], full=True) & np.array(
        [t not in known for t in cats["iso3"]], dtype=bool)
    for i in _rows_with(codes["iso3"], iso_bad):
        fail.append(_f(ref(i), "iso3", text("iso3", i), "known_code",
                       "is not an ISO3 country code, World Bank aggregate or special code "
                       "(UNK unknown, XXA stateless); convert UNHCR codes with "
                       "burdenshare.countries.to_iso3"))
    cp_bad = np.array([t not in known and len(t) == 3 and t.isupper()
                       for t in cats["counterpart_iso3"]], dtype=bool)
    for i in _rows_with(codes["counterpart_iso3"], cp_bad):
        fail.append(_f(ref(i), "counterpart_iso3", text("counterpart_iso3", i), "known_code",
                       "is not a known code"))
    # sources documented (a missing source is undocumented too)
    src_bad = np.array([t not in srcs for t in cats["source"]], dtype=bool)
    for i in _rows_with(codes["source"], src_bad, missing_is_bad=True):
        fail.append(_f(ref(i), "source", text("source", i), "known_source",
                       "has no Source record (give one, or a sources.json beside the file)"))
    # unique key: in the canonical (stable) order, equal keys are adjacent and the first of a
    # run is the first occurrence in the input
    same = _same_as_previous(codes, year, order)
    if same.any():
        starts = np.flatnonzero(~same)
        group_first = order[starts[np.searchsorted(starts, np.arange(len(order)), "right") - 1]]
        for pos in np.flatnonzero(same):
            row, first = int(order[pos]), int(group_first[pos])
            fail.append(_f(ref(row), "iso3", text("iso3", row), "unique_key",
                           f"repeats the observation on line {ref(first)[1]} (same iso3, "
                           "area, counterpart, year, indicator and source)"))


def _raise(fail: list[dict[str, Any]]) -> None:
    failures = pd.DataFrame(fail, columns=_FAILURE_COLUMNS)
    failures["_l"] = pd.to_numeric(failures["line"], errors="coerce").fillna(-1)
    failures = failures.sort_values(["file", "_l", "column"], kind="mergesort").drop(columns="_l")
    failures = failures.reset_index(drop=True)
    lines = []
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in failures.head(_SHOW).itertuples(index=False):
        where = f"{r.file}, line {r.line}" if r.line is not None and not pd.isna(r.line) else str(r.file)
        val = "" if r.value is None or (isinstance(r.value, float) and np.isnan(r.value)) else f" {r.value!r}"
        lines.append(f"  {where}, column '{r.column}':{val} {r.reason} [{r.check}]")
    more = f"\n  … and {len(failures) - _SHOW} more" if len(failures) > _SHOW else ""
    msg = f"{len(failures)} problem(s) in the input data:\n" + "\n".join(lines) + more
    raise DataValidationError(msg, failures)
