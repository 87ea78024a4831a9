"""The host-impact app: the six econometric designs side by side, in JupyterLab.

The top half is pure (no widgets): :func:`impact_state` and :func:`with_outcome` build the
selection (an :class:`~burdenshare.app.state.AppState` whose ``methods`` are the designs),
:func:`~burdenshare.app.state.compute` runs it (``burdenshare.compare(..., on_error="record")``
with a result cache), :func:`impact_table`, :func:`exclusion_counts`, :func:`notes_html` and
:func:`impact_charts` turn the comparison into what the app shows, :func:`export_impact`
writes it. No arithmetic happens here: numbers are the estimators' own estimates and
diagnostics, selected and formatted.

:class:`HostImpactApp` is the thin ipywidgets shell over them. Every control has a stable CSS
class (``bs-impact-*``; parameter controls ``bs-param-<design>-<field>``) for the browser
tests; every error goes to the status area (``bs-impact-status``) as text naming the design,
never as a traceback, and the other designs still show. Altair's offline mode is switched on
before the first chart is made, so nothing loads from a CDN.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd

from .._errors import ExportError
from ..charts.econometrics import (
    EVENT_TIME_QUANTITIES,
    coefficient_chart,
    event_study_chart,
    synthetic_control_chart,
)
from ..compare import Comparison
from ..data import Dataset
from ..export import write_comparison, write_result, write_workbook
from ..presentation import format_number
from ..registry import get
from ..schemas import EXCLUSION_REASONS
from ._base import STYLE, MethodsApp
from .state import AppState, ResultCache, compute

__all__ = [
    "DESIGNS",
    "DEFAULT_DESIGNS",
    "EVENT_DESIGNS",
    "HOST_OUTCOMES",
    "TABLE_COLUMNS",
    "HostImpactApp",
    "exclusion_counts",
    "export_impact",
    "impact_charts",
    "impact_state",
    "impact_table",
    "impact_table_html",
    "notes_html",
    "with_outcome",
]

#: The econometric host-impact designs the app offers (registry names).
DESIGNS: tuple[str, ...] = ("panel_fe", "iv_2sls", "did", "event_study", "staggered_did",
                            "synthetic_control")
#: Designs ticked when the app opens: the two regressions, the 2015-16 DiD and the synthetic
#: control of Lebanon (their defaults run on the embedded sample).
DEFAULT_DESIGNS: tuple[str, ...] = ("panel_fe", "iv_2sls", "did", "synthetic_control")
#: Designs with leads and lags (drawn with :func:`~burdenshare.charts.event_study_chart`).
EVENT_DESIGNS: tuple[str, ...] = ("event_study", "staggered_did")
#: Host outcomes of the embedded panel (``methodology/host_impact_panels.md``) offered by the
#: shared outcome selector; every design accepts them.
HOST_OUTCOMES: tuple[str, ...] = ("unemployment_rate", "gov_expense_pct_gdp",
                                  "gdp_per_capita_usd_current")
#: Columns of :func:`impact_table`.
TABLE_COLUMNS: tuple[str, ...] = (
    "design", "quantity", "term", "estimate", "std_error", "ci_lower", "ci_upper", "ci_level",
    "unit", "n_obs", "n_clusters", "first_stage_f", "pretrend_p_value", "placebo_p_value",
    "detail")
#: Key diagnostics copied into their own columns (design result diagnostics -> column).
_KEY_DIAGNOSTICS = ("n_obs", "n_clusters", "first_stage_f", "pretrend_p_value",
                    "placebo_p_value")
#: Further diagnostics shown as text in ``detail`` (key, label), per design.
_DETAIL: Mapping[str, tuple[tuple[str, str], ...]] = {
    "panel_fe": (("r2_within", "within R²"), ("n_countries", "countries"),
                 ("first_year", "from"), ("last_year", "to")),
    "iv_2sls": (("anderson_rubin_interval", "Anderson–Rubin set"),
                ("first_stage_partial_r2", "first-stage partial R²"),
                ("first_year", "from"), ("last_year", "to")),
    "did": (("treated_used", "treated"), ("n_controls", "controls"),
            ("treatment_year", "treatment year"), ("p_value", "p")),
    "event_study": (("treatment_rule", "onset"), ("n_treated", "treated"),
                    ("n_never_treated", "never treated")),
    "staggered_did": (("treatment_rule", "onset"), ("n_treated", "treated"),
                      ("n_never_treated", "never treated"),
                      ("twfe_static_att", "static TWFE ATT")),
    "synthetic_control": (("treated", "treated"), ("n_donors", "donors"),
                          ("pre_rmspe", "pre-treatment RMSPE"),
                          ("post_pre_rmspe_ratio", "post/pre RMSPE ratio")),
}
_CHART_KINDS = ("coefficients", *EVENT_DESIGNS, "synthetic_control")
#: Numbers on one line; the long unit and diagnostics text small and wrapped.
_TABLE_CSS = ("<style>.bs-impact-grid{border-collapse:collapse;font-size:12px}"
              ".bs-impact-grid th,.bs-impact-grid td{padding:2px 6px;vertical-align:top;line-height:1.35;"
              "text-align:left;border-bottom:1px solid #ddd}"
              ".bs-impact-grid td{white-space:nowrap}"
              ".bs-impact-grid td[data-col=unit],.bs-impact-grid td[data-col=detail]"
              "{white-space:normal;font-size:11px;line-height:1.35;min-width:170px;max-width:300px}"
              ".bs-impact-failed td{white-space:normal}</style>")
_PER_DESIGN = "(each design's own)"


# ====================================================================== pure functions
def impact_state(designs: Iterable[str] = DEFAULT_DESIGNS,
                 params: Mapping[str, Mapping[str, Any]] | None = None) -> AppState:
    """Return the app's selection: the designs to run and the parameters set per design.

    Only ``methods`` (the designs, in display order) and ``params`` of the
    :class:`~burdenshare.app.state.AppState` matter here; countries and years are not used
    (each design has its own window parameters).

    Parameters
    ----------
    designs : iterable of str
        Registry names, e.g. ``("panel_fe", "did")``.
    params : Mapping, optional
        Design -> {parameter: value} for parameters that differ from the defaults.

    Returns
    -------
    AppState

    Examples
    --------
    >>> s = impact_state(["did"], {"did": {"treatment_year": 2015}})
    >>> s.methods, s.params_for("did")
    (('did',), {'treatment_year': 2015})
    """
    state = AppState(methods=tuple(designs))
    for d, p in (params or {}).items():
        state = state.with_params(d, p)
    return state


def with_outcome(state: AppState, outcome: str) -> AppState:
    """Return ``state`` with ``outcome`` set on every design it holds.

    Parameters
    ----------
    state : AppState
    outcome : str
        An outcome indicator, e.g. ``"gov_expense_pct_gdp"`` (each estimator validates it).

    Returns
    -------
    AppState
    """
    for d in state.methods:
        state = state.with_params(d, {**state.params_for(d), "outcome": outcome})
    return state


def _num(value: Any) -> float:
    """A diagnostic as a float (NaN when absent or not a number)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return math.nan
    return v


