"""Probes: one simulation run reduced to a flat dict of numbers.

``observe`` runs a group to its horizon (``observe_matrix`` a matrix of groups);
``intervene`` runs it to a given hour, applies an intervention (a red packet, an ad
burst, a debate, a fight, or nothing) and counts
what happens in the following hours. Every probe is a pure function of its config and
seed, so a scenario's runs can go to any process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from sim.analysis.intervals import NAN
from sim.config.schema import SimConfig
from sim.core.constants import HOURS_PER_DAY
from sim.core.roles import ROLE_NAMES
from sim.model import GroupModel
from sim.model.matrix import MatrixModel
from sim.model.tactics import COLUMN
from sim.records.matrix import group_tables, matrix_daily_frame, matrix_summary_row
from sim.records.summary import daily_frame, summary_row
from sim.validation.measures import (
    ACTIVITY_WINDOWS,
    LIFE_WINDOWS,
    cumulative,
    invitation_counts,
    participation,
    role_shares,
    silent_share_now,
    weekly_mean,
    window_sums,
)

WEEKLY = (("msgs_spam", False), ("spammers", False), ("msgs_checkins", True))


def observe(cfg: SimConfig, seed: int, snapshot_day: int | None = None) -> dict[str, float]:
    """Run a group to its horizon (or death); return its summary row plus validation figures.

    Args:
        cfg: the configuration (its ``run.days`` is the horizon).
        seed: the run seed.
        snapshot_day: if given, the per-member message counters are copied at the start
            of that day, and the period from then to the horizon is measured with
            ``role_shares`` and ``participation`` (NaN if the group died before the
            horizon).

    Returns:
        ``sim.records.summary.summary_row`` plus: ``thinkers``, ``critics``, ``onlooker_share``,
        ``silent_share`` and the ``participation`` figures (with ``snapshot_day``);
        totals ``msgs_<role>``, ``packet_yuan_member``, ``packet_yuan_operator`` and
        ``critic_msgs_per_day``; ``invites_within5`` and
        ``invites_total`` (``invitation_counts``); ``member_invited`` and ``depth3``
        (members invited by a member, and those at depth >= 3, E4); weekly means
        ``<column>_w1`` and ``_w4`` of spam messages, spammers and check-ins per member;
        ``window_sums`` of every ``LIFE_WINDOWS`` and ``ACTIVITY_WINDOWS`` window.
    """
    m = GroupModel(cfg, seed=seed)
    snap = None
    snap_t = None if snapshot_day is None else snapshot_day * HOURS_PER_DAY
    while m.running:
        m.step()
        if m.t == snap_t:
            n = m.members.n
            snap = (m.members.messages[:n].copy(), m.members.present[:n].copy())
    daily = daily_frame(m)
    row = summary_row(m, daily)
    days = len(daily)
    if snapshot_day is not None:
        complete = snap is not None and days == cfg.run.days
        if complete:
            row |= role_shares(daily, snapshot_day, cfg.run.days - 1)
        else:
            row |= role_shares(daily.iloc[:0], 0, 0)
        n = m.members.n
        part = participation(*snap, m.members.messages[:n], m.members.present[:n]) if snap else {}
        keys = ("posted_share", "top_share_k", "top10_posters_share", "posters_cv", "posters")
        for k in keys:
            row[k] = part.get(k, NAN) if complete else NAN
    for col in (*(f"msgs_{r}" for r in ROLE_NAMES), "packet_yuan_member", "packet_yuan_operator"):
        row[col] = float(daily[col].sum())
    row["critic_msgs_per_day"] = row["msgs_critic"] / max(days, 1)
    mt, n = m.members, m.members.n
    row["invites_within5"], row["invites_total"] = invitation_counts(
        mt.joined_day[:n], mt.first_invite_day[:n], days
    )
    invited = mt.inviter[:n] >= 0
    row["member_invited"] = int(invited.sum())
    row["depth3"] = int((mt.depth[:n][invited] >= 3).sum())
    for window in (*LIFE_WINDOWS, *ACTIVITY_WINDOWS):  # a group's life (003, 001)
        row |= window_sums(daily, window)
    for col, per in WEEKLY:
        name = f"{col}_per_member" if per else col
        for week in (1, 4):
            row[f"{name}_w{week}"] = weekly_mean(daily, col, week, per)
    return row


def _act_packet(m: GroupModel, amount: float = 20.0, shares: int = 20) -> None:
    m.send_packet(amount, shares)


def _act_ads(m: GroupModel, n: int = 30) -> None:
    m.spam_posts(n)


def _act_heat(m: GroupModel, heat: float | None = None) -> None:
    # default: the hottest debate that cannot yet turn into a fight by itself
    m.discussion.heat = m.cfg.behaviour.discussion.fight_threshold if heat is None else heat


def _act_fight(m: GroupModel) -> None:
    m.discussion.fight = 1.0


def _act_none(m: GroupModel) -> None:
    pass


ACTIONS: dict[str, Callable[..., None]] = {
    "none": _act_none,
    "packet": _act_packet,
    "ads": _act_ads,
    "heat": _act_heat,
    "fight": _act_fight,
}
WINDOW_KEYS = ("msgs_members", "msgs_thanks", "exits_ads", "exits_fight", "mutes")


def intervene(
    cfg: SimConfig,
    seed: int,
    day: int,
    hour: int,
    action: str = "none",
    windows: Sequence[tuple[int, int]] = ((0, 6),),
    args: Mapping[str, object] | None = None,
) -> dict[str, float]:
    """Run to ``day``/``hour``, apply ``action``, and count what follows, hour by hour.

    The same config and seed with ``action="none"`` is the paired control: both runs are
    identical up to the intervention (a controlled experiment, as in
    ``tests/test_mechanisms.py``).

    Args:
        cfg: the configuration.
        seed: the run seed.
        day: day of the intervention.
        hour: hour of the day; the intervention happens just before that hour's tick.
        action: a key of ``ACTIONS``: ``packet`` (``amount``, ``shares``), ``ads``
            (``n``), ``heat`` (``heat``; default ``behaviour.discussion.fight_threshold``),
            ``fight`` (intensity 1) or ``none``.
        windows: (start, end) hour offsets from the intervention.
        args: the action's settings.

    Returns:
        ``alive``: 1 if the group was alive at the intervention (else everything else is
        missing); for each window ``<key>_<start>_<end>``: the counters ``WINDOW_KEYS``
        summed over its hours; ``silent_share_<end>``: silent share of present members
        at its end.
    """
    m = GroupModel(cfg, seed=seed)
    tick = day * HOURS_PER_DAY + hour
    while m.running and m.t < tick:
        m.step()
    if not m.running:
        return {"alive": 0}
    ACTIONS[action](m, **(args or {}))
    marks = sorted({o for w in windows for o in w})
    totals, silent = {}, {}
    for offset in range(marks[-1] + 1):
        if offset in marks:
            totals[offset] = cumulative(m, WINDOW_KEYS)
            silent[offset] = silent_share_now(m)
        if offset < marks[-1] and m.running:
            m.step()
    row: dict[str, float] = {"alive": 1}
    for a, b in windows:
        for k in WINDOW_KEYS:
            row[f"{k}_{a}_{b}"] = totals[b][k] - totals[a][k]
        row[f"silent_share_{b}"] = silent[b]
    return row


def observe_matrix(
    cfg: SimConfig,
    seed: int,
    flood_group: str = "",
    flood_day: int = 0,
    ads: int = 0,
    window_days: int = 7,
) -> dict[str, float]:
    """Run a matrix; return its summary row, and what an ad flood in one group did.

    With ``flood_group``, ``ads`` spam ads are posted into that group at the start of
    matrix day ``flood_day`` (``ads=0``: the paired control, identical up to then), and
    the exits of the following ``window_days`` days are counted per member present the
    evening before: ``flood_self_exits`` in that group, ``flood_other_exits`` in the
    matrix's other groups alive then (pooled). Missing if the flooded group was dead.
    """  # fmt: skip
    mx = MatrixModel(cfg, seed=seed)
    target = None
    while mx.running:
        if flood_group and mx.day == flood_day:
            target = next((g for g in mx.groups if g.gid == flood_group and g.alive), None)
            if target is not None and ads:
                target.model.spam_posts(ads)
        mx.step()
    daily = matrix_daily_frame(mx)
    groups_daily, groups = group_tables(mx)
    row = matrix_summary_row(mx, daily, groups)
    if flood_group:
        row["flood_self_exits"] = row["flood_other_exits"] = NAN
    if target is not None:
        ex, mem = np.zeros(2), np.zeros(2)
        for gr in mx.groups:
            day0 = flood_day - gr.launch_day
            if day0 < 1 or day0 >= gr.model.days_recorded:  # founded later, or dead by then
                continue
            d = gr.model.daily
            k = 0 if gr is target else 1
            ex[k] += d[day0 : day0 + window_days, COLUMN["exits_total"]].sum()
            mem[k] += d[day0 - 1, COLUMN["members"]]
        row["flood_self_exits"] = ex[0] / mem[0] if mem[0] else NAN
        row["flood_other_exits"] = ex[1] / mem[1] if mem[1] else NAN
    return row


PROBES: dict[str, Callable[..., dict[str, float]]] = {
    "observe": observe, "intervene": intervene, "observe_matrix": observe_matrix,
}  # fmt: skip
