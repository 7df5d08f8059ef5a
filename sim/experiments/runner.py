"""Run a configuration point for its replicate seeds, resuming what is already on disk."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.schema import SimConfig
from sim.model import GroupModel
from sim.model.matrix import MatrixModel
from sim.records.io import write_parquet
from sim.records.matrix import flows_frame, group_tables, matrix_daily_frame, matrix_summary_row
from sim.records.points import (
    by_replicate,
    point_id,
    read_point,
    replicates_of,
    run_id,
    write_point,
)
from sim.records.summary import daily_frame, summary_row


def replicate_seed(base: int, replicate: int) -> int:
    """Seed of replicate ``replicate``: depends only on the base seed and the index.

    Every policy run with the same base seed and replicate index starts from the same
    group (the population stream is spawned from this seed), so comparisons are paired.
    """
    return int(np.random.SeedSequence([base, replicate]).generate_state(1, np.uint64)[0] >> 1)


@contextlib.contextmanager
def finish_before_interrupt() -> Iterator[None]:
    """Let a Ctrl-C (SIGINT) take effect when the block ends, not inside it.

    Numba cannot be interrupted while it compiles or loads the engine (the first run in
    a process): a KeyboardInterrupt raised inside it was measured to end the process with
    a segmentation fault, or with Numba's "no compiled object yet" error. A run takes
    well under a second once compiled, so every run finishes and the interrupt follows.
    Only the main thread receives signals; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def later(signum, frame):
        if not caught:
            print(
                "interrupt: stopping when the current run ends (the first run of a process "
                "compiles the engine, which cannot be interrupted)",
                file=sys.stderr,
                flush=True,
            )
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, later)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


GROUP_TABLES = ("groups_daily", "groups_summary", "flows")  # a matrix point's extra tables


def run_one(cfg: SimConfig, replicate: int = 0) -> tuple[pd.DataFrame, dict]:
    """Run one replicate; return its daily table and summary row.

    Both carry ``run_id``, ``point``, ``group``, ``policy`` and ``replicate`` first, so a
    daily row joins to its summary row on ``run_id``. For a matrix (``cfg.matrix``) they
    are the matrix's own (``sim.records.matrix``) and ``group`` is the matrix's name.
    An interrupt waits for the run to end (:func:`finish_before_interrupt`).
    """
    daily, row, _ = run_one_tables(cfg, replicate)
    return daily, row


def run_one_tables(cfg: SimConfig, replicate: int = 0) -> tuple[pd.DataFrame, dict, dict]:
    """:func:`run_one`, plus a matrix's per-group tables and flows (``GROUP_TABLES``).

    Returns:
        (daily, summary row, {name: table}); the mapping is empty for a single group.
    """
    seed = replicate_seed(cfg.seed, replicate)
    point = point_id(cfg)
    keys = {
        "run_id": run_id(point, replicate),
        "point": point,
        "group": cfg.group.name if cfg.matrix is None else cfg.matrix.name,
        "policy": cfg.policy.name,
        "replicate": replicate,
    }
    extra: dict[str, pd.DataFrame] = {}
    if cfg.matrix is None:
        with finish_before_interrupt():
            model = GroupModel(cfg, seed=seed).run()
        daily = daily_frame(model)
        row = keys | summary_row(model, daily)
    else:
        with finish_before_interrupt():
            matrix = MatrixModel(cfg, seed=seed).run()
        daily = matrix_daily_frame(matrix)
        groups_daily, groups_summary = group_tables(matrix)
        row = keys | matrix_summary_row(matrix, daily, groups_summary)
        extra = {
            "groups_daily": groups_daily,
            "groups_summary": groups_summary,
            "flows": flows_frame(matrix),
        }
        for table in extra.values():
            for i, k in enumerate(("run_id", "replicate")):
                table.insert(i, k, keys[k])
    for i, (k, v) in enumerate(keys.items()):
        daily.insert(i, k, v)
    return daily, row, extra


def run_point(
    cfg: SimConfig, replicates: list[int] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run replicates ``0 .. cfg.run.replicates - 1`` (or just ``replicates``).

    Returns:
        The (daily, summary) tables.
    """
    daily, summary, _ = run_point_tables(cfg, replicates)
    return daily, summary


def run_point_tables(
    cfg: SimConfig, replicates: list[int] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """:func:`run_point`, plus a matrix's ``GROUP_TABLES`` (empty for a single group)."""
    dailies, rows, extras = [], [], {name: [] for name in GROUP_TABLES}
    for r in range(cfg.run.replicates) if replicates is None else replicates:
        daily, row, extra = run_one_tables(cfg, r)
        dailies.append(daily)
        rows.append(row)
        for name, table in extra.items():
            extras[name].append(table)
    tables = {name: pd.concat(t, ignore_index=True) for name, t in extras.items() if t}
    return pd.concat(dailies, ignore_index=True), pd.DataFrame(rows), tables


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
    if old is not None and cfg.matrix is not None:
        try:  # a matrix point's group tables must cover the old replicates too
            old_extra = {n: pd.read_parquet(out / f"{n}.parquet") for n in GROUP_TABLES}
            done = set(old[1]["replicate"])  # the summary marks which runs are whole
            old_extra = {n: t[t["replicate"].isin(done)] for n, t in old_extra.items()}
        except Exception:  # missing or unreadable: run everything again
            old = None
            missing = wanted
    daily, summary, extra = run_point_tables(cfg, missing)
    if old is not None:
        if list(daily.columns) != list(old[0].columns) or list(summary.columns) != list(
            old[1].columns
        ):  # written by a version of the code with other columns: run everything
            missing = wanted
            daily, summary, extra = run_point_tables(cfg)
        else:
            daily, summary = by_replicate(
                pd.concat([old[0], daily], ignore_index=True),
                pd.concat([old[1], summary], ignore_index=True),
            )
            if extra:
                extra = {
                    n: pd.concat([old_extra[n], extra[n]], ignore_index=True).sort_values(
                        "replicate", kind="stable", ignore_index=True
                    )
                    for n in GROUP_TABLES
                }
    for name, table in extra.items():  # before the summary, which marks a finished point
        write_parquet(table, out / f"{name}.parquet")
    write_point(out, daily, summary)
    return (*replicates_of(daily, summary, cfg.run.replicates), missing)
