"""Forecasting: time-series forecasts with intervals, hierarchy, backtests and pipeline forecasts.

* :func:`forecast_entities` — sales data → entity forecasts with their backtest accuracy attached;
* :func:`sales_series` — KPI series per rep / team / region / company (via the KPI engine);
* :class:`Forecaster` — per-series model choice/combination with calibrated intervals;
* :func:`reconcile`, :func:`aggregate_hierarchy`, :func:`hierarchy_tags` — rep → team → region → company;
  :func:`coherence_table` checks that children add up to parents;
* :func:`evaluate`, :func:`summarize` and the metric functions in :mod:`workbench.forecast.metrics`;
* :class:`WinModel` — calibrated win probability of open deals with reasons (leakage guard, small-data
  fallbacks, notes); :func:`compare_win_models` against a HistGradientBoosting baseline;
* :func:`simulate_pipeline` — Monte Carlo bookings P10/P50/P90 and chance of reaching target;
* :func:`data_as_of` — the data as the CRM showed it at a past date;
* :func:`backtest_pipeline` — the pipeline forecast re-run at past snapshots against what was booked;
* :func:`forecast_headline`, :class:`HeadlineModel` — one forecast per entity combining the pipeline
  and run-rate views with weights learned on the backtest, with its interval and parts.


The names are imported on first use (PEP 562): a kept forecast read back from the results
cache (:mod:`workbench.memo`) needs neither statsforecast nor scikit-learn, so an app
visit to data opened before does not pay for loading them.
"""

from workbench.lazy import lazy_attributes

__all__ = [
    "Forecaster", "reconcile", "coherence_table", "aggregate_hierarchy", "hierarchy_tags", "summing_matrix",
    "evaluate", "summarize", "accuracy_by_cutoff", "mase", "wape", "bias", "coverage", "winkler", "crm_accuracy",
    "sales_series", "rep_groups", "forecast_entities", "EntityForecast",
    "WinModel", "calibration_table", "deal_snapshots", "simulate_pipeline", "compare_win_models",
    "expected_calibration_error",
    "data_as_of", "backtest_pipeline", "pipeline_scores", "HeadlineModel", "explain_views", "forecast_headline",
    "HeadlineForecast",
]

_LAZY = {
    "data_as_of": "workbench.forecast.as_of",
    "HeadlineModel": "workbench.forecast.headline", "explain_views": "workbench.forecast.headline",
    **dict.fromkeys(["aggregate_hierarchy", "coherence_table", "hierarchy_tags", "reconcile", "summing_matrix"],
                    "workbench.forecast.hierarchy"),
    **dict.fromkeys(["accuracy_by_cutoff", "bias", "coverage", "crm_accuracy", "evaluate", "mase", "summarize", "wape",
                     "winkler"], "workbench.forecast.metrics"),
    "HeadlineForecast": "workbench.forecast.outlook", "forecast_headline": "workbench.forecast.outlook",
    "backtest_pipeline": "workbench.forecast.pipeline_backtest", "pipeline_scores": "workbench.forecast.pipeline_backtest",
    "rep_groups": "workbench.forecast.series", "sales_series": "workbench.forecast.series",
    "simulate_pipeline": "workbench.forecast.simulation",
    "Forecaster": "workbench.forecast.timeseries",
    **dict.fromkeys(["WinModel", "calibration_table", "compare_win_models", "deal_snapshots",
                     "expected_calibration_error"], "workbench.forecast.win"),
    "EntityForecast": "workbench.forecast.workflow", "forecast_entities": "workbench.forecast.workflow",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
