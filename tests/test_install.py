"""A regular (non-editable) install works: configs ship inside the package.

The package is built into a wheel and installed into a fresh virtual environment, which
borrows the test environment's dependencies through a ``.pth`` file (so nothing is
downloaded but the build backend). From a folder outside the repository it then runs a
3-day group with ``python -m sim`` and imports every sub-package, and the run's tables
equal those of the same run in this process.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.config.compose import compose
from sim.experiments.runner import run_point

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGES = sorted(
    ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sim").rglob("__init__.py")
)


def run(*args: str, cwd: Path | None = None, env=None) -> str:
    proc = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=900, env=env, check=False
    )
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.slow
def test_a_wheel_installs_and_runs_from_another_folder(tmp_path):
    source = tmp_path / "source"  # a copy: building in the checkout would leave build/ there
    for name in ("sim", "configs"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source))
    (wheel,) = wheels.glob("groupsim-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    site = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    deps = sysconfig.get_paths()["purelib"]  # this environment's packages, not its sim
    (Path(site.strip()) / "groupsim-deps.pth").write_text(deps + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "-q",
        "--no-deps",
        str(wheel),
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(str(python), "-c", "import sim; print(sim.__file__)", cwd=elsewhere).strip()
    assert Path(where).is_relative_to(venv), f"sim imported from {where}, not the install"
    assert Path(where).parent != Path(sim.__file__).parent
    imports = "; ".join(f"import {name}" for name in SUBPACKAGES)
    run(str(python), "-c", imports, cwd=elsewhere)  # every sub-package was installed

    out = elsewhere / "out"
    text = run(str(python), "-m", "sim", "run.days=3", f"hydra.run.dir={out}", cwd=elsewhere)
    assert "tables written" in text
    installed = pd.read_parquet(out / "summary.parquet")
    daily, summary = run_point(compose(["run.days=3"]))
    pd.testing.assert_frame_equal(installed, summary, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "daily.parquet"), daily, check_exact=True)
    assert set(SUBPACKAGES) >= {"sim.core", "sim.model.tactics", "sim.dashboard"}
