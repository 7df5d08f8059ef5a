"""Why members mute or leave: per-cause pressures and competing hazards.

Each cause builds a pressure per member from what the member has read (or, for slow
causes, from their state). Hazard of leaving = ``exit_rate[cause] x pressure x
exit_role[role]``; the causes compete, and the cause of an exit is drawn in proportion
to its hazard. Muting works the same way with ``mute_rate`` for members not yet silent.
"""

from __future__ import annotations

from numba import njit

NOTHING, MUTE = -1, -2  # outcomes of draw_outcome besides a cause of leaving


@njit(cache=True, inline="always")
def draw_outcome(rng, pressure, i, first, rates, exit_scale, can_mute):
    """Draw whether member ``i`` leaves (and why), mutes, or neither.

    Hazard of leaving for cause k is ``rates[0][k] x pressure[first + k, i] x
    exit_scale``; of muting ``rates[1][k] x pressure[first + k, i] x can_mute``. Causes
    compete: P(leave) = 1 - exp(-total exit hazard), and the cause is drawn in
    proportion to its hazard. A member who stays mutes with P = 1 - exp(-total mute
    hazard).

    One standard exponential ``e`` decides both, exactly: leave if ``e < exit hazard``;
    else mute if ``e < exit + mute hazard`` (given ``e`` above the exit hazard, the
    excess is again standard exponential). The cause of an exit takes one more uniform.

    Args:
        rng: the behaviour stream.
        pressure: per-cause pressures, shape (causes, slots).
        i: the member's slot.
        first: row of ``pressure`` of the first cause in ``rates``.
        rates: (exit rates, mute rates), one number per cause each.
        exit_scale: exit multiplier (role, retention).
        can_mute: 1.0 if the member is not silent yet, else 0.0.

    Returns:
        The ``Cause`` of leaving, ``MUTE`` or ``NOTHING``.
    """
    leave = mute = 0.0
    for k in range(len(rates[0])):
        leave += rates[0][k] * pressure[first + k, i]
        mute += rates[1][k] * pressure[first + k, i]
    e = rng.standard_exponential()
    if e >= leave * exit_scale + mute * can_mute:
        return NOTHING
    if e >= leave * exit_scale:
        return MUTE
    target = rng.random() * leave
    cum = 0.0
    for k in range(len(rates[0])):
        cum += rates[0][k] * pressure[first + k, i]
        if cum > target:
            return first + k
    return first + len(rates[0]) - 1
