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

import re
from collections.abc import Iterable
from dataclasses import field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..indicators import VOCABULARY
from ..schemas import AREA_PATTERN
from .base import Ledger, library_version, sources_field

__all__ = ["PanelBuilder", "outcome_field", "sources_field", "years_field", "check_outcome",
           "check_codes", "check_unit_codes", "check_known_units", "match_codes",
           "onset_from_threshold", "wald_pvalue", "library_version"]


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


def check_unit_codes(param: str, codes: Iterable[str]) -> None:
    """Raise :class:`ParameterError` for a code that is neither ``ISO3`` nor ``ISO3/area``.

    A unit code is a country's ISO3 code (the whole country, or on a sub-national panel every
    area of it) or ``ISO3/area`` for one sub-national area, ``area`` written as in the data's
    ``area`` column (e.g. ``TUR/TR-34``); the label ``_panel_frame`` and :class:`PanelBuilder`
    give sub-national units. Every bad code is named at once.
    """
    bad = []
    for c in codes:
        if not isinstance(c, str):
            bad.append(c)
            continue
        iso, sep, area = c.partition("/")
        ok = len(iso) == 3 and iso.isalpha() and iso.isupper()
        if sep:
            ok = ok and re.fullmatch(AREA_PATTERN, area) is not None
        if not ok:
            bad.append(c)
    if bad:
        raise ParameterError(
            f"parameter {param!r}: {', '.join(repr(b) for b in bad)} "
            f"{'is' if len(bad) == 1 else 'are'} neither an ISO3 country code (three upper-case "
            "letters, e.g. 'TUR') nor a sub-national unit 'ISO3/area' (e.g. 'TUR/TR-34', the "
            "area written as in the data's 'area' column)")


def check_known_units(param: str, codes: Iterable[str], frame: pd.DataFrame,
                      what: str) -> None:
    """Raise :class:`ParameterError` for ``ISO3/area`` codes with no observation in ``frame``.

    Parameters
    ----------
    param : str
        Parameter name, for the message.
    codes : iterable of str
        Unit codes (already well formed); ISO3 codes are not checked here.
    frame : pandas.DataFrame
        The observations the estimator needs (columns ``iso3`` and ``area``).
    what : str
        Those observations, for the message (e.g. ``"unemployment_rate"``).
    """
    wanted = [c for c in codes if "/" in c]
    if not wanted:
        return
    sub = frame.loc[frame["area"].notna(), ["iso3", "area"]].drop_duplicates()
    known = set((sub["iso3"].astype(str) + "/" + sub["area"].astype(str)).tolist())
    unknown = [c for c in wanted if c not in known]
    if not unknown:
        return
    hints = []
    for iso in dict.fromkeys(c.partition("/")[0] for c in unknown):
        same = sorted(k for k in known if k.startswith(iso + "/"))
        if same:
            hints.append(f"the areas of {iso} in these data are {', '.join(same[:6])}"
                         f"{f' ... ({len(same)} in all)' if len(same) > 6 else ''}")
        else:
            hints.append(f"these data have no sub-national {iso} observation of {what} (for the "
                         f"whole country use the ISO3 code {iso!r})")
    raise ParameterError(
        f"parameter {param!r}: {', '.join(repr(u) for u in unknown)} "
        f"{'is' if len(unknown) == 1 else 'are'} not a sub-national unit of these data "
        f"(no {what} observation with that iso3 and area); {'; '.join(hints)}. List every valid "
        "'ISO3/area' code with data.observations[['iso3', 'area']].dropna().drop_duplicates()")


def match_codes(units: pd.Series, codes: Iterable[str]) -> pd.Series:
    """The code of ``codes`` that names each unit, the most specific first.

    Parameters
    ----------
    units : pandas.Series
        Unit label (``ISO3`` or ``ISO3/area``, the index) -> the unit's ISO3 code.
    codes : iterable of str
        ``ISO3`` codes (the country, or every area of it) and ``ISO3/area`` codes (one area).

    Returns
    -------
    pandas.Series
        Unit label -> the matching code: the unit's own label if it is in ``codes``, else its
        country's ISO3 code if that is, else missing.
    """
    codes = list(codes)
    labels = pd.Series(units.index.to_numpy(dtype=object), index=units.index, dtype=object)
    exact = labels.where(labels.isin(codes))
    country = units.astype(object).where(units.isin([c for c in codes if "/" not in c]))
    return exact.where(exact.notna(), country)


def check_years(years: tuple[int, int]) -> None:
    """Raise :class:`ParameterError` if the window is empty."""
    if years[0] > years[1]:
        raise ParameterError(f"parameters 'first_year' = {years[0]} and 'last_year' = "
                             f"{years[1]}: the first year is after the last")



def _unit_labels(f: pd.DataFrame) -> pd.DataFrame:
    """Relabel sub-national rows: ``iso3`` becomes the unit ``ISO3/area``, ``country`` the ISO3.

    The label is the one :func:`burdenshare.estimators._panel_frame._unit_codes` gives (``ISO3``
    for a whole country, ``f"{iso3}/{area}"`` for an area; checked equal in
    ``tests/unit/test_did_subnational.py``), so the two panel builders can later be merged.

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
    """First year each unit's refugees per 1,000 inhabitants reaches ``threshold``.

    Computed per panel unit: on a sub-national panel (``iso3`` holds ``ISO3/area``) each area
    gets its own onset from its own refugees and population, never its country's.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``iso3, year, refugees, population`` (complete rows only; ``iso3`` is the unit
        label).
    threshold : float

    Returns
    -------
    pandas.Series
        unit -> onset year (units never reaching the threshold are absent).
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
