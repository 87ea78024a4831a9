"""Country-year (unit-year) panels of derived variables, with complete accounting of every input.

Used by ``panel_fe`` and ``iv_2sls``:

- :func:`build_panel` — a :class:`~burdenshare.estimators.base.Ledger` → :class:`PanelFrame`
  (one row per complete unit-year, with the ledger rows each one uses), in stages: take the
  ledger rows, screen them (window, non-countries, missing values), scatter them onto the
  unit x year grid, derive the variables, assemble the table, list the incomplete cells;
- :func:`drop_singletons` — the iterated removal of fixed-effect singletons (as fixest does);
- :func:`settle` — marks the rows of the kept unit-years used and excludes everything else
  with its reason (``outside_window``, ``aggregate_entity``, ``missing_value``,
  ``missing_counterpart``, ``non_positive_denominator``, ``singleton_fixed_effect``, …).

Nothing here fills a missing value: a unit-year with any missing input is left out and its
other observations are listed as ``missing_counterpart``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..._errors import EstimatorError
from ..base import Ledger
from .units import check_levels, country_details, densify, singletons, unit_codes
from .variables import variable_inputs, variable_spec

__all__ = ["PanelFrame", "PanelLedger", "build_panel", "drop_singletons", "fe_clusters",
           "settle"]

#: largest unit x year grid :func:`build_panel` builds
MAX_CELLS = 200_000_000


class PanelLedger(Ledger):
    """A :class:`~burdenshare.estimators.base.Ledger` that also keeps integer codes for panels.

    Same rows, ``_row`` ids, source choice, errors and exclusions as ``Ledger`` (it is one);
    it adds the integer codes of the panel units (``iso_codes``, ``iso_uniq``, sorted; a unit is
    a country, or ``ISO3/area`` for a sub-national area when ``supports_areas``) and the
    column arrays :func:`build_panel` works on, so that million-row panels never go through
    Python sets of strings.
    """

    def __init__(self, data: Any, indicators: Iterable[str],
                 sources: Mapping[str, str | None] | None = None, *, owner: str = "",
                 supports_areas: bool = False) -> None:
        super().__init__(data, indicators, sources, owner=owner, supports_areas=supports_areas)
        self.iso_codes, self.iso_uniq, u_iso, u_area = unit_codes(self.frame)
        self.arrays = (self.indicator_codes, np.asarray(self.indicator_names, dtype=object),
                       self.iso_codes,
                       np.asarray(self.iso_uniq, dtype=object),
                       self.frame["year"].to_numpy(dtype=np.int64),
                       self.frame["value"].to_numpy(dtype=np.float64), u_iso, u_area)


@dataclass(frozen=True)
class PanelFrame:
    """Complete country-years and the ledger rows each one uses.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``iso3, year`` and one float column per variable; one row per country-year with
        every variable finite, sorted by (iso3, year).
    rows : numpy.ndarray
        int64 array (len(table), m): ledger ``_row`` ids used by each country-year (-1 = none).
    pending_rows : numpy.ndarray
        Ledger rows of incomplete country-years, to be excluded by :func:`settle`.
    pending_reasons, pending_details : numpy.ndarray
        Their reasons (``missing_counterpart`` or ``non_positive_denominator``) and details.
    unit_codes, year_codes, country_codes : numpy.ndarray, optional
        Per row of ``table``, the dense integer code of its unit, year and country, each equal
        to ``pandas.factorize(table[column], sort=True)`` of the column ``unit``, ``year`` and
        ``iso3`` (tested), so that the fit never factorizes a million rows again.
    """

    table: pd.DataFrame
    rows: np.ndarray
    pending_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    pending_reasons: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    pending_details: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    unit_codes: np.ndarray | None = None
    year_codes: np.ndarray | None = None
    country_codes: np.ndarray | None = None


def _arrays(ledger: Ledger) -> tuple[np.ndarray, ...]:
    """Indicator codes and names, unit codes and (sorted) labels, years and values of every
    ledger row (position = ``_row``), then the country and area of each unit; cached by
    :class:`PanelLedger`.
    """
    if isinstance(ledger, PanelLedger):
        return ledger.arrays
    fr = ledger.frame
    ic, iu = pd.factorize(fr["indicator"])
    sc, su, u_iso, u_area = unit_codes(fr)
    return (ic, np.asarray(iu, dtype=object), sc, su,
            fr["year"].to_numpy(dtype=np.int64), fr["value"].to_numpy(dtype=np.float64),
            u_iso, u_area)


@dataclass
class _Rows:
    """Stage 1-2 of :func:`build_panel`: the ledger rows taken, and per row its unit code,
    year, grid slot (indicator) and value; per unit its label, country and area.

    ``every_row``: every ledger row is taken (the column arrays are used without a copy).
    """

    rows: np.ndarray
    unit: np.ndarray
    year: np.ndarray
    slot: np.ndarray
    value: np.ndarray
    every_row: bool
    n_slots: int
    slot_of: dict[str, int]
    labels: np.ndarray
    u_iso: np.ndarray
    u_area: np.ndarray

    def keep(self, mask: np.ndarray) -> None:
        """Keep the rows where ``mask`` is true."""
        self.rows, self.unit, self.year = self.rows[mask], self.unit[mask], self.year[mask]
        self.slot, self.value = self.slot[mask], self.value[mask]
        self.every_row = False


def _take_rows(ledger: Ledger, inds: list[str]) -> _Rows:
    """Stage 1: the open ledger rows of the indicators ``inds``, and their grid slots."""
    ic, iu, sc, su, yr_all, val_all, u_iso, u_area = _arrays(ledger)
    ind_pos = {str(v): k for k, v in enumerate(iu)}
    handled = [ind_pos[i] for i in inds if i in ind_pos]
    take = ledger.is_open()
    if len(handled) == len(iu):  # every indicator of the ledger: the grid slot is its code
        n_slots, slot_all = len(iu), ic
        slot_of = {ind: ind_pos[ind] for ind in inds if ind in ind_pos}
    else:
        # slot of each indicator code among ``inds`` (-1: not handled here; last entry for
        # code -1)
        lut = np.full(len(iu) + 1, -1, dtype=np.int64)
        for k, ind in enumerate(inds):
            if ind in ind_pos:
                lut[ind_pos[ind]] = k
        n_slots, slot_all = len(inds), lut[ic]
        take &= slot_all >= 0
        slot_of = {ind: k for k, ind in enumerate(inds) if ind in ind_pos}
    every_row = bool(take.all())
    if every_row:
        return _Rows(np.arange(len(ic)), sc, yr_all, slot_all, val_all, True, n_slots, slot_of,
                     su, u_iso, u_area)
    rows = np.flatnonzero(take)
    return _Rows(rows, sc[rows], yr_all[rows], slot_all[rows], val_all[rows], False, n_slots,
                 slot_of, su, u_iso, u_area)


def _screen_rows(ledger: Ledger, r: _Rows, years: tuple[int, int] | None) -> None:
    """Stage 2: exclude rows outside the window, of non-countries and with missing values."""
    gone = np.zeros(len(r.rows), dtype=bool)
    if years is not None:
        out = (r.year < years[0]) | (r.year > years[1])
        if out.any():
            ledger.exclude(r.rows[out], "outside_window",
                           f"outside the estimation window {years[0]}-{years[1]}")
            gone |= out
    ok_u, det_u = country_details(r.u_iso)
    if not ok_u.all():  # per unit first: the rows are looked at only if some unit is no country
        bad = ~ok_u[r.unit] & ~gone
        if bad.any():
            ledger.exclude(r.rows[bad], "aggregate_entity", det_u[r.unit[bad]])
            gone |= bad
    if gone.any():
        r.keep(~gone)
    miss = np.isnan(r.value)
    if miss.any():
        ledger.exclude(r.rows[miss], "missing_value", "the value is missing in the input")


@dataclass
class _Grid:
    """Stage 3 of :func:`build_panel`: values and ledger row ids on the dense unit x year grid
    (unit-major), one column per indicator; missing values stay NaN, missing rows -1.
    """

    val: dict[str, np.ndarray]
    rid: dict[str, np.ndarray]
    y0: int
    ny: int
    n_units: int

    @property
    def n_cells(self) -> int:
        """Number of unit-year cells."""
        return self.n_units * self.ny

    def year_index(self) -> np.ndarray:
        """Position of each cell's year in the window (0 = first year)."""
        return np.tile(np.arange(self.ny, dtype=np.int64), self.n_units)

    def lagged(self, a: np.ndarray, lag: int, fill: float | int) -> np.ndarray:
        """``a`` of the same unit ``lag`` years earlier (``fill`` where there is none)."""
        if lag == 0:
            return a
        out = np.full_like(a, fill)
        out[lag:] = a[:-lag]
        out[self.year_index() < lag] = fill
        return out


