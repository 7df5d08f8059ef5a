"""Property-based test of the config layer (issue 13): generated overrides, one at a time.

Keys are real settings, near misses of them (a letter dropped, doubled or swapped) and
made-up names, with or without ``+``; values are numbers of every size, NaN and
infinity, booleans, text, empty strings, lists and nested mappings. For every override,
composing and checking it either gives a valid config holding the value, or raises one
``ConfigError`` whose single line names a field and the value: never another exception,
never a key dropped without a word. The command line reports the same error
(``sim.experiments.cli``; ``tests/test_config.py`` runs it for a sample of cases).
"""

from __future__ import annotations

import dataclasses
import math
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import SimConfig
from sim.config.compose import compose, declared_types
from sim.config.fields import type_error
from sim.core.errors import ConfigError
from sim.model import check_config
from sim.model.tactics import REGISTRY

REAL_KEYS = [k for k in declared_types() if k != "policy.tactics"]
TACTIC_KEYS = [
    f"policy.tactics.{name}.{f.name}"
    for name, tactic in REGISTRY.items()
    for f in dataclasses.fields(tactic.Config)
]
KEYS = REAL_KEYS + TACTIC_KEYS
DECLARED = {
    f"policy.tactics.{name}.{key}": tp
    for name, tactic in REGISTRY.items()
    for key, tp in typing.get_type_hints(tactic.Config).items()
}
DECLARED.update(declared_types())


@st.composite
def near_miss(draw) -> str:
    """A real key with one letter of its last part dropped, doubled or swapped."""
    key = draw(st.sampled_from(KEYS))
    head, _, last = key.rpartition(".")
    i = draw(st.integers(0, len(last) - 1))
    how = draw(st.sampled_from(["drop", "double", "swap"]))
    if how == "drop" and len(last) > 1:
        last = last[:i] + last[i + 1 :]
    elif how == "swap" and i + 1 < len(last) and last[i] != last[i + 1]:
        last = last[:i] + last[i + 1] + last[i] + last[i + 2 :]
    else:
        last = last[:i] + last[i] + last[i:]
    return f"{head}.{last}" if head else last


KEY = st.one_of(
    st.sampled_from(KEYS),
    near_miss(),
    st.sampled_from(["group", "run", "behaviour.pressures", "policy"]).map(lambda h: f"{h}.nosuch"),
)
NUMBER = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-0.0", "0", "1", "0.5", "2.5"]),
)
SCALAR = st.one_of(
    NUMBER.map(str),
    st.sampled_from(["true", "false", "no", "yes", "''", "abc", "null", "[]", "{}"]),
)
JUNK = st.one_of(
    st.lists(SCALAR, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]"),
    st.dictionaries(st.sampled_from(["a", "every_days", "x"]), SCALAR, max_size=2).map(
        lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
    ),
)
VALUE = st.one_of(SCALAR, JUNK)


def _lookup(cfg: SimConfig, key: str):
    """The value at dotted ``key`` of ``cfg`` (tactics are a plain mapping), or KeyError."""
    node: object = cfg
    for part in key.split("."):
        if isinstance(node, dict):
            node = node[part]
        elif dataclasses.is_dataclass(node) and part in {f.name for f in dataclasses.fields(node)}:
            node = getattr(node, part)
        else:
            raise KeyError(key)
    return node


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    suppress_health_check=[HealthCheck.too_slow],
)
@given(key=KEY, value=VALUE, plus=st.booleans())
def test_an_override_is_either_taken_or_named_in_one_line(key, value, plus):
    override = f"{'+' if plus else ''}{key}={value}"
    try:
        cfg = check_config(compose([override]))
    except ConfigError as err:
        line = str(err)
        assert "\n" not in line, line
        assert err.field and line.startswith(f"{err.field}="), line
        assert "is not allowed: " in line, line
        return
    # taken: then the key exists in the config (nothing was dropped without a word) and
    # holds a value of its declared type, finite if a number (nothing coerced)
    found = _lookup(cfg, key)
    declared = DECLARED.get(key)
    if declared is not None:
        assert type_error(declared, found) is None, f"{override} gave {found!r}"
    if isinstance(found, float):
        assert math.isfinite(found), f"{override} accepted a non-finite number"


@pytest.mark.parametrize(
    "override",
    ["+group.initial_member=120", "+behaviour.lifecycle.drift_rat=0.1", "+policy.team=3"],
)
def test_near_misses_are_never_dropped(override):
    """The examples of issue 13: each used to run on with the default."""
    with pytest.raises(ConfigError, match="did you mean"):
        compose([override])
