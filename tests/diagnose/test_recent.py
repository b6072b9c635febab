"""The diagnosis of the recent past on small hand-built cases: what changed (``recent_change``),
team stage bottlenecks (``stage_bottleneck``), stuck open deals, and the history a short
window borrows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.diagnose.handmade import make_sales
from workbench.diagnose import DiagnosisConfig, diagnose
from workbench.diagnose.changes import best_split, max_z_pvalue
from workbench.diagnose.stalls import STUCK_COLUMNS

CHANGE = "2025-10-01"  # the hand-built slips start here; the data ends 2026-03-31


@pytest.fixture(scope="module")
def slipped():
    """R001's deals shrink to 40 % from October; every rep of team T2 to 50 % (a team-wide move)."""
    t = make_sales(n_reps=24, months=24, seed=5, deals_per_month=8)
    o = t["opportunities"].copy()
    late = o["created_at"] >= pd.Timestamp(CHANGE)
    t2 = o["rep_id"].map(t["reps"].set_index("rep_id")["team"]) == "T2"
    o.loc[late & (o["rep_id"] == "R001"), "amount"] *= 0.4
    o.loc[late & t2, "amount"] *= 0.5
    t["opportunities"] = o
    return diagnose(t, period="2026-03", window=12, config=DiagnosisConfig(drivers=("recent_change",)))


def test_a_rep_who_slipped_is_found_with_the_month_it_started(slipped):
    f = slipped.findings
    mine = f[(f["entity_id"] == "R001") & (f["detail"] == "deal_size")]
    assert len(mine) == 1
    row = mine.iloc[0]
    assert abs((pd.Period(row["since"], "M") - pd.Period(CHANGE, "M")).n) <= 1
    assert row["value"] < 0.6 * row["benchmark"]  # about 40 % of the earlier size
    assert row["gap"] > 0.4 and row["q_value"] <= 0.05
    assert "Since" in row["evidence"] and row["since"] in row["evidence"]
    assert "自" in row["evidence_zh"] and row["since"] in row["evidence_zh"]


def test_a_team_wide_move_is_not_blamed_on_its_reps(slipped):
    f = slipped.findings
    reps = f[f["entity_type"] == "rep"]
    t2 = {f"R{i:03d}" for i in range(1, 25) if (i - 1) % 3 == 1}
    assert not set(reps["entity_id"]) & t2  # measured against their team, the move cancels
    team = f[(f["entity_type"] == "team") & (f["entity_id"] == "T2") & (f["detail"] == "deal_size")]
    assert len(team) == 1  # the team itself moved against the company
    assert set(reps["entity_id"]) == {"R001"}


def test_seasonality_shared_by_everyone_is_not_a_change():
    t = make_sales(n_reps=18, months=24, seed=8, deals_per_month=8)
    o = t["opportunities"].copy()
    month = o["created_at"].dt.month
    o.loc[month.isin([11, 12, 1]), "amount"] *= 0.5  # every winter, for everyone
    t["opportunities"] = o
    result = diagnose(t, period="2026-03", window=12, config=DiagnosisConfig(drivers=("recent_change",)))
    assert result.findings.empty


def test_best_split_finds_the_start_and_calibrates_the_maximum():
    rng = np.random.default_rng(1)
    resid = rng.normal(0, 0.2, (400, 24))
    resid[0, 17:] -= 1.0  # one entity drops from month 17
    weight = np.full_like(resid, 25.0)
    z, start, p = best_split(resid, weight, np.arange(12, 22), higher_is_worse=False)
    assert start[0] == 17 and p[0] < 1e-6
    # under no change the bound is valid: about 5 % or fewer of the others below 0.05
    assert (p[1:] <= 0.05).mean() <= 0.06
    # and tighter than Bonferroni over the ten candidates
    naive = np.minimum(1, 10 * (1 - __import__("scipy").stats.norm.cdf(z[1:])))
    assert (p[1:] <= naive + 1e-12).all() and (p[1:] < naive).any()
    # one candidate: the plain normal tail
    assert max_z_pvalue(np.array([2.0]), np.array([[1.0]]))[0] == pytest.approx(0.02275, abs=1e-5)


