"""Distribution keys: how a total (asylum-seekers, relocations, money) is shared among a group of
States by formula, and how actual figures compare with the key.

- :class:`EuRelocation2015` (``eu_relocation_2015``): the European Commission's 2015 relocation
  key, uncapped (COM(2015) 286) or capped with a residual (COM(2015) 450/451);
- :class:`Grech2017` (``grech_2017``): Grech's alternative key with modulating factors;
- :class:`ReferenceKey5050` (``reference_key_50_50``): 50 % population / 50 % GDP (COM(2016) 270;
  Regulation (EU) 2024/1351), with the 150 % corrective-allocation trigger and indicative Annual
  Solidarity Pool shares;
- :class:`LinearKey` (``linear_key``): a weighted key over user-chosen criteria;
- :class:`MinmaxKey` (``minmax_key``): a min-max normalised index key (Bovens & Bartsch style).

Every key reports ``key_share`` (0-1, summing to 1 over the States with complete inputs), and
``allocation`` (whole persons, largest remainder) when given a ``total``; with ``actual`` set,
also ``actual_share``, ``gap``, ``ratio`` and a ``gini`` of the actual figures against the key.
Formulas, sources, assumptions and validation are in ``methodology/<name>.md``.

The keys share one engine (:mod:`burdenshare.estimators._key_engine`); the two keys built on
past asylum effort live in :mod:`burdenshare.estimators.eu_relocation_keys` and are importable
from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..indicators import VOCABULARY
from ._key_engine import (
    _EUR,
    _INDEX,
    _PERSONS,
    _SHARE,
    ACTUALS,
    _check_states,
    _check_total,
    _inverse_shares,
    _key_labels,
    _KeyBase,
    _Obs,
    _rows,
    _State,
    _union,
)
from .allocation import largest_remainder
from .eu_relocation_keys import (
    COM_2015_286_STATES,
    COM_2015_451_STATES,
    EU27_2020,
    EU28_2015,
    GRECH_2017_STATES,
    EuRelocation2015,
    Grech2017,
)

__all__ = [
    "EuRelocation2015",
    "Grech2017",
    "ReferenceKey5050",
    "LinearKey",
    "MinmaxKey",
    "COM_2015_451_STATES",
    "COM_2015_286_STATES",
    "EU28_2015",
    "EU27_2020",
    "GRECH_2017_STATES",
    "ACTUALS",
    "CRITERIA",
]


#: Vocabulary indicators a generic key can use as a criterion: numeric, one country each, never
#: negative (a negative value has no share).
CRITERIA = tuple(sorted(i.name for i in VOCABULARY.values()
                        if not i.dyadic and i.non_negative
                        and i.kind in ("count", "stock", "flow", "money", "area", "rate")))



def _check_pairs(name: str, pairs: tuple[tuple[str, float], ...]) -> None:
    if not pairs:
        raise ParameterError(f"parameter {name!r} needs at least one criterion:weight pair")
    names = [k for k, _w in pairs]
    if len(set(names)) != len(names):
        raise ParameterError(f"parameter {name!r} repeats a criterion: {names}")
    for k, w in pairs:
        if k not in CRITERIA:
            raise ParameterError(f"parameter {name!r}: {k!r} is not a numeric indicator of the "
                                 f"vocabulary; allowed: {', '.join(CRITERIA)}")
        if w < 0:
            raise ParameterError(f"parameter {name!r}: weight of {k!r} is {w}, must be >= 0")
    if sum(w for _k, w in pairs) <= 0:
        raise ParameterError(f"parameter {name!r}: the weights sum to zero")



#: How a criterion's values become the values the key averages: (scaled values, degenerate).
_Scale = Callable[[np.ndarray, bool], tuple[np.ndarray, bool]]


def _criterion_share(v: np.ndarray, inverted: bool) -> tuple[np.ndarray, bool]:
    """Share of the total (inverted: of the inverses); a criterion zero everywhere: equal."""
    if inverted:
        return _inverse_shares(v), False
    if v.sum() > 0:
        return v / v.sum(), False
    return np.full(len(v), 1.0 / len(v)), True


def _minmax(v: np.ndarray, inverted: bool) -> tuple[np.ndarray, bool]:
    """Min-max normalised value (inverted: max minus value); a flat criterion scores 1."""
    lo, hi = float(v.min()), float(v.max())
    if hi > lo:
        return ((hi - v) / (hi - lo) if inverted else (v - lo) / (hi - lo)), False
    return np.ones(len(v)), True


# --------------------------------------------------------------------------- 50/50
@dataclass(frozen=True, kw_only=True)
class ReferenceKey5050(_KeyBase):
    r"""Reference key: 50 % population, 50 % total GDP; corrective trigger; solidarity pool.

    .. math:: k_i = \tfrac12 P_i/\textstyle\sum_j P_j + \tfrac12 G_i/\textstyle\sum_j G_j

    (Commission proposal COM(2016) 270, "Dublin IV"; Regulation (EU) 2024/1351). With
    ``trigger_years``, for each year :math:`t` and the applications :math:`A_{i,t}` of the
    States: reference number :math:`R_{i,t} = k_i\sum_j A_{j,t}`; the corrective allocation is
    triggered when :math:`A_{i,t} > \theta R_{i,t}` (:math:`\theta = 1.5`); the persons above
    :math:`\theta R_{i,t}` go to the States below their reference number, in proportion to the
    key, none beyond its reference number (filled in rounds). With ``pool_relocations`` /
    ``pool_eur``: indicative Annual Solidarity Pool contributions :math:`k_i \times` the totals.
    See ``methodology/reference_key_50_50.md``.

    Parameters
    ----------
    states : tuple of str
        Participating States (default: the 27 EU Member States since 2020).
    population_year, gdp_year : int
        Reference years (2024).
    key_year : int
        Year the key applies to (2025).
    total : int, optional
        Persons to allocate (``allocation``).
    trigger_years : tuple of int
        Years of applications over which the 150 % trigger is simulated (none by default).
    trigger_indicator : {"asylum_applications", "asylum_applications_new"}
    trigger_threshold : float
        :math:`\theta` (1.5 = 150 %).
    pool_relocations : int, optional
        Relocations of the pool (Regulation (EU) 2024/1351, Art. 12(2): at least 30 000).
    pool_eur : float, optional
        Financial contributions of the pool in EUR (Art. 12(2): at least EUR 600 million).
    actual, actual_year, sources
        As for :class:`EuRelocation2015`.
    """

    name: ClassVar[str] = "reference_key_50_50"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset({"population", "gdp_usd_current"})
    reference: ClassVar[str] = "methodology/reference_key_50_50.md"
    summary: ClassVar[str] = ("50 % population / 50 % GDP reference key (COM(2016) 270; "
                              "Regulation (EU) 2024/1351)")
    labels = _key_labels(
        "Reference key 50/50 (EU 2024)",
        "Each State's share of a total by 50 % population and 50 % GDP, with the 150 % "
        "corrective trigger and indicative solidarity-pool contributions",
        {"population_share": "Population share", "gdp_share": "GDP share",
         "solidarity_relocations": "Indicative solidarity-pool relocations",
         "solidarity_eur": "Indicative solidarity-pool contribution (EUR)",
         "reference_number": "Reference number (persons)",
         "applications_to_reference": "Applications / reference number",
         "corrective_trigger": "Corrective allocation triggered",
         "corrective_allocation_out": "Corrective allocation: persons moved out",
         "corrective_allocation_in": "Corrective allocation: persons received"},
        {"triggered": "States above the trigger, by year"})

    states: tuple[str, ...] = field(default=EU27_2020, metadata={
        "doc": "ISO3 codes of the participating States (default: EU-27)"})
    population_year: int = field(default=2024, metadata={"doc": "reference year of population"})
    gdp_year: int = field(default=2024, metadata={"doc": "reference year of total GDP"})
    key_year: int = field(default=2025, metadata={
        "doc": "year the key applies to (the year of its estimates)"})
    trigger_years: tuple[int, ...] = field(default=(), metadata={
        "doc": "years of applications over which the corrective trigger is simulated"})
    trigger_indicator: Literal["asylum_applications", "asylum_applications_new"] = field(
        default="asylum_applications", metadata={"doc": "applications for the trigger"})
    trigger_threshold: float = field(default=1.5, metadata={
        "gt": 1, "doc": "share of the reference number that triggers (1.5 = 150 %)"})
    pool_relocations: int | None = field(default=None, metadata={
        "doc": "relocations of the Annual Solidarity Pool (Regulation (EU) 2024/1351 Art. "
               "12(2): at least 30000)"})
    pool_eur: float | None = field(default=None, metadata={
        "doc": "financial contributions of the pool in EUR (Art. 12(2): at least 600e6)"})

    def _validate_key(self) -> None:
        if not self.states:
            raise ParameterError("parameter 'states' must name at least one State")
        _check_states("states", self.states)
        _check_total(self.pool_relocations, "pool_relocations")
        if self.pool_eur is not None and self.pool_eur < 0:
            raise ParameterError(f"parameter 'pool_eur' = {self.pool_eur} must be at least 0")
        if len(set(self.trigger_years)) != len(self.trigger_years):
            raise ParameterError(f"parameter 'trigger_years' repeats a year: "
                                 f"{list(self.trigger_years)}")

    def _group_text(self) -> str:
        return f"{len(self.states)} participating States (parameter states)"

    def _group(self) -> tuple[str, ...]:
        return self.states

    def _key_year(self) -> int:
        return self.key_year

    def _criteria_inputs(self) -> frozenset[str]:
        return frozenset({"population", "gdp_usd_current"})

    def _criteria_years(self) -> dict[str, frozenset[int]]:
        return _union({"population": {self.population_year}, "gdp_usd_current": {self.gdp_year}})

    def _extra_inputs(self) -> dict[str, frozenset[int]]:
        if not self.trigger_years:
            return {}
        return {self.trigger_indicator: frozenset(self.trigger_years)}

    def _gather(self, obs: _Obs, st: _State) -> None:
        obs.need(st, "population", "population", self.population_year, "positive")
        obs.need(st, "gdp", "gdp_usd_current", self.gdp_year, "positive")

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        pp = table["population"].to_numpy() / table["population"].sum()
        pg = table["gdp"].to_numpy() / table["gdp"].sum()
        key = 0.5 * pp + 0.5 * pg
        y = self.key_year
        rows = (_rows("population_share", states, y, pp, _SHARE)
                + _rows("gdp_share", states, y, pg, _SHARE))
        notes = [f"Key = 1/2 population share ({self.population_year}) + 1/2 share of total GDP "
                 f"at market prices in current US dollars ({self.gdp_year}); the Regulation "
                 "uses Eurostat figures, so shares can differ through data source and exchange "
                 "rates."]
        if self.pool_relocations is not None:
            rel = largest_remainder(key / key.sum(), self.pool_relocations, states)
            rows += _rows("solidarity_relocations", states, y, rel, _PERSONS)
            notes.append(f"Indicative Annual Solidarity Pool relocations = key share x "
                         f"{self.pool_relocations:,}, in whole persons (largest remainder); no "
                         "deductions for States under migratory pressure are applied.")
        if self.pool_eur is not None:
            rows += _rows("solidarity_eur", states, y, key * self.pool_eur, _EUR)
            notes.append(f"Indicative financial contributions = key share x EUR "
                         f"{self.pool_eur:,.0f}; no deductions are applied.")
        return key, rows, {}, notes

    def _extra(self, obs: _Obs, states: list[str], key: np.ndarray, uses: list[int],
               excl: list[tuple[int, str, str]]) -> tuple[list[dict[str, object]], list[str],
                                                           dict[str, Any]]:
        if not self.trigger_years:
            return [], [], {}
        ind = self.trigger_indicator
        rows: list[dict[str, object]] = []
        triggered: dict[int, list[str]] = {}
        skipped: list[int] = []
        for t in sorted(self.trigger_years):
            nan_states = [s for s in states if (s, ind, t) in obs.nan]
            hits = [obs.get(s, ind, t) for s in states]
            found = [h[1] for h in hits if h is not None]
            if nan_states:
                skipped.append(t)
                detail = (f"the {t} trigger needs every State's {ind}; missing for "
                          f"{', '.join(nan_states)}")
                excl.extend((r, "missing_counterpart", detail) for r in found)
                continue
            a = np.array([h[0] if h is not None else 0.0 for h in hits])
            uses.extend(found)
            if a.sum() <= 0:
                skipped.append(t)
                continue
            ref = key * a.sum()
            out, into = _corrective(a, ref, key, self.trigger_threshold)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(ref > 0, a / ref, np.nan)
            rows += (_rows("reference_number", states, t, ref, _PERSONS)
                     + _rows("applications_to_reference", states, t, ratio,
                             "applications / reference number")
                     + _rows("corrective_trigger", states, t, (out > 0).astype(float),
                             "1 = triggered")
                     + _rows("corrective_allocation_out", states, t, out, _PERSONS)
                     + _rows("corrective_allocation_in", states, t, into, _PERSONS))
            triggered[t] = [s for s, o in zip(states, out) if o > 0]
        notes = [f"Corrective allocation simulated on calendar-year {ind} (a stand-in for the "
                 "rolling 12 months and for the applications a State is responsible for): the "
                 f"reference number is the key share of the States' total; above "
                 f"{self.trigger_threshold:.0%} of it the excess goes to the States below their "
                 "reference number, in proportion to the key and none beyond its reference "
                 "number; a State without an observation counts as none."]
        if skipped:
            notes.append(f"No trigger simulation for {', '.join(map(str, skipped))} (a count is "
                         "missing, or every count is zero).")
        return rows, notes, {"triggered": {str(k): v for k, v in triggered.items()}}


def _corrective(a: np.ndarray, ref: np.ndarray, key: np.ndarray,
                threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Persons moved out (above threshold x reference) and in (to States below reference)."""
    out = np.where(a > threshold * ref, a - threshold * ref, 0.0)
    into = np.zeros(len(a))
    room = np.maximum(ref - a, 0.0)
    left = float(out.sum())
    open_ = room > 0
    # fill in rounds: in proportion to the key among States with room, capped at their room
    while left > 1e-9 * max(1.0, float(a.sum())) and open_.any():
        w = np.where(open_, key, 0.0)
        if w.sum() <= 0:
            break
        give = left * w / w.sum()
        over = give >= room - into
        if not (over & open_).any():
            into += give
            left = 0.0
            break
        take = np.where(over & open_, room - into, 0.0)
        into += take
        left -= float(take.sum())
        open_ &= ~over
    return out, into


