"""The shared engine of the distribution keys: scope, per-State inputs, allocation and actuals.

A key subclasses :class:`_KeyBase` and fills in its hooks (the group, the years and indicators
it reads, how a State's inputs are gathered and how the key is formed); the engine gathers each
State's inputs (:class:`_State`, :class:`_Obs`), settles every observation in the
:class:`~burdenshare.estimators.base.Ledger`, adds the whole-person ``allocation`` and the
comparison with ``actual`` figures, and assembles the
:class:`~burdenshare.results.Computation`. The keys themselves are in
:mod:`burdenshare.estimators.distribution_keys` and
:mod:`burdenshare.estimators.eu_relocation_keys`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..countries import is_country
from ..data import Dataset
from ..indicators import VOCABULARY
from ..labels import Labels
from ..results import Computation, estimate_row
from .allocation import largest_remainder
from .base import EstimatorBase, Ledger
from .inequality import gini_lorenz

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


#: Display labels of the quantities every key can write.
_KEY_QUANTITIES: dict[str, str] = {
    "key_share": "Key share",
    "allocation": "Allocation (whole persons)",
    "actual_share": "Actual share",
    "gap": "Actual share minus key share",
    "ratio": "Actual share / key share",
    "gini": "Gini of the actual figures against the key",
}
#: Display labels of the diagnostics every key reports.
_KEY_DIAGNOSTICS: dict[str, str] = {
    "states": "States of the key",
    "n_states": "Number of States in the key",
    "left_out": "States left out (incomplete inputs)",
    "excluded": "Observations excluded",
    "actual_absent": "States without an actual observation (counted as none)",
    "actual_total": "Total of the actual figures",
}


def _key_labels(title: str, description: str, quantities: Mapping[str, str] | None = None,
                diagnostics: Mapping[str, str] | None = None) -> Labels:
    """Labels of a key: the shared quantities and diagnostics plus the key's own."""
    return Labels(title=title, family="Distribution keys", description=description, unit=_SHARE,
                  quantities={**_KEY_QUANTITIES, **(quantities or {})},
                  diagnostics={**_KEY_DIAGNOSTICS, **(diagnostics or {})})


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



@dataclass
class _Outputs:
    """What a key writes: estimate rows, assumption lines and diagnostics, in order."""

    rows: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def add(self, rows: list[dict[str, object]], notes: list[str],
            diagnostics: Mapping[str, Any]) -> None:
        """Append rows and notes; merge diagnostics."""
        self.rows += rows
        self.notes += notes
        self.diagnostics.update(diagnostics)


def _settle_states(ledger: Ledger, states: list[_State]) -> dict[str, str]:
    """Stage 3: use the inputs of complete States, exclude the rest; return who is left out."""
    left_out = {st.iso3: "; ".join(st.problems) for st in states if not st.complete}
    # uses first (a row can serve several purposes), then exclusions (first reason wins)
    for st in states:
        if st.complete:
            ledger.use(st.rows)
    for st in states:
        for r, reason, detail in (*st.bad, *st.spare):
            ledger.exclude([r], reason, detail)
    active = ledger.active()
    for iso3, why in left_out.items():
        state_rows = active["_row"][active["iso3"] == iso3].to_numpy()
        ledger.exclude(state_rows, "missing_counterpart",
                       f"{iso3} is left out of the key: {why}")
    return left_out


def _left_out_note(left_out: Mapping[str, str]) -> str:
    return ("States without a complete set of inputs are left out and the others' shares rise "
            "accordingly; left out here: "
            + "; ".join(f"{k} ({v})" for k, v in sorted(left_out.items())) + ".")


def _computation(ledger: Ledger, names: list[str], left_out: Mapping[str, str],
                 out: _Outputs) -> Computation:
    """Stage 5: the estimates frame, the exclusions and the diagnostics."""
    excluded = ledger.excluded_frame()
    diagnostics = {"excluded": len(excluded), "states": ", ".join(names),
                   "n_states": len(names), "left_out": dict(sorted(left_out.items())),
                   **out.diagnostics}
    est = pd.DataFrame(out.rows) if out.rows else pd.DataFrame(
        columns=list(_row("", None, 0, 0.0, "")))
    return Computation(estimates=est, excluded=excluded, assumptions=tuple(out.notes),
                       diagnostics=diagnostics, used=ledger.n_used)


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
        obs = self._observations(ledger)
        states = self._gather_states(ledger, obs)
        left_out = _settle_states(ledger, states)
        kept = [st for st in states if st.complete]
        out = _Outputs()
        if kept:
            self._key_outputs(ledger, obs, kept, out)
        if left_out:
            out.notes.append(_left_out_note(left_out))
        return _computation(ledger, [st.iso3 for st in kept], left_out, out)

    # ---- the stages of _compute
    def _observations(self, ledger: Ledger) -> _Obs:
        """Stage 1: exclude what is outside the scope; look the rest up."""
        nan = _scope(ledger, self._group(), self._group_text(), self._wanted())
        return _Obs(ledger.active(), nan)

    def _gather_states(self, ledger: Ledger, obs: _Obs) -> list[_State]:
        """Stage 2: each candidate State's inputs (the group, or every State of the data)."""
        group = self._group()
        present = sorted(set(ledger.active()["iso3"]) | {k[0] for k in obs.nan})
        candidates = list(group) if group is not None else present
        states: list[_State] = []
        for iso3 in candidates:
            st = _State(iso3)
            self._gather(obs, st)
            states.append(st)
        return states

    def _key_outputs(self, ledger: Ledger, obs: _Obs, kept: list[_State],
                     out: _Outputs) -> None:
        """Stage 4: the key, the allocation, the actual comparison and the key's extras."""
        names = [st.iso3 for st in kept]
        table = pd.DataFrame([st.values for st in kept], index=names)
        key, key_rows, diag, notes = self._key(names, table)
        out.add(_rows("key_share", names, self._key_year(), key, _SHARE) + key_rows, notes, diag)
        if self.total is not None:
            out.add(*self._allocation(names, key, self.total))
        uses: list[int] = []
        excl: list[tuple[int, str, str]] = []
        if self.actual != "none":
            out.add(*self._actual_rows(obs, names, key, uses, excl))
        out.add(*self._extra(obs, names, key, uses, excl))
        ledger.use(uses)
        for r, reason, detail in excl:
            ledger.exclude([r], reason, detail)

    def _allocation(self, names: list[str], key: np.ndarray, total: int
                    ) -> tuple[list[dict[str, object]], list[str], dict[str, Any]]:
        alloc = largest_remainder(key / key.sum(), total, names)
        note = (f"The {total:,} persons are allocated in whole persons by the largest-remainder "
                "rule: each State gets the integer part of its share of the total, and the "
                "persons left over go one each to the largest remainders (ties: larger share, "
                "then ISO3 code).")
        return _rows("allocation", names, self._key_year(), alloc, _PERSONS), [note], {}

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


