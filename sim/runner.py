"""Run a configuration point for its replicate seeds and write its tables safely."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import SimConfig
from sim.hazards import CAUSE_NAMES
from sim.metrics import daily_frame, summary_row
from sim.model import GroupModel


def replicate_seed(base: int, replicate: int) -> int:
    """Seed of replicate ``replicate``: depends only on the base seed and the index.

    Every policy run with the same base seed and replicate index starts from the same
    group (the population stream is spawned from this seed), so comparisons are paired.
    """
    return int(np.random.SeedSequence([base, replicate]).generate_state(1, np.uint64)[0] >> 1)


def point_id(cfg: SimConfig) -> str:
    """Hash of the resolved configuration, without ``run.replicates``.

    Two configurations that differ in any setting get different ids, so a changed
    setting reruns; the number of replicates is left out so that replicate ``r`` of a
    point keeps its id (and seed) when more replicates are asked for.
    """
    settings = dataclasses.asdict(cfg)
    del settings["run"]["replicates"]
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def run_id(point: str, replicate: int) -> str:
    """Id of one run: its point id and replicate index, e.g. ``3fa2c1d09b7e-r4``."""
    return f"{point}-r{replicate}"


def run_one(cfg: SimConfig, replicate: int = 0) -> tuple[pd.DataFrame, dict]:
    """Run one replicate; return its daily table and summary row.

    Both carry ``run_id``, ``point``, ``group``, ``policy`` and ``replicate`` first, so a
    daily row joins to its summary row on ``run_id``.
    """
    seed = replicate_seed(cfg.seed, replicate)
    model = GroupModel(cfg, seed=seed).run()
    daily = daily_frame(model)
    point = point_id(cfg)
    keys = {
        "run_id": run_id(point, replicate),
        "point": point,
        "group": cfg.group.name,
        "policy": cfg.policy.name,
        "replicate": replicate,
    }
    row = keys | summary_row(model, daily)
    for i, (k, v) in enumerate(keys.items()):
        daily.insert(i, k, v)
    return daily, row


def run_point(cfg: SimConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run all ``cfg.run.replicates`` replicates; return (daily, summary) tables."""
    dailies, rows = [], []
    for r in range(cfg.run.replicates):
        daily, row = run_one(cfg, r)
        dailies.append(daily)
        rows.append(row)
    return pd.concat(dailies, ignore_index=True), pd.DataFrame(rows)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then rename.

    A crash or interrupt leaves either the old file or the new one, never a partial one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_point(out: Path, daily: pd.DataFrame, summary: pd.DataFrame) -> None:
    """Write a point's tables; the summary goes last, so its presence marks completion."""
    write_parquet(daily, out / "daily.parquet")
    write_parquet(summary, out / "summary.parquet")


def format_summary(summary: pd.DataFrame) -> str:
    """A short human-readable table of one or more runs' summary rows."""
    cols = ["group", "policy", "replicate", "lifespan_days", "censored", "msgs_per_day"]
    cols += ["members_end", "exits_total", "revenue"]
    text = summary[cols].to_string(index=False, float_format=lambda v: f"{v:.1f}")
    exits = summary[[f"exits_{c}" for c in CAUSE_NAMES]].sum()
    causes = ", ".join(f"{c}={int(exits[f'exits_{c}'])}" for c in CAUSE_NAMES)
    return f"{text}\nexits by cause (all runs): {causes}"
