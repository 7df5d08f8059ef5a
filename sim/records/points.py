"""A configuration point's folder: its id, its runs' ids, and its two tables.

A point is one resolved configuration run for replicates 0 .. N - 1. Its folder holds
``daily.parquet`` and ``summary.parquet``; the summary is written last, so its presence
marks a finished point, and :func:`read_point` checks that the two hold whole runs of
one point before anything reuses them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pandas as pd

from sim.config.presets import group_config
from sim.config.schema import SimConfig
from sim.core.fingerprint import model_fingerprint
from sim.records.io import write_parquet


def point_id(cfg: SimConfig) -> str:
    """Hash of the resolved configuration (without ``run.replicates``) and the model code.

    Two configurations that differ in any setting get different ids, so a changed
    setting reruns, and so does any change to the model's code (``model_fingerprint``);
    the number of replicates is left out so that replicate ``r`` of a point keeps its id
    (and seed) when more replicates are asked for. A matrix's groups are hashed with the
    group and policy presets they read, so an edited preset reruns too.
    """
    settings = dataclasses.asdict(cfg)
    del settings["run"]["replicates"]
    if cfg.matrix is not None:  # the presets its groups read, as they are now
        for key in cfg.matrix.groups:
            one = group_config(cfg, key)
            settings["matrix"]["groups"][key] |= {
                "resolved": {"group": dataclasses.asdict(one.group),
                             "policy": dataclasses.asdict(one.policy)}
            }  # fmt: skip
    settings["model_code"] = model_fingerprint()
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def run_id(point: str, replicate: int) -> str:
    """Id of one run: its point id and replicate index, e.g. ``3fa2c1d09b7e-r4``."""
    return f"{point}-r{replicate}"


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


def by_replicate(daily: pd.DataFrame, summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables sorted by replicate (the daily rows keep their order within a run)."""
    summary = summary.sort_values("replicate", kind="stable", ignore_index=True)
    rank = {r: i for i, r in enumerate(summary["run_id"])}
    daily = daily.sort_values("run_id", key=lambda s: s.map(rank), kind="stable")
    return daily.reset_index(drop=True), summary


def write_point(out: Path, daily: pd.DataFrame, summary: pd.DataFrame) -> None:
    """Write a point's tables; the summary goes last, so its presence marks completion."""
    write_parquet(daily, out / "daily.parquet")
    write_parquet(summary, out / "summary.parquet")
