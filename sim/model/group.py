"""GroupModel: one WeChat group, one tick = one hour.

Each tick runs four stages (docs/model.md section 3):

1. the operator acts: tactics post content, packets, rules; spammers join and post;
   moderators kick spammers;
2. members read and react, all at once: who opens the group is drawn from the hourly
   rhythm; readers take in their backlog (channel differences, see ``sim.core.feed``),
   build pressures, grab packets, buy, post; debates heat up or turn into fights;
   readers face the immediate exit/mute hazards;
3. once a day: satisfaction, trust and interest update; slow hazards (low value,
   friends left); roles shift; satisfied members invite friends;
4. the day's counters roll into the daily record and the death rule is checked.

This class is the Python shell: it owns the state, the Mesa agents and the operator's
tactics, and hands the hours in between to the compiled engine (``sim.model.engine``),
which holds stages 2-4. Tactics plan the day's calendar at midnight (``Tactic.plan``) and act
in Python only at the hours they need the members' state (``Tactic.hours_today``), so
the engine runs most days in one call.
"""

from __future__ import annotations

import gc
from collections.abc import MutableMapping

import mesa
import numpy as np
from mesa.time import EventGenerator, Priority, Schedule

from sim.config.schema import SimConfig
from sim.core.causes import Cause
from sim.core.constants import (
    BETA_CONCENTRATION,
    FULL_SUNK_FEE,
    HOURS_PER_DAY,
    MAX_GROUP_SIZE,
    NEWCOMER_SATISFACTION,
    QR_JOIN_LIMIT,
    SCREEN_INTEREST_LIFT,
)
from sim.core.feed import KIND, KIND_NAMES, N_CHANNELS, Channel
from sim.core.roles import Role
from sim.core.state import G, new_state
from sim.model.agents import Member
from sim.model.discussion import Debate
from sim.model.effects import OperatorEffects
from sim.model.engine import INVITES, advance, close_day, remove_member, set_role
from sim.model.lifecycle import GroupTraits, draw_traits, operator_effort, renew
from sim.model.packets import PacketBook
from sim.model.params import make_params
from sim.model.population import DAY_CHANNELS, MemberTable
from sim.model.posting import member_posts, operator_post, spam_posts, usual_noise
from sim.model.tactics import COLUMN, COUNT_COLUMNS, DAILY_COLUMNS, build_tactics, parse_tactics


class DayCounters(MutableMapping):
    """Today's counters by name, a view onto the engine's row (``DAILY_COLUMNS``)."""

    def __init__(self, row: np.ndarray):
        self._row = row

    def __getitem__(self, name: str) -> float:
        return float(self._row[COLUMN[name]])

    def __setitem__(self, name: str, value: float) -> None:
        self._row[COLUMN[name]] = value

    def __delitem__(self, name: str) -> None:
        raise TypeError("daily counters cannot be deleted")

    def __iter__(self):
        return iter(DAILY_COLUMNS)

    def __len__(self) -> int:
        return len(DAILY_COLUMNS)


