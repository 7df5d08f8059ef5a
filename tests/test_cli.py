"""End to end: the README's commands run and write their outputs (short horizon)."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_single_point_cli_writes_tables_and_is_reproducible(tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        args = [
            "sim",
            "group=learning",
            "policy=money",
            "seed=7",
            "run.days=20",
            "run.replicates=2",
            f"hydra.run.dir={out}",
        ]
        res = run(args, ROOT)
        assert res.returncode == 0, res.stderr
        assert "lifespan_days" in res.stdout
        assert (out / ".hydra" / "config.yaml").exists()
        outs.append(out)
    summary = pd.read_parquet(outs[0] / "summary.parquet")
    assert len(summary) == 2 and set(summary["group"]) == {"learning"}
    daily = pd.read_parquet(outs[0] / "daily.parquet")
    assert daily.groupby("replicate")["day"].max().le(19).all()
    pd.testing.assert_frame_equal(daily, pd.read_parquet(outs[1] / "daily.parquet"))


@pytest.mark.slow
def test_main_command_compares_feelings_and_money(tmp_path):
    res = run(["sim", "compare", "run.days=20", "run.replicates=2"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert "feelings" in res.stdout and "money" in res.stdout
    assert "median_lifespan_days" in res.stdout and "verdict:" in res.stdout
    (out,) = (tmp_path / "results" / "compare").iterdir()
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["policy"].unique()) == ["feelings", "money"]
    assert set(pd.read_parquet(out / "daily.parquet")["run_id"]) == set(runs["run_id"])
    report = (out / "report.md").read_text()
    assert "## Verdict" in report and f"{out.name}/report.md" in res.stdout
    for name in ("survival", "activity", "roles", "exits", "tradeoff"):
        assert f"(figures/{name}.png)" in report
        assert (out / "figures" / f"{name}.png").stat().st_size > 10_000
