"""The presentation module: labels, number formats, captions and the rows shown.

Numbers are hand calculations on a small synthetic dataset (named synthetic); formats are
checked against the texts written out here.
"""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare import presentation as P
from burdenshare.labels import Labels
from tests.conftest import synthetic_dataset


@pytest.fixture(scope="module")
def synthetic_two_years() -> bs.Dataset:
    """Synthetic: two countries, two years; refugees and population."""
    rows = []
    for year, k in ((2023, 1), (2024, 2)):
        rows += [
            ("LBN", year, "refugees", 800_000 * k), ("LBN", year, "population_un_wpp", 5_000_000),
            ("DEU", year, "refugees", 2_000_000 * k), ("DEU", year, "population_un_wpp", 80_000_000),
        ]
    return synthetic_dataset(rows)


def test_declared_quantity_label_wins_over_the_readable_name() -> None:
    declared = Labels(title="Per 1,000", family="Relative burden", description="", unit="",
                      quantities={"refugees_per_1000_inhabitants": "Refugees per thousand"})
    assert P.quantity_label("refugees_per_1000_inhabitants", declared) == "Refugees per thousand"
    assert P.quantity_label("refugees_per_1000_inhabitants") == "Refugees per 1000 inhabitants"
    assert P.quantity_label("share_of_total") == "Share of total"


def test_decimals_show_three_significant_figures_of_the_median() -> None:
    # median 0.01615: log10 = -1.79, floor -2, so 3 - 1 + 2 = 4 decimals
    assert P.decimals_for([0.0123, 0.0200]) == 4
    assert P.decimals_for([52.6, 40.1]) == 1
    assert P.decimals_for([float("nan")]) == 0


def test_fixed_and_amount_formats() -> None:
    assert P.format_fixed(1234.5, 1) == "1,234.5"
    assert P.format_fixed(None, 2, missing="n/a") == "n/a"
    assert P.format_amount(2_100_000_000) == "2.10 billion"
    assert P.format_amount(float("nan")) == "missing"
    assert P.d3_format() == ",.4~g"


def test_country_rows_are_the_main_quantity_of_countries_in_the_years(
        synthetic_two_years: bs.Dataset) -> None:
    res = bs.get_estimator("refugees_per_1000")().estimate(synthetic_two_years)
    rows = P.country_rows(res, years=(2024, 2024))
    assert sorted(rows["iso3"]) == ["DEU", "LBN"]
    assert set(rows["quantity"]) == {res.main_quantity}
    # LBN 2024: 1,600,000 refugees / 5,000,000 inhabitants * 1,000 = 320 (hand calculation)
    lbn = rows.loc[rows["iso3"] == "LBN", "estimate"].iloc[0]
    assert lbn == pytest.approx(320.0, rel=1e-12)


def test_main_rows_carry_the_method_label(synthetic_two_years: bs.Dataset) -> None:
    comp = bs.compare({"a": "refugees_per_1000", "b": "one_in_n"}, synthetic_two_years)
    rows = P.main_rows(comp)
    assert set(rows["method"]) == {"a", "b"}
    assert len(rows) == 2 * 2 * 2  # two methods, two countries, two years


def test_one_in_n_ranks_the_other_way(synthetic_two_years: bs.Dataset) -> None:
    res = bs.get_estimator("one_in_n")().estimate(synthetic_two_years)
    assert res.higher_means_more_burden is False


def test_captions_name_the_source_and_the_estimator(synthetic_two_years: bs.Dataset) -> None:
    res = bs.get_estimator("refugees_per_1000")().estimate(synthetic_two_years)
    footer = P.chart_footer(res, ["a note"])
    assert footer[0] == "a note" and footer[1].startswith("Source: ")
    assert footer[-1].startswith(f"burdenshare {bs.__version__}; refugees_per_1000 v")
    notes = P.report_source_notes(res)
    assert notes[0].startswith("Source: ") and notes[0].endswith(".")
    assert notes[-1].startswith(f"Computed with burdenshare {bs.__version__}: refugees_per_1000")
