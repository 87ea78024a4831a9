"""Write ``methodology/errors.md`` from the bad-input cases (``python -m tests.badinput.generate``).

Every case is run as the test runs it; the page shows the exit code and the message each got, so
it cannot drift from the code (``test_errors_page_is_generated_from_the_cases`` compares).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from burdenshare.cli import EXIT_CODES

from .case import Case, Outcome, all_cases, run_case

PAGE = Path(__file__).resolve().parents[2] / "methodology" / "errors.md"

_INTRO = """\
# Bad input: exit codes and messages

This page is generated from the test cases in `tests/badinput/` by
`python -m tests.badinput.generate`; a test fails when it is out of date. Each row is one class
of bad or tricky input, fed to the `burdenshare` command in an empty folder (relative paths), with
the exit code it gets and the message it prints (the line holding the expected text). Files
named `synthetic_*` are made-up observations written by the case. Rows marked *simulated* replace
an operating-system answer that a test cannot produce for real (a full disk, a folder root may
write to, an unreachable Dask scheduler, Excel's 1,048,575-row limit lowered to 2 rows).

To add a class, add a `Case` to a `CASES` list in a `tests/badinput/cases_*.py` module (or a new
module of that name) and run the generator.

## Exit codes

| code | meaning |
| ---: | --- |
"""


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _code(text: str) -> str:
    """Inline code for a table cell (backticks doubled when the text holds one)."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{_cell(text)}{fence}"


def _fed(case: Case) -> str:
    argv = " ".join(a if a and " " not in a else repr(a) for a in case.argv)
    files = ", ".join(sorted(case.files))
    how = _code(f"burdenshare {argv}".strip())
    return f"{how}<br>files: {_cell(files)}" if files else how


def _row(case: Case, got: Outcome) -> str:
    what = case.what + (" *(simulated)*" if case.setup is not None else "")
    return (f"| `{case.id}` | {_cell(what)} | {_fed(case)} | {got.code} | "
            f"{_code(got.line)} |")


def run_all(cases: Sequence[Case], workdir: Path) -> list[Outcome]:
    """Run every case in its own folder below ``workdir``."""
    outcomes = []
    for i, case in enumerate(cases):
        folder = workdir / f"case{i:03d}"
        folder.mkdir()
        with pytest.MonkeyPatch.context() as mp:
            outcomes.append(run_case(case, folder, mp))
    return outcomes


def render(cases: Sequence[Case], workdir: Path) -> str:
    """The Markdown page: the exit-code table, then one row per case."""
    lines = [_INTRO.rstrip("\n")]
    lines += [f"| {code} | {_cell(what)} |" for code, what in EXIT_CODES.items()]
    lines += ["", f"## The {len(cases)} classes", "",
              "| id | bad input | how it is fed | exit | message |",
              "| --- | --- | --- | ---: | --- |"]
    lines += [_row(c, got) for c, got in zip(cases, run_all(cases, workdir))]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write :data:`PAGE`."""
    with tempfile.TemporaryDirectory() as tmp:
        text = render(all_cases(), Path(tmp))
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
