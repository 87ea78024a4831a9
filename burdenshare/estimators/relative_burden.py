"""Relative-burden indices: refugees relative to a host country's population, wealth and area;
relative effort (share of burden / share of capacity); and hosting concentration.

Formulas, sources, assumptions and validation are in ``methodology/<name>.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..countries import static_attribute
from ..data import Dataset
from ..indicators import INCOME_GROUPS
from ..results import Computation
from ..results import estimate_row as _row
from .base import EstimatorBase, Ledger, sources_field
from .inequality import gini_lorenz
from .tables import country_year_table

__all__ = [
    "RefugeesPer1000",
    "RefugeesPerGdpPppPerCapita",
    "RefugeesPer1000Km2",
    "OneInN",
    "RelativeEffort",
    "HostingConcentration",
    "PEOPLE",
    "POPULATION_INDICATOR",
    "INCOME_GROUP_INDICATOR",
]

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
                      years: np.ndarray) -> tuple[list[str], list[int]]:
    """Assumption lines on the population denominator and the projected years used."""
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


def _absent_note(optional: frozenset[str], data: Dataset) -> list[str]:
    absent = sorted(optional - set(data.indicators))
    if not absent:
        return []
    return [f"The data contain no {', '.join(absent)} observations at all; they count as none."]


@dataclass(frozen=True, kw_only=True)
class _HostedRatio(EstimatorBase):
    """Shared machinery of the per-capacity indices (not registered)."""

    who_counts: tuple[str, ...] = _who_field()
    scenario_definitions: tuple[tuple[str, ...], ...] = _scenario_field()
    sources: tuple[tuple[str, str], ...] = sources_field("population:un_wpp")

    _capacity: ClassVar[str] = ""
    _carried: ClassVar[tuple[str, ...]] = ()
    _positive_hosted: ClassVar[bool] = False

    def _validate(self) -> None:
        if not self.who_counts:
            raise ParameterError("parameter 'who_counts' must name at least one population")
        for name in ("who_counts",):
            v = getattr(self, name)
            if len(set(v)) != len(v):
                raise ParameterError(f"parameter {name!r} = {list(v)!r} repeats a population")
        seen = {tuple(sorted(self.who_counts))}
        for d in self.scenario_definitions:
            if not d:
                raise ParameterError("parameter 'scenario_definitions' has an empty definition")
            if tuple(sorted(d)) in seen:
                raise ParameterError(
                    f"parameter 'scenario_definitions': {list(d)!r} repeats who_counts or another "
                    "definition, so the range would be empty of meaning")
            seen.add(tuple(sorted(d)))

    def capacity_indicator(self) -> str:
        return self._capacity

    def _people(self) -> tuple[str, ...]:
        extra = [p for d in self.scenario_definitions for p in d]
        return tuple(dict.fromkeys([*self.who_counts, *extra]))

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        return frozenset([*self._people(), self.capacity_indicator()])

    def optional_inputs(self) -> frozenset[str]:
        """Populations beyond the first of ``who_counts`` may be absent (none reported)."""
        return frozenset(self._people()[1:])

    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _compute(self, data: Dataset) -> Computation:
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        cap = self.capacity_indicator()
        carried = tuple(c for c in self._carried if c == cap)
        table = country_year_table(
            ledger,
            any_of=self.who_counts,
            also=[p for p in self._people() if p not in self.who_counts],
            all_of=[] if carried else [cap],
            carried=carried,
            positive=self._positive_inputs(),
            positive_sum=self._positive_hosted,
        )
        hosted = table[list(self.who_counts)].fillna(0.0).sum(axis=1).to_numpy()
        capacity = table[cap].to_numpy(dtype=float)
        est, lo, hi = self._with_range(table, hosted, capacity)
        ok = np.isfinite(est)
        rows = pd.DataFrame({
            "quantity": self.quantity, "iso3": table["iso3"], "year": table["year"],
            "term": None, "estimate": est, "std_error": np.nan,
            "ci_lower": lo, "ci_upper": hi, "ci_level": np.nan, "unit": self.unit,
        })[ok]
        excluded = ledger.excluded_frame()
        diagnostics: dict[str, object] = {
            "used": ledger.n_used,
            "excluded": len(excluded),
            "country_years": int(ok.sum()),
            "who_counts": _label(self.who_counts),
            "sources_used": ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items())),
        }
        for c in carried:
            diff = (table["year"] - table[f"{c}_year"].astype("int64"))
            diagnostics[f"{c}_carried_forward"] = int((diff > 0).sum())
        assumptions = [
            f"Hosted population = {_who(self.who_counts)}, end-year stock by country of asylum; "
            "a population UNHCR does not report for a country-year counts as none.",
            _ROUNDING,
            *self._assumptions(),
            *_absent_note(self.optional_inputs(), data),
        ]
        source = getattr(self, "population_source", None)
        if source is not None:  # the per-capita indices (issue 14)
            notes, projected = _population_notes(
                source, ledger.chosen_source.get(cap), table["year"].to_numpy()[ok])
            assumptions.extend(notes)
            diagnostics["population_source"] = source
            diagnostics["population_projected_years"] = projected
        if self.scenario_definitions:
            assumptions.append(
                "ci_lower/ci_upper are the range of the index over the definitions "
                + "; ".join(_label(d) for d in (self.who_counts, *self.scenario_definitions))
                + " (a scenario range, not a confidence interval).")
        return Computation(
            estimates=rows,
            excluded=excluded,
            assumptions=tuple(assumptions),
            diagnostics=diagnostics,
            uncertainty_method="scenario_range" if self.scenario_definitions else "none",
        )

    def _positive_inputs(self) -> tuple[str, ...]:
        return (self.capacity_indicator(),)

    def _with_range(self, table: pd.DataFrame, hosted: np.ndarray,
                    capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        est = self._index(hosted, capacity)
        if not self.scenario_definitions:
            nan = np.full(len(est), np.nan)
            return est, nan, nan
        alts = [est]
        for d in self.scenario_definitions:
            h = table[list(d)].fillna(0.0).sum(axis=1).to_numpy()
            alts.append(self._index(h, capacity))
        stack = np.vstack(alts)
        with np.errstate(invalid="ignore"):
            lo = np.nanmin(np.where(np.isfinite(stack), stack, np.nan), axis=0)
            hi = np.nanmax(np.where(np.isfinite(stack), stack, np.nan), axis=0)
        return est, lo, hi

    def _assumptions(self) -> list[str]:
        return []


@dataclass(frozen=True, kw_only=True)
class RefugeesPer1000(_HostedRatio):
    r"""Refugees per 1,000 inhabitants of the host country.

    .. math:: I_{c,t} = 1000 \times R_{c,t} / P_{c,t}

    where :math:`R` is the hosted population (``who_counts``, end-year stock) and :math:`P` the
    population on 1 July (``population_source``). See ``methodology/refugees_per_1000.md``.

    Parameters
    ----------
    who_counts : tuple of str
        Populations counted (summed): ``refugees`` (default), ``oip``, ``asylum_seekers``,
        ``unrwa_refugees``.
    scenario_definitions : tuple of tuple of str
        Alternative definitions; the index's range over all definitions is reported as a
        ``scenario_range`` in ``ci_lower``/``ci_upper``.
    population_source : {"un_wpp", "wdi"}
        Denominator: UN World Population Prospects (``population_un_wpp``, the default, as
        UNHCR's *Global Trends*) or the World Bank's WDI (``population``).
    sources : tuple of (indicator, source) pairs
        Choice of source where an indicator is given by several.

    References
    ----------
    UNHCR, *Global Trends* (annual), "refugees relative to national population".
    UN DESA Population Division, *World Population Prospects 2024*.

    Examples
    --------
    >>> import burdenshare as bs
    >>> data = bs.load_sample().select(years=(2024, 2024))
    >>> res = bs.RefugeesPer1000().estimate(data)
    >>> res.estimates.query("iso3 == 'LBN'")["estimate"].round(1).tolist()
    [130.7]
    """

    name: ClassVar[str] = "refugees_per_1000"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "refugees_per_1000_inhabitants"
    unit: ClassVar[str] = "per 1,000 inhabitants"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/refugees_per_1000.md"
    summary: ClassVar[str] = "Hosted refugees per 1,000 inhabitants (UNHCR Global Trends)"

    population_source: PopulationSource = _population_field()

    def capacity_indicator(self) -> str:
        """Return the population indicator divided by (``population_source``)."""
        return POPULATION_INDICATOR[self.population_source]

    def _missing_hint(self, missing: list[str]) -> str:
        return _population_hint(self.population_source, missing)

    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        index: np.ndarray = 1000.0 * hosted / capacity
        return index


@dataclass(frozen=True, kw_only=True)
class RefugeesPerGdpPppPerCapita(_HostedRatio):
    r"""Refugees per 1 international dollar of GDP (PPP) per capita.

    .. math:: I_{c,t} = R_{c,t} / \mathrm{GDPpc}^{PPP}_{c,t}

    UNHCR's classic economic-capacity ratio ("refugees per 1 USD GDP (PPP) per capita"). See
    ``methodology/refugees_per_gdp_ppp_pc.md``.

    Parameters
    ----------
    who_counts, scenario_definitions, sources
        As for :class:`RefugeesPer1000`.
    """

    name: ClassVar[str] = "refugees_per_gdp_ppp_pc"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "refugees_per_usd_gdp_ppp_per_capita"
    unit: ClassVar[str] = "persons per international $ of GDP (PPP) per capita"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees", "gdp_ppp_per_capita_intl_current"})
    reference: ClassVar[str] = "methodology/refugees_per_gdp_ppp_pc.md"
    summary: ClassVar[str] = "Hosted refugees per 1 international $ of GDP (PPP) per capita"
    _capacity: ClassVar[str] = "gdp_ppp_per_capita_intl_current"

    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        index: np.ndarray = hosted / capacity
        return index

    def _assumptions(self) -> list[str]:
        return ["GDP per capita (PPP) is WDI NY.GDP.PCAP.PP.CD in current international dollars "
                "of the WDI release's PPP vintage; older UNHCR tables used earlier PPP vintages."]


@dataclass(frozen=True, kw_only=True)
class RefugeesPer1000Km2(_HostedRatio):
    r"""Refugees per 1,000 km² of the host country's area.

    .. math:: I_{c,t} = 1000 \times R_{c,t} / A_{c,t'}

    with :math:`t' = t` (``area_year="same_year"``) or the latest year :math:`\le t` with an
    area observation (``"latest_available"``, the default: area changes rarely and WDI's area
    series ends before the population series). See ``methodology/refugees_per_1000_km2.md``.

    Parameters
    ----------
    area : {"land_area_km2", "surface_area_km2"}
        Land area (default) or surface area including inland water.
    area_year : {"latest_available", "same_year"}
        Which area observation applies to a year; the number of carried-forward country-years is
        in ``diagnostics``.
    who_counts, scenario_definitions, sources
        As for :class:`RefugeesPer1000`.
    """

    name: ClassVar[str] = "refugees_per_1000_km2"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "refugees_per_1000_km2"
    unit: ClassVar[str] = "per 1,000 km2"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/refugees_per_1000_km2.md"
    summary: ClassVar[str] = "Hosted refugees per 1,000 km2 of land (or surface) area"

    area: Literal["land_area_km2", "surface_area_km2"] = field(
        default="land_area_km2", metadata={"doc": "land area or surface area"})
    area_year: Literal["latest_available", "same_year"] = field(
        default="latest_available",
        metadata={"doc": "use the latest area observation at or before the year, or only the "
                         "same year"})

    def capacity_indicator(self) -> str:
        """Return the area indicator used as denominator."""
        return self.area

    def _missing_hint(self, missing: list[str]) -> str:
        if self.area in missing and self.area_year == "latest_available":
            return (f". With area_year='latest_available' the data must reach back to a "
                    f"{self.area} observation (WDI's area series ends before its population "
                    "series): select a wider range of years")
        return ""

    @property
    def _carried(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.area,) if self.area_year == "latest_available" else ()

    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        index: np.ndarray = 1000.0 * hosted / capacity
        return index

    def _assumptions(self) -> list[str]:
        if self.area_year == "latest_available":
            return [f"Area ({self.area}) is the latest observation at or before each year; "
                    "the count of carried-forward country-years is in diagnostics."]
        return [f"Area ({self.area}) must be observed in the same year."]


@dataclass(frozen=True, kw_only=True)
class OneInN(_HostedRatio):
    r"""Inhabitants per hosted refugee ("1 in N people is a refugee").

    .. math:: N_{c,t} = P_{c,t} / R_{c,t}

    A country-year hosting nobody (:math:`R = 0`) has no N and is listed in ``excluded`` as
    ``non_positive_denominator``. See ``methodology/one_in_n.md``.

    Parameters
    ----------
    who_counts, scenario_definitions, population_source, sources
        As for :class:`RefugeesPer1000` (UN WPP population by default, as UNHCR).
    """

    name: ClassVar[str] = "one_in_n"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "inhabitants_per_refugee"
    unit: ClassVar[str] = "inhabitants per hosted person"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/one_in_n.md"
    summary: ClassVar[str] = "Inhabitants per hosted refugee ('1 in N', UNHCR Global Trends)"
    higher_means_more_burden: ClassVar[bool] = False
    _positive_hosted: ClassVar[bool] = True

    population_source: PopulationSource = _population_field()

    def capacity_indicator(self) -> str:
        """Return the population indicator divided into (``population_source``)."""
        return POPULATION_INDICATOR[self.population_source]

    def _missing_hint(self, missing: list[str]) -> str:
        return _population_hint(self.population_source, missing)

    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(hosted > 0, capacity / np.where(hosted > 0, hosted, 1.0), np.nan)


# --------------------------------------------------------------------------- relative effort
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


def _capacity_inputs(capacity: str, weights: tuple[tuple[str, float], ...],
                     pop: str = "population") -> tuple[str, ...]:
    if capacity == "composite":
        out: list[str] = []
        for k, _w in weights:
            out.extend(_pop_swap(_CAPACITY_INPUTS[k], pop))
        return tuple(dict.fromkeys(out))
    return _pop_swap(_CAPACITY_INPUTS[capacity], pop)


def _capacity_shares(table: pd.DataFrame, capacity: str,
                     weights: tuple[tuple[str, float], ...],
                     pop: str = "population") -> np.ndarray:
    """Capacity share of each country within its year (composite: weighted mean of shares)."""
    comps = [(capacity, 1.0)] if capacity != "composite" else list(weights)
    total_w = sum(w for _k, w in comps)
    share = np.zeros(len(table))
    years = table["year"].to_numpy()
    for k, w in comps:
        v = _capacity_value(table, k, pop)
        denom = pd.Series(v).groupby(years).transform("sum").to_numpy()
        share += (w / total_w) * v / denom
    return share


@dataclass(frozen=True, kw_only=True)
class RelativeEffort(EstimatorBase):
    r"""Relative effort: a country's share of the group's burden over its share of capacity.

    .. math:: RE_{c,t} = \frac{B_{c,t} / \sum_{j} B_{j,t}}{K_{c,t} / \sum_j K_{j,t}}

    The group is every country in the data with both a burden and a capacity observation that
    year (use :meth:`Dataset.select` to define another group). :math:`RE > 1` means more than a
    capacity-proportional share. A composite capacity is the weighted mean of capacity shares,
    :math:`\sum_k w_k K_{k,c}/\sum_j K_{k,j}` with weights normalised to sum to 1 (Thielemann's
    family of indicators). See ``methodology/relative_effort.md``.

    Parameters
    ----------
    burden : {"hosted", "asylum_applications", "resettlement_arrivals"}
        Hosted stock (``who_counts``), asylum applications in persons, or resettlement arrivals.
    who_counts : tuple of str
        For ``burden="hosted"``: populations counted.
    capacity : {"population", "gdp_usd_current", "gdp_ppp", "gni_atlas_usd_current",
        "land_area_km2", "composite"}
        ``gdp_ppp`` is GDP per capita (PPP) x population.
    capacity_weights : tuple of (str, float)
        For ``capacity="composite"``: capacity measures and weights, e.g.
        ``(("population", 0.5), ("gdp_usd_current", 0.5))``.
    population_source : {"un_wpp", "wdi"}
        Where a capacity measure needs population (``population``, ``gdp_ppp`` or a composite
        with either): UN World Population Prospects (``population_un_wpp``, the default, as
        UNHCR) or World Bank WDI (``population``).
    sources : tuple of (indicator, source) pairs
    """

    name: ClassVar[str] = "relative_effort"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "relative_effort"
    unit: ClassVar[str] = "ratio of burden share to capacity share (1 = proportional)"
    requires: ClassVar[frozenset[str]] = frozenset()
    reference: ClassVar[str] = "methodology/relative_effort.md"
    summary: ClassVar[str] = "Share of the group's refugees (or applications) / share of capacity"

    burden: Literal["hosted", "asylum_applications", "resettlement_arrivals"] = field(
        default="hosted", metadata={"doc": "what is shared"})
    who_counts: tuple[str, ...] = _who_field()
    capacity: CapacityName = field(default="population", metadata={"doc": "capacity measure"})
    capacity_weights: tuple[tuple[str, float], ...] = field(
        default=(), metadata={"doc": "for capacity=composite: measure:weight pairs"})
    population_source: PopulationSource = _population_field()
    sources: tuple[tuple[str, str], ...] = sources_field("population:un_wpp")

    def _pop(self) -> str:
        return POPULATION_INDICATOR[self.population_source]

    def _uses_population(self) -> bool:
        return self._pop() in _capacity_inputs(self.capacity, self.capacity_weights, self._pop())

    def _missing_hint(self, missing: list[str]) -> str:
        return _population_hint(self.population_source, missing)

    def _validate(self) -> None:
        if not self.who_counts:
            raise ParameterError("parameter 'who_counts' must name at least one population")
        bad = [p for p in self.who_counts if p not in PEOPLE]
        if bad:
            raise ParameterError(f"parameter 'who_counts': {bad[0]!r} is not one of {PEOPLE}")
        if self.capacity == "composite":
            if not self.capacity_weights:
                raise ParameterError("capacity='composite' needs capacity_weights, e.g. "
                                     "population:0.5,gdp_usd_current:0.5")
            for k, w in self.capacity_weights:
                if k not in _CAPACITY_INPUTS:
                    raise ParameterError(f"parameter 'capacity_weights': {k!r} is not one of "
                                         f"{sorted(_CAPACITY_INPUTS)}")
                if w < 0:
                    raise ParameterError(f"parameter 'capacity_weights': weight of {k!r} is {w}, "
                                         "must be >= 0")
            if sum(w for _k, w in self.capacity_weights) <= 0:
                raise ParameterError("parameter 'capacity_weights': weights sum to zero")
        elif self.capacity_weights:
            raise ParameterError("capacity_weights is only used with capacity='composite'")

    def _burden_inputs(self) -> tuple[str, ...]:
        if self.burden == "hosted":
            return self.who_counts
        return (self.burden,)

    def inputs(self) -> frozenset[str]:
        """Return the indicators needed with these parameters."""
        return frozenset([*self._burden_inputs(),
                          *_capacity_inputs(self.capacity, self.capacity_weights, self._pop())])

    def optional_inputs(self) -> frozenset[str]:
        """Populations beyond the first of ``who_counts`` may be absent (none reported)."""
        return frozenset(self._burden_inputs()[1:])

    def _compute(self, data: Dataset) -> Computation:
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        caps = _capacity_inputs(self.capacity, self.capacity_weights, self._pop())
        table = country_year_table(ledger, any_of=self._burden_inputs(), all_of=caps,
                                   positive=caps)
        burden = table[list(self._burden_inputs())].fillna(0.0).sum(axis=1).to_numpy()
        years = table["year"].to_numpy()
        btot = pd.Series(burden).groupby(years).transform("sum").to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            bshare = burden / btot
        cshare = _capacity_shares(table, self.capacity, self.capacity_weights, self._pop())
        with np.errstate(invalid="ignore", divide="ignore"):
            re = bshare / cshare
        frames = []
        for q, v, unit in (("relative_effort", re, self.unit),
                           ("burden_share", bshare, "fraction of the group total"),
                           ("capacity_share", cshare, "fraction of the group total")):
            frames.append(pd.DataFrame({
                "quantity": q, "iso3": table["iso3"], "year": table["year"], "term": None,
                "estimate": v, "std_error": np.nan, "ci_lower": np.nan, "ci_upper": np.nan,
                "ci_level": np.nan, "unit": unit}))
        est = pd.concat(frames, ignore_index=True)
        zero_years = sorted({int(y) for y, t in zip(years, btot) if t == 0})
        excluded = ledger.excluded_frame()
        cap_label = (self.capacity if self.capacity != "composite" else
                     "composite of " + ", ".join(f"{k} ({w:g})" for k, w in self.capacity_weights))
        pop_notes: list[str] = []
        pop_diag: dict[str, object] = {}
        if self._uses_population():
            pop_notes, projected = _population_notes(
                self.population_source, ledger.chosen_source.get(self._pop()), years)
            pop_diag = {"population_source": self.population_source,
                        "population_projected_years": projected}
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=(
                "The group is every country of the data with both burden and capacity "
                "observations in the year; select the data to define another group.",
                f"Burden = {self.burden}"
                + (f" ({_who(self.who_counts)})" if self.burden == "hosted" else "")
                + f"; capacity = {cap_label}.",
                _ROUNDING,
                *_absent_note(self.optional_inputs(), data),
                *pop_notes,
            ),
            diagnostics={"used": ledger.n_used, "excluded": len(excluded),
                         "countries_per_year": table.groupby("year").size().to_dict(),
                         "years_with_zero_total_burden": zero_years, **pop_diag},
        )


# --------------------------------------------------------------------------- concentration
_INCOME_NOTE = {
    "in_force_31_december": (
        "Income group = World Bank classification in force on 31 December of the year "
        "(indicator wb_income_group: fiscal year Y+1, in force from 1 July of Y, based on GNI "
        "per capita, Atlas, of Y-1; World Bank OGHIST), as UNHCR's Global Trends; countries "
        "without one (e.g. not classified by the World Bank) form 'Unclassified'; a year with "
        "no classification at all is excluded ('unclassified')."),
    "gni_year": (
        "Income group = the group given by the GNI per capita (Atlas) of the year itself "
        "(indicator wb_income_group_gni_year: World Bank fiscal year Y+2, in force only from "
        "1 July of Y+1; Gapminder's series), NOT the classification in force at the end of "
        "the year that UNHCR uses; countries without one form 'Unclassified'."),
}


@dataclass(frozen=True, kw_only=True)
class HostingConcentration(EstimatorBase):
    r"""How concentrated hosting is: shares by country group, top-k share, HHI, Gini and Lorenz.

    For each year, over the countries with a hosted-population observation (and a capacity
    observation when ``capacity`` is not ``"none"``):

    - ``share_hosted``: :math:`\sum_{c \in G} R_c / \sum_c R_c` for each group :math:`G`
      (``group_by``); disjoint groups, so shares sum to 1; ``hosted`` gives the persons;
    - ``top_k_share``: share of the ``top_k`` largest hosts;
    - ``hhi``: Herfindahl-Hirschman index :math:`\sum_c s_c^2` of hosting shares;
    - ``gini``: Gini coefficient of hosting against capacity,
      :math:`G = 1 - \sum_k (X_k - X_{k-1})(Y_k + Y_{k-1})`, countries sorted by
      :math:`R_c / K_c`, :math:`X` cumulative capacity share, :math:`Y` cumulative hosting share;
    - ``lorenz_capacity_share`` / ``lorenz_hosted_share``: the Lorenz curve points per country.

    See ``methodology/hosting_concentration.md``.

    Parameters
    ----------
    who_counts : tuple of str
    group_by : {"wb_income_group", "un_ldc", "un_development", "unhcr_region", "un_region"}
        ``wb_income_group`` uses the World Bank classification of each year by the
        ``income_groups`` convention (countries without one form the group "Unclassified");
        ``un_ldc`` the current UN LDC list;
        ``un_development`` the UN developed/developing regions (developed: Europe, Northern
        America, Australia/New Zealand, Japan).
    top_k : int
    capacity : {"population", "gdp_usd_current", "gdp_ppp", "gni_atlas_usd_current",
        "land_area_km2", "none"}
        Capacity for the Gini/Lorenz; ``none`` skips them.
    income_groups : {"in_force_31_december", "gni_year"}
        For ``group_by="wb_income_group"``: the classification in force on 31 December of the
        year (indicator ``wb_income_group``, World Bank OGHIST fiscal year Y+1; the default and
        UNHCR's *Global Trends* convention) or the group given by the year's own GNI per capita
        (indicator ``wb_income_group_gni_year``, Gapminder's series, fiscal year Y+2), kept for
        comparison.
    population_source : {"un_wpp", "wdi"}
        Population for ``capacity="population"`` or ``"gdp_ppp"`` (Gini/Lorenz only): UN WPP
        (default) or WDI.
    sources : tuple of (indicator, source) pairs
    """

    name: ClassVar[str] = "hosting_concentration"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "share_hosted"
    unit: ClassVar[str] = "fraction of hosted population"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/hosting_concentration.md"
    summary: ClassVar[str] = "Share hosted by country group, top-k share, HHI, Gini/Lorenz"

    who_counts: tuple[str, ...] = _who_field()
    group_by: Literal["wb_income_group", "un_ldc", "un_development", "unhcr_region",
                      "un_region"] = field(
        default="wb_income_group", metadata={"doc": "country grouping for shares"})
    top_k: int = field(default=10, metadata={"ge": 1, "doc": "number of largest hosts"})
    capacity: Literal["population", "gdp_usd_current", "gdp_ppp", "gni_atlas_usd_current",
                      "land_area_km2", "none"] = field(
        default="population", metadata={"doc": "capacity for Gini/Lorenz (none: skip)"})
    income_groups: IncomeGroupConvention = field(
        default="in_force_31_december", metadata={
            "doc": "in_force_31_december = World Bank classification in force on 31 December "
                   "(OGHIST, as UNHCR); gni_year = group of the year's own GNI (Gapminder)"})
    population_source: PopulationSource = _population_field()
    sources: tuple[tuple[str, str], ...] = sources_field("population:un_wpp")

    def _validate(self) -> None:
        if not self.who_counts:
            raise ParameterError("parameter 'who_counts' must name at least one population")
        bad = [p for p in self.who_counts if p not in PEOPLE]
        if bad:
            raise ParameterError(f"parameter 'who_counts': {bad[0]!r} is not one of {PEOPLE}")

    def _pop(self) -> str:
        return POPULATION_INDICATOR[self.population_source]

    def _income(self) -> str:
        return INCOME_GROUP_INDICATOR[self.income_groups]

    def _caps(self) -> tuple[str, ...]:
        return () if self.capacity == "none" else _pop_swap(_CAPACITY_INPUTS[self.capacity],
                                                            self._pop())

    def _missing_hint(self, missing: list[str]) -> str:
        hint = _population_hint(self.population_source, missing)
        if self._income() in missing:
            other = "gni_year" if self.income_groups == "in_force_31_december" else \
                "in_force_31_december"
            hint += (f". income_groups={self.income_groups!r} reads {self._income()}; "
                     f"income_groups={other!r} reads {INCOME_GROUP_INDICATOR[other]}")
        return hint

    def inputs(self) -> frozenset[str]:
        """Return the indicators needed with these parameters."""
        extra = (self._income(),) if self.group_by == "wb_income_group" else ()
        return frozenset([*self.who_counts, *self._caps(), *extra])

    def optional_inputs(self) -> frozenset[str]:
        """Populations beyond the first of ``who_counts`` may be absent (none reported)."""
        return frozenset(self.who_counts[1:])

    def _compute(self, data: Dataset) -> Computation:
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        caps = self._caps()
        unclassified_years: list[int] = []
        if self.group_by == "wb_income_group":
            # a year in which no country has an income group cannot be split into groups
            act = ledger.active()
            grouped = act[(act["indicator"] == self._income()) & act["value"].notna()]
            classified = set(grouped["year"])
            out_rows = act[~act["year"].isin(classified)]
            unclassified_years = sorted({int(y) for y in out_rows["year"]})
            ledger.exclude(out_rows["_row"].to_numpy(), "unclassified",
                           [f"no country has a {self._income()} observation for {y}"
                            for y in out_rows["year"]])
        # the income group is optional per country-year ("Unclassified" when absent); capacity
        # is optional too: it only enters the Gini/Lorenz, never the shares
        also = (*((self._income(),) if self.group_by == "wb_income_group" else ()), *caps)
        table = country_year_table(ledger, any_of=self.who_counts, also=also)
        hosted = table[list(self.who_counts)].fillna(0.0).sum(axis=1).to_numpy()
        table = table.assign(_hosted=hosted)
        if self.group_by == "wb_income_group":
            codes = table[self._income()]
            table["_group"] = [INCOME_GROUPS.get(int(c), "Unclassified") if pd.notna(c)
                               else "Unclassified" for c in codes]
        else:
            g = static_attribute(table["iso3"], self.group_by).to_numpy()
            table["_group"] = np.where(g == "", "Unclassified", g)
        rows: list[dict[str, object]] = []
        share_unit = self.unit
        outside_gini: dict[int, list[str]] = {}
        year: Any  # pandas-stubs types a groupby key as "any scalar": a year here
        for year, sub in table.groupby("year", sort=True):
            total = float(sub["_hosted"].sum())
            by_group = sub.groupby("_group")["_hosted"].sum().sort_index()
            for grp, val in by_group.items():
                rows.append(_row("hosted", None, year, grp, float(val), "persons"))
                rows.append(_row("share_hosted", None, year, grp,
                                 float(val) / total if total > 0 else np.nan, share_unit))
            if self.group_by == "wb_income_group":
                lmic = float(by_group.reindex([INCOME_GROUPS[1], INCOME_GROUPS[2],
                                               INCOME_GROUPS[3]]).fillna(0).sum())
                rows.append(_row("share_hosted_low_and_middle_income", None, year,
                                 "Low and middle income", lmic / total if total > 0 else np.nan,
                                 share_unit))
            s = sub["_hosted"].to_numpy() / total if total > 0 else np.full(len(sub), np.nan)
            top = np.sort(s)[::-1][: self.top_k]
            rows.append(_row("top_k_share", None, year, f"top_{self.top_k}", float(top.sum()),
                             share_unit))
            rows.append(_row("hhi", None, year, "all countries", float((s ** 2).sum()),
                             "index (0-1)"))
            if caps:
                cap = _capacity_value(sub, self.capacity, self._pop())
                inside = np.isfinite(cap) & (cap > 0)
                if (~inside).any():
                    outside_gini[int(year)] = sorted(sub["iso3"].to_numpy()[~inside].tolist())
                gini, lorenz = gini_lorenz(sub["iso3"].to_numpy()[inside],
                                            sub["_hosted"].to_numpy()[inside], cap[inside])
                rows.append(_row("gini", None, year, f"hosted against {self.capacity}", gini,
                                 "index (0-1)"))
                for iso3, x, y in lorenz:
                    rows.append(_row("lorenz_capacity_share", iso3, year, "lorenz", x,
                                     "cumulative fraction"))
                    rows.append(_row("lorenz_hosted_share", iso3, year, "lorenz", y,
                                     "cumulative fraction"))
            rows.append(_row("countries", None, year, "all countries", float(len(sub)),
                             "countries"))
        est = pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(_row("", 0, 0, 0, 0, "")))
        excluded = ledger.excluded_frame()
        assumptions = [
            f"Hosted population = {_who(self.who_counts)}; only countries (no regions, "
            "'Unknown' or 'Stateless') are summed.",
            _ROUNDING,
            *_absent_note(self.optional_inputs(), data),
        ]
        if caps:
            assumptions.append(
                f"Gini and Lorenz cover the hosts with a positive {self.capacity}; hosts without "
                "one still count in the shares, HHI and top-k (listed in diagnostics "
                "'outside_gini').")
        if self.group_by == "wb_income_group":
            assumptions.append(_INCOME_NOTE[self.income_groups])
        pop_diag: dict[str, object] = {}
        if caps and self._pop() in caps:
            notes, projected = _population_notes(
                self.population_source, ledger.chosen_source.get(self._pop()),
                table["year"].to_numpy())
            assumptions.extend(notes)
            pop_diag = {"population_source": self.population_source,
                        "population_projected_years": projected}
        elif self.group_by == "un_ldc":
            assumptions.append("LDC membership is the current UN list applied to every year.")
        elif self.group_by == "un_development":
            assumptions.append("Developed regions = Europe, Northern America, Australia/New "
                               "Zealand and Japan (UN convention); all other countries are "
                               "'Developing regions'.")
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=tuple(assumptions),
            diagnostics={"used": ledger.n_used, "excluded": len(excluded),
                         "countries_per_year": table.groupby("year").size().to_dict(),
                         "outside_gini": outside_gini,
                         "unclassified_years": unclassified_years, **pop_diag},
        )
