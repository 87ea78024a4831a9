"""The DiD panel builder (``_panel.PanelBuilder``) against a pandas pivot built here.

The panel is SYNTHETIC, generated in this file (``synthetic_messy_area_panel``): two countries
by area and one whole country, 2010-2015, two indicators, with a missing value, an absent row,
an observation outside the window and an aggregate code. Independent check: the unit-year table
and the exclusion reasons and details written out by hand / with a pandas ``pivot_table``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import burdenshare as bs
from burdenshare.estimators._panel import PanelBuilder
from burdenshare.estimators.base import Ledger

SRC = bs.Source(id="synthetic_test", title="synthetic messy area panel (tests only)",
                publisher="burdenshare tests")


def synthetic_messy_area_panel() -> bs.Dataset:
    """NAMED synthetic: unemployment_rate and refugees by area (TUR, JOR) and for LBN."""
    rng = np.random.default_rng(7)
    rows = []
    units = [("TUR", "TR-02"), ("TUR", "TR-01"), ("JOR", "JO-01"), ("LBN", None)]
    for iso3, area in units:
        for y in range(2010, 2016):
            for ind, unit in (("unemployment_rate", "percent of labour force"),
                              ("refugees", "persons")):
                rows.append({"iso3": iso3, "area": area, "year": y, "indicator": ind,
                             "value": float(rng.uniform(1, 10)), "unit": unit,
                             "source": SRC.id})
    f = pd.DataFrame(rows)
    # TUR/TR-01 2012: refugees missing; JOR/JO-01 2013: refugees row absent
    f.loc[(f["area"] == "TR-01") & (f["year"] == 2012) & (f["indicator"] == "refugees"),
          "value"] = np.nan
    f = f[~((f["area"] == "JO-01") & (f["year"] == 2013) & (f["indicator"] == "refugees"))]
    extra = pd.DataFrame([
        {"iso3": "LBN", "area": None, "year": 2009, "indicator": "refugees", "value": 1.0,
         "unit": "persons", "source": SRC.id},
        {"iso3": "WLD", "area": None, "year": 2011, "indicator": "refugees", "value": 1.0,
         "unit": "persons", "source": SRC.id}])
    return bs.Dataset.from_frame(pd.concat([f, extra], ignore_index=True), {SRC.id: SRC})


def test_panel_table_and_exclusions_equal_a_pandas_pivot_and_hand_details() -> None:
    data = synthetic_messy_area_panel()
    inds = ["unemployment_rate", "refugees"]
    ledger = Ledger(data, inds, {}, owner="test", supports_areas=True)
    pb = PanelBuilder(ledger, inds, (2010, 2015))
    # the second implementation works on plain text, not on the Dataset's categorical codes
    obs = data.observations.astype({"iso3": "str", "area": "str", "indicator": "str"})
    ok = obs["iso3"].ne("WLD") & obs["year"].between(2010, 2015)
    o = obs[ok].assign(unit=np.where(obs.loc[ok, "area"].isna(), obs.loc[ok, "iso3"],
                                     obs.loc[ok, "iso3"] + "/" + obs.loc[ok, "area"]))
    wide = o.pivot_table(index=["unit", "year"], columns="indicator", values="value",
                         dropna=False).dropna().reset_index()  # complete unit-years, sorted
    got = pb.table
    assert got["iso3"].tolist() == wide["unit"].tolist()
    assert got["year"].tolist() == wide["year"].tolist()
    for ind in inds:
        np.testing.assert_array_equal(got[ind].to_numpy(), wide[ind].to_numpy())
    assert got["country"].tolist() == [u.split("/")[0] for u in wide["unit"]]
    pb.use_all()
    ex = ledger.excluded_frame().sort_values(["reason", "iso3", "year", "indicator"])
    summary = list(zip(ex["reason"], ex["iso3"], ex["year"], ex["indicator"], ex["detail"]))
    assert summary == [
        ("aggregate_entity", "WLD", 2011, "refugees", "WLD is not a country (aggregate)"),
        ("missing_counterpart", "JOR", 2013, "unemployment_rate",
         "no refugees observation for JOR/JO-01 2013"),
        ("missing_counterpart", "TUR", 2012, "unemployment_rate",
         "refugees is missing for TUR/TR-01 2012"),
        ("missing_value", "TUR", 2012, "refugees", "the value is missing in the input"),
        ("outside_window", "LBN", 2009, "refugees",
         "year 2009 is outside the estimation window 2010-2015"),
    ]


def test_panel_from_categorical_key_columns_equals_the_panel_from_strings() -> None:
    """A Dataset whose key columns are categoricals (codes computed once at construction)
    gives the same table and the same exclusions, reasons and details, as string columns."""
    strings = synthetic_messy_area_panel()
    obs = strings.observations.copy()
    for c in ("iso3", "area", "indicator", "source", "counterpart_iso3"):
        vals = sorted({v for v in obs[c] if isinstance(v, str)} | {"ZZZ"})  # an unused one
        obs[c] = pd.Categorical(obs[c].astype(object).where(obs[c].notna(), None),
                                categories=vals[::-1])  # categories not in sorted order
    cat = bs.Dataset(observations=obs, sources=strings.sources, fingerprint=strings.fingerprint)
    inds = ["unemployment_rate", "refugees"]
    out = []
    for data in (strings, cat):
        ledger = Ledger(data, inds, {}, owner="test", supports_areas=True)
        pb = PanelBuilder(ledger, inds, (2010, 2015))
        pb.use_all()
        out.append((pb.table, ledger.excluded_frame()))
    pd.testing.assert_frame_equal(out[0][0], out[1][0])
    for c in ("iso3", "area", "year", "indicator", "reason", "detail"):
        assert out[0][1][c].astype(object).tolist() == out[1][1][c].astype(object).tolist()
