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
