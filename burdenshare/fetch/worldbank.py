"""World Bank WDI client, through ``wbgapi`` (the World Bank's maintained API client).

* The fifteen WDI series of the embedded ``wdi.csv.gz`` (``data_samples/derive.py``'s
  ``WDI_MAP``), renamed to burdenshare's indicator names, units from the vocabulary.
* Current WDI: API source 2. A pinned release: source 57, the *WDI Database Archives*, whose
  ``version`` dimension names a release (``202607`` = July 2026); wbgapi lists the ids with
  ``wbgapi.source.features('version', db=57)``.
* Economies only: World Bank aggregates (regions, income groups) and codes burdenshare does not
  know are left out and counted in the notes. An empty cell gives no observation.
* The page walk is wbgapi's; burdenshare checks that the rows received equal the ``total`` the
  first page announced (a partial walk is an error) and records every page through a requests
  response hook (wbgapi calls ``requests.get(url, **wbgapi.get_options)``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .._errors import FetchError, ParameterError
from ..countries import entity_type
from ..data import Source
from . import _http
from ._common import Record, frame_of
from ._http import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    MAX_ATTEMPTS,
    RETRY_STATUSES,
    TIMEOUT,
    USER_AGENT,
    looks_like_html,
    record_of,
)
from ._types import Fetched, Request

__all__ = ["API_URL", "LICENCE", "WDI_SERIES", "fetch_worldbank", "wdi_path"]

API_URL = "https://api.worldbank.org/v2"
LICENCE = ("CC BY 4.0 (World Bank Terms of Use for Datasets, "
           "https://www.worldbank.org/en/about/legal/terms-of-use-for-datasets)")
#: API source ids: current WDI, and the WDI Database Archives (releases by ``version``).
WDI_DB = 2
ARCHIVE_DB = 57
#: Rows per page (wbgapi's default is 1,000; the API serves larger pages).
PER_PAGE = 10_000
FIRST_YEAR = 1960

#: WDI series code -> burdenshare indicator (identical to data_samples/derive.py WDI_MAP; a test
#: checks it).
WDI_SERIES = {
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


def wdi_path(years: tuple[int, int], version: str | None = None) -> str:
    """Return the wbgapi path (after ``/v2/en/``) of the WDI query.

    Parameters
    ----------
    years : tuple of int
        First and last year, both included (each year is named: ``YR2000;YR2001;...``).
    version : str, optional
        A WDI Database Archives release id (e.g. ``"202607"``): queries source 57 with the
        ``version`` dimension instead of the current WDI (source 2).

    Returns
    -------
    str

    Examples
    --------
    >>> wdi_path((2023, 2024)).split("/time/")[1]
    'YR2023;YR2024'
    >>> wdi_path((2024, 2024), "202607").endswith("/version/202607")
    True
    """
    db = WDI_DB if version is None else ARCHIVE_DB
    series = ";".join(WDI_SERIES)
    time = ";".join(f"YR{y}" for y in range(years[0], years[1] + 1))
    path = f"sources/{db}/series/{series}/country/all/time/{time}"
    if version is not None:
        path += f"/version/{version}"
    return path


@dataclass
class _Pages:
    """What the response hook saw: every exchange and each page's header."""

    requests: list[Request] = field(default_factory=list)
    headers: list[dict[str, Any]] = field(default_factory=list)
    last_status: int | None = None
    last_url: str = ""
    last_html: bool = False

    def hook(self, resp: Any, *args: Any, **kwargs: Any) -> Any:
        body: bytes = resp.content
        self.requests.append(record_of(str(resp.url), int(resp.status_code), body))
        self.last_status, self.last_url = int(resp.status_code), str(resp.url)
        self.last_html = looks_like_html(body, resp.headers.get("Content-Type", ""))
        try:
            parsed = json.loads(body)
        except ValueError:
            return resp
        if isinstance(parsed, dict):
            self.headers.append({k: v for k, v in parsed.items() if k != "source"})
        return resp


class _SessionShim:
    """Stands in for the ``requests`` module inside wbgapi so that its ``requests.get`` goes
    through an injected session.
    """

    def __init__(self, session: Any) -> None:
        self._session = session

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._session.get(url, **kwargs)


