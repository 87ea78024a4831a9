"""Integer codes of string columns: the vectorised counting behind the ledger and provenance.

Observations carry strings (indicator, source); counting them by code avoids hashing a million
Python strings. Used by :class:`~burdenshare.estimators.base.Ledger` and by the provenance
assembly (:func:`burdenshare.provenance.finish_result`).
"""

from __future__ import annotations

import typing
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FEW", "codes_of", "hinted_codes"]

#: up to this many values, a string column is coded by one vectorised comparison per value
#: (a memcmp pass, several times cheaper than hashing a million strings)
FEW = 8


def codes_of(col: pd.Series, values: typing.Sequence[str]) -> np.ndarray:
    """Position of each entry of ``col`` in ``values``; -1 for other values and missing ones."""
    out = np.full(len(col), -1, dtype=np.int32)
    if not len(values):
        return out
    if len(values) <= FEW:
        for k, v in enumerate(values):
            np.copyto(out, k, where=np.asarray(col == v, dtype=bool))
        return out
    codes, uniq = pd.factorize(col)
    pos = {v: k for k, v in enumerate(values)}
    lut = np.array([pos.get(u, -1) for u in uniq] + [-1], dtype=np.int32)
    return lut[codes]  # code -1 (missing) picks the trailing -1


def hinted_codes(col: pd.Series, rows: np.ndarray | None, hint: typing.Iterable[str], *,
                  na_as_value: bool = True) -> tuple[np.ndarray, list[Any]]:
    """Codes and unique values of ``col`` (restricted to the positions ``rows`` if given).

    ``hint`` lists the values expected (e.g. the dataset's source ids): when they are few and
    cover every entry considered, the codes come from comparisons; otherwise from
    ``pandas.factorize``, where a missing value counts as a value of its own (as in
    ``Series.unique``) if ``na_as_value``, else gets code -1 (as in ``value_counts``).
    """
    hint = sorted(set(hint))
    if 0 < len(hint) <= FEW:
        codes = codes_of(col, hint)
        sub = codes if rows is None else codes[rows]
        if not (sub < 0).any():
            return sub, list(hint)
    part = col if rows is None else col.iloc[rows]
    codes, uniq = pd.factorize(part, use_na_sentinel=not na_as_value)
    return np.asarray(codes), list(uniq)


