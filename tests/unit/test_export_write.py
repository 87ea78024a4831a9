"""``export.write``: dispatch on type and suffix, outputs that land whole, formula-safe text."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare._errors import ExportError, OutputError
from burdenshare.export import write, write_result, write_workbook
from tests.conftest import synthetic_dataset

FORMULA = '=HYPERLINK("http://example.org")'


@pytest.fixture(scope="module")
def result() -> bs.Result:
    data = synthetic_dataset([("AUT", 2020, "refugees", 1000.0),
                              ("AUT", 2020, "population_un_wpp", 250000.0),
                              ("BEL", 2020, "refugees", 500.0),
                              ("BEL", 2020, "population_un_wpp", 100000.0)])
    return bs.RefugeesPer1000().estimate(data)


def test_write_dispatches_a_result_like_write_result(tmp_path: Path, result: bs.Result) -> None:
    a = write(result, tmp_path / "a.csv")
    b = write_result(result, tmp_path / "b.csv")
    assert [p.name for p in a] == ["a.csv", "a.csv.provenance.json", "a.csv.excluded.csv"]
    assert a[0].read_text() == b[0].read_text()


def test_write_frames_as_csv_and_workbook(tmp_path: Path) -> None:
    frame = pd.DataFrame({"label": [FORMULA, "ok"], "value": [-1.5, 2.0]})
    (csv,) = write(frame, tmp_path / "f.csv")
    back = pd.read_csv(csv)
    assert back["label"].tolist() == ["'" + FORMULA, "ok"]
    assert back["value"].tolist() == [-1.5, 2.0]  # numbers are never touched
    (xlsx,) = write_workbook(tmp_path / "w.xlsx", {"one": frame, "two": frame})
    assert list(pd.read_excel(xlsx, sheet_name=None)) == ["one", "two"]


def test_keep_formulas_writes_text_as_it_is(tmp_path: Path) -> None:
    frame = pd.DataFrame({"label": [FORMULA]})
    (csv,) = write(frame, tmp_path / "f.csv", keep_formulas=True)
    assert pd.read_csv(csv)["label"].tolist() == [FORMULA]
    (xlsx,) = write(frame, tmp_path / "f.xlsx", keep_formulas=True)
    from openpyxl import load_workbook

    assert load_workbook(xlsx)["data"]["A2"].value == FORMULA


def test_unknown_type_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot write a int"):
        write(3, tmp_path / "x.csv")


def test_full_disk_leaves_nothing(tmp_path: Path, result: bs.Result,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import burdenshare.export._tabular as tab

    def no_space(*args: object, **kwargs: object) -> list[Path]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tab, "write_sidecars", no_space)
    with pytest.raises(OutputError, match="r.csv: No space left on device"):
        write(result, tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_output_keeps_the_previous_files(tmp_path: Path, result: bs.Result,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import burdenshare.export._tabular as tab

    first = write(result, tmp_path / "r.csv")
    before = {p.name: p.read_bytes() for p in first}

    def no_space(*args: object, **kwargs: object) -> list[Path]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tab, "write_sidecars", no_space)
    with pytest.raises(OutputError):
        write(result, tmp_path / "r.csv")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_xlsx_longer_than_excel_is_refused_before_writing(tmp_path: Path, result: bs.Result,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import burdenshare.export._tabular as tab

    monkeypatch.setattr(tab, "XLSX_MAX_ROWS", len(result.estimates) - 1)
    with pytest.raises(ExportError, match="more than an Excel sheet holds"):
        write(result, tmp_path / "r.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_parent_that_is_a_file_is_an_output_error(tmp_path: Path, result: bs.Result) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write(result, tmp_path / "f" / "r.csv")
