"""The batch evaluator (sim.experiments.batch): a sweep's tables without a job per point.

Expectations come from a sweep of the same points and seeds, or from the evaluator's own
uninterrupted run, never from model numbers.
"""

import itertools
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.core.errors import ConfigError
from sim.experiments import batch as batch_mod
from sim.experiments.batch import PARTS_DIR, evaluate, read_parts
from sim.experiments.sweep import collect

ROOT = Path(__file__).resolve().parent.parent
SWEPT = "policy.tactics.sales.per_day"
DAYS = 12


def grid() -> pd.DataFrame:
    """2 policies x 2 selling rates, as the sweep tests' grid (tests/test_sweep.py)."""
    rows = [
        {"policy": p, SWEPT: rate, "run.days": DAYS}
        for p, rate in itertools.product(["feelings", "money"], [0.5, 2.0])
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    return out, evaluate(grid(), replicates=2, out=out, daily=True, jobs=2, progress=None)


@pytest.mark.slow
def test_tables_equal_a_sweep_of_the_same_points(batch_dir, tmp_path):
    _, got = batch_dir
    out = tmp_path / "grid"
    cmd = [
        sys.executable, "-m", "sim", "-m", "policy=feelings,money", f"{SWEPT}=0.5,2.0",
        f"run.days={DAYS}", "run.replicates=2", f"hydra.sweep.dir={out}",
    ]  # fmt: skip
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    runs, _ = collect(out)
    key = ["policy", SWEPT, "replicate"]
    want = runs.sort_values(key, ignore_index=True)
    have = got.runs.sort_values(key, ignore_index=True)
    assert list(have.columns) == list(want.columns)
    pd.testing.assert_frame_equal(have, want)
    by_day = ["run_id", "day"]
    daily = pd.read_parquet(out / "daily.parquet").sort_values(by_day, ignore_index=True)
    pd.testing.assert_frame_equal(got.daily.sort_values(by_day, ignore_index=True), daily)


def test_rows_keep_their_order_and_replicates_are_inner(batch_dir):
    _, got = batch_dir
    rows = grid()
    assert len(got.runs) == len(rows) * 2
    assert list(got.runs["replicate"]) == [0, 1] * len(rows)
    assert list(got.runs["policy"]) == [p for p in rows["policy"] for _ in range(2)]
    assert list(got.runs[SWEPT]) == [r for r in rows[SWEPT] for _ in range(2)]


def test_same_seed_pairs_policies(batch_dir):
    _, got = batch_dir
    seeds = got.runs.groupby("policy")["seed"].apply(list)
    assert seeds["feelings"] == seeds["money"]  # replicate r has one seed in every row


def test_a_finished_batch_reruns_nothing_and_returns_the_same_tables(batch_dir):
    out, first = batch_dir
    again = evaluate(grid(), replicates=2, out=out, daily=True, jobs=2, progress=None)
    assert again.ran == 0
    pd.testing.assert_frame_equal(again.runs, first.runs)
    pd.testing.assert_frame_equal(again.daily, first.daily)
    assert (out / "runs.parquet").is_file() and (out / "daily.parquet").is_file()


def test_more_replicates_run_only_the_new_ones(batch_dir, tmp_path):
    out, first = batch_dir
    copy = tmp_path / "b"
    (copy / PARTS_DIR).mkdir(parents=True)
    for f in (out / PARTS_DIR).iterdir():
        (copy / PARTS_DIR / f.name).write_bytes(f.read_bytes())
    more = evaluate(grid(), replicates=3, out=copy, daily=True, jobs=1, progress=None)
    assert more.ran == len(grid())
    kept = more.runs[more.runs["replicate"] < 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, first.runs)


def test_an_interrupt_keeps_what_finished_and_a_rerun_completes_it(tmp_path, monkeypatch):
    rows = grid().head(3).assign(**{"run.days": 5})
    whole = evaluate(rows, replicates=2, jobs=1, progress=None)
    calls = {"n": 0}
    real = batch_mod.run_one

    def stop_on_the_fourth(cfg, r):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(cfg, r)

    monkeypatch.setattr(batch_mod, "run_one", stop_on_the_fourth)
    monkeypatch.setattr(batch_mod, "PART_RUNS", 1)
    with pytest.raises(KeyboardInterrupt):
        evaluate(rows, replicates=2, out=tmp_path, jobs=1, progress=None)
    kept, _ = read_parts(tmp_path, daily=False)
    assert len(kept) == 3  # the three runs before the interrupt, nothing else
    monkeypatch.setattr(batch_mod, "run_one", real)
    resumed = evaluate(rows, replicates=2, out=tmp_path, jobs=1, progress=None)
    assert resumed.ran == 3
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)


