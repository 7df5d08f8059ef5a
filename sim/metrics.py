"""Per-run records: the daily table and the one-row summary (design.md: record vs report)."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.hazards import CAUSE_NAMES
from sim.roles import ROLE_NAMES

if TYPE_CHECKING:
    from sim.model import GroupModel

# Daily counters, reset each day. Units: messages, members, yuan, events.
COUNTERS = (
    ["msgs_members", "msgs_operator", "msgs_spam"]
    + [f"msgs_{r}" for r in ROLE_NAMES]
    + ["joins", "mutes", "unmutes"]
    + [f"exits_{c}" for c in CAUSE_NAMES]
    + ["packets_operator", "packets_member", "packet_yuan_operator", "packet_yuan_member"]
    + ["grabs", "msgs_thanks", "msgs_checkins", "ads_operator", "ads_spam", "spammers_kicked"]
    + ["fights", "fights_defused"]
    + ["meetup_attendees", "purchases", "revenue_sales", "revenue_fees"]
)
# Daily state columns, filled at the end of each day.
STATE = (
    ["day", "members", "spammers", "readers", "active_members"]
    + [f"n_{r}" for r in ROLE_NAMES]
    + ["exits_total", "msgs_total", "revenue", "satisfaction_mean", "trust_mean", "interest_mean"]
)
DAILY_COLUMNS = STATE + COUNTERS
# Column index of each daily column. The engine keeps today's counters in a row of this
# width and copies it into the daily table at the end of the day.
Col = IntEnum("Col", [(name, i) for i, name in enumerate(DAILY_COLUMNS)])
# Columns in yuan or means; every other column is a count.
FLOAT_COLUMNS = {
    "revenue", "revenue_sales", "revenue_fees", "packet_yuan_operator", "packet_yuan_member",
    "satisfaction_mean", "trust_mean", "interest_mean",
}  # fmt: skip
COUNT_COLUMNS = [c for c in DAILY_COLUMNS if c not in FLOAT_COLUMNS]


def daily_frame(model: GroupModel) -> pd.DataFrame:
    """One row per simulated day, columns in ``DAILY_COLUMNS`` order."""
    df = pd.DataFrame(model.daily[: model.days_recorded], columns=DAILY_COLUMNS)
    return df.astype(dict.fromkeys(COUNT_COLUMNS, "int64"))


def summary_row(model: GroupModel, daily: pd.DataFrame) -> dict:
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
        "packet_return_ratio": _ratio(daily["packet_yuan_member"], daily["packet_yuan_operator"]),
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
