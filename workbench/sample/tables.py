"""Turn the simulated deals into contract tables as of the end of the data.

opportunities, stage_history, activities, orders and surveys are all derived here
from the same :class:`~workbench.sample.pipeline.Deals`, so they agree with each
other by construction (every deal activity falls inside the deal's life, the first
touch is the first deal activity, orders follow wins, surveys follow orders).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.sample import catalog as cat
from workbench.sample.clock import calendar_days_to_hours
from workbench.sample.pipeline import SOURCE_NAMES, Deals, RepMonths, _choice, _pressure
from workbench.sample.roster import Effects, Traits, World

__all__ = ["DealTables", "deal_tables", "activities_table", "orders_table", "surveys_table", "account_ids"]

#: Deal activities per business week per unit of engagement.
DEAL_ACTIVITIES_PER_WEEK = 1.1
#: Activity type mix by the stage the deal is in (call, email, meeting, demo, visit, other).
_TYPE_MIX = np.array([
    [0.50, 0.43, 0.05, 0.00, 0.00, 0.02],
    [0.35, 0.33, 0.22, 0.07, 0.01, 0.02],
    [0.20, 0.30, 0.20, 0.23, 0.05, 0.02],
    [0.30, 0.30, 0.25, 0.02, 0.10, 0.03],
])
_PROSPECTING_MIX = np.array([[0.52, 0.36, 0.03, 0.00, 0.04, 0.05]])
_FIRST_TOUCH_MIX = np.array([[0.55, 0.40, 0.05, 0.00, 0.00, 0.00]])
_TYPES = np.array(["call", "email", "meeting", "demo", "visit", "other"])


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    """Sequential ids ``<prefix>000001`` ... (wider when ``n`` needs it), as an Arrow array."""
    width = max(width, len(str(n)))
    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, padding="0"), "")


def _take(names, codes) -> pd.api.extensions.ExtensionArray:
    """Strings ``names[codes]`` as a pandas ``str`` array; negative codes give missing values."""
    names = names if isinstance(names, pa.Array) else pa.array(list(names), type=pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    return pd.array(names.take(pa.array(codes, mask=codes < 0)), dtype="str")


def account_ids(numbers: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Account ids (``ACC000123``) of account numbers; negative numbers give missing ids."""
    numbers = np.asarray(numbers, dtype=np.int64)
    unique, inverse = np.unique(numbers, return_inverse=True)
    labels = [None if u < 0 else f"ACC{u:06d}" for u in unique]
    codes = inverse.reshape(numbers.shape)
    return _take(labels, np.where(numbers < 0, -1, codes))


def _timestamps(world: World, hours) -> pd.Series:
    return pd.Series(world.clock.timestamps(hours)).astype("datetime64[ns]")


def _strings(values) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=object), dtype="str")


@dataclass
class DealTables:
    """The reported deals and their tables."""

    keep: np.ndarray            # positions (in Deals) of reported deals, in id order
    opportunity_ids: pa.Array
    opportunities: pd.DataFrame
    stage_history: pd.DataFrame


