"""Specification-curve data: one country's estimates (or ranks) sorted, with the choice matrix
beneath (Simonsohn, Simmons & Nelson 2020, *Specification curve analysis*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .grid import METHOD

if TYPE_CHECKING:
    from .run import Multiverse

__all__ = ["CurveData", "specification_curve"]


@dataclass(frozen=True, eq=False)
class CurveData:
    """The data of a specification curve.

    Attributes
    ----------
    points : pandas.DataFrame
        One row per universe, sorted: ``position`` (1..n), ``universe_id``, ``method``,
        ``estimate`` (value or rank), ``ci_lower``, ``ci_upper``, ``median`` (bool: at the
        median position) and one column per decision (labels).
    matrix : pandas.DataFrame
        The choice matrix, long: ``position``, ``universe_id``, ``choice``, ``level`` for every
        decision that varies.
    iso3, year, on, quantity, unit : scalars
        What the curve shows.
    missing : pandas.DataFrame
        Manifest rows of the universes without a value for the country (failed, or the country
        not estimated there): never dropped silently.
    """

    points: pd.DataFrame
    matrix: pd.DataFrame
    iso3: str
    year: int | None
    on: str
    quantity: str
    unit: str
    missing: pd.DataFrame


def _rank_points(mv: Multiverse, iso3: str, family: str | None) -> tuple[pd.DataFrame, str, str]:
    """One country's rank in every universe, with the best and worst rank as the interval."""
    from .ranks import rank_table

    r = rank_table(mv, family=family)
    sub = r[r["iso3"] == iso3].rename(columns={"rank": "y"})
    sub = sub.assign(ci_lower=sub["rank_best"].astype(float),
                     ci_upper=sub["rank_worst"].astype(float))
    return sub, "rank", "rank (1 = heaviest burden)"


def _value_points(mv: Multiverse, iso3: str, family: str | None,
                  quantity: str | None) -> tuple[pd.DataFrame, str, str]:
    """One country's estimate in every universe: one quantity in one unit, or an error."""
    long = mv.long
    sub = long[long["iso3"] == iso3]
    if family is not None:
        sub = sub[sub["family"] == family]
    if quantity is not None:
        sub = sub[sub["quantity"] == quantity]
    qs = sorted(set(sub["quantity"]))
    if len(qs) > 1:
        raise ValueError(f"{iso3}: the universes report {len(qs)} quantities ({', '.join(qs)}); "
                         "pass quantity=... or use on='rank' to compare across methods")
    units = sorted(set(sub["unit"]))
    if len(units) > 1:
        raise ValueError(f"{iso3}: quantity {qs[0]!r} comes in several units {units}")
    sub = sub.assign(y=sub["estimate"])
    return sub, qs[0] if qs else (quantity or ""), units[0] if units else ""


def specification_curve(mv: Multiverse, iso3: str, *, year: int | None = None,
                        on: Literal["value", "rank"] = "value", quantity: str | None = None,
                        family: str | None = None) -> CurveData:
    """Return the specification-curve data of one country.

    Parameters
    ----------
    mv : Multiverse
    iso3 : str
    year : int, optional
        Default: the latest year the country has.
    on : {"value", "rank"}
        ``value`` needs one quantity and unit (pass ``quantity`` when methods differ);
        ``rank`` compares across methods.
    quantity : str, optional
    family : str, optional

    Returns
    -------
    CurveData
    """
    if on == "rank":
        sub, q, unit = _rank_points(mv, iso3, family)
    elif on == "value":
        sub, q, unit = _value_points(mv, iso3, family, quantity)
    else:
        raise ValueError(f"on={on!r}: choose 'value' or 'rank'")
    if sub.empty:
        raise ValueError(f"no universe has an estimate for {iso3!r}")
    if year is None:
        year = int(sub["year"].max())
    sub = sub[(sub["year"] == year) & np.isfinite(sub["y"].to_numpy(dtype=float))]
    man = mv.manifest
    names = [c for c in mv.choice_names if c in man.columns]
    pts = sub[["universe_id", "y", "ci_lower", "ci_upper"]].merge(
        man[["universe_id", *names]], on="universe_id", how="left")
    ascending = on == "rank"
    pts = pts.sort_values(["y", "universe_id"], ascending=[ascending, True],
                          kind="mergesort").reset_index(drop=True)
    pts.insert(0, "position", np.arange(1, len(pts) + 1))
    pts = pts.rename(columns={"y": "estimate"})
    mid = (len(pts) + 1) // 2
    pts["median"] = pts["position"] == mid
    varying = [c for c in names if pts[c].nunique() > 1]
    matrix = pts.melt(id_vars=["position", "universe_id"], value_vars=varying or [METHOD],
                      var_name="choice", value_name="level")
    pool = man
    if family is not None:
        pool = pool[pool["family"] == family]
    if on == "value" and q:
        pool = pool[(pool["quantity"] == q) | (pool["status"] == "failed")]
    missing = pool[~pool["universe_id"].isin(pts["universe_id"])].reset_index(drop=True)
    return CurveData(points=pts, matrix=matrix, iso3=iso3, year=year, on=on, quantity=q,
                     unit=unit, missing=missing)
