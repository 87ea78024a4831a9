"""Decision grids: methods, choices, constraints, and the universes they span.

A *universe* is one specification: a method (an estimator with fixed parameters and a data
window) plus one value of every choice that applies to it. A :class:`Grid` spans the universes
of every method (the product of the choices applicable to it), less those a :class:`Constraint`
rules out; or it holds an explicit list of specifications.

The constraint language is a table of conditions, never code: a condition is
``choice -> allowed values``; ``forbid`` rules out the universes where every condition holds;
``only_if`` (with ``require``) rules out those where the ``only_if`` conditions hold and the
``require`` conditions do not.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from .._errors import BurdenshareError, ParameterError
from ..params import canonical, jsonable, value_label
from ..registry import get

__all__ = ["Choice", "Constraint", "Grid", "GridError", "Method", "Universe", "example_grid_path",
           "read_grid", "value_label"]

#: choice names that set the data window of a method rather than an estimator parameter
DATA_CHOICES = ("data.year", "data.lookback")
#: the name of the implicit choice between methods
METHOD = "method"
#: level of a choice that does not apply to a universe's method
NOT_APPLICABLE = "n/a"


class GridError(BurdenshareError, ValueError):
    """A grid (file or object) is malformed; the message names the file, line and key."""


# --------------------------------------------------------------------------- building blocks
@dataclass(frozen=True)
class Method:
    """One estimator with fixed parameters and a data window.

    Parameters
    ----------
    label : str
        Name of the method in the grid (the level of the ``method`` choice).
    estimator : str, class or instance
        Registry name (built-in or plugin), an estimator class, or an instance (its parameters
        are the base; ``params`` override them).
    params : Mapping
        Fixed parameters.
    year : int, optional
        Report only estimates of this year (None: every year estimated).
    lookback : int, optional
        Keep the input observations of ``year - lookback`` to ``year`` (None: every year of the
        data). Carry-forward rules (e.g. the latest area or unit cost at or before the year)
        need a lookback.
    family : str
        Methods of one family are ranked and attributed together (ranks across methods are
        only meaningful between comparable concepts, e.g. relative-burden indices).
    """

    label: str
    estimator: Any
    params: Mapping[str, Any] = field(default_factory=dict)
    year: int | None = None
    lookback: int | None = None
    family: str = "all"

    def __post_init__(self) -> None:
        object.__setattr__(self, "params",
                           MappingProxyType({k: canonical(v) for k, v in dict(self.params).items()}))
        if self.lookback is not None and (not isinstance(self.lookback, int) or self.lookback < 0):
            raise GridError(f"method {self.label!r}: lookback = {self.lookback!r} must be a whole "
                            "number >= 0")
        if self.year is not None and not isinstance(self.year, int):
            raise GridError(f"method {self.label!r}: year = {self.year!r} must be a whole number")

    def estimator_class(self) -> type:
        """Return the estimator class (registry names resolved)."""
        return get(self.estimator)

    def base_params(self) -> dict[str, Any]:
        """Return the instance's parameters (if an instance was given) updated by ``params``."""
        est = self.estimator
        base = {} if isinstance(est, str | type) else dict(est.get_params())
        base.update(self.params)
        return base

    def parameter_names(self) -> frozenset[str]:
        """Return the names of the estimator's parameters (dataclass fields)."""
        cls = self.estimator_class()
        if dataclasses.is_dataclass(cls):
            return frozenset(f.name for f in dataclasses.fields(cls))
        try:
            return frozenset(cls().get_params())
        except Exception:  # a plugin that cannot be built without arguments
            return frozenset(self.base_params())


@dataclass(frozen=True)
class Choice:
    """One decision with its defensible values.

    Parameters
    ----------
    name : str
        An estimator parameter (e.g. ``who_counts``, ``capacity``), or a data choice
        (``data.year``, ``data.lookback``).
    values : sequence
        The values (lists are stored as tuples).
    methods : sequence of str, optional
        Labels of the methods the choice applies to; by default every method whose estimator
        has a parameter of that name (data choices: every method).
    """

    name: str
    values: tuple[Any, ...]
    methods: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        vals = tuple(canonical(v) for v in self.values)
        if not vals:
            raise GridError(f"choice {self.name!r} has no values")
        if len(set(map(repr, vals))) != len(vals):
            raise GridError(f"choice {self.name!r} repeats a value: {[jsonable(v) for v in vals]}")
        if self.name == METHOD:
            raise GridError("'method' is the implicit choice between the grid's methods; name "
                            "methods with [[method]] blocks instead")
        object.__setattr__(self, "values", vals)
        if self.methods is not None:
            object.__setattr__(self, "methods", tuple(self.methods))


