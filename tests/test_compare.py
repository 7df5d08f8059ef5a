"""The comparison report: its numbers equal the tables', its verdict follows the numbers."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.summaries import stats_table as policy_stats
from sim.analysis.survival import km_median_ci, logrank
from sim.analysis.verdict import format_p, overall_logrank, verdict
from sim.core.causes import CAUSE_NAMES
from sim.experiments import compare


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    out = compare.main(["run.days=45", "run.replicates=3"], out_root=root)
    return out, pd.read_parquet(out / "runs.parquet"), (out / "report.md").read_text()


def md_table(report, first_header):
    """Rows of the Markdown table whose header starts with ``first_header``."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header}"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    header, body = rows[0], rows[2:]
    return pd.DataFrame(body, columns=header).set_index(header[0])


def num(text):
    return float(text.replace(",", ""))


def test_compare_writes_tables_report_and_figures(compared, capsys):
    out, runs, report = compared
    daily = pd.read_parquet(out / "daily.parquet")
    assert list(dict.fromkeys(runs["policy"])) == ["feelings", "money"]
    assert len(runs) == 6 and set(daily["run_id"]) == set(runs["run_id"])
    # paired: replicate r has the same seed under both policies
    seeds = runs.pivot(index="replicate", columns="policy", values="seed")
    assert (seeds["feelings"] == seeds["money"]).all()
    for name in ("survival", "activity", "roles", "exits", "tradeoff"):
        assert "![" in report and f"(figures/{name}.png)" in report
        assert (out / "figures" / f"{name}.png").stat().st_size > 10_000


def test_report_table_equals_the_runs_table(compared):
    _, runs, report = compared
    table = md_table(report, "policy | runs | median lifespan")
    assert list(table.index) == ["feelings", "money"]
    ref = runs[runs["policy"] == "feelings"]
    for policy, sub in runs.groupby("policy"):
        row = table.loc[policy]
        ci = km_median_ci(sub["lifespan_days"], sub["censored"])
        assert row["runs"] == str(len(sub))
        assert row["median lifespan (days)"] == ci.text()
        assert row["95% CI (days)"] == ci.ci_text()
        assert row["alive at day 45"] == f"{sub['censored'].sum()}/{len(sub)}"
        if policy == "money":
            p = logrank(
                ref["lifespan_days"], ref["censored"], sub["lifespan_days"], sub["censored"]
            ).pvalue
            assert row["log-rank p vs feelings"] == format_p(p)
        else:
            assert row["log-rank p vs feelings"] == "ref"
        assert num(row["member msgs/day alive"]) == pytest.approx(
            sub["msgs_per_day"].mean(), abs=0.05
        )
        assert num(row["active members/day alive"]) == pytest.approx(
            sub["active_members_mean"].mean(), abs=0.05
        )
        assert num(row["revenue per run (yuan)"]) == pytest.approx(sub["revenue"].mean(), abs=0.5)
        assert num(row["members at end (median)"]) == pytest.approx(
            sub["members_end"].median(), abs=0.5
        )
    exits = md_table(report, "policy | ads")
    for policy, sub in runs.groupby("policy"):
        for cause in CAUSE_NAMES:
            got = num(exits.loc[policy, cause.replace("_", " ")])
            assert got == pytest.approx(sub[f"exits_{cause}"].mean(), abs=0.05)
        assert num(exits.loc[policy, "total"]) == pytest.approx(sub["exits_total"].mean(), abs=0.05)


def test_report_verdict_is_the_verdict_of_the_table(compared):
    _, runs, report = compared
    expected = verdict(policy_stats(runs, horizon=45))
    assert f"## Verdict\n\n{expected}\n" in report


def test_runs_section_lists_every_run(compared):
    _, runs, report = compared
    listed = md_table(report, "policy | replicate")
    assert len(listed) == len(runs)
    assert sorted(listed["lifespan (days)"].astype(int)) == sorted(runs["lifespan_days"])


def test_parse_args():
    assert compare.parse_args([]) == (["feelings", "money"], ["run.replicates=5"], 20)
    policies, overrides, worlds = compare.parse_args(
        ["policies=money,hands_off", "run.replicates=2", "--worlds", "3"]
    )
    assert policies == ["money", "hands_off"] and overrides == ["run.replicates=2"]
    assert worlds == 3 and compare.parse_args(["--worlds=0"])[2] == 0
    with pytest.raises(SystemExit, match="policies=money,money is not allowed"):
        compare.parse_args(["policies=money,money"])
    with pytest.raises(SystemExit, match="config error: policy='nope' is not allowed"):
        compare.main(["policies=feelings,nope", "run.days=5"])


