"""Panel units: integer codes, labels (``ISO3`` or ``ISO3/area``), unit-code parameters,
the mixed-level check and the iterated removal of fixed-effect singletons.

A unit is a country (no ``area``; label = its ISO3 code) or one of its sub-national areas
(label ``ISO3/area``). Units are sorted by (iso3, area), the country before its areas. Every
econometric estimator (``panel_fe``, the DiD family, ``iv_2sls``, ``synthetic_control``) takes
its units, labels and checks from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from ..._errors import EstimatorError, ParameterError
from ...countries import entity_type, is_country
from ...data import key_codes
from ...schemas import AREA_PATTERN

__all__ = [
    "by_value",
    "check_codes",
    "check_known_units",
    "check_levels",
    "check_unit_codes",
    "country_details",
    "dense_codes",
    "densify",
    "match_codes",
    "mixed_levels_error",
    "n_distinct",
    "singletons",
    "unit_codes",
    "unit_labels",
    "unit_years",
]

UnitCodes = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


# --------------------------------------------------------------------------- integer codes
def dense_codes(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 of non-negative integer keys (``< size``) and the k sorted keys used.

    A presence count over the key range when it is small (no hashing), else a factorize.

    Parameters
    ----------
    key : numpy.ndarray of int
    size : int
        Upper bound (exclusive) of the keys.

    Returns
    -------
    codes, used : numpy.ndarray
    """
    if size <= max(4 * len(key), 1 << 16):
        used = np.flatnonzero(np.bincount(key, minlength=size))
        lut = np.empty(size, dtype=np.int64)
        lut[used] = np.arange(len(used))
        return lut[key], used
    codes, uniq = pd.factorize(key, sort=True)
    return np.asarray(codes), np.asarray(uniq, dtype=np.int64)


def densify(codes: np.ndarray, size: int) -> np.ndarray:
    """Codes 0..k-1 in the order of ``codes`` (< ``size``), as ``pd.factorize(sort=True)``.

    Parameters
    ----------
    codes : numpy.ndarray of int
    size : int

    Returns
    -------
    numpy.ndarray of int
    """
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    counts = np.bincount(codes, minlength=size)
    if counts.all():  # dense already
        return codes
    lut = np.cumsum(counts > 0) - 1
    out: np.ndarray = lut[codes]
    return out


def n_distinct(values: Any) -> int:
    """Number of distinct values; a presence count for small non-negative integer codes.

    Parameters
    ----------
    values : array-like
        Missing values (NaN) are not counted, as in ``pandas.Series.nunique``.

    Returns
    -------
    int
    """
    a = np.asarray(values)
    if a.dtype.kind in "iu" and len(a) and int(a.min()) >= 0 and int(a.max()) < 4 * len(a):
        return int(np.count_nonzero(np.bincount(a)))
    return int(pd.Series(a).nunique())


def _run_starts(columns: Sequence[pd.Series]) -> np.ndarray | None:
    """Start positions of the runs of equal consecutive rows, or None if runs are short.

    Canonical datasets are sorted by (iso3, area, ...), so a million-row panel has one run per
    unit; hashing the first row of each run instead of every row gives the same codes.
    """
    n = len(columns[0])
    if n < 2:
        return None
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for col in columns:
        arr = col.array
        differ = np.asarray(arr[1:] != arr[:-1], dtype=bool)
        miss = col.isna().to_numpy()
        if miss.any():  # two missing values in a row are one run (whole-country rows)
            differ &= ~(miss[1:] & miss[:-1])
        change[1:] |= differ
    starts = np.flatnonzero(change)
    return starts if len(starts) <= n // 8 else None


def _code_runs(ci: np.ndarray, ai: np.ndarray, national: bool) -> np.ndarray | None:
    """:func:`_run_starts` on integer codes of iso3 (and area unless ``national``)."""
    n = len(ci)
    if n < 2:
        return None
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(ci[1:], ci[:-1], out=change[1:])
    if not national:
        change[1:] |= ai[1:] != ai[:-1]
    starts = np.flatnonzero(change)
    return starts if len(starts) <= n // 8 else None


