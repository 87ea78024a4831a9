"""Charts: UNHCR text furniture, provenance, descriptions, numbers equal to the results, fonts,
and no MaxRowsError however large the comparison."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import charts as C
from burdenshare.registry import make
from tests.conftest import synthetic_dataset

pytest.importorskip("altair")
pytest.importorskip("vl_convert")


# ------------------------------------------------------------------- helpers
def spec(chart: Any) -> dict[str, Any]:
    return chart.to_dict()


def inline_rows(d: Any) -> list[dict[str, Any]]:
    """Every data row of a Vega-Lite spec (Altair moves inline data to ``datasets``)."""
    out: list[dict[str, Any]] = []
    if isinstance(d, dict) and "datasets" in d:
        for rows in d["datasets"].values():
            out.extend(rows)
    if isinstance(d, dict):
        if isinstance(d.get("data"), dict) and "values" in d["data"]:
            out.extend(d["data"]["values"])
        for v in d.values():
            out.extend(inline_rows(v))
    elif isinstance(d, list):
        for v in d:
            out.extend(inline_rows(v))
    return out


def main_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the plotted data (not the footer's text lines)."""
    return [r for r in inline_rows(d) if "line" not in r]


def footer(d: dict[str, Any]) -> str:
    return "\n".join(r["line"] for r in inline_rows(d) if "line" in r)


def check_furniture(chart: Any, obj: bs.Result | bs.Comparison, licence: str = "CC BY 4.0"
                    ) -> dict[str, Any]:
    d = spec(chart)
    assert " | " in d["title"]["text"]  # UNHCR "What | period"
    assert d["title"]["subtitle"] and all(isinstance(s, str) for s in d["title"]["subtitle"])
    assert len(d["description"]) > 40 and C.describe(chart) == d["description"]
    foot = footer(d)
    provs = ([r.provenance for r in obj.results.values()] if isinstance(obj, bs.Comparison)
             else [obj.provenance])
    assert "Source: " in foot and licence in foot
    assert f"burdenshare {bs.__version__}" in foot.replace("\n", " ")
    for p in provs:
        assert f"{p.estimator} v{p.estimator_version}" in foot.replace("\n", " ")
        assert p.data_fingerprint[:12] in foot
    assert d["config"]["font"].startswith("Lato")
    return d


# ------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def data(recent_data: bs.Dataset) -> bs.Dataset:
    return recent_data.select(years=(2020, 2024))


@pytest.fixture(scope="module")
def comp(data: bs.Dataset) -> bs.Comparison:
    return bs.compare({
        "per_1000": bs.RefugeesPer1000(scenario_definitions=(("refugees", "oip"),)),
        "one_in_n": "one_in_n",
        "per_gdp": "refugees_per_gdp_ppp_pc",
    }, data)


# ------------------------------------------------------------------- palette
def test_palette_is_the_unhcrthemes_main_order() -> None:
    # unhcr-dataviz/unhcrthemes data-raw/gen-color-data.R, pal_main (blue04, yellow02, green03,
    # cyan02, red04, purple03, brown05, grey02), written out by hand here
    assert list(C.PALETTE) == ["#0072bc", "#ffc740", "#32c189", "#6cd8fd", "#d25a45", "#a097e3",
                               "#7c3c36", "#bfbfbf"]
    assert C.PALETTE["blue"] == C.PALETTE[0] == "#0072bc"
    assert C.NAVY == "#18375F"
    with pytest.raises(KeyError, match="no colour named 'pink'"):
        C.PALETTE["pink"]


# ------------------------------------------------------------------- each chart
def test_ranking_chart_values_are_the_top_estimates(comp: bs.Comparison) -> None:
    res = comp.results["per_1000"]
    d = check_furniture(C.ranking_chart(res, year=2023, top=5), res)
    assert d["title"]["text"] == "Refugees per 1,000 inhabitants | 2023"
    est = res.estimates
    want = est[(est["quantity"] == "refugees_per_1000_inhabitants") & (est["year"] == 2023)
               & est["iso3"].notna()].nlargest(5, "estimate")
    rows = main_rows(d)
    assert [r["iso3"] for r in rows] == want["iso3"].tolist()
    assert [r["estimate"] for r in rows] == want["estimate"].tolist()
    assert [r["ci_upper"] for r in rows] == want["ci_upper"].tolist()  # scenario range drawn


