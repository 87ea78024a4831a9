"""The unit-cost engine: one computation, configured per estimator.

Every unit-cost estimator (:mod:`burdenshare.estimators.unit_cost`) is its parameters, a
:class:`~._cost_config.CostConfig` built from them, and its labels. :func:`compute` runs the same
named stages for all of them:

1. inputs: the ledger and the country-year keys (:class:`~._cost_inputs.Inputs`);
2. scope and gates: income groups, ``min_refugees``, age-structure gates;
3. parts: users, unit-cost base and utilisation per part (sector or school level);
4. imputation of missing unit costs, on request;
5. conversion of each base to USD (as is, or % of GDP per capita x GDP per capita);
6. costs: the scenario stack, the rows per key, the totals per year and the Monte Carlo;
7. assumptions and diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..data import Dataset
from ..indicators import INCOME_GROUPS
from ..results import Computation
from . import _montecarlo as mc
from ._cost_config import (
    GDP_PC,
    INCOME_GROUP_CODES,
    CostConfig,
    Imputation,
    PartSpec,
    Scope,
    Utilisation,
    YearRule,
    inputs,
    scope_inputs,
)
from ._cost_inputs import Inputs
from .base import Ledger

__all__ = ["compute"]

_ALL = "all countries"
_MC_TERMS = ("mean", "sd", "lower", "upper")


# =========================================================================== working values
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


class _Status:
    """Why each key is left out (empty reason: still in)."""

    def __init__(self, inp: Inputs) -> None:
        self.reason = np.full(inp.n, "", dtype=object)
        self.detail = np.full(inp.n, "", dtype=object)
        self.label = np.array([f"{c} {y}" for c, y in zip(inp.iso3, inp.year)], dtype=object)

    def mark(self, sel: np.ndarray, why: str, text: Any) -> None:
        """Give keys of ``sel`` still in the reason ``why`` and the detail ``text``."""
        sel = sel & (self.reason == "")
        self.reason[sel] = why
        if isinstance(text, str):
            self.detail[sel] = text
            return
        self.detail[sel] = np.asarray(text, dtype=object)[sel]

    def mark_each(self, sel: np.ndarray, why: str, template: str) -> None:
        """Like :meth:`mark`, with ``template`` formatted with each key's label."""
        self.mark(sel, why, np.array([template.format(s) for s in self.label], dtype=object))

    def ok(self) -> np.ndarray:
        """Keys still in."""
        return np.asarray(self.reason == "")


@dataclass
class _Costs:
    """The scenario stack of the keys estimated (rows: scenario labels)."""

    labels: list[str]
    parts: dict[str, np.ndarray]
    total: np.ndarray
    fallback: dict[str, list[str]]
    factor: dict[str, np.ndarray]
    iso3: np.ndarray
    year: np.ndarray
    price_year: dict[str, np.ndarray]
    key_years: list[list[float]]

    @property
    def ranged(self) -> bool:
        """Whether there is more than the point scenario."""
        return bool(self.total.shape[0] > 1)


def _f(x: float) -> str:
    return f"{x:,.0f}"


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


def _counts(years: np.ndarray) -> dict[str, int]:
    vals = [int(y) for y in np.asarray(years, dtype=float) if np.isfinite(y)]
    out: dict[str, int] = {}
    for y in sorted(vals):
        out[str(y)] = out.get(str(y), 0) + 1
    return out


def _range(stack: np.ndarray, ranged: bool, axis: int | None = None,
           times: float = 1.0) -> tuple[Any, Any]:
    """Lowest and highest over the scenarios (NaN without a range)."""
    if not ranged:
        return np.nan, np.nan
    if times == 1.0:
        return stack.min(axis=axis), stack.max(axis=axis)
    return stack.min(axis=axis) * times, stack.max(axis=axis) * times


