"""``python -m sim validate``: does the model reproduce what we know?

Runs the fixed battery of scenarios (``sim.validation.scenarios``: >= 30 replicates
each; ``--quick``: about 5 and shorter horizons), in parallel over processes, then
measures every pattern (``sim.validation.patterns``) on those runs and prints and saves
one table: pattern id, pattern, source (seed file or evidence row), scenario, measured
value with its 95% interval, target, pass/fail. A failing pattern stays in the table
with its real figure.

::

    python -m sim validate                 # full battery, all cores
    python -m sim validate --quick         # about half a minute on 2 cores
    python -m sim validate --out DIR --jobs 4 --only R1,L1,F1 --seed 0

Writes into ``results/validation/<timestamp>/`` (or ``--out DIR``): ``table.md``,
``table.csv`` and ``table.parquet`` (one row per pattern) and ``runs.parquet`` (one row
per run: scenario, replicate, seed and every figure its probe measured, from which each
measured value can be recomputed). Exit code 0 whether patterns pass or fail (it is a
report); 1 on an error (a measurement that raised is still written, as an error row);
2 on bad command-line input, with one error line.

In Python (a calibration script): ``run_battery(quick=True, only=["M1", "M2"])`` returns
the table and the runs; ``sim.validation.measures`` has the measurement functions.

The battery guards the model. ``--update-docs`` runs the full battery and writes its table
into docs/model.md section 11 (a generated block that records the code it was made
with); ``--check-docs`` runs the full battery and exits 1 if a pattern the document lists
as passing fails now, or if the document was generated with other code (CI runs this
check, ``tests/test_validation_docs.py``).
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

import sim
from sim.config.compose import compose
from sim.config.values import with_values
from sim.core.errors import ConfigError
from sim.core.fingerprint import RUN_LAYERS, fingerprint_of
from sim.experiments.batch import Work, run_work
from sim.experiments.parallel import available_cores
from sim.presentation.docblocks import read_block, replace_block
from sim.presentation.reports import md_table
from sim.records.io import write_parquet, write_text
from sim.validation.measures import Estimate
from sim.validation.patterns import PATTERN_BY_ID, PATTERNS, Pattern
from sim.validation.probes import PROBES
from sim.validation.scenarios import MIX_OFFSET, SCENARIO_BY_NAME, Scenario, mixture_draws

PARSES_HELP = True  # argparse prints --help (sim.__main__)

DEFAULT_OUT = Path("results") / "validation"
TABLE_COLUMNS = [
    "id", "pattern", "source", "scenario", "runs", "measured", "target", "passed",
    "value", "bound", "ci_low", "ci_high", "method", "p_value",
    "target_low", "target_high", "target_low_open", "target_high_open", "p_max", "error",
]  # fmt: skip

RUN_COLUMNS = ["scenario", "replicate", "seed", "group", "policy", "horizon"]  # first in runs


def scenario_work(
    scenario: Scenario, quick: bool, base_seed: int = 0, replicates: int | None = None
) -> list[Work]:
    """The runs of one scenario, as the batch evaluator's work items.

    Replicate r has seed ``replicate_seed(base_seed, r)``. Every scenario uses the same
    seeds, so scenarios that differ only in a setting are paired by replicate index
    (replicate r starts from the same day-0 group). Mixture group r takes its type and
    policy from ``mixture_draws`` and runs replicate ``MIX_OFFSET + r`` of the base seed.
    """
    n = scenario.n_runs(quick) if replicates is None else replicates
    days = f"run.days={scenario.horizon(quick)}"
    probe = functools.partial(PROBES[scenario.probe], **scenario.kwargs)
    tags = {"scenario": scenario.name, "horizon": scenario.horizon(quick)}
    if not scenario.mixture:
        cfg = with_values(compose((*scenario.overrides, days)), {"seed": base_seed})
        return [Work(cfg, tuple(range(n)), probe, tags)]
    work = []
    for r, (group, policy) in enumerate(mixture_draws(n, base_seed)):
        cfg = compose((f"group={group}", f"policy={policy}", *scenario.overrides, days))
        cfg = with_values(cfg, {"seed": base_seed})
        work.append(Work(cfg, (MIX_OFFSET + r,), probe, tags | {"replicate": r}))
    return work


def run_scenarios(
    work: Sequence[Work], jobs: int = 1, out: Path | None = None, progress: bool = False
) -> pd.DataFrame:
    """Run the work items through the batch evaluator (in ``jobs`` processes).

    Args:
        work: items of :func:`scenario_work`.
        jobs: processes.
        out: a folder to keep finished runs in (``out/batch``): a rerun resumes.
        progress: print progress lines to standard error.

    Returns:
        One row per run (``RUN_COLUMNS``, then the probe's figures), sorted by scenario
        and replicate.
    """
    stream = sys.stderr if progress else None
    batch = run_work(work, out, jobs=jobs, progress=stream, label="validate")
    runs = batch.runs
    if runs.empty:
        return runs
    rest = [c for c in runs.columns if c not in RUN_COLUMNS and c != "run_id"]
    runs = runs[RUN_COLUMNS + rest]
    return runs.sort_values(["scenario", "replicate"], ignore_index=True)


def split_runs(runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``{scenario: its runs indexed by replicate}``, the input of every measure."""
    return {
        name: df.set_index("replicate").sort_index()
        for name, df in runs.groupby("scenario", sort=False)
    }


def scenario_text(pattern: Pattern, quick: bool, runs: dict[str, pd.DataFrame]) -> str:
    """The scenario column: the scenarios' labels, horizons and numbers of runs."""
    scenarios = [SCENARIO_BY_NAME[name] for name in pattern.scenarios]
    sizes = [f"{s.horizon(quick)} d x {len(runs.get(s.name, ()))}" for s in scenarios]
    labels = " vs ".join(s.label for s in scenarios)
    if len(set(sizes)) == 1:
        return f"{labels}; {sizes[0]}{' each' if len(sizes) > 1 else ''}"
    return " vs ".join(f"{s.label} ({size})" for s, size in zip(scenarios, sizes, strict=True))


def evaluate(patterns: Sequence[Pattern], runs: pd.DataFrame, quick: bool = False) -> pd.DataFrame:
    """Measure each pattern on the runs and compare with its target: the table.

    A measurement that raises becomes a row with ``error`` set and ``passed`` False.
    """
    by = split_runs(runs)
    rows = []
    for p in patterns:
        t = p.target
        row = {
            "id": p.id,
            "pattern": p.name,
            "source": p.source,
            "scenario": scenario_text(p, quick, by),
            "target": t.text,
            "target_low": t.low,
            "target_high": t.high,
            "target_low_open": t.low_open,
            "target_high_open": t.high_open,
            "p_max": math.nan if t.p_max is None else t.p_max,
            "error": "",
        }
        try:
            est = p.measure(by)
        except Exception as err:  # report it in the table, and fail the command
            est = Estimate(math.nan, text="error")
            row["error"] = f"{type(err).__name__}: {err}"
        row |= {
            "runs": est.n,
            "measured": est.text,
            "value": est.value,
            "bound": est.bound,
            "ci_low": est.low,
            "ci_high": est.high,
            "method": est.method,
            "p_value": est.p,
            "passed": t.holds(est) and not row["error"],
        }
        rows.append(row)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def select_patterns(only: Iterable[str] | None = None) -> list[Pattern]:
    """Patterns by id (all when ``only`` is None).

    Raises:
        ValueError: an unknown id (the message lists the known ones).
    """
    if only is None:
        return list(PATTERNS)
    ids = [i.strip() for i in only if i.strip()]
    unknown = [i for i in ids if i not in PATTERN_BY_ID]
    if unknown or not ids:
        raise ValueError(
            f"unknown pattern id {', '.join(unknown) or '(none given)'}; "
            f"one of {', '.join(PATTERN_BY_ID)}"
        )
    return [PATTERN_BY_ID[i] for i in ids]


def run_battery(
    quick: bool = False,
    jobs: int | None = None,
    base_seed: int = 0,
    only: Iterable[str] | None = None,
    replicates: int | None = None,
    out: Path | None = None,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the scenarios the chosen patterns need, then measure the patterns.

    Args:
        quick: fewer replicates and shorter horizons (``Scenario.quick_*``).
        jobs: processes (default: all cores; 1 runs in this process).
        base_seed: base seed of every scenario.
        only: pattern ids (default all).
        replicates: runs per scenario, overriding the scenario's own count.
        out: a folder to keep finished runs in (a rerun into it resumes).
        progress: print progress lines (runs done, time left) to standard error.

    Returns:
        (table, runs): one row per pattern (``TABLE_COLUMNS``) and one per run.
    """
    patterns = select_patterns(only)
    names = list(dict.fromkeys(n for p in patterns for n in p.scenarios))
    work = [
        w for n in names for w in scenario_work(SCENARIO_BY_NAME[n], quick, base_seed, replicates)
    ]
    runs = run_scenarios(work, available_cores() if jobs is None else jobs, out, progress)
    return evaluate(patterns, runs, quick), runs


def markdown(table: pd.DataFrame) -> str:
    """The table as Markdown: id, pattern, source, scenario, measured (95% CI), target, result."""
    header = ["id", "pattern", "source", "scenario", "measured (95% CI)", "target", "result"]
    return md_table(header, _markdown_rows(table))


def write_outputs(table: pd.DataFrame, runs: pd.DataFrame, out: Path, header: str) -> None:
    """Write table.md, table.csv, table.parquet and runs.parquet into ``out``."""
    write_text(f"{header}\n\n{markdown(table)}\n", out / "table.md")
    write_text(table.to_csv(index=False), out / "table.csv")
    write_parquet(table, out / "table.parquet")
    write_parquet(runs, out / "runs.parquet")


# --- the table in docs/model.md section 11 --------------------------------------------

DOC = Path("docs") / "model.md"
DOC_BLOCK = "validation"
DOC_COLUMNS = ["id", "pattern", "source", "scenario", "measured", "target", "result"]


def battery_fingerprint() -> str:
    """A hash of the code the battery's table depends on: the model's layers and this one."""
    return fingerprint_of(Path(sim.__file__).resolve().parent, (*RUN_LAYERS, "validation"))


def docs_block(table: pd.DataFrame, runs: pd.DataFrame, base_seed: int = 0) -> str:
    """The generated block of docs/model.md section 11: a summary line, then the table."""
    passed = int(table["passed"].sum())
    return (
        f"Code `{battery_fingerprint()}` (the layers core to records and validation), "
        f"full battery, base seed {base_seed}, {len(runs)} runs: **{passed} of {len(table)} "
        f"patterns pass**.\n\n{markdown(table)}\n"
    )


def parse_docs_block(block: str) -> tuple[str | None, pd.DataFrame]:
    """(code fingerprint, table) of a generated block; the table has ``DOC_COLUMNS``."""
    head = block.split("`")
    code = head[1] if block.startswith("Code `") and len(head) > 2 else None
    rows = [
        [c.strip() for c in line.strip().strip("|").split(" | ")]
        for line in block.splitlines()
        if line.startswith("| ") and not line.startswith("| id |")
    ]
    return code, pd.DataFrame(rows, columns=DOC_COLUMNS)


def check_docs(table: pd.DataFrame, block: str) -> tuple[list[str], list[str]]:
    """Compare a fresh full battery's table with the one docs/model.md holds.

    Returns:
        (problems, notes). Problems fail the check: a pattern the document lists as
        passing that fails now; a row whose pattern, source, scenario or target is not
        the code's; patterns added or removed; a document generated with other code.
        Notes do not: patterns that pass now but fail in the document, and measured
        values that differ although the code is the same (the same code and seed give
        the same numbers on one platform; another CPU or maths library may differ in
        the last bits, which can change a run).
    """
    code, doc = parse_docs_block(block)
    now = pd.DataFrame(_markdown_rows(table), columns=DOC_COLUMNS)
    problems, notes = [], []
    if code != battery_fingerprint():
        problems.append(
            f"docs/model.md section 11 was generated with code {code}, this is code "
            f"{battery_fingerprint()}: rerun python -m sim validate --update-docs"
        )
    if list(doc["id"]) != list(now["id"]):
        problems.append(f"patterns differ: document {list(doc['id'])}, code {list(now['id'])}")
        return problems, notes
    for d, n in zip(doc.itertuples(), now.itertuples(), strict=True):
        for col in ("pattern", "source", "scenario", "target"):
            if getattr(d, col) != getattr(n, col):
                problems.append(
                    f"{d.id}: {col} is {getattr(n, col)!r}, the document says {getattr(d, col)!r}"
                )
        if d.result == "pass" and n.result != "pass":
            problems.append(
                f"{d.id} ({d.pattern}) fails now: measured {n.measured}, target {n.target}"
            )
        elif d.result != "pass" and n.result == "pass":
            notes.append(f"{d.id} passes now (the document has it failing): measured {n.measured}")
        elif d.measured != n.measured:
            notes.append(f"{d.id}: measured {n.measured}, the document says {d.measured}")
    return problems, notes


def _markdown_rows(table: pd.DataFrame) -> list[list[str]]:
    rows = []
    for r in table.itertuples():
        result = "pass" if r.passed else ("**ERROR**" if r.error else "**FAIL**")
        cells = [r.id, r.pattern, r.source, r.scenario, r.measured, r.target, result]
        rows.append([str(c).replace("|", "/") for c in cells])
    return rows


def _docs(args: argparse.Namespace, table: pd.DataFrame, runs: pd.DataFrame) -> int:
    """``--update-docs`` or ``--check-docs``; returns 1 if the check fails."""
    text = args.doc.read_text(encoding="utf-8")
    if args.update_docs:
        write_text(replace_block(text, DOC_BLOCK, docs_block(table, runs, args.seed)), args.doc)
        print(f"section 11 of {args.doc} rewritten ({int(table['passed'].sum())} patterns pass)")
        return 0
    problems, notes = check_docs(table, read_block(text, DOC_BLOCK))
    for line in notes:
        print(f"validate: note: {line}", file=sys.stderr)
    for line in problems:
        print(f"validate: error: {line}", file=sys.stderr)
    if not problems:
        print(f"{args.doc} section 11 holds: every pattern it lists as passing passes")
    return 1 if problems else 0


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line."""

    def error(self, message: str):  # noqa: D102
        self.exit(2, f"validate: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (``--help`` lists them)."""
    p = _Parser(
        prog="python -m sim validate",
        description="Run the validation battery and write its table (see docs/model.md).",
    )
    p.add_argument("--quick", action="store_true", help="about 5 runs per scenario (CI)")
    p.add_argument("--out", type=Path, help=f"output folder (default {DEFAULT_OUT}/<time>)")
    p.add_argument("--jobs", type=_positive_int, help="processes (default: all cores)")
    p.add_argument("--seed", type=_int, default=0, help="base seed (default 0)")
    p.add_argument("--only", help="comma-separated pattern ids, e.g. R1,L1,F1")
    docs = p.add_mutually_exclusive_group()
    docs.add_argument(
        "--update-docs", action="store_true", help="write the table into --doc (full battery)"
    )
    docs.add_argument(
        "--check-docs",
        action="store_true",
        help="exit 1 if a pattern --doc lists as passing fails now (full battery)",
    )
    p.add_argument("--doc", type=Path, default=DOC, help=f"the document (default {DOC})")
    args = p.parse_args(argv)
    if (args.update_docs or args.check_docs) and (args.quick or args.only or args.seed):
        p.error("--update-docs and --check-docs need the full battery (no --quick, --only, --seed)")
    if (args.update_docs or args.check_docs) and not args.doc.is_file():
        p.error(f"argument --doc: {args.doc} is not a file")
    if args.only is not None:
        try:
            select_patterns(args.only.split(","))
        except ValueError as err:
            p.error(f"argument --only: {err}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the battery, print the table, write the files; returns the exit code."""
    args = parse_args(argv)
    jobs = args.jobs or available_cores()
    out = args.out or DEFAULT_OUT / datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    start = time.monotonic()
    mode = "quick" if args.quick else "full"
    try:
        table, runs = run_battery(
            quick=args.quick,
            jobs=jobs,
            base_seed=args.seed,
            only=None if args.only is None else args.only.split(","),
            out=out / "batch",
            progress=True,
        )
        elapsed = time.monotonic() - start
        passed = int(table["passed"].sum())
        header = (
            f"# Validation ({mode}): {passed} of {len(table)} patterns pass\n\n"
            f"{len(runs)} runs, base seed {args.seed}, {jobs} processes, "
            f"{elapsed:.0f} s, {datetime.now():%Y-%m-%d %H:%M}."
        )
        write_outputs(table, runs, out, header)
    except (ConfigError, OSError, ValueError) as err:
        print(f"validate: error: {err}", file=sys.stderr)
        return 1
    print(markdown(table))
    print(f"\n{passed} of {len(table)} patterns pass ({mode}, {len(runs)} runs, {elapsed:.0f} s)")
    print(f"tables written to {out}/table.md, table.csv, table.parquet and runs.parquet")
    errors = table[table["error"] != ""]
    for r in errors.itertuples():
        print(f"validate: error: pattern {r.id}: {r.error}", file=sys.stderr)
    if args.update_docs or args.check_docs:
        try:
            return _docs(args, table, runs) or (1 if len(errors) else 0)
        except ValueError as err:
            print(f"validate: error: {args.doc}: {err}", file=sys.stderr)
            return 1
    return 1 if len(errors) else 0
