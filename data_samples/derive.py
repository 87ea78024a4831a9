"""Derive burdenshare's embedded sample data from the shared reference data.

Run from anywhere::

    python data_samples/derive.py                # reads ../shared/data next to the repository
    python data_samples/derive.py --shared PATH  # reads another copy of the shared data

The script reads the shared CSV files (see ``shared/data/README.md`` for their provenance),
reshapes them into burdenshare's long observation format
(``iso3,year,indicator,value,unit,source,counterpart_iso3``), writes one observation file per
source table into this folder together with reference tables (not observations), ``sources.json``
and ``README.md``, and checks its own invariants as it goes (it raises ``DerivationError`` on the
first violation and writes nothing further). One input is not in the shared data but in this
folder: ``dac_membership_transcribed.csv``, the hand transcription of DAC accession years (with
page and quote per row), which the script validates, expands to years and copies to ``--out``.

``--indicators-md methodology/indicators.md`` also regenerates the sample-coverage table of that
page (only the section "Which indicators the embedded samples provide").

Rules it follows:

* nothing is invented, filled or imputed: an empty source cell produces no observation and a
  zero stays a zero;
* values are parsed as float64 and written with ``repr(float)`` (shortest exact round-trip
  text), so no precision is lost; WDI values are checked to be numerically identical to the
  source text;
* every CSV is read with ``keep_default_na=False, na_values=[""]`` so that codes such as
  Namibia's ISO2 ``NA`` or the UNHCR application code ``NA`` are not taken for missing values;
* output is deterministic: fixed column order, sorted rows, ``\\n`` line endings, UTF-8, gzip
  with ``mtime=0`` and an empty file name in the header.

It needs pandas, numpy and the burdenshare package of this repository, whose indicator
vocabulary (``burdenshare.indicators``) gives every unit, the dyadic indicators and those that
may be negative (``make samples`` runs it in the project's virtual environment).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

#: The repository root: the vocabulary is read from this checkout's burdenshare, never from
#: another installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from burdenshare.indicators import INCOME_GROUPS, VOCABULARY  # noqa: E402

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

#: This folder (outputs are written here) and the repository root.
HERE = Path(__file__).resolve().parent
REPO = Path(__file__).resolve().parents[1]
#: Default location of the shared reference data: ``../shared/data`` next to the repository.
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

#: How every CSV is read (keeps "NA" strings; only a truly empty cell is missing).
READ = {"keep_default_na": False, "na_values": [""]}

#: Observation columns, in this order (burdenshare.schemas.OBSERVATION_COLUMNS).
COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3"]
#: Observation key (burdenshare.schemas.OBSERVATION_KEY); must be unique.
KEY = ["iso3", "counterpart_iso3", "year", "indicator", "source"]
#: Sort order of every observation file.
SORT = ["iso3", "year", "indicator", "source"]

#: Dyadic indicators (written with counterpart_iso3 = country of origin), from the vocabulary.
DYADIC = frozenset(name for name, ind in VOCABULARY.items() if ind.dyadic)

#: Base years of the origin x asylum refugee stocks kept in unhcr_origin.csv.gz (the shares of a
#: shift-share instrument are taken in a base year; three decades give a choice of base year
#: while keeping the sample small).
ORIGIN_BASE_YEARS = (1990, 2000, 2010)

#: Recent years of the origin x asylum refugee and OIP stocks kept in unhcr_origin.csv.gz (the
#: share hosted in neighbouring countries, a Global Trends headline, needs the dyads of the year
#: itself; 2020-2025 covers the Global Trends reports on end-2020 to end-2025). Issue 14.
ORIGIN_RECENT_YEARS = (2020, 2021, 2022, 2023, 2024, 2025)

#: UNHCR origin groups without a code burdenshare accepts, left out of unhcr_origin.csv.gz.
ORIGIN_GROUPS_LEFT_OUT = {"TIB": "UNHCR origin group 'Tibetan'"}

#: Indicators whose values may legitimately be negative (``non_negative=False`` in the
#: vocabulary): net ODA received, UNHCR revenue (accounting adjustments), and the DAC donor
#: series (net flows and in-donor refugee costs can be negative after repayments or
#: corrections). (No DAC value in this vintage is negative; the check only allows it.)
MAY_BE_NEGATIVE = frozenset(name for name, ind in VOCABULARY.items() if not ind.non_negative)

#: Source ids (keys of sources.json).
SRC_UNHCR = "unhcr_refugee_statistics_2025_12_1"
SRC_UNRWA = "unrwa_via_unhcr_2025_12_1"
SRC_WDI = "wb_wdi_2026_07_01"
SRC_INCOME = "wb_income_history_gapminder_v8"
SRC_WHO = "who_ghed_gapminder_2025_12_08"
SRC_CEB = "un_ceb_unhcr_revenue_2026_02_05"
SRC_DAC = "oecd_dac_membership_transcribed"
SRC_DAC_IDRC = "oecd_dac1_idrc_oda_gni_one_2024_01_10"
SRC_DAC_ODAGNI = "oecd_dac_oda_gni_one_2026_04_09"
SRC_UIS = "unesco_uis_sdg_2024_09"  # issue 14

# --- UN WPP and OGHIST (issue 14)
SRC_WPP = "un_wpp_2024"
SRC_OGHIST = "wb_oghist_2025_07_09"
WPP_COMMIT = "adc6d32abb7e6ef76e3f6a908015287e6ba7e66b"
OGHIST_COMMIT = "4f58f4f042f782cd1f358516f2372d61863de745"
#: WPP 2024 estimates end in 2023; later years are medium-variant projections.
WPP_LAST_ESTIMATE_YEAR = 2023

UNHCR_COMMIT = "0c16a6d0c2f37d8578f9b9e3d1e4459efe850398"
WDI_COMMIT = "4ebec5a2273f531ba238a34dbe440394dc5a6c4b"
FASTTRACK_COMMIT = "10e24e0e54b7c228642260f3b93d3d94131e23a5"
SYSTEMA_GLOBALIS_COMMIT = "c63631abeb62af6db3910f68be7c2b443beca50b"
UNFCK_COMMIT = "052fc73dce2d369a2b8c08a0d9ebe121c4a22095"
ONE_TRACKER_COMMIT = "742bcfc4df7f87297f6c2d808dd18906664c5da6"
ONE_DASHBOARD_COMMIT = "14a9ba6b2ce265e1c969ea674c9f309c51a7db94"
UIS_DDF_COMMIT = "9ebe8204713bdcc166593d89f84087af72a09c86"  # issue 14

#: Input files that live in this folder (hand transcriptions), not in the shared data.
LOCAL_INPUTS = {"dac_membership_transcribed.csv"}

#: Licence and attribution, from shared/data/README.md sections 1-4 and 6; for DAC membership,
#: from the pages listed in dac_membership_transcribed.csv.
SOURCES = {
    SRC_UNHCR: {
        "id": SRC_UNHCR,
        "title": "UNHCR Refugee Population Statistics (Refugee Data Finder)",
        "publisher": "UNHCR",
        "url": "https://www.unhcr.org/refugee-statistics/",
        "licence": "CC BY 4.0",
        "retrieved": "2026-06-25",
        "vintage": "refugees R package 2025.12.1 (Global Trends 2025 release), "
        f"PopulationStatistics/refugees commit {UNHCR_COMMIT} (2026-06-25)",
        "derivation": "unhcr_population.csv.gz reshapes the shared "
        "unhcr_population_by_asylum_year.csv (refugees, asylum_seekers, oip, idps, stateless; "
        "empty oip cells dropped); unhcr_solutions.csv.gz reshapes the non-empty cells of "
        "unhcr_resettlement_naturalisation_by_destination_year.csv; "
        "unhcr_asylum_applications.csv.gz sums the shared unhcr_asylum_applications.csv.gz over "
        "origins, procedures and application types by country of asylum and year, separately "
        "for persons (P) and cases (C), and separately for new applications in persons "
        "(app_type N); unhcr_demographics.csv.gz sums the age bands of the `REF` rows of the "
        "shared unhcr_demographics_2025.csv.gz (2025 only) by country of asylum into "
        "refugees_aged_5_11, refugees_aged_12_17 and refugees_with_age (all bands f_0_4..f_60 "
        "and m_0_4..m_60; refugees with unknown age are not in any band); "
        "unhcr_origin.csv.gz keeps the non-empty refugee cells of the shared "
        "unhcr_population_origin_asylum_year.csv.gz in the base years 1990, 2000 and 2010 as "
        "refugees_by_origin (iso3 = asylum, counterpart_iso3 = origin), plus the positive refugee "
        "and OIP cells of 2020-2025 as refugees_by_origin and oip_by_origin, and reshapes the refugee "
        "column of unhcr_population_by_origin_year.csv as refugees_from_origin (iso3 = origin).",
    },
    SRC_UNRWA: {
        "id": SRC_UNRWA,
        "title": "Palestine refugees registered with UNRWA, as republished in UNHCR's "
        "Refugee Data Finder",
        "publisher": "UNRWA (figures republished by UNHCR)",
        "url": "https://www.unhcr.org/refugee-statistics/",
        "licence": "CC BY 4.0",
        "retrieved": "2026-06-25",
        "vintage": "refugees R package 2025.12.1 (Global Trends 2025 release), data/unrwa.rda, "
        f"PopulationStatistics/refugees commit {UNHCR_COMMIT} (2026-06-25)",
        "derivation": "unhcr_unrwa.csv.gz takes the shared unhcr_unrwa_palestine_refugees.csv "
        "(origin always PSE, one row per field of operation and year) and sums `total` by "
        "coa_iso and year, which is a one-to-one copy; the 2025 row with unknown field (UNK) "
        "is kept.",
    },
    SRC_WDI: {
        "id": SRC_WDI,
        "title": "World Development Indicators",
        "publisher": "World Bank",
        "url": "https://github.com/datasets/world-development-indicators",
        "licence": "CC BY 4.0",
        "retrieved": "2026-07-01",
        "vintage": "WDI via datasets/world-development-indicators commit "
        f"{WDI_COMMIT} (2026-07-01)",
        "derivation": "wdi.csv.gz keeps the economy rows (is_aggregate == False) of fifteen "
        "indicator codes of the shared wdi_country_year_long.csv.gz, renames the codes to "
        "burdenshare indicator names and copies the values exactly; the aggregate codes and "
        "names go to wb_aggregates.csv.",
    },
    SRC_INCOME: {
        "id": SRC_INCOME,
        "title": "World Bank historical income classification "
        "(Gapminder fasttrack concept ilevels4_wb)",
        "publisher": "Gapminder, based on the World Bank's historical income classification",
        "url": "https://github.com/open-numbers/ddf--gapminder--fasttrack",
        "licence": "CC BY 4.0",
        "retrieved": "2026-07-15",
        "vintage": "Gapminder fasttrack concept ilevels4_wb v8 (July 31 2025), "
        f"open-numbers/ddf--gapminder--fasttrack commit {FASTTRACK_COMMIT} (2026-07-15)",
        "derivation": "wb_income_groups.csv.gz maps wb_income_group of the shared "
        "wb_income_group_by_year.csv to integer codes (Low income 1, Lower middle income 2, "
        "Upper middle income 3, High income 4) per iso3 and year; any other label stops the "
        "derivation.",
    },
    SRC_WHO: {
        "id": SRC_WHO,
        "title": "Global Health Expenditure Database: domestic general government health "
        "expenditure per person, current US$ (Gapminder concept "
        "government_health_spending_per_person_us)",
        "publisher": "WHO Global Health Expenditure Database (Global Health Observatory), "
        "compiled by Gapminder",
        "url": "https://github.com/open-numbers/ddf--gapminder--systema_globalis",
        "licence": "Gapminder states CC BY 4.0 (repo README); WHO's own terms of use also apply "
        "to the underlying GHED data — check them before commercial use.",
        "retrieved": "2026-03-01",
        "vintage": "open-numbers/ddf--gapminder--systema_globalis commit "
        f"{SYSTEMA_GLOBALIS_COMMIT} (2026-03-01); the datapoint files were last updated "
        "2025-12-08; years 2000-2022",
        "derivation": "who_ghed.csv.gz keeps the rows of the shared "
        "who_ghed_health_expenditure_long.csv with indicator "
        "government_health_spending_per_person_us, as indicator "
        "gov_health_expenditure_per_capita_usd_current, all countries and years, values copied "
        "exactly (checked numerically identical to the source text).",
    },
    SRC_CEB: {
        "id": SRC_CEB,
        "title": "UNHCR revenue by contributor and revenue type (UN System Chief Executives "
        "Board financial statistics, via open.unfck.org)",
        "publisher": "UN System Chief Executives Board (CEB) Financial Statistics, fused by the "
        "open.unfck.org project",
        "url": "https://github.com/un-fck/open.unfck.org",
        "licence": "open.unfck.org repository licence MIT; shared/data/README.md states no "
        "separate licence for the underlying CEB financial statistics",
        "retrieved": "2026-02-05",
        "vintage": f"un-fck/open.unfck.org commit {UNFCK_COMMIT} (2026-02-05), files "
        "public/data/donors-<year>.json (entity UNHCR), 2013-2024",
        "derivation": "unhcr_revenue.csv.gz takes the government rows (contributor_iso3 "
        "non-empty; all of category Government, none an unattributed remainder) of the shared "
        "unhcr_revenue_by_contributor_2013_2024.csv: revenue_type 'Voluntary earmarked' -> "
        "unhcr_revenue_earmarked_usd_current, 'Voluntary un-earmarked' -> "
        "unhcr_revenue_unearmarked_usd_current (any other type for a government stops the "
        "derivation); values copied exactly, negative values (accounting adjustments) and zeros "
        "kept. All other rows (EU, private, pooled funds, unattributed remainders) are written "
        "unchanged to unhcr_revenue_non_government.csv; government observations plus those rows "
        "equal the source total of every year (checked).",
    },
    SRC_DAC: {
        "id": SRC_DAC,
        "title": "OECD Development Assistance Committee (DAC) membership by year "
        "(transcribed by burdenshare)",
        "publisher": "OECD (DAC member profiles, accession pages and press releases); two "
        "accession years from member governments' pages and one from a third-party page, as "
        "listed per country in dac_membership_transcribed.csv",
        "url": "https://www.oecd.org/dac/",
        "licence": "OECD Terms and Conditions (reuse with attribution); the membership years are "
        "facts transcribed from the pages listed in dac_membership_transcribed.csv",
        "retrieved": "2026-11-24",
        "vintage": "membership as stated up to Estonia's accession on 4 July 2023 (the 32nd "
        "member including the European Union); assumed unchanged to 2025",
        "derivation": "dac_membership.csv.gz gives dac_member = 1 for every country of "
        "dac_membership_transcribed.csv (hand transcription of the accession year stated on the "
        "source page quoted in each row) and every calendar year from the accession year to "
        "2025 (to left_year for a membership spell that ended: Portugal 1961-1974, re-joined "
        "1991). A country counts as a member in a year if it was a member at any time in that "
        "year. No observation = not a member. The European Union, a DAC member that is not a "
        "country, is not included.",
    },
    SRC_DAC_IDRC: {
        "id": SRC_DAC_IDRC,
        "title": "OECD DAC1 table: in-donor refugee costs ('refugees in donor countries'), total "
        "ODA (official definition) and GNI by DAC member, 2010-2022 (processed by the ONE "
        "Campaign)",
        "publisher": "OECD Development Assistance Committee (DAC1 table), processed by the ONE "
        "Campaign with its oda_data package",
        "url": "https://github.com/ONEcampaign/ukraine_oda_tracker",
        "licence": "OECD Terms and Conditions (free reuse with attribution) for the data; the ONE "
        "repository's code is MIT-licensed",
        "retrieved": "2025-04-18",
        "vintage": f"ONEcampaign/ukraine_oda_tracker commit {ONE_TRACKER_COMMIT} (2025-04-18), "
        "raw_data/total_idrc_current.csv, total_oda_current.csv and gni.csv (last changed "
        "2024-01-10); 30 DAC member countries x 2010-2022 (Estonia, a member from 2023, absent)",
        "derivation": "oecd_dac.csv.gz copies the shared "
        "oecd_dac_idrc_oda_gni_by_donor_2010_2022.csv (donor_iso3 added by name matching in the "
        "shared data): in_donor_refugee_costs_usd_million_current -> idrc_usd_million_current, "
        "total_oda_usd_million_current -> oda_usd_million_current, gni_usd_million_current -> "
        "gni_usd_million_current, US$ million current, values copied exactly; an empty cell "
        "(no in-donor refugee costs reported) gives no observation. Basis: ODA and IDRC are net "
        "flows to 2017 and grant equivalents from 2018 (ONE indicator idrc_ge_linked).",
    },
    SRC_DAC_ODAGNI: {
        "id": SRC_DAC_ODAGNI,
        "title": "OECD DAC: ODA (official definition, constant 2025 US$) and ODA/GNI (%) by DAC "
        "member, 2000-2025 (processed by the ONE Campaign)",
        "publisher": "OECD Development Assistance Committee, processed by the ONE Campaign",
        "url": "https://github.com/ONEcampaign/oda-dashboard",
        "licence": "OECD Terms and Conditions (free reuse with attribution) for the data; the ONE "
        "repository's code is MIT-licensed",
        "retrieved": "2026-07-31",
        "vintage": f"ONEcampaign/oda-dashboard commit {ONE_DASHBOARD_COMMIT} (2026-07-31), "
        "topic_page/oda_gni_ts.csv (last changed 2026-04-09); 2025 = OECD preliminary data",
        "derivation": "oecd_dac.csv.gz copies the country-donor rows (donor_iso3 non-empty) of "
        "the shared oecd_dac_oda_gni_by_donor_2000_2025.csv: oda_gni_pct -> "
        "oda_gni_pct_published (percent of GNI, rounded to 2 decimals at source), "
        "oda_usd_million_constant_2025 -> oda_usd_million_constant_2025, values copied exactly; "
        "an empty cell gives no observation. The 'DAC countries' and 'EU Institutions' rows "
        "(not countries) are written unchanged to oecd_dac_aggregates.csv.",
    },
    # --- UIS and neighbours (issue 14)
    SRC_UIS: {
        "id": SRC_UIS,
        "title": "UNESCO Institute for Statistics (UIS), SDG 4 education finance: initial "
        "government funding per student by level, % of GDP per capita",
        "publisher": "UNESCO Institute for Statistics, compiled by Gapminder (open-numbers)",
        "url": "https://github.com/open-numbers/ddf--unesco--education",
        "licence": "UIS data CC BY-SA 3.0 IGO (share-alike); Gapminder's compilation CC BY 4.0",
        "retrieved": "2024-10-08",
        "vintage": "UIS September 2024 data release (SDG bulk download, LAST_UPDATE 2024-10-06), "
        f"open-numbers/ddf--unesco--education commit {UIS_DDF_COMMIT} (2024-10-08); years to "
        "2023",
        "derivation": "uis_education.csv.gz keeps the rows of the shared "
        "uis_education_expenditure_per_student_1970_2023.csv.gz with indicator_id "
        "XUNIT.GDPCAP.1.FSGOV.FFNTR -> initial_gov_funding_per_student_primary_pct_gdp_pc and "
        "XUNIT.GDPCAP.2T3.FSGOV.FFNTR -> initial_gov_funding_per_student_secondary_pct_gdp_pc "
        "(percent of GDP per capita), all countries and years, values copied exactly (checked "
        "numerically identical to the source text). The concept ('initial government funding') "
        "differs from WDI's 'government expenditure per student' (SE.XPD.*.PC.ZS, to 2018): the "
        "two are separate indicators and are never spliced.",
    },
}

# --- UN WPP and OGHIST (issue 14)
SOURCES[SRC_WPP] = {
    "id": SRC_WPP,
    "title": "World Population Prospects 2024: total population on 1 July (estimates 1950-2023, "
    "medium-variant projection 2024-2025)",
    "publisher": "United Nations, Department of Economic and Social Affairs, Population Division "
    "(via Gapminder's DDF copy open-numbers/ddf--gapminder--unpop_wpp)",
    "url": "https://population.un.org/wpp/",
    "licence": "CC BY 3.0 IGO (UN WPP data); Gapminder's copy CC BY 4.0",
    "retrieved": "2024-08-08 (date of the source snapshot; the copy was added to shared/data in "
    "December 2026 and its own retrieval date is not recorded)",
    "vintage": "WPP 2024 (released 11 July 2024): estimates to 2023, medium-variant projection "
    f"for 2024 and 2025; open-numbers/ddf--gapminder--unpop_wpp commit {WPP_COMMIT} (2024-08-08)",
    "derivation": "un_wpp_population.csv.gz copies pop_total (female + male, summed in the shared "
    "data) of the shared un_wpp2024_population_1950_2025.csv.gz as population_un_wpp (persons), "
    "every country or area and year 1950-2025; the World row (WLD, an aggregate) is left out. "
    "Years after 2023 are medium-variant projections, not estimates (column wpp_variant of the "
    "shared file; checked).",
}
SOURCES[SRC_OGHIST] = {
    "id": SRC_OGHIST,
    "title": "World Bank historical classification by income (OGHIST, sheet 'Country "
    "Analytical History'), FY89-FY26",
    "publisher": "World Bank (OGHIST.xlsx, as kept in GPID-WB/Class)",
    "url": "https://databank.worldbank.org/data/download/site-content/OGHIST.xlsx",
    "licence": "CC BY 4.0 (World Bank terms of use for datasets)",
    "retrieved": "2025-07-09 (date of the source snapshot; the copy was added to shared/data in "
    "December 2026 and its own retrieval date is not recorded)",
    "vintage": f"OGHIST FY89-FY26 (FY26 published 1 July 2025); GPID-WB/Class commit "
    f"{OGHIST_COMMIT} (2025-07-09), InputData/OGHIST.xlsx",
    "derivation": "wb_income_oghist.csv.gz gives wb_income_group for year Y = the classification "
    "of fiscal year FY(Y+1), in force from 1 July of Y (column calendar_year_effective of the "
    "shared wb_oghist_income_classification_fy1989_fy2026.csv.gz) and so on 31 December of Y; "
    "codes L 1, LM 2 (Yemen's LM* too), UM 3, H 4. '..' or empty (not classified) gives no "
    "observation. Former economies without a current code (ANT, CSK, SUN, YUG, YUGf) are left "
    "out.",
}

#: Attribution text per source, printed in README.md.
ATTRIBUTION = {
    SRC_UNHCR: "Source: UNHCR Refugee Data Finder (https://www.unhcr.org/refugee-statistics/), "
    "`refugees` R package 2025.12.1, licensed CC BY 4.0. Reshaped and aggregated by burdenshare.",
    SRC_UNRWA: "Source: UNRWA, Palestine refugees registered with UNRWA, as published in the UNHCR "
    "Refugee Data Finder (https://www.unhcr.org/refugee-statistics/), `refugees` R package "
    "2025.12.1, licensed CC BY 4.0. Reshaped by burdenshare.",
    SRC_WDI: "Source: World Bank, World Development Indicators (via the datasets/"
    "world-development-indicators mirror, 2026-07-01), licensed CC BY 4.0. Reshaped by "
    "burdenshare.",
    SRC_INCOME: "Source: Gapminder, World Bank income groups (fasttrack concept ilevels4_wb v8, "
    "based on the World Bank historical classification by GNI per capita, Atlas method), "
    "licensed CC BY 4.0. Recoded to integers by burdenshare.",
    SRC_WHO: "Source: WHO Global Health Expenditure Database, domestic general government health "
    "expenditure per person (US$), as compiled by Gapminder (open-numbers/"
    "ddf--gapminder--systema_globalis, datapoints updated 2025-12-08). Gapminder data licensed "
    "CC BY 4.0; WHO's terms of use also apply to the underlying GHED data. Reshaped by "
    "burdenshare.",
    SRC_CEB: "Source: UN System Chief Executives Board for Coordination, Financial Statistics "
    "(UNHCR revenue by contributor), via the open.unfck.org project (un-fck/open.unfck.org, "
    "2026-02-05). Government rows reshaped by burdenshare.",
    SRC_DAC: "Source: OECD, Development Assistance Committee member pages (oecd.org), and the "
    "Governments of Lithuania and Slovenia for their accession years; Finland's accession year "
    "from a third-party page (see dac_membership_transcribed.csv). Transcribed and expanded to "
    "years by burdenshare.",
    SRC_DAC_IDRC: "Source: OECD, DAC1 table (in-donor refugee costs, total ODA and GNI by donor, "
    "2010-2022), OECD Terms and Conditions; as processed by the ONE Campaign "
    "(ONEcampaign/ukraine_oda_tracker, raw data of 2024-01-10). Reshaped by burdenshare.",
    SRC_DAC_ODAGNI: "Source: OECD, ODA and ODA/GNI by DAC member, 2000-2025 (2025 preliminary), "
    "OECD Terms and Conditions; as processed by the ONE Campaign (ONEcampaign/oda-dashboard, "
    "topic_page/oda_gni_ts.csv of 2026-04-09). Reshaped by burdenshare.",
    # --- UIS and neighbours (issue 14)
    SRC_UIS: "Source: UNESCO Institute for Statistics (UIS), SDG 4 database, September 2024 "
    "release, initial government funding per student (% of GDP per capita), as compiled by "
    "Gapminder (open-numbers/ddf--unesco--education). UIS data licensed CC BY-SA 3.0 IGO. "
    "Reshaped by burdenshare.",
}

# --- UN WPP and OGHIST (issue 14)
ATTRIBUTION[SRC_WPP] = (
    "Source: United Nations, Department of Economic and Social Affairs, Population Division "
    "(2024). World Population Prospects 2024 (estimates to 2023, medium-variant projection "
    "2024-2025), licensed CC BY 3.0 IGO; via open-numbers/ddf--gapminder--unpop_wpp. Reshaped by "
    "burdenshare.")
ATTRIBUTION[SRC_OGHIST] = (
    "Source: World Bank, historical classification by income (OGHIST.xlsx, FY89-FY26), licensed "
    "CC BY 4.0; via GPID-WB/Class. Recoded to integers and keyed by the year in which each "
    "classification is in force on 31 December by burdenshare.")
#: OGHIST raw code -> wb_income_group code ("LM*" is Yemen's footnoted LM).
OGHIST_CODES = {"L": 1, "LM": 2, "LM*": 2, "UM": 3, "H": 4}
#: OGHIST economies that no longer exist and have no code burdenshare accepts.
OGHIST_LEFT_OUT = {
    "ANT": "Netherlands Antilles (dissolved 2010)",
    "CSK": "Czechoslovakia (dissolved 1993)",
    "SUN": "USSR (dissolved 1991)",
    "YUG": "Yugoslavia, Socialist Federal Republic (dissolved 1992)",
    "YUGf": "Yugoslavia, Federal Republic (later Serbia and Montenegro)",
}

#: WDI indicator code -> burdenshare indicator name.
WDI_MAP = {
    "SP.POP.TOTL": "population",
    "AG.LND.TOTL.K2": "land_area_km2",
    "AG.SRF.TOTL.K2": "surface_area_km2",
    "NY.GDP.MKTP.CD": "gdp_usd_current",
    "NY.GDP.PCAP.CD": "gdp_per_capita_usd_current",
    "NY.GDP.PCAP.PP.CD": "gdp_ppp_per_capita_intl_current",
    "NY.GNP.ATLS.CD": "gni_atlas_usd_current",
    "NY.GNP.PCAP.CD": "gni_per_capita_atlas_usd_current",
    "SL.UEM.TOTL.ZS": "unemployment_rate",
    "GC.XPN.TOTL.GD.ZS": "gov_expense_pct_gdp",
    "DT.ODA.ODAT.CD": "oda_received_usd_current",
    "SE.XPD.PRIM.PC.ZS": "gov_expenditure_per_student_primary_pct_gdp_pc",
    "SE.XPD.SECO.PC.ZS": "gov_expenditure_per_student_secondary_pct_gdp_pc",
    "SE.PRM.ENRR": "gross_enrolment_ratio_primary",
    "SE.SEC.ENRR": "gross_enrolment_ratio_secondary",
}

#: World Bank income group label -> code (burdenshare.indicators.INCOME_GROUPS, inverted).
INCOME_CODES = {label: code for code, label in INCOME_GROUPS.items()}

#: UNHCR population columns -> indicator names (the column names are already canonical).
UNHCR_POP_MAP = {c: c for c in ["refugees", "asylum_seekers", "oip", "idps", "stateless"]}
#: UNHCR solutions columns -> indicator names.
UNHCR_SOL_MAP = {
    "resettlement_arrivals": "resettlement_arrivals",
    "naturalisations": "naturalisations",
}

#: UNHCR demographics: age bands (female and male) and what each indicator sums. `f_other` /
#: `m_other` (sex known, age unknown) and `total` are in no band.
DEMOG_BANDS = ["0_4", "5_11", "12_17", "18_59", "60"]
DEMOG_MAP = {
    "refugees_aged_5_11": ["f_5_11", "m_5_11"],
    "refugees_aged_12_17": ["f_12_17", "m_12_17"],
    "refugees_with_age": [f"{s}_{b}" for s in ("f", "m") for b in DEMOG_BANDS],
}
#: Key columns on which the demographics rows are unique (shared/data/QUALITY.md).
DEMOG_KEY = ["year", "coo_iso", "coa_iso", "pop_type", "location", "loc_type", "acc_type"]

#: WHO GHED (Gapminder) concept -> indicator name.
WHO_MAP = {"government_health_spending_per_person_us": "gov_health_expenditure_per_capita_usd_current"}

#: CEB revenue type -> indicator name, for government contributors. Any other type stops the script.
CEB_MAP = {
    "Voluntary earmarked": "unhcr_revenue_earmarked_usd_current",
    "Voluntary un-earmarked": "unhcr_revenue_unearmarked_usd_current",
}
#: Total UNHCR revenue per year in US$ million as printed (rounded to 0.1) in
#: shared/data/QUALITY.md section 5; the derivation checks its own totals against them.
CEB_QUALITY_TOTALS_MUSD = {
    2013: "3164.6", 2016: "3973.8", 2019: "4183.1", 2022: "6072.6", 2023: "4707.3", 2024: "4735.8",
}

#: DAC membership: the hand transcription (in this folder) and the last year written.
DAC_TRANSCRIPTION = "dac_membership_transcribed.csv"
DAC_COLUMNS = ["iso3", "name", "joined_year", "source_url", "quote", "left_year", "source_type"]
DAC_SOURCE_TYPES = {"OECD", "government", "third-party"}
DAC_LAST_YEAR = 2025
#: OECD evidence that bounds Finland's accession year (the only year from a third-party page).
DAC_FINLAND_LOWER_BOUND = (
    "The OECD's 1999 review of Finland (https://www.oecd-ilibrary.org/development/development-"
    "co-operation-reviews-finland-1999_9789264172012-en) refers to 'the last DAC Peer Review of "
    "Finland in 1995', so Finland was a member by 1995 at the latest."
)
#: Number of DAC members INCLUDING the European Union (a member since 1961 that is not a country
#: and has no row in the transcription) at the end of a year, as stated by the OECD. The
#: transcription must reproduce each count (countries that are members in the year + 1).
DAC_MEMBER_COUNTS = {
    2012: (24, "inferred from https://www.oecd.org/fr/developpement/the-oecd-welcomes-the-czech-"
           "republic-to-the-development-assistance-committee.htm: the Czech Republic became the "
           "26th member on 14 May 2013 as the second OECD country to join in 2013, after Iceland; "
           "so 24 members before 2013"),
    2016: (30, "https://www.oecd.org/dac/peer-reviews/peer-review-hungary.htm: 'The OECD DAC "
           "welcomes Hungary as its 30th member' (6 December 2016)"),
    2022: (31, "https://ltaid.urm.lt/en/lithuanian-development-cooperation/multilateral-"
           "cooperation/membership-in-oecd/135: Lithuania became 'the 31st member' on 16 November "
           "2022"),
    2023: (32, "https://www.oecd.org/newsroom/estonia-joins-the-oecd-development-assistance-"
           "committee-dac.htm: Estonia became 'the 32nd member' on 4 July 2023"),
    2025: (32, "https://oecd.org/en/about/committees/development-assistance-committee/joining-the-"
           "development-assistance-committee-dac-en.html (undated, current OECD site): 'the DAC "
           "has grown to count 32 DAC members'"),
}

#: Codes that occur in the observations but not in country_codes.csv, with what burdenshare does
#: with them. Any other such code stops the script (a new vintage must be looked at by a human).
CODES_NOT_IN_CODE_TABLE = {
    "UNK": "UNHCR 'unknown' country; burdenshare.countries tags it as entity type 'unknown' "
    "(never ranked or summed with countries)",
    "XKX": "Kosovo (World Bank code, no ISO 3166 code); burdenshare.countries treats it as a "
    "country (World Bank economy without an ISO code)",
    "CHI": "Channel Islands (World Bank economy without an ISO 3166 code); not in "
    "country_codes.csv; burdenshare.countries treats it as a country (World Bank economy "
    "without an ISO code). Beware: `CHI` is also UNHCR's own code for China (ISO `CHN`) in "
    "country_codes.csv's `unhcr_code` column; the `CHI` in wdi.csv.gz is the World Bank's "
    "Channel Islands and must never be converted with the UNHCR-code mapping",
}

#: Expected observation rows per (file, indicator) for the shared data vintage documented in
#: sources.json. The script also recomputes each count independently from the source cells;
#: this table only makes an unnoticed change of vintage or logic fail loudly. Update it (after
#: review) when the shared data are refreshed.
EXPECTED_ROWS = {
    "unhcr_population.csv.gz": {
        "refugees": 7802,
        "asylum_seekers": 7802,
        "oip": 155,
        "idps": 7802,
        "stateless": 7802,
    },
    "unhcr_unrwa.csv.gz": {"unrwa_refugees": 296},
    "unhcr_solutions.csv.gz": {"resettlement_arrivals": 794, "naturalisations": 530},
    "unhcr_asylum_applications.csv.gz": {
        "asylum_applications": 3699,
        "asylum_applications_new": 2752,
        "asylum_applications_cases": 193,
    },
    "wdi.csv.gz": {
        "population": 14292,
        "land_area_km2": 12349,
        "surface_area_km2": 13434,
        "gdp_usd_current": 11762,
        "gdp_per_capita_usd_current": 11762,
        "gdp_ppp_per_capita_intl_current": 6831,
        "gni_atlas_usd_current": 10617,
        "gni_per_capita_atlas_usd_current": 10617,
        "unemployment_rate": 6531,
        "gov_expense_pct_gdp": 4452,
        "oda_received_usd_current": 8907,
        "gov_expenditure_per_student_primary_pct_gdp_pc": 1602,
        "gov_expenditure_per_student_secondary_pct_gdp_pc": 1442,
        "gross_enrolment_ratio_primary": 7495,
        "gross_enrolment_ratio_secondary": 6280,
    },
    "wb_income_groups.csv.gz": {"wb_income_group_gni_year": 7486},
    # --- UN WPP and OGHIST (issue 14)
    "un_wpp_population.csv.gz": {"population_un_wpp": 17936},
    "wb_income_oghist.csv.gz": {"wb_income_group": 7833},
    "unhcr_demographics.csv.gz": {
        "refugees_aged_5_11": 167,
        "refugees_aged_12_17": 167,
        "refugees_with_age": 167,
    },
    "who_ghed.csv.gz": {"gov_health_expenditure_per_capita_usd_current": 4382},
    "unhcr_revenue.csv.gz": {
        "unhcr_revenue_earmarked_usd_current": 716,
        "unhcr_revenue_unearmarked_usd_current": 535,
    },
    "dac_membership.csv.gz": {"dac_member": 1344},
    "unhcr_origin.csv.gz": {"refugees_by_origin": 35276, "refugees_from_origin": 7611,
                            "oip_by_origin": 119},
    "uis_education.csv.gz": {  # issue 14
        "initial_gov_funding_per_student_primary_pct_gdp_pc": 1939,
        "initial_gov_funding_per_student_secondary_pct_gdp_pc": 1783,
    },
    "oecd_dac.csv.gz": {
        "idrc_usd_million_current": 343,
        "oda_usd_million_current": 390,
        "gni_usd_million_current": 390,
        "oda_gni_pct_published": 830,
        "oda_usd_million_constant_2025": 839,
    },
}


class DerivationError(RuntimeError):
    """An invariant of the derivation does not hold; nothing after it is written."""


def require(condition: bool, message: str) -> None:
    """Fail loudly (not with ``assert``, which ``python -O`` would skip)."""
    if not condition:
        raise DerivationError(message)


# --------------------------------------------------------------------------------------------
# Bookkeeping: every output records its inputs and derivation steps for README.md
# --------------------------------------------------------------------------------------------


@dataclass
class Output:
    name: str
    kind: str  # "observations" or "reference"
    sources: list[str]
    inputs: list[str]
    steps: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None  # observations as written (for the README statistics)
    rows: int = 0
    sha256: str = ""
    sha256_csv: str = ""  # sha256 of the uncompressed CSV text (independent of zlib)
    size: int = 0

    def step(self, text: str) -> None:
        self.steps.append(text)


OUTPUTS: list[Output] = []
NOTES: list[str] = []  # data surprises found while deriving (printed in README.md)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


# --------------------------------------------------------------------------------------------
# Checks and writers
# --------------------------------------------------------------------------------------------


def check_vocabulary() -> None:
    """The vocabulary still has what this script writes in a fixed form (dac_member = 1)."""
    require(
        dict(VOCABULARY["dac_member"].categories) == {1: "DAC member"},
        "categories of dac_member in indicators.py changed (derive.py writes the code 1 only)",
    )


def format_value(v: float) -> str:
    """Full-precision text of a float64: Python's shortest round-trip repr (e.g. ``2940735.0``)."""
    return repr(float(v))


