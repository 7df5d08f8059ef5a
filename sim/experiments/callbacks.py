"""Hydra callback for sweeps: check every point first, show progress, collect the tables.

Registered in ``configs/config.yaml`` (``hydra.callbacks.sweep``). In a multirun:

- ``on_multirun_start`` (main process) lists the sweep's points the way Hydra's basic
  sweeper will, composes and validates each one, so a bad value anywhere stops the
  sweep before anything runs, counts the points already finished in the folder, and
  starts the progress display (``sim.experiments.progress.Progress``).
- ``on_job_end`` (in whichever process runs the job: joblib worker, submitit job)
  records the job's completion as a small file in ``<sweep dir>/.progress/``; a failed
  job's record holds its overrides and its error.
- ``on_multirun_end`` (main process) stops the display and writes ``runs.parquet`` and
  ``daily.parquet`` from the point folders on disk. Hydra does not hand the jobs' return
  values to callbacks when jobs run in other processes, so everything goes via files.
  Failed points are listed, one line each, on standard error and in
  ``<sweep dir>/failures.txt``, and the command exits with code 1; the tables hold
  every point that finished.

Nothing of this is kept on the callback object: Hydra pickles it into every job.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobReturn, JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config.compose import COMPOSE_ERRORS, one_line, to_sim_config
from sim.experiments.parallel import launcher_id, poll_slurm_every
from sim.experiments.progress import (
    FAILURES_FILE,
    SWEEP_ENV,
    Progress,
    error_line,
    mark_done,
    read_marks,
    write_failures,
)
from sim.experiments.sweep import NoResultsError, collect, format_points, point_dirs
from sim.model import check_config
from sim.records.points import point_id, read_point

_ACTIVE: dict[str, Progress] = {}  # the running sweep's display (main process only)


def sweep_jobs(config: DictConfig) -> list[list[str]] | None:
    """Each job's overrides, as the basic sweeper will make them (None for other sweepers)."""
    target = str(OmegaConf.select(config, "hydra.sweeper._target_", default=""))
    if not target.endswith(".BasicSweeper"):
        return None
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = OmegaConf.select(config, "hydra.sweeper.params")
    params = OmegaConf.to_container(params, resolve=False) if params is not None else {}
    args = [f"{k}={v}" for k, v in params.items()]
    args += list(OmegaConf.to_container(config.hydra.overrides.task, resolve=False))
    parser = OverridesParser.create(config_loader=GlobalHydra.instance().config_loader())
    (batch,) = BasicSweeper.split_arguments(parser.parse_overrides(args), None)
    return batch


def check_jobs(config: DictConfig, jobs: list[list[str]]) -> int:
    """Compose and validate every job's config; count those already finished on disk.

    Returns:
        The number of points whose folder already holds every replicate of the same
        point id (they will be resumed, not run).

    Raises:
        SystemExit: a job's configuration is not allowed; the message is one line naming
            the field, the value, what is allowed and the sweep point. (Hydra turns a
            callback's exceptions into warnings, so this exits instead.)
    """
    loader = GlobalHydra.instance().config_loader()
    hydra_cfg = HydraConfig.instance().cfg
    finished = 0
    try:
        for overrides in jobs:
            try:
                job_cfg = loader.load_sweep_config(config, list(overrides))
                sim_cfg = check_config(to_sim_config(job_cfg))
            except COMPOSE_ERRORS as err:
                point = " ".join(overrides)
                raise SystemExit(f"config error: {one_line(err)} (sweep point: {point})") from None
            HydraConfig.instance().set_config(job_cfg)  # to resolve ${hydra:job...}
            out = Path(str(job_cfg.hydra.sweep.dir)) / str(job_cfg.hydra.sweep.subdir)
            if not (out / "summary.parquet").exists():
                continue
            try:
                _, summary, point = read_point(out)
            except ValueError:
                continue
            wanted = set(range(sim_cfg.run.replicates))
            if point == point_id(sim_cfg) and wanted <= set(summary["replicate"]):
                finished += 1
    finally:
        HydraConfig.instance().cfg = hydra_cfg
    return finished


class SweepCallback(Callback):
    """Progress display, completion records and the runs/daily tables of a sweep."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:  # noqa: D102
        start = time.monotonic()
        os.environ[SWEEP_ENV] = launcher_id()  # workers end when this process is gone
        if "SlurmLauncher" in str(config.hydra.launcher.get("_target_", "")):
            poll_slurm_every()  # notice cancelled or killed jobs within a minute
        jobs = sweep_jobs(config)
        finished = check_jobs(config, jobs) if jobs is not None else 0
        progress = Progress(
            Path(str(config.hydra.sweep.dir)), None if jobs is None else len(jobs), finished
        )
        progress.start = start
        progress.reset()
        _ACTIVE["progress"] = progress
        progress.begin()

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:  # noqa: D102
        self._job_start = time.monotonic()

    def on_job_end(  # noqa: D102
        self, config: DictConfig, job_return: JobReturn, **kwargs: Any
    ) -> None:
        if config.hydra.mode != RunMode.MULTIRUN:
            return
        value, error = job_return._return_value, None  # .return_value re-raises a failure
        if job_return.status != JobStatus.COMPLETED:
            status = "failed"
            error = error_line(value) if isinstance(value, BaseException) else "unknown error"
        elif isinstance(value, dict) and value.get("error"):
            status, error = "failed", str(value["error"])
        else:
            ran = value.get("ran", 1) if isinstance(value, dict) else 1
            status = "ran" if ran else "resumed"
        seconds = time.monotonic() - getattr(self, "_job_start", time.monotonic())
        mark_done(
            Path(str(config.hydra.sweep.dir)),
            str(config.hydra.job.num),
            status,
            str(config.hydra.runtime.output_dir),
            seconds,
            error=error if status == "failed" else None,
            overrides=list(config.hydra.overrides.task),
        )

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:  # noqa: D102
        progress = _ACTIVE.pop("progress", None)
        if progress is not None:
            progress.end()
        root = Path(str(config.hydra.sweep.dir))
        marks = read_marks(root)
        failed = write_failures(root, marks)
        try:
            runs, points = collect(root)
        except NoResultsError as err:  # Hydra would turn an exception into a warning
            if failed:
                print("\n".join(failed), file=sys.stderr)
                raise SystemExit(
                    f"sweep: every point failed ({len(failed)}; listed in "
                    f"{root / FAILURES_FILE}); no tables written"
                ) from None
            raise SystemExit(f"report error: {err}") from None
        print(format_points(runs))
        n_points = len(points)
        print(
            f"tables written: {root / 'runs.parquet'} ({len(runs)} runs of {n_points} "
            f"points) and {root / 'daily.parquet'}"
        )
        if progress is not None:
            ours = {Path(m["dir"]).resolve() for m in marks}
            stale = [p for p in point_dirs(root) if p.resolve() not in ours]
            if stale:
                print(
                    f"note: {len(stale)} point folder(s) in {root} are not part of this "
                    "sweep and are included in the tables (delete them to drop them): "
                    + ", ".join(p.name for p in stale[:5])
                    + (" ..." if len(stale) > 5 else ""),
                    file=sys.stderr,
                )
        if failed:
            print("\n".join(failed), file=sys.stderr)
            raise SystemExit(
                f"sweep: {len(failed)} of {len(marks)} points failed (listed in "
                f"{root / FAILURES_FILE}); the tables hold the {n_points} points that "
                "finished; run the same command again to retry the failed ones"
            )
