"""Discussion prompts that draw onlookers in, and steering of debates (003)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.prompts"


@dataclass
class PromptsConfig:
    """Settings of discussion prompts."""

    per_week: float = 3.0  # discussion questions posted per week (003)
    hour: int = 20  # hour they are posted
    steer: float = 0.5  # share of fight risk removed by steering debates (003, 000)

    def __post_init__(self):
        check_range(f"{P}.per_week", self.per_week, 0.0, 7 * 24)
        check_range(f"{P}.hour", self.hour, 0, 23)
        check_range(f"{P}.steer", self.steer, 0.0, 1.0)


class Prompts(Tactic):
    """Posts a question on a random subset of days; readers of it are pulled in."""

    name = "prompts"
    Config = PromptsConfig

    def setup(self, model):  # noqa: D102
        model.effects.steer = self.cfg.steer

    def plan(self, model):  # noqa: D102
        model.plan_post(self.cfg.hour, "prompt", model.ops_rng.poisson(self.cfg.per_week / 7))