def test_hunters_bound_is_computed_row_by_row_whatever_the_other_rows_hold():
    from scipy import special
    from scipy import stats as sps

    rng = np.random.default_rng(2)
    z = rng.normal(2.0, 1.0, 60)
    z[:3] = np.nan
    odds = rng.lognormal(0.0, 1.0, (60, 12))
    odds[rng.random(odds.shape) < 0.4] = np.nan  # rows with 0 to 12 candidates
    got = max_z_pvalue(z, odds)
    for row in range(60):
        o = np.sort(odds[row][~np.isnan(odds[row])])
        want = sps.norm.sf(z[row])
        if o.size >= 2 and not np.isnan(z[row]):
            rho = np.sqrt(o[:-1] / o[1:])
            want = want + 2.0 * special.owens_t(z[row], np.sqrt((1.0 - rho) / (1.0 + rho))).sum()
        assert got[row] == min(want, 1.0) or (np.isnan(got[row]) and np.isnan(want))


@pytest.fixture(scope="module")
def slow_team():
    """Every rep of team T1 keeps deals three times longer in Proposal."""
    t = make_sales(n_reps=24, months=12, seed=4, deals_per_month=8,
                   effects={f"R{i:03d}": "stalled_stage" for i in range(1, 25) if (i - 1) % 3 == 0})
    return t, diagnose(t, period="2026-03")


def test_a_team_slow_at_one_stage_is_one_bottleneck_finding(slow_team):
    _, result = slow_team
    f = result.findings
    bottleneck = f[f["driver"] == "stage_bottleneck"]
    assert set(zip(bottleneck["entity_type"], bottleneck["entity_id"], bottleneck["detail"])) == {
        ("team", "T1", "Proposal")}
    row = bottleneck.iloc[0]
    assert row["value"] > 2 * row["benchmark"] and row["revenue_impact"] > 0
    assert "Proposal" in row["evidence"] and "Proposal" in row["evidence_zh"]
    # the reps are not flagged one by one: against their own (equally slow) team they are typical
    reps = f[(f["entity_type"] == "rep") & f["driver"].isin(["stalled_stage", "long_cycle"])]
    assert reps.empty
    # and no rep-level bottleneck test runs at all (a team rule)
    assert not ((result.tests["driver"] == "stage_bottleneck") & (result.tests["entity_type"] == "rep")).any()


def test_stuck_deals_lists_open_deals_past_the_90th_percentile(slow_team):
    t, _ = slow_team
    t = {k: (v.copy() if isinstance(v, pd.DataFrame) else v) for k, v in t.items()}
    o, h = t["opportunities"], t["stage_history"]
    end = pd.Timestamp("2026-03-31")
    extra = pd.DataFrame({
        "opportunity_id": ["STUCK", "FRESH"], "rep_id": ["R002", "R002"], "account_id": ["A", "B"],
        "product": ["Pro", "Pro"], "source": ["Web", "Web"],
        "created_at": [end - pd.Timedelta(days=300), end - pd.Timedelta(days=20)],
        "first_touch_at": [end - pd.Timedelta(days=299), end - pd.Timedelta(days=19)],
        "outcome": ["open", "open"], "amount": [1e7, 2e7], "closed_at": [pd.NaT, pd.NaT],
        "stage": ["Demo", "Demo"], "expected_close": [pd.NaT, pd.NaT], "lost_reason": [None, None],
        "competitor": [None, None]})
    t["opportunities"] = pd.concat([o, extra], ignore_index=True)
    t["stage_history"] = pd.concat([h, pd.DataFrame({
        "opportunity_id": ["STUCK", "STUCK", "FRESH", "FRESH"], "stage": ["Discovery", "Demo", "Discovery", "Demo"],
        "entered_at": [end - pd.Timedelta(days=300), end - pd.Timedelta(days=200),
                       end - pd.Timedelta(days=20), end - pd.Timedelta(days=2)]})], ignore_index=True)
    stuck = diagnose(t, period="2026-03").stuck_deals
    assert list(stuck.columns) == STUCK_COLUMNS
    assert "FRESH" not in set(stuck["opportunity_id"])
    row = stuck.iloc[0]  # the largest amount first
    assert row["opportunity_id"] == "STUCK" and row["stage"] == "Demo"
    assert row["days_in_stage"] == pytest.approx(201, abs=1.5)  # to the window end (2026-04-01)
    assert row["times_p90"] > 1 and row["days_in_stage"] > row["stage_p90_days"]
    assert (stuck["days_in_stage"] > stuck["stage_p90_days"]).all()
    assert "Demo" in row["note"] and "Demo" in row["note_zh"] and "10,000,000" in row["note"]