@contextmanager
def _wbgapi_routed(pages: _Pages, session: Any | None) -> Iterator[Any]:
    """Import wbgapi and route its requests through the hook (and ``session``), restoring its
    module-level options afterwards.
    """
    import wbgapi

    saved_options, saved_requests = wbgapi.get_options, wbgapi.requests
    wbgapi.get_options = {"timeout": TIMEOUT, "headers": {"User-Agent": USER_AGENT},
                          "hooks": {"response": [pages.hook]}}
    if session is not None:
        wbgapi.requests = _SessionShim(session)
    try:
        yield wbgapi
    finally:
        wbgapi.get_options, wbgapi.requests = saved_options, saved_requests


def _read_all(pages: _Pages, session: Any | None, path: str) -> list[dict[str, Any]]:
    """Walk every page of ``path`` through wbgapi, retrying transient failures."""
    import requests as rq

    full = f"{API_URL}/en/{path}"
    last_error = ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        first = len(pages.headers)
        with _wbgapi_routed(pages, session) as wb:
            try:
                rows = list(wb.fetch(path, params={"per_page": PER_PAGE}))
            except wb.APIResponseError as err:  # not JSON, or an unknown shape
                if pages.last_status == 200 and pages.last_html:
                    raise FetchError(
                        f"World Bank: {pages.last_url} answered HTTP 200 with an HTML page "
                        "instead of data (a maintenance or error page); nothing was stored; run "
                        "the update again later", url=pages.last_url, status=200) from err
                raise FetchError(f"World Bank: {err.url}: {err.msg}; nothing was stored; the API "
                                 "may have changed (report it to burdenshare)", url=str(err.url),
                                 status=pages.last_status) from err
            except wb.APIError as err:
                if err.code is not None and int(err.code) in RETRY_STATUSES:
                    last_error = f"HTTP {err.code} {err.msg}"
                elif err.code is None:
                    raise FetchError(f"World Bank: {err.url} refused the query: {err.msg}; "
                                     "nothing was stored; check the series and the WDI version",
                                     url=str(err.url)) from err
                else:
                    raise FetchError(f"World Bank: {err.url} answered HTTP {err.code} {err.msg}; "
                                     "nothing was stored; check the parameters (e.g. the WDI "
                                     "version)", url=str(err.url), status=int(err.code)) from err
            except (rq.Timeout, rq.ConnectionError) as err:
                last_error = f"no answer ({type(err).__name__})"
            else:
                _check_complete(pages.headers[first:], rows, full)
                return rows
        if attempt < MAX_ATTEMPTS:
            _http._sleep(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1)))
    raise FetchError(f"World Bank: {full} failed {MAX_ATTEMPTS} times, last: {last_error}; "
                     "nothing was stored; run the update again later", url=full,
                     status=pages.last_status)


def _check_complete(headers: list[dict[str, Any]], rows: list[dict[str, Any]], url: str) -> None:
    if not headers:
        raise FetchError(f"World Bank: {url}: no page header was seen; nothing was stored",
                         url=url)
    try:
        total = int(headers[0]["total"])
        pages = int(headers[0].get("pages", len(headers)))
    except (KeyError, TypeError, ValueError) as err:
        raise FetchError(f"World Bank: {url}: the first page has no usable `total`; nothing was "
                         "stored; the API may have changed (report it to burdenshare)",
                         url=url) from err
    if len(rows) != total or (total > 0 and len(headers) != pages):
        raise FetchError(f"World Bank: partial page walk at {url}: {len(rows)} rows in "
                         f"{len(headers)} pages received, the first page announced {total} rows in "
                         f"{pages} pages; nothing was stored; run the update again", url=url)


def _parse(rows: list[dict[str, Any]], url: str) -> tuple[list[Record], dict[str, int],
                                                          dict[str, int], dict[str, int]]:
    records: list[Record] = []
    empty: dict[str, int] = {}
    aggregates: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for row in rows:
        parts = {str(v.get("concept", "")).lower(): v for v in row.get("variable", [])}
        try:
            code = str(parts["country"]["id"])
            series = str(parts["series"]["id"])
            year = int(str(parts["time"]["id"]).removeprefix("YR"))
        except (KeyError, ValueError) as err:
            raise FetchError(f"World Bank: {url}: a row without country, series or year "
                             f"({row!r:.200}); nothing was stored; the API may have changed",
                             url=url) from err
        if series not in WDI_SERIES:
            raise FetchError(f"World Bank: {url}: series {series!r} was not asked for; nothing "
                             "was stored", url=url)
        indicator = WDI_SERIES[series]
        try:
            kind = entity_type(code)
        except KeyError:
            unknown[code] = unknown.get(code, 0) + 1
            continue
        if kind != "country":
            aggregates[code] = aggregates.get(code, 0) + 1
            continue
        value = row.get("value")
        if value is None or value == "":
            empty[indicator] = empty.get(indicator, 0) + 1
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FetchError(f"World Bank: {url}: {code} {year} {series} has value {value!r}, "
                             "not a number; nothing was stored", url=url)
        records.append((code, year, indicator, float(value)))
    return records, empty, aggregates, unknown


