import numpy as np
import pandas as pd

from workbench.forecast import evaluate, summarize
from workbench.forecast.metrics import accuracy_by_cutoff, crm_accuracy, winkler


def test_crm_accuracy_floors_at_zero_and_skips_zero_actuals():
    assert crm_accuracy([100.0], [350.0]) == 0.0
    assert np.isnan(crm_accuracy([0.0], [5.0]))


def test_winkler_penalises_misses():
    inside = winkler([5.0], [0.0], [10.0], 80)
    miss = winkler([12.0], [0.0], [10.0], 80)
    assert inside == 10.0 and np.isclose(miss, 10.0 + 2 / 0.2 * 2)


def test_evaluate_per_series_and_model():
    hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2025-01-01", periods=6, freq="MS"),
                         "y": [10.0, 12.0, 11.0, 13.0, 12.0, 14.0]})
    bt = pd.DataFrame({"unique_id": "a", "ds": hist["ds"].iloc[4:].to_numpy(), "cutoff": hist["ds"].iloc[3],
                       "y": [12.0, 14.0], "forecast": [13.0, 13.0], "forecast-lo-80": [11.0, 11.0],
                       "forecast-hi-80": [15.0, 13.5]})
    scores = evaluate(bt, hist, season_length=1)
    row = scores.iloc[0]
    assert row["model"] == "forecast"
    assert np.isclose(row["mase"], 1.0 / (5.0 / 3))  # MAE 1 over in-sample naive MAE (2+1+2)/3
    assert np.isclose(row["wape"], 2 / 26) and np.isclose(row["bias"], 0.0)
    assert row["coverage"] == 0.5
    assert summarize(scores)["series"].iloc[0] == 1
    by_cut = accuracy_by_cutoff(bt)
    assert len(by_cut) == 1 and np.isclose(by_cut["accuracy"].iloc[0], np.mean([1 - 1 / 12, 1 - 1 / 14]))
