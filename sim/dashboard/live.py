"""The dashboard's model: a ``GroupModel`` built from knobs, with an hour-by-hour history.

Nothing here changes how the group behaves: ``LiveModel`` composes the same Hydra config
the command line would (``sim.config.compose``), runs ``GroupModel.step`` unchanged, and
after each hour reads public state (``today``, ``records``, ``members``) into a
``History``. Per-hour counts come from differences between steps:

- member messages by role: the growth of each member's ``messages`` count, attributed
  to the role the member had when the hour began (roles shift after posting, so this
  matches the day's record except where a tactic moves someone before they post);
- operator and spam messages: the growth of ``today``'s counters (at midnight the day's
  total is read from the record the model has just closed);
- members by role and exits by cause: counted from the member arrays at the hour's end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.config.compose import CONFIG_DIR, compose
from sim.config.schema import SimConfig
from sim.core.causes import CAUSE_NAMES
from sim.core.roles import ROLE_NAMES
from sim.model import GroupModel
from sim.model.population import MemberTable
from sim.model.tactics import parse_tactics

PRESET = "preset"  # a knob left at the chosen policy preset's own setting
OFF = "off"  # a knob that removes its tactic from the policy
N_ROLES, N_CAUSES = len(ROLE_NAMES), len(CAUSE_NAMES)
PAIR = ("feelings", "money")  # the policies of the compare page
# what one press of Step (one Mesa step of the dashboard's model) advances, in hours
STEP_SIZES = {"1 hour": 1, "6 hours": 6, "1 day": 24, "1 week": 168}


@dataclass(frozen=True)
class Knob:
    """One policy setting the operator can turn, offered as a short list of values.

    Attributes:
        label: what the control says.
        tactic: the tactic in ``policy.tactics`` (``sim/model/tactics/``).
        setting: the tactic's setting the knob sets.
        choices: values offered besides ``PRESET``; ``OFF`` removes the tactic.
    """

    label: str
    tactic: str
    setting: str
    choices: tuple[str, ...]


KNOBS: dict[str, Knob] = {
    "sales_per_day": Knob(
        "selling posts per day", "sales", "per_day", ("0", "0.2", "0.5", "1", "2.5", "5")
    ),
    "red_packet_every_days": Knob(
        "red packet every N days (0: none on schedule)",
        "red_packets",
        "every_days",
        ("0", "1", "3", "7", "30"),
    ),
    "rules_strictness": Knob(
        "rule strictness (0-1)", "rules", "strictness", ("0.2", "0.4", "0.6", "0.8", "1.0")
    ),
    "rules_mode": Knob("rules imposed or agreed", "rules", "mode", ("agreed", "imposed", OFF)),
    "moderators": Knob(
        "moderators (team size)", "moderation", "team_size", ("0", "1", "2", "3", "5")
    ),
    "moderator_latency_hours": Knob(
        "moderator response time (hours)",
        "moderation",
        "latency_hours",
        ("0.25", "1", "4", "12"),
    ),
    "meetups_every_days": Knob(
        "offline meet-up every N days", "meetups", "every_days", (OFF, "30", "60", "90", "180")
    ),
}


def presets(kind: str) -> list[str]:
    """Names of the presets in ``configs/<kind>/`` (``group`` or ``policy``), sorted."""
    return sorted(p.stem for p in Path(CONFIG_DIR, kind).glob("*.yaml"))


def preset_tactics(policy: str) -> frozenset[str]:
    """Tactics named in a policy preset's YAML (composition is cached by ``compose``)."""
    return frozenset(compose([f"policy={policy}"]).policy.tactics)


