"""Column contracts (pandera) for observations, estimates and exclusions.

Validation is always lazy (every failure collected) and always on: each call is wrapped in
``pandera.config.config_context(validation_enabled=True)`` so that ``PANDERA_VALIDATION_ENABLED``
in a user's environment cannot switch it off.

pandera is imported on first use, not with this module: the column names and vocabularies below
are plain constants, and the three ``DataFrameModel`` classes (defined in
``burdenshare._schema_models``) load when they are first asked for. The observation rules are
applied to input files by :mod:`burdenshare.data` itself, vectorised on dictionary codes, with
the same checks and messages (``ObservationSchema`` stays their declarative statement).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._columns import (
    AREA_PATTERN,
    CODE_COLUMNS,
    ESTIMATE_COLUMNS,
    ESTIMATE_KEY,
    EXCLUSION_COLUMNS,
    EXCLUSION_REASONS,
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    OPTIONAL_OBSERVATION_COLUMNS,
    UNCERTAINTY_METHODS,
)

if TYPE_CHECKING:
    import pandera.pandas as pa

    from ._schema_models import EstimateSchema, ExclusionSchema, ObservationSchema

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
    "CODE_COLUMNS",
    "OBSERVATION_KEY",
    "ESTIMATE_KEY",
]

_MODELS = ("ObservationSchema", "EstimateSchema", "ExclusionSchema")


class _LazyModelType(type):
    """Type of the stand-ins below: any attribute not on the stand-in is the real model's."""

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(cls.model(), attr)


class _LazyModel(metaclass=_LazyModelType):
    """Stands for a pandera model of ``burdenshare._schema_models`` without importing pandera.

    ``validate_lazily`` accepts it as the model; every other use (``to_schema``, ``validate``,
    ``strategy``, ...) goes to the real model, loaded on that first use.
    """

    @classmethod
    def model(cls) -> Any:
        """The real pandera ``DataFrameModel`` class."""
        from . import _schema_models

        return getattr(_schema_models, cls.__name__)


def __getattr__(name: str) -> Any:
    # the pandera models load on first real use (pandera imports hypothesis, geopandas, ...
    # when they are installed: about a second on a busy machine)
    if name in _MODELS:
        return _LazyModelType(name, (_LazyModel,), {"__module__": __name__})
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODELS))



#: The estimate and exclusion contracts as plain data, for the quick acceptance test below:
#: column -> (dtype, nullable, checks), checks as (name, argument) in the models' order.
#: ``tests/unit/test_data_codes.py`` keeps them equal to the pandera models.
_QUICK: Mapping[str, Mapping[str, tuple[str, bool, tuple[tuple[str, Any], ...]]]] = {
    "EstimateSchema": {
        "quantity": ("str", False, (("str_matches", r"^[a-z0-9_]+$"),)),
        "iso3": ("str", True, ()),
        "year": ("Int64", True, ()),
        "term": ("str", True, ()),
        "estimate": ("float64", True, ()),
        "std_error": ("float64", True, (("greater_than_or_equal_to", 0),)),
        "ci_lower": ("float64", True, ()),
        "ci_upper": ("float64", True, ()),
        "ci_level": ("float64", True, (("greater_than", 0), ("less_than", 1))),
        "unit": ("str", False, ()),
    },
    "ExclusionSchema": {
        "iso3": ("str", True, ()),
        "area": ("str", True, ()),
        "counterpart_iso3": ("str", True, ()),
        "year": ("Int64", True, ()),
        "indicator": ("str", False, ()),
        "source": ("str", True, ()),
        "value": ("float64", True, ()),
        "reason": ("str", False, (("isin", tuple(EXCLUSION_REASONS)),)),
        "detail": ("str", False, ()),
    },
}
_QUICK_UNIQUE: Mapping[str, tuple[str, ...]] = {"EstimateSchema": ESTIMATE_KEY,
                                                "ExclusionSchema": ()}


def _quick_dtype_ok(s: pd.Series, dtype: str) -> bool:
    import numpy as np

    if dtype == "str":
        return isinstance(s.dtype, pd.StringDtype) and s.dtype == pd.StringDtype(
            "pyarrow", na_value=np.nan)
    if dtype == "Int64":
        return bool(s.dtype == pd.Int64Dtype())
    return bool(s.dtype == np.dtype("float64"))


def _quick_check_ok(vals: pd.Series, check: str, arg: Any) -> bool:
    """True if every (present) value passes one check; False for a check not known here."""
    import re

    if check == "str_matches":
        return not any("\n" in v or "\r" in v or re.match(arg, v) is None for v in vals.unique())
    if check == "isin":
        return bool(vals.isin(list(arg)).all())
    if check == "greater_than_or_equal_to":
        return bool((vals >= arg).all())
    if check == "greater_than":
        return bool((vals > arg).all())
    if check == "less_than":
        return bool((vals < arg).all())
    return False


def _quick_accept(name: str, df: pd.DataFrame) -> bool:
    """True only if ``df`` certainly passes the model ``name`` (then pandera is not needed).

    Conservative: any doubt (another dtype, a failing value, text with a line break, which
    regular-expression engines treat differently at ``$``) answers False, and the caller asks
    pandera, whose report is the one shown.
    """
    spec = _QUICK.get(name)
    if spec is None or list(df.columns) != list(spec) or not df.columns.is_unique:
        return False
    for col, (dtype, nullable, checks) in spec.items():
        s = df[col]
        if not _quick_dtype_ok(s, dtype):
            return False
        na = s.isna()
        if not nullable and bool(na.any()):
            return False
        vals = s[~na]
        if not all(_quick_check_ok(vals, check, arg) for check, arg in checks):
            return False
    key = list(_QUICK_UNIQUE.get(name, ()))
    return not (key and bool(df.duplicated(key).any()))


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

    Notes
    -----
    For burdenshare's estimate and exclusion models, a frame that certainly passes every rule
    (exact dtypes, no failing value; checked column-wise with numpy/pandas) is accepted without
    loading pandera; any other frame is validated by pandera, which reports the failures.
    """
    if isinstance(schema, _LazyModelType):
        if _quick_accept(schema.__name__, df):
            return None  # certainly valid: pandera (and what it imports) is not needed
        schema = schema.model()
    elif (getattr(schema, "__module__", "") == "burdenshare._schema_models"
          and _quick_accept(schema.__name__, df)):
        return None
    from pandera.config import ValidationDepth, config_context
    from pandera.errors import SchemaErrors

    from ._schema_models import OBJECT_SCHEMAS

    # burdenshare's own models are validated through their object-API twins (same rules, same
    # failure cases), which spares pandera's scan of every installed dataframe library
    same = OBJECT_SCHEMAS.get(schema.__name__)
    if same is not None and schema.__module__ != "burdenshare._schema_models":
        same = None
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            if same is not None:
                same.validate(df, lazy=True)
            else:
                schema.validate(df, lazy=True)
        except SchemaErrors as err:
            cases: pd.DataFrame = err.failure_cases
            return cases
    return None