# =========================================================================== the computation
def compute(config: CostConfig, data: Dataset) -> Computation:
    """Run the unit-cost engine on ``data``.

    Parameters
    ----------
    config : CostConfig
    data : Dataset

    Returns
    -------
    Computation
    """
    ledger = Ledger(data, inputs(config), dict(config.sources), owner=config.name)
    inp = Inputs(ledger, config.users)
    status = _Status(inp)
    group, group_year = _scope(config, inp, status)
    _gates(config, inp, status)
    in_scope = status.ok()
    parts = _parts(config, inp)
    imp_diag = _impute(config, inp, parts, _donors(config, inp, parts, in_scope), group)
    for p in parts:
        _convert(config, inp, p)
    _mark_missing(config, inp, parts, status)
    ok = status.ok()
    inp.settle(ok, status.reason, status.detail, config.texts.rule_note)
    excluded = ledger.excluded_frame()
    costs = _cost_stack(config, inp, parts, ok)
    frames = [*_key_rows(config, parts, ok, costs), *_year_rows(config, parts, costs)]
    if config.monte_carlo.n_draws > 0 and len(costs.iso3):
        frames.extend(_monte_carlo(config, parts, costs))
    est = pd.concat(frames, ignore_index=True)
    diagnostics = {
        "excluded": len(excluded), "country_years": int(ok.sum()),
        **_diagnostics(config, inp, parts, ok, costs), **imp_diag,
        **_extra_diagnostics(config, inp, parts, ok, group_year),
    }
    return Computation(
        estimates=est,
        excluded=excluded,
        assumptions=tuple(_assumptions(config, inp, parts, ok, costs)),
        diagnostics=diagnostics,
        uncertainty_method="scenario_range" if costs.ranged else "none",
        used=ledger.n_used,
    )


# ---------------------------------------------------------------- 2. scope and gates
def _scope(config: CostConfig, inp: Inputs, status: _Status) -> tuple[np.ndarray, np.ndarray]:
    """Mark unreported users, hosts outside the income groups or below ``min_refugees``."""
    if inp.poisoned.any():
        status.mark(inp.poisoned, "missing_counterpart",
                    np.array([f"{inp.poison.get((c, int(y)), '')} is missing for {c} {y}"
                              for c, y in zip(inp.iso3, inp.year)], dtype=object))
    group = np.full(inp.n, np.nan)
    group_year = np.full(inp.n, np.nan)
    if "wb_income_group" in scope_inputs(config):
        group, group_year = inp.lookup("wb_income_group", rule="latest_available")
    if config.scope.income_groups:
        _income_groups(config.scope.income_groups, inp, status, group, group_year)
    refugees = np.full(inp.n, np.nan)
    if "refugees" in inputs(config):
        refugees, _ry = inp.lookup("refugees")
    if config.scope.min_refugees > 0:
        _min_refugees(config.scope.min_refugees, status, refugees)
    inp.refugees = refugees
    return group, group_year


def _income_groups(wanted_names: tuple[str, ...], inp: Inputs, status: _Status,
                   group: np.ndarray, group_year: np.ndarray) -> None:
    wanted = [INCOME_GROUP_CODES[g] for g in wanted_names]
    status.mark(~np.isfinite(group), "unclassified",
                np.array([f"no wb_income_group at or before {y} for {c}"
                          for c, y in zip(inp.iso3, inp.year)], dtype=object))
    outside = np.isfinite(group) & ~np.isin(group, wanted)
    status.mark(outside, "not_in_group",
                np.array([f"{c} {y}: {INCOME_GROUPS.get(int(g), '?') if np.isfinite(g) else '?'} "
                          f"({int(gy) if np.isfinite(gy) else '?'} classification) is outside "
                          f"income_groups {', '.join(wanted_names)}"
                          for c, y, g, gy in zip(inp.iso3, inp.year, group, group_year)],
                         dtype=object))


