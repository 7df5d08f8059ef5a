"""The benchmark scripts run in their --smoke mode and print their tables (no timing checks)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def run_script(name, *args, timeout=600):
    proc = subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_speed_smoke(tmp_path):
    out = run_script("speed.py", "--smoke", "--json", str(tmp_path / "speed.json"))
    assert "groupsim a-s/s" in out and "boltzmann a-s/s" in out
    assert "ratio groupsim/Boltzmann agent-steps/s: median" in out
    result = json.loads((tmp_path / "speed.json").read_text())
    (rnd,) = result["rounds"]
    assert rnd["groupsim"]["ticks"] == 3 * 24
    assert rnd["groupsim"]["agent_steps"] > 0 and rnd["ratio"] > 0


def test_scale_smoke(tmp_path):
    out = run_script("scale.py", "--smoke", "--json", str(tmp_path / "scale.json"))
    assert "s/group-year" in out and "time ratio / (N/100)" in out
    result = json.loads((tmp_path / "scale.json").read_text())
    assert list(result["summary"]) == ["100", "250", "500"]
    runs = result["rounds"][0]["runs"]
    assert runs["100"]["linear_ratio"] == pytest.approx(1.0)
    assert all(r["member_hours"] > 0 for r in runs.values())


@pytest.mark.slow
def test_study_smoke(tmp_path):
    out = run_script(
        "study.py", "--smoke", "--out", str(tmp_path / "bench"), "--json", str(tmp_path / "s.json")
    )
    assert "wall time (s)" in out and "peak RSS, process tree" in out
    assert "row counts: ok" in out and "nproc" in out
    result = json.loads((tmp_path / "s.json").read_text())
    (rnd,) = result["rounds"]
    assert rnd["rows_ok"] and rnd["runs_rows"] == 4 and rnd["daily_rows"] == 4 * 3
    assert rnd["peak_tree_rss"] > 0 and rnd["peak_proc_rss"] > 0


def test_matrix_smoke(tmp_path):
    out = run_script("matrix.py", "--smoke", "--json", str(tmp_path / "matrix.json"))
    assert "ratio matrix/single member-hours/s: median" in out
    result = json.loads((tmp_path / "matrix.json").read_text())
    (rnd,) = result["rounds"]
    assert rnd["matrix"]["groups"] == 5 and rnd["matrix"]["people"] < 5 * 100  # shared people
    assert rnd["single"]["member_hours"] > 0 and rnd["ratio"] > 0
