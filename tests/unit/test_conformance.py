"""Every built-in passes the conformance kit (one test per estimator variant and check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

import burdenshare as bs
from burdenshare.testing import CHECKS, ConformanceError, check_estimator, parametrize_with_checks
from tests.conftest import synthetic_dataset

TINY = synthetic_dataset([("AUT", 2020, "refugees", 5.0), ("AUT", 2020, "population", 1e6)])

VARIANTS = [
    bs.RefugeesPer1000(),
    bs.RefugeesPer1000(who_counts=("refugees", "oip"), scenario_definitions=(("refugees",),)),
    bs.RefugeesPerGdpPppPerCapita(),
    bs.RefugeesPer1000Km2(),
    bs.RefugeesPer1000Km2(area="surface_area_km2", area_year="same_year"),
    bs.OneInN(),
    bs.RelativeEffort(),
    bs.RelativeEffort(burden="asylum_applications", capacity="gdp_ppp"),
    bs.RelativeEffort(capacity="composite",
                      capacity_weights=(("population", 0.5), ("gdp_usd_current", 0.5))),
    bs.HostingConcentration(),
    bs.HostingConcentration(group_by="un_ldc", capacity="gdp_usd_current", top_k=5),
    bs.NeighbourHostingShare(),
    bs.NeighbourHostingShare(who_counts=("refugees",), unknown_countries="excluded"),
]


#: built-ins whose conformance runs in their family's test file, on data they can use (e.g. the
#: unit-cost family needs 2025 age bands and per-student costs that end in 2018)
COVERED_ELSEWHERE = {
    "eu_relocation_2015": "tests/reference/test_distribution_keys_conformance.py",
    "grech_2017": "tests/reference/test_distribution_keys_conformance.py",
    "reference_key_50_50": "tests/reference/test_distribution_keys_conformance.py",
    "linear_key": "tests/reference/test_distribution_keys_conformance.py",
    "minmax_key": "tests/reference/test_distribution_keys_conformance.py",
    "fair_share_funding": "tests/reference/test_fair_share_conformance.py",
    "in_donor_refugee_costs": "tests/reference/test_contributions_dac_hand.py",
    "unhcr_funding_share": "tests/reference/test_contributions_conformance.py",
    "resettlement_effort": "tests/reference/test_contributions_conformance.py",
    "pledge_fulfilment": "tests/reference/test_contributions_conformance.py",
    "support_gap": "tests/reference/test_contributions_conformance.py",
    "responsibility_balance": "tests/reference/test_contributions_conformance.py",
    "oda_gni_commitment": "tests/reference/test_contributions_dac_hand.py",
    "fair_share_resettlement": "tests/reference/test_fair_share_conformance.py",
    "unit_cost": "tests/reference/test_unit_cost_conformance.py",
    "education_inclusion_cost": "tests/reference/test_unit_cost_conformance.py",
    "health_inclusion_cost": "tests/reference/test_unit_cost_conformance.py",
    "subsistence_cost": "tests/reference/test_unit_cost_conformance.py",
    "panel_fe": "tests/reference/test_panel_conformance.py",
    "iv_2sls": "tests/reference/test_panel_conformance.py",
    "did": "tests/reference/test_did_conformance.py",
    "event_study": "tests/reference/test_did_conformance.py",
    "staggered_did": "tests/reference/test_did_conformance.py",
    "synthetic_control": "tests/reference/test_did_conformance.py",
}


def test_every_builtin_is_covered() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    names = {n for n, i in bs.available_estimators().items() if i.builtin}
    assert names == {v.name for v in VARIANTS} | set(COVERED_ELSEWHERE)
    for name, path in COVERED_ELSEWHERE.items():
        text = (root / path).read_text(encoding="utf-8")
        assert "parametrize_with_checks" in text or "check_estimator" in text, path
        assert f"{bs.get_estimator(name).__name__}(" in text, (name, path)


@parametrize_with_checks(VARIANTS)
def test_builtin_conformance(estimator, check, data) -> None:  # type: ignore[no-untyped-def]
    check(estimator, data)


def test_kit_catches_an_estimator_that_drops_rows_silently() -> None:
    @dataclass(frozen=True, kw_only=True)
    class SyntheticLeaky(bs.RefugeesPer1000):
        name: ClassVar[str] = "synthetic_leaky"

        def _compute(self, data):  # type: ignore[no-untyped-def]
            comp = super()._compute(data)
            return bs.Computation(comp.estimates, comp.excluded.iloc[1:], comp.assumptions,
                                  comp.diagnostics, comp.uncertainty_method)

    data = synthetic_dataset([("AUT", 2020, "refugees", 5.0), ("DEU", 2020, "refugees", 5.0),
                              ("AUT", 2020, "population", 1e6)])
    with pytest.raises(ConformanceError, match=r"\[no_silent_drop\] synthetic_leaky"):
        check_estimator(SyntheticLeaky(), data, checks=["no_silent_drop"])


def test_kit_catches_a_missing_methodology_page() -> None:
    @dataclass(frozen=True, kw_only=True)
    class SyntheticUndocumented(bs.RefugeesPer1000):
        name: ClassVar[str] = "synthetic_undocumented"
        reference: ClassVar[str] = "methodology/synthetic_undocumented.md"

    with pytest.raises(ConformanceError, match="does not exist"):
        check_estimator(SyntheticUndocumented(), TINY, checks=["reference_exists"])


def test_unknown_check_name() -> None:
    with pytest.raises(ValueError, match="unknown check"):
        check_estimator(bs.OneInN(), TINY, checks=["nope"])
    assert "missing_stays_missing" in CHECKS
