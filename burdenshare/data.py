"""The input model: :class:`Source` records and the immutable, validated :class:`Dataset`.

A dataset is one long table of observations with the columns
``iso3, year, indicator, value, unit, source, counterpart_iso3, area`` (see
``methodology/indicators.md``), the :class:`Source` record of every ``source`` id it uses, and a
content fingerprint (``methodology/provenance.md``).
"""

from __future__ import annotations

import csv
import hashlib
import io as _stdio
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ._errors import DataValidationError, ParameterError
from .countries import known_codes
from .indicators import GIVEN_ORIGIN, VOCABULARY, Indicator, Vocabulary, with_plugins
from .schemas import (
    AREA_PATTERN,
    CODE_COLUMNS,
    OBSERVATION_COLUMNS,
    OPTIONAL_OBSERVATION_COLUMNS,
)

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

__all__ = ["Source", "Dataset", "fingerprint_frame", "has_areas", "MISSING_TOKENS", "CODE_COLUMNS"]

#: Text that means "no value" in an input file's ``value`` column (UNHCR uses ``-``).
MISSING_TOKENS = frozenset({"", "-", "NA", "N/A", "NaN", "nan", ".."})

#: the rule of ``source`` (ObservationSchema): text without whitespace
_NO_SPACE = r"^\S+$"
_FAILURE_COLUMNS = ["file", "line", "column", "value", "check", "reason"]
_SHOW = 20
#: Placeholders of year cells that are not years start here (see ``_coerce_year``).
_BAD_YEAR = -(10**15)


@dataclass(frozen=True)
class Source:
    """Where a set of observations comes from.

    Parameters
    ----------
    id : str
        Short identifier used in the ``source`` column (no spaces).
    title : str
        Name of the dataset.
    publisher : str
        Who publishes it (e.g. "UNHCR").
    url : str
        Where it can be obtained.
    licence : str
        Licence and attribution terms (e.g. "CC BY 4.0").
    retrieved : str
        Date the copy was taken (ISO 8601).
    vintage : str
        Release or version of the data (e.g. "refugees R package 2025.12.1").
    derivation : str
        How the observations were derived from the publication.
    """

    id: str
    title: str
    publisher: str
    url: str = ""
    licence: str = ""
    retrieved: str = ""
    vintage: str = ""
    derivation: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the record as a plain dict (JSON-serialisable)."""
        return asdict(self)


def key_codes(col: pd.Series, *, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a key column and its distinct values (code -1 = missing).

    A categorical column (a ``Dataset`` holds its key columns dictionary-encoded, computed
    once at construction) gives its codes and categories without touching a string; any other
    column is factorized. The values of a categorical may include some no row uses.

    Parameters
    ----------
    col : pandas.Series
    sort : bool
        Renumber so that the values are in sorted order (per distinct value, never per row).

    Returns
    -------
    codes : numpy.ndarray of int
    values : numpy.ndarray of object
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.asarray(col.cat.codes.to_numpy())
        values = np.asarray(col.cat.categories, dtype=object)
        if sort and len(values) > 1:
            order = np.argsort(values, kind="stable")
            if (order != np.arange(len(values))).any():
                rank = np.empty(len(values) + 1, dtype=np.int64)
                rank[order] = np.arange(len(values))
                rank[-1] = -1  # code -1 (missing) picks the trailing -1
                codes, values = rank[codes], values[order]
        return codes, values
    codes, uniq = pd.factorize(col, sort=sort)
    return np.asarray(codes), np.asarray(uniq, dtype=object)


def _categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    """A categorical of ``str`` categories from integer codes (-1 = missing), unchecked."""
    cats = pd.Index(list(categories), dtype="str")
    return pd.Categorical.from_codes(codes, categories=cats, validate=False)


def _encode(col: pd.Series, missing: Callable[[str], bool] | None = None
            ) -> tuple[np.ndarray, list[str]]:
    """Dictionary-encode a text column: (int32 codes with -1 = missing, sorted distinct texts).

    The categories are exactly the non-missing values present, sorted by code point (the order
    of ``sorted`` on ``str`` and of ``sort_values`` on text), so that ordering the codes orders
    the strings. Values that are not ``str`` are written as text with ``str``; ``missing``, if
    given, says which texts mean "no value" (they get code -1). The work is done on the distinct
    values, never row by row.
    """
    raw_codes, uniq = key_codes(col)
    codes = np.asarray(raw_codes, dtype=np.int64)
    texts = [u if isinstance(u, str) else str(u) for u in uniq]
    present = np.bincount(codes[codes >= 0], minlength=len(texts)) > 0 if len(texts) else \
        np.zeros(0, dtype=bool)
    keep = [bool(p) and (missing is None or not missing(t)) for t, p in zip(texts, present)]
    cats = sorted({t for t, k in zip(texts, keep) if k})
    pos = {t: i for i, t in enumerate(cats)}
    lut = np.array([pos[t] if k else -1 for t, k in zip(texts, keep)] + [-1], dtype=np.int32)
    return lut[codes], cats  # code -1 (missing) picks the trailing -1


def _is_canonical_code_column(col: pd.Series) -> bool:
    """True if ``col`` is categorical with sorted ``str`` categories that are all used."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return False
    cats = col.cat.categories
    if len(cats) and not all(isinstance(c, str) for c in cats[:1]):
        return False
    if not cats.is_monotonic_increasing or not cats.is_unique:
        return False
    codes = col.array.codes
    used = np.bincount(codes[codes >= 0], minlength=len(cats))
    return bool((used > 0).all())


