"""ipywidgets panels behind the Voila apps in ``apps/``.

Each app notebook is a few cells that import a panel from here, connect it to data
and display it; all behaviour lives in these classes so it can be tested without a
browser. :class:`ForecastOutlook` is imported on first use, so apps that do not
forecast do not pay for loading the forecasting libraries.
"""

from workbench.apps.common import ErrorBox, chart_widget, default_data_source
from workbench.apps.kpi_scorecard import KpiScorecard

__all__ = ["ErrorBox", "ForecastOutlook", "KpiScorecard", "chart_widget", "default_data_source"]


def __getattr__(name):
    if name == "ForecastOutlook":
        from workbench.apps.forecast_outlook import ForecastOutlook

        return ForecastOutlook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
