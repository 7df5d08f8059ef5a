"""Reference distributions of the pre-rewrite model (issue 5): writes ``reference_v1.csv``.

What it produces:
    ``tests/data/reference_v1.csv``, one row per run: for each scenario in ``SCENARIOS``
    (a group type x policy x horizon), replicates ``0 .. REPLICATES - 1`` of base seed
    ``BASE_SEED`` (seed of replicate r: ``sim.runner.replicate_seed(0, r)``, as the
    runner uses), run with the public API (``sim.cli.compose``, ``sim.runner.run_one``,
    whose row is ``sim.metrics.summary_row``: the reference commit's names; the same
    functions are now ``sim.config.compose``, ``sim.experiments.runner`` and
    ``sim.records.summary``). Columns: ``COLUMNS``. 4 x 200 = 800 rows,
    about 100 kB. ``tests/test_equivalence.py`` reruns the same scenarios with whatever
    ``sim`` is current and compares the distributions with these.

The commit it must be run at:
    ``8554b7f`` ("Calibration composes each distinct config once per worker"), the last
    commit before the numba rewrite of the model core. Its ``sim/`` *and* ``configs/``
    (the presets the scenarios name) are the reference. The script refuses to run when
    ``sim`` is imported from a git checkout at another commit, or with uncommitted
    changes under ``sim/`` or ``configs/`` (``--force`` overrides).

The exact command (from the repository root, one process, about 2 minutes)::

    git worktree add /tmp/ref_old 8554b7f
    cd /tmp/ref_old && PYTHONPATH=/tmp/ref_old /work/main/.venv/bin/python \\
        /work/main/tests/data/make_reference.py --out /work/main/tests/data/reference_v1.csv
    cd /work/main && git worktree remove /tmp/ref_old --force

``PYTHONPATH`` must win over the editable install of the working tree: the script prints
where ``sim`` was imported from and checks its commit. Scenario horizons (checked on the
reference): ``money`` groups die around day 30 (none censored at 120 days);
``feelings`` groups are all alive at 60 days (an activity distribution); ``hands_off``
groups decline under spam, about 60% dead by day 150 with lifespans from ~2 weeks to
the horizon; ``interest_money`` is a second group type, dying around day 27.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REFERENCE_COMMIT = "8554b7f"
BASE_SEED = 0
REPLICATES = 200

# name -> Hydra overrides (composed from the repository's configs/)
SCENARIOS: dict[str, list[str]] = {
    "money": ["group=relationship", "policy=money", "run.days=120"],
    "feelings": ["group=relationship", "policy=feelings", "run.days=60"],
    "hands_off": ["group=relationship", "policy=hands_off", "run.days=150"],
    "interest_money": ["group=interest", "policy=money", "run.days=120"],
}

# summary_row fields kept per run (after scenario and replicate)
METRICS = [
    "seed",
    "lifespan_days",
    "censored",
    "msgs_per_day",
    "active_members_mean",
    "members_end",
    "mutes",
    "exits_total",
    "silent_share_end",
    "revenue",
]
COLUMNS = ["scenario", "replicate", *METRICS]

DEFAULT_OUT = Path(__file__).resolve().parent / "reference_v1.csv"


def run_scenario(
    name: str,
    overrides: list[str],
    replicates: int = REPLICATES,
    base_seed: int = BASE_SEED,
    extra: list[str] | None = None,
) -> pd.DataFrame:
    """Run replicates ``0 .. replicates - 1`` of one scenario in this process.

    Uses whatever ``sim`` is importable: the reference code when run as a script at
    ``REFERENCE_COMMIT``, the current code when called from the test.

    Args:
        name: scenario name written in the ``scenario`` column.
        overrides: Hydra overrides of the scenario (group, policy, horizon).
        replicates: number of replicates (replicate indices ``0 .. replicates - 1``).
        base_seed: the configuration's ``seed``; replicate r runs with
            ``replicate_seed(base_seed, r)``.
        extra: further overrides appended after ``overrides`` (e.g. a perturbed
            parameter, to check that the equivalence test can fail).

    Returns:
        One row per run, columns ``COLUMNS``.
    """
    try:  # the package's layered layout
        from sim.config.compose import compose
        from sim.experiments.runner import run_one
    except ImportError:  # the reference commit's flat layout (see the module docstring)
        from sim.cli import compose
        from sim.runner import run_one

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    cfg = compose([*overrides, f"seed={base_seed}", *(extra or [])])
    rows = []
    for r in range(replicates):
        _, row = run_one(cfg, r)
        rows.append({"scenario": name, "replicate": r} | {k: row[k] for k in METRICS})
    return pd.DataFrame(rows, columns=COLUMNS)


def _source_commit(sim_dir: Path) -> tuple[str | None, bool]:
    """(HEAD commit of the checkout holding ``sim_dir``, whether sim/ or configs/ are dirty).

    ``(None, False)`` when ``sim_dir`` is not in a git checkout (e.g. a ``git archive``
    export), where the commit cannot be checked.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(sim_dir), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--", "../sim", "../configs"))
    except (OSError, subprocess.CalledProcessError):
        return None, False
    return head, dirty


def main(argv: list[str] | None = None) -> None:
    """Run every scenario with the importable ``sim`` and write the reference CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV to write")
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument(
        "--force", action="store_true", help="run even if sim is not at the reference commit"
    )
    args = parser.parse_args(argv)

    import sim

    sim_dir = Path(sim.__file__).resolve().parent
    head, dirty = _source_commit(sim_dir)
    print(f"sim imported from {sim_dir} (commit {head or 'unknown'}{', dirty' if dirty else ''})")
    if head is not None and (not head.startswith(REFERENCE_COMMIT) or dirty) and not args.force:
        sys.exit(
            f"sim must be the code of commit {REFERENCE_COMMIT} with no local changes to "
            "sim/ or configs/ (see this script's docstring), or pass --force"
        )

    tables = []
    for name, overrides in SCENARIOS.items():
        start = time.perf_counter()
        table = run_scenario(name, overrides, args.replicates)
        died = ~table["censored"]
        print(
            f"{name:15s} {time.perf_counter() - start:6.1f} s  "
            f"died {died.mean():5.1%}  mean lifespan {table['lifespan_days'].mean():6.1f}  "
            f"msgs/day {table['msgs_per_day'].mean():6.2f}  "
            f"members_end {table['members_end'].mean():6.1f}",
            flush=True,
        )
        tables.append(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pd.concat(tables, ignore_index=True).to_csv(args.out, index=False)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
