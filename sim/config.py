"""Typed configuration: run settings, group types, member behaviour, operator policy.

Every field carries its unit and source in a comment. Seed files are cited by their
number prefix (000-004, see ``../shared/seeds``), published figures by their row in
``../shared/evidence.md`` (E1-E12). "assumption" marks a value chosen for the model
with no source; those are the knobs a calibration study should vary.

Instances validate themselves in ``__post_init__`` so an impossible value fails before
anything runs, with a ``ConfigError`` naming the field, the value and what is allowed.
``sim`` does not need Hydra: build ``SimConfig()`` directly, or let ``sim.cli`` compose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.roles import PerRole
from sim.validation import ConfigError, check_choice, check_range

MAX_GROUP_SIZE = 500  # platform cap on members (E12)
QR_JOIN_LIMIT = 100  # joining by QR code stops at this size (004, E12)

# Relative attention by hour of day, peak = 1: morning, lunch and evening peaks
# (issue #2 spec; the shape is an assumption, no seed gives hourly data).
DEFAULT_RHYTHM = [
    0.05, 0.02, 0.01, 0.01, 0.01, 0.03, 0.15, 0.45, 0.7, 0.5, 0.4, 0.45,
    0.9, 0.7, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7, 0.9, 1.0, 0.8, 0.3,
]  # fmt: skip


@dataclass
class RunConfig:
    """How long and how often to run one configuration point."""

    days: int = 365  # horizon [days]; groups alive at the end are right-censored
    replicates: int = 1  # replicate seeds run per point (seeds derived from `seed`)
    start_day_of_year: int = 1  # calendar day of year of day 0, for holidays [1-365]
    # days of the year with holiday greetings/packets: New Year, Spring Festival, Qingming,
    # Labour Day, Dragon Boat, Mid-Autumn, National Day (approximate; 000 "holidays")
    holidays: list[int] = field(default_factory=lambda: [1, 41, 95, 121, 160, 260, 274])

    def __post_init__(self):
        check_range("run.days", self.days, 1, 3650)
        check_range("run.replicates", self.replicates, 1, 10_000)
        check_range("run.start_day_of_year", self.start_day_of_year, 1, 365)
        for d in self.holidays:
            check_range("run.holidays[]", d, 1, 365)


@dataclass
class DeathConfig:
    """When a group counts as dead (documented rule, see docs/model.md)."""

    quiet_days: int = 7  # consecutive quiet days that end a group [days] (E1: silent in 7 d)
    min_member_messages: int = 3  # a day with fewer member messages than this is quiet
    min_members: int = 3  # a group with fewer members than this is dead [persons]

    def __post_init__(self):
        check_range("death.quiet_days", self.quiet_days, 1, 365)
        check_range("death.min_member_messages", self.min_member_messages, 1, 10_000)
        check_range("death.min_members", self.min_members, 1, MAX_GROUP_SIZE)


@dataclass
class GroupConfig:
    """A group type: who is in it and what they get from it (domain.md section 1)."""

    name: str = "relationship"
    label: str = "relationship group (alumni, hometown, former colleagues)"
    initial_members: int = 80  # members at day 0 [persons] (issue #2: 60-100)
    founders: int = 12  # of those, invited by the owner directly; the rest by a founder (000, E4)
    thinkers: int = 2  # initial thinkers [persons] (003: 1-2 per group)
    critics: int = 4  # initial critics [persons] (003: "a few")
    silent_share: float = 0.55  # share who mute the group on joining [0-1] (assumption; 003)
    extra_ties: float = 3.0  # mean acquaintances besides inviter/invitees [ties] (000)
    base_value: float = 0.35  # daily value of belonging, content aside [0-1] (003)
    content_weight: float = 0.2  # weight of operator content in daily value [0-1] (003)
    social_weight: float = 0.3  # weight of members' discussion in daily value [0-1] (003)
    tie_weight: float = 0.3  # weight of friends present in daily value [0-1] (000, 003)
    chitchat_share: float = 0.5  # share of member posts that are chit-chat [0-1] (004)
    interest_mean: float = 0.6  # mean intrinsic interest of a new member [0-1] (assumption)
    trust_initial: float = 0.5  # mean initial trust in the group/operator [0-1] (000)
    authority: float = 0.3  # how unassailable thinkers are [0-1] (003)
    spam_attraction: float = 0.05  # spammer join attempts per day while QR is open [1/day] (004)
    entry_fee: float = 0.0  # paid to join [yuan] (004: paid groups, sunk cost)
    purpose_days: int = 0  # event groups: days until the event is over; 0 = lasting (004)
    price: float = 50.0  # revenue per purchase [yuan] (assumption)
    invite_rate: float = 0.6  # friends a satisfied newcomer invites [persons] (E3)

    def __post_init__(self):
        g = "group"
        check_range(f"{g}.initial_members", self.initial_members, 2, MAX_GROUP_SIZE)
        check_range(f"{g}.founders", self.founders, 1, self.initial_members)
        check_range(f"{g}.thinkers", self.thinkers, 0, self.founders)  # thinkers are founders
        check_range(f"{g}.critics", self.critics, 0, self.initial_members - self.thinkers)
        for name in (
            "silent_share", "base_value", "content_weight", "social_weight", "tie_weight",
            "chitchat_share", "interest_mean", "trust_initial", "authority",
        ):  # fmt: skip
            check_range(f"{g}.{name}", getattr(self, name), 0.0, 1.0)
        for name in ("interest_mean", "trust_initial"):  # beta-distributed: open interval
            check_range(f"{g}.{name}", getattr(self, name), 0.01, 0.99)
        check_range(f"{g}.extra_ties", self.extra_ties, 0.0, 50.0)
        check_range(f"{g}.spam_attraction", self.spam_attraction, 0.0, 100.0)
        check_range(f"{g}.entry_fee", self.entry_fee, 0.0)
        check_range(f"{g}.purpose_days", self.purpose_days, 0, 3650)
        check_range(f"{g}.price", self.price, 0.0)
        check_range(f"{g}.invite_rate", self.invite_rate, 0.0, 20.0)


@dataclass
class AttentionConfig:
    """When members open the group and how much they post (seed 003, issue #2)."""

    rhythm: list[float] = field(default_factory=lambda: list(DEFAULT_RHYTHM))
    # P(open the group) in a peak hour, by role [1/h] (003: silent do not follow)
    read: PerRole = field(default_factory=lambda: PerRole(0.6, 0.5, 0.3, 0.01))
    # expected messages per opening at interest 1, by role [msg] (003: 4-5 people talk)
    post: PerRole = field(default_factory=lambda: PerRole(0.8, 0.4, 0.001, 0.0))
    activity_sigma: float = 0.6  # lognormal spread of members' activity (E6, E7: heavy tail)
    interest_recovery_days: float = 60.0  # interest drifts back to baseline [days] (assumption)

    def __post_init__(self):
        if len(self.rhythm) != 24:
            raise ConfigError("behaviour.attention.rhythm", self.rhythm, "needs 24 hourly values")
        for h, w in enumerate(self.rhythm):
            check_range(f"behaviour.attention.rhythm[{h}]", w, 0.0, 1.0)
        self.read.validate("behaviour.attention.read", 1.0)
        self.post.validate("behaviour.attention.post", 20.0)
        check_range("behaviour.attention.activity_sigma", self.activity_sigma, 0.0, 3.0)
        check_range("behaviour.attention.interest_recovery_days", self.interest_recovery_days, 1.0)


@dataclass
class DiscussionConfig:
    """Thinker -> critic -> onlooker chains and fights (seed 003)."""

    spark: float = 1.0  # heat added per thinker post [heat/msg] (003)
    critic_gain: float = 0.6  # heat added per critic post [heat/msg] (003)
    heat_decay: float = 0.5  # share of heat left after an hour [0-1] (assumption)
    critic_pull: float = 0.8  # critic posting boost per unit heat x (1 - authority) (003)
    onlooker_pull: float = 0.5  # onlooker posting boost per unit heat (003)
    draw_in: float = 0.02  # P(onlooker becomes critic) per post in a debate (003)
    qa_discourage: float = 0.05  # interest lost per unanswered question (003)
    prompt_heat: float = 2.0  # heat a reader of a discussion prompt feels (003: draw in)
    heat_cap: float = 4.0  # felt heat saturates: felt = heat / (1 + heat / cap) (assumption)
    fight_threshold: float = 5.0  # heat above which a debate can turn into a fight (003)
    fight_rate: float = 0.02  # fight hazard per unit heat above threshold [1/h] (003)
    fight_growth: float = 1.3  # intensity multiplier per unmoderated hour (003: escalates)
    fight_burnout: float = 0.08  # P(fight dies down by itself) per hour (assumption)
    fight_posts: float = 0.5  # posting-rate boost per unit fight intensity, debaters (003)

    def __post_init__(self):
        p = "behaviour.discussion"
        for name in ("heat_decay", "draw_in", "qa_discourage", "fight_burnout"):
            check_range(f"{p}.{name}", getattr(self, name), 0.0, 1.0)
        for name in (
            "spark", "critic_gain", "critic_pull", "onlooker_pull", "prompt_heat",
            "heat_cap", "fight_threshold",
            "fight_rate", "fight_posts",
        ):  # fmt: skip
            check_range(f"{p}.{name}", getattr(self, name), 0.0, 100.0)
        check_range(f"{p}.fight_growth", self.fight_growth, 1.0, 10.0)
        check_range(f"{p}.heat_cap", self.heat_cap, 0.1, 100.0)


@dataclass
class PacketConfig:
    """Red packets (000, E9-E11)."""

    grab: float = 0.8  # P(an attentive reader grabs while shares remain) (000)
    thanks: float = 0.6  # P(a grabber posts "thanks") (000: "those who surface say thanks")
    excitement_per_grab: float = 0.08  # posting boost added per grab (E10, direction only)
    excitement_half_life: float = 2.0  # [h] bursts are short (E9, E10)
    reciprocity: float = 0.18  # units sent back per unit received within 24 h (E9)
    return_prob: float = 0.3  # P(the luckiest grabber sends one back) (E9: mostly luckiest)
    crowd_out: float = 0.01  # share of intrinsic interest lost per operator packet grabbed (E11)
    expiry_hours: int = 24  # unclaimed shares are refunded after this [h] (WeChat rule)

    def __post_init__(self):
        p = "behaviour.packets"
        for name in ("grab", "thanks", "return_prob", "crowd_out", "reciprocity"):
            check_range(f"{p}.{name}", getattr(self, name), 0.0, 1.0)
        check_range(f"{p}.excitement_per_grab", self.excitement_per_grab, 0.0, 10.0)
        check_range(f"{p}.excitement_half_life", self.excitement_half_life, 0.1, 240.0)
        check_range(f"{p}.expiry_hours", self.expiry_hours, 1, 240)


@dataclass
class PressureConfig:
    """What pushes members to mute or leave; one cause per exit (domain.md section 3).

    Exposure builds a per-cause pressure that decays with a half-life. Readers face
    the immediate causes each hour they open the group; everyone faces the slow causes
    once a day. Hazard = rate x pressure x role multiplier; causes compete.
    """

    exit_role: PerRole = field(default_factory=lambda: PerRole(0.3, 0.6, 1.0, 2.0))  # (003)
    noise_tolerance: float = 40.0  # irrelevant unread messages before they annoy [msg] (004)
    noise_gain: float = 0.3  # pressure per tolerance-worth of excess backlog (004)
    soup_gain: float = 0.15  # pressure per fixed-time chicken-soup post (000: disgust)
    spam_gain: float = 0.3  # pressure per spam ad read x group quality (004)
    sales_gain: float = 0.08  # pressure per operator sales post x (1 - trust) (000)
    fight_gain: float = 0.01  # pressure per unit of fight intensity read (003)
    rules_gain: float = 0.3  # pressure per unit of imposed-rule enforcement read (002)
    friend_gain: float = 0.3  # pressure per friend who leaves (000: ties)
    half_life_hours: dict[str, float] = field(
        default_factory=lambda: {
            "ads": 6.0, "noise": 24.0, "fight": 12.0, "rules": 72.0, "friends_left": 72.0,
        }
    )  # fmt: skip
    exit_rate: dict[str, float] = field(
        default_factory=lambda: {
            "ads": 0.02, "noise": 0.01, "fight": 0.04, "rules": 0.02,
            "low_value": 0.03, "friends_left": 0.02,
        }
    )  # fmt: skip  # hazard per unit pressure: per opening (immediate) or per day (slow)
    mute_rate: dict[str, float] = field(
        default_factory=lambda: {
            "ads": 0.01, "noise": 0.06, "fight": 0.01, "rules": 0.02,
            "low_value": 0.12, "friends_left": 0.0,
        }
    )  # fmt: skip
    trust_retention: float = 0.6  # share of slow-cause hazard that full trust removes (000)
    sunk_retention: float = 0.6  # share of slow-cause hazard a paid threshold removes (003, 004)

    def __post_init__(self):
        from sim.hazards import EXIT_CAUSES, PRESSURE_CAUSES

        p = "behaviour.pressures"
        self.exit_role.validate(f"{p}.exit_role", 10.0)
        for name in (
            "noise_tolerance", "noise_gain", "soup_gain", "spam_gain", "sales_gain",
            "fight_gain", "rules_gain", "friend_gain",
        ):  # fmt: skip
            check_range(f"{p}.{name}", getattr(self, name), 0.0, 1000.0)
        check_range(f"{p}.noise_tolerance", self.noise_tolerance, 1.0)
        for name in ("trust_retention", "sunk_retention"):
            check_range(f"{p}.{name}", getattr(self, name), 0.0, 1.0)
        for table, keys in (
            ("half_life_hours", PRESSURE_CAUSES),
            ("exit_rate", EXIT_CAUSES),
            ("mute_rate", EXIT_CAUSES),
        ):
            values = getattr(self, table)
            for key in values:
                check_choice(f"{p}.{table} key", key, keys)
            for key in keys:
                if key not in values:
                    raise ConfigError(f"{p}.{table}.{key}", None, "a value is required")
                lo = 0.1 if table == "half_life_hours" else 0.0
                check_range(f"{p}.{table}.{key}", values[key], lo, 10_000.0)


@dataclass
class ValueConfig:
    """Perceived value, satisfaction and trust (003, 000)."""

    content_scale: float = 1.5  # operator content value read per day that half-satisfies
    social_scale: float = 15.0  # members' substantive messages read per day that half-satisfy
    friends_scale: float = 3.0  # friends present that half-satisfy [persons]
    smoothing: float = 0.15  # daily weight of today's value in satisfaction [0-1] (assumption)
    low_value: float = 0.35  # satisfaction below which low-value pressure starts [0-1]
    invite_threshold: float = 0.45  # satisfaction above which members invite friends (E3)
    privatize: float = 0.5  # social value lost per unit junk share (004: private friending)
    purpose_decay: float = 0.5  # share of value and interest kept each day after the event (004)
    trust_gain: float = 0.005  # trust gained per day of full value read (000, 003)
    reply_satisfaction: float = 0.03  # satisfaction a member gains when the operator replies
    reply_trust: float = 0.01  # trust a member gains when the operator replies (000)
    sales_trust_loss: float = 0.004  # trust lost per sales post read (000)
    buy_rate: float = 0.01  # P(buy) per sales post read at trust 1 (000: trust drives demand)
    demand_rate: float = 0.004  # P(buy unprompted) per day at trust 1 (000: demand comes)
    demand_threshold: float = 0.5  # trust above which unprompted demand starts (000)

    def __post_init__(self):
        p = "behaviour.value"
        for name in ("content_scale", "social_scale", "friends_scale"):
            check_range(f"{p}.{name}", getattr(self, name), 0.01, 10_000.0)
        for name in (
            "smoothing", "low_value", "invite_threshold", "privatize", "purpose_decay",
            "trust_gain", "reply_satisfaction", "reply_trust", "sales_trust_loss", "buy_rate",
            "demand_rate", "demand_threshold",
        ):  # fmt: skip
            check_range(f"{p}.{name}", getattr(self, name), 0.0, 1.0)
        check_range(f"{p}.low_value", self.low_value, 0.01, 1.0)
        check_range(f"{p}.invite_threshold", self.invite_threshold, 0.0, 0.99)
        check_range(f"{p}.demand_threshold", self.demand_threshold, 0.0, 0.99)


@dataclass
class InviteConfig:
    """Invitation tree growth (000, E3, E4)."""

    first_days: float = 5.0  # 80% of first invitations within this many days (E3)
    burst_days: float = 2.0  # 80% of consecutive invitations within this many days (E3)
    burst_size: float = 0.4  # expected follow-up invitations per invitation (E3: bursts)
    accept: float = 0.7  # P(an invited friend joins) (assumption)
    critic_lapse_days: int = 14  # a critic silent this long drifts back to onlooker (003)

    def __post_init__(self):
        p = "behaviour.invites"
        check_range(f"{p}.first_days", self.first_days, 0.1, 365.0)
        check_range(f"{p}.burst_days", self.burst_days, 0.1, 365.0)
        check_range(f"{p}.burst_size", self.burst_size, 0.0, 0.95)
        check_range(f"{p}.accept", self.accept, 0.0, 1.0)
        check_range(f"{p}.critic_lapse_days", self.critic_lapse_days, 1, 365)


@dataclass
class SpamConfig:
    """Outside spammers who join by QR code when the group is left open (004)."""

    posts_per_day: float = 2.0  # ads per spammer per day [1/day] (004)
    stay_days: float = 30.0  # mean days an unkicked spammer stays (assumption)

    def __post_init__(self):
        check_range("behaviour.spam.posts_per_day", self.posts_per_day, 0.0, 1000.0)
        check_range("behaviour.spam.stay_days", self.stay_days, 0.1, 36500.0)


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


@dataclass
class PolicyConfig:
    """A named bundle of operator tactics, each ``name: {settings}`` (domain.md section 4)."""

    name: str = "hands_off"
    label: str = ""
    tactics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        from sim.tactics import parse_tactics

        self.parsed = parse_tactics(self.tactics)  # raises ConfigError on bad input


@dataclass
class SimConfig:
    """Everything one run needs."""

    seed: int = 0  # base seed; replicate r uses SeedSequence([seed, r])
    run: RunConfig = field(default_factory=RunConfig)
    death: DeathConfig = field(default_factory=DeathConfig)
    group: GroupConfig = field(default_factory=GroupConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)

    def __post_init__(self):
        check_range("seed", self.seed, 0, 2**63 - 1)