def _detail(design: str, diag: Mapping[str, Any]) -> str:
    parts = []
    for key, lab in _DETAIL.get(design, ()):
        v = diag.get(key)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        text = format_number(v) if isinstance(v, float) else str(v)
        parts.append(f"{lab} {text}")
    return "; ".join(parts)


def impact_table(comp: Comparison) -> pd.DataFrame:
    """Return the table the app shows: whole-panel estimates with their key diagnostics.

    One row per design and whole-panel term (the ``panel_fe``/``iv_2sls`` coefficients, the
    ``did`` ATT, the ``staggered_did`` overall ATT, the ``synthetic_control`` post-period mean
    gap). A design without such a row (``event_study``: leads and lags only) gets one row
    without an estimate that carries its diagnostics. Estimates, intervals and diagnostics are
    the results' own values, unchanged.

    Parameters
    ----------
    comp : Comparison
        Results of the designs (labels are the registry names).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`: ``n_obs``, ``n_clusters``, ``first_stage_f``
        (``iv_2sls``), ``pretrend_p_value`` (``event_study``, ``staggered_did``) and
        ``placebo_p_value`` (``synthetic_control``) from ``Result.diagnostics`` (NaN when the
        design has none); ``detail`` is further diagnostics as text.
    """
    frames = []
    for design, res in comp.results.items():
        e = res.estimates
        keep = (e["year"].isna() & e["estimate"].notna()
                & ~e["quantity"].isin(EVENT_TIME_QUANTITIES)).to_numpy()
        rows = e.loc[keep, ["quantity", "term", "estimate", "std_error", "ci_lower", "ci_upper",
                            "ci_level", "unit"]].copy()
        if rows.empty:
            q = res.main_quantity
            unit = e.loc[e["quantity"] == q, "unit"]
            rows = pd.DataFrame({
                "quantity": [q], "term": ["leads and lags: see the chart"],
                "estimate": [math.nan], "std_error": [math.nan], "ci_lower": [math.nan],
                "ci_upper": [math.nan], "ci_level": [math.nan],
                "unit": [str(unit.iloc[0]) if len(unit) else ""]})
        rows.insert(0, "design", design)
        d = res.diagnostics
        for k in _KEY_DIAGNOSTICS:
            rows[k] = _num(d.get(k))
        rows["detail"] = _detail(design, d)
        frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    out = pd.concat(frames, ignore_index=True)[list(TABLE_COLUMNS)]
    out["term"] = out["term"].astype(str)
    return out


