"""Layout of the daily table: the columns the engine fills, by name and by index.

The engine keeps today's counters in one float row and copies it into the daily table
when the day closes; ``Col`` gives each column's index in that row. Tactics may declare
further counters of their own (``Tactic.counters``); the model appends them after these
(``sim.model.tactics.DAILY_COLUMNS``), so the engine's indices never move.
"""

from __future__ import annotations

from enum import IntEnum

from sim.core.causes import CAUSE_NAMES, Cause
from sim.core.roles import N_ROLES, ROLE_NAMES

# State columns, filled at the end of each day. Units: members, messages, yuan, [0-1].
STATE = (
    ["day", "members", "spammers", "readers", "active_members"]
    + [f"n_{r}" for r in ROLE_NAMES]
    + ["exits_total", "msgs_total", "revenue", "satisfaction_mean", "trust_mean", "interest_mean"]
)
# Counters, reset each day. Units: messages, members, yuan, events.
COUNTERS = (
    ["msgs_members", "msgs_operator", "msgs_spam"]
    + [f"msgs_{r}" for r in ROLE_NAMES]
    + ["joins", "mutes", "unmutes"]
    + [f"exits_{c}" for c in CAUSE_NAMES]
    + ["packets_operator", "packets_member", "packet_yuan_operator", "packet_yuan_member"]
    + ["grabs", "msgs_thanks", "ads_operator", "ads_spam", "spammers_kicked"]
    + ["fights", "fights_defused"]
    + ["purchases", "revenue_sales", "revenue_fees"]
)
ENGINE_COLUMNS = tuple(STATE + COUNTERS)
# Column index of each engine column in today's row and in the daily table.
Col = IntEnum("Col", [(name, i) for i, name in enumerate(ENGINE_COLUMNS)])
# Columns in yuan or means; every other column is a count.
FLOAT_COLUMNS = frozenset({
    "revenue", "revenue_sales", "revenue_fees", "packet_yuan_operator", "packet_yuan_member",
    "satisfaction_mean", "trust_mean", "interest_mean",
})  # fmt: skip

# The engine writes per-role and per-cause columns as first column + role or cause.
for _first, _names in (("n_", ROLE_NAMES), ("msgs_", ROLE_NAMES), ("exits_", CAUSE_NAMES)):
    _start = Col[_first + _names[0]]
    assert [Col[_first + n] for n in _names] == list(range(_start, _start + len(_names)))
assert len(ROLE_NAMES) == N_ROLES and len(CAUSE_NAMES) == len(Cause)
