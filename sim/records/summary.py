"""A run's records: the daily table (one row per day) and the summary row (one per run).

Daily series are for plots, summary rows for grids and statistics (agentpy's record and
report). Both are built from a finished model through :class:`RunState`, the part of
``GroupModel`` they read.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from sim.core.causes import CAUSE_NAMES
from sim.model.lifecycle import TRAIT_NAMES, GroupTraits
from sim.model.population import MemberTable
from sim.model.tactics import COUNT_COLUMNS, DAILY_COLUMNS


class RunState(Protocol):
    """What the records read of a model at the end of a run."""

    seed: int
    members: MemberTable
    members_start: int
    traits: GroupTraits
    daily: np.ndarray  # one row per day, DAILY_COLUMNS

    @property
    def days_recorded(self) -> int: ...  # noqa: D102
    @property
    def dead(self) -> bool: ...  # noqa: D102
    @property
    def lifespan_days(self) -> int | None: ...  # noqa: D102
    @property
    def members_peak(self) -> int: ...  # noqa: D102
    @property
    def n_members(self) -> int: ...  # noqa: D102


def daily_frame(model: RunState) -> pd.DataFrame:
    """One row per simulated day, columns in ``DAILY_COLUMNS`` order."""
    df = pd.DataFrame(model.daily[: model.days_recorded], columns=list(DAILY_COLUMNS))
    return df.astype(dict.fromkeys(COUNT_COLUMNS, "int64"))


def summary_row(model: RunState, daily: pd.DataFrame) -> dict:
    """One summary row per run: lifespan (censored), sizes, activity, exits, revenue.

    Participation figures compare with E6-E8 and invitation figures with E3-E4.
    """
    m = model.members
    n = m.n
    msgs = m.messages[:n]
    days = len(daily)
    row = {
        "seed": model.seed,
        "lifespan_days": model.lifespan_days if model.dead else days,
        "censored": not model.dead,
        "days_run": days,
        "members_start": model.members_start,
        "members_peak": model.members_peak,
        "members_end": model.n_members,
        "members_ever": n,
        "msgs_total": int(daily["msgs_total"].sum()),
        "msgs_members": int(daily["msgs_members"].sum()),
        "msgs_operator": int(daily["msgs_operator"].sum()),
        "msgs_spam": int(daily["msgs_spam"].sum()),
        "msgs_per_day": float(daily["msgs_members"].mean()) if days else 0.0,
        "active_members_mean": float(daily["active_members"].mean()) if days else 0.0,
        "joins": int(daily["joins"].sum()) - model.members_start,
        "mutes": int(daily["mutes"].sum()),
        "fights": int(daily["fights"].sum()),
        "packets_operator": int(daily["packets_operator"].sum()),
        "packets_member": int(daily["packets_member"].sum()),
        "packet_yuan_operator": float(daily["packet_yuan_operator"].sum()),
        "packet_return_ratio": _ratio(daily["packet_yuan_member"], daily["packet_yuan_operator"]),
        "ads_operator": int(daily["ads_operator"].sum()),  # the operator's selling posts
        "revenue_sales": float(daily["revenue_sales"].sum()),
        "revenue_fees": float(daily["revenue_fees"].sum()),
        "revenue": float(daily["revenue"].sum()),
        "silent_share_end": float(daily["n_silent"].iloc[-1] / max(daily["members"].iloc[-1], 1))
        if days
        else 0.0,
        # E6: share of members who never posted; top 10% / top 1% share of messages (E6, E7)
        "never_posted_share": float((msgs == 0).mean()) if n else 0.0,
        "top10_share": _top_share(msgs, 0.10),
        "top1_share": _top_share(msgs, 0.01),
    }
    for c in CAUSE_NAMES:
        row[f"exits_{c}"] = int(daily[f"exits_{c}"].sum())
    row["exits_total"] = sum(row[f"exits_{c}"] for c in CAUSE_NAMES)
    invited = m.inviter[:n] >= 0
    row["invite_depth3_share"] = float((m.depth[:n][invited] >= 3).mean()) if invited.any() else 0.0
    inviters = m.first_invite_day[:n] >= 0
    late = m.first_invite_day[:n][inviters] - m.joined_day[:n][inviters]
    row["first_invite_within_5d"] = float((late < 5).mean()) if inviters.any() else float("nan")
    for name, value in zip(TRAIT_NAMES, model.traits, strict=True):  # the group's own traits
        row[f"trait_{name}"] = float(value)
    return row


def _top_share(msgs: np.ndarray, q: float) -> float:
    total = msgs.sum()
    if total == 0:
        return 0.0
    k = max(1, int(round(q * msgs.size)))
    return float(np.sort(msgs)[::-1][:k].sum() / total)


def _ratio(a: pd.Series, b: pd.Series) -> float:
    den = float(b.sum())
    return float(a.sum()) / den if den else float("nan")