def _with_codes(obs: pd.DataFrame) -> pd.DataFrame:
    """Return ``obs`` with every code column dictionary-encoded (a new frame if any changed)."""
    changes = {}
    for c in CODE_COLUMNS:
        if c in obs.columns and not _is_canonical_code_column(obs[c]):
            codes, cats = _encode(obs[c])
            changes[c] = pd.Series(_categorical(codes, cats), index=obs.index)
    if not changes:
        return obs
    return obs.assign(**changes)


def _sort_order(keys: Sequence[tuple[np.ndarray, int]]) -> np.ndarray:
    """Stable order of rows by several small non-negative integer keys (first key first).

    ``keys`` holds (values, number of distinct values) pairs; they are packed into one int64
    when the product of the sizes allows, otherwise sorted with ``numpy.lexsort``.
    """
    total = 1
    for _, size in keys:
        total *= max(int(size), 1)
    if total < 2**62:
        packed = np.zeros(len(keys[0][0]), dtype=np.int64)
        for vals, size in keys:
            packed *= max(int(size), 1)
            packed += vals
        order: np.ndarray = np.argsort(packed, kind="stable")
        return order
    return np.lexsort([np.asarray(v) for v, _ in reversed(keys)])


def _key_arrays(codes: Mapping[str, np.ndarray], ncat: Mapping[str, int], year: np.ndarray
                ) -> list[tuple[np.ndarray, int]]:
    """The sort / uniqueness key in canonical order: iso3, area, counterpart, year, indicator,
    source; a missing code (-1) sorts first, as an empty text does.
    """
    ymin = int(year.min()) if len(year) else 0
    ymax = int(year.max()) if len(year) else 0
    out = []
    for c in ("iso3", "area", "counterpart_iso3"):
        out.append((codes[c].astype(np.int64) + 1, ncat[c] + 1))
    out.append((year.astype(np.int64) - ymin, ymax - ymin + 1))
    for c in ("indicator", "source"):
        out.append((codes[c].astype(np.int64) + 1, ncat[c] + 1))
    return out


def _canonical_frame(codes: Mapping[str, np.ndarray], cats: Mapping[str, Sequence[str]],
                     year: np.ndarray, value: np.ndarray, order: np.ndarray | None
                     ) -> pd.DataFrame:
    """Build the canonical observation frame (rows in ``order``; categories pruned to use)."""
    cols: dict[str, Any] = {}
    for c in OBSERVATION_COLUMNS:
        if c == "year":
            cols[c] = year if order is None else year[order]
        elif c == "value":
            cols[c] = value if order is None else value[order]
        else:
            k = codes[c] if order is None else codes[c][order]
            cols[c] = _categorical(k, cats[c])
    out = pd.DataFrame(cols)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    return out  # the categories are exactly the values present (callers guarantee it)


def has_areas(observations: pd.DataFrame) -> bool:
    """Return True if any observation is for a sub-national area (non-missing ``area``).

    Parameters
    ----------
    observations : pandas.DataFrame

    Returns
    -------
    bool
    """
    return "area" in observations.columns and bool(observations["area"].notna().any())


