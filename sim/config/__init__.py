"""Config: the typed settings of a run, and their composition from ``configs/``.

``sim.config.schema`` holds the settings (``SimConfig`` and its parts), each field a
``sim.config.fields.param`` with unit, source, meaning and range. ``sim.config.compose``
composes them with Hydra from the YAML presets shipped with the package (``sim.configs``,
the repository's ``configs/`` folder); it is the only module of this layer that imports
Hydra, and importing ``sim.config`` does not load it.
"""

from sim.config.schema import (
    AttentionConfig,
    BehaviourConfig,
    DeathConfig,
    DiscussionConfig,
    GroupConfig,
    InviteConfig,
    PacketConfig,
    PerRole,
    PolicyConfig,
    PressureConfig,
    RunConfig,
    SimConfig,
    SpamConfig,
    ValueConfig,
)

__all__ = [
    "AttentionConfig", "BehaviourConfig", "DeathConfig", "DiscussionConfig", "GroupConfig",
    "InviteConfig", "PacketConfig", "PerRole", "PolicyConfig", "PressureConfig", "RunConfig",
    "SimConfig", "SpamConfig", "ValueConfig",
]  # fmt: skip
