"""The content fingerprint of an observation table (``methodology/provenance.md``).

The algorithm is pinned byte for byte by ``tests/reference/test_fingerprint_reimplementation.py``,
which recomputes it with the standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import io as _stdio
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._encoding import has_areas, key_codes
from .schemas import OBSERVATION_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]


def fingerprint_frame(observations: pd.DataFrame) -> str:  # noqa: C901 (see pyproject)
    r"""Return the sha256 fingerprint of a canonical observation frame.

    The algorithm (also in ``methodology/provenance.md``): rows sorted by
    ``iso3, area, counterpart_iso3, year, indicator, source`` (missing area and counterpart sort
    as empty); columns in the order ``iso3, year, indicator, value, unit, source,
    counterpart_iso3`` and, only when at least one observation has an ``area``, ``area`` last
    (so data without areas keep the fingerprint they had before the column existed);
    ``value`` written with Python's ``repr`` of the float (shortest round-trip form), missing as
    an empty field; CSV with a header line, comma separator, minimal quoting, ``\n`` line ends,
    UTF-8; sha256 of those bytes, as 64 lowercase hex digits.

    Parameters
    ----------
    observations : pandas.DataFrame
        A frame in canonical form (as held by :class:`Dataset`).

    Returns
    -------
    str

    Notes
    -----
    The bytes hashed are exactly those of ``DataFrame.to_csv`` of that text frame (the
    implementation until burdenshare 0.1.0), but they are produced column-wise: each distinct
    value of a column is written once (Python's ``csv`` module, ``repr`` for values), rows are
    assembled with Arrow in blocks and streamed into the hash, so no copy of the data as text is
    ever held whole. ``tests/reference/test_fingerprint_reimplementation.py`` re-implements the
    page with ``csv`` and ``hashlib`` only.
    """
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    cols = [c for c in OBSERVATION_COLUMNS if c != "area"]
    if has_areas(observations):
        cols.append("area")
    n = len(observations)
    texts: list[tuple[np.ndarray, pa.Array] | None] = []
    for c in cols:
        if c in ("value", "year"):
            texts.append(None)
            continue
        codes, words = _column_texts(observations[c], c)
        texts.append((codes, pa.array(words, type=pa.string())))
    # whole numbers below 1e16: repr(x) is the integer followed by ".0" (written by Arrow)
    v = np.asarray(observations["value"].to_numpy(dtype="float64", na_value=np.nan),
                   dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = (v == np.floor(v)) & (np.abs(v) < 1e16) & ~((v == 0) & np.signbit(v))
    other = ~whole & ~np.isnan(v)
    o_words = _float_texts(v[other])
    v_codes = np.full(n, len(o_words) - 1, dtype=np.int64)
    v_codes[other] = np.arange(int(other.sum()))
    ints = np.where(whole, v, 0).astype(np.int64)
    years = np.asarray(observations["year"].to_numpy(), dtype=np.int64)
    # Arrow's CSV writer writes the rows when no text needs quoting (it is then told never to
    # quote); otherwise each row is joined from the already-quoted fields
    plain = all(not any(ch in w for w in dic.to_pylist() for ch in ',"\r\n')
                for t in texts if t is not None for dic in [t[1]])
    digest = hashlib.sha256(_csv_line(cols).encode("utf-8"))
    block = 1 << 19
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        as_int = pc.binary_join_element_wise(pc.cast(pa.array(ints[lo:hi]), pa.string()), ".0", "")
        value_text = pc.if_else(pa.array(whole[lo:hi]), as_int,
                                o_words.take(pa.array(v_codes[lo:hi])))
        parts: list[pa.Array] = []
        for c, t in zip(cols, texts):
            if c == "value":
                parts.append(value_text)
            elif c == "year":
                parts.append(pa.array(years[lo:hi]) if plain
                             else pc.cast(pa.array(years[lo:hi]), pa.string()))
            elif t is not None and plain:
                parts.append(pa.DictionaryArray.from_arrays(pa.array(t[0][lo:hi], pa.int32()),
                                                            t[1]))
            elif t is not None:
                parts.append(t[1].take(pa.array(t[0][lo:hi])))
        if plain:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(pa.Table.from_arrays(parts, names=cols), sink,
                            write_options=pacsv.WriteOptions(include_header=False,
                                                             quoting_style="none"))
            digest.update(memoryview(sink.getvalue()))
            continue
        parts[-1] = pc.binary_join_element_wise(parts[-1], "\n", "")
        lines = pc.binary_join_element_wise(*parts, ",")
        # the data buffer of a string array without nulls is its values end to end
        buf = lines.buffers()[2]
        offs = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1,
                             offset=lines.offset * 4)
        if buf is not None:
            digest.update(memoryview(buf)[int(offs[0]):int(offs[-1])])
    return digest.hexdigest()


def _float_texts(values: np.ndarray) -> pa.Array:
    """``repr`` of each float, then an empty text: Arrow's shortest round-trip text where it is
    written without an exponent (then identical to ``repr``), ``repr`` itself elsewhere.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    with np.errstate(invalid="ignore"):
        plain = (np.abs(values) >= 1e-4) & (np.abs(values) < 1e16)
    words = pc.cast(pa.array(values), pa.string())
    need = ~plain | np.asarray(pc.match_substring(words, "e").to_numpy(zero_copy_only=False),
                               dtype=bool)
    if need.any():
        words = pc.replace_with_mask(words, pa.array(need), pa.array(
            [repr(float(x)) for x in values[need]], type=pa.string()))
    return pa.concat_arrays([words, pa.array([""], type=pa.string())])


def _csv_line(fields: Sequence[str]) -> str:
    buf = _stdio.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return buf.getvalue()


def _csv_field(text: str) -> str:
    """``text`` as one field of a CSV row with minimal quoting (as ``csv``/``to_csv`` write it)."""
    return _csv_line([text, "x"])[:-3]


def _column_texts(col: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Codes into the CSV texts of a column's distinct values (missing = empty field)."""
    raw_k, uniq = key_codes(col)
    k = np.asarray(raw_k, dtype=np.int64)
    words = [_csv_field(u if isinstance(u, str) else str(u)) for u in uniq]
    return np.where(k < 0, len(words), k), [*words, ""]
