"""What changed between two vintages: rows added, removed and revised, and the size of revisions.

Rows are matched on ``iso3, area, counterpart_iso3, year, indicator`` and **not** on ``source``:
source ids name the release, so they differ between vintages by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data import Dataset

__all__ = ["DataDiff", "KEY", "diff_datasets", "diff"]

#: The columns that identify an observation across vintages.
KEY: tuple[str, ...] = ("iso3", "area", "counterpart_iso3", "year", "indicator")

SUMMARY_COLUMNS: tuple[str, ...] = (
    "indicator", "year", "added", "removed", "revised", "unchanged",
    "median_abs_revision", "max_abs_revision",
    "median_abs_relative_revision", "max_abs_relative_revision",
)


@dataclass(frozen=True, eq=False)
class DataDiff:
    """The differences between two datasets (two vintages), as tidy frames.

    Attributes
    ----------
    a, b : str
        Labels of the two sides (``"embedded"`` or vintage ids).
    a_fingerprint, b_fingerprint : str
        Fingerprints of the two datasets compared.
    added : pandas.DataFrame
        Rows only in ``b``: the key columns, ``value``, ``unit``, ``source``.
    removed : pandas.DataFrame
        Rows only in ``a``: same columns.
    revised : pandas.DataFrame
        Rows in both whose value differs: the key columns, ``unit``, ``value_a``, ``value_b``,
        ``revision`` (b − a), ``relative_revision`` ((b − a) / abs(a); NaN when a is 0 or
        missing), ``source_a``, ``source_b``. A value that became missing, or appeared where it
        was missing, counts as revised with NaN revision.
    unchanged : pandas.DataFrame
        Per indicator and year, how many rows are equal on both sides (``indicator, year, n``).
    ambiguous : pandas.DataFrame
        Rows whose key occurs more than once on one side (several sources for one
        observation): not classified, listed with ``side`` and ``source``.
    summary : pandas.DataFrame
        One row per indicator and year with any row: counts of added, removed, revised and
        unchanged rows, and the median and maximum absolute revision and absolute relative
        revision (over revisions with both values present).
    """

    a: str
    b: str
    a_fingerprint: str
    b_fingerprint: str
    added: pd.DataFrame
    removed: pd.DataFrame
    revised: pd.DataFrame
    unchanged: pd.DataFrame
    ambiguous: pd.DataFrame
    summary: pd.DataFrame

    @property
    def identical(self) -> bool:
        """True if nothing was added, removed, revised or left ambiguous."""
        return not (len(self.added) or len(self.removed) or len(self.revised)
                    or len(self.ambiguous))

    def headline(self) -> str:
        """One line: rows added, removed and revised, and indicators touched."""
        touched = sorted(set(self.added["indicator"]) | set(self.removed["indicator"])
                         | set(self.revised["indicator"]))
        return (f"{self.a} -> {self.b}: {len(self.added):,} rows added, {len(self.removed):,} "
                f"removed, {len(self.revised):,} revised, {int(self.unchanged['n'].sum()):,} "
                f"unchanged; indicators changed: {', '.join(touched) if touched else 'none'}"
                + (f"; {len(self.ambiguous):,} ambiguous rows" if len(self.ambiguous) else ""))

    def to_dict(self) -> dict[str, Any]:
        """Return every frame as a list of records (JSON-serialisable), with the two labels."""
        def rec(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [{str(k): _py(v) for k, v in r.items()} for r in df.to_dict(orient="records")]
        return {"a": self.a, "b": self.b, "a_fingerprint": self.a_fingerprint,
                "b_fingerprint": self.b_fingerprint, "summary": rec(self.summary),
                "added": rec(self.added), "removed": rec(self.removed),
                "revised": rec(self.revised), "ambiguous": rec(self.ambiguous)}


def _py(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NA:
        return None
    return v


def _keyed(ds: Dataset) -> pd.DataFrame:
    o = ds.observations
    return pd.DataFrame({
        "iso3": o["iso3"].astype(str),
        "area": o["area"].astype(str).fillna(""),
        "counterpart_iso3": o["counterpart_iso3"].astype(str).fillna(""),
        "year": o["year"].astype("int64"),
        "indicator": o["indicator"].astype(str),
        "value": o["value"].astype("float64"),
        "unit": o["unit"].astype(str),
        "source": o["source"].astype(str),
    })


def _restore(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in ("area", "counterpart_iso3"):
        out[c] = out[c].replace("", None).astype("str") if len(out) else out[c].astype("str")
    return out.reset_index(drop=True)


def diff_datasets(a: Dataset, b: Dataset, *, label_a: str = "a", label_b: str = "b") -> DataDiff:
    """Compare two datasets row by row (see :class:`DataDiff`).

    Parameters
    ----------
    a, b : Dataset
        The older and the newer data.
    label_a, label_b : str
        Names shown in messages and exports.

    Returns
    -------
    DataDiff
    """
    key = list(KEY)
    ka, kb = _keyed(a), _keyed(b)
    dup_a = ka.duplicated(key, keep=False)
    dup_b = kb.duplicated(key, keep=False)
    amb_keys = pd.concat([ka.loc[dup_a, key], kb.loc[dup_b, key]]).drop_duplicates()
    if len(amb_keys):
        mark = amb_keys.assign(_amb=True)
        ka = ka.merge(mark, on=key, how="left")
        kb = kb.merge(mark, on=key, how="left")
        ambiguous = pd.concat([ka[ka["_amb"].notna()].assign(side=label_a),
                               kb[kb["_amb"].notna()].assign(side=label_b)]).drop(columns="_amb")
        ka = ka[ka["_amb"].isna()].drop(columns="_amb")
        kb = kb[kb["_amb"].isna()].drop(columns="_amb")
    else:
        ambiguous = pd.DataFrame(columns=[*key, "value", "unit", "source", "side"])
    m = ka.merge(kb, on=key, how="outer", suffixes=("_a", "_b"), indicator=True)
    only_a = m[m["_merge"] == "left_only"]
    only_b = m[m["_merge"] == "right_only"]
    both = m[m["_merge"] == "both"]
    va, vb = both["value_a"], both["value_b"]
    same = (va == vb) | (va.isna() & vb.isna())
    rev = both[~same]
    with np.errstate(divide="ignore", invalid="ignore"):
        revision = rev["value_b"] - rev["value_a"]
        denom = rev["value_a"].abs()
        relative = (revision / denom).where(denom > 0)
    revised = pd.DataFrame({
        **{c: rev[c] for c in key},
        "unit": rev["unit_b"],
        "value_a": rev["value_a"], "value_b": rev["value_b"],
        "revision": revision, "relative_revision": relative,
        "source_a": rev["source_a"], "source_b": rev["source_b"],
    })
    added = pd.DataFrame({**{c: only_b[c] for c in key}, "value": only_b["value_b"],
                          "unit": only_b["unit_b"], "source": only_b["source_b"]})
    removed = pd.DataFrame({**{c: only_a[c] for c in key}, "value": only_a["value_a"],
                            "unit": only_a["unit_a"], "source": only_a["source_a"]})
    unchanged = (both[same].groupby(["indicator", "year"]).size().rename("n").reset_index()
                 if same.any() else pd.DataFrame({"indicator": pd.Series(dtype=str),
                                                  "year": pd.Series(dtype="int64"),
                                                  "n": pd.Series(dtype="int64")}))
    summary = _summary(added, removed, revised, unchanged)
    order = ["indicator", "year", "iso3", "area", "counterpart_iso3"]
    return DataDiff(
        a=label_a, b=label_b, a_fingerprint=a.fingerprint, b_fingerprint=b.fingerprint,
        added=_restore(added.sort_values(order, kind="mergesort")),
        removed=_restore(removed.sort_values(order, kind="mergesort")),
        revised=_restore(revised.sort_values(order, kind="mergesort")),
        unchanged=unchanged.sort_values(["indicator", "year"]).reset_index(drop=True),
        ambiguous=_restore(ambiguous.sort_values(order, kind="mergesort")) if len(ambiguous)
        else ambiguous.reset_index(drop=True),
        summary=summary,
    )


def _summary(added: pd.DataFrame, removed: pd.DataFrame, revised: pd.DataFrame,
             unchanged: pd.DataFrame) -> pd.DataFrame:
    idx = ["indicator", "year"]
    counts = [
        added.groupby(idx).size().rename("added"),
        removed.groupby(idx).size().rename("removed"),
        revised.groupby(idx).size().rename("revised"),
        unchanged.set_index(idx)["n"].rename("unchanged"),
    ]
    frame = pd.concat(counts, axis=1).fillna(0).astype("int64")
    both = revised.dropna(subset=["revision"])
    size = pd.DataFrame(index=frame.index)
    if len(both):
        g = both.assign(_abs=both["revision"].abs(),
                        _rel=both["relative_revision"].abs()).groupby(idx)
        size = pd.DataFrame({
            "median_abs_revision": g["_abs"].median(),
            "max_abs_revision": g["_abs"].max(),
            "median_abs_relative_revision": g["_rel"].median(),
            "max_abs_relative_revision": g["_rel"].max(),
        })
    out = frame.join(size, how="left")
    for c in SUMMARY_COLUMNS[6:]:
        if c not in out.columns:
            out[c] = np.nan
    out = out.reset_index()
    if len(out):
        out = out[(out["added"] + out["removed"] + out["revised"]) > 0]
    return out.loc[:, list(SUMMARY_COLUMNS)].sort_values(idx).reset_index(drop=True)


def diff(a: str, b: str, *, root: str | Path | None = None) -> DataDiff:
    """Compare two vintages (each ``"embedded"``, ``"latest"``, a publisher key or vintage ids).

    Each side is what :func:`burdenshare.load` returns for it: the embedded samples with the
    vintage's indicators replaced, so only what the release changed shows.

    Parameters
    ----------
    a, b : str
        The older and the newer vintage choice.
    root : str or Path, optional
        Store folder.

    Returns
    -------
    DataDiff

    See Also
    --------
    burdenshare.revisions.compare_vintages : the same, with estimators run on both sides.
    """
    from ._load import load

    return diff_datasets(load(a, root=root), load(b, root=root), label_a=a, label_b=b)
