import numpy as np
import pandas as pd

from tests.forecast.helpers import FAST_MODELS, monthly_series
from workbench.forecast import Forecaster
from workbench.forecast.fallbacks import NOTES


def _with(extra):
    return pd.concat([monthly_series(n_series=3, n_months=36), extra], ignore_index=True)


def _rows(uid, n, values=None, end="2025-12-01"):
    ds = pd.date_range(end=end, periods=n, freq="MS")
    y = values if values is not None else np.linspace(800, 1200, n)
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": y})


def test_short_history_uses_non_seasonal_models():
    df = _with(_rows("rep:short", 15))
    out = Forecaster(models=FAST_MODELS, level=[80]).fit(df).predict(3)
    rows = out[out["unique_id"] == "rep:short"]
    assert rows["note"].str.contains(NOTES["nonseasonal"]).all()
    assert rows["SeasonalNaive"].isna().all()
    assert rows["ETS_ANN"].notna().all()
    assert (out.loc[out["unique_id"] != "rep:short", "note"] == "").all()


def test_handful_of_points_gets_naive_with_wide_interval():
    df = _with(_rows("rep:new", 3, values=np.array([900.0, 1100.0, 1000.0])))
    out = Forecaster(models=FAST_MODELS, level=[80]).fit(df).predict(3)
    rows = out[out["unique_id"] == "rep:new"]
    assert rows["note"].str.startswith("naive with wide interval: only 3").all()
    assert np.allclose(rows["forecast"], 1000.0)
    width = rows["forecast-hi-80"] - rows["forecast-lo-80"]
    assert (width > 500).all() and width.is_monotonic_increasing


def test_new_rep_borrows_strength_from_team():
    df = _with(_rows("rep:new", 2, values=np.array([100.0, 100.0])))
    groups = {"rep:R00": "team:A", "rep:R01": "team:A", "rep:R02": "team:B", "rep:new": "team:A"}
    f = Forecaster(models=FAST_MODELS, level=[80]).fit(df, groups=groups)
    out = f.predict(2)
    new = out[out["unique_id"] == "rep:new"].reset_index(drop=True)
    assert new["note"].str.startswith("borrowed from group team:A").all()
    team = out[out["unique_id"].isin(["rep:R00", "rep:R01"])].groupby("ds")["forecast"].mean().to_numpy()
    assert ((new["forecast"] > 100) & (new["forecast"] < team)).all()
    assert (new["forecast-lo-80"] <= new["forecast"]).all() and (new["forecast"] <= new["forecast-hi-80"]).all()


def test_all_zero_series_forecasts_zero_with_interval():
    df = _with(_rows("rep:idle", 24, values=np.zeros(24)))
    groups = {"rep:idle": "team:A", "rep:R00": "team:A"}
    out = Forecaster(models=FAST_MODELS, level=[80, 95]).fit(df, groups=groups).predict(2)
    rows = out[out["unique_id"] == "rep:idle"]
    assert (rows["forecast"] == 0).all() and (rows["forecast-lo-80"] == 0).all()
    assert (rows["forecast-hi-80"] > 0).all() and (rows["forecast-hi-95"] >= rows["forecast-hi-80"]).all()
    assert (rows["note"] == NOTES["zero"]).all()


def test_only_fallback_series_still_give_typed_output():
    df = pd.concat([_rows("rep:a", 4, values=np.array([1.0, 2.0, 3.0, 4.0])),
                    _rows("rep:b", 4, values=np.zeros(4))], ignore_index=True)
    out = Forecaster(level=[80]).fit(df).predict(2)
    assert pd.api.types.is_datetime64_any_dtype(out["ds"])
    assert pd.api.types.is_float_dtype(out["forecast"])
    zero = out[out["unique_id"] == "rep:b"]
    assert (zero["forecast"] == 0).all() and (zero["forecast-hi-80"] > 0).all()  # scale borrowed from rep:a


def test_backtest_skips_cutoffs_a_series_cannot_train_on():
    import pytest

    df = _with(_rows("rep:young", 8))
    f = Forecaster(models=FAST_MODELS, level=[80], min_history=6)
    bt = f.backtest(df, h=1, n_windows=3)
    young = bt[bt["unique_id"] == "rep:young"]
    # 8 points: cutoffs leaving 7, 6 and 5 points to train; only the first two have min_history
    assert young["cutoff"].nunique() == 2
    assert bt[bt["unique_id"] != "rep:young"]["cutoff"].nunique() == 3
    with pytest.raises(ValueError, match="4 points: too short for a 1-period backtest window after the 6"):
        f.backtest(_rows("rep:q", 4), h=1, n_windows=3)


def test_short_history_scores_say_how_many_windows_and_why(tmp_path):
    from workbench.forecast.workflow import ACCURACY_COLUMNS, forecast_entities
    from workbench.io.load import load
    from workbench.sample import generate_sample

    assert {"backtest_windows", "backtest_note"} <= set(ACCURACY_COLUMNS)
    # 10 monthly points: one 3-month window fits after the 6 needed to train, and it says so
    monthly = forecast_entities(load(generate_sample(n_reps=8, months=10, seed=3)), by="team", freq="M", h=3)
    row = monthly.forecast.iloc[0]
    assert row["backtest_windows"] == 1 and np.isfinite(row["backtest_mase"])
    assert row["backtest_note"].startswith("1 of 3 backtest windows: 10 points, 6 needed to train")
    assert "MASE scaled by the naive" in row["backtest_note"]
    assert (monthly.scores["windows"] == 1).all() and monthly.scores["mase"].notna().all()
    # 4 quarterly points: the naive fallback reports no backtest accuracy, and says why
    quarterly = forecast_entities(load(generate_sample(n_reps=8, months=12, seed=3)), by="team", freq="Q", h=1)
    row = quarterly.forecast.iloc[0]
    assert np.isnan(row["backtest_mase"]) and np.isnan(row["backtest_accuracy"]) and row["backtest_windows"] == 0
    assert row["backtest_note"] == "4 points: too short for a 1-period backtest window after the 6 needed to train"
    assert quarterly.backtest.empty
