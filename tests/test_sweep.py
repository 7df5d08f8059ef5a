"""Sweeps: one job per point, resume, progress, one runs table and one daily table.

Expectations come from the files the sweep writes (per-point tables, Hydra's
``.hydra/`` records), never from model numbers, which change as the model is tuned.
"""

import io
import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.config.compose import compose
from sim.experiments.progress import Progress, mark_done
from sim.experiments.report import main as report_main
from sim.experiments.runner import replicate_seed, run_or_resume, run_point
from sim.experiments.sweep import NoResultsError, collect, point_dirs, swept_parameters
from sim.records import points as runner
from sim.records.io import write_parquet
from sim.records.points import read_point

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "configs" / "experiment"
STUDIES = {"feelings_vs_money", "money_grid", "rules_grid", "moderation_grid", "group_types"}
SWEPT = "policy.tactics.sales.per_day"
# 2 policies x 2 selling rates = 4 points, 2 replicates each, 12 days
AXES = ["policy=feelings,money", f"{SWEPT}=0.5,2", "run.days=12", "run.replicates=2"]


def sweep(out, *args, launcher=None):
    cmd = [sys.executable, "-m", "sim", "-m", *AXES, *args, f"hydra.sweep.dir={out}"]
    if launcher:
        cmd.append(f"hydra/launcher={launcher}")
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return res


def file_times(folder):
    return {p: p.stat().st_mtime_ns for d in point_dirs(folder) for p in d.glob("*.parquet")}


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A finished 2 x 2 sweep (and its command's output), shared read-only."""
    out = tmp_path_factory.mktemp("sweep") / "grid"
    return out, sweep(out)


@pytest.fixture
def sweep_copy(swept, tmp_path):
    out = tmp_path / "grid"
    shutil.copytree(swept[0], out)
    return out


# --- the tables --------------------------------------------------------------------


@pytest.mark.slow
def test_runs_table_has_a_row_per_point_and_replicate(swept):
    out, _ = swept
    dirs = point_dirs(out)
    assert len(dirs) == 4
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4 * 2
    assert runs["run_id"].is_unique
    for col in ["run_id", "point", "group", "policy", SWEPT, "replicate", "seed", "base_seed"]:
        assert col in runs.columns
    for col in ["lifespan_days", "censored", "msgs_per_day", "revenue", "exits_total"]:
        assert col in runs.columns
    assert sorted(runs["policy"].unique()) == ["feelings", "money"]
    assert sorted(runs[SWEPT].unique()) == [0.5, 2.0]
    assert runs.groupby(["policy", SWEPT]).size().eq(2).all()


@pytest.mark.slow
def test_runs_table_equals_the_per_point_files(swept):
    out, _ = swept
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    for d in point_dirs(out):
        summary = pd.read_parquet(d / "summary.parquet").set_index("run_id")
        mine = runs.loc[summary.index, summary.columns]
        pd.testing.assert_frame_equal(mine, summary, check_dtype=False)
        # swept values and base seed are the job's own overrides and resolved config
        overrides = yaml.safe_load((d / ".hydra" / "overrides.yaml").read_text())
        config = yaml.safe_load((d / ".hydra" / "config.yaml").read_text())
        (value,) = [o.split("=", 1)[1] for o in overrides if o.startswith(f"{SWEPT}=")]
        assert (runs.loc[summary.index, SWEPT] == float(value)).all()
        assert (runs.loc[summary.index, "base_seed"] == config["seed"]).all()
        assert swept_parameters(d)[0][SWEPT] == config["policy"]["tactics"]["sales"]["per_day"]


@pytest.mark.slow
def test_daily_table_equals_the_per_point_files(swept):
    out, _ = swept
    daily = pd.read_parquet(out / "daily.parquet")
    for col in ["run_id", "point", "group", "policy", "replicate", "day", "msgs_members"]:
        assert col in daily.columns
    parts = pd.concat([pd.read_parquet(d / "daily.parquet") for d in point_dirs(out)])
    key = ["run_id", "day"]
    pd.testing.assert_frame_equal(
        daily.sort_values(key, ignore_index=True), parts.sort_values(key, ignore_index=True)
    )
    runs = pd.read_parquet(out / "runs.parquet")
    assert set(daily["run_id"]) == set(runs["run_id"])
    days = runs.set_index("run_id")["days_run"].to_dict()
    assert daily.groupby("run_id").size().to_dict() == days


@pytest.mark.slow
def test_replicates_are_paired_across_points(swept):
    """Common random numbers: replicate r has the same seed at every point."""
    runs = pd.read_parquet(swept[0] / "runs.parquet")
    seeds = runs.groupby("replicate")["seed"].unique()
    assert all(len(s) == 1 for s in seeds)
    for r, (s,) in seeds.items():
        assert s == replicate_seed(int(runs["base_seed"].iloc[0]), r)


# --- progress ------------------------------------------------------------------------


@pytest.mark.slow
def test_sweep_prints_progress(swept):
    err = swept[1].stderr
    assert "sweep: 4 points into" in err and "(0 already finished, 4 to run)" in err
    assert "sweep: 4/4 points done (4 run, 0 resumed) in 0:00:" in err


def test_progress_line_counts_done_points_and_estimates_the_rest(tmp_path):
    stream = io.StringIO()
    progress = Progress(tmp_path, total=6, to_resume=2, stream=stream)
    assert "estimate after the first point" in progress.line()
    mark_done(tmp_path, "0", "resumed", "a", 0.0)
    mark_done(tmp_path, "1", "ran", "b", 3.0)
    mark_done(tmp_path, "2", "ran", "c", 3.0)
    progress.start -= 10  # 10 s for 2 points run: 2 still to run (1 resumable left)
    line = progress.line()
    assert line.startswith("sweep: 3/6 points done (1 resumed) | elapsed 0:00:10")
    assert line.endswith("about 0:00:10 left")
    assert progress.line(final=True).startswith("sweep: 3/6 points done (2 run, 1 resumed)")
    progress.reset()
    assert "0/6" in progress.line()


# --- resume --------------------------------------------------------------------------


@pytest.mark.slow
def test_second_run_of_a_finished_sweep_does_no_model_work(sweep_copy):
    before = file_times(sweep_copy)
    runs_before = pd.read_parquet(sweep_copy / "runs.parquet")
    res = sweep(sweep_copy)
    assert "(4 already finished, 0 to run)" in res.stderr
    assert "4/4 points done (0 run, 4 resumed)" in res.stderr
    assert file_times(sweep_copy) == before
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_copy / "runs.parquet"), runs_before)


