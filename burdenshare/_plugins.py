"""Entry-point plugins, shared by the estimator registry and the indicator vocabulary.

Scanning reads package metadata only (no plugin is imported); :func:`import_target` imports a
plugin when it is needed. A plugin that reuses a built-in name is refused with a
``RegistryWarning``; two plugins claiming one name are recorded as a clash, an error when that
name is asked for.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from ._errors import RegistryError, RegistryWarning


class _Info(Protocol):
    @property
    def target(self) -> str: ...


InfoT = TypeVar("InfoT", bound=_Info)


def scan_group(group: str, builtins: Mapping[str, InfoT], plugin: Callable[[str, str, str], InfoT],
               what: str) -> tuple[Mapping[str, InfoT], Mapping[str, tuple[InfoT, ...]]]:
    """Built-ins and the entry points of ``group``, by name; and the names claimed twice.

    ``plugin(name, target, distribution)`` builds the record of one entry point; ``what``
    ("estimator", "indicator") names the kind of plugin in the warning.
    """
    from importlib import metadata

    found = dict(builtins)
    clashes: dict[str, list[InfoT]] = {}
    for ep in metadata.entry_points(group=group):
        dist = ep.dist.name if ep.dist is not None else "unknown distribution"
        info = plugin(ep.name, ep.value, dist)
        if ep.name in builtins:
            warnings.warn(
                f"plugin {what} {ep.name!r} from {dist} ({ep.value}) reuses a built-in name and "
                "is refused (ignored); rename its entry point", RegistryWarning, stacklevel=4)
            continue
        if ep.name in found and found[ep.name].target != ep.value:
            clashes.setdefault(ep.name, [found[ep.name]]).append(info)
            continue
        found[ep.name] = info
    return (MappingProxyType(dict(sorted(found.items()))),
            MappingProxyType({k: tuple(v) for k, v in clashes.items()}))


def import_target(target: str, label: str) -> Any:
    """The object ``module:attr`` names; a failure says ``label`` (which plugin) and the cause."""
    module_name, _, attr = target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except Exception as err:  # a broken plugin: say which and why
        raise RegistryError(f"{label} failed to load: {type(err).__name__}: {err}") from err
    return obj
