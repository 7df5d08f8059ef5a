"""Standing effects the operator's tactics put on the group (set in ``Tactic.setup``)."""

from __future__ import annotations

import numpy as np

from sim.core.constants import HOURS_PER_DAY
from sim.core.state import G


def _effect(index: G, doc: str) -> property:
    def get(self) -> float:
        return float(self._g[index])

    def set_(self, value: float) -> None:
        self._g[index] = value

    return property(get, set_, doc=doc)


class OperatorEffects:
    """Group-wide modifiers, a view onto the state vector; all zero = left alone (hands_off).

    Args:
        g: the model's state vector (``sim.core.state``), which the engine reads.
    """

    def __init__(self, g: np.ndarray):
        self._g = g

    moderation_rate = _effect(G.MODERATION, "P(an incident is handled) per on-duty hour (003)")
    spam_block = _effect(G.SPAM_BLOCK, "share of spammer joins and posts stopped (002, 004)")
    chit_suppress = _effect(G.CHIT_SUPPRESS, "share of chit-chat suppressed by rules (002)")
    chill = _effect(G.CHILL, "share of posting suppressed by fear of imposed rules (002)")
    contagion = _effect(G.CONTAGION, "participation contagion from shared-value rules (002)")
    screening = _effect(G.SCREENING, "entry threshold: screens joiners and spammers (004)")
    steer = _effect(G.STEER, "share of fight risk removed by steering debates (003)")
    reply_share = _effect(G.REPLY_SHARE, "share of member posts the operator answers (000, 002)")

    @property
    def on_duty(self) -> frozenset[int]:
        """Hours of the day moderators watch (003)."""
        return frozenset(np.flatnonzero(self._g[G.ON_DUTY : G.ON_DUTY + HOURS_PER_DAY]).tolist())

    @on_duty.setter
    def on_duty(self, hours) -> None:
        self._g[G.ON_DUTY : G.ON_DUTY + HOURS_PER_DAY] = 0.0
        self._g[[G.ON_DUTY + h for h in hours]] = 1.0
