import numpy as np
import pandas as pd
import pytest

from workbench.targets.ramp import months_since_hire, ramp_from_history


def test_ramp_shares_by_hand():
    months = pd.date_range("2026-01-01", periods=4, freq="MS")
    history = pd.DataFrame({
        "rep_id": ["new1"] * 4 + ["new2"] * 4 + ["old"] * 4,
        "ds": list(months) * 3,
        # new1 hired Jan, new2 hired Feb (its January is before the hire and left out)
        "y": [0.0, 40.0, 30.0, 200.0, 999.0, 20.0, 80.0, 100.0, 100.0, 100.0, 100.0, 100.0],
    })
    hires = pd.Series(pd.to_datetime(["2026-01-15", "2026-02-01", "2019-05-01"]), index=["new1", "new2", "old"])
    curve = ramp_from_history(history, hires, ramp_months=3).set_index("months_since_hire")
    # tenured (k >= 3) rep-months: old x4 and new1's April (200) -> mean 120
    # k=0: mean(0, 20) = 10 -> 1/12; k=1: mean(40, 80) = 60 -> 0.5; k=2: mean(30, 100) = 65 -> 65/120
    assert curve["share"].tolist() == pytest.approx([10 / 120, 0.5, 65 / 120], abs=1e-6)
    assert curve["reps"].tolist() == [2, 2, 2]


def test_ramp_is_non_decreasing_and_capped():
    history = pd.DataFrame({"rep_id": ["a"] * 3 + ["b"] * 3,
                            "ds": list(pd.date_range("2026-01-01", periods=3, freq="MS")) * 2,
                            "y": [50.0, 10.0, 300.0, 100.0, 100.0, 100.0]})
    hires = pd.Series(pd.to_datetime(["2026-01-01", "2010-01-01"]), index=["a", "b"])
    assert ramp_from_history(history, hires, ramp_months=3)["share"].tolist() == [0.5, 0.5, 1.0]
    assert months_since_hire(pd.Timestamp("2026-03-01"), pd.Timestamp("2025-12-31")).tolist() == [3.0]
    assert ramp_from_history(history, pd.Series(dtype="datetime64[ns]"), ramp_months=3).empty
    assert np.isnan(months_since_hire(pd.Timestamp("2026-03-01"), pd.NaT)).all()
