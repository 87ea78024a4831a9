r"""Difference-in-differences designs on a unit-year panel (countries, or sub-national areas
``ISO3/area``): the canonical two-group design
(:class:`DiD`, ``did``), a dynamic event study (:class:`EventStudy`, ``event_study``) and a
staggered-adoption-robust estimator (:class:`StaggeredDiD`, ``staggered_did``, Sun and Abraham's
interaction-weighted estimator).

All three wrap :func:`pyfixest.feols` (two-way fixed effects, standard errors clustered by
country). burdenshare builds the panel itself, settles every input observation (used, or
excluded with a reason) and hands pyfixest complete data, so pyfixest never drops a row on its
own. Formulas, assumptions and validation: ``methodology/did.md``, ``methodology/event_study.md``
and ``methodology/staggered_did.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..data import Dataset
from ..indicators import VOCABULARY
from ..labels import Labels
from ..results import Computation, Result
from ._panel import (
    PanelBuilder,
    YearWindow,
    by_value,
    check_known_units,
    check_outcome,
    check_unit_codes,
    check_years,
    match_codes,
    n_distinct,
    onset_from_threshold,
    outcome_field,
    require,
    wald_pvalue,
    years_field,
)
from ._panel.labels import DID_DIAGNOSTICS, FAMILY, TIMING_DIAGNOSTICS
from .base import EstimatorBase, Ledger, library_version, sources_field

__all__ = ["DiD", "EventStudy", "StaggeredDiD", "event_study_frame", "fit_twfe"]

#: EU and EFTA members other than the default treated countries (default control group of
#: ``did``): European hosts under the same asylum rules that received far fewer asylum-seekers
#: per inhabitant in 2015-16 than Germany, Sweden and Austria.
_EUROPE_CONTROLS = ("BEL", "BGR", "CHE", "CYP", "CZE", "DNK", "ESP", "EST", "FIN", "FRA", "GRC",
                    "HRV", "HUN", "IRL", "ISL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "NOR",
                    "POL", "PRT", "ROU", "SVK", "SVN")

_NOT_RANDOM = ("Treatment is not randomly assigned: refugee arrivals respond to distance, conflict "
               "next door, policy and economic conditions in the host, so the estimate is causal "
               "only under the parallel-trends assumption stated, which a country panel can "
               "probe (pre-trends) but never prove.")


def fit_twfe(frame: pd.DataFrame, y: str, regressors: list[str], *, unit: str = "iso3",
             time: str = "year", cluster: str = "iso3") -> Any:
    """Two-way fixed-effects OLS with standard errors clustered by ``cluster`` (pyfixest).

    ``frame`` must be complete (no missing values, no singleton fixed effects): burdenshare
    settles those before calling. Raises :class:`EstimatorError` if pyfixest drops a row or a
    regressor (collinearity), so nothing is lost silently.

    Parameters
    ----------
    frame : pandas.DataFrame
    y : str
        Outcome column.
    regressors : list of str
        Regressor columns.
    unit, time, cluster : str
        Fixed-effect and cluster columns.

    Returns
    -------
    pyfixest Feols
    """
    return _feols(frame, y, regressors, unit=unit, time=time, cluster=cluster, lean=False)


def _feols(frame: pd.DataFrame, y: str, regressors: list[str], *, unit: str, time: str,
           cluster: str, lean: bool) -> Any:
    """:func:`fit_twfe`; ``lean`` lets pyfixest use ``frame`` without copying or storing it.

    ``lean`` is for frames built inside burdenshare and thrown away after the fit (pyfixest may
    then work on them in place); the estimates are those of the default call.
    """
    import pyfixest as pf

    fml = f"{y} ~ {' + '.join(regressors)} | {unit} + {time}"
    extra = {"copy_data": False, "store_data": False} if lean else {}
    fit = pf.feols(fml, data=frame, vcov={"CRV1": cluster}, fixef_rm="none", **extra)
    if int(fit._N) != len(frame):
        raise EstimatorError(f"internal error: pyfixest used {fit._N} of {len(frame)} rows")
    names = list(fit._coefnames)
    lost = [r for r in regressors if r not in names]
    if lost:
        raise EstimatorError(
            f"regressor(s) {lost} are collinear with the fixed effects on this panel (e.g. every "
            "country in a cohort is treated in the same years as all others); narrow the event "
            "window or add never-treated countries")
    return fit


def _t_quantile(df: float, level: float = 0.95) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, df))


def _row(quantity: str, term: str, est: float, se: float, q: float, unit: str,
         iso3: str | None = None, year: int | None = None) -> dict[str, Any]:
    ok = np.isfinite(se)
    return {"quantity": quantity, "iso3": iso3, "year": year, "term": term,
            "estimate": float(est), "std_error": float(se) if ok else np.nan,
            "ci_lower": float(est - q * se) if ok else np.nan,
            "ci_upper": float(est + q * se) if ok else np.nan,
            "ci_level": 0.95 if ok else np.nan, "unit": unit}


def _source_pairs(sources: tuple[tuple[str, str], ...]) -> dict[str, str | None]:
    return dict(sources)


@dataclass(frozen=True, kw_only=True)
class _PanelDesign(YearWindow, EstimatorBase):
    """Shared parameters and panel construction (not registered)."""

    outcome: str = outcome_field()
    log_outcome: bool = field(default=False, metadata={
        "doc": "estimate on the natural log of the outcome (parallel trends in logs); a "
               "non-positive value is an error"})
    sources: tuple[tuple[str, str], ...] = sources_field()
    cluster: Literal["entity", "country"] = field(default="entity", metadata={
        "doc": "standard-error clustering: entity (the unit: the country, or the area with "
               "sub-national data) or country (the areas of a country form one cluster)"})

    unit: ClassVar[str] = "units of the outcome indicator"
    #: sub-national areas are panel units (``ISO3/area``); treatment is given by country (every
    #: area of it) or by area (``ISO3/area``)
    supports_areas: ClassVar[bool] = True
    _default_years: ClassVar[tuple[int, int]] = (2000, 2024)

    def _validate(self) -> None:
        check_outcome(self.outcome)
        check_years(self.years)

    def _outcome_unit(self) -> str:
        base = VOCABULARY[self.outcome].unit
        return f"log points of {base}" if self.log_outcome else base

    def _panel(self, data: Dataset, extra: list[str],
               codes: dict[str, list[str]] | None = None) -> tuple[Ledger, PanelBuilder]:
        inds = [self.outcome, *[e for e in extra if e != self.outcome]]
        ledger = Ledger(data, inds, _source_pairs(self.sources), owner=self.name,
                        supports_areas=self.supports_areas)
        for param, cc in (codes or {}).items():  # unknown ISO3/area codes: an error up front
            check_known_units(param, cc, ledger.frame, " or ".join(inds))
        pb = PanelBuilder(ledger, inds, self.years)
        return ledger, pb

    @staticmethod
    def _units(pb: PanelBuilder) -> pd.Series:
        """Unit label (``ISO3`` or ``ISO3/area``) -> its country, for the units of the panel."""
        return pb.units()

    @staticmethod
    def _frame(pb: PanelBuilder, **columns: Any) -> pd.DataFrame:
        """The estimation frame: integer unit (``iso3``) and ``country`` codes, ``year``.

        Units and countries are integer codes (positions in the sorted labels), never the label
        strings, so that the fit and the counts work on integers; the labels stay in ``pb``.
        """
        t = pb.table
        u = t["_u"].to_numpy()
        country = pd.factorize(pb.countries.array, sort=True)[0]
        return pd.DataFrame({"iso3": u, "year": t["year"].to_numpy(), "country": country[u],
                             **columns}, copy=False)

    def _fit(self, frame: pd.DataFrame, regressors: list[str]) -> Any:
        """Two-way FE fit of ``y`` on ``regressors`` (lean pyfixest call on our own frame)."""
        cols = ["y", *regressors, "iso3", "year"] + (["country"] if self._cl() == "country"
                                                    else [])
        return _feols(frame[cols], "y", regressors, unit="iso3", time="year",
                      cluster=self._cl(), lean=True)

    def _y(self, pb: PanelBuilder) -> np.ndarray:
        y = pb.table[self.outcome].to_numpy(dtype=float)
        if self.log_outcome:
            bad = y <= 0
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                t = pb.table
                raise EstimatorError(
                    f"{self.name}: log_outcome=true but {self.outcome} is {y[i]!r} for "
                    f"{t['iso3'].iat[i]} {t['year'].iat[i]} (the log needs positive values)")
            y = np.log(y)
        return y

    def _cl(self) -> str:
        """Column of the estimation frame that defines the clusters."""
        return "country" if self.cluster == "country" else "iso3"

    def _cluster_label(self, pb: PanelBuilder) -> str:
        units = pb.units()
        if self.cluster == "country" or bool((units.index == units.to_numpy()).all()):
            return "country"
        return "sub-national unit"

    def _common_diag(self, ledger: Ledger, fit: Any, frame: pd.DataFrame,
                     pb: PanelBuilder) -> dict[str, Any]:
        return {
            "n_obs": int(fit._N),
            "n_clusters": n_distinct(frame[self._cl()]),
            "n_countries": n_distinct(frame["country"]) if "country" in frame else
            n_distinct(frame["iso3"]),
            "n_years": n_distinct(frame["year"].to_numpy() - int(frame["year"].min())),
            "first_panel_year": int(frame["year"].min()),
            "last_panel_year": int(frame["year"].max()),
            "vcov": f"CRV1 clustered by {self._cluster_label(pb)} (pyfixest default "
                    "small-sample correction)",
            "t_df": float(fit._df_t),
            "library": f"pyfixest {library_version('pyfixest')}",
            "sources_used": ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items())),
        }


# --------------------------------------------------------------------------- did
@dataclass(frozen=True, kw_only=True)
class DiD(_PanelDesign):
    r"""Canonical difference-in-differences: treated vs control units, before vs after.

    .. math:: y_{it} = \alpha_i + \lambda_t + \beta\, D_i \,\mathrm{Post}_t + \varepsilon_{it}

    with unit and year fixed effects; :math:`\beta` (term ``treated:post``, quantity
    ``att``) is the average effect on the treated under parallel trends. On a balanced panel it
    equals :math:`(\bar y_{T,post}-\bar y_{T,pre})-(\bar y_{C,post}-\bar y_{C,pre})`. A unit
    is a country or, with sub-national data, an area; standard errors are clustered by unit or
    by country. Treatment is given by country (``TUR``: every area of Turkey on a sub-national
    panel) or by area (``TUR/TR-27``); a unit takes the group of its own ``ISO3/area`` code if
    one is given, else its country's. See ``methodology/did.md``.

    Parameters
    ----------
    outcome : str
        Outcome indicator (default ``unemployment_rate``).
    treated : tuple of str
        Treated units: ISO3 codes (a country, or all its areas) or ``ISO3/area`` codes.
    treatment_year : int
        First treated year (``Post`` = year >= treatment_year).
    controls : tuple of str
        Control units (ISO3 or ``ISO3/area``); empty means every other unit with data.
    first_year, last_year : int
        Estimation window (inclusive).
    log_outcome : bool
        Use the log of the outcome.
    sources : tuple of (indicator, source)
    cluster : {"entity", "country"}
        Clustering: by unit (default; the country, or the area with sub-national data) or by
        country.

    Examples
    --------
    >>> import burdenshare as bs
    >>> res = bs.DiD().estimate(bs.load_sample())          # doctest: +SKIP
    >>> res.estimates[["term", "estimate", "std_error"]]   # doctest: +SKIP
    """

    name: ClassVar[str] = "did"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "att"
    requires: ClassVar[frozenset[str]] = frozenset({"unemployment_rate"})
    reference: ClassVar[str] = "methodology/did.md"
    summary: ClassVar[str] = ("Difference-in-differences (two-way fixed effects, clustered by "
                              "country) of an outcome on hosting a refugee inflow")
    labels: ClassVar[Labels] = Labels(
        title="Difference-in-differences",
        family=FAMILY,
        description="Change in a host outcome after a refugee inflow, treated against control "
                    "units (two-way fixed effects)",
        unit="units of the outcome indicator",
        quantities={"att": "Average effect on the treated (ATT)"},
        diagnostics={**DID_DIAGNOSTICS, "n_treated": "Treated countries",
                     "n_controls": "Control countries", "treatment_year": "Treatment year",
                     "p_value": "p-value of the ATT", "balanced_panel": "Balanced panel"},
    )

    treated: tuple[str, ...] = field(default=("DEU", "SWE", "AUT"), metadata={
        "doc": "treated units: ISO3 codes (the country, or every area of it on a sub-national "
               "panel) or ISO3/area codes (one area, e.g. TUR/TR-27)"})
    treatment_year: int = field(default=2016, metadata={
        "doc": "first treated year (post = year >= treatment_year)", "ge": 1900, "le": 2100})
    controls: tuple[str, ...] = field(default=_EUROPE_CONTROLS, metadata={
        "doc": "control units, ISO3 or ISO3/area codes (empty: every other unit with data)"})
    first_year: int = years_field((2010, 2019))[0]
    last_year: int = years_field((2010, 2019))[1]

    def _validate(self) -> None:
        super()._validate()
        if not self.treated:
            raise ParameterError("parameter 'treated' must name at least one country or area")
        check_unit_codes("treated", self.treated)
        check_unit_codes("controls", self.controls)
        both = sorted(set(self.treated) & set(self.controls))
        if both:
            raise ParameterError(f"parameters 'treated' and 'controls' share {both}")
        if not self.years[0] < self.treatment_year <= self.years[1]:
            raise ParameterError(
                f"parameter 'treatment_year' = {self.treatment_year} must lie after the first "
                f"and at most 'last_year' (window {self.years[0]}-{self.years[1]})")

    def inputs(self) -> frozenset[str]:
        """The outcome indicator."""
        return frozenset({self.outcome})

    def _compute(self, data: Dataset) -> Computation:
        ledger, pb, code, treated_units = self._sample(data)
        is_tr = pb.unit_mask(treated_units)
        frame = self._frame(pb, y=self._y(pb))
        post = (frame["year"] >= self.treatment_year).to_numpy()
        frame["treated_post"] = (is_tr & post).astype(float)
        fit = self._fit(frame, ["treated_post"])
        q = _t_quantile(fit._df_t)
        est, se = float(fit._beta_hat[0]), float(np.sqrt(fit._vcov[0, 0]))
        rows = [_row(self.quantity, "treated:post", est, se, q, self._outcome_unit())]
        excluded = ledger.excluded_frame()
        diag = self._common_diag(ledger, fit, frame, pb)
        diag["excluded"] = len(excluded)
        diag.update(self._group_diag(pb, code, treated_units, frame, is_tr))
        diag.update({"p_value": float(fit._pvalue[0]), "balanced_panel": _balanced(frame)})
        return Computation(estimates=pd.DataFrame(rows), excluded=excluded,
                           assumptions=self._assumptions(pb, diag["n_clusters"]),
                           diagnostics=diag, used=ledger.n_used,
                           uncertainty_method="cluster_robust")

    def _sample(self, data: Dataset) -> tuple[Ledger, PanelBuilder, pd.Series, set[str]]:
        """Build the panel, keep the treated and control units, settle every observation."""
        ledger, pb = self._panel(data, [], {"treated": list(self.treated),
                                            "controls": list(self.controls)})
        # the most specific code decides: TUR/TR-27 in one list beats TUR in the other
        code = match_codes(self._units(pb), [*self.treated, *self.controls])
        if self.controls:
            pb.drop_units(set(code.index[code.isna()]), "not_in_group",
                          "neither a treated nor a control unit of this design")
        treated_units = set(code.index[code.isin(self.treated)])
        self._drop_one_sided(pb, treated_units)
        no_controls = self._no_controls_message()
        # checked before singletons: without controls every year effect is a singleton
        require(bool((~pb.unit_mask(treated_units)).any()), no_controls)
        pb.drop_singletons()
        is_tr = pb.unit_mask(treated_units)
        require(bool(is_tr.any()),
                f"did: none of the treated countries or areas {list(self.treated)} has complete "
                f"{self.outcome} data before and after {self.treatment_year} within "
                f"{self.years[0]}-{self.years[1]} in these data")
        require(bool((~is_tr).any()), no_controls)
        pre = pb.table["year"] < self.treatment_year
        require(bool(pre.any()) and bool((~pre).any()),
                f"did: the data have no complete years before or from {self.treatment_year}")
        pb.use_all()
        return ledger, pb, code, treated_units

    def _drop_one_sided(self, pb: PanelBuilder, treated_units: set[str]) -> None:
        """Exclude treated units without observations both before and after the treatment."""
        t = pb.table
        tm = pb.unit_mask(treated_units)
        uu, yy = t["_u"].to_numpy()[tm], t["year"].to_numpy()[tm]
        lo_u = np.full(len(pb.labels), np.iinfo(np.int64).max)
        hi_u = np.full(len(pb.labels), np.iinfo(np.int64).min)
        np.minimum.at(lo_u, uu, yy)
        np.maximum.at(hi_u, uu, yy)
        in_span = np.flatnonzero(np.bincount(uu, minlength=len(pb.labels)))
        bad = {}
        for c, lo, hi in zip(pb.labels.to_numpy(dtype=object)[in_span], lo_u[in_span],
                             hi_u[in_span]):
            if not (lo < self.treatment_year <= hi):
                side = "before" if lo >= self.treatment_year else "from"
                bad[c] = (f"{c} has no complete observation {side} {self.treatment_year} in "
                          "the window")
        pb.drop_units(bad, "insufficient_data", bad)

    def _no_controls_message(self) -> str:
        shown = ", ".join(self.controls[:6]) + (", ..." if len(self.controls) > 6 else "")
        demo = (" (these are the default controls of the European 2015 demo design: set "
                "'controls' to countries or ISO3/area units of your data)"
                if self.controls == _EUROPE_CONTROLS else "")
        return (f"did: none of the controls ({shown}) has complete {self.outcome} data "
                f"within {self.years[0]}-{self.years[1]} in these data{demo}")

    def _group_diag(self, pb: PanelBuilder, code: pd.Series, treated_units: set[str],
                    frame: pd.DataFrame, tr: np.ndarray) -> dict[str, Any]:
        """Counts of treated and control countries and units in the estimation sample."""
        here = pb.units().index
        used_codes = sorted(set(code.reindex(here[here.isin(treated_units)])))
        return {
            "treated_used": ", ".join(used_codes),
            "n_treated": len(used_codes),
            "n_controls": n_distinct(frame["country"].to_numpy()[~tr]),
            "n_treated_units": n_distinct(frame["iso3"].to_numpy()[tr]),
            "n_control_units": n_distinct(frame["iso3"].to_numpy()[~tr]),
            "treatment_year": self.treatment_year,
        }

    def _assumptions(self, pb: PanelBuilder, n_clusters: int) -> tuple[str, ...]:
        return (
            "Parallel trends: without the inflow, the treated units' outcome would have "
            "moved like the controls' average.",
            "No anticipation before the treatment year and no spill-over onto control units "
            "(with areas of one country on both sides, e.g. border provinces against the rest, "
            "internal migration and country-wide policy responses can reach the controls).",
            _NOT_RANDOM,
            f"Standard errors clustered by {self._cluster_label(pb)} ({n_clusters} "
            "clusters); with few "
            "treated countries the cluster-robust interval is unreliable (see methodology).",
        )


# --------------------------------------------------------------------------- timing designs
@dataclass(frozen=True, kw_only=True)
class _TimingDesign(_PanelDesign):
    """Treatment onsets per unit, from a threshold rule or given explicitly (not registered)."""

    #: the outcome, and refugees and population of the default threshold rule
    requires: ClassVar[frozenset[str]] = frozenset({"unemployment_rate", "refugees",
                                                     "population"})

    onsets: tuple[tuple[str, int], ...] = field(default=(), metadata={
        "doc": "explicit treatment onsets as code:year pairs, the code ISO3 (the country, or "
               "every area of it) or ISO3/area (one area); empty: use the threshold rule"})
    threshold: float = field(default=10.0, metadata={
        "doc": "threshold rule: a unit (country or area) is treated from the first year its "
               "own refugees per 1,000 inhabitants (refugees / population x 1000) reaches "
               "this value",
        "gt": 0})
    leads: int = field(default=5, metadata={
        "doc": "event times before onset kept (e = -leads ... -1; -1 is the reference)",
        "ge": 2, "le": 30})
    lags: int = field(default=5, metadata={
        "doc": "event times from onset kept (e = 0 ... lags)", "ge": 0, "le": 30})
    first_year: int = years_field((2000, 2024))[0]
    last_year: int = years_field((2000, 2024))[1]

    def _validate(self) -> None:
        super()._validate()
        check_unit_codes("onsets", [c for c, _ in self.onsets])
        codes = [c for c, _ in self.onsets]
        if len(set(codes)) != len(codes):
            raise ParameterError(f"parameter 'onsets' = {[list(o) for o in self.onsets]!r} "
                                 "gives a country or area twice")

    def inputs(self) -> frozenset[str]:
        """The outcome, plus refugees and population under the threshold rule."""
        if self.onsets:
            return frozenset({self.outcome})
        return frozenset({self.outcome, "refugees", "population"})

    def _rule(self) -> str:
        if self.onsets:
            return "explicit onsets " + ", ".join(f"{c}:{y}" for c, y in self.onsets)
        return f"first year refugees per 1,000 inhabitants >= {self.threshold:g}"

    def _event_panel(self, data: Dataset) -> tuple[Ledger, PanelBuilder, pd.DataFrame]:
        extra = [] if self.onsets else ["refugees", "population"]
        ledger, pb = self._panel(data, extra, {"onsets": [c for c, _ in self.onsets]})
        t = pb.table
        if self.onsets:
            # by unit: an ISO3/area code gives that area's onset, an ISO3 code the onset of
            # every other area of the country (or of the country itself on a national panel)
            code = match_codes(self._units(pb), [c for c, _ in self.onsets])
            onset = code.map(dict(self.onsets)).dropna().astype("int64")
        else:
            onset = onset_from_threshold(t, self.threshold)
        # onset by unit code (NaN: never treated), and each unit's first panel year
        g_u = np.full(len(pb.labels), np.nan)
        g_u[pd.Index(pb.labels).get_indexer(onset.index)] = onset.to_numpy(dtype=float)
        first = np.full(len(pb.labels), np.iinfo(np.int64).max)
        np.minimum.at(first, t["_u"].to_numpy(), t["year"].to_numpy())
        # always treated: at or above the threshold (or onset) in its first panel year
        here = np.bincount(t["_u"].to_numpy(), minlength=len(pb.labels)) > 0
        always = sorted(str(c) for c in pb.labels.to_numpy(dtype=object)[here & (g_u <= first)])
        pb.drop_units(always, "insufficient_data",
                      {c: f"{c} is treated from its first year in the panel "
                          f"({int(onset[c])} under the rule: {self._rule()}), so it has no "
                          "untreated period to compare" for c in always})
        t = pb.table
        g = g_u[t["_u"].to_numpy()]
        e = t["year"].to_numpy() - g
        outside = ~np.isnan(g) & ((e < -self.leads) | (e > self.lags))
        det = np.full(len(t), "", dtype=object)
        det[outside] = by_value(e[outside].astype(int), lambda v: f"event time {v} outside "
                                 f"the event window [-{self.leads}, {self.lags}]")
        pb.drop(outside, "outside_window", det)
        pb.drop_singletons()
        t = pb.table
        frame = self._frame(pb, cohort=g_u[t["_u"].to_numpy()])
        frame["e"] = frame["year"] - frame["cohort"]
        require(bool(frame["cohort"].notna().any()),
                f"{self.name}: no unit becomes treated within "
                f"{self.years[0]}-{self.years[1]} under the rule ({self._rule()}) with "
                "complete data; lower the threshold, widen first_year-last_year or give onsets")
        require(bool(frame["cohort"].isna().any()),
                f"{self.name}: every unit is treated under the rule ({self._rule()}); "
                "a never-treated comparison group is needed")
        pb.use_all()
        frame["y"] = self._y(pb)
        return ledger, pb, frame

    def _timing_diag(self, frame: pd.DataFrame) -> dict[str, Any]:
        # the cohort is constant within a unit: one value per unit present, no groupby
        u = frame["iso3"].to_numpy()
        here = np.bincount(u) > 0
        cu = np.full(len(here), np.nan)
        cu[u] = frame["cohort"].to_numpy()
        treated = here & ~np.isnan(cu)
        coh, n_coh = np.unique(cu[treated], return_counts=True)
        return {
            "treatment_rule": self._rule(),
            "n_treated": int(treated.sum()),
            "n_never_treated": int((here & np.isnan(cu)).sum()),
            "cohorts": ", ".join(f"{int(k)}: {int(v)}" for k, v in zip(coh, n_coh)),
            "reference_event_time": -1,
        }

    def _finish(self, ledger: Ledger, pb: PanelBuilder, fit: Any, frame: pd.DataFrame,
                rows: list[dict[str, Any]], extra: dict[str, Any], caveat: str
                ) -> Computation:
        """The computation: rows, diagnostics (common, timing, then ``extra``), assumptions
        (the timing ones, then ``caveat``).
        """
        excluded = ledger.excluded_frame()
        diag = self._common_diag(ledger, fit, frame, pb)
        diag.update(self._timing_diag(frame))
        diag["excluded"] = len(excluded)
        diag.update(extra)
        return Computation(estimates=pd.DataFrame(rows), excluded=excluded,
                           assumptions=(*self._timing_assumptions(), caveat),
                           diagnostics=diag, used=ledger.n_used,
                           uncertainty_method="cluster_robust")

    def _timing_assumptions(self) -> tuple[str, ...]:
        return (
            f"Treatment onset: {self._rule()}; treatment is absorbing (a unit stays treated "
            "after its onset even if the ratio falls back). Under the threshold rule each unit "
            "(country, or area of a sub-national panel) is dated by its own ratio, and a "
            "unit-year without a refugees or population observation is excluded, never filled, "
            "so a crossing in a year with a gap is dated to the next complete year.",
            "Units treated from their first panel year are excluded (no untreated period); "
            "never-treated units are the comparison group.",
            f"Event times outside [-{self.leads}, {self.lags}] are excluded from the sample, not "
            "binned.",
            "Parallel trends between cohorts and never-treated units, and no anticipation "
            "before e = -1 (the reference period, normalised to 0).",
            _NOT_RANDOM,
        )


def _balanced(frame: pd.DataFrame) -> bool:
    """Every unit has the same number of rows, and every year too."""
    nu = np.bincount(frame["iso3"].to_numpy())
    ny = np.bincount(frame["year"].to_numpy() - int(frame["year"].min()))
    nu, ny = nu[nu > 0], ny[ny > 0]
    return bool(len(nu) and nu.min() == nu.max() and ny.min() == ny.max())


def _ename(e: int) -> str:
    return f"e_m{-e}" if e < 0 else f"e_p{e}"


@dataclass(frozen=True, kw_only=True)
class EventStudy(_TimingDesign):
    r"""Dynamic two-way fixed-effects event study (leads and lags around each unit's onset).

    .. math:: y_{it} = \alpha_i + \lambda_t + \sum_{e \ne -1} \beta_e\, 1[t - G_i = e] +
              \varepsilon_{it}

    over event times :math:`e \in [-\text{leads}, \text{lags}]`, with :math:`e=-1` the reference
    (normalised to 0) and never-treated units having all indicators zero. A unit is a country or,
    on a sub-national panel, an area (``ISO3/area``). Quantity
    ``event_time_coefficient``, terms ``e=-5`` ... ``e=5``; the leads' joint Wald test
    (pre-trends) is in ``diagnostics["pretrend_p_value"]``. With staggered onsets and
    heterogeneous effects these coefficients mix cohorts with non-convex weights (Sun and
    Abraham 2021); use ``staggered_did`` for a robust estimate. See
    ``methodology/event_study.md``.

    Parameters
    ----------
    outcome, log_outcome, sources, first_year, last_year, cluster
        As for :class:`DiD`.
    onsets : tuple of (str, int)
        Explicit onsets by ISO3 code (the country, or every area of it) or ``ISO3/area`` code
        (one area, taking precedence over its country's code); empty uses the threshold rule.
    threshold : float
        Refugees per 1,000 inhabitants that marks the onset (default 10), computed per unit
        (each area of a sub-national panel from its own refugees and population).
    leads, lags : int
        Event window.
    """

    name: ClassVar[str] = "event_study"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "event_time_coefficient"
    reference: ClassVar[str] = "methodology/event_study.md"
    summary: ClassVar[str] = ("Event study (two-way fixed effects, leads and lags, pre-trend "
                              "test) of an outcome around refugee-hosting onsets")
    labels: ClassVar[Labels] = Labels(
        title="Event study",
        family=FAMILY,
        description="A host outcome by year relative to the onset of large refugee hosting, "
                    "with a pre-trend test (two-way fixed effects)",
        unit="units of the outcome indicator",
        quantities={"event_time_coefficient": "Effect by event time (relative to the year "
                                              "before onset)"},
        diagnostics=TIMING_DIAGNOSTICS,
    )

    def _compute(self, data: Dataset) -> Computation:
        ledger, pb, frame = self._event_panel(data)
        ee = frame["e"].to_numpy()
        fin = ee[~np.isnan(ee)].astype(np.int64)
        lo = int(fin.min()) if len(fin) else 0
        present = [int(v) + lo for v in np.flatnonzero(np.bincount(fin - lo)) if v + lo != -1] \
            if len(fin) else []
        cols = [_ename(e) for e in present]
        frame = pd.DataFrame({**{c: frame[c].to_numpy() for c in frame.columns},
                              **{_ename(e): (ee == e).astype(float) for e in present}},
                             copy=False)
        require(bool(cols), f"{self.name}: no event time other than the reference is observed")
        fit = self._fit(frame, cols)
        q = _t_quantile(fit._df_t)
        names = list(fit._coefnames)
        beta = np.asarray(fit._beta_hat, dtype=float)
        vcov = np.asarray(fit._vcov, dtype=float)
        unit = self._outcome_unit()
        rows = [_row(self.quantity, f"e={e}", beta[names.index(_ename(e))],
                     np.sqrt(vcov[names.index(_ename(e)), names.index(_ename(e))]), q, unit)
                for e in present]
        rows.append({**_row(self.quantity, "e=-1", 0.0, np.nan, q, unit)})
        lead_idx = [names.index(_ename(e)) for e in present if e <= -2]
        stat, p, k = wald_pvalue(beta[lead_idx], vcov[np.ix_(lead_idx, lead_idx)],
                                 n_distinct(frame[self._cl()]))
        return self._finish(ledger, pb, fit, frame, rows, {
            "event_times": ", ".join(str(e) for e in present),
            "pretrend_F": stat, "pretrend_df": k, "pretrend_p_value": p,
            "pretrend_test": "joint Wald test that every lead (e <= -2) is zero, cluster-robust "
                             "covariance, F(q, G-1) reference",
        }, "With staggered onsets and effects that differ by cohort or over time, "
           "two-way fixed-effects event-time coefficients are contaminated by other "
           "periods' effects (Sun and Abraham 2021); compare with staggered_did.")


@dataclass(frozen=True, kw_only=True)
class StaggeredDiD(_TimingDesign):
    r"""Staggered-adoption-robust DiD: Sun and Abraham's (2021) interaction-weighted estimator.

    A saturated two-way fixed-effects regression with one coefficient per cohort and event time,

    .. math:: y_{it} = \alpha_i + \lambda_t + \sum_{g}\sum_{e \ne -1} \delta_{g,e}\,
              1[G_i = g]\,1[t - g = e] + \varepsilon_{it},

    never-treated units as the comparison group, then averages over cohorts with their
    sample shares: :math:`\mathrm{ATT}(e)=\sum_g \hat w_{g,e}\hat\delta_{g,e}` (quantity
    ``att_event_time``) and the overall ATT over post-onset cells weighted by their number of
    observations (quantity ``att``, term ``overall``). Standard errors by the delta method from
    the cluster-robust covariance, with the shares treated as fixed. Diagnostics hold the static
    two-way fixed-effects coefficient on the same sample for comparison. See
    ``methodology/staggered_did.md``.

    Parameters
    ----------
    outcome, log_outcome, sources, first_year, last_year, cluster, onsets, threshold, leads,
    lags
        As for :class:`EventStudy`.
    """

    name: ClassVar[str] = "staggered_did"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "att"
    reference: ClassVar[str] = "methodology/staggered_did.md"
    summary: ClassVar[str] = ("Staggered-adoption-robust DiD (Sun-Abraham interaction-weighted) "
                              "of an outcome on refugee-hosting onsets")
    labels: ClassVar[Labels] = Labels(
        title="Staggered difference-in-differences (Sun-Abraham)",
        family=FAMILY,
        description="Average effect of refugee-hosting onsets on a host outcome, robust to "
                    "onsets at different times (interaction-weighted estimator)",
        unit="units of the outcome indicator",
        quantities={"att": "Average effect on the treated (ATT)",
                    "att_event_time": "Average effect on the treated by event time"},
        diagnostics={**TIMING_DIAGNOSTICS,
                     "twfe_static_att": "Static two-way fixed-effects ATT (for comparison)"},
    )

    def _compute(self, data: Dataset) -> Computation:
        ledger, pb, frame = self._event_panel(data)
        cells, cols, frame = _cohort_event_cells(frame)
        require(bool(cols), f"{self.name}: no event time other than the reference is observed")
        fit = self._fit(frame, cols)
        names = list(fit._coefnames)
        order = [names.index(c) for c in cols]
        beta = np.asarray(fit._beta_hat, dtype=float)[order]
        vcov = np.asarray(fit._vcov, dtype=float)[np.ix_(order, order)]
        n = cells["n"].to_numpy(dtype=float)
        ev = cells["e"].to_numpy(dtype=int)
        rows = self._aggregate(n, ev, beta, vcov, _t_quantile(fit._df_t))
        # the static TWFE coefficient on the same sample (for comparison, e.g. Goodman-Bacon)
        frame["treated_post"] = (frame["e"] >= 0).astype(float)
        static = self._fit(frame, ["treated_post"])
        stat, p, k = _lead_test(n, ev, beta, vcov, n_distinct(frame[self._cl()]))
        return self._finish(ledger, pb, fit, frame, rows, {
            "n_cohort_event_cells": len(cols),
            "twfe_static_att": float(static._beta_hat[0]),
            "twfe_static_std_error": float(np.sqrt(static._vcov[0, 0])),
            "pretrend_F": stat, "pretrend_df": k, "pretrend_p_value": p,
            "pretrend_test": "joint Wald test that every aggregated lead ATT(e), e <= -2, is zero",
            "estimator": "Sun and Abraham (2021) interaction-weighted, never-treated controls",
        }, "Cohort shares used to average cohort-specific effects are taken as fixed (their "
           "sampling variance is ignored in the standard errors).")

    def _aggregate(self, n: np.ndarray, ev: np.ndarray, beta: np.ndarray, vcov: np.ndarray,
                   q: float) -> list[dict[str, Any]]:
        """ATT(e) per event time and the overall ATT: cohort-share-weighted cell effects."""
        unit = self._outcome_unit()
        rows = []
        for e in sorted(set(ev)):
            w = np.where(ev == e, n, 0.0)
            w /= w.sum()
            rows.append(_row("att_event_time", f"e={e}", w @ beta, np.sqrt(w @ vcov @ w), q, unit))
        post = ev >= 0
        require(bool(post.any()), f"{self.name}: no treated observation at or after onset")
        w = np.where(post, n, 0.0)
        w /= w.sum()
        rows.append(_row(self.quantity, "overall", w @ beta, np.sqrt(w @ vcov @ w), q, unit))
        rows.append(_row("att_event_time", "e=-1", 0.0, np.nan, q, unit))
        return rows


def _cohort_event_cells(frame: pd.DataFrame
                        ) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """The (cohort, event time) cells of treated units but the reference, their indicator
    column names, and the frame with those indicators.
    """
    tr = frame.dropna(subset=["cohort"])
    cells = (tr[tr["e"] != -1].groupby(["cohort", "e"]).size().rename("n").reset_index())
    gg, ee = frame["cohort"].to_numpy(), frame["e"].to_numpy()
    pairs = list(zip(cells["cohort"].astype(int), cells["e"].astype(int)))
    cols = [f"d_{g}_{_ename(e)}" for g, e in pairs]
    frame = pd.concat([frame, pd.DataFrame(
        {c: ((gg == g) & (ee == e)).astype(float) for c, (g, e) in zip(cols, pairs)},
        index=frame.index)], axis=1)
    return cells, cols, frame


def _lead_test(n: np.ndarray, ev: np.ndarray, beta: np.ndarray, vcov: np.ndarray,
               n_clusters: int) -> tuple[float, float, int]:
    """Joint Wald test that every aggregated lead ATT(e), e <= -2, is zero."""
    lead = ev <= -2
    wl = [np.where(ev == e, n, 0.0) / n[ev == e].sum() for e in sorted(set(ev[lead]))]
    if not wl:
        return float("nan"), float("nan"), 0
    R = np.vstack(wl)
    return wald_pvalue(R @ beta, R @ vcov @ R.T, n_clusters)


def event_study_frame(result: Result) -> pd.DataFrame:
    """Tidy event-time frame for charts from an ``event_study`` or ``staggered_did`` result.

    Parameters
    ----------
    result : Result
        From :class:`EventStudy` (quantity ``event_time_coefficient``) or
        :class:`StaggeredDiD` (quantity ``att_event_time``).

    Returns
    -------
    pandas.DataFrame
        Columns ``event_time, estimate, std_error, ci_lower, ci_upper, period`` (``pre``,
        ``reference`` or ``post``), sorted by event time.
    """
    est = result.estimates
    q = "event_time_coefficient" if "event_time_coefficient" in set(est["quantity"]) \
        else "att_event_time"
    sub = est[est["quantity"] == q].copy()
    if sub.empty:
        raise ValueError("the result has no event-time estimates (use event_study or "
                         "staggered_did)")
    sub["event_time"] = sub["term"].str.removeprefix("e=").astype(int)
    sub["period"] = np.where(sub["event_time"] == -1, "reference",
                             np.where(sub["event_time"] < 0, "pre", "post"))
    return (sub[["event_time", "estimate", "std_error", "ci_lower", "ci_upper", "period"]]
            .sort_values("event_time").reset_index(drop=True))
