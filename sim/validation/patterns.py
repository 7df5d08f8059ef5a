"""Patterns: the rows of the validation table, as data.

A :class:`Pattern` is an id, a claim, its source (seed article or evidence row), a
measure over the runs of one or two scenarios (the classes below, each with a
``scenarios`` attribute) and a :class:`Target`. A new pattern is one more entry of
``PATTERNS``.

Runs are the independent units of every interval: a figure about *a group* (a role
share, a top-5 share) is computed per run and averaged over runs (t interval); a figure
about *a population of groups* (the mixture's share dead by day 7) is a proportion of
independent runs (Wilson, equal to the Kaplan-Meier estimate when nothing is censored
before that day); a pooled ratio of counts that are clustered within runs (invitations,
red-packet yuan, extra messages) gets a bootstrap interval that resamples whole runs (or
whole pairs of runs for paired comparisons). Lifespans are censored: medians are
Kaplan-Meier medians with ``sim.analysis.survival.km_median_ci``; comparisons use the
log-rank test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.intervals import NAN, bootstrap_ci, mean_ci, ratio_of_sums, wilson_ci
from sim.analysis.survival import km_median_ci, km_spread, logrank, restricted_mean
from sim.analysis.verdict import format_p
from sim.validation.measures import (
    ACTIVITY_WINDOWS,
    LIFE_WINDOWS,
    Estimate,
    ci_text,
    fmt,
    km_share,
)
from sim.validation.scenarios import LIFE_CELLS, PRESET_POLICIES

MIN_ALIVE = 5  # a window of a group's life is measured with at least this many groups alive

Runs = Mapping[str, pd.DataFrame]  # scenario name -> its runs, one row per replicate


def _paired(runs: Runs, a: str, col_a: str, b: str, col_b: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of two scenarios' runs with the same replicate index, both finite."""
    x = runs[a][col_a].astype(float)
    y = runs[b][col_b].astype(float)
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner").dropna()
    return both["x"].to_numpy(), both["y"].to_numpy()


@dataclass(frozen=True)
class Mean:
    """Mean over runs of a per-run figure, t interval."""

    scenario: str
    column: str
    digits: int = 2

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        mean, low, high, n = mean_ci(runs[self.scenario][self.column])
        return Estimate(mean, low, high, "t", n, text=ci_text(mean, low, high, self.digits))


@dataclass(frozen=True)
class PooledRatio:
    """``sum(num) / sum(den)`` over runs (optionally a subset), bootstrap over runs."""

    scenario: str
    num: str
    den: str
    digits: int = 2
    where: Callable[[pd.DataFrame], pd.Series] | None = None
    where_text: str = ""

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        df = runs[self.scenario]
        if self.where is not None:
            df = df[self.where(df)]
        df = df[[self.num, self.den]].astype(float).dropna()
        num, den = df[self.num].to_numpy(), df[self.den].to_numpy()
        if den.sum() <= 0:
            return Estimate(NAN, n=len(df), text=f"n/a (no {self.den})")
        value = float(num.sum() / den.sum())
        low, high = bootstrap_ci(ratio_of_sums, num, den)
        text = ci_text(value, low, high, self.digits)
        if self.where_text:
            text += f"; {len(df)} {self.where_text}"
        return Estimate(value, low, high, "bootstrap", len(df), text=text)


@dataclass(frozen=True)
class RunShare:
    """Share of runs (in an optional subset) where a condition holds, Wilson interval."""

    scenario: str
    hit: Callable[[pd.DataFrame], pd.Series]
    where: Callable[[pd.DataFrame], pd.Series] | None = None
    where_text: str = "runs"

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        df = runs[self.scenario]
        if self.where is not None:
            df = df[self.where(df)]
        n, k = len(df), int(self.hit(df).sum())
        if n == 0:
            return Estimate(NAN, text=f"n/a (no {self.where_text})")
        low, high = wilson_ci(k, n)
        text = f"{ci_text(k / n, low, high, 2)}; {k}/{n} {self.where_text}"
        return Estimate(k / n, low, high, "Wilson", n, text=text)


@dataclass(frozen=True)
class KMMedian:
    """Kaplan-Meier median lifespan with its 95% CI (``km_median_ci``)."""

    scenario: str

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        df = runs[self.scenario]
        ci = km_median_ci(df["lifespan_days"], df["censored"])
        high = ci.high if ci.high_reached else math.inf
        return Estimate(
            ci.median, ci.low, high, "KM", len(df), bound="=" if ci.reached else ">",
            text=f"{ci.text()} d ({ci.ci_text()})",
        )  # fmt: skip


