"""The shared panel-unit helpers of ``burdenshare.estimators._panel``."""

from __future__ import annotations

import numpy as np
import pytest

from burdenshare.estimators import _panel as pn


def _sequential(entity: np.ndarray, time: np.ndarray, effects: str) -> np.ndarray:
    """Singletons removed one dimension at a time (fixest's order), written out here."""
    drop = np.zeros(len(entity), dtype=bool)
    dims = {"twoway": (entity, time), "entity": (entity,), "time": (time,)}[effects]
    changed = True
    while changed:
        changed = False
        for codes in dims:
            counts = np.bincount(codes[~drop], minlength=int(codes.max()) + 1)
            single = (counts[codes] == 1) & ~drop
            if single.any():
                drop |= single
                changed = True
    return drop


@pytest.mark.parametrize("effects", ["twoway", "entity", "time"])
@pytest.mark.parametrize("seed", range(20))
def test_singletons_do_not_depend_on_the_order_of_removal(effects: str, seed: int) -> None:
    """All at once per pass (the DiD builder) or one dimension at a time: the same rows."""
    rng = np.random.default_rng(seed)
    n_units, n_years = 12, 8
    cells = rng.random((n_units, n_years)) < 0.25  # sparse: many singletons, some chains
    entity, time = (a.astype(np.int64) for a in np.nonzero(cells))
    drop, by_entity = pn.singletons(entity, time, effects)
    assert (drop == _sequential(entity, time, effects)).all()
    assert not (by_entity & ~drop).any()


def test_singleton_chain_is_removed_iteratively() -> None:
    """Removing a single-year unit leaves another year with one row, which goes next."""
    entity = np.array([0, 0, 1, 1, 2, 2, 3])
    time = np.array([0, 1, 0, 1, 1, 2, 2])
    drop, by_entity = pn.singletons(entity, time)
    assert drop.tolist() == [False, False, False, False, True, True, True]
    assert by_entity.tolist() == [False, False, False, False, True, False, True]


def test_unit_labels_are_those_of_unit_codes() -> None:
    import pandas as pd

    frame = pd.DataFrame({"iso3": ["TUR", "TUR", "LBN", "TUR"],
                          "area": ["TR-34", "TR-01", None, "TR-34"]})
    codes, labels, _, _ = pn.unit_codes(frame)
    assert pn.unit_labels(frame["iso3"], frame["area"]).tolist() == labels[codes].tolist()
    assert labels.tolist() == ["LBN", "TUR/TR-01", "TUR/TR-34"]


def test_econometric_estimators_declare_their_labels() -> None:
    """Each declares a family, a title and a label for every quantity it writes."""
    from burdenshare.estimators.did import DiD, EventStudy, StaggeredDiD
    from burdenshare.estimators.iv import IV2SLS
    from burdenshare.estimators.panel import PanelFE
    from burdenshare.estimators.synth import SyntheticControl
    from burdenshare.labels import FAMILIES

    written = {PanelFE: {"coefficient"}, IV2SLS: {"coefficient"}, DiD: {"att"},
               EventStudy: {"event_time_coefficient"}, StaggeredDiD: {"att", "att_event_time"},
               SyntheticControl: {"gap", "synthetic_outcome", "att_post"}}
    titles = set()
    for cls, quantities in written.items():
        labels = cls.labels
        assert labels.family == "Host impact (econometric)" and labels.family in FAMILIES
        assert cls.quantity in quantities and set(labels.quantities) == quantities
        assert labels.description and labels.unit and labels.diagnostics
        titles.add(labels.title)
    assert len(titles) == len(written)
