"""``python -m sim optimize``: which strategy should this group use?

A multi-objective search (Optuna) over operator strategies for one group type::

    python -m sim optimize group=kol objectives=lifespan,revenue trials=300
    python -m sim optimize group=learning objectives=lifespan,activity
        search=feelings_space budget.packets_yuan_per_month=200   (one line)

**What is searched.** A search space (``search=``, default ``all_tactics``; the files of
``configs/search/``, or a path; ``sim.experiments.search_space``) says which tactic
settings vary within which bounds, and which tactics may be switched off. A strategy
is a team size and a set of tactics, run like any policy preset.

**Objectives** (``objectives=``, one or several of ``sim.analysis.strategy.OBJECTIVES``):
restricted mean lifespan within the horizon, member messages or active members per day
alive, revenue (or revenue net of red packets) per run; all maximised. Several
objectives: a Pareto front (NSGA-II or multi-objective TPE); one: TPE. Every trial runs
its strategy on the same replicate seeds (common random numbers: replicates
``0 .. replicates-1`` of base seed ``seed``), through the batch evaluator.

**Constraints** (``budget.packets_yuan_per_month``, ``budget.operator_hours_per_day``,
``budget.max_selling_share``): a strategy over a limit is marked infeasible (Optuna's
constrained sampling avoids it), kept in the trials table, and never on the front.

**Resume and parallel workers.** The study lives in Optuna's journal file
``<out>/study.log`` (no server), and finished runs in ``<out>/runs/``: the same command
resumes an interrupted search, with every trial evaluated exactly once (a trial an
interrupted worker had started is taken over with its own parameters). Several
processes started with the same command (``jobs=1`` each, or SLURM array tasks on a
shared disk) work on one study; the last to finish writes the report.

**No winner's curse.** At the end, the front's strategies (at most ``front=``, spread
along it) and the ``feelings``, ``money`` and ``hands_off`` presets are re-evaluated on
``fresh=`` seeds the search never saw (base seed ``seed + FRESH_SEED_OFFSET``), and the
report ranks them on those runs only: means with 95% intervals, Kaplan-Meier medians.

**Outputs** (``out=``, default ``results/optimize/<group>_<space>_<objectives>_<id>``,
the same folder for the same search): ``report.md``, ``figures/front.png``,
``trials.parquet`` (every trial), ``front.parquet`` and ``fresh_runs.parquet`` (the
re-evaluation), and ``policy/<name>.yaml`` per front strategy, which ``policy=<name>``
runs once the folder is on Hydra's search path::

    python -m sim group=kol policy=<name> 'hydra.searchpath=[file://<out>]' run.replicates=20

``optuna-dashboard <out>/study.log`` shows the study live.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.analysis.strategy import (
    CONSTRAINTS,
    OBJECTIVES,
    convergence,
    fresh_table,
    outcomes,
    pareto_mask,
    violations,
)
from sim.config.compose import compose
from sim.config.values import with_values
from sim.core.errors import ConfigError, check_range
from sim.experiments.batch import Work, run_work
from sim.experiments.progress import clock
from sim.experiments.runner import replicate_seed
from sim.experiments.search_space import Space, policy_of, read_space, space_path, suggest
from sim.model.tactics import check_config, parse_tactics
from sim.presentation.reports import md_table
from sim.presentation.strategies import describe, front_figure, strategies_markdown
from sim.records.io import write_parquet, write_text

PARSES_HELP = True  # prints its own --help (sim.__main__)
PRESETS = ("feelings", "money", "hands_off")  # compared with the found strategies
FRESH_SEED_OFFSET = 1_000_003  # fresh seeds: base seed seed + this, never the search's
SAMPLERS = ("tpe", "nsga2")
STALE_SECONDS = 600.0  # a running trial whose worker is silent this long is taken over
HEARTBEAT_SECONDS = 60.0
STUDY_FILE, SPEC_FILE = "study.log", "search.json"
RELEASED = "released"  # a trial's worker after an interrupt: take it over at once
BUDGET = tuple(f"budget.{k}" for k in CONSTRAINTS)


@dataclass
class Spec:
    """One search: what the command line says (see the module docstring)."""

    group: str = "relationship"
    objectives: tuple[str, ...] = ("lifespan", "revenue")
    search: str = "all_tactics"
    trials: int = 300
    replicates: int = 10
    fresh: int = 30
    front: int = 20  # front strategies re-evaluated at most (a larger front: spread along it)
    sampler: str = "tpe"
    seed: int = 0
    days: int | None = None
    batch: int = 8  # trials asked at once (fixed, not per core: the same trials anywhere)
    jobs: int = -1
    out: Path | None = None
    budget: dict[str, float] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()  # model settings under every strategy

    def identity(self, space_text: str) -> dict:
        """What makes two searches the same study (the rest can change on a rerun)."""
        keys = ("group", "objectives", "replicates", "sampler", "seed", "days", "overrides")
        ident = {k: getattr(self, k) for k in keys}
        ident["objectives"], ident["overrides"] = list(self.objectives), list(self.overrides)
        ident["budget"] = dict(sorted(self.budget.items()))
        ident["space"] = hashlib.sha256(space_text.encode()).hexdigest()[:12]
        return ident


def _whole(key: str, value: Any, lo: int, hi: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(key, value, "must be a whole number")
    check_range(key, value, lo, hi)
    return value


def parse_args(argv: Iterable[str]) -> Spec:
    """``key=value`` arguments as a :class:`Spec`; one ``ConfigError`` per bad argument.

    Keys with a dot that are not ``budget.*`` are model settings under every strategy
    (``group.initial_members=120``), checked when the base configuration is composed.
    """
    spec = Spec()
    for arg in argv:
        key, eq, text = arg.partition("=")
        if not eq or not key:
            raise ConfigError(arg, "", "write key=value (see python -m sim optimize --help)")
        value = yaml.safe_load(text) if text else ""
        if key == "group" or key == "search" or key == "sampler":
            if not isinstance(value, str) or not value:
                raise ConfigError(key, value, "must be a name")
            setattr(spec, key, value)
        elif key == "objectives":
            names = [n.strip() for n in str(text).split(",") if n.strip()]
            for n in names:
                if n not in OBJECTIVES:
                    raise ConfigError(key, n, f"unknown objective; one of {', '.join(OBJECTIVES)}")
            if not names or len(set(names)) != len(names):
                raise ConfigError(key, text, "name one or more objectives, each once")
            spec.objectives = tuple(names)
        elif key in ("trials", "replicates", "fresh", "front"):
            setattr(spec, key, _whole(key, value, 1, 100_000))
        elif key == "seed":
            spec.seed = _whole(key, value, 0, 2**62)
        elif key == "days":
            spec.days = _whole(key, value, 1, 3650)
        elif key == "batch":
            spec.batch = _whole(key, value, 1, 10_000)
        elif key == "jobs":
            if value != -1:
                _whole(key, value, 1, 4096)
            spec.jobs = value
        elif key == "out":
            spec.out = Path(str(value))
        elif key in BUDGET:
            if value is not None:
                hi = 1.0 if key.endswith("selling_share") else None
                check_range(key, value, 0.0, hi)
            spec.budget[key.partition(".")[2]] = value
        elif key.startswith("budget."):
            raise ConfigError(key, value, f"unknown budget; one of {', '.join(BUDGET)}")
        elif key == "policy" or key.startswith("policy."):
            raise ConfigError(key, value, "the search chooses the policy (see search=)")
        elif "." in key:
            spec.overrides += (arg,)
        else:
            known = "group, objectives, search, trials, replicates, fresh, front, sampler, "
            known += "seed, days, batch, jobs, out, budget.*, or a model setting (a.b=...)"
            raise ConfigError(key, value, f"unknown argument; one of {known}")
    if spec.sampler not in SAMPLERS:
        raise ConfigError("sampler", spec.sampler, f"must be one of {', '.join(SAMPLERS)}")
    spec.budget = {k: v for k, v in spec.budget.items() if v is not None}
    return spec


# ------------------------------------------------------------------ evaluation


@dataclass
class Problem:
    """What a trial needs: the space, the base configuration and the settings."""

    spec: Spec
    space: Space
    base: Any  # SimConfig of group x the space's base preset, with the model overrides
    horizon: int

    @classmethod
    def build(cls, spec: Spec) -> Problem:
        """Read the space and compose the base configuration; every error before any run."""
        space = read_space(spec.search)
        days = [f"run.days={spec.days}"] if spec.days else []
        base = compose([f"group={spec.group}", f"policy={space.base}", *spec.overrides, *days])
        base = with_values(base, {"seed": spec.seed})
        return cls(spec, space, base, base.run.days)

    def config(self, name: str, params: Mapping[str, Any]):
        """The checked configuration of a strategy, as policy ``name``."""
        team, tactics = policy_of(self.space, params)
        values = {
            "policy.name": name,
            "policy.label": f"found by search {self.space.name}",
            "policy.team_size": team,
            "policy.tactics": tactics,
        }
        return check_config(with_values(self.base, values))

    def preset(self, name: str):
        """A policy preset on the same group, model settings and horizon."""
        days = [f"run.days={self.horizon}"]
        cfg = compose([f"group={self.spec.group}", f"policy={name}", *self.spec.overrides, *days])
        return with_values(cfg, {"seed": self.spec.seed})


def strategy_name(problem: Problem, number: int) -> str:
    """The policy name of trial ``number``'s strategy (also its YAML file's name)."""
    return f"{problem.spec.group}_{problem.space.name}_t{number}"


def score(runs: pd.DataFrame, cfg, horizon: int, limits: Mapping[str, float]) -> dict:
    """A strategy's objectives and constraint figures over its runs, and its violations."""
    out = outcomes(runs, horizon, parse_tactics(cfg.policy.tactics))
    out["violations"] = violations(out, limits)
    return out


