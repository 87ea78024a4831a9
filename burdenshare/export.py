"""Write results and comparisons to files, each carrying its provenance. Formats only; no
arithmetic happens here.

======== ===================================================================================
suffix   what is written
======== ===================================================================================
.csv     estimates (UTF-8, missing = empty field) + ``FILE.provenance.json`` +
         ``FILE.excluded.csv``
.parquet estimates + the same two sidecars
.xlsx    sheets ``estimates``, ``excluded``, ``provenance``, ``sources``, ``assumptions``
         (text cells starting with ``= + - @``, tab or CR are neutralised; numbers untouched)
.json    one object with keys ``estimates``, ``excluded``, ``provenance``, ``assumptions``,
         ``diagnostics``, ``uncertainty_method``
======== ===================================================================================
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import ExportError
from ._version import __version__
from .compare import Comparison
from .results import Result

__all__ = ["write_result", "write_comparison", "neutralise_formula", "MISSING_TOKEN"]

#: How a missing value is written in CSV files.
MISSING_TOKEN = ""
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_SUFFIXES = (".csv", ".xlsx", ".parquet", ".json")


def neutralise_formula(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe.

    Numbers (including negative numbers) are returned unchanged.

    Parameters
    ----------
    value : object

    Returns
    -------
    object
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, Mapping):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if obj is pd.NA:
        return None
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            return _clean(obj.item())
        except (ValueError, AttributeError):
            return str(obj)
    return obj


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_clean(r) for r in df.astype(object).where(df.notna(), None).to_dict("records")]


def _suffix(path: Path) -> str:
    s = path.suffix.lower()
    if s not in _SUFFIXES:
        raise ExportError(f"cannot write {path.name}: unsupported suffix {s!r}; use one of "
                          f"{', '.join(_SUFFIXES)}")
    return s


def _meta_result(res: Result) -> dict[str, Any]:
    return {
        "written_by": f"burdenshare {__version__}",
        "missing_value_token_csv": MISSING_TOKEN,
        "uncertainty_method": res.uncertainty_method,
        "provenance": res.provenance.to_dict(),
        "assumptions": list(res.assumptions),
        "diagnostics": _clean(dict(res.diagnostics)),
    }


def _write_sidecars(path: Path, meta: dict[str, Any], excluded: pd.DataFrame) -> list[Path]:
    prov = path.with_name(path.name + ".provenance.json")
    prov.write_text(json.dumps(_clean(meta), indent=2, sort_keys=True, default=str) + "\n",
                    encoding="utf-8")
    exc = path.with_name(path.name + ".excluded.csv")
    excluded.to_csv(exc, index=False, na_rep=MISSING_TOKEN, lineterminator="\n")
    return [prov, exc]


def _xlsx(path: Path, sheets: Mapping[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            safe = df.copy()
            for c in safe.columns:
                if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c]):
                    safe[c] = safe[c].map(neutralise_formula)
            safe.to_excel(xw, sheet_name=name, index=False, freeze_panes=(1, 0))


def _kv(meta: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for k, v in meta.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            rows.extend(_kv(v, key + "."))
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], Mapping):
            for i, item in enumerate(v):
                rows.extend(_kv(item, f"{key}[{i}]."))
        else:
            rows.append((key, json.dumps(_clean(v), default=str) if not isinstance(v, str) else v))
    return rows


def _write(path: Path, estimates: pd.DataFrame, excluded: pd.DataFrame, meta: dict[str, Any],
           extra_sheets: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write a table with its exclusions and metadata in the format of ``path``'s suffix."""
    suffix = _suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        estimates.to_csv(path, index=False, na_rep=MISSING_TOKEN, lineterminator="\n")
        return [path, *_write_sidecars(path, meta, excluded)]
    if suffix == ".parquet":
        estimates.to_parquet(path, index=False)
        return [path, *_write_sidecars(path, meta, excluded)]
    if suffix == ".json":
        doc = {**meta, "estimates": _records(estimates), "excluded": _records(excluded)}
        path.write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8")
        return [path]
    _xlsx(path, {"estimates": estimates, "excluded": excluded, **extra_sheets})
    return [path]


def write_result(res: Result, path: str | Path) -> list[Path]:
    """Write one result; the format follows the suffix of ``path``.

    Parameters
    ----------
    res : Result
    path : str or Path
        ``.csv``, ``.xlsx``, ``.parquet`` or ``.json``.

    Returns
    -------
    list of Path
        Every file written.
    """
    meta = _meta_result(res)
    prov = pd.DataFrame(_kv({k: v for k, v in meta.items() if k != "assumptions"}),
                        columns=["field", "value"])
    return _write(Path(path), res.estimates, res.excluded, meta, {
        "provenance": prov,
        "sources": pd.DataFrame([dict(s) for s in res.provenance.sources]),
        "assumptions": pd.DataFrame({"assumption": list(res.assumptions)}),
    })


def write_comparison(comp: Comparison, path: str | Path) -> list[Path]:
    """Write a comparison: the long table with a ``method`` column, exclusions and provenance.

    Parameters
    ----------
    comp : Comparison
    path : str or Path
        ``.csv``, ``.xlsx``, ``.parquet`` or ``.json``.

    Returns
    -------
    list of Path
    """
    meta = {
        "written_by": f"burdenshare {__version__}",
        "missing_value_token_csv": MISSING_TOKEN,
        "data_fingerprint": comp.data_fingerprint,
        "failures": dict(comp.failures),
        "methods": {label: _meta_result(r) for label, r in comp.results.items()},
    }
    sources: dict[str, dict[str, Any]] = {}
    for r in comp.results.values():
        for s in r.provenance.sources:
            sources[s["id"]] = dict(s)
    prov_rows = _kv({"written_by": meta["written_by"], "data_fingerprint": comp.data_fingerprint,
                     "failures": meta["failures"]})
    for label, r in comp.results.items():
        prov_rows.extend(_kv(_meta_result(r), f"{label}."))
    return _write(Path(path), comp.long, comp.excluded, meta, {
        "provenance": pd.DataFrame(prov_rows, columns=["field", "value"]),
        "sources": pd.DataFrame(list(sources.values())),
        "summary": comp.summary(),
    })
