"""Every KPI checked against numbers worked out by hand on tests/kpi/handmade.py.

The expected values are derived in the comments from the rows of the handmade dataset,
not by re-running the engine. NaN means "undefined" (a zero or missing denominator).
"""

from __future__ import annotations

import math
import numpy as np
import pandas as pd
import pytest

from tests.kpi.handmade import handmade_data, handmade_kpis
from workbench.kpi import compute_kpis

NAN = float("nan")
LEAD_DEMO, DEMO_PROPOSAL, PROPOSAL_WON = "Lead→Demo", "Demo→Proposal", "Proposal→won"


def kpis_for(by: str, freq: str = "M") -> pd.DataFrame:
    return handmade_kpis(by, freq)


def value(kpis: pd.DataFrame, entity: str, period: str, metric: str, detail: str = "") -> float:
    rows = kpis[
        (kpis["entity_id"] == entity)
        & (kpis["period"] == pd.Timestamp(period))
        & (kpis["metric"] == metric)
        & (kpis["detail"] == detail)
    ]
    assert len(rows) == 1, f"expected one row for {entity} {period} {metric} {detail!r}, got {len(rows)}"
    return float(rows["value"].iloc[0])


def cases(rows, width):
    """Pad rows without a detail with "" and give each a readable id."""
    padded = [row if len(row) == width + 1 else (*row, "") for row in rows]
    return [pytest.param(*row, id="-".join(str(x) for x in row if x != "")) for row in padded]


def check(by, freq, entity, period, metric, expected, detail=""):
    got = value(kpis_for(by, freq), entity, period, metric, detail)
    if math.isnan(expected):
        assert math.isnan(got), f"{by} {entity} {period} {metric} {detail}: expected NaN, got {got}"
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), f"{by} {entity} {period} {metric} {detail}"


