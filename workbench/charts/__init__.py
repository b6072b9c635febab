"""Altair chart builders: pure functions that take result DataFrames and return charts.

Builders never display a chart and never recompute business numbers; they draw what
the computing modules returned. Tests check ``chart.to_dict()``, not pixels.

In a notebook, ``workbench.charts.offline()`` (first cell) makes every chart draw with no
network, also in an HTML export (:mod:`workbench.charts.renderer`).

Each builder's module is imported on first use (``from workbench.charts import kpi_trend_chart``
loads only ``workbench.charts.kpi``), so an app does not pay for the libraries behind another
capability's charts (the diagnosis charts pull in the statistics stack).

Importing this package defers the IRI grammar that Altair's schema library would otherwise
build on import and no chart uses (:mod:`workbench.charts.schema_formats`): every chart
module is imported after it.
"""

import importlib

from workbench.charts.schema_formats import defer_iri_grammar

defer_iri_grammar()

#: Public name -> the module that defines it.
_BUILDERS = {
    "kpi_bar_chart": "kpi",
    "kpi_trend_chart": "kpi",
    "forecast_fan_chart": "forecast",
    "backtest_accuracy_chart": "forecast",
    "calibration_chart": "forecast",
    "driver_waterfall": "diagnose",
    "follow_up_curve": "diagnose",
    "funnel_vs_peers": "diagnose",
    "skill_heatmap_chart": "coaching",
    "plan_chart": "coaching",
    "effectiveness_chart": "coaching",
    "review_trend_chart": "review",
    "whatif_fan": "targets",
    "offline": "renderer",
    "stuck_deals_chart": "diagnose",
}

__all__ = list(_BUILDERS)


def __getattr__(name):
    if name in _BUILDERS:
        return getattr(importlib.import_module(f"workbench.charts.{_BUILDERS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_BUILDERS])