def observations(iso3, year, indicator, value, source: str,
                 counterpart=None) -> pd.DataFrame:
    """Assemble an observation frame in the fixed column order (counterpart empty unless given).

    ``indicator`` is one name for every row, or one name per row (several indicators in one
    frame); each row's unit is its indicator's canonical unit.
    """
    n = len(iso3)
    cp = [""] * n if counterpart is None else np.asarray(counterpart, dtype=object)
    names = [indicator] * n if isinstance(indicator, str) else list(indicator)
    return pd.DataFrame(
        {
            "iso3": pd.Series(np.asarray(iso3, dtype=object), dtype="str"),
            "year": pd.Series(np.asarray(year), dtype="int64"),
            "indicator": pd.Series(names, dtype="str"),
            "value": pd.Series(np.asarray(value, dtype="float64"), dtype="float64"),
            "unit": pd.Series([VOCABULARY[i].unit for i in names], dtype="str"),
            "source": pd.Series([source] * n, dtype="str"),
            "counterpart_iso3": pd.Series(cp, dtype="str"),
        }
    )


def validate_observations(df: pd.DataFrame, name: str) -> None:
    """Every invariant an observation file must satisfy."""
    require(list(df.columns) == COLUMNS, f"{name}: columns {list(df.columns)} != {COLUMNS}")
    require(len(df) > 0, f"{name}: no rows")
    bad_iso3 = sorted(set(df["iso3"][~df["iso3"].str.fullmatch(r"[A-Z]{3}")]))
    require(not bad_iso3, f"{name}: iso3 not three upper-case letters: {bad_iso3}")
    require(df["year"].between(1900, 2100).all(), f"{name}: year outside 1900-2100")
    unknown = sorted(set(df["indicator"]) - set(VOCABULARY))
    require(not unknown, f"{name}: indicators not in the vocabulary: {unknown}")
    units = {i: VOCABULARY[i].unit for i in set(df["indicator"])}
    require((df["unit"] == df["indicator"].map(units)).all(), f"{name}: unit differs from vocabulary")
    require(df["source"].isin(list(SOURCES)).all(), f"{name}: unknown source id")
    dyadic = df["indicator"].isin(DYADIC).to_numpy()
    require((df["counterpart_iso3"][~dyadic] == "").all(),
            f"{name}: counterpart_iso3 must be empty for non-dyadic indicators")
    require(bool(df["counterpart_iso3"][dyadic].str.fullmatch(r"[A-Z]{3}").all()),
            f"{name}: dyadic rows need a three-letter counterpart_iso3")
    values = df["value"].to_numpy(dtype="float64")
    # no missing values are written at all (empty source cells produce no row), and all finite
    require(bool(np.isfinite(values).all()), f"{name}: non-finite or missing value")
    negative = (values < 0) & ~df["indicator"].isin(MAY_BE_NEGATIVE).to_numpy()
    require(
        not negative.any(), f"{name}: negative values in {sorted(set(df['indicator'][negative]))}"
    )
    dup = df.duplicated(KEY, keep=False)
    require(not dup.any(), f"{name}: duplicate keys, e.g. {df[dup].head(4).to_dict('records')}")


