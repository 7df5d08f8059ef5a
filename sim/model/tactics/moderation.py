"""Moderation: an admin team that defuses fights and kicks spammers (003, 004)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.config.fields import SETTING, check_fields, param
from sim.core.errors import check_hours
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.moderation"


@dataclass
class ModerationConfig:
    """Settings of the moderation team."""

    team_size: int = param(
        2,
        unit="admins",
        source="003 (one owner alone is not enough)",
        lo=0,
        hi=50,
        doc="moderators on the team",
    )
    latency_hours: float = param(
        1.0,
        unit="h",
        source=SETTING,
        lo=0.05,
        hi=1000.0,
        doc="mean response time of one on-duty moderator",
    )
    on_duty: list[int] = param(
        factory=lambda: list(range(8, 24)),
        bounds="0 to 23, distinct",
        unit="hours",
        source=SETTING,
        shown="[8 … 23]",
        doc="hours watched",
    )

    def __post_init__(self):
        check_fields(self, P)
        check_hours(f"{P}.on_duty", self.on_duty)


class Moderation(Tactic):
    """Each on-duty hour an incident is handled with P = 1 - exp(-team / latency)."""

    name = "moderation"
    Config = ModerationConfig

    def setup(self, model: Operator):  # noqa: D102
        c = self.cfg
        model.effects.moderation_rate = -math.expm1(-c.team_size / c.latency_hours)
        model.effects.on_duty = frozenset(c.on_duty)
