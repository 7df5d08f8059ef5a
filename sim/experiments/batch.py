"""The batch evaluator: a table of settings, run on every core, as one runs table.

Sensitivity analysis, strategy search and verdicts over many parameter sets need
thousands of configuration points. A Hydra job per point composes its configuration
(about 0.2-0.4 s) and writes a folder of files; here the base configuration is composed
once per distinct ``group``/``policy`` preset, and each row of settings is applied to it
by dotted name (``sim.config.values.with_values``), so every value goes through the same
checks, and gets the same one-line error, as on the command line. Every row is checked
before anything runs.

Results are kept on disk as they arrive, keyed by point id and replicate exactly as a
sweep's (``sim.records.points``), in a few part files rather than a folder per point:

- ``<out>/parts/<n>-summary.parquet`` (and ``<n>-daily.parquet`` when daily rows are
  asked for): the runs that finished since the previous part, written atomically,
  daily first, so a summary part marks its runs finished;
- ``<out>/runs.parquet`` (and ``daily.parquet``): the tables of the whole batch, in the
  schema of a sweep's (``sim.experiments.sweep``), written at the end.

Underneath is :func:`run_work`, which takes :class:`Work` items (a configuration, the
replicates to run and, optionally, a *measure*: a function of the configuration and the
run seed returning the run's own figures instead of its summary row). The validation
battery (its probes) and the calibration (its per-run measures) run through it, and so
do sensitivity analysis, verdicts over worlds and strategy search through
:func:`evaluate`: one runner, one way to resume, one cluster path. A run's key is its
point id, replicate and measure (:func:`measure_id`).

A rerun into the same folder reads the parts, runs only the (point, replicate) pairs
still missing, and returns the same tables; an interrupt loses at most the runs that
finished since the last part was written (a part is written every ``PART_RUNS`` runs or
``PART_SECONDS`` seconds, and whatever arrived is written before an interrupt ends it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from sim.config.compose import compose
from sim.config.schema import SimConfig
from sim.config.values import with_values
from sim.core.errors import ConfigError
from sim.experiments.parallel import TaskFailed, available_cores, imap_parallel, imap_submitit
from sim.experiments.progress import clock
from sim.experiments.runner import finish_before_interrupt, replicate_seed, run_one
from sim.experiments.sweep import (
    DAILY_FILE,
    NOT_PARAMETERS,
    RUNS_FILE,
    parameter_column,
    runs_columns,
)
from sim.records.io import write_parquet
from sim.records.points import point_id, run_id

PARSES_HELP = True  # argparse prints --help (sim.__main__)
PARTS_DIR = "parts"
PART_RUNS = 500  # runs per part file: few files, little lost to an interrupt
PART_SECONDS = 60.0
PRESETS = ("group", "policy")  # columns that pick a preset, as group=kol on the command line
Measure = Callable[[SimConfig, int], dict]  # (configuration, run seed) -> figures
FAILED = "_failed"  # a failed run's row holds its error here instead of figures


@dataclass
class Batch:
    """What :func:`evaluate` returns.

    Attributes:
        runs: one row per (settings row, replicate), in the order of the settings rows,
            replicates inner; columns as a sweep's runs table.
        daily: the daily rows of those runs (None unless asked for).
        ran: runs computed by this call (the rest were read from ``out``).
        engine_seconds: time spent inside the runs computed by this call, summed over
            the processes (model build, run and its tables).
        wall_seconds: wall time of this call.
    """

    runs: pd.DataFrame
    daily: pd.DataFrame | None
    ran: int
    engine_seconds: float
    wall_seconds: float


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (a table's cells are numpy scalars)."""
    return value.item() if isinstance(value, np.generic) else value


def settings_rows(settings: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict]:
    """The settings as a list of ``{dotted name: value}`` with plain Python values."""
    if isinstance(settings, pd.DataFrame):
        rows = settings.to_dict(orient="records")
    else:
        rows = [dict(r) for r in settings]
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows]


