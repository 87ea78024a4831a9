"""Hand calculations for the contribution estimators (synthetic panels, numbers worked by hand)."""

from __future__ import annotations

import math
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
from burdenshare.pledges import PLEDGE_COLUMNS, read_pledges
from tests.conftest import synthetic_dataset


def _get(res: bs.Result, q: str, iso3: str | None, term: str | None = None) -> float:
    e = res.estimates
    sel = (e["quantity"] == q) & (e["iso3"].isna() if iso3 is None else e["iso3"] == iso3)
    if term is not None:
        sel &= e["term"] == term
    vals = e.loc[sel, "estimate"].tolist()
    assert len(vals) == 1, (q, iso3, vals)
    return vals[0]


FUND = [
    # AUT: E 30, U 10, pop 10, GNI 1e9, GDP 2e9 ; BEL: E 60 (no U), pop 20, GNI 3e9, GDP 4e9
    ("AUT", 2020, "unhcr_revenue_earmarked_usd_current", 30.0),
    ("AUT", 2020, "unhcr_revenue_unearmarked_usd_current", 10.0),
    ("AUT", 2020, "population", 10.0), ("AUT", 2020, "gni_atlas_usd_current", 1e9),
    ("AUT", 2020, "gdp_usd_current", 2e9),
    ("BEL", 2020, "unhcr_revenue_earmarked_usd_current", 60.0),
    ("BEL", 2020, "population", 20.0), ("BEL", 2020, "gni_atlas_usd_current", 3e9),
    ("BEL", 2020, "gdp_usd_current", 4e9),
    ("DNK", 2020, "population", 5.0),  # no revenue: excluded (missing_counterpart)
]


def test_unhcr_funding_share_by_hand() -> None:
    res = UnhcrFundingShare().estimate(synthetic_dataset(FUND))
    assert _get(res, "unhcr_revenue_usd", "AUT") == 40.0
    assert _get(res, "earmarked_share_pct", "AUT") == 75.0      # 30/40
    assert _get(res, "unearmarked_share_pct", "BEL") == 0.0     # no un-earmarked row = none
    assert _get(res, "unhcr_revenue_per_capita", "AUT") == 4.0  # 40/10
    assert _get(res, "unhcr_revenue_per_capita", "BEL") == 3.0  # 60/20
    assert math.isclose(_get(res, "unhcr_revenue_per_million_gni", "AUT"), 0.04)  # 1e6*40/1e9
    assert math.isclose(_get(res, "unhcr_revenue_per_million_gdp", "BEL"), 0.015)  # 1e6*60/4e9
    # total 100 shared 1:3 by GNI -> AUT 25, BEL 75
    assert _get(res, "key_share", "AUT") == 0.25
    assert _get(res, "fair_share", "AUT") == 25.0
    assert _get(res, "fair_share", "BEL") == 75.0
    assert _get(res, "pct_of_fair_share_met", "AUT") == 160.0   # 40/25
    assert _get(res, "pct_of_fair_share_met", "BEL") == 80.0    # 60/75
    assert _get(res, "gap", "AUT") == -15.0
    assert _get(res, "gap", "BEL") == 15.0
    assert _get(res, "fair_share", None) == 100.0
    assert _get(res, "earmarked_share_pct", None) == 90.0       # 90/100
    exc = res.excluded
    assert exc.loc[exc["iso3"] == "DNK", "reason"].tolist() == ["missing_counterpart"]
    assert res.diagnostics["used"] + len(exc) == len(FUND)


def test_unhcr_funding_share_group_and_missing() -> None:
    rows = [*FUND, ("CHE", 2020, "unhcr_revenue_earmarked_usd_current", float("nan")),
            ("CHE", 2020, "gni_atlas_usd_current", 5e9)]
    res = UnhcrFundingShare(group=("AUT",), group_name="Austria alone").estimate(
        synthetic_dataset(rows))
    assert _get(res, "fair_share", "AUT") == 40.0  # AUT shares its own total alone
    assert _get(res, "fair_share", None, "Austria alone") == 40.0
    assert res.diagnostics["outside_key"] == {2020: ["BEL"]}
    assert "CHE" not in set(res.estimates["iso3"].dropna())  # missing stays missing
    che = res.excluded[res.excluded["iso3"] == "CHE"]
    assert set(che["reason"]) == {"missing_value", "missing_counterpart"}


