"""In-donor refugee costs and ODA/GNI reproduced against the OECD's published figures.

Data: the embedded samples (``burdenshare.load_sample()``, file ``data_samples/oecd_dac.csv.gz``,
sources ``oecd_dac1_idrc_oda_gni_one_2024_01_10`` and ``oecd_dac_oda_gni_one_2026_04_09``).

Published figures (independent sources, quoted):

* OECD press release "Development aid stable in 2015..." (13 April 2016, preliminary 2015 data),
  as reported by Reuters/Thomson Reuters Foundation and The Guardian (13 April 2016): spending on
  refugees in donor countries "reaching $12 billion and making up 9.1 percent of ODA".
  Final 2015 data, as reported by Philanthropy News Digest from the OECD's final release:
  "$12.1 billion (9.2 percent) was spent on hosting and processing refugees in donor countries".
* OECD press release of 11 April 2017 (preliminary 2016 data), reported by Devex (11 April 2017):
  "in-donor refugee costs accounted for $15.4 billion ... over 10 percent of total net ODA in
  2016"; OECD press release of 9 April 2018 (copied at ge2p2-center.net): "ODA spent by donor
  countries on hosting refugees fell by 13.6% to USD 14.2 billion ... In-donor refugee costs
  were 9.7% of total net ODA, down from 11% in 2016."
* OECD press release "Foreign aid surges due to spending on refugees and aid for Ukraine"
  (12 April 2023, t4.oecd.org/dac/foreign-aid-surges-due-to-spending-on-refugees-and-aid-for-
  ukraine.htm, preliminary 2022 data): "spending on processing and hosting refugees within donor
  countries to USD 29.3 billion, or 14.4% of ODA, up from USD 12.8 billion in 2021."

Tolerances (one line each, in ``HEADLINES``): a final-data figure printed to 0.1 bn / 0.1 % is
matched to half a unit of its last digit (rounding only). A preliminary figure is matched within
the revision the OECD itself made between preliminary and final data, which the test states and
bounds: 2016 +0.6 bn (15.4 -> 16.0; OECD's later releases say 11 % and "$16 billion"), 2017
-0.1 bn, 2021 +0.0 bn, 2022 +1.6 bn (29.3 -> 30.9; the final DAC1 'DAC countries' aggregate is
31.0 bn per shared/data/QUALITY.md §4, Estonia's 0.14 bn not being in our 30-donor file). Our
group is the 30 donors of the 2010-2022 file (DAC members of 2022), all years.
"""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.estimators.contributions_dac import InDonorRefugeeCosts, OdaGniCommitment

pytestmark = pytest.mark.reference

#: year -> (published bn, published % of ODA, status, abs tolerance bn, abs tolerance pp, why)
HEADLINES = {
    # final data printed to 0.1: rounding only
    2015: (12.1, 9.2, "final (OECD, reported by Philanthropy News Digest)", 0.05, 0.05,
           "final figure printed to 0.1 bn / 0.1 %: half a unit of the last digit"),
    # preliminary figures: the preliminary-to-final revision
    2016: (15.4, 11.0, "preliminary bn (OECD 11 Apr 2017); share as restated 9 Apr 2018", 0.6,
           0.05, "preliminary 15.4 bn revised to 16.0 bn in final data; the share is the "
                 "OECD's restated 11 % (printed to 1 %: +-0.5 pp would do; 0.05 holds)"),
    2017: (14.2, 9.7, "preliminary (OECD 9 Apr 2018)", 0.15, 0.15,
           "preliminary vs final revision, about 0.1 bn / 0.1 pp"),
    2021: (12.8, None, "as restated with preliminary 2022 data (OECD 12 Apr 2023)", 0.05, None,
           "restated a year later (final data), printed to 0.1 bn: rounding only"),
    2022: (29.3, 14.4, "preliminary (OECD 12 Apr 2023)", 1.6, 0.3,
           "preliminary 29.3 bn revised to 30.9 bn (final DAC1: 31.0 bn incl. Estonia); share "
           "14.4 % -> 14.7 % on the same revision"),
}
#: Preliminary 2015 figures: within their revision to final data (12.0 -> 12.1 bn, 9.1 -> 9.2 %).
PRELIM_2015 = (12.0, 9.1, 0.15, 0.15)


