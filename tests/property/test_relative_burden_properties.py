"""Invariants of the relative-burden estimators on synthetic panels (hypothesis).

Panels have 2-8 countries drawn from a fixed list of real ISO3 codes (codes are validated) and
1-4 consecutive years; every observation carries the source id ``synthetic_panel``. The synthetic
population is indicator ``population``, so the per-capita estimators are built with
``population_source="wdi"`` (the default ``un_wpp`` reads ``population_un_wpp``). The settings
profile ``ci`` (deadline=None, derandomize=True, database=None, max_examples=60) is loaded in
``tests/property/conftest.py``.

Independent source of each expected value: the invariant itself (an algebraic identity of the
formula in ``methodology/<name>.md``), evaluated on the estimator's own outputs for two related
inputs. Tolerances: ``REL = 1e-12`` relative where the two sides differ only by the order of a few
floating-point operations (each step rounds at ~1e-16; sums over <= 8 countries stay far below
1e-12); ``SUM_ABS = 1e-12`` absolute for sums of shares that must equal 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.indicators import VOCABULARY

pytestmark = pytest.mark.property

REL = 1e-12
SUM_ABS = 1e-12

#: Real ISO3 codes (validated by Dataset.from_frame); none is an aggregate.
CODES = ("AUT", "BEL", "DEU", "FRA", "ITA", "ESP", "NLD", "POL", "SWE", "JOR", "LBN", "TUR",
         "UGA", "PAK", "COL", "KEN")
SOURCE = bs.Source(id="synthetic_panel", title="synthetic panel for property tests",
                   publisher="burdenshare tests")
PER_1000 = ("refugees", "population")
INDICATORS = ("refugees", "oip", "population", "gdp_usd_current",
              "gdp_ppp_per_capita_intl_current", "land_area_km2", "wb_income_group")


# --------------------------------------------------------------------------- strategies
@st.composite
def panels(draw: st.DrawFn, *, min_countries: int = 2, max_countries: int = 8) -> pd.DataFrame:
    """A wide synthetic panel: one row per (iso3, year), one column per indicator; all valid."""
    n = draw(st.integers(min_countries, max_countries))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n, unique=True))
    first = draw(st.integers(2010, 2020))
    years = list(range(first, first + draw(st.integers(1, 4))))
    m = n * len(years)
    ints = lambda lo, hi: st.lists(st.integers(lo, hi), min_size=m, max_size=m)  # noqa: E731
    floats = lambda lo, hi: st.lists(  # noqa: E731
        st.floats(lo, hi, allow_nan=False, allow_infinity=False), min_size=m, max_size=m)
    return pd.DataFrame({
        "iso3": [c for c in codes for _ in years],
        "year": [y for _ in codes for y in years],
        "refugees": draw(ints(0, 5_000_000)),
        "oip": draw(ints(0, 3_000_000)),
        "population": draw(ints(1_000, 1_500_000_000)),
        "gdp_usd_current": draw(floats(1e6, 3e13)),
        "gdp_ppp_per_capita_intl_current": draw(floats(300.0, 150_000.0)),
        "land_area_km2": draw(floats(1.0, 1.7e7)),
        "wb_income_group": draw(ints(1, 4)),
    })


def _long(wide: pd.DataFrame, indicators: tuple[str, ...] = INDICATORS) -> pd.DataFrame:
    long = wide.melt(id_vars=["iso3", "year"], value_vars=list(indicators),
                     var_name="indicator", value_name="value")
    long["unit"] = long["indicator"].map(lambda i: VOCABULARY[i].unit)
    long["source"] = SOURCE.id
    return long


def _dataset(long: pd.DataFrame) -> bs.Dataset:
    return bs.Dataset.from_frame(long, {SOURCE.id: SOURCE}, origin="synthetic_panel")


def _data(wide: pd.DataFrame, indicators: tuple[str, ...] = INDICATORS) -> bs.Dataset:
    return _dataset(_long(wide, indicators))


def _main(res: bs.Result, quantity: str | None = None) -> pd.Series:
    q = quantity or res.main_quantity
    e = res.estimates[res.estimates["quantity"] == q]
    return e.set_index(["iso3", "year"])["estimate"].sort_index()


#: estimators and parameter variants exercised by the generic properties
ESTIMATORS = [
    bs.RefugeesPer1000(population_source="wdi"),
    bs.RefugeesPer1000(population_source="wdi", who_counts=("refugees", "oip")),
    bs.RefugeesPerGdpPppPerCapita(),
    bs.RefugeesPer1000Km2(),
    bs.RefugeesPer1000Km2(area_year="same_year"),
    bs.OneInN(population_source="wdi", scenario_definitions=(("refugees", "oip"),)),
    bs.RelativeEffort(population_source="wdi"),
    bs.RelativeEffort(population_source="wdi", capacity="gdp_ppp"),
    bs.RelativeEffort(population_source="wdi", capacity="composite",
                      capacity_weights=(("population", 0.5), ("gdp_usd_current", 0.5))),
    bs.HostingConcentration(population_source="wdi"),
    bs.HostingConcentration(population_source="wdi", group_by="un_ldc", top_k=3, capacity="gdp_usd_current"),
]
estimators = st.sampled_from(ESTIMATORS)


# --------------------------------------------------------------------------- homogeneity
@given(panel=panels(), k=st.integers(2, 1000))
def test_per_1000_is_homogeneous_in_refugees(panel: pd.DataFrame, k: int) -> None:
    est = bs.RefugeesPer1000(population_source="wdi")
    base = _main(est.estimate(_data(panel, PER_1000)))
    scaled = _main(est.estimate(_data(panel.assign(refugees=panel["refugees"] * k), PER_1000)))
    # 1000 (k R) / P = k (1000 R / P)
    np.testing.assert_allclose(scaled.to_numpy(), k * base.to_numpy(), rtol=REL, atol=0)


# --------------------------------------------------------------------------- permutation
@given(panel=panels(), est=estimators, seed=st.integers(0, 2**32 - 1))
def test_shuffling_input_rows_changes_nothing(panel: pd.DataFrame, est: bs.EstimatorBase,
                                              seed: int) -> None:
    long = _long(panel)
    shuffled = long.iloc[np.random.default_rng(seed).permutation(len(long))]
    a, b = est.estimate(_dataset(long)), est.estimate(_dataset(shuffled))
    pd.testing.assert_frame_equal(a.estimates, b.estimates, check_exact=True)
    pd.testing.assert_frame_equal(a.excluded, b.excluded, check_exact=True)
    assert a.provenance.data_fingerprint == b.provenance.data_fingerprint


# --------------------------------------------------------------------------- scale invariance
@given(panel=panels(),
       capacity=st.sampled_from(["population", "gdp_usd_current", "land_area_km2", "gdp_ppp"]),
       k=st.floats(1e-3, 1e3, allow_nan=False))
def test_relative_effort_is_invariant_to_the_scale_of_capacity(panel: pd.DataFrame, capacity: str,
                                                               k: float) -> None:
    est = bs.RelativeEffort(population_source="wdi", capacity=capacity)  # type: ignore[arg-type]
    column = "gdp_ppp_per_capita_intl_current" if capacity == "gdp_ppp" else capacity
    need = ("refugees", "population", column)
    base = _main(est.estimate(_data(panel, need)))
    scaled = _main(est.estimate(_data(panel.assign(**{column: panel[column] * k}), need)))
    # (B_c / sum B) / (k K_c / sum k K) = (B_c / sum B) / (K_c / sum K)
    np.testing.assert_allclose(scaled.to_numpy(), base.to_numpy(), rtol=REL, atol=0)


@given(panel=panels(), k=st.floats(1e-3, 1e3, allow_nan=False))
def test_per_gdp_ppp_pc_scales_inversely_with_gdp(panel: pd.DataFrame, k: float) -> None:
    est = bs.RefugeesPerGdpPppPerCapita()
    col = "gdp_ppp_per_capita_intl_current"
    need = ("refugees", col)
    base = _main(est.estimate(_data(panel, need)))
    scaled = _main(est.estimate(_data(panel.assign(**{col: panel[col] * k}), need)))
    # R / (k G) = (R / G) / k
    np.testing.assert_allclose(scaled.to_numpy(), base.to_numpy() / k, rtol=REL, atol=0)


# --------------------------------------------------------------------------- independence
@given(panel=panels(max_countries=7), extra=st.sampled_from(CODES),
       population=st.integers(1_000, 1_500_000_000))
def test_adding_a_country_without_refugees_leaves_the_others_unchanged(
        panel: pd.DataFrame, extra: str, population: int) -> None:
    if extra in set(panel["iso3"]):
        extra = next(c for c in CODES if c not in set(panel["iso3"]))
    years = sorted(set(panel["year"]))
    added = pd.concat([panel, pd.DataFrame({
        "iso3": extra, "year": years, "refugees": 0, "oip": 0, "population": population,
        "gdp_usd_current": 1e9, "gdp_ppp_per_capita_intl_current": 1e4, "land_area_km2": 1e4,
        "wb_income_group": 4})], ignore_index=True)
    est = bs.RefugeesPer1000(population_source="wdi")
    base = _main(est.estimate(_data(panel, PER_1000)))
    more = _main(est.estimate(_data(added, PER_1000)))
    # each ratio uses only its own country-year: bit-identical for the others, 0 for the new one
    pd.testing.assert_series_equal(more.drop(extra, level="iso3"), base, check_exact=True)
    assert (more.xs(extra, level="iso3") == 0.0).all()


# --------------------------------------------------------------------------- shares
@given(panel=panels(), group_by=st.sampled_from(["wb_income_group", "un_ldc", "unhcr_region",
                                                 "un_region"]))
def test_group_shares_sum_to_one_and_lie_in_unit_interval(panel: pd.DataFrame,
                                                           group_by: str) -> None:
    est = bs.HostingConcentration(population_source="wdi", group_by=group_by, capacity="none")  # type: ignore[arg-type]
    e = est.estimate(_data(panel)).estimates
    shares = e[e["quantity"] == "share_hosted"]
    totals = panel.groupby("year")["refugees"].sum()
    for year, sub in shares.groupby("year"):
        if totals[year] == 0:
            assert sub["estimate"].isna().all()  # 0 / 0: no share, never a made-up one
            continue
        assert sub["estimate"].sum() == pytest.approx(1.0, abs=SUM_ABS)
        assert sub["estimate"].between(0.0, 1.0).all()


@given(panel=panels())
def test_relative_effort_burden_and_capacity_shares_sum_to_one(panel: pd.DataFrame) -> None:
    e = bs.RelativeEffort(population_source="wdi").estimate(_data(panel)).estimates
    totals = panel.groupby("year")["refugees"].sum()
    for (q, year), sub in e[e["quantity"].isin(["burden_share", "capacity_share"])].groupby(
            ["quantity", "year"]):
        if q == "burden_share" and totals[year] == 0:
            continue
        assert sub["estimate"].sum() == pytest.approx(1.0, abs=SUM_ABS)
        assert sub["estimate"].between(0.0, 1.0).all()


@given(panel=panels())
def test_concentration_indices_lie_in_their_ranges(panel: pd.DataFrame) -> None:
    e = bs.HostingConcentration(population_source="wdi", top_k=3).estimate(_data(panel)).estimates
    for year, sub in e.groupby("year"):
        if panel.loc[panel["year"] == year, "refugees"].sum() == 0:
            continue
        n = int(sub.loc[sub["quantity"] == "countries", "estimate"].iloc[0])
        val = sub.set_index("quantity")["estimate"]
        # HHI of n shares lies in [1/n, 1]; top-k share in [min(k, n)/n, 1] ... at least k/n
        assert 1.0 / n - SUM_ABS <= val["hhi"] <= 1.0 + SUM_ABS
        assert min(3, n) / n - SUM_ABS <= val["top_k_share"] <= 1.0 + SUM_ABS
        # Lorenz curve sorted by R/K lies on or below the diagonal: 0 <= Gini < 1
        assert -SUM_ABS <= val["gini"] < 1.0


@given(panel=panels(), k=st.integers(1, 7))
def test_top_k_share_does_not_fall_as_k_grows(panel: pd.DataFrame, k: int) -> None:
    data = _data(panel)

    def top(kk: int) -> pd.Series:
        e = bs.HostingConcentration(population_source="wdi", top_k=kk,
                                    capacity="none").estimate(data).estimates
        return e[e["quantity"] == "top_k_share"].set_index("year")["estimate"]

    small, large = top(k), top(k + 1)
    ok = small.notna()
    assert (large[ok] >= small[ok] - SUM_ABS).all()


# --------------------------------------------------------------------------- monotonicity
@given(panel=panels(), row=st.integers(0, 31), extra=st.integers(1, 1_000_000))
def test_more_refugees_at_the_same_population_never_lowers_per_1000(
        panel: pd.DataFrame, row: int, extra: int) -> None:
    i = row % len(panel)
    more = panel.copy()
    more.loc[i, "refugees"] += extra
    key = (panel.at[i, "iso3"], panel.at[i, "year"])
    est = bs.RefugeesPer1000(population_source="wdi")
    base, after = (_main(est.estimate(_data(p, PER_1000))) for p in (panel, more))
    assert after[key] >= base[key]
    pd.testing.assert_series_equal(after.drop(key), base.drop(key), check_exact=True)


@given(panel=panels(), row=st.integers(0, 31), extra=st.integers(1, 1_000_000))
def test_more_refugees_at_the_same_population_never_raises_one_in_n(
        panel: pd.DataFrame, row: int, extra: int) -> None:
    i = row % len(panel)
    more = panel.copy()
    more.loc[i, "refugees"] += extra
    key = (panel.at[i, "iso3"], panel.at[i, "year"])
    est = bs.OneInN(population_source="wdi")
    base, after = (_main(est.estimate(_data(p, PER_1000))) for p in (panel, more))
    if key in base.index:  # a country-year hosting nobody has no N before the increase
        assert after[key] <= base[key]
    else:
        assert panel.at[i, "refugees"] == 0 and np.isfinite(after[key])


# --------------------------------------------------------------------------- scenario range
@given(panel=panels(), est=st.sampled_from([
    bs.RefugeesPer1000(population_source="wdi", scenario_definitions=(("refugees", "oip"),)),
    bs.OneInN(population_source="wdi", who_counts=("refugees", "oip"), scenario_definitions=(("refugees",),)),
    bs.RefugeesPerGdpPppPerCapita(scenario_definitions=(("oip",), ("refugees", "oip"))),
]))
def test_scenario_range_contains_the_estimate(panel: pd.DataFrame, est: bs.EstimatorBase) -> None:
    res = est.estimate(_data(panel))
    e = res.estimates
    assert res.uncertainty_method == "scenario_range"
    assert e["ci_level"].isna().all()
    assert (e["ci_lower"] <= e["estimate"] * (1 + REL)).all()
    assert (e["estimate"] <= e["ci_upper"] * (1 + REL)).all()


# --------------------------------------------------------------------------- accounting
@st.composite
def defective_data(draw: st.DrawFn) -> pd.DataFrame:
    """A valid panel in long form with defects: missing values, zeros, dropped rows, aggregates."""
    long = _long(draw(panels()))
    n = len(long)
    blank = draw(st.sets(st.integers(0, n - 1), max_size=6))
    zero = draw(st.sets(st.integers(0, n - 1), max_size=4))
    zero = {i for i in zero if long.at[i, "indicator"] != "wb_income_group"}  # 0 is not a code
    drop = draw(st.sets(st.integers(0, n - 1), max_size=6))
    long.loc[sorted(zero), "value"] = 0.0
    long.loc[sorted(blank), "value"] = np.nan
    long = long.drop(index=sorted(drop - blank - zero))
    aggregates = draw(st.lists(st.tuples(st.sampled_from(["WLD", "UNK", "XXA", "EUU"]),
                                         st.sampled_from(["refugees", "population", "oip"])),
                               max_size=4, unique=True))
    year = int(long["year"].min())
    extra = [{"iso3": c, "year": year, "indicator": ind, "value": 1234.0,
              "unit": VOCABULARY[ind].unit, "source": SOURCE.id} for c, ind in aggregates]
    return pd.concat([long, pd.DataFrame(extra, columns=long.columns)], ignore_index=True)


@given(long=defective_data(), est=estimators)
def test_every_needed_observation_is_used_or_excluded_exactly_once(long: pd.DataFrame,
                                                                   est: bs.EstimatorBase) -> None:
    data = _dataset(long)
    needed = data.observations[data.observations["indicator"].isin(est.inputs())]
    required = est.inputs() - est.optional_inputs()
    if not required <= set(needed["indicator"]):
        return  # a required indicator was dropped entirely: estimate() refuses (tested elsewhere)
    res = est.estimate(data)
    assert res.diagnostics["used"] + len(res.excluded) == len(needed)
    assert not res.excluded.duplicated(["iso3", "year", "indicator", "source"]).any()
    assert np.isfinite(res.estimates["estimate"].dropna()).all()
