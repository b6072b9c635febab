"""Every app panel escapes data once: script payloads in every text field show as text.

The panels run on the hostile case ``html-script-payloads`` (:mod:`tests.hostile.html_cases`):
each ``widgets.HTML`` value of a panel is parsed as a browser would, and must hold only the
markup the package writes (no ``<script>``, ``<img>``, ``<svg>``, ``<iframe>``, no ``on…``
attribute), with the payloads in its text exactly as typed (not escaped twice).
"""

from __future__ import annotations

from html.parser import HTMLParser

import ipywidgets as widgets
import pytest

from tests.apps.language import open_every_tab
from tests.hostile.html_cases import PAYLOADS, hostile_tables
from workbench import load

#: The tags the panels write.
ALLOWED_TAGS = {"div", "span", "b", "i", "p", "h3", "h4", "br", "small", "table", "thead", "tbody", "tr", "th",
                "td", "details", "summary", "ul", "li"}


class _Markup(HTMLParser):
    """Tags, attributes and text of an HTML fragment, parsed as a browser would."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.handlers, self.texts = [], [], []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data):
        self.texts.append(data)


def _html_widgets(widget):
    if isinstance(widget, widgets.HTML):
        yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _html_widgets(child)


def shown_text(panel) -> str:
    """The text of every HTML widget of ``panel``, after asserting it holds only the package's markup.

    Every tab of the panel is opened first (a tab is drawn when it is opened), then the one open before again.
    """
    open_every_tab(panel)
    texts = []
    for widget in _html_widgets(panel):
        parsed = _Markup(widget.value or "")
        assert set(parsed.tags) <= ALLOWED_TAGS, (set(parsed.tags) - ALLOWED_TAGS, widget.value[:300])
        assert parsed.handlers == [], widget.value[:300]
        text = "".join(parsed.texts)
        assert "&lt;" not in text and "&amp;" not in text and "&#" not in text, text[:300]  # escaped once
        texts.append(text)
    return "\n".join(texts)


@pytest.fixture(scope="module")
def hostile():
    tables, replaced = hostile_tables()
    return load(tables), replaced


@pytest.fixture(scope="module")
def diagnosis_panel(hostile):
    from workbench.apps import TeamDiagnosis

    return TeamDiagnosis(hostile[0])


def test_error_box_shows_a_hostile_message_as_text():
    from workbench.apps.common import ErrorBox

    box = ErrorBox()
    box.show(ValueError(PAYLOADS["team"]))
    assert "ValueError: " + PAYLOADS["team"] in shown_text(box)
    box.show(PAYLOADS["name"])
    assert shown_text(box) == PAYLOADS["name"]


def test_html_table_escapes_headers_index_and_cells_once():
    import pandas as pd

    from workbench.apps.common import html_table

    frame = pd.DataFrame({PAYLOADS["region"]: [PAYLOADS["product"]], "Amount": ["1 < 2 & 3"]},
                         index=pd.Index([PAYLOADS["rep_id"]], name=PAYLOADS["team"]))
    text = shown_text(widgets.HTML(html_table(frame, css_class='x" onclick="alert(1)', numeric={"Amount"})))
    for field in ("region", "product", "rep_id", "team"):
        assert PAYLOADS[field] in text
    assert "1 < 2 & 3" in text


def test_kpi_scorecard_shows_hostile_ids_teams_and_regions_as_text(hostile):
    from workbench.apps import KpiScorecard

    data, _ = hostile
    panel = KpiScorecard(data)
    for by, field in [("rep", "rep_id"), ("team", "team"), ("region", "region")]:
        panel.by = by
        assert panel.error.value == ""
        assert PAYLOADS[field] in shown_text(panel)


def test_team_diagnosis_shows_a_hostile_team_and_rep_as_text(diagnosis_panel):
    panel = diagnosis_panel
    panel.team, panel.rep = "", ""
    text = shown_text(panel)
    assert panel.error.value == ""
    assert PAYLOADS["team"] in text  # the team table
    panel.team = PAYLOADS["team"]
    assert f"Team {PAYLOADS['team']} · " in shown_text(panel)  # the summary's <h3>
    panel.rep = PAYLOADS["rep_id"]
    assert f"Rep {PAYLOADS['rep_id']} · " in shown_text(panel)
    assert panel.error.value == ""
    panel.tabs.selected_index = 3  # the tabs are drawn when opened
    competition = "".join(_Markup(panel.competition_table.value).texts)
    assert all(PAYLOADS[field] in competition for field in ("competitor", "product", "region"))
    panel.tabs.selected_index = 2
    assert PAYLOADS["product"] in "".join(_Markup(panel.opportunities_table.value).texts)
    panel.tabs.selected_index = 0
    for lang in ("zh", "en"):
        panel.lang = lang
        shown_text(panel)


def test_team_diagnosis_chart_note_shows_a_hostile_exception_as_text(diagnosis_panel, monkeypatch):
    from workbench.charts import diagnose as diagnose_charts

    def refuse(*args, **kwargs):
        raise ValueError(f"No deals for {PAYLOADS['rep_id']} in the window")

    panel = diagnosis_panel
    panel.team, panel.rep = "", ""
    panel._selections.clear()  # the rep's charts kept by the test before are drawn again
    monkeypatch.setattr(diagnose_charts, "driver_waterfall", refuse)
    panel.rep = PAYLOADS["rep_id"]
    assert f"No deals for {PAYLOADS['rep_id']} in the window" in shown_text(panel.chart_note)


def test_coaching_panel_shows_hostile_teams_reps_and_titles_as_text(hostile):
    from workbench.apps import CoachingPanel

    data, _ = hostile
    panel = CoachingPanel(data)
    assert panel.error.value == ""
    text = shown_text(panel)
    assert PAYLOADS["title"] in text  # the training effectiveness table lists every module
    panel.team = PAYLOADS["team"]
    panel.rep = PAYLOADS["rep_id"]
    assert panel.error.value == ""
    assert PAYLOADS["rep_id"] in shown_text(panel)


def test_forecast_outlook_shows_a_hostile_team_and_its_deals_as_text():
    from workbench.apps import ForecastOutlook

    tables, _ = hostile_tables(n_reps=8, months=18)  # one team: every forecast is of the hostile team
    panel = ForecastOutlook(load(tables), n_windows=1, n_sims=200, snapshots=2)
    assert panel.entity == PAYLOADS["team"]
    text = shown_text(panel)
    assert f"{PAYLOADS['team']} · " in text  # the status line and the headline
    assert PAYLOADS["product"] in "".join(_Markup(panel.deals_html.value).texts)  # the deals' top factors


def test_targets_whatif_shows_hostile_teams_reps_and_regions_as_text(hostile):
    from workbench.apps import TargetsWhatIf

    data, _ = hostile
    panel = TargetsWhatIf(data, shock_sd=0.3, n_sims=200)
    assert panel.error.value == ""
    panel.team = PAYLOADS["team"]
    assert panel.error.value == ""
    text = shown_text(panel)
    assert PAYLOADS["team"] in text and PAYLOADS["rep_id"] in text  # the headline and the scope's reps
