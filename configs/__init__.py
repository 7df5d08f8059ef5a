"""The Hydra presets, installed with the package as ``sim.configs`` (see pyproject.toml).

``config.yaml`` composes the default run; ``group/`` holds the group types, ``policy/``
the operator policies, ``experiment/`` the named studies and ``hydra/`` the launchers.
This file only makes the folder importable, so the presets are found the same way in an
editable and a regular install (``sim.config.compose.CONFIG_DIR``).
"""
