"""The compiled tick: stages 2-4 of every hour, and the once-a-day update.

``GroupModel`` (``sim.model.group``) owns the state and the Mesa agents and runs the
operator's tactics in Python; this module advances the members, the spammers and the
conversation hour by hour with Numba, until the next hour at which a tactic must act or
the day ends. Every behavioural rule of the members lives here (or in the small modules
it calls: ``hazards``, ``discussion``, ``packets``, ``posting``), and ``GroupModel.step``
and ``GroupModel.run`` both go through :func:`advance`, so there is one implementation
of each rule whichever way a model is driven. ``p`` is the flat parameter tuple of
``sim.model.params``.

Randomness: every draw comes from the model's behaviour ``numpy.random.Generator``
(Numba draws from the same bit generator), so a seed fixes the run bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.core.causes import Cause
from sim.core.columns import Col
from sim.core.constants import (
    DEBATE_HEAT,
    HOURS_PER_DAY,
    LOG_GUARD,
    QR_JOIN_LIMIT,
    SCREEN_ACCEPT_CUT,
)
from sim.core.feed import KIND, Channel
from sim.core.roles import N_ROLES, Role
from sim.core.state import G
from sim.model.discussion import DEFUSED, STARTED, after_posts, fight_hour, post_multipliers
from sim.model.hazards import MUTE, NOTHING, draw_outcome
from sim.model.lifecycle import age_group, freshen
from sim.model.packets import close_finished, grab, send_due
from sim.model.params import LN2
from sim.model.posting import member_post, operator_post, spam_posts, usual_noise

REPLY = KIND["reply"]
N_CAUSES = len(Cause)
LAST_HOUR = HOURS_PER_DAY - 1

# advance() stops because ...
REACHED = 0  # it reached the tick it was asked to stop at
DAY_DONE = 1  # the day closed (the operator plans the next one)
INVITES = 2  # members' invitations were accepted: add them, then call close_day
ENDED = 3  # the group died

# ------------------------------------------------------------ members' state changes


@njit(cache=True, inline="always")
def set_role(m, today, i, role):
    """Move member ``i`` to ``role``, counting mutes and unmutes."""
    old = m.role[i]
    if role == Role.SILENT and old != Role.SILENT:
        today[Col.mutes] += 1
    elif role != Role.SILENT and old == Role.SILENT:
        today[Col.unmutes] += 1
    m.role[i] = role


@njit(cache=True, inline="always")
def remove_member(m, p, g, today, log, i, cause):
    """Member ``i`` leaves (or is removed) for ``cause``; their friends feel it (000).

    The slot goes to ``log`` so that Python removes the member's Mesa agent.
    """
    m.present[i] = False
    m.exit_cause[i] = cause
    m.exit_day[i] = g[G.DAY]
    g[G.N_MEMBERS] -= 1
    today[Col.exits_ads + cause] += 1
    for k in range(m.tie_n[i]):
        j = m.tie_idx[i, k]
        if m.present[j]:
            m.friends_present[j] -= 1
            m.pressure[Cause.FRIENDS_LEFT, j] += p.friend_gain
    log[int(g[G.N_EXITS])] = i
    g[G.N_EXITS] += 1


@njit(cache=True, inline="always")
def _outcome(m, p, g, today, log, i, outcome):
    if outcome >= 0:
        remove_member(m, p, g, today, log, i, outcome)
    elif outcome == MUTE:
        set_role(m, today, i, Role.SILENT)


@njit(cache=True, inline="always")
def half_sat(x, scale):
    """Saturating response in [0, 1) that reaches 1/2 at ``scale``."""
    return -math.expm1(-x * (LN2 / scale))


# ------------------------------------------------------------------ the hour


@njit(cache=True)
def advance(rng, m, p, g, C, today, daily, plan_posts, plan_adds, b, log, until):
    """Run hours from ``g[G.T]`` until tick ``until``, the end of the day, or death.

    Stage 1 here is what the operator planned for the hour (``plan_posts``: posts by
    kind, ``plan_adds``: channel additions without a message) and queued red packets;
    tactics that act on the members' state ran in Python before this call. Then the
    spammers' hour, the members' hour (stage 2) and, after hour 23, the day's update.

    Returns:
        REACHED, DAY_DONE, INVITES (add the accepted invitees, then call
        :func:`close_day`) or ENDED.
    """
    while g[G.T] < until:
        t = int(g[G.T])
        hour = t % HOURS_PER_DAY
        g[G.DAY], g[G.HOUR] = t // HOURS_PER_DAY, hour
        g[G.MEMBER_HOURS] += g[G.N_MEMBERS]
        for k in range(plan_posts.shape[1]):
            if plan_posts[hour, k]:
                operator_post(C, today, k, plan_posts[hour, k])
        for c in range(C.size):
            C[c] += plan_adds[hour, c]
        if b.q_n[0]:
            send_due(rng, m, p, g, C, today, b)
        spam_hour(rng, p, g, C, today, hour)
        members_hour(rng, m, p, g, C, today, b, log, hour)
        g[G.T] = t + 1
        if hour == LAST_HOUR:
            if end_of_day(rng, m, p, g, today, log):
                return INVITES
            close_day(m, p, g, C, today, daily)
            return ENDED if g[G.DEAD] else DAY_DONE
    return REACHED


@njit(cache=True, inline="always")
def spam_hour(rng, p, g, C, today, hour):
    """Spammers join by QR while the group is open, post ads, and get kicked (004)."""
    block, screen = g[G.SPAM_BLOCK], g[G.SCREENING]
    if p.spam_attraction > 0 and g[G.N_MEMBERS] + g[G.SPAMMERS] < QR_JOIN_LIMIT:
        g[G.SPAMMERS] += rng.poisson(p.spam_attraction / HOURS_PER_DAY * (1 - block) * (1 - screen))
    n = int(g[G.SPAMMERS])
    if n == 0:
        return
    rate = p.spam_posts_per_day / HOURS_PER_DAY * (1 - block)
    ads = rng.poisson(n * rate * HOURS_PER_DAY * p.rhythm[hour] / p.rhythm_sum)
    if ads:
        spam_posts(C, today, ads)
    # a tired operator's moderators respond less (sim.model.lifecycle.operator_effort)
    kicked = rng.binomial(n, g[G.MODERATION] * g[G.EFFORT]) if g[G.ON_DUTY + hour] else 0
    left = rng.binomial(n - kicked, p.spam_leave)
    g[G.SPAMMERS] = n - kicked - left
    today[Col.spammers_kicked] += kicked


@njit(cache=True, inline="always")
def members_hour(rng, m, p, g, C, today, b, log, hour):
    """Stage 2: pressures fade, members open the group, read and react.

    Who opens the group is drawn from the hourly rhythm (morning, lunch and evening
    peaks; silent members rarely open it, 003); then the debate and any fight
    move on and finished packets close.
    """
    n = int(g[G.N_SLOTS])
    # arrays used in the loops are bound to locals first: Numba then counts no
    # references inside the loop (~8% faster overall, measured side by side)
    pressure, decay, present, role, read = m.pressure, p.decay, m.present, m.role, p.read
    for c in range(len(decay)):
        if decay[c] < 1.0:  # low value is recomputed daily, not decayed
            for i in range(n):
                pressure[c, i] *= decay[c]
    g[G.EXCITEMENT] *= p.exc_decay
    g[G.SUBSTANTIVE : G.SUBSTANTIVE + N_ROLES] = 0.0
    readers = np.empty(n, np.int64)
    n_read = 0
    rhythm = p.rhythm[hour]
    for i in range(n):
        if present[i] and rng.random() < read[role[i]] * rhythm:
            readers[n_read] = i
            n_read += 1
    if n_read:
        read_and_react(rng, m, p, g, C, today, b, log, readers[:n_read])
    after_posts(p, g)
    moderated = g[G.MODERATION] * g[G.EFFORT] if g[G.ON_DUTY + hour] else 0.0
    outcome = fight_hour(rng, p, g, moderated)
    if outcome == STARTED:
        today[Col.fights] += 1
    elif outcome == DEFUSED:
        today[Col.fights_defused] += 1
    C[Channel.FIGHT] += g[G.FIGHT]
    close_finished(rng, p, g, b)


@njit(cache=True, inline="always")
def read_and_react(rng, m, p, g, C, today, b, log, readers):
    """This hour's readers take in their backlog, react, post, and may mute or leave."""
    nr = readers.size
    roles = np.empty(nr, np.int8)
    prompted = np.empty(nr, np.bool_)
    sales_on = C[Channel.SALES] > 0
    buys = 0
    seen, pressure, trust_, role = m.seen, m.pressure, m.trust, m.role
    for j in range(nr):
        i = readers[j]
        m.read_today[i] = True
        # what the reader has not seen yet, per channel (sim.core.feed)
        x_noise = C[Channel.NOISE] - seen[Channel.NOISE, i]
        x_sales = C[Channel.SALES] - seen[Channel.SALES, i]
        x_spam = C[Channel.SPAM] - seen[Channel.SPAM, i]
        x_soup = C[Channel.SOUP] - seen[Channel.SOUP, i]
        x_fight = C[Channel.FIGHT] - seen[Channel.FIGHT, i]
        x_rules = C[Channel.RULES] - seen[Channel.RULES, i]
        prompted[j] = C[Channel.PROMPT] - seen[Channel.PROMPT, i] > 0
        seen[:, i] = C
        r = role[i]
        roles[j] = r
        # ads: spam hurts more in a good group (004); sales annoy less where trust is
        # high (000), and trust drives purchases: one chance per sales post (000)
        ads = p.spam_gain * g[G.QUALITY] * x_spam + p.sales_gain * x_sales
        if sales_on:
            trust = trust_[i]
            ads -= p.sales_gain * x_sales * trust
            if rng.random() < -math.expm1(x_sales * math.log1p(-p.buy_rate * trust * trust)):
                buys += 1
            trust_[i] = max(0.0, trust - p.sales_trust_loss * x_sales)
        # red dots: backlog of irrelevant messages beyond tolerance (004); soup (000).
        # Muted members see no red-dot count, so only followers feel noise (002, 004).
        noise = 0.0
        if r != Role.SILENT:
            noise = p.soup_gain * x_soup + max(x_noise - p.noise_tol, 0.0) * p.noise_k
        pressure[Cause.ADS, i] += ads
        pressure[Cause.NOISE, i] += noise
        pressure[Cause.FIGHT, i] += p.fight_gain * x_fight  # fights drive exits (003)
        pressure[Cause.RULES, i] += p.rules_gain * x_rules  # imposed rules (002)
    today[Col.purchases] += buys
    today[Col.revenue_sales] += buys * p.price
    if b.n_shares.any():
        grab(rng, m, p, g, C, today, b, readers, roles)

    # posting rate: role x debate, the group's mood, then the member's own traits
    mult, boost = np.empty(N_ROLES), np.empty(N_ROLES)
    post_multipliers(p, g, mult, boost)
    mood = (1.0 + g[G.EXCITEMENT]) * (1.0 - g[G.CHILL])
    mood *= 1.0 + g[G.CONTAGION] * g[G.ACTIVE_SHARE]
    counts = np.empty(nr, np.int64)
    activity, interest = m.activity, m.interest
    for j in range(nr):
        i, r = readers[j], roles[j]
        lam = p.post[r] * mult[r] * mood
        if prompted[j]:
            lam += p.post[r] * boost[r] * mood
        lam *= activity[i] * interest[i]
        # messages per opening: geometric with mean lam (bursty, overdispersed chat;
        # assumption), drawn by inversion (LOG_GUARD keeps log() finite where lam = 0)
        q = (lam + LOG_GUARD) / (1.0 + lam)
        counts[j] = int(math.log1p(-rng.random()) / math.log(q))
    posted(rng, m, p, g, C, today, readers, counts, roles, prompted)

    # immediate exit and mute hazards, with each reader's role when they opened
    pressure = m.pressure
    for j in range(nr):
        i, r = readers[j], roles[j]
        can_mute = 1.0 if r != Role.SILENT else 0.0
        outcome = draw_outcome(rng, pressure, i, 0, p.rates_now, p.exit_role[r], can_mute)
        if outcome != NOTHING:
            _outcome(m, p, g, today, log, i, outcome)


