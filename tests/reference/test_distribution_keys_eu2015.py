"""The EU 2015 relocation key on the embedded real data against the Commission's published figures.

Published figures (``shared/data/eu_relocation_2015_allocations.csv``, transcribed by hand; see
``shared/data/README.md`` §7):

- **COM(2015) 451** (Commission proposal of 9 September 2015, 120,000 persons relocated from
  Italy, Greece and Hungary): per-Member-State allocations for 22 States as released by the
  Commission and printed by Ahram Online (https://english.ahram.org.eg/News/140053.aspx). The
  printed allocations sum to 119,998; the published key share of a State is taken as its
  allocation / 120,000.
- **COM(2015) 286 Annex I** "Distribution key for Italy" (27 May 2015, 24,000 persons, 23
  States): key shares printed in percent with two decimals.

Inputs: ``burdenshare.load_sample()`` = WDI 2026-07-01 mirror (population 2014, GDP in current
US$ 2013, ILO modelled unemployment 2014) and UNHCR refugee statistics release 2025.12.1 (new
asylum applications, resettlement arrivals 2010-2014). The Commission used Eurostat figures of
2015 vintage, so differences beyond rounding are expected; the acceptance tolerances of issue 4
bound them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.estimators.distribution_keys import COM_2015_286_STATES, EuRelocation2015

pytestmark = pytest.mark.reference

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ALLOCATIONS = SHARED / "eu_relocation_2015_allocations.csv"

#: Issue 4 acceptance: MAE of key shares vs COM(2015) 451 <= 0.05 percentage points (METHODS.md
#: Appendix 2 achieved 0.031 pp with the count-as-zero effort rule; ours 0.036 with the default).
MAE_451_PP = 0.05
#: METHODS.md §C1 validation case (i): every State within 0.15 pp of COM(2015) 451.
MAX_451_PP = 0.15
#: Issue 4 acceptance: MAE of key shares vs COM(2015) 286 Annex I <= 0.2 pp.
MAE_286_PP = 0.2
#: Issue 4: any State off by more than 0.3 pp is explained on the methodology page.
OUTLIER_PP = 0.3


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    if not ALLOCATIONS.exists():
        pytest.skip(f"published allocations not found at {ALLOCATIONS} (shared data absent)")
    return pd.read_csv(ALLOCATIONS)


@pytest.fixture(scope="module")
def sample(sample_data: bs.Dataset) -> bs.Dataset:
    return sample_data.select(years=(2010, 2015))


def _key(res: bs.Result, quantity: str = "key_share") -> pd.Series:
    e = res.estimates
    return e[e["quantity"] == quantity].set_index("iso3")["estimate"]


def _published_451(published: pd.DataFrame) -> pd.Series:
    sub = published[published["scheme"] == "proposed_relocation_120000_from_IT_EL_HU"]
    return sub.set_index("iso3")["allocation_persons"].astype(float) / 120_000


def _published_286(published: pd.DataFrame) -> pd.Series:
    sub = published[published["scheme"].str.startswith("proposed_relocation_24000")]
    return sub.set_index("iso3")["key_share_pct"].astype(float) / 100


def _errors_pp(ours: pd.Series, pub: pd.Series) -> pd.Series:
    assert set(ours.index) == set(pub.index), (sorted(ours.index), sorted(pub.index))
    return (ours - pub.reindex(ours.index)) * 100


def test_capped_key_reproduces_com_2015_451_allocations(published, sample) -> None:
    err = _errors_pp(_key(EuRelocation2015().estimate(sample)), _published_451(published))
    assert len(err) == 22
    assert err.abs().mean() <= MAE_451_PP, err.round(3).to_dict()
    assert err.abs().max() <= MAX_451_PP, err.round(3).to_dict()


def test_allocation_of_120000_sums_exactly_and_stays_near_the_published_persons(
        published, sample) -> None:
    res = EuRelocation2015(total=120_000).estimate(sample)
    ours = _key(res, "allocation")
    assert ours.sum() == 120_000
    assert (ours == ours.round()).all()
    pub = published[published["scheme"] == "proposed_relocation_120000_from_IT_EL_HU"]
    pub = pub.set_index("iso3")["allocation_persons"].astype(float)
    # the per-State bound of the key shares (0.15 pp) in persons, plus one for the rounding
    assert ((ours - pub).abs() <= MAX_451_PP / 100 * 120_000 + 1).all()


def test_the_cap_on_the_sum_of_shares_reproduces_451_and_the_cap_on_the_base_share_does_not(
        published, sample) -> None:
    pub = _published_451(published)
    mae = {basis: _errors_pp(_key(EuRelocation2015(cap_basis=basis).estimate(sample)),
                             pub).abs().mean()
           for basis in ("population_plus_gdp_share", "base_share")}
    assert mae["population_plus_gdp_share"] <= MAE_451_PP
    # the alternative reading of "30 % of the population and GDP effect" misses by > 0.1 pp
    assert mae["base_share"] > 0.1, mae


def test_uncapped_key_reproduces_com_2015_286_annex_i(published, sample) -> None:
    err = _errors_pp(_key(EuRelocation2015(variant="uncapped").estimate(sample)),
                     _published_286(published))
    assert len(err) == 23
    assert err.abs().mean() <= MAE_286_PP, err.round(3).to_dict()
    # the only State off by more than 0.3 pp is Croatia (explained in the next test and on
    # methodology/eu_relocation_2015.md)
    assert sorted(err.index[err.abs() > OUTLIER_PP]) == ["HRV"], err.round(3).to_dict()


def test_croatia_outlier_matches_counting_no_applications_before_its_accession(
        published, sample) -> None:
    """Croatia joined the EU on 1 July 2013; counting its 2010-2012 applications as zero (as an
    EU-only series would) brings its May 2015 key share within the 0.3 pp band."""
    obs = sample.observations.copy()
    pre = ((obs["iso3"] == "HRV") & obs["year"].between(2010, 2012)
           & (obs["indicator"] == "asylum_applications_new"))
    assert pre.sum() == 3
    obs.loc[pre, "value"] = 0.0
    edited = bs.Dataset.from_frame(obs, sample.sources, origin="HRV 2010-2012 applications set "
                                   "to zero (test of the outlier's explanation)")
    pub = _published_286(published)
    before = _errors_pp(_key(EuRelocation2015(variant="uncapped").estimate(sample)), pub)
    after = _errors_pp(_key(EuRelocation2015(variant="uncapped").estimate(edited)), pub)
    assert before["HRV"] < -OUTLIER_PP
    assert abs(after["HRV"]) <= OUTLIER_PP, after["HRV"]
    assert after.abs().mean() < before.abs().mean()


def test_romania_is_an_outlier_only_if_missing_application_years_count_as_zero(
        published, sample) -> None:
    """METHODS.md Appendix 2 reports ROU +1.09 pp: UNHCR has no new-application (type N)
    counts for Romania in 2010-2012, and counting them as zero makes its effort tiny."""
    pub = _published_286(published)
    zero = _errors_pp(_key(EuRelocation2015(variant="uncapped", effort_missing="count_as_zero")
                           .estimate(sample)), pub)
    default = _errors_pp(_key(EuRelocation2015(variant="uncapped").estimate(sample)), pub)
    assert zero["ROU"] > 2 * OUTLIER_PP
    assert abs(default["ROU"]) <= OUTLIER_PP


def test_the_capped_formula_does_not_reproduce_the_may_2015_key(published, sample) -> None:
    """The cap was introduced between May (COM(2015) 286) and September (COM(2015) 451)."""
    res = EuRelocation2015(variant="capped", states=COM_2015_286_STATES).estimate(sample)
    err = _errors_pp(_key(res), _published_286(published))
    assert err.abs().mean() > 0.5


def _value(obs: pd.DataFrame, iso3: str, indicator: str, year: int) -> float:
    """The observation's value, or 0 when the data have none (as the key reads resettlement)."""
    sel = obs[(obs["iso3"] == iso3) & (obs["indicator"] == indicator) & (obs["year"] == year)]
    return float(sel["value"].iloc[0]) if len(sel) else 0.0


