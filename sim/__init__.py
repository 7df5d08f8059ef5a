"""groupsim: agent-based simulation of WeChat group engagement under operator strategies.

Importing the package points Numba's cache at a folder named by the model's fingerprint
(``sim.fingerprint``) before any compiled function is defined, so an edit anywhere in the
model code compiles afresh instead of loading stale machine code. The folder is
``$NUMBA_CACHE_DIR/groupsim-<fingerprint>`` if that variable is set, else
``~/.cache/groupsim/numba/<fingerprint>`` (``$XDG_CACHE_HOME`` is honoured).
"""

import os
import tempfile
from pathlib import Path

import numba

from sim.fingerprint import model_fingerprint


def _engine_cache_dir() -> Path:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]) / f"groupsim-{model_fingerprint()}"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "groupsim" / "numba" / model_fingerprint()


def _writable(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:  # e.g. a read-only home: fall back to the temporary folder
        return Path(tempfile.gettempdir()) / "groupsim-numba" / model_fingerprint()


numba.config.CACHE_DIR = str(_writable(_engine_cache_dir()))
