"""When a won deal closes: P(closes within the period of ``as_of`` | won).

Wins and losses do not close at the same speed, so the chance of *booking* a deal in the
period is ``P(won) × P(closes within the period | won)``. The second factor is learned on
won deals only, by the first of these that the history supports:

1. ``model`` — a logistic regression on won deals' snapshots in the training window,
   calibrated on the calibration window;
2. ``pooled`` — the same regression on every won snapshot of the history, all windows
   pooled (no separate calibration, no hold-out score);
3. ``quarterly`` (monthly periods only) — the pooled regression on "closes within a
   quarter", which has three times the positive cases, turned into a month by assuming a
   constant closing rate over the quarter (:class:`MonthFromQuarter`);
4. ``empirical`` — :class:`EmpiricalCloseTiming`: among won deals whose cycle was longer
   than this deal's age, the share that closed within the next period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["EmpiricalCloseTiming", "MonthFromQuarter"]


class EmpiricalCloseTiming:
    """P(closes within ``horizon_days`` | won, age) from won deals' cycle lengths.

    For a deal aged ``a`` days it is the share of won deals with a cycle longer than
    ``a`` whose cycle ended by ``a + horizon_days`` (with half a deal added to each side,
    so no age gets exactly 0 or 1). Past the age where fewer than ``min_deals`` won deals
    were still open, the value at that age is used.

    Parameters
    ----------
    horizon_days : float
        Length of the period (about 30.4 for a month, 91.3 for a quarter).
    min_deals : int
        Won deals needed at an age to estimate there.

    Examples
    --------
    >>> timing = EmpiricalCloseTiming(30).fit([10, 20, 40, 50, 80, 100], min_deals=2)
    >>> timing.predict_age([0, 35]).round(3).tolist()
    [0.357, 0.5]
    """

    def __init__(self, horizon_days: float):
        self.horizon_days = float(horizon_days)

    def fit(self, cycle_days, min_deals: int = 10) -> "EmpiricalCloseTiming":
        c = np.sort(np.asarray(cycle_days, dtype=float))
        c = c[np.isfinite(c)]
        if len(c) == 0:
            raise ValueError("EmpiricalCloseTiming needs at least one won deal's cycle length.")
        self.cycles_ = c
        self.min_deals_ = max(1, min(int(min_deals), len(c)))
        # the oldest age at which at least min_deals won deals were still open
        self.max_age_ = float(c[len(c) - self.min_deals_]) - 1e-9 if len(c) > 1 else 0.0
        return self

    def predict_age(self, age_days) -> np.ndarray:
        """The probability for each age (days since creation)."""
        a = np.clip(np.nan_to_num(np.asarray(age_days, dtype=float), nan=0.0), 0.0, max(self.max_age_, 0.0))
        c = self.cycles_
        at_risk = len(c) - np.searchsorted(c, a, side="right")
        closing = np.searchsorted(c, a + self.horizon_days, side="right") - np.searchsorted(c, a, side="right")
        return (closing + 0.5) / (at_risk + 1.0)

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        """Two scikit-learn-style columns from snapshot rows (their ``age_days``)."""
        p = self.predict_age(rows["age_days"].to_numpy())
        return np.column_stack([1 - p, p])


class MonthFromQuarter:
    """P(closes within a month) from a model of P(closes within a quarter).

    With a constant closing rate over the quarter, ``1 - P(month) = (1 - P(quarter)) ** (1/3)``.

    Examples
    --------
    >>> class Quarter:
    ...     def predict_proba(self, X):
    ...         return np.array([[0.125, 0.875]])
    >>> MonthFromQuarter(Quarter()).predict_proba(None)[:, 1].round(3).tolist()
    [0.5]
    """

    def __init__(self, quarter_model):
        self.quarter_model = quarter_model

    def predict_proba(self, X) -> np.ndarray:
        q = np.clip(self.quarter_model.predict_proba(X)[:, 1], 0.0, 1.0)
        p = 1.0 - (1.0 - q) ** (1.0 / 3.0)
        return np.column_stack([1 - p, p])