def check_unhcr_counts(df: pd.DataFrame, name: str) -> None:
    """UNHCR counts are whole numbers, exactly representable, and never 1-4 (masking)."""
    v = df["value"].to_numpy(dtype="float64")
    require(bool((v == np.round(v)).all()), f"{name}: UNHCR count that is not a whole number")
    require(bool((np.abs(v) < 2**53).all()), f"{name}: count too large for exact float64")
    masked = (v > 0) & (v < 5)
    require(not masked.any(), f"{name}: value between 1 and 4 found (README claims none)")


def check_row_counts(out: Output, df: pd.DataFrame, recomputed: dict[str, int]) -> None:
    """Rows per indicator equal the independent recomputation and the pinned expectation."""
    got = df["indicator"].value_counts().to_dict()
    require(got == recomputed, f"{out.name}: rows per indicator {got} != recomputed {recomputed}")
    pinned = EXPECTED_ROWS.get(out.name)
    if pinned is not None:
        require(
            got == pinned,
            f"{out.name}: rows per indicator {got} != pinned {pinned} "
            "(shared data vintage changed? review, then update EXPECTED_ROWS)",
        )


def csv_text(df: pd.DataFrame) -> str:
    """Deterministic CSV text: fixed columns, '\\n' line ends, values via repr(float)."""
    text_frame = df.copy()
    text_frame["value"] = [format_value(v) for v in df["value"].to_numpy(dtype="float64")]
    return text_frame.to_csv(index=False, lineterminator="\n")


def write_bytes(path: Path, text: str) -> bytes:
    """Write UTF-8 text, gzip-compressed with mtime=0 and no file name if the path ends in .gz."""
    raw = text.encode("utf-8")
    if path.suffix == ".gz":
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(raw)
        data = buf.getvalue()
    else:
        data = raw
    path.write_bytes(data)
    return raw


def write_observations(out: Output, df: pd.DataFrame, outdir: Path) -> None:
    """Validate, sort, write, re-read and compare one observation file."""
    validate_observations(df, out.name)
    # sort rows by iso3, year, indicator, source (plus counterpart: the key is unique)
    df = df.sort_values([*SORT, "counterpart_iso3"], kind="mergesort").reset_index(drop=True)
    out.step(
        "Rows sorted by iso3, year, indicator, source; columns in the fixed order "
        "`" + ",".join(COLUMNS) + "`; values written as Python `repr(float)` (full precision, "
        "e.g. `2940735.0`); UTF-8, `\\n` line endings"
        + ("; gzip with mtime 0." if out.name.endswith(".gz") else ".")
    )
    path = outdir / out.name
    raw = write_bytes(path, csv_text(df))
    # read the file back exactly as a user would and compare with what was meant to be written
    back = pd.read_csv(
        path,
        dtype={"iso3": str, "indicator": str, "unit": str, "source": str, "counterpart_iso3": str},
        **READ,
    )
    require(list(back.columns) == COLUMNS, f"{out.name}: header changed on re-read")
    require(len(back) == len(df), f"{out.name}: row count changed on re-read")
    require(
        bool((back["value"].to_numpy() == df["value"].to_numpy()).all()),
        f"{out.name}: values changed on re-read",
    )
    for col in ["iso3", "indicator", "unit", "source"]:
        require(
            bool((back[col].to_numpy() == df[col].to_numpy()).all()), f"{out.name}: {col} changed"
        )
    require(
        bool((back["year"].to_numpy() == df["year"].to_numpy()).all()), f"{out.name}: year changed"
    )
    require(
        bool((back["counterpart_iso3"].fillna("").to_numpy() == df["counterpart_iso3"].to_numpy())
             .all()), f"{out.name}: counterpart changed on re-read"
    )
    out.frame, out.rows = df, len(df)
    out.sha256, out.sha256_csv, out.size = sha256_file(path), sha256_bytes(raw), path.stat().st_size
    print(f"{out.name}: {len(df)} rows, {out.size} bytes")


# --------------------------------------------------------------------------------------------
# Derivations (one function per output file)
# --------------------------------------------------------------------------------------------


def input_path(shared: Path, name: str) -> Path:
    """Where an input file lives: this folder for hand transcriptions, else the shared data."""
    return (HERE if name in LOCAL_INPUTS else shared) / name


def read_csv(shared: Path, name: str, **kwargs) -> pd.DataFrame:
    path = input_path(shared, name)
    require(path.is_file(), f"input {path} not found (use --shared PATH)")
    return pd.read_csv(path, **READ, **kwargs)


def parse_exact(text, name: str) -> tuple[np.ndarray, int]:
    """Parse source value texts as float64; every written repr must equal the text numerically.

    Returns the values and how many of them are spelled differently when written (e.g. ``180``
    -> ``180.0``).
    """
    text = list(text)
    values = np.array([float(t) for t in text], dtype="float64")
    exact = [Decimal(t) == Decimal(repr(float(v))) for t, v in zip(text, values)]
    require(all(exact), f"{name}: {exact.count(False)} values not exactly representable as written")
    changed = sum(1 for t, v in zip(text, values) if repr(float(v)) != t)
    return values, changed


def write_reference(out: Output, text: str, outdir: Path, rows: int) -> None:
    """Write a reference (non-observation) CSV and record its size and checksums."""
    path = outdir / out.name
    raw = write_bytes(path, text)
    out.rows, out.sha256, out.sha256_csv = rows, sha256_file(path), sha256_bytes(raw)
    out.size = path.stat().st_size
    OUTPUTS.append(out)
    print(f"{out.name}: {rows} rows (reference)")


def nonempty_counts(raw: pd.DataFrame, columns: dict[str, str]) -> dict[str, int]:
    """Number of non-empty source cells per column (recomputed from the text, for checks)."""
    counts = {columns[c]: int(raw[c].notna().sum()) for c in columns}
    return {k: v for k, v in counts.items() if v > 0}


def melt_nonempty(df: pd.DataFrame, columns: dict[str, str], source: str) -> pd.DataFrame:
    """Wide country-year table -> observations, one per NON-EMPTY cell (empty = no row)."""
    frames = []
    for col, indicator in columns.items():
        keep = df[col].notna()
        part = df.loc[keep]
        frames.append(observations(part["iso3"], part["year"], indicator, part[col], source))
    return pd.concat(frames, ignore_index=True)