@njit(cache=True, inline="always")
def posted(rng, m, p, g, C, today, readers, counts, roles, prompted):
    """Readers who posted: count it; onlookers in a debate may be drawn in (003)."""
    noise = usual_noise(p.chitchat_share, g)
    for j in range(readers.size):
        if counts[j] > 0:
            member_post(m, g, C, today, readers[j], counts[j], noise)
    debate = g[G.HEAT] > DEBATE_HEAT
    for j in range(readers.size):
        if counts[j] > 0 and roles[j] == Role.ONLOOKER and (debate or prompted[j]):
            i, k = readers[j], counts[j]
            # drawn into discussion: the onlooker starts to speak as a critic (003)
            if rng.random() < -math.expm1(k * math.log1p(-p.draw_in)):
                set_role(m, today, i, Role.CRITIC)
            # a too-authoritative thinker leaves questions unanswered (003)
            m.interest[i] *= (1.0 - p.qa_discourage * p.authority) ** k
    if g[G.REPLY_SHARE] > 0:  # talking with members (000, 002); felt in the daily update
        heard = 0
        answered = g[G.REPLY_SHARE] * g[G.EFFORT]
        for j in range(readers.size):
            if counts[j] > 0 and rng.random() < answered:
                m.replies[readers[j]] += 1
                heard += 1
        if heard:
            operator_post(C, today, REPLY, heard)


