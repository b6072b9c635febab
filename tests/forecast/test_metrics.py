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


def test_evaluate_says_how_many_windows_and_why_a_score_is_missing():
    hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2025-01-01", periods=8, freq="MS"),
                         "y": [10.0, 12.0, 11.0, 13.0, 12.0, 14.0, 13.0, 15.0]})
    cut1, cut2 = hist["ds"].iloc[0], hist["ds"].iloc[4]
    bt = pd.DataFrame({"unique_id": "a", "ds": hist["ds"].iloc[[1, 2, 5, 6]].to_numpy(),
                       "cutoff": [cut1, cut1, cut2, cut2], "y": [12.0, 11.0, 14.0, 13.0],
                       "forecast": [11.0, 11.0, 13.0, 13.0], "Late": [np.nan, np.nan, 14.0, 14.0]})
    scores = evaluate(bt, hist, season_length=1).set_index("model")
    assert scores.loc["forecast", "windows"] == 2 and scores.loc["forecast", "n"] == 4
    # a model is scored on the periods it forecast: one window, two periods
    assert scores.loc["Late", "windows"] == 1 and scores.loc["Late", "n"] == 2
    assert np.isclose(scores.loc["Late", "wape"], 1 / 27)
    # one point of history before the first cutoff: no MASE scale, and the note says so
    assert np.isnan(scores.loc["forecast", "mase"])
    assert "no MASE: 1 point of history before the first cutoff" in scores.loc["forecast", "note"]
    assert "no coverage" in scores.loc["forecast", "note"]
    no_history = evaluate(bt, None, season_length=1)
    assert no_history["note"].str.contains("no MASE: no history given").all()


def test_mase_is_scaled_by_the_in_sample_seasonal_naive_error():
    # history 1..6 with season 2: in-sample seasonal-naive errors |y[t] - y[t-2]| are all 2
    hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2025-01-01", periods=6, freq="MS"),
                         "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    bt = pd.DataFrame({"unique_id": "a", "ds": pd.to_datetime(["2025-07-01"]), "cutoff": hist["ds"].iloc[-1],
                       "y": [7.0], "forecast": [8.0]})
    row = evaluate(bt, hist, season_length=2).iloc[0]
    assert row["mase"] == 0.5 and row["note"].startswith("no coverage")
