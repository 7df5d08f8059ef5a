"""Speed of the batch evaluator against the engine's own time for the same runs.

Usage::

    .venv/bin/python benchmarks/batch.py                      # 2,000 points x 365 days
    .venv/bin/python benchmarks/batch.py --points 10000       # 10,000 group-years
    .venv/bin/python benchmarks/batch.py --points 20 --days 30 --rounds 1   # a smoke run
    .venv/bin/python benchmarks/batch.py --study --rounds 3   # speed_study's 1,000 group-years

Each round runs ``--points`` points of the default group (distinct base seeds, one
replicate each) for ``--days`` days through ``sim.experiments.batch.evaluate`` on
``--jobs`` processes, keeping its part files in a fresh folder (as a study would), and
reports:

- ``wall_s``: the evaluator's wall time, from the settings table to the runs table;
- ``engine_s``: the time the same runs spent inside ``runner.run_one`` (building the
  model, running it, building its tables), summed over the worker processes;
- ``ratio`` = ``wall_s / (engine_s / jobs)``: 1.0 would mean no time lost to composing,
  checking, dispatching, collecting and writing. Issue 14's bar is <= 1.10.

``--study`` runs instead the 1,000 group-years of ``configs/experiment/speed_study.yaml``
(50 points x 20 seeds x 365 days of a 100-member group under ``feelings``, daily rows
kept), the workload ``benchmarks/study.py`` times through Hydra: run both in one session
for the side-by-side figure.

The compiled engine is loaded (or compiled) by an untimed warm-up batch first. Medians
over rounds are reported with every round's figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speed import write_json  # noqa: E402  (benchmarks/speed.py)

from sim.experiments.batch import evaluate  # noqa: E402

BAR_RATIO = 1.10  # issue 14: wall time within 10% of the engine's time / cores


REPLY = "policy.tactics.conversation.reply_share"
USEFUL = "policy.tactics.content.per_day.useful"


def study_settings() -> list[dict]:
    """speed_study's 50 points (configs/experiment/speed_study.yaml)."""
    return [
        {REPLY: reply / 10, USEFUL: useful}
        for reply in range(10)
        for useful in (0.0, 0.5, 1.0, 2.0, 4.0)
    ]


def one_round(points: int, days: int, jobs: int, first_seed: int, study: bool = False) -> dict:
    """Time one batch of ``points`` distinct points (seeds from ``first_seed``)."""
    if study:
        settings, replicates = study_settings(), 20
        base = ["group=relationship", "policy=feelings", "group.initial_members=100"]
        base.append(f"seed={first_seed}")
    else:
        settings, replicates, base = [{"seed": first_seed + i} for i in range(points)], 1, []
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        got = evaluate(
            settings, replicates, days, base, Path(out), daily=study, jobs=jobs, progress=None
        )
        wall = time.perf_counter() - start
    engine = got.engine_seconds
    return {
        "wall_s": wall,
        "engine_s": engine,
        "ratio": wall / (engine / jobs),
        "runs": len(got.runs),
        "group_years_per_s": len(got.runs) * days / 365 / wall,
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--study", action="store_true", help="speed_study's 1,000 group-years")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    one_round(2 * args.jobs, 3, args.jobs, first_seed=10**6)  # load (or compile) the engine
    print(f"warm-up (engine load or compile): {time.perf_counter() - start:.1f} s")
    rounds = []
    for k in range(args.rounds):
        r = one_round(args.points, args.days, args.jobs, k * args.points, args.study)
        rounds.append(r)
        print(
            f"round {k + 1}: wall {r['wall_s']:.1f} s, engine {r['engine_s']:.1f} s over "
            f"{args.jobs} processes, ratio {r['ratio']:.3f}, "
            f"{r['group_years_per_s']:.1f} group-years/s"
        )
    summary = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    print(
        f"median of {len(rounds)}: wall {summary['wall_s']:.1f} s, engine/jobs "
        f"{summary['engine_s'] / args.jobs:.1f} s, ratio {summary['ratio']:.3f} "
        f"(bar <= {BAR_RATIO}), {summary['group_years_per_s']:.1f} group-years/s"
    )
    result = {"settings": vars(args) | {"json": str(args.json)}, "rounds": rounds}
    result["summary"] = summary | {"bar_ratio": BAR_RATIO}
    if args.json:
        write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
