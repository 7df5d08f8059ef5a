"""Config errors: one message naming the field, the value and what is allowed.

Every layer raises ``ConfigError`` for bad input, so the command line can report any of
them as one line (``sim.config.compose.one_line``).
"""

from __future__ import annotations

import math


class ConfigError(ValueError):
    """An impossible or unknown configuration value."""

    def __init__(self, field: str, value: object, allowed: str):
        self.field, self.value, self.allowed = field, value, allowed
        super().__init__(f"{field}={value!r} is not allowed: {allowed}")


def check_range(field: str, value: float, lo: float | None = None, hi: float | None = None) -> None:
    """Raise ConfigError unless ``value`` is a finite number, ``lo <= value <= hi``.

    Either bound may be open; infinity and NaN are never allowed.
    """
    bad = not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value)
    bad = bad or (lo is not None and value < lo) or (hi is not None and value > hi)
    if bad:
        if lo is not None and hi is not None:
            allowed = f"must be a number between {lo} and {hi}"
        elif lo is not None:
            allowed = f"must be a finite number >= {lo}"
        elif hi is not None:
            allowed = f"must be a finite number <= {hi}"
        else:
            allowed = "must be a finite number"
        raise ConfigError(field, value, allowed)


def check_choice(field: str, value: object, choices: tuple | list) -> None:
    """Raise ConfigError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ConfigError(field, value, f"must be one of {', '.join(map(str, choices))}")


def check_hours(field: str, hours: list[int] | tuple[int, ...], required: bool = False) -> None:
    """Raise ConfigError unless the entries are distinct hours of the day (0-23).

    A repeated hour is an error, not a duplicate to drop: tactics split a daily rate
    over their posting hours, so ``[10, 10]`` would silently halve it. With
    ``required``, an empty list is an error too.
    """
    if required and not hours:
        raise ConfigError(field, list(hours), "needs at least one hour")
    for h in hours:
        if not isinstance(h, int) or isinstance(h, bool) or not 0 <= h <= 23:
            raise ConfigError(field, list(hours), "hours must be integers from 0 to 23")
    if len(set(hours)) != len(hours):
        raise ConfigError(field, list(hours), "hours must be distinct (no hour twice)")
