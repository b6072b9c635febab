"""The sales plan (targets) and the market-size table.

Targets are set the way a planning team does it: each year's bookings target is the
prior-year run-rate (a quarter the rep's own, three quarters the team's median per
account times the size of the rep's account book) times 10 % growth, spread over the
months by a seasonal profile and rounded.
New hires get ramped targets. Planted reps therefore tend to miss, while others beat
or miss by chance. Targets also exist for the months up to the end of the quarter
after the data ends, for pipeline coverage and forecasting.

The market is sized per region and product from our own first-year bookings and an
assumed starting share; a few segments grow much faster than we do (our share falls).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.contract import ENTITY_TYPES
from workbench.periods import period_label
from workbench.sample import catalog as cat
from workbench.sample.roster import HOURS_PER_MONTH, RAMP_MONTHS, Traits, World

__all__ = ["targets_table", "market_table", "BOOKINGS_SEASON"]

#: Share of yearly bookings planned in each calendar month (deals close ~2 months after
#: the lead arrives, and quarter ends are strong).
BOOKINGS_SEASON = np.array([0.85, 0.80, 1.10, 0.95, 1.00, 1.15, 0.95, 0.85, 1.05, 0.95, 1.05, 1.30])
PLAN_GROWTH = 1.10
CSAT_TARGET = 4.0


def _month_matrix(world: World, rep_idx: np.ndarray, months: pd.Series, values: np.ndarray, n_reps: int) -> np.ndarray:
    """Sum ``values`` into a (reps, window months) matrix by rep and month start."""
    window = world.month_starts[world.burn_in:]
    col = np.searchsorted(window.values, months.to_numpy(dtype="datetime64[ns]"))
    ok = (col < len(window)) & (window.values[np.minimum(col, len(window) - 1)] == months.to_numpy(dtype="datetime64[ns]"))
    out = np.zeros((n_reps, len(window)))
    np.add.at(out, (rep_idx[ok], col[ok]), values[ok])
    return out


def _run_rates(actual: np.ndarray, ramped: np.ndarray, cols: np.ndarray, team: np.ndarray,
               book: np.ndarray) -> np.ndarray:
    """Monthly run-rate per rep: a quarter the rep's own (ramped months only), three
    quarters the team median per account times the size of the rep's account book."""
    ramped = ramped[:, cols]
    if not ramped.any():  # a very short window: use every month
        ramped = np.ones_like(ramped)
    own_n = ramped.sum(axis=1)
    enough = own_n >= min(4, len(cols))
    own = np.full(len(own_n), np.nan)
    own[enough] = (actual[:, cols] * ramped).sum(axis=1)[enough] / own_n[enough]
    per_account = own / book
    company = np.nanmedian(per_account) if np.isfinite(per_account).any() else 0.0
    rate = np.empty(len(own))
    for t in np.unique(team):
        members = team == t
        team_rate = np.nanmedian(per_account[members]) if np.isfinite(per_account[members]).any() else company
        median = team_rate * book[members]
        rate[members] = np.where(np.isfinite(own[members]), 0.25 * own[members] + 0.75 * median, median)
    return rate


