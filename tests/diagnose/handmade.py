"""A small, independent sales simulator for the diagnosis tests.

Deliberately different from ``workbench.sample`` (other funnel, volumes, noise and
effect mechanics), so the rules are checked on data they were not developed against.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STAGES = ("Discovery", "Demo", "Proposal")
PRODUCTS = ("Basic", "Pro", "Enterprise")
BASE_PRICE = {"Basic": 3000.0, "Pro": 9000.0, "Enterprise": 30000.0}


def make_sales(n_reps=30, months=12, seed=0, effects=None, deals_per_month=9, end="2026-03-31"):
    """Contract tables for ``n_reps`` reps over ``months`` months ending ``end``.

    ``effects`` maps rep_id -> driver key (or list of keys) among slow_follow_up,
    low_activity, low_stage_conversion, small_deals, long_cycle, low_csat, weak_product,
    order_cancellations, stalled_stage.
    """
    rng = np.random.default_rng(seed)
    effects = {k: ([v] if isinstance(v, str) else list(v)) for k, v in (effects or {}).items()}
    end = pd.Timestamp(end) + pd.Timedelta(days=1)
    start = end - pd.DateOffset(months=months)
    rep_ids = [f"R{i:03d}" for i in range(1, n_reps + 1)]
    teams = [f"T{1 + i % 3}" for i in range(n_reps)]
    reps = pd.DataFrame({"rep_id": rep_ids, "name": [f"Rep {r}" for r in rep_ids], "team": teams,
                         "region": ["North" if t != "T3" else "South" for t in teams],
                         "manager_id": None, "hire_date": pd.Timestamp("2018-01-01")})
    span = (end - start).total_seconds() / 86400
    opps, history, acts, surveys, orders = [], [], [], [], []
    for i, rep in enumerate(rep_ids):
        eff = set(effects.get(rep, []))
        skill = rng.normal(0, 0.08)
        n = rng.poisson(deals_per_month * months * (0.6 if "low_activity" in eff else 1.0))
        created = start + pd.to_timedelta(rng.uniform(0, span - 20, n), unit="D")
        product = rng.choice(PRODUCTS, n, p=[0.45, 0.35, 0.2])
        amount = np.array([BASE_PRICE[p] for p in product]) * rng.lognormal(0, 0.5, n)
        if "small_deals" in eff:
            amount *= 0.55
        hours = rng.lognormal(np.log(5) + (1.2 if "slow_follow_up" in eff else 0.0), 0.8, n)
        for j in range(n):
            oid = f"{rep}-{j:04d}"
            t = created[j] + pd.Timedelta(hours=hours[j])
            stage_reached, won = 0, False
            enter = [t]
            for s in range(len(STAGES)):
                p = 1 / (1 + np.exp(-(0.9 + skill - 0.15 * np.log1p(hours[j]))))
                if "low_stage_conversion" in eff and s == 1:
                    p *= 0.5
                if "weak_product" in eff and product[j] == "Pro" and s >= 1:
                    p *= 0.45
                days = rng.gamma(3, 4.0) * (1.8 if "long_cycle" in eff else 1.0)
                if "stalled_stage" in eff and s == 2:
                    days *= 3.0
                if rng.random() < p:
                    enter.append(enter[-1] + pd.Timedelta(days=days))
                    stage_reached = s + 1
                else:
                    enter.append(enter[-1] + pd.Timedelta(days=days * rng.uniform(0.3, 1)))
                    break
            won = stage_reached == len(STAGES)
            closed_at = enter[-1]
            outcome = ("won" if won else "lost") if closed_at < end else "open"
            opps.append((oid, rep, f"A{i}-{j % 40}", product[j], rng.choice(["Web", "Referral", "Outbound"]),
                         created[j], t, outcome, float(round(amount[j], 2)),
                         closed_at if outcome != "open" else pd.NaT))
            for s, at in enumerate(enter[:-1]):
                if s < len(STAGES) and at < end:
                    history.append((oid, STAGES[s], at))
            if outcome != "open":
                history.append((oid, "Closed Won" if won else "Closed Lost", closed_at))
            if won:
                status = "cancelled" if rng.random() < (0.2 if "order_cancellations" in eff else 0.04) else "completed"
                orders.append((f"O{oid}", rep, amount[j], closed_at + pd.Timedelta(days=2), status, product[j]))
                if rng.random() < 0.7:
                    score = np.clip(np.round(rng.normal(4.2 - (1.1 if "low_csat" in eff else 0.0), 0.8)), 1, 5)
                    surveys.append((f"S{oid}", rep, closed_at + pd.Timedelta(days=20), float(score)))
        n_act = rng.poisson(60 * months * (0.5 if "low_activity" in eff else 1.0) * np.exp(rng.normal(0, 0.05)))
        at = start + pd.to_timedelta(rng.uniform(0, span, n_act), unit="D")
        acts += [(f"{rep}-a{k}", rep, None, "call", a) for k, a in enumerate(at)]
    opportunities = pd.DataFrame(opps, columns=["opportunity_id", "rep_id", "account_id", "product", "source",
                                                "created_at", "first_touch_at", "outcome", "amount", "closed_at"])
    opportunities["stage"] = np.where(opportunities["outcome"] == "won", "Closed Won",
                                      np.where(opportunities["outcome"] == "lost", "Closed Lost", "Discovery"))
    opportunities["expected_close"] = pd.NaT
    opportunities["lost_reason"] = None
    opportunities["competitor"] = None
    lost = opportunities["outcome"] == "lost"
    opportunities.loc[lost, "competitor"] = rng.choice(["Acme", "Globex", None], lost.sum())
    return {
        "reps": reps,
        "opportunities": opportunities,
        "stage_history": pd.DataFrame(history, columns=["opportunity_id", "stage", "entered_at"]),
        "activities": pd.DataFrame(acts, columns=["activity_id", "rep_id", "opportunity_id", "type", "at"]),
        "surveys": pd.DataFrame(surveys, columns=["survey_id", "rep_id", "at", "score"]),
        "orders": pd.DataFrame(orders, columns=["order_id", "rep_id", "amount", "ordered_at", "status", "product"]),
        "stages": STAGES,
    }
