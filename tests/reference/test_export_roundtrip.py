"""Every export format read back equals the Result's own estimates frame (the independent side
of the check is ``Result.estimates``, never an earlier export), and carries the provenance."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.export import write_comparison, write_result

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def result(recent_data: bs.Dataset) -> bs.Result:
    return bs.RefugeesPer1000(scenario_definitions=(("refugees", "oip"),)).estimate(
        recent_data.select(years=(2023, 2024)))


@pytest.fixture(scope="module")
def comp(recent_data: bs.Dataset) -> bs.Comparison:
    return bs.compare(["refugees_per_1000", "one_in_n"], recent_data.select(years=(2024, 2024)))


def truth(res: bs.Result, year: int) -> pd.DataFrame:
    """The Result's main-quantity country rows of one year, indexed by ISO3."""
    e = res.estimates
    return e[(e["quantity"] == res.main_quantity) & (e["year"] == year)
             & e["iso3"].notna()].set_index("iso3")


def number(cell: str) -> float:
    return np.nan if cell.strip() == "n/a" else float(cell.replace(",", ""))


def check_rounded(got: dict[str, float], want: pd.Series, decimals: int) -> None:
    """Printed numbers equal the estimates to the printed precision."""
    assert got, "no rows read back"
    tol = 0.5 * 10.0 ** -decimals + 1e-9  # half a unit in the last printed place (rounding)
    for iso3, v in got.items():
        w = want[iso3]
        assert (np.isnan(v) and np.isnan(w)) or abs(v - w) <= tol, (iso3, v, w)


def check_meta(meta: dict, res: bs.Result) -> None:
    assert meta["provenance"]["data_fingerprint"] == res.provenance.data_fingerprint
    assert meta["provenance"]["estimator"] == res.provenance.estimator
    assert {s["licence"] for s in meta["provenance"]["sources"]} >= {"CC BY 4.0"}


# ------------------------------------------------------------------- data formats
def test_csv_equals_estimates_exactly(tmp_path: Path, result: bs.Result) -> None:
    p, prov, exc = write_result(result, tmp_path / "r.csv")
    back = pd.read_csv(p, keep_default_na=False, na_values=[""], encoding="utf-8")
    pd.testing.assert_series_equal(back["estimate"], result.estimates["estimate"])
    pd.testing.assert_series_equal(back["ci_upper"], result.estimates["ci_upper"])
    assert back["std_error"].isna().all()  # missing stays missing: the empty field reads as NaN
    check_meta(json.loads(prov.read_text(encoding="utf-8")), result)


def test_parquet_equals_estimates(tmp_path: Path, result: bs.Result) -> None:
    p, prov, _ = write_result(result, tmp_path / "r.parquet")
    back = pd.read_parquet(p)
    np.testing.assert_array_equal(back["estimate"].to_numpy(), result.estimates["estimate"].to_numpy())
    check_meta(json.loads(prov.read_text(encoding="utf-8")), result)


def test_xlsx_equals_estimates_and_metadata_sheet(tmp_path: Path, result: bs.Result) -> None:
    (p,) = write_result(result, tmp_path / "r.xlsx")
    sheets = pd.read_excel(p, sheet_name=None, keep_default_na=False, na_values=[""])
    # openpyxl writes floats with 16 significant digits, so the last binary digit can differ
    np.testing.assert_allclose(sheets["estimates"]["estimate"].to_numpy(),
                               result.estimates["estimate"].to_numpy(), rtol=1e-15, atol=0)
    assert len(sheets["excluded"]) == len(result.excluded)
    meta = dict(zip(sheets["metadata"]["field"], sheets["metadata"]["value"]))
    # sources are listed by id: UN WPP (un_wpp_2024, the default denominator) sorts before UNHCR
    ids = {v: k.split(".")[0] for k, v in meta.items() if k.endswith(".id")}
    assert meta[ids["unhcr_refugee_statistics_2025_12_1"] + ".licence"] == "CC BY 4.0"
    prov = json.loads("".join(v for k, v in meta.items() if k.startswith("provenance_json[")))
    check_meta(prov, result)


# ------------------------------------------------------------------- report formats
def test_markdown_table_numbers_and_provenance(tmp_path: Path, result: bs.Result) -> None:
    (p,) = write_result(result, tmp_path / "r.md", year=2024)
    text = p.read_text(encoding="utf-8")
    assert text.splitlines()[0] == r"**Refugees per 1,000 inhabitants \| 2024**"
    rows = [ln.strip("|").split("|") for ln in text.splitlines()
            if ln.startswith("| ") and not ln.startswith("| Country") and ":---" not in ln]
    cells = [[c.strip() for c in r] for r in rows]
    meta = json.loads(re.search(r"<!-- burdenshare provenance\n(.*)\n-->", text, re.S).group(1))
    check_meta(meta, result)
    dec = meta["table"]["decimals"]["Estimate"]
    want = truth(result, 2024)
    assert len(cells) == len(want)  # every country of the year, none dropped
    check_rounded({c[1]: number(c[2]) for c in cells}, want["estimate"], dec)
    check_rounded({c[1]: number(c[4]) for c in cells}, want["ci_upper"], dec)
    assert "Source: UNHCR" in text and "CC BY 4.0" in text


