"""The EU 2015 key and Grech's alternative key against Grech (2017), Tables 1 and 2 and the toy
model, computed from the inputs the paper prints.

Source: P. Grech, "Undesired properties of the European Commission's refugee distribution key",
*European Union Politics* (online first 2016, print 2017), doi:10.1177/1465116516649244; the PDF
``grech2016.pdf`` of the public repository ``georgeblck/refugee-distribution`` at commit 16cb1b8
(sha256 026fb48c...e7e). Table 1 (pages 14-15) and Table 2 (pages 20-21) were extracted with
``pdftotext -raw`` by ``tests/reference/external/grech_2017/extract_tables.py`` into
``table1.csv`` and ``table2.csv`` (the printed text, unchanged); the toy model is on pages 8-11.

The tables print their inputs: population and GDP shares (4 decimals), unemployment rates
(1 decimal, %), past asylum applications per million (Table 1, whole numbers) or per capita
(Table 2, 5 decimals). We feed exactly those printed numbers to the estimators.

Tolerance: 1e-4 on every key (base, uncapped, capped, alternative). Each printed output is rounded
to 4 decimals (+/- 5e-5) and the printed inputs are rounded too; their propagation stays below
another 5e-5 for every State but one cell: Portugal's uncapped key, whose input x = 48 (printed
as a whole number) moves its pure asylum effect by up to 1 % (see the dedicated test).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.distribution_keys import GRECH_2017_STATES, EuRelocation2015, Grech2017

pytestmark = pytest.mark.reference

HERE = Path(__file__).resolve().parent / "external" / "grech_2017"
#: printed outputs have 4 decimals (5e-5) and the printed inputs add at most another 5e-5
KEY_TOL = 1e-4
#: modulating factors are printed with 2 decimals (5e-3); the rounded inputs add < 1e-9 here
LAMBDA_TOL = 5e-3 + 1e-9
#: percentages printed with 2 decimals: +/- 0.005 percentage points, plus the 4-decimal rounding
#: of the shares they are computed from (our shares are unrounded): 0.01 pp is enough for the
#: fully capped States, whose ratio to the base share does not depend on the base share itself
PCT_TOL = 0.01

SOURCE = bs.Source(
    id="grech_2017_printed_inputs",
    title="Grech (2017), Undesired properties of the European Commission's refugee distribution "
          "key, Tables 1-2 (printed inputs)",
    publisher="European Union Politics (P. Grech)",
)
YEAR = 2014  # one year for every printed input; the estimators are told so


def _dataset(rows: list[tuple[str, str, float]]) -> bs.Dataset:
    from burdenshare.indicators import VOCABULARY

    frame = pd.DataFrame([{"iso3": i, "year": YEAR, "indicator": ind, "value": v,
                           "unit": VOCABULARY[ind].unit, "source": SOURCE.id}
                          for i, ind, v in rows])
    return bs.Dataset.from_frame(frame, {SOURCE.id: SOURCE}, origin="Grech (2017) printed inputs")


def _from_table(t: pd.DataFrame, effort: pd.Series) -> bs.Dataset:
    rows: list[tuple[str, str, float]] = []
    for iso3, pop, gdp, y, x in zip(t["iso3"], t["pi_pop"], t["pi_gdp"], t["y_pct"], effort):
        rows += [(iso3, "population", pop), (iso3, "gdp_usd_current", gdp),
                 (iso3, "unemployment_rate", y), (iso3, "asylum_effort_per_million", x)]
    return _dataset(rows)


def _common(states: tuple[str, ...]) -> dict[str, object]:
    return {"states": states, "population_year": YEAR, "gdp_year": YEAR,
            "unemployment_year": YEAR, "effort_years": (YEAR, YEAR), "effort": "given",
            "key_year": YEAR}


@pytest.fixture(scope="module")
def table1() -> pd.DataFrame:
    return pd.read_csv(HERE / "table1.csv").set_index("iso3", drop=False)


@pytest.fixture(scope="module")
def table2() -> pd.DataFrame:
    return pd.read_csv(HERE / "table2.csv").set_index("iso3", drop=False)


@pytest.fixture(scope="module")
def ec_table1(table1) -> pd.DataFrame:
    """The EC key on Table 1's inputs, capped on the base share (as Table 1 is computed)."""
    data = _from_table(table1, table1["x_per_million"])
    est = EuRelocation2015(cap_basis="base_share", **_common(tuple(table1["iso3"])))
    return _wide(est.estimate(data))


def _wide(res: bs.Result) -> pd.DataFrame:
    e = res.estimates[res.estimates["iso3"].notna() & (res.estimates["iso3"] != "None")]
    return e.pivot_table(index="iso3", columns="quantity", values="estimate")


