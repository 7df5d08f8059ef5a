"""Compare policies on the same group type and the same replicate seeds.

``python -m sim.compare`` (the README's main command) runs the default group type
under ``feelings`` and ``money`` for 5 replicate seeds each, prints a short comparison
and writes tables and a figure under ``results/compare/``. Any Hydra override applies
to every policy, plus ``policies=a,b,c`` to choose them, e.g.::

    python -m sim.compare group=learning policies=feelings,money,hands_off run.replicates=10
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.cli import compose
from sim.hazards import CAUSE_NAMES
from sim.plots import activity_by_policy
from sim.runner import run_point, write_point
from sim.survival import format_median, km_median
from sim.validation import ConfigError

DEFAULT_POLICIES = ("feelings", "money")
DEFAULT_REPLICATES = 5


def comparison_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per policy: KM median lifespan, activity, size at the end, exits, revenue."""
    rows = []
    for policy, runs in summary.groupby("policy", sort=False):
        median, reached = km_median(runs["lifespan_days"], runs["censored"])
        row = {
            "policy": policy,
            "runs": len(runs),
            "median_lifespan_days": format_median(median, reached),
            "alive_at_end": f"{int(runs['censored'].sum())}/{len(runs)}",
            "msgs_per_day": runs["msgs_per_day"].mean(),
            "active_per_day": runs["active_members_mean"].mean(),
            "members_end": runs["members_end"].median(),
            "revenue_yuan": runs["revenue"].mean(),
        }
        row |= {f"exits_{c}": runs[f"exits_{c}"].mean() for c in CAUSE_NAMES}
        rows.append(row)
    return pd.DataFrame(rows)


def parse_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Split ``policies=...`` from the Hydra overrides; default 5 replicates."""
    policies, overrides = list(DEFAULT_POLICIES), []
    for arg in argv:
        if arg.startswith("policies="):
            policies = [p for p in arg.split("=", 1)[1].split(",") if p]
        else:
            overrides.append(arg)
    if not any(o.startswith("run.replicates=") for o in overrides):
        overrides.append(f"run.replicates={DEFAULT_REPLICATES}")
    return policies, overrides


def main(argv: list[str] | None = None, out_root: Path = Path("results/compare")) -> Path:
    """Run the comparison and return its output folder."""
    policies, overrides = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        configs = [compose([*overrides, f"policy={p}"]) for p in policies]
    except ConfigError as err:
        raise SystemExit(f"config error: {err}") from None
    group = configs[0].group.name
    out = out_root / f"{group}_{datetime.now():%Y-%m-%d_%H-%M-%S}"
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
    daily, summary = pd.concat(dailies, ignore_index=True), pd.concat(summaries, ignore_index=True)
    write_point(out, daily, summary)
    figure = activity_by_policy(daily, out / "activity.png", days=configs[0].run.days)
    table = comparison_table(summary)
    causes = [f"exits_{c}" for c in CAUSE_NAMES]
    print(
        f"\n{configs[0].group.label}: {', '.join(policies)} on the same "
        f"{configs[0].run.replicates} seeds, horizon {configs[0].run.days} days\n"
    )
    print(table.drop(columns=causes).to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print("\nmean exits per run by cause:")
    exits = table.set_index("policy")[causes].rename(columns=lambda c: c[6:])
    print(exits.to_string(float_format=lambda v: f"{v:.1f}"))
    print(f"\ntables: {out}/summary.parquet, {out}/daily.parquet\nfigure: {figure}")
    return out


if __name__ == "__main__":
    main()
