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
    "ParameterError",
    "RegistryError",
    "RegistryWarning",
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


class RegistryWarning(UserWarning):
    """A plugin was ignored (e.g. it reuses a built-in name)."""
