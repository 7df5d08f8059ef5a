"""``python -m sim [overrides]``: run one configuration point, or sweep with ``-m``.

Hydra composes the config (``sim.config.compose``); one job runs one point (group type x
policy x settings) for ``run.replicates`` seeds and writes its tables into Hydra's output
directory, resuming what a previous run left there. ``python -m sim -m ...`` sweeps: one
job per point (``configs/experiment/`` holds named studies), and
``sim.experiments.callbacks`` checks every point first, shows progress and collects the
tables (``sim.experiments.sweep``).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path

import hydra
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config.compose import (
    COMPOSE_ERRORS,
    CONFIG_DIR,
    check_overrides,
    one_line,
    to_sim_config,
)
from sim.experiments.parallel import exit_with_launcher
from sim.experiments.progress import SWEEP_ENV, clear_error, record_error
from sim.experiments.runner import run_or_resume
from sim.model import check_config
from sim.presentation.matrix import matrix_flows, matrix_text
from sim.presentation.reports import summary_text

log = logging.getLogger(__name__)


def process_id() -> str:
    """``<host>-<pid>``: no two live processes share it, on one machine or several.

    A single run's folder is ``results/runs/<group>-<policy>/<time>-<process_id>``
    (``configs/config.yaml``): two runs started in the same second get their own
    folders, so a folder's tables and its ``.hydra/config.yaml`` come from one run.
    """
    return f"{socket.gethostname()}-{os.getpid()}"


OmegaConf.register_new_resolver("process_id", process_id, replace=True)


def main(cfg: DictConfig | None = None) -> None:
    """Run one configuration point and write daily.parquet and summary.parquet.

    A bad configuration (unknown preset or key, malformed override or YAML file, wrong
    type, impossible value) ends the program before anything runs with one line,
    ``config error: <field>=<value> is not allowed: <what is allowed>`` (``python -m sim``
    exits with code 2). Other errors reach ``sim.__main__``, which says them in one line.
    """
    # HYDRA_FULL_ERROR makes Hydra re-raise composition errors instead of printing them
    # itself (multi-line, or a full traceback for malformed YAML), so we can restate them.
    previous = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        # what Hydra would reject with a traceback or take silently, said in one line
        check_overrides([a for a in sys.argv[1:] if "=" in a and not a.startswith("-")])
        _hydra_main(cfg)
    except COMPOSE_ERRORS as err:
        raise SystemExit(f"config error: {one_line(err)}") from None
    finally:
        if previous is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = previous


@hydra.main(config_path=CONFIG_DIR, config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> dict:
    """One Hydra job: one point, all its replicates, resumed from its folder if finished.

    In a sweep, a point that fails does not sink the others: its error is returned (and
    its traceback written to ``<point>/error.txt``) instead of raised, so every other
    point runs and the sweep callback writes the tables and lists the failure. A job in
    a worker process ends at once when the sweep's main process is gone
    (``sim.experiments.parallel.exit_with_launcher``).

    Returns:
        ``{"ran": n}``, the number of replicates actually run (0: all were on disk), or
        ``{"ran": 0, "error": "<one line>"}`` for a failed sweep point; the sweep callback
        (``sim.experiments.callbacks``) records it for the progress display.
    """
    hydra_cfg = HydraConfig.get()
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    if multirun and SWEEP_ENV in os.environ:
        exit_with_launcher(os.environ[SWEEP_ENV])
    try:
        sim_cfg = check_config(to_sim_config(cfg))
    except COMPOSE_ERRORS as err:
        if multirun:  # fail the job (the sweep callback checks every point before a sweep)
            raise ValueError(f"config error: {one_line(err)}") from None  # picklable
        raise SystemExit(f"config error: {one_line(err)}") from None  # before Hydra reports it
    out = Path(hydra_cfg.runtime.output_dir)
    # Hydra logs at INFO; Mesa logs every step at INFO, which floods the job log
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if not multirun and hydra_cfg.runtime.choices.get("experiment"):
        print(
            "note: this runs one point; a study's sweep needs -m: python -m sim -m experiment=NAME"
        )
    if not multirun:
        daily, summary, ran = run_or_resume(sim_cfg, out)
    else:  # the sweep callback shows progress and prints the results at the end
        try:
            daily, summary, ran = run_or_resume(sim_cfg, out)
        except Exception as err:  # reported per point by the sweep callback
            error = record_error(out, err)
            log.error("point %s failed: %s", out.name, error)
            return {"ran": 0, "error": error}
        clear_error(out)
        log.info("point %s: ran %d of %d replicates", out.name, len(ran), len(summary))
        return {"ran": len(ran)}
    if sim_cfg.matrix is None:
        print(summary_text(summary))
    else:
        print(matrix_text(summary))
        runs = set(summary["run_id"])  # the folder may hold more replicates than asked
        groups_daily, flows = (
            t[t["run_id"].isin(runs)]
            for t in (pd.read_parquet(out / f"{n}.parquet") for n in ("groups_daily", "flows"))
        )
        figure = matrix_flows(groups_daily, flows, daily, out / "flows.png")
        print(f"per-group tables: {out}/groups_daily.parquet, groups_summary.parquet, "
              f"flows.parquet; figure: {figure}")  # fmt: skip
    if not ran:
        print(f"all {len(summary)} replicates were already in {out}; nothing was run")
    print(f"tables written to {out}/daily.parquet and {out}/summary.parquet")
    return {"ran": len(ran)}
