"""Linear algebra of the IV estimator (``iv_2sls``), exact and without dummy matrices.

Fixed effects partialled out from group sums, linearmodels' OLS covariance for one
coefficient, the first-stage partial R², and the Anderson-Rubin weak-instrument-robust
interval. Each is tested against linearmodels or a dense least-squares fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["anderson_rubin_interval", "anderson_rubin_parts", "group_means", "ols_first_coef_var",
           "partial_out_fixed_effects", "partial_r2"]


def partial_r2(x: np.ndarray, W: np.ndarray | None, z: np.ndarray) -> float:
    """The first-stage ``partial.rsquared`` of linearmodels (one endogenous, one instrument).

    The (uncentred: the partialled-out columns have no constant) R-squared of the regression of
    the endogenous regressor on the instrument, both orthogonalised to the exogenous
    regressors ``W``.
    """
    if W is not None and W.shape[1]:
        x = x - W @ np.linalg.lstsq(W, x, rcond=None)[0]
        z = z - W @ np.linalg.lstsq(W, z, rcond=None)[0]
    b = float(z @ x) / float(z @ z)
    e = x - b * z
    return 1.0 - float(e @ e) / float(x @ x)


def ols_first_coef_var(y: np.ndarray, X: np.ndarray, clusters: np.ndarray | None,
                        extra_df: int) -> tuple[float, float]:
    """Coefficient on the first column of ``X`` and its variance, as linearmodels gives them.

    The OLS fit ``IV2SLS(y, X, None, None).fit(debiased=True, extra_df=extra_df)`` with
    ``cov_type="unadjusted"`` (``clusters`` None) or ``"clustered"`` (one or two cluster
    columns), with linearmodels' formulas: ``V = v^{-1} S v^{-1} / n``, ``v = X'X / n``; the
    unadjusted ``S = s^2 v`` with ``s^2 = e'e / (n - k - extra_df)``; the clustered ``S`` the
    sum over clusters of the summed scores' outer products over ``n``, times
    ``n / (n - k - extra_df) x G / (G - 1) x (n - 1) / n``, and for two clusters
    ``S_1 + S_2 - S_12``. Equal to linearmodels to rounding (tested).
    """
    n, k = X.shape
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    v = X.T @ X / n
    vinv = np.linalg.inv(v)
    scale = n / (n - k - extra_df)
    if clusters is None:
        s = scale * float(e @ e) / n * v
    else:
        xe = X * e[:, None]
        cl = clusters.reshape(n, -1)

        def one(codes: np.ndarray) -> np.ndarray:
            g, nc = pd.factorize(codes)[0], len(pd.unique(codes))
            u = np.column_stack([np.bincount(g, weights=xe[:, j], minlength=nc)
                                 for j in range(k)])
            meat: np.ndarray = (u.T @ u / n) * (scale * (nc / (nc - 1)) * ((n - 1) / n))
            return meat

        if cl.shape[1] == 1:
            s = one(cl[:, 0])
        else:
            c0 = cl[:, 0] - cl[:, 0].min() + 1
            c1 = cl[:, 1] - cl[:, 1].min() + 1
            s = one(cl[:, 0]) + one(cl[:, 1]) - one((c0 * (c1.max() + 1) + c1).astype(np.int64))
    c = vinv @ s @ vinv / n
    c = (c + c.T) / 2
    return float(beta[0]), float(c[0, 0])


def group_means(codes: np.ndarray, n: int, M: np.ndarray) -> np.ndarray:
    """Mean of each column of ``M`` within each of the ``n`` groups ``codes``."""
    cnt = np.bincount(codes, minlength=n).astype(float)
    sums = np.column_stack([np.bincount(codes, weights=M[:, j], minlength=n)
                            for j in range(M.shape[1])])
    means: np.ndarray = sums / cnt[:, None]
    return means


def partial_out_fixed_effects(M: np.ndarray, entity: np.ndarray, time: np.ndarray,
                              effects: str) -> np.ndarray:
    r"""Residuals of the columns of ``M`` on entity and/or time dummies, without the dummies.

    The least-squares projection on the dummies is computed exactly from group sums: one-way
    effects are removed by group means; for two-way effects the year effects :math:`\gamma`
    solve the normal equations with the entity effects eliminated (a Schur complement,
    :math:`(D_t - N' D_e^{-1} N)\gamma = S_t - N' D_e^{-1} S_e`, with :math:`N` the
    entity x year counts, one year per connected component of the panel fixed at zero), then
    :math:`lpha_i = (S_{e,i} - N_i\gamma)/n_i` and the residual is
    :math:`M_{it} - lpha_i - \gamma_t`. No dense ``N x (entities + years)`` dummy matrix is
    built, so a million-row panel costs a few group sums and a years x years solve. Equal to
    the dense least-squares residuals to rounding (tested against them in
    ``tests/unit/test_iv.py``).

    Parameters
    ----------
    M : numpy.ndarray
        ``N x k`` values.
    entity, time : numpy.ndarray
        Integer codes ``0 .. n-1`` of each row's entity and period.
    effects : {"twoway", "entity", "time"}

    Returns
    -------
    numpy.ndarray
        ``N x k`` residuals.
    """
    n_e = int(entity.max()) + 1 if len(entity) else 0
    n_t = int(time.max()) + 1 if len(time) else 0
    within: np.ndarray
    if effects == "entity":
        within = M - group_means(entity, n_e, M)[entity]
        return within
    if effects == "time":
        within = M - group_means(time, n_t, M)[time]
        return within
    alpha, gamma = _twoway_effects(M, entity, time, n_e, n_t)
    within = M - alpha[entity] - gamma[time]
    return within


def _group_sums(codes: np.ndarray, n: int, M: np.ndarray) -> np.ndarray:
    """Sum of each column of ``M`` within each of the ``n`` groups ``codes``."""
    return np.column_stack([np.bincount(codes, weights=M[:, j], minlength=n)
                            for j in range(M.shape[1])])


def _twoway_effects(M: np.ndarray, entity: np.ndarray, time: np.ndarray, n_e: int, n_t: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Entity and year effects of the least-squares fit of ``M`` on both sets of dummies."""
    from scipy import sparse

    if n_e * n_t <= 20_000_000:  # the entity x year counts fit in memory as a dense matrix
        N: Any = np.bincount(entity * n_t + time, minlength=n_e * n_t).reshape(n_e, n_t)
        N = N.astype(float)
    else:
        N = sparse.csr_matrix((np.ones(len(entity)), (entity, time)), shape=(n_e, n_t))
    n_i = np.asarray(N.sum(axis=1)).ravel()
    n_y = np.asarray(N.sum(axis=0)).ravel()
    S_e = _group_sums(entity, n_e, M)
    S_t = _group_sums(time, n_t, M)
    if sparse.issparse(N):
        NtDi = N.T.multiply(1.0 / n_i[None, :]).tocsr()
        A = np.diag(n_y) - (NtDi @ N).toarray()
    else:
        NtDi = N.T / n_i[None, :]
        A = np.diag(n_y) - NtDi @ N
    B = S_t - NtDi @ S_e
    free = _free_years(N, n_e, n_t)
    gamma = np.zeros((n_t, M.shape[1]))
    if free.any():
        gamma[free] = np.linalg.solve(A[np.ix_(free, free)], B[free])
    alpha: np.ndarray = (S_e - N @ gamma) / n_i[:, None]
    return alpha, gamma


