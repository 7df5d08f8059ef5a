"""Sensitivity analysis (sim.analysis.sensitivity, sim.experiments.sensitivity).

SALib's indices are checked on functions whose indices are known (Ishigami for Sobol, a
linear function for Morris), through ``analyse``, the path the model's analysis takes;
the model itself runs a tiny design end to end through the command line.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.sensitivity import Parameter, check_design, noise_share
from sim.core.errors import ConfigError
from sim.experiments.sensitivity import analyse, check_params, read_params

ROOT = Path(__file__).resolve().parent.parent
PI = math.pi
# Ishigami (a = 7, b = 0.1): analytic first-order and total indices
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def outputs_of(y: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"sample": np.arange(len(y)), "replicate": 0, "y": y})


def ishigami(x: np.ndarray) -> pd.DataFrame:
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    return outputs_of(y)


def test_sobol_recovers_the_ishigami_indices(tmp_path):
    params = [Parameter(f"x{i}", -PI, PI) for i in (1, 2, 3)]
    table = analyse(tmp_path, "sobol", params, 4096, 1, ishigami, {}).set_index("parameter")
    for name in params:
        row = table.loc[name.name]
        assert row["S1"] == pytest.approx(ISHIGAMI_S1[name.name], abs=0.04), row
        assert row["ST"] == pytest.approx(ISHIGAMI_ST[name.name], abs=0.04), row
        assert 0 < row["S1_conf"] < 0.05 and 0 < row["ST_conf"] < 0.05
    assert (tmp_path / "sobol.png").is_file() and (tmp_path / "report.md").is_file()


def test_morris_recovers_a_linear_functions_effects(tmp_path):
    params = [Parameter(name, 0.0, 1.0) for name in ("a", "b", "c")]

    def linear(x):
        return outputs_of(10 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2])

    table = analyse(tmp_path, "morris", params, 20, 3, linear, {}).set_index("parameter")
    assert table["mu_star"].to_dict() == pytest.approx({"a": 10.0, "b": 1.0, "c": 0.0})
    assert table["sigma"].to_numpy() == pytest.approx(np.zeros(3), abs=1e-9)


def test_noise_share_measures_seed_noise():
    rng = np.random.default_rng(5)
    signal = rng.normal(0, 1, size=(4000, 1))
    noisy = signal + rng.normal(0, 1, size=(4000, 4))  # 4 replicates: noise var of a mean 1/4
    assert noise_share(noisy) == pytest.approx(0.25 / 1.25, abs=0.03)
    assert math.isnan(noise_share(noisy[:, :1]))  # one replicate: cannot tell
    common = rng.normal(0, 3, size=(1, 4))  # a seed's own effect, the same in every sample
    assert noise_share(noisy + common) == pytest.approx(0.25 / 1.25, abs=0.03)


def test_the_report_numbers_equal_its_tables(tmp_path):
    params = [Parameter(f"x{i}", -PI, PI) for i in (1, 2, 3)]
    table = analyse(tmp_path, "sobol", params, 256, 1, ishigami, {})
    report = (tmp_path / "report.md").read_text()
    for _, row in table.iterrows():
        line = f"| {row['parameter']} | " + " | ".join(
            f"{row[c]:.3g}" for c in ("S1", "S1_conf", "ST", "ST_conf")
        )
        assert line in report, line


def test_another_design_in_the_same_folder_is_refused(tmp_path):
    params = [Parameter(f"x{i}", -PI, PI) for i in (1, 2, 3)]
    analyse(tmp_path, "sobol", params, 64, 1, ishigami, {})
    with pytest.raises(ConfigError, match="another design"):
        analyse(tmp_path, "sobol", params, 128, 1, ishigami, {})


@pytest.mark.parametrize(
    ("method", "n", "words"),
    [
        ("sobol", 100, "Sobol needs a power of 2"),
        ("morris", 1, "must be a whole number >= 2"),
        ("fast", 8, "must be one of morris, sobol"),
    ],
)
def test_a_design_salib_rejects_is_one_error(method, n, words):
    params = [Parameter("a", 0, 1), Parameter("b", 0, 1)]
    with pytest.raises(ConfigError, match=words):
        check_design(method, n, params)


@pytest.mark.parametrize(
    ("param", "words"),
    [
        (Parameter("group.silent_shar", 0.3, 0.6), "did you mean silent_share?"),
        (Parameter("group.silent_share", 0.6, 0.3), "low bound must be below the high one"),
        (Parameter("group.silent_share", 0.5, 1.5), "must be a number between 0.0 and 1.0"),
        (Parameter("group.initial_members", 10.5, 40), "give whole bounds"),
        (Parameter("behaviour.pressures.exit_rate.nois", 0.0, 0.1), "did you mean noise?"),
    ],
)
def test_a_bad_parameter_is_one_error(param, words):
    with pytest.raises(ConfigError) as err:
        check_params([param, Parameter("behaviour.lifecycle.floor", 0.2, 0.6)], [])
    assert words in str(err.value) and "\n" not in str(err.value)


def test_the_default_parameter_file_is_valid_and_lists_the_calibrated_ones():
    from sim.experiments.sensitivity import DEFAULT_FILE, params_dir
    from sim.validation.calibrate import PARAMS as CALIBRATED

    params = check_params(read_params(params_dir() / DEFAULT_FILE), ["group=relationship"])
    names = {p.name for p in params}
    own = {k for k in CALIBRATED if not k.startswith("temporary.") and not k.startswith("death.")}
    assert own <= names, own - names
    assert all(p.why for p in params) and len(params) >= 40


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("parameters:\n  group.silent_share: [0.3, 0.6\n", "must be valid YAML"),
        ("parameters: 5\n", "must map each name"),
        ("parameters:\n  group.silent_share: [low, 0.6]\n", "must be [low, high]"),
    ],
)
def test_a_bad_parameter_file_is_one_error(text, words, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words.replace("[", r"\[")):
        read_params(path)


def sensitivity(*args, cwd):
    cmd = [sys.executable, "-m", "sim", "sensitivity", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)


TINY = [
    "--method", "morris", "--n", "2", "--replicates", "2", "--days", "20",
    "--param", "group.silent_share=0.3:0.7", "--param", "behaviour.lifecycle.floor=0.2:0.6",
]  # fmt: skip


@pytest.mark.slow
def test_the_model_end_to_end_resumes_and_redraws(tmp_path):
    res = sensitivity(*TINY, "--out", "s", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "s"
    design = json.loads((out / "design.json").read_text())
    assert design["samples"] == 2 * 3 and design["policies"] == ["feelings", "money"]
    outputs = pd.read_parquet(out / "outputs.parquet")
    assert len(outputs) == 6 * 2 and "rmst_gap" in outputs
    gap = outputs["rmst.feelings"] - outputs["rmst.money"]
    assert (outputs["rmst_gap"] == gap).all()
    table = pd.read_parquet(out / "indices.parquet")
    assert set(table["output"]) == set(outputs.columns) - {"sample", "replicate"}
    again = sensitivity(*TINY, "--out", "s", cwd=tmp_path)
    assert again.returncode == 0 and "to run" not in again.stderr, again.stderr  # all kept
    pd.testing.assert_frame_equal(pd.read_parquet(out / "indices.parquet"), table)
    (out / "report.md").unlink()
    (out / "morris.png").unlink()
    redraw = sensitivity("--redraw", "s", cwd=tmp_path)
    assert (
        redraw.returncode == 0 and (out / "report.md").is_file() and (out / "morris.png").is_file()
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--method", "sobol", "--n", "100"], "Sobol needs a power of 2"),
        (["--param", "group.silent_shar=0.3:0.6", "--param", "group.price=1:2"], "did you mean"),
        (["--param", "group.silent_share=0.3"], "must be NAME=LOW:HIGH"),
        (["--policies", "feelings,nosuch"], "unknown policy preset"),
        (["--params", "missing.yaml"], "must be a readable file"),
        (["--redraw", "nowhere"], "holds no finished sensitivity analysis"),
    ],
)
def test_command_line_bad_input_is_one_line(args, words, tmp_path):
    res = sensitivity(*args, cwd=tmp_path)
    lines = [line for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    assert res.returncode != 0 and len(lines) == 1, res.stdout + res.stderr
    assert words in lines[0]
    assert not (tmp_path / "results").exists()  # nothing ran, nothing written
