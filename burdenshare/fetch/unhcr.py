"""UNHCR Refugee Statistics API client (``https://api.unhcr.org/population/v1``).

No maintained Python client exists, so this is a thin ``requests`` client with the pitfalls of
the API handled (see ``methodology/data_update.md``, "Publishers' services"):

* every request sends ``cf_type=ISO`` and **both** ``yearFrom`` and ``yearTo`` (a lone bound is
  silently ignored by the API, which then returns the whole history);
* every page is walked (``page`` = 1 .. ``maxPages``); a page that fails or comes back empty
  before ``maxPages`` is an error, never a silently shorter answer;
* ``"-"`` is missing (no observation), ``0`` / ``"0"`` is zero; any other text is an error;
* UNHCR's own country codes (``coa``) are converted with :func:`burdenshare.countries.to_iso3`
  and cross-checked against the API's ``coa_iso``.

The observations use exactly the indicator names, units and codes of the embedded samples
(``data_samples/derive.py``), so estimators read a fetched vintage unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._errors import FetchError
from ..countries import to_iso3
from ..data import Source
from ._common import Record, frame_of
from ._http import HttpClient
from ._types import Fetched

__all__ = ["BASE_URL", "LICENCE", "build_query", "fetch_unhcr", "parse_cell"]

BASE_URL = "https://api.unhcr.org/population/v1"
TERMS_URL = ("https://www.unhcr.org/what-we-do/data-and-publications/data-and-statistics/"
             "terms-use-datasets")
LICENCE = (f"CC BY 4.0; attribution 'UNHCR Refugee Population Statistics Database'; terms of use "
           f"{TERMS_URL}")
#: Rows per page. The API enforces no ceiling (15,000 served in one page in a 2026 probe);
#: 10,000 keeps a page near 3 MB.
PAGE_LIMIT = 10_000
#: First year of the population series; the default window starts here.
FIRST_YEAR = 1951

#: /population/ value fields -> indicator (by country of asylum, summed over origins).
POPULATION_MAP = {c: c for c in ("refugees", "asylum_seekers", "oip", "idps", "stateless")}
#: /solutions/ value fields -> indicator (``coa`` = arrival country for resettlement, the
#: naturalising country for naturalisation). ``returned_refugees`` has no indicator yet.
SOLUTIONS_MAP = {"resettlement": "resettlement_arrivals", "naturalisation": "naturalisations"}
#: /demographics/ age bands (female and male); ``*_other`` (age unknown) and totals are in none.
DEMOG_BANDS = ("0_4", "5_11", "12_17", "18_59", "60")
DEMOG_MAP = {
    "refugees_aged_5_11": ("f_5_11", "m_5_11"),
    "refugees_aged_12_17": ("f_12_17", "m_12_17"),
    "refugees_with_age": tuple(f"{s}_{b}" for s in ("f", "m") for b in DEMOG_BANDS),
}
#: /asylum-applications/: persons, cases, and new applications in persons.
ASYLUM_INDICATORS = ("asylum_applications", "asylum_applications_cases", "asylum_applications_new")

ENDPOINTS = ("population", "population_by_origin", "solutions", "asylum-applications",
             "demographics", "unrwa")


def build_query(years: tuple[int, int], page: int, *, scope: str = "coa_all",
                extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the query parameters of one page, in the order they are sent.

    ``cf_type=ISO`` and both year bounds are always present: the API ignores ``yearFrom`` or
    ``yearTo`` sent alone and returns the whole history instead.

    Parameters
    ----------
    years : tuple of int
        First and last year, both included.
    page : int
        Page number, from 1.
    scope : {"coa_all", "coo_all"}
        One row per country of asylum (summed over origins) or per country of origin.
    extra : mapping, optional
        Further parameters (e.g. ``ptype_show``).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> build_query((2020, 2024), 1)["yearTo"]
    '2024'
    """
    first, last = years
    query = {"cf_type": "ISO", scope: "true", "yearFrom": str(first), "yearTo": str(last),
             "limit": str(PAGE_LIMIT), "page": str(page)}
    query.update(extra or {})
    return query