def fingerprint_frame(observations: pd.DataFrame) -> str:  # noqa: C901 (see pyproject)
    r"""Return the sha256 fingerprint of a canonical observation frame.

    The algorithm (also in ``methodology/provenance.md``): rows sorted by
    ``iso3, area, counterpart_iso3, year, indicator, source`` (missing area and counterpart sort
    as empty); columns in the order ``iso3, year, indicator, value, unit, source,
    counterpart_iso3`` and, only when at least one observation has an ``area``, ``area`` last
    (so data without areas keep the fingerprint they had before the column existed);
    ``value`` written with Python's ``repr`` of the float (shortest round-trip form), missing as
    an empty field; CSV with a header line, comma separator, minimal quoting, ``\n`` line ends,
    UTF-8; sha256 of those bytes, as 64 lowercase hex digits.

    Parameters
    ----------
    observations : pandas.DataFrame
        A frame in canonical form (as held by :class:`Dataset`).

    Returns
    -------
    str

    Notes
    -----
    The bytes hashed are exactly those of ``DataFrame.to_csv`` of that text frame (the
    implementation until burdenshare 0.1.0), but they are produced column-wise: each distinct
    value of a column is written once (Python's ``csv`` module, ``repr`` for values), rows are
    assembled with Arrow in blocks and streamed into the hash, so no copy of the data as text is
    ever held whole. ``tests/reference/test_fingerprint_reimplementation.py`` re-implements the
    page with ``csv`` and ``hashlib`` only.
    """
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    cols = [c for c in OBSERVATION_COLUMNS if c != "area"]
    if has_areas(observations):
        cols.append("area")
    n = len(observations)
    texts: list[tuple[np.ndarray, pa.Array] | None] = []
    for c in cols:
        if c in ("value", "year"):
            texts.append(None)
            continue
        codes, words = _column_texts(observations[c], c)
        texts.append((codes, pa.array(words, type=pa.string())))
    # whole numbers below 1e16: repr(x) is the integer followed by ".0" (written by Arrow)
    v = np.asarray(observations["value"].to_numpy(dtype="float64", na_value=np.nan),
                   dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = (v == np.floor(v)) & (np.abs(v) < 1e16) & ~((v == 0) & np.signbit(v))
    other = ~whole & ~np.isnan(v)
    o_words = _float_texts(v[other])
    v_codes = np.full(n, len(o_words) - 1, dtype=np.int64)
    v_codes[other] = np.arange(int(other.sum()))
    ints = np.where(whole, v, 0).astype(np.int64)
    years = np.asarray(observations["year"].to_numpy(), dtype=np.int64)
    # Arrow's CSV writer writes the rows when no text needs quoting (it is then told never to
    # quote); otherwise each row is joined from the already-quoted fields
    plain = all(not any(ch in w for w in dic.to_pylist() for ch in ',"\r\n')
                for t in texts if t is not None for dic in [t[1]])
    digest = hashlib.sha256(_csv_line(cols).encode("utf-8"))
    block = 1 << 19
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        as_int = pc.binary_join_element_wise(pc.cast(pa.array(ints[lo:hi]), pa.string()), ".0", "")
        value_text = pc.if_else(pa.array(whole[lo:hi]), as_int,
                                o_words.take(pa.array(v_codes[lo:hi])))
        parts: list[pa.Array] = []
        for c, t in zip(cols, texts):
            if c == "value":
                parts.append(value_text)
            elif c == "year":
                parts.append(pa.array(years[lo:hi]) if plain
                             else pc.cast(pa.array(years[lo:hi]), pa.string()))
            elif t is not None and plain:
                parts.append(pa.DictionaryArray.from_arrays(pa.array(t[0][lo:hi], pa.int32()),
                                                            t[1]))
            elif t is not None:
                parts.append(t[1].take(pa.array(t[0][lo:hi])))
        if plain:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(pa.Table.from_arrays(parts, names=cols), sink,
                            write_options=pacsv.WriteOptions(include_header=False,
                                                             quoting_style="none"))
            digest.update(memoryview(sink.getvalue()))
            continue
        parts[-1] = pc.binary_join_element_wise(parts[-1], "\n", "")
        lines = pc.binary_join_element_wise(*parts, ",")
        # the data buffer of a string array without nulls is its values end to end
        buf = lines.buffers()[2]
        offs = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1,
                             offset=lines.offset * 4)
        if buf is not None:
            digest.update(memoryview(buf)[int(offs[0]):int(offs[-1])])
    return digest.hexdigest()


