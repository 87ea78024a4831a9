"""Reference numbers reproduced from data shipped in a PyPI package (no network).

Data: Cheng and Hoekstra (2013, *Journal of Human Resources* 48(3), 821-853) castle-doctrine
panel, the running example of Cunningham, *Causal Inference: The Mixtape* (Yale UP, 2021),
ch. 9, shipped in the PyPI package ``causaldata`` 0.1.5 (dataset ``castle``: 50 US states,
2000-2010; ``post`` = 1{year > effective year}, absorbing; ``homicide`` per 100,000, whose log is
``l_homicide``).

Reference values: Stata 18 MP and R ``did`` output on this panel, recorded with the commands
that produced them in brycewang-stanford/StatsPAI, ``tests/reference_parity/
test_castle_stata_parity.py`` (read at commit bcc3070c) and its guide "Castle doctrine - a
real-data staggered DiD replication":

* ``xtreg l_homicide i.year post, fe vce(cluster sid)``: post = 0.069398429,
  cluster-robust SE = 0.055859635 (``STATA_TWFE_UNWEIGHTED``);
* ``csdid`` / R ``did::aggte(type="simple")`` with never-treated controls and cohort = first
  year with post = 1 (``gvar = effyear + 1``): simple ATT = 0.019402808
  (``CSDID_SIMPLE_ATT_GVAR_EFFYEAR_PLUS1``). On this balanced panel with every relative period
  in the saturated regression, Sun and Abraham's cohort-by-event-time coefficients with
  never-treated controls are exactly Callaway and Sant'Anna's ATT(g, t), and the observation-
  weighted post average is their "simple" aggregation, so ``staggered_did``'s overall ATT must
  equal it.

Not reproduced: the bacondecomp vignette's "Two-way FE estimate = 0.0818"
(https://cran.r-project.org/web/packages/bacondecomp/vignettes/bacon.html) comes from the castle
data shipped in that R package, which differ from the Mixtape/causaldata panel (same
regression here: 0.0694, as in Stata above).

burdenshare's Dataset carries country codes and vocabulary indicators, so the 50 states are
relabelled to 50 distinct country codes (labels do not enter the estimate) and the homicide rate
travels under the vocabulary slot ``unemployment_rate`` (the estimator is agnostic to what the
outcome measures); ``log_outcome=True`` takes the log inside burdenshare.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.countries import country_table, is_country
from burdenshare.estimators.did import StaggeredDiD
from tests.conftest import SYNTHETIC

causaldata = pytest.importorskip("causaldata")

CASTLE = bs.Source(id="causaldata_castle", title="Cheng and Hoekstra (2013) castle-doctrine panel "
                   "(causaldata 0.1.5, relabelled states)", publisher="causaldata (PyPI)")


@pytest.fixture(scope="module")
def castle() -> tuple[bs.Dataset, tuple[tuple[str, int], ...]]:
    c = causaldata.castle.load_pandas().data
    table = country_table()
    codes = sorted(table.loc[table["iso3"].str.fullmatch(r"[A-Z]{3}").fillna(False)
                             & is_country(table["iso3"]).to_numpy(), "iso3"])[:50]
    label = dict(zip(sorted(c["sid"].unique()), codes))
    obs = pd.DataFrame({"iso3": c["sid"].map(label), "year": c["year"].astype(int),
                        "indicator": "unemployment_rate", "value": c["homicide"].astype(float),
                        "unit": "percent of labour force", "source": "causaldata_castle"})
    first = c[c["post"] == 1].groupby("sid")["year"].min()
    onsets = tuple((label[s], int(y)) for s, y in first.items())
    assert SYNTHETIC.id != CASTLE.id
    return bs.Dataset.from_frame(obs, {"causaldata_castle": CASTLE}), onsets


def test_castle_twfe_reproduces_stata(castle) -> None:  # type: ignore[no-untyped-def]
    data, onsets = castle
    res = StaggeredDiD(onsets=onsets, log_outcome=True, leads=10, lags=10,
                       first_year=2000, last_year=2010).estimate(data)
    d = res.diagnostics
    # causaldata stores the panel in single precision (log(homicide) and l_homicide differ by up
    # to 2.4e-7), as did the CSV behind the Stata run: 1e-6 pins five significant digits
    assert d["twfe_static_att"] == pytest.approx(0.069398429, abs=1e-6)
    assert d["twfe_static_std_error"] == pytest.approx(0.055859635, abs=1e-6)


def test_castle_sun_abraham_reproduces_csdid_simple_att(castle) -> None:  # type: ignore[no-untyped-def]
    data, onsets = castle
    res = StaggeredDiD(onsets=onsets, log_outcome=True, leads=10, lags=10,
                       first_year=2000, last_year=2010).estimate(data)
    att = res.estimates.query("quantity == 'att'")["estimate"].iloc[0]
    # exact algebraic equality on a balanced, fully saturated panel; 1e-6 for float32 storage
    assert att == pytest.approx(0.019402808, abs=1e-6)


def test_castle_twfe_equals_statsmodels_on_the_shipped_data(castle) -> None:  # type: ignore[no-untyped-def]
    import statsmodels.formula.api as smf

    data, onsets = castle
    res = StaggeredDiD(onsets=onsets, log_outcome=True, leads=10, lags=10,
                       first_year=2000, last_year=2010).estimate(data)
    assert res.excluded.empty  # the whole balanced panel enters (550 state-years)
    assert res.diagnostics["n_obs"] == 550
    c = causaldata.castle.load_pandas().data.assign(y=lambda d: np.log(d["homicide"]))
    ref = smf.ols("y ~ post + C(sid) + C(year)", c).fit().params["post"]
    # same regression, two least-squares routines on double-precision data: 1e-8
    assert res.diagnostics["twfe_static_att"] == pytest.approx(ref, abs=1e-8)


def test_castle_cohorts_are_the_shipped_coding(castle) -> None:  # type: ignore[no-untyped-def]
    data, onsets = castle
    res = StaggeredDiD(onsets=onsets, log_outcome=True, leads=10, lags=10,
                       first_year=2000, last_year=2010).estimate(data)
    assert res.uncertainty_method == "cluster_robust"
    # the shipped coding: 21 treated states in cohorts 2006-2010, 29 never treated
    assert res.diagnostics["cohorts"] == "2006: 1, 2007: 13, 2008: 4, 2009: 2, 2010: 1"
    assert res.diagnostics["n_never_treated"] == 29