def _min_refugees(least: int, status: _Status, refugees: np.ndarray) -> None:
    status.mark_each(~np.isfinite(refugees), "missing_counterpart",
                     "no refugees observation for {} (needed for min_refugees)")
    status.mark(np.isfinite(refugees) & (refugees < least), "not_in_group",
                np.array([f"{s} hosts {_f(r) if np.isfinite(r) else '?'} refugees, fewer than "
                          f"min_refugees = {least:,}" for s, r in zip(status.label, refugees)],
                         dtype=object))


def _gates(config: CostConfig, inp: Inputs, status: _Status) -> None:
    if "prorated" in config.gates:
        _gate_prorated(inp, status)
    if "oip" in config.gates:
        _gate_oip(inp, status)


def _gate_prorated(inp: Inputs, status: _Status) -> None:
    """Refugees per refugee with a known age (to prorate the age bands to all refugees)."""
    with_age, _y = inp.lookup("refugees_with_age")
    refugees = inp.refugees
    status.mark_each(~np.isfinite(refugees), "missing_counterpart",
                     "no refugees observation for {}")
    status.mark_each(~np.isfinite(with_age), "missing_counterpart",
                     "no refugees_with_age observation for {}")
    status.mark_each(np.isfinite(with_age) & (with_age <= 0), "non_positive_denominator",
                     "refugees_with_age is zero for {} (nothing to prorate from)")
    with np.errstate(divide="ignore", invalid="ignore"):
        inp.prorate = np.where(with_age > 0, refugees / with_age, np.nan)


def _gate_oip(inp: Inputs, status: _Status) -> None:
    """OIP of the key's year per refugee with a known age (the share given school ages)."""
    oip, _oy = inp.lookup("oip")
    with_age, _wy = inp.lookup("refugees_with_age")
    f = inp.ledger.frame
    gone = f[(f["indicator"] == "oip").to_numpy() & f["value"].isna().to_numpy()]
    gone_keys = set(zip(gone["iso3"].astype(str), gone["year"].astype(int)))
    explicit_nan = np.array([(str(c), int(y)) in gone_keys
                             for c, y in zip(inp.iso3, inp.year)], dtype=bool)
    oip = np.where(np.isfinite(oip), oip, 0.0)  # no observation: the host reports no OIP
    status.mark_each(explicit_nan, "missing_counterpart",
                     "oip is missing for {} (oip_ages='refugee_age_structure')")
    status.mark_each((oip > 0) & ~(with_age > 0), "missing_counterpart",
                     "{} has oip but no positive refugees_with_age: no age structure to give them")
    with np.errstate(divide="ignore", invalid="ignore"):
        inp.oip_share = np.where(with_age > 0, oip / with_age, 0.0)


# ---------------------------------------------------------------- 3. parts
def _parts(config: CostConfig, inp: Inputs) -> list[_Part]:
    return [_part(config, inp, spec) for spec in config.parts]


def _part(config: CostConfig, inp: Inputs, spec: PartSpec) -> _Part:
    """Users, unit-cost base (and its year) and utilisation per scenario of one part."""
    if spec.given is not None:
        base = np.full(inp.n, spec.given[0])
        base_year = np.full(inp.n, spec.given[1])
    else:
        rule = config.year_rule or YearRule()
        base, base_year = inp.lookup(spec.cost, rule=rule.rule, max_age=rule.max_age)
    util: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    for scenario in config.scenarios:
        util[scenario] = _utilisation(inp, spec.utilisation[scenario])
        if spec.utilisation[scenario].indicator:
            sources[scenario] = spec.utilisation[scenario].indicator
    counted = np.sum([np.nan_to_num(inp.users[u]) for u in spec.users], axis=0)
    users = counted * (inp.prorate + inp.oip_share)
    return _Part(spec.name, users, base, base_year, spec.cost, util, util_source=sources)


