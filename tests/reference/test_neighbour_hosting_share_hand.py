"""neighbour_hosting_share by hand on synthetic_* origin x asylum tables.

Every expected number is worked out in the test from the rows written next to it; the border
facts used (Jordan-Syria, Türkiye-Syria, Colombia-Venezuela border; Germany-Syria, Peru-Venezuela
do not) are land borders anyone can check on a map and are asserted on the GeoNames table first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.neighbours import NeighbourHostingShare, land_borders
from tests.conftest import SYNTHETIC

pytestmark = pytest.mark.reference

Q = "share_hosted_in_neighbouring_countries"


def dyads(rows: list[tuple[str, str, int, str, float]]) -> bs.Dataset:
    """(asylum, origin, year, population, value) -> a Dataset of *_by_origin observations."""
    frame = pd.DataFrame([{"iso3": a, "counterpart_iso3": o, "year": y,
                           "indicator": f"{who}_by_origin", "value": v, "unit": "persons",
                           "source": "synthetic_test"} for a, o, y, who, v in rows])
    return bs.Dataset.from_frame(frame, {"synthetic_test": SYNTHETIC})


def one(res: bs.Result, quantity: str, iso3: str | None = None, year: int = 2023) -> float:
    e = res.estimates
    sel = (e["quantity"] == quantity) & (e["year"] == year)
    sel &= e["iso3"].isna() if iso3 is None else (e["iso3"] == iso3)
    assert int(sel.sum()) == 1
    return float(e.loc[sel, "estimate"].iloc[0])


SYNTHETIC_TABLE = [
    ("JOR", "SYR", 2023, "refugees", 600.0),   # neighbour
    ("TUR", "SYR", 2023, "refugees", 1000.0),  # neighbour
    ("DEU", "SYR", 2023, "refugees", 400.0),   # not a neighbour
    ("COL", "VEN", 2023, "oip", 2000.0),       # neighbour (OIP)
    ("PER", "VEN", 2023, "oip", 1000.0),       # not a neighbour (Peru does not border Venezuela)
    ("PER", "VEN", 2023, "refugees", 500.0),   # not a neighbour
    ("DEU", "UNK", 2023, "refugees", 500.0),   # unknown origin
]


def test_the_border_facts_used_here_hold_in_the_geonames_table() -> None:
    b = land_borders().borders
    assert {"JOR", "TUR"} <= b["SYR"] and "DEU" not in b["SYR"]
    assert "COL" in b["VEN"] and "PER" not in b["VEN"]
    assert all(a in b[n] for a in b for n in b[a])  # symmetric after the closure


def test_share_counts_refugees_and_oip_over_everyone() -> None:
    res = NeighbourHostingShare().estimate(dyads(SYNTHETIC_TABLE))
    # next door: 600 + 1000 (Syrians in JOR, TUR) + 2000 (Venezuelan OIP in COL) = 3600
    # everyone: 600 + 1000 + 400 + 2000 + 1000 + 500 + 500 (unknown origin) = 6000
    assert one(res, "hosted_in_neighbouring_countries") == 3600.0
    assert one(res, "hosted") == 6000.0
    assert one(res, Q) == pytest.approx(3600 / 6000, rel=1e-15)


def test_refugees_only_leaves_oip_out() -> None:
    res = NeighbourHostingShare(who_counts=("refugees",)).estimate(dyads(SYNTHETIC_TABLE))
    # refugees: next door 1600; all 600 + 1000 + 400 + 500 + 500 = 3000
    assert one(res, Q) == pytest.approx(1600 / 3000, rel=1e-15)
    assert set(res.excluded["indicator"]) == set()  # oip_by_origin is not an input then


def test_unknown_origin_excluded_leaves_the_denominator() -> None:
    res = NeighbourHostingShare(unknown_countries="excluded").estimate(dyads(SYNTHETIC_TABLE))
    assert one(res, Q) == pytest.approx(3600 / 5500, rel=1e-15)
    exc = res.excluded
    row = exc[exc["counterpart_iso3"] == "UNK"]
    assert row["reason"].tolist() == ["aggregate_entity"]
    assert "origin UNK is not a country" in row["detail"].iloc[0]


def test_unknown_origin_is_counted_and_used_by_default() -> None:
    res = NeighbourHostingShare().estimate(dyads(SYNTHETIC_TABLE))
    assert res.excluded.empty
    assert res.diagnostics["used"] == len(SYNTHETIC_TABLE)
    assert res.diagnostics["unknown_origin_or_asylum"] == {"2023": 500.0}


def test_per_host_and_per_origin_shares() -> None:
    res = NeighbourHostingShare().estimate(dyads(SYNTHETIC_TABLE))
    assert one(res, "share_hosted_from_neighbouring_origins", "JOR") == 1.0
    assert one(res, "share_hosted_from_neighbouring_origins", "PER") == 0.0
    # Germany: 400 Syrians (not next door); the 500 of unknown origin are no country pair
    assert one(res, "share_hosted_from_neighbouring_origins", "DEU") == 0.0
    # Syrians: 1600 of 2000 next door; Venezuelans: 2000 of 3500
    assert one(res, "origin_share_in_neighbouring_countries", "SYR") == pytest.approx(0.8)
    assert one(res, "origin_share_in_neighbouring_countries", "VEN") == pytest.approx(2000 / 3500)


def test_missing_value_is_excluded_not_counted_as_zero() -> None:
    rows = [*SYNTHETIC_TABLE, ("LBN", "SYR", 2023, "refugees", float("nan"))]
    res = NeighbourHostingShare().estimate(dyads(rows))
    exc = res.excluded
    assert exc.loc[exc["iso3"] == "LBN", "reason"].tolist() == ["missing_value"]
    assert one(res, Q) == pytest.approx(3600 / 6000, rel=1e-15)  # LBN neither in nor out


def test_country_without_border_data_is_excluded_and_named() -> None:
    # CHI (Channel Islands, a World Bank economy) is a country for burdenshare, absent from GeoNames
    assert "CHI" not in land_borders().borders
    rows = [*SYNTHETIC_TABLE, ("CHI", "SYR", 2023, "refugees", 50.0)]
    res = NeighbourHostingShare().estimate(dyads(rows))
    exc = res.excluded
    row = exc[exc["iso3"] == "CHI"]
    assert row["reason"].tolist() == ["missing_counterpart"]
    assert "no land-border data for CHI in GeoNames" in row["detail"].iloc[0]
    assert one(res, Q) == pytest.approx(3600 / 6000, rel=1e-15)


def test_unknown_asylum_is_in_the_total_by_default() -> None:
    rows = [*SYNTHETIC_TABLE, ("UNK", "SYR", 2023, "refugees", 1000.0)]
    res = NeighbourHostingShare().estimate(dyads(rows))
    assert one(res, Q) == pytest.approx(3600 / 7000, rel=1e-15)
    assert "UNK" not in set(res.estimates["iso3"].dropna())  # never shown as a host


def test_years_are_separate() -> None:
    rows = [*SYNTHETIC_TABLE, ("JOR", "SYR", 2024, "refugees", 10.0),
            ("DEU", "SYR", 2024, "refugees", 30.0)]
    res = NeighbourHostingShare(who_counts=("refugees",)).estimate(dyads(rows))
    assert one(res, Q, year=2024) == pytest.approx(0.25, rel=1e-15)


def test_provenance_records_the_border_table() -> None:
    res = NeighbourHostingShare().estimate(dyads(SYNTHETIC_TABLE))
    (ext,) = res.provenance.external_inputs
    table = land_borders()
    assert ext["sha256"] == table.sha256 and len(ext["sha256"]) == 64
    assert ext["version"] == table.package_version != "not installed"
    assert "GeoNames" in ext["description"]
    assert np.isfinite(one(res, Q))


def test_missing_origin_table_says_where_to_find_it() -> None:
    from burdenshare import EstimatorError
    from tests.conftest import synthetic_dataset

    with pytest.raises(EstimatorError, match="unhcr_origin.csv.gz.*2020-2025"):
        NeighbourHostingShare().estimate(synthetic_dataset([("JOR", 2023, "refugees", 5.0)]))
