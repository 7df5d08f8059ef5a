"""Sweep folders: find their points, collect one runs table and one daily table, progress.

A sweep (``python -m sim -m ...``, see ``configs/experiment/``) writes one folder per
point, ``<sweep dir>/points/<overrides>/``, holding the point's ``daily.parquet`` and
``summary.parquet`` (``sim.records.points.write_point``) and Hydra's ``.hydra/`` folder
(the resolved ``config.yaml`` and the job's ``overrides.yaml``). This module needs no
Hydra: ``sim.experiments.callbacks`` calls it at the end of a sweep and
``python -m sim report PATH`` on any results folder.

Tables written into the sweep folder (atomically, ``sim.records.io``):

- ``runs.parquet``: one row per run: ``run_id``, ``point``, ``group``, ``policy``, every
  swept parameter by its dotted name (taken from the jobs' overrides, e.g.
  ``policy.tactics.sales.per_day``; a setting fixed on the command line, such as
  ``run.days=30``, is an override too and gets a column), ``replicate``, ``seed`` (the
  replicate's seed), ``base_seed``, then every summary metric (``lifespan_days``,
  ``censored``, ...).
- ``daily.parquet``: every point's daily rows (``run_id``, ``point``, ``group``,
  ``policy``, ``replicate``, ``day``, the daily series); join to runs on ``run_id``.
- ``.tables.json``: the size and modification time of every point folder's tables when
  the two tables were built, so that :func:`stale_tables` can tell when point folders
  were added, rewritten or removed since (a sweep killed half-way, a rerun of some
  points): ``python -m sim plots`` then rebuilds the tables before drawing.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from sim.analysis.summaries import stats_table
from sim.presentation.reports import points_text
from sim.records.io import atomic_path, write_parquet, write_text
from sim.records.points import read_point, replicates_of

RUNS_FILE = "runs.parquet"
DAILY_FILE = "daily.parquet"
SUMMARY_FILE = "summary.parquet"  # a point's own summary table (sim.records.points)
MANIFEST_FILE = ".tables.json"  # the point files the two tables were built from
# overrides that are not swept parameters: the study's name, and choices that are
# already columns of every row (group, policy; base seed as base_seed)
NOT_PARAMETERS = {"experiment", "group", "policy", "seed", "run.replicates"}
KEY_COLUMNS = ["run_id", "point", "group", "policy"]


class NoResultsError(ValueError):
    """A folder holds no finished sweep point."""


@dataclass
class Point:
    """One finished point folder: its tables, its swept parameters, its base seed."""

    path: Path
    point: str
    summary: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    base_seed: int | None = None


def point_dirs(root: Path) -> list[Path]:
    """Folders below ``root`` that hold a ``summary.parquet`` (hidden folders skipped)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if SUMMARY_FILE in filenames and Path(dirpath) != Path(root):
            found.append(Path(dirpath))
    return sorted(found)


def _lookup(cfg: Any, dotted: str) -> tuple[bool, Any]:
    node = cfg
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return not isinstance(node, dict), node


def _parse_value(text: str) -> Any:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, str):  # YAML 1.1 reads 1e3 as text; Hydra reads it as a number
        try:
            return float(value)
        except ValueError:
            return value
    return value


