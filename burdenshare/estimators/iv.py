r"""Instrumental-variables panel regression of a host outcome on refugee presence (``iv_2sls``).

Two-stage least squares or LIML (linearmodels ``IV2SLS`` / ``IVLIML``) with country and/or year
fixed effects as dummy variables, and an instrument built by burdenshare from UNHCR data:

- ``shift_share`` (default): predicted refugees per 1,000 inhabitants,
  :math:`Z_{it} = 1000 \sum_o s_{oi} R_{ot} / P_{it}` with base-year shares
  :math:`s_{oi} = R_{oi,t_0} / R_{o,t_0}` (origin o's refugees hosted by i in the base year over
  all refugees from o then) and shifts :math:`R_{ot}` (all refugees from o in year t);
- ``distance``: distance-weighted origin stocks
  :math:`Z_{it} = 1000 \sum_o R_{ot} d_{oi}^{-\delta} / P_{it}` from a user-supplied table of
  distances (none is shipped).

The host :math:`i` is a country or, for observations with an ``area``, a sub-national area
(unit = (iso3, area), with its own fixed effect; ``cluster="country"`` clusters the areas of a
country together); the origin totals :math:`R_{ot}` stay national.

Every observation left out is listed in ``excluded``; first-stage F and an Anderson–Rubin
weak-instrument-robust interval are in the diagnostics. See ``methodology/iv_2sls.md``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..countries import is_country
from ..data import Dataset
from ..results import Computation
from ..schemas import AREA_PATTERN
from . import _panel_frame as pfm
from .base import EstimatorBase, Ledger, library_version
from .panel import SMALL_SAMPLE

__all__ = ["IV2SLS", "anderson_rubin_interval", "read_distance_table"]

INSTRUMENT = "predicted_refugees_per_1000"


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
    need = ["origin_iso3", "asylum_iso3", "distance_km"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ParameterError(f"{p}: column(s) {missing} missing (need {', '.join(need)}, "
                             "optionally asylum_area)")
    for col in ("origin_iso3", "asylum_iso3"):
        empty = df[col].isna().to_numpy()
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise ParameterError(f"{p}, line {i + 2}, column {col}: value is empty; give the "
                                 "ISO3 code of the country")
    if "asylum_area" in df.columns:
        area = df["asylum_area"].astype(object)
        bad_area = (area.notna() & ~area.fillna("").str.fullmatch(AREA_PATTERN)).to_numpy()
        if bad_area.any():
            i = int(np.flatnonzero(bad_area)[0])
            raise ParameterError(
                f"{p}, line {i + 2}, column asylum_area: value {str(area.iloc[i])!r} is not an "
                "area code (free text without spaces, e.g. 'TR-34', as in the observations' "
                "area column; leave the cell empty for the whole country)")
        area = pd.Series([None if pd.isna(a) else str(a) for a in area], dtype=object)
    else:
        area = pd.Series([None] * len(df), dtype=object)
    d = pd.to_numeric(df["distance_km"], errors="coerce")
    bad = ~(np.isfinite(d) & (d > 0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ParameterError(f"{p}, line {i + 2}, column distance_km: value "
                             f"{str(df['distance_km'].iloc[i])!r} is not a positive number")
    key = pd.DataFrame({"o": df["origin_iso3"], "a": df["asylum_iso3"], "r": area.fillna("")})
    dup = key.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        where = f" area {area.iloc[i]}" if area.iloc[i] is not None else ""
        raise ParameterError(f"{p}, line {i + 2}: pair {df['origin_iso3'].iloc[i]}-"
                             f"{df['asylum_iso3'].iloc[i]}{where} repeated")
    return pd.DataFrame({"origin_iso3": df["origin_iso3"].to_numpy(),
                         "asylum_iso3": df["asylum_iso3"].to_numpy(),
                         "asylum_area": area,
                         "distance_km": d.to_numpy(dtype=float)})


def _unit_labels(iso3: Any, area: Any) -> np.ndarray:
    """Panel unit labels: the ISO3 code, or ``ISO3/area`` for a sub-national area.

    Each label is built once per distinct (iso3, area) pair, not once per row.
    """
    iso = np.asarray(iso3, dtype=object)
    ar = np.asarray(area, dtype=object)
    if len(iso) == 0:
        return np.empty(0, dtype=object)
    ii, iu = pd.factorize(iso)
    ai, au = pd.factorize(ar)  # missing area -> -1
    ku, kinv = np.unique(ii.astype(np.int64) * (len(au) + 1) + ai + 1, return_inverse=True)
    lab = np.array([iu[k // (len(au) + 1)] if k % (len(au) + 1) == 0 else
                    f"{iu[k // (len(au) + 1)]}/{au[k % (len(au) + 1) - 1]}" for k in ku],
                   dtype=object)
    out: np.ndarray = lab[kinv.ravel()]
    return out


def _by_value(values: np.ndarray, fmt: Any) -> np.ndarray:
    """``fmt(v)`` for every element of ``values``, formatted once per distinct value."""
    if len(values) == 0:
        return np.empty(0, dtype=object)
    inv, uniq = pd.factorize(np.asarray(values))
    return np.array([fmt(v) for v in uniq], dtype=object)[inv]


def _unit_years(units: np.ndarray, years: np.ndarray) -> np.ndarray:
    """``f"{unit} {year}"`` for each row, as an object array (no per-row Python formatting)."""
    out: np.ndarray = (np.asarray(units, dtype=object) + " "
                       + np.asarray(years).astype(str).astype(object))
    return out


def _partial_r2(x: np.ndarray, W: np.ndarray | None, z: np.ndarray) -> float:
    """The first-stage ``partial.rsquared`` of linearmodels (one endogenous, one instrument).

    The (uncentred: the partialled-out columns have no constant) R-squared of the regression of
    the endogenous regressor on the instrument, both orthogonalised to the exogenous
    regressors ``W``.
    """
    if W is not None and W.shape[1]:
        x = x - W @ np.linalg.lstsq(W, x, rcond=None)[0]
        z = z - W @ np.linalg.lstsq(W, z, rcond=None)[0]
    b = float(z @ x) / float(z @ z)
    e = x - b * z
    return 1.0 - float(e @ e) / float(x @ x)


def _ols_first_coef_var(y: np.ndarray, X: np.ndarray, clusters: np.ndarray | None,
                        extra_df: int) -> tuple[float, float]:
    """Coefficient on the first column of ``X`` and its variance, as linearmodels gives them.

    The OLS fit ``IV2SLS(y, X, None, None).fit(debiased=True, extra_df=extra_df)`` with
    ``cov_type="unadjusted"`` (``clusters`` None) or ``"clustered"`` (one or two cluster
    columns), with linearmodels' formulas: ``V = v^{-1} S v^{-1} / n``, ``v = X'X / n``; the
    unadjusted ``S = s^2 v`` with ``s^2 = e'e / (n - k - extra_df)``; the clustered ``S`` the
    sum over clusters of the summed scores' outer products over ``n``, times
    ``n / (n - k - extra_df) x G / (G - 1) x (n - 1) / n``, and for two clusters
    ``S_1 + S_2 - S_12``. Equal to linearmodels to rounding (tested).
    """
    n, k = X.shape
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    v = X.T @ X / n
    vinv = np.linalg.inv(v)
    scale = n / (n - k - extra_df)
    if clusters is None:
        s = scale * float(e @ e) / n * v
    else:
        xe = X * e[:, None]
        cl = clusters.reshape(n, -1)

        def one(codes: np.ndarray) -> np.ndarray:
            g, nc = pd.factorize(codes)[0], len(pd.unique(codes))
            u = np.column_stack([np.bincount(g, weights=xe[:, j], minlength=nc)
                                 for j in range(k)])
            meat: np.ndarray = (u.T @ u / n) * (scale * (nc / (nc - 1)) * ((n - 1) / n))
            return meat

        if cl.shape[1] == 1:
            s = one(cl[:, 0])
        else:
            c0 = cl[:, 0] - cl[:, 0].min() + 1
            c1 = cl[:, 1] - cl[:, 1].min() + 1
            s = one(cl[:, 0]) + one(cl[:, 1]) - one((c0 * (c1.max() + 1) + c1).astype(np.int64))
    c = vinv @ s @ vinv / n
    c = (c + c.T) / 2
    return float(beta[0]), float(c[0, 0])


def _group_means(codes: np.ndarray, n: int, M: np.ndarray) -> np.ndarray:
    """Mean of each column of ``M`` within each of the ``n`` groups ``codes``."""
    cnt = np.bincount(codes, minlength=n).astype(float)
    sums = np.column_stack([np.bincount(codes, weights=M[:, j], minlength=n)
                            for j in range(M.shape[1])])
    means: np.ndarray = sums / cnt[:, None]
    return means


def _partial_out_fixed_effects(M: np.ndarray, entity: np.ndarray, time: np.ndarray,
                              effects: str) -> np.ndarray:
    r"""Residuals of the columns of ``M`` on entity and/or time dummies, without the dummies.

    The least-squares projection on the dummies is computed exactly from group sums: one-way
    effects are removed by group means; for two-way effects the year effects :math:`\gamma`
    solve the normal equations with the entity effects eliminated (a Schur complement,
    :math:`(D_t - N' D_e^{-1} N)\gamma = S_t - N' D_e^{-1} S_e`, with :math:`N` the
    entity x year counts, one year per connected component of the panel fixed at zero), then
    :math:`lpha_i = (S_{e,i} - N_i\gamma)/n_i` and the residual is
    :math:`M_{it} - lpha_i - \gamma_t`. No dense ``N x (entities + years)`` dummy matrix is
    built, so a million-row panel costs a few group sums and a years x years solve. Equal to
    the dense least-squares residuals to rounding (tested against them in
    ``tests/unit/test_iv.py``).

    Parameters
    ----------
    M : numpy.ndarray
        ``N x k`` values.
    entity, time : numpy.ndarray
        Integer codes ``0 .. n-1`` of each row's entity and period.
    effects : {"twoway", "entity", "time"}

    Returns
    -------
    numpy.ndarray
        ``N x k`` residuals.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n_e = int(entity.max()) + 1 if len(entity) else 0
    n_t = int(time.max()) + 1 if len(time) else 0
    within: np.ndarray
    if effects == "entity":
        within = M - _group_means(entity, n_e, M)[entity]
        return within
    if effects == "time":
        within = M - _group_means(time, n_t, M)[time]
        return within
    if n_e * n_t <= 20_000_000:  # the entity x year counts fit in memory as a dense matrix
        N: Any = np.bincount(entity * n_t + time, minlength=n_e * n_t).reshape(n_e, n_t)
        N = N.astype(float)
    else:
        N = sparse.csr_matrix((np.ones(len(entity)), (entity, time)), shape=(n_e, n_t))
    n_i = np.asarray(N.sum(axis=1)).ravel()
    n_y = np.asarray(N.sum(axis=0)).ravel()
    S_e = np.column_stack([np.bincount(entity, weights=M[:, j], minlength=n_e)
                           for j in range(M.shape[1])])
    S_t = np.column_stack([np.bincount(time, weights=M[:, j], minlength=n_t)
                           for j in range(M.shape[1])])
    if sparse.issparse(N):
        NtDi = N.T.multiply(1.0 / n_i[None, :]).tocsr()
        A = np.diag(n_y) - (NtDi @ N).toarray()
    else:
        NtDi = N.T / n_i[None, :]
        A = np.diag(n_y) - NtDi @ N
    B = S_t - NtDi @ S_e
    # the year effects are identified up to a constant per connected component of the
    # entity-year graph: fix the first year of each component at zero
    Ns = sparse.csr_matrix(N)
    graph = sparse.bmat([[None, Ns], [Ns.T, None]], format="csr")
    _, comp = connected_components(graph, directed=False)
    comp_t = comp[n_e:]
    _, first = np.unique(comp_t, return_index=True)
    free = np.ones(n_t, dtype=bool)
    free[first] = False
    gamma = np.zeros((n_t, M.shape[1]))
    if free.any():
        gamma[free] = np.linalg.solve(A[np.ix_(free, free)], B[free])
    alpha = (S_e - N @ gamma) / n_i[:, None]
    within = M - alpha[entity] - gamma[time]
    return within


