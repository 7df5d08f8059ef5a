"""``python -m sim plots PATH``: rebuild a sweep folder's tables if they are stale, then draw.

A sweep writes its runs and daily tables at its end; a sweep killed half-way, or points
rerun since, leave tables that no longer match the point folders. Drawing from them
would show a study that is not the one on disk, so the tables are rebuilt first
(``sim.experiments.sweep.stale_tables`` and ``collect``, the same as
``python -m sim report PATH``), with a note saying why. Drawing itself is
``sim.presentation.plots``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.experiments.sweep import NoResultsError, collect, stale_tables
from sim.presentation import plots

PARSES_HELP = True  # argparse prints --help (sim.__main__)


def main(argv: list[str] | None = None) -> list[Path]:
    """Rebuild the folder's tables when they are stale, then draw every figure.

    Returns:
        The figure files written.

    Raises:
        SystemExit: bad arguments, or a folder whose tables cannot be built or read
            (one line).
    """
    args = plots.parser().parse_args(sys.argv[1:] if argv is None else argv)
    reason = stale_tables(args.path) if Path(args.path).is_dir() else None
    if reason:
        print(f"note: {reason}; rebuilding its runs and daily tables", file=sys.stderr)
        try:
            collect(args.path)
        except NoResultsError as err:
            raise SystemExit(f"plots error: {err}") from None
    return plots.draw(args)
