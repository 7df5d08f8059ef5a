"""The validation battery: statistics on hand-built inputs, probes that measure what they
claim, pass/fail that follows target vs measurement, and the command line.

No model output is hard-coded here: the model's defaults are being calibrated, so
every check recomputes its expectation from the same runs or from first principles.
"""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import intervals as IV
from sim.analysis.survival import km_curve, km_median_ci, km_survival, logrank, restricted_mean
from sim.config.compose import compose
from sim.experiments.runner import replicate_seed
from sim.model import GroupModel
from sim.validation import battery as V
from sim.validation import measures as M
from sim.validation import patterns as PT
from sim.validation import probes as PR
from sim.validation import scenarios as S

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------- statistics


def test_wilson_ci_known_values():
    # textbook values (e.g. Newcombe 1998, Table I): 0/10 and 5/10
    low, high = IV.wilson_ci(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = IV.wilson_ci(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = IV.wilson_ci(81, 263)
    assert (low, high) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert all(math.isnan(v) for v in IV.wilson_ci(0, 0))


def test_mean_ci_is_a_t_interval():
    mean, low, high, n = IV.mean_ci([1.0, 2.0, 3.0, float("nan")])
    half = 4.302653 / math.sqrt(3)  # t(0.975, 2) x sd 1 / sqrt(3)
    assert (mean, n) == (2.0, 3)
    assert (low, high) == pytest.approx((2 - half, 2 + half), rel=1e-5)
    assert IV.mean_ci([4.0, 4.0]) == (4.0, 4.0, 4.0, 2)
    assert math.isnan(IV.mean_ci([1.0])[1])


def test_bootstrap_ci_is_reproducible_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    a, b = rng.poisson(10, 40), rng.poisson(5, 40) + 1
    ci = IV.bootstrap_ci(IV.ratio_of_sums, a, b)
    assert ci == IV.bootstrap_ci(IV.ratio_of_sums, a, b)
    assert ci[0] < a.sum() / b.sum() < ci[1]
    assert all(math.isnan(v) for v in IV.bootstrap_ci(IV.ratio_of_sums, a[:1], b[:1]))


def test_top_share_and_participation_on_hand_built_counters():
    assert M.top_share([5, 1, 0, 4], 2) == pytest.approx(0.9)
    assert math.isnan(M.top_share([0, 0], 1))
    # slots 0-5 at the start of the month; slot 6 joins during it; slot 2 leaves
    before = np.array([10, 0, 3, 0, 0, 1])
    present0 = np.array([True, True, True, True, True, True])
    after = np.array([30, 0, 3, 0, 5, 1, 4])
    present1 = np.array([True, True, False, True, True, True, True])
    out = M.participation(before, present0, after, present1, top=2)
    # stayers: slots 0, 1, 3, 4, 5; of those 0 and 4 posted
    assert out["stayers"] == 5 and out["posted_share"] == pytest.approx(2 / 5)
    assert out["msgs"] == 29  # 20 + 5 + 4 (the joiner counts)
    assert out["top_share_k"] == pytest.approx(25 / 29)
    assert out["posters"] == 3
    assert out["top10_posters_share"] == pytest.approx(20 / 29)  # top 10% of 3 = 1 poster
    posts = np.array([20.0, 5.0, 4.0])
    assert out["posters_cv"] == pytest.approx(posts.std() / posts.mean())


def test_invitation_counts_leave_out_members_without_follow_up():
    joined = np.array([0, 0, 10, 50, 95])
    first = np.array([2, 7, 14, -1, 96])
    # days_run 100, follow_up 30: the member who joined on day 95 is left out
    assert M.invitation_counts(joined, first, 100, within=5, follow_up=30) == (2, 3)


def test_role_shares_and_weekly_mean_on_a_hand_built_daily_table():
    days = np.arange(14)
    daily = pd.DataFrame(
        {
            "day": days,
            "members": 10,
            "n_thinker": np.where(days < 7, 1, 2),
            "n_critic": 1,
            "n_onlooker": 3,
            "n_silent": np.where(days < 7, 5, 4),
            "msgs_spam": days,
        }
    )
    out = M.role_shares(daily, 7, 13)
    assert out == pytest.approx(
        {"thinkers": 2, "critics": 1, "onlooker_share": 0.3, "silent_share": 0.4}
    )
    assert math.isnan(M.role_shares(daily, 7, 20)["thinkers"])  # not alive all those days
    assert M.weekly_mean(daily, "msgs_spam", 2) == pytest.approx(10.0)
    assert M.weekly_mean(daily, "msgs_spam", 1, per_member=True) == pytest.approx(0.3)
    assert math.isnan(M.weekly_mean(daily, "msgs_spam", 3))


def test_km_helpers_agree_with_sim_survival():
    rng = np.random.default_rng(3)
    t = rng.integers(1, 60, 40).astype(float)
    c = rng.random(40) < 0.3
    curve = km_curve(t, c)
    for day in (0, 5, 17, 30, 59, 80):
        expected = curve[curve["day"] <= day]["survival"].iloc[-1]
        assert km_survival(t, c, day) == pytest.approx(expected)
    for horizon in (10, 45, 60):  # the area under km_curve's steps
        days = np.clip(curve["day"].to_numpy(), 0, horizon)
        area = (curve["survival"].to_numpy() * np.diff(np.append(days, horizon))).sum()
        assert restricted_mean(t, c, horizon) == pytest.approx(area)


def test_km_share_uses_wilson_without_censoring_and_the_km_band_with_it():
    t = np.array([3, 5, 7, 8, 20, 40, 365, 365, 365, 365], dtype=float)
    c = t == 365
    est = M.km_share(t, c, 7, dead=True)
    assert est.value == pytest.approx(0.3) and est.method == "Wilson"
    assert (est.low, est.high) == pytest.approx(IV.wilson_ci(3, 10))
    assert M.km_share(t, c, 365).value == pytest.approx(0.4)
    # censored before the day: Kaplan-Meier
    t2, c2 = np.array([3, 5, 6, 10, 12, 30.0]), np.array([0, 0, 1, 0, 1, 1], dtype=bool)
    est = M.km_share(t2, c2, 11)
    assert est.method == "KM" and est.value == pytest.approx(km_survival(t2, c2, 11))
    assert est.low <= est.value <= est.high
    # nobody followed that long
    assert math.isnan(M.km_share(np.array([10.0, 20.0]), np.array([True, True]), 30).value)


def test_lifespan_mixture_names_the_e1_e5_figures():
    t = np.array([2, 6, 7, 10, 31, 100, 365], dtype=float)
    out = M.lifespan_mixture(t, t == 365)
    assert set(out) == {"dead_by_7", "alive_after_30", "dead_by_90", "alive_at_365"}
    assert out["dead_by_7"].value == pytest.approx(3 / 7)
    assert out["alive_after_30"].value == pytest.approx(3 / 7)
    assert out["dead_by_90"].value == pytest.approx(5 / 7)
    assert out["alive_at_365"].value == pytest.approx(1 / 7)


def test_target_holds_follows_value_bounds_and_p():
    est = M.Estimate
    t = PT.between(0.3, 0.5)
    assert t.holds(est(0.3)) and t.holds(est(0.5)) and not t.holds(est(0.51))
    assert not t.holds(est(float("nan")))
    gt = PT.above(0.5)
    assert not gt.holds(est(0.5)) and gt.holds(est(0.5001))
    assert not PT.below(0.25).holds(est(0.25))
    # a censored median "> 365" meets ">= 30" but not "4 to 10"
    assert PT.Target(30).holds(est(365, bound=">"))
    assert not PT.between(4, 10).holds(est(5, bound=">"))
    assert PT.below(1).holds(est(0.9, bound="<")) and not PT.above(0).holds(est(5, bound="<"))
    cmp = PT.above(0, p_max=0.05)
    assert cmp.holds(est(10, p=0.01)) and not cmp.holds(est(10, p=0.2))
    assert not cmp.holds(est(10)) and not cmp.holds(est(-1, p=0.001))


def test_mixture_draws_are_deterministic_and_follow_the_weights():
    draws = S.mixture_draws(4000, 0)
    assert draws == S.mixture_draws(4000, 0)
    assert draws[:50] == S.mixture_draws(50, 0)
    assert draws[:50] != S.mixture_draws(50, 1)
    groups = pd.Series([g for g, _ in draws]).value_counts(normalize=True)
    policies = pd.Series([p for _, p in draws]).value_counts(normalize=True)
    for name, w in S.MIX_GROUPS.items():
        assert groups[name] == pytest.approx(w, abs=0.03)
    for name, w in S.MIX_POLICIES.items():
        assert policies[name] == pytest.approx(w, abs=0.03)


def test_patterns_and_scenarios_are_consistent():
    ids = [p.id for p in PT.PATTERNS]
    assert len(ids) == len(set(ids))
    for p in PT.PATTERNS:
        assert p.source and p.description and p.target.text
        assert set(p.scenarios) <= set(S.SCENARIO_BY_NAME), p.id
    for s in S.SCENARIOS:
        assert s.replicates >= 30 and s.probe in PR.PROBES
        if s.probe == "intervene":
            assert s.kwargs["action"] in PR.ACTIONS
    assert S.SCENARIO_BY_NAME["mixture"].replicates >= 200


# ------------------------------------------------- probes measure what they claim


def test_observe_measures_the_month_from_the_model_itself():
    cfg = compose(["group=relationship", "policy=feelings", "run.days=20"])
    seed = replicate_seed(0, 1)
    row = PR.observe(cfg, seed, snapshot_day=10)
    # the same run by hand: snapshot at the start of day 10
    m = GroupModel(cfg, seed=seed)
    while m.t < 10 * 24:
        m.step()
    before = m.members.messages[: m.members.n].copy()
    present = m.members.present[: m.members.n].copy()
    m.run()
    days = pd.DataFrame(m.records)
    month = days[days["day"] >= 10]
    assert row["thinkers"] == pytest.approx(month["n_thinker"].mean())
    assert row["silent_share"] == pytest.approx((month["n_silent"] / month["members"]).mean())
    n = m.members.n
    delta = m.members.messages[:n] - np.pad(before, (0, n - before.size))
    stay = np.pad(present, (0, n - present.size)) & m.members.present[:n]
    assert row["posted_share"] == pytest.approx((delta[stay] > 0).mean())
    assert row["top_share_k"] == pytest.approx(np.sort(delta)[::-1][:5].sum() / delta.sum())
    assert row["msgs_critic"] == days["msgs_critic"].sum()
    assert row["lifespan_days"] == (m.lifespan_days if m.dead else 20)


def test_intervene_counts_the_hours_after_the_intervention():
    cfg = compose(["group=relationship", "policy=hands_off", "run.days=4"])
    seed = replicate_seed(0, 2)
    windows = ((0, 3), (3, 10))
    row = PR.intervene(cfg, seed, day=1, hour=20, action="packet", windows=windows,
                      args={"amount": 20.0, "shares": 20})  # fmt: skip
    m = GroupModel(cfg, seed=seed)
    while m.t < 44:
        m.step()
    m.send_packet(20.0, 20)
    marks = {}
    for k in range(11):
        if k in (0, 3, 10):
            marks[k] = M.cumulative(m, ["msgs_members", "msgs_thanks"])
        m.step()
    assert row["msgs_members_0_3"] == marks[3]["msgs_members"] - marks[0]["msgs_members"]
    assert row["msgs_thanks_3_10"] == marks[10]["msgs_thanks"] - marks[3]["msgs_thanks"]
    assert row["msgs_thanks_0_3"] > 0  # the packet was grabbed and thanked
    # the control is the same run without the packet: identical before it
    none = PR.intervene(cfg, seed, day=1, hour=20, action="none", windows=windows)
    assert none["msgs_thanks_0_3"] == 0


# ----------------------------------------------------------- pass/fail and table


def _fake_runs(scenario, **columns):
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"scenario": scenario, "replicate": range(n), **columns})


