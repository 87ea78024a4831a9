"""Conformance kit on the panel designs (real sample data, 2000-2024)."""

from __future__ import annotations

import burdenshare as bs
from burdenshare.estimators.did import DiD, EventStudy, StaggeredDiD
from burdenshare.estimators.synth import SyntheticControl
from burdenshare.testing import parametrize_with_checks


def _data() -> bs.Dataset:
    return bs.load_sample().select(years=(2000, 2024))


VARIANTS = [
    DiD(),
    DiD(controls=(), log_outcome=True),
    EventStudy(),
    EventStudy(onsets=(("LBN", 2012), ("JOR", 2012), ("TUR", 2014)), leads=4, lags=4),
    StaggeredDiD(leads=3, lags=3),
    SyntheticControl(),
]


@parametrize_with_checks(VARIANTS, data=_data)
def test_did_family_conformance(estimator, check, data) -> None:  # type: ignore[no-untyped-def]
    check(estimator, data)
