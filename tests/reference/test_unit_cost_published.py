"""Education inclusion cost next to the World Bank-UNHCR published headline.

Publication: World Bank & UNHCR (2021), *The Global Cost of Inclusive Refugee Education* (OKR
handle 10986/35238), headline as quoted in ``shared/research/METHODS.md`` §A2 (verified there from
the OKR abstract and the ReliefWeb executive summary): "cohort-average annual cost of providing
education to all refugee students in low, lower-middle and upper-middle income host countries is
US$4.85 billion", sensitivity range US$4.44-5.11 billion, and US$63 billion over a 13-year period to
2032 (pre-COVID-19 baseline). Scope: refugees aged 5-17 in low- and middle-income hosts of at least
7,000 refugees (JDC summary).

What is asserted, and why only that:

1. the published identity 63 / 13 = 4.846, which rounds to the published 4.85 (tolerance 0.005,
   the rounding of a figure printed to two decimals), and our own horizon identity;
2. that our re-computation of the published scope on the embedded data is of the same order of
   magnitude (within a factor of 3 either way). This guards against unit errors (percent taken as a
   fraction is a factor of 100; thousands a factor of 1,000), not agreement: our inputs differ in
   vintage (2025 refugees; per-student spending of 2002-2018 at its own year's prices), scope
   (2024 income classification) and method (no cohort projection). The figures and the reasons for
   the gap are in ``methodology/education_inclusion_cost.md`` (Validation); nothing was tuned.

The 2023 update (World Bank 2023, *The Global Cost of Inclusive Refugee Education: 2023 Update*,
6 December 2023, prepared for the Global Refugee Forum): UNHCR's page "Measuring the impact of
hosting, protecting and assisting refugees" (unhcr.org, stored copy in the search corpus, read
2026-12-07) says "The estimated annual cost stands at $9.3 billion for low- and middle-income host
countries". The report body (tables, cost year, which populations and ages) could not be read from
any stored copy, so the definitions behind the 9.3 bn are unknown. Our closest re-computation
(low- and middle-income hosts of at least 7,000 refugees, ages 5-17, UIS unit costs, refugees
without an age breakdown prorated, OIP counted with the refugees' age structure, GDP per capita of
the latest year) is a strict xfail with the gap quantified; the decomposition of what moves the
figure is in ``methodology/data_education_neighbours.md`` and checked step by step below.
"""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.estimators.unit_cost import EducationInclusionCost

pytestmark = pytest.mark.reference

PUBLISHED_ANNUAL_BN = 4.85
PUBLISHED_RANGE_BN = (4.44, 5.11)
PUBLISHED_ENVELOPE_BN = 63.0
PUBLISHED_YEARS = 13
#: the published scope, expressed in our parameters
SCOPE = dict(income_groups=("low", "lower_middle", "upper_middle"), min_refugees=7000,
             horizon_years=PUBLISHED_YEARS, impute="income_group_median")


def total(res: bs.Result, quantity: str) -> float:
    e = res.estimates
    row = e[(e["quantity"] == quantity) & e["iso3"].isna() & (e["term"] == "all countries")]
    assert len(row) == 1
    return float(row["estimate"].iloc[0])


def test_published_envelope_over_13_years_is_the_annual_headline() -> None:
    # 63 / 13 = 4.846..., printed as 4.85 (two decimals: tolerance 0.005)
    assert PUBLISHED_ENVELOPE_BN / PUBLISHED_YEARS == pytest.approx(PUBLISHED_ANNUAL_BN, abs=0.005)
    assert PUBLISHED_RANGE_BN[0] < PUBLISHED_ANNUAL_BN < PUBLISHED_RANGE_BN[1]


@pytest.fixture(scope="module")
def published_scope(sample_data: bs.Dataset) -> bs.Result:
    return EducationInclusionCost(**SCOPE, unit_cost_source="wdi").estimate(
        sample_data.select(years=(1995, 2025)))


def test_our_horizon_total_over_13_years_is_our_annual_total(published_scope: bs.Result) -> None:
    annual = total(published_scope, "education_inclusion_cost_usd")
    envelope = total(published_scope, "education_inclusion_cost_usd_over_horizon")
    assert envelope / PUBLISHED_YEARS == pytest.approx(annual, rel=1e-12)


def test_published_scope_recomputed_is_of_the_same_order_of_magnitude(
        published_scope: bs.Result) -> None:
    ours_bn = total(published_scope, "education_inclusion_cost_usd") / 1e9
    # about 2.45 bn with the 2025.12.1 / WDI 2026-07-01 samples (WDI unit costs, as in 2021):
    # about half the headline.
    # Asserted only within a factor of 3 (see the module docstring).
    assert PUBLISHED_ANNUAL_BN / 3 < ours_bn < PUBLISHED_ANNUAL_BN * 3
    assert published_scope.estimates["year"].dropna().unique().tolist() == [2025]