def _float_texts(values: np.ndarray) -> pa.Array:
    """``repr`` of each float, then an empty text: Arrow's shortest round-trip text where it is
    written without an exponent (then identical to ``repr``), ``repr`` itself elsewhere.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    with np.errstate(invalid="ignore"):
        plain = (np.abs(values) >= 1e-4) & (np.abs(values) < 1e16)
    words = pc.cast(pa.array(values), pa.string())
    need = ~plain | np.asarray(pc.match_substring(words, "e").to_numpy(zero_copy_only=False),
                               dtype=bool)
    if need.any():
        words = pc.replace_with_mask(words, pa.array(need), pa.array(
            [repr(float(x)) for x in values[need]], type=pa.string()))
    return pa.concat_arrays([words, pa.array([""], type=pa.string())])


def _csv_line(fields: Sequence[str]) -> str:
    buf = _stdio.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return buf.getvalue()


def _csv_field(text: str) -> str:
    """``text`` as one field of a CSV row with minimal quoting (as ``csv``/``to_csv`` write it)."""
    return _csv_line([text, "x"])[:-3]


def _column_texts(col: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Codes into the CSV texts of a column's distinct values (missing = empty field)."""
    raw_k, uniq = key_codes(col)
    k = np.asarray(raw_k, dtype=np.int64)
    words = [_csv_field(u if isinstance(u, str) else str(u)) for u in uniq]
    return np.where(k < 0, len(words), k), [*words, ""]


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


