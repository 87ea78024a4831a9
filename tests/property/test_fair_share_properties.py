"""Invariants of the fair-share estimators on synthetic panels (hypothesis).

Panels have 2-8 countries drawn from a fixed list of real ISO3 codes (codes are validated) and
1-3 consecutive years; every observation carries the source id ``synthetic_fair_share``. Actuals
are absent for some country-years (absence must never become zero). The settings profile ``ci``
(deadline=None, derandomize=True, database=None) is loaded in ``tests/property/conftest.py``;
this module lowers ``max_examples`` to 20 (each example validates one or two datasets with pandera,
about 0.1 s) to keep the module near 10 s.

Independent source of each expected value: the invariant itself (an identity of the formulas in
``methodology/fair_share_funding.md`` and ``fair_share_resettlement.md``), evaluated on the
estimator's own outputs. Tolerances: ``REL = 1e-12`` relative where two sides differ only by the
order of a few floating-point operations (sums over <= 8 members stay far below 1e-12);
allocations are integers and are compared exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.estimators.fair_share import FairShareFunding, FairShareResettlement
from burdenshare.indicators import VOCABULARY
from burdenshare.testing import check_estimator

pytestmark = pytest.mark.property

REL = 1e-12
CODES = ("AUT", "BEL", "DEU", "FRA", "ITA", "ESP", "NLD", "POL", "SWE", "JPN", "USA", "CAN",
         "AUS", "NOR", "KOR", "CHE")
SOURCE = bs.Source(id="synthetic_fair_share", title="synthetic panel for fair-share properties",
                   publisher="burdenshare tests")


@st.composite
def panels(draw: st.DrawFn) -> pd.DataFrame:
    """Long synthetic observations: GNI, GDP for every country-year; an actual for most."""
    n = draw(st.integers(2, 8))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n, unique=True))
    first = draw(st.integers(2010, 2020))
    years = list(range(first, first + draw(st.integers(1, 3))))
    cap = st.floats(1e9, 3e13, allow_nan=False, allow_infinity=False)
    rows = []
    for c in codes:
        for y in years:
            rows.append((c, y, "gni_atlas_usd_current", draw(cap)))
            rows.append((c, y, "gdp_usd_current", draw(cap)))
            # about one in five actuals absent (never the first, so the indicator exists)
            if (c, y) == (codes[0], years[0]) or draw(st.integers(0, 4)):
                rows.append((c, y, "contribution_usd_current",
                             float(draw(st.integers(0, 10**9)))))
                rows.append((c, y, "resettlement_pledges", float(draw(st.integers(0, 50_000)))))
    return pd.DataFrame([{"iso3": c, "year": y, "indicator": i, "value": v,
                          "unit": VOCABULARY[i].unit, "source": SOURCE.id}
                         for c, y, i, v in rows])


def _data(frame: pd.DataFrame) -> bs.Dataset:
    return bs.Dataset.from_frame(frame, {SOURCE.id: SOURCE}, origin="synthetic_fair_share")


def _group(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(frame["iso3"])))


def _funding(frame: pd.DataFrame, requirement: float) -> FairShareFunding:
    return FairShareFunding(requirement_usd=requirement, group=_group(frame))


def _resettlement(frame: pd.DataFrame, target: int) -> FairShareResettlement:
    return FairShareResettlement(target_persons=target, group=_group(frame),
                                 actual="resettlement_pledges")


def _members(res: bs.Result, quantity: str) -> pd.Series:
    e = res.estimates
    e = e[(e["quantity"] == quantity) & e["iso3"].notna()]
    return e.set_index(["iso3", "year"])["estimate"]


FEW = settings(max_examples=20)
REQUIREMENT = st.floats(1.0, 1e11, allow_nan=False, allow_infinity=False)
TARGET = st.integers(1, 2_000_000)


@FEW
@given(panels(), REQUIREMENT)
def test_funding_fair_shares_sum_to_the_requirement(frame: pd.DataFrame, req: float) -> None:
    res = _funding(frame, req).estimate(_data(frame))
    sums = _members(res, "fair_share").groupby(level="year").sum()
    assert np.allclose(sums.to_numpy(), req, rtol=REL, atol=0)
    shares = _members(res, "key_share").groupby(level="year").sum()
    assert np.allclose(shares.to_numpy(), 1.0, rtol=0, atol=REL)


@FEW
@given(panels(), TARGET)
def test_resettlement_allocations_sum_exactly_to_the_target(frame: pd.DataFrame,
                                                             target: int) -> None:
    res = _resettlement(frame, target).estimate(_data(frame))
    alloc = _members(res, "allocation")
    assert (alloc == np.round(alloc)).all()
    assert (alloc.groupby(level="year").sum() == target).all()
    # largest remainder: every allocation is the fair share rounded down or up
    fair = _members(res, "fair_share")
    assert ((alloc - fair).abs() < 1).all()


@FEW
@given(panels(), REQUIREMENT)
def test_gap_is_fair_share_minus_actual_country_by_country(frame: pd.DataFrame,
                                                           req: float) -> None:
    res = _funding(frame, req).estimate(_data(frame))
    fair, actual, gap = (_members(res, q) for q in ("fair_share", "actual", "gap"))
    assert gap.index.equals(actual.index)
    expected = (fair.reindex(gap.index) - actual).to_numpy()
    assert np.allclose(gap.to_numpy(), expected, rtol=REL, atol=REL * req)
    pct = _members(res, "pct_of_fair_share_met")
    assert np.allclose(pct.to_numpy(), (100 * actual / fair.reindex(actual.index)).to_numpy(),
                       rtol=REL, atol=0)


@FEW
@given(panels(), REQUIREMENT)
def test_absent_actuals_never_become_zero(frame: pd.DataFrame, req: float) -> None:
    res = _funding(frame, req).estimate(_data(frame))
    have = frame[frame["indicator"] == "contribution_usd_current"]
    have = set(zip(have["iso3"], have["year"]))
    got = set(_members(res, "actual").index)
    assert got == have


@FEW
@given(panels(), TARGET, st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False),
       st.sampled_from(["gdp_usd_current", "gni_atlas_usd_current"]))
def test_key_does_not_depend_on_the_scale_of_capacity(frame: pd.DataFrame, target: int,
                                                      k: float, capacity: str) -> None:
    est = _resettlement(frame, target).with_params(capacity=capacity)
    scaled = frame.copy()
    scaled.loc[scaled["indicator"] == capacity, "value"] *= k
    a, b = (_members(est.estimate(_data(f)), "key_share") for f in (frame, scaled))
    assert np.allclose(a.to_numpy(), b.reindex(a.index).to_numpy(), rtol=1e-12, atol=0)
    alloc_a, alloc_b = (_members(est.estimate(_data(f)), "allocation") for f in (frame, scaled))
    # allocations can differ only where a remainder tie is broken by float noise
    assert (alloc_a - alloc_b.reindex(alloc_a.index)).abs().max() <= 1


@FEW
@given(panels(), REQUIREMENT, st.randoms(use_true_random=False))
def test_shuffling_input_rows_changes_nothing(frame: pd.DataFrame, req: float, rnd) -> None:  # type: ignore[no-untyped-def]
    order = list(range(len(frame)))
    rnd.shuffle(order)
    a = _funding(frame, req).estimate(_data(frame))
    b = _funding(frame, req).estimate(_data(frame.iloc[order].reset_index(drop=True)))
    pd.testing.assert_frame_equal(a.estimates, b.estimates)
    pd.testing.assert_frame_equal(a.excluded, b.excluded)


@FEW
@given(panels(), TARGET)
def test_every_needed_observation_is_used_or_excluded_exactly_once(frame: pd.DataFrame,
                                                                   target: int) -> None:
    data = _data(frame)
    for est in (_resettlement(frame, target),
                FairShareFunding(requirement_usd=1e6, group=_group(frame)[:-1])):
        check_estimator(est, data, checks=["no_silent_drop"])
