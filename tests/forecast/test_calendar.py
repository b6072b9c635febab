"""Any regular calendar: anchored pandas frequencies round-trip through the Forecaster."""

import numpy as np
import pandas as pd
import pytest

from workbench.errors import DataError
from workbench.forecast import Forecaster
from workbench.forecast.calendar import infer_freq, resolve_freq, season_length_for

FAST = ["naive", "ets_ann", "seasonal_naive"]

CALENDARS = [
    ("W-FRI", "2024-01-05", 52), ("W-SUN", "2024-01-07", 52), ("W-MON", "2024-01-01", 52),
    ("MS", "2023-01-01", 12), ("ME", "2023-01-31", 12), ("QS-FEB", "2019-02-01", 4),
    ("QE-DEC", "2019-03-31", 4), ("D", "2025-01-01", 7), ("B", "2025-01-01", 5), ("YS-JAN", "2010-01-01", 1),
]


def _series(freq, start, n=40, n_series=2, seed=0):
    rng = np.random.default_rng(seed)
    ds = pd.date_range(start, periods=n, freq=freq)
    return pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": ds, "y": 100 + rng.normal(0, 5, n).round(1)})
                      for i in range(n_series)], ignore_index=True)


@pytest.mark.parametrize("freq,start,season", CALENDARS)
def test_anchored_frequency_round_trips(freq, start, season):
    df = _series(freq, start)
    f = Forecaster(models=FAST, level=[80], n_windows=1).fit(df)
    assert f.freq_ == freq and f.season_length_ == season
    out = f.predict(3)
    expected = pd.date_range(df["ds"].max(), periods=4, freq=freq)[1:]
    for uid, g in out.groupby("unique_id"):
        assert list(g["ds"]) == list(expected), uid
    # the same when the frequency is given explicitly
    explicit = Forecaster(models=FAST, level=[80], n_windows=1, freq=freq).fit(df).predict(2)
    assert list(explicit.loc[explicit["unique_id"] == "s0", "ds"]) == list(expected[:2])


@pytest.mark.parametrize("generic,freq,start", [("W", "W-FRI", "2024-01-05"), ("week", "W-SUN", "2024-01-07"),
                                                ("M", "ME", "2023-01-31"), ("Q", "QS-FEB", "2019-02-01"),
                                                ("M", "MS", "2023-01-01")])
def test_period_name_reads_the_anchor_from_the_dates(generic, freq, start):
    df = _series(freq, start, n=8)
    assert resolve_freq(df["ds"], generic, ids=df["unique_id"]) == freq


def test_business_days_skip_weekends():
    df = _series("B", "2025-01-01", n=30)
    assert infer_freq(df["ds"]) == "B"
    out = Forecaster(models=FAST, level=[80], n_windows=1).fit(df).predict(3)
    assert (out["ds"].dt.dayofweek < 5).all()


def test_backtest_keeps_the_input_calendar():
    df = _series("W-FRI", "2024-01-05", n=60)
    bt = Forecaster(models=FAST, level=[80]).backtest(df, h=4, n_windows=2)
    assert (bt["ds"].dt.dayofweek == 4).all() and (pd.to_datetime(bt["cutoff"]).dt.dayofweek == 4).all()


def test_explicit_frequency_that_does_not_fit_is_a_precise_error():
    df = _series("W-FRI", "2024-01-05", n=10)
    with pytest.raises(DataError, match=r"irregular dates in series s0, s1 \(e.g. s0 at 2024-01-05\); "
                                        r"with freq='W-SUN'"):
        Forecaster(models=FAST, freq="W-SUN").fit(df)


def test_gaps_are_still_irregular():
    df = _series("ME", "2023-01-31", n=20).drop(index=[5])
    with pytest.raises(DataError, match=r"irregular dates in series s0 \(e.g. s0 at 2023-07-31\); with freq='ME'"):
        Forecaster(models=FAST).fit(df)


def test_mixed_weekdays_are_irregular():
    df = _series("W-FRI", "2024-01-05", n=10)
    df.loc[3, "ds"] = df.loc[3, "ds"] + pd.Timedelta(days=1)
    with pytest.raises(DataError, match="irregular dates in series s0"):
        Forecaster(models=FAST).fit(df)


def test_unknown_frequency_names_the_choices():
    df = _series("MS", "2023-01-01", n=10)
    with pytest.raises(DataError, match=r"unknown frequency 'fortnightly'.*'W-FRI'"):
        Forecaster(models=FAST, freq="fortnightly").fit(df)


def test_season_length_of_multiples():
    assert season_length_for("2W-SUN") == 26 and season_length_for("D") == 7 and season_length_for("QS-FEB") == 4
