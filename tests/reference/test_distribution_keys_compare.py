"""The EU 2015 key, Grech's key and the 50/50 reference key side by side with the actual
distribution of asylum applications among the 28 EU Member States in 2015, through
``burdenshare.compare``.

Inputs: ``burdenshare.load_sample()`` (WDI 2026-07-01; UNHCR release 2025.12.1: asylum
applications in persons, all procedure and application types, lodged in 2015). The actual shares
are recomputed in the test from the raw observations, and the Gini by a second formula (the
key-weighted mean difference of the ratios), so both are independent of the estimator's code.
"""

from __future__ import annotations

import numpy as np
import pytest

import burdenshare as bs
from burdenshare.estimators.distribution_keys import (
    EU28_2015,
    EuRelocation2015,
    Grech2017,
    ReferenceKey5050,
)

pytestmark = pytest.mark.reference

ACTUAL = {"actual": "asylum_applications", "actual_year": 2015}
#: floating-point only: the test recomputes the same arithmetic
EXACT = 1e-12


@pytest.fixture(scope="module")
def data(sample_data: bs.Dataset) -> bs.Dataset:
    return sample_data.select(years=(2010, 2015))


@pytest.fixture(scope="module")
def comparison(data) -> bs.Comparison:
    return bs.compare({
        "EC key 2015": EuRelocation2015(states=EU28_2015, **ACTUAL),
        "Grech key": Grech2017(states=EU28_2015, **ACTUAL),
        "50/50 key": ReferenceKey5050(states=EU28_2015, population_year=2014, gdp_year=2013,
                                      key_year=2015, **ACTUAL),
    }, data)


def test_keys_sit_side_by_side_for_the_28_member_states(comparison) -> None:
    keys = comparison.wide("key_share")
    assert list(keys.columns) == ["EC key 2015", "Grech key", "50/50 key"]
    assert sorted(keys.index.get_level_values("iso3")) == sorted(EU28_2015)
    assert np.allclose(keys.sum(), 1.0, atol=EXACT)


def test_actual_share_is_each_states_share_of_the_28_states_applications(comparison,
                                                                         data) -> None:
    obs = data.observations
    apps = obs[(obs["indicator"] == "asylum_applications") & (obs["year"] == 2015)
               & obs["iso3"].isin(EU28_2015)].set_index("iso3")["value"]
    assert len(apps) == 28
    expected = apps / apps.sum()
    actual = comparison.wide("actual_share").droplevel("year")
    for method in actual.columns:  # the same actual distribution under every key
        assert np.allclose(actual[method].reindex(expected.index), expected, atol=EXACT)
    assert expected["DEU"] > 0.3  # Germany received a third of the 2015 applications


def test_gap_is_actual_share_minus_key_share_for_every_state(comparison) -> None:
    gap = comparison.wide("gap")
    diff = comparison.wide("actual_share") - comparison.wide("key_share")
    assert np.allclose(gap.to_numpy(), diff.reindex(gap.index).to_numpy(), atol=EXACT)
    assert gap.shape == (28, 3)


def test_gini_of_actual_against_each_key_equals_the_mean_difference_formula(comparison) -> None:
    keys = comparison.wide("key_share").droplevel("year")
    actual = comparison.wide("actual_share").droplevel("year")
    long = comparison.long
    for method in keys.columns:
        k = keys[method].to_numpy()
        r = actual[method].reindex(keys.index).to_numpy() / k
        expected = 0.5 * float((k[:, None] * k[None, :] * np.abs(r[:, None] - r[None, :])).sum())
        got = long[(long["method"] == method) & (long["quantity"] == "gini")]["estimate"].item()
        assert got == pytest.approx(expected, abs=1e-12)
        assert 0 < got < 1


def test_highest_unemployment_state_gains_under_the_ec_key_and_loses_under_grechs(
        comparison, data) -> None:
    """Grech's Undesired Property 1 on the 2015 EU-28: Greece, with the highest unemployment
    rate in 2014, gets more than its 50/50 base share under the Commission's key and less
    under Grech's key (the 50/50 key here is the base share: same years, same weights)."""
    obs = data.observations
    unemp = obs[(obs["indicator"] == "unemployment_rate") & (obs["year"] == 2014)
                & obs["iso3"].isin(EU28_2015)].set_index("iso3")["value"]
    assert unemp.idxmax() == "GRC"
    keys = comparison.wide("key_share").droplevel("year")
    assert keys.loc["GRC", "EC key 2015"] > keys.loc["GRC", "50/50 key"]
    assert keys.loc["GRC", "Grech key"] < keys.loc["GRC", "50/50 key"]
    assert (comparison.spread("key_share")["n_methods"] == 3).all()
