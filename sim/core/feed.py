"""What is posted into the group, as cumulative channel counters.

Every message adds to one or more *channels*. The group keeps the cumulative total of
each channel; each member keeps the totals at the moment they last opened the group.
What a member reads on opening is the difference, so a whole backlog of red dots is
handled in one array operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Channel(IntEnum):
    """Cumulative counters a reader's exposure is measured on."""

    MESSAGES = 0  # every message (the red-dot count)
    VALUE = 1  # value of operator content (003: content is the core)
    SOCIAL = 2  # members' substantive messages (003: interaction)
    NOISE = 3  # irrelevant messages: chit-chat, thanks, check-ins (004)
    SALES = 4  # operator selling posts (000)
    SPAM = 5  # outside spammers' ads (004)
    SOUP = 6  # fixed-time chicken soup (000)
    FIGHT = 7  # fight intensity, per hour of fighting (003)
    RULES = 8  # imposed-rule announcements and enforcement (002)
    PROMPT = 9  # discussion prompts inviting replies (003)


N_CHANNELS = len(Channel)


@dataclass(frozen=True)
class PostKind:
    """What one operator post of a kind adds to each channel."""

    value: float = 0.0  # to Channel.VALUE
    noise: float = 0.0  # to Channel.NOISE
    sales: float = 0.0  # to Channel.SALES
    soup: float = 0.0  # to Channel.SOUP
    prompt: float = 0.0  # to Channel.PROMPT


# Operator post kinds named in the seeds (000 lists the four kinds of the usual
# playbook; 001 adds announcements; 002 asks for useful or fun content).
POST_KINDS: dict[str, PostKind] = {
    "useful": PostKind(value=1.0),  # useful content matched to members (002, 003)
    "fun": PostKind(value=0.6, noise=0.3),  # fun content: valued, partly noise (002)
    "brand_culture": PostKind(value=0.15, sales=0.3),  # brand/culture posts (000 kind 2)
    "product_copy": PostKind(sales=1.0),  # product copy (000 kind 1)
    "poster": PostKind(sales=1.0, noise=0.5),  # activity links, posters with logo (000 kind 3)
    "chicken_soup": PostKind(soup=1.0, noise=1.0),  # fixed-time morning soup (000)
    "greeting": PostKind(value=0.1, noise=1.0),  # holiday greeting (000)
    "announcement": PostKind(value=0.2),  # announcements (001)
    "prompt": PostKind(value=0.3, prompt=1.0),  # discussion question (003)
    "reply": PostKind(value=0.3),  # operator replying to a member (000, 002)
}


KIND_NAMES = tuple(POST_KINDS)
KIND = {name: i for i, name in enumerate(KIND_NAMES)}  # kind name -> row of KIND_CHANNELS


def _kind_channels() -> np.ndarray:
    rows = np.zeros((len(KIND_NAMES), N_CHANNELS))
    for i, k in enumerate(POST_KINDS.values()):
        rows[i, Channel.MESSAGES] = 1.0
        rows[i, Channel.VALUE] = k.value
        rows[i, Channel.NOISE] = k.noise
        rows[i, Channel.SALES] = k.sales
        rows[i, Channel.SOUP] = k.soup
        rows[i, Channel.PROMPT] = k.prompt
    return rows


# What one post of each kind adds to each channel (the engine posts by row), and
# whether it counts as an operator ad (a post that is all selling).
KIND_CHANNELS = _kind_channels()
KIND_IS_AD = np.array([k.sales >= 1.0 for k in POST_KINDS.values()])
