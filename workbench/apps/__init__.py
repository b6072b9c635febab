"""ipywidgets panels behind the Voila apps in ``apps/``.

Each app notebook is a few cells that import a panel from here, connect it to data
and display it; all behaviour lives in these classes so it can be tested without a
browser.
"""

from workbench.apps.common import ErrorBox, chart_widget, default_data_source
from workbench.apps.kpi_scorecard import KpiScorecard
from workbench.apps.team_diagnosis import TeamDiagnosis

__all__ = ["ErrorBox", "KpiScorecard", "TeamDiagnosis", "chart_widget", "default_data_source"]
