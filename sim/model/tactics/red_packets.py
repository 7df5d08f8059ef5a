"""Red packets on a schedule, on holidays, or when the group goes quiet (000, E9-E11)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.fields import SETTING, check_fields, param
from sim.model.tactics.base import Operator, Schedule, Tactic

P = "policy.tactics.red_packets"


@dataclass
class RedPacketConfig:
    """Settings of the operator's red packets."""

    every_days: float = param(
        1.0, unit="days", source="000", lo=0.0, hi=3650.0,
        doc="one packet every this many days from day 0 (a fraction: several a day, e.g. "
        "0.5 = two; 1.5 = days 0, 2, 3, 5, ...); 0 = none on a schedule",
    )  # fmt: skip
    hour: int = param(
        20, unit="hour", source=SETTING, lo=0, hi=23, doc="hour of day packets are sent"
    )
    amount: float = param(
        5.0,
        unit="yuan",
        source='000 ("a few yuan")',
        lo=0.01,
        hi=1_000_000.0,
        doc="yuan per packet",
    )
    shares: int = param(
        10,
        unit="shares",
        source="WeChat rule (at most the group's size)",
        lo=1,
        hi=500,
        doc="shares to grab",
    )
    on_holidays: bool = param(
        False,
        unit="bool",
        source="000 (celebrate, do not schedule)",
        doc="also send one on holidays",
    )
    when_quiet_below: int = param(
        0,
        unit="msg",
        source=SETTING,
        lo=0,
        hi=100_000,
        doc="also send one when yesterday's member messages were fewer than this; 0 = off",
    )

    def __post_init__(self):
        check_fields(self, P)


class RedPackets(Tactic):
    """Sends the packets the schedule calls for, and one on a holiday or after a quiet day."""

    name = "red_packets"
    Config = RedPacketConfig

    def __init__(self, cfg: RedPacketConfig):
        super().__init__(cfg)
        self.schedule = Schedule(every_days=cfg.every_days, holidays=cfg.on_holidays)

    def plan(self, model: Operator):  # noqa: D102
        c = self.cfg
        n = self.schedule.times(model.day, model.is_holiday())
        if c.when_quiet_below > 0:
            quiet = model.yesterday_value("msgs_members", np.inf) < c.when_quiet_below
            n = max(n, int(quiet))
        for _ in range(n):
            model.send_packet(c.amount, c.shares, hour=c.hour)
