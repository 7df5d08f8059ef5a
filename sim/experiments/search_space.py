"""Search spaces of operator strategies: which tactic settings vary, within which bounds.

A space is a YAML file under ``configs/search/`` (or any path)::

    description: one line on what the space is for
    base: feelings           # the policy preset strategies start from (its tactics)
    team_size: [1, 4]        # the operator team: a range, or a fixed number
    tactics:
      sales:
        switch: true         # the search also decides whether the tactic is on (default)
        per_day: [0.0, 1.5]  # a range; whole numbers for a whole-number setting
        start_day: {low: 0, high: 365}
        amount: {low: 1.0, high: 100.0, log: true}   # searched on a log scale
        mode: {choices: [imposed, agreed]}           # a category (texts, true/false)
        hours: [10, 21]      # a fixed value: any other value than a range or choices
      content:
        switch: false        # always on
        per_day.useful: [0.0, 3.0]   # an entry of a mapping setting

A tactic of ``base`` that the space does not name stays as the preset has it; a named
tactic starts from the preset's settings (or the tactic's defaults) and takes the
space's fixed and searched values over them. Every setting and bound is checked against
the tactic's own checks before anything runs (:func:`read_space`): unknown tactics or
settings, bounds outside a setting's allowed range, and a space with nothing to search
are one-line ``ConfigError`` s.

Only operator *choices* belong in a space (how often to sell, how much to give); how
members respond to them (``meetups.attend``, ``outreach.success``) is a property of the
world, varied by the sensitivity analysis, not by the search.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from sim.config.compose import as_config_error, compose
from sim.config.fields import field_types, meta, unknown_name
from sim.core.errors import ConfigError, check_range
from sim.model.tactics import REGISTRY, parse_tactics

SPACE_KEYS = ("description", "base", "team_size", "tactics")
TEAM = "team_size"  # the parameter name of the operator team's size
ON = "on"  # "<tactic>.on": whether a switchable tactic is on


@dataclass(frozen=True)
class Dimension:
    """One searched setting.

    Attributes:
        name: the parameter's name, ``<tactic>.<setting>[.<key>]`` or ``team_size``.
        kind: ``"int"``, ``"float"`` or ``"choice"``.
        low, high: the range (numbers).
        log: searched on a log scale.
        choices: the categories (``kind == "choice"``).
        tactic: the tactic it belongs to (None for ``team_size``).
    """

    name: str
    kind: str
    low: float = math.nan
    high: float = math.nan
    log: bool = False
    choices: tuple = ()
    tactic: str | None = None


@dataclass(frozen=True)
class Space:
    """A checked search space (see the module docstring).

    Attributes:
        name: the file's stem.
        description: what it is for.
        base: the policy preset strategies start from.
        base_tactics: that preset's tactics, ``{tactic: {setting: value}}``.
        base_team: that preset's team size.
        switches: tactics whose being on is searched.
        fixed: fixed settings per named tactic, ``{tactic: {setting: value}}``.
        dimensions: the searched settings, in file order.
        team: the team-size dimension, or None when fixed.
        team_fixed: the fixed team size (when ``team`` is None).
    """

    name: str
    description: str
    base: str
    base_tactics: Mapping[str, Mapping[str, Any]]
    base_team: int
    switches: tuple[str, ...]
    fixed: Mapping[str, Mapping[str, Any]]
    dimensions: tuple[Dimension, ...]
    team: Dimension | None
    team_fixed: int

    @property
    def tactics(self) -> tuple[str, ...]:
        """Every tactic the space names."""
        return tuple(self.fixed)

    def n_parameters(self) -> int:
        """Searched parameters: settings, switches and the team size."""
        return len(self.dimensions) + len(self.switches) + (self.team is not None)


def spaces_dir() -> Path:
    """``configs/search/``, inside the installed package."""
    return Path(str(files("sim.configs").joinpath("search")))


def space_names() -> list[str]:
    """The spaces shipped with the package."""
    return sorted(p.stem for p in spaces_dir().glob("*.yaml"))


def space_path(name: str) -> Path:
    """The file of space ``name``: a shipped space's name, or a path to a YAML file.

    Raises:
        ConfigError: neither a shipped space nor an existing ``.yaml`` file.
    """
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ConfigError("search", name, "no such file")
        return path
    if name not in space_names():
        raise unknown_name("search", name, space_names(), name, "search space")
    return spaces_dir() / f"{name}.yaml"


def _load(path: Path) -> dict:
    try:
        with path.open() as f:  # a stream: YAML errors name the file
            data = yaml.safe_load(f)
    except yaml.YAMLError as err:
        raise as_config_error(err) or ConfigError(
            "search", str(path), "must be valid YAML"
        ) from None
    except OSError as err:
        raise ConfigError("search", str(path), f"must be readable ({err.strerror})") from None
    if not isinstance(data, dict):
        raise ConfigError("search", str(path), "must be a mapping (description, base, tactics)")
    for key in data:
        if key not in SPACE_KEYS:
            raise unknown_name(f"search.{key}", data[key], SPACE_KEYS)
    return data


def _setting_type(tactic: str, setting: str, where: str) -> Any:
    """The declared type of ``setting`` (``per_day.useful``: an entry of a mapping)."""
    cls = REGISTRY[tactic].Config
    head, _, key = setting.partition(".")
    types = field_types(cls)
    if head not in types:
        raise unknown_name(where, setting, types, head)
    tp = types[head]
    if key:
        args = getattr(tp, "__args__", ())
        if getattr(tp, "__origin__", None) is not dict or len(args) != 2:
            raise ConfigError(where, setting, f"{head} is not a mapping: no entry {key!r}")
        return args[1]
    return tp


def _with_value(settings: Mapping[str, Any], setting: str, value: Any) -> dict:
    """A copy of a tactic's settings with ``setting`` (maybe ``map.key``) set to ``value``."""
    out = copy.deepcopy(dict(settings))
    head, _, key = setting.partition(".")
    if key:
        out[head] = {**dict(out.get(head) or {}), key: value}
    else:
        out[head] = value
    return out


