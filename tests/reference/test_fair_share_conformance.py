"""The fair-share estimators pass burdenshare's conformance kit (``check_estimator``).

Data: the embedded samples, 2014-2024 (UN CEB revenue of UNHCR by government, DAC membership by
year, UNHCR resettlement arrivals, WDI GNI and GDP), and a synthetic panel for the user-supplied
``contribution_usd_current``, which the samples do not hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.fair_share import FairShareFunding, FairShareResettlement
from burdenshare.indicators import VOCABULARY
from burdenshare.testing import CHECKS, check_estimator

#: OECD DAC member countries in 2016 before Hungary joined (6 December 2016); see
#: test_fair_share_published.py for the evidence.
DAC_2016 = ("AUS", "AUT", "BEL", "CAN", "CHE", "CZE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR",
            "GRC", "IRL", "ISL", "ITA", "JPN", "KOR", "LUX", "NLD", "NOR", "NZL", "POL", "PRT",
            "SVK", "SVN", "SWE", "USA")

SOURCE = bs.Source(id="synthetic_funding", title="synthetic funding panel",
                   publisher="burdenshare tests")


def _synthetic_funding() -> bs.Dataset:
    """Five countries, 2019-2021: GNI, contributions, UNHCR revenue, DAC membership (AUT, BEL,
    DNK every year, FRA from 2020, JOR never), one aggregate row and one missing value."""
    rng = np.random.default_rng(7)
    rows = []
    for y in (2019, 2020, 2021):
        for c in ("AUT", "BEL", "DNK", "FRA", "JOR"):
            rows.append((c, y, "gni_atlas_usd_current", float(rng.uniform(1e11, 3e12))))
            paid = np.nan if (c, y) == ("BEL", 2021) else float(rng.uniform(1e6, 5e8))
            rows.append((c, y, "contribution_usd_current", paid))
            rows.append((c, y, "unhcr_revenue_earmarked_usd_current", float(rng.uniform(1e6, 9e7))))
            if c != "DNK":
                rows.append((c, y, "unhcr_revenue_unearmarked_usd_current",
                             float(rng.uniform(0, 2e7))))
            if c in ("AUT", "BEL", "DNK") or (c == "FRA" and y >= 2020):
                rows.append((c, y, "dac_member", 1.0))
    rows.append(("WLD", 2020, "gni_atlas_usd_current", 9e13))
    frame = pd.DataFrame([{"iso3": c, "year": y, "indicator": i, "value": v,
                           "unit": VOCABULARY[i].unit, "source": SOURCE.id}
                          for c, y, i, v in rows])
    return bs.Dataset.from_frame(frame, {SOURCE.id: SOURCE})


@pytest.fixture(scope="module")
def recent() -> bs.Dataset:
    return bs.load_sample().select(years=(2014, 2024))


@pytest.mark.parametrize("est", [
    FairShareFunding(requirement_usd=8.9e9, requirement_source="synthetic appeal"),
    FairShareFunding(actual="unhcr_revenue"),
    FairShareFunding(requirement_usd=1e9, group=("AUT", "BEL", "JOR"), capacity="gni_atlas_usd_current",
                     absent_actual="zero", year=2020, capacity_lag=1),
], ids=["dac-requirement", "dac-unhcr-revenue", "listed-lagged"])
def test_funding_passes_the_conformance_kit(est: FairShareFunding) -> None:
    assert len(check_estimator(est, _synthetic_funding())) == len(CHECKS)


@pytest.mark.parametrize("est", [
    FairShareFunding(actual="unhcr_revenue"),
    FairShareFunding(actual="unhcr_revenue", requirement_usd=3e9, year=2022,
                     requirement_source="synthetic requirement", absent_actual="zero"),
    FairShareResettlement(),
    FairShareResettlement(group=DAC_2016, absent_actual="zero", capacity="gni_atlas_usd_current"),
    FairShareResettlement(group=DAC_2016, target_persons=481_220, year=2016, capacity_lag=2),
], ids=["funding-unhcr-revenue-dac", "funding-unhcr-revenue-2022", "resettlement-default",
        "resettlement-listed-zero-gni", "resettlement-oxfam-2016-target"])
def test_passes_the_conformance_kit_on_the_samples(est: FairShareFunding | FairShareResettlement,
                                                   recent: bs.Dataset) -> None:
    assert len(check_estimator(est, recent)) == len(CHECKS)