@dataclass(frozen=True)
class KMShare:
    """Share of groups alive after (or dead by) a day: ``km_share``."""

    scenario: str
    day: int
    dead: bool = False

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        df = runs[self.scenario]
        return km_share(df["lifespan_days"], df["censored"], self.day, self.dead)


@dataclass(frozen=True)
class Outlives:
    """Does scenario ``a`` outlive ``b``? Value: difference of a lifespan statistic, a - b.

    ``stat="median"``: difference of Kaplan-Meier medians; when ``a``'s median is not
    reached by the horizon the difference is a lower bound (``>``), when ``b``'s is not
    (and ``a``'s is) an upper bound (``<``), when neither is it cannot be measured.
    ``stat="rmst"``: difference of restricted mean lifespans up to the horizon (days
    alive out of the first H), always defined; interval by bootstrap over replicate pairs.
    ``p``: two-sample log-rank test.
    """

    a: str
    b: str
    stat: str = "median"

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.a, self.b)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        ra, rb = runs[self.a], runs[self.b]
        p = logrank(ra["lifespan_days"], ra["censored"], rb["lifespan_days"], rb["censored"]).pvalue
        ma = km_median_ci(ra["lifespan_days"], ra["censored"])
        mb = km_median_ci(rb["lifespan_days"], rb["censored"])
        medians = f"{ma.text()} vs {mb.text()} d"
        n = min(len(ra), len(rb))
        if self.stat == "rmst":
            horizon = float(min(ra["horizon"].min(), rb["horizon"].min()))
            value = restricted_mean(ra["lifespan_days"], ra["censored"], horizon) - restricted_mean(
                rb["lifespan_days"], rb["censored"], horizon
            )
            both = pd.concat(
                [ra[["lifespan_days", "censored"]], rb[["lifespan_days", "censored"]]],
                axis=1, join="inner", keys=["a", "b"],
            )  # fmt: skip
            cols = [both[k].to_numpy(float) for k in both.columns]

            rm = restricted_mean

            def diff(ta, ca, tb, cb):
                return np.array(
                    [rm(ta[i], ca[i] > 0, horizon) - rm(tb[i], cb[i] > 0, horizon)
                     for i in range(ta.shape[0])]
                )  # fmt: skip

            low, high = bootstrap_ci(diff, *cols, n_boot=1000)
            text = (
                f"{ci_text(value, low, high, 0, ' d')} of {horizon:.0f}; "
                f"medians {medians}; log-rank p {format_p(p)}"
            )
            return Estimate(value, low, high, "bootstrap", n, p, text=text)
        if ma.reached and mb.reached:
            value, bound = ma.median - mb.median, "="
        elif not ma.reached and mb.reached:
            value, bound = ma.median - mb.median, ">"
        elif ma.reached and not mb.reached:
            value, bound = ma.median - mb.median, "<"
        else:
            value, bound = NAN, "="
        shown = "n/a" if not np.isfinite(value) else f"{bound if bound != '=' else ''}{value:.0f} d"
        text = f"{shown.strip()} (medians {medians}); log-rank p {format_p(p)}"
        return Estimate(value, method="KM", n=n, p=p, bound=bound, text=text)


@dataclass(frozen=True)
class PairedRatio:
    """``sum(a) / sum(b)`` over replicate pairs, bootstrap over pairs."""

    a: str
    b: str
    column: str
    column_b: str | None = None
    digits: int = 2

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.a, self.b)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        x, y = _paired(runs, self.a, self.column, self.b, self.column_b or self.column)
        if y.sum() <= 0:
            return Estimate(NAN, n=x.size, text="n/a (nothing to compare with)")
        value = float(x.sum() / y.sum())
        low, high = bootstrap_ci(ratio_of_sums, x, y)
        text = f"{ci_text(value, low, high, self.digits)}; {x.mean():.1f} vs {y.mean():.1f} per run"
        return Estimate(value, low, high, "bootstrap", x.size, text=text)


@dataclass(frozen=True)
class PairedDiff:
    """Mean over replicate pairs of ``a[col_a] - b[col_b]``, t interval.

    With ``a == b`` it is a within-run change (e.g. week 4 minus week 1).
    """

    a: str
    col_a: str
    b: str
    col_b: str
    digits: int = 2

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return tuple(dict.fromkeys((self.a, self.b)))

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        x, y = _paired(runs, self.a, self.col_a, self.b, self.col_b)
        mean, low, high, n = mean_ci(x - y)
        d = self.digits
        text = f"{ci_text(mean, low, high, d)}; {fmt(x.mean(), d)} vs {fmt(y.mean(), d)}"
        return Estimate(mean, low, high, "t", n, text=text)


