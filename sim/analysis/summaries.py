"""The one per-group summary of a runs table: lifespan, activity, revenue and exits.

Every place that reduces runs to one row per policy, per sweep point or per cell uses
:func:`stats_table`: the comparison report and verdict, a sweep's printed points table,
and the studies. Lifespans are censored, so their summaries are Kaplan-Meier ones.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.survival import km_median_ci, logrank_vs_first, restricted_mean
from sim.core.causes import CAUSE_NAMES


def stats_table(
    runs: pd.DataFrame, by: str | list[str] = "policy", horizon: float | None = None
) -> pd.DataFrame:
    """One row per value of ``by`` (in table order; the first is the reference).

    Args:
        runs: runs table (``lifespan_days``, ``censored``, ``days_run``, ``msgs_per_day``,
            ``active_members_mean``, ``members_end``, ``revenue``, ``exits_<cause>``).
        by: the column, or columns, whose values (combinations) get a row each.
        horizon: the horizon in days (default: the longest ``days_run``).

    Returns:
        Columns: the ``by`` column(s), ``runs``, ``alive`` (censored runs), ``median``,
        ``reached``, ``ci_low``, ``ci_low_reached``, ``ci_high``, ``ci_high_reached``
        (see ``sim.analysis.survival.MedianCI``), ``median_text``, ``ci_text``,
        ``restricted_mean`` (days alive out of the horizon), ``logrank_p`` (two-sample
        log-rank against the first row's runs; NaN for the first), ``msgs_per_day`` and
        ``active_members`` (mean over runs of the per-day-alive means), ``members_end``
        (median), ``revenue`` (mean total per run, yuan), ``revenue_per_day`` (mean over
        runs of revenue / days run), ``exits_<cause>`` and ``exits_total`` (mean per run).
        ``attrs["horizon"]`` holds the horizon.
    """
    keys = [by] if isinstance(by, str) else list(by)
    days_run = runs["days_run"] if "days_run" in runs else runs["lifespan_days"]
    horizon = float(days_run.max() if horizon is None else horizon)
    groups = runs.groupby(keys, sort=False, dropna=False)
    label = pd.Series(groups.ngroup(), index=runs.index, name="_group")
    tests = logrank_vs_first(runs.assign(_group=label), "_group")
    rows = []
    for i, (value, sub) in enumerate(groups):
        value = value if isinstance(value, tuple) else (value,)
        ci = km_median_ci(sub["lifespan_days"], sub["censored"])
        sub_days = days_run.loc[sub.index].clip(lower=1)
        row = dict(zip(keys, value, strict=True)) | {
            "runs": len(sub),
            "alive": int(sub["censored"].sum()),
            "median": ci.median,
            "reached": ci.reached,
            "ci_low": ci.low,
            "ci_low_reached": ci.low_reached,
            "ci_high": ci.high,
            "ci_high_reached": ci.high_reached,
            "median_text": ci.text(),
            "ci_text": ci.ci_text(),
            "restricted_mean": restricted_mean(sub["lifespan_days"], sub["censored"], horizon),
            "logrank_p": tests[i].pvalue if i in tests else float("nan"),
            "msgs_per_day": float(sub["msgs_per_day"].mean()),
            "active_members": float(sub["active_members_mean"].mean()),
            "members_end": float(sub["members_end"].median()),
            "revenue": float(sub["revenue"].mean()),
            "revenue_per_day": float((sub["revenue"] / sub_days).mean()),
        }
        for c in CAUSE_NAMES:
            row[f"exits_{c}"] = float(sub[f"exits_{c}"].mean())
        row["exits_total"] = float(sum(row[f"exits_{c}"] for c in CAUSE_NAMES))
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["horizon"] = horizon
    return table
