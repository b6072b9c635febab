"""Tiny hand-checkable data and plans for the incentive tests.

Six reps, quarter 2026-Q3, every rep's target 60,000. Bookings (won deals closed in the
quarter) put the reps exactly where the tests need them:

=====  =====  ========  ==========  ========================================
rep    team   bookings  attainment  why
=====  =====  ========  ==========  ========================================
r1     East    60,000   100 %       exactly 100 %; two "Cloud" deals (SPIF)
r2     East    72,600   121 %       just above the 120 % tier boundary
r3     West    90,000   150 %       exactly at the payout cap
r4     West   120,000   200 %       above the payout cap
r5     South   24,000    40 %       below the 50 % threshold
r6     South   30,000    50 %       exactly at the threshold
=====  =====  ========  ==========  ========================================
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.incentives import plan_from_dict

TARGET = 60_000.0

#: (rep, team, [(product, amount, closed_at)])
_DEALS = {
    "r1": ("East", [("Cloud", 20_000.0, "2026-07-05"), ("Cloud", 25_000.0, "2026-08-05"),
                    ("Suite", 15_000.0, "2026-09-05")]),
    "r2": ("East", [("Suite", 62_600.0, "2026-07-20"), ("Suite", 10_000.0, "2026-07-10")]),
    "r3": ("West", [("Suite", 90_000.0, "2026-08-01")]),
    "r4": ("West", [("Suite", 120_000.0, "2026-09-30 23:00")]),
    "r5": ("South", [("Suite", 24_000.0, "2026-07-01")]),
    "r6": ("South", [("Suite", 30_000.0, "2026-08-15")]),
}


@pytest.fixture
def tiny_data() -> dict:
    reps = pd.DataFrame({"rep_id": list(_DEALS), "name": [f"Rep {r[1:]}" for r in _DEALS],
                         "team": [t for t, _ in _DEALS.values()], "region": "North"})
    rows = []
    for rep, (_, deals) in _DEALS.items():
        for i, (product, amount, closed) in enumerate(deals):
            rows.append({"opportunity_id": f"{rep}-{i}", "rep_id": rep, "product": product, "amount": amount,
                         "created_at": pd.Timestamp("2026-06-01"), "closed_at": pd.Timestamp(closed),
                         "stage": "Closed Won", "outcome": "won"})
    # deals that must not count: a lost deal, a win in Q2 and a win in Q4
    rows += [
        {"opportunity_id": "x-lost", "rep_id": "r1", "product": "Cloud", "amount": 99_000.0,
         "created_at": pd.Timestamp("2026-06-01"), "closed_at": pd.Timestamp("2026-08-01"), "stage": "Closed Lost",
         "outcome": "lost"},
        {"opportunity_id": "x-q2", "rep_id": "r1", "product": "Cloud", "amount": 99_000.0,
         "created_at": pd.Timestamp("2026-05-01"), "closed_at": pd.Timestamp("2026-06-30 23:59"),
         "stage": "Closed Won", "outcome": "won"},
        {"opportunity_id": "x-q4", "rep_id": "r1", "product": "Cloud", "amount": 99_000.0,
         "created_at": pd.Timestamp("2026-06-01"), "closed_at": pd.Timestamp("2026-10-01"), "stage": "Closed Won",
         "outcome": "won"},
    ]
    targets = pd.DataFrame({"entity_type": "rep", "entity_id": list(_DEALS), "period": "2026-Q3",
                            "metric": "bookings", "target": TARGET})
    return {"reps": reps, "opportunities": pd.DataFrame(rows), "targets": targets}


#: Tiers 5 % / 8 % / 10 %, accelerator ×1.5 above 120 %, threshold 50 %, payout cap 6,660,
#: SPIF 500 per Cloud deal.
PLAN = {
    "name": "Tiny plan", "period": "Q", "threshold": 0.5,
    "tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "to": 1.2, "rate": 0.08},
              {"from": 1.2, "rate": 0.10}],
    "accelerator": {"above": 1.2, "multiplier": 1.5},
    "cap": {"payout": 6_660.0},
    "spifs": [{"product": "Cloud", "per_deal": 500.0}],
}


@pytest.fixture
def tiny_plan():
    return plan_from_dict(PLAN, source="tiny.toml")
