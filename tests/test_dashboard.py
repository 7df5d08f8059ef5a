"""The live dashboard (sim.dashboard): its data preparation, figures, and the page itself
driven in headless Chromium (Debian's package, through Playwright, no browser download)."""

import inspect
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from sim.config.compose import compose
from sim.core.causes import CAUSE_NAMES
from sim.core.roles import ROLE_NAMES
from sim.dashboard import __main__ as launcher
from sim.dashboard import app, charts
from sim.dashboard.live import (
    KNOBS,
    OFF,
    PAIR,
    PRESET,
    STEP_SIZES,
    History,
    LiveModel,
    counter_increment,
    daily_sums,
    exits_by_cause,
    last_days,
    messages_by_role,
    policy_overrides,
    preset_tactics,
    role_counts,
    thin,
)
from sim.model.tactics import parse_tactics

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ knobs -> config


def test_preset_knobs_change_nothing():
    knobs = dict.fromkeys(KNOBS, PRESET)
    assert policy_overrides("money", knobs, preset_tactics("money")) == ["policy=money"]


@pytest.mark.parametrize("policy", ["hands_off", "money"])
@pytest.mark.parametrize("name", sorted(KNOBS))
def test_every_knob_choice_reaches_the_config(policy, name):
    knob = KNOBS[name]
    tactics = preset_tactics(policy)
    for value in knob.choices:
        cfg = compose(policy_overrides(policy, {name: value}, tactics))
        parsed = parse_tactics(cfg.policy.tactics)
        if value == OFF:
            assert knob.tactic not in parsed
        else:
            setting = getattr(parsed[knob.tactic], knob.setting)
            assert str(setting) == value or float(setting) == float(value)


def test_off_removes_a_tactic_and_wins_over_its_other_knobs():
    tactics = preset_tactics("feelings")
    assert "rules" in tactics and "meetups" in tactics
    out = policy_overrides(
        "feelings",
        {"rules_mode": OFF, "rules_strictness": "0.8", "meetups_every_days": OFF},
        tactics,
    )
    assert out == ["policy=feelings", "~policy.tactics.meetups", "~policy.tactics.rules"]
    # a tactic the preset does not have is not removed (Hydra would fail on it)
    assert policy_overrides("hands_off", {"rules_mode": OFF}, frozenset()) == ["policy=hands_off"]


def test_bad_knobs_are_refused():
    with pytest.raises(ValueError, match="unknown knob"):
        policy_overrides("money", {"sales": "1"}, frozenset())
    with pytest.raises(ValueError, match="one of"):
        policy_overrides("money", {"sales_per_day": "7"}, frozenset())


# ------------------------------------------------------------------ hour by hour


def test_counter_increment_within_a_day_and_across_midnight():
    before = {"msgs_operator": 4}
    assert counter_increment(before, {"msgs_operator": 7}, None, "msgs_operator") == 3
    # midnight: the day's record holds 9, today restarted at 0 (or 1 if something came)
    assert (
        counter_increment(before, {"msgs_operator": 0}, {"msgs_operator": 9}, "msgs_operator") == 5
    )
    assert (
        counter_increment(before, {"msgs_operator": 1}, {"msgs_operator": 9}, "msgs_operator") == 6
    )


def test_messages_by_role_uses_the_role_at_the_start_of_the_hour():
    roles = np.array([0, 1, 2, 3, 2], dtype=np.int8)
    before = np.array([5, 0, 1, 0, 2])
    after = np.array([7, 3, 1, 1, 2, 0, 4])  # two newcomers, one posted 4
    out = messages_by_role(roles, before, after)
    onlooker = ROLE_NAMES.index("onlooker")
    expected = np.array([2.0, 3.0, 0.0, 1.0])
    expected[onlooker] += 4
    np.testing.assert_array_equal(out, expected)


def test_history_grows_and_slices():
    h = History(capacity=2)
    for k in range(5):
        h.append(
            msgs_role=np.full(4, k),
            msgs_operator=k,
            msgs_spam=0,
            members=10 + k,
            spammers=0,
            n_role=np.array([1, 2, 3, 4 + k]),
            exits=np.zeros(len(CAUSE_NAMES)),
        )
    assert h.n == 5 and h.members.tolist() == [10, 11, 12, 13, 14]
    assert h.msgs_role.shape == (5, 4) and h.hours.tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(AttributeError):
        h.nothing  # noqa: B018


