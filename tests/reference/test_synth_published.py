"""Synthetic control on the published California Proposition 99 panel (no network).

Data: per-capita cigarette sales (packs), 39 US states, 1970-2000, California treated from
1989 (Abadie, Diamond and Hainmueller 2010, *JASA* 105(490)), file ``california_prop99.csv``
shipped in the PyPI package ``synthdid-py`` 0.1.0 (dev extra), byte-identical (SHA-256
550d24c2...) to ``data/california_prop99.csv`` of the R package synth-inference/synthdid.

Published figure: Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021), "Synthetic
Difference-in-Differences", *American Economic Review* 111(12), Table 1, column SC: estimate
``-19.6`` (the average effect over the 12 post-treatment years), and the SC unit weights of the
companion Table 7 (two decimals): Utah 0.40, Montana 0.23, Nevada 0.20, Connecticut 0.10,
New Hampshire 0.04, Colorado 0.01, all other states 0.00. Read in the authors' vignette that
generates these tables (synth-inference/synthdid, ``articles/paper-results.html``, pkgdown for
synthdid 0.0.9, rendered 15 March 2022: ``round(california.table, digits=1)`` prints
``estimate -27.3 -19.6 -15.6 ...`` under ``DID SC SDID ...``; the unit-weight table is the
xtable under "Table 7 and 8"). The AER page itself was not read.

Not reproduced, and why (strict xfail below): the two estimators share the objective's outline
(non-negative weights summing to one, pre-treatment outcomes only, no covariates, effect = mean
post-treatment gap) but differ in two details, and the printed -19.6 depends on both.

* burdenshare (``synth_weights`` -> ``pysyncon.Synth.fit(custom_V=ones)``) divides each
  pre-treatment year by the standard deviation of that year's outcome across the 39 states
  before matching. Exact minimiser of that objective: -19.747; burdenshare (pysyncon's solver):
  -19.754; weights Utah 0.384, Montana 0.272, Nevada 0.187, Connecticut 0.079, New Hampshire
  0.048, Colorado 0.029.
* The publication's ``sc_estimate`` matches raw levels (no standardisation) with a ridge penalty
  of 1e-6 x the noise level and solves by Frank-Wolfe with a stopping rule and a sparsification
  step (weights <= max/4 set to zero after 100 iterations, then re-optimised). Its printed
  -19.6 (the synthdid-py port, run from the wheel, gives -19.6197) is not the exact minimiser of
  the raw-level objective, which is -19.51 (computed below).

So burdenshare is 0.13 packs below the printed figure: -0.23 from the standardisation and +0.10
from the publication's approximate solver. No published SC figure on these data uses
burdenshare's exact method (standardised years, equal year weights), so none is claimed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

import burdenshare as bs
from burdenshare.countries import country_table, is_country
from burdenshare.estimators.synth import SyntheticControl, synth_weights

pytestmark = pytest.mark.reference

PROP99 = bs.Source(id="synthdid_prop99", title="Abadie, Diamond and Hainmueller (2010) "
                   "Proposition 99 panel (synthdid-py 0.1.0, relabelled states)",
                   publisher="synthdid-py (PyPI)")


@pytest.fixture(scope="module")
def wide(prop99: pd.DataFrame) -> pd.DataFrame:
    return prop99.pivot(index="Year", columns="State", values="PacksPerCapita")


@pytest.fixture(scope="module")
def estimate(prop99: pd.DataFrame) -> tuple[bs.Result, dict[str, str]]:
    """burdenshare's SyntheticControl on the panel. The Dataset carries country codes and
    vocabulary indicators, so the 39 states are relabelled to 39 distinct country codes (labels
    do not enter the estimate) and cigarette sales travel under the vocabulary slot
    ``unemployment_rate`` (the estimator is agnostic to what the outcome measures)."""
    table = country_table()
    codes = sorted(table.loc[table["iso3"].str.fullmatch(r"[A-Z]{3}").fillna(False)
                             & is_country(table["iso3"]).to_numpy(), "iso3"])[:39]
    label = dict(zip(sorted(prop99["State"].unique()), codes))
    obs = pd.DataFrame({"iso3": prop99["State"].map(label), "year": prop99["Year"].astype(int),
                        "indicator": "unemployment_rate",
                        "value": prop99["PacksPerCapita"].astype(float),
                        "unit": "percent of labour force", "source": PROP99.id})
    data = bs.Dataset.from_frame(obs, {PROP99.id: PROP99})
    res = SyntheticControl(treated=label["California"], treatment_year=1989, first_year=1970,
                           last_year=2000, donors=(), exclude_donors=(),
                           placebo=False).estimate(data)
    return res, {v: k for k, v in label.items()}


def _simplex_least_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact argmin of ||a w - b||^2 over the unit simplex (SLSQP with analytic gradients on a
    rescaled problem, tolerance far below the printed precision)."""
    s = float(np.linalg.norm(a))
    a2, b2 = a / s, b / s
    n = a.shape[1]
    r = minimize(lambda w: float(np.sum((a2 @ w - b2) ** 2)), np.full(n, 1 / n),
                 jac=lambda w: 2 * a2.T @ (a2 @ w - b2), bounds=[(0, 1)] * n,
                 constraints=({"type": "eq", "fun": lambda w: w.sum() - 1,
                               "jac": lambda w: np.ones(n)},),
                 method="SLSQP", options={"ftol": 1e-16, "maxiter": 5000})
    assert r.success, r.message
    return np.clip(r.x, 0, None) / np.clip(r.x, 0, None).sum()