def deal_tables(world: World, reps: pd.DataFrame, deals: Deals, rng: np.random.Generator) -> DealTables:
    """``opportunities`` and ``stage_history`` as of the end of the data.

    Deals that closed before the window starts are dropped; older deals still open at
    the window start are kept with their full history.
    """
    end = world.end_hours
    keep = np.flatnonzero((deals.closes >= world.window_hours) & (deals.created < end))
    keep = keep[np.lexsort((deals.rep[keep], deals.created[keep]))]
    n = len(keep)
    ids = _ids("OP", n, 6)
    rep_ids = pa.array(reps["rep_id"].to_numpy(dtype=object), type=pa.string())
    rep = deals.rep[keep]
    passed = deals.passed[keep]
    closes = deals.closes[keep]
    entered = deals.entered[keep]
    closed = closes < end
    won = closed & (passed == len(cat.TRANSITIONS))
    lost = closed & ~won
    n_stages = len(cat.STAGES)

    # Current stage: terminal for closed deals, else the last stage entered before the end.
    reached = (np.nan_to_num(entered, nan=np.inf) < end).sum(axis=1) - 1
    stage_names = np.array(cat.STAGES + (cat.WON_STAGE, cat.LOST_STAGE))
    stage_idx = np.where(won, n_stages, np.where(lost, n_stages + 1, reached))

    first_touch = np.where(deals.touch_recorded[keep] & (deals.first_touch[keep] < end), deals.first_touch[keep], np.nan)
    expected = world.clock.dates(deals.expected_close[keep])

    lost_reason, competitor = _loss_details(world, deals, keep, lost, rng)

    products = np.array([p.name for p in cat.PRODUCTS])
    opportunities = pd.DataFrame({
        "opportunity_id": pd.array(ids, dtype="str"),
        "rep_id": _take(rep_ids, rep),
        "account_id": account_ids(deals.account[keep]),
        "product": _take(products, deals.product[keep]),
        "source": _take(SOURCE_NAMES, deals.source[keep]),
        "created_at": _timestamps(world, deals.created[keep]),
        "first_touch_at": _timestamps(world, first_touch),
        "stage": _take(stage_names, stage_idx),
        "amount": deals.amount[keep].astype(float),
        "expected_close": pd.Series(expected).astype("datetime64[ns]"),
        "closed_at": _timestamps(world, np.where(closed, closes, np.nan)),
        "outcome": _take(["open", "won", "lost"], np.where(won, 1, np.where(lost, 2, 0))),
        "lost_reason": _strings(lost_reason),
        "competitor": _strings(competitor),
    })

    # Stage history: every open stage entered before the end, then the terminal stage.
    times = np.concatenate([entered, np.where(closed, closes, np.nan)[:, None]], axis=1)
    names = np.concatenate([np.broadcast_to(np.arange(n_stages), (n, n_stages)),
                            np.where(won, n_stages, n_stages + 1)[:, None]], axis=1)
    has = np.isfinite(times) & (times < end)
    row_deal = np.broadcast_to(np.arange(n)[:, None], times.shape)[has]
    history = pd.DataFrame({
        "opportunity_id": _take(ids, row_deal),
        "stage": _take(stage_names, names[has]),
        "entered_at": _timestamps(world, times[has]),
    })
    return DealTables(keep, ids, opportunities, history)


def _loss_details(world: World, deals: Deals, keep: np.ndarray, lost: np.ndarray, rng: np.random.Generator):
    """Lost reasons (filled for ~82 % of lost deals) and competitors of late-stage losses."""
    n = len(keep)
    reason = np.full(n, None, dtype=object)
    competitor = np.full(n, None, dtype=object)
    idx = np.flatnonzero(lost)
    if len(idx) == 0:
        return reason, competitor
    died = deals.passed[keep[idx]]
    at = deals.closes[keep[idx]]
    product = deals.product[keep[idx]]
    region = deals.region[keep[idx]]
    late = died >= 2
    early_names, early_p = list(cat.EARLY_LOST_REASONS), np.array(list(cat.EARLY_LOST_REASONS.values()))
    late_names, late_p = list(cat.LATE_LOST_REASONS), np.array(list(cat.LATE_LOST_REASONS.values()))
    early_pick = np.array(early_names, dtype=object)[_choice(rng, np.broadcast_to(early_p, (len(idx), len(early_p))))]
    late_pick = np.array(late_names, dtype=object)[_choice(rng, np.broadcast_to(late_p, (len(idx), len(late_p))))]
    _, extra_share, rival = _pressure(world, region, product, at)
    to_competitor = late & (rng.random(len(idx)) < 0.40 + extra_share)
    # In a pressured segment the rising competitor takes its extra share plus part of the rest.
    rival_share = np.clip(1.6 * extra_share / (0.40 + extra_share), 0.0, 0.9)
    to_rival = to_competitor & (rival >= 0) & (rng.random(len(idx)) < rival_share)
    chosen = np.where(late, late_pick, early_pick)
    chosen = np.where(to_competitor, "Lost to competitor", chosen)

    # Who we lose to: each product has its usual rivals, each region a local favourite,
    # Northwind fades over time and Vandelay appears from 2025.
    years = world.years_at(at)
    n_inc = len(cat.COMPETITORS) - 1
    base = np.array([[3.0, 2.0, 1.0, 1.0][(c - p) % n_inc] for p in range(len(cat.PRODUCTS)) for c in range(n_inc)])
    weights = base.reshape(len(cat.PRODUCTS), n_inc)[product].copy()
    region_pos = np.array([cat.REGIONS.index(r) for r in region]) % n_inc
    weights[np.arange(len(idx)), region_pos] += 1.5
    weights[:, 3] *= np.clip(1.0 - 0.25 * years, 0.25, 1.0)
    vandelay_start = world.years_at(world.clock.hours_at(np.array(["2025-01-01"], dtype="datetime64[D]")))[0]
    vandelay = np.clip(years - vandelay_start, 0.0, 1.5) * 0.8
    weights = np.concatenate([weights, vandelay[:, None]], axis=1)
    weights = weights / weights.sum(axis=1, keepdims=True)
    who = np.array(cat.COMPETITORS, dtype=object)[_choice(rng, weights)]
    who = np.where(to_rival, np.array(cat.COMPETITORS, dtype=object)[np.maximum(rival, 0)], who)
    price_with_rival = late & (chosen == "Price") & (rng.random(len(idx)) < 0.30)
    comp = np.where(to_competitor | price_with_rival, who, None)

    recorded = rng.random(len(idx)) >= 0.18
    reason[idx] = np.where(recorded, chosen, None)
    competitor[idx] = np.where(recorded | to_competitor, comp, None)
    return reason, competitor


