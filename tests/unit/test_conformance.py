"""Every built-in passes the conformance kit (one test per estimator variant and check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

import burdenshare as bs
from burdenshare.testing import CHECKS, ConformanceError, check_estimator, parametrize_with_checks
from tests.conftest import synthetic_dataset

TINY = synthetic_dataset([("AUT", 2020, "refugees", 5.0), ("AUT", 2020, "population", 1e6),
                          ("AUT", 2020, "population_un_wpp", 1e6)])

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


def _conformance_test_texts() -> list[str]:
    """The text of every test module that runs the conformance kit."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("test_*.py"))]
    return [t for t in texts if "parametrize_with_checks" in t or "check_estimator" in t]


def test_every_builtin_is_covered() -> None:
    """Each built-in is checked here or in its own test module (found from the registry, so a
    new built-in needs no entry in a list: its conformance test is enough).
    """
    texts = _conformance_test_texts()
    names = {n for n, i in bs.available_estimators().items() if i.builtin}
    here = {v.name for v in VARIANTS}
    uncovered = sorted(n for n in names - here
                       if not any(f"{bs.get_estimator(n).__name__}(" in t for t in texts))
    assert uncovered == []


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
                              ("AUT", 2020, "population_un_wpp", 1e6)])
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
