"""Set settings by dotted name on a composed configuration, without Hydra.

Composing a configuration costs about 0.2 s, too much to pay for each of thousands of
samples. A search or a batch composes its base configuration once and then applies
each sample with :func:`with_values`, which rebuilds the dataclasses it touches, so
every value goes through the same checks (``__post_init__``) as a composed one and a
bad value fails with the same one-line ``ConfigError``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from sim.config.fields import unknown_name
from sim.config.schema import SimConfig
from sim.core.errors import ConfigError


def _set(obj: Any, path: list[str], value: Any, dotted: str) -> Any:
    """A copy of ``obj`` with ``path`` set to ``value``, rebuilt (and so re-checked)."""
    key, rest = path[0], path[1:]
    if isinstance(obj, dict):
        if key not in obj:  # e.g. a tactic the policy does not use, or a typo
            raise unknown_name(dotted, value, obj, key)
        new = dict(obj)
        new[key] = _set(obj[key], rest, value, dotted) if rest else value
        return new
    if not dataclasses.is_dataclass(obj):
        raise ConfigError(dotted, value, f"{key!r} is not a setting of a table")
    names = [f.name for f in dataclasses.fields(obj)]
    if key not in names:  # the same words as the command line's (check_known_keys)
        raise unknown_name(dotted, value, names, key)
    inner = getattr(obj, key)
    return dataclasses.replace(obj, **{key: _set(inner, rest, value, dotted) if rest else value})


def with_values(cfg: SimConfig, values: Mapping[str, Any]) -> SimConfig:
    """A copy of ``cfg`` with each dotted setting set, e.g. ``{"group.price": 80.0}``.

    Raises:
        ConfigError: an unknown name or a value its field does not allow.
    """
    out = copy.deepcopy(cfg)
    for dotted, value in values.items():
        out = _set(out, dotted.split("."), value, dotted)
    return out
