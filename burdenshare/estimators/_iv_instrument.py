"""The instruments of ``iv_2sls``: shift-share and distance-weighted refugee stocks.

Built per unit-year of the panel (a country, or a sub-national area ``ISO3/area``) from
UNHCR data (``refugees_by_origin`` base-year shares, ``refugees_from_origin`` shifts) or from
a user-supplied distance table; every instrument input is settled in the ledger (used, or
excluded with a reason).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..countries import is_country
from ..schemas import AREA_PATTERN
from . import _panel as pfm
from .base import Ledger

__all__ = ["InstrumentSpec", "build_instrument", "read_distance_table", "settle_instrument",
           "unit_array", "unit_key"]


# --------------------------------------------------------------------------- distance table
def _first(mask: Any) -> int:
    """Position of the first true element."""
    return int(np.flatnonzero(np.asarray(mask))[0])


def _check_columns(p: Path, df: pd.DataFrame) -> None:
    """Raise for a missing column or an empty country code."""
    need = ["origin_iso3", "asylum_iso3", "distance_km"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ParameterError(f"{p}: column(s) {missing} missing (need {', '.join(need)}, "
                             "optionally asylum_area)")
    for col in ("origin_iso3", "asylum_iso3"):
        empty = df[col].isna().to_numpy()
        if empty.any():
            raise ParameterError(f"{p}, line {_first(empty) + 2}, column {col}: value is empty; "
                                 "give the ISO3 code of the country")


def _read_area(p: Path, df: pd.DataFrame) -> pd.Series:
    """The ``asylum_area`` column (None for the whole country), checked."""
    if "asylum_area" not in df.columns:
        return pd.Series([None] * len(df), dtype=object)
    area = df["asylum_area"].astype(object)
    bad_area = (area.notna() & ~area.fillna("").str.fullmatch(AREA_PATTERN)).to_numpy()
    if bad_area.any():
        i = _first(bad_area)
        raise ParameterError(
            f"{p}, line {i + 2}, column asylum_area: value {str(area.iloc[i])!r} is not an "
            "area code (free text without spaces, e.g. 'TR-34', as in the observations' "
            "area column; leave the cell empty for the whole country)")
    return pd.Series([None if pd.isna(a) else str(a) for a in area], dtype=object)


def read_distance_table(path: str | Path) -> pd.DataFrame:
    """Read a distance table: CSV ``origin_iso3, asylum_iso3[, asylum_area], distance_km``.

    The optional column ``asylum_area`` keys a distance to a sub-national area of the country
    of asylum (same codes as the observations' ``area``, e.g. ``TR-34``); an empty cell (or no
    column) means the whole country.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    pandas.DataFrame
        Columns ``origin_iso3, asylum_iso3, asylum_area, distance_km`` (``asylum_area`` None for
        whole countries); distances are positive and finite, (origin, asylum, area) unique.

    Raises
    ------
    ParameterError
        Naming the file, line, column and value of the first problem.
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"parameter 'distance_file' = {str(path)!r}: file not found")
    df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
    _check_columns(p, df)
    area = _read_area(p, df)
    d = pd.to_numeric(df["distance_km"], errors="coerce")
    bad = ~(np.isfinite(d) & (d > 0))
    if bad.any():
        i = _first(bad)
        raise ParameterError(f"{p}, line {i + 2}, column distance_km: value "
                             f"{str(df['distance_km'].iloc[i])!r} is not a positive number")
    key = pd.DataFrame({"o": df["origin_iso3"], "a": df["asylum_iso3"], "r": area.fillna("")})
    dup = key.duplicated()
    if dup.any():
        i = _first(dup)
        where = f" area {area.iloc[i]}" if area.iloc[i] is not None else ""
        raise ParameterError(f"{p}, line {i + 2}: pair {df['origin_iso3'].iloc[i]}-"
                             f"{df['asylum_iso3'].iloc[i]}{where} repeated")
    return pd.DataFrame({"origin_iso3": df["origin_iso3"].to_numpy(),
                         "asylum_iso3": df["asylum_iso3"].to_numpy(),
                         "asylum_area": area,
                         "distance_km": d.to_numpy(dtype=float)})


