"""The "why methods differ" app: pick the choices to vary, see the specification curve and the
variance attribution update.

A thin ipywidgets shell over :mod:`burdenshare.multiverse` and
:mod:`burdenshare.charts.multiverse`: each control change builds a sub-grid
(:meth:`Grid.subgrid`), runs it serially (results are cached per sub-grid) and assigns the
charts. Errors are shown in the status area (CSS class ``bs-mv-status``). Every control has a
stable CSS class ``bs-mv-*`` for the browser tests. Altair's offline mode is switched on before
the first chart, so nothing loads from a CDN.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd

from ..charts.multiverse import attribution_chart, specification_curve_chart
from ..countries import country_name
from ..data import Dataset
from ..multiverse import Grid, Multiverse, read_grid, run_multiverse
from ..multiverse.grid import METHOD, value_label
from ._base import STYLE, AppShell

__all__ = ["MultiverseApp", "subgrid_for"]



def subgrid_for(grid: Grid, vary: Mapping[str, bool], fixed: Mapping[str, str]) -> Grid:
    """Return the sub-grid the app runs: varied choices keep every value, others one.

    Parameters
    ----------
    grid : Grid
    vary : Mapping
        Decision name -> whether it varies (``method`` included).
    fixed : Mapping
        Decision name -> the label of the value kept when it does not vary.

    Returns
    -------
    Grid
    """
    fix: dict[str, Any] = {}
    for c in grid.choices:
        if not vary.get(c.name, True):
            label = fixed.get(c.name, value_label(c.values[0]))
            match = [v for v in c.values if value_label(v) == label]
            if not match:
                raise ValueError(f"choice {c.name!r} has no value {label!r}")
            fix[c.name] = match[0]
    if not vary.get(METHOD, True):
        fix[METHOD] = fixed.get(METHOD, grid.methods[0].label)
    return grid.subgrid(fix=fix)


class MultiverseApp(AppShell):
    """Pick the choices to vary; see the specification curve and the attribution update.

    Parameters
    ----------
    grid : Grid, str or Path
        A grid or a grid file (e.g. ``methodology/grids/latest_year.toml``).
    data : Dataset, optional
        Default: the embedded samples.
    family : str, optional
        Family of methods shown first (default: the first method's).
    run : bool
        Run the grid at once (default True).
    multiverse : Multiverse, optional
        A run of ``grid`` already made (e.g. ``run_multiverse(grid, data)``): shown at once
        instead of running the grid again.
    vintage, data_dir : str, optional
        A data vintage to open on instead of ``data``, and the vintage store folder (see
        :class:`~burdenshare.app._base.AppShell`); the ``bs-mv-vintage`` dropdown switches vintage.

    Attributes
    ----------
    grid : Grid
    multiverse : Multiverse or None
        The last run.
    """

    css = "bs-mv"

    def __init__(self, grid: Grid | str | Path, data: Dataset | None = None, *,
                 family: str | None = None, run: bool = True,
                 multiverse: Multiverse | None = None, vintage: str | None = None,
                 data_dir: str | Path | None = None) -> None:
        super().__init__(data, vintage=vintage, data_dir=data_dir)
        self.grid = grid if isinstance(grid, Grid) else read_grid(grid)
        self.multiverse: Multiverse | None = None
        self._cache: dict[str, Multiverse] = {}
        self._build_view(family)
        self._build_choices()
        self._arrange(
            "<b>Why methods differ</b>: choose which decisions vary; the others are fixed at "
            "the value shown.",
            [self.family, self.on, self.country, self.quantity, self.run_button, self.count,
             self.choices_box],
            [self.curve_chart, self.attribution_chart, self.drivers])
        if multiverse is not None:
            if multiverse.grid.to_json() != self.grid.to_json():
                raise ValueError("multiverse was run from another grid than the one given")
            self._cache[self.current_grid().to_json()] = multiverse
        if run or multiverse is not None:
            self._guard("running the grid", self.refresh)

    # ---- building
    def _build_view(self, family: str | None) -> None:
        """The view controls (family, rank or value, country, quantity) and the results."""
        families = list(dict.fromkeys(m.family for m in self.grid.methods))
        self.family = w.Dropdown(options=families, value=family or families[0],
                                 description="Family", style=STYLE)
        self.family.add_class("bs-mv-family")
        self.on = w.ToggleButtons(options=[("rank", "rank"), ("value", "value")], value="rank",
                                  description="Show", style=STYLE)
        self.on.add_class("bs-mv-on")
        self.country = w.Dropdown(options=[], description="Country", style=STYLE)
        self.country.add_class("bs-mv-country")
        self.quantity = w.Dropdown(options=[], description="Quantity", style=STYLE)
        self.quantity.add_class("bs-mv-quantity")
        self.count = self._html("count")
        self.run_button = w.Button(description="Run grid", button_style="primary")
        self.run_button.add_class("bs-mv-run")
        self.run_button.on_click(lambda _b: self._guard("running the grid", self.refresh))
        self.drivers = self._html("drivers")
        self.curve_chart = alt.JupyterChart(_placeholder("Run the grid to see the curve"))
        self.curve_chart.add_class("bs-mv-curve")
        self.attribution_chart = alt.JupyterChart(_placeholder(""))
        self.attribution_chart.add_class("bs-mv-attribution")
        self.family.observe(self._on_family, names="value")
        for ctl in (self.on, self.country, self.quantity):
            ctl.observe(self._on_view, names="value")

    def _build_choices(self) -> None:
        """One "vary" box and one fixed-value dropdown per decision of the grid."""
        self.vary: dict[str, w.Checkbox] = {}
        self.fixed: dict[str, w.Dropdown] = {}
        rows = []
        decisions = [(METHOD, [m.label for m in self.grid.methods])] + [
            (c.name, [value_label(v) for v in c.values]) for c in self.grid.choices]
        for name, labels in decisions:
            cb = w.Checkbox(value=True, description=f"vary {name}", indent=False,
                            layout=w.Layout(width="150px"))
            cb.add_class("bs-mv-vary")
            cb.add_class(f"bs-mv-vary-{name.replace('.', '-')}")
            dd = w.Dropdown(options=labels, value=labels[0], disabled=True,
                            layout=w.Layout(width="240px"))
            dd.add_class(f"bs-mv-fix-{name.replace('.', '-')}")
            cb.observe(self._on_vary(name), names="value")
            dd.observe(self._on_change, names="value")
            self.vary[name], self.fixed[name] = cb, dd
            rows.append(w.HBox([cb, dd]))
        self.choices_box = w.VBox(rows)
        self.choices_box.add_class("bs-mv-choices")

    def _on_new_data(self) -> None:
        self._cache.clear()  # the runs were on the other data
        self._guard("running the grid", self.refresh)

    # ---- handlers
    def _on_vary(self, name: str) -> Any:
        def handler(change: Mapping[str, Any]) -> None:
            self.fixed[name].disabled = bool(change["new"])
            self._guard("running the grid", self.refresh)
        return handler

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self._guard("running the grid", self.refresh)

    def _on_family(self, _change: Mapping[str, Any]) -> None:
        if self._muted or self.multiverse is None:
            return
        def draw() -> None:
            self._update_options()
            self.redraw()
        self._guard("drawing the charts", draw)

    def _on_view(self, _change: Mapping[str, Any]) -> None:
        if self._muted:
            return
        self._guard("drawing the charts", self.redraw)

    # ---- actions
    def current_grid(self) -> Grid:
        """Return the sub-grid of the current selection."""
        return subgrid_for(self.grid, {k: cb.value for k, cb in self.vary.items()},
                           {k: dd.value for k, dd in self.fixed.items()})

    def refresh(self) -> None:
        """Run the current sub-grid (cached) and redraw."""
        sub = self.current_grid()
        key = sub.to_json()
        if key not in self._cache:
            self._busy("running the grid")
            self._cache[key] = run_multiverse(sub, self.data, progress=False)
        mv = self._cache[key]
        self.multiverse = mv
        nf = int((mv.manifest["status"] == "failed").sum())
        self.count.value = (f"{len(mv.manifest):,} universes, {nf} failed, "
                            f"{len(mv.ruled_out)} ruled out")
        self.status.value = "" if not nf else (
            f'<div class="bs-status-error" data-failures="{nf}">{nf} universe(s) failed, e.g. '
            f"{html.escape(str(mv.failures['error'].iloc[0]))}</div>")
        self._update_options()
        self.redraw()

    def _update_options(self) -> None:
        mv = self.multiverse
        assert mv is not None
        with self._muting():
            fams = sorted(set(mv.manifest.loc[mv.manifest["status"] == "ok", "family"]))
            keep = self.family.value if self.family.value in fams else (fams[0] if fams else None)
            self.family.options = fams
            self.family.value = keep
            long = mv.long[mv.long["family"] == keep]
            spread = long.groupby("iso3")["estimate"].count().sort_values(ascending=False)
            codes = sorted(spread.index, key=lambda c: country_name(c))
            old = self.country.value
            self.country.options = [(f"{country_name(c)} ({c})", c) for c in codes]
            if codes and keep is not None:  # keep is None only when no family ran (codes empty)
                self.country.value = old if old in codes else _most_moved(mv, keep, codes)
            qs = sorted(set(long["quantity"]))
            oldq = self.quantity.value
            self.quantity.options = qs
            if qs:
                self.quantity.value = oldq if oldq in qs else qs[0]

    def redraw(self) -> None:
        """Redraw the curve, the attribution and the drivers table for the current view."""
        mv = self.multiverse
        if mv is None or not self.country.value:
            return
        on = self.on.value
        q = self.quantity.value if on == "value" else None
        curve = mv.curve(self.country.value, on=on, family=self.family.value, quantity=q)
        self.curve_chart.chart = specification_curve_chart(curve, footer=mv.footer())
        att = mv.attribution(on=on, family=self.family.value)
        if on == "value":
            att = att[att["quantity"] == q]
        mine = att[att["iso3"] == self.country.value] if len(att) else att
        if len(mine) and mine["share_shapley"].notna().any():
            self.attribution_chart.chart = attribution_chart(
                att, iso3=self.country.value, family=self.family.value, footer=mv.footer())
        else:
            self.attribution_chart.chart = _placeholder(
                f"No spread to attribute for {self.country.value} (every universe agrees)")
        top = mv.drivers(on=on, family=self.family.value)
        if top.empty:
            self.drivers.value = "<p>No decision varies: nothing to attribute.</p>"
            return
        if on == "value":
            top = top[top["quantity"] == q]
        show = top.head(15)[["scope", "iso3", "top_choice", "top_share", "second_choice",
                             "second_share", "n_universes"]]
        self.drivers.value = ("<p>Which choice moves each country most (largest spread first)</p>"
                              + show.to_html(index=False, float_format=lambda v: f"{v:.2f}",
                                             na_rep=""))


def _most_moved(mv: Multiverse, family: str, codes: list[str]) -> str:
    r = mv.rank_distribution(family=family)
    if r.empty:
        return codes[0]
    r = r.assign(width=r["rank_max"] - r["rank_min"]).sort_values(["rank_median", "iso3"])
    top = r.head(10).sort_values(["width", "rank_median"], ascending=[False, True])
    return str(top["iso3"].iloc[0]) if len(top) else codes[0]


def _placeholder(text: str) -> Any:
    return alt.Chart(pd.DataFrame({"t": [text]})).mark_text(size=13).encode(text="t:N").properties(
        width=400, height=40)
