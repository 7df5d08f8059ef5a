"""docs/model.md documents every configuration parameter, by its command-line name.

The parameter tables of section 10 are generated from the settings' metadata
(``python -m sim docs``), and the document must hold exactly what the code generates.

Rule: a parameter is documented when its dotted name appears in the document as an
inline code span, e.g. `behaviour.pressures.noise_tolerance` or
`policy.tactics.red_packets.amount`. Entries of a PerRole table or of a dict-valued
field (e.g. `behaviour.attention.read.thinker`, `behaviour.pressures.exit_rate.ads`)
may instead be documented together: the parent's dotted name as a code span plus each
entry's key as a code span (`thinker`, `ads`), typically a row per parent with one
column per role, or a table with one row per key and one column per parent.

The reverse also holds: a code span that looks like a parameter name (starts with
`run.`, `death.`, `group.`, `behaviour.` or `policy.`) must name a real parameter, so a
renamed or removed parameter cannot linger in the document.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from sim.config import SimConfig
from sim.config.schema import PerRole
from sim.model.tactics import REGISTRY, parse_tactics
from sim.presentation import paramdoc
from sim.presentation.docblocks import read_block, replace_block

DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"
PREFIXES = ("run.", "death.", "group.", "behaviour.", "policy.")


@dataclasses.dataclass(frozen=True)
class Param:
    """One documented name: ``parent`` and ``key`` are set for PerRole and dict entries."""

    name: str
    parent: str | None = None
    key: str | None = None


def _walk(obj: object, prefix: str) -> tuple[list[Param], set[str]]:
    """Leaf parameters of a dataclass instance, and the dotted names of its inner nodes."""
    leaves: list[Param] = []
    nodes: set[str] = set()
    for f in dataclasses.fields(obj):
        name = f"{prefix}.{f.name}" if prefix else f.name
        value = getattr(obj, f.name)
        if isinstance(value, PerRole):
            nodes.add(name)
            leaves += [Param(f"{name}.{r.name}", name, r.name) for r in dataclasses.fields(value)]
        elif dataclasses.is_dataclass(value):
            nodes.add(name)
            sub_leaves, sub_nodes = _walk(value, name)
            leaves += sub_leaves
            nodes |= sub_nodes
        elif isinstance(value, dict):
            nodes.add(name)
            leaves += [Param(f"{name}.{k}", name, str(k)) for k in value]
            if not value:  # e.g. policy.tactics: nothing below it in the defaults
                leaves.append(Param(name))
        else:
            leaves.append(Param(name))
    return leaves, nodes


def _all_params() -> tuple[list[Param], set[str]]:
    leaves, nodes = _walk(SimConfig(), "")
    parse_tactics({})  # imports every tactic module, filling the registry
    assert REGISTRY, "no tactics registered"
    for name, cls in sorted(REGISTRY.items()):
        prefix = f"policy.tactics.{name}"
        nodes.add(prefix)
        sub_leaves, sub_nodes = _walk(cls.Config(), prefix)
        leaves += sub_leaves
        nodes |= sub_nodes
    return leaves, nodes


LEAVES, NODES = _all_params()


def code_spans(markdown: str) -> set[str]:
    """Inline code spans of a markdown text (fenced blocks skipped, whitespace collapsed)."""
    text = re.sub(r"^```.*?^```[^\n]*$", "", markdown, flags=re.S | re.M)
    return {" ".join(s.split()) for s in re.findall(r"`([^`]+)`", text)}


@pytest.fixture(scope="module")
def spans() -> set[str]:
    assert DOC.exists(), f"{DOC} is missing"
    return code_spans(DOC.read_text(encoding="utf-8"))


def test_code_spans():
    text = "a `run.days` b `x\ny` c\n```bash\npython -m sim `run.bogus`\n```\n`seed`"
    assert code_spans(text) == {"run.days", "x y", "seed"}


def test_walk_finds_the_parameters():
    names = {p.name for p in LEAVES}
    # a few known names, so a broken walk cannot pass vacuously
    for name in (
        "seed", "run.days", "death.quiet_days", "group.base_value",
        "behaviour.pressures.noise_tolerance", "behaviour.attention.read.thinker",
        "behaviour.pressures.exit_rate.ads", "policy.tactics.red_packets.amount",
    ):  # fmt: skip
        assert name in names
    assert len(names) > 150


@pytest.mark.parametrize("param", LEAVES, ids=lambda p: p.name)
def test_parameter_is_documented(param: Param, spans: set[str]):
    if param.name in spans:
        return
    assert param.parent is not None, f"`{param.name}` is not documented in docs/model.md"
    assert param.parent in spans and param.key in spans, (
        f"`{param.name}` is not documented in docs/model.md: give it a row, or document "
        f"`{param.parent}` together with its key `{param.key}`"
    )


def test_documented_names_exist(spans: set[str]):
    known = {p.name for p in LEAVES} | NODES
    stale = sorted(s for s in spans if s.startswith(PREFIXES) and s not in known)
    assert not stale, f"docs/model.md names parameters that do not exist: {stale}"


def test_parameter_tables_are_what_the_code_generates():
    block = read_block(DOC.read_text(encoding="utf-8"), paramdoc.BLOCK)
    assert block == paramdoc.render(), (
        "docs/model.md section 10 differs from the settings' metadata: run python -m sim docs"
    )


def _settings(obj: object, prefix: str):
    """(dotted name, field) of every setting below a config instance."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        name = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value) and not isinstance(value, PerRole):
            yield from _settings(value, name)
        else:
            yield name, f


def test_every_setting_carries_unit_source_and_meaning():
    settings = list(_settings(SimConfig(), ""))
    for name, cls in REGISTRY.items():
        settings += list(_settings(cls.Config(), f"policy.tactics.{name}"))
    assert len(settings) > 150
    missing = [
        n for n, f in settings if not all(f.metadata.get(k) for k in ("unit", "source", "doc"))
    ]
    assert not missing, f"settings without unit, source or meaning: {missing}"


def test_generated_blocks_are_replaced_whole():
    text = "a\n<!-- BEGIN GENERATED x: cmd -->\nold\n<!-- END GENERATED x -->\nb\n"
    new = replace_block(text, "x", "new")
    assert read_block(new, "x") == "new\n" and new.startswith("a\n") and new.endswith("b\n")
    with pytest.raises(ValueError, match="no generated block"):
        read_block(text, "y")
