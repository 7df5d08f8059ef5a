"""Settings that carry their unit, source, meaning and allowed range.

Every setting of the model is a dataclass field made by :func:`param`. Its metadata is
the one place where the setting's unit, source and meaning are written: the parameter
tables of ``docs/model.md`` section 10 are generated from it
(``sim.presentation.paramdoc``), and :func:`check_fields` checks values against its
range, so a range is never written twice.

Sources are seed articles by number prefix (``000``-``004``, see ``docs/domain.md``),
evidence rows (``E1``-``E12``, ``docs/evidence.md``), a platform rule, ``calibrated``
(chosen by ``python -m sim calibrate``, docs/model.md 11.7), ``assumption`` (a value or
form chosen for the model with no source: the knobs a sensitivity study should vary) or
``setting`` (a choice of the study, such as the horizon, not a claim about groups).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import numbers
import types
import typing
from collections.abc import Iterable
from typing import Any

from sim.core.errors import ConfigError, check_range

ASSUMPTION = "assumption"
SETTING = "setting"


def param(
    default: Any = dataclasses.MISSING,
    *,
    unit: str,
    source: str,
    doc: str,
    lo: float | None = None,
    hi: float | None = None,
    factory: Any = dataclasses.MISSING,
    shown: str | None = None,
    bounds: str | None = None,
) -> Any:
    """A dataclass field for one setting.

    Args:
        default: the default value (immutable values only).
        unit: unit, e.g. ``"days"``, ``"[0-1]"``, ``"msg/day"``; ``"–"`` for none.
        source: where the value or the rule comes from (see the module docstring).
        doc: what the setting means, in one line.
        lo: lowest allowed value, checked by :func:`check_fields` (None: open).
        hi: highest allowed value (None: open).
        factory: a function returning the default, for lists, dicts and tables.
        shown: how the parameter table shows the default, when the value is too long.
        bounds: how the parameter table states the range, when ``__post_init__`` checks
            more than ``lo`` and ``hi`` (e.g. a bound that depends on another setting).

    Returns:
        A ``dataclasses.field``.
    """
    meta = {"unit": unit, "source": source, "doc": doc, "lo": lo, "hi": hi, "shown": shown}
    meta["bounds"] = bounds
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """A dataclass's declared field types (its annotations are strings: resolved once)."""
    return typing.get_type_hints(cls)


def unknown_name(
    field: str, value: Any, known: Iterable[str], typed: str | None = None, what: str = "setting"
) -> ConfigError:
    """The error for a name that is not one of ``known``, with the nearest valid names.

    Args:
        field: the dotted name the error names (``policy.tactics.red_packets.every_day``).
        value: the value given to it, as written.
        known: the valid names at that place.
        typed: the name to match against ``known`` (default: the last part of ``field``).
        what: what the names are (``setting``, ``tactic``).
    """
    known = sorted(known)
    typed = field.rpartition(".")[2] if typed is None else typed
    near = difflib.get_close_matches(typed, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    return ConfigError(field, value, f"unknown {what}; {hint}one of {', '.join(known)}")


_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
_PLURAL = {bool: "true or false", int: "whole numbers", float: "numbers", str: "texts"}


def type_error(tp: Any, value: Any) -> str | None:
    """What is wrong with ``value`` as a ``tp``, or None if it is one (no coercion)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return type_error(inner[0], value) if len(inner) == 1 else None
    if tp is bool:
        return None if isinstance(value, bool) else "must be true or false"
    if tp is int:
        ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        return None if ok else "must be a whole number"
    if tp is float:
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
        return None if ok else "must be a number"
    if tp is str:
        return None if isinstance(value, str) else "must be text"
    if origin is list and args:
        if not isinstance(value, list | tuple):
            return f"must be a list of {_PLURAL.get(args[0], args[0])}"
        bad = next((v for v in value if type_error(args[0], v)), None)
        return None if bad is None else f"every entry must be {_NAMES.get(args[0], args[0])}"
    if origin is dict and len(args) == 2:
        if not isinstance(value, dict):
            return "must be a mapping {name: value}"
        bad = next((v for v in value.values() if type_error(args[1], v)), None)
        return None if bad is None else f"every value must be {_NAMES.get(args[1], args[1])}"
    return None  # tables and other types check themselves


def check_types(obj: Any, prefix: str) -> None:
    """Check every setting of ``obj`` against its declared type, coercing nothing.

    A string is never read as a number or a boolean (``on_holidays: no`` is an error,
    not "true"); ``int`` fields take whole numbers only, ``float`` fields any number.

    Raises:
        ConfigError: the first setting whose value is not of its type.
    """
    hints = field_types(type(obj))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        problem = type_error(hints.get(f.name), value)
        if problem:
            raise ConfigError(f"{prefix}.{f.name}" if prefix else f.name, value, problem)


def check_settings(cls: type, settings: dict[str, Any], prefix: str) -> None:
    """Check ``settings`` (name: value) against the declared types of dataclass ``cls``.

    For settings given as a mapping (a tactic's), checked before ``cls`` is built, so
    that a wrong type is reported as such and not as whatever it breaks first.

    Raises:
        ConfigError: the first setting whose value is not of its type.
    """
    hints = field_types(cls)
    for key, value in settings.items():
        problem = type_error(hints.get(key), value)
        if problem:
            raise ConfigError(f"{prefix}.{key}", value, problem)


def check_fields(obj: Any, prefix: str) -> None:
    """Check every setting of ``obj``: its type, then its range from the metadata.

    Fields are checked in declaration order, so the first bad one is reported.

    Raises:
        ConfigError: a value of the wrong type, outside its range, or not a number where
            one is needed.
    """
    check_types(obj, prefix)
    for f in dataclasses.fields(obj):
        lo, hi = f.metadata.get("lo"), f.metadata.get("hi")
        if lo is None and hi is None:
            continue
        name = f"{prefix}.{f.name}" if prefix else f.name
        value = getattr(obj, f.name)
        if hasattr(value, "validate"):  # a per-role table: every entry in [0, hi]
            value.validate(name, hi)
        else:
            check_range(name, value, lo, hi)


def meta(cls: type, name: str) -> dict[str, Any]:
    """The metadata of setting ``name`` of dataclass ``cls``."""
    return dict(next(f for f in dataclasses.fields(cls) if f.name == name).metadata)
