"""Every figure of a results folder, and the drawing half of ``python -m sim plots``.

``python -m sim plots PATH`` draws every applicable figure of a results folder holding
``runs.parquet`` and ``daily.parquet`` (a sweep, a study, a comparison) into
``PATH/figures/``, in seconds and without running the model (the command,
``sim.experiments.redraw``, first rebuilds a sweep's tables if they are stale)::

    python -m sim plots results/studies/money_grid
    python -m sim plots PATH --x policy.tactics.sales.per_day
        --y policy.tactics.red_packets.every_days --facet group --by policy  # one line
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from sim.core.causes import CAUSE_NAMES
from sim.core.roles import ROLE_NAMES
from sim.presentation.figures import (
    HEATMAP_METRICS,
    activity_by_policy,
    exits_by_cause,
    grid_heatmap,
    roles_over_time,
    survival_curves,
    tradeoff,
)
from sim.presentation.style import value_label

PARSES_HELP = True  # argparse prints --help (sim.__main__)

RUNS_REQUIRED = ("run_id", "policy", "lifespan_days", "censored", "revenue", "msgs_per_day")
DAILY_REQUIRED = ("run_id", "day", "msgs_members", "active_members", "members")


def swept_columns(runs: pd.DataFrame) -> list[str]:
    """Dotted-name columns (swept config settings) that take more than one value."""
    return [c for c in runs.columns if "." in c and runs[c].nunique(dropna=False) > 1]


def grid_axes(runs: pd.DataFrame) -> tuple[str, str] | None:
    """The two heatmap axes of a runs table, or None when they are not clear.

    The two swept (dotted-name) columns if there are exactly two; with fewer, the policy
    and group columns that vary fill in (a policy x group-type sweep gets a heatmap).
    """
    swept = swept_columns(runs)
    if len(swept) < 2:
        swept += [c for c in ("policy", "group") if c in runs and runs[c].nunique() > 1]
    return (swept[0], swept[1]) if len(swept) == 2 else None


def default_by(runs: pd.DataFrame) -> str:
    """``policy``, or ``group`` when there is one policy and several group types."""
    if runs["policy"].nunique() == 1 and "group" in runs and runs["group"].nunique() > 1:
        return "group"
    return "policy"


def _with_by(daily: pd.DataFrame, runs: pd.DataFrame, by: str) -> pd.DataFrame:
    if by in daily:
        return daily
    return daily.merge(runs[["run_id", by]], on="run_id", how="left")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", text).removeprefix("policy.tactics.")


def all_figures(
    runs: pd.DataFrame,
    daily: pd.DataFrame,
    out: Path,
    x: str | None = None,
    y: str | None = None,
    facet: str | None = None,
    by: str = "policy",
) -> list[Path]:
    """Write every applicable figure into ``out`` and return their paths.

    Survival, activity, roles, exits and trade-off figures always; grid heatmaps of
    lifespan, messages and revenue when ``x`` and ``y`` are given or ``grid_axes`` finds
    them (exactly two swept columns, or policy x group type). Without ``facet``, the
    first other column that varies (group, policy, another swept knob) becomes the
    facet, and any further one splits the heatmaps into one file per value, so no cell
    pools different points.
    """
    out = Path(out)
    daily = _with_by(daily, runs, by)
    paths = []
    paths.append(out / "survival.png")
    survival_curves(runs, paths[-1], by)
    horizon = int(runs["days_run"].max()) if "days_run" in runs else None
    paths.append(out / "activity.png")
    activity_by_policy(daily, paths[-1], horizon, by)
    if all(f"n_{r}" in daily for r in ROLE_NAMES):
        paths.append(out / "roles.png")
        roles_over_time(daily, paths[-1], by)
    if all(f"exits_{c}" in runs for c in CAUSE_NAMES):
        paths.append(out / "exits.png")
        exits_by_cause(runs, paths[-1], by)
    paths.append(out / "tradeoff.png")
    tradeoff(runs, paths[-1], by)
    if x is None and y is None:
        axes = grid_axes(runs)
        if axes is None:
            return paths
        x, y = axes
    varying = [
        c
        for c in ["group", "policy", *swept_columns(runs)]
        if c in runs and c not in (x, y) and runs[c].nunique() > 1
    ]
    if facet is None and varying:
        facet = varying[0]
    split = [c for c in varying if c != facet]
    for key, part in runs.groupby(split, sort=True) if split else [((), runs)]:
        key = key if isinstance(key, tuple) else (key,)
        suffix = "".join(f"__{_slug(c)}={_slug(str(v))}" for c, v in zip(split, key, strict=True))
        for metric in ("lifespan_days", "msgs_per_day", "revenue"):
            paths.append(out / f"heatmap_{metric}{suffix}.png")
            title = HEATMAP_METRICS[metric]
            if split:
                extra = ", ".join(value_label(c, v) for c, v in zip(split, key, strict=True))
                title = f"{title[0].upper()}{title[1:]} [{extra}]"
            grid_heatmap(part, paths[-1], x, y, metric, facet, title=title)
    return paths


def _fail(field: str, value, allowed: str) -> SystemExit:
    return SystemExit(f"plots error: {field}={value} is not allowed: {allowed}")


def _check_column(runs: pd.DataFrame, field: str, value: str | None, runs_path: Path) -> None:
    if value is None or value in runs:
        return
    swept = ", ".join(swept_columns(runs)) or "none"
    raise _fail(
        field,
        value,
        f"must be a column of {runs_path} (swept columns: {swept}; also group, policy)",
    )


def load(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``path/runs.parquet`` and ``path/daily.parquet``, checking their columns.

    Raises:
        SystemExit: a missing folder, file or column, an unreadable or empty table, as
            one line.
    """
    path = Path(path)
    if not path.is_dir():
        raise _fail("PATH", path, "must be a results folder (no such folder)")
    files = {"runs.parquet": RUNS_REQUIRED, "daily.parquet": DAILY_REQUIRED}
    for name in files:
        if not (path / name).is_file():
            raise _fail(
                "PATH", path, f"must hold runs.parquet and daily.parquet ({name} is missing)"
            )
    tables = []
    for name, required in files.items():
        try:
            table = pd.read_parquet(path / name)
        except (OSError, ValueError) as err:  # truncated, random bytes, not parquet
            reason = " ".join(str(err).split())
            raise SystemExit(
                f"plots error: {path / name} is not allowed: not a readable parquet table "
                f"({reason}); rebuild it with python -m sim report {path}"
            ) from None
        if table.empty:
            raise SystemExit(
                f"plots error: {path / name} is not allowed: it has no rows (nothing finished?)"
            )
        missing = [c for c in required if c not in table]
        if missing:
            raise SystemExit(
                f"plots error: {path / name} is not allowed: must have the columns "
                f"{', '.join(required)} (missing: {', '.join(missing)})"
            )
        tables.append(table)
    return tables[0], tables[1]