@pytest.mark.slow
def test_corrupted_partial_or_missing_points_are_rerun(sweep_copy):
    runs_before = pd.read_parquet(sweep_copy / "runs.parquet")
    daily_before = pd.read_parquet(sweep_copy / "daily.parquet")
    a, b, c, d = point_dirs(sweep_copy)
    (a / "summary.parquet").write_bytes(b"PAR1 not really parquet")  # corrupted
    daily = pd.read_parquet(b / "daily.parquet")
    write_parquet(daily.iloc[:-3], b / "daily.parquet")  # partial: last days missing
    (c / "summary.parquet").unlink()  # interrupted before the summary was written
    before = file_times(sweep_copy)
    res = sweep(sweep_copy)
    assert "(1 already finished, 3 to run)" in res.stderr
    assert "4/4 points done (3 run, 1 resumed)" in res.stderr
    after = file_times(sweep_copy)
    assert after[d / "summary.parquet"] == before[d / "summary.parquet"]
    for p in (a, b):
        assert after[p / "summary.parquet"] != before[p / "summary.parquet"]
    # reruns are bit-identical, so the tables are as before
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_copy / "runs.parquet"), runs_before)
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_copy / "daily.parquet"), daily_before)


def test_run_or_resume_reuses_only_the_same_point(tmp_path):
    cfg = compose(["run.days=6", "run.replicates=2"])
    _, summary, ran = run_or_resume(cfg, tmp_path)
    assert ran == [0, 1]
    stamp = (tmp_path / "summary.parquet").stat().st_mtime_ns
    assert run_or_resume(cfg, tmp_path)[2] == []
    assert (tmp_path / "summary.parquet").stat().st_mtime_ns == stamp
    # more replicates: only the new one runs, and the result equals a fresh run
    more = compose(["run.days=6", "run.replicates=3"])
    daily, summary, ran = run_or_resume(more, tmp_path)
    assert ran == [2]
    fresh_daily, fresh_summary = run_point(more)
    pd.testing.assert_frame_equal(summary, fresh_summary)
    pd.testing.assert_frame_equal(daily, fresh_daily)
    # fewer replicates: nothing runs, and the others stay on disk
    daily, summary, ran = run_or_resume(compose(["run.days=6", "run.replicates=2"]), tmp_path)
    assert ran == [] and list(summary["replicate"]) == [0, 1]
    assert set(daily["run_id"]) == set(summary["run_id"])
    assert len(read_point(tmp_path)[1]) == 3
    # a changed setting is another point: everything reruns
    changed = compose(["run.days=6", "run.replicates=3", "group.authority=0.9"])
    _, summary, ran = run_or_resume(changed, tmp_path)
    assert ran == [0, 1, 2]
    assert set(summary["point"]) != set(fresh_summary["point"])