# (entity, period, metric, expected[, detail]) — rep level, monthly.
REP_MONTH = [
    # --- r1 a year earlier: o0 created 2025-02-03 09:00, first touch 10:00, won 2025-02-20 09:00, 50.
    ("r1", "2025-02-01", "bookings", 50.0),
    ("r1", "2025-02-01", "deals_won", 1.0),
    ("r1", "2025-02-01", "win_rate", 1.0),  # 1 won / (1 won + 0 lost)
    ("r1", "2025-02-01", "cycle_days_median", 17.0),  # Feb 3 09:00 -> Feb 20 09:00
    ("r1", "2025-02-01", "follow_up_hours_median", 1.0),
    ("r1", "2025-02-01", "new_accounts", 1.0),  # a0's first win
    ("r1", "2025-02-01", "activities_per_workday", 0.0),  # hired 2025-01-01, no activity
    ("r1", "2025-02-01", "bookings_growth_pop", NAN),  # Jan 2025 is before the data
    ("r1", "2025-03-01", "bookings_growth_pop", -1.0),  # 0 / 50 - 1
    ("r1", "2025-04-01", "bookings_growth_pop", NAN),  # 0 / 0: previous period is 0
    ("r1", "2025-03-01", "bookings", 0.0),  # empty period: counts are 0 ...
    ("r1", "2025-03-01", "deals_won", 0.0),
    ("r1", "2025-03-01", "pipeline_created", 0.0),
    ("r1", "2025-03-01", "win_rate", NAN),  # ... ratios are NaN
    ("r1", "2025-03-01", "avg_deal_size", NAN),
    # --- r1 January 2026: o1 (100) and o2 (50) created; nothing closes.
    ("r1", "2026-01-01", "bookings", 0.0),
    ("r1", "2026-01-01", "win_rate", NAN),  # no deal closed: 0 / 0
    ("r1", "2026-01-01", "pipeline_created", 150.0),
    ("r1", "2026-01-01", "open_pipeline", 150.0),  # o1 and o2 still open on Feb 1
    # o1 has no first_touch_at: first activity x1 at Jan 6 09:00 = 24 h; o2 touched after 1 h.
    ("r1", "2026-01-01", "follow_up_hours_median", 12.5),  # median(24, 1)
    ("r1", "2026-01-01", "touched_within_24h_share", 1.0),  # 24 h counts as within 24 h
    ("r1", "2026-01-01", "activities_per_workday", 4 / 22),  # x1, x2, x6, x7 over 22 weekdays
    ("r1", "2026-01-01", "quota_attainment", 0.0),  # 0 / 200
    ("r1", "2026-01-01", "pipeline_coverage", 0.75),  # open 150 / February target 200
    ("r1", "2026-01-01", "order_completion_rate", 0.5),  # d1 completed, d2 cancelled, d3 pending left out
    ("r1", "2026-01-01", "csat_responses", 0.0),
    ("r1", "2026-01-01", "csat_mean", NAN),
    ("r1", "2026-01-01", "bookings_growth_yoy", NAN),  # Jan 2025 is before the data
    ("r1", "2026-01-01", "stage_conversion", 1.0, LEAD_DEMO),  # o1, o2 entered Lead; both reached Demo
    ("r1", "2026-01-01", "stage_conversion", 0.5, DEMO_PROPOSAL),  # o1 went on, o2 stopped at Demo
    ("r1", "2026-01-01", "stage_conversion", NAN, PROPOSAL_WON),  # nobody entered Proposal in Jan
    # --- r1 February 2026: o1 won (100, 36 days), o2 lost.
    ("r1", "2026-02-01", "bookings", 100.0),
    ("r1", "2026-02-01", "deals_won", 1.0),
    ("r1", "2026-02-01", "win_rate", 0.5),
    ("r1", "2026-02-01", "avg_deal_size", 100.0),
    ("r1", "2026-02-01", "cycle_days_median", 36.0),  # Jan 5 09:00 -> Feb 10 09:00
    ("r1", "2026-02-01", "bookings_growth_pop", NAN),  # January bookings were 0
    ("r1", "2026-02-01", "bookings_growth_yoy", 1.0),  # 100 / 50 (Feb 2025) - 1
    ("r1", "2026-02-01", "quota_attainment", 0.5),  # 100 / 200
    ("r1", "2026-02-01", "open_pipeline", 0.0),
    ("r1", "2026-02-01", "pipeline_coverage", NAN),  # March target is 0: division by zero
    ("r1", "2026-02-01", "follow_up_hours_median", NAN),  # nothing created
    ("r1", "2026-02-01", "order_completion_rate", NAN),  # no orders
    ("r1", "2026-02-01", "csat_mean", 4.5),  # s1 4, s2 5
    ("r1", "2026-02-01", "csat_responses", 2.0),
    ("r1", "2026-02-01", "new_accounts", 1.0),  # a1's first win is o1 (o5 wins a1 again in March)
    ("r1", "2026-02-01", "stage_conversion", 1.0, PROPOSAL_WON),  # o1 entered Proposal Feb 1, won
    # --- r1 March 2026: nothing happens; target 0.
    ("r1", "2026-03-01", "bookings_growth_pop", -1.0),  # 0 / 100 - 1
    ("r1", "2026-03-01", "bookings_growth_yoy", NAN),  # Mar 2025 bookings were 0
    ("r1", "2026-03-01", "quota_attainment", NAN),  # target 0: division by zero
    ("r1", "2026-03-01", "pipeline_coverage", NAN),  # no April target
    ("r1", "2026-03-01", "activities_per_workday", 0.0),
    # --- r2: o5 (Jan 10, touched a day BEFORE creation, won Mar 5, 40), o3 (Feb 2, never touched,
    # won Feb 20, 30), o6 (Mar 10, first activity x3 after 36 h, lost Mar 20, 20). Target 90 for
    # 2026-Q1 = 30 a month.
    ("r2", "2026-01-01", "pipeline_created", 40.0),
    ("r2", "2026-01-01", "follow_up_hours_median", 0.0),  # touch before creation counts as 0 h
    ("r2", "2026-01-01", "touched_within_24h_share", 1.0),
    # r2's target is 90 for 2026-Q1 (90 days): 1 a day, so 31 in January, 28 in February, 31 in March.
    ("r2", "2026-01-01", "bookings_target", 31.0),
    ("r2", "2026-01-01", "quota_attainment", 0.0),  # 0 / 31
    ("r2", "2026-01-01", "pipeline_coverage", 40 / 28),  # o5 open at Jan end / Feb target 28
    ("r2", "2026-01-01", "activities_per_workday", 0.0),  # no hire date: always on the roster
    ("r2", "2026-01-01", "stage_conversion", 1.0, LEAD_DEMO),  # o5 entered Lead in Jan, won
    ("r2", "2026-02-01", "bookings", 30.0),
    ("r2", "2026-02-01", "win_rate", 1.0),
    ("r2", "2026-02-01", "cycle_days_median", 18.0),  # Feb 2 -> Feb 20
    ("r2", "2026-02-01", "follow_up_hours_median", NAN),  # o3 never touched
    ("r2", "2026-02-01", "touched_within_24h_share", NAN),  # no known touch: 0 / 0
    ("r2", "2026-02-01", "bookings_target", 28.0),
    ("r2", "2026-02-01", "quota_attainment", 30 / 28),
    ("r2", "2026-02-01", "open_pipeline", 40.0),  # o5
    ("r2", "2026-02-01", "pipeline_coverage", 40 / 31),  # o5 / March target 31
    ("r2", "2026-02-01", "order_completion_rate", NAN),  # only a pending order
    ("r2", "2026-02-01", "csat_mean", 3.0),
    ("r2", "2026-02-01", "new_accounts", 1.0),  # a2
    ("r2", "2026-02-01", "stage_conversion", 1.0, LEAD_DEMO),  # o3 went from Lead to won (skips Demo)
    ("r2", "2026-02-01", "stage_conversion", 1.0, PROPOSAL_WON),  # o5 entered Proposal Feb 20, won
    ("r2", "2026-03-01", "bookings", 40.0),
    ("r2", "2026-03-01", "bookings_growth_pop", 40 / 30 - 1),
    ("r2", "2026-03-01", "win_rate", 0.5),  # o5 won, o6 lost
    ("r2", "2026-03-01", "avg_deal_size", 40.0),
    ("r2", "2026-03-01", "cycle_days_median", 54.0),  # Jan 10 -> Mar 5 = 21 + 28 + 5 days
    ("r2", "2026-03-01", "follow_up_hours_median", 36.0),  # o6: x3 at Mar 11 21:00
    ("r2", "2026-03-01", "touched_within_24h_share", 0.0),
    ("r2", "2026-03-01", "quota_attainment", 40 / 31),
    ("r2", "2026-03-01", "activities_per_workday", 2 / 22),  # x3, x4
    ("r2", "2026-03-01", "order_completion_rate", 1.0),
    ("r2", "2026-03-01", "new_accounts", 0.0),  # o5 is a1's second win
    ("r2", "2026-03-01", "stage_conversion", 0.0, DEMO_PROPOSAL),  # o6 entered Demo, lost
    ("r2", "2026-01-01", "stage_conversion", NAN, DEMO_PROPOSAL),  # o5 skipped Demo: not counted
    # --- r3, hired 2026-02-15: not on the roster in January.
    ("r3", "2026-01-01", "activities_per_workday", NAN),  # no active rep: division by zero
    ("r3", "2026-02-01", "activities_per_workday", 1 / 20),  # x5; hired before Feb ends
    ("r3", "2026-03-01", "pipeline_created", 70.0),
    ("r3", "2026-03-01", "follow_up_hours_median", 48.0),  # o4 touched Mar 4 09:00
    ("r3", "2026-03-01", "open_pipeline", 70.0),
    ("r3", "2026-03-01", "quota_attainment", NAN),  # r3 has no target
    ("r3", "2026-03-01", "csat_mean", 2.0),
    ("r3", "2026-03-01", "stage_conversion", 1.0, LEAD_DEMO),
    ("r3", "2026-03-01", "stage_conversion", 0.0, DEMO_PROPOSAL),  # o4 still open in Demo
    # --- r4: no deals, no activities.
    ("r4", "2026-02-01", "bookings", 0.0),
    ("r4", "2026-02-01", "deals_won", 0.0),
    ("r4", "2026-02-01", "new_accounts", 0.0),
    ("r4", "2026-02-01", "win_rate", NAN),
    ("r4", "2026-02-01", "avg_deal_size", NAN),
    ("r4", "2026-02-01", "cycle_days_median", NAN),
    ("r4", "2026-02-01", "activities_per_workday", 0.0),
    ("r4", "2025-05-01", "activities_per_workday", NAN),  # hired on 2025-06-01, the day May ends
    ("r4", "2025-06-01", "activities_per_workday", 0.0),
]


