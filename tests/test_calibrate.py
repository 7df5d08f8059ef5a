"""The calibration: its measurements, errors and loss follow from its targets, and it resumes."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.config.compose import compose
from sim.model import GroupModel
from sim.validation import calibrate
from sim.validation.measures import WINDOW_SUMS


def test_errors_are_normalised_and_an_unmeasurable_target_counts_as_five():
    measured = {k: v for k, (v, _, _) in calibrate.TARGETS.items()}
    assert all(e == 0 for e in calibrate.errors(measured).values())
    k, (v, tol, _) = next(iter(calibrate.TARGETS.items()))
    assert calibrate.errors(measured | {k: v + 2 * tol})[k] == pytest.approx(2.0)
    assert calibrate.errors(measured | {k: math.nan})[k] == 5.0


def _sums(window, values):
    """A run's window sums as ``life_measure`` keys them (NaN: not alive through it)."""
    return {f"w{window[0]}_{c}": v for c, v in zip(WINDOW_SUMS, values, strict=True)}


def _life(i, t, censored, early=(1000, 0, 0, 150), late=(800, 0, 0, 60)):
    row = {"scenario": "feelings", "i": i, "t": t, "censored": censored}
    for w in calibrate.LATE_WINDOWS:
        row |= _sums(w, (1000.0, 600.0, 350.0, 100.0) if t >= w[1] else [math.nan] * 4)
    row |= _sums(calibrate.EARLY, early)
    row |= _sums(calibrate.LATE, late if t >= 365 else [math.nan] * 4)
    return row


def test_measure_pools_the_windows_of_groups_alive_through_them():
    rows = [_life(i, t, t == 730) for i, t in enumerate([300, 400, 500, 600, 730, 730])]
    rows += [{"scenario": s, "i": i, "t": 20 + 10 * i, "censored": False}
             for s in ("money", "hands_off") for i in range(8)]  # fmt: skip
    rows += [{"scenario": "mixture", "i": i, "t": t, "censored": False}
             for i, t in enumerate([3, 5, 10, 40, 100, 364])]  # fmt: skip
    rows += [{"scenario": "month", "i": 0, "silent_share": 0.5, "onlooker_share": 0.4,
              "posted_share": 0.2, "top10_posters_share": 0.5, "thinkers": 2}]  # fmt: skip
    got = calibrate.measure(rows)
    assert got["feelings_median"] == 500 and got["feelings_alive_730"] == pytest.approx(2 / 6)
    assert got["late_silent_share"] == pytest.approx(0.6)
    assert got["late_onlooker_share"] == pytest.approx(0.35)
    assert got["activity_ratio"] == pytest.approx((60 / 800) / (150 / 1000))
    # lifespans 20, 30, ..., 90: quartiles 30 and 70 (KM: 2/8 and 6/8 dead), median 50
    assert got["money_spread"] == pytest.approx((70 - 30) / 50)
    assert got["dead_by_7"] == pytest.approx(2 / 6) and got["alive_at_365"] == pytest.approx(0)


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


def test_trial_zero_is_the_current_defaults_and_every_parameter_is_in_range():
    values = calibrate.defaults()
    assert set(values) == set(calibrate.PARAMS) and len(values) >= 12
    for key, (lo, hi, _, _) in calibrate.PARAMS.items():
        assert lo <= values[key] <= hi, key


@pytest.mark.parametrize(
    "arg, message",
    [("--jobs=0", "--jobs=0 is not allowed"), ("--trials=0", "--trials=0 is not allowed")],
)
def test_bad_arguments_are_one_clear_error(capsys, arg, message):
    with pytest.raises(SystemExit):
        calibrate.main([arg])
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_a_study_resumes_from_its_journal(tmp_path, capsys):
    out = tmp_path / "study"
    first = calibrate.main(["--quick", "--trials=2", "--jobs=1", f"--out={out}"])
    assert len(first) == 2 and (out / "study.log").exists()
    again = calibrate.main(["--quick", "--trials=3", "--jobs=1", f"--out={out}"])
    assert len(again) == 3  # one more trial, the first two kept
    assert set(first["trial"]) < set(again["trial"])
    zero = again.set_index("trial").loc[0]
    for key, value in calibrate.defaults().items():
        assert zero[key] == pytest.approx(value)
    table = pd.read_parquet(out / "trials.parquet")
    assert table["loss"].is_monotonic_increasing and "accepted" in table
    assert "trial 3/3" in capsys.readouterr().err
