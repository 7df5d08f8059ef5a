"""Figures are functions of tables: DataFrames in, PNG files out (never runs the model).

Each figure function takes the runs table (one row per run) or the daily table (one row
per run-day), writes one PNG and returns the numbers it drew as a tidy DataFrame, so a
figure can be checked against its table. ``by`` (default ``policy``) names the column
whose values get one colour (or panel) each; runs are pooled over everything else.
``sim.presentation.plots`` draws all of them for a results folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen is needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.survival import format_median, km_curve, km_median  # noqa: E402
from sim.core.causes import CAUSE_NAMES  # noqa: E402
from sim.core.roles import ROLE_NAMES  # noqa: E402
from sim.presentation.style import (  # noqa: E402
    DPI,
    ROLE_COLOURS,
    STYLE,
    colours,
    fmt_value,
    knob_label,
    value_label,
)

# Metrics a grid heatmap can show: KM median for lifespan, the mean over runs otherwise.
HEATMAP_METRICS = {
    "lifespan_days": "Kaplan-Meier median lifespan (days)",
    "msgs_per_day": "member messages per day alive (mean over runs)",
    "revenue": "revenue per run (yuan, mean over runs)",
    "active_members_mean": "active members per day alive (mean over runs)",
}


def ordered(values: Sequence) -> list:
    """Distinct values: sorted when numeric, else in order of first appearance."""
    distinct = list(dict.fromkeys(values))
    if all(isinstance(v, int | float | np.integer | np.floating) for v in distinct):
        return sorted(distinct)
    return distinct


def _fmt_number(value: float) -> str:
    if np.isnan(value):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (folders made as needed) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _groups_text(table: pd.DataFrame) -> str:
    if "group" not in table:
        return ""
    groups = list(dict.fromkeys(table["group"]))
    return f"{groups[0]} group" if len(groups) == 1 else f"{len(groups)} group types"


# ---------------------------------------------------------------- grid heatmap


def heatmap_table(
    runs: pd.DataFrame,
    x: str,
    y: str,
    metric: str = "lifespan_days",
    facet: str | None = None,
) -> pd.DataFrame:
    """The numbers of a grid heatmap: one row per (facet, y, x) cell.

    Args:
        runs: runs table.
        x: column on the horizontal axis (a swept knob).
        y: column on the vertical axis.
        metric: ``lifespan_days`` (Kaplan-Meier median of the cell's runs, censoring
            respected) or any numeric column (mean over the cell's runs).
        facet: optional column with one panel per value.

    Returns:
        Columns ``facet`` (if given), ``y``, ``x``, ``value``, ``reached`` (False when
        the KM median was not reached: ``value`` is then the longest follow-up),
        ``label`` (the cell's annotation, e.g. ``"> 365"``) and ``runs``.
    """
    keys = [facet, y, x] if facet else [y, x]
    rows = []
    for key, cell in runs.groupby(keys, sort=True, dropna=False):
        if metric == "lifespan_days":
            value, reached = km_median(cell["lifespan_days"], cell["censored"])
            label = format_median(value, reached)
        else:
            value, reached = float(cell[metric].mean()), True
            label = f"{value:,.0f}" if metric == "revenue" else _fmt_number(value)
        rows.append(
            dict(zip(keys, key, strict=True))
            | {"value": value, "reached": reached, "label": label, "runs": len(cell)}
        )
    return pd.DataFrame(rows)


def grid_heatmap(
    runs: pd.DataFrame,
    path: Path,
    x: str,
    y: str,
    metric: str = "lifespan_days",
    facet: str | None = None,
    title: str | None = None,
) -> pd.DataFrame:
    """Heatmap of ``metric`` over two knobs, cells annotated, one panel per ``facet`` value.

    Lifespan cells show the Kaplan-Meier median; ``"> 365"`` when survival never fell
    to one half (the cell is coloured at the horizon). Other metrics show the mean over
    runs. All panels share one colour scale.

    Returns:
        The drawn numbers, ``heatmap_table(runs, x, y, metric, facet)``.
    """
    table = heatmap_table(runs, x, y, metric, facet)
    facets = ordered(table[facet]) if facet else [None]
    xs, ys = ordered(runs[x]), ordered(runs[y])
    ncols = min(len(facets), 3)
    nrows = -(-len(facets) // ncols)
    width = max(2.2, 0.9 * len(xs) + 1.2)
    height = max(2.0, 0.6 * len(ys) + 1.2)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(width * ncols + 1.2, height * nrows + 0.6),
            squeeze=False,
            constrained_layout=True,
        )
        vmin, vmax = float(table["value"].min()), float(table["value"].max())
        if vmin == vmax:
            vmin, vmax = vmin - 1, vmax + 1
        cmap = plt.get_cmap("viridis")
        image = None
        for ax, value in zip(axes.flat, facets, strict=False):
            cells = table if facet is None else table[table[facet] == value]
            grid = np.full((len(ys), len(xs)), np.nan)
            labels = np.full((len(ys), len(xs)), "", dtype=object)
            for _, cell in cells.iterrows():
                i, j = ys.index(cell[y]), xs.index(cell[x])
                grid[i, j], labels[i, j] = cell["value"], cell["label"]
            image = ax.imshow(grid, origin="lower", aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax)
            for i in range(len(ys)):
                for j in range(len(xs)):
                    if not labels[i, j]:
                        continue
                    shade = (grid[i, j] - vmin) / (vmax - vmin)
                    ax.text(
                        j,
                        i,
                        labels[i, j],
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="black" if shade > 0.6 else "white",
                    )
            ax.set_xticks(range(len(xs)), [fmt_value(v) for v in xs])
            ax.set_yticks(range(len(ys)), [fmt_value(v) for v in ys])
            ax.set_xlabel(knob_label(x))
            ax.set_ylabel(knob_label(y))
            if facet is not None:
                ax.set_title(value_label(facet, value))
        for ax in axes.flat[len(facets) :]:
            ax.set_axis_off()
        label = HEATMAP_METRICS.get(metric, metric)
        fig.colorbar(image, ax=axes, label=label, shrink=0.9)
        n = table["runs"]
        per_cell = f"{n.min()}" if n.min() == n.max() else f"{n.min()}-{n.max()}"
        head = title or label
        head = head[0].upper() + head[1:]
        where = _groups_text(runs)
        fig.suptitle(f"{head}\n{where + ', ' if where else ''}{per_cell} runs per cell")
        save_figure(fig, path)
    return table


# ---------------------------------------------------------------- survival curves


def survival_table(runs: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Kaplan-Meier curves with 95% bands, one per value of ``by`` (``km_curve`` rows)."""
    parts = []
    for value in ordered(runs[by]):
        sub = runs[runs[by] == value]
        curve = km_curve(sub["lifespan_days"], sub["censored"])
        curve.insert(0, by, value)
        parts.append(curve)
    return pd.concat(parts, ignore_index=True)


def survival_curves(runs: pd.DataFrame, path: Path, by: str = "policy") -> pd.DataFrame:
    """Kaplan-Meier survival curve with its 95% band per value of ``by`` (policy).

    Returns:
        The drawn curves, ``survival_table(runs, by)``.
    """
    table = survival_table(runs, by)
    values = ordered(runs[by])
    palette = colours(values, by)
    horizon = float(runs["days_run"].max() if "days_run" in runs else runs["lifespan_days"].max())
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
        for value in values:
            curve = table[table[by] == value]
            sub = runs[runs[by] == value]
            days = np.append(curve["day"].to_numpy(), horizon)
            colour = palette[value]

            def extend(col, curve=curve):
                return np.append(curve[col].to_numpy(), curve[col].iloc[-1])

            ax.fill_between(
                days,
                extend("low"),
                extend("high"),
                step="post",
                color=colour,
                alpha=0.2,
                linewidth=0,
            )
            median, reached = km_median(sub["lifespan_days"], sub["censored"])
            ax.step(
                days,
                extend("survival"),
                where="post",
                color=colour,
                linewidth=2,
                label=f"{value_label(by, value)} (n={len(sub)}, median "
                f"{format_median(median, reached)} d)",
            )
            cens = curve[curve["censored"] > 0]
            ax.plot(cens["day"], cens["survival"], "|", color=colour, markersize=10, mew=1.5)
        ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xlim(0, horizon * 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("days since the group started")
        ax.set_ylabel("share of groups still alive")
        where = _groups_text(runs)
        ax.set_title(
            f"Group survival{', ' + where if where else ''}: Kaplan-Meier, 95% band "
            "(| = alive at horizon)"
        )
        ax.legend(frameon=False, loc="lower left")
        save_figure(fig, path)
    return table


# ---------------------------------------------------------------- activity over time

ACTIVITY_PANELS = (
    ("msgs_members", "member messages per day", "zero"),
    ("active_members", "active members per day (posted)", "zero"),
    ("members", "members", "last"),
)


def by_day(daily: pd.DataFrame, column: str, days: int, after_death: str) -> np.ndarray:
    """Runs x days matrix of ``column`` (one row per ``run_id``), padded after death.

    ``after_death="zero"`` for activity (a dead group is silent), ``"last"`` for state
    such as group size (the members are still in the chat list).
    """
    m = daily.pivot(index="run_id", columns="day", values=column).reindex(columns=range(days))
    m = m.ffill(axis=1) if after_death == "last" else m.fillna(0)
    return m.fillna(0).to_numpy(dtype=float)


def activity_table(
    daily: pd.DataFrame, days: int | None = None, by: str = "policy"
) -> pd.DataFrame:
    """Median and quartiles over runs of each activity series per day and ``by`` value.

    Returns:
        Columns ``by``, ``series`` (a daily column), ``day``, ``q25``, ``median``,
        ``q75``, ``runs``; a dead group counts as silent (0 messages, 0 active members)
        and keeps its last size.
    """
    days = int(days or daily["day"].max() + 1)
    parts = []
    for value in ordered(daily[by]):
        sub = daily[daily[by] == value]
        for column, _, pad in ACTIVITY_PANELS:
            m = by_day(sub, column, days, pad)
            q25, q50, q75 = np.percentile(m, [25, 50, 75], axis=0)
            parts.append(
                pd.DataFrame(
                    {by: value, "series": column, "day": np.arange(days), "q25": q25}
                    | {"median": q50, "q75": q75, "runs": m.shape[0]}
                )
            )
    return pd.concat(parts, ignore_index=True)


def activity_by_policy(
    daily: pd.DataFrame, path: Path, days: int | None = None, by: str = "policy"
) -> pd.DataFrame:
    """Median and inter-quartile band of daily member messages, active members, members.

    Returns:
        The drawn numbers, ``activity_table(daily, days, by)``.
    """
    table = activity_table(daily, days, by)
    values = ordered(daily[by])
    palette = colours(values, by)
    days = int(table["day"].max() + 1)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), constrained_layout=True)
        for ax, (column, label, _) in zip(axes, ACTIVITY_PANELS, strict=True):
            for value in values:
                rows = table[(table[by] == value) & (table["series"] == column)]
                colour = palette[value]
                ax.fill_between(
                    rows["day"], rows["q25"], rows["q75"], color=colour, alpha=0.25, linewidth=0
                )
                ax.plot(
                    rows["day"],
                    rows["median"],
                    color=colour,
                    label=f"{value_label(by, value)} (n={rows['runs'].iloc[0]})",
                )
            ax.set_xlabel("day")
            ax.set_ylabel(label)
            ax.set_xlim(0, days - 1)
            ax.set_ylim(bottom=0)
        where = _groups_text(daily)
        axes[0].set_title("Member messages per day")
        axes[1].set_title("Active members per day")
        axes[2].set_title("Members (a dead group keeps its last size)")
        fig.suptitle(
            f"Activity{' (' + where + ')' if where else ''}: median and inter-quartile band "
            "over runs; a dead group counts as silent"
        )
        axes[0].legend(frameon=False)
        save_figure(fig, path)
    return table


# ---------------------------------------------------------------- roles over time


def roles_table(daily: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Share of members in each role per day and ``by`` value, over the runs still alive.

    Returns:
        Columns ``by``, ``day``, ``share_<role>`` (role count summed over the runs alive
        that day, divided by the summed count of all four roles) and ``alive_share``
        (runs still alive / runs).
    """
    roles = [f"n_{r}" for r in ROLE_NAMES]
    parts = []
    for value in ordered(daily[by]):
        sub = daily[daily[by] == value]
        sums = sub.groupby("day")[roles].sum()
        total = sums.sum(axis=1).replace(0, np.nan)
        table = sums.div(total, axis=0).fillna(0)
        table.columns = [f"share_{r}" for r in ROLE_NAMES]
        table["alive_share"] = sub.groupby("day")["run_id"].nunique() / sub["run_id"].nunique()
        table.insert(0, by, value)
        parts.append(table.reset_index())
    return pd.concat(parts, ignore_index=True)


def roles_over_time(daily: pd.DataFrame, path: Path, by: str = "policy") -> pd.DataFrame:
    """Stacked shares of thinker, critic, onlooker and silent members, one panel per value.

    Returns:
        The drawn numbers, ``roles_table(daily, by)``.
    """
    table = roles_table(daily, by)
    values = ordered(daily[by])
    ncols = min(len(values), 3)
    nrows = -(-len(values) // ncols)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(4.4 * ncols, 3.4 * nrows + 0.5),
            squeeze=False,
            sharey=True,
            constrained_layout=True,
        )
        for ax, value in zip(axes.flat, values, strict=False):
            rows = table[table[by] == value]
            ax.stackplot(
                rows["day"],
                *[rows[f"share_{r}"] for r in ROLE_NAMES],
                labels=list(ROLE_NAMES),
                colors=[ROLE_COLOURS.get(r, "#999999") for r in ROLE_NAMES],
                alpha=0.9,
            )
            ax.plot(rows["day"], rows["alive_share"], "k--", linewidth=1.2, label="runs alive")
            ax.set_title(value_label(by, value), color=colours(values, by)[value])
            ax.set_xlabel("day")
            ax.set_xlim(0, max(rows["day"].max(), 1))
            ax.set_ylim(0, 1)
        for ax in axes[:, 0]:
            ax.set_ylabel("share of members")
        for ax in axes.flat[len(values) :]:
            ax.set_axis_off()
        axes.flat[0].legend(frameon=True, loc="lower left", fontsize=8)
        where = _groups_text(daily)
        fig.suptitle(
            f"Roles over time{' (' + where + ')' if where else ''}: pooled over the runs "
            "still alive that day"
        )
        save_figure(fig, path)
    return table


# ---------------------------------------------------------------- exits by cause


def exits_table(runs: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Mean exits per run by cause (columns, without ``exits_``) for each ``by`` value."""
    cols = [f"exits_{c}" for c in CAUSE_NAMES]
    table = runs.groupby(by, sort=False)[cols].mean().reindex(ordered(runs[by]))
    table.columns = list(CAUSE_NAMES)
    return table


def exits_by_cause(runs: pd.DataFrame, path: Path, by: str = "policy") -> pd.DataFrame:
    """Grouped bars: mean members leaving per run, by cause, one bar colour per value.

    Returns:
        The drawn numbers, ``exits_table(runs, by)``.
    """
    table = exits_table(runs, by)
    values = list(table.index)
    palette = colours(values, by)
    x = np.arange(len(CAUSE_NAMES))
    width = 0.8 / len(values)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
        for i, value in enumerate(values):
            n = int((runs[by] == value).sum())
            ax.bar(
                x + (i - (len(values) - 1) / 2) * width,
                table.loc[value],
                width,
                color=palette[value],
                label=f"{value_label(by, value)} (n={n})",
            )
        ax.set_xticks(x, [c.replace("_", " ") for c in CAUSE_NAMES])
        ax.set_xlabel("cause of exit")
        ax.set_ylabel("members who left (mean per run)")
        where = _groups_text(runs)
        ax.set_title(f"Exits by cause{' (' + where + ')' if where else ''}, whole run")
        ax.legend(frameon=False)
        save_figure(fig, path)
    return table


# ---------------------------------------------------------------- trade-off


def pareto_front(x, y) -> np.ndarray:
    """Mask of the points no other point beats on both (maximise ``x`` and ``y``).

    A point is dominated when another is at least as good on both and better on one.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    better_eq = (x[None, :] >= x[:, None]) & (y[None, :] >= y[:, None])
    strictly = (x[None, :] > x[:, None]) | (y[None, :] > y[:, None])
    return ~(better_eq & strictly).any(axis=1)


def tradeoff(runs: pd.DataFrame, path: Path, by: str = "policy") -> pd.DataFrame:
    """Lifespan vs total revenue per run, coloured by ``by``, with the Pareto front.

    A hollow marker is a group still alive at the horizon (its lifespan is at least
    that). The front joins the runs no other run beats on both lifespan and revenue.

    Returns:
        ``run_id``, ``by``, ``lifespan_days``, ``censored``, ``revenue`` and ``pareto``
        (True on the front) per run.
    """
    cols = list(dict.fromkeys(["run_id", by, "lifespan_days", "censored", "revenue"]))
    table = runs[cols].reset_index(drop=True).copy()
    table["pareto"] = pareto_front(table["lifespan_days"], table["revenue"])
    values = ordered(runs[by])
    palette = colours(values, by)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
        front = table[table["pareto"]].sort_values(["lifespan_days", "revenue"])
        fx, fy = front["lifespan_days"].to_numpy(float), front["revenue"].to_numpy(float)
        # the edge of the region the front dominates: from the revenue axis, down each
        # step, to the lifespan axis
        ax.step(
            np.concatenate([[0], fx, [fx[-1]]]),
            np.concatenate([[fy[0]], fy, [0]]),
            where="pre",
            color="black",
            linewidth=1,
            linestyle="--",
            label="Pareto front (no run lives longer and earns more)",
            zorder=1,
        )
        ax.scatter(fx, fy, s=110, facecolors="none", edgecolors="black", linewidths=1, zorder=3)
        for value in values:
            sub = table[table[by] == value]
            for censored, face in ((False, palette[value]), (True, "none")):
                part = sub[sub["censored"] == censored]
                ax.scatter(
                    part["lifespan_days"],
                    part["revenue"],
                    s=40,
                    facecolors=face,
                    edgecolors=palette[value],
                    linewidths=1.5,
                    alpha=0.85,
                    zorder=2,
                    label=f"{value_label(by, value)}" + (" (alive at horizon)" if censored else ""),
                )
        ax.set_xlabel("lifespan (days; hollow = alive at horizon, at least this)")
        ax.set_ylabel("total revenue per run (yuan)")
        where = _groups_text(runs)
        ax.set_title(f"Lifespan vs revenue per run{' (' + where + ')' if where else ''}")
        handles, labels = ax.get_legend_handles_labels()
        keep = [i for i, lab in enumerate(labels) if not lab.startswith("_")]
        ax.legend([handles[i] for i in keep], [labels[i] for i in keep], frameon=False, fontsize=8)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        save_figure(fig, path)
    return table


def worlds_gap(gaps: pd.DataFrame, path: Path, policies: Sequence[str]) -> pd.DataFrame:
    """Histogram of the restricted-mean-lifespan gap across plausible worlds.

    Returns:
        The figure's data: the per-world gaps (``sim.analysis.worlds.world_gaps``).
    """
    first, second = list(policies)[:2]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    values = gaps["gap"].to_numpy(float)
    bins = min(30, max(5, len(values) // 2))
    ax.hist(values, bins=bins, color="tab:blue", alpha=0.8, edgecolor="white")
    ax.axvline(0, color="0.2", lw=1, ls="--")
    ax.axvline(float(np.median(values)), color="tab:orange", lw=1.5, label="median")
    wins = int((values > 0).sum())
    ax.set_title(f"{first} outlived {second} in {wins} of {len(values)} worlds", fontsize=10)
    ax.set_xlabel(f"restricted mean lifespan, {first} - {second} (days)")
    ax.set_ylabel("worlds")
    ax.legend(fontsize=8)
    save_figure(fig, path)
    return gaps
