"""Every figure from a small real run; the drawn numbers trace back to the tables."""

import numpy as np
import pandas as pd
import pytest
from tables import PACKETS, SALES, grid, policies

from sim.analysis.survival import format_median, km_curve, km_median
from sim.core.causes import CAUSE_NAMES
from sim.core.roles import ROLE_NAMES
from sim.presentation import figures, plots, style


def png(path):
    assert path.exists() and path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def pair():
    return policies()


@pytest.fixture(scope="module")
def money_grid():
    return grid()


@pytest.mark.parametrize("metric", ["lifespan_days", "msgs_per_day", "revenue"])
def test_heatmap_cells_equal_the_points_runs(money_grid, tmp_path, metric):
    _, runs = money_grid
    path = tmp_path / "h.png"
    table = figures.grid_heatmap(runs, path, SALES, PACKETS, metric, facet="group")
    png(path)
    # one cell per (group, sales, packets) point
    assert len(table) == runs.groupby(["group", SALES, PACKETS]).ngroups == 8
    for _, cell in table.iterrows():
        rows = runs[
            (runs["group"] == cell["group"])
            & (runs[SALES] == cell[SALES])
            & (runs[PACKETS] == cell[PACKETS])
        ]
        assert cell["runs"] == len(rows) == rows["point"].nunique() * 3
        if metric == "lifespan_days":
            median, reached = km_median(rows["lifespan_days"], rows["censored"])
            assert (cell["value"], cell["reached"]) == (median, reached)
            assert cell["label"] == format_median(median, reached)
            if not reached:
                assert cell["label"] == f"> {rows['days_run'].max()}"
        else:
            assert cell["value"] == pytest.approx(rows[metric].mean())


def test_heatmap_without_facet_pools_nothing_it_should_not(money_grid, tmp_path):
    _, runs = money_grid
    one = runs[runs["group"] == "relationship"]
    table = figures.grid_heatmap(one, tmp_path / "h.png", SALES, PACKETS)
    assert len(table) == 4 and set(table.columns) >= {SALES, PACKETS, "value", "label"}


def test_survival_curves_are_kaplan_meier_per_policy(pair, tmp_path):
    _, runs = pair
    table = figures.survival_curves(runs, tmp_path / "s.png")
    png(tmp_path / "s.png")
    assert list(dict.fromkeys(table["policy"])) == ["feelings", "money"]
    for policy, curve in table.groupby("policy"):
        sub = runs[runs["policy"] == policy]
        expected = km_curve(sub["lifespan_days"], sub["censored"])
        pd.testing.assert_frame_equal(curve.drop(columns="policy").reset_index(drop=True), expected)
        assert (curve["low"] <= curve["survival"] + 1e-12).all()
        assert (curve["survival"] <= curve["high"] + 1e-12).all()


