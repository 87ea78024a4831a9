"""The unit-cost estimators pass the conformance kit, run from the CLI and sit in ``compare()``.

Two datasets: a synthetic panel (source ``synthetic_test``; ten real ISO3 codes, 2010-2025, every
indicator the estimators can use, one host without per-student data) for many parameter
variants, and the embedded real samples (2015-2025) for the default variants. The CLI runs the
four built-ins by name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.cli import main
from burdenshare.estimators.unit_cost import (
    EducationInclusionCost,
    HealthInclusionCost,
    SubsistenceCost,
    UnitCost,
)
from burdenshare.indicators import VOCABULARY
from burdenshare.testing import check_estimator, parametrize_with_checks
from tests.conftest import SYNTHETIC

pytestmark = pytest.mark.reference

CODES = ("JOR", "LBN", "TUR", "UGA", "PAK", "COL", "KEN", "DEU", "ETH", "BGD")
GROUPS = (2, 3, 3, 1, 2, 3, 2, 4, 1, 2)


def synthetic_panel() -> bs.Dataset:
    rng = np.random.default_rng(20251124)  # test inputs only
    rows = []
    for c, g in zip(CODES, GROUPS):
        for y in range(2010, 2026):
            rows += [(c, y, "gdp_per_capita_usd_current", rng.uniform(500, 50_000)),
                     (c, y, "refugees", float(rng.integers(0, 3_000_000)))]
            if y < 2025:
                rows.append((c, y, "wb_income_group", float(g)))
                rows += [(c, y, "gross_enrolment_ratio_primary", rng.uniform(40, 120)),
                         (c, y, "gross_enrolment_ratio_secondary", rng.uniform(20, 110))]
            if y <= 2022:
                rows.append((c, y, "gov_health_expenditure_per_capita_usd_current",
                             rng.uniform(5, 4000)))
            if y <= 2018 and c != "ETH":
                rows += [(c, y, "initial_gov_funding_per_student_primary_pct_gdp_pc",
                          rng.uniform(5, 30)),
                         (c, y, "initial_gov_funding_per_student_secondary_pct_gdp_pc",
                          rng.uniform(5, 40))]
        rows += [(c, 2025, "refugees_aged_5_11", float(rng.integers(0, 500_000))),
                 (c, 2025, "refugees_aged_12_17", float(rng.integers(0, 400_000))),
                 (c, 2025, "refugees_with_age", float(rng.integers(1_000_000, 2_000_000)))]
    frame = pd.DataFrame([{"iso3": i, "year": y, "indicator": k, "value": v,
                           "unit": VOCABULARY[k].unit, "source": SYNTHETIC.id}
                          for i, y, k, v in rows])
    return bs.Dataset.from_frame(frame, [SYNTHETIC], origin="synthetic_panel")


DEFLATOR = tuple((y, 100.0 + 2.0 * (y - 2000)) for y in range(2000, 2026))
LMIC = ("low", "lower_middle", "upper_middle")

VARIANTS = [
    UnitCost(),
    UnitCost(sectors=(("health", "refugees", "gov_health_expenditure_per_capita_usd_current"),
                      ("other", "refugees", "gdp_per_capita_usd_current")),
             utilisation=(("health", 0.8),), utilisation_low=(("health", 0.5),),
             utilisation_high=(("other", 1.2),), unit_cost_year="same_year"),
    EducationInclusionCost(),
    EducationInclusionCost(enrolment="host_enrolment", scenario_enrolments=("full_inclusion",),
                           impute="income_group_median", impute_range=True, impute_min_donors=1,
                           income_groups=LMIC, min_refugees=7000, horizon_years=13,
                           unknown_age="prorated", gdp_per_capita_year="estimate_year",
                           n_draws=200, unit_cost_cv=0.2),
    HealthInclusionCost(),
    HealthInclusionCost(utilisation=0.8, utilisation_low=0.5, utilisation_high=1.0,
                        impute="income_group_median", max_unit_cost_age=3,
                        price_basis="constant", base_year=2020, deflator=DEFLATOR,
                        deflator_source="synthetic deflator"),
    SubsistenceCost(transfer_usd_per_person_per_year=400.0, transfer_source="synthetic value",
                    transfer_price_year=2024, coverage=0.5, coverage_low=0.3, coverage_high=0.7,
                    n_draws=100, unit_cost_cv=0.1),
]


@parametrize_with_checks(VARIANTS, data=synthetic_panel)
def test_conformance_on_a_synthetic_panel(estimator, check, data) -> None:  # type: ignore[no-untyped-def]
    check(estimator, data)


@pytest.fixture(scope="module")
def recent(sample_data: bs.Dataset) -> bs.Dataset:
    return sample_data.select(years=(2015, 2025))


@pytest.mark.parametrize("estimator", [
    UnitCost(), EducationInclusionCost(), HealthInclusionCost(),
    SubsistenceCost(transfer_usd_per_person_per_year=400.0, transfer_source="synthetic value",
                    transfer_price_year=2024)], ids=lambda e: e.name)
def test_conformance_on_the_embedded_samples(estimator, recent) -> None:  # type: ignore[no-untyped-def]
    assert check_estimator(estimator, recent)


def test_side_by_side_with_relative_burden_in_compare(recent: bs.Dataset) -> None:
    comp = bs.compare({"education": EducationInclusionCost(), "health": HealthInclusionCost(),
                       "per_1000": "refugees_per_1000"}, recent.select(years=(2010, 2025)))
    ranks = comp.ranks()
    assert {"education", "health", "per_1000"} <= set(ranks.columns)
    both = ranks.loc[(slice(None), 2025), ["education", "per_1000"]].dropna()
    assert len(both) > 50  # hosts with an education cost and a per-1,000 index in 2025


# --------------------------------------------------------------------------- CLI
@pytest.fixture()
def as_plugin(tmp_path: Path) -> Path:
    """Output folder (the four estimators are built-ins, run by name)."""
    return tmp_path


@pytest.mark.parametrize(("name", "quantity", "sets"), [
    ("unit_cost", "inclusion_cost_usd", []),
    ("education_inclusion_cost", "education_inclusion_cost_usd",
     ["impute=income_group_median", "income_groups=low,lower_middle,upper_middle",
      "min_refugees=7000", "horizon_years=13"]),
    ("health_inclusion_cost", "health_inclusion_cost_usd",
     ["utilisation_low=0.5", "utilisation_high=1.5"]),
    ("subsistence_cost", "subsistence_cost_usd",
     ["transfer_usd_per_person_per_year=400", "transfer_source=synthetic value",
      "transfer_price_year=2024"]),
])
def test_runs_from_the_cli_on_the_embedded_data(as_plugin, name, quantity, sets, capsys) -> None:  # type: ignore[no-untyped-def]
    out = as_plugin / f"{name}.csv"
    argv = ["run", name, "--years", "2010-2025", "--out", str(out)]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 0, capsys.readouterr()
    written = pd.read_csv(out)
    assert (written["quantity"] == quantity).sum() > 10
