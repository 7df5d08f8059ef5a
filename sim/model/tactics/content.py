"""Content calendar: useful/fun posts, brand culture, chicken soup, greetings (000, 002, 003)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import SETTING, check_fields, param
from sim.core.errors import ConfigError, check_hours, check_range
from sim.core.feed import POST_KINDS
from sim.model.tactics.base import Calendar, Operator, Schedule, Tactic

P = "policy.tactics.content"
SALES_KINDS = ("product_copy", "poster")  # posted by the ``sales`` tactic
CONTENT_KINDS = tuple(sorted(set(POST_KINDS) - set(SALES_KINDS) - {"chicken_soup", "reply"}))
GREETING_HOUR = 8  # holiday greetings go out in the morning (assumption)


@dataclass
class ContentConfig:
    """Settings of the content calendar."""

    per_day: dict[str, float] = param(
        factory=lambda: {"useful": 1.0}, unit="posts/day", source="002, 003",
        bounds="0 to 100 each",
        doc="posts per day by content kind: " + ", ".join(CONTENT_KINDS),
    )  # fmt: skip
    hours: list[int] = param(
        factory=lambda: [9, 12, 20],
        bounds="0 to 23, distinct, at least one",
        unit="hours",
        source=SETTING,
        doc="posting hours (the daily rate is split evenly over them)",
    )
    chicken_soup_hour: int = param(
        -1,
        unit="hour",
        source="000",
        lo=-1,
        hi=23,
        doc="fixed-time morning chicken soup; -1 = none",
    )
    holiday_greetings: bool = param(
        False, unit="bool", source="000", doc=f"a greeting post at {GREETING_HOUR}:00 on holidays"
    )
    announcements_per_week: float = param(
        0.0, unit="posts/week", source="001", lo=0.0, hi=100.0, doc="announcements"
    )
    start_day: int = param(
        0, unit="day", source=SETTING, lo=0, hi=3650, doc="first day of the calendar"
    )

    def __post_init__(self):
        for kind, rate in self.per_day.items():
            if kind not in CONTENT_KINDS:
                raise ConfigError(
                    f"{P}.per_day", kind, f"unknown content kind; one of {list(CONTENT_KINDS)}"
                )
            check_range(f"{P}.per_day.{kind}", rate, 0.0, 100.0)
        check_hours(f"{P}.hours", self.hours, required=True)
        check_fields(self, P)


class Content(Tactic):
    """Posts content of each kind at a Poisson rate spread over the posting hours."""

    name = "content"
    Config = ContentConfig

    def __init__(self, cfg: ContentConfig):
        super().__init__(cfg)
        # the calendar: posts of each kind (and announcements) at each posting hour
        rates = np.array([*cfg.per_day.values(), cfg.announcements_per_week / 7])
        kinds = [*cfg.per_day, "announcement"]
        self.calendar = Calendar(sorted(cfg.hours), kinds, rates / len(cfg.hours))
        self.days = Schedule(first_day=cfg.start_day)
        self.greetings = Schedule(every_days=0, holidays=cfg.holiday_greetings)

    def plan(self, model: Operator):  # noqa: D102
        c = self.cfg
        if not self.days.times(model.day):
            return
        model.plan_posts(self.calendar.next_day(model.ops_rng, model.effort))
        if c.chicken_soup_hour >= 0:
            model.plan_post(c.chicken_soup_hour, "chicken_soup", 1)  # same time daily (000)
        if self.greetings.times(model.day, model.is_holiday()):
            model.plan_post(GREETING_HOUR, "greeting", 1)