def fetch_worldbank(years: tuple[int, int], retrieved: str, *, version: str | None = None,
                    session: Any | None = None) -> Fetched:
    """Fetch the WDI series of the embedded sample, optionally from a pinned archive release.

    Parameters
    ----------
    years : tuple of int
        First and last year, both included.
    retrieved : str
        Retrieval date, ISO 8601.
    version : str, optional
        WDI Database Archives release id (source 57), e.g. ``"202607"``; ``None`` = current WDI.
    session : requests.Session, optional
        Routes wbgapi's requests through this session (tests).

    Returns
    -------
    Fetched

    Raises
    ------
    FetchError
        On a failed request, an HTML page, or a partial page walk.
    """
    if version is not None and not re.fullmatch(r"[0-9A-Za-z_.-]{1,32}", version):
        raise ParameterError(f"wdi_version {version!r} is not a release id such as '202607' "
                             "(list them with wbgapi.source.features('version', db=57))")
    pages = _Pages()
    path = wdi_path(years, version)
    rows = _read_all(pages, session, path)
    url = f"{API_URL}/en/{path}"
    records, empty, aggregates, unknown = _parse(rows, url)
    seen: set[tuple[str, int, str]] = set()
    for code, year, indicator, _ in records:
        if (code, year, indicator) in seen:
            raise FetchError(f"World Bank: {url}: two values for {code} {year} {indicator}; "
                             "nothing was stored", url=url)
        seen.add((code, year, indicator))
    updated = next((str(h["lastupdated"]) for h in pages.headers if h.get("lastupdated")), "")
    if version is not None:
        source_id = f"wb_wdi_archive_{version}"
        vintage = (f"WDI Database Archives (API source 57) release {version}"
                   + (f", last updated {updated}" if updated else "") + f"; retrieved {retrieved}")
    else:
        stamp = (updated or retrieved).replace("-", "_")
        source_id = f"wb_wdi_api_{stamp}"
        vintage = ("WDI (API source 2)" + (f", last updated {updated}" if updated else "")
                   + f"; retrieved {retrieved}")
    notes: list[str] = []
    if empty:
        notes.append("World Bank: empty cells give no observation: "
                     + ", ".join(f"{k} {v}" for k, v in sorted(empty.items())) + ".")
    if aggregates:
        notes.append(f"World Bank: left out {sum(aggregates.values())} rows of "
                     f"{len(aggregates)} aggregates (regions, income groups; not countries).")
    if unknown:
        notes.append("World Bank: left out rows of codes burdenshare's country table does not "
                     "know: " + ", ".join(f"{c} ({n})" for c, n in sorted(unknown.items())) + ".")
    if not records:
        raise FetchError(f"World Bank: {url}: no observations for {years[0]}-{years[1]}; nothing "
                         "was stored; check the years and the WDI version", url=url)
    obs = frame_of(records, source_id)
    source = Source(
        id=source_id, title="World Development Indicators", publisher="World Bank",
        url=API_URL, licence=LICENCE, retrieved=retrieved, vintage=vintage,
        derivation=("wbgapi query of " + ", ".join(WDI_SERIES) + " for all economies; economy "
                    "rows only (World Bank aggregates left out); codes renamed to burdenshare "
                    "indicator names (" + ", ".join(f"{c} -> {i}" for c, i in WDI_SERIES.items())
                    + "); values copied exactly; an empty cell gives no observation."),
    )
    params = {"api": API_URL, "db": WDI_DB if version is None else ARCHIVE_DB,
              "wdi_version": version, "years": [years[0], years[1]],
              "series": list(WDI_SERIES), "per_page": PER_PAGE}
    return Fetched(publisher="worldbank", observations=obs, sources={source_id: source},
                   requests=tuple(pages.requests), params=params, licence=LICENCE,
                   notes=tuple(notes))