def test_comparison_chart_panels_units_and_consistent_order(comp: bs.Comparison) -> None:
    ch = C.comparison_chart(comp, year=2024, top=8)
    d = check_furniture(ch, comp)
    rows = main_rows(d)
    # one panel per method, labelled with its own unit; independent x scales
    assert {r["panel"] for r in rows} == {"per_1000 (per 1,000 inhabitants)",
                                          "one_in_n (inhabitants per hosted person)",
                                          "per_gdp (persons per international $ of GDP (PPP) per capita)"}
    assert d["vconcat"][0]["resolve"]["scale"]["x"] == "independent"
    # the 8 countries with the lowest mean rank (hand: mean over the methods ranking them)
    r = comp.ranks().xs(2024, level="year")
    mean = r.mean(axis=1).sort_values(kind="stable")
    codes = sorted({x["iso3"] for x in rows})
    assert codes == sorted(mean.reset_index().sort_values([0, "iso3"])["iso3"].head(8))
    # values are the results' own estimates
    est = comp.results["one_in_n"].estimates.set_index(["iso3", "year"])["estimate"]
    for x in rows:
        if x["method"] == "one_in_n":
            assert x["estimate"] == est[(x["iso3"], 2024)]
    # every panel uses the same country order (one sort list shared by the y encodings)
    sorts = {json.dumps(layer["encoding"]["y"]["sort"]) for layer in d["vconcat"][0]["spec"]["layer"]}
    assert len(sorts) == 1


def test_comparison_chart_explicit_countries_and_missing_year(comp: bs.Comparison) -> None:
    d = spec(C.comparison_chart(comp, year=2024, countries=["LBN", "DEU", "TUR", "ZZZ"]))
    assert {r["iso3"] for r in main_rows(d)} == {"LBN", "DEU", "TUR"}
    assert "No method has an estimate in 2024 for: ZZZ" in footer(d)  # never dropped silently
    with pytest.raises(ValueError, match="year 1990 has no rows"):
        C.comparison_chart(comp, year=1990)
    with pytest.raises(ValueError, match="none of"):
        C.comparison_chart(comp, year=2024, countries=["ZZZ"])


def test_rank_agreement_hand_ranks() -> None:
    # synthetic: refugees and population for three countries; hand ranks
    # per 1000: A 100, B 300, C 75   -> B 1, A 2, C 3
    # 1 in N: A 10, B 3.33, C 13.3 (lower = heavier) -> B 1, A 2, C 3
    ds = synthetic_dataset([
        ("AFG", 2024, "refugees", 10.0), ("AFG", 2024, "population_un_wpp", 100.0),
        ("BEN", 2024, "refugees", 30.0), ("BEN", 2024, "population_un_wpp", 100.0),
        ("CAN", 2024, "refugees", 60.0), ("CAN", 2024, "population_un_wpp", 800.0),
    ])
    comp = bs.compare(["refugees_per_1000", "one_in_n"], ds)
    d = spec(C.rank_agreement_chart(comp))
    got = {(r["iso3"], r["method"]): r["rank"] for r in main_rows(d) if "rank" in r}
    assert got == {("BEN", "refugees_per_1000"): 1, ("AFG", "refugees_per_1000"): 2,
                   ("CAN", "refugees_per_1000"): 3, ("BEN", "one_in_n"): 1,
                   ("AFG", "one_in_n"): 2, ("CAN", "one_in_n"): 3}
    layer = d["vconcat"][0]["layer"][0]
    assert layer["encoding"]["y"]["scale"]["reverse"] is True  # rank 1 at the top


def test_time_series_result_and_comparison(comp: bs.Comparison) -> None:
    res = comp.results["per_1000"]
    d = check_furniture(C.time_series_chart(res, countries=["LBN", "COL"]), res)
    assert d["title"]["text"] == "Refugees per 1,000 inhabitants | 2020-2024"
    rows = main_rows(d)
    est = res.estimates.set_index(["iso3", "year"])["estimate"]
    assert len(rows) == 10  # 2 countries x 5 years
    assert all(r["estimate"] == est[(r["iso3"], r["year"])] for r in rows)
    dc = check_furniture(C.time_series_chart(comp, countries=["LBN"]), comp)
    assert dc["vconcat"][0]["resolve"]["scale"]["y"] == "independent"
    assert {r["method"] for r in main_rows(dc)} == {"per_1000", "one_in_n", "per_gdp"}
    with pytest.raises(ValueError, match="at least one country"):
        C.time_series_chart(res, countries=[])


