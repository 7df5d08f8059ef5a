"""Selling: product copy, posters and activity links (000 kinds 1 and 3)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.tactics import Calendar, Tactic
from sim.tactics.content import SALES_KINDS
from sim.validation import ConfigError, check_hours, check_range

P = "policy.tactics.sales"


@dataclass
class SalesConfig:
    """Settings of the operator's selling posts."""

    per_day: float = 2.0  # selling posts per day (000: "80% of the chat is selling")
    mix: dict[str, float] = field(default_factory=lambda: {"product_copy": 0.6, "poster": 0.4})
    hours: list[int] = field(default_factory=lambda: [10, 15, 21])
    start_day: int = 0  # talk-feelings sells late (000)
    trust_gate: float = 0.0  # sell only while mean trust is at least this [0-1] (000)

    def __post_init__(self):
        check_range(f"{P}.per_day", self.per_day, 0.0, 100.0)
        if not self.mix or sum(self.mix.values()) <= 0:
            raise ConfigError(f"{P}.mix", self.mix, "needs a positive weight")
        for kind, w in self.mix.items():
            if kind not in SALES_KINDS:
                raise ConfigError(f"{P}.mix", kind, f"one of {list(SALES_KINDS)}")
            check_range(f"{P}.mix.{kind}", w, 0.0)
        if not self.hours:
            raise ConfigError(f"{P}.hours", self.hours, "needs at least one hour")
        check_hours(f"{P}.hours", self.hours)
        check_range(f"{P}.start_day", self.start_day, 0)
        check_range(f"{P}.trust_gate", self.trust_gate, 0.0, 1.0)


class Sales(Tactic):
    """Posts selling content once the start day and the trust gate are passed."""

    name = "sales"
    Config = SalesConfig

    def __init__(self, cfg):
        super().__init__(cfg)
        weights = np.array(list(cfg.mix.values()))
        rates = cfg.per_day * weights / weights.sum() / len(cfg.hours)  # per hour and kind
        self.calendar = Calendar(sorted(set(cfg.hours)), list(cfg.mix), rates)

    def plan(self, model):  # noqa: D102
        # the trust gate is checked at midnight, for the whole day
        c = self.cfg
        if model.day < c.start_day:
            return
        if c.trust_gate:  # mean trust now = at yesterday's close (nothing happens between)
            trust = model.yesterday_value("trust_mean", 0.0) if model.day else model.mean_trust()
            if trust < c.trust_gate:
                return
        model.plan_posts(self.calendar.next_day(model.ops_rng))
