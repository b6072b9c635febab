"""Every app in 中文: no chart title, axis, legend or tooltip title and no widget label is left in English.

Each test drives one panel in English, collects what it shows (:mod:`tests.apps.language`),
switches the panel's language picker to 中文 and collects again: no label of the Chinese
panel may be one of the English panel's labels, except proper nouns, ids and units, and
the switch recomputes no model (the cached results are the same objects).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.apps.language import english_left, open_every_tab, panel_labels
from tests.sentences import data_words
from tests.sentences import english_left as english_words_left
from workbench import load
from workbench.sample import generate_sample

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _names(data) -> set[str]:
    """Ids and names from the data (they read the same in both languages)."""
    reps = data.reps
    names = {str(v) for column in ("rep_id", "name", "team", "region") if column in reps
             for v in reps[column].dropna()}
    names |= {f"{r} · {n}" for r, n in zip(reps["rep_id"].astype(str), reps["name"].astype(str))}
    return names


def _seen(panel) -> dict:
    """The labels of ``panel`` once a viewer has opened each of its tabs (a tab is drawn when it is opened)."""
    open_every_tab(panel)
    return panel_labels(panel)


def _switch_and_compare(panel, data, allowed=()) -> tuple[dict, dict]:
    """Labels of ``panel`` in English, then after its language picker is switched to 中文; check them."""
    en = _seen(panel)
    assert en["charts"] and en["widgets"], "the English panel drew no chart or showed no label"
    assert panel.error.value == ""
    panel.lang_picker.value = "zh"
    assert panel.lang == "zh"
    zh = _seen(panel)
    assert panel.error.value == ""
    left = english_left(zh["charts"] | zh["widgets"], en["charts"] | en["widgets"], _names(data) | set(allowed))
    assert left == set(), f"English labels left in 中文 mode: {sorted(left)}"
    assert any(CJK.search(t) for t in zh["charts"]), "no Chinese chart title"
    assert any(CJK.search(t) for t in zh["widgets"]), "no Chinese widget label"
    return en, zh


def _text(*html_widgets) -> list[str]:
    """What the widgets say, without markup."""
    import html

    return [html.unescape(re.sub(r"<[^>]+>", " ", w.value)) for w in html_widgets]


def _sentences_switch(panel, data, *html_widgets, allowed=()) -> list[str]:
    """The sentences of ``html_widgets`` in English, then in 中文: the English words left in the Chinese ones."""
    panel.lang_picker.value = "en"
    _seen(panel)
    en = _text(*html_widgets)
    panel.lang_picker.value = "zh"
    _seen(panel)
    zh = _text(*html_widgets)
    assert any(CJK.search(t) for t in zh)
    return english_words_left(zh, en, data_words(data) | {w.lower() for w in allowed})


def _segments(results: dict) -> set[str]:
    """The words of the market segments the coaching sessions name (data: region × product)."""
    opportunities = results["diagnosis"].opportunities if "diagnosis" in results else None
    if opportunities is None or opportunities.empty:
        return set()
    return {w for t in opportunities["segment"].astype(str) for w in re.findall(r"[A-Za-z]+", t)}


def _back_to_english(panel, en: dict) -> None:
    panel.lang_picker.value = "en"
    again = _seen(panel)
    assert again["charts"] == en["charts"]
    assert again["widgets"] == en["widgets"]


def test_kpi_scorecard_in_chinese():
    from workbench.apps import KpiScorecard

    data = load(generate_sample(n_reps=8, months=6, seed=3))
    panel = KpiScorecard(data)
    panel.by, panel.metric = "team", "win_rate"
    period, cached = panel.period, dict(panel._cache)
    en, _ = _switch_and_compare(panel, data)
    assert panel._cache == cached and all(panel._cache[k] is v for k, v in cached.items())  # nothing recomputed
    assert (panel.by, panel.period, panel.metric) == ("team", period, "win_rate")  # the selection stays
    _back_to_english(panel, en)


def test_forecast_outlook_in_chinese():
    from workbench.apps import ForecastOutlook

    # the data and settings of tests/apps/test_forecast_outlook.py: the forecasts and backtests kept
    # there (workbench.memo, shared by the run's workers) serve here too
    tables = generate_sample(n_reps=8, months=24, seed=3)
    data = load({name: frame for name, frame in tables.items() if name != "planted_drivers"})
    panel = ForecastOutlook(data, n_sims=500, snapshots=3)
    forecasts, headlines, timings = dict(panel._forecasts), dict(panel._headlines), dict(panel.timings_)
    en, zh = _switch_and_compare(panel, data)
    assert panel._forecasts.keys() == forecasts.keys() and all(panel._forecasts[k] is v for k, v in forecasts.items())
    assert all(panel._headlines[k] is v for k, v in headlines.items()) and panel.timings_ == timings
    assert "签约额预测" in " ".join(zh["charts"]) and "这个预测有多准？" in panel.accuracy.value
    # the forecast's own sentences (why the views differ, the basis, the notes, the deals' factors) too
    assert _sentences_switch(panel, data, panel.headline, panel.status, panel.deals_html) == []
    _back_to_english(panel, en)


@pytest.fixture(scope="module")
def selection_data():
    return load(generate_sample(n_reps=20, months=24, seed=3))


def _team_with_charts(panel) -> None:
    """Pick the first team and its first rep with a decomposition, so every chart is drawn."""
    panel.team = panel.team_picker.options[1][1]
    panel.rep = next(v for _, v in panel.rep_picker.options[1:])


def test_team_diagnosis_in_chinese(selection_data):
    from workbench.apps import TeamDiagnosis

    panel = TeamDiagnosis(selection_data)
    _team_with_charts(panel)
    assert panel.waterfall is not None, panel.chart_note.value
    cached = dict(panel._cache)
    en, zh = _switch_and_compare(panel, selection_data)
    assert all(panel._cache[k] is v for k, v in cached.items()) and panel._cache.keys() == cached.keys()
    assert any("签约额差距" in t for t in zh["charts"])
    _back_to_english(panel, en)


def test_team_diagnosis_not_tested_reasons_in_chinese():
    """Without surveys and orders two drivers cannot be tested: the reasons are said in Chinese too."""
    from workbench.apps import TeamDiagnosis

    sample = generate_sample(n_reps=12, months=24, seed=1)
    data = load({name: table for name, table in sample.items() if name not in ("surveys", "orders")})
    panel = TeamDiagnosis(data)
    panel.team = panel.team_picker.options[1][1]
    assert "wb-not-tested" in panel.summary.value
    assert _sentences_switch(panel, data, panel.summary) == []


def test_coaching_in_chinese(selection_data):
    from workbench.apps import CoachingPanel

    panel = CoachingPanel(selection_data)
    r = panel.results(panel.period)
    panel.team = ""
    panel.rep = str(r["plans"].skills["rep_id"].iloc[0])  # a rep with a plan: the plan chart is drawn
    panel.tabs.selected_index = 1  # when its tab is opened
    assert panel.plan_chart is not None
    cached, effectiveness = dict(panel._cache), panel._effectiveness
    en, _ = _switch_and_compare(panel, selection_data)
    assert all(panel._cache[k] is v for k, v in cached.items()) and panel._effectiveness is effectiveness
    panel.rep = ""  # the whole company: its sessions and their reasons, in Chinese too
    assert _sentences_switch(panel, selection_data, panel.sessions_html, allowed=_segments(r)) == []
    panel.rep = str(r["plans"].skills["rep_id"].iloc[0])
    _back_to_english(panel, en)


def test_targets_whatif_in_chinese(monkeypatch):
    from workbench.apps import TargetsWhatIf

    monkeypatch.setenv("WORKBENCH_PLANS", str(ROOT / "docs"))
    data = generate_sample(n_reps=24, months=18, seed=5)
    panel = TargetsWhatIf(data, shock_sd=0.3, n_sims=500)
    panel.tabs.selected_index = 2  # the payouts tab: its tables are drawn too
    assert panel.payouts is not None
    models = dict(panel._models)
    plans = {*panel.plan_a_picker._options_labels, *(plan.name for _, plan in panel._plans)}  # the user's own
    en, _ = _switch_and_compare(panel, panel.data, allowed=plans)
    assert all(panel._models[k] is v for k, v in models.items()) and panel._models.keys() == models.keys()
    _back_to_english(panel, en)
