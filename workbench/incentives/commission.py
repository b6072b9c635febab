"""The commission arithmetic on arrays: one rate schedule, applied to actuals and to draws alike.

:func:`commission` takes bookings and targets of any shape (one value per rep, or reps ×
simulated draws) and returns the commission per band of the plan's schedule, the
threshold gate and the payout cap. :mod:`workbench.incentives.payout` explains the same
numbers line by line; :mod:`workbench.incentives.simulate` runs them over draws.

Examples
--------
>>> import numpy as np
>>> from workbench.incentives.plan import plan_from_dict
>>> plan = plan_from_dict({"tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "rate": 0.08}],
...                        "threshold": 0.5, "cap": {"payout": 4000.0}})
>>> c = commission(plan, np.array([20_000.0, 60_000.0, 66_000.0, 120_000.0]), np.array([60_000.0] * 4))
>>> c.before_cap.tolist(), c.total.tolist()
([0.0, 3000.0, 3480.0, 7800.0], [0.0, 3000.0, 3480.0, 4000.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.incentives.plan import CommissionPlan, Segment
from workbench.kpi.targets import attainment as kpi_attainment

__all__ = ["Commission", "commission"]


@dataclass(frozen=True)
class Commission:
    """Commission arrays, all of the shape of the bookings given.

    Attributes
    ----------
    attainment : ndarray
        bookings / target (NaN where the target is missing or not positive).
    segments : list of Segment
        The plan's rate schedule.
    bands : ndarray
        Bookings (currency) falling in each band of the schedule (segments first).
    by_segment : ndarray
        Commission earned in each band, before the threshold and the cap (segments first).
    paid : ndarray of bool
        Whether the threshold is reached (False where attainment is missing).
    before_cap : ndarray
        Sum over bands where the threshold is reached, else 0.
    total : ndarray
        ``before_cap`` after the payout cap. Both are rounded to cents.
    """

    attainment: np.ndarray
    segments: list
    bands: np.ndarray
    by_segment: np.ndarray
    paid: np.ndarray
    before_cap: np.ndarray
    total: np.ndarray

    @property
    def capped(self) -> np.ndarray:
        """Where the payout cap cut the commission."""
        return self.total < self.before_cap


def commission(plan: CommissionPlan, bookings, target) -> Commission:
    """Commission for bookings against targets under ``plan`` (vectorised; any shape).

    Parameters
    ----------
    plan : CommissionPlan
    bookings : array-like
        Bookings of the period (actual, or simulated draws).
    target : array-like
        The period's target, broadcastable to ``bookings`` (e.g. shape ``(n_reps, 1)``
        against draws of shape ``(n_reps, n_draws)``).

    Returns
    -------
    Commission
    """
    bookings = np.asarray(bookings, dtype=float)
    target = np.broadcast_to(np.asarray(target, dtype=float), bookings.shape)
    attained = np.asarray(kpi_attainment(bookings, target), dtype=float).reshape(bookings.shape)
    # targets spread by day (workbench.kpi.targets) carry float noise: 60,000 a quarter comes back as
    # 59,999.999999…; attainment is compared at 1e-9 so that exactly 100 % (or the threshold) counts
    attained = np.round(attained, 9)
    segments: list[Segment] = plan.schedule()
    bands = np.zeros((len(segments), *bookings.shape))
    known = ~np.isnan(attained)
    safe_attainment = np.where(known, attained, 0.0)
    safe_target = np.where(known, target, 0.0)
    for i, segment in enumerate(segments):
        width = np.clip(safe_attainment - segment.start, 0.0, segment.end - segment.start)
        bands[i] = width * safe_target
    by_segment = bands * np.array([s.rate for s in segments]).reshape((-1,) + (1,) * bookings.ndim)
    paid = known & (safe_attainment >= plan.threshold)
    before_cap = np.where(paid, np.round(by_segment.sum(axis=0), 2), 0.0)  # money, in cents
    cap = plan.cap.payout if plan.cap is not None and plan.cap.payout is not None else np.inf
    return Commission(attained, segments, bands, by_segment, paid, before_cap, np.minimum(before_cap, cap))
