"""Lifespans are right-censored survival data: Kaplan-Meier statistics.

A group still alive at the horizon is right-censored: its lifespan is only known to
exceed the horizon. Everything here respects that:

- ``km_median``: the Kaplan-Meier median (first day survival falls to one half or below).
- ``km_median_ci``: the same with a 95% confidence interval, by inverting SciPy's
  pointwise confidence band of the survival function.
- ``km_curve``: the survival curve and its band as a table (what the figures draw).
- ``restricted_mean``: the area under the curve up to the horizon (days alive out of
  the first H), a finite summary even when most groups are censored.
- ``logrank`` (two samples, SciPy's test) and ``logrank_k`` (any number of samples, the
  k-sample log-rank chi-square test); ``logrank_vs_first`` compares each policy with
  the first one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

NAN = float("nan")

# SciPy's confidence band: Greenwood's variance on the log(-log S) scale (Kalbfleisch &
# Prentice); unlike the plain ("linear") band it stays inside [0, 1] and is the better
# choice for the small samples of a strategy study.
CI_METHOD = "log-log"


def _arrays(lifespan_days, censored) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(lifespan_days, dtype=float)
    c = np.asarray(censored, dtype=bool)
    if t.shape != c.shape or t.ndim != 1 or t.size == 0:
        raise ValueError("lifespan_days and censored must be 1-d, non-empty, the same length")
    return t, c


def _censored_data(t: np.ndarray, c: np.ndarray) -> stats.CensoredData:
    return stats.CensoredData(uncensored=t[~c], right=t[c])


def km_median(lifespan_days, censored) -> tuple[float, bool]:
    """Kaplan-Meier median lifespan.

    The median is the first day on which the Kaplan-Meier survival falls to one half or
    below (the convention of lifelines; with no censoring and an even number of runs it
    is the lower of the two middle values, ``np.quantile(t, 0.5, method="inverted_cdf")``).

    Args:
        lifespan_days: lifespan of each run in days (horizon for censored runs).
        censored: True where the group was still alive at the horizon.

    Returns:
        (median, reached). When survival never falls to one half, ``reached`` is False
        and ``median`` is the longest follow-up: the median is only known to exceed it.
    """
    t, c = _arrays(lifespan_days, censored)
    if not (~c).any():
        return float(t.max()), False
    sf = stats.ecdf(_censored_data(t, c)).sf
    return _first_at_or_below(sf.quantiles, sf.probabilities, 0.5, t.max())


def _first_at_or_below(times, probs, level: float, follow_up: float) -> tuple[float, bool]:
    below = np.flatnonzero(np.asarray(probs) <= level)
    if below.size == 0:
        return float(follow_up), False
    return float(np.asarray(times)[below[0]]), True


def format_median(median: float, reached: bool) -> str:
    """``"42"`` or ``"> 365"``."""
    return f"{median:.0f}" if reached else f"> {median:.0f}"


@dataclass(frozen=True)
class MedianCI:
    """A Kaplan-Meier median with its confidence interval.

    Each bound that was not reached (the curve, or its band, never fell to one half)
    holds the longest follow-up and its ``*_reached`` flag is False: the value is only
    known to exceed it.
    """

    median: float
    reached: bool
    low: float
    low_reached: bool
    high: float
    high_reached: bool
    level: float = 0.95

    def text(self) -> str:
        """The median, e.g. ``"38"`` or ``"> 365"``."""
        return format_median(self.median, self.reached)

    def ci_text(self) -> str:
        """The interval, e.g. ``"30 to 45"``, ``"210 to > 365"`` or ``"> 365"``."""
        low = format_median(self.low, self.low_reached)
        if not self.low_reached:
            return low
        return f"{low} to {format_median(self.high, self.high_reached)}"


def km_curve(lifespan_days, censored, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival curve and its pointwise confidence band.

    Args:
        lifespan_days: lifespan of each run in days (horizon for censored runs).
        censored: True where the group was still alive at the horizon.
        level: confidence level of the band (``CI_METHOD`` band from SciPy).

    Returns:
        One row per distinct observed time, starting with day 0 (survival 1):
        ``day``, ``survival``, ``low``, ``high``, ``at_risk`` (runs alive just before
        that day), ``deaths`` and ``censored`` (runs censored on that day). Survival is
        a step function, constant from one row's day to the next.
    """
    t, c = _arrays(lifespan_days, censored)
    days = np.unique(t)
    at_risk = np.array([(t >= d).sum() for d in days])
    deaths = np.array([((t == d) & ~c).sum() for d in days])
    cens = np.array([((t == d) & c).sum() for d in days])
    if (~c).any():
        sf = stats.ecdf(_censored_data(t, c)).sf
        surv = sf.evaluate(days)
        with warnings.catch_warnings():  # the log-log band is undefined where S is 0 or 1
            warnings.simplefilter("ignore", RuntimeWarning)
            band = sf.confidence_interval(level, method=CI_METHOD)
            low, high = band.low.evaluate(days), band.high.evaluate(days)
        # where S is 0 or 1 the band collapses onto the curve
        edge = (surv <= 0) | (surv >= 1)
        low = np.where(edge | np.isnan(low), surv, low)
        high = np.where(edge | np.isnan(high), surv, high)
    else:  # nobody died: survival is 1 throughout and the band is degenerate
        surv = low = high = np.ones(days.size)
    curve = pd.DataFrame(
        {
            "day": days,
            "survival": surv,
            "low": low,
            "high": high,
            "at_risk": at_risk,
            "deaths": deaths,
            "censored": cens,
        }
    )
    start = pd.DataFrame(
        {"day": [0.0], "survival": [1.0], "low": [1.0], "high": [1.0]}
        | {"at_risk": [t.size], "deaths": [0], "censored": [0]}
    )
    if days[0] > 0:
        curve = pd.concat([start, curve], ignore_index=True)
    return curve