@pytest.mark.parametrize("entity, period, metric, expected, detail", cases(REP_MONTH, 4))
def test_rep_month(entity, period, metric, expected, detail):
    check("rep", "M", entity, period, metric, expected, detail)


# Team and region roll-ups. East = r1 + r2 (no own target: sum of its reps' targets);
# West = r3 + r4 with own targets 50 (Feb) and 100 (Mar). North = East's reps, South = West's
# reps but with no target of its own and no rep targets.
ROLLUPS = [
    ("team", "East", "2026-01-01", "pipeline_created", 190.0),  # o1 100 + o2 50 + o5 40
    ("team", "East", "2026-01-01", "follow_up_hours_median", 1.0),  # median(24, 1, 0)
    ("team", "East", "2026-01-01", "activities_per_workday", 4 / (22 * 2)),  # 2 reps on the roster
    ("team", "East", "2026-01-01", "bookings_target", 231.0),  # r1 200 + r2 31
    ("team", "East", "2026-01-01", "quota_attainment", 0.0),  # 0 / 231
    ("team", "East", "2026-01-01", "pipeline_coverage", 190 / 228),  # Feb: 200 + 28
    ("team", "East", "2026-02-01", "bookings", 130.0),
    ("team", "East", "2026-02-01", "win_rate", 2 / 3),  # o1, o3 won; o2 lost
    ("team", "East", "2026-02-01", "avg_deal_size", 65.0),
    ("team", "East", "2026-02-01", "cycle_days_median", 27.0),  # median(36, 18)
    ("team", "East", "2026-02-01", "quota_attainment", 130 / 228),
    ("team", "East", "2026-02-01", "pipeline_coverage", 40 / 31),  # o5 / March (0 + 31)
    ("team", "East", "2026-02-01", "bookings_growth_yoy", 130 / 50 - 1),
    ("team", "East", "2026-02-01", "csat_mean", 4.0),  # 4, 5, 3
    ("team", "East", "2026-02-01", "csat_responses", 3.0),
    ("team", "East", "2026-02-01", "new_accounts", 2.0),  # a1, a2
    ("team", "East", "2026-03-01", "bookings_growth_pop", 40 / 130 - 1),
    ("team", "East", "2026-03-01", "quota_attainment", 40 / 31),  # r1's target 0 still counts
    ("team", "West", "2026-01-01", "quota_attainment", NAN),  # no own target, no rep targets
    ("team", "West", "2026-01-01", "bookings_target", NAN),
    ("team", "West", "2026-01-01", "pipeline_coverage", 0.0),  # nothing open / own Feb target 50
    ("team", "West", "2026-01-01", "activities_per_workday", 0.0),  # r4 on the roster, r3 not yet
    ("team", "West", "2026-02-01", "activities_per_workday", 1 / (20 * 2)),
    ("team", "West", "2026-02-01", "quota_attainment", 0.0),  # 0 / own 50
    ("team", "West", "2026-03-01", "open_pipeline", 70.0),
    ("team", "West", "2026-03-01", "stage_conversion", 1.0, LEAD_DEMO),
    ("region", "North", "2026-02-01", "bookings", 130.0),
    ("region", "North", "2026-02-01", "market_share", 0.13),  # 130 / (3000 / 3)
    ("region", "North", "2026-03-01", "market_share", 0.04),
    ("region", "North", "2025-02-01", "market_share", NAN),  # no market size known
    ("region", "South", "2026-02-01", "market_share", 0.0),  # 0 / ((600 + 300) / 3)
    ("region", "South", "2026-02-01", "quota_attainment", NAN),  # South has no targets at all
    ("region", "South", "2026-01-01", "pipeline_coverage", NAN),
    ("company", "company", "2025-02-01", "new_accounts", 1.0),
    ("company", "company", "2026-01-01", "activities_per_workday", 4 / (22 * 3)),  # r3 not hired yet
    # the company's own target (written for "ACME") is 600 for 2026-Q1: 600 / 90 a day
    ("company", "company", "2026-01-01", "bookings_target", 600 * 31 / 90),
    ("company", "company", "2026-01-01", "pipeline_coverage", 190 / (600 * 28 / 90)),
    ("company", "company", "2026-02-01", "activities_per_workday", 1 / (20 * 4)),
    ("company", "company", "2026-02-01", "quota_attainment", 130 / (600 * 28 / 90)),
    ("company", "company", "2026-02-01", "market_share", 0.1),  # 130 / (1000 + 300)
    ("company", "company", "2026-02-01", "new_accounts", 2.0),
    ("company", "company", "2026-03-01", "order_completion_rate", 1.0),
    ("company", "company", "2026-01-01", "order_completion_rate", 0.5),
]


