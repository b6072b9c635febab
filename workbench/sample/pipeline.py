"""Leads, deals and their journey through the funnel.

Each rep-month draws prospecting touches (some become outbound deals) and inbound
leads routed by territory. Each deal then gets a product, source, account, amount,
follow-up delay and engagement level, and walks the funnel: at every transition it
advances with a probability that depends on those attributes, the rep and the
product; time spent in each stage is drawn from a gamma distribution. The state as of
the end of the data gives open and closed deals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.sample import catalog as cat
from workbench.sample.clock import calendar_days_to_hours
from workbench.sample.roster import Effects, Traits, World

__all__ = ["RepMonths", "simulate_rep_months", "Deals", "simulate_deals", "SOURCE_NAMES"]

#: Lead sources: the inbound ones, then outbound.
SOURCE_NAMES = tuple(cat.INBOUND_SOURCES) + (cat.OUTBOUND_SOURCE,)
#: Prospecting touches per rep per month at full productivity.
PROSPECTING_PER_MONTH = 26.0
#: Share of prospecting touches that become an outbound deal.
OUTBOUND_YIELD = 0.085
#: Inbound leads per rep per month at the window start (average territory).
INBOUND_PER_MONTH = 3.7
#: Yearly growth of inbound lead volume and of list prices.
LEAD_GROWTH = 0.08
PRICE_GROWTH = 0.04
#: Base probability of each transition for an average deal and rep.
BASE_CONVERSION = np.array([0.72, 0.66, 0.70, 0.72])
#: Mean calendar days spent in each open stage by an average deal.
STAGE_DAYS = np.array([7.0, 14.0, 20.0, 16.0])
#: Median business hours from lead creation to first touch.
FOLLOW_UP_HOURS = 8.0
#: Logit effect per unit of log follow-up delay (on Prospecting→Qualification).
FOLLOW_UP_LOGIT = -0.40
#: Logit effect per unit of log engagement (on Qualification→Proposal and Proposal→Negotiation).
ENGAGEMENT_LOGIT = 0.45
#: Logit effect per unit of log relative amount (on the two late transitions).
AMOUNT_LOGIT = -0.15


@dataclass
class RepMonths:
    """Per rep and month: the months' business-hour bounds and drawn volumes."""

    lo: np.ndarray           # (reps, months) start hour of the rep's working time in the month
    hi: np.ndarray           # (reps, months) end hour
    prospecting: np.ndarray  # (reps, months) prospecting touches
    outbound: np.ndarray     # (reps, months) outbound deals created
    inbound: np.ndarray      # (reps, months) inbound deals created


def simulate_rep_months(world: World, traits: Traits, eff: Effects, rng: np.random.Generator,
                        gains=None) -> RepMonths:
    """Draw prospecting activity and new deals per rep and month (burn-in included).

    ``gains`` (:class:`~workbench.sample.people.TrainingGains`) lifts the prospecting
    rate by ``catalog.TRAINING_POINT`` per prospecting point gained in training.
    """
    starts = world.month_hours[:-1]
    ends = world.month_hours[1:]
    lo = np.maximum(starts[None, :], traits.hire_hours[:, None])
    hi = np.broadcast_to(ends, lo.shape)
    exposure = np.clip((hi - lo) / (ends - starts)[None, :], 0.0, 1.0)
    lo = np.minimum(lo, hi)
    ramp = traits.ramp((lo + hi) / 2.0)
    month_of_year = world.month_starts.month.values - 1
    act_season = np.asarray(cat.ACTIVITY_SEASON)[month_of_year]
    lead_season = np.asarray(cat.LEAD_SEASON)[month_of_year]
    years = world.years_at((starts + ends) / 2.0)

    prospecting_effect = eff.at("prospecting", np.arange(lo.shape[0])[:, None], ((lo + hi) / 2.0))
    prospecting_effect = prospecting_effect if np.ndim(prospecting_effect) == 2 else prospecting_effect[:, None]
    rate = PROSPECTING_PER_MONTH * (traits.activity[:, None] * prospecting_effect) * ramp * act_season * exposure
    if gains is not None:
        grid_rep = np.broadcast_to(np.arange(lo.shape[0])[:, None], lo.shape)
        rate = rate * (1.0 + cat.TRAINING_POINT * gains.at("prospecting", grid_rep, (lo + hi) / 2.0))
    prospecting = rng.poisson(rate)
    outbound = rng.binomial(prospecting, OUTBOUND_YIELD)
    inbound_rate = (INBOUND_PER_MONTH * traits.territory[:, None] * lead_season * (1 + LEAD_GROWTH) ** years
                    * (0.5 + 0.5 * ramp) * exposure)
    inbound = rng.poisson(inbound_rate)
    return RepMonths(lo, hi, prospecting, outbound, inbound)


