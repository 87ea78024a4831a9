"""The estimator protocol, the frozen-dataclass convenience base and its parameter checks.

An estimator is a small immutable object: its parameters are dataclass fields, validated on
construction; ``estimate(data)`` is pure (it never mutates ``data`` and never touches global
random state) and returns a frozen :class:`~burdenshare.results.Result` with provenance.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import platform
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from .._version import __version__
from ..countries import entity_type, is_country
from ..data import Dataset
from ..labels import Labels, default_labels
from ..results import (
    Computation,
    Provenance,
    Result,
    _estimates_dtypes,
    _exclusions_dtypes,
)
from ..schemas import (
    ESTIMATE_KEY,
    UNCERTAINTY_METHODS,
    EstimateSchema,
    ExclusionSchema,
    validate_lazily,
)

__all__ = ["Estimator", "EstimatorBase", "Ledger", "parse_param", "param_specs", "sources_field",
           "years_without_estimates_line",
           "library_version"]

_DEPENDENCIES = ("numpy", "pandas", "pandera", "scipy", "statsmodels", "linearmodels")


@runtime_checkable
class Estimator(Protocol):
    """What burdenshare needs from an estimator (plugins need not inherit anything).

    Class attributes: ``name`` (registry key), ``version`` (of the method: bump it whenever numbers
    can change), ``quantity`` and ``unit`` of the main output, ``requires`` (indicators needed),
    ``reference`` (methodology page) and ``summary`` (one line).
    """

    name: ClassVar[str]
    version: ClassVar[str]
    quantity: ClassVar[str]
    unit: ClassVar[str]
    requires: ClassVar[frozenset[str]]
    reference: ClassVar[str]
    summary: ClassVar[str]

    def get_params(self) -> dict[str, Any]:
        """Return every parameter, JSON-serialisable."""
        ...

    def estimate(self, data: Dataset) -> Result:
        """Estimate on ``data`` and return a frozen Result."""
        ...


PROTOCOL_MEMBERS = ("name", "version", "quantity", "unit", "requires", "reference", "summary",
                    "get_params", "estimate")


def library_version(dist: str) -> str:
    """Return the installed version of a distribution, or ``"not installed"``.

    Parameters
    ----------
    dist : str

    Returns
    -------
    str
    """
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


@lru_cache(maxsize=1)
def _dependency_versions() -> Mapping[str, str]:
    return types.MappingProxyType({dist: library_version(dist) for dist in _DEPENDENCIES})


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


# --------------------------------------------------------------------------- parameter types
@dataclass(frozen=True)
class ParamSpec:
    """Description of one estimator parameter (used by the CLI, widgets and docs)."""

    name: str
    annotation: Any
    default: Any
    doc: str
    choices: tuple[Any, ...] | None
    bounds: Mapping[str, float]


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def param_specs(cls: type) -> list[ParamSpec]:
    """Return the parameter specifications of an estimator class (dataclass fields).

    Parameters
    ----------
    cls : type
        A dataclass estimator class.

    Returns
    -------
    list of ParamSpec
    """
    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        ann = hints.get(f.name, Any)
        default = f.default if f.default is not dataclasses.MISSING else None
        choices = None
        if typing.get_origin(ann) is Literal:
            choices = typing.get_args(ann)
        elem = f.metadata.get("choices")
        out.append(ParamSpec(f.name, ann, default, f.metadata.get("doc", ""),
                             choices if choices is not None else (tuple(elem) if elem else None),
                             {k: f.metadata[k] for k in ("ge", "gt", "le", "lt") if k in f.metadata}))
    return out


def _is_optional(ann: Any) -> tuple[bool, Any]:
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(args) < len(typing.get_args(ann)):
            return True, args[0] if len(args) == 1 else typing.Union.__getitem__(tuple(args))
    return False, ann


def _coerce(name: str, value: Any, ann: Any) -> Any:
    """Check ``value`` against annotation ``ann`` and return its canonical form (lists→tuples)."""
    optional, inner = _is_optional(ann)
    if value is None:
        if optional:
            return None
        raise ParameterError(f"parameter {name!r} may not be None")
    ann = inner
    origin = typing.get_origin(ann)
    if origin is Literal:
        allowed = typing.get_args(ann)
        if value not in allowed:
            raise ParameterError(
                f"parameter {name!r} = {value!r} is not allowed; choose one of "
                + ", ".join(repr(a) for a in allowed))
        return value
    if ann is bool:
        if not isinstance(value, (bool, np.bool_)):
            raise ParameterError(f"parameter {name!r} = {value!r} must be true or false")
        return bool(value)
    if ann is int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ParameterError(f"parameter {name!r} = {value!r} must be a whole number")
        return int(value)
    if ann is float:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ParameterError(f"parameter {name!r} = {value!r} must be a number")
        v = float(value)
        if not np.isfinite(v):
            raise ParameterError(f"parameter {name!r} = {value!r} must be finite")
        return v
    if ann is str:
        if not isinstance(value, str):
            raise ParameterError(f"parameter {name!r} = {value!r} must be text")
        return value
    if origin is tuple:
        args = typing.get_args(ann)
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise ParameterError(f"parameter {name!r} = {value!r} must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(f"{name}[{i}]", v, args[0]) for i, v in enumerate(value))
        if len(args) != len(value):
            raise ParameterError(f"parameter {name!r} = {value!r} must have {len(args)} items")
        return tuple(_coerce(f"{name}[{i}]", v, a) for i, (v, a) in enumerate(zip(value, args)))
    if ann is Any:
        return value
    raise TypeError(f"unsupported parameter annotation for {name!r}: {ann!r}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


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
    """
    specs = {s.name: s for s in param_specs(cls)}
    if name not in specs:
        raise ParameterError(
            f"{getattr(cls, 'name', cls.__name__)} has no parameter {name!r}; parameters: "
            + ", ".join(sorted(specs)))
    return _parse_text(name, text, specs[name].annotation)


