"""Estimator registry: the built-ins plus the entry-point group ``burdenshare.estimators``.

Listing never imports a plugin (names and targets come from package metadata); a plugin is
imported when it is asked for. A class or an instance can always be passed directly, so a
notebook-local estimator needs no registration. There is no ``register()`` function and no
mutable module state: the only cache is package metadata, cleared by :func:`refresh`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from ._errors import RegistryError
from ._plugins import import_target, scan_group
from .estimators import BUILTINS
from .estimators.base import PROTOCOL_MEMBERS, Estimator

__all__ = ["EstimatorInfo", "available", "get", "make", "refresh", "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "burdenshare.estimators"


@dataclass(frozen=True)
class EstimatorInfo:
    """Where an estimator comes from: its name, ``module:attr`` target and distribution."""

    name: str
    target: str
    distribution: str
    builtin: bool


@lru_cache(maxsize=1)
def _scan() -> tuple[Mapping[str, EstimatorInfo], Mapping[str, tuple[EstimatorInfo, ...]]]:
    builtins = {n: EstimatorInfo(n, t, "burdenshare", True) for n, t in BUILTINS.items()}
    return scan_group(ENTRY_POINT_GROUP, builtins,
                      lambda name, target, dist: EstimatorInfo(name, target, dist, False),
                      "estimator")


def refresh() -> None:
    """Forget cached entry-point metadata (after installing a plugin in a running session)."""
    _scan.cache_clear()


def available() -> Mapping[str, EstimatorInfo]:
    """Return every estimator name with where it comes from, without importing plugins.

    Returns
    -------
    Mapping of str to EstimatorInfo
    """
    return _scan()[0]


def _check_protocol(obj: Any, label: str) -> None:
    missing = [m for m in PROTOCOL_MEMBERS if not hasattr(obj, m)]
    if missing:
        raise RegistryError(
            f"{label} is not a burdenshare estimator: it lacks {', '.join(missing)} (see "
            "burdenshare.estimators.base.Estimator; inheriting EstimatorBase provides them)")


def _estimator_class(obj: Any, cls: type, label: str) -> type[Estimator]:
    """Check ``obj`` (the class or an instance) and return its class ``cls``."""
    _check_protocol(obj, label)
    # the Protocol members were checked by name just above (issubclass() cannot check a
    # Protocol with data members), so the class is an Estimator class
    return cast("type[Estimator]", cls)


def get(spec: str | type | Any) -> type[Estimator]:
    """Return an estimator class from a registry name, a class or an instance.

    Parameters
    ----------
    spec : str, class or instance
        A registry name (``burdenshare estimators`` lists them), an estimator class, or an
        estimator instance (its class is returned).

    Returns
    -------
    type

    Raises
    ------
    RegistryError
        Unknown name (the message lists the available ones), two plugins claiming one name,
        a plugin that fails to import (naming its distribution and the cause), or an object
        that does not follow the estimator protocol.
    """
    if isinstance(spec, type):
        return _estimator_class(spec, spec, f"class {spec.__qualname__}")
    if not isinstance(spec, str):
        return _estimator_class(spec, type(spec), f"object {spec!r}")
    found, clashes = _scan()
    if spec in clashes:
        who = "; ".join(f"{i.distribution} ({i.target})" for i in clashes[spec])
        raise RegistryError(f"estimator name {spec!r} is claimed by several plugins: {who}; "
                            "uninstall one, or pass the class directly")
    if spec not in found:
        raise RegistryError(
            f"unknown estimator {spec!r}. Available: {', '.join(found)}. Install a package that "
            f"provides it under the entry-point group {ENTRY_POINT_GROUP!r}, or pass the "
            "estimator class itself")
    info = found[spec]
    obj = import_target(info.target,
                        f"estimator {spec!r} from distribution {info.distribution} ({info.target})")
    if not isinstance(obj, type):
        raise RegistryError(f"estimator {spec!r} ({info.target}) is not a class")
    return _estimator_class(obj, obj, f"estimator {spec!r} from {info.distribution}")


def make(spec: str | type | Any) -> Any:
    """Return an estimator instance: names and classes are built with default parameters.

    Parameters
    ----------
    spec : str, class or instance

    Returns
    -------
    Estimator
    """
    if isinstance(spec, (str, type)):
        return get(spec)()
    get(spec)
    return spec
