"""What every tactic is built from: the base class, the model it acts on, and calendars.

A tactic is one class with a ``Config`` dataclass (its settings, each a
``sim.config.fields.param``, checked on construction) and up to three hooks:
``setup(model)`` once before the first tick; ``plan(model)`` at midnight, to put the
day's posts and packets in the calendar (``model.plan_post``, ``model.plan_channel``,
``model.send_packet(..., hour=h)``); and ``act(model)`` at each hour ``hours_today``
lists, for what needs the members' state at that hour. Planning keeps the engine
running whole days in one call; a tactic acts in Python only on the hours it must.

A tactic may count things of its own in the daily table: it names them in
``counters`` and adds to ``model.today[name]``; the model gives every registered
tactic's counters a column (``sim.model.tactics.DAILY_COLUMNS``).

Tactics see the model through :class:`Operator`, the part of ``GroupModel`` they may
use, so this package does not depend on the model class.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from sim.config.schema import SimConfig
from sim.core.causes import Cause
from sim.core.constants import HOURS_PER_DAY
from sim.core.feed import KIND, Channel
from sim.core.roles import Role
from sim.model.effects import OperatorEffects
from sim.model.population import MemberTable

REGISTRY: dict[str, type[Tactic]] = {}


class Operator(Protocol):
    """What a tactic may read and do: the operator's side of ``GroupModel``."""

    cfg: SimConfig
    members: MemberTable
    effects: OperatorEffects
    today: MutableMapping[str, float]
    rng: np.random.Generator  # the behaviour stream (members' own choices)
    ops_rng: np.random.Generator  # the operator stream (the tactics' draws)

    @property
    def day(self) -> int: ...  # noqa: D102
    @property
    def effort(self) -> float: ...  # noqa: D102  (today's share of planned effort, 003)
    @property
    def novelty(self) -> float: ...  # noqa: D102

    def is_holiday(self) -> bool: ...  # noqa: D102
    def yesterday_value(self, column: str, default: float) -> float: ...  # noqa: D102
    def mean_trust(self) -> float: ...  # noqa: D102
    def post(self, kind: str, n: int = 1) -> None: ...  # noqa: D102
    def plan_post(self, hour: int, kind: str, n: int = 1) -> None: ...  # noqa: D102
    def plan_posts(self, posts: np.ndarray) -> None: ...  # noqa: D102
    def plan_channel(self, hour: int, channel: Channel, amount: float) -> None: ...  # noqa: D102
    def add_to_channel(self, channel: Channel, amount: float) -> None: ...  # noqa: D102
    def send_packet(self, amount: float, shares: int, hour: int | None = None) -> None: ...  # noqa: D102
    def add_members(self, k: int, via: str = "direct", inviter: int = -1) -> int: ...  # noqa: D102
    def remove_member(self, slot: int, cause: Cause) -> None: ...  # noqa: D102
    def add_ties(self, pairs) -> None: ...  # noqa: D102
    def set_role(self, slots: np.ndarray, role: Role) -> None: ...  # noqa: D102
    def member_posts(self, slots: np.ndarray, counts: np.ndarray, noise: float | None) -> None: ...  # noqa: D102, E501
    def rest_operator(self, share: float) -> None: ...  # noqa: D102
    def renew_novelty(self, share: float) -> None: ...  # noqa: D102


class Tactic:
    """Base class of operator tactics; a subclass with a ``name`` registers itself."""

    name: ClassVar[str] = ""
    Config: ClassVar[type]
    counters: ClassVar[tuple[str, ...]] = ()  # daily counters this tactic adds to

    def __init__(self, cfg: Any):
        self.cfg = cfg

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            REGISTRY[cls.name] = cls

    def hours_today(self, model: Operator) -> tuple[int, ...]:
        """Hours of the current day at which ``act`` must run (asked at midnight)."""
        return ()

    def setup(self, model: Operator) -> None:
        """Prepare before the first tick (e.g. set standing effects)."""

    def plan(self, model: Operator) -> None:
        """At midnight: put today's posts and packets in the model's calendar."""

    def act(self, model: Operator) -> None:
        """Act at one of ``hours_today`` of the current day."""


@dataclass(frozen=True)
class Schedule:
    """On which days a recurring action happens, and how many times.

    Every ``every_days`` days from ``first_day`` (day ``first_day`` included) until
    ``until_day`` (excluded; None: no end); ``every_days`` 0 means never, a fraction
    means several times a day (0.5: twice). A non-integer interval keeps its average
    exactly: every 1.5 days is days 0, 2, 3, 5, 6, ... With ``holidays``, also once on
    every holiday (a holiday that is also a scheduled day still counts once).
    """

    every_days: float = 1.0
    first_day: int = 0
    until_day: int | None = None
    holidays: bool = False

    def times(self, day: int, holiday: bool = False) -> int:
        """How many times the action happens on ``day``."""
        k = day - self.first_day
        n = 0
        if self.every_days > 0 and k >= 0 and (self.until_day is None or day < self.until_day):
            # occurrences in (k - 1, k]: floor(k / e) - floor((k - 1) / e); exact for integers
            n = math.floor(k / self.every_days) - math.floor((k - 1) / self.every_days)
        if self.holidays and holiday:
            n = max(n, 1)
        return n


class Calendar:
    """Poisson numbers of posts by hour and kind, one day at a time.

    Args:
        hours: posting hours (distinct).
        kinds: post kinds (``sim.core.feed.POST_KINDS``).
        rates: expected posts of each kind at each posting hour.

    Days are drawn ``BLOCK`` at a time in one call (day by day, in order), which costs
    far less than a call per day; a day is taken only when the tactic posts that day.
    """

    BLOCK = 32

    def __init__(self, hours: list[int], kinds: list[str], rates: np.ndarray):
        self.hours = np.array(hours)[:, None]
        self.kinds = np.array([KIND[k] for k in kinds])[None, :]
        self.rates = np.asarray(rates, dtype=float)
        self._days = np.zeros((0, HOURS_PER_DAY, len(KIND)), np.int64)
        self._next = 0

    def next_day(self, rng: np.random.Generator, effort: float = 1.0) -> np.ndarray:
        """Posts by hour (24 rows) and kind (``sim.core.feed.KIND`` columns) for one day.

        With ``effort`` below 1 (a tired operator, ``sim.model.lifecycle``) each planned
        post is made with that probability: Poisson numbers thinned stay Poisson.
        """
        if self._next == len(self._days):
            counts = rng.poisson(self.rates, (self.BLOCK, self.hours.shape[0], self.rates.size))
            self._days = np.zeros((self.BLOCK, HOURS_PER_DAY, len(KIND)), np.int64)
            self._days[:, self.hours, self.kinds] = counts
            self._next = 0
        self._next += 1
        day = self._days[self._next - 1]
        # counts are kept as integers so that thinning is one call (no conversion)
        return day if effort >= 1.0 else rng.binomial(day, effort)
