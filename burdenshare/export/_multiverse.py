"""Multiverse outputs: a CSV with its sidecars, or the tables added to a streamed Parquet folder.

Formats only: the attribution and rank tables are computed by the multiverse itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._errors import ExportError
from ._files import land, same_file
from ._tabular import csv_file

if TYPE_CHECKING:
    from ..multiverse import Multiverse


def _tables(mv: Multiverse, top: int) -> dict[str, pd.DataFrame]:
    """The rank attribution and the top-``top`` rank table (none when every universe failed)."""
    if not (mv.manifest["status"] == "ok").any():
        return {}
    return {"attribution": mv.attribution(on="rank"), "ranks": mv.rank_distribution(k=top)}


def _provenance_lines(mv: Multiverse) -> list[str]:
    """The run's line (grid, seed, data fingerprint), then one line per successful universe."""
    head = {"grid": mv.grid.to_dict(), "seed": mv.seed, "data_fingerprint": mv.data_fingerprint}
    lines = [json.dumps(head, default=str)]
    ok = mv.manifest["status"] == "ok"
    for uid in mv.manifest.loc[ok, "universe_id"]:
        lines.append(json.dumps(mv.provenance(int(uid)), sort_keys=True, default=str))
    return lines


def _write_csv_set(path: Path, mv: Multiverse, top: int, keep_formulas: bool) -> list[Path]:
    """``FILE.csv`` and its sidecars, all beside ``path``."""
    frames = {"": mv.long, ".manifest.csv": mv.manifest, ".excluded.csv": mv.excluded,
              ".ruled_out.csv": mv.ruled_out}
    written = [csv_file(path.with_name(path.name + suffix), df, keep_formulas=keep_formulas)
               for suffix, df in frames.items()]
    prov = path.with_name(path.name + ".provenance.jsonl")
    prov.write_text("".join(line + "\n" for line in _provenance_lines(mv)), encoding="utf-8")
    written.append(prov)
    for name, df in _tables(mv, top).items():
        side = path.with_name(f"{path.name}.{name}.csv")
        written.append(csv_file(side, df, keep_formulas=keep_formulas))
    return written


def _write_folder_tables(staged: Path, mv: Multiverse, top: int,
                         keep_formulas: bool) -> list[Path]:
    """``attribution_rank.csv`` and ``rank_distribution.csv`` for a streamed Parquet folder."""
    names = {"attribution": "attribution_rank.csv", "ranks": "rank_distribution.csv"}
    return [csv_file(staged.with_name(names[k]), df, keep_formulas=keep_formulas)
            for k, df in _tables(mv, top).items()]


def multiverse_files(mv: Multiverse, path: Path, *, top: int = 10,
                     keep_formulas: bool = False) -> list[Path]:
    """Write a multiverse's outputs (see :func:`burdenshare.export.write`).

    Parameters
    ----------
    mv : Multiverse
    path : Path
        ``FILE.csv``: the long table with sidecars ``FILE.csv.manifest.csv``, ``.excluded.csv``,
        ``.ruled_out.csv``, ``.provenance.jsonl``, ``.attribution.csv`` and ``.ranks.csv``.
        ``FILE.parquet``: the folder the multiverse was streamed to; the rank attribution and
        rank table are added to it.
    top : int
        The k of the top-k rank table.
    keep_formulas : bool
        Write text as it is (default: neutralise formula-like text).

    Returns
    -------
    list of Path
        Every file of the output (for a folder: the folder, then the tables added).

    Raises
    ------
    ExportError
        Another suffix, or a ``.parquet`` path the multiverse was not streamed to.
    OutputError
        A file-system problem; nothing of the output is left.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return land(path, lambda q: _write_csv_set(q, mv, top, keep_formulas))
    if suffix != ".parquet":
        raise ExportError(f"cannot write {path.name}: a multiverse is written as .csv (with "
                          "sidecars) or streamed to a .parquet folder")
    if mv.path is None or not same_file(mv.path, path):
        raise ExportError(f"cannot write {path.name}: a Parquet multiverse is streamed by "
                          "run_multiverse(out=...); write this one as .csv")
    tables = land(path / "tables", lambda q: _write_folder_tables(q, mv, top, keep_formulas),
                  folder=path)
    return [path, *tables]
