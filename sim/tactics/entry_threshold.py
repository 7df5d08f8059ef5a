"""Entry threshold: screening of joiners (004: targeted invitation, activity screening)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.entry_threshold"


@dataclass
class EntryThresholdConfig:
    """Settings of the entry threshold."""

    screening: float = 0.5  # strength of screening [0-1]: fewer, better-matched joiners,
    # fewer spammers, and a sunk cost that keeps some silent members in (003, 004)

    def __post_init__(self):
        check_range(f"{P}.screening", self.screening, 0.0, 1.0)


class EntryThreshold(Tactic):
    """Sets the screening effect the model applies to every joiner."""

    name = "entry_threshold"
    Config = EntryThresholdConfig

    def setup(self, model):  # noqa: D102
        model.effects.screening = self.cfg.screening
