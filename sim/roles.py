"""The four member roles (seed 003) and per-role parameter tables.

Roles are states, not types: a member's role changes during a run (design.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.validation import check_range


class Role(IntEnum):
    """A member's current role in the group's conversation (seed 003)."""

    THINKER = 0  # posts opinions that start discussions
    CRITIC = 1  # attacks holes in the thinker's views
    ONLOOKER = 2  # follows the group, rarely speaks (~40%)
    SILENT = 3  # has muted the group; messages do not reach them (>50%)


ROLE_NAMES = tuple(r.name.lower() for r in Role)


@dataclass
class PerRole:
    """One non-negative number per role, read from YAML as a small mapping."""

    thinker: float = 0.0
    critic: float = 0.0
    onlooker: float = 0.0
    silent: float = 0.0

    def validate(self, field: str, hi: float | None = None) -> None:
        """Check every entry is in ``[0, hi]``."""
        for name in ROLE_NAMES:
            check_range(f"{field}.{name}", getattr(self, name), 0.0, hi)

    def array(self) -> np.ndarray:
        """Values indexed by ``Role``."""
        return np.array([getattr(self, n) for n in ROLE_NAMES], dtype=float)
