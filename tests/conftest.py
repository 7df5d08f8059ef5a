import pandas as pd
import pytest

from sim.config.compose import compose
from sim.experiments.runner import run_point
from sim.model import GroupModel


@pytest.fixture
def make_cfg():
    def make(*overrides):
        return compose(list(overrides))

    return make


def summaries(overrides, replicates=4, days=60):
    """Summary table of a small point run with fixed seeds."""
    cfg = compose([*overrides, f"run.replicates={replicates}", f"run.days={days}"])
    return run_point(cfg)


def model(*overrides, seed=1):
    return GroupModel(compose(list(overrides)), seed=seed)


def run_hours(m, hours):
    for _ in range(hours):
        m.step()
    return m


def day_frame(m):
    return pd.DataFrame(m.records)
