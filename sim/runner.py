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
from sim.fingerprint import PRESENTATION, model_fingerprint  # noqa: F401 (re-exported)
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
    """Hash of the resolved configuration (without ``run.replicates``) and the model code.

    Two configurations that differ in any setting get different ids, so a changed
    setting reruns, and so does any change to the model's code (``model_fingerprint``);
    the number of replicates is left out so that replicate ``r`` of a point keeps its id
    (and seed) when more replicates are asked for.
    """
    settings = dataclasses.asdict(cfg)
    del settings["run"]["replicates"]
    settings["model_code"] = model_fingerprint()
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


def run_point(
    cfg: SimConfig, replicates: list[int] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run replicates ``0 .. cfg.run.replicates - 1`` (or just ``replicates``).

    Returns:
        The (daily, summary) tables.
    """
    dailies, rows = [], []
    for r in range(cfg.run.replicates) if replicates is None else replicates:
        daily, row = run_one(cfg, r)
        dailies.append(daily)
        rows.append(row)
    return pd.concat(dailies, ignore_index=True), pd.DataFrame(rows)


def read_point(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Read and check a point folder's tables (written by ``write_point``).

    Returns:
        (daily, summary, point id). The tables hold whole runs only: one summary row
        per replicate, all of one point, and for each run exactly ``days_run`` daily
        rows, days 0 .. days_run - 1.

    Raises:
        ValueError: a file is missing, unreadable or truncated, or the tables disagree
            (the message says which); such a folder holds no usable result.
    """
    tables = []
    for name in ("summary.parquet", "daily.parquet"):
        if not (out / name).is_file():
            raise ValueError(f"{name} is missing")
        try:
            tables.append(pd.read_parquet(out / name))
        except Exception as err:  # truncated, or not Parquet at all
            raise ValueError(f"{name} is unreadable ({type(err).__name__})") from err
    summary, daily = tables
    if not {"run_id", "point", "replicate", "days_run"} <= set(summary.columns):
        raise ValueError("summary.parquet lacks a key column (run_id, point, replicate, days_run)")
    if not {"run_id", "day"} <= set(daily.columns):
        raise ValueError("daily.parquet lacks a key column (run_id, day)")
    if summary.empty:
        raise ValueError("summary.parquet has no rows")
    points = summary["point"].unique()
    if len(points) != 1:
        raise ValueError(f"summary.parquet mixes points {sorted(points)}")
    point = str(points[0])
    expected = [run_id(point, int(r)) for r in summary["replicate"]]
    if summary["replicate"].duplicated().any() or list(summary["run_id"]) != expected:
        raise ValueError("summary.parquet run ids do not match its point and replicates")
    days = daily.groupby("run_id", sort=False)["day"].agg(["size", "min", "max"])
    want = summary.set_index("run_id")["days_run"]
    if set(days.index) != set(want.index):
        raise ValueError("daily.parquet and summary.parquet hold different runs")
    days = days.loc[want.index]
    if not ((days["size"] == want) & (days["min"] == 0) & (days["max"] == want - 1)).all():
        raise ValueError("daily.parquet does not hold every day of every run")
    return daily, summary, point


def replicates_of(
    daily: pd.DataFrame, summary: pd.DataFrame, replicates: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of replicates ``0 .. replicates - 1`` of a point's tables."""
    summary = summary[summary["replicate"] < replicates].reset_index(drop=True)
    return daily[daily["run_id"].isin(summary["run_id"])].reset_index(drop=True), summary


def _by_replicate(daily: pd.DataFrame, summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = summary.sort_values("replicate", kind="stable", ignore_index=True)
    rank = {r: i for i, r in enumerate(summary["run_id"])}
    daily = daily.sort_values("run_id", key=lambda s: s.map(rank), kind="stable")
    return daily.reset_index(drop=True), summary


def run_or_resume(cfg: SimConfig, out: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """Run a point into ``out``, reusing the runs already finished there.

    A replicate is reused when ``out`` holds a valid result (``read_point``) of the same
    point id, i.e. the same resolved configuration; only missing replicates are run, so
    asking for more replicates runs just the new ones, and asking for fewer keeps the
    others on disk. Anything else (another point id, an unreadable, partial or
    inconsistent file) is run again from scratch. Files are rewritten only when
    something was run.

    Returns:
        (daily, summary, replicates that were run): the tables of replicates
        ``0 .. cfg.run.replicates - 1``; an empty list means no model work.
    """
    point, wanted = point_id(cfg), list(range(cfg.run.replicates))
    old = None
    if (out / "summary.parquet").exists():
        try:
            daily, summary, old_point = read_point(out)
            old = (daily, summary) if old_point == point else None
        except ValueError:
            old = None
    have = set() if old is None else set(old[1]["replicate"])
    missing = [r for r in wanted if r not in have]
    if not missing:
        return (*replicates_of(*old, cfg.run.replicates), [])
    daily, summary = run_point(cfg, missing)
    if old is not None:
        if list(daily.columns) != list(old[0].columns) or list(summary.columns) != list(
            old[1].columns
        ):  # written by a version of the code with other columns: run everything
            missing = wanted
            daily, summary = run_point(cfg)
        else:
            daily, summary = _by_replicate(
                pd.concat([old[0], daily], ignore_index=True),
                pd.concat([old[1], summary], ignore_index=True),
            )
    write_point(out, daily, summary)
    return (*replicates_of(daily, summary, cfg.run.replicates), missing)


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