def _ratio_pct(wide: pd.DataFrame, index: pd.Index) -> pd.Series:
    """(key share / base share - 1) x 100, Grech's last column, in the table's State order."""
    return ((wide["key_share"] / wide["base_share"] - 1) * 100).reindex(index)


def test_tables_list_the_32_eu_efta_states(table1, table2) -> None:
    assert len(table1) == len(table2) == 32
    assert sorted(table1.index) == sorted(table2.index) == list(GRECH_2017_STATES)


@pytest.mark.parametrize(("ours", "printed"), [
    ("base_share", "pi_base"),
    ("key_share", "pi"),                      # capped key with residual (Table 1, column pi_i)
    ("unemployment_inverse_share", "pi_un_pure"),
    ("unemployment_effect", "pi_un"),
    ("effort_effect", "pi_as"),
])
def test_table1_column_reproduced_to_1e_4(ec_table1, table1, ours, printed) -> None:
    err = (ec_table1[ours] - table1[printed]).abs()
    assert err.max() <= KEY_TOL, err.sort_values().tail(3).to_dict()


def test_table1_uncapped_key_reproduced_to_1e_4_except_portugal(ec_table1, table1) -> None:
    err = (ec_table1["uncapped_key_share"] - table1["pi_pure"]).abs()
    assert err.drop("PRT").max() <= KEY_TOL, err.sort_values().tail(3).to_dict()


def test_portugal_uncapped_key_lies_within_the_rounding_of_its_printed_effort(table1) -> None:
    """x_PRT is printed as 48: any value in [47.5, 48.5) was possible. Over that interval the
    uncapped key spans the printed 0.0298 (within its own rounding)."""
    keys = []
    for x_prt in (47.5, 48.5):
        effort = table1["x_per_million"].astype(float).copy()
        effort["PRT"] = x_prt
        est = EuRelocation2015(variant="uncapped", **_common(tuple(table1["iso3"])))
        keys.append(_wide(est.estimate(_from_table(table1, effort)))["key_share"]["PRT"])
    printed = table1.loc["PRT", "pi_pure"]
    assert min(keys) - 5e-5 <= printed <= max(keys) + 5e-5, (keys, printed)


def test_table1_pure_asylum_effect_lies_within_the_rounding_of_the_printed_efforts(
        ec_table1, table1) -> None:
    """pi^pure_as = (1/x_i) / sum_j (1/x_j) with every x printed as a whole number (true value
    within +/- 0.5). Its exact range: smallest with x_i high and the others low, largest the
    other way round. Every printed value lies in its range (plus its own rounding, 5e-5)."""
    x = table1["x_per_million"].astype(float)
    inv_lo, inv_hi = 1 / (x + 0.5), 1 / (x - 0.5)
    lowest = inv_lo / (inv_lo + inv_hi.sum() - inv_hi)
    highest = inv_hi / (inv_hi + inv_lo.sum() - inv_lo)
    printed = table1["pi_as_pure"]
    assert ((lowest - 5e-5 <= printed) & (printed <= highest + 5e-5)).all()
    # and our estimator computes exactly that function of x
    expected = ((1 / x) / (1 / x).sum()).reindex(ec_table1.index)
    assert np.allclose(ec_table1["effort_inverse_share"], expected, rtol=1e-12)


def test_table1_paradoxical_shifts_have_the_printed_sign(ec_table1, table1) -> None:
    """Grech's Undesired Property 1 on real data: Germany, France, Italy and Sweden lose share
    against their base share although they have lower unemployment and fewer past applications
    per capita than e.g. Cyprus, which gains."""
    ours = _ratio_pct(ec_table1, table1.index)
    printed = table1["final_vs_base_pct"]
    assert (np.sign(ours) == np.sign(printed)).all(), (ours - printed).round(2).to_dict()
    for iso3 in ("DEU", "FRA", "ITA", "SWE"):
        assert ours[iso3] < 0 < ours["CYP"]
    assert table1.loc["DEU", "y_pct"] < table1.loc["CYP", "y_pct"]
    assert table1.loc["DEU", "x_per_million"] < table1.loc["CYP", "x_per_million"]


def test_table1_fully_capped_states_gain_the_printed_2_06_percent(ec_table1, table1) -> None:
    ours = _ratio_pct(ec_table1, table1.index)
    capped = table1.index[table1["final_vs_base_pct"] == 2.06]
    assert len(capped) == 21
    assert (ours[capped] - 2.06).abs().max() <= PCT_TOL


def test_equation_2_as_printed_does_not_produce_table_1(table1) -> None:
    """Grech's eq. (2) caps at 2 kappa x base share (= kappa x (population + GDP share)), but
    his Table 1 is computed with kappa x base share: the printed formula misses by > 1e-3."""
    est = EuRelocation2015(cap_basis="population_plus_gdp_share",
                           **_common(tuple(table1["iso3"])))
    wide = _wide(est.estimate(_from_table(table1, table1["x_per_million"])))
    assert (wide["key_share"] - table1["pi"]).abs().max() > 1e-3