def exclusion_counts(comp: Comparison) -> pd.DataFrame:
    """Return how many observations each design left out, by reason.

    Parameters
    ----------
    comp : Comparison

    Returns
    -------
    pandas.DataFrame
        Columns ``design, reason, n, meaning`` (``meaning`` from
        :data:`burdenshare.schemas.EXCLUSION_REASONS`), largest count first within a design.
    """
    frames = []
    for design, res in comp.results.items():
        counts = res.excluded["reason"].value_counts()
        frames.append(pd.DataFrame({
            "design": design, "reason": counts.index.astype(str),
            "n": counts.to_numpy(dtype="int64"),
            "meaning": [EXCLUSION_REASONS.get(str(r), "") for r in counts.index]}))
    if not frames:
        return pd.DataFrame(columns=["design", "reason", "n", "meaning"])
    return pd.concat(frames, ignore_index=True)


def notes_html(comp: Comparison) -> str:
    """Return, per design, what it assumes and what it left out (counts by reason), as HTML.

    Parameters
    ----------
    comp : Comparison

    Returns
    -------
    str
        One ``<details class="bs-impact-note" data-design="...">`` block per design.
    """
    excl = exclusion_counts(comp)
    blocks = []
    for design, res in comp.results.items():
        mine = excl[excl["design"] == design]
        total = int(mine["n"].sum())
        items = "".join(f"<li>{html.escape(a)}</li>" for a in res.assumptions)
        reasons = "".join(
            f'<li data-reason="{html.escape(r)}" title="{html.escape(m)}">{html.escape(r)}: '
            f"{n:,}</li>" for r, n, m in zip(mine["reason"], mine["n"], mine["meaning"]))
        blocks.append(
            f'<details class="bs-impact-note" data-design="{html.escape(design)}">'
            f"<summary><b>{html.escape(design)}</b> assumes … ; {total:,} observation(s) "
            "excluded</summary>"
            f"<p>Assumes:</p><ul>{items}</ul>"
            f'<p>Excluded (every one is listed with its reason in the export):</p>'
            f'<ul class="bs-impact-excluded">{reasons or "<li>none</li>"}</ul></details>')
    return "".join(blocks)


