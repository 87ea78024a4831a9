"""Relative-burden indices: refugees relative to a host country's population, wealth and area;
relative effort (share of burden / share of capacity); and hosting concentration (in
:mod:`burdenshare.estimators.hosting_concentration`, importable from here).

Formulas, sources, assumptions and validation are in ``methodology/<name>.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..data import Dataset
from ..labels import Labels
from ..results import Computation
from ._hosted import (
    _CAPACITY_INPUTS,
    _POPULATION_DIAGNOSTICS,
    _ROUNDING,
    INCOME_GROUP_INDICATOR,
    PEOPLE,
    POPULATION_INDICATOR,
    CapacityName,
    PopulationSource,
    _absent_note,
    _capacity_value,
    _check_who_counts,
    _country_rows,
    _label,
    _pop_swap,
    _population_field,
    _population_hint,
    _population_notes,
    _scenario_field,
    _sources_used,
    _who,
    _who_field,
)
from .base import EstimatorBase, Ledger, sources_field
from .hosting_concentration import HostingConcentration
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


#: Display labels of the diagnostics of the per-capacity indices.
_RATIO_DIAGNOSTICS: dict[str, str] = {
    "country_years": "Country-years estimated",
    "who_counts": "Who counts as hosted",
    "sources_used": "Sources used",
    "excluded": "Observations excluded",
    **_POPULATION_DIAGNOSTICS,
}


def _ratio_labels(title: str, description: str, unit: str, quantity: str,
                  diagnostics: Mapping[str, str] | None = None,
                  quantity_label: str = "") -> Labels:
    """Labels of a per-capacity index (one quantity, labelled by the title unless given)."""
    return Labels(title=title, family="Relative burden", description=description, unit=unit,
                  quantities={quantity: quantity_label or title},
                  diagnostics={**_RATIO_DIAGNOSTICS, **(diagnostics or {})})



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
        table = self._table(ledger)
        hosted = table[list(self.who_counts)].fillna(0.0).sum(axis=1).to_numpy()
        capacity = table[self.capacity_indicator()].to_numpy(dtype=float)
        est, lo, hi = self._with_range(table, hosted, capacity)
        ok = np.isfinite(est)
        rows = _country_rows(self.quantity, table, est, self.unit, lo, hi)[ok]
        excluded = ledger.excluded_frame()
        diagnostics: dict[str, object] = {
            "excluded": len(excluded),
            "country_years": int(ok.sum()),
            "who_counts": _label(self.who_counts),
            "sources_used": _sources_used(ledger),
            **self._carried_diagnostics(table),
        }
        assumptions = self._ratio_assumptions(data)
        source = getattr(self, "population_source", None)
        if source is not None:  # the per-capita indices (issue 14)
            notes, pop_diag = _population_notes(
                source, ledger.chosen_source.get(self.capacity_indicator()),
                table["year"].to_numpy()[ok])
            assumptions.extend(notes)
            diagnostics.update(pop_diag)
        assumptions.extend(self._range_assumption())
        return Computation(
            estimates=rows,
            excluded=excluded,
            assumptions=tuple(assumptions),
            diagnostics=diagnostics,
            uncertainty_method="scenario_range" if self.scenario_definitions else "none",
            used=ledger.n_used,
        )

    # ---- the stages of _compute
    def _carried_capacity(self) -> tuple[str, ...]:
        cap = self.capacity_indicator()
        return tuple(c for c in self._carried if c == cap)

    def _table(self, ledger: Ledger) -> pd.DataFrame:
        """The country-year table of hosted populations and capacity (settles the ledger)."""
        cap = self.capacity_indicator()
        carried = self._carried_capacity()
        return country_year_table(
            ledger,
            any_of=self.who_counts,
            also=[p for p in self._people() if p not in self.who_counts],
            all_of=[] if carried else [cap],
            carried=carried,
            positive=self._positive_inputs(),
            positive_sum=self._positive_hosted,
        )

    def _carried_diagnostics(self, table: pd.DataFrame) -> dict[str, object]:
        out: dict[str, object] = {}
        for c in self._carried_capacity():
            diff = (table["year"] - table[f"{c}_year"].astype("int64"))
            out[f"{c}_carried_forward"] = int((diff > 0).sum())
        return out

    def _ratio_assumptions(self, data: Dataset) -> list[str]:
        return [
            f"Hosted population = {_who(self.who_counts)}, end-year stock by country of asylum; "
            "a population UNHCR does not report for a country-year counts as none.",
            _ROUNDING,
            *self._assumptions(),
            *_absent_note(self.optional_inputs(), data),
        ]

    def _range_assumption(self) -> list[str]:
        if not self.scenario_definitions:
            return []
        return ["ci_lower/ci_upper are the range of the index over the definitions "
                + "; ".join(_label(d) for d in (self.who_counts, *self.scenario_definitions))
                + " (a scenario range, not a confidence interval)."]

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
class _PerInhabitant(_HostedRatio):
    """Indices over the host country's population (not registered)."""

    population_source: PopulationSource = _population_field()

    def capacity_indicator(self) -> str:
        """Return the population indicator of ``population_source``."""
        return POPULATION_INDICATOR[self.population_source]

    def _missing_hint(self, missing: list[str]) -> str:
        return _population_hint(self.population_source, missing)


