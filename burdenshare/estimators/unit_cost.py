"""Fiscal cost of including refugees in national systems: unit-cost estimators.

The building block is :class:`UnitCost`, cost = users x unit cost x utilisation, per part (a
sector or a school level) and country-year. :class:`EducationInclusionCost`,
:class:`HealthInclusionCost` and :class:`SubsistenceCost` are the same engine
(:mod:`._cost_engine`: input look-up with the year actually used, scope, imputation on request,
scenario ranges, money labels, Monte Carlo) with another configuration: each estimator here is
its parameters, the :class:`~._cost_config.CostConfig` they give (``_config``) and its labels.
Formulas, sources, assumptions and validation are in ``methodology/<name>.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

from .._errors import EstimatorError, ParameterError
from ..data import Dataset
from ..indicators import VOCABULARY
from ..labels import Labels
from ..results import Computation, Result
from ._cost_config import (
    GDP_PC,
    INCOME_GROUP_CODES,
    CostConfig,
    Imputation,
    Money,
    MonteCarlo,
    PartSpec,
    Scope,
    Texts,
    Utilisation,
    YearRule,
)
from ._cost_config import inputs as config_inputs
from ._cost_config import optional_inputs as config_optional_inputs
from ._cost_engine import compute
from .base import EstimatorBase, sources_field
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
_GHED = "gov_health_expenditure_per_capita_usd_current"
_TRANSFER = "transfer_usd_per_person_per_year"


# =========================================================================== labels
_DIAGNOSTIC_LABELS: Mapping[str, str] = {
    "country_years": "Country-years estimated",
    "excluded": "Observations excluded",
    "parts": "Parts costed",
    "scenarios": "Scenarios",
    "scenario_totals": "Total cost by scenario and year",
    "scenario_fallback": "Scenarios falling back to the point utilisation",
    "money": "Currency, price basis and price years",
    "sources_used": "Sources used",
    "income_group_year": "Years of the income-group classification",
    "monte_carlo": "Monte Carlo settings",
}
_IMPUTATION_LABELS: Mapping[str, str] = {
    "imputed": "Unit costs imputed (income-group median)",
    "imputation_donors": "Hosts the imputed medians come from",
}


def _labels(quantity: str, title: str, description: str, *, short: str, users: str,
            utilisation: str, data_unit_costs: bool = True,
            diagnostics: Mapping[str, str] | None = None) -> Labels:
    """Labels of a unit-cost estimator: every quantity it writes and its diagnostics.

    ``short`` names the main quantity in charts; ``data_unit_costs`` adds the quantities and
    diagnostics of unit costs looked up in the data (their year, imputation).
    """
    quantities = {
        quantity: short,
        f"{quantity}_over_horizon": f"{short} over the horizon",
        f"{quantity}_monte_carlo": f"{short} (Monte Carlo)",
        "users": users,
        "utilisation": utilisation,
        "unit_cost_usd": "Unit cost per user (USD per year)",
        "price_year": "Price year of the unit cost",
        "countries": "Countries estimated",
    }
    shown = dict(_DIAGNOSTIC_LABELS)
    if data_unit_costs:
        quantities["unit_cost_year"] = "Year of the unit cost used"
        quantities["unit_cost_imputed"] = "Unit cost imputed (1 = yes)"
        shown.update(_IMPUTATION_LABELS)
    shown.update(diagnostics or {})
    return Labels(title=title, family="Costs of inclusion", description=description,
                  unit="USD per year", quantities=quantities, diagnostics=shown)


# =========================================================================== the shared parameters
@dataclass(frozen=True, kw_only=True)
class _InclusionCost(EstimatorBase):
    """Parameters shared by the unit-cost estimators (not registered).

    A subclass adds its own parameters and builds the engine's configuration from them in
    ``_config``; the computation itself is :func:`._cost_engine.compute`.
    """

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

    # ---------------------------------------------------------------- parameters
    def _validate(self) -> None:
        if len(set(self.income_groups)) != len(self.income_groups):
            raise ParameterError(f"parameter 'income_groups' = {list(self.income_groups)!r} "
                                 "repeats a group")
        _check_prices(self.price_basis, self.base_year, self.deflator, self.deflator_source)
        if self.n_draws > 0 and self.unit_cost_cv <= 0:
            raise ParameterError("n_draws > 0 needs unit_cost_cv > 0 (the unit-cost uncertainty "
                                 "to draw from)")
        if self.n_draws == 1:
            raise ParameterError("n_draws must be 0 (no Monte Carlo) or at least 2")

    # ---------------------------------------------------------------- the configuration
    def _config(self) -> CostConfig:
        """The engine's configuration for these parameters."""
        raise NotImplementedError

    def _cost_config(self, parts: tuple[PartSpec, ...], scenarios: tuple[str, ...], texts: Texts,
                     *, year_rule: YearRule | None = None, imputation: Imputation | None = None,
                     ) -> CostConfig:
        """A configuration with the shared parameters (scope, money, horizon, Monte Carlo)."""
        return CostConfig(
            name=self.name,
            quantity=self.quantity,
            sources=self.sources,
            parts=parts,
            scenarios=scenarios,
            texts=texts,
            scope=Scope(self.income_groups, self.min_refugees),
            money=Money(self.price_basis, self.base_year, self.deflator, self.deflator_source),
            monte_carlo=MonteCarlo(self.n_draws, self.unit_cost_cv, self.mc_interval, self.seed,
                                   self.n_jobs, self.progress),
            horizon_years=self.horizon_years,
            year_rule=year_rule,
            imputation=imputation,
        )

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        return config_inputs(self._config())

    def optional_inputs(self) -> frozenset[str]:
        """Users indicators beyond the first may be absent (none reported)."""
        return config_optional_inputs(self._config())

    def _compute(self, data: Dataset) -> Computation:
        return compute(self._config(), data)


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


    def _validate(self) -> None:
        super()._validate()
        if self.impute == "none" and self.impute_range:
            raise ParameterError("impute_range needs impute='income_group_median'")
        if self.unit_cost_year == "same_year" and self.max_unit_cost_age is not None:
            raise ParameterError("max_unit_cost_age applies only with "
                                 "unit_cost_year='latest_available'")


    def _year_rule(self) -> YearRule:
        return YearRule(self.unit_cost_year, self.max_unit_cost_age)

    def _imputation(self) -> Imputation:
        return Imputation(self.impute, self.impute_range, self.impute_min_donors)

    def _data_config(self, parts: tuple[PartSpec, ...], scenarios: tuple[str, ...],
                     texts: Texts) -> CostConfig:
        """A configuration whose unit costs come from the data (year rule, imputation)."""
        return self._cost_config(parts, scenarios, texts, year_rule=self._year_rule(),
                                 imputation=self._imputation())


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
    >>> import pandas as pd
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

    labels: ClassVar[Labels | None] = _labels(
        "inclusion_cost_usd", "Fiscal cost of inclusion by sector",
        "Users x unit cost x utilisation, summed over sectors (USD per year)",
        short="Fiscal cost of inclusion", users="Users", utilisation="Utilisation factor")

    def _validate(self) -> None:
        super()._validate()
        if not self.sectors:
            raise ParameterError("parameter 'sectors' must name at least one sector")
        names = [s for s, _u, _c in self.sectors]
        if len(set(names)) != len(names):
            raise ParameterError(f"parameter 'sectors' repeats a sector name: {names}")
        for s, users, cost in self.sectors:
            _check_sector(s, users, cost)
        for pname in ("utilisation", "utilisation_low", "utilisation_high"):
            _check_factors(pname, getattr(self, pname), names)

    def _config(self) -> CostConfig:
        rule = self._year_rule().text()
        point = dict(self.utilisation)
        texts = Texts(
            users_doc="; ".join(f"{s}: {u}" for s, u, _c in self.sectors),
            assumptions=(
                "Unit costs: " + "; ".join(f"{s}: {c} ({rule})" for s, _u, c in self.sectors)
                + ".",
                "Utilisation: " + ", ".join(f"{s} {point.get(s, 1.0):g}"
                                            for s, _u, _c in self.sectors)
                + " (1 = the same use as nationals).",
                "A users indicator not reported for a country-year that has another counts as "
                "none.",
            ),
            rule_note="the unit_cost_year rule",
        )
        scenarios = _low_high(self.utilisation_low or None, self.utilisation_high or None)
        return self._data_config(tuple(self._sector(s, u, c) for s, u, c in self.sectors),
                                 scenarios, texts)

    def _sector(self, sector: str, users: str, cost: str) -> PartSpec:
        phi = dict(self.utilisation).get(sector, 1.0)
        low = dict(self.utilisation_low).get(sector, phi)
        high = dict(self.utilisation_high).get(sector, phi)
        return PartSpec(sector, (users,), cost, _utilisations(phi, low, high))


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
        "initial_gov_funding_per_student_secondary_pct_gdp_pc", GDP_PC})
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

    labels: ClassVar[Labels | None] = _labels(
        "education_inclusion_cost_usd",
        "Cost of including refugee children in national education",
        "Public cost of educating school-age refugees at the host's per-student cost (World "
        "Bank-UNHCR approach)",
        short="Cost of including refugee children in education", users="School-age refugees",
        utilisation="Enrolment rate",
        diagnostics={"unit_cost_year": "Years of the per-student costs used",
                     "unit_cost_carried_forward": "Per-student costs carried forward",
                     "unit_cost_source": "Per-student cost series",
                     "enrolment_scenario": "Enrolment scenario"})

    def _validate(self) -> None:
        super()._validate()
        if not self.levels:
            raise ParameterError("parameter 'levels' must name at least one level")
        if len(set(self.levels)) != len(self.levels):
            raise ParameterError("parameter 'levels' repeats a level")
        scen = (self.enrolment, *self.scenario_enrolments)
        if len(set(scen)) != len(scen):
            raise ParameterError("parameter 'scenario_enrolments' repeats a scenario or the "
                                 "point scenario 'enrolment'")
        _check_enrolment_rates(self.refugee_enrolment_rates)
        rates = dict(self.refugee_enrolment_rates)
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

    def _config(self) -> CostConfig:
        rates = dict(self.refugee_enrolment_rates)
        parts = tuple(self._level(lev, rates) for lev in self.levels)
        config = self._data_config(parts, (self.enrolment, *self.scenario_enrolments),
                                   self._texts())
        return replace(config, percent_of_gdp=self.gdp_per_capita_year, gates=self._gates(),
                       carried_forward=True)

    def _level(self, level: str, rates: Mapping[str, float]) -> PartSpec:
        band, _wdi, ger = LEVELS[level]
        util = {"full_inclusion": Utilisation(1.0),
                "host_enrolment": Utilisation(indicator=ger, cap=self.cap_enrolment)}
        if level in rates:
            util["refugee_enrolment"] = Utilisation(rates[level])
        return PartSpec(level, (band,), UNIT_COST_SOURCES[self.unit_cost_source][level], util)

    def _gates(self) -> tuple[Literal["prorated", "oip"], ...]:
        out: list[Literal["prorated", "oip"]] = []
        if self.unknown_age == "prorated":
            out.append("prorated")
        if self.oip_ages == "refugee_age_structure":
            out.append("oip")
        return tuple(out)

    def _texts(self) -> Texts:
        oip = self.oip_ages == "refugee_age_structure"
        return Texts(
            users_doc=self._users_doc(),
            assumptions=self._assumption_texts(),
            assumptions_after=(
                ("Other people in need of international protection (oip, no age bands in "
                 "UNHCR's data) are given the age structure of the host's refugees with a "
                 "known age; a host without an oip observation has none.",) if oip else ()),
            rule_note="the unit_cost_year / gdp_per_capita_year rule",
            diagnostics=(("unit_cost_source", self.unit_cost_source),
                         ("enrolment_scenario", self.enrolment)),
        )

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


    def _assumption_texts(self) -> tuple[str, ...]:
        gdp_year = ("of the same year as the expenditure ratio."
                    if self.gdp_per_capita_year == "unit_cost_year" else
                    "of the latest year at or before the estimated year.")
        out = [
            "Age bands stand in for school levels (5-11 primary, 12-17 secondary); national entry "
            "ages and cycle lengths differ, and pre-primary and tertiary are not costed.",
            f"Unit cost per student = {_UNIT_COST_SOURCE_TEXT[self.unit_cost_source]} "
            f"({self._year_rule().text()}) x GDP per capita (current USD) " + gdp_year,
            "Refugee pupils cost what a host pupil costs on average (parity of inputs); no extra "
            "cost of language, catch-up or school construction.",
        ]
        scen = (self.enrolment, *self.scenario_enrolments)
        if "host_enrolment" in scen:
            cap = ", capped at 100 %" if self.cap_enrolment else ""
            out.append("host_enrolment: the host's gross enrolment ratio for the level (latest at "
                       "or before the year)" + cap + ".")
        if "refugee_enrolment" in scen:
            out.append("refugee_enrolment: " + ", ".join(
                f"{lev} {r:g}" for lev, r in self.refugee_enrolment_rates)
                + f" for every host (source: {self.refugee_enrolment_source}).")
        return tuple(out)


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

    labels: ClassVar[Labels | None] = _labels(
        "health_inclusion_cost_usd", "Cost of including refugees in public health systems",
        "Public health cost of refugees at host government health spending per capita (WHO "
        "GHED)",
        short="Cost of including refugees in public health", users="People counted",
        utilisation="Relative utilisation")

    def _validate(self) -> None:
        super()._validate()
        _check_who(self.who_counts)

    def _config(self) -> CostConfig:
        texts = Texts(
            users_doc=" + ".join(self.who_counts) + " (an unreported population counts as none)",
            assumptions=(
                "Unit cost = domestic general government health expenditure per capita (WHO "
                f"GHED, current USD; {self._year_rule().text()}); it excludes external aid and "
                "private spending.",
                f"Relative utilisation {self.utilisation:g} (1 = refugees use public health "
                "services like the average resident); no age/sex standardisation.",
            ),
            rule_note="the unit_cost_year rule",
        )
        util = _utilisations(self.utilisation, _or(self.utilisation_low, self.utilisation),
                             _or(self.utilisation_high, self.utilisation))
        part = PartSpec("health", self.who_counts, _GHED, util)
        return self._data_config((part,), _low_high(self.utilisation_low, self.utilisation_high),
                                 texts)


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

    labels: ClassVar[Labels | None] = _labels(
        "subsistence_cost_usd", "Cost of meeting refugees' subsistence needs",
        "Refugees x a user-supplied per-person annual value x the share covered",
        short="Subsistence cost", users="People counted", utilisation="Share covered",
        data_unit_costs=False)

    def _validate(self) -> None:
        super()._validate()
        _check_who(self.who_counts)
        given = [self.transfer_usd_per_person_per_year is not None,
                 bool(self.transfer_source.strip()), self.transfer_price_year is not None]
        if any(given) and not all(given):
            raise ParameterError(
                "transfer_usd_per_person_per_year, transfer_source and transfer_price_year go "
                "together: give all three")

    def estimate(self, data: Dataset) -> Result:
        """Estimate on ``data`` (see :meth:`EstimatorBase.estimate`) with the per-person value.

        Raises :class:`EstimatorError` if ``transfer_usd_per_person_per_year`` was not given
        (there is no default).
        """
        if self.transfer_usd_per_person_per_year is None:
            raise EstimatorError(
                "subsistence_cost needs the per-person annual value you want to cost, with its "
                "source and price year: set transfer_usd_per_person_per_year, transfer_source and "
                "transfer_price_year (e.g. --set transfer_usd_per_person_per_year=400 --set "
                "\"transfer_source=national social assistance 2024\" --set "
                "transfer_price_year=2024); there is no default value")
        return super().estimate(data)

    def _config(self) -> CostConfig:
        texts = Texts(
            users_doc=" + ".join(self.who_counts) + " (an unreported population counts as none)",
            assumptions=(self._value_text(),
                         f"Coverage {self.coverage:g} of the counted population."),
        )
        util = _utilisations(self.coverage, _or(self.coverage_low, self.coverage),
                             _or(self.coverage_high, self.coverage))
        given = (float(self.transfer_usd_per_person_per_year or 0.0),
                 float(self.transfer_price_year or 0))
        part = PartSpec("subsistence", self.who_counts, _TRANSFER, util, given=given)
        return self._cost_config((part,), _low_high(self.coverage_low, self.coverage_high), texts)

    def _value_text(self) -> str:
        """The per-person value, its price year and source (empty until a value is given)."""
        if self.transfer_usd_per_person_per_year is None:
            return ""
        return (f"Per-person value USD {self.transfer_usd_per_person_per_year:,.2f} a year at "
                f"{self.transfer_price_year} prices, the same in every host (source: "
                f"{self.transfer_source}).")


