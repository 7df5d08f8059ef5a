"""Command line: Hydra composes the config; this is the only module that imports Hydra.

``python -m sim`` runs one configuration point (group type x policy) for
``run.replicates`` seeds and writes its tables into Hydra's output directory.
"""

from __future__ import annotations

import logging
from pathlib import Path

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config import GroupConfig, PolicyConfig, SimConfig
from sim.runner import format_summary, run_point, write_point
from sim.validation import ConfigError

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
log = logging.getLogger(__name__)

cs = ConfigStore.instance()
cs.store(name="sim_schema", node=SimConfig)
cs.store(group="group", name="group_schema", node=GroupConfig)
cs.store(group="policy", name="policy_schema", node=PolicyConfig)


def to_sim_config(cfg: DictConfig) -> SimConfig:
    """Turn a composed Hydra config into a validated ``SimConfig``.

    Raises:
        ConfigError: an impossible value (named field, value and what is allowed).
    """
    cfg = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"]) if "hydra" in cfg else cfg
    return OmegaConf.to_object(cfg)


def compose(overrides: list[str] | None = None) -> SimConfig:
    """Compose ``configs/config.yaml`` with Hydra-style overrides, without running a job."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return to_sim_config(hydra_compose("config", overrides=list(overrides or [])))


@hydra.main(config_path=CONFIG_DIR, config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    """Run one configuration point and write daily.parquet and summary.parquet."""
    try:
        sim_cfg = to_sim_config(cfg)
    except ConfigError as err:
        raise SystemExit(f"config error: {err}") from None
    out = Path(HydraConfig.get().runtime.output_dir)
    daily, summary = run_point(sim_cfg)
    write_point(out, daily, summary)
    print(format_summary(summary))
    print(f"tables written to {out}/daily.parquet and {out}/summary.parquet")
