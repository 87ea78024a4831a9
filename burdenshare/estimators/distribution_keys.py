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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..countries import is_country
from ..data import Dataset
from ..indicators import VOCABULARY
from ..results import Computation, estimate_row
from .allocation import largest_remainder
from .base import EstimatorBase, Ledger
from .inequality import gini_lorenz

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

#: The 22 Member States among which COM(2015) 451 (9 Sep 2015) shares 120,000 persons relocated
#: from Italy, Greece and Hungary (shared/data/eu_relocation_2015_allocations.csv).
COM_2015_451_STATES: tuple[str, ...] = (
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "ESP", "EST", "FIN", "FRA", "HRV", "LTU", "LUX",
    "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "SWE",
)
#: The 23 Member States of the COM(2015) 286 Annex I key for Italy (27 May 2015): the above and
#: Hungary.
COM_2015_286_STATES: tuple[str, ...] = tuple(sorted((*COM_2015_451_STATES, "HUN")))
#: The 28 EU Member States of 2015.
EU28_2015: tuple[str, ...] = tuple(sorted((*COM_2015_286_STATES, "DNK", "GBR", "GRC", "IRL",
                                           "ITA")))
#: The 27 EU Member States since 1 February 2020.
EU27_2020: tuple[str, ...] = tuple(c for c in EU28_2015 if c != "GBR")
#: The 32 EU/EFTA States of Grech (2017), Tables 1 and 2.
GRECH_2017_STATES: tuple[str, ...] = tuple(sorted((*EU28_2015, "CHE", "ISL", "LIE", "NOR")))

#: Indicators an actual distribution can be read from (persons).
ACTUALS = ("asylum_applications", "asylum_applications_new", "resettlement_arrivals",
           "refugees", "asylum_seekers")

_SHARE = "fraction of the group total (0-1)"
_PERSONS = "persons"
_GAP = "actual share minus key share"
_RATIO = "actual share / key share"
_INDEX = "index (0-1)"
_FACTOR = "factor (1 = average)"
_EUR = "EUR"

#: Vocabulary indicators a generic key can use as a criterion: numeric, one country each, never
#: negative (a negative value has no share).
CRITERIA = tuple(sorted(i.name for i in VOCABULARY.values()
                        if not i.dyadic and i.non_negative
                        and i.kind in ("count", "stock", "flow", "money", "area", "rate")))


