"""Fiscal cost of including refugees in national systems: unit-cost estimators.

The building block is :class:`UnitCost`, cost = users x unit cost x utilisation, per part (a
sector or a school level) and country-year; :class:`EducationInclusionCost`,
:class:`HealthInclusionCost` and :class:`SubsistenceCost` reuse its machinery (input look-up with
the year actually used, scope, imputation on request, scenario ranges, money labels, Monte Carlo).
Formulas, sources, assumptions and validation are in ``methodology/<name>.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..data import Dataset
from ..indicators import INCOME_GROUPS, VOCABULARY
from ..results import Computation, Result
from . import _montecarlo as mc
from .base import EstimatorBase, Ledger, sources_field
from .relative_burden import PEOPLE

__all__ = [
    "UnitCost",
    "EducationInclusionCost",
    "HealthInclusionCost",
    "SubsistenceCost",
    "INCOME_GROUP_CODES",
    "LEVELS",
    "ENROLMENT_SCENARIOS",
    "UNIT_COST_SOURCES",
]

#: Income-group parameter names -> ``wb_income_group`` codes.
INCOME_GROUP_CODES: Mapping[str, int] = {"low": 1, "lower_middle": 2, "upper_middle": 3, "high": 4}

#: School level -> (refugee age band indicator, per-student expenditure indicator, gross enrolment
#: ratio indicator). Mapping 5-11 to primary and 12-17 to secondary is a simplification: national
#: entry ages and cycle lengths differ.
LEVELS: Mapping[str, tuple[str, str, str]] = {
    "primary": ("refugees_aged_5_11", "gov_expenditure_per_student_primary_pct_gdp_pc",
                "gross_enrolment_ratio_primary"),
    "secondary": ("refugees_aged_12_17", "gov_expenditure_per_student_secondary_pct_gdp_pc",
                  "gross_enrolment_ratio_secondary"),
}

#: Enrolment scenarios of the education estimator.
ENROLMENT_SCENARIOS = ("full_inclusion", "host_enrolment", "refugee_enrolment")

#: Per-student unit-cost series of the education estimator (``unit_cost_source``) -> school level
#: -> indicator (% of GDP per capita). ``uis``: UNESCO UIS "initial government funding per
#: student" (to 2023); ``wdi``: WDI "government expenditure per student" (to 2018). The concepts
#: differ (a series break, median 1.7 % on the overlap): never spliced.
UNIT_COST_SOURCES: Mapping[str, Mapping[str, str]] = {
    "uis": {"primary": "initial_gov_funding_per_student_primary_pct_gdp_pc",
            "secondary": "initial_gov_funding_per_student_secondary_pct_gdp_pc"},
    "wdi": {"primary": LEVELS["primary"][1], "secondary": LEVELS["secondary"][1]},
}
_UNIT_COST_SOURCE_TEXT = {
    "uis": "initial government funding per student (% of GDP per capita, UNESCO UIS, to 2023)",
    "wdi": "government expenditure per student (% of GDP per capita, WDI, to 2018)",
}

_MONEY_PER_PERSON = "USD current per person"
_GDP_PC = "gdp_per_capita_usd_current"
_ALL = "all countries"



def _f(x: float) -> str:
    return f"{x:,.0f}"


# =========================================================================== inputs
class _Inputs:
    """Country-year inputs of a unit-cost estimator, with the accounting of every observation.

    Keys are the (iso3, year) pairs at which a users indicator is observed. Other indicators are
    looked up per key, in the same year or as the latest observation at or before it; every row a
    look-up returns is remembered, so that :meth:`settle` can mark it used (key estimated) or
    excluded with the key's reason.
    """

    def __init__(self, ledger: Ledger, users: Sequence[str]) -> None:
        self.ledger = ledger
        ledger.exclude_non_countries()
        sub = ledger.exclude_missing_values()
        self.poison: dict[tuple[str, int], str] = {}
        for code, yr, ind in zip(sub["iso3"].to_numpy(), sub["year"].to_numpy(),
                                 sub["indicator"].to_numpy()):
            if ind in users:
                self.poison.setdefault((str(code), int(yr)), str(ind))
        self.clean = ledger.active()
        self.users_names = tuple(users)
        u = self.clean[self.clean["indicator"].isin(list(users))]
        pairs = set(zip(u["iso3"], u["year"].astype(int))) | set(self.poison)
        keys = sorted(pairs)
        self.iso3 = np.array([k[0] for k in keys], dtype=object)
        self.year = np.array([k[1] for k in keys], dtype=np.int64)
        self.n = len(keys)
        self._refs: list[np.ndarray] = []
        self.users: dict[str, np.ndarray] = {}
        index = pd.MultiIndex.from_arrays([self.iso3, self.year])
        for ind in users:
            sub = u[u["indicator"] == ind]
            vals = np.full(self.n, np.nan)
            rows = np.full(self.n, -1, dtype=np.int64)
            if self.n and len(sub):
                s_idx = pd.MultiIndex.from_arrays([sub["iso3"].to_numpy(),
                                                   sub["year"].to_numpy(dtype=np.int64)])
                pos = s_idx.get_indexer(index)
                hit = pos >= 0
                vals[hit] = sub["value"].to_numpy()[pos[hit]]
                rows[hit] = sub["_row"].to_numpy()[pos[hit]]
            self.users[ind] = vals
            self._refs.append(rows)
        self.poisoned = np.array([(k in self.poison) for k in keys], dtype=bool)
        #: per-call values shared by the estimator's hooks
        self.refugees = np.full(self.n, np.nan)
        self.prorate = np.ones(self.n)
        #: other people in need of international protection per refugee with an age (education)
        self.oip_share = np.zeros(self.n)

    def has(self, indicator: str) -> bool:
        """Whether any usable observation of ``indicator`` exists."""
        return bool((self.clean["indicator"] == indicator).any())

    def lookup(self, indicator: str, target: np.ndarray | None = None, *, rule: str = "same_year",
               max_age: int | None = None, mask: np.ndarray | None = None,
               ) -> tuple[np.ndarray, np.ndarray]:
        """Value and year of ``indicator`` per key.

        ``rule="same_year"``: the observation of the target year (default: the key's year);
        ``"latest_available"``: the latest at or before it (no older than ``max_age`` years).
        Keys outside ``mask`` get NaN. Returned rows are remembered for :meth:`settle`.
        """
        tgt = self.year.astype(float) if target is None else np.asarray(target, dtype=float)
        if mask is not None:
            tgt = np.where(mask, tgt, np.nan)
        vals = np.full(self.n, np.nan)
        years = np.full(self.n, np.nan)
        rows = np.full(self.n, -1, dtype=np.int64)
        src = self.clean[self.clean["indicator"] == indicator]
        want = np.isfinite(tgt)
        if self.n == 0 or src.empty or not want.any():
            return vals, years
        left = pd.DataFrame({"iso3": self.iso3[want].astype(str),
                             "t": tgt[want].astype(np.int64), "_i": np.flatnonzero(want)})
        right = pd.DataFrame({"iso3": src["iso3"].to_numpy().astype(str),
                              "s": src["year"].to_numpy(dtype=np.int64),
                              "v": src["value"].to_numpy(dtype=float),
                              "r": src["_row"].to_numpy(dtype=np.int64)})
        if rule == "same_year":
            m = left.merge(right, left_on=["iso3", "t"], right_on=["iso3", "s"], how="left")
        else:
            m = pd.merge_asof(left.sort_values("t"), right.sort_values("s"), left_on="t",
                              right_on="s", by="iso3", direction="backward")
            if max_age is not None:
                old = (m["t"] - m["s"]) > max_age
                m.loc[old, ["s", "v", "r"]] = np.nan
        m = m.dropna(subset=["s"])
        idx = m["_i"].to_numpy(dtype=np.int64)
        vals[idx] = m["v"].to_numpy(dtype=float)
        years[idx] = m["s"].to_numpy(dtype=float)
        rows[idx] = m["r"].to_numpy(dtype=np.int64)
        self._refs.append(rows)
        return vals, years

    def settle(self, ok: np.ndarray, reason: np.ndarray, detail: np.ndarray,
               rule_note: str) -> None:
        """Mark every row used or excluded (once) from the keys' outcome."""
        led = self.ledger
        for rows in self._refs:
            led.use(rows[(rows >= 0) & ok])
        for rows in self._refs:
            bad = (rows >= 0) & ~ok
            for why in sorted(set(reason[bad])):
                sel = bad & (reason == why)
                led.exclude(rows[sel], why, detail[sel])
        rest = led.active()
        if rest.empty:
            return
        served = set(self.iso3[ok])
        last: dict[str, tuple[str, str]] = {}
        for i in np.flatnonzero(~ok):
            last[self.iso3[i]] = (reason[i], detail[i])
        codes = rest["iso3"].to_numpy()
        inds = rest["indicator"].to_numpy()
        years = rest["year"].to_numpy()
        out_reason = np.empty(len(rest), dtype=object)
        out_detail = np.empty(len(rest), dtype=object)
        users = " or ".join(self.users_names)
        for j, (c, ind, y) in enumerate(zip(codes, inds, years)):
            if c in served:
                out_reason[j] = "not_reference_year"
                out_detail[j] = (f"{ind} {c} {y} is not the observation used for any year "
                                 f"estimated for {c} ({rule_note}; other inputs: same year)")
            elif c in last:
                out_reason[j], out_detail[j] = last[c]
            else:
                out_reason[j] = "missing_counterpart"
                out_detail[j] = f"no {users} observation for {c} in the data"
        ids = rest["_row"].to_numpy()
        for why in sorted(set(out_reason)):
            sel = out_reason == why
            led.exclude(ids[sel], why, out_detail[sel])


@dataclass
class _Part:
    """One part of the cost (a school level or a sector) for every key."""

    name: str
    users: np.ndarray
    base: np.ndarray              # unit-cost base quantity (USD, or % of GDP per capita)
    base_year: np.ndarray         # year of the base observation
    base_label: str               # indicator or parameter the base comes from
    utilisation: dict[str, np.ndarray]
    #: scenario -> indicator its utilisation comes from (for messages)
    util_source: dict[str, str] = field(default_factory=dict)
    imputed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    alt_base: dict[str, np.ndarray] = field(default_factory=dict)
    usd: np.ndarray = field(default_factory=lambda: np.zeros(0))
    price_year: np.ndarray = field(default_factory=lambda: np.zeros(0))
    alt_usd: dict[str, np.ndarray] = field(default_factory=dict)
    missing_detail: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))