def parse_cell(value: Any, *, where: str) -> float | None:
    """Read one count cell: a number or numeric text is a number, ``"-"`` is missing.

    Parameters
    ----------
    value : object
        The JSON value (``int``, ``"0"``, ``"-"``, ...).
    where : str
        The URL, row and field, named in an error.

    Returns
    -------
    float or None
        ``None`` for ``"-"`` or JSON null (not applicable or not collected: never zero).

    Raises
    ------
    FetchError
        For any other text.

    Examples
    --------
    >>> parse_cell("0", where="x"), parse_cell("-", where="x"), parse_cell(12, where="x")
    (0.0, None, 12.0)
    """
    if value is None or value == "-":
        return None
    if isinstance(value, bool):
        raise FetchError(f"UNHCR: {where}: value {value!r} is not a count; the API's format may "
                         "have changed (report it to burdenshare)")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            return float(text)
        except ValueError:
            pass
    raise FetchError(f"UNHCR: {where}: value {value!r} is neither a count nor '-'; the API's "
                     "format may have changed (report it to burdenshare)")


@dataclass
class _Walk:
    """Everything one endpoint's page walk produced."""

    endpoint: str
    url: str
    rows: list[dict[str, Any]]
    pages: int


def _envelope(answer: Any, page: int) -> dict[str, Any]:
    """The JSON envelope ``{page, maxPages, items}`` of one answer, checked."""
    try:
        envelope = json.loads(answer.body)
    except ValueError as err:
        raise FetchError(f"UNHCR: {answer.url} (page {page}) answered HTTP {answer.status} "
                         "with text that is not JSON; nothing was stored; try again later",
                         url=answer.url, status=answer.status) from err
    if (not isinstance(envelope, dict) or not isinstance(envelope.get("items"), list)
            or not isinstance(envelope.get("maxPages"), int)):
        keys = sorted(envelope) if isinstance(envelope, dict) else type(envelope).__name__
        raise FetchError(f"UNHCR: {answer.url} answered without the documented envelope "
                         f"{{page, maxPages, items}} (got {keys}); nothing was stored; the API "
                         "may have changed (report it to burdenshare)",
                         url=answer.url, status=answer.status)
    if "page" in envelope and str(envelope["page"]) != str(page):
        raise FetchError(f"UNHCR: {answer.url} answered page {envelope['page']!r} when page "
                         f"{page} was asked for; nothing was stored; the API may have changed "
                         "(report it to burdenshare)", url=answer.url, status=answer.status)
    return envelope


def _page_items(answer: Any, envelope: dict[str, Any], page: int, max_pages: int,
                n_before: int) -> list[dict[str, Any]]:
    """The rows of one page, each with where it came from; a partial walk is an error."""
    items = envelope["items"]
    if max_pages == 0:
        if items:
            raise FetchError(f"UNHCR: {answer.url} reports maxPages 0 but carries "
                             f"{len(items)} rows; nothing was stored; report it to burdenshare",
                             url=answer.url, status=answer.status)
        return []
    if not items:
        raise FetchError(f"UNHCR: partial page walk: page {page} of {max_pages} at "
                         f"{answer.url} is empty; {n_before} rows of pages 1-{page - 1} were "
                         "discarded and nothing was stored; run the update again later",
                         url=answer.url, status=answer.status)
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise FetchError(f"UNHCR: {answer.url} row {i + 1} is not an object: {item!r}",
                             url=answer.url, status=answer.status)
        rows.append({**item, "_where": f"{answer.url} row {i + 1}"})
    return rows


def _walk(client: HttpClient, endpoint: str, years: tuple[int, int], *, scope: str = "coa_all",
          extra: Mapping[str, str] | None = None) -> _Walk:
    url = f"{BASE_URL}/{endpoint}/"
    rows: list[dict[str, Any]] = []
    max_pages: int | None = None
    page = 1
    while max_pages is None or page <= max_pages:
        answer = client.get(url, build_query(years, page, scope=scope, extra=extra),
                            what_to_do="run `burdenshare data update unhcr` again later")
        envelope = _envelope(answer, page)
        pages = int(envelope["maxPages"])
        if max_pages is None:
            max_pages = pages
        elif pages != max_pages:
            raise FetchError(f"UNHCR: partial page walk: {answer.url} reports {pages} pages, page "
                             f"1 reported {max_pages} (the data changed during the walk); nothing "
                             "was stored; run the update again", url=answer.url, status=answer.status)
        rows += _page_items(answer, envelope, page, max_pages, len(rows))
        if max_pages == 0:
            break
        page += 1
    return _Walk(endpoint=endpoint, url=url, rows=rows, pages=max_pages or 0)


