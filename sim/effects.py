"""Standing effects the operator's tactics put on the group (set in ``Tactic.setup``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OperatorEffects:
    """Group-wide modifiers; all zero means a group left alone (hands_off)."""

    moderation_rate: float = 0.0  # P(an incident is handled) per on-duty hour (003)
    on_duty: frozenset[int] = field(default_factory=frozenset)  # hours moderators watch
    spam_block: float = 0.0  # share of spammer joins and posts stopped by rules (002, 004)
    chit_suppress: float = 0.0  # share of chit-chat suppressed by rules (002)
    chill: float = 0.0  # share of posting suppressed by fear of imposed rules (002)
    contagion: float = 0.0  # participation contagion from shared-value rules (002)
    screening: float = 0.0  # entry threshold: screens joiners and spammers (004)
    steer: float = 0.0  # share of fight risk removed by steering debates (003)
    reply_share: float = 0.0  # share of member posts the operator answers (000, 002)
