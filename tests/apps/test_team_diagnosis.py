"""The team diagnosis panel, driven through its traitlets without a browser."""

from __future__ import annotations

import html
import re

import pytest

from workbench import DataError, load
from workbench.apps import TeamDiagnosis
from workbench.sample import generate_sample

# 20 reps make two teams (12 would all sit in one team, leaving the team filter untested)
N_REPS, MONTHS, SEED = 20, 24, 3


@pytest.fixture(scope="module")
def data():
    tables = generate_sample(n_reps=N_REPS, months=MONTHS, seed=SEED)
    return load({name: frame for name, frame in tables.items() if name != "planted_drivers"})


@pytest.fixture(scope="module")
def panel(data):
    """One panel for the module (the diagnosis is computed once); tests reset the selection."""
    return TeamDiagnosis(data)


@pytest.fixture
def fresh(panel):
    panel.lang = "en"
    panel.team = ""
    panel.rep = ""
    panel.tabs.selected_index = 0
    return panel


def _rows(table_html: str) -> list[list[str]]:
    """Cell texts of the body rows of an HTML table written by ``workbench.apps.common.html_table``."""
    if "<tbody>" not in table_html:
        return []
    body = table_html.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [html.unescape(cell.strip()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def _evidence_cells(panel) -> list[str]:
    return [row[-1] for row in _rows(panel.table.value)]


def test_first_render_shows_the_newest_period_for_everyone(fresh, data):
    panel = fresh
    assert panel.error.value == ""
    assert panel.period == panel.period_picker.options[0] == "2026-Q3"
    findings = panel.diagnosis.findings
    assert len(findings) > 0
    assert len(_rows(panel.table.value)) == len(findings)
    assert "Company" in panel.summary.value
    assert "wb-team-table" in panel.summary.value
    assert panel.waterfall is None or panel.charts.children == ()
    assert "window" in panel.status.value and "up to 2026-Q3" in panel.status.value
    titles = [panel.tabs.get_title(i) for i in range(4)]
    assert titles == ["Findings", "Stuck deals", "Market opportunities", "Competition"]
    assert panel.stuck_table.value == ""  # drawn when its tab is opened
    panel.tabs.selected_index = 1
    stuck = panel.selection.stuck_deals
    assert len(stuck) > 0  # open deals in their stage longer than its 90th percentile
    assert len(_rows(panel.stuck_table.value)) == len(stuck)
    assert str(stuck["opportunity_id"].iloc[0]) in panel.stuck_table.value
    panel.tabs.selected_index = 2
    assert "wb-opportunities" in panel.opportunities_table.value
    panel.tabs.selected_index = 3
    assert "wb-competition" in panel.competition_table.value
    panel.tabs.selected_index = 0


def test_team_filter_matches_the_diagnosis(fresh, data):
    panel = fresh
    full = panel.diagnosis.findings
    teams = sorted(data.reps["team"].unique())
    assert len(teams) == 2
    for team in teams:
        panel.team = team
        members = set(data.reps.loc[data.reps["team"] == team, "rep_id"])
        expected = full[
            ((full["entity_type"] == "rep") & full["entity_id"].isin(members))
            | ((full["entity_type"] == "team") & (full["entity_id"] == team))
        ]
        if expected.empty:
            assert "wb-no-findings" in panel.table.value
        else:
            assert _evidence_cells(panel) == expected["evidence"].tolist()
        assert {value for _, value in panel.rep_picker.options} == {""} | members
        summary = panel.selection.team_summary
        assert summary["team"].tolist() == [team]
        assert f"Team {team}" in panel.summary.value
        assert panel.waterfall is not None and panel.charts.children  # the team's waterfall
    panel.team = ""
    assert len(_rows(panel.table.value)) == len(full)


def test_rep_filter_draws_waterfall_and_funnel(fresh, data):
    panel = fresh
    full = panel.diagnosis.findings
    rep = full.loc[full["entity_type"] == "rep", "entity_id"].iloc[0]
    team = data.reps.set_index("rep_id").loc[rep, "team"]
    panel.team = team
    panel.rep = rep
    assert panel.error.value == ""
    expected = panel.diagnosis.for_entity(rep)
    assert _evidence_cells(panel) == expected["evidence"].tolist()
    assert "wb-team-table" not in panel.summary.value
    assert f"Rep {rep}" in panel.summary.value
    waterfall = panel.waterfall.spec
    assert rep in waterfall["title"]
    steps = waterfall["datasets"][waterfall["data"]["name"]]
    assert [steps[0]["step"], steps[-1]["step"]] == ["Target", "Actual"]
    assert rep in panel.funnel.spec["title"]
    assert list(panel.charts.children) == [panel.waterfall, panel.funnel]
    comp = panel.selection.competition
    assert set(comp.loc[comp["dimension"] == "rep", "key"]) <= {rep}
    # another team drops the rep, and the rep's charts give way to the team's
    other = next(t for t in sorted(data.reps["team"].unique()) if t != team)
    panel.team = other
    assert panel.rep == ""
    assert other in panel.waterfall.spec["title"]


def test_language_switch_changes_evidence_and_labels(fresh):
    panel = fresh
    findings = panel.diagnosis.findings
    english = _evidence_cells(panel)
    panel.lang = "zh"
    chinese = _evidence_cells(panel)
    assert chinese == findings["evidence_zh"].tolist()
    assert chinese != english
    assert "依据" in panel.table.value and "诊断发现" == panel.tabs.get_title(0)
    assert panel.team_picker.options[0] == ("全部团队", "")
    assert panel.team == "" and panel.period == "2026-Q3"
    panel.lang = "en"
    assert _evidence_cells(panel) == english


def test_other_period_is_computed_once_and_cached(fresh):
    panel = fresh
    first = panel.diagnosis
    panel.period = panel.period_picker.options[1]
    assert panel.diagnosis.window.period == panel.period
    assert panel.error.value == ""
    panel.period = panel.period_picker.options[0]
    assert panel.diagnosis is first


def test_errors_are_shown_not_raised(data, monkeypatch):
    def broken(*args, **kwargs):
        raise DataError("stage_history.parquet: column 'entered_at' expected dates")

    monkeypatch.setattr("workbench.apps.team_diagnosis.diagnose", broken)
    panel = TeamDiagnosis(data)
    assert "wb-error" in panel.error.value
    assert "stage_history.parquet" in panel.error.value
    panel.team = sorted(data.reps["team"].unique())[0]  # still no exception
    assert "wb-error" in panel.error.value


def test_missing_table_is_shown_not_raised(data):
    panel = TeamDiagnosis({"reps": data.reps})
    assert "opportunities" in panel.error.value
    assert panel.period is None


def test_every_app_page_shows_its_title_once():
    import json
    from pathlib import Path

    import workbench.apps as apps

    root = Path(__file__).resolve().parents[2] / "apps"
    for notebook in root.glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        titles = [line for cell in cells if cell["cell_type"] == "markdown"
                  for line in "".join(cell["source"]).splitlines() if line.startswith("#")]
        assert len(titles) == 1, notebook.name
    source = "".join(Path(apps.__file__).parent.joinpath(name).read_text(encoding="utf-8")
                     for name in ("team_diagnosis.py", "forecast_outlook.py", "kpi_scorecard.py"))
    assert "<h1" not in source and "<h2" not in source


def test_the_other_tabs_are_drawn_when_opened(data):
    panel = TeamDiagnosis(data)
    assert panel.tabs.selected_index == 0 and "wb-findings" in panel.table.value
    assert panel.opportunities_table.value == "" and panel.competition_table.value == ""
    panel.tabs.selected_index = 3
    assert "wb-competition" in panel.competition_table.value and panel.opportunities_table.value == ""
    panel.tabs.selected_index = 2
    assert "wb-opportunities" in panel.opportunities_table.value and panel.stuck_table.value == ""
    panel.tabs.selected_index = 1
    assert "wb-stuck" in panel.stuck_table.value


def test_a_rep_change_redraws_the_open_tab_in_place_and_the_others_when_opened(fresh, data):
    panel = fresh
    full = panel.diagnosis.findings
    team = data.reps.set_index("rep_id").loc[full.loc[full["entity_type"] == "rep", "entity_id"].iloc[0], "team"]
    panel.team = team
    drawn = []  # reps with charts (a rep with no deals in the window has a note instead)
    for _, rep in panel.rep_picker.options[1:]:
        panel.rep = rep
        if panel.waterfall is not None and panel.chart_note.value == "":
            drawn.append(rep)
    first, second = drawn[:2]
    panel.rep = first
    panel.tabs.selected_index = 2  # seen once for the first rep, then closed
    panel.tabs.selected_index = 0
    waterfall, funnel, first_spec = panel.waterfall, panel.funnel, panel.waterfall.spec
    hidden = []
    panel.opportunities_table.observe(hidden.append, names="value")
    panel.competition_table.observe(hidden.append, names="value")
    panel.stuck_table.observe(hidden.append, names="value")

    panel.rep = second
    # the same chart widgets, in the same place, with the second rep's charts
    assert panel.waterfall is waterfall and panel.funnel is funnel
    assert list(panel.charts.children) == [waterfall, funnel]
    assert second in panel.waterfall.spec["title"] and second in panel.funnel.spec["title"]
    assert f"Rep {second}" in panel.summary.value
    assert hidden == []  # the closed tabs wait until they are opened
    panel.tabs.selected_index = 2  # opened: it shows the second rep's selection
    assert panel.opportunities_table.value == panel._opportunities_html(panel.selection.opportunities)
    panel.tabs.selected_index = 0
    panel.rep = first  # back: the charts drawn before, shown again
    assert panel.waterfall is waterfall and panel.waterfall.spec == first_spec
