"""A whole study end to end from the command line: wall time, memory, size of the tables.

Usage::

    .venv/bin/python benchmarks/study.py                  # 3 rounds of the full study
    .venv/bin/python benchmarks/study.py --rounds 5 --json results/bench/study.json
    .venv/bin/python benchmarks/study.py --points 10 --replicates 4 --days 90   # scaled down
    .venv/bin/python benchmarks/study.py --smoke          # CI: 1 round, 2 points x 2 x 3 days

Each round launches, as a subprocess in a fresh output folder (a sweep into a folder that
already holds its points would resume them and do no work)::

    python -m sim -m experiment=speed_study hydra.sweep.dir=<round folder>/sweep \\
        hydra.launcher.n_jobs=2 [scaled-down overrides]

``configs/experiment/speed_study.yaml`` is 50 strategy points (10 operator reply shares x 5
rates of useful posts) x 20 replicate seeds of a 100-member relationship group under
``feelings`` for 365 days: 1,000 group-years. The sweep runs on the joblib launcher with
``--jobs`` workers (default 2) and ends by writing ``runs.parquet`` and ``daily.parquet``.

Measured per round: wall time from launch to exit of the command (start-up, config
checks, all runs, the tables); peak resident memory of the whole process tree (every
~0.1 s the RSS of the command and all its descendants is read from ``/proc`` and summed;
shared pages count once per process, so the sum is an upper bound) and the largest RSS
of any single process (the polled figure or the kernel's high-water mark from ``wait4``,
whichever is larger); size on disk of ``daily.parquet`` and ``runs.parquet``. Row counts
are checked: runs = points x replicates, daily rows = sum of ``days_run``. The table gives
each round, then the median and range next to each bar (60 s, 2 GiB, 100 MB; the bars
apply to the full study only).

Before the rounds, one untimed one-day run in a separate process loads the model's
compiled-code cache (or compiles it, after an install), as any earlier run would have.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import yaml
from speed import write_json  # benchmarks/speed.py

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENT = "speed_study"
EXPERIMENT_FILE = ROOT / "configs" / "experiment" / f"{EXPERIMENT}.yaml"
PAGE = os.sysconf("SC_PAGE_SIZE")
MiB = 2**20
MB = 10**6

# the bars of issue 5, for the full study
BAR_WALL_S = 60.0
BAR_RSS_BYTES = 2 * 2**30
BAR_TABLES_BYTES = 100 * MB

# an untimed one-day run of the study's model, to load (or build) the compiled-code cache
WARMUP_CODE = """
from sim.config.compose import compose
from sim.model import GroupModel
GroupModel(compose(["experiment=speed_study", "run.days=1"]), seed=0).run()
"""


# ---------------------------------------------------------------- the study's grid


def study_grid() -> tuple[dict[str, list[str]], int, int]:
    """The swept settings of ``speed_study.yaml`` and its replicates and days.

    Returns:
        ``({dotted setting: [values as written]}, replicates, days)``.
    """
    spec = yaml.safe_load(EXPERIMENT_FILE.read_text())
    params = spec["hydra"]["sweeper"]["params"]
    grid = {k: [v.strip() for v in str(vals).split(",")] for k, vals in params.items()}
    return grid, int(spec["run"]["replicates"]), int(spec["run"]["days"])


def _spread(values: list[str], k: int) -> list[str]:
    """``k`` of ``values`` spread evenly from first to last (the middle one if ``k`` is 1)."""
    if k == 1:
        return [values[(len(values) - 1) // 2]]
    n = len(values)
    return [values[round(i * (n - 1) / (k - 1))] for i in range(k)]


def scaled_grid(grid: dict[str, list[str]], points: int) -> dict[str, list[str]]:
    """A sub-grid of ``grid`` with exactly ``points`` points, values spread over each axis.

    Each axis in turn takes the largest divisor of the points still to place that it
    has values for (50 of a 10 x 5 grid: 10 x 5; 20: 10 x 2; 6: 6 x 1).

    Raises:
        ValueError: ``points`` cannot be written as such a product.
    """
    left, sub = points, {}
    for key, values in grid.items():
        k = max(d for d in range(1, min(len(values), left) + 1) if left % d == 0)
        sub[key] = _spread(values, k)
        left //= k
    if left != 1:
        sizes = " x ".join(str(len(v)) for v in grid.values())
        raise ValueError(f"--points {points} is not a sub-grid of the study's {sizes} grid")
    return sub


# ---------------------------------------------------------------- memory of a process tree


def _children() -> dict[int, list[int]]:
    """Every process's children, from ``/proc/<pid>/stat``."""
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # gone meanwhile
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_rss(root: int) -> tuple[int, int, int]:
    """Resident memory of ``root`` and all its descendants, now.

    Returns:
        ``(sum of RSS in bytes, largest single RSS in bytes, number of processes)``.
    """
    kids = _children()
    todo, total, largest, count = [root], 0, 0, 0
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                rss = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        total, largest, count = total + rss, max(largest, rss), count + 1
    return total, largest, count


