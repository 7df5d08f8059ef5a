"""groupsim on a real SLURM cluster: sweeps and the batch evaluator, end to end.

A single-node cluster is started for this module by ``scripts/slurm-up`` (slurmctld,
slurmd and munged from Debian's packages, which ``make test`` installs where it runs as
root) in a fresh folder, and stopped by ``scripts/slurm-down``. Without the packages or
root the module is skipped with one reason. Jobs are sized at one CPU, and every wait
has a timeout.

Faults come from ``tests/faults/sitecustomize.py`` (on ``PYTHONPATH``; SLURM jobs
inherit the submitting process's environment): a point or a run that fails, or points
slow enough to cancel half-way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.batch import RunsFailed, evaluate, read_parts

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
FAULTS = ROOT / "tests" / "faults"
TOOLS = ("munged", "slurmctld", "slurmd", "sinfo", "sbatch", "squeue", "scancel")
POINTS = ["policy=feelings,money,hands_off", "run.days=20", "run.replicates=2"]

pytestmark = [pytest.mark.slow, pytest.mark.slurm]


def why_not() -> str | None:
    """Why this machine cannot run the cluster, or None."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return f"no SLURM here ({', '.join(missing)} not found; make test installs slurm-wlm)"
    if os.geteuid() != 0:
        return "the SLURM tests start slurmctld, slurmd and munged, which needs root"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A running single-node cluster; yields the environment that reaches it."""
    reason = why_not()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("slurm")
    up = subprocess.run(
        [str(SCRIPTS / "slurm-up"), str(folder)], capture_output=True, text=True, timeout=180
    )
    assert up.returncode == 0, up.stdout + up.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUPSIM_")}
    env |= {
        "SLURM_CONF": str(folder / "slurm.conf"),
        "PATH": f"{folder / 'bin'}:{os.environ['PATH']}",
        "GROUPSIM_SLURM_POLL_SECONDS": "5",  # notice cancelled jobs in seconds
    }
    try:
        with pytest.MonkeyPatch.context() as mp:  # for the in-process evaluator
            for k in ("SLURM_CONF", "PATH", "GROUPSIM_SLURM_POLL_SECONDS"):
                mp.setenv(k, env[k])
            yield env
    finally:
        subprocess.run([str(SCRIPTS / "slurm-down"), str(folder)], timeout=120)


def sweep(out: Path, env: dict, *extra: str, launcher: str = "slurm", **faults: str):
    cmd = [sys.executable, "-m", "sim", "-m", *POINTS, f"hydra.sweep.dir={out}"]
    cmd += [f"hydra/launcher={launcher}"] if launcher != "joblib" else []
    env = env | ({"PYTHONPATH": str(FAULTS)} if faults else {}) | faults
    return subprocess.run(cmd + list(extra), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def squeue(env: dict, *args: str) -> list[str]:
    res = subprocess.run(["squeue", "-h", *args], env=env, capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    return res.stdout.split()


def tables(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = pd.read_parquet(folder / "runs.parquet")
    daily = pd.read_parquet(folder / "daily.parquet")
    return runs, daily


@pytest.fixture(scope="module")
def reference(cluster, tmp_path_factory):
    """The same sweep under joblib on this machine: what every SLURM sweep must equal."""
    out = tmp_path_factory.mktemp("joblib")
    res = sweep(out, cluster, launcher="joblib")
    assert res.returncode == 0, res.stderr
    return tables(out)


def test_a_job_really_runs_and_writes_its_output(cluster, tmp_path):
    """With cgroup plugins, jobs end COMPLETED without running: this one must write."""
    target = tmp_path / "ran.txt"
    res = subprocess.run(["sbatch", "--parsable", "-o", str(tmp_path / "log"), "--wrap",
                          f"echo ran on $SLURM_JOB_NODELIST > {target}"], env=cluster,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert res.returncode == 0, res.stderr
    deadline = time.monotonic() + 90
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert target.exists() and target.read_text().strip() == "ran on localhost"


def test_a_sweep_on_slurm_gives_the_tables_of_a_joblib_sweep(cluster, reference, tmp_path):
    res = sweep(tmp_path, cluster)
    assert res.returncode == 0, res.stderr
    assert "3/3 points done (3 run, 0 resumed)" in res.stderr
    assert list((tmp_path / ".submitit").iterdir())  # it did go through SLURM
    for got, want in zip(tables(tmp_path), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_a_sweep_cancelled_with_scancel_resumes_to_the_same_tables(cluster, reference, tmp_path):
    cmd = [sys.executable, "-m", "sim", "-m", *POINTS, f"hydra.sweep.dir={tmp_path}",
           "hydra/launcher=slurm", "hydra.launcher.array_parallelism=1"]  # fmt: skip
    env = cluster | {"PYTHONPATH": str(FAULTS), "GROUPSIM_TEST_POINT_SECONDS": "5"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not list((tmp_path / "points").glob("*/summary.parquet")):
            assert proc.poll() is None and time.monotonic() < deadline, "no point finished"
            time.sleep(0.5)
        subprocess.run(["scancel", "--name=cli"], env=cluster, timeout=60, check=True)
        _, err = proc.communicate(timeout=240)  # it must end, not wait for the lost jobs
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1 and "ended without results" in err, err
    finished = len(list((tmp_path / "points").glob("*/summary.parquet")))
    assert 1 <= finished < 3
    again = sweep(tmp_path, cluster)
    assert again.returncode == 0, again.stderr
    assert f"({3 - finished} run, {finished} resumed)" in again.stderr
    for got, want in zip(tables(tmp_path), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def watch_running(cluster, name: str):
    """Start counting the running tasks named ``name`` every 0.2 s; returns (stop, counts)."""
    seen: list[int] = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            seen.append(len(squeue(cluster, "-t", "RUNNING", f"--name={name}", "-o", "%i")))
            time.sleep(0.2)

    threading.Thread(target=count, daemon=True).start()
    return stop, seen


def test_array_parallelism_is_respected(cluster, tmp_path):
    """A sweep allowed one task at a time never runs two, though the node has 2 CPUs."""
    control_stop, control = watch_running(cluster, "control")
    subprocess.run(["sbatch", "--array=0-3%2", "--job-name=control", "-o", "/dev/null",
                    "--wrap", "sleep 3"], env=cluster, timeout=60, check=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while squeue(cluster, "--name=control", "-o", "%i") and time.monotonic() < deadline:
        time.sleep(0.5)
    control_stop.set()
    assert max(control) == 2, control  # two tasks at once are seen when allowed
    stop, seen = watch_running(cluster, "cli")
    try:
        res = sweep(tmp_path, cluster, "hydra.launcher.array_parallelism=1",
                    GROUPSIM_TEST_POINT_SECONDS="3")  # fmt: skip
    finally:
        stop.set()
    assert res.returncode == 0, res.stderr
    assert max(seen) == 1, seen


def test_a_failing_task_is_named_and_the_others_are_kept(cluster, reference, tmp_path):
    res = sweep(tmp_path, cluster, GROUPSIM_TEST_FAIL="policy=money")
    assert res.returncode == 1
    lines = [line for line in res.stderr.splitlines() if "policy=money" in line]
    assert any("injected fault" in line for line in lines), res.stderr
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    want = reference[0][reference[0]["policy"] != "money"].reset_index(drop=True)
    pd.testing.assert_frame_equal(runs.reset_index(drop=True), want)


SETTINGS = pd.DataFrame({"policy": ["feelings", "money", "hands_off"], "run.days": [15, 15, 15]})


def test_the_evaluator_on_slurm_gives_its_local_table(cluster, tmp_path):
    here = evaluate(SETTINGS, replicates=2, jobs=1, progress=None)
    options = {"per_job": 2, "timeout_min": 10}
    there = evaluate(SETTINGS, 2, out=tmp_path, cluster="slurm", cluster_options=options,
                     progress=None)  # fmt: skip
    pd.testing.assert_frame_equal(there.runs, here.runs)
    assert len(list((tmp_path / "submitit").glob("*_result.pkl"))) == 3  # 6 runs, 2 per job


def test_the_evaluator_names_failed_tasks_keeps_the_rest_and_resumes(cluster, tmp_path):
    options = {"per_job": 2, "timeout_min": 10}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", str(FAULTS))  # the jobs inherit it
        mp.setenv("GROUPSIM_TEST_FAIL_POLICY", "money")
        with pytest.raises(RunsFailed) as err:
            evaluate(SETTINGS, 2, out=tmp_path, cluster="slurm", cluster_options=options,
                     progress=None)  # fmt: skip
    assert (err.value.failed, err.value.total) == (2, 6)
    assert all("policy=money" in line and "injected fault" in line
               for line in err.value.lines[:2])  # fmt: skip
    kept, _ = read_parts(tmp_path, daily=False)
    assert len(kept) == 4
    again = evaluate(SETTINGS, 2, out=tmp_path, cluster="slurm", cluster_options=options,
                     progress=None)  # fmt: skip
    assert again.ran == 2
    pd.testing.assert_frame_equal(again.runs, evaluate(SETTINGS, 2, jobs=1, progress=None).runs)


def test_a_cancelled_evaluator_job_is_named_and_a_rerun_completes(cluster, tmp_path):
    options = {"per_job": 3, "timeout_min": 10, "slurm_array_parallelism": 1}
    result: dict = {}

    def run():
        try:
            evaluate(SETTINGS, 2, out=tmp_path, cluster="slurm", cluster_options=options,
                     progress=None)  # fmt: skip
        except RunsFailed as err:
            result["err"] = err

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", str(FAULTS))
        mp.setenv("GROUPSIM_TEST_RUN_SECONDS", "3")
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 180
        while not list((tmp_path / "submitit").glob("*_result.pkl")):
            assert time.monotonic() < deadline, "no job finished"
            time.sleep(0.5)
        subprocess.run(["scancel", "--name=groupsim"], env=cluster, timeout=60)
        thread.join(timeout=300)
    assert not thread.is_alive(), "the evaluator kept waiting for cancelled jobs"
    err = result["err"]
    assert err.failed == 3 and "CANCELLED" in " ".join(err.lines)  # the second job's runs
    again = evaluate(
        SETTINGS,
        2,
        out=tmp_path,
        cluster="slurm",
        cluster_options={"per_job": 2, "timeout_min": 10},
        progress=None,
    )
    assert again.ran == err.failed
    pd.testing.assert_frame_equal(again.runs, evaluate(SETTINGS, 2, jobs=1, progress=None).runs)