def targets_table(world: World, reps: pd.DataFrame, traits: Traits, tables: dict) -> pd.DataFrame:
    """Monthly and quarterly targets for reps, teams, regions and the company."""
    n = len(reps)
    rep_pos = pd.Series(np.arange(n), index=reps["rep_id"].to_numpy())
    window = world.month_starts[world.burn_in:]
    opp = tables["opportunities"]
    won = opp[opp["outcome"] == "won"]
    actual = {
        "bookings": _month_matrix(world, rep_pos[won["rep_id"]].to_numpy(), won["closed_at"].dt.to_period("M").dt.start_time,
                                  won["amount"].to_numpy(), n),
    }
    orders = tables["orders"]
    actual["orders"] = _month_matrix(world, rep_pos[orders["rep_id"]].to_numpy(),
                                     orders["ordered_at"].dt.to_period("M").dt.start_time, np.ones(len(orders)), n)
    first_win = won.sort_values("closed_at", kind="stable").drop_duplicates("account_id")
    actual["new_accounts"] = _month_matrix(world, rep_pos[first_win["rep_id"]].to_numpy(),
                                           first_win["closed_at"].dt.to_period("M").dt.start_time,
                                           np.ones(len(first_win)), n)
    acts = tables["activities"]
    actual["activities"] = _month_matrix(world, rep_pos[acts["rep_id"]].to_numpy(),
                                         acts["at"].dt.to_period("M").dt.start_time, np.ones(len(acts)), n)

    # Planned months: the window plus the rest of the current and the next quarter.
    last = window[-1]
    future_end = (last.to_period("Q") + 1).end_time.normalize().replace(day=1)
    plan_months = pd.date_range(window[0], future_end, freq="MS")
    month_hours = world.clock.hours_at(np.append(plan_months.values.astype("datetime64[D]"),
                                                 np.datetime64((future_end + pd.DateOffset(months=1)).date())))
    mid = (month_hours[:-1] + month_hours[1:]) / 2
    tenure_months = (mid[None, :] - traits.hire_hours[:, None]) / HOURS_PER_MONTH
    employed = month_hours[1:][None, :] > traits.hire_hours[:, None]
    ramp = np.clip(0.35 + 0.65 * tenure_months / RAMP_MONTHS, 0.35, 1.0) * employed
    ramped_window = (tenure_months[:, : len(window)] >= RAMP_MONTHS)
    team = reps["team"].to_numpy()
    book = traits.account_pool.astype(float)  # territory size, known to the planners

    season = BOOKINGS_SEASON / BOOKINGS_SEASON.mean()
    rounding = {"bookings": 100.0, "orders": 0.1, "new_accounts": 0.1, "activities": 5.0}
    growth = {"bookings": PLAN_GROWTH, "orders": 1.05, "new_accounts": 1.05, "activities": 1.0}
    monthly = {m: np.zeros((n, len(plan_months))) for m in rounding}
    for year in sorted(set(plan_months.year)):
        cols_plan = np.flatnonzero(plan_months.year == year)
        prior = np.flatnonzero(window.year == year - 1)
        if len(prior) < 12:
            prior = np.arange(min(12, len(window)))
        for metric, step in rounding.items():
            rate = _run_rates(actual[metric], ramped_window, prior, team, book) * growth[metric]
            shape = season[plan_months.month[cols_plan] - 1] if metric == "bookings" else \
                np.asarray(cat.ACTIVITY_SEASON)[plan_months.month[cols_plan] - 1] if metric == "activities" else 1.0
            value = rate[:, None] * shape * ramp[:, cols_plan]
            monthly[metric][:, cols_plan] = np.round(value / step) * step
    monthly["csat"] = np.zeros((n, len(plan_months)))  # placeholder: CSAT targets are a level, not a sum

    # Periods: every planned month, then every full quarter; ``select`` sums months into periods.
    quarters = plan_months.to_period("Q")
    full_quarters = [q for q in quarters.unique() if (quarters == q).sum() == 3]
    labels = np.array([period_label(m, "M") for m in plan_months] + [period_label(q.start_time, "Q") for q in full_quarters])
    is_month = np.arange(len(labels)) < len(plan_months)
    select = np.concatenate([np.eye(len(plan_months)),
                             np.stack([(quarters == q) for q in full_quarters], axis=1).astype(float).reshape(len(plan_months), -1)],
                            axis=1)
    levels = [("rep", reps["rep_id"].to_numpy(dtype=object))]
    levels += [(level, reps[level].to_numpy(dtype=object)) for level in ("team", "region")]
    levels.append(("company", np.full(n, "company", dtype=object)))
    parts = []
    for level, labels_of_rep in levels:
        ids, member_of = np.unique(labels_of_rep, return_inverse=True)
        member = np.zeros((len(ids), n))
        member[member_of, np.arange(n)] = 1.0
        active = (member @ employed.astype(float) @ select) > 0
        for metric, values in monthly.items():
            if metric == "csat":  # a rate, set per quarter only
                value = np.where(active, CSAT_TARGET, np.nan)
                keep = active & ~is_month[None, :]
            else:
                value = member @ values @ select
                keep = active & (value > 0)
            row, col = np.nonzero(keep)
            parts.append(pd.DataFrame({"entity_type": level, "entity_id": ids[row], "period": labels[col],
                                       "metric": metric, "target": np.round(value[row, col], 2)}))
    out = pd.concat(parts, ignore_index=True)
    out["_level"] = out["entity_type"].map({e: i for i, e in enumerate(ENTITY_TYPES)})
    out = out.sort_values(["_level", "entity_id", "period", "metric"], kind="stable", ignore_index=True)
    out = out.drop(columns="_level")
    for col in ("entity_type", "entity_id", "period", "metric"):
        out[col] = out[col].astype("str")
    return out


def market_table(world: World, reps: pd.DataFrame, opportunities: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly market size per region and product over the window."""
    window = world.month_starts[world.burn_in:]
    regions = [r for r in cat.REGIONS if r in set(reps["region"])]
    region_of = dict(zip(reps["rep_id"], reps["region"]))
    won = opportunities[opportunities["outcome"] == "won"]
    first_year = won[won["closed_at"] < window[0] + pd.DateOffset(months=12)]
    n_months = min(12, len(window))
    seg = first_year.groupby([first_year["rep_id"].map(region_of), first_year["product"]])["amount"].sum() / n_months
    years = np.arange(len(window)) / 12.0
    season = 1.0 + 0.08 * (np.asarray(cat.LEAD_SEASON)[window.month - 1] - 1.0)
    parts = []
    for region in regions:
        for product in cat.PRODUCTS:
            ours = float(seg.get((region, product.name), 0.0))
            if ours <= 0:
                ours = product.median_amount
            share = 0.03 if (region, product.name) in cat.SEGMENT_WIN_LOGIT else rng.uniform(0.08, 0.16)
            growth = cat.MARKET_GROWTH_OVERRIDE.get((region, product.name), cat.MARKET_GROWTH[product.name])
            size = ours / share * (1 + growth) ** years * season * np.exp(rng.normal(0.0, 0.03, len(window)))
            parts.append(pd.DataFrame({
                "period": [period_label(m, "M") for m in window],
                "region": region,
                "product": product.name,
                "market_size": np.round(size / 1000.0) * 1000.0,
            }))
    out = pd.concat(parts, ignore_index=True).sort_values(["period", "region", "product"], kind="stable",
                                                          ignore_index=True)
    for col in ("period", "region", "product"):
        out[col] = out[col].astype("str")
    return out