def run_polled(cmd: list[str], log_dir: Path, interval: float = 0.1) -> dict:
    """Run ``cmd`` from the repository root, polling its process tree's memory.

    Standard output and error go to ``log_dir/stdout.log`` and ``log_dir/stderr.log``.

    Returns:
        ``wall_s``, ``returncode``, ``peak_tree_rss`` (bytes), ``peak_proc_rss`` (bytes,
        max of the polled figure and the kernel's high-water mark of the command and the
        descendants it waited for), ``max_procs`` and ``samples``.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "stdout.log", "wb") as out, open(log_dir / "stderr.log", "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        peak_tree = peak_proc = max_procs = samples = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - t0
                break
            total, largest, count = tree_rss(proc.pid)
            peak_tree, peak_proc = max(peak_tree, total), max(peak_proc, largest)
            max_procs, samples = max(max_procs, count), samples + 1
            time.sleep(interval)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return {
        "wall_s": wall,
        "returncode": proc.returncode,
        "peak_tree_rss": peak_tree,
        "peak_proc_rss": max(peak_proc, usage.ru_maxrss * 1024),  # ru_maxrss is in KiB
        "max_procs": max_procs,
        "samples": samples,
    }


# ---------------------------------------------------------------- one round


def check_tables(sweep: Path, runs_expected: int) -> dict:
    """Sizes and row counts of the sweep's ``runs.parquet`` and ``daily.parquet``."""
    runs_path, daily_path = sweep / "runs.parquet", sweep / "daily.parquet"
    if not (runs_path.exists() and daily_path.exists()):
        return {"tables": False, "rows_ok": False}
    runs = pq.read_table(runs_path, columns=["days_run", "censored"]).to_pydict()
    daily_rows = pq.ParquetFile(daily_path).metadata.num_rows
    days_total = sum(runs["days_run"])
    n_runs = len(runs["days_run"])
    return {
        "tables": True,
        "runs_bytes": runs_path.stat().st_size,
        "daily_bytes": daily_path.stat().st_size,
        "runs_rows": n_runs,
        "daily_rows": daily_rows,
        "days_run_total": days_total,
        "alive_at_end": sum(bool(c) for c in runs["censored"]),
        "rows_ok": n_runs == runs_expected and daily_rows == days_total,
    }


def one_round(cmd: list[str], folder: Path, runs_expected: int) -> dict:
    """Launch the sweep into ``folder/sweep`` (must not exist) and measure it."""
    sweep = folder / "sweep"
    if sweep.exists():
        raise SystemExit(f"{sweep} exists; each round needs a fresh folder")
    load = os.getloadavg()[0]
    res = run_polled([*cmd, f"hydra.sweep.dir={sweep}"], folder)
    res["load_before"] = load
    res["folder"] = str(folder)
    res.update(check_tables(sweep, runs_expected))
    if res["tables"]:
        res["tables_bytes"] = res["runs_bytes"] + res["daily_bytes"]
    return res


