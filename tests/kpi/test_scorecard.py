"""Scorecard pivot and value formatting, checked on hand-written KPI rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.kpi.scorecard import format_value, scorecard


@pytest.fixture
def kpis():
    rows = [
        ("r1", "2026-03-01", "bookings", "", 1000.0),
        ("r1", "2026-03-01", "win_rate", "", 0.25),
        ("r2", "2026-03-01", "bookings", "", 0.0),
        ("r2", "2026-03-01", "win_rate", "", math.nan),
        ("r1", "2026-04-01", "bookings", "", 7.0),
        ("r1", "2026-03-01", "stage_conversion", "A→B", 0.5),
    ]
    frame = pd.DataFrame(rows, columns=["entity_id", "period", "metric", "detail", "value"])
    return frame.assign(entity_type="rep", period=pd.to_datetime(frame["period"]))


def test_scorecard_pivots_one_period_with_labels(kpis):
    table = scorecard(kpis, "2026-03", metrics=["win_rate", "bookings", "csat_mean"])
    assert list(table.columns) == ["Win rate", "Bookings"]  # absent KPIs are left out, order kept
    assert table.index.name == "Rep"
    assert table.loc["r1", "Bookings"] == 1000.0
    assert math.isnan(table.loc["r2", "Win rate"])
    assert table.shape == (2, 2)


def test_scorecard_accepts_a_start_date_and_chinese_labels(kpis):
    table = scorecard(kpis, "2026-04-01", metrics=["bookings"], lang="zh")
    assert table.index.name == "销售"
    assert table.iloc[:, 0].tolist() == [7.0]


def test_scorecard_rejects_unknown_language(kpis):
    with pytest.raises(ValueError, match="'lang' parameter"):
        scorecard(kpis, "2026-03", lang="fr")


def test_scorecard_does_not_mutate_input(kpis):
    before = kpis.copy()
    scorecard(kpis, "2026-03")
    pd.testing.assert_frame_equal(kpis, before)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1234.5, "currency", "1,234"),
        (0.456, "share", "46%"),
        (12.0, "days", "12 d"),
        (3.25, "hours", "3.2 h"),
        (1.5, "ratio", "1.50"),
        (math.nan, "share", "–"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text
