"""OECD DAC1 client: the OECD's SDMX-REST data API, SDMX-CSV answers, through ``requests``.

Why not ``oda_reader``: its releases available here either pin ``pandas-stubs~=2.3`` at run
time (1.8, 1.9; burdenshare needs pandas 3 and its stubs) or call ``logging.basicConfig`` at
import, keep their cache directory in a module global and answer from a process-wide 7-day
HTTP cache with ``stale_if_error=True`` (1.6); and none lets the caller see the raw answers,
whose sha256 every vintage must record. The two DAC1 queries burdenshare needs are
plain SDMX-REST URLs, so they go through the same recorded, retried client as UNHCR's. What
oda_reader absorbs (dataflow version churn, dimension order changes) is handled by asking for
the latest dataflow version and checking every answer's columns and codes against the query.

Indicators (names, units and conventions of the embedded ``oecd_dac.csv.gz``):

* ``idrc_usd_million_current``: measure 1820 (refugees in donor countries), net disbursements
  (flow type 1140) to 2017, grant equivalents (1160) from 2018, current USD million;
* ``oda_usd_million_current``: total ODA, official definition: measure 1010 with flow 1140 to
  2017, measure 11010 with flow 1160 from 2018, current USD million;
* ``oda_usd_million_constant_2025``: the same at constant prices, only when the release's price
  base year is 2025 (otherwise left out and said in the notes);
* ``gni_usd_million_current``: measure 1 (GNI), current USD million;
* ``oda_gni_pct_published``: 100 x ODA / GNI of the same release, rounded half-up to 2 decimals
  as the OECD publishes it (a derived value, under its own source id that says so).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._errors import FetchError
from ..countries import entity_type
from ..data import Source
from ._common import Record, frame_of, round_half_up
from ._http import HttpClient
from ._types import Fetched

__all__ = ["BASE_URL", "DATAFLOW", "LICENCE", "dac1_key", "fetch_oecd_dac", "is_preliminary"]

BASE_URL = "https://sdmx.oecd.org/public/rest/data"
#: Agency and dataflow; no version, i.e. the latest (the version served is read back from the
#: answer's STRUCTURE_ID and recorded).
DATAFLOW = "OECD.DCD.FSD,DSD_DAC1@DF_DAC1"
#: Dimension order of DSD_DAC1 (oda_reader 1.6 QueryBuilder.build_dac1_filter).
DIMENSIONS = ("DONOR", "SECTOR", "MEASURE", "TYING_STATUS", "FLOW_TYPE", "UNIT_MEASURE",
              "PRICE_BASE")
LICENCE = ("OECD Terms and Conditions (free reuse with attribution: 'Source: OECD'), "
           "https://www.oecd.org/en/about/terms-conditions.html")
FIRST_YEAR = 2000
#: Year of the change from net flows to grant equivalents in the ODA headline.
GRANT_EQUIVALENT_FROM = 2018
CONSTANT_BASE_YEAR = 2025
#: Bodies of the OECD's 404 that mean "no data for this query" rather than a wrong URL.
NO_RECORDS = ("NoRecordsFound", "NoResultsFound", "No Records Found", "No Results Found")

_REQUIRED = ("DONOR", "MEASURE", "FLOW_TYPE", "UNIT_MEASURE", "PRICE_BASE", "TIME_PERIOD",
             "OBS_VALUE", "UNIT_MULT")


def dac1_key(**codes: str) -> str:
    """Return the SDMX key of a DAC1 query: dimension values joined in DSD order, empty = all.

    Examples
    --------
    >>> dac1_key(MEASURE="1", UNIT_MEASURE="USD", PRICE_BASE="V")
    '..1...USD.V'
    """
    unknown = set(codes) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"not DAC1 dimensions: {sorted(unknown)}")
    return ".".join(codes.get(d, "") for d in DIMENSIONS)


#: The two queries: ODA and in-donor refugee costs (current and constant prices), and GNI.
QUERIES = {
    "oda_idrc": {"MEASURE": "1010+11010+1820", "FLOW_TYPE": "1140+1160", "UNIT_MEASURE": "USD",
                 "PRICE_BASE": "V+Q"},
    "gni": {"MEASURE": "1", "UNIT_MEASURE": "USD", "PRICE_BASE": "V"},
}


def is_preliminary(year: int, retrieved: str) -> bool:
    """Whether DAC1 figures for ``year`` are still preliminary on the date ``retrieved``.

    The OECD publishes preliminary ODA for year Y in April of Y+1 and final figures in December
    of Y+1 (the exact day varies), so anything retrieved before 31 December of Y+1 is treated as
    preliminary. This errs on the side of labelling a final figure preliminary for a few days.

    Examples
    --------
    >>> is_preliminary(2025, "2026-12-07"), is_preliminary(2024, "2026-12-07")
    (True, False)
    """
    return retrieved < f"{year + 1}-12-31"


def _read_csv(client: HttpClient, name: str, years: tuple[int, int]) -> tuple[pd.DataFrame, str]:
    url = f"{BASE_URL}/{DATAFLOW}/{dac1_key(**QUERIES[name])}"
    params = {"startPeriod": str(years[0]), "endPeriod": str(years[1]),
              "dimensionAtObservation": "AllDimensions", "format": "csvfilewithlabels"}
    answer = client.get(url, params, ok_statuses=frozenset({200, 404}),
                        what_to_do="run `burdenshare data update oecd_dac` again later")
    text = answer.body.decode("utf-8-sig", errors="replace")
    if answer.status == 404:
        if any(marker.lower() in text.lower() for marker in NO_RECORDS):
            return pd.DataFrame(columns=list(_REQUIRED)), answer.url
        raise FetchError(f"OECD: {answer.url} answered HTTP 404 ({text.strip()[:120]!r}): the "
                         "DAC1 dataflow was not found; nothing was stored; the OECD may have "
                         "renamed it (report it to burdenshare)", url=answer.url, status=404)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise FetchError(f"OECD: {answer.url} answered HTTP 200 with text that is not SDMX-CSV; "
                         "nothing was stored; try again later", url=answer.url,
                         status=200) from err
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise FetchError(f"OECD: {answer.url}: the SDMX-CSV answer lacks columns {missing} "
                         f"(has {list(df.columns)[:12]}); nothing was stored; the DAC1 structure "
                         "may have changed (report it to burdenshare)", url=answer.url, status=200)
    asked = QUERIES[name]
    for dim, values in asked.items():
        got = set(df[dim]) - set(values.split("+"))
        if got:
            raise FetchError(f"OECD: {answer.url}: {dim} {sorted(got)} was not asked for (the "
                             "DAC1 dimension order may have changed); nothing was stored; "
                             "report it to burdenshare", url=answer.url, status=200)
    return df, answer.url


def _values(df: pd.DataFrame, url: str) -> pd.Series:
    """OBS_VALUE in USD million (scaled by UNIT_MULT); empty cells -> NaN."""
    def one(value: str, mult: str) -> float:
        if value.strip() == "":
            return math.nan
        try:
            return float(value) * 10.0 ** (int(mult) - 6)
        except ValueError as err:
            raise FetchError(f"OECD: {url}: OBS_VALUE {value!r} / UNIT_MULT {mult!r} is not a "
                             "number; nothing was stored", url=url) from err

    return pd.Series([one(v, m) for v, m in zip(df["OBS_VALUE"], df["UNIT_MULT"], strict=True)],
                     index=df.index, dtype="float64")


def _select(df: pd.DataFrame, values: pd.Series, years: pd.Series, *, measure_net: str,
            measure_ge: str, price: str) -> pd.DataFrame:
    early = (years < GRANT_EQUIVALENT_FROM) & (df["MEASURE"] == measure_net) & (
        df["FLOW_TYPE"] == "1140")
    late = (years >= GRANT_EQUIVALENT_FROM) & (df["MEASURE"] == measure_ge) & (
        df["FLOW_TYPE"] == "1160")
    keep = (early | late) & (df["PRICE_BASE"] == price)
    out = df.loc[keep].assign(_value=values[keep], _year=years[keep])
    return out


def _records(part: pd.DataFrame, indicator: str, url: str) -> list[tuple[str, int, str, float]]:
    rows: dict[tuple[str, int], float] = {}
    for donor, year, value, sector in zip(part["DONOR"], part["_year"], part["_value"],
                                          part.get("SECTOR", pd.Series([""] * len(part))),
                                          strict=True):
        key = (str(donor), int(year))
        if key in rows and not (rows[key] == value or (math.isnan(rows[key]) and
                                                       math.isnan(value))):
            raise FetchError(f"OECD: {url}: two different {indicator} values for {donor} {year} "
                             f"(SECTOR {sector!r}?); nothing was stored; the DAC1 structure may "
                             "have changed (report it to burdenshare)", url=url)
        rows[key] = value
    return [(d, y, indicator, v) for (d, y), v in sorted(rows.items())]


def _candidates(oda: pd.DataFrame, oda_url: str, gni: pd.DataFrame, gni_url: str,
                notes: list[str]) -> list[Record]:
    """Every DAC1 value of the queried measures, before the donor filter."""
    candidates: list[Record] = []
    if len(oda):
        v, y = _values(oda, oda_url), oda["TIME_PERIOD"].astype("int64")
        candidates += _records(_select(oda, v, y, measure_net="1820", measure_ge="1820",
                                       price="V"), "idrc_usd_million_current", oda_url)
        candidates += _records(_select(oda, v, y, measure_net="1010", measure_ge="11010",
                                       price="V"), "oda_usd_million_current", oda_url)
        const = _select(oda, v, y, measure_net="1010", measure_ge="11010", price="Q")
        bases = sorted(set(const.get("BASE_PER", pd.Series(dtype=str))) - {""})
        if str(CONSTANT_BASE_YEAR) in bases and len(bases) == 1:
            candidates += _records(const, "oda_usd_million_constant_2025", oda_url)
        elif len(const):
            notes.append(f"OECD: constant-price ODA of this release has price base year(s) "
                         f"{bases or ['not stated']}, not {CONSTANT_BASE_YEAR}; "
                         "oda_usd_million_constant_2025 was not fetched (it would need an "
                         "indicator for that base year).")
    if len(gni):
        g = gni.assign(_value=_values(gni, gni_url), _year=gni["TIME_PERIOD"].astype("int64"))
        candidates += _records(g, "gni_usd_million_current", gni_url)
    return candidates


def _is_country(code: str) -> bool:
    try:
        return entity_type(code) == "country"
    except KeyError:
        return False


def _country_donors(candidates: list[Record], oda: pd.DataFrame, notes: list[str]) -> list[Record]:
    """Keep country donors with a value; DAC totals, EU institutions and groups are noted."""
    kept: list[Record] = []
    groups: dict[str, str] = {}
    empty: dict[str, int] = {}
    labels = dict(zip(oda.get("DONOR", []), oda.get("Donor", oda.get("DONOR", [])), strict=False))
    for code, year, indicator, value in candidates:
        if not _is_country(code):
            groups[code] = str(labels.get(code, code))
        elif math.isnan(value):
            empty[indicator] = empty.get(indicator, 0) + 1
        else:
            kept.append((code, year, indicator, value))
    if groups:
        notes.append("OECD: left out donors that are not countries (DAC totals, EU institutions, "
                     "other groups): " + ", ".join(f"{c} ({n})" for c, n in sorted(groups.items()))
                     + ".")
    if empty:
        notes.append("OECD: empty cells give no observation: "
                     + ", ".join(f"{k} {n}" for k, n in sorted(empty.items())) + ".")
    return kept


def _published_ratio(kept: list[Record]) -> list[Record]:
    """ODA/GNI as published: 100 x ODA / GNI, rounded half-up to 2 decimals."""
    oda_cur = {(c, y): v for c, y, i, v in kept if i == "oda_usd_million_current"}
    gni_cur = {(c, y): v for c, y, i, v in kept if i == "gni_usd_million_current"}
    return [(c, y, "oda_gni_pct_published", round_half_up(100.0 * v / gni_cur[(c, y)], 2))
            for (c, y), v in sorted(oda_cur.items()) if gni_cur.get((c, y), 0.0) > 0.0]


def _preliminary_years(kept: list[Record], frames: tuple[pd.DataFrame, ...], retrieved: str,
                       notes: list[str]) -> list[int]:
    """Years preliminary by the release calendar or flagged ``OBS_STATUS = P``."""
    prelim = {y for _, y, _, _ in kept if is_preliminary(y, retrieved)}
    for frame in frames:
        if "OBS_STATUS" in frame.columns:  # SDMX observation status P = provisional
            flagged = frame.loc[frame["OBS_STATUS"] == "P", "TIME_PERIOD"]
            prelim |= {int(y) for y in flagged}
    years = sorted(prelim)
    if years:
        notes.append(f"OECD: preliminary year(s): {', '.join(map(str, years))} (the OECD "
                     "publishes preliminary ODA in April and final figures in December of the "
                     "following year; preliminary figures are revised).")
    return years


def _dac_sources(src: str, src_ratio: str, retrieved: str, structure: list[str],
                 prelim: list[int]) -> dict[str, Source]:
    """The Source records of the downloaded series and of the derived ratio."""
    prelim_text = ", ".join(map(str, prelim)) if prelim else "none"
    version = "; ".join(structure) if structure else "latest version (not stated in the answer)"
    base = Source(
        id=src, title="OECD DAC1: flows by donor (ODA, in-donor refugee costs, GNI)",
        publisher="OECD Development Assistance Committee", url=BASE_URL, licence=LICENCE,
        retrieved=retrieved,
        vintage=(f"OECD SDMX API, dataflow {version}, retrieved {retrieved}; preliminary "
                 f"years: {prelim_text}"),
        derivation=("DAC1 SDMX-CSV: measure 1820 (refugees in donor countries) -> "
                    "idrc_usd_million_current; measure 1010 (to 2017, net flows 1140) and 11010 "
                    "(from 2018, grant equivalent 1160) -> oda_usd_million_current (prices V) and "
                    "oda_usd_million_constant_2025 (prices Q, base year 2025 only); measure 1 -> "
                    "gni_usd_million_current; USD million (OBS_VALUE x 10^(UNIT_MULT-6)); country "
                    "donors only; empty cells give no observation."),
    )
    ratio_source = Source(
        id=src_ratio, title="ODA as % of GNI, derived from OECD DAC1 ODA and GNI",
        publisher="burdenshare, from OECD DAC1", url=BASE_URL, licence=LICENCE,
        retrieved=retrieved, vintage=base.vintage,
        derivation=("Derived, not downloaded: 100 x oda_usd_million_current / "
                    "gni_usd_million_current of the same release, rounded half-up to 2 decimals "
                    "as the OECD publishes the ratio (precision: 0.01 percentage points)."),
    )
    return {src: base, src_ratio: ratio_source}


def fetch_oecd_dac(client: HttpClient, years: tuple[int, int], retrieved: str) -> Fetched:
    """Fetch in-donor refugee costs, ODA (current and constant 2025), GNI and ODA/GNI.

    Parameters
    ----------
    client : HttpClient
    years : tuple of int
    retrieved : str
        Retrieval date, ISO 8601 (names the source ids, decides which years are preliminary).

    Returns
    -------
    Fetched

    Raises
    ------
    FetchError
    """
    stamp = retrieved.replace("-", "_")
    src = f"oecd_dac1_api_{stamp}"
    src_ratio = f"oecd_dac1_api_{stamp}_oda_gni_derived"
    notes: list[str] = []
    oda, oda_url = _read_csv(client, "oda_idrc", years)
    gni, gni_url = _read_csv(client, "gni", years)
    structure = sorted(set(oda.get("STRUCTURE_ID", pd.Series(dtype=str))) |
                       set(gni.get("STRUCTURE_ID", pd.Series(dtype=str))))
    kept = _country_donors(_candidates(oda, oda_url, gni, gni_url, notes), oda, notes)
    ratio = _published_ratio(kept)
    if not kept:
        raise FetchError(f"OECD: {oda_url}: no DAC1 observations for {years[0]}-{years[1]}; "
                         "nothing was stored; check the years", url=oda_url)
    prelim = _preliminary_years(kept, (oda, gni), retrieved, notes)
    obs = pd.concat([frame_of(kept, src), frame_of(ratio, src_ratio)], ignore_index=True)
    params: Mapping[str, Any] = {
        "api": BASE_URL, "dataflow": DATAFLOW, "years": [years[0], years[1]],
        "keys": {k: dac1_key(**q) for k, q in QUERIES.items()}, "structure": structure,
        "preliminary_years": prelim}
    return Fetched(publisher="oecd_dac", observations=obs,
                   sources=_dac_sources(src, src_ratio, retrieved, structure, prelim),
                   requests=tuple(client.requests), params=params, licence=LICENCE,
                   notes=tuple(notes))
