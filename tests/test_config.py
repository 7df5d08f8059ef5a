"""Config validation: every kind of bad input gives one ConfigError naming the field,
the value and what is allowed, before anything runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sim.config.compose as cli
from sim.config import GroupConfig, SimConfig
from sim.config.compose import compose
from sim.core.errors import ConfigError
from sim.model import check_config
from sim.model.tactics import parse_tactics

ROOT = Path(__file__).resolve().parent.parent


def assert_one_error(err: ConfigError, field: str, value: str, allowed: tuple[str, ...]):
    msg = str(err)
    assert "\n" not in msg, msg
    assert err.field == field, msg
    assert value in str(err.value), msg
    for word in (field, value, *allowed):
        assert word in msg, f"{word!r} missing from {msg!r}"


BAD_OVERRIDES = {
    "negative rate": (
        ["policy=money", "policy.tactics.red_packets.amount=-1"],
        "policy.tactics.red_packets.amount",
        "-1",
        ("between", "0.01"),
    ),
    "negative group rate": (
        ["group.spam_attraction=-0.5"],
        "group.spam_attraction",
        "-0.5",
        ("between 0.0 and 100.0",),
    ),
    "share above 1": (
        ["group.silent_share=1.5"],
        "group.silent_share",
        "1.5",
        ("between 0.0 and 1.0",),
    ),
    "group above 500": (
        ["group.initial_members=501"],
        "group.initial_members",
        "501",
        ("between 2 and 500",),
    ),
    "unknown group preset": (
        ["group=nope"],
        "group",
        "nope",
        ("unknown group preset", "relationship", "learning"),
    ),
    "unknown policy preset": (
        ["policy=nope"],
        "policy",
        "nope",
        ("unknown policy preset", "feelings", "money", "hands_off"),
    ),
    "unknown tactic": (
        ["+policy.tactics.bogus={}"],
        "policy.tactics",
        "bogus",
        ("unknown tactic", "red_packets"),
    ),
    "unknown tactic without +": (
        ["policy.tactics.bogus={}"],
        "policy.tactics",
        "bogus",
        ("unknown key", "+policy.tactics.bogus"),
    ),
    "unknown tactic setting": (
        ["policy=money", "+policy.tactics.red_packets.bogus=1"],
        "policy.tactics.red_packets.bogus",
        "1",
        ("unknown setting", "amount", "shares"),
    ),
    "unknown setting": (
        ["run.nope=1"],
        "run",
        "nope",
        ("unknown setting", "days", "replicates"),
    ),
    "wrong type int": (["run.days=abc"], "run.days", "abc", ("must be a whole number",)),
    "wrong type float": (
        ["group.silent_share=abc"],
        "group.silent_share",
        "abc",
        ("must be a number",),
    ),
    "float for int": (["run.days=1.5"], "run.days", "1.5", ("must be a whole number",)),
    "string for a bool": (
        ["behaviour.lifecycle.novelty=no"],
        "behaviour.lifecycle.novelty",
        "no",
        ("must be true or false",),
    ),
    "quoted number": (["run.days='7'"], "run.days", "7", ("must be a whole number",)),
    "key added twice with +": (["+seed=3"], "seed", "+seed", ("drop the +", "++seed")),
    "sweep outside a sweep": (["run.days=1,2"], "run.days", "1,2", ("Ambiguous value",)),
    "tactic setting wrong type": (
        ["policy=money", "policy.tactics.red_packets.amount=lots"],
        "policy.tactics.red_packets.amount",
        "lots",
        ("must be a number",),
    ),
    "malformed override": (["run.days=[1,2"], "run.days", "[1,2", ("malformed override",)),
    # issue 13, class 1: nothing silent. A typo added with + used to be dropped ...
    "typo added with +": (
        ["+group.initial_member=120"],
        "group.initial_member",
        "120",
        ("unknown setting", "did you mean initial_members"),
    ),
    "nested typo added with +": (
        ["+behaviour.pressures.noise_tolerence=60"],
        "behaviour.pressures.noise_tolerence",
        "60",
        ("unknown setting", "did you mean noise_tolerance"),
    ),
    "new key added with +": (["+run.nosuch=1"], "run.nosuch", "1", ("unknown setting", "days")),
    "top-level key added with +": (["+sed=3"], "sed", "3", ("did you mean seed",)),
    "tactic setting typo": (
        ["policy.tactics.red_packets.every_dais=3"],
        "policy.tactics.red_packets",
        "every_dais",
        ("unknown key",),
    ),
    "tactic setting typo added with +": (
        ["+policy.tactics.red_packets.every_dais=3"],
        "policy.tactics.red_packets.every_dais",
        "3",
        ("did you mean every_days",),
    ),
    # ... tactic settings were not type-checked: "no" was taken as true ...
    "string for a tactic bool": (
        ["+policy.tactics.red_packets={every_days: 0, on_holidays: no}"],
        "policy.tactics.red_packets.on_holidays",
        "no",
        ("must be true or false",),
    ),
    "number for a tactic bool": (
        ["policy.tactics.content.holiday_greetings=1"],
        "policy.tactics.content.holiday_greetings",
        "1",
        ("must be true or false",),
    ),
    "int for a tactic list": (
        ["policy.tactics.content.hours=7"],
        "policy.tactics.content.hours",
        "7",
        ("must be a list of whole numbers",),
    ),
    "fraction for a tactic int": (
        ["policy.tactics.moderation.team_size=1.5"],
        "policy.tactics.moderation.team_size",
        "1.5",
        ("must be a whole number",),
    ),
    "bool for a tactic float": (
        ["policy.tactics.rules.strictness=true"],
        "policy.tactics.rules.strictness",
        "True",
        ("must be a number",),
    ),
    "text in a tactic mapping": (
        ["policy.tactics.content.per_day.useful=lots"],
        "policy.tactics.content.per_day",
        "lots",
        ("every value must be a number",),
    ),
    "number for a tactic enum": (
        ["policy.tactics.rules.mode=1"],
        "policy.tactics.rules.mode",
        "1",
        ("must be text",),
    ),
    # ... null and an empty mapping silently meant "the defaults" or "no change" ...
    "null tactic": (
        ["policy.tactics={red_packets: null}"],
        "policy.tactics.red_packets",
        "None",
        ("{} for its defaults", "~policy.tactics.red_packets"),
    ),
    "empty tactics mapping": (
        ["policy.tactics={}"],
        "policy.tactics",
        "{}",
        ("changes nothing", "policy=hands_off"),
    ),
    "null tactics": (["policy.tactics=null"], "policy.tactics", "null", ("changes nothing",)),
    # ... non-finite and absurd values had no range ...
    "infinite fee": (["group.entry_fee=inf"], "group.entry_fee", "inf", ("between 0.0 and",)),
    "absurd price": (["group.price=1e308"], "group.price", "1e+308", ("between 0.0 and",)),
    "nan share": (["group.silent_share=nan"], "group.silent_share", "nan", ("between",)),
    "infinite sales weight": (
        ["policy=money", "policy.tactics.sales.mix.product_copy=inf"],
        "policy.tactics.sales.mix.product_copy",
        "inf",
        ("between 0.0 and 1000.0",),
    ),
    "infinite tactic rate": (
        ["policy.tactics.content.per_day.useful=inf"],
        "policy.tactics.content.per_day.useful",
        "inf",
        ("between 0.0 and 100.0",),
    ),
    "far start day": (
        ["policy.tactics.sales.start_day=99999"],
        "policy.tactics.sales.start_day",
        "99999",
        ("between 0 and 3650",),
    ),
    # ... and a group that cannot live ran and reported lifespan 0
    "group dead on day 0": (
        [
            "group.initial_members=5",
            "group.founders=2",
            "group.thinkers=0",
            "group.critics=0",
            "death.min_members=6",
        ],
        "group.initial_members",
        "5",
        ("death.min_members=6", "dead on day 0"),
    ),  # fmt: skip
}


def test_every_numeric_setting_has_a_finite_range():
    """Issue 13: no number is unbounded (tables of per-role values check their own)."""
    import dataclasses
    import typing

    from sim.config import schema
    from sim.model.tactics import REGISTRY

    classes = [
        c for c in vars(schema).values()
        if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == schema.__name__
    ]  # fmt: skip
    classes += [t.Config for t in REGISTRY.values()]
    open_ended = []
    for cls in classes:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if cls.__name__ == "PerRole":  # validated against its owner's bound
                continue
            numeric = hints[f.name] in (int, float) or str(hints[f.name]) == "int | None"
            if numeric and (f.metadata.get("lo") is None or f.metadata.get("hi") is None):
                open_ended.append(f"{cls.__name__}.{f.name}")
    assert not open_ended, open_ended


@pytest.mark.parametrize("case", list(BAD_OVERRIDES))
def test_bad_override_gives_one_config_error(case):
    overrides, field, value, allowed = BAD_OVERRIDES[case]
    with pytest.raises(ConfigError) as info:
        check_config(compose(overrides))  # tactic settings are checked by the tactics
    assert_one_error(info.value, field, value, allowed)


def test_hydra_error_is_chained_for_debugging():
    with pytest.raises(ConfigError) as info:
        compose(["group=nope"])
    assert info.value.__cause__ is not None
    assert "group_schema" not in str(info.value)  # internal schema is not a preset


def test_good_config_composes():
    cfg = compose(["group=learning", "policy=money", "seed=7", "run.days=30"])
    assert isinstance(cfg, SimConfig)
    assert (cfg.group.name, cfg.policy.name, cfg.seed, cfg.run.days) == ("learning", "money", 7, 30)
    assert "red_packets" in parse_tactics(cfg.policy.tactics)


def test_dataclasses_validate_without_hydra():
    with pytest.raises(ConfigError) as info:
        GroupConfig(initial_members=501)
    assert_one_error(info.value, "group.initial_members", "501", ("500",))


@pytest.fixture
def config_copy(tmp_path, monkeypatch):
    """A copy of configs/ that compose() reads instead of the real one."""
    cfg_dir = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", cfg_dir)
    monkeypatch.setattr(cli, "CONFIG_DIR", str(cfg_dir))
    return cfg_dir


def test_malformed_yaml_file(config_copy):
    bad = config_copy / "group" / "broken.yaml"
    bad.write_text("defaults: [group_schema, _self_]\nname: broken\ninitial_members: [1, 2\n")
    with pytest.raises(ConfigError) as info:
        compose(["group=broken"])
    err = info.value
    assert "\n" not in str(err)
    assert err.field == str(bad)
    assert "line" in str(err.value)
    assert "must be valid YAML" in err.allowed


def test_wrong_type_in_yaml_file(config_copy):
    (config_copy / "group" / "typed.yaml").write_text(
        "defaults: [group_schema, _self_]\nname: typed\ninitial_members: lots\n"
    )
    with pytest.raises(ConfigError) as info:
        compose(["group=typed"])
    assert_one_error(info.value, "group.initial_members", "lots", ("must be of type int",))


def test_impossible_value_in_yaml_file(config_copy):
    path = config_copy / "group" / "relationship.yaml"
    text = re.sub(r"(?m)^silent_share: .*$", "silent_share: 2.0", path.read_text())
    assert "silent_share: 2.0" in text
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        compose(["group=relationship"])
    assert_one_error(info.value, "group.silent_share", "2.0", ("between 0.0 and 1.0",))


# ---------------------------------------------------------------- the CLI, end to end


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args, f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_broken_group(tmp_path: Path) -> Path:
    cfg_dir = tmp_path / "extra"
    (cfg_dir / "group").mkdir(parents=True)
    (cfg_dir / "group" / "broken.yaml").write_text("name: broken\ninitial_members: [1, 2\n")
    return cfg_dir


CLI_CASES = {
    "unknown preset": (["group=nope"], ("group='nope'", "unknown group preset", "relationship")),
    "group above 500": (
        ["group.initial_members=501", "run.days=1"],
        ("group.initial_members=501", "between 2 and 500"),
    ),
    "wrong type": (["run.days=abc"], ("run.days='abc'", "must be a whole number")),
    "string for a bool": (
        ["behaviour.lifecycle.novelty=no", "run.days=1"],
        ("behaviour.lifecycle.novelty='no'", "true or false"),
    ),
    "typo added with +": (
        ["+group.initial_member=120", "run.days=1"],
        ("group.initial_member=120", "did you mean initial_members"),
    ),
    "typo in a sweep": (
        [
            "-m",
            "run.days=1,2",
            "hydra.sweep.dir={extra}/sweep",
            "+policy.tactics.red_packets={{every_days: 0, on_holidays: no}}",
        ],  # fmt: skip
        ("policy.tactics.red_packets.on_holidays='no'", "true or false", "sweep point"),
    ),
    "malformed yaml": (
        ["-cd", "{extra}", "group=broken"],
        ("broken.yaml", "line", "must be valid YAML"),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_reports_one_clean_error(case, tmp_path):
    args, expected = CLI_CASES[case]
    extra = write_broken_group(tmp_path)
    proc = run_cli(*(a.format(extra=extra) for a in args), tmp_path=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "Traceback" not in out, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    assert lines[0].startswith("config error: "), out
    for word in expected:
        assert word in lines[0], f"{word!r} missing from {lines[0]!r}"
    assert not (tmp_path / "run" / "daily.parquet").exists()