def _units(sub: pd.DataFrame) -> pd.Series:
    """The unit of each row of a panel table (``unit`` column, else the country)."""
    return sub["unit"].astype(str) if "unit" in sub.columns else sub["iso3"].astype(str)


def _unit_key(sub: pd.DataFrame) -> pd.Series:
    """The unit column as stored (``unit``, else ``iso3``), for codes and counts only."""
    return sub["unit"] if "unit" in sub.columns else sub["iso3"]


def _unit_array(sub: pd.DataFrame) -> np.ndarray:
    """:func:`_units` as an object array, built from the categories when the column has them."""
    s = _unit_key(sub)
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.asarray(s.cat.categories.astype(str), dtype=object)
        return cats[s.cat.codes.to_numpy()]
    return s.astype(str).to_numpy(dtype=object)


def _in(values: np.ndarray, allowed: Any) -> np.ndarray:
    """Element-wise membership of ``values`` in ``allowed`` (hashing, not sorting objects)."""
    return pd.Series(values, dtype=object).isin(list(allowed)).to_numpy()


def anderson_rubin_interval(a_y: float, a_x: float, v_yy: float, v_xy: float, v_xx: float,
                            crit: float) -> tuple[float, float, str]:
    r"""Invert the Anderson–Rubin test for one endogenous regressor and one instrument.

    The AR statistic for :math:`H_0: \beta = b` is the Wald statistic of the instrument in the
    regression of :math:`y - b x` on the instrument and the exogenous variables,
    :math:`(a_y - b a_x)^2 / (V_{yy} - 2 b V_{xy} + b^2 V_{xx})`, where :math:`a_y, a_x` are the
    instrument's coefficients in the reduced form and the first stage and :math:`V` their
    (cluster-robust) covariances. The set :math:`\{b : AR(b) \le c\}` solves a quadratic
    inequality exactly.

    Parameters
    ----------
    a_y, a_x : float
        Reduced-form and first-stage coefficients of the instrument.
    v_yy, v_xy, v_xx : float
        Their variances and covariance.
    crit : float
        Critical value of the statistic.

    Returns
    -------
    (lower, upper, shape)
        ``shape`` is ``"bounded"`` (``[lower, upper]``), ``"two_rays"``
        (``(-inf, lower] U [upper, inf)``) or ``"unbounded"`` (all real numbers; bounds NaN).
    """
    A = a_x ** 2 - crit * v_xx
    B = -2.0 * (a_y * a_x - crit * v_xy)
    C = a_y ** 2 - crit * v_yy
    disc = B * B - 4 * A * C
    if A > 0:
        r = np.sqrt(max(disc, 0.0))
        return (-B - r) / (2 * A), (-B + r) / (2 * A), "bounded"
    if disc > 0 and A < 0:
        r = np.sqrt(disc)
        lo, hi = sorted(((-B + r) / (2 * A), (-B - r) / (2 * A)))
        return lo, hi, "two_rays"
    return float("nan"), float("nan"), "unbounded"


