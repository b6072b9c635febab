"""The period forecasts are made for, by the same partial-period rule as the history."""

import pandas as pd
import pytest

from workbench.forecast.series import next_period, sales_series


def _data(last_close: str):
    reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["T"], "region": ["R"]})
    opps = pd.DataFrame({
        "opportunity_id": ["o1", "o2"], "rep_id": ["r1", "r1"],
        "created_at": pd.to_datetime(["2026-01-05", "2026-02-01"]),
        "closed_at": pd.to_datetime(["2026-01-20", last_close]),
        "amount": [100.0, 200.0], "outcome": ["won", "won"], "stage": ["Closed Won", "Closed Won"]})
    return {"reps": reps, "opportunities": opps}


@pytest.mark.parametrize("last, freq, expected", [
    ("2026-10-30", "M", "2026-11"),   # within two days of the month end: October is complete
    ("2026-10-15", "M", "2026-10"),   # mid-month: October is partial and is the one forecast
    ("2026-10-30", "Q", "2026-Q4"),
    ("2026-12-31", "Q", "2027-Q1"),
])
def test_next_period(last, freq, expected):
    assert next_period(_data(last), freq).label == expected


def test_next_period_is_the_period_the_history_drops_as_partial():
    data = _data("2026-10-15")
    history = sales_series(data, by="rep", freq="M")
    assert history.attrs["dropped_partial"] == next_period(data, "M").start