@dataclass(frozen=True)
class Constraint:
    """A rule over choice values (a table of conditions; no expressions are evaluated).

    Parameters
    ----------
    forbid : Mapping, optional
        ``choice -> allowed values``: universes where every condition holds are ruled out.
    only_if : Mapping, optional
        With ``require``: universes where every ``only_if`` condition holds but not every
        ``require`` condition are ruled out ("``only_if`` is allowed only if ``require``").
    require : Mapping, optional
    reason : str
        Why (recorded in ``Multiverse.excluded_universes``).

    Examples
    --------
    >>> k = Constraint(forbid={"method": ["one_in_n"], "who_counts": [["refugees", "oip"]]})
    >>> k.allows({"method": "one_in_n", "who_counts": ("refugees", "oip")})
    False
    >>> k.allows({"method": "one_in_n", "who_counts": ("refugees",)})
    True
    >>> k.describe()
    'forbid method in {one_in_n} and who_counts in {refugees+oip}'
    """

    forbid: Mapping[str, tuple[Any, ...]] | None = None
    only_if: Mapping[str, tuple[Any, ...]] | None = None
    require: Mapping[str, tuple[Any, ...]] | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        def norm(m: Mapping[str, Any] | None, what: str) -> Mapping[str, tuple[Any, ...]] | None:
            if m is None:
                return None
            if not isinstance(m, Mapping) or not m:
                raise GridError(f"constraint {what} must be a non-empty table choice = [values]")
            out = {}
            for k, v in m.items():
                # a list is a list of alternatives; a list-valued parameter (who_counts) is
                # written as a list of lists
                vals = v if isinstance(v, list | tuple) else [v]
                out[str(k)] = tuple(canonical(x) for x in vals)
            return MappingProxyType(out)

        f, o, r = norm(self.forbid, "forbid"), norm(self.only_if, "only_if"), norm(self.require,
                                                                                   "require")
        if (f is None) == (o is None):
            raise GridError("a constraint needs exactly one of forbid or only_if")
        if (o is None) != (r is None):
            raise GridError("only_if needs require (and require needs only_if)")
        object.__setattr__(self, "forbid", f)
        object.__setattr__(self, "only_if", o)
        object.__setattr__(self, "require", r)

    def choices(self) -> set[str]:
        """Return the choice names the constraint mentions."""
        out: set[str] = set()
        for m in (self.forbid, self.only_if, self.require):
            out |= set(m or {})
        return out

    def allows(self, values: Mapping[str, Any]) -> bool:
        """Return whether a universe (choice name -> value) satisfies the constraint."""
        def holds(cond: Mapping[str, tuple[Any, ...]]) -> bool:
            return all(values.get(k, NOT_APPLICABLE) in allowed for k, allowed in cond.items())

        if self.forbid is not None:
            return not holds(self.forbid)
        assert self.only_if is not None and self.require is not None
        return not holds(self.only_if) or holds(self.require)

    def describe(self) -> str:
        """Return the constraint as one readable line."""
        def fmt(cond: Mapping[str, tuple[Any, ...]]) -> str:
            return " and ".join(f"{k} in {{{', '.join(value_label(v) for v in vals)}}}"
                                for k, vals in cond.items())

        if self.forbid is not None:
            text = f"forbid {fmt(self.forbid)}"
        else:
            assert self.only_if is not None and self.require is not None
            text = f"{fmt(self.only_if)} only if {fmt(self.require)}"
        return text + (f" ({self.reason})" if self.reason else "")


@dataclass(frozen=True)
class Universe:
    """One specification: a method and a value of each applicable choice.

    Attributes
    ----------
    universe_id : int
        Position in the grid (0-based), stable for a given grid.
    method : str
        Method label.
    choices : Mapping
        Choice name -> value (choices that do not apply are absent).
    """

    universe_id: int
    method: str
    choices: Mapping[str, Any]

    def labels(self, names: Sequence[str]) -> dict[str, str]:
        """Return readable labels of the given choices (``n/a`` where a choice does not apply)."""
        return {n: value_label(self.choices[n]) if n in self.choices else NOT_APPLICABLE
                for n in names}


