"""ipywidgets panels behind the Voila apps in ``apps/``.

Each app notebook imports a panel from here and shows it with :func:`app`, which puts
the data-source picker (sample data, a folder, an upload) above the panel and rebuilds
the panel when the data changes; all behaviour lives in these classes so it can be
tested without a browser. The panels (:class:`KpiScorecard`, :class:`ForecastOutlook`, :class:`TeamDiagnosis`,
:class:`CoachingPanel`, :class:`TargetsWhatIf`) are imported on first use, so an app does not pay for loading the
libraries only another app needs; the chart library (Altair) is imported by the first chart drawn.
"""

from workbench.apps.common import ErrorBox, chart_widget, default_data_source
from workbench.apps.data_source import DataApp, DataSourcePicker, app
from workbench.lazy import lazy_attributes

__all__ = ["CoachingPanel", "DataApp", "DataSourcePicker", "ErrorBox", "ForecastOutlook", "KpiScorecard",
           "TargetsWhatIf", "TeamDiagnosis", "app", "chart_widget", "default_data_source"]

_LAZY = {
    "CoachingPanel": "workbench.apps.coaching",
    "ForecastOutlook": "workbench.apps.forecast_outlook",
    "KpiScorecard": "workbench.apps.kpi_scorecard",
    "TargetsWhatIf": "workbench.apps.targets_whatif",
    "TeamDiagnosis": "workbench.apps.team_diagnosis",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
