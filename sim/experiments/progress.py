"""A sweep's progress and failures: each job leaves a small record; a display counts them.

Jobs run in this process, in joblib workers or on a SLURM cluster sharing the folder, so
progress goes through files: each job writes ``<sweep dir>/.progress/<job>.json``
(:func:`mark_done`), and :class:`Progress` counts the records and prints a line.

A job that fails leaves its traceback in ``<point folder>/error.txt``
(:func:`record_error`) and its one-line error in its record; at the end of the sweep
:func:`write_failures` lists the failed points, one line each, in
``<sweep dir>/failures.txt``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TextIO

from sim.records.io import write_text

PROGRESS_DIR = ".progress"
ERROR_FILE = "error.txt"  # in a point folder: the traceback of its last failure
FAILURES_FILE = "failures.txt"  # in a sweep folder: one line per failed point
# the sweep's main process, set there for its workers (sim.experiments.parallel.launcher_id)
SWEEP_ENV = "GROUPSIM_SWEEP_LAUNCHER"


def mark_done(
    sweep_dir: Path,
    job: str,
    status: str,
    out: str,
    seconds: float,
    error: str | None = None,
    overrides: list[str] | None = None,
) -> None:
    """Record that a job finished (``ran``, ``resumed`` or ``failed``): one small file.

    Written by each job (in whatever process or machine runs it) into
    ``<sweep dir>/.progress/``, where ``Progress`` counts them. A failed job's record
    also holds its error (one line) and its overrides.
    """
    record = {"status": status, "dir": out, "seconds": seconds}
    if error is not None:
        record |= {"error": error, "overrides": list(overrides or [])}
    write_text(json.dumps(record), Path(sweep_dir) / PROGRESS_DIR / f"{job}.json")


def error_line(err: BaseException) -> str:
    """``<type>: <message>`` on one line."""
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def record_error(out: Path, err: BaseException) -> str:
    """Write ``err``'s traceback to ``out/error.txt``; return its one-line description."""
    text = "".join(traceback.format_exception(err))
    write_text(text, Path(out) / ERROR_FILE)
    return error_line(err)


def clear_error(out: Path) -> None:
    """Remove a point's ``error.txt`` (the point has now finished)."""
    (Path(out) / ERROR_FILE).unlink(missing_ok=True)


def failure_line(mark: dict) -> str:
    """One failed point: its overrides, its error and where the traceback is."""
    point = " ".join(mark.get("overrides") or []) or Path(mark["dir"]).name
    where = Path(mark["dir"]) / ERROR_FILE
    trace = f" (traceback: {where})" if where.exists() else ""
    return f"failed point: {point}: {mark.get('error', 'unknown error')}{trace}"


def write_failures(sweep_dir: Path, marks: list[dict]) -> list[str]:
    """List the failed jobs among ``marks`` in ``<sweep dir>/failures.txt``.

    The file is removed when nothing failed, so it always describes the last sweep.

    Returns:
        The lines written (one per failed point).
    """
    path = Path(sweep_dir) / FAILURES_FILE
    lines = [failure_line(m) for m in marks if m.get("status") == "failed"]
    if lines:
        write_text("\n".join(lines) + "\n", path)
    else:
        path.unlink(missing_ok=True)
    return lines


def read_marks(sweep_dir: Path) -> list[dict]:
    """The jobs recorded by ``mark_done`` so far."""
    marks = []
    for f in sorted((Path(sweep_dir) / PROGRESS_DIR).glob("*.json")):
        try:
            marks.append(json.loads(f.read_text()))
        except (OSError, ValueError):
            continue  # being replaced right now; counted on the next look
    return marks


def clock(seconds: float) -> str:
    """``h:mm:ss``."""
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Prints ``points done / total, elapsed, estimate left`` while a sweep runs.

    It watches the jobs' completion records on disk (``mark_done``), so it works the
    same whether jobs run in this process, in joblib workers, or on a SLURM cluster
    sharing the folder. A background thread looks every ``interval`` seconds and prints
    a line to ``stream`` when the count changed (and at least every ``heartbeat``
    seconds). The estimate assumes the points still to run take as long as the ones run
    so far; points found finished (resumed) take no time.
    """

    def __init__(
        self,
        sweep_dir: Path,
        total: int | None,
        to_resume: int = 0,
        stream: TextIO | None = None,
        interval: float = 1.0,
        heartbeat: float = 60.0,
    ):
        self.sweep_dir = Path(sweep_dir)
        self.total, self.to_resume = total, to_resume
        self.stream = stream or sys.stderr
        self.interval, self.heartbeat = interval, heartbeat
        self.start = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="sweep-progress", daemon=True)

    def reset(self) -> None:
        """Forget the records of an earlier sweep into the same folder."""
        folder = self.sweep_dir / PROGRESS_DIR
        for f in folder.glob("*.json"):
            f.unlink(missing_ok=True)

    def line(self, final: bool = False) -> str:
        """The progress line for the records on disk now."""
        marks = read_marks(self.sweep_dir)
        done = len(marks)
        ran = sum(m["status"] == "ran" for m in marks)
        resumed = sum(m["status"] == "resumed" for m in marks)
        failed = sum(m["status"] == "failed" for m in marks)
        elapsed = time.monotonic() - self.start
        what = f"{resumed} resumed" + (f", {failed} failed" if failed else "")
        if final:
            total = f"/{self.total}" if self.total is not None else ""
            return f"sweep: {done}{total} points done ({ran} run, {what}) in {clock(elapsed)}"
        head = f"sweep: {done}/{self.total}" if self.total is not None else f"sweep: {done}"
        text = f"{head} points done ({what}) | elapsed {clock(elapsed)}"
        if self.total is not None and done < self.total:
            to_run = max(self.total - done - max(self.to_resume - resumed, 0), 0)
            if ran:
                text += f" | about {clock(elapsed / ran * to_run)} left"
            elif to_run:
                text += " | estimate after the first point"
        return text

    def _watch(self) -> None:
        last, last_time = None, time.monotonic()
        while not self._stop.wait(self.interval):
            count = len(list((self.sweep_dir / PROGRESS_DIR).glob("*.json")))
            if count != last or time.monotonic() - last_time >= self.heartbeat:
                if count or last is not None:
                    print(self.line(), file=self.stream, flush=True)
                last, last_time = count, time.monotonic()

    def begin(self) -> None:
        """Print the plan and start watching."""
        if self.total is not None:
            todo = self.total - self.to_resume
            print(
                f"sweep: {self.total} points into {self.sweep_dir} "
                f"({self.to_resume} already finished, {todo} to run)",
                file=self.stream,
                flush=True,
            )
        self._thread.start()

    def end(self) -> None:
        """Stop watching and print the final line."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        print(self.line(final=True), file=self.stream, flush=True)
