"""Corrupting one country's input never changes another country's estimate (issue 16).

Every built-in estimator of :func:`burdenshare.registry.available` is run with its default
parameters on a subset of the embedded samples (real data: the countries of ``CODES``,
2018-2020). Those that give per-country estimates there are checked. One country's
observations are then corrupted (hypothesis draws the country and the corruption):

- ``inf``: a value set to infinity is refused by validation (it cannot reach an estimator);
- ``missing``: every value of the country set to missing (NaN, the non-finite value that
  validation lets through);
- ``huge``: every value multiplied by 1e6 (finite, valid);
- ``drop``: every row of the country removed.

*Per-country* methods (each country's estimate uses only its own observations) must give every
other country exactly the same estimates. *Group* methods (shares of a group total, keys
normalised over the group) legitimately move when one member changes, so for them the checked
invariant is that nothing non-finite spreads: an estimate of another country that was finite
stays finite and present. A method is per-country when one country's values doubled leave
every other country's estimates unchanged (decided once per method, on the first country).
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.indicators import VOCABULARY
from burdenshare.registry import available, get

pytestmark = pytest.mark.property

CODES = ("AUT", "BEL", "DEU", "FRA", "ITA", "SWE", "JOR", "LBN", "TUR", "UGA", "PAK", "COL")
YEARS = (2018, 2020)
KINDS = ("missing", "huge", "drop")
#: Group methods by definition, whatever the doubling check says: a country's share hosted by
#: its neighbours reads the neighbours' observations.
GROUP = frozenset({"neighbour_hosting_share"})


@functools.cache
def _subset() -> bs.Dataset:
    return bs.load_sample().select(iso3=CODES, years=YEARS)


def _estimates(name: str, data: bs.Dataset) -> pd.Series | None:
    """Per-country estimates of ``name`` on ``data`` (None: it gives none there)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = get(name)().estimate(data).estimates
    except Exception:  # methods that cannot run on this subset are not per-country here
        return None
    if "iso3" not in est.columns or est["iso3"].isna().all():
        return None
    est = est[est["iso3"].notna()]
    keys = [c for c in ("quantity", "iso3", "year", "term") if c in est.columns]
    frame = est[[*keys, "estimate"]].astype({"estimate": "float64"})
    frame = frame.assign(**{k: frame[k].astype(str) for k in keys})
    return frame.set_index(keys)["estimate"].sort_index()


def _others(s: pd.Series, iso3: str) -> pd.Series:
    return s[s.index.get_level_values("iso3") != iso3]


def _corrupted(data: bs.Dataset, iso3: str, kind: str, factor: float = 1e6) -> bs.Dataset:
    obs = data.observations.copy()
    obs = obs.assign(**{c: obs[c].astype(object) for c in obs.columns if c != "value"})
    mine = (obs["iso3"] == iso3).to_numpy()
    if kind == "drop":
        obs = obs[~mine]
    elif kind == "missing":
        obs.loc[mine, "value"] = np.nan
    else:  # category codes (income group, DAC membership) are not amounts: left as they are
        amounts = mine & ~obs["indicator"].map(_is_category).to_numpy(dtype=bool)
        obs.loc[amounts, "value"] = obs.loc[amounts, "value"] * factor
    obs = obs.where(obs.notna(), None).assign(value=obs["value"])
    return bs.Dataset.from_frame(obs.reset_index(drop=True), dict(data.sources))


def _is_category(indicator: Any) -> bool:
    spec = VOCABULARY.get(str(indicator))
    return bool(spec is not None and spec.categories)


@functools.cache
def _baseline(name: str) -> tuple[pd.Series | None, bool]:
    """Estimates on the subset and whether the method is per-country (see module docstring)."""
    base = _estimates(name, _subset())
    if base is None:
        return None, False
    first = str(base.index.get_level_values("iso3")[0])
    doubled = _estimates(name, _corrupted(_subset(), first, "huge", factor=2.0))
    unchanged = doubled is not None and _same(_others(base, first), _others(doubled, first))
    per_country = name not in GROUP and unchanged
    return base, per_country


def _same(a: pd.Series, b: pd.Series) -> bool:
    if not a.index.equals(b.index):
        return False
    return bool(np.allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12, atol=0, equal_nan=True))


#: Found by this test and not fixed yet: FRA's observations set to missing make other origins'
#: ``origin_share_in_neighbouring_countries`` NaN (a NaN spreads through the sum over asylum
#: countries in ``estimators/neighbours.py``). strict: the mark fails once it is fixed.
_SPREADS = pytest.mark.xfail(strict=True, reason="neighbour_hosting_share lets a missing value "
                             "of one asylum country make other origins' shares NaN (issue 16)")
METHODS = [pytest.param(n, marks=_SPREADS) if n == "neighbour_hosting_share" else n
           for n in sorted(available())]


def test_an_infinite_value_never_reaches_an_estimator() -> None:
    obs = _subset().observations.copy()
    obs["value"] = obs["value"].astype("float64")
    obs.loc[obs.index[0], "value"] = np.inf
    with pytest.raises(bs.DataValidationError, match="is not a finite number"):
        bs.Dataset.from_frame(obs, dict(_subset().sources))


@pytest.mark.parametrize("name", METHODS)
@settings(max_examples=4)
@given(pick=st.integers(0, 10**6), kind=st.sampled_from(KINDS))
def test_corrupting_one_country_spreads_to_no_other(name: str, pick: int, kind: str) -> None:
    base, per_country = _baseline(name)
    if base is None:
        return  # no per-country estimates on the subset
    countries = sorted(set(base.index.get_level_values("iso3")))
    iso3 = countries[pick % len(countries)]
    after = _estimates(name, _corrupted(_subset(), iso3, kind))
    assert after is not None, f"{name} stopped giving estimates after corrupting {iso3}"
    others_before, others_after = _others(base, iso3), _others(after, iso3)
    if per_country:
        assert _same(others_before, others_after), (name, iso3, kind)
        return
    finite = others_before[np.isfinite(others_before.to_numpy())]
    kept = others_after.reindex(finite.index)
    lost: Any = kept[~np.isfinite(kept.to_numpy())]
    assert lost.empty, f"{name}: {kind} in {iso3} made {list(lost.index)[:3]} non-finite"
