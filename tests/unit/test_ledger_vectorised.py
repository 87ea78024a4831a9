"""The vectorised bookkeeping (Ledger states, string codes, unit codes, provenance sources)
equals simple row-by-row reference implementations written here, on synthetic data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare._codes import FEW, codes_of
from burdenshare.data import Dataset
from burdenshare.estimators import _panel as pfm
from burdenshare.estimators.base import Ledger
from burdenshare.estimators.panel import PanelFE
from burdenshare.provenance import _used_sources
from tests.conftest import SYNTHETIC

CODES = ["AUT", "BEL", "CHE", "DEU", "WLD"]
INDICATORS = ["population", "refugees", "unemployment_rate"]


def synthetic_area_frame(seed: int = 0) -> pd.DataFrame:
    """Synthetic long observations: countries x areas (some whole countries) x years x
    indicators, with a few missing values, canonical (sorted) order."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, c in enumerate(CODES):
        areas = [None] if k % 2 else ["A1", "A2", "B10"]
        for a in areas:
            for y in range(2001, 2013):
                pop = 1e5 * (k + 1)
                ref = float(round(rng.uniform(0, 50) * pop / 1000))
                u = 0.05 * 1000 * ref / pop + k + rng.normal(0, 0.1)
                for ind, v in (("population", pop), ("refugees", ref), ("unemployment_rate", u)):
                    rows.append({"iso3": c, "area": a, "year": y, "indicator": ind,
                                 "value": np.nan if rng.uniform() < 0.03 else v,
                                 "unit": bs.indicators.VOCABULARY[ind].unit,
                                 "source": "synthetic_test"})
    return pd.DataFrame(rows)


def direct_dataset(frame: pd.DataFrame, sources: dict[str, bs.Source]) -> Dataset:
    """A Dataset around ``frame`` as given (row order kept), without read-time validation."""
    obs = frame.copy()
    obs["counterpart_iso3"] = pd.Series([None] * len(obs), dtype="str")
    for c in ("iso3", "indicator", "unit", "source", "area", "counterpart_iso3"):
        obs[c] = obs[c].astype("str")
    obs["year"] = obs["year"].astype("int64")
    obs["value"] = obs["value"].astype("float64")
    return Dataset(observations=obs.reset_index(drop=True), sources=sources,
                   fingerprint="synthetic")


@pytest.mark.parametrize("values", [["b", "a"], [f"v{k}" for k in range(FEW + 3)]])
def test_codes_of_equals_list_index(values: list[str]) -> None:
    rng = np.random.default_rng(1)
    pool = [*values, "other", None]
    col = pd.Series([pool[i] for i in rng.integers(0, len(pool), 500)], dtype="str")
    expected = [values.index(x) if isinstance(x, str) and x in values else -1 for x in col]
    assert codes_of(col, values).tolist() == expected


@pytest.mark.parametrize("shuffle", [False, True], ids=["runs", "no_runs"])
def test_unit_codes_equal_sorted_labels(shuffle: bool) -> None:
    frame = synthetic_area_frame()
    if shuffle:  # no runs of equal (iso3, area): the row-by-row path
        frame = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame["area"] = frame["area"].astype("str")
    assert (pfm.units._run_starts([frame["iso3"], frame["area"]]) is None) == shuffle  # path taken
    codes, labels, u_iso, u_area = pfm.unit_codes(frame)
    # reference: units sorted by (iso3, area), the whole country before its areas
    keys = [(i, None if pd.isna(a) else a) for i, a in zip(frame["iso3"], frame["area"])]
    order = sorted(set(keys), key=lambda k: (k[0], k[1] is not None, k[1] or ""))
    assert labels.tolist() == [i if a is None else f"{i}/{a}" for i, a in order]
    assert codes.tolist() == [order.index(k) for k in keys]
    assert u_iso.tolist() == [i for i, _ in order]
    assert u_area.tolist() == [a for _, a in order]


