"""Red packets: grabbing, thanks, short bursts, reciprocity and crowding-out.

Rules: only members who follow the group (not silent) and open it while shares remain
can grab (000: "the lurkers keep lurking"); each grabber may say thanks (000); grabs add
to a group excitement that boosts posting and decays within hours (E10); the luckiest
grabber of a finished packet sends one back with a probability that makes the expected
return ``reciprocity`` x amount (E9); grabbing an operator's packet erodes the
grabber's intrinsic interest (E11). Unclaimed shares expire after 24 h.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.roles import Role

if TYPE_CHECKING:
    from sim.model import GroupModel


@dataclass
class Packet:
    """One red packet in the group."""

    amount: float
    shares: np.ndarray  # yuan per share, drawn at sending (random split)
    sender: int  # member slot; -1 = operator
    sent_tick: int
    grabbers: list[int] = field(default_factory=list)

    @property
    def left(self) -> int:
        """Shares not yet grabbed."""
        return self.shares.size - len(self.grabbers)


class PacketBook:
    """Open packets and packets members are about to send back."""

    def __init__(self):
        self.open: list[Packet] = []
        self.returns: list[tuple[int, int, float, int]] = []  # (due tick, sender, yuan, shares)

    def send(self, model: GroupModel, amount: float, shares: int, sender: int = -1) -> None:
        """Post a packet; split it at random like WeChat's lucky draw."""
        shares = max(1, min(shares, model.members.count()))
        split = model.rng.dirichlet(np.ones(shares)) * amount
        self.open.append(Packet(amount, split, sender, model.t))
        who = "operator" if sender < 0 else "member"
        model.today[f"packets_{who}"] += 1
        model.today[f"packet_yuan_{who}"] += amount
        if sender < 0:
            model.operator_message()
        else:
            model.member_posts(np.array([sender]), np.ones(1), noise=0.0)

    def grab(self, model: GroupModel, readers: np.ndarray, roles: np.ndarray) -> None:
        """Let this hour's readers who follow the group grab open packets."""
        cfg = model.cfg.behaviour.packets
        m = model.members
        eligible = readers[roles != Role.SILENT]
        for pk in self.open:
            if pk.left == 0 or eligible.size == 0:
                continue
            cand = model.rng.permutation(eligible[~np.isin(eligible, pk.grabbers)])
            cand = cand[model.rng.random(cand.size) < cfg.grab][: pk.left]  # first come
            cand = cand[cand != pk.sender]
            if cand.size == 0:
                continue
            pk.grabbers.extend(int(i) for i in cand)
            model.today["grabs"] += cand.size
            model.excitement += cfg.excitement_per_grab * cand.size
            thanks = cand[model.rng.random(cand.size) < cfg.thanks]
            model.today["msgs_thanks"] += thanks.size
            model.member_posts(thanks, np.ones(thanks.size), noise=1.0)
            if pk.sender < 0:  # paid-for participation crowds out interest (E11)
                m.interest[cand] *= 1.0 - cfg.crowd_out

    def hour(self, model: GroupModel) -> None:
        """Close finished or expired packets, and send returns that are due."""
        cfg = model.cfg.behaviour.packets
        still = []
        for pk in self.open:
            expired = model.t - pk.sent_tick >= cfg.expiry_hours
            if pk.left > 0 and not expired:
                still.append(pk)
                continue
            if pk.grabbers and cfg.reciprocity > 0 and model.rng.random() < cfg.return_prob:
                luckiest = pk.grabbers[int(np.argmax(pk.shares[: len(pk.grabbers)]))]
                delay = int(model.rng.integers(1, 24))
                back = pk.amount * cfg.reciprocity / cfg.return_prob
                self.returns.append((model.t + delay, luckiest, back, pk.shares.size))
        self.open = still
        due = [r for r in self.returns if r[0] <= model.t]
        if due:
            self.returns = [r for r in self.returns if r[0] > model.t]
            for _, sender, amount, shares in due:
                if model.members.present[sender]:
                    self.send(model, amount, shares, sender)
