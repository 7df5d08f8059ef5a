"""Red packets: grabbing, thanks, short bursts, reciprocity and crowding-out.

Rules: only members who follow the group (not silent) and open it while shares remain
can grab (000: "the lurkers keep lurking"); each grabber may say thanks (000); grabs add
to a group excitement that boosts posting and decays within hours (E10); the luckiest
grabber of a finished packet sends one back with a probability that makes the expected
return ``reciprocity`` x amount (E9); grabbing an operator's packet erodes the
grabber's intrinsic interest (E11). Unclaimed shares expire after 24 h.

Packets live in fixed-size arrays (:class:`PacketBook`) so the compiled engine can
handle them; the book grows between engine calls, never inside one.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from numba import njit

from sim.core.columns import Col
from sim.core.constants import MAX_GROUP_SIZE, RETURN_DELAY_HOURS
from sim.core.feed import Channel
from sim.core.roles import Role
from sim.core.state import G
from sim.model.posting import member_post

# Arrays of the book: open packets (one row each; ``n_shares`` 0 = free row), then the
# queue of packets due to be sent (scheduled by tactics, or returned by members).
SILENT = int(Role.SILENT)  # a plain int: Numba compares arrays with ints, not enums
Book = namedtuple(
    "Book",
    "amount sent sender n_shares n_grabbed share grabber q_due q_amount q_shares q_sender q_n",
)


@dataclass
class Packet:
    """A read-only view of one open packet (for inspection and tests)."""

    amount: float
    shares: np.ndarray  # yuan per share, drawn at sending (random split)
    sender: int  # member slot; -1 = operator
    sent_tick: int
    grabbers: list[int]


class PacketBook:
    """Open packets and packets waiting to be sent, as growable arrays."""

    def __init__(self, capacity: int = 4):
        self.book = self._empty(capacity, capacity)

    @staticmethod
    def _empty(k: int, q: int) -> Book:
        return Book(
            np.zeros(k), np.zeros(k), np.full(k, -1), np.zeros(k, np.int64),
            np.zeros(k, np.int64), np.zeros((k, MAX_GROUP_SIZE)),
            np.full((k, MAX_GROUP_SIZE), -1), np.zeros(q), np.zeros(q), np.zeros(q, np.int64),
            np.full(q, -1), np.zeros(1, np.int64),
        )  # fmt: skip

    def reserve(self, due_by: float, extra: int = 0) -> None:
        """Make room for every packet that can open before tick ``due_by``, plus ``extra``.

        Packets open only from the queue, and each open packet adds at most one return
        to it, so open rows + queued returns never exceed open + due packets.
        """
        b = self.book
        queued = int(b.q_n[0])
        if queued == 0 and extra == 0:  # nothing can open
            return
        n_open = int((b.n_shares > 0).sum())
        due = int((b.q_due[:queued] < due_by).sum()) + extra
        need_k, need_q = n_open + due, queued + n_open + due
        k, q = b.amount.size, b.q_due.size
        if need_k <= k and need_q <= q:
            return
        new = self._empty(max(k, 2 * need_k), max(q, 2 * need_q))
        for old, grown in zip(b, new, strict=True):
            grown[tuple(slice(0, s) for s in old.shape)] = old
        self.book = new

    def schedule(self, due: int, amount: float, shares: int, sender: int = -1) -> None:
        """Queue a packet to be sent at the start of tick ``due``."""
        self.reserve(due + 1, extra=1)
        b = self.book
        i = int(b.q_n[0])
        b.q_due[i], b.q_amount[i], b.q_shares[i], b.q_sender[i] = due, amount, shares, sender
        b.q_n[0] = i + 1

    @property
    def open(self) -> list[Packet]:
        """Packets currently open (sent, not yet finished or expired)."""
        b = self.book
        return [
            Packet(
                float(b.amount[k]),
                b.share[k, : b.n_shares[k]].copy(),
                int(b.sender[k]),
                int(b.sent[k]),
                b.grabber[k, : b.n_grabbed[k]].tolist(),
            )  # fmt: skip
            for k in np.flatnonzero(b.n_shares > 0)
        ]


@njit(cache=True)
def send(rng, m, p, g, C, today, b, amount, shares, sender):
    """Post a packet now; split it at random like WeChat's lucky draw (a flat Dirichlet)."""
    shares = max(1, min(shares, int(g[G.N_MEMBERS])))
    k = 0
    while k < b.n_shares.size and b.n_shares[k] > 0:  # PacketBook.reserve left a free row
        k += 1
    if k == b.n_shares.size:
        raise RuntimeError("red packet book full: PacketBook.reserve was not called")
    split = rng.standard_exponential(shares)
    b.share[k, :shares] = split / split.sum() * amount
    b.amount[k], b.sent[k], b.sender[k] = amount, g[G.T], sender
    b.n_shares[k], b.n_grabbed[k] = shares, 0
    if sender < 0:
        today[Col.packets_operator] += 1
        today[Col.packet_yuan_operator] += amount
        C[Channel.MESSAGES] += 1  # the packet itself is an operator message
        today[Col.msgs_operator] += 1
    else:
        today[Col.packets_member] += 1
        today[Col.packet_yuan_member] += amount
        member_post(m, g, C, today, sender, 1, 0.0)


