"""The four member roles of seed 003.

Roles are states, not types: a member's role changes during a run (one ``Member`` class
with a ``role``, and per-role tables in the settings).
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    """A member's current role in the group's conversation (seed 003)."""

    THINKER = 0  # posts opinions that start discussions
    CRITIC = 1  # attacks holes in the thinker's views
    ONLOOKER = 2  # follows the group, rarely speaks (~40%)
    SILENT = 3  # has muted the group; messages do not reach them (>50%)


ROLE_NAMES = tuple(r.name.lower() for r in Role)
N_ROLES = len(Role)

# The engine indexes per-role tables by role number: 0 .. N_ROLES - 1, in this order.
assert [int(r) for r in Role] == list(range(N_ROLES)), "roles must be numbered 0, 1, 2, ..."
