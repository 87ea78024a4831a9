"""Conformance kit for estimator authors (built-in and plugin).

>>> from burdenshare.testing import check_estimator           # doctest: +SKIP
>>> check_estimator(MyEstimator(), my_dataset)                 # doctest: +SKIP

or, in a pytest suite, one test per (estimator, check)::

    from burdenshare.testing import parametrize_with_checks

    @parametrize_with_checks([MyEstimator()], data=my_dataset_factory)
    def test_conformance(estimator, check, data):
        check(estimator, data)

Each check raises :class:`ConformanceError` (an ``AssertionError``) naming what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .contract import PROTOCOL_MEMBERS, Estimator, conform
from .data import Dataset, fingerprint_frame
from .estimators.base import EstimatorBase
from .labels import Labels
from .schemas import (
    UNCERTAINTY_METHODS,
    EstimateSchema,
    ExclusionSchema,
    validate_lazily,
)

__all__ = ["ConformanceError", "CHECKS", "check_estimator", "parametrize_with_checks"]

_PAGE_SECTIONS = ("formula", "sources", "assumptions", "limitations", "validation")


class ConformanceError(AssertionError):
    """An estimator does not follow the burdenshare protocol."""


def _fail(check: str, est: Any, msg: str) -> None:
    raise ConformanceError(f"[{check}] {getattr(est, 'name', type(est).__name__)}: {msg}")


def _contract(est: Any) -> Estimator:
    """The estimator with the whole contract (a bare plugin wrapped as the registry does)."""
    return conform(est)


def check_protocol_members(est: Any, data: Dataset) -> None:
    """Every protocol member exists; class attributes are well formed."""
    missing = [m for m in PROTOCOL_MEMBERS if not hasattr(est, m)]
    if missing:
        _fail("protocol_members", est, f"missing {missing}")
    full = _contract(est)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(est.name)):
        _fail("protocol_members", est, f"name {est.name!r} is not snake_case")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(est.quantity)):
        _fail("protocol_members", est, f"quantity {est.quantity!r} is not snake_case")
    for attr in ("version", "unit", "reference", "summary"):
        if not str(getattr(est, attr, "")).strip():
            _fail("protocol_members", est, f"{attr} is empty")
    unknown = sorted(full.inputs() - set(data.vocabulary))  # built-ins, given and plugin indicators
    if unknown:
        _fail("protocol_members", est, f"requires indicators outside the vocabulary: {unknown}")
    if not full.optional_inputs() <= full.inputs():
        _fail("protocol_members", est, "optional_inputs() is not a part of inputs()")
    if not isinstance(full.higher_means_more_burden, bool):
        _fail("protocol_members", est, "higher_means_more_burden is not true or false")
    if full.labels is not None and not isinstance(full.labels, Labels):
        _fail("protocol_members", est, f"labels is a {type(full.labels).__name__}, not Labels")


def check_params_roundtrip(est: Any, data: Dataset) -> None:
    """``type(e)(**e.get_params()) == e``; parameters are JSON-serialisable."""
    params = est.get_params()
    try:
        json.dumps(params)
    except TypeError as err:
        _fail("params_roundtrip", est, f"parameters are not JSON-serialisable: {err}")
    again = type(est)(**json.loads(json.dumps(params)))
    if again != est:
        _fail("params_roundtrip", est, f"rebuilt from its parameters it differs: {again!r}")
    if _contract(est).with_params(**params) != _contract(est):
        _fail("params_roundtrip", est, "with_params(**get_params()) differs")


def _run(est: Any, data: Dataset) -> Any:
    return est.estimate(data)


def check_schema_valid(est: Any, data: Dataset) -> None:
    """Estimates and exclusions pass their schemas; the uncertainty method is known."""
    res = _run(est, data)
    for schema, frame, what in ((EstimateSchema, res.estimates, "estimates"),
                                (ExclusionSchema, res.excluded, "excluded")):
        cases = validate_lazily(schema, frame)
        if cases is not None:
            _fail("schema_valid", est, f"{what} break the schema: {cases.head(3).to_dict('records')}")
    if res.uncertainty_method not in UNCERTAINTY_METHODS:
        _fail("schema_valid", est, f"uncertainty_method {res.uncertainty_method!r}")
    if len(res.estimates) and est.quantity not in set(res.estimates["quantity"]):
        _fail("schema_valid", est, f"main quantity {est.quantity!r} absent from the estimates")
    if res.uncertainty_method == "none" and res.estimates[["ci_lower", "ci_upper"]].notna().any().any():
        _fail("schema_valid", est, "intervals given but uncertainty_method is 'none'")


def check_labels_complete(est: Any, data: Dataset) -> None:
    """The result carries the main quantity, ranking direction and labels the estimator declares.

    For an estimator that declares ``labels``: title, family, description and unit are set and
    ``labels.quantities`` names every quantity of the estimates. One that declares none gets
    :func:`~burdenshare.labels.default_labels` (checked only to be a :class:`Labels`).
    """
    full = _contract(est)
    res = _run(est, data)
    if res.main_quantity != full.quantity:
        _fail("labels_complete", est, f"Result.main_quantity {res.main_quantity!r} is not "
              f"quantity {full.quantity!r}")
    if res.higher_means_more_burden is not bool(full.higher_means_more_burden):
        _fail("labels_complete", est, "Result.higher_means_more_burden differs from the class")
    if not isinstance(res.labels, Labels):
        _fail("labels_complete", est, "Result.labels is not a Labels")
    declared = full.labels
    if declared is None:
        return
    if res.labels != declared:
        _fail("labels_complete", est, "Result.labels differ from the declared labels")
    for attr in ("title", "family", "description", "unit"):
        if not str(getattr(declared, attr)).strip():
            _fail("labels_complete", est, f"labels.{attr} is empty")
    unnamed = sorted(set(res.estimates["quantity"]) - set(declared.quantities))
    if unnamed:
        _fail("labels_complete", est, f"labels.quantities lacks {unnamed}")


def check_used_consistent(est: Any, data: Dataset) -> None:
    """``diagnostics['used']`` is a count between 0 and the observations needed, and equals
    ``Computation.used`` where the estimator gives both.
    """
    res = _run(est, data)
    used = res.diagnostics.get("used")
    if not isinstance(used, int | np.integer) or isinstance(used, bool):
        _fail("used_consistent", est, f"diagnostics['used'] = {used!r} is not a count "
              "(give Computation.used)")
        return
    if not 0 <= int(used) <= len(_needed(est, data)):
        _fail("used_consistent", est, f"used = {used} is outside 0..{len(_needed(est, data))}")
    if not isinstance(est, EstimatorBase):
        return  # a plugin's own estimate(): its Computation is not reachable
    comp = est._compute(data)
    if comp.used is not None and "used" in comp.diagnostics and comp.diagnostics["used"] != comp.used:
        _fail("used_consistent", est, f"Computation.used {comp.used} differs from "
              f"diagnostics['used'] {comp.diagnostics['used']}")


def _check_provenance_identity(est: Any, data: Dataset, p: Any) -> None:
    """Fail unless provenance names this estimator, its parameters and the data."""
    if p.estimator != est.name:
        _fail("provenance_complete", est, f"provenance.estimator {p.estimator!r}")
    if p.estimator_version != str(est.version):
        _fail("provenance_complete", est, "provenance.estimator_version differs from version")
    if dict(p.params) != est.get_params():
        _fail("provenance_complete", est, "provenance.params differ from get_params()")
    if p.data_fingerprint != data.fingerprint:
        _fail("provenance_complete", est, "provenance.data_fingerprint is not the data's")


def _check_entries(est: Any, entries: Any, keys: tuple[str, ...], what: str) -> None:
    """Fail on the first entry that lacks one of ``keys``."""
    for x in entries:
        for key in keys:
            if not x.get(key):
                _fail("provenance_complete", est, f"{what} without {key}: {dict(x)}")


def _check_provenance_sources(est: Any, p: Any) -> None:
    """Fail unless sources or external inputs are recorded, each complete."""
    if not p.sources and not p.external_inputs:
        _fail("provenance_complete", est, "no sources recorded")
    _check_entries(est, p.external_inputs, ("path", "sha256", "description"), "external input")
    _check_entries(est, p.sources, ("id", "publisher", "title"), "source")


def _check_provenance_environment(est: Any, p: Any) -> None:
    """Fail unless class, versions, time, dependencies and seed are recorded."""
    for attr in ("estimator_class", "package_version", "created_utc", "python_version"):
        if not getattr(p, attr):
            _fail("provenance_complete", est, f"provenance.{attr} is empty")
    if "pandas" not in p.dependencies:
        _fail("provenance_complete", est, "dependency versions missing")
    if "seed" in est.get_params() and p.seed != est.get_params()["seed"]:
        _fail("provenance_complete", est, "seed not recorded")


def check_provenance_complete(est: Any, data: Dataset) -> None:
    """Every provenance field is set and matches the estimator and the data."""
    p = _run(est, data).provenance
    _check_provenance_identity(est, data, p)
    _check_provenance_sources(est, p)
    _check_provenance_environment(est, p)


def check_deterministic(est: Any, data: Dataset) -> None:
    """The same parameters and data give identical estimates, exclusions and provenance."""
    a, b = _run(est, data), _run(est, data)
    try:
        pd.testing.assert_frame_equal(a.estimates, b.estimates)
        pd.testing.assert_frame_equal(a.excluded, b.excluded)
    except AssertionError as err:
        _fail("deterministic", est, f"two runs differ: {err}")
    if a.provenance != b.provenance:
        _fail("deterministic", est, "provenance differs between two runs")


def check_input_unchanged(est: Any, data: Dataset) -> None:
    """Estimating never mutates the dataset."""
    before = data.observations.copy(deep=True)
    fp = fingerprint_frame(data.observations)
    _run(est, data)
    if fingerprint_frame(data.observations) != fp or data.fingerprint != fp:
        _fail("input_unchanged", est, "the dataset changed during estimate()")
    pd.testing.assert_frame_equal(before, data.observations)


def _needed(est: Any, data: Dataset) -> pd.DataFrame:
    obs = data.observations
    return obs[obs["indicator"].isin(sorted(_contract(est).inputs()))]


_KEY = ["iso3", "area", "year", "indicator", "source"]  # area: sub-national unit (NaN = country)


def _excluded_keys(res: Any) -> pd.DataFrame:
    # rows ``year_without_data`` name a requested year, not an input observation
    exc: pd.DataFrame = res.excluded[res.excluded["reason"] != "year_without_data"].copy()
    exc["year"] = exc["year"].astype("int64")
    return exc


def check_no_silent_drop(est: Any, data: Dataset) -> None:
    """Every needed observation is used or listed in ``excluded`` exactly once."""
    res = _run(est, data)
    needed = _needed(est, data)
    used = res.diagnostics.get("used")
    if used is None:
        _fail("no_silent_drop", est, "diagnostics lacks 'used' (observations used)")
    exc = _excluded_keys(res)
    if int(used) + len(exc) != len(needed):
        _fail("no_silent_drop", est, f"used {used} + excluded {len(exc)} != {len(needed)} needed "
              "observations")
    if exc.duplicated(_KEY + ["counterpart_iso3"]).any():
        _fail("no_silent_drop", est, "an observation is excluded more than once")
    merged = exc.merge(needed[_KEY].assign(_hit=1), on=_KEY, how="left")
    if merged["_hit"].isna().any():
        bad = merged[merged["_hit"].isna()].head(3)[_KEY].to_dict("records")
        _fail("no_silent_drop", est, f"excluded rows that are not input observations: {bad}")


def check_missing_stays_missing(est: Any, data: Dataset) -> None:
    """A value made missing shows up in ``excluded`` as ``missing_value``; it is never filled."""
    res = _run(est, data)
    needed = _needed(est, data)
    if needed.empty and res.provenance.external_inputs:
        return  # reads only external files (e.g. pledges): their readers test missing amounts
    exc = _excluded_keys(res)
    used = needed.merge(exc[_KEY].assign(_x=1), on=_KEY, how="left")
    used = used[used["_x"].isna() & used["value"].notna()]
    if used.empty:
        _fail("missing_stays_missing", est, "no used observation to test with")
    target = used.sort_values(_KEY).iloc[0]
    obs = data.observations.copy()
    hit = ((obs["iso3"] == target["iso3"]) & (obs["year"] == target["year"])
           & (obs["indicator"] == target["indicator"]) & (obs["source"] == target["source"]))
    obs.loc[hit, "value"] = np.nan
    holed = Dataset.from_frame(obs, data.sources, origin="conformance: one value made missing",
                               indicators=data.vocabulary)
    res2 = _run(est, holed)
    exc2 = _excluded_keys(res2)
    row = exc2[(exc2["iso3"] == target["iso3"]) & (exc2["year"] == target["year"])
               & (exc2["indicator"] == target["indicator"])]
    if row.empty or row["reason"].iloc[0] != "missing_value":
        _fail("missing_stays_missing", est,
              f"{target['indicator']} {target['iso3']} {target['year']} made missing is not "
              "listed in excluded as missing_value")
    if not np.isfinite(res2.estimates["estimate"].fillna(0)).all():
        _fail("missing_stays_missing", est, "infinite estimate after a missing value")


def check_reference_exists(est: Any, data: Dataset) -> None:
    """The methodology page exists and covers formula, sources, assumptions, limitations and
    validation (checked for pages shipped with burdenshare or found on disk).
    """
    ref = str(est.reference)
    if not ref:
        _fail("reference_exists", est, "no reference")
    if ref.startswith("methodology/"):
        from ._resources import methodology_dir

        page = methodology_dir() / ref.split("/", 1)[1]
        if not page.exists():
            _fail("reference_exists", est, f"{ref} does not exist")
        text = page.read_text(encoding="utf-8").lower()
        heads = {h.strip("# ").strip() for h in text.splitlines() if h.startswith("#")}
        missing = [s for s in _PAGE_SECTIONS if not any(h.startswith(s) for h in heads)]
        if missing:
            _fail("reference_exists", est, f"{ref} lacks section(s) {missing}")


#: name -> check function
CHECKS: dict[str, Callable[[Any, Dataset], None]] = {
    "protocol_members": check_protocol_members,
    "params_roundtrip": check_params_roundtrip,
    "schema_valid": check_schema_valid,
    "labels_complete": check_labels_complete,
    "used_consistent": check_used_consistent,
    "provenance_complete": check_provenance_complete,
    "deterministic": check_deterministic,
    "input_unchanged": check_input_unchanged,
    "no_silent_drop": check_no_silent_drop,
    "missing_stays_missing": check_missing_stays_missing,
    "reference_exists": check_reference_exists,
}


def check_estimator(est: Any, data: Dataset, *, checks: Sequence[str] | None = None) -> list[str]:
    """Run the conformance checks on an estimator; raise on the first failure.

    Parameters
    ----------
    est : Estimator
        An instance (a class is instantiated with default parameters).
    data : Dataset
        Data containing every indicator the estimator needs.
    checks : sequence of str, optional
        Names from :data:`CHECKS`; all by default.

    Returns
    -------
    list of str
        The checks that passed.

    Raises
    ------
    ConformanceError
    """
    if isinstance(est, type):
        est = est()
    names = list(checks) if checks is not None else list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; known: {list(CHECKS)}")
    for n in names:
        CHECKS[n](est, data)
    return names


def parametrize_with_checks(estimators: Sequence[Any],
                            data: Dataset | Callable[[], Dataset] | None = None) -> Any:
    """Pytest decorator: one test per (estimator, check), ids ``<name>-<check>``.

    The decorated test receives ``estimator``, ``check`` (a callable ``check(est, data)``)
    and ``data`` (the dataset, or the factory's result, built once at collection).

    Parameters
    ----------
    estimators : sequence of Estimator
    data : Dataset or callable returning one, optional
        Default: the embedded samples, years 2014-2024.

    Returns
    -------
    pytest mark
    """
    import pytest

    def factory() -> Dataset:
        if isinstance(data, Dataset):
            return data
        if data is not None:
            return data()
        from .io import load_sample

        return load_sample().select(years=(2014, 2024))

    ds = factory()  # built once, at collection
    cases = []
    for est in estimators:
        inst = est() if isinstance(est, type) else est
        for name, fn in CHECKS.items():
            cases.append(pytest.param(inst, fn, ds, id=f"{inst.name}-{name}"))
    return pytest.mark.parametrize(("estimator", "check", "data"), cases)
