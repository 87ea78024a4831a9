"""compare(): list or mapping input, long/wide/spread/ranks/agreement, failures recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from tests.conftest import synthetic_dataset

ROWS = [
    ("AUT", 2020, "refugees", 1000.0), ("AUT", 2020, "population_un_wpp", 250_000.0),
    ("DEU", 2020, "refugees", 3000.0), ("DEU", 2020, "population_un_wpp", 1_000_000.0),
    ("FRA", 2020, "refugees", 500.0), ("FRA", 2020, "population_un_wpp", 500_000.0),
]


@pytest.fixture()
def data() -> bs.Dataset:
    return synthetic_dataset(ROWS)


def test_list_input_labels_by_name_and_long_has_method(data: bs.Dataset) -> None:
    comp = bs.compare(["refugees_per_1000", bs.OneInN], data)
    assert list(comp.results) == ["refugees_per_1000", "one_in_n"]
    assert set(comp.long["method"]) == {"refugees_per_1000", "one_in_n"}
    assert comp.long.columns[:2].tolist() == ["method", "uncertainty_method"]


def test_repeated_estimators_are_labelled_by_differing_parameters(data: bs.Dataset) -> None:
    comp = bs.compare([bs.RefugeesPer1000(), bs.RefugeesPer1000(who_counts=("refugees", "oip"))],
                      synthetic_dataset(ROWS + [("AUT", 2020, "oip", 0.0)]))
    assert list(comp.results) == ["refugees_per_1000 (who_counts=refugees)",
                                  "refugees_per_1000 (who_counts=refugees+oip)"]


def test_mapping_input_uses_keys_and_wide_view(data: bs.Dataset) -> None:
    comp = bs.compare({"A": bs.RefugeesPer1000(), "B": bs.RefugeesPer1000()}, data)
    w = comp.wide("refugees_per_1000_inhabitants")
    assert w.columns.tolist() == ["A", "B"]
    # hand calculation: 1000 / 250000 * 1000 = 4.0; 3000/1e6*1000 = 3.0; 500/5e5*1000 = 1.0
    assert w["A"].tolist() == [4.0, 3.0, 1.0]


def test_wide_refuses_different_units(data: bs.Dataset) -> None:
    comp = bs.compare({"a": bs.RefugeesPer1000(), "b": bs.OneInN()}, data)
    with pytest.raises(ValueError, match="no method reports"):
        comp.wide("nonexistent")
    with pytest.raises(ValueError, match="different units"):
        bs.compare({"a": bs.RefugeesPer1000(), "b": _OtherUnit()}, data).wide(
            "refugees_per_1000_inhabitants")


class _OtherUnit(bs.RefugeesPer1000):
    unit = "per 100 inhabitants"  # type: ignore[misc]


def test_ranks_put_heaviest_burden_first_for_every_method(data: bs.Dataset) -> None:
    comp = bs.compare(["refugees_per_1000", "one_in_n"], data)
    r = comp.ranks()
    # AUT 4.0 per 1000 (1 in 250) > DEU 3.0 (1 in 333) > FRA 1.0 (1 in 1000)
    assert r["refugees_per_1000"].tolist() == [1.0, 2.0, 3.0]
    assert r["one_in_n"].tolist() == [1.0, 2.0, 3.0]
    agree = comp.agreement()
    assert agree.loc["refugees_per_1000", "one_in_n"] == pytest.approx(1.0)


def test_spread_per_country(data: bs.Dataset) -> None:
    comp = bs.compare({"refugees": bs.RefugeesPer1000(),
                       "range": bs.RefugeesPer1000(scenario_definitions=(("refugees", "oip"),))},
                      synthetic_dataset(ROWS + [("AUT", 2020, "oip", 250.0)]))
    sp = comp.spread("refugees_per_1000_inhabitants")
    assert sp.loc[("AUT", 2020), "n_methods"] == 2
    assert sp.loc[("AUT", 2020), "range"] == 0.0
    assert pd.isna(sp.loc[("AUT", 2020), "intervals_overlap"])  # one method has no interval


def test_spread_is_symmetric_in_method_order(data: bs.Dataset) -> None:
    a = bs.compare({"x": bs.RefugeesPer1000(), "y": bs.RefugeesPer1000(who_counts=("refugees",))}, data)
    b = bs.compare({"y": bs.RefugeesPer1000(who_counts=("refugees",)), "x": bs.RefugeesPer1000()}, data)
    cols = ["n_methods", "min", "max", "range"]
    pd.testing.assert_frame_equal(a.spread("refugees_per_1000_inhabitants")[cols],
                                  b.spread("refugees_per_1000_inhabitants")[cols])


def test_failures_are_recorded_when_asked(data: bs.Dataset) -> None:
    comp = bs.compare(["refugees_per_1000", "refugees_per_gdp_ppp_pc"], data, on_error="record")
    assert list(comp.results) == ["refugees_per_1000"]
    assert "gdp_ppp_per_capita_intl_current" in comp.failures["refugees_per_gdp_ppp_pc"]
    assert comp.summary()["uncertainty_method"].str.startswith("FAILED").sum() == 1
    with pytest.raises(bs.EstimatorError):
        bs.compare(["refugees_per_1000", "refugees_per_gdp_ppp_pc"], data)


def test_excluded_and_provenance_per_method(recent_data: bs.Dataset) -> None:
    comp = bs.compare(["refugees_per_1000", "relative_effort"], recent_data.select(years=(2024, 2024)))
    assert set(comp.excluded["method"]) <= set(comp.results)
    assert set(comp.provenance) == set(comp.results)
    assert np.isfinite(comp.long["estimate"]).all()
