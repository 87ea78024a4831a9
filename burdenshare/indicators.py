"""The controlled indicator vocabulary: canonical names, units and rules of every input indicator.

An observation's ``indicator`` must be one of these names and its ``unit`` must equal the
indicator's canonical unit. Conversions (currencies, price bases, scales) are never implicit:
they are explicit estimator parameters. ``burdenshare indicators`` prints this table and
``methodology/indicators.md`` documents it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Indicator", "VOCABULARY", "INCOME_GROUPS", "get_indicator", "vocabulary_frame"]


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
        "World Bank income group in force in the calendar year (1 Low, 2 Lower middle, "
        "3 Upper middle, 4 High income), from the historical classification by GNI per capita "
        "(Atlas).", "category", categories=INCOME_GROUPS),
    Indicator(
        "dac_member", "code",
        "Membership of the OECD Development Assistance Committee in the calendar year "
        "(1 = member; no observation = not a member).", "category",
        categories=MappingProxyType({1: "DAC member"})),
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

#: name -> :class:`Indicator` (read-only).
VOCABULARY: Mapping[str, Indicator] = MappingProxyType({i.name: i for i in _ITEMS})


def get_indicator(name: str) -> Indicator:
    """Return the vocabulary entry for ``name``.

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


def vocabulary_frame():  # type: ignore[no-untyped-def]
    """Return the vocabulary as a pandas DataFrame (one row per indicator).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, unit, kind, dyadic, non_negative, description``.
    """
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "indicator": i.name,
                "unit": i.unit,
                "kind": i.kind,
                "dyadic": i.dyadic,
                "non_negative": i.non_negative,
                "description": i.description,
            }
            for i in _ITEMS
        ]
    )
