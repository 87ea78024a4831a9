"""Fuzz the readers and the CLI argument layer (issue 16): CSV, XLSX and Parquet bytes,
observation rows, ``--set`` strings and grid TOML.

The contract: whatever the bytes, a reader either returns a valid dataset (every value finite
or missing, every year a year) or raises the error the CLI reports as invalid data (exit 3,
one line naming the file); never any other exception. ``--set`` strings and grid TOML either
parse or raise a :class:`~burdenshare.BurdenshareError`.

``make test`` runs a short deterministic slice (``derandomize``). ``make fuzz`` sets
``BURDENSHARE_FUZZ_EXAMPLES`` (examples per target) and runs the same tests with the fixed seed
:data:`SEED`, starting from the corpus in ``tests/fuzz/corpus/`` (each corpus file is an
explicit example and the seed of the mutating strategies).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare._errors import BurdenshareError
from burdenshare.cli import _read_file

CORPUS = Path(__file__).parent / "corpus"
SEED = 20261207
#: Examples per target; ``make fuzz`` raises it (the targets' shares are in ``_SHARE``).
EXAMPLES = int(os.environ.get("BURDENSHARE_FUZZ_EXAMPLES", "0"))
SOURCES = '{"synthetic_test": {"title": "synthetic test data", "publisher": "burdenshare tests"}}'
HEADER = "iso3,year,indicator,value,unit,source"
_SHARE = {"csv": 0.35, "rows": 0.2, "set": 0.2, "toml": 0.15, "parquet": 0.07, "xlsx": 0.03}

F = TypeVar("F", bound=Callable[..., Any])


def fuzz_settings(target: str, quick: int) -> Callable[[F], F]:
    """``quick`` deterministic examples in ``make test``; the target's share under ``make fuzz``."""
    common: dict[str, Any] = {"deadline": None, "database": None,
                              "suppress_health_check": list(HealthCheck)}
    if not EXAMPLES:
        return settings(max_examples=quick, derandomize=True, **common)

    def wrap(fn: F) -> F:
        many = max(quick, int(EXAMPLES * _SHARE[target]))
        return seed(SEED)(settings(max_examples=many, **common)(fn))  # type: ignore[no-any-return]
    return wrap


# ---------------------------------------------------------------- inputs
_TOKENS = ["AUT", "DEU", "NAM", "NA", "XXA", "aut", "", " ", "2020", "20x0", "2020.5", "1e4",
           "-1", "0", "inf", "-inf", "Infinity", "nan", "NaN", "1e400", "1e308", "1e150", "-",
           "..", "#N/A", "#DIV/0!", "=1+1", "TRUE", "refugees", "population_un_wpp",
           "population", "persons", "synthetic_test", "synthetic test", "TR-34", '"', '""',
           ",", "\n", "\r\n", "\ufeff", "é", "\x00", "1,000", "١٢"]
_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3", "area",
            "extra", ""]


def _corpus(pattern: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted(CORPUS.glob(pattern))]


def _mutated(base: list[bytes]) -> st.SearchStrategy[bytes]:
    """A corpus file with bytes replaced, inserted or cut."""
    def mutate(data: bytes, at: int, cut: int, insert: bytes) -> bytes:
        at = at % (len(data) + 1)
        return data[:at] + insert + data[at + cut:]
    return st.builds(mutate, st.sampled_from(base), st.integers(0, 10**6), st.integers(0, 8),
                     st.binary(max_size=8) | st.sampled_from([t.encode() for t in _TOKENS]))


@st.composite
def _csv_text(draw: st.DrawFn) -> bytes:
    header = draw(st.sampled_from([HEADER.split(","), HEADER.split(",") + ["area"],
                                   draw(st.lists(st.sampled_from(_COLUMNS), max_size=8))]))
    rows = draw(st.lists(st.lists(st.sampled_from(_TOKENS) | st.text(max_size=6),
                                  min_size=len(header), max_size=len(header) + 1), max_size=6))
    lines = [",".join(header), *(",".join(r) for r in rows)]
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return sep.join(lines).encode("utf-8", "surrogatepass")


csv_bytes = st.one_of(_csv_text(), _mutated(_corpus("*.csv")), st.binary(max_size=64))

_CELL = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                  st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(_TOKENS),
                  st.text(max_size=8))


@st.composite
def _frame(draw: st.DrawFn) -> pd.DataFrame:
    cols = draw(st.sampled_from([HEADER.split(","), [*HEADER.split(","), "area"],
                                 draw(st.lists(st.sampled_from(_COLUMNS[:-1]), max_size=8,
                                               unique=True))]))
    n = draw(st.integers(0, 5))
    data: dict[str, Any] = {}
    for c in cols:
        kind = draw(st.sampled_from(["object", "float", "int", "bool", "str"]))
        cells = draw(st.lists(_CELL, min_size=n, max_size=n))
        data[c] = _typed(cells, kind)
    return pd.DataFrame(data) if cols else pd.DataFrame(index=range(n))