def test_a_seed_column_is_the_base_seed(tmp_path):
    got = evaluate(
        [{"seed": 3, "run.days": 4}, {"seed": 4, "run.days": 4}], out=tmp_path, progress=None
    )
    assert list(got.runs["base_seed"]) == [3, 4] and list(got.runs.columns).count("seed") == 1
    assert got.runs["seed"].nunique() == 2 and (tmp_path / "runs.parquet").is_file()


def test_identical_rows_run_once():
    rows = pd.DataFrame({"policy": ["feelings", "feelings"], "run.days": [4, 4]})
    got = evaluate(rows, replicates=1, jobs=1, progress=None)
    assert got.ran == 1 and len(got.runs) == 2
    assert got.runs["run_id"].nunique() == 1


def test_a_damaged_part_is_run_again(tmp_path):
    rows = pd.DataFrame({"policy": ["feelings", "money"], "run.days": [4, 4]})
    first = evaluate(rows, out=tmp_path, jobs=1, progress=None)
    (part,) = (tmp_path / PARTS_DIR).glob("*-summary.parquet")
    part.write_bytes(part.read_bytes()[:100])
    again = evaluate(rows, out=tmp_path, jobs=1, progress=None)
    assert again.ran == 2
    pd.testing.assert_frame_equal(again.runs, first.runs)


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([{"group.pric": 10.0}], "settings row 0: group.pric=10.0 is not allowed: unknown setting"),
        ([{"group.pric": 10.0}], "did you mean price?"),
        ([{"run.days": 4}, {"group.price": float("inf")}], "settings row 1: group.price=inf"),
        ([{"group.price": "cheap"}], "group.price='cheap' is not allowed: must be a number"),
        ([{"policy.tactics.content.hour": 3}], "did you mean hours?"),
        ([{"group": "nosuch"}], "group='nosuch' is not allowed: unknown group preset"),
        ([{"behaviour.lifecycle.novelty": "no"}], "must be true or false"),
    ],
)  # fmt: skip
def test_a_bad_row_fails_before_anything_runs(rows, words, monkeypatch):
    def never(*_):
        raise AssertionError("a run started")

    monkeypatch.setattr(batch_mod, "run_one", never)
    with pytest.raises(ConfigError) as err:
        evaluate(rows, jobs=1, progress=None)
    assert words in str(err.value)


def test_replicates_must_be_a_positive_whole_number():
    with pytest.raises(ConfigError, match="replicates=0 is not allowed"):
        evaluate([{"run.days": 4}], replicates=0, progress=None)


