"""What a publisher client returns: :class:`Fetched`, one new vintage of one source, and the
:class:`Request` record of every HTTP exchange that produced it.

The vintage store (``burdenshare.store``) writes a :class:`Fetched` to disk atomically; the
publisher clients (``burdenshare.fetch.unhcr``, ``.worldbank``, ``.oecd``) produce it. Neither
side knows the other's internals: this module is the whole contract between them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..data import Source

__all__ = ["Request", "Fetched"]


@dataclass(frozen=True)
class Request:
    """One HTTP exchange with a publisher, as recorded in a vintage's manifest.

    Parameters
    ----------
    url : str
        The full URL requested, query string included (no credentials: none are used).
    status : int
        HTTP status code of the final answer.
    sha256 : str
        sha256 of the raw response body, 64 lowercase hex digits.
    size : int
        Length of the raw response body in bytes.
    retrieved_utc : str
        When the answer arrived (ISO 8601, UTC, seconds).
    """

    url: str
    status: int
    sha256: str
    size: int
    retrieved_utc: str

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a plain JSON-serialisable dict."""
        return {"url": self.url, "status": self.status, "sha256": self.sha256,
                "size": self.size, "retrieved_utc": self.retrieved_utc}


@dataclass(frozen=True, eq=False)
class Fetched:
    """One new vintage of one publisher's data, in burdenshare's long observation format.

    Parameters
    ----------
    publisher : str
        The store key of the source family: ``"unhcr"``, ``"worldbank"`` or ``"oecd_dac"``.
    observations : pandas.DataFrame
        Long table with the columns ``iso3, year, indicator, value, unit, source`` and
        ``counterpart_iso3`` (``area`` optional): exactly what
        :meth:`burdenshare.Dataset.from_frame` accepts. A missing value stays missing (NaN);
        nothing is filled.
    sources : Mapping[str, Source]
        A :class:`~burdenshare.Source` for every ``source`` id in ``observations``: publisher,
        URL, licence, ``retrieved`` (date) and ``vintage`` (the publisher's release name when it
        states one, otherwise the retrieval date).
    requests : tuple of Request
        Every exchange, in order, including retries and failed attempts.
    params : Mapping[str, Any]
        What was asked for (years, indicators, countries, a pinned archive version, ...),
        JSON-serialisable; stored in the manifest.
    licence : str
        The publisher's licence text for the data (e.g. ``"CC BY 4.0"``).
    notes : tuple of str
        Anything the user must know about this vintage (e.g. "2025 is preliminary").
    """

    publisher: str
    observations: pd.DataFrame
    sources: Mapping[str, Source]
    requests: tuple[Request, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    licence: str = ""
    notes: tuple[str, ...] = ()