def activities_table(world: World, reps: pd.DataFrame, traits: Traits, months: RepMonths, deals: Deals,
                     dt: DealTables, rng: np.random.Generator) -> pd.DataFrame:
    """Prospecting touches (no deal), first touches and deal activities, in time order."""
    end = world.end_hours
    n_reps, n_months = months.lo.shape
    # Prospecting touches inside the window (the burn-in's are not reported).
    counts = months.prospecting.copy()
    counts[:, : world.burn_in] = 0
    cell = np.repeat(np.arange(n_reps * n_months), counts.ravel())
    p_rep = cell // n_months
    p_at = months.lo.ravel()[cell] + rng.random(len(cell)) * (months.hi.ravel()[cell] - months.lo.ravel()[cell])
    known = rng.random(len(cell)) < 0.7
    p_account = np.where(known, traits.account_offset[p_rep]
                         + np.floor(traits.account_pool[p_rep] * rng.random(len(cell))).astype(np.int64), -1)
    p_type = _choice(rng, np.broadcast_to(_PROSPECTING_MIX, (len(cell), 6)))

    keep = dt.keep
    k_deal = np.arange(len(keep))
    # First touch of every reported deal (whether or not the CRM field was filled in).
    ft = deals.first_touch[keep]
    has_ft = ft < end
    f_deal = k_deal[has_ft]
    f_at = ft[has_ft]
    f_type = _choice(rng, np.broadcast_to(_FIRST_TOUCH_MIX, (len(f_deal), 6)))

    # Deal activities between the first touch and the close (or the end of the data).
    life_end = np.minimum(deals.closes[keep], end)
    life = np.maximum(life_end - ft, 0.0)
    rate = deals.engagement[keep] * DEAL_ACTIVITIES_PER_WEEK / 50.0
    n_act = rng.poisson(rate * life)
    d_deal = np.repeat(k_deal, n_act)
    d_at = ft[d_deal] + rng.random(len(d_deal)) * life[d_deal]
    entered = deals.entered[keep][d_deal]
    stage_now = (np.nan_to_num(entered[:, 1:], nan=np.inf) <= d_at[:, None]).sum(axis=1)
    d_type = _choice(rng, _TYPE_MIX[stage_now])

    deal_rep = deals.rep[keep]
    deal_account = deals.account[keep]
    rep = np.concatenate([p_rep, deal_rep[f_deal], deal_rep[d_deal]])
    at = np.concatenate([p_at, f_at, d_at])
    deal = np.concatenate([np.full(len(p_rep), -1), f_deal, d_deal])
    account = np.concatenate([p_account, deal_account[f_deal], deal_account[d_deal]])
    kind = np.concatenate([p_type, f_type, d_type])
    stamp = world.clock.timestamps(at)
    order = np.lexsort((deal, rep, stamp))
    rep, deal, account, kind, stamp = rep[order], deal[order], account[order], kind[order], stamp[order]
    return pd.DataFrame({
        "activity_id": pd.array(_ids("ACT", len(order), 7), dtype="str"),
        "rep_id": _take(reps["rep_id"].to_numpy(dtype=object), rep),
        "opportunity_id": _take(dt.opportunity_ids, deal),
        "account_id": account_ids(account),
        "type": _take(_TYPES, kind),
        "at": pd.Series(stamp).astype("datetime64[ns]"),
    })