def test_pass_follows_target_vs_measurement_on_synthetic_runs():
    r2 = PT.PATTERN_BY_ID["R2"]  # onlooker share 0.30-0.50
    inside = V.evaluate([r2], _fake_runs("default_month", onlooker_share=[0.35, 0.45]))
    outside = V.evaluate([r2], _fake_runs("default_month", onlooker_share=[0.6, 0.7]))
    assert inside["passed"].item() and inside["value"].item() == pytest.approx(0.4)
    assert not outside["passed"].item() and outside["value"].item() == pytest.approx(0.65)
    f1 = PT.PATTERN_BY_ID["F1"]
    runs = pd.concat(
        [
            _fake_runs("relationship_feelings", lifespan_days=[365.0] * 8,
                       censored=[True] * 8),
            _fake_runs("relationship_money", lifespan_days=[30.0 + i for i in range(8)],
                       censored=[False] * 8),
        ]
    )  # fmt: skip
    row = V.evaluate([f1], runs).iloc[0]
    assert row["passed"] and row["bound"] == ">" and row["p_value"] < 0.05
    swap = {"relationship_feelings": "relationship_money"}
    swap |= {v: k for k, v in swap.items()}
    reverse = runs.assign(scenario=runs["scenario"].map(swap))
    assert not V.evaluate([f1], reverse)["passed"].item()


