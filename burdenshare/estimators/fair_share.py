"""Fair-share estimators: a total shared within a group in proportion to capacity, compared with
what each member actually did (Oxfam's "fair share" method).

- :class:`FairShareFunding`: a funding requirement (USD) shared by gross national income;
  actual = contributions to that requirement, or government revenue of UNHCR.
- :class:`FairShareResettlement`: a resettlement target (persons) shared by GDP, with a
  whole-person allocation; actual = resettlement arrivals or pledges.

Formulas, sources, assumptions and validation are in ``methodology/fair_share_funding.md`` and
``methodology/fair_share_resettlement.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..countries import entity_type, is_country
from ..data import Dataset
from ..indicators import VOCABULARY
from ..labels import Labels
from ..results import Computation
from ..results import estimate_row as _row
from .allocation import largest_remainder
from .base import EstimatorBase, Ledger, sources_field

__all__ = ["FairShareFunding", "FairShareResettlement"]

_DAC = "dac_member"
_SHARE_UNIT = "fraction of the group total"
_PCT_UNIT = "percent of fair share"
#: actual indicator option -> indicators summed
_ACTUAL_PARTS: dict[str, tuple[str, ...]] = {
    "contribution_usd_current": ("contribution_usd_current",),
    "unhcr_revenue": ("unhcr_revenue_earmarked_usd_current",
                      "unhcr_revenue_unearmarked_usd_current"),
    "resettlement_arrivals": ("resettlement_arrivals",),
    "resettlement_pledges": ("resettlement_pledges",),
}
#: Display labels of the quantities of the fair-share estimators.
_FAIR_SHARE_QUANTITIES: dict[str, str] = {
    "pct_of_fair_share_met": "Per cent of fair share met",
    "key_share": "Key share (capacity share)",
    "fair_share": "Fair share",
    "allocation": "Fair share in whole persons",
    "actual": "Actual",
    "gap": "Gap: fair share minus actual",
}
#: Display labels of the diagnostics of the fair-share estimators.
_FAIR_SHARE_DIAGNOSTICS: dict[str, str] = {
    "group": "Group sharing the total",
    "years": "Years estimated",
    "capacity_year": "Year of the capacity, by year studied",
    "total_shared": "Total shared, by year",
    "key_members": "Members in the key, by year",
    "members_without_capacity": "Members without capacity (left out of the key)",
    "members_without_actual": "Members without an actual",
    "actual_absent_counted_as_zero": "Members without an actual counted as zero",
    "years_skipped": "Years that cannot be estimated",
    "sources_used": "Sources used",
    "excluded": "Observations excluded",
}



def _fair_share_labels(title: str, description: str) -> Labels:
    return Labels(title=title, family="Fair shares", description=description, unit=_PCT_UNIT,
                  quantities=_FAIR_SHARE_QUANTITIES, diagnostics=_FAIR_SHARE_DIAGNOSTICS)


_CAPACITY_LABEL = {
    "gni_atlas_usd_current": "gross national income (World Bank Atlas method, current USD)",
    "gdp_usd_current": "gross domestic product (current USD)",
}


def _group_label(name: str, group: Sequence[str], members: str, default: str) -> str:
    """The term of a group's rows: its name, else "listed group of N <members>", else default."""
    if name:
        return name
    if group:
        return f"listed group of {len(group)} {members}"
    return default


@dataclass
class _Year:
    """Working state of one year studied (internal)."""

    year: int
    capacity_year: int
    members: set[str]
    capacity: dict[str, float] = field(default_factory=dict)   # usable (> 0), key members
    actual: dict[str, float] = field(default_factory=dict)       # key members with an actual
    poisoned: set[str] = field(default_factory=set)              # an actual component missing
    absent_as_zero: list[str] = field(default_factory=list)
    left_out: set[str] = field(default_factory=set)              # no actual, total not given
    skip_reason: str = ""                                        # ledger reason if skipped
    skip_detail: str = ""
    total: float = np.nan

    @property
    def key(self) -> list[str]:
        return sorted(self.capacity)


def _group_field() -> tuple[str, ...]:
    return field(default=(), metadata={
        "doc": "ISO3 codes of the group sharing the total; empty = the DAC members of each year "
               "(dac_member observations)"})


