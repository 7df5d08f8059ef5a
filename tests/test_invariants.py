import numpy as np
import pytest

from sim.core.constants import MAX_GROUP_SIZE, QR_JOIN_LIMIT
from sim.core.roles import ROLE_NAMES
from sim.model import DAILY_COLUMNS
from tests.conftest import model


@pytest.mark.parametrize("policy", ["feelings", "money", "hands_off"])
def test_long_run_invariants(policy):
    m = model(f"policy={policy}", "run.days=365", "group.spam_attraction=1.0", seed=11).run()
    d = __import__("pandas").DataFrame(m.records)
    numeric = d[[c for c in d.columns if c not in ("day",)]]
    assert (numeric >= 0).all().all(), "a count went negative"
    # members = initial + joins - exits (day 0's joins are the initial members)
    np.testing.assert_array_equal(d["members"], d["joins"].cumsum() - d["exits_total"].cumsum())
    assert (d[[f"n_{r}" for r in ROLE_NAMES]].sum(axis=1) == d["members"]).all()
    assert (d["members"] + d["spammers"] <= MAX_GROUP_SIZE).all()
    # the Mesa agents are exactly the members present, and agree on roles
    assert len(m.agents) == m.n_members == m.members.count()
    by_role = m.agents.groupby("role").count()
    last = m.records[-1]
    assert {r.name.lower(): n for r, n in by_role.items()} == {
        r: last[f"n_{r}"] for r in ROLE_NAMES if last[f"n_{r}"]
    }
    assert set(m.agents_by_slot) == set(m.members.present_idx().tolist())
    assert list(d.columns) == list(DAILY_COLUMNS)


def test_qr_joining_stops_at_100():
    m = model(
        "policy=hands_off",
        "+policy.tactics.invitations={channel: qr, per_day: 40, days: 30}",
        "group.invite_rate=0",
        "group.spam_attraction=0",
        "run.days=30",
    ).run()
    assert max(r["members"] for r in m.records) == QR_JOIN_LIMIT


def test_group_never_exceeds_500():
    m = model(
        "policy=hands_off",
        "+policy.tactics.invitations={channel: direct, per_day: 100, days: 30}",
        "group.initial_members=450",
        "group.founders=40",
        "run.days=30",
    ).run()
    sizes = [r["members"] + r["spammers"] for r in m.records]
    assert max(sizes) == MAX_GROUP_SIZE


def test_invitation_tree_is_consistent():
    m = model("policy=feelings", "run.days=90", seed=3).run()
    mt = m.members
    for slot in range(mt.n):
        inviter = mt.inviter[slot]
        if inviter >= 0:
            assert inviter < slot, "an inviter joined before the invitee"
            assert mt.depth[slot] == mt.depth[inviter] + 1
            assert inviter in mt.ties[slot]
        else:
            assert mt.depth[slot] == 1
