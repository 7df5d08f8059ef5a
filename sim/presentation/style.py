"""Colours, fonts and axis labels shared by every figure and by the dashboard.

Plain values only (no matplotlib import), so the dashboard can use the same colours
without loading a plotting backend.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.core.causes import CAUSE_NAMES

# One colour per policy, the same in every figure.
POLICY_COLOURS = {"feelings": "#1b9e77", "money": "#d95f02", "hands_off": "#7570b3"}
_FALLBACK = ["#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
# Values of any other ``by`` column (group type, a knob) take this palette in order
# (matplotlib's tab10).
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]  # fmt: skip
ROLE_COLOURS = {
    "thinker": "#4c72b0",
    "critic": "#c44e52",
    "onlooker": "#dd8452",
    "silent": "#bbbbbb",
}
CAUSE_COLOURS = dict(
    zip(
        CAUSE_NAMES,
        ["#e377c2", "#bcbd22", "#d62728", "#9467bd", "#17becf", "#7f7f7f", "#111111", "#8c6d31"],
        strict=True,
    )
)
OPERATOR_COLOUR, SPAM_COLOUR = "#222222", "#8c564b"
# Readable at paper size: a figure is 7-13 inches wide, so fonts of 9-11 pt print as such.
STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
DPI = 150
# Units of common knobs, by the last part of their dotted name.
KNOB_UNITS = {
    "per_day": "per day",
    "per_week": "per week",
    "every_days": "days",
    "start_day": "day",
    "first_day": "day",
    "days": "days",
    "inactive_days": "days",
    "latency_hours": "hours",
    "team_size": "people",
    "amount": "yuan",
    "shares": "shares",
    "initial_members": "members",
    "strictness": "0-1",
    "max_share": "share",
    "reply_share": "share",
    "success": "probability",
    "quiet_days": "days",
}


def policy_colour(policy: str, order: list[str]) -> str:
    """Colour of a policy: fixed for the presets, then a stable fallback palette."""
    if policy in POLICY_COLOURS:
        return POLICY_COLOURS[policy]
    others = [p for p in order if p not in POLICY_COLOURS]
    return _FALLBACK[others.index(policy) % len(_FALLBACK)]


def colours(values: Sequence, by: str = "policy") -> dict:
    """One colour per value of ``by``: the policy colours for policies, ``PALETTE`` otherwise."""
    values = list(values)
    if by == "policy":
        names = [str(v) for v in values]
        return {v: policy_colour(str(v), names) for v in values}
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}


def knob_label(column: str) -> str:
    """Axis label of a column: the dotted name without ``policy.tactics.`` plus its unit."""
    short = column.removeprefix("policy.tactics.")
    unit = KNOB_UNITS.get(column.rsplit(".", 1)[-1])
    return f"{short} ({unit})" if unit else short


def fmt_value(value) -> str:
    """A swept value as written: ``3`` for 3.0, else as given."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def value_label(by: str, value) -> str:
    """Legend text of one value of ``by``: ``money``, or ``sales.per_day = 3``."""
    if by in ("policy", "group"):
        return str(value)
    return f"{knob_label(by).split(' (')[0]} = {fmt_value(value)}"
