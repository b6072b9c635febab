"""KPI chart builders return charts whose specs hold the right data and encodings."""

from __future__ import annotations

import pandas as pd

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
