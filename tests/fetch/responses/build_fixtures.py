"""Rebuild the constructed publisher responses in this folder (run once; outputs are committed).

    .venv/bin/python tests/fetch/responses/build_fixtures.py

Every response follows the publisher's documented answer format (cited beside each builder and
in README.md here) and carries REAL published figures for the fields burdenshare reads: they are
copied from the embedded samples (data_samples/, themselves derived from the publishers' files)
or from ../shared/data, so a test can check that a fetched vintage reproduces the embedded rows
exactly. Fields burdenshare does not read carry "-" (the API's "not applicable") and are marked
constructed in README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SAMPLES = REPO / "data_samples"
SHARED = REPO.parent / "shared" / "data"
READ = {"keep_default_na": False, "na_values": [""]}

#: UNHCR ids and names as recorded from /countries/ (cyanheads/unhcr-refugees-mcp-server
#: tests/fixtures/unhcr.ts COUNTRY_ROWS, captured 2026-09-26) and burdenshare's code table.
UNHCR = {  # iso3: (coa_id, UNHCR code, name)
    "AUT": (12, "AUS", "Austria"),
    "EGY": (8, "ARE", "Egypt"),
    "DEU": (72, "GFR", "Germany"),
    "JOR": (96, "JOR", "Jordan"),
    "TUR": (196, "TUR", "Türkiye"),
    "SYR": (185, "SYR", "Syrian Arab Rep."),
    "AFG": (2, "AFG", "Afghanistan"),
    "TIB": (218, "TIB", "Tibetan"),
    "LBN": (109, "LEB", "Lebanon"),
    "PSE": (69, "GAZ", "State of Palestine"),
    "UNK": (262, "UKN", "Unknown "),
}
YEARS = (2023, 2024, 2025)


def summed(prefix: str) -> dict[str, object]:
    """Identity fields of a summed dimension: "-" in all four (API Reference, 'Envelope')."""
    return {f"{prefix}_id": "-", f"{prefix}_name": "-", prefix: "-", f"{prefix}_iso": "-"}


def named(prefix: str, iso3: str) -> dict[str, object]:
    cid, code, name = UNHCR[iso3]
    return {f"{prefix}_id": cid, f"{prefix}_name": name, prefix: code, f"{prefix}_iso": iso3}


def envelope(items: list[dict[str, object]], page: int, max_pages: int, total: object) -> dict:
    # {page, short-url, maxPages, total, items}: cyanheads docs/design.md "API Reference",
    # table "Envelope and behaviors" (live probe 2026-09-26)
    return {"page": page, "short-url": "constructed", "maxPages": max_pages, "total": total,
            "items": items}


def cell(value: float | None) -> object:
    """A count as the API sends it: integer, the string "0" for zero, "-" for not applicable."""
    if value is None or pd.isna(value):
        return "-"
    return "0" if value == 0 else int(value)


def write_json(name: str, obj: object) -> None:
    (HERE / name).write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def unhcr_population() -> None:
    pop = pd.read_csv(SAMPLES / "unhcr_population.csv.gz", **READ)
    pop = pop[pop["iso3"].isin(["AUT", "EGY", "DEU", "JOR", "TUR"]) & pop["year"].isin(YEARS)]
    wide = pop.pivot_table(index=["year", "iso3"], columns="indicator", values="value")
    items = []
    for (year, iso3), r in wide.sort_index().iterrows():  # year ascending, as the API sorts
        items.append({"year": int(year), **summed("coo"), **named("coa", iso3),
                      "refugees": cell(r.get("refugees")),
                      "asylum_seekers": cell(r.get("asylum_seekers")),
                      "returned_refugees": "-", "idps": cell(r.get("idps")), "returned_idps": "-",
                      "stateless": cell(r.get("stateless")), "ooc": "-",
                      "oip": cell(r.get("oip")), "hst": "-"})
    write_json("unhcr_population_coa_p1.json", envelope(items[:8], 1, 2, []))
    write_json("unhcr_population_coa_p2.json", envelope(items[8:], 2, 2, []))


def unhcr_population_by_origin() -> None:
    org = pd.read_csv(SHARED / "unhcr_population_by_origin_year.csv", **READ)
    org = org[org["iso3"].isin(["SYR", "AFG", "TIB"]) & org["year"].isin(YEARS)]
    items = [{"year": int(r.year), **named("coo", r.iso3), **summed("coa"),
              "refugees": cell(r.refugees), "asylum_seekers": cell(r.asylum_seekers),
              "returned_refugees": "-", "idps": "-", "returned_idps": "-", "stateless": "-",
              "ooc": "-", "oip": "-", "hst": "-"}
             for r in org.sort_values(["year", "iso3"]).itertuples()]
    write_json("unhcr_population_coo_p1.json", envelope(items, 1, 1, []))


def unhcr_solutions() -> None:
    sol = pd.read_csv(SAMPLES / "unhcr_solutions.csv.gz", **READ)
    sol = sol[sol["iso3"].isin(["DEU", "JOR"]) & sol["year"].isin(YEARS)]
    wide = sol.pivot_table(index=["year", "iso3"], columns="indicator", values="value")
    # /solutions/ fields: returned_refugees, resettlement, naturalisation, returned_idps
    # (cyanheads docs/design.md "Endpoints"); `total` is an object of column sums there
    items = [{"year": int(y), **summed("coo"), **named("coa", i), "returned_refugees": "-",
              "resettlement": cell(r.get("resettlement_arrivals")),
              "naturalisation": cell(r.get("naturalisations")), "returned_idps": "-"}
             for (y, i), r in wide.sort_index().iterrows()]
    write_json("unhcr_solutions_p1.json", envelope(items, 1, 1, {"constructed": True}))


def unhcr_asylum_applications() -> None:
    src = pd.read_csv(SHARED / "unhcr_asylum_applications.csv.gz",
                      dtype={"app_type": str, "dec_level": str, "app_pc": str}, **READ)
    src = src[src["coa_iso"].isin(["AUT", "TUR"]) & (src["year"] == 2024)]
    keys = ["year", "coa_iso", "procedure_type", "app_type", "dec_level", "app_pc"]
    agg = src.groupby(keys, as_index=False)["applied"].sum()
    # /asylum-applications/ rows: applied + procedure_type, app_type, dec_level, app_pc
    # (cyanheads docs/design.md "Endpoints"), summed over origins (coo "-")
    items = [{"year": int(r.year), **summed("coo"), **named("coa", r.coa_iso),
              "procedure_type": r.procedure_type, "app_type": r.app_type,
              "dec_level": r.dec_level, "app_pc": r.app_pc, "applied": cell(r.applied)}
             for r in agg.itertuples()]
    write_json("unhcr_asylum_applications_p1.json",
               envelope(items, 1, 1, {"applied": int(agg["applied"].sum())}))


def unhcr_demographics() -> None:
    src = pd.read_csv(SHARED / "unhcr_demographics_2025.csv.gz", **READ)
    src = src[src["coa_iso"].isin(["AUT", "JOR"])]
    cols = [f"{s}_{b}" for s in ("f", "m") for b in ("0_4", "5_11", "12_17", "18_59", "60",
                                                      "other", "total")] + ["total"]
    agg = src.groupby(["year", "coa_iso", "pop_type"], as_index=False)[cols].sum()
    # /demographics/ with ptype_show=true: f_0_4 ... m_60, f_other, f_total, m_*, total and
    # pop_type (cyanheads docs/design.md "Endpoints"), summed over origins
    items = [{"year": int(r["year"]), **summed("coo"), **named("coa", r["coa_iso"]),
              "pop_type": r["pop_type"], **{c: cell(r[c]) for c in cols}}
             for _, r in agg.iterrows()]
    write_json("unhcr_demographics_p1.json", envelope(items, 1, 1, []))


def unhcr_unrwa() -> None:
    src = pd.read_csv(SAMPLES / "unhcr_unrwa.csv.gz", **READ)
    src = src[src["year"].isin(YEARS)].sort_values(["year", "iso3"])
    # /unrwa/ companion rows {year, identity, total} by field of operation (coa: PSE, JOR, LBN,
    # SYR, UNK): cyanheads docs/design.md "Endpoints" and tests/fixtures/unhcr.ts companionRow
    items = [{"year": int(r.year), **summed("coo"), **named("coa", r.iso3), "total": cell(r.value)}
             for r in src.itertuples()]
    write_json("unhcr_unrwa_p1.json", envelope(items, 1, 1, []))


def unhcr_empty() -> None:
    # an empty result: 200, maxPages 0, items [] (cyanheads docs/design.md "Envelope and
    # behaviors": unknown code, reversed window, no data)
    write_json("unhcr_empty.json", envelope([], 1, 0, []))


def wdi() -> None:
    src = pd.read_csv(SHARED / "wdi_country_year_long.csv.gz", dtype=str, **READ)
    src = src[src["indicator_code"].isin(["SP.POP.TOTL", "NY.GDP.MKTP.CD", "GC.XPN.TOTL.GD.ZS"])
              & src["iso3"].isin(["AUT", "DEU", "EUU"]) & src["year"].isin(["2023", "2024"])]
    names = {"SP.POP.TOTL": "Population, total", "NY.GDP.MKTP.CD": "GDP (current US$)",
             "GC.XPN.TOTL.GD.ZS": "Expense (% of GDP)"}
    rows = []
    for r in src.sort_values(["indicator_code", "iso3", "year"]).itertuples():
        value = float(r.value)
        rows.append({"variable": [
            {"concept": "Country", "id": r.iso3, "value": r.country_name},
            {"concept": "Series", "id": r.indicator_code, "value": names[r.indicator_code]},
            {"concept": "Time", "id": f"YR{r.year}", "value": r.year}],
            "value": int(value) if value.is_integer() else value})
    # GC.XPN.TOTL.GD.ZS for Austria 2024 has no value in WDI: the API sends null
    rows.append({"variable": [
        {"concept": "Country", "id": "AUT", "value": "Austria"},
        {"concept": "Series", "id": "GC.XPN.TOTL.GD.ZS", "value": names["GC.XPN.TOTL.GD.ZS"]},
        {"concept": "Time", "id": "YR2024", "value": "2024"}], "value": None})
    half = (len(rows) + 1) // 2

    # v2 "sources" data answer as wbgapi parses it (wbgapi 1.0.14 __init__.py _responseHeader /
    # _responseObjects: a dict with page, pages, per_page, total and source.data; World Bank
    # "API Basic Call Structures", datahelpdesk.worldbank.org/knowledgebase/articles/898581)
    def page(n: int, part: list[dict]) -> dict:
        return {"page": n, "pages": 2, "per_page": half, "lastupdated": "2026-07-01",
                "total": len(rows), "source": {"id": "2", "name": "World Development Indicators",
                                               "data": part}}

    write_json("wdi_p1.json", page(1, rows[:half]))
    write_json("wdi_p2.json", page(2, rows[half:]))


def oecd() -> None:
    dac = pd.read_csv(SAMPLES / "oecd_dac.csv.gz", **READ)
    new = pd.read_csv(SHARED / "oecd_dac_idrc_oda_by_donor_2023_2025_current_usd.csv", **READ)
    new = new[new["recommended_vintage"].astype(str) == "True"]
    # SDMX-CSV 2.0 with labels, as the OECD serves format=csvfilewithlabels; columns as
    # oda_reader 1.6.0 reads them (oda_reader/schemas/mappings/dac1_dotstat.json)
    header = ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "DONOR", "Donor", "SECTOR",
              "Sector", "MEASURE", "Measure", "TYING_STATUS", "Tying status", "FLOW_TYPE",
              "Flow type", "UNIT_MEASURE", "Unit of measure", "PRICE_BASE", "Price base",
              "TIME_PERIOD", "Time period", "OBS_VALUE", "Observation value", "BASE_PER",
              "Base period", "OBS_STATUS", "Observation status", "UNIT_MULT", "Unit multiplier",
              "DECIMALS", "Decimals"]
    names = {"DEU": "Germany", "AUT": "Austria", "DAC": "DAC countries"}
    measures = {"1820": "Refugees in donor countries", "1010": "Official Development Assistance "
                "(ODA)", "11010": "Official Development Assistance (ODA), grant equivalent",
                "1": "Gross National Income (GNI)"}
    flows = {"1140": "Net disbursements", "1160": "Grant equivalents", "": ""}

    def row(donor: str, measure: str, flow: str, price: str, year: int, value: float,
            base: str = "") -> list[str]:
        return ["dataflow", "OECD.DCD.FSD:DSD_DAC1@DF_DAC1(1.8)", "DAC1: Flows by donor", "I",
                donor, names[donor], "1000", "Total", measure, measures[measure], "_T", "Total",
                flow, flows[flow], "USD", "US dollar", price,
                "Current prices" if price == "V" else "Constant prices", str(year), "",
                repr(value), "", base, "", "", "", "6", "Millions", "2", "Two"]

    def val(iso3: str, year: int, ind: str) -> float:
        s = dac[(dac["iso3"] == iso3) & (dac["year"] == year) & (dac["indicator"] == ind)]
        return float(s["value"].iloc[0])

    oda_rows, gni_rows = [], []
    for iso3 in ("AUT", "DEU"):
        oda_rows.append(row(iso3, "1820", "1140", "V", 2017, val(iso3, 2017,
                                                                  "idrc_usd_million_current")))
        oda_rows.append(row(iso3, "1010", "1140", "V", 2017, val(iso3, 2017,
                                                                  "oda_usd_million_current")))
        oda_rows.append(row(iso3, "1820", "1160", "V", 2022, val(iso3, 2022,
                                                                  "idrc_usd_million_current")))
        oda_rows.append(row(iso3, "11010", "1160", "V", 2022, val(iso3, 2022,
                                                                   "oda_usd_million_current")))
        oda_rows.append(row(iso3, "11010", "1160", "Q", 2022,
                            val(iso3, 2022, "oda_usd_million_constant_2025"), base="2025"))
        n = new[(new["donor_iso3"] == iso3) & (new["year"] == 2025)].iloc[0]
        oda_rows.append(row(iso3, "1820", "1160", "V", 2025, float(n["idrc_usd_million_current"])))
        oda_rows.append(row(iso3, "11010", "1160", "V", 2025,
                            float(n["total_oda_usd_million_current"])))
        for year in (2017, 2022):
            gni_rows.append(row(iso3, "1", "", "V", year, val(iso3, year, "gni_usd_million_current")))
    n = new[(new["donor_name"] == "DAC countries") & (new["year"] == 2025)].iloc[0]
    oda_rows.append(row("DAC", "1820", "1160", "V", 2025, float(n["idrc_usd_million_current"])))
    oda_rows.append(row("DAC", "11010", "1160", "V", 2025, float(n["total_oda_usd_million_current"])))
    for name, rows in (("oecd_dac1_oda_idrc.csv", oda_rows), ("oecd_dac1_gni.csv", gni_rows)):
        pd.DataFrame(rows, columns=header).to_csv(HERE / name, index=False, lineterminator="\n")


def html() -> None:
    # an HTML page served with status 200 instead of data (cyanheads docs/design.md
    # "Resilience": "A 200 whose body is not JSON ... throws serviceUnavailable")
    (HERE / "html_maintenance.html").write_text(
        "<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title></head>"
        "<body><h1>We'll be back soon</h1></body></html>\n", encoding="utf-8")


if __name__ == "__main__":
    unhcr_population()
    unhcr_population_by_origin()
    unhcr_solutions()
    unhcr_asylum_applications()
    unhcr_demographics()
    unhcr_unrwa()
    unhcr_empty()
    wdi()
    oecd()
    html()