# --------------------------------------------------------------------------- panel units
def unit_key(sub: pd.DataFrame) -> pd.Series:
    """The unit column of the panel table ``sub`` as stored (``unit``, else ``iso3``), for
    codes and counts only (:func:`unit_array` gives the labels).
    """
    return sub["unit"] if "unit" in sub.columns else sub["iso3"]


def unit_array(sub: pd.DataFrame) -> np.ndarray:
    """The unit label of each row as an object array (from the categories when it has them).

    Parameters
    ----------
    sub : pandas.DataFrame
        A panel table (or part of one).

    Returns
    -------
    numpy.ndarray of object
    """
    s = unit_key(sub)
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.asarray(s.cat.categories.astype(str), dtype=object)
        return cats[s.cat.codes.to_numpy()]
    return s.astype(str).to_numpy(dtype=object)


def _in(values: np.ndarray, allowed: Any) -> np.ndarray:
    """Element-wise membership of ``values`` in ``allowed`` (hashing, not sorting objects)."""
    return pd.Series(values, dtype=object).isin(list(allowed)).to_numpy()


# --------------------------------------------------------------------------- weights
@dataclass(frozen=True)
class InstrumentSpec:
    """The instrument parameters of an ``iv_2sls`` estimator.

    Parameters
    ----------
    instrument : {"shift_share", "distance"}
    base_year : int
        Year of the shares (``shift_share``).
    distance_file : str or None
        The distance table (``distance``).
    distance_decay : float
        Exponent of the inverse-distance weights.
    variables : tuple of str
        The panel variables (``refugees_per_1000`` among them: its population is the
        instrument's denominator).
    """

    instrument: str
    base_year: int
    distance_file: str | None
    distance_decay: float
    variables: tuple[str, ...]

    @property
    def shift_share(self) -> bool:
        """Whether the instrument is the shift-share one."""
        return self.instrument == "shift_share"


def _settle_base_stocks(ledger: Ledger, base_year: int) -> pd.DataFrame:
    """The base-year ``refugees_by_origin`` rows usable as shares; the others excluded."""
    act = ledger.active()
    dy = act[act["indicator"] == "refugees_by_origin"]
    other = dy["year"].to_numpy() != base_year
    ledger.exclude(dy["_row"].to_numpy()[other], "not_reference_year",
                   f"shares use base year {base_year} only")
    dy = dy[~other]
    nonc = ~(is_country(dy["iso3"]).to_numpy() & is_country(dy["counterpart_iso3"]).to_numpy())
    ledger.exclude(dy["_row"].to_numpy()[nonc], "aggregate_entity",
                   [f"{a}<-{o}: asylum or origin is not a country" for a, o in
                    zip(dy["iso3"].to_numpy()[nonc], dy["counterpart_iso3"].to_numpy()[nonc])])
    dy = dy[~nonc]
    miss = dy["value"].isna().to_numpy()
    ledger.exclude(dy["_row"].to_numpy()[miss], "missing_value",
                   "the value is missing in the input")
    kept: pd.DataFrame = dy[~miss]
    return kept


def _shift_share_weights(ledger: Ledger, hosts: set[str], base_year: int) -> pd.DataFrame:
    """(asylum, origin, stock, _row): base-year stocks of the panel's hosts by origin."""
    dy = _settle_base_stocks(ledger, base_year)
    unit = pfm.unit_labels(dy["iso3"], dy["area"])
    notin = ~_in(unit, hosts) if len(unit) else np.zeros(0, dtype=bool)
    ledger.exclude(dy["_row"].to_numpy()[notin], "missing_counterpart",
                   pfm.by_value(unit[notin], lambda a: f"host {a} has no complete "
                                "outcome/regressor unit-year in the estimation window"))
    dy = dy[~notin]
    return pd.DataFrame({"asylum": unit[~notin], "origin": dy["counterpart_iso3"].to_numpy(),
                         "stock": dy["value"].to_numpy(dtype=float),
                         "_row": dy["_row"].to_numpy()})