@dataclass(frozen=True, eq=False)
class Dataset:
    """An immutable, validated long table of observations with its sources and fingerprint.

    Build one with :meth:`from_frame` (or :func:`burdenshare.read_observations` /
    :func:`burdenshare.load_sample`); never mutate ``observations``.

    Parameters
    ----------
    observations : pandas.DataFrame
        Canonical frame: ``iso3, year, indicator, value, unit, source, counterpart_iso3,
        area`` (``area`` missing = the whole country).
    sources : Mapping[str, Source]
        Every source id used in ``observations``.
    fingerprint : str
        sha256 of the canonical serialisation (:func:`fingerprint_frame`).
    origin : str or None
        File(s) the data were read from, for messages.
    lineage : tuple of str
        Operations that produced this dataset from its origin (e.g. ``select(years=2024-2024)
        of <fingerprint>``).
    requested_years : tuple of int or None
        The years asked for by the latest ``select(years=...)`` (None: no explicit years).
        Estimators list each requested year that yields no estimate in ``Result.excluded``
        (reason ``year_without_data``), so that a selection never silently returns fewer years.
    vocabulary : Vocabulary
        The indicator vocabulary the observations were validated with, and where each indicator
        came from: the built-ins, those passed with ``indicators=``, and the installed plugin
        indicators the data use (``methodology/plugins.md``). Selections and concatenations
        keep it. It is not part of the fingerprint.
    """

    observations: pd.DataFrame
    sources: Mapping[str, Source]
    fingerprint: str
    origin: str | None = None
    lineage: tuple[str, ...] = field(default=())
    requested_years: tuple[int, ...] | None = None
    vocabulary: Vocabulary = VOCABULARY

    def __post_init__(self) -> None:
        # the code columns are dictionary-encoded once, here: derived immutable data of a
        # frozen value (STYLE.md house rule 4), never re-derived from strings by estimators
        obs = _with_codes(self.observations)
        if obs is not self.observations:
            object.__setattr__(self, "observations", obs)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        sources: Mapping[str, Source] | Iterable[Source] | None = None,
        *,
        origin: str | None = None,
        lines: Sequence[int] | None = None,
        indicators: Vocabulary | Iterable[Indicator] | None = None,
    ) -> Dataset:
        """Validate a long frame lazily and return a :class:`Dataset`.

        Parameters
        ----------
        df : pandas.DataFrame
            Columns ``iso3, year, indicator, value, unit, source`` and optionally
            ``counterpart_iso3`` and ``area`` (a sub-national unit within ``iso3``, e.g.
            ``TR-34``; empty = the whole country). ``value`` may hold text; missing tokens (``""``, ``"-"``,
            ``"NA"``, ``".."``) become NaN and stay NaN.
        sources : mapping or iterable of Source, optional
            Records for every ``source`` id. Ids without a record are an error.
        origin : str, optional
            File name used in error messages.
        lines : sequence of int, optional
            For each row, its line number in ``origin`` (for messages).
        indicators : Vocabulary or iterable of Indicator, optional
            Indicators the data may use besides the built-ins (``methodology/plugins.md``);
            a :class:`~burdenshare.indicators.Vocabulary` (e.g. another dataset's
            ``vocabulary``) is used with the origins it records. Installed plugin indicators
            (entry-point group ``burdenshare.indicators``) are added when the data use them.

        Returns
        -------
        Dataset

        Raises
        ------
        DataValidationError
            Listing every failure (file, line, column, value, rule), not only the first.
        VocabularyError
            An indicator given has the name of another with a different definition.

        Examples
        --------
        >>> import pandas as pd
        >>> from burdenshare import Dataset, Source
        >>> from burdenshare.indicators import Indicator
        >>> revenue = Indicator("gov_revenue_usd_current", "USD current",
        ...                     "General government revenue, current US dollars.", "money")
        >>> df = pd.DataFrame({"iso3": ["TUR"], "year": [2024],
        ...                    "indicator": ["gov_revenue_usd_current"], "value": [1.0],
        ...                    "unit": ["USD current"], "source": ["my_file"]})
        >>> ds = Dataset.from_frame(df, [Source("my_file", "My file", "me")],
        ...                         indicators=[revenue])
        >>> ds.vocabulary.origin("gov_revenue_usd_current")
        'the indicators= argument'
        """
        vocab = _as_vocabulary(indicators)
        canon, used, vocab = _validated(df, sources, origin=origin, lines=lines, vocabulary=vocab)
        return cls(observations=canon, sources=used, fingerprint=fingerprint_frame(canon),
                   origin=origin, vocabulary=vocab)

    @classmethod
    def concat(cls, datasets: Sequence[Dataset]) -> Dataset:
        """Combine datasets into one (duplicate keys across them are an error).

        The parts were validated when they were built; only what combining can break is
        checked again (a source id described differently, an observation in two parts). The
        code columns are re-encoded on the union of the parts' categories.

        Parameters
        ----------
        datasets : sequence of Dataset

        Returns
        -------
        Dataset
        """
        if not datasets:
            raise ValueError("concat needs at least one dataset")
        if len(datasets) == 1:
            return datasets[0]
        srcs: dict[str, Source] = {}
        for d in datasets:
            for k, s in d.sources.items():
                if k in srcs and srcs[k] != s:
                    raise DataValidationError(
                        f"source id {k!r} is described differently in two inputs "
                        f"({d.origin or '<DataFrame>'}); give each source a distinct id"
                    )
                srcs[k] = s
        origins = [d.origin or "<DataFrame>" for d in datasets]
        vocab = datasets[0].vocabulary
        for d in datasets[1:]:
            vocab = vocab.union(d.vocabulary)
        canon = _combine([d.observations for d in datasets], origins)
        return cls(
            observations=canon,
            sources=MappingProxyType(dict(sorted(srcs.items()))),
            fingerprint=fingerprint_frame(canon),
            origin=" + ".join(origins),
            lineage=tuple(
                f"concat part {i + 1} {d.fingerprint[:12]}"
                + (f" ({'; '.join(d.lineage)})" if d.lineage else "")
                for i, d in enumerate(datasets)),
            requested_years=_requested_union(datasets),
            vocabulary=vocab,
        )

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return len(self.observations)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.fingerprint == other.fingerprint and dict(self.sources) == dict(other.sources)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        obs = self.observations
        years = f"{obs['year'].min()}-{obs['year'].max()}" if len(obs) else "-"
        areas = (f"{obs['area'].nunique()} sub-national areas, " if has_areas(obs) else "")
        return (
            f"Dataset({len(obs):,} observations, {obs['indicator'].nunique()} indicators, "
            f"{obs['iso3'].nunique()} codes, {areas}years {years}, sources={sorted(self.sources)}, "
            f"fingerprint={self.fingerprint[:12]}…)"
        )

    def codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """Return the dictionary encoding of a code column: integer codes and their texts.

        ``observations[column]`` is a pandas categorical whose categories are exactly the
        distinct values present, sorted (so ordering by codes orders the texts); this returns
        ``observations[column].cat.codes`` as a read-only numpy array (-1 = missing, e.g. a
        whole-country ``area``) and the categories as a tuple of ``str``. The codes are computed
        once, when the dataset is built, and equal ``pandas.factorize(texts, sort=True)[0]``.

        Parameters
        ----------
        column : {"iso3", "area", "counterpart_iso3", "indicator", "unit", "source"}

        Returns
        -------
        codes : numpy.ndarray
            One integer per observation (int8/int16/int32, as pandas stores them).
        categories : tuple of str

        Raises
        ------
        KeyError
            If ``column`` is not a code column.

        Examples
        --------
        >>> import burdenshare as bs
        >>> data = bs.load_sample(["unhcr_population.csv.gz"])
        >>> codes, names = data.codes("iso3")
        >>> names[codes[0]] == data.observations["iso3"].iloc[0]
        True
        """
        if column not in CODE_COLUMNS:
            raise KeyError(f"{column!r} is not a code column; code columns: {', '.join(CODE_COLUMNS)}")
        col = self.observations[column]
        codes = col.cat.codes.to_numpy().copy()
        codes.flags.writeable = False
        return codes, tuple(str(c) for c in col.cat.categories)

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicators present, sorted."""
        return tuple(str(c) for c in self.observations["indicator"].cat.categories)

    @property
    def years(self) -> tuple[int, ...]:
        """Years present, sorted."""
        return tuple(int(y) for y in sorted(self.observations["year"].unique()))

    def coverage(self) -> pd.DataFrame:
        """Return one row per (indicator, source): observations, missing values, years, codes."""
        g = self.observations.groupby(["indicator", "source"], dropna=False, observed=True)
        return pd.DataFrame(
            {
                "observations": g.size(),
                "missing_values": g["value"].apply(lambda s: int(s.isna().sum())),
                "first_year": g["year"].min(),
                "last_year": g["year"].max(),
                "codes": g["iso3"].nunique(),
            }
        ).reset_index()

    def select(
        self,
        *,
        iso3: Iterable[str] | None = None,
        years: tuple[int, int] | Iterable[int] | None = None,
        indicators: Iterable[str] | None = None,
        areas: Iterable[str | None] | None = None,
    ) -> Dataset:
        """Return a new dataset restricted to some codes, years, indicators and/or areas.

        Parameters
        ----------
        iso3 : iterable of str, optional
            Codes to keep (``iso3`` column).
        years : (first, last) tuple or iterable of int, optional
            An inclusive range given as a 2-tuple, or the years to keep. Text (``"2020"``) is
            refused with a :class:`~burdenshare.ParameterError`: iterating it would select the
            "years" 2, 0, 2, 0, that is nothing.
        indicators : iterable of str, optional
        areas : iterable of str or None, optional
            Sub-national area codes to keep (``area`` column); ``None`` in the iterable keeps the
            whole-country observations (missing ``area``).

        Returns
        -------
        Dataset
            With a new fingerprint; ``lineage`` records the selection and the parent fingerprint.

        Raises
        ------
        ParameterError
            If ``years`` is text, or holds something that is not a whole number.
        """
        obs = self.observations
        mask = pd.Series(True, index=obs.index)
        parts = []
        if iso3 is not None:
            codes = sorted(set(iso3))
            unknown = [c for c in codes if c not in known_codes()]
            if unknown:
                raise DataValidationError(f"unknown country code(s) in selection: {unknown}")
            mask &= obs["iso3"].isin(codes)
            parts.append("iso3=" + ",".join(codes))
        if years is not None:
            years = _checked_years(years)
            if isinstance(years, tuple) and len(years) == 2:
                lo, hi = int(years[0]), int(years[1])
                if lo > hi:
                    raise ValueError(f"years=({lo}, {hi}): the first year is after the last")
                mask &= obs["year"].between(lo, hi)
                parts.append(f"years={lo}-{hi}")
                requested: tuple[int, ...] | None = tuple(range(lo, hi + 1))
            else:
                ys = sorted({int(y) for y in years})
                mask &= obs["year"].isin(ys)
                parts.append("years=" + ",".join(map(str, ys)))
                requested = tuple(ys)
        else:
            requested = self.requested_years
        if indicators is not None:
            inds = sorted(set(indicators))
            unknown = [i for i in inds if i not in self.vocabulary]
            if unknown:
                raise DataValidationError(f"unknown indicator(s) in selection: {unknown}")
            mask &= obs["indicator"].isin(inds)
            parts.append("indicators=" + ",".join(inds))
        if areas is not None:
            wanted = set(areas)
            national = None in wanted
            codes = sorted(str(a) for a in wanted if a is not None)
            area_col = obs["area"] if "area" in obs.columns else pd.Series(
                [None] * len(obs), index=obs.index, dtype="str")
            present = set(area_col.dropna().unique())
            unknown = [a for a in codes if a not in present]
            if unknown:
                raise DataValidationError(
                    f"area code(s) not in the data: {unknown} (the data have "
                    f"{len(present)} area(s), e.g. {sorted(present)[:5]})")
            mask &= area_col.isin(codes) | (area_col.isna() if national else False)
            parts.append("areas=" + ",".join(codes + (["<country>"] if national else [])))
        sub = _with_codes(obs[mask.to_numpy()].reset_index(drop=True))  # only categories in use
        used = [str(c) for c in sub["source"].cat.categories]
        return Dataset(
            observations=sub,
            sources=MappingProxyType({k: self.sources[k] for k in used}),
            fingerprint=fingerprint_frame(sub),
            origin=self.origin,
            lineage=(*self.lineage, f"select({'; '.join(parts)}) of {self.fingerprint[:12]}"),
            requested_years=requested,
            vocabulary=self.vocabulary,
        )

    def panel(self, indicators: Iterable[str], source: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Return a wide (iso3, year) x indicator frame of values (non-dyadic indicators).

        Parameters
        ----------
        indicators : iterable of str
        source : mapping indicator -> source id, optional
            Required for an indicator given by more than one source (no implicit preference).

        Returns
        -------
        pandas.DataFrame
            Indexed by (``iso3``, ``year``), the entity-time index linearmodels expects; when the
            data have sub-national areas, by (``iso3``, ``area``, ``year``) with ``area`` ``""``
            for whole-country rows (never mixed up). Missing observations are NaN.
        """
        inds = list(indicators)
        obs = self.observations[self.observations["indicator"].isin(inds)]
        chosen = []
        for ind in inds:
            rows = obs[obs["indicator"] == ind]
            srcs = sorted(set(rows["source"]))
            want = (source or {}).get(ind)
            if want is not None:
                rows = rows[rows["source"] == want]
            elif len(srcs) > 1:
                raise DataValidationError(
                    f"indicator {ind!r} is given by several sources {srcs}; say which to use")
            chosen.append(rows)
        sub = pd.concat(chosen) if chosen else obs.iloc[0:0]
        # the wide frame is indexed by text, as before the columns were categorical
        sub = sub.assign(iso3=sub["iso3"].astype("str"), area=sub["area"].astype("str"),
                         indicator=sub["indicator"].astype("str"))
        index = ["iso3", "year"]
        if has_areas(sub):
            sub = sub.assign(area=sub["area"].fillna(""))
            index = ["iso3", "area", "year"]
        wide = sub.pivot_table(index=index, columns="indicator", values="value",
                               aggfunc="first", dropna=False)
        if len(index) == 3:  # keep the (iso3, area) units that exist, not their cross product
            units = pd.MultiIndex.from_frame(sub[["iso3", "area"]].drop_duplicates())
            # pandas-stubs types the pivot_table index as Index: with three keys it is a MultiIndex
            wide_index = cast(pd.MultiIndex, wide.index)
            wide = wide[wide_index.droplevel("year").isin(units)]
        return wide.reindex(columns=inds)

    def _repr_html_(self) -> str:
        cov = self.coverage()
        return (f"<p><b>burdenshare Dataset</b> — {len(self):,} observations; fingerprint "
                f"<code>{self.fingerprint[:12]}…</code>; sources: "
                f"{', '.join(sorted(self.sources))}</p>" + cov.to_html(index=False))


