"""Lifespans are right-censored survival data: Kaplan-Meier medians (design.md)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def km_median(lifespan_days, censored) -> tuple[float, bool]:
    """Kaplan-Meier median lifespan.

    Args:
        lifespan_days: lifespan of each run in days (horizon for censored runs).
        censored: True where the group was still alive at the horizon.

    Returns:
        (median, reached). When survival never falls to one half, ``reached`` is False
        and ``median`` is the longest follow-up: the median is only known to exceed it.
    """
    t = np.asarray(lifespan_days, dtype=float)
    c = np.asarray(censored, dtype=bool)
    if not (~c).any():
        return float(t.max()), False
    data = stats.CensoredData(uncensored=t[~c], right=t[c])
    sf = stats.ecdf(data).sf
    below = np.flatnonzero(sf.probabilities <= 0.5)
    if below.size == 0:
        return float(t.max()), False
    return float(sf.quantiles[below[0]]), True


def format_median(median: float, reached: bool) -> str:
    """``"42"`` or ``"> 365"``."""
    return f"{median:.0f}" if reached else f"> {median:.0f}"
