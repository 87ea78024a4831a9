"""Dictionary encoding of the observation table's key columns (STYLE.md house rule 4).

The code columns of a :class:`~burdenshare.data.Dataset` are pandas categoricals computed once
at construction; these helpers encode, sort and rebuild them. No validation happens here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .schemas import CODE_COLUMNS, OBSERVATION_COLUMNS


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
