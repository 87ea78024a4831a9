"""Report formats: escaping (hand-written expectations), spreadsheet safety, offline HTML, the CLI
for every suffix."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.cli import main
from burdenshare.export import (
    SUFFIXES,
    md_escape,
    neutralise_formula,
    tex_escape,
    write_comparison,
    write_result,
)

TRICKY = "Côte d'Ivoire & Türkiye: 50% of a_b #1 {x} ~y ^z $5 \\ end"


@pytest.fixture(scope="module")
def result(recent_data: bs.Dataset) -> bs.Result:
    return bs.RefugeesPer1000().estimate(recent_data.select(years=(2024, 2024)))


@pytest.fixture(scope="module")
def tricky(result: bs.Result) -> bs.Result:
    """The real result plus one synthetic group row whose name needs escaping everywhere."""
    est = result.estimates
    extra = est.iloc[:1].copy()
    extra["iso3"] = pd.Series([np.nan], dtype="str", index=extra.index)
    extra["term"] = TRICKY
    extra["estimate"] = -1234.5  # a negative number stays a number
    est = pd.concat([est, extra], ignore_index=True)
    return bs.Result(est, result.excluded, result.assumptions, result.diagnostics,
                     result.uncertainty_method, result.provenance)


# ------------------------------------------------------------------- escaping
def test_tex_escape_hand_written() -> None:
    assert tex_escape(TRICKY) == (
        "Côte d'Ivoire \\& Türkiye: 50\\% of a\\_b \\#1 \\{x\\} \\textasciitilde{}y "
        "\\textasciicircum{}z \\$5 \\textbackslash{} end")
    assert tex_escape("Türkiye") == "Türkiye"  # UTF-8 letters are kept, not mangled


def test_md_escape_hand_written() -> None:
    assert md_escape("a|b *c* _d_ $5 #1") == "a\\|b \\*c\\* \\_d\\_ \\$5 \\#1"
    assert md_escape("Côte d'Ivoire\nTürkiye") == "Côte d'Ivoire Türkiye"


def test_latex_file_escapes_names_and_documents_packages(tmp_path: Path, tricky: bs.Result) -> None:
    (p,) = write_result(tricky, tmp_path / "t.tex", decimals=1)
    text = p.read_text(encoding="utf-8")
    assert ("Côte d'Ivoire \\& Türkiye: 50\\% of a\\_b \\#1 \\{x\\} \\textasciitilde{}y "
            "\\textasciicircum{}z \\$5 \\textbackslash{} end &  & -1,234.5 \\\\") in text
    assert "Türkiye & TUR &" in text
    assert "%   \\usepackage{booktabs}" in text
    # outside the comment header, no unescaped special character is left in the body
    body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("%"))
    assert not re.search(r"(?<!\\)[%#_]", body.replace("\\textbackslash{}", ""))


def test_markdown_file_escapes_and_hides_provenance(tmp_path: Path, tricky: bs.Result) -> None:
    (p,) = write_result(tricky, tmp_path / "t.md", decimals=1)
    text = p.read_text(encoding="utf-8")
    assert ("| Côte d'Ivoire & Türkiye: 50% of a\\_b \\#1 {x} ~y ^z \\$5 \\\\ end |  | -1,234.5 |"
            in text)
    block = text[text.index("<!-- burdenshare provenance"):]
    assert block.count("-->") == 1  # the JSON cannot end the comment early


def test_html_escapes_and_fetches_nothing(tmp_path: Path, tricky: bs.Result) -> None:
    (p,) = write_result(tricky, tmp_path / "t.html")
    text = p.read_text(encoding="utf-8")
    assert "Côte d&#x27;Ivoire &amp; Türkiye" in text or "Côte d'Ivoire &amp; Türkiye" in text
    assert '<meta charset="utf-8">' in text
    # no script, stylesheet, font or image is loaded from anywhere
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", text, re.I)
    assert not re.search(r"@import|url\(|fonts\.googleapis|<link", text, re.I)
    scripts = re.findall(r"<script([^>]*)>", text)
    assert scripts == [' type="application/json" id="burdenshare-provenance"']


# ------------------------------------------------------------------- spreadsheets
@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Türkiye", "Türkiye"), ("a=b", "a=b"),
])
def test_neutralise_formula_cases(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


@pytest.mark.parametrize("number", [-2.5, -1, 0.0, 3])
def test_neutralise_formula_leaves_numbers(number: float) -> None:
    assert neutralise_formula(number) == number


def test_xlsx_every_sheet_frozen_and_negative_numbers_numeric(tmp_path: Path,
                                                                tricky: bs.Result) -> None:
    from openpyxl import load_workbook

    est = tricky.estimates.copy()
    est.loc[0, "term"] = "=HYPERLINK(\"http://example.invalid\")"
    hacked = bs.Result(est, tricky.excluded, tricky.assumptions, tricky.diagnostics,
                       tricky.uncertainty_method, tricky.provenance)
    (p,) = write_result(hacked, tmp_path / "h.xlsx")
    wb = load_workbook(p)
    assert wb.sheetnames[:3] == ["estimates", "excluded", "metadata"]
    assert all(ws.freeze_panes == "A2" for ws in wb)
    ws = wb["estimates"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("term") + 1).value == "'=HYPERLINK(\"http://example.invalid\")"
    last = ws.max_row
    cell = ws.cell(last, header.index("estimate") + 1)
    assert cell.value == -1234.5 and cell.data_type == "n"
    assert ws.cell(2, header.index("std_error") + 1).value is None  # missing = empty cell


def test_comparison_xlsx_has_metadata_and_summary(tmp_path: Path, recent_data: bs.Dataset) -> None:
    comp = bs.compare(["refugees_per_1000", "one_in_n"], recent_data.select(years=(2024, 2024)))
    (p,) = write_comparison(comp, tmp_path / "c.xlsx")
    sheets = pd.read_excel(p, sheet_name=None)
    assert {"estimates", "excluded", "metadata", "provenance", "sources", "summary"} <= set(sheets)
    meta = dict(zip(sheets["metadata"]["field"], sheets["metadata"]["value"]))
    prov = json.loads("".join(v for k, v in meta.items() if k.startswith("provenance_json[")))
    assert set(prov["methods"]) == {"refugees_per_1000", "one_in_n"}


def test_report_rejects_unknown_year(tmp_path: Path, result: bs.Result) -> None:
    with pytest.raises(bs.ExportError, match="year 1990 has no rows"):
        write_result(result, tmp_path / "r.md", year=1990)


def test_suffix_list() -> None:
    assert SUFFIXES == (".csv", ".parquet", ".xlsx", ".json", ".md", ".tex", ".html", ".png",
                        ".svg", ".pdf")


# ------------------------------------------------------------------- CLI
SOURCES = '{"synthetic_test": {"title": "synthetic", "publisher": "tests", "licence": "CC0"}}'


@pytest.fixture()
def synthetic_file(tmp_path: Path) -> Path:
    """synthetic observations: TUR 3,000 refugees / 100,000 people; CIV 500 / 250,000."""
    f = tmp_path / "synthetic_obs.csv"
    f.write_text("iso3,year,indicator,value,unit,source\n"
                 "TUR,2024,refugees,3000,persons,synthetic_test\n"
                 "TUR,2024,population_un_wpp,100000,persons,synthetic_test\n"
                 "CIV,2024,refugees,500,persons,synthetic_test\n"
                 "CIV,2024,population_un_wpp,250000,persons,synthetic_test\n", encoding="utf-8")
    (tmp_path / "sources.json").write_text(SOURCES)
    return f


@pytest.mark.parametrize("suffix", [".md", ".tex", ".html", ".png", ".svg", ".pdf"])
def test_cli_run_writes_every_new_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         synthetic_file: Path, suffix: str) -> None:
    if suffix in (".png", ".svg", ".pdf"):
        pytest.importorskip("vl_convert")
    out = tmp_path / f"x{suffix}"
    code = main(["run", "refugees_per_1000", "--data", str(synthetic_file), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 0, err
    data = out.read_bytes()
    name_civ = bs.countries.country_name("CIV")
    if suffix == ".md":
        text = data.decode()
        assert text.startswith("**Refugees per 1,000 inhabitants \\| 2024**")
        # hand: 3000 / 100000 * 1000 = 30; 500 / 250000 * 1000 = 2 (median 16: 1 decimal)
        assert "| Türkiye | TUR | 30.0 |" in text and f"| {name_civ} | CIV | 2.0 |" in text
        assert "Source: tests, synthetic (CC0)." in text
    elif suffix == ".tex":
        assert b"\\caption{Refugees per 1,000 inhabitants \\textbar{} 2024}" in data
        assert "Türkiye & TUR & 30.0 \\\\".encode() in data
    elif suffix == ".html":
        assert "Türkiye".encode() in data
    else:
        assert (tmp_path / f"x{suffix}.provenance.json").is_file()


def test_cli_compare_to_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 synthetic_file: Path) -> None:
    out = tmp_path / "c.md"
    code = main(["compare", "refugees_per_1000", "one_in_n", "--data", str(synthetic_file),
                 "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert "**Burden by method \\| 2024**" in text
    # hand: 1 in N = population / refugees: TUR 100000/3000 = 33.3, CIV 250000/500 = 500
    # (median 266: 0 decimals, so 33)
    assert "| Türkiye | TUR | 30.0 | 33 |" in text


@pytest.mark.parametrize("name", ["burdenshare.export._common", "burdenshare.export._text"])
def test_docstring_examples_run(name: str) -> None:
    import doctest
    import importlib

    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted > 0


def test_html_escapes_markup_in_title_and_cells(tmp_path: Path, result: bs.Result) -> None:
    (p,) = write_result(result, tmp_path / "x.html", title="<script>alert(1)</script> | 2024")
    text = p.read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | 2024" in text
