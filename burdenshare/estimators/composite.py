"""Composite estimators: they run other estimators (by registry name) and combine their results.

They live with the other estimators and run their components through the registry, which sits
below :mod:`burdenshare.estimators` in the import layers (``pyproject.toml``): a composite may
use any registered estimator, built-in or plugin.

- ``support_gap``: host cost (a user cost table, or a host-cost estimator run inside) minus the
  international support received;
- ``responsibility_balance``: hosting, financial contributions and resettlement per State and
  year, each component from its own estimator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from .. import registry
from .._errors import EstimatorError, ParameterError
from ..contract import Estimator, conform
from ..data import Dataset
from ..labels import Labels
from ..params import parse_param, sources_field
from ..results import Computation
from ..results import estimate_row as _row
from ._ledger import Ledger
from .base import EstimatorBase
from .contributions import (
    _NOT_REFUGEE_SPECIFIC,
    _USD,
    ResettlementEffort,
    UnhcrFundingShare,
    _frame,
)
from .relative_burden import RefugeesPer1000
from .tables import country_year_table

__all__ = ["SupportGap", "ResponsibilityBalance"]


# =========================================================================== support gap
@dataclass(frozen=True, kw_only=True)
class SupportGap(EstimatorBase):
    r"""Gap between a host country's estimated hosting cost and international support received.

    .. math::

        gap_{c,t} = H_{c,t} - S_{c,t}, \qquad coverage_{c,t} = 100\, S_{c,t} / H_{c,t}

    :math:`H`: the user's ``host_cost_usd_current`` or the main quantity of a host-cost
    estimator run inside (``cost_estimator``, e.g. ``health_inclusion_cost``; current prices of
    the year only); :math:`S`: WDI net ODA received (``oda_received_usd_current`` — **total ODA,
    not refugee-specific**) or the user's ``refugee_funding_received_usd_current``. Main
    quantity ``support_gap_usd``. See ``methodology/support_gap.md``.

    Parameters
    ----------
    cost : {"host_cost_usd_current", "estimator"}
    cost_estimator : str
        Registry name of the host-cost estimator (with ``cost="estimator"``).
    cost_estimator_params : tuple of (name, value) pairs
        Its parameters, as text (as on the command line).
    support : {"oda_received_usd_current", "refugee_funding_received_usd_current"}
    sources : tuple of (indicator, source) pairs
    """

    name: ClassVar[str] = "support_gap"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "support_gap_usd"
    unit: ClassVar[str] = _USD
    requires: ClassVar[frozenset[str]] = frozenset(
        {"host_cost_usd_current", "oda_received_usd_current"})
    reference: ClassVar[str] = "methodology/support_gap.md"
    summary: ClassVar[str] = ("Host cost minus international support received (total ODA is not "
                              "refugee-specific)")
    labels: ClassVar[Labels] = Labels(
        title="Support gap",
        family="Composites",
        description="Estimated hosting cost minus the international support received",
        unit="USD (current)",
        quantities={"host_cost_usd": "Host cost",
                    "support_received_usd": "Support received",
                    "support_gap_usd": "Support gap",
                    "support_coverage_pct": "Support as % of host cost"},
        diagnostics={"country_years_with_gap": "Country-years with a gap"},
    )

    cost: Literal["host_cost_usd_current", "estimator"] = field(
        default="host_cost_usd_current", metadata={
            "doc": "user cost table (host_cost_usd_current) or a host-cost estimator run inside"})
    cost_estimator: str = field(default="health_inclusion_cost", metadata={
        "doc": "registry name of the host-cost estimator (cost=estimator)"})
    cost_estimator_params: tuple[tuple[str, str], ...] = field(default=(), metadata={
        "doc": "name:value parameters of the host-cost estimator, as text"})
    support: Literal["oda_received_usd_current", "refugee_funding_received_usd_current"] = field(
        default="oda_received_usd_current", metadata={
            "doc": "WDI net ODA received (not refugee-specific) or user refugee-specific funding"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    def _validate(self) -> None:
        if self.cost != "estimator" and self.cost_estimator_params:
            raise ParameterError("cost_estimator_params is only used with cost='estimator'")

    def _inner(self) -> Estimator:
        cls = registry.get(self.cost_estimator)
        kw = {k: parse_param(cls, k, v) for k, v in self.cost_estimator_params}
        return conform(cls(**kw))

    def inputs(self) -> frozenset[str]:
        """Support indicator plus the cost indicator or the inner estimator's inputs."""
        if self.cost == "estimator":
            return frozenset({self.support, *self._inner().inputs()})
        return frozenset({self.support, "host_cost_usd_current"})

    def optional_inputs(self) -> frozenset[str]:
        """As the inner estimator's."""
        if self.cost == "estimator":
            return frozenset(self._inner().optional_inputs())
        return frozenset()

    def _compute(self, data: Dataset) -> Computation:
        s_lbl = ("total net ODA received (not refugee-specific)"
                 if self.support == "oda_received_usd_current"
                 else "refugee-specific funding received (user-supplied)")
        costs = self._estimated_costs(data) if self.cost == "estimator" else self._given_costs(data)
        rows = self._gap_rows(costs, s_lbl)
        excluded = costs.ledger.excluded_frame()
        if costs.extra_excl:
            excluded = pd.concat([excluded, *costs.extra_excl], ignore_index=True)
        c_lbl = costs.label
        return Computation(
            estimates=_frame(rows), excluded=excluded,
            assumptions=self._gap_assumptions(c_lbl, s_lbl, costs.price_units),
            used=costs.ledger.n_used + costs.inner_used,
            diagnostics={"excluded": len(excluded), "cost": c_lbl, "support": s_lbl,
                         "country_years_with_gap": int(sum(1 for r in rows
                                                           if r["quantity"] == "support_gap_usd"))},
        )

    def _estimated_costs(self, data: Dataset) -> _Costs:
        """Host costs from the inner cost estimator, joined to the support table."""
        inner = self._inner()
        if self.support in inner.inputs():
            raise EstimatorError(f"{self.name}: the cost estimator {self.cost_estimator} "
                                 f"itself uses {self.support}")
        res = inner.estimate(data)
        inner_used = int(res.diagnostics.get("used", 0))
        e = res.estimates
        e = e[(e["quantity"] == inner.quantity) & e["iso3"].notna() & e["term"].isna()]
        bad = [u for u in e["unit"] if "USD" not in u or "constant" in u]
        price_units = sorted(set(e["unit"]))
        if bad:
            raise EstimatorError(f"{self.name}: {self.cost_estimator} reports {bad[0]!r}; "
                                 "the gap needs costs in current USD of the same year")
        cost = {(c, int(y)): float(v) for c, y, v in zip(e["iso3"], e["year"], e["estimate"])}
        c_lbl = f"{self.cost_estimator} ({inner.quantity})"
        ledger = Ledger(data, {self.support}, dict(self.sources), owner=self.name)
        table = country_year_table(ledger, any_of=(self.support,))
        table["host_cost"] = [cost.get((c, int(y)), np.nan)
                              for c, y in zip(table["iso3"], table["year"])]
        only_cost = set(cost) - set(zip(table["iso3"], table["year"].astype(int)))
        return _Costs(ledger=ledger, table=table, label=c_lbl, only_cost=only_cost, cost=cost,
                      price_units=price_units, inner_used=inner_used,
                      extra_excl=[res.excluded])

    def _given_costs(self, data: Dataset) -> _Costs:
        """Host costs given in the data (``host_cost_usd_current``)."""
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        table = country_year_table(ledger, any_of=("host_cost_usd_current",),
                                   all_of=(self.support,))
        table["host_cost"] = table["host_cost_usd_current"]
        return _Costs(ledger=ledger, table=table, label="host_cost_usd_current (user-supplied)",
                      only_cost=set(), cost={}, price_units=[], inner_used=0, extra_excl=[])

    def _gap_rows(self, costs: _Costs, s_lbl: str) -> list[dict[str, object]]:
        """Cost, support, gap and coverage rows; cost rows alone where support is missing."""
        table = costs.table
        c_lbl = costs.label
        rows: list[dict[str, object]] = []
        hv = table["host_cost"].to_numpy(dtype=float)
        sv = table[self.support].to_numpy(dtype=float)
        for iso3, yy, h, s in zip(table["iso3"], table["year"], hv, sv):
            y = int(yy)
            if not np.isfinite(h):
                continue
            rows.append(_row("host_cost_usd", iso3, y, c_lbl, h, _USD))
            rows.append(_row("support_received_usd", iso3, y, s_lbl, s, _USD))
            rows.append(_row("support_gap_usd", iso3, y, f"cost minus {s_lbl}", h - s, _USD))
            if h > 0:
                rows.append(_row("support_coverage_pct", iso3, y, s_lbl, 100.0 * s / h,
                                 "percent of host cost"))
        for c, y in sorted(costs.only_cost):
            rows.append(_row("host_cost_usd", c, y, c_lbl, costs.cost[(c, y)], _USD))
        return rows

    def _gap_assumptions(self, c_lbl: str, s_lbl: str,
                         price_units: list[str]) -> tuple[str, ...]:
        """The assumptions of the support gap."""
        assumptions = [
            f"Host cost = {c_lbl}; support = {s_lbl}; both current USD of the same year.",
            "gap = host cost - support (negative: support exceeds the estimated cost); coverage "
            "= support / host cost.",
        ]
        if self.support == "oda_received_usd_current":
            assumptions.insert(0, "WARNING: " + _NOT_REFUGEE_SPECIFIC + "; the gap is therefore "
                               "NOT a refugee funding gap, only a comparison of magnitudes.")
        if self.cost == "estimator":
            assumptions.append(f"Host costs are in the units {self.cost_estimator} reports "
                               f"({'; '.join(price_units[:3])}{' …' if len(price_units) > 3 else ''}"
                               "): current prices of the unit-cost year, which can differ from "
                               "the year of the support figure.")
            assumptions.append(f"Host-cost rows of {self.cost_estimator} for country-years "
                               f"without {self.support} are reported without a gap.")
        return tuple(assumptions)