def derive_unhcr_population(shared: Path, outdir: Path) -> None:
    name = "unhcr_population_by_asylum_year.csv"
    out = Output("unhcr_population.csv.gz", "observations", [SRC_UNHCR], [name])
    # 1. read the country-of-asylum x year stock table
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` with `keep_default_na=False, na_values=['']` ({len(src)} rows; one row "
        "per country of asylum and year, already summed over origins in the shared data)."
    )
    # 2. the table must be unique on (iso3, year), otherwise melting would create duplicate keys
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    out.step("Checked that (iso3, year) is unique in the source (no de-duplication needed).")
    # 3. keep the five stock columns; each non-empty cell becomes one observation
    out.step(
        "Took columns `refugees`, `asylum_seekers`, `oip`, `idps`, `stateless` as indicators "
        "of the same names (unit `persons`); one observation per non-empty cell. `oip` is empty "
        "before 2018 and for most countries: those cells produce no observation (they are NOT "
        "zeros). Zeros in the other columns are real zeros in the source and are kept."
    )
    require(
        bool(src.loc[src["year"] < 2018, "oip"].isna().all()),
        f"{name}: oip has values before 2018 (README says it is empty before 2018)",
    )
    obs = melt_nonempty(src, UNHCR_POP_MAP, SRC_UNHCR)
    # 4. UNK (unknown country of asylum) rows are kept as they are
    n_unk = int((obs["iso3"] == "UNK").sum())
    out.step(
        f"Rows with iso3 `UNK` (unknown country of asylum) kept unchanged ({n_unk} observations); "
        "burdenshare tags them as non-countries."
    )
    # 5. checks
    raw = pd.read_csv(shared / name, dtype=str, **READ)
    check_row_counts(out, obs, nonempty_counts(raw, UNHCR_POP_MAP))
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = non-empty source cells; all values whole numbers, none "
        "between 1 and 4; no duplicate keys; all values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_origin(shared: Path, outdir: Path) -> None:
    dyad_name = "unhcr_population_origin_asylum_year.csv.gz"
    orig_name = "unhcr_population_by_origin_year.csv"
    out = Output("unhcr_origin.csv.gz", "observations", [SRC_UNHCR], [dyad_name, orig_name])
    # 1. origin x asylum stocks in the base years (the shares of a shift-share instrument)
    dy = read_csv(shared, dyad_name)
    out.step(
        f"Read `{dyad_name}` with `keep_default_na=False, na_values=['']` ({len(dy)} rows; one "
        "row per origin (`coo_iso`), country of asylum (`coa_iso`) and year)."
    )
    require(not dy.duplicated(["coo_iso", "coa_iso", "year"]).any(),
            f"{dyad_name}: duplicate (coo_iso, coa_iso, year)")
    base = dy[dy["year"].isin(ORIGIN_BASE_YEARS) & dy["refugees"].notna()]
    # origin groups without any code burdenshare accepts (TIB "Tibetan") cannot be loaded
    n_grp = {c: int((base["coo_iso"] == c).sum()) for c in ORIGIN_GROUPS_LEFT_OUT}
    base = base[~base["coo_iso"].isin(list(ORIGIN_GROUPS_LEFT_OUT))]
    out.step(
        "Left out origin groups that have no ISO, World Bank or burdenshare code: "
        + "; ".join(f"`{c}` ({why}): {n_grp[c]} base-year rows" for c, why in
                    ORIGIN_GROUPS_LEFT_OUT.items())
        + ". They are not countries, so a shift-share instrument over countries of origin would "
        "not use them either."
    )
    dyad = observations(base["coa_iso"], base["year"], "refugees_by_origin", base["refugees"],
                        SRC_UNHCR, counterpart=base["coo_iso"])
    out.step(
        "Kept the base years " + ", ".join(map(str, ORIGIN_BASE_YEARS)) + " only (the sample "
        "stays small; a shift-share instrument needs origin shares in one base year) and the "
        "non-empty `refugees` cells; each becomes `refugees_by_origin` with iso3 = `coa_iso` "
        "(country of asylum) and counterpart_iso3 = `coo_iso` (origin). Zeros (pairs with "
        "asylum-seekers or others but no refugees) are real zeros and kept."
    )
    # 1b. recent years (issue 14): the positive refugee and OIP cells of ORIGIN_RECENT_YEARS,
    # for methods that need the dyads of the year itself (share hosted in neighbouring countries)
    recent = dy[dy["year"].isin(ORIGIN_RECENT_YEARS)]
    n_rec_grp = int(recent["coo_iso"].isin(list(ORIGIN_GROUPS_LEFT_OUT)).sum())
    recent = recent[~recent["coo_iso"].isin(list(ORIGIN_GROUPS_LEFT_OUT))]
    rec_ref = recent[recent["refugees"].notna() & (recent["refugees"] > 0)]
    rec_oip = recent[recent["oip"].notna() & (recent["oip"] > 0)]
    dyad_recent = observations(rec_ref["coa_iso"], rec_ref["year"], "refugees_by_origin",
                               rec_ref["refugees"], SRC_UNHCR, counterpart=rec_ref["coo_iso"])
    oip_recent = observations(rec_oip["coa_iso"], rec_oip["year"], "oip_by_origin",
                              rec_oip["oip"], SRC_UNHCR, counterpart=rec_oip["coo_iso"])
    n_zero_ref = int((recent["refugees"] == 0).sum())
    grp_people = {int(y): int(g["refugees"].sum()) for y, g in
                  dy[dy["year"].isin(ORIGIN_RECENT_YEARS)
                     & dy["coo_iso"].isin(list(ORIGIN_GROUPS_LEFT_OUT))].groupby("year")}
    out.step(
        "Recent years " + ", ".join(map(str, ORIGIN_RECENT_YEARS)) + " (issue 14: the share "
        "hosted in neighbouring countries needs the dyads of the year itself): kept the "
        f"POSITIVE `refugees` cells as `refugees_by_origin` ({len(rec_ref)} rows) and the positive "
        f"`oip` cells as `oip_by_origin` ({len(rec_oip)} rows; iso3 = `coa_iso`, counterpart = "
        f"`coo_iso`). The {n_zero_ref} zero refugee cells of these years (pairs with "
        "asylum-seekers or others but no refugees) are not written: a zero adds nothing to any "
        "sum and the file stays small (the base years keep theirs). Left out as in the base "
        f"years: {n_rec_grp} rows of origin group `TIB` (refugees per year: "
        + ", ".join(f"{y}: {v:,}" for y, v in sorted(grp_people.items())) + ")."
    )
    # the kept recent refugee cells plus the left-out groups equal the origin totals exactly
    org_chk = read_csv(shared, orig_name)
    tot_recent = org_chk[org_chk["year"].isin(ORIGIN_RECENT_YEARS)].groupby("year")["refugees"].sum()
    kept = rec_ref.groupby("year")["refugees"].sum()
    for y in ORIGIN_RECENT_YEARS:
        require(int(kept.get(y, 0)) + grp_people.get(y, 0) == int(tot_recent.get(y, 0)),
                f"{dyad_name}: recent-year refugees {y} do not add up to {orig_name}")
    out.step(
        "Checked: for every recent year, the kept `refugees_by_origin` cells plus the left-out "
        f"origin groups sum exactly to the world total of `{orig_name}`."
    )
    # 2. refugees by origin summed over asylum countries, all years (the shifts)
    org = read_csv(shared, orig_name)
    require(not org.duplicated(["iso3", "year"]).any(), f"{orig_name}: duplicate (iso3, year)")
    n_org_grp = int(org["iso3"].isin(list(ORIGIN_GROUPS_LEFT_OUT)).sum())
    org = org[org["refugees"].notna() & ~org["iso3"].isin(list(ORIGIN_GROUPS_LEFT_OUT))]
    tot = observations(org["iso3"], org["year"], "refugees_from_origin", org["refugees"], SRC_UNHCR)
    out.step(
        f"Read `{orig_name}` (one row per country of origin and year, already summed over "
        "countries of asylum in the shared data); each non-empty `refugees` cell becomes "
        "`refugees_from_origin` with iso3 = the country of ORIGIN; all years kept, except the "
        f"{n_org_grp} rows of the origin groups left out above."
    )
    # 3. the two tables agree: base-year dyads summed over asylum = origin totals
    sums = base.groupby(["coo_iso", "year"])["refugees"].sum()
    totals = org.set_index(["iso3", "year"])["refugees"]
    common = sums.index.intersection(totals.index)
    diff = (sums[common] - totals[common]).abs()
    require(len(common) > 0 and bool((diff == 0).all()),
            f"{dyad_name} summed over asylum != {orig_name} in base years ({int((diff > 0).sum())})")
    out.step(
        f"Checked: in every base year the dyadic stocks summed over countries of asylum equal "
        f"`{orig_name}` exactly, for all {len(common)} origin-years present in both."
    )
    obs = pd.concat([dyad, tot, dyad_recent, oip_recent], ignore_index=True)
    check_row_counts(out, obs, {"refugees_by_origin": len(base) + len(rec_ref),
                                "refugees_from_origin": len(org),
                                "oip_by_origin": len(rec_oip)})
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = non-empty source cells; whole numbers, none between 1 and "
        "4; no duplicate keys; values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_unrwa(shared: Path, outdir: Path) -> None:
    name = "unhcr_unrwa_palestine_refugees.csv"
    out = Output("unhcr_unrwa.csv.gz", "observations", [SRC_UNRWA], [name])
    # 1. read the UNRWA table (origin x field of operation x year)
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` ({len(src)} rows: origin x UNRWA field of operation (`coa_iso`) x year)."
    )
    # 2. the origin is always Palestine, so there is no origin dimension to sum over
    origins = sorted(set(src["coo_iso"]))
    require(origins == ["PSE"], f"{name}: origins {origins}, expected only PSE")
    require(src["total"].notna().all(), f"{name}: empty total")
    per_key = src.groupby(["coa_iso", "year"]).size()
    require(int(per_key.max()) == 1, f"{name}: several rows per coa_iso x year")
    out.step(
        "Checked: origin (`coo_iso`) is always `PSE`, `total` is never empty, and there is exactly "
        "one row per `coa_iso` x year, so the sum by `coa_iso` x year is a one-to-one copy."
    )
    # 3. sum by field of operation and year (a copy here, see step 2); min_count=1: no invented 0
    agg = src.groupby(["coa_iso", "year"], as_index=False)["total"].sum(min_count=1)
    require(int(agg["total"].sum()) == int(src["total"].sum()), f"{name}: total changed by the sum")
    obs = observations(agg["coa_iso"], agg["year"], "unrwa_refugees", agg["total"], SRC_UNRWA)
    out.step(
        "`total` summed by `coa_iso` x year into indicator `unrwa_refugees` (unit `persons`); "
        "grand total checked unchanged."
    )
    # 4. note the unknown-field row
    unk = src[src["coa_iso"] == "UNK"]
    if len(unk):
        out.step(
            f"Kept {len(unk)} row(s) with `coa_iso` `UNK` (field of operation unknown): "
            + ", ".join(f"{r.year}: {int(r.total):,}" for r in unk.itertuples())
            + ". They are not part of any field's count."
        )
        NOTES.append(
            "UNRWA: the source has a row with unknown field of operation (`UNK`) for "
            + ", ".join(f"{r.year} ({int(r.total):,} persons)" for r in unk.itertuples())
            + "; it is kept as an `UNK` observation, so per-field counts for those years "
            "exclude it."
        )
        # how much each field changed from the previous year (the UNK row is not attributed)
        for r in unk.itertuples():
            prev = src[(src["year"] == r.year - 1) & (src["coa_iso"] != "UNK")].set_index(
                "coa_iso"
            )["total"]
            cur = src[(src["year"] == r.year) & (src["coa_iso"] != "UNK")].set_index("coa_iso")[
                "total"
            ]
            change = ", ".join(
                f"{c} {int(prev[c]):,} → {int(cur[c]):,}"
                for c in sorted(set(prev.index) & set(cur.index))
            )
            NOTES.append(
                f"UNRWA {r.year - 1} → {r.year} by field: {change}; total "
                f"{int(prev.sum()):,} → {int(cur.sum()) + int(r.total):,} including `UNK`. "
                f"Part of the {r.year} total is not attributed to a field, so per-field {r.year} "
                "values may not be comparable with earlier years."
            )
    missing_first = {c: int(g["year"].min()) for c, g in src.groupby("coa_iso") if c != "UNK"}
    if len(set(missing_first.values())) > 1:
        NOTES.append(
            "UNRWA: first year differs by field of operation: "
            + ", ".join(f"{c} {y}" for c, y in sorted(missing_first.items()))
            + " (no value is filled for the missing years)."
        )
    # 5. checks
    check_row_counts(out, obs, {"unrwa_refugees": len(src)})
    check_unhcr_counts(obs, out.name)
    out.step("Checked: rows = source rows; whole numbers; no duplicate keys; all values finite.")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_solutions(shared: Path, outdir: Path) -> None:
    name = "unhcr_resettlement_naturalisation_by_destination_year.csv"
    out = Output("unhcr_solutions.csv.gz", "observations", [SRC_UNHCR], [name])
    # 1. read the destination x year solutions table
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` ({len(src)} rows; destination country x year, already summed over "
        "origins in the shared data)."
    )
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    out.step("Checked that (iso3, year) is unique in the source.")
    # 2. one observation per non-empty cell
    obs = melt_nonempty(src, UNHCR_SOL_MAP, SRC_UNHCR)
    out.step(
        "Columns `resettlement_arrivals` and `naturalisations` became indicators of the same names "
        "(unit `persons`, flows during the year); one observation per NON-EMPTY cell "
        f"(empty cells: {int(src['resettlement_arrivals'].isna().sum())} resettlement, "
        f"{int(src['naturalisations'].isna().sum())} naturalisation — no observation, not zero)."
    )
    # 3. checks
    raw = pd.read_csv(shared / name, dtype=str, **READ)
    check_row_counts(out, obs, nonempty_counts(raw, UNHCR_SOL_MAP))
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = non-empty source cells; whole numbers, none between 1 "
        "and 4; no duplicate keys; all values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_asylum_applications(shared: Path, outdir: Path) -> None:
    name = "unhcr_asylum_applications.csv.gz"
    out = Output("unhcr_asylum_applications.csv.gz", "observations", [SRC_UNHCR], [name])
    # 1. read; `NA` is a real app_type / dec_level code, so only empty cells are missing
    src = read_csv(
        shared,
        name,
        dtype={
            "app_type": str,
            "dec_level": str,
            "app_pc": str,
            "procedure_type": str,
            "coa_iso": str,
        },
    )
    out.step(
        f"Read `{name}` ({len(src)} rows: origin x asylum x procedure type x application type x "
        "decision level x persons/cases x year) with `keep_default_na=False` so that the code "
        "`NA` survives."
    )
    require(src["applied"].notna().all(), f"{name}: empty `applied` cell")
    require(src["coa_iso"].notna().all(), f"{name}: empty coa_iso")
    procedures = sorted(set(src["procedure_type"]))
    require(procedures == ["G", "J", "U"], f"{name}: procedure types {procedures}")
    labels = sorted(set(src["app_pc"]))
    require(labels == ["C", "P"], f"{name}: app_pc labels {labels}, expected C and P")
    out.step("Checked: `applied` is never empty; `app_pc` is only `P` (persons) or `C` (cases).")
    # 2. sum over origins, procedure types, application types and decision levels, separately for
    #    persons and cases (never P + C)
    frames, recomputed = [], {}
    for pc, indicator in [("P", "asylum_applications"), ("C", "asylum_applications_cases")]:
        part = src[src["app_pc"] == pc]
        agg = part.groupby(["coa_iso", "year"], as_index=False)["applied"].sum(min_count=1)
        require(
            int(agg["applied"].sum()) == int(part["applied"].sum()), f"{name}: {pc} total changed"
        )
        frames.append(
            observations(agg["coa_iso"], agg["year"], indicator, agg["applied"], SRC_UNHCR)
        )
        recomputed[indicator] = int(part[["coa_iso", "year"]].drop_duplicates().shape[0])
    # new applications only (persons): app_type "N"; coded inconsistently across countries
    new = src[(src["app_pc"] == "P") & (src["app_type"] == "N")]
    agg = new.groupby(["coa_iso", "year"], as_index=False)["applied"].sum(min_count=1)
    require(int(agg["applied"].sum()) == int(new["applied"].sum()), f"{name}: N total changed")
    frames.append(observations(agg["coa_iso"], agg["year"], "asylum_applications_new",
                               agg["applied"], SRC_UNHCR))
    recomputed["asylum_applications_new"] = int(new[["coa_iso", "year"]].drop_duplicates().shape[0])
    obs = pd.concat(frames, ignore_index=True)
    out.step(
        "Rows with `app_pc == 'P'` and `app_type == 'N'` (new applications) summed the same way "
        "into `asylum_applications_new` (persons). UNHCR codes application types inconsistently "
        "(e.g. Austria 2010-2013 uses NR/NA, Romania 2010-2012 NR/R), so some country-years have "
        "no such observation: none is invented."
    )
    out.step(
        "Rows with `app_pc == 'P'` summed by `coa_iso` x year over all origins, procedure types "
        "(G, U, J), application types and decision levels into `asylum_applications` (unit "
        "`persons`); rows with `app_pc == 'C'` likewise into `asylum_applications_cases` (unit "
        "`cases`). Persons and cases are never added together; grand totals checked unchanged."
    )
    both = obs.groupby(["iso3", "year"])["indicator"].nunique()
    n_both = int((both > 1).sum())
    out.step(
        f"{n_both} country-years have both a persons and a cases observation (countries reporting "
        "part of their applications in cases); both are kept, side by side."
    )
    out.step(
        "Caveat: the sum includes all application types (new, repeat, appeal, ...), as UNHCR "
        "codes `app_type` inconsistently across countries and years; a person who applies and "
        "appeals in the same year can be counted twice."
    )
    # 3. checks
    check_row_counts(out, obs, recomputed)
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = distinct (coa_iso, year) per P/C; whole numbers, none "
        "between 1 and 4; no duplicate keys; all values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


# --- UIS and neighbours (issue 14)
#: UIS indicator id -> indicator name (initial government funding per student, % of GDP pc).
UIS_MAP = {
    "XUNIT.GDPCAP.1.FSGOV.FFNTR": "initial_gov_funding_per_student_primary_pct_gdp_pc",
    "XUNIT.GDPCAP.2T3.FSGOV.FFNTR": "initial_gov_funding_per_student_secondary_pct_gdp_pc",
}


def derive_uis(shared: Path, outdir: Path) -> None:
    """UIS initial government funding per student (primary, secondary), % of GDP per capita."""
    name = "uis_education_expenditure_per_student_1970_2023.csv.gz"
    out = Output("uis_education.csv.gz", "observations", [SRC_UIS], [name])
    # 1. read as text, so the written values can be compared with the source digits
    src = read_csv(shared, name, dtype=str)
    out.step(
        f"Read `{name}` as text ({len(src)} rows: UIS indicator x country x year; provenance "
        "in `shared/data/_provenance/added_2026_12/`)."
    )
    require(not src.duplicated(["indicator_id", "iso3", "year"]).any(), f"{name}: duplicate keys")
    require(src["value"].notna().all(), f"{name}: empty value cell")
    # 2. the two per-student series the education estimator uses, renamed
    part = src[src["indicator_id"].isin(list(UIS_MAP))].copy()
    values, changed = parse_exact(part["value"].to_numpy(dtype=object), name)
    out.step(
        "Kept indicator ids " + ", ".join(f"`{c}`→`{n}`" for c, n in UIS_MAP.items())
        + " (unit `percent of GDP per capita`), all countries and years; the other UIS series "
        "(pre-primary, lower/upper secondary, tertiary, constant PPP$, % of GDP) are not needed "
        f"by any method and stay in the shared data. Parsed as float64; all {len(part)} written "
        f"values are numerically identical to the source text ({changed} differ in spelling only)."
    )
    require(bool((values >= 0).all()), f"{name}: negative per-student funding")
    indicators = part["indicator_id"].map(UIS_MAP).to_numpy(dtype=object)
    obs = observations(part["iso3"].to_numpy(dtype=object),
                       part["year"].astype("int64").to_numpy(), indicators, values, SRC_UIS)
    out.step(
        "Concept: UIS 'initial government funding per student' (FFNTR), not WDI's 'government "
        "expenditure per student' (`SE.XPD.PRIM/SECO.PC.ZS`, which ends in 2018): separate "
        "indicators, never spliced (median difference 1.7 % on the 1997-2018 overlap, see "
        "`methodology/data_education_neighbours.md`)."
    )
    recomputed = {UIS_MAP[c]: int(n) for c, n in part["indicator_id"].value_counts().items()}
    check_row_counts(out, obs, recomputed)
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_wdi(shared: Path, outdir: Path) -> None:
    name = "wdi_country_year_long.csv.gz"
    out = Output("wdi.csv.gz", "observations", [SRC_WDI], [name])
    agg_out = Output("wb_aggregates.csv", "reference", [SRC_WDI], [name])
    # 1. read as text, so the source digits can be compared with what is written
    src = read_csv(shared, name, dtype=str)
    out.step(
        f"Read `{name}` as text ({len(src)} rows, 30 WDI indicator codes, economies and World "
        "Bank aggregates)."
    )
    flags = sorted(set(src["is_aggregate"]))
    require(flags == ["False", "True"], f"{name}: is_aggregate values {flags}")
    require(src["value"].notna().all(), f"{name}: empty value cell")
    require(not src.duplicated(["indicator_code", "iso3", "year"]).any(), f"{name}: duplicate keys")
    is_agg = src["is_aggregate"] == "True"
    both = sorted(set(src.loc[is_agg, "iso3"]) & set(src.loc[~is_agg, "iso3"]))
    require(not both, f"{name}: codes flagged both aggregate and economy: {both}")
    out.step(
        "Checked: `is_aggregate` is only True/False and constant per code; `value` is never "
        "empty; (indicator_code, iso3, year) is unique."
    )
    # 2. aggregates (regions, income groups, ...) -> reference table, not observations
    aggs = src.loc[is_agg, ["iso3", "country_name"]].drop_duplicates()
    require(not aggs["iso3"].duplicated().any(), f"{name}: an aggregate code has several names")
    aggs = aggs.rename(columns={"iso3": "code", "country_name": "name"}).sort_values("code")
    agg_out.step(
        f"From `{name}`: distinct (`iso3`, `country_name`) of all rows with `is_aggregate == "
        f"True`, over all 30 indicator codes; renamed to `code,name`; one name per code "
        f"(checked); sorted by code; {len(aggs)} codes."
    )
    # 3. economies only, the mapped indicator codes (WDI_MAP), renamed to burdenshare names
    keep = ~is_agg & src["indicator_code"].isin(list(WDI_MAP))
    part = src.loc[keep].copy()
    out.step(
        "Kept rows with `is_aggregate == False` (economies; aggregates go to `wb_aggregates.csv`) "
        "and indicator codes "
        + ", ".join(f"`{c}`→`{n}`" for c, n in WDI_MAP.items())
        + "; units from burdenshare's vocabulary. All years kept."
    )
    # 4. values: float64 parse; the written repr must be numerically identical to the source text
    text = part["value"].to_numpy(dtype=object)
    values, changed_text = parse_exact(text, name)
    out.step(
        f"Parsed values as float64 and checked for ALL {len(text)} values that the written text "
        "`repr(float(value))` is numerically identical to the source text (no value has more "
        "significant digits than float64 keeps); "
        f"{changed_text} values differ only in spelling (e.g. source `180` → `180.0`, "
        "`4.03937199083242E-06` → `4.03937199083242e-06`)."
    )
    # one indicator name and unit per row (several indicators in one frame)
    indicators = part["indicator_code"].map(WDI_MAP).to_numpy(dtype=object)
    obs = observations(part["iso3"].to_numpy(dtype=object),
                       part["year"].astype("int64").to_numpy(), indicators, values, SRC_WDI)
    negative = obs.loc[obs["value"] < 0, "indicator"].value_counts().to_dict()
    require(
        set(negative) <= {"oda_received_usd_current"}, f"{name}: negative values in {negative}"
    )
    out.step(
        "Negative values kept where the concept allows them: "
        f"{negative.get('oda_received_usd_current', 0)} negative `oda_received_usd_current` "
        "(net ODA received can be negative); no other indicator has a negative value."
    )
    # 5. checks
    recomputed = {WDI_MAP[c]: int(n) for c, n in part["indicator_code"].value_counts().items()}
    check_row_counts(out, obs, recomputed)
    out.step(
        "Checked: rows per indicator = source economy rows per code; no duplicate keys; all "
        "values finite; no negative value outside net ODA."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)
    # 6. write the aggregate table (plain CSV: read by burdenshare.countries)
    path = outdir / agg_out.name
    raw = write_bytes(path, aggs.to_csv(index=False, lineterminator="\n"))
    back = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    require(back.equals(aggs.reset_index(drop=True)), f"{agg_out.name}: changed on re-read")
    agg_out.rows, agg_out.sha256, agg_out.sha256_csv = (
        len(aggs),
        sha256_file(path),
        sha256_bytes(raw),
    )
    agg_out.size = path.stat().st_size
    agg_out.step("Written as plain CSV (UTF-8, `\\n`, names containing commas are quoted).")
    OUTPUTS.append(agg_out)
    print(f"{agg_out.name}: {len(aggs)} rows")


