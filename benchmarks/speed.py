"""Speed of groupsim relative to Mesa's own BoltzmannWealth example, in one process.

Usage::

    .venv/bin/python benchmarks/speed.py [--rounds 7] [--days 60] [--members 100] [--json PATH]

Each round times (a) the full GroupModel (relationship group of ``--members`` members,
``policy=feelings``) stepped for ``--days`` x 24 hourly ticks, and (b) BoltzmannWealth
with its default 100 agents stepped for the same number of ticks. The order of the two
alternates from round to round so that machine noise hits both. Model construction is
timed separately and excluded from the rates.

Agent-steps: for groupsim the sum over ticks of the members present before the tick
(``model.n_members``); for BoltzmannWealth the number of agents (100) per step.
Reported: medians over rounds of agent-steps/s for each model, the median of the
per-round ratios groupsim / Boltzmann (the figure that compares across machines), and
group-ticks/s (hours simulated per second) for the full model.
"""

from __future__ import annotations

import argparse
import json
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

from sim.cli import compose  # noqa: E402
from sim.model import GroupModel  # noqa: E402


def groupsim_overrides(days: int, members: int) -> list[str]:
    return [
        "group=relationship",
        f"group.initial_members={members}",
        "policy=feelings",
        f"run.days={days}",
    ]


def time_groupsim(cfg, ticks: int, seed: int) -> dict:
    t0 = time.perf_counter()
    model = GroupModel(cfg, seed=seed)
    t1 = time.perf_counter()
    agent_steps = 0
    for _ in range(ticks):
        agent_steps += model.n_members
        model.step()
    t2 = time.perf_counter()
    return {
        "construct_s": t1 - t0,
        "run_s": t2 - t1,
        "ticks": ticks,
        "agent_steps": agent_steps,
        "members_end": model.n_members,
        "alive_at_end": bool(model.running),
    }


def time_boltzmann(ticks: int, seed: int) -> dict:
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    ap.add_argument("--days", type=int, default=60, help="simulated days per round (default 60)")
    ap.add_argument("--members", type=int, default=100, help="initial group size (default 100)")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)

    ticks = args.days * 24
    t0 = time.perf_counter()
    cfg = compose(groupsim_overrides(args.days, args.members))
    compose_s = time.perf_counter() - t0

    # warm-up (imports, caches), not timed
    time_groupsim(cfg, 24, seed=10_000)
    time_boltzmann(24, seed=10_000)

    rounds = []
    for r in range(args.rounds):
        if r % 2 == 0:
            gs, bw = time_groupsim(cfg, ticks, seed=r), time_boltzmann(ticks, seed=r)
        else:
            bw, gs = time_boltzmann(ticks, seed=r), time_groupsim(cfg, ticks, seed=r)
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
                "groupsim_ticks_per_s": ticks / gs["run_s"],
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
        "compose_s": compose_s,
    }
    result = {
        "settings": {
            "rounds": args.rounds,
            "days": args.days,
            "ticks": ticks,
            "members": args.members,
            "overrides": groupsim_overrides(args.days, args.members),
            "boltzmann": "mesa.examples BoltzmannWealth, default scenario (100 agents)",
        },
        "machine": {
            "python": platform.python_version(),
            "mesa": mesa.__version__,
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "rounds": rounds,
        "summary": summary,
    }

    print(
        f"{args.rounds} rounds x {ticks} ticks ({args.days} days); groupsim: "
        f"{' '.join(groupsim_overrides(args.days, args.members))}"
    )
    print(
        f"{'round':>5} {'first':>9} {'groupsim a-s/s':>15} {'boltzmann a-s/s':>16} "
        f"{'ratio':>7} {'ticks/s':>9} {'members end':>11}"
    )
    for r in rounds:
        print(
            f"{r['round']:>5} {r['first']:>9} {r['groupsim_agent_steps_per_s']:>15,.0f} "
            f"{r['boltzmann_agent_steps_per_s']:>16,.0f} {r['ratio']:>7.3f} "
            f"{r['groupsim_ticks_per_s']:>9,.0f} {r['groupsim']['members_end']:>11}"
        )
    s = summary
    print(
        f"{'median':>15} {s['groupsim_agent_steps_per_s']:>15,.0f} "
        f"{s['boltzmann_agent_steps_per_s']:>16,.0f} {s['ratio_median']:>7.3f} "
        f"{s['groupsim_ticks_per_s']:>9,.0f}"
    )
    print(
        f"ratio groupsim/Boltzmann agent-steps/s: median {s['ratio_median']:.3f} "
        f"(range {s['ratio_min']:.3f}-{s['ratio_max']:.3f})"
    )
    print(
        f"construction (excluded above): groupsim {s['groupsim_construct_s'] * 1e3:.1f} ms, "
        f"Boltzmann {s['boltzmann_construct_s'] * 1e3:.1f} ms; compose {compose_s:.2f} s"
    )

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"results written to {args.json}")
    return result


if __name__ == "__main__":
    main()
