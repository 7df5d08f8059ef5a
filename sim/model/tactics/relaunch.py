"""Relaunch (再建, 001): revive a fading group with a new theme, new blood and calls.

Seed 001's lifecycle ends in 散群 (the group disperses) and 再建 (it is rebuilt). Here
the operator watches the members' messages per day; when their mean over the last
``window_days`` falls below ``threshold`` of the best such mean so far, the operator
relaunches the group: a new theme (an announcement and a discussion prompt, which
restore part of the novelty the group and its members have lost and part of the
operator's own energy), an invitation wave of new members, and one-to-one contact with
silent members. Each relaunch works ``decay`` times as well as the one before (a new
theme is less new the third time; the operator's circle of friends to invite shrinks).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.core.roles import Role
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.relaunch"


@dataclass
class RelaunchConfig:
    """Settings of relaunches."""

    window_days: int = param(
        14, unit="days", source=SETTING, lo=1, hi=365, doc="days of activity averaged"
    )
    threshold: float = param(
        0.4,
        unit="[0-1]",
        source=f"001 (activity declines); value: {ASSUMPTION}",
        lo=0.0,
        hi=1.0,
        doc="relaunch when that mean falls below this share of its best so far",
    )
    min_day: int = param(
        60, unit="day", source=SETTING, lo=0, hi=3650, doc="no relaunch before this day"
    )
    cooldown_days: int = param(
        60, unit="days", source=ASSUMPTION, lo=1, hi=3650, doc="days between relaunches"
    )
    max_relaunches: int = param(3, unit="times", source=SETTING, lo=0, hi=100, doc="at most")
    strength: float = param(
        0.6,
        unit="[0-1]",
        source=f"001 (再建); size: {ASSUMPTION}",
        lo=0.0,
        hi=1.0,
        doc="share of lost novelty and operator fatigue the first relaunch restores",
    )
    decay: float = param(
        0.5,
        unit="x",
        source=f"001; size: {ASSUMPTION}",
        lo=0.0,
        hi=1.0,
        doc="each relaunch works this times as well as the one before",
    )
    invite_wave: int = param(
        10,
        unit="persons",
        source="001 (an invitation wave)",
        lo=0,
        hi=500,
        doc="new members invited directly at the first relaunch (x decay per relaunch)",
    )
    contact_share: float = param(
        0.3,
        unit="[0-1]",
        source="003 (one-to-one contact)",
        lo=0.0,
        hi=1.0,
        doc="share of silent members contacted at the first relaunch (x decay per relaunch)",
    )
    win_back: float = param(
        0.4,
        unit="[0-1]",
        source=f"003; value: {ASSUMPTION}",
        lo=0.0,
        hi=1.0,
        doc="P(a contacted silent member comes back as an onlooker)",
    )
    hour: int = param(20, unit="hour", source=SETTING, lo=0, hi=23, doc="hour of the relaunch")

    def __post_init__(self):
        check_fields(self, P)


class Relaunch(Tactic):
    """Relaunches a group whose activity has fallen well below its best (001)."""

    name = "relaunch"
    Config = RelaunchConfig
    counters = ("relaunches",)  # relaunches today (0 or 1)

    def __init__(self, cfg: RelaunchConfig):
        super().__init__(cfg)
        self.recent: deque[float] = deque(maxlen=cfg.window_days)
        self.best = 0.0
        self.done = 0
        self.last_day = -(10**9)
        self.due = False

    def plan(self, model: Operator):  # noqa: D102
        c = self.cfg
        self.due = False
        if model.day == 0:
            return
        self.recent.append(model.yesterday_value("msgs_members", 0.0))
        if len(self.recent) < c.window_days:
            return
        mean = sum(self.recent) / c.window_days
        self.best = max(self.best, mean)
        self.due = (
            self.done < c.max_relaunches
            and model.day >= c.min_day
            and model.day - self.last_day >= c.cooldown_days
            and mean < c.threshold * self.best
        )

    def hours_today(self, model: Operator):  # noqa: D102
        return (self.cfg.hour,) if self.due else ()

    def act(self, model: Operator):  # noqa: D102
        c, m, rng = self.cfg, model.members, model.ops_rng
        power = c.decay**self.done
        self.done += 1
        self.last_day = model.day
        model.today["relaunches"] += 1
        # a new theme: announced, with a question to talk about
        model.post("announcement")
        model.post("prompt")
        share = c.strength * power
        model.renew_novelty(share)
        model.rest_operator(share)
        # one-to-one contact with silent members, then the invitation wave
        idx = m.present_idx()
        silent = idx[m.role[idx] == Role.SILENT]
        contacted = silent[rng.random(silent.size) < c.contact_share * power]
        back = contacted[rng.random(contacted.size) < c.win_back]
        model.set_role(back, Role.ONLOOKER)
        wave = int(np.floor(c.invite_wave * power + rng.random()))  # keeps the mean exact
        model.add_members(wave, via="direct")
