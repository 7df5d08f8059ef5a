"""Figures of a sensitivity analysis: Morris mu*-sigma plots, Sobol S1/ST bars.

One panel per output, drawn from the indices table alone
(``sim.experiments.sensitivity``), so a report redraws in seconds.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

TOP = 8  # parameters named (Morris) or drawn (Sobol) per output


def _short(name: str) -> str:
    """``behaviour.lifecycle.floor`` -> ``lifecycle.floor``: the last two parts."""
    return ".".join(name.split(".")[-2:])


def _grid(n: int) -> tuple[plt.Figure, list]:
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.2 * rows), squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def draw_morris(table: pd.DataFrame, path: Path) -> Path:
    """mu* (horizontal, with its interval) against sigma, per output."""
    outputs = list(dict.fromkeys(table["output"]))
    fig, axes = _grid(len(outputs))
    for ax, output in zip(axes, outputs, strict=True):
        part = table[table["output"] == output]
        ax.errorbar(
            part["mu_star"], part["sigma"], xerr=part["mu_star_conf"], fmt="o", ms=4,
            color="tab:blue", ecolor="0.7", elinewidth=1,
        )  # fmt: skip
        for _, row in part.nlargest(TOP, "mu_star").iterrows():
            ax.annotate(_short(row["parameter"]), (row["mu_star"], row["sigma"]), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")  # fmt: skip
        ax.set_title(output, fontsize=10)
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_ylabel("sigma (interactions, non-linearity)")
    fig.suptitle("Morris screening: influence (mu*) and interaction (sigma) of each parameter")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def draw_sobol(table: pd.DataFrame, path: Path) -> Path:
    """First-order (S1) and total (ST) indices with 95% intervals, leading parameters."""
    outputs = list(dict.fromkeys(table["output"]))
    fig, axes = _grid(len(outputs))
    for ax, output in zip(axes, outputs, strict=True):
        part = table[table["output"] == output].nlargest(TOP, "ST").iloc[::-1]
        y = range(len(part))
        ax.barh([v + 0.2 for v in y], part["ST"], 0.4, xerr=part["ST_conf"], label="ST",
                color="tab:orange", ecolor="0.4")  # fmt: skip
        ax.barh([v - 0.2 for v in y], part["S1"], 0.4, xerr=part["S1_conf"], label="S1",
                color="tab:blue", ecolor="0.4")  # fmt: skip
        ax.set_yticks(list(y), [_short(p) for p in part["parameter"]], fontsize=7)
        ax.set_title(output, fontsize=10)
        ax.set_xlabel("share of variance")
        ax.axvline(0, color="0.5", lw=0.5)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("Sobol indices: first-order (S1) and total (ST), 95% bootstrap intervals")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def draw(table: pd.DataFrame, method: str, out: Path) -> Path:
    """The figure of ``method`` into ``out`` (``morris.png`` or ``sobol.png``)."""
    out = Path(out)
    if method == "morris":
        return draw_morris(table, out / "morris.png")
    return draw_sobol(table, out / "sobol.png")
