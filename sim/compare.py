"""Compare policies on the same group type and the same replicate seeds.

``python -m sim.compare`` (the README's main command) runs the default group type
under ``feelings`` and ``money`` for 5 replicate seeds each, prints a short comparison
and a verdict, and writes into ``results/compare/<group>_<time>/``:

- ``report.md``: the verdict, a table (Kaplan-Meier median lifespan with 95% CI, log-rank
  p against the first policy, activity, revenue, exits by cause), the figures and runs;
- ``runs.parquet`` (one row per run) and ``daily.parquet`` (one row per run-day), the
  tables a sweep writes, so ``python -m sim.plots`` redraws the figures from them;
- ``figures/``: survival, activity, roles, exits and trade-off PNGs.

Any Hydra override applies to every policy, plus ``policies=a,b,c`` to choose them and
the order (the first is the reference of the log-rank tests), e.g.::

    python -m sim.compare group=learning policies=feelings,money,hands_off run.replicates=10
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.cli import compose
from sim.config import SimConfig
from sim.hazards import CAUSE_NAMES
from sim.plots import all_figures
from sim.runner import run_point, write_parquet
from sim.validation import ConfigError
from sim.verdict import format_p, overall_logrank, policy_stats, verdict

DEFAULT_POLICIES = ("feelings", "money")
DEFAULT_REPLICATES = 5
# Figures embedded in the report, in this order, with their captions.
FIGURES = (
    ("survival.png", "Share of groups still alive (Kaplan-Meier, 95% band)"),
    ("activity.png", "Daily member messages, active members and members (median, IQR)"),
    ("roles.png", "Share of members in each role among the groups still alive"),
    ("exits.png", "Members leaving per run, by cause"),
    ("tradeoff.png", "Lifespan vs total revenue per run, with the Pareto front"),
)


def comparison_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per policy, formatted for the terminal: KM median (95% CI), p, activity."""
    stats = policy_stats(summary)
    table = pd.DataFrame(
        {
            "policy": stats["policy"],
            "runs": stats["runs"],
            "median_lifespan_days": stats["median_text"],
            "ci95": stats["ci_text"],
            "alive_at_end": [
                f"{a}/{n}" for a, n in zip(stats["alive"], stats["runs"], strict=True)
            ],
            "logrank_p": [format_p(p) if i else "ref" for i, p in enumerate(stats["logrank_p"])],
            "msgs_per_day": stats["msgs_per_day"],
            "active_per_day": stats["active_members"],
            "members_end": stats["members_end"],
            "revenue_yuan": stats["revenue"],
        }
    )
    for c in CAUSE_NAMES:
        table[f"exits_{c}"] = stats[f"exits_{c}"]
    return table


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _num(v: float, digits: int = 1) -> str:
    return f"{v:,.{digits}f}"


def report_markdown(
    runs: pd.DataFrame,
    stats: pd.DataFrame,
    text: str,
    cfg: SimConfig,
    command: str,
    overall_p: float | None = None,
) -> str:
    """The comparison report as Markdown (figures linked from ``figures/``).

    Args:
        runs: runs table of all policies.
        stats: ``policy_stats(runs)``.
        text: the verdict paragraph.
        cfg: the configuration of the first policy (group, seed, horizon).
        command: the command line that produced the report.
        overall_p: k-sample log-rank p-value (three or more policies).

    Returns:
        The report text.
    """
    policies = list(stats["policy"])
    ref = policies[0]
    days = cfg.run.days
    lines = [
        f"# Policy comparison: {' vs '.join(policies)} in a {cfg.group.name} group",
        "",
        f"Group type: {cfg.group.label} (`group={cfg.group.name}`, "
        f"{cfg.group.initial_members} members at the start), policies "
        f"{', '.join(f'`{p}`' for p in policies)}, each on the same "
        f"{cfg.run.replicates} replicate seeds (base seed {cfg.seed}, so replicate r starts "
        f"from the same group under every policy), horizon {days} days. Made by "
        f"`{command}` on {datetime.now():%Y-%m-%d %H:%M}.",
        "",
        "## Verdict",
        "",
        text,
        "",
        "## Lifespan, activity and revenue",
        "",
    ]
    header = [
        "policy",
        "runs",
        "median lifespan (days)",
        "95% CI (days)",
        f"alive at day {days}",
        f"log-rank p vs {ref}",
        "member msgs/day alive",
        "active members/day alive",
        "members at end (median)",
        "revenue per run (yuan)",
        "revenue per day alive (yuan)",
    ]
    rows = []
    for i, row in stats.iterrows():
        rows.append(
            [
                str(row["policy"]),
                str(row["runs"]),
                row["median_text"],
                row["ci_text"],
                f"{row['alive']}/{row['runs']}",
                "ref" if i == 0 else format_p(row["logrank_p"]),
                _num(row["msgs_per_day"]),
                _num(row["active_members"]),
                _num(row["members_end"], 0),
                _num(row["revenue"], 0),
                _num(row["revenue_per_day"]),
            ]
        )
    lines += [_md_table(header, rows), ""]
    if overall_p is not None:
        lines += [f"k-sample log-rank test across all policies: p = {format_p(overall_p)}.", ""]
    lines += ["### Exits by cause (members leaving, mean per run)", ""]
    header = ["policy", *[c.replace("_", " ") for c in CAUSE_NAMES], "total"]
    rows = [
        [str(row["policy"])]
        + [_num(row[f"exits_{c}"]) for c in CAUSE_NAMES]
        + [_num(row["exits_total"])]
        for _, row in stats.iterrows()
    ]
    lines += [_md_table(header, rows), "", "## Figures", ""]
    for name, caption in FIGURES:
        lines += [f"**{caption}**", "", f"![{caption}](figures/{name})", ""]
    lines += [
        "## How to read this",
        "",
        "- A group is dead after `death.quiet_days` consecutive quiet days (see the README); "
        f"a group alive at day {days} is right-censored: its lifespan is only known to exceed "
        f'{days} days. Medians are Kaplan-Meier medians; "> {days}" means more than half of '
        "the groups were still alive.",
        "- 95% CI of the median: the days on which the pointwise 95% band of the survival "
        "curve (Greenwood variance, log-log transform) contains one half; an upper limit "
        f'"> {days}" was not reached within the horizon.',
        "- Log-rank p: two-sample log-rank test of each policy against the first "
        f"(`{ref}`). It treats the runs as independent samples, although the policies "
        "share replicate seeds (common random numbers), which usually makes it conservative: "
        "a paired test would have more power.",
        "- Messages, active members and revenue per day alive are averaged over the days "
        "each group ran (to the horizon, or until it was found dead, which includes its "
        "final quiet streak), then over runs; revenue per run is the run's total.",
        "- Tables: `runs.parquet` (one row per run), `daily.parquet` (one row per run-day); "
        "redraw the figures with `python -m sim.plots <this folder>`.",
        "",
        "## Runs",
        "",
    ]
    header = ["policy", "replicate", "seed", "lifespan (days)", "alive at end", "msgs/day"]
    header += ["revenue (yuan)", "exits"]
    rows = [
        [
            str(r["policy"]),
            str(r["replicate"]),
            str(r["seed"]),
            str(r["lifespan_days"]),
            "yes" if r["censored"] else "no",
            _num(r["msgs_per_day"]),
            _num(r["revenue"], 0),
            str(r["exits_total"]),
        ]
        for _, r in runs.iterrows()
    ]
    lines += [_md_table(header, rows), ""]
    return "\n".join(lines)


