"""A matrix run's figure and text: where people are over time, and how they moved."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.presentation.figures import save_figure  # noqa: E402
from sim.presentation.style import STYLE  # noqa: E402

PEOPLE_LINES = {
    "people_reached": "reached so far",
    "people_present": "in a group",
    "people_multi": "in several groups",
    "people_active": "active somewhere",
}
WHY_COLOURS = {
    "founding": "#4c72b0",
    "invited": "#55a868",
    "funnel": "#dd8452",
    "relaunch": "#c44e52",
}


def members_by_key(groups_daily: pd.DataFrame, days: int) -> pd.DataFrame:
    """Mean members per matrix day of each group key (a series summed), over runs.

    A group counts from its launch until it died (its last recorded day); zero elsewhere.
    """
    runs = groups_daily["run_id"].nunique()
    table = (
        groups_daily.groupby(["group_key", "matrix_day"])["members"].sum().unstack(0, fill_value=0)
    )
    table = table.reindex(range(days), fill_value=0) / max(runs, 1)
    return table[list(dict.fromkeys(groups_daily["group_key"]))]


def people_by_day(daily: pd.DataFrame, days: int) -> pd.DataFrame:
    """Mean over runs of the people lines, each run carried to ``days`` days.

    A matrix with no group left ends early: from then on it has reached as many people
    as it had, and nobody is present, in several groups or active.
    """
    cols = list(PEOPLE_LINES)
    full = []
    for _, run in daily.groupby("run_id", sort=False):
        run = run.set_index("day")[cols].reindex(range(days))
        run["people_reached"] = run["people_reached"].ffill()
        full.append(run.fillna(0.0))
    return sum(full) / len(full)


def moves_table(flows: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Mean moves per run, by (from group key, to group key) and why."""
    if flows.empty:
        return pd.DataFrame(columns=["from", "to", "why", "moves"])
    key = lambda s: s.str.replace(r"(-\d+)?(\.r\d+)?$", "", regex=True)  # noqa: E731
    t = flows.assign(**{"from": key(flows["from_group"]), "to": key(flows["to_group"])})
    t["from"] = t["from"].replace("", "(new)")
    out = t.groupby(["from", "to", "why"]).size().rename("moves").reset_index()
    out["moves"] = out["moves"] / max(runs, 1)
    return out


def matrix_flows(
    groups_daily: pd.DataFrame, flows: pd.DataFrame, daily: pd.DataFrame, path: Path
) -> Path:
    """Stacked members by group over time, people reached and active, and the moves."""
    days = int(daily["day"].max()) + 1
    runs = daily["run_id"].nunique()
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
        stack = members_by_key(groups_daily, days)
        axes[0].stackplot(stack.index, stack.T.to_numpy(), labels=stack.columns, alpha=0.85)
        axes[0].set(xlabel="matrix day", ylabel="members (mean over runs)",
                    title="where people are: members by group")  # fmt: skip
        axes[0].legend(loc="upper right", fontsize=8)
        people = people_by_day(daily, days)
        for col, label in PEOPLE_LINES.items():
            axes[1].plot(people.index, people[col], label=label)
        axes[1].set(xlabel="matrix day", ylabel="people (mean over runs)", title="people")
        axes[1].legend(fontsize=8)
        moves = moves_table(flows, runs)
        ax = axes[2]
        if moves.empty:
            ax.text(0.5, 0.5, "no moves", ha="center", va="center", transform=ax.transAxes)
        else:
            labels = [
                f"{f} → {t}" for f, t in dict.fromkeys(zip(moves["from"], moves["to"], strict=True))
            ]
            y = np.arange(len(labels))
            left = np.zeros(len(labels))
            for why, colour in WHY_COLOURS.items():
                part = moves[moves["why"] == why]
                width = np.zeros(len(labels))
                for _, r in part.iterrows():
                    width[labels.index(f"{r['from']} → {r['to']}")] = r["moves"]
                if width.any():
                    ax.barh(y, width, left=left, height=0.6, color=colour, label=why)
                    left += width
            ax.set_yticks(y, labels, fontsize=8)
            ax.legend(fontsize=8)
        ax.set(xlabel="people moved per run (mean)", title="moves between groups")
        fig.tight_layout()
        return save_figure(fig, path)


def matrix_text(summary: pd.DataFrame) -> str:
    """A short table of matrix runs' summary rows."""
    cols = ["group", "policy", "replicate", "lifespan_days", "censored", "groups_founded"]
    cols += ["people_reached", "people_active_end", "msgs_per_day", "revenue"]
    cols += [c for c in summary.columns if c.startswith("moved_")]
    return summary[cols].to_string(index=False, float_format=lambda v: f"{v:.1f}")
