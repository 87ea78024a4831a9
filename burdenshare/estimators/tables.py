"""Country-year tables for ratio-style estimators, with complete accounting of every input
(public: plugin authors use :func:`country_year_table` with a
:class:`~burdenshare.estimators.base.Ledger`).

:func:`country_year_table` turns the observations an estimator needs into one row per
(iso3, year) and settles every observation in the :class:`~burdenshare.estimators.base.Ledger`:
used, or excluded once with a reason (non-country code, missing value, missing counterpart,
non-positive denominator, observation of another year).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .base import Ledger

__all__ = ["country_year_table"]


def _label(iso3: str, year: int) -> str:
    return f"{iso3} {year}"


def country_year_table(
    ledger: Ledger,
    *,
    any_of: Sequence[str],
    also: Sequence[str] = (),
    all_of: Sequence[str] = (),
    carried: Sequence[str] = (),
    positive: Sequence[str] = (),
    positive_sum: bool = False,
) -> pd.DataFrame:
    """Build the (iso3, year) table and settle the ledger.

    Parameters
    ----------
    ledger : Ledger
        Holds the observations (one source per indicator already chosen).
    any_of : sequence of str
        Indicators of which at least one must be observed for a country-year to count (the
        counted population); absent ones contribute nothing.
    also : sequence of str
        Further optional indicators (e.g. components of scenario definitions): used where
        present, never required.
    all_of : sequence of str
        Indicators that must all be observed in the same year (denominators, classifications).
    carried : sequence of str
        Indicators taken from the latest observation at or before the year (e.g. area, which
        changes rarely); the year used is returned in ``<indicator>_year``.
    positive : sequence of str
        Indicators (of ``all_of``/``carried``) that must be > 0.
    positive_sum : bool
        Require the sum of the ``any_of`` indicators to be > 0 (when it is the denominator).

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, year`` plus one column per indicator (NaN where absent) and
        ``<carried>_year``; only country-years with a complete set of inputs.
    """
    # 1. codes that are not countries are never ranked or summed with countries
    ledger.exclude_non_countries()
    # 2. missing values stay missing (and set aside their country-year)
    poisoned = _poisoned(ledger, carried)
    f = ledger.active()
    plain = f[~f["indicator"].isin(list(carried))]
    table, ids = _pivot(plain, list(dict.fromkeys([*any_of, *also, *all_of])))
    # 3. carried indicators: latest observation at or before the year
    table, carried_ids = _carry_forward(table, f, carried)
    # 4. which country-years are complete
    has_any = table[list(any_of)].notna().any(axis=1).to_numpy()
    need = [*all_of, *carried]
    has_all = (table[need].notna().all(axis=1).to_numpy() if need
               else np.ones(len(table), dtype=bool))
    keys = list(zip(table["iso3"], table["year"].astype(int)))
    is_poisoned = np.array([k in poisoned for k in keys], dtype=bool)
    ok = has_any & has_all & ~is_poisoned
    nonpos = np.zeros(len(table), dtype=bool)
    for ind in positive:
        nonpos |= ok & (table[ind].to_numpy() <= 0)
    zero_sum = np.zeros(len(table), dtype=bool)
    if positive_sum:
        zero_sum = ok & (table[list(any_of)].fillna(0.0).sum(axis=1).to_numpy() <= 0)
        nonpos |= zero_sum
    ok &= ~nonpos
    # 5. settle the rows of plain indicators
    reasons, details = _reasons(table, keys, ok, poisoned, is_poisoned, has_any, has_all,
                                zero_sum, any_of=any_of, need=need, carried=carried,
                                positive=positive)
    id_arr = ids.to_numpy()
    for j in range(id_arr.shape[1]):
        col = id_arr[:, j]
        present = ~np.isnan(col)
        ledger.use(col[present & ok].astype(int))
        bad = present & ~ok
        for reason in ("missing_counterpart", "non_positive_denominator"):
            sel = bad & (reasons == reason)
            ledger.exclude(col[sel].astype(int), reason, details[sel])
    # 6. settle carried rows: used if some complete country-year refers to them
    for ind, rows in carried_ids.items():
        _settle_carried(ledger, table, ok, ind, rows)
    out: pd.DataFrame = table[ok].reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    return out


def _poisoned(ledger: Ledger, carried: Sequence[str]) -> dict[tuple[str, int], str]:
    """Exclude missing values; return the country-years they set aside (and an indicator)."""
    poisoned: dict[tuple[str, int], str] = {}
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in ledger.exclude_missing_values().itertuples(index=False):
        if r.indicator not in carried:
            poisoned.setdefault((r.iso3, int(r.year)), r.indicator)
    return poisoned


def _pivot(plain: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (iso3, year) with a column per indicator, and the ``_row`` of each cell."""
    idx = pd.MultiIndex.from_frame(plain[["iso3", "year"]].drop_duplicates()
                                   .sort_values(["iso3", "year"]))
    vals = plain.pivot(index=["iso3", "year"], columns="indicator", values="value")
    vals = vals.reindex(index=idx, columns=cols)
    ids = plain.pivot(index=["iso3", "year"], columns="indicator", values="_row")
    ids = ids.reindex(index=idx, columns=cols)
    table = vals.reset_index()
    table.columns.name = None
    return table, ids