def derive_income_groups(shared: Path, outdir: Path) -> None:
    name = "wb_income_group_by_year.csv"
    out = Output("wb_income_groups.csv.gz", "observations", [SRC_INCOME], [name])
    # 1. read
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` ({len(src)} rows: iso3 x year of the GNI per capita on which the "
        "classification is based; shared/data/README.md section 4, corrected)."
    )
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    require(src["wb_income_group"].notna().all(), f"{name}: empty income group")
    # 2. map labels to codes; any other label stops the script
    other = sorted(set(src["wb_income_group"]) - set(INCOME_CODES))
    require(not other, f"{name}: unexpected income group labels {other}")
    codes = src["wb_income_group"].map(INCOME_CODES).astype("float64")
    obs = observations(src["iso3"], src["year"], "wb_income_group_gni_year", codes, SRC_INCOME)
    out.step(
        "Mapped `wb_income_group` "
        + ", ".join(f"{k} → {v}" for k, v in INCOME_CODES.items())
        + " into indicator `wb_income_group_gni_year` (unit `code`; the year is the GNI year, "
        "so year Y holds the classification of fiscal year Y+2, in force from 1 July Y+1; "
        "`wb_income_group`, in force on 31 December, comes from OGHIST); any other label "
        "would stop the "
        "derivation (none found). Checked: (iso3, year) unique, no empty label."
    )
    # 3. checks
    check_row_counts(out, obs, {"wb_income_group_gni_year": len(src)})
    require(obs["value"].isin([1.0, 2.0, 3.0, 4.0]).all(), f"{name}: code outside 1-4")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


# --- UN WPP and OGHIST (issue 14)
def derive_un_wpp(shared: Path, outdir: Path) -> None:
    name = "un_wpp2024_population_1950_2025.csv.gz"
    out = Output("un_wpp_population.csv.gz", "observations", [SRC_WPP], [name])
    src = read_csv(shared, name, dtype={"pop_total": str, "pop_female": str, "pop_male": str})
    out.step(
        f"Read `{name}` ({len(src)} rows: country or area x year 1950-2025, plus the World)."
    )
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    require(src["pop_total"].notna().all(), f"{name}: empty pop_total")
    variant = src["wpp_variant"].to_numpy(dtype=object)
    projected = src["year"].to_numpy() > WPP_LAST_ESTIMATE_YEAR
    require(bool((variant[projected] == "medium projection").all()
                 and (variant[~projected] == "estimate").all()),
            f"{name}: wpp_variant is not 'estimate' to {WPP_LAST_ESTIMATE_YEAR} and "
            "'medium projection' after")
    values, _changed = parse_exact(src["pop_total"], name)
    female, _ = parse_exact(src["pop_female"], name)
    male, _ = parse_exact(src["pop_male"], name)
    require(bool((values == female + male).all()), f"{name}: pop_total != pop_female + pop_male")
    out.step(
        "Checked: (iso3, year) unique; `pop_total` never empty and equal to `pop_female + "
        f"pop_male` in every row; `wpp_variant` is `estimate` to {WPP_LAST_ESTIMATE_YEAR} and "
        f"`medium projection` after ({int(projected.sum())} projected rows, 2024-2025)."
    )
    world = (src["iso3"] == "WLD").to_numpy()
    part = src.loc[~world]
    obs = observations(part["iso3"], part["year"], "population_un_wpp", values[~world], SRC_WPP)
    out.step(
        f"Wrote `pop_total` as `population_un_wpp` (persons), values copied exactly; the "
        f"{int(world.sum())} World rows (`WLD`, an aggregate, not a country) left out. Years "
        f"after {WPP_LAST_ESTIMATE_YEAR} are projections: the source id's vintage says so and "
        "the estimators that divide by this population name the projected years."
    )
    check_row_counts(out, obs, {"population_un_wpp": int((~world).sum())})
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_oghist(shared: Path, outdir: Path) -> None:
    name = "wb_oghist_income_classification_fy1989_fy2026.csv.gz"
    out = Output("wb_income_oghist.csv.gz", "observations", [SRC_OGHIST], [name])
    src = read_csv(shared, name)
    out.step(f"Read `{name}` ({len(src)} rows: economy x fiscal year FY89-FY26).")
    require(not src.duplicated(["iso3", "fiscal_year"]).any(), f"{name}: duplicate keys")
    fy = src["fiscal_year"].str.slice(2).astype(int)
    fy = np.where(fy >= 89, 1900 + fy, 2000 + fy)
    eff = src["calendar_year_effective"].astype(int).to_numpy()
    gni = src["gni_per_capita_reference_year"].astype(int).to_numpy()
    require(bool((eff == fy - 1).all() and (gni == fy - 2).all()),
            f"{name}: calendar_year_effective != FY-1 or GNI year != FY-2")
    require(bool((src["classification_effective_from"]
                  == src["calendar_year_effective"].astype(str) + "-07-01").all()),
            f"{name}: a classification not effective on 1 July")
    out.step(
        "Checked the fiscal-year convention on every row: fiscal year FY(Y+1) takes effect on "
        "1 July of Y (`classification_effective_from`) and is based on GNI per capita of Y-1 "
        "(`gni_per_capita_reference_year`). Year Y of the output = `calendar_year_effective`, so "
        "each value is the classification in force on 31 December of Y (FY24, in force from "
        "1 July 2023, for 2023)."
    )
    raw = src["income_group_code_raw"]
    other = sorted(set(raw.dropna()) - set(OGHIST_CODES) - {".."})
    require(not other, f"{name}: unexpected codes {other}")
    gone = src["iso3"].isin(list(OGHIST_LEFT_OUT)).to_numpy()
    unclassified = (raw.isna() | (raw == "..")).to_numpy()
    keep = ~gone & ~unclassified
    part = src.loc[keep]
    codes = part["income_group_code_raw"].map(OGHIST_CODES).astype("float64")
    obs = observations(part["iso3"], eff[keep], "wb_income_group", codes, SRC_OGHIST)
    n_yem = int((raw == "LM*").sum())
    out.step(
        "Mapped " + ", ".join(f"`{k}` → {v}" for k, v in OGHIST_CODES.items())
        + f" (`LM*` is Yemen's footnoted LM, {n_yem} rows); `..` or an empty cell (not "
        f"classified, {int((unclassified & ~gone).sum())} rows of current economies, e.g. "
        "Venezuela FY22-FY26) gives no observation; "
        f"{int(gone.sum())} rows of former economies without a current code left out: "
        + "; ".join(f"`{k}` {v}" for k, v in OGHIST_LEFT_OUT.items()) + "."
    )
    check_row_counts(out, obs, {"wb_income_group": int(keep.sum())})
    require(obs["value"].isin([1.0, 2.0, 3.0, 4.0]).all(), f"{name}: code outside 1-4")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_demographics(shared: Path, outdir: Path) -> None:
    name = "unhcr_demographics_2025.csv.gz"
    pop_name = "unhcr_population_by_asylum_year.csv"
    out = Output("unhcr_demographics.csv.gz", "observations", [SRC_UNHCR], [name, pop_name])
    cells = [f"{s}_{b}" for s in ("f", "m") for b in [*DEMOG_BANDS, "other", "total"]] + ["total"]
    # 1. read; codes as text (only an empty cell is missing)
    src = read_csv(shared, name, dtype={c: str for c in DEMOG_KEY if c != "year"})
    out.step(
        f"Read `{name}` ({len(src)} rows: origin x asylum x population type x location x "
        "accommodation type; the package ships 2025 only)."
    )
    require(not src.duplicated(DEMOG_KEY).any(), f"{name}: rows not unique on {DEMOG_KEY}")
    require(src[cells].notna().all().all(), f"{name}: empty count cell")
    require(
        bool((src[cells].to_numpy() == np.round(src[cells].to_numpy())).all()),
        f"{name}: count that is not a whole number",
    )
    out.step(
        "Checked: rows are unique on (" + ", ".join(DEMOG_KEY) + ") as shared/data/QUALITY.md "
        "says (no de-duplication); no count cell is empty; all counts are whole numbers."
    )
    # 2. refugees only
    ref = src[src["pop_type"] == "REF"].copy()
    years = sorted(set(ref["year"]))
    require(years == [2025], f"{name}: REF years {years}, expected only 2025")
    require(ref["coa_iso"].notna().all(), f"{name}: REF row without coa_iso")
    for sex in ("f", "m"):
        parts = ref[[f"{sex}_{b}" for b in [*DEMOG_BANDS, "other"]]].sum(axis=1)
        require(bool((parts == ref[f"{sex}_total"]).all()), f"{name}: {sex}_total != its bands")
    require(
        bool((ref["total"] >= ref["f_total"] + ref["m_total"]).all()),
        f"{name}: total < f_total + m_total",
    )
    out.step(
        f"Kept the {len(ref)} rows with `pop_type == 'REF'` (refugees under UNHCR's mandate), all "
        "of year 2025. Checked per row: `f_total` = f_0_4 + f_5_11 + f_12_17 + f_18_59 + f_60 + "
        "f_other (same for `m_`), and `total` >= f_total + m_total."
    )
    # 3. sums by country of asylum
    agg = ref.groupby("coa_iso", as_index=False)[cells].sum()
    frames, recomputed = [], {}
    for indicator, cols in DEMOG_MAP.items():
        values = agg[cols].sum(axis=1)
        frames.append(observations(agg["coa_iso"], np.full(len(agg), 2025), indicator, values,
                                   SRC_UNHCR))
        recomputed[indicator] = int(ref["coa_iso"].nunique())
        require(int(values.sum()) == int(ref[cols].to_numpy().sum()), f"{indicator}: total changed")
    obs = pd.concat(frames, ignore_index=True)
    out.step(
        "Summed by `coa_iso` (year 2025): `refugees_aged_5_11` = Σ(f_5_11 + m_5_11), "
        "`refugees_aged_12_17` = Σ(f_12_17 + m_12_17), `refugees_with_age` = Σ of all age bands "
        "f_0_4..f_60 and m_0_4..m_60 (NOT f_other/m_other, NOT total); unit `persons`; grand "
        "totals checked unchanged. One observation per indicator and country of asylum with REF "
        "rows (a zero is a zero sum of source cells)."
    )
    # 4. the REF total equals the 2025 refugee stock of the population table
    pop = read_csv(shared, pop_name, dtype={"iso3": str})
    pop = pop[pop["year"] == 2025].set_index("iso3")["refugees"]
    tot = agg.set_index("coa_iso")["total"]
    require(set(tot.index) <= set(pop.index), f"{name}: coa_iso not in {pop_name} 2025")
    diff = (pop.reindex(tot.index) - tot).abs()
    require(int(diff.max()) == 0, f"{name}: REF total differs from refugees 2025: {diff[diff > 0]}")
    absent = pop.drop(index=list(tot.index))
    require(bool((absent.fillna(0) == 0).all()), f"{name}: refugees > 0 in 2025 without REF rows")
    grand = int(tot.sum())
    require(grand == int(pop.sum()), f"{name}: REF total {grand} != refugees 2025 {int(pop.sum())}")
    out.step(
        f"Checked against `{pop_name}`: for each of the {len(tot)} countries of asylum the REF "
        f"`total` equals the 2025 `refugees` stock exactly ({grand:,} persons in all); the "
        f"{len(absent)} countries with no REF rows have 0 refugees in 2025 there."
    )
    # 5. how many refugees have no age band
    with_age = int(ref[DEMOG_MAP["refugees_with_age"]].to_numpy().sum())
    sex_only = int((ref["f_other"] + ref["m_other"]).sum())
    neither = int((ref["total"] - ref["f_total"] - ref["m_total"]).sum())
    require(with_age + sex_only + neither == grand, f"{name}: age/sex split does not add up")
    cover = agg.set_index("coa_iso")[DEMOG_MAP["refugees_with_age"]].sum(axis=1)
    none = cover[cover == 0]
    full = cover[cover == tot]
    big = tot[none.index].sort_values(ascending=False).head(6)
    out.step(
        f"Refugees without an age band: {grand - with_age:,} of {grand:,} "
        f"({100 * (grand - with_age) / grand:.1f} %): {sex_only:,} with sex but no age "
        f"(f_other + m_other) and {neither:,} with neither (total - f_total - m_total). "
        f"`refugees_with_age` = {with_age:,}. {len(full)} countries have an age band for every "
        f"refugee; {len(none)} have none at all (their three age observations are 0; largest: "
        + ", ".join(f"{c} {int(v):,}" for c, v in big.items())
        + ")."
    )
    NOTES.append(
        f"UNHCR demographics 2025: {grand - with_age:,} of {grand:,} refugees "
        f"({100 * (grand - with_age) / grand:.1f} %) have no age band, and {len(none)} countries "
        "report no age breakdown at all (e.g. "
        + ", ".join(big.index)
        + "): for them `refugees_aged_5_11`, `refugees_aged_12_17` and `refugees_with_age` are 0 "
        "although they host refugees. The age-band counts are lower bounds; compare "
        "`refugees_with_age` with `refugees` (same year, same country) before using them."
    )
    # 6. checks
    check_row_counts(out, obs, recomputed)
    check_unhcr_counts(obs, out.name)
    n_unk = int((obs["iso3"] == "UNK").sum())
    out.step(
        "Checked: rows per indicator = countries of asylum with REF rows; whole numbers, none "
        f"between 1 and 4; no duplicate keys; all values finite and non-negative; {n_unk} "
        "observations with iso3 `UNK`."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_who_ghed(shared: Path, outdir: Path) -> None:
    name = "who_ghed_health_expenditure_long.csv"
    out = Output("who_ghed.csv.gz", "observations", [SRC_WHO], [name])
    # 1. read as text
    src = read_csv(shared, name, dtype=str)
    out.step(
        f"Read `{name}` as text ({len(src)} rows: {src['indicator'].nunique()} Gapminder concepts "
        "x iso3 x year)."
    )
    require(src[["indicator", "iso3", "year", "value"]].notna().all().all(), f"{name}: empty cell")
    require(not src.duplicated(["indicator", "iso3", "year"]).any(), f"{name}: duplicate keys")
    per_geo = src.groupby("iso3")["gapminder_geo"].nunique()
    require(int(per_geo.max()) == 1, f"{name}: an iso3 maps to several Gapminder geos")
    out.step(
        "Checked: no empty cell; (indicator, iso3, year) unique; one Gapminder geo per iso3."
    )
    # 2. the one concept, renamed
    part = src[src["indicator"].isin(list(WHO_MAP))]
    values, changed = parse_exact(part["value"], name)
    obs = observations(part["iso3"], part["year"].astype("int64"),
                       WHO_MAP["government_health_spending_per_person_us"], values, SRC_WHO)
    out.step(
        "Kept " + ", ".join(f"`{c}`→`{n}`" for c, n in WHO_MAP.items()) + " (unit `USD current "
        "per person`: domestic general government health expenditure per person, the concept "
        "WDI publishes as SH.XPD.GHED.PC.CD); all countries and years. The other four concepts "
        "are not used."
    )
    out.step(
        f"Parsed values as float64 and checked for ALL {len(part)} values that the written text "
        f"is numerically identical to the source text; {changed} differ only in spelling."
    )
    # 3. checks
    check_row_counts(out, obs, {WHO_MAP["government_health_spending_per_person_us"]: len(part)})
    out.step("Checked: rows = source rows of the concept; no duplicate keys; values finite and "
             "non-negative.")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_revenue(shared: Path, outdir: Path) -> None:
    name = "unhcr_revenue_by_contributor_2013_2024.csv"
    out = Output("unhcr_revenue.csv.gz", "observations", [SRC_CEB], [name])
    ref_out = Output("unhcr_revenue_non_government.csv", "reference", [SRC_CEB], [name])
    # 1. read as text
    src = read_csv(shared, name, dtype=str)
    cols = list(src.columns)
    out.step(f"Read `{name}` as text ({len(src)} rows: contributor x revenue type x year).")
    need = ["year", "contributor_name", "contributor_category", "is_unattributed_remainder",
            "revenue_type", "amount_usd"]
    require(src[need].notna().all().all(), f"{name}: empty cell in {need}")
    require(
        not src.duplicated(["year", "contributor_name", "revenue_type"]).any(),
        f"{name}: duplicate (year, contributor_name, revenue_type)",
    )
    # 2. government rows: contributor_iso3 non-empty
    is_gov = src["contributor_iso3"].notna()
    gov, other = src[is_gov], src[~is_gov]
    cats = sorted(set(gov["contributor_category"]))
    require(cats == ["Government"], f"{name}: rows with an iso3 of categories {cats}")
    require(bool((gov["is_unattributed_remainder"] == "False").all()),
            f"{name}: a government row is an unattributed remainder")
    require(not bool((other["contributor_category"] == "Government").any()),
            f"{name}: a Government row has no contributor_iso3")
    types = sorted(set(gov["revenue_type"]) - set(CEB_MAP))
    require(not types, f"{name}: government revenue types not mapped: {types}")
    require(not gov.duplicated(["year", "contributor_iso3", "revenue_type"]).any(),
            f"{name}: duplicate (year, contributor_iso3, revenue_type)")
    names = gov.groupby("contributor_iso3")["contributor_name"].nunique()
    require(int(names.max()) == 1, f"{name}: an iso3 has several contributor names")
    status = gov.groupby("contributor_status")["contributor_iso3"].nunique().to_dict()
    out.step(
        f"Government rows = rows with a non-empty `contributor_iso3` ({len(gov)} rows, "
        f"{gov['contributor_iso3'].nunique()} contributors; status: "
        + ", ".join(f"{k} {v}" for k, v in sorted(status.items()))
        + "). Checked: all are of category `Government`, none is an unattributed remainder, no "
        "`Government` row lacks an iso3, one name per iso3, (year, iso3, revenue_type) unique, "
        "and every revenue type is one of "
        + ", ".join(f"`{t}`" for t in CEB_MAP)
        + " (any other type would stop the derivation)."
    )
    # 3. observations, values exact
    values, changed = parse_exact(gov["amount_usd"], name)
    ind = gov["revenue_type"].map(CEB_MAP)
    frames = [
        observations(gov.loc[ind == i, "contributor_iso3"],
                     gov.loc[ind == i, "year"].astype("int64"), i, values[(ind == i).to_numpy()],
                     SRC_CEB)
        for i in CEB_MAP.values()
    ]
    obs = pd.concat(frames, ignore_index=True)
    out.step(
        "Mapped " + ", ".join(f"`{t}`→`{i}`" for t, i in CEB_MAP.items()) + " (unit `USD "
        "current`, accrual revenue recognised by UNHCR, not pledges or cash). Values parsed as "
        f"float64 and checked numerically identical to the source text ({changed} differ only in "
        "spelling)."
    )
    neg = obs[obs["value"] < 0]
    zero = obs[obs["value"] == 0]
    out.step(
        f"Kept {len(neg)} negative values (accounting adjustments; the vocabulary allows them "
        "for these two indicators): "
        + "; ".join(f"{r.iso3} {r.year} {r.indicator} {r.value!r}" for r in neg.itertuples())
        + f". Kept {len(zero)} zero value(s): "
        + "; ".join(f"{r.iso3} {r.year} {r.indicator}" for r in zero.itertuples())
        + "."
    )
    # 4. the other rows, unchanged, as a reference table
    text = other.to_csv(index=False, lineterminator="\n", columns=cols)
    back = pd.read_csv(io.StringIO(text), dtype=str, **READ)
    require(back.equals(other.reset_index(drop=True)), f"{ref_out.name}: changed on re-read")
    cats_other = other.groupby("contributor_category").size().to_dict()
    ref_out.step(
        f"The {len(other)} rows of `{name}` with an empty `contributor_iso3` (not observations "
        "of a country), unchanged: same columns, same order, values as text. Categories: "
        + ", ".join(f"{k} {v}" for k, v in sorted(cats_other.items()))
        + f"; {int((other['is_unattributed_remainder'] == 'True').sum())} of them are "
        "unattributed remainders computed by open.unfck.org (total revenue minus named donors), "
        f"{int((other['amount_usd'].astype(float) < 0).sum())} negative."
    )
    # 5. totals per year: government observations + non-government rows = source total
    dec = lambda xs: sum((Decimal(x) for x in xs), Decimal(0))  # noqa: E731
    lines = []
    for year in sorted(set(src["year"]), key=int):
        total = dec(src.loc[src["year"] == year, "amount_usd"])
        g = dec(repr(float(v)) for v in obs.loc[obs["year"] == int(year), "value"])
        o = dec(back.loc[back["year"] == year, "amount_usd"])
        require(g + o == total, f"{name}: {year}: government {g} + other {o} != total {total}")
        musd = (total / Decimal(10**6)).quantize(Decimal("0.1"))
        if int(year) in CEB_QUALITY_TOTALS_MUSD:
            require(str(musd) == CEB_QUALITY_TOTALS_MUSD[int(year)],
                    f"{name}: {year} total {musd} m != QUALITY.md {CEB_QUALITY_TOTALS_MUSD[int(year)]}")
        lines.append(f"{year} {musd:,} m ({100 * g / total:.0f} % governments)")
    out.step(
        "Checked for every year, in exact decimal arithmetic on the source text: government "
        "observations + rows of `unhcr_revenue_non_government.csv` = source total. Totals in US$ "
        "(share of governments): " + "; ".join(lines) + ". The totals printed in "
        "shared/data/QUALITY.md section 5 ("
        + ", ".join(f"{y}: {v}" for y, v in CEB_QUALITY_TOTALS_MUSD.items())
        + " m) are reproduced."
    )
    # 6. checks and write
    recomputed = {CEB_MAP[t]: int(n) for t, n in gov["revenue_type"].value_counts().items()}
    check_row_counts(out, obs, recomputed)
    out.step("Checked: rows per indicator = government source rows per revenue type; no "
             "duplicate keys; values finite; negatives only in the two revenue indicators.")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)
    ref_out.step(
        "Written as plain CSV (UTF-8, `\\n`), so that nothing of the source is silently lost: "
        "source rows = government observations in `unhcr_revenue.csv.gz` + these rows "
        f"({len(src)} = {len(gov)} + {len(other)})."
    )
    require(len(src) == len(gov) + len(other), f"{name}: rows lost")
    write_reference(ref_out, text, outdir, len(other))