def _scatter(r: _Rows, inds: list[str]) -> _Grid:
    """Stage 3: one scatter of all rows into an (indicator x cell) grid; a later row wins."""
    y0, y1 = int(r.year.min()), int(r.year.max())
    ny = y1 - y0 + 1
    n_units = len(r.labels)
    n_cells = n_units * ny
    if n_cells > MAX_CELLS:
        raise EstimatorError(f"panel grid too large ({n_units} units x {ny} periods)")
    # the flat index built in place: one temporary instead of five on a million rows
    flat = r.slot.astype(np.int64) * n_cells
    flat += r.unit * ny
    flat += r.year
    flat -= y0
    grid_v = np.full(r.n_slots * n_cells, np.nan)
    grid_r = np.full(r.n_slots * n_cells, -1, dtype=np.int64)
    grid_v[flat] = r.value
    grid_r[flat] = r.rows
    val: dict[str, np.ndarray] = {}
    rid: dict[str, np.ndarray] = {}
    for ind in inds:
        slot = r.slot_of.get(ind)
        if slot is None:  # not in the data at all: an empty column
            val[ind] = np.full(n_cells, np.nan)
            rid[ind] = np.full(n_cells, -1, dtype=np.int64)
        else:
            val[ind] = grid_v[slot * n_cells:(slot + 1) * n_cells]
            rid[ind] = grid_r[slot * n_cells:(slot + 1) * n_cells]
    return _Grid(val, rid, y0, ny, n_units)