def test_a_measure_that_raises_becomes_an_error_row():
    runs = _fake_runs("default_month", thinkers=[1.0, 2.0])  # no onlooker_share column
    table = V.evaluate([PT.PATTERN_BY_ID["R1"], PT.PATTERN_BY_ID["R2"]], runs)
    assert table["error"].tolist()[0] == "" and "KeyError" in table["error"].tolist()[1]
    assert not table["passed"].tolist()[1] and table["measured"].tolist()[1] == "error"


def _rule(row) -> bool:
    """The pass rule, written from the table's own columns."""
    v = row["value"]
    if not np.isfinite(v):
        return False
    lo, hi = row["target_low"], row["target_high"]
    if row["bound"] == ">":
        ok = hi == math.inf and v >= lo
    elif row["bound"] == "<":
        ok = lo == -math.inf and v <= hi
    else:
        ok = (v > lo if row["target_low_open"] else v >= lo) and (
            v < hi if row["target_high_open"] else v <= hi
        )
    if np.isfinite(row["p_max"]):
        ok = ok and np.isfinite(row["p_value"]) and row["p_value"] < row["p_max"]
    return bool(ok) and not row["error"]


def _check_table(table: pd.DataFrame, runs: pd.DataFrame, ids) -> None:
    assert table["id"].tolist() == list(ids)
    for _, row in table.iterrows():
        assert row["passed"] == _rule(row), row["id"]
        assert row["error"] in ("", None) or pd.isna(row["error"]), row["error"]
    by = V.split_runs(runs)
    value = table.set_index("id")["value"]
    # measured values recomputed from the same runs, independently of the measures
    if "R2" in value:
        df = by["default_month"]
        assert value["R2"] == pytest.approx(df["onlooker_share"].mean())
    if "L1" in value:
        df = by["temporary_hands_off"]
        assert value["L1"] == km_median_ci(df["lifespan_days"], df["censored"]).median
    if "P1" in value:
        a, b = by["packet"], by["packet_none"]
        ratio = a["msgs_members_0_6"].sum() / b["msgs_members_0_6"].sum()
        assert value["P1"] == pytest.approx(ratio)
    if "M1" in value:
        df = by["mixture"]
        dead7 = (~df["censored"].astype(bool)) & (df["lifespan_days"] <= 7)
        assert value["M1"] == pytest.approx(dead7.mean())
        assert set(df["group"]) <= set(S.MIX_GROUPS) and set(df["policy"]) <= set(S.MIX_POLICIES)
    if "F1" in value:
        a, b = by["relationship_feelings"], by["relationship_money"]
        p = logrank(a["lifespan_days"], a["censored"], b["lifespan_days"], b["censored"]).pvalue
        assert table.set_index("id").loc["F1", "p_value"] == pytest.approx(p, nan_ok=True)


