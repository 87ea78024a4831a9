"""Fair-share estimators against figures Oxfam published, on the embedded data where possible.

Inputs: ``burdenshare.load_sample()`` = World Bank WDI (2026-07-01 mirror: GDP and GNI Atlas,
current USD) and UNHCR release 2025.12.1. Published figures were read through the ``search``
tool (pages corpus: stored copies, excerpts only); each is quoted below with the page read.
Nothing is filled in from memory.

What was read
-------------
[O16] Oxfam, *Resettling 10 percent of Syrian refugees: the commitment needed at the Geneva
    conference*, 29 March 2016 (https://www.oxfam.org/en/research/resettling-10-percent-syrian-refugees):
    "at least 10 percent of the refugee population – the equivalent of 481,220 people – by the
    end of 2016". Press release the same day (Oxfam Hong Kong,
    https://www.oxfam.org.hk/en/news-and-publication/only-tiny-fraction-of-syrian-refugees-resettled-rich-countries-urged-to-step-up-efforts;
    Oxfam Canada, https://www.oxfam.ca/news/canada-one-of-only-three-countries-to-resettle-fair-share-of-syrian-refugees/):
    "only three countries – Canada, Germany, Norway – have made resettlement pledges exceeding
    their 'fair share', which is calculated according to the size of their economies, while five
    others – Australia, Finland, Iceland, Sweden, New Zealand – have pledged more than half of
    it. The other 20 countries included in the analysis ..."; "France has only pledged to take
    four per cent of its fair share, the Netherlands and the United States seven per cent each,
    Denmark 15 per cent and the United Kingdom 22 per cent"; "Collectively, rich nations have so
    far offered places to 129,966 people, only 27 percent of the minimum they should";
    Oxfam Canada: "Canada has pledged 239% of our calculated contribution". TakePart, 29 March
    2016 (https://www.takepart.com/article/2016/03/29/refugee-resettlement/index.html), on the
    same report: "Oxfam recommends that the U.S. pledge to admit more than 170,000 Syrian
    refugees by the end of 2016" and "the U.S. should multiply that figure [10,000] by 17".
[O15] Oxfam, *Syria Crisis Fair Share Analysis 2015*, briefing of 30 March 2015, Figure 1
    "Funding fair share analysis for 2015", p. 2 (scribd copy
    https://tr.scribd.com/document/340841936/Syria-Crisis-Fair-Share-Analysis-2015): "Based on an
    estimated total need of $8.7bn"; columns "2015 contributions ($m) (Incl. CERF/ECHO share)",
    "Fair share ($m)", "% Fair share contributed"; the excerpt shows the first nine rows
    (Australia ... Germany; Germany's percentage is cut after "38"). The paper says the funding
    fair share is "relative to the size of their economy (based on gross national income)";
    Oxfam's 2013 note on the same analysis says "based on their GNI and overall wealth"
    (https://oxfam.org.nz/news-media/media-releases/syria-fair-share).

The group of the 2016 resettlement analysis
-------------------------------------------
Oxfam's 28 countries are not listed in the excerpts. 3 + 5 + 20 = 28 countries, and the 13 named
are all OECD DAC members. The DAC had 28 member countries (plus the EU) until Hungary joined as
its 30th member on 6 December 2016 (OECD, https://www.oecd.org/dac/peer-reviews/peer-review-hungary.htm:
"At its meeting on 6 December 2016, the DAC invited Hungary to join the committee"). The 28 are
the 30 member countries of ``shared/data/oecd_dac_idrc_oda_gni_by_donor_2010_2022.csv`` less
Hungary and Lithuania (the only one of the 30 that must then have joined after 2016, since the
count is 28); the embedded ``dac_member`` observations (a colleague's transcription of the OECD
member pages, ``data_samples/dac_membership_transcribed.csv``) give the same 28 for 2015. We
therefore *assume* Oxfam's group is the 28 DAC member countries of early 2016.

Tolerances
----------
- US fair share: the published bounds themselves ("more than 170,000"; 10,000 x 17, so at least
  170,000 and below 180,000). No other tolerance: GDP vintage differences (WDI 2026 vs 2016) are
  what the bounds must absorb, and ours sits 318 persons under the upper bound.
- Percentages printed as whole numbers: +/- 0.5 percentage points, plus the effect of the
  rounding of the printed inputs (contributions to 0.1 $m; fair shares to 0.1 $m, or to 1 $m
  where printed without decimals), propagated to the ratio.
- Fair-share ratios between donors (Figure 1): 5 % relative, for GNI revisions between the 2015
  and 2026 WDI vintages; not met (xfail, gap quantified).
"""

