"""Measurements: one run, or the runs of a scenario, reduced to figures and estimates.

An :class:`Estimate` is a measured value with its 95% interval, how it was made and how
the table shows it. The functions here measure a model or its daily table
(``role_shares``, ``participation``, ``invitation_counts``, ``weekly_mean``,
``cumulative``) and a population of lifespans (``km_share``, ``lifespan_mixture``); the
intervals themselves are ``sim.analysis.intervals``'s and the Kaplan-Meier estimates
``sim.analysis.survival``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.intervals import NAN, wilson_ci
from sim.analysis.survival import km_curve, km_survival
from sim.core.roles import Role
from sim.model import GroupModel


@dataclass(frozen=True)
class Estimate:
    """A measured value with its 95% interval.

    Attributes:
        value: the point estimate (NaN when it cannot be measured).
        low, high: the interval (NaN when there is none).
        method: how the interval was made (``"t"``, ``"Wilson"``, ``"bootstrap"``, ``"KM"``).
        n: runs (or pairs of runs) it rests on.
        p: p-value of the comparison's test, if any (log-rank), else NaN.
        bound: ``"="`` for a value, ``">"`` when the true value is only known to exceed
            ``value`` (a Kaplan-Meier median not reached by the horizon), ``"<"`` when it
            is only known to be below it.
        text: how the table shows it.
    """

    value: float
    low: float = NAN
    high: float = NAN
    method: str = ""
    n: int = 0
    p: float = NAN
    bound: str = "="
    text: str = ""


def km_share(lifespan_days, censored, day: int, dead: bool = False) -> Estimate:
    """Share of groups alive after ``day`` days (or, with ``dead``, that died by then).

    When no group was censored before ``day`` (every run was followed that long) the
    Kaplan-Meier estimate is a plain proportion of independent runs and the interval is
    Wilson's; otherwise it is the Kaplan-Meier log-log band (``sim.analysis.survival.km_curve``).
    When every run was censored before ``day`` nothing can be said: NaN.
    """
    t = np.asarray(lifespan_days, dtype=float)
    c = np.asarray(censored, dtype=bool)
    n = t.size
    if n == 0 or (t.max() < day and c[t == t.max()].any()):
        return Estimate(NAN, method="KM", n=n, text=f"n/a (follow-up < {day} d)")
    s = km_survival(t, c, day)
    if not (c & (t < day)).any():
        dead_n = int(((t <= day) & ~c).sum())
        k = dead_n if dead else n - dead_n
        low, high = wilson_ci(k, n)
        value, method = k / n, "Wilson"
    else:
        curve = km_curve(t, c)
        row = curve[curve["day"] <= day].iloc[-1]
        low, high = (1 - row["high"], 1 - row["low"]) if dead else (row["low"], row["high"])
        value, method = (1 - s if dead else s), "KM"
    return Estimate(value, low, high, method, n, text=ci_text(value, low, high, 2))


def lifespan_mixture(
    lifespan_days, censored, days: Sequence[tuple[str, int, bool]] | None = None
) -> dict[str, Estimate]:
    """The E1/E5 lifespan figures of a population of groups.

    Args:
        lifespan_days: lifespan of each group (horizon for censored groups).
        censored: True where the group was alive at the horizon.
        days: (name, day, dead) triples; default ``dead_by_7``, ``alive_after_30``,
            ``dead_by_90``, ``alive_at_365``.

    Returns:
        ``{name: Estimate}`` from ``km_share``.
    """
    days = days or (
        ("dead_by_7", 7, True),
        ("alive_after_30", 30, False),
        ("dead_by_90", 90, True),
        ("alive_at_365", 365, False),
    )
    return {name: km_share(lifespan_days, censored, d, dead) for name, d, dead in days}


def fmt(v: float, digits: int) -> str:
    """A number to ``digits`` decimals, or ``n/a``."""
    if v is None or not np.isfinite(v):
        return "n/a"
    return f"{v:.{digits}f}"


def ci_text(value: float, low: float, high: float, digits: int, unit: str = "") -> str:
    """``value (low to high)`` as the validation table shows an estimate."""
    if not np.isfinite(value):
        return "n/a"
    ci = f" ({fmt(low, digits)} to {fmt(high, digits)})" if np.isfinite(low) else ""
    return f"{fmt(value, digits)}{unit}{ci}"


def cumulative(model: GroupModel, keys: Sequence[str]) -> dict[str, float]:
    """Totals of daily counters so far, today's hours included."""
    return {k: float(sum(r[k] for r in model.records) + model.today[k]) for k in keys}


def silent_share_now(model: GroupModel) -> float:
    """Share of present members who are silent (muted), at this hour."""
    idx = model.members.present_idx()
    return float((model.members.role[idx] == Role.SILENT).mean()) if idx.size else NAN


