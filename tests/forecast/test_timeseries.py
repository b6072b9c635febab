import numpy as np
import pandas as pd
import pytest

from tests.forecast.helpers import FAST_MODELS, monthly_series
from workbench.errors import DataError, NotFittedError
from workbench.forecast import Forecaster


@pytest.fixture(scope="module")
def fitted(series):
    return Forecaster(models=FAST_MODELS, level=(80, 95)).fit(series)


@pytest.fixture(scope="module")
def prediction(fitted):
    return fitted.predict(4)


def test_columns_per_model_and_combined(prediction):
    for alias in ["SeasonalNaive", "ETS_ANN", "Theta", "Naive", "forecast"]:
        assert alias in prediction.columns
        for lev in (80, 95):
            assert f"{alias}-lo-{lev}" in prediction.columns
            assert f"{alias}-hi-{lev}" in prediction.columns
    assert list(prediction.columns[:2]) == ["unique_id", "ds"]
    assert list(prediction.columns[-2:]) == ["note", "note_zh"]
    assert len(prediction) == 4 * 4
    assert prediction["ds"].min() == pd.Timestamp("2026-01-01")


def test_intervals_are_ordered(prediction):
    for alias in ["SeasonalNaive", "ETS_ANN", "Theta", "Naive", "forecast"]:
        lo80, hi80 = prediction[f"{alias}-lo-80"], prediction[f"{alias}-hi-80"]
        lo95, hi95 = prediction[f"{alias}-lo-95"], prediction[f"{alias}-hi-95"]
        assert (lo80 <= prediction[alias] + 1e-9).all() and (prediction[alias] <= hi80 + 1e-9).all(), alias
        assert (lo95 <= lo80 + 1e-9).all() and (hi80 <= hi95 + 1e-9).all(), alias


def test_combination_weights_sum_to_one(fitted):
    w = fitted.weights_.groupby("unique_id")["weight"].sum()
    assert np.allclose(w, 1.0)
    assert fitted.weights_.groupby("unique_id").size().max() <= fitted.top_k
    assert set(fitted.interval_scale_) == {80, 95}
    assert {"cutoff", "y", "forecast"} <= set(fitted.cv_.columns)


def test_select_and_single_model_methods(series):
    one = Forecaster(models=FAST_MODELS, method="ETS_ANN", level=[80]).fit(series).predict(2)
    assert np.allclose(one["forecast"], one["ETS_ANN"])
    sel = Forecaster(models=FAST_MODELS, method="select", level=[80]).fit(series)
    assert (sel.weights_.groupby("unique_id").size() == 1).all()


def test_predict_before_fit_names_the_class():
    with pytest.raises(NotFittedError, match="Forecaster"):
        Forecaster().predict(3)


def test_parameter_errors_are_clear(series):
    with pytest.raises(ValueError, match="The 'level' parameter of Forecaster must be"):
        Forecaster(level=(80, 120)).fit(series)
    with pytest.raises(ValueError, match="'h' parameter"):
        Forecaster(models=["naive"], level=[80]).fit(series).predict(0)


def test_input_is_not_mutated(series):
    before = series.copy()
    Forecaster(models=["naive", "seasonal_naive"], level=[80]).fit(series).predict(2)
    pd.testing.assert_frame_equal(series, before)


def test_custom_column_names_and_quarterly_frequency():
    df = monthly_series(n_series=2, n_months=36)
    q = (df.assign(ds=df["ds"].dt.to_period("Q").dt.start_time).groupby(["unique_id", "ds"], as_index=False)["y"]
         .sum().rename(columns={"unique_id": "team", "ds": "quarter", "y": "bookings"}))
    f = Forecaster(models=FAST_MODELS, level=[80], id_col="team", time_col="quarter", target_col="bookings").fit(q)
    out = f.predict(2)
    assert f.freq_ == "QS-JAN" and f.season_length_ == 4
    assert list(out.columns[:2]) == ["team", "quarter"]
    assert out["quarter"].min() == pd.Timestamp("2026-01-01")


