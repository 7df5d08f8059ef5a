"""Moderation: an admin team that defuses fights and kicks spammers (003, 004)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.tactics import Tactic
from sim.validation import check_hours, check_range

P = "policy.tactics.moderation"


@dataclass
class ModerationConfig:
    """Settings of the moderation team."""

    team_size: int = 2  # admins (003: one owner alone is not enough)
    latency_hours: float = 1.0  # mean response time of one on-duty admin [h]
    on_duty: list[int] = field(default_factory=lambda: list(range(8, 24)))  # hours watched

    def __post_init__(self):
        check_range(f"{P}.team_size", self.team_size, 0, 50)
        check_range(f"{P}.latency_hours", self.latency_hours, 0.05, 1000.0)
        check_hours(f"{P}.on_duty", self.on_duty)


class Moderation(Tactic):
    """Each on-duty hour an incident is handled with P = 1 - exp(-team / latency)."""

    name = "moderation"
    Config = ModerationConfig

    def setup(self, model):  # noqa: D102
        c = self.cfg
        model.effects.moderation_rate = -math.expm1(-c.team_size / c.latency_hours)
        model.effects.on_duty = frozenset(c.on_duty)
