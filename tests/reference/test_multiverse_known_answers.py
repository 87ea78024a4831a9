"""Variance attribution and rank sets against known answers: hand calculations written here,
statsmodels' ANOVA (a second implementation) and SALib's Sobol estimator (a third, sampled)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.base import Ledger
from burdenshare.multiverse import Choice, Grid, Method, decompose, interval_rank_bounds, run_multiverse
from tests.conftest import synthetic_dataset

pytestmark = pytest.mark.reference

#: shares are sums of at most 2^k differences of variances of numbers of order 1: double
#: precision keeps them within 1e-12 of their exact values
EXACT = 1e-12


def _factorial(levels: dict[str, list[object]]) -> pd.DataFrame:
    return pd.DataFrame(list(itertools.product(*levels.values())), columns=list(levels))


def test_two_by_two_anova_by_hand() -> None:
    # cells: (a1,b1)=1, (a1,b2)=3, (a2,b1)=5, (a2,b2)=11; grand mean 5
    # A means 2, 8 -> (9 + 9)/2 = 9; B means 3, 7 -> (4 + 4)/2 = 4
    # total variance (16 + 4 + 0 + 36)/4 = 14; interaction 14 - 9 - 4 = 1
    f = _factorial({"A": ["a1", "a2"], "B": ["b1", "b2"]})
    res = decompose([1.0, 3.0, 5.0, 11.0], f)
    assert res["design"] == "full_factorial"
    assert res["total_variance"] == pytest.approx(14.0, abs=EXACT)
    assert res["anova"]["A"] == pytest.approx(9 / 14, abs=EXACT)
    assert res["anova"]["B"] == pytest.approx(4 / 14, abs=EXACT)
    assert res["anova"]["A × B"] == pytest.approx(1 / 14, abs=EXACT)
    # Shapley effects split the interaction equally: 9.5/14 and 4.5/14
    assert res["shapley"]["A"] == pytest.approx(9.5 / 14, abs=EXACT)
    assert res["shapley"]["B"] == pytest.approx(4.5 / 14, abs=EXACT)


def test_choice_without_effect_gets_zero_and_shares_sum_to_one() -> None:
    f = _factorial({"A": [0, 1, 2], "B": ["x", "y"], "C": ["p", "q", "r", "s"]})
    a_eff = {0: 0.0, 1: 2.0, 2: 7.0}
    c_eff = {"p": 0.0, "q": 1.0, "r": -3.0, "s": 0.5}
    y = [a_eff[a] + c_eff[c] + 0.3 * a_eff[a] * (c == "q") for a, c in zip(f["A"], f["C"])]
    res = decompose(y, f, max_order=3)
    # B has no effect: every term with B is zero (exact orthogonality of a full factorial)
    for term, share in res["anova"].items():
        if "B" in term.split(" × "):
            assert share == pytest.approx(0.0, abs=EXACT)
    assert res["shapley"]["B"] == pytest.approx(0.0, abs=EXACT)
    assert sum(res["anova"].values()) == pytest.approx(1.0, abs=EXACT)
    assert sum(res["shapley"].values()) == pytest.approx(1.0, abs=EXACT)


def test_single_choice_explains_everything() -> None:
    res = decompose([3.0, 1.0, 4.0, 1.5], pd.DataFrame({"only": ["a", "b", "c", "d"]}))
    assert res["anova"] == {"only": pytest.approx(1.0, abs=EXACT)}
    assert res["shapley"] == {"only": pytest.approx(1.0, abs=EXACT)}


def test_main_effects_agree_with_statsmodels_anova() -> None:
    smf = pytest.importorskip("statsmodels.formula.api")
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(1)  # synthetic outcome over a 3 x 4 full factorial
    f = _factorial({"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2", "b3"]})
    y = rng.normal(size=len(f)) + np.where(f["A"] == "a2", 2.0, 0.0)
    res = decompose(y, f)
    table = anova_lm(smf.ols("y ~ C(A) + C(B)", data=f.assign(y=y)).fit(), typ=1)
    total = table["sum_sq"].sum()
    assert res["anova"]["A"] == pytest.approx(table.loc["C(A)", "sum_sq"] / total, abs=1e-10)
    assert res["anova"]["B"] == pytest.approx(table.loc["C(B)", "sum_sq"] / total, abs=1e-10)
    # with one universe per cell the residual of the main-effects model is the interaction
    assert res["anova"]["A × B"] == pytest.approx(table.loc["Residual", "sum_sq"] / total,
                                                  abs=1e-10)  # least squares vs sums: 1e-10


def test_first_order_shares_agree_with_salib_sobol() -> None:
    salib = pytest.importorskip("SALib")
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    levels_a, levels_b = 3, 4
    table = np.array([[0.0, 1.0, 4.0, 2.0], [3.0, 1.0, 0.5, 6.0], [2.0, 2.0, 7.0, 1.0]])
    f = _factorial({"A": range(levels_a), "B": range(levels_b)})
    exact = decompose(table[f["A"], f["B"]], f)
    problem = {"num_vars": 2, "names": ["A", "B"], "bounds": [[0, levels_a], [0, levels_b]]}
    x = sobol_sample.sample(problem, 2 ** 14, seed=11)
    a = np.minimum(x[:, 0].astype(int), levels_a - 1)
    b = np.minimum(x[:, 1].astype(int), levels_b - 1)
    si = sobol.analyze(problem, table[a, b], seed=11)
    # Sobol first-order and total indices estimated from 98,304 quasi-random evaluations: their
    # error is of the order of SALib's own confidence half-widths (~0.01); 0.03 covers it
    assert si["S1"][0] == pytest.approx(exact["anova"]["A"], abs=0.03)
    assert si["S1"][1] == pytest.approx(exact["anova"]["B"], abs=0.03)
    assert si["ST"][0] == pytest.approx(exact["anova"]["A"] + exact["anova"]["A × B"], abs=0.03)
    assert salib is not None


def test_unbalanced_design_is_flagged_and_shapley_still_sums() -> None:
    f = pd.DataFrame({"A": ["x", "x", "y"], "B": ["p", "q", "p"]})
    res = decompose([1.0, 2.0, 5.0], f)
    assert res["design"] == "unbalanced" and res["anova"] == {}
    assert sum(res["shapley"].values()) == pytest.approx(1.0, abs=EXACT)


def test_replicates_leave_a_residual() -> None:
    f = pd.DataFrame({"A": ["x", "x", "y", "y"]})
    # y within cells: {0, 2} and {4, 6}: total var 5, between var 4 -> residual 1/5
    res = decompose([0.0, 2.0, 4.0, 6.0], f)
    assert res["anova"]["A"] == pytest.approx(0.8, abs=EXACT)
    assert res["explained"] == pytest.approx(0.8, abs=EXACT)


def test_interval_rank_bounds_by_hand() -> None:
    # intervals: A [9, 10], B [5, 8], C [6, 7], D [1, 2]
    best, worst = interval_rank_bounds(np.array([9.0, 5.0, 6.0, 1.0]),
                                       np.array([10.0, 8.0, 7.0, 2.0]))
    # A: nobody wholly above -> best 1; D wholly below -> worst 3
    # B and C overlap: each can be 2nd or 3rd; D: best 4 (three above), worst 4
    assert best.tolist() == [1, 2, 2, 4]
    assert worst.tolist() == [1, 3, 3, 4]


# --------------------------------------------------------------------------- end to end
@dataclass(frozen=True, kw_only=True)
class SyntheticAdditive(bs.EstimatorBase):
    """Synthetic: estimate = population x (1 + a) + shift_for[b]; ``c`` has no effect."""

    name: ClassVar[str] = "synthetic_additive"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "synthetic_additive"
    unit: ClassVar[str] = "synthetic units"
    requires: ClassVar[frozenset[str]] = frozenset({"population"})
    reference: ClassVar[str] = "tests"
    summary: ClassVar[str] = "synthetic"

    a: float = field(default=0.0, metadata={"ge": 0})
    b: Literal["low", "high"] = "low"
    c: Literal["p", "q", "r"] = "p"

    def _compute(self, data: bs.Dataset) -> bs.Computation:
        ledger = Ledger(data, self.inputs(), owner=self.name)
        f = ledger.active()
        ledger.use(f["_row"].to_numpy())
        v = f["value"].to_numpy(dtype=float) * (1 + self.a) + (100.0 if self.b == "high" else 0.0)
        est = pd.DataFrame({"quantity": self.quantity, "iso3": f["iso3"].to_numpy(),
                            "year": f["year"].to_numpy(), "term": None, "estimate": v,
                            "std_error": np.nan, "ci_lower": np.nan, "ci_upper": np.nan,
                            "ci_level": np.nan, "unit": self.unit})
        return bs.Computation(estimates=est, excluded=ledger.excluded_frame(),
                              diagnostics={"used": ledger.n_used})


def test_multiverse_attribution_and_ranks_end_to_end() -> None:
    data = synthetic_dataset([("FRA", 2024, "population", 10.0), ("DEU", 2024, "population", 50.0),
                              ("ITA", 2024, "population", 200.0)])
    g = Grid(methods=(Method("add", SyntheticAdditive, year=2024),),
             choices=(Choice("a", (0.0, 1.0)), Choice("b", ("low", "high")),
                      Choice("c", ("p", "q", "r"))))
    mv = run_multiverse(g, data, progress=False)
    att = mv.attribution(on="value")
    fra = att[(att["iso3"] == "FRA") & (att["order"] == 1)].set_index("term")
    # FRA: y = 10 (1 + a) + 100 [b = high]: a contributes 10 x (0/1), b 100 x (0/1), no
    # interaction; variances 25 and 2500 -> shares 25/2525 and 2500/2525; c: 0
    assert fra.loc["a", "share_anova"] == pytest.approx(25 / 2525, abs=EXACT)
    assert fra.loc["b", "share_anova"] == pytest.approx(2500 / 2525, abs=EXACT)
    assert fra.loc["c", "share_shapley"] == pytest.approx(0.0, abs=EXACT)
    sums = att[att["scope"] == "country"].groupby("iso3")["share_anova"].sum()
    assert np.allclose(sums, 1.0, atol=EXACT)
    # ranks: ITA always first (200+ vs at most 100 + 100 for DEU); DEU second; FRA third
    dist = mv.rank_distribution(k=1).set_index("iso3")
    assert dist.loc["ITA", "share_top_k"] == 1.0 and dist.loc["FRA", "share_top_k"] == 0.0
    assert dist.loc["DEU", "rank_min"] == 2 and dist.loc["DEU", "rank_max"] == 2
    top = mv.drivers(on="value")
    assert top.set_index(["scope", "iso3"]).loc[("country", "FRA"), "top_choice"] == "b"
