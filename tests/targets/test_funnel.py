"""Reverse funnel, hand-checked on a tiny team of two reps."""

import numpy as np
import pandas as pd
import pytest

from workbench.targets import reverse_funnel
from workbench.targets.funnel import shrink

D = pd.Timestamp


def _tiny():
    reps = pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Ann", "Bo"], "team": ["T", "T"], "region": ["R", "R"],
                         "hire_date": pd.to_datetime(["2020-01-01", "2020-01-01"])})
    # r1: 2 won (100, 300), 2 lost in Jan-Mar 2026; r2: 3 won (200 each), 3 lost
    rows = [("o1", "r1", "2025-12-01", "2026-01-31", 100.0, "won"), ("o2", "r1", "2026-01-15", "2026-02-14", 300.0, "won"),
            ("o3", "r1", "2026-01-05", "2026-02-20", 50.0, "lost"), ("o4", "r1", "2026-02-01", "2026-03-10", 50.0, "lost")]
    rows += [(f"p{i}", "r2", "2026-01-02", "2026-01-20", 200.0, "won") for i in range(3)]
    rows += [(f"q{i}", "r2", "2026-01-02", "2026-03-20", 80.0, "lost") for i in range(3)]
    opps = pd.DataFrame(rows, columns=["opportunity_id", "rep_id", "created_at", "closed_at", "amount", "outcome"])
    opps["created_at"] = pd.to_datetime(opps["created_at"])
    opps["closed_at"] = pd.to_datetime(opps["closed_at"])
    opps["stage"] = np.where(opps["outcome"] == "won", "Closed Won", "Closed Lost")
    acts = []
    days = pd.to_datetime(["2026-01-12", "2026-02-10", "2026-03-10"])
    for rep, kinds in (("r1", ["call"] * 40 + ["meeting"] * 10), ("r2", ["call"] * 60)):
        for i, kind in enumerate(kinds):
            acts.append((f"{rep}-{i}", rep, kind, days[i % 3]))
    activities = pd.DataFrame(acts, columns=["activity_id", "rep_id", "type", "at"])
    return {"reps": reps, "opportunities": opps, "activities": activities}


def test_reverse_funnel_hand_checked_without_shrinkage():
    data = _tiny()
    before = {k: v.copy() for k, v in data.items()}
    r = reverse_funnel(data, pd.DataFrame({"entity_id": ["r1"], "target": [1000.0]}), "2026-04",
                       lookback_months=3, prior_strength=0, as_of="2026-03")
    row = r.plan.iloc[0]
    # deal size 400/2 = 200 -> 5 deals won; win rate 2/4 -> 10 decided; 4 decided / 50 activities -> 125
    assert row["deals_won"] == pytest.approx(5.0)
    assert row["decided_deals"] == pytest.approx(10.0)
    assert row["activities"] == pytest.approx(125.0)
    assert row["workdays"] == 22  # April 2026 has 22 weekdays
    assert row["activities_per_week"] == pytest.approx(125.0 / 4.4)
    assert row["activities_per_workday"] == pytest.approx(125.0 / 22)
    # today: 50 activities over the 22 + 20 + 22 weekdays of Jan-Mar
    assert row["current_activities_per_workday"] == pytest.approx(50 / 64)
    assert row["gap_per_workday"] == pytest.approx(125.0 / 22 - 50 / 64)
    # cycle: monthly medians 61 (Jan) and 30 (Feb) days -> 45.5 days before April 1st
    assert row["start_deals_by"] == D("2026-02-14")
    by_type = r.activity_plan.set_index("type")
    assert by_type.loc["call", "per_workday"] == pytest.approx(0.8 * 125 / 22)
    assert by_type.loc["meeting", "per_week"] == pytest.approx(0.2 * 125 / 4.4)
    assert r.window == "2026-01..2026-03"
    for k in data:
        pd.testing.assert_frame_equal(data[k], before[k])


def test_reverse_funnel_shrinks_toward_the_team_and_shows_it():
    r = reverse_funnel(_tiny(), pd.DataFrame({"entity_id": ["r1"], "target": [1000.0]}), "2026-04",
                       lookback_months=3, prior_strength=4, as_of="2026-03")
    a = r.assumptions.set_index("factor")
    # decided per activity: rep 4/50, team 10/110, evidence 4 decided deals, k = 4
    assert a.loc["opportunities_per_activity", "rep_value"] == pytest.approx(0.08)
    assert a.loc["opportunities_per_activity", "team_value"] == pytest.approx(10 / 110)
    assert a.loc["opportunities_per_activity", "weight_rep"] == pytest.approx(0.5)
    used = (4 * 0.08 + 4 * 10 / 110) / 8
    assert a.loc["opportunities_per_activity", "used"] == pytest.approx(used)
    assert a.loc["avg_deal_size", "evidence"] == 2  # won deals
    assert r.plan.iloc[0]["activities"] == pytest.approx(10 / used)
    assert set(a.index) >= {"win_rate", "avg_deal_size", "cycle_days_median"}


def test_shrink_and_errors():
    assert shrink(np.nan, 0.3, 10, 5) == pytest.approx(0.3)
    assert shrink(0.5, 0.3, 10, 0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="entity_id and target"):
        reverse_funnel(_tiny(), pd.DataFrame({"rep": ["r1"]}), "2026-04")
    with pytest.raises(ValueError, match="'zz' is not in the reps table"):
        reverse_funnel(_tiny(), pd.DataFrame({"entity_id": ["zz"], "target": [1.0]}), "2026-04",
                       lookback_months=3, as_of="2026-03")


def test_a_rep_hired_after_the_window_takes_the_teams_rates():
    data = _tiny()
    data["reps"] = pd.concat([data["reps"], pd.DataFrame({
        "rep_id": ["r3"], "name": ["Cy"], "team": ["T"], "region": ["R"], "hire_date": [D("2026-04-01")]})])
    r = reverse_funnel(data, pd.DataFrame({"entity_id": ["r3"], "target": [1000.0]}), "2026-04",
                       lookback_months=3, prior_strength=20, as_of="2026-03")
    row = r.plan.iloc[0]
    # team: deal size 1000/5 = 200, win rate 5/10, 10 decided per 110 activities
    assert row["deals_won"] == pytest.approx(5.0)
    assert row["decided_deals"] == pytest.approx(10.0)
    assert row["activities"] == pytest.approx(110.0)
    assert np.isnan(row["current_activities_per_workday"])
    assert (r.assumptions.loc[r.assumptions["factor"] != "cycle_days_median", "weight_rep"] == 0).all()
    # the team's activity mix: 100 calls, 10 meetings
    assert r.activity_plan.set_index("type").loc["call", "share"] == pytest.approx(100 / 110)
