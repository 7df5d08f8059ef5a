"""Content calendar: useful/fun posts, brand culture, chicken soup, greetings (000, 002, 003)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.feed import POST_KINDS
from sim.tactics import Calendar, Tactic
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

    def __init__(self, cfg):
        super().__init__(cfg)
        # the calendar: posts of each kind (and announcements) at each posting hour
        rates = np.array([*cfg.per_day.values(), cfg.announcements_per_week / 7])
        kinds = [*cfg.per_day, "announcement"]
        self.calendar = Calendar(sorted(set(cfg.hours)), kinds, rates / len(cfg.hours))

    def plan(self, model):  # noqa: D102
        c = self.cfg
        if model.day < c.start_day:
            return
        model.plan_posts(self.calendar.next_day(model.ops_rng))
        if c.chicken_soup_hour >= 0:
            model.plan_post(c.chicken_soup_hour, "chicken_soup", 1)  # same time daily (000)
        if c.holiday_greetings and model.is_holiday():
            model.plan_post(8, "greeting", 1)
