"""Decision grids: enumeration, constraints, explicit specifications, failure isolation, custom
estimators, seeds (serial == Dask, same seed -> same results), streaming, the TOML reader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.base import Ledger
from burdenshare.multiverse import (
    Choice,
    Constraint,
    Grid,
    GridError,
    Method,
    grid_from_toml,
    read_grid,
    run_multiverse,
)
from tests.conftest import synthetic_dataset

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC_COUNTRIES = ("AAA", "BBB", "CCC", "DDD")
SYNTHETIC_ISO3 = ("FRA", "DEU", "ITA", "ESP")


@pytest.fixture(scope="module")
def synthetic_data() -> bs.Dataset:
    """Synthetic populations of four countries in 2023-2024 (named synthetic)."""
    rows = []
    for i, c in enumerate(SYNTHETIC_ISO3):
        for y in (2023, 2024):
            rows.append((c, y, "population", 1000.0 * (i + 1) + (y - 2023)))
            rows.append((c, y, "refugees", 10.0 * (4 - i)))
    return synthetic_dataset(rows)


@dataclass(frozen=True, kw_only=True)
class SyntheticScore(bs.EstimatorBase):
    """Synthetic test estimator: population x factor, optionally noisy (seeded)."""

    name: ClassVar[str] = "synthetic_score"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "synthetic_score"
    unit: ClassVar[str] = "synthetic units"
    requires: ClassVar[frozenset[str]] = frozenset({"population"})
    reference: ClassVar[str] = "tests"
    summary: ClassVar[str] = "synthetic test estimator"

    factor: float = field(default=1.0, metadata={"ge": 0})
    mode: Literal["plain", "inverse", "boom"] = "plain"
    noise: float = field(default=0.0, metadata={"ge": 0})
    seed: int = field(default=0, metadata={"ge": 0})

    def _compute(self, data: bs.Dataset) -> bs.Computation:
        if self.mode == "boom":
            raise bs.EstimatorError("synthetic failure for mode='boom'")
        ledger = Ledger(data, self.inputs(), owner=self.name)
        f = ledger.active()
        ledger.use(f["_row"].to_numpy())
        v = f["value"].to_numpy(dtype=float) * self.factor
        if self.mode == "inverse":
            v = 1e6 / v
        rng = np.random.default_rng(self.seed)
        eps = rng.normal(0.0, self.noise, size=len(v)) if self.noise > 0 else np.zeros(len(v))
        lo = v + eps - 1.0 if self.noise > 0 else np.full(len(v), np.nan)
        hi = v + eps + 1.0 if self.noise > 0 else np.full(len(v), np.nan)
        est = pd.DataFrame({"quantity": self.quantity, "iso3": f["iso3"].to_numpy(),
                            "year": f["year"].to_numpy(), "term": None, "estimate": v + eps,
                            "std_error": np.nan, "ci_lower": lo, "ci_upper": hi,
                            "ci_level": np.nan, "unit": self.unit})
        return bs.Computation(estimates=est, excluded=ledger.excluded_frame(),
                              diagnostics={"used": ledger.n_used},
                              uncertainty_method="bootstrap" if self.noise > 0 else "none")


def _grid(**kw: object) -> Grid:
    base = dict(methods=(Method("score", SyntheticScore, year=2024),),
                choices=(Choice("factor", (1.0, 2.0, 3.0)), Choice("mode", ("plain", "inverse"))))
    base.update(kw)
    return Grid(**base)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- enumeration
def test_full_product_and_nested_choices() -> None:
    g = Grid(methods=(Method("score", SyntheticScore), Method("per1000", "refugees_per_1000")),
             choices=(Choice("factor", (1.0, 2.0)),
                      Choice("who_counts", (["refugees"], ["refugees", "oip"]))))
    universes, ruled = g.enumerate()
    # score: 2 factor values; per1000: 2 who_counts values (each choice applies only where the
    # estimator has the parameter)
    assert len(universes) == 4 and not ruled
    assert [u.method for u in universes] == ["score", "score", "per1000", "per1000"]
    assert universes[2].labels(["factor", "who_counts"]) == {"factor": "n/a",
                                                             "who_counts": "refugees"}


def test_constraints_forbid_and_only_if_are_listed() -> None:
    g = _grid(constraints=(
        Constraint(forbid={"factor": [3.0], "mode": ["inverse"]}, reason="r1"),
        Constraint(only_if={"mode": ["inverse"]}, require={"factor": [1.0]}),
    ))
    universes, ruled = g.enumerate()
    got = {(u.choices["factor"], u.choices["mode"]) for u in universes}
    assert got == {(1.0, "plain"), (2.0, "plain"), (3.0, "plain"), (1.0, "inverse")}
    assert len(ruled) == 2
    assert {r["constraint"] for r in ruled} == {
        "forbid factor in {3} and mode in {inverse} (r1)",
        "mode in {inverse} only if factor in {1}"}


def test_constraint_on_unknown_choice_is_a_grid_error() -> None:
    with pytest.raises(GridError, match="unknown choice"):
        _grid(constraints=(Constraint(forbid={"colour": ["red"]}),))


def test_choice_that_applies_to_no_method_is_a_grid_error() -> None:
    with pytest.raises(GridError, match="applies to no method"):
        _grid(choices=(Choice("capacity", ("population",)),))


def test_explicit_specifications(synthetic_data: bs.Dataset) -> None:
    g = Grid(methods=(Method("score", SyntheticScore, year=2024),),
             specifications=({"method": "score", "factor": 2.0},
                             {"method": "score", "factor": 5.0, "mode": "inverse"}))
    mv = run_multiverse(g, synthetic_data, progress=False)
    assert list(mv.manifest["factor"]) == ["2", "5"]
    assert list(mv.manifest["mode"]) == ["n/a", "inverse"]
    fra = mv.long[mv.long["iso3"] == "FRA"].set_index("universe_id")["estimate"]
    # synthetic FRA population 2024 = 1001: 2 x 1001 and 1e6 / (5 x 1001)
    assert fra[0] == pytest.approx(2002.0, rel=1e-12)  # exact arithmetic, float rounding only
    assert fra[1] == pytest.approx(1e6 / 5005.0, rel=1e-12)


# --------------------------------------------------------------------------- running
def test_failure_isolated_and_nothing_dropped(synthetic_data: bs.Dataset) -> None:
    g = _grid(choices=(Choice("factor", (1.0, 2.0)), Choice("mode", ("plain", "boom"))))
    mv = run_multiverse(g, synthetic_data, progress=False)
    assert len(mv.manifest) == 4
    failed = mv.failures
    assert list(failed["mode"]) == ["boom", "boom"]
    assert all("synthetic failure" in e for e in failed["error"])
    ok = mv.manifest[mv.manifest["status"] == "ok"]
    # the rows of the other year are counted, never dropped silently
    assert list(ok["n_rows"]) == [4, 4] and list(ok["n_rows_other_years"]) == [4, 4]
    assert set(mv.long["universe_id"]) == set(ok["universe_id"])


def test_builtin_and_custom_estimator_on_one_curve(synthetic_data: bs.Dataset) -> None:
    g = Grid(methods=(Method("score", SyntheticScore, year=2024),
                      Method("per1000", "refugees_per_1000", year=2024,
                             params={"population_source": "wdi"})),  # synthetic `population`
             choices=(Choice("factor", (1.0, 2.0)),))
    mv = run_multiverse(g, synthetic_data, progress=False)
    assert set(mv.manifest["status"]) == {"ok"}
    c = mv.curve("FRA", on="rank")
    assert len(c.points) == 3 and set(c.points["method"]) == {"score", "per1000"}
    with pytest.raises(ValueError, match="quantities"):
        mv.curve("FRA", on="value")
    # refugees per 1,000: FRA 40 refugees / 1001 inhabitants (synthetic) -> hand calculation
    v = mv.curve("FRA", on="value", quantity="refugees_per_1000_inhabitants").points
    assert v["estimate"].iloc[0] == pytest.approx(1000 * 40 / 1001, rel=1e-12)  # float rounding
    prov = mv.provenance(int(v["universe_id"].iloc[0]))
    assert prov["estimator"] == "refugees_per_1000" and prov["data_fingerprint"]


def _strip(mv: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    return mv.long, mv.manifest  # type: ignore[attr-defined]


def test_same_seed_same_results_and_seeds_per_universe(synthetic_data: bs.Dataset) -> None:
    g = _grid(choices=(Choice("noise", (1.0, 2.0)), Choice("factor", (1.0, 2.0))), seed=7)
    a = run_multiverse(g, synthetic_data, progress=False)
    b = run_multiverse(g, synthetic_data, progress=False)
    pd.testing.assert_frame_equal(a.long, b.long)
    pd.testing.assert_frame_equal(a.manifest, b.manifest)
    expected = [int(s.generate_state(1, dtype=np.uint32)[0])
                for s in np.random.SeedSequence(7).spawn(4)]
    assert list(a.manifest["seed"]) == expected
    c = run_multiverse(g, synthetic_data, progress=False, seed=8)
    assert not np.allclose(c.long["estimate"], a.long["estimate"])


@pytest.mark.slow
def test_dask_identical_to_serial(synthetic_data: bs.Dataset) -> None:
    g = _grid(choices=(Choice("noise", (1.0, 2.0)), Choice("factor", (1.0, 2.0, 3.0)),
                       Choice("mode", ("plain", "boom"))), seed=3)
    serial = run_multiverse(g, synthetic_data, progress=False, batch_size=2)
    # 12 batches of one universe: more than the 8 kept in flight, so batches are refilled
    dask = run_multiverse(g, synthetic_data, scheduler="dask", n_workers=2, processes=False,
                          progress=False, batch_size=1)
    pd.testing.assert_frame_equal(serial.long, dask.long)
    pd.testing.assert_frame_equal(serial.excluded, dask.excluded)
    pd.testing.assert_frame_equal(serial.manifest, dask.manifest)


def test_streaming_to_parquet_equals_memory(tmp_path: Path, synthetic_data: bs.Dataset) -> None:
    g = _grid(choices=(Choice("noise", (0.0, 1.0)), Choice("factor", (1.0, 2.0, 3.0))), seed=5)
    mem = run_multiverse(g, synthetic_data, progress=False)
    disk = run_multiverse(g, synthetic_data, progress=False, out=tmp_path / "mv.parquet",
                          batch_size=2)
    assert disk.path is not None and len(list((disk.path / "long").glob("*.parquet"))) == 3
    pd.testing.assert_frame_equal(mem.long, disk.long)
    pd.testing.assert_frame_equal(mem.excluded, disk.excluded)
    pd.testing.assert_frame_equal(mem.manifest, disk.manifest.astype(mem.manifest.dtypes))
    assert disk.provenance(4) == {**mem.provenance(4), "created_utc": disk.provenance(4)[
        "created_utc"]}
    meta = json.loads((disk.path / "grid.json").read_text())
    assert meta["universes"] == 6 and meta["failed"] == 0


def test_refuses_to_overwrite_a_foreign_folder(tmp_path: Path, synthetic_data: bs.Dataset) -> None:
    (tmp_path / "x.parquet").mkdir()
    (tmp_path / "x.parquet" / "keep.txt").write_text("mine")
    with pytest.raises(GridError, match="not a multiverse output"):
        run_multiverse(_grid(), synthetic_data, progress=False, out=tmp_path / "x.parquet")


def test_subgrid_fixes_choices() -> None:
    g = _grid()
    s = g.subgrid(vary=["mode"])
    assert len(s) == 2 and {c.name: c.values for c in s.choices}["factor"] == (1.0,)
    with pytest.raises(GridError, match="no value"):
        g.subgrid(fix={"factor": 9.0})


# --------------------------------------------------------------------------- the TOML reader
GOOD = """
[grid]
name = "t"
seed = 1