def test_unit_cost_years_are_carried_and_shown(published_scope: bs.Result) -> None:
    e = published_scope.estimates
    years = e.loc[e["quantity"] == "unit_cost_year", "estimate"]
    assert years.notna().all() and years.max() <= 2018  # the WDI per-student series ends in 2018
    assert set(published_scope.diagnostics["unit_cost_year"]) == {"primary", "secondary"}
    assert published_scope.diagnostics["imputed"]["primary"]  # imputed hosts are listed


# --------------------------------------------------------------------------- the 2023 update
UPDATE_2023_ANNUAL_BN = 9.3  # UNHCR page quoted in the module docstring (one decimal)
#: the published scope with UIS unit costs; each step of STEPS changes one thing, in this order
UIS_SCOPE = dict(income_groups=("low", "lower_middle", "upper_middle"), min_refugees=7000,
                 impute="income_group_median")
STEPS: list[tuple[str, dict[str, object]]] = [
    ("WDI unit costs (to 2018), GDP per capita of the unit-cost year, refugees with an age",
     dict(UIS_SCOPE, unit_cost_source="wdi")),
    ("UIS unit costs (to 2023)", dict(UIS_SCOPE)),
    ("refugees without an age breakdown prorated", dict(UIS_SCOPE, unknown_age="prorated")),
    ("OIP counted with the refugees' age structure",
     dict(UIS_SCOPE, unknown_age="prorated", oip_ages="refugee_age_structure")),
    ("GDP per capita of the latest year (not of the unit-cost year)",
     dict(UIS_SCOPE, unknown_age="prorated", oip_ages="refugee_age_structure",
          gdp_per_capita_year="estimate_year")),
]


@pytest.fixture(scope="module")
def steps(sample_data: bs.Dataset) -> list[bs.Result]:
    data = sample_data.select(years=(1995, 2025))
    return [EducationInclusionCost(**p).estimate(data) for _label, p in STEPS]  # type: ignore[arg-type]


@pytest.mark.xfail(strict=True, reason=(
    "2023 update: USD 9.3 bn a year for low- and middle-income hosts (UNHCR page); our closest "
    "re-computation on the embedded data (2025 refugees + OIP aged 5-17, UIS unit costs of "
    "2002-2023 at the latest GDP per capita, hosts of >= 7,000) is USD 3.81 bn: 5.49 bn (59 %) "
    "lower. Known differences: the report's cohort projection, refugee vintage (2022/23 vs 2025, "
    "Iran's 2025 reclassification), levels (K-12 may include pre-primary) and unit-cost year are "
    "not documented in any stored source; see methodology/data_education_neighbours.md"))
def test_closest_recomputation_matches_the_2023_update(steps: list[bs.Result]) -> None:
    ours_bn = total(steps[-1], "education_inclusion_cost_usd") / 1e9
    # the headline is printed to one decimal: 0.05 bn is its rounding
    assert ours_bn == pytest.approx(UPDATE_2023_ANNUAL_BN, abs=0.05)


def test_the_decomposition_steps_change_only_what_they_name(steps: list[bs.Result]) -> None:
    totals = [total(r, "education_inclusion_cost_usd") for r in steps]
    # each step is a separate estimate; the steps telescope to the last minus the first
    deltas = [b - a for a, b in zip(totals, totals[1:])]
    assert sum(deltas) == pytest.approx(totals[-1] - totals[0], rel=1e-12)
    # counting more people (prorated unknown ages, then OIP) can only raise the cost
    assert deltas[1] > 0 and deltas[2] > 0
    sources = [r.diagnostics["unit_cost_source"] for r in steps]
    assert sources == ["wdi", "uis", "uis", "uis", "uis"]


def test_oip_step_adds_oip_times_the_refugee_age_shares(sample_data: bs.Dataset,
                                                         steps: list[bs.Result]) -> None:
    # second computation of the OIP step from the sample rows, host by host: the added pupils
    # are band x oip / refugees_with_age, costed at the host's unit cost of the step before
    before, after = steps[2].estimates, steps[3].estimates
    obs = sample_data.select(years=(2025, 2025)).observations
    val = obs.set_index(["iso3", "indicator"])["value"]
    hosts = after[(after["quantity"] == "users") & after["iso3"].notna()]["iso3"].unique()
    expected = 0.0
    for c in hosts:
        oip = float(val.get((c, "oip"), 0.0))
        if oip == 0:
            continue
        with_age = float(val[(c, "refugees_with_age")])
        for lev, band in (("primary", "refugees_aged_5_11"), ("secondary", "refugees_aged_12_17")):
            u = before[(before["quantity"] == "unit_cost_usd") & (before["iso3"] == c)
                       & (before["term"] == lev)]["estimate"]
            expected += float(val.get((c, band), 0.0)) * oip / with_age * float(u.iloc[0])
    got = (total(steps[3], "education_inclusion_cost_usd")
           - total(steps[2], "education_inclusion_cost_usd"))
    assert expected > 0
    assert got == pytest.approx(expected, rel=1e-9)  # float summation order only