def _group_name_field() -> str:
    return field(default="", metadata={
        "doc": "name of the group, used as term of the group-total rows (default: 'DAC members' "
               "or 'listed group of N countries')"})


def _year_field() -> int | None:
    return field(default=None, metadata={
        "ge": 1900, "le": 2100,
        "doc": "year studied (of the actuals and of DAC membership); None = every year with an "
               "actual observation"})


def _lag_field() -> int:
    return field(default=0, metadata={
        "ge": 0, "le": 50,
        "doc": "capacity is taken from this many years before the year studied (e.g. 2: the "
               "latest GNI/GDP published when a 2016 target was set)"})


def _absent_field() -> Literal["missing", "zero"]:
    return field(default="missing", metadata={
        "doc": "a group member with no actual observation: missing (no actual, % met or gap; "
               "default) or zero (counts as none, e.g. UNHCR lists only destinations with "
               "arrivals)"})



@dataclass(frozen=True, kw_only=True)
class _FairShare(EstimatorBase):
    """Shared machinery of the fair-share estimators (not registered).

    Subclasses declare every parameter (so that the total comes first in listings) and set
    ``_total_name``/``_total_source_name`` to the names of their total and its source text.
    """

    if TYPE_CHECKING:  # parameters declared by the subclasses
        group: tuple[str, ...]
        group_name: str
        year: int | None
        capacity_lag: int
        absent_actual: Literal["missing", "zero"]
        sources: tuple[tuple[str, str], ...]
        capacity: str
        actual: str

    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "pct_of_fair_share_met"
    unit: ClassVar[str] = _PCT_UNIT
    _money: ClassVar[bool] = True
    _total_name: ClassVar[str] = ""
    _total_source_name: ClassVar[str] = ""

    def expected_years(self, requested: tuple[int, ...]) -> tuple[int, ...]:
        """With ``year`` set, only that year is estimated (the others are capacity inputs)."""
        if self.year is not None:
            return tuple(y for y in requested if y == self.year)
        return requested

    # ---- parameters
    def _validate(self) -> None:
        bad = [c for c in self.group if not (len(c) == 3 and c.isascii() and c.isupper()
                                             and c.isalpha())]
        if bad:
            raise ParameterError(f"parameter 'group': {bad[0]!r} is not an ISO3 code (three "
                                 "capital letters)")
        if len(set(self.group)) != len(self.group):
            dup = sorted({c for c in self.group if self.group.count(c) > 1})
            raise ParameterError(f"parameter 'group' lists {', '.join(dup)} more than once")
        if self.group:
            nonc = [c for c, ok in zip(self.group, is_country(self.group)) if not ok]
            if nonc:
                raise ParameterError(
                    f"parameter 'group': {nonc[0]!r} is not a country ({entity_type(nonc[0])}); "
                    "a group is made of countries")
        if self.year is not None and self.year - self.capacity_lag < 1900:
            raise ParameterError(f"year {self.year} minus capacity_lag {self.capacity_lag} is "
                                 "before 1900")

    def _total(self) -> float | None:
        value = getattr(self, self._total_name)
        return None if value is None else float(value)

    def _total_source(self) -> str:
        return str(getattr(self, self._total_source_name))

    def _actual_parts(self) -> tuple[str, ...]:
        return _ACTUAL_PARTS[self.actual]

    def group_label(self) -> str:
        """Name of the group (``term`` of the group-total rows)."""
        return _group_label(self.group_name, self.group, "countries", "DAC members")

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        extra = () if self.group else (_DAC,)
        return frozenset([self.capacity, *self._actual_parts(), *extra])

    def optional_inputs(self) -> frozenset[str]:
        """UNHCR's earmarked or un-earmarked revenue may be absent altogether (not both)."""
        parts = self._actual_parts()
        return frozenset(parts) if len(parts) > 1 else frozenset()

    def _missing_hint(self, missing: list[str]) -> str:
        if _DAC in missing:
            return (". The group sharing the total is the DAC members of the year "
                    "(dac_member observations) unless you name it: pass group=AUS,AUT,... "
                    "(in Python: group=('AUS', 'AUT', ...)); without either the group cannot "
                    "be determined")
        return ""

    # ---- estimation
    def _compute(self, data: Dataset) -> Computation:
        parts = self._actual_parts()
        if not set(parts) & set(data.indicators):
            raise EstimatorError(
                f"{self.name} with actual={self.actual!r} needs indicator(s) "
                f"{' or '.join(parts)}, which the data do not contain (it has: "
                f"{', '.join(data.indicators) or 'none'})")
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        # 1. codes that are not countries never enter a group
        ledger.exclude_non_countries()
        # 2. missing values stay missing; a missing actual component makes the actual missing
        missing = ledger.exclude_missing_values()
        bad = missing[missing["indicator"].isin(parts).to_numpy()]
        poisoned = {(str(c), int(y)) for c, y in zip(bad["iso3"], bad["year"])}
        f = ledger.active()
        # 3. the years studied and their groups
        years = self._years(f, parts, poisoned)
        states = self._states(f, years)
        # 4. capacity, actuals and the total of each year
        by_ind = {ind: f[f["indicator"] == ind] for ind in self.inputs()}
        for st in states.values():
            if not st.skip_reason:
                self._fill_year(st, by_ind, poisoned)
        usable = [t for t, st in states.items() if not st.skip_reason]
        if self.year is not None and not usable:
            raise EstimatorError(f"{self.name}: {states[self.year].skip_detail}")
        self._settle(ledger, f, states)
        excluded = ledger.excluded_frame()
        if not usable:
            raise EstimatorError(
                f"{self.name}: no year can be estimated; "
                + "; ".join(f"{t}: {st.skip_detail}" for t, st in sorted(states.items())[:5]))
        rows = [r for t in usable for r in self._rows(states[t])]
        est = pd.DataFrame(rows)
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=tuple(self._assumptions(states, usable)),
            diagnostics=self._diagnostics(ledger, excluded, states, usable),
            used=ledger.n_used,
        )

    def _years(self, f: pd.DataFrame, parts: tuple[str, ...],
               poisoned: set[tuple[str, int]]) -> list[int]:
        if self.year is not None:
            return [self.year]
        obs_years = set(f.loc[f["indicator"].isin(parts), "year"].astype(int))
        obs_years |= {y for _c, y in poisoned}
        if not obs_years:
            raise EstimatorError(
                f"{self.name}: the data have no {' or '.join(parts)} observation for a country, "
                "so no year can be studied; pass year=... to name one")
        return sorted(obs_years)

    def _states(self, f: pd.DataFrame, years: list[int]) -> dict[int, _Year]:
        states: dict[int, _Year] = {}
        dac = f[f["indicator"] == _DAC] if not self.group else f.iloc[0:0]
        for t in years:
            if self.group:
                members = set(self.group)
            else:
                sub = dac[dac["year"] == t]
                members = set(sub.loc[sub["value"] == 1, "iso3"])
            st = _Year(year=t, capacity_year=t - self.capacity_lag, members=members)
            if not self.group and not len(dac[dac["year"] == t]):
                if self.year is not None:
                    raise EstimatorError(
                        f"{self.name}: the data have no dac_member observation for {t}, so the "
                        "DAC members of that year (the group) are unknown; add them or pass an "
                        "explicit group=AUS,AUT,...")
                st.skip_reason = "unclassified"
                st.skip_detail = (f"no dac_member observation for {t}: the DAC members of that "
                                  "year (the group) are unknown")
            states[t] = st
        return states

    def _fill_year(self, st: _Year, by_ind: dict[str, pd.DataFrame],
                   poisoned: set[tuple[str, int]]) -> None:
        """The key members' capacity and actuals in one year studied, and the total shared."""
        cap = self.capacity
        capv = by_ind[cap]
        sub = capv[(capv["year"] == st.capacity_year) & capv["iso3"].isin(st.members)]
        for iso3, v in zip(sub["iso3"], sub["value"]):
            if v > 0:  # zero or negative: excluded as non_positive_denominator in _settle
                st.capacity[iso3] = float(v)
        if not st.capacity:
            st.skip_reason = "missing_counterpart"
            st.skip_detail = (f"no member of the group has a positive {cap} for "
                              f"{st.capacity_year}, so {st.year} has no key")
            return
        sums: dict[str, float] = {}
        for ind in self._actual_parts():
            sub = by_ind[ind]
            sub = sub[(sub["year"] == st.year) & sub["iso3"].isin(st.capacity)]
            for iso3, v in zip(sub["iso3"], sub["value"]):
                sums[iso3] = sums.get(iso3, 0.0) + float(v)
        st.poisoned = {c for c in st.capacity if (c, st.year) in poisoned}
        for iso3 in st.key:
            if iso3 in st.poisoned:
                continue
            if iso3 in sums:
                st.actual[iso3] = sums[iso3]
            elif self.absent_actual == "zero":
                st.actual[iso3] = 0.0
                st.absent_as_zero.append(iso3)
        self._set_total(st)

    def _set_total(self, st: _Year) -> None:
        given = self._total()
        if given is not None:
            st.total = given
            return
        # the total is what the members did: a member whose actual is unknown cannot be in it,
        # so it leaves the key (never counted as zero unless absent_actual="zero")
        st.left_out = {c for c in st.key if c not in st.actual}
        for c in st.left_out:
            del st.capacity[c]
        if not st.capacity:
            st.skip_reason = "missing_counterpart"
            st.skip_detail = (f"no member of the group has a {self.actual} observation for "
                              f"{st.year}, so there is no total to share; give "
                              f"{self._total_name}")
            return
        total = float(sum(st.actual.values()))
        if total <= 0:
            st.skip_reason = "non_positive_denominator"
            st.skip_detail = (f"the group's total {self.actual} in {st.year} is {total:g}, so "
                              "there is nothing to share")
            return
        st.total = total

    # ---- accounting
    def _settle(self, ledger: Ledger, f: pd.DataFrame, states: dict[int, _Year]) -> None:
        cap = self.capacity
        parts = set(self._actual_parts())
        cap_years = {st.capacity_year: st for st in states.values()}
        studied = ", ".join(str(t) for t in sorted(states))
        use: list[int] = []
        out: dict[str, tuple[list[int], list[str]]] = {}

        def drop(row: int, reason: str, detail: str) -> None:
            rows, details = out.setdefault(reason, ([], []))
            rows.append(row)
            details.append(detail)

        for ind, iso3, year, row in zip(f["indicator"], f["iso3"], f["year"].astype(int),
                                        f["_row"].astype(int)):
            st = cap_years.get(year) if ind == cap else states.get(year)
            if st is None:
                which = (f"the capacity year of no year studied ({studied})" if ind == cap
                         else f"not a year studied ({studied})")
                drop(row, "not_reference_year", f"{ind} of {year} is {which}")
                continue
            if st.skip_reason:
                drop(row, st.skip_reason, st.skip_detail)
                continue
            why = self._member_reason(ind, iso3, year, st, parts)
            if why is None:
                use.append(row)
            else:
                drop(row, *why)
        ledger.use(use)
        for reason, (rows, details) in out.items():
            ledger.exclude(rows, reason, details)

    def _member_reason(self, ind: str, iso3: str, year: int, st: _Year,
                       parts: set[str]) -> tuple[str, str] | None:
        """Return the exclusion reason and detail of one row of a studied year, or None."""
        cap = self.capacity
        if iso3 not in st.members:
            return ("not_in_group", f"{iso3} is not in the group ({self.group_label()}) "
                                    f"in {st.year}")
        if iso3 in st.left_out:
            return ("missing_counterpart",
                    f"{iso3} has no {self.actual} for {st.year}; with no {self._total_name} "
                    "given, the total shared is what the members with an actual did, so it is "
                    "not in the key")
        if iso3 not in st.capacity:
            if ind == cap:
                return ("non_positive_denominator",
                        f"{cap} of {iso3} is zero or negative for {year}")
            return ("missing_counterpart",
                    f"{iso3} has no positive {cap} for {st.capacity_year}, so it is not in "
                    f"the key of {st.year}")
        if ind in parts and iso3 in st.poisoned:
            return ("missing_counterpart",
                    f"another part of the actual ({self.actual}) is missing for {iso3} "
                    f"{st.year}")
        return None

    # ---- outputs
    def _unit(self) -> str:
        return VOCABULARY[self._actual_parts()[0]].unit

    def _rows(self, st: _Year) -> list[dict[str, object]]:
        unit = self._unit()
        key = st.key
        capv = np.array([st.capacity[c] for c in key])
        share = capv / capv.sum()
        fair = share * st.total
        alloc = self._allocation(share, st.total, key)
        rows: list[dict[str, object]] = []
        for i, iso3 in enumerate(key):
            rows.append(_row("key_share", iso3, st.year, None, share[i], _SHARE_UNIT))
            rows.append(_row("fair_share", iso3, st.year, None, fair[i], unit))
            if alloc is not None:
                rows.append(_row("allocation", iso3, st.year, None, alloc[i], "persons"))
            if iso3 in st.actual:
                a = st.actual[iso3]
                rows.append(_row("actual", iso3, st.year, None, a, unit))
                rows.append(_row("pct_of_fair_share_met", iso3, st.year, None,
                                 100.0 * a / fair[i], _PCT_UNIT))
                rows.append(_row("gap", iso3, st.year, None, fair[i] - a, unit))
        term = self.group_label()
        rows.append(_row("key_share", None, st.year, term, share.sum(), _SHARE_UNIT))
        rows.append(_row("fair_share", None, st.year, term, fair.sum(), unit))
        if alloc is not None:
            rows.append(_row("allocation", None, st.year, term, alloc.sum(), "persons"))
        with_actual = [i for i, c in enumerate(key) if c in st.actual]
        if with_actual:
            a_sum = float(sum(st.actual[key[i]] for i in with_actual))
            f_sum = float(fair[with_actual].sum())
            rows.append(_row("actual", None, st.year, term, a_sum, unit))
            rows.append(_row("pct_of_fair_share_met", None, st.year, term, 100.0 * a_sum / f_sum,
                             _PCT_UNIT))
            rows.append(_row("gap", None, st.year, term, f_sum - a_sum, unit))
        return rows

    def _allocation(self, share: np.ndarray, total: float,
                    key: list[str]) -> np.ndarray | None:
        return None

    def _assumptions(self, states: dict[int, _Year], usable: list[int]) -> list[str]:
        cap_label = _CAPACITY_LABEL[self.capacity]
        lag = (f"of {self.capacity_lag} year(s) before the year studied"
               if self.capacity_lag else "of the year studied")
        out = [f"Key share = a member's {cap_label} {lag} over the group's total; fair share = "
               "key share x the total shared."]
        if self.group:
            out.append(f"The group ({self.group_label()}) is the listed countries: "
                       f"{', '.join(self.group)}.")
        else:
            out.append("The group is the DAC members of the year studied (dac_member "
                       "observations; a country without one is not a member).")
        total = self._total()
        unit = self._unit()
        if total is not None:
            src = self._total_source() or "source not stated"
            amount = f"USD {total:,.0f}" if self._money else f"{total:,.0f} persons"
            out.append(f"The total shared is {amount} ({src}), the same in every year studied.")
        else:
            out.append(f"The total shared is the group's total actual ({self.actual}) in the "
                       "year, so fair shares redistribute what the group did in proportion to "
                       "capacity.")
        out.extend(self._actual_assumptions())
        if self.absent_actual == "zero":
            out.append("A group member with no actual observation counts as zero "
                       "(absent_actual='zero'); a missing value stays missing.")
        else:
            out.append("A group member with no actual observation has no actual, % of fair "
                       "share met or gap (never zero).")
        out.append("Group rows (empty iso3, term = group name) sum over the key's members; "
                   "their actual, % met and gap cover the members with an actual only.")
        if self._money:
            out.append(f"Money is in {unit} (not deflated): the total and the actuals must be in "
                       "the same currency and prices.")
        if any(states[t].left_out for t in usable):
            out.append(f"Members with no {self.actual} leave the key, since the total shared is "
                       "what the members with an actual did (listed in diagnostics "
                       "'members_without_actual').")
        lacking = {t: sorted(states[t].members - set(states[t].capacity) - states[t].left_out)
                   for t in usable}
        lacking = {t: v for t, v in lacking.items() if v}
        if lacking:
            out.append(f"Members without a positive {self.capacity} are left out of the key and "
                       "the others share the whole total (listed in diagnostics "
                       "'members_without_capacity').")
        return out

    def _actual_assumptions(self) -> list[str]:
        return []

    def _diagnostics(self, ledger: Ledger, excluded: pd.DataFrame, states: dict[int, _Year],
                     usable: list[int]) -> dict[str, object]:
        def per_year(fn: object) -> dict[int, object]:
            out = {t: fn(states[t]) for t in usable}  # type: ignore[operator]
            return {t: v for t, v in out.items() if v}

        return {
            "excluded": len(excluded),
            "group": self.group_label(),
            "years": usable,
            "capacity_year": {t: states[t].capacity_year for t in usable},
            "total_shared": {t: states[t].total for t in usable},
            "key_members": {t: len(states[t].capacity) for t in usable},
            "members_without_capacity": per_year(
                lambda s: sorted(s.members - set(s.capacity) - s.left_out)),
            "members_without_actual": per_year(
                lambda s: sorted((set(s.capacity) | s.left_out) - set(s.actual))),
            "actual_absent_counted_as_zero": per_year(lambda s: sorted(s.absent_as_zero)),
            "years_skipped": {t: st.skip_detail for t, st in sorted(states.items())
                              if st.skip_reason},
            "sources_used": ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items())),
        }


