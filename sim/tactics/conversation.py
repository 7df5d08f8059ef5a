"""The operator talks *with* members: replies to a share of their posts (000, 002)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.tactics import Tactic
from sim.validation import check_range

P = "policy.tactics.conversation"


@dataclass
class ConversationConfig:
    """Settings of operator replies."""

    reply_share: float = 0.2  # P(the operator answers a member who posted this hour) (002)

    def __post_init__(self):
        check_range(f"{P}.reply_share", self.reply_share, 0.0, 1.0)


class Conversation(Tactic):
    """Sets the reply share; the model posts the replies as members speak."""

    name = "conversation"
    Config = ConversationConfig

    def setup(self, model):  # noqa: D102
        model.effects.reply_share = self.cfg.reply_share