# --------------------------------------------------------------------------- the grid
@dataclass(frozen=True)
class Grid:
    """Methods, choices and constraints; or an explicit list of specifications.

    Parameters
    ----------
    methods : sequence of Method, str, class or instance
        Bare names, classes or instances become methods labelled by the estimator's name.
    choices : sequence of Choice or mapping name -> values
    constraints : sequence of Constraint
    specifications : sequence of Mapping, optional
        An explicit list of universes instead of the product: each ``{"method": label,
        choice: value, ...}``; ``choices`` then only names the allowed decision names (values
        are taken from the specifications).
    name, description : str
    seed : int
        Root seed: universe *i* gets ``SeedSequence(seed).spawn(n)[i]`` for estimators with a
        ``seed`` parameter.
    origin : str
        Where the grid came from (file path), for messages and provenance.

    Examples
    --------
    >>> g = Grid(methods=["refugees_per_1000", "relative_effort"],
    ...          choices={"who_counts": [["refugees"], ["refugees", "oip"]],
    ...                   "capacity": ["population", "gdp_ppp"]})
    >>> universes, ruled_out = g.enumerate()
    >>> len(universes)          # 2 definitions + 2 definitions x 2 capacities
    6
    >>> universes[-1].labels(["who_counts", "capacity"])
    {'who_counts': 'refugees+oip', 'capacity': 'gdp_ppp'}
    """

    methods: tuple[Method, ...]
    choices: tuple[Choice, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    specifications: tuple[Mapping[str, Any], ...] | None = None
    name: str = "grid"
    description: str = ""
    seed: int = 0
    origin: str = ""

    def __post_init__(self) -> None:
        methods = tuple(m if isinstance(m, Method) else _method_from(m) for m in self.methods)
        if not methods:
            raise GridError("a grid needs at least one method")
        labels = [m.label for m in methods]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise GridError(f"method labels repeat: {dup}; give each [[method]] its own label")
        choices = self.choices
        if isinstance(choices, Mapping):
            choices = tuple(Choice(k, tuple(v)) for k, v in choices.items())
        choices = tuple(c if isinstance(c, Choice) else Choice(**c) for c in choices)
        names = [c.name for c in choices]
        dup = sorted({x for x in names if names.count(x) > 1})
        if dup:
            raise GridError(f"choice names repeat: {dup}; list all values in one [[choice]]")
        object.__setattr__(self, "methods", methods)
        object.__setattr__(self, "choices", choices)
        object.__setattr__(self, "constraints", tuple(self.constraints))
        if not isinstance(self.seed, int) or self.seed < 0:
            raise GridError(f"seed = {self.seed!r} must be a whole number >= 0")
        if self.specifications is not None:
            object.__setattr__(self, "specifications",
                               tuple(MappingProxyType({k: canonical(v) for k, v in dict(s).items()})
                                     for s in self.specifications))
        self._check()

    # ---- checks
    def method(self, label: str) -> Method:
        """Return the method with this label."""
        for m in self.methods:
            if m.label == label:
                return m
        raise GridError(f"no method labelled {label!r}; methods: {[m.label for m in self.methods]}")

    def applies(self, choice: Choice, method: Method) -> bool:
        """Return whether a choice applies to a method."""
        if choice.methods is not None:
            return method.label in choice.methods
        if choice.name in DATA_CHOICES:
            return True
        return choice.name in method.parameter_names()

    def _check(self) -> None:
        self._check_methods()
        self._check_lookbacks()
        self._check_choices()
        self._check_constraints()
        if self.specifications is not None:
            self._check_specifications(self.specifications)

    def _check_methods(self) -> None:
        """Check that each method's estimator exists and has the parameters it is given."""
        for m in self.methods:
            try:
                cls = m.estimator_class()
            except BurdenshareError as err:
                raise GridError(f"method {m.label!r}: {err}") from err
            names = m.parameter_names()
            unknown = sorted(set(m.params) - names)
            if unknown:
                raise GridError(f"method {m.label!r}: {getattr(cls, 'name', cls.__name__)} has no "
                                f"parameter(s) {unknown}; parameters: {sorted(names)}")

    def _check_lookbacks(self) -> None:
        """Check that each method with a lookback has a year to end its window."""
        for m in self.methods:
            year_choice = any(c.name == "data.year" and self.applies(c, m) for c in self.choices)
            if m.lookback is not None and m.year is None and not year_choice:
                raise GridError(f"method {m.label!r}: lookback = {m.lookback} needs a year (the "
                                "window ends there); give year = ... or a data.year choice")

    def _check_choices(self) -> None:
        """Check that each choice names known methods and applies to at least one."""
        labels = {m.label for m in self.methods}
        for c in self.choices:
            if c.methods is not None:
                bad = sorted(set(c.methods) - labels)
                if bad:
                    raise GridError(f"choice {c.name!r}: methods {bad} are not in the grid "
                                    f"({sorted(labels)})")
            targets = [m for m in self.methods if self.applies(c, m)]
            if not targets:
                raise GridError(f"choice {c.name!r} applies to no method: no estimator in the grid "
                                "has a parameter of that name")
            for m in targets:
                self._check_choice_target(c, m)

    @staticmethod
    def _check_choice_target(c: Choice, m: Method) -> None:
        """Check one choice against one method it applies to."""
        if c.name in DATA_CHOICES:
            for v in c.values:
                if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                    raise GridError(f"choice {c.name!r}: value {v!r} must be a whole "
                                    "number >= 0")
            return
        if c.name not in m.parameter_names():
            raise GridError(f"choice {c.name!r} is listed for method {m.label!r}, whose "
                            "estimator has no such parameter")

    def _check_constraints(self) -> None:
        """Check that each constraint names known choices."""
        known = {c.name for c in self.choices} | {METHOD}
        for k in self.constraints:
            bad = sorted(k.choices() - known)
            if bad:
                raise GridError(f"constraint '{k.describe()}' names unknown choice(s) {bad}; "
                                f"choices: {sorted(known)}")

    def _check_specifications(self, specifications: Sequence[Mapping[str, Any]]) -> None:
        """Check that each explicit specification names a method and only its parameters."""
        for i, s in enumerate(specifications):
            if METHOD not in s:
                raise GridError(f"specification #{i} has no 'method'")
            m = self.method(str(s[METHOD]))
            for key in s:
                if key == METHOD:
                    continue
                if key not in DATA_CHOICES and key not in m.parameter_names():
                    raise GridError(f"specification #{i}: method {m.label!r} has no parameter "
                                    f"{key!r}")

    # ---- universes
    def choice_names(self) -> tuple[str, ...]:
        """Return the names of every decision (``method`` first)."""
        if self.specifications is not None:
            names = dict.fromkeys(k for s in self.specifications for k in s if k != METHOD)
            return (METHOD, *names)
        return (METHOD, *(c.name for c in self.choices))

    def _candidates(self) -> Iterable[tuple[str, dict[str, Any]]]:
        if self.specifications is not None:
            for s in self.specifications:
                yield str(s[METHOD]), {k: v for k, v in s.items() if k != METHOD}
            return
        for m in self.methods:
            mine = [c for c in self.choices if self.applies(c, m)]
            for combo in itertools.product(*(c.values for c in mine)):
                yield m.label, {c.name: v for c, v in zip(mine, combo)}

    def enumerate(self) -> tuple[list[Universe], list[dict[str, Any]]]:
        """Return the allowed universes and the combinations ruled out (with the rule).

        Returns
        -------
        (list of Universe, list of dict)
            Universes numbered 0.. in grid order; each ruled-out combination as a dict with
            ``method``, the choice labels and ``constraint`` (the rule, one line).
        """
        out: list[Universe] = []
        ruled: list[dict[str, Any]] = []
        names = self.choice_names()[1:]
        for label, vals in self._candidates():
            full = {METHOD: label, **vals}
            broken = next((k for k in self.constraints if not k.allows(full)), None)
            if broken is not None:
                ruled.append({METHOD: label,
                              **{n: value_label(vals[n]) if n in vals else NOT_APPLICABLE
                                 for n in names},
                              "constraint": broken.describe()})
                continue
            out.append(Universe(len(out), label, MappingProxyType(vals)))
        return out, ruled

    def __len__(self) -> int:
        return len(self.enumerate()[0])

    def subgrid(self, *, fix: Mapping[str, Any] | None = None,
                vary: Iterable[str] | None = None) -> Grid:
        """Return a grid with some choices fixed (the app's "pick the choices to vary").

        Parameters
        ----------
        fix : Mapping, optional
            Choice name -> the single value to keep. ``method`` may be fixed to a label or a
            list of labels.
        vary : iterable of str, optional
            Choices to keep varying; every other choice is fixed at its first value.

        Returns
        -------
        Grid
        """
        fix = dict(fix or {})
        if vary is not None:
            vary = set(vary)
            for c in self.choices:
                if c.name not in vary and c.name not in fix:
                    fix[c.name] = c.values[0]
        methods = self.methods
        if METHOD in fix:
            keep = fix.pop(METHOD)
            keep = [keep] if isinstance(keep, str) else list(keep)
            methods = tuple(m for m in self.methods if m.label in keep)
        choices = []
        for c in self.choices:
            if c.name in fix:
                v = canonical(fix.pop(c.name))
                if v not in c.values:
                    raise GridError(f"choice {c.name!r} has no value {jsonable(v)!r}")
                choices.append(dataclasses.replace(c, values=(v,)))
            else:
                choices.append(c)
        if fix:
            raise GridError(f"no choice(s) {sorted(fix)} in the grid")
        labels = {m.label for m in methods}
        choices = [dataclasses.replace(c, methods=tuple(x for x in c.methods if x in labels))
                   if c.methods is not None else c for c in choices]
        choices = [c for c in choices if c.methods is None or c.methods]
        choices = [c for c in choices
                   if any(Grid.applies(self, c, m) for m in methods)]
        return Grid(methods=methods, choices=tuple(choices), constraints=tuple(
            k for k in self.constraints if k.choices() <= {METHOD, *(c.name for c in choices)}),
            name=self.name, description=self.description, seed=self.seed, origin=self.origin)

    def to_dict(self) -> dict[str, Any]:
        """Return the grid as a JSON-serialisable dict (for provenance)."""
        def est(m: Method) -> str:
            e = m.estimator
            if isinstance(e, str):
                return e
            cls = e if isinstance(e, type) else type(e)
            return f"{cls.__module__}:{cls.__qualname__}"

        return {
            "name": self.name, "description": self.description, "seed": self.seed,
            "origin": self.origin,
            "methods": [{"label": m.label, "estimator": est(m), "params": jsonable(
                {k: v for k, v in m.base_params().items()}), "year": m.year,
                "lookback": m.lookback, "family": m.family} for m in self.methods],
            "choices": [{"name": c.name, "values": jsonable(c.values),
                         "methods": list(c.methods) if c.methods is not None else None}
                        for c in self.choices],
            "constraints": [k.describe() for k in self.constraints],
            "specifications": None if self.specifications is None else [
                {k: jsonable(v) for k, v in s.items()} for s in self.specifications],
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), sort_keys=True, default=str)


