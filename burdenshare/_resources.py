"""Locate files shipped with the package (embedded samples, methodology pages)."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    # installed wheel: data copied into the package (pyproject force-include)
    inside = _PKG / name
    if inside.is_dir():
        return inside
    # source checkout / editable install: the folder at the repository root
    beside = _PKG.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(
        f"burdenshare's {name!r} folder was not found next to the package ({inside} or {beside}); "
        "reinstall burdenshare"
    )


def samples_dir() -> Path:
    return _locate("data_samples")


def methodology_dir() -> Path:
    return _locate("methodology")
