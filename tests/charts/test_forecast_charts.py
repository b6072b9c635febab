import pandas as pd

from workbench.charts import backtest_accuracy_chart, calibration_chart, forecast_fan_chart


def _frames():
    hist = pd.DataFrame({"unique_id": ["a"] * 4 + ["b"] * 4, "ds": list(pd.date_range("2026-01-01", periods=4,
                                                                                    freq="MS")) * 2,
                         "y": [1.0, 2.0, 3.0, 4.0, 9.0, 9.0, 9.0, 9.0]})
    fc = pd.DataFrame({"unique_id": ["a", "a"], "ds": pd.date_range("2026-05-01", periods=2, freq="MS"),
                       "forecast": [4.0, 5.0], "forecast-lo-80": [3.0, 3.5], "forecast-hi-80": [5.0, 6.5],
                       "forecast-lo-95": [2.0, 2.5], "forecast-hi-95": [6.0, 7.5]})
    return hist, fc


def test_fan_chart_has_bands_lines_and_only_the_chosen_series():
    hist, fc = _frames()
    spec = forecast_fan_chart(hist, fc, "a").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["area", "line", "rule"]
    datasets = spec["datasets"]
    sizes = sorted(len(v) for v in datasets.values())
    assert 4 in sizes  # two interval levels x two periods
    assert 6 in sizes  # four actuals + two forecasts of series "a" only
    assert "a: forecast" in spec["title"]


def test_backtest_and_calibration_charts():
    by_cut = pd.DataFrame({"cutoff": pd.to_datetime(["2026-01-01", "2026-02-01"] * 2),
                           "model": ["forecast", "forecast", "SeasonalNaive", "SeasonalNaive"],
                           "wape": [0.2, 0.3, 0.4, 0.5], "bias": 0.0, "accuracy": [0.8, 0.7, 0.6, 0.5]})
    spec = backtest_accuracy_chart(by_cut, metric="wape").to_dict()
    assert spec["encoding"]["y"]["field"] == "wape" and spec["encoding"]["color"]["field"] == "model"
    table = pd.DataFrame({"bin": ["0.0-0.1"], "n": [10], "mean_predicted": [0.05], "observed": [0.1]})
    cal = calibration_chart(table).to_dict()
    assert cal["layer"][1]["encoding"]["x"]["field"] == "mean_predicted"
