"""In-donor refugee costs and ODA/GNI commitment checked by hand calculations, plus conformance.

Independent source of every expected number: the arithmetic written next to the assertion, on a
small synthetic dataset (source ``synthetic_test``, real ISO3 codes). Tolerance ``EXACT = 1e-12``
relative: only the floating-point rounding of one or two operations on short decimals.
"""

from __future__ import annotations

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.contributions_dac import InDonorRefugeeCosts, OdaGniCommitment, basis
from burdenshare.indicators import VOCABULARY
from burdenshare.testing import check_estimator

pytestmark = pytest.mark.reference

EXACT = 1e-12
SRC = {"synthetic_test": bs.Source(id="synthetic_test", title="synthetic test data",
                                   publisher="burdenshare tests")}


def _dataset(rows):
    recs = [{"iso3": i, "year": y, "indicator": ind, "value": v, "unit": VOCABULARY[ind].unit,
             "source": "synthetic_test"} for i, y, ind, v in rows]
    return bs.Dataset.from_frame(pd.DataFrame(recs), SRC, origin="synthetic_hand")


ROWS = [
    # DEU 2022: IDRC 100, ODA 1000, GNI 200000, 5000 applications
    ("DEU", 2022, "idrc_usd_million_current", 100.0),
    ("DEU", 2022, "oda_usd_million_current", 1000.0),
    ("DEU", 2022, "gni_usd_million_current", 200000.0),
    ("DEU", 2022, "asylum_applications", 5000.0),
    ("DEU", 2022, "oda_gni_pct_published", 0.5),
    # SWE 2022: IDRC 30, ODA 900, GNI 100000, no applications
    ("SWE", 2022, "idrc_usd_million_current", 30.0),
    ("SWE", 2022, "oda_usd_million_current", 900.0),
    ("SWE", 2022, "gni_usd_million_current", 100000.0), ("SWE", 2022, "oda_gni_pct_published", 0.9),
    # AUS 2022: no IDRC reported, ODA 100, GNI 100000
    ("AUS", 2022, "oda_usd_million_current", 100.0),
    ("AUS", 2022, "gni_usd_million_current", 100000.0),
    # DEU 2017: flows basis
    ("DEU", 2017, "idrc_usd_million_current", 50.0),
    ("DEU", 2017, "oda_usd_million_current", 500.0),
    ("DEU", 2017, "gni_usd_million_current", 100000.0),
    # JOR: applications only (not a donor)
    ("JOR", 2022, "asylum_applications", 700.0),
]


def _get(est, q, iso3, year):
    sel = est[(est["quantity"] == q) & (est["year"] == year)]
    sel = sel[sel["iso3"].isna()] if iso3 is None else sel[sel["iso3"] == iso3]
    assert len(sel) == 1, (q, iso3, year)
    return sel.iloc[0]


def test_idrc_hand():
    res = InDonorRefugeeCosts().estimate(_dataset(ROWS))
    e = res.estimates
    assert _get(e, "idrc_usd_million", "DEU", 2022).estimate == 100.0
    # 100*100/1000
    assert _get(e, "idrc_share_of_oda_pct", "DEU", 2022).estimate == pytest.approx(10.0, rel=EXACT)
    # 100*100/200000
    assert _get(e, "idrc_share_of_gni_pct", "DEU", 2022).estimate == pytest.approx(0.05, rel=EXACT)
    # 1e8/5000
    v = _get(e, "idrc_usd_per_asylum_application", "DEU", 2022).estimate
    assert v == pytest.approx(20000.0, rel=EXACT)
    # 100*30/900
    assert _get(e, "idrc_share_of_oda_pct", "SWE", 2022).estimate == pytest.approx(30 / 9, rel=EXACT)
    # group 2022: IDRC 130; ODA of ALL donors 1000+900+100 = 2000 -> 6.5 %, not 130/1900
    assert _get(e, "idrc_usd_million", None, 2022).estimate == pytest.approx(130.0, rel=EXACT)
    assert _get(e, "idrc_share_of_oda_pct", None, 2022).estimate == pytest.approx(6.5, rel=EXACT)
    # 100*130/400000
    assert _get(e, "idrc_share_of_gni_pct", None, 2022).estimate == pytest.approx(0.0325, rel=EXACT)
    assert _get(e, "donors_in_group", None, 2022).estimate == 3
    # no invented zero for AUS, no per-application row for SWE
    assert not ((e["iso3"] == "AUS") & (e["quantity"] == "idrc_usd_million")).any()
    assert not ((e["iso3"] == "SWE") & (e["quantity"] == "idrc_usd_per_asylum_application")).any()
    # basis and 12-month rule labelled on every row
    assert _get(e, "idrc_usd_million", "DEU", 2017).term == "net flows basis; 12-month rule"
    assert _get(e, "idrc_usd_million", "DEU", 2022).term == "grant equivalent basis; 12-month rule"
    assert _get(e, "idrc_usd_million", None, 2022).term.startswith("DAC donors with data; grant")
    assert e["term"].str.contains("12-month rule").all()
    assert basis(2017) == "net flows" and basis(2018) == "grant equivalent"
    # JOR's applications are excluded with a reason
    x = res.excluded
    assert x[(x["iso3"] == "JOR")]["reason"].tolist() == ["missing_counterpart"]


