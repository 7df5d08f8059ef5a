"""A strategy's scores (sim.analysis.strategy): objectives, constraints, effort, fronts."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.strategy import (
    EFFORT,
    convergence,
    hypervolume,
    operator_hours,
    outcomes,
    pareto_mask,
    violations,
)
from sim.model.tactics import parse_tactics


def runs(**cols):
    base = {
        "lifespan_days": [100, 730], "censored": [False, True], "msgs_per_day": [4.0, 8.0],
        "active_members_mean": [2.0, 3.0], "revenue": [300.0, 900.0],
        "packet_yuan_operator": [50.0, 146.0], "msgs_operator": [100, 300],
        "ads_operator": [10, 50],
    }  # fmt: skip
    return pd.DataFrame(base | cols)


def test_outcomes_are_means_with_censored_groups_counting_the_horizon():
    got = outcomes(runs(), horizon=730, tactics={})
    assert got["lifespan"] == pytest.approx((100 + 730) / 2)  # restricted mean = capped mean
    assert got["activity"] == 6.0 and got["revenue"] == 600.0
    assert got["net_revenue"] == pytest.approx((250 + 754) / 2)
    assert got["packets_yuan_per_month"] == pytest.approx((50 / 100 * 30 + 146 / 730 * 30) / 2)
    assert got["max_selling_share"] == pytest.approx(60 / 400)  # pooled over runs
    hours = (100 / 100 + 300 / 730) * EFFORT["message"] / 2
    assert got["operator_hours_per_day"] == pytest.approx(hours)


def test_effort_counts_moderators_contacts_meetups_and_purges():
    tactics = parse_tactics({
        "moderation": {"team_size": 2, "on_duty": [8, 9, 10, 11]},
        "outreach": {"per_week": 7.0},
        "meetups": {"every_days": 30, "first_day": 10},
        "purges": {"every_days": 20},
    })  # fmt: skip
    hours = operator_hours({"msgs_operator": 0}, 100, tactics)
    want = 2 * 4 * 100 * EFFORT["moderator_hour"] + 100 * EFFORT["contact"]
    want += 3 * EFFORT["meetup"]  # days 10, 40 and 70 of days 0-99
    want += 4 * EFFORT["purge"]  # days 20, 40, 60 and 80
    assert hours == pytest.approx(want)


def test_violations_are_excesses_over_the_limits_that_are_set():
    got = violations({"packets_yuan_per_month": 250.0, "max_selling_share": 0.1},
                     {"packets_yuan_per_month": 200.0, "max_selling_share": None})  # fmt: skip
    assert got == {"packets_yuan_per_month": 50.0}


def test_pareto_mask_keeps_what_nothing_beats_on_every_column():
    v = np.array([[1, 5], [2, 4], [2, 4], [1, 4], [0, 6], [np.nan, 9]])
    assert list(pareto_mask(v)) == [True, True, True, False, True, False]
    assert list(pareto_mask(np.array([3.0, 1.0, 3.0]))) == [True, False, True]


def test_hypervolume_is_the_dominated_area():
    assert hypervolume(np.array([[1, 0.2], [0.3, 1]]), np.zeros(2)) == pytest.approx(0.44)
    assert hypervolume(np.array([[1, 1], [0.5, 0.5]]), np.zeros(2)) == pytest.approx(1.0)
    assert hypervolume(np.array([[2.0], [5.0]]), np.array([1.0])) == pytest.approx(4.0)
    steps = convergence(np.array([[0, 0], [1, 0.2], [0.3, 1], [1, 1]]))
    assert [round(hv, 2) for _, _, hv in steps] == [0.0, 0.2, 0.44, 1.0]
