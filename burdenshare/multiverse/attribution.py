r"""Variance attribution: how much of the spread of a country's figure (or rank) each choice
explains.

For a set of universes with outcome :math:`y_u` and decisions :math:`X_1..X_k` (each universe
weighted equally), let :math:`V(S) = \mathrm{Var}(E[y \mid X_S]) / \mathrm{Var}(y)`, the share
of the variance explained by the cells of the decisions in :math:`S` (the correlation ratio
:math:`\eta^2`).

- **ANOVA / Sobol-Hoeffding terms** (complete, balanced full-factorial designs only): the effect
  of a set :math:`T` of decisions is :math:`\sum_{S \subseteq T} (-1)^{|T|-|S|} V(S)`
  (Möbius inversion). In a full factorial these are the exact ANOVA sums of squares over the
  total, the main effects and interactions are orthogonal and all terms sum to
  :math:`V(\text{all})` (1 without replicates). This is what a Sobol analysis (e.g. SALib)
  estimates by sampling, computed exactly on the finite grid.
- **Shapley effects** (any design): :math:`\mathrm{Sh}_i = \sum_{S \not\ni i}
  \frac{|S|!(k-|S|-1)!}{k!}\,[V(S \cup \{i\}) - V(S)]` (Owen 2014; Song, Nelson & Staum 2016).
  They sum to :math:`V(\text{all})`, give zero to a decision with no effect in a full
  factorial, and split each interaction equally among its decisions. With constraints or
  nested choices (an unbalanced design) they remain defined, but a decision correlated with
  another by the design can receive a share it does not cause.

"Which choice matters most" is the decision with the largest Shapley effect.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .run import Multiverse

__all__ = ["attribution", "decompose", "drivers", "MAX_DECISIONS"]

#: most decisions varying at once for which all 2^k cell variances are computed
MAX_DECISIONS = 12
_SEP = " × "


def _cell_variance(y: np.ndarray, codes: np.ndarray, n_cells: int) -> float:
    counts = np.bincount(codes, minlength=n_cells)
    sums = np.bincount(codes, weights=y, minlength=n_cells)
    used = counts > 0
    means = sums[used] / counts[used]
    return float(np.sum(counts[used] * (means - y.mean()) ** 2) / len(y))


def decompose(y: Sequence[float] | np.ndarray, factors: pd.DataFrame, *,
              max_order: int = 2) -> dict[str, Any]:
    r"""Decompose the variance of ``y`` over the decisions in ``factors``.

    Parameters
    ----------
    y : array-like of float
        One outcome per universe (no missing values).
    factors : pandas.DataFrame
        One column per decision, one row per universe (levels of any hashable type).
    max_order : int
        ANOVA terms above this order are reported together as ``higher-order interactions``.

    Returns
    -------
    dict
        ``total_variance`` (population variance of ``y``), ``design`` (``full_factorial``,
        ``unbalanced`` or ``constant`` when ``y`` has no spread), ``explained`` (share
        explained by all decisions together, :math:`V(\text{all})`), ``anova`` (term ->
        share; full factorials only, else empty), ``shapley`` (decision -> share) and
        ``cells`` (subset -> :math:`V(S)`).
    """
    yv = _checked_outcomes(y, factors)
    names = [c for c in factors.columns if factors[c].nunique(dropna=False) > 1]
    k = len(names)
    if k > MAX_DECISIONS:
        raise ValueError(f"{k} decisions vary at once; attribution handles at most "
                         f"{MAX_DECISIONS} (fix some choices with Grid.subgrid)")
    n = len(yv)
    total = float(yv.var()) if n else float("nan")
    out: dict[str, Any] = {"total_variance": total, "n": n, "decisions": tuple(names),
                           "anova": {}, "shapley": {}, "cells": {}, "explained": float("nan")}
    if n == 0 or not total > 0 or k == 0:
        out["design"] = "constant" if n else "empty"
        if k and n and not total > 0:
            out["shapley"] = {c: 0.0 for c in names}
        return out
    codes, sizes = _level_codes(factors, names)
    cells = _subset_variances(yv, codes, sizes, names, total)
    out["cells"] = {tuple(sorted(s)): v for s, v in cells.items() if s}
    out["explained"] = cells[frozenset(names)]
    balanced = _is_balanced(codes, sizes)
    out["design"] = "full_factorial" if balanced else "unbalanced"
    if balanced:
        out["anova"] = _anova_shares(cells, names, max_order)
    out["shapley"] = _shapley_shares(cells, names)
    return out


def _checked_outcomes(y: Sequence[float] | np.ndarray, factors: pd.DataFrame) -> np.ndarray:
    yv = np.asarray(y, dtype=float)
    if yv.ndim != 1 or len(yv) != len(factors):
        raise ValueError("y and factors must have one entry per universe")
    if not np.all(np.isfinite(yv)):
        raise ValueError("y has missing or infinite values; drop those universes first (and "
                         "report them)")
    return yv


def _level_codes(factors: pd.DataFrame, names: list[str]) -> tuple[list[np.ndarray], list[int]]:
    """Integer codes of each varying decision's levels, and the number of levels."""
    codes, sizes = [], []
    for c in names:
        cc, levels = pd.factorize(factors[c].astype("object").map(repr), sort=True)
        codes.append(cc.astype(np.int64))
        sizes.append(len(levels))
    return codes, sizes


