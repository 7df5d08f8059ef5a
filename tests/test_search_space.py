"""Search spaces (sim.experiments.search_space): every shipped space reads, strategies map
to policies the model accepts, and a bad space is one line naming what is wrong."""

import optuna
import pytest

from sim.config.compose import compose
from sim.config.values import with_values
from sim.core.errors import ConfigError
from sim.experiments.search_space import policy_of, read_space, space_names, suggest
from sim.model import check_config
from sim.model.tactics import REGISTRY


def test_the_shipped_spaces_cover_every_tactic_and_each_preset_family():
    names = space_names()
    assert {"all_tactics", "feelings_space", "money_space", "hands_off_space"} <= set(names)
    assert set(read_space("all_tactics").tactics) == set(REGISTRY)
    for family in ("feelings", "money", "hands_off"):
        assert read_space(f"{family}_space").base == family


@pytest.mark.parametrize(
    "name", ["all_tactics", "feelings_space", "money_space", "hands_off_space"]
)
def test_every_drawn_strategy_is_a_policy_the_model_accepts(name):
    space = read_space(name)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    base = compose(["policy=hands_off"])
    for _ in range(25):
        trial = study.ask()
        params = suggest(space, trial)
        team, tactics = policy_of(space, params)
        cfg = with_values(base, {"policy.team_size": team, "policy.tactics": tactics})
        check_config(cfg)
        for tactic in space.switches:  # a switched-off tactic is gone, a switched-on one there
            assert (tactic in tactics) == params[f"{tactic}.on"]
        study.tell(trial, 0.0)


def test_a_strategy_keeps_the_base_preset_and_sets_what_was_drawn():
    space = read_space("feelings_space")
    params = {f"{t}.on": True for t in space.switches}
    params |= {"sales.per_day": 0.7, "content.per_day.fun": 1.5, "team_size": 3}
    team, tactics = policy_of(space, params)
    preset = compose(["policy=feelings"]).policy.tactics
    assert team == 3 and tactics["sales"]["per_day"] == 0.7
    assert tactics["content"]["per_day"] == {**preset["content"]["per_day"], "fun": 1.5}
    assert tactics["rules"]["mode"] == "agreed"  # fixed by the space
    assert tactics["conversation"] == preset["conversation"]  # nothing drawn: the preset's
    off = policy_of(space, params | {"sales.on": False})[1]
    assert "sales" not in off and "content" in off


def write(tmp_path, text):
    path = tmp_path / "space.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tactics: {red_packet: {amount: [1, 5]}}", "unknown tactic; did you mean red_packets?"),
        ("tactics: {sales: {per_dy: [0, 1]}}", "did you mean per_day?"),
        ("tactics: {sales: {per_day: [0, 500]}}", "must be a number between 0.0 and 100.0"),
        ("tactics: {sales: {per_day: [2, 1]}}", "low must be below high"),
        ("tactics: {sales: {start_day: [0.5, 9]}}", "give whole-number bounds"),
        ("tactics: {rules: {mode: {choices: [imposed, chaotic]}}}", "must be one of"),
        ("tactics: {red_packets: {amount: {low: 0, high: 9, log: true}}}", "log scale needs"),
        ("tactics: {sales: {per_day: {low: 1}}}", "needs low and high"),
        ("tactics: {sales: {switch: maybe}}", "must be true or false"),
        ("tactics: {content: {per_day.nosuch: [0, 1]}}", "unknown content kind"),
        ("tactics: {sales: {hours: [9, 9]}}", "distinct"),
        ("team_size: 1\ntactics: {}", "the space searches nothing"),
        ("team_size: [0, 3]", "within 1 to 50"),
        ("base: nosuch", "unknown policy preset"),
        ("tacticz: {}", "did you mean tactics?"),
        ("tactics: [sales", "must be valid YAML"),
        ("- a list", "must be a mapping"),
    ],
)  # fmt: skip
def test_a_bad_space_is_one_line_naming_what_is_wrong(tmp_path, text, words):
    with pytest.raises(ConfigError) as err:
        read_space(write(tmp_path, text))
    message = str(err.value)
    assert words in message and "\n" not in message


def test_an_unknown_space_name_lists_the_shipped_ones():
    with pytest.raises(ConfigError, match="unknown search space; did you mean feelings_space"):
        read_space("feelings_spac")
