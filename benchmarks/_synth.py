"""Synthetic monthly rep bookings for the forecast benchmark (fixed seed)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_rep_series(n_series: int = 1000, n_months: int = 48, seed: int = 2026) -> pd.DataFrame:
    """Trend + yearly seasonality + noise; a share lumpy/intermittent; varied scales; level shifts."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2022-01-01", periods=n_months, freq="MS")
    t = np.arange(n_months)
    frames = []
    for i in range(n_series):
        scale = float(np.exp(rng.normal(np.log(50_000), 1.0)))
        kind = rng.choice(["smooth", "lumpy", "shift"], p=[0.6, 0.25, 0.15])
        trend = 1 + rng.normal(0.0, 0.01) * t
        amp = rng.uniform(0.0, 0.4)
        phase = rng.uniform(0, 2 * np.pi)
        season = 1 + amp * np.sin(2 * np.pi * t / 12 + phase)
        level = scale * np.clip(trend, 0.2, None) * season
        if kind == "shift":
            at = rng.integers(12, n_months - 8)
            level = level * np.where(t >= at, rng.choice([0.6, 1.5]), 1.0)
        if kind == "lumpy":
            p_deal = rng.uniform(0.15, 0.6)
            deals = rng.binomial(1, p_deal, n_months)
            y = deals * level / p_deal * rng.lognormal(0, 0.5, n_months)
        else:
            y = level * rng.lognormal(0, rng.uniform(0.08, 0.3), n_months)
        frames.append(pd.DataFrame({"unique_id": f"rep_{i:04d}", "ds": ds, "y": np.round(y, 2)}))
    return pd.concat(frames, ignore_index=True)