def _labels(u_iso: np.ndarray, u_area: np.ndarray) -> np.ndarray:
    """``ISO3`` or ``ISO3/area`` per unit (one string per unit, never per row)."""
    return np.array([i if a is None else f"{i}/{a}" for i, a in zip(u_iso, u_area)],
                    dtype=object)


def unit_codes(frame: pd.DataFrame) -> UnitCodes:
    """Integer unit codes of each row, and per unit its label, country and area.

    Categorical ``iso3`` / ``area`` columns are coded from their codes (no string is read per
    row); string columns on the first row of each run of equal (iso3, area) when the frame
    has long runs, else on every row.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``iso3`` and optionally ``area``.

    Returns
    -------
    codes : numpy.ndarray of int
        Per row, the position of its unit among the sorted units.
    labels, countries, areas : numpy.ndarray of object
        Per unit: its label, ISO3 code and area (None for a whole country).
    """
    has_area = "area" in frame.columns
    if isinstance(frame["iso3"].dtype, pd.CategoricalDtype) and (
            not has_area or isinstance(frame["area"].dtype, pd.CategoricalDtype)):
        return _unit_codes_categorical(frame)
    cols = [frame["iso3"]]
    if has_area and bool(frame["area"].notna().any()):
        cols.append(frame["area"])
    starts = _run_starts(cols)
    if starts is None:
        return _unit_codes_all(frame)
    codes, labels, u_iso, u_area = _unit_codes_all(frame.iloc[starts])
    return (np.repeat(codes, np.diff(np.append(starts, len(frame)))), labels, u_iso, u_area)