def _shown(path: str) -> str:
    """``path`` relative to the repository if it is inside it (``.venv/bin/python``)."""
    p = Path(path)
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else path


def nproc() -> int:
    """What ``nproc`` prints (CPUs this process may use)."""
    try:
        return int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    except (OSError, ValueError):
        return len(os.sched_getaffinity(0))


# ---------------------------------------------------------------- report


def _stat(rounds: list[dict], key: str) -> dict:
    vals = [r[key] for r in rounds]
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}


def summarise(rounds: list[dict], full: bool) -> dict:
    """Median and range of each measure, and whether each bar is met (full study only)."""
    s = {k: _stat(rounds, k) for k in ("wall_s", "peak_tree_rss", "peak_proc_rss")}
    for k in ("tables_bytes", "daily_bytes", "runs_bytes"):
        s[k] = _stat(rounds, k)
    bars = {"wall_s": BAR_WALL_S, "peak_tree_rss": BAR_RSS_BYTES, "tables_bytes": BAR_TABLES_BYTES}
    s["bars"] = {
        k: {"bar": bar, "met": (s[k]["median"] <= bar) if full else None} for k, bar in bars.items()
    }
    s["rows_ok"] = all(r["rows_ok"] for r in rounds)
    return s


def print_report(setup: dict, rounds: list[dict], s: dict) -> None:
    """The per-round table, then medians and ranges next to the bars."""
    print(
        f"{'round':>5} {'load':>5} {'wall s':>7} {'tree RSS MiB':>12} {'max proc MiB':>12} "
        f"{'procs':>5} {'daily MB':>8} {'runs MB':>7} {'runs':>6} {'daily rows':>10} "
        f"{'rows':>4}"
    )
    for i, r in enumerate(rounds):
        print(
            f"{i:>5} {r['load_before']:>5.2f} {r['wall_s']:>7.1f} "
            f"{r['peak_tree_rss'] / MiB:>12,.0f} {r['peak_proc_rss'] / MiB:>12,.0f} "
            f"{r['max_procs']:>5} {r['daily_bytes'] / MB:>8.2f} {r['runs_bytes'] / MB:>7.2f} "
            f"{r['runs_rows']:>6} {r['daily_rows']:>10,} {'ok' if r['rows_ok'] else 'BAD':>4}"
        )
    full = setup["full"]
    print()
    print(
        f"{'measure':<34} {'median':>9} {'range':>19}   {'bar':<9} "
        f"{'met' if full else '(bars: full study only)'}"
    )

    def line(label: str, key: str, scale: float, fmt: str, bar_text: str = "") -> None:
        m, lo, hi = s[key]["median"] / scale, s[key]["min"] / scale, s[key]["max"] / scale
        bar = s["bars"].get(key)
        verdict = "" if bar is None or bar["met"] is None else ("yes" if bar["met"] else "NO")
        rng = f"{lo:{fmt}}-{hi:{fmt}}"
        print(f"{label:<34} {m:>9{fmt}} {rng:>19}   {bar_text:<9} {verdict}")

    line("wall time (s)", "wall_s", 1, ".1f", "<= 60 s")
    line("peak RSS, process tree (MiB)", "peak_tree_rss", MiB, ",.0f", "<= 2 GiB")
    line("peak RSS, largest process (MiB)", "peak_proc_rss", MiB, ",.0f")
    line("daily.parquet + runs.parquet (MB)", "tables_bytes", MB, ".2f", "<= 100 MB")
    line("  daily.parquet (MB)", "daily_bytes", MB, ".2f")
    line("  runs.parquet (MB)", "runs_bytes", MB, ".2f")
    group_years = setup["group_years"]
    print(
        f"row counts: {'ok' if s['rows_ok'] else 'NOT OK'} (runs = {setup['runs']} = points x "
        f"replicates; daily rows = sum of days_run); {group_years:,.2f} group-years, "
        f"{group_years / s['wall_s']['median']:.2f} group-years/s of wall time; "
        f"groups alive at the end: {rounds[-1]['alive_at_end']}/{rounds[-1]['runs_rows']} "
        "(last round)"
    )


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; returns what ``--json`` writes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--points", type=int, help="strategy points (default: all 50)")
    ap.add_argument("--replicates", type=int, help="replicates per point (default 20)")
    ap.add_argument("--days", type=int, help="days per run (default 365)")
    ap.add_argument("--jobs", type=int, default=2, help="joblib workers (default 2)")
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "results" / "bench" / "study",
        help="rounds go to a new OUT/<time>-<random>/round-<i>/ (default results/bench/study)",
    )
    ap.add_argument("--keep", action="store_true", help="keep every round's folder (default: last)")
    ap.add_argument("--no-warmup", action="store_true", help="skip the untimed one-day warm-up")
    ap.add_argument("--smoke", action="store_true", help="tiny: 1 round, 2 points x 2 x 3 days")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    for name in ("rounds", "points", "replicates", "days", "jobs"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            ap.error(f"--{name} must be at least 1")
    if args.smoke:
        args.rounds, args.points, args.replicates, args.days = 1, 2, 2, 3

    grid, replicates, days = study_grid()
    full_points = math.prod(len(v) for v in grid.values())
    overrides = []
    if args.points is not None and args.points != full_points:
        try:
            grid = scaled_grid(grid, args.points)
        except ValueError as err:
            ap.error(str(err))
        overrides += [f"{k}={','.join(v)}" for k, v in grid.items()]
    if args.replicates is not None and args.replicates != replicates:
        replicates = args.replicates
        overrides.append(f"run.replicates={replicates}")
    if args.days is not None and args.days != days:
        days = args.days
        overrides.append(f"run.days={days}")
    points = math.prod(len(v) for v in grid.values())
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"experiment={EXPERIMENT}",
        f"hydra.launcher.n_jobs={args.jobs}",
        *overrides,
    ]
    setup = {
        "points": points,
        "replicates": replicates,
        "days": days,
        "runs": points * replicates,
        "group_years": points * replicates * days / 365,
        "jobs": args.jobs,
        "full": not overrides,
        "command": " ".join([_shown(sys.executable), *cmd[1:], "hydra.sweep.dir=<round>/sweep"]),
        "grid": grid,
    }
    machine = {
        "nproc": nproc(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }
    print(
        f"{EXPERIMENT}: {points} points x {replicates} replicates x {days} days = "
        f"{setup['group_years']:,.2f} group-years; joblib n_jobs={args.jobs}; "
        f"nproc {machine['nproc']}{'' if setup['full'] else ' (scaled down)'}"
    )
    print(f"command: {setup['command']}")

    warmup_s = None
    if not args.no_warmup:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", WARMUP_CODE], cwd=ROOT, check=True)
        warmup_s = time.perf_counter() - t0
        print(f"warm-up (one 1-day run in its own process, untimed below): {warmup_s:.1f} s")

    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    base = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=args.out.resolve()))  # a new folder
    rounds = []
    for i in range(args.rounds):
        folder = base / f"round-{i}"
        r = one_round(cmd, folder, setup["runs"])
        if r["returncode"] != 0 or not r["tables"]:
            tail = (folder / "stderr.log").read_text(errors="replace").splitlines()[-20:]
            print("\n".join(tail), file=sys.stderr)
            raise SystemExit(
                f"round {i}: the sweep exited with code {r['returncode']}"
                f"{'' if r['tables'] else ' and wrote no tables'}; logs in {folder}"
            )
        rounds.append(r)
        if not args.keep and i < args.rounds - 1:
            shutil.rmtree(folder)

    summary = summarise(rounds, setup["full"])
    print()
    print_report(setup, rounds, summary)
    print(f"last round's sweep and logs: {base / f'round-{args.rounds - 1}'}")
    result = {
        "settings": setup,
        "machine": machine,
        "warmup_s": warmup_s,
        "rounds": rounds,
        "summary": summary,
    }
    if args.json:
        write_json(args.json, result)
    if not summary["rows_ok"]:
        raise SystemExit("row counts do not match (see the table)")
    return result


if __name__ == "__main__":
    main()
