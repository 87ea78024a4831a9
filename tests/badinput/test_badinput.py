"""Every bad-input class gets its exit code and one readable line; the page is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from .case import Case, all_cases, run_case
from .generate import PAGE, render

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_its_exit_code_and_message(case: Case, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    got = run_case(case, tmp_path, monkeypatch)
    assert got.code == case.exit_code, got.stderr or got.stdout
    assert case.message in got.line, got.stderr or got.stdout
    assert "Traceback" not in got.stderr
    if case.one_line and case.exit_code and case.stream == "stderr":
        assert len(got.stderr.strip().splitlines()) == 1, got.stderr
    if case.check is not None:
        case.check(tmp_path)


def test_errors_page_is_generated_from_the_cases(tmp_path_factory: pytest.TempPathFactory) -> None:
    text = render(CASES, tmp_path_factory.mktemp("badinput"))
    assert PAGE.read_text(encoding="utf-8") == text, (
        "methodology/errors.md is stale: run `python -m tests.badinput.generate`")