def _method_from(spec: Any) -> Method:
    cls = get(spec)
    return Method(label=getattr(cls, "name", cls.__name__), estimator=spec)


# --------------------------------------------------------------------------- the TOML reader
def _line_of(lines: list[str], table: str | None, index: int, key: str | None) -> int | None:
    """1-based line of ``key`` inside the ``index``-th ``[[table]]`` (or ``[table]``) block.

    ``key`` ``params.NAME`` is looked for in the block's ``[table.params]`` sub-table.
    """
    count = -1
    inside = table is None
    in_sub = False
    want_sub = key is not None and key.startswith("params.")
    if want_sub and key is not None:  # (want_sub implies a key)
        key = key.split(".", 1)[1]
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if s.startswith("["):
            name = s.strip("[]").strip()
            base = name.split(".")[0]
            if table is not None and name == table:
                count += 1
                inside = count == index or not s.startswith("[[")
                in_sub = False
                if inside and key is None:
                    return i
                continue
            if table is not None and base == table and inside:
                in_sub = True  # a sub-table such as [method.params] of the current block
                continue
            inside = False
            continue
        if inside and key is not None and in_sub == want_sub:
            k = s.split("=", 1)[0].strip().strip('"')
            if "=" in s and (k == key or k.split(".")[0] == key):
                return i
    return None


