"""One bad-input class (:class:`Case`), how to run it, and the discovery of every ``CASES`` list.

To add classes, add a module ``cases_<topic>.py`` in this folder with a list ``CASES`` of
:class:`Case`, then run ``python -m tests.badinput.generate`` to refresh
``methodology/errors.md``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from burdenshare.cli import main

#: Source records of the synthetic files below (``sources.json`` beside them).
SOURCES = '{"synthetic_test": {"title": "synthetic test data", "publisher": "burdenshare tests"}}'
HEADER = "iso3,year,indicator,value,unit,source\n"
#: A valid synthetic observation file: refugees and both populations of one country-year.
SYNTHETIC_OBS = (HEADER + "AUT,2020,refugees,1000,persons,synthetic_test\n"
                 "AUT,2020,population_un_wpp,250000,persons,synthetic_test\n"
                 "AUT,2020,population,250000,persons,synthetic_test\n")
#: The files most cases start from.
GOOD_FILES: Mapping[str, str | bytes] = {"synthetic_obs.csv": SYNTHETIC_OBS,
                                         "sources.json": SOURCES}

Setup = Callable[[Path, pytest.MonkeyPatch], None]
Check = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One class of bad input.

    Attributes
    ----------
    id : str
        Short, unique (the test id and the first column of the page).
    what : str
        The class in words.
    argv : sequence of str
        ``burdenshare`` arguments; run in the case's temporary folder (relative paths).
    exit_code : int
        The expected exit code.
    message : str
        Text the reported line must contain.
    files : mapping of str to str or bytes
        Files written in the temporary folder first (a name ending in ``/`` is a folder).
    setup : callable, optional
        ``setup(folder, monkeypatch)`` after the files are written (simulations).
    check : callable, optional
        ``check(folder)`` after the run: what must (not) be left on disk.
    stream : {"stderr", "stdout"}
        Where the message is printed.
    one_line : bool
        The error is one line on stderr (argparse's usage text and a list of data problems
        are longer by design).
    """

    id: str
    what: str
    argv: Sequence[str]
    exit_code: int
    message: str
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    setup: Setup | None = None
    check: Check | None = None
    stream: str = "stderr"
    one_line: bool = True


@dataclass(frozen=True)
class Outcome:
    """What a case got: the exit code, the line holding the message, and both streams."""

    code: int
    line: str
    stdout: str
    stderr: str


def write_files(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Write the case's files (``name/`` makes a folder)."""
    for name, content in files.items():
        path = folder / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _line(case: Case, text: str) -> str:
    """The first line holding the case's message (else the first line)."""
    lines = text.strip().splitlines()
    hit = [ln for ln in lines if case.message in ln]
    return (hit or lines or [""])[0]


def run_case(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """Run one case in ``folder`` (written and set up first) and capture what it printed."""
    write_files(folder, case.files)
    monkeypatch.chdir(folder)
    if case.setup is not None:
        case.setup(folder, monkeypatch)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*case.argv])
    text = err.getvalue() if case.stream == "stderr" else out.getvalue()
    return Outcome(code=code, line=_line(case, text), stdout=out.getvalue(),
                   stderr=err.getvalue())


def all_cases() -> list[Case]:
    """Every case of every ``cases_*`` module in this package, ids checked unique."""
    cases: list[Case] = []
    for mod in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if mod.name.startswith("cases_"):
            cases += importlib.import_module(f"{__package__}.{mod.name}").CASES
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"bad-input case ids repeat: {dupes}")
    return cases
