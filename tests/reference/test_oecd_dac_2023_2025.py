"""OECD DAC 2023-2025 (issue 14): in-donor refugee costs, ODA, derived GNI and the 0.7 % target,
checked against the OECD's published figures, hand calculations and the stored releases.

Data: the embedded samples (``data_samples/oecd_dac_2023_2025.csv.gz``: 2023 final, 2024
revised, 2025 OECD preliminary; GNI derived as ODA / (ODA/GNI % / 100)) and the reference table
of every stored release (``data_samples/oecd_dac_vintages_2023_2025.csv``).

Published figures (quoted in ``shared/data/_provenance/added_2026_12/
oecd_dac_idrc_oda_by_donor_2023_2025_current_usd.README.md``):

* OECD statement of 16 April 2025 (preliminary 2024 data): in-donor refugee costs "USD 27.8
  billion, 13.1 % of total ODA, down from 14.6 % in 2023"; DAC ODA USD 212.1 bn; ODA of the
  largest donors "US 63.3 bn, Germany 32.4, UK 18.0, Japan 16.8, France 15.4".
* OECD April 2024 (preliminary 2023 data): USD 31 bn, 13.8 % of ODA - an earlier release than
  any stored file (the final 2023 data are 32.54 bn, 14.57 %).

Tolerances: a figure printed to 0.1 bn or 0.1 % is matched to half a unit of its last digit
(0.05), which is its rounding; a gap between releases is never absorbed into a tolerance but
marked ``xfail(strict=True)`` with its size.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import burdenshare as bs
from burdenshare.estimators.contributions_dac import (
    PRELIMINARY_LABEL,
    InDonorRefugeeCosts,
    OdaGniCommitment,
    as_published,
    vintage_dataset,
)

pytestmark = pytest.mark.reference

#: The 2024 preliminary release the OECD statement of 16 April 2025 describes (ONE oda-dashboard
#: commit a2b465b of 2025-09-02; its totals equal those of ab7a9f0, 2025-12-19).
PRELIM_2024 = "a2b465bbeb24a4a660306831fd2d8ede32a69959"
HALF_TENTH = 0.05  # a figure printed to 0.1 (bn or %): half a unit of the last digit


@pytest.fixture(scope="module")
def sample() -> bs.Dataset:
    return bs.load_sample()


@pytest.fixture(scope="module")
def recent(sample: bs.Dataset) -> bs.Dataset:
    return sample.select(years=(2022, 2025))


@pytest.fixture(scope="module")
def idrc(recent: bs.Dataset) -> bs.Result:
    return InDonorRefugeeCosts(per_application=False).estimate(recent)


def _groups(res: bs.Result):
    e = res.estimates
    return e[e["iso3"].isna()].pivot_table(index="year", columns="quantity", values="estimate")


def test_contributions_run_through_2025(idrc: bs.Result) -> None:
    assert sorted(set(idrc.estimates["year"].dropna().astype(int))) == [2022, 2023, 2024, 2025]
    assert idrc.excluded[idrc.excluded["reason"] == "year_without_data"].empty


def test_2023_share_is_the_oecd_revised_14_6(idrc: bs.Result) -> None:
    """OECD, 16 April 2025: '... down from 14.6 % in 2023' (printed to 0.1 %)."""
    assert _groups(idrc).loc[2023, "idrc_share_of_oda_pct"] == pytest.approx(14.6, abs=HALF_TENTH)


def test_2023_final_as_in_the_provenance_readme(idrc: bs.Result) -> None:
    """Provenance README: 2023 = USD 32.54 bn = 14.57 % of 223.31 bn (printed to 0.01)."""
    g = _groups(idrc).loc[2023]
    assert g["idrc_usd_million"] / 1000 == pytest.approx(32.54, abs=0.005)  # 0.01 bn printed
    assert g["idrc_share_of_oda_pct"] == pytest.approx(14.57, abs=0.005)  # 0.01 % printed


@pytest.mark.xfail(strict=True, reason=(
    "release gap, not a tolerance: the OECD's April-2024 PRELIMINARY 2023 figure (USD 31 bn, "
    "13.8 %) is not in any stored file; the final 2023 data say 32.54 bn (+1.54 bn) and 14.57 % "
    "(+0.77 pp)"))
def test_2023_preliminary_april_2024(idrc: bs.Result) -> None:
    g = _groups(idrc).loc[2023]
    assert g["idrc_usd_million"] / 1000 == pytest.approx(31.0, abs=0.5)  # printed to 1 bn
    assert g["idrc_share_of_oda_pct"] == pytest.approx(13.8, abs=HALF_TENTH)


@pytest.fixture(scope="module")
def prelim_2024(sample: bs.Dataset) -> bs.Result:
    gni = sample.select(years=(2024, 2024), indicators=["gni_usd_million_current"])
    data = bs.Dataset.concat([vintage_dataset(2024, PRELIM_2024), gni])
    return InDonorRefugeeCosts(per_application=False).estimate(data)


def test_2024_preliminary_release_reproduces_oecd_16_april_2025(prelim_2024: bs.Result) -> None:
    """OECD, 16 April 2025: IDRC USD 27.8 bn, 13.1 % of DAC ODA of USD 212.1 bn."""
    g = _groups(prelim_2024).loc[2024]
    assert g["idrc_usd_million"] / 1000 == pytest.approx(27.8, abs=HALF_TENTH)
    assert g["idrc_share_of_oda_pct"] == pytest.approx(13.1, abs=HALF_TENTH)
    oda = 100 * g["idrc_usd_million"] / g["idrc_share_of_oda_pct"]
    assert oda / 1000 == pytest.approx(212.1, abs=HALF_TENTH)


@pytest.mark.parametrize(("iso3", "bn"), [("USA", 63.3), ("DEU", 32.4), ("GBR", 18.0),
                                          ("JPN", 16.8), ("FRA", 15.4)])
def test_2024_preliminary_oda_of_largest_donors(iso3: str, bn: float) -> None:
    """OECD, 16 April 2025: ODA 'US 63.3 bn, Germany 32.4, UK 18.0, Japan 16.8, France 15.4'."""
    obs = vintage_dataset(2024, PRELIM_2024).observations
    v = obs[(obs["iso3"] == iso3) & (obs["indicator"] == "oda_usd_million_current")]["value"]
    assert v.item() / 1000 == pytest.approx(bn, abs=HALF_TENTH)


@pytest.mark.xfail(strict=True, reason=(
    "release gap, not a tolerance: the embedded 2024 data are the revised release of 2026-01-23 "
    "(27.92 bn, 13.02 % of 214.55 bn), the OECD statement the preliminary one (27.8 bn, 13.1 %): "
    "+0.12 bn, -0.08 pp, ODA +2.5 bn"))
def test_2024_embedded_revised_vs_preliminary_statement(idrc: bs.Result) -> None:
    g = _groups(idrc).loc[2024]
    assert g["idrc_usd_million"] / 1000 == pytest.approx(27.8, abs=HALF_TENTH)


def test_2025_is_labelled_preliminary_everywhere(idrc: bs.Result, recent: bs.Dataset) -> None:
    e = idrc.estimates
    terms25 = e.loc[e["year"] == 2025, "term"]
    assert len(terms25) > 0 and terms25.str.endswith(PRELIMINARY_LABEL).all()
    assert not e.loc[e["year"] < 2025, "term"].str.contains("preliminary").any()
    assert idrc.diagnostics["preliminary_years"] == {
        2025: "oecd_dac1_2025_preliminary_one_2026_04_09"}
    assert any(a.startswith("2025: OECD PRELIMINARY data") for a in idrc.assumptions)
    vintages = {s["id"]: s["vintage"] for s in idrc.provenance.sources}
    assert vintages["oecd_dac1_2025_preliminary_one_2026_04_09"].startswith(
        "OECD preliminary, April 2026")


def test_label_survives_csv_export(idrc: bs.Result, tmp_path) -> None:
    import pandas as pd

    paths = bs.write_result(idrc, tmp_path / "idrc.csv") if hasattr(bs, "write_result") else None
    if paths is None:
        from burdenshare.export import write_result

        write_result(idrc, tmp_path / "idrc.csv")
    back = pd.read_csv(tmp_path / "idrc.csv", keep_default_na=False, na_values=[""])
    assert back.loc[back["year"] == 2025, "term"].str.contains(PRELIMINARY_LABEL).all()


def test_derived_gni_hand_calculation(recent: bs.Dataset) -> None:
    """Provenance README: Germany 2025 ODA 29,088.64 (US$ m) and ODA/GNI 0.55813 %, so
    GNI = 29,088.64 / 0.0055813 = 5,211,803.70 US$ million (hand calculation; rel 1e-12 = one
    float division)."""
    obs = recent.observations
    g = obs[(obs["iso3"] == "DEU") & (obs["year"] == 2025)
            & (obs["indicator"] == "gni_usd_million_current")]
    assert g["source"].item() == "oecd_dac_gni_derived_oda_over_ratio_2023_2025"
    assert g["value"].item() == pytest.approx(29088.64 / 0.0055813, rel=1e-12)
    assert g["value"].item() == pytest.approx(5_211_803.70, abs=0.005)


def test_derived_gni_states_its_precision(recent: bs.Dataset) -> None:
    """The bound |error|/GNI <= (1 + 0.005/ODA) / (1 - 0.000005/ratio) - 1, recomputed by hand
    from ODA and the ratio recovered for every derived row; its maximum is quoted in the
    Source derivation (to 4 decimals of a percent)."""
    obs = recent.observations
    gni = obs[obs["source"] == "oecd_dac_gni_derived_oda_over_ratio_2023_2025"]
    oda = obs[obs["indicator"] == "oda_usd_million_current"].set_index(["iso3", "year"])["value"]
    worst = 0.0
    for r in gni.itertuples():
        o = Decimal(repr(float(oda[(r.iso3, r.year)])))
        ratio = (100 * o / Decimal(repr(float(r.value)))).quantize(Decimal("0.00001"))
        worst = max(worst, float((1 + Decimal("0.005") / o) / (1 - Decimal("0.000005") / ratio)
                                 - 1))
    text = recent.sources["oecd_dac_gni_derived_oda_over_ratio_2023_2025"].derivation
    assert f"at most {100 * worst:.4f} %" in text
    assert worst < 1e-4  # better than 0.01 %


@pytest.mark.parametrize(("iso3", "year"), [("AUS", 2023), ("LUX", 2023), ("AUS", 2024),
                                            ("AUS", 2025)])
def test_zero_that_may_be_missing_is_not_a_real_zero(recent: bs.Dataset, idrc: bs.Result,
                                                     iso3: str, year: int) -> None:
    """Flagged idrc_zero_may_be_missing in the shared file: no observation, no IDRC row for the
    donor, but the donor's ODA counts in the group (as in the OECD's totals)."""
    obs = recent.observations
    here = obs[(obs["iso3"] == iso3) & (obs["year"] == year)]
    assert "idrc_usd_million_current" not in set(here["indicator"])
    assert "oda_usd_million_current" in set(here["indicator"])
    e = idrc.estimates
    assert e[(e["iso3"] == iso3) & (e["year"] == year)].empty
    src = here.loc[here["indicator"] == "oda_usd_million_current", "source"].item()
    assert f"{iso3} {year}" in recent.sources[src].derivation


def test_germany_2016_meets_the_target_as_the_oecd_judges_it(sample: bs.Dataset) -> None:
    """shared/data/README.md §8: 'Germany 2016 is 0.70 % published (0.6993 unrounded) and the
    OECD says it met the target.' Unrounded ratio to 0.00005 (quoted to 4 decimals)."""
    res = OdaGniCommitment().estimate(sample.select(iso3=["DEU"], years=(2016, 2016)))
    e = res.estimates.set_index(["quantity", "iso3"])["estimate"]
    assert e[("oda_gni_pct", "DEU")] == pytest.approx(0.6993, abs=0.00005)
    assert e[("oda_gni_pct_published_basis", "DEU")] == 0.70
    assert e[("meets_0_7_target", "DEU")] == 1.0
    assert e[("gap_to_0_7_pct_points", "DEU")] == pytest.approx(0.0007, abs=0.00005)
    assert res.diagnostics["target_met_as_published_not_unrounded"] == [
        "DEU 2016: 0.6993 unrounded, 0.70 ratio as published"]


