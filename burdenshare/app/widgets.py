"""The comparison app: a thin ipywidgets shell over :mod:`burdenshare.app.state`.

Every handler turns a control change into a new :class:`~burdenshare.app.state.AppState` and
calls :meth:`ComparisonApp.refresh`, which calls the library (compare, table, chart) and
assigns what it returns. Errors from estimators, parameters and export are shown in the status
area (CSS class ``bs-status``), never only in the log. Every control has a stable CSS class
(``bs-...``) for the browser tests.

Altair's offline mode is switched on for the whole kernel (``alt.JupyterChart.enable_offline()``,
a class-wide setting) before the first chart is made, so nothing loads from a CDN.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as w

from ..data import Dataset
from ..estimators.base import Estimator
from ..io import load_sample
from ..registry import available, get
from ._shell import enable_offline, error_status
from ._vintage import GIVEN, data_for, vintage_options
from .controls import ParamControls
from .state import (
    CHART_KINDS,
    EXPORT_FORMATS,
    AppState,
    ResultCache,
    chart_for,
    compute,
    country_options,
    default_state,
    export_files,
    table_frame,
    table_html,
)

__all__ = ["ComparisonApp", "sample_dataset"]

_STYLE = {"description_width": "initial"}
_DEFAULT_FORMATS = ("xlsx", "png")


@lru_cache(maxsize=1)
def sample_dataset() -> Dataset:
    """Return the embedded samples, loaded once per kernel (:func:`burdenshare.load_sample`)."""
    return load_sample()


class ComparisonApp(w.VBox):
    """Compare burden-sharing methods interactively: countries, years, methods, parameters.

    Parameters
    ----------
    data : Dataset, optional
        Default: the embedded samples (:func:`burdenshare.load_sample`, loaded once).
    state : AppState, optional
        The selection to open on (default :func:`~burdenshare.app.state.default_state`:
        latest year, ten largest refugee-hosting countries, the relative-burden methods).
    methods : iterable of str or estimator classes, optional
        Methods offered (default: every registered estimator). Classes (e.g. one written in a
        notebook) get parameter controls from their fields like the built-ins.
    export_dir : str or Path
        Where the export button writes (created when needed).
    cache_size : int
        How many results to keep, so that going back to a parameter value is instant (0: none).
    vintage : str, optional
        Open on a data vintage instead of ``data``: ``"embedded"``, ``"latest"``, a publisher
        or stored vintage ids (:func:`burdenshare.load`). The ``bs-vintage`` dropdown switches
        between the embedded samples and every stored vintage.
    data_dir : str or Path, optional
        Vintage store folder (default: the user data directory).

    Attributes
    ----------
    state : AppState
    comparison : Comparison
    frame : pandas.DataFrame
        The table shown.
    chart : altair.JupyterChart
    exported : list of Path
        Files written by the last export.
    """

    def __init__(self, data: Dataset | None = None, *, state: AppState | None = None,
                 methods: Iterable[str | type[Estimator]] | None = None,
                 export_dir: str | Path = "exports", cache_size: int = 64,
                 vintage: str | None = None, data_dir: str | Path | None = None) -> None:
        enable_offline()  # before any JupyterChart exists (class-wide switch)
        super().__init__()
        self.add_class("bs-app")
        if data is not None and vintage is not None:
            raise ValueError("give data or vintage, not both")
        self.data_dir = data_dir
        self._given = data
        self._vintage_choice = vintage
        self.data = data_for(GIVEN if data is not None else vintage, data_dir, data)
        self.state = state if state is not None else default_state(self.data)
        self.cache = ResultCache(maxsize=cache_size)
        self.exported: list[Path] = []
        self._muted = False
        self.classes: dict[str, type[Estimator]] = {}
        names: list[str] = []
        for m in (methods if methods is not None else available()):
            if isinstance(m, type):
                self.classes[m.name] = m
                names.append(m.name)
            else:
                names.append(str(m))
        names += [m for m in self.state.methods if m not in names]
        self.export_dir = w.Text(value=str(export_dir), description="export to",
                                 style=_STYLE, continuous_update=False)
        self.export_dir.add_class("bs-export-dir")
        self._build_controls(names)
        self.status = w.HTML()
        self.status.add_class("bs-status")
        self.table = w.HTML()
        self.table.add_class("bs-table")
        self.comparison = compute(self.state, self.data, self.cache, classes=self.classes)
        self.frame = table_frame(self.comparison, self.state)
        self.chart = alt.JupyterChart(self._safe_chart())
        self.chart.add_class("bs-chart")
        self._layout()
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build_controls(self, names: list[str]) -> None:
        s = self.state
        opts = country_options(self.data)
        known = {c for _, c in opts}
        self.countries = w.SelectMultiple(
            options=opts, value=tuple(c for c in s.countries if c in known), rows=10,
            description="countries", style=_STYLE, layout=w.Layout(width="320px"))
        self.countries.add_class("bs-countries")
        self.countries.observe(self._on_countries, names="value")
        ys = self.data.years
        self.years = w.IntRangeSlider(value=s.years, min=min(ys), max=max(ys), step=1,
                                      description="years", continuous_update=False,
                                      style=_STYLE, layout=w.Layout(width="430px"))
        self.years.add_class("bs-years")
        self.years.observe(self._on_years, names="value")
        self.chart_kind = w.Dropdown(options=list(CHART_KINDS), value=s.chart,
                                     description="chart", style=_STYLE)
        self.chart_kind.add_class("bs-chart-kind")
        self.chart_kind.observe(self._on_chart_kind, names="value")
        self._build_vintage()
        self.method_boxes: dict[str, w.Checkbox] = {}
        for m in names:
            try:
                tip = self._class(m).summary
            except Exception as err:  # a broken plugin: offer it, say why it fails
                tip = f"cannot load: {err}"
            cb = w.Checkbox(value=m in s.methods, description=m, indent=False, tooltip=tip,
                            layout=w.Layout(width="auto"))
            cb.add_class("bs-method")
            cb.add_class(f"bs-method-{m}")
            cb.observe(self._method_handler(m), names="value")
            self.method_boxes[m] = cb
        self.methods = w.GridBox(list(self.method_boxes.values()), layout=w.Layout(
            grid_template_columns="repeat(auto-fill, minmax(230px, 1fr))", width="100%"))
        self.methods.add_class("bs-methods")
        self.param_controls: dict[str, ParamControls] = {}
        self.params = w.VBox()
        self.params.add_class("bs-params")
        for m in s.methods:
            self._ensure_params(m)
        self._sync_params_box()
        self.formats = {f: w.Checkbox(value=f in _DEFAULT_FORMATS, description=f, indent=False,
                                      layout=w.Layout(width="80px")) for f in EXPORT_FORMATS}
        for f, cb in self.formats.items():
            cb.add_class(f"bs-format-{f}")
        self.format_box = w.HBox(list(self.formats.values()))
        self.format_box.add_class("bs-export-formats")
        self.export_button = w.Button(description="Export", icon="download",
                                      tooltip="write the comparison in the ticked formats")
        self.export_button.add_class("bs-export")
        self.export_button.on_click(self._on_export)

    def _layout(self) -> None:
        left = w.VBox([self.vintage, self.countries, self.years, self.chart_kind],
                      layout=w.Layout(width="440px", flex="0 0 auto"))
        right = w.VBox([w.HTML("<b>methods</b> (hover for a summary)"), self.methods],
                       layout=w.Layout(flex="1 1 auto"))
        exp = w.VBox([w.HTML("<b>export</b> (every file carries its provenance)"),
                      self.format_box, w.HBox([self.export_dir, self.export_button])])
        self.children = [w.HBox([left, right]), w.HTML("<b>parameters</b>"), self.params,
                         self.status, self.table, self.chart, exp]

    def _build_vintage(self) -> None:
        opts = vintage_options(self.data_dir, given=self._given is not None)
        value = GIVEN if self._given is not None else (self._vintage_choice or "embedded")
        if value not in {v for _, v in opts}:  # e.g. a publisher key or several ids
            opts.append((value, value))
        self.vintage = w.Dropdown(options=opts, value=value, description="data",
                                  style=_STYLE, layout=w.Layout(width="430px"))
        self.vintage.add_class("bs-vintage")
        self.vintage.observe(self._on_vintage, names="value")

    def _on_vintage(self, change: Mapping[str, Any]) -> None:
        if not self._muted:
            self._guard("data vintage", lambda: self.set_vintage(change["new"]))

    def set_vintage(self, vintage: str) -> None:
        """Switch the data to a vintage (``"embedded"``, ``"latest"``, a stored id) and recompute.

        Parameters
        ----------
        vintage : str
            A value of the ``bs-vintage`` dropdown or any choice :func:`burdenshare.load` takes.
        """
        data = data_for(vintage, self.data_dir, self._given)
        self.data = data
        self._vintage_choice = vintage
        self._muted = True
        try:
            if vintage in {v for _, v in self.vintage.options}:
                self.vintage.value = vintage
            self.countries.options = country_options(data)
            ys = data.years
            self.years.max = max(max(ys), self.years.min)
            self.years.min = min(ys)
            self.years.max = max(ys)
        finally:
            self._muted = False
        lo = min(max(self.state.years[0], min(ys)), max(ys))
        hi = min(max(self.state.years[1], lo), max(ys))
        known = {c for _, c in self.countries.options}
        self.set_state(self.state.replace(
            years=(lo, hi), countries=tuple(c for c in self.state.countries if c in known)))

    def _ensure_params(self, method: str) -> None:
        if method in self.param_controls:
            return
        try:
            cls = self._class(method)
        except Exception:  # reported by compute() as a failure of this method
            return
        pc = ParamControls(cls, self.state.params_for(method))
        pc.observe(self._param_handler(method))
        self.param_controls[method] = pc

    def _class(self, method: str) -> type[Estimator]:
        return self.classes.get(method) or get(method)

    def _sync_params_box(self) -> None:
        self.params.children = [self.param_controls[m].widget for m in self.state.methods
                                if m in self.param_controls]

    # ------------------------------------------------------------------ handlers
    def _guard(self, what: str, fn: Callable[[], object]) -> None:
        """Run ``fn``; show any error in the status area (callbacks' errors are otherwise lost)."""
        try:
            fn()
        except Exception as err:
            self._show_error(what, err)

    def _on_countries(self, change: Mapping[str, Any]) -> None:
        if not self._muted:
            self._guard("countries", lambda: self.set_state(
                self.state.replace(countries=tuple(change["new"]))))

    def _on_years(self, change: Mapping[str, Any]) -> None:
        if not self._muted:
            self._guard("years", lambda: self.set_state(
                self.state.replace(years=tuple(change["new"]))))

    def _on_chart_kind(self, change: Mapping[str, Any]) -> None:
        if not self._muted:
            self._guard("chart", lambda: self.set_state(self.state.replace(chart=change["new"])))

    def _method_handler(self, method: str) -> Callable[[Mapping[str, Any]], None]:
        def handler(change: Mapping[str, Any]) -> None:
            if self._muted:
                return
            ms = [m for m in self.method_boxes if self.method_boxes[m].value]
            ms = [m for m in self.state.methods if m in ms] + [m for m in ms
                                                               if m not in self.state.methods]
            if change["new"]:
                self._guard(method, lambda: self._ensure_params(method))
            self._guard(method, lambda: self.set_state(self.state.replace(methods=tuple(ms))))
        return handler

    def _param_handler(self, method: str) -> Callable[[Mapping[str, Any]], None]:
        def handler(change: Mapping[str, Any]) -> None:
            if self._muted:
                return

            def apply() -> None:
                params = self.param_controls[method].changed()
                self.set_state(self.state.with_params(method, params))
            self._guard(f"{method} parameters", apply)
        return handler

    def _on_export(self, _button: Any = None) -> None:
        self._guard("export", self.export)

    # ------------------------------------------------------------------ API
    def set_state(self, state: AppState) -> None:
        """Show ``state``: update the controls to match it and recompute.

        Parameters
        ----------
        state : AppState
        """
        self.state = state
        self.exported = []
        self._muted = True
        try:
            known = {c for _, c in self.countries.options}
            self.countries.value = tuple(c for c in state.countries if c in known)
            self.years.value = state.years
            self.chart_kind.value = state.chart
            for m, cb in self.method_boxes.items():
                cb.value = m in state.methods
            for m in state.methods:
                self._ensure_params(m)
            self._sync_params_box()
        finally:
            self._muted = False
        self.refresh()

    def refresh(self) -> None:
        """Recompute the comparison and update the table, chart and status."""
        try:
            self.comparison = compute(self.state, self.data, self.cache, classes=self.classes)
            self.frame = table_frame(self.comparison, self.state)
            # the table goes out first: it does not wait for the chart to be built
            self.table.value = table_html(self.frame, failures=self.comparison.failures)
            self.chart.chart = self._safe_chart()
            self._show_status()
        except Exception as err:
            self._show_error("update", err)

    def export(self, formats: Iterable[str] | None = None) -> list[Path]:
        """Write the comparison in ``formats`` (default: the ticked ones) into the export dir.

        Parameters
        ----------
        formats : iterable of str, optional

        Returns
        -------
        list of Path
        """
        fmts = list(formats) if formats is not None else [f for f, cb in self.formats.items()
                                                           if cb.value]
        self.status.value = ('<div class="bs-status-busy">exporting '
                             f"{html.escape(', '.join(fmts) or 'nothing')} …</div>")
        # the chart on screen (rebuilt by export_files only if it could not be drawn)
        chart = self.chart.chart if self._chart_error is None else None
        self.exported = export_files(self.comparison, self.state, self.export_dir.value, fmts,
                                     chart=chart)
        self._show_status()
        return self.exported

    # ------------------------------------------------------------------ display helpers
    def _safe_chart(self) -> Any:
        self._chart_error: str | None = None
        try:
            return chart_for(self.comparison, self.state, self.frame)
        except Exception as err:
            self._chart_error = f"{type(err).__name__}: {err}"
            return alt.Chart().mark_text().properties(title="no chart: see the status above")

    def _show_status(self) -> None:
        comp = self.comparison
        lines = []
        ok = not comp.failures and self._chart_error is None
        for label, msg in comp.failures.items():
            lines.append(f'<li class="bs-failure" data-method="{html.escape(label)}"><b>'
                         f"{html.escape(label)}</b> failed: {html.escape(msg)}</li>")
        if self._chart_error:
            lines.append(f'<li class="bs-failure">chart: {html.escape(self._chart_error)}</li>')
        n_rows = len(self.frame)
        n_excl = sum(len(r.excluded) for r in comp.results.values())
        lines.append(f"<li>{len(comp.results)} method(s) computed, {n_rows} table row(s); "
                     f"{n_excl} observation(s) excluded with a reason (in every export)</li>")
        if not comp.results and not comp.failures:
            lines.append("<li>Tick at least one method.</li>")
        if self.exported:
            files = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in self.exported)
            lines.append(f'<li class="bs-exported">exported {len(self.exported)} file(s):'
                         f"<ul>{files}</ul></li>")
        cls = "bs-status-ok" if ok else "bs-status-error"
        self.status.value = (f'<div class="{cls}" data-failures="{len(comp.failures)}">'
                             f"<ul>{''.join(lines)}</ul></div>")

    def _show_error(self, what: str, err: BaseException) -> None:
        self.status.value = error_status(what, err)
