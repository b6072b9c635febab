"""Scorecard pivot and value formatting, checked on hand-written KPI rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.kpi.scorecard import format_value, scorecard, scorecard_periods


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


def test_scorecard_rows_are_in_natural_id_order():
    rows = [(rep, "2026-03-01", "bookings", "", 1.0) for rep in ["R10", "R2", "R1", "R11"]]
    frame = pd.DataFrame(rows, columns=["entity_id", "period", "metric", "detail", "value"])
    kpis = frame.assign(entity_type="rep", period=pd.to_datetime(frame["period"]))
    assert scorecard(kpis, "2026-03").index.tolist() == ["R1", "R2", "R10", "R11"]


def _periods(rows):
    frame = pd.DataFrame(rows, columns=["period", "metric", "detail", "value"])
    return frame.assign(entity_type="rep", entity_id="r1", period=pd.to_datetime(frame["period"]))


def test_scorecard_periods_start_at_the_first_closed_deal():
    kpis = _periods([
        ("2023-04-01", "bookings", "", 0.0),            # an early deal was created: pipeline only
        ("2023-04-01", "win_rate", "", math.nan),
        ("2023-04-01", "activities_per_workday", "", 0.05),
        ("2023-04-01", "stage_conversion", "A→B", 1.0),  # a stage pair is not a closed deal
        ("2023-05-01", "bookings", "", 0.0),
        ("2023-05-01", "win_rate", "", 0.0),             # a deal lost: the first result
        ("2023-06-01", "bookings", "", 0.0),             # a quiet month later on stays
        ("2023-06-01", "win_rate", "", math.nan),
        ("2023-07-01", "bookings", "", 500.0),
    ])
    assert [p.strftime("%Y-%m") for p in scorecard_periods(kpis)] == ["2023-05", "2023-06", "2023-07"]


def test_scorecard_periods_count_bookings_without_a_win_rate():
    kpis = _periods([("2026-01-01", "bookings", "", 0.0), ("2026-02-01", "bookings", "", 10.0),
                     ("2026-03-01", "deals_won", "", 0.0)])
    assert [p.strftime("%Y-%m") for p in scorecard_periods(kpis)] == ["2026-02", "2026-03"]


def test_scorecard_periods_without_any_closed_deal_offer_every_period():
    kpis = _periods([("2026-01-01", "bookings", "", 0.0), ("2026-02-01", "activities_per_workday", "", 2.0)])
    assert len(scorecard_periods(kpis)) == 2
    assert scorecard_periods(kpis.iloc[:0]) == []


def test_scorecard_periods_on_the_committed_sample_start_with_its_first_closed_deal():
    from pathlib import Path

    import workbench
    from workbench.kpi import compute_kpis

    root = Path(__file__).resolve().parents[2] / "sample_data"
    opportunities = pd.read_csv(root / "opportunities.csv", parse_dates=["created_at", "closed_at"])
    first_close = opportunities["closed_at"].min().to_period("M").start_time
    assert opportunities["created_at"].min() < first_close  # deals created earlier: the case in point
    kpis = compute_kpis(workbench.load(root), by="company", freq="M", metrics=["bookings", "win_rate"])
    periods = scorecard_periods(kpis)
    assert pd.to_datetime(kpis["period"]).min() < first_close
    assert periods[0] == first_close
    assert periods[-1] == pd.to_datetime(kpis["period"]).max()
