"""Faults during a sweep: a failing point, an interrupt, a killed main process.

Issue 13, classes 3 and 5. A point that fails must not sink the sweep (the others finish,
the tables hold them, the failure is one line naming the point and its error, and the
exit code says so); a sweep interrupted (SIGINT) or whose main process is killed
(SIGKILL) must leave no worker running, keep its finished points, and resume to the
tables an uninterrupted sweep writes; ``python -m sim plots`` must not draw tables that
no longer match the point folders.

Faults are injected by ``tests/faults/sitecustomize.py``, which every process of the
sweep (main, joblib workers) loads from ``PYTHONPATH``: a chosen point raises, or every
point waits a few seconds so the sweep can be stopped half-way on any machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.progress import FAILURES_FILE
from sim.experiments.sweep import MANIFEST_FILE, collect, point_dirs, stale_tables

ROOT = Path(__file__).resolve().parent.parent
FAULTS = ROOT / "tests" / "faults"
# 2 policies x 3 selling rates = 6 points, 2 replicates each, 12 days
AXES = [
    "policy=feelings,money",
    "policy.tactics.sales.per_day=0.5,1,2",
    "run.days=12",
    "run.replicates=2",
]
FAILING = "per_day=2,policy=money"  # the folder name of one point contains this
FAILING_OVERRIDES = "policy=money policy.tactics.sales.per_day=2"

pytestmark = pytest.mark.slow


def command(out: Path) -> list[str]:
    return [sys.executable, "-m", "sim", "-m", *AXES, f"hydra.sweep.dir={out}"]


def environment(**faults: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUPSIM_")}
    return env | {"PYTHONPATH": str(FAULTS)} | faults


def run_sweep(out: Path, **faults: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(out), cwd=ROOT, env=environment(**faults), capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "daily.parquet")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The same sweep run without any fault: its folder (read-only)."""
    out = tmp_path_factory.mktemp("faults") / "reference"
    res = run_sweep(out)
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def reference(uninterrupted):
    """The runs and daily tables of the uninterrupted sweep."""
    return tables(uninterrupted)


@pytest.fixture(scope="module")
def with_failure(tmp_path_factory):
    """The sweep run with one failing point: (its folder, read-only; the command's result)."""
    out = tmp_path_factory.mktemp("faults") / "failing"
    return out, run_sweep(out, GROUPSIM_TEST_FAIL=FAILING)


# --- class 3: a failing point ------------------------------------------------------


