"""What a strategy achieves and what it costs, from its runs: objectives, constraints, fronts.

A strategy search (``sim.experiments.optimize``) scores each strategy on a set of runs
(the same paired replicate seeds for every strategy), with these functions only, and
re-evaluates the best ones on fresh seeds with the same functions plus intervals.

**Objectives** (all maximised; ``OBJECTIVES``):

- ``lifespan``: restricted mean lifespan within the horizon, days (a group still alive
  at the horizon counts the horizon, so censored groups count properly);
- ``activity``: member messages per day alive;
- ``active``: active members per day alive;
- ``revenue``: the operator's revenue per run (sales and fees), yuan;
- ``net_revenue``: revenue minus the operator's red-packet spending, yuan.

**Constraints** an operator has (``CONSTRAINTS``; each a mean over the runs, and a
strategy is feasible when every one is within its limit):

- ``packets_yuan_per_month``: the operator's red-packet yuan per 30 days alive;
- ``operator_hours_per_day``: the operator team's working hours per day alive, from the
  effort model below;
- ``max_selling_share``: selling posts as a share of all the operator's posts.

**Effort model** (``EFFORT``, every figure an assumption: no source measures it): five
minutes per operator message (posts, replies, red packets, announcements), three
minutes per hour a moderator is on duty (reading the chat), a quarter hour per private
contact (outreach), eight hours per offline meet-up (organising and hosting) and half
an hour per purge. Hours are summed over the run and divided by the days alive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.intervals import mean_ci
from sim.analysis.survival import km_median_ci, restricted_mean

DAYS_PER_MONTH = 30.0


@dataclass(frozen=True)
class Objective:
    """A figure a strategy is scored on (maximised), averaged over its runs."""

    name: str
    label: str
    unit: str


OBJECTIVES = {
    o.name: o
    for o in (
        Objective("lifespan", "restricted mean lifespan", "days"),
        Objective("activity", "member messages per day alive", "msg/day"),
        Objective("active", "active members per day alive", "members"),
        Objective("revenue", "revenue per run", "yuan"),
        Objective("net_revenue", "revenue minus red packets per run", "yuan"),
    )
}
CONSTRAINTS = {
    "packets_yuan_per_month": ("red-packet budget", "yuan/month"),
    "operator_hours_per_day": ("operator team's hours", "h/day"),
    "max_selling_share": ("selling posts among operator posts", "share"),
}
# hours of work per unit (assumption): see the module docstring
EFFORT = {
    "message": 5 / 60,
    "moderator_hour": 3 / 60,
    "contact": 0.25,
    "meetup": 8.0,
    "purge": 0.5,
}


def run_figures(runs: pd.DataFrame, tactics: Mapping) -> pd.DataFrame:
    """Per run of one strategy: every objective's and constraint's figure, before averaging.

    Args:
        runs: summary rows (``sim.records.summary.summary_row``) of runs of one strategy.
        tactics: its parsed tactic settings (``parse_tactics``), for the effort model.
    """
    alive = runs["lifespan_days"].clip(lower=1).astype(float)
    hours = [operator_hours(r, int(d), tactics) for r, d in zip(
        runs.to_dict(orient="records"), alive, strict=True)]  # fmt: skip
    return pd.DataFrame(
        {
            "lifespan": runs["lifespan_days"].astype(float),
            "activity": runs["msgs_per_day"].astype(float),
            "active": runs["active_members_mean"].astype(float),
            "revenue": runs["revenue"].astype(float),
            "net_revenue": (runs["revenue"] - runs["packet_yuan_operator"]).astype(float),
            "packets_yuan_per_month": runs["packet_yuan_operator"] / alive * DAYS_PER_MONTH,
            "operator_hours_per_day": np.asarray(hours) / alive,
        },
        index=runs.index,
    )


def operator_hours(summary: Mapping[str, Any], days_alive: int, tactics: Mapping) -> float:
    """The operator team's working hours over a run (``EFFORT``).

    Args:
        summary: the run's summary row (``msgs_operator``).
        days_alive: days the group was alive in the run.
        tactics: the policy's parsed tactic settings (``parse_tactics``).
    """
    hours = summary["msgs_operator"] * EFFORT["message"]
    if "moderation" in tactics:
        m = tactics["moderation"]
        hours += m.team_size * len(m.on_duty) * days_alive * EFFORT["moderator_hour"]
    if "outreach" in tactics:
        hours += tactics["outreach"].per_week / 7 * days_alive * EFFORT["contact"]
    if "meetups" in tactics:
        m = tactics["meetups"]
        held = (
            0 if days_alive <= m.first_day else 1 + (days_alive - 1 - m.first_day) // m.every_days
        )
        hours += held * EFFORT["meetup"]
    if "purges" in tactics:
        # days every, 2 x every, ... before the run ended (the first on day ``every``)
        hours += max(days_alive - 1, 0) // tactics["purges"].every_days * EFFORT["purge"]
    return float(hours)


def outcomes(runs: pd.DataFrame, horizon: int, tactics: Mapping) -> dict[str, float]:
    """A strategy's scores over its runs: every objective and constraint, as means.

    ``lifespan`` is the Kaplan-Meier restricted mean within ``horizon`` (equal to the
    mean lifespan capped at the horizon); ``max_selling_share`` is the share of selling
    posts among all the operator's posts, pooled over the runs.
    """
    fig = run_figures(runs, tactics)
    out = {k: float(fig[k].mean()) for k in fig.columns}
    out["lifespan"] = restricted_mean(runs["lifespan_days"], runs["censored"], horizon)
    posts = float(runs["msgs_operator"].sum())
    out["max_selling_share"] = float(runs["ads_operator"].sum()) / posts if posts else 0.0
    return out


def violations(values: Mapping[str, float], limits: Mapping[str, float | None]) -> dict:
    """Each constraint's excess over its limit (<= 0: met), for the limits that are set."""
    return {k: values[k] - lim for k, lim in limits.items() if lim is not None}


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """Rows no other row beats: at least as good on every column and better on one.

    Every column is maximised; rows with a NaN are never on the front.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    ok = ~np.isnan(v).any(axis=1)
    geq = (v[None, :, :] >= v[:, None, :]).all(axis=2)  # [i, j]: j at least as good as i
    gt = (v[None, :, :] > v[:, None, :]).any(axis=2)
    dominated = (geq & gt & ok[None, :]).any(axis=1)
    return ok & ~dominated


def fresh_table(
    runs: pd.DataFrame, by: str, horizon: int, objectives: Sequence[str], tactics: Mapping
) -> pd.DataFrame:
    """Per strategy (``by``): each objective's mean with its 95% interval, and the KM median.

    ``tactics`` maps each strategy (a value of ``by``) to its parsed tactic settings.

    Returns:
        One row per strategy: ``<objective>``, ``<objective>_low``, ``_high`` (Student t
        over runs; ``lifespan`` is the capped mean, equal to the restricted mean),
        ``km_median``, ``km_reached``, ``km_low``, ``km_high``, ``km_high_reached``,
        the constraints' figures, and ``runs``.
    """
    rows = []
    for key, r in runs.groupby(by, sort=False):
        fig = run_figures(r, tactics[key])
        row: dict[str, Any] = {by: key, "runs": len(r)}
        for name in dict.fromkeys([*objectives, *OBJECTIVES]):
            mean, low, high, _ = mean_ci(fig[name])
            row |= {name: mean, f"{name}_low": low, f"{name}_high": high}
        row["lifespan"] = restricted_mean(r["lifespan_days"], r["censored"], horizon)
        km = km_median_ci(r["lifespan_days"], r["censored"])
        row |= {
            "km_median": km.median,
            "km_reached": km.reached,
            "km_low": km.low,
            "km_high": km.high,
            "km_high_reached": km.high_reached,
        }
        row |= {k: v for k, v in outcomes(r, horizon, tactics[key]).items() if k in CONSTRAINTS}
        rows.append(row)
    return pd.DataFrame(rows)


def hypervolume(values: np.ndarray, reference: np.ndarray) -> float:
    """The area (volume) dominated by ``values`` above ``reference`` (maximised columns).

    Exact for one and two objectives (a sweep over the sorted front); NaN for more.
    Points not above the reference on every objective add nothing.
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v).any(axis=1) & (v > reference).all(axis=1)]
    if v.size == 0:
        return 0.0
    if v.shape[1] == 1:
        return float(v[:, 0].max() - reference[0])
    if v.shape[1] > 2:
        return float("nan")
    front = v[pareto_mask(v)]
    front = front[np.argsort(-front[:, 0])]  # x falling, so y rises along the front
    area, y_below = 0.0, reference[1]
    for x, y in front:
        area += (x - reference[0]) * (y - y_below)
        y_below = y
    return float(area)


def convergence(values: np.ndarray, steps: Sequence[float] = (0.25, 0.5, 0.75, 1.0)):
    """How a search's front grew: the hypervolume after each share of its trials.

    ``values`` are the feasible trials' objectives in trial order. The reference point is
    the worst value of each objective over all of them, and each objective is scaled to
    its range, so 1.0 would be one strategy best on everything at once.

    Returns:
        ``[(share of trials, trials, hypervolume)]``.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    if len(v) == 0:
        return []
    low, high = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
    scaled = (v - low) / np.where(high > low, high - low, 1.0)
    out = []
    for share in steps:
        n = max(1, int(round(share * len(v))))
        out.append((share, n, hypervolume(scaled[:n], np.zeros(v.shape[1]))))
    return out
