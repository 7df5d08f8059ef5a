"""Speed of groupsim relative to Mesa's own BoltzmannWealth example, in one process.

Usage::

    .venv/bin/python benchmarks/speed.py [--rounds 7] [--days 60] [--members 100] [--json PATH]
    .venv/bin/python benchmarks/speed.py --smoke      # CI: 1 round x 3 days

Each round times (a) the full GroupModel (relationship group of ``--members`` members,
``policy=feelings``, which keeps the group alive) run for ``--days`` days by
``model.run()``, the ordinary path, which advances in compiled chunks, and (b)
BoltzmannWealth with its default 100 agents stepped for the same number of hourly
ticks. The order of the two alternates from round to round so that machine noise hits
both. Model construction is timed separately and excluded from the rates. One short,
untimed warm-up run of each model comes first; for groupsim it also loads the compiled
code's cache (or compiles it), and its time is reported on its own line.

Agent-steps: for groupsim ``model.member_hours``, the sum over simulated hours of the
members present at the start of each hour (the group grows and shrinks); for
BoltzmannWealth the number of agents (100) per step. Reported: medians over rounds of
agent-steps/s for each model, the median of the per-round ratios groupsim / Boltzmann
(the figure that compares across machines), and group-hours/s (hours simulated per
second) of the full model.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mesa  # noqa: E402
from mesa.examples.basic.boltzmann_wealth_model.model import (  # noqa: E402
    BoltzmannScenario,
    BoltzmannWealth,
)

from sim.config.compose import compose  # noqa: E402
from sim.model import GroupModel  # noqa: E402

BAR_RATIO = 50.0  # issue 5: groupsim agent-steps/s >= 50 x BoltzmannWealth's


def write_json(path: Path, result: dict) -> None:
    """Write a benchmark's settings, rounds and summary to ``path`` (``--json``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results written to {path}")


def groupsim_overrides(days: int, members: int) -> list[str]:
    """The ``sim.config.compose.compose`` overrides of the timed group."""
    return [
        "group=relationship",
        f"group.initial_members={members}",
        "policy=feelings",
        f"run.days={days}",
    ]


def time_groupsim(cfg, seed: int) -> dict:
    """Build a ``GroupModel`` from ``cfg`` and time ``model.run()`` to its horizon.

    Returns:
        Seconds to construct and to run, hours simulated (``model.t``), agent-steps
        (``model.member_hours``), members at the end and whether the group was alive.
    """
    t0 = time.perf_counter()
    model = GroupModel(cfg, seed=seed)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    return {
        "construct_s": t1 - t0,
        "run_s": t2 - t1,
        "ticks": int(model.t),
        "agent_steps": int(model.member_hours),
        "members_end": int(model.n_members),
        "alive_at_end": not model.dead,
    }