def _cell_code(codes: list[np.ndarray], sizes: list[int], which: Sequence[int]) -> tuple[np.ndarray, int]:
    """One code per universe for the combination of the decisions ``which``, and the code count."""
    code = np.zeros(len(codes[0]), dtype=np.int64)
    stride = 1
    for i in which:
        code += codes[i] * stride
        stride *= sizes[i]
    return code, stride


def _subset_variances(yv: np.ndarray, codes: list[np.ndarray], sizes: list[int], names: list[str],
                      total: float) -> dict[frozenset[str], float]:
    """:math:`V(S)`: share of the variance explained by the cells of each subset of decisions."""
    cells: dict[frozenset[str], float] = {frozenset(): 0.0}
    for r in range(1, len(names) + 1):
        for sub in itertools.combinations(range(len(names)), r):
            code, _ = _cell_code(codes, sizes, sub)
            comb, inv = np.unique(code, return_inverse=True)
            variance = _cell_variance(yv, inv.ravel(), len(comb))
            cells[frozenset(names[i] for i in sub)] = variance / total
    return cells


def _is_balanced(codes: list[np.ndarray], sizes: list[int]) -> bool:
    """A complete balanced full factorial: every combination present equally often."""
    code, n_cells = _cell_code(codes, sizes, range(len(codes)))
    counts = np.bincount(code, minlength=n_cells)
    return bool(np.all(counts == counts[0]) and counts[0] > 0)


def _anova_shares(cells: dict[frozenset[str], float], names: list[str],
                  max_order: int) -> dict[str, float]:
    """ANOVA effect of each term up to ``max_order``; the rest reported together."""
    anova: dict[str, float] = {}
    higher = 0.0
    for r in range(1, len(names) + 1):
        for term in itertools.combinations(names, r):
            t = frozenset(term)
            eff = sum((-1) ** (len(t) - len(s)) * cells[frozenset(s)]
                      for q in range(len(t) + 1) for s in itertools.combinations(term, q))
            if r <= max_order:
                anova[_SEP.join(term)] = float(eff)
            else:
                higher += float(eff)
    if len(names) > max_order:
        anova[f"higher-order interactions (order > {max_order})"] = higher
    return anova


def _shapley_shares(cells: dict[frozenset[str], float], names: list[str]) -> dict[str, float]:
    """Shapley value of each decision over the subset variances."""
    k = len(names)
    shap = {}
    for c in names:
        others = [x for x in names if x != c]
        val = 0.0
        for r in range(len(others) + 1):
            w = math.factorial(r) * math.factorial(k - r - 1) / math.factorial(k)
            for s in itertools.combinations(others, r):
                fs = frozenset(s)
                val += w * (cells[fs | {c}] - cells[fs])
        shap[c] = float(val)
    return shap


