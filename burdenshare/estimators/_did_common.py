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
from ..countries import entity_type, is_country
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



def _mixed_levels_error(mixed: list[str]) -> EstimatorError:
    return EstimatorError(
        f"the data mix whole-country and sub-national observations for "
        f"{', '.join(mixed[:5])}: a panel unit is either a country or one of its areas, never "
        "both (the country would count twice); keep one level, e.g. data.select(areas=[...])"
        " for the areas or areas=[None] for whole countries")


def _unit_codes(f: pd.DataFrame) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """Unit of each row of ``f`` as a code into sorted unit labels; the labels; their countries.

    A unit is the country (label ``ISO3``) or, for a row with an ``area``, the area (label
    ``f"{iso3}/{area}"``, the one :func:`burdenshare.estimators._panel_frame._unit_codes` gives;
    checked equal in ``tests/unit/test_did_subnational.py``, so the two panel builders can later
    be merged). Labels are built once per distinct (iso3, area) pair, never row by row.

    Returns
    -------
    codes : numpy.ndarray of int64
        Per row, the position of its unit in ``labels``.
    labels : pandas.Series of str
        Sorted unit labels.
    countries : pandas.Series of str
        The ISO3 code of each label.

    Raises
    ------
    EstimatorError
        If a country has both whole-country and sub-national rows (a unit is either the
        country or one of its areas, never both).
    """
    ci, c_uniq = pd.factorize(f["iso3"].astype("str"))
    cu: np.ndarray = np.asarray(c_uniq, dtype=object)
    au: np.ndarray
    if "area" in f.columns:
        ai, a_uniq = pd.factorize(f["area"])  # missing area -> -1
        au = np.asarray(a_uniq, dtype=object)
    else:
        ai, au = np.full(len(f), -1, dtype=np.int64), np.empty(0, dtype=object)
    has = ai >= 0
    if has.any():
        with_area = np.bincount(ci[has], minlength=len(cu)) > 0
        national = np.bincount(ci[~has], minlength=len(cu)) > 0
        mixed = sorted(str(c) for c in cu[with_area & national])
        if mixed:
            raise _mixed_levels_error(mixed)
    key = ci.astype(np.int64) * (len(au) + 1) + (ai + 1)
    ki, k_uniq = pd.factorize(key)
    ku = np.asarray(k_uniq, dtype=np.int64)
    kc, ka = ku // (len(au) + 1), ku % (len(au) + 1) - 1
    lab = np.array([str(cu[c]) if a < 0 else f"{cu[c]}/{au[a]}" for c, a in zip(kc, ka)],
                   dtype=object)
    order = np.argsort(lab, kind="stable")
    rank = np.empty(len(lab), dtype=np.int64)
    rank[order] = np.arange(len(lab))
    labels = pd.Series(lab[order], dtype="str")
    countries = pd.Series(cu[kc[order]], dtype="str")
    return rank[ki], labels, countries


def _by_value(values: np.ndarray, fmt: Any) -> np.ndarray:
    """``fmt(v)`` for every element of ``values``, formatted once per distinct value."""
    if len(values) == 0:
        return np.empty(0, dtype=object)
    inv, uniq = pd.factorize(values)
    return np.array([fmt(v) for v in uniq], dtype=object)[inv]


