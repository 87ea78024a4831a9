"""The unit-year panel of the difference-in-differences and synthetic-control designs.

A unit-year panel of the indicators a design needs is built with every input observation
settled in the :class:`~burdenshare.estimators.base.Ledger` *before* any library is called:
codes that are not countries, observations outside the estimation window, missing values
(and the other inputs of the same unit-year), and whatever a design later sets aside (units
without a pre-period, event times outside the event window, singleton fixed effects, donors
with gaps). The wrapped libraries therefore always receive complete data, so their own silent
drops never happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..base import Ledger
from .units import by_value, check_levels, country_details, dense_codes, singletons, unit_codes

__all__ = ["PanelBuilder", "onset_from_threshold", "wald_pvalue"]


@dataclass
class _Taken:
    """Stage 1 of :class:`PanelBuilder`: the ledger rows kept (all of them if ``every``), with
    their unit codes (positions in the sorted labels of the panel), years and values.
    """

    rows: np.ndarray
    unit: np.ndarray
    year: np.ndarray
    value: np.ndarray
    every: bool


@dataclass
class _Cells:
    """Stage 2 of :class:`PanelBuilder`: the unit-years (``keys`` = unit x span + year - y0,
    sorted), the values and ledger row ids per unit-year and indicator (NaN: none), and the
    key of each kept ledger row.
    """

    keys: np.ndarray
    vals: np.ndarray
    ids: np.ndarray
    y0: int
    span: int
    row_keys: np.ndarray


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
        Indicators that must all be observed for a unit-year to enter the panel.
    years : (int, int)
        Estimation window (inclusive).
    """

    def __init__(self, ledger: Ledger, indicators: list[str], years: tuple[int, int]) -> None:
        self.ledger = ledger
        self.indicators = list(indicators)
        taken = self._take(years)
        missing = np.isnan(taken.value)
        if missing.any():
            ledger.exclude(taken.rows[missing], "missing_value",
                           "the value is missing in the input")
        ind = self._indicator_codes(taken)
        cells = self._cells(taken, ind, missing)
        self.table = self._table(cells)
        bad, details = self._incomplete(taken, ind, missing, cells)
        self.drop(bad, "missing_counterpart", details)

    # ------------------------------------------------------------------ build stages
    def _take(self, years: tuple[int, int]) -> _Taken:
        """Exclude non-countries and rows outside the window; set the panel's units."""
        ledger = self.ledger
        frame = ledger.frame
        # unit of every ledger row from integer codes (categorical key columns give them
        # without reading a string), countries looked up once per unit
        codes, labels_all, u_iso, u_area = unit_codes(frame)
        sel = ledger.is_open()
        ok_u, det_u = country_details(u_iso)
        if not ok_u.all():
            nonc = sel & ~ok_u[codes]
            if nonc.any():
                rows = np.flatnonzero(nonc)
                ledger.exclude(rows, "aggregate_entity", det_u[codes[rows]])
                sel &= ~nonc
        yr_all = frame["year"].to_numpy()
        out = (yr_all < years[0]) | (yr_all > years[1])
        out &= sel
        if out.any():
            rows = np.flatnonzero(out)
            ledger.exclude(rows, "outside_window", by_value(
                yr_all[rows], lambda y: f"year {y} is outside the estimation window "
                                        f"{years[0]}-{years[1]}"))
            sel &= ~out
        every = bool(sel.all())  # usually: no row is gathered
        f_rows = np.arange(len(sel)) if every else np.flatnonzero(sel)
        f_codes = codes if every else codes[f_rows]
        # units of the panel (sorted labels) and mixed levels: an error before anything else
        check_levels(u_iso, u_area, f_codes)
        present = np.bincount(f_codes, minlength=len(labels_all)) > 0
        remap = np.cumsum(present) - 1
        self.labels = pd.Series(labels_all[present], dtype="str")
        self.countries = pd.Series(u_iso[present], dtype="str")
        val = frame["value"].to_numpy(dtype=float)
        return _Taken(f_rows, remap[f_codes], yr_all if every else yr_all[f_rows],
                      val if every else val[f_rows], every)

    def _indicator_codes(self, taken: _Taken) -> np.ndarray:
        """Position of each kept row's indicator in :attr:`indicators` (-1: another one)."""
        names = self.ledger.indicator_names
        lut = np.array([self.indicators.index(n) if n in self.indicators else -1
                        for n in names] + [-1], dtype=np.int64)
        ic = self.ledger.indicator_codes
        out: np.ndarray = lut[ic if taken.every else ic[taken.rows]]
        return out

    def _cells(self, taken: _Taken, ind: np.ndarray, missing: np.ndarray) -> _Cells:
        """The unit-year key of each row, in the (label, year) order pandas' pivot gives,
        and the values and row ids per unit-year and indicator.
        """
        yr = taken.year
        y0 = int(yr.min()) if len(yr) else 0
        span = int(yr.max()) - y0 + 1 if len(yr) else 1
        key = taken.unit * span
        key += yr
        key -= y0
        ok = ~missing
        ok &= ind >= 0
        all_ok = bool(ok.all())
        kk = key if all_ok else key[ok]
        pos_ok = ind if all_ok else ind[ok]
        if len(kk) and bool((kk[1:] > kk[:-1]).all()):  # already sorted by unit and year
            inv, ukeys = np.arange(len(kk)), kk
        elif len(kk):
            inv, ukeys = dense_codes(kk, len(self.labels) * span)
        else:
            inv, ukeys = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        k = len(self.indicators)
        if len(inv) and int(np.bincount(inv * k + pos_ok).max()) > 1:
            self._duplicate_error(taken, ok)
        vals = np.full((len(ukeys), k), np.nan)
        ids = np.full((len(ukeys), k), np.nan)
        vals[inv, pos_ok] = taken.value if all_ok else taken.value[ok]
        ids[inv, pos_ok] = taken.rows if all_ok else taken.rows[ok]
        return _Cells(ukeys, vals, ids, y0, span, key)

    def _duplicate_error(self, taken: _Taken, ok: np.ndarray) -> None:
        """Two observations of one unit-year and indicator: pandas' own error, as before."""
        f = self.ledger.frame.take(taken.rows)
        f.assign(iso3=self.labels.to_numpy(dtype=object)[taken.unit]).loc[ok].pivot(
            index=["iso3", "year"], columns="indicator", values="value")

    def _table(self, c: _Cells) -> pd.DataFrame:
        """The panel table: unit label, year, one column per indicator, the row ids."""
        u = c.keys // c.span
        table = pd.DataFrame({"iso3": self.labels.array.take(u),
                              "year": c.keys % c.span + c.y0}, copy=False)
        for j, ind in enumerate(self.indicators):
            table[ind] = c.vals[:, j]
        for j, ind in enumerate(self.indicators):
            table[f"_r_{ind}"] = c.ids[:, j]
        table["country"] = self.countries.array.take(u)
        table["_u"] = u
        return table

    def _incomplete(self, taken: _Taken, ind: np.ndarray, missing: np.ndarray, c: _Cells
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Unit-years with a missing value anywhere (set aside whole, never filled) and their
        details: the first missing indicator (in input order) names the reason.
        """
        mkey = c.row_keys[missing]
        first_key, first_at = np.unique(mkey, return_index=True)
        pos = np.searchsorted(first_key, c.keys)
        pos_c = np.minimum(pos, max(len(first_key) - 1, 0))
        is_poisoned = (pos < len(first_key)) & (first_key[pos_c] == c.keys) if len(first_key) \
            else np.zeros(len(c.keys), dtype=bool)
        present_v = ~np.isnan(c.vals)
        bad = is_poisoned | ~present_v.all(axis=1)
        details = np.full(len(c.keys), "", dtype=object)
        if not bad.any():
            return bad, details
        where = (self.labels.to_numpy(dtype=object)[c.keys[bad] // c.span] + " "
                 + (c.keys[bad] % c.span + c.y0).astype(str).astype(object))
        names = np.asarray(self.ledger.indicator_names, dtype=object)
        ic = self.ledger.indicator_codes
        m_ind = names[(ic if taken.every else ic[taken.rows])[missing]]
        first_ind = m_ind[first_at] if len(first_at) else np.empty(0, dtype=object)
        pois = is_poisoned[bad]
        pref = np.empty(int(bad.sum()), dtype=object)
        if pois.any():
            pref[pois] = first_ind[pos_c[bad][pois]] + " is missing for "
        if (~pois).any():
            pattern = present_v[bad][~pois] @ (1 << np.arange(len(self.indicators),
                                                              dtype=np.int64))
            pref[~pois] = by_value(pattern, self._lacking_text)
        details[bad] = pref + where
        return bad, details

    def _lacking_text(self, pattern: Any) -> str:
        """``"no a, b observation for "`` for a bit pattern of the indicators present."""
        lacking = [n for j, n in enumerate(self.indicators) if not (int(pattern) >> j) & 1]
        return "no " + ", ".join(lacking) + " observation for "

    # ------------------------------------------------------------------ design stages
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

    def drop_singletons(self) -> int:
        """Remove units and years observed once (their fixed effect absorbs them), repeatedly.

        Returns
        -------
        int
            Number of unit-years removed.
        """
        t = self.table
        if not len(t):
            return 0
        year = t["year"].to_numpy()
        drop, by_unit = singletons(t["_u"].to_numpy(), year - year.min())
        if not drop.any():
            return 0
        detail = np.where(by_unit, "the country has a single observation in the panel",
                          "the year has a single observation in the panel").astype(object)
        self.drop(drop, "singleton_fixed_effect", detail)
        return int(drop.sum())

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
