"""Recalibrating the forecast's quantiles on its own track record (probability integral transform).

The Forecaster's intervals are symmetric around its point and calibrated for coverage, but a
target needs a one-sided quantile: sales are skewed (a few big deals), so the point can sit
above the median and "the forecast's 50 % quantile" be met less than half of the time. Here
the forecast's own past forecasts — each fitted only on data before its period — give the
position ``u = F(actual)`` of each actual within its forecast distribution. If the forecast
were calibrated, ``u`` would be uniform; the level ``τ`` whose share of ``u ≤ τ`` is
``1 − p`` is the forecast quantile that is met with chance ``p``. With few track-record points
``τ`` is shrunk toward the nominal ``1 − p``.

Examples
--------
>>> import numpy as np
>>> cal = QuantileCalibration(prior_points=0).fit(np.linspace(0.2, 1.0, 101))  # actuals run high
>>> round(cal.level_for(0.5), 3), float(cal.probability(np.array([0.2]))[0])
(0.6, 1.0)
>>> QuantileCalibration().level_for(0.8)   # unfitted on no record: nominal
0.2
"""

from __future__ import annotations

import numpy as np

__all__ = ["QuantileCalibration", "pit_values", "QUANTILE_LEVELS"]

#: Interval levels the targets' forecasts are made with: their bounds are the quantiles
#: interpolated between (2.5 %, 10 %, 20 %, 30 %, 40 %, 50 %, 60 %, ... 97.5 %).
QUANTILE_LEVELS = (20, 40, 60, 80, 95)


def pit_values(forecast) -> np.ndarray:
    """``F(actual)``: where each row's actual ``y`` falls in its forecast distribution (0-1).

    Where the actual equals a value several quantiles share (0 for lumpy bookings), the highest
    of them: a target at forecast quantile ``τ`` is met (``actual >= target``) exactly when
    ``τ`` is at most this value, which is what the calibration needs.
    """
    from workbench.targets.quantiles import attainment_probability

    return 1.0 - attainment_probability(forecast, forecast["y"].to_numpy(dtype=float), ties="highest")


class QuantileCalibration:
    """Map attainment probabilities to forecast quantile levels learned from past PIT values.

    Parameters
    ----------
    prior_points : float
        Weight (in track-record points) of the nominal level ``1 − p`` in the shrinkage.
    bounds : tuple of float
        Levels are kept within these (the forecast's outermost quantiles).
    """

    def __init__(self, prior_points: float = 30.0, bounds=(0.025, 0.975)):
        self.prior_points = prior_points
        self.bounds = bounds

    def fit(self, pit) -> "QuantileCalibration":
        """Learn from ``u = F(actual)`` of past forecasts (NaN dropped)."""
        pit = np.asarray(pit, dtype=float)
        self.pit_ = np.sort(pit[np.isfinite(pit)])
        return self

    @property
    def n_(self) -> int:
        return len(getattr(self, "pit_", []))

    def level_for(self, probability: float) -> float:
        """The forecast quantile level met with chance ``probability``."""
        nominal = 1.0 - float(probability)
        n = self.n_
        empirical = float(np.quantile(self.pit_, nominal)) if n else nominal
        tau = (n * empirical + self.prior_points * nominal) / (n + self.prior_points) if n + self.prior_points else nominal
        return float(np.clip(tau, *self.bounds))

    def probability(self, levels) -> np.ndarray:
        """``P(actual ≥ target)`` for targets at forecast quantile ``levels``: the inverse of :meth:`level_for`."""
        levels = np.asarray(levels, dtype=float)
        grid = np.linspace(0.001, 0.999, 999)
        taus = np.array([self.level_for(p) for p in grid])  # non-increasing in p
        return np.interp(levels, taus[::-1], grid[::-1])
