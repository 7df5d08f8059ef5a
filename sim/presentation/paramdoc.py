"""The parameter tables of docs/model.md section 10, generated from the settings' metadata.

Every setting is a ``sim.config.fields.param`` carrying its unit, source, meaning and
range; the group-type and policy presets are composed from ``configs/``. This module
renders them as Markdown, so the document cannot drift from the code:
``python -m sim docs`` rewrites the block in ``docs/model.md``, ``--check`` only
compares (``tests/test_docs.py`` does the same).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from sim.config.compose import CONFIG_DIR, compose
from sim.config.matrix import (
    FunnelConfig,
    MatrixConfig,
    MatrixGroupConfig,
    MoveConfig,
    SpillConfig,
)
from sim.config.schema import (
    BehaviourConfig,
    DeathConfig,
    GroupConfig,
    PerRole,
    PolicyConfig,
    PressureConfig,
    RunConfig,
    SimConfig,
)
from sim.core.causes import EXIT_CAUSES, IMMEDIATE
from sim.core.roles import ROLE_NAMES
from sim.model.tactics import REGISTRY
from sim.presentation.docblocks import read_block, replace_block
from sim.presentation.reports import md_table
from sim.records.io import write_text

PARSES_HELP = True  # argparse prints --help (sim.__main__)

BLOCK = "parameters"
DOC = Path("docs") / "model.md"
HEADER = ["name", "default", "unit", "range", "meaning", "source"]
PER_CAUSE = ("half_life_hours", "exit_rate", "mute_rate")  # shown as one per-cause table


def fmt(value: Any) -> str:
    """A value as YAML would write it: ``true``, ``[9, 12]``, ``{useful: 1.0}``, ``0.55``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, PerRole):
        return " / ".join(fmt(getattr(value, r)) for r in ROLE_NAMES)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if value is None:
        return "null"
    if value == "":
        return '""'
    return str(value)


def _num(x: float) -> str:
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return repr(x)


def range_text(meta: dict) -> str:
    """The allowed range of a setting, e.g. ``0 to 1``, ``>= 1`` (empty: not a number)."""
    if meta.get("bounds"):
        return meta["bounds"]
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None and hi is not None:
        return f"{_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f">= {_num(lo)}"
    if hi is not None:
        return f"0 to {_num(hi)} each" if meta.get("per_role") else f"<= {_num(hi)}"
    return ""


def _fields(cls: type, skip: tuple[str, ...] = ()) -> list[dataclasses.Field]:
    return [
        f
        for f in dataclasses.fields(cls)
        if f.name not in skip and "unit" in f.metadata  # nested configs carry no metadata
    ]


def setting_rows(
    cls: type, prefix: str, skip: tuple[str, ...] = (), obj: Any = None
) -> list[list[str]]:
    """One row per setting of ``cls``: dotted name, default, unit, range, meaning, source.

    Defaults are read from ``obj`` (default: ``cls()``).
    """
    obj = cls() if obj is None else obj
    rows = []
    for f in _fields(cls, skip):
        meta = dict(f.metadata)
        value = getattr(obj, f.name)
        meta["per_role"] = isinstance(value, PerRole)
        default = meta["shown"] or fmt(value)
        name = f"{prefix}.{f.name}" if prefix else f.name
        row = [f"`{name}`", default, meta["unit"], range_text(meta), meta["doc"], meta["source"]]
        rows.append(row)
    return rows


def _group_presets() -> list[str]:
    names = sorted(p.stem for p in Path(CONFIG_DIR, "group").glob("*.yaml"))
    default = GroupConfig().name
    return [default, *(n for n in names if n != default)]


def group_section() -> str:
    """10.2: every group type's values, then what each setting means."""
    presets = _group_presets()
    configs = {p: compose([f"group={p}"]).group for p in presets}
    default = GroupConfig()
    header = ["name", "default", *(f"`{p}`" for p in presets)]
    rows = []
    for f in _fields(GroupConfig, skip=("name", "label")):
        values = [fmt(getattr(configs[p], f.name)) for p in presets]
        rows.append([f"`group.{f.name}`", fmt(getattr(default, f.name)), *values])
    labels = "; ".join(f"`{p}` = {configs[p].label}" for p in presets)
    return "\n\n".join(
        [
            "### 10.2 Group types (`group=<type>`, `configs/group/*.yaml`)",
            "The values of each group type (`default` is the `GroupConfig` dataclass "
            f"default). {labels}.",
            md_table(header, rows),
            md_table(HEADER, setting_rows(GroupConfig, "group")),
        ]
    )