Evaluator = Callable[[list[tuple[int, dict]]], list[dict]]


def model_evaluator(problem: Problem, out: Path) -> Evaluator:
    """Trials scored on the model: every (trial, parameters) on the search's seeds."""
    spec = problem.spec

    def evaluate(trials: list[tuple[int, dict]]) -> list[dict]:
        configs = [problem.config(strategy_name(problem, n), p) for n, p in trials]
        work = [Work(cfg, tuple(range(spec.replicates))) for cfg in configs]
        runs = run_work(work, out / "runs", jobs=spec.jobs, progress=None).runs
        r = spec.replicates
        return [
            score(runs.iloc[i * r : (i + 1) * r], cfg, problem.horizon, spec.budget)
            for i, cfg in enumerate(configs)
        ]

    return evaluate


# ------------------------------------------------------------------ the study


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _stale(t, now: float) -> bool:
    """A running trial nobody is working on: released, its process gone, or silent."""
    worker = str(t.user_attrs.get("worker", ""))
    if worker == RELEASED:
        return True
    host, _, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    started = t.datetime_start.timestamp() if t.datetime_start else now
    return now - float(t.user_attrs.get("alive_at", started)) > STALE_SECONDS


def open_study(spec: Spec, out: Path):
    """Create or load the Optuna study in ``out/study.log``."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # constraints reach the samplers through Trial.set_constraint (_tell)
    if spec.sampler == "nsga2":
        sampler = optuna.samplers.NSGAIISampler(population_size=max(spec.batch, 16), seed=spec.seed)
    else:
        with warnings.catch_warnings():  # ``group`` is "experimental" since Optuna 2.8
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = optuna.samplers.TPESampler(
                seed=spec.seed,
                multivariate=True,
                group=True,  # a conditional space: tactics switched on and off
                constant_liar=True,  # several trials asked before any is told
                n_startup_trials=min(20, max(spec.trials // 5, 5)),
            )
    out.mkdir(parents=True, exist_ok=True)
    storage = JournalStorage(JournalFileBackend(str(out / STUDY_FILE)))
    study = optuna.create_study(
        study_name="search",
        storage=storage,
        sampler=sampler,
        directions=["maximize"] * len(spec.objectives),
        load_if_exists=True,
    )
    if study.metric_names is None:  # names for optuna-dashboard and trials_dataframe
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            study.set_metric_names(list(spec.objectives))
    return study


class _Heartbeat:
    """Marks this worker's running trials alive every ``HEARTBEAT_SECONDS``."""

    def __init__(self, study):
        self.study, self.ids, self.stop = study, [], threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        while not self.stop.wait(HEARTBEAT_SECONDS):
            for trial_id in list(self.ids):
                try:
                    self.study._storage.set_trial_user_attr(trial_id, "alive_at", time.time())
                except Exception:  # noqa: BLE001 - finished meanwhile: nothing to mark
                    pass


