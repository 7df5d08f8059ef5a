"""Command line: Hydra composes the config; this is the only module that imports Hydra.

``python -m sim`` runs one configuration point (group type x policy) for
``run.replicates`` seeds and writes its tables into Hydra's output directory.
``python -m sim -m ...`` sweeps: one job per point (``configs/experiment/`` holds named
studies); ``sim.callbacks`` shows progress and collects the tables (``sim.sweep``).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
from pathlib import Path

import hydra
import yaml
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException
from omegaconf.errors import ValidationError as OmegaValidationError

from sim.config import GroupConfig, PolicyConfig, SimConfig
from sim.runner import format_summary, run_or_resume
from sim.validation import ConfigError

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
log = logging.getLogger(__name__)

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


def compose(overrides: list[str] | None = None) -> SimConfig:
    """Compose ``configs/config.yaml`` with Hydra-style overrides, without running a job.

    Raises:
        ConfigError: an unknown preset or key, a malformed override or YAML file, a value
            of the wrong type, or an impossible value (Hydra's and OmegaConf's errors are
            restated as ``ConfigError``; the original is chained as ``__cause__``).
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            return to_sim_config(hydra_compose("config", overrides=list(overrides or [])))
    except COMPOSE_ERRORS as err:
        conf = as_config_error(err)
        if conf is None or conf is err:
            raise
        raise conf from err


def main(cfg: DictConfig | None = None) -> None:
    """Run one configuration point and write daily.parquet and summary.parquet.

    A bad configuration (unknown preset or key, malformed override or YAML file, wrong
    type, impossible value) ends the program before anything runs with one line,
    ``config error: <field>=<value> is not allowed: <what is allowed>``, and exit code 1.
    Other errors keep their full traceback.
    """
    # HYDRA_FULL_ERROR makes Hydra re-raise composition errors instead of printing them
    # itself (multi-line, or a full traceback for malformed YAML), so we can restate them.
    previous = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        _hydra_main(cfg)
    except COMPOSE_ERRORS as err:
        raise SystemExit(f"config error: {one_line(err)}") from None
    finally:
        if previous is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = previous


@hydra.main(config_path=CONFIG_DIR, config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> dict:
    """One Hydra job: one point, all its replicates, resumed from its folder if finished.

    Returns:
        ``{"ran": n}``, the number of replicates actually run (0: all were on disk); the
        sweep callback (``sim.callbacks``) records it for the progress display.
    """
    hydra_cfg = HydraConfig.get()
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    try:
        sim_cfg = to_sim_config(cfg)
    except COMPOSE_ERRORS as err:
        if multirun:  # fail the job (sim.callbacks checks every point before a sweep)
            raise ValueError(f"config error: {one_line(err)}") from None  # picklable
        raise SystemExit(f"config error: {one_line(err)}") from None  # before Hydra reports it
    out = Path(hydra_cfg.runtime.output_dir)
    # Hydra logs at INFO; Mesa logs every step at INFO, which floods the job log
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if not multirun and hydra_cfg.runtime.choices.get("experiment"):
        print(
            "note: this runs one point; a study's sweep needs -m: python -m sim -m experiment=NAME"
        )
    daily, summary, ran = run_or_resume(sim_cfg, out)
    if multirun:  # the sweep callback shows progress and prints the results at the end
        log.info("point %s: ran %d of %d replicates", out.name, len(ran), len(summary))
        return {"ran": len(ran)}
    print(format_summary(summary))
    if not ran:
        print(f"all {len(summary)} replicates were already in {out}; nothing was run")
    print(f"tables written to {out}/daily.parquet and {out}/summary.parquet")
    return {"ran": len(ran)}