class PanelBuilder:
    """Unit-year panel of the needed indicators, with exclusions settled in a Ledger.

    A unit is a country or, for observations with an ``area`` (estimators that set
    ``supports_areas``), a sub-national area: the table's ``iso3`` column then holds the unit
    label ``ISO3/area`` and ``country`` its ISO3 code (for whole countries both are the ISO3
    code). The table's ``_u`` column is the unit's position in :attr:`labels` (sorted), so
    per-unit work never touches the label strings row by row.

    Parameters
    ----------
    ledger : Ledger
    indicators : sequence of str
        Indicators that must all be observed for a country-year to enter the panel.
    years : (int, int)
        Estimation window (inclusive).
    """

    def __init__(self, ledger: Ledger, indicators: list[str], years: tuple[int, int]) -> None:
        from . import _panel_frame as pfm

        self.ledger = ledger
        self.indicators = list(indicators)
        frame = ledger.frame
        # unit of every ledger row from integer codes (categorical key columns give them
        # without reading a string), countries looked up once per unit
        codes, labels_all, u_iso, u_area = pfm._unit_codes(frame)
        sel = ledger.is_open()
        ok_u = (is_country(pd.Series(u_iso, dtype=object)).to_numpy() if len(u_iso)
                else np.zeros(0, dtype=bool))
        if not ok_u.all():
            nonc = sel & ~ok_u[codes]
            if nonc.any():
                det_u = np.array([f"{c} is not a country ({entity_type(c)})" if not ok else ""
                                  for c, ok in zip(u_iso, ok_u)], dtype=object)
                rows = np.flatnonzero(nonc)
                ledger.exclude(rows, "aggregate_entity", det_u[codes[rows]])
                sel &= ~nonc
        yr_all = frame["year"].to_numpy()
        out = (yr_all < years[0]) | (yr_all > years[1])
        out &= sel
        if out.any():
            rows = np.flatnonzero(out)
            ledger.exclude(rows, "outside_window", _by_value(
                yr_all[rows], lambda y: f"year {y} is outside the estimation window "
                                        f"{years[0]}-{years[1]}"))
            sel &= ~out
        every = bool(sel.all())  # usually: no row is gathered
        f_rows = np.arange(len(sel)) if every else np.flatnonzero(sel)
        f_codes = codes if every else codes[f_rows]
        # units of the panel (sorted labels) and mixed levels: an error before anything else
        present = np.bincount(f_codes, minlength=len(labels_all)) > 0
        sub = np.asarray([a is not None for a in u_area], dtype=bool)
        if sub.any():
            mixed = sorted(set(u_iso[present & sub]) & set(u_iso[present & ~sub]))
            if mixed:
                raise _mixed_levels_error([str(c) for c in mixed])
        remap = np.cumsum(present) - 1
        self.labels = pd.Series(labels_all[present], dtype="str")
        self.countries = pd.Series(u_iso[present], dtype="str")
        unit = remap[f_codes]
        yr = yr_all if every else yr_all[f_rows]
        val = frame["value"].to_numpy(dtype=float)
        val = val if every else val[f_rows]
        missing = np.isnan(val)
        if missing.any():
            ledger.exclude(f_rows[missing], "missing_value", "the value is missing in the input")
        # unit-year key, in the (label, year) order pandas' pivot gives
        y0 = int(yr.min()) if len(yr) else 0
        span = int(yr.max()) - y0 + 1 if len(yr) else 1
        key = unit * span
        key += yr
        key -= y0
        k = len(self.indicators)
        lut = np.array([self.indicators.index(n) if n in self.indicators else -1
                        for n in ledger.indicator_names] + [-1], dtype=np.int64)
        ic = ledger.indicator_codes
        ind_pos = lut[ic if every else ic[f_rows]]
        ok = ~missing
        ok &= ind_pos >= 0
        all_ok = bool(ok.all())
        kk = key if all_ok else key[ok]
        pos_ok = ind_pos if all_ok else ind_pos[ok]
        if len(kk) and bool((kk[1:] > kk[:-1]).all()):  # already sorted by unit and year
            inv, ukeys = np.arange(len(kk)), kk
        elif len(kk):
            inv, ukeys = pfm._dense_codes(kk, len(self.labels) * span)
        else:
            inv, ukeys = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if len(inv) and int(np.bincount(inv * k + pos_ok).max()) > 1:
            # two observations of one unit-year and indicator: pandas' own error, as before
            f = frame.take(f_rows)
            f.assign(iso3=self.labels.to_numpy(dtype=object)[unit]).loc[ok].pivot(
                index=["iso3", "year"], columns="indicator", values="value")
        vals = np.full((len(ukeys), k), np.nan)
        ids = np.full((len(ukeys), k), np.nan)
        vals[inv, pos_ok] = val if all_ok else val[ok]
        ids[inv, pos_ok] = f_rows if all_ok else f_rows[ok]
        u = ukeys // span
        table = pd.DataFrame({"iso3": self.labels.array.take(u),
                              "year": ukeys % span + y0}, copy=False)
        for j, ind in enumerate(self.indicators):
            table[ind] = vals[:, j]
        for j, ind in enumerate(self.indicators):
            table[f"_r_{ind}"] = ids[:, j]
        table["country"] = self.countries.array.take(u)
        table["_u"] = u
        # unit-years with a missing value anywhere are set aside whole (never filled): the
        # first missing indicator (in input order) names the reason
        mkey = key[missing]
        first_key, first_at = np.unique(mkey, return_index=True)
        pos = np.searchsorted(first_key, ukeys)
        pos_c = np.minimum(pos, max(len(first_key) - 1, 0))
        is_poisoned = (pos < len(first_key)) & (first_key[pos_c] == ukeys) if len(first_key) \
            else np.zeros(len(ukeys), dtype=bool)
        present_v = ~np.isnan(vals)
        complete = present_v.all(axis=1)
        bad = is_poisoned | ~complete
        details = np.full(len(table), "", dtype=object)
        if bad.any():
            where = (self.labels.to_numpy(dtype=object)[u[bad]] + " "
                     + (ukeys[bad] % span + y0).astype(str).astype(object))
            names = np.asarray(ledger.indicator_names, dtype=object)
            m_ind = names[(ic if every else ic[f_rows])[missing]]
            first_ind = m_ind[first_at] if len(first_at) else np.empty(0, dtype=object)
            pois = is_poisoned[bad]
            pref = np.empty(int(bad.sum()), dtype=object)
            if pois.any():
                pref[pois] = first_ind[pos_c[bad][pois]] + " is missing for "
            if (~pois).any():
                pattern = present_v[bad][~pois] @ (1 << np.arange(k, dtype=np.int64))
                pref[~pois] = _by_value(pattern, lambda p: "no " + ", ".join(
                    n for j, n in enumerate(self.indicators) if not (int(p) >> j) & 1)
                    + " observation for ")
            details[bad] = pref + where
        self.table = table
        self.drop(bad, "missing_counterpart", details)

    def units(self) -> pd.Series:
        """Unit label (``ISO3`` or ``ISO3/area``) -> its country, for the units in the table."""
        here = np.flatnonzero(np.bincount(self.table["_u"].to_numpy(), minlength=len(self.labels)))
        return pd.Series(self.countries.array.take(here),
                         index=pd.Index(self.labels.array.take(here), name="iso3"),
                         name="country")

    def drop(self, mask: np.ndarray, reason: str, detail: Any) -> None:
        """Exclude the observations of the country-years where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if isinstance(detail, str):
            det = np.full(int(mask.sum()), detail, dtype=object)
        else:
            det = np.asarray(detail, dtype=object)[mask]
        for ind in self.indicators:
            col = self.table[f"_r_{ind}"].to_numpy()[mask]
            ok = ~np.isnan(col)
            self.ledger.exclude(col[ok].astype(int), reason, det[ok])
        self.table = self.table[~mask].reset_index(drop=True)

    def unit_mask(self, units: Iterable[str]) -> np.ndarray:
        """Rows of the table whose unit label is in ``units``."""
        wanted = self.labels.isin(set(units)).to_numpy()
        rows: np.ndarray = wanted[self.table["_u"].to_numpy()]
        return rows

    def drop_units(self, units: Iterable[str], reason: str, detail: dict[str, str] | str) -> None:
        """Exclude every country-year of some units."""
        units = set(units)
        if not units:
            return
        mask = self.unit_mask(units)
        if isinstance(detail, str):
            self.drop(mask, reason, detail)
            return
        per_unit = self.labels.map(detail).fillna("").to_numpy(dtype=object)
        self.drop(mask, reason, per_unit[self.table["_u"].to_numpy()])

    def drop_singletons(self, unit: str = "iso3", time: str = "year") -> int:
        """Remove units and years observed once (their fixed effect absorbs them), repeatedly."""
        n = 0
        while True:
            t = self.table
            if unit == "iso3":  # the integer unit code, not the labels
                ucode = t["_u"].to_numpy()
            else:
                ucode = pd.factorize(t[unit])[0]
            if time == "year" and len(t):  # integer years: offsets, no hashing
                tv = t[time].to_numpy()
                tcode = tv - tv.min()
            else:
                tcode = pd.factorize(t[time])[0]
            nu = np.bincount(ucode) if len(t) else np.zeros(0, dtype=np.int64)
            nt = np.bincount(tcode) if len(t) else np.zeros(0, dtype=np.int64)
            if not (nu == 1).any() and not (nt == 1).any():  # per level first
                return n
            cu, ct = nu[ucode], nt[tcode]
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
            self.ledger.use(col[~np.isnan(col)].astype(int))


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