@dataclass(frozen=True, kw_only=True)
class FairShareFunding(_FairShare):
    r"""Fair share of a funding requirement by gross national income (Oxfam's method).

    For the year studied :math:`t` and the group :math:`D_t` (DAC members of the year, or a
    listed group):

    .. math::

        s_i = \frac{Y_{i,t-\ell}}{\sum_{j \in D_t} Y_{j,t-\ell}}, \qquad
        FS_i = R \, s_i, \qquad
        \%met_i = 100 \, \frac{C_{i,t}}{FS_i}, \qquad
        gap_i = FS_i - C_{i,t}

    where :math:`Y` is GNI (``capacity``), :math:`\ell` = ``capacity_lag``, :math:`R` the
    requirement and :math:`C` the actual contribution. Main quantity: ``pct_of_fair_share_met``;
    also ``key_share``, ``fair_share``, ``actual`` and ``gap`` (USD current) for each member and
    for the group (rows with empty ``iso3``, ``term`` = group name). See
    ``methodology/fair_share_funding.md``.

    Parameters
    ----------
    requirement_usd : float or None
        The requirement :math:`R` in current USD (e.g. an appeal's requirement). None: the
        group's total actual contribution in the year, redistributed by GNI among the members
        with an actual (a member without one leaves the key).
    requirement_source : str
        What :math:`R` is and where it comes from (recorded in the assumptions).
    actual : {"contribution_usd_current", "unhcr_revenue"}
        User-supplied contributions to the requirement, or UNHCR's government revenue
        (earmarked + un-earmarked, UN CEB).
    capacity : {"gni_atlas_usd_current", "gdp_usd_current"}
        Capacity measure (GNI, Atlas method, by default).
    group : tuple of str
        ISO3 codes of the group; empty: DAC members of the year (``dac_member``).
    group_name : str
        Name of the group for the group-total rows.
    year : int or None
        Year studied; None: every year with an actual observation.
    capacity_lag : int
        Capacity from this many years before the year studied.
    absent_actual : {"missing", "zero"}
        Whether a member without an actual observation has none (missing) or zero.
    sources : tuple of (indicator, source) pairs
        Choice of source where an indicator is given by several.

    Raises
    ------
    EstimatorError
        If the group cannot be determined (no ``dac_member`` data and no ``group``), or no
        year can be estimated.

    References
    ----------
    Oxfam, *Syria Crisis Fair Share Analysis 2015* (30 March 2015) and *2016* (1 February 2016).

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.fair_share import FairShareFunding
    >>> rows = [(c, 2020, ind, v) for c, gni, paid in [("AUT", 1e12, 50.0), ("BEL", 3e12, 250.0)]
    ...         for ind, v in [("gni_atlas_usd_current", gni), ("contribution_usd_current", paid)]]
    >>> frame = pd.DataFrame([{"iso3": c, "year": y, "indicator": i, "value": v,
    ...                        "unit": bs.indicators.VOCABULARY[i].unit, "source": "example"}
    ...                       for c, y, i, v in rows])
    >>> data = bs.Dataset.from_frame(frame, {"example": bs.Source(id="example", title="example",
    ...                                                           publisher="example")})
    >>> res = FairShareFunding(requirement_usd=400.0, group=("AUT", "BEL")).estimate(data)
    >>> res.estimates.query("quantity == 'fair_share'")["estimate"].tolist()
    [400.0, 100.0, 300.0]
    >>> met = res.estimates.query("quantity == 'pct_of_fair_share_met'")
    >>> met[["iso3", "estimate"]].round(2).values.tolist()  # 300/400 = 75 %; 50/100; 250/300
    [[nan, 75.0], ['AUT', 50.0], ['BEL', 83.33]]
    """

    name: ClassVar[str] = "fair_share_funding"
    requires: ClassVar[frozenset[str]] = frozenset(
        {"gni_atlas_usd_current", "contribution_usd_current", _DAC})
    reference: ClassVar[str] = "methodology/fair_share_funding.md"
    summary: ClassVar[str] = ("Funding requirement shared by GNI within a donor group; % of fair "
                              "share met (Oxfam)")
    labels = _fair_share_labels(
        "Fair share of funding (Oxfam)",
        "What each member of a donor group paid against its GNI-proportional share of a funding "
        "requirement")
    _money: ClassVar[bool] = True
    _total_name: ClassVar[str] = "requirement_usd"
    _total_source_name: ClassVar[str] = "requirement_source"

    requirement_usd: float | None = field(default=None, metadata={
        "gt": 0, "doc": "requirement in current USD; None = the group's total actual "
                        "contribution in the year"})
    requirement_source: str = field(default="", metadata={
        "doc": "what the requirement is and its source (e.g. 'Syria 2015 appeals, UN/ICRC/IFRC')"})
    actual: Literal["contribution_usd_current", "unhcr_revenue"] = field(
        default="contribution_usd_current", metadata={
            "doc": "contributions to the requirement (user-supplied) or UNHCR government revenue "
                   "(earmarked + un-earmarked, UN CEB)"})
    capacity: Literal["gni_atlas_usd_current", "gdp_usd_current"] = field(
        default="gni_atlas_usd_current", metadata={"doc": "capacity measure"})
    group: tuple[str, ...] = _group_field()
    group_name: str = _group_name_field()
    year: int | None = _year_field()
    capacity_lag: int = _lag_field()
    absent_actual: Literal["missing", "zero"] = _absent_field()
    sources: tuple[tuple[str, str], ...] = sources_field("gdp_usd_current:wb_wdi_2026_07_01")

    def _actual_assumptions(self) -> list[str]:
        if self.actual == "unhcr_revenue":
            return ["Actual = revenue UNHCR recognised from the government in the year, earmarked "
                    "+ un-earmarked (UN CEB financial statistics: accrual revenue, not pledges or "
                    "cash; it can be negative after adjustments); a type with no observation "
                    "counts as none when the other type is observed."]
        return ["Actual = the contribution to the requirement studied, as supplied with its "
                "source (contribution_usd_current)."]


