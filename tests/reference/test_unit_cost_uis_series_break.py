"""The UIS / WDI series break in per-student unit costs, measured on the embedded data.

UNESCO UIS now publishes "initial government funding per student" (``XUNIT.GDPCAP.*.FSGOV.FFNTR``,
to 2023); WDI's "government expenditure per student" (``SE.XPD.PRIM/SECO.PC.ZS``) stops in 2018.
``shared/data/README.md`` §8 and ``_provenance/added_2026_12/uis_education_expenditure_per_student
_1970_2023.README.md`` report, on the overlap: primary 1,531 country-years (1997-2018), median
relative difference 1.7 %, within 5 % in 1,112; secondary median 1.4 %. This module recomputes
those figures from ``data_samples/`` (a second computation, independent of the README's script)
and shows what the break does to the education estimate. The break is documented, not absorbed:
``education_inclusion_cost`` uses one series per estimate (``unit_cost_source``), never both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.unit_cost import UNIT_COST_SOURCES, EducationInclusionCost

pytestmark = pytest.mark.reference


def overlap(data: bs.Dataset, level: str) -> pd.DataFrame:
    obs = data.observations

    def series(ind: str) -> pd.Series:
        sub = obs[obs["indicator"] == ind]
        return pd.Series(sub["value"].to_numpy(), index=pd.MultiIndex.from_arrays(
            [sub["iso3"].astype(str).to_numpy(), sub["year"].to_numpy()]))

    wdi = series(UNIT_COST_SOURCES["wdi"][level])
    uis = series(UNIT_COST_SOURCES["uis"][level])
    both = pd.concat([wdi.rename("wdi"), uis.rename("uis")], axis=1, join="inner")
    # a WDI value of 0 has no relative difference (secondary: one such country-year): left out
    both = both[both["wdi"] != 0]
    return both.assign(rel=(both["uis"] - both["wdi"]) / both["wdi"])


def test_primary_overlap_matches_the_readme_counts(sample_data: bs.Dataset) -> None:
    both = overlap(sample_data, "primary")
    years = both.index.get_level_values(1)
    assert len(both) == 1531  # README: 1,531 overlapping country-years
    assert (years.min(), years.max()) == (1997, 2018)
    assert int((both["rel"].abs() <= 0.05).sum()) == 1112  # README: within 5 % in 1,112


@pytest.mark.parametrize(("level", "published_pct"), [("primary", 1.7), ("secondary", 1.4)])
def test_median_relative_difference_matches_the_readme(sample_data: bs.Dataset, level: str,
                                                       published_pct: float) -> None:
    median_pct = 100 * float(np.median(overlap(sample_data, level)["rel"].abs()))
    # the README prints one decimal: 0.05 percentage points is its rounding
    assert median_pct == pytest.approx(published_pct, abs=0.05)


def test_the_break_is_a_level_shift_of_uis_below_wdi(sample_data: bs.Dataset) -> None:
    # the signed median: UIS funding is slightly below WDI expenditure on the overlap (-0.6 %),
    # so splicing UIS after 2018 onto WDI before would show a spurious fall in 2019
    for level in ("primary", "secondary"):
        signed = 100 * float(np.median(overlap(sample_data, level)["rel"]))
        assert -1.0 < signed < 0.0


def test_same_year_unit_costs_differ_by_the_series_gap(sample_data: bs.Dataset) -> None:
    # one host-year where both series exist: the estimate moves by exactly the ratio of the two
    # unit costs (the rest of the formula is the same), so the break is visible, not hidden
    data = sample_data.select(years=(2018, 2018)).select(
        indicators=("gdp_per_capita_usd_current", *UNIT_COST_SOURCES["wdi"].values(),
                    *UNIT_COST_SOURCES["uis"].values()))
    both = overlap(sample_data, "primary").xs(2018, level=1)
    iso3 = str(both.index[0])
    frame = pd.DataFrame([{"iso3": iso3, "year": 2018, "indicator": "refugees_aged_5_11",
                           "value": 1000.0, "unit": "persons", "source": "synthetic_pupils"}])
    pupils = bs.Dataset.from_frame(frame, [bs.Source("synthetic_pupils", "synthetic", "tests")])
    joined = bs.Dataset.concat([data.select(iso3=(iso3,)), pupils])
    cost = {}
    for src in ("wdi", "uis"):
        e = EducationInclusionCost(levels=("primary",), unit_cost_source=src).estimate(joined)
        cost[src] = float(e.estimates.query("quantity == 'education_inclusion_cost_usd' and "
                                            "term == 'primary'")["estimate"].iloc[0])
    ratio = float(both.loc[iso3, "uis"] / both.loc[iso3, "wdi"])
    assert cost["uis"] / cost["wdi"] == pytest.approx(ratio, rel=1e-12)
