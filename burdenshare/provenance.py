"""Provenance assembly: :func:`finish_result` turns a :class:`~burdenshare.results.Computation`
into a frozen :class:`~burdenshare.results.Result` (checked frames, provenance, the requested
years without estimates, the sources actually used).
"""

from __future__ import annotations

import datetime as _dt
import platform
import types
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from ._codes import codes_of, hinted_codes
from ._errors import EstimatorError
from ._version import __version__
from .contract import Estimator, conform, origin_class
from .data import Dataset
from .labels import default_labels
from .results import (
    Computation,
    Provenance,
    Result,
    _estimates_dtypes,
    _exclusions_dtypes,
)
from .schemas import (
    ESTIMATE_KEY,
    UNCERTAINTY_METHODS,
    EstimateSchema,
    ExclusionSchema,
    validate_lazily,
)

__all__ = ["finish_result", "library_version", "years_without_estimates_line"]

_DEPENDENCIES = ("numpy", "pandas", "pandera", "scipy", "statsmodels", "linearmodels")


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



def finish_result(est: Any, data: Dataset, comp: Computation, *,
                  _indicator_codes: tuple[list[str], np.ndarray] | None = None) -> Result:
    """Validate a :class:`Computation`, attach provenance and return a :class:`Result`.

    Used by :class:`~burdenshare.estimators.base.EstimatorBase`; plugin authors who do not
    inherit can call it too (``finish_result(self, data, computation)``).

    Parameters
    ----------
    est : Estimator
        The estimator (a bare plugin is completed by :func:`~burdenshare.contract.conform`).
    data : Dataset
    comp : Computation
    _indicator_codes : (list of str, numpy.ndarray), optional
        Private: the sorted inputs of ``est`` and the position of each observation's indicator
        among them (-1 otherwise), when :meth:`EstimatorBase.estimate` has them already.

    Returns
    -------
    Result
    """
    full = conform(est)
    estimates, excluded, gaps = _checked_frames(full.name, data, comp, full)
    needed = sorted(full.inputs())
    known = _indicator_codes if _indicator_codes and _indicator_codes[0] == needed else None
    used_sources = _used_sources(data, needed, excluded, None if known is None else known[1])
    diagnostics = _diagnostics(full, comp, gaps)
    return Result(
        estimates=estimates,
        excluded=excluded,
        assumptions=tuple(comp.assumptions),
        diagnostics=types.MappingProxyType(diagnostics),
        uncertainty_method=comp.uncertainty_method,
        provenance=_provenance(full, origin_class(est), data, comp, used_sources),
        labels=default_labels(full),
        main_quantity=full.quantity,
        higher_means_more_burden=bool(full.higher_means_more_burden),
    )


_Gaps = tuple[pd.DataFrame, dict[int, str]]


def _checked_frames(name: str, data: Dataset, comp: Computation, est: Estimator
                    ) -> tuple[pd.DataFrame, pd.DataFrame, _Gaps | None]:
    """The estimates and exclusions in canonical dtypes and order, checked by their schemas;
    the exclusions include the requested years without estimates.
    """
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
    return estimates, excluded, gaps


def _diagnostics(est: Estimator, comp: Computation, gaps: _Gaps | None) -> dict[str, Any]:
    """The estimator's diagnostics with ``used``, the main quantity, the ranking direction and
    the requested years without estimates (the typed fields of the result, kept here for the
    exported metadata).
    """
    diagnostics = dict(comp.diagnostics)
    if comp.used is not None:
        diagnostics["used"] = comp.used
    diagnostics.setdefault("main_quantity", est.quantity)
    diagnostics.setdefault("higher_means_more_burden", bool(est.higher_means_more_burden))
    if gaps is not None:
        diagnostics["years_without_estimates"] = gaps[1]
    return diagnostics


def _provenance(est: Estimator, cls: type, data: Dataset, comp: Computation,
                used_sources: list[str]) -> Provenance:
    params = est.get_params()
    return Provenance(
        estimator=est.name,
        estimator_class=f"{cls.__module__}:{cls.__qualname__}",
        estimator_version=str(est.version),
        params=types.MappingProxyType(dict(params)),
        seed=params.get("seed"),
        data_fingerprint=data.fingerprint,
        data_lineage=tuple(data.lineage),
        sources=tuple(types.MappingProxyType(data.sources[s].to_dict()) for s in used_sources
                      if s in data.sources),
        package_version=__version__,
        dependencies=_dependency_versions(),
        python_version=platform.python_version(),
        reference=str(est.reference),
        created_utc=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        external_inputs=tuple(types.MappingProxyType(dict(x)) for x in comp.external_inputs),
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


def _years_without_estimates(est: Estimator, data: Dataset, estimates: pd.DataFrame
                             ) -> _Gaps | None:
    """Rows ``year_without_data`` for each requested year that yields no estimate.

    Only when the data were selected with explicit years (``Dataset.requested_years``), and
    only for years in which some input of the estimator has no observation (a year whose
    inputs are all observed but which the estimator leaves out by design - a year studied, a key
    year - is not listed). For an estimator whose estimates carry years, a year is without
    estimate if no row has it; for one whose estimates carry none (a regression over all
    years), if no needed input is observed in it. Each row names an indicator without data that
    year and its last year available.
    """
    asked = data.requested_years
    if not asked:
        return None
    years = sorted({int(y) for y in est.expected_years(tuple(asked))})
    if not years:
        return None
    inputs = est.inputs()
    optional = est.optional_inputs()
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

    ``ind_codes``: ``codes_of(data.observations["indicator"], needed)`` if already computed.
    """
    obs = data.observations
    other = excluded.loc[excluded["reason"] == "other_source", ["indicator", "source"]]
    n_other = other.value_counts()
    if ind_codes is None:
        ind_codes = codes_of(obs["indicator"], needed)
    needed_rows = ind_codes >= 0
    every = bool(needed_rows.all())
    rows = None if every else np.flatnonzero(needed_rows)
    src_codes, src_u = hinted_codes(obs["source"], rows, data.sources, na_as_value=False)
    ic = ind_codes if every else ind_codes[rows]
    ok = src_codes >= 0  # a missing source is not counted (as value_counts)
    if not ok.all():
        ic, src_codes = ic[ok], src_codes[ok]
    ns = len(src_u)
    key = ic if ns == 1 else ic.astype(np.int64) * ns + src_codes
    counts = np.bincount(key, minlength=len(needed) * ns).reshape(len(needed), ns)
    return sorted({src_u[j] for k, j in zip(*np.nonzero(counts))
                   if n_other.get((needed[k], src_u[j]), 0) < counts[k, j]})


