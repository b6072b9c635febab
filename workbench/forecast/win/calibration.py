"""How well predicted win probabilities match what happened, and the maps that fix them.

* :func:`calibration_table` — observed win rate against predicted probability per bin;
* :func:`expected_calibration_error` — the weighted mean gap of that table (one number);
* :class:`CalibratedWinModel` — a fitted model whose probabilities go through a monotone
  map (isotonic or sigmoid) learned on other deals than the ones it was trained on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

__all__ = ["calibration_table", "expected_calibration_error", "CalibratedWinModel", "fit_calibration_map"]


def calibration_table(y_true, p_pred, n_bins: int = 10, sample_weight=None) -> pd.DataFrame:
    """Observed win rate against predicted probability in equal-width bins.

    >>> calibration_table([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3], n_bins=2)[["n", "mean_predicted", "observed"]]
       n  mean_predicted  observed
    0  2            0.20       0.0
    1  2            0.85       1.0
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p_pred, dtype=float)
    w = np.ones_like(p) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    bins = np.clip((p * n_bins).astype(int), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        m = bins == b
        if not m.any():
            continue
        rows.append({"bin": f"{b / n_bins:.1f}-{(b + 1) / n_bins:.1f}", "n": int(m.sum()),
                     "mean_predicted": float(np.average(p[m], weights=w[m])),
                     "observed": float(np.average(y[m], weights=w[m]))})
    return pd.DataFrame(rows, columns=["bin", "n", "mean_predicted", "observed"])


def expected_calibration_error(y_true, p_pred, n_bins: int = 10) -> float:
    """Expected calibration error: mean ``|observed - predicted|`` over the bins, weighted by deals.

    The bins are those of :func:`calibration_table`; 0 is perfect, and 0.03 means the
    predictions are off by 3 percentage points on average. NaN without predictions.

    Examples
    --------
    Bin 0.0-0.5 holds 0.1 and 0.3 (mean 0.2, observed 0/2 = 0), bin 0.5-1.0 holds 0.8 and
    0.9 (mean 0.85, observed 1/2 = 0.5): (2 × 0.2 + 2 × 0.35) / 4 = 0.275.

    >>> round(expected_calibration_error([0, 0, 1, 0], [0.1, 0.3, 0.8, 0.9], n_bins=2), 3)
    0.275
    """
    table = calibration_table(y_true, p_pred, n_bins=n_bins)
    if table.empty:
        return float("nan")
    gap = (table["observed"] - table["mean_predicted"]).abs()
    return float(np.average(gap, weights=table["n"]))


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_calibration_map(p, y, method: str):
    """A monotone map from raw to calibrated probabilities, fitted on ``(p, y)``.

    ``method`` is ``"isotonic"``, ``"sigmoid"`` (Platt scaling on the log-odds) or
    ``"none"`` (identity). Returns a function of an array of probabilities.

    >>> f = fit_calibration_map([0.2, 0.4, 0.6, 0.8], [0, 0, 1, 1], "isotonic")
    >>> f([0.3, 0.7]).tolist()
    [0.0, 1.0]
    """
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=int)
    if method == "none" or len(np.unique(y)) < 2:
        return _CalibrationMap("none", None)
    if method == "isotonic":
        return _CalibrationMap("isotonic", IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y))
    return _CalibrationMap("sigmoid", LogisticRegression(C=1e4).fit(_logit(p)[:, None], y))


class _CalibrationMap:
    """The fitted map of :func:`fit_calibration_map`: a function object, so a fitted model can be stored."""

    def __init__(self, method: str, estimator):
        self.method, self.estimator = method, estimator

    def __call__(self, q) -> np.ndarray:
        q = np.asarray(q, dtype=float)
        if self.method == "none":
            return q
        if self.method == "isotonic":
            return self.estimator.predict(q)
        return self.estimator.predict_proba(_logit(q)[:, None])[:, 1]


class CalibratedWinModel:
    """A fitted classifier followed by a calibration map (from :func:`fit_calibration_map`).

    ``predict_proba`` has the scikit-learn shape (two columns), so it drops in where the
    uncalibrated model was used.
    """

    def __init__(self, model, mapping, method: str):
        self.model = model
        self.mapping = mapping
        self.method = method

    def predict_proba(self, X) -> np.ndarray:
        p = np.clip(self.mapping(self.model.predict_proba(X)[:, 1]), 0.0, 1.0)
        return np.column_stack([1 - p, p])