def _check_prices(price_basis: str, base_year: int | None, deflator: tuple[tuple[int, float], ...],
                  deflator_source: str) -> None:
    """Constant prices need a base year, a deflator covering it and the deflator's source."""
    if price_basis != "constant":
        if base_year is not None or deflator or deflator_source:
            raise ParameterError("base_year, deflator and deflator_source are only used with "
                                 "price_basis='constant'")
        return
    if base_year is None or not deflator or not deflator_source.strip():
        raise ParameterError(
            "price_basis='constant' needs base_year, deflator (year:index pairs, e.g. "
            "2018:100,2025:120.5) and deflator_source; nothing is fetched")
    years = [y for y, _v in deflator]
    if len(set(years)) != len(years):
        raise ParameterError("parameter 'deflator' repeats a year")
    if any(v <= 0 for _y, v in deflator):
        raise ParameterError("parameter 'deflator': every index must be > 0")
    if base_year not in years:
        raise ParameterError(f"parameter 'deflator' has no entry for base_year {base_year}")


def _check_sector(sector: str, users: str, cost: str) -> None:
    """A sector is a word; its users are in persons and its unit cost in USD per person."""
    if not sector or not sector.replace("_", "").isalnum():
        raise ParameterError(f"parameter 'sectors': sector name {sector!r} must be a word")
    for ind, want in ((users, "persons"), (cost, _MONEY_PER_PERSON)):
        if ind not in VOCABULARY:
            raise ParameterError(f"parameter 'sectors': {ind!r} (sector {sector}) is not an "
                                 "indicator of the vocabulary")
        if VOCABULARY[ind].unit != want:
            raise ParameterError(
                f"parameter 'sectors': {ind!r} (sector {sector}) is in "
                f"{VOCABULARY[ind].unit!r}; it must be in {want!r}")


