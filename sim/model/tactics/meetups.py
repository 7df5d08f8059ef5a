"""Offline meet-ups (O2O): trust and new ties among those who come (003)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.core.roles import Role
from sim.model.tactics.base import Operator, Schedule, Tactic

P = "policy.tactics.meetups"
SILENT_ATTENDANCE = 5.0  # silent members attend a fifth as often as followers (assumption)


@dataclass
class MeetupsConfig:
    """Settings of offline meet-ups."""

    every_days: int = param(
        60, unit="days", source="003 (O2O)", lo=1, hi=3650, doc="one meet-up every this many days"
    )
    first_day: int = param(
        30, unit="day", source=SETTING, lo=0, hi=3650, doc="day of the first meet-up"
    )
    hour: int = param(19, unit="hour", source=SETTING, lo=0, hi=23, doc="hour of the meet-up")
    attend: float = param(
        0.3,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="P(a following member attends); silent members a fifth as often",
    )
    trust_gain: float = param(
        0.15,
        unit="[0-1]",
        source="003 (emotional trust offline)",
        lo=0.0,
        hi=1.0,
        doc="trust gained by an attendee",
    )
    satisfaction_gain: float = param(
        0.1,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="satisfaction gained by an attendee",
    )
    # having met, members have more to say to each other online
    interest_gain: float = param(
        0.1, unit="[0-1]", source=f"003 (ties formed offline; size: {ASSUMPTION})", lo=0.0,
        hi=1.0, doc="interest gained by an attendee, kept as their new baseline",
    )  # fmt: skip
    renewal: float = param(
        0.5, unit="[0-1]", source=f"001, 003 (meeting renews the group); size: {ASSUMPTION}",
        lo=0.0, hi=1.0, doc="share of an attendee's lost freshness restored (7.21)",
    )  # fmt: skip
    new_ties: float = param(
        2.0,
        unit="ties/attendee",
        source="003 (a mesh, not a star)",
        lo=0.0,
        hi=50.0,
        doc="new acquaintances made per attendee",
    )

    def __post_init__(self):
        check_fields(self, P)


class Meetups(Tactic):
    """On meet-up days a random share attends, gains trust and interest, and makes ties."""

    name = "meetups"
    Config = MeetupsConfig
    counters = ("meetup_attendees",)  # attendees of today's meet-up

    def __init__(self, cfg: MeetupsConfig):
        super().__init__(cfg)
        self.schedule = Schedule(every_days=cfg.every_days, first_day=cfg.first_day)

    def hours_today(self, model: Operator):  # noqa: D102
        if not self.schedule.times(model.day):
            return ()
        # a tired operator organises fewer: each is held with P = effort (003)
        held = model.effort >= 1.0 or model.ops_rng.random() < model.effort
        return (self.cfg.hour,) if held else ()

    def act(self, model: Operator):  # noqa: D102
        c, m, rng = self.cfg, model.members, model.ops_rng
        idx = m.present_idx()
        p = np.where(m.role[idx] == Role.SILENT, c.attend / SILENT_ATTENDANCE, c.attend)
        came = idx[rng.random(idx.size) < p]
        model.today["meetup_attendees"] += came.size
        m.trust[came] = np.minimum(1.0, m.trust[came] + c.trust_gain)
        m.satisfaction[came] = np.minimum(1.0, m.satisfaction[came] + c.satisfaction_gain)
        m.interest0[came] = np.minimum(1.0, m.interest0[came] + c.interest_gain)
        m.interest[came] = np.minimum(1.0, m.interest[came] + c.interest_gain)
        m.fresh[came] += c.renewal * (1.0 - m.fresh[came])
        if came.size >= 2:
            n_pairs = rng.poisson(c.new_ties * came.size / 2)
            pairs = rng.choice(came, size=(n_pairs, 2))
            model.add_ties(pairs)
