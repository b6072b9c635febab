"""A ratio whose denominator is so small that it overflows is missing, not infinite (found by the
property-based KPI tests: a target of 2e-313 made quota attainment inf)."""

import numpy as np
import pandas as pd

from workbench import load
from workbench.kpi import compute_kpis


def test_tiny_target_gives_missing_attainment_not_infinity():
    reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["T"], "region": ["E"]})
    opps = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["r1"], "created_at": pd.to_datetime(["2024-09-01"]),
                         "closed_at": pd.to_datetime(["2024-09-10"]), "amount": [4e6], "outcome": ["won"],
                         "stage": ["Closed Won"]})
    targets = pd.DataFrame({"entity_type": ["rep"], "entity_id": ["r1"], "period": ["2024-09"],
                            "metric": ["bookings"], "target": [2.225074e-313]})
    kpis = compute_kpis(load({"reps": reps, "opportunities": opps, "targets": targets}), by="rep", freq="M",
                        metrics=["bookings", "quota_attainment"])
    values = kpis.set_index("metric")["value"].astype(float)
    assert values["bookings"] == 4e6
    assert not np.isinf(values).any() and np.isnan(values["quota_attainment"])
