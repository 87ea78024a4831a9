"""Publisher clients: fetch a new vintage of UNHCR, World Bank or OECD DAC data.

Nothing here runs at import or in tests against the network; fetching is only ever started by
``burdenshare data update SOURCE`` or an explicit call to :func:`fetch`. The clients and their
dependencies (requests, tenacity, wbgapi) are imported inside :func:`fetch`, so
``import burdenshare`` stays light.

See ``methodology/data_update.md``, section "Publishers' services".
"""

from __future__ import annotations

from datetime import UTC, datetime

from .._errors import FetchError, ParameterError
from ._types import Fetched, Request

__all__ = ["PUBLISHERS", "FetchError", "Fetched", "Request", "fetch"]

#: The publishers :func:`fetch` knows, by store key.
PUBLISHERS: tuple[str, ...] = ("unhcr", "worldbank", "oecd_dac")

#: Default first year per publisher (the whole published history; the last year defaults to the
#: current UTC year, which the services answer with the years they have).
_FIRST_YEAR = {"unhcr": 1951, "worldbank": 1960, "oecd_dac": 2000}


def _years(publisher: str, years: tuple[int, int] | None) -> tuple[int, int]:
    this_year = datetime.now(UTC).year
    if years is None:
        return (_FIRST_YEAR[publisher], this_year)
    try:
        first, last = (int(years[0]), int(years[1]))
    except (TypeError, ValueError, IndexError) as err:
        raise ParameterError(f"years must be (first, last), two integers; got {years!r}") from err
    if len(years) != 2 or first > last or first < 1900 or last > this_year + 1:
        raise ParameterError(f"years must be (first, last) with 1900 <= first <= last <= "
                             f"{this_year + 1}; got {years!r}")
    return (first, last)


def fetch(publisher: str, *, years: tuple[int, int] | None = None,
          wdi_version: str | None = None, session: object | None = None) -> Fetched:
    """Fetch a new vintage of one publisher's data, in burdenshare's long observation format.

    Parameters
    ----------
    publisher : {"unhcr", "worldbank", "oecd_dac"}
        Which service to ask (see :data:`PUBLISHERS`).
    years : tuple of int, optional
        First and last year, both included. Default: the publisher's whole history (UNHCR from
        1951, WDI from 1960, OECD DAC from 2000) to the current year.
    wdi_version : str, optional
        ``"worldbank"`` only: a WDI Database Archives release id (e.g. ``"202607"``) to pin;
        default the current WDI.
    session : requests.Session, optional
        The HTTP session to use (tests inject one; default a new session).

    Returns
    -------
    Fetched
        Observations (same indicator names, units and codes as the embedded samples), a
        :class:`~burdenshare.Source` per source id, every HTTP exchange, the parameters, the
        licence and notes (e.g. preliminary years, what was left out and why).

    Raises
    ------
    ParameterError
        For an unknown publisher (the message lists the valid ones), bad years, or
        ``wdi_version`` given for another publisher.
    FetchError
        When a service fails, answers an HTML page, or a page walk is partial. Nothing partial
        is ever returned.

    Notes
    -----
    Methodology: ``methodology/data_update.md``.

    Examples
    --------
    >>> fetch("gapminder")
    Traceback (most recent call last):
    ...
    burdenshare._errors.ParameterError: unknown publisher 'gapminder'; valid: unhcr, worldbank, oecd_dac
    """
    if publisher not in PUBLISHERS:
        raise ParameterError(f"unknown publisher {publisher!r}; valid: {', '.join(PUBLISHERS)}")
    if wdi_version is not None and publisher != "worldbank":
        raise ParameterError(f"wdi_version applies to 'worldbank' only, not {publisher!r}")
    span = _years(publisher, years)
    retrieved = datetime.now(UTC).strftime("%Y-%m-%d")
    if publisher == "worldbank":
        from .worldbank import fetch_worldbank

        return fetch_worldbank(span, retrieved, version=wdi_version, session=session)
    from ._http import HttpClient, as_session

    client = HttpClient(session=as_session(session), publisher=publisher)
    if publisher == "unhcr":
        from .unhcr import fetch_unhcr

        return fetch_unhcr(client, span, retrieved)
    from .oecd import fetch_oecd_dac

    return fetch_oecd_dac(client, span, retrieved)
