"""The targets rules (workbench.kpi.targets), against values worked out by hand."""

import math

import pandas as pd
import pytest

from workbench.kpi.targets import attainment, period_targets, window_targets

REPS = pd.DataFrame({
    "rep_id": ["a", "b", "c"],
    "team": ["T", "T", "U"],
    "region": ["N", "N", "N"],
    "hire_date": pd.to_datetime([None, "2026-02-15", None]),
})


def targets(*rows):
    return pd.DataFrame(rows, columns=["entity_type", "entity_id", "period", "metric", "target"])


def value(frame, entity, period=None):
    rows = frame[frame["entity_id"] == entity]
    if period is not None:
        rows = rows[rows["period"] == pd.Timestamp(period)]
    assert len(rows) == 1
    return rows["target"].iloc[0]


def test_a_quarter_is_spread_by_days_and_the_shortest_period_wins():
    t = targets(("rep", "a", "2026-Q1", "bookings", 900.0), ("rep", "a", "2026-02", "bookings", 10.0))
    out = period_targets(t, REPS, freq="M", by="rep", start="2026-01", end="2026-03")
    assert value(out, "a", "2026-01-01") == pytest.approx(900 * 31 / 90)
    assert value(out, "a", "2026-02-01") == pytest.approx(10.0)  # the monthly target wins in February
    assert value(out, "a", "2026-03-01") == pytest.approx(900 * 31 / 90)


@pytest.mark.parametrize("dense_cells", [1_000_000, -10**9])  # the dense count, and the sort it replaces
def test_the_shortest_period_wins_counted_densely_or_sorted(monkeypatch, dense_cells):
    from workbench.kpi import targets as module

    monkeypatch.setattr(module, "_DENSE_CELLS", dense_cells)
    t = targets(("rep", "a", "2026", "bookings", 3650.0), ("rep", "a", "2026-Q1", "bookings", 900.0),
                ("rep", "a", "2026-02", "bookings", 10.0), ("rep", "a", "2026-02", "bookings", 99.0),
                ("rep", "b", "2026-Q1", "bookings", 90.0))
    out = period_targets(t, REPS, freq="M", by="rep", start="2026-01", end="2026-04")
    assert value(out, "a", "2026-01-01") == pytest.approx(900 * 31 / 90)  # the quarter beats the year
    assert value(out, "a", "2026-02-01") == pytest.approx(10.0)  # the month beats both; of two, the first row
    assert value(out, "a", "2026-04-01") == pytest.approx(3650 * 30 / 365)  # only the year covers April
    assert value(out, "b", "2026-03-01") == pytest.approx(90 * 31 / 90)


def test_weeks_add_up_into_months_split_at_the_month_end():
    # ISO week 2026-W05 runs Mon 26 Jan .. Sun 1 Feb: 6 days in January, 1 in February
    weeks = [("rep", "a", f"2026-W{w:02d}", "bookings", 70.0) for w in range(1, 10)]
    out = period_targets(targets(*weeks), REPS, freq="M", by="rep", start="2026-01", end="2026-02")
    # W01 starts Mon 29 Dec 2025: January holds 4 of its days + W02..W04 + 6 days of W05
    assert value(out, "a", "2026-01-01") == pytest.approx(10 * (4 + 21 + 6))
    # February: 1 day of W05, W06..W08, and 23..28 Feb of W09 (which ends on 1 March)
    assert value(out, "a", "2026-02-01") == pytest.approx(10 * (1 + 7 * 3 + 6))


def test_a_period_not_fully_covered_has_no_target():
    t = targets(("rep", "a", "2026-01", "bookings", 100.0), ("rep", "a", "2026-02", "bookings", 100.0))
    out = period_targets(t, REPS, freq="Q", by="rep", start="2026-Q1", end="2026-Q1")
    assert math.isnan(value(out, "a"))  # March has none: not 200 for the quarter


def test_coverage_starts_at_the_hire_date():
    # b is hired on 15 February; a target from 15 Feb on covers the month for b
    t = targets(("rep", "b", "2026-W08", "bookings", 7.0), ("rep", "b", "2026-W09", "bookings", 7.0),
                ("rep", "b", "2026-W07", "bookings", 7.0))
    out = period_targets(t, REPS, freq="M", by="rep", start="2026-02", end="2026-02")
    # W07 = 9..15 Feb, W08 = 16..22, W09 = 23 Feb..1 Mar: Feb holds 7 + 7 + 6 days
    assert value(out, "b") == pytest.approx(20.0)


def test_teams_roll_up_their_reps_unless_they_have_their_own():
    t = targets(("rep", "a", "2026-03", "bookings", 100.0), ("rep", "b", "2026-03", "bookings", 50.0),
                ("rep", "c", "2026-03", "bookings", 70.0), ("team", "U", "2026-03", "bookings", 500.0))
    out = period_targets(t, REPS, freq="M", by=["team", "region", "company"], start="2026-03", end="2026-03")
    assert value(out[out.entity_type == "team"], "T") == pytest.approx(150.0)
    assert value(out[out.entity_type == "team"], "U") == pytest.approx(500.0)  # own target wins
    assert value(out[out.entity_type == "region"], "N") == pytest.approx(220.0)  # reps, not teams
    assert value(out[out.entity_type == "company"], "company") == pytest.approx(220.0)


def test_company_targets_are_the_company_whatever_its_id():
    t = targets(("company", "ACME Ltd", "2026", "bookings", 365.0))
    out = period_targets(t, REPS, freq="M", by="company", start="2026-02", end="2026-02")
    assert value(out, "company") == pytest.approx(28.0)


def test_non_additive_targets_are_day_weighted_means_and_not_rolled_up():
    t = targets(("rep", "a", "2026-01", "csat", 4.0), ("rep", "a", "2026-02", "csat", 4.5))
    out = period_targets(t, REPS, metric="csat", freq="Q", by=["rep", "team"], start="2026-Q1", end="2026-Q1")
    assert math.isnan(value(out, "a"))  # March uncovered
    t = targets(("rep", "a", "2026-01", "csat", 4.0), ("rep", "a", "2026-02", "csat", 4.5),
                ("rep", "a", "2026-03", "csat", 4.0))
    out = period_targets(t, REPS, metric="csat", freq="Q", by=["rep", "team"], start="2026-Q1", end="2026-Q1")
    assert value(out, "a") == pytest.approx((4.0 * 31 + 4.5 * 28 + 4.0 * 31) / 90)
    assert math.isnan(value(out, "T"))


def test_window_target_is_the_sum_of_its_days():
    t = targets(("rep", "a", "2026-Q1", "bookings", 90.0), ("rep", "a", "2026-Q2", "bookings", 91.0))
    out = window_targets(t, REPS, start="2026-02-01", end="2026-05-01", by="rep")
    assert value(out, "a") == pytest.approx(28 + 31 + 30)


def test_no_targets_table_means_no_targets():
    out = period_targets(None, REPS, freq="M", by="rep", start="2026-01", end="2026-02")
    assert len(out) == 6 and out["target"].isna().all()


def test_attainment_is_missing_without_a_positive_target():
    assert attainment(50.0, 200.0) == 0.25
    assert math.isnan(attainment(50.0, 0.0)) and math.isnan(attainment(50.0, float("nan")))
