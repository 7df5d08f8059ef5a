"""The Solara page: Mesa's ``SolaraViz`` around a ``LiveModel`` (served by ``sim.dashboard``).

``python -m sim.dashboard`` serves ``Page`` offline (a bare ``solara run sim.dashboard.app``
works too, but leaves Solara's version check and telemetry on). Each browser session gets
its own model. Page 0 watches one group; page 1 runs feelings and money side by side.
"""

from __future__ import annotations

import logging

import solara
from mesa.visualization import SolaraViz

from sim.dashboard.charts import (
    COMPARE_METRICS,
    InviteLayout,
    compare_figure,
    compare_summary,
    exits_figure,
    messages_figure,
    network_figure,
    roles_figure,
)
from sim.dashboard.live import (
    KNOBS,
    PAIR,
    PRESET,
    STEP_SIZES,
    LiveModel,
    describe_policy,
    presets,
)
from sim.presentation.style import POLICY_COLOURS

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

PLAY_INTERVAL_MS = 150
HORIZONS = ("30", "90", "180", "365", "730")


def model_params() -> dict:
    """The sidebar's controls: ``LiveModel`` arguments as Mesa ``UserInputs`` specs."""
    params = {
        "group": {
            "type": "Select",
            "value": "relationship",
            "values": presets("group"),
            "label": "group type",
        },
        "policy": {
            "type": "Select",
            "value": "feelings",
            "values": presets("policy"),
            "label": "policy preset",
        },
    }
    for name, knob in KNOBS.items():
        params[name] = {
            "type": "Select",
            "value": PRESET,
            "values": [PRESET, *knob.choices],
            "label": knob.label,
        }
    params["seed"] = {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1}
    params["days"] = {
        "type": "Select",
        "value": "730",
        "values": list(HORIZONS),
        "label": "horizon (days)",
    }
    params["step_size"] = {
        "type": "Select",
        "value": "1 day",
        "values": list(STEP_SIZES),
        "label": "one Step advances",
    }
    return params


def _chart(fig, caption: str, name: str):
    with solara.Column(gap="4px", style={"width": "100%"}) as col:
        solara.FigureMatplotlib(fig, format="png")
        solara.Text(caption, classes=[f"gs-caption-{name}"], style={"font-size": "13px"})
    return col


def Status(model: LiveModel):
    """Day counter, alive or dead, and what the operator is doing."""
    day, hour = model.clock()
    colour = {"alive": "#1b7e3c", "dead": "#b3261e"}.get(model.status, "#1f5fa8")
    state = model.status.upper()
    if model.dead:
        state += f" · lived {model.lifespan_days} days"
    quiet, need = model.quiet_streak, model.cfg.death.quiet_days
    with solara.Column(gap="6px", style={"padding": "8px"}) as col:
        solara.Text(
            f"Day {day} of {model.cfg.run.days} · {hour:02d}:00",
            classes=["gs-day"],
            style={"font-size": "26px", "font-weight": "600"},
        )
        solara.Text(
            state,
            classes=["gs-status"],
            style={"font-size": "20px", "font-weight": "600", "color": colour},
        )
        solara.Text(
            f"{model.cfg.group.label or model.cfg.group.name}",
            classes=["gs-group"],
        )
        solara.Text(
            f"policy: {model.cfg.policy.name} ({model.cfg.policy.label})",
            classes=["gs-policy"],
        )
        solara.Text(describe_policy(model.cfg), classes=["gs-knobs"], style={"font-size": "13px"})
        solara.Text(
            f"{model.n_members} members, {model.spammers} spammers · "
            f"quiet days in a row: {quiet} of {need} before the group counts as dead",
            classes=["gs-members"],
            style={"font-size": "13px"},
        )
        solara.Text(
            f"seed {model.seed} · change the controls on the left, then press Reset",
            style={"font-size": "12px", "color": "#666"},
        )
    return col


def Messages(model: LiveModel):
    """Messages per hour by role, operator and spam."""
    return _chart(*messages_figure(model), "messages")


def Roles(model: LiveModel):
    """Members by role over time (stacked)."""
    return _chart(*roles_figure(model), "roles")


def Exits(model: LiveModel):
    """Members and exits by cause."""
    return _chart(*exits_figure(model), "exits")


def Network(model: LiveModel):
    """The invitation network; leavers drop out as crosses."""
    layout = solara.use_memo(lambda: InviteLayout(model.seed), [id(model)])
    return _chart(*network_figure(model, layout), "network")


def CompareStatus(model: LiveModel):
    """Page 1's heading: what is compared, and where each run stands."""
    runs = model.advance_pair()
    day, hour = model.clock()
    with solara.Column(gap="6px", style={"padding": "8px"}) as col:
        solara.Text(
            f"{' vs '.join(PAIR)} · Day {day} · {hour:02d}:00",
            classes=["gs-compare-day"],
            style={"font-size": "22px", "font-weight": "600"},
        )
        solara.Text(
            f"The presets as they are, on the same group type ({model.cfg.group.name}) and "
            f"seed ({model.seed}), run to page 0's hour: step or play to move both, Reset "
            "to change the group type or seed.",
            style={"font-size": "13px"},
        )
        for policy, run in runs.items():
            solara.Text(
                compare_summary(run),
                classes=[f"gs-compare-{policy}"],
                style={"color": POLICY_COLOURS.get(policy, "#333"), "font-weight": "600"},
            )
    return col


def _compare(metric: str):
    def view(model: LiveModel):
        return _chart(*compare_figure(model.advance_pair(), metric), f"compare-{metric}")

    view.__name__ = f"Compare_{metric}"
    view.__doc__ = f"Page 1: {COMPARE_METRICS[metric].lower()}, one line per policy."
    return view


COMPONENTS = [
    (Status, 0),
    (Network, 0),
    (Messages, 0),
    (Roles, 0),
    (Exits, 0),
    (CompareStatus, 1),
    *((_compare(metric), 1) for metric in COMPARE_METRICS),
]


@solara.component
def Page():
    """One session's dashboard: its own ``LiveModel`` inside Mesa's ``SolaraViz``."""
    model = solara.use_memo(LiveModel, [])
    return SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_params(),
        name="groupsim: watch a group live",
        play_interval=PLAY_INTERVAL_MS,
    )
