"""A group's age (issue 12): each rule tested in isolation for its direction.

Novelty and freshness, drifting away, the operator's fatigue, group traits, relaunches,
and the helpers the lifecycle patterns and the calibration rest on. Stochastic
directions rest on many seeds (paired sign tests), not on one.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.analysis.survival import km_median, km_quantile, km_spread
from sim.config.compose import compose
from sim.config.values import with_values
from sim.core.errors import ConfigError
from sim.core.roles import Role
from sim.core.state import G, new_state
from sim.model import GroupModel
from sim.model.lifecycle import GroupTraits, age_group, draw_traits, freshen, operator_effort
from sim.model.params import make_params
from sim.records.summary import daily_frame, summary_row
from tests.test_mechanisms import sign_test_p

SEEDS = range(24)
QUIET = [  # no outside pressures: only the rule under test moves members
    "policy=hands_off",
    "group.spam_attraction=0",
    "behaviour.lifecycle.drift_rate=0",
    "behaviour.lifecycle.bored_mute_rate=0",
]


def run(*overrides, seed=0, days=200):
    return GroupModel(compose([*overrides, f"run.days={days}"]), seed=seed).run()


def window_mean(m, column, a, b):
    d = daily_frame(m)
    return float(d[(d["day"] >= a) & (d["day"] < b)][column].mean())


# ------------------------------------------------------------------ novelty


def test_novelty_makes_interest_fade_and_off_keeps_it():
    on = np.array([window_mean(run(*QUIET, seed=s), "interest_mean", 150, 200) for s in SEEDS])
    off = np.array(
        [
            window_mean(run(*QUIET, "behaviour.lifecycle.novelty=false", seed=s),
                        "interest_mean", 150, 200)
            for s in SEEDS
        ]
    )  # fmt: skip
    assert sign_test_p(off, on) < 0.001


def test_age_group_fades_towards_the_floor_and_newcomers_renew_it():
    p = make_params(compose(["behaviour.lifecycle.group_half_life_days=10"]))
    g = new_state(24)
    g[G.N_MEMBERS] = g[G.N_SLOTS] = g[G.SLOTS_MARK] = 50
    for _ in range(10):
        age_group(p, g)
    assert g[G.NOVELTY] == pytest.approx(p.floor + (1 - p.floor) / 2)  # one half-life
    for _ in range(1000):
        age_group(p, g)
    assert g[G.NOVELTY] == pytest.approx(p.floor)
    g[G.N_SLOTS] += 10  # ten newcomers since yesterday
    before = g[G.NOVELTY]
    now = age_group(p, g)
    assert now == pytest.approx(before + p.renew_joins * 10 / 50 * (1 - before))
    assert g[G.SLOTS_MARK] == g[G.N_SLOTS]


def test_freshen_content_renews_and_nothing_read_fades():
    p = make_params(compose([]))
    start = (p.floor + 1.0) / 2  # halfway between the floor and full freshness
    fresh = np.array([start, start])
    freshen(p, fresh, 0, 0.0, 0.0)
    freshen(p, fresh, 1, 1.0, 1.0)
    assert p.floor < fresh[0] < start < fresh[1]
    off = make_params(compose(["behaviour.lifecycle.novelty=false"]))
    assert freshen(off, np.array([0.5]), 0, 0.0, 0.0) == 1.0


def test_useful_content_keeps_members_fresh():
    content = "+policy.tactics.content={per_day: {useful: 3.0}}"
    with_c = [run(*QUIET, content, seed=s, days=150) for s in SEEDS]
    without = [run(*QUIET, seed=s, days=150) for s in SEEDS]

    def mean_fresh(m):
        idx = m.members.present_idx()
        return float(m.members.fresh[idx].mean()) if idx.size else math.nan

    a = np.array([mean_fresh(m) for m in with_c])
    b = np.array([mean_fresh(m) for m in without])
    ok = np.isfinite(a) & np.isfinite(b)
    assert ok.sum() >= 15 and sign_test_p(a[ok], b[ok]) < 0.001


def test_a_faded_group_loses_followers_to_boredom():
    bored = [*QUIET[:-1], "behaviour.lifecycle.bored_mute_rate=0.05"]
    a = np.array([summary_row(m, daily_frame(m))["mutes"] for m in
                  (run(*bored, seed=s, days=120) for s in SEEDS)])  # fmt: skip
    b = np.array([summary_row(m, daily_frame(m))["mutes"] for m in
                  (run(*QUIET, seed=s, days=120) for s in SEEDS)])  # fmt: skip
    assert sign_test_p(a, b) < 0.001


# ------------------------------------------------------------------ drifting away


def test_life_outside_the_group_is_its_own_cause_and_followers_mostly_mute():
    drift = [
        *QUIET[:2],
        "behaviour.lifecycle.bored_mute_rate=0",
        "behaviour.lifecycle.drift_rate=0.01",
    ]
    mute_all = [run(*drift, "behaviour.lifecycle.drift_mute_share=1", seed=s, days=60)
                for s in SEEDS]  # fmt: skip
    leave_all = [run(*drift, "behaviour.lifecycle.drift_mute_share=0", seed=s, days=60)
                 for s in SEEDS]  # fmt: skip
    none = [run(*QUIET, seed=s, days=60) for s in range(6)]
    assert all(daily_frame(m)["exits_drifted"].sum() == 0 for m in none)
    exits = lambda ms: np.array([daily_frame(m)["exits_drifted"].sum() for m in ms])  # noqa: E731
    mutes = lambda ms: np.array([daily_frame(m)["mutes"].sum() for m in ms])  # noqa: E731
    assert exits(mute_all).sum() > 0  # the silent still leave when they drift
    assert sign_test_p(exits(leave_all), exits(mute_all)) < 0.001
    assert sign_test_p(mutes(mute_all), mutes(leave_all)) < 0.001


# ------------------------------------------------------------------ the operator tires


def test_operator_effort_wanes_to_its_floor_and_a_team_wanes_more_slowly():
    cfg = compose(
        [
            "policy=hands_off",
            "behaviour.operator.half_life_days=100",
            "behaviour.operator.floor=0.2",
        ]
    )
    t = GroupTraits()
    assert operator_effort(cfg, t, 0) == 1.0
    assert operator_effort(cfg, t, 100) == pytest.approx(0.6)
    assert operator_effort(cfg, t, 1e6) == pytest.approx(0.2)
    team = with_values(cfg, {"policy.team_size": 4})
    assert operator_effort(team, t, 100) > operator_effort(cfg, t, 100)
    energetic = GroupTraits(energy=2.0)
    assert operator_effort(cfg, energetic, 100) > operator_effort(cfg, t, 100)
    off = with_values(cfg, {"behaviour.operator.fatigue": False})
    assert operator_effort(off, t, 1e6) == 1.0


@pytest.mark.parametrize("fatigue, low, high", [(True, 0.0, 0.75), (False, 0.9, 1.1)])
def test_a_tired_operator_posts_less_and_an_untiring_one_does_not(fatigue, low, high):
    content = "+policy.tactics.content={per_day: {useful: 4.0}}"
    setting = f"behaviour.operator.fatigue={str(fatigue).lower()}"
    early = late = 0.0
    for s in range(8):
        m = run(*QUIET, content, setting, "behaviour.operator.half_life_days=60",
                "death.quiet_days=365", seed=s, days=300)  # fmt: skip
        if m.days_recorded < 300:
            continue
        early += window_mean(m, "msgs_operator", 0, 60)
        late += window_mean(m, "msgs_operator", 240, 300)
    assert early > 0 and low < late / early < high


# ------------------------------------------------------------------ traits


def test_traits_are_the_same_group_under_every_policy_and_differ_between_seeds():
    a = GroupModel(compose(["policy=feelings"]), seed=5).traits
    b = GroupModel(compose(["policy=money"]), seed=5).traits
    c = GroupModel(compose(["policy=feelings"]), seed=6).traits
    assert a == b and a != c
    flat = compose(["behaviour.traits.energy_sigma=0", "behaviour.traits.appeal_sigma=0",
                    "behaviour.traits.ties_sigma=0", "behaviour.traits.interest_sd=0",
                    "behaviour.traits.tolerance_sigma=0"])  # fmt: skip
    t = draw_traits(np.random.default_rng(0), flat)
    assert t == GroupTraits(1.0, 1.0, 1.0, pytest.approx(flat.group.interest_mean), 1.0)


def test_traits_have_mean_one_and_reach_the_summary_row():
    cfg = compose([])
    rng = np.random.default_rng(1)
    draws = np.array([draw_traits(rng, cfg) for _ in range(4000)])
    assert np.allclose(draws[:, [0, 1, 2, 4]].mean(axis=0), 1.0, atol=0.05)
    m = run("policy=money", seed=2, days=20)
    row = summary_row(m, daily_frame(m))
    assert row["trait_tolerance"] == m.traits.tolerance and row["trait_energy"] > 0


def test_a_thick_skinned_group_feels_less_of_what_it_reads():
    cfg = compose([])
    thin, thick = (
        make_params(cfg, GroupTraits(tolerance=0.5)),
        make_params(cfg, GroupTraits(tolerance=2.0)),
    )
    for name in ("spam_gain", "sales_gain", "soup_gain", "fight_gain", "rules_gain", "noise_k"):
        assert getattr(thick, name) == pytest.approx(getattr(thin, name) / 4)
    assert thick.noise_tol == pytest.approx(4 * thin.noise_tol)


# ------------------------------------------------------------------ relaunch


RELAUNCH = "+policy.tactics.relaunch={threshold: 0.95, min_day: 20, cooldown_days: 15, window_days: 5, invite_wave: 20, decay: 0.5, max_relaunches: 2}"  # noqa: E501


def test_relaunch_fires_when_activity_falls_with_decreasing_power():
    fired = []
    for s in range(6):
        m = run(*QUIET, RELAUNCH, "death.quiet_days=365", seed=s, days=120)
        d = daily_frame(m)
        days = d.loc[d["relaunches"] > 0, "day"].to_numpy()
        assert len(days) <= 2 and (np.diff(days) >= 15).all() and (days >= 20).all()
        if len(days) == 2:
            joins = d.set_index("day")["joins"]
            assert joins[days[0]] >= 20 > joins[days[1]] >= 10 - 1  # the wave halves
        fired.append(len(days))
    assert sum(fired) >= 6


def test_relaunch_renews_novelty_and_the_operator_and_wins_back_silent_members():
    tactic = (
        "+policy.tactics.relaunch={contact_share: 1, win_back: 1, invite_wave: 0, min_day: 999}"
    )
    m = GroupModel(compose([*QUIET, tactic, "+policy.tactics.content={}", "run.days=80"]), seed=3)
    while m.day < 60:
        m.step()
    silent = lambda: int((m.members.role[m.members.present_idx()] == Role.SILENT).sum())  # noqa: E731
    nov, effort, before = m.novelty, m.effort, silent()
    assert before > 0 and nov < 1 and effort < 1
    relaunch = next(t for t in m.tactics if t.name == "relaunch")
    relaunch.act(m)
    share = relaunch.cfg.strength
    assert m.novelty == pytest.approx(nov + share * (1 - nov))
    assert m.effort > effort and silent() == 0
    assert m.today["relaunches"] == 1


def test_relaunch_settings_are_checked():
    with pytest.raises(ConfigError, match="policy.tactics.relaunch.threshold"):
        GroupModel(compose(["+policy.tactics.relaunch={threshold: 2}"]))


# ------------------------------------------------------------------ helpers


def test_with_values_sets_nested_settings_and_checks_them():
    cfg = compose([])
    new = with_values(cfg, {"behaviour.attention.post.onlooker": 0.004, "group.price": 80.0,
                            "behaviour.pressures.exit_rate.ads": 0.5})  # fmt: skip
    assert new.behaviour.attention.post.onlooker == 0.004 and new.group.price == 80.0
    assert new.behaviour.pressures.exit_rate["ads"] == 0.5
    assert cfg.group.price != 80.0  # the base is untouched
    with pytest.raises(ConfigError, match="group.pricee"):
        with_values(cfg, {"group.pricee": 1.0})
    with pytest.raises(ConfigError, match="behaviour.lifecycle.floor"):
        with_values(cfg, {"behaviour.lifecycle.floor": 1.5})


def test_km_quantiles_and_spread():
    t = np.array([3, 5, 10, 40, 100, 364.0])
    c = np.array([0, 0, 0, 0, 0, 1], bool)
    assert km_quantile(t, c, 0.5) == km_median(t, c)[0] == 10
    assert km_quantile(t, c, 0.25) == 5 and km_quantile(t, c, 0.75) == 100
    assert km_spread(t, c) == pytest.approx(95 / 10)
    assert math.isnan(km_spread(t, np.ones(6, bool)))  # nobody died: no quartiles
    assert km_spread(np.full(8, 30.0), np.zeros(8, bool)) == 0.0  # all alike
