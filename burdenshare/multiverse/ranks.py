r"""Rank uncertainty across universes: each country's rank distribution, its share of universes
in the top k, and a rank set that adds sampling (or scenario) uncertainty where a universe
reports intervals.

Ranks are computed within each universe and year among the countries that universe ranks
(1 = heaviest burden: the highest value, or the lowest for indices such as "1 in N"), with ties
sharing the lowest rank, as :meth:`burdenshare.Comparison.ranks` does.

Interval rank bounds (per universe). Where a universe reports ``ci_lower``/``ci_upper`` (a
Monte Carlo interval, a confidence interval or a scenario range), country *c*'s rank can be no
better than :math:`1 + \#\{j: l_j > u_c\}` (the countries whose whole interval lies above
*c*'s) and no worse than :math:`n - \#\{j: u_j < l_c\}`. These are the "overlap" bounds: a
rank set that covers the true rank whenever every interval covers its value, i.e. a
*simultaneous* confidence set for the ranks when the intervals are simultaneous; with marginal
intervals (what estimators report) it is a descriptive set, not a guaranteed coverage level
(see Mogstad, Romano, Shaikh & Wilhelm 2024, *Inference for Ranks*, for proper simultaneous
sets). Countries without an interval enter with their point value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .run import Multiverse

__all__ = ["rank_table", "rank_distribution", "interval_rank_bounds"]


def interval_rank_bounds(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank of each item consistent with the intervals (1 = highest).

    Parameters
    ----------
    lower, upper : numpy.ndarray
        Interval bounds per item (a point value has ``lower == upper``).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``best`` = 1 + number of items whose interval lies wholly above; ``worst`` = n - number
        of items whose interval lies wholly below.
    """
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    n = len(lo)
    s_lo = np.sort(lo)
    s_hi = np.sort(hi)
    above = n - np.searchsorted(s_lo, hi, side="right")   # l_j > u_c
    below = np.searchsorted(s_hi, lo, side="left")         # u_j < l_c
    return (1 + above).astype(int), (n - below).astype(int)


def rank_table(mv: Multiverse, *, year: int | None = None,
               family: str | None = None) -> pd.DataFrame:
    """Ranks of the countries in every universe (and their interval bounds).

    Parameters
    ----------
    mv : Multiverse
    year : int, optional
    family : str, optional

    Returns
    -------
    pandas.DataFrame
        ``universe_id, family, method, iso3, year, estimate, rank, rank_best, rank_worst,
        n_ranked, has_interval``.
    """
    long = mv.long
    long = long[long["iso3"].notna() & np.isfinite(long["estimate"].to_numpy(dtype=float))]
    if year is not None:
        long = long[long["year"] == year]
    if family is not None:
        long = long[long["family"] == family]
    frames = []
    for (uid, yr), g in long.groupby(["universe_id", "year"], sort=True):
        sign = 1.0 if bool(g["higher_means_more_burden"].iloc[0]) else -1.0
        v = sign * g["estimate"].to_numpy(dtype=float)
        lo = g["ci_lower"].to_numpy(dtype=float)
        hi = g["ci_upper"].to_numpy(dtype=float)
        has = np.isfinite(lo) & np.isfinite(hi)
        if sign < 0:
            lo, hi = -hi, -lo
        lo = np.where(has, np.minimum(lo, v), v)
        hi = np.where(has, np.maximum(hi, v), v)
        rank = pd.Series(v).rank(ascending=False, method="min").to_numpy()
        best, worst = interval_rank_bounds(lo, hi)
        frames.append(pd.DataFrame({
            "universe_id": uid, "family": g["family"].to_numpy(), "method": g["method"].to_numpy(),
            "quantity": g["quantity"].to_numpy(), "unit": g["unit"].to_numpy(),
            "iso3": g["iso3"].to_numpy(), "year": yr, "estimate": g["estimate"].to_numpy(),
            "rank": rank.astype(int), "rank_best": np.minimum(best, rank).astype(int),
            "rank_worst": np.maximum(worst, rank).astype(int), "n_ranked": len(g),
            "has_interval": has}))
    if not frames:
        return pd.DataFrame(columns=["universe_id", "family", "method", "quantity", "unit", "iso3",
                                     "year", "estimate", "rank", "rank_best", "rank_worst",
                                     "n_ranked", "has_interval"])
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out


def rank_distribution(mv: Multiverse, *, k: int = 10, year: int | None = None,
                      family: str | None = None) -> pd.DataFrame:
    """Each country's rank across universes: quantiles, share in the top ``k``, rank set.

    Parameters
    ----------
    mv : Multiverse
    k : int
        Size of the league table's top.
    year : int, optional
    family : str, optional

    Returns
    -------
    pandas.DataFrame
        Per (family, iso3, year): ``n_universes`` (in which the country is ranked),
        ``n_universes_family`` (successful universes of the family with any ranking that
        year), ``rank_min``, ``rank_q05``, ``rank_median``, ``rank_q95``, ``rank_max``,
        ``share_top_k`` (share of the universes ranking the country in which it is in the top
        k), ``share_top_k_of_family`` (the same over all universes of the family; a universe
        not ranking the country counts as not top k), ``rank_set_lower``/``rank_set_upper``
        (across universes, widened by interval bounds where universes report intervals) and
        ``rank_set_basis``. Sorted by median rank.
    """
    if k < 1:
        raise ValueError(f"k={k} must be at least 1")
    r = rank_table(mv, year=year, family=family)
    cols = ["family", "iso3", "year", "n_universes", "n_universes_family", "rank_min",
            "rank_q05", "rank_median", "rank_q95", "rank_max", "share_top_k",
            "share_top_k_of_family", "rank_set_lower", "rank_set_upper", "rank_set_basis"]
    if r.empty:
        return pd.DataFrame(columns=cols)
    fam_n = r.groupby(["family", "year"])["universe_id"].nunique().rename("n_universes_family")
    g = r.groupby(["family", "iso3", "year"])
    out = pd.DataFrame({
        "n_universes": g["universe_id"].nunique(),
        "rank_min": g["rank"].min(),
        "rank_q05": g["rank"].quantile(0.05),
        "rank_median": g["rank"].median(),
        "rank_q95": g["rank"].quantile(0.95),
        "rank_max": g["rank"].max(),
        "n_top_k": g["rank"].apply(lambda s: int((s <= k).sum())),
        "rank_set_lower": g["rank_best"].min(),
        "rank_set_upper": g["rank_worst"].max(),
        "any_interval": g["has_interval"].any(),
    }).reset_index()
    out = out.merge(fam_n.reset_index(), on=["family", "year"], how="left")
    out["share_top_k"] = out["n_top_k"] / out["n_universes"]
    out["share_top_k_of_family"] = out["n_top_k"] / out["n_universes_family"]
    out["rank_set_basis"] = np.where(out["any_interval"], "universes + interval bounds",
                                     "universes (point ranks)")
    out = out.sort_values(["family", "year", "rank_median", "iso3"]).reset_index(drop=True)
    out.attrs["k"] = k
    return out[cols]