def _rows(quantity: str, iso3: Any, year: Any, term: Any, est: Any, unit: Any,
          lo: Any = np.nan, hi: Any = np.nan) -> pd.DataFrame:
    est = np.atleast_1d(np.asarray(est, dtype=float))
    n = len(est)

    def col(v: Any) -> Any:
        return v if isinstance(v, (np.ndarray, list)) else [v] * n

    return pd.DataFrame({
        "quantity": quantity, "iso3": col(iso3), "year": col(year), "term": col(term),
        "estimate": est, "std_error": np.nan, "ci_lower": col(lo), "ci_upper": col(hi),
        "ci_level": np.nan, "unit": col(unit)})


# =========================================================================== the shared base
@dataclass(frozen=True, kw_only=True)
class _InclusionCost(EstimatorBase):
    """Shared machinery of the unit-cost estimators (not registered)."""

    income_groups: tuple[str, ...] = field(default=(), metadata={
        "choices": tuple(INCOME_GROUP_CODES),
        "doc": "host income groups in scope (low, lower_middle, upper_middle, high; World Bank "
               "classification of the year, or the latest before it); empty: all countries"})
    min_refugees: int = field(default=0, metadata={
        "ge": 0, "doc": "hosts with fewer refugees (indicator refugees, same year) are out of scope"})
    horizon_years: int = field(default=1, metadata={
        "ge": 1, "le": 100,
        "doc": "years the annual cost is multiplied by in <quantity>_over_horizon (no projection)"})
    price_basis: Literal["current", "constant"] = field(default="current", metadata={
        "doc": "current: USD of each unit cost's price year; constant: converted with the "
               "user-supplied deflator to base_year prices"})
    base_year: int | None = field(default=None, metadata={
        "doc": "base year of constant prices (price_basis='constant' only)"})
    deflator: tuple[tuple[int, float], ...] = field(default=(), metadata={
        "doc": "year:index pairs of a USD price deflator (price_basis='constant' only); never "
               "fetched"})
    deflator_source: str = field(default="", metadata={
        "doc": "where the deflator comes from (required with price_basis='constant')"})
    n_draws: int = field(default=0, metadata={
        "ge": 0, "le": 1_000_000, "doc": "Monte Carlo draws over unit-cost uncertainty (0: none)"})
    unit_cost_cv: float = field(default=0.0, metadata={
        "ge": 0, "doc": "coefficient of variation of the mean-one log-normal unit-cost factor"})
    mc_interval: float = field(default=0.9, metadata={
        "gt": 0, "lt": 1, "doc": "central probability of the Monte Carlo interval reported"})
    seed: int = field(default=0, metadata={"ge": 0, "doc": "seed of the Monte Carlo streams"})
    n_jobs: int = field(default=1, metadata={
        "ge": 1, "doc": "threads for the Monte Carlo (results identical for any value)"})
    progress: bool = field(default=False, metadata={
        "doc": "show Monte Carlo progress (widget in Jupyter, text otherwise)"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    unit: ClassVar[str] = "USD per year"
    _rule_note: ClassVar[str] = "the unit-cost year rule"

    # ---------------------------------------------------------------- parameters
    def _validate(self) -> None:
        if len(set(self.income_groups)) != len(self.income_groups):
            raise ParameterError(f"parameter 'income_groups' = {list(self.income_groups)!r} "
                                 "repeats a group")
        if self.price_basis == "constant":
            if self.base_year is None or not self.deflator or not self.deflator_source.strip():
                raise ParameterError(
                    "price_basis='constant' needs base_year, deflator (year:index pairs, e.g. "
                    "2018:100,2025:120.5) and deflator_source; nothing is fetched")
            years = [y for y, _v in self.deflator]
            if len(set(years)) != len(years):
                raise ParameterError("parameter 'deflator' repeats a year")
            if any(v <= 0 for _y, v in self.deflator):
                raise ParameterError("parameter 'deflator': every index must be > 0")
            if self.base_year not in years:
                raise ParameterError(f"parameter 'deflator' has no entry for base_year "
                                     f"{self.base_year}")
        elif self.base_year is not None or self.deflator or self.deflator_source:
            raise ParameterError("base_year, deflator and deflator_source are only used with "
                                 "price_basis='constant'")
        if self.n_draws > 0 and self.unit_cost_cv <= 0:
            raise ParameterError("n_draws > 0 needs unit_cost_cv > 0 (the unit-cost uncertainty "
                                 "to draw from)")
        if self.n_draws == 1:
            raise ParameterError("n_draws must be 0 (no Monte Carlo) or at least 2")
        self._validate_more()

    def _validate_more(self) -> None:
        """Checks of subclass parameters."""

    # ---------------------------------------------------------------- hooks
    def _users_indicators(self) -> tuple[str, ...]:
        raise NotImplementedError

    def _scope_inputs(self) -> tuple[str, ...]:
        out: list[str] = []
        if self.min_refugees > 0:
            out.append("refugees")
        if self.income_groups or self._needs_income_group():
            out.append("wb_income_group")
        return tuple(out)

    def _needs_income_group(self) -> bool:
        return False

    def _scenario_names(self) -> tuple[str, ...]:
        """Names of the utilisation scenarios; the first is the point estimate."""
        return ("point",)

    def _parts(self, inp: _Inputs) -> list[_Part]:
        raise NotImplementedError

    def _gate(self, inp: _Inputs, reason: np.ndarray, detail: np.ndarray) -> None:
        """Further conditions on keys (fill reason/detail where still empty)."""

    def _impute(self, inp: _Inputs, parts: list[_Part], donors_ok: np.ndarray,
                group: np.ndarray) -> dict[str, Any]:
        for p in parts:
            p.imputed = np.zeros(inp.n, dtype=bool)
        return {}

    def _convert(self, inp: _Inputs, part: _Part) -> None:
        """Set ``part.usd``/``price_year``/``alt_usd`` and ``missing_detail``; USD by default."""
        part.usd = part.base.copy()
        part.price_year = part.base_year.copy()
        part.alt_usd = {k: v.copy() for k, v in part.alt_base.items()}
        rule = self._rule_text()
        part.missing_detail = np.array(
            [f"no {part.base_label} observation ({rule}) for {c} {y}"
             for c, y in zip(inp.iso3, inp.year)], dtype=object)

    def _rule_text(self) -> str:
        """How the unit-cost observation of a year is chosen (for messages)."""
        return "given as a parameter"

    def _assumptions(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> list[str]:
        return []

    def _diagnostics(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> dict[str, Any]:
        return {}

    def _users_doc(self) -> str:
        return " + ".join(self._users_indicators())

    # ---------------------------------------------------------------- inputs()
    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        return frozenset([*self._users_indicators(), *self._cost_inputs(), *self._scope_inputs()])

    def _cost_inputs(self) -> tuple[str, ...]:
        return ()

    def optional_inputs(self) -> frozenset[str]:
        """Users indicators beyond the first may be absent (none reported)."""
        return frozenset(self._users_indicators()[1:])

    # ---------------------------------------------------------------- money
    def _deflate(self, price_year: np.ndarray) -> np.ndarray:
        """Factor converting USD of ``price_year`` to the output price basis."""
        if self.price_basis == "current":
            return np.ones(len(price_year))
        table = dict(self.deflator)
        need = sorted({int(y) for y in price_year[np.isfinite(price_year)]})
        missing = [y for y in need if y not in table]
        if missing:
            raise EstimatorError(
                f"{self.name}: the deflator has no index for price year(s) "
                f"{', '.join(map(str, missing))} (it has {', '.join(str(y) for y in sorted(table))}); "
                "add them to the parameter deflator")
        base = table[int(self.base_year)]  # type: ignore[arg-type]
        return np.array([base / table[int(y)] if np.isfinite(y) else np.nan for y in price_year])

    def _money(self, years: Sequence[float], what: str = "USD per year") -> str:
        if self.price_basis == "constant":
            return f"{what}, constant {self.base_year} prices (deflator: {self.deflator_source})"
        ys = sorted({int(y) for y in years if np.isfinite(y)})
        if not ys:
            return f"{what}, current prices"
        if len(ys) == 1:
            return f"{what}, current prices of {ys[0]}"
        return f"{what}, current prices of {ys[0]}-{ys[-1]} (mixed price years)"

    # ---------------------------------------------------------------- the computation
    def _compute(self, data: Dataset) -> Computation:
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        inp = _Inputs(ledger, self._users_indicators())
        n = inp.n
        reason = np.full(n, "", dtype=object)
        detail = np.full(n, "", dtype=object)
        label = np.array([f"{c} {y}" for c, y in zip(inp.iso3, inp.year)], dtype=object)

        def mark(sel: np.ndarray, why: str, text: Any) -> None:
            sel = sel & (reason == "")
            reason[sel] = why
            txt = np.asarray(text, dtype=object) if not isinstance(text, str) else text
            detail[sel] = txt[sel] if not isinstance(txt, str) else txt

        if inp.poisoned.any():
            mark(inp.poisoned, "missing_counterpart",
                 np.array([f"{inp.poison.get((c, int(y)), '')} is missing for {c} {y}"
                           for c, y in zip(inp.iso3, inp.year)], dtype=object))
        # ---- scope
        group = np.full(n, np.nan)
        group_year = np.full(n, np.nan)
        if "wb_income_group" in self._scope_inputs():
            group, group_year = inp.lookup("wb_income_group", rule="latest_available")
        if self.income_groups:
            wanted = [INCOME_GROUP_CODES[g] for g in self.income_groups]
            mark(~np.isfinite(group), "unclassified",
                 np.array([f"no wb_income_group at or before {y} for {c}"
                           for c, y in zip(inp.iso3, inp.year)], dtype=object))
            outside = np.isfinite(group) & ~np.isin(group, wanted)
            mark(outside, "not_in_group",
                 np.array([f"{c} {y}: {INCOME_GROUPS.get(int(g), '?') if np.isfinite(g) else '?'} "
                           f"({int(gy) if np.isfinite(gy) else '?'} classification) is outside "
                           f"income_groups {', '.join(self.income_groups)}"
                           for c, y, g, gy in zip(inp.iso3, inp.year, group, group_year)],
                          dtype=object))
        refugees = np.full(n, np.nan)
        if "refugees" in self.inputs():
            refugees, _ry = inp.lookup("refugees")
        if self.min_refugees > 0:
            mark(~np.isfinite(refugees), "missing_counterpart",
                 np.array([f"no refugees observation for {s} (needed for min_refugees)"
                           for s in label], dtype=object))
            mark(np.isfinite(refugees) & (refugees < self.min_refugees), "not_in_group",
                 np.array([f"{s} hosts {_f(r) if np.isfinite(r) else '?'} refugees, fewer than "
                           f"min_refugees = {self.min_refugees:,}" for s, r in zip(label, refugees)],
                          dtype=object))
        inp.refugees = refugees
        self._gate(inp, reason, detail)
        in_scope = reason == ""
        # ---- parts, imputation, conversion
        parts = self._parts(inp)
        point_scenario = self._scenario_names()[0]
        observed = np.ones(n, dtype=bool)
        for p in parts:
            observed &= np.isfinite(p.base) & np.isfinite(p.utilisation[point_scenario])
        donors_ok = in_scope & observed  # complete without imputation: the median's donors
        imp_diag = self._impute(inp, parts, donors_ok & self._complete(inp, parts, in_scope), group)
        for p in parts:
            self._convert(inp, p)
        scen = self._scenario_names()
        lacking = np.zeros(n, dtype=bool)
        text = np.full(n, "", dtype=object)
        for p in parts:
            no_util = ~np.isfinite(p.utilisation[scen[0]])
            if no_util.any():
                why = np.array([f"no {p.util_source.get(scen[0], 'utilisation')} observation at or "
                                f"before {y} for {c} (needed by the {scen[0]} scenario)"
                                for c, y in zip(inp.iso3, inp.year)], dtype=object)
                text = np.where(no_util & lacking, text + "; " + why, np.where(no_util, why, text))
                lacking |= no_util
            miss = ~np.isfinite(p.usd)
            text = np.where(miss & lacking, text + "; " + p.missing_detail,
                            np.where(miss, p.missing_detail, text))
            lacking |= miss
        mark(lacking, "missing_counterpart", text)
        ok = reason == ""
        inp.settle(ok, reason, detail, self._rule_note)
        excluded = ledger.excluded_frame()
        # ---- costs: scenario stack (point first) x imputation alternatives
        alts = ["median", *sorted({k for p in parts for k in p.alt_usd})]
        fallback: dict[str, list[str]] = {}
        stack_part: dict[str, list[np.ndarray]] = {p.name: [] for p in parts}
        labels: list[str] = []
        factor = {p.name: self._deflate(np.where(ok, p.price_year, np.nan)) for p in parts}
        for s in scen:
            for a in alts:
                labels.append(s if a == "median" else f"{s}/imputed_{a}")
                for p in parts:
                    util = p.utilisation[s]
                    miss = ok & ~np.isfinite(util)
                    if miss.any():
                        fallback.setdefault(s, [])
                        fallback[s].extend(f"{lab} ({p.name})" for lab in label[miss])
                        util = np.where(miss, p.utilisation[scen[0]], util)
                    usd = p.usd if a == "median" else np.where(p.imputed, p.alt_usd.get(a, p.usd),
                                                               p.usd)
                    stack_part[p.name].append(p.users * util * usd * factor[p.name])
        part_stack = {k: np.vstack(v)[:, ok] for k, v in stack_part.items()}
        total_stack = np.sum([v for v in part_stack.values()], axis=0)
        point_part = {k: v[0] for k, v in part_stack.items()}
        point = total_stack[0]
        ranged = total_stack.shape[0] > 1
        iso3, year = inp.iso3[ok].astype(str), inp.year[ok]
        frames: list[pd.DataFrame] = []
        q = self.quantity
        py = {p.name: p.price_year[ok] for p in parts}
        key_years = [[py[p.name][i] for p in parts] for i in range(len(iso3))]
        unit_key = [self._money(ys) for ys in key_years]
        lo = total_stack.min(axis=0) if ranged else np.nan
        hi = total_stack.max(axis=0) if ranged else np.nan
        frames.append(_rows(q, iso3, year, None, point, unit_key, lo, hi))
        if self.horizon_years > 1:
            h = self.horizon_years
            frames.append(_rows(f"{q}_over_horizon", iso3, year, None, point * h,
                                [self._money(ys, f"USD over {h} years") for ys in key_years],
                                lo * h if ranged else np.nan, hi * h if ranged else np.nan))
        for p in parts:
            st = part_stack[p.name]
            unit_p = [self._money([y]) for y in py[p.name]]
            frames.append(_rows(q, iso3, year, p.name, st[0], unit_p,
                                st.min(axis=0) if ranged else np.nan,
                                st.max(axis=0) if ranged else np.nan))
            frames.append(_rows("users", iso3, year, p.name, p.users[ok], "persons"))
            frames.append(_rows("utilisation", iso3, year, p.name, p.utilisation[scen[0]][ok],
                                "fraction of users"))
            frames.append(_rows("unit_cost_usd", iso3, year, p.name,
                                p.usd[ok] * factor[p.name][ok] if n else [],
                                [self._money([y], "USD per user per year") for y in py[p.name]]))
            frames.append(_rows("price_year", iso3, year, p.name, py[p.name], "year"))
            if self._has_unit_cost_year():
                frames.append(_rows("unit_cost_year", iso3, year, p.name, p.base_year[ok], "year"))
            if self._imputes():
                frames.append(_rows("unit_cost_imputed", iso3, year, p.name,
                                    p.imputed[ok].astype(float), "flag (1 = imputed)"))
        # ---- totals per year (scenario by scenario, so the range is of the total itself)
        scen_totals: dict[str, dict[str, float]] = {}
        years = sorted({int(y) for y in year})
        for y in years:
            sel = year == y
            tot = total_stack[:, sel].sum(axis=1)
            all_years = [yy for i in np.flatnonzero(sel) for yy in key_years[i]]
            frames.append(_rows(q, None, y, _ALL, tot[0], self._money(all_years),
                                tot.min() if ranged else np.nan, tot.max() if ranged else np.nan))
            if self.horizon_years > 1:
                h = self.horizon_years
                frames.append(_rows(f"{q}_over_horizon", None, y, _ALL, tot[0] * h,
                                    self._money(all_years, f"USD over {h} years"),
                                    tot.min() * h if ranged else np.nan,
                                    tot.max() * h if ranged else np.nan))
            for p in parts:
                tp = part_stack[p.name][:, sel].sum(axis=1)
                frames.append(_rows(q, None, y, f"{_ALL}: {p.name}", tp[0],
                                    self._money(py[p.name][sel]),
                                    tp.min() if ranged else np.nan, tp.max() if ranged else np.nan))
            frames.append(_rows("countries", None, y, _ALL, float(sel.sum()), "countries"))
            scen_totals[str(y)] = {lab: float(t) for lab, t in zip(labels, tot)}
        # ---- Monte Carlo
        mc_diag: dict[str, Any] = {}
        if self.n_draws > 0 and len(iso3):
            frames.extend(self._monte_carlo(iso3, year, point_part, parts, key_years, years))
            mc_diag = {
                "n_draws": self.n_draws, "unit_cost_cv": self.unit_cost_cv, "seed": self.seed,
                "interval": self.mc_interval, "distribution": "mean-one log-normal factor per "
                "part and country-year, independent",
                "streams": "numpy SeedSequence(seed, spawn_key=(iso3 as base-26 number, year))"}
        est = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=list(_rows("x", None, None, None, [], "").columns))
        # ---- assumptions and diagnostics
        assumptions = [
            f"Cost = users x utilisation x unit cost, summed over {', '.join(p.name for p in parts)}"
            f"; users = {self._users_doc()}.",
            *self._assumptions(inp, parts, ok),
            self._money_assumption(),
        ]
        if self.income_groups or self.min_refugees:
            scope = []
            if self.income_groups:
                scope.append("income groups " + ", ".join(self.income_groups)
                             + " (World Bank classification of the year, or the latest before it)")
            if self.min_refugees:
                scope.append(f"hosts of at least {self.min_refugees:,} refugees in the year")
            assumptions.append("Scope: " + "; ".join(scope) + "; other hosts are excluded "
                               "(not_in_group).")
        if self.horizon_years > 1:
            assumptions.append(
                f"{q}_over_horizon = annual cost x {self.horizon_years} years: the population, "
                "unit costs and prices are held at their values of the year (no projection, no "
                "discounting).")
        if ranged:
            assumptions.append(
                "ci_lower/ci_upper are the range over the scenarios " + ", ".join(labels)
                + " (a scenario range, not a confidence interval); totals take the range of the "
                "total across scenarios.")
        if fallback:
            assumptions.append(
                "Where a scenario's input is missing for a country, that country keeps its "
                "point-scenario utilisation in that scenario (listed in diagnostics "
                "'scenario_fallback').")
        if self.n_draws > 0:
            lo_q, hi_q = (1 - self.mc_interval) / 2, (1 + self.mc_interval) / 2
            assumptions.append(
                f"Monte Carlo ({self.n_draws:,} draws, seed {self.seed}): each unit cost is "
                f"multiplied by an independent mean-one log-normal factor with coefficient of "
                f"variation {self.unit_cost_cv:g}; quantity {q}_monte_carlo gives the mean, sd and "
                f"the {lo_q:g} and {hi_q:g} quantiles (uncertainty in unit costs only, at the "
                "point scenario).")
        diagnostics: dict[str, Any] = {
            "used": ledger.n_used,
            "excluded": len(excluded),
            "country_years": int(ok.sum()),
            "parts": [p.name for p in parts],
            "scenarios": labels,
            "scenario_totals": scen_totals,
            "scenario_fallback": {k: sorted(set(v)) for k, v in fallback.items()},
            "money": {
                "currency": "USD",
                "price_basis": self.price_basis,
                "base_year": self.base_year,
                "deflator_source": self.deflator_source or None,
                "exchange_rates": "market exchange rates, as embedded in the current-USD inputs",
                "price_years": {p.name: _counts(py[p.name]) for p in parts},
            },
            "sources_used": ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items())),
            **imp_diag,
            **self._diagnostics(inp, parts, ok),
        }
        if "wb_income_group" in self._scope_inputs():
            diagnostics["income_group_year"] = _counts(group_year[ok])
        if mc_diag:
            diagnostics["monte_carlo"] = mc_diag
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=tuple(assumptions),
            diagnostics=diagnostics,
            uncertainty_method="scenario_range" if ranged else "none",
        )

    def _complete(self, inp: _Inputs, parts: list[_Part], in_scope: np.ndarray) -> np.ndarray:
        """Keys whose parts convert to USD without imputation (imputation donors)."""
        ok = in_scope.copy()
        for p in parts:
            probe = _Part(p.name, p.users, p.base, p.base_year, p.base_label, p.utilisation)
            self._convert(inp, probe)
            ok &= np.isfinite(probe.usd)
        return ok

    def _has_unit_cost_year(self) -> bool:
        return True

    def _imputes(self) -> bool:
        return False

    def _money_assumption(self) -> str:
        if self.price_basis == "constant":
            return (f"Money: USD at constant {self.base_year} prices, converted from each unit "
                    f"cost's price year with the user-supplied deflator ({self.deflator_source}); "
                    "exchange rates are those embedded in the current-USD inputs.")
        return ("Money: USD at current prices of each unit cost's price year (row unit and "
                "quantity price_year); no deflation or currency conversion was applied, so a total "
                "over countries with different price years mixes price levels.")

    def _monte_carlo(self, iso3: np.ndarray, year: np.ndarray, point_part: Mapping[str, np.ndarray],
                     parts: list[_Part], key_years: list[list[float]],
                     years: list[int]) -> list[pd.DataFrame]:
        q = f"{self.quantity}_monte_carlo"
        costs = np.column_stack([point_part[p.name] for p in parts])
        lo_t = f"quantile_{(1 - self.mc_interval) / 2:g}"
        hi_t = f"quantile_{(1 + self.mc_interval) / 2:g}"
        prog = mc.Progress(len(iso3), f"{self.name} Monte Carlo", self.progress)
        frames = []
        for y in years:
            sel = np.flatnonzero(year == y)
            draws = mc.draw_costs(self.seed, list(iso3[sel]), [int(v) for v in year[sel]],
                                  costs[sel], n_draws=self.n_draws, cv=self.unit_cost_cv,
                                  n_jobs=self.n_jobs, progress=prog)
            s = mc.summarise(draws, self.mc_interval)
            units = [self._money(key_years[i]) for i in sel]
            for term, k in (("mean", "mean"), ("sd", "sd"), (lo_t, "lower"), (hi_t, "upper")):
                frames.append(_rows(q, iso3[sel], y, term, s[k], units))
            tot = mc.summarise(draws.sum(axis=0, keepdims=True), self.mc_interval)
            unit_t = self._money([yy for i in sel for yy in key_years[i]])
            for term, k in (("mean", "mean"), ("sd", "sd"), (lo_t, "lower"), (hi_t, "upper")):
                frames.append(_rows(q, None, y, f"{_ALL}: {term}", tot[k], unit_t))
        return frames