def test_ledger_states_equal_a_row_by_row_ledger() -> None:
    data = direct_dataset(synthetic_area_frame(), {"synthetic_test": SYNTHETIC})
    led = Ledger(data, INDICATORS, supports_areas=True)
    n = len(led.frame)
    status, detail = [""] * n, [""] * n  # the reference: one (reason, detail) per row

    def ref_exclude(rows: list[int], reason: str, det: list[str] | str) -> None:
        dets = [det] * len(rows) if isinstance(det, str) else det
        free = [status[r] == "" for r in rows]  # decided before any write, as a vector op
        for r, d, f in zip(rows, dets, free):
            if f:
                status[r], detail[r] = reason, d

    rng = np.random.default_rng(7)
    for step in range(12):
        rows = rng.integers(0, n, 40).tolist()  # duplicates included
        if step % 4 == 3:
            led.use(rows)
            for r in rows:
                if status[r] == "":
                    status[r] = "used"
        elif step % 2:
            led.exclude(rows, "missing_value", "the value is missing in the input")
            ref_exclude(rows, "missing_value", "the value is missing in the input")
        else:
            dets = [f"detail {step} {r}" for r in rows]
            led.exclude(rows, "aggregate_entity", dets)
            ref_exclude(rows, "aggregate_entity", dets)
    assert led._status.tolist() == status
    assert led._detail.tolist() == detail
    led.use(np.arange(n))
    for r in range(n):
        status[r] = status[r] or "used"
    assert led.n_used == status.count("used")
    exc = led.excluded_frame()
    ref_rows = [r for r in range(n) if status[r] != "used"]
    assert exc["reason"].tolist() == [status[r] for r in ref_rows]
    assert exc["detail"].tolist() == [detail[r] for r in ref_rows]
    assert exc["year"].tolist() == led.frame["year"].to_numpy()[ref_rows].tolist()


@pytest.mark.parametrize("hinted", [True, False], ids=["source_ids_known", "unlisted_source"])
def test_used_sources_equal_value_counts(hinted: bool) -> None:
    frame = synthetic_area_frame()
    frame.loc[frame.index % 5 == 0, "source"] = "synthetic_other"
    frame.loc[frame.index % 7 == 0, "indicator"] = "gdp_usd_current"  # not needed
    other = bs.Source(id="synthetic_other", title="second synthetic source", publisher="tests")
    sources = {"synthetic_test": SYNTHETIC, **({"synthetic_other": other} if hinted else {})}
    data = direct_dataset(frame, sources)
    led = Ledger(data, INDICATORS, {"refugees": "synthetic_test", "population": "synthetic_other",
                                    "unemployment_rate": "synthetic_other"}, supports_areas=True)
    led.use(np.flatnonzero(led.is_open()))
    excluded = led.excluded_frame()
    # reference: the former formula with value_counts over (indicator, source) pairs
    obs = data.observations
    n_all = obs.loc[obs["indicator"].isin(INDICATORS), ["indicator", "source"]].value_counts()
    n_other = excluded.loc[excluded["reason"] == "other_source",
                           ["indicator", "source"]].value_counts()
    expected = sorted({s for (i, s), k in n_all.items() if n_other.get((i, s), 0) < k})
    assert _used_sources(data, INDICATORS, excluded) == expected


def test_panel_result_does_not_depend_on_row_order() -> None:
    frame = synthetic_area_frame()  # WLD rows are excluded as aggregate_entity either way
    sources = {"synthetic_test": SYNTHETIC}
    est = PanelFE(cluster="country")
    a = est.estimate(direct_dataset(frame, sources))  # long runs of equal (iso3, area)
    b = est.estimate(direct_dataset(frame.sample(frac=1.0, random_state=5), sources))  # none
    pd.testing.assert_frame_equal(a.estimates, b.estimates, check_exact=False, rtol=1e-12)
    # rtol 1e-12: the same least-squares problem with rows permuted; only summation order differs
    pd.testing.assert_frame_equal(a.excluded, b.excluded)
    assert a.diagnostics["used"] == b.diagnostics["used"]


