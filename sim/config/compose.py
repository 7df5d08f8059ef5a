"""Hydra composition: the YAML presets of ``configs/`` into a checked ``SimConfig``.

The presets ship inside the package as ``sim.configs`` (the repository's ``configs/``
folder, mapped by ``pyproject.toml``), so composition works from any folder and from a
non-editable install. Composing costs about 0.2 s, so :func:`compose` caches each
distinct list of overrides and hands out copies: callers that build thousands of runs
compose once per distinct config, never per run.

Every way composition can fail (an unknown preset or key, a malformed override or YAML
file, a value of the wrong type, an impossible value) is restated as one ``ConfigError``
naming the field, the value and what is allowed (:func:`as_config_error`).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import types
import typing
from importlib.resources import files

import yaml
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.errors import (
    ConfigCompositionException,
    HydraException,
    MissingConfigException,
    OverrideParseException,
)
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException
from omegaconf.errors import ValidationError as OmegaValidationError

from sim.config.fields import field_types, type_error, unknown_name
from sim.config.matrix import MatrixConfig, preset_names
from sim.config.schema import GroupConfig, PolicyConfig, SimConfig
from sim.core.errors import ConfigError

CONFIG_DIR = str(files("sim.configs"))

cs = ConfigStore.instance()
cs.store(name="sim_schema", node=SimConfig)
cs.store(group="group", name="group_schema", node=GroupConfig)
cs.store(group="policy", name="policy_schema", node=PolicyConfig)
cs.store(group="matrix", name="matrix_schema", node=MatrixConfig)

# what composing or converting a config can raise; all are reported as one ConfigError line
COMPOSE_ERRORS = (ConfigError, HydraException, OmegaConfBaseException, yaml.YAMLError)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _field_type(cls: object, key: object) -> str | None:
    """The declared type of dataclass field ``key`` of ``cls`` (as written), if any."""
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        for f in dataclasses.fields(cls):
            if f.name == key:
                return f.type if isinstance(f.type, str) else getattr(f.type, "__name__", None)
    return None


def as_config_error(err: BaseException) -> ConfigError | None:
    """Restate a Hydra, OmegaConf or YAML error as one ``ConfigError`` (field, value, allowed).

    Returns:
        The ``ConfigError``, or ``None`` if ``err`` has no recognisable shape.
    """
    if isinstance(err, ConfigError):
        return err
    if isinstance(err, MissingConfigException) and err.options and err.missing_cfg_file:
        group, _, name = err.missing_cfg_file.rpartition("/")
        presets = ", ".join(o for o in err.options if not o.endswith("_schema"))
        label = f"{group} preset" if group else "config"
        return ConfigError(
            group.replace("/", ".") or "config", name, f"unknown {label}; one of {presets}"
        )
    if isinstance(err, OverrideParseException):
        key, _, value = err.override.partition("=")
        return ConfigError(
            key or "override", value, f"malformed override ({_first_line(err.message)})"
        )
    if isinstance(err, yaml.MarkedYAMLError) and err.problem_mark is not None:
        mark = err.problem_mark
        what = ": ".join(x for x in (err.context, err.problem) if x)
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        return ConfigError(mark.name, where, f"must be valid YAML ({what})")
    if isinstance(err, ConfigCompositionException):
        already = re.search(r"An item is already at '([^']+)'", str(err))
        if already:  # +key=value for a key the config has
            key = already.group(1)
            return ConfigError(
                key, f"+{key}", f"already set: drop the + ({key}=...), or write ++{key}=..."
            )
        argument = re.search(r"'([\w.]+)=([^']*)'", str(err))
        if argument:  # e.g. a sweep's a,b outside a sweep
            return ConfigError(argument.group(1), argument.group(2), _first_line(str(err)))
    # Hydra wraps OmegaConf's errors (cause for overrides, context for YAML files)
    oc = err
    while oc is not None and not isinstance(oc, OmegaConfBaseException):
        oc = oc.__cause__ or oc.__context__
    if oc is None or not getattr(oc, "full_key", None):
        return None
    if isinstance(oc, ConfigAttributeError | ConfigKeyError):
        parent, _, key = oc.full_key.rpartition(".")
        cls = oc.object_type
        if isinstance(cls, type) and dataclasses.is_dataclass(cls):
            return unknown_name(parent or "config", key, field_types(cls), key)
        return ConfigError(
            parent or "config", key, f"unknown key; add a new one with +{oc.full_key}=..."
        )
    ftype = _field_type(oc.object_type, oc.key)
    if isinstance(oc, OmegaValidationError) and ftype:
        return ConfigError(oc.full_key, oc.value, f"must be of type {ftype}")
    return ConfigError(oc.full_key, oc.value, _first_line(oc.msg or str(oc)))


def one_line(err: BaseException) -> str:
    """``err`` as a single line, via ``as_config_error`` where it applies."""
    conf = as_config_error(err)
    if conf is not None:
        return str(conf)
    return " ".join(line.strip() for line in str(err).splitlines() if line.strip())


def check_overrides(overrides: list[str] | tuple[str, ...]) -> None:
    """Reject overrides that would silently change nothing.

    ``policy.tactics={}`` or ``=null`` merges into the preset's tactics and leaves them
    as they are; say what is meant instead (a tactic given as null is rejected by
    ``sim.model.tactics.parse_tactics``).

    Raises:
        ConfigError: such an override.
    """
    keys = [o.partition("=")[0].strip("+~ ") for o in overrides]
    for override in overrides:
        key, _, value = override.partition("=")
        if not key.strip("+~ "):
            raise ConfigError("override", override, "malformed override: write key=value")
        if key.strip("+~ ").startswith("matrix.") and "matrix" not in keys:
            raise ConfigError(
                key.strip("+~ "), value,
                f"there is no matrix to set it in: choose one first, matrix=<preset> "
                f"({', '.join(preset_names('matrix'))})",
            )  # fmt: skip
        if key.lstrip("+") == "policy.tactics" and value.strip() in ("{}", "null", ""):
            raise ConfigError(
                "policy.tactics",
                value,
                "an empty or null mapping merges into the preset and changes nothing; "
                "for no tactics use policy=hands_off, to drop one ~policy.tactics.NAME",
            )
    _check_override_types(overrides)


@functools.cache
def declared_types(cls: type = SimConfig, prefix: str = "") -> dict[str, object]:
    """Dotted setting name -> declared type, for every leaf of the schema."""
    out: dict[str, object] = {}
    for name, tp in field_types(cls).items():
        tp = _schema_of(tp)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            out.update(declared_types(tp, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = tp
    return out


def _check_override_types(overrides: list[str] | tuple[str, ...]) -> None:
    """Check each single-valued override of a schema setting against its declared type.

    OmegaConf would coerce ``behaviour.lifecycle.novelty=no`` to false and ``run.days='7'``
    to 7; a string is never read as a boolean or a number here (as for tactic settings,
    ``sim.config.fields.check_settings``). Sweeps are checked job by job, with one value
    each.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except OverrideParseException:
        return  # reported, with its field, by the composition that follows
    types_ = declared_types()
    for ov in parsed:
        if ov.key_or_group in PRESET_GROUPS and not ov.is_delete() and not ov.is_sweep_override():
            if not isinstance(ov.value(), str):  # Hydra raises a bare ValueError for these
                raise ConfigError(ov.key_or_group, ov.value(), presets_allowed(ov.key_or_group))
            continue
        tp = types_.get(ov.key_or_group)
        if tp is None or ov.is_delete() or ov.is_sweep_override():
            continue
        value = ov.value()
        problem = type_error(tp, value)
        if problem:
            raise ConfigError(ov.key_or_group, value, problem)


