"""Invariants of the distribution keys on synthetic data (hypothesis; profile in conftest.py).

Synthetic States carry real ISO3 codes (the data layer accepts only known codes) but every value
is drawn here; the data source is ``synthetic_test``. Each test builds a dataset and runs the
estimators, so examples are capped at 10-25 per test, and all tests but the first read the
estimates from ``_compute`` (the arithmetic), skipping the schema validation and provenance of
``estimate()``, which cost ten times the arithmetic and are checked by the first test and the
conformance kit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.estimators.distribution_keys import (
    EU28_2015,
    EuRelocation2015,
    Grech2017,
    LinearKey,
    MinmaxKey,
    ReferenceKey5050,
)
from tests.conftest import synthetic_dataset

pytestmark = pytest.mark.property

Y = 2014
FEW = settings(max_examples=25)
#: shares are sums of a few float products: 1e-9 is far above float error, far below any effect
TOL = 1e-9


@st.composite
def synthetic_criteria(draw: st.DrawFn, n_min: int = 2, n_max: int = 8) -> pd.DataFrame:
    """One row per synthetic State: population, GDP, unemployment rate, past asylum effort."""
    n = draw(st.integers(n_min, n_max))
    pos = st.floats(1.0, 1000.0, allow_nan=False)
    return pd.DataFrame({
        "iso3": list(EU28_2015[:n]),
        "population": draw(st.lists(pos, min_size=n, max_size=n)),
        "gdp": draw(st.lists(pos, min_size=n, max_size=n)),
        "unemployment": draw(st.lists(st.floats(1.0, 30.0), min_size=n, max_size=n)),
        "effort": draw(st.lists(st.floats(1.0, 5000.0), min_size=n, max_size=n)),
    })


def _data(c: pd.DataFrame, pop_scale: float = 1.0, gdp_scale: float = 1.0) -> bs.Dataset:
    rows = []
    for r in c.itertuples(index=False):
        rows += [(r.iso3, Y, "population", r.population * 1e5 * pop_scale),
                 (r.iso3, Y, "gdp_usd_current", r.gdp * 1e8 * gdp_scale),
                 (r.iso3, Y, "unemployment_rate", r.unemployment),
                 (r.iso3, Y, "asylum_effort_per_million", r.effort)]
    return synthetic_dataset(rows)


def _keys(c: pd.DataFrame, total: int | None = None) -> dict[str, bs.EstimatorBase]:
    states = tuple(c["iso3"])
    given_ = {"states": states, "population_year": Y, "gdp_year": Y, "unemployment_year": Y,
              "effort_years": (Y, Y), "effort": "given", "key_year": Y, "total": total}
    return {
        "eu_capped": EuRelocation2015(**given_),
        "eu_uncapped": EuRelocation2015(variant="uncapped", **given_),
        "eu_base_cap": EuRelocation2015(cap_basis="base_share", **given_),
        "grech": Grech2017(**given_),
        "50/50": ReferenceKey5050(states=states, population_year=Y, gdp_year=Y, key_year=Y,
                                  total=total),
        "linear": LinearKey(criteria=(("population", 1.0), ("gdp_usd_current", 1.0),
                                      ("unemployment_rate", 0.5)),
                            inverted=("unemployment_rate",), year=Y, total=total),
        "minmax": MinmaxKey(criteria=(("unemployment_rate", 1.0),
                                      ("asylum_effort_per_million", 2.0)),
                            inverted=("unemployment_rate",), year=Y, total=total),
    }


class _Fast:
    """The estimates of ``_compute`` (what ``estimate()`` validates and wraps)."""

    def __init__(self, est: bs.EstimatorBase, data: bs.Dataset) -> None:
        comp = est._compute(data)
        self.estimates = comp.estimates
        self.diagnostics = comp.diagnostics


def _run(est: bs.EstimatorBase, data: bs.Dataset) -> _Fast:
    return _Fast(est, data)


def _q(res: bs.Result | _Fast, quantity: str = "key_share") -> pd.Series:
    e = res.estimates
    return e[e["quantity"] == quantity].set_index("iso3")["estimate"].astype(float).sort_index()


@settings(max_examples=10)
@given(synthetic_criteria(), st.integers(0, 200_000))
def test_shares_are_non_negative_sum_to_one_and_allocations_sum_to_the_total(c, total) -> None:
    data = _data(c)
    for label, est in _keys(c, total).items():
        res = est.estimate(data)
        k = _q(res)
        assert len(k) == len(c), label
        assert (k >= 0).all(), label
        assert k.sum() == pytest.approx(1.0, abs=TOL), label
        alloc = _q(res, "allocation")
        assert alloc.sum() == total, label
        assert (alloc == alloc.round()).all() and (alloc >= 0).all(), label
        # each allocation is its exact quota rounded down or up
        assert ((alloc - k * total).abs() < 1 + TOL).all(), label


@settings(max_examples=15)
@given(synthetic_criteria(), st.floats(1e-3, 1e3), st.floats(1e-3, 1e3))
def test_keys_depend_only_on_shares_of_population_and_gdp(c, pop_scale, gdp_scale) -> None:
    """Population x a and GDP x b (e.g. persons -> thousands, USD -> EUR at a fixed rate)
    leave every key unchanged."""
    base, scaled = _data(c), _data(c, pop_scale, gdp_scale)
    for label, est in _keys(c).items():
        a, b = _q(_run(est, base)), _q(_run(est, scaled))
        assert np.allclose(a, b, rtol=1e-9, atol=1e-12), label


@FEW
@given(synthetic_criteria(n_min=2, n_max=5), st.floats(1e-3, 1e3))
def test_computed_effort_is_invariant_to_the_scale_of_population(c, scale) -> None:
    """With the effort computed per million inhabitants, population x a divides every State's
    effort by a, which leaves the inverse shares, and so the key, unchanged."""
    def data(s: float) -> bs.Dataset:
        rows = []
        for r in c.itertuples(index=False):
            rows += [(r.iso3, Y, "gdp_usd_current", r.gdp * 1e8),
                     (r.iso3, Y, "unemployment_rate", r.unemployment)]
            for t in (Y - 1, Y):
                rows += [(r.iso3, t, "population", r.population * 1e5 * s),
                         (r.iso3, t, "asylum_applications_new", r.effort * 10),
                         (r.iso3, t, "resettlement_arrivals", r.effort)]
        return synthetic_dataset(rows)

    for est in (EuRelocation2015(states=tuple(c["iso3"]), gdp_year=Y, effort_years=(Y - 1, Y)),
                Grech2017(states=tuple(c["iso3"]), gdp_year=Y, effort_years=(Y - 1, Y))):
        assert np.allclose(_q(_run(est, data(1.0))), _q(_run(est, data(scale))),
                           rtol=1e-9, atol=1e-12)


@FEW
@given(synthetic_criteria(), st.data(), st.floats(1.0, 10.0),
       st.sampled_from(["population", "gdp"]))
def test_a_state_never_loses_share_when_its_population_or_gdp_grows(c, data, factor,
                                                                    column) -> None:
    """Pure 50/50 key and the base share of the EU key and Grech's key: monotone in one State's
    population and GDP, everything else fixed."""
    i = data.draw(st.integers(0, len(c) - 1))
    grown = c.copy()
    grown.loc[i, column] *= factor
    iso3 = c.loc[i, "iso3"]
    keys = _keys(c)
    before_data, after_data = _data(c), _data(grown)
    for label, quantity in (("50/50", "key_share"), ("eu_capped", "base_share"),
                            ("grech", "base_share"), ("linear", "key_share")):
        if label == "linear" and column == "gdp":
            continue
        before = _q(_run(keys[label], before_data), quantity)[iso3]
        after = _q(_run(keys[label], after_data), quantity)[iso3]
        assert after >= before - TOL, (label, before, after)


# --------------------------------------------------------------------------- paradoxical shift
@FEW
@given(st.floats(1.0, 100.0), st.floats(1.0, 100.0), st.floats(1.0, 20.0), st.floats(0.0, 10.0))
def test_uncapped_eu_key_shifts_share_away_from_the_larger_state_with_lower_unemployment(
        pop_a, pop_b, y_a, dy) -> None:
    """Grech's Undesired Property 1, toy form: with weights 0.8 population / 0.2 unemployment
    (inversely), k_A - pi_pop,A = 0.2 (pi_un,A - pi_pop,A). Whenever A's population share
    exceeds its inverse-unemployment share, A loses share by adding unemployment although its
    unemployment is lower than B's."""
    y_b = y_a + dy + 0.1
    rows = [(c, Y, ind, v) for c, p, y in (("AUT", pop_a, y_a), ("BEL", pop_b, y_b))
            for ind, v in (("population", p * 1e6), ("gdp_usd_current", p * 1e6),
                           ("unemployment_rate", y))]
    est = EuRelocation2015(states=("AUT", "BEL"), variant="uncapped", weight_population=0.8,
                           weight_gdp=0.0, weight_effort=0.0, weight_unemployment=0.2,
                           population_year=Y, gdp_year=Y, unemployment_year=Y, key_year=Y)
    res = _run(est, synthetic_dataset(rows))
    pp = pop_a / (pop_a + pop_b)
    pu = (1 / y_a) / (1 / y_a + 1 / y_b)
    k = _q(res)["AUT"]
    assert k - pp == pytest.approx(0.2 * (pu - pp), abs=TOL)
    assume(abs(pp - pu) > 1e-6)
    assert (k < pp) == (pp > pu)  # the paradoxical shift, exactly when pp > pu


