"""The dashboard's figures: matplotlib ``Figure`` objects drawn from a ``LiveModel``.

Each ``*_figure`` function returns ``(figure, caption)``: the caption states in words
the latest numbers the figure shows (the browser test reads them). Figures are built with
``matplotlib.figure.Figure`` (no pyplot state), so they are safe to draw per session.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.core.causes import CAUSE_NAMES
from sim.core.roles import ROLE_NAMES
from sim.dashboard.live import LiveModel, last_days, thin
from sim.presentation.style import (
    CAUSE_COLOURS,
    OPERATOR_COLOUR,
    POLICY_COLOURS,
    ROLE_COLOURS,
    SPAM_COLOUR,
)

WINDOW_HOURS = 7 * 24  # the messages chart shows the last week, hour by hour
SIZE = (6.4, 3.4)  # inches; drawn at DPI into a dashboard card
DPI = 90


def _figure(size: tuple[float, float] = SIZE) -> tuple[Figure, object]:
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _legend(fig: Figure, ncols: int, handles=None) -> None:
    """One legend row (or two) under the plot, outside the axes."""
    kw = {"handles": handles} if handles else {}
    fig.legend(loc="outside lower center", ncols=ncols, fontsize=7, frameon=False, **kw)


def _day_axis(ax, first_hour: int, last_hour: int) -> None:
    """Label an axis of hours in days."""
    ax.set_xlabel("day")
    span = max(last_hour - first_hour, 24)
    step = max(1, math.ceil(span / 24 / 8))
    days = np.arange(first_hour // 24, last_hour // 24 + 2, step)
    ax.set_xticks(days * 24, [str(d) for d in days])
    ax.set_xlim(first_hour, max(last_hour, first_hour + 24))


def messages_figure(model: LiveModel) -> tuple[Figure, str]:
    """Messages per hour in the last week: members by role, the operator, spammers."""
    h = model.history
    hours = last_days(h.hours, WINDOW_HOURS)
    roles = last_days(h.msgs_role, WINDOW_HOURS)
    series = [roles[:, r] for r in range(len(ROLE_NAMES))]
    series += [last_days(h.msgs_operator, WINDOW_HOURS), last_days(h.msgs_spam, WINDOW_HOURS)]
    labels = [*ROLE_NAMES, "operator", "spam"]
    colours = [ROLE_COLOURS[r] for r in ROLE_NAMES] + [OPERATOR_COLOUR, SPAM_COLOUR]
    fig, ax = _figure()
    # row t holds what was posted during hour t-1: drawn as a step from t-1 to t
    ax.stackplot(hours - 1, *series, labels=labels, colors=colours, step="post")
    _day_axis(ax, int(hours[0]), int(hours[-1]))
    ax.set_ylabel("messages per hour")
    ax.set_title("Messages per hour, last 7 days")
    _legend(fig, ncols=6)
    day = slice(-24, None)
    by_role = h.msgs_role[day].sum(axis=0)
    roles = ", ".join(f"{n} {v:.0f}" for n, v in zip(ROLE_NAMES, by_role, strict=True))
    caption = (
        f"last 24 h: {by_role.sum():.0f} member messages ({roles}), "
        f"{h.msgs_operator[day].sum():.0f} operator, {h.msgs_spam[day].sum():.0f} spam"
    )
    return fig, caption


def roles_figure(model: LiveModel) -> tuple[Figure, str]:
    """Members by role over the whole run, stacked, and spammers."""
    h = model.history
    idx = thin(h.n)
    fig, ax = _figure()
    counts = h.n_role[idx]
    ax.stackplot(
        h.hours[idx],
        *counts.T,
        labels=list(ROLE_NAMES),
        colors=[ROLE_COLOURS[r] for r in ROLE_NAMES],
        step="post",
    )
    if h.spammers.any():
        ax.plot(h.hours[idx], h.spammers[idx], color=SPAM_COLOUR, lw=1.2, label="spammers")
    _day_axis(ax, 0, int(h.hours[-1]))
    ax.set_ylabel("members")
    ax.set_title("Members by role")
    _legend(fig, ncols=5)
    now = h.n_role[-1]
    caption = (
        "now: "
        + ", ".join(f"{v:.0f} {n}" for n, v in zip(ROLE_NAMES, now, strict=True))
        + f" ({h.members[-1]:.0f} members, {h.spammers[-1]:.0f} spammers)"
    )
    return fig, caption


def exits_figure(model: LiveModel) -> tuple[Figure, str]:
    """Members in the group and exits so far by cause (stacked), over the whole run."""
    h = model.history
    idx = thin(h.n)
    fig, ax = _figure()
    exits = h.exits[idx]
    shown = [c for c in range(len(CAUSE_NAMES)) if h.exits[-1, c] > 0]
    if shown:
        ax.stackplot(
            h.hours[idx],
            *exits[:, shown].T,
            labels=[f"left: {CAUSE_NAMES[c]}" for c in shown],
            colors=[CAUSE_COLOURS[CAUSE_NAMES[c]] for c in shown],
            step="post",
            alpha=0.85,
        )
    ax.plot(h.hours[idx], h.members[idx], color="black", lw=1.8, label="members")
    _day_axis(ax, 0, int(h.hours[-1]))
    ax.set_ylabel("people")
    ax.set_title("Members, and exits so far by cause")
    _legend(fig, ncols=4)
    ax.set_ylim(0, max(h.members.max(), h.exits[-1].sum(), 1) * 1.25)
    total = h.exits[-1]
    caption = f"{h.members[-1]:.0f} members; left so far: {total.sum():.0f}" + (
        " (" + ", ".join(f"{CAUSE_NAMES[c]} {total[c]:.0f}" for c in shown) + ")" if shown else ""
    )
    return fig, caption


# ------------------------------------------------------------------ network


class InviteLayout:
    """Stable positions of members in the invitation network, one row per slot.

    The founding group is laid out once by a spring layout of the invitation tree with
    the operator at the centre; a member who joins later is placed next to whoever
    invited them (or, invited by the operator, at the rim), so nobody jumps around.
    """

    def __init__(self, seed: int = 0):
        self.pos = np.zeros((0, 2))
        self.rng = np.random.default_rng(seed)

    def update(self, inviter: np.ndarray) -> np.ndarray:
        """Positions for slots ``0..len(inviter)-1``; only new slots are placed.

        Args:
            inviter: each slot's inviter (-1 = the operator).
        """
        n, have = inviter.size, self.pos.shape[0]
        if n <= have:
            return self.pos[:n]
        if have == 0:
            g = nx.Graph()
            g.add_node(-1)
            g.add_edges_from((int(s), int(i)) for s, i in enumerate(inviter))
            start = {-1: (0.0, 0.0)}
            layout = nx.spring_layout(
                g, seed=int(self.rng.integers(2**31)), pos=start, fixed=[-1], iterations=60
            )
            pos = np.array([layout[s] for s in range(n)])
            pos /= max(np.abs(pos).max(), 1e-9)
            self.pos = pos
            return self.pos
        new = np.zeros((n - have, 2))
        for k, slot in enumerate(range(have, n)):
            inv = int(inviter[slot])
            angle = self.rng.uniform(0, 2 * np.pi)
            if inv < 0 or inv >= slot:
                new[k] = 1.05 * np.array([np.cos(angle), np.sin(angle)])
            else:
                base = self.pos[inv] if inv < have else new[inv - have]
                out = base / (np.linalg.norm(base) + 1e-9)
                new[k] = base + 0.12 * out + 0.07 * np.array([np.cos(angle), np.sin(angle)])
        self.pos = np.vstack([self.pos, new])
        return self.pos


def network_figure(model: LiveModel, layout: InviteLayout) -> tuple[Figure, str]:
    """Who invited whom: members coloured by role, sized by messages; leavers fade out.

    A member who left stays as a small cross in the colour of their exit cause, their
    tie drawn faint, so a departure is visible where it happened.
    """
    m = model.members
    n = m.n
    inviter = m.inviter[:n]
    pos = layout.update(inviter)
    present = m.present[:n]
    fig = Figure(figsize=(6.4, 3.6), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    # ties to the inviter: member to member in grey, faint once either has left; the
    # operator (at the centre) to the members it brought in, fainter still
    by_operator = inviter < 0
    ends = np.where(by_operator[:, None], 0.0, pos[np.maximum(inviter, 0)])
    both = present & (by_operator | present[np.maximum(inviter, 0)])
    grey = np.select(
        [by_operator & both, both], [0.88, 0.55], default=0.92
    )  # lightness of each tie
    ax.add_collection(
        LineCollection(
            np.stack([pos, ends], axis=1),
            colors=np.repeat(grey[:, None], 3, axis=1),
            linewidths=np.where(both & ~by_operator, 0.8, 0.5),
            zorder=1,
        )
    )
    ax.scatter([0], [0], marker="*", s=180, color=OPERATOR_COLOUR, zorder=3)
    msgs = m.messages[:n]
    roles = m.role[:n]
    sizes = 12 + 6 * np.sqrt(msgs)
    here = np.flatnonzero(present)
    ax.scatter(
        pos[here, 0],
        pos[here, 1],
        s=sizes[here],
        c=[ROLE_COLOURS[ROLE_NAMES[r]] for r in roles[here]],
        edgecolors="white",
        linewidths=0.4,
        zorder=3,
        gid="members",
    )
    gone = np.flatnonzero(~present)
    if gone.size:
        causes = m.exit_cause[:n][gone]
        ax.scatter(
            pos[gone, 0],
            pos[gone, 1],
            s=22,
            marker="x",
            c=[CAUSE_COLOURS[CAUSE_NAMES[c]] for c in causes],
            linewidths=1.0,
            alpha=0.8,
            zorder=2,
            gid="left",
        )
    handles = [
        Line2D([], [], ls="", marker="o", color=ROLE_COLOURS[r], label=r) for r in ROLE_NAMES
    ]
    handles += [
        Line2D([], [], ls="", marker="*", color=OPERATOR_COLOUR, ms=9, label="operator"),
        Line2D([], [], ls="", marker="x", color="#666666", label="left (cause colour)"),
    ]
    _legend(fig, ncols=6, handles=handles)
    ax.set_title("Who invited whom (size: messages posted)")
    caption = f"{here.size} members in the group, {gone.size} have left; {n} ever joined"
    return fig, caption


# ------------------------------------------------------------------ compare


COMPARE_METRICS = {
    "members": "Members",
    "messages": "Member messages in the last 24 h",
    "exits": "Members who have left (all causes)",
    "revenue": "Revenue so far (yuan)",
}


def compare_series(run: LiveModel, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """(x in days, y) of one ``COMPARE_METRICS`` series of a run.

    Members, messages and exits are hourly (messages as a rolling 24-hour sum of member
    messages); revenue is the daily record's, cumulated, at the end of each day.
    """
    h = run.history
    if metric == "revenue":
        revenue = np.cumsum([0.0] + [r["revenue"] for r in run.records])
        return np.arange(revenue.size, dtype=float), revenue
    if metric == "members":
        y = h.members
    elif metric == "exits":
        y = h.exits.sum(axis=1)
    elif metric == "messages":
        total = np.concatenate([[0.0], np.cumsum(h.msgs_role.sum(axis=1))])
        y = total[1:] - total[np.maximum(np.arange(1, h.n + 1) - 24, 0)]
    else:
        raise ValueError(f"unknown metric {metric!r}; one of {list(COMPARE_METRICS)}")
    idx = thin(h.n)
    return h.hours[idx] / 24, y[idx]


def compare_figure(runs: dict[str, LiveModel], metric: str) -> tuple[Figure, str]:
    """One metric of the compare runs (``PAIR``), one line per policy."""
    fig, ax = _figure()
    last = []
    for policy, run in runs.items():
        x, y = compare_series(run, metric)
        colour = POLICY_COLOURS.get(policy, "#333333")
        ax.plot(x, y, color=colour, lw=1.6, label=run.cfg.policy.label or policy)
        if run.dead:
            ax.axvline(run.t / 24, color=colour, ls=":", lw=1)
        last.append(f"{policy} {y[-1]:.0f}")
    ax.set_title(COMPARE_METRICS[metric])
    ax.set_xlabel("day")
    ax.set_xlim(0, max(1.0, max(run.t for run in runs.values()) / 24))
    ax.set_ylim(bottom=0)
    _legend(fig, ncols=len(runs))
    return fig, f"{metric} now: " + ", ".join(last)


def compare_summary(run: LiveModel) -> str:
    """One line on a compare run: alive or dead, members, exits, revenue."""
    state = run.status
    if run.dead:
        state += f" after {run.lifespan_days} days"
    revenue = sum(r["revenue"] for r in run.records)
    return (
        f"{run.cfg.policy.name}: {state} · {run.n_members} members · "
        f"{run.history.exits[-1].sum():.0f} left · {revenue:.0f} yuan"
    )
