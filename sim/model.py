"""GroupModel: one WeChat group, one tick = one hour.

Each tick runs four stages (design.md):

1. the operator acts: tactics due this hour post content, packets, rules; spammers
   join and post; moderators kick spammers;
2. members read and react, all at once: who opens the group is drawn from the hourly
   rhythm; readers take in their backlog (channel differences, see ``sim.feed``),
   build pressures, grab packets, buy, post; debates heat up or turn into fights;
   readers face the immediate exit/mute hazards;
3. once a day: satisfaction, trust and interest update; slow hazards (low value,
   friends left); roles shift; satisfied members invite friends;
4. the day's counters roll into the daily record and the death rule is checked.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.agents import Member
from sim.config import MAX_GROUP_SIZE, QR_JOIN_LIMIT, SimConfig
from sim.discussion import Discussion
from sim.effects import OperatorEffects
from sim.feed import N_CHANNELS, POST_KINDS, Channel
from sim.hazards import CAUSE_NAMES, EXIT_CAUSES, IMMEDIATE, SLOW, Cause, draw_outcomes
from sim.metrics import new_day
from sim.packets import PacketBook
from sim.population import DAY_CHANNELS, MemberTable
from sim.roles import ROLE_NAMES, Role
from sim.tactics import build_tactics

LN2, LN5 = math.log(2.0), math.log(5.0)


def _half_sat(x: np.ndarray, scale: float) -> np.ndarray:
    """Saturating response in [0, 1) that reaches 1/2 at ``scale``."""
    return -np.expm1(-x * (LN2 / scale))


class GroupModel(mesa.Model):
    """One WeChat group under one operator policy.

    Args:
        cfg: the full configuration (defaults: relationship group, hands-off operator).
        seed: seed of this run. Four independent streams are spawned from it:
            population (who is in the group and their traits; the same under every
            policy, so comparisons on a seed are paired), behaviour (members' draws,
            also Mesa's ``model.rng``), operator (tactics' draws), and a spare.
    """

    def __init__(self, cfg: SimConfig | None = None, seed: int = 0):
        cfg = cfg or SimConfig()
        pop_ss, beh_ss, ops_ss, _ = np.random.SeedSequence(seed).spawn(4)
        super().__init__(rng=np.random.default_rng(beh_ss))
        self.cfg, self.seed = cfg, seed
        self.pop_rng = np.random.default_rng(pop_ss)
        self.ops_rng = np.random.default_rng(ops_ss)
        b, g = cfg.behaviour, cfg.group

        self.t = self.day = self.hour = 0
        self.C = np.zeros(N_CHANNELS)  # cumulative channel totals (sim.feed)
        self.members = MemberTable()
        self.agents_by_slot: dict[int, Member] = {}
        self.n_members = 0
        self.spammers = 0
        self.excitement = 0.0  # red-packet buzz, decays within hours (E10)
        self.quality = 0.5  # mean satisfaction: how "good" the group is (004)
        self.junk = 0.0  # yesterday's share of messages that were noise or spam (004)
        self.active_share = 0.0  # yesterday's share of members who posted (002)
        self._noise_mark = 0.0  # noise channel total at the last daily record
        self._msgs_by_role = np.zeros(4)  # today's member messages by role
        self._substantive = np.zeros(4)  # this hour's substantive member posts by role
        self.purpose = 1.0  # falls after an event group's event is over (004)
        self.discussion = Discussion(b.discussion, g.authority)
        self.packets = PacketBook()
        self.effects = OperatorEffects()

        # per-role tables and per-cause rates, indexed by Role / Cause
        self._read = b.attention.read.array()
        self._post = b.attention.post.array()
        self._exit_role = b.pressures.exit_role.array()
        self._rhythm = np.asarray(b.attention.rhythm, dtype=float)
        pc = b.pressures
        # (exit, mute) rates per cause: immediate causes (rows 0-3), then slow ones
        rates = np.array([[r[c] for c in EXIT_CAUSES] for r in (pc.exit_rate, pc.mute_rate)])
        self._rates_now = np.ascontiguousarray(rates[:, IMMEDIATE])
        self._rates_slow = np.ascontiguousarray(rates[:, SLOW])
        # per role: exit-hazard multiplier, and 1 where the member can still mute
        self._role_scale = np.array([self._exit_role, np.arange(4) != Role.SILENT], dtype=float)
        self._noise_tol = pc.noise_tolerance
        self._noise_k = pc.noise_gain / pc.noise_tolerance
        half = [pc.half_life_hours.get(c, math.inf) for c in EXIT_CAUSES]
        self._decay = np.array([math.exp(-LN2 / h) for h in half])  # low_value: not decayed
        self._exc_decay = math.exp(-LN2 / b.packets.excitement_half_life)
        self._spam_leave = 1.0 / (24 * b.spam.stay_days)
        self._holidays = frozenset(cfg.run.holidays)
        self._exposure_weights = np.zeros((4, N_CHANNELS))  # Cause 0-3 x channel
        self._set_exposure_weights()
        self._p_open = np.zeros(0)
        self._dirty = True  # roles or presence changed: refresh _p_open

        self.records: list[dict] = []
        self.today = new_day()
        self.yesterday: dict | None = None
        self.quiet_streak = 0
        self.dead = False
        self.lifespan_days: int | None = None
        self.horizon_ticks = cfg.run.days * 24

        self.tactics = build_tactics(cfg.policy.parsed)
        for tactic in self.tactics:
            tactic.setup(self)
        self._due: list[list] = [[] for _ in range(24)]
        for tactic in self.tactics:
            for h in range(24) if tactic.hours is None else tactic.hours:
                self._due[h].append(tactic)

        self._populate()
        self.members_start = self.n_members
        self.members_peak = self.n_members

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
        mu = g.interest_mean + 0.5 * scr * (1.0 - g.interest_mean)
        if roles is None:  # newcomers lurk first (001); some mute the group at once (003)
            roles = np.where(rng.random(k) < g.silent_share, Role.SILENT, Role.ONLOOKER)
        m.role[idx] = roles
        m.present[idx] = True
        m.activity[idx] = rng.lognormal(-(sigma**2) / 2, sigma, k)
        m.interest0[idx] = m.interest[idx] = rng.beta(6 * mu, 6 * (1 - mu), k)
        tr = g.trust_initial
        m.trust[idx] = rng.beta(6 * tr, 6 * (1 - tr), k) if 0 < tr < 1 else tr
        m.satisfaction[idx] = 0.6  # newcomers start hopeful (assumption)
        m.sunk[idx] = min(1.0, g.entry_fee / 100.0 + scr)  # paid or screened entry (004)
        m.joined_day[idx] = self.day
        m.inviter[idx] = inviters
        m.seen[:, idx] = self.C[:, None]
        m.day_mark[:, idx] = self.C[DAY_CHANNELS, None]
        extra = rng.poisson(g.extra_ties, k)
        for slot, inv, n_extra in zip(idx, inviters, extra, strict=True):
            m.depth[slot] = 1 if inv < 0 else m.depth[inv] + 1
            others = np.flatnonzero(m.present[:slot])
            pairs = [(slot, inv)] if inv >= 0 else []
            if others.size and n_extra:
                pairs += [(slot, o) for o in rng.choice(others, min(n_extra, others.size), False)]
            self.add_ties(pairs)
            self.agents_by_slot[int(slot)] = Member(self, int(slot))
        self.n_members += k
        self.today["joins"] += k
        self.today["revenue_fees"] += g.entry_fee * k
        self._dirty = True
        return idx

    def _set_exposure_weights(self) -> None:
        """Pressure per unit of each channel read; spam hurts more in a good group (004)."""
        pc, w = self.cfg.behaviour.pressures, self._exposure_weights
        w[Cause.ADS, Channel.SPAM] = pc.spam_gain * self.quality
        w[Cause.ADS, Channel.SALES] = pc.sales_gain  # x (1 - trust), see _read_sales
        w[Cause.NOISE, Channel.SOUP] = pc.soup_gain
        w[Cause.FIGHT, Channel.FIGHT] = pc.fight_gain
        w[Cause.RULES, Channel.RULES] = pc.rules_gain

    # ------------------------------------------------------- operator interface

    def post(self, kind: str, n: int = 1) -> None:
        """The operator posts ``n`` messages of a kind from ``sim.feed.POST_KINDS``."""
        if n <= 0:
            return
        k, C = POST_KINDS[kind], self.C
        C[Channel.MESSAGES] += n
        C[Channel.VALUE] += n * k.value
        C[Channel.NOISE] += n * k.noise
        C[Channel.SALES] += n * k.sales
        C[Channel.SOUP] += n * k.soup
        C[Channel.PROMPT] += n * k.prompt
        self.today["msgs_operator"] += n
        if k.sales >= 1.0:
            self.today["ads_operator"] += n

    def spam_posts(self, n: int) -> None:
        """Outside spammers post ``n`` ads (004)."""
        if n:
            self.C[Channel.MESSAGES] += n
            self.C[Channel.SPAM] += n
            self.today["msgs_spam"] += n
            self.today["ads_spam"] += n

    def operator_message(self) -> None:
        """Count one operator message that carries nothing but itself (a red packet)."""
        self.C[Channel.MESSAGES] += 1
        self.today["msgs_operator"] += 1

    def add_to_channel(self, channel: Channel, amount: float) -> None:
        """Add to a channel without a message (e.g. resentment carried by rules)."""
        self.C[channel] += amount

    def send_packet(self, amount: float, shares: int, sender: int = -1) -> None:
        """Send a red packet (operator by default)."""
        self.packets.send(self, amount, shares, sender)

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
        m = self.members
        m.present[slot] = False
        m.exit_cause[slot] = cause
        m.exit_day[slot] = self.day
        self.n_members -= 1
        self.today[f"exits_{CAUSE_NAMES[cause]}"] += 1
        gain = self.cfg.behaviour.pressures.friend_gain
        for j in m.ties[slot]:
            if m.present[j]:
                m.friends_present[j] -= 1
                m.pressure[Cause.FRIENDS_LEFT, j] += gain
        self.agents_by_slot.pop(slot).remove()
        self._dirty = True

    def add_ties(self, pairs) -> None:
        """Make members acquainted (symmetric, no duplicates, no self-ties)."""
        m = self.members
        for a, b in pairs:
            a, b = int(a), int(b)
            if a == b or b in m.ties[a]:
                continue
            m.ties[a].append(b)
            m.ties[b].append(a)
            if m.present[a] and m.present[b]:
                m.friends_present[a] += 1
                m.friends_present[b] += 1

    def set_role(self, slots: np.ndarray, role: Role) -> None:
        """Move members to ``role``, counting mutes and unmutes."""
        if slots.size == 0:
            return
        old = self.members.role[slots]
        if role == Role.SILENT:
            self.today["mutes"] += int((old != Role.SILENT).sum())
        else:
            self.today["unmutes"] += int((old == Role.SILENT).sum())
        self.members.role[slots] = role
        self._dirty = True

    def member_posts(
        self, slots: np.ndarray, counts: np.ndarray, noise: float | None, roles=None
    ) -> None:
        """Members post ``counts`` messages; ``noise`` is the chit-chat share (None: usual).

        ``roles`` of ``slots``, if the caller already has them.
        """
        if slots.size == 0:
            return
        m, C = self.members, self.C
        if noise is None:  # rules suppress chit-chat; packet buzz turns talk into banter
            base = self.cfg.group.chitchat_share * (1.0 - self.effects.chit_suppress)
            noise = base + (1.0 - base) * self.excitement / (1.0 + self.excitement)
        roles = m.role[slots] if roles is None else roles
        by_role = np.bincount(roles, weights=counts, minlength=4)
        total = float(by_role.sum())
        m.messages[slots] += counts.astype(np.int64, copy=False)
        m.last_post_day[slots] = self.day
        m.posted_today[slots] = True
        C[Channel.MESSAGES] += total
        C[Channel.NOISE] += total * noise
        C[Channel.SOCIAL] += total * (1.0 - noise)
        self._substantive += by_role * (1.0 - noise)
        self.today["msgs_members"] += total
        self._msgs_by_role += by_role

    # ------------------------------------------------------------------ the tick

    def step(self) -> None:
        """Advance one hour (stages 1-4 in the module docstring)."""
        self.hour = self.t % 24
        self.day = self.t // 24
        for tactic in self._due[self.hour]:
            tactic.act(self)
        self._spam_hour()
        self._members_hour()
        self.t += 1
        if self.hour == 23:
            self._end_of_day()
        if self.t >= self.horizon_ticks and not self.dead:
            self.running = False

    def run(self) -> GroupModel:
        """Run until the horizon or until the group is dead."""
        while self.running:
            self.step()
        return self

    def _spam_hour(self) -> None:
        """Spammers join by QR while the group is open, post ads, and get kicked (004)."""
        g, e, rng = self.cfg.group, self.effects, self.rng
        on_duty = self.hour in e.on_duty
        if g.spam_attraction and self.headcount() < QR_JOIN_LIMIT:
            rate = g.spam_attraction / 24 * (1 - e.spam_block) * (1 - e.screening)
            self.spammers += rng.poisson(rate)
        if not self.spammers:
            return
        rate = self.cfg.behaviour.spam.posts_per_day / 24 * (1 - e.spam_block)
        ads = rng.poisson(self.spammers * rate * 24 * self._rhythm[self.hour] / self._rhythm.sum())
        self.spam_posts(ads)
        kicked = rng.binomial(self.spammers, e.moderation_rate) if on_duty else 0
        left = rng.binomial(self.spammers - kicked, self._spam_leave)
        self.spammers -= kicked + left
        self.today["spammers_kicked"] += kicked

    def _members_hour(self) -> None:
        m = self.members
        n = m.n
        if self._dirty:
            self._p_open = self._read[m.role[:n]] * m.present[:n]
            self._dirty = False
        m.pressure[:, :n] *= self._decay[:, None]
        self.excitement *= self._exc_decay
        self._substantive[:] = 0.0
        readers = np.flatnonzero(self.rng.random(n) < self._p_open * self._rhythm[self.hour])
        if readers.size:
            self._read_and_react(readers)
        self.discussion.after_posts(self._substantive)
        self._fight_hour()
        self.packets.hour(self)

    def _read_and_react(self, readers: np.ndarray) -> None:
        """Stage 2 for this hour's readers: take in the backlog, react, post."""
        m, rng, e, C = self.members, self.rng, self.effects, self.C
        m.read_today[readers] = True
        x = C[:, None] - m.seen.take(readers, axis=1)  # what each reader has not seen yet
        m.seen[:, readers] = C[:, None]
        roles = m.role.take(readers)
        follows = roles != Role.SILENT
        # pressures from what was read, one row per immediate cause (Cause 0-3):
        # linear parts in one product, then the non-linear ones
        inc = self._exposure_weights @ x
        # red dots: backlog of irrelevant messages beyond tolerance (004); soup (000).
        # Muted members see no red-dot count, so only followers feel noise (002, 004).
        inc[Cause.NOISE] += np.maximum(x[Channel.NOISE] - self._noise_tol, 0.0) * self._noise_k
        inc[Cause.NOISE] *= follows
        if C[Channel.SALES]:
            self._read_sales(readers, x[Channel.SALES], inc)
        pressure = m.pressure[:4].take(readers, axis=1) + inc
        m.pressure[:4, readers] = pressure
        if self.packets.open:
            self.packets.grab(self, readers, roles)

        # posting rate: role x debate, the group's mood, then the member's own traits
        mood = (1.0 + self.excitement) * (1.0 - e.chill) * (1.0 + e.contagion * self.active_share)
        lam = (self._post * self.discussion.by_role() * mood)[roles]
        prompted = x[Channel.PROMPT] > 0
        if prompted.any():
            lam += (self._post * self.discussion.prompt_boost() * mood)[roles] * prompted
        lam *= m.activity.take(readers) * m.interest.take(readers)
        # messages per opening: geometric with mean lam (bursty, overdispersed chat;
        # assumption), drawn by inversion: one uniform per reader. (The 1e-300 keeps
        # log() finite where lam = 0 and changes no other value.)
        q = (lam + 1e-300) / (1.0 + lam)
        counts = (np.log1p(-rng.random(lam.size)) / np.log(q)).astype(np.int64)
        posted = counts > 0
        if posted.any():
            self._posted(readers[posted], counts[posted], roles[posted], prompted[posted])
        self._hazards(readers, pressure, self._rates_now, self._role_scale[:, roles])

    def _posted(self, idx: np.ndarray, cnt: np.ndarray, r: np.ndarray, prompted) -> None:
        """Readers who posted: count it; onlookers in a debate may be drawn in (003)."""
        m, e, dc = self.members, self.effects, self.cfg.behaviour.discussion
        self.member_posts(idx, cnt, noise=None, roles=r)
        drawn_in = (r == Role.ONLOOKER) & ((self.discussion.heat > 1.0) | prompted)
        if drawn_in.any():
            onl, ncnt = idx[drawn_in], cnt[drawn_in]
            # drawn into discussion: the onlooker starts to speak as a critic (003)
            drawn = self.rng.random(onl.size) < -np.expm1(ncnt * math.log1p(-dc.draw_in))
            self.set_role(onl[drawn], Role.CRITIC)
            # a too-authoritative thinker leaves questions unanswered (003)
            m.interest[onl] *= (1.0 - dc.qa_discourage * self.discussion.authority) ** ncnt
        if e.reply_share:  # talking with members (000, 002); felt in the daily update
            heard = idx[self.rng.random(idx.size) < e.reply_share]
            self.post("reply", heard.size)
            m.replies[heard] += 1

    def _read_sales(self, readers: np.ndarray, sales: np.ndarray, inc: np.ndarray) -> None:
        """Sales posts annoy less where trust is high (000); trust drives purchases (000)."""
        m, pc, vc = self.members, self.cfg.behaviour.pressures, self.cfg.behaviour.value
        trust = m.trust.take(readers)
        inc[Cause.ADS] -= pc.sales_gain * sales * trust  # the linear part assumed trust 0
        p_buy = -np.expm1(sales * np.log1p(-vc.buy_rate * trust**2))  # one chance per post
        buys = int((self.rng.random(readers.size) < p_buy).sum())
        self.today["purchases"] += buys
        self.today["revenue_sales"] += buys * self.cfg.group.price
        m.trust[readers] = np.maximum(0.0, trust - vc.sales_trust_loss * sales)

    def _fight_hour(self) -> None:
        e = self.effects
        moderated = e.moderation_rate if self.hour in e.on_duty else 0.0
        outcome = self.discussion.fight_hour(self.rng, moderated, e.steer)
        if outcome == "started":
            self.today["fights"] += 1
        elif outcome == "defused":
            self.today["fights_defused"] += 1
        self.C[Channel.FIGHT] += self.discussion.fight

    def _hazards(self, slots, pressure, rates, scale) -> None:
        """Competing exit and mute hazards (sim.hazards) for members ``slots``.

        Called with the immediate causes (rows 0-3) for this hour's readers, and with
        the slow causes (low value, friends left) for everyone once a day.
        """
        leave, cause, mute = draw_outcomes(self.rng, pressure, rates, scale)
        if cause.size:
            causes = IMMEDIATE if pressure.shape[0] == IMMEDIATE.size else SLOW
            for slot, c in zip(slots[leave], cause, strict=True):
                self.remove_member(int(slot), Cause(int(causes[c])))
        if mute.size:
            self.set_role(slots[mute], Role.SILENT)

    # ------------------------------------------------------------- once a day

    def _end_of_day(self) -> None:
        cfg, m = self.cfg, self.members
        g, b = cfg.group, cfg.behaviour
        vc, pc = b.value, b.pressures
        idx = m.present_idx()
        if g.purpose_days and self.day >= g.purpose_days:
            # the event is over: the reason to belong and to talk fades (004)
            self.purpose *= vc.purpose_decay
            m.interest[idx] *= vc.purpose_decay
        read = m.seen[DAY_CHANNELS][:, idx] - m.day_mark[:, idx]  # value and talk read today
        content = _half_sat(read[0], vc.content_scale)
        social = _half_sat(read[1], vc.social_scale) * (1 - vc.privatize * self.junk)
        ties = _half_sat(m.friends_present[idx].astype(float), vc.friends_scale)
        value = (
            g.base_value * self.purpose
            + g.content_weight * content
            + g.social_weight * social
            + g.tie_weight * ties
        )
        heard = m.replies[idx]
        m.satisfaction[idx] += vc.smoothing * (value - m.satisfaction[idx])
        m.satisfaction[idx] = np.minimum(1.0, m.satisfaction[idx] + vc.reply_satisfaction * heard)
        m.trust[idx] = np.minimum(
            1.0, m.trust[idx] + vc.trust_gain * content + vc.reply_trust * heard
        )
        m.replies[idx] = 0
        recover = 1.0 / b.attention.interest_recovery_days
        m.interest[idx] += recover * (m.interest0[idx] * self.purpose - m.interest[idx])
        low = np.maximum(vc.low_value - m.satisfaction[idx], 0.0) / vc.low_value
        m.pressure[Cause.LOW_VALUE, idx] = low
        # demand comes by itself once trust is high enough (000)
        over = np.maximum(m.trust[idx] - vc.demand_threshold, 0.0) / (1 - vc.demand_threshold)
        buys = int((self.rng.random(idx.size) < vc.demand_rate * over).sum())
        self.today["purchases"] += buys
        self.today["revenue_sales"] += buys * g.price

        # slow causes; trust and sunk cost keep members through dull periods (000, 004)
        keep = (1.0 - pc.trust_retention * m.trust[idx]) * (1.0 - pc.sunk_retention * m.sunk[idx])
        scale = self._role_scale[:, m.role[idx]]
        scale[0] *= keep
        self._hazards(idx, m.pressure[SLOW[0] : SLOW[-1] + 1, idx], self._rates_slow, scale)
        self._shift_roles()
        self._invite()
        self._record_day()

    def _shift_roles(self) -> None:
        """Critics who fall quiet drift back; an empty thinker seat is filled (003)."""
        m = self.members
        idx = m.present_idx()
        roles = m.role[idx]
        lapse = self.cfg.behaviour.invites.critic_lapse_days
        quiet = np.maximum(m.last_post_day[idx], m.joined_day[idx]) < self.day - lapse
        self.set_role(idx[(roles == Role.CRITIC) & quiet], Role.ONLOOKER)
        if not (roles == Role.THINKER).any():
            critics = idx[m.role[idx] == Role.CRITIC]
            if critics.size:
                self.set_role(critics[[np.argmax(m.messages[critics])]], Role.THINKER)

    def _invite(self) -> None:
        """Satisfied members invite friends, mostly soon after joining and in bursts (E3)."""
        m, cfg = self.members, self.cfg
        ic, vc = cfg.behaviour.invites, cfg.behaviour.value
        idx = m.present_idx()
        age = self.day - m.joined_day[idx]
        tau1, taub = ic.first_days / LN5, ic.burst_days / LN5
        gate = np.clip(
            (m.satisfaction[idx] - vc.invite_threshold) / (1 - vc.invite_threshold), 0, 1
        )
        first = cfg.group.invite_rate * gate * (np.exp(-age / tau1) - np.exp(-(age + 1) / tau1))
        follow = m.burst[idx] * -math.expm1(-1 / taub)
        m.burst[idx] *= math.exp(-1 / taub)
        accept = ic.accept * (1 - 0.5 * self.effects.screening)
        # invitations sent are Poisson and each is accepted independently, so the
        # accepted ones are Poisson with the thinned rate: one draw per member
        joined = self.rng.poisson((first + follow * (gate > 0)) * accept)
        for slot, k in zip(idx[joined > 0], joined[joined > 0], strict=True):
            k = self.add_members(int(k), via="direct", inviter=int(slot))
            if k:
                if m.first_invite_day[slot] < 0:
                    m.first_invite_day[slot] = self.day
                m.invites[slot] += k
                m.burst[slot] += ic.burst_size * k

    def _record_day(self) -> None:
        """Stage 4: close the day's record, check the death rule, reset counters."""
        m, t, d = self.members, self.today, self.cfg.death
        idx = m.present_idx()
        # role counts from the arrays; equal to Mesa's self.agents.groupby("role").count()
        # (checked in tests/test_invariants.py) at a fraction of the cost
        roles = np.bincount(m.role[idx], minlength=4)
        t["day"] = self.day
        for r, name in enumerate(ROLE_NAMES):
            t[f"msgs_{name}"] = int(self._msgs_by_role[r])
        self._msgs_by_role[:] = 0.0
        t["members"] = self.n_members
        t["spammers"] = self.spammers
        for r, name in enumerate(ROLE_NAMES):
            t[f"n_{name}"] = int(roles[r])
        t["readers"] = int(m.read_today[idx].sum())
        t["active_members"] = int(m.posted_today[idx].sum())
        t["exits_total"] = sum(t[f"exits_{c}"] for c in CAUSE_NAMES)
        t["msgs_total"] = t["msgs_members"] + t["msgs_operator"] + t["msgs_spam"]
        t["revenue"] = t["revenue_sales"] + t["revenue_fees"]
        for name in ("satisfaction", "trust", "interest"):
            t[f"{name}_mean"] = float(getattr(m, name)[idx].sum()) / idx.size if idx.size else 0.0
        self.records.append(t)
        self.yesterday = t

        self.members_peak = max(self.members_peak, self.n_members)
        self.quality = t["satisfaction_mean"]
        self._set_exposure_weights()
        self.junk = (t["msgs_spam"] + self.today_noise()) / max(t["msgs_total"], 1.0)
        self.active_share = t["active_members"] / max(self.n_members, 1)
        self._noise_mark = self.C[Channel.NOISE]
        m.read_today[:] = m.posted_today[:] = False
        m.day_mark[:, : m.n] = m.seen[DAY_CHANNELS, : m.n]
        self.today = new_day()

        quiet = t["msgs_members"] < d.min_member_messages
        self.quiet_streak = self.quiet_streak + 1 if quiet else 0
        if self.quiet_streak >= d.quiet_days or self.n_members < d.min_members:
            self.dead = True
            self.running = False
            self.lifespan_days = self.day + 1 - self.quiet_streak  # days before going quiet

    def today_noise(self) -> float:
        """Irrelevant messages posted today (noise channel growth since the last record)."""
        return float(self.C[Channel.NOISE] - self._noise_mark)
