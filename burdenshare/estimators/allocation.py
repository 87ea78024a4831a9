"""Whole-number allocations from key shares (largest-remainder rule).

Used by every distribution key that is given a total to allocate: the allocations are integers
that sum exactly to the total.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["largest_remainder"]


def largest_remainder(shares: Sequence[float], total: int, labels: Sequence[str]) -> np.ndarray:
    r"""Allocate ``total`` whole units in proportion to ``shares`` (Hamilton's method).

    Each party first gets :math:`\lfloor s_i T \rfloor` units; the :math:`T - \sum_i \lfloor
    s_i T \rfloor` units left over go, one each, to the parties with the largest fractional
    remainders :math:`s_i T - \lfloor s_i T \rfloor`. Ties are broken by the larger share, then
    by label in alphabetical order, so the result never depends on input order.

    Parameters
    ----------
    shares : sequence of float
        Non-negative shares summing to 1 (checked to 1e-9).
    total : int
        Units to allocate (>= 0).
    labels : sequence of str
        One label per share (e.g. ISO3 codes), for the tie-break.

    Returns
    -------
    numpy.ndarray of int64
        Allocations summing exactly to ``total``.

    Raises
    ------
    ValueError
        If shares are negative, do not sum to 1, or the lengths differ.

    Examples
    --------
    >>> largest_remainder([0.5, 0.3, 0.2], 7, ["A", "B", "C"]).tolist()  # 3.5, 2.1, 1.4
    [4, 2, 1]
    """
    s = np.asarray(shares, dtype=float)
    if len(s) != len(labels):
        raise ValueError("shares and labels differ in length")
    if total < 0 or int(total) != total:
        raise ValueError(f"total must be a whole number >= 0, got {total!r}")
    if len(s) == 0:
        if total:
            raise ValueError("nothing to allocate to")
        return np.zeros(0, dtype=np.int64)
    if (s < 0).any() or not np.isfinite(s).all():
        raise ValueError("shares must be finite and non-negative")
    if abs(s.sum() - 1.0) > 1e-9:
        raise ValueError(f"shares sum to {s.sum()!r}, not 1")
    exact = s * int(total)
    base = np.floor(exact + 1e-9).astype(np.int64)  # 1e-9 guards against 2.9999999 -> 2
    left = int(total) - int(base.sum())
    remainder = exact - base

    def rank(i: int) -> tuple[float, float, str]:
        return (-round(remainder[i], 12), -s[i], labels[i])

    # order: larger remainder, then larger share, then label
    order = sorted(range(len(s)), key=rank)
    for i in order[:left]:
        base[i] += 1
    return base
