"""Published figures reproduced from the embedded CEB revenue data.

UNHCR's total revenue by year (UN CEB financial statistics) as printed in
``shared/data/QUALITY.md`` §5 and ``data_samples/README.md`` (US$ million, one decimal):
2013 3,164.6; 2016 3,973.8; 2019 4,183.1; 2022 6,072.6; 2023 4,707.3; 2024 4,735.8. Our total =
government observations + the non-government and unattributed rows reported by
``unhcr_funding_share(non_government=True)``; tolerance 0.05 m (the published rounding).
"""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.estimators.contributions import UnhcrFundingShare

PUBLISHED = {2013: 3164.6, 2016: 3973.8, 2019: 4183.1, 2022: 6072.6, 2023: 4707.3, 2024: 4735.8}


@pytest.fixture(scope="module")
def result() -> bs.Result:
    ind = ["unhcr_revenue_earmarked_usd_current", "unhcr_revenue_unearmarked_usd_current",
           "gni_atlas_usd_current", "population", "gdp_usd_current"]
    d = bs.load_sample().select(indicators=ind, years=(2013, 2024))
    return UnhcrFundingShare(non_government=True).estimate(d)


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_ceb_total(result: bs.Result, year: int) -> None:
    e = result.estimates
    tot = e[(e["quantity"] == "unhcr_revenue_usd") & (e["year"] == year)
            & e["term"].str.startswith("all contributors", na=False)]["estimate"]
    assert len(tot) == 1
    assert abs(tot.iloc[0] / 1e6 - PUBLISHED[year]) <= 0.05


def test_residuals_never_merged(result: bs.Result) -> None:
    e = result.estimates
    resid = e[e["term"].str.startswith(("non-government", "unattributed"), na=False)]
    assert resid["iso3"].isna().all() and len(resid) > 0
    gov = e[(e["term"] == "all governments in the data") & (e["quantity"] == "unhcr_revenue_usd")]
    key = e[(e["quantity"] == "fair_share") & e["iso3"].isna()]
    # fair-share totals never exceed the governments' revenue (residuals are not in them)
    m = key.set_index("year")["estimate"] <= gov.set_index("year")["estimate"] + 1e-3
    assert m.all()


def test_resettlement_effort_against_unhcr_projected_needs_2024() -> None:
    """UNHCR, *Projected Global Resettlement Needs 2024* (released 26 June 2023), as reported on
    unhcr.ca ("UNHCR: Global refugee resettlement needs grow in 2024"): "over 2.4 million refugees
    will be in need of resettlement". Used as the target T = 2,400,000 (the figure as printed; the
    page says "over", so the shares are a lower bound). Hand check: the DAC members' fair shares
    are GDP shares of T, so they sum to T exactly, and the whole-person allocations too."""
    import burdenshare as bs

    data = bs.load_sample().select(years=(2024, 2024))
    est = bs.ResettlementEffort(
        target_persons=2_400_000, year=2024,
        target_source="UNHCR Projected Global Resettlement Needs 2024: over 2.4 million refugees")
    e = est.estimate(data).estimates
    countries = e[e["iso3"].notna()]
    fair = countries[countries["quantity"] == "fair_share"]["estimate"]
    alloc = countries[countries["quantity"] == "allocation"]["estimate"]
    assert fair.sum() == pytest.approx(2_400_000, rel=1e-12)  # float sum of shares x T
    assert alloc.sum() == 2_400_000  # largest remainder: exact integers
    group = e[e["iso3"].isna() & (e["quantity"] == "pct_of_fair_share_met")]["estimate"]
    actual = countries[countries["quantity"] == "actual"].set_index("iso3")["estimate"]
    fair_by = countries[countries["quantity"] == "fair_share"].set_index("iso3")["estimate"]
    # % met by the group = arrivals of the members with an arrivals figure / their fair shares
    # x 100 (members without one keep their fair share but are not counted as zero)
    expected = 100 * actual.sum() / fair_by.reindex(actual.index).sum()
    assert float(group.iloc[0]) == pytest.approx(expected, rel=1e-12)
    assert actual.sum() / 2_400_000 < 0.08  # DAC arrivals met under 8 % of the projected needs
