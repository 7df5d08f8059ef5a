"""Content calendar: useful/fun posts, brand culture, chicken soup, greetings (000, 002, 003)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.feed import POST_KINDS
from sim.tactics import Tactic
from sim.validation import ConfigError, check_hours, check_range

P = "policy.tactics.content"
SALES_KINDS = ("product_copy", "poster")  # handled by the ``sales`` tactic


@dataclass
class ContentConfig:
    """Settings of the content calendar."""

    per_day: dict[str, float] = field(default_factory=lambda: {"useful": 1.0})  # posts/day
    hours: list[int] = field(default_factory=lambda: [9, 12, 20])  # posting hours
    chicken_soup_hour: int = -1  # fixed-time morning chicken soup; -1 = none (000)
    holiday_greetings: bool = False  # greeting post on holidays (000)
    announcements_per_week: float = 0.0  # announcements (001)
    start_day: int = 0  # first day of the calendar

    def __post_init__(self):
        for kind, rate in self.per_day.items():
            allowed = sorted(set(POST_KINDS) - set(SALES_KINDS) - {"chicken_soup", "reply"})
            if kind not in allowed:
                raise ConfigError(f"{P}.per_day", kind, f"unknown content kind; one of {allowed}")
            check_range(f"{P}.per_day.{kind}", rate, 0.0, 100.0)
        if not self.hours:
            raise ConfigError(f"{P}.hours", self.hours, "needs at least one hour")
        check_hours(f"{P}.hours", self.hours)
        check_range(f"{P}.chicken_soup_hour", self.chicken_soup_hour, -1, 23)
        check_range(f"{P}.announcements_per_week", self.announcements_per_week, 0.0, 100.0)
        check_range(f"{P}.start_day", self.start_day, 0)


class Content(Tactic):
    """Posts content of each kind at a Poisson rate spread over the posting hours."""

    name = "content"
    Config = ContentConfig

    def plan(self, model):  # noqa: D102
        c = self.cfg
        if model.day < c.start_day:
            return
        hours = sorted(set(c.hours))
        kinds = [*c.per_day, "announcement"]
        rates = np.array([*c.per_day.values(), c.announcements_per_week / 7]) / len(c.hours)
        posts = model.ops_rng.poisson(rates, size=(len(hours), len(kinds)))  # Poisson calendar
        for hour, row in zip(hours, posts, strict=True):
            for kind, n in zip(kinds, row, strict=True):
                model.plan_post(hour, kind, n)
        if c.chicken_soup_hour >= 0:
            model.plan_post(c.chicken_soup_hour, "chicken_soup", 1)  # same time daily (000)
        if c.holiday_greetings and model.is_holiday():
            model.plan_post(8, "greeting", 1)