def test_the_paradoxical_shift_survives_the_cap_in_grechs_toy_model() -> None:
    """Grech pp. 8-11: 49 million inhabitants and 9 % unemployment against 1 million and 11 %:
    State 1 has the lower unemployment yet loses share, without cap (0.8940) and with the
    Commission's cap (0.9798 < 0.98)."""
    rows = [(c, Y, ind, v) for c, p, y in (("AUT", 49e6, 9.0), ("BEL", 1e6, 11.0))
            for ind, v in (("population", p), ("gdp_usd_current", p), ("unemployment_rate", y))]
    data = synthetic_dataset(rows)
    for variant in ("uncapped", "capped"):
        est = EuRelocation2015(states=("AUT", "BEL"), variant=variant, weight_population=0.8,
                               weight_gdp=0.0, weight_effort=0.0, weight_unemployment=0.2,
                               population_year=Y, gdp_year=Y, unemployment_year=Y, key_year=Y)
        k = _q(_run(est, data))
        assert k["AUT"] < 0.98 and k["BEL"] > 0.02, variant


@FEW
@given(synthetic_criteria(n_min=2, n_max=8))
def test_grechs_key_has_no_paradoxical_shift(c) -> None:
    """Grech's key: if A has lower (or equal) unemployment and lower (or equal) past effort than
    B, A's key relative to its base share is at least B's."""
    res = _run(_keys(c)["grech"], _data(c))
    ratio = _q(res) / _q(res, "base_share")
    crit = c.set_index("iso3")
    for a in crit.index:
        for b in crit.index:
            if (crit.loc[a, "unemployment"] <= crit.loc[b, "unemployment"]
                    and crit.loc[a, "effort"] <= crit.loc[b, "effort"]):
                assert ratio[a] >= ratio[b] - TOL, (a, b)


