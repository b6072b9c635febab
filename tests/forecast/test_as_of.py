"""data_as_of: the CRM as it stood at a past date, checked on a hand-made frame."""

import pandas as pd
import pytest

from workbench import load
from workbench.forecast import data_as_of

T = "2026-02-01"


@pytest.fixture()
def tables():
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "name": ["Ann", "Bo"], "team": ["East", "East"],
                         "region": ["N", "N"]})
    opps = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5"],
        "rep_id": ["R1", "R1", "R2", "R2", "R1"],
        "created_at": ["2026-01-05", "2026-01-10", "2026-01-15", "2026-01-20", "2026-03-01"],
        "first_touch_at": ["2026-01-06", "2026-02-05", None, "2026-01-21", None],
        "stage": ["Closed Won", "Closed Lost", "Closed Won", "Proposal", "Prospecting"],
        "amount": [100.0, 200.0, 300.0, 400.0, 500.0],
        "closed_at": ["2026-01-25", "2026-02-20", "2026-03-10", None, None],
        "outcome": ["won", "lost", "won", "open", "open"],
        "lost_reason": [None, "price", None, None, None],
    })
    history = pd.DataFrame({
        "opportunity_id": ["O1", "O1", "O2", "O2", "O2", "O4", "O4"],
        "stage": ["Prospecting", "Closed Won", "Prospecting", "Proposal", "Closed Lost", "Prospecting", "Proposal"],
        "entered_at": ["2026-01-05", "2026-01-25", "2026-01-10", "2026-01-28", "2026-02-20", "2026-01-20",
                       "2026-02-10"],
    })
    activities = pd.DataFrame({"activity_id": ["A1", "A2", "A3"], "rep_id": ["R1", "R1", "R2"],
                               "opportunity_id": ["O2", "O2", "O4"], "type": ["call", "email", "call"],
                               "at": ["2026-01-12", "2026-02-03", "2026-01-22"]})
    targets = pd.DataFrame({"entity_type": ["rep"], "entity_id": ["R1"], "period": ["2026-03"],
                            "metric": ["bookings"], "target": [1000.0]})
    stages = ["Prospecting", "Qualification", "Proposal"]
    return {"reps": reps, "opportunities": opps, "stage_history": history, "activities": activities,
            "targets": targets, "stages": stages}


def test_deals_are_as_they_stood(tables):
    then = data_as_of(tables, T)
    opps = then.opportunities.set_index("opportunity_id")
    assert list(opps.index) == ["O1", "O2", "O3", "O4"]  # O5 was created after T
    assert opps.loc["O1", "outcome"] == "won" and opps.loc["O1", "closed_at"] == pd.Timestamp("2026-01-25")
    # O2 closed after T: open, in the last stage it had entered before T, reason for losing unknown yet
    assert opps.loc["O2", "outcome"] == "open" and pd.isna(opps.loc["O2", "closed_at"])
    assert opps.loc["O2", "stage"] == "Proposal"
    assert pd.isna(opps.loc["O2", "lost_reason"]) or opps.loc["O2", "lost_reason"] == ""
    assert pd.isna(opps.loc["O2", "first_touch_at"])  # first touched after T
    # O3 closed after T with no stage history: the first open stage
    assert opps.loc["O3", "outcome"] == "open" and opps.loc["O3", "stage"] == "Prospecting"
    # O4 still open: unchanged (its stage is the CRM's current one)
    assert opps.loc["O4", "outcome"] == "open" and opps.loc["O4", "stage"] == "Proposal"


def test_later_events_are_dropped_and_targets_kept(tables):
    then = data_as_of(tables, T)
    assert sorted(then.activities["activity_id"]) == ["A1", "A3"]
    history = then.stage_history
    assert (history["entered_at"] <= pd.Timestamp(T)).all()
    assert len(history) == 5
    assert len(then.targets) == 1 and then.targets["target"].iloc[0] == 1000.0
    assert len(then.reps) == 2
    assert list(then.stages) == ["Prospecting", "Qualification", "Proposal"]
    assert then.quarantine.empty


def test_pure_and_idempotent(tables):
    data = load(tables)
    before = data.opportunities.copy()
    then = data_as_of(data, T)
    pd.testing.assert_frame_equal(data.opportunities, before)
    again = data_as_of(then, T)
    pd.testing.assert_frame_equal(again.opportunities.reset_index(drop=True),
                                  then.opportunities.reset_index(drop=True))
    assert len(data_as_of(data, "2030-01-01").opportunities) == len(before)


def test_unknown_stage_without_a_stage_config(tables):
    tables = {k: v for k, v in tables.items() if k not in ("stages", "stage_history")}
    then = data_as_of(tables, T, tables=("activities",))
    opps = then.opportunities.set_index("opportunity_id")
    assert opps.loc["O2", "stage"] == "unknown"
    assert then.targets is None  # only the tables asked for
    assert then.activities is not None


def test_needs_a_date(tables):
    with pytest.raises(ValueError, match="needs a date"):
        data_as_of(tables, None)
