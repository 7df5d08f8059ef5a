"""Invitation campaigns by QR poster (stops at 100) or direct invitation (000, 004)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.tactics import Tactic
from sim.validation import check_choice, check_range

P = "policy.tactics.invitations"


@dataclass
class InvitationsConfig:
    """Settings of an invitation campaign."""

    start_day: int = 0
    days: int = 14  # campaign length
    per_day: float = 3.0  # expected joiners per day
    channel: str = "qr"  # "qr" code poster (closes at 100 members, 004) or "direct"
    hour: int = 10

    def __post_init__(self):
        check_range(f"{P}.start_day", self.start_day, 0)
        check_range(f"{P}.days", self.days, 0, 3650)
        check_range(f"{P}.per_day", self.per_day, 0.0, 500.0)
        check_choice(f"{P}.channel", self.channel, ("qr", "direct"))
        check_range(f"{P}.hour", self.hour, 0, 23)


class Invitations(Tactic):
    """Brings in new members during the campaign; the operator is their inviter."""

    name = "invitations"
    Config = InvitationsConfig

    def hours_today(self, model):  # noqa: D102
        c = self.cfg
        return (c.hour,) if c.start_day <= model.day < c.start_day + c.days else ()

    def act(self, model):  # noqa: D102
        model.add_members(model.ops_rng.poisson(self.cfg.per_day), via=self.cfg.channel)
