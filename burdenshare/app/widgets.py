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

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as w

from ..data import Dataset
from ..estimators.base import Estimator
from ..registry import available, get
from ._base import STYLE, MethodsApp
from ._vintage import sample_dataset
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

_DEFAULT_FORMATS = ("xlsx", "png")


class ComparisonApp(MethodsApp):
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
    vintage, data_dir : str, optional
        A data vintage to open on instead of ``data``, and the vintage store folder (see
        :class:`~burdenshare.app._base.AppShell`); the ``bs-vintage`` dropdown switches vintage.

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
        super().__init__(data, vintage=vintage, data_dir=data_dir)
        self.state = state if state is not None else default_state(self.data)
        self.cache = ResultCache(maxsize=cache_size)
        self.classes: dict[str, type[Estimator]] = {}
        names: list[str] = []
        for m in (methods if methods is not None else available()):
            if isinstance(m, type):
                self.classes[m.name] = m
                names.append(m.name)
            else:
                names.append(str(m))
        names += [m for m in self.state.methods if m not in names]
        self._build_controls(names)
        self.table = self._html("table")
        self.comparison = compute(self.state, self.data, self.cache, classes=self.classes)
        self.frame = table_frame(self.comparison, self.state)
        self.chart = alt.JupyterChart(self._safe_chart())
        self.chart.add_class("bs-chart")
        export = self._export_row(export_dir, "every file carries its provenance", self.export,
                                  [self.format_box])
        self._arrange(
            "<b>Compare burden-sharing methods</b>: pick countries, years and methods on the "
            "left; the table and chart follow.",
            [w.HTML("<b>countries</b> (ctrl/shift-click for several)"), self.countries,
             self.years, self.chart_kind,
             w.HTML("<b>methods</b> (hover for a summary)"), self.methods,
             w.HTML("<b>parameters</b>"), self.params],
            [export, self.table, self.chart])
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build_controls(self, names: list[str]) -> None:
        s = self.state
        opts = country_options(self.data)
        known = {c for _, c in opts}
        self.countries = w.SelectMultiple(
            options=opts, value=tuple(c for c in s.countries if c in known), rows=8,
            layout=w.Layout(width="98%"))
        self.countries.add_class("bs-countries")
        self.countries.observe(self._on_countries, names="value")
        ys = self.data.years
        self.years = w.IntRangeSlider(value=s.years, min=min(ys), max=max(ys), step=1,
                                      description="years", continuous_update=False,
                                      style=STYLE, layout=w.Layout(width="98%"))
        self.years.add_class("bs-years")
        self.years.observe(self._on_years, names="value")
        self.chart_kind = w.Dropdown(options=list(CHART_KINDS), value=s.chart,
                                     description="chart", style=STYLE)
        self.chart_kind.add_class("bs-chart-kind")
        self.chart_kind.observe(self._on_chart_kind, names="value")
        self.method_boxes, self.methods = self._method_grid(names, "bs-method",
                                                            self._method_handler, "170px")
        self._build_params()
        self.formats = {f: w.Checkbox(value=f in _DEFAULT_FORMATS, description=f, indent=False,
                                      layout=w.Layout(width="80px")) for f in EXPORT_FORMATS}
        for f, cb in self.formats.items():
            cb.add_class(f"bs-format-{f}")
        self.format_box = w.HBox(list(self.formats.values()), layout=w.Layout(
            flex_flow="row wrap"))
        self.format_box.add_class("bs-export-formats")

    def _on_new_data(self) -> None:
        data = self.data
        ys = data.years
        with self._muting():
            self.countries.options = country_options(data)
            self.years.max = max(max(ys), self.years.min)
            self.years.min = min(ys)
            self.years.max = max(ys)
        lo = min(max(self.state.years[0], min(ys)), max(ys))
        hi = min(max(self.state.years[1], lo), max(ys))
        known = {c for _, c in self.countries.options}
        self.set_state(self.state.replace(
            years=(lo, hi), countries=tuple(c for c in self.state.countries if c in known)))

    def _class(self, method: str) -> type[Estimator]:
        return self.classes.get(method) or get(method)

    # ------------------------------------------------------------------ handlers
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

    def _apply_params(self, method: str, params: Mapping[str, Any]) -> None:
        self.set_state(self.state.with_params(method, params))

    # ------------------------------------------------------------------ API
    def set_state(self, state: AppState) -> None:
        """Show ``state``: update the controls to match it and recompute.

        Parameters
        ----------
        state : AppState
        """
        self.state = state
        self.exported = []
        with self._muting():
            known = {c for _, c in self.countries.options}
            self.countries.value = tuple(c for c in state.countries if c in known)
            self.years.value = state.years
            self.chart_kind.value = state.chart
            for m, cb in self.method_boxes.items():
                cb.value = m in state.methods
            for m in state.methods:
                self._ensure_params(m)
            self._sync_params_box()
        self.refresh()

    def refresh(self) -> None:
        """Recompute the comparison and update the table, chart and status."""
        try:
            self._busy(f"computing {', '.join(self.state.methods) or 'nothing'}")
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
        self._busy(f"exporting {', '.join(fmts) or 'nothing'}")
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
        n_excl = sum(len(r.excluded) for r in comp.results.values())
        summary = (f"{len(comp.results)} method(s) computed, {len(self.frame)} table row(s); "
                   f"{n_excl} observation(s) excluded with a reason (in every export)")
        empty = not comp.results and not comp.failures
        charts = {self.state.chart: self._chart_error} if self._chart_error else {}
        self._show_outcome(comp.failures, attr="method", chart_errors=charts, summary=summary,
                           hint="Tick at least one method." if empty else None)