def run_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim", "batch", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (None, "missing.csv", "does not exist"),
        ('a,"b\n1', "bad.csv", "is unreadable"),
        ("", "empty.csv", "is unreadable"),
        ("group.price\n", "header_only.csv", "has no rows"),
        ("x", "settings.json", "must end in .parquet or .csv"),
        ("group.pric\n10\n", "typo.csv", "did you mean price?"),
    ],
)
def test_command_line_bad_files_are_one_line(content, name, words, tmp_path):
    if content is not None:
        (tmp_path / name).write_text(content)
    res = run_cli(str(tmp_path / name), "--out", str(tmp_path / "out"), cwd=tmp_path)
    lines = [line for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    assert res.returncode != 0 and len(lines) == 1, res.stdout + res.stderr
    assert words in lines[0] and "Traceback" not in lines[0]
    assert not (tmp_path / "out" / "runs.parquet").exists()


@pytest.mark.slow
def test_command_line_writes_the_tables(tmp_path):
    grid().to_csv(tmp_path / "grid.csv", index=False)
    res = run_cli("grid.csv", "--out", "out", "--replicates", "2", "--daily", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    daily = pd.read_parquet(tmp_path / "out" / "daily.parquet")
    assert len(runs) == 8 and set(daily["run_id"]) == set(runs["run_id"])
    assert "batch: 8 runs (8 run now)" in res.stdout


@pytest.mark.slow
def test_submitit_jobs_give_the_same_tables(tmp_path):
    """The cluster path (submitit) with local processes: the code SLURM runs."""
    rows = grid().head(3).assign(**{"run.days": 6})
    here = evaluate(rows, replicates=2, jobs=1, progress=None)
    options = {"per_job": 2, "timeout_min": 10}
    jobs = evaluate(rows, 2, out=tmp_path, cluster="local", cluster_options=options, progress=None)
    pd.testing.assert_frame_equal(jobs.runs, here.runs)
    assert len(list((tmp_path / "submitit").glob("*_result.pkl"))) == 3  # 6 runs, 2 per job
    again = evaluate(rows, 2, out=tmp_path, cluster="local", cluster_options=options, progress=None)
    assert again.ran == 0


def test_a_cluster_needs_a_folder_and_a_known_name(tmp_path):
    with pytest.raises(ConfigError, match="a folder is needed"):
        evaluate([{"run.days": 4}], cluster="local", progress=None)
    with pytest.raises(ConfigError, match="must be none"):
        evaluate([{"run.days": 4}], out=tmp_path, cluster="pbs", progress=None)


def _lifespan(cfg, seed, scale=1):
    """A measure: the run's lifespan (times ``scale``: a second way to measure)."""
    from sim.model import GroupModel

    model = GroupModel(cfg, seed=seed).run()
    return {"t": scale * (model.lifespan_days if model.dead else cfg.run.days)}


def test_measures_key_runs_apart_and_keep_their_tags(tmp_path):
    import functools

    from sim.config.compose import compose
    from sim.experiments.batch import Work, run_work

    cfg = compose(["run.days=5"])
    double = functools.partial(_lifespan, scale=2)
    work = [
        Work(cfg, (0, 1), _lifespan, {"scenario": "a"}),
        Work(cfg, (0, 1), double, {"scenario": "b"}),
        Work(cfg, (1,), _lifespan, {"scenario": "c", "replicate": 7}),
    ]
    got = run_work(work, tmp_path, jobs=1, progress=None)
    assert got.ran == 4  # scenario c's run is scenario a's second one
    assert list(got.runs["scenario"]) == ["a", "a", "b", "b", "c"]
    assert list(got.runs["t"][2:4]) == [2 * t for t in got.runs["t"][:2]]
    assert got.runs["replicate"].iloc[-1] == 7 and got.runs["t"].iloc[-1] == got.runs["t"][1]
    again = run_work(work, tmp_path, jobs=1, progress=None)
    assert again.ran == 0
    pd.testing.assert_frame_equal(again.runs, got.runs)
    with pytest.raises(ConfigError, match="daily rows come only from standard runs"):
        run_work(work, daily=True, progress=None)


def test_a_failing_run_is_named_and_the_others_are_kept(tmp_path, monkeypatch):
    from sim.experiments.batch import RunsFailed

    real = batch_mod.run_one

    def money_fails(cfg, r):
        if cfg.policy.name == "money":
            raise RuntimeError("injected")
        return real(cfg, r)

    rows = pd.DataFrame({"policy": ["feelings", "money", "hands_off"], "run.days": [4, 4, 4]})
    monkeypatch.setattr(batch_mod, "run_one", money_fails)
    with pytest.raises(RunsFailed) as err:
        evaluate(rows, replicates=2, out=tmp_path, jobs=1, progress=None)
    assert (err.value.failed, err.value.total) == (2, 6)
    assert err.value.lines[0].startswith("settings row 1 (policy=money, run.days=4) replicate 0")
    assert "RuntimeError: injected" in err.value.lines[0]
    kept, _ = read_parts(tmp_path, daily=False)
    assert len(kept) == 4  # the other runs finished and are kept
    monkeypatch.setattr(batch_mod, "run_one", real)
    again = evaluate(rows, replicates=2, out=tmp_path, jobs=1, progress=None)
    assert again.ran == 2 and len(again.runs) == 6
