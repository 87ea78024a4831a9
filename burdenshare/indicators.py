"""The indicator vocabulary: canonical names, units and rules of every input indicator.

An observation's ``indicator`` must be one of the names of the vocabulary its dataset is
validated with, and its ``unit`` must equal the indicator's canonical unit. Conversions
(currencies, price bases, scales) are never implicit: they are explicit estimator parameters.
``burdenshare indicators`` prints the vocabulary and ``methodology/indicators.md`` documents the
built-in part of it.

The vocabulary is open (``methodology/plugins.md``): a :class:`Vocabulary` is the built-in
indicators (:data:`VOCABULARY`) plus

* indicators passed where data are built or read (``Dataset.from_frame(..., indicators=[...])``,
  ``read_observations(..., indicators=[...])``), and
* indicators that installed packages declare under the entry-point group
  ``burdenshare.indicators`` (one entry point per indicator, ``name = "module:attribute"``,
  the attribute being an :class:`Indicator`). Listing them (:func:`available`) reads package
  metadata only; a plugin is imported when data use one of its indicators.

There is no mutable module state: every vocabulary is an immutable value, and the only cache is
the entry-point metadata, cleared by :func:`refresh`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ._errors import BurdenshareError, RegistryError
from ._plugins import import_target, scan_group

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Indicator",
    "IndicatorInfo",
    "Vocabulary",
    "VocabularyError",
    "VOCABULARY",
    "INCOME_GROUPS",
    "KINDS",
    "ENTRY_POINT_GROUP",
    "BUILTIN_ORIGIN",
    "GIVEN_ORIGIN",
    "available",
    "get_indicator",
    "load_plugin",
    "refresh",
    "vocabulary_frame",
    "with_plugins",
]

#: The entry-point group through which installed packages add indicators.
ENTRY_POINT_GROUP = "burdenshare.indicators"
#: The origin recorded for the built-in indicators.
BUILTIN_ORIGIN = "burdenshare"
#: The origin recorded for indicators passed with ``indicators=`` (no packaging).
GIVEN_ORIGIN = "the indicators= argument"
#: The kinds an indicator may have.
KINDS = frozenset({"count", "stock", "flow", "money", "area", "rate", "category"})


class VocabularyError(BurdenshareError, ValueError):
    """An indicator definition is malformed or clashes with another of the same name."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of the vocabulary.

    Parameters
    ----------
    name : str
        Canonical snake_case name.
    unit : str
        Canonical unit; observations must carry exactly this unit.
    description : str
        What is measured, including its definition and reference period.
    kind : str
        ``count``, ``stock`` or ``flow`` of persons, ``money``, ``area``, ``rate`` or ``category``.
    dyadic : bool
        True when the observation links two countries (``counterpart_iso3`` is then required).
    non_negative : bool
        True when negative values are invalid.
    categories : Mapping[int, str]
        For ``kind == "category"``: the meaning of each integer code.
    """

    name: str
    unit: str
    description: str
    kind: str
    dyadic: bool = False
    non_negative: bool = True
    categories: Mapping[int, str] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # categories may be a read-only mapping, which pickle cannot copy (Dask ships datasets
        # to its workers): rebuild from a plain dict
        return (Indicator, (self.name, self.unit, self.description, self.kind, self.dyadic,
                            self.non_negative, dict(self.categories)))


#: World Bank income groups as integer codes (indicator ``wb_income_group``).
INCOME_GROUPS: Mapping[int, str] = MappingProxyType(
    {1: "Low income", 2: "Lower middle income", 3: "Upper middle income", 4: "High income"}
)

_PERSONS = "persons"

_ITEMS = (
    # --- people (UNHCR Refugee Population Statistics) ---------------------------------------
    Indicator(
        "refugees", _PERSONS,
        "Refugees under UNHCR's mandate, including people in refugee-like situations; "
        "end-year stock by country of asylum (UNHCR `refugees`). Excludes Palestine refugees "
        "under UNRWA's mandate.", "stock"),
    Indicator(
        "asylum_seekers", _PERSONS,
        "Asylum-seekers whose claim is pending; end-year stock by country of asylum.", "stock"),
    Indicator(
        "oip", _PERSONS,
        "Other people in need of international protection (UNHCR category reported from 2018, "
        "mostly Venezuelans abroad and, from 2025, Afghans in Iran/Pakistan); end-year stock.",
        "stock"),
    Indicator(
        "unrwa_refugees", _PERSONS,
        "Palestine refugees registered with UNRWA, by field of operation; end-year stock.",
        "stock"),
    Indicator(
        "idps", _PERSONS,
        "Internally displaced persons protected/assisted by UNHCR; end-year stock.", "stock"),
    Indicator("stateless", _PERSONS, "Stateless persons under UNHCR's mandate; end-year stock.",
              "stock"),
    Indicator("returned_refugees", _PERSONS,
              "Refugees who returned to their country of origin during the year (flow), by "
              "country of return.", "flow"),
    Indicator(
        "resettlement_arrivals", _PERSONS,
        "Refugees resettled into the country during the year (UNHCR solutions, arrivals by "
        "destination).", "flow"),
    Indicator("naturalisations", _PERSONS,
              "Refugees naturalised in the country of asylum during the year.", "flow"),
    Indicator(
        "asylum_applications", _PERSONS,
        "Asylum applications counted in persons lodged during the year in the country of "
        "asylum, all procedure and application types (UNHCR `app_pc == 'P'`). Never summed "
        "with applications counted in cases.", "flow"),
    Indicator(
        "asylum_applications_new", _PERSONS,
        "New asylum applications counted in persons (UNHCR `app_type == 'N'`, all procedure "
        "types). UNHCR codes application types inconsistently across countries and years (e.g. "
        "Austria 2010-2013 uses NR/NA), so some countries have few or none.", "flow"),
    Indicator(
        "asylum_applications_cases", "cases",
        "Asylum applications counted in cases (households), all procedure and application "
        "types (UNHCR `app_pc == 'C'`). Kept apart from persons.", "flow"),
    Indicator(
        "refugees_aged_5_11", _PERSONS,
        "Refugees under UNHCR's mandate aged 5-11 (female + male) by country of asylum, from "
        "UNHCR's end-year demographics; a lower bound where part of the population has no age "
        "breakdown.", "stock"),
    Indicator(
        "refugees_aged_12_17", _PERSONS,
        "Refugees under UNHCR's mandate aged 12-17 (female + male) by country of asylum, from "
        "UNHCR's end-year demographics; a lower bound where part of the population has no age "
        "breakdown.", "stock"),
    Indicator(
        "refugees_with_age", _PERSONS,
        "Refugees under UNHCR's mandate whose age band is known (sum of the age bands), by "
        "country of asylum; with `refugees` it gives the share without an age breakdown.",
        "stock"),
    Indicator(
        "resettlement_pledges", _PERSONS,
        "Resettlement places pledged by a State for the year (user-supplied, with its source).",
        "flow"),
    Indicator(
        "refugees_by_origin", _PERSONS,
        "Refugees under UNHCR's mandate by country of asylum (`iso3`) and origin "
        "(`counterpart_iso3`); end-year stock.", "stock", dyadic=True),
    Indicator(
        "refugees_from_origin", _PERSONS,
        "Refugees under UNHCR's mandate originating from country `iso3` (the country of "
        "ORIGIN), summed over all countries of asylum; end-year stock.", "stock"),
    # --- capacity (World Bank WDI) -----------------------------------------------------------
    Indicator("population", _PERSONS,
              "Total population, mid-year, de facto definition (WDI SP.POP.TOTL).", "count"),
    Indicator("land_area_km2", "km2", "Land area (WDI AG.LND.TOTL.K2).", "area"),
    Indicator("surface_area_km2", "km2", "Surface area incl. inland water (WDI AG.SRF.TOTL.K2).",
              "area"),
    Indicator("gdp_usd_current", "USD current",
              "Gross domestic product at market prices, current US dollars (WDI NY.GDP.MKTP.CD).",
              "money"),
    Indicator("gdp_per_capita_usd_current", "USD current per person",
              "GDP per capita, current US dollars (WDI NY.GDP.PCAP.CD).", "money"),
    Indicator(
        "gdp_ppp_per_capita_intl_current", "international $ current (PPP) per person",
        "GDP per capita at purchasing power parity, current international dollars "
        "(WDI NY.GDP.PCAP.PP.CD; the PPP vintage is that of the WDI release).", "money"),
    Indicator("gni_atlas_usd_current", "USD current",
              "Gross national income, World Bank Atlas method, current US dollars "
              "(WDI NY.GNP.ATLS.CD).", "money"),
    Indicator("gni_per_capita_atlas_usd_current", "USD current per person",
              "GNI per capita, Atlas method, current US dollars (WDI NY.GNP.PCAP.CD).", "money"),
    Indicator("unemployment_rate", "percent of labour force",
              "Unemployment, total, % of labour force, modelled ILO estimate "
              "(WDI SL.UEM.TOTL.ZS).", "rate"),
    Indicator("gov_expense_pct_gdp", "percent of GDP",
              "General government expense, % of GDP (WDI GC.XPN.TOTL.GD.ZS: decrease in net "
              "worth from transactions; cash-basis or accrual as reported by the IMF GFS).",
              "rate"),
    Indicator("gov_expenditure_per_student_primary_pct_gdp_pc", "percent of GDP per capita",
              "Government expenditure per student, primary (% of GDP per capita) "
              "(WDI SE.XPD.PRIM.PC.ZS; the series ends in 2018).", "rate"),
    Indicator("gov_expenditure_per_student_secondary_pct_gdp_pc", "percent of GDP per capita",
              "Government expenditure per student, secondary (% of GDP per capita) "
              "(WDI SE.XPD.SECO.PC.ZS; the series ends in 2018).", "rate"),
    Indicator("gross_enrolment_ratio_primary", "percent",
              "School enrolment, primary (% gross) (WDI SE.PRM.ENRR); can exceed 100.", "rate"),
    Indicator("gross_enrolment_ratio_secondary", "percent",
              "School enrolment, secondary (% gross) (WDI SE.SEC.ENRR); can exceed 100.", "rate"),
    Indicator("gov_health_expenditure_per_capita_usd_current", "USD current per person",
              "Domestic general government health expenditure per person, current US dollars "
              "(WHO Global Health Expenditure Database, as compiled by Gapminder; the concept WDI "
              "publishes as SH.XPD.GHED.PC.CD).", "money"),
    Indicator("oda_received_usd_current", "USD current",
              "Net official development assistance received, current US dollars "
              "(WDI DT.ODA.ODAT.CD). Not refugee-specific.", "money", non_negative=False),
    Indicator("unhcr_revenue_earmarked_usd_current", "USD current",
              "Voluntary earmarked revenue UNHCR recognised from a government in the year "
              "(UN System Chief Executives Board financial statistics; accrual revenue, not "
              "pledges or cash; can be negative after accounting adjustments).", "money",
              non_negative=False),
    Indicator("unhcr_revenue_unearmarked_usd_current", "USD current",
              "Voluntary un-earmarked revenue UNHCR recognised from a government in the year "
              "(UN System Chief Executives Board financial statistics; accrual revenue).", "money",
              non_negative=False),
    Indicator("idrc_usd_million_current", "USD million current",
              "In-donor refugee costs reported as ODA by a DAC member (DAC1 'refugees in donor "
              "countries'; net flows to 2017, grant equivalents from 2018; first 12 months of "
              "stay), current US dollars, millions.", "money", non_negative=False),
    Indicator("oda_usd_million_current", "USD million current",
              "Total ODA of a donor, official definition (net disbursements to 2017, grant "
              "equivalent from 2018), current US dollars, millions.", "money", non_negative=False),
    Indicator("gni_usd_million_current", "USD million current",
              "Gross national income as reported to the OECD DAC, current US dollars, millions.",
              "money"),
    Indicator("oda_gni_pct_published", "percent of GNI",
              "ODA as a percentage of GNI as published by the OECD (rounded to 2 decimals at "
              "source; official definition).", "rate", non_negative=False),
    Indicator("oda_usd_million_constant_2025", "USD million constant 2025",
              "Total ODA, official definition, constant 2025 US dollars (OECD deflators), "
              "millions.", "money", non_negative=False),
    Indicator("refugee_funding_received_usd_current", "USD current",
              "Refugee-specific international funding received by a host country in the year "
              "(user-supplied, with its source).", "money"),
    Indicator("host_cost_usd_current", "USD current",
              "Estimated cost to a host country of hosting refugees in the year (user-supplied "
              "cost table, or the output of a host-cost estimator).", "money"),
    Indicator("contribution_usd_current", "USD current",
              "A State's contribution to the requirement under study (e.g. an appeal), "
              "user-supplied with its source.", "money"),
    Indicator("asylum_effort_per_million", "per million inhabitants",
              "Asylum applications plus resettled refugees per million inhabitants, averaged "
              "over a reference period (EU 2015 relocation key criterion); user-supplied.",
              "rate"),
    # --- classifications ---------------------------------------------------------------------
    Indicator(
        "wb_income_group", "code",
        "World Bank income group in force on 31 December of the year (1 Low, 2 Lower middle, "
        "3 Upper middle, 4 High income): the classification of fiscal year Y+1, published and "
        "in force from 1 July of Y, based on GNI per capita (Atlas) of Y-1 (World Bank OGHIST); "
        "the convention of UNHCR's Global Trends.", "category", categories=INCOME_GROUPS),
    Indicator(
        "dac_member", "code",
        "Membership of the OECD Development Assistance Committee in the calendar year "
        "(1 = member; no observation = not a member).", "category",
        categories=MappingProxyType({1: "DAC member"})),
    # --- UN WPP and OGHIST (issue 14) --------------------------------------------------------
    Indicator(
        "population_un_wpp", _PERSONS,
        "Total population on 1 July (de facto), UN DESA World Population Prospects: estimates, "
        "and medium-variant projections after the revision's last estimate year (WPP 2024: "
        "estimates to 2023, projections 2024-2025). The denominator of UNHCR's per-capita "
        "figures; `population` is the World Bank's (WDI SP.POP.TOTL).", "count"),
    Indicator(
        "wb_income_group_gni_year", "code",
        "World Bank income group assigned on the GNI per capita (Atlas) OF THE YEAR itself, i.e. "
        "the classification of fiscal year Y+2, in force from 1 July of Y+1 (the year "
        "convention of Gapminder's ilevels4_wb series). Codes as `wb_income_group`.",
        "category", categories=INCOME_GROUPS),
    # --- UIS and neighbours (issue 14) -------------------------------------------------------
    Indicator(
        "initial_gov_funding_per_student_primary_pct_gdp_pc", "percent of GDP per capita",
        "Initial government funding per primary student, % of GDP per capita (UNESCO UIS "
        "XUNIT.GDPCAP.1.FSGOV.FFNTR; to 2023). Not WDI's 'government expenditure per student' "
        "(SE.XPD.PRIM.PC.ZS): a series break if the two are spliced (median difference 1.7 % "
        "over 1997-2018).", "rate"),
    Indicator(
        "initial_gov_funding_per_student_secondary_pct_gdp_pc", "percent of GDP per capita",
        "Initial government funding per secondary student (lower + upper secondary), % of GDP "
        "per capita (UNESCO UIS XUNIT.GDPCAP.2T3.FSGOV.FFNTR; to 2023). Not WDI's "
        "SE.XPD.SECO.PC.ZS (series break).", "rate"),
    Indicator(
        "oip_by_origin", _PERSONS,
        "Other people in need of international protection by country of asylum (`iso3`) and "
        "origin (`counterpart_iso3`); end-year stock (UNHCR; reported from 2018).", "stock",
        dyadic=True),
)

_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _checked(ind: object, origin: str) -> Indicator:
    """Return ``ind`` if it is a well-formed :class:`Indicator`; raise naming ``origin``."""
    if not isinstance(ind, Indicator):
        raise VocabularyError(
            f"{ind!r} ({origin}) is a {type(ind).__name__}, not a burdenshare.indicators.Indicator")
    problems = []
    if not isinstance(ind.name, str) or not _NAME.fullmatch(ind.name):
        problems.append("its name is not snake_case")
    if not isinstance(ind.unit, str) or not ind.unit.strip():
        problems.append("its unit is empty")
    if ind.kind not in KINDS:
        problems.append(f"its kind {ind.kind!r} is not one of {sorted(KINDS)}")
    if ind.kind == "category" and not ind.categories:
        problems.append("a category indicator needs its categories (code -> meaning)")
    if problems:
        raise VocabularyError(f"indicator {ind.name!r} ({origin}): " + "; ".join(problems))
    return ind


class Vocabulary(Mapping[str, Indicator]):
    """An immutable indicator vocabulary: name -> :class:`Indicator`, and where each came from.

    A dataset records the vocabulary it was validated with (``Dataset.vocabulary``). Build one
    from the built-ins with :meth:`extended`; two definitions of one name are refused unless
    they are equal.

    Parameters
    ----------
    indicators : iterable of Indicator
        The entries, in order.
    origin : str
        Where they come from (``"burdenshare"`` for the built-ins, a distribution and its entry
        point for plugins, :data:`GIVEN_ORIGIN` for indicators passed with ``indicators=``).

    Raises
    ------
    VocabularyError
        An entry is not a well-formed :class:`Indicator`, or two entries share a name with
        different definitions.

    Examples
    --------
    >>> from burdenshare.indicators import VOCABULARY, Indicator
    >>> revenue = Indicator("gov_revenue_usd_current", "USD current",
    ...                     "General government revenue, current US dollars.", "money")
    >>> vocab = VOCABULARY.extended([revenue], origin="my notebook")
    >>> vocab.origin("gov_revenue_usd_current"), vocab.origin("refugees")
    ('my notebook', 'burdenshare')
    """

    __slots__ = ("_items", "_origins")
    _items: Mapping[str, Indicator]
    _origins: Mapping[str, str]

    def __init__(self, indicators: Iterable[Indicator] = (), *, origin: str = GIVEN_ORIGIN
                 ) -> None:
        items: dict[str, Indicator] = {}
        origins: dict[str, str] = {}
        for ind in indicators:
            _add(items, origins, ind, origin)
        object.__setattr__(self, "_items", MappingProxyType(items))
        object.__setattr__(self, "_origins", MappingProxyType(origins))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Vocabulary is immutable; use extended() or union()")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pickled (e.g. for Dask workers) as its (indicator, origin) entries
        return (_from_entries, (tuple((self._items[n], self._origins[n]) for n in self._items),))

    def __getitem__(self, name: str) -> Indicator:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        # equal mappings have equal names (the origins may differ, which equality ignores)
        return hash(frozenset(self._items))

    def __repr__(self) -> str:
        extra = [n for n, o in self._origins.items() if o != BUILTIN_ORIGIN]
        return f"Vocabulary({len(self)} indicators, {len(extra)} not built in: {extra})"

    @property
    def origins(self) -> Mapping[str, str]:
        """Name -> where the indicator came from (read-only)."""
        return self._origins

    def origin(self, name: str) -> str:
        """Return where indicator ``name`` came from.

        Parameters
        ----------
        name : str

        Returns
        -------
        str
            ``"burdenshare"`` for a built-in, ``"<distribution> (entry point <module:attr>)"``
            for a plugin, or the origin given when it was added.
        """
        return self._origins[name]

    def extended(self, indicators: Vocabulary | Iterable[Indicator], *,
                 origin: str = GIVEN_ORIGIN) -> Vocabulary:
        """Return a new vocabulary with ``indicators`` added.

        Parameters
        ----------
        indicators : iterable of Indicator, or a Vocabulary
            A :class:`Vocabulary` keeps the origins it records.
        origin : str
            Recorded for plain indicators.

        Returns
        -------
        Vocabulary

        Raises
        ------
        VocabularyError
            A name already present with a different definition (the message names both
            origins), or a malformed indicator.
        """
        if isinstance(indicators, Vocabulary):
            return self.union(indicators)
        return _merged(self, [(ind, origin) for ind in indicators])

    def union(self, other: Vocabulary) -> Vocabulary:
        """Return the vocabulary holding the entries of both (origins of ``self`` first).

        Parameters
        ----------
        other : Vocabulary

        Returns
        -------
        Vocabulary

        Raises
        ------
        VocabularyError
            If one name has two different definitions.
        """
        if other is self:
            return self
        return _merged(self, [(other[n], other.origin(n)) for n in other])

    def frame(self) -> pd.DataFrame:
        """Return the vocabulary as a pandas DataFrame (one row per indicator).

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator, unit, kind, dyadic, non_negative, description, origin``.
        """
        import pandas as pd

        rows = [{**_row(ind), "origin": self._origins[name]} for name, ind in self._items.items()]
        return pd.DataFrame(rows, columns=[*_FRAME_COLUMNS, "origin"])


def _add(items: dict[str, Indicator], origins: dict[str, str], ind: Indicator, origin: str
         ) -> None:
    """Add one checked entry to ``items``; an equal redefinition keeps the first origin."""
    ind = _checked(ind, origin)
    old = items.get(ind.name)
    if old is None:
        items[ind.name] = ind
        origins[ind.name] = origin
        return
    if old != ind:
        raise VocabularyError(
            f"indicator {ind.name!r} from {origin} clashes with the one from "
            f"{origins[ind.name]} (unit {old.unit!r}, kind {old.kind!r}); rename yours")


def _from_entries(entries: tuple[tuple[Indicator, str], ...]) -> Vocabulary:
    """Rebuild a pickled :class:`Vocabulary` from its (indicator, origin) entries."""
    return _merged(Vocabulary(), entries)


def _merged(base: Vocabulary, entries: Iterable[tuple[Indicator, str]]) -> Vocabulary:
    """``base`` with the (indicator, origin) entries added (``base`` itself if none is new)."""
    items = dict(base.items())
    origins = dict(base.origins)
    for ind, origin in entries:
        _add(items, origins, ind, origin)
    if len(items) == len(base):
        return base
    out = Vocabulary()
    object.__setattr__(out, "_items", MappingProxyType(items))
    object.__setattr__(out, "_origins", MappingProxyType(origins))
    return out


#: The built-in indicators, name -> :class:`Indicator` (read-only; a :class:`Vocabulary`).
VOCABULARY: Vocabulary = Vocabulary(_ITEMS, origin=BUILTIN_ORIGIN)


def get_indicator(name: str) -> Indicator:
    """Return the built-in vocabulary entry for ``name``.

    Parameters
    ----------
    name : str
        Canonical indicator name.

    Returns
    -------
    Indicator

    Raises
    ------
    KeyError
        If the name is not in the vocabulary; the message lists the known names.
    """
    try:
        return VOCABULARY[name]
    except KeyError:
        known = ", ".join(sorted(VOCABULARY))
        raise KeyError(f"unknown indicator {name!r}; known indicators: {known}") from None


_FRAME_COLUMNS = ["indicator", "unit", "kind", "dyadic", "non_negative", "description"]


def _row(ind: Indicator) -> dict[str, Any]:
    return {"indicator": ind.name, "unit": ind.unit, "kind": ind.kind, "dyadic": ind.dyadic,
            "non_negative": ind.non_negative, "description": ind.description}


def vocabulary_frame() -> pd.DataFrame:
    """Return the built-in vocabulary as a pandas DataFrame (one row per indicator).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, unit, kind, dyadic, non_negative, description``.
    """
    import pandas as pd

    return pd.DataFrame([_row(i) for i in _ITEMS], columns=_FRAME_COLUMNS)


# ------------------------------------------------------------------ plugins (entry points)
@dataclass(frozen=True)
class IndicatorInfo:
    """Where an indicator comes from, known without importing any plugin.

    Parameters
    ----------
    name : str
        Indicator name (the entry point's name for a plugin).
    target : str
        ``module:attribute`` of a plugin's :class:`Indicator` (empty for a built-in).
    distribution : str
        The distribution that provides it (``"burdenshare"`` for a built-in).
    builtin : bool
    """

    name: str
    target: str
    distribution: str
    builtin: bool

    @property
    def origin(self) -> str:
        """The origin a :class:`Vocabulary` records for this indicator."""
        if self.builtin:
            return BUILTIN_ORIGIN
        return f"{self.distribution} (entry point {self.target})"


_Scan = tuple[Mapping[str, IndicatorInfo], Mapping[str, tuple[IndicatorInfo, ...]]]


@lru_cache(maxsize=1)
def _scan() -> _Scan:
    """Built-ins and entry points (package metadata only), and names claimed twice."""
    builtins = {n: IndicatorInfo(n, "", BUILTIN_ORIGIN, True) for n in VOCABULARY}
    return scan_group(ENTRY_POINT_GROUP, builtins,
                      lambda name, target, dist: IndicatorInfo(name, target, dist, False),
                      "indicator")


def refresh() -> None:
    """Forget cached entry-point metadata (after installing a plugin in a running session)."""
    _scan.cache_clear()


def available() -> Mapping[str, IndicatorInfo]:
    """Return every indicator name with where it comes from, without importing plugins.

    Returns
    -------
    Mapping of str to IndicatorInfo
        The built-ins and the entry points of the group ``burdenshare.indicators``, by name.
    """
    return _scan()[0]


def load_plugin(name: str) -> Indicator:
    """Import the plugin that declares indicator ``name`` and return its :class:`Indicator`.

    Parameters
    ----------
    name : str
        The name of an entry point of the group ``burdenshare.indicators``.

    Returns
    -------
    Indicator

    Raises
    ------
    RegistryError
        No plugin declares it, two plugins do, or the plugin fails to load or does not give an
        :class:`Indicator` of that name (each message names the distribution).
    """
    found, clashes = _scan()
    if name in clashes:
        who = "; ".join(f"{i.distribution} ({i.target})" for i in clashes[name])
        raise RegistryError(f"indicator name {name!r} is claimed by several plugins: {who}; "
                            "uninstall one, or pass the Indicator with indicators=")
    info = found.get(name)
    if info is None or info.builtin:
        raise RegistryError(f"no plugin declares indicator {name!r} under the entry-point "
                            f"group {ENTRY_POINT_GROUP!r}")
    obj = import_target(info.target, f"indicator {name!r} from distribution "
                                     f"{info.distribution} ({info.target})")
    if not isinstance(obj, Indicator) or obj.name != name:
        raise RegistryError(
            f"indicator {name!r} from distribution {info.distribution} ({info.target}) is "
            f"{obj!r}, not an Indicator named {name!r}")
    try:
        return _checked(obj, info.origin)
    except VocabularyError as err:
        raise RegistryError(str(err)) from err


def with_plugins(vocabulary: Vocabulary, names: Iterable[str]) -> Vocabulary:
    """Return ``vocabulary`` with the installed plugin indicators among ``names`` added.

    Names already in ``vocabulary`` and names no plugin declares are left as they are (the
    latter are reported by validation as unknown indicators). Plugins are imported only here,
    and only when a name is missing from ``vocabulary``.

    Parameters
    ----------
    vocabulary : Vocabulary
    names : iterable of str
        Indicator names the data use.

    Returns
    -------
    Vocabulary

    Raises
    ------
    RegistryError
        A plugin that declares one of the names fails to load.
    """
    missing = [n for n in names if n not in vocabulary]
    if not missing:
        return vocabulary
    found = available()
    declared = [n for n in missing if n in found and not found[n].builtin]
    return _merged(vocabulary, [(load_plugin(n), found[n].origin) for n in declared])
