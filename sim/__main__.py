"""``python -m sim``: the command line.

``python -m sim [overrides]`` runs one configuration point, ``python -m sim -m ...``
sweeps (``sim.experiments.cli``, Hydra). A first word names another command:

==========  ==============================================================
compare     policies on the same seeds: report, tables, figures
batch       run a table of settings (one row per point) on every core
sensitivity which assumptions drive the outputs (Morris screening, Sobol indices)
optimize    which strategy serves a group type best (multi-objective search)
report      collect a sweep or study folder into its runs and daily tables
plots       draw every figure of a results folder
validate    the validation battery (docs/model.md section 11)
calibrate   rerun the calibration search
docs        regenerate the parameter tables of docs/model.md section 10
dashboard   watch a group live in the browser
==========  ==============================================================
"""

from __future__ import annotations

import importlib
import os
import sys

# command -> (module, one line of help)
COMMANDS = {
    "compare": ("sim.experiments.compare", "compare policies on the same seeds"),
    "batch": ("sim.experiments.batch", "run a table of settings on every core (resumes)"),
    "sensitivity": ("sim.experiments.sensitivity", "Morris or Sobol sensitivity analysis"),
    "optimize": ("sim.experiments.optimize", "search strategies per group type (Optuna)"),
    "report": ("sim.experiments.report", "collect a sweep or study folder into its tables"),
    "plots": ("sim.experiments.redraw", "draw every figure of a results folder"),
    "validate": ("sim.validation.battery", "run the validation battery"),
    "calibrate": ("sim.validation.calibrate", "rerun the calibration search"),
    "docs": ("sim.presentation.paramdoc", "regenerate the parameter tables of docs/model.md"),
    "dashboard": ("sim.dashboard.__main__", "watch a group live in the browser"),
}


DEBUG_ENV = "GROUPSIM_DEBUG"  # set to 1 (or pass --debug) to see tracebacks
HELP = ("-h", "--help")


def _dispatch(argv: list[str]) -> int | None:
    if argv and argv[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[argv[0]][0])
        sys.argv = [f"python -m sim {argv[0]}", *argv[1:]]
        if any(a in HELP for a in argv[1:]) and not getattr(module, "PARSES_HELP", False):
            print((module.__doc__ or "").strip())  # commands without argparse: their doc
            return 0
        result = module.main(argv[1:])
        return result if isinstance(result, int) else 0  # commands return what they made
    if argv and argv[0] in ("help", "commands"):
        print(__doc__)
        return 0
    from sim.experiments.cli import main as hydra_main

    hydra_main()
    return None


def main(argv: list[str] | None = None) -> int | None:
    """Dispatch to a command, or run Hydra with the arguments as overrides.

    No command shows a traceback for bad input, a bad file or an interrupt: each ends
    with one line saying what is wrong (and, for an interrupt, that finished results are
    kept and the same command resumes) and a non-zero exit code: 2 for a configuration
    error, 130 for an interrupt, 1 otherwise. ``--debug`` anywhere on
    the command line, or ``GROUPSIM_DEBUG=1``, shows the traceback instead.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]
    sys.argv = [sys.argv[0], *argv]
    if debug:
        return _dispatch(argv)
    from sim.config.compose import COMPOSE_ERRORS, one_line

    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        print(
            "interrupted: every finished point (all its replicates) is kept on disk, "
            "unfinished ones are not written; run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    except COMPOSE_ERRORS as err:
        print(f"config error: {one_line(err)}", file=sys.stderr)
        return 2
    except SystemExit as stop:  # a command's own one-line config error: the same code
        if isinstance(stop.code, str) and stop.code.startswith("config error:"):
            print(stop.code, file=sys.stderr)
            return 2
        raise
    except RuntimeError as err:  # a cluster job that ended without results, failed runs
        if type(err).__name__ != "UncompletedJobError":  # submitit's
            what = " ".join(str(err).split()) or type(err).__name__
            print(f"error: {what} (--debug shows the traceback)", file=sys.stderr)
            return 1
        first = next((line for line in str(err).splitlines() if line.strip()), "")
        print(
            f"error: a cluster job ended without results (cancelled, timed out or killed): "
            f"{first.strip()[:200]}; every finished point is kept: run the same command "
            "again to resume",
            file=sys.stderr,
        )
        return 1
    except (OSError, ValueError) as err:  # bad files, ports, data
        what = " ".join(str(err).split()) or type(err).__name__
        print(f"error: {what} (--debug shows the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