def _utilisation(inp: Inputs, spec: Utilisation) -> np.ndarray:
    if not spec.indicator:
        return np.full(inp.n, spec.factor)
    value, _year = inp.lookup(spec.indicator, rule="latest_available")
    rate = value / 100.0
    if spec.cap:
        return np.minimum(rate, 1.0)
    return rate


# ---------------------------------------------------------------- 4. imputation
def _donors(config: CostConfig, inp: Inputs, parts: list[_Part],
            in_scope: np.ndarray) -> np.ndarray:
    """Keys in scope, complete without imputation and converting to USD: the median's donors."""
    point = config.scenarios[0]
    ok = in_scope.copy()
    for p in parts:
        ok &= np.isfinite(p.base) & np.isfinite(p.utilisation[point])
    for p in parts:
        probe = _Part(p.name, p.users, p.base, p.base_year, p.base_label, p.utilisation)
        _convert(config, inp, probe)
        ok &= np.isfinite(probe.usd)
    return ok


def _impute(config: CostConfig, inp: Inputs, parts: list[_Part], donors_ok: np.ndarray,
            group: np.ndarray) -> dict[str, Any]:
    """Fill missing bases with the income-group median of the donors (on request)."""
    for p in parts:
        p.imputed = np.zeros(inp.n, dtype=bool)
    rule = config.imputation
    if rule is None or not rule.active:
        return {}
    listed: dict[str, list[str]] = {}
    donors_n: dict[str, dict[str, int]] = {}
    for p in parts:
        donors_n[p.name] = _impute_part(rule, inp, p, donors_ok, group)
        if not donors_n[p.name]:
            del donors_n[p.name]
        listed[p.name] = [f"{inp.iso3[i]} {inp.year[i]}" for i in np.where(p.imputed)[0]]
    return {"imputed": listed, "imputation_donors": donors_n}


def _impute_part(rule: Imputation, inp: Inputs, p: _Part, donors_ok: np.ndarray,
                 group: np.ndarray) -> dict[str, int]:
    need = ~np.isfinite(p.base) & np.isfinite(group)
    if rule.with_range:
        p.alt_base = {"p25": p.base.copy(), "p75": p.base.copy()}
    donors_n: dict[str, int] = {}
    for y, g in sorted({(int(a), int(b)) for a, b in zip(inp.year[need], group[need])}):
        pool = donors_ok & (inp.year == y) & (group == g) & np.isfinite(p.base)
        donors_n[f"{y} group {g}"] = int(pool.sum())
        if pool.sum() < rule.min_donors:
            continue
        vals = p.base[pool]
        yrs = p.base_year[pool].astype(int)
        counts = np.bincount(yrs - yrs.min())
        mode_year = int(yrs.min() + np.flatnonzero(counts == counts.max()).max())
        tgt = need & (inp.year == y) & (group == g)
        p.base = np.where(tgt, float(np.median(vals)), p.base)
        p.base_year = np.where(tgt, float(mode_year), p.base_year)
        p.imputed |= tgt
        if rule.with_range:
            p.alt_base["p25"] = np.where(tgt, float(np.percentile(vals, 25)), p.alt_base["p25"])
            p.alt_base["p75"] = np.where(tgt, float(np.percentile(vals, 75)), p.alt_base["p75"])
    return donors_n


# ---------------------------------------------------------------- 5. conversion
def _convert(config: CostConfig, inp: Inputs, part: _Part) -> None:
    """Set ``part.usd``/``price_year``/``alt_usd`` and ``missing_detail``."""
    if config.percent_of_gdp is None:
        _keep_usd(config, inp, part)
    else:
        _percent_of_gdp(config, inp, part)


def _keep_usd(config: CostConfig, inp: Inputs, part: _Part) -> None:
    part.usd = part.base.copy()
    part.price_year = part.base_year.copy()
    part.alt_usd = {k: v.copy() for k, v in part.alt_base.items()}
    rule = config.rule_text()
    part.missing_detail = np.array(
        [f"no {part.base_label} observation ({rule}) for {c} {y}"
         for c, y in zip(inp.iso3, inp.year)], dtype=object)