def behaviour_section() -> str:
    """10.3: the member behaviour shared by every group type, one table per submodel."""
    parts = [
        "### 10.3 Member behaviour (`behaviour`, shared by all group types)",
        "Per-role settings list `thinker / critic / onlooker / silent`.",
    ]
    for f in dataclasses.fields(BehaviourConfig):
        cls = f.default_factory
        title = cls.__doc__.strip().splitlines()[0]
        skip = PER_CAUSE if cls is PressureConfig else ()
        parts += [
            f"**{f.name}**: {title}",
            md_table(HEADER, setting_rows(cls, f"behaviour.{f.name}", skip)),
        ]
        if f.name == "attention":
            rhythm = cls().rhythm
            parts.append(
                "Default `behaviour.attention.rhythm`, hours 0-23: "
                + ", ".join(fmt(x) for x in rhythm)
                + "."
            )
        if cls is PressureConfig:
            parts.append(_per_cause_table())
    return "\n\n".join(parts)


def _per_cause_table() -> str:
    p = PressureConfig()
    fields = {f.name: f for f in dataclasses.fields(PressureConfig)}
    header = [
        "cause",
        "kind",
        *(f"`behaviour.pressures.{t}` [{fields[t].metadata['unit']}]" for t in PER_CAUSE),
    ]
    immediate = {EXIT_CAUSES[i] for i in IMMEDIATE}
    rows = []
    for cause in EXIT_CAUSES:
        kind = "immediate (per opening)" if cause in immediate else "slow (per day)"
        rows.append([f"`{cause}`", kind, *(fmt(getattr(p, t).get(cause, "–")) for t in PER_CAUSE)])
    notes = "; ".join(
        f"`behaviour.pressures.{t}`: {fields[t].metadata['doc']} ({fields[t].metadata['source']})"
        for t in PER_CAUSE
    )
    return (
        md_table(header, rows)
        + f"\n\nPer cause: {notes}. Low value has no half-life: its pressure is recomputed "
        "from satisfaction every day."
    )


def _policy_presets() -> dict[str, dict]:
    names = sorted(p.stem for p in Path(CONFIG_DIR, "policy").glob("*.yaml"))
    return {n: compose([f"policy={n}"]).policy.tactics for n in names}


def policy_section() -> str:
    """10.4: the policy fields, then what each preset sets."""
    presets = _policy_presets()
    tactics = sorted({t for p in presets.values() for t in p})
    header = ["setting", *(f"`{p}`" for p in presets)]
    rows = []
    for tactic in tactics:
        settings = list(dict.fromkeys(s for p in presets.values() for s in (p.get(tactic) or {})))
        for setting in settings or ["(defaults)"]:
            cells = []
            for p in presets.values():
                if tactic not in p:
                    cells.append("–")
                elif setting in (p[tactic] or {}):
                    cells.append(fmt(p[tactic][setting]))
                else:
                    cells.append("·")
            rows.append([f"{tactic} `{setting}`", *cells])
    unused = sorted(set(REGISTRY) - set(tactics))
    return "\n\n".join(
        [
            "### 10.4 Policy (`policy=<preset>`, `configs/policy/*.yaml`)",
            md_table(HEADER, setting_rows(PolicyConfig, "policy")),
            "What the presets set: a value is set by the preset's YAML, `·` means the tactic "
            "is on with that setting at its default (10.5), `–` that the preset does not use "
            f"the tactic. No preset uses {', '.join(unused) or 'no other tactic'}.",
            md_table(header, rows),
        ]
    )


