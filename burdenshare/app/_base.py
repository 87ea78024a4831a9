"""The frame every burdenshare app shares: one layout and the handlers written once.

:class:`AppShell` lays an app out as a workspace: a header line, a side panel of controls
(the data-vintage dropdown first) and, on the right, the results: the status line, the
export row and then what the app shows (table, charts, notes). Each app supplies only its
controls, its results widgets and its ``refresh``/``export`` functions; the shell gives them
the status and error display (:func:`~burdenshare.app._shell.error_status`), the busy
indicator, the guard that keeps a callback's error in the status area, the export row and the
data-vintage switch.

CSS classes are ``<css>-app``, ``<css>-status``, ``<css>-export``, ``<css>-export-dir`` and
``<css>-vintage``, where ``css`` is the app's prefix (``bs``, ``bs-impact``, ``bs-mv``); the
side panel is ``bs-side`` and the results column ``bs-results``.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as w

from ..data import Dataset
from ._shell import enable_offline, error_status
from ._vintage import GIVEN, data_for, vintage_options
from .controls import ParamControls
from .state import AppState

__all__ = ["STYLE", "AppShell", "MethodsApp"]

#: Widget style of every labelled control: the description takes the room it needs.
STYLE = {"description_width": "initial"}
#: Width of the side panel of controls.
_SIDE_WIDTH = "360px"


class AppShell(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped (VBox is Any)
    """The layout and shared handlers of the burdenshare apps (subclass it).

    Parameters
    ----------
    data : Dataset, optional
        The data to open on (default: ``vintage``, else the embedded samples).
    vintage : str, optional
        A data vintage instead of ``data`` (:func:`burdenshare.load`: ``"embedded"``,
        ``"latest"``, a publisher or stored vintage ids).
    data_dir : str or Path, optional
        Vintage store folder (default: the user data directory).

    Attributes
    ----------
    data : Dataset
        The data the app works on.
    status : ipywidgets.HTML
        The status line (CSS class ``<css>-status``).
    vintage : ipywidgets.Dropdown
        The data-vintage choice (CSS class ``<css>-vintage``).
    exported : list of Path
        Files written by the last export.

    Raises
    ------
    ValueError
        Both ``data`` and ``vintage`` given.
    """

    #: CSS prefix of the app's widgets.
    css: ClassVar[str] = "bs"

    def __init__(self, data: Dataset | None = None, *, vintage: str | None = None,
                 data_dir: str | Path | None = None) -> None:
        enable_offline()  # before any JupyterChart exists (class-wide switch)
        super().__init__()
        self.add_class(f"{self.css}-app")
        if data is not None and vintage is not None:
            raise ValueError("give data or vintage, not both")
        self.data_dir = data_dir
        self._given = data
        self._vintage_choice = vintage
        self.data = data_for(GIVEN if data is not None else vintage, data_dir, data)
        self.exported: list[Path] = []
        self._muted = False
        self.status = self._html("status")
        self.vintage = self._vintage_dropdown()

    # ------------------------------------------------------------------ building
    def _html(self, name: str) -> w.HTML:
        """An HTML widget with the CSS class ``<css>-<name>``."""
        out = w.HTML()
        out.add_class(f"{self.css}-{name}")
        return out

    def _export_row(self, export_dir: str | Path, note: str, run: Callable[[], object],
                    extra: Sequence[w.Widget] = ()) -> w.VBox:
        """The export row: a note, ``extra`` controls, the folder and the button.

        Parameters
        ----------
        export_dir : str or Path
            Folder shown in the ``<css>-export-dir`` box.
        note : str
            What the export writes (shown in bold with the row).
        run : callable
            Called (guarded) when the ``<css>-export`` button is clicked.
        extra : sequence of widgets
            Shown between the note and the folder (e.g. format boxes).

        Returns
        -------
        ipywidgets.VBox
        """
        self.export_dir = w.Text(value=str(export_dir), description="export to", style=STYLE,
                                 continuous_update=False)
        self.export_dir.add_class(f"{self.css}-export-dir")
        self.export_button = w.Button(description="Export", icon="download", tooltip=note)
        self.export_button.add_class(f"{self.css}-export")
        self.export_button.on_click(lambda _b: self._guard("export", run))
        row = w.VBox([w.HTML(f"<b>export</b> ({html.escape(note)})"), *extra,
                      w.HBox([self.export_dir, self.export_button])])
        row.add_class("bs-export-row")
        return row

    def _arrange(self, header: str, controls: Sequence[w.Widget],
                 results: Sequence[w.Widget]) -> None:
        """Lay the app out: header; controls on the left; status and results on the right.

        Parameters
        ----------
        header : str
            HTML of the header line.
        controls : sequence of widgets
            The side panel, under the data-vintage dropdown.
        results : sequence of widgets
            The results column, under the status line (export row, table, charts, notes).
        """
        side = w.VBox([self.vintage, *controls], layout=w.Layout(
            width=_SIDE_WIDTH, flex=f"0 0 {_SIDE_WIDTH}", overflow="hidden auto"))
        side.add_class("bs-side")
        main = w.VBox([self.status, *results], layout=w.Layout(
            flex="1 1 auto", min_width="0", overflow="auto hidden"))
        main.add_class("bs-results")
        body = w.HBox([side, main], layout=w.Layout(width="100%", align_items="flex-start"))
        self.children = [w.HTML(header), body]

    def _vintage_dropdown(self) -> w.Dropdown:
        opts = vintage_options(self.data_dir, given=self._given is not None)
        value = GIVEN if self._given is not None else (self._vintage_choice or "embedded")
        if value not in {v for _, v in opts}:  # e.g. a publisher key or several ids
            opts.append((value, value))
        dd = w.Dropdown(options=opts, value=value, description="data", style=STYLE,
                        layout=w.Layout(width="100%"))
        dd.add_class(f"{self.css}-vintage")
        dd.observe(self._on_vintage, names="value")
        return dd

    # ------------------------------------------------------------------ handlers
    @contextlib.contextmanager
    def _muting(self) -> Iterator[None]:
        """Change controls without their handlers running."""
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    def _guard(self, what: str, fn: Callable[[], object]) -> None:
        """Run ``fn``; show any error in the status area (callbacks' errors are otherwise lost)."""
        try:
            fn()
        except Exception as err:
            self._show_error(what, err)

    def _on_vintage(self, change: Mapping[str, Any]) -> None:
        if not self._muted:
            self._guard("data vintage", lambda: self.set_vintage(change["new"]))

    def set_vintage(self, vintage: str) -> None:
        """Switch the data to a vintage (``"embedded"``, ``"latest"``, a stored id) and recompute.

        Parameters
        ----------
        vintage : str
            A value of the vintage dropdown or any choice :func:`burdenshare.load` takes.
        """
        self.data = data_for(vintage, self.data_dir, self._given)
        self._vintage_choice = vintage
        with self._muting():
            if vintage in {v for _, v in self.vintage.options}:
                self.vintage.value = vintage
        self._on_new_data()

    def _on_new_data(self) -> None:
        """Show the new ``data`` (apps with data-dependent controls update them here)."""
        self.refresh()

    def refresh(self) -> None:
        """Recompute and show the results (each app defines it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ status
    def _busy(self, doing: str) -> None:
        """Show that something slow is under way (CSS class ``bs-status-busy``)."""
        self.status.value = f'<div class="bs-status-busy">{html.escape(doing)} …</div>'

    def _show_error(self, what: str, err: BaseException) -> None:
        self.status.value = error_status(what, err)

    def _show_outcome(self, failures: Mapping[str, str], *, attr: str,
                      chart_errors: Mapping[str, str], summary: str, hint: str | None) -> None:
        """Show what the last computation gave: failures, chart errors, a summary, exports.

        Parameters
        ----------
        failures : Mapping
            Method (or design) -> why it failed; each is a ``bs-failure`` item carrying
            ``data-<attr>``.
        attr : str
            ``"method"`` or ``"design"``.
        chart_errors : Mapping
            Chart name -> why it could not be drawn.
        summary : str
            The line saying what was computed (plain text).
        hint : str, optional
            Advice shown after the summary (e.g. "Tick at least one method.").
        """
        lines = [f'<li class="bs-failure" data-{attr}="{html.escape(k)}"><b>{html.escape(k)}'
                 f"</b> failed: {html.escape(msg)}</li>" for k, msg in failures.items()]
        lines += [f'<li class="bs-failure" data-chart="{html.escape(k)}">chart '
                  f"{html.escape(k)}: {html.escape(msg)}</li>" for k, msg in chart_errors.items()]
        lines.append(f"<li>{html.escape(summary)}</li>")
        if hint:
            lines.append(f"<li>{html.escape(hint)}</li>")
        if self.exported:
            files = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in self.exported)
            lines.append(f'<li class="bs-exported">exported {len(self.exported)} file(s):'
                         f"<ul>{files}</ul></li>")
        ok = not failures and not chart_errors
        cls = "bs-status-ok" if ok else "bs-status-error"
        self.status.value = (f'<div class="{cls}" data-failures="{len(failures)}">'
                             f"<ul>{''.join(lines)}</ul></div>")


class MethodsApp(AppShell):
    """An :class:`AppShell` whose selection is an :class:`~burdenshare.app.state.AppState`.

    Adds the parameter controls of the chosen methods (``<css>-params``), built once per
    method and shown in the order of ``state.methods``. Subclasses set ``state`` before
    calling :meth:`_build_params`, and say what a parameter change does in
    :meth:`_apply_params`.
    """

    state: AppState

    def _build_params(self) -> None:
        """The (empty) parameter box, then the controls of the methods in ``state``."""
        self.param_controls: dict[str, ParamControls] = {}
        self.params = w.VBox()
        self.params.add_class(f"{self.css}-params")
        for m in self.state.methods:
            self._ensure_params(m)
        self._sync_params_box()

    def _class(self, method: str) -> Any:
        """The estimator class of ``method`` (each app says where it looks)."""
        raise NotImplementedError

    def _summary(self, method: str) -> str:
        """The one-line summary shown when hovering a method (or why it cannot be loaded)."""
        try:
            return str(getattr(self._class(method), "summary", ""))
        except Exception as err:  # a broken plugin: offer it, say why it fails
            return f"cannot load: {err}"

    def _method_grid(self, names: Sequence[str], item_css: str,
                     on_tick: Callable[[str], Callable[[Mapping[str, Any]], None]],
                     min_width: str) -> tuple[dict[str, w.Checkbox], w.GridBox]:
        """One checkbox per method (ticked when chosen), in a grid.

        Parameters
        ----------
        names : sequence of str
            Methods offered.
        item_css : str
            CSS class of every box; each also gets ``<item_css>-<name>``.
        on_tick : callable
            Method name -> the box's change handler.
        min_width : str
            Narrowest column of the grid.

        Returns
        -------
        boxes : dict of str to ipywidgets.Checkbox
        grid : ipywidgets.GridBox
            CSS class ``<item_css>s``.
        """
        boxes: dict[str, w.Checkbox] = {}
        for m in names:
            cb = w.Checkbox(value=m in self.state.methods, description=m, indent=False,
                            tooltip=self._summary(m), layout=w.Layout(width="auto"))
            cb.add_class(item_css)
            cb.add_class(f"{item_css}-{m}")
            cb.observe(on_tick(m), names="value")
            boxes[m] = cb
        grid = w.GridBox(list(boxes.values()), layout=w.Layout(
            grid_template_columns=f"repeat(auto-fill, minmax({min_width}, 1fr))", width="100%"))
        grid.add_class(f"{item_css}s")
        return boxes, grid

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

    def _sync_params_box(self) -> None:
        self.params.children = [self.param_controls[m].widget for m in self.state.methods
                                if m in self.param_controls]

    def _param_handler(self, method: str) -> Callable[[Mapping[str, Any]], None]:
        def handler(change: Mapping[str, Any]) -> None:
            if self._muted:
                return
            self._guard(f"{method} parameters", lambda: self._apply_params(
                method, self.param_controls[method].changed()))
        return handler

    def _apply_params(self, method: str, params: Mapping[str, Any]) -> None:
        """Show the new parameters of ``method`` (each app says how)."""
        raise NotImplementedError