def test_a_failing_point_does_not_sink_the_sweep(reference, with_failure):
    out, res = with_failure
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    # one line, naming the point by its overrides and the error
    lines = [x for x in res.stderr.splitlines() if x.startswith("failed point:")]
    assert len(lines) == 1, res.stderr
    assert FAILING_OVERRIDES in lines[0] and "RuntimeError: injected fault" in lines[0]
    assert "1 of 6 points failed" in res.stderr.splitlines()[-1]
    # ... and in a file in the sweep folder, with the traceback beside the point
    assert (out / FAILURES_FILE).read_text().splitlines() == lines
    (failed,) = [p for p in (out / "points").iterdir() if FAILING in p.name]
    assert "RuntimeError" in (failed / "error.txt").read_text()
    # the tables hold the five points that finished, exactly as without the fault
    runs, daily = tables(out)
    ref_runs, ref_daily = reference
    assert runs["point"].nunique() == 5 and len(runs) == 10
    kept = ref_runs[ref_runs["run_id"].isin(runs["run_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(runs, kept)
    pd.testing.assert_frame_equal(
        daily, ref_daily[ref_daily["run_id"].isin(runs["run_id"])].reset_index(drop=True)
    )


def test_rerun_after_a_failure_runs_only_the_failed_point(reference, with_failure, tmp_path):
    out = tmp_path / "sweep"
    shutil.copytree(with_failure[0], out)
    times = {p: (p / "summary.parquet").stat().st_mtime_ns for p in point_dirs(out)}
    res = run_sweep(out)
    assert res.returncode == 0, res.stderr
    assert "5 resumed" in res.stderr and "1 run" in res.stderr, res.stderr
    assert times == {p: (p / "summary.parquet").stat().st_mtime_ns for p in times}
    assert not (out / FAILURES_FILE).exists()
    assert not list(out.glob("points/*/error.txt"))
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_a_sweep_where_every_point_fails_says_so(tmp_path):
    out = tmp_path / "sweep"
    res = run_sweep(out, GROUPSIM_TEST_FAIL="run.days=12")  # in every folder name
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.splitlines()[-1].startswith("sweep: every point failed (6;")
    assert len((out / FAILURES_FILE).read_text().splitlines()) == 6
    assert not (out / "runs.parquet").exists()


# --- class 5: an interrupted or killed sweep ---------------------------------------


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (joblib's workers and trackers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_stopped_sweep_leaves_no_worker_and_resumes_to_the_same_tables(sig, reference, tmp_path):
    out = tmp_path / "sweep"
    proc = subprocess.Popen(
        command(out), cwd=ROOT, env=environment(GROUPSIM_TEST_POINT_SECONDS="3"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not list((out / ".progress").glob("*.json")):  # the first point finished
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.1)
        workers = children(proc.pid)
        assert len(workers) >= 2, "the sweep should run in joblib worker processes"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        stopped = time.monotonic()
        while any(running(w) for w in workers) and time.monotonic() - stopped < 15:
            time.sleep(0.1)
        assert not [w for w in workers if running(w)], "workers outlived the sweep"
    finally:
        if proc.poll() is None:
            proc.kill()
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err, err
        assert err.splitlines()[-1].startswith("interrupted: every finished point"), err
    finished = point_dirs(out)
    assert 1 <= len(finished) < 6, "some, not all, points should have finished"
    kept = {p: (p / "summary.parquet").stat().st_mtime_ns for p in finished}
    time.sleep(1)  # nothing may write a new point after its sweep is gone
    assert point_dirs(out) == finished
    res = run_sweep(out)
    assert res.returncode == 0, res.stderr
    assert kept == {p: (p / "summary.parquet").stat().st_mtime_ns for p in kept}
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_a_killed_parallel_runner_leaves_no_worker(tmp_path):
    """The batch evaluator's runner (validation, calibration, searches) stops with its process."""
    script = (
        "import time; from sim.experiments.parallel import imap_parallel; "
        "list(imap_parallel(time.sleep, [30.0] * 8, jobs=2))"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while len(children(proc.pid)) < 2:  # the two workers have started
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(2)  # the workers have taken their first tasks
        workers = children(proc.pid)
        proc.kill()
        proc.wait()
        stopped = time.monotonic()
        while any(running(w) for w in workers) and time.monotonic() - stopped < 15:
            time.sleep(0.1)
        assert not [w for w in workers if running(w)], "workers outlived their launcher"
    finally:
        if proc.poll() is None:
            proc.kill()


# --- class 5: stale tables ---------------------------------------------------------


def sim_plots(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", "plots", str(folder)], cwd=ROOT, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def finished(uninterrupted, tmp_path):
    """A finished sweep folder whose tables match its points (a copy)."""
    out = tmp_path / "sweep"
    shutil.copytree(uninterrupted, out)
    assert stale_tables(out) is None
    return out


def test_plots_rebuilds_tables_when_a_point_is_gone(finished):
    gone = point_dirs(finished)[0]
    shutil.rmtree(gone)
    assert "1 gone" in stale_tables(finished)
    res = sim_plots(finished)
    assert res.returncode == 0, res.stderr
    assert "changed since its tables were written (0 new, 0 rewritten, 1 gone)" in res.stderr
    runs, _ = tables(finished)
    assert runs["point"].nunique() == 5 and stale_tables(finished) is None


def test_plots_rebuilds_tables_when_a_point_was_rewritten(finished):
    point = point_dirs(finished)[0]
    summary = pd.read_parquet(point / "summary.parquet")
    summary.to_parquet(point / "summary.parquet", index=False)  # same content, new file
    assert "1 rewritten" in stale_tables(finished)
    res = sim_plots(finished)
    assert res.returncode == 0 and "rebuilding" in res.stderr, res.stderr
    assert stale_tables(finished) is None


def test_plots_builds_the_tables_of_a_sweep_killed_before_its_end(finished):
    (finished / "runs.parquet").unlink()
    (finished / "daily.parquet").unlink()
    assert "no runs and daily tables yet" in stale_tables(finished)
    res = sim_plots(finished)
    assert res.returncode == 0 and "rebuilding" in res.stderr, res.stderr
    assert len(pd.read_parquet(finished / "runs.parquet")) == 12


def test_plots_draws_current_tables_without_rebuilding(finished):
    (finished / MANIFEST_FILE).touch()
    before = (finished / "runs.parquet").stat().st_mtime_ns
    res = sim_plots(finished)
    assert res.returncode == 0 and "rebuilding" not in res.stderr, res.stderr
    assert (finished / "runs.parquet").stat().st_mtime_ns == before


def test_tables_without_a_record_of_their_points_count_as_stale(finished):
    (finished / MANIFEST_FILE).write_text("not json")
    assert "do not record which point folders" in stale_tables(finished)
    collect(finished)
    assert stale_tables(finished) is None
