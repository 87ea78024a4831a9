"""The demo's contributions family runs through 2025 (issue 14) and says which years are OECD
preliminary data and which methods stop earlier (their inputs end in 2024).

Independent source: the embedded samples' coverage, stated in ``data_samples/README.md``
(OECD DAC to 2025, UN CEB revenue of UNHCR to 2024); no number is checked here.
"""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.compare import compare
from burdenshare.demo import FAMILIES, _print_family


@pytest.fixture(scope="module")
def family_run():
    fam = next(f for f in FAMILIES if f.key == "contributions")
    sub, year = fam.select(bs.load_sample())
    return fam, year, compare(fam.estimators(year), sub, on_error="record")


def test_contributions_family_reaches_2025(family_run) -> None:
    _fam, year, comp = family_run
    assert year == 2025
    assert comp.failures == {}
    for name in ("in_donor_refugee_costs", "oda_gni_commitment", "resettlement_effort",
                 "responsibility_balance"):
        assert 2025 in set(comp.results[name].estimates["year"].dropna().astype(int)), name


def test_demo_prints_2025_labelled_and_the_years_a_method_lacks(
        family_run, capsys: pytest.CaptureFixture[str]) -> None:
    fam, year, comp = family_run
    _print_family(fam, year, comp)
    out = capsys.readouterr().out
    assert "== Contributions against commitments, 2022-2025 ==" in out
    line25 = next(ln for ln in out.splitlines() if ln.strip().startswith("2025  USD"))
    assert line25.endswith("(OECD preliminary)")
    assert ("note: unhcr_funding_share: no estimates for 2025 (unhcr_revenue_earmarked_usd_"
            "current, unhcr_revenue_unearmarked_usd_current have no data after 2024)") in out
