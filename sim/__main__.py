"""``python -m sim``: the command line.

``python -m sim [overrides]`` runs one configuration point, ``python -m sim -m ...``
sweeps (``sim.experiments.cli``, Hydra). A first word names another command:

==========  ==============================================================
compare     policies on the same seeds: report, tables, figures
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
import sys

# command -> (module, one line of help)
COMMANDS = {
    "compare": ("sim.experiments.compare", "compare policies on the same seeds"),
    "report": ("sim.experiments.report", "collect a sweep or study folder into its tables"),
    "plots": ("sim.presentation.plots", "draw every figure of a results folder"),
    "validate": ("sim.validation.battery", "run the validation battery"),
    "calibrate": ("sim.validation.calibrate", "rerun the calibration search"),
    "docs": ("sim.presentation.paramdoc", "regenerate the parameter tables of docs/model.md"),
    "dashboard": ("sim.dashboard.__main__", "watch a group live in the browser"),
}


def main(argv: list[str] | None = None) -> int | None:
    """Dispatch to a command, or run Hydra with the arguments as overrides."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[argv[0]][0])
        sys.argv = [f"python -m sim {argv[0]}", *argv[1:]]
        result = module.main(argv[1:])
        return result if isinstance(result, int) else 0  # commands return what they made
    if argv and argv[0] in ("help", "commands"):
        print(__doc__)
        return 0
    from sim.experiments.cli import main as hydra_main

    hydra_main()
    return None


if __name__ == "__main__":
    sys.exit(main())