@dataclass(frozen=True)
class PairedGap:
    """Mean over replicate pairs of ``(a[first] - b[first]) - (a[second] - b[second])``.

    A difference in differences: how much more an intervention in ``a`` (against its
    control ``b``, same seeds) moved ``first`` than ``second``; t interval.
    """

    a: str
    b: str
    first: str
    second: str
    digits: int = 3

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.a, self.b)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        x1, y1 = _paired(runs, self.a, self.first, self.b, self.first)
        x2, y2 = _paired(runs, self.a, self.second, self.b, self.second)
        if x1.size != x2.size:  # a pair with one figure missing: use complete pairs only
            both = pd.concat(
                [runs[k][c].astype(float).rename(f"{k}{c}") for k in (self.a, self.b)
                 for c in (self.first, self.second)], axis=1, join="inner",
            ).dropna().to_numpy().T  # fmt: skip
            x1, x2, y1, y2 = both
        d1, d2 = x1 - y1, x2 - y2
        mean, low, high, n = mean_ci(d1 - d2)
        k = self.digits
        text = f"{ci_text(mean, low, high, k)}; {fmt(d1.mean(), k)} vs {fmt(d2.mean(), k)}"
        return Estimate(mean, low, high, "t", n, text=text)


@dataclass(frozen=True)
class ShareGap:
    """Pooled share ``sum(num_a)/sum(den_a)`` minus ``sum(num_b)/sum(den_b)``, bootstrap.

    Both shares come from the same scenario's runs; the bootstrap resamples whole runs.
    """

    scenario: str
    num_a: str
    den_a: str
    num_b: str
    den_b: str
    digits: int = 3

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        cols = [self.num_a, self.den_a, self.num_b, self.den_b]
        df = runs[self.scenario][cols].astype(float).dropna()
        na, da, nb, db = (df[c].to_numpy() for c in cols)
        if da.sum() <= 0 or db.sum() <= 0:
            return Estimate(NAN, n=len(df), text="n/a (an empty group of people)")

        def gap(na, da, nb, db):  # one value per resample (rows: resamples)
            with np.errstate(invalid="ignore", divide="ignore"):
                return na.sum(1) / da.sum(1) - nb.sum(1) / db.sum(1)

        a, b = na.sum() / da.sum(), nb.sum() / db.sum()
        low, high = bootstrap_ci(gap, na, da, nb, db)
        k = self.digits
        text = f"{ci_text(a - b, low, high, k)}; {fmt(a, k)} vs {fmt(b, k)}"
        return Estimate(float(a - b), low, high, "bootstrap", len(df), text=text)


@dataclass(frozen=True)
class ExtraShare:
    """Of the extra ``total`` in ``a`` over ``b`` (paired), the share that is ``part``.

    ``(sum(a.part) - sum(b.part)) / (sum(a.total) - sum(b.total))``, bootstrap over pairs.
    """

    a: str
    b: str
    part: str
    total: str

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.a, self.b)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        pa, pb = _paired(runs, self.a, self.part, self.b, self.part)
        ta, tb = _paired(runs, self.a, self.total, self.b, self.total)
        extra = ta.sum() - tb.sum()
        if extra <= 0:
            return Estimate(NAN, n=ta.size, text="n/a (no extra messages)")
        value = float((pa.sum() - pb.sum()) / extra)
        low, high = bootstrap_ci(ratio_of_sums, pa - pb, ta - tb)
        text = f"{ci_text(value, low, high, 2)}; {(pa - pb).mean():.1f} of {extra / ta.size:.1f}"
        return Estimate(value, low, high, "bootstrap", ta.size, text=text + " extra per pair")


def _pooled_share(df: pd.DataFrame, num: str, den: str) -> tuple[float, float, float, int]:
    """``sum(num) / sum(den)`` over the runs where both are finite, bootstrap over runs."""
    both = df[[num, den]].astype(float).dropna()
    if len(both) < MIN_ALIVE or both[den].sum() <= 0:
        return NAN, NAN, NAN, len(both)
    x, y = both[num].to_numpy(), both[den].to_numpy()
    low, high = bootstrap_ci(ratio_of_sums, x, y)
    return float(x.sum() / y.sum()), low, high, len(both)


