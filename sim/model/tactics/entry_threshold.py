"""Entry threshold: screening of joiners (004: targeted invitation, activity screening)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import check_fields, param
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.entry_threshold"


@dataclass
class EntryThresholdConfig:
    """Settings of the entry threshold."""

    screening: float = param(
        0.5, unit="[0-1]", source="003, 004", lo=0.0, hi=1.0,
        doc="screening strength: fewer, better-matched joiners, fewer spammers, and a sunk "
        "cost that keeps some silent members in",
    )  # fmt: skip

    def __post_init__(self):
        check_fields(self, P)


class EntryThreshold(Tactic):
    """Sets the screening effect the model applies to every joiner."""

    name = "entry_threshold"
    Config = EntryThresholdConfig

    def setup(self, model: Operator):  # noqa: D102
        model.effects.screening = self.cfg.screening
