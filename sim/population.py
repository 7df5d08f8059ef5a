"""Members' numeric state as arrays, one slot per member who ever joined.

Slots are never reused, so a slot index is a stable member id for the invitation tree
and ties; ``present`` marks who is still in the group. Arrays grow by doubling.
"""

from __future__ import annotations

import numpy as np

from sim.feed import N_CHANNELS, Channel
from sim.hazards import Cause

DAY_CHANNELS = [Channel.VALUE, Channel.SOCIAL]  # what a day's satisfaction is built from

# name -> (dtype, fill) of every per-member array
FIELDS: dict[str, tuple[type, float]] = {
    "role": (np.int8, 0),
    "present": (np.bool_, False),
    "activity": (np.float64, 0.0),  # lognormal posting multiplier (E6, E7)
    "interest": (np.float64, 0.0),  # intrinsic interest [0-1]
    "interest0": (np.float64, 0.0),  # baseline intrinsic interest [0-1]
    "satisfaction": (np.float64, 0.0),  # smoothed perceived value [0-1]
    "trust": (np.float64, 0.0),  # trust in group and operator [0-1]
    "sunk": (np.float64, 0.0),  # sunk cost of entry [0-1]
    "joined_day": (np.int32, 0),
    "inviter": (np.int32, -1),  # slot of inviter; -1 = the operator
    "depth": (np.int32, 0),  # depth in the invitation tree; operator = 0
    "invites": (np.int32, 0),  # successful invitations made
    "first_invite_day": (np.int32, -1),  # day of first successful invitation
    "burst": (np.float64, 0.0),  # pending follow-up invitations (E3 bursts)
    "messages": (np.int64, 0),  # messages posted so far
    "last_post_day": (np.int32, -1),
    "friends_present": (np.int32, 0),  # ties still in the group
    "exit_cause": (np.int8, -1),
    "exit_day": (np.int32, -1),
    "replies": (np.int32, 0),  # operator replies to this member today (000, 002)
    "read_today": (np.bool_, False),
    "posted_today": (np.bool_, False),
}


class MemberTable:
    """Growable per-member arrays plus the tie lists."""

    def __init__(self, capacity: int = 128):
        self.n = 0
        self.capacity = capacity
        for name, (dtype, fill) in FIELDS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))
        self.seen = np.zeros((N_CHANNELS, capacity))  # channel totals at last opening
        # ``seen`` of the DAY_CHANNELS at the start of the day: what was read today is
        # the difference, with no per-reading bookkeeping
        self.day_mark = np.zeros((len(DAY_CHANNELS), capacity))
        self.pressure = np.zeros((len(Cause) - 1, capacity))  # per cause, purge excluded
        self.ties: list[list[int]] = []  # acquaintances, incl. inviter and invitees

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
        for name in ("seen", "pressure", "day_mark"):
            old = getattr(self, name)
            new = np.zeros((old.shape[0], cap))
            new[:, : self.n] = old[:, : self.n]
            setattr(self, name, new)
        self.capacity = cap

    def allocate(self, k: int) -> np.ndarray:
        """Reserve ``k`` new slots and return their indices."""
        self._grow(self.n + k)
        idx = np.arange(self.n, self.n + k)
        self.n += k
        self.ties.extend([] for _ in range(k))
        return idx

    def present_idx(self) -> np.ndarray:
        """Slots of members currently in the group."""
        return np.flatnonzero(self.present[: self.n])

    def count(self) -> int:
        """Members currently in the group."""
        return int(self.present[: self.n].sum())
