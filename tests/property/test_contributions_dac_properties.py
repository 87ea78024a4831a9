"""Invariants of the DAC contribution estimators on synthetic donor panels (hypothesis).

Panels: 1-6 donors (real ISO3 codes) x 1-3 years; ODA and GNI positive, in-donor costs present or
absent per donor-year (source ``synthetic_panel``). Independent source of each expected value:
the identity itself (formulas in ``methodology/in_donor_refugee_costs.md`` and
``methodology/oda_gni_commitment.md``). ``REL = 1e-12``: the two sides differ only by the order of
a few floating-point operations on at most six terms.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.estimators.contributions_dac import InDonorRefugeeCosts, OdaGniCommitment
from burdenshare.indicators import VOCABULARY

pytestmark = pytest.mark.property

REL = 1e-12
CODES = ("AUT", "BEL", "DEU", "FRA", "ITA", "SWE")
SOURCE = bs.Source(id="synthetic_panel", title="synthetic panel", publisher="burdenshare tests")
money = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def panels(draw):
    n = draw(st.integers(1, 6))
    years = range(2016, 2016 + draw(st.integers(1, 3)))
    recs = []
    for c in CODES[:n]:
        for y in years:
            oda = draw(money)
            recs += [(c, y, "oda_usd_million_current", oda),
                     (c, y, "gni_usd_million_current", oda * draw(st.floats(50, 1000)))]
            if draw(st.booleans()) or (c, y) == (CODES[0], 2016):  # IDRC is required
                recs.append((c, y, "idrc_usd_million_current", oda * draw(st.floats(0, 0.6))))
    frame = pd.DataFrame([{"iso3": c, "year": y, "indicator": i, "value": v,
                           "unit": VOCABULARY[i].unit, "source": "synthetic_panel"}
                          for c, y, i, v in recs])
    return bs.Dataset.from_frame(frame, {"synthetic_panel": SOURCE}, origin="synthetic_panel")


def _q(est, q):
    return est[est["quantity"] == q]


@given(panels())
def test_idrc_group_total_is_sum_of_donors(data):
    est = InDonorRefugeeCosts(per_application=False).estimate(data).estimates
    amt = _q(est, "idrc_usd_million")
    for year, sub in amt.groupby("year"):
        donors = sub[sub["iso3"].notna()]["estimate"].sum()
        total = sub[sub["iso3"].isna()]["estimate"].item()
        assert total == pytest.approx(donors, rel=REL, abs=1e-9)
        # group share = total / ODA of ALL donors of the year (also those without costs)
        obs = data.observations
        oda = obs[(obs["indicator"] == "oda_usd_million_current") & (obs["year"] == year)]["value"].sum()
        share = _q(est, "idrc_share_of_oda_pct")
        g = share[share["iso3"].isna() & (share["year"] == year)]["estimate"].item()
        assert g == pytest.approx(100 * total / oda, rel=REL, abs=1e-12)


@given(panels())
def test_gap_identities(data):
    est = OdaGniCommitment().estimate(data).estimates
    key = ["iso3", "year"]
    r = _q(est, "oda_gni_pct").set_index(key)["estimate"]
    gap = _q(est, "gap_to_0_7_pct_points").set_index(key)["estimate"]
    pd.testing.assert_series_equal(gap, (0.7 - r).rename(gap.name), rtol=REL, atol=1e-12)
    rx = _q(est, "oda_excl_idrc_gni_pct").set_index(key)["estimate"]
    gx = _q(est, "gap_excl_idrc_to_0_7_pct_points").set_index(key)["estimate"]
    pd.testing.assert_series_equal(gx, (0.7 - rx).rename(gx.name), rtol=REL, atol=1e-12)
    # excluding in-donor costs never raises the ratio (costs are non-negative here)
    assert (rx <= r.reindex(rx.index) + 1e-12).all()
