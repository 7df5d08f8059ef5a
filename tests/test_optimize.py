"""Strategy search (sim.experiments.optimize).

The search machinery is checked on synthetic objectives whose optimum is known, through
the same study loop the model uses; the model path on a tiny real search.
"""

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config.compose import compose
from sim.core.errors import ConfigError
from sim.experiments import optimize as opt
from sim.experiments.runner import replicate_seed, run_point
from sim.experiments.search_space import read_space

ROOT = Path(__file__).resolve().parent.parent
TWO_KNOBS = """
description: two knobs
base: hands_off
team_size: 1
tactics:
  sales: {switch: false, per_day: [0.0, 3.0]}
  red_packets: {switch: false, amount: [1.0, 50.0]}
"""


@pytest.fixture
def space(tmp_path):
    path = tmp_path / "two_knobs.yaml"
    path.write_text(TWO_KNOBS)
    return read_space(str(path))


def synthetic(f):
    """An evaluator scoring each strategy with ``f(per_day, amount) -> {objective: value}``."""
    calls = []

    def evaluate(trials):
        calls.append([n for n, _ in trials])
        out = []
        for _, p in trials:
            values = f(p["sales.per_day"], p["red_packets.amount"])
            out.append(values | {"violations": values.pop("violations", {})})
        return out

    evaluate.calls = calls
    return evaluate


def spec(**kw):
    s = opt.Spec(objectives=("lifespan",), trials=60, batch=4, seed=3)
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def test_the_search_finds_the_known_optimum_of_a_tiny_space(space, tmp_path):
    bowl = synthetic(lambda x, y: {"lifespan": -((x - 1.2) ** 2) - ((y - 20.0) / 10) ** 2})
    study = opt.run_study(spec(), space, bowl, tmp_path, progress=None)
    best = study.best_trial.params
    assert abs(best["sales.per_day"] - 1.2) < 0.3 and abs(best["red_packets.amount"] - 20) < 5
    assert len(study.trials) == 60


def test_a_two_objective_front_lies_on_the_known_pareto_set(space, tmp_path):
    # lifespan peaks at per_day 1, revenue at 2: the Pareto set is per_day in [1, 2], amount 20
    def f(x, y):
        off = ((y - 20.0) / 10) ** 2
        return {"lifespan": -((x - 1) ** 2) - off, "revenue": -((x - 2) ** 2) - off}

    s = spec(objectives=("lifespan", "revenue"), trials=80)
    study = opt.run_study(s, space, synthetic(f), tmp_path, progress=None)
    front = opt.front_trials(opt.trials_table(study, s), s)
    assert len(front) >= 5
    assert front["param.sales.per_day"].between(0.8, 2.2).all()
    assert (front["param.sales.per_day"].max() - front["param.sales.per_day"].min()) > 0.5


def test_infeasible_strategies_are_marked_kept_and_never_on_the_front(space, tmp_path):
    def f(x, y):  # more packet yuan always looks better, but the budget is 30
        return {"lifespan": y, "violations": {"packets_yuan_per_month": y - 30.0}}

    s = spec(trials=30, budget={"packets_yuan_per_month": 30.0})
    table = opt.trials_table(opt.run_study(s, space, synthetic(f), tmp_path, progress=None), s)
    over = table[table["param.red_packets.amount"] > 30]
    assert len(over) and not over["feasible"].any()  # marked, kept
    best = opt.front_trials(table, s)
    assert (best["param.red_packets.amount"] <= 30).all()
    assert best["param.red_packets.amount"].max() > 25  # and the search went near the limit


def test_an_interrupted_search_resumes_with_no_trial_lost_or_repeated(space, tmp_path):
    bowl = lambda x, y: {"lifespan": -((x - 1.2) ** 2)}  # noqa: E731
    first = synthetic(bowl)

    def stop_on_the_third_batch(trials):
        if len(first.calls) == 2:
            first.calls.append(["interrupted", [n for n, _ in trials]])
            raise KeyboardInterrupt
        return first(trials)

    s = spec(trials=20)
    with pytest.raises(KeyboardInterrupt):
        opt.run_study(s, space, stop_on_the_third_batch, tmp_path, progress=None)
    interrupted = first.calls[-1][1]
    before = opt.open_study(s, tmp_path).get_trials()
    params = {t.number: t.params for t in before if t.number in interrupted}
    second = synthetic(bowl)
    study = opt.run_study(s, space, second, tmp_path, progress=None)
    trials = study.get_trials()
    assert sorted(t.number for t in trials) == list(range(20))
    assert all(t.state.name == "COMPLETE" for t in trials)
    evaluated = [n for call in first.calls[:2] + second.calls for n in call]
    assert sorted(evaluated) == list(range(20))  # each trial evaluated exactly once
    assert set(interrupted) <= set(second.calls[0])  # taken over first, with their params
    assert all(trials[n].params == params[n] for n in interrupted)


