"""Report tables of results estimated once for the whole panel (regression coefficients)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.export import write_result
from tests.conftest import synthetic_dataset


@pytest.fixture(scope="module")
def fe_result() -> bs.Result:
    # synthetic panel: 30 countries x 8 years, unemployment = 0.05 x refugees per 1,000 + noise
    rng = np.random.default_rng(11)
    codes = ["AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC",
             "HRV", "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU",
             "SVK", "SVN", "SWE", "NOR", "CHE", "ISL"]
    rows = []
    for c in codes:
        for y in range(2010, 2018):
            pop = float(rng.uniform(1e6, 8e7))
            ref = float(np.round(rng.uniform(0, 0.03) * pop))
            rows += [(c, y, "population", pop), (c, y, "refugees", ref),
                     (c, y, "unemployment_rate", 6.0 + 0.05 * 1000 * ref / pop + rng.normal())]
    return bs.PanelFE().estimate(synthetic_dataset(rows))


def test_markdown_shows_each_term_with_its_standard_error(fe_result: bs.Result, tmp_path: Path
                                                         ) -> None:
    (path,) = [p for p in write_result(fe_result, tmp_path / "fe.md") if p.suffix == ".md"]
    text = path.read_text(encoding="utf-8")
    row = fe_result.estimates.iloc[0]
    assert "Coefficient \\| 2010-2017" in text  # "What | period", the period from the panel
    line = next(t for t in text.splitlines() if t.startswith("| refugees\\_per\\_1000 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    # printed to the table's stated decimals: half a unit of the last digit
    dec = len(cells[1].split(".")[1])
    for printed, value in zip(cells[1:], [row["estimate"], row["std_error"], row["ci_lower"],
                                          row["ci_upper"]], strict=True):
        assert abs(float(printed) - value) <= 0.5 * 10 ** -dec
    assert "95 % interval (cluster_robust)".replace("_", "\\_") in text
    assert "Source:" in text and "burdenshare provenance" in text


def test_latex_and_html_carry_the_coefficient(fe_result: bs.Result, tmp_path: Path) -> None:
    tex = write_result(fe_result, tmp_path / "fe.tex")[0].read_text(encoding="utf-8")
    assert "refugees\\_per\\_1000" in tex and "% provenance:" in tex
    html = write_result(fe_result, tmp_path / "fe.html")[0]
    table = pd.read_html(html)[0]
    est = float(fe_result.estimates["estimate"].iloc[0])
    values = pd.to_numeric(table.iloc[:, 1], errors="coerce").dropna()
    # the table states its rounding ("Estimate to N decimals"): within half a unit of the last digit
    dec = int(re.search(r"Estimate to (\d+) decimal", html.read_text(encoding="utf-8")).group(1))
    assert (values - est).abs().min() <= 0.5 * 10 ** -dec
