"""Private helpers of the difference-in-differences and synthetic-control estimators.

A country-year panel is built from the observations an estimator needs, with every input
observation settled in the :class:`~burdenshare.estimators.base.Ledger` *before* any library is
called: codes that are not countries, observations outside the estimation window, missing
values (and the other inputs of the same country-year), and whatever a design later sets aside
(units without a pre-period, event times outside the event window, singleton fixed effects,
donors with gaps). The wrapped libraries therefore always receive complete data, so their own
silent drops never happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..indicators import VOCABULARY
from .base import Ledger, library_version, sources_field

__all__ = ["PanelBuilder", "outcome_field", "sources_field", "years_field", "check_outcome",
           "check_codes", "onset_from_threshold", "wald_pvalue", "library_version"]


def outcome_field(default: str = "unemployment_rate") -> Any:
    """Dataclass field for the outcome indicator."""
    return field(default=default, metadata={
        "doc": "outcome indicator of the vocabulary (a country-year series, e.g. "
               "unemployment_rate)"})



def years_field(default: tuple[int, int]) -> tuple[Any, Any]:
    """Dataclass fields ``first_year`` and ``last_year`` of the estimation window."""
    doc = ("of the estimation window (inclusive); observations outside it are excluded as "
           "outside_window")
    return (field(default=default[0], metadata={"doc": "first year " + doc, "ge": 1900,
                                                 "le": 2100}),
            field(default=default[1], metadata={"doc": "last year " + doc, "ge": 1900,
                                                 "le": 2100}))


def check_outcome(name: str) -> None:
    """Raise :class:`ParameterError` unless ``name`` is a country-year indicator."""
    ind = VOCABULARY.get(name)
    if ind is None or ind.dyadic or ind.kind == "category":
        allowed = sorted(k for k, v in VOCABULARY.items() if not v.dyadic and v.kind != "category")
        raise ParameterError(f"parameter 'outcome' = {name!r} is not a numeric country-year "
                             f"indicator of the vocabulary; allowed: {', '.join(allowed)}")


def check_codes(param: str, codes: Iterable[str]) -> None:
    """Raise :class:`ParameterError` for a code that is not an upper-case ISO3 code."""
    for c in codes:
        if not (isinstance(c, str) and len(c) == 3 and c.isalpha() and c.isupper()):
            raise ParameterError(f"parameter {param!r}: {c!r} is not an ISO3 country code "
                                 "(three upper-case letters)")


def check_years(years: tuple[int, int]) -> None:
    """Raise :class:`ParameterError` if the window is empty."""
    if years[0] > years[1]:
        raise ParameterError(f"parameters 'first_year' = {years[0]} and 'last_year' = "
                             f"{years[1]}: the first year is after the last")



def _unit_labels(f: pd.DataFrame) -> pd.DataFrame:
    """Relabel sub-national rows: ``iso3`` becomes the unit ``ISO3/area``, ``country`` the ISO3.

    Raises :class:`EstimatorError` if a country has both whole-country and sub-national rows (a
    unit is either the country or one of its areas, never both).
    """
    country = f["iso3"].astype("str")
    if "area" not in f.columns or not bool(f["area"].notna().any()):
        return f.assign(country=country)
    has = f["area"].notna()
    mixed = sorted(set(country[has]) & set(country[~has]))
    if mixed:
        raise EstimatorError(
            f"the data mix whole-country and sub-national observations for "
            f"{', '.join(mixed[:5])}: a panel unit is either a country or one of its areas, never "
            "both (the country would count twice); keep one level, e.g. data.select(areas=[...])"
            " for the areas or areas=[None] for whole countries")
    unit = country.where(~has, country + "/" + f["area"].astype("str"))
    return f.assign(iso3=unit, country=country)


class PanelBuilder:
    """Unit-year panel of the needed indicators, with exclusions settled in a Ledger.

    A unit is a country or, for observations with an ``area`` (estimators that set
    ``supports_areas``), a sub-national area: the table's ``iso3`` column then holds the unit
    label ``ISO3/area`` and ``country`` its ISO3 code (for whole countries both are the ISO3
    code).

    Parameters
    ----------
    ledger : Ledger
    indicators : sequence of str
        Indicators that must all be observed for a country-year to enter the panel.
    years : (int, int)
        Estimation window (inclusive).
    """

    def __init__(self, ledger: Ledger, indicators: list[str], years: tuple[int, int]) -> None:
        self.ledger = ledger
        self.indicators = list(indicators)
        ledger.exclude_non_countries()
        f = ledger.active()
        out = f[(f["year"] < years[0]) | (f["year"] > years[1])]
        ledger.exclude(out["_row"].to_numpy(), "outside_window",
                       ("year " + out["year"].astype(str)
                        + f" is outside the estimation window {years[0]}-{years[1]}").to_numpy())
        _unit_labels(ledger.active())  # mixed levels: an error before anything is settled
        miss = _unit_labels(ledger.exclude_missing_values())
        f = _unit_labels(ledger.active())
        if f.empty:
            vals = pd.DataFrame(columns=self.indicators,
                                index=pd.MultiIndex.from_arrays([[], []], names=["iso3", "year"]))
            ids = vals.copy()
        else:
            vals = f.pivot(index=["iso3", "year"], columns="indicator", values="value")
            ids = f.pivot(index=["iso3", "year"], columns="indicator", values="_row")
        vals = vals.reindex(columns=self.indicators)
        ids = ids.reindex(index=vals.index, columns=self.indicators)
        table = vals.reset_index()
        table.columns.name = None
        for ind in self.indicators:
            table[f"_r_{ind}"] = ids[ind].to_numpy()
        table["year"] = table["year"].astype("int64")
        country_of = f.drop_duplicates("iso3").set_index("iso3")["country"]
        table["country"] = table["iso3"].map(country_of).astype("str")
        # country-years with a missing value anywhere are set aside whole (never filled)
        first_missing = (miss.drop_duplicates(["iso3", "year"])
                         .set_index(["iso3", "year"])["indicator"])
        key = pd.MultiIndex.from_frame(table[["iso3", "year"]])
        poisoned_by = first_missing.reindex(key).to_numpy(dtype=object)
        is_poisoned = ~pd.isna(poisoned_by)
        complete = table[self.indicators].notna().all(axis=1).to_numpy()
        bad = is_poisoned | ~complete
        details = np.full(len(table), "", dtype=object)
        codes = table["iso3"].to_numpy(dtype=object)
        yrs = table["year"].to_numpy()
        present = table[self.indicators].notna().to_numpy()
        for i in np.flatnonzero(bad):
            if is_poisoned[i]:
                details[i] = f"{poisoned_by[i]} is missing for {codes[i]} {yrs[i]}"
            else:
                absent = [n for n, p in zip(self.indicators, present[i]) if not p]
                details[i] = f"no {', '.join(absent)} observation for {codes[i]} {yrs[i]}"
        self.table = table
        self.drop(bad, "missing_counterpart", details)

    def drop(self, mask: np.ndarray, reason: str, detail: Any) -> None:
        """Exclude the observations of the country-years where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if isinstance(detail, str):
            det = np.full(len(mask), detail, dtype=object)
        else:
            det = np.asarray(detail, dtype=object)
        sub = self.table[mask]
        for ind in self.indicators:
            col = sub[f"_r_{ind}"].to_numpy()
            ok = ~pd.isna(col)
            self.ledger.exclude(col[ok].astype(int), reason, det[mask][ok])
        self.table = self.table[~mask].reset_index(drop=True)

    def drop_units(self, units: Iterable[str], reason: str, detail: dict[str, str] | str) -> None:
        """Exclude every country-year of some units."""
        units = set(units)
        if not units:
            return
        mask = self.table["iso3"].isin(units).to_numpy()
        if isinstance(detail, str):
            self.drop(mask, reason, detail)
            return
        det = self.table["iso3"].map(detail).fillna("").to_numpy(dtype=object)
        self.drop(mask, reason, det)

    def drop_singletons(self, unit: str = "iso3", time: str = "year") -> int:
        """Remove units and years observed once (their fixed effect absorbs them), repeatedly."""
        n = 0
        while True:
            t = self.table
            cu = t[unit].map(t[unit].value_counts()).to_numpy()
            ct = t[time].map(t[time].value_counts()).to_numpy()
            mask = (cu <= 1) | (ct <= 1)
            if not mask.any():
                return n
            det = np.where(cu[mask] <= 1, "the country has a single observation in the panel",
                           "the year has a single observation in the panel")
            full = np.full(len(t), "", dtype=object)
            full[mask] = det
            n += int(mask.sum())
            self.drop(mask, "singleton_fixed_effect", full)

    def use_all(self) -> None:
        """Mark every observation of the remaining country-years as used."""
        for ind in self.indicators:
            col = self.table[f"_r_{ind}"].to_numpy()
            self.ledger.use(col[~pd.isna(col)].astype(int))