def _check_value(tactic: str, settings: Mapping[str, Any], setting: str, value: Any, where: str):
    """Raise the tactic's own error for ``value``, restated for the space's field."""
    try:
        parse_tactics({tactic: _with_value(settings, setting, value)})
    except ConfigError as err:
        raise ConfigError(where, value, f"{err.allowed} (as {err.field})") from None


def _dimension(tactic: str, setting: str, spec: Any, settings: Mapping, where: str):
    """A ``Dimension`` for a searched spec, or None for a fixed value."""
    tp = _setting_type(tactic, setting, where)
    if isinstance(spec, dict):
        extra = set(spec) - {"low", "high", "log", "choices"}
        if extra:
            raise unknown_name(
                f"{where}.{sorted(extra)[0]}", spec, ["choices", "high", "log", "low"]
            )
        if "choices" in spec:
            choices = spec["choices"]
            if set(spec) != {"choices"} or not isinstance(choices, list) or len(choices) < 2:
                raise ConfigError(where, spec, "give choices as a list of at least two values")
            for c in choices:
                _check_value(tactic, settings, setting, c, where)
            return Dimension(f"{tactic}.{setting}", "choice", choices=tuple(choices), tactic=tactic)
        if "low" not in spec or "high" not in spec:
            raise ConfigError(where, spec, "a range needs low and high (or use choices)")
        low, high, log = spec["low"], spec["high"], spec.get("log", False)
        if not isinstance(log, bool):
            raise ConfigError(f"{where}.log", log, "must be true or false")
    elif (
        isinstance(spec, list)
        and len(spec) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in spec)
        and tp in (int, float)
    ):
        (low, high), log = spec, False
    else:
        _check_value(tactic, settings, setting, spec, where)
        return None
    if tp not in (int, float):
        raise ConfigError(where, [low, high], "a range needs a numeric setting; use choices")
    for x in (low, high):
        check_range(where, x)
        if tp is int and (not isinstance(x, int) or isinstance(x, bool)):
            raise ConfigError(where, [low, high], "whole-number setting: give whole-number bounds")
    if not low < high:
        raise ConfigError(where, [low, high], "low must be below high")
    if log and low <= 0:
        raise ConfigError(where, [low, high], "a log scale needs low > 0")
    for x in (low, high):
        _check_value(tactic, settings, setting, x, where)
    kind = "int" if tp is int else "float"
    return Dimension(f"{tactic}.{setting}", kind, low, high, log, tactic=tactic)


