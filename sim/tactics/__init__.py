"""Operator tactics: small plug-ins the model calls in stage 1 of each tick.

A tactic is one class with a ``Config`` dataclass (its settings, validated on
construction) and up to three hooks: ``setup(model)`` once before the first tick;
``plan(model)`` at midnight, to put the day's posts and packets in the calendar
(``model.plan_post``, ``model.plan_channel``, ``model.send_packet(..., hour=h)``); and
``act(model)`` at each hour that ``hours_today(model)`` lists, for what needs the
members' state at that hour. Planning keeps the engine running whole days in one call
(``sim.model``); a tactic acts in Python only on the hours it must.
Subclasses register themselves by ``name``; every module in this package is imported,
so adding a tactic means adding one module here and naming it in a policy YAML.

Why not Mesa's ``schedule_recurring``: events fire after ``Model.step`` at the same
time, but the operator must act *before* members read in the same hour (stage 1), and
an hour-of-day dispatch table is cheaper than one event object per post.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.feed import KIND
from sim.validation import ConfigError

if TYPE_CHECKING:
    from sim.model import GroupModel

REGISTRY: dict[str, type[Tactic]] = {}


class Tactic:
    """Base class of operator tactics."""

    name: ClassVar[str] = ""
    Config: ClassVar[type]

    def __init__(self, cfg: Any):
        self.cfg = cfg

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            REGISTRY[cls.name] = cls

    def hours_today(self, model: GroupModel) -> tuple[int, ...]:
        """Hours of the current day at which ``act`` must run (asked at midnight)."""
        return ()

    def setup(self, model: GroupModel) -> None:
        """Prepare before the first tick (e.g. set standing effects)."""

    def plan(self, model: GroupModel) -> None:
        """At midnight: put today's posts and packets in the model's calendar."""

    def act(self, model: GroupModel) -> None:
        """Act at one of ``hours_today`` of the current day."""


class Calendar:
    """Poisson numbers of posts by hour and kind, one day at a time.

    Args:
        hours: posting hours.
        kinds: post kinds (``sim.feed.POST_KINDS``).
        rates: expected posts of each kind at each posting hour.

    Days are drawn ``BLOCK`` at a time in one call (day by day, in order), which costs
    far less than a call per day; a day is taken only when the tactic posts that day.
    """

    BLOCK = 32

    def __init__(self, hours: list[int], kinds: list[str], rates: np.ndarray):
        self.hours = np.array(hours)[:, None]
        self.kinds = np.array([KIND[k] for k in kinds])[None, :]
        self.rates = np.asarray(rates, dtype=float)
        self._days = np.zeros((0, 24, len(KIND)))
        self._next = 0

    def next_day(self, rng: np.random.Generator) -> np.ndarray:
        """Posts by hour (24 rows) and kind (``sim.feed.KIND`` columns) for one day."""
        if self._next == len(self._days):
            counts = rng.poisson(self.rates, (self.BLOCK, self.hours.shape[0], self.rates.size))
            self._days = np.zeros((self.BLOCK, 24, len(KIND)))
            self._days[:, self.hours, self.kinds] = counts
            self._next = 0
        self._next += 1
        return self._days[self._next - 1]


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def parse_tactics(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Turn ``{tactic_name: {setting: value}}`` into validated tactic configs.

    Raises:
        ConfigError: unknown tactic, unknown setting, or an impossible value.
    """
    _load_all()
    parsed = {}
    for name, settings in (raw or {}).items():
        field = f"policy.tactics.{name}"
        if name not in REGISTRY:
            raise ConfigError("policy.tactics", name, f"unknown tactic; one of {sorted(REGISTRY)}")
        cls = REGISTRY[name].Config
        settings = dict(settings or {})
        known = {f.name for f in dataclasses.fields(cls)}
        for key in settings:
            if key not in known:
                raise ConfigError(
                    f"{field}.{key}", settings[key], f"unknown setting; one of {sorted(known)}"
                )
        parsed[name] = cls(**settings)
    return parsed


def build_tactics(parsed: dict[str, Any]) -> list[Tactic]:
    """Instantiate tactics from configs returned by :func:`parse_tactics`."""
    _load_all()
    return [REGISTRY[name](cfg) for name, cfg in parsed.items()]
