"""Helpers shared by the publisher clients: the observation frame and the preliminary-year rule."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from ..indicators import VOCABULARY

#: (iso3, year, indicator, value): one observation before it becomes a frame row.
Record = tuple[str, int, str, float]


def frame_of(records: Sequence[Record], source: str) -> pd.DataFrame:
    """Return the long observation frame of ``records``, units from the vocabulary."""
    iso3 = [r[0] for r in records]
    indicator = [r[2] for r in records]
    return pd.DataFrame({
        "iso3": pd.Series(iso3, dtype="str"),
        "year": pd.Series([r[1] for r in records], dtype="int64"),
        "indicator": pd.Series(indicator, dtype="str"),
        "value": pd.Series([r[3] for r in records], dtype="float64"),
        "unit": pd.Series([VOCABULARY[i].unit for i in indicator], dtype="str"),
        "source": pd.Series([source] * len(records), dtype="str"),
        "counterpart_iso3": pd.Series([None] * len(records), dtype="str"),
    })


def round_half_up(value: float, decimals: int) -> float:
    """Round as published tables do (half away from zero), on the shortest decimal repr.

    Examples
    --------
    >>> round_half_up(0.125, 2), round_half_up(0.6993, 2)
    (0.13, 0.7)
    """
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP))