def test_a_change_to_the_model_code_reruns_a_finished_point(tmp_path, monkeypatch):
    cfg = compose(["run.days=6", "run.replicates=2"])
    assert run_or_resume(cfg, tmp_path)[2] == [0, 1]
    assert run_or_resume(cfg, tmp_path)[2] == []
    monkeypatch.setattr(runner, "model_fingerprint", lambda: "edited-model")
    assert run_or_resume(cfg, tmp_path)[2] == [0, 1]


def test_model_fingerprint_hashes_whole_run_layers(tmp_path):
    """Any edit or new module in core .. records changes it; later layers do not."""
    import shutil

    import sim
    from sim.core.fingerprint import RUN_LAYERS, fingerprint_of

    assert RUN_LAYERS == ("core", "config", "model", "records")
    root = tmp_path / "sim"
    shutil.copytree(Path(sim.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__"))
    base = fingerprint_of(root)
    engine = root / "model" / "engine.py"
    engine.write_text(engine.read_text() + "\n# an edit\n")
    edited = fingerprint_of(root)
    (root / "records" / "new_module.py").write_text("X = 1\n")
    added = fingerprint_of(root)
    assert len({base, edited, added}) == 3
    (root / "presentation" / "figures.py").write_text("# redrawn\n")
    (root / "analysis" / "new.py").write_text("Y = 2\n")
    assert fingerprint_of(root) == added


def test_tables_hold_the_replicates_the_config_asks_for(tmp_path):
    """A point folder holding more replicates than its config asks for is trimmed."""
    point = tmp_path / "points" / "a"
    run_or_resume(compose(["run.days=5", "run.replicates=3"]), point)
    (point / ".hydra").mkdir()
    (point / ".hydra" / "overrides.yaml").write_text("- run.days=5\n- run.replicates=2\n")
    config = {"seed": 0, "run": {"days": 5, "replicates": 2}}
    (point / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))
    runs, _ = collect(tmp_path)
    assert list(runs["replicate"]) == [0, 1] and (runs["run.days"] == 5).all()
    daily = pd.read_parquet(tmp_path / "daily.parquet")
    assert set(daily["run_id"]) == set(runs["run_id"])
    config["run"]["replicates"] = 4  # asks for more than the folder holds: not a result
    (point / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(NoResultsError):
        collect(tmp_path, warn=io.StringIO())


def test_read_point_rejects_partial_results(tmp_path):
    cfg = compose(["run.days=6", "run.replicates=2"])
    daily, summary, _ = run_or_resume(cfg, tmp_path)
    assert read_point(tmp_path)[2] == summary["point"].iloc[0]
    write_parquet(summary.iloc[:1].assign(run_id="x"), tmp_path / "summary.parquet")
    with pytest.raises(ValueError, match="run ids"):
        read_point(tmp_path)
    write_parquet(summary.iloc[:1], tmp_path / "summary.parquet")
    with pytest.raises(ValueError, match="different runs"):
        read_point(tmp_path)
    write_parquet(summary, tmp_path / "summary.parquet")
    write_parquet(daily[daily["day"] != 2], tmp_path / "daily.parquet")
    with pytest.raises(ValueError, match="every day"):
        read_point(tmp_path)
    (tmp_path / "daily.parquet").write_bytes(b"")
    with pytest.raises(ValueError, match="daily.parquet is unreadable"):
        read_point(tmp_path)


# --- launchers -----------------------------------------------------------------------


@pytest.mark.slow
def test_submitit_local_launcher_runs_the_same_sweep(swept, tmp_path):
    out = tmp_path / "submitit"
    res = sweep(out, launcher="submitit_local")
    assert "4/4 points done (4 run, 0 resumed)" in res.stderr
    assert (out / ".submitit").is_dir()
    runs = pd.read_parquet(out / "runs.parquet")
    reference = pd.read_parquet(swept[0] / "runs.parquet")
    pd.testing.assert_frame_equal(runs, reference)


def test_slurm_launcher_config_composes():
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from sim.config.compose import CONFIG_DIR

    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = hydra_compose(
            "config",
            overrides=["hydra/launcher=slurm", "hydra.launcher.partition=p"],
            return_hydra_config=True,
        )
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert launcher.partition == "p" and launcher.cpus_per_task == 1


# --- report --------------------------------------------------------------------------


@pytest.mark.slow
def test_report_rebuilds_the_tables_of_a_folder(sweep_copy):
    runs_before = pd.read_parquet(sweep_copy / "runs.parquet")
    (sweep_copy / "runs.parquet").unlink()
    (sweep_copy / "daily.parquet").unlink()
    res = subprocess.run(
        [sys.executable, "-m", "sim", "report", str(sweep_copy)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "median_lifespan_days" in res.stdout and "8 runs of 4 points" in res.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_copy / "runs.parquet"), runs_before)
    assert (sweep_copy / "daily.parquet").exists()


@pytest.mark.slow
def test_report_skips_an_incomplete_point(sweep_copy, capsys):
    victim = point_dirs(sweep_copy)[0]
    (victim / "daily.parquet").unlink()
    report_main([str(sweep_copy)])
    assert f"skipped incomplete point folder {victim}" in capsys.readouterr().err
    runs = pd.read_parquet(sweep_copy / "runs.parquet")
    assert len(runs) == 3 * 2


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p, "has no finished sweep point"),
        (lambda p: p / "missing", "is not a folder"),
    ],
)
def test_report_on_a_folder_without_results_is_one_line(tmp_path, make, expected):
    with pytest.raises(SystemExit) as exc:
        report_main([str(make(tmp_path))])
    message = str(exc.value)
    assert message.startswith("report error: ") and expected in message
    assert "\n" not in message


