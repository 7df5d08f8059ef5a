"""Verdicts over plausible worlds: does a comparison survive the calibration's uncertainty?

A *world* is one of the calibration's accepted parameter sets (``python -m sim
calibrate``: every trial whose targets all fell within tolerance). ``sim.experiments.worlds``
runs every policy in every world on the same paired seeds; this module turns those runs
into one gap per world and a verdict: in how many worlds the first policy outlived the
second, a sign test across worlds, and, where the verdict flips, which world parameters
go with the flip (Spearman rank correlation of the gap with each parameter).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

ALPHA = 0.05


def world_gaps(runs: pd.DataFrame, policies: list[str]) -> pd.DataFrame:
    """One row per world: each policy's restricted mean lifespan, the gap, its spread.

    ``runs`` has a ``world`` column and the runs table's ``policy``, ``replicate`` and
    ``lifespan_days`` (the horizon for a censored run, so its mean is the restricted
    mean lifespan within the horizon).

    Returns:
        Columns ``world``, ``rmst_<policy>`` per policy, ``gap`` (first minus second
        policy, mean over paired seeds), ``gap_se`` (its standard error over seeds) and
        ``seeds``.
    """
    first, second = policies[:2]
    wide = runs.pivot_table(
        index=["world", "replicate"], columns="policy", values="lifespan_days", aggfunc="first"
    )
    paired = wide[first] - wide[second]
    by_world = paired.groupby(level="world")
    table = pd.DataFrame(
        {
            "gap": by_world.mean(),
            "gap_se": by_world.std(ddof=1) / np.sqrt(by_world.size()),
            "seeds": by_world.size(),
        }
    )
    for pol in policies:
        table.insert(len(table.columns) - 3, f"rmst_{pol}", wide[pol].groupby(level="world").mean())
    return table.reset_index()


def sign_test(gaps: pd.Series) -> tuple[int, int, float]:
    """(worlds with a positive gap, worlds with a non-zero gap, two-sided sign-test p)."""
    wins = int((gaps > 0).sum())
    decided = int((gaps != 0).sum())
    p = stats.binomtest(wins, decided, 0.5).pvalue if decided else math.nan
    return wins, decided, float(p)


def drivers(gaps: pd.DataFrame, worlds: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """The world parameters most associated with the gap (Spearman rho, its p-value).

    Args:
        gaps: :func:`world_gaps`.
        worlds: one row per world: ``world`` and its parameters.
        k: how many to return.
    """
    merged = gaps[["world", "gap"]].merge(worlds, on="world")
    rows = []
    for name in [c for c in worlds.columns if c != "world"]:
        x = merged[name].to_numpy(float)
        if np.ptp(x) == 0 or np.ptp(merged["gap"]) == 0:
            continue
        rho, p = stats.spearmanr(x, merged["gap"])
        rows.append({"parameter": name, "rho": float(rho), "p": float(p)})
    table = pd.DataFrame(rows, columns=["parameter", "rho", "p"])
    return table.reindex(table["rho"].abs().sort_values(ascending=False).index).head(k)


def worlds_verdict(gaps: pd.DataFrame, policies: list[str], top: pd.DataFrame) -> str:
    """One paragraph: how often the first policy outlived the second, and what drives flips."""
    first, second = policies[:2]
    n = len(gaps)
    wins, decided, p = sign_test(gaps["gap"])
    seeds = int(gaps["seeds"].min())
    q10, q50, q90 = np.percentile(gaps["gap"], [10, 50, 90])
    text = (
        f"{first} outlived {second} in {wins} of {n} plausible parameter sets (each "
        f"{seeds} paired seeds; restricted mean lifespan, median gap {q50:+.0f} days, "
        f"10th-90th percentile {q10:+.0f} to {q90:+.0f})"
    )
    if decided:
        text += f"; sign test across worlds p = {p:.3g}" if p >= 0.001 else "; sign test p < 0.001"
    if 0 < wins < n:  # the verdict flips in some worlds: which parameters go with it?
        real = top[top["p"] < ALPHA]
        if len(real):
            named = ", ".join(f"{r.parameter} (rho {r.rho:+.2f})" for r in real.itertuples())
            text += (
                f". Where the verdict flips, the gap moves most with {named} "
                f"(Spearman rank correlation over the {n} worlds, p < {ALPHA})"
            )
        else:
            text += (
                f". The verdict flips in {n - wins} worlds, but no world parameter moves "
                f"with the gap (Spearman p >= {ALPHA} for each): the flips look like seed noise"
            )
    if n < 30:
        text += f". {n} worlds is a small sample: rerun with --worlds 60 for a firmer count"
    return text + "."
