"""No traceback reaches the user (issue 13, class 2).

Every command of ``python -m sim`` answers bad input, a bad file or an interrupt with
one line and a non-zero exit code; ``--help`` prints help; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def sim(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "GROUPSIM_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(proc: subprocess.CompletedProcess) -> str:
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    return lines[0]


def bad_tables(tmp_path: Path) -> dict[str, Path]:
    """Folders whose runs/daily tables are random bytes, truncated, or empty."""
    folders = {}
    rng_bytes = os.urandom(2000)
    runs = pd.DataFrame({"run_id": ["a"], "policy": ["feelings"], "lifespan_days": [3]})
    for name in ("random", "truncated", "empty"):
        (tmp_path / name).mkdir()
        folders[name] = tmp_path / name
    (folders["random"] / "runs.parquet").write_bytes(rng_bytes)
    (folders["random"] / "daily.parquet").write_bytes(rng_bytes)
    runs.to_parquet(folders["truncated"] / "runs.parquet")
    whole = (folders["truncated"] / "runs.parquet").read_bytes()
    (folders["truncated"] / "daily.parquet").write_bytes(whole[: len(whole) // 2])
    runs.iloc[:0].to_parquet(folders["empty"] / "runs.parquet")
    runs.iloc[:0].to_parquet(folders["empty"] / "daily.parquet")
    return folders


@pytest.mark.parametrize(
    "command", ["compare", "report", "plots", "validate", "calibrate", "batch", "sensitivity"]
)
def test_help_prints_help(command):
    proc = sim(command, "--help")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "error" not in proc.stdout.splitlines()[0].lower(), proc.stdout
    assert len(proc.stdout.splitlines()) > 2, proc.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["=5"], ("override='=5'", "malformed override")),
        (["compare", "=5"], ("override='=5'", "malformed override")),
        (["group=5"], ("group=5 is not allowed", "must name a group preset, one of")),
        (["compare", "policy=[a]"], ("policy=['a']", "must name a policy preset")),
        (["compare", "+group.initial_member=120"], ("did you mean initial_members",)),
        (["dashboard", "--host", "192.0.2.1", "--port", "8765"], ("dashboard error", "8765")),
        (["report", "/nonexistent/folder"], ("/nonexistent/folder",)),
    ],
)
def test_bad_input_gives_one_line(args, words):
    proc = sim(*args)
    assert proc.returncode != 0
    line = one_line(proc)
    for word in words:
        assert word in line, line


def test_dashboard_port_out_of_range_is_refused_by_argparse():
    proc = sim("dashboard", "--port", "99999")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2 and "Traceback" not in out, out
    assert "--port=99999: must be 0 (any free port) to 65535" in out


@pytest.mark.parametrize("case", ["random", "truncated", "empty"])
def test_plots_of_a_bad_table_gives_one_line(case, tmp_path):
    folder = bad_tables(tmp_path)[case]
    proc = sim("plots", str(folder))
    assert proc.returncode != 0
    line = one_line(proc)
    assert line.startswith("plots error: "), line
    assert "parquet" in line, line
    assert not (folder / "figures").exists() or not any((folder / "figures").iterdir())


def test_unexpected_errors_are_one_line_unless_debugging(monkeypatch, capsys):
    """The top-level handler of ``python -m sim``: a bad file deep inside a command."""
    import sim.__main__ as entry

    def broken(argv):
        raise OSError("[Errno 5] Input/output error: 'results/x/daily.parquet'")

    monkeypatch.setattr(entry, "_dispatch", broken)
    monkeypatch.setattr(sys, "argv", ["python -m sim"])  # main() rewrites sys.argv
    monkeypatch.delenv("GROUPSIM_DEBUG", raising=False)
    assert entry.main(["report", "x"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: [Errno 5]"), err
    assert "--debug" in err
    with pytest.raises(OSError):
        entry.main(["--debug", "report", "x"])
    monkeypatch.setenv("GROUPSIM_DEBUG", "1")
    with pytest.raises(OSError):
        entry.main(["report", "x"])


@pytest.mark.parametrize(
    "engine",
    ["compiled", pytest.param("compiling", marks=pytest.mark.slow)],
)
def test_ctrl_c_during_a_run_says_what_was_kept(engine, tmp_path):
    """Also while Numba compiles the engine (an empty cache), where an interrupt used to
    end the process with a segmentation fault (seen in CI) or Numba's own error."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    if engine == "compiling":  # a cold compile takes 20 s or more; interrupt inside it
        env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run.days=730", "run.replicates=500",
         f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(6)  # past start-up, inside the runs (or the compile)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err, out + err
    last = [line for line in (out + err).splitlines() if line.strip()][-1]
    assert last.startswith("interrupted: ") and "resume" in last, last
    assert not (tmp_path / "run" / "summary.parquet").exists()  # nothing half-written
