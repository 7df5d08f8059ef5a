"""A group's age: its traits at founding, the operator's effort, and fading novelty.

Three rules make a group age (docs/model.md 7.20-7.23):

- **every group is its own** (:func:`draw_traits`): at founding a group draws the
  founder's energy, the topic's appeal, the density of the members' ties and the
  members' mean interest, on the population stream before any member is drawn;
- **the operator tires** (:func:`operator_effort`): realised effort wanes with the days
  worked, more slowly for a team and an energetic founder;
- **novelty wears off** (:func:`age_group`, :func:`freshen`): the group's novelty and
  each member's freshness fade towards a floor unless something new renews them; a
  member's interest drifts towards ``baseline x freshness x novelty``.

Drifting away for reasons outside the group is drawn with the slow hazards in
``sim.model.engine.end_of_day``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from sim.config.schema import SimConfig
from sim.core.state import G

TRAIT_NAMES = ("energy", "appeal", "ties", "interest", "tolerance")


class GroupTraits(NamedTuple):
    """What makes one group unlike another of its type (``behaviour.traits``)."""

    energy: float = 1.0  # x the operator's effort half-life
    appeal: float = 1.0  # x the novelty half-lives of members and group
    ties: float = 1.0  # x group.extra_ties
    interest: float = 0.6  # the members' mean interest (a Beta mean)
    tolerance: float = 1.0  # / the pressure read ads, noise, soup, rules and fights build


def _mean_one_lognormal(z: float, sigma: float) -> float:
    return math.exp(sigma * z - sigma**2 / 2)


def draw_traits(rng: np.random.Generator, cfg: SimConfig) -> GroupTraits:
    """Draw a group's traits: always five normal draws, in ``TRAIT_NAMES`` order.

    The draws come first on the population stream, so replicate r starts from the same
    group under every policy; a spread of 0 gives the group type's own value.
    """
    t, mean = cfg.behaviour.traits, cfg.group.interest_mean
    z = rng.standard_normal(len(TRAIT_NAMES))
    logit = math.log(mean / (1.0 - mean)) + t.interest_sd * z[3]
    return GroupTraits(
        energy=_mean_one_lognormal(z[0], t.energy_sigma),
        appeal=_mean_one_lognormal(z[1], t.appeal_sigma),
        ties=_mean_one_lognormal(z[2], t.ties_sigma),
        interest=1.0 / (1.0 + math.exp(-logit)),
        tolerance=_mean_one_lognormal(z[4], t.tolerance_sigma),
    )


def operator_effort(cfg: SimConfig, traits: GroupTraits, fatigue: float) -> float:
    """Share of the planned effort the operator delivers after ``fatigue`` days worked.

    ``floor + (1 - floor) x 2^(-fatigue / (half_life x team^team_exponent x energy))``
    (``behaviour.operator``): 1 for a fresh operator, or always 1 with fatigue off.
    """
    oc = cfg.behaviour.operator
    if not oc.fatigue:
        return 1.0
    half_life = oc.half_life_days * cfg.policy.team_size**oc.team_exponent * traits.energy
    return oc.floor + (1.0 - oc.floor) * 2.0 ** (-fatigue / half_life)


@njit(cache=True, inline="always")
def age_group(p, g):
    """Once a day: the group's novelty fades, and newcomers since yesterday renew it (001).

    Returns:
        Today's novelty (1 with novelty off).
    """
    if not p.novelty:
        return 1.0
    newcomers = g[G.N_SLOTS] - g[G.SLOTS_MARK]  # slots are never reused
    g[G.SLOTS_MARK] = g[G.N_SLOTS]
    nov = p.floor + (g[G.NOVELTY] - p.floor) * p.group_keep
    nov += p.renew_joins * min(newcomers / max(g[G.N_MEMBERS], 1.0), 1.0) * (1.0 - nov)
    g[G.NOVELTY] = nov
    return nov


@njit(cache=True, inline="always")
def freshen(p, fresh, i, content, social):
    """Member ``i``'s freshness fades; useful content and discussion read renew it (003).

    Returns:
        The member's freshness today (1 with novelty off).
    """
    if not p.novelty:
        return 1.0
    f = p.floor + (fresh[i] - p.floor) * p.member_keep
    f += min(p.renew_content * content + p.renew_social * social, 1.0) * (1.0 - f)
    fresh[i] = f
    return f


def renew(g: np.ndarray, m, share: float) -> None:
    """Restore ``share`` of the novelty the group and its members have lost (a relaunch).

    Args:
        g: the state vector.
        m: the ``MemberTable``.
        share: in [0, 1].
    """
    g[G.NOVELTY] += share * (1.0 - g[G.NOVELTY])
    idx = m.present_idx()
    m.fresh[idx] += share * (1.0 - m.fresh[idx])