def test_series_helpers():
    assert thin(10, most=20).tolist() == list(range(10))
    idx = thin(1000, most=100)
    assert len(idx) <= 101 and idx[0] == 0 and idx[-1] == 999
    assert np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(daily_sums(np.arange(50)), [sum(range(24)), sum(range(24, 48))])
    assert last_days(np.arange(5), 3).tolist() == [2, 3, 4]
    assert last_days(np.arange(2), 3).tolist() == [0, 1]


@pytest.fixture(scope="module")
def hands_off():
    """Two days of a group without an operator, one hour per step."""
    m = LiveModel(group="relationship", policy="hands_off", seed=3, days=30, step_size="1 hour")
    for _ in range(48):
        m.step()
    return m


@pytest.fixture(scope="module")
def money():
    """Three days of a money group, one day per step."""
    m = LiveModel(policy="money", seed=2, days=30)
    for _ in range(3):
        m.step()
    return m


def test_hourly_history_adds_up_to_the_daily_records(hands_off, money):
    for m in (hands_off, money):
        h = m.history
        assert h.n == m.t + 1 and len(m.records) == m.t // 24
        for d, rec in enumerate(m.records):
            day = slice(1 + 24 * d, 1 + 24 * (d + 1))  # row t holds hour t-1
            assert h.msgs_role[day].sum() == pytest.approx(rec["msgs_members"])
            assert h.msgs_operator[day].sum() == rec["msgs_operator"]
            assert h.msgs_spam[day].sum() == rec["msgs_spam"]
            end = 24 * (d + 1)
            assert h.members[end] == rec["members"]
            assert h.n_role[end].tolist() == [rec[f"n_{r}"] for r in ROLE_NAMES]
            exits_so_far = [sum(r[f"exits_{c}"] for r in m.records[: d + 1]) for c in CAUSE_NAMES]
            assert h.exits[end].tolist() == exits_so_far
    # without an operator nobody changes role before posting: roles are exact too
    for d, rec in enumerate(hands_off.records):
        day = slice(1 + 24 * d, 1 + 24 * (d + 1))
        got = hands_off.history.msgs_role[day].sum(axis=0)
        assert got.tolist() == pytest.approx([rec[f"msgs_{r}"] for r in ROLE_NAMES])


def test_state_counters_match_the_member_arrays(money):
    m = money
    assert role_counts(m.members).sum() == m.n_members
    assert exits_by_cause(m.members).sum() == m.members.n - m.n_members


def test_a_step_advances_the_chosen_step_size():
    assert STEP_SIZES["1 day"] == 24
    m = LiveModel(policy="feelings", seed=1, days=10, step_size="6 hours")
    m.step()
    assert m.t == 6 and m.clock() == (0, 6) and m.status == "alive"
    with pytest.raises(ValueError, match="step_size"):
        LiveModel(step_size="1 month")


def test_a_run_stops_at_its_horizon():
    m = LiveModel(policy="feelings", seed=1, days=2, step_size="1 week")
    m.step()
    assert m.t == 48 and not m.running
    assert m.status in ("alive at the horizon", "dead")
    m.step()  # nothing happens past the end
    assert m.t == 48 and m.history.n == 49


def test_compare_pair_follows_the_main_run(money):
    runs = money.advance_pair()
    assert list(runs) == list(PAIR)
    for run in runs.values():
        assert run.t == money.t or not run.running
        assert run.seed == money.seed and run.cfg.group.name == money.cfg.group.name
        assert run.members_start == money.members_start  # same founding group
    assert {r.cfg.policy.name for r in runs.values()} == set(PAIR)
    assert money.advance_pair() is runs or money.pair() is runs


# ------------------------------------------------------------------ figures


