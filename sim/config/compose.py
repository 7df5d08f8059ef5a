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
from importlib.resources import files

import yaml
from hydra.core.config_store import ConfigStore
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException
from omegaconf.errors import ValidationError as OmegaValidationError

from sim.config.schema import GroupConfig, PolicyConfig, SimConfig
from sim.core.errors import ConfigError

CONFIG_DIR = str(files("sim.configs"))

cs = ConfigStore.instance()
cs.store(name="sim_schema", node=SimConfig)
cs.store(group="group", name="group_schema", node=GroupConfig)
cs.store(group="policy", name="policy_schema", node=PolicyConfig)

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
            known = ", ".join(f.name for f in dataclasses.fields(cls))
            return ConfigError(parent or "config", key, f"unknown setting; one of {known}")
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


def to_sim_config(cfg: DictConfig) -> SimConfig:
    """Turn a composed Hydra config into a validated ``SimConfig``.

    Raises:
        ConfigError: an impossible value (named field, value and what is allowed).
    """
    if "hydra" in cfg:  # a job's full config (as Hydra's run_job strips it; keeps the type)
        cfg = copy.deepcopy(cfg)
        with read_write(cfg), open_dict(cfg):
            del cfg["hydra"]
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
        with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
            return to_sim_config(hydra_compose("config", overrides=list(overrides)))
    except COMPOSE_ERRORS as err:
        conf = as_config_error(err)
        if conf is None or conf is err:
            raise
        raise conf from err