@dataclass
class _Collector:
    """Observations and the notes about what was left out, per endpoint."""

    source: str
    frames: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, records: list[Record]) -> None:
        if records:
            self.frames.append(frame_of(records, self.source))


def _codes(walk: _Walk, side: str, notes: list[str]) -> list[str | None]:
    """ISO3 of each row's ``coa`` (or ``coo``) UNHCR code, cross-checked with ``*_iso``.

    Rows whose code burdenshare's table does not know get ``None`` and are listed in ``notes``.
    """
    from ..countries import country_table

    codes = [str(r.get(side, "")).strip() for r in walk.rows]
    if any(c in ("", "-") for c in codes):
        bad = next(r for r, c in zip(walk.rows, codes, strict=True) if c in ("", "-"))
        raise FetchError(f"UNHCR: {bad['_where']}: `{side}` is {bad.get(side)!r} although "
                         f"{side}_all=true was sent (a summed row); nothing was stored; the API "
                         "may have changed (report it to burdenshare)", url=walk.url)
    t = country_table()
    known = set(t.loc[(t["unhcr_code"] != "") & (t["iso3"] != ""), "unhcr_code"]) | {"UKN"}
    unknown = sorted({c for c in codes if c not in known})
    usable = sorted({c for c in codes if c in known})
    mapping = dict(zip(usable, to_iso3(usable), strict=True))
    if unknown:
        n = sum(c in unknown for c in codes)
        names = {str(r.get(side)): str(r.get(f"{side}_name", "")).strip() for r in walk.rows}
        notes.append(
            f"UNHCR {walk.endpoint}: left out {n} rows whose UNHCR code is not in burdenshare's "
            "country table (no ISO3 code, e.g. origin groups): "
            + ", ".join(f"{c} ({names.get(c, '')})" for c in unknown) + ".")
    out: list[str | None] = [mapping.get(c) for c in codes]
    # the API's own ISO column must agree with burdenshare's conversion
    clash = sorted({(c, str(r.get(f"{side}_iso")), iso)
                    for r, c, iso in zip(walk.rows, codes, out, strict=True)
                    if iso is not None and r.get(f"{side}_iso") not in (None, "", "-", iso)})
    if clash:
        shown = "; ".join(f"UNHCR {c}: API says {a}, burdenshare says {b}" for c, a, b in clash[:5])
        raise FetchError(f"UNHCR {walk.endpoint}: {walk.url}: country codes disagree ({shown}); "
                         "nothing was stored; burdenshare's country table needs updating "
                         "(report it to burdenshare)", url=walk.url)
    return out


def _count_missing(walk: _Walk, fields: Iterable[str], notes: list[str]) -> None:
    missing = {f: sum(1 for r in walk.rows if r.get(f) in ("-", None)) for f in fields}
    shown = ", ".join(f"{f} {n}" for f, n in missing.items() if n)
    if shown:
        notes.append(f"UNHCR {walk.endpoint}: cells '-' (not applicable or not collected) give no "
                     f"observation, never a zero: {shown}.")


def _stocks(walk: _Walk, side: str, fields: Mapping[str, str], col: _Collector) -> None:
    iso = _codes(walk, side, col.notes)
    records: list[Record] = []
    for row, code in zip(walk.rows, iso, strict=True):
        if code is None:
            continue
        year = _year(row)
        for field_, indicator in fields.items():
            if field_ not in row:
                raise FetchError(f"UNHCR: {row['_where']}: field `{field_}` is missing; the API "
                                 "may have changed (report it to burdenshare)", url=walk.url)
            value = parse_cell(row[field_], where=f"{row['_where']} field `{field_}`")
            if value is not None:
                records.append((code, year, indicator, value))
    _count_missing(walk, fields, col.notes)
    _unique(records, walk)
    col.add(records)