def policy_overrides(policy: str, knobs: dict[str, str], tactics: frozenset[str]) -> list[str]:
    """Hydra overrides that set the knobs on top of a policy preset.

    Args:
        policy: the preset's name.
        knobs: knob name (``KNOBS``) -> chosen value; ``PRESET`` (or a missing knob)
            leaves the preset's setting, ``OFF`` removes the knob's tactic.
        tactics: the tactics the preset names (``preset_tactics``).

    Returns:
        ``policy=<preset>`` then one override per knob that changes something:
        ``++policy.tactics.<tactic>.<setting>=<value>`` (sets or adds) or
        ``~policy.tactics.<tactic>`` (removes a tactic the preset has).

    Raises:
        ValueError: an unknown knob, or a value it does not offer.
    """
    removed = set()
    sets = []
    for name, value in knobs.items():
        if name not in KNOBS:
            raise ValueError(f"unknown knob {name!r}; one of {sorted(KNOBS)}")
        knob = KNOBS[name]
        value = str(value)
        if value == PRESET:
            continue
        if value not in knob.choices:
            raise ValueError(f"knob {name}={value!r}: one of {[PRESET, *knob.choices]}")
        if value == OFF:
            removed.add(knob.tactic)
        else:
            sets.append((knob.tactic, f"++policy.tactics.{knob.tactic}.{knob.setting}={value}"))
    out = [f"policy={policy}"]
    out += [f"~policy.tactics.{t}" for t in sorted(removed) if t in tactics]
    out += [override for tactic, override in sets if tactic not in removed]
    return out


def describe_policy(cfg: SimConfig) -> str:
    """One line naming the knob settings in force (what the operator is doing)."""
    parsed = parse_tactics(cfg.policy.tactics)
    parts = []
    sales = parsed.get("sales")
    parts.append(f"sales {_num(sales.per_day)}/day" if sales else "no selling")
    packets = parsed.get("red_packets")
    if packets and packets.every_days > 0:
        parts.append(f"red packet every {_num(packets.every_days)} d")
    elif packets:
        parts.append("red packets on occasions only")
    else:
        parts.append("no red packets")
    rules = parsed.get("rules")
    parts.append(f"rules {_num(rules.strictness)} {rules.mode}" if rules else "no rules")
    mod = parsed.get("moderation")
    if mod:
        parts.append(f"{mod.team_size} moderator(s), {_num(mod.latency_hours)} h to respond")
    else:
        parts.append("no moderation")
    meet = parsed.get("meetups")
    parts.append(f"meet-up every {meet.every_days} d" if meet else "no meet-ups")
    return " · ".join(parts)


def _num(x: float) -> str:
    return f"{x:g}"


# --------------------------------------------------------------- hour by hour


def counter_increment(before: dict, today: dict, closed: dict | None, key: str) -> float:
    """How much a daily counter grew during one hour.

    Args:
        before: ``model.today`` copied when the hour began.
        today: ``model.today`` when the hour ended.
        closed: the daily record the model closed at the hour's end (midnight), else None;
            its counter holds the whole day and ``today`` has started afresh.
        key: the counter's name (a column of ``sim.model.DAILY_COLUMNS``).
    """
    if closed is not None:
        return closed[key] - before[key] + today[key]
    return today[key] - before[key]


def messages_by_role(
    roles_before: np.ndarray, msgs_before: np.ndarray, msgs_after: np.ndarray
) -> np.ndarray:
    """Member messages posted during one hour, summed by role (length ``N_ROLES``).

    Args:
        roles_before: role of each slot when the hour began.
        msgs_before: each slot's message count when the hour began.
        msgs_after: each slot's message count when it ended (may be longer: members who
            joined during the hour; they are counted as onlookers, a newcomer's role).
    """
    n = roles_before.size
    grew = msgs_after[:n] - msgs_before
    out = np.bincount(roles_before, weights=grew, minlength=N_ROLES)[:N_ROLES]
    out[ROLE_NAMES.index("onlooker")] += float(msgs_after[n:].sum())
    return out


def role_counts(members: MemberTable) -> np.ndarray:
    """Members in the group by role (length ``N_ROLES``)."""
    idx = members.present_idx()
    return np.bincount(members.role[idx], minlength=N_ROLES)[:N_ROLES]


