"""The :class:`Ledger`: each input observation an estimator needs is used or excluded, once."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._codes import codes_of, hinted_codes
from .._errors import EstimatorError
from ..countries import entity_type, is_country
from ..data import Dataset

__all__ = ["Ledger"]


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
        ind_codes = codes_of(obs["indicator"], inds)
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
        src_codes, src_u = hinted_codes(self.frame["source"], None if all_national else national,
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
