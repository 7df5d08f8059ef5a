"""Daily check-in (签到), optional or mandatory; it spreads by example (001, 002)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.core.feed import Channel
from sim.core.roles import Role
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.checkins"


@dataclass
class CheckinsConfig:
    """Settings of the daily check-in."""

    hour: int = param(7, unit="hour", source=SETTING, lo=0, hi=23, doc="hour of the check-in call")
    base: float = param(
        0.05,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="P(a follower checks in) when nobody else does, x interest",
    )
    contagion: float = param(
        0.5,
        unit="[0-1]",
        source="002",
        lo=0.0,
        hi=1.0,
        doc="extra P per share of members who checked in at the last call",
    )
    habit: float = param(
        0.01,
        unit="[0-1]",
        source='002 ("slowly drawn in")',
        lo=0.0,
        hi=1.0,
        doc="interest gained per check-in",
    )
    mandatory: bool = param(
        False, unit="bool", source="002", doc="imposed: missing it draws a rebuke"
    )

    def __post_init__(self):
        check_fields(self, P)


class Checkins(Tactic):
    """Members who follow the group check in with a probability that grows with example.

    Check-in draws are the members' own choices, so they use the behaviour stream.
    """

    name = "checkins"
    Config = CheckinsConfig
    counters = ("msgs_checkins",)  # check-ins posted (also counted in msgs_members)

    def __init__(self, cfg: CheckinsConfig):
        super().__init__(cfg)
        self.last_share = 0.0

    def hours_today(self, model: Operator):  # noqa: D102
        return (self.cfg.hour,)

    def act(self, model: Operator):  # noqa: D102
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