def _claim(study, trial_id: int) -> None:
    storage = study._storage  # Optuna's storage API: attributes of a trial by its id
    storage.set_trial_user_attr(trial_id, "worker", _worker())
    storage.set_trial_user_attr(trial_id, "alive_at", time.time())


def run_study(
    spec: Spec,
    space: Space,
    evaluate: Evaluator,
    out: Path,
    progress: Any = sys.stderr,
) -> Any:
    """Ask, evaluate and tell trials until ``spec.trials`` are finished; return the study.

    Trials are asked ``batch`` at a time and evaluated together (their runs share the
    cores). A running trial that no live worker holds (:func:`_stale`) is taken over with
    its own parameters, so no trial is lost and none is repeated.
    """
    import optuna

    study = open_study(spec, out)
    batch = spec.batch
    beat = _Heartbeat(study)
    start, done_here = time.monotonic(), 0
    Running = optuna.trial.TrialState.RUNNING
    try:
        while True:
            now = time.time()
            trials = study.get_trials(deepcopy=False)
            finished = sum(t.state.is_finished() for t in trials)
            running = [t for t in trials if t.state == Running]
            stale = [t for t in running if _stale(t, now)]
            busy = len(running) - len(stale)
            left = spec.trials - finished - busy
            if left <= 0:
                break
            todo: list[tuple[int, int, dict]] = []  # (trial id, number, parameters)
            for t in stale[:batch]:
                _claim(study, t._trial_id)
                todo.append((t._trial_id, t.number, dict(t.params)))
            for _ in range(min(batch - len(todo), left - len(stale))):
                trial = study.ask()
                _claim(study, trial._trial_id)
                todo.append((trial._trial_id, trial.number, suggest(space, trial)))
            beat.ids = [tid for tid, _, _ in todo]
            try:
                results = evaluate([(n, p) for _, n, p in todo])
            except ConfigError as err:  # a strategy the model refuses: failed, named
                results = [{"error": str(err)}] * len(todo)
            except BaseException:
                for tid, _, _ in todo:  # an interrupt: the next run takes these over
                    study._storage.set_trial_user_attr(tid, "worker", RELEASED)
                raise
            for (tid, number, _), res in zip(todo, results, strict=True):
                _tell(study, tid, number, res, spec)
            done_here += len(todo)
            if progress is not None:
                _progress_line(study, spec, start, done_here, progress)
    finally:
        beat.stop.set()
    return study