def derive_dac_membership(shared: Path, outdir: Path) -> None:
    name = DAC_TRANSCRIPTION
    idrc = "oecd_dac_idrc_oda_gni_by_donor_2010_2022.csv"
    odagni = "oecd_dac_oda_gni_by_donor_2000_2025.csv"
    out = Output("dac_membership.csv.gz", "observations", [SRC_DAC], [name, idrc, odagni])
    copy_out = Output(name, "reference", [SRC_DAC], [name])
    # 1. read and validate the transcription
    path = input_path(shared, name)
    src = read_csv(shared, name, dtype=str)
    require(list(src.columns) == DAC_COLUMNS, f"{name}: columns {list(src.columns)}")
    require(src[["iso3", "name", "joined_year", "source_url", "quote", "source_type"]]
            .notna().all().all(), f"{name}: empty required cell")
    require(bool(src["iso3"].str.fullmatch(r"[A-Z]{3}").all()), f"{name}: bad iso3")
    require(bool(src["joined_year"].str.fullmatch(r"\d{4}").all()), f"{name}: bad joined_year")
    require(bool(src["left_year"].dropna().str.fullmatch(r"\d{4}").all()), f"{name}: bad left_year")
    require(bool(src["source_url"].str.match(r"https?://").all()), f"{name}: bad source_url")
    require(set(src["source_type"]) <= DAC_SOURCE_TYPES, f"{name}: unknown source_type")
    require(int(src.groupby("iso3")["name"].nunique().max()) == 1, f"{name}: names differ")
    joined = src["joined_year"].astype(int)
    left = src["left_year"].fillna(str(DAC_LAST_YEAR)).astype(int)
    require(bool((joined >= 1961).all() & (joined <= DAC_LAST_YEAR).all()), f"{name}: year range")
    require(bool((left >= joined).all() & (left <= DAC_LAST_YEAR).all()), f"{name}: left < joined")
    types = src.drop_duplicates("iso3")["source_type"].value_counts().to_dict()
    out.step(
        f"Read `{name}` (this folder; {len(src)} rows, {src['iso3'].nunique()} countries; one row "
        "per membership spell, hand-transcribed from the stored page in `source_url`, whose "
        "wording is in `quote`; source type per country: "
        + ", ".join(f"{k} {v}" for k, v in sorted(types.items()))
        + "). Checked: fixed columns, iso3 three letters, one name per iso3, years 1961-"
        f"{DAC_LAST_YEAR}, left_year >= joined_year."
    )
    # 2. one observation per country and year of membership
    rows = []
    for r, j, lft in zip(src.itertuples(), joined, left):
        rows += [(r.iso3, y) for y in range(j, lft + 1)]
    frame = pd.DataFrame(rows, columns=["iso3", "year"])
    require(not frame.duplicated().any(), f"{name}: overlapping membership spells")
    obs = observations(frame["iso3"], frame["year"], "dac_member", np.ones(len(frame)), SRC_DAC)
    spells = src[src["iso3"].duplicated(keep=False)]
    out.step(
        "Wrote `dac_member` = 1 (unit `code`) for every calendar year from `joined_year` to "
        f"`left_year` (empty = {DAC_LAST_YEAR}); a country counts as a member in a year if it "
        "was a member at any time in that year (Estonia joined on 4 July 2023: member in 2023). "
        "No observation = not a member. Countries with several spells: "
        + (", ".join(f"{c} " + ", ".join(f"{a}-{b or DAC_LAST_YEAR}" for a, b in
                                         zip(g["joined_year"], g["left_year"].fillna("")))
                     for c, g in spells.groupby("iso3")) or "none")
        + ". The European Union (a DAC member that is not a country) has no observation."
    )
    third = src[src["source_type"] != "OECD"].drop_duplicates("iso3")
    out.step(
        "Accession years not from an OECD page: "
        + "; ".join(f"{r.iso3} {r.joined_year} ({r.source_type}: {r.source_url})"
                    for r in third.itertuples())
        + ". "
        + (DAC_FINLAND_LOWER_BOUND + " " if "FIN" in set(third["iso3"]) else "")
        + "Where OECD texts differ (e.g. the 2020 peer reviews of Belgium and Japan say "
        "'member since 1960', the year of the Development Assistance Group that preceded the "
        "DAC), the year on the OECD member profile page is used."
    )
    if (third["source_type"] == "third-party").any():
        NOTES.append(
            "DAC membership: the accession year of "
            + ", ".join(f"{r.iso3} ({r.joined_year})" for r in third.itertuples()
                        if r.source_type == "third-party")
            + " comes from a third-party page (no OECD or government page stating it was "
            "found in the stored sources). "
            + DAC_FINLAND_LOWER_BOUND
            + " Verify the accession year before relying on the years before that."
        )
    # 3. cross-checks: member counts stated by the OECD
    counts = frame.groupby("year")["iso3"].nunique()
    lines = []
    for year, (expected, where) in DAC_MEMBER_COUNTS.items():
        got = int(counts.get(year, 0)) + 1  # + the European Union
        require(got == expected, f"{name}: {got} members incl. the EU in {year}, expected "
                f"{expected} ({where})")
        lines.append(f"{year}: {expected} ({where})")
    out.step(
        "Checked the number of members including the European Union at the end of a year "
        "against the OECD's statements: " + "; ".join(lines) + "."
    )
    # 4. cross-check: every donor of the DAC in-donor refugee cost table is a member in 2022
    dac = read_csv(shared, idrc, dtype={"donor_iso3": str})
    donors = sorted(set(dac["donor_iso3"]))
    members22 = set(frame.loc[frame["year"] == 2022, "iso3"])
    missing = sorted(set(donors) - members22)
    require(not missing, f"{idrc}: donors not members in 2022 by {name}: {missing}")
    early = (
        dac[dac["in_donor_refugee_costs_usd_million_current"].notna()]
        .merge(frame.assign(member=1), left_on=["donor_iso3", "year"],
               right_on=["iso3", "year"], how="left")
    )
    early = early[early["member"].isna()].groupby("donor_iso3")["year"].agg(["min", "max"])
    out.step(
        f"Checked: all {len(donors)} donors of `{idrc}` are members in 2022 by this table "
        f"({len(members22)} member countries in 2022). For information: the table has in-donor "
        "refugee costs for years before accession ("
        + ", ".join(f"{c} {r['min']}-{r['max']}" for c, r in early.iterrows())
        + "), i.e. reported by OECD members before they joined the DAC."
    )
    one = read_csv(shared, odagni, dtype={"donor_iso3": str})
    one = one[one["donor_iso3"].notna()]
    not_members = sorted(set(one["donor_iso3"]) - set(frame["iso3"]))
    absent = sorted(set(frame.loc[frame["year"] == DAC_LAST_YEAR, "iso3"]) - set(one["donor_iso3"]))
    require(not absent, f"{odagni}: members of {DAC_LAST_YEAR} missing: {absent}")
    out.step(
        f"Checked: every member of {DAC_LAST_YEAR} is a donor in `{odagni}`. For information, "
        "that file also has donors that are not DAC members by this table: "
        + (", ".join(not_members) or "none")
        + " (countries reporting their ODA to the OECD)."
    )
    # 5. checks and write; the transcription itself is copied beside the output
    check_row_counts(out, obs, {"dac_member": len(frame)})
    require(bool((obs["value"] == 1.0).all()), f"{name}: code other than 1")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)
    copy_out.step(
        "The hand transcription from which `dac_membership.csv.gz` is derived (an input, not an "
        f"observation file). Columns: {', '.join(DAC_COLUMNS)}; `left_year` is the last year of "
        "a spell that ended, `source_type` is OECD, government or third-party. When derive.py "
        "writes elsewhere (--out) it copies this file byte for byte."
    )
    target = outdir / name
    if target.resolve() != path.resolve():
        shutil.copyfile(path, target)
    require(sha256_file(target) == sha256_file(path), f"{name}: copy differs")
    copy_out.rows, copy_out.sha256 = len(src), sha256_file(target)
    copy_out.sha256_csv, copy_out.size = copy_out.sha256, target.stat().st_size
    OUTPUTS.append(copy_out)


#: DAC in-donor refugee cost file: source column -> indicator.
DAC_IDRC_MAP = {
    "in_donor_refugee_costs_usd_million_current": "idrc_usd_million_current",
    "total_oda_usd_million_current": "oda_usd_million_current",
    "gni_usd_million_current": "gni_usd_million_current",
}
#: DAC ODA/GNI file: source column -> indicator.
DAC_ODAGNI_MAP = {
    "oda_gni_pct": "oda_gni_pct_published",
    "oda_usd_million_constant_2025": "oda_usd_million_constant_2025",
}
#: The non-country rows of the ODA/GNI file (kept in oecd_dac_aggregates.csv).
DAC_AGGREGATE_NAMES = ["DAC countries", "EU Institutions"]
#: Sums over the donors of the 2010-2022 file printed in shared/data/QUALITY.md section 4:
#: year -> (IDRC in US$ bn, IDRC as % of the same donors' ODA), both as printed.
DAC_QUALITY_IDRC = {
    2010: ("3.45", "2.7"), 2015: ("12.12", "9.2"), 2016: ("15.96", "11.0"),
    2020: ("8.75", "5.4"), 2022: ("30.87", "14.7"),
}


def derive_oecd_dac(shared: Path, outdir: Path) -> None:
    idrc = "oecd_dac_idrc_oda_gni_by_donor_2010_2022.csv"
    odagni = "oecd_dac_oda_gni_by_donor_2000_2025.csv"
    out = Output("oecd_dac.csv.gz", "observations", [SRC_DAC_IDRC, SRC_DAC_ODAGNI], [idrc, odagni])
    ref_out = Output("oecd_dac_aggregates.csv", "reference", [SRC_DAC_ODAGNI], [odagni])
    # 1. the 2010-2022 file: IDRC, ODA and GNI by donor
    a = read_csv(shared, idrc, dtype=str)
    cols_a = ["year", "donor_iso3", "donor_name", *DAC_IDRC_MAP]
    require(list(a.columns) == cols_a, f"{idrc}: columns {list(a.columns)}")
    require(a[["year", "donor_iso3", "donor_name"]].notna().all().all(), f"{idrc}: empty key cell")
    require(bool(a["donor_iso3"].str.fullmatch(r"[A-Z]{3}").all()), f"{idrc}: bad donor_iso3")
    require(not a.duplicated(["year", "donor_iso3"]).any(), f"{idrc}: duplicate donor-year")
    require(int(a.groupby("donor_iso3")["donor_name"].nunique().max()) == 1,
            f"{idrc}: an iso3 has several donor names")
    a = a.rename(columns={"donor_iso3": "iso3"})
    a["year"] = a["year"].astype("int64")
    frames = []
    for col, ind in DAC_IDRC_MAP.items():
        part = a[a[col].notna()]
        values, _ = parse_exact(part[col], idrc)
        frames.append(observations(part["iso3"], part["year"], ind, values, SRC_DAC_IDRC))
    empty = a[a["in_donor_refugee_costs_usd_million_current"].isna()]
    require(bool(a["total_oda_usd_million_current"].notna().all()
                 & a["gni_usd_million_current"].notna().all()), f"{idrc}: empty ODA or GNI cell")
    out.step(
        f"Read `{idrc}` as text ({len(a)} rows = {a['iso3'].nunique()} donors x "
        f"{a['year'].min()}-{a['year'].max()}); checked: fixed columns, (year, donor) unique, one "
        "name per iso3. Mapped " + ", ".join(f"`{c}`→`{i}`" for c, i in DAC_IDRC_MAP.items())
        + " (US$ million, current). Values parsed as float64 and checked numerically identical "
        f"to the source text. {len(empty)} empty in-donor refugee cost cells give no observation "
        "(the donor reported none as ODA, or nothing: the source does not say which; never read "
        "as zero): "
        + "; ".join(f"{c} " + ",".join(str(y) for y in g["year"])
                    for c, g in empty.groupby("iso3"))
        + ". Basis: net flows to 2017, grant equivalents from 2018 (OECD headline ODA); "
        "in-donor refugee costs cover the first 12 months of stay."
    )
    # 2. QUALITY.md section 4: sums over all donors of the file reproduced
    lines = []
    for year, (bn, pct) in DAC_QUALITY_IDRC.items():
        sub = a[a["year"] == year]
        i = sum(Decimal(x) for x in sub["in_donor_refugee_costs_usd_million_current"].dropna())
        o = sum(Decimal(x) for x in sub["total_oda_usd_million_current"])
        got_bn = str((i / 1000).quantize(Decimal("0.01")))
        got_pct = str((100 * i / o).quantize(Decimal("0.1")))
        require((got_bn, got_pct) == (bn, pct),
                f"{idrc}: {year} IDRC sum {got_bn} bn ({got_pct} %) != QUALITY.md {bn} bn ({pct} %)")
        lines.append(f"{year}: {bn} bn, {pct} % of ODA")
    out.step("Checked against shared/data/QUALITY.md section 4 (sums over the donors of the file, "
             "exact decimal arithmetic; the share divides by the ODA of all donors of the file, "
             "including those reporting no in-donor refugee costs): " + "; ".join(lines) + ".")
    # 3. the 2000-2025 file: country rows -> observations, aggregates -> reference table
    b = read_csv(shared, odagni, dtype=str)
    cols_b = ["year", "donor_iso3", "donor_name", "oda_usd_million_constant_2025", "oda_gni_pct"]
    require(list(b.columns) == cols_b, f"{odagni}: columns {list(b.columns)}")
    require(b[["year", "donor_name", "oda_usd_million_constant_2025"]].notna().all().all(),
            f"{odagni}: empty cell in year, donor_name or ODA")
    require(not b.duplicated(["year", "donor_name"]).any(), f"{odagni}: duplicate donor-year")
    is_c = b["donor_iso3"].notna()
    c, agg = b[is_c].rename(columns={"donor_iso3": "iso3"}), b[~is_c]
    require(sorted(set(agg["donor_name"])) == DAC_AGGREGATE_NAMES,
            f"{odagni}: rows without iso3 are {sorted(set(agg['donor_name']))}")
    require(bool(c["iso3"].str.fullmatch(r"[A-Z]{3}").all()), f"{odagni}: bad donor_iso3")
    require(not c.duplicated(["year", "iso3"]).any(), f"{odagni}: duplicate iso3-year")
    c = c.assign(year=c["year"].astype("int64"))
    for col, ind in DAC_ODAGNI_MAP.items():
        part = c[c[col].notna()]
        values, _ = parse_exact(part[col], odagni)
        frames.append(observations(part["iso3"], part["year"], ind, values, SRC_DAC_ODAGNI))
    miss = c[c["oda_gni_pct"].isna()]
    out.step(
        f"Read `{odagni}` as text ({len(b)} rows); the {len(c)} rows with a `donor_iso3` "
        f"({c['iso3'].nunique()} countries, including OECD members that report to the DAC "
        "without being members, and years before accession) give observations: "
        + ", ".join(f"`{k}`→`{v}`" for k, v in DAC_ODAGNI_MAP.items())
        + ", values checked numerically identical to the source text. ODA/GNI is rounded to 2 "
        f"decimals at source. {len(miss)} empty ODA/GNI cells give no observation: "
        + ", ".join(f"{r.iso3} {r.year}" for r in miss.itertuples()) + "."
    )
    # 4. aggregates unchanged into the reference table, with checks
    text = agg.to_csv(index=False, lineterminator="\n", columns=list(b.columns))
    back = pd.read_csv(io.StringIO(text), dtype=str, **READ)
    require(back.equals(agg.reset_index(drop=True)), f"{ref_out.name}: changed on re-read")
    require(len(b) == len(c) + len(agg), f"{odagni}: rows lost")
    tot = agg[agg["donor_name"] == "DAC countries"].assign(year=lambda d: d["year"].astype(int))
    tot = tot.set_index("year")["oda_usd_million_constant_2025"].astype(float)
    members = next(o.frame for o in OUTPUTS if o.name == "dac_membership.csv.gz")
    mem = c.merge(members[["iso3", "year"]], on=["iso3", "year"])
    msum = mem.groupby("year")["oda_usd_million_constant_2025"].apply(
        lambda s: float(sum(Decimal(x) for x in s)))
    gap = (tot - msum) / tot
    require(bool((gap >= 0).all() and (gap <= 0.025).all()),
            f"{odagni}: DAC total differs from the members' sum by more than 2.5 %: {gap.to_dict()}")
    ref_out.step(
        f"The {len(agg)} rows of `{odagni}` without `donor_iso3` (" + ", ".join(
            f"'{n}'" for n in DAC_AGGREGATE_NAMES) + "; not countries, so not observations), "
        "unchanged: same columns, values as text (ODA/GNI empty for EU Institutions). Source "
        f"rows = {len(b)} = {len(c)} country rows in `oecd_dac.csv.gz` + {len(agg)} here."
    )
    ref_out.step(
        "Checked: the 'DAC countries' constant-2025 ODA is at least the sum over the countries "
        "that are DAC members in the year (by `dac_membership.csv.gz`) and exceeds it by at most "
        f"2.5 % (observed {100 * gap.min():.2f}-{100 * gap.max():.2f} %, largest "
        f"{int(gap.idxmax())}); the remainder is ODA the OECD counts in the DAC total but this "
        "file does not attribute to a member country (not explained by the source)."
    )
    # 5. checks and write
    obs = pd.concat(frames, ignore_index=True)
    recomputed = {**{i: int(a[col].notna().sum()) for col, i in DAC_IDRC_MAP.items()},
                  **{i: int(c[col].notna().sum()) for col, i in DAC_ODAGNI_MAP.items()}}
    check_row_counts(out, obs, recomputed)
    require(not (obs["value"] < 0).any(), "oecd_dac: a negative value (not expected in this vintage)")
    out.step("Checked: rows per indicator = non-empty source cells; no duplicate keys; values "
             "finite; no negative value in this vintage.")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)
    write_reference(ref_out, text, outdir, len(agg))


