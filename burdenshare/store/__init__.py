"""The vintage store: newer releases of UNHCR, World Bank and OECD DAC data beside the samples.

``burdenshare data update SOURCE`` (:func:`update`) fetches a new vintage with the publisher
clients of :mod:`burdenshare.fetch` and writes it atomically into a user data directory;
:func:`load` gives the embedded samples with the indicators of chosen vintages replaced;
:func:`catalog` lists every source with its staleness; :func:`diff` says what a release changed.
The embedded samples stay the default, and nothing here touches the network except
:func:`update`. See ``methodology/data.md``.
"""

from __future__ import annotations

from ._calendar import CALENDARS, Release, family_of, staleness
from ._catalog import CATALOG_COLUMNS, catalog, catalog_records
from ._diff import KEY, DataDiff, diff, diff_datasets
from ._load import describe, load, resolve
from ._store import (
    MANIFEST_FORMAT,
    PUBLISHERS,
    FetchFailedError,
    UnknownVintageError,
    Vintage,
    default_root,
    get_vintage,
    latest,
    list_vintages,
    observations_bytes,
    read_vintage,
    write_vintage,
)
from ._update import update

__all__ = [
    "CALENDARS",
    "CATALOG_COLUMNS",
    "KEY",
    "MANIFEST_FORMAT",
    "PUBLISHERS",
    "DataDiff",
    "FetchFailedError",
    "Release",
    "UnknownVintageError",
    "Vintage",
    "catalog",
    "catalog_records",
    "default_root",
    "describe",
    "diff",
    "diff_datasets",
    "family_of",
    "get_vintage",
    "latest",
    "list_vintages",
    "load",
    "observations_bytes",
    "read_vintage",
    "resolve",
    "staleness",
    "update",
    "write_vintage",
]
