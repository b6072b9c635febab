"""KPI chart builders return charts whose specs hold the right data and encodings."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import vl_convert as vlc

from workbench.charts import kpi_bar_chart, kpi_trend_chart


def _kpis():
    periods = pd.to_datetime(["2026-01-01", "2026-02-01"])
    rows = []
    for rep, values in {"r1": [10.0, 20.0], "r2": [30.0, 50.0], "r3": [0.0, 5.0]}.items():
        for period, value in zip(periods, values):
            rows.append(("rep", rep, period, "bookings", "", value))
    return pd.DataFrame(rows, columns=["entity_type", "entity_id", "period", "metric", "detail", "value"])


def test_trend_chart_draws_selected_entities_and_the_median_of_all():
    spec = kpi_trend_chart(_kpis(), "bookings", entities=["r1"]).to_dict()
    lines, median = spec["layer"]
    datasets = spec["datasets"]
    assert {row["entity_id"] for row in datasets[lines["data"]["name"]]} == {"r1"}
    # the median is over every rep, not only the drawn ones: Jan median(10, 30, 0) = 10, Feb median(20, 50, 5) = 20
    assert [row["value"] for row in datasets[median["data"]["name"]]] == [10.0, 20.0]
    assert spec["title"] == "Bookings"
    assert lines["encoding"]["y"]["axis"]["format"] == ",.0f"


def test_bar_chart_sorts_entities_and_draws_reference_rule():
    table = pd.DataFrame({"Quota attainment": [0.5, 1.2, float("nan")]}, index=pd.Index(["r1", "r2", "r3"], name="Rep"))
    spec = kpi_bar_chart(table, "Quota attainment", unit="share", reference=1.0).to_dict()
    bars, rule = spec["layer"]
    rows = spec["datasets"][bars["data"]["name"]]
    assert {row["entity"] for row in rows} == {"r1", "r2"}  # missing values are not drawn
    assert bars["encoding"]["y"]["sort"] == "-x"
    assert spec["datasets"][rule["data"]["name"]] == [{"value": 1.0}]


def _periodic(starts, entities=("r1", "r10", "r2")):
    rows = [("rep", rep, start, "bookings", "", float(i)) for i, start in enumerate(starts) for rep in entities]
    return pd.DataFrame(rows, columns=["entity_type", "entity_id", "period", "metric", "detail", "value"])


def _x_labels(chart) -> list[str]:
    """The time-axis labels as Vega draws them (rendered offline with vl-convert): the axis
    labels that start with a year (the value axis writes 0, 5, 1,000, ...)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == "text" and node.get("role") == "axis-label":
                found.extend(str(item.get("text")) for item in node.get("items", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vlc.vegalite_to_scenegraph(chart.to_dict()))
    return [label for label in found if re.match(r"^\d{4}(-|$)", label)]


@pytest.mark.parametrize(
    ("starts", "freq", "fmt", "pattern"),
    [
        (pd.date_range("2024-01-01", "2026-10-01", freq="QS"), "Q", "%Y-Q%q", r"^20\d\d-Q[1-4]$"),
        (pd.date_range("2023-11-01", "2026-10-01", freq="MS"), "M", "%Y-%m", r"^20\d\d-(0[1-9]|1[0-2])$"),
        (pd.date_range("2025-12-29", periods=30, freq="W-MON"), "W", "%G-W%V", r"^20\d\d-W\d\d$"),
    ],
)
def test_trend_chart_time_axis_writes_periods_with_their_year(starts, freq, fmt, pattern):
    for chart in (kpi_trend_chart(_periodic(starts), "bookings", freq=freq),
                  kpi_trend_chart(_periodic(starts), "bookings")):  # frequency read from the periods
        lines = chart.to_dict()["layer"][0]
        assert lines["encoding"]["x"]["axis"]["format"] == fmt
        assert lines["encoding"]["tooltip"][1]["format"] == fmt
        ticks = lines["encoding"]["x"]["axis"]["values"]
        assert 2 <= len(ticks) <= 9 and all("year" in tick for tick in ticks)
        labels = _x_labels(chart)
        assert len(labels) == len(ticks)
        assert all(re.match(pattern, label) for label in labels), labels


def test_trend_chart_quarter_ticks_fall_on_quarter_starts_and_read_right():
    chart = kpi_trend_chart(_periodic(pd.date_range("2025-01-01", periods=4, freq="QS")), "bookings", freq="Q")
    ticks = chart.to_dict()["layer"][0]["encoding"]["x"]["axis"]["values"]
    assert [(t["year"], t["month"], t["date"]) for t in ticks] == [(2025, 1, 1), (2025, 4, 1), (2025, 7, 1), (2025, 10, 1)]
    assert _x_labels(chart) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def test_trend_chart_week_labels_are_iso_weeks():
    chart = kpi_trend_chart(_periodic(pd.to_datetime(["2025-12-29", "2026-01-05", "2026-01-12"])), "bookings")
    assert _x_labels(chart) == ["2026-W01", "2026-W02", "2026-W03"]


def test_trend_chart_legend_lists_entities_in_natural_order():
    spec = kpi_trend_chart(_periodic(pd.date_range("2026-01-01", periods=3, freq="MS")), "bookings").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["sort"] == ["r1", "r2", "r10"]
