"""Strategies in plain words, the search's front figure, and its report.

A found strategy is read by operators, so :func:`describe` says what the operator does
("sell 0.4 posts/day from day 60; a 10-yuan packet on holidays only; ...") from its
tactic settings, one phrase per tactic, in the order of ``PHRASES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.strategy import CONSTRAINTS, OBJECTIVES  # noqa: E402
from sim.analysis.survival import format_median  # noqa: E402
from sim.presentation.reports import md_table  # noqa: E402
from sim.presentation.style import DPI, PALETTE, POLICY_COLOURS, STYLE  # noqa: E402


def _n(x: float) -> str:
    """A number as an operator would say it: 0.4, 2, 12.5, 120."""
    if x == int(x):
        return f"{int(x)}"
    return f"{x:.2g}" if abs(x) < 10 else f"{x:.0f}"


def _content(c) -> str:
    kinds = [f"{_n(v)} {k.replace('_', ' ')}" for k, v in c.per_day.items() if v > 0]
    parts = [f"post {', '.join(kinds)} posts/day" if kinds else "no regular posts"]
    if c.holiday_greetings:
        parts.append("holiday greetings")
    if c.chicken_soup_hour >= 0:
        parts.append(f"chicken soup at {c.chicken_soup_hour}:00")
    if c.announcements_per_week > 0:
        parts.append(f"{_n(c.announcements_per_week)} announcements/week")
    return ", ".join(parts)


def _packets(c) -> str:
    when = []
    if c.every_days >= 1:
        when.append(f"every {_n(c.every_days)} days")
    elif c.every_days > 0:
        when.append(f"{_n(1 / c.every_days)} a day")
    if c.on_holidays:
        when.append("on holidays" + (" only" if not when and not c.when_quiet_below else ""))
    if c.when_quiet_below:
        when.append(f"when fewer than {c.when_quiet_below} messages came the day before")
    return f"a {_n(c.amount)}-yuan packet ({c.shares} shares) {' and '.join(when) or 'never'}"


def _sales(c) -> str:
    text = f"sell {_n(c.per_day)} posts/day from day {c.start_day}"
    return text + (f" while members' mean trust >= {c.trust_gate:.2f}" if c.trust_gate else "")


PHRASES: dict[str, Callable[[Any], str]] = {
    "content": _content,
    "sales": _sales,
    "red_packets": _packets,
    "rules": lambda c: f"rules {c.mode} at strictness {c.strictness:.1f}",
    "moderation": lambda c: (
        f"{c.team_size} moderator{'s' if c.team_size != 1 else ''} answering within "
        f"{_n(c.latency_hours)} h"
    ),
    "conversation": lambda c: f"answer {c.reply_share:.0%} of members' posts",
    "prompts": lambda c: (
        f"a discussion question {_n(c.per_week)}/week, steering {c.steer:.0%} of fights away"
    ),
    "meetups": lambda c: f"a meet-up every {c.every_days} days from day {c.first_day}",
    "outreach": lambda c: f"contact {_n(c.per_week)} silent members a week",
    "purges": lambda c: (
        f"every {c.every_days} days purge members silent {c.inactive_days} days "
        f"(at most {c.max_share:.0%})"
    ),
    "invitations": lambda c: (
        f"invite {_n(c.per_day)} people/day for {c.days} days from day {c.start_day} "
        f"({'QR code' if c.channel == 'qr' else 'direct'})"
    ),
    "checkins": lambda c: "daily check-ins" + (" (mandatory)" if c.mandatory else ""),
    "entry_threshold": lambda c: f"screen joiners at strength {c.screening:.1f}",
    "relaunch": lambda c: (
        f"relaunch when activity falls below {c.threshold:.0%} of its best (invite "
        f"{c.invite_wave}, contact {c.contact_share:.0%} of the silent)"
    ),
}


def describe(team_size: int, tactics: Mapping[str, Any]) -> str:
    """A strategy in plain words, from its team size and parsed tactic settings."""
    if not tactics:
        return f"leave the group alone (a team of {team_size})"
    known = [PHRASES[t](tactics[t]) for t in PHRASES if t in tactics]
    other = [t for t in tactics if t not in PHRASES]  # a tactic added later: named
    return "; ".join([*known, *other, f"a team of {team_size}"])


def _colour(name: str, k: int) -> str:
    return POLICY_COLOURS.get(name, PALETTE[k % len(PALETTE)])


def front_figure(
    table: pd.DataFrame, objectives: Sequence[str], path: Path, horizon: int | None = None
) -> Path:
    """The re-evaluated strategies on the fresh seeds, with 95% intervals.

    Two or more objectives: the first two, one point per strategy with its intervals
    on both axes, front strategies numbered by rank and presets named. One objective:
    each strategy's mean and interval, best first. With ``horizon``, a dashed line marks
    the most a restricted mean lifespan can be.
    """
    plt.rcParams.update(STYLE)
    found = table[table["kind"] == "found"]
    presets = table[table["kind"] == "preset"]
    if len(objectives) >= 2:
        x, y = objectives[:2]
        fig, ax = plt.subplots(figsize=(7.5, 5.2))
        for k, (rows, marker) in enumerate(((found, "o"), (presets, "s"))):
            for j, r in enumerate(rows.itertuples()):
                colour = PALETTE[0] if k == 0 else _colour(r.strategy, j)
                xs, ys = getattr(r, x), getattr(r, y)
                ax.errorbar(
                    xs, ys,
                    xerr=[[xs - getattr(r, f"{x}_low")], [getattr(r, f"{x}_high") - xs]],
                    yerr=[[ys - getattr(r, f"{y}_low")], [getattr(r, f"{y}_high") - ys]],
                    fmt=marker, color=colour, ms=6, capsize=2, lw=1,
                    label="found (rank on fresh seeds)" if k == 0 and j == 0 else
                    (r.strategy if k == 1 else None),
                )  # fmt: skip
                text = f"{r.rank}" if k == 0 else r.strategy
                ax.annotate(text, (xs, ys), xytext=(4, 4), textcoords="offset points", fontsize=8)
        if horizon is not None and "lifespan" in (x, y):
            line = ax.axvline if x == "lifespan" else ax.axhline
            line(horizon, color="#999999", ls="--", lw=1, label=f"horizon ({horizon} days)")
        ox, oy = OBJECTIVES[x], OBJECTIVES[y]
        ax.set_xlabel(f"{ox.label} ({ox.unit})")
        ax.set_ylabel(f"{oy.label} ({oy.unit})")
        ax.legend(frameon=False, loc="best")
    else:
        (x,) = objectives
        rows = table.sort_values(x, ascending=True)
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(rows) + 1.5))
        for i, r in enumerate(rows.itertuples()):
            colour = PALETTE[0] if r.kind == "found" else _colour(r.strategy, i)
            mid = getattr(r, x)
            err = [[mid - getattr(r, f"{x}_low")], [getattr(r, f"{x}_high") - mid]]
            ax.errorbar(mid, i, xerr=err, fmt="o", color=colour, capsize=2)
        labels = [f"#{r.rank}" if r.kind == "found" else r.strategy for r in rows.itertuples()]
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlabel(f"{OBJECTIVES[x].label} ({OBJECTIVES[x].unit})")
    ax.set_title("Strategies on fresh seeds (95% intervals)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _ci(r: Mapping, name: str) -> str:
    v, lo, hi = r[name], r[f"{name}_low"], r[f"{name}_high"]
    digits = 0 if abs(v) >= 100 else 1
    return f"{v:,.{digits}f} ({lo:,.{digits}f} to {hi:,.{digits}f})"


def _km(r: Mapping) -> str:
    med = format_median(r["km_median"], bool(r["km_reached"]))
    high = format_median(r["km_high"], bool(r["km_high_reached"]))
    return f"{med} ({r['km_low']:.0f} to {high})"


def strategies_markdown(table: pd.DataFrame, objectives: Sequence[str], limits: Mapping) -> str:
    """The re-evaluated strategies: rank, plain words, fresh numbers with intervals."""
    header = ["rank", "strategy", "what the operator does"]
    header += [f"{OBJECTIVES[o].label} ({OBJECTIVES[o].unit})" for o in objectives]
    header += ["KM median lifespan (days, 95% CI)"]
    header += [f"{CONSTRAINTS[k][0]} ({CONSTRAINTS[k][1]})" for k in CONSTRAINTS]
    rows = []
    for r in table.to_dict(orient="records"):
        row = [str(r["rank"]) if r["kind"] == "found" else "preset", f"`{r['strategy']}`"]
        row.append(r["words"])
        row += [_ci(r, o) for o in objectives]
        row.append(_km(r))
        for k in CONSTRAINTS:
            cell = f"{r[k]:.2f}" if k == "max_selling_share" else f"{r[k]:,.1f}"
            lim = limits.get(k)
            row.append(cell + (" **over**" if lim is not None and r[k] > lim else ""))
        rows.append(row)
    return md_table(header, rows)