def test_effective_corrective_weights_are_at_most_6_percent(table1) -> None:
    """Undesired Property 2 (Grech eq. 10): with the cap 0.3 x (population + GDP share), the
    effective weights of the corrective effects are at most 0.1 x 2 x 0.3 = 0.06 and those of
    population and GDP at least 0.44."""
    est = EuRelocation2015(**_common(tuple(table1["iso3"])))
    d = est.estimate(_from_table(table1, table1["x_per_million"])).diagnostics
    assert d["effective_weight_effort"] <= 0.06
    assert d["effective_weight_unemployment"] <= 0.06
    assert d["effective_weight_population"] >= 0.44
    assert d["effective_weight_gdp"] >= 0.44
    total = sum(d[f"effective_weight_{k}"] for k in ("population", "gdp", "effort",
                                                      "unemployment"))
    assert total == pytest.approx(1.0, abs=1e-12)


@pytest.fixture(scope="module")
def grech_table2(table2) -> pd.DataFrame:
    data = _from_table(table2, table2["x_per_capita"] * 1e6)
    return _wide(Grech2017(**_common(tuple(table2["iso3"]))).estimate(data))


@pytest.mark.parametrize(("ours", "printed", "tol"), [
    ("base_share", "pi_base", KEY_TOL),
    ("key_share_unemployment_only", "pi_star", KEY_TOL),   # pi*_i, eq. (11)
    ("key_share", "pi_star_star", KEY_TOL),                # pi**_i, eq. (14)
    ("modulating_factor_unemployment", "lambda_un", LAMBDA_TOL),
    ("modulating_factor_asylum", "lambda_as", LAMBDA_TOL),
])
def test_table2_column_reproduced(grech_table2, table2, ours, printed, tol) -> None:
    err = (grech_table2[ours] - table2[printed]).abs()
    assert err.max() <= tol, err.sort_values().tail(3).to_dict()


def test_table2_alternative_key_has_no_paradoxical_shift(grech_table2, table2) -> None:
    """Grech's key: a State with higher unemployment never gains more against its base share
    than one with lower unemployment (gamma_as = 0, eq. 11)."""
    ratio = grech_table2["key_share_unemployment_only"] / grech_table2["base_share"]
    y = table2["y_pct"]
    order = y.sort_values(kind="mergesort").index
    assert (np.diff(ratio[order].to_numpy()) <= 1e-12).all()


# --------------------------------------------------------------------------- toy model
def _toy(cap_fraction: float, variant: str) -> pd.Series:
    """Grech pp. 8-11: State 1 has 49 million inhabitants and 9 % unemployment, State 2 one
    million and 11 %; weights 0.8 population, 0.2 unemployment. GDP is given equal to the
    population so that 0.3 x (population + GDP share) is his 2 kappa_2 x population share."""
    rows = [(c, ind, v) for c, p, y in (("AUT", 49e6, 9.0), ("BEL", 1e6, 11.0))
            for ind, v in (("population", p), ("gdp_usd_current", p), ("unemployment_rate", y))]
    est = EuRelocation2015(states=("AUT", "BEL"), variant=variant, cap_fraction=cap_fraction,
                           weight_population=0.8, weight_gdp=0.0, weight_effort=0.0,
                           weight_unemployment=0.2, population_year=YEAR, gdp_year=YEAR,
                           unemployment_year=YEAR, key_year=YEAR)
    res = est.estimate(_dataset(rows))
    e = res.estimates
    return e[e["quantity"] == "key_share"].set_index("iso3")["estimate"]


def test_toy_model_regime_1_without_cap_is_exact() -> None:
    """pi_1 = 0.8 x 0.98 + 0.2 x 0.55 = 0.8940 < 0.98 (a paradoxical shift), pi_2 = 0.1060."""
    k = _toy(0.3, "uncapped")
    assert k["AUT"] == pytest.approx(0.8940, abs=1e-12)
    assert k["BEL"] == pytest.approx(0.1060, abs=1e-12)


def test_toy_model_regime_2_moderate_cap_attenuates_but_keeps_the_shift() -> None:
    """kappa_2 = 0.3: pi_1 = 0.9798 < 0.9800 and pi_2 = 0.0202 > 0.0200 (printed, 4 decimals)."""
    k = _toy(0.3, "capped")
    assert k["AUT"] == pytest.approx(0.9798, abs=5e-5)
    assert k["BEL"] == pytest.approx(0.0202, abs=5e-5)
    assert k["AUT"] < 0.98 < k["AUT"] + 0.0003
