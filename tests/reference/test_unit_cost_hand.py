"""Unit-cost estimators against hand calculations written out in each test.

Independent source of every expected value: the arithmetic in the test's comment, done by hand
from the synthetic inputs (source id ``synthetic_test``), never by the estimator. Tolerance:
``rel=1e-12`` (each figure is a product of at most four doubles and a sum of a few; rounding
stays near 1e-16 relative).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from burdenshare import EstimatorError, ParameterError
from burdenshare.estimators.unit_cost import (
    EducationInclusionCost,
    HealthInclusionCost,
    SubsistenceCost,
    UnitCost,
)
from tests.conftest import synthetic_dataset

pytestmark = pytest.mark.reference

REL = 1e-12
PRIM = "initial_gov_funding_per_student_primary_pct_gdp_pc"
SECO = "initial_gov_funding_per_student_secondary_pct_gdp_pc"
GDP = "gdp_per_capita_usd_current"
GHED = "gov_health_expenditure_per_capita_usd_current"

#: Jordan-like synthetic host: the per-student series ends before the refugee year.
JOR = [
    ("JOR", 2025, "refugees_aged_5_11", 1000.0), ("JOR", 2025, "refugees_aged_12_17", 500.0),
    ("JOR", 2016, PRIM, 10.0), ("JOR", 2018, PRIM, 12.0), ("JOR", 2017, SECO, 15.0),
    ("JOR", 2016, GDP, 4000.0), ("JOR", 2017, GDP, 4100.0), ("JOR", 2018, GDP, 4200.0),
    ("JOR", 2025, GDP, 4500.0),
    ("JOR", 2024, "gross_enrolment_ratio_primary", 80.0),
    ("JOR", 2024, "gross_enrolment_ratio_secondary", 120.0),
]


def value(res, quantity, iso3=None, term=None, column="estimate"):  # type: ignore[no-untyped-def]
    e = res.estimates
    sel = e["quantity"] == quantity
    sel &= e["iso3"].isna() if iso3 is None else e["iso3"] == iso3
    sel &= e["term"].isna() if term is None else e["term"] == term
    rows = e.loc[sel, column]
    assert len(rows) == 1, (quantity, iso3, term, len(rows))
    return rows.iloc[0]


# --------------------------------------------------------------------------- generic
def test_generic_1000_users_times_usd_500_times_0_6_is_usd_300000() -> None:
    data = synthetic_dataset([("UGA", 2022, "refugees", 1000.0), ("UGA", 2022, GHED, 500.0)])
    res = UnitCost(utilisation=(("health", 0.6),)).estimate(data)
    # 1,000 users x USD 500 x 0.6 = USD 300,000
    assert value(res, "inclusion_cost_usd", "UGA") == pytest.approx(300_000.0, rel=REL)
    assert value(res, "inclusion_cost_usd", None, "all countries") == pytest.approx(300_000.0,
                                                                                    rel=REL)
    assert value(res, "inclusion_cost_usd", "UGA", column="unit") == \
        "USD per year, current prices of 2022"


def test_generic_two_sectors_sum_and_low_high_scenarios() -> None:
    data = synthetic_dataset([("KEN", 2020, "refugees", 2000.0), ("KEN", 2020, GHED, 100.0),
                              ("KEN", 2020, GDP, 2000.0)])
    est = UnitCost(sectors=(("health", "refugees", GHED), ("other", "refugees", GDP)),
                   utilisation=(("other", 0.1),), utilisation_low=(("health", 0.5),),
                   utilisation_high=(("other", 0.2),))
    res = est.estimate(data)
    # point: 2,000 x 100 x 1 + 2,000 x 2,000 x 0.1 = 200,000 + 400,000 = 600,000
    # low:   2,000 x 100 x 0.5 + 400,000 = 500,000; high: 200,000 + 2,000 x 2,000 x 0.2 = 1,000,000
    assert value(res, "inclusion_cost_usd", "KEN") == pytest.approx(600_000.0, rel=REL)
    assert value(res, "inclusion_cost_usd", "KEN", column="ci_lower") == pytest.approx(500_000.0,
                                                                                       rel=REL)
    assert value(res, "inclusion_cost_usd", "KEN", column="ci_upper") == pytest.approx(
        1_000_000.0, rel=REL)
    assert value(res, "inclusion_cost_usd", "KEN", "other") == pytest.approx(400_000.0, rel=REL)
    assert res.uncertainty_method == "scenario_range"
    assert np.isnan(value(res, "inclusion_cost_usd", "KEN", column="ci_level"))


# --------------------------------------------------------------------------- education
def test_education_full_inclusion_uses_latest_unit_cost_year_and_shows_it() -> None:
    res = EducationInclusionCost().estimate(synthetic_dataset(JOR))
    # primary: latest ratio at or before 2025 is 2018 (12 %), GDP pc 2018 = 4,200:
    #   unit cost 0.12 x 4,200 = 504; 1,000 pupils x 504 = 504,000
    # secondary: latest ratio is 2017 (15 %), GDP pc 2017 = 4,100: 0.15 x 4,100 = 615;
    #   500 x 615 = 307,500.  Total 811,500.
    assert value(res, "education_inclusion_cost_usd", "JOR", "primary") == pytest.approx(504_000.0,
                                                                                         rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR", "secondary") == pytest.approx(
        307_500.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(811_500.0, rel=REL)
    assert value(res, "unit_cost_year", "JOR", "primary") == 2018
    assert value(res, "unit_cost_year", "JOR", "secondary") == 2017
    assert value(res, "unit_cost_usd", "JOR", "secondary") == pytest.approx(615.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR", column="unit") == \
        "USD per year, current prices of 2017-2018 (mixed price years)"
    assert res.diagnostics["unit_cost_year"] == {"primary": {"2018": 1}, "secondary": {"2017": 1}}
    # the 2016 ratio and the 2016 and 2025 GDP are not used, and say why
    exc = res.excluded.set_index(["indicator", "year"])
    assert exc.loc[(PRIM, 2016), "reason"] == "not_reference_year"
    assert exc.loc[(GDP, 2025), "reason"] == "not_reference_year"


def test_education_gdp_of_the_estimate_year() -> None:
    res = EducationInclusionCost(gdp_per_capita_year="estimate_year").estimate(
        synthetic_dataset(JOR))
    # 1,000 x 0.12 x 4,500 + 500 x 0.15 x 4,500 = 540,000 + 337,500 = 877,500 (2025 prices)
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(877_500.0, rel=REL)
    assert value(res, "price_year", "JOR", "primary") == 2025
    assert value(res, "unit_cost_year", "JOR", "primary") == 2018


def test_education_enrolment_scenarios_and_range() -> None:
    est = EducationInclusionCost(
        enrolment="host_enrolment", scenario_enrolments=("full_inclusion", "refugee_enrolment"),
        refugee_enrolment_rates=(("primary", 0.77), ("secondary", 0.31)),
        refugee_enrolment_source="synthetic rates")
    res = est.estimate(synthetic_dataset(JOR))
    # host: primary GER 80 % -> 0.8; secondary GER 120 % capped at 1.0:
    #   504,000 x 0.8 + 307,500 x 1.0 = 403,200 + 307,500 = 710,700
    # full inclusion: 811,500; refugee rates: 504,000 x 0.77 + 307,500 x 0.31 = 388,080 + 95,325
    #   = 483,405.  Range 483,405 - 811,500.
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(710_700.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR", column="ci_lower") == pytest.approx(
        483_405.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR", column="ci_upper") == pytest.approx(
        811_500.0, rel=REL)
    assert value(res, "utilisation", "JOR", "secondary") == 1.0
    assert res.uncertainty_method == "scenario_range"
    assert res.diagnostics["scenario_totals"]["2025"] == pytest.approx(
        {"host_enrolment": 710_700.0, "full_inclusion": 811_500.0, "refugee_enrolment": 483_405.0},
        rel=REL)


def test_education_uncapped_host_enrolment() -> None:
    res = EducationInclusionCost(enrolment="host_enrolment", cap_enrolment=False).estimate(
        synthetic_dataset(JOR))
    # 504,000 x 0.8 + 307,500 x 1.2 = 403,200 + 369,000 = 772,200
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(772_200.0, rel=REL)


def test_total_range_is_the_range_of_the_total_not_the_sum_of_country_ranges() -> None:
    rows = [("JOR", 2025, "refugees_aged_5_11", 1000.0), ("JOR", 2018, PRIM, 10.0),
            ("JOR", 2018, GDP, 1000.0), ("JOR", 2024, "gross_enrolment_ratio_primary", 90.0),
            ("UGA", 2025, "refugees_aged_5_11", 1000.0), ("UGA", 2018, PRIM, 10.0),
            ("UGA", 2018, GDP, 1000.0), ("UGA", 2024, "gross_enrolment_ratio_primary", 50.0)]
    est = EducationInclusionCost(levels=("primary",), enrolment="host_enrolment",
                                 scenario_enrolments=("refugee_enrolment",),
                                 refugee_enrolment_rates=(("primary", 0.7),),
                                 refugee_enrolment_source="synthetic")
    res = est.estimate(synthetic_dataset(rows))
    # unit cost 0.10 x 1,000 = 100 per pupil; 1,000 pupils -> 100,000 at full enrolment.
    # host: JOR 90,000, UGA 50,000 -> 140,000; refugee rate: 70,000 + 70,000 = 140,000.
    # country ranges: JOR [70,000, 90,000], UGA [50,000, 70,000] -> sum of mins 120,000, but the
    # total is 140,000 in both scenarios, so its range is [140,000, 140,000].
    assert value(res, "education_inclusion_cost_usd", None, "all countries",
                 "ci_lower") == pytest.approx(140_000.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", None, "all countries",
                 "ci_upper") == pytest.approx(140_000.0, rel=REL)


def test_education_constant_prices_with_user_deflator() -> None:
    est = EducationInclusionCost(price_basis="constant", base_year=2025,
                                 deflator=((2017, 90.0), (2018, 100.0), (2025, 120.0)),
                                 deflator_source="synthetic deflator")
    res = est.estimate(synthetic_dataset(JOR))
    # 504,000 x 120/100 + 307,500 x 120/90 = 604,800 + 410,000 = 1,014,800 (2025 USD)
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(1_014_800.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR", column="unit") == \
        "USD per year, constant 2025 prices (deflator: synthetic deflator)"
    assert res.diagnostics["money"]["price_basis"] == "constant"


def test_deflator_without_a_price_year_is_an_error_not_a_guess() -> None:
    est = EducationInclusionCost(price_basis="constant", base_year=2025,
                                 deflator=((2018, 100.0), (2025, 120.0)), deflator_source="x")
    with pytest.raises(EstimatorError, match="no index for price year.*2017"):
        est.estimate(synthetic_dataset(JOR))


def test_horizon_multiplies_the_annual_cost() -> None:
    res = EducationInclusionCost(horizon_years=13).estimate(synthetic_dataset(JOR))
    # 811,500 x 13 = 10,549,500
    assert value(res, "education_inclusion_cost_usd_over_horizon", "JOR") == pytest.approx(
        10_549_500.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd_over_horizon", "JOR", column="unit") \
        .startswith("USD over 13 years")


def test_prorating_refugees_without_an_age_breakdown() -> None:
    rows = [*JOR, ("JOR", 2025, "refugees", 4000.0), ("JOR", 2025, "refugees_with_age", 3000.0)]
    res = EducationInclusionCost(unknown_age="prorated").estimate(synthetic_dataset(rows))
    # factor 4,000 / 3,000; 811,500 x 4/3 = 1,082,000
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(1_082_000.0, rel=REL)
    assert value(res, "users", "JOR", "primary") == pytest.approx(1000.0 * 4 / 3, rel=REL)


def test_unit_cost_older_than_max_age_is_not_used() -> None:
    res = EducationInclusionCost(max_unit_cost_age=7).estimate(synthetic_dataset(JOR))
    # 2025 - 2018 = 7 (allowed), 2025 - 2017 = 8 (too old): secondary has no unit cost
    assert res.estimates.empty or "JOR" not in set(res.estimates["iso3"].dropna())
    hit = res.excluded[res.excluded["indicator"] == "refugees_aged_12_17"]
    assert hit["reason"].tolist() == ["missing_counterpart"]
    assert "at most 7 years old" in hit["detail"].iloc[0]


def test_country_without_unit_cost_is_excluded_never_zero() -> None:
    rows = [*JOR, ("UGA", 2025, "refugees_aged_5_11", 2000.0),
            ("UGA", 2025, "refugees_aged_12_17", 900.0), ("UGA", 2025, GDP, 1000.0)]
    res = EducationInclusionCost().estimate(synthetic_dataset(rows))
    assert "UGA" not in set(res.estimates["iso3"].dropna())
    uga = res.excluded[res.excluded["iso3"] == "UGA"]
    assert set(uga["reason"]) == {"missing_counterpart"}
    assert len(uga) == 3
    assert value(res, "education_inclusion_cost_usd", None, "all countries") == pytest.approx(
        811_500.0, rel=REL)


# --------------------------------------------------------------------------- imputation
def _imputation_rows() -> list[tuple]:
    rows = []
    # three lower-middle-income donors with ratios 10, 20, 40 % (2018) and GDP pc 1,000
    for code, ratio in (("KEN", 10.0), ("PAK", 20.0), ("BGD", 40.0)):
        rows += [(code, 2025, "refugees_aged_5_11", 100.0), (code, 2018, PRIM, ratio),
                 (code, 2018, GDP, 1000.0), (code, 2024, "wb_income_group", 2.0)]
    # a lower-middle-income host without any per-student data, GDP pc 2,000 in 2018
    rows += [("UGA", 2025, "refugees_aged_5_11", 1000.0), ("UGA", 2018, GDP, 2000.0),
             ("UGA", 2024, "wb_income_group", 2.0)]
    return rows


def test_income_group_median_imputation_is_listed() -> None:
    est = EducationInclusionCost(levels=("primary",), impute="income_group_median")
    res = est.estimate(synthetic_dataset(_imputation_rows()))
    # median(10, 20, 40) = 20 % of GDP pc; year = the donors' (2018): 0.20 x 2,000 = 400 per
    # pupil; 1,000 pupils -> 400,000
    assert value(res, "education_inclusion_cost_usd", "UGA") == pytest.approx(400_000.0, rel=REL)
    assert value(res, "unit_cost_imputed", "UGA", "primary") == 1.0
    assert value(res, "unit_cost_imputed", "KEN", "primary") == 0.0
    assert res.diagnostics["imputed"] == {"primary": ["UGA 2025"]}
    assert any("UGA 2025" in a for a in res.assumptions)


def test_imputation_range_spans_the_group_quartiles() -> None:
    est = EducationInclusionCost(levels=("primary",), impute="income_group_median",
                                 impute_range=True)
    res = est.estimate(synthetic_dataset(_imputation_rows()))
    # numpy linear percentiles of (10, 20, 40): 25th = 15, 75th = 30 ->
    #   0.15 x 2,000 x 1,000 = 300,000 and 0.30 x 2,000 x 1,000 = 600,000
    assert value(res, "education_inclusion_cost_usd", "UGA", column="ci_lower") == pytest.approx(
        300_000.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "UGA", column="ci_upper") == pytest.approx(
        600_000.0, rel=REL)
    # donors keep their own value in every scenario: KEN 100 x 0.10 x 1,000 = 10,000
    assert value(res, "education_inclusion_cost_usd", "KEN", column="ci_upper") == pytest.approx(
        10_000.0, rel=REL)


def test_no_imputation_below_the_minimum_number_of_donors() -> None:
    est = EducationInclusionCost(levels=("primary",), impute="income_group_median",
                                 impute_min_donors=4)
    res = est.estimate(synthetic_dataset(_imputation_rows()))
    assert "UGA" not in set(res.estimates["iso3"].dropna())
    assert res.diagnostics["imputation_donors"] == {"primary": {"2025 group 2": 3}}


# --------------------------------------------------------------------------- scope
def test_scope_income_groups_and_minimum_refugees() -> None:
    rows = [*JOR, ("JOR", 2024, "wb_income_group", 3.0), ("JOR", 2025, "refugees", 8000.0)]
    for code, group, refugees in (("DEU", 4.0, 9000.0), ("LBN", 3.0, 6000.0)):
        rows += [(code, 2025, "refugees_aged_5_11", 10.0), (code, 2025, "refugees_aged_12_17", 10.0),
                 (code, 2018, PRIM, 20.0), (code, 2018, SECO, 20.0), (code, 2018, GDP, 1000.0),
                 (code, 2024, "wb_income_group", group), (code, 2025, "refugees", refugees)]
    est = EducationInclusionCost(income_groups=("low", "lower_middle", "upper_middle"),
                                 min_refugees=7000)
    res = est.estimate(synthetic_dataset(rows))
    assert set(res.estimates["iso3"].dropna()) == {"JOR"}
    reasons = res.excluded.groupby("iso3")["reason"].agg(set).to_dict()
    assert reasons["DEU"] == {"not_in_group"}  # high income (2024 classification)
    assert reasons["LBN"] == {"not_in_group"}  # 6,000 refugees < 7,000
    assert res.diagnostics["income_group_year"] == {"2024": 1}


# --------------------------------------------------------------------------- health, subsistence
def test_health_refugees_times_ghed_times_utilisation_with_range() -> None:
    data = synthetic_dataset([("TUR", 2025, "refugees", 1000.0), ("TUR", 2021, GHED, 250.0),
                              ("TUR", 2022, GHED, 300.0)])
    res = HealthInclusionCost(utilisation=0.8, utilisation_low=0.5,
                              utilisation_high=1.2).estimate(data)
    # GHED ends in 2022: latest at or before 2025 is 2022 (USD 300).
    # 1,000 x 300 x 0.8 = 240,000; low 150,000; high 360,000
    assert value(res, "health_inclusion_cost_usd", "TUR") == pytest.approx(240_000.0, rel=REL)
    assert value(res, "health_inclusion_cost_usd", "TUR", column="ci_lower") == pytest.approx(
        150_000.0, rel=REL)
    assert value(res, "health_inclusion_cost_usd", "TUR", column="ci_upper") == pytest.approx(
        360_000.0, rel=REL)
    assert value(res, "unit_cost_year", "TUR", "health") == 2022


def test_subsistence_refugees_times_value_times_coverage() -> None:
    data = synthetic_dataset([("BGD", 2024, "refugees", 2000.0)])
    est = SubsistenceCost(transfer_usd_per_person_per_year=400.0,
                          transfer_source="synthetic poverty line", transfer_price_year=2023,
                          coverage=0.5)
    res = est.estimate(data)
    # 2,000 x 400 x 0.5 = 400,000 at 2023 prices
    assert value(res, "subsistence_cost_usd", "BGD") == pytest.approx(400_000.0, rel=REL)
    assert value(res, "subsistence_cost_usd", "BGD", column="unit") == \
        "USD per year, current prices of 2023"
    assert any("synthetic poverty line" in a for a in res.assumptions)


def test_subsistence_has_no_default_value() -> None:
    data = synthetic_dataset([("BGD", 2024, "refugees", 2000.0)])
    with pytest.raises(EstimatorError, match="there is no default value"):
        SubsistenceCost().estimate(data)
    with pytest.raises(ParameterError, match="give all three"):
        SubsistenceCost(transfer_usd_per_person_per_year=400.0)


# --------------------------------------------------------------------------- parameters
@pytest.mark.parametrize(("cls", "params", "match"), [
    (EducationInclusionCost, {"enrolment": "refugee_enrolment"}, "no default rates"),
    (EducationInclusionCost, {"impute_range": True}, "impute_range needs"),
    (EducationInclusionCost, {"price_basis": "constant"}, "nothing is fetched"),
    (EducationInclusionCost, {"base_year": 2020}, "only used with price_basis='constant'"),
    (HealthInclusionCost, {"n_draws": 100}, "needs unit_cost_cv > 0"),
    (UnitCost, {"sectors": (("x", "refugees", "gdp_usd_current"),)}, "must be in"),
    (UnitCost, {"utilisation": (("education", 0.5),)}, "not a sector"),
])
def test_bad_parameters_are_refused_with_the_reason(cls, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match=match):
        cls(**params)


def test_missing_age_bands_hint_at_2025() -> None:
    data = synthetic_dataset([("JOR", 2018, PRIM, 12.0)])
    with pytest.raises(EstimatorError, match="2025 only"):
        EducationInclusionCost().estimate(data)


def test_estimates_are_sorted_and_keyed_uniquely() -> None:
    res = EducationInclusionCost(horizon_years=2).estimate(synthetic_dataset(JOR))
    key = res.estimates[["quantity", "iso3", "year", "term"]].astype(str)
    assert not key.duplicated().any()
    assert isinstance(res.estimates, pd.DataFrame)


# --------------------------------------------------------------------------- issue 14: UIS, OIP
WDI_PRIM = "gov_expenditure_per_student_primary_pct_gdp_pc"
WDI_SECO = "gov_expenditure_per_student_secondary_pct_gdp_pc"


def test_unit_cost_source_picks_one_series_never_both() -> None:
    # the host has UIS ratios (JOR: 12 % primary 2018, 15 % secondary 2017) and WDI ratios of
    # other values and years; each estimate uses one series only
    rows = [*JOR, ("JOR", 2016, WDI_PRIM, 20.0), ("JOR", 2016, WDI_SECO, 30.0)]
    uis = EducationInclusionCost().estimate(synthetic_dataset(rows))
    wdi = EducationInclusionCost(unit_cost_source="wdi").estimate(synthetic_dataset(rows))
    assert value(uis, "education_inclusion_cost_usd", "JOR") == pytest.approx(811_500.0, rel=REL)
    # WDI: 1,000 x 20 % x 4,000 (GDP 2016) + 500 x 30 % x 4,000 = 800,000 + 600,000 = 1,400,000
    assert value(wdi, "education_inclusion_cost_usd", "JOR") == pytest.approx(1_400_000.0, rel=REL)
    assert value(wdi, "unit_cost_year", "JOR", "primary") == 2016
    assert WDI_PRIM not in set(uis.excluded["indicator"])  # not an input of the UIS estimate
    assert uis.diagnostics["unit_cost_source"] == "uis"
    assert any("UNESCO UIS" in a for a in uis.assumptions)
    assert any("WDI, to 2018" in a for a in wdi.assumptions)


def test_missing_uis_series_says_where_it_is() -> None:
    data = synthetic_dataset([("JOR", 2025, "refugees_aged_5_11", 1000.0),
                              ("JOR", 2025, "refugees_aged_12_17", 500.0),
                              ("JOR", 2018, GDP, 4200.0)])
    with pytest.raises(EstimatorError, match="uis_education.csv.gz"):
        EducationInclusionCost().estimate(data)


def test_carried_forward_unit_costs_are_listed_with_their_year() -> None:
    res = EducationInclusionCost().estimate(synthetic_dataset(JOR))
    # 2025 pupils costed with the 2018 (primary) and 2017 (secondary) ratios: both listed
    assert res.diagnostics["unit_cost_carried_forward"] == {"primary": {"JOR 2025": 2018},
                                                            "secondary": {"JOR 2025": 2017}}
    text = [a for a in res.assumptions if a.startswith("Unit costs carried forward")]
    assert len(text) == 1
    assert "primary: 1 of 1 country-years" in text[0] and "median age 7" in text[0]
    assert "secondary: 1 of 1" in text[0] and "oldest 2017" in text[0]


def test_same_year_unit_cost_is_not_listed_as_carried_forward() -> None:
    rows = [("JOR", 2018, "refugees_aged_5_11", 1000.0), ("JOR", 2018, PRIM, 12.0),
            ("JOR", 2018, GDP, 4200.0)]
    res = EducationInclusionCost(levels=("primary",)).estimate(synthetic_dataset(rows))
    assert res.diagnostics["unit_cost_carried_forward"] == {"primary": {}}
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(504_000.0, rel=REL)


def test_oip_get_the_age_structure_of_refugees_with_an_age() -> None:
    rows = [*JOR, ("JOR", 2025, "oip", 1500.0), ("JOR", 2025, "refugees_with_age", 3000.0)]
    res = EducationInclusionCost(oip_ages="refugee_age_structure").estimate(synthetic_dataset(rows))
    # pupils x (1 + 1,500 / 3,000): primary 1,000 x 1.5 = 1,500; secondary 500 x 1.5 = 750;
    # cost 811,500 x 1.5 = 1,217,250
    assert value(res, "users", "JOR", "primary") == pytest.approx(1500.0, rel=REL)
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(1_217_250.0, rel=REL)


def test_oip_with_prorated_unknown_ages_add_up() -> None:
    rows = [*JOR, ("JOR", 2025, "oip", 1500.0), ("JOR", 2025, "refugees", 4000.0),
            ("JOR", 2025, "refugees_with_age", 3000.0)]
    res = EducationInclusionCost(unknown_age="prorated", oip_ages="refugee_age_structure"
                                 ).estimate(synthetic_dataset(rows))
    # factor (4,000 + 1,500) / 3,000 = 11/6; 811,500 x 11/6 = 1,487,750
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(1_487_750.0, rel=REL)


def test_host_without_oip_counts_none_and_missing_oip_is_excluded() -> None:
    rows = [*JOR, ("JOR", 2025, "refugees_with_age", 3000.0),
            ("LBN", 2025, "refugees_aged_5_11", 100.0), ("LBN", 2025, "refugees_aged_12_17", 50.0),
            ("LBN", 2018, PRIM, 10.0), ("LBN", 2018, SECO, 10.0), ("LBN", 2018, GDP, 1000.0),
            ("LBN", 2025, "refugees_with_age", 200.0), ("LBN", 2025, "oip", float("nan"))]
    res = EducationInclusionCost(oip_ages="refugee_age_structure").estimate(synthetic_dataset(rows))
    # JOR reports no oip: none are added
    assert value(res, "education_inclusion_cost_usd", "JOR") == pytest.approx(811_500.0, rel=REL)
    # LBN's oip is explicitly missing: the host-year is excluded, never costed as if oip = 0
    assert "LBN" not in set(res.estimates["iso3"].dropna())
    lbn = res.excluded[res.excluded["iso3"] == "LBN"].set_index("indicator")
    assert lbn.loc["oip", "reason"] == "missing_value"
    assert lbn.loc["refugees_aged_5_11", "reason"] == "missing_counterpart"
    assert "oip is missing for LBN 2025" in lbn.loc["refugees_aged_5_11", "detail"]
