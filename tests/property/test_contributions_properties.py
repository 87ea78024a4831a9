"""Properties of the contribution estimators: fair shares sum to the total; gap = fair share -
actual country by country; support gap = cost - support; shares of revenue sum to 100."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from burdenshare.estimators.composite import SupportGap
from burdenshare.estimators.contributions import UnhcrFundingShare
from tests.conftest import synthetic_dataset

CODES = ("AUT", "BEL", "DNK", "FRA", "ITA", "NLD")
money = st.floats(min_value=1.0, max_value=1e9, allow_nan=False)


@given(st.lists(st.tuples(money, money, st.floats(1e9, 1e13)), min_size=2, max_size=6))
def test_funding_fair_share_properties(vals: list[tuple[float, float, float]]) -> None:
    rows = []
    for c, (e, u, g) in zip(CODES, vals):
        rows += [(c, 2020, "unhcr_revenue_earmarked_usd_current", e),
                 (c, 2020, "unhcr_revenue_unearmarked_usd_current", u),
                 (c, 2020, "gni_atlas_usd_current", g)]
    res = UnhcrFundingShare().estimate(synthetic_dataset(rows))
    x = res.estimates
    c = x[x["iso3"].notna()].pivot(index="iso3", columns="quantity", values="estimate")
    total = sum(e + u for e, u, _g in vals)
    assert np.isclose(c["fair_share"].sum(), total, rtol=1e-9)
    assert np.isclose(c["key_share"].sum(), 1.0)
    assert np.allclose(c["gap"], c["fair_share"] - c["unhcr_revenue_usd"], rtol=1e-9, atol=1e-6)
    assert np.allclose(c["earmarked_share_pct"] + c["unearmarked_share_pct"], 100.0)
    assert np.isclose(c["gap"].sum(), 0.0, atol=1e-6 * total)


@given(st.lists(st.tuples(money, st.floats(-1e9, 1e9)), min_size=1, max_size=6))
def test_support_gap_identity(vals: list[tuple[float, float]]) -> None:
    rows = []
    for c, (h, s) in zip(CODES, vals):
        rows += [(c, 2021, "host_cost_usd_current", h), (c, 2021, "oda_received_usd_current", s)]
    x = SupportGap().estimate(synthetic_dataset(rows)).estimates
    c = x.pivot(index="iso3", columns="quantity", values="estimate")
    assert np.allclose(c["support_gap_usd"], c["host_cost_usd"] - c["support_received_usd"])
    assert np.allclose(c["support_coverage_pct"], 100 * c["support_received_usd"] / c["host_cost_usd"])
