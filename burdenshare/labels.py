"""How an estimator is shown: the labels each estimator declares about itself.

An estimator declares a :class:`Labels` as the class attribute ``labels``; the app, the charts,
the exports and the report read it from the estimator or from ``Result.labels``, so nothing
outside the estimator keeps a table of estimator names. A plugin that declares none gets
:func:`default_labels`, built from its ``name``, ``quantity``, ``unit`` and ``summary``.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAMILIES", "Labels", "default_labels"]

#: The families of the built-in estimators, in the order the app lists them. Plugins may name
#: a family of their own; it is then listed after these.
FAMILIES: tuple[str, ...] = (
    "Relative burden",
    "Distribution keys",
    "Fair shares",
    "Contributions",
    "Costs of inclusion",
    "Host impact (econometric)",
    "Composites",
)


@dataclass(frozen=True)
class Labels:
    """Display labels an estimator declares about itself.

    Parameters
    ----------
    title : str
        The method's human name, e.g. ``"Refugees per 1,000 inhabitants"``.
    family : str
        The family it belongs to (one of :data:`FAMILIES` for built-ins; plugins may add one).
    description : str
        One line saying what the number measures.
    unit : str
        The display unit of the main quantity, e.g. ``"refugees per 1,000 inhabitants"``.
    quantities : Mapping of str to str
        Display label of each quantity the estimator writes (the main one included).
    diagnostics : Mapping of str to str
        Display label of each diagnostic key worth showing to a reader.
    """

    title: str
    family: str
    description: str
    unit: str
    quantities: Mapping[str, str] = field(default_factory=dict)
    diagnostics: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quantities", types.MappingProxyType(dict(self.quantities)))
        object.__setattr__(self, "diagnostics", types.MappingProxyType(dict(self.diagnostics)))

    def quantity(self, name: str) -> str:
        """Return the display label of quantity ``name`` (a readable fallback if undeclared)."""
        if name in self.quantities:
            return self.quantities[name]
        return name.replace("_", " ").strip().capitalize()


def default_labels(est: Any) -> Labels:
    """Return labels for an estimator that declares none, from its protocol attributes.

    Parameters
    ----------
    est : Estimator
        Any object following the estimator protocol (class or instance).

    Returns
    -------
    Labels
    """
    declared = getattr(est, "labels", None)
    if isinstance(declared, Labels):
        return declared
    name = str(getattr(est, "name", "") or type(est).__name__)
    quantity = str(getattr(est, "quantity", "") or "")
    title = quantity.replace("_", " ").strip().capitalize() or name
    return Labels(
        title=title,
        family="Other",
        description=str(getattr(est, "summary", "") or ""),
        unit=str(getattr(est, "unit", "") or ""),
        quantities={quantity: title} if quantity else {},
    )
