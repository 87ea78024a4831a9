"""The estimator contract: what every caller may rely on, and the adapter for bare plugins.

:class:`Estimator` declares everything the library calls on an estimator. A plugin need only
have the minimal members (:data:`PROTOCOL_MEMBERS`: ``name, version, quantity, unit, requires,
reference, summary, get_params, estimate``); :func:`conform` wraps such an object once in
:class:`Conformed`, which supplies the rest with neutral defaults. Classes inheriting
:class:`~burdenshare.estimators.base.EstimatorBase` already have the whole contract and are
returned unchanged. The registry (``registry.make``) conforms every estimator it hands out, so
callers never test for a member.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

from ._errors import RegistryError
from .data import Dataset
from .labels import Labels
from .params import check_names
from .results import Result

__all__ = ["CONTRACT_MEMBERS", "Conformed", "Estimator", "PROTOCOL_MEMBERS", "conform",
           "origin_class"]

#: the members a plugin must have (the rest has defaults, see :func:`conform`)
PROTOCOL_MEMBERS = ("name", "version", "quantity", "unit", "requires", "reference", "summary",
                    "get_params", "estimate")
#: the class attributes a plugin must have
_CLASS_MEMBERS = ("name", "version", "quantity", "unit", "requires", "reference", "summary")
#: every member of :class:`Estimator`
CONTRACT_MEMBERS = (*PROTOCOL_MEMBERS, "higher_means_more_burden", "labels", "with_params",
                    "inputs", "optional_inputs", "expected_years")


@runtime_checkable
class Estimator(Protocol):
    """What burdenshare needs from an estimator (plugins need not inherit anything).

    Class attributes: ``name`` (registry key), ``version`` (of the method: bump it whenever
    numbers can change), ``quantity`` and ``unit`` of the main output, ``requires`` (indicators
    needed), ``reference`` (methodology page), ``summary`` (one line),
    ``higher_means_more_burden`` (False for indices where a lower value is a heavier burden)
    and ``labels`` (how it is shown; None: :func:`~burdenshare.labels.default_labels`).
    A bare plugin with the members of :data:`PROTOCOL_MEMBERS` only is completed by
    :func:`conform`.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    quantity: ClassVar[str]
    unit: ClassVar[str]
    requires: ClassVar[frozenset[str]]
    reference: ClassVar[str]
    summary: ClassVar[str]
    higher_means_more_burden: ClassVar[bool]
    labels: ClassVar[Labels | None]

    def get_params(self) -> dict[str, Any]:
        """Return every parameter, JSON-serialisable."""
        ...

    def with_params(self, **changes: Any) -> Estimator:
        """Return a copy with some parameters changed."""
        ...

    def inputs(self) -> frozenset[str]:
        """Indicators this instance uses (may depend on parameters)."""
        ...

    def optional_inputs(self) -> frozenset[str]:
        """Indicators of :meth:`inputs` that may be absent from the data altogether."""
        ...

    def expected_years(self, requested: tuple[int, ...]) -> tuple[int, ...]:
        """Years of ``requested`` this instance should estimate."""
        ...

    def estimate(self, data: Dataset) -> Result:
        """Estimate on ``data`` and return a frozen Result."""
        ...


class Conformed(Estimator):
    """A bare plugin estimator completed to the whole :class:`Estimator` contract.

    Members the plugin has are used; the others get defaults: ``inputs()`` is ``requires``,
    ``optional_inputs()`` is empty, ``expected_years(y)`` is ``y``, ``labels`` is None,
    ``higher_means_more_burden`` is True and ``with_params`` rebuilds the plugin's class from
    its parameters. Results are the plugin's own, so their provenance names the plugin's class.
    :func:`conform` wraps each plugin in a subclass that carries the plugin's attributes as the
    class variables :class:`Estimator` declares.

    Parameters
    ----------
    wrapped : object
        The plugin instance (with every member of :data:`PROTOCOL_MEMBERS`).
    """

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def _own(self, member: str) -> Any:
        """The plugin's own method, or None when it has none (the one place that asks)."""
        return getattr(self.wrapped, member, None)

    def get_params(self) -> dict[str, Any]:
        """The plugin's parameters."""
        return dict(self.wrapped.get_params())

    def with_params(self, **changes: Any) -> Conformed:
        """Rebuild the plugin's class from its parameters updated by ``changes``.

        Uses the plugin's own ``with_params`` where it has one.

        Parameters
        ----------
        **changes
            The parameters to set, by name.

        Returns
        -------
        Conformed
            A new wrapped estimator.
        """
        own = self._own("with_params")
        if own is not None:
            return _wrap(own(**changes))
        params = self.get_params()
        check_names(self.name, set(params), changes)
        return _wrap(type(self.wrapped)(**{**params, **changes}))

    def inputs(self) -> frozenset[str]:
        """The plugin's ``inputs()``, or ``requires``."""
        own = self._own("inputs")
        return frozenset(self.requires if own is None else own())

    def optional_inputs(self) -> frozenset[str]:
        """The plugin's ``optional_inputs()``, or none."""
        own = self._own("optional_inputs")
        return frozenset() if own is None else frozenset(own())

    def expected_years(self, requested: tuple[int, ...]) -> tuple[int, ...]:
        """The plugin's ``expected_years(requested)``, or every requested year."""
        own = self._own("expected_years")
        return requested if own is None else tuple(own(requested))

    def estimate(self, data: Dataset) -> Result:
        """The plugin's result (its provenance names the plugin's class)."""
        result: Result = self.wrapped.estimate(data)
        return result

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Conformed):
            return bool(self.wrapped == other.wrapped)
        return bool(self.wrapped == other)

    def __hash__(self) -> int:
        return hash(self.wrapped)

    def __repr__(self) -> str:
        return repr(self.wrapped)


def conform(est: Any) -> Estimator:
    """Return ``est`` with the whole :class:`Estimator` contract (wrapped once if needed).

    Parameters
    ----------
    est : object
        An estimator instance: one with the whole contract is returned unchanged, a bare
        plugin (the members of :data:`PROTOCOL_MEMBERS`) is wrapped in :class:`Conformed`.

    Returns
    -------
    Estimator

    Raises
    ------
    RegistryError
        If ``est`` lacks a member of :data:`PROTOCOL_MEMBERS`.
    """
    if isinstance(est, Estimator):
        return est
    missing = [m for m in PROTOCOL_MEMBERS if not hasattr(est, m)]
    if missing:
        raise RegistryError(
            f"{est!r} is not a burdenshare estimator: it lacks {', '.join(missing)} (see "
            "burdenshare.estimators.base.Estimator; inheriting EstimatorBase provides them)")
    return _wrap(est)


def _wrap(est: Any) -> Conformed:
    """Wrap ``est`` in a :class:`Conformed` subclass holding its attributes as class variables."""
    labels = getattr(est, "labels", None)
    attrs = {m: getattr(est, m) for m in _CLASS_MEMBERS}
    attrs["requires"] = frozenset(attrs["requires"])
    attrs["labels"] = labels if isinstance(labels, Labels) else None
    attrs["higher_means_more_burden"] = bool(getattr(est, "higher_means_more_burden", True))
    adapter: type[Conformed] = type(f"Conformed{type(est).__name__}", (Conformed,), attrs)
    return adapter(est)


def origin_class(est: Any) -> type:
    """Return the class of the estimator itself (the plugin's class for a :class:`Conformed`).

    Parameters
    ----------
    est : object

    Returns
    -------
    type
    """
    if isinstance(est, Conformed):
        return type(est.wrapped)
    return type(est)

