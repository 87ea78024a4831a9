"""Publishers' release calendars and the staleness of a copy of their data.

Every rule here cites where the calendar is stated (``../shared/research/DATA_SERVICES.md``,
``ECOSYSTEM.md`` and ``../shared/data/README.md`` in the project's research notes;
``methodology/data.md`` repeats them). A release is counted as *due* from the **last day of the
month** the calendar names (or from the day it names: UNHCR's end-year data mid-June, the
income classification on 1 July), so a copy is never called stale before the release could
have appeared.
"""

from __future__ import annotations

import calendar as _cal
import datetime as _dt
from dataclasses import dataclass

__all__ = ["Release", "CALENDARS", "family_of", "releases_between", "staleness"]


@dataclass(frozen=True)
class Release:
    """One recurring release of a publisher.

    Parameters
    ----------
    name : str
        What the release is called (e.g. ``"Global Trends (end-year data)"``).
    month : int
        Month of the year in which it appears (1-12); it counts as due from that month's last day.
    covers_offset : int
        The last data year it covers, relative to the calendar year of release (-1: the year
        before, 0: the same year).
    basis : str
        Where the calendar is stated.
    day : int or None
        Day of the month from which it counts as due when the calendar names one (UNHCR's
        end-year data: mid-June; the income classification: 1 July); None = the month's last
        day.
    annual : bool
        Whether the release brings a new year of the annual (end-of-year) series burdenshare
        uses. A release that does not (UNHCR's mid-year statistics, which the API does not serve
        either: ``methodology/data_update.md``) never makes a copy stale; the listing mentions
        it beside the next annual release.
    """

    name: str
    month: int
    covers_offset: int
    basis: str
    day: int | None = None
    annual: bool = True

    def due(self, year: int) -> _dt.date:
        """Return the date from which the release of ``year`` counts as due.

        Parameters
        ----------
        year : int

        Returns
        -------
        datetime.date
            :attr:`day` of :attr:`month` in ``year``, or the month's last day.
        """
        return _dt.date(year, self.month, self.day or _cal.monthrange(year, self.month)[1])


_UNHCR_BASIS = ("DATA_SERVICES.md §5 (end-year data appear mid-June: 'published on 11 June 2026'); "
                "ECOSYSTEM.md §2 (end-year data in June, Global Trends; mid-year in December, "
                "Mid-Year Trends; the refugees R package's CalVer YYYY.6 / YYYY.12)")
_OECD_BASIS = ("DATA_SERVICES.md §2 (pydeflate FAQ: OECD DAC in April and December) and §5 "
               "('DAC appears in April and December')")
_WB_BASIS = ("DATA_SERVICES.md §2 (pydeflate FAQ: World Bank in September-October); archive "
             "releases are pinned by id YYYYMM (§3, WDI Database Archives, db=57)")
_INCOME_BASIS = ("../shared/data/README.md §4: the World Bank's fiscal-year classification FY(Y+2), "
                 "based on GNI of year Y, takes effect on 1 July of Y+1")

#: Release calendars by source family (the store's publisher keys, plus ``wb_income``).
CALENDARS: dict[str, tuple[Release, ...]] = {
    "unhcr": (
        Release("end-year data (Global Trends)", 6, -1, _UNHCR_BASIS, day=15),
        Release("mid-year data (Mid-Year Trends)", 12, 0, _UNHCR_BASIS, annual=False),
    ),
    "oecd_dac": (
        Release("preliminary ODA data", 4, -1, _OECD_BASIS),
        Release("final (detailed) ODA data", 12, -1, _OECD_BASIS),
    ),
    "worldbank": (
        Release("WDI update", 10, -1, _WB_BASIS),
    ),
    "wb_income": (
        Release("income classification (new fiscal year)", 7, -1, _INCOME_BASIS, day=1),
    ),
}

# which source ids belong to which calendar (first match wins); ids of stored vintages carry
# their publisher in the manifest instead
_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("oecd_dac_membership", None),  # transcribed facts, not a statistical release
    ("unhcr_revenue", None),
    ("un_ceb", None),
    ("unhcr", "unhcr"),
    ("unrwa_via_unhcr", "unhcr"),
    ("oecd_dac", "oecd_dac"),
    ("wb_wdi", "worldbank"),
    ("wb_income", "wb_income"),
    ("wb_oghist", "wb_income"),
)


