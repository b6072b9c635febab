"""The win-probability model of open deals and its parts.

* :class:`WinModel` — calibrated P(won) and P(closes within the period | won), with reasons;
* :func:`deal_snapshots` — point-in-time feature rows of deals;
* :func:`find_leaks` — features that alone separate won from lost (the leakage guard);
* :func:`calibration_table`, :func:`expected_calibration_error` — calibration checks;
* :func:`compare_win_models` — the win model against a HistGradientBoosting baseline on the
  same snapshots.

The names are imported on first use (PEP 562), so reading kept scored deals back from the
results cache does not load scikit-learn.
"""

from workbench.lazy import lazy_attributes

__all__ = ["WinModel", "deal_snapshots", "find_leaks", "calibration_table", "expected_calibration_error",
           "compare_win_models", "EmpiricalCloseTiming", "MonthFromQuarter", "cycle_norms", "add_cycle_features",
           "NUMERIC_FEATURES", "CATEGORICAL_FEATURES"]


_LAZY = {
    "calibration_table": "workbench.forecast.win.calibration",
    "expected_calibration_error": "workbench.forecast.win.calibration",
    "EmpiricalCloseTiming": "workbench.forecast.win.close_timing", "MonthFromQuarter": "workbench.forecast.win.close_timing",
    "compare_win_models": "workbench.forecast.win.compare",
    "add_cycle_features": "workbench.forecast.win.features", "cycle_norms": "workbench.forecast.win.features",
    "find_leaks": "workbench.forecast.win.leakage",
    "CATEGORICAL_FEATURES": "workbench.forecast.win.model", "NUMERIC_FEATURES": "workbench.forecast.win.model",
    "WinModel": "workbench.forecast.win.model",
    "deal_snapshots": "workbench.forecast.win.snapshots",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