# --- OECD DAC 2023-2025 (issue 14) ----------------------------------------------------------
#: Source ids of the 2023-2025 DAC1 series: one per release status (so that a preliminary
#: year is identifiable from the Source record of every observation used for it), plus one for
#: GNI derived from ODA and the 5-decimal ODA/GNI ratio.
SRC_DAC_2023_FINAL = "oecd_dac1_2023_final_one_2025_04_16"
SRC_DAC_2024_REVISED = "oecd_dac1_2024_revised_one_2026_01_23"
SRC_DAC_2025_PRELIM = "oecd_dac1_2025_preliminary_one_2026_04_09"
SRC_DAC_GNI_DERIVED = "oecd_dac_gni_derived_oda_over_ratio_2023_2025"
DAC_NEW_IDRC = "oecd_dac_idrc_oda_by_donor_2023_2025_current_usd.csv"
DAC_NEW_RATIO = "oecd_dac_oda_gni_pct_5dp_by_donor_2000_2025.csv"
#: commit of ONEcampaign/oda-dashboard of each recommended vintage -> (year, source id)
DAC_NEW_VINTAGES = {
    "83e708c43d13b5b28a5cb698d0bb5eb1924866c6": (2023, SRC_DAC_2023_FINAL),
    "b8dd88957855b6cf97f2778cbeae70c056aa03ab": (2024, SRC_DAC_2024_REVISED),
    "5e6b29a2cc05b2199313f18d5d17f8d6aec63811": (2025, SRC_DAC_2025_PRELIM),
}
#: columns of the all-vintages reference table (the shared file less its repository columns)
DAC_VINTAGE_COLUMNS = ["year", "donor_name", "donor_iso3", "idrc_usd_million_current",
                       "total_oda_usd_million_current", "idrc_zero_may_be_missing",
                       "recommended_vintage", "vintage_note", "source_commit",
                       "source_commit_date"]
_DAC_NEW_COMMON = {
    "publisher": "OECD Development Assistance Committee (DAC1 table: aid type 1820 'refugees in "
    "donor countries' and total ODA, official definition), processed by the ONE Campaign with "
    "its oda_data package",
    "url": "https://github.com/ONEcampaign/oda-dashboard",
    "licence": "OECD Terms and Conditions (free reuse with attribution: 'OECD (year), DAC1 Flows "
    "by provider'); the ONE repository has no licence file",
}
_DAC_NEW_DERIVATION = (
    "oecd_dac_2023_2025.csv.gz copies the recommended-vintage country rows of the shared "
    "oecd_dac_idrc_oda_by_donor_2023_2025_current_usd.csv for {year}: "
    "idrc_usd_million_current and total_oda_usd_million_current -> oda_usd_million_current "
    "(US$ million current, the year of the file's price base, where constant equal current "
    "prices), values copied exactly. An in-donor refugee cost of 0 flagged "
    "idrc_zero_may_be_missing (ONE's script fills missing values with 0, so the 0 may mean "
    "'not reported') gives NO observation: it is treated as not reported, never as a real zero "
    "({zeros}). Grant-equivalent basis; the 12-month rule applies.")
SOURCES.update({
    SRC_DAC_2023_FINAL: {
        "id": SRC_DAC_2023_FINAL,
        "title": "OECD DAC1: in-donor refugee costs and total ODA by DAC member, 2023 (final "
        "data; processed by the ONE Campaign)",
        **_DAC_NEW_COMMON,
        "retrieved": "2025-04-16",
        "vintage": "OECD final 2023 data (DAC1), as pulled by ONE: ONEcampaign/oda-dashboard "
        "commit 83e708c43d13b5b28a5cb698d0bb5eb1924866c6 (2025-04-16), "
        "topic_page/oda_covid.csv",
        "derivation": "",
    },
    SRC_DAC_2024_REVISED: {
        "id": SRC_DAC_2024_REVISED,
        "title": "OECD DAC1: in-donor refugee costs and total ODA by DAC member, 2024 (revised "
        "data, taken as final; processed by the ONE Campaign)",
        **_DAC_NEW_COMMON,
        "retrieved": "2026-01-23",
        "vintage": "OECD 2024 data as revised after the April-2025 preliminary release (taken "
        "as final: pulled after the OECD's December release; no OECD text stored confirms it), "
        "ONEcampaign/oda-dashboard commit b8dd88957855b6cf97f2778cbeae70c056aa03ab "
        "(2026-01-23), topic_page/oda_covid.csv",
        "derivation": "",
    },
    SRC_DAC_2025_PRELIM: {
        "id": SRC_DAC_2025_PRELIM,
        "title": "OECD DAC1: in-donor refugee costs and total ODA by DAC member, 2025 "
        "(PRELIMINARY data; processed by the ONE Campaign)",
        **_DAC_NEW_COMMON,
        "retrieved": "2026-04-09",
        "vintage": "OECD preliminary, April 2026 (2025 data; final data due in December 2026): "
        "ONEcampaign/oda-dashboard commit 5e6b29a2cc05b2199313f18d5d17f8d6aec63811 "
        "(2026-04-09), topic_page/oda_covid.csv",
        "derivation": "",
    },
    SRC_DAC_GNI_DERIVED: {
        "id": SRC_DAC_GNI_DERIVED,
        "title": "GNI of DAC members 2023-2025 in US$ million current, DERIVED by burdenshare "
        "as ODA / (ODA/GNI % / 100) (not published as such in the shared data)",
        "publisher": "burdenshare, from OECD DAC data processed by the ONE Campaign",
        "url": "https://github.com/ONEcampaign/oda-dashboard",
        "licence": "OECD Terms and Conditions (free reuse with attribution) for the underlying "
        "data; the ONE repository has no licence file",
        "retrieved": "2026-07-31",
        "vintage": "ODA of the release of each year (2023 final, 2024 revised, 2025 OECD "
        "preliminary, April 2026; source ids oecd_dac1_*) over ODA/GNI % with 5 decimals from "
        "ONEcampaign/oda-dashboard commit 14a9ba6b2ce265e1c969ea674c9f309c51a7db94 (2026-07-31), "
        "topic_page/oda_gni_single_year_ts.csv",
        "derivation": "",
    },
})
ATTRIBUTION.update({
    SRC_DAC_2023_FINAL: "Source: OECD (2025), DAC1 Flows by provider (final 2023 data), OECD "
    "Terms and Conditions; as processed by the ONE Campaign (ONEcampaign/oda-dashboard). Reshaped "
    "by burdenshare.",
    SRC_DAC_2024_REVISED: "Source: OECD (2026), DAC1 Flows by provider (2024 data as revised), "
    "OECD Terms and Conditions; as processed by the ONE Campaign (ONEcampaign/oda-dashboard). "
    "Reshaped by burdenshare.",
    SRC_DAC_2025_PRELIM: "Source: OECD (2026), DAC1 Flows by provider (PRELIMINARY 2025 data, "
    "April 2026), OECD Terms and Conditions; as processed by the ONE Campaign "
    "(ONEcampaign/oda-dashboard). Reshaped by burdenshare.",
    SRC_DAC_GNI_DERIVED: "Derived by burdenshare from OECD data (ODA and ODA/GNI, as processed by "
    "the ONE Campaign): GNI = ODA / (ODA/GNI % / 100); not an OECD figure.",
})
EXPECTED_ROWS["oecd_dac_2023_2025.csv.gz"] = {
    "idrc_usd_million_current": 92,
    "oda_usd_million_current": 96,
    "gni_usd_million_current": 96,
}


def _dac_derived_gni_bound(oda: Decimal, ratio: Decimal) -> float:
    """Relative error bound of GNI = 100 ODA / ratio from the rounding of both inputs.

    ODA is published to 0.01 US$ million (half-unit 0.005) and the ratio to 5 decimals
    (half-unit 0.000005 pp); the exact bound on |GNI' - GNI| / GNI' is
    ``(1 + eo) / (1 - er) - 1`` with ``eo = 0.005/ODA`` and ``er = 0.000005/ratio``.
    """
    eo = Decimal("0.005") / abs(oda)
    er = Decimal("0.000005") / ratio
    return float((1 + eo) / (1 - er) - 1)


def derive_oecd_dac_2023_2025(shared: Path, outdir: Path) -> None:
    out = Output("oecd_dac_2023_2025.csv.gz", "observations",
                 [SRC_DAC_2023_FINAL, SRC_DAC_2024_REVISED, SRC_DAC_2025_PRELIM,
                  SRC_DAC_GNI_DERIVED], [DAC_NEW_IDRC, DAC_NEW_RATIO,
                                         "oecd_dac_idrc_oda_gni_by_donor_2010_2022.csv"])
    ref_out = Output("oecd_dac_vintages_2023_2025.csv", "reference",
                     [SRC_DAC_2023_FINAL, SRC_DAC_2024_REVISED, SRC_DAC_2025_PRELIM],
                     [DAC_NEW_IDRC])
    a = read_csv(shared, DAC_NEW_IDRC, dtype=str)
    cols = ["year", "donor_name", "donor_iso3", "idrc_usd_million_current",
            "total_oda_usd_million_current", "idrc_zero_may_be_missing", "recommended_vintage",
            "vintage_note", "source_repo", "source_path", "source_commit", "source_commit_date"]
    require(list(a.columns) == cols, f"{DAC_NEW_IDRC}: columns {list(a.columns)}")
    require(len(a) == 165, f"{DAC_NEW_IDRC}: {len(a)} rows, expected 165 (vintage changed?)")
    require(bool(a[["idrc_usd_million_current", "total_oda_usd_million_current"]].notna()
                 .all().all()), f"{DAC_NEW_IDRC}: empty value cell")
    require(not a.duplicated(["year", "donor_name", "source_commit"]).any(),
            f"{DAC_NEW_IDRC}: duplicate donor-year-vintage")
    require(set(a["donor_name"][a["donor_iso3"].isna()]) == {"DAC countries"},
            f"{DAC_NEW_IDRC}: rows without iso3 other than 'DAC countries'")
    require(set(a["idrc_zero_may_be_missing"]) <= {"True", "False"}
            and set(a["recommended_vintage"]) <= {"True", "False"},
            f"{DAC_NEW_IDRC}: flags other than True/False")
    flag = a["idrc_zero_may_be_missing"] == "True"
    zero = a["idrc_usd_million_current"].map(lambda t: Decimal(t) == 0)
    require(bool((flag == zero).all()), f"{DAC_NEW_IDRC}: the zero flag is not 'IDRC == 0'")
    rec = a[a["recommended_vintage"] == "True"]
    got = {c: sorted(set(rec.loc[rec["source_commit"] == c, "year"].astype(int)))
           for c in set(rec["source_commit"])}
    require(got == {c: [y] for c, (y, _) in DAC_NEW_VINTAGES.items()},
            f"{DAC_NEW_IDRC}: recommended vintages {got} != {DAC_NEW_VINTAGES}")
    require(not rec.duplicated(["year", "donor_name"]).any(),
            f"{DAC_NEW_IDRC}: two recommended rows for one donor-year")
    # the members' sum equals the 'DAC countries' row in every vintage (to 1 US$ million)
    sums = []
    for commit, g in a.groupby("source_commit", sort=False):
        tot = g[g["donor_iso3"].isna()]
        mem = g[g["donor_iso3"].notna()]
        for col in ("idrc_usd_million_current", "total_oda_usd_million_current"):
            s = sum(Decimal(x) for x in mem[col])
            t = Decimal(tot[col].item())
            require(abs(s - t) <= 1, f"{DAC_NEW_IDRC} {commit[:7]}: sum of members {s} != "
                    f"DAC countries {t} ({col})")
        sums.append(f"{g['year'].iloc[0]} ({commit[:7]})")
    country = rec[rec["donor_iso3"].notna()].rename(columns={"donor_iso3": "iso3"})
    require(bool(country["iso3"].str.fullmatch(r"[A-Z]{3}").all()),
            f"{DAC_NEW_IDRC}: bad donor_iso3")
    country = country.assign(year=country["year"].astype("int64"),
                             _src=country["source_commit"].map(
                                 lambda c: DAC_NEW_VINTAGES[c][1]))
    frames = []
    skipped = country[country["idrc_zero_may_be_missing"] == "True"]
    keep = country[country["idrc_zero_may_be_missing"] != "True"]
    for src in (SRC_DAC_2023_FINAL, SRC_DAC_2024_REVISED, SRC_DAC_2025_PRELIM):
        k = keep[keep["_src"] == src]
        v, _ = parse_exact(k["idrc_usd_million_current"], DAC_NEW_IDRC)
        frames.append(observations(k["iso3"], k["year"], "idrc_usd_million_current", v, src))
        c = country[country["_src"] == src]
        v, _ = parse_exact(c["total_oda_usd_million_current"], DAC_NEW_IDRC)
        frames.append(observations(c["iso3"], c["year"], "oda_usd_million_current", v, src))
        year = DAC_NEW_VINTAGES[c["source_commit"].iloc[0]][0]
        zeros = skipped[skipped["_src"] == src]
        z = ", ".join(f"{r.iso3} {r.year}" for r in zeros.itertuples()) or "none in this year"
        SOURCES[src]["derivation"] = _DAC_NEW_DERIVATION.format(year=year,
                                                                zeros="left out: " + z)
    out.step(
        f"Read `{DAC_NEW_IDRC}` as text ({len(a)} rows: five vintages x DAC members + 'DAC "
        "countries'); checked: fixed columns, no empty value, one row per donor, year and "
        "vintage, the zero flag is exactly 'in-donor refugee costs == 0', one recommended "
        "vintage per year (2023 final of 2025-04-16, 2024 revised of 2026-01-23, 2025 "
        "preliminary of 2026-04-09), and in every vintage the members sum to the 'DAC countries' "
        "row within US$ 1 million (" + ", ".join(sums) + ")."
    )
    out.step(
        f"Kept the recommended vintage's {len(country)} country rows (" + ", ".join(
            f"{y}: {n}" for y, n in country.groupby("year").size().items())
        + " donors); each year gets the source id of its release status (`"
        + "`, `".join([SRC_DAC_2023_FINAL, SRC_DAC_2024_REVISED, SRC_DAC_2025_PRELIM])
        + "`), so preliminary data are identifiable from the Source record of every "
        "observation. `idrc_usd_million_current` and `total_oda_usd_million_current`→"
        "`oda_usd_million_current` copied exactly (US$ million current). "
        f"{len(skipped)} in-donor refugee costs of 0 flagged `idrc_zero_may_be_missing` give NO "
        "observation (ONE fills missing values with 0, so they may mean 'not reported'; never "
        "read as a real zero): " + ", ".join(f"{r.iso3} {r.year}" for r in skipped.itertuples())
        + ". The donor keeps its ODA and GNI (it counts in group totals with no in-donor "
        "refugee costs, as in the OECD's own totals)."
    )
    # GNI derived from ODA and the 5-decimal ratio
    b = read_csv(shared, DAC_NEW_RATIO, dtype=str)
    require(list(b.columns)[:4] == ["donor_name", "donor_iso3", "year", "oda_gni_pct_5dp"],
            f"{DAC_NEW_RATIO}: columns {list(b.columns)}")
    b = b[b["donor_iso3"].notna()].rename(columns={"donor_iso3": "iso3"})
    b = b.assign(year=b["year"].astype("int64"))
    require(not b.duplicated(["iso3", "year"]).any(), f"{DAC_NEW_RATIO}: duplicate donor-year")
    m = country.merge(b[["iso3", "year", "oda_gni_pct_5dp"]], on=["iso3", "year"], how="left")
    require(bool(m["oda_gni_pct_5dp"].notna().all()),
            f"{DAC_NEW_RATIO}: no ratio for " + str(m.loc[m["oda_gni_pct_5dp"].isna(),
                                                         ["iso3", "year"]].values.tolist()))
    oda = [Decimal(x) for x in m["total_oda_usd_million_current"]]
    ratio = [Decimal(x) for x in m["oda_gni_pct_5dp"]]
    require(all(r > 0 for r in ratio), f"{DAC_NEW_RATIO}: a ratio that is not positive")
    gni = np.array([float(100 * o / r) for o, r in zip(oda, ratio)], dtype="float64")
    bounds = [_dac_derived_gni_bound(o, r) for o, r in zip(oda, ratio)]
    worst = int(np.argmax(bounds))
    frames.append(observations(m["iso3"], m["year"], "gni_usd_million_current", gni,
                               SRC_DAC_GNI_DERIVED))
    # the method checked where GNI is published: 2010-2022 file vs ODA / 5-decimal ratio
    old = read_csv(shared, "oecd_dac_idrc_oda_gni_by_donor_2010_2022.csv", dtype=str)
    old = old.rename(columns={"donor_iso3": "iso3"}).assign(year=lambda d: d["year"].astype(int))
    chk = old.merge(b[["iso3", "year", "oda_gni_pct_5dp"]], on=["iso3", "year"], how="inner")
    rel = np.array([float(abs(100 * Decimal(o) / Decimal(r) - Decimal(g)) / Decimal(g))
                    for o, r, g in zip(chk["total_oda_usd_million_current"],
                                       chk["oda_gni_pct_5dp"], chk["gni_usd_million_current"])])
    within = float(np.mean(rel <= 1e-4))
    require(float(np.median(rel)) <= 1e-4,
            f"{DAC_NEW_RATIO}: ODA/ratio does not reproduce the published GNI 2010-2022 (median "
            f"relative difference {float(np.median(rel)):.2e})")
    SOURCES[SRC_DAC_GNI_DERIVED]["derivation"] = (
        "oecd_dac_2023_2025.csv.gz gni_usd_million_current = 100 x oda_usd_million_current / "
        "oda_gni_pct_5dp for every country row of 2023-2025 (ODA of the recommended release of "
        "the year, source ids oecd_dac1_*; ODA/GNI % with 5 decimals from the shared "
        "oecd_dac_oda_gni_pct_5dp_by_donor_2000_2025.csv). GNI in US$ is not published in the "
        "shared data after 2022. Precision from rounding alone: ODA is given to 0.01 US$ million "
        "and the ratio to 0.00001 pp, so |error| / GNI <= (1 + 0.005/ODA) / (1 - 0.000005/ratio) "
        f"- 1, at most {100 * bounds[worst]:.4f} % here ({m['iso3'].iloc[worst]} "
        f"{m['year'].iloc[worst]}). Not included in that bound: the ratio is of a later release "
        "(2026-07-31) than the ODA of 2023 and 2024, so a revision of ODA between the two "
        "releases moves the derived GNI by the same relative amount. Checked on 2010-2022, where "
        f"GNI is published: ODA / ratio reproduces it within 0.01 % in {100 * within:.0f} % of "
        f"{len(chk)} donor-years (median relative difference {float(np.median(rel)):.1e}; the "
        "rest are revisions between the two releases).")
    out.step(
        "GNI (not published in the shared data after 2022) DERIVED as `gni_usd_million_current`"
        f" = 100 × ODA / ODA-GNI % with 5 decimals (`{DAC_NEW_RATIO}`), source id "
        f"`{SRC_DAC_GNI_DERIVED}`, for all {len(m)} country rows (every one has a ratio). "
        "Precision from rounding alone (ODA to 0.01 US$ million, ratio to 0.00001 pp): relative "
        f"error at most {100 * bounds[worst]:.4f} % ({m['iso3'].iloc[worst]} "
        f"{m['year'].iloc[worst]}), median {100 * float(np.median(bounds)):.5f} %. Checked on "
        "2010-2022 where GNI is published: ODA / ratio reproduces the published GNI within "
        f"0.01 % in {100 * within:.0f} % of {len(chk)} donor-years."
    )
    obs = pd.concat(frames, ignore_index=True)
    recomputed = {"idrc_usd_million_current": len(keep), "oda_usd_million_current": len(country),
                  "gni_usd_million_current": len(m)}
    check_row_counts(out, obs, recomputed)
    require(not (obs["value"] < 0).any(), "oecd_dac_2023_2025: a negative value")
    out.step("Checked: rows per indicator = kept source rows; no duplicate keys; values finite "
             "and non-negative.")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)
    # every vintage, unchanged, as a reference table (revisions stay visible)
    text = a.to_csv(index=False, lineterminator="\n", columns=DAC_VINTAGE_COLUMNS)
    ref_out.step(
        f"All {len(a)} rows of `{DAC_NEW_IDRC}` (five vintages, including the 2024 preliminary "
        "of 2025-09-02 and 2025-12-19 that the OECD's statement of 16 April 2025 describes, and "
        "the 'DAC countries' rows), unchanged as text, less the repository and path columns "
        "(always ONEcampaign/oda-dashboard, topic_page/oda_covid.csv). Not observations: use it "
        "to see revisions between releases (`burdenshare.estimators.contributions_dac."
        "vintage_dataset`).")
    write_reference(ref_out, text, outdir, len(a))


