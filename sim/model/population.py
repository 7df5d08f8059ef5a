"""Members' numeric state as arrays, one slot per member who ever joined.

Slots are never reused, so a slot index is a stable member id for the invitation tree
and ties; ``present`` marks who is still in the group. Arrays grow by doubling. The
compiled engine (``sim.model.engine``) reads and writes them through
:meth:`MemberTable.view`.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from sim.core.causes import EXIT_CAUSES
from sim.core.feed import N_CHANNELS, Channel

DAY_CHANNELS = [Channel.VALUE, Channel.SOCIAL]  # what a day's satisfaction is built from

# name -> (dtype, fill) of every per-member array
FIELDS: dict[str, tuple[type, float]] = {
    "role": (np.int8, 0),
    "present": (np.bool_, False),
    "activity": (np.float64, 0.0),  # lognormal posting multiplier (E6, E7)
    "interest": (np.float64, 0.0),  # intrinsic interest [0-1]
    "interest0": (np.float64, 0.0),  # baseline intrinsic interest [0-1]
    "fresh": (np.float64, 1.0),  # novelty of the group to the member [floor-1] (001)
    "satisfaction": (np.float64, 0.0),  # smoothed perceived value [0-1]
    "trust": (np.float64, 0.0),  # trust in group and operator [0-1]
    "sunk": (np.float64, 0.0),  # sunk cost of entry [0-1]
    "joined_day": (np.int32, 0),
    "inviter": (np.int32, -1),  # slot of inviter; -1 = the operator
    "depth": (np.int32, 0),  # depth in the invitation tree; operator = 0
    "invites": (np.int32, 0),  # successful invitations made
    "first_invite_day": (np.int32, -1),  # day of first successful invitation
    "burst": (np.float64, 0.0),  # pending follow-up invitations (E3 bursts)
    "accepted": (np.int32, 0),  # friends who accepted today's invitations, to be added
    "messages": (np.int64, 0),  # messages posted so far
    "last_post_day": (np.int32, -1),
    "friends_present": (np.int32, 0),  # ties still in the group
    "exit_cause": (np.int8, -1),
    "exit_day": (np.int32, -1),
    "replies": (np.int32, 0),  # operator replies to this member today (000, 002)
    "read_today": (np.bool_, False),
    "posted_today": (np.bool_, False),
    "tie_n": (np.int32, 0),  # number of ties (acquaintances) in ``tie_idx``
}
# name -> rows of the 2-D per-member arrays (row-major: one row per channel or cause)
MATRICES: dict[str, int] = {
    "seen": N_CHANNELS,  # channel totals at the member's last opening (sim.core.feed)
    # ``seen`` of the DAY_CHANNELS at the start of the day: what was read today is the
    # difference, with no per-reading bookkeeping
    "day_mark": len(DAY_CHANNELS),
    "pressure": len(EXIT_CAUSES),  # one row per cause with a hazard (the purge has none)
}

Members = namedtuple("Members", [*FIELDS, *MATRICES, "tie_idx"])


class MemberTable:
    """Growable per-member arrays, including the tie lists as a padded slot matrix."""

    def __init__(self, capacity: int = 128, tie_capacity: int = 8):
        self.n = 0
        self.capacity = capacity
        for name, (dtype, fill) in FIELDS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))
        for name, rows in MATRICES.items():
            setattr(self, name, np.zeros((rows, capacity)))
        # acquaintances incl. inviter and invitees: row s holds tie_n[s] slots
        self.tie_idx = np.full((capacity, tie_capacity), -1, dtype=np.int32)
        self._view: Members | None = None

    def view(self) -> Members:
        """All arrays as one named tuple for the engine (rebuilt only after growth)."""
        if self._view is None:
            self._view = Members(*(getattr(self, name) for name in Members._fields))
        return self._view

    def _grow(self, needed: int) -> None:
        cap = self.capacity
        while cap < needed:
            cap *= 2
        if cap == self.capacity:
            return
        for name, (dtype, fill) in FIELDS.items():
            new = np.full(cap, fill, dtype=dtype)
            new[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, new)
        for name, rows in MATRICES.items():
            new = np.zeros((rows, cap))
            new[:, : self.n] = getattr(self, name)[:, : self.n]
            setattr(self, name, new)
        ties = np.full((cap, self.tie_idx.shape[1]), -1, dtype=np.int32)
        ties[: self.n] = self.tie_idx[: self.n]
        self.tie_idx = ties
        self.capacity = cap
        self._view = None

    def allocate(self, k: int) -> np.ndarray:
        """Reserve ``k`` new slots and return their indices."""
        self._grow(self.n + k)
        idx = np.arange(self.n, self.n + k)
        self.n += k
        return idx

    def add_tie(self, a: int, b: int) -> bool:
        """Make ``a`` and ``b`` acquainted (symmetric). False if already tied or a == b."""
        if a == b or b in self.tie_idx[a, : self.tie_n[a]]:
            return False
        need = max(self.tie_n[a], self.tie_n[b]) + 1
        if need > self.tie_idx.shape[1]:
            wider = np.full((self.capacity, 2 * self.tie_idx.shape[1]), -1, dtype=np.int32)
            wider[:, : self.tie_idx.shape[1]] = self.tie_idx
            self.tie_idx = wider
            self._view = None
        for x, y in ((a, b), (b, a)):
            self.tie_idx[x, self.tie_n[x]] = y
            self.tie_n[x] += 1
        return True

    def ties_of(self, slot: int) -> list[int]:
        """Slots of ``slot``'s acquaintances (ever), in the order the ties were made."""
        return self.tie_idx[slot, : self.tie_n[slot]].tolist()

    @property
    def ties(self) -> list[list[int]]:
        """Every slot's acquaintances (for inspection and tests)."""
        return [self.ties_of(s) for s in range(self.n)]

    def present_idx(self) -> np.ndarray:
        """Slots of members currently in the group."""
        return np.flatnonzero(self.present[: self.n])

    def count(self) -> int:
        """Members currently in the group."""
        return int(self.present[: self.n].sum())