def test_forecasts_are_clipped_at_zero():
    ds = pd.date_range("2022-01-01", periods=30, freq="MS")
    y = np.clip(np.linspace(500, 5, 30) + np.random.default_rng(1).normal(0, 40, 30), 0, None)
    out = Forecaster(models=["naive", "ets_aadn"], level=[80, 95]).fit(
        pd.DataFrame({"unique_id": "r", "ds": ds, "y": y})).predict(6)
    numeric = out.drop(columns=["unique_id", "ds", "note", "note_zh"])
    assert (numeric >= 0).all().all()


@pytest.mark.parametrize("mutate, pattern", [
    (lambda d: pd.concat([d, d.iloc[[0]]]), r"duplicate .* series rep:R00"),
    (lambda d: d.drop(index=5), r"irregular dates in series rep:R00"),
    (lambda d: d.assign(ds=d["ds"] + pd.Timedelta(days=3)), r"irregular dates"),
    (lambda d: d.assign(y=np.where(d.index == 40, -5.0, d["y"])), r"negative 'y' values in series rep:R01"),
    (lambda d: d.drop(columns="y"), r"no column\(s\) \['y'\]"),
    (lambda d: d.assign(y=np.where(d.index == 3, np.nan, d["y"])), r"missing or non-numeric .* rep:R00"),
])
def test_bad_input_errors_name_the_ids(series, mutate, pattern):
    with pytest.raises(DataError, match=pattern):
        Forecaster(models=["naive"], level=[80]).fit(mutate(series))


def test_backtest_has_cutoffs_and_actuals(series):
    bt = Forecaster(models=["naive", "seasonal_naive"], level=[80]).backtest(series, h=3, n_windows=2)
    assert {"cutoff", "y", "forecast"} <= set(bt.columns)
    assert bt["cutoff"].nunique() == 2
    assert (bt["ds"] > bt["cutoff"]).all()
    assert (bt.groupby(["unique_id", "cutoff"]).size() == 3).all()
    assert bt["cutoff"].max() == pd.Timestamp("2025-09-01")


def test_default_beats_seasonal_naive_on_the_sample(sample_tables):
    from workbench.forecast import evaluate, summarize
    from workbench.forecast.series import rep_groups, sales_series

    history = sales_series(sample_tables, by="rep", freq="M")
    bt = Forecaster(level=[80]).backtest(history, h=3, n_windows=3, groups=rep_groups(sample_tables))
    summary = summarize(evaluate(bt, history, season_length=12)).set_index("model")
    print(summary[["mase", "wape", "coverage", "accuracy"]])
    assert summary.loc["forecast", "mase"] < summary.loc["SeasonalNaive", "mase"]


def test_levels_stay_nested_whatever_the_calibration(series):
    f = Forecaster(models=FAST_MODELS, level=(80, 95)).fit(series)
    f.interval_scale_by_class_ = {"regular": {80: 3.0, 95: 0.5}, "intermittent": {80: 3.0, 95: 0.5}}
    out = f.predict(3)
    assert (out["forecast-lo-95"] <= out["forecast-lo-80"]).all()
    assert (out["forecast-hi-80"] <= out["forecast-hi-95"]).all()


