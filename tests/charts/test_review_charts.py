"""The review trend chart: two panels labelled from the registry, and a specification that
can be built once and redrawn with another rep's rows."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.charts.review import review_trend_chart, review_trend_data, with_data
from workbench.kpi import KPIS

MONTHS = ["2026-01", "2026-02", "2026-03"]


def _trend(scale: float, metric: str = "win_rate") -> pd.DataFrame:
    periods = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"] * 3)
    return pd.DataFrame({
        "rep_id": "R1", "team": "East", "period": periods,
        "metric": ["bookings"] * 3 + ["bookings_target"] * 3 + [metric] * 3,
        "value": [scale * v for v in (10.0, 20.0, float("nan"), 15.0, 15.0, 15.0, 0.2, 0.3, 0.1)],
        "team_median": [12.0, 14.0, 13.0, 15.0, 15.0, 15.0, 0.25, 0.25, 0.2],
    })


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_two_panels_with_registry_labels(lang):
    spec = review_trend_chart(_trend(1.0), "cycle_days_median", lang, MONTHS).to_dict()
    top, bottom = spec["vconcat"]
    assert KPIS["bookings"].label(lang) in top["title"] and KPIS["cycle_days_median"].label(lang) in bottom["title"]
    domain = top["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain[:2] == [KPIS["bookings"].label(lang), KPIS["bookings_target"].label(lang)]
    assert top["layer"][0]["mark"]["type"] == "bar" and top["layer"][2]["mark"]["strokeDash"] == [5, 3]
    assert bottom["layer"][0]["encoding"]["x"]["axis"]["values"] == MONTHS


def test_the_rows_hold_every_month_and_missing_values_stay_missing():
    rows = review_trend_data(_trend(1.0), "win_rate", "en", ["2025-12", *MONTHS])
    bars = rows[(rows["panel"] == "bookings") & (rows["kind"] == "rep")]
    assert bars["month"].tolist() == ["2025-12", *MONTHS]
    assert bars["value"].isna().tolist() == [True, False, False, True]
    assert len(rows) == 5 * 4


def test_a_spec_built_once_redraws_another_reps_rows():
    template = review_trend_chart(_trend(1.0), "win_rate", "en", MONTHS).to_dict()
    other = _trend(3.0)
    swapped = with_data(template, review_trend_data(other, "win_rate", "en", MONTHS))
    built = review_trend_chart(other, "win_rate", "en", MONTHS).to_dict()
    assert list(swapped["datasets"].values()) == [
        [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
         for row in next(iter(built["datasets"].values()))]]
    assert {k: v for k, v in swapped.items() if k not in ("datasets", "data")} == \
        {k: v for k, v in built.items() if k not in ("datasets", "data")}
