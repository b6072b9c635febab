"""The coaching panel for trainers, driven through its traitlets without a browser."""

from __future__ import annotations

import html
import re

import pytest

from workbench import load
from workbench.apps import CoachingPanel
from workbench.sample import generate_sample


@pytest.fixture(scope="module")
def data():
    return load(generate_sample(n_reps=20, months=24, seed=3))


@pytest.fixture(scope="module")
def panel(data):
    return CoachingPanel(data)


@pytest.fixture
def fresh(panel):
    panel.lang = "en"
    panel.team = ""
    panel.rep = ""
    panel.tabs.selected_index = 0
    return panel


def _rows(table_html: str) -> list[list[str]]:
    body = table_html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in table_html else ""
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def test_first_render_shows_the_gaps_of_everyone_with_no_error(fresh):
    panel = fresh
    assert panel.error.value == ""
    assert panel.period == panel.period_picker.options[0]
    assert panel.heatmap is not None and panel.heatmap.spec["mark"]["type"] == "rect"
    panel.tabs.selected_index = 1
    assert "Pick a rep" in panel.plan_html.value
    plans = panel.results(panel.period)["plans"]
    assert len(plans.skills) > 0


def test_a_rep_change_shows_that_reps_plan(fresh):
    panel = fresh
    plans = panel.results(panel.period)["plans"]
    first, second = list(dict.fromkeys(plans.skills["rep_id"]))[:2]
    panel.rep = first
    panel.tabs.selected_index = 1
    rows = _rows(panel.plan_html.value.split("wb-plan-modules")[0])
    skills, _ = plans.for_rep(first)
    assert [r[1] for r in rows] == skills["skill_label"].tolist()
    assert first in panel.plan_chart.spec["title"]
    panel.rep = second
    assert second in panel.plan_chart.spec["title"]
    assert [r[1] for r in _rows(panel.plan_html.value.split("wb-plan-modules")[0])] == \
        plans.for_rep(second)[0]["skill_label"].tolist()


def test_the_language_switch_changes_labels(fresh):
    panel = fresh
    panel.rep = panel.results(panel.period)["plans"].skills["rep_id"].iloc[0]
    assert panel.tabs.get_title(1) == "Rep plan"
    panel.lang = "zh"
    assert panel.tabs.get_title(1) == "个人计划" and panel.period_picker.description == "期间"
    panel.tabs.selected_index = 1
    assert "技能" in panel.plan_html.value
    assert panel.heatmap.spec["title"].startswith("技能差距")
    panel.lang = "en"
    assert panel.tabs.get_title(1) == "Rep plan"


def test_team_filter_limits_the_rep_list_and_the_mentors(fresh, data):
    panel = fresh
    team = sorted(data.reps["team"].unique())[0]
    panel.team = team
    members = set(data.reps.loc[data.reps["team"] == team, "rep_id"])
    reps = {value for _, value in panel.rep_picker.options if value}
    assert reps == members
    panel.tabs.selected_index = 2
    mentees = {r[0] for r in _rows(panel.mentors_html.value.split("wb-unmatched")[0])}
    assert mentees <= members


def test_results_are_cached_per_period(fresh):
    panel = fresh
    first = panel.results(panel.period)
    panel.rep = ""
    assert panel.results(panel.period) is first


def test_only_the_open_tab_is_drawn_and_the_others_when_opened(data):
    panel = CoachingPanel(data)
    assert panel.tabs.selected_index == 0 and panel.heatmap is not None
    assert panel.mentors_html.value == panel.sessions_html.value == panel.awards_html.value == ""
    assert panel.effect_html.value == "" and panel.effect_chart is None
    panel.tabs.selected_index = 5
    assert "wb-awards" in panel.awards_html.value and panel.mentors_html.value == ""
    panel.tabs.selected_index = 4
    assert "wb-effect" in panel.effect_html.value


def test_a_team_change_redraws_the_open_tab_in_place_and_the_others_when_opened(fresh, data):
    panel = fresh
    sessions = panel.results(panel.period)["sessions"]
    team = str(sessions["team"].iloc[0])
    panel.tabs.selected_index = 3
    everyone = panel.sessions_html.value
    assert {r[0] for r in _rows(everyone)} == set(sessions["team"].astype(str))
    panel.tabs.selected_index = 4
    panel.tabs.selected_index = 0
    heatmap, heat_spec = panel.heatmap, panel.heatmap.spec
    redrawn = []
    panel.effect_html.observe(redrawn.append, names="value")
    panel.awards_html.observe(redrawn.append, names="value")

    panel.team = team
    assert panel.heatmap is heatmap and panel.gaps_box.children == (panel.gaps_html, heatmap)  # in place
    assert panel.heatmap.spec != heat_spec
    assert panel.sessions_html.value == everyone  # closed: not drawn yet
    panel.tabs.selected_index = 3
    assert {r[0] for r in _rows(panel.sessions_html.value)} == {team}
    panel.tabs.selected_index = 4  # training effectiveness does not depend on the team
    panel.team = ""
    assert redrawn == []
    panel.tabs.selected_index = 0
    assert panel.heatmap is heatmap and panel.heatmap.spec == heat_spec  # back: kept, drawn again
