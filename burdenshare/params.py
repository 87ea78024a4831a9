"""Estimator parameters: one specification per dataclass field that checks, parses and formats.

A :class:`ParamSpec` describes one parameter of an estimator class (its annotation, default,
documentation, allowed items and bounds). It is the one place that knows the parameter text
syntax, used by the command line (``--set name=value``), the app's widgets, the decision grids
and the comparison labels:

=============================== ============================================ ==================
annotation                      text                                         e.g.
=============================== ============================================ ==================
``bool``                        ``true/false``, ``yes/no``, ``1/0``, ``on``  ``true``
``int`` / ``float`` / ``str``   the value                                    ``0.5``
``Literal[...]``                one of the allowed values                    ``un_wpp``
``tuple[X, ...]``               comma-separated items                        ``DEU,FRA``
``tuple[tuple[X, ...], ...]``   ``;`` between lists, ``+`` inside them       ``refugees;refugees+oip``
``tuple[tuple[X, Y], ...]``     ``name:value`` pairs, comma-separated        ``population:0.5``
``tuple[X, Y]`` (fixed length)  comma-separated values                       ``2010,2015``
``X | None``                    ``none`` (or empty) for None                 ``none``
=============================== ============================================ ==================
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ._errors import ParameterError

__all__ = ["ParamSpec", "canonical", "check_names", "jsonable", "param_specs", "parse_param", "sources_field",
           "value_label"]

#: field metadata keys of numeric bounds, with the comparison and the word used in messages
_BOUNDS = (("ge", np.greater_equal, "at least"), ("gt", np.greater, "above"),
           ("le", np.less_equal, "at most"), ("lt", np.less, "below"))
_TRUE = ("true", "yes", "1", "on")
_FALSE = ("false", "no", "0", "off")
_NONE = ("none", "null", "")


@dataclass(frozen=True)
class ParamSpec:
    """Description of one estimator parameter (used by the CLI, widgets, grids and docs).

    Parameters
    ----------
    name : str
    annotation : object
        The field's type annotation.
    default : object
        The field's default (None if it has none).
    doc : str
        One line from the field metadata ``doc``.
    choices : tuple or None
        Allowed values (a ``Literal``) or allowed items of a list (metadata ``choices``).
    bounds : Mapping of str to float
        Metadata bounds ``ge``, ``gt``, ``le``, ``lt``.
    """

    name: str
    annotation: Any
    default: Any
    doc: str
    choices: tuple[Any, ...] | None
    bounds: Mapping[str, float]

    @property
    def optional(self) -> bool:
        """True when None is allowed (``X | None``)."""
        return _split_optional(self.annotation)[0]

    @property
    def inner(self) -> Any:
        """The annotation without its ``None`` alternative."""
        return _split_optional(self.annotation)[1]

    def check(self, value: Any) -> Any:
        """Check ``value`` against the type, bounds and allowed items; return its canonical form.

        Lists become tuples, numpy scalars Python numbers.

        Parameters
        ----------
        value : object
            A value for this parameter.

        Returns
        -------
        object
            The value as the estimator stores it.

        Raises
        ------
        ParameterError
            Naming the parameter, the value and what is allowed.
        """
        canon = _coerce(self.name, value, self.annotation)
        if canon is None:
            return canon
        for key, op, word in _BOUNDS:
            if key in self.bounds and not op(canon, self.bounds[key]):
                raise ParameterError(
                    f"parameter {self.name!r} = {value!r} must be {word} {self.bounds[key]}")
        self._check_items(canon)
        return canon

    def _check_items(self, canon: Any) -> None:
        """Every item of a list parameter is one of the metadata ``choices``."""
        if not self.choices or typing.get_origin(self.annotation) is Literal:
            return
        bad = [v for v in _flatten(canon) if v not in self.choices]
        if bad:
            raise ParameterError(
                f"parameter {self.name!r} = {jsonable(canon)!r}: {bad[0]!r} is not allowed; "
                f"allowed items: {', '.join(map(repr, self.choices))}")

    def parse(self, text: str) -> Any:
        """Parse the parameter from text (syntax in the module table).

        Parameters
        ----------
        text : str

        Returns
        -------
        object
            The value, not yet checked (the estimator's constructor checks it).
        """
        if self.optional and text.strip().lower() in _NONE:
            return None
        inner = self.inner
        args = typing.get_args(inner)
        if typing.get_origin(inner) is tuple and args and Ellipsis not in args:
            return self._parse_fixed(text, args)
        return _parse(self.name, text, inner)

    def _parse_fixed(self, text: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
        parts = [t.strip() for t in text.split(",")]
        if len(parts) != len(args):
            raise ParameterError(f"parameter {self.name!r} = {text!r} must be {len(args)} "
                                 "comma-separated values")
        return tuple(_parse(self.name, t, a) for t, a in zip(parts, args))

    def format(self, value: Any) -> str:
        """Write ``value`` as text that :meth:`parse` reads back (None gives ``""``).

        ``(("population", 0.5),)`` gives ``population:0.5``; ``(("refugees",), ("refugees",
        "oip"))`` gives ``refugees;refugees+oip``.

        Parameters
        ----------
        value : object
            A value of this parameter.
        """
        if value is None:
            return ""
        inner = self.inner
        if typing.get_origin(inner) is not tuple:
            return str(value)
        args = typing.get_args(inner)
        if len(args) == 2 and args[1] is Ellipsis and _is_pair(args[0]):
            return ",".join(f"{a}:{b}" for a, b in value)
        if len(args) == 2 and args[1] is Ellipsis and typing.get_origin(args[0]) is tuple:
            return ";".join("+".join(str(x) for x in part) for part in value)
        return ",".join(str(x) for x in value)

    def hint(self) -> str:
        """Return a placeholder showing the text syntax of a list parameter.

        Returns
        -------
        str
        """
        args = typing.get_args(self.inner)
        if Ellipsis not in args:
            return ",".join(getattr(a, "__name__", str(a)) for a in args)
        if args and _is_pair(args[0]):
            return "name:value,name:value"
        if args and typing.get_origin(args[0]) is tuple:
            return "a+b;c (definitions separated by ;)"
        return "a,b,c"


def param_specs(cls: type) -> tuple[ParamSpec, ...]:
    """Return the parameter specifications of an estimator class (its dataclass fields).

    Parameters
    ----------
    cls : type
        A dataclass estimator class.

    Returns
    -------
    tuple of ParamSpec
        In field order.
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple(_spec(f, hints.get(f.name, Any)) for f in dataclasses.fields(cls))


def _spec(f: dataclasses.Field[Any], ann: Any) -> ParamSpec:
    default = f.default if f.default is not dataclasses.MISSING else None
    choices = typing.get_args(ann) if typing.get_origin(ann) is Literal else None
    items = f.metadata.get("choices")
    if choices is None and items:
        choices = tuple(items)
    bounds = {k: f.metadata[k] for k, _op, _word in _BOUNDS if k in f.metadata}
    return ParamSpec(f.name, ann, default, f.metadata.get("doc", ""), choices,
                     types.MappingProxyType(bounds))


def parse_param(cls: type, name: str, text: str) -> Any:
    """Parse a parameter value given as text (CLI ``--set name=value``) by the field's type.

    Lists are comma-separated; nested lists use ``;`` between items and ``+`` inside them
    (``refugees;refugees+oip``); pairs use ``:`` (``population:0.5,gdp_usd_current:0.5``).
    ``none`` gives None for optional parameters.

    Parameters
    ----------
    cls : type
        Estimator class.
    name : str
        Parameter name.
    text : str
        Value as text.

    Returns
    -------
    object
        The parsed value (validated later by the class constructor).

    Raises
    ------
    ParameterError
        If the class has no such parameter or the text does not parse.
    """
    specs = {s.name: s for s in param_specs(cls)}
    if name not in specs:
        owner = getattr(cls, "name", "") or cls.__name__
        raise ParameterError(f"{owner} has no parameter {name!r}; parameters: "
                             + ", ".join(sorted(specs)))
    return specs[name].parse(text)


def check_names(owner: str, names: frozenset[str] | set[str], changes: Mapping[str, Any]) -> None:
    """Raise :class:`ParameterError` if ``changes`` names a parameter ``owner`` does not have.

    Parameters
    ----------
    owner : str
        Estimator name, for the message.
    names : set of str
        The estimator's parameters.
    changes : Mapping
        Parameters asked to change (``with_params``).
    """
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise ParameterError(f"{owner} has no parameter(s) {unknown}; parameters: {sorted(names)}")


def sources_field(example: str = "") -> Any:
    """Return the dataclass field ``sources``: indicator:source pairs, never chosen implicitly.

    Parameters
    ----------
    example : str, optional
        An ``indicator:source`` pair shown in the parameter's documentation.

    Returns
    -------
    dataclasses.Field
    """
    eg = f" (e.g. {example}); " if example else "; "
    return dataclasses.field(default=(), metadata={
        "doc": "indicator:source pairs choosing the source of an indicator given by several"
               + eg + "never chosen implicitly"})


def canonical(value: Any) -> Any:
    """Return ``value`` with lists turned into tuples (recursively), hashable like parameters.

    >>> canonical([["refugees", "oip"], "asylum_seekers"])
    (('refugees', 'oip'), 'asylum_seekers')

    Parameters
    ----------
    value : object
        A value as read from JSON or TOML (lists).

    Returns
    -------
    object
        Tuples in place of lists.
    """
    if isinstance(value, list | tuple):
        return tuple(canonical(v) for v in value)
    return value


def jsonable(value: Any) -> Any:
    """Return ``value`` with tuples turned into lists (recursively, mappings into dicts).

    Parameters
    ----------
    value : object
        A parameter value as an estimator stores it (tuples).

    Returns
    -------
    object
        Lists and dicts, ready for ``json.dumps``:

        >>> jsonable((("population", 0.5),))
        [['population', 0.5]]
    """
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def value_label(value: Any) -> str:
    """Return a short readable label of a parameter value (``refugees+oip``, ``population:0.5``).

    Used for the levels of a decision grid and to tell apart methods of one name in a
    comparison; :meth:`ParamSpec.format` writes the text that parses back instead.

    Parameters
    ----------
    value : object

    Returns
    -------
    str
        ``none`` for None and empty lists.
    """
    if isinstance(value, tuple | list):
        return _list_label(value)
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "none"
    return str(value)


def _list_label(value: tuple[Any, ...] | list[Any]) -> str:
    if not value:
        return "none"
    if all(_is_pair_value(v) for v in value):
        return ",".join(f"{v[0]}:{v[1]:g}" if isinstance(v[1], float) else f"{v[0]}:{v[1]}"
                        for v in value)
    return "+".join(value_label(v) for v in value)


def _is_pair_value(v: Any) -> bool:
    """A ``(name, scalar)`` pair such as ``("population", 0.5)``."""
    if not isinstance(v, tuple | list) or len(v) != 2:
        return False
    return isinstance(v[0], str) and not isinstance(v[1], tuple | list)


# --------------------------------------------------------------------------- annotations
def _split_optional(ann: Any) -> tuple[bool, Any]:
    """Return (whether None is allowed, the annotation without None)."""
    if typing.get_origin(ann) not in (typing.Union, types.UnionType):
        return False, ann
    every = typing.get_args(ann)
    args = [a for a in every if a is not type(None)]
    if len(args) == len(every):
        return False, ann
    if len(args) == 1:
        return True, args[0]
    return True, typing.Union.__getitem__(tuple(args))


def _is_pair(ann: Any) -> bool:
    """A fixed ``tuple[X, Y]`` annotation (a ``name:value`` pair)."""
    if typing.get_origin(ann) is not tuple:
        return False
    args = typing.get_args(ann)
    return len(args) == 2 and args[1] is not Ellipsis


def _flatten(v: Any) -> list[Any]:
    if not isinstance(v, tuple):
        return [v]
    out: list[Any] = []
    for x in v:
        out.extend(_flatten(x))
    return out


# --------------------------------------------------------------------------- checking values
def _coerce(name: str, value: Any, ann: Any) -> Any:
    """Check ``value`` against annotation ``ann`` and return its canonical form (lists→tuples)."""
    optional, inner = _split_optional(ann)
    if value is None:
        if optional:
            return None
        raise ParameterError(f"parameter {name!r} may not be None")
    origin = typing.get_origin(inner)
    if origin is Literal:
        return _coerce_literal(name, value, inner)
    if origin is tuple:
        return _coerce_tuple(name, value, inner)
    if inner is Any:
        return value
    scalar = _SCALARS.get(inner)
    if scalar is None:
        raise TypeError(f"unsupported parameter annotation for {name!r}: {inner!r}")
    return scalar(name, value)


def _coerce_literal(name: str, value: Any, ann: Any) -> Any:
    allowed = typing.get_args(ann)
    if value not in allowed:
        raise ParameterError(
            f"parameter {name!r} = {value!r} is not allowed; choose one of "
            + ", ".join(repr(a) for a in allowed))
    return value


def _coerce_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ParameterError(f"parameter {name!r} = {value!r} must be true or false")
    return bool(value)


def _coerce_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterError(f"parameter {name!r} = {value!r} must be a whole number")
    return int(value)


def _coerce_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError(f"parameter {name!r} = {value!r} must be a number")
    v = float(value)
    if not np.isfinite(v):
        raise ParameterError(f"parameter {name!r} = {value!r} must be finite")
    return v


def _coerce_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ParameterError(f"parameter {name!r} = {value!r} must be text")
    return value


_SCALARS: Mapping[Any, typing.Callable[[str, Any], Any]] = types.MappingProxyType({
    bool: _coerce_bool, int: _coerce_int, float: _coerce_float, str: _coerce_str})


def _coerce_tuple(name: str, value: Any, ann: Any) -> tuple[Any, ...]:
    args = typing.get_args(ann)
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise ParameterError(f"parameter {name!r} = {value!r} must be a list")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_coerce(f"{name}[{i}]", v, args[0]) for i, v in enumerate(value))
    if len(args) != len(value):
        raise ParameterError(f"parameter {name!r} = {value!r} must have {len(args)} items")
    return tuple(_coerce(f"{name}[{i}]", v, a) for i, (v, a) in enumerate(zip(value, args)))


