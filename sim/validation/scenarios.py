"""Scenarios: the sets of runs the validation battery makes, as data.

A :class:`Scenario` is a config (Hydra overrides), a horizon, replicate counts in full
and quick mode, and a probe (``sim.validation.probes``). The mixed population of new
groups (E1, E5) draws each group's type and policy from fixed weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

REPLICATES = 30  # runs per scenario in full mode (the issue asks for >= 30)
# runs per scenario whose lifespans are compared by a log-rank test: lifespans are noisy
# and often censored, and 30 runs a side detect only large differences
LIFESPAN_REPLICATES = 100
QUICK_REPLICATES = 5  # runs per scenario with --quick (CI)

# Mixed population of new groups (E1, E5): group types and operator policies in the
# proportions new groups are assumed to occur. **assumption**: no source gives them; also
# the population of calibration stage 2 (``sim.validation.calibrate``, other seeds): 40% event
# groups, the short-lived kind of E1's dichotomy, and most groups not actively run. The
# validation draws its own groups and seeds (out of sample).
MIX_GROUPS = {
    "temporary": 0.40,
    "relationship": 0.15,
    "interest": 0.12,
    "learning": 0.10,
    "product": 0.10,
    "paid": 0.05,
    "kol": 0.08,
}
MIX_POLICIES = {"hands_off": 0.75, "money": 0.15, "feelings": 0.10}
MIX_STREAM = 104  # the mixture's draws come from SeedSequence([base seed, MIX_STREAM])
MIX_OFFSET = 100_000  # mixture run r has seed replicate_seed(base seed, MIX_OFFSET + r)


def mixture_draws(n: int, base_seed: int) -> list[tuple[str, str]]:
    """Group type and policy of each of ``n`` mixture groups, drawn from the base seed.

    Group type and policy are drawn independently from ``MIX_GROUPS`` and
    ``MIX_POLICIES``; the first k draws are the same for any n >= k.
    """
    rng = np.random.default_rng(np.random.SeedSequence([base_seed, MIX_STREAM]))
    u = rng.random((n, 2))
    groups, gw = list(MIX_GROUPS), np.cumsum(list(MIX_GROUPS.values()))
    policies, pw = list(MIX_POLICIES), np.cumsum(list(MIX_POLICIES.values()))
    gi = np.minimum(np.searchsorted(gw / gw[-1], u[:, 0], side="right"), len(groups) - 1)
    pi = np.minimum(np.searchsorted(pw / pw[-1], u[:, 1], side="right"), len(policies) - 1)
    return [(groups[g], policies[p]) for g, p in zip(gi, pi, strict=True)]


@dataclass(frozen=True)
class Scenario:
    """A configuration, a horizon, replicate counts and a probe: one set of runs.

    Attributes:
        name: key used by patterns and in ``runs.parquet``.
        label: short description for the table.
        overrides: Hydra overrides (``run.days`` is added from ``days``).
        days, quick_days: horizon in full and quick mode (quick: ``days`` if None).
        replicates, quick_replicates: runs in full and quick mode.
        probe: a key of ``PROBES``.
        kwargs: the probe's arguments.
        mixture: if True, each replicate's group type and policy are drawn by
            ``mixture_draws`` (``overrides`` then apply on top of those).
    """

    name: str
    label: str
    overrides: tuple[str, ...] = ()
    days: int = 730
    quick_days: int | None = None
    replicates: int = REPLICATES
    quick_replicates: int = QUICK_REPLICATES
    probe: str = "observe"
    kwargs: Mapping[str, object] = field(default_factory=dict)
    mixture: bool = False

    def horizon(self, quick: bool) -> int:
        """Days simulated per run."""
        return (self.quick_days or self.days) if quick else self.days

    def n_runs(self, quick: bool) -> int:
        """Runs in this mode."""
        return self.quick_replicates if quick else self.replicates


REL, HANDS_OFF = ("group=relationship",), ("policy=hands_off",)
MEETUPS = "+policy.tactics.meetups={every_days: 30, first_day: 10}"
MODERATION = "+policy.tactics.moderation={team_size: 2, latency_hours: 1}"
QUICK_MODERATION = "+policy.tactics.moderation={team_size: 3, latency_hours: 0.5}"
PACKET = {"day": 3, "hour": 20, "windows": ((0, 6), (24, 48))}
AD_BURST = {"day": 2, "hour": 8, "windows": ((0, 24),)}
DEBATE = {"day": 2, "hour": 20, "windows": ((0, 3),)}
FIGHT = {"day": 1, "hour": 9, "windows": ((0, 72),)}

LONG = LIFESPAN_REPLICATES
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("default_month", "relationship, feelings, days 30-59", (*REL, "policy=feelings"),
             days=60, kwargs={"snapshot_day": 30}),
    Scenario("temporary_hands_off", "temporary, hands_off", ("group=temporary", *HANDS_OFF),
             quick_days=30),
    Scenario("temporary_feelings", "temporary, feelings", ("group=temporary", "policy=feelings"),
             quick_days=30),
    Scenario("relationship_hands_off", "relationship, hands_off", (*REL, *HANDS_OFF),
             quick_days=120, replicates=LONG),
    Scenario("relationship_meetups", "relationship, hands_off + meet-ups",
             (*REL, *HANDS_OFF, MEETUPS), quick_days=120, replicates=LONG),
    Scenario("relationship_feelings", "relationship, feelings", (*REL, "policy=feelings"),
             quick_days=120, replicates=LONG),
    Scenario("relationship_money", "relationship, money", (*REL, "policy=money"),
             quick_days=120, replicates=LONG),
    Scenario("relationship_money_agreed", "relationship, money with rules agreed",
             (*REL, "policy=money", "policy.tactics.rules.mode=agreed"), quick_days=120,
             replicates=LONG),
    Scenario("mixture", "mixed population of new groups", (), days=365, replicates=300,
             quick_replicates=40, mixture=True),
    Scenario("packet", "relationship, feelings: packet", (*REL, "policy=feelings"), days=6,
             probe="intervene",
             kwargs={"action": "packet", "args": {"amount": 20.0, "shares": 20}, **PACKET}),
    Scenario("packet_none", "no packet", (*REL, "policy=feelings"), days=6,
             probe="intervene", kwargs={"action": "none", **PACKET}),
    Scenario("ad_burst", "relationship, feelings: 30 ads", (*REL, "policy=feelings"), days=4,
             probe="intervene", kwargs={"action": "ads", "args": {"n": 30}, **AD_BURST}),
    Scenario("ad_none", "no ads", (*REL, "policy=feelings"), days=4, probe="intervene",
             kwargs={"action": "none", **AD_BURST}),
    Scenario("interest_hands_off", "interest, hands_off", ("group=interest", *HANDS_OFF),
             quick_days=120, replicates=LONG),
    Scenario("interest_moderated", "interest, hands_off + moderation",
             ("group=interest", *HANDS_OFF, MODERATION), quick_days=120, replicates=LONG),
    Scenario("checkins", "relationship, feelings + check-ins",
             (*REL, "policy=feelings", "+policy.tactics.checkins={}"), days=28),
    Scenario("debate", "relationship, hands_off: debate", (*REL, *HANDS_OFF), days=4,
             probe="intervene", kwargs={"action": "heat", **DEBATE}),
    Scenario("debate_none", "no debate", (*REL, *HANDS_OFF), days=4, probe="intervene",
             kwargs={"action": "none", **DEBATE}),
    Scenario("fight_unmoderated", "relationship, hands_off: fight", (*REL, *HANDS_OFF),
             days=5, probe="intervene", kwargs={"action": "fight", **FIGHT}),
    Scenario("fight_moderated", "fight + moderation", (*REL, *HANDS_OFF, QUICK_MODERATION),
             days=5, probe="intervene", kwargs={"action": "fight", **FIGHT}),
    Scenario("authority_high", "relationship, hands_off, authority 0.9",
             (*REL, *HANDS_OFF, "group.authority=0.9"), days=60, quick_days=30),
    Scenario("authority_low", "authority 0.1", (*REL, *HANDS_OFF, "group.authority=0.1"),
             days=60, quick_days=30),
    Scenario("learning_hands_off", "learning, hands_off", ("group=learning", *HANDS_OFF),
             quick_days=120, replicates=LONG),
    Scenario("paid_hands_off", "paid, hands_off", ("group=paid", *HANDS_OFF), quick_days=120,
             replicates=LONG),
    Scenario("paid_free", "paid with entry_fee 0",
             ("group=paid", *HANDS_OFF, "group.entry_fee=0"), quick_days=120, replicates=LONG),
)  # fmt: skip

# A matrix of groups (004; docs/model.md section 14)
FLOOD = {"flood_group": "city", "flood_day": 90, "window_days": 7}
SCENARIOS += (
    Scenario("funnel_fed", "event_funnel, feelings", ("matrix=event_funnel", "policy=feelings"),
             days=365, quick_days=120, replicates=LONG, probe="observe_matrix"),
    Scenario("funnel_unfed", "event_funnel without the funnel",
             ("matrix=event_funnel", "policy=feelings", "matrix.funnel.share=0"), days=365,
             quick_days=120, replicates=LONG, probe="observe_matrix"),
    Scenario("city_network", "city_network, feelings", ("matrix=city_network", "policy=feelings"),
             days=365, quick_days=120, probe="observe_matrix"),
    Scenario("matrix_flood", "city_network: 30 ads in city on day 90",
             ("matrix=city_network", "policy=feelings"), days=97, probe="observe_matrix",
             kwargs={**FLOOD, "ads": 30}),
    Scenario("matrix_flood_none", "no ads", ("matrix=city_network", "policy=feelings"), days=97,
             probe="observe_matrix", kwargs={**FLOOD, "ads": 0}),
)  # fmt: skip

# Whole lives of every group type under every preset policy (003: a lifecycle), for the
# lifecycle patterns; cells that already have a scenario above reuse it.
GROUP_TYPES = tuple(MIX_GROUPS)
PRESET_POLICIES = ("feelings", "money", "hands_off")
LIFE_REPLICATES = 30
_named = {s.name for s in SCENARIOS}
SCENARIOS += tuple(
    Scenario(f"{g}_{pol}", f"{g}, {pol}", (f"group={g}", f"policy={pol}"), quick_days=120,
             replicates=LIFE_REPLICATES)
    for g in GROUP_TYPES for pol in PRESET_POLICIES if f"{g}_{pol}" not in _named
)  # fmt: skip
LIFE_CELLS = tuple(f"{g}_{pol}" for g in GROUP_TYPES for pol in PRESET_POLICIES)
SCENARIO_BY_NAME = {s.name: s for s in SCENARIOS}