def _distance_weights(spec: InstrumentSpec, hosts: set[str]
                      ) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """(asylum, origin, weight, _row) from the distance table, and the file read."""
    path = Path(str(spec.distance_file))
    table = read_distance_table(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    unit = pfm.unit_labels(table["asylum_iso3"], table["asylum_area"])
    inside = _in(unit, hosts) if len(unit) else np.zeros(0, dtype=bool)
    table = table[inside]
    w = pd.DataFrame({"asylum": unit[inside],
                      "origin": table["origin_iso3"].to_numpy(),
                      "weight": table["distance_km"].to_numpy() ** (-spec.distance_decay),
                      "_row": -1})
    ext = [{"path": str(path), "sha256": digest,
            "description": "distance table origin_iso3,asylum_iso3[,asylum_area],"
                           "distance_km for the distance-weighted instrument"}]
    return w, ext


def _settle_shifts(ledger: Ledger) -> pd.DataFrame:
    """The usable ``refugees_from_origin`` rows (origin countries, values present)."""
    act = ledger.active()
    sh = act[act["indicator"] == "refugees_from_origin"]
    sh_nonc = ~is_country(sh["iso3"]).to_numpy()
    ledger.exclude(sh["_row"].to_numpy()[sh_nonc], "aggregate_entity",
                   [f"origin {o} is not a country" for o in sh["iso3"].to_numpy()[sh_nonc]])
    sh = sh[~sh_nonc]
    sh_miss = sh["value"].isna().to_numpy()
    ledger.exclude(sh["_row"].to_numpy()[sh_miss], "missing_value",
                   "the value is missing in the input")
    return sh[~sh_miss]


def _shares(ledger: Ledger, w: pd.DataFrame, sh: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Shift-share weights: base-year stock over the origin's base-year total."""
    base = sh[sh["year"] == base_year].set_index("iso3")
    lost = ~w["origin"].isin(base.index).to_numpy()
    ledger.exclude(w["_row"].to_numpy()[lost], "missing_counterpart",
                   pfm.by_value(w["origin"].to_numpy()[lost], lambda o: (
                       f"origin {o} has no refugees_from_origin observation in base "
                       f"year {base_year}, so its shares are undefined")))
    w = w[~lost].copy()
    denom = base["value"].reindex(w["origin"]).to_numpy(dtype=float) if len(w) else np.empty(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w["weight"] = np.where(denom > 0, w["stock"].to_numpy() / denom, 0.0) if len(w) else []
    return w


def _position(variables: tuple[str, ...], var: str, ind: str) -> int:
    """Column of ``panel.rows`` holding input ``ind`` of variable ``var``."""
    pos = 0
    for v in variables:
        for i, lag in pfm.variable_spec(v):
            if v == var and i == ind and lag == 0:
                return pos
            pos += 1
    raise KeyError(ind)


def _host_rows(t: pd.DataFrame, t_units: np.ndarray, hosts_sorted: list[str]) -> np.ndarray:
    """Position of each row's unit among the sorted hosts."""
    key = unit_key(t)
    if isinstance(key.dtype, pd.CategoricalDtype):  # by category, not by row
        out: np.ndarray = pd.Index(hosts_sorted).get_indexer(
            key.cat.categories.astype(str))[key.cat.codes.to_numpy()]
        return out
    return np.asarray(pd.Index(hosts_sorted).get_indexer(pd.Index(t_units)))


def build_instrument(ledger: Ledger, panel: pfm.PanelFrame, spec: InstrumentSpec
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame,
                                list[dict[str, Any]]]:
    """The instrument for each unit-year of ``panel.table``.

    See :meth:`burdenshare.estimators.iv.IV2SLS.instrument_values`.

    Parameters
    ----------
    ledger : Ledger
    panel : PanelFrame
    spec : InstrumentSpec

    Returns
    -------
    z, ok, host_has_weight, weights, external
    """
    t = panel.table
    t_units = unit_array(t)
    hosts = set(pd.unique(t_units))
    external: list[dict[str, Any]] = []
    if spec.shift_share:
        w = _shift_share_weights(ledger, hosts, spec.base_year)
    else:
        w, external = _distance_weights(spec, hosts)
    sh = _settle_shifts(ledger)  # shifts: refugees from each origin, by year
    years = np.sort(t["year"].unique())
    if spec.shift_share:
        w = _shares(ledger, w, sh, spec.base_year)
    origins = sorted(set(w["origin"])) if len(w) else []
    # shift matrix R[o, t] (NaN where the origin has no observation that year)
    R = (sh[sh["year"].isin(years) & sh["iso3"].isin(origins)]
         .pivot(index="iso3", columns="year", values="value")
         .reindex(index=origins, columns=years))
    hosts_sorted = sorted(hosts)
    W = (w.pivot_table(index="asylum", columns="origin", values="weight", aggfunc="sum")
         .reindex(index=hosts_sorted, columns=origins).fillna(0.0)) if len(w) else \
        pd.DataFrame(0.0, index=hosts_sorted, columns=origins)
    Rv = R.to_numpy(dtype=float)
    Wv = W.to_numpy(dtype=float)
    has_w: np.ndarray = np.asarray((Wv > 0).any(axis=1))
    if not len(t):
        return (np.full(0, np.nan), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool), w,
                external)
    Z = Wv @ np.nan_to_num(Rv)
    gap = (Wv > 0).astype(float) @ np.isnan(Rv).astype(float) > 0
    hi = _host_rows(t, t_units, hosts_sorted)
    yi = pd.Index(years).get_indexer(t["year"])
    pop_rows = panel.rows[:, _position(spec.variables, "refugees_per_1000", "population")]
    pop = ledger.frame["value"].to_numpy()[pop_rows]
    ok_z = has_w[hi] & ~gap[hi, yi]
    z = np.where(ok_z, 1000.0 * Z[hi, yi] / pop, np.nan)
    return z, ok_z, has_w[hi], w, external


def settle_instrument(ledger: Ledger, w: pd.DataFrame, sub: pd.DataFrame,
                      spec: InstrumentSpec) -> None:
    """Settle the instrument inputs once the estimation sample ``sub`` is known.

    Base-year stocks of hosts in the sample and the origin totals of the sample's years (and
    the base year) with a positive weight are used; the others are excluded with a reason.

    Parameters
    ----------
    ledger : Ledger
    w : pandas.DataFrame
        The weights (``asylum, origin, weight`` and ``_row``).
    sub : pandas.DataFrame
        The estimation sample.
    spec : InstrumentSpec
    """
    used_hosts = set(pd.unique(unit_array(sub)))
    used_years = set(np.unique(sub["year"].to_numpy()).astype(int).tolist())
    if spec.shift_share:
        wrows = w[w["asylum"].isin(used_hosts)]
        ledger.use(wrows["_row"].to_numpy(dtype=int))
        rest = w[~w["asylum"].isin(used_hosts)]
        ledger.exclude(rest["_row"].to_numpy(dtype=int), "missing_counterpart",
                       pfm.by_value(rest["asylum"].to_numpy(dtype=object),
                                    lambda a: f"host {a} has no unit-year left in the estimate"))
    used_origins = set(w.loc[w["asylum"].isin(used_hosts) & (w["weight"] > 0), "origin"]) \
        if len(w) else set()
    act = ledger.active()
    rem = act[act["indicator"] == "refugees_from_origin"]
    yr = rem["year"].to_numpy()
    is_base = (yr == spec.base_year) & spec.shift_share
    in_years = np.isin(yr, list(used_years))
    orig_ok = rem["iso3"].isin(used_origins).to_numpy()
    use_mask = orig_ok & (in_years | is_base)
    ledger.use(rem["_row"].to_numpy()[use_mask])
    r2 = rem[~use_mask]
    out_w = ~np.isin(r2["year"].to_numpy(), list(used_years)) & ~(
        (r2["year"].to_numpy() == spec.base_year) & spec.shift_share)
    ledger.exclude(r2["_row"].to_numpy()[out_w], "outside_window",
                   "origin stock of a year outside the estimation sample")
    ledger.exclude(r2["_row"].to_numpy()[~out_w], "not_in_group",
                   pfm.by_value(r2["iso3"].to_numpy(dtype=object)[~out_w], lambda o: (
                       f"origin {o} has no weight in any host of the estimation sample")))