from __future__ import annotations

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.fair_share import FairShareFunding, FairShareResettlement
from burdenshare.indicators import VOCABULARY

pytestmark = pytest.mark.reference

#: DAC member countries in early 2016 (assumed Oxfam 2016 group, see module docstring).
DAC_2016 = ("AUS", "AUT", "BEL", "CAN", "CHE", "CZE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR",
            "GRC", "IRL", "ISL", "ITA", "JPN", "KOR", "LUX", "NLD", "NOR", "NZL", "POL", "PRT",
            "SVK", "SVN", "SWE", "USA")
#: countries named in [O16]'s press release (above, at or below their fair share)
NAMED_O16 = ("CAN", "DEU", "NOR", "AUS", "FIN", "ISL", "SWE", "NZL", "FRA", "NLD", "USA", "DNK",
             "GBR")
TARGET_O16 = 481_220
#: [O15] Figure 1, first nine rows: contributions ($m), fair share ($m), % contributed
FIG1_O15 = {
    "AUS": (2.1, 116.9, 2), "AUT": (6.7, 45.9, 15), "BEL": (12.8, 55, 23), "CAN": (47.5, 178.4, 27),
    "CZE": (2.6, 33.5, 8), "DNK": (6.8, 30, 23), "FIN": (5.3, 25.9, 21), "FRA": (32.8, 303, 11),
    "DEU": (168, 438, 38),
}
REQUIREMENT_O15 = 8.7e9


@pytest.fixture(scope="module")
def sample() -> bs.Dataset:
    return bs.load_sample().select(years=(2012, 2016))


@pytest.fixture(scope="module")
def oxfam_2016(sample: bs.Dataset) -> bs.Result:
    """481,220 shared by 2014 GDP (the latest full WDI year in March 2016) over DAC_2016."""
    est = FairShareResettlement(
        target_persons=TARGET_O16, target_source="Oxfam 2016: 10 % of registered Syrian refugees",
        group=DAC_2016, group_name="DAC members 2016 (Oxfam's 28)", year=2016, capacity_lag=2)
    return est.estimate(sample)


def _fair(res: bs.Result, iso3: str) -> float:
    e = res.estimates
    return float(e.loc[(e["quantity"] == "fair_share") & (e["iso3"] == iso3), "estimate"].iloc[0])


def test_assumed_oxfam_2016_group_has_28_countries_and_every_named_one() -> None:
    # [O16]: 3 above + 5 above half + "the other 20" = 28; 13 countries named
    assert len(DAC_2016) == 3 + 5 + 20
    assert set(NAMED_O16) <= set(DAC_2016)


def test_assumed_group_is_the_dac_membership_of_2015_in_the_samples(sample: bs.Dataset) -> None:
    # independent cross-check: a colleague's transcription of the OECD member pages
    # (data_samples/dac_membership_transcribed.csv) gives the same 28 for 2015; 2016 adds HUN
    # (member from 6 December 2016; a member at any time in a year counts for that year)
    o = sample.observations
    dac = o[o["indicator"] == "dac_member"]
    assert set(dac.loc[dac["year"] == 2015, "iso3"]) == set(DAC_2016)
    assert set(dac.loc[dac["year"] == 2016, "iso3"]) == set(DAC_2016) | {"HUN"}


def test_dac_group_from_the_data_gives_the_same_fair_shares(sample: bs.Dataset,
                                                            oxfam_2016: bs.Result) -> None:
    # DAC members of 2015 (dac_member) with GDP 2014 (capacity_lag=1): the same key as the list
    est = FairShareResettlement(target_persons=TARGET_O16, year=2015, capacity_lag=1)
    res = est.estimate(sample)
    for iso3 in DAC_2016:
        assert _fair(res, iso3) == pytest.approx(_fair(oxfam_2016, iso3), rel=1e-12)


def test_us_resettlement_fair_share_matches_oxfam_2016(oxfam_2016: bs.Result) -> None:
    # [O16] via TakePart: "more than 170,000"; "multiply [10,000] by 17" -> [170,000, 180,000)
    us = _fair(oxfam_2016, "USA")
    assert 170_000 < us < 180_000, us  # ours: 179,682 (2014 GDP, WDI 2026-07-01)


def test_oxfam_2016_fair_shares_add_up_to_the_target(oxfam_2016: bs.Result) -> None:
    e = oxfam_2016.estimates
    alloc = e[(e["quantity"] == "allocation") & e["iso3"].notna()]["estimate"]
    assert len(alloc) == 28 and alloc.sum() == TARGET_O16


