"""Estimation outcomes: :class:`Computation` (what an estimator computes), :class:`Provenance`
and the frozen :class:`Result` every estimator returns.
"""

from __future__ import annotations

import html
import json
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import pandas as pd

from .labels import Labels, default_labels
from .schemas import ESTIMATE_COLUMNS, EXCLUSION_COLUMNS

__all__ = ["Computation", "Provenance", "Result", "empty_estimates", "empty_exclusions",
           "estimate_row"]

UncertaintyMethod = Literal["analytic", "cluster_robust", "bootstrap", "permutation", "scenario_range",
                            "none"]


def estimate_row(quantity: str, iso3: Any, year: Any, term: Any, estimate: Any, unit: str,
                 ci_lower: Any = np.nan, ci_upper: Any = np.nan) -> dict[str, Any]:
    """Return one row of an estimates frame as a dict (no standard error, no confidence level).

    ``estimate=None`` becomes NaN. Estimators collect these rows and build the frame once.

    Parameters
    ----------
    quantity, iso3, year, term, estimate, unit
        The row's values (``iso3``/``year``/``term`` may be None).
    ci_lower, ci_upper : float, optional
        Interval bounds (e.g. a scenario range).

    Returns
    -------
    dict
    """
    return {"quantity": quantity, "iso3": iso3, "year": year, "term": term,
            "estimate": np.nan if estimate is None else float(estimate), "std_error": np.nan,
            "ci_lower": ci_lower, "ci_upper": ci_upper, "ci_level": np.nan, "unit": unit}


def empty_estimates() -> pd.DataFrame:
    """Return an empty estimates frame with the canonical columns and dtypes."""
    return _estimates_dtypes(pd.DataFrame({c: [] for c in ESTIMATE_COLUMNS}))


def empty_exclusions() -> pd.DataFrame:
    """Return an empty exclusions frame with the canonical columns and dtypes."""
    return _exclusions_dtypes(pd.DataFrame({c: [] for c in EXCLUSION_COLUMNS}))


def _estimates_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    out = df.loc[:, list(ESTIMATE_COLUMNS)].copy()
    for c in ("quantity", "iso3", "term", "unit"):
        out[c] = out[c].astype("str")
    out["year"] = out["year"].astype("Int64")
    for c in ("estimate", "std_error", "ci_lower", "ci_upper", "ci_level"):
        out[c] = out[c].astype("float64")
    return out


def _exclusions_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    if "area" not in df.columns:  # frames built before sub-national areas existed: all national
        df = df.assign(area=pd.Series([None] * len(df), index=df.index, dtype="str"))
    out = df.loc[:, list(EXCLUSION_COLUMNS)].copy()
    for c in ("iso3", "area", "counterpart_iso3", "indicator", "source", "reason", "detail"):
        out[c] = out[c].astype("str")
    out["year"] = out["year"].astype("Int64")
    out["value"] = out["value"].astype("float64")
    return out


@dataclass(frozen=True, eq=False)
class Computation:
    """What an estimator's ``_compute`` returns; :class:`Result` adds the provenance.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Columns ``quantity, iso3, year, term, estimate, std_error, ci_lower, ci_upper,
        ci_level, unit``.
    excluded : pandas.DataFrame
        Columns ``iso3, area, counterpart_iso3, year, indicator, source, value, reason,
        detail`` (``area`` may be left out: it is then missing, i.e. whole countries).
    assumptions : tuple of str
        Sentences stating what the numbers assume.
    diagnostics : Mapping
        Counts and facts about the run.
    uncertainty_method : str
        One of ``analytic, cluster_robust, bootstrap, scenario_range, none``.
    external_inputs : tuple of Mapping
        Files read besides the ``Dataset`` (e.g. a pledge file): each a mapping with at least
        ``path``, ``sha256`` and ``description``; copied into the provenance.
    """

    estimates: pd.DataFrame
    excluded: pd.DataFrame
    assumptions: tuple[str, ...] = ()
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    uncertainty_method: UncertaintyMethod = "none"
    external_inputs: tuple[Mapping[str, str], ...] = ()
    #: observations used (the ledger's ``n_used``); every estimator gives it. ``None`` means
    #: "taken from ``diagnostics['used']``", only while the built-ins move to this field
    used: int | None = None