def _derive_one(g: _Grid, var: str) -> tuple[np.ndarray, np.ndarray | None]:
    """One variable on the grid, and where its denominator is <= 0 (None: no denominator)."""
    if var == "refugees_per_1000":
        pop = g.val["population"]
        bad = pop <= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bad, np.nan, 1000.0 * g.val["refugees"] / pop), bad
    if var == "gdp_per_capita_growth":
        gdp = g.val["gdp_per_capita_usd_current"]
        with np.errstate(divide="ignore", invalid="ignore"):
            lg = np.where(gdp > 0, np.log(gdp), np.nan)
        return 100.0 * (lg - g.lagged(lg, 1, np.nan)), gdp <= 0
    if var == "log_gdp_per_capita":
        gdp = g.val["gdp_per_capita_usd_current"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(gdp > 0, np.log(gdp), np.nan), gdp <= 0
    return g.val[var], None


def _derive(g: _Grid, variables: Sequence[str]
            ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Stage 4: the variables per cell, the cells with a non-positive denominator, and the
    ledger row ids each cell uses (one column per (variable, input)).
    """
    cols: dict[str, np.ndarray] = {}
    nonpos = np.zeros(g.n_cells, dtype=bool)
    used_ids: list[np.ndarray] = []
    for var in variables:
        cols[var], bad = _derive_one(g, var)
        if bad is not None:
            nonpos |= bad
        for ind, lag in variable_spec(var):
            used_ids.append(g.lagged(g.rid[ind], lag, -1))
    return cols, nonpos, np.column_stack(used_ids)


@dataclass
class _Cells:
    """Stage 5 of :func:`build_panel`: the complete cells kept and their codes."""

    every: bool
    keep: np.ndarray
    present: np.ndarray
    unit: np.ndarray
    year: np.ndarray
    country: np.ndarray
    table: pd.DataFrame


def _spread(per_unit: np.ndarray, keep: np.ndarray, ny: int, every: bool) -> np.ndarray:
    """A value per unit, spread over the kept cells (a repeat when every cell is kept)."""
    out: np.ndarray = np.repeat(per_unit, ny) if every else per_unit[keep // ny]
    return out


def _empty_column(n: int) -> Any:
    """An all-missing categorical ``area`` column of ``n`` rows."""
    return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8),
                                     categories=pd.Index([], dtype="str"), validate=False)


def _country_area(r: _Rows, present: np.ndarray, c: _Cells, unit_col: Any, ny: int
                  ) -> tuple[np.ndarray, Any, Any]:
    """Per kept cell: the country code, and the ``iso3`` and ``area`` columns."""
    p_area = r.u_area[present]
    if not (len(present) and p_area.astype(bool).any()):  # whole countries: the unit is all
        return c.unit, unit_col, _empty_column(len(c.keep))
    n_units = len(r.labels)
    ic_u, iu_u = pd.factorize(pd.Index(r.u_iso[present], dtype="str"), sort=True)
    country_u = np.full(n_units, -1, dtype=np.int64)
    country_u[present] = ic_u
    country = _spread(country_u, c.keep, ny, c.every)
    iso_col = pd.Categorical.from_codes(country, categories=iu_u, validate=False)
    ac_u, au_u = pd.factorize(pd.Index(p_area, dtype="str"), sort=True)
    area_u = np.full(n_units, -1, dtype=np.int64)
    area_u[present] = ac_u
    area_col = pd.Categorical.from_codes(_spread(area_u, c.keep, ny, c.every), categories=au_u,
                                         validate=False)
    return country, iso_col, area_col


def _assemble(r: _Rows, g: _Grid, cols: dict[str, np.ndarray], complete: np.ndarray,
              own: np.ndarray, variables: Sequence[str]) -> _Cells:
    """Stage 5: the table of complete cells, with unit, year and country codes."""
    every = bool(complete.all())  # a balanced complete panel: no gathering needed
    keep = np.arange(g.n_cells) if every else np.flatnonzero(complete)
    # codes of the units with a row in the panel (the cached list may hold more)
    present = np.flatnonzero(own.reshape(g.n_units, g.ny).any(axis=1))
    remap = np.full(g.n_units, -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    cats = pd.Index(np.asarray(r.labels, dtype=object)[present], dtype="str")
    unit = _spread(remap, keep, g.ny, every)
    year = g.year_index() if every else keep % g.ny
    unit_col = pd.Categorical.from_codes(unit, categories=cats, validate=False)
    c = _Cells(every, keep, present, unit, year, unit, pd.DataFrame())
    c.country, iso_col, area_col = _country_area(r, present, c, unit_col, g.ny)
    c.table = pd.DataFrame({
        "iso3": iso_col,
        "year": year + g.y0,
        **{v: cols[v] if every else cols[v][keep] for v in variables},
        "unit": unit_col,
        "area": area_col,
    }, copy=False)
    return c


def _lacking(g: _Grid, cols: dict[str, np.ndarray], variables: Sequence[str], cell: int,
             label: str, year: int) -> str:
    """The ``missing_counterpart`` detail of an incomplete cell: the inputs it lacks."""
    lacking = [v for v in variables if not np.isfinite(cols[v][cell])]
    need = []
    for v in lacking:
        for ind, lag in variable_spec(v):
            src = cell - lag if cell % g.ny >= lag else -1
            if src < 0 or not np.isfinite(g.val[ind][src]):
                need.append(f"{ind} {year - lag}")
    return (f"no complete {', '.join(lacking)} for {label} {year} (lacking "
            f"{', '.join(dict.fromkeys(need))})")


def _pending(r: _Rows, g: _Grid, cols: dict[str, np.ndarray], nonpos: np.ndarray,
             bad_cells: np.ndarray, variables: Sequence[str], inds: list[str]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage 6: the ledger rows of incomplete cells (their own cell), with reason and detail."""
    p_rows, p_reason, p_detail = [], [], []
    for c in bad_cells:
        label, year = r.labels[c // g.ny], int(c % g.ny + g.y0)
        if nonpos[c]:
            lacking = [v for v in variables if not np.isfinite(cols[v][c])]
            reason = "non_positive_denominator"
            detail = (f"{', '.join(lacking)} undefined for {label} {year}: population or GDP "
                      "per capita is zero or negative")
        else:
            reason = "missing_counterpart"
            detail = _lacking(g, cols, variables, c, label, year)
        for ind in inds:
            row = g.rid[ind][c]
            if row >= 0:
                p_rows.append(row)
                p_reason.append(reason)
                p_detail.append(detail)
    return (np.asarray(p_rows, dtype=np.int64), np.asarray(p_reason, dtype=object),
            np.asarray(p_detail, dtype=object))


def _empty_panel(variables: Sequence[str]) -> PanelFrame:
    """The panel of a ledger with no usable row."""
    empty = pd.DataFrame({"iso3": pd.Series([], dtype="str"), "year": pd.Series([], dtype="int64"),
                          **{v: pd.Series([], dtype="float64") for v in variables},
                          "unit": pd.Series([], dtype="str"), "area": pd.Series([], dtype="str")})
    return PanelFrame(empty, np.empty((0, 0), dtype=np.int64))


def build_panel(ledger: Ledger, variables: Sequence[str], *,
                years: tuple[int, int] | None = None,
                indicators: Iterable[str] | None = None) -> PanelFrame:
    """Turn the ledger's non-dyadic observations into complete unit-years.

    Steps (each exclusion goes into the ledger at once, or into ``pending`` for :func:`settle`):
    observations outside ``years`` → ``outside_window``; codes that are not countries →
    ``aggregate_entity``; missing values → ``missing_value``; then variables are computed on the
    (unit, year) grid; a unit-year lacking any variable leaves its other observations
    ``pending`` as ``missing_counterpart`` (or ``non_positive_denominator`` for a population
    <= 0).

    Parameters
    ----------
    ledger : Ledger
        Holds the observations (one source per indicator already chosen).
    variables : sequence of str
        Panel variables (derived names or indicators), in column order.
    years : (first, last), optional
        Inclusive estimation window; a lagged input may come from ``first - 1`` only if it is
        inside the window, i.e. the first window year of a growth variable is incomplete.
    indicators : iterable of str, optional
        Indicators to handle here (default: the inputs of ``variables``); others stay active.

    Returns
    -------
    PanelFrame

    Raises
    ------
    EstimatorError
        If a country has both whole-country and sub-national rows, or the grid is too large.
    """
    inds = list(dict.fromkeys(indicators if indicators is not None
                              else [i for v in variables for i in variable_inputs(v)]))
    r = _take_rows(ledger, inds)
    check_levels(r.u_iso, r.u_area, None if r.every_row else r.unit)
    _screen_rows(ledger, r, years)
    if len(r.rows) == 0:
        return _empty_panel(variables)
    g = _scatter(r, inds)
    cols, nonpos, ids = _derive(g, variables)
    complete = np.isfinite(cols[variables[0]])
    for var in variables[1:]:
        complete &= np.isfinite(cols[var])
    own = g.rid[inds[0]] >= 0  # cells holding a row of the panel
    for ind in inds[1:]:
        own |= g.rid[ind] >= 0
    c = _assemble(r, g, cols, complete, own, variables)
    p_rows, p_reason, p_detail = _pending(r, g, cols, nonpos, np.flatnonzero(own & ~complete),
                                          variables, inds)
    if c.every:  # every cell kept: every unit and year is in the table, the codes are dense
        unit, year, country = c.unit, c.year, c.country
    else:
        unit, year = densify(c.unit, len(c.present)), densify(c.year, g.ny)
        country = densify(c.country, int(c.country.max()) + 1 if len(c.country) else 0)
    return PanelFrame(table=c.table, rows=ids if c.every else ids[c.keep],
                      pending_rows=p_rows, pending_reasons=p_reason, pending_details=p_detail,
                      unit_codes=unit, year_codes=year, country_codes=country)


def fe_clusters(name: str, effects: str, cluster: str, n_e: int, n_t: int, n_g: int
                ) -> tuple[int, int]:
    """Number of fixed effects and of clusters; raise if fewer than two clusters.

    Parameters
    ----------
    name : str
        Estimator name, for the message.
    effects : {"twoway", "entity", "time"}
    cluster : {"entity", "country", "time", "twoway", "none"}
    n_e, n_t, n_g : int
        Number of units, periods and countries in the estimation sample.

    Returns
    -------
    n_fe, n_clusters : int
        Fixed-effect dummies (one year fewer with two-way effects); clusters (smallest
        dimension when two-way; 2 when not clustered).
    """
    n_fe = {"twoway": n_e + n_t - 1, "entity": n_e, "time": n_t}[effects]
    ng = {"entity": n_e, "country": n_g, "time": n_t, "twoway": min(n_e, n_t), "none": 2}[cluster]
    if ng < 2:
        raise EstimatorError(f"{name}: cluster={cluster!r} needs at least 2 clusters, the "
                             f"complete data have {ng}")
    return n_fe, ng


def drop_singletons(entity: np.ndarray, time: np.ndarray, effects: str) -> np.ndarray:
    """Return a boolean mask of observations that are fixed-effect singletons (iterated).

    See :func:`~burdenshare.estimators._panel.units.singletons`.

    Parameters
    ----------
    entity, time : numpy.ndarray
        Integer codes of the unit and period of each observation.
    effects : {"twoway", "entity", "time"}

    Returns
    -------
    numpy.ndarray of bool
        True for observations to drop.
    """
    drop, _ = singletons(entity, time, effects)
    return drop


def settle(ledger: Ledger, panel: PanelFrame, keep: np.ndarray,
           dropped: Sequence[tuple[np.ndarray, str, Sequence[str] | str]] = ()) -> None:
    """Mark the rows of kept country-years used and exclude everything else, once, with a reason.

    Parameters
    ----------
    ledger : Ledger
    panel : PanelFrame
    keep : numpy.ndarray of bool
        For each row of ``panel.table``: used in the estimate.
    dropped : sequence of (mask, reason, detail)
        Country-years of ``panel.table`` left out by the estimator, with the reason and one
        detail per masked row (or one string); the first matching entry wins.
    """
    ids = panel.rows if keep.all() else panel.rows[keep]
    mark = np.zeros(len(ledger.frame) + 1, dtype=bool)
    mark[ids.ravel()] = True  # id -1 (no row) marks the extra last entry
    ledger.use_mask(mark[:-1])
    for mask, reason, detail in dropped:
        sub = panel.rows[mask]
        if not sub.size:
            continue
        if isinstance(detail, str):
            det = np.full(sub.shape, detail, dtype=object)
        else:
            det = np.repeat(np.asarray(list(detail), dtype=object)[:, None], sub.shape[1], axis=1)
        ok = sub >= 0
        ledger.exclude(sub[ok], reason, det[ok])
    for reason in ("non_positive_denominator", "missing_counterpart"):
        sel = panel.pending_reasons == reason
        if sel.any():
            ledger.exclude(panel.pending_rows[sel], reason, panel.pending_details[sel])
