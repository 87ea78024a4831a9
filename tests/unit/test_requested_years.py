"""Never silently fewer years (issue 14): a year asked for with ``Dataset.select(years=...)``
that yields no estimate is listed in ``Result.excluded`` (reason ``year_without_data``) and
printed as one warning line per estimator by the CLI (exit code 0).

Independent source of every expectation: the synthetic data written in the test (source
``synthetic_test``; which years exist is set by hand), so the years without data are known.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.cli import main
from burdenshare.estimators.contributions_dac import InDonorRefugeeCosts
from burdenshare.indicators import VOCABULARY
from burdenshare.provenance import years_without_estimates_line

SRC = {"synthetic_test": bs.Source(id="synthetic_test", title="synthetic test data",
                                   publisher="burdenshare tests")}
SOURCES_JSON = '{"synthetic_test": {"title": "synthetic", "publisher": "tests"}}'


def _rows() -> list[tuple[str, int, str, float]]:
    rows = []
    for y in (2020, 2021, 2022):  # IDRC, ODA and GNI to 2022
        for iso3, scale in (("DEU", 1.0), ("SWE", 0.5)):
            rows += [(iso3, y, "idrc_usd_million_current", 100.0 * scale),
                     (iso3, y, "oda_usd_million_current", 1000.0 * scale),
                     (iso3, y, "gni_usd_million_current", 200000.0 * scale)]
    # 2023: ODA only (no IDRC, no GNI)
    rows += [("DEU", 2023, "oda_usd_million_current", 1100.0)]
    return rows


def synthetic_dataset() -> bs.Dataset:
    recs = [{"iso3": i, "year": y, "indicator": ind, "value": v, "unit": VOCABULARY[ind].unit,
             "source": "synthetic_test"} for i, y, ind, v in _rows()]
    return bs.Dataset.from_frame(pd.DataFrame(recs), SRC, origin="synthetic_requested_years")


def _gaps(res: bs.Result) -> pd.DataFrame:
    return res.excluded[res.excluded["reason"] == "year_without_data"]


def test_select_records_requested_years() -> None:
    d = synthetic_dataset()
    assert d.requested_years is None
    assert d.select(years=(2021, 2024)).requested_years == (2021, 2022, 2023, 2024)
    assert d.select(years=[2024, 2020]).requested_years == (2020, 2024)


def test_select_without_years_and_concat_keep_them() -> None:
    d = synthetic_dataset().select(years=(2021, 2024))
    assert d.select(iso3=["DEU"]).requested_years == (2021, 2022, 2023, 2024)
    other = synthetic_dataset().select(years=(2020, 2020), iso3=["SWE"])
    both = bs.Dataset.concat([d.select(iso3=["DEU"]), other])
    assert both.requested_years == (2020, 2021, 2022, 2023, 2024)


def test_each_requested_year_without_estimate_is_excluded_with_the_last_year() -> None:
    res = InDonorRefugeeCosts(per_application=False).estimate(
        synthetic_dataset().select(years=(2021, 2024)))
    gaps = _gaps(res)
    # 2023: ODA observed, IDRC and GNI not (GNI is required; IDRC is settled per donor)
    # 2024: nothing at all
    assert sorted(set(gaps["year"])) == [2023, 2024]
    g24 = gaps[gaps["year"] == 2024].set_index("indicator")["detail"].to_dict()
    assert g24["gni_usd_million_current"] == ("no estimate for 2024: gni_usd_million_current has "
                                              "no data after 2022")
    assert g24["oda_usd_million_current"] == ("no estimate for 2024: oda_usd_million_current has "
                                              "no data after 2023")
    g23 = gaps[gaps["year"] == 2023]["indicator"].tolist()
    assert "gni_usd_million_current" in g23 and "oda_usd_million_current" not in g23
    assert gaps["iso3"].isna().all() and gaps["value"].isna().all()
    assert set(res.diagnostics["years_without_estimates"]) == {2023, 2024}


def test_no_explicit_years_no_rows() -> None:
    res = InDonorRefugeeCosts(per_application=False).estimate(synthetic_dataset())
    assert _gaps(res).empty
    assert "years_without_estimates" not in res.diagnostics


def test_all_requested_years_estimated_no_rows() -> None:
    res = InDonorRefugeeCosts(per_application=False).estimate(
        synthetic_dataset().select(years=(2020, 2022)))
    assert _gaps(res).empty


def test_warning_line_names_years_and_indicators() -> None:
    res = InDonorRefugeeCosts(per_application=False).estimate(
        synthetic_dataset().select(years=(2021, 2025)))
    line = years_without_estimates_line("in_donor_refugee_costs", res)
    assert line is not None
    assert line == ("in_donor_refugee_costs: no estimates for 2023 (gni_usd_million_current, "
                    "idrc_usd_million_current have no data after 2022); 2024-2025 ("
                    "gni_usd_million_current, idrc_usd_million_current have no data after 2022; "
                    "oda_usd_million_current has no data after 2023)")


def test_fair_share_with_a_year_studied_expects_only_that_year() -> None:
    from burdenshare.estimators.fair_share import FairShareFunding

    est = FairShareFunding(requirement_usd=1.0, group=("DEU",), year=2022)
    assert est.expected_years((2020, 2021, 2022)) == (2022,)
    assert FairShareFunding(requirement_usd=1.0, group=("DEU",)).expected_years((2021,)) == (2021,)


def _cli_files(tmp_path: Path) -> Path:
    recs = [{"iso3": i, "year": y, "indicator": ind, "value": v, "unit": VOCABULARY[ind].unit,
             "source": "synthetic_test"} for i, y, ind, v in _rows()]
    path = tmp_path / "synthetic_obs.csv"
    pd.DataFrame(recs).to_csv(path, index=False)
    (tmp_path / "sources.json").write_text(SOURCES_JSON)
    return path


def test_cli_run_warns_once_and_exits_0(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    data = _cli_files(tmp_path)
    code = main(["run", "in_donor_refugee_costs", "--data", str(data), "--years", "2020-2026",
                 "--set", "per_application=false", "--out", str(tmp_path / "r.csv")])
    _, err = capsys.readouterr()
    assert code == 0
    lines = [ln for ln in err.splitlines() if ln.startswith("warning:")]
    assert lines == ["warning: in_donor_refugee_costs: no estimates for 2023 ("
                     "gni_usd_million_current, idrc_usd_million_current have no data after "
                     "2022); 2024-2026 (gni_usd_million_current, idrc_usd_million_current have "
                     "no data after 2022; oda_usd_million_current has no data after 2023)"]
    exc = pd.read_csv(tmp_path / "r.csv.excluded.csv", keep_default_na=False, na_values=[""])
    assert set(exc.loc[exc["reason"] == "year_without_data", "year"]) == {2023, 2024, 2025, 2026}


def test_cli_compare_warns_per_estimator(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = _cli_files(tmp_path)
    code = main(["compare", "in_donor_refugee_costs", "oda_gni_commitment", "--data", str(data),
                 "--years", "2022-2024", "--set", "per_application=false",
                 "--out", str(tmp_path / "c.csv")])
    _, err = capsys.readouterr()
    assert code == 0
    warned = [ln.split(":")[1].strip() for ln in err.splitlines() if ln.startswith("warning:")]
    assert warned == ["in_donor_refugee_costs", "oda_gni_commitment"]
