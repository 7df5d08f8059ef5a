"""A plain-language verdict on a comparison, written from its statistics table.

``verdict`` takes the table ``sim.analysis.summaries.stats_table`` makes of a runs table
(one row per policy: Kaplan-Meier median lifespan with its 95% CI, log-rank p against
the first policy, activity, revenue, exits) and writes one paragraph from it only, so
every number in it can be found in the table. Its wording follows the data's limits: a
median not reached is "more than H days", a p-value of 0.05 or more is "not
significant" and, with few runs, "not evidence that the policies are equivalent".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.survival import logrank_k

ALPHA = 0.05
# Fewer runs than this per policy: say that the test has little power.
SMALL_N = 10


def overall_logrank(runs: pd.DataFrame, by: str = "policy") -> float:
    """p-value of the k-sample log-rank test across all values of ``by``."""
    return logrank_k(runs["lifespan_days"], runs["censored"], runs[by]).pvalue


def format_p(p: float) -> str:
    """``"0.034"``, ``"< 0.001"`` or ``"n/a"``."""
    if p is None or math.isnan(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def survival_key(row: pd.Series) -> tuple:
    """Sort key, larger = lives longer.

    A median not reached beats any reached one (the horizon is shared); then the median;
    ties, and two medians not reached, are broken by the restricted mean lifespan.
    """
    return (not row["reached"], row["median"] if row["reached"] else 0.0, row["restricted_mean"])


def _lifespan_phrase(row: pd.Series, horizon: float) -> str:
    if row["reached"]:
        return f"the median group lived {row['median_text']} days (95% CI {row['ci_text']})"
    return (
        f"{row['alive']} of {row['runs']} groups were still alive at the {horizon:.0f}-day "
        f"horizon, so the median lifespan is only known to exceed {horizon:.0f} days"
    )


def _power_note(stats: pd.DataFrame, significant: bool) -> str:
    n = int(stats["runs"].min())
    if n >= SMALL_N:
        return ""
    if significant:
        return f", although with only {n} runs per policy the size of the gap is uncertain"
    return (
        f"; with only {n} runs per policy the test has little power, so this is not evidence "
        "that the policies are equivalent (add replicates, e.g. run.replicates=20)"
    )


def _compare_word(a: float, b: float, more: str, less: str, same: str) -> str:
    if abs(a - b) <= 0.05 * max(abs(a), abs(b)):
        return same
    return more if a > b else less


def _tradeoff(win: pd.Series, lose: pd.Series, by: str) -> str:
    w, lo = win[by], lose[by]
    msgs = _compare_word(
        win["msgs_per_day"], lose["msgs_per_day"], "more", "fewer", "about as many"
    )
    active = _compare_word(
        win["active_members"], lose["active_members"], "more", "fewer", "about as many"
    )
    activity = (
        f"{msgs} member messages per day alive ({_num(win['msgs_per_day'])} vs "
        f"{_num(lose['msgs_per_day'])}) with {active} active members "
        f"({_num(win['active_members'])} vs {_num(lose['active_members'])})"
    )
    richer = win["revenue"] >= lose["revenue"]
    revenue = (
        f"{'more' if richer else 'less'} revenue per run "
        f"({_num(win['revenue'])} vs {_num(lose['revenue'])} yuan)"
    )
    text = f"The {w} groups had {activity}, and earned {revenue}"
    if richer and lose["revenue_per_day"] > 1.05 * win["revenue_per_day"]:
        text += (
            f": {lo} earned more per day alive ({_num(lose['revenue_per_day'])} vs "
            f"{_num(win['revenue_per_day'])} yuan) but its groups did not live long enough "
            "to make up for it"
        )
    elif richer:
        text += ", so longer life did not cost revenue here"
    else:
        text += f": a trade-off, {lo} earns more but its groups die sooner"
    return text + "."


def _two(stats: pd.DataFrame, by: str, horizon: float, alpha: float) -> str:
    a, b = stats.iloc[0], stats.iloc[1]
    p = b["logrank_p"]
    parts = [
        f"Under {a[by]}, {_lifespan_phrase(a, horizon)}; under {b[by]}, "
        f"{_lifespan_phrase(b, horizon)}."
    ]
    ka, kb = survival_key(a), survival_key(b)
    win, lose = (a, b) if ka >= kb else (b, a)
    significant = not math.isnan(p) and p < alpha
    if math.isnan(p):
        parts.append(
            f"No group died under either policy within {horizon:.0f} days, so survival "
            "cannot be compared yet (run longer, e.g. run.days=730)."
        )
    else:
        if ka == kb:
            parts.append(f"The {a[by]} and {b[by]} groups lived about equally long.")
        elif not win["reached"] and not lose["reached"]:
            parts.append(
                f"Neither policy lost half of its groups; over the {horizon:.0f} days "
                f"{win[by]} groups lived longer on average ({_num(win['restricted_mean'])} vs "
                f"{_num(lose['restricted_mean'])} days, restricted mean)."
            )
        else:
            verb = "live longer" if significant else "tended to live longer in these runs"
            parts.append(f"So {win[by]} groups {verb}.")
        state = "statistically significant" if significant else "not statistically significant"
        parts[-1] += (
            f" The difference in survival is {state} at the {alpha:g} level (log-rank "
            f"p = {format_p(p)}){_power_note(stats, significant)}."
        )
    if ka == kb:
        win, lose = a, b
    parts.append(_tradeoff(win, lose, by))
    return " ".join(parts)


def _significance_tag(p: float, alpha: float) -> str:
    if math.isnan(p):
        return ""
    return " (significant)" if p < alpha else " (not significant)"


def _many(stats: pd.DataFrame, by: str, horizon: float, alpha: float, overall: float) -> str:
    ranked = sorted((row for _, row in stats.iterrows()), key=survival_key, reverse=True)

    def short(row):
        if row["reached"]:
            return f"{row[by]} (median {row['median_text']} days, 95% CI {row['ci_text']})"
        return (
            f"{row[by]} (median > {horizon:.0f} days, {row['alive']} of {row['runs']} alive "
            "at the horizon)"
        )

    parts = [f"Ranked by survival: {', '.join(short(r) for r in ranked)}."]
    if math.isnan(overall):
        parts.append(
            f"No group died within {horizon:.0f} days, so survival cannot be compared yet."
        )
    else:
        significant = overall < alpha
        state = "differs" if significant else "does not differ significantly"
        ref = stats.iloc[0][by]
        pairs = "; ".join(
            f"{row[by]} p = {format_p(row['logrank_p'])}"
            + _significance_tag(row["logrank_p"], alpha)
            for _, row in stats.iloc[1:].iterrows()
        )
        parts.append(
            f"Survival {state} across the {len(stats)} policies at the {alpha:g} level "
            f"(k-sample log-rank p = {format_p(overall)}; against {ref}: {pairs})"
            f"{_power_note(stats, significant)}."
        )
    active = stats.loc[stats["msgs_per_day"].idxmax()]
    rich = stats.loc[stats["revenue"].idxmax()]
    msgs = f"{_num(active['msgs_per_day'])} member messages per day alive"
    money = f"{_num(rich['revenue'])} yuan per run"
    if active[by] == rich[by]:
        parts.append(
            f"The policy {active[by]} was both the most active ({msgs}) and the most "
            f"lucrative ({money})"
        )
    else:
        parts.append(
            f"The most active policy was {active[by]} ({msgs}) and the most lucrative was "
            f"{rich[by]} ({money})"
        )
    if rich[by] == ranked[0][by]:
        parts[-1] += ", so the longest-lived policy also earned the most: no trade-off here."
    else:
        parts[-1] += (
            f": a trade-off, {ranked[0][by]} keeps groups alive longest but {rich[by]} earns more."
        )
    return " ".join(parts)


def verdict(
    stats: pd.DataFrame,
    by: str = "policy",
    horizon: float | None = None,
    alpha: float = ALPHA,
    overall_p: float | None = None,
) -> str:
    """One plain-language paragraph comparing the policies in ``stats``.

    Args:
        stats: ``stats_table`` of the runs; its first row is the reference policy.
        by: the column naming the policies.
        horizon: horizon in days (default ``stats.attrs["horizon"]``).
        alpha: significance level of the log-rank test.
        overall_p: k-sample log-rank p-value, used with three or more policies.

    Returns:
        The paragraph.
    """
    horizon = float(stats.attrs.get("horizon", np.nan) if horizon is None else horizon)
    if len(stats) == 1:
        row = stats.iloc[0]
        return (
            f"Only {row[by]} was run: {_lifespan_phrase(row, horizon)}; its groups averaged "
            f"{_num(row['msgs_per_day'])} member messages per day alive and earned "
            f"{_num(row['revenue'])} yuan per run."
        )
    if len(stats) == 2:
        return _two(stats, by, horizon, alpha)
    overall = float("nan") if overall_p is None else overall_p
    return _many(stats, by, horizon, alpha, overall)
