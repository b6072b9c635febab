"""Small synthetic inputs for the forecast tests."""

import numpy as np
import pandas as pd

FAST_MODELS = ["seasonal_naive", "ets_ann", "theta", "naive"]


def monthly_series(n_series=4, n_months=36, seed=0, start="2023-01-01"):
    rng = np.random.default_rng(seed)
    ds = pd.date_range(start, periods=n_months, freq="MS")
    t = np.arange(n_months)
    frames = []
    for i in range(n_series):
        level = 1000 * (i + 1)
        y = level * (1 + 0.3 * np.sin(2 * np.pi * t / 12 + i)) * rng.lognormal(0, 0.1, n_months)
        frames.append(pd.DataFrame({"unique_id": f"rep:R{i:02d}", "ds": ds, "y": y.round(2)}))
    return pd.concat(frames, ignore_index=True)
