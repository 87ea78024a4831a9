"""Two-way fixed-effects panel regression of a host outcome on refugee presence (``panel_fe``).

A thin wrapper: burdenshare builds the country-year panel itself (every observation left out is
listed in ``excluded`` with its reason, singletons included), then calls pyfixest's ``feols`` or
linearmodels' ``PanelOLS`` on complete data, and reports coefficients as tidy estimate rows.
Formula, assumptions and validation are in ``methodology/panel_fe.md``; what a country panel can
and cannot identify is in ``methodology/host_impact_panels.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..data import Dataset
from ..labels import Labels
from ..results import Computation
from . import _panel as pfm
from ._panel.labels import FAMILY, FE_DIAGNOSTICS
from .base import EstimatorBase, library_version, sources_field

__all__ = ["PanelFE", "fit_fixed_effects"]

Effects = Literal["twoway", "entity", "time"]
Cluster = Literal["entity", "country", "time", "twoway", "none"]
Engine = Literal["pyfixest", "linearmodels"]

#: the small-sample corrections used by both engines (so that they agree to rounding)
SMALL_SAMPLE = ("V x (N-1)/(N-K) with K = regressors + all fixed-effect levels (pyfixest "
                "ssc(k_adj=True, k_fixef='full'); linearmodels debiased=True); clustered: also "
                "x G/(G-1) per clustering dimension (pyfixest G_adj=True, G_df='conventional'; "
                "linearmodels group_debias=True); intervals use Student t with G-1 degrees of "
                "freedom (smallest G when two-way clustered) or N-K when not clustered")



def fit_fixed_effects(y: np.ndarray, x: np.ndarray, entity: np.ndarray, time: np.ndarray, *,
                      effects: str = "twoway", cluster: str = "entity",
                      engine: str = "pyfixest", country: np.ndarray | None = None
                      ) -> dict[str, Any]:
    """Fit y on x with fixed effects on complete arrays and return coefficients and inference.

    Parameters
    ----------
    y : numpy.ndarray, shape (n,)
    x : numpy.ndarray, shape (n, k)
    entity, time : numpy.ndarray of int, shape (n,)
        Codes of the unit and the period (no singletons expected).
    effects : {"twoway", "entity", "time"}
    cluster : {"entity", "country", "time", "twoway", "none"}
        ``country`` clusters by ``country`` (one cluster per country, e.g. for sub-national
        units); ``entity`` by unit.
    engine : {"pyfixest", "linearmodels"}
    country : numpy.ndarray of int, shape (n,), optional
        Country code of each observation; required for ``cluster="country"``.

    Returns
    -------
    dict
        ``params``, ``std_errors`` (arrays of length k), ``vcov`` (k x k), ``r2_within``,
        ``n_obs``, ``n_clusters`` (smallest dimension; None when not clustered), ``df``
        (degrees of freedom of the t quantiles), ``library``, ``library_version``.
    """
    n, k = x.shape
    names = [f"x{j}" for j in range(k)]
    if cluster == "country" and country is None:
        raise ValueError("cluster='country' needs the country code of each observation")
    fit = _fit_pyfixest if engine == "pyfixest" else _fit_linearmodels
    params, V, r2w, lib = fit(y, x, names, entity, time, effects, cluster, country)
    n_clusters, dof = _clusters_dof(n, k, entity, time, effects, cluster, country)
    return {"params": params, "std_errors": np.sqrt(np.clip(np.diag(V), 0, None)), "vcov": V,
            "r2_within": r2w, "n_obs": n, "n_clusters": n_clusters, "df": int(dof),
            "library": lib, "library_version": library_version(lib)}


_Fit = tuple[np.ndarray, np.ndarray, float, str]


def _fit_pyfixest(y: np.ndarray, x: np.ndarray, names: list[str], entity: np.ndarray,
                  time: np.ndarray, effects: str, cluster: str, country: np.ndarray | None
                  ) -> _Fit:
    """Coefficients, covariance and within R² from pyfixest's ``feols``."""
    import pyfixest as pf

    # one frame of 1-D columns, built without copies (pyfixest reads it, never keeps it)
    cols: dict[str, np.ndarray] = {"y": np.asarray(y, dtype=float)}
    cols.update({nm: x[:, j] for j, nm in enumerate(names)})
    fe = {"twoway": "_e + _t", "entity": "_e", "time": "_t"}[effects]
    if effects in ("twoway", "entity") or cluster in ("entity", "twoway"):
        cols["_e"] = entity
    if effects in ("twoway", "time") or cluster in ("time", "twoway"):
        cols["_t"] = time
    if cluster == "country":
        cols["_g"] = np.asarray(country)
    df = pd.DataFrame(cols, copy=False)
    vcov: Any = {"entity": {"CRV1": "_e"}, "country": {"CRV1": "_g"}, "time": {"CRV1": "_t"},
                 "twoway": {"CRV1": "_e+_t"}, "none": "iid"}[cluster]
    try:
        fit = pf.feols(f"y ~ {' + '.join(names)} | {fe}", df, vcov=vcov,
                       ssc=pf.ssc(k_adj=True, k_fixef="full", G_adj=True,
                                  G_df="conventional"),
                       fixef_rm="none", copy_data=False, store_data=False)
    except ValueError as err:
        raise EstimatorError(
            "the regressors are collinear with the fixed effects (pyfixest: "
            f"{str(err).strip() or type(err).__name__})") from err
    params = fit.coef().reindex(names).to_numpy(dtype=float)
    return params, np.asarray(fit._vcov, dtype=float), float(fit._r2_within), "pyfixest"