@dataclass(frozen=True)
class Provenance:
    """Everything needed to know where a result came from and to reproduce it.

    ``created_utc`` is excluded from equality, so two runs with the same inputs compare equal.
    """

    estimator: str
    estimator_class: str
    estimator_version: str
    params: Mapping[str, Any]
    seed: int | None
    data_fingerprint: str
    data_lineage: tuple[str, ...]
    sources: tuple[Mapping[str, str], ...]
    package_version: str
    dependencies: Mapping[str, str]
    python_version: str
    reference: str
    created_utc: str = field(compare=False)
    external_inputs: tuple[Mapping[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["params"] = dict(self.params)
        d["sources"] = [dict(s) for s in self.sources]
        d["dependencies"] = dict(self.dependencies)
        d["data_lineage"] = list(self.data_lineage)
        d["external_inputs"] = [dict(x) for x in self.external_inputs]
        return d

    def to_json(self) -> str:
        """Return the provenance as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str)

    def summary(self) -> str:
        """Return one line: estimator, version, data fingerprint, sources."""
        src = "; ".join(f"{s['publisher']} ({s['vintage'] or s['retrieved'] or 'vintage n/a'})"
                        for s in self.sources)
        return (f"{self.estimator} v{self.estimator_version}, burdenshare {self.package_version}, "
                f"data {self.data_fingerprint[:12]}; sources: {src}")


#: marks a Result built without labels (they are then derived in ``__post_init__``)
_UNSET_LABELS = Labels(title="", family="", description="", unit="")


@dataclass(frozen=True, eq=False)
class Result:
    """The frozen outcome of ``estimator.estimate(data)``.

    Attributes
    ----------
    estimates : pandas.DataFrame
        Tidy estimates (``quantity, iso3, year, term, estimate, std_error, ci_lower, ci_upper,
        ci_level, unit``); group totals have an empty ``iso3`` and name the group in ``term``.
    excluded : pandas.DataFrame
        Each input observation the estimator needed but did not use, once, with a reason.
    assumptions : tuple of str
    diagnostics : Mapping
    uncertainty_method : str
        ``analytic``, ``cluster_robust``, ``bootstrap``, ``scenario_range`` (a range over
        defensible choices, never a confidence interval) or ``none``.
    provenance : Provenance
    labels : Labels
        How the estimator is shown (declared by the estimator, see :mod:`burdenshare.labels`).
    main_quantity : str
        The estimator's main quantity.
    higher_means_more_burden : bool
        False for indices where a lower value means a heavier burden (ranks run the other way).

    Notes
    -----
    The first six fields can be given positionally (as results built by hand in tests are):
    ``main_quantity`` and ``higher_means_more_burden`` then come from the diagnostics (as
    :func:`~burdenshare.provenance.finish_result` writes them there too, for the exported
    metadata) and ``labels`` from the provenance's estimator name and the main quantity.
    """

    estimates: pd.DataFrame
    excluded: pd.DataFrame
    assumptions: tuple[str, ...]
    diagnostics: Mapping[str, Any]
    uncertainty_method: UncertaintyMethod
    provenance: Provenance
    labels: Labels = _UNSET_LABELS
    main_quantity: str = ""
    higher_means_more_burden: bool = True

    def __post_init__(self) -> None:
        if not self.main_quantity:
            object.__setattr__(self, "main_quantity", self._quantity_from_diagnostics())
            higher = bool(self.diagnostics.get("higher_means_more_burden", True))
            object.__setattr__(self, "higher_means_more_burden", higher)
        if self.labels is _UNSET_LABELS:
            object.__setattr__(self, "labels", self._derived_labels())

    def _quantity_from_diagnostics(self) -> str:
        """The main quantity the diagnostics name, else the first in the estimates."""
        q = self.diagnostics.get("main_quantity")
        if q:
            return str(q)
        return str(self.estimates["quantity"].iloc[0]) if len(self.estimates) else ""

    def _derived_labels(self) -> Labels:
        main = self.estimates[self.estimates["quantity"] == self.main_quantity]
        unit = str(main["unit"].iloc[0]) if len(main) else ""
        return default_labels(types.SimpleNamespace(
            name=self.provenance.estimator, quantity=self.main_quantity, unit=unit, summary=""))

    # ---- projections
    def point(self, quantity: str | None = None) -> pd.Series:
        """Return point estimates indexed by (iso3, year, term) for one quantity.

        Parameters
        ----------
        quantity : str, optional
            Defaults to the estimator's main quantity.

        Returns
        -------
        pandas.Series
        """
        q = quantity or self.main_quantity
        sub = self.estimates[self.estimates["quantity"] == q]
        return sub.set_index(["iso3", "year", "term"])["estimate"]

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the estimates."""
        return self.estimates.copy()

    # ---- display
    def __str__(self) -> str:
        p = self.provenance
        lines = [
            f"burdenshare result: {p.estimator} (v{p.estimator_version})",
            f"  parameters: {json.dumps(dict(p.params), default=str)}",
            f"  estimates: {len(self.estimates)} rows; excluded: {len(self.excluded)} observations;"
            f" uncertainty: {self.uncertainty_method}",
            f"  data: {p.data_fingerprint[:16]}…; sources: "
            + ", ".join(s["id"] for s in p.sources),
        ]
        if len(self.excluded):
            counts = self.excluded["reason"].value_counts().sort_index()
            lines.append("  excluded by reason: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for a in self.assumptions:
            lines.append(f"  assumes: {a}")
        head = self.estimates.head(10)
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            lines.append(head.to_string(index=False))
        if len(self.estimates) > 10:
            lines.append(f"  … {len(self.estimates) - 10} more rows")
        return "\n".join(lines)

    def __repr__(self) -> str:
        p = self.provenance
        return (f"<Result {p.estimator} v{p.estimator_version}: {len(self.estimates)} estimates, "
                f"{len(self.excluded)} excluded, uncertainty={self.uncertainty_method}>")

    def _repr_html_(self) -> str:
        p = self.provenance
        esc = html.escape
        head = self.estimates.head(20).copy()
        table = head.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.4g}")
        reasons = ""
        if len(self.excluded):
            counts = self.excluded["reason"].value_counts().sort_index()
            reasons = "<br>".join(f"{esc(str(k))}: {v}" for k, v in counts.items())
        assumptions = "".join(f"<li>{esc(a)}</li>" for a in self.assumptions)
        src = "; ".join(esc(f"{s['publisher']}: {s['title']} ({s['vintage']}), {s['licence']}")
                        for s in p.sources)
        return (
            f"<div class='bs-result'><p><b>{esc(p.estimator)}</b> v{esc(p.estimator_version)} — "
            f"{len(self.estimates):,} estimates, {len(self.excluded):,} excluded observations, "
            f"uncertainty: {esc(self.uncertainty_method)}</p>{table}"
            + (f"<p>… {len(self.estimates) - 20:,} more rows</p>" if len(self.estimates) > 20 else "")
            + (f"<details><summary>Excluded ({len(self.excluded):,})</summary>{reasons}</details>"
               if reasons else "")
            + (f"<details><summary>Assumptions</summary><ul>{assumptions}</ul></details>"
               if assumptions else "")
            + f"<p style='font-size:smaller'>Parameters: {esc(json.dumps(dict(p.params), default=str))}"
            f"<br>Data fingerprint: <code>{esc(p.data_fingerprint)}</code><br>Source: {src}</p></div>"
        )


def nan_to_none(value: Any) -> Any:
    """Return None for NaN floats (for JSON); other values unchanged."""
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