def _percent_of_gdp(config: CostConfig, inp: Inputs, part: _Part) -> None:
    if config.percent_of_gdp == "unit_cost_year":
        gdp, gdp_year = inp.lookup(GDP_PC, part.base_year)
        where = "in the unit-cost year"
    else:
        gdp, gdp_year = inp.lookup(GDP_PC, rule="latest_available")
        where = "at or before the year"
    part.usd = part.base / 100.0 * gdp
    part.price_year = gdp_year
    part.alt_usd = {k: v / 100.0 * gdp for k, v in part.alt_base.items()}
    rule = config.rule_text()
    part.missing_detail = np.array([
        (f"no {part.base_label} observation ({rule}) for {c} {y}"
         if not np.isfinite(b) else
         f"no {GDP_PC} observation {where} ({int(by)}) for {c} {y}")
        for c, y, b, by in zip(inp.iso3, inp.year, part.base,
                               np.nan_to_num(part.base_year))], dtype=object)


def _mark_missing(config: CostConfig, inp: Inputs, parts: list[_Part], status: _Status) -> None:
    """Keys lacking the point scenario's utilisation or a unit cost in USD."""
    point = config.scenarios[0]
    lacking = np.zeros(inp.n, dtype=bool)
    text = np.full(inp.n, "", dtype=object)
    for p in parts:
        no_util = ~np.isfinite(p.utilisation[point])
        if no_util.any():
            why = np.array([f"no {p.util_source.get(point, 'utilisation')} observation at or "
                            f"before {y} for {c} (needed by the {point} scenario)"
                            for c, y in zip(inp.iso3, inp.year)], dtype=object)
            text = np.where(no_util & lacking, text + "; " + why, np.where(no_util, why, text))
            lacking |= no_util
        miss = ~np.isfinite(p.usd)
        text = np.where(miss & lacking, text + "; " + p.missing_detail,
                        np.where(miss, p.missing_detail, text))
        lacking |= miss
    status.mark(lacking, "missing_counterpart", text)


# ---------------------------------------------------------------- 6. costs
def _cost_stack(config: CostConfig, inp: Inputs, parts: list[_Part], ok: np.ndarray) -> _Costs:
    """Costs per scenario (point first) x imputation alternative, of the keys estimated."""
    scen = config.scenarios
    alts = ["median", *sorted({k for p in parts for k in p.alt_usd})]
    label = np.array([f"{c} {y}" for c, y in zip(inp.iso3, inp.year)], dtype=object)
    fallback: dict[str, list[str]] = {}
    stack_part: dict[str, list[np.ndarray]] = {p.name: [] for p in parts}
    labels: list[str] = []
    factor = {p.name: config.money.factor(np.where(ok, p.price_year, np.nan), config.name)
              for p in parts}
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
                usd = p.usd
                if a != "median":
                    usd = np.where(p.imputed, p.alt_usd.get(a, p.usd), p.usd)
                stack_part[p.name].append(p.users * util * usd * factor[p.name])
    part_stack = {k: np.vstack(v)[:, ok] for k, v in stack_part.items()}
    py = {p.name: p.price_year[ok] for p in parts}
    n_ok = int(ok.sum())
    return _Costs(
        labels=labels, parts=part_stack,
        total=np.sum([v for v in part_stack.values()], axis=0), fallback=fallback,
        factor=factor, iso3=inp.iso3[ok].astype(str), year=inp.year[ok], price_year=py,
        key_years=[[py[p.name][i] for p in parts] for i in range(n_ok)])