def test_non_government_needs_ceb_source() -> None:
    with pytest.raises(bs.EstimatorError, match="non_government"):
        UnhcrFundingShare(non_government=True).estimate(synthetic_dataset(FUND))


RESET = [("CAN", 2020, "gdp_usd_current", 1e12), ("CAN", 2020, "resettlement_arrivals", 300.0),
         ("CAN", 2020, "population", 3e7),
         ("DEU", 2020, "gdp_usd_current", 3e12), ("DEU", 2020, "resettlement_arrivals", 600.0),
         ("DEU", 2020, "population", 8e7)]


def test_resettlement_effort_by_hand() -> None:
    est = ResettlementEffort(target_persons=1000, target_source="test target",
                             group=("CAN", "DEU"))
    res = est.estimate(synthetic_dataset(RESET))
    assert _get(res, "fair_share", "CAN") == 250.0               # 1000 * 1/4
    assert _get(res, "allocation", "DEU") == 750.0
    assert _get(res, "pct_of_fair_share_met", "CAN") == 120.0    # 300/250
    assert _get(res, "gap", "DEU") == 150.0                      # 750-600
    assert math.isclose(_get(res, "arrivals_per_1000_inhabitants", "CAN"), 0.01)  # 1000*300/3e7
    assert math.isclose(_get(res, "arrivals_per_1000_inhabitants", "DEU"), 0.0075)


def test_resettlement_target_needs_source() -> None:
    with pytest.raises(bs.ParameterError, match="target_source"):
        ResettlementEffort(target_persons=1000, group=("CAN", "DEU"))


def test_support_gap_by_hand() -> None:
    rows = [("JOR", 2020, "host_cost_usd_current", 1000.0),
            ("JOR", 2020, "oda_received_usd_current", 400.0),
            ("LBN", 2020, "host_cost_usd_current", 500.0),
            ("LBN", 2020, "oda_received_usd_current", 800.0),
            ("TUR", 2020, "host_cost_usd_current", 900.0)]  # no support: excluded
    res = SupportGap().estimate(synthetic_dataset(rows))
    assert _get(res, "support_gap_usd", "JOR") == 600.0
    assert _get(res, "support_coverage_pct", "JOR") == 40.0
    assert _get(res, "support_gap_usd", "LBN") == -300.0
    assert _get(res, "support_coverage_pct", "LBN") == 160.0
    assert "TUR" not in set(res.estimates["iso3"])
    assert res.excluded["reason"].tolist() == ["missing_counterpart"]
    assert "NOT refugee-specific" in res.assumptions[0]
    assert all("not refugee-specific" in t for t in
               res.estimates.loc[res.estimates["quantity"] != "host_cost_usd", "term"])


def test_support_gap_refugee_funding() -> None:
    rows = [("JOR", 2020, "host_cost_usd_current", 1000.0),
            ("JOR", 2020, "refugee_funding_received_usd_current", 250.0)]
    res = SupportGap(support="refugee_funding_received_usd_current").estimate(
        synthetic_dataset(rows))
    assert _get(res, "support_gap_usd", "JOR") == 750.0
    assert not any("NOT refugee-specific" in a for a in res.assumptions)


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=PLEDGE_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in PLEDGE_COLUMNS})
    return path


def _pledge(pid: str, status: str, amount: object = "", done: object = "",
            cur: str = "USD") -> dict[str, object]:
    return {"pledge_id": pid, "forum": "GRF test", "entity": "Testland", "entity_iso3": "AUT",
            "entity_type": "State", "pledge_type": "financial", "area": "Education",
            "amount": amount, "amount_fulfilled": done, "currency": cur if amount != "" else "",
            "year_pledged": 2019, "status": status, "as_of": "2021-05-19", "source": "test"}


