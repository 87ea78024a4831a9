"""Outputs: never over an input (exit 2), file-system problems (exit 6, nothing left half-
written), Excel's row limit (refused up front), and formula-like text in CSV/XLSX exports.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from .case import GOOD_FILES, HEADER, SOURCES, SYNTHETIC_OBS, Case

_RUN = ["run", "refugees_per_1000", "--data", "synthetic_obs.csv", "--set",
        "population_source=un_wpp"]


def _input_unchanged(folder: Path) -> None:
    assert (folder / "synthetic_obs.csv").read_text(encoding="utf-8") == SYNTHETIC_OBS
    assert (folder / "sources.json").read_text(encoding="utf-8") == SOURCES


def _nothing_written(folder: Path) -> None:
    """No output file and no staging folder is left anywhere below ``folder``."""
    left = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.name.startswith(("r.", ".burdenshare-staging"))]
    assert left == [], left


def _read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder without write permission (root may write anyway: then the OS answer is simulated)."""
    ro = folder / "ro"
    ro.chmod(0o555)
    if os.geteuid() == 0:
        import burdenshare.export._files as files

        def refuse(**kwargs: object) -> str:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(kwargs["dir"]))

        monkeypatch.setattr(files.tempfile, "mkdtemp", refuse)


def _full_disk(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after the CSV, while the provenance sidecar is written."""
    def no_space(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", no_space)


def _small_excel(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel's limit of 1,048,575 rows below the header, lowered to 2 (3 estimate rows)."""
    import burdenshare.export._tabular as tab

    monkeypatch.setattr(tab, "XLSX_MAX_ROWS", 2)


def _neutralised(folder: Path) -> None:
    text = (folder / "r.csv.excluded.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text


def _kept(folder: Path) -> None:
    text = (folder / "r.csv.excluded.csv").read_text(encoding="utf-8")
    assert ',"=HYPERLINK' in text


_THREE = HEADER + "".join(
    f"{c},2020,refugees,{r},persons,synthetic_test\n{c},2020,population_un_wpp,{p},persons,"
    "synthetic_test\n" for c, r, p in (("AUT", 1000, 250000), ("BEL", 500, 100000),
                                        ("CHE", 10, 5000)))
_FORMULA = '=HYPERLINK("http://example.org")'
_QUOTED = '"' + _FORMULA.replace('"', '""') + '"'
#: Every row from a source whose id is formula text; the UNK row is excluded (not a country).
_FORMULA_OBS = (SYNTHETIC_OBS + "UNK,2020,refugees,5,persons,synthetic_test\n").replace(
    "synthetic_test", _QUOTED)
_FORMULA_SOURCES = '{"' + _FORMULA.replace('"', '\\"') + '": {"title": "t", "publisher": "p"}}'

CASES = [
    Case("out-is-input", "--out names the --data file", [*_RUN, "--out", "synthetic_obs.csv"], 2,
         "would overwrite the input synthetic_obs.csv", files=GOOD_FILES, check=_input_unchanged),
    Case("out-is-input-via-link", "--out resolves to the --data file through another path",
         [*_RUN, "--out", "./sub/../synthetic_obs.csv"], 2, "would overwrite the input",
         files={**GOOD_FILES, "sub/": ""}, check=_input_unchanged),
    Case("out-is-sources", "--out names the sources.json read with the data",
         [*_RUN, "--out", "sources.json"], 2, "would overwrite the input sources.json",
         files=GOOD_FILES, check=_input_unchanged),
    Case("read-only-folder", "--out in a folder without write permission",
         [*_RUN, "--out", "ro/r.csv"], 6, "cannot write ro/r.csv: cannot create files in ro "
         "(Permission denied)", files={**GOOD_FILES, "ro/": ""}, setup=_read_only,
         check=_nothing_written),
    Case("parent-is-file", "--out below a path that is a file",
         [*_RUN, "--out", "afile/r.csv"], 6, "cannot write afile/r.csv: afile is a file, not a "
         "folder", files={**GOOD_FILES, "afile": "x"}, check=_nothing_written),
    Case("out-is-folder", "--out names an existing folder", [*_RUN, "--out", "r.csv"], 6,
         "cannot write r.csv: it is a folder", files={**GOOD_FILES, "r.csv/": ""}),
    Case("full-disk", "the disk fills up while the sidecars are written",
         [*_RUN, "--out", "r.csv"], 6, "cannot write r.csv: No space left on device",
         files=GOOD_FILES, setup=_full_disk, check=_nothing_written),
    Case("proc-out", "--out in a folder where no file can be created (/proc)",
         [*_RUN, "--out", "/proc/r.csv"], 6, "cannot write /proc/r.csv: cannot create files in "
         "/proc", files=GOOD_FILES),
    Case("xlsx-too-long", "an .xlsx export longer than an Excel sheet (limit lowered to 2 rows)",
         [*_RUN, "--out", "r.xlsx"], 2, "more than an Excel sheet holds",
         files={"synthetic_obs.csv": _THREE, "sources.json": SOURCES}, setup=_small_excel,
         check=_nothing_written),
    Case("csv-formula-text", "text a spreadsheet would run as a formula, exported to CSV",
         [*_RUN, "--out", "r.csv"], 0, "1 excluded observations",
         files={"synthetic_obs.csv": _FORMULA_OBS, "sources.json": _FORMULA_SOURCES},
         check=_neutralised, stream="stdout"),
    Case("csv-keep-formulas", "the same with --keep-formulas: written as it is",
         [*_RUN, "--keep-formulas", "--out", "r.csv"], 0, "1 excluded observations",
         files={"synthetic_obs.csv": _FORMULA_OBS, "sources.json": _FORMULA_SOURCES},
         check=_kept, stream="stdout"),
]