def test_activity_quartiles_come_from_each_run(pair, tmp_path):
    daily, runs = pair
    days = int(runs["days_run"].max())
    table = figures.activity_by_policy(daily, tmp_path / "a.png", days)
    png(tmp_path / "a.png")
    assert set(table["series"]) == {"msgs_members", "active_members", "members"}
    for policy in ("feelings", "money"):
        sub = daily[daily["policy"] == policy]
        rows = table[(table["policy"] == policy) & (table["series"] == "msgs_members")]
        assert len(rows) == days and (rows["runs"] == sub["run_id"].nunique()).all()
        for day in (0, days // 2, days - 1):
            # a run without a row that day was dead: silent
            values = [
                run.loc[run["day"] == day, "msgs_members"].sum() for _, run in sub.groupby("run_id")
            ]
            got = rows.loc[rows["day"] == day].iloc[0]
            assert got["median"] == pytest.approx(np.median(values))
            assert got["q25"] <= got["median"] <= got["q75"]


def test_activity_groups_by_run_not_replicate(money_grid, tmp_path):
    daily, _ = money_grid
    table = figures.activity_by_policy(daily, tmp_path / "a.png", by="group")
    for group, rows in table.groupby("group"):
        # 4 points x 3 replicates share replicate indices 0-2 but are 12 runs
        assert (rows["runs"] == daily.loc[daily["group"] == group, "run_id"].nunique()).all()
        assert (rows["runs"] == 12).all()


def test_roles_shares_sum_to_one_and_match_the_counts(pair, tmp_path):
    daily, _ = pair
    table = figures.roles_over_time(daily, tmp_path / "r.png")
    png(tmp_path / "r.png")
    shares = table[[f"share_{r}" for r in ROLE_NAMES]].sum(axis=1)
    assert np.allclose(shares, 1)
    row = table[(table["policy"] == "money") & (table["day"] == 10)].iloc[0]
    today = daily[(daily["policy"] == "money") & (daily["day"] == 10)]
    counts = today[[f"n_{r}" for r in ROLE_NAMES]].sum()
    assert row["share_silent"] == pytest.approx(counts["n_silent"] / counts.sum())
    alive = today["run_id"].nunique() / daily.loc[daily["policy"] == "money", "run_id"].nunique()
    assert row["alive_share"] == pytest.approx(alive)


def test_exits_bars_are_means_per_run(pair, tmp_path):
    _, runs = pair
    table = figures.exits_by_cause(runs, tmp_path / "e.png")
    png(tmp_path / "e.png")
    assert list(table.index) == ["feelings", "money"] and list(table.columns) == list(CAUSE_NAMES)
    for policy in table.index:
        sub = runs[runs["policy"] == policy]
        for cause in CAUSE_NAMES:
            assert table.loc[policy, cause] == pytest.approx(sub[f"exits_{cause}"].mean())


def test_pareto_front_hand_case():
    x = [1, 2, 3, 3, 0, 2]
    y = [5, 4, 1, 0, 5, 4]
    # (1,5) beats (0,5); (3,1) beats (3,0); the two (2,4) tie and both stay
    assert figures.pareto_front(x, y).tolist() == [True, True, True, False, False, True]


def test_tradeoff_front_is_non_dominated_and_covers_the_rest(money_grid, pair, tmp_path):
    for _, runs in (money_grid, pair):
        table = figures.tradeoff(runs, tmp_path / "t.png")
        png(tmp_path / "t.png")
        assert len(table) == len(runs)
        assert (table["revenue"].to_numpy() == runs["revenue"].to_numpy()).all()
        x, y = table["lifespan_days"].to_numpy(), table["revenue"].to_numpy()
        front = table["pareto"].to_numpy()
        assert front.any()
        for i in range(len(table)):
            dominated_by = (x >= x[i]) & (y >= y[i]) & ((x > x[i]) | (y > y[i]))
            assert dominated_by.any() != front[i]


def test_policy_colours_are_fixed():
    assert style.colours(["money", "feelings"]) == {
        "money": style.POLICY_COLOURS["money"],
        "feelings": style.POLICY_COLOURS["feelings"],
    }
    other = style.colours(["custom", "feelings"])
    assert other["custom"] not in style.POLICY_COLOURS.values()


def write(folder, daily, runs):
    folder.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(folder / "runs.parquet")
    daily.to_parquet(folder / "daily.parquet")
    return folder


def test_cli_draws_every_figure_and_infers_the_grid(money_grid, tmp_path, capsys):
    folder = write(tmp_path / "grid", *money_grid)
    paths = plots.main([str(folder)])
    names = sorted(p.name for p in paths)
    assert names == sorted(
        ["survival.png", "activity.png", "roles.png", "exits.png", "tradeoff.png"]
        + [f"heatmap_{m}.png" for m in ("lifespan_days", "msgs_per_day", "revenue")]
    )
    for p in paths:
        assert p.parent == folder / "figures"
        png(p)
    assert str(paths[0]) in capsys.readouterr().out


def test_cli_without_a_grid_draws_no_heatmap(pair, tmp_path):
    folder = write(tmp_path / "pair", *pair)
    names = {p.name for p in plots.main([str(folder)])}
    assert names == {"survival.png", "activity.png", "roles.png", "exits.png", "tradeoff.png"}


def test_cli_splits_heatmaps_by_a_further_varying_column(money_grid, tmp_path):
    folder = write(tmp_path / "grid", *money_grid)
    paths = plots.main([str(folder), "--x", "group", "--y", SALES, "--by", "group"])
    heat = sorted(p.name for p in paths if p.name.startswith("heatmap"))
    # facet: the packets knob (the only other column that varies); no split
    assert heat == [f"heatmap_{m}.png" for m in ("lifespan_days", "msgs_per_day", "revenue")]
    paths = plots.main(
        [str(folder), "--x", SALES, "--y", PACKETS, "--facet", PACKETS, "--by", "group"]
    )
    heat = [p.name for p in paths if p.name.startswith("heatmap_lifespan")]
    assert sorted(heat) == [
        "heatmap_lifespan_days__group=interest.png",
        "heatmap_lifespan_days__group=relationship.png",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--x", "nope", "--y", "group"], "--x=nope is not allowed: must be a column of"),
        (["--by", "colour"], "--by=colour is not allowed: must be a column of"),
        (["--x", "group"], "--y is missing: give it together with --x"),
        (["--by", "run_id"], "--by=run_id is not allowed: must have at most 12 values"),
    ],
)
def test_cli_bad_input_is_one_line(money_grid, tmp_path, args, message):
    folder = write(tmp_path / "grid", *money_grid)
    with pytest.raises(SystemExit) as err:
        plots.main([str(folder), *args])
    text = str(err.value)
    assert text.startswith("plots error: ") and message in text and "\n" not in text
    if "column of" in message:
        assert SALES in text  # names the swept columns that are allowed


def test_cli_missing_folder_or_file(tmp_path):
    with pytest.raises(SystemExit, match=r"PATH=.*nowhere is not allowed: must be a results"):
        plots.main([str(tmp_path / "nowhere")])
    (tmp_path / "half").mkdir()
    pd.DataFrame({"run_id": ["a"]}).to_parquet(tmp_path / "half" / "runs.parquet")
    with pytest.raises(SystemExit, match="daily.parquet is missing"):
        plots.main([str(tmp_path / "half")])
    pd.DataFrame({"run_id": ["a"]}).to_parquet(tmp_path / "half" / "daily.parquet")
    with pytest.raises(SystemExit, match=r"runs.parquet.*missing: policy, lifespan_days"):
        plots.main([str(tmp_path / "half")])


def test_grid_axes_inference():
    base = {"run_id": list("abcd"), "group": ["g"] * 4, "policy": ["p"] * 4}
    runs = pd.DataFrame(base | {"a.x": [1, 1, 2, 2], "b.y": [1, 2, 1, 2], "run.days": 30})
    assert plots.grid_axes(runs) == ("a.x", "b.y")  # constant dotted columns don't count
    runs = pd.DataFrame(base | {"policy": list("ppqq"), "group": list("ghgh")})
    assert plots.grid_axes(runs) == ("policy", "group")
    assert plots.grid_axes(pd.DataFrame(base | {"group": list("ghij")})) is None
    three = pd.DataFrame(base | {"a.x": [1, 2, 1, 2], "b.y": [1, 1, 2, 2], "c.z": [1, 2, 2, 1]})
    assert plots.grid_axes(three) is None