@dataclass(frozen=True, kw_only=True)
class IV2SLS(EstimatorBase):
    r"""Instrumental-variables (2SLS / LIML) panel regression with a built-in instrument.

    .. math:: y_{it} = \beta x_{it} + \delta' w_{it} + \alpha_i + \gamma_t + \varepsilon_{it},
              \quad x_{it} = \pi Z_{it} + \ldots

    with :math:`x` = ``endogenous`` (default ``refugees_per_1000``) and :math:`Z` the
    shift-share (default) or distance-weighted instrument, both per 1,000 inhabitants. Fixed
    effects enter as dummy variables (exact, also in unbalanced panels). The unit :math:`i` is
    the country, or the sub-national area (iso3, area) when the observations have an ``area``;
    the instrument is then built per area (area base-year stocks by origin, distances per
    area). See ``methodology/iv_2sls.md``.

    Parameters
    ----------
    outcome : str
        Outcome variable (indicator or derived, as in :class:`~burdenshare.PanelFE`).
    endogenous : str
        The one endogenous regressor (default ``refugees_per_1000``).
    exogenous : tuple of str
        Further (exogenous) controls.
    instrument : {"shift_share", "distance"}
        Instrument builder.
    base_year : int
        Year of the shares (``shift_share``); only later years are estimated.
    distance_file : str or None
        CSV ``origin_iso3, asylum_iso3[, asylum_area], distance_km`` (``distance`` only; no
        table is shipped).
    distance_decay : float
        Exponent :math:`\delta` of the distance weights.
    method : {"2sls", "liml"}
    effects : {"twoway", "entity", "time"}
    cluster : {"entity", "country", "time", "twoway", "none"}
        By unit (``entity``: country or area), by country (``country``: the areas of one
        country form one cluster; the same as ``entity`` for country panels), year, unit and
        year, or not at all.
    years : tuple of int
        Inclusive estimation window (default: after ``base_year``).
    ci_level : float
    sources : tuple of (indicator, source)

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.iv import IV2SLS
    >>> res = IV2SLS().estimate(bs.load_sample())
    >>> res.estimates["term"].tolist()
    ['refugees_per_1000']
    """

    name: ClassVar[str] = "iv_2sls"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "coefficient"
    unit: ClassVar[str] = "outcome units per regressor unit"
    supports_areas: ClassVar[bool] = True
    requires: ClassVar[frozenset[str]] = frozenset(
        {"unemployment_rate", "refugees", "population", "refugees_by_origin",
         "refugees_from_origin"})
    reference: ClassVar[str] = "methodology/iv_2sls.md"
    summary: ClassVar[str] = ("IV (2SLS/LIML) of a host outcome on refugees per 1,000 with a "
                              "shift-share or distance instrument, first-stage F, Anderson-Rubin")

    outcome: str = field(default="unemployment_rate", metadata={
        "doc": "outcome: an indicator or gdp_per_capita_growth / log_gdp_per_capita"})
    endogenous: str = field(default="refugees_per_1000", metadata={
        "doc": "the endogenous regressor (refugees_per_1000)"})
    exogenous: tuple[str, ...] = field(default=(), metadata={
        "doc": "further exogenous controls (indicators or derived variables)"})
    instrument: Literal["shift_share", "distance"] = field(default="shift_share", metadata={
        "doc": "instrument: shift_share (base-year origin shares x origin stocks) or distance"})
    base_year: int = field(default=2000, metadata={
        "ge": 1951, "le": 2100, "doc": "year of the origin shares (shift_share)"})
    distance_file: str | None = field(default=None, metadata={
        "doc": "CSV origin_iso3,asylum_iso3[,asylum_area],distance_km (instrument=distance)"})
    distance_decay: float = field(default=1.0, metadata={
        "gt": 0.0, "doc": "exponent of the inverse-distance weights"})
    method: Literal["2sls", "liml"] = field(default="2sls", metadata={
        "doc": "estimator: 2sls or liml"})
    effects: Literal["twoway", "entity", "time"] = field(default="twoway", metadata={
        "doc": "fixed effects (as dummies): twoway, entity, time"})
    cluster: Literal["entity", "country", "time", "twoway", "none"] = field(
        default="entity", metadata={
            "doc": "standard-error clustering: entity (unit: country or sub-national area), "
                   "country, time, twoway or none"})
    years: tuple[int, ...] = field(default=(), metadata={
        "doc": "inclusive estimation window first,last (empty: the years after base_year)"})
    ci_level: float = field(default=0.95, metadata={"gt": 0.0, "lt": 1.0,
                                                    "doc": "confidence level of the intervals"})
    sources: tuple[tuple[str, str], ...] = field(default=(), metadata={
        "doc": "indicator:source pairs choosing the source of an indicator given by several"})

    def _validate(self) -> None:
        pfm.check_variable("outcome", self.outcome)
        if self.endogenous != "refugees_per_1000":
            raise ParameterError(
                f"parameter 'endogenous' = {self.endogenous!r}: the instruments predict refugees "
                "per 1,000 inhabitants, so the endogenous regressor must be 'refugees_per_1000'")
        for r in self.exogenous:
            pfm.check_variable("exogenous", r)
        names = (self.outcome, self.endogenous, *self.exogenous)
        if len(set(names)) != len(names):
            raise ParameterError(f"outcome, endogenous and exogenous repeat a name: {list(names)}")
        if self.instrument == "distance" and not self.distance_file:
            raise ParameterError("instrument='distance' needs parameter 'distance_file' (CSV "
                                 "origin_iso3,asylum_iso3[,asylum_area],distance_km); burdenshare ships none")
        if self.instrument == "shift_share" and self.distance_file:
            raise ParameterError("parameter 'distance_file' is only used with instrument='distance'")
        if len(self.years) not in (0, 2):
            raise ParameterError(f"parameter 'years' = {list(self.years)!r} must be empty or "
                                 "first,last")
        if self.years:
            if self.years[0] > self.years[1]:
                raise ParameterError(f"parameter 'years' = {list(self.years)!r}: first after last")
            if self.instrument == "shift_share" and self.years[0] <= self.base_year:
                raise ParameterError(
                    f"parameter 'years' = {list(self.years)!r} must start after base_year "
                    f"{self.base_year} (the shares must predate the outcomes)")

    def _variables(self) -> tuple[str, ...]:
        return (self.outcome, self.endogenous, *self.exogenous)

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        base = {i for v in self._variables() for i in pfm.variable_inputs(v)}
        base.add("refugees_from_origin")
        if self.instrument == "shift_share":
            base.add("refugees_by_origin")
        return frozenset(base)

    def _window(self) -> tuple[int, int] | None:
        if self.years:
            return (self.years[0], self.years[1])
        if self.instrument == "shift_share":
            return (self.base_year + 1, 2100)
        return None

    # ------------------------------------------------------------------ instrument
    def _weights(self, ledger: Ledger, hosts: set[str]
                 ) -> tuple[pd.DataFrame, dict[str, str], list[dict[str, Any]]]:
        """(asylum, origin, weight) table, per-origin denominators, external inputs.

        ``asylum`` is the panel unit label (ISO3, or ``ISO3/area`` for a sub-national area) and
        ``hosts`` the set of unit labels of the panel.
        """
        act = ledger.active()
        if self.instrument == "shift_share":
            dy = act[act["indicator"] == "refugees_by_origin"]
            other = dy["year"].to_numpy() != self.base_year
            ledger.exclude(dy["_row"].to_numpy()[other], "not_reference_year",
                           f"shares use base year {self.base_year} only")
            dy = dy[~other]
            nonc = ~(is_country(dy["iso3"]).to_numpy() & is_country(dy["counterpart_iso3"]).to_numpy())
            ledger.exclude(dy["_row"].to_numpy()[nonc], "aggregate_entity",
                           [f"{a}<-{o}: asylum or origin is not a country" for a, o in
                            zip(dy["iso3"].to_numpy()[nonc], dy["counterpart_iso3"].to_numpy()[nonc])])
            dy = dy[~nonc]
            miss = dy["value"].isna().to_numpy()
            ledger.exclude(dy["_row"].to_numpy()[miss], "missing_value",
                           "the value is missing in the input")
            dy = dy[~miss]
            unit = _unit_labels(dy["iso3"], dy["area"])
            notin = ~_in(unit, hosts) if len(unit) else np.zeros(0, dtype=bool)
            ledger.exclude(dy["_row"].to_numpy()[notin], "missing_counterpart",
                           _by_value(unit[notin], lambda a: f"host {a} has no complete "
                                     "outcome/regressor unit-year in the estimation window"))
            dy = dy[~notin]
            w = pd.DataFrame({"asylum": unit[~notin], "origin": dy["counterpart_iso3"].to_numpy(),
                              "stock": dy["value"].to_numpy(dtype=float), "_row": dy["_row"].to_numpy()})
            return w, {}, []
        path = Path(str(self.distance_file))
        table = read_distance_table(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        unit = _unit_labels(table["asylum_iso3"], table["asylum_area"])
        inside = _in(unit, hosts) if len(unit) else np.zeros(0, dtype=bool)
        table = table[inside]
        w = pd.DataFrame({"asylum": unit[inside],
                          "origin": table["origin_iso3"].to_numpy(),
                          "weight": table["distance_km"].to_numpy() ** (-self.distance_decay),
                          "_row": -1})
        ext = [{"path": str(path), "sha256": digest,
                "description": "distance table origin_iso3,asylum_iso3[,asylum_area],"
                               "distance_km for the distance-weighted instrument"}]
        return w, {}, ext

    def instrument_values(self, ledger: Ledger, panel: pfm.PanelFrame
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame,
                                     list[dict[str, Any]]]:
        """Build the instrument for each unit-year (country- or area-year) of ``panel.table``.

        Settles, in the ledger, the instrument inputs that cannot be used (other years,
        non-countries, missing values, origins without a base-year total); the rest are settled
        by ``_compute`` once the estimation sample is known.

        Parameters
        ----------
        ledger : PanelLedger
        panel : PanelFrame
            From :func:`~burdenshare.estimators._panel_frame.build_panel`.

        Returns
        -------
        z : numpy.ndarray
            Instrument per row of ``panel.table`` (NaN where undefined).
        ok : numpy.ndarray of bool
            Where it is defined.
        host_has_weight : numpy.ndarray of bool
            Whether the row's unit (country or area) has any positive weight.
        weights : pandas.DataFrame
            ``asylum, origin, weight`` (and ``stock, _row`` for shift-share).
        external : list of dict
            Files read (the distance table).
        """
        t = panel.table
        t_units = _unit_array(t)
        hosts = set(pd.unique(t_units))
        w, _, external = self._weights(ledger, hosts)
        # shifts: refugees from each origin, by year
        act = ledger.active()
        sh = act[act["indicator"] == "refugees_from_origin"]
        sh_nonc = ~is_country(sh["iso3"]).to_numpy()
        ledger.exclude(sh["_row"].to_numpy()[sh_nonc], "aggregate_entity",
                       [f"origin {o} is not a country" for o in sh["iso3"].to_numpy()[sh_nonc]])
        sh = sh[~sh_nonc]
        sh_miss = sh["value"].isna().to_numpy()
        ledger.exclude(sh["_row"].to_numpy()[sh_miss], "missing_value",
                       "the value is missing in the input")
        sh = sh[~sh_miss]
        years = np.sort(t["year"].unique())
        if self.instrument == "shift_share":
            base = sh[sh["year"] == self.base_year].set_index("iso3")
            lost = ~w["origin"].isin(base.index).to_numpy()
            ledger.exclude(w["_row"].to_numpy()[lost], "missing_counterpart",
                           _by_value(w["origin"].to_numpy()[lost], lambda o: (
                               f"origin {o} has no refugees_from_origin observation in base "
                               f"year {self.base_year}, so its shares are undefined")))
            w = w[~lost].copy()
            denom = base["value"].reindex(w["origin"]).to_numpy(dtype=float) if len(w) else np.empty(0)
            with np.errstate(divide="ignore", invalid="ignore"):
                w["weight"] = np.where(denom > 0, w["stock"].to_numpy() / denom, 0.0) if len(w) else []
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
        Z = Wv @ np.nan_to_num(Rv)
        gap = (Wv > 0).astype(float) @ np.isnan(Rv).astype(float) > 0
        has_w: np.ndarray = np.asarray((Wv > 0).any(axis=1))
        key = _unit_key(t)
        if isinstance(key.dtype, pd.CategoricalDtype):  # by category, not by row
            hi = pd.Index(hosts_sorted).get_indexer(
                key.cat.categories.astype(str))[key.cat.codes.to_numpy()]
        else:
            hi = pd.Index(hosts_sorted).get_indexer(t_units)
        yi = pd.Index(years).get_indexer(t["year"])
        pop_col = None
        if len(t):
            pop_rows = panel.rows[:, _position(self._variables(), "refugees_per_1000", "population")]
            pop = ledger.frame["value"].to_numpy()[pop_rows]
            pop_col = pop
        z = np.full(len(t), np.nan)
        ok_z = np.zeros(len(t), dtype=bool)
        if len(t):
            zz = Z[hi, yi]
            ok_z = has_w[hi] & ~gap[hi, yi]
            z = np.where(ok_z, 1000.0 * zz / pop_col, np.nan)
        return z, ok_z, (has_w[hi] if len(t) else np.zeros(0, dtype=bool)), w, external

    def _compute(self, data: Dataset) -> Computation:
        ledger = pfm.PanelLedger(data, self.inputs(), dict(self.sources), owner=self.name,
                                 supports_areas=self.supports_areas)
        window = self._window()
        panel_inds = [i for v in self._variables() for i in pfm.variable_inputs(v)]
        self._settle_area_inputs(ledger, panel_inds)
        panel = pfm.build_panel(ledger, self._variables(), years=window, indicators=panel_inds)
        t = panel.table
        z, ok_z, host_has_w, w, external = self.instrument_values(ledger, panel)
        keep = ok_z.copy()
        dropped: list[Any] = []
        t_units = _unit_array(t)
        if (~ok_z).any():
            why = np.where(host_has_w[~ok_z],
                           "an origin with a positive weight has no refugees_from_origin "
                           "observation that year",
                           f"no refugees hosted in base year {self.base_year}" if
                           self.instrument == "shift_share" else "no distances for this host"
                           ).astype(object)
            det = ("no instrument for " + _unit_years(t_units[~ok_z], t["year"].to_numpy()[~ok_z])
                   + ": " + why)
            dropped.append((~ok_z, "missing_counterpart", det))
        sub = t[keep].assign(**{INSTRUMENT: z[keep]})
        ent = pd.factorize(_unit_key(t)[keep])[0]  # codes only: the order is irrelevant
        tim, _ = pd.factorize(sub["year"], sort=True)
        single = pfm.drop_singletons(ent, tim, self.effects) if len(sub) else np.zeros(0, bool)
        if single.any():
            mask = np.zeros(len(t), dtype=bool)
            mask[np.flatnonzero(keep)[single]] = True
            dropped.insert(0, (mask, "singleton_fixed_effect",
                               _unit_years(t_units[mask], t["year"].to_numpy()[mask])
                               + ": its unit (country or area) or year has a single complete "
                                 "observation"))
            keep[mask] = False
            sub = sub[~single]
        fit = self._fit(sub)
        # settle: panel rows, then the instrument inputs actually used
        pfm.settle(ledger, panel, keep, dropped)
        used_hosts = set(pd.unique(_unit_array(sub)))
        used_years = set(np.unique(sub["year"].to_numpy()).astype(int).tolist())
        if self.instrument == "shift_share":
            wrows = w[w["asylum"].isin(used_hosts)]
            ledger.use(wrows["_row"].to_numpy(dtype=int))
            rest = w[~w["asylum"].isin(used_hosts)]
            ledger.exclude(rest["_row"].to_numpy(dtype=int), "missing_counterpart",
                           _by_value(rest["asylum"].to_numpy(dtype=object),
                                     lambda a: f"host {a} has no unit-year left in the estimate"))
        used_origins = set(w.loc[w["asylum"].isin(used_hosts) & (w["weight"] > 0), "origin"]) \
            if len(w) else set()
        act = ledger.active()
        rem = act[act["indicator"] == "refugees_from_origin"]
        yr = rem["year"].to_numpy()
        is_base = (yr == self.base_year) & (self.instrument == "shift_share")
        in_years = np.isin(yr, list(used_years))
        orig_ok = rem["iso3"].isin(used_origins).to_numpy()
        use_mask = orig_ok & (in_years | is_base)
        ledger.use(rem["_row"].to_numpy()[use_mask])
        r2 = rem[~use_mask]
        out_w = ~np.isin(r2["year"].to_numpy(), list(used_years)) & ~(
            (r2["year"].to_numpy() == self.base_year) & (self.instrument == "shift_share"))
        ledger.exclude(r2["_row"].to_numpy()[out_w], "outside_window",
                       "origin stock of a year outside the estimation sample")
        ledger.exclude(r2["_row"].to_numpy()[~out_w], "not_in_group",
                       _by_value(r2["iso3"].to_numpy(dtype=object)[~out_w], lambda o: (
                           f"origin {o} has no weight in any host of the estimation sample")))
        excluded = ledger.excluded_frame()
        rows, diag = self._rows(fit, sub)
        diag = {"used": ledger.n_used, "excluded": len(excluded), **diag}
        return Computation(
            estimates=rows, excluded=excluded,
            assumptions=self._assumptions(bool(diag.get("sub_national"))),
            diagnostics=diag,
            uncertainty_method="analytic" if self.cluster == "none" else "cluster_robust",
            external_inputs=tuple(external))

    def _settle_area_inputs(self, ledger: Ledger, panel_inds: list[str]) -> None:
        """Sub-national inputs the instrument cannot take, and the one-level-per-country rule.

        ``refugees_from_origin`` is a total by origin country (``iso3`` = the origin): a row with
        an ``area`` is excluded as ``subnational``. The host-side inputs (panel variables and,
        for ``shift_share``, ``refugees_by_origin``) of one country must be all national or all
        sub-national, as in ``panel_fe``; otherwise the country would count twice.
        """
        act = ledger.active()
        has_area = act["area"].notna().to_numpy()
        if not has_area.any():
            return
        bad = has_area & (act["indicator"] == "refugees_from_origin").to_numpy()
        if bad.any():
            ledger.exclude(act["_row"].to_numpy()[bad], "subnational",
                           [f"{o} area {a}: refugees_from_origin is a total by origin country "
                            "(iso3 = origin), summed over all countries of asylum; an area has "
                            "no meaning for it" for o, a in
                            zip(act["iso3"].to_numpy()[bad], act["area"].to_numpy()[bad])])
        host_inds = set(panel_inds)
        if self.instrument == "shift_share":
            host_inds.add("refugees_by_origin")
        host = act["indicator"].isin(sorted(host_inds)).to_numpy()
        iso = act["iso3"]
        mixed = sorted(set(iso[host & has_area].unique()) & set(iso[host & ~has_area].unique()))
        if mixed:
            raise EstimatorError(
                f"{self.name}: the data mix whole-country and sub-national observations for "
                f"{', '.join(mixed[:5])}{' …' if len(mixed) > 5 else ''} (indicators "
                f"{', '.join(sorted(host_inds))}): a panel unit is either a country or one of its "
                "areas, never both (the country would count twice); keep one level for these "
                "indicators, e.g. data.select(areas=[...]) for the areas or areas=[None] for "
                "whole countries (refugees_from_origin, a total by origin country, is always "
                "national and is not concerned: add it back with Dataset.concat)")

    # ------------------------------------------------------------------ estimation
    def _dummies(self, sub: pd.DataFrame) -> np.ndarray:
        """The fixed-effect dummy matrix (full column rank; one dummy per unit)."""
        ent = pd.Categorical(_units(sub).to_numpy())
        yr = pd.Categorical(sub["year"].to_numpy())
        parts = []
        if self.effects in ("twoway", "entity"):
            parts.append(pd.get_dummies(ent, dtype=float).to_numpy())
            if self.effects == "twoway":
                parts.append(pd.get_dummies(yr, dtype=float, drop_first=True).to_numpy())
        else:
            parts.append(pd.get_dummies(yr, dtype=float).to_numpy())
        return np.hstack(parts)

    def _design(self, sub: pd.DataFrame, *, dummies: bool = False
                ) -> tuple[pd.Series, pd.DataFrame | None, pd.DataFrame, pd.DataFrame,
                           pd.DataFrame | None, int]:
        """y, exog, endog, instrument and clusters with the fixed effects partialled out.

        The fixed effects are removed exactly (Frisch-Waugh-Lovell: residuals of a least-squares
        fit on the dummy matrix) and their number is passed to linearmodels as ``extra_df`` so the
        small-sample corrections count them; ``dummies=True`` keeps them as regressors instead
        (slower; used in the tests as a second implementation).
        """
        idx = pd.RangeIndex(len(sub))
        names = [self.outcome, self.endogenous, INSTRUMENT, *self.exogenous]
        M = sub[names].to_numpy(dtype=float)
        units = _unit_key(sub)
        if dummies:
            D = self._dummies(sub)
            R, extra = M, 0
        else:
            ent = pd.factorize(units)[0]
            tim = pd.factorize(sub["year"])[0]
            R = _partial_out_fixed_effects(M, ent, tim, self.effects)
            n_e, n_t = int(ent.max()) + 1, int(tim.max()) + 1
            # the number of dummy columns (as in _dummies), counted by linearmodels' corrections
            extra = {"twoway": n_e + n_t - 1, "entity": n_e, "time": n_t}[self.effects]
        y = pd.Series(R[:, 0], index=idx, name="y")
        endog = pd.DataFrame({self.endogenous: R[:, 1]}, index=idx)
        instr = pd.DataFrame({INSTRUMENT: R[:, 2]}, index=idx)
        ex_cols = {r: R[:, 3 + j] for j, r in enumerate(self.exogenous)}
        if dummies:
            ex_cols.update({f"fe_{j}": D[:, j] for j in range(D.shape[1])})
        exog = pd.DataFrame(ex_cols, index=idx) if ex_cols else None
        clusters = None
        if self.cluster != "none":
            cl = {}
            if self.cluster in ("entity", "twoway"):
                cl["entity"] = pd.factorize(units)[0]
            if self.cluster == "country":
                cl["country"] = pd.factorize(sub["iso3"])[0]
            if self.cluster in ("time", "twoway"):
                cl["time"] = pd.factorize(sub["year"])[0]
            clusters = pd.DataFrame(cl, index=idx)
        return y, exog, endog, instr, clusters, extra

    def _fit_kwargs(self, clusters: pd.DataFrame | None, extra_df: int) -> dict[str, Any]:
        if clusters is None:
            return {"cov_type": "unadjusted", "debiased": True, "extra_df": extra_df}
        return {"cov_type": "clustered", "clusters": clusters, "debiased": True,
                "extra_df": extra_df}

    def _fit(self, sub: pd.DataFrame, *, dummies: bool = False) -> dict[str, Any]:
        from linearmodels.iv import IV2SLS as LM2SLS
        from linearmodels.iv import IVLIML

        n_e, n_t = _unit_key(sub).nunique(), sub["year"].nunique()
        n_g = sub["iso3"].nunique()
        k = 1 + len(self.exogenous)
        n_fe = {"twoway": n_e + n_t - 1, "entity": n_e, "time": n_t}[self.effects]
        if len(sub) <= k + n_fe + 1:
            raise EstimatorError(
                f"{self.name}: too few complete unit-years ({len(sub)}) with outcome, "
                f"regressor and instrument for {k} regressor(s) and {n_fe} fixed effects; see "
                "excluded for what is missing")
        ng = {"entity": n_e, "country": n_g, "time": n_t, "twoway": min(n_e, n_t),
              "none": 2}[self.cluster]
        if ng < 2:
            raise EstimatorError(f"{self.name}: cluster={self.cluster!r} needs at least 2 clusters")
        y, exog, endog, instr, clusters, extra = self._design(sub, dummies=dummies)
        if float(np.abs(instr.to_numpy()).max(initial=0.0)) < 1e-12 * max(
                1.0, float(np.abs(sub[INSTRUMENT]).max())):
            raise EstimatorError(f"{self.name}: the instrument does not vary within the fixed "
                                 f"effects ({self.effects}); the model is not identified")
        model_cls = LM2SLS if self.method == "2sls" else IVLIML
        kw = self._fit_kwargs(clusters, extra)
        try:
            res = model_cls(y, exog, endog, instr).fit(**kw)
        except (ValueError, np.linalg.LinAlgError) as err:
            raise EstimatorError(f"{self.name}: linearmodels could not fit the model: {err}") from err
        # linearmodels' own first-stage diagnostics rebuild the model several times (each a
        # copy of every row label): only on the slow dummy path, a second implementation
        # (``res`` is an IV result here: the OLS branch of the type union never reaches this)
        fs = cast(Any, res).first_stage.diagnostics if dummies else None
        W = None if exog is None else exog.to_numpy(dtype=float)
        partial_r2 = _partial_r2(endog[self.endogenous].to_numpy(), W,
                                 instr[INSTRUMENT].to_numpy())
        # Anderson-Rubin: the Wald statistic of the instrument in the regression of y - b x on
        # [instrument, exog] is quadratic in b; three OLS fits with linearmodels' covariance
        # (same formulas, computed directly; checked against linearmodels in the tests) give
        # its coefficients.
        ar = {}
        xb = instr.to_numpy(dtype=float) if W is None else np.column_stack(
            [instr.to_numpy(dtype=float), W])
        cl = None if clusters is None else clusters.to_numpy()
        for b in (0.0, 1.0, -1.0):
            yb = (y - b * endog[self.endogenous]).to_numpy()
            ar[b] = _ols_first_coef_var(yb, xb, cl, extra)
        a_y = ar[0.0][0]
        a_x = ar[0.0][0] - ar[1.0][0]
        v_yy = ar[0.0][1]
        v_xx = (ar[1.0][1] + ar[-1.0][1]) / 2 - v_yy
        v_xy = (ar[-1.0][1] - ar[1.0][1]) / 4
        dof = (ng - 1) if self.cluster != "none" else int(len(sub) - k - n_fe)
        from scipy import stats

        crit = float(stats.t.ppf(0.5 + self.ci_level / 2, dof) ** 2)
        lo, hi, shape = anderson_rubin_interval(a_y, a_x, v_yy, v_xy, v_xx, crit)
        return {"res": res, "first_stage": fs, "partial_r2": partial_r2, "dof": dof,
                "n_clusters": ng if clusters is not None else None, "ar": (lo, hi, shape),
                "ar_parts": (a_y, a_x, v_yy, v_xy, v_xx),
                "ar_crit": crit, "n_entities": n_e, "n_countries": n_g, "n_periods": n_t,
                "sub_national": bool("area" in sub.columns and sub["area"].notna().any())}

    def _rows(self, fit: dict[str, Any], sub: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
        res = fit["res"]
        terms = (self.endogenous, *self.exogenous)
        params = res.params.reindex(list(terms)).to_numpy(dtype=float)
        se = res.std_errors.reindex(list(terms)).to_numpy(dtype=float)
        from scipy import stats

        q = stats.t.ppf(0.5 + self.ci_level / 2, fit["dof"])
        out_unit = pfm.variable_unit(self.outcome)
        rows = pd.DataFrame({
            "quantity": self.quantity, "iso3": None,
            "year": pd.array([pd.NA] * len(terms), dtype="Int64"),
            "term": list(terms), "estimate": params, "std_error": se,
            "ci_lower": params - q * se, "ci_upper": params + q * se, "ci_level": self.ci_level,
            "unit": [f"{self.outcome} ({out_unit}) per one unit of {t} ({pfm.variable_unit(t)})"
                     for t in terms],
        })
        lo, hi, shape = fit["ar"]
        ar_text = {"bounded": f"[{lo:.6g}, {hi:.6g}]",
                   "two_rays": f"(-inf, {lo:.6g}] U [{hi:.6g}, inf)",
                   "unbounded": "(-inf, inf): the instrument is too weak to bound the effect"}[shape]
        diag: dict[str, Any] = {
            "n_obs": int(res.nobs),
            "n_entities": fit["n_entities"],
            "n_countries": fit["n_countries"],
            "sub_national": fit["sub_national"],
            "n_periods": fit["n_periods"],
            "n_clusters": fit["n_clusters"] if fit["n_clusters"] is not None else "not clustered",
            "t_degrees_of_freedom": fit["dof"],
            "first_year": int(sub["year"].min()),
            "last_year": int(sub["year"].max()),
            "instrument": self.instrument,
            "first_stage_f": round(fit["ar_parts"][1] ** 2 / fit["ar_parts"][4], 10),
            "first_stage_f_note": "Wald F of the excluded instrument in the first stage with the "
                                  "chosen (cluster-robust) covariance and the fixed effects counted; "
                                  "equals linearmodels' first_stage.diagnostics f.stat when the "
                                  "fixed effects are dummies (tested)",
            "first_stage_partial_r2": round(float(fit["partial_r2"]), 12),
            "anderson_rubin_interval": ar_text,
            "anderson_rubin_lower": float(lo) if shape != "unbounded" else "none",
            "anderson_rubin_upper": float(hi) if shape != "unbounded" else "none",
            "anderson_rubin_shape": shape,
            "method": self.method,
            "engine": "linearmodels",
            "library_version": f"linearmodels {library_version('linearmodels')}",
            "fixed_effects_as": "dummy variables (exact in unbalanced panels)",
            "small_sample_correction": SMALL_SAMPLE,
            "effects": self.effects,
            "cluster": self.cluster,
        }
        if self.method == "liml":
            diag["liml_kappa"] = round(float(res.kappa), 12)
        return rows, diag

    def _assumptions(self, sub_national: bool = False) -> tuple[str, ...]:
        out = [
            f"{self.method.upper()} of {self.outcome} on refugees_per_1000 with fixed effects "
            f"({self.effects}) as dummies; causal only if the instrument affects the outcome "
            "through refugee presence alone (exclusion) and is as good as random given the fixed "
            "effects (see methodology/host_impact_panels.md).",
            "Country-years (area-years) with any missing input or no instrument are left out "
            "(listed in excluded), never filled.",
            "The Anderson-Rubin interval (diagnostics) stays valid with a weak instrument; the "
            "Wald interval in the estimates does not.",
        ]
        if self.instrument == "shift_share":
            out.append(
                f"Shift-share instrument: shares of each origin's refugees hosted in the base year "
                f"{self.base_year} (refugees_by_origin / refugees_from_origin of that year) times "
                "the origin's refugees in year t, per 1,000 inhabitants; no leave-one-out "
                "correction (the host's own intake is part of the shift).")
        else:
            out.append("Distance instrument: origin refugee stocks weighted by distance^-"
                       f"{self.distance_decay:g} from the user's table, per 1,000 inhabitants.")
        if sub_national:
            out.append(
                "Sub-national units: each (iso3, area) has its own fixed effect; the area's "
                "instrument uses the area's own base-year stocks by origin (or distances) and "
                "population, and the national origin totals refugees_from_origin as shifts. "
                + ("Standard errors are clustered by country, allowing any correlation between "
                   "the areas of one country; with few countries they are unreliable."
                   if self.cluster == "country" else
                   "Errors of areas of one country are assumed independent across the chosen "
                   "clusters; cluster='country' allows them to be correlated."))
        return tuple(out)


def _position(variables: tuple[str, ...], var: str, ind: str) -> int:
    """Column of ``panel.rows`` holding input ``ind`` of variable ``var``."""
    pos = 0
    for v in variables:
        spec = pfm.DERIVED[v].inputs if v in pfm.DERIVED else ((v, 0),)
        for i, lag in spec:
            if v == var and i == ind and lag == 0:
                return pos
            pos += 1
    raise KeyError(ind)