def read_grid(path: str | Path) -> Grid:
    """Read a grid from a TOML file (format: ``methodology/multiverse.md``).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Grid

    Raises
    ------
    GridError
        One line naming the file, the line and the key (or TOML's own position).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GridError(f"{p}: grid file not found") from None
    return grid_from_toml(text, origin=str(p))


def example_grid_path(name: str = "latest_year") -> Path:
    """Return the path of a grid shipped in ``methodology/grids/`` (e.g. ``latest_year``).

    Parameters
    ----------
    name : str
        File name without ``.toml``.

    Returns
    -------
    Path
    """
    from .._resources import methodology_dir

    path = methodology_dir() / "grids" / f"{name}.toml"
    if not path.exists():
        shipped = sorted(p.stem for p in (methodology_dir() / "grids").glob("*.toml"))
        raise GridError(f"no shipped grid {name!r}; shipped: {', '.join(shipped) or 'none'}")
    return path


class _Toml:
    """The TOML text of a grid, for messages that name the file, the line and the block."""

    def __init__(self, text: str, origin: str) -> None:
        self.lines = text.splitlines()
        self.origin = origin

    def fail(self, msg: str, table: str | None = None, index: int = 0,
             key: str | None = None) -> NoReturn:
        """Raise a GridError naming the file, the line and the block."""
        line = _line_of(self.lines, table, index, key)
        where = f"{self.origin}, line {line}" if line else self.origin
        what = f" [{table}{'' if index == 0 and table in ('grid',) else f' #{index + 1}'}]" \
            if table else ""
        raise GridError(f"{where}{what}: {msg}")


def grid_from_toml(text: str, *, origin: str = "<string>") -> Grid:
    """Build a grid from TOML text (see :func:`read_grid`).

    Parameters
    ----------
    text : str
    origin : str
        File name used in messages.

    Returns
    -------
    Grid
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise GridError(f"{origin}: not valid TOML: {err}") from None
    src = _Toml(text, origin)
    head = _read_head(doc, src)
    raw_methods = doc.get("method", [])
    methods = _read_methods(raw_methods, src)
    choices = _read_choices(doc.get("choice", []), src)
    constraints = _read_constraints(doc.get("constraint", []), src)
    grid = _build_grid(doc, head, methods, choices, constraints, src)
    _check_choice_values(grid, src)
    return grid


