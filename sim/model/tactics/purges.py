"""Purges of inactive "zombie fans" (000), which also breed fear (002)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import SETTING, check_fields, param
from sim.core.causes import Cause
from sim.core.feed import Channel
from sim.model.tactics.base import Operator, Schedule, Tactic

P = "policy.tactics.purges"
FEAR_SCALE = 10.0  # rule-resentment units per unit of fear x purged share (assumption)


@dataclass
class PurgesConfig:
    """Settings of purges."""

    every_days: int = param(
        30,
        unit="days",
        source='000 ("regularly")',
        lo=1,
        hi=3650,
        doc="a purge every this many days (the first on that day)",
    )
    inactive_days: int = param(
        14,
        unit="days",
        source=SETTING,
        lo=1,
        hi=3650,
        doc="members who posted nothing this long are candidates",
    )
    max_share: float = param(
        0.15,
        unit="[0-1]",
        source=SETTING,
        lo=0.0,
        hi=1.0,
        doc="at most this share of members per purge",
    )
    hour: int = param(10, unit="hour", source=SETTING, lo=0, hi=23, doc="hour of the purge")
    fear: float = param(
        2.0,
        unit="resentment units",
        source="002",
        lo=0.0,
        hi=100.0,
        doc=f"resentment a purge posts per purged share x {FEAR_SCALE:g}",
    )

    def __post_init__(self):
        check_fields(self, P)


class Purges(Tactic):
    """Removes the longest-inactive members, up to a share of the group."""

    name = "purges"
    Config = PurgesConfig

    def __init__(self, cfg: PurgesConfig):
        super().__init__(cfg)
        self.schedule = Schedule(every_days=cfg.every_days, first_day=cfg.every_days)

    def hours_today(self, model: Operator):  # noqa: D102
        return (self.cfg.hour,) if self.schedule.times(model.day) else ()

    def act(self, model: Operator):  # noqa: D102
        c, m = self.cfg, model.members
        idx = m.present_idx()
        last = np.maximum(m.last_post_day[idx], m.joined_day[idx])
        stale = idx[model.day - last >= c.inactive_days]
        k = min(stale.size, int(c.max_share * idx.size))
        if k == 0:
            return
        order = np.argsort(last[np.isin(idx, stale)], kind="stable")[:k]
        for i in stale[order]:
            model.remove_member(int(i), Cause.PURGED)
        model.add_to_channel(Channel.RULES, c.fear * FEAR_SCALE * k / idx.size)