@dataclass(frozen=True, kw_only=True)
class FairShareResettlement(_FairShare):
    r"""Fair share of a resettlement target by GDP, with a whole-person allocation (Oxfam).

    .. math::

        s_i = \frac{Y_{i,t-\ell}}{\sum_{j \in D_t} Y_{j,t-\ell}}, \qquad
        FS_i = T \, s_i, \qquad
        \%met_i = 100 \, \frac{A_{i,t}}{FS_i}, \qquad
        gap_i = FS_i - A_{i,t}

    where :math:`Y` is GDP (``capacity``), :math:`T` the target in persons and :math:`A` the
    actual (arrivals or pledges). ``allocation`` rounds :math:`T s_i` to whole persons summing
    exactly to :math:`T` by the largest-remainder rule
    (:func:`~burdenshare.estimators.allocation.largest_remainder`). Main quantity:
    ``pct_of_fair_share_met``. See ``methodology/fair_share_resettlement.md``.

    Parameters
    ----------
    target_persons : int or None
        The target :math:`T` (e.g. Oxfam's 10 % of registered Syrian refugees, 481,220). None:
        the group's total actual in the year, redistributed among the members with an actual.
    target_source : str
        What :math:`T` is and where it comes from.
    actual : {"resettlement_arrivals", "resettlement_pledges"}
        UNHCR resettlement arrivals by destination, or user-supplied pledges.
    capacity : {"gdp_usd_current", "gni_atlas_usd_current"}
        Capacity measure (GDP by default).
    group, group_name, year, capacity_lag, absent_actual, sources
        As for :class:`FairShareFunding`.

    Raises
    ------
    EstimatorError
        If the group cannot be determined, or no year can be estimated.

    References
    ----------
    Oxfam, *Resettling 10 percent of Syrian refugees: the commitment needed at the Geneva
    conference* (29 March 2016).

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.fair_share import FairShareResettlement
    >>> data = bs.load_sample().select(iso3=["CAN", "DEU", "USA"], years=(2014, 2016))
    >>> est = FairShareResettlement(target_persons=1000, group=("CAN", "DEU", "USA"), year=2016,
    ...                             capacity_lag=2)
    >>> res = est.estimate(data)
    >>> res.estimates.query("quantity == 'allocation'")["estimate"].tolist()
    [1000.0, 77.0, 170.0, 753.0]
    """

    name: ClassVar[str] = "fair_share_resettlement"
    requires: ClassVar[frozenset[str]] = frozenset(
        {"gdp_usd_current", "resettlement_arrivals", _DAC})
    reference: ClassVar[str] = "methodology/fair_share_resettlement.md"
    summary: ClassVar[str] = ("Resettlement target shared by GDP within a group; whole-person "
                              "allocation and % of fair share met (Oxfam)")
    labels = _fair_share_labels(
        "Fair share of resettlement (Oxfam)",
        "What each member of a group resettled against its GDP-proportional share of a "
        "resettlement target")
    _money: ClassVar[bool] = False
    _total_name: ClassVar[str] = "target_persons"
    _total_source_name: ClassVar[str] = "target_source"

    target_persons: int | None = field(default=None, metadata={
        "ge": 1, "doc": "target in persons; None = the group's total actual in the year"})
    target_source: str = field(default="", metadata={
        "doc": "what the target is and its source (e.g. 'Oxfam 2016: 10% of registered Syrian "
               "refugees')"})
    actual: Literal["resettlement_arrivals", "resettlement_pledges"] = field(
        default="resettlement_arrivals", metadata={
            "doc": "UNHCR resettlement arrivals by destination, or user-supplied pledges"})
    capacity: Literal["gdp_usd_current", "gni_atlas_usd_current"] = field(
        default="gdp_usd_current", metadata={"doc": "capacity measure"})
    group: tuple[str, ...] = _group_field()
    group_name: str = _group_name_field()
    year: int | None = _year_field()
    capacity_lag: int = _lag_field()
    absent_actual: Literal["missing", "zero"] = _absent_field()
    sources: tuple[tuple[str, str], ...] = sources_field("gdp_usd_current:wb_wdi_2026_07_01")

    def _allocation(self, share: np.ndarray, total: float,
                    key: list[str]) -> np.ndarray | None:
        whole = round(total)
        if abs(total - whole) > 1e-9:
            return None  # a total of actual persons that is not whole: no allocation
        return largest_remainder(share / share.sum(), int(whole), key).astype(float)

    def _actual_assumptions(self) -> list[str]:
        if self.actual == "resettlement_arrivals":
            return ["Actual = refugees resettled into the country during the year, all "
                    "nationalities (UNHCR solutions data, arrivals by destination); a target "
                    "for one nationality needs arrivals of that nationality."]
        return ["Actual = resettlement places pledged for the year, as supplied with their "
                "source (resettlement_pledges)."]