def _parse_text(name: str, text: str, ann: Any) -> Any:
    optional, inner = _is_optional(ann)
    if optional and text.strip().lower() in ("none", "null", ""):
        return None
    ann = inner
    origin = typing.get_origin(ann)
    if origin is Literal:
        allowed = typing.get_args(ann)
        for a in allowed:
            if str(a) == text:
                return a
        return text
    if ann is bool:
        low = text.strip().lower()
        if low in ("true", "yes", "1", "on"):
            return True
        if low in ("false", "no", "0", "off"):
            return False
        raise ParameterError(f"parameter {name!r} = {text!r} must be true or false")
    if ann is int:
        try:
            return int(text)
        except ValueError:
            raise ParameterError(f"parameter {name!r} = {text!r} must be a whole number") from None
    if ann is float:
        try:
            return float(text)
        except ValueError:
            raise ParameterError(f"parameter {name!r} = {text!r} must be a number") from None
    if ann is str:
        return text
    if origin is tuple:
        args = typing.get_args(ann)
        if len(args) == 2 and args[1] is Ellipsis:
            elem = args[0]
            if typing.get_origin(elem) is tuple:
                eargs = typing.get_args(elem)
                if len(eargs) == 2 and eargs[1] is not Ellipsis:  # pairs a:b
                    items = [t for t in text.split(",") if t.strip()]
                    out = []
                    for it in items:
                        if ":" not in it:
                            raise ParameterError(f"parameter {name!r}: {it!r} must be name:value")
                        k, v = it.split(":", 1)
                        out.append((_parse_text(name, k.strip(), eargs[0]),
                                     _parse_text(name, v.strip(), eargs[1])))
                    return tuple(out)
                return tuple(tuple(_parse_text(name, x.strip(), eargs[0]) for x in part.split("+"))
                             for part in text.split(";") if part.strip())
            return tuple(_parse_text(name, x.strip(), elem) for x in text.split(",") if x.strip())
    raise ParameterError(f"parameter {name!r} cannot be set from text")


