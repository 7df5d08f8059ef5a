"""Speed of a matrix of groups against one group, in member-hours per second, one process.

Usage::

    .venv/bin/python benchmarks/matrix.py [--rounds 7] [--days 180] [--groups 5] [--members 100]
    .venv/bin/python benchmarks/matrix.py --smoke      # CI: 1 round x 3 days

Each round times, in alternating order so that machine noise hits both:

- **single**: one relationship group of ``--members`` members under ``feelings``
  (``GroupModel.run()``, the ordinary path), built and run to ``--days``;
- **matrix**: ``--groups`` relationship groups of ``--members`` members each, all
  founded on day 0 under ``feelings``, the 2nd and later drawing 30% of their founders
  from the people already in the matrix (so people share groups, their attention is
  split and spill-over runs), built and run by ``MatrixModel.run()`` to ``--days``.

Member-hours: the sum over every group's simulated hours of its members present when
the hour began (``GroupModel.member_hours``), the same agent-steps as ``speed.py``.
Construction is included for both (a matrix builds its groups while it runs). Issue 17's
bar: the matrix runs at no less than half the single group's member-hours per second.
The first, untimed round of each loads (or compiles) the engine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.config.compose import compose  # noqa: E402
from sim.config.matrix import MatrixConfig, MatrixGroupConfig  # noqa: E402
from sim.model import GroupModel  # noqa: E402
from sim.model.matrix import MatrixModel  # noqa: E402

BAR = 0.5  # issue 17: matrix member-hours/s >= 0.5 x the single group's


def configs(days: int, groups: int, members: int):
    """(single-group config, matrix config) of the timed models."""
    single = compose(["group=relationship", f"group.initial_members={members}",
                      "policy=feelings", f"run.days={days}"])  # fmt: skip
    spec = {
        f"g{i}": MatrixGroupConfig(type="relationship", members=members, overlap=0.3 if i else 0.0)
        for i in range(groups)
    }
    base = compose(["policy=feelings", f"run.days={days}"])  # a matrix takes no group.*
    matrix = dataclasses.replace(base, matrix=MatrixConfig(name="bench", groups=spec))
    return single, matrix


def time_single(cfg, seed: int) -> dict:
    """Build and run one group; seconds and member-hours."""
    t0 = time.perf_counter()
    model = GroupModel(cfg, seed=seed).run()
    return {"s": time.perf_counter() - t0, "member_hours": int(model.member_hours)}


def time_matrix(cfg, seed: int) -> dict:
    """Build and run a matrix; seconds, member-hours summed over groups, people."""
    t0 = time.perf_counter()
    model = MatrixModel(cfg, seed=seed).run()
    s = time.perf_counter() - t0
    hours = sum(int(g.model.member_hours) for g in model.groups)
    return {"s": s, "member_hours": hours, "people": model.n_people, "groups": len(model.groups)}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print its table; returns what ``--json`` writes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    ap.add_argument("--days", type=int, default=180, help="simulated days (default 180)")
    ap.add_argument("--groups", type=int, default=5, help="groups in the matrix (default 5)")
    ap.add_argument("--members", type=int, default=100, help="members per group (default 100)")
    ap.add_argument("--smoke", action="store_true", help="tiny, for CI: 1 round x 3 days")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    if args.smoke:
        args.rounds, args.days = 1, 3
    single, matrix = configs(args.days, args.groups, args.members)
    warm_single, warm_matrix = configs(2, args.groups, args.members)
    time_single(warm_single, 10_000)
    time_matrix(warm_matrix, 10_000)
    rounds = []
    for r in range(args.rounds):
        seed = 1 + r
        if r % 2 == 0:
            a, b = time_single(single, seed), time_matrix(matrix, seed)
        else:
            b, a = time_matrix(matrix, seed), time_single(single, seed)
        rate_a, rate_b = a["member_hours"] / a["s"], b["member_hours"] / b["s"]
        rounds.append({"single": a, "matrix": b, "single_mh_s": rate_a, "matrix_mh_s": rate_b,
                       "ratio": rate_b / rate_a})  # fmt: skip
        print(f"round {r}: single {rate_a / 1e6:.2f} M member-h/s ({a['s']:.2f} s), "
              f"matrix {rate_b / 1e6:.2f} M member-h/s ({b['s']:.2f} s, {b['people']} people), "
              f"ratio {rate_b / rate_a:.3f}", flush=True)  # fmt: skip
    ratios = [x["ratio"] for x in rounds]
    summary = {
        "single_mh_s": statistics.median(x["single_mh_s"] for x in rounds),
        "matrix_mh_s": statistics.median(x["matrix_mh_s"] for x in rounds),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
    }
    print(f"medians: single {summary['single_mh_s'] / 1e6:.2f} M member-h/s, matrix "
          f"{summary['matrix_mh_s'] / 1e6:.2f} M member-h/s")  # fmt: skip
    lo, hi = summary["ratio_min"], summary["ratio_max"]
    print(f"ratio matrix/single member-hours/s: median {summary['ratio_median']:.3f} "
          f"(range {lo:.3f}-{hi:.3f}; bar >= {BAR})")  # fmt: skip
    result = {
        "settings": vars(args) | {"json": str(args.json) if args.json else None},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "nproc": len(os.sched_getaffinity(0)),
            "load": os.getloadavg()[0],
        },  # fmt: skip
        "rounds": rounds,
        "summary": summary,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"results written to {args.json}")
    return result


if __name__ == "__main__":
    main()
