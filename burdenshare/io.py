"""Files in, :class:`~burdenshare.data.Dataset` out: user files (CSV, XLSX, Parquet) and the
embedded samples.

Every reader keeps the line of each row so that validation errors say "file, line, column,
value, rule". Code columns are read as text with ``keep_default_na=False`` (Namibia's ``NA``
stays ``NA``); only the ``value`` column knows missing tokens.

CSV files are parsed with ``pyarrow.csv`` straight into dictionary-encoded code columns, a
float ``value`` (the missing tokens read as missing) and an integer ``year``. A file that this
strict reading cannot take as it is (a cell that is not a number, a ragged line, text that is
not UTF-8, ...) is read again with pandas as text, so that every problem is reported cell by
cell with its line, exactly as before.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, cast

import pandas as pd

from ._errors import DataValidationError
from ._resources import samples_dir
from ._rules import _raise
from .data import (
    MISSING_TOKENS,
    Dataset,
    Source,
    _combine,
    _validated,
    fingerprint_frame,
)
from .indicators import Indicator, Vocabulary
from .schemas import CODE_COLUMNS, OBSERVATION_COLUMNS

__all__ = ["read_observations", "read_sources", "load_sample", "sample_path", "sample_files"]

_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".parquet")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for s in (".csv.gz", ".csv", ".xlsx", ".parquet"):
        if name.endswith(s):
            return s
    return path.suffix.lower()


def read_sources(path: str | Path) -> dict[str, Source]:
    """Read a ``sources.json`` file: an object keyed by source id.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict of str to Source

    Raises
    ------
    DataValidationError
        If the file is not valid JSON or a record lacks ``title`` or ``publisher``.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataValidationError(f"{path}, line {err.lineno}: not valid JSON ({err.msg})") from err
    if not isinstance(raw, dict):
        raise DataValidationError(f"{path}: expected a JSON object keyed by source id")
    out = {}
    allowed = set(Source.__dataclass_fields__)
    for key, rec in raw.items():
        if not isinstance(rec, dict):
            raise DataValidationError(f"{path}: source {key!r} is not an object")
        unknown = set(rec) - allowed
        if unknown:
            raise DataValidationError(f"{path}: source {key!r} has unknown field(s) {sorted(unknown)}")
        for need in ("title", "publisher"):
            if not rec.get(need):
                raise DataValidationError(f"{path}: source {key!r} lacks {need!r}")
        out[key] = Source(**{"id": key, **{k: str(v) for k, v in rec.items() if k != "id"}})
    return out


def _placeholder_sources(ids: Iterable[str], path: Path) -> dict[str, Source]:
    return {
        i: Source(
            id=i,
            title=i,
            publisher="not documented",
            derivation=f"read from {path.name}; no sources.json was given, so publisher, "
            "licence and vintage are not documented",
        )
        for i in ids
    }


def read_observations(
    path: str | Path,
    sources: Mapping[str, Source] | str | Path | None = None,
    *,
    sheet: str | int = 0,
    indicators: Vocabulary | Iterable[Indicator] | None = None,
) -> Dataset:
    """Read a user file of observations into a validated :class:`Dataset`.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (optionally ``.csv.gz``), ``.xlsx`` or ``.parquet`` with the columns
        ``iso3, year, indicator, value, unit, source`` and optionally ``counterpart_iso3`` and
        ``area`` (a sub-national unit within ``iso3``, free text without spaces such as the ISO
        3166-2 code ``TR-34``; an empty cell = the whole country). Files without ``area`` read
        as before.
    sources : mapping, or path of a sources.json, optional
        Source records. By default ``<file>.sources.json`` or ``sources.json`` beside the file is
        used if present; otherwise each source id gets a record marked "not documented".
    sheet : str or int
        Sheet to read from an ``.xlsx`` file.
    indicators : Vocabulary or iterable of Indicator, optional
        Indicators the file may use besides the built-ins and the installed plugin indicators
        (``methodology/plugins.md``); recorded in ``Dataset.vocabulary``.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        Every problem, each with file, line, column, value and the rule broken.
    FileNotFoundError
        If the file does not exist.
    """
    df, srcs, lines = _read_frame(Path(path), sources, sheet)
    return Dataset.from_frame(df, srcs, origin=str(path), lines=lines, indicators=indicators)


