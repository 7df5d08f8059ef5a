"""Daily check-in (签到), optional or mandatory; it spreads by example (001, 002)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.feed import Channel
from sim.roles import Role
from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.checkins"


@dataclass
class CheckinsConfig:
    """Settings of the daily check-in."""

    hour: int = 7  # hour of the check-in call
    base: float = 0.05  # P(a following member checks in) with nobody else doing it
    contagion: float = 0.5  # extra P per share of members who checked in yesterday (002)
    habit: float = 0.01  # interest gained per check-in (002: "slowly drawn in")
    mandatory: bool = False  # imposed: missing it draws a rebuke (002)

    def __post_init__(self):
        check_range(f"{P}.hour", self.hour, 0, 23)
        for name in ("base", "contagion", "habit"):
            check_range(f"{P}.{name}", getattr(self, name), 0.0, 1.0)


class Checkins(Tactic):
    """Members who follow the group check in with a probability that grows with example."""

    name = "checkins"
    Config = CheckinsConfig

    def __init__(self, cfg):
        super().__init__(cfg)
        self.last_share = 0.0

    def hours_today(self, model):  # noqa: D102
        return (self.cfg.hour,)

    def act(self, model):  # noqa: D102
        c, m = self.cfg, model.members
        idx = m.present_idx()
        idx = idx[m.role[idx] != Role.SILENT]
        if idx.size == 0:
            return
        # shared-value rules strengthen the pull of others' example (002)
        pull = c.contagion * (1.0 + model.effects.contagion) * self.last_share
        p = min(1.0, c.base + pull) * m.interest[idx]
        done = idx[model.rng.random(idx.size) < p]
        self.last_share = done.size / idx.size
        m.interest[done] = np.minimum(1.0, m.interest[done] + c.habit)
        model.member_posts(done, np.ones(done.size), noise=1.0)
        model.today["msgs_checkins"] += done.size
        if c.mandatory:
            model.add_to_channel(Channel.RULES, 1.0 - self.last_share)