def parser() -> argparse.ArgumentParser:
    """The arguments of ``python -m sim plots``."""
    parser = argparse.ArgumentParser(
        prog="python -m sim plots",
        description="Draw the figures of a results folder (runs.parquet, daily.parquet) "
        "into PATH/figures/. A sweep folder's tables are rebuilt first when its point "
        "folders changed since they were written.",
    )
    parser.add_argument("path", type=Path, metavar="PATH")
    parser.add_argument("--x", help="heatmap horizontal axis: a runs-table column")
    parser.add_argument("--y", help="heatmap vertical axis: a runs-table column")
    parser.add_argument("--facet", help="one heatmap panel per value of this column")
    parser.add_argument(
        "--by",
        help="one colour per value of this column (default: policy, or group when only the "
        "group type varies)",
    )
    return parser


def main(argv: list[str] | None = None) -> list[Path]:
    """Draw the figures of the folder named in ``argv`` from its tables as they are."""
    return draw(parser().parse_args(sys.argv[1:] if argv is None else argv))


def draw(args: argparse.Namespace) -> list[Path]:
    """Check the arguments against the folder's tables and draw every figure.

    Returns:
        The figure files written.
    """
    runs, daily = load(args.path)
    runs_path = args.path / "runs.parquet"
    for field in ("x", "y", "facet", "by"):
        _check_column(runs, f"--{field}", getattr(args, field), runs_path)
    if (args.x is None) != (args.y is None):
        given, other = ("--x", "--y") if args.x else ("--y", "--x")
        raise SystemExit(f"plots error: {other} is missing: give it together with {given}")
    if args.by is None:
        args.by = default_by(runs)
    n_by = runs[args.by].nunique()
    if n_by > 12:
        raise _fail("--by", args.by, f"must have at most 12 values (it has {n_by})")
    paths = all_figures(runs, daily, args.path / "figures", args.x, args.y, args.facet, args.by)
    for p in paths:
        print(p)
    return paths


if __name__ == "__main__":
    main()
