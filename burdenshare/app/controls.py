"""Widgets generated from an estimator's parameter fields (works for plugin estimators too).

==================================== ===============================================
field annotation (and metadata)      control
==================================== ===============================================
``Literal[...]``                     ``Dropdown``
``bool``                             ``Checkbox``
``int`` / ``float``                  ``BoundedIntText`` / ``BoundedFloatText`` with the
                                     ``ge``/``gt``/``le``/``lt`` bounds (``IntText`` /
                                     ``FloatText`` without bounds)
``tuple[str, ...]`` with ``choices`` ``SelectMultiple`` (``TagsInput`` for long lists)
``str``                              ``Text``
anything else (pairs, nested lists)  ``Text`` in the parameter text syntax of
                                     :mod:`burdenshare.params` (as on the CLI)
``tuple[int, int]`` (fixed length)   ``Text`` ``a,b``
``X | None``                         a "set" ``Checkbox`` beside the control for ``X``
==================================== ===============================================

Controls only read and show values; the estimator's own constructor validates them, so a
rejected value surfaces as the estimator's :class:`~burdenshare.ParameterError` message.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import ipywidgets as w

from .._errors import ParameterError
from ..params import ParamSpec, canonical, param_specs

__all__ = ["ParamControls", "param_control"]

#: Lists longer than this get a TagsInput instead of a SelectMultiple.
_MAX_SELECT = 12
_INT_MAX = 2**31 - 1
_FLOAT_MAX = 1e300
_STYLE = {"description_width": "initial"}


@dataclass
class _Field:
    """One parameter's widget(s) with how to read and set its value."""

    spec: ParamSpec
    widget: w.Widget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    observed: tuple[w.Widget, ...]


def _css(name: str) -> str:
    return name.replace("_", "-")


def _dropdown_control(spec: ParamSpec, ann: Any, value: Any, desc: str, tip: str) -> _Field:
    """Return a dropdown for a ``Literal`` parameter."""
    opts = [(str(c), c) for c in typing.get_args(ann)]
    dd = w.Dropdown(options=opts, value=value if value is not None else opts[0][1],
                    description=desc, description_allow_html=False, tooltip=tip,
                    style=_STYLE)

    def set_dd(v: Any) -> None:
        dd.value = v
    return _Field(spec, dd, lambda: dd.value, set_dd, (dd,))


def _checkbox_control(spec: ParamSpec, value: Any, desc: str, tip: str) -> _Field:
    """Return a checkbox for a ``bool`` parameter."""
    cb = w.Checkbox(value=bool(value), description=desc, indent=False, tooltip=tip)

    def set_cb(v: Any) -> None:
        cb.value = bool(v)
    return _Field(spec, cb, lambda: cb.value, set_cb, (cb,))


def _number_limits(bounds: dict[str, Any], is_int: bool) -> tuple[Any, Any]:
    """Return the lower and upper limit of a number box (open bounds of ints closed)."""
    lo = bounds.get("ge", bounds.get("gt"))
    hi = bounds.get("le", bounds.get("lt"))
    if is_int and "gt" in bounds and "ge" not in bounds:
        lo = int(bounds["gt"]) + 1
    if is_int and "lt" in bounds and "le" not in bounds:
        hi = int(bounds["lt"]) - 1
    return lo, hi


def _number_control(spec: ParamSpec, ann: Any, value: Any, desc: str, tip: str) -> _Field:
    """Return a (bounded) number box for an ``int`` or ``float`` parameter."""
    is_int = ann is int
    lo, hi = _number_limits(dict(spec.bounds), is_int)
    big = _INT_MAX if is_int else _FLOAT_MAX
    start = value if value is not None else (lo if lo is not None else 0)
    kw: dict[str, Any] = {"value": start, "description": desc, "tooltip": tip,
                          "style": _STYLE, "continuous_update": False}
    if lo is not None or hi is not None:
        box: w.Widget = (w.BoundedIntText if is_int else w.BoundedFloatText)(
            min=lo if lo is not None else -big, max=hi if hi is not None else big,
            **({} if is_int else {"step": None}), **kw)
    else:
        box = (w.IntText if is_int else w.FloatText)(**kw)

    def set_num(v: Any) -> None:
        box.value = v
    return _Field(spec, box, lambda: box.value, set_num, (box,))


def _is_choice_tuple(spec: ParamSpec, ann: Any) -> bool:
    """Whether the parameter is a ``tuple[str, ...]`` with declared choices."""
    args = typing.get_args(ann)
    return bool(typing.get_origin(ann) is tuple and len(args) == 2 and args[1] is Ellipsis
                and args[0] is str and spec.choices)


def _choices_control(spec: ParamSpec, value: Any, desc: str, tip: str) -> _Field:
    """Return a multiple selection (or tags, for many choices) for a tuple of choices."""
    choices = tuple(spec.choices or ())
    if len(choices) <= _MAX_SELECT:
        sel: w.Widget = w.SelectMultiple(options=choices, value=tuple(value or ()),
                                         rows=min(len(choices), 5), description=desc,
                                         tooltip=tip, style=_STYLE)
    else:
        sel = w.TagsInput(value=list(value or ()), allowed_tags=list(choices),
                          allow_duplicates=False, tooltip=tip)

    def set_sel(v: Any) -> None:
        sel.value = tuple(v or ()) if isinstance(sel, w.SelectMultiple) else list(v or ())
    return _Field(spec, sel, lambda: tuple(sel.value), set_sel, (sel,))


def _text_control(spec: ParamSpec, value: Any, desc: str, tip: str) -> _Field:
    """Return a text box for a ``str`` parameter."""
    txt = w.Text(value=value or "", description=desc, tooltip=tip, style=_STYLE,
                 continuous_update=False)

    def set_txt(v: Any) -> None:
        txt.value = v or ""
    return _Field(spec, txt, lambda: txt.value, set_txt, (txt,))


