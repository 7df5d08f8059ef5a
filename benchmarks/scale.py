"""How run time grows with group size: 100, 250 and 500 initial members, in one process.

Usage::

    .venv/bin/python benchmarks/scale.py                       # 5 rounds x 365 days
    .venv/bin/python benchmarks/scale.py --rounds 7 --days 180 --json results/bench/scale.json
    .venv/bin/python benchmarks/scale.py --smoke               # CI: 1 round x 3 days

Each round builds one ``GroupModel`` per size (relationship group,
``group.initial_members=N``, ``policy=feelings``, which keeps groups alive) and times
``model.run()`` to the horizon. Sizes run in ascending order in even rounds and in
descending order in odd ones, so that machine noise hits all of them. Model construction
is timed separately and excluded; one short, untimed warm-up run of each size comes first
(it also loads the compiled engine's cache, or compiles it).

A group of 100 still grows by QR-code and invited joins; joining by QR code stops at 100
members and no group passes the platform cap of 500, so a group started at 500 stays at or
below it. The mean group size is therefore reported too: ``model.member_hours`` (sum over
simulated hours of the members present at the start of each hour) / hours simulated.

Reported per size, as medians (and ranges) over rounds: seconds per group-year (run time
x 8,760 / hours simulated), microseconds per member-hour (run time / member-hours), and
the per-round ratio ``time(N) / time(100)`` divided by ``N / 100``, with time in seconds
per group-year: at most 1 means the cost grows no faster than linearly with the initial
size. The same ratio with the measured mean sizes in place of N is given alongside.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speed import groupsim_overrides, time_groupsim, write_json  # noqa: E402  (benchmarks/speed.py)

from sim.config.compose import compose  # noqa: E402

HOURS_PER_YEAR = 365 * 24


def overrides(members: int, days: int) -> list[str]:
    """The ``sim.config.compose.compose`` overrides of a group of ``members`` initial members."""
    return groupsim_overrides(days, members)


def time_run(cfg, seed: int) -> dict:
    """Time ``model.run()`` as ``speed.py`` does, plus per-size figures.

    Returns:
        ``speed.time_groupsim``'s fields (hours as ``hours``, agent-steps as
        ``member_hours``) and the derived seconds per group-year, microseconds per
        member-hour and mean size.
    """
    r = time_groupsim(cfg, seed)
    hours, member_hours, run_s = r.pop("ticks"), r.pop("agent_steps"), r["run_s"]
    return {
        **r,
        "hours": hours,
        "member_hours": member_hours,
        "s_per_group_year": run_s * HOURS_PER_YEAR / hours,
        "us_per_member_hour": run_s / member_hours * 1e6,
        "mean_members": member_hours / hours,
    }


def _med(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print its table; returns what ``--json`` writes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    ap.add_argument("--days", type=int, default=365, help="simulated days per run (default 365)")
    ap.add_argument(
        "--sizes",
        default="100,250,500",
        help="initial members, comma-separated; the first is the reference (default 100,250,500)",
    )
    ap.add_argument("--smoke", action="store_true", help="tiny, for CI: 1 round x 3 days")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    if args.smoke:
        args.rounds, args.days = 1, 3
    try:
        sizes = [int(x) for x in args.sizes.split(",")]
    except ValueError:
        ap.error(f"--sizes {args.sizes!r} must be integers separated by commas")
    if min(args.rounds, args.days) < 1:
        ap.error("--rounds and --days must be at least 1")
    base = sizes[0]
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "nproc": len(os.sched_getaffinity(0)),
        "load_before": os.getloadavg()[0],
    }

    cfgs = {n: compose(overrides(n, args.days)) for n in sizes}  # config errors stop here
    warmup = {}
    for n in sizes:  # untimed; the first also loads (or builds) the compiled engine
        w = time_run(compose(overrides(n, 1)), seed=10_000)
        warmup[n] = w["construct_s"] + w["run_s"]

    rounds = []
    for r in range(args.rounds):
        order = sizes if r % 2 == 0 else sizes[::-1]
        runs = {n: time_run(cfgs[n], seed=r) for n in order}
        ref = runs[base]
        for n, x in runs.items():
            time_ratio = x["s_per_group_year"] / ref["s_per_group_year"]
            x["linear_ratio"] = time_ratio / (n / base)
            x["linear_ratio_mean_size"] = time_ratio / (x["mean_members"] / ref["mean_members"])
        rounds.append({"round": r, "order": order, "runs": {str(n): x for n, x in runs.items()}})

    keys = ("s_per_group_year", "us_per_member_hour", "mean_members", "members_end")
    keys += ("linear_ratio", "linear_ratio_mean_size")
    summary = {
        str(n): {k: _med([rd["runs"][str(n)][k] for rd in rounds]) for k in keys} for n in sizes
    }
    for n in sizes:
        summary[str(n)]["alive_at_end"] = sum(rd["runs"][str(n)]["alive_at_end"] for rd in rounds)
        summary[str(n)]["warmup_s"] = warmup[n]
    result = {
        "settings": {
            "rounds": args.rounds,
            "days": args.days,
            "sizes": sizes,
            "reference": base,
            "overrides": {str(n): overrides(n, args.days) for n in sizes},
            "timed": "GroupModel.run(); member-hours = model.member_hours",
        },
        "machine": machine,
        "rounds": rounds,
        "summary": summary,
    }

    print(
        f"{args.rounds} rounds x {args.days} days, model.run(); relationship group, "
        f"policy=feelings; sizes {', '.join(map(str, sizes))} (ascending in even rounds); "
        f"nproc {machine['nproc']}, load {machine['load_before']:.2f}"
    )
    print(
        f"{'round':>5} {'members':>7} {'s/group-year':>12} {'us/member-hour':>14} "
        f"{'mean size':>9} {'end':>4} {'alive':>5} {f'ratio vs {base}':>13}"
    )
    for rd in rounds:
        for n in sizes:
            x = rd["runs"][str(n)]
            print(
                f"{rd['round']:>5} {n:>7} {x['s_per_group_year']:>12.3f} "
                f"{x['us_per_member_hour']:>14.3f} {x['mean_members']:>9.1f} "
                f"{x['members_end']:>4} {'yes' if x['alive_at_end'] else 'no':>5} "
                f"{x['linear_ratio']:>13.3f}"
            )
    print()
    print(
        f"{'members':>7} {'s/group-year':>12} {'(range)':>15} {'us/member-hour':>14} "
        f"{'mean size':>9} {'time ratio / (N/' + str(base) + ')':>22} {'(range)':>13} "
        f"{'same, mean sizes':>16}"
    )
    for n in sizes:
        s = summary[str(n)]
        sg, lr = s["s_per_group_year"], s["linear_ratio"]
        sg_range = f"{sg['min']:.3f}-{sg['max']:.3f}"
        lr_range = f"{lr['min']:.2f}-{lr['max']:.2f}"
        print(
            f"{n:>7} {sg['median']:>12.3f} {sg_range:>15} "
            f"{s['us_per_member_hour']['median']:>14.3f} {s['mean_members']['median']:>9.1f} "
            f"{lr['median']:>22.3f} {lr_range:>13} "
            f"{s['linear_ratio_mean_size']['median']:>16.3f}"
        )
    print(
        f"time ratio = (s/group-year at N) / (s/group-year at {base}), per round, then the "
        f"median; divided by N/{base}, <= 1 means no worse than linear in the initial size"
    )
    warm = ", ".join(f"{n}: {warmup[n]:.2f} s" for n in sizes)
    print(f"warm-up (excluded above; the first loads or builds the compiled engine): {warm}")
    died = {n: args.rounds - summary[str(n)]["alive_at_end"] for n in sizes}
    if any(died.values()):
        print(
            "note: groups died before the horizon ("
            + ", ".join(f"{n}: {d}" for n, d in died.items() if d)
            + "); their times are scaled to a year from the hours simulated"
        )

    if args.json:
        write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
