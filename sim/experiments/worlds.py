"""Run a comparison in plausible worlds: the calibration's accepted parameter sets.

``configs/worlds/accepted.csv`` holds one row per accepted calibration trial (``world``
is its trial number, then its loss, then one column per calibrated setting by dotted
name). It is written by ``python -m sim calibrate`` (``worlds.csv`` in the study's
folder) and copied here when the defaults are recalibrated, so that a fresh install has
the worlds without rerunning the search. Settings the calibration fits for one group
type only (``temporary.purpose_days``) are not in it.

``python -m sim compare --worlds N`` draws N of them (without replacement, from the
comparison's base seed) and runs every policy in each through the batch evaluator on
the same paired seeds; ``sim.analysis.worlds`` gives the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.worlds import drivers, world_gaps, worlds_verdict
from sim.core.errors import ConfigError
from sim.experiments.batch import evaluate, read_settings

WORLDS_FILE = "accepted.csv"
NOT_SETTINGS = ("world", "loss")


def worlds_path() -> Path:
    """The accepted sets shipped with the package."""
    return Path(str(files("sim.configs").joinpath("worlds", WORLDS_FILE)))


def read_worlds(path: Path | str | None = None) -> pd.DataFrame:
    """The accepted sets: ``world`` and one column per setting.

    Raises:
        ValueError: the file is missing, unreadable or holds no world.
    """
    path = Path(path) if path is not None else worlds_path()
    table = read_settings(path, "worlds")
    if "world" not in table.columns:
        raise ValueError(f"worlds file {path} must have a world column and one row per world")
    return table.drop(columns=[c for c in NOT_SETTINGS[1:] if c in table.columns])


def draw_worlds(worlds: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` worlds drawn without replacement (the same ones for the same seed).

    Raises:
        ConfigError: ``n`` is not between 1 and the number of worlds.
    """
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(worlds):
        raise ConfigError(
            "--worlds", n, f"must be 0 (none) or 1 to {len(worlds)} (the accepted sets)"
        )
    rng = np.random.default_rng([seed, 0x574F524C44])  # a stream of its own
    picked = np.sort(rng.choice(len(worlds), size=n, replace=False))
    return worlds.iloc[picked].reset_index(drop=True)


def worlds_settings(worlds: pd.DataFrame, policies: Sequence[str]) -> list[dict]:
    """The batch rows: every world under every policy (worlds outer)."""
    return [
        {"policy": pol, **{k: v for k, v in row.items() if k != "world"}}
        for row in worlds.to_dict(orient="records")
        for pol in policies
    ]


def run_worlds(
    worlds: pd.DataFrame,
    policies: Sequence[str],
    replicates: int,
    base: Sequence[str] = (),
    out: Path | None = None,
    jobs: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Every policy in every world on ``replicates`` paired seeds.

    Returns:
        (runs with a ``world`` column, the per-world gaps, the verdict paragraph).
    """
    batch = evaluate(worlds_settings(worlds, policies), replicates, base=base, out=out, jobs=jobs)
    runs = batch.runs
    runs.insert(0, "world", np.repeat(worlds["world"].to_numpy(), len(policies) * replicates))
    gaps = world_gaps(runs, list(policies))
    top = drivers(gaps, worlds)
    return runs, gaps, worlds_verdict(gaps, list(policies), top)