# --------------------------------------------------------------------------- over a multiverse
def _outcomes(mv: Multiverse, on: str, year: int | None, family: str | None) -> pd.DataFrame:
    if on == "rank":
        from .ranks import rank_table

        r = rank_table(mv, year=year, family=family)
        r = r.assign(y=r["rank"].astype(float), quantity="rank", unit="rank (1 = heaviest burden)")
        return r
    if on != "value":
        raise ValueError(f"on={on!r}: choose 'value' (within a quantity and unit) or 'rank'")
    long = mv.long
    long = long[long["iso3"].notna()]
    if year is not None:
        long = long[long["year"] == year]
    if family is not None:
        long = long[long["family"] == family]
    return long.assign(y=long["estimate"].astype(float))


def attribution(mv: Multiverse, *, on: Literal["value", "rank"] = "rank",
                year: int | None = None, family: str | None = None, max_order: int = 2,
                overall: bool = True) -> pd.DataFrame:
    """Share of each country's spread explained by each decision (and interactions).

    Parameters
    ----------
    mv : Multiverse
    on : {"rank", "value"}
        ``rank``: the country's rank in each universe (comparable across methods of a
        family); ``value``: the estimate, within one quantity and unit (estimates in different
        units are never pooled).
    year : int, optional
        Only this year.
    family : str, optional
        Only this family of methods.
    max_order : int
        Highest interaction order reported separately.
    overall : bool
        Add rows with ``scope="overall"``: each term's variance summed over countries divided
        by the summed total variance (a variance-weighted mean of the country shares).

    Returns
    -------
    pandas.DataFrame
        One row per group x term: ``scope`` (country/overall), ``family``, ``quantity``,
        ``unit``, ``iso3``, ``year``, ``term``, ``order`` (0 for the residual),
        ``share_anova`` (full factorials; NaN otherwise), ``share_shapley`` (decisions only),
        ``design``, ``total_variance``, ``n_universes`` (with a value) and ``n_missing``
        (universes of the group's methods without a value: listed, never silently dropped).
    """
    data = _outcomes(mv, on, year, family)
    names = [c for c in mv.choice_names]
    man = mv.manifest.set_index("universe_id")
    ok = man[man["status"] == "ok"]
    cols = ["family", "quantity", "unit", "iso3", "year"]
    rows: list[dict[str, Any]] = []
    finite = data[np.isfinite(data["y"].to_numpy(dtype=float))]
    n_inf = len(data) - len(finite)
    for key, g in finite.groupby(cols, sort=True, dropna=False):
        fam, q = key[0], key[1]
        pool = _method_pool(ok, on, fam, q)
        if key[4] is not None and not pd.isna(key[4]):
            pool = pool[(pool["year"].isna()) | (pool["year"] == key[4])]
        f = man.loc[g["universe_id"].to_numpy(), [c for c in names if c in man.columns]]
        res = decompose(g["y"].to_numpy(dtype=float), f.reset_index(drop=True),
                        max_order=max_order)
        base = dict(zip(cols, key), scope="country", design=res["design"],
                    total_variance=res["total_variance"], n_universes=len(g),
                    n_missing=max(0, len(pool) - len(g)))
        rows.extend(_term_rows(res, base))
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    if overall:
        out = pd.concat([out, _overall(out)], ignore_index=True)
    out.attrs["non_finite_outcomes"] = n_inf
    return out


def _method_pool(ok: pd.DataFrame, on: str, fam: Any, q: Any) -> pd.DataFrame:
    """Return the successful universes that could give a value to a group (any year)."""
    mask = ok["family"] == fam
    if on == "value":
        mask = mask & (ok["quantity"] == q)
    pool: pd.DataFrame = ok[mask]
    return pool


