"""Country-year panels for the econometric estimators, with complete accounting of every input.

Private helpers shared by :mod:`burdenshare.estimators.panel` and
:mod:`burdenshare.estimators.iv` (and open to the other econometric designs). The API is small
and stable:

- :data:`DERIVED` — variables computed from indicators (``refugees_per_1000``,
  ``gdp_per_capita_growth``, ``log_gdp_per_capita``), each documented;
- :func:`variable_inputs` / :func:`check_variable` — the indicators a variable needs, and a
  parameter check that names the allowed values;
- :func:`build_panel` — a :class:`~burdenshare.estimators.base.Ledger` → :class:`PanelFrame`
  (one row per complete country-year, with the ledger rows each one uses);
- :func:`drop_singletons` — the iterated removal of fixed-effect singletons (as fixest does);
- :func:`settle` — marks the rows of the kept country-years used and excludes everything else
  with its reason (``outside_window``, ``aggregate_entity``, ``missing_value``,
  ``missing_counterpart``, ``non_positive_denominator``, ``singleton_fixed_effect``, …).

Nothing here fills a missing value: a country-year with any missing input is left out and its
other observations are listed as ``missing_counterpart``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..countries import entity_type, is_country
from ..data import key_codes
from ..indicators import VOCABULARY
from .base import Ledger

__all__ = [
    "key_codes",
    "n_distinct",
    "PanelLedger",
    "Derived",
    "DERIVED",
    "PanelFrame",
    "variable_inputs",
    "variable_unit",
    "check_variable",
    "build_panel",
    "drop_singletons",
    "settle",
]


@dataclass(frozen=True)
class Derived:
    """A variable computed from indicators of the vocabulary.

    Parameters
    ----------
    name : str
        The variable's name (usable as ``outcome`` or in ``regressors``).
    inputs : tuple of (indicator, lag)
        Indicators read, with the lag in years (0 = same year, 1 = previous year).
    unit : str
        Unit of the variable.
    description : str
        Formula in words.
    """

    name: str
    inputs: tuple[tuple[str, int], ...]
    unit: str
    description: str


#: derived variable name -> definition
DERIVED: Mapping[str, Derived] = MappingProxyType({
    "refugees_per_1000": Derived(
        "refugees_per_1000", (("refugees", 0), ("population", 0)), "refugees per 1,000 inhabitants",
        "1000 x refugees (UNHCR end-year stock) / population (WDI mid-year), same year; "
        "population <= 0 is non_positive_denominator"),
    "gdp_per_capita_growth": Derived(
        "gdp_per_capita_growth", (("gdp_per_capita_usd_current", 0), ("gdp_per_capita_usd_current", 1)),
        "log points x 100 (approx. percent per year)",
        "100 x [ln GDP per capita (current US$) in t - ln GDP per capita in t-1]; nominal US$ growth "
        "(includes US$ inflation and exchange-rate moves; common shocks are absorbed by time "
        "effects, country-specific ones are not)"),
    "log_gdp_per_capita": Derived(
        "log_gdp_per_capita", (("gdp_per_capita_usd_current", 0),), "log of current US$ per person",
        "ln GDP per capita (current US$)"),
})


def variable_inputs(name: str) -> tuple[str, ...]:
    """Return the indicators variable ``name`` is computed from (itself if not derived).

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple of str
    """
    if name in DERIVED:
        return tuple(dict.fromkeys(ind for ind, _ in DERIVED[name].inputs))
    return (name,)


def variable_unit(name: str) -> str:
    """Return the unit of a variable (derived or indicator).

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return DERIVED[name].unit if name in DERIVED else VOCABULARY[name].unit


def _allowed() -> list[str]:
    plain = [n for n, i in VOCABULARY.items()
             if not i.dyadic and i.kind not in ("category",)]
    return [*DERIVED, *sorted(plain)]


