"""Invitation campaigns by QR poster (stops at 100) or direct invitation (000, 004)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import SETTING, check_fields, param
from sim.core.errors import check_choice
from sim.model.tactics.base import Operator, Schedule, Tactic

P = "policy.tactics.invitations"


@dataclass
class InvitationsConfig:
    """Settings of an invitation campaign."""

    start_day: int = param(0, unit="day", source=SETTING, lo=0, hi=3650, doc="first campaign day")
    days: int = param(14, unit="days", source=SETTING, lo=0, hi=3650, doc="campaign length")
    per_day: float = param(
        3.0,
        unit="persons/day",
        source=SETTING,
        lo=0.0,
        hi=500.0,
        doc="expected joiners per day (Poisson)",
    )
    channel: str = param(
        "qr",
        unit="qr / direct",
        source="004",
        doc="QR-code poster (closes at 100 members) or direct invitation",
    )
    hour: int = param(10, unit="hour", source=SETTING, lo=0, hi=23, doc="hour joiners arrive")

    def __post_init__(self):
        check_fields(self, P)
        check_choice(f"{P}.channel", self.channel, ("qr", "direct"))


class Invitations(Tactic):
    """Brings in new members during the campaign; the operator is their inviter."""

    name = "invitations"
    Config = InvitationsConfig

    def __init__(self, cfg: InvitationsConfig):
        super().__init__(cfg)
        self.schedule = Schedule(first_day=cfg.start_day, until_day=cfg.start_day + cfg.days)

    def hours_today(self, model: Operator):  # noqa: D102
        return (self.cfg.hour,) if self.schedule.times(model.day) else ()

    def act(self, model: Operator):  # noqa: D102
        model.add_members(model.ops_rng.poisson(self.cfg.per_day), via=self.cfg.channel)
