"""The Mesa agent: one per member, a view onto its row of the member arrays."""

from __future__ import annotations

from typing import Protocol

import mesa

from sim.core.causes import Cause
from sim.core.roles import Role
from sim.model.population import MemberTable


class HasMembers(Protocol):
    """What a member agent needs of its model: the member arrays."""

    members: MemberTable


class Member(mesa.Agent):
    """A group member. Its numeric state lives in ``model.members``, one row (slot) each.

    The agent exists while the member is in the group; its attributes read the
    arrays, so inspection, ``AgentSet.groupby`` and visualisation see live values.
    """

    model: HasMembers

    def __init__(self, model: mesa.Model, slot: int):
        super().__init__(model)
        self.slot = slot

    @property
    def role(self) -> Role:
        """Current role (thinker, critic, onlooker, silent)."""
        return Role(int(self.model.members.role[self.slot]))

    @property
    def satisfaction(self) -> float:
        """Smoothed perceived value of the group [0-1]."""
        return float(self.model.members.satisfaction[self.slot])

    @property
    def trust(self) -> float:
        """Trust in the group and its operator [0-1]."""
        return float(self.model.members.trust[self.slot])

    @property
    def interest(self) -> float:
        """Intrinsic interest [0-1]."""
        return float(self.model.members.interest[self.slot])

    @property
    def messages(self) -> int:
        """Messages posted so far."""
        return int(self.model.members.messages[self.slot])

    @property
    def inviter(self) -> int:
        """Slot of the member who invited this one; -1 for the operator."""
        return int(self.model.members.inviter[self.slot])

    @property
    def invitees(self) -> list[int]:
        """Slots of members this one invited."""
        m = self.model.members
        return [int(i) for i in (m.inviter[: m.n] == self.slot).nonzero()[0]]

    @property
    def friends(self) -> list[int]:
        """Slots of this member's acquaintances in the group (ever)."""
        return self.model.members.ties_of(self.slot)

    @property
    def exit_cause(self) -> Cause | None:
        """Why the member left, or None while present."""
        c = int(self.model.members.exit_cause[self.slot])
        return None if c < 0 else Cause(c)