@pytest.mark.parametrize("by, entity, period, metric, expected, detail", cases(ROLLUPS, 5))
def test_rollups(by, entity, period, metric, expected, detail):
    check(by, "M", entity, period, metric, expected, detail)


# Quarters: the grid runs 2025-Q1 .. 2026-Q1.
QUARTERS = [
    ("rep", "r1", "2026-01-01", "bookings", 100.0),
    ("rep", "r1", "2026-01-01", "win_rate", 0.5),
    ("rep", "r1", "2026-01-01", "quota_attainment", 100 / 400),  # monthly 200 + 200 + 0 summed
    ("rep", "r1", "2026-01-01", "bookings_growth_yoy", 1.0),  # 100 / 50 (2025-Q1) - 1
    ("rep", "r1", "2026-01-01", "bookings_growth_pop", NAN),  # 2025-Q4 was 0
    ("rep", "r1", "2025-04-01", "bookings_growth_pop", -1.0),
    ("rep", "r2", "2026-01-01", "bookings", 70.0),
    ("rep", "r2", "2026-01-01", "quota_attainment", 70 / 90),  # the quarterly target as given
    ("rep", "r2", "2026-01-01", "win_rate", 2 / 3),
    ("rep", "r2", "2026-01-01", "cycle_days_median", 36.0),  # median(18, 54)
    ("company", "company", "2026-01-01", "bookings", 170.0),
    ("company", "company", "2026-01-01", "quota_attainment", 170 / 600),
    ("company", "company", "2026-01-01", "activities_per_workday", 7 / (64 * 4)),
    ("company", "company", "2026-01-01", "open_pipeline", 70.0),  # o4 open on Apr 1
    ("company", "company", "2026-01-01", "pipeline_coverage", NAN),  # no 2026-Q2 target
    ("company", "company", "2026-01-01", "market_share", 170 / 3900),
    # Lead entered by o1 o2 o3 o4 o5, all moved on; Demo by o1 o2 o4 o6, only o1 moved on.
    ("company", "company", "2026-01-01", "stage_conversion", 1.0, LEAD_DEMO),
    ("company", "company", "2026-01-01", "stage_conversion", 0.25, DEMO_PROPOSAL),
    ("company", "company", "2026-01-01", "stage_conversion", 1.0, PROPOSAL_WON),  # o1, o5
    # West has own targets for February and March only: the quarter's target is not known
    # (a partial sum would overstate attainment), and r3, r4 have no targets to roll up.
    ("team", "West", "2026-01-01", "bookings_target", NAN),
    ("team", "West", "2026-01-01", "quota_attainment", NAN),
    ("rep", "r1", "2026-01-01", "bookings_target", 400.0),
]