def test_a_rerun_of_a_finished_search_evaluates_nothing(space, tmp_path):
    evaluate = synthetic(lambda x, y: {"lifespan": x})
    opt.run_study(spec(trials=8), space, evaluate, tmp_path, progress=None)
    again = synthetic(lambda x, y: {"lifespan": x})
    opt.run_study(spec(trials=8), space, again, tmp_path, progress=None)
    assert again.calls == []
    more = synthetic(lambda x, y: {"lifespan": x})
    opt.run_study(spec(trials=10), space, more, tmp_path, progress=None)
    assert sum(map(len, more.calls)) == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["objectives=lifespan,fame"], "unknown objective"),
        (["objectives=lifespan,lifespan"], "each once"),
        (["trials=0"], "trials=0 is not allowed"),
        (["trials=many"], "must be a whole number"),
        (["sampler=cmaes"], "must be one of tpe, nsga2"),
        (["budget.coffee=3"], "unknown budget"),
        (["budget.max_selling_share=2"], "between 0.0 and 1.0"),
        (["policy=money"], "the search chooses the policy"),
        (["trails=3"], "unknown argument"),
        (["nonsense"], "write key=value"),
    ],
)
def test_bad_arguments_are_one_config_error(args, words):
    with pytest.raises(ConfigError, match=words):
        opt.parse_args(args)


