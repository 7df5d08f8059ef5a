"""Global sensitivity analysis with SALib: designs, indices, and the seed-noise share.

Pure functions of arrays and tables, with no model in them: ``sim.experiments.sensitivity``
runs the model on a design and hands the outputs back here. The tests run the same
functions on the Ishigami function, whose Sobol indices are known.

Two methods, as SALib implements them:

- ``morris``: elementary effects on ``n`` trajectories over a ``levels``-level grid
  (screening: mu* ranks parameters by influence, sigma flags interactions or
  non-linearity); ``n * (D + 1)`` samples for ``D`` parameters.
- ``sobol``: Saltelli's extension of Sobol' sequences, first-order (S1) and total (ST)
  indices with bootstrap confidence intervals; ``n`` must be a power of 2 and gives
  ``n * (D + 2)`` samples (second-order indices are not computed).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.errors import ConfigError

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4
CONF_LEVEL = 0.95
RESAMPLES = 1000


@dataclass(frozen=True)
class Parameter:
    """A parameter varied by the analysis: its dotted name, bounds and whether it is whole."""

    name: str
    lo: float
    hi: float
    integer: bool = False
    why: str = ""


def problem(params: list[Parameter]) -> dict:
    """SALib's problem dictionary for ``params``."""
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[p.lo, p.hi] for p in params],
    }


def check_design(method: str, n: int, params: list[Parameter]) -> None:
    """Reject a design SALib would refuse or warn about, before anything runs.

    Raises:
        ConfigError: an unknown method, too few parameters, or a sample count SALib
            does not accept (Sobol: a power of 2; Morris: at least 2 trajectories).
    """
    if method not in METHODS:
        raise ConfigError("--method", method, f"must be one of {', '.join(METHODS)}")
    if len(params) < 2:
        raise ConfigError("parameters", len(params), "at least 2 are needed")
    if not isinstance(n, int) or isinstance(n, bool) or n < 2:
        raise ConfigError("--n", n, "must be a whole number >= 2")
    if method == "sobol" and n & (n - 1):
        lower = 2 ** int(math.log2(n))
        raise ConfigError(
            "--n", n, f"Sobol needs a power of 2 (Saltelli sampling), e.g. {lower} or {2 * lower}"
        )


def sample(method: str, params: list[Parameter], n: int, seed: int) -> np.ndarray:
    """The design: one row per sample, one column per parameter (whole numbers rounded)."""
    check_design(method, n, params)
    prob = problem(params)
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        from SALib.sample import sobol

        x = sobol.sample(prob, n, calc_second_order=False, scramble=True, seed=seed)
    for j, p in enumerate(params):
        if p.integer:  # Morris's grid and Sobol's points are real: round to the field's type
            x[:, j] = np.rint(x[:, j])
    return x


def indices(
    method: str, params: list[Parameter], x: np.ndarray, y: np.ndarray, seed: int
) -> pd.DataFrame:
    """Sensitivity indices of one output ``y`` (one value per design row).

    Returns:
        One row per parameter. Morris: ``mu``, ``mu_star``, ``mu_star_conf``,
        ``sigma``; Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of the
        95% bootstrap intervals). A constant output has all indices 0.

    Raises:
        ValueError: ``y`` holds NaN or has the wrong length.
    """
    y = np.asarray(y, dtype=float)
    if len(y) != len(x):
        raise ValueError(f"{len(y)} outputs for {len(x)} samples")
    if not np.isfinite(y).all():
        raise ValueError("an output is NaN or infinite: define it for every sample")
    prob = problem(params)
    names = [p.name for p in params]
    if np.ptp(y) == 0:  # SALib divides by the variance
        cols = ["mu", "mu_star", "mu_star_conf", "sigma"] if method == "morris" else [
            "S1", "S1_conf", "ST", "ST_conf"
        ]  # fmt: skip
        return pd.DataFrame(0.0, index=pd.Index(names, name="parameter"), columns=cols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(
                prob, x, y, num_levels=MORRIS_LEVELS, conf_level=CONF_LEVEL,
                num_resamples=RESAMPLES, seed=seed,
            )  # fmt: skip
            cols = ["mu", "mu_star", "mu_star_conf", "sigma"]
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(
                prob, y, calc_second_order=False, conf_level=CONF_LEVEL,
                num_resamples=RESAMPLES, seed=seed,
            )  # fmt: skip
            cols = ["S1", "S1_conf", "ST", "ST_conf"]
    table = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in cols}, index=names)
    table.index.name = "parameter"
    return table


def noise_share(per_replicate: np.ndarray) -> float:
    """Share of the variance of the per-sample means that is seed noise.

    ``per_replicate`` has one row per sample and one column per replicate seed; the
    seeds are common to all samples (replicate ``r`` of every sample uses seed ``r``),
    so a seed's own effect (one seed's groups live longer whatever the parameters)
    shifts every sample's mean alike and is no noise for the indices. The model is
    ``y[i, r] = mu[i] + s[r] + e[i, r]``; the noise variance of a sample's mean is
    ``var(e) / R``, with ``var(e)`` estimated from the two-way residuals. Divided by the
    variance of the means, it is the share of that variance the indices cannot attribute
    to any parameter (0: none; near 1: the design mostly measures noise and needs more
    replicates). NaN with one replicate, or when the means do not vary.
    """
    y = np.asarray(per_replicate, dtype=float)
    if y.ndim != 2 or y.shape[1] < 2 or y.shape[0] < 2:
        return math.nan
    n, reps = y.shape
    means = y.mean(axis=1)
    total = means.var(ddof=1)
    if total == 0:
        return math.nan
    resid = y - means[:, None] - y.mean(axis=0)[None, :] + y.mean()
    var_e = float((resid**2).sum() / ((n - 1) * (reps - 1)))
    return var_e / reps / total
