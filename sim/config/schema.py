"""Typed settings: run, death rule, group type, member behaviour, operator policy.

Every field is a :func:`sim.config.fields.param` carrying its unit, source, meaning and
allowed range; ``docs/model.md`` section 10 is generated from them. Instances check
themselves in ``__post_init__``, so an impossible value fails before anything runs with
a ``ConfigError`` naming the field, the value and what is allowed.

Nothing here needs Hydra or the model: build ``SimConfig()`` directly, or compose it
from ``configs/`` with ``sim.config.compose``. The policy's tactic settings are checked
by the tactics themselves (``sim.model.tactics.parse_tactics``, called when a model is
built), because the settings layer must not depend on its plug-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.config.matrix import MatrixConfig
from sim.core.causes import EXIT_CAUSES, PRESSURE_CAUSES
from sim.core.constants import MAX_GROUP_SIZE
from sim.core.errors import ConfigError, check_choice, check_range
from sim.core.roles import ROLE_NAMES

# Relative attention by hour of day, peak = 1: morning, lunch and evening peaks (the
# shape is an assumption: no seed gives hourly data).
DEFAULT_RHYTHM = (
    0.05, 0.02, 0.01, 0.01, 0.01, 0.03, 0.15, 0.45, 0.7, 0.5, 0.4, 0.45,
    0.9, 0.7, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7, 0.9, 1.0, 0.8, 0.3,
)  # fmt: skip


@dataclass
class PerRole:
    """One non-negative number per role, read from YAML as a small mapping."""

    thinker: float = 0.0
    critic: float = 0.0
    onlooker: float = 0.0
    silent: float = 0.0

    def validate(self, field: str, hi: float | None = None) -> None:
        """Check every entry is in ``[0, hi]``."""
        for name in ROLE_NAMES:
            check_range(f"{field}.{name}", getattr(self, name), 0.0, hi)

    def array(self) -> np.ndarray:
        """Values indexed by ``Role``."""
        return np.array([getattr(self, n) for n in ROLE_NAMES], dtype=float)


def _check_table(field: str, values: dict, keys: tuple[str, ...], lo: float, hi: float) -> None:
    """A per-cause table: exactly ``keys``, each value in ``[lo, hi]``."""
    for key in values:
        check_choice(f"{field} key", key, keys)
    for key in keys:
        if key not in values:
            raise ConfigError(f"{field}.{key}", None, "a value is required")
        check_range(f"{field}.{key}", values[key], lo, hi)


@dataclass
class RunConfig:
    """How long and how often to run one configuration point."""

    days: int = param(
        730,
        unit="days",
        source=SETTING,
        lo=1,
        hi=3650,
        doc="horizon; groups alive at the end are right-censored",
    )
    replicates: int = param(
        1,
        unit="runs",
        source=SETTING,
        lo=1,
        hi=10_000,
        doc="replicate seeds run per configuration point",
    )
    start_day_of_year: int = param(
        1,
        unit="day of year",
        source=SETTING,
        lo=1,
        hi=365,
        doc="calendar day of day 0, for holidays",
    )
    holidays: list[int] = param(
        factory=lambda: [1, 41, 95, 121, 160, 260, 274], unit="days of year",
        source="000 (holidays; dates approximate)", bounds="1 to 365 each",
        doc="holidays: New Year, Spring Festival, Qingming, Labour Day, Dragon Boat, "
        "Mid-Autumn, National Day",
    )  # fmt: skip

    def __post_init__(self):
        check_fields(self, "run")
        for d in self.holidays:
            check_range("run.holidays[]", d, 1, 365)


@dataclass
class DeathConfig:
    """When a group counts as dead (docs/model.md 7.17)."""

    quiet_days: int = param(
        7,
        unit="days",
        source="E1 (silent within 7 days)",
        lo=1,
        hi=365,
        doc="consecutive quiet days that end a group",
    )
    min_member_messages: int = param(
        1,
        unit="msg/day",
        source="calibrated (E1: a silent group)",
        lo=1,
        hi=10_000,
        doc="a day with fewer member messages than this is quiet",
    )
    min_members: int = param(
        3,
        unit="persons",
        source=ASSUMPTION,
        lo=1,
        hi=MAX_GROUP_SIZE,
        doc="a group with fewer members than this is dead",
    )

    def __post_init__(self):
        check_fields(self, "death")


@dataclass
class GroupConfig:
    """A group type: who is in it and what they get from it (docs/domain.md)."""

    name: str = param(
        "relationship", unit="text", source=SETTING, doc="preset name, written to the output tables"
    )
    label: str = param(
        "relationship group (alumni, hometown, former colleagues)",
        unit="text",
        source=SETTING,
        doc="description of the group type",
    )
    initial_members: int = param(
        80, unit="persons", source=ASSUMPTION, lo=2, hi=MAX_GROUP_SIZE, doc="members at day 0"
    )
    founders: int = param(
        12,
        unit="persons",
        source="000, E4",
        lo=1,
        hi=MAX_GROUP_SIZE,
        doc="of those, invited by the owner directly; each of the rest by a founder",
    )
    thinkers: int = param(
        2,
        unit="persons",
        source="003 (1-2 per group)",
        lo=0,
        hi=MAX_GROUP_SIZE,
        doc="initial thinkers, drawn among the founders",
    )
    critics: int = param(
        4,
        unit="persons",
        source='003 ("a few")',
        lo=0,
        hi=MAX_GROUP_SIZE,
        bounds="0 to initial_members - thinkers",
        doc="initial critics",
    )
    silent_share: float = param(
        0.52,
        unit="[0-1]",
        lo=0.0,
        hi=1.0,
        source="calibrated for relationship groups (003, E8); other types: assumption",
        doc="share of members who mute the group on joining (day-0 members and joiners)",
    )
    extra_ties: float = param(
        3.0,
        unit="ties",
        source="000",
        lo=0.0,
        hi=50.0,
        doc="mean acquaintances besides inviter and invitees",
    )
    base_value: float = param(
        0.35,
        unit="[0-1]",
        source="003",
        lo=0.0,
        hi=1.0,
        doc="daily value of belonging, content aside",
    )
    content_weight: float = param(
        0.2,
        unit="[0-1]",
        source="003",
        lo=0.0,
        hi=1.0,
        doc="weight of operator content in daily value",
    )
    social_weight: float = param(
        0.3,
        unit="[0-1]",
        source="003",
        lo=0.0,
        hi=1.0,
        doc="weight of members' discussion in daily value",
    )
    tie_weight: float = param(
        0.3,
        unit="[0-1]",
        source="000, 003",
        lo=0.0,
        hi=1.0,
        doc="weight of friends present in daily value",
    )
    chitchat_share: float = param(
        0.5,
        unit="[0-1]",
        source="004",
        lo=0.0,
        hi=1.0,
        doc="share of member posts that are chit-chat",
    )
    interest_mean: float = param(
        0.6,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.01,
        hi=0.99,
        doc="mean intrinsic interest of a new member (Beta mean)",
    )
    trust_initial: float = param(
        0.5,
        unit="[0-1]",
        source="000",
        lo=0.01,
        hi=0.99,
        doc="mean initial trust in the group and its operator (Beta mean)",
    )
    authority: float = param(
        0.3, unit="[0-1]", source="003", lo=0.0, hi=1.0, doc="how unassailable thinkers are"
    )
    spam_attraction: float = param(
        0.05,
        unit="1/day",
        source="004",
        lo=0.0,
        hi=100.0,
        doc="spammer join attempts per day while QR joining is open (< 100)",
    )
    entry_fee: float = param(
        0.0,
        unit="yuan",
        source="004 (paid groups, sunk cost)",
        lo=0.0,
        hi=10_000.0,
        doc="paid to join",
    )
    purpose_days: int = param(
        0,
        unit="days",
        lo=0,
        hi=3650,
        source="004; temporary groups: calibrated (E1)",
        doc="event groups: days until the event is over; 0 = a lasting group",
    )
    price: float = param(
        50.0, unit="yuan", source=ASSUMPTION, lo=0.0, hi=100_000.0, doc="revenue per purchase"
    )
    invite_rate: float = param(
        0.6,
        unit="persons",
        source="E3",
        lo=0.0,
        hi=20.0,
        doc="first-wave invitations a fully satisfied newcomer sends",
    )

    def __post_init__(self):
        check_fields(self, "group")
        g = "group"
        check_range(f"{g}.founders", self.founders, 1, self.initial_members)
        check_range(f"{g}.thinkers", self.thinkers, 0, self.founders)  # thinkers are founders
        check_range(f"{g}.critics", self.critics, 0, self.initial_members - self.thinkers)


@dataclass
class AttentionConfig:
    """When members open the group and how much they post (003)."""

    rhythm: list[float] = param(
        factory=lambda: list(DEFAULT_RHYTHM), unit="[0-1] x 24", source=ASSUMPTION,
        shown="see below", bounds="24 values, 0 to 1 each",
        doc="relative attention by hour of day, peak = 1",
    )  # fmt: skip
    read: PerRole = param(
        factory=lambda: PerRole(0.6, 0.5, 0.3, 0.01),
        unit="1/h",
        hi=1.0,
        source="003 (silent members do not follow)",
        doc="P(open the group) in a peak hour, by role",
    )
    post: PerRole = param(
        factory=lambda: PerRole(0.8, 0.4, 0.0013, 0.0),
        unit="msg",
        hi=20.0,
        source="003 (4-5 people talk); onlooker: calibrated (E6, E7)",
        doc="expected messages per opening at interest 1, by role",
    )
    activity_sigma: float = param(
        0.336,
        unit="–",
        source="calibrated (E6, E7: heavy tail)",
        lo=0.0,
        hi=3.0,
        doc="lognormal spread of members' posting activity",
    )
    interest_recovery_days: float = param(
        60.0,
        unit="days",
        source=ASSUMPTION,
        lo=1.0,
        hi=3650.0,
        doc="interest drifts back to its baseline",
    )

    def __post_init__(self):
        if len(self.rhythm) != 24:
            raise ConfigError("behaviour.attention.rhythm", self.rhythm, "needs 24 hourly values")
        for h, w in enumerate(self.rhythm):
            check_range(f"behaviour.attention.rhythm[{h}]", w, 0.0, 1.0)
        check_fields(self, "behaviour.attention")


@dataclass
class DiscussionConfig:
    """Thinker -> critic -> onlooker chains and fights (003)."""

    spark: float = param(
        1.0,
        unit="heat/msg",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="heat added per substantive thinker post",
    )
    critic_gain: float = param(
        0.6,
        unit="heat/msg",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="heat added per substantive critic post, x (1 - authority)",
    )
    heat_decay: float = param(
        0.5, unit="[0-1]", source=ASSUMPTION, lo=0.0, hi=1.0, doc="share of heat left after an hour"
    )
    critic_pull: float = param(
        0.8,
        unit="1/heat",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="critic posting boost per unit felt heat, x (1 - authority)",
    )
    onlooker_pull: float = param(
        0.5,
        unit="1/heat",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="onlooker posting boost per unit felt heat",
    )
    draw_in: float = param(
        0.02,
        unit="[0-1]",
        source="003",
        lo=0.0,
        hi=1.0,
        doc="P(an onlooker becomes a critic) per post in a debate",
    )
    qa_discourage: float = param(
        0.05,
        unit="[0-1]",
        source="003",
        lo=0.0,
        hi=1.0,
        doc="interest lost per unanswered question, x authority",
    )
    prompt_heat: float = param(
        2.0,
        unit="heat",
        source="003 (prompts draw people in)",
        lo=0.0,
        hi=100.0,
        doc="heat a reader of a discussion prompt feels",
    )
    heat_cap: float = param(
        4.0,
        unit="heat",
        source=ASSUMPTION,
        lo=0.1,
        hi=100.0,
        doc="felt heat saturates: felt = heat / (1 + heat / cap)",
    )
    fight_threshold: float = param(
        5.0,
        unit="heat",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="heat above which a debate can turn into a fight",
    )
    fight_rate: float = param(
        0.02,
        unit="1/h per heat",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="fight hazard per unit heat above the threshold",
    )
    fight_growth: float = param(
        1.3,
        unit="x/h",
        source="003 (fights escalate)",
        lo=1.0,
        hi=10.0,
        doc="intensity multiplier per unmoderated hour",
    )
    fight_burnout: float = param(
        0.08,
        unit="1/h",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="P(a fight dies down by itself) per hour",
    )
    fight_posts: float = param(
        0.5,
        unit="1/intensity",
        source="003",
        lo=0.0,
        hi=100.0,
        doc="posting boost per unit fight intensity for thinkers and critics (onlookers: 0.1 x)",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.discussion")


@dataclass
class PacketConfig:
    """Red packets (000, E9-E11)."""

    grab: float = param(
        0.8,
        unit="[0-1]",
        source="000",
        lo=0.0,
        hi=1.0,
        doc="P(an attentive follower grabs while shares remain)",
    )
    thanks: float = param(
        0.6,
        unit="[0-1]",
        source='000 ("those who surface say thanks")',
        lo=0.0,
        hi=1.0,
        doc='P(a grabber posts "thanks")',
    )
    excitement_per_grab: float = param(
        0.08,
        unit="–",
        source="E10 (direction only)",
        lo=0.0,
        hi=10.0,
        doc="posting boost added per grab",
    )
    excitement_half_life: float = param(
        2.0,
        unit="h",
        source="E9, E10 (bursts are short)",
        lo=0.1,
        hi=240.0,
        doc="half-life of the excitement",
    )
    reciprocity: float = param(
        0.18,
        unit="yuan/yuan",
        source="E9",
        lo=0.0,
        hi=1.0,
        doc="expected amount sent back per amount received",
    )
    return_prob: float = param(
        0.3,
        unit="[0-1]",
        source="E9 (mostly the luckiest)",
        lo=0.0,
        hi=1.0,
        doc="P(the luckiest grabber of a packet sends one back)",
    )
    crowd_out: float = param(
        0.01,
        unit="[0-1]",
        source="E11",
        lo=0.0,
        hi=1.0,
        doc="share of intrinsic interest lost per operator packet grabbed",
    )
    expiry_hours: int = param(
        24,
        unit="h",
        source="WeChat rule",
        lo=1,
        hi=240,
        doc="unclaimed shares are refunded after this",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.packets")


@dataclass
class PressureConfig:
    """What pushes members to mute or leave; one cause per exit (docs/domain.md).

    Exposure builds a per-cause pressure that decays with a half-life. Readers face the
    immediate causes each hour they open the group; everyone faces the slow causes once a
    day. Hazard = rate x pressure x role multiplier; causes compete.
    """

    exit_role: PerRole = param(
        factory=lambda: PerRole(0.3, 0.6, 1.0, 2.18),
        unit="x",
        hi=10.0,
        source="003 (the silent are the most likely to leave); silent: calibrated",
        doc="exit-hazard multiplier by role",
    )
    noise_tolerance: float = param(
        40.0,
        unit="msg",
        source="004",
        lo=1.0,
        hi=1000.0,
        doc="irrelevant unread messages before they annoy",
    )
    noise_gain: float = param(
        0.3,
        unit="pressure",
        source="004",
        lo=0.0,
        hi=1000.0,
        doc="pressure per tolerance-worth of excess noise backlog",
    )
    soup_gain: float = param(
        0.15,
        unit="pressure/post",
        source="000 (disgust)",
        lo=0.0,
        hi=1000.0,
        doc="pressure per fixed-time chicken-soup post read",
    )
    spam_gain: float = param(
        0.3,
        unit="pressure/ad",
        source="004",
        lo=0.0,
        hi=1000.0,
        doc="pressure per spam ad read, x group quality",
    )
    sales_gain: float = param(
        0.08,
        unit="pressure/post",
        source="000",
        lo=0.0,
        hi=1000.0,
        doc="pressure per operator sales post read, x (1 - trust)",
    )
    fight_gain: float = param(
        0.01,
        unit="pressure per intensity-hour",
        source="003",
        lo=0.0,
        hi=1000.0,
        doc="pressure per unit of fight intensity read",
    )
    rules_gain: float = param(
        0.3,
        unit="pressure/unit",
        source="002",
        lo=0.0,
        hi=1000.0,
        doc="pressure per unit of imposed-rule enforcement read",
    )
    friend_gain: float = param(
        0.3,
        unit="pressure/friend",
        source="000 (ties)",
        lo=0.0,
        hi=1000.0,
        doc="pressure per friend who leaves",
    )
    half_life_hours: dict[str, float] = param(
        factory=lambda: {
            "ads": 6.0, "noise": 24.0, "fight": 12.0, "rules": 72.0, "friends_left": 72.0,
        },
        unit="h", source=ASSUMPTION, bounds="0.1 to 10000 each",
        doc="half-life of each cause's pressure",
    )  # fmt: skip
    exit_rate: dict[str, float] = param(
        factory=lambda: {
            "ads": 0.02, "noise": 0.01, "fight": 0.04, "rules": 0.02,
            "low_value": 0.03, "friends_left": 0.02,
        },
        unit="1/pressure", source=ASSUMPTION, bounds="0 to 10000 each",
        doc="exit hazard per unit pressure: per opening (immediate causes) or per day (slow)",
    )  # fmt: skip
    mute_rate: dict[str, float] = param(
        factory=lambda: {
            "ads": 0.01, "noise": 0.06, "fight": 0.01, "rules": 0.02,
            "low_value": 0.12, "friends_left": 0.0,
        },
        unit="1/pressure", source=ASSUMPTION, bounds="0 to 10000 each",
        doc="mute hazard per unit pressure, as for exits",
    )  # fmt: skip
    trust_retention: float = param(
        0.6,
        unit="[0-1]",
        source="000",
        lo=0.0,
        hi=1.0,
        doc="share of the slow-cause exit hazard full trust removes",
    )
    sunk_retention: float = param(
        0.6,
        unit="[0-1]",
        source="003, 004",
        lo=0.0,
        hi=1.0,
        doc="share of the slow-cause exit hazard a full sunk cost removes",
    )

    def __post_init__(self):
        p = "behaviour.pressures"
        check_fields(self, p)
        _check_table(f"{p}.half_life_hours", self.half_life_hours, PRESSURE_CAUSES, 0.1, 1e4)
        _check_table(f"{p}.exit_rate", self.exit_rate, EXIT_CAUSES, 0.0, 1e4)
        _check_table(f"{p}.mute_rate", self.mute_rate, EXIT_CAUSES, 0.0, 1e4)


@dataclass
class ValueConfig:
    """Perceived value, satisfaction and trust (003, 000)."""

    content_scale: float = param(
        1.5,
        unit="value/day",
        source=ASSUMPTION,
        lo=0.01,
        hi=10_000.0,
        doc="operator content value read per day that half-satisfies",
    )
    social_scale: float = param(
        15.0,
        unit="msg/day",
        source=ASSUMPTION,
        lo=0.01,
        hi=10_000.0,
        doc="members' substantive messages read per day that half-satisfy",
    )
    friends_scale: float = param(
        3.0,
        unit="persons",
        source=ASSUMPTION,
        lo=0.01,
        hi=10_000.0,
        doc="friends present that half-satisfy",
    )
    smoothing: float = param(
        0.15,
        unit="[0-1] per day",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="weight of today's value in satisfaction, each day",
    )
    low_value: float = param(
        0.35,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.01,
        hi=1.0,
        doc="satisfaction below which low-value pressure starts",
    )
    invite_threshold: float = param(
        0.45,
        unit="[0-1]",
        source="E3",
        lo=0.0,
        hi=0.99,
        doc="satisfaction above which members invite friends",
    )
    privatize: float = param(
        0.5,
        unit="[0-1]",
        source="004 (private friending)",
        lo=0.0,
        hi=1.0,
        doc="social value lost per unit junk share",
    )
    purpose_decay: float = param(
        0.5,
        unit="x/day",
        source="004",
        lo=0.0,
        hi=1.0,
        doc="factor applied daily to purpose and interest after the event",
    )
    trust_gain: float = param(
        0.005,
        unit="1/day",
        source="000, 003",
        lo=0.0,
        hi=1.0,
        doc="trust gained per day of full content value read",
    )
    reply_satisfaction: float = param(
        0.03,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="satisfaction a member gains per operator reply",
    )
    reply_trust: float = param(
        0.01,
        unit="[0-1]",
        source="000",
        lo=0.0,
        hi=1.0,
        doc="trust a member gains per operator reply",
    )
    sales_trust_loss: float = param(
        0.004, unit="1/post", source="000", lo=0.0, hi=1.0, doc="trust lost per sales post read"
    )
    buy_rate: float = param(
        0.01,
        unit="1/post",
        source="000 (trust drives demand)",
        lo=0.0,
        hi=1.0,
        doc="P(buy) per sales post read at trust 1 (x trust^2)",
    )
    demand_rate: float = param(
        0.004,
        unit="1/day",
        source="000 (demand comes by itself)",
        lo=0.0,
        hi=1.0,
        doc="P(buy unprompted) per day at trust 1",
    )
    demand_threshold: float = param(
        0.5,
        unit="[0-1]",
        source="000",
        lo=0.0,
        hi=0.99,
        doc="trust above which unprompted demand starts",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.value")


@dataclass
class InviteConfig:
    """Invitation tree growth (000, E3, E4)."""

    first_days: float = param(
        5.0,
        unit="days",
        source="E3",
        lo=0.1,
        hi=365.0,
        doc="80% of first invitations come within this many days",
    )
    burst_days: float = param(
        2.0,
        unit="days",
        source="E3",
        lo=0.1,
        hi=365.0,
        doc="80% of follow-up invitations come within this many days",
    )
    burst_size: float = param(
        0.4,
        unit="invitations",
        source="E3 (bursts)",
        lo=0.0,
        hi=0.95,
        doc="expected follow-up invitations per successful invitation",
    )
    accept: float = param(
        0.7, unit="[0-1]", source=ASSUMPTION, lo=0.0, hi=1.0, doc="P(an invited friend joins)"
    )
    critic_lapse_days: int = param(
        14,
        unit="days",
        source="003",
        lo=1,
        hi=365,
        doc="a critic silent this long drifts back to onlooker",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.invites")


@dataclass
class SpamConfig:
    """Outside spammers who join by QR code when the group is left open (004)."""

    posts_per_day: float = param(
        1.17,
        unit="1/day",
        source="004; calibrated",
        lo=0.0,
        hi=1000.0,
        doc="ads per spammer per day",
    )
    stay_days: float = param(
        30.0,
        unit="days",
        source=ASSUMPTION,
        lo=0.1,
        hi=36_500.0,
        doc="mean days an unkicked spammer stays",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.spam")


@dataclass
class LifecycleConfig:
    """A group's age: novelty wears off, and life outside pulls members away (001, 003).

    Each member's freshness ``f`` and the group's novelty ``N`` fade towards ``floor``
    with a half-life, and are renewed by what is new: useful content and debates read
    (a member's own ``f``), newcomers (the group's ``N``), meet-ups and relaunches (both).
    A member's interest drifts towards ``baseline x f x N`` instead of a fixed baseline
    (docs/model.md 7.20-7.21).
    """

    novelty: bool = param(
        True, unit="bool", source="001, 003", doc="novelty wears off (False: a group has no age)"
    )
    member_half_life_days: float = param(
        611.0,
        unit="days",
        source="001 (members drift away); size: calibrated",
        lo=1.0,
        hi=36_500.0,
        doc="half-life of a member's freshness above the floor, without renewal",
    )
    group_half_life_days: float = param(
        1420.0,
        unit="days",
        source="003 (a lifecycle, like a product's); size: calibrated",
        lo=1.0,
        hi=36_500.0,
        doc="half-life of the group's novelty above the floor, without newcomers",
    )
    floor: float = param(
        0.503,
        unit="[0-1]",
        source="calibrated",
        lo=0.0,
        hi=1.0,
        doc="freshness and novelty never fall below this",
    )
    renew_content: float = param(
        0.0324,
        unit="1/day",
        source="003 (content is the core); size: calibrated",
        lo=0.0,
        hi=1.0,
        doc="share of a member's lost freshness restored per day of full content value read",
    )
    renew_social: float = param(
        0.00641,
        unit="1/day",
        source="003 (debates); size: calibrated",
        lo=0.0,
        hi=1.0,
        doc="share of a member's lost freshness restored per day of full discussion value read",
    )
    renew_joins: float = param(
        1.0,
        unit="per newcomer share",
        source="001 (new blood); size: assumption",
        lo=0.0,
        hi=10.0,
        doc="share of the group's lost novelty restored per day, x newcomers / members",
    )
    bored_mute_rate: float = param(
        0.0446,
        unit="1/day",
        source="001 (混群: members drift into lurking); size: calibrated",
        lo=0.0,
        hi=1.0,
        doc="mute hazard per follower and day, x how far the group has faded for them",
    )
    drift_rate: float = param(
        0.00248,
        unit="1/day",
        source="assumption (a new job, a move, a new circle); size: calibrated",
        lo=0.0,
        hi=1.0,
        doc="hazard per member and day of drifting away for reasons outside the group",
    )
    drift_mute_share: float = param(
        0.7,
        unit="[0-1]",
        source="003 (most members stay, silent); size: assumption",
        lo=0.0,
        hi=1.0,
        doc="P(a drifting follower mutes rather than leaves); the silent leave",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.lifecycle")


@dataclass
class OperatorConfig:
    """The operator tires: realised effort wanes over months (003, "the monks").

    ``effort = floor + (1 - floor) x 2^(-fatigue / (half_life x team^team_exponent x
    energy))``, where ``fatigue`` counts the days the operator has worked the group
    (a relaunch takes some back), ``team`` is ``policy.team_size`` and ``energy`` the
    founder's trait. Effort thins the posts of content, sales and prompts, the outreach
    contacts, the meet-ups held, the share of members answered and the moderators'
    response; the tactic settings stay what the user set (docs/model.md 7.22).
    """

    fatigue: bool = param(
        True, unit="bool", source="003", doc="effort wanes (False: the operator never tires)"
    )
    half_life_days: float = param(
        460.0,
        unit="days",
        source="003 (one owner alone is not enough); size: calibrated",
        lo=1.0,
        hi=36_500.0,
        doc="half-life of one owner's effort above the floor",
    )
    floor: float = param(
        0.25,
        unit="[0-1]",
        source=ASSUMPTION,
        lo=0.0,
        hi=1.0,
        doc="effort an operator keeps however tired",
    )
    team_exponent: float = param(
        0.5,
        unit="–",
        source="003 (a team shares the load; attention is fragmented); size: assumption",
        lo=0.0,
        hi=2.0,
        doc="a team of n wanes n^exponent times more slowly than one owner",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.operator")


@dataclass
class TraitsConfig:
    """Every group is its own: traits drawn at founding, on the population stream.

    Five draws per group, always in this order and before any member is drawn, so
    replicate r starts from the same group under every policy. Energy, appeal, ties and
    tolerance are lognormal with mean 1 (spread ``sigma``); interest shifts the group
    type's mean interest on the logit scale by a normal draw (docs/model.md 7.23).
    """

    energy_sigma: float = param(
        0.5,
        unit="–",
        source=f"003 (founders differ); size: {ASSUMPTION}",
        lo=0.0,
        hi=3.0,
        doc="spread of the founder's energy (x the operator's effort half-life)",
    )
    appeal_sigma: float = param(
        0.125,
        unit="–",
        source="003 (topics differ); size: calibrated",
        lo=0.0,
        hi=3.0,
        doc="spread of the topic's appeal (x both novelty half-lives)",
    )
    ties_sigma: float = param(
        0.5,
        unit="–",
        source=f"000 (circles differ); size: {ASSUMPTION}",
        lo=0.0,
        hi=3.0,
        doc="spread of the members' tie density (x group.extra_ties)",
    )
    interest_sd: float = param(
        0.5,
        unit="logit",
        source=ASSUMPTION,
        lo=0.0,
        hi=5.0,
        doc="spread of the members' mean interest around group.interest_mean",
    )
    tolerance_sigma: float = param(
        0.713,
        unit="–",
        source="003 (some groups die in days, some last months); size: calibrated",
        lo=0.0,
        hi=3.0,
        doc="spread of how much ads, noise, rules and fights the members put up with",
    )

    def __post_init__(self):
        check_fields(self, "behaviour.traits")


@dataclass
class BehaviourConfig:
    """Member behaviour shared by every group type."""

    attention: AttentionConfig = field(default_factory=AttentionConfig)
    discussion: DiscussionConfig = field(default_factory=DiscussionConfig)
    packets: PacketConfig = field(default_factory=PacketConfig)
    pressures: PressureConfig = field(default_factory=PressureConfig)
    value: ValueConfig = field(default_factory=ValueConfig)
    invites: InviteConfig = field(default_factory=InviteConfig)
    spam: SpamConfig = field(default_factory=SpamConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    operator: OperatorConfig = field(default_factory=OperatorConfig)
    traits: TraitsConfig = field(default_factory=TraitsConfig)


@dataclass
class PolicyConfig:
    """A named bundle of operator tactics, each ``name: {settings}`` (docs/domain.md).

    ``tactics`` is kept as given; each tactic checks its own settings when a model is
    built (``sim.model.tactics.parse_tactics``).
    """

    name: str = param(
        "hands_off", unit="text", source=SETTING, doc="preset name, written to the output tables"
    )
    label: str = param("", unit="text", source=SETTING, doc="description")
    team_size: int = param(
        1,
        unit="persons",
        source="003 (one owner alone is not enough)",
        lo=1,
        hi=50,
        doc="people who run the group; a team tires more slowly (behaviour.operator)",
    )
    tactics: dict[str, Any] = param(
        factory=dict,
        unit="–",
        source=SETTING,
        doc="{tactic: {setting: value}}; unknown tactics or settings are rejected",
    )

    def __post_init__(self):
        check_fields(self, "policy")


@dataclass
class SimConfig:
    """Everything one run needs."""

    seed: int = param(
        0,
        unit="–",
        source=SETTING,
        lo=0,
        hi=2**63 - 1,
        doc="base seed; replicate r uses SeedSequence([seed, r])",
    )
    run: RunConfig = field(default_factory=RunConfig)
    death: DeathConfig = field(default_factory=DeathConfig)
    group: GroupConfig = field(default_factory=GroupConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    matrix: MatrixConfig | None = param(
        None, unit="preset", source=SETTING,
        doc="a matrix of groups (matrix=NAME, configs/matrix/, section 14); null: one group",
    )  # fmt: skip

    def __post_init__(self):
        check_fields(self, "")
        if self.matrix is not None:
            first = min(g.start_day for g in self.matrix.groups.values())
            if first >= self.run.days:
                raise ConfigError(
                    "matrix.groups", f"first founded on day {first}",
                    f"no group is founded within run.days={self.run.days}",
                )  # fmt: skip
        if self.group.initial_members < self.death.min_members:  # dead before it starts
            raise ConfigError(
                "group.initial_members",
                self.group.initial_members,
                f"fewer than death.min_members={self.death.min_members}: the group would be "
                "dead on day 0; raise it or lower death.min_members",
            )