def _as_vocabulary(indicators: Vocabulary | Iterable[Indicator] | None) -> Vocabulary:
    """The vocabulary of the built-ins plus ``indicators`` (see :meth:`Dataset.from_frame`).

    Parameters
    ----------
    indicators : Vocabulary or iterable of Indicator, optional

    Returns
    -------
    Vocabulary
    """
    if indicators is None:
        return VOCABULARY
    return VOCABULARY.extended(indicators, origin=GIVEN_ORIGIN)


def _checked_years(years: Any) -> tuple[Any, ...] | list[Any]:
    """``select(years=...)`` as a tuple (a range stays a 2-tuple) or a list; text and values
    that are not whole numbers are refused rather than silently selecting nothing.
    """
    if isinstance(years, (str, bytes)):
        raise ParameterError(
            f"years={years!r} is text; give years as numbers, e.g. years=[{years!s}] "
            "or years=(2015, 2020)")
    items = tuple(years) if isinstance(years, tuple) else list(years)
    for y in items:
        if not _whole_number(y):
            raise ParameterError(f"years: {y!r} is not a whole-number year")
    return items


def _whole_number(y: Any) -> bool:
    if isinstance(y, (bool, np.bool_)):
        return False
    if isinstance(y, (int, np.integer)):
        return True
    return isinstance(y, (float, np.floating)) and bool(np.isfinite(y)) and float(y).is_integer()


