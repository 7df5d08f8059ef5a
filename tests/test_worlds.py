"""Verdicts over plausible worlds (sim.analysis.worlds, sim.experiments.worlds, compare).

The statistics are checked on made-up runs whose gaps are known; the command runs a
tiny comparison over two worlds and its report is checked against its own tables.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.worlds import drivers, sign_test, world_gaps, worlds_verdict
from sim.core.errors import ConfigError
from sim.experiments.batch import configs_for
from sim.experiments.worlds import draw_worlds, read_worlds, worlds_settings

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ["feelings", "money"]


def made_up_runs(gaps: list[float], seeds: int = 3) -> pd.DataFrame:
    rows = []
    for w, gap in enumerate(gaps):
        for r in range(seeds):
            base = 100.0 + 10 * r  # a seed's own effect, shared by both policies
            rows.append(
                {"world": w, "policy": "feelings", "replicate": r, "lifespan_days": base + gap}
            )
            rows.append({"world": w, "policy": "money", "replicate": r, "lifespan_days": base})
    return pd.DataFrame(rows)


def test_world_gaps_are_paired_differences():
    gaps = world_gaps(made_up_runs([30.0, -5.0, 0.0]), POLICIES)
    assert list(gaps["gap"]) == [30.0, -5.0, 0.0]
    assert list(gaps["gap_se"]) == [0.0, 0.0, 0.0]  # the seed effect cancels in pairs
    assert list(gaps["rmst_money"]) == [110.0] * 3 and list(gaps["seeds"]) == [3] * 3


def test_sign_test_counts_wins_and_ignores_ties():
    wins, decided, p = sign_test(pd.Series([1.0, 2.0, 3.0, -1.0, 0.0]))
    assert (wins, decided) == (3, 4) and p == pytest.approx(0.625)


def test_drivers_name_the_parameter_that_moves_the_gap():
    rng = np.random.default_rng(2)
    worlds = pd.DataFrame(
        {"world": range(40), "a": rng.uniform(size=40), "b": rng.uniform(size=40)}
    )
    gaps = pd.DataFrame({"world": range(40), "gap": 100 * worlds["a"] - 50 + rng.normal(0, 1, 40)})
    top = drivers(gaps, worlds, k=2)
    assert top.iloc[0]["parameter"] == "a" and top.iloc[0]["rho"] > 0.9


def test_the_verdict_counts_worlds_and_names_drivers_of_flips():
    runs = made_up_runs([30.0, 20.0, -5.0, 10.0])
    gaps = world_gaps(runs, POLICIES)
    worlds = pd.DataFrame({"world": range(4), "x.y": [3.0, 2.0, 0.0, 1.0]})
    text = worlds_verdict(gaps, POLICIES, drivers(gaps, worlds))
    assert text.startswith("feelings outlived money in 3 of 4 plausible parameter sets (each 3")
    assert "x.y (rho +1.00)" in text and "small sample" in text
    worlds["x.y"] = [0.0, 3.0, 1.0, 2.0]  # unrelated to the gap: no driver is named
    text = worlds_verdict(gaps, POLICIES, drivers(gaps, worlds))
    assert "no world parameter moves with the gap" in text and "rho" not in text
    one_sided = world_gaps(made_up_runs([-3.0, -5.0]), POLICIES)
    text = worlds_verdict(one_sided, POLICIES, drivers(one_sided, worlds.head(2)))
    assert text.startswith("feelings outlived money in 0 of 2") and "flips" not in text


def test_draws_are_reproducible_and_bounded():
    worlds = read_worlds()
    a, b = draw_worlds(worlds, 5, seed=1), draw_worlds(worlds, 5, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(draw_worlds(worlds, 5, seed=2))
    with pytest.raises(ConfigError, match=f"1 to {len(worlds)}"):
        draw_worlds(worlds, len(worlds) + 1, seed=1)


def test_the_shipped_worlds_are_valid_settings():
    worlds = read_worlds()
    assert len(worlds) >= 20  # the default --worlds
    configs_for(worlds_settings(worlds, POLICIES), [])  # raises on any bad value


def compare(*args, cwd):
    cmd = [sys.executable, "-m", "sim", "compare", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_compare_over_worlds_reports_its_own_tables(tmp_path):
    res = compare("run.days=20", "run.replicates=2", "--worlds", "3", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    (out,) = (tmp_path / "results" / "compare").iterdir()
    gaps = pd.read_parquet(out / "worlds.parquet")
    runs = pd.read_parquet(out / "worlds" / "runs.parquet")
    assert len(gaps) == 3 and len(runs) == 3 * 2 * 2
    wide = runs.pivot_table(index=["world", "replicate"], columns="policy", values="lifespan_days")
    want = (wide["feelings"] - wide["money"]).groupby(level="world").mean()
    assert np.allclose(gaps.set_index("world")["gap"], want)
    report = (out / "report.md").read_text()
    wins = int((gaps["gap"] > 0).sum())
    assert f"feelings outlived money in {wins} of 3 plausible parameter sets" in report
    assert (out / "figures" / "worlds_gap.png").is_file()
    assert f"over plausible worlds: feelings outlived money in {wins} of 3" in res.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--worlds", "100000"], "--worlds=100000 is not allowed: must be 0 (none) or 1 to"),
        (["--worlds", "x"], "--worlds='x' is not allowed: must be a whole number"),
        (["--worlds"], "--worlds='' is not allowed"),
    ],
)
def test_bad_worlds_are_one_line_before_anything_runs(args, words, tmp_path):
    res = compare(*args, cwd=tmp_path)
    lines = [line for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    assert res.returncode == 2 and len(lines) == 1, res.stdout + res.stderr
    assert words in lines[0]
    assert not (tmp_path / "results").exists()
