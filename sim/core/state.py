"""Layout of the group-level state vector the compiled engine reads and writes.

Group-level scalars (the clock, the mood of the conversation, standing operator
effects) live in one float array ``g`` indexed by :class:`G`, so that Python (the model
shell, tactics, tests) and the engine share them without copying.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.core.constants import HOURS_PER_DAY, INITIAL_QUALITY
from sim.core.roles import N_ROLES


class G(IntEnum):
    """Index of each group-level scalar in the state vector."""

    T = 0  # ticks (hours) done
    DAY = 1  # current day (the closing day during the end-of-day update)
    HOUR = 2  # current hour of day
    HORIZON = 3  # ticks to run (run.days x 24)
    N_SLOTS = 4  # slots ever allocated (MemberTable.n)
    N_MEMBERS = 5  # members present
    SPAMMERS = 6  # outside spammers present (004)
    EXCITEMENT = 7  # red-packet buzz, decays within hours (E10)
    QUALITY = 8  # yesterday's mean satisfaction: how "good" the group is (004)
    JUNK = 9  # yesterday's share of messages that were noise or spam (004)
    ACTIVE_SHARE = 10  # yesterday's share of members who posted (002)
    NOISE_MARK = 11  # noise channel total at the last daily record
    PURPOSE = 12  # falls after an event group's event is over (004)
    HEAT = 13  # heat of the current debate (003)
    FIGHT = 14  # fight intensity; 0 = no fight (003)
    QUIET_STREAK = 15  # consecutive quiet days (death rule)
    DEAD = 16  # 1 once the death rule fired
    LIFESPAN = 17  # lifespan in days, once dead
    MEMBERS_PEAK = 18  # most members present at a day's end (or at day 0)
    MEMBER_HOURS = 19  # sum over ticks of members present when the hour began
    N_EXITS = 20  # entries in the exit log not yet handed to Mesa
    DAYS_RECORDED = 21  # rows of the daily table filled
    SUBSTANTIVE = 22  # 4 entries by role: this hour's substantive member posts
    # standing operator effects (sim.model.effects)
    MODERATION = 26  # P(an incident is handled) per on-duty hour (003)
    SPAM_BLOCK = 27  # share of spammer joins and posts stopped by rules (002, 004)
    CHIT_SUPPRESS = 28  # share of chit-chat suppressed by rules (002)
    CHILL = 29  # share of posting suppressed by fear of imposed rules (002)
    CONTAGION = 30  # participation contagion from shared-value rules (002)
    SCREENING = 31  # entry threshold: screens joiners and spammers (004)
    STEER = 32  # share of fight risk removed by steering debates (003)
    REPLY_SHARE = 33  # share of member posts the operator answers (000, 002)
    # a group's age (sim.model.lifecycle)
    NOVELTY = 34  # the group's novelty [floor-1]: fades with age, renewed by joins (001)
    EFFORT = 35  # the operator's realised effort today [0-1]: wanes over months (003)
    FATIGUE = 36  # days of effort the operator has spent (a relaunch takes some back)
    SLOTS_MARK = 37  # N_SLOTS at the last daily update: newcomers since are new blood
    ON_DUTY = 38  # 24 entries: 1 in the hours moderators watch (003)
    SIZE = 62


def new_state(horizon_ticks: int) -> np.ndarray:
    """A fresh state vector: hour 0 of day 0, nothing happened yet."""
    g = np.zeros(G.SIZE)
    g[G.HORIZON] = horizon_ticks
    g[G.QUALITY] = INITIAL_QUALITY  # before the first day's record
    g[G.PURPOSE] = 1.0
    g[G.NOVELTY] = g[G.EFFORT] = 1.0  # a new group, a fresh operator
    return g


# Blocks of entries the engine addresses as first index + offset must not overlap.
assert G.SUBSTANTIVE + N_ROLES == G.MODERATION, "SUBSTANTIVE holds one entry per role"
assert G.ON_DUTY + HOURS_PER_DAY == G.SIZE, "ON_DUTY holds one entry per hour of the day"