# --------------------------------------------------------------------------- the base class
@dataclass(frozen=True, kw_only=True)
class EstimatorBase:
    """Convenience base: a frozen dataclass whose fields are the parameters.

    Subclasses set the class attributes and implement ``_compute(data) -> Computation``. Field
    ``metadata`` may carry ``doc`` (one line), bounds ``ge``/``gt``/``le``/``lt`` and
    ``choices`` (allowed items of a list parameter).
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    quantity: ClassVar[str] = ""
    unit: ClassVar[str] = ""
    requires: ClassVar[frozenset[str]] = frozenset()
    reference: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    #: False for indices where a lower value means a heavier burden (e.g. "1 in N"); used when
    #: ranking countries so that rank 1 is always the heaviest burden
    higher_means_more_burden: ClassVar[bool] = True
    #: True for methods whose unit may be a sub-national area (observations with an ``area``);
    #: otherwise the :class:`Ledger` excludes such observations as ``subnational``
    supports_areas: ClassVar[bool] = False
    #: how the estimator is shown (title, family, description, unit, quantity and diagnostic
    #: labels); ``None`` falls back to :func:`burdenshare.labels.default_labels`
    labels: ClassVar[Labels | None] = None

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            ann = hints.get(f.name, Any)
            canon = _coerce(f.name, value, ann)
            for key, op, word in (("ge", np.greater_equal, "at least"), ("gt", np.greater, "above"),
                                  ("le", np.less_equal, "at most"), ("lt", np.less, "below")):
                if key in f.metadata and canon is not None and not op(canon, f.metadata[key]):
                    raise ParameterError(
                        f"parameter {f.name!r} = {value!r} must be {word} {f.metadata[key]}")
            choices = f.metadata.get("choices")
            if choices and canon is not None:
                flat = _flatten(canon)
                bad = [v for v in flat if v not in choices]
                if bad:
                    raise ParameterError(
                        f"parameter {f.name!r} = {_jsonable(canon)!r}: {bad[0]!r} is not allowed; "
                        f"allowed items: {', '.join(map(repr, choices))}")
            if canon is not value:
                object.__setattr__(self, f.name, canon)
        self._validate()

    def _validate(self) -> None:
        """Hook for checks across parameters; raise :class:`ParameterError`."""

    # ---- parameters
    def get_params(self) -> dict[str, Any]:
        """Return every parameter as JSON-serialisable values (lists for tuples).

        Returns
        -------
        dict
        """
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def with_params(self, **changes: Any) -> EstimatorBase:
        """Return a copy with some parameters changed (validated again).

        Parameters
        ----------
        **changes
            Parameter names and new values.

        Returns
        -------
        EstimatorBase
            A new estimator; this one is unchanged.
        """
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ParameterError(f"{self.name} has no parameter(s) {unknown}; parameters: {sorted(names)}")
        return dataclasses.replace(self, **changes)

    def inputs(self) -> frozenset[str]:
        """Indicators this instance uses (may depend on parameters); ``requires`` by default."""
        return self.requires

    def optional_inputs(self) -> frozenset[str]:
        """Indicators of :meth:`inputs` that may be absent from the data altogether."""
        return frozenset()

    def _missing_hint(self, missing: list[str]) -> str:
        """Extra advice appended to the missing-indicator error (empty by default)."""
        return ""

    def expected_years(self, requested: tuple[int, ...]) -> tuple[int, ...]:
        """Years of ``requested`` (``Dataset.requested_years``) this instance should estimate.

        Each of them without an estimate is listed in ``Result.excluded`` as
        ``year_without_data``. All of them by default; an estimator of one year studied (e.g.
        a fair share with ``year`` and ``capacity_lag``) narrows it, since the other selected
        years are inputs only.

        Parameters
        ----------
        requested : tuple of int

        Returns
        -------
        tuple of int
        """
        return requested

    # ---- estimation (template method)
    def estimate(self, data: Dataset) -> Result:
        """Estimate on ``data``.

        Parameters
        ----------
        data : Dataset

        Returns
        -------
        Result

        Raises
        ------
        EstimatorError
            If an indicator this estimator needs is absent, or the estimator failed.
        """
        if not isinstance(data, Dataset):
            raise TypeError(
                f"{self.name}.estimate() takes a burdenshare Dataset, not {type(data).__name__}; "
                "build one with burdenshare.Dataset.from_frame or burdenshare.read_observations")
        # one pass codes the indicator column for the check here and the sources in
        # finish_result (a million-row dataset is not scanned twice)
        inputs = sorted(self.inputs())
        codes = _codes_of(data.observations["indicator"], inputs)
        present = {inputs[k] for k in np.flatnonzero(
            np.bincount(codes + 1, minlength=len(inputs) + 1)[1:])}
        needed = self.inputs() - self.optional_inputs()
        missing = sorted(needed - present)
        if missing:
            raise EstimatorError(
                f"{self.name} needs indicator(s) {', '.join(missing)}, which the data do not "
                f"contain (it has: {', '.join(data.indicators) or 'none'}); add a file with them "
                "(--data) or use the embedded samples" + self._missing_hint(missing))
        comp = self._compute(data)
        return finish_result(self, data, comp, _indicator_codes=(inputs, codes))

    def _compute(self, data: Dataset) -> Computation:  # pragma: no cover - abstract
        raise NotImplementedError


def _flatten(v: Any) -> list[Any]:
    if isinstance(v, tuple):
        out: list[Any] = []
        for x in v:
            out.extend(_flatten(x))
        return out
    return [v]


def finish_result(est: Any, data: Dataset, comp: Computation, *,
                  _indicator_codes: tuple[list[str], np.ndarray] | None = None) -> Result:
    """Validate a :class:`Computation`, attach provenance and return a :class:`Result`.

    Used by :class:`EstimatorBase`; plugin authors who do not inherit can call it too.

    Parameters
    ----------
    est : Estimator
    data : Dataset
    comp : Computation
    _indicator_codes : (list of str, numpy.ndarray), optional
        Private: the sorted inputs of ``est`` and the position of each observation's indicator
        among them (-1 otherwise), when :meth:`EstimatorBase.estimate` has them already.

    Returns
    -------
    Result
    """
    name = getattr(est, "name", type(est).__name__)
    if comp.uncertainty_method not in UNCERTAINTY_METHODS:
        raise EstimatorError(f"{name}: uncertainty_method {comp.uncertainty_method!r} is not one of "
                             f"{UNCERTAINTY_METHODS}")
    try:
        estimates = _estimates_dtypes(comp.estimates)
        excluded = _exclusions_dtypes(comp.excluded)
    except KeyError as err:
        raise EstimatorError(f"{name} returned a frame without column {err}") from err
    gaps = _years_without_estimates(est, data, estimates)
    if gaps is not None:
        excluded = pd.concat([excluded, gaps[0]], ignore_index=True)
    estimates = estimates.sort_values(list(ESTIMATE_KEY), kind="mergesort",
                                      na_position="first").reset_index(drop=True)
    excluded = excluded.sort_values(["indicator", "iso3", "area", "year", "source", "reason"],
                                    kind="mergesort", na_position="first").reset_index(drop=True)
    for schema, frame, what in ((EstimateSchema, estimates, "estimates"),
                                (ExclusionSchema, excluded, "excluded")):
        cases = validate_lazily(schema, frame)
        if cases is not None:
            first = cases.iloc[0]
            raise EstimatorError(
                f"{name} produced invalid {what}: {len(cases)} failure(s), e.g. column "
                f"{first['column']!r} check {first['check']!r} value {first['failure_case']!r}")
    needed = sorted(est.inputs()) if hasattr(est, "inputs") else sorted(est.requires)
    known = _indicator_codes if _indicator_codes and _indicator_codes[0] == needed else None
    used_sources = _used_sources(data, needed, excluded,
                                 None if known is None else known[1])
    params = est.get_params()
    diagnostics = dict(comp.diagnostics)
    if comp.used is not None:
        diagnostics["used"] = comp.used
    diagnostics.setdefault("main_quantity", getattr(est, "quantity", ""))
    diagnostics.setdefault("higher_means_more_burden",
                           bool(getattr(est, "higher_means_more_burden", True)))
    if gaps is not None:
        diagnostics["years_without_estimates"] = gaps[1]
    prov = Provenance(
        estimator=name,
        estimator_class=f"{type(est).__module__}:{type(est).__qualname__}",
        estimator_version=str(getattr(est, "version", "")),
        params=types.MappingProxyType(dict(params)),
        seed=params.get("seed"),
        data_fingerprint=data.fingerprint,
        data_lineage=tuple(data.lineage),
        sources=tuple(types.MappingProxyType(data.sources[s].to_dict()) for s in used_sources
                      if s in data.sources),
        package_version=__version__,
        dependencies=_dependency_versions(),
        python_version=platform.python_version(),
        reference=str(getattr(est, "reference", "")),
        created_utc=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        external_inputs=tuple(types.MappingProxyType(dict(x)) for x in comp.external_inputs),
    )
    return Result(
        estimates=estimates,
        excluded=excluded,
        assumptions=tuple(comp.assumptions),
        diagnostics=types.MappingProxyType(diagnostics),
        uncertainty_method=comp.uncertainty_method,
        provenance=prov,
        labels=default_labels(est),
    )


# --- OECD DAC 2023-2025 (issue 14): never silently fewer years
def _no_data_tail(year: int, have: set[int]) -> str:
    if not have:
        return "no data in the selection"
    first, last = min(have), max(have)
    if year > last:
        return f"no data after {last}"
    if year < first:
        return f"no data before {first}"
    return f"no data in {year} (it has {first}-{last} with gaps)"


def _years_without_estimates(est: Any, data: Dataset, estimates: pd.DataFrame
                             ) -> tuple[pd.DataFrame, dict[int, str]] | None:
    """Rows ``year_without_data`` for each requested year that yields no estimate.

    Only when the data were selected with explicit years (``Dataset.requested_years``), and
    only for years in which some input of the estimator has no observation (a year whose
    inputs are all observed but which the estimator leaves out by design - a year studied, a key
    year - is not listed). For an estimator whose estimates carry years, a year is without
    estimate if no row has it; for one whose estimates carry none (a regression over all
    years), if no needed input is observed in it. Each row names an indicator without data that
    year and its last year available.
    """
    asked = getattr(data, "requested_years", None)
    if not asked:
        return None
    hook = getattr(est, "expected_years", None)
    years = sorted({int(y) for y in (hook(tuple(asked)) if callable(hook) else asked)})
    if not years:
        return None
    inputs = est.inputs() if hasattr(est, "inputs") else frozenset(est.requires)
    optional = est.optional_inputs() if hasattr(est, "optional_inputs") else frozenset()
    required = sorted(inputs - optional) or sorted(inputs)
    every = sorted(inputs)
    obs = data.observations
    mask = obs["indicator"].isin(every).to_numpy() & obs["value"].notna().to_numpy()
    pairs = obs.loc[mask, ["indicator", "year"]].drop_duplicates()
    have: dict[str, set[int]] = {ind: set() for ind in every}
    for ind, yr in zip(pairs["indicator"].to_numpy(), pairs["year"].to_numpy()):
        have[str(ind)].add(int(yr))
    with_est = {int(y) for y in estimates["year"].dropna().unique()}
    if with_est:
        gone = [y for y in years if y not in with_est]
    else:
        gone = [y for y in years if not any(y in have[i] for i in required)]
    if not gone:
        return None
    rows: list[dict[str, Any]] = []
    summary: dict[int, str] = {}
    for y in gone:
        lacking = ([i for i in required if y not in have[i]]
                   or [i for i in every if y not in have[i]])  # then an optional input
        if not lacking:
            # every input is observed that year: the estimator left it out on purpose (a year
            # studied, a key year, a lag), which its parameters and exclusions already say
            continue
        tails: dict[str, list[str]] = {}
        for i in lacking:
            tail = _no_data_tail(y, have[i])
            tails.setdefault(tail, []).append(i)
            rows.append({"indicator": i, "year": y,
                         "detail": f"no estimate for {y}: {i} has {tail}"})
        summary[y] = "; ".join(f"{', '.join(inds)} {'has' if len(inds) == 1 else 'have'} {tail}"
                               for tail, inds in tails.items())
    if not rows:
        return None
    frame = pd.DataFrame({
        "iso3": None, "area": None, "counterpart_iso3": None,
        "year": [r["year"] for r in rows], "indicator": [r["indicator"] for r in rows],
        "source": None, "value": np.nan, "reason": "year_without_data",
        "detail": [r["detail"] for r in rows]}, index=range(len(rows)))
    return _exclusions_dtypes(frame), summary


def years_without_estimates_line(name: str, result: Result) -> str | None:
    """One warning line naming the requested years without estimates of a result, or None.

    Parameters
    ----------
    name : str
        Label of the estimator (e.g. its registry name).
    result : Result

    Returns
    -------
    str or None
        E.g. ``"in_donor_refugee_costs: no estimates for 2026 (idrc_usd_million_current has
        no data after 2025)"``; None when every requested year has estimates.
    """
    gaps = result.diagnostics.get("years_without_estimates")
    if not gaps:
        return None
    by_reason: dict[str, list[int]] = {}
    for y, why in sorted(gaps.items()):
        by_reason.setdefault(str(why), []).append(int(y))
    parts = []
    for why, ys in by_reason.items():
        parts.append(f"{_year_ranges(ys)} ({why})")
    return f"{name}: no estimates for " + "; ".join(parts)


def _year_ranges(years: list[int]) -> str:
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _used_sources(data: Dataset, needed: list[str], excluded: pd.DataFrame,
                  ind_codes: np.ndarray | None = None) -> list[str]:
    """Sources of the needed observations, less those whose rows were all set aside because the
    user chose another source for the indicator (counts per (indicator, source) pair).

    ``ind_codes``: ``_codes_of(data.observations["indicator"], needed)`` if already computed.
    """
    obs = data.observations
    other = excluded.loc[excluded["reason"] == "other_source", ["indicator", "source"]]
    n_other = other.value_counts()
    if ind_codes is None:
        ind_codes = _codes_of(obs["indicator"], needed)
    needed_rows = ind_codes >= 0
    every = bool(needed_rows.all())
    rows = None if every else np.flatnonzero(needed_rows)
    src_codes, src_u = _hinted_codes(obs["source"], rows, data.sources, na_as_value=False)
    ic = ind_codes if every else ind_codes[rows]
    ok = src_codes >= 0  # a missing source is not counted (as value_counts)
    if not ok.all():
        ic, src_codes = ic[ok], src_codes[ok]
    ns = len(src_u)
    key = ic if ns == 1 else ic.astype(np.int64) * ns + src_codes
    counts = np.bincount(key, minlength=len(needed) * ns).reshape(len(needed), ns)
    return sorted({src_u[j] for k, j in zip(*np.nonzero(counts))
                   if n_other.get((needed[k], src_u[j]), 0) < counts[k, j]})


# --------------------------------------------------------------------------- accounting
#: up to this many values, a string column is coded by one vectorised comparison per value
#: (a memcmp pass, several times cheaper than hashing a million strings)
_FEW = 8


def _codes_of(col: pd.Series, values: typing.Sequence[str]) -> np.ndarray:
    """Position of each entry of ``col`` in ``values``; -1 for other values and missing ones."""
    out = np.full(len(col), -1, dtype=np.int32)
    if not len(values):
        return out
    if len(values) <= _FEW:
        for k, v in enumerate(values):
            np.copyto(out, k, where=np.asarray(col == v, dtype=bool))
        return out
    codes, uniq = pd.factorize(col)
    pos = {v: k for k, v in enumerate(values)}
    lut = np.array([pos.get(u, -1) for u in uniq] + [-1], dtype=np.int32)
    return lut[codes]  # code -1 (missing) picks the trailing -1


def _hinted_codes(col: pd.Series, rows: np.ndarray | None, hint: typing.Iterable[str], *,
                  na_as_value: bool = True) -> tuple[np.ndarray, list[Any]]:
    """Codes and unique values of ``col`` (restricted to the positions ``rows`` if given).

    ``hint`` lists the values expected (e.g. the dataset's source ids): when they are few and
    cover every entry considered, the codes come from comparisons; otherwise from
    ``pandas.factorize``, where a missing value counts as a value of its own (as in
    ``Series.unique``) if ``na_as_value``, else gets code -1 (as in ``value_counts``).
    """
    hint = sorted(set(hint))
    if 0 < len(hint) <= _FEW:
        codes = _codes_of(col, hint)
        sub = codes if rows is None else codes[rows]
        if not (sub < 0).any():
            return sub, list(hint)
    part = col if rows is None else col.iloc[rows]
    codes, uniq = pd.factorize(part, use_na_sentinel=not na_as_value)
    return np.asarray(codes), list(uniq)


class Ledger:
    """Bookkeeping of the input observations an estimator needs: each is used or excluded, once.

    Parameters
    ----------
    data : Dataset
    indicators : iterable of str
        Indicators the estimator needs.
    sources : mapping indicator -> source id or None
        Which source to use where an indicator comes from several; observations of other
        sources are excluded as ``other_source``. With None and several sources, an
        :class:`EstimatorError` asks the user to choose (no implicit preference).
    owner : str
        Estimator name, for messages.
    supports_areas : bool
        False (default): observations for a sub-national area (non-missing ``area``) are
        excluded up front as ``subnational`` and play no part in the source choice; pass the
        estimator's ``supports_areas`` class attribute.
    splice_sources : bool
        False (default): an indicator given by several sources needs a choice in ``sources``.
        True: several sources that never give the same country-year (e.g. the releases of one
        publisher for different years) form one series, used as is and recorded in
        ``spliced``; sources that overlap still need a choice.

    Notes
    -----
    The state of each row is a small integer (0 open, 1 used, 2+ an exclusion reason) and the
    details are kept per :meth:`exclude` call, so that a million-row ledger costs a few array
    passes; ``_status`` and ``_detail`` give the former object arrays on demand.
    """

    def __init__(self, data: Dataset, indicators: typing.Iterable[str],
                 sources: Mapping[str, str | None] | None = None, *, owner: str = "",
                 supports_areas: bool = False, splice_sources: bool = False) -> None:
        inds = sorted(set(indicators))
        obs = data.observations
        ind_codes = _codes_of(obs["indicator"], inds)
        keep = ind_codes >= 0
        # copy-on-write: no copy is made when every observation is needed (large panels)
        if keep.all():
            self.frame = obs.reset_index(drop=True)
        else:
            self.frame = obs[keep].reset_index(drop=True)
            ind_codes = ind_codes[keep]
        if "area" not in self.frame.columns:  # a frame built without the column: all national
            self.frame["area"] = pd.Series([None] * len(self.frame), dtype="str")
        self.frame["_row"] = np.arange(len(self.frame))
        n = len(self.frame)
        #: indicator of each row as a position in ``indicators`` (sorted)
        self.indicator_codes = ind_codes
        self.indicator_names = tuple(inds)
        self._code = np.zeros(n, dtype=np.int16)
        self._reasons: list[str] = ["", "used"]
        self._reason_code: dict[str, int] = {"": 0, "used": 1}
        self._details: list[tuple[np.ndarray, Any]] = []
        self.chosen_source: dict[str, str | None] = {}
        #: indicator -> the sources spliced into one series (``splice_sources``)
        self.spliced: dict[str, tuple[str, ...]] = {}
        self.exclude_subnational(supports_areas)
        national = np.flatnonzero(self._code == 0)
        all_national = len(national) == n
        src_codes, src_u = _hinted_codes(self.frame["source"], None if all_national else national,
                                         getattr(data, "sources", {}) or {})
        ns = len(src_u)
        ic_nat = ind_codes if all_national else ind_codes[national]
        key = ic_nat if ns == 1 else ic_nat.astype(np.int64) * ns + src_codes
        counts = np.bincount(key, minlength=len(inds) * ns).reshape(len(inds), ns)
        src_names = [str(x) for x in src_u]
        for k, ind in enumerate(inds):
            srcs = sorted(src_names[j] for j in np.flatnonzero(counts[k]))
            want = (sources or {}).get(ind)
            if want is None and len(srcs) > 1 and splice_sources:
                rows = self.frame.iloc[national[ic_nat == k]]
                clash = rows.duplicated(["iso3", "counterpart_iso3", "year"], keep=False)
                if not clash.any():  # the sources cover different country-years: one series
                    self.chosen_source[ind] = "+".join(srcs)
                    self.spliced[ind] = tuple(srcs)
                    continue
                both = sorted({int(y) for y in rows.loc[clash.to_numpy(), "year"]})
                raise EstimatorError(
                    f"{owner}: indicator {ind!r} is given by several sources ({', '.join(srcs)}) "
                    f"for the same country-years (e.g. {both[0]}); choose one with the parameter "
                    f"sources, e.g. sources={ind}:{srcs[0]}, or select years where they do not "
                    "overlap")
            if want is None and len(srcs) > 1:
                raise EstimatorError(
                    f"{owner}: indicator {ind!r} is given by several sources ({', '.join(srcs)}); "
                    f"choose one with the parameter sources, e.g. sources={ind}:{srcs[0]} "
                    f"(in Python: sources=(({ind!r}, {srcs[0]!r}),))")
            if want is not None and want not in srcs:
                raise EstimatorError(
                    f"{owner}: no {ind!r} observations from source {want!r} (available: "
                    f"{', '.join(srcs) or 'none'})")
            self.chosen_source[ind] = want or (srcs[0] if srcs else None)
            if want is not None:
                other = national[(ic_nat == k) & (src_codes != src_names.index(want))]
                self.exclude(other, "other_source", f"sources chose {want!r} for {ind}")

    # ---- the former object arrays, built on demand
    @property
    def _status(self) -> np.ndarray:
        """Reason of each row as an object array (``""`` open, ``"used"``, or the reason)."""
        return np.asarray(self._reasons, dtype=object)[self._code]

    @property
    def _detail(self) -> np.ndarray:
        """Detail of each row as an object array (``""`` where none)."""
        out = np.full(len(self._code), "", dtype=object)
        for rows, det in self._details:
            out[rows] = det
        return out

    def is_open(self) -> np.ndarray:
        """Return a boolean mask of the rows not yet used or excluded (position = ``_row``)."""
        mask: np.ndarray = self._code == 0
        return mask

    def exclude_subnational(self, supports_areas: bool) -> None:
        """Exclude rows with an ``area`` as ``subnational`` unless the method supports areas."""
        if supports_areas:
            return
        sub = np.flatnonzero(self.frame["area"].notna().to_numpy())
        if sub.size:
            self.exclude(sub, "subnational",
                         [f"{i} area {a}: sub-national observation; this method works on whole "
                          "countries" for i, a in zip(self.frame["iso3"].to_numpy()[sub],
                                                      self.frame["area"].to_numpy()[sub])])

    def active(self) -> pd.DataFrame:
        """Rows not yet used or excluded."""
        rows: pd.DataFrame = self.frame[self._code == 0]
        return rows

    def exclude(self, rows: Any, reason: str, detail: Any) -> None:
        """Exclude rows (by ``_row`` id) with a reason; rows already settled keep theirs."""
        rows = np.asarray(rows, dtype=int)
        if rows.size == 0:
            return
        free = self._code[rows] == 0
        code = self._reason_code.get(reason)
        if code is None:
            code = self._reason_code[reason] = len(self._reasons)
            self._reasons.append(reason)
        target = rows[free]
        self._code[target] = code
        if isinstance(detail, str):
            self._details.append((target, detail))
        else:
            self._details.append((target, np.asarray(list(detail), dtype=object)[free]))

    def exclude_non_countries(self, rows: Any = None) -> None:
        """Exclude active rows whose code is not a country (``aggregate_entity``).

        Regions, income groups, "Unknown" and "Stateless" are never ranked or summed with
        countries. ``rows`` restricts the step to some ``_row`` ids (default: all active rows).
        """
        f = self.active()
        if rows is not None:
            f = f[f["_row"].isin(np.asarray(rows, dtype=int))]
        nonc = ~is_country(f["iso3"]).to_numpy()
        if nonc.any():
            codes = f["iso3"].to_numpy()[nonc]
            self.exclude(f["_row"].to_numpy()[nonc], "aggregate_entity",
                         [f"{c} is not a country ({entity_type(c)})" for c in codes])

    def exclude_missing_values(self) -> pd.DataFrame:
        """Exclude active rows whose value is missing (``missing_value``) and return them.

        Missing values stay missing: the returned rows let an estimator also set aside the
        country-years they belong to.
        """
        f = self.active()
        sub = f[f["value"].isna().to_numpy()]
        if len(sub):
            self.exclude(sub["_row"].to_numpy(), "missing_value", "the value is missing in the input")
        return sub

    def use(self, rows: Any) -> None:
        """Mark rows as used."""
        rows = np.asarray(rows, dtype=int)
        free = rows[self._code[rows] == 0]
        self._code[free] = 1

    def use_mask(self, mask: np.ndarray) -> None:
        """Mark the rows where ``mask`` (boolean, position = ``_row``) is True as used."""
        self._code[np.asarray(mask, dtype=bool) & (self._code == 0)] = 1

    @property
    def n_used(self) -> int:
        """Observations used."""
        return int(np.count_nonzero(self._code == 1))

    def excluded_frame(self) -> pd.DataFrame:
        """All excluded rows as an exclusions frame; raises if any row is unaccounted for."""
        open_rows = self._code == 0
        if open_rows.any():
            sample = self.frame[open_rows].head(3)[["iso3", "year", "indicator"]].to_dict("records")
            raise EstimatorError(f"internal accounting error: {int(open_rows.sum())} observations "
                                 f"neither used nor excluded, e.g. {sample}")
        idx = np.flatnonzero(self._code != 1)
        # details as codes into their distinct texts (0 = ""), reasons as codes into
        # self._reasons: each text is materialised once, then gathered (a take), so that
        # hundreds of thousands of exclusions never round-trip through Python str objects
        texts: dict[str, int] = {"": 0}
        dcode = np.zeros(len(idx), dtype=np.intp)
        for rows, det in self._details:  # in call order: a later write wins, as before
            where = np.searchsorted(idx, rows)
            if isinstance(det, str):
                dcode[where] = texts.setdefault(det, len(texts))
            else:  # one text per row
                inv, uniq = pd.factorize(np.asarray(det, dtype=object), use_na_sentinel=False)
                dcode[where] = np.array([texts.setdefault(str(u), len(texts)) for u in uniq],
                                        dtype=np.intp)[inv]
        sub = self.frame.take(idx)

        def col(name: str) -> Any:
            c = sub[name]
            # string columns keep their (Arrow) array: no conversion to objects and back
            if isinstance(c.dtype, pd.StringDtype):
                return c.array
            if isinstance(c.dtype, pd.CategoricalDtype):  # dictionary-encoded key columns:
                # the distinct texts once, then a take (code -1 = missing)
                cats = pd.array(np.asarray(c.cat.categories, dtype=object), dtype="str")
                return cats.take(c.cat.codes.to_numpy(), allow_fill=True)
            return c.to_numpy()

        return pd.DataFrame(
            {
                "iso3": col("iso3"),
                "area": col("area"),
                "counterpart_iso3": col("counterpart_iso3"),
                "year": sub["year"].to_numpy(),
                "indicator": col("indicator"),
                "source": col("source"),
                "value": sub["value"].to_numpy(),
                "reason": pd.array(list(self._reasons), dtype="str").take(self._code[idx]),
                "detail": pd.array(list(texts), dtype="str").take(dcode),
            }
        )