def _tell(study, trial_id: int, number: int, result: dict, spec: Spec) -> None:
    import optuna

    storage = study._storage
    if "error" in result:
        storage.set_trial_user_attr(trial_id, "error", result["error"])
        study.tell(number, state=optuna.trial.TrialState.FAIL)
        return
    for k, v in result.items():
        if k != "violations":
            storage.set_trial_user_attr(trial_id, k, float(v))
    trial = optuna.trial.Trial(study, trial_id)
    excess = {k: float(result["violations"][k]) for k in sorted(spec.budget)}
    for k, e in excess.items():  # <= 0: met; the samplers prefer feasible strategies
        trial.set_constraint(k, e)
    storage.set_trial_user_attr(trial_id, "feasible", all(e <= 0 for e in excess.values()))
    study.tell(number, [float(result[o]) for o in spec.objectives])


def _progress_line(study, spec: Spec, start: float, done_here: int, stream) -> None:
    table = trials_table(study, spec)
    done = int(table["state"].isin(["COMPLETE", "FAIL"]).sum()) if len(table) else 0
    ok = table[table["feasible"].fillna(False).astype(bool)] if len(table) else table
    best = ", ".join(
        f"{OBJECTIVES[o].name} {ok[o].max():,.1f} {OBJECTIVES[o].unit}" for o in spec.objectives
    ) if len(ok) else "none feasible yet"  # fmt: skip
    elapsed = time.monotonic() - start
    left = elapsed / max(done_here, 1) * max(spec.trials - done, 0)
    front = len(front_trials(table, spec))
    print(
        f"optimize: {done}/{spec.trials} trials | best {best} | front {front}"
        f" | elapsed {clock(elapsed)} | about {clock(left)} left",
        file=stream,
        flush=True,
    )


