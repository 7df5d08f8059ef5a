"""Operator tactics: plug-ins the model calls in stage 1 of each tick (see ``base``).

Every module in this package is imported here, and each ``Tactic`` subclass registers
itself by ``name``, so adding a tactic means adding one module and naming it in a policy
YAML (``configs/policy/``). Each tactic module holds the tactic's settings (a ``Config``
dataclass of ``param`` fields), what it does, and any daily counters it keeps.

This module also fixes the daily table's layout: the engine's columns
(``sim.core.columns``) followed by every registered tactic's counters, in tactic-name
order, so every run has the same columns whichever tactics its policy uses.

Why not Mesa's ``schedule_recurring``: events fire after ``Model.step`` at the same
time, but the operator must act *before* members read in the same hour (stage 1), and an
hour-of-day dispatch table is cheaper than one event object per post.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Any

from sim.config.fields import check_settings, field_types, unknown_name
from sim.config.presets import group_config, load_preset
from sim.config.schema import GroupConfig, SimConfig
from sim.core.columns import ENGINE_COLUMNS, FLOAT_COLUMNS
from sim.core.errors import ConfigError
from sim.model.tactics.base import REGISTRY, Calendar, Operator, Schedule, Tactic

for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")

TACTIC_COUNTERS = tuple(c for name in sorted(REGISTRY) for c in REGISTRY[name].counters)
DAILY_COLUMNS = ENGINE_COLUMNS + TACTIC_COUNTERS
COLUMN = {name: i for i, name in enumerate(DAILY_COLUMNS)}  # column name -> index
COUNT_COLUMNS = [c for c in DAILY_COLUMNS if c not in FLOAT_COLUMNS]
assert len(COLUMN) == len(DAILY_COLUMNS), "a tactic counter repeats a column name"


def parse_tactics(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Turn ``{tactic_name: {setting: value}}`` into checked tactic settings.

    Raises:
        ConfigError: unknown tactic, unknown setting, or an impossible value.
    """
    parsed = {}
    for name, settings in (raw or {}).items():
        field = f"policy.tactics.{name}"
        if name not in REGISTRY:
            raise unknown_name("policy.tactics", name, REGISTRY, str(name), "tactic")
        cls = REGISTRY[name].Config
        if not isinstance(settings, Mapping):  # null would silently mean "the defaults"
            raise ConfigError(
                field,
                settings,
                f"give the tactic's settings as a mapping ({{}} for its defaults); "
                f"to drop it, ~{field}",
            )
        settings = dict(settings)
        known = field_types(cls)
        for key in settings:
            if key not in known:
                raise unknown_name(f"{field}.{key}", settings[key], known)
        check_settings(cls, settings, field)
        parsed[name] = cls(**settings)
    return parsed


def build_tactics(parsed: dict[str, Any]) -> list[Tactic]:
    """Instantiate tactics from settings returned by :func:`parse_tactics`."""
    return [REGISTRY[name](cfg) for name, cfg in parsed.items()]


def check_config(cfg: SimConfig) -> SimConfig:
    """Check what ``SimConfig`` cannot check by itself (its tactics); returns ``cfg``.

    A model checks its config when it is built; call this to reject a bad config before
    running anything (e.g. every point of a sweep).

    Raises:
        ConfigError: a tactic or tactic setting that is unknown or not allowed.
    """
    parse_tactics(cfg.policy.tactics)
    if cfg.matrix is not None:  # every group of a matrix, with its own policy
        if cfg.group != load_preset("group", GroupConfig().name, "group"):
            raise ConfigError(
                "group", cfg.group.name,
                "a matrix takes each group's settings from its own type (matrix.groups."
                "<id>.type); group= and group.* do not apply to a matrix: leave them out",
            )  # fmt: skip
        for key in cfg.matrix.groups:
            parse_tactics(group_config(cfg, key).policy.tactics)
    return cfg


__all__ = [
    "COLUMN", "COUNT_COLUMNS", "DAILY_COLUMNS", "REGISTRY", "TACTIC_COUNTERS", "Calendar",
    "Operator", "Schedule", "Tactic", "build_tactics", "check_config", "parse_tactics",
]  # fmt: skip
