"""Figures are functions of tables: DataFrames in, PNG files out (never runs the model)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# One colour per policy, the same in every figure.
POLICY_COLOURS = {"feelings": "#1b9e77", "money": "#d95f02", "hands_off": "#7570b3"}
_FALLBACK = ["#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def policy_colour(policy: str, order: list[str]) -> str:
    """Colour of a policy: fixed for the presets, then a stable fallback palette."""
    if policy in POLICY_COLOURS:
        return POLICY_COLOURS[policy]
    others = [p for p in order if p not in POLICY_COLOURS]
    return _FALLBACK[others.index(policy) % len(_FALLBACK)]


def _by_day(daily: pd.DataFrame, column: str, days: int, after_death: str) -> np.ndarray:
    """Runs x days matrix of ``column``, padded after a dead group's last day.

    ``after_death="zero"`` for activity (a dead group is silent), ``"last"`` for state
    such as group size (the members are still in the chat list).
    """
    runs = daily.groupby("replicate")
    out = np.zeros((runs.ngroups, days))
    for i, (_, run) in enumerate(runs):
        values = run.sort_values("day")[column].to_numpy(dtype=float)[:days]
        out[i, : values.size] = values
        if after_death == "last" and values.size:
            out[i, values.size :] = values[-1]
    return out


def activity_by_policy(daily: pd.DataFrame, path: Path, days: int | None = None) -> Path:
    """Median and inter-quartile band of daily member messages and members, per policy."""
    days = int(days or daily["day"].max() + 1)
    policies = list(dict.fromkeys(daily["policy"]))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    panels = [("msgs_members", "member messages per day", "zero"), ("members", "members", "last")]
    x = np.arange(days)
    for ax, (column, label, pad) in zip(axes, panels, strict=True):
        for policy in policies:
            m = _by_day(daily[daily["policy"] == policy], column, days, pad)
            q25, q50, q75 = np.percentile(m, [25, 50, 75], axis=0)
            colour = policy_colour(policy, policies)
            ax.fill_between(x, q25, q75, color=colour, alpha=0.25, linewidth=0)
            ax.plot(x, q50, color=colour, label=f"{policy} (n={m.shape[0]})")
        ax.set_xlabel("day")
        ax.set_ylabel(label)
        ax.set_xlim(0, days - 1)
        ax.set_ylim(bottom=0)
    groups = ", ".join(dict.fromkeys(daily["group"]))
    axes[0].set_title(f"Activity ({groups} group): median and IQR")
    axes[1].set_title("Members (a dead group keeps its last size)")
    axes[0].legend(frameon=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path
