"""Country-year inputs of the unit-cost engine, with the accounting of every observation.

:class:`Inputs` turns a :class:`~burdenshare.estimators.base.Ledger` into arrays per key (an
(iso3, year) pair at which a users indicator is observed), looks other indicators up per key and
finally marks every row it returned used or excluded (:meth:`Inputs.settle`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .base import Ledger

__all__ = ["Inputs"]


class Inputs:
    """Country-year inputs of a unit-cost estimator, with the accounting of every observation.

    Keys are the (iso3, year) pairs at which a users indicator is observed. Other indicators are
    looked up per key, in the same year or as the latest observation at or before it; every row a
    look-up returns is remembered, so that :meth:`settle` can mark it used (key estimated) or
    excluded with the key's reason.
    """

    def __init__(self, ledger: Ledger, users: Sequence[str]) -> None:
        self.ledger = ledger
        ledger.exclude_non_countries()
        sub = ledger.exclude_missing_values()
        self.poison: dict[tuple[str, int], str] = {}
        for code, yr, ind in zip(sub["iso3"].to_numpy(), sub["year"].to_numpy(),
                                 sub["indicator"].to_numpy()):
            if ind in users:
                self.poison.setdefault((str(code), int(yr)), str(ind))
        self.clean = ledger.active()
        self.users_names = tuple(users)
        u = self.clean[self.clean["indicator"].isin(list(users))]
        pairs = set(zip(u["iso3"], u["year"].astype(int))) | set(self.poison)
        keys = sorted(pairs)
        self.iso3 = np.array([k[0] for k in keys], dtype=object)
        self.year = np.array([k[1] for k in keys], dtype=np.int64)
        self.n = len(keys)
        self._refs: list[np.ndarray] = []
        self.users: dict[str, np.ndarray] = {}
        index = pd.MultiIndex.from_arrays([self.iso3, self.year])
        for ind in users:
            sub = u[u["indicator"] == ind]
            vals = np.full(self.n, np.nan)
            rows = np.full(self.n, -1, dtype=np.int64)
            if self.n and len(sub):
                s_idx = pd.MultiIndex.from_arrays([sub["iso3"].to_numpy(),
                                                   sub["year"].to_numpy(dtype=np.int64)])
                pos = s_idx.get_indexer(index)
                hit = pos >= 0
                vals[hit] = sub["value"].to_numpy()[pos[hit]]
                rows[hit] = sub["_row"].to_numpy()[pos[hit]]
            self.users[ind] = vals
            self._refs.append(rows)
        self.poisoned = np.array([(k in self.poison) for k in keys], dtype=bool)
        #: per-call values shared by the estimator's hooks
        self.refugees = np.full(self.n, np.nan)
        self.prorate = np.ones(self.n)
        #: other people in need of international protection per refugee with an age (education)
        self.oip_share = np.zeros(self.n)

    def has(self, indicator: str) -> bool:
        """Whether any usable observation of ``indicator`` exists."""
        return bool((self.clean["indicator"] == indicator).any())

    def lookup(self, indicator: str, target: np.ndarray | None = None, *, rule: str = "same_year",
               max_age: int | None = None, mask: np.ndarray | None = None,
               ) -> tuple[np.ndarray, np.ndarray]:
        """Value and year of ``indicator`` per key.

        ``rule="same_year"``: the observation of the target year (default: the key's year);
        ``"latest_available"``: the latest at or before it (no older than ``max_age`` years).
        Keys outside ``mask`` get NaN. Returned rows are remembered for :meth:`settle`.
        """
        tgt = self.year.astype(float) if target is None else np.asarray(target, dtype=float)
        if mask is not None:
            tgt = np.where(mask, tgt, np.nan)
        vals = np.full(self.n, np.nan)
        years = np.full(self.n, np.nan)
        rows = np.full(self.n, -1, dtype=np.int64)
        src = self.clean[self.clean["indicator"] == indicator]
        want = np.isfinite(tgt)
        if self.n == 0 or src.empty or not want.any():
            return vals, years
        left = pd.DataFrame({"iso3": self.iso3[want].astype(str),
                             "t": tgt[want].astype(np.int64), "_i": np.flatnonzero(want)})
        right = pd.DataFrame({"iso3": src["iso3"].to_numpy().astype(str),
                              "s": src["year"].to_numpy(dtype=np.int64),
                              "v": src["value"].to_numpy(dtype=float),
                              "r": src["_row"].to_numpy(dtype=np.int64)})
        if rule == "same_year":
            m = left.merge(right, left_on=["iso3", "t"], right_on=["iso3", "s"], how="left")
        else:
            m = pd.merge_asof(left.sort_values("t"), right.sort_values("s"), left_on="t",
                              right_on="s", by="iso3", direction="backward")
            if max_age is not None:
                old = (m["t"] - m["s"]) > max_age
                m.loc[old, ["s", "v", "r"]] = np.nan
        m = m.dropna(subset=["s"])
        idx = m["_i"].to_numpy(dtype=np.int64)
        vals[idx] = m["v"].to_numpy(dtype=float)
        years[idx] = m["s"].to_numpy(dtype=float)
        rows[idx] = m["r"].to_numpy(dtype=np.int64)
        self._refs.append(rows)
        return vals, years

    def settle(self, ok: np.ndarray, reason: np.ndarray, detail: np.ndarray,
               rule_note: str) -> None:
        """Mark every row used or excluded (once) from the keys' outcome."""
        led = self.ledger
        for rows in self._refs:
            led.use(rows[(rows >= 0) & ok])
        for rows in self._refs:
            bad = (rows >= 0) & ~ok
            for why in sorted(set(reason[bad])):
                sel = bad & (reason == why)
                led.exclude(rows[sel], why, detail[sel])
        rest = led.active()
        if rest.empty:
            return
        served = set(self.iso3[ok])
        last: dict[str, tuple[str, str]] = {}
        for i in np.flatnonzero(~ok):
            last[self.iso3[i]] = (reason[i], detail[i])
        codes = rest["iso3"].to_numpy()
        inds = rest["indicator"].to_numpy()
        years = rest["year"].to_numpy()
        out_reason = np.empty(len(rest), dtype=object)
        out_detail = np.empty(len(rest), dtype=object)
        users = " or ".join(self.users_names)
        for j, (c, ind, y) in enumerate(zip(codes, inds, years)):
            if c in served:
                out_reason[j] = "not_reference_year"
                out_detail[j] = (f"{ind} {c} {y} is not the observation used for any year "
                                 f"estimated for {c} ({rule_note}; other inputs: same year)")
            elif c in last:
                out_reason[j], out_detail[j] = last[c]
            else:
                out_reason[j] = "missing_counterpart"
                out_detail[j] = f"no {users} observation for {c} in the data"
        ids = rest["_row"].to_numpy()
        for why in sorted(set(out_reason)):
            sel = out_reason == why
            led.exclude(ids[sel], why, out_detail[sel])

