"""Target proposals, allocation and the backtest on a small deterministic sample."""

import re

import numpy as np
import pandas as pd
import pytest

from workbench.sample import generate_sample
from workbench.targets import PROPOSAL_COLUMNS, backtest_proposals, backtest_summary, propose_targets, ramp_curve


@pytest.fixture(scope="module")
def sample():
    return generate_sample(n_reps=20, months=30, seed=3)


@pytest.fixture(scope="module")
def with_new_hire(sample):
    """R003 hired on 2026-09-10: only its deals since then are kept."""
    data = {k: (v.copy() if isinstance(v, pd.DataFrame) else v) for k, v in sample.items()}
    reps = data["reps"]
    reps.loc[reps["rep_id"] == "R003", "hire_date"] = pd.Timestamp("2026-09-10")
    opps = data["opportunities"]
    drop = (opps["rep_id"] == "R003") & (opps["created_at"] < "2026-09-10")
    gone = set(opps.loc[drop, "opportunity_id"])
    data["opportunities"] = opps[~drop].reset_index(drop=True)
    data["stage_history"] = data["stage_history"][~data["stage_history"]["opportunity_id"].isin(gone)]
    acts = data["activities"]
    data["activities"] = acts[~((acts["rep_id"] == "R003") & (acts["at"] < "2026-09-10"))]
    return data


def test_proposals_are_quantiles_with_smart_checks(sample):
    before = sample["opportunities"].copy()
    soft = propose_targets(sample, "2026-11", 0.8, by="team")
    mid = propose_targets(sample, "2026-11", 0.5, by="team")
    pd.testing.assert_frame_equal(sample["opportunities"], before)
    assert list(soft.columns) == PROPOSAL_COLUMNS
    assert (soft["period"] == "2026-11").all() and (soft["metric"] == "bookings").all()
    # a target met more often is lower, and its chance of attainment is (close to) the one asked for
    assert (soft["target"].to_numpy() < mid["target"].to_numpy()).all()
    assert soft["attainment_probability"].to_numpy() == pytest.approx(0.8, abs=0.02)
    assert soft["basis"].eq("forecast").all() and soft["smart_ok"].all()
    # the targets table's own target of the period, from the one targets module, with its odds
    from workbench.kpi.targets import period_targets
    existing = period_targets(sample["targets"], sample["reps"], "bookings", freq="M", by="team",
                              periods=[pd.Timestamp("2026-11-01")]).set_index("entity_id")["target"]
    assert soft.set_index("entity_id")["existing_target"].to_dict() == pytest.approx(existing.to_dict())
    assert soft["existing_attainment_probability"].between(0, 1).all()
    # asked at 95%: every target flagged as too soft
    easy = propose_targets(sample, "2026-11", 0.95, by="team")
    assert (~easy["attainable"]).all() and easy["smart_flags"].str.startswith("too soft").all()


def test_company_target_is_allocated_exactly_by_potential(sample):
    out = propose_targets(sample, "2026-Q4", 0.7, by="region", company_target=5_000_001)
    assert out["target"].sum() == 5_000_001
    assert (out["basis"] == "allocated").all()
    share = out["target"] / out["target"].sum()
    potential = out["forecast"] / out["forecast"].sum()
    assert share.to_numpy() == pytest.approx(potential.to_numpy(), abs=1e-6)
    assert out["attainment_probability"].between(0, 1).all()


def test_new_hire_gets_a_ramp_target(with_new_hire):
    out = propose_targets(with_new_hire, "2026-11", 0.7, by="rep").set_index("entity_id")
    assert out.loc["R003", "basis"] == "ramp"
    assert "month 3 since hire" in out.loc["R003", "note"]
    assert "入职第 3 个月" in out.loc["R003", "note_zh"] and not re.search(r"[A-Za-z]{3,}", out.loc["R003", "note_zh"])
    tenured = out.loc[out["basis"] == "forecast", "target"].median()
    curve = ramp_curve(with_new_hire, ramp_months=6, before="2026-11-01").set_index("months_since_hire")["share"]
    assert out.loc["R003", "target"] == pytest.approx(curve[2] * tenured)  # November is month index 2
    assert curve.is_monotonic_increasing and curve.max() <= 1
    assert (out.drop(index="R003")["basis"] == "forecast").all()


def test_other_metrics_keep_their_unit(sample):
    csat = propose_targets(sample, "2026-Q4", 0.7, by="team", metric="csat_mean")
    assert (csat["metric"] == "csat_mean").all() and csat["target"].between(1, 5).all()
    assert (csat["target"] != csat["target"].round(0)).any()  # scores keep two decimals
    assert csat["attainment_probability"].to_numpy() == pytest.approx(0.7, abs=0.05)
    deals = propose_targets(sample, "2026-Q4", 0.7, by="team", metric="deals_won")
    assert (deals["target"] == deals["target"].round(0)).all() and (deals["target"] > 0).all()


def test_errors_name_the_parameter(sample):
    with pytest.raises(ValueError, match="'probability' parameter of propose_targets"):
        propose_targets(sample, "2026-11", 1.5)
    with pytest.raises(ValueError, match="months or quarters"):
        propose_targets(sample, "2026-W45", 0.7)
    with pytest.raises(ValueError, match="cycle_days_median is better when lower"):
        propose_targets(sample, "2026-11", 0.7, metric="cycle_days_median")
    with pytest.raises(ValueError, match="adds up over reps .*got csat_mean"):
        propose_targets(sample, "2026-11", 0.7, metric="csat_mean", company_target=4.5)
    with pytest.raises(ValueError, match="No history of bookings per team before 2020-01"):
        propose_targets(sample, "2020-01", 0.7, by="team")


def test_backtest_met_in_p_of_cases(sample):
    bt = backtest_proposals(sample, [0.5, 0.8], periods=8)
    summary = backtest_summary(bt).set_index("probability")
    assert summary.loc[0.5, "targets"] == summary.loc[0.8, "targets"] >= 150
    assert summary["periods"].eq(8).all()
    assert abs(summary.loc[0.5, "met_share"] - 0.5) <= 0.07
    assert abs(summary.loc[0.8, "met_share"] - 0.8) <= 0.07
    # fitted only on the past: every cutoff is before its period
    assert (bt["cutoff"] < bt["period"]).all()
    assert np.array_equal(bt["met"], bt["actual"] >= bt["target"])