def family_of(source_id: str) -> str | None:
    """Return the release calendar a source id follows, or None if none is known.

    Parameters
    ----------
    source_id : str

    Returns
    -------
    str or None
        A key of :data:`CALENDARS`.
    """
    for prefix, fam in _PREFIXES:
        if source_id.startswith(prefix):
            return fam
    return None


def releases_between(family: str, start: _dt.date, end: _dt.date) -> list[tuple[_dt.date, Release]]:
    """Return the releases of ``family`` due after ``start`` and on or before ``end``, in order.

    Parameters
    ----------
    family : str
        A key of :data:`CALENDARS`.
    start, end : datetime.date

    Returns
    -------
    list of (date, Release)
    """
    out = []
    for year in range(start.year, end.year + 1):
        for rel in CALENDARS[family]:
            d = rel.due(year)
            if start < d <= end:
                out.append((d, rel))
    return sorted(out, key=lambda t: t[0])


def _next_release(family: str, after: _dt.date, *, annual: bool) -> tuple[_dt.date, Release]:
    found = [(d, r) for d, r in releases_between(family, after, _dt.date(after.year + 2, 12, 31))
             if r.annual == annual]
    return found[0] if found else (_dt.date.max, CALENDARS[family][0])


def _is_this_release(got: _dt.date, last_year: int | None, due: _dt.date, rel: Release) -> bool:
    same_month = (got.year, got.month) == (due.year, due.month)
    covers = last_year is not None and last_year >= due.year + rel.covers_offset
    return same_month and covers


def staleness(family: str | None, retrieved: str, last_year: int | None,
              today: _dt.date) -> tuple[bool | None, str]:
    """Say whether a copy is stale by its publisher's calendar.

    A copy is stale when an annual release fell due after it was retrieved (and on or before
    ``today``), or when an annual release due by ``today`` covers a later year than the copy's
    last year.

    Parameters
    ----------
    family : str or None
        A key of :data:`CALENDARS`; None = no calendar known.
    retrieved : str
        ISO date (``YYYY-MM-DD``, longer ISO strings are cut) the copy was taken; empty =
        unknown.
    last_year : int or None
        The copy's last data year (over its indicators).
    today : datetime.date

    Returns
    -------
    (bool or None, str)
        Stale or not (None when it cannot be judged) and a one-line explanation.
    """
    if family is None:
        return None, "no release calendar known: check the publisher's page for newer data"
    try:
        got = _dt.date.fromisoformat(retrieved[:10])
    except ValueError:
        return None, f"retrieval date {retrieved!r} unknown: cannot judge staleness"
    # a release "due by" the end of its month may already be in a copy taken earlier that month:
    # such a copy, covering the year the release covers, is that release, not one behind it
    missed = [(d, r) for d, r in releases_between(family, got, today) if r.annual
              and not _is_this_release(got, last_year, d, r)]
    newest_cover = None
    for year in range(today.year - 1, today.year + 1):
        for rel in CALENDARS[family]:
            if rel.annual and rel.due(year) <= today:
                cov = year + rel.covers_offset
                newest_cover = cov if newest_cover is None else max(newest_cover, cov)
    behind = last_year is not None and newest_cover is not None and last_year < newest_cover
    if missed or behind:
        parts = []
        if missed:
            d, rel = missed[-1]
            parts.append(f"{rel.name} of {d:%B %Y} (covering {d.year + rel.covers_offset}) was due "
                         f"after this copy was taken on {got.isoformat()}"
                         + (f" ({len(missed)} releases missed)" if len(missed) > 1 else ""))
        if behind:
            parts.append(f"data end in {last_year}, releases due by {today.isoformat()} cover "
                         f"{newest_cover}")
        return True, "STALE: " + "; ".join(parts)
    d, rel = _next_release(family, today, annual=True)
    line = f"current: next {rel.name} due by {d:%d %B %Y}"
    d2, rel2 = _next_release(family, today, annual=False)
    if d2 < d:
        line += f" ({rel2.name}, due by {d2:%d %B %Y}, is not part of the annual series used here)"
    return False, line