# ------------------------------------------------------------- once a day


@njit(cache=True)
def end_of_day(rng, m, p, g, today, log):
    """Stage 3: the once-a-day update of every member.

    Novelty and freshness fade (``sim.model.lifecycle``); value, satisfaction, trust and
    interest; unprompted demand; slow hazards and drifting away; roles shift; satisfied
    members invite friends.

    Returns:
        True if invitations were accepted (``m.accepted``): Python adds the invitees.
    """
    n, day = int(g[G.N_SLOTS]), g[G.DAY]
    idx = np.flatnonzero(m.present[:n])
    if p.purpose_days and day >= p.purpose_days:
        # the event is over: the reason to belong and to talk fades (004)
        g[G.PURPOSE] *= p.purpose_decay
        for i in idx:
            m.interest[i] *= p.purpose_decay
    purpose, junk = g[G.PURPOSE], g[G.JUNK]
    novelty = age_group(p, g)
    over = np.zeros(idx.size)
    faded = np.zeros(idx.size)  # 1 - staleness factor: how much the group has faded
    seen, day_mark, satisfaction, trust = m.seen, m.day_mark, m.satisfaction, m.trust
    for j, i in enumerate(idx):
        # value and talk read today (003), friends present (000)
        content = half_sat(seen[Channel.VALUE, i] - day_mark[0, i], p.content_scale)
        social = half_sat(seen[Channel.SOCIAL, i] - day_mark[1, i], p.social_scale)
        social *= 1.0 - p.privatize * junk  # junk drives talk into private chats (004)
        ties = half_sat(float(m.friends_present[i]), p.friends_scale)
        # belonging and the same old talk are worth less as the group grows stale for
        # the member (001); fresh content keeps its value and renews the member
        fresh = freshen(p, m.fresh, i, content, social)
        stale = fresh * novelty
        faded[j] = 1.0 - stale
        value = (
            (p.base_value * purpose + p.social_weight * social) * stale
            + p.content_weight * content
            + p.tie_weight * ties
        )
        heard = m.replies[i]
        sat = satisfaction[i] + p.smoothing * (value - satisfaction[i])
        satisfaction[i] = min(1.0, sat + p.reply_satisfaction * heard)
        trust[i] = min(1.0, trust[i] + p.trust_gain * content + p.reply_trust * heard)
        m.replies[i] = 0
        # interest drifts to a baseline that fades as the group ages for the member (001)
        m.interest[i] += p.recover * (m.interest0[i] * purpose * stale - m.interest[i])
        m.pressure[Cause.LOW_VALUE, i] = max(p.low_value - satisfaction[i], 0.0) / p.low_value
        over[j] = max(trust[i] - p.demand_threshold, 0.0) / (1 - p.demand_threshold)
    # demand comes by itself once trust is high enough (000)
    buys = 0
    for j in range(idx.size):
        if rng.random() < p.demand_rate * over[j]:
            buys += 1
    today[Col.purchases] += buys
    today[Col.revenue_sales] += buys * p.price

    # slow causes; trust and sunk cost keep members through dull periods (000, 004).
    # All are drawn before any is applied: a friend's exit is felt from tomorrow.
    # Life outside the group (a new job, a move) is a background hazard that nothing in
    # the group changes: a follower who drifts mostly mutes (it costs nothing and no one
    # sees it, 003), a silent member who drifts leaves; recorded as ``drifted``.
    outcomes = np.empty(idx.size, np.int64)
    for j, i in enumerate(idx):
        r = m.role[i]
        keep = (1.0 - p.trust_retention * m.trust[i]) * (1.0 - p.sunk_retention * m.sunk[i])
        can_mute = 1.0 if r != Role.SILENT else 0.0
        outcomes[j] = draw_outcome(
            rng, m.pressure, i, Cause.LOW_VALUE, p.rates_slow, p.exit_role[r] * keep, can_mute
        )
        if p.drift_p > 0 and outcomes[j] == NOTHING and rng.random() < p.drift_p:
            mute = r != Role.SILENT and rng.random() < p.drift_mute_share
            outcomes[j] = MUTE if mute else Cause.DRIFTED
        # a follower for whom the group has faded stops following it (001: drift to lurking)
        if p.bored_mute > 0 and outcomes[j] == NOTHING and r != Role.SILENT:
            if rng.random() < p.bored_mute * faded[j]:
                outcomes[j] = MUTE
    for j, i in enumerate(idx):
        if outcomes[j] != NOTHING:
            _outcome(m, p, g, today, log, i, outcomes[j])
    shift_roles(m, p, g, today)
    return invite(rng, m, p, g)


