"""Which model code produced a result: a hash of the sources that can change a run.

Used twice: a sweep point's id includes it, so results of other model code are never
reused (``sim.runner``); and the compiled engine is cached per fingerprint (``sim``'s
``__init__``), because Numba's own cache only notices edits to the file a compiled
function is in, not to the functions and constants it inlines from other modules.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

# Modules that only present results: editing them does not change what a run produces.
PRESENTATION = {
    "cli", "compare", "plots", "report", "sweep", "callbacks", "survival", "verdict", "calibrate",
    "dashboard", "validate", "validation_patterns",
}  # fmt: skip


@functools.cache
def model_fingerprint() -> str:
    """Hash of the source of every module that can change a run's output.

    That is all of ``sim`` except the presentation modules (a new module counts until
    it is listed there).
    """
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        top = path.relative_to(root).parts[0].removesuffix(".py")
        if top in PRESENTATION:
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]
