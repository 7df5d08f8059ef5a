"""Group rules: strictness, imposed by the owner or agreed with members (002, 003)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.feed import Channel
from sim.tactics import Tactic
from sim.validation import check_choice, check_range

P = "policy.tactics.rules"


@dataclass
class RulesConfig:
    """Settings of the group rules."""

    strictness: float = 0.5  # how much the rules forbid [0-1]
    mode: str = "agreed"  # "imposed" by the owner alone, or "agreed" shared values (002)
    announce_day: int = 0  # day the rules are posted
    announcement_weight: float = 5.0  # resentment units an imposed rule list carries (002)
    enforcement_per_day: float = 0.3  # rebukes/warnings per day x strictness, imposed (002)
    spam_block: float = 0.8  # share of spam stopped at full strictness (004)
    chit_suppress: float = 0.5  # share of chit-chat suppressed at full strictness (002)
    chill: float = 0.3  # share of posting suppressed by fear at full strictness, imposed (002)
    contagion: float = 1.0  # participation contagion when rules are agreed values (002)

    def __post_init__(self):
        check_range(f"{P}.strictness", self.strictness, 0.0, 1.0)
        check_choice(f"{P}.mode", self.mode, ("imposed", "agreed"))
        check_range(f"{P}.announce_day", self.announce_day, 0)
        check_range(f"{P}.announcement_weight", self.announcement_weight, 0.0, 100.0)
        check_range(f"{P}.enforcement_per_day", self.enforcement_per_day, 0.0, 100.0)
        for name in ("spam_block", "chit_suppress", "chill"):
            check_range(f"{P}.{name}", getattr(self, name), 0.0, 1.0)
        check_range(f"{P}.contagion", self.contagion, 0.0, 10.0)


class Rules(Tactic):
    """From the day they are posted: standing effects; imposed rules also carry resentment."""

    name = "rules"
    Config = RulesConfig

    HOUR = 9  # rules are posted and enforced in the morning

    def hours_today(self, model):  # noqa: D102
        return (self.HOUR,) if model.day == self.cfg.announce_day else ()

    def _take_effect(self, model):
        c, e = self.cfg, model.effects
        e.spam_block = c.spam_block * c.strictness  # both kinds of rules keep spam out
        e.chit_suppress = c.chit_suppress * c.strictness
        imposed = c.mode == "imposed"
        e.chill = c.chill * c.strictness if imposed else 0.0
        e.contagion = 0.0 if imposed else c.contagion  # shared values spread by example

    def act(self, model):  # noqa: D102
        # announcement day: the rules hold from the hour they are posted
        c = self.cfg
        model.post("announcement", 1)
        self._take_effect(model)
        if c.mode == "imposed":
            model.add_to_channel(Channel.RULES, c.strictness * c.announcement_weight)

    def plan(self, model):  # noqa: D102
        # after the announcement, imposed rules are enforced every day (rebukes, 002)
        c = self.cfg
        if c.mode == "imposed" and model.day > c.announce_day:
            model.plan_channel(self.HOUR, Channel.RULES, c.strictness * c.enforcement_per_day)
