"""Thinker -> critic -> onlooker discussion chains and fights (seed 003).

Group-level state: *heat* (how hot the current debate is) and *fight* intensity.
Thinker posts spark heat; critics add heat in proportion to how assailable thinkers
are (1 - authority); heat pulls critics and onlookers into posting. Above a threshold
a debate can become a fight: lively at once, escalating each hour unless a moderator
steps in or it burns out; readers of a fight build up pressure to leave.
"""

from __future__ import annotations

import numpy as np

from sim.config import DiscussionConfig
from sim.roles import Role


class Discussion:
    """Heat and fight state of the group's conversation."""

    def __init__(self, cfg: DiscussionConfig, authority: float):
        self.cfg = cfg
        self.authority = authority
        self.heat = 0.0
        self.fight = 0.0  # intensity; 0 = no fight
        # posting boost per unit heat, by role: critics need something to attack (003)
        self.heat_sens = np.array(
            [0.0, cfg.critic_pull * (1.0 - authority), cfg.onlooker_pull, 0.0]
        )
        self.fight_sens = np.array([cfg.fight_posts, cfg.fight_posts, 0.1 * cfg.fight_posts, 0])

    def _felt(self, heat: float) -> float:
        return heat / (1.0 + heat / self.cfg.heat_cap)  # attention saturates (assumption)

    def by_role(self) -> np.ndarray:
        """Posting multiplier per role from the current debate and fight."""
        return 1.0 + self.heat_sens * self._felt(self.heat) + self.fight_sens * self.fight

    def prompt_boost(self) -> np.ndarray:
        """Extra posting multiplier per role for a reader who read a discussion prompt."""
        felt = self._felt(self.heat + self.cfg.prompt_heat) - self._felt(self.heat)
        return self.heat_sens * felt

    def after_posts(self, substantive_by_role: np.ndarray) -> None:
        """Update heat from this hour's substantive posts by role."""
        c = self.cfg
        spark = c.spark * substantive_by_role[Role.THINKER]
        debate = c.critic_gain * (1.0 - self.authority) * substantive_by_role[Role.CRITIC]
        self.heat = self.heat * c.heat_decay + spark + debate

    def fight_hour(self, rng: np.random.Generator, moderated: float, steer: float) -> str:
        """Advance the fight state by one hour.

        Args:
            rng: the behaviour stream.
            moderated: P(a moderator handles an incident this hour).
            steer: share of fight risk the operator removes by steering debates.

        Returns:
            "started", "defused", "ended", "ongoing" or "" (no fight).
        """
        c = self.cfg
        if self.fight == 0.0:
            excess = max(0.0, self.heat - c.fight_threshold)
            if excess and rng.random() < -np.expm1(-c.fight_rate * excess * (1.0 - steer)):
                self.fight = 1.0
                return "started"
            return ""
        if moderated and rng.random() < moderated:
            self.fight, self.heat = 0.0, self.heat * 0.3
            return "defused"
        if rng.random() < c.fight_burnout:
            self.fight = 0.0
            return "ended"
        self.fight *= c.fight_growth
        return "ongoing"
