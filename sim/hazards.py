"""Why members mute or leave: per-cause pressures and competing hazards.

Each cause builds a pressure per member from what the member has read (or, for slow
causes, from their state). Hazard of leaving = ``exit_rate[cause] x pressure x
exit_role[role]``; the causes compete, and the cause of an exit is drawn in proportion
to its hazard. Muting works the same way with ``mute_rate`` for members not yet silent.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Cause(IntEnum):
    """Recorded cause of a member's exit (domain.md section 3)."""

    ADS = 0  # spam or sales posts (004, 000)
    NOISE = 1  # unread chit-chat backlog and chicken soup (004, 000)
    FIGHT = 2  # hostility after an unmoderated fight (003)
    RULES = 3  # resentment and fear at imposed rules and purges (002)
    LOW_VALUE = 4  # the group gives too little (003)
    FRIENDS_LEFT = 5  # acquaintances inside have left (000)
    PURGED = 6  # removed by the operator's purge of inactive members (000)


CAUSE_NAMES = tuple(c.name.lower() for c in Cause)
# Causes with a pressure that builds and decays (half-life in config).
PRESSURE_CAUSES = ("ads", "noise", "fight", "rules", "friends_left")
# Causes with an exit/mute rate in config (the operator's purge is not a hazard).
EXIT_CAUSES = ("ads", "noise", "fight", "rules", "low_value", "friends_left")
IMMEDIATE = np.array([Cause.ADS, Cause.NOISE, Cause.FIGHT, Cause.RULES])  # felt when reading
SLOW = np.array([Cause.LOW_VALUE, Cause.FRIENDS_LEFT])  # felt once a day
N_HAZARD_CAUSES = len(EXIT_CAUSES)


def draw_outcomes(
    rng: np.random.Generator,
    pressure: np.ndarray,
    rates: np.ndarray,
    exit_scale: np.ndarray,
    can_mute: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw who leaves (and why) and who mutes, from per-cause pressures.

    Hazard of leaving for cause k is ``rates[0, k] x pressure[k] x exit_scale``; of
    muting ``rates[1, k] x pressure[k]`` where ``can_mute``. Causes compete: P(leave)
    = 1 - exp(-total exit hazard), and the cause is drawn in proportion to its hazard.
    A member who stays mutes with P = 1 - exp(-total mute hazard).

    One uniform ``u`` per member decides all three, which is exact: given ``u < p``
    (leave), ``u / p`` is uniform and picks the cause; given ``u >= p`` (stay),
    ``(u - p) / (1 - p)`` is uniform, and it falls below the mute probability exactly
    when ``u < 1 - exp(-(exit + mute hazard))``.

    Args:
        rng: the behaviour stream.
        pressure: shape (causes, members).
        rates: shape (2, causes): exit rates, then mute rates.
        exit_scale: per member (role multiplier, retention).
        can_mute: per member, False for those already silent.

    Returns:
        (leave, cause, mute): a mask of leavers, the cause index of each leaver (in
        the order of ``pressure``'s rows), and a mask of muters among those who stay.
    """
    h = rates @ pressure
    h[0] *= exit_scale
    h[1] *= can_mute
    u = rng.random(h.shape[1])
    p_leave = -np.expm1(-h[0])
    leave = u < p_leave
    cause = _NO_CAUSE
    if leave.any():
        cum = np.cumsum(rates[0][:, None] * pressure[:, leave], axis=0)
        cause = (cum < (u[leave] / p_leave[leave]) * cum[-1]).sum(axis=0)
    mute = ~leave & (u < -np.expm1(-(h[0] + h[1])))
    return leave, cause, mute


_NO_CAUSE = np.zeros(0, dtype=np.int64)
