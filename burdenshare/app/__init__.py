"""JupyterLab front end: thin ipywidgets shells over compare(), charts and export.

``from burdenshare.app import ComparisonApp`` imports ipywidgets and altair; ``import
burdenshare`` never does (the names here load on first use).
"""

from __future__ import annotations

from typing import Any

__all__ = ["AppState", "ComparisonApp", "HostImpactApp", "MultiverseApp", "ParamControls"]

_WHERE = {"AppState": ".state", "ComparisonApp": ".widgets", "HostImpactApp": ".impact_app",
          "MultiverseApp": ".multiverse_app", "ParamControls": ".controls"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
