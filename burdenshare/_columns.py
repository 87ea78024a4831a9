"""The column names and closed vocabularies of the observation, estimate and exclusion tables.

Plain constants with no dependency, re-exported by :mod:`burdenshare.schemas`; they live here so
that the pandera models (``burdenshare._schema_models``) and the lazy schema module that loads them
import one shared module instead of each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: columns of the observation table; ``area`` (optional in files) is the sub-national unit
OBSERVATION_COLUMNS = ("iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3",
                       "area")
#: columns a file may leave out (the readers add them as all-missing)
OPTIONAL_OBSERVATION_COLUMNS = ("counterpart_iso3", "area")
#: columns a :class:`~burdenshare.data.Dataset` keeps dictionary-encoded (pandas categorical)
CODE_COLUMNS = ("iso3", "indicator", "unit", "source", "counterpart_iso3", "area")
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
