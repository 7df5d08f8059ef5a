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
    rng: np.random.Generator, pressure: np.ndarray, rates: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw who leaves (and why) and who mutes, from per-cause pressures.

    Hazard of leaving for cause k is ``rates[0, k] x pressure[k] x scale[0]``; of
    muting ``rates[1, k] x pressure[k] x scale[1]``. Causes compete: P(leave) =
    1 - exp(-total exit hazard), and the cause is drawn in proportion to its hazard. A
    member who stays mutes with P = 1 - exp(-total mute hazard).

    One standard exponential ``e`` per member decides both, exactly: leave if ``e <
    exit hazard``; else mute if ``e < exit + mute hazard`` (given ``e`` above the exit
    hazard, the excess is again standard exponential). Most hours nobody does either,
    and then nothing else is computed. The cause of each exit takes one more uniform.

    Args:
        rng: the behaviour stream.
        pressure: shape (causes, members).
        rates: shape (2, causes): exit rates, then mute rates.
        scale: shape (2, members): exit multiplier (role, retention), then 1 where the
            member can mute (not yet silent), else 0.

    Returns:
        (leave, cause, mute): positions of leavers, the cause index of each (in the
        order of ``pressure``'s rows), and positions of muters.
    """
    h = (rates @ pressure) * scale
    h[1] += h[0]
    e = rng.standard_exponential(h.shape[1])
    event = e < h[1]
    if not event.any():
        return _NONE, _NONE, _NONE
    leave = e < h[0]
    pos = np.flatnonzero(leave)
    cause = _NONE
    if pos.size:
        cum = np.cumsum(rates[0][:, None] * pressure[:, pos], axis=0)
        cause = (cum < rng.random(pos.size) * cum[-1]).sum(axis=0)
    return pos, cause, np.flatnonzero(event & ~leave)


_NONE = np.zeros(0, dtype=np.int64)
