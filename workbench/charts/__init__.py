"""Altair chart builders: pure functions that take result DataFrames and return charts.

Builders never display a chart and never recompute business numbers; they draw what
the computing modules returned. Tests check ``chart.to_dict()``, not pixels.

In a notebook, ``workbench.charts.offline()`` (first cell) makes every chart draw with no
network, also in an HTML export (:mod:`workbench.charts.renderer`).
"""

from workbench.charts.coaching import effectiveness_chart, plan_chart, skill_heatmap_chart
from workbench.charts.diagnose import driver_waterfall, follow_up_curve, funnel_vs_peers
from workbench.charts.forecast import backtest_accuracy_chart, calibration_chart, forecast_fan_chart
from workbench.charts.kpi import kpi_bar_chart, kpi_trend_chart
from workbench.charts.renderer import offline
from workbench.charts.review import review_trend_chart
from workbench.charts.targets import whatif_fan

__all__ = [
    "kpi_bar_chart",
    "kpi_trend_chart",
    "forecast_fan_chart",
    "backtest_accuracy_chart",
    "calibration_chart",
    "driver_waterfall",
    "follow_up_curve",
    "funnel_vs_peers",
    "skill_heatmap_chart",
    "plan_chart",
    "effectiveness_chart",
    "review_trend_chart",
    "whatif_fan",
    "offline",
]