# --------------------------------------------------------------------------- generic keys
@dataclass(frozen=True, kw_only=True)
class _CriteriaKey(_KeyBase):
    """Keys over user-chosen criteria (linear, min-max)."""

    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset()

    inverted: tuple[str, ...] = field(default=(), metadata={
        "choices": CRITERIA, "doc": "criteria applied inversely (lower value, larger share)"})
    year: int = field(default=2024, metadata={"doc": "reference year of every criterion"})
    criterion_years: tuple[tuple[str, int], ...] = field(default=(), metadata={
        "doc": "indicator:year pairs overriding the year of a criterion"})
    states: tuple[str, ...] = field(default=(), metadata={
        "doc": "ISO3 codes of the States (empty: every country with complete inputs)"})
    key_year: int | None = field(default=None, metadata={
        "doc": "year the key applies to (none: year)"})

    criteria: tuple[tuple[str, float], ...] = ()

    def _group_text(self) -> str:
        return f"{len(self.states)} States of the key (parameter states)"

    def _validate_key(self) -> None:
        _check_pairs("criteria", self.criteria)
        _check_states("states", self.states)
        names = {k for k, _w in self.criteria}
        stray = [k for k in self.inverted if k not in names]
        if stray:
            raise ParameterError(f"parameter 'inverted': {stray} are not among the criteria "
                                 f"{sorted(names)}")
        for k, _y in self.criterion_years:
            if k not in names:
                raise ParameterError(f"parameter 'criterion_years': {k!r} is not a criterion")
        if len({k for k, _y in self.criterion_years}) != len(self.criterion_years):
            raise ParameterError("parameter 'criterion_years' names a criterion twice")

    def _group(self) -> tuple[str, ...] | None:
        return self.states or None

    def _key_year(self) -> int:
        return self.key_year if self.key_year is not None else self.year

    def _year_of(self, indicator: str) -> int:
        return dict(self.criterion_years).get(indicator, self.year)

    def _criteria_inputs(self) -> frozenset[str]:
        return frozenset(k for k, _w in self.criteria)

    def _criteria_years(self) -> dict[str, frozenset[int]]:
        return _union({k: {self._year_of(k)} for k, _w in self.criteria})

    def _gather(self, obs: _Obs, st: _State) -> None:
        for k, _w in self.criteria:
            rule: Literal["positive", "non_negative"] = ("positive" if k in self.inverted
                                                         else "non_negative")
            obs.need(st, k, k, self._year_of(k), rule)

    def _criteria_label(self) -> str:
        return ", ".join(f"{k} {self._year_of(k)} ({w:g}{', inversely' if k in self.inverted else ''})"
                         for k, w in self.criteria)

    def _weighted(self, states: list[str], table: pd.DataFrame, scale: _Scale, quantity: str,
                  unit: str) -> tuple[np.ndarray, list[dict[str, object]], list[str]]:
        """Weighted mean of the criteria scaled by ``scale``, one row per criterion and State.

        Returns the mean, the rows of each criterion's scaled values (``quantity``) and the
        criteria ``scale`` found degenerate (equal or zero for every State).
        """
        total_w = sum(w for _k, w in self.criteria)
        combined = np.zeros(len(states))
        rows: list[dict[str, object]] = []
        degenerate: list[str] = []
        for k, w in self.criteria:
            inverted = k in self.inverted
            scaled, flat = scale(table[k].to_numpy(dtype=float), inverted)
            if flat:
                degenerate.append(k)
            combined += (w / total_w) * scaled
            term = f"{k} (inverted)" if inverted else k
            rows += _rows(quantity, states, self._key_year(), scaled, unit, term)
        return combined, rows, degenerate


