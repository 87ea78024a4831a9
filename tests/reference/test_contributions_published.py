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