def _fit_linearmodels(y: np.ndarray, x: np.ndarray, names: list[str], entity: np.ndarray,
                      time: np.ndarray, effects: str, cluster: str,
                      country: np.ndarray | None) -> _Fit:
    """Coefficients, covariance and within R² from linearmodels' ``PanelOLS``."""
    from linearmodels import PanelOLS
    from linearmodels.panel.utility import AbsorbingEffectError

    idx = pd.MultiIndex.from_arrays([entity, time], names=["entity", "time"])
    dep = pd.Series(y, index=idx, name="y")
    exog = pd.DataFrame(x, index=idx, columns=names)
    mod = PanelOLS(dep, exog, entity_effects=effects in ("twoway", "entity"),
                   time_effects=effects in ("twoway", "time"))
    try:
        if cluster == "none":
            res = mod.fit(cov_type="unadjusted", debiased=True)
        elif cluster == "country":
            res = mod.fit(cov_type="clustered",
                          clusters=pd.DataFrame({"country": country}, index=idx),
                          debiased=True, group_debias=True)
        else:
            res = mod.fit(cov_type="clustered", cluster_entity=cluster in ("entity", "twoway"),
                          cluster_time=cluster in ("time", "twoway"), debiased=True,
                          group_debias=True)
    except AbsorbingEffectError as err:
        raise EstimatorError(f"a regressor is absorbed by the fixed effects: {err}") from err
    params = res.params.reindex(names).to_numpy(dtype=float)
    V = res.cov.reindex(index=names, columns=names).to_numpy(dtype=float)
    return params, V, float(res.rsquared), "linearmodels"


def _clusters_dof(n: int, k: int, entity: np.ndarray, time: np.ndarray, effects: str,
                  cluster: str, country: np.ndarray | None) -> tuple[int | None, int]:
    """Number of clusters (smallest dimension; None when not clustered) and the degrees of
    freedom of the t quantiles (G - 1, or N - K when not clustered).
    """
    if cluster == "none":
        n_fe = (pfm.n_distinct(entity) if effects in ("twoway", "entity") else 0) + (
            pfm.n_distinct(time) if effects in ("twoway", "time") else 0) - (
            1 if effects == "twoway" else 0)
        return None, n - k - n_fe
    gs = []
    if cluster == "country" and country is not None:  # (checked on entry: never None here)
        gs.append(pfm.n_distinct(country))
    if cluster in ("entity", "twoway"):
        gs.append(pfm.n_distinct(entity))
    if cluster in ("time", "twoway"):
        gs.append(pfm.n_distinct(time))
    n_clusters = int(min(gs))
    return n_clusters, n_clusters - 1