def _year(row: Mapping[str, Any]) -> int:
    try:
        return int(row["year"])
    except (KeyError, TypeError, ValueError) as err:
        raise FetchError(f"UNHCR: {row.get('_where')}: year {row.get('year')!r} is not a year; "
                         "the API may have changed (report it to burdenshare)") from err


def _unique(records: list[Record], walk: _Walk) -> None:
    seen: set[tuple[str, int, str]] = set()
    for code, year, indicator, _ in records:
        key = (code, year, indicator)
        if key in seen:
            raise FetchError(f"UNHCR {walk.endpoint}: {walk.url}: two rows for {code} {year} "
                             f"{indicator} (two UNHCR codes map to one ISO3 code, or the API "
                             "split a row); nothing was stored; report it to burdenshare",
                             url=walk.url)
        seen.add(key)


def _sums(walk: _Walk, groups: Mapping[str, Any], col: _Collector) -> None:
    """Sum cells by (country of asylum, year) per indicator; ``groups`` maps an indicator to a
    function row -> tuple of fields to add (empty tuple = row not counted).
    """
    iso = _codes(walk, "coa", col.notes)
    totals: dict[tuple[str, int, str], float] = {}
    for row, code in zip(walk.rows, iso, strict=True):
        if code is None:
            continue
        year = _year(row)
        for indicator, pick in groups.items():
            fields_ = pick(row)
            for f in fields_:
                if f not in row:
                    raise FetchError(f"UNHCR: {row['_where']}: field `{f}` is missing; the API "
                                     "may have changed (report it to burdenshare)", url=walk.url)
                value = parse_cell(row[f], where=f"{row['_where']} field `{f}`")
                if value is None:
                    continue
                key = (code, year, indicator)
                totals[key] = totals.get(key, 0.0) + value
    col.add([(c, y, i, v) for (c, y, i), v in sorted(totals.items())])


def _asylum_groups() -> dict[str, Any]:
    def pc(row: Mapping[str, Any]) -> str:
        value = str(row.get("app_pc", "")).strip()
        if value not in ("P", "C"):
            raise FetchError(f"UNHCR: {row.get('_where')}: app_pc {row.get('app_pc')!r} is "
                             "neither P (persons) nor C (cases); nothing was stored; the API may "
                             "have changed (report it to burdenshare)")
        return value

    return {
        "asylum_applications": lambda r: ("applied",) if pc(r) == "P" else (),
        "asylum_applications_cases": lambda r: ("applied",) if pc(r) == "C" else (),
        "asylum_applications_new": lambda r: (
            ("applied",) if pc(r) == "P" and str(r.get("app_type", "")).strip() == "N" else ()),
    }


def _demography_groups() -> dict[str, Any]:
    def is_ref(row: Mapping[str, Any]) -> bool:
        if "pop_type" not in row:
            raise FetchError(f"UNHCR: {row.get('_where')}: no `pop_type` although ptype_show=true "
                             "was sent; nothing was stored; the API may have changed (report it "
                             "to burdenshare)")
        return str(row["pop_type"]).strip() == "REF"

    return {ind: (lambda r, f=fields: f if is_ref(r) else ()) for ind, fields in DEMOG_MAP.items()}


