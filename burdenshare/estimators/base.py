"""The frozen-dataclass convenience base of estimators, and the names plugin authors import.

An estimator is a small immutable object: its parameters are dataclass fields, validated on
construction; ``estimate(data)`` is pure (it never mutates ``data`` and never touches global
random state) and returns a frozen :class:`~burdenshare.results.Result` with provenance.

What an estimator must offer is declared in :mod:`burdenshare.contract`; parameters are
described by :mod:`burdenshare.params`; the bookkeeping of observations is the
:class:`~burdenshare.estimators._ledger.Ledger`; :func:`~burdenshare.provenance.finish_result`
attaches the provenance. Their public names are re-exported here, so that
``from burdenshare.estimators.base import EstimatorBase, Estimator, finish_result, Ledger``
is all a plugin author needs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._codes import codes_of
from .._errors import EstimatorError
from ..contract import PROTOCOL_MEMBERS, Estimator, conform
from ..data import Dataset
from ..labels import Labels
from ..params import ParamSpec, check_names, jsonable, param_specs, parse_param, sources_field
from ..provenance import finish_result, library_version, years_without_estimates_line
from ..results import Computation, Result
from ._ledger import Ledger

__all__ = ["Estimator", "EstimatorBase", "Ledger", "PROTOCOL_MEMBERS", "ParamSpec", "conform",
           "finish_result", "library_version", "param_specs", "parse_param", "sources_field",
           "years_without_estimates_line"]


# --------------------------------------------------------------------------- the base class
@dataclass(frozen=True, kw_only=True)
class EstimatorBase:
    """Convenience base: a frozen dataclass whose fields are the parameters.

    Subclasses set the class attributes and implement ``_compute(data) -> Computation``. Field
    ``metadata`` may carry ``doc`` (one line), bounds ``ge``/``gt``/``le``/``lt`` and
    ``choices`` (allowed items of a list parameter).
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    quantity: ClassVar[str] = ""
    unit: ClassVar[str] = ""
    requires: ClassVar[frozenset[str]] = frozenset()
    reference: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    #: False for indices where a lower value means a heavier burden (e.g. "1 in N"); used when
    #: ranking countries so that rank 1 is always the heaviest burden
    higher_means_more_burden: ClassVar[bool] = True
    #: True for methods whose unit may be a sub-national area (observations with an ``area``);
    #: otherwise the :class:`Ledger` excludes such observations as ``subnational``
    supports_areas: ClassVar[bool] = False
    #: how the estimator is shown (title, family, description, unit, quantity and diagnostic
    #: labels); ``None`` falls back to :func:`burdenshare.labels.default_labels`
    labels: ClassVar[Labels | None] = None

    def __post_init__(self) -> None:
        for spec in param_specs(type(self)):
            value = getattr(self, spec.name)
            canon = spec.check(value)
            if canon is not value:
                object.__setattr__(self, spec.name, canon)
        self._validate()

    def _validate(self) -> None:
        """Hook for checks across parameters; raise :class:`ParameterError`."""

    # ---- parameters
    def get_params(self) -> dict[str, Any]:
        """Return every parameter as JSON-serialisable values (lists for tuples).

        Returns
        -------
        dict
        """
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def with_params(self, **changes: Any) -> EstimatorBase:
        """Return a copy with some parameters changed (validated again).

        Parameters
        ----------
        **changes
            Parameter names and new values.

        Returns
        -------
        EstimatorBase
            A new estimator; this one is unchanged.
        """
        check_names(self.name, {f.name for f in dataclasses.fields(self)}, changes)
        return dataclasses.replace(self, **changes)

    def inputs(self) -> frozenset[str]:
        """Indicators this instance uses (may depend on parameters); ``requires`` by default."""
        return self.requires

    def optional_inputs(self) -> frozenset[str]:
        """Indicators of :meth:`inputs` that may be absent from the data altogether."""
        return frozenset()

    def _missing_hint(self, missing: list[str]) -> str:
        """Extra advice appended to the missing-indicator error (empty by default)."""
        return ""

    def expected_years(self, requested: tuple[int, ...]) -> tuple[int, ...]:
        """Years of ``requested`` (``Dataset.requested_years``) this instance should estimate.

        Each of them without an estimate is listed in ``Result.excluded`` as
        ``year_without_data``. All of them by default; an estimator of one year studied (e.g.
        a fair share with ``year`` and ``capacity_lag``) narrows it, since the other selected
        years are inputs only.

        Parameters
        ----------
        requested : tuple of int

        Returns
        -------
        tuple of int
        """
        return requested

    # ---- estimation (template method)
    def estimate(self, data: Dataset) -> Result:
        """Estimate on ``data``.

        Parameters
        ----------
        data : Dataset

        Returns
        -------
        Result

        Raises
        ------
        EstimatorError
            If an indicator this estimator needs is absent, or the estimator failed.
        """
        if not isinstance(data, Dataset):
            raise TypeError(
                f"{self.name}.estimate() takes a burdenshare Dataset, not {type(data).__name__}; "
                "build one with burdenshare.Dataset.from_frame or burdenshare.read_observations")
        # one pass codes the indicator column for the check here and the sources in
        # finish_result (a million-row dataset is not scanned twice)
        inputs = sorted(self.inputs())
        codes = codes_of(data.observations["indicator"], inputs)
        present = {inputs[k] for k in np.flatnonzero(
            np.bincount(codes + 1, minlength=len(inputs) + 1)[1:])}
        needed = self.inputs() - self.optional_inputs()
        missing = sorted(needed - present)
        if missing:
            raise EstimatorError(
                f"{self.name} needs indicator(s) {', '.join(missing)}, which the data do not "
                f"contain (it has: {', '.join(data.indicators) or 'none'}); add a file with them "
                "(--data) or use the embedded samples" + self._missing_hint(missing))
        comp = self._compute(data)
        return finish_result(self, data, comp, _indicator_codes=(inputs, codes))

    def _compute(self, data: Dataset) -> Computation:  # pragma: no cover - abstract
        raise NotImplementedError

