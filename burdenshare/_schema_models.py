"""The pandera ``DataFrameModel`` classes of :mod:`burdenshare.schemas` (loaded on first use)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .indicators import VOCABULARY
from .schemas import AREA_PATTERN, ESTIMATE_KEY, EXCLUSION_REASONS

__all__ = ["ObservationSchema", "EstimateSchema", "ExclusionSchema"]


class ObservationSchema(pa.DataFrameModel):
    """One long table of observations: one row per (iso3, area, counterpart, year, indicator,
    source). ``area`` is a sub-national unit within ``iso3`` (missing = the whole country).

    Cross-column rules (unit equals the indicator's unit, counterpart present iff the indicator is
    dyadic, non-negative values, unique keys, known codes and sources) are checked in
    :mod:`burdenshare.data`, which reports them in the same located format.
    """

    iso3: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}$", nullable=False)
    year: Series[int] = pa.Field(ge=1900, le=2100, nullable=False)
    indicator: Series[str] = pa.Field(isin=sorted(VOCABULARY), nullable=False)
    value: Series[float] = pa.Field(nullable=True)
    unit: Series[str] = pa.Field(nullable=False)
    source: Series[str] = pa.Field(str_matches=r"^\S+$", nullable=False)
    counterpart_iso3: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}$", nullable=True)
    area: Series[str] = pa.Field(str_matches=AREA_PATTERN, nullable=True)

    class Config:
        strict = True
        ordered = False


class EstimateSchema(pa.DataFrameModel):
    """The tidy output of every estimator."""

    quantity: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$")
    iso3: Series[str] = pa.Field(nullable=True)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    term: Series[str] = pa.Field(nullable=True)
    estimate: Series[float] = pa.Field(nullable=True)
    std_error: Series[float] = pa.Field(nullable=True, ge=0)
    ci_lower: Series[float] = pa.Field(nullable=True)
    ci_upper: Series[float] = pa.Field(nullable=True)
    ci_level: Series[float] = pa.Field(nullable=True, gt=0, lt=1)
    unit: Series[str] = pa.Field()

    class Config:
        strict = True
        unique = list(ESTIMATE_KEY)


class ExclusionSchema(pa.DataFrameModel):
    """Every input observation an estimator needed but did not use, with a reason."""

    iso3: Series[str] = pa.Field(nullable=True)
    area: Series[str] = pa.Field(nullable=True)
    counterpart_iso3: Series[str] = pa.Field(nullable=True)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    indicator: Series[str] = pa.Field()
    source: Series[str] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(isin=list(EXCLUSION_REASONS))
    detail: Series[str] = pa.Field()

    class Config:
        strict = True
