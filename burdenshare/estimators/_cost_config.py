"""Configuration of the unit-cost engine: what each unit-cost estimator is made of.

A :class:`CostConfig` says which parts are costed (users, unit-cost indicator or given value,
utilisation per scenario), how a unit-cost year is chosen, whether and how missing unit costs are
imputed, how bases convert to USD, which gates apply, the price basis, the Monte Carlo and the
texts. :mod:`._cost_engine` computes any of them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._errors import EstimatorError

__all__ = [
    "GDP_PC",
    "INCOME_GROUP_CODES",
    "CostConfig",
    "Imputation",
    "Money",
    "MonteCarlo",
    "PartSpec",
    "Scope",
    "Texts",
    "Utilisation",
    "YearRule",
    "cost_inputs",
    "inputs",
    "optional_inputs",
    "scope_inputs",
]

#: Income-group parameter names -> ``wb_income_group`` codes.
INCOME_GROUP_CODES: Mapping[str, int] = {"low": 1, "lower_middle": 2, "upper_middle": 3, "high": 4}

GDP_PC = "gdp_per_capita_usd_current"
_GIVEN = "given as a parameter"

# =========================================================================== configuration
@dataclass(frozen=True)
class YearRule:
    """Which observation of a unit-cost indicator applies to an estimated year."""

    rule: Literal["latest_available", "same_year"] = "latest_available"
    max_age: int | None = None

    def text(self) -> str:
        """How the unit-cost observation of a year is chosen (for messages)."""
        if self.rule == "same_year":
            return "observed in the same year"
        if self.max_age is None:
            return "latest observation at or before the year"
        return f"latest observation at or before the year, at most {self.max_age} years old"


@dataclass(frozen=True)
class Imputation:
    """Imputation of missing unit costs (``income_group_median``) or none."""

    method: Literal["none", "income_group_median"] = "none"
    with_range: bool = False
    min_donors: int = 3

    @property
    def active(self) -> bool:
        """Whether unit costs are imputed."""
        return self.method != "none"


@dataclass(frozen=True)
class Utilisation:
    """Utilisation of one scenario: a fixed factor, or an indicator in per cent (looked up)."""

    factor: float = 1.0
    indicator: str = ""
    cap: bool = False


@dataclass(frozen=True)
class PartSpec:
    """One part of the cost (a sector or a school level).

    ``users`` are summed (an unreported one counts as none); ``cost`` is the unit-cost
    indicator, or the name of the parameter when ``given`` = (value, price year).
    """

    name: str
    users: tuple[str, ...]
    cost: str
    utilisation: Mapping[str, Utilisation]
    given: tuple[float, float] | None = None


@dataclass(frozen=True)
class Scope:
    """Hosts in scope: income groups and a minimum number of refugees."""

    income_groups: tuple[str, ...] = ()
    min_refugees: int = 0


@dataclass(frozen=True)
class Money:
    """Price basis of the output: current USD, or constant prices with a given deflator."""

    price_basis: Literal["current", "constant"] = "current"
    base_year: int | None = None
    deflator: tuple[tuple[int, float], ...] = ()
    deflator_source: str = ""

    def factor(self, price_year: np.ndarray, owner: str) -> np.ndarray:
        """Factor converting USD of ``price_year`` to the output price basis."""
        if self.price_basis == "current":
            return np.ones(len(price_year))
        table = dict(self.deflator)
        need = sorted({int(y) for y in price_year[np.isfinite(price_year)]})
        missing = [y for y in need if y not in table]
        if missing:
            raise EstimatorError(
                f"{owner}: the deflator has no index for price year(s) "
                f"{', '.join(map(str, missing))} (it has {', '.join(str(y) for y in sorted(table))}); "
                "add them to the parameter deflator")
        base = table[int(self.base_year)]  # type: ignore[arg-type]
        return np.array([base / table[int(y)] if np.isfinite(y) else np.nan for y in price_year])

    def label(self, years: Sequence[float], what: str = "USD per year") -> str:
        """Unit of an amount whose unit costs have the price ``years``."""
        if self.price_basis == "constant":
            return f"{what}, constant {self.base_year} prices (deflator: {self.deflator_source})"
        ys = sorted({int(y) for y in years if np.isfinite(y)})
        if not ys:
            return f"{what}, current prices"
        if len(ys) == 1:
            return f"{what}, current prices of {ys[0]}"
        return f"{what}, current prices of {ys[0]}-{ys[-1]} (mixed price years)"

    def assumption(self) -> str:
        """The sentence stating the price basis."""
        if self.price_basis == "constant":
            return (f"Money: USD at constant {self.base_year} prices, converted from each unit "
                    f"cost's price year with the user-supplied deflator ({self.deflator_source}); "
                    "exchange rates are those embedded in the current-USD inputs.")
        return ("Money: USD at current prices of each unit cost's price year (row unit and "
                "quantity price_year); no deflation or currency conversion was applied, so a total "
                "over countries with different price years mixes price levels.")


@dataclass(frozen=True)
class MonteCarlo:
    """Monte Carlo over unit-cost uncertainty (``n_draws`` = 0: none)."""

    n_draws: int = 0
    cv: float = 0.0
    interval: float = 0.9
    seed: int = 0
    n_jobs: int = 1
    progress: bool = False


@dataclass(frozen=True)
class Texts:
    """Sentences of one estimator: users, assumptions before/after the computed ones, notes."""

    users_doc: str
    assumptions: tuple[str, ...] = ()
    assumptions_after: tuple[str, ...] = ()
    #: how the year of an observation is chosen, in the not_reference_year exclusions
    rule_note: str = "the unit-cost year rule"
    #: diagnostics stated by the parameters (added after the computed ones)
    diagnostics: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class CostConfig:
    """Everything the engine needs to compute one unit-cost estimator.

    ``year_rule`` is ``None`` when the unit costs are parameters; ``imputation`` is ``None`` when
    the estimator has no imputation; ``percent_of_gdp`` says the bases are in % of GDP per capita
    and which GDP year converts them (``None``: already USD); ``gates`` are the extra conditions
    of the education estimator (``prorated`` unknown ages, ``oip`` age structure);
    ``carried_forward`` reports unit costs older than the year.
    """

    name: str
    quantity: str
    sources: tuple[tuple[str, str], ...]
    parts: tuple[PartSpec, ...]
    scenarios: tuple[str, ...]
    texts: Texts
    scope: Scope = field(default_factory=Scope)
    money: Money = field(default_factory=Money)
    monte_carlo: MonteCarlo = field(default_factory=MonteCarlo)
    horizon_years: int = 1
    year_rule: YearRule | None = None
    imputation: Imputation | None = None
    percent_of_gdp: Literal["unit_cost_year", "estimate_year"] | None = None
    gates: tuple[Literal["prorated", "oip"], ...] = ()
    carried_forward: bool = False

    @property
    def users(self) -> tuple[str, ...]:
        """Users indicators of all parts (the first is required, the others optional)."""
        return tuple(dict.fromkeys(u for p in self.parts for u in p.users))

    @property
    def imputes(self) -> bool:
        """Whether unit costs are imputed."""
        return self.imputation is not None and self.imputation.active

    def rule_text(self) -> str:
        """How the unit-cost observation of a year is chosen (for messages)."""
        return _GIVEN if self.year_rule is None else self.year_rule.text()


# =========================================================================== inputs()
def cost_inputs(config: CostConfig) -> tuple[str, ...]:
    """Indicators of the unit costs, conversions, utilisations and gates."""
    out: list[str] = [p.cost for p in config.parts if p.given is None]
    if config.percent_of_gdp is not None:
        out.append(GDP_PC)
    for p in config.parts:
        out.extend(u.indicator for s, u in p.utilisation.items()
                   if u.indicator and s in config.scenarios)
    if "prorated" in config.gates:
        out += ["refugees", "refugees_with_age"]
    if "oip" in config.gates:
        out += ["oip", "refugees_with_age"]
    return tuple(dict.fromkeys(out))


def scope_inputs(config: CostConfig) -> tuple[str, ...]:
    """Indicators deciding which hosts are in scope (and the groups of imputation)."""
    out: list[str] = []
    if config.scope.min_refugees > 0:
        out.append("refugees")
    if config.scope.income_groups or config.imputes:
        out.append("wb_income_group")
    return tuple(out)


def inputs(config: CostConfig) -> frozenset[str]:
    """Indicators used with this configuration."""
    return frozenset([*config.users, *cost_inputs(config), *scope_inputs(config)])


def optional_inputs(config: CostConfig) -> frozenset[str]:
    """Users indicators beyond the first, and ``oip`` with the oip gate (none reported)."""
    extra = {"oip"} if "oip" in config.gates else set()
    return frozenset(config.users[1:]) | extra
