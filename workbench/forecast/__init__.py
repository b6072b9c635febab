"""Forecasting: time-series forecasts with intervals, hierarchy, backtests and pipeline forecasts."""

from workbench.forecast.timeseries import Forecaster

__all__ = ["Forecaster"]
