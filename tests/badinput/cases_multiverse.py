"""``burdenshare multiverse``: grid files, options, the output folder and the Dask start."""

from __future__ import annotations

from pathlib import Path

import pytest

from .case import GOOD_FILES, Case

_GRID = ('[grid]\nname = "badinput"\nseed = 3\n\n[[method]]\nestimator = "refugees_per_1000"\n'
         'year = 2020\nlookback = 0\n')
_FILES = {**GOOD_FILES, "grid.toml": _GRID}
_MV = ["multiverse", "grid.toml", "--data", "synthetic_obs.csv", "--no-progress"]


def _dask_unreachable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Dask scheduler cannot be reached (simulated: no 30 s connection timeout)."""
    import dask.distributed

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1")

    monkeypatch.setattr(dask.distributed, "Client", refuse)


def _no_folder_left(folder: Path) -> None:
    assert not (folder / "mv.parquet").exists()


def _foreign_kept(folder: Path) -> None:
    assert (folder / "mine.parquet" / "notes.txt").read_text() == "keep me"


CASES = [
    Case("grid-unknown-choice", "a grid whose choice names no parameter",
         [*_MV, "--out", "x.csv"], 2, "grid.toml, line",
         files={**_FILES, "grid.toml": _GRID + '\n[[choice]]\nname = "colourr"\nvalues = [1, 2]\n'}),
    Case("grid-unknown-estimator", "a grid naming an unknown estimator",
         ["multiverse", "grid.toml", "--out", "x.csv"], 2, "unknown estimator 'nope'",
         files={"grid.toml": "[[method]]\nestimator = 'nope'\n"}),
    Case("multiverse-bad-suffix", "multiverse --out that is neither .csv nor .parquet",
         [*_MV, "--out", "x.xlsx"], 2, "end it in .parquet", files=_FILES),
    Case("multiverse-workers", "--workers 0", [*_MV, "--workers", "0", "--out", "x.csv"], 2,
         "--workers 0: at least 1", files=_FILES),
    Case("multiverse-top", "--top 0", [*_MV, "--top", "0", "--out", "x.csv"], 2,
         "--top 0: at least 1", files=_FILES),
    Case("negative-seed", "a negative --seed", [*_MV, "--seed", "-1", "--out", "x.csv"], 2,
         "-1 is negative; a seed is a whole number >= 0", files=_FILES, one_line=False),
    Case("foreign-output-folder", "--out names a folder that is not a multiverse output",
         [*_MV, "--out", "mine.parquet"], 2, "nothing is overwritten",
         files={**_FILES, "mine.parquet/notes.txt": "keep me"}, check=_foreign_kept),
    Case("out-folder-holds-input", "--out names the folder that holds the --data file",
         ["multiverse", "grid.toml", "--data", "d.parquet/synthetic_obs.csv", "--out",
          "d.parquet"], 2, "would overwrite the input d.parquet/synthetic_obs.csv",
         files={"grid.toml": _GRID, "d.parquet/synthetic_obs.csv": GOOD_FILES["synthetic_obs.csv"],
                "d.parquet/sources.json": GOOD_FILES["sources.json"]}),
    Case("every-universe-failed", "every universe of the grid fails",
         [*_MV, "--out", "x.csv"], 4, "every universe of grid.toml failed",
         files={**_FILES, "grid.toml": "[[method]]\nestimator = 'refugees_per_gdp_ppp_pc'\n"
                "year = 2020\n"}),
    Case("dask-unreachable", "the Dask scheduler cannot be reached: no folder blocks a rerun",
         [*_MV, "--scheduler", "dask", "--address", "tcp://127.0.0.1:1", "--out", "mv.parquet"],
         4, "could not be started or reached", files=_FILES, setup=_dask_unreachable,
         check=_no_folder_left),
]
