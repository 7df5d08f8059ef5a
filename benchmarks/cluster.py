"""Per-task overhead of running on SLURM, against joblib, on a single-node test cluster.

Usage (as root, with Debian's slurm-wlm and munge installed: ``make slurm``)::

    .venv/bin/python benchmarks/cluster.py                 # 3 rounds, 12 points
    .venv/bin/python benchmarks/cluster.py --rounds 1 --points 4 --days 10   # a smoke run

Starts a cluster with ``scripts/slurm-up`` in a temporary folder (stopped at the end),
then in each round, in alternating order:

- a Hydra sweep of ``--points`` points (distinct base seeds, one replicate, ``--days``
  days) under joblib (``-m``, two processes) and under ``hydra/launcher=slurm`` (one
  array task per point, one CPU each);
- the same points through the batch evaluator, locally (joblib) and with
  ``cluster="slurm"`` (``per_job`` 1: one array task per run, the worst case).

It reports wall times and the per-task overhead: (SLURM's wall time - joblib's) x
cores / tasks, the extra core-seconds each task costs on the cluster (submission,
scheduling, a new Python process that imports groupsim and loads the compiled engine,
and submitit's polling). Medians over rounds, with every round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.experiments.batch import evaluate  # noqa: E402


def sweep(out: Path, points: int, days: int, launcher: str, env: dict) -> float:
    seeds = ",".join(str(s) for s in range(points))
    cmd = [sys.executable, "-m", "sim", "-m", f"seed={seeds}", f"run.days={days}",
           f"hydra.sweep.dir={out}"]  # fmt: skip
    if launcher == "slurm":
        cmd.append("hydra/launcher=slurm")
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, timeout=3600)
    return time.perf_counter() - start


def batch(out: Path, points: int, days: int, cluster: str | None) -> float:
    rows = [{"seed": s, "run.days": days} for s in range(points)]
    options = {"per_job": 1, "timeout_min": 30}
    start = time.perf_counter()
    evaluate(rows, out=out, cluster=cluster, cluster_options=options, progress=None, jobs=2)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--points", type=int, default=12)
    ap.add_argument("--days", type=int, default=60)
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cluster"
        subprocess.run([str(ROOT / "scripts" / "slurm-up"), str(folder)], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GROUPSIM_")}
        env |= {"SLURM_CONF": str(folder / "slurm.conf"),
                "PATH": f"{folder / 'bin'}:{os.environ['PATH']}"}  # fmt: skip
        os.environ.update({k: env[k] for k in ("SLURM_CONF", "PATH")})
        try:
            batch(Path(tmp) / "warm", 2, 5, None)  # load (or compile) the engine first
            times: dict[str, list[float]] = {
                k: [] for k in ("sweep_joblib", "sweep_slurm", "batch_joblib", "batch_slurm")
            }
            for r in range(args.rounds):
                order = ["joblib", "slurm"] if r % 2 == 0 else ["slurm", "joblib"]
                for launcher in order:
                    out = Path(tmp) / f"sweep-{launcher}-{r}"
                    times[f"sweep_{launcher}"].append(
                        sweep(out, args.points, args.days, launcher, env)
                    )
                    out = Path(tmp) / f"batch-{launcher}-{r}"
                    cluster = "slurm" if launcher == "slurm" else None
                    times[f"batch_{launcher}"].append(batch(out, args.points, args.days, cluster))
                line = ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items())
                print(f"round {r + 1}: {line}", flush=True)
        finally:
            subprocess.run([str(ROOT / "scripts" / "slurm-down"), str(folder)])
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{args.points} points x {args.days} days, {cores} cores, median of {args.rounds}:")
    for kind in ("sweep", "batch"):
        extra = (med[f"{kind}_slurm"] - med[f"{kind}_joblib"]) * cores / args.points
        print(f"  {kind}: joblib {med[f'{kind}_joblib']:.1f} s, slurm {med[f'{kind}_slurm']:.1f}"
              f" s; overhead {extra:.1f} core-seconds per task")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