def _typed(cells: list[Any], kind: str) -> Any:
    """A column of the drawn cells as one dtype where they allow it, else as objects."""
    if kind == "float":
        return pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").astype("float64")
    if kind == "int":
        return [c if isinstance(c, int) and abs(c) < 2**62 else 0 for c in cells]
    if kind == "bool":
        return [bool(c) for c in cells]
    if kind == "str":
        return ["" if c is None else str(c) for c in cells]
    return pd.Series(cells, dtype=object)


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    try:
        df.to_parquet(buf, index=False)
    except Exception:  # a frame pyarrow cannot store (mixed objects): store it as text
        df.astype(str).to_parquet(buf, index=False)
    return buf.getvalue()


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if isinstance(v, str):
                v = "".join(ch for ch in v if ch.isprintable())
            ws.cell(row=r, column=c, value=v)
            if isinstance(v, str) and v.startswith("#"):
                ws.cell(row=r, column=c).data_type = "e"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_XCELL = st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15),
                   st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(_TOKENS))
xlsx_rows = st.lists(st.lists(_XCELL, max_size=9), max_size=5).map(
    lambda rows: [HEADER.split(","), *rows])


# ---------------------------------------------------------------- the contract
def _read_as_the_cli(name: str, data: bytes) -> None:
    """Write ``data`` as ``name`` beside a sources.json and read it as the CLI does."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        (Path(tmp) / "sources.json").write_text(SOURCES, encoding="utf-8")
        try:
            ds = _read_file(str(path))
        except (bs.DataValidationError, FileNotFoundError) as err:
            _check_error(err)
            return
        _check_dataset(ds)


def _check_error(err: Exception) -> None:
    failures = getattr(err, "failures", None)
    if failures is None:
        return
    lines = pd.to_numeric(failures["line"], errors="coerce").dropna()
    assert (lines >= 1).all(), failures


def _check_dataset(ds: bs.Dataset) -> None:
    obs = ds.observations
    value = obs["value"].to_numpy(dtype=np.float64)
    assert not np.isinf(value).any()
    assert obs["year"].between(1900, 2100).all()


@fuzz_settings("csv", 60)
@given(data=csv_bytes, gz=st.booleans())
def test_csv_bytes_never_crash_the_reader(data: bytes, gz: bool) -> None:
    import gzip

    if gz:
        _read_as_the_cli("d.csv.gz", gzip.compress(data, mtime=0))
    else:
        _read_as_the_cli("d.csv", data)


@fuzz_settings("parquet", 25)
@given(df=_frame(), mutate=st.integers(-1, 10**6))
def test_parquet_bytes_never_crash_the_reader(df: pd.DataFrame, mutate: int) -> None:
    data = _parquet(df)
    if mutate >= 0:  # one byte changed
        at = mutate % len(data)
        data = data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1:]
    _read_as_the_cli("d.parquet", data)


@fuzz_settings("xlsx", 10)
@given(rows=xlsx_rows, cut=st.integers(0, 3))
def test_xlsx_bytes_never_crash_the_reader(rows: list[list[Any]], cut: int) -> None:
    data = _xlsx(rows)
    _read_as_the_cli("d.xlsx", data[: len(data) - cut * 200] if cut else data)


@fuzz_settings("rows", 40)
@given(df=_frame())
def test_observation_rows_are_valid_or_refused(df: pd.DataFrame) -> None:
    src = {"synthetic_test": bs.Source("synthetic_test", "t", "p")}
    try:
        ds = bs.Dataset.from_frame(df, src)
    except bs.DataValidationError as err:
        _check_error(err)
        return
    _check_dataset(ds)


def _estimator_classes() -> list[type]:
    from burdenshare.registry import available, get

    return [get(name) for name in sorted(available())]


_set_corpus = [ln for ln in (CORPUS / "set_strings.txt").read_text("utf-8").splitlines() if ln]
set_strings = st.one_of(st.sampled_from(_set_corpus),
                        st.builds(lambda k, v: f"{k}={v}",
                                  st.sampled_from([s.split("=", 1)[0] for s in _set_corpus]),
                                  st.text(max_size=12) | st.sampled_from(_TOKENS)),
                        st.text(max_size=20))


@fuzz_settings("set", 40)
@given(index=st.integers(0, 10**6), text=set_strings)
def test_set_strings_parse_or_are_refused(index: int, text: str) -> None:
    from burdenshare.cli import _params, _Usage

    classes = _estimator_classes()
    cls = classes[index % len(classes)]
    try:
        cls(**_params(cls, [text]))
    except (BurdenshareError, _Usage):
        return


def _toml_corpus() -> list[bytes]:
    shipped = Path(__file__).resolve().parents[2] / "methodology" / "grids"
    return _corpus("*.toml") + [p.read_bytes() for p in sorted(shipped.glob("*.toml"))]


toml_text = st.one_of(_mutated(_toml_corpus()).map(lambda b: b.decode("utf-8", "replace")),
                      st.text(max_size=40))


@fuzz_settings("toml", 30)
@given(text=toml_text)
def test_grid_toml_parses_or_is_refused(text: str) -> None:
    from burdenshare.multiverse.grid import grid_from_toml

    try:
        grid_from_toml(text, origin="fuzz.toml")
    except BurdenshareError:
        return
