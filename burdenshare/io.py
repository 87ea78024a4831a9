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

import pandas as pd

from ._errors import DataValidationError
from ._resources import samples_dir
from .data import MISSING_TOKENS, Dataset, Source, _combine, _validated, fingerprint_frame
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


def _read_frame(path: Path, sources: Mapping[str, Source] | str | Path | None, sheet: str | int
                ) -> tuple[pd.DataFrame, Mapping[str, Source], Sequence[int]]:
    """The raw frame of an observation file, its source records and the line of each row."""
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = _suffix(path)
    fast = _read_csv_arrow(path) if suffix in (".csv", ".csv.gz") else None
    lines: Sequence[int]
    if fast is not None:
        df = fast
        lines = range(2, len(df) + 2)  # line 1 is the header
    elif suffix in (".csv", ".csv.gz"):
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                             encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise DataValidationError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
        except pd.errors.ParserError as err:
            raise DataValidationError(f"{path}: not a readable CSV file ({err})") from err
        lines = range(2, len(df) + 2)  # line 1 is the header
    elif suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False, na_values=[])
        lines = range(2, len(df) + 2)  # Excel row numbers (row 1 = header)
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


def _read_csv_arrow(path: Path) -> pd.DataFrame | None:
    """Parse an observation CSV with pyarrow, or return None if it needs the careful reader.

    Code columns come back dictionary-encoded (pandas categoricals, never one Python string per
    row), ``value`` as float64 with the missing tokens as NaN, ``year`` as int64. Any file this
    strict reading cannot take whole (a value that is not a number, a missing year, a ragged
    line, bad UTF-8, an unexpected header) returns None, and the caller reads it as text.
    """
    import pyarrow as pa  # type: ignore[import-untyped]
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