def tactics_section() -> str:
    """10.5: every tactic's settings, from its ``Config`` dataclass."""
    parts = ["### 10.5 Tactic settings (defaults from each tactic's `Config` dataclass)"]
    for name in sorted(REGISTRY):
        cls = REGISTRY[name]
        doc = (sys.modules[cls.__module__].__doc__ or "").strip().splitlines()[0]
        path = cls.__module__.replace(".", "/") + ".py"
        parts.append(f"**{name}** (`{path}`): {doc}")
        parts.append(md_table(HEADER, setting_rows(cls.Config, f"policy.tactics.{name}")))
    return "\n\n".join(parts)


def matrix_section() -> str:
    """10.6: the settings of a matrix of groups and what each matrix preset holds."""
    names = sorted(p.stem for p in Path(CONFIG_DIR, "matrix").glob("*.yaml"))
    presets = {n: compose([f"matrix={n}"]).matrix for n in names}
    rows = []
    for n, mx in presets.items():
        for gid, g in mx.groups.items():
            every = (
                f"every {g.every_days} days from day {g.start_day}"
                if g.every_days
                else (f"day {g.start_day}")
            )
            feeds = f"`{g.feeds}`" if g.feeds else "–"
            rows.append([f"`{n}`", f"`{gid}`", f"`{g.type}`", g.policy or "the run's",
                         str(g.members or "type's"), every, fmt(g.overlap), feeds])  # fmt: skip
    header = ["matrix", "group id", "type", "policy", "members", "founded", "overlap", "feeds"]
    return "\n\n".join(
        [
            "### 10.6 Matrix of groups (`matrix=<preset>`, `configs/matrix/*.yaml`, section 14)",
            md_table(
                HEADER,
                setting_rows(
                    MatrixConfig,
                    "matrix",
                    ("groups",),
                    MatrixConfig(groups={"g": MatrixGroupConfig()}),
                )
                + setting_rows(SpillConfig, "matrix.spill")
                + setting_rows(FunnelConfig, "matrix.funnel")
                + setting_rows(MoveConfig, "matrix.relaunch"),
            ),  # fmt: skip
            "Each entry of `matrix.groups` (`matrix.groups.<id>.<setting>`):",
            md_table(HEADER, setting_rows(MatrixGroupConfig, "matrix.groups.<id>")),
            "The presets' groups (settings not shown are at their defaults above: "
            + "; ".join(f"`{n}` = {mx.label}" for n, mx in presets.items())
            + "):",
            md_table(header, rows),
        ]
    )


def render() -> str:
    """The whole generated part of section 10 (10.1 to 10.6)."""
    run = "\n\n".join(
        [
            "### 10.1 Run, seed, death",
            md_table(
                HEADER,
                setting_rows(SimConfig, "")
                + setting_rows(RunConfig, "run")
                + setting_rows(DeathConfig, "death"),
            ),
        ]
    )
    return (
        "\n\n".join(
            [
                run,
                group_section(),
                behaviour_section(),
                policy_section(),
                tactics_section(),
                matrix_section(),
            ]  # fmt: skip
        )
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m sim docs [--check] [--doc PATH]``: write (or check) the tables."""
    ap = argparse.ArgumentParser(
        prog="python -m sim docs", description="Regenerate the parameter tables of docs/model.md."
    )
    ap.add_argument("--doc", type=Path, default=DOC, help=f"the document (default {DOC})")
    ap.add_argument("--check", action="store_true", help="only say whether it is up to date")
    args = ap.parse_args(argv)
    if not args.doc.is_file():
        raise SystemExit(f"docs error: --doc={args.doc} is not allowed: no such file")
    text = args.doc.read_text(encoding="utf-8")
    try:
        current = read_block(text, BLOCK)
    except ValueError as err:
        raise SystemExit(f"docs error: {args.doc}: {err}") from None
    new = render()
    if args.check:
        print(f"{args.doc}: parameter tables are {'up to date' if current == new else 'STALE'}")
        return 0 if current == new else 1
    if current != new:
        write_text(replace_block(text, BLOCK, new), args.doc)
        print(f"{args.doc}: parameter tables rewritten")
    else:
        print(f"{args.doc}: parameter tables already up to date")
    return 0