[[method]]
label = "per1000"
estimator = "refugees_per_1000"
year = 2024
lookback = 0

[[choice]]
name = "who_counts"
values = [["refugees"], ["refugees", "oip"]]
"""


def test_toml_reader_builds_the_grid() -> None:
    g = grid_from_toml(GOOD, origin="g.toml")
    assert g.name == "t" and g.seed == 1 and len(g) == 2
    assert g.choices[0].values == (("refugees",), ("refugees", "oip"))


@pytest.mark.parametrize(("text", "needle"), [
    (GOOD.replace("lookback = 0", "lookbak = 0"), "g.toml, line 10 [method #1]: unknown key 'lookbak'"),
    (GOOD.replace('estimator = "refugees_per_1000"', 'estimator = "nope"'),
     "g.toml, line 8 [method #1]: unknown estimator 'nope'"),
    (GOOD.replace('[["refugees"], ["refugees", "oip"]]', '[["refugees"], ["martians"]]'),
     "g.toml, line 14 [choice #1]: value ['martians']"),
    (GOOD.replace('name = "who_counts"', 'name = "colour"'), "g.toml, line 13 [choice #1]: choice "
                                                            "'colour' applies to no method"),
    (GOOD.replace("seed = 1", "seed = -1"), "g.toml, line 4 [grid]: seed = -1"),
    (GOOD + "\n[[constraint]]\nforbid = { colour = ['red'] }\n", "unknown choice(s) ['colour']"),
    (GOOD.replace("[grid]", "[grid"), "g.toml: not valid TOML"),
])
def test_toml_errors_name_file_line_and_key(text: str, needle: str) -> None:
    with pytest.raises(GridError) as err:
        grid_from_toml(text, origin="g.toml")
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_example_grid_reads_and_spans_every_family() -> None:
    g = read_grid(ROOT / "methodology" / "grids" / "latest_year.toml")
    universes, ruled = g.enumerate()
    fams = {g.method(u.method).family for u in universes}
    assert fams == {"relative_burden", "keys", "inclusion_costs"}
    # 3 indices x 4 definitions + relative effort 4 x 4; linear key 2 criteria x 2 inverted less
    # 2 ruled out; min-max key 2; education 2 x 2 x 2; health 4 x 2 x 2
    assert len(universes) == 12 + 16 + 2 + 2 + 8 + 16 and len(ruled) == 2


@pytest.mark.parametrize("name", ["burdenshare.multiverse.grid"])
def test_docstring_examples_run(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 5


def test_lookback_without_year_is_a_grid_error() -> None:
    with pytest.raises(GridError, match="needs a year"):
        Grid(methods=(Method("score", SyntheticScore, lookback=3),))
    # a data.year choice gives the year
    g = Grid(methods=(Method("score", SyntheticScore, lookback=0),),
             choices=(Choice("data.year", (2023, 2024)),))
    assert len(g) == 2


def test_data_year_choice_selects_the_window(synthetic_data: bs.Dataset) -> None:
    g = Grid(methods=(Method("score", SyntheticScore, lookback=0),),
             choices=(Choice("data.year", (2023, 2024)),))
    mv = run_multiverse(g, synthetic_data, progress=False)
    got = mv.long.groupby("universe_id")["year"].unique().map(list).to_dict()
    assert got == {0: [2023], 1: [2024]}
    assert list(mv.manifest["data_from_year"]) == [2023, 2024]


def test_toml_error_in_params_points_at_the_params_line() -> None:
    text = GOOD.replace("lookback = 0\n", "lookback = 0\n[method.params]\nwho_counts = ['x']\n", 1)
    with pytest.raises(GridError) as err:
        grid_from_toml(text, origin="g.toml")
    assert str(err.value).startswith("g.toml, line 12 [method #1]: parameter 'who_counts'")
