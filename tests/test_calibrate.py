"""The calibration procedure: it runs, and its errors and loss follow from its targets."""

import numpy as np
import pandas as pd
import pytest

from sim.config.compose import compose
from sim.model import GroupModel
from sim.validation import calibrate


def test_participation_search_ranks_points_by_their_loss():
    grid = {"group.silent_share": [0.3, 0.6], "behaviour.attention.post.onlooker": [0.002]}
    table = calibrate.search(grid, replicates=2, jobs=1)
    assert len(table) == 2 and table["loss"].is_monotonic_increasing
    for _, row in table.iterrows():
        for k, (value, tol, _) in calibrate.TARGETS.items():
            assert row[f"err_{k}"] == pytest.approx((row[k] - value) / tol)
        errs = [row[f"err_{k}"] for k in calibrate.TARGETS]
        assert row["loss"] == pytest.approx(sum(e * e for e in errs))
    # more members mute on joining => a larger silent share
    by_share = table.set_index("group.silent_share")["silent_share"]
    assert by_share[0.6] > by_share[0.3]


def test_month_participation_counts_the_posts_of_the_window():
    model = GroupModel(compose(["run.days=20"]), seed=3)
    got = calibrate.month_participation(model, window=(5, 15))
    assert model.t == 15 * 24
    assert 0 <= got["posted_share"] <= 1 and 0 < got["top5_share"] <= 1
    assert got["silent_share"] + got["onlooker_share"] <= 1


def test_lifespan_targets_are_kaplan_meier_estimates():
    # no censoring: KM survival is the empirical share alive
    runs = pd.DataFrame({"t": [3, 5, 10, 40, 100, 364], "censored": [False] * 5 + [True]})
    got = calibrate.lifespan_targets(runs)
    assert got["dead_by_7"] == pytest.approx(2 / 6)
    assert got["alive_after_30"] == pytest.approx(3 / 6)
    assert got["dead_by_90"] == pytest.approx(4 / 6)
    assert got["alive_at_365"] == pytest.approx(1 / 6)
    assert np.isfinite(got.to_numpy()).all()


def test_bad_jobs_is_one_clear_error(capsys):
    with pytest.raises(SystemExit):
        calibrate.main(["--jobs=0"])
    assert "--jobs=0 is not allowed" in capsys.readouterr().err
