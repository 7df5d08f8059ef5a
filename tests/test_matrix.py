"""A matrix of groups (docs/model.md section 14): people, attention, spill-over, flows.

The validation battery checks what matrices do over many seeds (patterns X1-X3); these
tests check the rules one at a time, on short horizons.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config.compose import compose
from sim.config.matrix import MatrixConfig, MatrixGroupConfig, MoveConfig
from sim.config.presets import group_config
from sim.core.errors import ConfigError
from sim.core.feed import Channel
from sim.core.roles import Role
from sim.experiments.runner import GROUP_TABLES, run_one_tables, run_or_resume
from sim.model import DAILY_COLUMNS, GroupModel, check_config
from sim.model.matrix import WHY, MatrixModel, group_seed
from sim.records.summary import daily_frame, summary_row

ROOT = Path(__file__).resolve().parent.parent


def matrix_cfg(*overrides, days=60):
    return compose([*overrides, f"run.days={days}"])


def with_matrix(cfg, **matrix):
    return dataclasses.replace(cfg, matrix=MatrixConfig(**matrix))


def memberships_by_person(mx: MatrixModel) -> dict[int, list[tuple[int, int]]]:
    persons, gis, slots = mx.memberships()
    out: dict[int, list[tuple[int, int]]] = {}
    for p, g, s in zip(persons, gis, slots, strict=True):
        out.setdefault(int(p), []).append((int(g), int(s)))
    return out


# ------------------------------------------------------------------ the single path


def test_a_matrix_of_one_group_runs_that_group_unchanged():
    """Day-by-day stepping, people and attention change nothing in an unlinked group."""
    base = matrix_cfg("policy=feelings", days=90)
    cfg = with_matrix(
        base, groups={"solo": MatrixGroupConfig(type="relationship")},
        max_memberships=1, cross_invite_share=0.0,
    )  # fmt: skip
    mx = MatrixModel(cfg, seed=5).run()
    alone = GroupModel(group_config(cfg, "solo"), seed=group_seed(5, 0, 0, 0)).run()
    pd.testing.assert_frame_equal(daily_frame(mx.groups[0].model), daily_frame(alone))
    assert mx.n_people == alone.members.n  # one person per member, nobody shared


# ------------------------------------------------------------------ reproducibility


def test_same_seed_same_tables_bit_for_bit_and_another_seed_differs():
    cfg = matrix_cfg("matrix=city_network", "policy=money", days=75)
    a = run_one_tables(cfg, 0)
    b = run_one_tables(cfg, 0)
    pd.testing.assert_frame_equal(a[0], b[0])
    assert a[1] == b[1]
    for name in GROUP_TABLES:
        pd.testing.assert_frame_equal(a[2][name], b[2][name])
    c = run_one_tables(cfg, 1)
    assert not a[2]["groups_daily"]["msgs_members"].equals(c[2]["groups_daily"]["msgs_members"])


# ------------------------------------------------------------------ people and moves


def test_nobody_is_in_more_groups_than_allowed_and_every_move_is_recorded():
    cfg = matrix_cfg("matrix=city_network", "matrix.max_memberships=2",
                     "matrix.cross_invite_share=0.8", days=120)  # fmt: skip
    whys = set()
    for seed in (0, 1, 2):  # cross-group invitations are rare: only members in two invite
        mx = MatrixModel(cfg, seed=seed)
        most = 0
        while mx.running:
            mx.step()
            persons, gis, _ = mx.memberships()
            most = max(most, int(np.bincount(persons).max()))
            pairs = persons * len(mx.groups) + gis
            assert np.unique(pairs).size == pairs.size, "a person holds two seats in one group"
        assert most == 2  # overlap and invitations do fill second seats, never a third
        flows = pd.DataFrame(mx.flows, columns=["person", "src", "to", "day", "why"])
        daily = pd.DataFrame(mx.daily_rows)
        for why in WHY:
            assert daily[f"moved_{why}"].sum() == (flows["why"] == why).sum(), why
        whys |= set(flows["why"])
        by_id = {g.gid: g for g in mx.groups}
        for row in flows.itertuples():
            to = by_id[row.to]
            assert row.person in to.person[: to.mapped], "a move lands a person in the group"
            assert row.day >= to.launch_day
            assert row.src in by_id and row.src != row.to, "they came from another group"
            src = by_id[row.src]
            assert row.person in src.person[: src.mapped], "and were in the group they came from"
    assert {"founding", "invited"} <= whys


def test_attention_is_shared_among_followed_groups_and_muting_one_frees_it():
    cfg = matrix_cfg("matrix=city_network", "policy=feelings", days=120)
    mx = MatrixModel(cfg, seed=2)
    for _ in range(65):  # all three groups founded
        mx.step()
    split = cfg.matrix.attention_split
    people = memberships_by_person(mx)
    multi = {p: ms for p, ms in people.items() if len(ms) >= 2}
    assert len(multi) > 10
    for p, ms in people.items():
        followed = sum(mx.groups[g].model.members.role[s] != Role.SILENT for g, s in ms)
        for g, s in ms:
            want = mx.p_activity[p] * max(followed, 1) ** -split
            assert mx.groups[g].model.members.activity[s] == pytest.approx(want)
    # a person following two groups mutes one: the other is not muted, and gets more
    p, ms = next(
        (p, ms) for p, ms in multi.items()
        if all(mx.groups[g].model.members.role[s] != Role.SILENT for g, s in ms)
    )  # fmt: skip
    (g1, s1), (g2, s2) = ms[:2]
    others = len(ms) - 1
    before = mx.groups[g2].model.members.activity[s2]
    mx.groups[g1].model.set_role(np.array([s1]), Role.SILENT)
    mx._share_and_spill()
    m2 = mx.groups[g2].model.members
    assert m2.role[s2] != Role.SILENT
    assert m2.activity[s2] == pytest.approx(mx.p_activity[p] * others**-split)
    assert m2.activity[s2] > before


def test_ads_read_in_one_group_are_carried_into_the_others_backlog():
    """Same seed with and without a flood in the city group: up to that evening the
    other groups ran identically, so every difference in their backlog is the spill."""
    cfg = matrix_cfg("matrix=city_network", "policy=feelings", days=120)
    runs = []
    for ads in (0, 40):
        mx = MatrixModel(cfg, seed=4)
        for _ in range(70):
            mx.step()
        if ads:
            mx.groups[0].model.spam_posts(ads)
        mx.step()
        runs.append(mx)
    quiet, flooded = runs
    spill = cfg.matrix.spill.ads
    city = flooded.groups[0].model.members
    read = city.seen[Channel.SPAM] - quiet.groups[0].model.members.seen[Channel.SPAM]
    moved = 0
    for gi in (1, 2):
        a, b = quiet.groups[gi], flooded.groups[gi]
        delta = (
            b.model.members.seen[Channel.SPAM, : b.mapped]
            - a.model.members.seen[Channel.SPAM, : a.mapped]
        )
        for s in range(b.mapped):
            person = b.person[s]
            in_city = np.flatnonzero(flooded.groups[0].person[: flooded.groups[0].mapped] == person)
            here = b.model.members.present[s]
            # in the city group tonight, or left it today (perhaps because of the ads)
            j = in_city[0] if in_city.size else -1
            was_there = j >= 0 and (city.present[j] or city.exit_day[j] == flooded.day - 1)
            if here and was_there:
                assert delta[s] == pytest.approx(-spill * read[j])
                moved += read[j] > 0
            else:
                assert delta[s] == 0.0  # not in the flooded group: nothing carried
    assert moved > 5


def test_funnel_moves_active_members_of_the_ending_event_group():
    cfg = matrix_cfg("matrix=event_funnel", "matrix.funnel.share=1", days=100)
    mx = MatrixModel(cfg, seed=1)
    checked = funnelled = 0
    while mx.running:
        mx.step()
        by_id = {g.gid: g for g in mx.groups}
        for person, src, dst, day, why in mx.flows[checked:]:
            if why != "funnel":  # funnelled people can then invite friends across
                continue
            assert dst == "longterm" and src.startswith("event-")
            ev = by_id[src]
            assert day - ev.launch_day <= cfg.matrix.funnel.day
            slot = int(np.flatnonzero(ev.person[: ev.mapped] == person)[0])
            m = ev.model.members
            assert m.messages[slot] > 0 and m.role[slot] != Role.SILENT  # active when invited
        funnelled += sum(f[4] == "funnel" for f in mx.flows[checked:])
        checked = len(mx.flows)
    assert funnelled > 10
    none = MatrixModel(matrix_cfg("matrix=event_funnel", "matrix.funnel.share=0", days=100), 1)
    assert not [f for f in none.run().flows if f[4] == "funnel"]


def test_a_relaunch_moves_the_living_core_into_a_new_group():
    base = matrix_cfg("policy=feelings", days=60)
    cfg = with_matrix(
        base, groups={"ev": MatrixGroupConfig(type="temporary")}, cross_invite_share=0.0,
        relaunch=MoveConfig(moves=1, core_days=30, min_core=3),
    )  # fmt: skip
    mx = MatrixModel(cfg, seed=0).run()
    first, moved = mx.groups[0], mx.groups[1]
    assert first.model.dead and moved.gid == "ev.r1"
    assert moved.launch_day == first.launch_day + first.model.days_recorded
    m = first.model.members
    core = np.flatnonzero(
        m.present[: first.mapped]
        & (m.last_post_day[: first.mapped] >= first.model.day - cfg.matrix.relaunch.core_days)
    )
    assert sorted(moved.person[: core.size]) == sorted(first.person[core])
    assert moved.model.members_start == core.size
    assert [f[4] for f in mx.flows] == ["relaunch"] * core.size
    assert {f[3] for f in mx.flows} == {moved.launch_day}  # recorded on the day it moved
    assert len(mx.groups) == 2  # one move allowed


# ------------------------------------------------------------------ records


def test_group_tables_keep_the_single_group_columns():
    cfg = matrix_cfg("matrix=event_funnel", days=70)
    daily, row, extra = run_one_tables(cfg, 0)
    gd, gs = extra["groups_daily"], extra["groups_summary"]
    assert set(DAILY_COLUMNS) <= set(gd.columns)
    single = GroupModel(compose(["run.days=5"]), seed=0).run()
    assert set(summary_row(single, daily_frame(single))) <= set(gs.columns)
    assert {"group_id", "launch_day", "matrix_day"} <= set(gd.columns)
    assert gs["group_id"].is_unique and len(gs) == row["groups_founded"]
    assert (gd["matrix_day"] == gd["day"] + gd["launch_day"]).all()
    # the matrix's sums are the groups' sums
    by_day = gd.groupby("matrix_day")[["msgs_members", "revenue"]].sum()
    assert np.allclose(by_day["msgs_members"].to_numpy(), daily["msgs_members"].to_numpy())
    assert row["revenue"] == pytest.approx(gs["revenue"].sum())
    assert list(daily["day"]) == list(range(row["days_run"]))
    # a matrix's lifespan is its last group's, as a group's is (quiet days not counted)
    assert row["lifespan_days"] == (gs["launch_day"] + gs["lifespan_days"]).max()
    assert row["censored"] == gs["censored"].any()


def test_a_matrix_of_one_dying_group_has_that_groups_lifespan():
    base = matrix_cfg("policy=hands_off", days=60)
    cfg = with_matrix(base, groups={"ev": MatrixGroupConfig(type="temporary")},
                      max_memberships=1, cross_invite_share=0.0)  # fmt: skip
    for r in range(3):
        _, row, extra = run_one_tables(cfg, r)
        (group,) = extra["groups_summary"].itertuples()
        assert not row["censored"] and row["lifespan_days"] == group.lifespan_days


def test_a_group_founded_later_keeps_the_matrix_calendar():
    cfg = matrix_cfg("matrix=city_network", "run.start_day_of_year=360", days=90)
    assert group_config(cfg, "city").run.start_day_of_year == 360
    assert group_config(cfg, "profession", launch_day=30).run.start_day_of_year == 25
    assert group_config(cfg, "profession", launch_day=30).run.days == 60


def test_more_replicates_resume_and_keep_the_group_tables_whole(tmp_path):
    cfg = matrix_cfg("matrix=event_funnel", "run.replicates=1", days=40)
    run_or_resume(cfg, tmp_path)
    first = {n: pd.read_parquet(tmp_path / f"{n}.parquet") for n in GROUP_TABLES}
    more = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, replicates=2))
    _, summary, ran = run_or_resume(more, tmp_path)
    assert ran == [1] and list(summary["replicate"]) == [0, 1]
    for n in GROUP_TABLES:
        table = pd.read_parquet(tmp_path / f"{n}.parquet")
        assert set(table["replicate"]) == {0, 1}
        pd.testing.assert_frame_equal(
            table[table["replicate"] == 0].reset_index(drop=True), first[n]
        )


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (["matrix=city_network", "matrix.groups.city.type=cityish"], "matrix.groups.city.type"),
        (
            ["matrix=city_network", "matrix.groups.hobby.policy=greedy"],
            "matrix.groups.hobby.policy",
        ),
        (["matrix=event_funnel", "matrix.groups.event.feeds=shop"], "matrix.groups.event.feeds"),
        (["matrix=city_network", "matrix.groups.city.members=501"], "matrix.groups.city.members"),
        (["matrix=city_network", "matrix.max_memberships=1"], "matrix.max_memberships"),
        (["matrix=city_network", "matrix.groups.city.members=2"], "matrix.groups.city.members"),
        (["matrix=nowhere"], "matrix"),
        (["matrix.max_memberships=2"], "matrix.max_memberships"),
        (["matrix=city_network", "+matrix.groups.city.colour=red"], "matrix.groups.city.colour"),
        (["matrix=city_network", "matrix.spill.ads='0.5'"], "matrix.spill.ads"),
        (["matrix=city_network", "group=learning"], "group"),
        (["matrix=city_network", "group.invite_rate=0.9"], "group"),
        (
            ["matrix=city_network", "run.days=20", "matrix.groups.city.start_day=30"],
            "matrix.groups",
        ),
    ],
)
def test_a_bad_matrix_is_one_error_naming_its_field(overrides, field):
    with pytest.raises(ConfigError) as err:
        check_config(compose(overrides))
    assert err.value.field == field


@pytest.mark.slow
def test_the_command_line_says_a_bad_matrix_in_one_line(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "sim", "matrix=event_funnel", "matrix.groups.event.feeds=shop",
         f"hydra.run.dir={tmp_path}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "config error: matrix.groups.event.feeds='shop' is not allowed: no such group in the "
        "matrix; one of longterm, event"
    ]
    assert not (tmp_path / "summary.parquet").exists()


# ------------------------------------------------------------------ the commands


def run_cli(args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_a_matrix_run_writes_group_tables_flows_and_a_figure(tmp_path):
    args = ["sim", "matrix=event_funnel", "policy=money", "run.days=70", "run.replicates=2",
            f"hydra.run.dir={tmp_path}"]  # fmt: skip
    res = run_cli(args)
    assert res.returncode == 0, res.stderr
    assert "people_reached" in res.stdout
    for name in ("daily", "summary", *GROUP_TABLES):
        assert (tmp_path / f"{name}.parquet").is_file(), name
    assert (tmp_path / "flows.png").stat().st_size > 10_000
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert list(summary["group"]) == ["event_funnel"] * 2
    flows = pd.read_parquet(tmp_path / "flows.parquet")
    assert Counter(flows["why"]).keys() <= set(WHY) and (flows["why"] == "funnel").any()
    again = run_cli(args)
    assert again.returncode == 0 and "nothing was run" in again.stdout


@pytest.mark.slow
def test_a_sweep_over_the_funnel_share_and_a_comparison_of_policies(tmp_path):
    sweep = tmp_path / "sweep"
    res = run_cli(["sim", "-m", "matrix=event_funnel", "matrix.funnel.share=0,0.5",
                   "run.days=40", "run.replicates=2", f"hydra.sweep.dir={sweep}"])  # fmt: skip
    assert res.returncode == 0, res.stderr
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert sorted(runs["matrix.funnel.share"].unique()) == [0.0, 0.5]
    assert runs.groupby("matrix.funnel.share")["moved_funnel"].sum()[0.0] == 0
    res = run_cli(["sim.compare", "matrix=event_funnel", "policies=feelings,money",
                   "run.days=40", "run.replicates=2", "--worlds", "0"], cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr
    (out,) = (tmp_path / "results" / "compare").iterdir()
    assert out.name.startswith("event_funnel_")
    report = (out / "report.md").read_text()
    assert "in the event_funnel matrix" in report
    assert set(pd.read_parquet(out / "groups_summary.parquet")["policy"]) == {"feelings", "money"}
    assert (out / "figures" / "flows_money.png").is_file()
