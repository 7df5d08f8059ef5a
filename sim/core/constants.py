"""Fixed numbers of the platform and the model: not configurable (docs/model.md 7.19).

A number the model uses in a rule but does not expose as a setting is named here, with
its meaning and source, so the engine and the model shell hold no bare numbers. They
are plain module constants: the compiled engine (Numba) folds them in at compile time.
"""

from __future__ import annotations

# --- platform rules (WeChat; E12, 004) ------------------------------------------------

MAX_GROUP_SIZE = 500
"""Most members (and spammers) a group can hold (E12)."""
QR_JOIN_LIMIT = 100
"""Joining by QR code stops at this many members and spammers (004, E12)."""
HOURS_PER_DAY = 24
"""Ticks per day: one tick is one hour."""

# --- joining (docs 7.15) -----------------------------------------------------------------

NEWCOMER_SATISFACTION = 0.6
"""Satisfaction of a member on joining: newcomers start hopeful (assumption)."""
BETA_CONCENTRATION = 6.0
"""Concentration a + b of the Beta draws of a joiner's interest and trust (assumption)."""
FULL_SUNK_FEE = 100.0
"""Entry fee [yuan] that makes a joiner's sunk cost 1 (fee / 100, capped at 1; assumption)."""
SCREEN_INTEREST_LIFT = 0.5
"""Screening moves joiners' mean interest this share of the way to 1, x screening (004)."""
SCREEN_ACCEPT_CUT = 0.5
"""Screening cuts the acceptance of members' invitations by this share, x screening (004)."""

# --- the group's initial state (docs 2.2) ------------------------------------------------

INITIAL_QUALITY = 0.5
"""Group quality (yesterday's mean satisfaction) before the first day closes (assumption)."""

# --- discussion and fights (docs 7.5-7.7) ------------------------------------------------

DEBATE_HEAT = 1.0
"""Heat above which onlookers who post count as drawn into a debate (003)."""
ONLOOKER_FIGHT_SHARE = 0.1
"""An onlooker's posting boost from a fight, as a share of the debaters' (assumption)."""
DEFUSED_HEAT_LEFT = 0.3
"""Share of a debate's heat left after a moderator defuses its fight (assumption)."""

# --- red packets (docs 7.8) --------------------------------------------------------------

RETURN_DELAY_HOURS = (1, 23)
"""A packet sent back goes out a uniform whole number of hours in this range after the
original closes (E9: within 24 h)."""

# --- numerics ----------------------------------------------------------------------------

LOG_GUARD = 1e-300
"""Added to a posting rate before taking its log, so a rate of 0 draws 0 messages."""
