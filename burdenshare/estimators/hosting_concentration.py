"""Hosting concentration: how much of the hosting falls on which group of countries.

:class:`HostingConcentration` (``hosting_concentration``): shares hosted by country group, the
top-k share, the Herfindahl-Hirschman index, and the Gini and Lorenz curve of hosting against
capacity. Formula, sources, assumptions and validation are in
``methodology/hosting_concentration.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..countries import static_attribute
from ..data import Dataset
from ..indicators import INCOME_GROUPS
from ..labels import Labels
from ..results import Computation
from ..results import estimate_row as _row
from ._hosted import (
    _CAPACITY_INPUTS,
    _POPULATION_DIAGNOSTICS,
    _ROUNDING,
    INCOME_GROUP_INDICATOR,
    POPULATION_INDICATOR,
    IncomeGroupConvention,
    PopulationSource,
    _absent_note,
    _capacity_value,
    _check_who_counts,
    _pop_swap,
    _population_field,
    _population_hint,
    _population_notes,
    _who,
    _who_field,
)
from .base import EstimatorBase, Ledger, sources_field
from .inequality import gini_lorenz
from .tables import country_year_table

__all__ = ["HostingConcentration"]

_INCOME_NOTE = {
    "in_force_31_december": (
        "Income group = World Bank classification in force on 31 December of the year "
        "(indicator wb_income_group: fiscal year Y+1, in force from 1 July of Y, based on GNI "
        "per capita, Atlas, of Y-1; World Bank OGHIST), as UNHCR's Global Trends; countries "
        "without one (e.g. not classified by the World Bank) form 'Unclassified'; a year with "
        "no classification at all is excluded ('unclassified')."),
    "gni_year": (
        "Income group = the group given by the GNI per capita (Atlas) of the year itself "
        "(indicator wb_income_group_gni_year: World Bank fiscal year Y+2, in force only from "
        "1 July of Y+1; Gapminder's series), NOT the classification in force at the end of "
        "the year that UNHCR uses; countries without one form 'Unclassified'."),
}


@dataclass(frozen=True, kw_only=True)
class HostingConcentration(EstimatorBase):
    r"""How concentrated hosting is: shares by country group, top-k share, HHI, Gini and Lorenz.

    For each year, over the countries with a hosted-population observation (and a capacity
    observation when ``capacity`` is not ``"none"``):

    - ``share_hosted``: :math:`\sum_{c \in G} R_c / \sum_c R_c` for each group :math:`G`
      (``group_by``); disjoint groups, so shares sum to 1; ``hosted`` gives the persons;
    - ``top_k_share``: share of the ``top_k`` largest hosts;
    - ``hhi``: Herfindahl-Hirschman index :math:`\sum_c s_c^2` of hosting shares;
    - ``gini``: Gini coefficient of hosting against capacity,
      :math:`G = 1 - \sum_k (X_k - X_{k-1})(Y_k + Y_{k-1})`, countries sorted by
      :math:`R_c / K_c`, :math:`X` cumulative capacity share, :math:`Y` cumulative hosting share;
    - ``lorenz_capacity_share`` / ``lorenz_hosted_share``: the Lorenz curve points per country.

    See ``methodology/hosting_concentration.md``.

    Parameters
    ----------
    who_counts : tuple of str
    group_by : {"wb_income_group", "un_ldc", "un_development", "unhcr_region", "un_region"}
        ``wb_income_group`` uses the World Bank classification of each year by the
        ``income_groups`` convention (countries without one form the group "Unclassified");
        ``un_ldc`` the current UN LDC list;
        ``un_development`` the UN developed/developing regions (developed: Europe, Northern
        America, Australia/New Zealand, Japan).
    top_k : int
    capacity : {"population", "gdp_usd_current", "gdp_ppp", "gni_atlas_usd_current",
        "land_area_km2", "none"}
        Capacity for the Gini/Lorenz; ``none`` skips them.
    income_groups : {"in_force_31_december", "gni_year"}
        For ``group_by="wb_income_group"``: the classification in force on 31 December of the
        year (indicator ``wb_income_group``, World Bank OGHIST fiscal year Y+1; the default and
        UNHCR's *Global Trends* convention) or the group given by the year's own GNI per capita
        (indicator ``wb_income_group_gni_year``, Gapminder's series, fiscal year Y+2), kept for
        comparison.
    population_source : {"un_wpp", "wdi"}
        Population for ``capacity="population"`` or ``"gdp_ppp"`` (Gini/Lorenz only): UN WPP
        (default) or WDI.
    sources : tuple of (indicator, source) pairs
    """

    name: ClassVar[str] = "hosting_concentration"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "share_hosted"
    unit: ClassVar[str] = "fraction of hosted population"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees"})
    reference: ClassVar[str] = "methodology/hosting_concentration.md"
    summary: ClassVar[str] = "Share hosted by country group, top-k share, HHI, Gini/Lorenz"
    labels = Labels(
        title="Hosting concentration",
        family="Relative burden",
        description="How concentrated hosting is: the share hosted by country group, the top "
                    "hosts' share, HHI and the Gini of hosting against capacity",
        unit="fraction of hosted population",
        quantities={"share_hosted": "Share of hosted refugees", "hosted": "Hosted refugees",
                    "share_hosted_low_and_middle_income":
                        "Share hosted by low- and middle-income countries",
                    "top_k_share": "Share hosted by the largest hosts",
                    "hhi": "Herfindahl-Hirschman index of hosting",
                    "gini": "Gini of hosting against capacity",
                    "lorenz_capacity_share": "Cumulative share of capacity (Lorenz)",
                    "lorenz_hosted_share": "Cumulative share of hosted refugees (Lorenz)",
                    "countries": "Countries hosting"},
        diagnostics={"countries_per_year": "Countries hosting, by year",
                     "outside_gini": "Hosts without capacity (outside the Gini)",
                     "unclassified_years": "Years without income groups (excluded)",
                     "excluded": "Observations excluded", **_POPULATION_DIAGNOSTICS})

    who_counts: tuple[str, ...] = _who_field()
    group_by: Literal["wb_income_group", "un_ldc", "un_development", "unhcr_region",
                      "un_region"] = field(
        default="wb_income_group", metadata={"doc": "country grouping for shares"})
    top_k: int = field(default=10, metadata={"ge": 1, "doc": "number of largest hosts"})
    capacity: Literal["population", "gdp_usd_current", "gdp_ppp", "gni_atlas_usd_current",
                      "land_area_km2", "none"] = field(
        default="population", metadata={"doc": "capacity for Gini/Lorenz (none: skip)"})
    income_groups: IncomeGroupConvention = field(
        default="in_force_31_december", metadata={
            "doc": "in_force_31_december = World Bank classification in force on 31 December "
                   "(OGHIST, as UNHCR); gni_year = group of the year's own GNI (Gapminder)"})
    population_source: PopulationSource = _population_field()
    sources: tuple[tuple[str, str], ...] = sources_field("population:un_wpp")

    def _validate(self) -> None:
        _check_who_counts(self.who_counts)

    def _pop(self) -> str:
        return POPULATION_INDICATOR[self.population_source]

    def _income(self) -> str:
        return INCOME_GROUP_INDICATOR[self.income_groups]

    def _caps(self) -> tuple[str, ...]:
        return () if self.capacity == "none" else _pop_swap(_CAPACITY_INPUTS[self.capacity],
                                                            self._pop())

    def _missing_hint(self, missing: list[str]) -> str:
        hint = _population_hint(self.population_source, missing)
        if self._income() in missing:
            other = "gni_year" if self.income_groups == "in_force_31_december" else \
                "in_force_31_december"
            hint += (f". income_groups={self.income_groups!r} reads {self._income()}; "
                     f"income_groups={other!r} reads {INCOME_GROUP_INDICATOR[other]}")
        return hint

    def inputs(self) -> frozenset[str]:
        """Return the indicators needed with these parameters."""
        extra = (self._income(),) if self.group_by == "wb_income_group" else ()
        return frozenset([*self.who_counts, *self._caps(), *extra])

    def optional_inputs(self) -> frozenset[str]:
        """Populations beyond the first of ``who_counts`` may be absent (none reported)."""
        return frozenset(self.who_counts[1:])

    def _compute(self, data: Dataset) -> Computation:
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        unclassified_years: list[int] = []
        if self.group_by == "wb_income_group":
            unclassified_years = self._exclude_unclassified_years(ledger)
        table = self._grouped_table(ledger)
        rows: list[dict[str, object]] = []
        outside_gini: dict[int, list[str]] = {}
        year: Any  # pandas-stubs types a groupby key as "any scalar": a year here
        for year, sub in table.groupby("year", sort=True):
            rows += self._year_rows(year, sub, outside_gini)
        est = pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(_row("", 0, 0, 0, 0, "")))
        excluded = ledger.excluded_frame()
        assumptions, pop_diag = self._concentration_assumptions(data, ledger, table)
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=tuple(assumptions),
            diagnostics={"excluded": len(excluded),
                         "countries_per_year": table.groupby("year").size().to_dict(),
                         "outside_gini": outside_gini,
                         "unclassified_years": unclassified_years, **pop_diag},
            used=ledger.n_used,
        )

    # ---- the stages of _compute
    def _exclude_unclassified_years(self, ledger: Ledger) -> list[int]:
        """A year in which no country has an income group cannot be split into groups."""
        act = ledger.active()
        grouped = act[(act["indicator"] == self._income()) & act["value"].notna()]
        classified = set(grouped["year"])
        out_rows = act[~act["year"].isin(classified)]
        ledger.exclude(out_rows["_row"].to_numpy(), "unclassified",
                       [f"no country has a {self._income()} observation for {y}"
                        for y in out_rows["year"]])
        return sorted({int(y) for y in out_rows["year"]})

    def _grouped_table(self, ledger: Ledger) -> pd.DataFrame:
        """The country-year table with the hosted population and each country's group."""
        # the income group is optional per country-year ("Unclassified" when absent); capacity
        # is optional too: it only enters the Gini/Lorenz, never the shares
        also = (*((self._income(),) if self.group_by == "wb_income_group" else ()),
                *self._caps())
        table = country_year_table(ledger, any_of=self.who_counts, also=also)
        hosted = table[list(self.who_counts)].fillna(0.0).sum(axis=1).to_numpy()
        table = table.assign(_hosted=hosted)
        if self.group_by == "wb_income_group":
            codes = table[self._income()]
            table["_group"] = [INCOME_GROUPS.get(int(c), "Unclassified") if pd.notna(c)
                               else "Unclassified" for c in codes]
        else:
            g = static_attribute(table["iso3"], self.group_by).to_numpy()
            table["_group"] = np.where(g == "", "Unclassified", g)
        return table

    def _year_rows(self, year: Any, sub: pd.DataFrame,
                   outside_gini: dict[int, list[str]]) -> list[dict[str, object]]:
        """Shares by group, top-k share, HHI, Gini/Lorenz and the count of one year."""
        share_unit = self.unit
        rows: list[dict[str, object]] = []
        total = float(sub["_hosted"].sum())
        by_group = sub.groupby("_group")["_hosted"].sum().sort_index()
        for grp, val in by_group.items():
            rows.append(_row("hosted", None, year, grp, float(val), "persons"))
            rows.append(_row("share_hosted", None, year, grp,
                             float(val) / total if total > 0 else np.nan, share_unit))
        if self.group_by == "wb_income_group":
            lmic = float(by_group.reindex([INCOME_GROUPS[1], INCOME_GROUPS[2],
                                           INCOME_GROUPS[3]]).fillna(0).sum())
            rows.append(_row("share_hosted_low_and_middle_income", None, year,
                             "Low and middle income", lmic / total if total > 0 else np.nan,
                             share_unit))
        s = sub["_hosted"].to_numpy() / total if total > 0 else np.full(len(sub), np.nan)
        top = np.sort(s)[::-1][: self.top_k]
        rows.append(_row("top_k_share", None, year, f"top_{self.top_k}", float(top.sum()),
                         share_unit))
        rows.append(_row("hhi", None, year, "all countries", float((s ** 2).sum()),
                         "index (0-1)"))
        if self._caps():
            rows += self._gini_rows(year, sub, outside_gini)
        rows.append(_row("countries", None, year, "all countries", float(len(sub)),
                         "countries"))
        return rows

    def _gini_rows(self, year: Any, sub: pd.DataFrame,
                   outside_gini: dict[int, list[str]]) -> list[dict[str, object]]:
        """Gini of hosting against capacity and the Lorenz curve of one year."""
        cap = _capacity_value(sub, self.capacity, self._pop())
        inside = np.isfinite(cap) & (cap > 0)
        if (~inside).any():
            outside_gini[int(year)] = sorted(sub["iso3"].to_numpy()[~inside].tolist())
        gini, lorenz = gini_lorenz(sub["iso3"].to_numpy()[inside],
                                   sub["_hosted"].to_numpy()[inside], cap[inside])
        rows = [_row("gini", None, year, f"hosted against {self.capacity}", gini, "index (0-1)")]
        for iso3, x, y in lorenz:
            rows.append(_row("lorenz_capacity_share", iso3, year, "lorenz", x,
                             "cumulative fraction"))
            rows.append(_row("lorenz_hosted_share", iso3, year, "lorenz", y,
                             "cumulative fraction"))
        return rows

    def _concentration_assumptions(self, data: Dataset, ledger: Ledger, table: pd.DataFrame
                                   ) -> tuple[list[str], dict[str, object]]:
        """Assumption lines, and the population diagnostics where population is a capacity."""
        caps = self._caps()
        assumptions = [
            f"Hosted population = {_who(self.who_counts)}; only countries (no regions, "
            "'Unknown' or 'Stateless') are summed.",
            _ROUNDING,
            *_absent_note(self.optional_inputs(), data),
        ]
        if caps:
            assumptions.append(
                f"Gini and Lorenz cover the hosts with a positive {self.capacity}; hosts without "
                "one still count in the shares, HHI and top-k (listed in diagnostics "
                "'outside_gini').")
        if self.group_by == "wb_income_group":
            assumptions.append(_INCOME_NOTE[self.income_groups])
        pop_diag: dict[str, object] = {}
        if caps and self._pop() in caps:
            notes, pop_diag = _population_notes(
                self.population_source, ledger.chosen_source.get(self._pop()),
                table["year"].to_numpy())
            assumptions.extend(notes)
        elif self.group_by == "un_ldc":
            assumptions.append("LDC membership is the current UN list applied to every year.")
        elif self.group_by == "un_development":
            assumptions.append("Developed regions = Europe, Northern America, Australia/New "
                               "Zealand and Japan (UN convention); all other countries are "
                               "'Developing regions'.")
        return assumptions, pop_diag