CHEAP = ["R1", "R2", "R4", "R6", "L1", "M1", "M4", "P1", "P2", "P3", "A1", "D2", "U2"]


def test_quick_battery_subset_runs_in_process():
    table, runs = V.run_battery(quick=True, jobs=1, only=CHEAP, replicates=3)
    _check_table(table, runs, CHEAP)
    assert (runs.groupby("scenario").size() == 3).all()
    # scenarios share seeds, so paired scenarios start from the same group
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds["packet"] == seeds["packet_none"]).all()
    assert (seeds["packet"] == seeds["default_month"]).all()


def test_markdown_and_files(tmp_path):
    table, runs = V.run_battery(quick=True, jobs=1, only=["R1", "L1"], replicates=2)
    V.write_outputs(table, runs, tmp_path, "# header")
    text = (tmp_path / "table.md").read_text()
    assert text.startswith("# header") and "| R1 |" in text and "| L1 |" in text
    assert pd.read_csv(tmp_path / "table.csv")["id"].tolist() == ["R1", "L1"]
    assert pd.read_parquet(tmp_path / "runs.parquet").shape[0] == len(runs)


# ------------------------------------------------------------------ command line


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--jobs", "0"], "--jobs: must be a positive integer, got '0'"),
        (["--jobs", "many"], "--jobs: must be a positive integer, got 'many'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--only", "R1,ZZ"], "unknown pattern id ZZ"),
        (["--seed", "x"], "--seed: must be an integer"),
    ],
)
def test_bad_command_line_input_is_one_error_line(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        V.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("validate: error:") and message in err


def test_measurement_error_gives_exit_code_1(tmp_path, monkeypatch, capsys):
    def broken(runs):
        raise RuntimeError("boom")

    broken.scenarios = ("temporary_hands_off",)
    bad = PT.Pattern("X1", "broken", "none", broken, PT.above(0), "a broken measure")
    monkeypatch.setitem(PT.PATTERN_BY_ID, "X1", bad)
    code = V.main(["--quick", "--jobs", "1", "--only", "X1", "--out", str(tmp_path)])
    assert code == 1
    assert "pattern X1: RuntimeError: boom" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "table.csv")["error"].item() == "RuntimeError: boom"


