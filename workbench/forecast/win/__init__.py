"""The win-probability model of open deals and its parts.

* :class:`WinModel` — calibrated P(won) and P(closes within the period | won), with reasons;
* :func:`deal_snapshots` — point-in-time feature rows of deals;
* :func:`find_leaks` — features that alone separate won from lost (the leakage guard);
* :func:`calibration_table`, :func:`expected_calibration_error` — calibration checks;
* :func:`compare_win_models` — the win model against a HistGradientBoosting baseline on the
  same snapshots.
"""

from workbench.forecast.win.calibration import calibration_table, expected_calibration_error
from workbench.forecast.win.close_timing import EmpiricalCloseTiming, MonthFromQuarter
from workbench.forecast.win.compare import compare_win_models
from workbench.forecast.win.features import add_cycle_features, cycle_norms
from workbench.forecast.win.leakage import find_leaks
from workbench.forecast.win.model import CATEGORICAL_FEATURES, NUMERIC_FEATURES, WinModel
from workbench.forecast.win.snapshots import deal_snapshots

__all__ = ["WinModel", "deal_snapshots", "find_leaks", "calibration_table", "expected_calibration_error",
           "compare_win_models", "EmpiricalCloseTiming", "MonthFromQuarter", "cycle_norms", "add_cycle_features",
           "NUMERIC_FEATURES", "CATEGORICAL_FEATURES"]
