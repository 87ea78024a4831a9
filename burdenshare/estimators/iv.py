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

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..data import Dataset
from ..labels import Labels
from ..results import Computation
from . import _panel as pfm
from ._iv_algebra import anderson_rubin_interval, anderson_rubin_parts
from ._iv_algebra import partial_out_fixed_effects as _partial_out_fixed_effects
from ._iv_algebra import partial_r2 as _partial_r2
from ._iv_instrument import (
    InstrumentSpec,
    build_instrument,
    read_distance_table,
    settle_instrument,
    unit_array,
    unit_key,
)
from ._panel.labels import FAMILY, FE_DIAGNOSTICS
from .base import EstimatorBase, Ledger, library_version
from .panel import SMALL_SAMPLE

__all__ = ["IV2SLS", "anderson_rubin_interval", "read_distance_table"]

INSTRUMENT = "predicted_refugees_per_1000"


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
    labels: ClassVar[Labels] = Labels(
        title="Instrumental variables (2SLS / LIML)",
        family=FAMILY,
        description="Effect of refugees per 1,000 inhabitants on a host outcome, instrumented "
                    "by a shift-share or distance instrument",
        unit="outcome units per regressor unit",
        quantities={"coefficient": "Coefficient"},
        diagnostics={**FE_DIAGNOSTICS, "first_stage_f": "First-stage F (excluded instrument)",
                     "first_stage_partial_r2": "First-stage partial R²",
                     "anderson_rubin_interval": "Anderson-Rubin interval (weak-instrument "
                                                "robust)",
                     "instrument": "Instrument", "method": "Method"},
    )

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
    def _spec(self) -> InstrumentSpec:
        return InstrumentSpec(self.instrument, self.base_year, self.distance_file,
                              self.distance_decay, self._variables())

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
        return build_instrument(ledger, panel, self._spec())

    def _compute(self, data: Dataset) -> Computation:
        ledger = pfm.PanelLedger(data, self.inputs(), dict(self.sources), owner=self.name,
                                 supports_areas=self.supports_areas)
        panel_inds = [i for v in self._variables() for i in pfm.variable_inputs(v)]
        self._settle_area_inputs(ledger, panel_inds)
        panel = pfm.build_panel(ledger, self._variables(), years=self._window(),
                                indicators=panel_inds)
        z, ok_z, host_has_w, w, external = self.instrument_values(ledger, panel)
        keep, dropped, sub = self._sample(panel, z, ok_z, host_has_w)
        fit = self._fit(sub)
        # settle: panel rows, then the instrument inputs actually used
        pfm.settle(ledger, panel, keep, dropped)
        settle_instrument(ledger, w, sub, self._spec())
        excluded = ledger.excluded_frame()
        rows, diag = self._rows(fit, sub)
        diag = {"excluded": len(excluded), **diag}
        return Computation(
            estimates=rows, excluded=excluded, used=ledger.n_used,
            assumptions=self._assumptions(bool(diag.get("sub_national"))),
            diagnostics=diag,
            uncertainty_method="analytic" if self.cluster == "none" else "cluster_robust",
            external_inputs=tuple(external))

    def _sample(self, panel: pfm.PanelFrame, z: np.ndarray, ok_z: np.ndarray,
                host_has_w: np.ndarray) -> tuple[np.ndarray, list[Any], pd.DataFrame]:
        """Unit-years with an instrument and no singleton fixed effect: the mask of the panel
        rows kept, the rows dropped (mask, reason, details) and the estimation sample.
        """
        t = panel.table
        keep = ok_z.copy()
        dropped: list[Any] = []
        t_units = unit_array(t)
        years = t["year"].to_numpy()
        if (~ok_z).any():
            no_weight = (f"no refugees hosted in base year {self.base_year}"
                         if self.instrument == "shift_share" else "no distances for this host")
            why = np.where(host_has_w[~ok_z],
                           "an origin with a positive weight has no refugees_from_origin "
                           "observation that year", no_weight).astype(object)
            det = "no instrument for " + pfm.unit_years(t_units[~ok_z], years[~ok_z]) + ": " + why
            dropped.append((~ok_z, "missing_counterpart", det))
        sub = t[keep].assign(**{INSTRUMENT: z[keep]})
        ent = pd.factorize(unit_key(t)[keep])[0]  # codes only: the order is irrelevant
        tim, _ = pd.factorize(sub["year"], sort=True)
        single = pfm.drop_singletons(ent, tim, self.effects) if len(sub) else np.zeros(0, bool)
        if single.any():
            mask = np.zeros(len(t), dtype=bool)
            mask[np.flatnonzero(keep)[single]] = True
            dropped.insert(0, (mask, "singleton_fixed_effect",
                               pfm.unit_years(t_units[mask], years[mask])
                               + ": its unit (country or area) or year has a single complete "
                                 "observation"))
            keep[mask] = False
            sub = sub[~single]
        return keep, dropped, sub

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
            raise pfm.mixed_levels_error(
                mixed, owner=self.name, indicators=sorted(host_inds),
                note=" (refugees_from_origin, a total by origin country, is always national and "
                     "is not concerned: add it back with Dataset.concat)")

    # ------------------------------------------------------------------ estimation
    def _dummies(self, sub: pd.DataFrame) -> np.ndarray:
        """The fixed-effect dummy matrix (full column rank; one dummy per unit)."""
        ent = pd.Categorical(unit_array(sub))
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
        units = unit_key(sub)
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

        n_e, n_t = unit_key(sub).nunique(), sub["year"].nunique()
        n_g = sub["iso3"].nunique()
        k = 1 + len(self.exogenous)
        n_fe = {"twoway": n_e + n_t - 1, "entity": n_e, "time": n_t}[self.effects]
        if len(sub) <= k + n_fe + 1:
            raise EstimatorError(
                f"{self.name}: too few complete unit-years ({len(sub)}) with outcome, "
                f"regressor and instrument for {k} regressor(s) and {n_fe} fixed effects; see "
                "excluded for what is missing")
        n_fe, ng = pfm.fe_clusters(self.name, self.effects, self.cluster, n_e, n_t, n_g)
        y, exog, endog, instr, clusters, extra = self._design(sub, dummies=dummies)
        if float(np.abs(instr.to_numpy()).max(initial=0.0)) < 1e-12 * max(
                1.0, float(np.abs(sub[INSTRUMENT]).max())):
            raise EstimatorError(f"{self.name}: the instrument does not vary within the fixed "
                                 f"effects ({self.effects}); the model is not identified")
        model_cls = LM2SLS if self.method == "2sls" else IVLIML
        try:
            res = model_cls(y, exog, endog, instr).fit(**self._fit_kwargs(clusters, extra))
        except (ValueError, np.linalg.LinAlgError) as err:
            raise EstimatorError(f"{self.name}: linearmodels could not fit the model: {err}") from err
        # linearmodels' own first-stage diagnostics rebuild the model several times (each a
        # copy of every row label): only on the slow dummy path, a second implementation
        # (``res`` is an IV result here: the OLS branch of the type union never reaches this)
        fs = cast(Any, res).first_stage.diagnostics if dummies else None
        W = None if exog is None else exog.to_numpy(dtype=float)
        x = endog[self.endogenous].to_numpy()
        z = instr.to_numpy(dtype=float)
        partial_r2 = _partial_r2(x, W, instr[INSTRUMENT].to_numpy())
        # Anderson-Rubin pieces: OLS fits with linearmodels' covariance (same formulas,
        # computed directly; checked against linearmodels in the tests)
        parts = anderson_rubin_parts(y.to_numpy(), x, z if W is None else np.column_stack([z, W]),
                                     None if clusters is None else clusters.to_numpy(), extra)
        dof = (ng - 1) if self.cluster != "none" else int(len(sub) - k - n_fe)
        from scipy import stats

        crit = float(stats.t.ppf(0.5 + self.ci_level / 2, dof) ** 2)
        return {"res": res, "first_stage": fs, "partial_r2": partial_r2, "dof": dof,
                "n_clusters": ng if clusters is not None else None,
                "ar": anderson_rubin_interval(*parts, crit), "ar_parts": parts,
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
        return rows, self._diagnostics(fit, sub)

    def _diagnostics(self, fit: dict[str, Any], sub: pd.DataFrame) -> dict[str, Any]:
        res = fit["res"]
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
        return diag

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
