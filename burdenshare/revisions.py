"""Release revisions: what a new vintage changed in the data, and in the figures of estimators.

:func:`compare_vintages` is ``burdenshare data diff A B --estimator NAME``: the row diff of
:func:`burdenshare.store.diff` plus, for each estimator, its main quantity computed on both
vintages side by side and the country ranks that moved (:meth:`burdenshare.Comparison.ranks`).
This module sits above :mod:`burdenshare.compare` in the import layers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from ._errors import ExportError
from ._version import __version__
from .compare import Comparison, compare
from .data import Dataset
from .presentation import country_rows
from .results import Result
from .store import DataDiff, diff_datasets, load

__all__ = ["VintageComparison", "compare_vintages", "write_revisions"]

ESTIMATE_COLUMNS: tuple[str, ...] = (
    "method", "quantity", "unit", "iso3", "year", "estimate_a", "estimate_b", "change",
    "relative_change",
)
RANK_COLUMNS: tuple[str, ...] = ("method", "iso3", "year", "rank_a", "rank_b", "rank_change")


@dataclass(frozen=True, eq=False)
class VintageComparison:
    """Two vintages compared: the data diff and estimators run on both.

    Attributes
    ----------
    data : DataDiff
        Rows added, removed, revised and the revision summary.
    results_a, results_b : Mapping[str, Result]
        Method label -> result on vintage ``a`` / ``b``.
    failures : Mapping[str, str]
        ``"<method> [<side>]"`` -> error message, for an estimator that failed on one side.
    estimates : pandas.DataFrame
        Columns :data:`ESTIMATE_COLUMNS`: each method's main quantity by country and year on
        both sides (outer join: a figure present on one side only has NaN on the other).
    ranks : pandas.DataFrame
        Columns :data:`RANK_COLUMNS`: country ranks (1 = heaviest burden, as
        :meth:`burdenshare.Comparison.ranks`) on both sides.
    lineage_a, lineage_b : tuple of str
        Lineage of the two datasets (which vintage supplied which indicators).
    """

    data: DataDiff
    results_a: Mapping[str, Result]
    results_b: Mapping[str, Result]
    failures: Mapping[str, str]
    estimates: pd.DataFrame
    ranks: pd.DataFrame
    lineage_a: tuple[str, ...] = ()
    lineage_b: tuple[str, ...] = ()

    @property
    def moved(self) -> pd.DataFrame:
        """The rows of :attr:`ranks` whose rank changed (or exists on one side only)."""
        r = self.ranks
        if r.empty:
            return r
        changed = (r["rank_a"] != r["rank_b"]) & ~(r["rank_a"].isna() & r["rank_b"].isna())
        return r[changed].reset_index(drop=True)

    def provenance(self) -> dict[str, Any]:
        """What was compared: labels, fingerprints, lineages and each result's provenance."""
        return {
            "burdenshare_version": __version__,
            "a": self.data.a, "b": self.data.b,
            "a_fingerprint": self.data.a_fingerprint, "b_fingerprint": self.data.b_fingerprint,
            "lineage_a": list(self.lineage_a), "lineage_b": list(self.lineage_b),
            "results_a": {k: r.provenance.to_dict() for k, r in self.results_a.items()},
            "results_b": {k: r.provenance.to_dict() for k, r in self.results_b.items()},
            "failures": dict(self.failures),
        }

    def summary_lines(self) -> list[str]:
        """Lines for the console: the data headline, then one line per method."""
        out = [self.data.headline()]
        moved = self.moved
        for m in self.results_a:
            if m not in self.results_b:
                continue
            est = self.estimates[self.estimates["method"] == m]
            changed = int((est["estimate_a"] != est["estimate_b"]).sum())
            mv = moved[moved["method"] == m]
            top = mv.assign(_abs=mv["rank_change"].abs()).sort_values(
                ["_abs", "iso3"], ascending=[False, True]).head(3)
            eg = ", ".join(f"{r['iso3']} {r['year']} {_rank(r['rank_a'])}->{_rank(r['rank_b'])}"
                           for r in top.to_dict(orient="records"))
            out.append(f"  {m}: {changed:,} of {len(est):,} figures changed, {len(mv):,} ranks "
                       f"moved" + (f" (largest: {eg})" if eg else ""))
        for k, msg in self.failures.items():
            out.append(f"  {k} FAILED: {msg}")
        return out


def _rank(v: Any) -> str:
    return "none" if v is None or v != v else str(int(v))


def _main_rows(res: Result) -> pd.DataFrame:
    return country_rows(res)[["quantity", "unit", "iso3", "year", "estimate"]]


def compare_vintages(
    a: str,
    b: str,
    estimators: Sequence[Any] = (),
    *,
    root: str | Path | None = None,
    years: tuple[int, int] | None = None,
    countries: Sequence[str] | None = None,
) -> VintageComparison:
    """Compare two vintages: the data diff and each estimator run on both, ranks side by side.

    Parameters
    ----------
    a, b : str
        Vintage choices as :func:`burdenshare.load` takes them (``"embedded"``, ``"latest"``, a
        publisher key, vintage ids).
    estimators : sequence
        Registry names, classes or instances to run on both sides (none: data diff only).
    root : str or Path, optional
        Store folder.
    years : (int, int), optional
        Restrict both datasets to these years (diff and estimates).
    countries : sequence of str, optional
        Restrict both datasets to these codes.

    Returns
    -------
    VintageComparison
    """
    data_a, data_b = load(a, root=root), load(b, root=root)
    if years is not None or countries is not None:
        data_a = data_a.select(iso3=countries, years=years)
        data_b = data_b.select(iso3=countries, years=years)
    return compare_datasets(data_a, data_b, estimators, label_a=a, label_b=b)


