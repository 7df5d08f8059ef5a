"""Discussion prompts that draw onlookers in, and steering of debates (003)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import SETTING, check_fields, param
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.prompts"


@dataclass
class PromptsConfig:
    """Settings of discussion prompts."""

    per_week: float = param(
        3.0,
        unit="posts/week",
        source="003",
        lo=0.0,
        hi=7 * 24,
        doc="discussion questions posted (a Poisson number each day)",
    )
    hour: int = param(20, unit="hour", source=SETTING, lo=0, hi=23, doc="hour they are posted")
    steer: float = param(
        0.5,
        unit="[0-1]",
        source="003, 000",
        lo=0.0,
        hi=1.0,
        doc="share of fight risk removed by steering debates",
    )

    def __post_init__(self):
        check_fields(self, P)


class Prompts(Tactic):
    """Posts a question on a random subset of days; readers of it are pulled in."""

    name = "prompts"
    Config = PromptsConfig

    def setup(self, model: Operator):  # noqa: D102
        model.effects.steer = self.cfg.steer

    def plan(self, model: Operator):  # noqa: D102
        rate = self.cfg.per_week / 7 * model.effort  # a tired operator asks less (003)
        model.plan_post(self.cfg.hour, "prompt", model.ops_rng.poisson(rate))