@pytest.mark.parametrize("by, entity, period, metric, expected, detail", cases(QUARTERS, 5))
def test_quarters(by, entity, period, metric, expected, detail):
    check(by, "Q", entity, period, metric, expected, detail)


def test_grid_is_every_entity_times_every_period():
    kpis = kpis_for("rep")
    periods = pd.date_range("2025-02-01", "2026-03-01", freq="MS")
    per_entity = kpis.groupby("entity_id")["period"].nunique()
    assert per_entity.to_dict() == {"r1": len(periods), "r2": len(periods), "r3": len(periods), "r4": len(periods)}
    assert sorted(kpis["period"].unique()) == list(periods)
    rows_per_cell = kpis.groupby(["entity_id", "period"]).size()
    assert rows_per_cell.nunique() == 1  # every cell has every metric


def test_no_infinities_anywhere():
    for by in ("rep", "team", "region", "company"):
        for freq in ("M", "Q"):
            values = kpis_for(by, freq)["value"].to_numpy()
            assert not np.isinf(values).any(), (by, freq)


def test_output_columns_and_types():
    kpis = kpis_for("rep")
    assert list(kpis.columns) == ["entity_type", "entity_id", "period", "metric", "detail", "value"]
    assert kpis["value"].dtype == "float64"
    assert str(kpis["period"].dtype).startswith("datetime64")
    assert set(kpis["entity_type"]) == {"rep"}
    assert set(kpis.loc[kpis.metric != "stage_conversion", "detail"]) == {""}
    assert set(kpis.loc[kpis.metric == "stage_conversion", "detail"]) == {LEAD_DEMO, DEMO_PROPOSAL, PROPOSAL_WON}


