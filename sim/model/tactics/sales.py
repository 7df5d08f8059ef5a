"""Selling: product copy, posters and activity links (000 kinds 1 and 3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import SETTING, check_fields, param
from sim.core.errors import ConfigError, check_hours, check_range
from sim.model.tactics.base import Calendar, Operator, Schedule, Tactic
from sim.model.tactics.content import SALES_KINDS

P = "policy.tactics.sales"


@dataclass
class SalesConfig:
    """Settings of the operator's selling posts."""

    per_day: float = param(
        2.0,
        unit="posts/day",
        source='000 ("80% of the chat is selling")',
        lo=0.0,
        hi=100.0,
        doc="selling posts per day",
    )
    mix: dict[str, float] = param(
        factory=lambda: {"product_copy": 0.6, "poster": 0.4}, unit="weights", source="000",
        bounds=">= 0 each, sum > 0",
        doc="mix of selling kinds: " + ", ".join(SALES_KINDS),
    )  # fmt: skip
    hours: list[int] = param(
        factory=lambda: [10, 15, 21],
        bounds="0 to 23, distinct, at least one",
        unit="hours",
        source=SETTING,
        doc="posting hours (the daily rate is split evenly over them)",
    )
    start_day: int = param(
        0,
        unit="day",
        source="000 (talk feelings sells late)",
        lo=0,
        hi=3650,
        doc="first selling day",
    )
    trust_gate: float = param(
        0.0,
        unit="[0-1]",
        source="000",
        lo=0.0,
        hi=1.0,
        doc="sell only on days when members' mean trust is at least this",
    )

    def __post_init__(self):
        check_fields(self, P)
        if not self.mix or sum(self.mix.values()) <= 0:
            raise ConfigError(f"{P}.mix", self.mix, "needs a positive weight")
        for kind, w in self.mix.items():
            if kind not in SALES_KINDS:
                raise ConfigError(f"{P}.mix", kind, f"one of {list(SALES_KINDS)}")
            check_range(f"{P}.mix.{kind}", w, 0.0, 1000.0)  # relative weights
        check_hours(f"{P}.hours", self.hours, required=True)


class Sales(Tactic):
    """Posts selling content once the start day and the trust gate are passed."""

    name = "sales"
    Config = SalesConfig

    def __init__(self, cfg: SalesConfig):
        super().__init__(cfg)
        weights = np.array(list(cfg.mix.values()))
        rates = cfg.per_day * weights / weights.sum() / len(cfg.hours)  # per hour and kind
        self.calendar = Calendar(sorted(cfg.hours), list(cfg.mix), rates)
        self.days = Schedule(first_day=cfg.start_day)

    def plan(self, model: Operator):  # noqa: D102
        # the trust gate is checked at midnight, for the whole day
        c = self.cfg
        if not self.days.times(model.day):
            return
        if c.trust_gate:  # mean trust now = at yesterday's close (nothing happens between)
            trust = model.yesterday_value("trust_mean", 0.0) if model.day else model.mean_trust()
            if trust < c.trust_gate:
                return
        model.plan_posts(self.calendar.next_day(model.ops_rng, model.effort))