def _lorenz_data() -> bs.Dataset:
    # burden/capacity: AFG 10/100 (0.1), BEN 30/100 (0.3), CAN 60/800 (0.075)
    return synthetic_dataset([
        ("AFG", 2024, "refugees", 10.0), ("AFG", 2024, "population_un_wpp", 100.0),
        ("BEN", 2024, "refugees", 30.0), ("BEN", 2024, "population_un_wpp", 100.0),
        ("CAN", 2024, "refugees", 60.0), ("CAN", 2024, "population_un_wpp", 800.0),
    ])


@pytest.mark.parametrize("name", ["relative_effort", "hosting_concentration"])
def test_lorenz_points_by_hand(name: str) -> None:
    # hand: order CAN (0.075), AFG (0.1), BEN (0.3); totals capacity 1000, burden 100
    # X = 0.8, 0.9, 1.0; Y = 0.6, 0.7, 1.0
    # Gini = 1 - [0.8*0.6 + 0.1*(0.7+0.6) + 0.1*(1.0+0.7)] = 1 - 0.78 = 0.22
    est = make(name).with_params(group_by="un_region") if name == "hosting_concentration" else make(name)
    res = est.estimate(_lorenz_data())
    year, gini, pts = C.lorenz_points(res)
    assert year == 2024
    assert pts["iso3"].tolist() == ["", "CAN", "AFG", "BEN"]
    assert pts["capacity"].tolist() == pytest.approx([0, 0.8, 0.9, 1.0], abs=1e-12)  # float sums
    assert pts["burden"].tolist() == pytest.approx([0, 0.6, 0.7, 1.0], abs=1e-12)
    assert gini == pytest.approx(0.22, abs=1e-12)
    d = check_furniture(C.lorenz_chart(res), res, licence="synthetic test data")
    assert "Gini 0.22" in d["title"]["subtitle"][0]


def test_lorenz_chart_rejects_results_without_shares(comp: bs.Comparison) -> None:
    with pytest.raises(ValueError, match="lorenz_chart needs"):
        C.lorenz_chart(comp.results["one_in_n"])


def test_contributions_chart_bars_and_fair_share_ticks(data: bs.Dataset) -> None:
    res = make("unhcr_funding_share").estimate(data)
    d = check_furniture(C.contributions_chart(res, year=2023, top=6), res)
    assert d["title"]["text"] == "Contribution to UNHCR and fair share | 2023"
    est = res.estimates[(res.estimates["year"] == 2023) & res.estimates["iso3"].notna()
                        & res.estimates["term"].isna()]
    fair = est[est["quantity"] == "fair_share"].nlargest(6, "estimate")
    rows = main_rows(d)
    ticks = {r["iso3"]: r["value"] for r in rows if r["series"] == "Fair share"}
    assert ticks == dict(zip(fair["iso3"], fair["estimate"]))
    paid = est[est["quantity"] == "unhcr_revenue_usd"].set_index("iso3")["estimate"]
    for r in rows:
        if r["series"] == "Contribution to UNHCR":
            assert r["value"] == paid[r["iso3"]]


def test_contributions_chart_unknown_pair(comp: bs.Comparison) -> None:
    with pytest.raises(ValueError, match="pass actual= and reference="):
        C.contributions_chart(comp.results["one_in_n"])


# ------------------------------------------------------------------- scale
@pytest.fixture(scope="module")
def big_comparison(comp: bs.Comparison) -> bs.Comparison:
    """synthetic: 2 methods x 200 countries x 250 years = 100,000 estimate rows."""
    rng = np.random.default_rng(8)
    codes = sorted(c for c in bs.countries.country_table()["iso3"].dropna()
                   if len(c) == 3 and c.isalpha())[:200]
    results = {}
    for label, src in (("synthetic_a", "per_1000"), ("synthetic_b", "one_in_n")):
        base = comp.results[src]
        q = base.main_quantity
        n = len(codes) * 250
        est = pd.DataFrame({
            "quantity": q, "iso3": np.repeat(codes, 250), "year": np.tile(np.arange(1800, 2050), 200),
            "term": pd.Series([np.nan] * n, dtype="str"), "estimate": rng.uniform(1, 100, n),
            "std_error": np.nan, "ci_lower": np.nan, "ci_upper": np.nan, "ci_level": np.nan,
            "unit": base.estimates["unit"].iloc[0],
        })
        est["year"] = est["year"].astype("Int64")
        results[label] = bs.Result(est, base.excluded, base.assumptions, base.diagnostics,
                                   base.uncertainty_method, base.provenance)
    return bs.Comparison(results=results, data_fingerprint="synthetic")


