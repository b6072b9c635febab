"""The win model against a HistGradientBoosting baseline on the same snapshots.

:func:`compare_win_models` fits :class:`~workbench.forecast.win.model.WinModel`, then a
``HistGradientBoostingClassifier`` on exactly the same training snapshots and features
(with native categorical support, free to learn any non-linear shape and interaction),
calibrated the same way on the same calibration window, and scores both on the same
hold-out snapshots: AUC, Brier score and expected calibration error.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

from workbench.forecast.win.calibration import CalibratedWinModel, expected_calibration_error, fit_calibration_map
from workbench.forecast.win.model import NUMERIC_FEATURES, WinModel

__all__ = ["compare_win_models", "hgb_baseline"]


def hgb_baseline(numeric, categorical, seed: int = 0):
    """The HistGradientBoosting pipeline used as the baseline (categoricals encoded natively)."""
    encode = ColumnTransformer([("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                                       encoded_missing_value=np.nan), list(categorical))],
                               remainder="passthrough", verbose_feature_names_out=False)
    encode.set_output(transform="pandas")
    return make_pipeline(encode, HistGradientBoostingClassifier(categorical_features=list(categorical),
                                                                random_state=seed))


def _scores(y, p) -> dict:
    if len(y) == 0:
        return {"auc": np.nan, "brier": np.nan, "ece": np.nan}
    auc = float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else np.nan
    return {"auc": auc, "brier": float(brier_score_loss(y, p)), "ece": expected_calibration_error(y, p)}


def compare_win_models(data, freq: str = "M", *, seed: int = 0, **params) -> pd.DataFrame:
    """Hold-out AUC, Brier and calibration error of the win model and a HistGradientBoosting baseline.

    Parameters
    ----------
    data : SalesData, dict of DataFrames or path
        Sales data with ``opportunities`` (and ideally ``stage_history`` and ``activities``).
    freq : {"M", "Q"}
        Passed to :class:`~workbench.forecast.win.model.WinModel`.
    seed : int
        Seed of the baseline.
    **params
        Other :class:`~workbench.forecast.win.model.WinModel` parameters.

    Returns
    -------
    DataFrame
        One row per model (``win_model``, ``hist_gradient_boosting``, ``stage_only``):
        ``model, auc, brier, ece, n`` (hold-out snapshots), ``deals`` (hold-out deals) and
        ``fit_seconds``. Scores are NaN when the history left no room for a hold-out window.
        ``attrs["notes"]`` holds the win model's notes.
    """
    start = time.perf_counter()
    win = WinModel(freq=freq, **params).fit(data)
    win_seconds = time.perf_counter() - start
    train, cal, test = win._design["train"], win._design["cal"], win._design["test"]
    y_test = (test["outcome"] == "won").astype(int).to_numpy()
    leaks = set(win.leaks_["feature"]) if win.leakage == "drop" else set()
    numeric = [f for f in NUMERIC_FEATURES if f not in leaks and train[f].notna().any()]
    categorical = [f for f in win.categorical_]
    feats = numeric + categorical
    start = time.perf_counter()
    hgb = hgb_baseline(numeric, categorical, seed).fit(train[feats], (train["outcome"] == "won").astype(int))
    if len(cal):
        raw = hgb.predict_proba(cal[feats])[:, 1]
        method = win.calibration_method_.split(" ")[0]
        hgb = CalibratedWinModel(hgb, fit_calibration_map(raw, (cal["outcome"] == "won").astype(int), method), method)
    hgb_seconds = time.perf_counter() - start
    rows = [{"model": "win_model", **_scores(y_test, win.test_predictions_["p_won"].to_numpy()),
             "fit_seconds": win_seconds},
            {"model": "hist_gradient_boosting",
             **_scores(y_test, hgb.predict_proba(test[feats])[:, 1] if len(test) else []),
             "fit_seconds": hgb_seconds},
            {"model": "stage_only", **_scores(y_test, win.test_predictions_["p_won_stage_only"].to_numpy()),
             "fit_seconds": np.nan}]
    out = pd.DataFrame(rows)
    out.insert(4, "n", len(test))
    out.insert(5, "deals", int(test["opportunity_id"].nunique()) if len(test) else 0)
    out.attrs["notes"], out.attrs["notes_zh"] = list(win.notes_), list(win.notes_zh_)
    return out
