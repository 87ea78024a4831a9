"""Invariants of neighbour_hosting_share on synthetic origin x asylum tables (hypothesis).

Tables have 1-25 (asylum, origin) pairs drawn from a fixed list of real ISO3 codes (validated by
Dataset.from_frame) plus 'UNK', one or two years, source ``synthetic_dyads``. Settings profile
``ci`` (deadline=None, derandomize=True, database=None) from ``tests/property/conftest.py``.

Independent source of each expected value: the invariant itself, evaluated on the estimator's
outputs for two related inputs, or a direct sum over the drawn rows with the GeoNames table.
Tolerance ``REL = 1e-12``: the two sides differ only in the order of at most ~50 float additions.
``max_examples=20`` (not the profile's 60): each example runs the estimator once or twice on a
machine shared by several test runs; the strategy is small, so 20 examples cover it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.estimators.neighbours import NeighbourHostingShare, land_borders

pytestmark = pytest.mark.property

REL = 1e-12
Q = "share_hosted_in_neighbouring_countries"
CODES = ("SYR", "JOR", "LBN", "TUR", "IRQ", "DEU", "AFG", "PAK", "IRN", "VEN", "COL", "PER",
         "SSD", "UGA", "SDN", "TCD", "UKR", "POL", "UNK")
SOURCE = bs.Source(id="synthetic_dyads", title="synthetic dyads for property tests",
                   publisher="burdenshare tests")


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    pairs = draw(st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(CODES)),
                          min_size=1, max_size=25, unique=True))
    pairs = [(a, o) for a, o in pairs if a != o] or [("JOR", "SYR")]
    years = draw(st.sampled_from([(2023,), (2023, 2024)]))
    rows = []
    for y in years:
        for i, (a, o) in enumerate(pairs):
            # refugees_by_origin (the first population) is required: the first pair has refugees
            options = [("refugees",), ("refugees", "oip")] if i == 0 else [
                ("refugees",), ("oip",), ("refugees", "oip")]
            for who in draw(st.sampled_from(options)):
                rows.append({"iso3": a, "counterpart_iso3": o, "year": y,
                             "indicator": f"{who}_by_origin",
                             "value": float(draw(st.integers(1, 2_000_000))), "unit": "persons",
                             "source": "synthetic_dyads"})
    return pd.DataFrame(rows)


def data(frame: pd.DataFrame) -> bs.Dataset:
    return bs.Dataset.from_frame(frame, [SOURCE])


def shares(res: bs.Result) -> pd.Series:
    e = res.estimates
    sel = (e["quantity"] == Q) & e["iso3"].isna()
    return e.loc[sel].set_index("year")["estimate"].sort_index()


@settings(max_examples=20)
@given(tables())
def test_share_is_the_direct_sum_over_bordering_pairs(frame: pd.DataFrame) -> None:
    b = land_borders().borders
    res = NeighbourHostingShare().estimate(data(frame))
    for y, g in frame.groupby("year"):
        inside = sum(v for a, o, v in zip(g["iso3"], g["counterpart_iso3"], g["value"])
                     if o in b.get(a, frozenset()))
        assert shares(res)[y] == pytest.approx(inside / g["value"].sum(), rel=REL)


@settings(max_examples=20)
@given(tables(), st.integers(2, 1000))
def test_scaling_every_stock_leaves_the_share_unchanged(frame: pd.DataFrame, k: int) -> None:
    a = shares(NeighbourHostingShare().estimate(data(frame)))
    b = shares(NeighbourHostingShare().estimate(data(frame.assign(value=frame["value"] * k))))
    pd.testing.assert_series_equal(a, b, rtol=REL)


@settings(max_examples=20)
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(frame: pd.DataFrame, rnd) -> None:  # type: ignore[no-untyped-def]
    order = list(range(len(frame)))
    rnd.shuffle(order)
    a = shares(NeighbourHostingShare().estimate(data(frame)))
    b = shares(NeighbourHostingShare().estimate(data(frame.iloc[order])))
    pd.testing.assert_series_equal(a, b, rtol=REL)


@settings(max_examples=20)
@given(tables())
def test_every_observation_is_used_or_excluded_and_shares_are_fractions(
        frame: pd.DataFrame) -> None:
    for est in (NeighbourHostingShare(), NeighbourHostingShare(unknown_countries="excluded")):
        res = est.estimate(data(frame))
        assert res.diagnostics["used"] + len(res.excluded) == len(frame)
        s = res.estimates.loc[res.estimates["unit"] == "fraction of hosted population",
                              "estimate"].dropna()
        assert ((s >= 0) & (s <= 1)).all()