def impact_charts(comp: Comparison) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the charts of the designs in ``comp``, and why any could not be drawn.

    Parameters
    ----------
    comp : Comparison

    Returns
    -------
    charts : dict
        ``"coefficients"`` (:func:`~burdenshare.charts.coefficient_chart` of every design with
        a whole-panel estimate), ``"event_study"`` / ``"staggered_did"``
        (:func:`~burdenshare.charts.event_study_chart`) and ``"synthetic_control"``
        (:func:`~burdenshare.charts.synthetic_control_chart`), for the designs present.
    errors : dict
        Chart name -> message, for charts that could not be drawn.
    """
    charts: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def attempt(name: str, fn: Callable[[], Any]) -> None:
        try:
            charts[name] = fn()
        except Exception as err:  # shown in the status, never lost
            errors[name] = f"{type(err).__name__}: {err}"

    with_rows = {d: r for d, r in comp.results.items()
                 if not impact_table(Comparison({d: r})).dropna(subset=["estimate"]).empty
                 and d != "synthetic_control"}
    if with_rows:
        sub = Comparison(results=with_rows, data_fingerprint=comp.data_fingerprint)
        attempt("coefficients", lambda: coefficient_chart(sub))
    for d in EVENT_DESIGNS:
        if d in comp.results:
            res = comp.results[d]
            attempt(d, partial(event_study_chart, res))
    if "synthetic_control" in comp.results:
        res = comp.results["synthetic_control"]
        attempt("synthetic_control", lambda: synthetic_control_chart(res))
    return charts, errors


def impact_table_html(frame: pd.DataFrame, failures: Mapping[str, str] | None = None) -> str:
    """Return the table as HTML with stable attributes for the browser tests.

    Each row is ``<tr data-design="..." data-term="...">`` and each cell
    ``<td data-col="...">``; numbers show 4 significant figures
    (:func:`~burdenshare.presentation.format_number`), missing ones "–".

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`impact_table`.
    failures : Mapping, optional
        Design -> message; each gets a row saying it failed.

    Returns
    -------
    str
    """
    head = ("<tr><th>design</th><th>term</th><th>estimate</th><th>std. error</th>"
            "<th>interval</th><th>n obs</th><th>n clusters</th><th>first-stage F</th>"
            "<th>pre-trend p</th><th>placebo p</th><th>unit</th><th>more diagnostics</th></tr>")
    body = []
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in frame.itertuples(index=False):
        lo, hi, lv = r.ci_lower, r.ci_upper, r.ci_level
        interval = ("–" if pd.isna(lo) or pd.isna(hi) else
                    f"{format_number(lo)} to {format_number(hi)}"
                    + (f" ({100 * float(lv):g} %)" if pd.notna(lv) else ""))
        cells = [("design", html.escape(str(r.design))), ("term", html.escape(str(r.term))),
                 ("estimate", format_number(r.estimate)),
                 ("std_error", format_number(r.std_error)), ("interval", interval),
                 ("n_obs", format_number(r.n_obs)), ("n_clusters", format_number(r.n_clusters)),
                 ("first_stage_f", format_number(r.first_stage_f)),
                 ("pretrend_p_value", format_number(r.pretrend_p_value)),
                 ("placebo_p_value", format_number(r.placebo_p_value)),
                 ("unit", html.escape(str(r.unit))), ("detail", html.escape(str(r.detail)))]
        tds = "".join(f'<td data-col="{c}">{v}</td>' for c, v in cells)
        body.append(f'<tr data-design="{html.escape(str(r.design))}" '
                    f'data-term="{html.escape(str(r.term))}">{tds}</tr>')
    for d, msg in (failures or {}).items():
        body.append(f'<tr data-design="{html.escape(d)}" class="bs-impact-failed"><td '
                    f'data-col="design">{html.escape(d)}</td><td colspan="11">failed: '
                    f"{html.escape(msg)}</td></tr>")
    return (_TABLE_CSS + f'<table class="bs-impact-grid"><thead>{head}</thead><tbody>'
            f'{"".join(body)}</tbody></table>')


def export_impact(comp: Comparison, directory: str | Path, *, table: pd.DataFrame | None = None,
                  charts: Mapping[str, Any] | None = None,
                  stem: str = "host_impact") -> list[Path]:
    """Write the table (xlsx), every estimate and exclusion (csv) and the charts (png).

    - ``<stem>.xlsx``: the app's table (sheet ``table``), exclusion counts by reason
      (``excluded_by_reason``), each design's assumptions (``assumptions``), its full
      provenance and diagnostics (``provenance``: estimator, version, every parameter, data
      fingerprint and lineage, package versions) and the data sources with licences
      (``sources``). Text that a spreadsheet could run as a formula is neutralised
      (:func:`burdenshare.export.write_workbook`); numbers are unchanged.
    - ``<stem>_estimates.csv``: :func:`burdenshare.export.write_comparison`'s long table of
      every estimate (leads and lags, yearly gaps included) with its sidecars
      ``.excluded.csv`` (every observation left out, with its reason) and
      ``.provenance.json``.
    - ``<stem>_<chart>.png`` for each chart shown, saved by ``write_comparison``
      (coefficients) or :func:`~burdenshare.export.write_result` (event study, synthetic
      control), each with a ``.provenance.json`` sidecar.

    Parameters
    ----------
    comp : Comparison
    directory : str or Path
        Created when needed; files of an earlier export with the same stem are overwritten.
    table : pandas.DataFrame, optional
        The table shown (default :func:`impact_table`).
    charts : Mapping, optional
        Chart name -> chart (default :func:`impact_charts`).
    stem : str

    Returns
    -------
    list of Path
        Every file written, sidecars included.

    Raises
    ------
    ExportError
        Nothing to export (no design produced a result).
    """
    if not comp.results:
        raise ExportError("nothing to export: no design produced a result (tick one, or see "
                          "the status for why they failed)")
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    table = impact_table(comp) if table is None else table
    if charts is None:
        charts = impact_charts(comp)[0]
    xlsx = d / f"{stem}.xlsx"
    write_workbook(xlsx, {
        "table": table,
        "excluded_by_reason": exclusion_counts(comp),
        "assumptions": pd.DataFrame(
            [(k, a) for k, r in comp.results.items() for a in r.assumptions],
            columns=["design", "assumption"]),
        "provenance": _provenance_rows(comp),
        "sources": pd.DataFrame(list({str(s.get("id", "")): dict(s) for r in comp.results.values()
                                      for s in r.provenance.sources}.values())),
    })
    written = [xlsx, *write_comparison(comp, d / f"{stem}_estimates.csv")]
    for name, chart in charts.items():
        path = d / f"{stem}_{name}.png"
        if name == "coefficients":
            written += write_comparison(comp, path, chart=chart)
        else:
            written += write_result(comp.results[name], path, chart=chart)
    return written


def _provenance_rows(comp: Comparison) -> pd.DataFrame:
    """``design, field, value`` rows: each design's provenance, diagnostics and failures."""
    rows: list[tuple[str, str, str]] = [("", "data_fingerprint", comp.data_fingerprint)]
    for k, r in comp.results.items():
        prov = r.provenance.to_dict()
        for f, v in prov.items():
            if f == "params":
                rows += [(k, f"params.{p}", json.dumps(x, default=str)) for p, x in v.items()]
            else:
                rows.append((k, f, v if isinstance(v, str) else json.dumps(v, default=str)))
        rows.append((k, "uncertainty_method", r.uncertainty_method))
        rows += [(k, f"diagnostics.{n}", x if isinstance(x, str) else json.dumps(x, default=str))
                 for n, x in r.diagnostics.items()]
    rows += [(k, "failed", m) for k, m in comp.failures.items()]
    return pd.DataFrame(rows, columns=["design", "field", "value"])