def run_cli(*args, cwd):
    cmd = [sys.executable, "-m", "sim", "optimize", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["search=nosuch"], "unknown search space"),
        (["group=nosuch"], "unknown group preset"),
        (["group.initial_member=9"], "did you mean initial_members?"),
        (["objectives=fame"], "unknown objective"),
    ],
)
def test_the_command_line_says_one_line_before_anything_runs(tmp_path, args, words):
    res = run_cli(*args, f"out={tmp_path / 'o'}", cwd=tmp_path)
    lines = [line for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    assert res.returncode == 2 and len(lines) == 1, res.stdout + res.stderr
    assert words in lines[0]
    assert not (tmp_path / "o").exists()


TINY = """
description: selling, and a packet on holidays
base: hands_off
team_size: 1
tactics:
  sales: {switch: false, per_day: [0.2, 3.0]}
  red_packets: {every_days: 0.0, on_holidays: true, amount: [5.0, 40.0]}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("opt")
    (folder / "tiny.yaml").write_text(TINY)
    args = [f"search={folder / 'tiny.yaml'}", "objectives=lifespan,revenue", "trials=4",
            "replicates=2", "fresh=3", "front=3", "days=40", "batch=2", f"out={folder / 'o'}",
            "group.initial_members=40"]  # fmt: skip
    res = run_cli(*args, cwd=folder)
    assert res.returncode == 0, res.stderr
    return folder / "o", args


@pytest.mark.slow
def test_a_real_search_writes_its_report_tables_and_policies(tiny):
    out, _ = tiny
    for name in ("report.md", "trials.parquet", "front.parquet", "fresh_runs.parquet",
                 "figures/front.png", "study.log"):  # fmt: skip
        assert (out / name).is_file(), name
    trials = pd.read_parquet(out / "trials.parquet")
    assert len(trials) == 4 and (trials["state"] == "COMPLETE").all()
    front = pd.read_parquet(out / "front.parquet")
    assert set(front.loc[front["kind"] == "preset", "strategy"]) == set(opt.PRESETS)
    assert len(list((out / "policy").glob("*.yaml"))) == (front["kind"] == "found").sum()
    report = (out / "report.md").read_text()
    for r in front.itertuples():  # the report's numbers are the table's
        assert f"`{r.strategy}`" in report and f"{r.lifespan:,.1f}" in report


@pytest.mark.slow
def test_the_reevaluation_uses_seeds_the_search_never_saw(tiny):
    out, _ = tiny
    fresh = set(pd.read_parquet(out / "fresh_runs.parquet")["seed"])
    search = {replicate_seed(0, r) for r in range(2)}
    assert len(fresh) == 3 and not fresh & search
    parts = pd.concat(pd.read_parquet(p) for p in (out / "runs" / "parts").glob("*.parquet"))
    assert set(parts["seed"]) == search  # every trial on the same paired seeds


@pytest.mark.slow
def test_a_written_policy_runs_and_gives_its_trials_numbers(tiny):
    out, _ = tiny
    front = pd.read_parquet(out / "front.parquet")
    found = front[front["kind"] == "found"].iloc[0]
    cfg = compose([f"policy={found['strategy']}", f"hydra.searchpath=[file://{out}]",
                   "run.days=40", "group.initial_members=40", "run.replicates=2"])  # fmt: skip
    _, summary = run_point(cfg)
    trial = pd.read_parquet(out / "trials.parquet").set_index("trial").loc[found["trial"]]
    assert summary["lifespan_days"].mean() == pytest.approx(trial["lifespan"])
    assert summary["revenue"].mean() == pytest.approx(trial["revenue"])


@pytest.mark.slow
def test_the_same_command_resumes_a_finished_search_without_new_trials(tiny):
    out, args = tiny
    res = run_cli(*args, cwd=out.parent)
    assert res.returncode == 0, res.stderr
    assert "optimize: 4/4" not in res.stderr  # no batch ran
    assert len(pd.read_parquet(out / "trials.parquet")) == 4
    other = run_cli(*[a for a in args if not a.startswith("replicates")], "replicates=3",
                    cwd=out.parent)  # fmt: skip
    assert other.returncode == 2 and "holds another search" in other.stderr


def test_the_same_search_draws_the_same_trials(space, tmp_path):
    def run(folder):
        evaluate = synthetic(lambda x, y: {"lifespan": -((x - 1.2) ** 2), "revenue": y})
        s = spec(objectives=("lifespan", "revenue"), trials=24)
        return opt.trials_table(opt.run_study(s, space, evaluate, folder, progress=None), s)

    a, b = run(tmp_path / "a"), run(tmp_path / "b")
    pd.testing.assert_frame_equal(a.drop(columns="seconds"), b.drop(columns="seconds"))


def test_optuna_dashboard_reads_the_study_file(space, tmp_path):
    """The README's ``optuna-dashboard <out>/study.log`` serves the study."""
    import json
    import socket
    import time
    import urllib.request

    s = spec(objectives=("lifespan", "revenue"), trials=6)
    evaluate = synthetic(lambda x, y: {"lifespan": x, "revenue": y})
    opt.run_study(s, space, evaluate, tmp_path, progress=None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).with_name("optuna-dashboard")
    cmd = [str(exe), str(tmp_path / opt.STUDY_FILE), "--port", str(port), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/api/studies/0?after=0"
                body = json.loads(urllib.request.urlopen(url, timeout=5).read())
            except OSError:
                time.sleep(0.5)
        assert body is not None, "optuna-dashboard did not answer within 60 s"
        assert len(body["trials"]) == 6 and body["directions"] == ["maximize", "maximize"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_fresh_seeds_are_disjoint_by_construction():
    s = opt.Spec(replicates=50, fresh=200)
    fresh = {replicate_seed(opt.fresh_seed(s), r) for r in range(s.fresh)}
    assert not fresh & opt.search_seeds(s) and math.isfinite(len(fresh))


@pytest.mark.slow
def test_two_workers_share_one_study_without_losing_or_repeating_a_trial(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY)
    args = [f"search={tmp_path / 'tiny.yaml'}", "objectives=lifespan,revenue", "trials=8",
            "replicates=2", "fresh=2", "front=2", "days=30", "batch=2", "jobs=1",
            f"out={tmp_path / 'o'}"]  # fmt: skip
    cmd = [sys.executable, "-m", "sim", "optimize", *args]
    workers = [subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outputs = [w.communicate(timeout=600) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    trials = pd.read_parquet(tmp_path / "o" / "trials.parquet")
    assert sorted(trials["trial"]) == list(range(8)) and (trials["state"] == "COMPLETE").all()
    assert (tmp_path / "o" / "report.md").is_file()
