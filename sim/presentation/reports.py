"""Reports: Markdown and text tables made from runs tables and their statistics.

``comparison_markdown`` is the report of ``python -m sim compare``; ``comparison_table``
and ``points_text`` are the tables a comparison and a sweep print; ``summary_text``
prints a single point's runs. All take tables (``sim.analysis.summaries.stats_table``
and runs tables) and return text.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from sim.analysis.verdict import format_p
from sim.config.schema import SimConfig
from sim.core.causes import CAUSE_NAMES

# Figures embedded in the report, in this order, with their captions.
FIGURES = (
    ("survival.png", "Share of groups still alive (Kaplan-Meier, 95% band)"),
    ("activity.png", "Daily member messages, active members and members (median, IQR)"),
    ("roles.png", "Share of members in each role among the groups still alive"),
    ("exits.png", "Members leaving per run, by cause"),
    ("tradeoff.png", "Lifespan vs total revenue per run, with the Pareto front"),
)


def comparison_table(stats: pd.DataFrame) -> pd.DataFrame:
    """One row per policy of ``stats_table(runs)``, formatted for the terminal."""
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


def points_text(stats: pd.DataFrame, params: list[str]) -> str:
    """A sweep's points as text: one row of ``stats_table(runs, [group, policy, *params])``.

    Swept values are shown as given (0.25 stays 0.25), metrics to one decimal.
    """
    table = stats[["group", "policy", *params, "runs", "median_text"]].rename(
        columns={"median_text": "median_lifespan_days"}
    )
    table = table.assign(
        alive_at_end=[f"{a}/{n}" for a, n in zip(stats["alive"], stats["runs"], strict=True)],
        msgs_per_day=stats["msgs_per_day"],
        active_per_day=stats["active_members"],
        members_end=stats["members_end"],
        revenue_yuan=stats["revenue"],
    )
    exact = {c: (lambda v: f"{v:g}" if isinstance(v, float) else str(v)) for c in params}
    return table.to_string(index=False, formatters=exact, float_format=lambda v: f"{v:.1f}")


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (cells are written as given; a ``|`` in a cell becomes ``/``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "/") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _num(v: float, digits: int = 1) -> str:
    return f"{v:,.{digits}f}"


def comparison_markdown(
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
        stats: ``stats_table(runs)``.
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
    if cfg.matrix is None:
        title = f"a {cfg.group.name} group"
        what = (
            f"Group type: {cfg.group.label} (`group={cfg.group.name}`, "
            f"{cfg.group.initial_members} members at the start)"
        )
    else:  # a matrix: lifespans and totals are the matrix's (docs/model.md section 14)
        title = f"the {cfg.matrix.name} matrix"
        what = (
            f"Matrix of groups: {cfg.matrix.label} (`matrix={cfg.matrix.name}`, groups "
            f"{', '.join(f'{k}: {g.type}' for k, g in cfg.matrix.groups.items())}); a "
            "lifespan is the matrix's (until its last group died), activity and revenue "
            "are summed over its groups, and `groups_*.parquet` hold each group's tables"
        )
    lines = [
        f"# Policy comparison: {' vs '.join(policies)} in {title}",
        "",
        f"{what}, policies "
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
    lines += [md_table(header, rows), ""]
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
    lines += [md_table(header, rows), "", "## Figures", ""]
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
        "redraw the figures with `python -m sim plots <this folder>`.",
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
    lines += [md_table(header, rows), ""]
    return "\n".join(lines)


def summary_text(summary: pd.DataFrame) -> str:
    """A short human-readable table of one or more runs' summary rows."""
    cols = ["group", "policy", "replicate", "lifespan_days", "censored", "msgs_per_day"]
    cols += ["members_end", "exits_total", "revenue"]
    text = summary[cols].to_string(index=False, float_format=lambda v: f"{v:.1f}")
    exits = summary[[f"exits_{c}" for c in CAUSE_NAMES]].sum()
    causes = ", ".join(f"{c}={int(exits[f'exits_{c}'])}" for c in CAUSE_NAMES)
    return f"{text}\nexits by cause (all runs): {causes}"


def worlds_markdown(gaps: pd.DataFrame, text: str, policies: list[str], figure: str) -> str:
    """The report's section on plausible worlds: the verdict, the gap's spread, a table.

    Args:
        gaps: ``sim.analysis.worlds.world_gaps`` (one row per world).
        text: ``sim.analysis.worlds.worlds_verdict``.
        policies: the compared policies (the gap is the first minus the second).
        figure: the gap histogram, relative to the report.
    """
    first, second = policies[:2]
    lines = [
        "## Over plausible worlds",
        "",
        text,
        "",
        f"Each world is one of the calibration's accepted parameter sets "
        f"(`configs/worlds/accepted.csv`); the gap is the restricted mean lifespan of "
        f"`{first}` minus `{second}` within the horizon, averaged over paired seeds.",
        "",
        f"![gap across worlds]({figure})",
        "",
    ]
    header = ["world", *(f"RMST {p}" for p in policies), "gap (days)", "± se"]
    rows = [
        [int(r["world"]), *(_num(r[f"rmst_{p}"], 0) for p in policies), _num(r["gap"], 0),
         _num(r["gap_se"], 0)]
        for _, r in gaps.sort_values("gap").iterrows()
    ]  # fmt: skip
    return "\n".join([*lines, md_table(header, rows), ""])