@pytest.fixture(scope="module")
def small_dealer():
    return make_sales(n_reps=18, months=30, seed=2, deals_per_month=5, effects={"R004": "small_deals"})


def test_a_short_window_borrows_the_history_before_it(small_dealer):
    config = DiagnosisConfig(drivers=("small_deals",))
    alone = diagnose(small_dealer, period="2026-03", window=12, config=config.replace(half_life=None))
    borrowed = diagnose(small_dealer, period="2026-03", window=12, config=config)
    assert alone.history is None and borrowed.history is not None and borrowed.history.months == 29  # the first month is partial
    row = borrowed.tests[(borrowed.tests["entity"] == "R004")].iloc[0]
    own = alone.tests[(alone.tests["entity"] == "R004")].iloc[0]
    # more evidence than the window alone, less than all 29 months' deals counted as current
    o = small_dealer["opportunities"]
    decided = ((o["rep_id"] == "R004") & o["outcome"].isin(["won", "lost"]) & (o["amount"] > 0)
               & (o["closed_at"] >= borrowed.history.start) & (o["closed_at"] < borrowed.window.end)).sum()
    assert own["n"] < row["n"] < decided
    assert row["n_window"] == own["n"]
    assert row["p_value"] < own["p_value"]
    f = borrowed.findings[borrowed.findings["entity_id"] == "R004"].iloc[0]
    assert "Rests on 29 months of data: the 12-month window and 17 earlier months" in f["evidence"]
    assert "依据 29 个月的数据" in f["evidence_zh"]
    assert f["history_months"] == 29 and f["n_window"] == own["n"]


def test_the_full_window_has_nothing_to_borrow(small_dealer):
    config = DiagnosisConfig(drivers=("small_deals", "low_csat"))
    a = diagnose(small_dealer, period="2026-03", config=config)
    b = diagnose(small_dealer, period="2026-03", config=config.replace(half_life=None))
    cols = ["entity_id", "driver", "value", "benchmark", "p_value", "evidence"]
    pd.testing.assert_frame_equal(a.findings[cols], b.findings[cols])
    assert "Rests on 29 months of data (all in the window)." in a.findings["evidence"].iloc[0]


def test_the_cli_summary_says_what_a_short_window_borrows_and_lists_stuck_deals(small_dealer):
    import dataclasses

    from workbench.commands.diagnose import summary_text

    result = diagnose(small_dealer, period="2026-03", window=12, config=DiagnosisConfig(drivers=("small_deals",)))
    stuck = pd.DataFrame({"opportunity_id": ["D9"], "rep_id": ["R004"], "team": ["T1"], "region": ["North"],
                          "stage": ["Demo"], "entered_at": [pd.Timestamp("2025-11-01")], "days_in_stage": [151.0],
                          "stage_p90_days": [30.0], "times_p90": [5.03], "amount": [123456.0], "product": ["Pro"],
                          "note": ["In Demo for 151 days"], "note_zh": ["停留在 Demo 阶段 151 天"]})
    result = dataclasses.replace(result, stuck_deals=stuck)
    en, zh = summary_text(result), summary_text(result, lang="zh")
    assert "Short window: behaviour is measured over 29 months, the 17 before the window weighted down by half " \
           "every 12 months" in en
    assert "窗口较短：行为指标按 29 个月衡量" in zh
    assert "Stuck deals at 2026-03-31" in en and "D9" in en and "In Demo for 151 days" in en and "123,456" in en
    assert "停滞商机" in zh and "停留在 Demo 阶段 151 天" in zh
    assert "Stuck deals" not in summary_text(result, stuck=0)


@pytest.mark.parametrize(("driver", "detail", "skill"), [
    ("recent_change", "prospecting", "prospecting"), ("recent_change", "follow_up", "follow_up"),
    ("recent_change", "deal_size", "negotiation"), ("recent_change", "win_rate", "discovery"),
    ("recent_change", "pace", "closing"), ("stage_bottleneck", "Proposal", "closing")])
def test_coaching_maps_each_new_finding_to_its_skill(driver, detail, skill):
    from workbench.coaching import load_skill_map

    assert load_skill_map().skill_for(driver, detail) == skill