PRESET_GROUPS = ("group", "policy", "experiment", "matrix")  # config groups: a value names a file


def presets_allowed(group: str) -> str:
    """What a preset choice may be: one of the YAML files of ``configs/<group>/``."""
    return f"must name a {group} preset, one of {', '.join(preset_names(group))}"


def _task_overrides(cfg: DictConfig) -> list[str]:
    """The command line's overrides of the job ``cfg`` belongs to ([] outside Hydra)."""
    if "hydra" in cfg:
        return list(cfg.hydra.overrides.task)
    if HydraConfig.initialized():
        return list(HydraConfig.get().overrides.task)
    return []


def check_known_keys(node: DictConfig, cls: type = SimConfig, path: str = "") -> None:
    """Reject a key the schema does not declare, e.g. a typo added with ``+``.

    Hydra's ``+key=value`` adds a key even to a typed config, and converting it to the
    dataclass would drop it without a word: the run would go on with the default.

    Raises:
        ConfigError: the first unknown key, with the nearest valid names.
    """
    types_ = field_types(cls)
    for key in node.keys():
        name = f"{path}.{key}" if path else str(key)
        if key not in types_:
            raise unknown_name(name, node._get_node(key)._value(), types_)  # as written
        sub, child = _schema_of(types_[key]), node._get_node(key)
        if not isinstance(child, DictConfig) or child._is_none():
            continue
        if dataclasses.is_dataclass(sub):
            check_known_keys(child, sub, name)
        elif typing.get_origin(sub) is dict and dataclasses.is_dataclass(typing.get_args(sub)[1]):
            for k in child.keys():  # a mapping of settings blocks, e.g. matrix.groups
                check_known_keys(child._get_node(k), typing.get_args(sub)[1], f"{name}.{k}")


def _schema_of(tp: object) -> object:
    """``X`` for ``X | None`` (an optional settings block), else ``tp``."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return tp


def to_sim_config(cfg: DictConfig) -> SimConfig:
    """Turn a composed Hydra config into a validated ``SimConfig``.

    Raises:
        ConfigError: an impossible value (named field, value and what is allowed).
    """
    check_overrides(_task_overrides(cfg))
    if "hydra" in cfg:  # a job's full config (as Hydra's run_job strips it; keeps the type)
        cfg = copy.deepcopy(cfg)
        with read_write(cfg), open_dict(cfg):
            del cfg["hydra"]
    check_known_keys(cfg)
    try:
        return OmegaConf.to_object(cfg)
    except OmegaConfBaseException as err:  # e.g. a ConfigError wrapped by OmegaConf
        conf = as_config_error(err.__cause__ or err)
        if conf is None:
            raise
        raise conf from err


def compose(overrides: list[str] | tuple[str, ...] | None = None) -> SimConfig:
    """Compose ``config.yaml`` with Hydra-style overrides, without running a job.

    Each distinct list of overrides is composed once per process; later calls get a copy
    of the cached config (so a caller may change its copy).

    Raises:
        ConfigError: an unknown preset or key, a malformed override or YAML file, a value
            of the wrong type, or an impossible value (Hydra's and OmegaConf's errors are
            restated as ``ConfigError``; the original is chained as ``__cause__``).
    """
    return copy.deepcopy(_compose(CONFIG_DIR, tuple(overrides or ())))


@functools.cache
def _compose(config_dir: str, overrides: tuple[str, ...]) -> SimConfig:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    try:
        check_overrides(overrides)
        with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
            return to_sim_config(hydra_compose("config", overrides=list(overrides)))
    except COMPOSE_ERRORS as err:
        conf = as_config_error(err)
        if conf is None or conf is err:
            raise
        raise conf from err