def test_latex_table_numbers_and_provenance(tmp_path: Path, result: bs.Result) -> None:
    (p,) = write_result(result, tmp_path / "r.tex", year=2023, top=10)
    text = p.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("% provenance:")
    js = []
    for ln in lines[start + 1:]:
        if not ln.startswith("% "):
            break
        js.append(ln[2:])
    meta = json.loads("\n".join(js))
    check_meta(meta, result)
    assert r"\caption{Refugees per 1,000 inhabitants \textbar{} 2023}" in text
    body = lines[lines.index(r"\midrule") + 1: lines.index(r"\bottomrule")]
    cells = [[c.strip() for c in ln.removesuffix(r" \\").split(" & ")] for ln in body]
    want = truth(result, 2023).sort_values("estimate", ascending=False)
    assert [c[1] for c in cells] == want.index[:10].tolist()  # heaviest burden first
    check_rounded({c[1]: number(c[2]) for c in cells}, want["estimate"],
                  meta["table"]["decimals"]["Estimate"])
    assert r"\toprule" in text and "Source: UNHCR" in text


def test_html_table_numbers_and_provenance(tmp_path: Path, result: bs.Result) -> None:
    pytest.importorskip("lxml")  # pandas.read_html's parser (installed with the dev extra)
    (p,) = write_result(result, tmp_path / "r.html", year=2024)
    text = p.read_text(encoding="utf-8")
    (t,) = pd.read_html(io.StringIO(text))
    assert t.columns[0][0] == "Refugees per 1,000 inhabitants | 2024"  # title
    assert t.columns[0][1] == "Unit: per 1,000 inhabitants"  # subtitle with the unit
    t.columns = [c[-1] for c in t.columns]
    t = t[t["ISO3"].astype(str).str.fullmatch(r"[A-Z]{3}")]
    meta = json.loads(re.search(r'id="burdenshare-provenance">\n(.*)\n</script>', text, re.S).group(1))
    check_meta(meta, result)
    want = truth(result, 2024)
    assert len(t) == len(want)
    check_rounded(dict(zip(t["ISO3"], t["Estimate"].astype(str).map(number))), want["estimate"],
                  meta["table"]["decimals"]["Estimate"])
    for line in ("Source: UNHCR, UNHCR Refugee Population Statistics", "CC BY 4.0",
                 f"data fingerprint {result.provenance.data_fingerprint[:12]}"):
        assert line in text


def test_comparison_markdown_matches_each_method(tmp_path: Path, comp: bs.Comparison) -> None:
    (p,) = write_comparison(comp, tmp_path / "c.md", top=15)
    text = p.read_text(encoding="utf-8")
    header = next(ln for ln in text.splitlines() if ln.startswith("| Country"))
    cols = [c.strip() for c in header.strip("|").split("|")]
    assert cols[2:] == [r"refugees\_per\_1000 (per 1,000 inhabitants)",
                        r"one\_in\_n (inhabitants per hosted person)"]
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in text.splitlines()
            if ln.startswith("| ") and ln != header and ":---" not in ln]
    meta = json.loads(re.search(r"<!-- burdenshare provenance\n(.*)\n-->", text, re.S).group(1))
    assert meta["data_fingerprint"] == comp.data_fingerprint
    for j, m in enumerate(["refugees_per_1000", "one_in_n"]):
        dec = meta["table"]["decimals"][list(meta["table"]["decimals"])[j]]
        check_rounded({r[1]: number(r[2 + j]) for r in rows}, truth(comp.results[m], 2024)["estimate"],
                      dec)


# ------------------------------------------------------------------- charts
@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_chart_files_and_sidecar(tmp_path: Path, result: bs.Result, suffix: str) -> None:
    pytest.importorskip("vl_convert")
    p, side = write_result(result, tmp_path / f"r{suffix}", year=2024, top=5)
    head = p.read_bytes()[:8]
    assert head.startswith({".png": b"\x89PNG", ".svg": b"<svg", ".pdf": b"%PDF"}[suffix])
    meta = json.loads(side.read_text(encoding="utf-8"))
    check_meta(meta, result)
    assert meta["chart"]["title"] == "Refugees per 1,000 inhabitants | 2024"
    assert meta["chart"]["description"].startswith("Bar chart of refugees per 1,000 inhabitants")
