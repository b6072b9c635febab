"""Every chart builder in 中文: no title, axis, legend or tooltip title left in English.

Each builder draws the same small frame in English and in Chinese; the Chinese chart may
share no title with the English one (:func:`tests.apps.language.chart_titles` reads them as
a viewer does, field names included where a title is missing), and words drawn as data
(legend entries such as "actual" / "forecast", waterfall steps) are Chinese too.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tests.apps.language import chart_titles, english_left
from workbench.charts import (
    backtest_accuracy_chart,
    calibration_chart,
    driver_waterfall,
    effectiveness_chart,
    follow_up_curve,
    forecast_fan_chart,
    funnel_vs_peers,
    kpi_bar_chart,
    kpi_trend_chart,
    plan_chart,
    review_trend_chart,
    skill_heatmap_chart,
    whatif_fan,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def _kpis() -> pd.DataFrame:
    periods = pd.date_range("2026-01-01", periods=4, freq="MS")
    return pd.DataFrame({"entity_id": np.repeat(["R1", "R2"], 4), "period": np.tile(periods, 2),
                         "metric": "bookings", "detail": "", "value": [10.0, 12, 9, 14, 8, 7, 11, 13]})


def _decomposition() -> pd.DataFrame:
    return pd.DataFrame({
        "entity_type": "rep", "entity_id": "R1",
        "component": ["target_vs_peers", "opportunities", "stage_pass_rate", "win_rate"],
        "detail": ["", "", "qualify→propose", ""], "contribution": [-10.0, 5.0, -3.0, -2.0], "target": 100.0,
        "actual_bookings": 90.0, "actual": [np.nan, np.nan, 0.4, 0.3], "benchmark": [np.nan, np.nan, 0.5, 0.35]})


def _projection():
    from workbench.targets import Levers
    from workbench.targets.whatif import Projection

    draws = np.arange(0.0, 1001.0, 10.0)
    return Projection(period="2026-11", scope=("team", "East"), levers=Levers(), table=pd.DataFrame(),
                      summary={"target": 600.0, "booked_to_date": 0.0}, draws=draws, baseline_draws=draws,
                      rep_draws=pd.DataFrame(), activity_plan=pd.DataFrame(), activity_mix=pd.DataFrame(),
                      assumptions=pd.DataFrame())


def _review_trend() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": "R1", "team": "East", "period": pd.to_datetime(["2026-01-01", "2026-02-01"] * 3),
                         "metric": ["bookings"] * 2 + ["bookings_target"] * 2 + ["win_rate"] * 2,
                         "value": [10.0, 20.0, 15.0, 15.0, 0.2, 0.3], "team_median": [12.0, 14.0, 15.0, 15.0, 0.25, 0.25]})


def _fan_frames():
    hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2026-01-01", periods=3, freq="MS"), "y": [1., 2., 3.]})
    fc = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2026-04-01", periods=2, freq="MS"),
                       "forecast": [3., 3.], "forecast-lo-80": [2., 1.], "forecast-hi-80": [4., 5.]})
    return hist, fc


HEAT = pd.DataFrame({"rep_id": ["R1", "R1"], "team": "East", "skill": ["closing", "follow_up"],
                     "skill_label": ["Closing", "Follow-up"], "expected_uplift": [0.0, 1200.0], "rank": [None, 1],
                     "score": [61, 48], "revenue_at_stake": [500.0, 3000.0]})
MODULES = pd.DataFrame({"module_id": ["M1", "M2"], "title": ["Closing", "Discovery"], "effect": [0.05, -0.01],
                        "ci_low": [0.01, -0.04], "ci_high": [0.09, 0.02], "verdict": ["works", "no measurable effect"]})
CURVE = SimpleNamespace(curve=pd.DataFrame({"follow_up_hours": [1.0, 10.0, 100.0], "win_probability": [0.4, 0.3, 0.2],
                                            "lo": [0.35, 0.25, 0.15], "hi": [0.45, 0.35, 0.25]}))
CALIBRATION = pd.DataFrame({"bin": ["0.0-0.5", "0.5-1.0"], "n": [10, 5], "mean_predicted": [0.2, 0.7],
                            "observed": [0.25, 0.6]})
BY_CUTOFF = pd.DataFrame({"cutoff": pd.to_datetime(["2026-01-01", "2026-02-01"]), "model": "forecast",
                          "wape": [0.2, 0.3], "bias": [0.0, 0.1], "accuracy": [0.8, 0.7]})

#: name → a function drawing the chart in a language.
BUILDERS = {
    "kpi_trend": lambda lang: kpi_trend_chart(_kpis(), "bookings", lang=lang, freq="M"),
    "forecast_fan": lambda lang: forecast_fan_chart(*_fan_frames(), levels=[80], lang=lang),
    "backtest": lambda lang: backtest_accuracy_chart(BY_CUTOFF, lang=lang),
    "calibration": lambda lang: calibration_chart(CALIBRATION, lang=lang),
    "waterfall": lambda lang: driver_waterfall(_decomposition(), "R1", lang=lang),
    "funnel": lambda lang: funnel_vs_peers(_decomposition(), "R1", lang=lang),
    "follow_up": lambda lang: follow_up_curve(CURVE, lang=lang),
    "heatmap": lambda lang: skill_heatmap_chart(HEAT, lang=lang),
    "plan": lambda lang: plan_chart(HEAT.dropna(subset=["rank"]), "R1", lang=lang),
    "effectiveness": lambda lang: effectiveness_chart(MODULES, lang=lang),
    "review": lambda lang: review_trend_chart(_review_trend(), "win_rate", lang=lang),
    "whatif_fan": lambda lang: whatif_fan(_projection(), lang),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chinese_chart_has_no_english_title(name):
    en, zh = (chart_titles(BUILDERS[name](lang).to_dict()) for lang in ("en", "zh"))
    assert en and zh
    assert english_left(zh, en) == set(), f"{name}: English titles in 中文: {sorted(english_left(zh, en))}"
    assert any(CJK.search(t) for t in zh), f"{name}: no Chinese title: {sorted(zh)}"


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_words_drawn_as_data_are_chinese_too():
    fan = _rows(forecast_fan_chart(*_fan_frames(), levels=[80], lang="zh").to_dict())
    assert {r["series"] for r in fan if "series" in r} == {"实际", "预测"}
    steps = [r["step"] for r in _rows(driver_waterfall(_decomposition(), "R1", lang="zh").to_dict())]
    assert steps[0] == "目标" and steps[-1] == "实际" and "已决商机数" in steps
    who = {r["who"] for r in _rows(funnel_vs_peers(_decomposition(), "R1", lang="zh").to_dict())}
    assert who == {"R1", "同事"}


def test_kpi_bar_chart_takes_its_words_from_the_scorecard():
    table = pd.DataFrame({"签约额": [3.0, 1.0]}, index=pd.Index(["R1", "R2"], name="销售"))
    titles = chart_titles(kpi_bar_chart(table, "签约额", unit="currency", reference=2.0).to_dict())
    assert titles == {"签约额", "销售"}


def test_a_wrong_language_is_refused_with_the_builders_name():
    with pytest.raises(ValueError, match="forecast_fan_chart"):
        forecast_fan_chart(*_fan_frames(), levels=[80], lang="fr")
