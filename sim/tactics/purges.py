"""Purges of inactive "zombie fans" (000), which also breed fear (002)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.feed import Channel
from sim.hazards import Cause
from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.purges"


@dataclass
class PurgesConfig:
    """Settings of purges."""

    every_days: int = 30  # a purge every this many days (000: "regularly")
    inactive_days: int = 14  # members who posted nothing this long are candidates
    max_share: float = 0.15  # at most this share of members per purge
    hour: int = 10
    fear: float = 2.0  # rule-resentment units a purge posts per purged share x 10 (002)

    def __post_init__(self):
        check_range(f"{P}.every_days", self.every_days, 1, 3650)
        check_range(f"{P}.inactive_days", self.inactive_days, 1, 3650)
        check_range(f"{P}.max_share", self.max_share, 0.0, 1.0)
        check_range(f"{P}.hour", self.hour, 0, 23)
        check_range(f"{P}.fear", self.fear, 0.0, 100.0)


class Purges(Tactic):
    """Removes the longest-inactive members, up to a share of the group."""

    name = "purges"
    Config = PurgesConfig

    def hours_today(self, model):  # noqa: D102
        due = model.day > 0 and model.day % self.cfg.every_days == 0
        return (self.cfg.hour,) if due else ()

    def act(self, model):  # noqa: D102
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
        model.add_to_channel(Channel.RULES, c.fear * 10 * k / idx.size)
