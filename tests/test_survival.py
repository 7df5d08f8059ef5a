"""Kaplan-Meier medians, confidence intervals and log-rank tests on hand-computable cases."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.survival import (
    MedianCI,
    format_median,
    km_curve,
    km_median,
    km_median_ci,
    logrank,
    logrank_k,
    logrank_vs_first,
    restricted_mean,
)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 9, 20])
def test_km_median_without_censoring_is_the_empirical_median(n):
    t = np.random.default_rng(n).integers(1, 100, n)
    median, reached = km_median(t, np.zeros(n, bool))
    assert reached
    # first value where the empirical survival falls to one half: the lower median
    assert median == np.quantile(t, 0.5, method="inverted_cdf")
    if n % 2:
        assert median == np.median(t)


def test_km_median_not_reached_is_the_longest_follow_up():
    assert km_median([365, 365, 365], [True, True, True]) == (365.0, False)
    # one death in four: survival 0.75 at day 100, never at or below one half
    assert km_median([100, 365, 365, 365], [False, True, True, True]) == (365.0, False)
    assert format_median(365, False) == "> 365" and format_median(38.0, True) == "38"


def test_km_median_with_censoring_uses_the_kaplan_meier_curve():
    # deaths at 1, 3; one censored at 2; S(1) = 3/4, S(3) = 3/4 * 1/2 = 3/8 <= 1/2
    assert km_median([1, 2, 3, 4], [False, True, False, True]) == (3.0, True)


def test_km_curve_starts_at_one_and_the_band_holds_the_curve():
    t = [5, 8, 8, 12, 20, 30, 30]
    c = [False, False, True, False, True, True, True]
    curve = km_curve(t, c)
    assert (curve.loc[0, ["day", "survival", "low", "high"]] == [0, 1, 1, 1]).all()
    s = curve["survival"].to_numpy()
    assert (np.diff(s) <= 0).all()
    assert (curve["low"] <= s + 1e-12).all() and (s <= curve["high"] + 1e-12).all()
    assert curve["deaths"].sum() == 3 and curve["censored"].sum() == 4
    expected = stats.ecdf(stats.CensoredData(uncensored=[5, 8, 12], right=[8, 20, 30, 30])).sf
    np.testing.assert_allclose(s[1:], expected.evaluate(curve["day"].to_numpy()[1:]))


def test_median_ci_inverts_the_log_log_greenwood_band():
    # nine deaths at days 1..9, no censoring: S(i) = (9 - i) / 9, Greenwood variance
    # sum 1 / (n_j (n_j - 1)), log-log band S ** exp(-+ z se / log S) (hand formula)
    n = 9
    days = np.arange(1, n + 1)
    at_risk = n - days + 1
    s = (n - days) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.cumsum(1 / (at_risk * (at_risk - 1)))
        se = np.sqrt(var) / np.abs(np.log(s))
        z = stats.norm.ppf(0.975)
        low, high = s ** np.exp(z * se), s ** np.exp(-z * se)
    low = np.where(s > 0, low, 0)
    high = np.where(s > 0, high, 0)
    ci = km_median_ci(days, np.zeros(n, bool))
    assert (ci.median, ci.reached) == (5.0, True)
    assert ci.low == days[np.flatnonzero(low <= 0.5)[0]] and ci.low_reached
    assert ci.high == days[np.flatnonzero(high <= 0.5)[0]] and ci.high_reached
    assert ci.low <= ci.median <= ci.high
    assert ci.ci_text() == f"{ci.low:.0f} to {ci.high:.0f}"


def test_median_ci_upper_limit_not_reached_with_heavy_censoring():
    ci = km_median_ci([30, 40, 50, 365, 365, 365], [False, False, False, True, True, True])
    assert (ci.median, ci.reached) == (50.0, True)
    assert ci.low_reached and ci.low <= 50
    assert not ci.high_reached and ci.high == 365
    assert ci.ci_text().endswith("to > 365")
    everyone_alive = km_median_ci([365] * 4, [True] * 4)
    assert everyone_alive == MedianCI(365, False, 365, False, 365, False)
    assert everyone_alive.text() == "> 365" and everyone_alive.ci_text() == "> 365"


def test_restricted_mean():
    t = [10, 20, 30, 40]
    assert restricted_mean(t, [False] * 4) == pytest.approx(np.mean(t))
    assert restricted_mean([365] * 3, [True] * 3) == 365
    # survival 1 to day 10, 1/2 after: 10 + 0.5 * 90 over a 100-day horizon
    assert restricted_mean([10, 100], [False, True], horizon=100) == pytest.approx(55)


def test_logrank_of_identical_samples_is_one():
    t, c = [5, 9, 12, 30, 30], [False, False, False, True, True]
    res = logrank(t, c, t, c)
    assert res.statistic == pytest.approx(0) and res.pvalue == pytest.approx(1)
    assert logrank_k(t + t + t, c + c + c, ["a"] * 5 + ["b"] * 5 + ["c"] * 5).pvalue == (
        pytest.approx(1)
    )


def test_logrank_hand_computed_two_samples():
    # x dies at 1, 2; y at 3, 4. Death day 1: N=4, N_x=2, E=1/2, V=1/4; day 2: N=3,
    # N_x=1, E=1/3, V=2/9; later days N_x=0. O-E = 7/6, V = 17/36, chi2 = 49/17.
    expected = 49 / 17
    two = logrank([1, 2], [False, False], [3, 4], [False, False])
    k = logrank_k([1, 2, 3, 4], [False] * 4, ["x", "x", "y", "y"])
    assert two.statistic == pytest.approx(expected) and k.statistic == pytest.approx(expected)
    assert two.pvalue == pytest.approx(stats.chi2.sf(expected, 1))
    assert k.pvalue == pytest.approx(two.pvalue) and k.df == 1


def test_k_sample_logrank_matches_scipy_for_two_and_ignores_label_order():
    rng = np.random.default_rng(3)
    t = rng.integers(5, 60, 30)
    c = rng.random(30) < 0.3
    g = np.repeat(["a", "b", "c"], 10)
    two = g != "c"
    ref = logrank(t[g == "a"], c[g == "a"], t[g == "b"], c[g == "b"])
    assert logrank_k(t[two], c[two], g[two]).pvalue == pytest.approx(ref.pvalue)
    res = logrank_k(t, c, g)
    assert res.df == 2 and 0 <= res.pvalue <= 1
    order = np.argsort(g == "a", kind="stable")  # a different first group and row order
    assert logrank_k(t[order], c[order], g[order]).statistic == pytest.approx(res.statistic)


def test_logrank_is_nan_without_deaths_and_small_for_separated_samples():
    assert np.isnan(logrank([5, 5], [True, True], [5, 5], [True, True]).pvalue)
    assert np.isnan(logrank_k([5, 5], [True, True], ["a", "b"]).pvalue)
    far = logrank(range(1, 21), [False] * 20, [365] * 20, [True] * 20)
    assert far.pvalue < 1e-6


def test_logrank_vs_first():
    runs = pd.DataFrame(
        {
            "policy": ["a"] * 4 + ["b"] * 4 + ["c"] * 4,
            "lifespan_days": [10, 20, 30, 40] * 2 + [100] * 4,
            "censored": [False] * 8 + [True] * 4,
        }
    )
    res = logrank_vs_first(runs)
    assert list(res) == ["b", "c"]
    assert res["b"].pvalue == pytest.approx(1)
    assert res["c"].pvalue < 0.05
