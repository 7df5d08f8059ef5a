"""Private one-to-one outreach to silent members (003: learn what they need)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.roles import Role
from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.outreach"


@dataclass
class OutreachConfig:
    """Settings of private outreach."""

    per_week: float = 3.0  # silent members contacted per week
    success: float = 0.4  # P(a contacted member comes back as an onlooker) (003)
    hour: int = 15
    satisfaction_boost: float = 0.2  # satisfaction gained by a member won back
    trust_boost: float = 0.05  # trust gained by anyone contacted (000: feelings)

    def __post_init__(self):
        check_range(f"{P}.per_week", self.per_week, 0.0, 1000.0)
        check_range(f"{P}.hour", self.hour, 0, 23)
        for name in ("success", "satisfaction_boost", "trust_boost"):
            check_range(f"{P}.{name}", getattr(self, name), 0.0, 1.0)


class Outreach(Tactic):
    """Contacts silent members at random; some unmute and return as onlookers."""

    name = "outreach"
    Config = OutreachConfig

    def __init__(self, cfg):
        super().__init__(cfg)
        self.calls = 0  # contacts planned for today

    def plan(self, model):  # noqa: D102
        self.calls = model.ops_rng.poisson(self.cfg.per_week / 7)

    def hours_today(self, model):  # noqa: D102
        return (self.cfg.hour,) if self.calls else ()

    def act(self, model):  # noqa: D102
        c, m, rng = self.cfg, model.members, model.ops_rng
        idx = m.present_idx()
        silent = idx[m.role[idx] == Role.SILENT]
        k = min(silent.size, self.calls)
        if k == 0:
            return
        contacted = rng.choice(silent, size=k, replace=False)
        m.trust[contacted] = np.minimum(1.0, m.trust[contacted] + c.trust_boost)
        back = contacted[rng.random(k) < c.success]
        m.satisfaction[back] = np.minimum(1.0, m.satisfaction[back] + c.satisfaction_boost)
        model.set_role(back, Role.ONLOOKER)
