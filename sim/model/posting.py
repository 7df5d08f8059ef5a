"""Posting into the group: what a member's or the operator's message adds to the feed.

Shared by the compiled engine and by Python callers (tactics, tests), so that each rule
has one implementation. Channels are cumulative counters (``sim.core.feed``); today's
counts go to the row ``today`` of the daily table (``sim.core.columns.Col``).
"""

from __future__ import annotations

from numba import njit

from sim.core.columns import Col
from sim.core.feed import KIND_CHANNELS, KIND_IS_AD, Channel
from sim.core.state import G


@njit(cache=True, inline="always")
def usual_noise(chitchat_share, g):
    """Chit-chat share of members' posts.

    Rules suppress chit-chat (002); packet buzz turns talk into banter (E10).
    """
    base = chitchat_share * (1.0 - g[G.CHIT_SUPPRESS])
    exc = g[G.EXCITEMENT]
    return base + (1.0 - base) * exc / (1.0 + exc)


@njit(cache=True, inline="always")
def member_post(m, g, C, today, slot, count, noise):
    """Member ``slot`` posts ``count`` messages, a share ``noise`` of them irrelevant."""
    r = m.role[slot]
    m.messages[slot] += count
    m.last_post_day[slot] = g[G.DAY]
    m.posted_today[slot] = True
    C[Channel.MESSAGES] += count
    C[Channel.NOISE] += count * noise
    C[Channel.SOCIAL] += count * (1.0 - noise)
    g[G.SUBSTANTIVE + r] += count * (1.0 - noise)
    today[Col.msgs_members] += count
    today[Col.msgs_thinker + r] += count


@njit(cache=True)
def member_posts(m, g, C, today, slots, counts, noise):
    """``member_post`` for several members (Python callers: check-ins, tests)."""
    for j in range(slots.size):
        member_post(m, g, C, today, slots[j], counts[j], noise)


@njit(cache=True, inline="always")
def operator_post(C, today, kind, n):
    """The operator posts ``n`` messages of kind ``kind`` (row of ``KIND_CHANNELS``)."""
    for c in range(C.size):
        C[c] += n * KIND_CHANNELS[kind, c]
    today[Col.msgs_operator] += n
    if KIND_IS_AD[kind]:
        today[Col.ads_operator] += n


@njit(cache=True, inline="always")
def spam_posts(C, today, n):
    """Outside spammers post ``n`` ads (004)."""
    C[Channel.MESSAGES] += n
    C[Channel.SPAM] += n
    today[Col.msgs_spam] += n
    today[Col.ads_spam] += n
