"""One HTTP client for the publisher clients: timeouts, a bounded retry, and a record of every
exchange (:class:`~burdenshare.fetch.Request`).

The retry is tenacity's (``Retrying`` with exponential back-off and ``Retry-After``), not
urllib3's ``Retry``: urllib3 retries inside the adapter, so the 503 that preceded a 200 would
never reach us and could not be recorded, while the vintage manifest must list every attempt.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .._errors import FetchError
from ._types import Request

if TYPE_CHECKING:
    import requests

#: (connect, read) timeouts in seconds: a UNHCR page of 10,000 rows is about 3 MB.
TIMEOUT = (10.0, 120.0)
#: Attempts per URL (1 + retries) for 429, 5xx, timeouts and dropped connections.
MAX_ATTEMPTS = 4
#: Exponential back-off: 2 s, 4 s, 8 s ... capped here; a Retry-After header wins if longer,
#: up to the same cap.
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 60.0
#: Statuses worth another attempt (rate limited or a server-side failure).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Sent with every request, so publishers can see who calls them.
USER_AGENT = "burdenshare-data-update (+https://github.com/burdenshare/burdenshare)"


def utc_now() -> str:
    """Return the current UTC time as ISO 8601 with seconds (``2026-12-07T17:40:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_of(url: str, status: int, body: bytes) -> Request:
    """Build the :class:`Request` record of one answer."""
    return Request(url=url, status=status, sha256=hashlib.sha256(body).hexdigest(),
                   size=len(body), retrieved_utc=utc_now())


def looks_like_html(body: bytes, content_type: str) -> bool:
    """True if an answer is an HTML page (a maintenance or error page served instead of data)."""
    head = body[:512].lstrip().lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


class _Transient(Exception):
    """An attempt that may succeed if repeated (429, 5xx, timeout, dropped connection)."""

    def __init__(self, what: str, status: int | None, wait_s: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.status = status
        self.wait_s = wait_s


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to the exponential back-off


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


@dataclass
class Answer:
    """The final, successful answer to one GET: its URL, status, body and headers."""

    url: str
    status: int
    body: bytes
    content_type: str


@dataclass
class HttpClient:
    """GET with timeouts and bounded retries, recording every exchange in :attr:`requests`.

    Parameters
    ----------
    session : requests.Session
        The session to use (injectable: tests pass one that the ``responses`` library serves).
    publisher : str
        Named in error messages.
    """

    session: requests.Session
    publisher: str
    requests: list[Request] = field(default_factory=list)

    def prepared_url(self, url: str, params: Mapping[str, Any] | None = None) -> str:
        """Return the exact URL, query string included, that :meth:`get` requests."""
        import requests as rq

        prepared = rq.Request("GET", url, params=dict(params or {})).prepare().url
        return str(prepared)

    def get(self, url: str, params: Mapping[str, Any] | None = None, *,
            ok_statuses: frozenset[int] = frozenset({200}),
            what_to_do: str = "try again later") -> Answer:
        """GET ``url`` with ``params``; retry transient failures; return the final answer.

        Parameters
        ----------
        url : str
        params : mapping, optional
            Query parameters, encoded in the order given.
        ok_statuses : frozenset of int
            Statuses the caller interprets itself (e.g. the OECD's 404 "NoRecordsFound").
        what_to_do : str
            Advice appended to an error message.

        Returns
        -------
        Answer

        Raises
        ------
        FetchError
            After the last attempt, or at once for a status that is neither OK nor transient,
            and for an HTML page served with status 200.
        """
        import requests as rq
        from tenacity import (
            RetryCallState,
            Retrying,
            retry_if_exception_type,
            stop_after_attempt,
        )

        full = self.prepared_url(url, params)

        def wait(state: RetryCallState) -> float:
            backoff = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** (state.attempt_number - 1))
            exc = state.outcome.exception() if state.outcome is not None else None
            asked = exc.wait_s if isinstance(exc, _Transient) else None
            return min(BACKOFF_CAP_S, max(backoff, asked or 0.0))

        def attempt() -> Answer:
            try:
                resp = self.session.get(full, timeout=TIMEOUT,
                                        headers={"User-Agent": USER_AGENT})
            except (rq.Timeout, rq.ConnectionError) as err:
                raise _Transient(f"no answer ({type(err).__name__})", None) from err
            body = resp.content
            self.requests.append(record_of(full, resp.status_code, body))
            if resp.status_code in RETRY_STATUSES and resp.status_code not in ok_statuses:
                raise _Transient(f"HTTP {resp.status_code} {resp.reason or ''}".strip(),
                                 resp.status_code, _retry_after(resp.headers.get("Retry-After")))
            ctype = resp.headers.get("Content-Type", "")
            if resp.status_code not in ok_statuses:
                raise FetchError(
                    f"{self.publisher}: {full} answered HTTP {resp.status_code} "
                    f"{resp.reason or ''}: the request was refused; check the parameters, and if "
                    "they are right the service may have changed (report it to burdenshare)",
                    url=full, status=resp.status_code)
            if resp.status_code == 200 and looks_like_html(body, ctype):
                raise FetchError(
                    f"{self.publisher}: {full} answered HTTP 200 with an HTML page instead of "
                    f"data (a maintenance or error page); nothing was stored; {what_to_do}",
                    url=full, status=200)
            return Answer(url=full, status=resp.status_code, body=body, content_type=ctype)

        retrying = Retrying(stop=stop_after_attempt(MAX_ATTEMPTS), wait=wait,
                            retry=retry_if_exception_type(_Transient), reraise=True,
                            sleep=_sleep)
        try:
            result: Answer = retrying(attempt)
        except _Transient as err:
            raise FetchError(
                f"{self.publisher}: {full} failed {MAX_ATTEMPTS} times, last: {err.what}; "
                f"nothing was stored; {what_to_do}", url=full, status=err.status) from err
        return result


def new_session() -> requests.Session:
    """Return a fresh ``requests.Session`` (imported lazily)."""
    import requests as rq

    return rq.Session()


def as_session(session: object | None) -> requests.Session:
    """Return ``session`` if given (checked to have a ``get``), else a new session."""
    if session is None:
        return new_session()
    if not callable(getattr(session, "get", None)):
        from .._errors import ParameterError

        raise ParameterError(
            f"session must be a requests.Session (or have its get method), got {type(session)!r}")
    return session  # type: ignore[return-value]