def _syntax_control(spec: ParamSpec, value: Any, desc: str, tip: str) -> _Field:
    """Return a text box in the parameter text syntax (pairs "a:0.5,b:0.5", lists "a;a+b")."""
    txt2 = w.Text(value=spec.format(value), description=desc, tooltip=tip, style=_STYLE,
                  placeholder=spec.hint(), continuous_update=False)

    def get_txt() -> Any:
        return spec.parse(txt2.value) if txt2.value.strip() else ()

    def set_txt2(v: Any) -> None:
        txt2.value = spec.format(v)
    return _Field(spec, txt2, get_txt, set_txt2, (txt2,))


def _inner_control(spec: ParamSpec, ann: Any, value: Any, desc: str) -> _Field:
    tip = spec.doc or spec.name
    if typing.get_origin(ann) is Literal:
        return _dropdown_control(spec, ann, value, desc, tip)
    if ann is bool:
        return _checkbox_control(spec, value, desc, tip)
    if ann in (int, float):
        return _number_control(spec, ann, value, desc, tip)
    if _is_choice_tuple(spec, ann):
        return _choices_control(spec, value, desc, tip)
    if ann is str:
        return _text_control(spec, value, desc, tip)
    # anything else: the parameter text syntax
    return _syntax_control(spec, value, desc, tip)


def param_control(spec: ParamSpec, value: Any = None, *, css_prefix: str = "bs-param") -> _Field:
    """Return the control for one parameter (see the module table).

    Parameters
    ----------
    spec : ParamSpec
        From :func:`burdenshare.params.param_specs`.
    value : object, optional
        Initial value (default: the field's default).
    css_prefix : str
        The control gets CSS classes ``bs-param`` and ``<css_prefix>-<name>``.

    Returns
    -------
    _Field
        ``widget`` to display, ``get()``/``set(v)`` to read and write the value, ``observed``
        widgets whose ``value`` changes signal an edit.
    """
    value = spec.default if value is None else value
    desc = spec.name
    inner = spec.inner
    if not spec.optional:
        f = _inner_control(spec, inner, value, desc)
        f.widget.add_class("bs-param")
        f.widget.add_class(f"{css_prefix}-{spec.name}")
        return f
    f = _inner_control(spec, inner, value, "")
    on = w.Checkbox(value=value is not None, description=f"{desc} (set)", indent=False,
                    tooltip=spec.doc or spec.name, layout=w.Layout(width="auto"))
    on.add_class("bs-param-set")
    f.widget.disabled = value is None
    box = w.HBox([on, f.widget])
    box.add_class("bs-param")
    box.add_class(f"{css_prefix}-{spec.name}")

    def toggle(change: Mapping[str, Any]) -> None:
        f.widget.disabled = not change["new"]
    on.observe(toggle, names="value")
    inner_get, inner_set = f.get, f.set

    def get_opt() -> Any:
        return inner_get() if on.value else None

    def set_opt(v: Any) -> None:
        on.value = v is not None
        if v is not None:
            inner_set(v)
    return _Field(spec, box, get_opt, set_opt, (on, *f.observed))


class ParamControls:
    """All parameter controls of one estimator class, in field order.

    Parameters
    ----------
    cls : type
        A dataclass estimator class (built-in or plugin).
    values : Mapping, optional
        Initial values for some parameters (the others show their defaults).
    css_prefix : str, optional
        Default ``bs-param-<estimator name>``; each control gets ``<css_prefix>-<field>``.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The controls with a heading (CSS class ``bs-params-<estimator name>``).
    fields : dict
        Parameter name -> control.
    """

    def __init__(self, cls: type, values: Mapping[str, Any] | None = None, *,
                 css_prefix: str | None = None) -> None:
        self.cls = cls
        name = getattr(cls, "name", cls.__name__)
        prefix = css_prefix or f"bs-param-{name}"
        vals = dict(values or {})
        self.fields = {s.name: param_control(s, vals.get(s.name), css_prefix=prefix)
                       for s in param_specs(cls)}
        head = w.HTML(f"<b>{name}</b> <small>{getattr(cls, 'summary', '')}</small>")
        grid = w.Box([f.widget for f in self.fields.values()],
                     layout=w.Layout(flex_flow="row wrap", align_items="flex-start",
                                     grid_gap="4px 16px"))
        self.widget = w.VBox([head, grid], layout=w.Layout(margin="0 0 8px 0"))
        self.widget.add_class("bs-params-method")
        self.widget.add_class(f"bs-params-{name}")

    def values(self) -> dict[str, Any]:
        """Return every parameter's current value.

        Raises
        ------
        ParameterError
            If a text control cannot be parsed (names the parameter and the text).
        """
        return {n: f.get() for n, f in self.fields.items()}

    def changed(self) -> dict[str, Any]:
        """Return the parameters whose value differs from the field default."""
        out = {}
        for n, f in self.fields.items():
            v = f.get()
            d = f.spec.default
            if canonical(v) != canonical(d):
                out[n] = v
        return out

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` in the controls (unknown names raise ParameterError)."""
        unknown = sorted(set(values) - set(self.fields))
        if unknown:
            raise ParameterError(f"{getattr(self.cls, 'name', self.cls)} has no parameter(s) "
                                 f"{unknown}")
        for n, v in values.items():
            self.fields[n].set(v)

    def observe(self, callback: Callable[[Mapping[str, Any]], None]) -> None:
        """Call ``callback(change)`` whenever any control's value changes."""
        for f in self.fields.values():
            for wid in f.observed:
                wid.observe(callback, names="value")