def test_market_share_is_not_reported_for_reps_and_teams():
    assert "market_share" not in set(kpis_for("rep")["metric"])
    assert "market_share" not in set(kpis_for("team")["metric"])
    assert "market_share" in set(kpis_for("region")["metric"])


def test_several_levels_at_once_match_single_levels():
    both = compute_kpis(handmade_data(), by=["team", "company"])
    assert list(dict.fromkeys(both["entity_type"])) == ["team", "company"]
    team = both[both.entity_type == "team"].reset_index(drop=True)
    pd.testing.assert_frame_equal(team, kpis_for("team"))


def test_start_and_end_limit_the_periods_but_not_the_look_back():
    kpis = compute_kpis(handmade_data(), by="rep", start="2026-01", end="2026-02")
    assert sorted(kpis["period"].unique()) == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert value(kpis, "r1", "2026-02-01", "bookings_growth_yoy") == pytest.approx(1.0)  # Feb 2025 still used
    assert value(kpis, "r2", "2026-01-01", "open_pipeline") == pytest.approx(40.0)


def test_weekly_periods_start_on_monday():
    kpis = compute_kpis(handmade_data(), by="company", freq="W", metrics=["bookings", "activities_per_workday"])
    assert (kpis["period"].dt.day_of_week == 0).all()
    # o1 won on Tue 2026-02-10: week of Mon 2026-02-09. x1, x2, x6 fall in the week of Mon 2026-01-05,
    # when r1, r2 and r4 were on the roster: 3 / (5 weekdays x 3 reps).
    assert value(kpis, "company", "2026-02-09", "bookings") == pytest.approx(100.0)
    assert value(kpis, "company", "2026-01-05", "activities_per_workday") == pytest.approx(3 / 15)


def test_metrics_subset_keeps_registry_order():
    kpis = compute_kpis(handmade_data(), by="rep", metrics=["win_rate", "bookings"])
    assert list(dict.fromkeys(kpis["metric"])) == ["bookings", "win_rate"]