# --------------------------------------------------------------------------- parsing text
def _parse(name: str, text: str, ann: Any) -> Any:
    """Parse ``text`` by annotation ``ann`` (an element of a list may be optional too)."""
    optional, inner = _split_optional(ann)
    if optional and text.strip().lower() in _NONE:
        return None
    origin = typing.get_origin(inner)
    if origin is Literal:
        return _parse_literal(text, inner)
    if origin is tuple:
        return _parse_list(name, text, inner)
    scalar = _SCALAR_TEXT.get(inner)
    if scalar is None:
        raise ParameterError(f"parameter {name!r} cannot be set from text")
    return scalar(name, text)


def _parse_literal(text: str, ann: Any) -> Any:
    for a in typing.get_args(ann):
        if str(a) == text:
            return a
    return text  # not allowed: the constructor names the allowed values


def _parse_bool(name: str, text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ParameterError(f"parameter {name!r} = {text!r} must be true or false")


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ParameterError(f"parameter {name!r} = {text!r} must be a whole number") from None


def _parse_float(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"parameter {name!r} = {text!r} must be a number") from None


def _parse_str(name: str, text: str) -> str:
    return text


_SCALAR_TEXT: Mapping[Any, typing.Callable[[str, str], Any]] = types.MappingProxyType({
    bool: _parse_bool, int: _parse_int, float: _parse_float, str: _parse_str})


def _parse_list(name: str, text: str, ann: Any) -> tuple[Any, ...]:
    args = typing.get_args(ann)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise ParameterError(f"parameter {name!r} cannot be set from text")
    elem = args[0]
    if _is_pair(elem):
        return _parse_pairs(name, text, typing.get_args(elem))
    if typing.get_origin(elem) is tuple:
        inner = typing.get_args(elem)[0]
        return tuple(tuple(_parse(name, x.strip(), inner) for x in part.split("+"))
                     for part in text.split(";") if part.strip())
    return tuple(_parse(name, x.strip(), elem) for x in text.split(",") if x.strip())


def _parse_pairs(name: str, text: str, args: tuple[Any, ...]) -> tuple[tuple[Any, Any], ...]:
    out = []
    for item in (t for t in text.split(",") if t.strip()):
        if ":" not in item:
            raise ParameterError(f"parameter {name!r}: {item!r} must be name:value")
        k, v = item.split(":", 1)
        out.append((_parse(name, k.strip(), args[0]), _parse(name, v.strip(), args[1])))
    return tuple(out)
