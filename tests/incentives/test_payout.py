"""Payouts against hand-computed figures at boundary attainments, and their explanation."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from tests.incentives.conftest import PLAN, TARGET
from workbench.errors import DataError
from workbench.incentives import PAYOUT_COLUMNS, compare_payouts, compute_payouts, explain, plan_from_dict
from workbench.kpi import compute_kpis

#: By hand, per rep: commission before the cap, after the cap, SPIF.
#: r1: 60,000 x 5% = 3,000, SPIF 2 x 500
#: r2: 3,000 + 12,000 x 8% = 960 + 600 x 10% x 1.5 = 90  -> 4,050
#: r3: 3,000 + 960 + 18,000 x 15% = 2,700              -> 6,660 (exactly the cap)
#: r4: 3,000 + 960 + 48,000 x 15% = 7,200              -> 11,160, capped at 6,660
#: r5: 40 % < 50 % threshold                           -> 0
#: r6: exactly 50 %: 30,000 x 5%                        -> 1,500
HAND = {
    "r1": (3_000.0, 3_000.0, 1_000.0), "r2": (4_050.0, 4_050.0, 0.0), "r3": (6_660.0, 6_660.0, 0.0),
    "r4": (11_160.0, 6_660.0, 0.0), "r5": (0.0, 0.0, 0.0), "r6": (1_500.0, 1_500.0, 0.0),
}


def _plan(**changes):
    raw = copy.deepcopy(PLAN)
    raw.update(changes)
    return plan_from_dict(raw)


@pytest.fixture
def payouts(tiny_data, tiny_plan):
    return compute_payouts(tiny_data, tiny_plan, "2026-Q3").set_index("rep_id")


def test_columns_and_one_row_per_rep(tiny_data, tiny_plan):
    out = compute_payouts(tiny_data, tiny_plan, "2026-Q3")
    assert out.columns.tolist() == PAYOUT_COLUMNS
    assert out["rep_id"].tolist() == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert (out["period"] == "2026-Q3").all()


def test_payouts_match_hand_computation(payouts):
    for rep, (before_cap, commission, spif) in HAND.items():
        row = payouts.loc[rep]
        assert row["commission_before_cap"] == pytest.approx(before_cap), rep
        assert row["commission"] == pytest.approx(commission), rep
        assert row["spif"] == pytest.approx(spif), rep
        assert row["total_payout"] == pytest.approx(commission + spif), rep


def test_boundary_attainments(payouts):
    assert payouts.loc["r1", "attainment"] == pytest.approx(1.0)  # exactly 100 %: nothing from tier 2
    assert payouts.loc["r1", "tier_commission"] == pytest.approx(3_000.0)
    assert payouts.loc["r2", "accelerator"] == pytest.approx(30.0)  # just above 120 %: 600 x 10% x 0.5 extra
    assert payouts.loc["r2", "tier_commission"] == pytest.approx(3_000 + 960 + 60)
    assert payouts.loc["r3", "cap_reduction"] == 0.0  # exactly at the cap: not cut
    assert payouts.loc["r4", "cap_reduction"] == pytest.approx(-4_500.0)
    assert not payouts.loc["r5", "threshold_met"] and payouts.loc["r5", "tier_commission"] == 0.0
    assert payouts.loc["r6", "threshold_met"]  # exactly at the threshold is paid
    assert payouts[["base_commission", "decelerator"]].eq(0.0).all().all()
    parts = payouts[["base_commission", "tier_commission", "accelerator", "decelerator"]].sum(axis=1)
    np.testing.assert_allclose(parts, payouts["commission_before_cap"])


def test_bookings_and_targets_are_the_kpi_tables(tiny_data, payouts):
    kpis = compute_kpis(tiny_data, by="rep", freq="Q", metrics=["bookings", "bookings_target"],
                        start="2026-Q3", end="2026-Q3")
    wide = kpis.pivot(index="entity_id", columns="metric", values="value")
    np.testing.assert_allclose(payouts["bookings"], wide.loc[payouts.index, "bookings"])
    np.testing.assert_allclose(payouts["target"], wide.loc[payouts.index, "bookings_target"])
    np.testing.assert_allclose(payouts["target"], TARGET)


def test_explanation_lines(payouts):
    text = explain(payouts.reset_index(), "r2")
    assert text.splitlines() == [
        "r2 (Rep 2), 2026-Q3, plan 'Tiny plan'",
        "Attainment: 72,600 bookings / 60,000 target = 121.0%",
        "Tier 1: 0%–100% of 60,000 target = 60,000 × 5% = 3,000",
        "Tier 2: 100%–120% of 60,000 target = 12,000 × 8% = 960",
        "Tier 3 ×1.5 accelerator: 120%–121% of 60,000 target = 600 × 10% × 1.5 = 90",
        "Commission: 4,050",
        "Total payout: 4,050",
    ]
    capped = explain(payouts.reset_index(), "r4")
    assert "Payout cap: 11,160 capped at 6,660" in capped and capped.endswith("Total payout: 6,660")
    assert "Below the 50% threshold: no commission" in explain(payouts.reset_index(), "r5")
    assert "SPIF Cloud: 2 deals × 500 = 1,000" in explain(payouts.reset_index(), "r1")
    with pytest.raises(KeyError, match="'r9' is not in the payout table"):
        explain(payouts.reset_index(), "r9")


def test_team_bonus_reads_team_attainment(tiny_data):
    # East: 132,600 / 120,000 = 110.5 %; West: 210,000 / 120,000 = 175 %; South: 54,000 / 120,000 = 45 %
    out = compute_payouts(tiny_data, _plan(team_bonus={"amount": 500.0, "attainment": 1.1}), "2026-Q3")
    out = out.set_index("rep_id")
    assert out["team_attainment"].round(4).tolist() == [1.105, 1.105, 1.75, 1.75, 0.45, 0.45]
    assert out["team_bonus"].tolist() == [500.0, 500.0, 500.0, 500.0, 0.0, 0.0]
    assert "Team bonus: team South at 45.0% of target < 110% → 0" in out.loc["r5", "explanation"]


def test_draw_tops_up_and_records_what_is_recoverable(tiny_data):
    out = compute_payouts(tiny_data, _plan(draw={"amount": 2_000.0}), "2026-Q3").set_index("rep_id")
    assert out.loc["r5", "draw_top_up"] == 2_000.0 and out.loc["r5", "total_payout"] == 2_000.0
    assert out.loc["r6", "draw_top_up"] == 500.0 and out.loc["r6", "draw_recoverable"] == 500.0
    assert out.loc["r1", "draw_top_up"] == 0.0
    kept = compute_payouts(tiny_data, _plan(draw={"amount": 2_000.0, "recoverable": False}), "2026-Q3")
    assert kept["draw_recoverable"].eq(0.0).all() and kept["draw_top_up"].sum() == 2_500.0


def test_clawbacks_from_the_cancelled_list_within_the_window(tiny_data):
    plan = _plan(clawback={"window_days": 30, "rate": 0.05})
    cancelled = pd.DataFrame({"opportunity_id": ["r2-1", "r1-0", "r3-0", "unknown"],
                              "cancelled_at": ["2026-08-01", "2026-09-30", "2026-10-02", "2026-08-01"]})
    out = compute_payouts(tiny_data, plan, "2026-Q3", clawbacks=cancelled).set_index("rep_id")
    # r2-1 (10,000 won 2026-07-10) cancelled 22 days later: -500; r1-0 after 87 days: outside the window;
    # r3-0 cancelled in Q4: clawed back in Q4, not here
    assert out["clawback"].tolist() == [0.0, -500.0, 0.0, 0.0, 0.0, 0.0]
    assert out.loc["r2", "total_payout"] == pytest.approx(4_050.0 - 500.0)
    assert "Clawback r2-1: 10,000 cancelled 22 days after the win (within 30) × 5% = −500" in \
        out.loc["r2", "explanation"]
    assert not (np.signbit(out["clawback"]) & (out["clawback"] == 0)).any()  # no "-0.0" in files
    ignored = compute_payouts(tiny_data, _plan(), "2026-Q3", clawbacks=cancelled)
    assert ignored["clawback"].eq(0.0).all()  # a plan without [clawback] ignores the list
    with pytest.raises(DataError, match="cancelled_at"):
        compute_payouts(tiny_data, plan, "2026-Q3", clawbacks=cancelled[["opportunity_id"]])


def test_spif_by_rate_counts_the_won_amount(tiny_data):
    out = compute_payouts(tiny_data, _plan(spifs=[{"product": "suite", "rate": 0.01}]), "2026-Q3")
    # Suite won in Q3: r1 15,000; r2 72,600; r3 90,000; r4 120,000; r5 24,000; r6 30,000 (product matched case-blind)
    assert out["spif"].tolist() == pytest.approx([150.0, 726.0, 900.0, 1_200.0, 240.0, 300.0])


def test_missing_target_pays_no_commission_and_says_why(tiny_data):
    tiny_data["targets"] = tiny_data["targets"][tiny_data["targets"]["entity_id"] != "r1"]
    out = compute_payouts(tiny_data, _plan(), "2026-Q3").set_index("rep_id")
    assert np.isnan(out.loc["r1", "attainment"]) and out.loc["r1", "commission"] == 0.0
    assert "No bookings target for 2026-Q3" in out.loc["r1", "explanation"]
    assert out.loc["r1", "spif"] == 1_000.0  # SPIFs do not depend on the target


def test_period_must_match_the_plan_and_targets_are_needed(tiny_data, tiny_plan):
    with pytest.raises(ValueError, match="quarter label such as '2026-Q3'"):
        compute_payouts(tiny_data, tiny_plan, "2026-07")
    no_targets = {k: v for k, v in tiny_data.items() if k != "targets"}
    with pytest.raises(DataError, match="'targets' table"):
        compute_payouts(no_targets, tiny_plan, "2026-Q3")


def test_monthly_plan(tiny_data):
    monthly = _plan(period="M")
    # r1's monthly target: 60,000 spread over the 92 days of Q3, July has 31 -> 20,217.39; bookings 20,000
    out = compute_payouts(tiny_data, monthly, "2026-07").set_index("rep_id")
    assert out.loc["r1", "target"] == pytest.approx(TARGET * 31 / 92)
    assert out.loc["r1", "bookings"] == 20_000.0
    assert out.loc["r1", "commission"] == pytest.approx(1_000.0)


def test_inputs_are_not_changed(tiny_data, tiny_plan):
    before = {k: v.copy() for k, v in tiny_data.items()}
    compute_payouts(tiny_data, tiny_plan, "2026-Q3")
    for name, frame in before.items():
        pd.testing.assert_frame_equal(tiny_data[name], frame)


def test_compare_payouts_side_by_side(tiny_data, tiny_plan):
    flat = plan_from_dict({"name": "Flat", "base_rate": 0.06})
    table = compare_payouts(tiny_data, tiny_plan, flat, "2026-Q3").set_index("rep_id")
    assert table.attrs["plans"] == ("Tiny plan", "Flat")
    assert table["payout_a"].tolist() == pytest.approx([4_000.0, 4_050.0, 6_660.0, 6_660.0, 0.0, 1_500.0])
    assert table["payout_b"].tolist() == pytest.approx([3_600.0, 4_356.0, 5_400.0, 7_200.0, 1_440.0, 1_800.0])
    np.testing.assert_allclose(table["difference"], table["payout_b"] - table["payout_a"])
    with pytest.raises(ValueError, match="different periods"):
        compare_payouts(tiny_data, tiny_plan, plan_from_dict({"period": "M", "base_rate": 0.06}), "2026-Q3")


def test_explanation_in_chinese(payouts):
    text = explain(payouts.reset_index(), "r4", lang="zh")
    assert text.splitlines()[:3] == ["r4（Rep 4），2026-Q3，方案「Tiny plan」",
                                     "完成率：签约额 120,000 / 目标 60,000 = 200.0%",
                                     "第 1 档：目标 60,000 的 0%–100% = 60,000 × 5% = 3,000"]
    assert "第 3 档 ×1.5 加速：目标 60,000 的 120%–200% = 48,000 × 10% × 1.5 = 7,200" in text
    assert "佣金封顶：11,160 封顶为 6,660" in text and text.endswith("应发总额：6,660")
    assert "低于 50% 门槛：不发佣金" in explain(payouts.reset_index(), "r5", lang="zh")
    with pytest.raises(ValueError, match="'lang' parameter of explain"):
        explain(payouts.reset_index(), "r4", lang="fr")
