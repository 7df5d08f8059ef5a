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


def run_one(cfg: SimConfig, replicate: int = 0) -> tuple[pd.DataFrame, dict]:
    """Run one replicate; return its daily table and summary row.

    Both carry ``run_id``, ``point``, ``group``, ``policy`` and ``replicate`` first, so a
    daily row joins to its summary row on ``run_id``. An interrupt waits for the run to
    end (:func:`finish_before_interrupt`).
    """
    seed = replicate_seed(cfg.seed, replicate)
    with finish_before_interrupt():
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
            daily, summary = by_replicate(
                pd.concat([old[0], daily], ignore_index=True),
                pd.concat([old[1], summary], ignore_index=True),
            )
    write_point(out, daily, summary)
    return (*replicates_of(daily, summary, cfg.run.replicates), missing)