def _read_head(doc: Mapping[str, Any], src: _Toml) -> Mapping[str, Any]:
    """Check the top-level keys and the ``[grid]`` table; return the ``[grid]`` table."""
    allowed_top = {"grid", "method", "choice", "constraint", "universe"}
    for k in doc:
        if k not in allowed_top:
            src.fail(f"unknown key {k!r}; allowed: {sorted(allowed_top)}", None, 0, k)
    head: Mapping[str, Any] = doc.get("grid", {})
    for k in head:
        if k not in ("name", "description", "seed"):
            src.fail(f"unknown key {k!r} in [grid]; allowed: description, name, seed", "grid", 0,
                     k)
    seed = head.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        src.fail(f"seed = {seed!r} must be a whole number >= 0", "grid", 0, "seed")
    return head


def _read_methods(raw_methods: Any, src: _Toml) -> list[Method]:
    """Read the ``[[method]]`` blocks."""
    if not isinstance(raw_methods, list) or not raw_methods:
        src.fail("the grid needs at least one [[method]] block")
    return [_read_method(m, i, src) for i, m in enumerate(raw_methods)]


def _read_method(m: Mapping[str, Any], i: int, src: _Toml) -> Method:
    """Read the ``i``-th ``[[method]]`` block."""
    for k in m:
        if k not in ("label", "estimator", "params", "year", "lookback", "family"):
            src.fail(f"unknown key {k!r}; allowed: estimator, family, label, lookback, params, "
                     "year", "method", i, k)
    if "estimator" not in m:
        src.fail("needs estimator = \"<registry name>\"", "method", i)
    try:
        return _checked_method(m, i, src)
    except GridError as err:
        if str(err).startswith(src.origin):
            raise
        src.fail(str(err), "method", i, None)
    except BurdenshareError as err:
        src.fail(str(err), "method", i, "estimator")


def _checked_method(m: Mapping[str, Any], i: int, src: _Toml) -> Method:
    """Build the method of a ``[[method]]`` block and check its parameters."""
    params = m.get("params", {})
    meth = Method(label=str(m.get("label", m["estimator"])), estimator=m["estimator"],
                  params=params, year=m.get("year"), lookback=m.get("lookback"),
                  family=str(m.get("family", "all")))
    cls = meth.estimator_class()
    unknown = sorted(set(params) - meth.parameter_names())
    if unknown:
        src.fail(f"{m['estimator']} has no parameter {unknown[0]!r}; parameters: "
                 f"{', '.join(sorted(meth.parameter_names()))}", "method", i,
                 f"params.{unknown[0]}")
    try:
        cls(**meth.base_params())
    except ParameterError as err:
        bad = next((k for k in params if repr(k) in str(err)), None)
        src.fail(str(err), "method", i, f"params.{bad}" if bad else None)
    return meth