def fetch_unhcr(client: HttpClient, years: tuple[int, int], retrieved: str) -> Fetched:
    """Fetch population, origins, solutions, asylum applications, demographics and UNRWA.

    Parameters
    ----------
    client : HttpClient
        Records every exchange.
    years : tuple of int
        First and last year, both included (both always sent).
    retrieved : str
        Retrieval date, ISO 8601 (names the source id and vintage).

    Returns
    -------
    Fetched

    Raises
    ------
    FetchError
        On any failed request, partial page walk or unexpected answer.
    """
    source_id = "unhcr_api_" + retrieved.replace("-", "_")
    col = _Collector(source=source_id)
    pages: dict[str, int] = {}

    w = _walk(client, "population", years)
    pages["population"] = w.pages
    _stocks(w, "coa", POPULATION_MAP, col)

    w = _walk(client, "population", years, scope="coo_all")
    pages["population_by_origin"] = w.pages
    _stocks(w, "coo", {"refugees": "refugees_from_origin"}, col)

    w = _walk(client, "solutions", years)
    pages["solutions"] = w.pages
    _stocks(w, "coa", SOLUTIONS_MAP, col)

    w = _walk(client, "asylum-applications", years)
    pages["asylum-applications"] = w.pages
    _sums(w, _asylum_groups(), col)

    w = _walk(client, "demographics", years, extra={"ptype_show": "true"})
    pages["demographics"] = w.pages
    _sums(w, _demography_groups(), col)

    unrwa_id = "unrwa_via_unhcr_api_" + retrieved.replace("-", "_")
    unrwa = _Collector(source=unrwa_id)
    w = _walk(client, "unrwa", years)
    pages["unrwa"] = w.pages
    _stocks(w, "coa", {"total": "unrwa_refugees"}, unrwa)
    col.frames += unrwa.frames
    col.notes += unrwa.notes

    empty = [e for e, n in pages.items() if n == 0]
    if empty:
        col.notes.append(f"UNHCR: no data for {years[0]}-{years[1]} at: {', '.join(empty)} "
                         "(the API answered maxPages 0).")
    if not col.frames:
        raise FetchError(f"UNHCR: {BASE_URL}: no observations at all for {years[0]}-{years[1]} "
                         "(every endpoint answered zero pages); nothing was stored; check the "
                         "years", url=BASE_URL)
    obs = pd.concat(col.frames, ignore_index=True)
    last = int(obs["year"].max())
    col.notes.append("UNHCR rounds counts below 5 (below 10 for asylum decisions) to a multiple "
                     "of 5; small values are approximate.")
    col.notes.append("UNHCR demographics cover the refugees UNHCR could disaggregate by age; a "
                     "band of 0 can mean 'not disaggregated', so refugees_with_age can be below "
                     "refugees.")
    source = Source(
        id=source_id,
        title="UNHCR Refugee Population Statistics Database (Refugee Statistics API)",
        publisher="UNHCR",
        url=BASE_URL,
        licence=LICENCE,
        retrieved=retrieved,
        vintage=(f"UNHCR Refugee Statistics API as retrieved on {retrieved} (the API serves no "
                 f"release identifier); years {years[0]}-{years[1]} requested, latest year in "
                 f"the answer {last}"),
        derivation=(
            "population/ (coa_all, summed over origins): refugees, asylum_seekers, oip, idps, "
            "stateless -> indicators of the same names; population/ (coo_all): refugees -> "
            "refugees_from_origin (iso3 = origin); solutions/: resettlement -> "
            "resettlement_arrivals, naturalisation -> naturalisations; asylum-applications/: "
            "`applied` summed by country of asylum and year over origins, procedures, application "
            "types and decision levels, separately for persons (P: asylum_applications), cases "
            "(C: asylum_applications_cases) and new applications in persons (app_type N: "
            "asylum_applications_new); demographics/ (ptype_show): REF rows summed by country "
            "of asylum into refugees_aged_5_11, refugees_aged_12_17 and refugees_with_age (all "
            "age bands, not *_other). UNHCR codes converted to ISO3 with burdenshare's country "
            "table and checked against the API's ISO columns; '-' gives no observation, '0' a "
            "zero."),
    )
    sources = {source_id: source}
    if unrwa.frames:
        sources[unrwa_id] = Source(
            id=unrwa_id,
            title="Palestine refugees registered with UNRWA, as republished in UNHCR's Refugee "
                  "Statistics API",
            publisher="UNRWA (figures republished by UNHCR)",
            url=f"{BASE_URL}/unrwa/",
            licence=(f"{LICENCE}; UNRWA figures may carry UNRWA's own conditions (UNHCR terms "
                     "of use, section 6)"),
            retrieved=retrieved,
            vintage=source.vintage,
            derivation=("unrwa/ (coa_all): `total` by field of operation (coa: PSE, JOR, LBN, SYR; "
                        "UNK = field unknown) -> unrwa_refugees; '-' gives no observation."),
        )
    params = {"api": BASE_URL, "years": [years[0], years[1]], "cf_type": "ISO",
              "limit": PAGE_LIMIT, "endpoints": list(ENDPOINTS), "pages": pages}
    return Fetched(publisher="unhcr", observations=obs, sources=sources,
                   requests=tuple(client.requests), params=params, licence=LICENCE,
                   notes=tuple(col.notes))
