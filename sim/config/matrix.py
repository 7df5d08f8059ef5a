"""Settings of a matrix of groups (seed 004): groups run together over one population.

A matrix is a set of groups, each with its own group type and policy (the presets of
``configs/group/`` and ``configs/policy/``), plus the rules that link them: how many
groups a person may be in at once, how a person's attention is shared, what carries
over from one group to a person's others, and how people move (invitations across
groups, the operator's funnel from event groups, a relaunch that moves a dying group's
living core into a new group). ``configs/matrix/`` holds the presets; ``docs/model.md``
section 14 describes the rules.

Every check here runs before anything is simulated, so a matrix that names an unknown
group type or policy, links to a group it does not have, puts more than 500 members in
a group or a person in more groups than it allows fails with one line.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from importlib.resources import files

from sim.config.fields import ASSUMPTION, SETTING, check_fields, param
from sim.core.constants import MAX_GROUP_SIZE
from sim.core.errors import ConfigError

P = "matrix"


@functools.cache
def preset_names(kind: str) -> tuple[str, ...]:
    """Names of the YAML presets of ``configs/<kind>/``."""
    folder = files("sim.configs").joinpath(kind)
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def check_preset(kind: str, name: str, field_name: str) -> None:
    """Raise ConfigError unless ``configs/<kind>/<name>.yaml`` exists (``field_name`` names it)."""
    if name not in preset_names(kind):
        raise ConfigError(
            field_name, name, f"unknown {kind} preset; one of {', '.join(preset_names(kind))}"
        )


@dataclass
class MatrixGroupConfig:
    """One group of a matrix (or, with ``every_days``, a series of event groups)."""

    type: str = param(
        "relationship", unit="preset", source=SETTING, doc="group type (configs/group/)"
    )
    policy: str = param(
        "", unit="preset", source=SETTING, doc="policy (configs/policy/); empty: the run's policy"
    )
    members: int = param(
        0, unit="persons", source=SETTING, lo=0, hi=MAX_GROUP_SIZE,
        doc="founding members; 0: the group type's initial_members",
    )  # fmt: skip
    start_day: int = param(
        0, unit="day", source=SETTING, lo=0, hi=3650, doc="matrix day the (first) group is founded"
    )
    every_days: int = param(
        0, unit="days", source="004 (temporary groups around events)", lo=0, hi=3650,
        doc="found a new group of this kind every so many days (0: once)",
    )  # fmt: skip
    overlap: float = param(
        0.0, unit="[0-1]", source="004 (the same people in related groups); value: " + ASSUMPTION,
        lo=0.0, hi=1.0,
        doc="share of the founding members drawn from people already in the matrix's groups",
    )  # fmt: skip
    feeds: str = param(
        "", unit="group id", source="004 (temporary groups feed long-term ones)",
        doc="group this one's active members are funnelled into when its event ends",
    )  # fmt: skip

    # checked by MatrixConfig, which knows the group's id for the error message


@dataclass
class SpillConfig:
    """What a person carries from one of their groups to their others (same operator)."""

    ads: float = param(
        0.3, unit="[0-1]", lo=0.0, hi=1.0,
        source="direction 004 (bad money drives out good, within a group); value: " + ASSUMPTION,
        doc="share of the spam ads a person read today in their other groups carried here",
    )  # fmt: skip
    fight: float = param(
        0.2, unit="[0-1]", lo=0.0, hi=1.0, source=ASSUMPTION,
        doc="share of the fights a person read today in their other groups carried here",
    )  # fmt: skip
    trust: float = param(
        0.1, unit="1/day", lo=0.0, hi=1.0,
        source="000 (trust is in the operator, the relationship chain); value: " + ASSUMPTION,
        doc="daily pull of each of a person's trusts toward their mean over their groups",
    )  # fmt: skip

    def __post_init__(self):
        check_fields(self, f"{P}.spill")


@dataclass
class FunnelConfig:
    """The operator's funnel: an ending event group's active members are invited on."""

    share: float = param(
        0.3, unit="[0-1]", lo=0.0, hi=1.0,
        source="004 (temporary groups feed long-term ones); value: " + ASSUMPTION,
        doc="share of the event group's active members who join the group it feeds",
    )  # fmt: skip
    day: int = param(
        2, unit="day of group", lo=0, hi=3650, source=SETTING,
        doc="the event group's day on which the operator invites (its event is over)",
    )  # fmt: skip

    def __post_init__(self):
        check_fields(self, f"{P}.funnel")


@dataclass
class MoveConfig:
    """Relaunch as a move (001's 再建): a dead group's living core starts a new group."""

    moves: int = param(
        0, unit="moves", lo=0, hi=20, source="001 (disband, rebuild); " + SETTING,
        doc="times a group's lineage may be moved into a new group (0: never)",
    )  # fmt: skip
    core_days: int = param(
        30, unit="days", lo=1, hi=365, source=ASSUMPTION,
        doc="the living core: members who posted within this many days of the death",
    )  # fmt: skip
    min_core: int = param(
        5, unit="persons", lo=1, hi=MAX_GROUP_SIZE, source=ASSUMPTION,
        doc="no move with a smaller core",
    )  # fmt: skip

    def __post_init__(self):
        check_fields(self, f"{P}.relaunch")


@dataclass
class MatrixConfig:
    """A matrix of groups (configs/matrix/; docs/model.md section 14)."""

    name: str = param(
        "matrix", unit="text", source=SETTING, doc="preset name, written to the tables"
    )
    label: str = param("", unit="text", source=SETTING, doc="description")
    # no default group: Hydra merges a preset's groups into the default mapping
    groups: dict[str, MatrixGroupConfig] = param(
        factory=dict, unit="–", source=SETTING, doc="{group id: group}; at least one"
    )
    max_memberships: int = param(
        3, unit="groups", lo=1, hi=20, source=ASSUMPTION,
        doc="groups of the matrix a person may be in at once",
    )  # fmt: skip
    attention_split: float = param(
        0.5, unit="–", lo=0.0, hi=1.0, source=ASSUMPTION,
        doc="a person posting in k followed groups posts k^-split as much in each",
    )  # fmt: skip
    cross_invite_share: float = param(
        0.3, unit="[0-1]", lo=0.0, hi=1.0,
        source="004 (related groups draw people in from each other); value: " + ASSUMPTION,
        doc="share of a member's accepted invitations that go to people of their other groups",
    )  # fmt: skip
    active_days: int = param(
        30, unit="days", lo=1, hi=365, source=SETTING,
        doc="a person is active if they posted in some group within this many days",
    )  # fmt: skip
    cohort_day: int = param(
        90, unit="day", lo=0, hi=3650, source=SETTING,
        doc="day the people present are split by their number of groups (stickiness)",
    )  # fmt: skip
    spill: SpillConfig = field(default_factory=SpillConfig)
    funnel: FunnelConfig = field(default_factory=FunnelConfig)
    relaunch: MoveConfig = field(default_factory=MoveConfig)

    def __post_init__(self):
        check_fields(self, P)
        if not self.groups:
            raise ConfigError(f"{P}.groups", {}, "a matrix needs at least one group")
        moves = self.cross_invite_share > 0  # a relaunch move leaves a dead group: no 2nd seat
        for gid, g in self.groups.items():
            where = f"{P}.groups.{gid}"
            if not str(gid).replace("_", "").isalnum():
                raise ConfigError(f"{P}.groups", gid, "group ids are letters, digits and _")
            check_fields(g, where)
            check_preset("group", g.type, f"{where}.type")
            if g.policy:
                check_preset("policy", g.policy, f"{where}.policy")
            if g.feeds and g.feeds not in self.groups:
                raise ConfigError(
                    f"{where}.feeds",
                    g.feeds,
                    f"no such group in the matrix; one of {', '.join(self.groups)}",
                )
            if g.feeds == gid:
                raise ConfigError(f"{where}.feeds", g.feeds, "a group cannot feed itself")
            moves = moves or g.overlap > 0 or (bool(g.feeds) and self.funnel.share > 0)
        if moves and self.max_memberships < 2:
            raise ConfigError(
                f"{P}.max_memberships", self.max_memberships,
                "people would be in more groups than this allows (overlap, cross-group "
                "invitations or a funnel put people in a second group); at least 2, or "
                "switch those off",
            )  # fmt: skip


MATRIX_FIELDS = tuple(f.name for f in fields(MatrixConfig))