def _check_factors(pname: str, pairs: tuple[tuple[str, float], ...], names: list[str]) -> None:
    """Sector:factor pairs name known sectors once each, with factors >= 0."""
    keys = [k for k, _v in pairs]
    bad = [k for k in keys if k not in names]
    if bad:
        raise ParameterError(f"parameter {pname!r}: {bad[0]!r} is not a sector of "
                             f"sectors ({', '.join(names)})")
    if len(set(keys)) != len(keys):
        raise ParameterError(f"parameter {pname!r} repeats a sector")
    if any(v < 0 for _k, v in pairs):
        raise ParameterError(f"parameter {pname!r}: factors must be >= 0")


def _check_enrolment_rates(pairs: tuple[tuple[str, float], ...]) -> None:
    """Level:rate pairs name known levels once each, with fractions between 0 and 1."""
    if len(dict(pairs)) != len(pairs):
        raise ParameterError("parameter 'refugee_enrolment_rates' repeats a level")
    for lev, r in pairs:
        if lev not in LEVELS:
            raise ParameterError(f"parameter 'refugee_enrolment_rates': {lev!r} is not a "
                                 f"level ({', '.join(LEVELS)})")
        if not 0 <= r <= 1:
            raise ParameterError(f"parameter 'refugee_enrolment_rates': {lev} rate {r} must "
                                 "be a fraction between 0 and 1")


def _check_who(who: tuple[str, ...]) -> None:
    if not who:
        raise ParameterError("parameter 'who_counts' must name at least one population")
    if len(set(who)) != len(who):
        raise ParameterError(f"parameter 'who_counts' = {list(who)!r} repeats a population")


def _low_high(low: object, high: object) -> tuple[str, ...]:
    """Scenario names: the point, and low/high where given."""
    out = ["point"]
    if low is not None:
        out.append("low")
    if high is not None:
        out.append("high")
    return tuple(out)


def _or(value: float | None, default: float) -> float:
    if value is None:
        return default
    return value


def _utilisations(point: float, low: float, high: float) -> dict[str, Utilisation]:
    return {"point": Utilisation(point), "low": Utilisation(low), "high": Utilisation(high)}