def check_variable(param: str, name: str) -> None:
    """Raise :class:`ParameterError` unless ``name`` is a usable panel variable.

    Usable: a derived variable (:data:`DERIVED`) or a non-dyadic, non-categorical indicator of
    the vocabulary.

    Parameters
    ----------
    param : str
        Parameter name, for the message.
    name : str
        The value given.
    """
    if name in DERIVED:
        return
    ind = VOCABULARY.get(name)
    if ind is None or ind.dyadic or ind.kind == "category":
        raise ParameterError(
            f"parameter {param!r} = {name!r} is not a panel variable; allowed: derived "
            f"{', '.join(DERIVED)} or a non-dyadic numeric indicator of the vocabulary "
            f"(`burdenshare indicators`), e.g. {', '.join(_allowed()[3:8])}")


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
        self.iso_codes, self.iso_uniq, u_iso, u_area = _unit_codes(self.frame)
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


def _dense_codes(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 of the non-negative integer keys (``< size``) and the k sorted keys used.

    A presence count over the key range when it is small (no hashing), else a factorize.
    """
    if size <= max(4 * len(key), 1 << 16):
        used = np.flatnonzero(np.bincount(key, minlength=size))
        lut = np.empty(size, dtype=np.int64)
        lut[used] = np.arange(len(used))
        return lut[key], used
    codes, uniq = pd.factorize(key, sort=True)
    return np.asarray(codes), np.asarray(uniq, dtype=np.int64)


def _run_starts(columns: Sequence[pd.Series]) -> np.ndarray | None:
    """Start positions of the runs of equal consecutive rows, or None if runs are short.

    Canonical datasets are sorted by (iso3, area, ...), so a million-row panel has one run per
    unit; hashing the first row of each run instead of every row gives the same codes.
    """
    n = len(columns[0])
    if n < 2:
        return None
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for col in columns:
        arr = col.array
        differ = np.asarray(arr[1:] != arr[:-1], dtype=bool)
        miss = col.isna().to_numpy()
        if miss.any():  # two missing values in a row are one run (whole-country rows)
            differ &= ~(miss[1:] & miss[:-1])
        change[1:] |= differ
    starts = np.flatnonzero(change)
    return starts if len(starts) <= n // 8 else None


def _unit_codes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Integer unit codes of each row, and per unit its label, country and area.

    A unit is the country (``area`` missing; label = the ISO3 code) or one of its sub-national
    areas (label ``ISO3/area``); units are sorted by (iso3, area), the country before its areas.
    Categorical ``iso3`` / ``area`` columns are coded from their codes (no string is read per
    row); string columns on the first row of each run of equal (iso3, area) when the frame
    has long runs, else on every row.
    """
    has_area = "area" in frame.columns
    if isinstance(frame["iso3"].dtype, pd.CategoricalDtype) and (
            not has_area or isinstance(frame["area"].dtype, pd.CategoricalDtype)):
        return _unit_codes_categorical(frame)
    cols = [frame["iso3"]]
    if has_area and bool(frame["area"].notna().any()):
        cols.append(frame["area"])
    starts = _run_starts(cols)
    if starts is None:
        return _unit_codes_all(frame)
    codes, labels, u_iso, u_area = _unit_codes_all(frame.iloc[starts])
    return (np.repeat(codes, np.diff(np.append(starts, len(frame)))), labels, u_iso, u_area)


def _unit_codes_categorical(frame: pd.DataFrame
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_unit_codes` from the codes of categorical ``iso3`` and ``area`` columns."""
    ci, cu = key_codes(frame["iso3"], sort=True)
    if len(ci) and int(ci.min()) < 0:  # a missing iso3 (never in a Dataset): the general path
        return _unit_codes_all(frame)
    ai, au = (key_codes(frame["area"], sort=True) if "area" in frame.columns
              else (np.empty(0, dtype=np.int8), np.empty(0, dtype=object)))
    national = not len(ai) or not bool((ai >= 0).any())  # whole countries only
    # canonical datasets are sorted by (iso3, area, ...): one run of equal codes per unit, so
    # the key is computed on the first row of each run (comparisons of small integer codes)
    n = len(ci)
    starts: np.ndarray | None = None
    if n >= 2:
        change = np.empty(n, dtype=bool)
        change[0] = True
        np.not_equal(ci[1:], ci[:-1], out=change[1:])
        if not national:
            change[1:] |= ai[1:] != ai[:-1]
        starts = np.flatnonzero(change)
        if len(starts) > n // 8:
            starts = None
    ci_s = ci if starts is None else ci[starts]
    if national:
        key = ci_s.astype(np.int64)
        base = 1
    else:
        base = len(au) + 1
        key = ci_s.astype(np.int64) * base
        key += ai if starts is None else ai[starts]
        key += 1
    codes, used = _dense_codes(key, len(cu) * base)
    if starts is not None:
        codes = np.repeat(codes, np.diff(np.append(starts, n)))
    u_iso = cu[used // base]
    if national:
        return codes, u_iso, u_iso, np.full(len(u_iso), None, dtype=object)
    a_idx = used % base - 1
    u_area = np.full(len(used), None, dtype=object)
    u_area[a_idx >= 0] = au[a_idx[a_idx >= 0]]
    labels = np.array([i if a is None else f"{i}/{a}" for i, a in zip(u_iso, u_area)],
                      dtype=object)
    return codes, labels, u_iso, u_area


def _unit_codes_all(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_unit_codes` computed on every row."""
    iso_c, iso_index = pd.factorize(frame["iso3"], sort=True)
    iso_u = np.asarray(iso_index, dtype=object)
    area = frame["area"] if "area" in frame.columns else None
    if area is None or not bool(area.notna().any()):
        return iso_c, iso_u, iso_u, np.full(len(iso_u), None, dtype=object)
    ar_c, ar_u = pd.factorize(area, sort=True)  # missing area -> -1
    base = len(ar_u) + 1
    codes, uniq = pd.factorize(iso_c.astype(np.int64) * base + (ar_c + 1), sort=True)
    uniq = np.asarray(uniq, dtype=np.int64)
    u_iso = iso_u[uniq // base]
    a_idx = uniq % base - 1
    # numpy's stubs reject None as where()'s "else" value (an object array-like at run time)
    u_area = cast(np.ndarray,
                  np.where(a_idx >= 0, np.asarray(ar_u, dtype=object)[np.maximum(a_idx, 0)], None))
    labels = np.array([i if a is None else f"{i}/{a}" for i, a in zip(u_iso, u_area)],
                      dtype=object)
    return codes, labels, u_iso, u_area


def _arrays(ledger: Ledger) -> tuple[np.ndarray, ...]:
    """Indicator codes and names, unit codes and (sorted) labels, years and values of every
    ledger row (position = ``_row``), then the country and area of each unit; cached by
    :class:`PanelLedger`.
    """
    if isinstance(ledger, PanelLedger):
        return ledger.arrays
    fr = ledger.frame
    ic, iu = pd.factorize(fr["indicator"])
    sc, su, u_iso, u_area = _unit_codes(fr)
    return (ic, np.asarray(iu, dtype=object), sc, su,
            fr["year"].to_numpy(dtype=np.int64), fr["value"].to_numpy(dtype=np.float64),
            u_iso, u_area)


def build_panel(ledger: Ledger, variables: Sequence[str], *,
                years: tuple[int, int] | None = None,
                indicators: Iterable[str] | None = None) -> PanelFrame:
    """Turn the ledger's non-dyadic observations into complete country-years.

    Steps (each exclusion goes into the ledger at once, or into ``pending`` for :func:`settle`):
    observations outside ``years`` → ``outside_window``; codes that are not countries →
    ``aggregate_entity``; missing values → ``missing_value``; then variables are computed on the
    (iso3, year) grid; a country-year lacking any variable leaves its other observations
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
    """
    inds = list(dict.fromkeys(indicators if indicators is not None
                              else [i for v in variables for i in variable_inputs(v)]))
    ic, iu, sc, su, yr_all, val_all, u_iso, u_area = _arrays(ledger)
    ind_pos = {str(v): k for k, v in enumerate(iu)}
    handled = [ind_pos[i] for i in inds if i in ind_pos]
    take = ledger.is_open()
    if len(handled) == len(iu):  # every indicator of the ledger: the grid slot is its code
        n_slots, slot_all = len(iu), ic
    else:
        # slot of each indicator code among ``inds`` (-1: not handled here; last entry for
        # code -1)
        slot_of = np.full(len(iu) + 1, -1, dtype=np.int64)
        for k, ind in enumerate(inds):
            if ind in ind_pos:
                slot_of[ind_pos[ind]] = k
        n_slots, slot_all = len(inds), slot_of[ic]
        take &= slot_all >= 0
    slot_ind = {ind: (ind_pos[ind] if n_slots == len(iu) else k) for k, ind in enumerate(inds)
                if ind in ind_pos}
    # usually every ledger row is taken: the column arrays are then used without a copy
    every_row = bool(take.all())
    rows = np.arange(len(ic)) if every_row else np.flatnonzero(take)
    sc_r = sc if every_row else sc[rows]
    yr_r = yr_all if every_row else yr_all[rows]
    _check_levels(sc_r, u_iso, u_area, every_unit=every_row)
    gone = np.zeros(len(rows), dtype=bool)
    if years is not None:
        out = (yr_r < years[0]) | (yr_r > years[1])
        if out.any():
            ledger.exclude(rows[out], "outside_window",
                           f"outside the estimation window {years[0]}-{years[1]}")
            gone |= out
    ok_u = is_country(u_iso).to_numpy() if len(su) else np.zeros(0, dtype=bool)
    if not ok_u.all():  # per unit first: the rows are looked at only if some unit is no country
        bad = ~ok_u[sc_r] & ~gone
        if bad.any():
            det_u = np.array([f"{c} is not a country ({entity_type(c)})" if not ok else ""
                              for c, ok in zip(u_iso, ok_u)], dtype=object)
            ledger.exclude(rows[bad], "aggregate_entity", det_u[sc_r[bad]])
            gone |= bad
    if gone.any():
        rows, sc_r, yr_r, every_row = rows[~gone], sc_r[~gone], yr_r[~gone], False
    vals_all = val_all if every_row else val_all[rows]
    miss = np.isnan(vals_all)
    if miss.any():
        ledger.exclude(rows[miss], "missing_value", "the value is missing in the input")
    # grid: iso3-major dense (iso3 x year) cells; missing values stay NaN on the grid
    iso_codes, iso_uniq, yr = sc_r, su, yr_r
    if len(rows) == 0:
        empty = pd.DataFrame({"iso3": pd.Series([], dtype="str"), "year": pd.Series([], dtype="int64"),
                              **{v: pd.Series([], dtype="float64") for v in variables},
                              "unit": pd.Series([], dtype="str"), "area": pd.Series([], dtype="str")})
        return PanelFrame(empty, np.empty((0, 0), dtype=np.int64))
    y0, y1 = int(yr.min()), int(yr.max())
    ny = y1 - y0 + 1
    n_cells = len(iso_uniq) * ny
    if n_cells > 200_000_000:
        raise EstimatorError(f"panel grid too large ({len(iso_uniq)} units x {ny} periods)")
    # one scatter of all rows into an (indicator x cell) grid; a later row wins, as before
    # (the flat index built in place: one temporary instead of five on a million rows)
    flat = (slot_all if every_row else slot_all[rows]).astype(np.int64) * n_cells
    flat += iso_codes * ny
    flat += yr
    flat -= y0
    grid_v = np.full(n_slots * n_cells, np.nan)
    grid_r = np.full(n_slots * n_cells, -1, dtype=np.int64)
    grid_v[flat] = vals_all
    grid_r[flat] = rows
    val: dict[str, np.ndarray] = {}
    rid: dict[str, np.ndarray] = {}
    for ind in inds:
        slot = slot_ind.get(ind)
        if slot is None:  # not in the data at all: an empty column
            val[ind] = np.full(n_cells, np.nan)
            rid[ind] = np.full(n_cells, -1, dtype=np.int64)
        else:
            val[ind] = grid_v[slot * n_cells:(slot + 1) * n_cells]
            rid[ind] = grid_r[slot * n_cells:(slot + 1) * n_cells]
    year_idx = np.tile(np.arange(ny, dtype=np.int64), len(iso_uniq))

    def lagged(a: np.ndarray, lag: int, fill: float | int) -> np.ndarray:
        if lag == 0:
            return a
        out = np.full_like(a, fill)
        out[lag:] = a[:-lag]
        out[year_idx < lag] = fill
        return out

    cols: dict[str, np.ndarray] = {}
    nonpos = np.zeros(n_cells, dtype=bool)
    used_ids: list[np.ndarray] = []
    for var in variables:
        if var == "refugees_per_1000":
            pop = val["population"]
            bad = pop <= 0
            nonpos |= bad
            with np.errstate(divide="ignore", invalid="ignore"):
                cols[var] = np.where(bad, np.nan, 1000.0 * val["refugees"] / pop)
        elif var == "gdp_per_capita_growth":
            g = val["gdp_per_capita_usd_current"]
            with np.errstate(divide="ignore", invalid="ignore"):
                lg = np.where(g > 0, np.log(g), np.nan)
            cols[var] = 100.0 * (lg - lagged(lg, 1, np.nan))
            nonpos |= g <= 0
        elif var == "log_gdp_per_capita":
            g = val["gdp_per_capita_usd_current"]
            nonpos |= g <= 0
            with np.errstate(divide="ignore", invalid="ignore"):
                cols[var] = np.where(g > 0, np.log(g), np.nan)
        else:
            cols[var] = val[var]
        spec = DERIVED[var].inputs if var in DERIVED else ((var, 0),)
        for ind, lag in spec:
            used_ids.append(lagged(rid[ind], lag, -1))
    complete = np.isfinite(cols[variables[0]])
    for var in variables[1:]:
        complete &= np.isfinite(cols[var])
    ids = np.column_stack(used_ids)
    every = bool(complete.all())  # a balanced complete panel: no gathering needed
    keep_cells = np.arange(n_cells) if every else np.flatnonzero(complete)
    # codes of units in f (the cached list may hold more)
    own = rid[inds[0]] >= 0  # cells holding a row of the panel
    for ind in inds[1:]:
        own |= rid[ind] >= 0
    present = np.flatnonzero(own.reshape(len(iso_uniq), ny).any(axis=1))
    remap = np.full(len(iso_uniq), -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    cats = pd.Index(np.asarray(iso_uniq, dtype=object)[present], dtype="str")
    n_units = len(iso_uniq)

    def per_cell(per_unit: np.ndarray) -> np.ndarray:
        """A value per unit, spread over the kept cells (a repeat when every cell is kept)."""
        out: np.ndarray = (np.repeat(per_unit, ny) if every
                           else per_unit[keep_cells // ny])
        return out

    unit_of_cell = per_cell(remap)
    year_of_cell = np.tile(np.arange(ny, dtype=np.int64), n_units) if every else keep_cells % ny
    unit = pd.Categorical.from_codes(unit_of_cell, categories=cats, validate=False)
    p_area = u_area[present]
    if len(present) and p_area.astype(bool).any():  # sub-national units: codes per unit
        ic_u, iu_u = pd.factorize(pd.Index(u_iso[present], dtype="str"), sort=True)
        country_u = np.full(n_units, -1, dtype=np.int64)
        country_u[present] = ic_u
        country_of_cell = per_cell(country_u)
        iso_col: Any = pd.Categorical.from_codes(country_of_cell, categories=iu_u,
                                                 validate=False)
        ac_u, au_u = pd.factorize(pd.Index(p_area, dtype="str"), sort=True)
        area_u = np.full(n_units, -1, dtype=np.int64)
        area_u[present] = ac_u
        area_col: Any = pd.Categorical.from_codes(per_cell(area_u), categories=au_u,
                                                  validate=False)
    else:
        country_of_cell = unit_of_cell
        iso_col = unit
        area_col = pd.Categorical.from_codes(np.full(len(keep_cells), -1, dtype=np.int8),
                                             categories=pd.Index([], dtype="str"),
                                             validate=False)
    table = pd.DataFrame({
        "iso3": iso_col,
        "year": year_of_cell + y0,
        **{v: cols[v] if every else cols[v][keep_cells] for v in variables},
        "unit": unit,
        "area": area_col,
    }, copy=False)
    # pending: rows of incomplete cells (their own cell), unless a complete cell uses them
    bad_cells = np.flatnonzero(own & ~complete)
    p_rows, p_reason, p_detail = [], [], []
    if len(bad_cells):
        for c in bad_cells:
            iso3, year = iso_uniq[c // ny], int(c % ny + y0)
            lacking = [v for v in variables if not np.isfinite(cols[v][c])]
            if nonpos[c]:
                reason = "non_positive_denominator"
                detail = (f"{', '.join(lacking)} undefined for {iso3} {year}: population or GDP "
                          "per capita is zero or negative")
            else:
                reason = "missing_counterpart"
                need = []
                for v in lacking:
                    spec = DERIVED[v].inputs if v in DERIVED else ((v, 0),)
                    for ind, lag in spec:
                        src = c - lag if year_idx[c] >= lag else -1
                        if src < 0 or not np.isfinite(val[ind][src]):
                            need.append(f"{ind} {year - lag}")
                detail = (f"no complete {', '.join(lacking)} for {iso3} {year} (lacking "
                          f"{', '.join(dict.fromkeys(need))})")
            for ind in inds:
                r = rid[ind][c]
                if r >= 0:
                    p_rows.append(r)
                    p_reason.append(reason)
                    p_detail.append(detail)
    return PanelFrame(
        table=table,
        rows=ids if every else ids[keep_cells],
        pending_rows=np.asarray(p_rows, dtype=np.int64),
        pending_reasons=np.asarray(p_reason, dtype=object),
        pending_details=np.asarray(p_detail, dtype=object),
        # every cell kept: every unit and year is in the table, so the codes are dense already
        unit_codes=unit_of_cell if every else _densify(unit_of_cell, len(present)),
        year_codes=year_of_cell if every else _densify(year_of_cell, ny),
        country_codes=country_of_cell if every else _densify(
            country_of_cell, int(country_of_cell.max()) + 1 if len(country_of_cell) else 0),
    )


def n_distinct(values: Any) -> int:
    """Number of distinct values; a presence count for small non-negative integer codes.

    Parameters
    ----------
    values : array-like
        Missing values (NaN) are not counted, as in ``pandas.Series.nunique``.

    Returns
    -------
    int
    """
    a = np.asarray(values)
    if a.dtype.kind in "iu" and len(a) and int(a.min()) >= 0 and int(a.max()) < 4 * len(a):
        return int(np.count_nonzero(np.bincount(a)))
    return int(pd.Series(a).nunique())


def _densify(codes: np.ndarray, size: int) -> np.ndarray:
    """Codes 0..k-1 in the order of ``codes`` (< ``size``), as ``pd.factorize(sort=True)``."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    counts = np.bincount(codes, minlength=size)
    if counts.all():  # dense already
        return codes
    lut = np.cumsum(counts > 0) - 1
    out: np.ndarray = lut[codes]
    return out


def _check_levels(codes: np.ndarray, u_iso: np.ndarray, u_area: np.ndarray, *,
                  every_unit: bool = False) -> None:
    """Raise if a country appears both as a whole and through its areas (units would overlap).

    ``every_unit``: every unit of ``u_area`` has a row in ``codes`` (no count needed).
    """
    if not any(a is not None for a in u_area):  # no area at all (cheap: one entry per unit)
        return
    units = (np.arange(len(u_area)) if every_unit
             else np.flatnonzero(np.bincount(codes, minlength=len(u_area))))
    if not len(units):
        return
    sub = u_area[units] != None  # noqa: E711 - elementwise test of an object array
    if not sub.any():
        return
    mixed = sorted(set(u_iso[units][sub]) & set(u_iso[units][~sub]))
    if mixed:
        raise EstimatorError(
            f"the data mix whole-country and sub-national observations for {', '.join(mixed[:5])}"
            f"{' …' if len(mixed) > 5 else ''}: a panel unit is either a country or one of its "
            "areas, never both (the country would count twice); keep one level, e.g. "
            "data.select(areas=[...]) for the areas or areas=[None] for whole countries")


def drop_singletons(entity: np.ndarray, time: np.ndarray, effects: str) -> np.ndarray:
    """Return a boolean mask of observations that are fixed-effect singletons (iterated).

    An entity (or period, with time effects) observed once has a fixed effect that fits its
    only observation exactly: it identifies nothing and fixest/pyfixest drop it by default. The
    removal is repeated until no singleton is left (dropping one can create another).

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
    drop = np.zeros(len(entity), dtype=bool)
    dims = {"twoway": (entity, time), "entity": (entity,), "time": (time,)}[effects]
    any_drop = False
    while True:
        changed = False
        for codes in dims:
            counts = np.bincount(codes[~drop] if any_drop else codes,
                                 minlength=int(codes.max()) + 1 if len(codes) else 0)
            if not (counts == 1).any():  # per level first: rows are looked at only if needed
                continue
            single = counts[codes] == 1
            single &= ~drop
            if single.any():
                drop |= single
                any_drop = changed = True
        if not changed:
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