def _per_1000(hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    index: np.ndarray = 1000.0 * hosted / capacity
    return index


@dataclass(frozen=True, kw_only=True)
class RefugeesPer1000(_PerInhabitant):
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
    labels = _ratio_labels(
        "Refugees per 1,000 inhabitants",
        "Hosted refugees per 1,000 inhabitants of the host country",
        "refugees per 1,000 inhabitants", "refugees_per_1000_inhabitants")

    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        return _per_1000(hosted, capacity)


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
    labels = _ratio_labels(
        "Refugees per international $ of GDP (PPP) per capita",
        "Hosted refugees relative to the host country's income per head (GDP, PPP)",
        "refugees per international $ of GDP (PPP) per capita",
        "refugees_per_usd_gdp_ppp_per_capita")
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
    labels = _ratio_labels(
        "Refugees per 1,000 km²",
        "Hosted refugees per 1,000 km² of the host country's area",
        "refugees per 1,000 km²", "refugees_per_1000_km2",
        {"land_area_km2_carried_forward": "Country-years using an earlier land area",
         "surface_area_km2_carried_forward": "Country-years using an earlier surface area"})

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
        return _per_1000(hosted, capacity)

    def _assumptions(self) -> list[str]:
        if self.area_year == "latest_available":
            return [f"Area ({self.area}) is the latest observation at or before each year; "
                    "the count of carried-forward country-years is in diagnostics."]
        return [f"Area ({self.area}) must be observed in the same year."]


@dataclass(frozen=True, kw_only=True)
class OneInN(_PerInhabitant):
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
    labels = _ratio_labels(
        "1 in N inhabitants is a refugee",
        "Inhabitants of the host country per hosted refugee (lower: heavier burden)",
        "inhabitants per hosted refugee", "inhabitants_per_refugee",
        quantity_label="Inhabitants per refugee")
    higher_means_more_burden: ClassVar[bool] = False
    _positive_hosted: ClassVar[bool] = True


    def _index(self, hosted: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(hosted > 0, capacity / np.where(hosted > 0, hosted, 1.0), np.nan)


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
    labels = Labels(
        title="Relative effort (burden share / capacity share)",
        family="Relative burden",
        description="A country's share of the group's refugees (or applications) over its "
                    "share of the group's capacity; 1 = proportional",
        unit="ratio of burden share to capacity share",
        quantities={"relative_effort": "Relative effort", "burden_share": "Share of the burden",
                    "capacity_share": "Share of capacity"},
        diagnostics={"countries_per_year": "Countries in the group, by year",
                     "years_with_zero_total_burden": "Years with no burden in the group",
                     "excluded": "Observations excluded", **_POPULATION_DIAGNOSTICS})

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
        _check_who_counts(self.who_counts)
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
        share = "fraction of the group total"
        est = pd.concat([_country_rows("relative_effort", table, re, self.unit),
                         _country_rows("burden_share", table, bshare, share),
                         _country_rows("capacity_share", table, cshare, share)],
                        ignore_index=True)
        zero_years = sorted({int(y) for y, t in zip(years, btot) if t == 0})
        excluded = ledger.excluded_frame()
        pop_notes: list[str] = []
        pop_diag: dict[str, object] = {}
        if self._uses_population():
            pop_notes, pop_diag = _population_notes(
                self.population_source, ledger.chosen_source.get(self._pop()), years)
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=(*self._effort_assumptions(data), *pop_notes),
            diagnostics={"excluded": len(excluded),
                         "countries_per_year": table.groupby("year").size().to_dict(),
                         "years_with_zero_total_burden": zero_years, **pop_diag},
            used=ledger.n_used,
        )

    def _effort_assumptions(self, data: Dataset) -> list[str]:
        cap_label = (self.capacity if self.capacity != "composite" else
                     "composite of " + ", ".join(f"{k} ({w:g})" for k, w in self.capacity_weights))
        return [
            "The group is every country of the data with both burden and capacity "
            "observations in the year; select the data to define another group.",
            f"Burden = {self.burden}"
            + (f" ({_who(self.who_counts)})" if self.burden == "hosted" else "")
            + f"; capacity = {cap_label}.",
            _ROUNDING,
            *_absent_note(self.optional_inputs(), data),
        ]
