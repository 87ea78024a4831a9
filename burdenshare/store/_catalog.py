"""``burdenshare data list``: every source, embedded and stored, with its staleness."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import pandas as pd

from ..data import Dataset
from ._calendar import family_of, staleness
from ._store import list_vintages, read_vintage

__all__ = ["CATALOG_COLUMNS", "catalog", "catalog_records"]

#: Columns of :func:`catalog`, one row per (store vintage, source, indicator).
CATALOG_COLUMNS: tuple[str, ...] = (
    "store_vintage", "calendar", "source", "title", "publisher", "vintage", "retrieved",
    "licence", "indicator", "first_year", "last_year", "observations", "stale", "staleness",
)


def _coverage(ds: Dataset) -> pd.DataFrame:
    """Per (source, indicator): rows, and first and last year **with a value**."""
    obs = ds.observations
    rows = obs.groupby(["source", "indicator"]).size().rename("observations")
    have = obs[obs["value"].notna()].groupby(["source", "indicator"])["year"]
    out = pd.concat([rows, have.min().rename("first_year"), have.max().rename("last_year")],
                    axis=1)
    return out.reset_index()


def _rows(ds: Dataset, store_vintage: str, calendar: str | None, fallback_retrieved: str,
          today: _dt.date) -> list[dict[str, Any]]:
    cov = _coverage(ds)
    rows = []
    for sid, g in cov.groupby("source", sort=True):
        src = ds.sources[str(sid)]
        fam = calendar if calendar is not None else family_of(str(sid))
        retrieved = src.retrieved or fallback_retrieved
        last = g["last_year"].max()
        stale, why = staleness(fam, retrieved, None if pd.isna(last) else int(last), today)
        r: Any  # pandas-stubs types every itertuples() field as "any scalar"
        for r in g.sort_values("indicator").itertuples(index=False):
            rows.append({
                "store_vintage": store_vintage, "calendar": fam or "", "source": str(sid),
                "title": src.title, "publisher": src.publisher, "vintage": src.vintage,
                "retrieved": retrieved, "licence": src.licence, "indicator": str(r.indicator),
                "first_year": None if pd.isna(r.first_year) else int(r.first_year),
                "last_year": None if pd.isna(r.last_year) else int(r.last_year),
                "observations": int(r.observations), "stale": stale, "staleness": why,
            })
    return rows


def catalog(root: str | Path | None = None, *, today: _dt.date | None = None) -> pd.DataFrame:
    """Every data source, embedded and stored, with vintage, licence, years and staleness.

    Parameters
    ----------
    root : str or Path, optional
        Store folder (default: the user data directory).
    today : datetime.date, optional
        The date staleness is judged at (default: today's date). Pass a fixed date for a
        reproducible listing.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CATALOG_COLUMNS`, one row per (``store_vintage``, ``source``,
        ``indicator``); ``store_vintage`` is ``"embedded"`` for the shipped samples.
        ``stale`` is True, False or None (no release calendar known) and ``staleness``
        says why (see ``methodology/data.md`` for the calendars and their sources).
    """
    from ..io import load_sample

    day = today or _dt.date.today()
    rows = _rows(load_sample(), "embedded", None, "", day)
    for v in list_vintages(root):
        rows += _rows(read_vintage(v), v.id, v.publisher, v.created_utc[:10], day)
    frame = pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))
    frame["stale"] = frame["stale"].astype(object)
    return frame


def catalog_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Group :func:`catalog` rows into one record per source, indicators nested (for JSON).

    Parameters
    ----------
    frame : pandas.DataFrame
        As returned by :func:`catalog`.

    Returns
    -------
    list of dict
    """
    out = []
    per_source = [c for c in CATALOG_COLUMNS if c not in ("indicator", "first_year", "last_year",
                                                          "observations")]
    for _, g in frame.groupby(["store_vintage", "source"], sort=False):
        first = g.iloc[0]
        rec = {c: first[c] for c in per_source}
        rec["stale"] = None if first["stale"] is None else bool(first["stale"])
        inds: dict[str, dict[str, int | None]] = {}
        r: Any  # pandas-stubs types every itertuples() field as "any scalar"
        for r in g.itertuples(index=False):
            inds[str(r.indicator)] = {
                "first_year": None if pd.isna(r.first_year) else int(r.first_year),
                "last_year": None if pd.isna(r.last_year) else int(r.last_year),
                "observations": int(r.observations)}
        rec["indicators"] = inds
        out.append(rec)
    return out
