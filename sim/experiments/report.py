"""Collect a results folder into one runs table and one daily table, and summarise it.

``python -m sim report PATH`` reads every finished point folder below PATH (a sweep or
study folder such as ``results/studies/money_grid``), writes ``PATH/runs.parquet`` and
``PATH/daily.parquet`` (see ``sim.experiments.sweep``) and prints one line per point: Kaplan-Meier
median lifespan, groups alive at the horizon, member messages per day, active members
per day, members at the end and revenue. It never runs the model; a sweep does the same
at its end. Point folders with missing, partial or inconsistent files are skipped with a
note (rerunning the sweep runs them again).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.experiments.sweep import DAILY_FILE, RUNS_FILE, NoResultsError, collect, format_points

USAGE = "usage: python -m sim report PATH  (a sweep or study folder, e.g. results/studies/NAME)"


def main(argv: list[str] | None = None) -> Path:
    """Collect the folder named in ``argv`` and print its per-point summary.

    Returns:
        The folder.

    Raises:
        SystemExit: no folder given, or it holds no finished point (one line saying why).
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1 or args[0].startswith("-"):
        raise SystemExit(USAGE)
    root = Path(args[0])
    try:
        runs, points = collect(root)
    except NoResultsError as err:
        raise SystemExit(f"report error: {err}") from None
    print(format_points(runs))
    print(
        f"tables written: {root / RUNS_FILE} ({len(runs)} runs of {len(points)} points) "
        f"and {root / DAILY_FILE}"
    )
    return root
