"""Altair chart builders: pure functions that take result DataFrames and return charts.

Builders never display a chart and never recompute business numbers; they draw what
the computing modules returned. Tests check ``chart.to_dict()``, not pixels.
"""

from workbench.charts.forecast import backtest_accuracy_chart, calibration_chart, forecast_fan_chart  # noqa: E402,F401
