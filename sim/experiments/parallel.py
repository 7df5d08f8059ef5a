"""The one parallel runner: many independent runs on all cores, results in task order.

The validation battery, the calibration search and (later) sensitivity analysis and
strategy search all hand their runs to :func:`run_parallel`. A task is any picklable
value; ``fn`` must be a module-level function (joblib sends it to worker processes).
Tasks start in order of decreasing ``cost`` (the longest first, so the last ones to
finish are short), but results come back in the order of ``tasks``, so the output never
depends on how many processes ran or which finished first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any


def available_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _indexed(fn: Callable[[Any], Any], i: int, task: Any) -> tuple[int, Any]:
    return i, fn(task)


def run_parallel(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    jobs: int | None = None,
    cost: Callable[[Any], float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[fn(t) for t in tasks]``, computed in ``jobs`` processes.

    Args:
        fn: a module-level function of one task.
        tasks: the tasks.
        jobs: processes; None or -1 = every available core, 1 = this process.
        cost: a task's expected cost; costlier tasks start first.
        progress: called with (tasks done, tasks in all) after each task.

    Returns:
        The results, in the order of ``tasks``.
    """
    jobs = available_cores() if jobs is None or jobs == -1 else jobs
    if jobs < 1:
        raise ValueError(f"jobs={jobs} is not allowed: must be a positive number or -1")
    order = list(range(len(tasks)))
    if cost is not None:
        order.sort(key=lambda i: -cost(tasks[i]))
    if jobs == 1 or len(tasks) <= 1:
        done = ((i, fn(tasks[i])) for i in order)
    else:
        from joblib import Parallel, delayed

        done = Parallel(n_jobs=jobs, return_as="generator_unordered", batch_size="auto")(
            delayed(_indexed)(fn, i, tasks[i]) for i in order
        )
    results: list[Any] = [None] * len(tasks)
    for n, (i, result) in enumerate(done, start=1):
        results[i] = result
        if progress:
            progress(n, len(tasks))
    return results