def _counts(years: np.ndarray) -> dict[str, int]:
    vals = [int(y) for y in np.asarray(years, dtype=float) if np.isfinite(y)]
    out: dict[str, int] = {}
    for y in sorted(vals):
        out[str(y)] = out.get(str(y), 0) + 1
    return out


# =========================================================================== data-based unit costs
@dataclass(frozen=True, kw_only=True)
class _DataUnitCost(_InclusionCost):
    """Unit costs looked up in the data: the year rule and imputation on request."""

    unit_cost_year: Literal["latest_available", "same_year"] = field(
        default="latest_available", metadata={
            "doc": "which unit-cost observation applies to a year: the latest at or before it, "
                   "or only the same year; the year used is reported (quantity unit_cost_year)"})
    max_unit_cost_age: int | None = field(default=None, metadata={
        "ge": 0, "doc": "with latest_available: ignore unit costs older than this many years"})
    impute: Literal["none", "income_group_median"] = field(default="none", metadata={
        "doc": "missing unit costs: leave the country out (none) or use the median of the hosts "
               "of its income group in the same estimate (each imputed country listed)"})
    impute_range: bool = field(default=False, metadata={
        "doc": "with imputation: add the group's 25th and 75th percentiles to the scenario range"})
    impute_min_donors: int = field(default=3, metadata={
        "ge": 1, "doc": "fewest hosts with observed unit costs a group median may come from"})

    _rule_note: ClassVar[str] = "the unit_cost_year rule"

    def _validate(self) -> None:
        super()._validate()
        if self.impute == "none" and self.impute_range:
            raise ParameterError("impute_range needs impute='income_group_median'")
        if self.unit_cost_year == "same_year" and self.max_unit_cost_age is not None:
            raise ParameterError("max_unit_cost_age applies only with "
                                 "unit_cost_year='latest_available'")

    def _needs_income_group(self) -> bool:
        return self.impute != "none"

    def _imputes(self) -> bool:
        return self.impute != "none"

    def _base_lookup(self, inp: _Inputs, indicator: str) -> tuple[np.ndarray, np.ndarray]:
        return inp.lookup(indicator, rule=self.unit_cost_year, max_age=self.max_unit_cost_age)

    def _rule_text(self) -> str:
        if self.unit_cost_year == "same_year":
            return "observed in the same year"
        age = (f", at most {self.max_unit_cost_age} years old" if self.max_unit_cost_age
               is not None else "")
        return f"latest observation at or before the year{age}"

    def _impute(self, inp: _Inputs, parts: list[_Part], donors_ok: np.ndarray,
                group: np.ndarray) -> dict[str, Any]:
        for p in parts:
            p.imputed = np.zeros(inp.n, dtype=bool)
        if self.impute == "none":
            return {}
        listed: dict[str, list[str]] = {}
        donors_n: dict[str, dict[str, int]] = {}
        for p in parts:
            need = ~np.isfinite(p.base) & np.isfinite(group)
            if self.impute_range:
                p.alt_base = {"p25": p.base.copy(), "p75": p.base.copy()}
            for y, g in sorted({(int(a), int(b)) for a, b in zip(inp.year[need], group[need])}):
                pool = donors_ok & (inp.year == y) & (group == g) & np.isfinite(p.base)
                donors_n.setdefault(p.name, {})[f"{y} group {g}"] = int(pool.sum())
                if pool.sum() < self.impute_min_donors:
                    continue
                vals = p.base[pool]
                yrs = p.base_year[pool].astype(int)
                counts = np.bincount(yrs - yrs.min())
                mode_year = int(yrs.min() + np.flatnonzero(counts == counts.max()).max())
                tgt = need & (inp.year == y) & (group == g)
                p.base = np.where(tgt, float(np.median(vals)), p.base)
                p.base_year = np.where(tgt, float(mode_year), p.base_year)
                p.imputed |= tgt
                if self.impute_range:
                    p.alt_base["p25"] = np.where(tgt, float(np.percentile(vals, 25)),
                                                 p.alt_base["p25"])
                    p.alt_base["p75"] = np.where(tgt, float(np.percentile(vals, 75)),
                                                 p.alt_base["p75"])
            tag = np.where(p.imputed)[0]
            listed[p.name] = [f"{inp.iso3[i]} {inp.year[i]}" for i in tag]
        return {"imputed": listed, "imputation_donors": donors_n}

    def _imputation_text(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> list[str]:
        if self.impute == "none":
            return ["Countries without a usable unit cost are excluded (missing_counterpart), "
                    "never counted as zero; imputation is off."]
        out = []
        for p in parts:
            imp = [f"{c} {y}" for c, y, i, k in zip(inp.iso3, inp.year, p.imputed, ok) if i and k]
            if imp:
                shown = ", ".join(imp[:30]) + (f" and {len(imp) - 30} more" if len(imp) > 30 else "")
                out.append(f"Imputed {p.name} unit costs (income-group median of the hosts with "
                           f"observed unit costs in the same estimate, at least "
                           f"{self.impute_min_donors} of them): {shown}.")
        if not out:
            out.append("Imputation was requested but no unit cost was imputed.")
        return out


# =========================================================================== generic
@dataclass(frozen=True, kw_only=True)
class UnitCost(_DataUnitCost):
    r"""Generic fiscal cost of inclusion: users x unit cost x utilisation, per sector.

    .. math:: C_{c,t} = \sum_{s} N^{(s)}_{c,t} \; u^{(s)}_{c,\tau_s(c,t)} \; \phi_s

    with :math:`N^{(s)}` the users of sector :math:`s` (a persons indicator), :math:`u^{(s)}` its
    unit cost (a USD-per-person indicator) observed in year :math:`\tau_s(c,t)` (the same year,
    or the latest at or before :math:`t`: ``unit_cost_year``) and :math:`\phi_s` the utilisation
    factor (1 = parity with nationals). See ``methodology/unit_cost.md``.

    Parameters
    ----------
    sectors : tuple of (sector, users indicator, unit-cost indicator)
        Default: ``(("health", "refugees", "gov_health_expenditure_per_capita_usd_current"),)``.
    utilisation, utilisation_low, utilisation_high : tuple of (sector, factor)
        Point utilisation per sector (1 when not listed) and alternative values; with
        alternatives the range over point/low/high is a ``scenario_range``.
    unit_cost_year, max_unit_cost_age, impute, impute_range, impute_min_donors
        The unit-cost year rule and imputation on request.
    income_groups, min_refugees, horizon_years, price_basis, base_year, deflator,
    deflator_source, n_draws, unit_cost_cv, mc_interval, seed, n_jobs, progress, sources
        Scope, horizon, money and Monte Carlo (see ``methodology/unit_cost.md``).

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.unit_cost import UnitCost
    >>> rows = [("JOR", 2022, "refugees", 1000.0),
    ...         ("JOR", 2022, "gov_health_expenditure_per_capita_usd_current", 500.0)]
    >>> frame = pd.DataFrame([{"iso3": i, "year": y, "indicator": k, "value": v,
    ...                        "unit": VOCABULARY[k].unit, "source": "synthetic_doc"}
    ...                       for i, y, k, v in rows])
    >>> data = bs.Dataset.from_frame(frame, [bs.Source("synthetic_doc", "synthetic", "docs")])
    >>> res = UnitCost(utilisation=(("health", 0.6),)).estimate(data)
    >>> e = res.estimates  # 1,000 users x USD 500 x 0.6:
    >>> e.loc[(e["quantity"] == "inclusion_cost_usd") & (e["iso3"] == "JOR")
    ...       & e["term"].isna(), "estimate"].tolist()
    [300000.0]
    """

    name: ClassVar[str] = "unit_cost"
    # 1.1: wb_income_group (income_groups scope, income_group_median imputation) is now the World
    # Bank classification in force on 31 December (OGHIST), not Gapminder's GNI-year series
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "inclusion_cost_usd"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees",
                                                    "gov_health_expenditure_per_capita_usd_current"})
    reference: ClassVar[str] = "methodology/unit_cost.md"
    summary: ClassVar[str] = "Fiscal cost of inclusion: users x unit cost x utilisation, by sector"

    sectors: tuple[tuple[str, str, str], ...] = field(
        default=(("health", "refugees", "gov_health_expenditure_per_capita_usd_current"),),
        metadata={"doc": "sector+users indicator+unit-cost indicator triples (users in persons, "
                         "unit cost in USD current per person)"})
    utilisation: tuple[tuple[str, float], ...] = field(default=(), metadata={
        "doc": "sector:factor pairs (1 = parity; sectors not listed use 1)"})
    utilisation_low: tuple[tuple[str, float], ...] = field(default=(), metadata={
        "doc": "sector:factor pairs of the low scenario (scenario_range)"})
    utilisation_high: tuple[tuple[str, float], ...] = field(default=(), metadata={
        "doc": "sector:factor pairs of the high scenario (scenario_range)"})

    def _validate_more(self) -> None:
        if not self.sectors:
            raise ParameterError("parameter 'sectors' must name at least one sector")
        names = [s for s, _u, _c in self.sectors]
        if len(set(names)) != len(names):
            raise ParameterError(f"parameter 'sectors' repeats a sector name: {names}")
        for s, users, cost in self.sectors:
            if not s or not s.replace("_", "").isalnum():
                raise ParameterError(f"parameter 'sectors': sector name {s!r} must be a word")
            for ind, want in ((users, "persons"), (cost, _MONEY_PER_PERSON)):
                if ind not in VOCABULARY:
                    raise ParameterError(f"parameter 'sectors': {ind!r} (sector {s}) is not an "
                                         "indicator of the vocabulary")
                if VOCABULARY[ind].unit != want:
                    raise ParameterError(
                        f"parameter 'sectors': {ind!r} (sector {s}) is in "
                        f"{VOCABULARY[ind].unit!r}; it must be in {want!r}")
        for pname in ("utilisation", "utilisation_low", "utilisation_high"):
            pairs = getattr(self, pname)
            keys = [k for k, _v in pairs]
            bad = [k for k in keys if k not in names]
            if bad:
                raise ParameterError(f"parameter {pname!r}: {bad[0]!r} is not a sector of "
                                     f"sectors ({', '.join(names)})")
            if len(set(keys)) != len(keys):
                raise ParameterError(f"parameter {pname!r} repeats a sector")
            if any(v < 0 for _k, v in pairs):
                raise ParameterError(f"parameter {pname!r}: factors must be >= 0")

    def _users_indicators(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for _s, u, _c in self.sectors))

    def _cost_inputs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for _s, _u, c in self.sectors))

    def optional_inputs(self) -> frozenset[str]:
        """Users indicators beyond the first may be absent (none reported)."""
        return frozenset(self._users_indicators()[1:])

    def _scenario_names(self) -> tuple[str, ...]:
        out = ["point"]
        if self.utilisation_low:
            out.append("low")
        if self.utilisation_high:
            out.append("high")
        return tuple(out)

    def _parts(self, inp: _Inputs) -> list[_Part]:
        parts = []
        point, low, high = dict(self.utilisation), dict(self.utilisation_low), dict(
            self.utilisation_high)
        for s, users, cost in self.sectors:
            base, base_year = self._base_lookup(inp, cost)
            phi = point.get(s, 1.0)
            util = {"point": np.full(inp.n, phi), "low": np.full(inp.n, low.get(s, phi)),
                    "high": np.full(inp.n, high.get(s, phi))}
            parts.append(_Part(s, np.nan_to_num(inp.users[users]), base, base_year, cost, util))
        return parts

    def _users_doc(self) -> str:
        return "; ".join(f"{s}: {u}" for s, u, _c in self.sectors)

    def _assumptions(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> list[str]:
        util = dict(self.utilisation)
        return [
            "Unit costs: " + "; ".join(f"{s}: {c} ({self._rule_text()})"
                                       for s, _u, c in self.sectors) + ".",
            "Utilisation: " + ", ".join(f"{s} {util.get(s, 1.0):g}" for s, _u, _c in self.sectors)
            + " (1 = the same use as nationals).",
            "A users indicator not reported for a country-year that has another counts as none.",
            *self._imputation_text(inp, parts, ok),
        ]


# =========================================================================== education
@dataclass(frozen=True, kw_only=True)
class EducationInclusionCost(_DataUnitCost):
    r"""Cost of including school-age refugees in public education (World Bank-UNHCR approach).

    For level :math:`l` (primary: refugees aged 5-11; secondary: 12-17):

    .. math:: C_{c,t} = \sum_l S_{c,l,t} \; e_{c,l} \;
              \frac{x_{c,l,\tau}}{100} \; Y_{c,\tau'}

    with :math:`S` the refugees of the level's age band (optionally plus other people in need of
    international protection given the refugees' age structure: ``oip_ages``), :math:`e` the
    enrolment rate of the scenario (1 = full inclusion; the host's gross enrolment ratio / 100,
    capped at 1 by default; or a user-supplied refugee enrolment rate), :math:`x` the per-student
    unit cost in % of GDP per capita (``unit_cost_source``: UNESCO UIS initial government funding
    per student, to 2023, by default; or WDI government expenditure per student, to 2018; year
    :math:`\tau` = latest at or before :math:`t` by default, reported as ``unit_cost_year`` and,
    when older than :math:`t`, listed in the assumptions and diagnostics
    ``unit_cost_carried_forward``) and :math:`Y` GDP per capita (current USD) of year
    :math:`\tau' = \tau` (default) or the latest at or before :math:`t`. See
    ``methodology/education_inclusion_cost.md``.

    Parameters
    ----------
    levels : tuple of {"primary", "secondary"}
    enrolment : {"full_inclusion", "host_enrolment", "refugee_enrolment"}
        Point scenario.
    scenario_enrolments : tuple of str
        Further enrolment scenarios; the range is a ``scenario_range``.
    refugee_enrolment_rates : tuple of (level, rate)
        Refugee enrolment rates (fractions) for ``refugee_enrolment``, with
        ``refugee_enrolment_source``.
    cap_enrolment : bool
        Cap host gross enrolment ratios at 100 %.
    gdp_per_capita_year : {"unit_cost_year", "estimate_year"}
    unknown_age : {"not_counted", "prorated"}
        Refugees without an age breakdown: not counted (a lower bound) or prorated with the
        age structure of those with one.
    unit_cost_source : {"uis", "wdi"}
        Per-student cost series: ``uis`` (default; UNESCO UIS "initial government funding per
        student", % of GDP per capita, to 2023) or ``wdi`` (WDI "government expenditure per
        student", to 2018). Different concepts (median difference 1.7 % where both exist): one
        series per estimate, never spliced.
    oip_ages : {"not_counted", "refugee_age_structure"}
        Other people in need of international protection (``oip``; no age bands in UNHCR's
        data): not counted (default, like the World Bank-UNHCR 2021 costing of refugees), or
        given the age structure of the host's refugees with a known age.
    unit_cost_year, max_unit_cost_age, impute, impute_range, impute_min_donors, income_groups,
    min_refugees, horizon_years, price_basis, base_year, deflator, deflator_source, n_draws,
    unit_cost_cv, mc_interval, seed, n_jobs, progress, sources
        As for :class:`UnitCost`.

    References
    ----------
    World Bank and UNHCR (2021), *The Global Cost of Inclusive Refugee Education*; World Bank
    (2023), *The Global Cost of Inclusive Refugee Education: 2023 Update*.
    """

    name: ClassVar[str] = "education_inclusion_cost"
    #: 1.1: unit costs from UNESCO UIS by default (unit_cost_source), oip_ages (issue 14)
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "education_inclusion_cost_usd"
    requires: ClassVar[frozenset[str]] = frozenset({
        "refugees_aged_5_11", "refugees_aged_12_17",
        "initial_gov_funding_per_student_primary_pct_gdp_pc",
        "initial_gov_funding_per_student_secondary_pct_gdp_pc", _GDP_PC})
    reference: ClassVar[str] = "methodology/education_inclusion_cost.md"
    summary: ClassVar[str] = ("Public cost of educating school-age refugees at host per-student "
                              "cost (World Bank-UNHCR)")

    levels: tuple[str, ...] = field(default=("primary", "secondary"), metadata={
        "choices": tuple(LEVELS), "doc": "school levels costed (primary: ages 5-11; secondary: "
                                         "12-17)"})
    enrolment: Literal["full_inclusion", "host_enrolment", "refugee_enrolment"] = field(
        default="full_inclusion", metadata={"doc": "enrolment scenario of the point estimate"})
    scenario_enrolments: tuple[str, ...] = field(default=(), metadata={
        "choices": ENROLMENT_SCENARIOS,
        "doc": "further enrolment scenarios; their range is a scenario_range"})
    refugee_enrolment_rates: tuple[tuple[str, float], ...] = field(default=(), metadata={
        "doc": "level:rate pairs (fractions) for the refugee_enrolment scenario"})
    refugee_enrolment_source: str = field(default="", metadata={
        "doc": "source of refugee_enrolment_rates (required with them)"})
    cap_enrolment: bool = field(default=True, metadata={
        "doc": "cap host gross enrolment ratios at 100 % (they count over-age pupils)"})
    gdp_per_capita_year: Literal["unit_cost_year", "estimate_year"] = field(
        default="unit_cost_year", metadata={
            "doc": "GDP per capita of the unit-cost year (the observed per-student cost) or the "
                   "latest at or before the estimated year (the ratio applied to current GDP)"})
    unknown_age: Literal["not_counted", "prorated"] = field(default="not_counted", metadata={
        "doc": "refugees without an age breakdown: not counted (lower bound) or prorated"})
    unit_cost_source: Literal["uis", "wdi"] = field(default="uis", metadata={
        "doc": "per-student cost series: uis (UNESCO UIS initial government funding per student, "
               "to 2023) or wdi (WDI government expenditure per student, to 2018); different "
               "concepts, never spliced"})
    oip_ages: Literal["not_counted", "refugee_age_structure"] = field(
        default="not_counted", metadata={
            "doc": "other people in need of international protection: not counted, or counted "
                   "with the age structure of the host's refugees with a known age"})

    _rule_note: ClassVar[str] = "the unit_cost_year / gdp_per_capita_year rule"

    def _validate_more(self) -> None:
        if not self.levels:
            raise ParameterError("parameter 'levels' must name at least one level")
        if len(set(self.levels)) != len(self.levels):
            raise ParameterError("parameter 'levels' repeats a level")
        scen = (self.enrolment, *self.scenario_enrolments)
        if len(set(scen)) != len(scen):
            raise ParameterError("parameter 'scenario_enrolments' repeats a scenario or the "
                                 "point scenario 'enrolment'")
        rates = dict(self.refugee_enrolment_rates)
        if len(rates) != len(self.refugee_enrolment_rates):
            raise ParameterError("parameter 'refugee_enrolment_rates' repeats a level")
        for lev, r in self.refugee_enrolment_rates:
            if lev not in LEVELS:
                raise ParameterError(f"parameter 'refugee_enrolment_rates': {lev!r} is not a "
                                     f"level ({', '.join(LEVELS)})")
            if not 0 <= r <= 1:
                raise ParameterError(f"parameter 'refugee_enrolment_rates': {lev} rate {r} must "
                                     "be a fraction between 0 and 1")
        if "refugee_enrolment" in scen:
            missing = [lev for lev in self.levels if lev not in rates]
            if missing or not self.refugee_enrolment_source.strip():
                raise ParameterError(
                    "the refugee_enrolment scenario needs refugee_enrolment_rates for every level "
                    f"(missing: {', '.join(missing) or 'none'}) and refugee_enrolment_source; "
                    "there are no default rates")
        elif self.refugee_enrolment_rates or self.refugee_enrolment_source:
            raise ParameterError("refugee_enrolment_rates/source are only used with the "
                                 "refugee_enrolment scenario")

    def _missing_hint(self, missing: list[str]) -> str:
        hints = []
        if any(LEVELS[lev][0] in missing for lev in LEVELS):
            hints.append("UNHCR's age bands (demographics) exist for 2025 only in the embedded "
                         "data: select years that include 2025")
        if any(LEVELS[lev][1] in missing for lev in LEVELS):
            hints.append("WDI per-student expenditure ends in 2018: select a range reaching back "
                         "to it, e.g. select(years=(2010, 2025)), or use unit_cost_source='uis'")
        if any(UNIT_COST_SOURCES["uis"][lev] in missing for lev in LEVELS):
            hints.append("UIS per-student funding is in the embedded sample uis_education.csv.gz "
                         "(to 2023): select a range reaching back to the latest year you need, "
                         "or use unit_cost_source='wdi' with WDI data (to 2018)")
        return (". " + "; ".join(hints)) if hints else ""

    def _scenario_names(self) -> tuple[str, ...]:
        return (self.enrolment, *self.scenario_enrolments)

    def _users_indicators(self) -> tuple[str, ...]:
        return tuple(LEVELS[lev][0] for lev in self.levels)

    def _cost_inputs(self) -> tuple[str, ...]:
        out = [UNIT_COST_SOURCES[self.unit_cost_source][lev] for lev in self.levels] + [_GDP_PC]
        if "host_enrolment" in self._scenario_names():
            out += [LEVELS[lev][2] for lev in self.levels]
        if self.unknown_age == "prorated":
            out += ["refugees", "refugees_with_age"]
        if self.oip_ages == "refugee_age_structure":
            out += ["oip", "refugees_with_age"]
        return tuple(dict.fromkeys(out))

    def optional_inputs(self) -> frozenset[str]:
        """The second age band, and ``oip`` (a host without OIP reports none), may be absent."""
        extra = {"oip"} if self.oip_ages == "refugee_age_structure" else set()
        return frozenset(self._users_indicators()[1:]) | extra

    def _gate(self, inp: _Inputs, reason: np.ndarray, detail: np.ndarray) -> None:
        if self.unknown_age == "prorated":
            self._gate_prorated(inp, reason, detail)
        if self.oip_ages == "refugee_age_structure":
            self._gate_oip(inp, reason, detail)

    def _gate_oip(self, inp: _Inputs, reason: np.ndarray, detail: np.ndarray) -> None:
        """OIP of the key's year per refugee with a known age (the share given school ages)."""
        oip, _oy = inp.lookup("oip")
        with_age, _wy = inp.lookup("refugees_with_age")
        f = inp.ledger.frame
        gone = f[(f["indicator"] == "oip").to_numpy() & f["value"].isna().to_numpy()]
        gone_keys = set(zip(gone["iso3"].astype(str), gone["year"].astype(int)))
        labels = [f"{c} {y}" for c, y in zip(inp.iso3, inp.year)]
        explicit_nan = np.array([(str(c), int(y)) in gone_keys
                                 for c, y in zip(inp.iso3, inp.year)], dtype=bool)
        oip = np.where(np.isfinite(oip), oip, 0.0)  # no observation: the host reports no OIP
        for cond, text in (
                (explicit_nan, "oip is missing for {} (oip_ages='refugee_age_structure')"),
                ((oip > 0) & ~(with_age > 0),
                 "{} has oip but no positive refugees_with_age: no age structure to give them")):
            sel = cond & (reason == "")
            reason[sel] = "missing_counterpart"
            detail[sel] = np.array([text.format(s) for s in labels], dtype=object)[sel]
        with np.errstate(divide="ignore", invalid="ignore"):
            inp.oip_share = np.where(with_age > 0, oip / with_age, 0.0)

    def _gate_prorated(self, inp: _Inputs, reason: np.ndarray, detail: np.ndarray) -> None:
        with_age, _y = inp.lookup("refugees_with_age")
        refugees = inp.refugees
        labels = [f"{c} {y}" for c, y in zip(inp.iso3, inp.year)]
        for cond, why, text in (
                (~np.isfinite(refugees), "missing_counterpart", "no refugees observation for {}"),
                (~np.isfinite(with_age), "missing_counterpart",
                 "no refugees_with_age observation for {}"),
                (np.isfinite(with_age) & (with_age <= 0), "non_positive_denominator",
                 "refugees_with_age is zero for {} (nothing to prorate from)")):
            sel = cond & (reason == "")
            reason[sel] = why
            detail[sel] = np.array([text.format(s) for s in labels], dtype=object)[sel]
        with np.errstate(divide="ignore", invalid="ignore"):
            inp.prorate = np.where(with_age > 0, refugees / with_age, np.nan)

    def _parts(self, inp: _Inputs) -> list[_Part]:
        parts = []
        rates = dict(self.refugee_enrolment_rates)
        for lev in self.levels:
            band, _wdi, ger_ind = LEVELS[lev]
            ratio_ind = UNIT_COST_SOURCES[self.unit_cost_source][lev]
            base, base_year = self._base_lookup(inp, ratio_ind)
            util: dict[str, np.ndarray] = {"full_inclusion": np.ones(inp.n)}
            if "host_enrolment" in self._scenario_names():
                ger, _gy = inp.lookup(ger_ind, rule="latest_available")
                rate = ger / 100.0
                util["host_enrolment"] = np.minimum(rate, 1.0) if self.cap_enrolment else rate
            if "refugee_enrolment" in self._scenario_names():
                util["refugee_enrolment"] = np.full(inp.n, rates[lev])
            users = np.nan_to_num(inp.users[band]) * (inp.prorate + inp.oip_share)
            parts.append(_Part(lev, users, base, base_year, ratio_ind, util,
                               util_source={"host_enrolment": ger_ind}))
        return parts

    def _convert(self, inp: _Inputs, part: _Part) -> None:
        if self.gdp_per_capita_year == "unit_cost_year":
            gdp, gdp_year = inp.lookup(_GDP_PC, part.base_year)
            where = "in the unit-cost year"
        else:
            gdp, gdp_year = inp.lookup(_GDP_PC, rule="latest_available")
            where = "at or before the year"
        part.usd = part.base / 100.0 * gdp
        part.price_year = gdp_year
        part.alt_usd = {k: v / 100.0 * gdp for k, v in part.alt_base.items()}
        part.missing_detail = np.array([
            (f"no {part.base_label} observation ({self._rule_text()}) for {c} {y}"
             if not np.isfinite(b) else
             f"no {_GDP_PC} observation {where} ({int(by)}) for {c} {y}")
            for c, y, b, by in zip(inp.iso3, inp.year, part.base,
                                   np.nan_to_num(part.base_year))], dtype=object)

    def _users_doc(self) -> str:
        bands = ", ".join(f"{lev}: refugees aged {LEVELS[lev][0].split('aged_')[1].replace('_', '-')}"
                          for lev in self.levels)
        extra = (" prorated to all refugees (x refugees / refugees_with_age)"
                 if self.unknown_age == "prorated" else
                 " (refugees without an age breakdown are not counted: a lower bound)")
        if self.oip_ages == "refugee_age_structure":
            extra += ("; plus other people in need of international protection with the same age "
                      "structure (band x oip / refugees_with_age)")
        return bands + extra

    def _assumptions(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> list[str]:
        out = [
            "Age bands stand in for school levels (5-11 primary, 12-17 secondary); national entry "
            "ages and cycle lengths differ, and pre-primary and tertiary are not costed.",
            f"Unit cost per student = {_UNIT_COST_SOURCE_TEXT[self.unit_cost_source]} "
            f"({self._rule_text()}) x GDP per capita (current USD) "
            + ("of the same year as the expenditure ratio." if self.gdp_per_capita_year ==
               "unit_cost_year" else "of the latest year at or before the estimated year."),
            "Refugee pupils cost what a host pupil costs on average (parity of inputs); no extra "
            "cost of language, catch-up or school construction.",
        ]
        scen = self._scenario_names()
        if "host_enrolment" in scen:
            out.append("host_enrolment: the host's gross enrolment ratio for the level (latest at "
                       "or before the year)" + (", capped at 100 %" if self.cap_enrolment else "")
                       + ".")
        if "refugee_enrolment" in scen:
            out.append("refugee_enrolment: " + ", ".join(
                f"{lev} {r:g}" for lev, r in self.refugee_enrolment_rates)
                + f" for every host (source: {self.refugee_enrolment_source}).")
        out.extend(self._imputation_text(inp, parts, ok))
        out.append(self._carried_forward_text(inp, parts, ok))
        if self.oip_ages == "refugee_age_structure":
            out.append("Other people in need of international protection (oip, no age bands in "
                       "UNHCR's data) are given the age structure of the host's refugees with a "
                       "known age; a host without an oip observation has none.")
        return out

    def _carried_forward(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray,
                         ) -> dict[str, dict[str, int]]:
        """Per level: the country-years costed with a unit cost of an earlier year."""
        out: dict[str, dict[str, int]] = {}
        for p in parts:
            sel = ok & ~p.imputed & np.isfinite(p.base_year) & (p.base_year < inp.year)
            out[p.name] = {f"{c} {y}": int(b) for c, y, b in
                           zip(inp.iso3[sel], inp.year[sel], p.base_year[sel])}
        return out

    def _carried_forward_text(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> str:
        cf = self._carried_forward(inp, parts, ok)
        bits = []
        for p in parts:
            sel = ok & ~p.imputed & np.isfinite(p.base_year)
            if not sel.any():
                continue
            age = inp.year[sel] - p.base_year[sel]
            bits.append(f"{p.name}: {len(cf[p.name])} of {int(sel.sum())} country-years use a "
                        f"unit cost older than the year (median age {float(np.median(age)):g}, "
                        f"oldest {int(p.base_year[sel].min())})")
        if not bits:
            return "No unit cost was carried forward to a later year."
        return ("Unit costs carried forward (the latest observation at or before the year, never "
                "interpolated or projected): " + "; ".join(bits)
                + ". Each is listed in diagnostics 'unit_cost_carried_forward' and shown in the "
                "quantity unit_cost_year.")

    def _diagnostics(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> dict[str, Any]:
        return {"unit_cost_year": {p.name: _counts(p.base_year[ok & ~p.imputed]) for p in parts},
                "unit_cost_source": self.unit_cost_source,
                "unit_cost_carried_forward": self._carried_forward(inp, parts, ok),
                "enrolment_scenario": self.enrolment}


# =========================================================================== health
@dataclass(frozen=True, kw_only=True)
class HealthInclusionCost(_DataUnitCost):
    r"""Cost of including refugees in public health systems at host per-capita spending.

    .. math:: C_{c,t} = R_{c,t} \; h_{c,\tau} \; \rho

    with :math:`R` the refugees counted (``who_counts``), :math:`h` domestic general government
    health expenditure per capita (WHO GHED, current USD; year :math:`\tau` by the
    ``unit_cost_year`` rule, reported) and :math:`\rho` the relative utilisation factor (1 =
    parity), with optional low/high values forming a ``scenario_range``. See
    ``methodology/health_inclusion_cost.md``.

    Parameters
    ----------
    who_counts : tuple of str
        Populations counted (summed): refugees (default), oip, asylum_seekers, unrwa_refugees.
    utilisation, utilisation_low, utilisation_high : float
    unit_cost_year, max_unit_cost_age, impute, impute_range, impute_min_donors, income_groups,
    min_refugees, horizon_years, price_basis, base_year, deflator, deflator_source, n_draws,
    unit_cost_cv, mc_interval, seed, n_jobs, progress, sources
        As for :class:`UnitCost`.
    """

    name: ClassVar[str] = "health_inclusion_cost"
    # 1.1: wb_income_group (income_groups scope, income_group_median imputation) is now the World
    # Bank classification in force on 31 December (OGHIST), not Gapminder's GNI-year series
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "health_inclusion_cost_usd"
    requires: ClassVar[frozenset[str]] = frozenset({
        "refugees", "gov_health_expenditure_per_capita_usd_current"})
    reference: ClassVar[str] = "methodology/health_inclusion_cost.md"
    summary: ClassVar[str] = ("Public health cost of refugees at host government health spending "
                              "per capita (WHO GHED)")

    who_counts: tuple[str, ...] = field(default=("refugees",), metadata={
        "choices": PEOPLE, "doc": "populations counted (summed)"})
    utilisation: float = field(default=1.0, metadata={
        "ge": 0, "doc": "relative utilisation factor (1 = same use as nationals)"})
    utilisation_low: float | None = field(default=None, metadata={
        "ge": 0, "doc": "low scenario factor (scenario_range)"})
    utilisation_high: float | None = field(default=None, metadata={
        "ge": 0, "doc": "high scenario factor (scenario_range)"})

    def _validate_more(self) -> None:
        _check_who(self.who_counts)

    def _users_indicators(self) -> tuple[str, ...]:
        return self.who_counts

    def _cost_inputs(self) -> tuple[str, ...]:
        return ("gov_health_expenditure_per_capita_usd_current",)

    def _scenario_names(self) -> tuple[str, ...]:
        return _low_high(self.utilisation_low, self.utilisation_high)

    def _parts(self, inp: _Inputs) -> list[_Part]:
        ind = "gov_health_expenditure_per_capita_usd_current"
        base, base_year = self._base_lookup(inp, ind)
        users = np.sum([np.nan_to_num(inp.users[w]) for w in self.who_counts], axis=0)
        util = _util(inp.n, self.utilisation, self.utilisation_low, self.utilisation_high)
        return [_Part("health", users, base, base_year, ind, util)]

    def _users_doc(self) -> str:
        return " + ".join(self.who_counts) + " (an unreported population counts as none)"

    def _assumptions(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> list[str]:
        return [
            "Unit cost = domestic general government health expenditure per capita (WHO GHED, "
            f"current USD; {self._rule_text()}); it excludes external aid and private spending.",
            f"Relative utilisation {self.utilisation:g} (1 = refugees use public health services "
            "like the average resident); no age/sex standardisation.",
            *self._imputation_text(inp, parts, ok),
        ]


# =========================================================================== subsistence
@dataclass(frozen=True, kw_only=True)
class SubsistenceCost(_InclusionCost):
    r"""Cost of meeting refugees' subsistence needs at a per-person value the user supplies.

    .. math:: C_{c,t} = R_{c,t} \; v \; k

    with :math:`R` the refugees counted, :math:`v` the per-person annual transfer value or poverty
    line (``transfer_usd_per_person_per_year``, with ``transfer_source`` and
    ``transfer_price_year``; there is no default) and :math:`k` the share of the counted
    population covered (``coverage``; optional low/high values give a ``scenario_range``). See
    ``methodology/subsistence_cost.md``.

    Parameters
    ----------
    who_counts : tuple of str
    transfer_usd_per_person_per_year : float or None
    transfer_source : str
    transfer_price_year : int or None
    coverage, coverage_low, coverage_high : float
    income_groups, min_refugees, horizon_years, price_basis, base_year, deflator,
    deflator_source, n_draws, unit_cost_cv, mc_interval, seed, n_jobs, progress, sources
        As for :class:`UnitCost`.
    """

    name: ClassVar[str] = "subsistence_cost"
    # 1.1: wb_income_group (income_groups scope, income_group_median imputation) is now the World
    # Bank classification in force on 31 December (OGHIST), not Gapminder's GNI-year series
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "subsistence_cost_usd"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/subsistence_cost.md"
    summary: ClassVar[str] = "Subsistence cost: refugees x a user-supplied per-person value"

    who_counts: tuple[str, ...] = field(default=("refugees",), metadata={
        "choices": PEOPLE, "doc": "populations counted (summed)"})
    transfer_usd_per_person_per_year: float | None = field(default=None, metadata={
        "ge": 0, "doc": "per-person annual transfer value or poverty line in USD (no default)"})
    transfer_source: str = field(default="", metadata={
        "doc": "where the per-person value comes from (required)"})
    transfer_price_year: int | None = field(default=None, metadata={
        "doc": "the year whose current prices the value is in (required)"})
    coverage: float = field(default=1.0, metadata={
        "ge": 0, "le": 1, "doc": "share of the counted population that receives the value"})
    coverage_low: float | None = field(default=None, metadata={
        "ge": 0, "le": 1, "doc": "low scenario share (scenario_range)"})
    coverage_high: float | None = field(default=None, metadata={
        "ge": 0, "le": 1, "doc": "high scenario share (scenario_range)"})

    def _validate_more(self) -> None:
        _check_who(self.who_counts)
        given = [self.transfer_usd_per_person_per_year is not None,
                 bool(self.transfer_source.strip()), self.transfer_price_year is not None]
        if any(given) and not all(given):
            raise ParameterError(
                "transfer_usd_per_person_per_year, transfer_source and transfer_price_year go "
                "together: give all three")

    def estimate(self, data: Dataset) -> Result:
        """Estimate on ``data`` (the per-person value must have been given).

        Parameters
        ----------
        data : Dataset

        Returns
        -------
        Result

        Raises
        ------
        EstimatorError
            If ``transfer_usd_per_person_per_year`` was not given (there is no default).
        """
        if self.transfer_usd_per_person_per_year is None:
            raise EstimatorError(
                "subsistence_cost needs the per-person annual value you want to cost, with its "
                "source and price year: set transfer_usd_per_person_per_year, transfer_source and "
                "transfer_price_year (e.g. --set transfer_usd_per_person_per_year=400 --set "
                "\"transfer_source=national social assistance 2024\" --set "
                "transfer_price_year=2024); there is no default value")
        return super().estimate(data)

    def _users_indicators(self) -> tuple[str, ...]:
        return self.who_counts

    def _scenario_names(self) -> tuple[str, ...]:
        return _low_high(self.coverage_low, self.coverage_high)

    def _has_unit_cost_year(self) -> bool:
        return False

    def _parts(self, inp: _Inputs) -> list[_Part]:
        users = np.sum([np.nan_to_num(inp.users[w]) for w in self.who_counts], axis=0)
        base = np.full(inp.n, float(self.transfer_usd_per_person_per_year or 0.0))
        year = np.full(inp.n, float(self.transfer_price_year or 0))
        util = _util(inp.n, self.coverage, self.coverage_low, self.coverage_high)
        return [_Part("subsistence", users, base, year, "transfer_usd_per_person_per_year", util)]

    def _users_doc(self) -> str:
        return " + ".join(self.who_counts) + " (an unreported population counts as none)"

    def _assumptions(self, inp: _Inputs, parts: list[_Part], ok: np.ndarray) -> list[str]:
        return [
            f"Per-person value USD {self.transfer_usd_per_person_per_year:,.2f} a year at "
            f"{self.transfer_price_year} prices, the same in every host (source: "
            f"{self.transfer_source}).",
            f"Coverage {self.coverage:g} of the counted population.",
        ]


def _check_who(who: tuple[str, ...]) -> None:
    if not who:
        raise ParameterError("parameter 'who_counts' must name at least one population")
    if len(set(who)) != len(who):
        raise ParameterError(f"parameter 'who_counts' = {list(who)!r} repeats a population")


def _low_high(low: float | None, high: float | None) -> tuple[str, ...]:
    return ("point", *(["low"] if low is not None else []), *(["high"] if high is not None else []))


def _util(n: int, point: float, low: float | None, high: float | None) -> dict[str, np.ndarray]:
    return {"point": np.full(n, point),
            "low": np.full(n, point if low is None else low),
            "high": np.full(n, point if high is None else high)}