def test_no_max_rows_error_on_100k_rows(big_comparison: bs.Comparison) -> None:
    assert len(big_comparison.long) == 100_000
    for ch in (C.comparison_chart(big_comparison), C.rank_agreement_chart(big_comparison),
               C.ranking_chart(big_comparison.results["synthetic_a"]),
               C.time_series_chart(big_comparison, countries=list(
                   big_comparison.results["synthetic_a"].estimates["iso3"].unique()[:12]))):
        d = ch.to_dict()  # would raise MaxRowsError if Altair's row limit applied
        assert len(main_rows(d)) <= 12 * 250 * 2  # 6,000 rows: above the 5,000 limit


# ------------------------------------------------------------------- saving
@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, comp: bs.Comparison) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("charts")
    ch = C.comparison_chart(comp, year=2024, countries=["TUR", "CIV", "DEU"])
    return {s: C.save_chart(ch, d / f"c{s}") for s in (".png", ".svg", ".pdf")}


def test_png_has_magic_bytes_and_description(saved: dict[str, Path]) -> None:
    import struct
    import zlib

    b = saved[".png"].read_bytes()
    assert b[:8] == b"\x89PNG\r\n\x1a\n"
    text, pos = {}, 8
    while pos < len(b):  # walk the PNG chunks (length, type, data, CRC)
        (n,) = struct.unpack(">I", b[pos:pos + 4])
        kind, data = b[pos + 4:pos + 8], b[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", b[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + data)
        if kind == b"iTXt":
            key, rest = data.split(b"\0", 1)
            text[key.decode("latin-1")] = rest[4:].decode("utf-8")  # flags, method, 2 empty strings
        pos += 12 + n
    assert text["Title"] == "Burden by method | 2024"
    assert text["Description"].startswith("Dot plot comparing 3 methods")


def test_svg_names_countries_font_and_description(saved: dict[str, Path]) -> None:
    import xml.etree.ElementTree as ET

    svg = saved[".svg"].read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    # UNHCR's own names (Côte d'Ivoire is "Cote d'Ivoire" in UNHCR's country table)
    for code in ("TUR", "CIV", "DEU"):
        assert bs.countries.country_name(code) in texts
    assert "Türkiye" in texts
    fonts = set(re.findall(r'font-family="([^"]+)"', svg))
    assert fonts and all(f.startswith("Lato") for f in fonts)
    assert root.get("role") == "img" and root.get("aria-label").startswith("Dot plot comparing")
    # the footer lists every source (UN WPP, the default denominator, first by id) and UNHCR
    assert "Source: " in texts and "UNHCR, UNHCR Refugee Population Statistics" in texts


def test_pdf_embeds_lato(saved: dict[str, Path]) -> None:
    b = saved[".pdf"].read_bytes()
    assert b[:5] == b"%PDF-"
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z-]+)", b))
    assert fonts and all(f.startswith(b"Lato") for f in fonts)  # no substituted font embedded


def test_save_chart_rejects_other_suffixes(tmp_path: Path, comp: bs.Comparison) -> None:
    with pytest.raises(bs.ExportError, match="use one of .png, .svg, .pdf"):
        C.save_chart(C.rank_agreement_chart(comp), tmp_path / "x.jpg")


def test_missing_font_package_is_an_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from burdenshare.charts import _style

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="font-lato"):
        _style.font_directory.__wrapped__()


def test_method_without_country_rows_is_named_not_dropped(data: bs.Dataset) -> None:
    # hosting_concentration's main quantity (share_hosted) is by income group, not by country
    comp = bs.compare(["refugees_per_1000", "hosting_concentration"], data)
    d = spec(C.comparison_chart(comp))
    assert {r["method"] for r in main_rows(d)} == {"refugees_per_1000"}
    assert "Not shown (no country estimates of the main quantity): hosting_concentration" in footer(d)
    assert "hosting_concentration" in footer(spec(C.rank_agreement_chart(comp)))
    from burdenshare.export import report_table

    assert any("hosting_concentration" in n for n in report_table(comp).notes)


def test_one_shot_config_equals_the_chained_configure_calls() -> None:
    # the fast path sets the whole config at once; Altair's chained configure_* calls are the
    # second implementation of the same look
    import json

    import altair as alt

    from burdenshare.charts import _style

    chart = alt.Chart(alt.InlineData(values=[{"x": 1, "y": "a"}])).mark_bar().encode(x="x:Q", y="y:N")
    fast = _style.configure(chart).to_dict()
    chained = _style._configure_chained(chart).to_dict()
    assert json.dumps(fast, sort_keys=True) == json.dumps(chained, sort_keys=True)
    assert chart.to_dict().get("config") is None or "font" not in chart.to_dict()["config"]
