"""Column contracts (pandera) for observations, estimates and exclusions.

Validation is always lazy (every failure collected) and always on: each call is wrapped in
``pandera.config.config_context(validation_enabled=True)`` so that ``PANDERA_VALIDATION_ENABLED``
in a user's environment cannot switch it off.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd
import pandera.pandas as pa
from pandera.config import ValidationDepth, config_context
from pandera.typing import Series

from .indicators import VOCABULARY

__all__ = [
    "OBSERVATION_COLUMNS",
    "OPTIONAL_OBSERVATION_COLUMNS",
    "AREA_PATTERN",
    "ESTIMATE_COLUMNS",
    "EXCLUSION_COLUMNS",
    "EXCLUSION_REASONS",
    "UNCERTAINTY_METHODS",
    "ObservationSchema",
    "EstimateSchema",
    "ExclusionSchema",
    "validate_lazily",
]

#: columns of the observation table; ``area`` (optional in files) is the sub-national unit
OBSERVATION_COLUMNS = ("iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3",
                       "area")
#: columns a file may leave out (the readers add them as all-missing)
OPTIONAL_OBSERVATION_COLUMNS = ("counterpart_iso3", "area")
OBSERVATION_KEY = ("iso3", "area", "counterpart_iso3", "year", "indicator", "source")
#: an area code: free text without whitespace (e.g. ISO 3166-2 "TR-34" or GADM "TUR.34_1")
AREA_PATTERN = r"^\S+$"
ESTIMATE_COLUMNS = (
    "quantity", "iso3", "year", "term", "estimate", "std_error", "ci_lower", "ci_upper",
    "ci_level", "unit",
)
ESTIMATE_KEY = ("quantity", "iso3", "year", "term")
EXCLUSION_COLUMNS = ("iso3", "area", "counterpart_iso3", "year", "indicator", "source", "value",
                     "reason", "detail")

#: The closed vocabulary of reasons an observation can be left out of an estimate.
EXCLUSION_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "missing_value": "the observation's value is missing (NaN); it is never filled",
        "missing_counterpart": "another input needed for the same country-year is absent or missing",
        "non_positive_denominator": "the denominator is zero or negative, so the ratio is undefined",
        "aggregate_entity": "the code is a region, income group, 'Unknown' or 'Stateless', "
        "never ranked or summed with countries",
        "not_reference_year": "an observation of another year than the one the method uses",
        "other_source": "the indicator is also given by another source and the estimator was "
        "told to use that one",
        "unclassified": "the country has no group classification for that year",
        "not_in_group": "the country is not a member of the group the method covers",
        "singleton_fixed_effect": "the unit or period has a single observation, so its fixed effect "
        "absorbs it and it identifies nothing",
        "outside_window": "the observation lies outside the estimation, event or pre-treatment window "
        "the design uses",
        "subnational": "the observation is for a sub-national area; this method works on whole "
        "countries",
        "insufficient_data": "the unit has too few complete periods for the design (e.g. a synthetic-"
        "control donor with gaps)",
        # --- OECD DAC 2023-2025 (issue 14)
        "year_without_data": "a year the data were selected for (Dataset.select(years=...)) yields "
        "no estimate; not an observation: the row names the indicator without data that year and "
        "its last year available",
    }
)

#: what ``ci_lower``/``ci_upper`` (or the test behind them) mean; ``permutation`` = a rank test over
#: re-assignments of treatment (e.g. placebo-in-space), reported as a p-value with no interval
UNCERTAINTY_METHODS = ("analytic", "cluster_robust", "bootstrap", "permutation", "scenario_range",
                       "none")


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


def validate_lazily(schema: type[pa.DataFrameModel], df: pd.DataFrame) -> pd.DataFrame | None:
    """Validate ``df`` with every check on; return pandera's failure cases or ``None``.

    Parameters
    ----------
    schema : pandera DataFrameModel subclass
    df : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame or None
        ``failure_cases`` (columns ``column, check, failure_case, index``) or None if valid.
    """
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as err:
            cases: pd.DataFrame = err.failure_cases
            return cases
    return None