def trials_table(study, spec: Spec) -> pd.DataFrame:
    """One row per trial: number, state, parameters, objectives, constraints, feasible."""
    rows = []
    for t in study.get_trials(deepcopy=False):
        row: dict[str, Any] = {"trial": t.number, "state": t.state.name}
        row |= {f"param.{k}": v for k, v in t.params.items()}
        for k in (*OBJECTIVES, *CONSTRAINTS):
            row[k] = t.user_attrs.get(k, math.nan)
        row["feasible"] = t.user_attrs.get("feasible") if t.state.name == "COMPLETE" else None
        row["error"] = t.user_attrs.get("error", "")
        row["seconds"] = t.duration.total_seconds() if t.duration else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def front_trials(table: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The feasible completed trials no other beats on every objective (search values)."""
    if table.empty:
        return table
    ok = table[(table["state"] == "COMPLETE") & table["feasible"].fillna(False).astype(bool)]
    if len(spec.objectives) == 1:
        return ok.sort_values(spec.objectives[0], ascending=False).head(spec.front)
    front = ok[pareto_mask(ok[list(spec.objectives)].to_numpy())]
    return front.sort_values(spec.objectives[0], ascending=False)


def spread(front: pd.DataFrame, k: int) -> pd.DataFrame:
    """At most ``k`` rows of a front sorted along it, evenly spaced (both ends kept)."""
    if len(front) <= k:
        return front
    idx = sorted({int(round(i)) for i in np.linspace(0, len(front) - 1, k)})
    return front.iloc[idx]


# ------------------------------------------------------------------ re-evaluation


def fresh_seed(spec: Spec) -> int:
    """The base seed of the re-evaluation, never the search's."""
    return spec.seed + FRESH_SEED_OFFSET


def search_seeds(spec: Spec) -> set[int]:
    """The run seeds every trial used."""
    return {replicate_seed(spec.seed, r) for r in range(spec.replicates)}


def reevaluate(problem: Problem, picked: pd.DataFrame, params: dict[int, dict], out: Path):
    """Run the picked strategies and the presets on fresh seeds; return (runs, table).

    Raises:
        RuntimeError: a fresh seed equals a search seed (cannot happen unless the seed
            function changes: checked, not assumed).
    """
    spec = problem.spec
    base_seed = fresh_seed(spec)
    fresh = {replicate_seed(base_seed, r) for r in range(spec.fresh)}
    if fresh & search_seeds(spec):
        raise RuntimeError("fresh seeds overlap the search's: choose another seed")
    configs, kinds = [], {}
    for n in picked["trial"]:
        name = strategy_name(problem, int(n))
        configs.append(problem.config(name, params[int(n)]))
        kinds[name] = "found"
    for name in PRESETS:
        configs.append(problem.preset(name))
        kinds[name] = "preset"
    configs = [with_values(c, {"seed": base_seed}) for c in configs]
    work = [Work(cfg, tuple(range(spec.fresh))) for cfg in configs]
    print(
        f"optimize: re-evaluating {len(picked)} front strategies and {len(PRESETS)} presets"
        f" on {spec.fresh} fresh seeds ...",
        file=sys.stderr,
        flush=True,
    )
    runs = run_work(work, out / "fresh_runs", jobs=spec.jobs, label="fresh").runs
    tactics = {c.policy.name: parse_tactics(c.policy.tactics) for c in configs}
    table = fresh_table(runs, "policy", problem.horizon, spec.objectives, tactics)
    table = table.rename(columns={"policy": "strategy"})
    table["kind"] = table["strategy"].map(kinds)
    table["words"] = [describe(c.policy.team_size, tactics[c.policy.name]) for c in configs]
    table["trial"] = [*picked["trial"].astype(int), *([-1] * len(PRESETS))]
    table = _rank(table, spec.objectives)
    return runs, table


def _rank(table: pd.DataFrame, objectives: Sequence[str]) -> pd.DataFrame:
    """Rank the found strategies on the fresh means: the fresh front first, then the rest."""
    found = table[table["kind"] == "found"].copy()
    found["fresh_front"] = pareto_mask(found[list(objectives)].to_numpy())
    found = found.sort_values(["fresh_front", objectives[0]], ascending=[False, False])
    found["rank"] = range(1, len(found) + 1)
    presets = table[table["kind"] == "preset"].assign(fresh_front=False, rank=0)
    return pd.concat([found, presets], ignore_index=True)


def write_policies(problem: Problem, table: pd.DataFrame, params: dict, out: Path, cmd: str):
    """Write each found strategy as a policy preset ``out/policy/<name>.yaml``."""
    paths = []
    for r in table[table["kind"] == "found"].itertuples():
        cfg = problem.config(r.strategy, params[int(r.trial)])
        doc = {
            "defaults": ["policy_schema", "_self_"],
            "name": r.strategy,
            "label": f"rank {r.rank} of search {problem.space.name}, {problem.spec.group}",
            "team_size": cfg.policy.team_size,
            "tactics": _plain(cfg.policy.tactics),
        }
        head = f"# Found by: {cmd}\n# Trial {int(r.trial)}; rank {r.rank} on fresh seeds.\n"
        head += f"# {r.words}\n"
        path = out / "policy" / f"{r.strategy}.yaml"
        write_text(head + yaml.safe_dump(doc, sort_keys=False), path)
        paths.append(path)
    return paths


def _plain(value: Any) -> Any:
    """Settings as plain YAML values (floats in full: the preset must run as the trial did)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------ report


def report_markdown(
    problem: Problem,
    table: pd.DataFrame,
    trials: pd.DataFrame,
    picked: pd.DataFrame,
    cmd: str,
    seconds: float,
    out: Path,
) -> str:
    """The search's report: question, settings, front, strategies, checks."""
    spec, space = problem.spec, problem.space
    objs = ", ".join(f"{OBJECTIVES[o].label} ({OBJECTIVES[o].unit})" for o in spec.objectives)
    limits = ", ".join(f"{CONSTRAINTS[k][0]} <= {v:g} {CONSTRAINTS[k][1]}"
                       for k, v in spec.budget.items()) or "none"  # fmt: skip
    done = trials[trials["state"] == "COMPLETE"]
    feasible = int(done["feasible"].fillna(False).astype(bool).sum())
    found = table[table["kind"] == "found"]
    first = found["strategy"].iloc[0] if len(found) else "NAME"
    lines = [
        f"# Strategy search: {spec.group} groups, space `{space.name}`",
        "",
        f"Which operator strategy serves a **{spec.group}** group best on {objs}? "
        f"Space: {space.description} ({space.n_parameters()} parameters).",
        "",
        f"- command: `{cmd}`",
        f"- constraints: {limits}",
        f"- trials: {len(done)} completed ({feasible} feasible, "
        f"{len(done) - feasible} over a limit), "
        f"{int((trials['state'] == 'FAIL').sum())} failed; sampler {spec.sampler}; "
        f"horizon {problem.horizon} days",
        f"- search seeds: replicates 0-{spec.replicates - 1} of base seed {spec.seed}, the "
        "same for every trial; fresh seeds: replicates "
        f"0-{spec.fresh - 1} of base seed {fresh_seed(spec)} (disjoint, checked)",
        f"- time: {clock(seconds)} in this process (search and re-evaluation)",
        "",
        "## Verdict on fresh seeds",
        "",
        verdict(table, spec.objectives),
        "",
        "![the strategies on fresh seeds](figures/front.png)",
        "",
        f"## Strategies ({len(found)} of the front's {len(front_trials(trials, spec))}, "
        "and the presets), ranked on fresh seeds",
        "",
        strategies_markdown(table, spec.objectives, spec.budget),
        "",
        "Rank 1.. : found strategies, first those no other found strategy beats on every "
        "objective on the fresh seeds, then by the first objective. Intervals: 95%, "
        "Student t over runs; the Kaplan-Meier median's interval inverts the survival "
        'curve\'s log-log band ("> N": not reached by the horizon).',
        "",
        "## Run a found strategy",
        "",
        "Each strategy is a policy preset in `policy/`; put this folder on Hydra's search "
        "path and name it:",
        "",
        "```bash",
        " ".join(
            [f"python -m sim group={spec.group} policy={first}", *spec.overrides]
            + ([f"run.days={spec.days}"] if spec.days else [])
            + [f"'hydra.searchpath=[file://{out.resolve()}]' run.replicates=20"]
        ),
        "```",
        "",
        "## Search values and fresh values (the winner's curse)",
        "",
        shrinkage_markdown(table, trials, spec.objectives),
        "",
        "## Did the search settle?",
        "",
        convergence_markdown(trials, spec.objectives),
        "",
        "## Files",
        "",
        "`trials.parquet` (every trial: parameters as `param.*`, objectives, constraint "
        "figures, feasible), `front.parquet` (this table), `fresh_runs.parquet` (the fresh "
        f"runs), `policy/*.yaml`, `study.log` (Optuna's journal: "
        f"`optuna-dashboard {out.resolve() / STUDY_FILE}`).",
        "",
    ]
    return "\n".join(lines)


def verdict(table: pd.DataFrame, objectives: Sequence[str]) -> str:
    """Plain words: the best found strategy per objective against the best preset."""
    found = table[table["kind"] == "found"]
    presets = table[table["kind"] == "preset"]
    if found.empty:
        return "No feasible strategy was found: nothing to compare."
    parts = []
    for o in objectives:
        best = found.loc[found[o].idxmax()]
        pre = presets.loc[presets[o].idxmax()]
        beats = best[f"{o}_low"] > pre[f"{o}_high"]
        unit = OBJECTIVES[o].unit
        parts.append(
            f"On {OBJECTIVES[o].label}, the best found strategy (rank {best['rank']}, "
            f"`{best['strategy']}`) gives {best[o]:,.1f} {unit} "
            f"({best[f'{o}_low']:,.1f} to {best[f'{o}_high']:,.1f}) against the best preset, "
            f"`{pre['strategy']}`, with {pre[o]:,.1f} ({pre[f'{o}_low']:,.1f} to "
            f"{pre[f'{o}_high']:,.1f}): "
            + ("better, the intervals apart." if beats else "the intervals overlap.")
        )
    dominated = []
    for p in presets.itertuples():
        better = found[(found[list(objectives)] > [getattr(p, o) for o in objectives]).all(1)]
        dominated.append(f"`{p.strategy}` by {len(better)} of {len(found)}")
    parts.append("Presets beaten on every objective (means): " + ", ".join(dominated) + ".")
    return " ".join(parts)


def shrinkage_markdown(table: pd.DataFrame, trials: pd.DataFrame, objectives: Sequence[str]):
    """Each found strategy's search value against its fresh value, and rank agreement."""
    found = table[table["kind"] == "found"]
    by_trial = trials.set_index("trial")
    rows, corr = [], []
    for r in found.itertuples():
        row = [str(r.rank), f"`{r.strategy}`"]
        for o in objectives:
            row.append(f"{by_trial.loc[r.trial, o]:,.1f} -> {getattr(r, o):,.1f}")
        rows.append(row)
    for o in objectives:
        s = by_trial.loc[found["trial"], o].to_numpy()
        f = found[o].to_numpy()
        if len(found) >= 3 and np.std(s) > 0 and np.std(f) > 0:
            from scipy.stats import spearmanr

            corr.append(f"{o}: Spearman {spearmanr(s, f).statistic:+.2f}")
        mean_change = float(np.mean(f - s)) if len(found) else math.nan
        corr.append(f"{o}: mean change {mean_change:+,.1f} {OBJECTIVES[o].unit}")
    still = int(found["fresh_front"].sum()) if len(found) else 0
    head = ["rank", "strategy", *[f"{o}: search -> fresh" for o in objectives]]
    return (
        md_table(head, rows)
        + f"\n\nOf the {len(found)} re-evaluated front strategies, {still} are still on the "
        f"front on the fresh seeds; rank agreement search vs fresh: {'; '.join(corr)}."
    )


def convergence_markdown(trials: pd.DataFrame, objectives: Sequence[str]) -> str:
    """The best value of each objective, and the front's hypervolume, as the trials went."""
    done = trials[(trials["state"] == "COMPLETE") & trials["feasible"].fillna(False).astype(bool)]
    done = done.sort_values("trial")
    steps = convergence(done[list(objectives)].to_numpy())
    if not steps:
        return "No feasible trial."
    head = ["feasible trials", *[f"best {o} (search seeds)" for o in objectives]]
    several = len(objectives) > 1
    head += ["hypervolume of the front (scaled)"] if several else []
    rows = []
    for _, n, hv in steps:
        row = [str(n), *[f"{done[o].iloc[:n].max():,.1f}" for o in objectives]]
        rows.append(row + ([f"{hv:.3f}"] if several else []))
    text = md_table(head, rows) + (
        "\n\nBest values that stop rising over the last half of the trials suggest more "
        "trials would change the result little; values still rising at the end say the "
        "search has not settled and more trials may find better strategies."
    )
    if several:
        text += (
            " Hypervolume: the share of the objectives' box (each objective scaled from "
            "its worst to its best value over all trials) that the front dominates (exact "
            "for two objectives; NaN for three or more)."
        )
    return text


# ------------------------------------------------------------------ command line


def _help() -> str:
    return __doc__ + (
        "\nArguments (key=value):\n"
        "  group=NAME            group preset (relationship)\n"
        f"  objectives=A,B        of {', '.join(OBJECTIVES)} (lifespan,revenue)\n"
        "  search=NAME|FILE      search space (all_tactics; configs/search/)\n"
        "  trials=N              trials in all, counting finished ones (300)\n"
        "  replicates=N          search seeds per trial (10)\n"
        "  fresh=N               fresh seeds per re-evaluated strategy (30)\n"
        "  front=N               front strategies re-evaluated at most (20)\n"
        f"  sampler=NAME          {' or '.join(SAMPLERS)} (tpe)\n"
        "  seed=N                base seed of the search's runs and the sampler (0)\n"
        "  days=N                horizon (the configuration's, 730)\n"
        "  batch=N               trials asked (and run) at once (8)\n"
        "  jobs=N                processes (-1: every core)\n"
        "  out=DIR               results folder (resumes)\n"
        "  budget.packets_yuan_per_month=X, budget.operator_hours_per_day=X,\n"
        "  budget.max_selling_share=X      constraints\n"
        "  a.b=VALUE             a model setting under every strategy\n"
    )


def default_out(spec: Spec, space_text: str) -> Path:
    """The folder of a search: the same for the same search (so a rerun resumes)."""
    ident = json.dumps(spec.identity(space_text), sort_keys=True)
    tag = hashlib.sha256(ident.encode()).hexdigest()[:6]
    name = f"{spec.group}_{Path(spec.search).stem}_{'+'.join(spec.objectives)}_{tag}"
    return Path("results") / "optimize" / name


def _check_folder(out: Path, ident: dict) -> None:
    path = out / SPEC_FILE
    if path.is_file():
        old = json.loads(path.read_text())
        if old != ident:
            diff = sorted(k for k in ident if old.get(k) != ident[k])
            raise ConfigError(
                "out", str(out), f"holds another search (differs in {', '.join(diff)}); "
                "use another out= or the same settings"
            )  # fmt: skip
    else:
        write_text(json.dumps(ident, indent=2, sort_keys=True), path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run or resume a search, re-evaluate its front on fresh seeds, write the report."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        print(_help())
        return 0
    spec = parse_args(argv)
    problem = Problem.build(spec)  # every configuration error before anything runs
    space_text = space_path(spec.search).read_text()
    ident = spec.identity(space_text)
    out = spec.out or default_out(spec, space_text)
    out.mkdir(parents=True, exist_ok=True)
    _check_folder(out, ident)
    cmd = " ".join(["python -m sim optimize", *argv])
    print(f"optimize: {spec.group}, space {problem.space.name} "
          f"({problem.space.n_parameters()} parameters), objectives {', '.join(spec.objectives)};"
          f" {spec.trials} trials x {spec.replicates} seeds x {problem.horizon} days -> {out}",
          file=sys.stderr, flush=True)  # fmt: skip
    start = time.monotonic()
    study = run_study(spec, problem.space, model_evaluator(problem, out), out)
    trials = trials_table(study, spec)
    write_parquet(trials, out / "trials.parquet")
    running = int((trials["state"] == "RUNNING").sum())
    if running:
        print(f"optimize: {running} trials are still running in other workers; the last "
              "worker writes the report (or run this command again when they end)")  # fmt: skip
        return 0
    return finish(problem, study, trials, out, cmd, start)


def finish(problem: Problem, study, trials: pd.DataFrame, out: Path, cmd: str, start: float) -> int:
    """Re-evaluate the front on fresh seeds; write the tables, policies, figure, report.

    ``start``: when this process started (``time.monotonic``), for the report's time.
    """
    spec = problem.spec
    front = front_trials(trials, spec)
    if front.empty:
        print("optimize: no feasible strategy among the trials; see trials.parquet")
        write_text(f"# Strategy search\n\nNo feasible strategy in {len(trials)} trials.\n",
                   out / "report.md")  # fmt: skip
        return 0
    picked = spread(front, spec.front)
    params = {t.number: dict(t.params) for t in study.get_trials(deepcopy=False)}
    runs, table = reevaluate(problem, picked, params, out)
    write_parquet(runs, out / "fresh_runs.parquet")
    write_parquet(table, out / "front.parquet")
    write_policies(problem, table, params, out, cmd)
    front_figure(table, spec.objectives, out / "figures" / "front.png", problem.horizon)
    seconds = time.monotonic() - start
    write_text(
        report_markdown(problem, table, trials, picked, cmd, seconds, out), out / "report.md"
    )
    show = ["rank", "strategy", *spec.objectives, "km_median"]
    print(table[show].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    print(f"\nreport: {out / 'report.md'}\npolicies: {out / 'policy'}/ (policy=NAME with "
          f"'hydra.searchpath=[file://{out.resolve()}]')")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