def _unit_codes_categorical(frame: pd.DataFrame) -> UnitCodes:
    """:func:`unit_codes` from the codes of categorical ``iso3`` and ``area`` columns."""
    ci, cu = key_codes(frame["iso3"], sort=True)
    if len(ci) and int(ci.min()) < 0:  # a missing iso3 (never in a Dataset): the general path
        return _unit_codes_all(frame)
    ai, au = (key_codes(frame["area"], sort=True) if "area" in frame.columns
              else (np.empty(0, dtype=np.int8), np.empty(0, dtype=object)))
    national = not len(ai) or not bool((ai >= 0).any())  # whole countries only
    # canonical datasets are sorted by (iso3, area, ...): one run of equal codes per unit, so
    # the key is computed on the first row of each run (comparisons of small integer codes)
    starts = _code_runs(ci, ai, national)
    ci_s = ci if starts is None else ci[starts]
    base = 1 if national else len(au) + 1
    key = ci_s.astype(np.int64) * base
    if not national:
        key += ai if starts is None else ai[starts]
        key += 1
    codes, used = dense_codes(key, len(cu) * base)
    if starts is not None:
        codes = np.repeat(codes, np.diff(np.append(starts, len(ci))))
    u_iso = cu[used // base]
    if national:
        return codes, u_iso, u_iso, np.full(len(u_iso), None, dtype=object)
    a_idx = used % base - 1
    u_area = np.full(len(used), None, dtype=object)
    u_area[a_idx >= 0] = au[a_idx[a_idx >= 0]]
    return codes, _labels(u_iso, u_area), u_iso, u_area


def _unit_codes_all(frame: pd.DataFrame) -> UnitCodes:
    """:func:`unit_codes` computed on every row."""
    iso_c, iso_index = pd.factorize(frame["iso3"], sort=True)
    iso_u = np.asarray(iso_index, dtype=object)
    area = frame["area"] if "area" in frame.columns else None
    if area is None or not bool(area.notna().any()):
        return iso_c, iso_u, iso_u, np.full(len(iso_u), None, dtype=object)
    ar_c, ar_u = pd.factorize(area, sort=True)  # missing area -> -1
    base = len(ar_u) + 1
    codes, uniq = pd.factorize(iso_c.astype(np.int64) * base + (ar_c + 1), sort=True)
    uniq = np.asarray(uniq, dtype=np.int64)
    u_iso = iso_u[uniq // base]
    a_idx = uniq % base - 1
    # numpy's stubs reject None as where()'s "else" value (an object array-like at run time)
    u_area = cast(np.ndarray,
                  np.where(a_idx >= 0, np.asarray(ar_u, dtype=object)[np.maximum(a_idx, 0)], None))
    return codes, _labels(u_iso, u_area), u_iso, u_area


def unit_labels(iso3: Any, area: Any) -> np.ndarray:
    """Unit label of each row: the ISO3 code, or ``ISO3/area`` for a sub-national area.

    Parameters
    ----------
    iso3, area : array-like
        Country code and area (missing for a whole country) of each row.

    Returns
    -------
    numpy.ndarray of object
    """
    iso = np.asarray(iso3, dtype=object)
    if len(iso) == 0:
        return np.empty(0, dtype=object)
    frame = pd.DataFrame({"iso3": iso, "area": np.asarray(area, dtype=object)})
    codes, labels, _, _ = _unit_codes_all(frame)
    out: np.ndarray = labels[codes]
    return out


# --------------------------------------------------------------------------- texts per row
def by_value(values: np.ndarray, fmt: Callable[[Any], str]) -> np.ndarray:
    """``fmt(v)`` for every element of ``values``, formatted once per distinct value.

    Parameters
    ----------
    values : numpy.ndarray
    fmt : callable

    Returns
    -------
    numpy.ndarray of object
    """
    if len(values) == 0:
        return np.empty(0, dtype=object)
    inv, uniq = pd.factorize(np.asarray(values))
    return np.array([fmt(v) for v in uniq], dtype=object)[inv]


def unit_years(units: np.ndarray, years: np.ndarray) -> np.ndarray:
    """``f"{unit} {year}"`` for each row, as an object array (no per-row Python formatting).

    Parameters
    ----------
    units, years : numpy.ndarray

    Returns
    -------
    numpy.ndarray of object
    """
    out: np.ndarray = (np.asarray(units, dtype=object) + " "
                       + np.asarray(years).astype(str).astype(object))
    return out


def country_details(u_iso: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which units are countries, and per unit the ``aggregate_entity`` detail of the others.

    Parameters
    ----------
    u_iso : numpy.ndarray of object
        The ISO3 code of each unit.

    Returns
    -------
    ok : numpy.ndarray of bool
        Per unit: a country.
    details : numpy.ndarray of object
        Per unit: ``""`` for a country, else ``"XXX is not a country (type)"``.
    """
    if not len(u_iso):
        return np.zeros(0, dtype=bool), np.empty(0, dtype=object)
    ok = is_country(pd.Series(u_iso, dtype=object)).to_numpy()
    if ok.all():
        return ok, np.full(len(u_iso), "", dtype=object)
    details = np.array([f"{c} is not a country ({entity_type(c)})" if not good else ""
                        for c, good in zip(u_iso, ok)], dtype=object)
    return ok, details


# --------------------------------------------------------------------------- mixed levels
def mixed_levels_error(mixed: Sequence[str], *, owner: str = "",
                       indicators: Sequence[str] = (), note: str = "") -> EstimatorError:
    """The error for countries given both as a whole and through their areas.

    Parameters
    ----------
    mixed : sequence of str
        ISO3 codes of those countries (the first five are named).
    owner : str, optional
        Estimator name that prefixes the message.
    indicators : sequence of str, optional
        Indicators the check covered, named in the message.
    note : str, optional
        Appended to the message.

    Returns
    -------
    EstimatorError
    """
    listed = ", ".join(mixed[:5]) + (" …" if len(mixed) > 5 else "")
    head = f"{owner}: " if owner else ""
    scope = f" (indicators {', '.join(indicators)})" if indicators else ""
    which = " for these indicators" if indicators else ""
    return EstimatorError(
        f"{head}the data mix whole-country and sub-national observations for {listed}{scope}: "
        "a panel unit is either a country or one of its areas, never both (the country would "
        f"count twice); keep one level{which}, e.g. data.select(areas=[...]) for the areas or "
        f"areas=[None] for whole countries{note}")


def check_levels(u_iso: np.ndarray, u_area: np.ndarray, codes: np.ndarray | None = None
                 ) -> None:
    """Raise if a country appears both as a whole and through its areas (units would overlap).

    Parameters
    ----------
    u_iso, u_area : numpy.ndarray of object
        Per unit: its country and area (None for the whole country).
    codes : numpy.ndarray of int, optional
        Unit code of each row of the panel; only units with a row count (default: every unit).
    """
    if not any(a is not None for a in u_area):  # no area at all (cheap: one entry per unit)
        return
    units = (np.arange(len(u_area)) if codes is None
             else np.flatnonzero(np.bincount(codes, minlength=len(u_area))))
    if not len(units):
        return
    sub = u_area[units] != None  # noqa: E711 - elementwise test of an object array
    if not sub.any():
        return
    mixed = sorted(set(u_iso[units][sub]) & set(u_iso[units][~sub]))
    if mixed:
        raise mixed_levels_error([str(c) for c in mixed])


# --------------------------------------------------------------------------- singletons
def singletons(entity: np.ndarray, time: np.ndarray, effects: str = "twoway"
               ) -> tuple[np.ndarray, np.ndarray]:
    """Observations that are fixed-effect singletons, removed iteratively (as fixest does).

    An entity (or period, with time effects) observed once has a fixed effect that fits its
    only observation exactly: it identifies nothing. Each pass counts the observations left
    per entity and per period and removes every singleton at once; passes repeat until none
    is left (removing one can create another). The set removed does not depend on the order
    of removal.

    Parameters
    ----------
    entity, time : numpy.ndarray of int
        Non-negative codes of the unit and period of each observation.
    effects : {"twoway", "entity", "time"}

    Returns
    -------
    drop : numpy.ndarray of bool
        True for observations to drop.
    by_entity : numpy.ndarray of bool
        True where the observation's entity was the singleton in the pass that removed it
        (else its period was).
    """
    drop = np.zeros(len(entity), dtype=bool)
    by_entity = np.zeros(len(entity), dtype=bool)
    use_e = effects in ("twoway", "entity")
    use_t = effects in ("twoway", "time")
    while True:
        keep = ~drop
        single_e = _single(entity, keep) if use_e else None
        single_t = _single(time, keep) if use_t else None
        if single_e is None and single_t is None:
            return drop, by_entity
        new = np.zeros(len(entity), dtype=bool)
        if single_e is not None:
            new |= single_e
            by_entity |= single_e
        if single_t is not None:
            new |= single_t
        drop |= new


def _single(codes: np.ndarray, keep: np.ndarray) -> np.ndarray | None:
    """Kept observations whose level has one kept observation (None if there is none)."""
    counts = np.bincount(codes[keep], minlength=int(codes.max()) + 1 if len(codes) else 0)
    if not (counts == 1).any():  # per level first: the rows are looked at only if needed
        return None
    single: np.ndarray = counts[codes] == 1
    single &= keep
    return single


# --------------------------------------------------------------------------- unit parameters
def check_codes(param: str, codes: Iterable[str]) -> None:
    """Raise :class:`ParameterError` for a code that is not an upper-case ISO3 code.

    Parameters
    ----------
    param : str
        Parameter name, for the message.
    codes : iterable of str
    """
    for c in codes:
        if not (isinstance(c, str) and len(c) == 3 and c.isalpha() and c.isupper()):
            raise ParameterError(f"parameter {param!r}: {c!r} is not an ISO3 country code "
                                 "(three upper-case letters)")


def _is_unit_code(code: Any) -> bool:
    """``ISO3`` or ``ISO3/area`` (area as in the data's ``area`` column)."""
    if not isinstance(code, str):
        return False
    iso, sep, area = code.partition("/")
    ok = len(iso) == 3 and iso.isalpha() and iso.isupper()
    if sep:
        ok = ok and re.fullmatch(AREA_PATTERN, area) is not None
    return ok


def check_unit_codes(param: str, codes: Iterable[str]) -> None:
    """Raise :class:`ParameterError` for a code that is neither ``ISO3`` nor ``ISO3/area``.

    A unit code is a country's ISO3 code (the whole country, or on a sub-national panel every
    area of it) or ``ISO3/area`` for one sub-national area, ``area`` written as in the data's
    ``area`` column (e.g. ``TUR/TR-34``), the label :func:`unit_codes` gives. Every bad code
    is named at once.

    Parameters
    ----------
    param : str
        Parameter name, for the message.
    codes : iterable of str
    """
    bad = [c for c in codes if not _is_unit_code(c)]
    if bad:
        raise ParameterError(
            f"parameter {param!r}: {', '.join(repr(b) for b in bad)} "
            f"{'is' if len(bad) == 1 else 'are'} neither an ISO3 country code (three upper-case "
            "letters, e.g. 'TUR') nor a sub-national unit 'ISO3/area' (e.g. 'TUR/TR-34', the "
            "area written as in the data's 'area' column)")


def _area_hint(iso: str, known: set[str], what: str) -> str:
    """What the data hold for country ``iso``, for the unknown-unit message."""
    same = sorted(k for k in known if k.startswith(iso + "/"))
    if not same:
        return (f"these data have no sub-national {iso} observation of {what} (for the whole "
                f"country use the ISO3 code {iso!r})")
    more = f" ... ({len(same)} in all)" if len(same) > 6 else ""
    return f"the areas of {iso} in these data are {', '.join(same[:6])}{more}"


def check_known_units(param: str, codes: Iterable[str], frame: pd.DataFrame,
                      what: str) -> None:
    """Raise :class:`ParameterError` for ``ISO3/area`` codes with no observation in ``frame``.

    Parameters
    ----------
    param : str
        Parameter name, for the message.
    codes : iterable of str
        Unit codes (already well formed); ISO3 codes are not checked here.
    frame : pandas.DataFrame
        The observations the estimator needs (columns ``iso3`` and ``area``).
    what : str
        Those observations, for the message (e.g. ``"unemployment_rate"``).
    """
    wanted = [c for c in codes if "/" in c]
    if not wanted:
        return
    sub = frame.loc[frame["area"].notna(), ["iso3", "area"]].drop_duplicates()
    known = set((sub["iso3"].astype(str) + "/" + sub["area"].astype(str)).tolist())
    unknown = [c for c in wanted if c not in known]
    if not unknown:
        return
    hints = [_area_hint(iso, known, what)
             for iso in dict.fromkeys(c.partition("/")[0] for c in unknown)]
    raise ParameterError(
        f"parameter {param!r}: {', '.join(repr(u) for u in unknown)} "
        f"{'is' if len(unknown) == 1 else 'are'} not a sub-national unit of these data "
        f"(no {what} observation with that iso3 and area); {'; '.join(hints)}. List every valid "
        "'ISO3/area' code with data.observations[['iso3', 'area']].dropna().drop_duplicates()")


def match_codes(units: pd.Series, codes: Iterable[str]) -> pd.Series:
    """The code of ``codes`` that names each unit, the most specific first.

    Parameters
    ----------
    units : pandas.Series
        Unit label (``ISO3`` or ``ISO3/area``, the index) -> the unit's ISO3 code.
    codes : iterable of str
        ``ISO3`` codes (the country, or every area of it) and ``ISO3/area`` codes (one area).

    Returns
    -------
    pandas.Series
        Unit label -> the matching code: the unit's own label if it is in ``codes``, else its
        country's ISO3 code if that is, else missing.
    """
    codes = list(codes)
    labels = pd.Series(units.index.to_numpy(dtype=object), index=units.index, dtype=object)
    exact = labels.where(labels.isin(codes))
    country = units.astype(object).where(units.isin([c for c in codes if "/" not in c]))
    return exact.where(exact.notna(), country)