def categorical_frame(frame: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    """The same frame with its key columns as categoricals whose categories are in shuffled
    order and include values no row uses (as a Dataset built by concatenation may hold)."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    for c in ("iso3", "area", "indicator", "source"):
        if c not in out.columns:
            continue
        vals = sorted({v for v in out[c] if isinstance(v, str)} | {f"ZZ{c}"})
        cats = [vals[i] for i in rng.permutation(len(vals))]
        out[c] = pd.Categorical(out[c].astype(object).where(out[c].notna(), None),
                                categories=cats)
    return out


@pytest.mark.parametrize("shuffle", [False, True], ids=["runs", "no_runs"])
def test_unit_codes_of_categorical_columns_equal_those_of_strings(shuffle: bool) -> None:
    frame = synthetic_area_frame()
    if shuffle:
        frame = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame["area"] = frame["area"].astype("str")
    expected = pfm.unit_codes(frame)
    got = pfm.unit_codes(categorical_frame(frame))
    for e, g in zip(expected, got):
        assert list(g) == list(e)


def test_key_codes_of_a_categorical_equal_a_sorted_factorize() -> None:
    frame = categorical_frame(synthetic_area_frame())
    codes, values = pfm.key_codes(frame["area"], sort=True)
    ref_codes, ref_values = pd.factorize(frame["area"].astype(object), sort=True)
    used = sorted(set(codes[codes >= 0].tolist()))
    assert list(values) == sorted(values)  # renumbered in sorted order
    assert [values[c] for c in used] == list(ref_values)
    # the same partition and order of the rows
    assert (np.searchsorted(used, codes[codes >= 0]) == ref_codes[ref_codes >= 0]).all()
    assert ((codes < 0) == (ref_codes < 0)).all()


def test_panel_codes_equal_a_sorted_factorize_of_the_table_columns() -> None:
    frame = synthetic_area_frame()
    frame = frame[~((frame["iso3"] == "CHE") & (frame["year"] == 2003))]  # a gap
    data = direct_dataset(frame, {"synthetic_test": SYNTHETIC})
    est = PanelFE(outcome="unemployment_rate")
    ledger = pfm.PanelLedger(data, est.inputs(), supports_areas=True)
    panel = pfm.build_panel(ledger, est._variables())
    t = panel.table
    for codes, col in ((panel.unit_codes, "unit"), (panel.year_codes, "year"),
                       (panel.country_codes, "iso3")):
        assert codes is not None
        assert codes.tolist() == pd.factorize(t[col], sort=True)[0].tolist()


def test_panel_from_categorical_key_columns_equals_the_panel_from_strings() -> None:
    frame = synthetic_area_frame()
    frame.loc[frame.index % 11 == 0, "value"] = np.nan
    strings = direct_dataset(frame, {"synthetic_test": SYNTHETIC})
    obs = categorical_frame(strings.observations)
    cat = Dataset(observations=obs, sources=strings.sources, fingerprint="synthetic")
    est = PanelFE(outcome="unemployment_rate", cluster="country")
    panels = []
    for data in (strings, cat):
        ledger = pfm.PanelLedger(data, est.inputs(), supports_areas=True)
        panels.append(pfm.build_panel(ledger, est._variables(), years=(2002, 2011)))
    a, b = panels
    pd.testing.assert_frame_equal(a.table, b.table)
    assert (a.rows == b.rows).all()
    assert a.pending_rows.tolist() == b.pending_rows.tolist()
    assert a.pending_details.tolist() == b.pending_details.tolist()
    r1, r2 = est.estimate(strings), est.estimate(cat)
    pd.testing.assert_frame_equal(r1.estimates, r2.estimates)
    pd.testing.assert_frame_equal(r1.excluded, r2.excluded)


@pytest.mark.parametrize("values", [[3, 1, 1, 7, 3], [0, 0], [2, -1, 5], [1.5, np.nan, 1.5]])
def test_n_distinct_equals_nunique(values: list[float]) -> None:
    assert pfm.n_distinct(np.asarray(values)) == pd.Series(values).nunique()