@dataclass(frozen=True, kw_only=True)
class LinearKey(_CriteriaKey):
    r"""A weighted key over user-chosen criteria, some applied inversely.

    .. math::

        s_{k,i} = \frac{v_{k,i}}{\sum_j v_{k,j}}\ \text{(direct)},\qquad
        s_{k,i} = \frac{1/v_{k,i}}{\sum_j 1/v_{k,j}}\ \text{(inverted)},\qquad
        k_i = \frac{\sum_k w_k s_{k,i}}{\sum_k w_k}

    Covers Königsteiner-Schlüssel-style keys (e.g. 2/3 tax revenue + 1/3 population) when the
    criteria are in the vocabulary, and the uncapped EU 2015 key given its four criteria. See
    ``methodology/linear_key.md``.

    Parameters
    ----------
    criteria : tuple of (str, float)
        Indicator:weight pairs (default population 0.5, gdp_usd_current 0.5).
    inverted : tuple of str
        Criteria applied inversely.
    year : int
        Reference year of every criterion (2024).
    criterion_years : tuple of (str, int)
        Indicator:year pairs overriding ``year``.
    states : tuple of str
        States of the key; empty: every country with complete inputs.
    key_year : int, optional
        Year of the estimates (default: ``year``).
    total, actual, actual_year, sources
        As for :class:`EuRelocation2015`.
    """

    name: ClassVar[str] = "linear_key"
    reference: ClassVar[str] = "methodology/linear_key.md"
    summary: ClassVar[str] = "Weighted key over chosen criteria (some inversely)"
    labels = _key_labels(
        "Linear key over chosen criteria",
        "Each State's share of a total as the weighted mean of its shares of chosen criteria",
        {"criterion_share": "Criterion share"})

    criteria: tuple[tuple[str, float], ...] = field(
        default=(("population", 0.5), ("gdp_usd_current", 0.5)),
        metadata={"doc": "indicator:weight pairs, e.g. population:0.5,gdp_usd_current:0.5"})

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        key, rows, zero_sum = self._weighted(states, table, _criterion_share, "criterion_share",
                                             _SHARE)
        notes = [f"Key = weighted mean of criterion shares: {self._criteria_label()}; an "
                 "inverted criterion's share is (1/v) / sum(1/v). Intensive criteria (rates, "
                 "per-capita values) used as shares ignore the States' size; see Grech (2017)."]
        if zero_sum:
            notes.append(f"{', '.join(zero_sum)} is zero for every State, so it is shared "
                         "equally.")
        return key, rows, {}, notes