def _key_rows(config: CostConfig, parts: list[_Part], ok: np.ndarray,
              costs: _Costs) -> list[pd.DataFrame]:
    """Rows per country-year: the cost (total and per part) and the inputs behind it."""
    q, money, h = config.quantity, config.money, config.horizon_years
    iso3, year, ranged = costs.iso3, costs.year, costs.ranged
    unit_key = [money.label(ys) for ys in costs.key_years]
    lo, hi = _range(costs.total, ranged, axis=0)
    frames = [_rows(q, iso3, year, None, costs.total[0], unit_key, lo, hi)]
    if h > 1:
        lo_h, hi_h = _range(costs.total, ranged, axis=0, times=h)
        frames.append(_rows(f"{q}_over_horizon", iso3, year, None, costs.total[0] * h,
                            [money.label(ys, f"USD over {h} years") for ys in costs.key_years],
                            lo_h, hi_h))
    for p in parts:
        frames.extend(_part_rows(config, p, ok, costs))
    return frames


def _part_rows(config: CostConfig, p: _Part, ok: np.ndarray,
               costs: _Costs) -> list[pd.DataFrame]:
    money, iso3, year = config.money, costs.iso3, costs.year
    st = costs.parts[p.name]
    py = costs.price_year[p.name]
    lo, hi = _range(st, costs.ranged, axis=0)
    unit_cost = p.usd[ok] * costs.factor[p.name][ok] if len(ok) else []
    frames = [
        _rows(config.quantity, iso3, year, p.name, st[0], [money.label([y]) for y in py], lo, hi),
        _rows("users", iso3, year, p.name, p.users[ok], "persons"),
        _rows("utilisation", iso3, year, p.name, p.utilisation[config.scenarios[0]][ok],
              "fraction of users"),
        _rows("unit_cost_usd", iso3, year, p.name, unit_cost,
              [money.label([y], "USD per user per year") for y in py]),
        _rows("price_year", iso3, year, p.name, py, "year"),
    ]
    if config.year_rule is not None:
        frames.append(_rows("unit_cost_year", iso3, year, p.name, p.base_year[ok], "year"))
    if config.imputes:
        frames.append(_rows("unit_cost_imputed", iso3, year, p.name,
                            p.imputed[ok].astype(float), "flag (1 = imputed)"))
    return frames


def _year_rows(config: CostConfig, parts: list[_Part], costs: _Costs) -> list[pd.DataFrame]:
    """Totals per year, scenario by scenario (so the range is of the total itself)."""
    q, money, h, ranged = config.quantity, config.money, config.horizon_years, costs.ranged
    frames: list[pd.DataFrame] = []
    for y in sorted({int(v) for v in costs.year}):
        sel = costs.year == y
        tot = costs.total[:, sel].sum(axis=1)
        all_years = [yy for i in np.flatnonzero(sel) for yy in costs.key_years[i]]
        frames.append(_rows(q, None, y, _ALL, tot[0], money.label(all_years),
                            *_range(tot, ranged)))
        if h > 1:
            frames.append(_rows(f"{q}_over_horizon", None, y, _ALL, tot[0] * h,
                                money.label(all_years, f"USD over {h} years"),
                                *_range(tot, ranged, times=h)))
        for p in parts:
            tp = costs.parts[p.name][:, sel].sum(axis=1)
            frames.append(_rows(q, None, y, f"{_ALL}: {p.name}", tp[0],
                                money.label(costs.price_year[p.name][sel]), *_range(tp, ranged)))
        frames.append(_rows("countries", None, y, _ALL, float(sel.sum()), "countries"))
    return frames


def _scenario_totals(costs: _Costs) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for y in sorted({int(v) for v in costs.year}):
        tot = costs.total[:, costs.year == y].sum(axis=1)
        out[str(y)] = {lab: float(t) for lab, t in zip(costs.labels, tot)}
    return out