def _read_frame(path: Path, sources: Mapping[str, Source] | str | Path | None, sheet: str | int  # noqa: C901, PLR0912 (see pyproject)
                ) -> tuple[pd.DataFrame, Mapping[str, Source], Sequence[int]]:
    """The raw frame of an observation file, its source records and the line of each row."""
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = _suffix(path)
    fast = _read_csv_arrow(path) if suffix in (".csv", ".csv.gz") else None
    lines: Sequence[int]
    if fast is not None:
        df = fast
        lines = _record_lines(path, len(df))
    elif suffix in (".csv", ".csv.gz"):
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                             encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise DataValidationError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
        except pd.errors.ParserError as err:
            raise DataValidationError(f"{path}: not a readable CSV file ({err})") from err
        lines = _record_lines(path, len(df))
    elif suffix == ".xlsx":
        df, lines = _read_xlsx(path, sheet)
    elif suffix == ".parquet":
        df = pd.read_parquet(path)
        lines = range(1, len(df) + 1)  # 1-based row number
    else:
        raise DataValidationError(
            f"{path}: unsupported file type {suffix!r}; use one of {', '.join(_SUFFIXES)}")
    df.columns = [str(c) for c in df.columns]
    if isinstance(sources, (str, Path)):
        srcs: Mapping[str, Source] = read_sources(sources)
    elif sources is not None:
        srcs = sources
    else:
        side = [path.with_name(path.name + ".sources.json"), path.with_name("sources.json")]
        found = next((p for p in side if p.exists()), None)
        if found is not None:
            srcs = read_sources(found)
        else:
            col = df["source"] if "source" in df.columns else pd.Series(dtype=str)
            uniq = col.cat.categories if isinstance(col.dtype, pd.CategoricalDtype) else col.unique()
            ids = sorted({str(s) for s in uniq if str(s).strip()})
            srcs = _placeholder_sources(ids, path)
    return df, srcs, lines


def _open_binary(path: Path) -> IO[bytes]:
    import gzip

    if path.name.lower().endswith(".gz"):
        return cast("IO[bytes]", gzip.open(path, "rb"))
    return path.open("rb")


def _physical_lines(path: Path) -> int:
    """Number of lines in the file (a last line without a line break counts), read in chunks."""
    count, last = 0, b"\n"
    with _open_binary(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _record_lines(path: Path, n_rows: int) -> Sequence[int]:
    """The line on which each data record of a CSV file starts (the header is not a record).

    A file with one record per line needs no scan. Otherwise (blank lines, which the parsers
    skip, or quoted fields holding line breaks) the records are walked once with :mod:`csv`.
    """
    simple = range(2, n_rows + 2)
    try:
        if _physical_lines(path) == n_rows + 1:
            return simple
        lines = _scan_record_lines(path)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error):
        return simple
    return lines if len(lines) == n_rows else simple


def _scan_record_lines(path: Path) -> list[int]:
    """Start line of every non-blank record after the header."""
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    starts: list[int] = []
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        end = 0
        for row in reader:
            start, end = end + 1, reader.line_num
            if row:
                starts.append(start)
    return starts[1:]


#: What an Excel error cell holds (openpyxl gives its text).
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                           "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
                           "#UNKNOWN!", "#CONNECT!", "#BUSY!"})


def _read_xlsx(path: Path, sheet: str | int) -> tuple[pd.DataFrame, list[int]]:
    """A sheet of an ``.xlsx`` file as text cells, with the Excel row number of each row.

    Error cells (``#DIV/0!``, ``#N/A``, ...) keep their text and formulas without a saved
    value read as the formula text, so that validation names the cell instead of reading it as
    missing. Blank rows are skipped; a value in a column without a header is an error.
    """
    formulas = _xlsx_rows(path, sheet, data_only=False)
    rows = _xlsx_rows(path, sheet, data_only=True)
    texts = [[_cell_text(v, _formula_at(formulas, r, c)) for c, v in enumerate(row)]
             for r, row in enumerate(rows)]
    numbered = [(r + 1, row) for r, row in enumerate(texts) if any(t.strip() for t in row)]
    if not numbered:
        return pd.DataFrame(), []
    (_, header), body = numbered[0], numbered[1:]
    width = max(len(row) for _, row in numbered)
    header = [*header, *[""] * (width - len(header))]
    keep = [c for c, name in enumerate(header) if name.strip()]
    _refuse_stray_cells(path, header, body)
    data = [[row[c] if c < len(row) else "" for c in keep] for _, row in body]
    df = pd.DataFrame(data, columns=[header[c] for c in keep], dtype=object)
    return df, [line for line, _ in body]