def _simulated_monthly(n_series, n_months, seed):
    """Gaussian AR(1) noise around a level with a yearly cycle: the models' own assumptions."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2021-01-01", periods=n_months, freq="MS")
    frames = []
    for i in range(n_series):
        phi, amp, sd = rng.uniform(0.0, 0.7), rng.uniform(0, 30), rng.uniform(5, 15)
        noise = np.zeros(n_months)
        for t, e in enumerate(rng.normal(0, sd, n_months)):
            noise[t] = phi * (noise[t - 1] if t else 0.0) + e
        y = 500 + amp * np.sin(2 * np.pi * np.arange(n_months) / 12 + rng.uniform(0, 6)) + noise
        frames.append(pd.DataFrame({"unique_id": f"s{i:03d}", "ds": ds, "y": y}))
    return pd.concat(frames, ignore_index=True)


def test_intervals_are_nested_and_calibrated_on_simulated_series():
    # 80 series, 6 fresh months each: 480 held-out actuals, binomial standard error ~0.018 at 80%.
    # Measured: 0.79 (80%) and 0.89 (95%): the 95% quantile of a dozen validation errors per series
    # is carried up from the 80% one, so it runs a little short on Gaussian noise.
    df = _simulated_monthly(80, 60, seed=7)
    back = df.groupby("unique_id").cumcount(ascending=False)
    train, test = df[back >= 6], df[back < 6]
    out = Forecaster(level=[80, 95]).fit(train).predict(6).merge(test, on=["unique_id", "ds"])
    assert len(out) == len(test)
    assert (out["forecast-lo-95"] <= out["forecast-lo-80"] + 1e-9).all()
    assert (out["forecast-hi-80"] <= out["forecast-hi-95"] + 1e-9).all()
    cov80 = ((out["y"] >= out["forecast-lo-80"]) & (out["y"] <= out["forecast-hi-80"])).mean()
    cov95 = ((out["y"] >= out["forecast-lo-95"]) & (out["y"] <= out["forecast-hi-95"])).mean()
    assert 0.72 <= cov80 <= 0.88, cov80
    assert cov80 < cov95 and cov95 >= 0.85, cov95


def test_intervals_are_calibrated_per_series():
    # two series, same shape, one ten times noisier: each gets its own interval width
    rng = np.random.default_rng(3)
    ds = pd.date_range("2021-01-01", periods=60, freq="MS")
    base = 1000 + 100 * np.sin(2 * np.pi * np.arange(60) / 12)
    df = pd.concat([pd.DataFrame({"unique_id": "calm", "ds": ds, "y": base + rng.normal(0, 10, 60)}),
                    pd.DataFrame({"unique_id": "noisy", "ds": ds, "y": base + rng.normal(0, 100, 60)})])
    f = Forecaster(models=["seasonal_naive", "ets_ann"], level=[80]).fit(df)
    assert list(f.interval_scale_by_series_.index) == ["calm", "noisy"]
    out = f.predict(3).set_index("unique_id")
    width = (out["forecast-hi-80"] - out["forecast-lo-80"]).groupby(level=0).mean()
    assert width["noisy"] > 4 * width["calm"]


def test_combination_is_not_worse_than_its_best_single_candidate():
    # Constructed case: each series is a level plus one of two patterns (a trend or a quarter-end
    # spike), so a different candidate fits each. Held out: the last 6 months of 40 series.
    rng = np.random.default_rng(11)
    ds = pd.date_range("2022-01-01", periods=48, freq="MS")
    t = np.arange(48)
    frames = []
    for i in range(40):
        if i % 2:
            y = 1000 + 15 * t + rng.normal(0, 40, 48)
        else:
            y = 1000 * np.where(t % 3 == 2, 1.8, 0.8) + rng.normal(0, 60, 48)
        frames.append(pd.DataFrame({"unique_id": f"rep:{i:02d}", "ds": ds, "y": y}))
    df = pd.concat(frames, ignore_index=True)
    back = df.groupby("unique_id").cumcount(ascending=False)
    train, test = df[back >= 6], df[back < 6]
    f = Forecaster(level=[80]).fit(train)
    out = f.predict(6).merge(test, on=["unique_id", "ds"])
    err = out.drop(columns=["y"]).filter(regex=r"^[A-Za-z_]+$").drop(columns=["unique_id", "ds", "note", "note_zh"])
    mae = err.sub(out["y"], axis=0).abs().groupby(out["unique_id"]).mean()
    candidates = [c for c in mae.columns if c != "forecast"]
    # series by series on average, the combination does no worse than the candidate each series
    # weighted most (the one "select" would have used)
    top = f.weights_.sort_values("weight", ascending=False).drop_duplicates("unique_id").set_index("unique_id")
    top_err = np.array([mae.loc[uid, top.loc[uid, "model"]] for uid in mae.index])
    assert mae["forecast"].mean() <= top_err.mean(), (mae["forecast"].mean(), top_err.mean())
    # and it stays close to the best single candidate chosen with hindsight (measured with the
    # default three-model combination: 6% above the airline model, 15% or more below every other
    # candidate; on the sample's team and region series it beats the hindsight best at 3 of 4 horizons)
    assert mae["forecast"].mean() <= mae[candidates].mean().min() * 1.08, mae.mean().sort_values()
    others = mae[candidates].mean().dropna().sort_values().iloc[1:]
    assert (mae["forecast"].mean() < others).all(), others
