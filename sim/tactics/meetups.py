"""Offline meet-ups (O2O): trust and new ties among those who come (003)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.roles import Role
from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.meetups"


@dataclass
class MeetupsConfig:
    """Settings of offline meet-ups."""

    every_days: int = 60  # one meet-up every this many days
    first_day: int = 30  # day of the first meet-up
    hour: int = 19
    attend: float = 0.3  # P(a following member attends); silent members attend a fifth as often
    trust_gain: float = 0.15  # trust gained by an attendee (003: emotional trust offline)
    satisfaction_gain: float = 0.1
    # interest gained, kept as the attendee's new baseline: having met, members have
    # more to say to each other online (003: emotional ties formed offline)
    interest_gain: float = 0.1
    new_ties: float = 2.0  # new acquaintances made per attendee (003: mesh, not star)

    def __post_init__(self):
        check_range(f"{P}.every_days", self.every_days, 1, 3650)
        check_range(f"{P}.first_day", self.first_day, 0)
        check_range(f"{P}.hour", self.hour, 0, 23)
        for name in ("attend", "trust_gain", "satisfaction_gain", "interest_gain"):
            check_range(f"{P}.{name}", getattr(self, name), 0.0, 1.0)
        check_range(f"{P}.new_ties", self.new_ties, 0.0, 50.0)


class Meetups(Tactic):
    """On meet-up days a random share attends, gains trust and interest, and makes ties."""

    name = "meetups"
    Config = MeetupsConfig

    def hours_today(self, model):  # noqa: D102
        c = self.cfg
        meetup = model.day >= c.first_day and (model.day - c.first_day) % c.every_days == 0
        return (c.hour,) if meetup else ()

    def act(self, model):  # noqa: D102
        c, m, rng = self.cfg, model.members, model.ops_rng
        idx = m.present_idx()
        p = np.where(m.role[idx] == Role.SILENT, c.attend / 5, c.attend)
        came = idx[rng.random(idx.size) < p]
        model.today["meetup_attendees"] += came.size
        m.trust[came] = np.minimum(1.0, m.trust[came] + c.trust_gain)
        m.satisfaction[came] = np.minimum(1.0, m.satisfaction[came] + c.satisfaction_gain)
        m.interest0[came] = np.minimum(1.0, m.interest0[came] + c.interest_gain)
        m.interest[came] = np.minimum(1.0, m.interest[came] + c.interest_gain)
        if came.size >= 2:
            n_pairs = rng.poisson(c.new_ties * came.size / 2)
            pairs = rng.choice(came, size=(n_pairs, 2))
            model.add_ties(pairs)