def onset_from_threshold(table: pd.DataFrame, threshold: float) -> pd.Series:
    """First year each country's refugees per 1,000 inhabitants reaches ``threshold``.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``iso3, year, refugees, population`` (complete rows only).
    threshold : float

    Returns
    -------
    pandas.Series
        iso3 -> onset year (countries never reaching the threshold are absent).
    """
    pop = table["population"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pop > 0, 1000.0 * table["refugees"].to_numpy(dtype=float) / pop, np.nan)
    hit = table.loc[ratio >= threshold, ["iso3", "year"]]
    return hit.groupby("iso3")["year"].min()


def wald_pvalue(beta: np.ndarray, vcov: np.ndarray, n_clusters: int) -> tuple[float, float, int]:
    """Joint Wald test that ``beta`` = 0 with an F(q, G-1) reference distribution.

    Returns
    -------
    (F statistic, p-value, q)
    """
    from scipy import stats

    q = len(beta)
    if q == 0:
        return float("nan"), float("nan"), 0
    stat = float(beta @ np.linalg.pinv(vcov) @ beta) / q
    df2 = max(n_clusters - 1, 1)
    return stat, float(stats.f.sf(stat, q, df2)), q


def require(cond: bool, message: str) -> None:
    """Raise :class:`EstimatorError` with ``message`` unless ``cond``."""
    if not cond:
        raise EstimatorError(message)