def _t_interval(params: np.ndarray, se: np.ndarray, dof: int,
                level: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy import stats

    q = stats.t.ppf(0.5 + level / 2, dof) if dof > 0 else np.nan
    return params - q * se, params + q * se


def _regressors_field() -> tuple[str, ...]:
    return field(default=("refugees_per_1000",), metadata={
        "doc": "regressors: derived refugees_per_1000, gdp_per_capita_growth, log_gdp_per_capita "
               "or non-dyadic indicators of the vocabulary (comma-separated on the command line)"})



def _effects_rows(coef: dict[str, Any], terms: tuple[str, ...], quantity: str, outcome: str,
                  level: float) -> pd.DataFrame:
    lo, hi = _t_interval(coef["params"], coef["std_errors"], coef["df"], level)
    out_unit = pfm.variable_unit(outcome)
    return pd.DataFrame({
        "quantity": quantity,
        "iso3": None,
        "year": pd.array([pd.NA] * len(terms), dtype="Int64"),
        "term": list(terms),
        "estimate": coef["params"],
        "std_error": coef["std_errors"],
        "ci_lower": lo,
        "ci_upper": hi,
        "ci_level": level,
        "unit": [f"{outcome} ({out_unit}) per one unit of {t} ({pfm.variable_unit(t)})"
                 for t in terms],
    })


@dataclass(frozen=True, kw_only=True)
class PanelFE(EstimatorBase):
    r"""Fixed-effects panel regression of a host-country outcome on refugee presence.

    .. math:: y_{it} = \beta' x_{it} + \alpha_i + \gamma_t + \varepsilon_{it}

    estimated by least squares on the two-way (or one-way) demeaned data, with standard errors
    clustered by unit (default), country, year, both, or not at all. The unit :math:`i` is the
    country, or the sub-national area when the observations have an ``area`` (see "Sub-national
    panels" in ``methodology/host_impact_panels.md``). burdenshare builds the panel
    itself: country-years with any missing input, non-countries, observations outside the
    window and fixed-effect singletons are removed *before* the library is called and listed in
    ``excluded``. See ``methodology/panel_fe.md`` and ``methodology/host_impact_panels.md``.

    Parameters
    ----------
    outcome : str
        Outcome variable: an indicator (e.g. ``unemployment_rate``) or a derived variable
        (``gdp_per_capita_growth``, ``log_gdp_per_capita``).
    regressors : tuple of str
        Regressors; ``refugees_per_1000`` = 1000 x refugees / population (default).
    effects : {"twoway", "entity", "time"}
        Fixed effects: unit and year (default), unit only, year only.
    cluster : {"entity", "country", "time", "twoway", "none"}
        Clustering of the standard errors: by unit (``entity``, the default), by country
        (``country``: the usual choice with sub-national units; the same as ``entity`` for
        country panels), year, both unit and year, or ``none`` (classical, homoskedastic).
    engine : {"pyfixest", "linearmodels"}
        Library that fits the model; both give identical coefficients and, with the corrections
        burdenshare sets, identical standard errors. pyfixest is the default because it was
        faster in ``benchmarks/bench_econometrics_panel.py``.
    years : tuple of int
        Inclusive estimation window (default: all years).
    ci_level : float
        Confidence level of the intervals (default 0.95).
    sources : tuple of (indicator, source)
        Choice of source where an indicator is given by several.

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.panel import PanelFE
    >>> res = PanelFE(outcome="unemployment_rate").estimate(bs.load_sample())
    >>> res.estimates["term"].tolist()
    ['refugees_per_1000']
    """

    name: ClassVar[str] = "panel_fe"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "coefficient"
    unit: ClassVar[str] = "outcome units per regressor unit"
    requires: ClassVar[frozenset[str]] = frozenset({"unemployment_rate", "refugees", "population"})
    reference: ClassVar[str] = "methodology/panel_fe.md"
    summary: ClassVar[str] = ("Two-way fixed-effects regression of a host outcome on refugees per "
                              "1,000 inhabitants (pyfixest / linearmodels), clustered errors")
    supports_areas: ClassVar[bool] = True
    labels: ClassVar[Labels] = Labels(
        title="Two-way fixed effects",
        family=FAMILY,
        description="Within-country association of a host outcome with refugees per 1,000 "
                    "inhabitants (unit and year fixed effects, clustered errors)",
        unit="outcome units per regressor unit",
        quantities={"coefficient": "Coefficient"},
        diagnostics={**FE_DIAGNOSTICS, "r2_within": "Within R²",
                     "singletons_removed": "Fixed-effect singletons removed",
                     "engine": "Library"},
    )

    outcome: str = field(default="unemployment_rate", metadata={
        "doc": "outcome: an indicator (e.g. unemployment_rate) or gdp_per_capita_growth / "
               "log_gdp_per_capita"})
    regressors: tuple[str, ...] = _regressors_field()
    effects: Effects = field(default="twoway", metadata={"doc": "fixed effects: twoway, entity, time"})
    cluster: Cluster = field(default="entity", metadata={
        "doc": "standard-error clustering: entity (unit: country or sub-national area), country, "
               "time, twoway or none"})
    engine: Engine = field(default="pyfixest", metadata={
        "doc": "library that fits the model: pyfixest (default, faster) or linearmodels"})
    years: tuple[int, ...] = field(default=(), metadata={
        "doc": "inclusive estimation window first,last (empty: all years)"})
    ci_level: float = field(default=0.95, metadata={"gt": 0.0, "lt": 1.0,
                                                    "doc": "confidence level of the intervals"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    def _validate(self) -> None:
        pfm.check_variable("outcome", self.outcome)
        if not self.regressors:
            raise ParameterError("parameter 'regressors' must name at least one regressor")
        if len(set(self.regressors)) != len(self.regressors):
            raise ParameterError(f"parameter 'regressors' = {list(self.regressors)!r} repeats a name")
        for r in self.regressors:
            pfm.check_variable("regressors", r)
        if self.outcome in self.regressors:
            raise ParameterError(f"parameter 'regressors' contains the outcome {self.outcome!r}")
        if len(self.years) not in (0, 2):
            raise ParameterError(f"parameter 'years' = {list(self.years)!r} must be empty or "
                                 "first,last")
        if self.years and self.years[0] > self.years[1]:
            raise ParameterError(f"parameter 'years' = {list(self.years)!r}: first year after last")

    def _variables(self) -> tuple[str, ...]:
        return (self.outcome, *self.regressors)

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        return frozenset(i for v in self._variables() for i in pfm.variable_inputs(v))

    def _compute(self, data: Dataset) -> Computation:
        ledger = pfm.PanelLedger(data, self.inputs(), dict(self.sources), owner=self.name,
                                 supports_areas=self.supports_areas)
        panel = pfm.build_panel(ledger, self._variables(),
                                years=(self.years[0], self.years[1]) if self.years else None)
        est, diag, keep, dropped = _fit_panel(self, panel, self.outcome, self.regressors)
        pfm.settle(ledger, panel, keep, dropped)
        excluded = ledger.excluded_frame()
        diag = {"excluded": len(excluded), **diag}
        return Computation(
            estimates=est,
            excluded=excluded,
            used=ledger.n_used,
            assumptions=_assumptions(self.outcome, self.regressors, self.effects, self.cluster),
            diagnostics=diag,
            uncertainty_method="analytic" if self.cluster == "none" else "cluster_robust",
        )


def _fit_panel(est: Any, panel: pfm.PanelFrame, outcome: str, regressors: tuple[str, ...]
               ) -> tuple[pd.DataFrame, dict[str, Any], np.ndarray, list[Any]]:
    """Drop singletons, check identification, fit, and return rows, diagnostics and the masks."""
    t = panel.table
    ent, tim, cty = _codes(panel)
    single = (pfm.drop_singletons(ent, tim, est.effects) if len(t)
              else np.zeros(0, dtype=bool))
    keep = ~single
    dropped: list[Any] = []
    sub = t
    if single.any():
        dropped.append((single, "singleton_fixed_effect", _singleton_details(t, single)))
        sub = t[keep]
        # dense again, as pd.factorize(sort=True) of the remaining rows
        ent, tim, cty = (pfm.densify(c[keep], int(c.max()) + 1) for c in (ent, tim, cty))
    n_e, n_t, n_g = (int(c.max()) + 1 if len(sub) else 0 for c in (ent, tim, cty))
    k = len(regressors)
    n_fe = {"twoway": n_e + n_t - 1, "entity": n_e, "time": n_t}[est.effects]
    if len(sub) <= k + n_fe:
        raise EstimatorError(
            f"{est.name}: too few complete country-years (unit-years) ({len(sub)}) for {k} "
            f"regressor(s) and {n_fe} fixed effects (outcome {outcome}, regressors "
            f"{', '.join(regressors)}); see excluded for what is missing")
    pfm.fe_clusters(est.name, est.effects, est.cluster, n_e, n_t, n_g)
    y = sub[outcome].to_numpy(dtype=float)
    x = sub[list(regressors)].to_numpy(dtype=float)
    fit = fit_fixed_effects(y, x, ent, tim, effects=est.effects, cluster=est.cluster,
                            engine=est.engine, country=cty)
    if not np.isfinite(fit["params"]).all():
        bad = [r for r, p in zip(regressors, fit["params"]) if not np.isfinite(p)]
        raise EstimatorError(
            f"{est.name}: regressor(s) {', '.join(bad)} are collinear with the fixed effects "
            f"({est.effects}) or each other on the complete data, so their coefficients are not "
            "identified")
    rows = _effects_rows(fit, regressors, est.quantity, outcome, est.ci_level)
    diag = _diagnostics(est, fit, sub, (n_e, n_g, n_t), int(single.sum()))
    return rows, diag, keep, dropped


def _codes(panel: pfm.PanelFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense unit, year and country codes of the panel's rows (from the build if it has them)."""
    if panel.unit_codes is not None and panel.year_codes is not None \
            and panel.country_codes is not None:  # dense codes from the panel build
        return panel.unit_codes, panel.year_codes, panel.country_codes
    t = panel.table
    return (pd.factorize(t["unit"], sort=True)[0], pd.factorize(t["year"], sort=True)[0],
            pd.factorize(t["iso3"], sort=True)[0])


def _singleton_details(t: pd.DataFrame, single: np.ndarray) -> list[str]:
    return [f"{i} {y}: its unit or year has a single complete observation, so its fixed "
            "effect fits it exactly (removed iteratively, as fixest does)"
            for i, y in zip(t["unit"].to_numpy()[single], t["year"].to_numpy()[single])]


def _sub_national(sub: pd.DataFrame) -> bool:
    """Whether any row of the estimation sample is a sub-national area."""
    area = sub["area"]
    if isinstance(area.dtype, pd.CategoricalDtype):
        return bool((area.cat.codes.to_numpy() >= 0).any())
    return bool(area.notna().any())


def _diagnostics(est: Any, fit: dict[str, Any], sub: pd.DataFrame,
                 counts: tuple[int, int, int], n_singletons: int) -> dict[str, Any]:
    n_e, n_g, n_t = counts
    return {
        "n_obs": fit["n_obs"],
        "n_entities": n_e,
        "n_countries": n_g,
        "sub_national": _sub_national(sub),
        "n_periods": n_t,
        "n_clusters": fit["n_clusters"] if fit["n_clusters"] is not None else "not clustered",
        "t_degrees_of_freedom": fit["df"],
        "r2_within": round(fit["r2_within"], 12),
        "first_year": int(sub["year"].min()),
        "last_year": int(sub["year"].max()),
        "singletons_removed": n_singletons,
        "engine": fit["library"],
        "library_version": f"{fit['library']} {fit['library_version']}",
        "small_sample_correction": SMALL_SAMPLE,
        "effects": est.effects,
        "cluster": est.cluster,
    }


def _assumptions(outcome: str, regressors: tuple[str, ...], effects: str,
                 cluster: str) -> tuple[str, ...]:
    eff = {"twoway": "country and year fixed effects", "entity": "country fixed effects only",
           "time": "year fixed effects only"}[effects]
    out = [
        f"Linear model of {outcome} on {', '.join(regressors)} with {eff}; the coefficient is a "
        "within-country association, causal only if refugee presence is as good as random given "
        "the fixed effects (see methodology/host_impact_panels.md).",
        "Country-years with any missing input are left out (listed in excluded), never filled.",
        "Fixed-effect singletons are removed iteratively before estimation (listed in excluded).",
        ("Standard errors are classical (homoskedastic, independent errors)." if cluster == "none"
         else f"Standard errors are cluster-robust by {cluster}; with few clusters they are "
              "unreliable (the number of clusters is in diagnostics)."),
    ]
    if "refugees_per_1000" in regressors:
        out.append("refugees_per_1000 = 1000 x UNHCR end-year refugee stock / WDI mid-year "
                   "population of the same year (refugees under UNHCR's mandate only).")
    if outcome == "gdp_per_capita_growth":
        out.append("gdp_per_capita_growth is nominal US$ growth in log points x 100, from "
                   "gdp_per_capita_usd_current of t and t-1.")
    return tuple(out)
