"""Group and policy presets read for the groups of a matrix (``sim.config.matrix``).

A matrix names a group type and a policy per group; this reads those presets from
``configs/`` as dataclasses, without Hydra (a matrix is built inside a Hydra job, where
Hydra cannot compose again), and builds each group's single-group ``SimConfig``.
"""

from __future__ import annotations

import dataclasses
import functools
from importlib.resources import files

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.matrix import P, check_preset
from sim.config.schema import GroupConfig, PolicyConfig, SimConfig
from sim.core.errors import ConfigError


@functools.cache
def _load(kind: str, name: str):
    """A group or policy preset as its dataclass (cached; callers must not change it)."""
    cls = {"group": GroupConfig, "policy": PolicyConfig}[kind]
    node = OmegaConf.load(str(files("sim.configs").joinpath(kind, f"{name}.yaml")))
    node.pop("defaults", None)
    try:
        return OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(cls), node))
    except OmegaConfBaseException as err:  # a preset file that does not fit its schema
        raise ConfigError(f"{kind} preset", name, f"does not load ({err})") from None


def load_preset(kind: str, name: str, field_name: str):
    """The ``group`` or ``policy`` preset ``name``; ``field_name`` names the setting read.

    Raises:
        ConfigError: no such preset (the message lists the presets there are).
    """
    check_preset(kind, name, field_name)
    return _load(kind, name)


def group_config(cfg: SimConfig, key: str, members: int = 0, launch_day: int = 0) -> SimConfig:
    """The single-group ``SimConfig`` of matrix group ``key`` founded on ``launch_day``.

    Its group type and policy are the preset the matrix names (the run's policy if it
    names none); ``members`` founders (0: the type's ``initial_members``, the matrix's
    ``members`` if set), with founders, thinkers and critics capped to fit; the rest of
    ``cfg`` (behaviour, death rule) is shared, and its horizon ends with the matrix's.

    Raises:
        ConfigError: a preset that does not exist, or a group that would be dead on day 0.
    """
    spec = cfg.matrix.groups[key]
    where = f"{P}.groups.{key}"
    group = load_preset("group", spec.type, f"{where}.type")
    policy = load_preset("policy", spec.policy, f"{where}.policy") if spec.policy else cfg.policy
    n = members or spec.members or group.initial_members
    founders = min(group.founders, n)
    thinkers = min(group.thinkers, founders)
    # its own calendar: day 0 of a group founded on matrix day d is the matrix's day d
    start = (cfg.run.start_day_of_year - 1 + launch_day) % 365 + 1
    run = dataclasses.replace(
        cfg.run, days=max(cfg.run.days - launch_day, 1), replicates=1, start_day_of_year=start
    )
    try:
        group = dataclasses.replace(
            group, initial_members=n, founders=founders, thinkers=thinkers,
            critics=min(group.critics, n - thinkers),
        )  # fmt: skip
        return dataclasses.replace(cfg, group=group, policy=policy, run=run, matrix=None)
    except ConfigError as err:  # e.g. fewer founders than the death rule's minimum
        raise ConfigError(f"{where}.members", n, f"{err.field}: {err.allowed}") from None
