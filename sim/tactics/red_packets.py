"""Red packets on a schedule, on holidays, or when the group goes quiet (000, E9-E11)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.red_packets"


@dataclass
class RedPacketConfig:
    """Settings of the operator's red packets."""

    every_days: float = 1.0  # schedule: one packet every this many days; 0 = none (000)
    hour: int = 20  # hour of day packets are sent
    amount: float = 5.0  # yuan per packet (000: "a few yuan")
    shares: int = 10  # number of shares to grab
    on_holidays: bool = False  # also (or only) celebrate holidays (domain.md section 4)
    when_quiet_below: int = 0  # trigger: yesterday's member messages below this; 0 = off

    def __post_init__(self):
        check_range(f"{P}.every_days", self.every_days, 0.0, 3650.0)
        check_range(f"{P}.hour", self.hour, 0, 23)
        check_range(f"{P}.amount", self.amount, 0.01, 1_000_000.0)
        check_range(f"{P}.shares", self.shares, 1, 500)  # WeChat: at most group size
        check_range(f"{P}.when_quiet_below", self.when_quiet_below, 0)


class RedPackets(Tactic):
    """Sends a packet when the schedule, a holiday or a quiet day calls for it."""

    name = "red_packets"
    Config = RedPacketConfig

    def plan(self, model):  # noqa: D102
        c = self.cfg
        due = c.every_days > 0 and model.day % max(1, round(c.every_days)) == 0
        if c.every_days > 0 and c.every_days < 1:  # several a day: Poisson number
            due = False
            for _ in range(model.ops_rng.poisson(1 / c.every_days)):
                model.send_packet(c.amount, c.shares, hour=c.hour)
        holiday = c.on_holidays and model.is_holiday()
        quiet = c.when_quiet_below > 0 and model.yesterday_value("msgs_members", np.inf) < (
            c.when_quiet_below
        )
        if due or holiday or quiet:
            model.send_packet(c.amount, c.shares, hour=c.hour)
