"""A tiny handmade dataset whose KPIs are worked out by hand in tests/kpi/test_kpi_values.py.

Two teams, two regions, four reps, eight deals, a few activities, orders, surveys,
targets and market sizes. Every timestamp is at 09:00 unless said otherwise, so day
counts are whole numbers.

    rep  team  region  hired        deals
    r1   East  North   2025-01-01   o0 (2025!), o1, o2
    r2   East  North   (unknown)    o3, o5, o6
    r3   West  South   2026-02-15   o4
    r4   West  South   2025-06-01   none — the rep with no deals and no activity

Calendar facts used below: Mon-Fri days are 20 in Feb 2025, 22 in Jan 2026, 20 in
Feb 2026, 22 in Mar 2026 (64 in 2026-Q1).
"""

from __future__ import annotations

from functools import lru_cache

from tests.kpi.helpers import make_sales_data
from workbench.kpi import compute_kpis

STAGES = ("Lead", "Demo", "Proposal")

REPS = {
    "rep_id": ["r1", "r2", "r3", "r4"],
    "name": ["Ann", "Bo", "Cy", "Di"],
    "team": ["East", "East", "West", "West"],
    "region": ["North", "North", "South", "South"],
    "manager_id": ["m1", "m1", "m2", "m2"],
    "hire_date": ["2025-01-01", None, "2026-02-15", "2025-06-01"],
}

OPPORTUNITIES = {
    #                  o0 a year earlier   o1 won, touch by activity   o2 lost            o3 won, never touched
    #                  o4 open             o5 touch before creation    o6 lost, touched by activity after 36 h
    "opportunity_id": ["o0", "o1", "o2", "o3", "o4", "o5", "o6"],
    "rep_id": ["r1", "r1", "r1", "r2", "r3", "r2", "r2"],
    "account_id": ["a0", "a1", "a1", "a2", None, "a1", "a3"],
    "created_at": [
        "2025-02-03 09:00", "2026-01-05 09:00", "2026-01-20 09:00", "2026-02-02 09:00",
        "2026-03-02 09:00", "2026-01-10 09:00", "2026-03-10 09:00",
    ],
    "first_touch_at": [
        "2025-02-03 10:00", None, "2026-01-20 10:00", None,
        "2026-03-04 09:00", "2026-01-09 09:00", None,
    ],
    "stage": ["Closed Won", "Closed Won", "Closed Lost", "Closed Won", "Demo", "Closed Won", "Closed Lost"],
    "amount": [50.0, 100.0, 50.0, 30.0, 70.0, 40.0, 20.0],
    "closed_at": [
        "2025-02-20 09:00", "2026-02-10 09:00", "2026-02-11 09:00", "2026-02-20 09:00",
        None, "2026-03-05 09:00", "2026-03-20 09:00",
    ],
    "outcome": ["won", "won", "lost", "won", "open", "won", "lost"],
}

STAGE_HISTORY = {
    "opportunity_id": ["o1", "o1", "o1", "o1", "o2", "o2", "o3", "o4", "o4", "o5", "o5", "o5", "o6"],
    "stage": ["Lead", "Demo", "Proposal", "Closed Won", "Lead", "Demo", "Lead", "Lead", "Demo",
              "Lead", "Lead", "Proposal", "Demo"],
    "entered_at": [
        "2026-01-05 09:00", "2026-01-12 09:00", "2026-02-01 09:00", "2026-02-10 09:00",  # o1
        "2026-01-20 09:00", "2026-01-25 09:00",  # o2
        "2026-02-02 09:00",  # o3 goes from Lead straight to won
        "2026-03-02 09:00", "2026-03-03 09:00",  # o4
        "2026-01-10 09:00", "2026-02-15 09:00", "2026-02-20 09:00",  # o5 re-enters Lead, skips Demo
        "2026-03-10 09:00",  # o6 starts at Demo
    ],
}

ACTIVITIES = {
    "activity_id": ["x1", "x2", "x3", "x4", "x5", "x6", "x7"],
    "rep_id": ["r1", "r1", "r2", "r2", "r3", "r1", "r1"],
    "opportunity_id": ["o1", "o1", "o6", None, None, None, "o2"],
    "type": ["call", "email", "call", "meeting", "visit", "call", "demo"],
    "at": [
        "2026-01-06 09:00",  # first activity on o1: 24 h after creation (counts as within 24 h)
        "2026-01-07 09:00",
        "2026-03-11 21:00",  # first activity on o6: 36 h after creation
        "2026-03-12 09:00",
        "2026-02-20 09:00",
        "2026-01-08 09:00",
        "2026-01-22 09:00",  # on o2, which has its own first_touch_at
    ],
}

ORDERS = {
    "order_id": ["d1", "d2", "d3", "d4", "d5"],
    "rep_id": ["r1", "r1", "r1", "r2", "r2"],
    "ordered_at": ["2026-01-15 09:00", "2026-01-16 09:00", "2026-01-17 09:00", "2026-02-03 09:00",
                   "2026-03-03 09:00"],
    "amount": [10.0, 20.0, 30.0, 40.0, 50.0],
    "status": ["completed", "cancelled", "pending", "pending", "completed"],
}

SURVEYS = {
    "survey_id": ["s1", "s2", "s3", "s4"],
    "rep_id": ["r1", "r1", "r2", "r3"],
    "at": ["2026-02-05 09:00", "2026-02-06 09:00", "2026-02-07 09:00", "2026-03-08 09:00"],
    "score": [4.0, 5.0, 3.0, 2.0],
}

TARGETS = {
    "entity_type": ["rep", "rep", "rep", "rep", "team", "team", "company", "rep"],
    "entity_id": ["r1", "r1", "r1", "r2", "West", "West", "ACME", "r1"],
    "period": ["2026-01", "2026-02", "2026-03", "2026-Q1", "2026-02", "2026-03", "2026-Q1", "2026-01"],
    "metric": ["bookings", "bookings", "bookings", "bookings", "bookings", "bookings", "bookings", "activities"],
    "target": [200.0, 200.0, 0.0, 90.0, 50.0, 100.0, 600.0, 40.0],
}

MARKET = {
    "period": ["2026-Q1", "2026-Q1", "2026-Q1"],
    "region": ["North", "South", "South"],
    "product": [None, "Core", "Plus"],
    "market_size": [3000.0, 600.0, 300.0],
}

ALL_TABLES = {
    "reps": REPS,
    "opportunities": OPPORTUNITIES,
    "stage_history": STAGE_HISTORY,
    "activities": ACTIVITIES,
    "orders": ORDERS,
    "surveys": SURVEYS,
    "targets": TARGETS,
    "market": MARKET,
}


def handmade_data(without=(), stages=STAGES):
    """The handmade SalesData, optionally without some tables."""
    return make_sales_data({n: t for n, t in ALL_TABLES.items() if n not in without}, stages=stages)


@lru_cache(maxsize=None)
def handmade_kpis(by: str, freq: str = "M"):
    """compute_kpis on the full handmade dataset, computed once per level and frequency.

    Shared between test modules: callers must not modify the returned frame.
    """
    return compute_kpis(handmade_data(), by=by, freq=freq)
