"""Estimator registry: the built-ins plus the entry-point group ``burdenshare.estimators``.

The registry is the single list of estimators. Built-ins are found in the source of the
modules of :mod:`burdenshare.estimators` (every class there that sets ``name`` to a text), so
adding a built-in is adding its class: no list elsewhere names it. Listing never imports an
estimator module (built-in names come from the source text, plugin names from package
metadata); a module is imported when one of its estimators is asked for. A class or an instance
can always be passed directly, so a notebook-local estimator needs no registration. There is no
``register()`` function and no mutable module state: the only cache is the scan, cleared by
:func:`refresh`.

The registry sits below :mod:`burdenshare.estimators` in the import layers (it imports no
estimator module statically), so composite estimators can run other estimators by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from ._errors import RegistryError
from ._plugins import import_target, scan_group
from .contract import PROTOCOL_MEMBERS, Estimator, conform

__all__ = ["EstimatorInfo", "available", "builtins", "get", "make", "refresh",
           "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "burdenshare.estimators"
#: the package of the built-in estimators, and the folder of its modules
_PACKAGE = "burdenshare.estimators"
_FOLDER = Path(__file__).parent / "estimators"
#: a top-level class, and a registry name set in its body (``name: ClassVar[str] = "..."``)
_CLASS = re.compile(r"^class (\w+)\b")
_NAME = re.compile(r"^    name(?:: ClassVar\[str\])? = \"([a-z][a-z0-9_]*)\"")


@dataclass(frozen=True)
class EstimatorInfo:
    """Where an estimator comes from: its name, ``module:attr`` target and distribution."""

    name: str
    target: str
    distribution: str
    builtin: bool


def _module_builtins(path: Path) -> dict[str, str]:
    """Registry name -> ``module:Class`` of the classes of one module that set ``name``."""
    target = f"{_PACKAGE}.{path.stem}"
    found: dict[str, str] = {}
    cls = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        head = _CLASS.match(line)
        if head:
            cls = head.group(1)
            continue
        named = _NAME.match(line)
        if named and cls:
            found[named.group(1)] = f"{target}:{cls}"
    return found


@lru_cache(maxsize=1)
def builtins() -> Mapping[str, str]:
    """Return every built-in estimator: registry name -> ``module:Class``, without importing.

    The built-ins are the classes of the public modules of :mod:`burdenshare.estimators` that
    set ``name`` in their body.

    Returns
    -------
    Mapping of str to str
    """
    found: dict[str, str] = {}
    for path in sorted(_FOLDER.glob("[!_]*.py")):
        found.update(_module_builtins(path))
    return MappingProxyType(dict(sorted(found.items())))


@lru_cache(maxsize=1)
def _scan() -> tuple[Mapping[str, EstimatorInfo], Mapping[str, tuple[EstimatorInfo, ...]]]:
    builtin = {n: EstimatorInfo(n, t, "burdenshare", True) for n, t in builtins().items()}
    return scan_group(ENTRY_POINT_GROUP, builtin,
                      lambda name, target, dist: EstimatorInfo(name, target, dist, False),
                      "estimator")


def refresh() -> None:
    """Forget cached entry-point metadata (after installing a plugin in a running session)."""
    _scan.cache_clear()
    builtins.cache_clear()


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


def make(spec: str | type | Any) -> Estimator:
    """Return an estimator instance with the whole contract (see :func:`conform`).

    Names and classes are built with default parameters; a bare plugin is wrapped once by
    :class:`~burdenshare.contract.Conformed`.

    Parameters
    ----------
    spec : str, class or instance

    Returns
    -------
    Estimator
    """
    if isinstance(spec, (str, type)):
        return conform(get(spec)())
    get(spec)
    return conform(spec)