# ====================================================================== widget shell
def _placeholder() -> Any:
    return alt.Chart(pd.DataFrame({"t": [""]})).mark_text().encode(text="t:N").properties(
        width=10, height=10)


class HostImpactApp(MethodsApp):
    """Compare the econometric host-impact designs: designs, parameters, estimates, charts.

    Parameters
    ----------
    data : Dataset, optional
        Default: the embedded samples (:func:`burdenshare.load_sample`, loaded once).
    designs : iterable of str
        Designs ticked at first (default :data:`DEFAULT_DESIGNS`).
    params : Mapping, optional
        Design -> {parameter: value} to open on.
    outcome : str, optional
        Set this outcome on every design (the shared outcome selector); default: each
        design's own.
    export_dir : str or Path
        Where the export button writes (created when needed).
    cache_size : int
        Results kept, so that going back to earlier parameters does not re-estimate.
    vintage, data_dir : str, optional
        Open on a stored data vintage instead of ``data``, from this store folder (as
        :class:`~burdenshare.app._base.AppShell` does); switch it with ``bs-impact-vintage``.

    Attributes
    ----------
    state : AppState
        ``methods`` are the designs, ``params`` the parameters set per design.
    comparison : Comparison
    frame : pandas.DataFrame
        The table shown (:func:`impact_table`).
    charts : dict
        Chart name -> Altair chart shown (:func:`impact_charts`).
    chart_widgets : dict
        Chart name -> ``altair.JupyterChart`` (hidden when its design is not ticked).
    exported : list of Path
        Files written by the last export.
    """

    css = "bs-impact"

    def __init__(self, data: Dataset | None = None, *,
                 designs: Iterable[str] = DEFAULT_DESIGNS,
                 params: Mapping[str, Mapping[str, Any]] | None = None,
                 outcome: str | None = None, export_dir: str | Path = "exports",
                 cache_size: int = 64, vintage: str | None = None,
                 data_dir: str | Path | None = None) -> None:
        super().__init__(data, vintage=vintage, data_dir=data_dir)
        self.state = impact_state(designs, params)
        if outcome is not None:
            self.state = with_outcome(self.state, outcome)
        self.cache = ResultCache(maxsize=cache_size)
        self.comparison = Comparison(results={}, data_fingerprint=self.data.fingerprint)
        self.frame = impact_table(self.comparison)
        self.charts: dict[str, Any] = {}
        self._chart_errors: dict[str, str] = {}
        self._build(outcome)
        export = self._export_row(export_dir, "table as xlsx, charts as png; every file "
                                  "carries its provenance", self.export)
        self._arrange(
            "<b>Host-impact designs</b> on a country panel: descriptive within-country "
            "associations unless a design's assumptions hold (see each design's assumptions "
            "below and <code>methodology/host_impact_panels.md</code>).",
            [self.designs, self.outcome, w.HTML("<b>parameters</b>"), self.params],
            [export, self.table, *self.chart_widgets.values(), self.notes])
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build(self, outcome: str | None) -> None:
        self.design_boxes, self.designs = self._method_grid(DESIGNS, "bs-impact-design",
                                                            self._design_handler, "180px")
        have = set(self.data.observations["indicator"].unique())
        opts = [(_PER_DESIGN, _PER_DESIGN)] + [(o, o) for o in HOST_OUTCOMES if o in have]
        if outcome is not None and outcome not in [v for _, v in opts]:
            opts.append((outcome, outcome))
        self.outcome = w.Dropdown(options=opts, value=outcome or _PER_DESIGN,
                                  description="outcome (every design)", style=STYLE)
        self.outcome.add_class("bs-impact-outcome")
        self.outcome.observe(self._on_outcome, names="value")
        self._build_params()
        self.table = self._html("table")
        self.notes = self._html("notes")
        self.chart_widgets: dict[str, Any] = {}
        for kind in _CHART_KINDS:
            jc = alt.JupyterChart(_placeholder())
            jc.add_class("bs-impact-chart")
            jc.add_class(f"bs-impact-chart-{kind}")
            jc.layout.display = "none"
            self.chart_widgets[kind] = jc

    def _class(self, method: str) -> Any:
        return get(method)

    # ------------------------------------------------------------------ handlers
    def _design_handler(self, design: str) -> Callable[[Mapping[str, Any]], None]:
        def handler(change: Mapping[str, Any]) -> None:
            if self._muted:
                return
            ticked = [d for d in DESIGNS if self.design_boxes[d].value]
            order = [d for d in self.state.methods if d in ticked] + [
                d for d in ticked if d not in self.state.methods]

            def apply() -> None:
                state = self.state.replace(methods=tuple(order))
                shared = self.outcome.value
                if change["new"] and shared != _PER_DESIGN:
                    state = state.with_params(design, {**state.params_for(design),
                                                       "outcome": shared})
                self.set_state(state)
            self._guard(design, apply)
        return handler

    def _apply_params(self, method: str, params: Mapping[str, Any]) -> None:
        shared = self.outcome.value
        if shared != _PER_DESIGN and self.param_controls[method].fields["outcome"].get() != shared:
            with self._muting():  # this design no longer shares the outcome
                self.outcome.value = _PER_DESIGN
        self.state = self.state.with_params(method, params)
        self.refresh()

    def _on_outcome(self, change: Mapping[str, Any]) -> None:
        if self._muted or change["new"] == _PER_DESIGN:
            return
        self._guard("outcome", lambda: self.set_state(with_outcome(self.state, change["new"])))

    # ------------------------------------------------------------------ API
    def set_state(self, state: AppState) -> None:
        """Show ``state``: tick its designs, show its parameters, and recompute.

        Parameters
        ----------
        state : AppState
            ``methods``: the designs; ``params``: parameters per design.
        """
        self.state = state
        self.exported = []
        with self._muting():
            for d, cb in self.design_boxes.items():
                cb.value = d in state.methods
            for d in state.methods:
                self._ensure_params(d)
                pc = self.param_controls[d]
                defaults = {n: f.spec.default for n, f in pc.fields.items()}
                pc.set_values({**defaults, **state.params_for(d)})
            self._sync_params_box()
        self.refresh()

    def refresh(self) -> None:
        """Run the ticked designs (cached) and update the table, charts, notes and status."""
        try:
            self._busy(f"estimating {', '.join(self.state.methods) or 'nothing'}")
            self.comparison = compute(self.state, self.data, self.cache)
            self.frame = impact_table(self.comparison)
            # the table goes out first: it does not wait for the charts
            self.table.value = impact_table_html(self.frame, self.comparison.failures)
            self.notes.value = notes_html(self.comparison)
            self.charts, self._chart_errors = impact_charts(self.comparison)
            for kind, jc in self.chart_widgets.items():
                if kind in self.charts:
                    jc.chart = self.charts[kind]
                    jc.layout.display = None
                else:
                    jc.layout.display = "none"
            self._show_status()
        except Exception as err:
            self._show_error("update", err)

    def export(self) -> list[Path]:
        """Write the table (xlsx) and the charts shown (png) into the export folder.

        Returns
        -------
        list of Path
            Every file written (see :func:`export_impact`).
        """
        self._busy("exporting")
        self.exported = []
        self.exported = export_impact(self.comparison, self.export_dir.value, table=self.frame,
                                      charts=self.charts)
        self._show_status()
        return self.exported

    # ------------------------------------------------------------------ display helpers
    def _show_status(self) -> None:
        comp = self.comparison
        n_excl = sum(len(r.excluded) for r in comp.results.values())
        summary = (f"{len(comp.results)} design(s) estimated, {len(self.frame)} table row(s); "
                   f"{n_excl:,} observation(s) excluded with a reason (counts below, every one "
                   "in the export)")
        empty = not comp.results and not comp.failures
        self._show_outcome(comp.failures, attr="design", chart_errors=self._chart_errors,
                           summary=summary, hint="Tick at least one design." if empty else None)
