"""Why members leave: the recorded exit causes (docs/domain.md)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Cause(IntEnum):
    """Recorded cause of a member's exit."""

    ADS = 0  # spam or sales posts (004, 000)
    NOISE = 1  # unread chit-chat backlog and chicken soup (004, 000)
    FIGHT = 2  # hostility after an unmoderated fight (003)
    RULES = 3  # resentment and fear at imposed rules and purges (002)
    LOW_VALUE = 4  # the group gives too little (003)
    FRIENDS_LEFT = 5  # acquaintances inside have left (000)
    PURGED = 6  # removed by the operator's purge of inactive members (000)
    DRIFTED = 7  # life outside the group: a new job, a move, a new circle (assumption)


CAUSE_NAMES = tuple(c.name.lower() for c in Cause)
# Causes with an exit/mute rate per unit pressure in config: all but the operator's purge
# (not a hazard) and drifting away (a background rate, behaviour.lifecycle). Each has a
# row of the members' pressure matrix, in this order.
EXIT_CAUSES = CAUSE_NAMES[: Cause.PURGED]
# Causes whose pressure builds from exposure and decays with a half-life (low value is
# recomputed from satisfaction every day instead).
PRESSURE_CAUSES = tuple(c for c in EXIT_CAUSES if c != "low_value")
IMMEDIATE = np.array([Cause.ADS, Cause.NOISE, Cause.FIGHT, Cause.RULES])  # felt when reading
SLOW = np.array([Cause.LOW_VALUE, Cause.FRIENDS_LEFT])  # felt once a day

# The engine draws an immediate cause as row 0 + k and a slow one as LOW_VALUE + k of
# the pressure matrix, and the purge and drifting have no row: the order is load-bearing.
assert [int(c) for c in Cause] == list(range(len(Cause)))
assert IMMEDIATE.tolist() == list(range(len(IMMEDIATE)))
assert SLOW.tolist() == list(range(len(IMMEDIATE), len(IMMEDIATE) + len(SLOW)))
assert len(IMMEDIATE) + len(SLOW) == len(EXIT_CAUSES) == Cause.PURGED
assert Cause.DRIFTED == len(Cause) - 1
