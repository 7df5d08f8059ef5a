"""groupsim: agent-based simulation of WeChat group engagement under operator strategies.

The package is a stack of layers; each imports only the layers before it (type-hint
imports included; ``tests/test_layers.py`` checks it), so data flows one way:

``core``
    constants, roles, exit causes, feed kinds, the engine's column and state layout,
    errors, the code fingerprint.
``config``
    the typed settings (dataclasses carrying unit and source) and Hydra composition.
``model``
    ``GroupModel`` (the Mesa shell), members, the compiled engine and its submodels, and
    the operator's tactics.
``records``
    a run's daily table and summary row, point ids, reading and writing tables.
``analysis``
    survival statistics, intervals, group summaries and verdicts: tables in, numbers out.
``presentation``
    style, figures and Markdown reports: tables in, files out.
``experiments``
    running points and sweeps, the parallel runner, comparisons, the command line.
``validation``
    probes, scenarios, patterns, the battery, calibration.
``dashboard``
    the live SolaraViz page.

``python -m sim`` is the command line (``sim.__main__``). This module imports nothing,
so importing any part of the package loads only what that part needs.
"""

# The layers, in import order (earliest first). The model fingerprint hashes every layer
# up to and including ``records``: those decide what a run writes (sim.core.fingerprint).
LAYERS = (
    "core", "config", "model", "records", "analysis", "presentation", "experiments",
    "validation", "dashboard",
)  # fmt: skip
