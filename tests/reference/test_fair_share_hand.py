"""Fair-share estimators checked against hand calculations written in the tests.

Independent source for every number below: the arithmetic written out next to the assertion
(STYLE.md §3.2, house rule 10). The data are small synthetic datasets (source ids ``synthetic_*``)
with real ISO3 codes, because codes are validated. GNI/GDP values are written in units of 1e11 USD
so that the shares are small fractions (1/8, 2/8, 5/8, ...).

Tolerances: ``rel=1e-12`` wherever the expected value is exact arithmetic on small numbers; the
only error allowed is floating-point rounding of one or two divisions/multiplications (a few ulp,
far below 1e-12 relative). Allocations are integers and are compared exactly.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators import fair_share as fs_module
from burdenshare.estimators.fair_share import FairShareFunding, FairShareResettlement
from burdenshare.indicators import VOCABULARY

pytestmark = pytest.mark.reference

EXACT = 1e-12
B = 1e11  # one unit of GNI/GDP in the synthetic data

SOURCES = {
    "synthetic_test": bs.Source(id="synthetic_test", title="synthetic test data",
                                publisher="burdenshare tests"),
    "synthetic_other": bs.Source(id="synthetic_other", title="another synthetic source",
                                 publisher="burdenshare tests"),
}


def _dataset(rows: list[tuple]) -> bs.Dataset:
    """Rows are (iso3, year, indicator, value) or (iso3, year, indicator, value, source)."""
    recs = [{"iso3": r[0], "year": r[1], "indicator": r[2], "value": r[3],
             "unit": VOCABULARY[r[2]].unit, "source": r[4] if len(r) > 4 else "synthetic_test"}
            for r in rows]
    return bs.Dataset.from_frame(pd.DataFrame(recs), SOURCES)


def _get(res: bs.Result, quantity: str, iso3: str | None = None, year: int | None = None) -> float:
    e = res.estimates
    e = e[e["quantity"] == quantity]
    e = e[e["iso3"].isna()] if iso3 is None else e[e["iso3"] == iso3]
    if year is not None:
        e = e[e["year"] == year]
    assert len(e) == 1, f"{quantity} {iso3} {year}: {len(e)} rows"
    return float(e["estimate"].iloc[0])


def _has(res: bs.Result, quantity: str, iso3: str) -> bool:
    e = res.estimates
    return bool(((e["quantity"] == quantity) & (e["iso3"] == iso3)).any())


def _reason(res: bs.Result, iso3: str, indicator: str) -> str:
    x = res.excluded
    x = x[(x["iso3"] == iso3) & (x["indicator"] == indicator)]
    assert len(x) == 1
    return str(x["reason"].iloc[0])


# Three donors, GNI 1 : 2 : 5 (sum 8); contributions 50, 200, 600.
THREE = [
    ("AUT", 2020, "gni_atlas_usd_current", 1 * B), ("AUT", 2020, "contribution_usd_current", 50.0),
    ("BEL", 2020, "gni_atlas_usd_current", 2 * B), ("BEL", 2020, "contribution_usd_current", 200.0),
    ("DNK", 2020, "gni_atlas_usd_current", 5 * B), ("DNK", 2020, "contribution_usd_current", 600.0),
]
GROUP3 = ("AUT", "BEL", "DNK")


# --------------------------------------------------------------------------- funding
def test_fair_share_is_requirement_times_gni_share() -> None:
    # R = 800: fair shares 800 * 1/8 = 100, 800 * 2/8 = 200, 800 * 5/8 = 500
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(THREE))
    for iso3, share, fair in (("AUT", 1 / 8, 100.0), ("BEL", 2 / 8, 200.0), ("DNK", 5 / 8, 500.0)):
        assert _get(res, "key_share", iso3) == pytest.approx(share, rel=EXACT)
        assert _get(res, "fair_share", iso3) == pytest.approx(fair, rel=EXACT)


def test_percent_met_and_gap_per_donor() -> None:
    # % met = 100 * 50/100, 100 * 200/200, 100 * 600/500 = 50, 100, 120
    # gap = fair share - actual = 100 - 50, 200 - 200, 500 - 600 = 50, 0, -100
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(THREE))
    for iso3, pct, gap in (("AUT", 50.0, 50.0), ("BEL", 100.0, 0.0), ("DNK", 120.0, -100.0)):
        assert _get(res, "pct_of_fair_share_met", iso3) == pytest.approx(pct, rel=EXACT)
        assert _get(res, "gap", iso3) == pytest.approx(gap, rel=EXACT, abs=1e-12)


def test_group_rows_sum_the_members() -> None:
    # group: fair share 800, actual 50 + 200 + 600 = 850, % met 100 * 850/800 = 106.25,
    # gap 800 - 850 = -50, key share 1
    est = FairShareFunding(requirement_usd=800.0, group=GROUP3, group_name="three donors")
    res = est.estimate(_dataset(THREE))
    g = res.estimates[res.estimates["iso3"].isna()]
    assert set(g["term"]) == {"three donors"}
    assert _get(res, "fair_share") == pytest.approx(800.0, rel=EXACT)
    assert _get(res, "actual") == pytest.approx(850.0, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met") == pytest.approx(106.25, rel=EXACT)
    assert _get(res, "gap") == pytest.approx(-50.0, rel=EXACT)
    assert _get(res, "key_share") == pytest.approx(1.0, rel=EXACT)


def test_money_carries_its_unit() -> None:
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(THREE))
    units = res.estimates.groupby("quantity")["unit"].unique().to_dict()
    for q in ("fair_share", "actual", "gap"):
        assert list(units[q]) == ["USD current"]
    assert list(units["pct_of_fair_share_met"]) == ["percent of fair share"]
    assert list(units["key_share"]) == ["fraction of the group total"]


def test_no_requirement_shares_the_groups_total_contribution() -> None:
    # R = 50 + 200 + 600 = 850: fair shares 850/8 = 106.25, 212.5, 531.25
    res = FairShareFunding(group=GROUP3).estimate(_dataset(THREE))
    assert _get(res, "fair_share", "AUT") == pytest.approx(106.25, rel=EXACT)
    assert _get(res, "fair_share", "BEL") == pytest.approx(212.5, rel=EXACT)
    assert _get(res, "fair_share", "DNK") == pytest.approx(531.25, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met") == pytest.approx(100.0, rel=EXACT)


def test_dac_members_of_the_year_form_the_group() -> None:
    # 2020: AUT and BEL are DAC members, DNK is not -> key 1/3, 2/3 of R = 300 -> 100, 200
    rows = THREE + [("AUT", 2020, "dac_member", 1.0), ("BEL", 2020, "dac_member", 1.0)]
    res = FairShareFunding(requirement_usd=300.0).estimate(_dataset(rows))
    assert _get(res, "fair_share", "AUT") == pytest.approx(100.0, rel=EXACT)
    assert _get(res, "fair_share", "BEL") == pytest.approx(200.0, rel=EXACT)
    assert not _has(res, "fair_share", "DNK")
    assert _reason(res, "DNK", "gni_atlas_usd_current") == "not_in_group"
    assert _reason(res, "DNK", "contribution_usd_current") == "not_in_group"
    assert res.diagnostics["group"] == "DAC members"


def test_dac_membership_is_read_year_by_year() -> None:
    # 2021: DNK joins -> key 1/8, 2/8, 5/8 of R = 800
    rows = [(c, 2020, i, v) for c, _y, i, v in THREE] + [(c, 2021, i, v) for c, _y, i, v in THREE]
    rows += [("AUT", 2020, "dac_member", 1.0), ("BEL", 2020, "dac_member", 1.0)]
    rows += [(c, 2021, "dac_member", 1.0) for c in GROUP3]
    res = FairShareFunding(requirement_usd=800.0).estimate(_dataset(rows))
    assert _get(res, "fair_share", "DNK", 2021) == pytest.approx(500.0, rel=EXACT)
    assert _get(res, "fair_share", "AUT", 2020) == pytest.approx(800.0 / 3, rel=EXACT)


def test_no_dac_data_and_no_group_is_an_error() -> None:
    with pytest.raises(bs.EstimatorError, match=r"dac_member.*group=AUS,AUT"):
        FairShareFunding(requirement_usd=800.0).estimate(_dataset(THREE))


def test_named_year_without_dac_observations_is_an_error() -> None:
    rows = THREE + [("AUT", 2019, "dac_member", 1.0)]
    with pytest.raises(bs.EstimatorError, match="no dac_member observation for 2020"):
        FairShareFunding(requirement_usd=800.0, year=2020).estimate(_dataset(rows))


def test_inferred_year_without_dac_observations_is_skipped_as_unclassified() -> None:
    rows = [(c, 2020, i, v) for c, _y, i, v in THREE] + [(c, 2021, i, v) for c, _y, i, v in THREE]
    rows += [(c, 2021, "dac_member", 1.0) for c in GROUP3]
    res = FairShareFunding(requirement_usd=800.0).estimate(_dataset(rows))
    assert set(res.estimates["year"]) == {2021}
    x = res.excluded[res.excluded["year"] == 2020]
    assert len(x) == 6 and set(x["reason"]) == {"unclassified"}
    assert 2020 in res.diagnostics["years_skipped"]


def test_unhcr_revenue_sums_earmarked_and_unearmarked() -> None:
    # AUT: 30 earmarked + 20 un-earmarked = 50; BEL: 200 earmarked, no un-earmarked row -> 200
    # R = 300 over GNI 1 : 2 -> 100, 200 -> % met 50, 100
    rows = [("AUT", 2020, "gni_atlas_usd_current", 1 * B), ("BEL", 2020, "gni_atlas_usd_current", 2 * B),
            ("AUT", 2020, "unhcr_revenue_earmarked_usd_current", 30.0),
            ("AUT", 2020, "unhcr_revenue_unearmarked_usd_current", 20.0),
            ("BEL", 2020, "unhcr_revenue_earmarked_usd_current", 200.0)]
    res = FairShareFunding(requirement_usd=300.0, group=("AUT", "BEL"),
                           actual="unhcr_revenue").estimate(_dataset(rows))
    assert _get(res, "actual", "AUT") == pytest.approx(50.0, rel=EXACT)
    assert _get(res, "actual", "BEL") == pytest.approx(200.0, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met", "AUT") == pytest.approx(50.0, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met", "BEL") == pytest.approx(100.0, rel=EXACT)


def test_negative_revenue_is_kept() -> None:
    # UNHCR revenue can be negative after adjustments: AUT 30 - 40 = -10 -> % met -10 on FS 100
    rows = [("AUT", 2020, "gni_atlas_usd_current", 1 * B), ("BEL", 2020, "gni_atlas_usd_current", 2 * B),
            ("AUT", 2020, "unhcr_revenue_earmarked_usd_current", 30.0),
            ("AUT", 2020, "unhcr_revenue_unearmarked_usd_current", -40.0),
            ("BEL", 2020, "unhcr_revenue_earmarked_usd_current", 200.0)]
    res = FairShareFunding(requirement_usd=300.0, group=("AUT", "BEL"),
                           actual="unhcr_revenue").estimate(_dataset(rows))
    assert _get(res, "pct_of_fair_share_met", "AUT") == pytest.approx(-10.0, rel=EXACT)
    assert _get(res, "gap", "AUT") == pytest.approx(110.0, rel=EXACT)


def test_missing_revenue_part_makes_the_actual_missing() -> None:
    rows = [("AUT", 2020, "gni_atlas_usd_current", 1 * B), ("BEL", 2020, "gni_atlas_usd_current", 2 * B),
            ("AUT", 2020, "unhcr_revenue_earmarked_usd_current", 30.0),
            ("AUT", 2020, "unhcr_revenue_unearmarked_usd_current", np.nan),
            ("BEL", 2020, "unhcr_revenue_earmarked_usd_current", 200.0)]
    res = FairShareFunding(requirement_usd=300.0, group=("AUT", "BEL"),
                           actual="unhcr_revenue").estimate(_dataset(rows))
    assert not _has(res, "actual", "AUT")
    assert _get(res, "fair_share", "AUT") == pytest.approx(100.0, rel=EXACT)
    assert _reason(res, "AUT", "unhcr_revenue_unearmarked_usd_current") == "missing_value"
    assert _reason(res, "AUT", "unhcr_revenue_earmarked_usd_current") == "missing_counterpart"


def test_missing_contribution_stays_missing() -> None:
    # BEL's contribution is NaN: no actual, % met or gap for BEL (never 0); its fair share is
    # still 200. Group actual covers AUT + DNK: 650 against fair shares 100 + 500 = 600
    # -> % met 100 * 650/600, gap 600 - 650 = -50.
    rows = [r if not (r[0] == "BEL" and r[2] == "contribution_usd_current") else
            ("BEL", 2020, "contribution_usd_current", np.nan) for r in THREE]
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(rows))
    assert _get(res, "fair_share", "BEL") == pytest.approx(200.0, rel=EXACT)
    for q in ("actual", "pct_of_fair_share_met", "gap"):
        assert not _has(res, q, "BEL")
    assert _reason(res, "BEL", "contribution_usd_current") == "missing_value"
    assert _get(res, "actual") == pytest.approx(650.0, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met") == pytest.approx(100 * 650 / 600, rel=EXACT)
    assert _get(res, "gap") == pytest.approx(-50.0, rel=EXACT)
    assert res.diagnostics["members_without_actual"] == {2020: ["BEL"]}


def test_absent_contribution_is_missing_unless_asked_to_count_as_zero() -> None:
    rows = [r for r in THREE if not (r[0] == "BEL" and r[2] == "contribution_usd_current")]
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(rows))
    assert not _has(res, "actual", "BEL")
    zero = FairShareFunding(requirement_usd=800.0, group=GROUP3, absent_actual="zero")
    res0 = zero.estimate(_dataset(rows))
    # BEL counts 0: % met 0, gap = fair share 200; group actual 650 of 800
    assert _get(res0, "actual", "BEL") == 0.0
    assert _get(res0, "gap", "BEL") == pytest.approx(200.0, rel=EXACT)
    assert _get(res0, "pct_of_fair_share_met") == pytest.approx(100 * 650 / 800, rel=EXACT)
    assert res0.diagnostics["actual_absent_counted_as_zero"] == {2020: ["BEL"]}


def test_no_requirement_and_a_missing_contribution_narrows_the_key() -> None:
    # BEL has no contribution: the total is what AUT and DNK gave, 50 + 600 = 650, shared by
    # their GNI 1 : 5 -> 650/6 = 108.33..., 541.66...; BEL has no fair share (never a zero)
    rows = [r for r in THREE if not (r[0] == "BEL" and r[2] == "contribution_usd_current")]
    res = FairShareFunding(group=GROUP3).estimate(_dataset(rows))
    assert _get(res, "fair_share", "AUT") == pytest.approx(650 / 6, rel=EXACT)
    assert _get(res, "fair_share", "DNK") == pytest.approx(650 * 5 / 6, rel=EXACT)
    assert not _has(res, "fair_share", "BEL")
    assert _reason(res, "BEL", "gni_atlas_usd_current") == "missing_counterpart"
    assert res.diagnostics["members_without_actual"] == {2020: ["BEL"]}
    assert any("leave the key" in a for a in res.assumptions)


def test_no_requirement_and_no_contribution_at_all_is_an_error() -> None:
    rows = [r for r in THREE if r[2] != "contribution_usd_current"]
    rows.append(("JOR", 2020, "contribution_usd_current", 5.0))  # not in the group
    with pytest.raises(bs.EstimatorError, match="no total to share"):
        FairShareFunding(group=GROUP3, year=2020).estimate(_dataset(rows))


def test_member_without_gni_leaves_the_key() -> None:
    # BEL has no GNI: key AUT 1/6, DNK 5/6 of R = 600 -> 100, 500; BEL's contribution is set
    # aside (missing_counterpart)
    rows = [r for r in THREE if not (r[0] == "BEL" and r[2] == "gni_atlas_usd_current")]
    res = FairShareFunding(requirement_usd=600.0, group=GROUP3).estimate(_dataset(rows))
    assert _get(res, "fair_share", "AUT") == pytest.approx(100.0, rel=EXACT)
    assert _get(res, "fair_share", "DNK") == pytest.approx(500.0, rel=EXACT)
    assert _reason(res, "BEL", "contribution_usd_current") == "missing_counterpart"
    assert res.diagnostics["members_without_capacity"] == {2020: ["BEL"]}
    assert any("left out of the key" in a for a in res.assumptions)


def test_zero_gni_is_a_non_positive_denominator() -> None:
    rows = [r if not (r[0] == "BEL" and r[2] == "gni_atlas_usd_current") else
            ("BEL", 2020, "gni_atlas_usd_current", 0.0) for r in THREE]
    res = FairShareFunding(requirement_usd=600.0, group=GROUP3).estimate(_dataset(rows))
    assert _reason(res, "BEL", "gni_atlas_usd_current") == "non_positive_denominator"
    assert _get(res, "fair_share", "DNK") == pytest.approx(500.0, rel=EXACT)


def test_capacity_lag_takes_capacity_from_earlier_years() -> None:
    # 2018 GNI 3 : 1 (AUT : BEL); 2020 GNI 1 : 2 (unused with lag 2); R = 400 -> 300, 100
    rows = [("AUT", 2018, "gni_atlas_usd_current", 3 * B), ("BEL", 2018, "gni_atlas_usd_current", 1 * B),
            ("AUT", 2020, "gni_atlas_usd_current", 1 * B), ("BEL", 2020, "gni_atlas_usd_current", 2 * B),
            ("AUT", 2020, "contribution_usd_current", 10.0),
            ("BEL", 2020, "contribution_usd_current", 10.0)]
    res = FairShareFunding(requirement_usd=400.0, group=("AUT", "BEL"), year=2020,
                           capacity_lag=2).estimate(_dataset(rows))
    assert _get(res, "fair_share", "AUT") == pytest.approx(300.0, rel=EXACT)
    assert _get(res, "fair_share", "BEL") == pytest.approx(100.0, rel=EXACT)
    x = res.excluded
    assert set(x["reason"]) == {"not_reference_year"} and set(x["year"]) == {2020}
    assert res.diagnostics["capacity_year"] == {2020: 2018}


def test_gdp_can_replace_gni() -> None:
    rows = THREE + [("AUT", 2020, "gdp_usd_current", 1 * B), ("BEL", 2020, "gdp_usd_current", 1 * B),
                    ("DNK", 2020, "gdp_usd_current", 2 * B)]
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3,
                           capacity="gdp_usd_current").estimate(_dataset(rows))
    # GDP 1 : 1 : 2 -> 200, 200, 400; GNI rows are not needed and are not read
    assert _get(res, "fair_share", "DNK") == pytest.approx(400.0, rel=EXACT)
    assert "gni_atlas_usd_current" not in set(res.excluded["indicator"])


def test_aggregates_never_enter_the_group() -> None:
    rows = THREE + [("WLD", 2020, "gni_atlas_usd_current", 100 * B)]
    res = FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(rows))
    assert _reason(res, "WLD", "gni_atlas_usd_current") == "aggregate_entity"
    assert _get(res, "fair_share", "DNK") == pytest.approx(500.0, rel=EXACT)


def test_a_source_must_be_chosen_when_gni_comes_from_two() -> None:
    rows = THREE + [("AUT", 2020, "gni_atlas_usd_current", 7 * B, "synthetic_other")]
    with pytest.raises(bs.EstimatorError, match="several sources"):
        FairShareFunding(requirement_usd=800.0, group=GROUP3).estimate(_dataset(rows))
    est = FairShareFunding(requirement_usd=800.0, group=GROUP3,
                           sources=(("gni_atlas_usd_current", "synthetic_test"),))
    res = est.estimate(_dataset(rows))
    assert _get(res, "fair_share", "AUT") == pytest.approx(100.0, rel=EXACT)
    assert (res.excluded["reason"] == "other_source").sum() == 1


@pytest.mark.parametrize(("group", "message"), [
    (("AUT", "XX"), "not an ISO3 code"),
    (("AUT", "AUT"), "more than once"),
    (("AUT", "WLD"), "not a country"),
])
def test_bad_groups_are_rejected(group: tuple[str, ...], message: str) -> None:
    with pytest.raises(bs.ParameterError, match=message):
        FairShareFunding(group=group)


def test_requirement_must_be_positive() -> None:
    with pytest.raises(bs.ParameterError, match="requirement_usd"):
        FairShareFunding(requirement_usd=0.0)


# --------------------------------------------------------------------------- resettlement
def _resettlement_rows(pledges: dict[str, float]) -> list[tuple]:
    # GDP 5 : 3 : 2 -> shares 0.5, 0.3, 0.2
    rows = [("AUT", 2016, "gdp_usd_current", 5 * B), ("BEL", 2016, "gdp_usd_current", 3 * B),
            ("DNK", 2016, "gdp_usd_current", 2 * B)]
    return rows + [(c, 2016, "resettlement_pledges", v) for c, v in pledges.items()]


def test_resettlement_allocation_is_largest_remainder() -> None:
    # T = 7: exact 3.5, 2.1, 1.4 -> floors 3, 2, 1 (6); the one left goes to the largest
    # remainder (AUT, .5) -> 4, 2, 1
    data = _dataset(_resettlement_rows({"AUT": 1.0, "BEL": 1.0, "DNK": 1.0}))
    res = FairShareResettlement(target_persons=7, group=GROUP3,
                                actual="resettlement_pledges").estimate(data)
    assert [_get(res, "allocation", c) for c in GROUP3] == [4.0, 2.0, 1.0]
    assert _get(res, "allocation") == 7.0
    assert _get(res, "fair_share", "BEL") == pytest.approx(2.1, rel=EXACT)


def test_resettlement_percent_met_from_pledges() -> None:
    # T = 1000: fair shares 500, 300, 200; pledges 1195, 21, 50 -> 239 %, 7 %, 25 %
    data = _dataset(_resettlement_rows({"AUT": 1195.0, "BEL": 21.0, "DNK": 50.0}))
    res = FairShareResettlement(target_persons=1000, group=GROUP3,
                                actual="resettlement_pledges").estimate(data)
    assert _get(res, "pct_of_fair_share_met", "AUT") == pytest.approx(239.0, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met", "BEL") == pytest.approx(7.0, rel=EXACT)
    assert _get(res, "gap", "DNK") == pytest.approx(150.0, rel=EXACT)
    # group: 1266 of 1000 -> 126.6 %
    assert _get(res, "pct_of_fair_share_met") == pytest.approx(126.6, rel=EXACT)


def test_resettlement_without_target_redistributes_arrivals() -> None:
    # arrivals 10, 0, 30 -> T = 40 -> fair shares 20, 12, 8 -> allocation 20, 12, 8
    rows = [("AUT", 2016, "gdp_usd_current", 5 * B), ("BEL", 2016, "gdp_usd_current", 3 * B),
            ("DNK", 2016, "gdp_usd_current", 2 * B), ("AUT", 2016, "resettlement_arrivals", 10.0),
            ("BEL", 2016, "resettlement_arrivals", 0.0), ("DNK", 2016, "resettlement_arrivals", 30.0)]
    res = FairShareResettlement(group=GROUP3).estimate(_dataset(rows))
    assert [_get(res, "allocation", c) for c in GROUP3] == [20.0, 12.0, 8.0]
    assert _get(res, "pct_of_fair_share_met", "DNK") == pytest.approx(375.0, rel=EXACT)
    assert _get(res, "pct_of_fair_share_met") == pytest.approx(100.0, rel=EXACT)


def test_resettlement_year_with_no_arrivals_at_all_has_nothing_to_share() -> None:
    rows = [("AUT", 2016, "gdp_usd_current", 5 * B), ("AUT", 2016, "resettlement_arrivals", 0.0)]
    with pytest.raises(bs.EstimatorError, match="nothing to share"):
        FairShareResettlement(group=("AUT",)).estimate(_dataset(rows))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(fs_module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