@dataclass(frozen=True)
class _Costs:
    """The host costs of a support gap and the ledger of its inputs."""

    ledger: Ledger
    table: pd.DataFrame
    label: str
    only_cost: set[tuple[str, int]]
    cost: dict[tuple[str, int], float]
    price_units: list[str]
    inner_used: int
    extra_excl: list[pd.DataFrame]


# =========================================================================== balance
#: component -> (registry name, quantities kept, parameters)
_COMPONENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("hosting", "refugees_per_1000", ("refugees_per_1000_inhabitants",)),
    ("unhcr_funding", "unhcr_funding_share",
     ("unhcr_revenue_usd", "unhcr_revenue_per_capita", "pct_of_fair_share_met")),
    ("oda_effort", "oda_gni_commitment", ()),
    ("in_donor_refugee_costs", "in_donor_refugee_costs", ()),
    ("resettlement", "resettlement_effort",
     ("actual", "arrivals_per_1000_inhabitants", "pct_of_fair_share_met")),
)


def _own() -> dict[str, type]:
    return {"refugees_per_1000": RefugeesPer1000, "unhcr_funding_share": UnhcrFundingShare,
            "resettlement_effort": ResettlementEffort}


def _obs_key(frame: pd.DataFrame) -> pd.Series:
    cp = frame["counterpart_iso3"].astype(object).where(frame["counterpart_iso3"].notna(), "")
    return (frame["iso3"].astype(str) + "|" + cp.astype(str) + "|" + frame["year"].astype(str)
            + "|" + frame["indicator"].astype(str) + "|" + frame["source"].astype(str))