# --------------------------------------------------------------------------- helpers
def _years_label(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _row(quantity: str, iso3: object, year: int, estimate: float, unit: str,
         term: object = None) -> dict[str, object]:
    return estimate_row(quantity, iso3, year, term, estimate, unit)


def _rows(quantity: str, states: Sequence[str], year: int, values: Iterable[float], unit: str,
          term: object = None) -> list[dict[str, object]]:
    return [_row(quantity, s, year, v, unit, term) for s, v in zip(states, values)]


def _inverse_shares(v: np.ndarray) -> np.ndarray:
    inv = 1.0 / v
    shares: np.ndarray = inv / inv.sum()
    return shares


def _check_states(name: str, states: tuple[str, ...]) -> None:
    if len(set(states)) != len(states):
        dup = sorted({s for s in states if states.count(s) > 1})
        raise ParameterError(f"parameter {name!r} repeats {dup}")
    if states:
        ok = is_country(states).to_numpy()
        bad = [s for s, k in zip(states, ok) if not k]
        if bad:
            raise ParameterError(f"parameter {name!r}: {bad} are not ISO3 country codes")


def _check_total(value: int | None, name: str = "total") -> None:
    if value is not None and value < 0:
        raise ParameterError(f"parameter {name!r} = {value} must be at least 0")


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


@dataclass
class _State:
    """Inputs of one State, gathered before deciding whether it enters the key."""

    iso3: str
    values: dict[str, float] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    spare: list[tuple[int, str, str]] = field(default_factory=list)
    bad: list[tuple[int, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


class _Obs:
    """Lookup of the in-scope, non-missing observations by (iso3, indicator, year)."""

    def __init__(self, frame: pd.DataFrame, nan: set[tuple[str, str, int]]) -> None:
        self._v = {(str(i), str(ind), int(y)): (float(v), int(r)) for i, ind, y, v, r in
                   zip(frame["iso3"], frame["indicator"], frame["year"], frame["value"],
                       frame["_row"])}
        self.nan = nan

    def get(self, iso3: str, indicator: str, year: int) -> tuple[float, int] | None:
        return self._v.get((iso3, indicator, year))

    def absent(self, iso3: str, indicator: str, year: int) -> str:
        if (iso3, indicator, year) in self.nan:
            return f"{indicator} {year} is missing (NaN)"
        return f"no {indicator} observation for {year}"

    def need(self, st: _State, name: str, indicator: str, year: int,
             rule: Literal["positive", "non_negative"]) -> float | None:
        hit = self.get(st.iso3, indicator, year)
        if hit is None:
            st.problems.append(self.absent(st.iso3, indicator, year))
            return None
        v, r = hit
        if rule == "positive" and v <= 0:
            msg = f"{indicator} {year} is {v:g}; the key needs it above zero"
            st.bad.append((r, "non_positive_denominator", msg))
            st.problems.append(msg)
            return None
        st.values[name] = v
        st.rows.append(r)
        return v


def _scope(ledger: Ledger, group: tuple[str, ...] | None, group_label: str,
           wanted: Mapping[str, frozenset[int]]) -> set[tuple[str, str, int]]:
    """Exclude what is outside the group or the reference years, and missing values."""
    f = ledger.active()
    rows = f["_row"].to_numpy()
    codes = f["iso3"].to_numpy()
    if group is None:
        ledger.exclude_non_countries()
    else:
        out = ~np.isin(codes, np.array(group, dtype=object))
        ledger.exclude(rows[out], "not_in_group",
                       [f"{c} is not one of the {group_label}" for c in codes[out]])
    f = ledger.active()
    inds = f["indicator"].to_numpy()
    years = f["year"].to_numpy()
    ok = np.array([int(y) in wanted.get(i, frozenset()) for i, y in zip(inds, years)], dtype=bool)
    labels = {i: _years_label(ys) for i, ys in wanted.items()}
    ledger.exclude(f["_row"].to_numpy()[~ok], "not_reference_year",
                   [f"{i} is used for {labels.get(i, 'no year')} only" for i in inds[~ok]])
    f = ledger.active()
    nan = f["value"].isna().to_numpy()
    sub = f[nan]
    ledger.exclude(sub["_row"].to_numpy(), "missing_value", "the value is missing in the input")
    return {(str(i), str(ind), int(y)) for i, ind, y in
            zip(sub["iso3"], sub["indicator"], sub["year"])}


def _union(*parts: Mapping[str, Iterable[int]]) -> dict[str, frozenset[int]]:
    out: dict[str, set[int]] = {}
    for p in parts:
        for k, ys in p.items():
            out.setdefault(k, set()).update(int(y) for y in ys)
    return {k: frozenset(v) for k, v in out.items()}


def _effort(obs: _Obs, st: _State, *, applications: str, years: tuple[int, ...],
            resettlement: bool, missing: str, rule: Literal["positive", "non_negative"]) -> None:
    """Past asylum effort per million inhabitants, averaged over the reference years."""
    rates: list[float] = []
    used: list[int] = []
    for t in range(years[0], years[1] + 1):
        a = obs.get(st.iso3, applications, t)
        p = obs.get(st.iso3, "population", t)
        s = obs.get(st.iso3, "resettlement_arrivals", t) if resettlement else None
        a_nan = (st.iso3, applications, t) in obs.nan
        why = ""
        if a is None and (missing == "average_observed" or a_nan):
            why = obs.absent(st.iso3, applications, t)
        elif p is None:
            why = obs.absent(st.iso3, "population", t)
        elif p[0] <= 0:
            why = f"population {t} is {p[0]:g}"
            st.bad.append((p[1], "non_positive_denominator",
                           f"population {t} is {p[0]:g}, so applications per million are "
                           "undefined"))
        year_rows = [h[1] for h in (a, p, s) if h is not None]
        if why or p is None:
            detail = (f"{st.iso3} {t} is left out of the {years[0]}-{years[1]} effort average: "
                      f"{why}")
            st.spare.extend((r, "missing_counterpart", detail) for r in year_rows)
            continue
        count = (a[0] if a is not None else 0.0) + (s[0] if s is not None else 0.0)
        rates.append(count / p[0] * 1e6)
        used.extend(year_rows)
    if not rates:
        st.problems.append(f"no year of {years[0]}-{years[1]} has both {applications} and "
                           "population")
        return
    x = float(np.mean(rates))
    if rule == "positive" and x <= 0:
        msg = (f"past asylum effort {years[0]}-{years[1]} is zero, so its inverse is "
               "undefined")
        st.bad.extend((r, "non_positive_denominator", msg) for r in used)
        st.problems.append(msg)
        return
    st.values["effort"] = x
    st.values["effort_years_observed"] = float(len(rates))
    st.rows.extend(used)


# --------------------------------------------------------------------------- the shared base
@dataclass(frozen=True, kw_only=True)
class _KeyBase(EstimatorBase):
    """Shared machinery of the distribution keys (not registered)."""

    quantity: ClassVar[str] = "key_share"
    unit: ClassVar[str] = _SHARE

    total: int | None = field(default=None, metadata={
        "doc": "persons to allocate; adds quantity 'allocation' (whole persons, largest "
               "remainder)"})
    actual: Literal["none", "asylum_applications", "asylum_applications_new",
                    "resettlement_arrivals", "refugees", "asylum_seekers"] = field(
        default="none", metadata={"doc": "actual figures to set against the key (adds "
                                         "actual_share, gap, ratio, gini)"})
    actual_year: int | None = field(default=None, metadata={
        "doc": "year of the actual figures (none: key_year)"})
    sources: tuple[tuple[str, str], ...] = field(default=(), metadata={
        "doc": "indicator:source pairs choosing the source of an indicator given by several"})

    # ---- hooks
    def _group(self) -> tuple[str, ...] | None:
        raise NotImplementedError

    def _group_text(self) -> str:
        return "States of the key"

    def _key_year(self) -> int:
        raise NotImplementedError

    def _criteria_inputs(self) -> frozenset[str]:
        raise NotImplementedError

    def _criteria_years(self) -> dict[str, frozenset[int]]:
        raise NotImplementedError

    def _gather(self, obs: _Obs, st: _State) -> None:
        raise NotImplementedError

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        raise NotImplementedError

    def _extra_inputs(self) -> dict[str, frozenset[int]]:
        return {}

    def _extra(self, obs: _Obs, states: list[str], key: np.ndarray, uses: list[int],
               excl: list[tuple[int, str, str]]) -> tuple[list[dict[str, object]], list[str],
                                                           dict[str, Any]]:
        return [], [], {}

    # ---- shared
    def _validate(self) -> None:
        _check_total(self.total)
        self._validate_key()

    def _validate_key(self) -> None:
        """Estimator-specific parameter checks."""

    def _actual_year(self) -> int:
        return self.actual_year if self.actual_year is not None else self._key_year()

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        extra = frozenset(self._extra_inputs())
        act = frozenset() if self.actual == "none" else frozenset({self.actual})
        return self._criteria_inputs() | extra | act

    def optional_inputs(self) -> frozenset[str]:
        """Indicators that may be absent altogether (none by default)."""
        return frozenset()

    def _wanted(self) -> dict[str, frozenset[int]]:
        act: dict[str, set[int]] = ({} if self.actual == "none"
                                    else {self.actual: {self._actual_year()}})
        return _union(self._criteria_years(), self._extra_inputs(), act)

    def _compute(self, data: Dataset) -> Computation:
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        group = self._group()
        nan = _scope(ledger, group, self._group_text(), self._wanted())
        obs = _Obs(ledger.active(), nan)
        present = sorted(set(ledger.active()["iso3"]) | {k[0] for k in nan})
        candidates = list(group) if group is not None else present
        states: list[_State] = []
        for iso3 in candidates:
            st = _State(iso3)
            self._gather(obs, st)
            states.append(st)
        kept = [st for st in states if st.complete]
        left_out = {st.iso3: "; ".join(st.problems) for st in states if not st.complete}
        # uses first (a row can serve several purposes), then exclusions (first reason wins)
        for st in kept:
            ledger.use(st.rows)
        for st in states:
            for r, reason, detail in (*st.bad, *st.spare):
                ledger.exclude([r], reason, detail)
        active = ledger.active()
        for st in states:
            if not st.complete:
                state_rows = active["_row"][active["iso3"] == st.iso3].to_numpy()
                ledger.exclude(state_rows, "missing_counterpart",
                               f"{st.iso3} is left out of the key: {left_out[st.iso3]}")
        names = [st.iso3 for st in kept]
        year = self._key_year()
        rows: list[dict[str, object]] = []
        assumptions: list[str] = []
        diagnostics: dict[str, Any] = {}
        if kept:
            table = pd.DataFrame([st.values for st in kept], index=names)
            key, extra_rows, diag, notes = self._key(names, table)
            rows += _rows("key_share", names, year, key, _SHARE)
            rows += extra_rows
            diagnostics.update(diag)
            assumptions += notes
            if self.total is not None:
                alloc = largest_remainder(key / key.sum(), self.total, names)
                rows += _rows("allocation", names, year, alloc, _PERSONS)
                assumptions.append(
                    f"The {self.total:,} persons are allocated in whole persons by the "
                    "largest-remainder rule: each State gets the integer part of its share of "
                    "the total, and the persons left over go one each to the largest remainders "
                    "(ties: larger share, then ISO3 code).")
            uses: list[int] = []
            excl: list[tuple[int, str, str]] = []
            if self.actual != "none":
                a_rows, a_notes, a_diag = self._actual_rows(obs, names, key, uses, excl)
                rows += a_rows
                assumptions += a_notes
                diagnostics.update(a_diag)
            x_rows, x_notes, x_diag = self._extra(obs, names, key, uses, excl)
            rows += x_rows
            assumptions += x_notes
            diagnostics.update(x_diag)
            ledger.use(uses)
            for r, reason, detail in excl:
                ledger.exclude([r], reason, detail)
        if left_out:
            assumptions.append(
                "States without a complete set of inputs are left out and the others' shares "
                "rise accordingly; left out here: "
                + "; ".join(f"{k} ({v})" for k, v in sorted(left_out.items())) + ".")
        excluded = ledger.excluded_frame()
        diagnostics = {"used": ledger.n_used, "excluded": len(excluded),
                       "states": ", ".join(names), "n_states": len(names),
                       "left_out": dict(sorted(left_out.items())), **diagnostics}
        est = pd.DataFrame(rows) if rows else pd.DataFrame(
            columns=list(_row("", None, 0, 0.0, "")))
        return Computation(estimates=est, excluded=excluded, assumptions=tuple(assumptions),
                           diagnostics=diagnostics)

    def _actual_rows(self, obs: _Obs, states: list[str], key: np.ndarray, uses: list[int],
                     excl: list[tuple[int, str, str]]
                     ) -> tuple[list[dict[str, object]], list[str], dict[str, Any]]:
        ind, t = self.actual, self._actual_year()
        values = np.zeros(len(states))
        nan_states = [s for s in states if (s, ind, t) in obs.nan]
        absent: list[str] = []
        found: list[int] = []
        for i, s in enumerate(states):
            hit = obs.get(s, ind, t)
            if hit is None:
                if s not in nan_states:
                    absent.append(s)
                continue
            values[i] = hit[0]
            found.append(hit[1])
        if nan_states:
            detail = (f"the actual distribution needs every State's {ind} {t}; missing for "
                      f"{', '.join(nan_states)}")
            excl.extend((r, "missing_counterpart", detail) for r in found)
            return [], [f"No actual comparison: {ind} {t} is missing for "
                        f"{', '.join(nan_states)}."], {"actual_absent": absent}
        uses.extend(found)
        total = values.sum()
        notes = [f"Actual distribution = {ind} ({VOCABULARY[ind].description.split(';')[0]}) "
                 f"in {t} among the States of the key; a State without an observation counts "
                 "as none." + (f" None observed for: {', '.join(absent)}." if absent else "")]
        if total <= 0:
            return [], [*notes, f"No actual comparison: {ind} {t} is zero for every State."], \
                {"actual_absent": absent}
        share = values / total
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(key > 0, share / key, np.nan)
        gini, _lorenz = gini_lorenz(np.array(states, dtype=object), values, key)
        rows = (_rows("actual_share", states, t, share, _SHARE)
                + _rows("gap", states, t, share - key, _GAP)
                + _rows("ratio", states, t, ratio, _RATIO)
                + [_row("gini", None, t, gini, _INDEX, f"{ind} against key_share")])
        notes.append("gap = actual share - key share (positive: more than the key's share); "
                     "ratio = actual share / key share; gini: 0 when the actual figures are "
                     "exactly proportional to the key, States sorted by actual/key.")
        return rows, notes, {"actual_absent": absent, "actual_total": float(total)}


# --------------------------------------------------------------------------- EU 2015
_EFFORT_DOC = ("past asylum effort: 'computed' from applications (+ resettlement) per million "
               "inhabitants averaged over effort_years, or 'given' by the data's "
               "asylum_effort_per_million of the last effort year")


@dataclass(frozen=True, kw_only=True)
class _EffortKey(_KeyBase):
    """Keys built on population, GDP, unemployment and past asylum effort (EC 2015, Grech)."""

    states: tuple[str, ...] = field(default=(), metadata={
        "doc": "ISO3 codes of the participating States (empty: the method's own group: the "
               "States of COM(2015) 451 or 286 for the EU key, Grech's 32 EU/EFTA States)"})
    population_year: int = field(default=2014, metadata={"doc": "reference year of population"})
    gdp_year: int = field(default=2013, metadata={"doc": "reference year of total GDP"})
    unemployment_year: int = field(default=2014, metadata={
        "doc": "reference year of the unemployment rate"})
    effort_years: tuple[int, ...] = field(default=(2010, 2014), metadata={
        "doc": "first and last year of the past-effort average (two years, e.g. 2010,2014)"})
    effort: Literal["computed", "given"] = field(default="computed",
                                                 metadata={"doc": _EFFORT_DOC})
    effort_applications: Literal["asylum_applications_new", "asylum_applications"] = field(
        default="asylum_applications_new", metadata={
            "doc": "applications counted in the effort: new (UNHCR app_type N) or all"})
    effort_resettlement: bool = field(default=True, metadata={
        "doc": "add resettlement arrivals to the applications in the effort"})
    effort_missing: Literal["average_observed", "count_as_zero"] = field(
        default="average_observed", metadata={
            "doc": "a year without an application observation drops out of the State's average "
                   "(average_observed) or counts as zero applications (count_as_zero)"})
    key_year: int = field(default=2015, metadata={
        "doc": "year the key applies to (the year of its estimates)"})

    _rule: ClassVar[Literal["positive", "non_negative"]] = "positive"

    def _validate_key(self) -> None:
        _check_states("states", self.states)
        if len(self.effort_years) != 2:
            raise ParameterError(f"parameter 'effort_years' = {list(self.effort_years)} must "
                                 "give two years: the first and the last")
        if self.effort_years[0] > self.effort_years[1]:
            raise ParameterError(f"parameter 'effort_years' = {list(self.effort_years)}: the "
                                 "first year is after the last")

    def _uses_effort(self) -> bool:
        return True

    def _uses_unemployment(self) -> bool:
        return True

    def _effort_year_given(self) -> int:
        return self.effort_years[1]

    def _key_year(self) -> int:
        return self.key_year

    def _criteria_inputs(self) -> frozenset[str]:
        out = {"population", "gdp_usd_current"}
        if self._uses_unemployment():
            out.add("unemployment_rate")
        if self._uses_effort():
            if self.effort == "given":
                out.add("asylum_effort_per_million")
            else:
                out.add(self.effort_applications)
                if self.effort_resettlement:
                    out.add("resettlement_arrivals")
        return frozenset(out)

    def optional_inputs(self) -> frozenset[str]:
        """Resettlement arrivals may be absent altogether (none reported counts as none)."""
        if self._uses_effort() and self.effort == "computed" and self.effort_resettlement:
            return frozenset({"resettlement_arrivals"})
        return frozenset()

    def _criteria_years(self) -> dict[str, frozenset[int]]:
        span = range(self.effort_years[0], self.effort_years[1] + 1)
        parts: list[dict[str, Iterable[int]]] = [
            {"population": {self.population_year}, "gdp_usd_current": {self.gdp_year}}]
        if self._uses_unemployment():
            parts.append({"unemployment_rate": {self.unemployment_year}})
        if self._uses_effort():
            if self.effort == "given":
                parts.append({"asylum_effort_per_million": {self._effort_year_given()}})
            else:
                parts.append({"population": span, self.effort_applications: span})
                if self.effort_resettlement:
                    parts.append({"resettlement_arrivals": span})
        return _union(*parts)

    def _gather(self, obs: _Obs, st: _State) -> None:
        obs.need(st, "population", "population", self.population_year, "positive")
        obs.need(st, "gdp", "gdp_usd_current", self.gdp_year, "positive")
        if self._uses_unemployment():
            obs.need(st, "unemployment", "unemployment_rate", self.unemployment_year, self._rule)
        if self._uses_effort():
            if self.effort == "given":
                obs.need(st, "effort", "asylum_effort_per_million", self._effort_year_given(),
                         self._rule)
            else:
                _effort(obs, st, applications=self.effort_applications,
                        years=self.effort_years, resettlement=self.effort_resettlement,
                        missing=self.effort_missing, rule=self._rule)

    def _input_notes(self) -> list[str]:
        notes = [
            f"Population = mid-year total population in {self.population_year}; GDP = total "
            f"GDP at market prices in current US dollars in {self.gdp_year} (only shares "
            "enter the key, so the currency matters only through exchange rates)."]
        if self._uses_unemployment():
            notes.append(f"Unemployment = unemployment rate (% of labour force) in "
                         f"{self.unemployment_year}.")
        if self._uses_effort():
            y0, y1 = self.effort_years
            if self.effort == "given":
                notes.append(f"Past asylum effort = the data's asylum_effort_per_million of "
                             f"{y1}, read as the {y0}-{y1} average.")
            else:
                what = ("new asylum applications (UNHCR application type N)"
                        if self.effort_applications == "asylum_applications_new"
                        else "asylum applications of all types")
                plus = " plus resettlement arrivals" if self.effort_resettlement else ""
                rule = ("a year without an application observation drops out of that State's "
                        "average (diagnostics: effort_years_observed)"
                        if self.effort_missing == "average_observed"
                        else "a year without an application observation counts as zero "
                        "applications")
                notes.append(
                    f"Past asylum effort = mean over {y0}-{y1} of {what}{plus} per million "
                    f"inhabitants of the same year; {rule}; a missing (NaN) count never "
                    "counts as zero"
                    + ("; a year without a resettlement observation counts as no resettlement "
                       "(UNHCR publishes no zero flows)." if self.effort_resettlement else "."))
        return notes

    def _effort_diag(self, table: pd.DataFrame) -> dict[str, Any]:
        if self._uses_effort() and self.effort == "computed":
            n = table["effort_years_observed"].astype(int)
            full = self.effort_years[1] - self.effort_years[0] + 1
            return {"effort_years_observed": {k: int(v) for k, v in n.items() if v < full}}
        return {}


@dataclass(frozen=True, kw_only=True)
class EuRelocation2015(_EffortKey):
    r"""The European Commission's 2015 relocation key (COM(2015) 286; COM(2015) 450/451).

    Over the participating States :math:`I`, with population :math:`P`, total GDP :math:`G`,
    past asylum effort :math:`x` (applications and resettled refugees per million inhabitants,
    period average) and unemployment rate :math:`y`:

    .. math::

        \pi^{pop}_i = P_i/\textstyle\sum_{j\in I} P_j,\quad
        \pi^{GDP}_i = G_i/\textstyle\sum_j G_j,\quad
        \pi^{base}_i = \frac{\alpha_1\pi^{pop}_i + \alpha_2\pi^{GDP}_i}{\alpha_1+\alpha_2},\quad
        \pi^{x}_i = \frac{1/x_i}{\sum_j 1/x_j},\quad
        \pi^{y}_i = \frac{1/y_i}{\sum_j 1/y_j}

    ``variant="uncapped"`` (May 2015):
    :math:`k_i = \alpha_1\pi^{pop}_i + \alpha_2\pi^{GDP}_i + \alpha_3\pi^x_i + \alpha_4\pi^y_i`.
    ``variant="capped"`` (September 2015): the corrective effects are capped,
    :math:`e^x_i = \min(\pi^x_i, c_i)`, :math:`e^y_i = \min(\pi^y_i, c_i)` with
    :math:`c_i = \kappa(\pi^{pop}_i + \pi^{GDP}_i)` (``cap_basis="population_plus_gdp_share"``)
    or :math:`c_i = \kappa\,\pi^{base}_i` (``"base_share"``), and the residual goes by the base
    share:

    .. math::

        q_i = \alpha_1\pi^{pop}_i + \alpha_2\pi^{GDP}_i + \alpha_3 e^x_i + \alpha_4 e^y_i,\qquad
        k_i = q_i + \Bigl(1 - \textstyle\sum_j q_j\Bigr)\pi^{base}_i .

    Defaults: :math:`\alpha = (0.4, 0.4, 0.1, 0.1)`, :math:`\kappa = 0.3`. See
    ``methodology/eu_relocation_2015.md``.

    Parameters
    ----------
    variant : {"capped", "uncapped"}
        September 2015 (COM(2015) 450/451) or May 2015 (COM(2015) 286) formula.
    cap_basis : {"population_plus_gdp_share", "base_share"}
        What the cap multiplies: the sum of population and GDP shares (reproduces the
        Commission's COM(2015) 451 allocations; default) or the base share (reproduces Grech's
        Table 1).
    cap_fraction : float
        :math:`\kappa`.
    weight_population, weight_gdp, weight_effort, weight_unemployment : float
        :math:`\alpha_1..\alpha_4`, summing to 1.
    states : tuple of str
        Participating States; empty: the 22 States of COM(2015) 451 (capped) or the 23 of
        COM(2015) 286 Annex I (uncapped).
    total : int, optional
        Persons to allocate (``allocation``).
    population_year, gdp_year, unemployment_year : int
        Reference years (2014, 2013, 2014).
    effort_years : (int, int)
        Period of the past-effort average (2010-2014).
    effort : {"computed", "given"}
        Compute the effort from the data, or read ``asylum_effort_per_million``.
    effort_applications : {"asylum_applications_new", "asylum_applications"}
    effort_resettlement : bool
    effort_missing : {"average_observed", "count_as_zero"}
    key_year : int
        Year the key applies to (2015).
    actual : str
        Actual figures to compare with the key (``none`` by default).
    actual_year : int, optional
    sources : tuple of (indicator, source) pairs

    References
    ----------
    European Commission, COM(2015) 240 Annex; COM(2015) 286 Annex I; COM(2015) 450 and 451.
    P. Grech (2017), "Undesired properties of the European Commission's refugee distribution
    key", *European Union Politics*, doi:10.1177/1465116516649244.

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.distribution_keys import EuRelocation2015
    >>> res = EuRelocation2015(total=120_000).estimate(bs.load_sample())
    >>> alloc = res.estimates.query("quantity == 'allocation'").set_index("iso3")["estimate"]
    >>> int(alloc.sum()), int(alloc["DEU"])  # COM(2015) 451 published 31,443 for Germany
    (120000, 31485)
    """

    name: ClassVar[str] = "eu_relocation_2015"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset({"population", "gdp_usd_current",
                                                    "unemployment_rate"})
    reference: ClassVar[str] = "methodology/eu_relocation_2015.md"
    summary: ClassVar[str] = ("European Commission 2015 relocation key (40/40/10/10, capped or "
                              "uncapped)")

    variant: Literal["capped", "uncapped"] = field(default="capped", metadata={
        "doc": "capped (COM(2015) 450/451, September 2015) or uncapped (COM(2015) 286, May "
               "2015)"})
    cap_basis: Literal["population_plus_gdp_share", "base_share"] = field(
        default="population_plus_gdp_share", metadata={
            "doc": "the cap is cap_fraction x (population share + GDP share) or cap_fraction x "
                   "base share"})
    cap_fraction: float = field(default=0.3, metadata={"gt": 0, "doc": "kappa of the cap"})
    weight_population: float = field(default=0.4, metadata={"ge": 0, "doc": "weight of "
                                                                            "population"})
    weight_gdp: float = field(default=0.4, metadata={"ge": 0, "doc": "weight of total GDP"})
    weight_effort: float = field(default=0.1, metadata={
        "ge": 0, "doc": "weight of past asylum effort (applied inversely)"})
    weight_unemployment: float = field(default=0.1, metadata={
        "ge": 0, "doc": "weight of the unemployment rate (applied inversely)"})

    def _validate_key(self) -> None:
        super()._validate_key()
        w = (self.weight_population, self.weight_gdp, self.weight_effort,
             self.weight_unemployment)
        if abs(sum(w) - 1.0) > 1e-9:
            raise ParameterError(f"the four weights must sum to 1; they sum to {sum(w):g}")
        if self.weight_population + self.weight_gdp <= 0:
            raise ParameterError("weight_population + weight_gdp must be above zero (they "
                                 "define the base share)")

    def _uses_effort(self) -> bool:
        return self.weight_effort > 0

    def _uses_unemployment(self) -> bool:
        return self.weight_unemployment > 0

    def _group_text(self) -> str:
        if self.states:
            return f"{len(self.states)} participating States (parameter states)"
        doc = "COM(2015) 451" if self.variant == "capped" else "COM(2015) 286 Annex I"
        return f"{len(self._group())} participating States of {doc}"

    def _group(self) -> tuple[str, ...]:
        if self.states:
            return self.states
        return COM_2015_451_STATES if self.variant == "capped" else COM_2015_286_STATES

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        wp, wg, we, wu = (self.weight_population, self.weight_gdp, self.weight_effort,
                          self.weight_unemployment)
        pp = table["population"].to_numpy() / table["population"].sum()
        pg = table["gdp"].to_numpy() / table["gdp"].sum()
        base = (wp * pp + wg * pg) / (wp + wg)
        n = len(states)
        ix = _inverse_shares(table["effort"].to_numpy()) if we > 0 else np.zeros(n)
        iy = _inverse_shares(table["unemployment"].to_numpy()) if wu > 0 else np.zeros(n)
        if self.variant == "capped":
            cap = self.cap_fraction * ((pp + pg) if self.cap_basis == "population_plus_gdp_share"
                                       else base)
            ex, ey = np.minimum(ix, cap), np.minimum(iy, cap)
        else:
            ex, ey = ix, iy
        q = wp * pp + wg * pg + we * ex + wu * ey
        residual = 1.0 - float(q.sum())
        key = q + residual * base
        uncapped = wp * pp + wg * pg + we * ix + wu * iy
        y = self.key_year
        rows = (_rows("population_share", states, y, pp, _SHARE)
                + _rows("gdp_share", states, y, pg, _SHARE)
                + _rows("base_share", states, y, base, _SHARE)
                + _rows("uncapped_key_share", states, y, uncapped, _SHARE))
        if we > 0:
            rows += (_rows("effort_inverse_share", states, y, ix, _SHARE)
                     + _rows("effort_effect", states, y, ex, _SHARE))
        if wu > 0:
            rows += (_rows("unemployment_inverse_share", states, y, iy, _SHARE)
                     + _rows("unemployment_effect", states, y, ey, _SHARE))
        # Grech's decomposition (his eq. 10): the key as a convex combination of the population
        # and GDP shares and the renormalised corrective effects
        eff = {"effective_weight_population": wp * (1 + residual / (wp + wg)),
               "effective_weight_gdp": wg * (1 + residual / (wp + wg)),
               "effective_weight_effort": we * float(ex.sum()),
               "effective_weight_unemployment": wu * float(ey.sum())}
        diag: dict[str, Any] = {
            "residual_share": residual,
            **{k: float(v) for k, v in eff.items()},
            "capped_effort": [s for s, a, b in zip(states, ix, ex) if b < a] if we > 0 else [],
            "capped_unemployment": ([s for s, a, b in zip(states, iy, ey) if b < a]
                                    if wu > 0 else []),
            **self._effort_diag(table),
        }
        crit = (f"population ({wp:g}), total GDP ({wg:g}), past asylum effort ({we:g}, "
                f"inversely) and unemployment ({wu:g}, inversely)")
        if self.variant == "capped":
            basis = ("the sum of its population and GDP shares"
                     if self.cap_basis == "population_plus_gdp_share" else "its base share")
            notes = [f"Key = {crit}; each corrective effect is capped at {self.cap_fraction:g} "
                     f"x {basis}, and the residual ({residual:.4f} of the total here) is shared "
                     "in proportion to the base share (Commission, September 2015)."]
        else:
            notes = [f"Key = {crit}, without a cap (Commission, May 2015)."]
        notes += self._input_notes()
        return key, rows, diag, notes


# --------------------------------------------------------------------------- Grech
@dataclass(frozen=True, kw_only=True)
class Grech2017(_EffortKey):
    r"""Grech's alternative distribution key: the base share modulated by linear factors.

    .. math::

        \lambda^{un}_i = \max\Bigl(0,\ 1 + \gamma_{un}\bigl(1 - y_i/\bar y\bigr)\Bigr),\quad
        \lambda^{as}_i = \max\Bigl(0,\ 1 + \gamma_{as}\bigl(1 - x_i/\bar x\bigr)\Bigr),\quad
        k_i = \frac{\lambda^{un}_i\lambda^{as}_i\pi^{base}_i}
                   {\sum_j \lambda^{un}_j\lambda^{as}_j\pi^{base}_j}

    with :math:`\pi^{base}_i = \tfrac12(\pi^{pop}_i + \pi^{GDP}_i)`, :math:`y` the unemployment
    rate, :math:`x` past asylum effort per capita and :math:`\bar y, \bar x` their unweighted
    means over the States (Grech 2017, eqs. 3, 12-14). :math:`\gamma_{as} = 0` gives his
    unemployment-only key :math:`\pi^*` (reported anyway as ``key_share_unemployment_only``).
    See ``methodology/grech_2017.md``.

    Parameters
    ----------
    gamma_unemployment, gamma_asylum : float
        :math:`\gamma_{un}, \gamma_{as}` (Grech: 1/10 each).
    states : tuple of str
        Participating States; empty: Grech's 32 EU/EFTA States.
    total, population_year, gdp_year, unemployment_year, effort_years, effort,
    effort_applications, effort_resettlement, effort_missing, key_year, actual, actual_year,
    sources
        As for :class:`EuRelocation2015`.

    References
    ----------
    P. Grech (2017), *European Union Politics*, doi:10.1177/1465116516649244, section "An
    alternative distribution key" and Table 2.
    """

    name: ClassVar[str] = "grech_2017"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset({"population", "gdp_usd_current"})
    reference: ClassVar[str] = "methodology/grech_2017.md"
    summary: ClassVar[str] = "Grech's alternative key: base share x modulating factors"

    gamma_unemployment: float = field(default=0.1, metadata={
        "ge": 0, "doc": "strength of the unemployment modulation (Grech: 0.1)"})
    gamma_asylum: float = field(default=0.1, metadata={
        "ge": 0, "doc": "strength of the past-asylum modulation (Grech: 0.1)"})

    _rule: ClassVar[Literal["positive", "non_negative"]] = "non_negative"

    def _uses_effort(self) -> bool:
        return self.gamma_asylum > 0

    def _uses_unemployment(self) -> bool:
        return self.gamma_unemployment > 0

    def _group_text(self) -> str:
        if self.states:
            return f"{len(self.states)} participating States (parameter states)"
        return "32 EU/EFTA States of Grech (2017)"

    def _group(self) -> tuple[str, ...]:
        return self.states or GRECH_2017_STATES

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        pp = table["population"].to_numpy() / table["population"].sum()
        pg = table["gdp"].to_numpy() / table["gdp"].sum()
        base = 0.5 * (pp + pg)
        n = len(states)
        lu = (_modulating(table["unemployment"].to_numpy(), self.gamma_unemployment)
              if self._uses_unemployment() else np.ones(n))
        la = (_modulating(table["effort"].to_numpy(), self.gamma_asylum)
              if self._uses_effort() else np.ones(n))
        star_w = lu * base
        both_w = lu * la * base
        if star_w.sum() <= 0 or both_w.sum() <= 0:
            raise EstimatorError(f"{self.name}: every modulating factor is zero; lower "
                                 "gamma_unemployment / gamma_asylum")
        star = star_w / star_w.sum()
        key = both_w / both_w.sum()
        y = self.key_year
        rows = (_rows("population_share", states, y, pp, _SHARE)
                + _rows("gdp_share", states, y, pg, _SHARE)
                + _rows("base_share", states, y, base, _SHARE)
                + _rows("modulating_factor_unemployment", states, y, lu, _FACTOR)
                + _rows("modulating_factor_asylum", states, y, la, _FACTOR)
                + _rows("key_share_unemployment_only", states, y, star, _SHARE))
        diag = {"clipped_at_zero": [s for s, a, b in zip(states, lu, la) if a == 0 or b == 0],
                **self._effort_diag(table)}
        notes = [f"Key = base share (1/2 population share + 1/2 GDP share) x unemployment "
                 f"factor (gamma {self.gamma_unemployment:g}) x past-asylum factor (gamma "
                 f"{self.gamma_asylum:g}), renormalised; each factor is 1 at the unweighted "
                 "mean of the States and never below 0.", *self._input_notes()]
        return key, rows, diag, notes


def _modulating(v: np.ndarray, gamma: float) -> np.ndarray:
    mean = float(v.mean())
    if mean <= 0:
        return np.ones(len(v))
    return np.maximum(0.0, 1.0 + gamma * (1.0 - v / mean))


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
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset()
    reference: ClassVar[str] = "methodology/linear_key.md"
    summary: ClassVar[str] = "Weighted key over chosen criteria (some inversely)"

    criteria: tuple[tuple[str, float], ...] = field(
        default=(("population", 0.5), ("gdp_usd_current", 0.5)),
        metadata={"doc": "indicator:weight pairs, e.g. population:0.5,gdp_usd_current:0.5"})

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        total_w = sum(w for _k, w in self.criteria)
        key = np.zeros(len(states))
        rows: list[dict[str, object]] = []
        y = self._key_year()
        zero_sum: list[str] = []
        for k, w in self.criteria:
            v = table[k].to_numpy(dtype=float)
            if k in self.inverted:
                s = _inverse_shares(v)
            elif v.sum() > 0:
                s = v / v.sum()
            else:
                zero_sum.append(k)
                s = np.full(len(v), 1.0 / len(v))
            key += (w / total_w) * s
            rows += _rows("criterion_share", states, y, s, _SHARE,
                          f"{k} (inverted)" if k in self.inverted else k)
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
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset()
    reference: ClassVar[str] = "methodology/minmax_key.md"
    summary: ClassVar[str] = "Min-max normalised capacity index x population (Bovens & Bartsch)"

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
        total_w = sum(w for _k, w in self.criteria)
        score = np.zeros(len(states))
        rows: list[dict[str, object]] = []
        y = self._key_year()
        flat: list[str] = []
        for k, w in self.criteria:
            v = table[k].to_numpy(dtype=float)
            lo, hi = float(v.min()), float(v.max())
            if hi > lo:
                z = (hi - v) / (hi - lo) if k in self.inverted else (v - lo) / (hi - lo)
            else:
                flat.append(k)
                z = np.ones(len(v))
            score += (w / total_w) * z
            rows += _rows("minmax_index", states, y, z, _INDEX,
                          f"{k} (inverted)" if k in self.inverted else k)
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
