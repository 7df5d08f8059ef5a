"""Which code produced a result: a hash of every layer that decides what a run writes.

Used twice: a sweep point's id includes it, so results of other code are never reused
(``sim.records.points.point_id``); and the compiled engine is cached per fingerprint
(``sim.model``), because Numba's own cache notices edits to the file a compiled function
is in, not to the functions and constants it inlines from other modules.

It hashes whole layers, not a list of modules: every source file of the layers from
``core`` to ``records`` (``sim.LAYERS``), so a new module there counts at once. Those
are the layers a run's tables depend on (constants, settings, the model, and how its
records are built); the layers after them only read tables.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from sim import LAYERS

RUN_LAYERS = LAYERS[: LAYERS.index("records") + 1]


def fingerprint_of(root: Path, layers: tuple[str, ...] = RUN_LAYERS) -> str:
    """Hash (12 hex digits) of every source file of ``layers`` below package ``root``."""
    h = hashlib.sha256()
    for layer in layers:
        for path in sorted((root / layer).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


@functools.cache
def model_fingerprint() -> str:
    """The fingerprint of this package's code (computed once per process)."""
    return fingerprint_of(Path(__file__).resolve().parent.parent)