@njit(cache=True)
def shift_roles(m, p, g, today):
    """Critics who fall quiet drift back; an empty thinker seat is filled (003)."""
    n, day = int(g[G.N_SLOTS]), g[G.DAY]
    has_thinker = False
    for i in range(n):
        if not m.present[i]:
            continue
        has_thinker |= m.role[i] == Role.THINKER
        quiet = max(m.last_post_day[i], m.joined_day[i]) < day - p.critic_lapse_days
        if m.role[i] == Role.CRITIC and quiet:
            set_role(m, today, i, Role.ONLOOKER)
    if not has_thinker:  # the most prolific critic takes the seat
        best = -1
        for i in range(n):
            if m.present[i] and m.role[i] == Role.CRITIC:
                if best < 0 or m.messages[i] > m.messages[best]:
                    best = i
        if best >= 0:
            set_role(m, today, best, Role.THINKER)


@njit(cache=True)
def invite(rng, m, p, g):
    """Satisfied members invite friends, mostly soon after joining and in bursts (E3).

    Invitations sent are Poisson and each is accepted independently, so the accepted
    ones are Poisson with the thinned rate: one draw per member, into ``m.accepted``.
    """
    n, day = int(g[G.N_SLOTS]), g[G.DAY]
    accept = p.accept * (1 - SCREEN_ACCEPT_CUT * g[G.SCREENING])
    keep_burst = math.exp(-1 / p.tau_burst)
    any_accepted = False
    for i in range(n):
        if not m.present[i]:
            continue
        gate = (m.satisfaction[i] - p.invite_threshold) / (1 - p.invite_threshold)
        if gate <= 0.0:  # unsatisfied: no invitations (a Poisson(0) draw uses no randomness)
            m.burst[i] *= keep_burst
            continue
        age = day - m.joined_day[i]
        first = (
            p.invite_rate
            * min(gate, 1.0)
            * (math.exp(-age / p.tau_first) - math.exp(-(age + 1) / p.tau_first))
        )
        follow = m.burst[i] * (1.0 - keep_burst)
        m.burst[i] *= keep_burst
        k = rng.poisson((first + follow) * accept)
        m.accepted[i] = k
        any_accepted |= k > 0
    return any_accepted


