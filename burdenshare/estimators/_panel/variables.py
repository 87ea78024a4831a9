"""Panel variables: the indicators and derived variables an econometric estimator can use,
and the dataclass fields and parameter checks the designs share.

- :data:`DERIVED` — variables computed from indicators (``refugees_per_1000``,
  ``gdp_per_capita_growth``, ``log_gdp_per_capita``), each documented;
- :func:`variable_inputs` / :func:`variable_unit` / :func:`check_variable` — the indicators
  a variable needs, its unit, and a parameter check that names the allowed values;
- :func:`check_outcome`, :func:`outcome_field`, :func:`years_field`, :func:`check_years` —
  the outcome and estimation window of the DiD and synthetic-control designs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..._errors import EstimatorError, ParameterError
from ...indicators import VOCABULARY

__all__ = ["DERIVED", "Derived", "check_outcome", "check_variable", "check_years",
           "YearWindow", "outcome_field", "require", "variable_inputs", "variable_spec", "variable_unit",
           "years_field"]


@dataclass(frozen=True)
class Derived:
    """A variable computed from indicators of the vocabulary.

    Parameters
    ----------
    name : str
        The variable's name (usable as ``outcome`` or in ``regressors``).
    inputs : tuple of (indicator, lag)
        Indicators read, with the lag in years (0 = same year, 1 = previous year).
    unit : str
        Unit of the variable.
    description : str
        Formula in words.
    """

    name: str
    inputs: tuple[tuple[str, int], ...]
    unit: str
    description: str


#: derived variable name -> definition
DERIVED: Mapping[str, Derived] = MappingProxyType({
    "refugees_per_1000": Derived(
        "refugees_per_1000", (("refugees", 0), ("population", 0)), "refugees per 1,000 inhabitants",
        "1000 x refugees (UNHCR end-year stock) / population (WDI mid-year), same year; "
        "population <= 0 is non_positive_denominator"),
    "gdp_per_capita_growth": Derived(
        "gdp_per_capita_growth", (("gdp_per_capita_usd_current", 0), ("gdp_per_capita_usd_current", 1)),
        "log points x 100 (approx. percent per year)",
        "100 x [ln GDP per capita (current US$) in t - ln GDP per capita in t-1]; nominal US$ growth "
        "(includes US$ inflation and exchange-rate moves; common shocks are absorbed by time "
        "effects, country-specific ones are not)"),
    "log_gdp_per_capita": Derived(
        "log_gdp_per_capita", (("gdp_per_capita_usd_current", 0),), "log of current US$ per person",
        "ln GDP per capita (current US$)"),
})


def variable_inputs(name: str) -> tuple[str, ...]:
    """Return the indicators variable ``name`` is computed from (itself if not derived).

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple of str
    """
    if name in DERIVED:
        return tuple(dict.fromkeys(ind for ind, _ in DERIVED[name].inputs))
    return (name,)


def variable_unit(name: str) -> str:
    """Return the unit of a variable (derived or indicator).

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return DERIVED[name].unit if name in DERIVED else VOCABULARY[name].unit


def _allowed() -> list[str]:
    plain = [n for n, i in VOCABULARY.items()
             if not i.dyadic and i.kind not in ("category",)]
    return [*DERIVED, *sorted(plain)]


def check_variable(param: str, name: str) -> None:
    """Raise :class:`ParameterError` unless ``name`` is a usable panel variable.

    Usable: a derived variable (:data:`DERIVED`) or a non-dyadic, non-categorical indicator of
    the vocabulary.

    Parameters
    ----------
    param : str
        Parameter name, for the message.
    name : str
        The value given.
    """
    if name in DERIVED:
        return
    ind = VOCABULARY.get(name)
    if ind is None or ind.dyadic or ind.kind == "category":
        raise ParameterError(
            f"parameter {param!r} = {name!r} is not a panel variable; allowed: derived "
            f"{', '.join(DERIVED)} or a non-dyadic numeric indicator of the vocabulary "
            f"(`burdenshare indicators`), e.g. {', '.join(_allowed()[3:8])}")


def variable_spec(name: str) -> tuple[tuple[str, int], ...]:
    """Return the (indicator, lag) inputs of variable ``name`` (itself, lag 0, if not derived).

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple of (str, int)
    """
    return DERIVED[name].inputs if name in DERIVED else ((name, 0),)


def outcome_field(default: str = "unemployment_rate") -> Any:
    """Dataclass field for the outcome indicator."""
    return field(default=default, metadata={
        "doc": "outcome indicator of the vocabulary (a country-year series, e.g. "
               "unemployment_rate)"})



def years_field(default: tuple[int, int]) -> tuple[Any, Any]:
    """Dataclass fields ``first_year`` and ``last_year`` of the estimation window."""
    doc = ("of the estimation window (inclusive); observations outside it are excluded as "
           "outside_window")
    return (field(default=default[0], metadata={"doc": "first year " + doc, "ge": 1900,
                                                 "le": 2100}),
            field(default=default[1], metadata={"doc": "last year " + doc, "ge": 1900,
                                                 "le": 2100}))


class YearWindow:
    """Mixin of the designs with fields ``first_year`` and ``last_year``: their window."""

    first_year: int
    last_year: int

    @property
    def years(self) -> tuple[int, int]:
        """The estimation window (first_year, last_year)."""
        return (self.first_year, self.last_year)


def check_outcome(name: str) -> None:
    """Raise :class:`ParameterError` unless ``name`` is a country-year indicator."""
    ind = VOCABULARY.get(name)
    if ind is None or ind.dyadic or ind.kind == "category":
        allowed = sorted(k for k, v in VOCABULARY.items() if not v.dyadic and v.kind != "category")
        raise ParameterError(f"parameter 'outcome' = {name!r} is not a numeric country-year "
                             f"indicator of the vocabulary; allowed: {', '.join(allowed)}")


def check_years(years: tuple[int, int]) -> None:
    """Raise :class:`ParameterError` if the window is empty."""
    if years[0] > years[1]:
        raise ParameterError(f"parameters 'first_year' = {years[0]} and 'last_year' = "
                             f"{years[1]}: the first year is after the last")


def require(cond: bool, message: str) -> None:
    """Raise :class:`EstimatorError` with ``message`` unless ``cond``."""
    if not cond:
        raise EstimatorError(message)