# ---------------------------------------------------------------- verdict wording


def runs_of(policy, lifespans, censored, msgs=10.0, revenue=100.0, active=5.0):
    n = len(lifespans)
    table = pd.DataFrame(
        {
            "policy": policy,
            "lifespan_days": lifespans,
            "censored": censored,
            "days_run": [
                min(t + 7, 365) if not c else t for t, c in zip(lifespans, censored, strict=True)
            ],
            "msgs_per_day": msgs,
            "active_members_mean": active,
            "members_end": 50,
            "revenue": revenue,
        },
        index=range(n),
    )
    for cause in CAUSE_NAMES:
        table[f"exits_{cause}"] = 1
    return table


def both(*parts):
    return pd.concat(parts, ignore_index=True)


def test_verdict_censored_winner_significant():
    rng = np.random.default_rng(0)
    runs = both(
        runs_of("feelings", [365] * 20, [True] * 20, msgs=30, revenue=6000),
        runs_of("money", rng.integers(30, 50, 20), [False] * 20, msgs=8, revenue=600),
    )
    stats = policy_stats(runs, horizon=365)
    text = verdict(stats)
    assert "20 of 20 groups were still alive at the 365-day horizon" in text
    assert "only known to exceed 365 days" in text
    assert f"the median group lived {stats.loc[1, 'median_text']} days" in text
    assert "So feelings groups live longer" in text
    assert "statistically significant at the 0.05 level (log-rank p = < 0.001)" in text
    assert "little power" not in text and "uncertain" not in text
    assert "did not cost revenue" in text


def test_verdict_small_n_not_significant_is_careful():
    runs = both(
        runs_of("feelings", [40, 50, 60], [False] * 3),
        runs_of("money", [42, 48, 61], [False] * 3),
    )
    stats = policy_stats(runs)
    text = verdict(stats)
    p = stats.loc[1, "logrank_p"]
    assert p >= 0.05
    assert f"not statistically significant at the 0.05 level (log-rank p = {format_p(p)})" in text
    assert "only 3 runs per policy" in text and "not evidence" in text
    assert "live longer" not in text.replace("tended to live longer", "")


def test_verdict_names_the_longer_lived_policy_even_if_second_and_the_tradeoff():
    runs = both(
        runs_of("money", [20, 25, 30, 35], [False] * 4, msgs=5, revenue=900, active=3),
        runs_of("feelings", [200, 365, 365, 365], [False, True, True, True], msgs=20, revenue=300),
    )
    text = verdict(policy_stats(runs, horizon=365))
    assert "So feelings groups" in text
    assert "The feelings groups had more member messages per day alive (20.0 vs 5.0)" in text
    assert "less revenue per run (300 vs 900 yuan): a trade-off, money earns more" in text


def test_verdict_without_deaths_cannot_compare():
    runs = both(runs_of("feelings", [90] * 3, [True] * 3), runs_of("money", [90] * 3, [True] * 3))
    text = verdict(policy_stats(runs))
    assert "No group died under either policy within 90 days" in text
    assert "cannot be compared" in text


def test_verdict_neither_median_reached_uses_the_restricted_mean():
    runs = both(
        runs_of("feelings", [365] * 10, [True] * 10),
        runs_of("money", [100, 150] + [365] * 8, [False, False] + [True] * 8),
    )
    stats = policy_stats(runs, horizon=365)
    text = verdict(stats)
    assert "Neither policy lost half of its groups" in text
    assert f"({stats.loc[0, 'restricted_mean']:.0f} vs " in text


def test_verdict_three_policies_ranks_and_tests_them_all():
    runs = both(
        runs_of("feelings", [365] * 5, [True] * 5, revenue=500),
        runs_of("money", [30, 32, 35, 40, 41], [False] * 5, revenue=900),
        runs_of("hands_off", [100, 120, 150, 160, 200], [False] * 5, revenue=0),
    )
    stats = policy_stats(runs, horizon=365)
    overall = overall_logrank(runs)
    text = verdict(stats, overall_p=overall)
    ranked = text.split("Ranked by survival: ")[1]
    assert ranked.index("feelings") < ranked.index("hands_off") < ranked.index("money")
    assert f"k-sample log-rank p = {format_p(overall)}" in text
    assert f"money p = {format_p(stats.loc[1, 'logrank_p'])}" in text
    assert "a trade-off, feelings keeps groups alive longest but money earns more" in text
