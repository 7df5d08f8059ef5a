"""The operator talks *with* members: replies to a share of their posts (000, 002)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import check_fields, param
from sim.model.tactics.base import Operator, Tactic

P = "policy.tactics.conversation"


@dataclass
class ConversationConfig:
    """Settings of operator replies."""

    reply_share: float = param(
        0.2,
        unit="[0-1]",
        source="002 (conversation, not monologue)",
        lo=0.0,
        hi=1.0,
        doc="P(the operator answers a member who posted this hour)",
    )

    def __post_init__(self):
        check_fields(self, P)


class Conversation(Tactic):
    """Sets the reply share; the engine posts the replies as members speak."""

    name = "conversation"
    Config = ConversationConfig

    def setup(self, model: Operator):  # noqa: D102
        model.effects.reply_share = self.cfg.reply_share