def png_bytes(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    return data


def test_figures_draw_and_their_captions_state_the_series(money):
    h = money.history
    fig, caption = charts.messages_figure(money)
    png_bytes(fig)
    assert f"last 24 h: {h.msgs_role[-24:].sum():.0f} member messages" in caption
    assert f"{h.msgs_operator[-24:].sum():.0f} operator" in caption
    fig, caption = charts.roles_figure(money)
    png_bytes(fig)
    assert f"({money.n_members} members, {money.spammers} spammers)" in caption
    fig, caption = charts.exits_figure(money)
    png_bytes(fig)
    assert caption.startswith(f"{money.n_members} members; left so far: {h.exits[-1].sum():.0f}")
    runs = money.advance_pair()
    for metric in charts.COMPARE_METRICS:
        fig, caption = charts.compare_figure(runs, metric)
        png_bytes(fig)
        assert caption.startswith(f"{metric} now: ") and all(p in caption for p in PAIR)
    for policy, run in runs.items():
        assert charts.compare_summary(run).startswith(f"{policy}: alive")


def test_compare_series_are_the_runs_numbers(money):
    run = money.advance_pair()["money"]
    h = run.history
    x, y = charts.compare_series(run, "members")
    assert x[-1] == run.t / 24 and y[-1] == run.n_members
    _, y = charts.compare_series(run, "messages")
    assert y[-1] == pytest.approx(h.msgs_role[-24:].sum())
    assert y[24] == pytest.approx(run.records[0]["msgs_members"])  # hour 24: the first day
    x, y = charts.compare_series(run, "revenue")
    assert x.tolist() == list(range(len(run.records) + 1))
    assert y[-1] == pytest.approx(sum(r["revenue"] for r in run.records))
    with pytest.raises(ValueError, match="unknown metric"):
        charts.compare_series(run, "mood")


def test_network_marks_who_left_and_keeps_everyone_in_place(money):
    layout = charts.InviteLayout(seed=0)
    fig, caption = charts.network_figure(money, layout)
    png_bytes(fig)
    n, left = money.members.n, money.members.n - money.n_members
    assert caption == f"{money.n_members} members in the group, {left} have left; {n} ever joined"
    drawn = {c.get_gid(): len(c.get_offsets()) for c in fig.axes[0].collections}
    assert drawn["members"] == money.n_members
    assert drawn.get("left", 0) == left
    pos = layout.pos.copy()
    more = np.append(money.members.inviter[:n], [0, -1])  # two newcomers
    assert np.array_equal(layout.update(more)[:n], pos)
    assert layout.pos.shape == (n + 2, 2)


# ------------------------------------------------------------------ page and launcher


def test_controls_are_the_models_arguments():
    params = app.model_params()
    accepted = inspect.signature(LiveModel.__init__).parameters
    assert set(params) <= set(accepted)
    for spec in params.values():
        if spec["type"] == "Select":
            assert spec["value"] in spec["values"]
    assert set(params["group"]["values"]) >= {"relationship", "learning"}
    assert set(params["policy"]["values"]) >= {"feelings", "money", "hands_off"}
    m = LiveModel(**{k: v["value"] for k, v in params.items()})
    assert m.cfg.policy.name == "feelings" and m.history.n == 1


def test_launcher_serves_offline():
    args = launcher.solara_args("127.0.0.1", 9999)
    assert args[0] == "sim.dashboard.app"
    assert {"--production", "--no-check-version", "--no-open"} <= set(args)


# ------------------------------------------------------------------ in the browser


def chromium() -> str | None:
    for path in (
        os.environ.get("GROUPSIM_CHROMIUM"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
    ):
        if path and Path(path).exists():
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chromium_path():
    """Debian's Chromium, or a skip saying why there is none (before the server starts)."""
    exe = chromium()
    if exe is None:
        pytest.skip(
            "Chromium is not installed and could not be installed here: `make test` installs "
            "Debian's chromium where it can (root and apt-get); or set GROUPSIM_CHROMIUM"
        )
    return exe


@pytest.fixture
def server(tmp_path):
    """``python -m sim.dashboard`` on a free port; its log is shown if it fails to start."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.dashboard", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"dashboard server did not start:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield url
        log.flush()
        assert "Traceback" not in log_path.read_text(), log_path.read_text()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def settled(page, locator, quiet_ms: int = 1500, limit_s: float = 20) -> str:
    """The locator's text once it has stayed the same for ``quiet_ms``."""
    text, deadline = locator.inner_text(), time.time() + limit_s
    while time.time() < deadline:
        page.wait_for_timeout(quiet_ms)
        now = locator.inner_text()
        if now == text:
            return text
        text = now
    raise AssertionError(f"text still changing after {limit_s} s: {text!r}")


def number(text: str, before: str) -> float:
    """The number written just before ``before`` in ``text``."""
    found = re.search(r"(\d+(?:\.\d+)?) " + re.escape(before), text)
    assert found, f"no number before {before!r} in {text!r}"
    return float(found.group(1))


@pytest.mark.slow
def test_dashboard_in_chromium(chromium_path, server, tmp_path):
    """Load the page offline, switch to money, step, and see the day and the charts move."""
    exe = chromium_path
    from playwright.sync_api import expect, sync_playwright

    outside, failed = [], []

    def local_only(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # the page must work offline: nothing may come from elsewhere
            outside.append(route.request.url)
            route.abort()

    def bad_response(response):
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            page.route("**/*", local_only)
            page.on("response", bad_response)
            page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
            page.set_default_timeout(30_000)
            page.goto(server)
            day = page.locator(".gs-day")
            expect(day).to_have_text("Day 0 of 730 · 00:00", timeout=60_000)
            expect(page.locator(".gs-policy")).to_contain_text("feelings")

            # pick the money preset, then Reset applies it
            page.locator(".v-input", has_text="policy preset").locator(".v-select__slot").click()
            page.locator(".menuable__content__active .v-list-item", has_text="money").click()
            page.get_by_role("button", name="Reset", exact=True).click()
            # Reset composes the new preset and builds its group: 4-6 s on a loaded 2-core
            # machine (measured), more than expect's 5 s default
            expect(page.locator(".gs-policy")).to_contain_text("policy: money", timeout=30_000)
            expect(page.locator(".gs-knobs")).to_contain_text("sales 2.5/day")

            step = page.get_by_role("button", name="Step", exact=True)
            step.click()
            expect(day).to_have_text("Day 1 of 730 · 00:00")
            step.click()
            expect(day).to_have_text("Day 2 of 730 · 00:00")
            expect(page.locator(".gs-status")).to_have_text("ALIVE")

            # play runs on (a day per step) until paused
            page.get_by_role("button", name="▶", exact=True).click()
            page.wait_for_function(
                "parseInt(document.querySelector('.gs-day').innerText.split(' ')[1]) >= 4"
            )
            page.get_by_role("button", name="❚❚", exact=True).click()
            expect(step).to_be_enabled()
            # a step under way when paused still lands; on a loaded machine a step of the
            # play loop can take more than a second, so wait for 3 s without change
            text = settled(page, day, quiet_ms=3000)
            days = int(text.split()[1])
            assert days >= 4 and text == f"Day {days} of 730 · 00:00"

            # the charts show the days run: the captions state what the figures draw
            messages = page.locator(".gs-caption-messages")
            expect(messages).to_contain_text("last 24 h:")
            page.wait_for_function(
                "document.querySelector('.gs-caption-messages').innerText.match(/last 24 h: [1-9]/)"
            )
            text = messages.inner_text()
            assert number(text, "member messages") > 0 and number(text, "operator") > 0
            roles = page.locator(".gs-caption-roles").inner_text()
            assert number(roles, "members,") > 0
            expect(page.locator(".gs-caption-exits")).to_contain_text("members; left so far")
            expect(page.locator(".gs-caption-network")).to_contain_text("ever joined")
            images = page.locator("img")
            expect(images).to_have_count(4)
            sizes = images.evaluate_all("els => els.map(e => [e.naturalWidth, e.naturalHeight])")
            assert all(w > 300 and h > 200 for w, h in sizes), sizes
            page.wait_for_timeout(500)
            shot = tmp_path / "dashboard.png"
            print(f"screenshots in {tmp_path}")
            page.screenshot(path=shot, full_page=True)
            assert shot.stat().st_size > 50_000

            # page 1: feelings and money side by side, caught up to page 0's day
            page.get_by_role("tab", name="Page 1").click()
            heading = f"feelings vs money · Day {days} · 00:00"
            expect(page.locator(".gs-compare-day")).to_have_text(heading)
            for policy in ("feelings", "money"):
                expect(page.locator(f".gs-compare-{policy}")).to_contain_text(f"{policy}: alive")
            expect(page.locator(".gs-caption-compare-members")).to_contain_text("feelings")
            expect(page.locator("img:visible")).to_have_count(4)
            page.wait_for_timeout(500)
            page.screenshot(path=tmp_path / "compare.png", full_page=True)
        finally:
            browser.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert failed == [], f"requests failed: {failed}"
