"""``python -m sim sensitivity``: which assumptions drive lifespan, activity and revenue.

A design (Morris screening or Sobol' indices, ``sim.analysis.sensitivity``) over the
parameters of a YAML file (default ``configs/sensitivity/default.yaml``: every
"assumption" and calibrated number of the model, each with its range and the reason for
it), or of ``--param NAME=LO:HI``. Every sample runs each policy (default ``feelings``
and ``money``) on the same ``--replicates`` seeds through the batch evaluator
(``sim.experiments.batch``), so the gap between the two policies is paired.

Outputs, per policy (``<output>.<policy>``) and the gap:

- ``rmst``: restricted mean lifespan within the horizon, days (a censored run counts
  the horizon);
- ``msgs_per_day``: member messages per day alive;
- ``revenue``: the operator's revenue per run, yuan;
- ``silent_share_end``: the share of members silent at the end of the run (the horizon,
  or the last day of a group that died): the late-life window every run has;
- ``rmst_gap``: ``rmst`` of the first policy minus the second's (feelings - money).

Replicate noise: each sample's output is the mean over its replicate seeds (paired
across policies), and the report gives each output's *seed-noise share*, the part of
the variance of those means that is seed noise (``noise_share``). Averaging was chosen
over SALib's "realisation index" (a seed as one more input) because the question is how
the *expected* outcome depends on each assumption; a noise share near 1 says the design
needs more replicates, and the indices of such an output mean little.

The folder (``--out``, default ``results/sensitivity/<method>-<file stem>``) holds
``design.json``, ``samples.parquet`` (the design), ``outputs.parquet`` (per sample and
replicate), ``indices.parquet``, ``report.md`` and the figures; ``batch/`` keeps the
finished runs, so an interrupted analysis resumes. ``--redraw DIR`` rebuilds the report
and figures from the tables in seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.analysis.sensitivity import METHODS, Parameter, check_design, indices, noise_share, sample
from sim.config.compose import as_config_error, compose
from sim.config.values import with_values
from sim.core.errors import ConfigError
from sim.experiments.progress import clock
from sim.records.io import write_parquet, write_text

PARSES_HELP = True  # argparse prints --help (sim.__main__)
DEFAULT_FILE = "default.yaml"
METRICS = ("rmst", "msgs_per_day", "revenue", "silent_share_end")
DESIGN_FILE = "design.json"


def params_dir() -> Path:
    """``configs/sensitivity/``, inside the installed package."""
    from importlib.resources import files

    return Path(str(files("sim.configs").joinpath("sensitivity")))


def read_params(path: Path | str) -> list[Parameter]:
    """The parameters of a YAML file ``parameters: {name: [low, high, reason]}``.

    Raises:
        ConfigError: the file is missing or not valid YAML, or an entry is malformed.
    """
    path = Path(path)
    try:
        with path.open() as f:  # a stream: YAML errors name the file
            data = yaml.safe_load(f)
    except OSError as err:
        why = err.strerror or type(err).__name__
        raise ConfigError("--params", str(path), f"must be a readable file ({why})") from None
    except yaml.YAMLError as err:
        raise (as_config_error(err) or ConfigError(str(path), "?", "must be valid YAML")) from None
    entries = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(str(path), "parameters", "must map each name to [low, high, reason]")
    params = []
    for name, entry in entries.items():
        ok = isinstance(entry, list) and len(entry) in (2, 3)
        if not ok or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in entry[:2]
        ):
            raise ConfigError(
                f"{path}: {name}", entry, "must be [low, high] or [low, high, reason]"
            )
        why = str(entry[2]) if len(entry) == 3 else ""
        params.append(Parameter(str(name), float(entry[0]), float(entry[1]), why=why))
    return params


def parse_param(text: str) -> Parameter:
    """``NAME=LO:HI`` (``--param``) as a parameter."""
    name, _, bounds = text.partition("=")
    lo, _, hi = bounds.partition(":")
    try:
        return Parameter(name.strip(), float(lo), float(hi), why="--param")
    except ValueError:
        raise ConfigError(
            "--param", text, "must be NAME=LOW:HIGH, e.g. group.silent_share=0.3:0.7"
        ) from None


def check_params(params: list[Parameter], base: Sequence[str]) -> list[Parameter]:
    """Check every parameter against the schema; mark the whole-number ones.

    Each bound is applied to the base configuration as a batch row would be, so an
    unknown name or a bound outside the field's range gets the command line's error.

    Raises:
        ConfigError: an unknown name, a repeated one, bounds reversed or outside the
            field's allowed range.
    """
    cfg = compose(list(base))
    seen, out = set(), []
    for p in params:
        if p.name in seen:
            raise ConfigError(p.name, f"{p.lo}:{p.hi}", "is listed twice")
        seen.add(p.name)
        if not p.lo < p.hi:
            raise ConfigError(p.name, f"{p.lo}:{p.hi}", "the low bound must be below the high one")
        node: object = cfg
        for part in p.name.split("."):
            node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        integer = isinstance(node, int) and not isinstance(node, bool)
        if integer and not (p.lo.is_integer() and p.hi.is_integer()):
            raise ConfigError(
                p.name, f"{p.lo}:{p.hi}", "is a whole-number setting: give whole bounds"
            )
        for bound in (p.lo, p.hi):
            value = int(bound) if integer else bound
            try:
                with_values(cfg, {p.name: value})
            except ConfigError as err:
                raise ConfigError(f"bound of {err.field}", err.value, err.allowed) from None
        out.append(Parameter(p.name, p.lo, p.hi, integer, p.why))
    return out


def settings_of(x: np.ndarray, params: list[Parameter], policies: Sequence[str]) -> pd.DataFrame:
    """The batch rows: every sample under every policy (samples outer, policies inner)."""
    rows = []
    for sample_row in x:
        values = {
            p.name: int(v) if p.integer else float(v)
            for p, v in zip(params, sample_row, strict=True)
        }
        rows += [{"policy": pol, **values} for pol in policies]
    return pd.DataFrame(rows)


def model_outputs(
    runs: pd.DataFrame, samples: int, policies: Sequence[str], replicates: int
) -> pd.DataFrame:
    """The outputs of each sample and replicate, from a batch's runs (in row order).

    Returns:
        One row per (sample, replicate): ``<metric>.<policy>`` for every metric and
        policy, and ``rmst_gap`` (first policy minus the second) when there are two.
    """
    shape = (samples, len(policies), replicates)
    per_run = {
        "rmst": runs["lifespan_days"].to_numpy(float),
        "msgs_per_day": runs["msgs_per_day"].to_numpy(float),
        "revenue": runs["revenue"].to_numpy(float),
        "silent_share_end": runs["silent_share_end"].to_numpy(float),
    }
    out = {
        "sample": np.repeat(np.arange(samples), replicates),
        "replicate": np.tile(np.arange(replicates), samples),
    }
    cubes = {m: v.reshape(shape) for m, v in per_run.items()}
    for m, cube in cubes.items():
        for j, pol in enumerate(policies):
            out[f"{m}.{pol}"] = cube[:, j, :].reshape(-1)
    if len(policies) >= 2:
        out["rmst_gap"] = (cubes["rmst"][:, 0, :] - cubes["rmst"][:, 1, :]).reshape(-1)
    return pd.DataFrame(out)


def index_table(
    method: str, params: list[Parameter], x: np.ndarray, outputs: pd.DataFrame, seed: int
) -> pd.DataFrame:
    """Indices of every output (means over replicates), with its seed-noise share."""
    frames = []
    names = [c for c in outputs.columns if c not in ("sample", "replicate")]
    replicates = int(outputs["replicate"].max()) + 1
    for name in names:
        per_rep = outputs[name].to_numpy(float).reshape(len(x), replicates)
        table = indices(method, params, x, per_rep.mean(axis=1), seed)
        table.insert(0, "output", name)
        table["noise_share"] = noise_share(per_rep)
        table["output_mean"] = float(per_rep.mean())
        table["output_sd"] = float(per_rep.mean(axis=1).std(ddof=1))
        frames.append(table.reset_index())
    return pd.concat(frames, ignore_index=True)


def analyse(
    out: Path,
    method: str,
    params: list[Parameter],
    n: int,
    seed: int,
    evaluate: Callable[[np.ndarray], pd.DataFrame],
    design: dict,
) -> pd.DataFrame:
    """Sample, evaluate, index, write: the path the model and the tests' functions share.

    ``evaluate`` maps the design (samples x parameters) to the outputs table of
    :func:`model_outputs` (columns ``sample``, ``replicate`` and one per output).

    Raises:
        ConfigError: ``out`` holds another design (say another ``--out``).
    """
    check_design(method, n, params)
    x = sample(method, params, n, seed)
    design = design | {
        "method": method, "n": n, "seed": seed, "samples": len(x),
        "parameters": [[p.name, p.lo, p.hi, p.integer, p.why] for p in params],
    }  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    old = out / DESIGN_FILE
    if old.is_file():
        before = json.loads(old.read_text())
        if {k: v for k, v in before.items() if k != "seconds"} != design:
            raise ConfigError(
                "--out", str(out), "holds the results of another design: choose another folder"
            )
    write_text(json.dumps(design, indent=1), old)
    start = time.monotonic()
    samples = pd.DataFrame(x, columns=[p.name for p in params]).rename_axis("sample").reset_index()
    write_parquet(samples, out / "samples.parquet")
    outputs = evaluate(x)
    write_parquet(outputs, out / "outputs.parquet")
    table = index_table(method, params, x, outputs, seed)
    write_parquet(table, out / "indices.parquet")
    design["seconds"] = time.monotonic() - start
    write_text(json.dumps(design, indent=1), old)
    redraw(out)
    return table


def leading(table: pd.DataFrame, method: str, k: int = 5) -> pd.DataFrame:
    """The ``k`` leading parameters of each output (by mu* or by ST)."""
    key = "mu_star" if method == "morris" else "ST"
    return (
        table.sort_values(["output", key], ascending=[True, False])
        .groupby("output", sort=False)
        .head(k)
    )


def report_text(table: pd.DataFrame, design: dict) -> str:
    """The Markdown report: the design, then a table of leading parameters per output."""
    method = design["method"]
    cols = (
        ["mu_star", "mu_star_conf", "sigma"]
        if method == "morris"
        else ["S1", "S1_conf", "ST", "ST_conf"]
    )
    lines = [
        f"# Sensitivity analysis: {method}",
        "",
        f"- design: {design['samples']} samples of {len(design['parameters'])} parameters "
        f"(n = {design['n']}, seed {design['seed']})",
    ]
    for key in ("group", "policies", "replicates", "days", "runs"):
        if key in design:
            lines.append(f"- {key}: {design[key]}")
    if "seconds" in design:
        lines.append(f"- time: {clock(design['seconds'])}")
    lines.append("")
    for output, part in leading(table, method, 10).groupby("output", sort=False):
        noise = part["noise_share"].iloc[0]
        mean, sd = part["output_mean"].iloc[0], part["output_sd"].iloc[0]
        spread = f"mean {mean:.4g}, sd over samples {sd:.4g}"
        if sd == 0:
            spread += " (constant: no parameter moves it)"
        elif math.isnan(noise):
            spread += " (one replicate: seed noise not estimated)"
        else:
            spread += f", seed-noise share of that variance {noise:.2f}"
            if noise >= 0.9:
                spread += " (almost all noise: these indices mean nothing)"
            elif method == "sobol":
                spread += (
                    " (seed noise adds to every ST: an ST near that share is no evidence of"
                    " an effect)"
                )
        lines += [
            f"## {output}",
            "",
            spread,
            "",
            "| parameter | " + " | ".join(cols) + " |",
            "|---|" + "---|" * len(cols),
        ]
        for _, row in part.iterrows():
            lines.append(
                f"| {row['parameter']} | " + " | ".join(f"{row[c]:.3g}" for c in cols) + " |"
            )
        lines.append("")
    return "\n".join(lines)


def redraw(out: Path) -> None:
    """Rebuild ``report.md`` and the figures from the folder's tables (no model runs).

    Raises:
        ValueError: the folder lacks its design or indices table.
    """
    from sim.presentation.sensitivity import draw

    out = Path(out)
    try:
        design = json.loads((out / DESIGN_FILE).read_text())
        table = pd.read_parquet(out / "indices.parquet")
    except (OSError, ValueError) as err:
        raise ValueError(f"{out} holds no finished sensitivity analysis ({err})") from None
    write_text(report_text(table, design), out / "report.md")
    draw(table, design["method"], out)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(
        prog="python -m sim sensitivity", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--method", default="morris", help=f"one of {', '.join(METHODS)} (morris)")
    ap.add_argument(
        "--n",
        type=int,
        default=None,
        help="Morris trajectories (10) or Sobol base samples (a power of 2; 64)",
    )
    ap.add_argument(
        "--params",
        type=Path,
        default=None,
        help="YAML parameter file (configs/sensitivity/default.yaml)",
    )
    ap.add_argument(
        "--param", action="append", default=[], help="NAME=LO:HI instead of a file (repeatable)"
    )
    ap.add_argument("--group", default="relationship", help="group preset (relationship)")
    ap.add_argument(
        "--policies", default="feelings,money", help="policies on the same seeds (feelings,money)"
    )
    ap.add_argument("--replicates", type=int, default=4, help="paired seeds per sample (4)")
    ap.add_argument("--days", type=int, default=730, help="horizon in days (730)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the design and of the runs (0)")
    ap.add_argument("--out", type=Path, default=None, help="results folder (resumes)")
    ap.add_argument("--jobs", type=int, default=-1, help="processes (-1: every core)")
    ap.add_argument(
        "--redraw",
        type=Path,
        default=None,
        metavar="DIR",
        help="only rebuild DIR's report and figures",
    )
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.redraw is not None:
        redraw(args.redraw)
        print(f"report and figures rebuilt in {args.redraw}")
        return 0
    from sim.experiments.batch import evaluate

    n = args.n if args.n is not None else (10 if args.method == "morris" else 64)
    policies = [p for p in args.policies.split(",") if p]
    for pol in policies:
        compose([f"policy={pol}"])  # an unknown preset: its one-line error, now
    if args.replicates < 1:
        raise ConfigError("--replicates", args.replicates, "must be a whole number >= 1")
    base = [f"group={args.group}", f"seed={args.seed}", f"run.days={args.days}"]
    source = args.params or params_dir() / DEFAULT_FILE
    params = [parse_param(t) for t in args.param] if args.param else read_params(source)
    params = check_params(params, base)
    check_design(args.method, n, params)
    out = (
        args.out
        or Path("results")
        / "sensitivity"
        / f"{args.method}-{Path(source).stem if not args.param else 'params'}"
    )

    def run_model(x: np.ndarray) -> pd.DataFrame:
        settings = settings_of(x, params, policies)
        batch = evaluate(settings, args.replicates, base=base, out=out / "batch", jobs=args.jobs)
        return model_outputs(batch.runs, len(x), policies, args.replicates)

    design = {
        "group": args.group, "policies": policies, "replicates": args.replicates,
        "days": args.days,
    }  # fmt: skip
    analyse(out, args.method, params, n, args.seed, run_model, design)
    print(f"sensitivity: report in {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