def _term_rows(res: dict[str, Any], base: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    shap = res["shapley"]
    if res["design"] in ("constant", "empty") or not res["decisions"]:
        for c, v in shap.items():
            rows.append({**base, "term": c, "order": 1, "share_anova": np.nan,
                         "share_shapley": v})
        if not shap:
            rows.append({**base, "term": "(no decision varies)", "order": 0,
                         "share_anova": np.nan, "share_shapley": np.nan})
        return rows
    anova = res["anova"]
    for c in res["decisions"]:
        rows.append({**base, "term": c, "order": 1, "share_anova": anova.get(c, np.nan),
                     "share_shapley": shap[c]})
    for t, v in anova.items():
        if t in res["decisions"]:
            continue
        order = t.count(_SEP) + 1 if not t.startswith("higher") else 99
        rows.append({**base, "term": t, "order": order, "share_anova": v,
                     "share_shapley": np.nan})
    resid = 1.0 - res["explained"]
    if resid > 1e-12:  # replicates within cells (e.g. different seeds) leave variance unexplained
        rows.append({**base, "term": "residual (within cells)", "order": 0,
                     "share_anova": resid if anova else np.nan, "share_shapley": resid})
    return rows


def _overall(out: pd.DataFrame) -> pd.DataFrame:
    c = out[out["scope"] == "country"].copy()
    c = c[c["total_variance"] > 0]
    rows = []
    for (fam, q, unit, year), g in c.groupby(["family", "quantity", "unit", "year"], dropna=False,
                                             sort=True):
        tot = g.drop_duplicates("iso3")["total_variance"].sum()
        if not tot > 0:
            continue
        designs = set(g["design"])
        design = ("full_factorial" if designs == {"full_factorial"} else
                  "mixed" if len(designs) > 1 else next(iter(designs)))
        for (term, order), h in g.groupby(["term", "order"], sort=False):
            sa = h["share_anova"] * h["total_variance"]
            ss = h["share_shapley"] * h["total_variance"]
            rows.append({"family": fam, "quantity": q, "unit": unit, "iso3": None, "year": year,
                         "scope": "overall", "design": design,
                         "total_variance": tot, "n_universes": int(h["n_universes"].sum()),
                         "n_missing": int(h["n_missing"].sum()), "term": term, "order": order,
                         "share_anova": sa.sum() / tot if sa.notna().all() else np.nan,
                         "share_shapley": ss.sum() / tot if ss.notna().all() else np.nan})
    return pd.DataFrame(rows)


def drivers(mv: Multiverse, *, on: Literal["value", "rank"] = "rank", year: int | None = None,
            family: str | None = None) -> pd.DataFrame:
    """Which decision moves each country most (largest Shapley share).

    Parameters
    ----------
    mv : Multiverse
    on : {"rank", "value"}
    year : int, optional
    family : str, optional

    Returns
    -------
    pandas.DataFrame
        Per group: ``top_choice``, ``top_share``, ``second_choice``, ``second_share``,
        ``total_variance``, ``spread`` (max - min of the outcome) and ``n_universes``.
    """
    cols = ["scope", "family", "quantity", "unit", "iso3", "year", "top_choice", "top_share",
            "second_choice", "second_share", "total_variance", "n_universes", "spread"]
    a = attribution(mv, on=on, year=year, family=family, overall=True)
    if a.empty or not (a["share_shapley"].notna() & (a["order"] == 1)).any():
        return pd.DataFrame(columns=cols)
    main = a[(a["order"] == 1) & a["share_shapley"].notna()]
    rows = []
    keys = ["scope", "family", "quantity", "unit", "iso3", "year"]
    for key, g in main.groupby(keys, dropna=False, sort=True):
        g = g.sort_values(["share_shapley", "term"], ascending=[False, True])
        first = g.iloc[0]
        second = g.iloc[1] if len(g) > 1 else None
        rows.append({**dict(zip(keys, key)), "top_choice": first["term"],
                     "top_share": first["share_shapley"],
                     "second_choice": None if second is None else second["term"],
                     "second_share": np.nan if second is None else second["share_shapley"],
                     "total_variance": first["total_variance"],
                     "n_universes": first["n_universes"]})
    out = pd.DataFrame(rows)
    spread = _outcomes(mv, on, year, family).groupby(["family", "quantity", "unit", "iso3", "year"],
                                                     dropna=False)["y"]
    rng = (spread.max() - spread.min()).rename("spread").reset_index()
    out = out.merge(rng, on=["family", "quantity", "unit", "iso3", "year"], how="left")
    return out.sort_values(["scope", "family", "quantity", "total_variance"],
                           ascending=[False, True, True, False]).reset_index(drop=True)[cols]