def copy_country_codes(shared: Path, outdir: Path) -> None:
    name = "country_codes_iso_unhcr.csv"
    out = Output("country_codes.csv", "reference", [], [name])
    # byte-identical copy, verified by hash
    shutil.copyfile(shared / name, outdir / out.name)
    require(
        sha256_file(shared / name) == sha256_file(outdir / out.name), "country_codes copy differs"
    )
    table = pd.read_csv(outdir / out.name, dtype=str, **READ)
    out.rows, out.sha256 = len(table), sha256_file(outdir / out.name)
    out.sha256_csv, out.size = out.sha256, (outdir / out.name).stat().st_size
    out.step(f"Byte-identical copy of shared `{name}` (sha256 verified).")
    empty = table[table["iso3"].isna()]
    if len(empty):
        out.step(
            f"{len(empty)} rows have no iso3 (UNHCR-only codes "
            + ", ".join(f"`{c}`" for c in empty["unhcr_code"])
            + "); kept as in the source."
        )
    OUTPUTS.append(out)
    print(f"{out.name}: {len(table)} rows (copy)")


# --------------------------------------------------------------------------------------------
# Cross-file checks
# --------------------------------------------------------------------------------------------


def check_codes(outdir: Path) -> dict[str, list[str]]:
    """Codes in observations that are not in country_codes.csv (nor wb_aggregates.csv)."""
    table = pd.read_csv(outdir / "country_codes.csv", dtype=str, **READ)
    aggs = pd.read_csv(outdir / "wb_aggregates.csv", dtype=str, keep_default_na=False, na_values=[])
    in_table = set(table["iso3"].dropna())
    clash = sorted(in_table & set(aggs["code"]))
    require(not clash, f"World Bank aggregate codes that are also country codes: {clash}")
    found: dict[str, list[str]] = {}
    for out in OUTPUTS:
        if out.frame is None:
            continue
        codes = set(out.frame["iso3"]) | (set(out.frame["counterpart_iso3"]) - {""})
        for code in sorted(codes - in_table):
            found.setdefault(code, []).append(out.name)
    unexpected = sorted(set(found) - set(CODES_NOT_IN_CODE_TABLE))
    require(
        not unexpected,
        f"codes in observations but not in country_codes.csv: {unexpected} "
        f"(in {[found[c] for c in unexpected]}); review and add to CODES_NOT_IN_CODE_TABLE",
    )
    return found


def check_global_keys() -> None:
    """Observation keys are unique across all files, not only within each."""
    allobs = pd.concat([o.frame for o in OUTPUTS if o.frame is not None], ignore_index=True)
    require(not allobs.duplicated(KEY).any(), "duplicate observation keys across files")


# --------------------------------------------------------------------------------------------
# sources.json and README.md
# --------------------------------------------------------------------------------------------


def write_sources(outdir: Path) -> str:
    keys = ["id", "title", "publisher", "url", "licence", "retrieved", "vintage", "derivation"]
    for sid, entry in SOURCES.items():
        require(list(entry) == keys and entry["id"] == sid, f"sources.json entry {sid} malformed")
        require(
            all(isinstance(v, str) and v for v in entry.values()),
            f"sources.json {sid}: empty field",
        )
    used = sorted({s for o in OUTPUTS for s in o.sources})
    require(used == sorted(SOURCES), f"sources used {used} != sources described {sorted(SOURCES)}")
    text = json.dumps(SOURCES, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    write_bytes(outdir / "sources.json", text)
    return sha256_file(outdir / "sources.json")


def indicator_table(df: pd.DataFrame) -> list[str]:
    lines = [
        "| indicator | unit | rows | years | iso3 codes | of which not in country_codes.csv |",
        "|---|---|---:|---|---:|---|",
    ]
    for ind, g in df.groupby("indicator", sort=True):
        special = sorted(c for c in set(g["iso3"]) if c in CODES_NOT_IN_CODE_TABLE)
        lines.append(
            f"| `{ind}` | {VOCABULARY[ind].unit} | {len(g):,} | {g['year'].min()}–{g['year'].max()} | "
            f"{g['iso3'].nunique()} | {', '.join(f'`{c}`' for c in special) or '—'} |"
        )
    return lines


#: The section of methodology/indicators.md that --indicators-md regenerates: from this heading
#: up to (not including) the line that starts with END.
INDICATORS_MD_HEADING = "### Which indicators the embedded samples provide"
INDICATORS_MD_END = "These facts about the samples matter for the estimators:"


def samples_indicator_section() -> list[str]:
    """The sample-coverage section of methodology/indicators.md, computed from the outputs."""
    vocab = list(VOCABULARY)
    allobs = pd.concat([o.frame for o in OUTPUTS if o.frame is not None], ignore_index=True)
    provided = set(allobs["indicator"])
    absent = [n for n in vocab if n not in provided]
    intro = (
        f"`burdenshare.load_sample()` (documented in `data_samples/README.md`) provides "
        f"{len(provided)} of the {len(vocab)} indicators. It does not provide "
        + (", ".join(f"`{n}`" for n in absent[:-1]) + f" or `{absent[-1]}`" if len(absent) > 1
           else "".join(f"`{n}`" for n in absent))
        + ": supply them in your own files. This table is generated from the sample files by "
        "`python data_samples/derive.py --indicators-md methodology/indicators.md`."
    )
    L = [
        INDICATORS_MD_HEADING,
        "",
        *textwrap.wrap(intro, width=100, break_long_words=False, break_on_hyphens=False),
        "",
        "| indicator | source id | observations | years | codes |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    for (ind, src), g in allobs.groupby(["indicator", "source"], sort=True):
        L.append(
            f"| `{ind}` | `{src}` | {len(g):,} | {g['year'].min()}–{g['year'].max()} | "
            f"{g['iso3'].nunique()} |"
        )
    return L + [""]


def update_indicators_md(path: Path) -> None:
    """Replace the sample-coverage section of methodology/indicators.md (only that section)."""
    text = path.read_text(encoding="utf-8")
    start = text.find(INDICATORS_MD_HEADING)
    end = text.find(INDICATORS_MD_END, start)
    require(start >= 0 and end > start, f"{path}: section {INDICATORS_MD_HEADING!r} not found")
    new = text[:start] + "\n".join(samples_indicator_section()) + "\n" + text[end:]
    path.write_bytes(new.encode("utf-8"))
    print(f"updated {path}")


def write_readme(outdir: Path, shared: Path, sources_sha: str, codes: dict[str, list[str]]) -> None:
    total = sum(o.size for o in OUTPUTS) + (outdir / "sources.json").stat().st_size
    L: list[str] = []
    L += [
        "# burdenshare embedded sample data",
        "",
        "**Generated by `data_samples/derive.py` — do not edit by hand; re-run the script.**",
        "",
        "## How to re-run",
        "",
        "```",
        "python data_samples/derive.py                 # reads ../shared/data next to the "
        "repository",
        "python data_samples/derive.py --shared PATH   # or any copy of the shared reference data",
        "```",
        "",
        "Needs Python 3, pandas, numpy and this repository's `burdenshare` package, whose "
        "indicator vocabulary gives the units (`make samples` runs the script in the project's "
        "virtual environment). The script reads the shared reference data "
        "(provenance in `shared/data/README.md`), checks its invariants (row counts per indicator, "
        "unique keys, finite values, units equal to `burdenshare/indicators.py`, exact copies "
        "of WDI "
        "values, UNHCR whole numbers) and stops with `DerivationError` if one fails. Output is "
        "deterministic: sorted rows, fixed columns, `\\n` line endings, gzip with mtime 0 and no "
        "file name. The compressed bytes also depend on the zlib build, so the sha256 of the "
        "uncompressed CSV text is given too.",
        "",
        "## Principles",
        "",
        "* **Nothing is imputed, filled or estimated.** An empty source cell produces no "
        "observation (there are no NaN values in these files); a zero in the source stays a zero.",
        "* Observation files have the header `"
        + ",".join(COLUMNS)
        + "`. `counterpart_iso3` is empty "
        "(none of these indicators is dyadic). `value` is the float64 value written with Python's "
        "`repr(float)` (shortest text that reads back to the same float; integers as e.g. "
        "`2940735.0`, income-group codes as `1.0`–`4.0`, `dac_member` as `1.0`). `unit` is the "
        "indicator's canonical unit and `source` a key of `sources.json`.",
        "* **Negative values occur only where the vocabulary allows them**: "
        + ", ".join(f"`{n}`" for n in sorted(MAY_BE_NEGATIVE))
        + " (net ODA; accounting adjustments of UNHCR revenue).",
        "* **UNHCR counts are confidentiality-rounded at source**: no value between 1 and 4 occurs "
        '(checked), and 5 is very frequent, so a 5 means "1 to 5". Sums over origins inherit this.',
        "* **`UNK` rows (unknown country of asylum / unknown UNRWA field) are kept.** `UNK` is "
        "not an "
        "ISO 3166 code; the library tags it as a non-country (entity type `unknown`) and never "
        "ranks "
        "or sums it with countries.",
        "* Reference tables ("
        + ", ".join(f"`{o.name}`" for o in OUTPUTS if o.kind == "reference")
        + ") are not observations and are not loaded by `burdenshare.load_sample()` (their "
        "header is not the observation header). `unhcr_revenue_non_government.csv` keeps the "
        "UNHCR revenue rows that are not a country's (EU, private donors, pooled funds, "
        "unattributed remainders), unchanged, so that nothing of the source is silently lost; "
        "`dac_membership_transcribed.csv` is the hand transcription, with a quote and the page "
        "for every accession year, from which `dac_membership.csv.gz` is derived.",
        "",
        f"Total size of the files listed below: {total:,} bytes.",
        "",
        "## Sources",
        "",
        f"`sources.json` (sha256 `{sources_sha}`) describes each source id:",
        "",
        "| source id | publisher | licence | vintage |",
        "|---|---|---|---|",
    ]
    for sid, s in SOURCES.items():
        L.append(f"| `{sid}` | {s['publisher']} | {s['licence']} | {s['vintage']} |")
    L.append("")
    for o in OUTPUTS:
        L += [f"## `{o.name}`", ""]
        if o.sources:
            L.append("Source: " + ", ".join(f"`{s}`" for s in o.sources) + ".")
            L.append(
                "Licence: " + "; ".join(SOURCES[s]["licence"].rstrip(".") for s in o.sources)
                + ". "
                "Attribution: " + " ".join(ATTRIBUTION[s] for s in o.sources)
            )
        else:
            L.append(
                "Source: shared reference table built from UNHCR's `refugees` R package 2025.12.1 "
                "(`countries.rda`, CC BY 4.0) and `datasets/country-codes` (commit caa72d1e…); "
                "see `shared/data/README.md`."
            )
        L += [
            "",
            "Input: "
            + ", ".join(
                f"`{i}` ({'this folder' if i in LOCAL_INPUTS else 'shared data'})" for i in o.inputs
            )
            + ".",
            "",
            "Derivation steps:",
            "",
        ]
        L += [f"{k}. {s}" for k, s in enumerate(o.steps, 1)]
        L.append("")
        if o.frame is not None:
            L += indicator_table(o.frame)
            L += [
                "",
                f"Rows: {o.rows:,}; years {o.frame['year'].min()}–{o.frame['year'].max()}; "
                f"{o.frame['iso3'].nunique()} distinct iso3 codes.",
            ]
        else:
            L.append(f"Rows: {o.rows:,}.")
        L += ["", f"Size: {o.size:,} bytes. sha256: `{o.sha256}`"]
        if o.sha256_csv != o.sha256:
            L.append(f"(uncompressed CSV sha256: `{o.sha256_csv}`)")
        L.append("")
    L += [
        "## Codes in the observations that are not in `country_codes.csv`",
        "",
        "| code | files | meaning / library handling |",
        "|---|---|---|",
    ]
    for code in sorted(codes):
        L.append(f"| `{code}` | {', '.join(codes[code])} | {CODES_NOT_IN_CODE_TABLE[code]} |")
    L += ["", "Any other code missing from `country_codes.csv` stops the script.", ""]
    if NOTES:
        L += ["## Notes on the data", ""] + [f"* {n}" for n in NOTES] + [""]
    L += ["## Input files and their sha256", "", "| file | where | sha256 |", "|---|---|---|"]
    for name in sorted({i for o in OUTPUTS for i in o.inputs}):
        where = "this folder" if name in LOCAL_INPUTS else "shared data"
        L.append(f"| `{name}` | {where} | `{sha256_file(input_path(shared, name))}` |")
    L.append("")
    write_bytes(outdir / "README.md", "\n".join(L))


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"folder with the shared reference data (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="folder to write into (default: this folder, data_samples/)",
    )
    parser.add_argument(
        "--indicators-md",
        type=Path,
        default=None,
        help="also regenerate the sample-coverage table in this methodology/indicators.md",
    )
    args = parser.parse_args(argv)
    shared = args.shared.resolve()
    require(shared.is_dir(), f"shared data folder {shared} not found")
    outdir = args.out.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    # step 0: the vocabulary still has what this script writes in a fixed form
    check_vocabulary()
    # steps 1-6: one derivation per output file (each validates and writes its file)
    copy_country_codes(shared, outdir)
    derive_unhcr_population(shared, outdir)
    derive_unhcr_unrwa(shared, outdir)
    derive_unhcr_origin(shared, outdir)
    derive_unhcr_solutions(shared, outdir)
    derive_unhcr_asylum_applications(shared, outdir)
    derive_unhcr_demographics(shared, outdir)
    derive_wdi(shared, outdir)
    derive_uis(shared, outdir)  # issue 14
    derive_income_groups(shared, outdir)
    derive_un_wpp(shared, outdir)
    derive_oghist(shared, outdir)
    derive_who_ghed(shared, outdir)
    derive_unhcr_revenue(shared, outdir)
    derive_dac_membership(shared, outdir)
    derive_oecd_dac(shared, outdir)
    derive_oecd_dac_2023_2025(shared, outdir)  # --- OECD DAC 2023-2025 (issue 14)
    # step 7: cross-file checks (unique keys across files; codes known or explicitly listed)
    check_global_keys()
    codes = check_codes(outdir)
    # step 8: sources.json and README.md (README is generated, so it is always true)
    sources_sha = write_sources(outdir)
    write_readme(outdir, shared, sources_sha, codes)
    if args.indicators_md is not None:
        update_indicators_md(args.indicators_md.resolve())
    total = sum(o.size for o in OUTPUTS)
    print(f"total {total:,} bytes in {len(OUTPUTS)} data files (+ sources.json, README.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