def _validated(df: pd.DataFrame, sources: Mapping[str, Source] | Iterable[Source] | None, *,  # noqa: C901 (see pyproject)
               origin: str | None, lines: Sequence[int] | None,
               vocabulary: Vocabulary = VOCABULARY
               ) -> tuple[pd.DataFrame, Mapping[str, Source], Vocabulary]:
    """Validate a long frame lazily; return its canonical frame, the sources it uses and the
    vocabulary it was validated with (``vocabulary`` plus the plugin indicators it uses).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    srcs = _as_source_map(sources)
    file = origin or "<DataFrame>"
    df = df.reset_index(drop=True)
    if lines is not None and len(lines) != len(df):
        raise ValueError("lines must have one entry per row")
    ref = _Where(file, lines)
    fail: list[dict[str, Any]] = []

    # 1. the set of columns
    present = list(df.columns)
    required = [c for c in OBSERVATION_COLUMNS if c not in OPTIONAL_OBSERVATION_COLUMNS]
    missing_cols = [c for c in required if c not in present]
    extra = [c for c in present if c not in OBSERVATION_COLUMNS]
    for c in missing_cols:
        fail.append({"file": file, "line": None, "column": c, "value": None,
                     "check": "column_present", "reason": "required column is missing"})
    for c in extra:
        fail.append({"file": file, "line": None, "column": str(c), "value": None,
                     "check": "known_column",
                     "reason": "is not a column of the observation model (allowed: "
                     + ", ".join(OBSERVATION_COLUMNS) + ")"})
    if missing_cols or extra:
        _raise(fail)
    n = len(df)

    # 2. code columns, dictionary-encoded once (every text rule below runs on the distinct
    # values and reaches the rows through the codes)
    codes: dict[str, np.ndarray] = {}
    cats: dict[str, list[str]] = {}
    for c in CODE_COLUMNS:
        if c not in present:
            codes[c], cats[c] = np.full(n, -1, dtype=np.int32), []
        elif c == "counterpart_iso3":
            codes[c], cats[c] = _encode(df[c], _missing_text)
        elif c == "area":
            codes[c], cats[c] = _encode(df[c], lambda t: t == "")
        else:
            codes[c], cats[c] = _encode(df[c])

    # 3. numbers
    value = _coerce_value(df["value"], fail, ref)
    year = _coerce_year(df["year"], fail, ref)

    # 4. column rules (those of ObservationSchema, same checks and names); plugin indicators
    # are looked up only for names outside the vocabulary given
    vocabulary = with_plugins(vocabulary, cats["indicator"])
    _column_rules(codes, cats, year, ref, fail, vocabulary)

    # 5. cross-column rules; the canonical order doubles as the uniqueness check
    order = _sort_order(_key_arrays(codes, {c: len(cats[c]) for c in cats}, year))
    _cross_checks(codes, cats, year, value, order, srcs, ref, fail, vocabulary)
    if fail:
        _raise(fail)
    canon = _canonical_frame(codes, cats, year, value, order)
    return canon, MappingProxyType({k: srcs[k] for k in cats["source"]}), vocabulary


def _requested_union(datasets: Sequence[Dataset]) -> tuple[int, ...] | None:
    """Years requested by any part of a concatenation (None if no part had explicit years)."""
    asked = [d.requested_years for d in datasets if d.requested_years is not None]
    return tuple(sorted(set().union(*asked))) if asked else None


def _as_source_map(sources: Mapping[str, Source] | Iterable[Source] | None) -> dict[str, Source]:
    if sources is None:
        return {}
    items = dict(sources) if isinstance(sources, Mapping) else {s.id: s for s in sources}
    for k, s in items.items():
        if not isinstance(s, Source):
            raise TypeError(f"sources[{k!r}] is a {type(s).__name__}, not a burdenshare.Source")
        if s.id != k:
            raise ValueError(f"sources key {k!r} does not match the record's id {s.id!r}")
    return items


def _combine(parts: Sequence[pd.DataFrame], origins: Sequence[str]) -> pd.DataFrame:
    """One canonical frame from canonical parts (codes re-encoded on the union of categories);
    an observation key in two parts is an error.
    """
    frames = [_with_codes(f) for f in parts]
    codes: dict[str, np.ndarray] = {}
    cats: dict[str, list[str]] = {}
    for c in CODE_COLUMNS:
        union = sorted(set().union(*(f[c].cat.categories for f in frames)))
        index = pd.Index(union, dtype="str")
        coded = []
        for f in frames:
            lut = np.append(index.get_indexer(f[c].cat.categories), -1).astype(np.int32)
            coded.append(lut[f[c].array.codes])
        codes[c], cats[c] = np.concatenate(coded), union
    year = np.concatenate([f["year"].to_numpy(dtype=np.int64) for f in frames])
    value = np.concatenate([f["value"].to_numpy(dtype=np.float64) for f in frames])
    order = _sort_order(_key_arrays(codes, {c: len(cats[c]) for c in cats}, year))
    same = _same_as_previous(codes, year, order)
    if same.any():
        involved = same | np.append(same[1:], False)
        first = int(order[involved].min())
        area_code = codes["area"][first]
        area = "" if area_code < 0 else f" area={cats['area'][area_code]}"
        raise DataValidationError(
            f"{int(involved.sum())} observations appear in more than one input "
            f"({', '.join(origins)}), e.g. iso3={cats['iso3'][codes['iso3'][first]]}{area} "
            f"year={year[first]} indicator={cats['indicator'][codes['indicator'][first]]} "
            f"source={cats['source'][codes['source'][first]]}"
        )
    return _canonical_frame(codes, cats, year, value, order)


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
