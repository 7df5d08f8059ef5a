"""Compare policies on the same group type and the same replicate seeds.

``python -m sim compare`` (the README's main command) runs the default group type
under ``feelings`` and ``money`` for 5 replicate seeds each, prints a short comparison
and a verdict, and writes into ``results/compare/<group>_<time>/``:

- ``report.md``: the verdict, a table (Kaplan-Meier median lifespan with 95% CI, log-rank
  p against the first policy, activity, revenue, exits by cause), the figures and runs;
- ``runs.parquet`` (one row per run) and ``daily.parquet`` (one row per run-day), the
  tables a sweep writes, so ``python -m sim plots`` redraws the figures from them;
- ``figures/``: survival, activity, roles, exits and trade-off PNGs.

Any Hydra override applies to every policy, plus ``policies=a,b,c`` to choose them and
the order (the first is the reference of the log-rank tests), e.g.::

    python -m sim compare group=learning policies=feelings,money,hands_off run.replicates=10

**Plausible worlds.** The comparison above covers seed noise at one parameter setting.
``--worlds N`` (default 20; ``--worlds 0`` for none) also runs the first two policies
in N of the calibration's accepted parameter sets (``sim.experiments.worlds``), each on
the same paired seeds, and the verdict says in how many the first outlived the second,
with the gap's distribution (``figures/worlds_gap.png``, ``worlds.parquet``) and, where
the verdict flips, the parameters that move with the gap.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.analysis.summaries import stats_table
from sim.analysis.verdict import overall_logrank, verdict
from sim.config.compose import compose
from sim.core.causes import CAUSE_NAMES
from sim.core.errors import ConfigError
from sim.experiments.batch import configs_for
from sim.experiments.runner import run_point_tables
from sim.experiments.worlds import draw_worlds, read_worlds, run_worlds, worlds_settings
from sim.model import check_config
from sim.presentation.figures import worlds_gap
from sim.presentation.matrix import matrix_flows
from sim.presentation.plots import all_figures
from sim.presentation.reports import comparison_markdown, comparison_table, worlds_markdown
from sim.records.io import write_parquet, write_text

DEFAULT_POLICIES = ("feelings", "money")
DEFAULT_REPLICATES = 5
DEFAULT_WORLDS = 20  # keeps the default comparison under a minute on 2 cores (README)


def parse_args(argv: list[str]) -> tuple[list[str], list[str], int]:
    """Split ``policies=...`` and ``--worlds N`` from the Hydra overrides.

    Returns:
        (policies, overrides with 5 replicates unless given, worlds).
    """
    policies, overrides, worlds = list(DEFAULT_POLICIES), [], DEFAULT_WORLDS
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg.startswith("policies="):
            policies = [p for p in arg.split("=", 1)[1].split(",") if p]
        elif arg == "--worlds" or arg.startswith("--worlds="):
            text = arg.partition("=")[2] if "=" in arg else (args.pop(0) if args else "")
            if not text.isdigit():
                raise SystemExit(
                    f"config error: --worlds={text!r} is not allowed: must be a whole number"
                    " (0: no worlds)"
                )
            worlds = int(text)
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
    return policies, overrides, worlds


def claim_folder(parent: Path, stem: str) -> Path:
    """Create and return ``parent/stem``, or ``stem-2``, ``stem-3``, ... if it exists.

    ``mkdir`` either creates a folder or fails, atomically: two comparisons started in
    the same second never share a folder.
    """
    parent.mkdir(parents=True, exist_ok=True)
    for k in range(1, 1000):
        out = parent / (stem if k == 1 else f"{stem}-{k}")
        try:
            out.mkdir()
            return out
        except FileExistsError:
            continue
    raise OSError(f"{parent / stem}: 999 folders of that name exist; clean {parent}")


def main(argv: list[str] | None = None, out_root: Path = Path("results/compare")) -> Path:
    """Run the comparison, write its report, tables and figures; return the folder."""
    argv = sys.argv[1:] if argv is None else list(argv)
    policies, overrides, n_worlds = parse_args(argv)
    try:  # every policy, and the worlds, are checked before any runs
        configs = [check_config(compose([*overrides, f"policy={p}"])) for p in policies]
        if n_worlds and len(policies) >= 2:
            picked = draw_worlds(read_worlds(), n_worlds, configs[0].seed)
            configs_for(worlds_settings(picked, policies[:2]), overrides)
    except ConfigError as err:
        raise SystemExit(f"config error: {err}") from None
    first = configs[0]
    name = first.group.name if first.matrix is None else first.matrix.name
    label = first.group.label if first.matrix is None else f"matrix {name} ({first.matrix.label})"
    out = claim_folder(Path(out_root), f"{name}_{datetime.now():%Y-%m-%d_%H-%M-%S}")
    dailies, summaries, extras = [], [], []
    for cfg in configs:
        print(
            f"running {name} x {cfg.policy.name}: {cfg.run.replicates} seeds "
            f"x {cfg.run.days} days ...",
            flush=True,
        )
        daily, summary, extra = run_point_tables(cfg)
        dailies.append(daily)
        summaries.append(summary)
        extras.append(extra)
    daily = pd.concat(dailies, ignore_index=True)
    runs = pd.concat(summaries, ignore_index=True)
    for table in extras[0]:  # a matrix's per-group tables and flows, every policy
        write_parquet(
            pd.concat([e[table] for e in extras], ignore_index=True), out / f"{table}.parquet"
        )
    write_parquet(daily, out / "daily.parquet")
    write_parquet(runs, out / "runs.parquet")
    figures = all_figures(runs, daily, out / "figures")
    if first.matrix is not None:
        for policy, extra, d in zip(policies, extras, dailies, strict=True):
            figures.append(
                matrix_flows(
                    extra["groups_daily"],
                    extra["flows"],
                    d,
                    out / "figures" / f"flows_{policy}.png",
                )
            )
    stats = stats_table(runs, horizon=first.run.days)
    overall = overall_logrank(runs) if len(policies) > 2 else None
    text = verdict(stats, overall_p=overall)
    command = " ".join(["python -m sim compare", *argv])
    report = out / "report.md"
    markdown = comparison_markdown(runs, stats, text, first, command, overall)
    worlds_text = None
    if n_worlds and len(policies) >= 2:
        print(f"running {n_worlds} plausible worlds x {', '.join(policies[:2])} ...", flush=True)
        w_runs, gaps, worlds_text = run_worlds(
            picked, policies[:2], first.run.replicates, overrides, out / "worlds"
        )
        write_parquet(w_runs, out / "worlds" / "runs.parquet")
        write_parquet(gaps, out / "worlds.parquet")
        worlds_gap(gaps, out / "figures" / "worlds_gap.png", policies[:2])
        markdown += "\n" + worlds_markdown(
            gaps, worlds_text, policies[:2], "figures/worlds_gap.png"
        )
    write_text(markdown, report)

    table = comparison_table(stats)
    causes = [f"exits_{c}" for c in CAUSE_NAMES]
    print(
        f"\n{label}: {', '.join(policies)} on the same "
        f"{first.run.replicates} seeds, horizon {first.run.days} days\n"
    )
    print(table.drop(columns=causes).to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print("\nmean exits per run by cause:")
    exits = table.set_index("policy")[causes].rename(columns=lambda c: c[6:])
    print(exits.to_string(float_format=lambda v: f"{v:.1f}"))
    print(f"\nverdict: {text}")
    if worlds_text:
        print(f"\nover plausible worlds: {worlds_text}")
    print(f"\nreport:  {report}\ntables:  {out}/runs.parquet, {out}/daily.parquet")
    print(f"figures: {out}/figures/ ({', '.join(p.name for p in figures)})")
    return out
