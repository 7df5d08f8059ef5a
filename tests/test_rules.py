"""Rules that had no test of their direction: each test can fail for the reason it names.

Purges, the entry threshold, check-ins, prompts and steering, operator replies, event
groups (``purpose_days``), holidays, quiet-day packets, several packets a day, death by
``min_members``, a lifespan that ends in a quiet streak, role shifts, and calendar rates.
Stochastic directions rest on many seeds (paired where the question is paired).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.compose import compose
from sim.core.causes import Cause
from sim.core.errors import ConfigError
from sim.core.roles import Role
from sim.model import check_config
from sim.model.tactics import Schedule
from sim.model.tactics.content import ContentConfig
from sim.model.tactics.moderation import ModerationConfig
from sim.model.tactics.sales import SalesConfig
from tests.conftest import day_frame, model, run_hours, summaries
from tests.test_mechanisms import sign_test_p

HANDS_OFF = "policy=hands_off"
SMALL = ["group.initial_members=40", "group.founders=6", "group.spam_attraction=0"]


def holiday_days(days, start=1, holidays=(1, 41, 95, 121, 160, 260, 274)):
    """Day indices (from 0) that are holidays, as ``GroupModel.is_holiday`` counts them."""
    return {d for d in range(days) if (start - 1 + d) % 365 + 1 in holidays}


# --------------------------------------------------------------- the schedule helper


@pytest.mark.parametrize(
    "schedule, days, expected",
    [
        (Schedule(every_days=1), range(5), [1, 1, 1, 1, 1]),
        (Schedule(every_days=3), range(7), [1, 0, 0, 1, 0, 0, 1]),
        (Schedule(every_days=3, first_day=2), range(6), [0, 0, 1, 0, 0, 1]),
        (Schedule(every_days=1, first_day=2, until_day=4), range(6), [0, 0, 1, 1, 0, 0]),
        (Schedule(every_days=0.5), range(3), [2, 2, 2]),
        (Schedule(every_days=1.5), range(7), [1, 0, 1, 1, 0, 1, 1]),
        (Schedule(every_days=0), range(3), [0, 0, 0]),
    ],
)
def test_schedule_counts(schedule, days, expected):
    assert [schedule.times(d) for d in days] == expected


def test_schedule_keeps_a_fractional_average_and_counts_holidays_once():
    assert sum(Schedule(every_days=2.5).times(d) for d in range(1000)) == 400
    assert sum(Schedule(every_days=0.3).times(d) for d in range(300)) == 1000
    on_holidays = Schedule(every_days=1, holidays=True)
    assert on_holidays.times(4, holiday=True) == 1  # due anyway: not twice
    assert Schedule(every_days=0, holidays=True).times(4, holiday=True) == 1
    assert Schedule(every_days=0, holidays=False).times(4, holiday=True) == 0


# --------------------------------------------------------------- bad settings


@pytest.mark.parametrize(
    "make",
    [
        lambda: SalesConfig(per_day=2, hours=[10, 10]),
        lambda: ContentConfig(hours=[9, 12, 9]),
        lambda: ModerationConfig(on_duty=[8, 9, 9]),
    ],
)
def test_a_repeated_posting_hour_is_an_error_not_a_halved_rate(make):
    with pytest.raises(ConfigError, match="distinct"):
        make()


# --------------------------------------------------------------- calendars


def test_posts_per_day_equal_the_setting():
    """Content and selling post at their daily rates, however many hours they use."""
    cfg = check_config(
        compose([
            HANDS_OFF, *SMALL, "run.days=200", "death.quiet_days=365", "death.min_members=1",
            "+policy.tactics.content={per_day: {useful: 3.0}, hours: [8, 12, 18, 21]}",
            "+policy.tactics.sales={per_day: 2.5, hours: [10, 15]}",
        ])
    )  # fmt: skip
    from sim.model import GroupModel

    d = day_frame(GroupModel(cfg, seed=3).run())
    assert len(d) == 200  # the death rule is off: the operator posts every day
    ads = d["ads_operator"].to_numpy(float)  # product copy and posters: the selling posts
    useful = (d["msgs_operator"] - d["ads_operator"]).to_numpy(float)
    for got, rate in ((useful, 3.0), (ads, 2.5)):
        se = np.sqrt(rate / len(d))  # Poisson counts
        assert abs(got.mean() - rate) < 4 * se, (got.mean(), rate)


# --------------------------------------------------------------- purges


def test_purges_remove_only_long_inactive_members_on_schedule_up_to_the_share():
    m = model(
        HANDS_OFF, "run.days=41",
        "+policy.tactics.purges={every_days: 10, inactive_days: 7, max_share: 0.1}", seed=5,
    ).run()  # fmt: skip
    d = day_frame(m)
    purge_days = d.index[d["exits_purged"] > 0].tolist()
    assert purge_days and set(purge_days) <= {10, 20, 30, 40}
    for day in purge_days:
        before = d.loc[day - 1, "members"]
        assert d.loc[day, "exits_purged"] <= int(0.1 * before)
    mt = m.members
    purged = np.flatnonzero(mt.exit_cause[: mt.n] == Cause.PURGED)
    last = np.maximum(mt.last_post_day[purged], mt.joined_day[purged])
    assert (mt.exit_day[purged] - last >= 7).all()
    without = model(HANDS_OFF, "run.days=41", seed=5).run()
    assert day_frame(without)["exits_purged"].sum() == 0


# --------------------------------------------------------------- entry threshold


def test_entry_threshold_screens_spammers_and_adds_a_sunk_cost():
    spam = "group.spam_attraction=2"
    screen = "+policy.tactics.entry_threshold={screening: 0.9}"
    open_, _ = summaries([HANDS_OFF, spam], replicates=6, days=30)
    screened, _ = summaries([HANDS_OFF, spam, screen], replicates=6, days=30)
    # per day alive: screened groups live longer, so totals would mix in lifespan
    assert screened["msgs_spam"].mean() < 0.3 * open_["msgs_spam"].mean()
    m = model(HANDS_OFF, screen, seed=1)
    assert np.allclose(m.members.sunk[: m.members.n], 0.9)  # screened entry, no fee
    plain = model(HANDS_OFF, seed=1)
    assert np.allclose(plain.members.sunk[: plain.members.n], 0.0)


# --------------------------------------------------------------- check-ins


def test_checkins_are_member_posts_and_mandatory_ones_breed_rule_exits():
    on, _ = summaries([HANDS_OFF, "+policy.tactics.checkins={}"], replicates=4, days=60)
    off, _ = summaries([HANDS_OFF], replicates=4, days=60)
    assert on["msgs_checkins"].sum() > 0 and off["msgs_checkins"].sum() == 0
    assert (on["msgs_checkins"] <= on["msgs_members"]).all()
    _, optional = summaries([HANDS_OFF, "+policy.tactics.checkins={}"], replicates=6, days=60)
    _, mandatory = summaries(
        [HANDS_OFF, "+policy.tactics.checkins={mandatory: true}"], replicates=6, days=60
    )
    assert optional["exits_rules"].sum() == 0  # nothing else imposes anything here
    assert mandatory["exits_rules"].sum() > 0


def test_more_contagion_spreads_checkins():
    low, _ = summaries([HANDS_OFF, "+policy.tactics.checkins={contagion: 0.0}"], replicates=6)
    high, _ = summaries([HANDS_OFF, "+policy.tactics.checkins={contagion: 1.0}"], replicates=6)
    assert high["msgs_checkins"].sum() > 1.5 * low["msgs_checkins"].sum()


# --------------------------------------------------------------- prompts and steering


def _debaters_talk_after(prompt: bool, seed: int) -> float:
    """Critic and onlooker messages in the 4 h after 19:00 on day 3, with a prompt or not."""
    m = run_hours(model(HANDS_OFF, "group.spam_attraction=0", seed=seed), 3 * 24 + 19)
    if prompt:
        m.post("prompt", 1)
    start = m.today["msgs_critic"] + m.today["msgs_onlooker"]
    run_hours(m, 4)
    return m.today["msgs_critic"] + m.today["msgs_onlooker"] - start


def test_a_prompt_draws_critics_and_onlookers_into_talk():
    """003: discussion activities bring watchers to speak (paired: same run up to 19:00)."""
    seeds = range(40)
    with_prompt = np.array([_debaters_talk_after(True, s) for s in seeds])
    without = np.array([_debaters_talk_after(False, s) for s in seeds])
    assert sign_test_p(with_prompt, without) < 0.001, (with_prompt, without)


def test_steering_removes_fight_risk():
    hot = [HANDS_OFF, *SMALL, "behaviour.discussion.fight_threshold=0.5"]
    free, _ = summaries(hot, replicates=6, days=30)
    steered, _ = summaries([*hot, "+policy.tactics.prompts={per_week: 0, steer: 1.0}"], 6, 30)
    half, _ = summaries([*hot, "+policy.tactics.prompts={per_week: 0, steer: 0.5}"], 6, 30)
    assert free["fights"].sum() > 0
    assert steered["fights"].sum() == 0  # steer 1 removes the whole hazard
    assert half["fights"].sum() < free["fights"].sum()


# --------------------------------------------------------------- operator replies


def test_operator_replies_are_posts_that_raise_trust():
    reply = "+policy.tactics.conversation={reply_share: 1.0}"
    on, on_s = summaries([HANDS_OFF, *SMALL, reply], replicates=6, days=30)
    off, off_s = summaries([HANDS_OFF, *SMALL], replicates=6, days=30)
    assert off["msgs_operator"].sum() == 0 and on["msgs_operator"].sum() > 0
    last = lambda d: d.sort_values("day").groupby("replicate")["trust_mean"].last()  # noqa: E731
    assert (last(on) > last(off)).all()


# --------------------------------------------------------------- event groups


def test_an_event_group_loses_its_reason_after_the_event():
    ended, _ = summaries(["group=temporary", HANDS_OFF, "group.purpose_days=3"], 6, 12)
    lasting, _ = summaries(["group=temporary", HANDS_OFF, "group.purpose_days=0"], 6, 12)

    def interest(d, day):
        return d[d["day"] == day].set_index("replicate")["interest_mean"]

    fall = interest(ended, 5) / interest(ended, 2)
    assert (fall < 0.6).all(), fall  # halves each day after day 3 (purpose_decay 0.5)
    steady = interest(lasting, 5) / interest(lasting, 2)
    assert (steady > 0.9).all(), steady
    _, ended_s = summaries(["group=temporary", HANDS_OFF, "group.purpose_days=3"], 20, 60)
    _, later_s = summaries(["group=temporary", HANDS_OFF, "group.purpose_days=20"], 20, 60)
    assert ended_s["lifespan_days"].mean() < later_s["lifespan_days"].mean()


# --------------------------------------------------------------- holidays


def test_holiday_greetings_and_packets_come_on_holidays_only():
    days = 130
    m = model(
        HANDS_OFF, *SMALL, f"run.days={days}", "run.start_day_of_year=1",
        "+policy.tactics.content={per_day: {}, holiday_greetings: true}",
        "+policy.tactics.red_packets={every_days: 0, on_holidays: true}",
        "behaviour.packets.reciprocity=0", seed=2,
    ).run()  # fmt: skip
    d = day_frame(m)
    assert len(d) == days
    holidays = holiday_days(days)
    assert holidays == {0, 40, 94, 120}
    packets = set(d.index[d["packets_operator"] > 0])
    assert packets == holidays and (d.loc[list(holidays), "packets_operator"] == 1).all()
    # operator messages are the greeting and the packet, on holidays only
    assert set(d.index[d["msgs_operator"] > 0]) == holidays
    assert (d.loc[list(holidays), "msgs_operator"] == 2).all()


def test_start_day_of_year_moves_the_holidays():
    d = day_frame(
        model(
            HANDS_OFF, *SMALL, "run.days=60", "run.start_day_of_year=30",
            "+policy.tactics.red_packets={every_days: 0, on_holidays: true}", seed=2,
        ).run()
    )  # fmt: skip
    assert set(d.index[d["packets_operator"] > 0]) == holiday_days(60, start=30) == {11}


# --------------------------------------------------------------- red-packet triggers


def test_a_packet_follows_every_quiet_day_and_only_those():
    m = model(
        HANDS_OFF, *SMALL, "run.days=60", "behaviour.packets.reciprocity=0",
        "+policy.tactics.red_packets={every_days: 0, when_quiet_below: 12}", seed=4,
    ).run()  # fmt: skip
    d = day_frame(m)
    quiet = d["msgs_members"].to_numpy() < 12
    sent = d["packets_operator"].to_numpy() > 0
    assert not sent[0]  # no yesterday on day 0
    np.testing.assert_array_equal(sent[1:], quiet[:-1])
    assert 0 < quiet[:-1].sum() < len(d) - 1  # both kinds of day occur: the test has teeth


@pytest.mark.parametrize("every, per_day", [(0.25, 4), (0.5, 2), (1.0, 1)])
def test_several_packets_a_day(every, per_day):
    m = model(
        HANDS_OFF, *SMALL, "run.days=10", "behaviour.packets.reciprocity=0",
        f"+policy.tactics.red_packets={{every_days: {every}}}", seed=1,
    ).run()  # fmt: skip
    assert (day_frame(m)["packets_operator"] == per_day).all()


def test_a_non_integer_interval_is_kept_not_rounded():
    m = model(
        HANDS_OFF, *SMALL, "run.days=12", "behaviour.packets.reciprocity=0",
        "+policy.tactics.red_packets={every_days: 1.5}", seed=1,
    ).run()  # fmt: skip
    d = day_frame(m)
    assert d.index[d["packets_operator"] > 0].tolist() == [0, 2, 3, 5, 6, 8, 9, 11]


# --------------------------------------------------------------- death and lifespan


def test_a_group_with_too_few_members_is_dead():
    m = model("policy=money", "group.initial_members=40", "group.founders=6",
              "death.min_members=40", "run.days=60", seed=3).run()  # fmt: skip
    d = day_frame(m)
    assert m.dead
    assert (d["members"].iloc[:-1] >= 40).all() and d["members"].iloc[-1] < 40
    quiet = 0  # the streak at death: lifespan counts the days before it began
    for msgs in d["msgs_members"][::-1]:
        if msgs >= 3:
            break
        quiet += 1
    assert m.lifespan_days == len(d) - quiet


def test_a_lifespan_ends_where_the_final_quiet_streak_began():
    m = model("policy=feelings", "death.quiet_days=5", "run.days=60", seed=2)
    run_hours(m, 10 * 24)
    assert all(r["msgs_members"] >= 3 for r in m.records[-3:])  # lively until day 9
    m.params = m.params._replace(post=(0.0, 0.0, 0.0, 0.0))  # everyone stops posting
    m.run()
    d = day_frame(m)
    assert m.dead and len(d) == 10 + 5  # five quiet days after the lively ten
    assert m.lifespan_days == 10 and (d["msgs_members"].iloc[10:] < 3).all()


# --------------------------------------------------------------- role shifts


def test_critics_who_fall_quiet_lapse_to_onlookers():
    quiet = [
        HANDS_OFF, *SMALL, "behaviour.invites.critic_lapse_days=3",
        "behaviour.attention.post.critic=0", "behaviour.attention.post.onlooker=0",
    ]  # fmt: skip
    m = model(*quiet, seed=1)
    assert (m.members.role[: m.members.n] == Role.CRITIC).sum() > 0
    run_hours(m, 24 * 5)
    assert (m.members.role[m.members.present_idx()] == Role.CRITIC).sum() == 0
    lively = model(HANDS_OFF, *SMALL, "behaviour.invites.critic_lapse_days=3", seed=1)
    run_hours(lively, 24 * 5)
    assert (lively.members.role[lively.members.present_idx()] == Role.CRITIC).sum() > 0


def test_an_empty_thinker_seat_goes_to_the_most_prolific_critic():
    m = model(HANDS_OFF, *SMALL, seed=3)
    run_hours(m, 24 * 3 + 1)
    mt = m.members
    idx = mt.present_idx()
    m.set_role(idx[mt.role[idx] == Role.THINKER], Role.CRITIC)  # the thinkers step down
    critics = idx[mt.role[idx] == Role.CRITIC]
    best = critics[np.argmax(mt.messages[critics])]
    run_hours(m, 24)  # to the end of the day, when roles shift
    thinkers = mt.present_idx()[mt.role[mt.present_idx()] == Role.THINKER]
    assert thinkers.tolist() == [best]


# --------------------------------------------------------------- the sign test helper


def test_sign_test_of_the_mechanism_tests_rejects_no_effect():
    rng = np.random.default_rng(0)
    a, b = rng.poisson(2, 40), rng.poisson(2, 40)
    assert sign_test_p(a, b) > 0.001  # no effect: not significant
    assert sign_test_p(a + 1, a) < 1e-6
    assert sign_test_p(np.ones(10), np.ones(10)) == 1.0  # all ties: no evidence