@dataclass(frozen=True, kw_only=True)
class MinmaxKey(_CriteriaKey):
    r"""A min-max normalised index key (Bovens & Bartsch style).

    .. math::

        z_{k,i} = \frac{v_{k,i} - \min_j v_{k,j}}{\max_j v_{k,j} - \min_j v_{k,j}}
        \ \ (\text{inverted: } \tfrac{\max_j v_{k,j} - v_{k,i}}{\max_j v_{k,j} - \min_j v_{k,j}}),
        \qquad
        c_i = \frac{\sum_k w_k z_{k,i}}{\sum_k w_k},\qquad
        k_i = \frac{c_i P_i}{\sum_j c_j P_j}

    :math:`c_i` is a per-capita capacity score in [0, 1]; :math:`P_i` the population
    (``scale_by="population"``; ``"none"`` shares the scores themselves). A criterion equal for
    every State scores 1 everywhere. See ``methodology/minmax_key.md``.

    Parameters
    ----------
    criteria : tuple of (str, float)
        Indicator:weight pairs (default GDP per capita PPP 1, unemployment rate 1).
    inverted : tuple of str
        Criteria where a lower value means more capacity (default unemployment_rate).
    scale_by : {"population", "none"}
    population_year : int, optional
        Year of the population scaling (default: ``year``).
    year, criterion_years, states, key_year, total, actual, actual_year, sources
        As for :class:`LinearKey`.
    """

    name: ClassVar[str] = "minmax_key"
    reference: ClassVar[str] = "methodology/minmax_key.md"
    summary: ClassVar[str] = "Min-max normalised capacity index x population (Bovens & Bartsch)"
    labels = _key_labels(
        "Min-max capacity key (Bovens & Bartsch)",
        "Each State's share of a total by a min-max normalised capacity score, scaled by "
        "population",
        {"minmax_index": "Min-max normalised criterion", "capacity_score": "Capacity score"})

    criteria: tuple[tuple[str, float], ...] = field(
        default=(("gdp_ppp_per_capita_intl_current", 1.0), ("unemployment_rate", 1.0)),
        metadata={"doc": "indicator:weight pairs of the capacity index"})
    inverted: tuple[str, ...] = field(default=("unemployment_rate",), metadata={
        "choices": CRITERIA, "doc": "criteria where lower means more capacity"})
    scale_by: Literal["population", "none"] = field(default="population", metadata={
        "doc": "multiply the per-capita score by population (Bovens & Bartsch) or not"})
    population_year: int | None = field(default=None, metadata={
        "doc": "year of the population scaling (none: year)"})

    def _pop_year(self) -> int:
        return self.population_year if self.population_year is not None else self.year

    def _criteria_inputs(self) -> frozenset[str]:
        extra = {"population"} if self.scale_by == "population" else set()
        return super()._criteria_inputs() | extra

    def _criteria_years(self) -> dict[str, frozenset[int]]:
        extra = {"population": {self._pop_year()}} if self.scale_by == "population" else {}
        return _union(super()._criteria_years(), extra)

    def _gather(self, obs: _Obs, st: _State) -> None:
        for k, _w in self.criteria:
            obs.need(st, k, k, self._year_of(k), "non_negative")
        if self.scale_by == "population":
            obs.need(st, "_population", "population", self._pop_year(), "positive")

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        score, rows, flat = self._weighted(states, table, _minmax, "minmax_index", _INDEX)
        y = self._key_year()
        rows += _rows("capacity_score", states, y, score, _INDEX)
        mass = score * (table["_population"].to_numpy() if self.scale_by == "population" else 1.0)
        if mass.sum() <= 0:
            raise EstimatorError(f"{self.name}: every State scores zero (a single State, or "
                                 "all criteria at their minimum); add States or criteria")
        key = mass / mass.sum()
        notes = [f"Capacity score = weighted mean of min-max normalised criteria: "
                 f"{self._criteria_label()}; the lowest-scoring State on a criterion gets 0 on "
                 "it" + ("; key = score x population, renormalised."
                         if self.scale_by == "population" else "; key = score, renormalised.")]
        if flat:
            notes.append(f"{', '.join(flat)} is equal for every State and scores 1 everywhere.")
        return key, rows, {}, notes