# --------------------------------------------------------------------------- corrective allocation
@FEW
@given(synthetic_criteria(n_min=2, n_max=8), st.data())
def test_corrective_allocation_balances_and_never_fills_a_state_beyond_its_reference(
        c, data) -> None:
    apps = data.draw(st.lists(st.floats(0.0, 1e5), min_size=len(c), max_size=len(c)))
    assume(sum(apps) > 0)
    rows = [(r.iso3, Y, ind, v) for r in c.itertuples(index=False)
            for ind, v in (("population", r.population * 1e5), ("gdp_usd_current", r.gdp * 1e8))]
    rows += [(s, 2015, "asylum_applications", a) for s, a in zip(c["iso3"], apps)]
    est = ReferenceKey5050(states=tuple(c["iso3"]), population_year=Y, gdp_year=Y, key_year=Y,
                           trigger_years=(2015,))
    res = _run(est, synthetic_dataset(rows))
    a = pd.Series(apps, index=c["iso3"]).sort_index()
    ref, out, into = (_q(res, q) for q in ("reference_number", "corrective_allocation_out",
                                           "corrective_allocation_in"))
    slack = 1e-9 * (sum(apps) + 1)  # float error of sums of up to 8 values below 1e5
    assert into.sum() == pytest.approx(out.sum(), abs=slack)  # everyone moved lands somewhere
    assert ((out > 0) == (a > 1.5 * ref)).all()  # only triggered States give
    assert (into[a >= ref] == 0).all()  # only States below their reference number receive
    assert (a + into <= ref + slack)[into > 0].all()  # none beyond its reference number
    given_ = out > 0
    # a triggered State gives exactly its excess over 150 % of its reference number
    assert np.allclose((a - out)[given_], 1.5 * ref[given_], atol=slack)


@settings(max_examples=15)
@given(synthetic_criteria(), st.randoms(use_true_random=False))
def test_shuffling_input_rows_changes_nothing(c, rnd) -> None:
    data = _data(c)
    obs = data.observations.copy()
    order = list(range(len(obs)))
    rnd.shuffle(order)
    shuffled = bs.Dataset.from_frame(obs.iloc[order].reset_index(drop=True), data.sources)
    for label, est in _keys(c, 1000).items():
        a, b = _run(est, data), _run(est, shuffled)
        pd.testing.assert_frame_equal(a.estimates, b.estimates, obj=label)
