"""What the hosting estimators share: who counts as hosted, the population denominator, the
capacity measures and the notes that go with them (internal to
:mod:`burdenshare.estimators.relative_burden` and
:mod:`burdenshare.estimators.hosting_concentration`).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..data import Dataset
from .base import Ledger

#: Populations that can be counted as hosted ("who counts").
PEOPLE = ("refugees", "oip", "asylum_seekers", "unrwa_refugees")

_PEOPLE_DOC = {
    "refugees": "refugees under UNHCR's mandate (incl. refugee-like situations)",
    "oip": "other people in need of international protection",
    "asylum_seekers": "asylum-seekers",
    "unrwa_refugees": "Palestine refugees under UNRWA's mandate",
}

_ROUNDING = (
    "UNHCR counts are confidentiality-rounded: no published value lies between 1 and 4, and a "
    "5 means 1 to 5, so indices for very small populations are approximate."
)


def _who(defn: tuple[str, ...]) -> str:
    return " + ".join(_PEOPLE_DOC[p] for p in defn)


def _label(defn: tuple[str, ...]) -> str:
    return "+".join(defn)


def _who_field() -> tuple[str, ...]:
    return field(default=("refugees",), metadata={
        "choices": PEOPLE,
        "doc": "who counts as hosted: any of refugees, oip, asylum_seekers, unrwa_refugees "
               "(summed)"})


def _scenario_field() -> tuple[tuple[str, ...], ...]:
    return field(default=(), metadata={
        "choices": PEOPLE,
        "doc": "alternative definitions of who counts; when given, ci_lower/ci_upper are the "
               "range of the index over all definitions (scenario_range)"})



# --- UN WPP and OGHIST (issue 14) ---------------------------------------------------------
PopulationSource = Literal["un_wpp", "wdi"]
#: ``population_source`` -> the indicator divided by: UN DESA World Population Prospects (what
#: UNHCR's Global Trends divides by) or the World Bank's WDI ``SP.POP.TOTL``.
POPULATION_INDICATOR: dict[str, str] = {"un_wpp": "population_un_wpp", "wdi": "population"}
#: First medium-variant (projected) year of a WPP revision, by the source id of the embedded
#: samples; a user's own WPP file under another source id gets the general note only.
_WPP_FIRST_PROJECTED: dict[str, int] = {"un_wpp_2024": 2024}

IncomeGroupConvention = Literal["in_force_31_december", "gni_year"]
#: ``income_groups`` -> the indicator holding the group of a country-year.
INCOME_GROUP_INDICATOR: dict[str, str] = {"in_force_31_december": "wb_income_group",
                                          "gni_year": "wb_income_group_gni_year"}


#: Display labels of the diagnostics on the population denominator.
_POPULATION_DIAGNOSTICS: dict[str, str] = {
    "population_source": "Population denominator",
    "population_projected_years": "Years with projected (WPP medium-variant) population",
}


def _population_field(default: PopulationSource = "un_wpp") -> Any:
    return field(default=default, metadata={
        "doc": "population denominator: un_wpp = UN World Population Prospects (indicator "
               "population_un_wpp; what UNHCR divides by), wdi = World Bank WDI (indicator "
               "population)"})


def _population_hint(source: str, missing: list[str]) -> str:
    ind = POPULATION_INDICATOR[source]
    if ind not in missing:
        return ""
    other = "wdi" if source == "un_wpp" else "un_wpp"
    return (f". population_source={source!r} divides by {ind}; to divide by "
            f"{POPULATION_INDICATOR[other]} instead set population_source={other!r} "
            f"(--set population_source={other})")


def _population_notes(source: str, chosen: str | None,
                      years: np.ndarray) -> tuple[list[str], dict[str, object]]:
    """Assumption lines on the population denominator, and its diagnostics.

    The diagnostics are the source and the projected years used.
    """
    lines, projected = _population_lines(source, chosen, years)
    return lines, {"population_source": source, "population_projected_years": projected}


def _population_lines(source: str, chosen: str | None,
                      years: np.ndarray) -> tuple[list[str], list[int]]:
    if source == "wdi":
        return (["Population = indicator population (World Bank WDI SP.POP.TOTL, mid-year, in "
                 "the embedded samples), chosen with population_source='wdi'; UNHCR's Global "
                 "Trends divide by UN World Population Prospects, so published figures can "
                 "differ (methodology/data_population_income.md)."], [])
    lines = ["Population = indicator population_un_wpp (UN DESA World Population Prospects, "
             "1 July), the denominator of UNHCR's Global Trends (population_source='un_wpp'; "
             "'wdi' divides by the World Bank's figure instead)."]
    first = _WPP_FIRST_PROJECTED.get(chosen or "")
    projected = sorted({int(y) for y in years if first is not None and y >= first})
    if projected:
        lines.append(f"Population for {', '.join(map(str, projected))} is a WPP medium-variant "
                     f"projection ({chosen}), not an estimate; it will be revised.")
    return lines, projected


def _check_who_counts(who_counts: tuple[str, ...]) -> None:
    if not who_counts:
        raise ParameterError("parameter 'who_counts' must name at least one population")
    bad = [p for p in who_counts if p not in PEOPLE]
    if bad:
        raise ParameterError(f"parameter 'who_counts': {bad[0]!r} is not one of {PEOPLE}")


def _country_rows(quantity: str, table: pd.DataFrame, estimate: np.ndarray, unit: str,
                  lower: np.ndarray | float = np.nan,
                  upper: np.ndarray | float = np.nan) -> pd.DataFrame:
    """Estimate rows of one quantity, one per row of a country-year ``table``."""
    return pd.DataFrame({
        "quantity": quantity, "iso3": table["iso3"], "year": table["year"], "term": None,
        "estimate": estimate, "std_error": np.nan, "ci_lower": lower, "ci_upper": upper,
        "ci_level": np.nan, "unit": unit})


def _sources_used(ledger: Ledger) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items()))


def _absent_note(optional: frozenset[str], data: Dataset) -> list[str]:
    absent = sorted(optional - set(data.indicators))
    if not absent:
        return []
    return [f"The data contain no {', '.join(absent)} observations at all; they count as none."]



_CAPACITY_INPUTS: dict[str, tuple[str, ...]] = {
    "population": ("population",),
    "gdp_usd_current": ("gdp_usd_current",),
    "gdp_ppp": ("gdp_ppp_per_capita_intl_current", "population"),
    "gni_atlas_usd_current": ("gni_atlas_usd_current",),
    "land_area_km2": ("land_area_km2",),
}
CapacityName = Literal["population", "gdp_usd_current", "gdp_ppp", "gni_atlas_usd_current",
                       "land_area_km2", "composite"]


def _pop_swap(names: tuple[str, ...], pop: str) -> tuple[str, ...]:
    """The capacity inputs with ``population`` read from indicator ``pop`` (issue 14)."""
    return tuple(pop if n == "population" else n for n in names)


def _capacity_value(table: pd.DataFrame, name: str, pop: str = "population") -> np.ndarray:
    if name == "gdp_ppp":
        return (table["gdp_ppp_per_capita_intl_current"] * table[pop]).to_numpy(float)
    return table[_pop_swap(_CAPACITY_INPUTS[name], pop)[0]].to_numpy(float)


