"""Confidence intervals for figures measured over runs (every interval here is 95%).

Runs are the independent units: ``mean_ci`` for a per-run figure averaged over runs
(Student t), ``wilson_ci`` for a share of runs, ``bootstrap_ci`` for a statistic of
counts clustered within runs, resampling whole runs (or whole pairs of runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import stats

NAN = float("nan")
LEVEL = 0.95  # every interval is a 95% interval
BOOT_SEED = 20_240_601  # resamples are drawn from this seed, so intervals are reproducible
N_BOOT = 2000


def wilson_ci(k: float, n: float, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n``.

    Returns:
        (low, high); NaNs when ``n`` is 0.
    """
    if n <= 0:
        return NAN, NAN
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_ci(x, level: float = LEVEL) -> tuple[float, float, float, int]:
    """Mean of the finite values of ``x`` with a Student-t interval.

    Returns:
        (mean, low, high, n): the interval is NaN with fewer than two values, and has
        zero width when all values are equal.
    """
    a = np.asarray(x, dtype=float)
    a = a[np.isfinite(a)]
    n = a.size
    if n == 0:
        return NAN, NAN, NAN, 0
    mean = float(a.mean())
    if n == 1:
        return mean, NAN, NAN, 1
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * a.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def bootstrap_ci(
    stat: Callable[..., np.ndarray],
    *arrays,
    level: float = LEVEL,
    n_boot: int = N_BOOT,
    seed: int = BOOT_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``stat``, resampling rows of ``arrays`` jointly.

    Args:
        stat: takes one 2-d array per input, shape (resamples, rows), and returns one
            value per resample (NaNs are dropped).
        *arrays: equal-length 1-d arrays; row i of each is one unit (a run, or a pair
            of runs), so pairs stay together.
        level: confidence level.
        n_boot: number of resamples.
        seed: seed of the resampling generator (fixed: the interval is reproducible).

    Returns:
        (low, high); NaNs with fewer than two rows.
    """
    cols = [np.asarray(a, dtype=float) for a in arrays]
    n = cols[0].size
    if n < 2:
        return NAN, NAN
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.asarray(stat(*(c[idx] for c in cols)), dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return NAN, NAN
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def ratio_of_sums(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Row-wise ``sum(num) / sum(den)`` (the last axis is summed); a bootstrap statistic."""
    return np.sum(num, axis=-1) / np.sum(den, axis=-1)