def _xlsx_rows(path: Path, sheet: str | int, *, data_only: bool) -> list[tuple[Any, ...]]:
    """The cell values of one sheet, row by row (formulas as text when not ``data_only``)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as err:
        raise ValueError(f"not a readable workbook ({err})") from err
    try:
        names = list(wb.sheetnames)
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise DataValidationError(f"{path}: no sheet {sheet}; the workbook has {names}")
        if isinstance(sheet, str) and sheet not in names:
            raise DataValidationError(f"{path}: no sheet named {sheet!r}; the workbook has {names}")
        ws = wb[names[sheet] if isinstance(sheet, int) else sheet]
        return [tuple(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _formula_at(formulas: Sequence[tuple[Any, ...]], r: int, c: int) -> str | None:
    v = formulas[r][c] if r < len(formulas) and c < len(formulas[r]) else None
    return v if isinstance(v, str) and v.startswith("=") else None


def _cell_text(v: Any, formula: str | None) -> str:
    """A cell as the text a CSV file would hold (whole floats without ``.0``, like pandas)."""
    if v is None:
        return formula or ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)


def _refuse_stray_cells(path: Path, header: Sequence[str], body: Sequence[tuple[int, list[str]]]
                        ) -> None:
    """A value in a column without a header is reported (once per cell, at most a few)."""
    from openpyxl.utils import get_column_letter

    fail = []
    for line, row in body:
        for c, text in enumerate(row):
            if text.strip() and not header[c].strip():
                cell = f"{get_column_letter(c + 1)}{line}"
                fail.append({"file": str(path), "line": line, "column": f"(cell {cell})",
                             "value": text, "check": "known_column",
                             "reason": "is in a column without a header (delete it, or name "
                             "the column)"})
    if fail:
        _raise(fail)


def _read_csv_arrow(path: Path) -> pd.DataFrame | None:
    """Parse an observation CSV with pyarrow, or return None if it needs the careful reader.

    Code columns come back dictionary-encoded (pandas categoricals, never one Python string per
    row), ``value`` as float64 with the missing tokens as NaN, ``year`` as int64. Any file this
    strict reading cannot take whole (a value that is not a number, a missing year, a ragged
    line, bad UTF-8, an unexpected header) returns None, and the caller reads it as text.
    """
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    try:
        header = _header(path)
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    if not header or any(c not in OBSERVATION_COLUMNS for c in header) or len(set(header)) != len(
            header):
        return None  # column problems are reported by the careful reader
    if any(c not in header for c in OBSERVATION_COLUMNS if c not in ("counterpart_iso3", "area")):
        return None
    types: dict[str, pa.DataType] = {c: pa.dictionary(pa.int32(), pa.string())
                                     for c in CODE_COLUMNS}
    types.update({"year": pa.int64(), "value": pa.float64()})
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: t for c, t in types.items() if c in header},
                null_values=sorted(MISSING_TOKENS), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return None
    if table.column("year").null_count:
        return None  # an empty year: the careful reader names the cell
    if pc.any(pc.is_nan(table.column("value"))).as_py():
        return None  # text such as 'nan(1)' that pyarrow reads as NaN: not a missing token
    table = table.unify_dictionaries() if hasattr(table, "unify_dictionaries") else table
    df: pd.DataFrame = table.to_pandas()
    return df


def sample_path(name: str = "") -> Path:
    """Return the path of the embedded sample folder, or of one file in it.

    Parameters
    ----------
    name : str, optional
        File name inside ``data_samples/`` (e.g. ``"wdi.csv.gz"``).

    Returns
    -------
    Path
    """
    base = samples_dir()
    if not name:
        return base
    p = base / name
    if not p.exists():
        raise FileNotFoundError(f"no sample file {name!r}; available: {[f.name for f in sample_files()]}")
    return p


def sample_files() -> list[Path]:
    """Return the observation files of the embedded samples, sorted by name."""
    out = []
    for p in sorted(samples_dir().iterdir()):
        if not p.name.endswith((".csv", ".csv.gz")):
            continue
        header = _header(p)
        if tuple(header) in (OBSERVATION_COLUMNS, OBSERVATION_COLUMNS[:-1]):  # area optional
            out.append(p)
    return out


def _header(path: Path) -> list[str]:
    import gzip

    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    return next(csv.reader([first]), [])


def load_sample(names: Sequence[str] | None = None) -> Dataset:
    """Load the embedded real-data samples (UNHCR, World Bank) as one :class:`Dataset`.

    Parameters
    ----------
    names : sequence of str, optional
        Observation files to load (e.g. ``["unhcr_population.csv.gz", "wdi.csv.gz"]``); all by
        default. ``data_samples/README.md`` documents each file's source, licence and derivation.

    Returns
    -------
    Dataset
    """
    files = sample_files()
    if names is not None:
        by_name = {f.name: f for f in files}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise FileNotFoundError(f"no sample file(s) {missing}; available: {sorted(by_name)}")
        files = [by_name[n] for n in names]
    sources = read_sources(samples_dir() / "sources.json")
    # each file validated on its own (messages name it), one canonical frame, one fingerprint
    frames: list[pd.DataFrame] = []
    used: dict[str, Source] = {}
    for f in files:
        df, srcs, lines = _read_frame(f, sources, 0)
        frame, srcs_used, _ = _validated(df, srcs, origin=str(f), lines=lines)
        frames.append(frame)
        used.update(srcs_used)
    canon = _combine(frames, [str(f) for f in files]) if len(frames) != 1 else frames[0]
    return Dataset(canon, MappingProxyType(dict(sorted(used.items()))), fingerprint_frame(canon),
                   origin="burdenshare embedded samples", lineage=())
