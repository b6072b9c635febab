"""Win-probability model for open deals (kept as the import path of earlier releases).

The code lives in :mod:`workbench.forecast.win`; this module re-exports its public names.
"""

from workbench.forecast.win import (
    CATEGORICAL_FEATURES, NUMERIC_FEATURES, WinModel, calibration_table, compare_win_models, deal_snapshots,
    expected_calibration_error, find_leaks,
)

__all__ = ["WinModel", "deal_snapshots", "calibration_table", "expected_calibration_error", "find_leaks",
           "compare_win_models", "NUMERIC_FEATURES", "CATEGORICAL_FEATURES"]
