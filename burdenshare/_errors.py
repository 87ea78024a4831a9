"""Exception types. Every user-facing error names the place and the value."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BurdenshareError",
    "DataValidationError",
    "EstimatorError",
    "ExportError",
    "FetchError",
    "OutputError",
    "ParameterError",
    "RegistryError",
    "RegistryWarning",
    "SchedulerError",
]


class BurdenshareError(Exception):
    """Base class of every error burdenshare raises on purpose."""


class DataValidationError(BurdenshareError, ValueError):
    """Input data broke one or more rules.

    ``failures`` is a frame with columns ``file, line, column, value, check, reason``: every
    problem found, not only the first (validation is lazy).
    """

    def __init__(self, message: str, failures: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        self.failures = failures


class ParameterError(BurdenshareError, ValueError):
    """An estimator parameter has a value outside what the estimator allows."""


class EstimatorError(BurdenshareError, RuntimeError):
    """An estimator could not run on the data it was given (e.g. a required indicator is absent)."""


class RegistryError(BurdenshareError, LookupError):
    """An estimator name is unknown, ambiguous, or its plugin failed to load."""


class ExportError(BurdenshareError, ValueError):
    """A result could not be written in the requested format."""


class OutputError(BurdenshareError, OSError):
    """An output could not be written: a file-system problem, not a problem of the data.

    The message is one line naming the path and the operating system's reason (a read-only
    folder, a parent that is a file, a full disk, ...). Nothing is left half-written: an output
    and its sidecars land together or not at all. ``path`` and ``reason`` repeat both parts for
    programs.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


class SchedulerError(BurdenshareError, RuntimeError):
    """A parallel scheduler (a Dask cluster) could not be started or reached; nothing was run."""


class FetchError(BurdenshareError, RuntimeError):
    """A publisher's service did not give a complete, well-formed answer.

    The message is one readable line: the URL, the HTTP status (if any), what went wrong and
    what to do. ``url`` and ``status`` repeat the first two for programs (``status`` is ``None``
    when no HTTP answer arrived, e.g. a timeout).
    """

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        self.url = url
        self.status = status


class RegistryWarning(UserWarning):
    """A plugin was ignored (e.g. it reuses a built-in name)."""
