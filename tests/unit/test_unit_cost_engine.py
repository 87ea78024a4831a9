"""The unit-cost family as configurations of one engine: labels, ``used`` and shared stages.

Independent sources: the hand calculations written in each test (1,000 users x USD 500 x
utilisation), and the engine run twice under two configurations that must agree.
"""

from __future__ import annotations

import pytest

from burdenshare.estimators._cost_config import CostConfig
from burdenshare.estimators.unit_cost import (
    EducationInclusionCost,
    HealthInclusionCost,
    SubsistenceCost,
    UnitCost,
)
from burdenshare.labels import Labels
from tests.conftest import synthetic_dataset

GHED = "gov_health_expenditure_per_capita_usd_current"
PRIM = "initial_gov_funding_per_student_primary_pct_gdp_pc"
SECO = "initial_gov_funding_per_student_secondary_pct_gdp_pc"
GDP = "gdp_per_capita_usd_current"

#: one host, every input of the four estimators in the same year
ROWS = [
    ("UGA", 2022, "refugees", 1000.0), ("UGA", 2022, GHED, 500.0),
    ("UGA", 2022, "refugees_aged_5_11", 300.0), ("UGA", 2022, "refugees_aged_12_17", 200.0),
    ("UGA", 2022, PRIM, 10.0), ("UGA", 2022, SECO, 20.0), ("UGA", 2022, GDP, 1000.0),
]
MC = {"n_draws": 20, "unit_cost_cv": 0.2, "horizon_years": 3}
ESTIMATORS = [
    UnitCost(**MC),
    EducationInclusionCost(**MC),
    HealthInclusionCost(**MC),
    SubsistenceCost(transfer_usd_per_person_per_year=400.0, transfer_source="synthetic value",
                    transfer_price_year=2022, **MC),
]


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: e.name)
def test_each_estimator_is_parameters_plus_a_configuration(est: UnitCost) -> None:
    config = est._config()
    assert isinstance(config, CostConfig)
    assert config.name == est.name and config.quantity == est.quantity


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: e.name)
def test_labels_name_every_quantity_written(est: UnitCost) -> None:
    res = est.estimate(synthetic_dataset(ROWS))
    labels = type(est).labels
    assert isinstance(labels, Labels)
    assert labels.family == "Costs of inclusion"
    written = set(res.estimates["quantity"])
    assert written <= set(labels.quantities), written - set(labels.quantities)


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: e.name)
def test_used_is_the_typed_field_not_a_diagnostic(est: UnitCost) -> None:
    comp = est._compute(synthetic_dataset(ROWS))
    assert "used" not in comp.diagnostics
    assert comp.used is not None and comp.used > 0


def test_health_and_generic_configurations_of_one_sector_agree() -> None:
    # 1,000 refugees x USD 500 x 0.6 = USD 300,000 under both configurations
    data = synthetic_dataset(ROWS)
    health = HealthInclusionCost(utilisation=0.6).estimate(data).estimates
    generic = UnitCost(utilisation=(("health", 0.6),)).estimate(data).estimates
    h = health.loc[health["quantity"] == "health_inclusion_cost_usd", "estimate"].tolist()
    g = generic.loc[generic["quantity"] == "inclusion_cost_usd", "estimate"].tolist()
    assert h == g
    assert h[0] == pytest.approx(300_000.0, rel=1e-12)


def test_subsistence_inputs_are_known_before_a_value_is_given() -> None:
    # the configuration is built without the per-person value (estimate() then asks for it)
    assert SubsistenceCost().inputs() == frozenset({"refugees"})
