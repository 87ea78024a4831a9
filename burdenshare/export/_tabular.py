"""Data formats that keep every row: CSV and Parquet (with sidecars), JSON, Excel."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import ExportError
from ._common import MISSING_TOKEN, clean, neutralise_formula, records, to_json

#: Rows an Excel sheet holds below its header row (1,048,576 rows in all).
XLSX_MAX_ROWS = 1_048_575


def kv(meta: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested provenance into (field, value) rows for a spreadsheet."""
    rows: list[tuple[str, str]] = []
    for k, v in meta.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            rows.extend(kv(v, key + "."))
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], Mapping):
            for i, item in enumerate(v):
                rows.extend(kv(item, f"{key}[{i}]."))
        else:
            rows.append((key, json.dumps(clean(v), default=str) if not isinstance(v, str) else v))
    return rows


def csv_file(path: Path, df: pd.DataFrame, *, keep_formulas: bool = False) -> Path:
    """One UTF-8 CSV file, missing = empty field, formula-like text neutralised (see
    :func:`safe_text`) unless ``keep_formulas``.
    """
    out = df if keep_formulas else safe_text(df)
    out.to_csv(path, index=False, na_rep=MISSING_TOKEN, lineterminator="\n", encoding="utf-8")
    return path


def write_sidecars(path: Path, meta: Mapping[str, Any], excluded: pd.DataFrame | None, *,
                   keep_formulas: bool = False) -> list[Path]:
    """``FILE.provenance.json`` (always) and ``FILE.excluded.csv`` (when given)."""
    prov = path.with_name(path.name + ".provenance.json")
    prov.write_text(to_json(meta, indent=2) + "\n", encoding="utf-8")
    if excluded is None:
        return [prov]
    exc = path.with_name(path.name + ".excluded.csv")
    return [prov, csv_file(exc, excluded, keep_formulas=keep_formulas)]


def write_csv(path: Path, estimates: pd.DataFrame, excluded: pd.DataFrame,
              meta: Mapping[str, Any], *, keep_formulas: bool = False) -> list[Path]:
    """UTF-8 CSV, missing = empty field; provenance and exclusions in sidecars."""
    csv_file(path, estimates, keep_formulas=keep_formulas)
    return [path, *write_sidecars(path, meta, excluded, keep_formulas=keep_formulas)]


def write_parquet(path: Path, estimates: pd.DataFrame, excluded: pd.DataFrame,
                  meta: Mapping[str, Any], *, keep_formulas: bool = False) -> list[Path]:
    """Parquet (typed, missing = null, text as it is) with the same sidecars as CSV."""
    estimates.to_parquet(path, index=False)
    return [path, *write_sidecars(path, meta, excluded, keep_formulas=keep_formulas)]


def write_json(path: Path, estimates: pd.DataFrame, excluded: pd.DataFrame,
               meta: Mapping[str, Any]) -> list[Path]:
    """One JSON object: the metadata keys plus ``estimates`` and ``excluded`` rows."""
    doc = {**meta, "estimates": records(estimates), "excluded": records(excluded)}
    path.write_text(json.dumps(clean(doc), indent=1, default=str, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return [path]


def safe_text(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with formula-like text cells and headers neutralised; numbers are not touched."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def check_xlsx_rows(name: str, sheets: Mapping[str, pd.DataFrame]) -> None:
    """Refuse, before anything is written, a sheet longer than Excel allows.

    Raises
    ------
    ExportError
        A sheet has more than :data:`XLSX_MAX_ROWS` rows.
    """
    for sheet, df in sheets.items():
        if len(df) > XLSX_MAX_ROWS:
            raise ExportError(f"cannot write {name}: sheet '{sheet}' would have {len(df):,} rows, "
                              f"more than an Excel sheet holds ({XLSX_MAX_ROWS:,} below the "
                              "header); nothing was written; write .csv or .parquet instead")


def write_xlsx(path: Path, sheets: Mapping[str, pd.DataFrame], *,
               keep_formulas: bool = False) -> list[Path]:
    """One sheet per frame: bold frozen header, filters, readable widths, safe text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    check_xlsx_rows(path.name, sheets)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            safe = df if keep_formulas else safe_text(df)
            safe.to_excel(xw, sheet_name=name, index=False, freeze_panes=(1, 0))
            ws = xw.sheets[name]
            for cell in ws[1]:
                cell.font = Font(bold=True)
            if ws.max_column and ws.max_row > 1:
                ws.auto_filter.ref = ws.dimensions
            for i, c in enumerate(safe.columns, start=1):
                longest = max([len(str(c)), *(len(str(v)) for v in safe[c].head(200))])
                ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    return [path]


def formula_note(keep_formulas: bool) -> str:
    """What the ``metadata`` sheet says about formula-like text."""
    if keep_formulas:
        return "text is written as it is (keep_formulas=True): a cell may run as a formula"
    return ("text cells starting with = + - @, tab or carriage return are prefixed with an "
            "apostrophe; numbers are never changed")


def metadata_sheet(title: str, table_meta: Mapping[str, Any], meta: Mapping[str, Any],
                   notes: list[str], sources: list[dict[str, str]], *,
                   keep_formulas: bool = False) -> pd.DataFrame:
    """The ``metadata`` sheet: what the workbook holds, source notes, licences, provenance."""
    rows: list[tuple[str, str]] = [
        ("title", title),
        ("written_by", str(meta.get("written_by", ""))),
        ("missing_values", "empty cell (no estimate); nothing is filled in"),
        ("sheets", "estimates: every estimate row; excluded: every input observation left out, "
                   "with its reason; metadata: this sheet; provenance/sources/assumptions: "
                   "the same information as rows"),
        ("formula_safety", formula_note(keep_formulas)),
    ]
    rows += [(f"note[{i}]", n) for i, n in enumerate(notes)]
    for i, s in enumerate(sources):
        for k in ("id", "title", "publisher", "licence", "url", "vintage", "retrieved",
                  "derivation"):
            if s.get(k):
                rows.append((f"source[{i}].{k}", str(s[k])))
    rows += [(f"table.{k}", json.dumps(clean(v), default=str)) for k, v in table_meta.items()]
    text = to_json(meta, indent=None)
    chunk = 32000  # Excel's cell limit is 32,767 characters
    rows += [(f"provenance_json[{i}]", text[j:j + chunk])
             for i, j in enumerate(range(0, len(text), chunk))]
    return pd.DataFrame(rows, columns=["field", "value"])