def _carry_forward(table: pd.DataFrame, f: pd.DataFrame, carried: Sequence[str]
                   ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``table`` with each carried indicator (and ``<indicator>_year``) added, and the rows
    each country-year refers to.
    """
    table = table.copy()
    carried_ids: dict[str, np.ndarray] = {}
    for ind in carried:
        src = f[f["indicator"] == ind][["iso3", "year", "value", "_row"]].sort_values("year")
        src = src.rename(columns={"value": ind, "year": f"{ind}_year", "_row": f"_{ind}_row"})
        left = table[["iso3", "year"]].reset_index().sort_values("year")
        merged = pd.merge_asof(left, src, left_on="year", right_on=f"{ind}_year", by="iso3",
                               direction="backward").sort_values("index").set_index("index")
        table[ind] = merged[ind].to_numpy()
        table[f"{ind}_year"] = merged[f"{ind}_year"].astype("Int64").to_numpy()
        carried_ids[ind] = merged[f"_{ind}_row"].to_numpy()
    return table, carried_ids


def _reasons(table: pd.DataFrame, keys: list[tuple[Any, int]], ok: np.ndarray,
             poisoned: dict[tuple[str, int], str], is_poisoned: np.ndarray,
             has_any: np.ndarray, has_all: np.ndarray, zero_sum: np.ndarray, *,
             any_of: Sequence[str], need: Sequence[str], carried: Sequence[str],
             positive: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The exclusion reason and detail of each incomplete country-year."""
    def cell(i: np.integer[Any], col: str) -> Any:  # pandas-stubs types a cell as "any scalar"; numbers here
        return table.at[i, col]

    details = np.full(len(table), "", dtype=object)
    reasons = np.full(len(table), "", dtype=object)
    for i in np.flatnonzero(~ok):
        iso3, year = keys[i]
        if is_poisoned[i]:
            reasons[i] = "missing_counterpart"
            details[i] = f"{poisoned[keys[i]]} is missing for {_label(iso3, year)}"
        elif not has_any[i]:
            reasons[i] = "missing_counterpart"
            details[i] = f"no {' or '.join(any_of)} observation for {_label(iso3, year)}"
        elif not has_all[i]:
            absent = [n for n in need if pd.isna(cell(i, n))]
            reasons[i] = "missing_counterpart"
            details[i] = f"no {', '.join(absent)} observation for {_label(iso3, year)}" + (
                " (at or before that year)" if any(a in carried for a in absent) else "")
        elif zero_sum[i]:
            reasons[i] = "non_positive_denominator"
            details[i] = f"{' + '.join(any_of)} is zero for {_label(iso3, year)}"
        else:
            bad = [n for n in positive if cell(i, n) <= 0]
            reasons[i] = "non_positive_denominator"
            details[i] = f"{', '.join(bad)} is zero or negative for {_label(iso3, year)}"
    return reasons, details


def _settle_carried(ledger: Ledger, table: pd.DataFrame, ok: np.ndarray, ind: str,
                    rows: np.ndarray) -> None:
    """Use the carried rows a complete country-year refers to; exclude the others."""
    ref = rows[ok]
    ref = ref[~pd.isna(ref)].astype(int)
    ledger.use(ref)
    rest = ledger.active()
    rest = rest[rest["indicator"] == ind]
    if len(rest):
        served = set(table.loc[ok, "iso3"])
        has_country = rest["iso3"].isin(served).to_numpy()
        ledger.exclude(rest["_row"].to_numpy()[has_country], "not_reference_year",
                       f"a later {ind} observation applies to every year estimated")
        ledger.exclude(rest["_row"].to_numpy()[~has_country], "missing_counterpart",
                       [f"no complete country-year uses this {ind} observation for {c}"
                        for c in rest["iso3"].to_numpy()[~has_country]])