def read_space(name: str) -> Space:
    """Read and check a search space (a shipped name, or a path to a YAML file).

    Raises:
        ConfigError: a missing or malformed file, an unknown key, tactic or setting, a
            bound outside the setting's allowed range, or nothing to search.
    """
    path = space_path(name)
    data = _load(path)
    base = data.get("base", "hands_off")
    if not isinstance(base, str):
        raise ConfigError("search.base", base, "must name a policy preset")
    policy = compose((f"policy={base}",)).policy
    base_tactics = {t: dict(s) for t, s in (policy.tactics or {}).items()}
    tactics = data.get("tactics") or {}
    if not isinstance(tactics, dict):
        raise ConfigError("search.tactics", tactics, "must be a mapping {tactic: {setting: ...}}")
    switches, fixed, dims = [], {}, []
    for tactic, specs in tactics.items():
        where = f"search.tactics.{tactic}"
        if tactic not in REGISTRY:
            raise unknown_name("search.tactics", tactic, REGISTRY, str(tactic), "tactic")
        specs = {} if specs is None else specs
        if not isinstance(specs, dict):
            raise ConfigError(where, specs, "must be a mapping {setting: range, choices or value}")
        specs = dict(specs)
        switch = specs.pop("switch", True)
        if not isinstance(switch, bool):
            raise ConfigError(f"{where}.switch", switch, "must be true or false")
        settings = dict(base_tactics.get(tactic, {}))
        fixed_here: dict[str, Any] = {}
        for setting, spec in specs.items():
            dim = _dimension(tactic, str(setting), spec, settings, f"{where}.{setting}")
            if dim is None:
                settings = _with_value(settings, str(setting), spec)
                fixed_here[str(setting)] = spec
            else:
                dims.append(dim)
        if switch:
            switches.append(tactic)
        fixed[tactic] = fixed_here
    team_spec = data.get(TEAM, policy.team_size)
    team, team_fixed = None, policy.team_size
    lo, hi = meta(type(policy), TEAM)["lo"], meta(type(policy), TEAM)["hi"]
    if isinstance(team_spec, list | dict):
        spec = team_spec if isinstance(team_spec, dict) else None
        low, high = (spec["low"], spec["high"]) if spec else (team_spec + [None, None])[:2]
        ok = all(isinstance(x, int) and not isinstance(x, bool) for x in (low, high))
        if not ok or (spec and set(spec) - {"low", "high"}) or len(team_spec) != 2:
            raise ConfigError("search.team_size", team_spec, "give [low, high], whole numbers")
        if not (lo <= low < high <= hi):
            raise ConfigError(
                "search.team_size", team_spec, f"must be a range within {lo} to {hi}, low < high"
            )
        team = Dimension(TEAM, "int", low, high)
    else:
        if not isinstance(team_spec, int) or isinstance(team_spec, bool):
            raise ConfigError("search.team_size", team_spec, "must be a whole number or a range")
        check_range("search.team_size", team_spec, lo, hi)
        team_fixed = team_spec
    space = Space(
        name=path.stem,
        description=str(data.get("description", "")),
        base=base,
        base_tactics=base_tactics,
        base_team=policy.team_size,
        switches=tuple(switches),
        fixed=fixed,
        dimensions=tuple(dims),
        team=team,
        team_fixed=team_fixed,
    )
    if not space.n_parameters():
        raise ConfigError("search", str(path), "the space searches nothing: give a range, "
                          "choices or a switchable tactic")  # fmt: skip
    return space


def suggest(space: Space, trial) -> dict[str, Any]:
    """Draw a strategy from an Optuna trial: ``{parameter name: value}``.

    A switched-off tactic's settings are not drawn (a conditional space: TPE and NSGA-II
    handle parameters that only some trials have).
    """
    params: dict[str, Any] = {}
    if space.team is not None:
        params[TEAM] = trial.suggest_int(TEAM, int(space.team.low), int(space.team.high))
    on = {}
    for tactic in space.tactics:
        on[tactic] = True
        if tactic in space.switches:
            on[tactic] = params[f"{tactic}.{ON}"] = trial.suggest_categorical(
                f"{tactic}.{ON}", [True, False]
            )
    for d in space.dimensions:
        if not on[d.tactic]:
            continue
        if d.kind == "choice":
            params[d.name] = trial.suggest_categorical(d.name, list(d.choices))
        elif d.kind == "int":
            params[d.name] = trial.suggest_int(d.name, int(d.low), int(d.high), log=d.log)
        else:
            params[d.name] = trial.suggest_float(d.name, float(d.low), float(d.high), log=d.log)
    return params


def policy_of(space: Space, params: Mapping[str, Any]) -> tuple[int, dict[str, dict]]:
    """The team size and tactics ``{tactic: {setting: value}}`` of a strategy.

    The base preset's tactics, then for each tactic the space names: dropped when
    switched off, else its base settings with the space's fixed and drawn values.
    """
    tactics = {t: copy.deepcopy(dict(s)) for t, s in space.base_tactics.items()}
    for tactic, fixed in space.fixed.items():
        if tactic in space.switches and not params.get(f"{tactic}.{ON}", True):
            tactics.pop(tactic, None)
            continue
        settings = tactics.get(tactic, {})
        for setting, value in fixed.items():
            settings = _with_value(settings, setting, value)
        for d in space.dimensions:
            if d.tactic == tactic and d.name in params:
                settings = _with_value(settings, d.name.partition(".")[2], params[d.name])
        tactics[tactic] = settings
    return int(params.get(TEAM, space.team_fixed)), tactics