def _rate(obs: pd.DataFrame, iso3: str, year: int) -> float:
    return ((_value(obs, iso3, "asylum_applications_new", year)
             + _value(obs, iso3, "resettlement_arrivals", year))
            / _value(obs, iso3, "population", year) * 1e6)


def test_effort_is_the_mean_over_observed_years_of_applications_plus_resettlement(
        sample) -> None:
    """Hand calculation for Austria, for which UNHCR has new applications only in 2014, against
    Germany (all five years)."""
    obs = sample.observations
    aut_new = obs[(obs["iso3"] == "AUT") & (obs["indicator"] == "asylum_applications_new")
                  & obs["year"].between(2010, 2014)]
    assert sorted(aut_new["year"]) == [2014]
    x_aut = _rate(obs, "AUT", 2014)
    x_deu = np.mean([_rate(obs, "DEU", t) for t in range(2010, 2015)])
    res = EuRelocation2015(variant="uncapped").estimate(sample)
    assert res.diagnostics["effort_years_observed"]["AUT"] == 1
    assert "DEU" not in res.diagnostics["effort_years_observed"]  # all five years observed
    inv = _key(res, "effort_inverse_share")  # (1/x_i) / sum_j (1/x_j)
    assert inv["AUT"] / inv["DEU"] == pytest.approx(x_deu / x_aut, rel=1e-12)


def test_non_participants_and_other_years_are_excluded_with_their_reasons(sample) -> None:
    exc = EuRelocation2015().estimate(sample).excluded
    assert set(exc.loc[exc["iso3"] == "ITA", "reason"]) == {"not_in_group"}
    pop_deu = exc[(exc["iso3"] == "DEU") & (exc["indicator"] == "population")]
    assert set(pop_deu["year"]) == {2015}
    assert set(pop_deu["reason"]) == {"not_reference_year"}
    # Austria's 2010-2013 resettlement arrivals and populations drop out with the years that
    # have no application count
    aut = exc[(exc["iso3"] == "AUT") & (exc["reason"] == "missing_counterpart")]
    assert set(aut["year"]) == {2010, 2011, 2012, 2013}
    assert aut["detail"].str.contains("left out of the 2010-2014 effort average").all()