def _free_years(N: Any, n_e: int, n_t: int) -> np.ndarray:
    """Years whose effect is estimated: all but the first of each connected component of the
    entity-year graph (the year effects are identified up to a constant per component).
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    Ns = sparse.csr_matrix(N)
    graph = sparse.bmat([[None, Ns], [Ns.T, None]], format="csr")
    _, comp = connected_components(graph, directed=False)
    _, first = np.unique(comp[n_e:], return_index=True)
    free = np.ones(n_t, dtype=bool)
    free[first] = False
    return free


def anderson_rubin_interval(a_y: float, a_x: float, v_yy: float, v_xy: float, v_xx: float,
                            crit: float) -> tuple[float, float, str]:
    r"""Invert the Anderson–Rubin test for one endogenous regressor and one instrument.

    The AR statistic for :math:`H_0: \beta = b` is the Wald statistic of the instrument in the
    regression of :math:`y - b x` on the instrument and the exogenous variables,
    :math:`(a_y - b a_x)^2 / (V_{yy} - 2 b V_{xy} + b^2 V_{xx})`, where :math:`a_y, a_x` are the
    instrument's coefficients in the reduced form and the first stage and :math:`V` their
    (cluster-robust) covariances. The set :math:`\{b : AR(b) \le c\}` solves a quadratic
    inequality exactly.

    Parameters
    ----------
    a_y, a_x : float
        Reduced-form and first-stage coefficients of the instrument.
    v_yy, v_xy, v_xx : float
        Their variances and covariance.
    crit : float
        Critical value of the statistic.

    Returns
    -------
    (lower, upper, shape)
        ``shape`` is ``"bounded"`` (``[lower, upper]``), ``"two_rays"``
        (``(-inf, lower] U [upper, inf)``) or ``"unbounded"`` (all real numbers; bounds NaN).
    """
    A = a_x ** 2 - crit * v_xx
    B = -2.0 * (a_y * a_x - crit * v_xy)
    C = a_y ** 2 - crit * v_yy
    disc = B * B - 4 * A * C
    if A > 0:
        r = np.sqrt(max(disc, 0.0))
        return (-B - r) / (2 * A), (-B + r) / (2 * A), "bounded"
    if disc > 0 and A < 0:
        r = np.sqrt(disc)
        lo, hi = sorted(((-B + r) / (2 * A), (-B - r) / (2 * A)))
        return lo, hi, "two_rays"
    return float("nan"), float("nan"), "unbounded"


def anderson_rubin_parts(y: np.ndarray, x: np.ndarray, Z: np.ndarray,
                         clusters: np.ndarray | None, extra_df: int
                         ) -> tuple[float, float, float, float, float]:
    """Coefficients and (co)variances of the instrument for :func:`anderson_rubin_interval`.

    The Wald statistic of the instrument in the regression of ``y - b x`` on ``Z`` (the
    instrument first, then the exogenous columns) is quadratic in ``b``: three OLS fits
    (``b`` = 0, 1, -1) with linearmodels' covariance give its coefficients.

    Parameters
    ----------
    y, x : numpy.ndarray
        Outcome and endogenous regressor (fixed effects partialled out).
    Z : numpy.ndarray
        The instrument, then the exogenous regressors (columns).
    clusters : numpy.ndarray or None
        Cluster codes (one or two columns), or None for the unadjusted covariance.
    extra_df : int
        Fixed-effect dummies partialled out (counted by the small-sample correction).

    Returns
    -------
    (a_y, a_x, v_yy, v_xy, v_xx)
    """
    fits = {b: ols_first_coef_var(y - b * x, Z, clusters, extra_df) for b in (0.0, 1.0, -1.0)}
    a_y = fits[0.0][0]
    a_x = fits[0.0][0] - fits[1.0][0]
    v_yy = fits[0.0][1]
    v_xx = (fits[1.0][1] + fits[-1.0][1]) / 2 - v_yy
    v_xy = (fits[-1.0][1] - fits[1.0][1]) / 4
    return a_y, a_x, v_yy, v_xy, v_xx