@njit(cache=True)
def close_day(m, p, g, C, today, daily):
    """Stage 4: close the day's record, check the death rule, reset the counters."""
    n = int(g[G.N_SLOTS])
    roles = np.zeros(N_ROLES)
    readers = active = 0
    sat = trust = interest = 0.0
    present, read_today, posted_today, seen, day_mark = (
        m.present,
        m.read_today,
        m.posted_today,
        m.seen,
        m.day_mark,
    )
    for i in range(n):
        if present[i]:
            roles[m.role[i]] += 1
            readers += read_today[i]
            active += posted_today[i]
            sat += m.satisfaction[i]
            trust += m.trust[i]
            interest += m.interest[i]
        read_today[i] = posted_today[i] = False
        day_mark[0, i] = seen[Channel.VALUE, i]
        day_mark[1, i] = seen[Channel.SOCIAL, i]
    members = g[G.N_MEMBERS]
    today[Col.day] = g[G.DAY]
    today[Col.members] = members
    today[Col.spammers] = g[G.SPAMMERS]
    today[Col.n_thinker : Col.n_thinker + N_ROLES] = roles
    today[Col.readers] = readers
    today[Col.active_members] = active
    today[Col.exits_total] = today[Col.exits_ads : Col.exits_ads + N_CAUSES].sum()
    today[Col.msgs_total] = today[Col.msgs_members] + today[Col.msgs_operator]
    today[Col.msgs_total] += today[Col.msgs_spam]
    today[Col.revenue] = today[Col.revenue_sales] + today[Col.revenue_fees]
    present = roles.sum()
    if present:
        today[Col.satisfaction_mean] = sat / present
        today[Col.trust_mean] = trust / present
        today[Col.interest_mean] = interest / present
    daily[int(g[G.DAYS_RECORDED])] = today
    g[G.DAYS_RECORDED] += 1

    g[G.MEMBERS_PEAK] = max(g[G.MEMBERS_PEAK], members)
    g[G.QUALITY] = today[Col.satisfaction_mean]
    noise_today = C[Channel.NOISE] - g[G.NOISE_MARK]
    g[G.JUNK] = (today[Col.msgs_spam] + noise_today) / max(today[Col.msgs_total], 1.0)
    g[G.ACTIVE_SHARE] = active / max(members, 1.0)
    g[G.NOISE_MARK] = C[Channel.NOISE]
    quiet = today[Col.msgs_members] < p.min_member_messages
    g[G.QUIET_STREAK] = g[G.QUIET_STREAK] + 1 if quiet else 0
    if g[G.QUIET_STREAK] >= p.quiet_days or members < p.min_members:
        g[G.DEAD] = 1
        g[G.LIFESPAN] = g[G.DAY] + 1 - g[G.QUIET_STREAK]  # days before going quiet
    today[:] = 0.0
    t = int(g[G.T])
    g[G.DAY], g[G.HOUR] = t // HOURS_PER_DAY, t % HOURS_PER_DAY