def _read_choices(raw: Iterable[Mapping[str, Any]], src: _Toml) -> list[Choice]:
    """Read the ``[[choice]]`` blocks."""
    choices = []
    for i, c in enumerate(raw):
        for k in c:
            if k not in ("name", "values", "methods"):
                src.fail(f"unknown key {k!r}; allowed: methods, name, values", "choice", i, k)
        if "name" not in c or "values" not in c:
            src.fail("needs name = \"...\" and values = [...]", "choice", i)
        if not isinstance(c["values"], list):
            src.fail("values must be a list", "choice", i, "values")
        try:
            choices.append(Choice(c["name"], tuple(c["values"]), c.get("methods")))
        except GridError as err:
            src.fail(str(err), "choice", i, "values")
    return choices


def _read_constraints(raw: Iterable[Mapping[str, Any]], src: _Toml) -> list[Constraint]:
    """Read the ``[[constraint]]`` blocks."""
    constraints = []
    for i, k in enumerate(raw):
        for key in k:
            if key not in ("forbid", "only_if", "require", "reason"):
                src.fail(f"unknown key {key!r}; allowed: forbid, only_if, reason, require",
                         "constraint", i, key)
        try:
            constraints.append(Constraint(forbid=k.get("forbid"), only_if=k.get("only_if"),
                                          require=k.get("require"), reason=str(k.get("reason", ""))))
        except GridError as err:
            src.fail(str(err), "constraint", i)
    return constraints


def _build_grid(doc: Mapping[str, Any], head: Mapping[str, Any], methods: list[Method],
                choices: list[Choice], constraints: list[Constraint], src: _Toml) -> Grid:
    """Build the grid; a GridError points at the block it is about."""
    specs = doc.get("universe")
    try:
        return Grid(methods=tuple(methods), choices=tuple(choices),
                    constraints=tuple(constraints),
                    specifications=tuple(specs) if specs is not None else None,
                    name=str(head.get("name", Path(src.origin).stem)),
                    description=str(head.get("description", "")), seed=head.get("seed", 0),
                    origin=src.origin)
    except GridError as err:
        _locate_grid_error(str(err), doc, constraints, src)


def _locate_grid_error(msg: str, doc: Mapping[str, Any], constraints: list[Constraint],
                       src: _Toml) -> NoReturn:
    """Raise ``msg`` pointing at the block it is about (the file if none)."""
    for i, con in enumerate(constraints):
        if msg.startswith(f"constraint '{con.describe()}'"):
            src.fail(msg, "constraint", i)
    for table, entries, key in (("choice", doc.get("choice", []), "name"),
                                ("method", doc.get("method", []), "label")):
        for i, e in reversed(list(enumerate(entries))):  # a repeat is the later block
            ident = e.get(key, e.get("estimator"))
            if ident is not None and repr(str(ident)) in msg.split(";")[0]:
                src.fail(msg, table, i, key if key in e else None)
    src.fail(msg)


def _check_choice_values(grid: Grid, src: _Toml) -> None:
    """Check that every choice value is a valid parameter value for each method it applies to."""
    for i, c in enumerate(grid.choices):
        if c.name in DATA_CHOICES:
            continue
        for m in grid.methods:
            if grid.applies(c, m):
                _check_values_for(c, i, m, src)


def _check_values_for(c: Choice, i: int, m: Method, src: _Toml) -> None:
    """Check the values of the ``i``-th choice against one method's estimator."""
    cls = m.estimator_class()
    for v in c.values:
        try:
            cls(**{**m.base_params(), c.name: v})
        except ParameterError as err:
            # joint checks (e.g. composite capacity without weights) are the universe's
            # business: only a value invalid on its own is a grid error
            if str(err).startswith((f"parameter {c.name!r} = ",
                                    f"parameter {c.name!r} may not")):
                src.fail(f"value {jsonable(v)!r} for method {m.label!r}: {err}", "choice", i,
                         "values")