def time_boltzmann(ticks: int, seed: int) -> dict:
    """Build BoltzmannWealth (default scenario) and time ``ticks`` calls of its ``step()``.

    Returns:
        Seconds to construct and to run, ticks, and agent-steps (agents x ticks).
    """
    t0 = time.perf_counter()
    model = BoltzmannWealth(BoltzmannScenario(rng=seed))
    t1 = time.perf_counter()
    n = len(model.agents)
    for _ in range(ticks):
        model.step()
    t2 = time.perf_counter()
    return {
        "construct_s": t1 - t0,
        "run_s": t2 - t1,
        "ticks": ticks,
        "agent_steps": n * ticks,
    }


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print its table; returns what ``--json`` writes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    ap.add_argument("--days", type=int, default=60, help="simulated days per round (default 60)")
    ap.add_argument("--members", type=int, default=100, help="initial group size (default 100)")
    ap.add_argument("--smoke", action="store_true", help="tiny, for CI: 1 round x 3 days")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    if args.smoke:
        args.rounds, args.days = 1, 3
    if min(args.rounds, args.days) < 1:
        ap.error("--rounds and --days must be at least 1")

    horizon = args.days * 24
    machine = {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "nproc": len(os.sched_getaffinity(0)),
        "load_before": os.getloadavg()[0],
    }
    t0 = time.perf_counter()
    cfg = compose(groupsim_overrides(args.days, args.members))
    compose_s = time.perf_counter() - t0

    # warm-up, not timed in the rounds: the first run loads the compiled engine's cache
    # (or compiles it); Boltzmann's first steps warm Mesa's code paths
    warm = time_groupsim(compose(groupsim_overrides(1, args.members)), seed=10_000)
    warmup_s = warm["construct_s"] + warm["run_s"]
    time_boltzmann(24, seed=10_000)

    rounds = []
    for r in range(args.rounds):
        if r % 2 == 0:
            gs = time_groupsim(cfg, seed=r)
            bw = time_boltzmann(horizon, seed=r)
        else:
            bw = time_boltzmann(horizon, seed=r)
            gs = time_groupsim(cfg, seed=r)
        gs_rate = gs["agent_steps"] / gs["run_s"]
        bw_rate = bw["agent_steps"] / bw["run_s"]
        rounds.append(
            {
                "round": r,
                "first": "groupsim" if r % 2 == 0 else "boltzmann",
                "groupsim": gs,
                "boltzmann": bw,
                "groupsim_agent_steps_per_s": gs_rate,
                "boltzmann_agent_steps_per_s": bw_rate,
                "ratio": gs_rate / bw_rate,
                "groupsim_ticks_per_s": gs["ticks"] / gs["run_s"],
            }
        )

    def med(key: str, sub: str | None = None) -> float:
        return statistics.median(r[sub][key] if sub else r[key] for r in rounds)

    summary = {
        "groupsim_agent_steps_per_s": med("groupsim_agent_steps_per_s"),
        "boltzmann_agent_steps_per_s": med("boltzmann_agent_steps_per_s"),
        "ratio_median": med("ratio"),
        "ratio_min": min(r["ratio"] for r in rounds),
        "ratio_max": max(r["ratio"] for r in rounds),
        "groupsim_ticks_per_s": med("groupsim_ticks_per_s"),
        "groupsim_construct_s": med("construct_s", "groupsim"),
        "boltzmann_construct_s": med("construct_s", "boltzmann"),
        "groupsim_warmup_s": warmup_s,
        "compose_s": compose_s,
        "groups_alive_at_end": sum(r["groupsim"]["alive_at_end"] for r in rounds),
    }
    result = {
        "settings": {
            "rounds": args.rounds,
            "days": args.days,
            "ticks": horizon,
            "members": args.members,
            "overrides": groupsim_overrides(args.days, args.members),
            "groupsim": "GroupModel.run(); agent-steps = model.member_hours",
            "boltzmann": "mesa.examples BoltzmannWealth, default scenario (100 agents)",
        },
        "machine": machine,
        "rounds": rounds,
        "summary": summary,
    }

    print(
        f"{args.rounds} rounds x {horizon} hourly ticks ({args.days} days); groupsim "
        f"model.run(): {' '.join(groupsim_overrides(args.days, args.members))}; "
        f"nproc {machine['nproc']}, load {machine['load_before']:.2f}"
    )
    print(
        f"{'round':>5} {'first':>9} {'groupsim a-s/s':>15} {'boltzmann a-s/s':>16} "
        f"{'ratio':>7} {'group-h/s':>10} {'members end':>11} {'alive':>5}"
    )
    for r in rounds:
        print(
            f"{r['round']:>5} {r['first']:>9} {r['groupsim_agent_steps_per_s']:>15,.0f} "
            f"{r['boltzmann_agent_steps_per_s']:>16,.0f} {r['ratio']:>7.3f} "
            f"{r['groupsim_ticks_per_s']:>10,.0f} {r['groupsim']['members_end']:>11} "
            f"{'yes' if r['groupsim']['alive_at_end'] else 'no':>5}"
        )
    s = summary
    print(
        f"{'median':>15} {s['groupsim_agent_steps_per_s']:>15,.0f} "
        f"{s['boltzmann_agent_steps_per_s']:>16,.0f} {s['ratio_median']:>7.3f} "
        f"{s['groupsim_ticks_per_s']:>10,.0f}"
    )
    print(
        f"ratio groupsim/Boltzmann agent-steps/s: median {s['ratio_median']:.3f} "
        f"(range {s['ratio_min']:.3f}-{s['ratio_max']:.3f}); issue 5 bar >= {BAR_RATIO:g}: "
        f"{'met' if s['ratio_median'] >= BAR_RATIO else 'not met'}"
    )
    print(
        f"construction (excluded above): groupsim {s['groupsim_construct_s'] * 1e3:.1f} ms, "
        f"Boltzmann {s['boltzmann_construct_s'] * 1e3:.1f} ms; compose {compose_s:.2f} s"
    )
    print(
        f"warm-up (excluded above): groupsim's first 1-day run {warmup_s:.2f} s "
        "(loads or builds the compiled engine)"
    )
    if s["groups_alive_at_end"] < args.rounds:
        print(
            f"note: {args.rounds - s['groups_alive_at_end']} of {args.rounds} groups died "
            "before the horizon; their agent-steps count only the hours simulated"
        )

    if args.json:
        write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
