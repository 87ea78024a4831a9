"""Inequality of a burden against a capacity (Gini and Lorenz curve), shared by the estimators."""

from __future__ import annotations

import numpy as np

__all__ = ["gini_lorenz"]


def gini_lorenz(iso3: np.ndarray, burden: np.ndarray,
                 capacity: np.ndarray) -> tuple[float, list[tuple[str, float, float]]]:
    r"""Gini coefficient of a burden against a capacity, and the Lorenz curve points.

    Countries are sorted by :math:`B_c / K_c` (ties by label); with :math:`X_k, Y_k` the
    cumulative capacity and burden shares, :math:`G = 1 - \sum_k (X_k - X_{k-1})(Y_k + Y_{k-1})`.

    Parameters
    ----------
    iso3 : numpy.ndarray
        Labels (tie-break and Lorenz point labels).
    burden, capacity : numpy.ndarray
        Non-negative burdens and positive capacities, aligned with ``iso3``.

    Returns
    -------
    (float, list of (str, float, float))
        The Gini (NaN if either total is not positive) and the (label, X, Y) points.
    """
    tb, tc = burden.sum(), capacity.sum()
    if tb <= 0 or tc <= 0:
        return float("nan"), []
    ratio = burden / capacity
    order = np.lexsort((iso3, ratio))  # ties broken by code, so the result is deterministic
    x = np.cumsum(capacity[order]) / tc
    y = np.cumsum(burden[order]) / tb
    xp = np.concatenate([[0.0], x])
    yp = np.concatenate([[0.0], y])
    gini = 1.0 - float(np.sum((xp[1:] - xp[:-1]) * (yp[1:] + yp[:-1])))
    return gini, [(str(c), float(a), float(b)) for c, a, b in zip(iso3[order], x, y)]