def _split(wide: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    return wide["California"], wide.drop(columns="California"), np.asarray(wide.index < 1989)


def test_synthetic_control_uses_every_observation(estimate) -> None:  # type: ignore[no-untyped-def]
    res, _ = estimate
    d = res.diagnostics
    assert d["used"] == 39 * 31 and len(res.excluded) == 0
    assert (d["pre_years"], d["post_years"], d["n_donors"]) == ("1970-1988", "1989-2000", 38)


def test_synthetic_control_is_exact_minimiser_of_its_documented_objective(
        estimate, wide: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    """Second implementation of methodology/synthetic_control.md's objective (each pre-treatment
    year divided by its standard deviation across all 39 states, equal year weights)."""
    res, back = estimate
    z1, z0, pre = _split(wide)
    sd = pd.concat([z0[pre], z1[pre]], axis=1).std(axis=1).to_numpy()
    w = _simplex_least_squares(z0[pre].to_numpy() / sd[:, None], z1[pre].to_numpy() / sd)
    att = float((z1[~pre] - z0[~pre] @ w).mean())
    # pysyncon stops at its own (SLSQP) tolerance: 0.02 packs on an effect of ~20 (0.1 %)
    assert res.point("att_post").iloc[0] == pytest.approx(att, abs=0.02)
    ours = pd.Series({back[k]: v for k, v in res.diagnostics["donor_weights"].items()})
    exact = pd.Series(w, index=z0.columns)
    # same solver tolerance on the weights: 0.005 (below the publication's 0.01 rounding)
    np.testing.assert_allclose(ours.reindex(exact.index, fill_value=0.0), exact, atol=0.005)


def test_gap_to_published_figure_decomposes_as_documented(wide: pd.DataFrame) -> None:
    """The module docstring's gap decomposition: the exact raw-level minimiser (the
    publication's objective without its solver's stopping and sparsification) gives -19.51,
    and burdenshare's weights function reaches -19.75 on the same panel."""
    z1, z0, pre = _split(wide)
    w_raw = _simplex_least_squares(z0[pre].to_numpy(), z1[pre].to_numpy())
    # two decimals quoted in the docstring: half a unit
    assert float((z1[~pre] - z0[~pre] @ w_raw).mean()) == pytest.approx(-19.51, abs=0.005)
    w_bs = synth_weights(z1[pre], z0[pre])
    # pysyncon's solver tolerance, as above
    assert float((z1[~pre] - z0[~pre] @ w_bs).mean()) == pytest.approx(-19.75, abs=0.02)


@pytest.mark.xfail(strict=True, reason=(
    "burdenshare -19.75 vs printed -19.6 (Arkhangelsky et al. 2021, Table 1, SC): burdenshare "
    "standardises each pre-treatment year (-0.23 packs) and the publication's Frank-Wolfe "
    "solver with stopping rule and sparsification stops at -19.62 instead of the exact -19.51 "
    "(+0.10); weights Utah/Montana/Nevada 0.38/0.27/0.19 vs printed 0.40/0.23/0.20"))
def test_synthetic_control_matches_arkhangelsky_2021_table_1_sc(estimate) -> None:  # type: ignore[no-untyped-def]
    res, _ = estimate
    # printed with one decimal: half a unit of the last printed digit
    assert res.point("att_post").iloc[0] == pytest.approx(-19.6, abs=0.05)
