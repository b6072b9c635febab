"""Quick end-to-end check that compute_kpis runs on a SalesData with every table."""

import warnings

import numpy as np

from tests.kpi.helpers import make_sales_data
from workbench.kpi import KPIS, compute_kpis


def test_compute_kpis_runs_on_sales_data_with_every_table():
    data = make_sales_data({
        "reps": {"rep_id": ["r1", "r2"], "name": ["A", "B"], "team": ["T", "T"], "region": ["R", "R"]},
        "opportunities": {
            "opportunity_id": ["o1", "o2"], "rep_id": ["r1", "r2"], "created_at": ["2026-01-02", "2026-02-03"],
            "stage": ["Won", "Lead"], "amount": [10.0, 5.0], "outcome": ["won", "open"],
            "closed_at": ["2026-02-01", None], "account_id": ["a1", None],
        },
        "stage_history": {"opportunity_id": ["o1", "o2"], "stage": ["Lead", "Lead"],
                          "entered_at": ["2026-01-02", "2026-02-03"]},
        "activities": {"activity_id": ["x"], "rep_id": ["r1"], "opportunity_id": ["o1"], "type": ["call"],
                       "at": ["2026-01-03"]},
        "orders": {"order_id": ["d"], "rep_id": ["r2"], "ordered_at": ["2026-02-05"], "amount": [1.0],
                   "status": ["pending"]},
        "surveys": {"survey_id": ["s"], "rep_id": ["r2"], "at": ["2026-02-05"], "score": [5.0]},
        "targets": {"entity_type": ["company"], "entity_id": ["all"], "period": ["2026-Q1"],
                    "metric": ["bookings"], "target": [30.0]},
        "market": {"period": ["2026-02"], "region": ["R"], "market_size": [100.0]},
    }, stages=["Lead", "Demo"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kpis = compute_kpis(data, by=["rep", "company"])
    assert set(kpis["metric"]) == set(KPIS)
    assert np.isfinite(kpis["value"].dropna()).all()