@dataclass
class Deals:
    """Every simulated deal (including burn-in deals closed before the window)."""

    rep: np.ndarray          # rep position
    created: np.ndarray      # business hours
    first_touch: np.ndarray  # business hours (always drawn; the CRM field may be missing)
    touch_recorded: np.ndarray  # whether first_touch_at is filled in the CRM
    source: np.ndarray       # source index into SOURCE_NAMES
    product: np.ndarray      # product index
    account: np.ndarray      # account number
    amount: np.ndarray
    engagement: np.ndarray   # activity intensity on the deal
    passed: np.ndarray       # transitions passed (0-4; 4 = won)
    entered: np.ndarray      # (deals, 4) business hour each open stage was entered (NaN if never)
    closes: np.ndarray       # business hour the deal is won or lost (eventually; may be after the end)
    expected_close: np.ndarray  # business hours (rep's estimate as of close or the end of data)
    region: np.ndarray
    logit: np.ndarray        # (deals, 4) conversion logit of each transition (with training gains)
    factor: np.ndarray       # (deals, 4) planted multipliers of each transition's probability
    follow_up: np.ndarray    # business hours from creation to first touch
    trained: np.ndarray      # (deals, skills) skill points the rep had gained in training at creation

    @property
    def won(self) -> np.ndarray:
        return self.passed == len(cat.TRANSITIONS)