def test_report_on_a_single_point_folder_says_so(tmp_path):
    run_or_resume(compose(["run.days=3"]), tmp_path)
    with pytest.raises(SystemExit, match="one point's folder"):
        report_main([str(tmp_path)])


# --- bad input -----------------------------------------------------------------------


def one_line_error(args):
    res = subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert res.returncode == 2, res.stderr  # a config error
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


@pytest.mark.slow
def test_unknown_experiment_is_one_line(tmp_path):
    line = one_line_error(["-m", "experiment=nope", f"hydra.sweep.dir={tmp_path}"])
    assert line.startswith("config error: experiment='nope' is not allowed")
    for name in STUDIES:
        assert name in line


@pytest.mark.slow
def test_bad_value_in_a_sweep_stops_before_anything_runs(tmp_path):
    out = tmp_path / "bad"
    line = one_line_error(
        ["-m", "run.days=5", "group.initial_members=60,501", f"hydra.sweep.dir={out}"]
    )
    assert line.startswith("config error: group.initial_members=501 is not allowed")
    assert "sweep point: run.days=5 group.initial_members=501" in line
    assert not point_dirs(out) if out.exists() else True


# --- the studies ---------------------------------------------------------------------


def study(name):
    text = (EXPERIMENTS / f"{name}.yaml").read_text()
    return text, yaml.safe_load(text)


def test_named_studies_exist():
    assert STUDIES <= {p.stem for p in EXPERIMENTS.glob("*.yaml")}


@pytest.mark.parametrize("name", sorted(p.stem for p in EXPERIMENTS.glob("*.yaml")))
def test_study_is_a_global_sweep_with_its_own_folder(name):
    text, cfg = study(name)
    assert text.startswith("# @package _global_")
    assert cfg["hydra"]["sweep"]["dir"] == f"results/studies/{name}"
    assert cfg["hydra"]["sweeper"]["params"], "a study needs sweep axes"
    # studies follow the default horizon; the speed study is defined as 1,000 group-years
    horizon = 365 if name == "speed_study" else 730
    assert cfg["run"]["replicates"] >= 10 and cfg["run"]["days"] == horizon
    assert f"python -m sim -m experiment={name}" in (ROOT / "experiments" / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(p.stem for p in EXPERIMENTS.glob("*.yaml")))
def test_every_point_of_a_study_is_a_valid_config(name):
    _, cfg = study(name)
    axes = [
        [f"{k}={v}" for v in str(values).split(",")]
        for k, values in cfg["hydra"]["sweeper"]["params"].items()
    ]
    points = list(itertools.product(*axes))
    assert len(points) >= 4
    for point in points:
        compose([f"experiment={name}", *point])
