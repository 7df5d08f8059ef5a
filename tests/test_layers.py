"""The package's layers import one way, and no circle of imports remains.

Every import statement of every module counts, wherever it stands: at module level,
inside a function, or under ``if TYPE_CHECKING:`` (a type-hint import is still a
dependency a reader must follow). A module of layer k may import layers 0 .. k (its own
included) but never a later one, and the module-to-module import graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim
from sim import LAYERS

ROOT = Path(sim.__file__).resolve().parent
# Not layers: the package's table of contents (imports nothing) and the command line
# (the top, dispatching to any layer); the presets are data.
# (and the aliases python -m sim.optimize, sim.compare, sim.sensitivity of its commands)
ENTRY = {"sim", "sim.__main__", "sim.optimize", "sim.compare", "sim.sensitivity"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(path: Path, name: str) -> set[str]:
    """The ``sim`` modules a module imports.

    ``from a import b`` counts as importing ``a`` and, when ``a.b`` is a module, ``a.b``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                found.add(target)
    if "pkgutil.iter_modules(__path__)" in path.read_text(encoding="utf-8"):
        # a package that imports all its modules at run time (the tactics registry)
        found |= {m for m in MODULES if m.rpartition(".")[0] == name}
    return found


GRAPH = {name: imports_of(path, name) for name, path in MODULES.items()}


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_is_in_a_layer():
    stray = [
        n
        for n in MODULES
        if n not in ENTRY and layer_of(n) is None and not n.startswith("sim.configs")
    ]
    assert not stray, f"modules outside the layers {LAYERS}: {stray}"
    assert {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("_")} == {
        *LAYERS
    }


def test_the_root_module_imports_no_layer():
    assert not GRAPH["sim"], GRAPH["sim"]


@pytest.mark.parametrize("name", [n for n in MODULES if layer_of(n)])
def test_imports_only_earlier_layers(name):
    mine = LAYERS.index(layer_of(name))
    later = sorted(t for t in GRAPH[name] if layer_of(t) and LAYERS.index(layer_of(t)) > mine)
    assert not later, f"{name} (layer {layer_of(name)}) imports later layers: {later}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a list of nodes, or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in graph:
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_no_import_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_checks_can_fail():
    """The cycle finder and the layer map see what they must (so passing means something)."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert "sim.model.group" in GRAPH["sim.experiments.runner"] or (
        "sim.model" in GRAPH["sim.experiments.runner"]
    )
    # type-hint imports count: the tactics' base module sees the effects it types against
    assert "sim.model.effects" in GRAPH["sim.model.tactics.base"]
    assert layer_of("sim.presentation.figures") == "presentation"
    # the tactics package imports every tactic module at run time
    assert "sim.model.tactics.rules" in GRAPH["sim.model.tactics"]
