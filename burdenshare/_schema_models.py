"""The pandera ``DataFrameModel`` classes of :mod:`burdenshare.schemas` (loaded on first use)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ._columns import AREA_PATTERN, ESTIMATE_KEY, EXCLUSION_REASONS
from .indicators import VOCABULARY

__all__ = ["ObservationSchema", "EstimateSchema", "ExclusionSchema"]


class ObservationSchema(pa.DataFrameModel):
    """One long table of observations: one row per (iso3, area, counterpart, year, indicator,
    source). ``area`` is a sub-national unit within ``iso3`` (missing = the whole country).

    Cross-column rules (unit equals the indicator's unit, counterpart present iff the indicator is
    dyadic, non-negative values, unique keys, known codes and sources) are checked in
    :mod:`burdenshare.data`, which reports them in the same located format.

    ``indicator`` is stated here against the built-in vocabulary; :mod:`burdenshare.data` checks
    it against the vocabulary of the dataset being built (the built-ins plus indicators given
    with ``indicators=`` and installed plugin indicators, ``methodology/plugins.md``), with the
    same check name and message.
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


def _column(dtype: object, *checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(dtype, list(checks), nullable=nullable)


#: The same contracts in pandera's object API, which validation uses: a ``DataFrameModel`` is
#: turned into a schema by reading its annotations, and pandera then imports every dataframe
#: library it knows of that is installed (dask: about a second) to recognise them. These are
#: kept equal to the models' ``to_schema()`` by ``tests/unit/test_data.py``.
OBJECT_SCHEMAS = {
    "ObservationSchema": pa.DataFrameSchema(
        {
            "iso3": _column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "year": _column(int, pa.Check.ge(1900), pa.Check.le(2100)),
            "indicator": _column(str, pa.Check.isin(sorted(VOCABULARY))),
            "value": _column(float, nullable=True),
            "unit": _column(str),
            "source": _column(str, pa.Check.str_matches(r"^\S+$")),
            "counterpart_iso3": _column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
            "area": _column(str, pa.Check.str_matches(AREA_PATTERN), nullable=True),
        },
        strict=True, ordered=False, name="ObservationSchema"),
    "EstimateSchema": pa.DataFrameSchema(
        {
            "quantity": _column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
            "iso3": _column(str, nullable=True),
            "year": _column(pd.Int64Dtype(), nullable=True),
            "term": _column(str, nullable=True),
            "estimate": _column(float, nullable=True),
            "std_error": _column(float, pa.Check.ge(0), nullable=True),
            "ci_lower": _column(float, nullable=True),
            "ci_upper": _column(float, nullable=True),
            "ci_level": _column(float, pa.Check.gt(0), pa.Check.lt(1), nullable=True),
            "unit": _column(str),
        },
        strict=True, unique=list(ESTIMATE_KEY), name="EstimateSchema"),
    "ExclusionSchema": pa.DataFrameSchema(
        {
            "iso3": _column(str, nullable=True),
            "area": _column(str, nullable=True),
            "counterpart_iso3": _column(str, nullable=True),
            "year": _column(pd.Int64Dtype(), nullable=True),
            "indicator": _column(str),
            "source": _column(str, nullable=True),
            "value": _column(float, nullable=True),
            "reason": _column(str, pa.Check.isin(list(EXCLUSION_REASONS))),
            "detail": _column(str),
        },
        strict=True, name="ExclusionSchema"),
}
