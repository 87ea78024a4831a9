"""Run several estimators on the same data and see where they agree and why they differ."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._errors import BurdenshareError
from .contract import Estimator
from .data import Dataset
from .params import value_label
from .registry import make
from .results import Provenance, Result

__all__ = ["compare", "Comparison"]


def _labels(estimators: Sequence[Estimator]) -> list[str]:
    names = [e.name for e in estimators]
    out = []
    for i, (e, n) in enumerate(zip(estimators, names)):
        if names.count(n) == 1:
            out.append(n)
            continue
        # disambiguate repeated names by the parameters that differ within that name's group
        group = [estimators[j].get_params() for j in range(len(names)) if names[j] == n]
        p = e.get_params()
        keys = sorted(k for k in p if any(g.get(k) != p.get(k) for g in group))
        diff = [f"{k}={value_label(p[k])}" for k in keys]
        out.append(f"{n} ({', '.join(diff)})" if diff else f"{n} #{i}")
    if len(set(out)) != len(out):
        raise ValueError(f"estimator labels are not unique: {out}; pass a mapping label -> estimator")
    return out


def compare(
    estimators: Sequence[Any] | Mapping[str, Any],
    data: Dataset,
    *,
    on_error: Literal["raise", "record"] = "raise",
) -> Comparison:
    """Run several estimators on the same dataset.

    Parameters
    ----------
    estimators : sequence or mapping
        Registry names, estimator classes or instances. A sequence is labelled by estimator
        name (repeated names get the differing parameters); a mapping's keys are the labels
        (as linearmodels' ``compare``).
    data : Dataset
    on_error : {"raise", "record"}
        ``record`` stores each failing estimator's message in ``Comparison.failures`` instead
        of raising (used by the JupyterLab app).

    Returns
    -------
    Comparison
    """
    if on_error not in ("raise", "record"):
        raise ValueError(f"on_error={on_error!r}: choose 'raise' or 'record'")
    if isinstance(estimators, Mapping):
        labels = [str(k) for k in estimators]
        specs = list(estimators.values())
    else:
        specs = list(estimators)
        if not specs:
            raise ValueError("compare needs at least one estimator")
    instances = []
    for i, s in enumerate(specs):
        try:
            instances.append(make(s))
        except BurdenshareError as err:
            raise type(err)(f"estimator #{i} ({s!r}): {err}") from err
    if not isinstance(estimators, Mapping):
        labels = _labels(instances)
    results: dict[str, Result] = {}
    failures: dict[str, str] = {}
    for label, est in zip(labels, instances):
        try:
            results[label] = est.estimate(data)
        except Exception as err:
            if on_error == "raise":
                raise
            failures[label] = f"{type(err).__name__}: {err}"
    return Comparison(results=MappingProxyType(results), failures=MappingProxyType(failures),
                      data_fingerprint=data.fingerprint)


@dataclass(frozen=True)
class Comparison:
    """Results of several estimators on one dataset, with agreement statistics.

    Attributes
    ----------
    results : Mapping[str, Result]
        Label -> result, in the order given.
    failures : Mapping[str, str]
        Label -> error message (only with ``on_error="record"``).
    data_fingerprint : str
    """

    results: Mapping[str, Result]
    failures: Mapping[str, str] = field(default_factory=dict)
    data_fingerprint: str = ""

    @cached_property
    def long(self) -> pd.DataFrame:
        """All estimates stacked, with ``method`` and ``uncertainty_method`` columns first."""
        frames = []
        for label, r in self.results.items():
            f = r.estimates.copy()
            f.insert(0, "uncertainty_method", r.uncertainty_method)
            f.insert(0, "method", label)
            frames.append(f)
        if not frames:
            return pd.DataFrame(columns=["method", "uncertainty_method"])
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def excluded(self) -> pd.DataFrame:
        """All exclusions stacked, with a ``method`` column."""
        frames = [r.excluded.assign(method=label) for label, r in self.results.items()]
        if not frames:
            return pd.DataFrame(columns=["method"])
        out = pd.concat(frames, ignore_index=True)
        return out[["method", *[c for c in out.columns if c != "method"]]]

    @property
    def provenance(self) -> Mapping[str, Provenance]:
        """Label -> provenance of each result."""
        return MappingProxyType({k: r.provenance for k, r in self.results.items()})

    def main_quantities(self) -> dict[str, str]:
        """Label -> the main quantity of each method."""
        return {k: r.main_quantity for k, r in self.results.items()}

    def _country_rows(self, quantity: str | None) -> pd.DataFrame:
        main = self.main_quantities()
        long = self.long
        if long.empty:
            return long
        if quantity is None:
            want = long["quantity"] == long["method"].map(main)
        else:
            want = long["quantity"] == quantity
        sub = long[want & long["iso3"].notna() & long["term"].isna()]
        return sub

    def wide(self, quantity: str) -> pd.DataFrame:
        """Return (iso3, year) x method for one quantity (units must agree).

        Parameters
        ----------
        quantity : str

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        ValueError
            If the methods report the quantity in different units (no silent rescaling).
        """
        sub = self._country_rows(quantity)
        if sub.empty:
            raise ValueError(f"no method reports quantity {quantity!r}; quantities: "
                             f"{sorted(set(self.long.get('quantity', [])))}")
        units = sub.groupby("method")["unit"].first()
        if units.nunique() > 1:
            raise ValueError(f"methods report {quantity!r} in different units: "
                             + "; ".join(f"{m}: {u}" for m, u in units.items()))
        return sub.pivot_table(index=["iso3", "year"], columns="method", values="estimate",
                               aggfunc="first").reindex(columns=[m for m in self.results
                                                                 if m in units.index])

    def spread(self, quantity: str) -> pd.DataFrame:
        """Per country-year: how far the methods reporting ``quantity`` are apart.

        Returns
        -------
        pandas.DataFrame
            ``n_methods, min, max, range, ratio_max_min, intervals_overlap`` (the last is
            whether all methods' intervals share a point; NA when a method has none).
        """
        w = self.wide(quantity)
        sub = self._country_rows(quantity)
        out = pd.DataFrame({
            "n_methods": w.notna().sum(axis=1),
            "min": w.min(axis=1),
            "max": w.max(axis=1),
        })
        out["range"] = out["max"] - out["min"]
        with np.errstate(divide="ignore", invalid="ignore"):
            out["ratio_max_min"] = np.where(out["min"] > 0, out["max"] / out["min"], np.nan)
        lo = sub.pivot_table(index=["iso3", "year"], columns="method", values="ci_lower",
                             aggfunc="first", dropna=False).reindex(index=w.index)
        hi = sub.pivot_table(index=["iso3", "year"], columns="method", values="ci_upper",
                             aggfunc="first", dropna=False).reindex(index=w.index)
        complete = lo.notna().all(axis=1) & hi.notna().all(axis=1) & (lo.shape[1] == w.shape[1])
        overlap = lo.max(axis=1) <= hi.min(axis=1)
        out["intervals_overlap"] = pd.array(
            [bool(o) if c else pd.NA for o, c in zip(overlap, complete)], dtype="boolean")
        return out

    def ranks(self, quantity: str | None = None) -> pd.DataFrame:
        """Country ranks per method and year (1 = heaviest burden), countries only.

        Parameters
        ----------
        quantity : str, optional
            Rank this quantity for every method reporting it; by default each method's main
            quantity (so indices with different units can be compared by rank).

        Returns
        -------
        pandas.DataFrame
            (iso3, year) x method, ranks with ties sharing the lowest rank. Rank 1 is the highest
            value, or the lowest for methods whose ``higher_means_more_burden`` is False.
        """
        sub = self._country_rows(quantity)
        if sub.empty:
            return pd.DataFrame()
        # rank 1 = heaviest burden: descending for most indices, ascending for e.g. "1 in N"
        higher = {k: r.higher_means_more_burden for k, r in self.results.items()}
        signed = sub["estimate"] * sub["method"].map(lambda m: 1.0 if higher[m] else -1.0)
        r = sub.assign(rank=signed.groupby([sub["method"], sub["year"]])
                       .rank(ascending=False, method="min"))
        out = r.pivot_table(index=["iso3", "year"], columns="method", values="rank",
                            aggfunc="first")
        return out.reindex(columns=[m for m in self.results if m in out.columns])

    def agreement(self, quantity: str | None = None,
                  method: Literal["spearman", "kendall"] = "spearman") -> pd.DataFrame:
        """Rank correlation between methods (on burden ranks, so "1 in N" agrees in sign).

        Parameters
        ----------
        quantity : str, optional
            As in :meth:`ranks`.
        method : {"spearman", "kendall"}

        Returns
        -------
        pandas.DataFrame
            method x method correlation matrix.
        """
        w = self.ranks(quantity)
        if w.empty:
            return w
        return w.corr(method=method)

    def summary(self) -> pd.DataFrame:
        """One row per method: estimator, version, quantity, unit, rows, excluded, uncertainty."""
        rows = []
        for label, r in self.results.items():
            q = r.main_quantity
            sub = r.estimates[r.estimates["quantity"] == q]
            rows.append({
                "method": label, "estimator": r.provenance.estimator,
                "version": r.provenance.estimator_version, "quantity": q,
                "unit": sub["unit"].iloc[0] if len(sub) else "",
                "estimates": len(sub), "excluded": len(r.excluded),
                "uncertainty_method": r.uncertainty_method,
            })
        for label, msg in self.failures.items():
            rows.append({"method": label, "estimator": "", "version": "", "quantity": "",
                         "unit": "", "estimates": 0, "excluded": 0,
                         "uncertainty_method": f"FAILED: {msg}"})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return ("<p><b>burdenshare comparison</b> of " + str(len(self.results)) + " method(s); data "
                f"<code>{self.data_fingerprint[:12]}…</code></p>"
                + self.summary().to_html(index=False))

    def __repr__(self) -> str:
        return (f"<Comparison {list(self.results)}; failures={list(self.failures)}; "
                f"data {self.data_fingerprint[:12]}>")
