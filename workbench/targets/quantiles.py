"""Targets read off a forecast distribution: the quantile for a chance of attainment, and back.

A target proposed at attainment probability ``p`` is the forecast's ``1 - p`` quantile, so
``P(actual >= target) = p``. The :class:`~workbench.forecast.Forecaster` gives the point (its
median) and central intervals calibrated on validation errors; the ``1 - p`` quantile is the
lower bound of the central ``(2p - 1)`` interval when ``p > 0.5`` and the upper bound of the
``(1 - 2p)`` interval when ``p < 0.5``.

Examples
--------
>>> interval_level(0.8), quantile_column(0.8), quantile_column(0.3), quantile_column(0.5)
(60, 'forecast-lo-60', 'forecast-hi-40', 'forecast')
>>> import pandas as pd
>>> row = pd.DataFrame({"forecast": [100.0], "forecast-lo-80": [60.0], "forecast-hi-80": [140.0]})
>>> attainment_probability(row, [60.0]).round(3).tolist()   # the 10% quantile: met 90% of the time
[0.9]
>>> attainment_probability(row, [120.0]).round(3).tolist()  # halfway between the median and the 90% quantile
[0.3]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.params import check_param

__all__ = ["interval_level", "quantile_column", "attainment_probability", "check_probability"]


def check_probability(owner: str, probability) -> float:
    """``probability`` as a float in [0.01, 0.99] whose interval level is a whole percent, else ValueError."""
    ok = isinstance(probability, (int, float, np.floating)) and 0.01 <= float(probability) <= 0.99
    check_param(owner, "probability", probability, "a number between 0.01 and 0.99 (the chance of attainment)", ok)
    return float(probability)


def interval_level(probability: float) -> int:
    """The central interval level (percent) whose bound is the ``1 - probability`` quantile (0 = the median)."""
    return int(round(abs(2 * float(probability) - 1) * 100))


def quantile_column(probability: float, alias: str = "forecast") -> str:
    """The Forecaster column holding the ``1 - probability`` quantile."""
    level = interval_level(probability)
    if level == 0:
        return alias
    return f"{alias}-lo-{level}" if probability > 0.5 else f"{alias}-hi-{level}"


def _quantile_points(forecast: pd.DataFrame, alias: str = "forecast") -> list[tuple[float, str]]:
    """``(quantile, column)`` pairs available in a Forecaster frame, sorted by quantile."""
    points = [(0.5, alias)]
    for column in forecast.columns:
        m = re.fullmatch(re.escape(alias) + r"-(lo|hi)-(\d+)", str(column))
        if m:
            level = int(m.group(2)) / 100
            points.append(((1 - level) / 2 if m.group(1) == "lo" else (1 + level) / 2, column))
    return sorted(points)


def attainment_probability(forecast: pd.DataFrame, targets, alias: str = "forecast", *,
                           ties: str = "lowest") -> np.ndarray:
    """``P(actual >= target)`` per row of a Forecaster frame, interpolating its quantiles linearly.

    Beyond the outermost bounds the chance is reported as that bound's (e.g. at most 97.5 %
    with a 95 % interval): the forecast says no more than that. Where several quantiles share
    a value (bounds clipped at 0), a target at that value is read at the ``lowest`` of them
    (``P(actual >= 0)`` is the highest chance); ``ties="highest"`` reads the highest, which is
    the largest quantile level a target can have and still be met by that actual
    (:func:`workbench.targets.calibration.pit_values`).
    """
    points = _quantile_points(forecast, alias)
    qs = np.array([q for q, _ in points])
    values = forecast[[c for _, c in points]].to_numpy(dtype=float)
    targets = np.asarray(targets, dtype=float)
    out = np.empty(len(targets))
    for i, (row, target) in enumerate(zip(values, targets)):
        order = np.argsort(row, kind="stable")
        xs, ys = np.maximum.accumulate(row[order]), qs[order]
        if np.all(xs == xs[0]):  # a degenerate distribution (e.g. all-zero history)
            out[i] = 1.0 if target <= xs[0] else 1.0 - qs[-1]
            continue
        if ties == "highest":
            rx, last = np.unique(xs[::-1], return_index=True)
            pick = len(xs) - 1 - last
        else:
            rx, pick = np.unique(xs, return_index=True)
        out[i] = 1.0 - float(np.interp(target, rx, ys[pick]))
    return out


def quantile_at(forecast: pd.DataFrame, quantile, alias: str = "forecast") -> np.ndarray:
    """The forecast's ``quantile`` (0-1, a scalar or one per row) per row, interpolating its quantiles linearly.

    Within the outermost bounds only (a quantile beyond them is read at that bound).

    >>> row = pd.DataFrame({"forecast": [100.0], "forecast-lo-80": [60.0], "forecast-hi-80": [140.0]})
    >>> quantile_at(row, 0.3).round(3).tolist()
    [80.0]
    """
    points = _quantile_points(forecast, alias)
    qs = np.array([q for q, _ in points])
    values = np.sort(forecast[[c for _, c in points]].to_numpy(dtype=float), axis=1)
    taus = np.broadcast_to(np.asarray(quantile, dtype=float), (len(values),))
    return np.array([float(np.interp(t, qs, row)) for t, row in zip(taus, values)])
