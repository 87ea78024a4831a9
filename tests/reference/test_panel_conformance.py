"""panel_fe and iv_2sls pass the conformance kit on the embedded real samples, and sit in
``compare()`` with other families.

The data are the embedded samples restricted to the indicators these estimators read and to
1995-2024 (real data; smaller, so the kit's re-validation of a dataset with one value made
missing stays fast).
"""

from __future__ import annotations

import numpy as np
import pytest

import burdenshare as bs
from burdenshare.estimators.iv import IV2SLS
from burdenshare.estimators.panel import PanelFE
from burdenshare.testing import parametrize_with_checks

pytestmark = pytest.mark.reference

INDICATORS = ["unemployment_rate", "gov_expense_pct_gdp", "gdp_per_capita_usd_current",
              "refugees", "population", "refugees_by_origin", "refugees_from_origin"]


def panel_sample() -> bs.Dataset:
    return bs.load_sample().select(indicators=INDICATORS, years=(1995, 2024))


VARIANTS = [
    PanelFE(),
    PanelFE(outcome="gdp_per_capita_growth", cluster="twoway", engine="linearmodels"),
    PanelFE(outcome="gov_expense_pct_gdp", effects="entity", cluster="none", years=(2000, 2020)),
    IV2SLS(),
    IV2SLS(method="liml", cluster="time", outcome="log_gdp_per_capita"),
]


@parametrize_with_checks(VARIANTS, data=panel_sample)
def test_panel_conformance(estimator, check, data) -> None:  # type: ignore[no-untyped-def]
    check(estimator, data)


def test_panel_compare_with_other_families() -> None:
    data = panel_sample()
    # the econometric panel carries WDI population (as the designs do), so the per-capita method
    # is told to divide by it rather than by its default UN WPP
    per_1000 = bs.RefugeesPer1000(population_source="wdi")
    comp = bs.compare({"FE": PanelFE(), "IV": IV2SLS(), "per 1,000": per_1000}, data,
                      on_error="record")
    assert comp.failures == {}
    long = comp.long
    coef = long[long["quantity"] == "coefficient"]
    assert set(coef["estimator"] if "estimator" in coef else coef.iloc[:, 0]) >= {"FE", "IV"}
    assert np.isfinite(coef["estimate"]).all()