@dataclass(frozen=True, kw_only=True)
class ResponsibilityBalance(EstimatorBase):
    r"""Who does what: hosting, financial contributions and resettlement per State and year.

    Runs each component estimator on the same data and stacks its country rows: ``term`` names
    the component (``hosting``, ``unhcr_funding``, ``oda_effort``, ``in_donor_refugee_costs``,
    ``resettlement``) and ``quantity`` keeps the component's quantity; each component's method,
    version, parameters and sources are in diagnostics ``components``. ``oda_effort`` and
    ``in_donor_refugee_costs`` are included only when estimators of those names are registered
    and their inputs are in the data (otherwise listed in diagnostics ``components_skipped``).
    An observation counts as used if any component used it. Main quantity
    ``refugees_per_1000_inhabitants``. See ``methodology/responsibility_balance.md``.

    Parameters
    ----------
    components : tuple of str
        Components to include (default all five).
    resettlement_group : tuple of str
        Group of :class:`ResettlementEffort` (empty: DAC members of each year).
    population_source : {"un_wpp", "wdi"}
        Denominator of the hosting component (``refugees_per_1000``): UN World Population
        Prospects (default, as UNHCR) or WDI; passed to every component that has the parameter.
    sources : tuple of (indicator, source) pairs
        Passed to every component.
    """

    name: ClassVar[str] = "responsibility_balance"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "refugees_per_1000_inhabitants"
    unit: ClassVar[str] = "per 1,000 inhabitants"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/responsibility_balance.md"
    summary: ClassVar[str] = ("Who does what: hosting, UNHCR funding, ODA effort, in-donor costs "
                              "and resettlement per State-year")
    labels: ClassVar[Labels] = Labels(
        title="Responsibility balance",
        family="Composites",
        description="Hosting, financial contributions and resettlement per State and year",
        unit="per 1,000 inhabitants",
        quantities={"refugees_per_1000_inhabitants": "Refugees per 1,000 inhabitants",
                    "unhcr_revenue_usd": "UNHCR government revenue",
                    "unhcr_revenue_per_capita": "UNHCR revenue per inhabitant",
                    "pct_of_fair_share_met": "% of fair share met",
                    "oda_gni_pct": "ODA as % of GNI",
                    "idrc_usd_million": "In-donor refugee costs",
                    "actual": "Resettlement arrivals",
                    "arrivals_per_1000_inhabitants": "Resettlement arrivals per 1,000 inhabitants"},
        diagnostics={"components_skipped": "Components not included"},
    )

    components: tuple[str, ...] = field(
        default=tuple(c for c, _n, _q in _COMPONENTS),
        metadata={"choices": tuple(c for c, _n, _q in _COMPONENTS),
                  "doc": "components to include"})
    resettlement_group: tuple[str, ...] = field(default=(), metadata={
        "doc": "group sharing resettlement (empty: DAC members of each year)"})
    population_source: Literal["un_wpp", "wdi"] = field(default="un_wpp", metadata={
        "doc": "denominator of the hosting component: un_wpp (UN WPP, as UNHCR) or wdi"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    def _validate(self) -> None:
        if "hosting" not in self.components:
            raise ParameterError("parameter 'components' must include 'hosting' (the main "
                                 "quantity)")

    def _plan(self, data: Dataset | None) -> tuple[list[tuple[str, Estimator, tuple[str, ...]]],
                                                   dict[str, str]]:
        avail = registry.available()
        plan, skipped = [], {}
        for comp, reg, qs in _COMPONENTS:
            if comp not in self.components:
                continue
            own = _own().get(reg)
            if own is None and reg not in avail:
                skipped[comp] = f"no estimator {reg!r} is registered"
                continue
            base = conform(own()) if own is not None and reg not in avail else registry.make(reg)
            kw: dict[str, object] = {}
            names = set(base.get_params())
            if "sources" in names and self.sources:
                kw["sources"] = self.sources
            if "population_source" in names:  # issue 14: one denominator for every component
                kw["population_source"] = self.population_source
            if comp == "resettlement" and self.resettlement_group:
                kw["group"] = self.resettlement_group
            try:
                est = base.with_params(**kw)
            except ParameterError as err:
                skipped[comp] = f"{reg}: {err}"
                continue
            if data is not None:
                lack = sorted(est.inputs() - est.optional_inputs() - set(data.indicators))
                if lack:
                    skipped[comp] = f"{reg}: the data lack {', '.join(lack)}"
                    continue
            plan.append((comp, est, qs))
        return plan, skipped

    def inputs(self) -> frozenset[str]:
        """Union of the inputs of the components available."""
        plan, _ = self._plan(None)
        out: set[str] = set()
        for _c, est, _q in plan:
            out |= est.inputs()
        return frozenset(out)

    def optional_inputs(self) -> frozenset[str]:
        """Inputs of every component other than hosting (components lacking data are skipped)."""
        plan, _ = self._plan(None)
        host = set()
        for c, est, _q in plan:
            if c == "hosting":
                host |= set(est.inputs())
        return self.inputs() - host

    def _compute(self, data: Dataset) -> Computation:
        plan, skipped = self._plan(data)
        # the components splice OECD releases of different years (issue 14), so must the ledger
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name,
                        splice_sources=True)
        frames, meta, excl_by = _run_components(data, plan, skipped)
        if not frames:
            raise EstimatorError(f"{self.name}: no component could be estimated")
        _settle_components(ledger, excl_by)
        excluded = ledger.excluded_frame()
        stacked = pd.concat(frames, ignore_index=True)
        return Computation(
            estimates=stacked, excluded=excluded, assumptions=_balance_assumptions(skipped),
            used=ledger.n_used,
            diagnostics={"excluded": len(excluded), "components": meta,
                         "components_skipped": skipped},
        )


#: one component's name, inputs and exclusions (observation key -> (reason, detail))
_ComponentExclusions = tuple[str, frozenset[str], dict[str, tuple[str, str]]]


def _component_rows(comp: str, e: pd.DataFrame, keep: tuple[str, ...]) -> pd.DataFrame:
    """Return a component's country rows of the quantities kept, ``term`` naming it."""
    e = e[e["iso3"].notna() & e["quantity"].isin(keep)]
    if comp in ("unhcr_funding", "resettlement", "hosting"):
        e = e[e["term"].isna()]
    return e.assign(term=[comp if pd.isna(t) else f"{comp}: {t}" for t in e["term"]])


def _run_components(
    data: Dataset, plan: list[tuple[str, Estimator, tuple[str, ...]]], skipped: dict[str, str],
) -> tuple[list[pd.DataFrame], dict[str, dict[str, object]], list[_ComponentExclusions]]:
    """Estimate each planned component; record failures (other than hosting) in ``skipped``."""
    frames: list[pd.DataFrame] = []
    meta: dict[str, dict[str, object]] = {}
    excl_by: list[_ComponentExclusions] = []
    for comp, est, qs in plan:
        try:
            res = est.estimate(data)
        except EstimatorError as err:
            if comp == "hosting":
                raise
            skipped[comp] = f"{est.name}: {err}"
            continue
        keep = qs or (est.quantity,)
        frames.append(_component_rows(comp, res.estimates, keep))
        x = res.excluded
        m = dict(zip(_obs_key(x), zip(x["reason"], x["detail"])))
        excl_by.append((comp, frozenset(est.inputs()), m))
        meta[comp] = {"estimator": est.name, "version": est.version,
                      "reference": est.reference, "params": est.get_params(),
                      "quantities": list(keep),
                      "sources": sorted({s["id"] for s in res.provenance.sources})}
    return frames, meta, excl_by


def _first_exclusion(k: str, ind: str,
                     excl_by: list[_ComponentExclusions]) -> tuple[bool, tuple[str, str, str] | None]:
    """Whether any component used the observation, else the first component excluding it."""
    first = None
    for comp, ins, m in excl_by:
        if ind not in ins:
            continue
        if k in m:
            first = first or (comp, *m[k])
        else:
            return True, first
    return False, first


def _settle_components(ledger: Ledger, excl_by: list[_ComponentExclusions]) -> None:
    """Mark used the observations any component used; exclude the rest with a reason."""
    f = ledger.active()
    keys = _obs_key(f).to_numpy()
    use, out_rows, out_reason, out_detail = [], [], [], []
    for row, k, ind in zip(f["_row"].to_numpy(), keys, f["indicator"].to_numpy()):
        used, first = _first_exclusion(k, ind, excl_by)
        if used:
            use.append(row)
        elif first is not None:
            out_rows.append(row)
            out_reason.append(first[1])
            out_detail.append(f"{first[0]}: {first[2]}")
        else:
            out_rows.append(row)
            out_reason.append("missing_counterpart")
            out_detail.append("no component that uses this indicator could be estimated")
    ledger.use(use)
    for reason in sorted(set(out_reason)):
        sel = [i for i, r in enumerate(out_reason) if r == reason]
        ledger.exclude([out_rows[i] for i in sel], reason, [out_detail[i] for i in sel])


def _balance_assumptions(skipped: dict[str, str]) -> tuple[str, ...]:
    """Return the assumptions of the responsibility balance, naming components left out."""
    assumptions = [
        "One row per State, year, component (term) and quantity; each component is computed "
        "by its own estimator with default parameters on the same data (methods, versions "
        "and sources in diagnostics 'components').",
        "Components are not combined into one score: hosting, money and resettlement are "
        "different kinds of contribution.",
        "hosting: refugees per 1,000 inhabitants (refugees_per_1000). unhcr_funding: UNHCR "
        "government revenue, per capita and % of a GNI fair share (unhcr_funding_share). "
        "resettlement: arrivals, per 1,000 inhabitants and % of a GDP fair share among DAC "
        "members (resettlement_effort).",
    ]
    if skipped:
        assumptions.append("Components not included: " + "; ".join(
            f"{k} ({v})" for k, v in sorted(skipped.items())) + ".")
    return tuple(assumptions)