def test_group_percent_met_is_total_pledged_over_target_as_oxfam_2016(sample: bs.Dataset) -> None:
    # [O16]: 129,966 places offered = "only 27 percent" of 481,220 (100 * 129,966/481,220 =
    # 27.008). The per-country pledges were not read, so the total is put on one country
    # (source synthetic_*); with absent_actual="zero" the other 27 count as 0 and the group row
    # is sum(pledges) / T whatever the split.
    src = bs.Source(id="synthetic_pledge_total", title="Oxfam 2016 total pledges on one row",
                    publisher="burdenshare tests")
    pledge = pd.DataFrame([{"iso3": "USA", "year": 2016, "indicator": "resettlement_pledges",
                            "value": 129_966.0, "unit": VOCABULARY["resettlement_pledges"].unit,
                            "source": src.id}])
    data = bs.Dataset.concat([sample.select(iso3=list(DAC_2016)),
                              bs.Dataset.from_frame(pledge, {src.id: src})])
    est = FairShareResettlement(target_persons=TARGET_O16, group=DAC_2016, year=2016,
                                capacity_lag=2, actual="resettlement_pledges",
                                absent_actual="zero")
    e = est.estimate(data).estimates
    pct = float(e.loc[(e["quantity"] == "pct_of_fair_share_met") & e["iso3"].isna(),
                      "estimate"].iloc[0])
    assert pct == pytest.approx(27, abs=0.5)


def _figure1_data() -> bs.Dataset:
    """[O15] Figure 1 as data: capacity proportional to the printed fair shares (so the key
    reproduces them exactly and only the % arithmetic is tested) and the printed
    contributions, in USD."""
    src = bs.Source(id="oxfam_2015_fig1", title="Oxfam, Syria Crisis Fair Share Analysis 2015, "
                    "Figure 1 (first nine rows); capacity column = printed fair shares",
                    publisher="Oxfam (transcribed in burdenshare tests)")
    rows = []
    for iso3, (paid, fair, _pct) in FIG1_O15.items():
        rows.append((iso3, "gni_atlas_usd_current", fair * 1e6))
        rows.append((iso3, "contribution_usd_current", paid * 1e6))
    frame = pd.DataFrame([{"iso3": c, "year": 2015, "indicator": i, "value": v,
                           "unit": VOCABULARY[i].unit, "source": src.id} for c, i, v in rows])
    return bs.Dataset.from_frame(frame, {src.id: src})


@pytest.mark.parametrize("iso3", list(FIG1_O15))
def test_percent_of_fair_share_contributed_matches_oxfam_2015_figure_1(iso3: str) -> None:
    paid, fair, pct = FIG1_O15[iso3]
    total = sum(f for _p, f, _x in FIG1_O15.values()) * 1e6
    est = FairShareFunding(requirement_usd=total, group=tuple(FIG1_O15),
                           requirement_source="sum of the nine printed fair shares")
    e = est.estimate(_figure1_data()).estimates
    ours = float(e.loc[(e["quantity"] == "pct_of_fair_share_met") & (e["iso3"] == iso3),
                       "estimate"].iloc[0])
    # rounding of the printed inputs: contributions to 0.1; fair shares to 0.1 or to 1
    d_paid = 0.05
    d_fair = 0.5 if float(fair).is_integer() else 0.05
    slack = 100 * ((paid + d_paid) / (fair - d_fair) - paid / fair)
    assert ours == pytest.approx(pct, abs=0.5 + slack)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "Oxfam's 2015 funding fair shares are not proportional to GNI (Atlas): relative to "
    "Germany, ours (WDI GNI Atlas 2013) differ from Figure 1 by -31 % (CZE) to +48 % (AUS); "
    "with 2014 GNI -33 % to +46 %, with GDP -30 % to +56 %. Oxfam's key also reflects "
    "'overall wealth' (its 2013 note); see methodology/fair_share_funding.md, Validation"))
def test_fair_share_ratios_match_oxfam_2015_figure_1_with_gni_atlas(sample: bs.Dataset) -> None:
    # the actual (here UNHCR revenue, present in the samples) does not enter the fair shares
    est = FairShareFunding(requirement_usd=REQUIREMENT_O15, group=DAC_2016, year=2015,
                           capacity_lag=2, actual="unhcr_revenue")
    res = est.estimate(sample)
    ours_de = _fair(res, "DEU")
    worst = max(abs((_fair(res, c) / ours_de) / (fair / FIG1_O15["DEU"][1]) - 1)
                for c, (_p, fair, _x) in FIG1_O15.items())
    assert worst <= 0.05, f"largest relative deviation of a ratio to Germany: {worst:.1%}"
