"""Property-based: the forecaster and the win model on odd data give finite, ordered numbers or a clear error."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import result_or_clear_error, sales_tables
from workbench import load
from workbench.forecast import Forecaster, WinModel

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

values = st.one_of(st.floats(0, 1e7, allow_nan=False), st.sampled_from([0.0, 0.0, 1.0, 1e9]))


@st.composite
def series(draw):
    n_series = draw(st.integers(1, 3))
    frames = []
    for i in range(n_series):
        n = draw(st.integers(1, 30))
        ys = draw(st.lists(values, min_size=n, max_size=n))
        if draw(st.booleans()):
            ys = [ys[0]] * n  # constant series
        frames.append(pd.DataFrame({"unique_id": f"team:T{i}",
                                    "ds": pd.date_range("2024-01-01", periods=n, freq="MS"), "y": ys}))
    return pd.concat(frames, ignore_index=True)


@SETTINGS
@given(series(), st.integers(1, 4))
def test_forecasts_are_finite_and_intervals_hold_the_point(history, h):
    fc = result_or_clear_error(lambda: Forecaster(level=[80]).fit(history).predict(h))
    if fc is None:
        return
    assert len(fc) == h * history["unique_id"].nunique()
    point, lo, hi = (fc[c].to_numpy(float) for c in ("forecast", "forecast-lo-80", "forecast-hi-80"))
    assert np.isfinite(point).all(), fc
    assert (lo <= point + 1e-6 * (1 + np.abs(point))).all() and (point <= hi + 1e-6 * (1 + np.abs(point))).all()


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sales_tables(max_reps=4, max_deals=60))
def test_win_model_fits_and_scores_or_says_why_not(tables):
    data = result_or_clear_error(load, tables)
    deals = result_or_clear_error(lambda: WinModel().fit(data).predict(data)) if data is not None else None
    if deals is None:
        return
    p = deals["p_won_in_period"].to_numpy(float)
    assert ((p >= 0) & (p <= 1)).all()
