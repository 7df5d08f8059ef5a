"""Thinker -> critic -> onlooker discussion chains and fights (seed 003).

Group-level state: *heat* (how hot the current debate is) and *fight* intensity, in the
state vector (``sim.core.state``). Thinker posts spark heat; critics add heat in proportion
to how assailable thinkers are (1 - authority); heat pulls critics and onlookers into
posting. Above a threshold a debate can become a fight: lively at once, escalating each
hour unless a moderator steps in or it burns out; readers of a fight build up pressure
to leave. Parameters come from ``behaviour.discussion`` via ``sim.model.params.Params``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.config.schema import DiscussionConfig
from sim.core.constants import DEFUSED_HEAT_LEFT, ONLOOKER_FIGHT_SHARE
from sim.core.roles import N_ROLES, Role
from sim.core.state import G

# fight_hour outcomes (counted in the daily table as fights / fights_defused)
QUIET, STARTED, DEFUSED, ENDED, ONGOING = 0, 1, 2, 3, 4


def role_sensitivities(cfg: DiscussionConfig, authority: float) -> tuple[np.ndarray, np.ndarray]:
    """Posting boost per unit heat and per unit fight, by role.

    Critics need something to attack: their pull shrinks with the thinkers' authority
    (003). Silent members are not reading, so they are not pulled.
    """
    heat = np.array([0.0, cfg.critic_pull * (1.0 - authority), cfg.onlooker_pull, 0.0])
    fight = np.array(
        [cfg.fight_posts, cfg.fight_posts, ONLOOKER_FIGHT_SHARE * cfg.fight_posts, 0.0]
    )
    return heat, fight


@njit(cache=True, inline="always")
def felt(p, heat):
    """Heat as felt by readers: attention saturates (assumption)."""
    return heat / (1.0 + heat / p.heat_cap)


@njit(cache=True, inline="always")
def post_multipliers(p, g, out, prompt_out):
    """Fill the posting multipliers per role: from the debate and fight (``out``).

    ``prompt_out`` gets the extra multiplier for a reader who read a discussion prompt
    (003: prompts draw people in).
    """
    f = felt(p, g[G.HEAT])
    extra = felt(p, g[G.HEAT] + p.prompt_heat) - f
    for r in range(N_ROLES):
        out[r] = 1.0 + p.heat_sens[r] * f + p.fight_sens[r] * g[G.FIGHT]
        prompt_out[r] = p.heat_sens[r] * extra


@njit(cache=True, inline="always")
def after_posts(p, g):
    """Update heat from this hour's substantive posts by role (G.SUBSTANTIVE)."""
    spark = p.spark * g[G.SUBSTANTIVE + Role.THINKER]
    debate = p.critic_gain * (1.0 - p.authority) * g[G.SUBSTANTIVE + Role.CRITIC]
    g[G.HEAT] = g[G.HEAT] * p.heat_decay + spark + debate


@njit(cache=True, inline="always")
def fight_hour(rng, p, g, moderated):
    """Advance the fight state by one hour.

    Args:
        rng: the behaviour stream.
        p: engine parameters.
        g: state vector (HEAT, FIGHT, STEER are read; HEAT and FIGHT written).
        moderated: P(a moderator handles an incident this hour).

    Returns:
        STARTED, DEFUSED, ENDED, ONGOING or QUIET (no fight).
    """
    if g[G.FIGHT] == 0.0:
        excess = max(0.0, g[G.HEAT] - p.fight_threshold)
        if excess > 0.0 and rng.random() < -math.expm1(-p.fight_rate * excess * (1.0 - g[G.STEER])):
            g[G.FIGHT] = 1.0
            return STARTED
        return QUIET
    if moderated > 0.0 and rng.random() < moderated:
        g[G.FIGHT] = 0.0
        g[G.HEAT] *= DEFUSED_HEAT_LEFT
        return DEFUSED
    if rng.random() < p.fight_burnout:
        g[G.FIGHT] = 0.0
        return ENDED
    g[G.FIGHT] *= p.fight_growth
    return ONGOING


class Debate:
    """Heat and fight intensity by name, a view onto the state vector.

    For inspection, and for scenarios that start a fight by hand.
    """

    def __init__(self, g: np.ndarray):
        self._g = g

    @property
    def heat(self) -> float:
        """How hot the current debate is."""
        return float(self._g[G.HEAT])

    @heat.setter
    def heat(self, value: float) -> None:
        self._g[G.HEAT] = value

    @property
    def fight(self) -> float:
        """Fight intensity; 0 = no fight."""
        return float(self._g[G.FIGHT])

    @fight.setter
    def fight(self, value: float) -> None:
        self._g[G.FIGHT] = value
