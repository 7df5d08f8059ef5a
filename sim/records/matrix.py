"""A matrix run's records (docs/model.md section 14).

- the matrix's daily table (one row per matrix day: groups alive, people reached,
  present, in several groups and active somewhere; members, messages, revenue and moves
  summed over groups) and its summary row (one per run). They take the place of a single
  group's tables in sweeps, comparisons and the batch evaluator: ``lifespan_days`` is
  the matrix's (until its last group dies), so every survival statistic works on it;
- per group, the daily table and summary row of a single group (same columns) with the
  group's ``group_id``, ``launch_day`` and ``matrix_day``, so every per-group plot and
  statistic works;
- the flows: one row per move of a person into another group (from, to, day, why).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.causes import CAUSE_NAMES
from sim.model.matrix import WHY, MatrixModel
from sim.records.summary import daily_frame, summary_row


def matrix_daily_frame(model: MatrixModel) -> pd.DataFrame:
    """One row per matrix day."""
    df = pd.DataFrame(model.daily_rows)
    ints = [c for c in df.columns if c != "revenue"]
    return df.astype(dict.fromkeys(ints, "int64"))


def group_tables(model: MatrixModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every group's daily table and summary row, with ``group_id`` and its dates."""
    dailies, rows = [], []
    for gr in model.groups:
        daily = daily_frame(gr.model)
        keys = {
            "group_id": gr.gid,
            "group_key": gr.key,
            "group": gr.model.cfg.group.name,
            "policy": gr.model.cfg.policy.name,
            "launch_day": gr.launch_day,
        }
        rows.append(keys | summary_row(gr.model, daily))
        for i, (k, v) in enumerate(keys.items()):
            daily.insert(i, k, v)
        daily.insert(len(keys), "matrix_day", daily["day"] + gr.launch_day)
        dailies.append(daily)
    return pd.concat(dailies, ignore_index=True), pd.DataFrame(rows)


def flows_frame(model: MatrixModel) -> pd.DataFrame:
    """One row per move: person, from group, to group, matrix day, why."""
    cols = ["person", "from_group", "to_group", "day", "why"]
    df = pd.DataFrame(model.flows, columns=cols)
    return df.astype({"person": "int64", "day": "int64"})


def matrix_summary_row(model: MatrixModel, daily: pd.DataFrame, groups: pd.DataFrame) -> dict:
    """One row per matrix run: reach, people still active, lifespan, revenue, moves.

    ``lifespan_days`` is the matrix's: the latest ``launch_day + lifespan_days`` of its
    groups, i.e. the day its last group went quiet for good (censored if a group was
    alive at the horizon). ``cohort_*``: the people present on
    ``matrix.cohort_day`` in one group and in several, and how many of each are active
    somewhere at the end (the stickiness measure of pattern X2, docs/model.md 14.7).
    """
    days = len(daily)
    # as a group's (7.17): the last group's lifespan, counted on the matrix's calendar
    ends = groups["launch_day"] + groups["lifespan_days"]
    censored = bool(groups["censored"].any())
    persons, _, _ = model.memberships()
    row = {
        "seed": model.seed,
        "lifespan_days": int(ends.max()) if len(groups) else 0,
        "censored": censored,
        "days_run": days,
        "groups_founded": len(model.groups),
        "people_reached": model.n_people,
        "people_present_end": int(np.unique(persons).size),
        "people_active_end": int(daily["people_active"].iloc[-1]) if days else 0,
        "people_multi_peak": int(daily["people_multi"].max()) if days else 0,
        "members_end": int(daily["members"].iloc[-1]) if days else 0,
        "msgs_members": int(daily["msgs_members"].sum()),
        "msgs_per_day": float(daily["msgs_members"].mean()) if days else 0.0,
        "active_members_mean": float(daily["active_members"].mean()) if days else 0.0,
        "exits_total": int(daily["exits_total"].sum()),
        **{f"exits_{c}": int(groups[f"exits_{c}"].sum()) for c in CAUSE_NAMES},
        "revenue": float(groups["revenue"].sum()),
        "packet_yuan_operator": float(groups["packet_yuan_operator"].sum()),
        "ads_operator": int(groups["ads_operator"].sum()),
    }
    for w in WHY:
        row[f"moved_{w}"] = int(daily[f"moved_{w}"].sum())
    single, multi = model.cohort or (np.zeros(0, np.int64), np.zeros(0, np.int64))
    row["cohort_single"], row["cohort_multi"] = int(single.size), int(multi.size)
    row["cohort_single_active_end"] = model.active_at_end(single)
    row["cohort_multi_active_end"] = model.active_at_end(multi)
    # groups founded once, by key: their lifespan, members active at the end, exits
    for key, spec in model.mx.groups.items():
        if spec.every_days:
            continue
        gr = next((g for g in model.groups if g.gid == key), None)
        if gr is None:  # founded after the matrix ended
            row[f"{key}_lifespan_days"], row[f"{key}_active_end"] = 0, 0
            row[f"{key}_exits"], row[f"{key}_members_ever"] = 0, 0
            continue
        first = groups[groups["group_id"] == key].iloc[0]
        row[f"{key}_lifespan_days"] = int(first["lifespan_days"])
        row[f"{key}_active_end"] = model.active_members(gr)
        row[f"{key}_exits"] = int(first["exits_total"])
        row[f"{key}_members_ever"] = int(first["members_ever"])
    return row
