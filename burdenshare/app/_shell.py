"""What the apps' widget shells share: the offline switch for charts and the error status.

``enable_offline`` is the one place the kernel-wide ``alt.JupyterChart.enable_offline()`` is
called (house rule 4: the one unavoidable global, in one documented place): every app calls it
before its first chart, so no chart loads its JavaScript from a CDN.
"""

from __future__ import annotations

import html
import traceback
from functools import lru_cache

import altair as alt

__all__ = ["enable_offline", "error_status"]


@lru_cache(maxsize=1)
def enable_offline() -> None:
    """Switch Altair's ``JupyterChart`` to offline mode for the kernel (once)."""
    alt.JupyterChart.enable_offline()


def error_status(what: str, err: BaseException) -> str:
    """The status line of an error: ``what`` in bold and the exception's one-line message.

    Parameters
    ----------
    what : str
        What failed (a method, a design, "export", ...).
    err : BaseException

    Returns
    -------
    str
        HTML with the CSS class ``bs-status-error`` (no traceback).
    """
    msg = "".join(traceback.format_exception_only(type(err), err)).strip()
    return (f'<div class="bs-status-error" data-failures="1"><b>{html.escape(what)}</b>: '
            f"{html.escape(msg)}</div>")
