"""The engine's parameters: the configuration flattened into one named tuple.

The compiled engine (``sim.model.engine``) takes its parameters as one named tuple ``p``
of plain numbers and tuples, made once per run by :func:`make_params`; units are those of
``sim.config.schema``, except where a value is converted here (a half-life into a
per-hour decay factor, an "80% within x days" into an exponential time scale).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from sim.config.schema import SimConfig
from sim.core.causes import EXIT_CAUSES, IMMEDIATE, SLOW
from sim.core.constants import HOURS_PER_DAY
from sim.model.discussion import role_sensitivities
from sim.model.lifecycle import GroupTraits

LN2 = math.log(2.0)
# "80% within x days" for an exponential waiting time: 1 - exp(-x / tau) = 0.8, so
# tau = x / ln 5 (E3's first and follow-up invitations)
LN5 = math.log(5.0)

PARAMS = (
    # attention, posting and hazards (per role / per cause tables)
    "read post exit_role rhythm rhythm_sum rates_now rates_slow decay "
    "noise_tol noise_k exc_decay chitchat_share "
    "spam_gain sales_gain soup_gain fight_gain rules_gain friend_gain "
    "spam_leave spam_attraction spam_posts_per_day "
    # discussion (sim.model.discussion)
    "heat_sens fight_sens heat_cap prompt_heat spark critic_gain heat_decay authority "
    "fight_threshold fight_rate fight_burnout fight_growth draw_in qa_discourage "
    # red packets (sim.model.packets)
    "grab thanks excitement_per_grab crowd_out expiry_hours reciprocity return_prob "
    # value, trust and purchases
    "buy_rate sales_trust_loss price purpose_days purpose_decay content_scale social_scale "
    "privatize friends_scale base_value content_weight social_weight tie_weight smoothing "
    "reply_satisfaction trust_gain reply_trust recover low_value demand_threshold "
    "demand_rate trust_retention sunk_retention invite_threshold "
    # invitations and roles
    "critic_lapse_days tau_first tau_burst invite_rate accept burst_size "
    # a group's age (sim.model.lifecycle)
    "novelty member_keep group_keep floor renew_content renew_social renew_joins "
    "drift_p drift_mute_share bored_mute "
    # death rule
    "min_member_messages quiet_days min_members"
)
Params = namedtuple("Params", PARAMS)


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def make_params(cfg: SimConfig, traits: GroupTraits | None = None) -> Params:
    """Flatten the configuration into the engine's parameters (units as in sim.config.schema).

    ``traits`` are the group's own (``sim.model.lifecycle.draw_traits``; None: the
    type's). Half-lives become daily factors: a half-life h keeps 2^(-1/h) a day.
    Tables (per role, per cause, per hour) are tuples, not arrays: passing a tuple of
    numbers between compiled functions costs no reference counting.
    """
    b, g = cfg.behaviour, cfg.group
    traits = traits or GroupTraits(interest=g.interest_mean)
    lc, tol = b.lifecycle, traits.tolerance
    pc, dc, kc, vc, ic = b.pressures, b.discussion, b.packets, b.value, b.invites
    rates = np.array([[r[c] for c in EXIT_CAUSES] for r in (pc.exit_rate, pc.mute_rate)])
    half = [pc.half_life_hours.get(c, math.inf) for c in EXIT_CAUSES]  # low_value: none
    heat_sens, fight_sens = role_sensitivities(dc, g.authority)
    rhythm = [float(x) for x in b.attention.rhythm]
    return Params(
        read=_floats(b.attention.read.array()), post=_floats(b.attention.post.array()),
        exit_role=_floats(pc.exit_role.array()), rhythm=tuple(rhythm), rhythm_sum=sum(rhythm),
        rates_now=tuple(_floats(row) for row in rates[:, IMMEDIATE]),
        rates_slow=tuple(_floats(row) for row in rates[:, SLOW]),
        decay=tuple(math.exp(-LN2 / h) for h in half),
        noise_tol=pc.noise_tolerance * tol, noise_k=pc.noise_gain / (pc.noise_tolerance * tol),
        exc_decay=math.exp(-LN2 / kc.excitement_half_life), chitchat_share=g.chitchat_share,
        # a thick-skinned circle (tolerance > 1) feels less of what is read (lifecycle)
        spam_gain=pc.spam_gain / tol, sales_gain=pc.sales_gain / tol,
        soup_gain=pc.soup_gain / tol, fight_gain=pc.fight_gain / tol,
        rules_gain=pc.rules_gain / tol, friend_gain=pc.friend_gain,
        spam_leave=1.0 / (HOURS_PER_DAY * b.spam.stay_days), spam_attraction=g.spam_attraction,
        spam_posts_per_day=b.spam.posts_per_day,
        heat_sens=_floats(heat_sens), fight_sens=_floats(fight_sens), heat_cap=dc.heat_cap,
        prompt_heat=dc.prompt_heat, spark=dc.spark, critic_gain=dc.critic_gain,
        heat_decay=dc.heat_decay, authority=g.authority, fight_threshold=dc.fight_threshold,
        fight_rate=dc.fight_rate, fight_burnout=dc.fight_burnout, fight_growth=dc.fight_growth,
        draw_in=dc.draw_in, qa_discourage=dc.qa_discourage,
        grab=kc.grab, thanks=kc.thanks, excitement_per_grab=kc.excitement_per_grab,
        crowd_out=kc.crowd_out, expiry_hours=kc.expiry_hours, reciprocity=kc.reciprocity,
        return_prob=kc.return_prob,
        buy_rate=vc.buy_rate, sales_trust_loss=vc.sales_trust_loss, price=g.price,
        purpose_days=g.purpose_days, purpose_decay=vc.purpose_decay,
        content_scale=vc.content_scale, social_scale=vc.social_scale, privatize=vc.privatize,
        friends_scale=vc.friends_scale, base_value=g.base_value,
        content_weight=g.content_weight, social_weight=g.social_weight,
        tie_weight=g.tie_weight, smoothing=vc.smoothing,
        reply_satisfaction=vc.reply_satisfaction, trust_gain=vc.trust_gain,
        reply_trust=vc.reply_trust, recover=1.0 / b.attention.interest_recovery_days,
        low_value=vc.low_value, demand_threshold=vc.demand_threshold,
        demand_rate=vc.demand_rate, trust_retention=pc.trust_retention,
        sunk_retention=pc.sunk_retention, invite_threshold=vc.invite_threshold,
        critic_lapse_days=ic.critic_lapse_days, tau_first=ic.first_days / LN5,
        tau_burst=ic.burst_days / LN5, invite_rate=g.invite_rate, accept=ic.accept,
        burst_size=ic.burst_size,
        novelty=lc.novelty, member_keep=2.0 ** (-1.0 / (lc.member_half_life_days * traits.appeal)),
        group_keep=2.0 ** (-1.0 / (lc.group_half_life_days * traits.appeal)), floor=lc.floor,
        renew_content=lc.renew_content, renew_social=lc.renew_social,
        renew_joins=lc.renew_joins, drift_p=-math.expm1(-lc.drift_rate),
        drift_mute_share=lc.drift_mute_share,
        bored_mute=-math.expm1(-lc.bored_mute_rate) if lc.novelty else 0.0,
        min_member_messages=cfg.death.min_member_messages, quiet_days=cfg.death.quiet_days,
        min_members=cfg.death.min_members,
    )  # fmt: skip