def parse_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Split ``policies=...`` from the Hydra overrides; default 5 replicates."""
    policies, overrides = list(DEFAULT_POLICIES), []
    for arg in argv:
        if arg.startswith("policies="):
            policies = [p for p in arg.split("=", 1)[1].split(",") if p]
        else:
            overrides.append(arg)
    if not policies:
        raise SystemExit("config error: policies= is not allowed: name at least one policy")
    if len(set(policies)) != len(policies):
        raise SystemExit(
            f"config error: policies={','.join(policies)} is not allowed: name each policy once"
        )
    if not any(o.startswith("run.replicates=") for o in overrides):
        overrides.append(f"run.replicates={DEFAULT_REPLICATES}")
    return policies, overrides


def main(argv: list[str] | None = None, out_root: Path = Path("results/compare")) -> Path:
    """Run the comparison, write its report, tables and figures; return the folder."""
    argv = sys.argv[1:] if argv is None else list(argv)
    policies, overrides = parse_args(argv)
    try:
        configs = [compose([*overrides, f"policy={p}"]) for p in policies]
    except ConfigError as err:
        raise SystemExit(f"config error: {err}") from None
    first = configs[0]
    out = Path(out_root) / f"{first.group.name}_{datetime.now():%Y-%m-%d_%H-%M-%S}"
    dailies, summaries = [], []
    for cfg in configs:
        print(
            f"running {cfg.group.name} x {cfg.policy.name}: {cfg.run.replicates} seeds "
            f"x {cfg.run.days} days ...",
            flush=True,
        )
        daily, summary = run_point(cfg)
        dailies.append(daily)
        summaries.append(summary)
    daily = pd.concat(dailies, ignore_index=True)
    runs = pd.concat(summaries, ignore_index=True)
    write_parquet(daily, out / "daily.parquet")
    write_parquet(runs, out / "runs.parquet")
    figures = all_figures(runs, daily, out / "figures")
    stats = policy_stats(runs, horizon=first.run.days)
    overall = overall_logrank(runs) if len(policies) > 2 else None
    text = verdict(stats, overall_p=overall)
    command = " ".join(["python -m sim.compare", *argv])
    report = out / "report.md"
    report.write_text(report_markdown(runs, stats, text, first, command, overall))

    table = comparison_table(runs)
    causes = [f"exits_{c}" for c in CAUSE_NAMES]
    print(
        f"\n{first.group.label}: {', '.join(policies)} on the same "
        f"{first.run.replicates} seeds, horizon {first.run.days} days\n"
    )
    print(table.drop(columns=causes).to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print("\nmean exits per run by cause:")
    exits = table.set_index("policy")[causes].rename(columns=lambda c: c[6:])
    print(exits.to_string(float_format=lambda v: f"{v:.1f}"))
    print(f"\nverdict: {text}")
    print(f"\nreport:  {report}\ntables:  {out}/runs.parquet, {out}/daily.parquet")
    print(f"figures: {out}/figures/ ({', '.join(p.name for p in figures)})")
    return out


if __name__ == "__main__":
    main()