def exits_by_cause(members: MemberTable) -> np.ndarray:
    """Members who have left so far, by recorded cause (length ``N_CAUSES``)."""
    causes = members.exit_cause[: members.n]
    return np.bincount(causes[causes >= 0], minlength=N_CAUSES)[:N_CAUSES]


class History:
    """Hour-by-hour series of one run; row ``t`` is the state after ``t`` hours.

    Row 0 is the group as founded (no messages yet). Rows hold, per hour: member
    messages by role (``msgs_role``), operator and spam messages, members and spammers,
    members by role (``n_role``) and exits so far by cause (``exits``).
    """

    def __init__(self, capacity: int = 24 * 32):
        self.n = 0
        self._arrays = {
            "msgs_role": (N_ROLES,),
            "msgs_operator": (),
            "msgs_spam": (),
            "members": (),
            "spammers": (),
            "n_role": (N_ROLES,),
            "exits": (N_CAUSES,),
        }
        for name, shape in self._arrays.items():
            setattr(self, "_" + name, np.zeros((capacity, *shape)))

    def append(self, **row) -> None:
        """Add the next hour's row (every series by name)."""
        cap = self._msgs_operator.shape[0]
        if self.n == cap:
            for name in self._arrays:
                old = getattr(self, "_" + name)
                new = np.zeros((2 * cap, *old.shape[1:]))
                new[:cap] = old
                setattr(self, "_" + name, new)
        for name in self._arrays:
            getattr(self, "_" + name)[self.n] = row[name]
        self.n += 1

    def __getattr__(self, name: str) -> np.ndarray:
        arrays = self.__dict__.get("_arrays", {})
        if name in arrays:
            return self.__dict__["_" + name][: self.n]
        raise AttributeError(name)

    @property
    def hours(self) -> np.ndarray:
        """Hours elapsed at each row."""
        return np.arange(self.n)