@dataclass(frozen=True)
class LifeRoles:
    """A role's share of members in each window of a group's life (``LIFE_WINDOWS``).

    In each window, the runs alive through all of it pool their member-days (share =
    role member-days / member-days, bootstrap over runs); a window with fewer than
    ``MIN_ALIVE`` such runs is not measured. The value is the measured window furthest
    from ``centre`` (the worst case for the target); the text lists every window.
    """

    scenario: str
    role: str  # "silent" or "onlooker"
    centre: float

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return (self.scenario,)

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        df, parts, worst = runs[self.scenario], [], None
        for a, _ in LIFE_WINDOWS:
            value, low, high, n = _pooled_share(df, f"w{a}_n_{self.role}", f"w{a}_members")
            if not np.isfinite(value):
                parts.append(f"d{a}: n/a ({n} alive)")
                continue
            parts.append(f"d{a}: {value:.2f} ({n})")
            if worst is None or abs(value - self.centre) > abs(worst[0] - self.centre):
                worst = (value, low, high, n, a)
        if worst is None:
            return Estimate(
                NAN, text="n/a: no window with enough groups alive; " + ", ".join(parts)
            )
        value, low, high, n, a = worst
        text = f"worst d{a}: {ci_text(value, low, high, 2)}; " + ", ".join(parts)
        return Estimate(value, low, high, "bootstrap", n, text=text)


@dataclass(frozen=True)
class ActivityAges:
    """Member messages per member-day late in life over early in life, in the same groups.

    Runs alive through day 364 of every scenario pool their member-days of days 300-364
    and of days 0-59 (``ACTIVITY_WINDOWS``); value = late rate / early rate, bootstrap
    over runs. Not measured with fewer than ``MIN_ALIVE`` such runs.
    """

    names: tuple[str, ...]
    label: str

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return self.names

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        (a, _), (b, _) = ACTIVITY_WINDOWS
        cols = [f"w{b}_msgs_members", f"w{b}_members", f"w{a}_msgs_members", f"w{a}_members"]
        df = pd.concat([runs[n][cols] for n in self.names]).astype(float).dropna()
        if len(df) < MIN_ALIVE:
            return Estimate(NAN, n=len(df), text=f"n/a: {len(df)} groups alive through day 364")
        arrays = [df[c].to_numpy() for c in cols]

        def ratio(ml, nl, me, ne):
            return (ml.sum(-1) / nl.sum(-1)) / (me.sum(-1) / ne.sum(-1))

        value = float(ratio(*arrays))
        low, high = bootstrap_ci(ratio, *arrays)
        late, early = arrays[0].sum() / arrays[1].sum(), arrays[2].sum() / arrays[3].sum()
        text = (
            f"{ci_text(value, low, high, 2)}; {late:.3f} vs {early:.3f} msgs per member-day "
            f"in {len(df)} {self.label} groups alive through day 364"
        )
        return Estimate(value, low, high, "bootstrap", len(df), text=text)


@dataclass(frozen=True)
class WorstCell:
    """The worst of many scenarios (group type x policy cells) on one lifespan figure.

    ``kind="alive"``: Kaplan-Meier share alive after ``day``, the highest cell.
    ``kind="spread"``: interquartile range over median (``km_spread``), the lowest cell
    among those whose quartiles are reached; interval by bootstrap over that cell's runs.
    """

    names: tuple[str, ...]
    kind: str
    day: int = 729

    @property
    def scenarios(self) -> tuple[str, ...]:  # noqa: D102
        return self.names

    def __call__(self, runs: Runs) -> Estimate:  # noqa: D102
        values = {}
        for name in self.names:
            t, c = runs[name]["lifespan_days"], runs[name]["censored"].astype(bool)
            if self.kind == "alive":
                est = km_share(t, c, self.day)
                values[name] = (est.value, est.low, est.high, est.n)
            else:
                values[name] = (km_spread(t, c), NAN, NAN, len(t))
        known = {k: v for k, v in values.items() if np.isfinite(v[0])}
        if not known:
            return Estimate(NAN, text=f"n/a: none of {len(values)} cells measurable")
        pick = max if self.kind == "alive" else min
        name = pick(known, key=lambda k: known[k][0])
        value, low, high, n = known[name]
        if self.kind == "spread":
            df = runs[name]
            t = df["lifespan_days"].to_numpy(float)
            c = df["censored"].to_numpy(float)
            low, high = bootstrap_ci(_spreads, t, c, n_boot=300)
        cell = name.replace("_", " ", 1)
        text = f"worst: {cell} {ci_text(value, low, high, 2)}; {len(known)} of {len(values)} cells"
        if self.kind == "spread":
            text += " reached their quartiles"
        return Estimate(value, low, high, "bootstrap" if self.kind == "spread" else "KM", n,
                        text=text)  # fmt: skip


