"""Content calendar: useful/fun posts, brand culture, chicken soup, greetings (000, 002, 003)."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    @property
    def hours(self):  # noqa: D102
        extra = [self.cfg.chicken_soup_hour] if self.cfg.chicken_soup_hour >= 0 else []
        return tuple(sorted(set(self.cfg.hours) | set(extra) | {8}))

    def act(self, model):  # noqa: D102
        c = self.cfg
        if model.day < c.start_day:
            return
        rng = model.ops_rng
        if model.hour in c.hours:
            share = 1.0 / len(c.hours)
            for kind, rate in c.per_day.items():
                model.post(kind, rng.poisson(rate * share))
            model.post("announcement", rng.poisson(c.announcements_per_week / 7 * share))
        if model.hour == c.chicken_soup_hour:
            model.post("chicken_soup", 1)  # every day at the same time (000)
        if model.hour == 8 and c.holiday_greetings and model.is_holiday():
            model.post("greeting", 1)
