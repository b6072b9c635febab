"""Forecasting: time-series forecasts with intervals, hierarchy, backtests and pipeline forecasts.

* :class:`Forecaster` — per-series model choice/combination with calibrated intervals;
* :func:`reconcile`, :func:`aggregate_hierarchy`, :func:`hierarchy_tags` — rep → team → region → company;
* :func:`evaluate`, :func:`summarize` and the metric functions in :mod:`workbench.forecast.metrics`;
* :class:`WinModel` — calibrated win probability of open deals with reasons;
* :func:`simulate_pipeline` — Monte Carlo bookings P10/P50/P90 and chance of reaching target.
"""

from workbench.forecast.hierarchy import aggregate_hierarchy, hierarchy_tags, reconcile, summing_matrix
from workbench.forecast.metrics import bias, coverage, crm_accuracy, evaluate, mase, summarize, wape, winkler
from workbench.forecast.pipeline import WinModel, calibration_table, deal_snapshots
from workbench.forecast.simulation import simulate_pipeline
from workbench.forecast.timeseries import Forecaster

__all__ = [
    "Forecaster", "reconcile", "aggregate_hierarchy", "hierarchy_tags", "summing_matrix",
    "evaluate", "summarize", "mase", "wape", "bias", "coverage", "winkler", "crm_accuracy",
    "WinModel", "calibration_table", "deal_snapshots", "simulate_pipeline",
]