def test_oda_gni_hand():
    res = OdaGniCommitment().estimate(_dataset(ROWS))
    e = res.estimates
    # 100*1000/200000
    assert _get(e, "oda_gni_pct", "DEU", 2022).estimate == pytest.approx(0.5, rel=EXACT)
    # 0.7-0.5
    assert _get(e, "gap_to_0_7_pct_points", "DEU", 2022).estimate == pytest.approx(0.2, rel=EXACT)
    # 0.2*200000/100
    assert _get(e, "gap_to_0_7_usd_million", "DEU", 2022).estimate == pytest.approx(400.0, rel=EXACT)
    # 100*900/200000
    assert _get(e, "oda_excl_idrc_gni_pct", "DEU", 2022).estimate == pytest.approx(0.45, rel=EXACT)
    assert _get(e, "gap_excl_idrc_to_0_7_pct_points", "DEU", 2022).estimate == pytest.approx(0.25, rel=EXACT)
    v = _get(e, "gap_excl_idrc_to_0_7_usd_million", "DEU", 2022).estimate
    assert v == pytest.approx(500.0, rel=EXACT)
    # SWE exceeds the target: ratio 0.9, gap -0.2 pp = -200 US$ m
    assert _get(e, "gap_to_0_7_pct_points", "SWE", 2022).estimate == pytest.approx(-0.2, rel=EXACT)
    assert _get(e, "gap_to_0_7_usd_million", "SWE", 2022).estimate == pytest.approx(-200.0, rel=EXACT)
    # 100*870/100000
    assert _get(e, "oda_excl_idrc_gni_pct", "SWE", 2022).estimate == pytest.approx(0.87, rel=EXACT)
    # published comparison: DEU 0.5 - 0.5 = 0; SWE 0.9 - 0.9 = 0; AUS has none
    assert _get(e, "oda_gni_pct_minus_published", "DEU", 2022).estimate == pytest.approx(0, abs=EXACT)
    assert not ((e["iso3"] == "AUS") & (e["quantity"] == "oda_gni_pct_minus_published")).any()
    assert not ((e["iso3"] == "AUS") & (e["quantity"] == "oda_excl_idrc_gni_pct")).any()
    # group 2022: ODA 2000 / GNI 400000 = 0.5 %; gap 0.2 pp = 800 US$ m; excl. IDRC 1870/400000
    assert _get(e, "oda_gni_pct", None, 2022).estimate == pytest.approx(0.5, rel=EXACT)
    assert _get(e, "gap_to_0_7_usd_million", None, 2022).estimate == pytest.approx(800.0, rel=EXACT)
    assert _get(e, "oda_excl_idrc_gni_pct", None, 2022).estimate == pytest.approx(0.4675, rel=EXACT)


def test_members_only_excludes_non_members():
    rows = ROWS + [("DEU", 2022, "dac_member", 1.0), ("SWE", 2022, "dac_member", 1.0),
                   ("DEU", 2017, "dac_member", 1.0)]
    res = InDonorRefugeeCosts(members_only=True).estimate(_dataset(rows))
    e = res.estimates
    assert _get(e, "idrc_share_of_oda_pct", None, 2022).estimate == pytest.approx(130 / 19, rel=EXACT)
    assert _get(e, "idrc_usd_million", None, 2022).term.startswith("DAC members with data")
    x = res.excluded
    assert set(x.loc[x["iso3"] == "AUS", "reason"]) == {"not_in_group"}


@pytest.mark.parametrize("est", [InDonorRefugeeCosts(), InDonorRefugeeCosts(per_application=False),
                                 InDonorRefugeeCosts(members_only=True), OdaGniCommitment(),
                                 OdaGniCommitment(compare_published=False, members_only=True)])
def test_conformance_samples(est):
    data = bs.load_sample().select(years=(2014, 2023))
    check_estimator(est, data)


@pytest.mark.parametrize("est", [InDonorRefugeeCosts(), OdaGniCommitment()])
def test_conformance_synthetic(est):
    check_estimator(est, _dataset(ROWS))