def swept_parameters(path: Path) -> tuple[dict[str, Any], int | None, int | None]:
    """A point folder's swept parameters, base seed and replicate count (from ``.hydra/``).

    Parameters are the job's overrides except ``NOT_PARAMETERS``, keyed by dotted name
    (``+``/``~`` prefixes dropped); values are read from the job's resolved config where
    the name is a setting there, else parsed from the override text.

    Returns:
        (parameters, base seed, replicates); the last two are ``None`` when unknown.
    """
    hydra_dir = path / ".hydra"
    try:
        overrides = yaml.safe_load((hydra_dir / "overrides.yaml").read_text()) or []
    except (OSError, yaml.YAMLError):
        overrides = []
    try:
        cfg = yaml.safe_load((hydra_dir / "config.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        cfg = {}
    params: dict[str, Any] = {}
    for item in overrides:
        key, _, text = str(item).partition("=")
        key = key.lstrip("+~")
        if not key or key in NOT_PARAMETERS or key.startswith("hydra."):
            continue
        found, value = _lookup(cfg, key)
        if not found or (isinstance(value, str) and "${" in value):
            value = _parse_value(text)
        params[key] = value
    seed = _lookup(cfg, "seed")[1]
    replicates = _lookup(cfg, "run.replicates")[1]
    as_int = lambda v: v if isinstance(v, int) and not isinstance(v, bool) else None  # noqa: E731
    return params, as_int(seed), as_int(replicates)


def load_points(root: Path, warn: TextIO | None = None) -> list[Point]:
    """The finished points below ``root``; incomplete ones are skipped with a note.

    Notes go to ``warn`` (default: standard error).

    A point folder counts when ``sim.records.points.read_point`` accepts its tables and they hold
    every replicate its config asks for (``run.replicates`` = N); replicates N and above,
    kept from a sweep that asked for more, are left out of the tables.

    Raises:
        NoResultsError: ``root`` is not a folder, is itself one point's folder, or holds
            no finished point.
    """
    root = Path(root)
    if not root.is_dir():
        raise NoResultsError(f"{root} is not a folder")
    if (root / "summary.parquet").exists():
        raise NoResultsError(
            f"{root} is one point's folder (it has summary.parquet); "
            "give the sweep folder that holds the points"
        )
    points, skipped = [], []
    for path in point_dirs(root):
        try:
            daily, summary, point = read_point(path)
        except ValueError as err:
            skipped.append(f"{path}: {err}")
            continue
        params, base_seed, replicates = swept_parameters(path)
        if replicates is not None:
            held = sorted(summary["replicate"])
            if not set(range(replicates)) <= set(held):
                skipped.append(f"{path}: holds replicates {held}, config asks for {replicates}")
                continue
            summary = replicates_of(daily, summary, replicates)[1]
        points.append(Point(path, point, summary, params, base_seed))
    for line in skipped:
        print(f"skipped incomplete point folder {line}", file=warn or sys.stderr)
    if not points:
        raise NoResultsError(
            f"{root} has no finished sweep point (a folder below it with a valid "
            "summary.parquet and daily.parquet); run a sweep into it first, e.g. "
            f"python -m sim -m experiment=<name> hydra.sweep.dir={root}"
        )
    return points


def parameter_column(values: pd.Series) -> pd.Series:
    """A column Parquet can store: numbers, booleans and text stay, mixed or nested become text."""
    present = values.dropna()
    kinds = {type(v) for v in present}
    if kinds <= {int, float}:
        return pd.to_numeric(values)
    if kinds <= {bool} or kinds <= {str}:
        return values
    return values.map(lambda v: None if v is None else json.dumps(v, default=str))


def runs_table(points: list[Point]) -> pd.DataFrame:
    """One row per run: keys, swept parameters, replicate, seeds, summary metrics."""
    params = list(dict.fromkeys(k for p in points for k in p.params))
    frames = []
    for p in points:
        df = p.summary.copy()
        df["base_seed"] = p.base_seed
        for k in params:
            df[k] = [p.params.get(k)] * len(df)  # a dict or list value stays one value
        frames.append(df)
    runs = pd.concat(frames, ignore_index=True)
    for k in params:
        runs[k] = parameter_column(runs[k].astype(object))
    first = [c for c in KEY_COLUMNS if c in runs.columns]
    by = [c for c in [*first[2:], *params, "replicate"] if c in runs.columns]
    runs = runs.sort_values(by, kind="stable", na_position="last", ignore_index=True)
    return runs[runs_columns(runs, params)]


def runs_columns(runs: pd.DataFrame, params: list[str]) -> list[str]:
    """A runs table's column order: keys, parameters, replicate and seeds, then metrics."""
    first = [c for c in KEY_COLUMNS if c in runs.columns]
    order = first + params + ["replicate", "seed", "base_seed"]
    return order + [c for c in runs.columns if c not in order]


def _daily_of(p: Point) -> pa.Table:
    """A point's daily rows, of the runs in its (possibly trimmed) summary."""
    table = pq.read_table(p.path / DAILY_FILE)
    if len(p.summary) == len(pc.unique(table["run_id"])):
        return table
    return table.filter(pc.is_in(table["run_id"], value_set=pa.array(list(p.summary["run_id"]))))


def write_daily(points: list[Point], path: Path) -> int:
    """Stream every point's daily table into one Parquet file, atomically.

    Returns:
        The number of rows written.
    """
    schemas = [pq.read_schema(p.path / DAILY_FILE) for p in points]
    if any(not s.equals(schemas[0]) for s in schemas):  # e.g. written by other code versions
        daily = pd.concat([_daily_of(p).to_pandas() for p in points], ignore_index=True)
        write_parquet(daily, path)
        return len(daily)
    rows = 0
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, schemas[0]) as writer:
        for p in points:
            table = _daily_of(p)
            writer.write_table(table)
            rows += table.num_rows
    return rows


def point_files(root: Path) -> dict[str, list[int | None]]:
    """Each point folder below ``root`` -> size and modification time of its two tables.

    A point is rewritten atomically (a new file), so any change to it changes these.
    """
    root = Path(root)
    found: dict[str, list[int | None]] = {}
    for path in point_dirs(root):
        stats: list[int | None] = []
        for name in (SUMMARY_FILE, DAILY_FILE):
            try:
                st = (path / name).stat()
                stats += [st.st_size, st.st_mtime_ns]
            except OSError:
                stats += [None, None]
        found[path.relative_to(root).as_posix()] = stats
    return found


def stale_tables(root: Path) -> str | None:
    """Why ``root``'s runs and daily tables no longer match its point folders, or None.

    None also for a folder without point folders (a comparison writes its tables
    directly), where there is nothing to compare with.
    """
    root = Path(root)
    now = point_files(root)
    if not now:
        return None
    if not (root / RUNS_FILE).is_file() or not (root / DAILY_FILE).is_file():
        return f"{root} has point folders but no runs and daily tables yet"
    try:
        then = json.loads((root / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        then = None
    if not isinstance(then, dict):
        return f"{root}'s tables do not record which point folders they were built from"
    added = len(now.keys() - then.keys())
    removed = len(then.keys() - now.keys())
    changed = sum(now[k] != then[k] for k in now.keys() & then.keys())
    if not (added or removed or changed):
        return None
    return (
        f"the point folders of {root} changed since its tables were written "
        f"({added} new, {changed} rewritten, {removed} gone)"
    )


def collect(root: Path, warn: TextIO | None = None) -> tuple[pd.DataFrame, list[Point]]:
    """Write ``root/runs.parquet`` and ``root/daily.parquet`` from the finished points.

    The point files are listed before they are read and the list is written last
    (``.tables.json``): a point rewritten meanwhile, or a crash before the end, leaves
    the tables marked stale (:func:`stale_tables`), never marked current.

    Returns:
        (the runs table, the points it came from).

    Raises:
        NoResultsError: see ``load_points``.
    """
    root = Path(root)
    files = point_files(root)
    points = load_points(root, warn)
    runs = runs_table(points)
    write_daily(points, root / DAILY_FILE)
    write_parquet(runs, root / RUNS_FILE)
    write_text(json.dumps(files, indent=0, sort_keys=True), root / MANIFEST_FILE)
    return runs, points


def swept_columns(runs: pd.DataFrame) -> list[str]:
    """Columns of a runs table that hold swept parameters (between policy and replicate)."""
    cols = list(runs.columns)
    return cols[cols.index("policy") + 1 : cols.index("replicate")]


def format_points(runs: pd.DataFrame) -> str:
    """One line per point of a runs table: KM median lifespan, alive at the horizon, ..."""
    params = swept_columns(runs)
    return points_text(stats_table(runs, ["group", "policy", *params]), params)
