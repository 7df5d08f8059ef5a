"""Small real tables for the figure, report and survival tests (cached per session).

The runs and daily tables follow the aggregation contract: one row per run with the
swept settings as dotted-name columns, one row per run-day.
"""

from functools import cache

import pandas as pd

from sim.config.compose import compose
from sim.experiments.runner import run_point

SALES = "policy.tactics.sales.per_day"
PACKETS = "policy.tactics.red_packets.every_days"


def point(*overrides, days=40, replicates=3, knobs=None):
    """(daily, runs) of one point, with ``knobs`` ({dotted name: value}) as columns."""
    cfg = compose([*overrides, f"run.days={days}", f"run.replicates={replicates}"])
    daily, runs = run_point(cfg)
    for name, value in (knobs or {}).items():
        runs[name] = value
    return daily, runs


def concat(points):
    dailies, runs = zip(*points, strict=True)
    return pd.concat(dailies, ignore_index=True), pd.concat(runs, ignore_index=True)


@cache
def policies(days=60, replicates=4):
    """feelings vs money on the same seeds: (daily, runs)."""
    return concat(
        [point(f"policy={p}", days=days, replicates=replicates) for p in ("feelings", "money")]
    )


@cache
def grid():
    """A 2 x 2 money grid (sales per day x red-packet interval) on two group types."""
    points = []
    for group in ("relationship", "interest"):
        for sales in (1, 3):
            for every in (1, 3):
                points.append(
                    point(
                        f"group={group}",
                        "policy=money",
                        f"{SALES}={sales}",
                        f"{PACKETS}={every}",
                        days=40,
                        replicates=3,
                        knobs={SALES: float(sales), PACKETS: every},
                    )
                )
    return concat(points)