def orders_table(world: World, reps: pd.DataFrame, deals: Deals, dt: DealTables,
                 rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Orders of won deals: one order, or two instalments for large deals.

    Returns the table plus, per order, the deal position (in ``dt.keep``) and the
    business hour of the order (used to time the surveys).
    """
    end = world.end_hours
    keep = dt.keep
    won = (deals.passed[keep] == len(cat.TRANSITIONS)) & (deals.closes[keep] < end)
    w = np.flatnonzero(won)
    product = deals.product[keep][w]
    median = np.array([p.median_amount for p in cat.PRODUCTS])[product]
    amount = deals.amount[keep][w]
    split = amount > 2.5 * median
    first_at = deals.closes[keep][w] + rng.uniform(0.0, 40.0, len(w))
    second_at = first_at + calendar_days_to_hours(rng.uniform(40.0, 120.0, len(w)))
    deal = np.concatenate([w, w[split]])
    at = np.concatenate([first_at, second_at[split]])
    value = np.concatenate([np.where(split, np.round(amount * 0.6, 2), amount), np.round(amount[split] * 0.4, 2)])
    ok = at < end
    deal, at, value = deal[ok], at[ok], value[ok]
    product = deals.product[keep][deal]
    cancel = np.array([p.cancel_rate for p in cat.PRODUCTS])[product]
    recent = at >= end - 100.0
    u = rng.random(len(deal))
    status = np.where(recent & (u < 0.7), "pending", np.where(rng.random(len(deal)) < cancel, "cancelled", "completed"))
    stamp = world.clock.timestamps(at)
    order = np.lexsort((deal, stamp))
    deal, at, value, status, stamp = deal[order], at[order], value[order], status[order], stamp[order]
    products = np.array([p.name for p in cat.PRODUCTS])
    frame = pd.DataFrame({
        "order_id": pd.array(_ids("ORD", len(deal), 6), dtype="str"),
        "rep_id": _take(reps["rep_id"].to_numpy(dtype=object), deals.rep[keep][deal]),
        "account_id": account_ids(deals.account[keep][deal]),
        "product": _take(products, deals.product[keep][deal]),
        "ordered_at": pd.Series(stamp).astype("datetime64[ns]"),
        "amount": value.astype(float),
        "status": _strings(status),
    })
    return frame, deal, at


#: Mean CSAT (1-5) of an average rep's customers before rounding.
CSAT_MEAN = 4.05
#: Standard deviation of one answer around its rep's and product's mean, before rounding.
CSAT_NOISE = 0.75


def surveys_table(world: World, reps: pd.DataFrame, traits: Traits, eff: Effects, deals: Deals,
                  dt: DealTables, order_deal: np.ndarray, order_hours: np.ndarray,
                  order_status: np.ndarray, rng: np.random.Generator, gains=None) -> tuple[pd.DataFrame, np.ndarray]:
    """CSAT surveys: onboarding after a deal's first completed order, then check-ins.

    About 65 % of customers answer the onboarding survey 2-6 weeks after their first
    completed order; each such customer also answers ~1 relationship check-in during
    the following year. Returns the table and, per row, the mean of the answer before
    training gains, noise and rounding (for the training ground truth).
    """
    end = world.end_hours
    first = np.unique(order_deal, return_index=True)[1] if len(order_deal) else np.array([], dtype=np.int64)
    first = first[order_status[first] == "completed"]
    deal = order_deal[first]
    base = order_hours[first]
    onboarding = base + calendar_days_to_hours(rng.uniform(14.0, 45.0, len(first)))
    answered = rng.random(len(first)) < 0.65
    n_checkins = rng.poisson(1.0, len(first))
    c_deal = np.repeat(np.arange(len(first)), n_checkins)
    checkin = base[c_deal] + calendar_days_to_hours(rng.uniform(60.0, 365.0, len(c_deal)))
    at = np.concatenate([onboarding[answered], checkin])
    deal = np.concatenate([deal[answered], deal[c_deal]])
    ok = at < end
    deal, at = deal[ok], at[ok]
    rep = deals.rep[dt.keep][deal]
    product = deals.product[dt.keep][deal]
    effect = np.array([p.csat_effect for p in cat.PRODUCTS])[product]
    care = gains.at("customer_care", rep, at) if gains is not None else 0.0
    mean = CSAT_MEAN + traits.csat[rep] + eff.at("csat", rep, at) + effect
    score = np.clip(np.round(mean + 1.5 * cat.TRAINING_POINT * care + rng.normal(0.0, CSAT_NOISE, len(deal))),
                    1.0, 5.0)
    stamp = world.clock.timestamps(at)
    order = np.lexsort((deal, stamp))
    rep, deal, score, stamp, mean = rep[order], deal[order], score[order], stamp[order], mean[order]
    return pd.DataFrame({
        "survey_id": pd.array(_ids("SV", len(deal), 6), dtype="str"),
        "rep_id": _take(reps["rep_id"].to_numpy(dtype=object), rep),
        "account_id": account_ids(deals.account[dt.keep][deal]),
        "at": pd.Series(stamp).astype("datetime64[ns]"),
        "score": score.astype(float),
    }), mean