def _logit(p):
    return np.log(p / (1 - p))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _choice(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _pressure(world: World, region: np.ndarray, product: np.ndarray, hours: np.ndarray):
    """Competitive pressure on each deal's segment at ``hours``.

    Returns the late-stage logit shift, the extra share of late losses that go to the
    rising competitor, and that competitor's index (-1 where no pressure applies).
    """
    n = len(hours)
    logit, share, competitor = np.zeros(n), np.zeros(n), np.full(n, -1)
    product_names = [p.name for p in cat.PRODUCTS]
    for (reg, prod), (rival, start, full, at_full, extra) in cat.COMPETITIVE_PRESSURE.items():
        mask = (region == reg) & (product == product_names.index(prod))
        h0, h1 = world.clock.hours_at(np.array([start, full], dtype="datetime64[D]"))
        strength = np.clip((hours[mask] - h0) / (h1 - h0), 0.0, 1.0)
        logit[mask] = at_full * strength
        share[mask] = extra * strength
        competitor[mask] = cat.COMPETITORS.index(rival)
    return logit, share, competitor


def simulate_deals(world: World, traits: Traits, eff: Effects, months: RepMonths,
                   rng: np.random.Generator, gains=None) -> Deals:
    """Create every deal and walk it through the funnel.

    ``gains`` (:class:`~workbench.sample.people.TrainingGains`): skill points gained in
    training before the deal was created improve the matching behaviour by multiples of
    ``catalog.TRAINING_POINT`` a point (follow-up speed, discovery and negotiation/closing
    conversion, deal size, pace).
    """
    n_reps, n_months = months.lo.shape
    outbound_n = months.outbound.ravel()
    inbound_n = months.inbound.ravel()
    cell = np.repeat(np.arange(n_reps * n_months), outbound_n + inbound_n)
    # Within a rep-month the outbound deals come first, then the inbound ones.
    is_outbound = np.repeat(
        np.tile(np.array([True, False]), n_reps * n_months),
        np.ravel(np.stack([outbound_n, inbound_n], axis=1)),
    )
    rep = cell // n_months
    lo = months.lo.ravel()[cell]
    hi = months.hi.ravel()[cell]
    created = lo + rng.random(len(cell)) * (hi - lo)
    n = len(created)
    region = traits.region[rep]
    years = world.years_at(created)
    ramp = traits.ramp_at(rep, created)
    point = cat.TRAINING_POINT
    trained = {skill: (gains.at(skill, rep, created) if gains is not None else np.zeros(len(created)))
               for skill in cat.SKILLS}

    # Source.
    inbound_names = list(cat.INBOUND_SOURCES)
    inbound_p = np.array(list(cat.INBOUND_SOURCES.values()))
    src_idx = _choice(rng, np.broadcast_to(inbound_p, (n, len(inbound_p))))
    source_names = list(SOURCE_NAMES)
    src_idx = np.where(is_outbound, len(inbound_names), src_idx)
    src_logit = np.array([cat.SOURCE_LOGIT[s] for s in source_names])[src_idx]
    src_amount = np.array([cat.SOURCE_AMOUNT[s] for s in source_names])[src_idx]

    # Product by regional mix.
    regions = list(cat.REGION_PRODUCT_MIX)
    mix = np.array([[p.lead_share * m for p, m in zip(cat.PRODUCTS, cat.REGION_PRODUCT_MIX[r])] for r in regions])
    mix = mix / mix.sum(axis=1, keepdims=True)
    region_idx = np.array([regions.index(r) for r in traits.region], dtype=np.int64)[rep]
    product = _choice(rng, mix[region_idx])

    # Account: a skewed pick from the rep's book (a few accounts buy again and again).
    pick = np.floor(traits.account_pool[rep] * rng.random(n) ** 1.8).astype(np.int64)
    account = traits.account_offset[rep] + pick

    # Amount: lumpy lognormal around the product's median, a few very large deals.
    median = np.array([p.median_amount for p in cat.PRODUCTS])[product]
    price = np.array([cat.REGION_PRICE[r] for r in regions])[region_idx]
    lump = np.where(rng.random(n) < 0.03, rng.uniform(2.0, 4.0, n), 1.0)
    raw = (median * price * traits.deal_size[rep] * eff.at("amount", rep, created) * src_amount
           * (1.0 + 0.5 * point * trained["negotiation"])
           * (1 + PRICE_GROWTH) ** years * np.exp(rng.normal(0.0, 0.70, n)) * lump)
    amount = np.maximum(500.0, np.round(raw / 50.0) * 50.0)
    rel_amount = amount / (median * (1 + PRICE_GROWTH) ** years)

    # Follow-up delay (business hours) and engagement on the deal.
    follow_up = (FOLLOW_UP_HOURS * traits.follow_up[rep] * eff.at("follow_up", rep, created)
                 * (1.0 - point * trained["follow_up"]) * np.exp(rng.normal(0.0, 0.9, n)))
    follow_up = np.maximum(follow_up, 0.1)
    first_touch = created + follow_up
    touch_recorded = rng.random(n) >= np.where(is_outbound, 0.12, 0.05)
    engagement = (np.exp(rng.normal(-0.06, 0.35, n)) * traits.activity[rep] * eff.at("engagement", rep, created)
                  * np.sqrt(ramp))

    # Funnel: conversion probability of each transition.
    k = len(cat.TRANSITIONS)
    prod_logit = np.array([p.conversion_logit for p in cat.PRODUCTS])[product]
    logit = (_logit(BASE_CONVERSION)[None, :] + prod_logit[:, None] + traits.stage_logit[rep]
             - 0.5 * (1.0 - ramp)[:, None])
    logit[:, :2] += src_logit[:, None]
    logit[:, 0] += FOLLOW_UP_LOGIT * np.log(follow_up / FOLLOW_UP_HOURS)
    logit[:, 1:3] += ENGAGEMENT_LOGIT * np.log(engagement)[:, None]
    logit[:, 2:] += AMOUNT_LOGIT * np.log(rel_amount)[:, None]
    logit[:, 1:] += traits.product_logit[rep, product][:, None]
    # a trained point is worth ~TRAINING_POINT on the stage's conversion (3x in logit at p ~ 0.7)
    logit[:, :2] += 3.0 * point * trained["discovery"][:, None]
    logit[:, 2] += 3.0 * point * trained["negotiation"]
    logit[:, 3] += 3.0 * point * trained["closing"]
    logit += 1.5 * point * trained["product_knowledge"][:, None]
    product_names = [p.name for p in cat.PRODUCTS]
    for (reg, prod), bonus in cat.SEGMENT_WIN_LOGIT.items():
        mask = (region == reg) & (product == product_names.index(prod))
        logit[mask, 2:] += bonus
    logit[:, 2:] += _pressure(world, region, product, created)[0][:, None]
    factor = eff.transition[rep] * (eff.product[rep, product] ** (1.0 / k))[:, None]
    if eff.start is not None:  # late-starting drivers act on deals created from their start
        factor = np.where(eff.on(rep, created)[:, None], factor, 1.0)
    prob = _sigmoid(logit) * factor
    advance = rng.random((n, k)) < prob
    passed = np.cumprod(advance, axis=1).sum(axis=1)

    # Time in each stage; a lost deal dies part-way through the stage it is in.
    product_cycle = np.array([p.cycle_factor for p in cat.PRODUCTS])[product]
    scale = (product_cycle * traits.cycle[rep] * eff.at("cycle", rep, created) * (1.0 - 0.5 * point * trained["closing"])
             * rel_amount ** 0.12)[:, None]
    days = rng.gamma(3.0, 1.0 / 3.0, (n, k)) * STAGE_DAYS[None, :] * scale
    if eff.stage_scale is not None:  # a team slow at one stage (planted bottleneck)
        days = days * eff.stage_scale[rep]
    hours = np.maximum(calendar_days_to_hours(days), 1.0)
    hours[:, 0] = np.maximum(hours[:, 0], follow_up + 0.5)  # no stage change before the first touch
    entered = np.full((n, k), np.nan)
    entered[:, 0] = created
    cum = created[:, None] + np.cumsum(hours, axis=1)
    for j in range(1, k):
        entered[:, j] = np.where(passed >= j, cum[:, j - 1], np.nan)
    won = passed == k
    last = np.minimum(passed, k - 1)
    death = rng.uniform(0.6, 1.6, n) * hours[np.arange(n), last]
    death = np.maximum(death, np.where(last == 0, follow_up + 0.5, 1.0))
    closes = np.where(won, cum[:, k - 1], entered[np.arange(n), last] + death)
    closes = _quarter_end_push(world, closes, entered[:, k - 1], won, rng)

    # The rep's expected close date: a noisy estimate of the real one; as of the end of
    # the data open deals are expected to close in the future.
    typical = calendar_days_to_hours(STAGE_DAYS.sum() * product_cycle)
    estimate = created + typical * np.exp(rng.normal(0.0, 0.30, n))
    open_at_end = closes >= world.end_hours
    reestimate = np.maximum(closes + calendar_days_to_hours(rng.normal(0.0, 12.0, n)),
                            world.end_hours + rng.uniform(1.0, 40.0, n))
    expected = np.where(open_at_end, reestimate, estimate)

    return Deals(rep, created, first_touch, touch_recorded, src_idx, product, account, amount,
                 engagement, passed, entered, closes, expected, region, logit, factor, follow_up,
                 np.stack([trained[skill] for skill in cat.SKILLS], axis=1))


def _quarter_end_push(world: World, closes, negotiation_entered, won, rng):
    """Pull wins that would land early in a quarter back to the previous quarter end.

    Reps and buyers push to sign before quarter end: a win that would fall in the first
    three weeks of a quarter is signed in the last days of the previous one with
    probability 0.55 (0.65 at year end, four weeks), provided the deal was already in
    Negotiation by then.
    """
    dates = world.clock.dates(closes).astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    month_num = months.astype(np.int64) % 12  # 0 = January
    quarter_start = months - (month_num % 3).astype("timedelta64[M]")
    day_in_quarter = (dates - quarter_start.astype("datetime64[D]")).astype(np.int64)
    january = (month_num == 0) & (day_in_quarter < 28)
    window = np.where(january, 28, 21)
    chance = np.where(january, 0.65, 0.55)
    candidate = won & (day_in_quarter < window) & (rng.random(len(closes)) < chance)
    target = world.clock.hours_at(quarter_start.astype("datetime64[D]")) - rng.uniform(0.5, 40.0, len(closes))
    ok = candidate & (target > negotiation_entered + 2.0)
    return np.where(ok, target, closes)