def compare_datasets(data_a: Dataset, data_b: Dataset, estimators: Sequence[Any] = (), *,
                     label_a: str = "a", label_b: str = "b") -> VintageComparison:
    """As :func:`compare_vintages`, on two datasets already loaded.

    Parameters
    ----------
    data_a, data_b : Dataset
    estimators : sequence
    label_a, label_b : str

    Returns
    -------
    VintageComparison
    """
    d = diff_datasets(data_a, data_b, label_a=label_a, label_b=label_b)
    res_a: dict[str, Result] = {}
    res_b: dict[str, Result] = {}
    failures: dict[str, str] = {}
    est_frames, rank_frames = [], []
    for spec in estimators:
        ca = compare([spec], data_a, on_error="record")
        cb = compare([spec], data_b, on_error="record")
        label = next(iter([*ca.results, *ca.failures]))
        for side, c in ((label_a, ca), (label_b, cb)):
            for msg in c.failures.values():
                failures[f"{label} [{side}]"] = msg
        if label not in ca.results or label not in cb.results:
            continue
        ra, rb = ca.results[label], cb.results[label]
        res_a[label], res_b[label] = ra, rb
        m = _main_rows(ra).merge(_main_rows(rb), on=["quantity", "unit", "iso3", "year"],
                                 how="outer", suffixes=("_a", "_b"))
        change = m["estimate_b"] - m["estimate_a"]
        est_frames.append(pd.DataFrame({
            "method": label, "quantity": m["quantity"], "unit": m["unit"], "iso3": m["iso3"],
            "year": m["year"], "estimate_a": m["estimate_a"], "estimate_b": m["estimate_b"],
            "change": change,
            "relative_change": (change / m["estimate_a"].abs()).where(m["estimate_a"].abs() > 0),
        }))
        both = Comparison(results=MappingProxyType({"a": ra, "b": rb}))
        rk = both.ranks()
        if not rk.empty:
            rk = rk.reindex(columns=["a", "b"]).reset_index()
            rank_frames.append(pd.DataFrame({
                "method": label, "iso3": rk["iso3"], "year": rk["year"], "rank_a": rk["a"],
                "rank_b": rk["b"], "rank_change": rk["b"] - rk["a"]}))
    estimates = (pd.concat(est_frames, ignore_index=True) if est_frames
                 else pd.DataFrame(columns=list(ESTIMATE_COLUMNS)))
    ranks = (pd.concat(rank_frames, ignore_index=True) if rank_frames
             else pd.DataFrame(columns=list(RANK_COLUMNS)))
    estimates = estimates.sort_values(["method", "year", "iso3"], kind="mergesort")
    ranks = ranks.sort_values(["method", "year", "iso3"], kind="mergesort")
    return VintageComparison(
        data=d, results_a=MappingProxyType(res_a), results_b=MappingProxyType(res_b),
        failures=MappingProxyType(failures), estimates=estimates.reset_index(drop=True),
        ranks=ranks.reset_index(drop=True), lineage_a=data_a.lineage, lineage_b=data_b.lineage)


def _frames(vc: VintageComparison) -> dict[str, pd.DataFrame]:
    return {"summary": vc.data.summary, "added": vc.data.added, "removed": vc.data.removed,
            "revised": vc.data.revised, "ambiguous": vc.data.ambiguous,
            "estimates": vc.estimates, "ranks": vc.ranks, "ranks_moved": vc.moved}


def write_revisions(vc: VintageComparison, out: str | Path) -> list[Path]:
    """Write a vintage comparison; the suffix of ``out`` picks the format.

    Parameters
    ----------
    vc : VintageComparison
    out : str or Path
        ``.xlsx``: one sheet per frame (``summary, added, removed, revised, ambiguous,
        estimates, ranks, ranks_moved``) and a ``provenance`` sheet. ``.csv``: the summary in
        ``out`` and each other frame in ``<out stem>.<frame>.csv`` beside it, with
        ``<out stem>.provenance.json``. ``.json``: everything in one object.

    Returns
    -------
    list of Path
        Files written.

    Raises
    ------
    ExportError
        For another suffix.
    """
    path = Path(out)
    suffix = path.suffix.lower()
    frames = _frames(vc)
    prov = vc.provenance()
    if suffix == ".xlsx":
        import openpyxl  # noqa: F401  (pandas' engine; imported here to fail early and clearly)

        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, f in frames.items():
                f.to_excel(xw, sheet_name=name, index=False)
            pd.DataFrame({"key": list(prov), "value": [json.dumps(v, default=str)
                                                         for v in prov.values()]}).to_excel(
                xw, sheet_name="provenance", index=False)
        return [path]
    if suffix == ".csv":
        written = [path]
        frames["summary"].to_csv(path, index=False)
        stem = str(path)[: -len(path.suffix)]
        for name, f in frames.items():
            if name == "summary":
                continue
            p = Path(f"{stem}.{name}.csv")
            f.to_csv(p, index=False)
            written.append(p)
        p = Path(f"{stem}.provenance.json")
        p.write_text(json.dumps(prov, indent=2, default=str) + "\n", encoding="utf-8")
        return [*written, p]
    if suffix == ".json":
        body = vc.data.to_dict()
        body["estimates"] = json.loads(vc.estimates.to_json(orient="records"))
        body["ranks"] = json.loads(vc.ranks.to_json(orient="records"))
        body["provenance"] = prov
        path.write_text(json.dumps(body, indent=2, default=str) + "\n", encoding="utf-8")
        return [path]
    raise ExportError(f"--out {path}: write the diff to .xlsx, .csv or .json")