def test_pledge_fulfilment_by_hand(tmp_path: Path) -> None:
    f = _write(tmp_path / "p.csv", [_pledge("1", "Fulfilled", 100, 100),
                                    _pledge("2", "In progress", 300, 50),
                                    _pledge("3", "", 200),
                                    _pledge("4", "Planning stage")])  # amount not stated
    res = PledgeFulfilment(pledge_file=str(f)).estimate(synthetic_dataset(FUND))
    term = "all pledges | as of 2021-05-19"
    assert _get(res, "pledges", None, term) == 4
    assert _get(res, "reporting_rate_pct", None, term) == 75.0     # 3 of 4 with a status
    assert math.isclose(_get(res, "fulfilment_rate_pct", None, term), 100 / 3)  # 1 of 3
    assert _get(res, "pledges_without_amount", None, term) == 1
    t2 = term + " | USD"
    assert _get(res, "amount_pledged", None, t2) == 600.0          # 100+300+200, never +0
    assert _get(res, "amount_fulfilled", None, t2) == 150.0
    assert _get(res, "amount_delivered_pct", None, t2) == 37.5     # 150/400
    assert len(res.diagnostics["pledge_file_sha256"]) == 64
    assert res.provenance.params["pledge_file"] == str(f)
    with pytest.raises(bs.EstimatorError, match="sha256"):
        PledgeFulfilment(pledge_file=str(f), pledge_file_sha256="0" * 64).estimate(
            synthetic_dataset(FUND))


def test_pledge_reader_locates_errors(tmp_path: Path) -> None:
    bad = _pledge("1", "Done", 100)
    bad["currency"] = ""
    bad["as_of"] = "2018-01-01"
    f = _write(tmp_path / "bad.csv", [_pledge("1", "Fulfilled"), bad])
    with pytest.raises(bs.DataValidationError) as err:
        read_pledges(f)
    fails = err.value.failures
    assert set(fails["line"]) == {3}
    assert {"status", "currency", "as_of"} <= set(fails["column"])


def test_template_is_empty() -> None:
    tpl = bs.io.sample_path("pledges_template.csv")
    assert tpl.read_text(encoding="utf-8").strip() == ",".join(PLEDGE_COLUMNS)
    assert read_pledges(tpl).empty
    with pytest.raises(bs.EstimatorError, match="no pledge"):
        PledgeFulfilment(pledge_file=str(tpl)).estimate(synthetic_dataset(FUND))


def test_balance_rows_equal_components(recent_data: bs.Dataset) -> None:
    d = recent_data.select(years=(2022, 2022))
    res = ResponsibilityBalance().estimate(d)
    e = res.estimates
    fund = UnhcrFundingShare().estimate(d).estimates
    a = e[(e["term"] == "unhcr_funding") & (e["quantity"] == "unhcr_revenue_per_capita")]
    b = fund[(fund["quantity"] == "unhcr_revenue_per_capita")]
    assert np.allclose(a.set_index("iso3")["estimate"].sort_index(),
                       b.set_index("iso3")["estimate"].sort_index())
    assert {"hosting", "unhcr_funding", "resettlement"} <= set(e["term"])
    skipped = res.diagnostics["components_skipped"]
    reg = bs.registry.available()
    terms = set(e["term"])
    for comp, name in (("oda_effort", "oda_gni_commitment"),
                       ("in_donor_refugee_costs", "in_donor_refugee_costs")):
        if name not in reg:  # degrades: skipped and said so
            assert comp in skipped
            assert any(comp in a for a in res.assumptions)
        else:  # registered: included unless its data are absent
            assert comp in skipped or any(t.startswith(comp) for t in terms)


def test_balance_without_dac_components(recent_data: bs.Dataset) -> None:
    d = recent_data.select(years=(2022, 2022))
    res = ResponsibilityBalance(components=("hosting", "unhcr_funding")).estimate(d)
    assert set(res.estimates["term"]) == {"hosting", "unhcr_funding"}
    assert res.diagnostics["used"] + len(res.excluded) == len(
        d.observations[d.observations["indicator"].isin(ResponsibilityBalance(
            components=("hosting", "unhcr_funding")).inputs())])
