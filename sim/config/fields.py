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
from typing import Any

from sim.core.errors import check_range

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


def check_fields(obj: Any, prefix: str) -> None:
    """Check every numeric setting of ``obj`` against the range in its metadata.

    Fields are checked in declaration order, so the first bad one is reported.

    Raises:
        ConfigError: a value outside its range, or not a number where one is needed.
    """
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