class GroupModel(mesa.Model):
    """One WeChat group under one operator policy.

    Args:
        cfg: the full configuration (defaults: relationship group, hands-off operator).
        seed: seed of this run. Four independent streams are spawned from it:
            population (the group's traits, then who is in it and their traits; the
            same under every policy, so comparisons on a seed are paired), behaviour
            (members' draws, also Mesa's ``model.rng``), operator (tactics' draws), and
            a spare.
    """

    def __init__(self, cfg: SimConfig | None = None, seed: int = 0):
        cfg = cfg or SimConfig()
        pop_ss, beh_ss, ops_ss, _ = np.random.SeedSequence(seed).spawn(4)
        super().__init__(rng=np.random.default_rng(beh_ss))
        self.cfg, self.seed = cfg, seed
        self.pop_rng = np.random.default_rng(pop_ss)
        self.ops_rng = np.random.default_rng(ops_ss)
        self.horizon_ticks = cfg.run.days * HOURS_PER_DAY
        # the group's own traits come first on the population stream (sim.model.lifecycle)
        self.traits: GroupTraits = draw_traits(self.pop_rng, cfg)

        self.g = new_state(self.horizon_ticks)  # group-level scalars (sim.core.state)
        self.C = np.zeros(N_CHANNELS)  # cumulative channel totals (sim.core.feed)
        self.members = MemberTable()
        self.agents_by_slot: dict[int, Member] = {}
        self.effects = OperatorEffects(self.g)
        self.discussion = Debate(self.g)
        self.packets = PacketBook()
        self.params = make_params(cfg, self.traits)
        self._today = np.zeros(len(DAILY_COLUMNS))  # today's counters, by DAILY_COLUMNS
        self.today = DayCounters(self._today)
        self.daily = np.zeros((cfg.run.days, len(DAILY_COLUMNS)))  # one row per day closed
        self._records: list[dict] = []
        self._exit_log = np.zeros(MAX_GROUP_SIZE + 1, dtype=np.int64)  # for Mesa removal
        # the operator's calendar for today: posts by kind and hour, channel additions
        self._plan_posts = np.zeros((HOURS_PER_DAY, len(KIND_NAMES)))
        self._plan_adds = np.zeros((HOURS_PER_DAY, N_CHANNELS))
        self._planned_day = -1
        self._wake: list[list] = [[] for _ in range(HOURS_PER_DAY)]  # tactics acting each hour
        self._wake_hours: list[int] = []
        self._holidays = frozenset(cfg.run.holidays)

        self.tactics = build_tactics(parse_tactics(cfg.policy.tactics))
        for tactic in self.tactics:
            tactic.setup(self)
        self._populate()
        self.members_start = self.n_members
        self.g[G.MEMBERS_PEAK] = self.n_members

    # ------------------------------------------------------------------ state

    t = property(lambda self: int(self.g[G.T]), doc="Ticks (hours) done.")
    day = property(lambda self: int(self.g[G.DAY]), doc="Current day (0 = founding day).")
    hour = property(lambda self: int(self.g[G.HOUR]), doc="Current hour of the day.")
    n_members = property(lambda self: int(self.g[G.N_MEMBERS]), doc="Members present.")
    spammers = property(lambda self: int(self.g[G.SPAMMERS]), doc="Spammers present (004).")
    members_peak = property(lambda self: int(self.g[G.MEMBERS_PEAK]), doc="Most members.")
    quality = property(lambda self: float(self.g[G.QUALITY]), doc="Yesterday's mean satisfaction.")
    excitement = property(lambda self: float(self.g[G.EXCITEMENT]), doc="Red-packet buzz (E10).")
    effort = property(lambda self: float(self.g[G.EFFORT]), doc="Operator's effort today [0-1].")
    novelty = property(lambda self: float(self.g[G.NOVELTY]), doc="The group's novelty (001).")
    quiet_streak = property(lambda self: int(self.g[G.QUIET_STREAK]), doc="Quiet days in a row.")
    dead = property(lambda self: bool(self.g[G.DEAD]), doc="Whether the death rule fired.")
    days_recorded = property(lambda self: int(self.g[G.DAYS_RECORDED]), doc="Days closed.")
    member_hours = property(
        lambda self: int(self.g[G.MEMBER_HOURS]),
        doc="Sum over the hours simulated of the members present when each began.",
    )

    @property
    def lifespan_days(self) -> int | None:
        """Days the group lived before going quiet; None while alive."""
        return int(self.g[G.LIFESPAN]) if self.dead else None

    @property
    def records(self) -> list[dict]:
        """The daily table so far, one dict per closed day (``DAILY_COLUMNS``)."""
        counts = {COLUMN[c] for c in COUNT_COLUMNS}
        for d in range(len(self._records), self.days_recorded):
            row = self.daily[d]
            self._records.append(
                {c: (int if i in counts else float)(row[i]) for i, c in enumerate(DAILY_COLUMNS)}
            )
        return self._records

    def yesterday_value(self, column: str, default: float) -> float:
        """One column of the last closed day's record; ``default`` on the founding day."""
        d = self.days_recorded
        return float(self.daily[d - 1, COLUMN[column]]) if d else default

    # ------------------------------------------------------------------ set-up

    def _populate(self) -> None:
        """Day-0 group: founders invited by the owner, each of the rest by a founder.

        Invitation tree (000, E4): the owner brings in their circle, who bring in theirs,
        so the day-0 group is two levels deep; deeper invitations come only as the group
        grows (E4: depth >= 3 is rare, and rarer in short-lived groups). Thinkers come
        from the founders (003: often the owner's circle).
        """
        g, rng = self.cfg.group, self.pop_rng
        n = g.initial_members
        inviters = np.full(n, -1)
        inviters[g.founders :] = rng.integers(0, g.founders, n - g.founders)
        roles = np.full(n, Role.ONLOOKER, dtype=np.int8)
        order = rng.permutation(n)
        thinkers = rng.choice(g.founders, size=min(g.thinkers, g.founders), replace=False)
        roles[thinkers] = Role.THINKER
        rest = order[~np.isin(order, thinkers)]
        roles[rest[: g.critics]] = Role.CRITIC
        n_silent = round(g.silent_share * n)
        tail = rest[g.critics :]
        roles[tail[:n_silent]] = Role.SILENT
        self._join(inviters, roles)

    def _join(self, inviters: np.ndarray, roles: np.ndarray | None = None) -> np.ndarray:
        """Add members invited by ``inviters`` (slots; -1 = operator). Returns slots."""
        g, b, rng, m = self.cfg.group, self.cfg.behaviour, self.pop_rng, self.members
        k = inviters.size
        idx = m.allocate(k)
        sigma = b.attention.activity_sigma
        scr = self.effects.screening  # targeted invitation: better-matched joiners (004)
        base = self.traits.interest  # this group's mean interest (sim.model.lifecycle)
        mu = base + SCREEN_INTEREST_LIFT * scr * (1.0 - base)
        if roles is None:  # newcomers lurk first (001); some mute the group at once (003)
            roles = np.where(rng.random(k) < g.silent_share, Role.SILENT, Role.ONLOOKER)
        m.role[idx] = roles
        m.present[idx] = True
        m.activity[idx] = rng.lognormal(-(sigma**2) / 2, sigma, k)
        a = BETA_CONCENTRATION
        m.interest0[idx] = m.interest[idx] = rng.beta(a * mu, a * (1 - mu), k)
        tr = g.trust_initial
        m.trust[idx] = rng.beta(a * tr, a * (1 - tr), k) if 0 < tr < 1 else tr
        m.satisfaction[idx] = NEWCOMER_SATISFACTION
        m.sunk[idx] = min(1.0, g.entry_fee / FULL_SUNK_FEE + scr)  # paid or screened entry (004)
        m.joined_day[idx] = self.day
        m.inviter[idx] = inviters
        m.fresh[idx] = 1.0  # the group is new to a newcomer
        m.seen[:, idx] = self.C[:, None]
        m.day_mark[:, idx] = self.C[DAY_CHANNELS, None]
        extra = rng.poisson(g.extra_ties * self.traits.ties, k)
        for slot, inv, n_extra in zip(idx, inviters, extra, strict=True):
            m.depth[slot] = 1 if inv < 0 else m.depth[inv] + 1
            others = np.flatnonzero(m.present[:slot])
            pairs = [(slot, inv)] if inv >= 0 else []
            if others.size and n_extra:
                pairs += [(slot, o) for o in rng.choice(others, min(n_extra, others.size), False)]
            self.add_ties(pairs)
            self.agents_by_slot[int(slot)] = Member(self, int(slot))
        self.g[G.N_SLOTS] = m.n
        self.g[G.N_MEMBERS] += k
        self._today[COLUMN["joins"]] += k
        self._today[COLUMN["revenue_fees"]] += g.entry_fee * k
        return idx

    # ------------------------------------------------------- operator interface

    def post(self, kind: str, n: int = 1) -> None:
        """The operator posts ``n`` messages of a kind from ``sim.core.feed.POST_KINDS`` now."""
        if n > 0:
            operator_post(self.C, self._today, KIND[kind], n)

    def plan_post(self, hour: int, kind: str, n: int = 1) -> None:
        """Put ``n`` posts of ``kind`` in today's calendar at ``hour`` (from ``Tactic.plan``)."""
        self._plan_posts[hour, KIND[kind]] += n

    def plan_posts(self, posts: np.ndarray) -> None:
        """Add a day of posts (24 hours x ``sim.core.feed.KIND`` kinds) to today's calendar."""
        self._plan_posts += posts

    def plan_channel(self, hour: int, channel: Channel, amount: float) -> None:
        """Add to a channel at ``hour`` today without a message (e.g. rule enforcement)."""
        self._plan_adds[hour, channel] += amount

    def spam_posts(self, n: int) -> None:
        """Outside spammers post ``n`` ads now (004)."""
        spam_posts(self.C, self._today, n)

    def add_to_channel(self, channel: Channel, amount: float) -> None:
        """Add to a channel without a message now (e.g. resentment carried by rules)."""
        self.C[channel] += amount

    def send_packet(self, amount: float, shares: int, hour: int | None = None) -> None:
        """Send an operator red packet at ``hour`` today (None: the coming hour)."""
        due = self.t if hour is None else self.day * HOURS_PER_DAY + hour
        self.packets.schedule(due, amount, shares, -1)

    def is_holiday(self) -> bool:
        """Whether today is a holiday in ``run.holidays``."""
        return (self.cfg.run.start_day_of_year - 1 + self.day) % 365 + 1 in self._holidays

    def mean_trust(self) -> float:
        """Mean trust of present members."""
        idx = self.members.present_idx()
        return float(self.members.trust[idx].mean()) if idx.size else 0.0

    def headcount(self) -> int:
        """Everyone counted against the platform caps: members and spammers."""
        return self.n_members + self.spammers

    def add_members(self, k: int, via: str = "direct", inviter: int = -1) -> int:
        """Add up to ``k`` members invited by ``inviter``; QR joining stops at 100 (004).

        Returns:
            How many joined.
        """
        room = MAX_GROUP_SIZE - self.headcount()
        if via == "qr":
            room = min(room, QR_JOIN_LIMIT - self.headcount())
        k = max(0, min(int(k), room))
        if k:
            self._join(np.full(k, inviter))
        return k

    def remove_member(self, slot: int, cause: Cause) -> None:
        """A member leaves (or is removed) for ``cause``; their friends feel it (000)."""
        remove_member(
            self.members.view(), self.params, self.g, self._today, self._exit_log, slot, cause
        )
        self._remove_agents()

    def add_ties(self, pairs) -> None:
        """Make members acquainted (symmetric, no duplicates, no self-ties)."""
        m = self.members
        for a, b in pairs:
            a, b = int(a), int(b)
            if m.add_tie(a, b) and m.present[a] and m.present[b]:
                m.friends_present[a] += 1
                m.friends_present[b] += 1

    def set_role(self, slots: np.ndarray, role: Role) -> None:
        """Move members to ``role``, counting mutes and unmutes."""
        view = self.members.view()
        for slot in slots:
            set_role(view, self._today, slot, role)

    def member_posts(self, slots: np.ndarray, counts: np.ndarray, noise: float | None) -> None:
        """Members post ``counts`` messages; ``noise`` is the chit-chat share (None: usual)."""
        if slots.size == 0:
            return
        if noise is None:
            noise = usual_noise(self.cfg.group.chitchat_share, self.g)
        member_posts(
            self.members.view(), self.g, self.C, self._today, slots.astype(np.int64),
            counts.astype(np.int64), float(noise),
        )  # fmt: skip

    # ------------------------------------------------------------------ the tick

    def step(self) -> None:
        """Advance one hour (stages 1-4 in the module docstring): one Mesa step."""
        self._advance(self.t + 1)

    def run(self, until: int | None = None) -> GroupModel:
        """Run until the horizon (or tick ``until``, if earlier) or until the group is dead.

        Same engine and same draws as calling ``step`` hour by hour, but whole days go
        to the engine at once; Mesa's clock is then moved on by the hours run. A matrix
        of groups (``sim.model.matrix``) runs its groups a day at a time with ``until``.
        """
        start = self.t
        stop = self.horizon_ticks if until is None else min(until, self.horizon_ticks)
        # The cyclic garbage collector would walk every live object (Mesa agents, Hydra
        # configs) many times a run for nothing: a run makes no garbage cycles.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._advance(stop)
        finally:
            if collecting:
                gc.enable()
        hours = self.t - start
        if hours:  # restart Mesa's step schedule at the new time (mesa.Model.__init__)
            self._default_schedule.stop()
            self.steps += hours
            self.time += hours
            self._default_schedule = EventGenerator(
                self, self._do_step, Schedule(interval=1.0, start=self.time + 1.0),
                priority=Priority.HIGH,
            ).start()  # fmt: skip
        return self

    def _advance(self, stop: int) -> None:
        """Run hours until tick ``stop``: tactics in Python, the rest in the engine."""
        g = self.g
        while self.running and g[G.T] < stop:
            t = int(g[G.T])
            day, hour = divmod(t, HOURS_PER_DAY)
            g[G.DAY], g[G.HOUR] = day, hour
            if self._planned_day != day:
                self._plan_day()
            if self._wake[hour]:
                for tactic in self._wake[hour]:
                    tactic.act(self)
                self._remove_agents()
            nxt = next((h for h in self._wake_hours if h > hour), HOURS_PER_DAY)
            until = min(stop, t - hour + nxt)
            self.packets.reserve(until)
            status = advance(
                self.rng, self.members.view(), self.params, g, self.C, self._today,
                self.daily, self._plan_posts, self._plan_adds, self.packets.book,
                self._exit_log, until,
            )  # fmt: skip
            if g[G.N_EXITS]:
                self._remove_agents()
            if status == INVITES:
                self._add_invitees()
                close_day(self.members.view(), self.params, g, self.C, self._today, self.daily)
            if g[G.DEAD] or g[G.T] >= self.horizon_ticks:
                self.running = False

    def renew_novelty(self, share: float) -> None:
        """Restore ``share`` of the novelty the group and its members have lost (001)."""
        renew(self.g, self.members, share)

    def rest_operator(self, share: float) -> None:
        """Take back ``share`` of the operator's fatigue (a relaunch renews them, 001)."""
        self.g[G.FATIGUE] *= 1.0 - share
        self.g[G.EFFORT] = operator_effort(self.cfg, self.traits, self.g[G.FATIGUE])

    def _plan_day(self) -> None:
        """Midnight: the operator's effort for today; tactics fill today's calendar."""
        self._planned_day = self.day
        # the day-th day worked: effort wanes with the days worked (sim.model.lifecycle)
        self.g[G.FATIGUE] += 1.0 if self.day else 0.0
        self.g[G.EFFORT] = operator_effort(self.cfg, self.traits, self.g[G.FATIGUE])
        self._plan_posts[:] = 0.0
        self._plan_adds[:] = 0.0
        self._wake = [[] for _ in range(HOURS_PER_DAY)]
        for tactic in self.tactics:
            tactic.plan(self)
            for h in tactic.hours_today(self):
                self._wake[h].append(tactic)
        self._wake_hours = [h for h in range(HOURS_PER_DAY) if self._wake[h]]

    def _remove_agents(self) -> None:
        """Remove the Mesa agents of members the engine logged as gone."""
        n = int(self.g[G.N_EXITS])
        for slot in self._exit_log[:n]:
            self.agents_by_slot.pop(int(slot)).remove()
        self.g[G.N_EXITS] = 0

    def _add_invitees(self) -> None:
        """Friends who accepted today's invitations join, in slot order (E3)."""
        m, ic = self.members, self.cfg.behaviour.invites
        for slot in np.flatnonzero(m.accepted[: m.n]):
            k = self.add_members(int(m.accepted[slot]), via="direct", inviter=int(slot))
            m.accepted[slot] = 0
            if k:
                if m.first_invite_day[slot] < 0:
                    m.first_invite_day[slot] = self.day
                m.invites[slot] += k
                m.burst[slot] += ic.burst_size * k
