"""The one parallel runner: many independent runs on all cores, or as submitit jobs.

The batch evaluator (``sim.experiments.batch``) hands every run to :func:`imap_parallel`
(joblib on this machine's cores) or :func:`imap_submitit` (a SLURM job array, or local
processes); the validation battery, the calibration, sensitivity analysis, verdicts over
worlds and strategy search all run through that evaluator. A task is any picklable
value; ``fn`` must be a module-level function (joblib sends it to worker processes).
Tasks start in order of decreasing ``cost`` (the longest first, so the last ones to
finish are short); each result comes with its task's index, so callers put results in
task order and the output never depends on how many processes ran or which finished first.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WATCHED: set[str] = set()  # the launching processes this worker already watches


def available_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def launcher_id() -> str:
    """``<host>:<pid>`` of this process, for :func:`exit_with_launcher` in its workers."""
    return f"{socket.gethostname()}:{os.getpid()}"


def exit_with_launcher(launcher: str, interval: float = 0.5) -> bool:
    """In a worker process: end this process as soon as the one that launched it is gone.

    Joblib's (loky) workers, and submitit's local jobs, are child processes of the
    process that launched them; when that one is killed (``kill -9``, a closed terminal)
    nothing tells them, and they would go on taking queued work and writing results for
    minutes. A daemon thread started here checks every ``interval`` seconds whether this
    process's parent is still ``launcher`` and exits at once (``os._exit``) when it is
    not: every file is written atomically (``sim.records.io``), so what was finished
    stays whole and what was not is simply missing.

    Nothing is watched in the launcher itself, or where the launcher is not the parent
    (a job on another machine, e.g. a SLURM task, which is meant to outlive it).

    Args:
        launcher: :func:`launcher_id` of the launching process.
        interval: seconds between checks.

    Returns:
        True when this process is (now or already) watching ``launcher``.
    """
    host, _, pid = launcher.rpartition(":")
    if launcher in _WATCHED:
        return True
    if host != socket.gethostname() or not pid.isdigit() or os.getppid() != int(pid):
        return False
    parent = int(pid)

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            if os.getppid() != parent:  # orphaned: re-parented to init or a subreaper
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-launcher", daemon=True).start()
    _WATCHED.add(launcher)
    return True


def _indexed(fn: Callable[[Any], Any], i: int, task: Any, launcher: str) -> tuple[int, Any]:
    exit_with_launcher(launcher)
    return i, fn(task)


def imap_parallel(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    jobs: int | None = None,
    cost: Callable[[Any], float] | None = None,
) -> Iterator[tuple[int, Any]]:
    """``(i, fn(tasks[i]))`` for every task, computed in ``jobs`` processes, as they finish.

    For callers that keep each result as it arrives (the batch evaluator writes them to
    disk, so an interrupt loses nothing finished).

    Args:
        fn: a module-level function of one task.
        tasks: the tasks.
        jobs: processes; None or -1 = every available core, 1 = this process.
        cost: a task's expected cost; costlier tasks start first.

    Yields:
        (index of the task, its result), in the order they finish.
    """
    jobs = available_cores() if jobs is None or jobs == -1 else jobs
    if jobs < 1:
        raise ValueError(f"jobs={jobs} is not allowed: must be a positive number or -1")
    order = list(range(len(tasks)))
    if cost is not None:
        order.sort(key=lambda i: -cost(tasks[i]))
    if jobs == 1 or len(tasks) <= 1:
        yield from ((i, fn(tasks[i])) for i in order)
        return
    from joblib import Parallel, delayed

    me = launcher_id()
    yield from Parallel(n_jobs=jobs, return_as="generator_unordered", batch_size="auto")(
        delayed(_indexed)(fn, i, tasks[i], me) for i in order
    )


@dataclass(frozen=True)
class TaskFailed:
    """What a task gives when its submitit job ended without results.

    The job was cancelled, timed out, or its process died; ``error`` says how (one line).
    """

    error: str


def _run_chunk(fn: Callable[[Any], Any], chunk: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    return [(i, fn(task)) for i, task in chunk]


JOB_NAME = "groupsim"  # the SLURM job name of the evaluator's arrays (scancel --name=...)
SLURM_POLL_ENV = "GROUPSIM_SLURM_POLL_SECONDS"  # how often to ask SLURM for job states
SLURM_POLL_SECONDS = 60.0


def poll_slurm_every(seconds: float | None = None) -> float:
    """Make submitit ask SLURM for job states at least every ``seconds``.

    submitit checks a job's result file every second but asks SLURM (``sacct``) for its
    state with a back-off that grows to 10 minutes, so a job cancelled (``scancel``),
    timed out or killed goes unnoticed for up to 10 minutes while the sweep waits for
    it. groupsim caps the back-off at ``SLURM_POLL_SECONDS`` (or
    ``$GROUPSIM_SLURM_POLL_SECONDS``): one ``sacct`` call a minute is nothing for a
    cluster. Call it before jobs are submitted (the sweep callback and
    :func:`imap_submitit` do).

    Returns:
        The interval now in force.
    """
    from submitit.slurm.slurm import SlurmInfoWatcher, SlurmJob

    if seconds is None:
        seconds = float(os.environ.get(SLURM_POLL_ENV) or SLURM_POLL_SECONDS)
    if getattr(SlurmJob.watcher, "_delay_s", None) != seconds:  # submitit's own attribute
        SlurmJob.watcher = SlurmInfoWatcher(delay_s=seconds)
    return seconds


def imap_submitit(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    folder: Path | str,
    cluster: str = "slurm",
    per_job: int = 50,
    **params: Any,
) -> Iterator[tuple[int, Any]]:
    """:func:`imap_parallel` through submitit: ``per_job`` tasks per job, jobs as they end.

    With ``cluster="slurm"`` the jobs are a SLURM job array (``params`` are submitit's
    ``slurm_*`` settings without the prefix, e.g. ``partition``, ``timeout_min``,
    ``array_parallelism``); with ``"local"`` they are local processes, the same code
    path without a cluster. Jobs' logs and pickles go to ``folder``. An interrupt
    cancels the jobs not yet finished (on SLURM, ``scancel``).

    Yields:
        (index of the task, its result), job by job in the order the jobs finish; a job
        that ends without results (cancelled, timed out, killed) yields a
        :class:`TaskFailed` for each of its tasks, and the other jobs go on.
    """
    if not tasks:
        return
    import submitit

    if cluster == "slurm":
        poll_slurm_every()
    executor = submitit.AutoExecutor(folder=folder, cluster=cluster)
    executor.update_parameters(**({"name": JOB_NAME} | params))
    chunks = [
        [(i, tasks[i]) for i in range(k, min(k + per_job, len(tasks)))]
        for k in range(0, len(tasks), per_job)
    ]
    with executor.batch():  # one array submission
        jobs = [executor.submit(_run_chunk, fn, chunk) for chunk in chunks]
    chunk_of = {id(job): chunk for job, chunk in zip(jobs, chunks, strict=True)}
    try:
        for job in submitit.helpers.as_completed(jobs):
            try:
                results = job.result()
            except Exception as err:  # noqa: BLE001 - any way a job ends without results
                why = " ".join(str(err).split())[:300] or type(err).__name__
                why = f"job {job.job_id} {type(err).__name__}: {why}"
                results = [(i, TaskFailed(why)) for i, _ in chunk_of[id(job)]]
            yield from results
    finally:
        for job in jobs:
            if not job.done():
                job.cancel(check=False)
