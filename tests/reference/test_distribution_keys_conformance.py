"""The distribution keys pass the conformance kit on the embedded real data.

The variants and the data are those the lead registers in ``tests/unit/test_conformance.py``
(whose default data are the samples of 2014-2024), so the parameters keep every reference year
within 2014-2024. Until the keys are registered, this test runs the kit on them here.
"""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.estimators.distribution_keys import (
    EU27_2020,
    EU28_2015,
    EuRelocation2015,
    Grech2017,
    LinearKey,
    MinmaxKey,
    ReferenceKey5050,
)
from burdenshare.testing import parametrize_with_checks

pytestmark = pytest.mark.reference

VARIANTS = [
    EuRelocation2015(gdp_year=2014, effort_years=(2014, 2014)),
    EuRelocation2015(variant="uncapped", total=24_000, gdp_year=2014, effort_years=(2014, 2014),
                     actual="asylum_applications", actual_year=2015),
    Grech2017(states=EU28_2015, gdp_year=2014, effort_years=(2014, 2014), total=1_000),
    ReferenceKey5050(total=30_000, pool_relocations=30_000, pool_eur=600e6,
                     trigger_years=(2015, 2016), actual="asylum_applications", actual_year=2024),
    LinearKey(states=EU27_2020, criteria=(("population", 0.4), ("gdp_usd_current", 0.4),
                                          ("unemployment_rate", 0.2)),
              inverted=("unemployment_rate",)),
    LinearKey(),
    MinmaxKey(states=EU27_2020),
]


@parametrize_with_checks(VARIANTS, data=lambda: bs.load_sample().select(years=(2014, 2024)))
def test_distribution_key_conformance(estimator, check, data) -> None:  # type: ignore[no-untyped-def]
    check(estimator, data)