class LiveModel(GroupModel):
    """A ``GroupModel`` made from the dashboard's controls, recording every hour.

    Every argument is a control of the dashboard (Mesa's ``SolaraViz`` re-creates the
    model with them on Reset). Knob arguments take a value from ``KNOBS[name].choices``
    or ``PRESET``. One ``step`` advances ``step_size`` (an hour to a week, one
    ``GroupModel`` hour at a time, see ``step_hour``), so that Step and play move at an
    operator's pace while every hour is still recorded.

    Args:
        group: group type (``configs/group/``).
        policy: policy preset (``configs/policy/``).
        seed: the run's seed (the same seed gives the same founding group under every
            policy).
        days: horizon in days.
        step_size: what one step advances, a key of ``STEP_SIZES``.
        sales_per_day: selling posts per day.
        red_packet_every_days: red-packet schedule; 0 keeps only occasional packets.
        rules_strictness: how much the rules forbid.
        rules_mode: ``imposed``, ``agreed`` or ``off`` (no rules).
        moderators: moderation team size.
        moderator_latency_hours: a moderator's mean response time.
        meetups_every_days: offline meet-ups, or ``off``.
    """

    def __init__(
        self,
        group: str = "relationship",
        policy: str = "feelings",
        seed: int = 0,
        days: int = 730,
        step_size: str = "1 day",
        sales_per_day: str = PRESET,
        red_packet_every_days: str = PRESET,
        rules_strictness: str = PRESET,
        rules_mode: str = PRESET,
        moderators: str = PRESET,
        moderator_latency_hours: str = PRESET,
        meetups_every_days: str = PRESET,
    ):
        knobs = {
            "sales_per_day": sales_per_day,
            "red_packet_every_days": red_packet_every_days,
            "rules_strictness": rules_strictness,
            "rules_mode": rules_mode,
            "moderators": moderators,
            "moderator_latency_hours": moderator_latency_hours,
            "meetups_every_days": meetups_every_days,
        }
        self.overrides = [
            f"group={group}",
            f"run.days={int(days)}",
            *policy_overrides(policy, knobs, preset_tactics(policy)),
        ]
        if step_size not in STEP_SIZES:
            raise ValueError(f"step_size={step_size!r}: one of {list(STEP_SIZES)}")
        super().__init__(compose(self.overrides), seed=int(seed))
        self.knobs = knobs
        self.hours_per_step = STEP_SIZES[step_size]
        self.history = History(capacity=self.horizon_ticks + 1)
        self._record_hour(np.zeros(N_ROLES), 0.0, 0.0)
        self._pair: dict[str, LiveModel] | None = None

    def _record_hour(self, by_role: np.ndarray, operator: float, spam: float) -> None:
        self.history.append(
            msgs_role=by_role,
            msgs_operator=operator,
            msgs_spam=spam,
            members=self.n_members,
            spammers=self.spammers,
            n_role=role_counts(self.members),
            exits=exits_by_cause(self.members),
        )

    def step(self) -> None:
        """Advance ``hours_per_step`` hours, or fewer if the run ends (death, horizon)."""
        for _ in range(self.hours_per_step):
            if not self.running:
                break
            self.step_hour()

    def step_hour(self) -> None:
        """Advance one hour (``GroupModel.step``), then add the hour to ``history``."""
        m = self.members
        n = m.n
        roles, msgs = m.role[:n].copy(), m.messages[:n].copy()
        before, days = dict(self.today), len(self.records)
        super().step()
        closed = self.records[-1] if len(self.records) > days else None
        self._record_hour(
            messages_by_role(roles, msgs, m.messages[: m.n]),
            counter_increment(before, self.today, closed, "msgs_operator"),
            counter_increment(before, self.today, closed, "msgs_spam"),
        )

    # ------------------------------------------------------------ read-outs

    @property
    def status(self) -> str:
        """``alive``, ``dead`` or ``alive at the horizon`` (censored)."""
        if self.dead:
            return "dead"
        return "alive at the horizon" if self.t >= self.horizon_ticks else "alive"

    def clock(self) -> tuple[int, int]:
        """(day, hour) of the next hour to simulate; day 0 is the founding day."""
        return divmod(self.t, 24)

    def pair(self) -> dict[str, LiveModel]:
        """The compare page's runs: each of ``PAIR`` on this group, seed and horizon.

        Made on first use and kept on this model (a Reset makes a new model and so a new
        pair); knobs are not applied, the presets run as they are.
        """
        if self._pair is None:
            group = self.cfg.group.name
            self._pair = {
                p: LiveModel(group=group, policy=p, seed=self.seed, days=self.cfg.run.days)
                for p in PAIR
            }
        return self._pair

    def advance_pair(self, max_hours: int | None = None) -> dict[str, LiveModel]:
        """Bring the compare runs up to this model's hour (each stops when it dies).

        Args:
            max_hours: at most this many hours per run in one call (None: no limit).
        """
        for run in self.pair().values():
            todo = self.t - run.t
            if max_hours is not None:
                todo = min(todo, max_hours)
            for _ in range(max(todo, 0)):
                if not run.running:
                    break
                run.step_hour()
        return self.pair()


def last_days(values: np.ndarray, hours: int) -> np.ndarray:
    """The last ``hours`` rows of an hourly series (fewer at the start of a run)."""
    return values[max(0, len(values) - hours) :]


def daily_sums(hourly: np.ndarray) -> np.ndarray:
    """Sum an hourly series (rows 1.. of a ``History`` series) into whole days."""
    days = len(hourly) // 24
    return hourly[: days * 24].reshape(days, 24, *hourly.shape[1:]).sum(axis=1)


def thin(n: int, most: int = 800) -> np.ndarray:
    """Indices of at most ``most`` evenly spaced rows out of ``n`` (always the last)."""
    if n <= most:
        return np.arange(n)
    step = math.ceil(n / most)
    idx = np.arange(0, n, step)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)