def km_median_ci(lifespan_days, censored, level: float = 0.95) -> MedianCI:
    """Kaplan-Meier median with a confidence interval.

    Method: the interval is the set of days on which the pointwise confidence band of
    the survival function contains one half (Brookmeyer & Crowley's construction, as in
    R's ``survfit``): its lower limit is the first day the band's *lower* curve falls to
    one half or below, its upper limit the first day the band's *upper* curve does. The
    band is SciPy's ``ECDFResult.sf.confidence_interval`` with ``method="log-log"``
    (Greenwood's variance on the log(-log S) scale). An upper limit that is not reached
    (the upper curve stays above one half, common with censoring or few runs) is
    reported as "more than the longest follow-up".

    Args:
        lifespan_days: lifespan of each run in days (horizon for censored runs).
        censored: True where the group was still alive at the horizon.
        level: confidence level, 0.95 for a 95% interval.

    Returns:
        A ``MedianCI``; its ``median``/``reached`` equal ``km_median``'s.
    """
    t, c = _arrays(lifespan_days, censored)
    median, reached = km_median(t, c)
    curve = km_curve(t, c, level)
    follow_up = t.max()
    low, low_reached = _first_at_or_below(curve["day"], curve["low"], 0.5, follow_up)
    high, high_reached = _first_at_or_below(curve["day"], curve["high"], 0.5, follow_up)
    return MedianCI(median, reached, low, low_reached, high, high_reached, level)