def _monte_carlo(config: CostConfig, parts: list[_Part], costs: _Costs) -> list[pd.DataFrame]:
    """Mean, sd and quantiles of the point cost under log-normal unit-cost factors."""
    m = config.monte_carlo
    q = f"{config.quantity}_monte_carlo"
    point = np.column_stack([costs.parts[p.name][0] for p in parts])
    terms = {"mean": "mean", "sd": "sd", "lower": f"quantile_{(1 - m.interval) / 2:g}",
             "upper": f"quantile_{(1 + m.interval) / 2:g}"}
    iso3, year = costs.iso3, costs.year
    prog = mc.Progress(len(iso3), f"{config.name} Monte Carlo", m.progress)
    frames = []
    for y in sorted({int(v) for v in year}):
        sel = np.flatnonzero(year == y)
        draws = mc.draw_costs(m.seed, list(iso3[sel]), [int(v) for v in year[sel]],
                              point[sel], n_draws=m.n_draws, cv=m.cv, n_jobs=m.n_jobs,
                              progress=prog)
        s = mc.summarise(draws, m.interval)
        units = [config.money.label(costs.key_years[i]) for i in sel]
        for k in _MC_TERMS:
            frames.append(_rows(q, iso3[sel], y, terms[k], s[k], units))
        tot = mc.summarise(draws.sum(axis=0, keepdims=True), m.interval)
        unit_t = config.money.label([yy for i in sel for yy in costs.key_years[i]])
        for k in _MC_TERMS:
            frames.append(_rows(q, None, y, f"{_ALL}: {terms[k]}", tot[k], unit_t))
    return frames


# ---------------------------------------------------------------- 7. assumptions
def _assumptions(config: CostConfig, inp: Inputs, parts: list[_Part], ok: np.ndarray,
                 costs: _Costs) -> list[str]:
    texts = config.texts
    out = [
        f"Cost = users x utilisation x unit cost, summed over {', '.join(p.name for p in parts)}"
        f"; users = {texts.users_doc}.",
        *texts.assumptions,
    ]
    if config.imputation is not None:
        out.extend(_imputation_text(config.imputation, inp, parts, ok))
    if config.carried_forward:
        out.append(_carried_forward_text(inp, parts, ok))
    out.extend(texts.assumptions_after)
    out.append(config.money.assumption())
    out.extend(_engine_assumptions(config, costs))
    return out


def _engine_assumptions(config: CostConfig, costs: _Costs) -> list[str]:
    """Sentences on scope, horizon, scenario range, fallback and Monte Carlo."""
    out = []
    scope = _scope_text(config.scope)
    if scope:
        out.append(scope)
    q, h = config.quantity, config.horizon_years
    if h > 1:
        out.append(f"{q}_over_horizon = annual cost x {h} years: the population, unit costs and "
                   "prices are held at their values of the year (no projection, no discounting).")
    if costs.ranged:
        out.append("ci_lower/ci_upper are the range over the scenarios " + ", ".join(costs.labels)
                   + " (a scenario range, not a confidence interval); totals take the range of "
                   "the total across scenarios.")
    if costs.fallback:
        out.append("Where a scenario's input is missing for a country, that country keeps its "
                   "point-scenario utilisation in that scenario (listed in diagnostics "
                   "'scenario_fallback').")
    m = config.monte_carlo
    if m.n_draws > 0:
        lo_q, hi_q = (1 - m.interval) / 2, (1 + m.interval) / 2
        out.append(
            f"Monte Carlo ({m.n_draws:,} draws, seed {m.seed}): each unit cost is multiplied by "
            f"an independent mean-one log-normal factor with coefficient of variation {m.cv:g}; "
            f"quantity {q}_monte_carlo gives the mean, sd and the {lo_q:g} and {hi_q:g} "
            "quantiles (uncertainty in unit costs only, at the point scenario).")
    return out


def _scope_text(scope: Scope) -> str:
    parts = []
    if scope.income_groups:
        parts.append("income groups " + ", ".join(scope.income_groups)
                     + " (World Bank classification of the year, or the latest before it)")
    if scope.min_refugees:
        parts.append(f"hosts of at least {scope.min_refugees:,} refugees in the year")
    if not parts:
        return ""
    return "Scope: " + "; ".join(parts) + "; other hosts are excluded (not_in_group)."