def role_shares(daily: pd.DataFrame, first_day: int, last_day: int) -> dict[str, float]:
    """Role composition averaged over days ``first_day .. last_day`` (inclusive).

    Returns:
        ``thinkers``, ``critics`` (mean headcounts) and ``onlooker_share``,
        ``silent_share`` (mean daily share of present members); NaNs unless the group
        was alive on every one of those days.
    """
    window = daily[(daily["day"] >= first_day) & (daily["day"] <= last_day)]
    out = dict.fromkeys(["thinkers", "critics", "onlooker_share", "silent_share"], NAN)
    if len(window) < last_day - first_day + 1 or (window["members"] <= 0).any():
        return out
    members = window["members"].to_numpy(float)
    out["thinkers"] = float(window["n_thinker"].mean())
    out["critics"] = float(window["n_critic"].mean())
    out["onlooker_share"] = float((window["n_onlooker"] / members).mean())
    out["silent_share"] = float((window["n_silent"] / members).mean())
    return out


# Windows of a group's life (days [a, b)): roles at four ages (003), and the first two
# months against days 300-364 for activity that ages (001, 000)
LIFE_WINDOWS = ((30, 60), (180, 210), (335, 365), (700, 730))
ACTIVITY_WINDOWS = ((0, 60), (300, 365))
WINDOW_SUMS = ("members", "n_silent", "n_onlooker", "msgs_members")


def window_sums(daily: pd.DataFrame, window: tuple[int, int]) -> dict[str, float]:
    """Daily ``WINDOW_SUMS`` summed over days [a, b) of ``window``, keyed ``w<a>_<column>``.

    NaN unless the group was alive on every day of the window, so a figure about groups
    "alive in the window" pools only those.
    """
    a, b = window
    w = daily[(daily["day"] >= a) & (daily["day"] < b)]
    alive = len(w) == b - a
    return {f"w{a}_{c}": float(w[c].sum()) if alive else NAN for c in WINDOW_SUMS}


def top_share(counts, k: int) -> float:
    """Share of the total held by the ``k`` largest counts (NaN when the total is 0)."""
    a = np.sort(np.asarray(counts, dtype=float))[::-1]
    total = a.sum()
    return float(a[:k].sum() / total) if total > 0 else NAN


def participation(
    before_msgs, before_present, after_msgs, after_present, top: int = 5, top_frac: float = 0.10
) -> dict[str, float]:
    """Who posted in a period, from two snapshots of the per-member message counters.

    Args:
        before_msgs: ``members.messages`` at the start of the period (slots that joined
            later are missing: they count as 0 messages).
        before_present: ``members.present`` at the start (missing slots: absent).
        after_msgs: ``members.messages`` at the end of the period.
        after_present: ``members.present`` at the end.
        top: the "most active" headcount of ``top_share_k`` (003: 4-5 people talk).
        top_frac: the top share of posters for ``top10_posters_share`` (E7: 10%).

    Returns:
        ``posted_share``: among members present at both snapshots, the share who posted
        at least once in the period (E6); ``msgs``: member messages in the period (all
        slots, leavers and joiners included); ``top_share_k``: share of them by the
        ``top`` most active members (003); ``top10_posters_share``: share by the top
        ``top_frac`` of those who posted (at least one; E7); ``posters_cv``: coefficient
        of variation of messages per poster (heavy tail: > 1; an exponential or
        geometric distribution has CV <= 1); ``posters``: members who posted.
    """
    after = np.asarray(after_msgs, dtype=float)
    before = np.zeros_like(after)
    before[: len(before_msgs)] = before_msgs
    was = np.zeros(after.size, dtype=bool)
    was[: len(before_present)] = before_present
    delta = after - before
    stay = was & np.asarray(after_present, dtype=bool)
    posters = delta[delta > 0]
    out = {
        "posted_share": float((delta[stay] > 0).mean()) if stay.any() else NAN,
        "stayers": int(stay.sum()),
        "msgs": float(delta.sum()),
        "posters": int(posters.size),
        "top_share_k": top_share(delta, top),
        "top10_posters_share": top_share(posters, max(1, round(top_frac * posters.size))),
        "posters_cv": float(posters.std() / posters.mean()) if posters.size > 1 else NAN,
    }
    return out


def invitation_counts(
    joined_day, first_invite_day, days_run: int, within: int = 5, follow_up: int = 30
) -> tuple[int, int]:
    """First invitations that came within ``within`` days of joining (E3).

    Members who joined in the last ``follow_up`` days of the run are left out: their late
    first invitations could not be seen, which would bias the share upwards.

    Returns:
        (within, total): members with a successful first invitation sent less than
        ``within`` days after joining, and all members with one.
    """
    joined = np.asarray(joined_day)
    first = np.asarray(first_invite_day)
    ok = (first >= 0) & (joined <= days_run - follow_up)
    return int(((first - joined)[ok] < within).sum()), int(ok.sum())


def weekly_mean(daily: pd.DataFrame, column: str, week: int, per_member: bool = False) -> float:
    """Mean of a daily column over week ``week`` (1 = days 0-6), or of column / members.

    NaN unless the group was alive on all seven days.
    """
    rows = daily[(daily["day"] >= 7 * (week - 1)) & (daily["day"] < 7 * week)]
    if len(rows) < 7:
        return NAN
    values = rows[column] / rows["members"].clip(lower=1) if per_member else rows[column]
    return float(values.mean())