@pytest.mark.parametrize(("ratio", "published"), [(0.6993, 0.70), (0.695, 0.70), (0.6949, 0.69),
                                                  (0.33703, 0.34), (0.25633, 0.26)])
def test_as_published_rounds_half_up_to_two_decimals(ratio: float, published: float) -> None:
    """Hand rounding; the last two are the DAC totals 2024 and 2025 of the provenance README
    (0.33703 -> 0.34; the OECD's preliminary 2024 figure was 0.33 %, on an earlier release)."""
    assert as_published(ratio) == published


def test_oda_gni_2025_labelled_and_rounds_to_published(recent: bs.Dataset) -> None:
    """Germany 2025: 0.55813 % (provenance README) recomputed from ODA and derived GNI (rel
    1e-9: two float operations), published basis 0.56, not met, term says preliminary."""
    res = OdaGniCommitment().estimate(recent.select(iso3=["DEU"]))
    e = res.estimates
    e = e[e["iso3"] == "DEU"]
    r = e[(e["quantity"] == "oda_gni_pct") & (e["year"] == 2025)]
    assert r["estimate"].item() == pytest.approx(0.55813, rel=1e-9)
    assert r["term"].item().endswith(PRELIMINARY_LABEL)
    m = e[(e["quantity"] == "meets_0_7_target") & (e["year"] == 2025)]
    assert m["estimate"].item() == 0.0
