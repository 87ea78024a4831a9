"""The contribution estimators pass burdenshare's conformance kit on suitable data (embedded
samples 2021-2022; synthetic panels for the user-supplied indicators)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import burdenshare as bs
from burdenshare.estimators.composite import ResponsibilityBalance, SupportGap
from burdenshare.estimators.contributions import (
    PledgeFulfilment,
    ResettlementEffort,
    UnhcrFundingShare,
)
from burdenshare.testing import check_estimator
from tests.conftest import synthetic_dataset


@pytest.fixture(scope="module")
def data() -> bs.Dataset:
    return bs.load_sample().select(years=(2021, 2022))


@pytest.mark.parametrize("est", [
    UnhcrFundingShare(), UnhcrFundingShare(non_government=True),
    ResettlementEffort(), ResettlementEffort(target_persons=100000, target_source="test", year=2022),
    ResponsibilityBalance(), SupportGap(cost="estimator"),
], ids=lambda e: e.name)
def test_conformance_samples(est: object, data: bs.Dataset) -> None:
    check_estimator(est, data)


def test_support_gap_user_tables() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for c in ("JOR", "LBN", "TUR", "UGA"):
        for y in (2020, 2021):
            rows.append((c, y, "host_cost_usd_current", float(rng.uniform(1e8, 1e9))))
            rows.append((c, y, "oda_received_usd_current", float(rng.uniform(1e8, 1e9))))
    rows.append(("WLD", 2020, "host_cost_usd_current", 1.0))
    check_estimator(SupportGap(), synthetic_dataset(rows))


def test_pledge_fulfilment_passes_the_whole_kit(tmp_path: Path) -> None:
    """pledge_fulfilment reads no observation but a pledge file: the file (path, sha256) is in
    the provenance as an external input, and the kit accepts it in place of Dataset sources."""
    from tests.reference.test_contributions_hand import FUND, _pledge, _write

    f = _write(tmp_path / "p.csv", [_pledge("1", "Fulfilled", 10, 10), _pledge("2", "")])
    est = PledgeFulfilment(pledge_file=str(f))
    check_estimator(est, synthetic_dataset(FUND))
    (ext,) = est.estimate(synthetic_dataset(FUND)).provenance.external_inputs
    assert ext["path"] == str(f) and len(ext["sha256"]) == 64