def configs_for(
    rows: list[dict], base: Sequence[str] = (), days: int | None = None
) -> list[SimConfig]:
    """A checked configuration per settings row (composing once per distinct preset).

    ``group`` and ``policy`` columns pick a preset (as ``group=kol`` does on the command
    line); every other column sets a setting by its dotted name. A setting of
    ``policy.tactics`` changes the row's tactics, which are checked here too.

    Raises:
        ConfigError: the first row with an unknown name or a value its field does not
            allow; the field names the row (``settings row 3: group.price``).
    """
    from sim.model import check_config

    base = [*base, *([f"run.days={days}"] if days is not None else [])]
    bases: dict[tuple[str, ...], SimConfig] = {}  # with_values copies: one base per preset
    configs = []
    for i, row in enumerate(rows):
        presets = tuple(f"{k}={row[k]}" for k in PRESETS if k in row)
        values = {k: v for k, v in row.items() if k not in PRESETS}
        try:
            if presets not in bases:
                bases[presets] = compose([*base, *presets])
            configs.append(check_config(with_values(bases[presets], values)))
        except ConfigError as err:
            raise ConfigError(f"settings row {i}: {err.field}", err.value, err.allowed) from err
    return configs


def measure_id(measure: Measure | None) -> str:
    """A short stable id of what a run returns: "" for the standard run's tables.

    A run's key is its point id, its replicate and this id, so the same configuration
    measured two ways (a probe with and without an intervention) gives two runs.
    """
    if measure is None:
        return ""
    fn, args, kwargs = measure, (), {}
    if isinstance(measure, functools.partial):
        fn, args, kwargs = measure.func, measure.args, measure.keywords
    text = json.dumps(
        [f"{fn.__module__}.{fn.__qualname__}", args, kwargs], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Work:
    """Runs of one configuration: which replicates, what each returns, and its labels.

    Attributes:
        cfg: a checked configuration; replicate ``r`` runs with the seed
            ``replicate_seed(cfg.seed, r)``, as in a sweep.
        replicates: the replicate indices to run.
        measure: None for the standard run (its summary row, and its daily rows when
            asked for: a sweep's tables), or a picklable module-level function (or a
            ``functools.partial`` of one) of ``(config, run seed)`` returning a flat
            dict of figures: the validation battery's probes, the calibration's measures.
        name: what error messages call this item (default: its point id).
        tags: columns put first in this work's rows, over any of the same name (e.g.
            the validation scenario, and a mixture group's own replicate number); not
            part of a run's key, so identical work under two tags runs once.
    """

    cfg: SimConfig
    replicates: tuple[int, ...]
    measure: Measure | None = None
    tags: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""


def _task(task: tuple) -> list[tuple[pd.DataFrame | None, dict]]:
    """Run the replicates of one work item; each run's daily table (if kept) and row."""
    cfg, keyed, keep_daily, measure = task
    out = []
    for r, key in keyed:
        start = time.perf_counter()
        try:
            if measure is None:
                daily, row = run_one(cfg, r)
            else:
                seed = replicate_seed(cfg.seed, r)
                with finish_before_interrupt():
                    figures = measure(cfg, seed)
                daily = None
                row = {"run_id": key, "group": cfg.group.name, "policy": cfg.policy.name}
                row |= {"replicate": r, "seed": seed} | figures
        except Exception as err:  # noqa: BLE001 - a failed run is reported, the rest go on
            why = " ".join(str(err).split())[:300]
            daily, row = None, {"run_id": key, FAILED: f"{type(err).__name__}: {why}"}
        row["engine_seconds"] = time.perf_counter() - start
        out.append((daily if keep_daily else None, row))
    return out


def read_parts(out: Path, daily: bool) -> tuple[dict[str, dict], pd.DataFrame | None]:
    """The runs finished in ``out/parts``: ``{run key: row}`` (and daily rows when ``daily``).

    A part whose summary is unreadable is ignored (its runs are run again); with
    ``daily``, so are runs whose daily rows were not kept.
    """
    rows: dict[str, dict] = {}
    dailies = []
    for path in sorted((out / PARTS_DIR).glob("*-summary.parquet")):
        try:
            summary = pd.read_parquet(path)
            day = None
            if daily:
                day = pd.read_parquet(path.with_name(path.name.replace("summary", "daily")))
        except (OSError, ValueError):  # damaged (pyarrow's errors are these): run again
            continue
        rows |= {row["run_id"]: row for row in summary.to_dict(orient="records")}
        if day is not None:
            dailies.append(day)
    if not daily:
        return rows, None
    day = pd.concat(dailies, ignore_index=True) if dailies else pd.DataFrame(columns=["run_id"])
    rows = {k: row for k, row in rows.items() if k in set(day["run_id"])}
    day = day[day["run_id"].isin(set(rows))].drop_duplicates(["run_id", "day"])
    return rows, day


class _Parts:
    """Writes finished runs to ``out/parts`` in batches (atomically, daily first).

    Rows with other columns (other measures) go to parts of their own, so every part
    reads back exactly the rows written.
    """

    def __init__(self, out: Path | None, keep_daily: bool):
        self.out, self.keep_daily = out, keep_daily
        self.rows: list[dict] = []
        self.dailies: list[pd.DataFrame] = []
        self.last = time.monotonic()
        if out is not None:
            (out / PARTS_DIR).mkdir(parents=True, exist_ok=True)

    def add(self, results: list[tuple[pd.DataFrame | None, dict]]) -> None:
        for daily, row in results:
            self.rows.append(row)
            if daily is not None:
                self.dailies.append(daily)
        if len(self.rows) >= PART_RUNS or time.monotonic() - self.last >= PART_SECONDS:
            self.flush()

    def flush(self) -> None:
        self.last = time.monotonic()
        if self.out is None or not self.rows:
            return
        folder = self.out / PARTS_DIR
        kinds: dict[tuple[str, ...], list[dict]] = {}
        for row in self.rows:
            kinds.setdefault(tuple(row), []).append(row)
        for n, rows in enumerate(kinds.values()):
            stem = f"{time.time_ns()}-{os.getpid()}-{n}"
            if self.keep_daily:
                ids = {row["run_id"] for row in rows}
                day = pd.concat(self.dailies, ignore_index=True)
                write_parquet(day[day["run_id"].isin(ids)], folder / f"{stem}-daily.parquet")
            write_parquet(pd.DataFrame(rows), folder / f"{stem}-summary.parquet")
        self.rows, self.dailies = [], []


class _Meter:
    """Prints ``runs done / total, elapsed, estimate left`` at most every ``every`` s."""

    def __init__(self, total: int, stream: TextIO | None, label: str, every: float = 5.0):
        self.total, self.stream, self.label, self.every = total, stream, label, every
        self.start = self.last = time.monotonic()
        self.done = 0

    def add(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.stream is None or (now - self.last < self.every and self.done < self.total):
            return
        self.last = now
        elapsed = now - self.start
        left = elapsed / self.done * (self.total - self.done)
        print(
            f"{self.label}: {self.done}/{self.total} runs | elapsed {clock(elapsed)}"
            f" | about {clock(left)} left",
            file=self.stream,
            flush=True,
        )


class RunsFailed(RuntimeError):
    """Some runs of a batch raised, or their cluster job ended without them.

    Every other run finished and is kept (in ``out``, when given); a rerun runs only the
    failed ones. ``lines`` names each failed run (its work item, replicate and error).
    """

    def __init__(self, lines: list[str], failed: int, total: int):
        self.lines, self.failed, self.total = lines, failed, total
        super().__init__(f"{failed} of {total} runs failed: " + "; ".join(lines[:3]))


def _failures(failed: list[dict], work: Sequence[Work], keys: list, out: Path | None) -> list:
    """One line per failed run: which work item and replicate, and the error."""
    where = {}
    for w, ks in zip(work, keys, strict=True):
        for r, k in zip(w.replicates, ks, strict=True):
            where.setdefault(k, f"{w.name or point_id(w.cfg)} replicate {r}")
    lines = [f"{where[row['run_id']]}: {row[FAILED]}" for row in failed]
    kept = f"finished runs are kept in {out}; " if out is not None else ""
    return [*lines, f"{kept}run the same command again to retry only the failed runs"]


def run_work(
    work: Sequence[Work],
    out: Path | str | None = None,
    daily: bool = False,
    jobs: int | None = None,
    progress: TextIO | None = sys.stderr,
    cluster: str | None = None,
    cluster_options: Mapping[str, Any] | None = None,
    label: str = "batch",
) -> Batch:
    """Run every replicate of every work item on every core; one row per run, in order.

    The engine of :func:`evaluate`, and of the validation battery and the calibration,
    which need their own figures per run (``Work.measure``). Runs with the same key
    (point id, replicate, measure) run once; finished runs are kept in ``out`` and a
    rerun does only what is missing.

    Args:
        work: the work items.
        out: a folder to keep finished runs in and resume from (None: keep nothing).
        daily: also return (and keep) the daily rows (standard runs only).
        jobs: processes; None or -1 = every available core (without ``cluster``).
        progress: where progress lines go (None: nowhere).
        cluster: None (joblib on this machine), ``"slurm"`` or ``"local"`` (submitit).
        cluster_options: submitit settings and ``per_job`` (see :func:`evaluate`).
        label: the first word of the progress lines.

    Returns:
        The :class:`Batch`: ``runs`` has a row per (work item, replicate), work items in
        order and replicates inner, with the item's tags first.
    """
    if cluster not in (None, "local", "slurm"):
        raise ConfigError("cluster", cluster, "must be none (this machine), local or slurm")
    if cluster is not None and out is None:
        raise ConfigError("out", None, "a folder is needed with a cluster (its jobs' files)")
    if daily and any(w.measure is not None for w in work):
        raise ConfigError("daily", True, "daily rows come only from standard runs (no measure)")
    start = time.monotonic()
    out = None if out is None else Path(out)
    have, have_daily = (
        read_parts(out, daily) if out is not None and (out / PARTS_DIR).is_dir() else ({}, None)
    )
    keys = []  # per work item: the key of each replicate
    todo: dict[str, tuple[int, int]] = {}  # key -> (work item, replicate) that runs it
    for i, w in enumerate(work):
        point, mid = point_id(w.cfg), measure_id(w.measure)
        ks = [run_id(point, r) + (f"-{mid}" if mid else "") for r in w.replicates]
        keys.append(ks)
        for r, k in zip(w.replicates, ks, strict=True):
            if k not in have:
                todo.setdefault(k, (i, r))
    tasks = []
    for k, (i, r) in todo.items():
        # a task per run: the finest grain to balance cores and to keep on an interrupt
        w = work[i]
        tasks.append((w.cfg, [(r, k)], daily, w.measure))
    total = len(tasks)
    meter = _Meter(total, progress, label)
    if progress is not None and total:
        runs = len({k for ks in keys for k in ks})
        cores = min(available_cores() if jobs in (None, -1) else jobs, max(total, 1))
        print(
            f"{label}: {runs} distinct runs: {runs - total} kept, {total} to run on {cores} cores"
            + (f" (kept in {out})" if out is not None else ""),
            file=progress,
            flush=True,
        )
    parts = _Parts(out, daily)
    failed: list[dict] = []
    got: dict[str, dict] = dict(have)
    new_daily: list[pd.DataFrame] = []
    engine = 0.0
    try:
        if cluster is None:
            cost = lambda t: t[0].run.days * len(t[1])  # noqa: E731
            done_tasks = imap_parallel(_task, tasks, jobs, cost=cost)
        else:
            options = dict(cluster_options or {})
            per_job = options.pop("per_job", 50)
            done_tasks = imap_submitit(_task, tasks, out / "submitit", cluster, per_job, **options)
        for i, results in done_tasks:
            if isinstance(results, TaskFailed):  # its job ended without results
                results = [(None, {"run_id": k, FAILED: results.error}) for _, k in tasks[i][1]]
            failed += [row for _, row in results if FAILED in row]
            results = [(d, row) for d, row in results if FAILED not in row]
            parts.add(results)
            for d, row in results:
                engine += row["engine_seconds"]
                got[row["run_id"]] = row
                if d is not None:
                    new_daily.append(d)
            meter.add(len(results))
    finally:
        parts.flush()  # what finished is kept, even on an interrupt
    if failed:
        raise RunsFailed(_failures(failed, work, keys, out), len(failed), total)
    table = []
    for w, ks in zip(work, keys, strict=True):
        for k in ks:
            row = {c: v for c, v in got[k].items() if c != "engine_seconds"}
            table.append(dict(w.tags) | row | dict(w.tags))
    runs = pd.DataFrame(table)
    day = None
    if daily:
        day = pd.concat(
            [*([have_daily] if have_daily is not None else []), *new_daily], ignore_index=True
        )
        day = day[day["run_id"].isin(set(runs["run_id"]))]
        order = {r: k for k, r in enumerate(dict.fromkeys(runs["run_id"]))}
        day = day.assign(_order=day["run_id"].map(order)).drop_duplicates(["run_id", "day"])
        day = day.sort_values(["_order", "day"], kind="stable", ignore_index=True)
        day = day.drop(columns="_order")
    return Batch(runs, day, total, engine, time.monotonic() - start)


def evaluate(
    settings: pd.DataFrame | Sequence[Mapping[str, Any]],
    replicates: int = 1,
    days: int | None = None,
    base: Sequence[str] = (),
    out: Path | str | None = None,
    daily: bool = False,
    jobs: int | None = None,
    progress: TextIO | None = sys.stderr,
    cluster: str | None = None,
    cluster_options: Mapping[str, Any] | None = None,
) -> Batch:
    """Run every settings row for ``replicates`` seeds; return the runs (and daily) table.

    Replicate ``r`` of a row runs with the seed a sweep gives it (its base ``seed`` and
    ``r``, ``sim.experiments.runner.replicate_seed``), so the tables equal a sweep's of
    the same points, and rows that differ only in their policy are paired.

    Args:
        settings: one row per point: ``group``/``policy`` preset names and settings by
            dotted name (``group.price``, ``behaviour.exits.rates.noise``, ``seed``).
        replicates: replicate seeds per row.
        days: the horizon (``run.days``; None: the configuration's).
        base: overrides under every row, as on the command line (``["group=kol"]``).
        out: a folder to keep finished runs in and resume from (None: keep nothing).
        daily: also return (and keep) the daily rows.
        jobs: processes; None or -1 = every available core (without ``cluster``).
        progress: where progress lines go (None: nowhere).
        cluster: None to run on this machine's cores (joblib); ``"slurm"`` for a SLURM
            job array, or ``"local"`` for the same submitit path in local processes
            (``parallel.imap_submitit``; needs ``out``, where the jobs' files go).
        cluster_options: submitit settings (``slurm_partition``, ``timeout_min``, ...)
            and ``per_job``, the runs per job (default 50).

    Returns:
        The :class:`Batch`; its runs table has a sweep's columns.

    Raises:
        ConfigError: a bad row, before anything runs (see :func:`configs_for`).
    """
    if not isinstance(replicates, int) or isinstance(replicates, bool) or replicates < 1:
        raise ConfigError("replicates", replicates, "must be a whole number >= 1")
    rows = settings_rows(settings)
    configs = configs_for(rows, base, days)
    work = [
        Work(cfg, tuple(range(replicates)), name=_row_name(i, row))
        for i, (cfg, row) in enumerate(zip(configs, rows, strict=True))
    ]
    batch = run_work(work, out, daily, jobs, progress, cluster, cluster_options)
    batch.runs = _runs_table(rows, configs, replicates, batch.runs)
    if out is not None:
        write_parquet(batch.runs, Path(out) / RUNS_FILE)
        if batch.daily is not None:
            write_parquet(batch.daily, Path(out) / DAILY_FILE)
    return batch


def _row_name(i: int, row: Mapping[str, Any]) -> str:
    """``settings row 3 (group=kol, group.price=80.0)``, cut to a readable length."""
    text = ", ".join(f"{k}={v}" for k, v in row.items())
    return f"settings row {i}" + (f" ({text[:120]})" if text else "")


def _runs_table(
    rows: list[dict], configs: list[SimConfig], replicates: int, runs: pd.DataFrame
) -> pd.DataFrame:
    """The runs of every row as a sweep's table: keys, the row's settings, seeds, metrics."""
    # as in a sweep's table: the base seed is base_seed, presets are group and policy
    params = list(dict.fromkeys(k for row in rows for k in row if k not in NOT_PARAMETERS))
    runs = runs.copy()
    for k in params:
        values = [row.get(k) for row in rows for _ in range(replicates)]
        runs[k] = parameter_column(pd.Series(values, dtype=object))
    runs["base_seed"] = [cfg.seed for cfg in configs for _ in range(replicates)]
    return runs[runs_columns(runs, params)]


def read_settings(path: Path | str, what: str = "settings") -> pd.DataFrame:
    """A settings table from a ``.parquet`` or ``.csv`` file (one column per setting).

    Args:
        path: the file.
        what: what the table is, for the error messages.

    Raises:
        ValueError: the file is missing, unreadable, of another kind, or empty.
    """
    path = Path(path)
    kinds = {".parquet": pd.read_parquet, ".csv": pd.read_csv}
    if path.suffix not in kinds:
        raise ValueError(f"{what} file {path}: must end in .parquet or .csv")
    try:
        table = kinds[path.suffix](path)
    except FileNotFoundError:
        raise ValueError(f"{what} file {path} does not exist") from None
    except Exception as err:  # noqa: BLE001 - any parser's error for a malformed file
        why = " ".join(str(err).split()) or type(err).__name__
        raise ValueError(f"{what} file {path} is unreadable: {why}") from err
    if table.empty or not len(table.columns):
        raise ValueError(f"{what} file {path} has no rows: one row per point is needed")
    return table


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m sim batch SETTINGS [overrides...]``: run a settings table."""
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m sim batch",
        description="Run every row of a settings table (.parquet or .csv; columns are "
        "dotted settings, e.g. group.price, and optionally group and policy presets) for "
        "some replicate seeds on every core; write runs.parquet (and daily.parquet) into "
        "OUT. A rerun into the same OUT resumes.",
    )
    ap.add_argument("settings", type=Path, help="the settings table")
    ap.add_argument("overrides", nargs="*", help="overrides under every row (group=kol ...)")
    ap.add_argument("--out", type=Path, required=True, help="folder for the tables (resumes)")
    ap.add_argument("--replicates", type=int, default=1, help="replicate seeds per row (1)")
    ap.add_argument("--days", type=int, default=None, help="horizon in days (the config's)")
    ap.add_argument("--daily", action="store_true", help="also keep the daily rows")
    ap.add_argument("--jobs", type=int, default=-1, help="processes (-1: every core)")
    ap.add_argument(
        "--cluster", choices=["slurm", "local"], default=None,
        help="run as submitit jobs: a SLURM job array, or local processes (default: joblib)",
    )  # fmt: skip
    ap.add_argument("--partition", default=None, help="SLURM partition (with --cluster slurm)")
    ap.add_argument("--per-job", type=int, default=50, help="runs per submitit job (50)")
    ap.add_argument("--timeout-min", type=int, default=120, help="minutes per job (120)")
    args = ap.parse_args(list(argv) if argv is not None else None)
    table = read_settings(args.settings)
    options: dict[str, Any] = {"per_job": args.per_job, "timeout_min": args.timeout_min}
    if args.cluster == "slurm" and args.partition:
        options["slurm_partition"] = args.partition
    try:
        batch = evaluate(
            table, args.replicates, args.days, args.overrides, args.out, args.daily, args.jobs,
            cluster=args.cluster, cluster_options=options,
        )  # fmt: skip
    except RunsFailed as err:
        print(f"batch: {err.failed} of {err.total} runs failed:", file=sys.stderr)
        for line in err.lines:
            print(f"  {line}", file=sys.stderr)
        return 1
    speed = batch.engine_seconds / batch.wall_seconds if batch.wall_seconds else math.nan
    print(
        f"batch: {len(batch.runs)} runs ({batch.ran} run now) in {clock(batch.wall_seconds)}"
        f" (engine time / wall time = {speed:.2f}); tables in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
