r"""Monte Carlo over unit-cost uncertainty for the unit-cost estimators (private).

Every country-year draws from its own stream, seeded by
``numpy.random.SeedSequence(seed, spawn_key=(country code, year))``, so that

* a country's draws do not depend on which other countries are in the data or in what order;
* splitting the work across threads (``n_jobs``) or chunks gives bit-identical results;
* no global random state is touched.

Each country-year's draws are produced by one vectorised call (``n_draws x n_parts`` normals);
only the loop over country-years is in Python. :func:`draw_costs_per_draw` is the same model
written draw by draw (one scalar-sized call per draw and country), kept as the reference that
``benchmarks/bench_montecarlo.py`` times against and the tests compare with.

The model: the unit cost of part :math:`p` (a school level or a sector) in country-year
:math:`i` is multiplied by a mean-one log-normal factor

.. math:: F_{i,p} = \exp(\sigma Z_{i,p} - \sigma^2 / 2),\qquad
          \sigma^2 = \ln(1 + \mathrm{cv}^2),\quad Z_{i,p} \sim N(0, 1),

independent across parts and country-years, so :math:`E[F] = 1` and the coefficient of
variation of :math:`F` is ``cv``. A draw of the cost is :math:`\sum_p c_{i,p} F_{i,p}`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TextIO

import numpy as np

__all__ = ["country_stream", "draw_costs", "draw_costs_per_draw", "summarise", "Progress"]


def _code(iso3: str) -> int:
    """A stable integer for a three-letter code (base 26; 'AAA' = 0)."""
    out = 0
    for ch in iso3.upper():
        out = out * 26 + (ord(ch) - 65)
    return out


def country_stream(seed: int, iso3: str, year: int) -> np.random.Generator:
    """The random stream of one country-year: ``SeedSequence(seed, spawn_key=(code, year))``."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(_code(iso3), int(year))))


def _sigma(cv: float) -> float:
    return float(np.sqrt(np.log1p(cv * cv)))


class Progress:
    """Optional progress report: a widget in a Jupyter kernel with ipywidgets, else text lines.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
    enabled : bool
        When False nothing is shown (the default of every estimator).
    stream : text stream, optional
        Where text progress goes (``sys.stderr`` by default).
    """

    def __init__(self, total: int, label: str, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = enabled
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        self._last_pct = -1
        if enabled:
            self._bar = self._widget()
            if self._bar is None:
                self._write(0)

    def _widget(self) -> Any:
        """An ipywidgets bar when running inside a Jupyter kernel, else None (text fallback)."""
        if "ipykernel" not in sys.modules:
            return None
        try:
            import ipywidgets
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return None
        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return None
        bar = ipywidgets.IntProgress(value=0, min=0, max=self.total, description=self.label[:20])
        display(bar)  # type: ignore[no-untyped-call]
        return bar

    def _write(self, pct: int) -> None:
        self._stream.write(f"{self.label}: {pct:3d}% ({self.done}/{self.total})\n")
        self._stream.flush()

    def step(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        if not self.enabled:
            return
        self.done = min(self.done + n, self.total)
        if self._bar is not None:
            self._bar.value = self.done
            return
        pct = int(100 * self.done / self.total)
        if pct // 10 != self._last_pct // 10 or self.done == self.total:
            self._last_pct = pct
            self._write(pct)


def _draw_block(seed: int, iso3: Sequence[str], year: Sequence[int], costs: np.ndarray,
                n_draws: int, sigma: float) -> np.ndarray:
    out = np.empty((len(iso3), n_draws))
    shift = -0.5 * sigma * sigma
    for i in range(len(iso3)):
        rng = country_stream(seed, iso3[i], year[i])
        z = rng.standard_normal((n_draws, costs.shape[1]))
        out[i] = np.exp(sigma * z + shift) @ costs[i]
    return out


def draw_costs(seed: int, iso3: Sequence[str], year: Sequence[int], costs: np.ndarray, *,
               n_draws: int, cv: float, n_jobs: int = 1,
               progress: Progress | None = None) -> np.ndarray:
    """Draw total costs per country-year (vectorised over draws and parts).

    Parameters
    ----------
    seed : int
    iso3, year : sequences
        The country-years (one stream each).
    costs : numpy.ndarray, shape (n, n_parts)
        Point cost of each part (users x utilisation x unit cost).
    n_draws : int
    cv : float
        Coefficient of variation of the unit-cost factor.
    n_jobs : int
        Threads; results are identical for every value.
    progress : Progress, optional

    Returns
    -------
    numpy.ndarray, shape (n, n_draws)
    """
    costs = np.asarray(costs, dtype=float)
    n = len(iso3)
    sigma = _sigma(cv)
    out = np.empty((n, n_draws))
    block = 25
    starts = list(range(0, n, block))
    if n_jobs <= 1 or len(starts) <= 1:
        for s in starts:
            e = min(s + block, n)
            out[s:e] = _draw_block(seed, iso3[s:e], year[s:e], costs[s:e], n_draws, sigma)
            if progress is not None:
                progress.step(e - s)
        return out
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        futures = [(s, pool.submit(_draw_block, seed, iso3[s:s + block], year[s:s + block],
                                   costs[s:s + block], n_draws, sigma)) for s in starts]
        for s, fut in futures:
            block_out = fut.result()
            out[s:s + len(block_out)] = block_out
            if progress is not None:
                progress.step(len(block_out))
    return out


def draw_costs_per_draw(seed: int, iso3: Sequence[str], year: Sequence[int], costs: np.ndarray, *,
                        n_draws: int, cv: float) -> np.ndarray:
    """The same draws as :func:`draw_costs`, computed one draw and one country at a time.

    Reference implementation for the benchmark and the tests (slow; never used by estimators).
    """
    costs = np.asarray(costs, dtype=float)
    n, n_parts = costs.shape
    sigma = _sigma(cv)
    shift = -0.5 * sigma * sigma
    gens = [country_stream(seed, iso3[i], year[i]) for i in range(n)]
    out = np.empty((n, n_draws))
    for d in range(n_draws):
        for i in range(n):
            z = np.asarray(gens[i].standard_normal(n_parts))
            total = 0.0
            for p in range(n_parts):
                total += float(np.exp(sigma * z[p] + shift)) * costs[i, p]
            out[i, d] = total
    return out


def summarise(draws: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """Mean, standard deviation and central ``level`` interval of each row of ``draws``."""
    lo, hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
    q = np.asarray(np.quantile(draws, [lo, hi], axis=1))
    return {
        "mean": draws.mean(axis=1),
        "sd": draws.std(axis=1, ddof=1) if draws.shape[1] > 1 else np.zeros(draws.shape[0]),
        "lower": q[0],
        "upper": q[1],
    }