@pytest.mark.slow
def test_quick_command_end_to_end(tmp_path):
    out = tmp_path / "validation"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", "--quick", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for name in ("table.md", "table.csv", "table.parquet", "runs.parquet"):
        assert (out / name).is_file()
    table = pd.read_parquet(out / "table.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    ids = [p.id for p in PT.PATTERNS]
    _check_table(table, runs, ids)
    assert pd.read_csv(out / "table.csv")["id"].tolist() == ids
    md = (out / "table.md").read_text()
    assert all(f"| {i} |" in md for i in ids) and f"| {ids[0]} |" in proc.stdout
    quick = {s.name: s.quick_replicates for s in S.SCENARIOS}
    assert runs.groupby("scenario").size().to_dict() == quick


# ------------------------------------------------------------ a group's whole life


def _life_runs(n, silent, onlooker, alive_through=(30, 180, 335, 700)):
    """Synthetic runs: per window, 1,000 member-days with the given role shares."""
    rows = []
    for _ in range(n):
        row = {}
        for a, _ in M.LIFE_WINDOWS:
            ok = a in alive_through
            row[f"w{a}_members"] = 1000.0 if ok else np.nan
            row[f"w{a}_n_silent"] = 1000.0 * silent[a] if ok else np.nan
            row[f"w{a}_n_onlooker"] = 1000.0 * onlooker if ok else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def test_life_roles_show_the_worst_window_and_skip_windows_with_few_alive():
    silent = {30: 0.6, 180: 0.55, 335: 0.7, 700: 0.8}
    df = _life_runs(8, silent, 0.38)
    df.loc[df.index[:5], "w700_members"] = np.nan  # 3 alive through days 700-729: too few
    est = PT.LifeRoles("x", "silent", 1.0)({"x": df})
    assert est.value == pytest.approx(0.55) and "d700: n/a (3 alive)" in est.text
    assert PT.above(0.5).holds(est)
    worse = _life_runs(8, silent | {180: 0.45}, 0.38)
    assert not PT.above(0.5).holds(PT.LifeRoles("x", "silent", 1.0)({"x": worse}))
    none = _life_runs(2, silent, 0.38)
    assert math.isnan(PT.LifeRoles("x", "silent", 1.0)({"x": none}).value)


def test_activity_ages_is_late_rate_over_early_rate_in_groups_alive_through_day_364():
    df = pd.DataFrame({"w300_msgs_members": [50.0] * 6, "w300_members": [1000.0] * 6,
                       "w0_msgs_members": [100.0] * 6, "w0_members": [1000.0] * 6})  # fmt: skip
    dead = df.iloc[:3].assign(w300_msgs_members=np.nan, w300_members=np.nan)
    est = PT.ActivityAges(("a", "b"), "test")({"a": df, "b": dead})
    assert est.value == pytest.approx(0.5) and est.n == 6 and PT.below(1.0).holds(est)
    assert math.isnan(PT.ActivityAges(("b",), "test")({"b": dead}).value)


def test_worst_cell_takes_the_highest_alive_share_and_the_lowest_spread():
    long = pd.DataFrame(
        {"lifespan_days": [730] * 6 + [100] * 4, "censored": [True] * 6 + [False] * 4}
    )
    short = pd.DataFrame(
        {"lifespan_days": [10, 20, 30, 40, 50, 60, 70, 80], "censored": [False] * 8}
    )
    same = pd.DataFrame({"lifespan_days": [30] * 8, "censored": [False] * 8})
    runs = {"long": long, "short": short, "same": same}
    alive = PT.WorstCell(("long", "short", "same"), "alive")(runs)
    assert alive.value == pytest.approx(0.6) and "long" in alive.text
    spread = PT.WorstCell(("long", "short", "same"), "spread")(runs)
    assert spread.value == 0.0 and "same" in spread.text and "2 of 3 cells" in spread.text
