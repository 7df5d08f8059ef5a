"""Model: one WeChat group, hour by hour.

``group`` holds ``GroupModel``, the Mesa shell that owns the state, the member agents
(``agents``, ``population``) and the operator's tactics (``tactics/``, with their
standing ``effects``); ``engine`` is the compiled tick, with its submodels ``hazards``,
``discussion``, ``packets`` and ``posting`` and its flat parameters (``params``).

Importing this package first points Numba's cache at a folder named by the code
fingerprint (``sim.core.fingerprint``), before any compiled function is defined, so an
edit anywhere in the code a run depends on compiles afresh instead of loading stale
machine code. The folder is ``$NUMBA_CACHE_DIR/groupsim-<fingerprint>`` if that
variable is set, else ``~/.cache/groupsim/numba/<fingerprint>`` (``$XDG_CACHE_HOME`` is
honoured), or a folder in the temporary directory if neither is writable.
"""

import os
import tempfile
from pathlib import Path

import numba

from sim.core.fingerprint import model_fingerprint


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

from sim.model.group import GroupModel  # noqa: E402  (after the cache is set)
from sim.model.tactics import DAILY_COLUMNS, check_config  # noqa: E402

__all__ = ["DAILY_COLUMNS", "GroupModel", "check_config"]