@pytest.fixture(scope="module")
def idrc_groups():
    res = InDonorRefugeeCosts(per_application=False).estimate(bs.load_sample())
    est = res.estimates
    agg = est[est["iso3"].isna()]
    return agg.pivot_table(index="year", columns="quantity", values="estimate")


@pytest.mark.parametrize("year", sorted(HEADLINES))
def test_oecd_headline_reproduced(idrc_groups, year):
    bn, pct, _status, tol_bn, tol_pp, _why = HEADLINES[year]
    ours_bn = idrc_groups.loc[year, "idrc_usd_million"] / 1000
    assert ours_bn == pytest.approx(bn, abs=tol_bn)
    if pct is not None:
        assert idrc_groups.loc[year, "idrc_share_of_oda_pct"] == pytest.approx(pct, abs=tol_pp)


def test_oecd_preliminary_2015(idrc_groups):
    bn, pct, tol_bn, tol_pp = PRELIM_2015
    assert idrc_groups.loc[2015, "idrc_usd_million"] / 1000 == pytest.approx(bn, abs=tol_bn)
    assert idrc_groups.loc[2015, "idrc_share_of_oda_pct"] == pytest.approx(pct, abs=tol_pp)


def test_quality_md_sums(idrc_groups):
    """shared/data/QUALITY.md §4 (same upstream, a regression check): sums to 0.01 bn / 0.1 %."""
    for year, bn, pct in [(2010, 3.45, 2.7), (2015, 12.12, 9.2), (2016, 15.96, 11.0),
                          (2020, 8.75, 5.4), (2022, 30.87, 14.7)]:
        assert round(idrc_groups.loc[year, "idrc_usd_million"] / 1000, 2) == bn
        assert round(idrc_groups.loc[year, "idrc_share_of_oda_pct"], 1) == pct


def test_share_divides_by_all_donors_oda(idrc_groups):
    """The pitfall: dividing by the ODA of reporting donors only gives a larger share (2022)."""
    est = InDonorRefugeeCosts(per_application=False).estimate(bs.load_sample()).estimates
    rep = est[(est["quantity"] == "idrc_usd_million") & est["iso3"].notna() & (est["year"] == 2022)]
    assert len(rep) == 27  # AUS, HUN and LUX report none in 2022
    assert idrc_groups.loc[2022, "donors_in_group"] == 30


#: Donor-years where the recomputed ODA/GNI differs from the published 2-decimal value by more than
#: its rounding (0.005 pp): found, reported and bounded, not hidden.
EXCEPTIONS = {("AUS", 2019): 0.0053}


def test_oda_gni_recomputed_matches_published_rounding():
    """OECD ODA/GNI (ONE oda-dashboard vintage 2026-04-09) vs ODA/GNI recomputed from the
    2010-2022 file: exact to the published rounding (+-0.005 pp, plus 1e-9 for float error) for
    every donor-year where both exist, except the listed ones (a later revision of Australia's
    2019 ODA or GNI between the two vintages; the difference is bounded)."""
    res = OdaGniCommitment().estimate(bs.load_sample())
    est = res.estimates
    d = est[(est["quantity"] == "oda_gni_pct_minus_published") & est["iso3"].notna()]
    # 30 donors x 13 years (2010-2022), plus 31 + 32 + 33 donors of 2023-2025 (issue 14: their
    # GNI is derived from the 5-decimal ratio, so there the comparison only checks that the
    # 5-decimal ratio rounds to the published 2-decimal one)
    assert len(d) == 390 + 96
    for r in d.itertuples():
        bound = EXCEPTIONS.get((r.iso3, r.year), 0.005) + 1e-9
        assert abs(r.estimate) <= bound, (r.iso3, r.year, r.estimate)
    assert res.diagnostics["published_beyond_rounding"] == ["AUS 2019: 0.2148 vs 0.22"]


def test_dac_total_oda_gni_published():
    """DAC total ODA/GNI 2022 published 0.37 % (oecd_dac_aggregates.csv; QUALITY.md §4) and 0.36 %
    in the preliminary release of 12 Apr 2023 (defishumanitaires.org summary of the OECD note):
    ours, over the 30 donors, 0.372 %: within the published rounding of the final 0.37."""
    est = OdaGniCommitment().estimate(bs.load_sample()).estimates
    g = est[(est["quantity"] == "oda_gni_pct") & est["iso3"].isna() & (est["year"] == 2022)]
    assert g["estimate"].item() == pytest.approx(0.37, abs=0.005)
