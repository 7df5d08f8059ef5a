"""Runs never share or mix folders (issue 13, class 4).

Two single runs of the same group and policy started in the same second used to write
into one timestamped folder: its tables from one seed, its saved config from the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from sim.experiments.compare import claim_folder
from sim.experiments.runner import replicate_seed

ROOT = Path(__file__).resolve().parent.parent


def test_runs_started_together_get_their_own_folders(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT)  # run from another folder: results/ lands in tmp_path
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sim", f"seed={seed}", "run.days=3"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for seed in (11, 12, 13)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    folders = sorted((tmp_path / "results" / "runs" / "relationship-feelings").iterdir())
    assert len(folders) == 3, folders
    seeds = set()
    for folder in folders:
        saved = yaml.safe_load((folder / ".hydra" / "config.yaml").read_text())
        summary = pd.read_parquet(folder / "summary.parquet")
        # the tables come from the run whose config the folder saved
        assert summary["seed"].tolist() == [replicate_seed(saved["seed"], 0)], folder
        seeds.add(saved["seed"])
    assert seeds == {11, 12, 13}


def test_comparisons_in_the_same_second_claim_distinct_folders(tmp_path):
    first = claim_folder(tmp_path / "compare", "relationship_2026-12-03_12-00-00")
    second = claim_folder(tmp_path / "compare", "relationship_2026-12-03_12-00-00")
    assert first != second and first.is_dir() and second.is_dir()
    assert second.name == "relationship_2026-12-03_12-00-00-2"