def _spreads(t: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``km_spread`` of each bootstrap resample (rows)."""
    return np.array([km_spread(t[i], c[i] > 0) for i in range(t.shape[0])])


@dataclass(frozen=True)
class Target:
    """The range a measured value must fall in, and optionally a test's p-value bound.

    Attributes:
        low, high: the range (infinite for a one-sided target).
        low_open, high_open: whether the bounds themselves are excluded.
        p_max: if set, the comparison's p must also be below it.
        text: how the table shows the target.
    """

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    p_max: float | None = None
    text: str = ""

    def holds(self, est: Estimate) -> bool:
        """Whether ``est`` meets the target (a NaN value never does).

        A value known only as a bound (``">"``: the true value exceeds ``value``) meets a
        one-sided target when the bound alone settles it.
        """
        v = est.value
        if v is None or not np.isfinite(v):
            return False
        if est.bound == ">":  # the true value exceeds v
            ok = self.high == math.inf and v >= self.low
        elif est.bound == "<":  # the true value is below v
            ok = self.low == -math.inf and v <= self.high
        else:
            above = v > self.low if self.low_open else v >= self.low
            below = v < self.high if self.high_open else v <= self.high
            ok = above and below
        if self.p_max is not None:
            ok = ok and np.isfinite(est.p) and est.p < self.p_max
        return bool(ok)


def between(low: float, high: float, text: str = "") -> Target:
    """Target ``low <= value <= high``."""
    return Target(low, high, text=text or f"{low:g} to {high:g}")


def above(low: float, p_max: float | None = None, text: str = "") -> Target:
    """Target ``value > low`` (and ``p < p_max``)."""
    p = f", p < {p_max:g}" if p_max is not None else ""
    return Target(low, low_open=True, p_max=p_max, text=text or f"> {low:g}{p}")


def below(high: float, text: str = "") -> Target:
    """Target ``value < high``."""
    return Target(high=high, high_open=True, text=text or f"< {high:g}")


@dataclass(frozen=True)
class Pattern:
    """One row of the validation table.

    Attributes:
        id: short id, e.g. ``R1``.
        name: what is claimed.
        source: seed file number(s) and/or evidence row(s), e.g. ``003; E6``.
        measure: a callable ``runs -> Estimate`` with a ``scenarios`` attribute.
        target: what the measured value must meet.
        description: the scenario and the measurement in words (docs/model.md).
    """

    id: str
    name: str
    source: str
    measure: Callable[[Runs], Estimate]
    target: Target
    description: str = ""

    @property
    def scenarios(self) -> tuple[str, ...]:
        """Names of the scenarios whose runs it needs."""
        return self.measure.scenarios  # type: ignore[attr-defined]


def _dead_by(day: int) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: (~df["censored"].astype(bool)) & (df["lifespan_days"] <= day)


def _alive_after(day: int) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: df["lifespan_days"] > day


PATTERNS: tuple[Pattern, ...] = (
    # --- roles and participation (003; E6-E8): the default group, days 30-59 of 60 ---
    Pattern("R1", "1-2 thinkers", "003", Mean("default_month", "thinkers"), between(1, 2),
            "Mean thinker headcount over days 30-59, averaged over runs."),
    Pattern("R2", "onlookers about 40%", "003", Mean("default_month", "onlooker_share"),
            between(0.30, 0.50), "Mean daily share of present members who are onlookers."),
    Pattern("R3", "silent above 50%", "003; E8", Mean("default_month", "silent_share"),
            above(0.50), "Mean daily silent (muted) share; E8's lurker range is 0.46-0.82."),
    Pattern("R4", "under a quarter post in a month", "E6",
            Mean("default_month", "posted_share"), below(0.25),
            "Of the members present on days 30 and 59, the share who posted at least once "
            "in days 30-59 (message counters snapshotted at both ends)."),
    Pattern("R5", "the 5 most active write most", "003",
            Mean("default_month", "top_share_k"), above(0.50),
            "Share of the month's member messages written by its 5 most active members."),
    Pattern("R6", "top 10% of posters write ~56%", "E7",
            Mean("default_month", "top10_posters_share"), between(0.43, 0.69, "0.56 +- 0.13"),
            "Among members who posted in the month, the top 10% (at least 1) posters' share."),
    Pattern("R7", "heavy-tailed messages per member", "E6; E7",
            Mean("default_month", "posters_cv"), above(1.0),
            "Coefficient of variation of the month's messages per poster. An exponential "
            "(or geometric) distribution has CV <= 1, so CV > 1 means a tail heavier than "
            "exponential; a top-1% share is meaningless in a group of ~90 (one member)."),
    # --- lifespans (003, 004; E1, E5) ---
    Pattern("L1", "temporary group lives about a week", "004",
            KMMedian("temporary_hands_off"), between(4, 10),
            "Kaplan-Meier median lifespan of temporary (event) groups, hands_off."),
    Pattern("L2", "temporary group with an operator: about a week", "004",
            KMMedian("temporary_feelings"), between(4, 10),
            "Kaplan-Meier median lifespan of temporary groups under feelings."),
    Pattern("L3", "relationship group lives 30 days or more", "004; 003",
            KMMedian("relationship_hands_off"), Target(30, text=">= 30"),
            "Kaplan-Meier median lifespan of relationship groups, hands_off (censored at "
            "the horizon: '> H' meets the target)."),
    Pattern("M1", "~40% of new groups silent within 7 days", "E1",
            KMShare("mixture", 7, dead=True), between(0.30, 0.50, "0.40 +- 0.10"),
            "Mixed population: share whose lifespan (days of activity) is <= 7."),
    Pattern("M2", "~30% of new groups alive after 30 days", "E1",
            KMShare("mixture", 30), between(0.20, 0.40, "0.30 +- 0.10"),
            "Mixed population: share with lifespan > 30 days (E1's window is 34 days)."),
    Pattern("M3", "57% of new groups dead within 3 months", "E5",
            KMShare("mixture", 90, dead=True), between(0.47, 0.67, "0.57 +- 0.10"),
            "Mixed population: share with lifespan <= 90 days."),
    Pattern("M4", "groups alive after a year are rare", "003",
            KMShare("mixture", 365), below(0.10),
            "Mixed population: share alive at day 365 (censored at the horizon)."),
    Pattern("M5", "short-lived groups are small", "E2",
            RunShare("mixture", lambda df: df["members_peak"] < 100, _dead_by(7),
                     "groups dead by day 7"), above(0.50),
            "Of the mixture's groups dead within 7 days, the share that never reached 100 "
            "members (E2: 'usually < 100')."),
    Pattern("M6", "deep invitation trees in long-lived groups", "E4",
            PooledRatio("mixture", "depth3", "member_invited", where=_alive_after(30),
                        where_text="groups alive after 30 d"), between(0.05, 0.20, "~0.10"),
            "Of members invited by a member, in groups alive after 30 days, the share at "
            "depth >= 3 of the invitation tree (day-0 members included)."),
    Pattern("M7", "shallow invitation trees in short-lived groups", "E4",
            PooledRatio("mixture", "depth3", "member_invited", where=_dead_by(7),
                        where_text="groups dead by day 7"), below(0.05, "~0.01"),
            "The same share in groups dead within 7 days."),
    # --- feelings vs money (000) ---
    Pattern("F1", "talking feelings outlives talking money", "000",
            Outlives("relationship_feelings", "relationship_money"), above(0, p_max=0.05),
            "Relationship group, same seeds: KM median under feelings minus under money "
            "(lower bound when feelings' median is censored), and the log-rank test."),
    # --- red packets (000; E9, E10) ---
    Pattern("P1", "a packet raises the next hours' messages", "000; E10",
            PairedRatio("packet", "packet_none", "msgs_members_0_6"), above(1.0),
            "Member messages in the 6 h after a 20-yuan, 20-share operator packet at 20:00 "
            "on day 3, divided by the same seed's without it (ratio of sums over pairs)."),
    Pattern("P2", "the extra messages are mostly thanks", "000",
            ExtraShare("packet", "packet_none", "msgs_thanks_0_6", "msgs_members_0_6"),
            above(0.50), "Of the extra member messages in those 6 h, the share that is thanks."),
    Pattern("P3", "the silent share does not fall", "000",
            PairedDiff("packet", "silent_share_6", "packet_none", "silent_share_6", 3),
            Target(-0.01, text=">= -0.01"),
            "Silent share 6 h after the packet minus without it (mean over pairs); 'not "
            "lower' allows one percentage point of noise."),
    Pattern("P4", "the bump is gone within a day", "E10",
            PairedRatio("packet", "packet_none", "msgs_members_24_48"), between(0.8, 1.25),
            "Member messages 24-48 h after the packet, with / without."),
    Pattern("P5", "packets sent back at E9's rate", "E9",
            PooledRatio("relationship_money", "packet_yuan_member", "packet_yuan_operator"),
            between(0.10, 0.30, "0.10 to 0.30 (E9: 0.18)"),
            "Relationship group under money (a 5-yuan packet daily): member packet yuan / "
            "operator packet yuan over whole runs. Returns of returns count too, so the "
            "model's expected ratio is 0.18 + 0.18^2 + ... = 0.22."),
    # --- ads and neglect (004) ---
    Pattern("A1", "an ad burst in a good group makes members leave within a day", "004",
            PairedDiff("ad_burst", "exits_ads_0_24", "ad_none", "exits_ads_0_24"), above(0),
            "Relationship group, feelings (a good group: quality > 0.5): 30 spam ads at "
            "08:00 on day 2; ad exits in the next 24 h, with minus without."),
    Pattern("A2", "a hands-off group fills with spam", "004",
            PairedDiff("interest_hands_off", "msgs_spam_w4", "interest_hands_off",
                       "msgs_spam_w1"), above(0),
            "Interest group, hands_off: spam messages per day in week 4 minus week 1 (runs "
            "alive through day 27)."),
    Pattern("A3", "a moderated group outlives a neglected one", "004",
            Outlives("interest_moderated", "interest_hands_off"), above(0, p_max=0.05),
            "Interest group, same seeds: KM median with moderation (2 admins, 1 h) minus "
            "hands_off, and the log-rank test."),
    # --- rules (002) ---
    Pattern("U1", "imposed rules drive members out, agreed ones do not", "002",
            PairedDiff("relationship_money", "exits_rules", "relationship_money_agreed",
                       "exits_rules"), above(0),
            "Relationship group, money (strictness 0.8): rule exits per run, imposed minus "
            "agreed, same seeds."),
    Pattern("U2", "a shared check-in habit spreads", "002",
            PairedDiff("checkins", "msgs_checkins_per_member_w4", "checkins",
                       "msgs_checkins_per_member_w1", 3), above(0),
            "Relationship group, feelings + optional daily check-in: daily check-ins per "
            "member in week 4 minus week 1."),
    # --- fights (003) ---
    Pattern("D1", "a debate raises activity", "003",
            PairedRatio("debate", "debate_none", "msgs_members_0_3"), above(1.0),
            "Relationship group, hands_off: debate heat set to the fight threshold at "
            "20:00 on day 2; member messages in the next 3 h, with / without."),
    Pattern("D2", "unmoderated fights drive members out", "003",
            PairedDiff("fight_unmoderated", "exits_fight_0_72", "fight_moderated",
                       "exits_fight_0_72"), above(0),
            "Relationship group: a fight breaks out at 09:00 on day 1; fight exits in the "
            "next 72 h, hands_off minus with moderation (3 admins, 0.5 h latency)."),
    # --- authority (003) ---
    Pattern("T1", "a too-authoritative thinker draws fewer critics", "003",
            PairedRatio("authority_high", "authority_low", "critic_msgs_per_day"),
            below(1.0),
            "Relationship group, hands_off: critic messages per day, authority 0.9 / 0.1."),
    # --- group types (003, 004) ---
    Pattern("G1", "relationship groups outlive learning groups", "003",
            Outlives("relationship_hands_off", "learning_hands_off", "rmst"),
            above(0, p_max=0.05),
            "Hands_off: restricted mean lifespan (days alive within the horizon), "
            "relationship minus learning; log-rank test."),
    Pattern("G2", "a paid group outlives the same group free", "004",
            Outlives("paid_hands_off", "paid_free", "rmst"), above(0, p_max=0.05),
            "Paid group (99 yuan) vs the same group with entry_fee 0, hands_off, same "
            "seeds: restricted mean lifespan difference; log-rank test."),
    Pattern("G3", "offline meet-ups lengthen life", "003",
            Outlives("relationship_meetups", "relationship_hands_off", "rmst"),
            above(0, p_max=0.05),
            "Relationship group, hands_off, with vs without a meet-up every 30 days from "
            "day 10: restricted mean lifespan difference; log-rank test."),
    # --- invitations (E3) ---
    # --- a group's whole life (003, 001, 000) ---
    *(
        Pattern(f"Y{1 + k}", f"silent above 50% through life, {pol}", "003",
                LifeRoles(f"relationship_{pol}", "silent", 1.0), above(0.50),
                f"Relationship groups under {pol}: silent share of member-days in days "
                "30-59, 180-209, 335-364 and 700-729, pooled over the groups alive through "
                f"each window (windows with fewer than {MIN_ALIVE} alive are not measured); "
                "the lowest window is shown.")
        for k, pol in enumerate(PRESET_POLICIES)
    ),
    *(
        Pattern(f"Y{4 + k}", f"onlookers 30-50% through life, {pol}", "003",
                LifeRoles(f"relationship_{pol}", "onlooker", 0.40), between(0.30, 0.50),
                "The same windows, onlooker share; the window furthest from 0.40 is shown.")
        for k, pol in enumerate(PRESET_POLICIES)
    ),
    Pattern("Y7", "well-run relationship groups live 9 months to 2 years", "003",
            KMMedian("relationship_feelings"), between(270, 730),
            "Relationship groups under feelings: Kaplan-Meier median lifespan (003: long "
            "groups live a year or two, more than a year is very rare)."),
    Pattern("Y8", "few well-run relationship groups reach two years", "003",
            KMShare("relationship_feelings", 729), Target(high=0.25, text="<= 0.25"),
            "Relationship groups under feelings: share alive after day 729."),
    Pattern("Y9", "few groups of any type reach two years", "003",
            WorstCell(LIFE_CELLS, "alive"), Target(high=0.25, text="<= 0.25 in every cell"),
            "Every group type x preset policy (30 runs each, 100 for relationship and the "
            "hands_off cells of other patterns): share alive after day 729; the highest "
            "cell is shown."),
    Pattern("Y10", "lifespans spread", "003; E1; size: assumption",
            WorstCell(LIFE_CELLS, "spread"), Target(0.5, text=">= 0.5 in every cell"),
            "The same cells: Kaplan-Meier interquartile range of lifespans over the median, "
            "in every cell whose quartiles are reached; the lowest cell is shown (interval: "
            "bootstrap over its runs)."),
    *(
        Pattern(f"Y{11 + k}", f"activity ages, {pol}", "001; 000",
                ActivityAges(tuple(c for c in LIFE_CELLS if c.endswith(f"_{pol}")), pol),
                below(1.0),
                f"Every group type under {pol}, groups alive through day 364: member "
                "messages per member-day in days 300-364 over those in days 0-59.")
        for k, pol in enumerate(PRESET_POLICIES)
    ),
    # --- a matrix of groups (004; docs/model.md section 14) ---
    Pattern("X1", "a fed long-term group keeps more active members", "004",
            PairedDiff("funnel_fed", "longterm_active_end", "funnel_unfed",
                       "longterm_active_end"), above(0),
            "event_funnel under feelings (a relationship group fed by a 40-member event group "
            "every 30 days, 30% of each event's active members invited on), same seeds "
            "with and without the funnel: members of the long-term group who posted in it "
            "within the last 30 days at day 365 (0 if it died), fed minus unfed."),
    Pattern("X2", "people in several groups stay active somewhere longer", "004",
            ShareGap("city_network", "cohort_multi_active_end", "cohort_multi",
                     "cohort_single_active_end", "cohort_single"), above(0),
            "city_network under feelings: of the people present on day 90 (all three groups "
            "founded), the share who posted in some living group within the last 30 days "
            "at day 365, those in two or more groups minus those in one (founders drawn "
            "into a second group are drawn at random)."),
    Pattern("X3", "an ad flood raises exits in its own group more than in the others",
            "004 (direction); size: assumption",
            PairedGap("matrix_flood", "matrix_flood_none", "flood_self_exits",
                      "flood_other_exits"), above(0),
            "city_network under feelings, 30 spam ads in the city group at the start of "
            "day 90, same seeds with and without: exits per member in the next 7 days, the "
            "rise in the city group minus the rise in the profession and hobby groups "
            "(shown after the interval: the two rises)."),
    Pattern("I1", "most first invitations within 5 days of joining", "E3",
            PooledRatio("relationship_feelings", "invites_within5", "invites_total"),
            between(0.70, 0.90, "0.80 +- 0.10"),
            "Relationship group, feelings: of members with a successful invitation (and "
            "30 days of follow-up), the share whose first came < 5 days after joining."),
)  # fmt: skip
PATTERN_BY_ID = {p.id: p for p in PATTERNS}
