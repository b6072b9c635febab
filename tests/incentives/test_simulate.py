"""Plan simulation: hand-checked distributions, agreement with actual payouts, two plans side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.incentives import compare_plans, compute_payouts, draws_from_pipeline, plan_from_dict, simulate_payouts


@pytest.fixture
def tiered():
    return plan_from_dict({"name": "Tiered", "threshold": 0.5, "tiers": [
        {"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "rate": 0.10}], "cap": {"attainment": 2.0}})


def test_hand_checked_distribution(tiered):
    # r1 target 100: draws 40, 100, 160, 250 -> 0 (below 50 %), 5, 5 + 6 = 11, 5 + 10 (capped at 200 %) = 15
    draws = pd.DataFrame([[40.0, 100.0, 160.0, 250.0]], index=["r1"])
    sim = simulate_payouts(tiered, draws, pd.Series({"r1": 100.0}))
    row = sim.by_rep.iloc[0]
    assert row["rep_id"] == "r1"
    assert row["payout_mean"] == pytest.approx((0 + 5 + 11 + 15) / 4)
    assert row["payout_p50"] == pytest.approx(8.0)  # median of 0, 5, 11, 15
    assert row["p_threshold"] == 0.75 and row["p_target"] == 0.75 and row["p_capped"] == 0.25
    assert row["cost_of_sales"] == pytest.approx(7.75 / 137.5)
    assert sim.summary["payout_mean"] == pytest.approx(7.75)
    assert sim.summary["cost_of_sales"] == pytest.approx(7.75 / 137.5)
    shares = sim.tiers.set_index("level")["share_of_reps"].to_dict()
    assert shares == {"threshold": 0.75, "Tier 1": 0.75, "Tier 2": 0.75, "cap": 0.25}
    assert sim.total_draws.tolist() == [0.0, 5.0, 11.0, 15.0]


def test_constant_draws_reproduce_actual_payouts(tiny_data, tiny_plan):
    actual = compute_payouts(tiny_data, tiny_plan, "2026-Q3")
    draws = np.repeat(actual["bookings"].to_numpy()[:, None], 5, axis=1)
    sim = simulate_payouts(tiny_plan, draws, actual["target"].to_numpy(), rep_ids=actual["rep_id"])
    np.testing.assert_allclose(sim.by_rep["payout_mean"], actual["commission"])
    assert sim.notes == ["SPIFs left out: bookings draws do not say which products' deals close."]


def test_team_bonus_and_draw_in_the_simulation():
    plan = plan_from_dict({"base_rate": 0.0, "team_bonus": {"amount": 100.0}, "draw": {"amount": 30.0}})
    draws = np.array([[60.0, 40.0], [60.0, 40.0], [10.0, 90.0]])  # team A: 120 then 80 against 100
    sim = simulate_payouts(plan, draws, [50.0, 50.0, 50.0], rep_ids=["a1", "a2", "b1"], teams=["A", "A", "B"])
    assert sim.by_rep["payout_mean"].tolist() == [65.0, 65.0, 65.0]  # (100 + 30) / 2 for everyone
    assert sim.summary["team_bonus_mean"] == pytest.approx(150.0) and sim.summary["draw_top_up_mean"] == 45.0
    own = simulate_payouts(plan, draws, [50.0, 50.0, 50.0], rep_ids=["a1", "a2", "b1"], teams=["A", "A", "B"],
                           team_targets=pd.Series({"A": 130.0, "B": 50.0}))
    assert own.by_rep["payout_mean"].tolist() == [30.0, 30.0, 65.0]
    alone = simulate_payouts(plan, draws, [50.0, 50.0, 50.0])
    assert alone.notes == ["Team bonus left out: no teams were given."] and alone.by_rep["payout_mean"].eq(30).all()


def test_compare_plans_side_by_side(tiered):
    flat = plan_from_dict({"name": "Flat", "base_rate": 0.06})
    draws = np.array([[40.0, 100.0, 160.0, 250.0]])
    table = compare_plans(tiered, flat, draws, [100.0], rep_ids=["r1"]).set_index("metric")
    assert table.columns.tolist() == ["label", "Tiered", "Flat", "difference"]
    assert table.loc["payout_mean", "Tiered"] == pytest.approx(7.75)
    assert table.loc["payout_mean", "Flat"] == pytest.approx(137.5 * 0.06)
    assert table.loc["payout_mean", "difference"] == pytest.approx(137.5 * 0.06 - 7.75)
    assert table.loc["share_target", "Tiered"] == 0.75 and table.loc["share_threshold", "Flat"] == 1.0
    same = compare_plans(flat, flat, draws, [100.0])
    assert same.columns.tolist()[2:4] == ["A: Flat", "B: Flat"] and same["difference"].eq(0).all()


def test_shapes_are_checked(tiered):
    with pytest.raises(ValueError, match="'targets' parameter of simulate_payouts"):
        simulate_payouts(tiered, np.ones((3, 4)), [1.0, 2.0])
    with pytest.raises(ValueError, match="'draws' parameter of simulate_payouts"):
        simulate_payouts(tiered, np.ones(4), [1.0])
    with pytest.raises(ValueError, match="'targets' parameter"):
        simulate_payouts(tiered, pd.DataFrame(np.ones((2, 3)), index=["r1", "r2"]), pd.Series({"r1": 1.0}))


def test_draws_from_pipeline_takes_the_rep_rows():
    S = pd.DataFrame([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], index=["rep:r1", "rep:r2", "team:T"],
                     columns=["rep:r1", "rep:r2"])
    sim = {"S": S, "rep_ids": ["r1", "r2"], "teams": np.array(["T", "T"]), "booked": np.array([10.0, 0.0]),
           "draws": np.array([[1.0, 2.0], [3.0, 4.0]])}
    draws = draws_from_pipeline(sim)
    assert draws.index.tolist() == ["r1", "r2"] and draws.to_numpy().tolist() == [[11.0, 12.0], [3.0, 4.0]]


def test_a_rep_without_target_earns_no_commission_and_no_warning(tiered, recwarn):
    sim = simulate_payouts(tiered, np.array([[100.0, 200.0], [100.0, 200.0]]), [100.0, np.nan], rep_ids=["r1", "r2"])
    row = sim.by_rep.set_index("rep_id").loc["r2"]
    assert row["payout_mean"] == 0.0 and np.isnan(row["attainment_p50"]) and row["p_threshold"] == 0.0
    assert sim.by_rep.set_index("rep_id").loc["r1", "attainment_p50"] == 1.5
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