def _km_steps(t: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier death days and the survival just after each (fast, no SciPy object)."""
    deaths, counts = np.unique(t[~c], return_counts=True)
    at_risk = t.size - np.searchsorted(np.sort(t), deaths, side="left")
    return deaths, np.cumprod(1.0 - counts / at_risk)


def km_survival(lifespan_days, censored, day: float) -> float:
    """Kaplan-Meier survival ``S(day)``: the share of groups still alive after ``day`` days.

    A group's lifespan is its days of activity, so ``1 - S(7)`` is the share that went
    quiet for good within 7 days. Equals ``km_curve``'s survival on that day.
    """
    t, c = _arrays(lifespan_days, censored)
    deaths, surv = _km_steps(t, c)
    k = np.searchsorted(deaths, day, side="right")
    return float(surv[k - 1]) if k else 1.0


def km_quantile(lifespan_days, censored, q: float) -> float:
    """First day by which the Kaplan-Meier share dead reaches ``q``; NaN if it never does.

    ``km_quantile(t, c, 0.5)`` is ``km_median`` when the median is reached.
    """
    t, c = _arrays(lifespan_days, censored)
    deaths, surv = _km_steps(t, c)
    k = np.flatnonzero(1.0 - surv >= q - 1e-12)
    return float(deaths[k[0]]) if k.size else NAN


def km_spread(lifespan_days, censored) -> float:
    """Interquartile range of lifespans over their median (Kaplan-Meier; NaN if unreached).

    How much lifespans of one kind of group differ: 0 when every group lives equally
    long, 1 when the middle half spreads over as many days as the median.
    """
    q1, med, q3 = (km_quantile(lifespan_days, censored, q) for q in (0.25, 0.5, 0.75))
    return (q3 - q1) / med if np.isfinite(q3) and med > 0 else NAN


def restricted_mean(lifespan_days, censored, horizon: float | None = None) -> float:
    """Restricted mean lifespan: the area under the Kaplan-Meier curve up to ``horizon``.

    It is the expected number of days alive out of the first ``horizon`` days, finite and
    comparable even when most groups are censored (the median then is not). Vectorised,
    fast enough to bootstrap.

    Args:
        lifespan_days: lifespan of each run in days (horizon for censored runs).
        censored: True where the group was still alive at the horizon.
        horizon: upper limit in days; default the longest follow-up.

    Returns:
        The restricted mean in days.
    """
    t, c = _arrays(lifespan_days, censored)
    horizon = float(t.max() if horizon is None else horizon)
    deaths, surv = _km_steps(t, c)
    keep = deaths < horizon
    edges = np.concatenate([[0.0], deaths[keep], [horizon]])
    levels = np.concatenate([[1.0], surv[keep]])
    return float((levels * np.diff(edges)).sum())


@dataclass(frozen=True)
class LogRank:
    """Result of a log-rank test: chi-square statistic, degrees of freedom, p-value."""

    statistic: float
    df: int
    pvalue: float


def logrank(x_days, x_censored, y_days, y_censored) -> LogRank:
    """Two-sample log-rank test (``scipy.stats.logrank``, two-sided).

    Returns:
        ``LogRank`` with the chi-square statistic (SciPy's statistic squared), 1 degree
        of freedom and the p-value; p is NaN when no group died in either sample (there
        is nothing to compare) and 1 for identical samples.
    """
    xt, xc = _arrays(x_days, x_censored)
    yt, yc = _arrays(y_days, y_censored)
    if xc.all() and yc.all():
        return LogRank(float("nan"), 1, float("nan"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.logrank(_censored_data(xt, xc), _censored_data(yt, yc))
    z = float(res.statistic)
    if np.isnan(z):  # zero variance: every death happened when only one sample was left
        return LogRank(float("nan"), 1, float("nan"))
    return LogRank(z * z, 1, float(res.pvalue))


def logrank_k(days, censored, groups) -> LogRank:
    """k-sample log-rank test (Mantel-Haenszel chi-square with k - 1 degrees of freedom).

    At each distinct death day j, with ``N_j`` runs at risk (``N_ij`` in sample i) and
    ``O_j`` deaths (``O_ij``): expected deaths ``E_ij = O_j N_ij / N_j`` and covariance
    ``V_ikj = O_j (N_ij / N_j) (delta_ik - N_kj / N_j) (N_j - O_j) / (N_j - 1)``. The
    statistic is ``U' V^-1 U`` over the first k - 1 samples with ``U = sum_j (O - E)``.
    With two samples it equals the square of ``scipy.stats.logrank``'s statistic and
    gives the same p-value.

    Args:
        days: lifespan of each run in days.
        censored: True where the group was still alive at the horizon.
        groups: the sample (e.g. policy) of each run.

    Returns:
        ``LogRank``; p is NaN when no run died or there is only one sample.
    """
    t, c = _arrays(days, censored)
    g = np.asarray(groups)
    labels = list(dict.fromkeys(g.tolist()))
    k = len(labels)
    death_days = np.unique(t[~c])
    if k < 2 or death_days.size == 0:
        return LogRank(float("nan"), max(k - 1, 0), float("nan"))
    member = np.stack([g == lab for lab in labels])  # k x runs
    u = np.zeros(k)
    v = np.zeros((k, k))
    for d in death_days:
        n_i = (member & (t >= d)).sum(axis=1).astype(float)
        o_i = (member & (t == d) & ~c).sum(axis=1).astype(float)
        n, o = n_i.sum(), o_i.sum()
        share = n_i / n
        u += o_i - o * share
        if n > 1:
            v += o * (n - o) / (n - 1) * (np.diag(share) - np.outer(share, share))
    u, v = u[:-1], v[:-1, :-1]
    try:
        stat = float(u @ np.linalg.solve(v, u))
    except np.linalg.LinAlgError:
        return LogRank(float("nan"), k - 1, float("nan"))
    return LogRank(stat, k - 1, float(stats.chi2.sf(stat, k - 1)))


def logrank_vs_first(runs: pd.DataFrame, by: str = "policy") -> dict[object, LogRank]:
    """Two-sample log-rank test of each value of ``by`` against the first one.

    Args:
        runs: runs table with ``lifespan_days``, ``censored`` and the ``by`` column.
        by: the column naming the samples; the first value (in table order) is the
            reference.

    Returns:
        ``{value: LogRank}`` for every value but the first.
    """
    values = list(dict.fromkeys(runs[by]))
    ref = runs[runs[by] == values[0]]
    out = {}
    for value in values[1:]:
        other = runs[runs[by] == value]
        out[value] = logrank(
            ref["lifespan_days"], ref["censored"], other["lifespan_days"], other["censored"]
        )
    return out