@njit(cache=True, inline="always")
def send_due(rng, m, p, g, C, today, b):
    """Send queued packets due by now; a member's return lapses if they have left."""
    kept = 0
    for i in range(b.q_n[0]):
        if b.q_due[i] <= g[G.T]:
            sender = b.q_sender[i]
            if sender < 0 or m.present[sender]:
                send(rng, m, p, g, C, today, b, b.q_amount[i], b.q_shares[i], sender)
        else:
            b.q_due[kept], b.q_amount[kept] = b.q_due[i], b.q_amount[i]
            b.q_shares[kept], b.q_sender[kept] = b.q_shares[i], b.q_sender[i]
            kept += 1
    b.q_n[0] = kept


@njit(cache=True)
def grab(rng, m, p, g, C, today, b, readers, roles):
    """Let this hour's readers who follow the group grab open packets."""
    eligible = readers[roles != SILENT]
    for k in range(b.n_shares.size):
        left = b.n_shares[k] - b.n_grabbed[k]
        if b.n_shares[k] == 0 or left == 0 or eligible.size == 0:
            continue
        done = b.grabber[k, : b.n_grabbed[k]]
        fresh = np.empty(eligible.size, np.int64)
        n_fresh = 0
        for i in eligible:
            if not (done == i).any():
                fresh[n_fresh] = i
                n_fresh += 1
        cand = rng.permutation(fresh[:n_fresh])
        cand = cand[rng.random(cand.size) < p.grab][:left]  # first come, first served
        cand = cand[cand != b.sender[k]]
        if cand.size == 0:
            continue
        b.grabber[k, b.n_grabbed[k] : b.n_grabbed[k] + cand.size] = cand
        b.n_grabbed[k] += cand.size
        today[Col.grabs] += cand.size
        g[G.EXCITEMENT] += p.excitement_per_grab * cand.size
        thanks = rng.random(cand.size) < p.thanks
        for j in range(cand.size):
            if thanks[j]:
                member_post(m, g, C, today, cand[j], 1, 1.0)
                today[Col.msgs_thanks] += 1
            if b.sender[k] < 0:  # paid-for participation crowds out interest (E11)
                m.interest[cand[j]] *= 1.0 - p.crowd_out


@njit(cache=True, inline="always")
def close_finished(rng, p, g, b):
    """Close finished or expired packets; the luckiest grabber may send one back (E9).

    A return goes out 1-23 hours after the packet closes (queued for the hour after).
    """
    for k in range(b.n_shares.size):
        n = b.n_shares[k]
        if n == 0:
            continue
        expired = g[G.T] - b.sent[k] >= p.expiry_hours
        if b.n_grabbed[k] < n and not expired:
            continue
        got = b.n_grabbed[k]
        if got > 0 and p.reciprocity > 0 and rng.random() < p.return_prob:
            if b.q_n[0] == b.q_due.size:
                raise RuntimeError("red packet queue full: PacketBook.reserve was not called")
            luckiest = b.grabber[k, np.argmax(b.share[k, :got])]
            delay = rng.integers(RETURN_DELAY_HOURS[0], RETURN_DELAY_HOURS[1] + 1)
            i = b.q_n[0]
            b.q_due[i] = g[G.T] + delay + 1
            b.q_amount[i] = b.amount[k] * p.reciprocity / p.return_prob
            b.q_shares[i], b.q_sender[i] = n, luckiest
            b.q_n[0] = i + 1
        b.n_shares[k] = 0
