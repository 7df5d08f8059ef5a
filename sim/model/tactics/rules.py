"""Group rules: strictness, imposed by the owner or agreed with members (002, 003)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.core.errors import check_choice
from sim.core.feed import Channel
from sim.model.tactics.base import Operator, Schedule, Tactic

P = "policy.tactics.rules"
RULES_HOUR = 9  # rules are posted and enforced in the morning (assumption)


@dataclass
class RulesConfig:
    """Settings of the group rules."""

    strictness: float = param(
        0.5, unit="[0-1]", source=SETTING, lo=0.0, hi=1.0, doc="how much the rules forbid"
    )
    mode: str = param(
        "agreed",
        unit="imposed / agreed",
        source="002",
        doc="imposed by the owner alone, or agreed with members as shared values",
    )
    announce_day: int = param(
        0,
        unit="day",
        source=SETTING,
        lo=0,
        hi=3650,
        doc="day the rules are posted; they hold from then on",
    )
    announcement_weight: float = param(
        5.0,
        unit="resentment units",
        source="002",
        lo=0.0,
        hi=100.0,
        doc="resentment an imposed rule list carries, x strictness",
    )
    enforcement_per_day: float = param(
        0.3,
        unit="units/day",
        source="002",
        lo=0.0,
        hi=100.0,
        doc="rebukes and warnings per day, x strictness (imposed)",
    )
    spam_block: float = param(
        0.8,
        unit="[0-1]",
        source="004",
        lo=0.0,
        hi=1.0,
        doc="share of spam joins and posts stopped at full strictness",
    )
    chit_suppress: float = param(
        0.5,
        unit="[0-1]",
        source="002",
        lo=0.0,
        hi=1.0,
        doc="share of chit-chat suppressed at full strictness",
    )
    chill: float = param(
        0.3,
        unit="[0-1]",
        source="002",
        lo=0.0,
        hi=1.0,
        doc="share of posting suppressed by fear at full strictness (imposed)",
    )
    contagion: float = param(
        1.0,
        unit="x",
        source=f"002 (size: {ASSUMPTION})",
        lo=0.0,
        hi=10.0,
        doc="participation contagion when rules are agreed values",
    )

    def __post_init__(self):
        check_fields(self, P)
        check_choice(f"{P}.mode", self.mode, ("imposed", "agreed"))


class Rules(Tactic):
    """From the day they are posted: standing effects; imposed rules also carry resentment."""

    name = "rules"
    Config = RulesConfig

    def __init__(self, cfg: RulesConfig):
        super().__init__(cfg)
        day = cfg.announce_day
        self.announcement = Schedule(first_day=day, until_day=day + 1)
        self.enforcement = Schedule(first_day=day + 1)  # imposed rules only

    def hours_today(self, model: Operator):  # noqa: D102
        return (RULES_HOUR,) if self.announcement.times(model.day) else ()

    def _take_effect(self, model: Operator):
        c, e = self.cfg, model.effects
        e.spam_block = c.spam_block * c.strictness  # both kinds of rules keep spam out
        e.chit_suppress = c.chit_suppress * c.strictness
        imposed = c.mode == "imposed"
        e.chill = c.chill * c.strictness if imposed else 0.0
        e.contagion = 0.0 if imposed else c.contagion  # shared values spread by example

    def act(self, model: Operator):  # noqa: D102
        # announcement day: the rules hold from the hour they are posted
        c = self.cfg
        model.post("announcement", 1)
        self._take_effect(model)
        if c.mode == "imposed":
            model.add_to_channel(Channel.RULES, c.strictness * c.announcement_weight)

    def plan(self, model: Operator):  # noqa: D102
        # after the announcement, imposed rules are enforced every day (rebukes, 002)
        c = self.cfg
        if c.mode == "imposed" and self.enforcement.times(model.day):
            model.plan_channel(RULES_HOUR, Channel.RULES, c.strictness * c.enforcement_per_day)
