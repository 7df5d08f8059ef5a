"""Private one-to-one outreach to silent members (003: learn what they need)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.core.roles import Role
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.outreach"


@dataclass
class OutreachConfig:
    """Settings of private outreach."""

    per_week: float = param(
        3.0,
        unit="persons/week",
        source="003",
        lo=0.0,
        hi=1000.0,
        doc="silent members contacted (a Poisson number each day)",
    )
    success: float = param(
        0.4,
        unit="[0-1]",
        source=f"003 (value: {ASSUMPTION})",
        lo=0.0,
        hi=1.0,
        doc="P(a contacted member comes back as an onlooker)",
    )
    hour: int = param(15, unit="hour", source=SETTING, lo=0, hi=23, doc="hour of the contacts")
    satisfaction_boost: float = param(
        0.2,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="satisfaction gained by a member won back",
    )
    trust_boost: float = param(
        0.05,
        unit="[0-1]",
        source="000 (feelings)",
        lo=0.0,
        hi=1.0,
        doc="trust gained by anyone contacted",
    )

    def __post_init__(self):
        check_fields(self, P)


class Outreach(Tactic):
    """Contacts silent members at random; some unmute and return as onlookers."""

    name = "outreach"
    Config = OutreachConfig

    def __init__(self, cfg: OutreachConfig):
        super().__init__(cfg)
        self.calls = 0  # contacts planned for today

    def plan(self, model: Operator):  # noqa: D102
        self.calls = model.ops_rng.poisson(self.cfg.per_week / 7 * model.effort)  # 003

    def hours_today(self, model: Operator):  # noqa: D102
        return (self.cfg.hour,) if self.calls else ()

    def act(self, model: Operator):  # noqa: D102
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