def _imputation_text(rule: Imputation, inp: Inputs, parts: list[_Part],
                     ok: np.ndarray) -> list[str]:
    if not rule.active:
        return ["Countries without a usable unit cost are excluded (missing_counterpart), "
                "never counted as zero; imputation is off."]
    out = []
    for p in parts:
        imp = [f"{c} {y}" for c, y, i, k in zip(inp.iso3, inp.year, p.imputed, ok) if i and k]
        if not imp:
            continue
        shown = ", ".join(imp[:30]) + (f" and {len(imp) - 30} more" if len(imp) > 30 else "")
        out.append(f"Imputed {p.name} unit costs (income-group median of the hosts with "
                   f"observed unit costs in the same estimate, at least "
                   f"{rule.min_donors} of them): {shown}.")
    if not out:
        out.append("Imputation was requested but no unit cost was imputed.")
    return out


def _carried_forward(inp: Inputs, parts: list[_Part], ok: np.ndarray,
                     ) -> dict[str, dict[str, int]]:
    """Per part: the country-years costed with a unit cost of an earlier year."""
    out: dict[str, dict[str, int]] = {}
    for p in parts:
        sel = ok & ~p.imputed & np.isfinite(p.base_year) & (p.base_year < inp.year)
        out[p.name] = {f"{c} {y}": int(b) for c, y, b in
                       zip(inp.iso3[sel], inp.year[sel], p.base_year[sel])}
    return out


def _carried_forward_text(inp: Inputs, parts: list[_Part], ok: np.ndarray) -> str:
    cf = _carried_forward(inp, parts, ok)
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


# ---------------------------------------------------------------- 7. diagnostics
def _diagnostics(config: CostConfig, inp: Inputs, parts: list[_Part], ok: np.ndarray,
                 costs: _Costs) -> dict[str, Any]:
    money = config.money
    return {
        "parts": [p.name for p in parts],
        "scenarios": costs.labels,
        "scenario_totals": _scenario_totals(costs),
        "scenario_fallback": {k: sorted(set(v)) for k, v in costs.fallback.items()},
        "money": {
            "currency": "USD",
            "price_basis": money.price_basis,
            "base_year": money.base_year,
            "deflator_source": money.deflator_source or None,
            "exchange_rates": "market exchange rates, as embedded in the current-USD inputs",
            "price_years": {p.name: _counts(costs.price_year[p.name]) for p in parts},
        },
        "sources_used": ", ".join(f"{k}={v}"
                                  for k, v in sorted(inp.ledger.chosen_source.items())),
    }


def _extra_diagnostics(config: CostConfig, inp: Inputs, parts: list[_Part], ok: np.ndarray,
                       group_year: np.ndarray) -> dict[str, Any]:
    """Carried-forward unit costs, the configuration's own facts, income-group years, MC."""
    out: dict[str, Any] = {}
    if config.carried_forward:
        out["unit_cost_year"] = {p.name: _counts(p.base_year[ok & ~p.imputed]) for p in parts}
        out["unit_cost_carried_forward"] = _carried_forward(inp, parts, ok)
    out.update(dict(config.texts.diagnostics))
    if "wb_income_group" in scope_inputs(config):
        out["income_group_year"] = _counts(group_year[ok])
    m = config.monte_carlo
    if m.n_draws > 0 and ok.any():
        out["monte_carlo"] = {
            "n_draws": m.n_draws, "unit_cost_cv": m.cv, "seed": m.seed,
            "interval": m.interval, "distribution": "mean-one log-normal factor per "
            "part and country-year, independent",
            "streams": "numpy SeedSequence(seed, spawn_key=(iso3 as base-26 number, year))"}
    return out
