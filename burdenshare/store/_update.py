"""``update``: fetch a new vintage from a publisher and store it."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .._errors import BurdenshareError, FetchError, ParameterError
from ._store import PUBLISHERS, FetchFailedError, Vintage, write_vintage

__all__ = ["update"]


def update(publisher: str, *, years: tuple[int, int] | None = None, wdi_version: str | None = None,
           root: str | Path | None = None, session: object | None = None,
           now: _dt.datetime | None = None) -> Vintage:
    """Fetch a new vintage of ``publisher``'s data, validate it and store it atomically.

    Parameters
    ----------
    publisher : {"unhcr", "worldbank", "oecd_dac"}
    years : (int, int), optional
        First and last year to fetch (both bounds are always sent); default: the client's.
    wdi_version : str, optional
        World Bank only: a WDI Database Archives release to pin (e.g. ``"202607"``).
    root : str or Path, optional
        Store folder (default: the user data directory).
    session : object, optional
        HTTP session handed to the client (tests pass a recorded one; nothing here opens the
        network by itself).
    now : datetime.datetime, optional
        Time stamp of the vintage id (default: now, UTC).

    Returns
    -------
    Vintage
        The vintage written (``summary()`` gives rows, indicators and years).

    Raises
    ------
    ParameterError
        If ``publisher`` is unknown, ``years`` are reversed or ``wdi_version`` is given for
        another publisher (also when the client says so).
    FetchFailedError
        If the publisher could not be reached or its answer was unusable (chained to the
        client's error).
    DataValidationError
        If the answer fails validation; nothing is stored.
    """
    if publisher not in PUBLISHERS:
        raise ParameterError(f"unknown data source {publisher!r}; choose one of "
                             f"{', '.join(PUBLISHERS)}")
    if wdi_version is not None and publisher != "worldbank":
        raise ParameterError(f"wdi_version={wdi_version!r} applies to 'worldbank' only, not "
                             f"{publisher!r}")
    if years is not None and years[0] > years[1]:
        raise ParameterError(f"years={years}: the first year is after the last")
    from ..fetch import fetch  # the publisher clients (imported here: they load requests)

    try:
        fetched = fetch(publisher, years=years, wdi_version=wdi_version, session=session)
    except (ParameterError, FetchFailedError):
        raise  # a usage error stays one (CLI exit code 2)
    except FetchError as err:  # the clients' own error: one line with URL and status
        raise FetchFailedError(f"fetching {publisher} failed: {err}", url=err.url,
                               status=err.status) from err
    except BurdenshareError as err:
        raise FetchFailedError(f"fetching {publisher} failed: {err}") from err
    except Exception as err:  # network, HTTP and parse errors of the client: one readable line
        raise FetchFailedError(f"fetching {publisher} failed: {type(err).__name__}: {err}") from err
    if fetched.publisher != publisher:
        raise FetchFailedError(f"asked for {publisher!r}, the client returned a vintage of "
                               f"{fetched.publisher!r}")
    return write_vintage(fetched, root=root, now=now)
