"""Recognition: winners worked out by hand on a tiny team, minimum-data, tie and new-hire rules.

The world: March 2026 is the award month; the baseline for most improved is December to
February (``baseline_periods=3``, ``min_baseline_periods=2``, ``baseline_weight=2``).
Team East: r1, r2, r3, r6 (established), r4 (hired 2025-12-15, still ramping), r7 (hired in
March). Team West: r5. Every rep's monthly bookings target is 100, except r4 (50 from
January, a ramped target), r6 (targets only from January) and r7 (none).

Won and lost deals are created twenty days before they close and never touched, so the
follow-up KPI only sees the open deals created in March with their first touch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.coaching.awards import AWARD_METRICS, AWARDS, NEWCOMER_RULES, award_label
from workbench.coaching.recognition import RECOGNITION_COLUMNS, recognition
from workbench.kpi import KPIS, compute_kpis
from workbench.sample import generate_sample

PERIOD = "2026-03"
MARCH_METRICS = ["bookings", "quota_attainment", "deals_won", "win_rate", "follow_up_hours_median",
                 "touched_within_24h_share", "csat_mean", "csat_responses"]
SETTINGS = {"baseline_periods": 3, "min_baseline_periods": 2, "baseline_weight": 2.0}

REPS = pd.DataFrame({
    "rep_id": ["r1", "r2", "r3", "r4", "r5", "r6", "r7"],
    "name": ["Ann", "Bo", "Cy", "Di", "Ed", "Gus", "Hal"],
    "team": ["East", "East", "East", "East", "West", "East", "East"],
    "region": "North",
    "hire_date": pd.to_datetime(["2020-01-01", "2019-05-01", "2021-01-01", "2025-12-15", "2018-01-01",
                                 "2020-06-01", "2026-03-10"]),
})

#: Bookings per rep and month as won deals: (month, number of won deals, amount each, lost deals).
BOOKINGS = {
    "r1": [("2025-12", 1, 100.0, 0), ("2026-01", 1, 100.0, 0), ("2026-02", 1, 100.0, 0), ("2026-03", 5, 30.0, 1)],
    "r2": [("2025-12", 1, 100.0, 0), ("2026-01", 1, 100.0, 0), ("2026-02", 1, 100.0, 0), ("2026-03", 3, 100.0, 0)],
    "r3": [("2025-12", 1, 50.0, 0), ("2026-01", 1, 50.0, 0), ("2026-02", 1, 50.0, 0), ("2026-03", 5, 28.0, 0)],
    "r4": [("2026-01", 1, 25.0, 0), ("2026-02", 1, 25.0, 0), ("2026-03", 4, 25.0, 1)],
    "r5": [("2025-12", 1, 100.0, 0), ("2026-01", 1, 100.0, 0), ("2026-02", 1, 100.0, 0), ("2026-03", 5, 20.0, 0)],
    "r6": [("2026-01", 1, 40.0, 0), ("2026-02", 0, 0.0, 1), ("2026-03", 4, 30.0, 1)],
    "r7": [("2026-03", 2, 500.0, 0)],
}

#: Hours to the first touch of the open deals each rep created in March.
FOLLOW_UP_HOURS = {
    "r1": [2, 2, 2, 2, 2],
    "r2": [0.1, 0.1],            # fastest, but only two touched deals
    "r4": [1, 1.5, 1.5, 2, 3],   # a newcomer competes for follow-up
    "r5": [1, 1, 1, 2, 3],
}

#: March survey scores.
SURVEYS = {
    "r1": [5.0] * 5,                  # perfect, but only 5 responses
    "r2": [5.0] * 2,                  # too few
    "r3": [5.0] * 24 + [4.0] * 6,     # 4.8 over 30 responses
    "r5": [3.0] * 10,
}


def _targets(overrides=None) -> pd.DataFrame:
    rows = []
    for rep in ("r1", "r2", "r3", "r5"):
        rows += [(rep, month, 100.0) for month in ("2025-12", "2026-01", "2026-02", "2026-03")]
    rows += [("r6", month, 100.0) for month in ("2026-01", "2026-02", "2026-03")]
    rows += [("r4", month, 50.0) for month in ("2026-01", "2026-02", "2026-03")]
    targets = pd.DataFrame(rows, columns=["entity_id", "period", "target"])
    for (rep, month), target in (overrides or {}).items():
        targets.loc[(targets.entity_id == rep) & (targets.period == month), "target"] = target
    return targets.assign(entity_type="rep", metric="bookings")[["entity_type", "entity_id", "period", "metric",
                                                                  "target"]]


def world(bookings=None, targets=None, follow_up=None) -> dict:
    """The contract tables of the hand-built team (``bookings``, ``targets``, ``follow_up`` override entries)."""
    bookings = {**BOOKINGS, **(bookings or {})}
    deals = []
    for rep, months in bookings.items():
        for month, won, amount, lost in months:
            closed = pd.Timestamp(f"{month}-10")
            for i in range(won + lost):
                deals.append({"opportunity_id": f"{rep}-{month}-{i}", "rep_id": rep, "stage": "Won" if i < won else
                              "Lost", "outcome": "won" if i < won else "lost", "amount": amount if i < won else 10.0,
                              "created_at": closed - pd.Timedelta(days=20), "closed_at": closed,
                              "first_touch_at": pd.NaT})
    for rep, hours in {**FOLLOW_UP_HOURS, **(follow_up or {})}.items():
        for i, h in enumerate(hours):
            created = pd.Timestamp("2026-03-02 09:00") + pd.Timedelta(days=i)
            deals.append({"opportunity_id": f"{rep}-open-{i}", "rep_id": rep, "stage": "Prospecting",
                          "outcome": "open", "amount": 10.0, "created_at": created, "closed_at": pd.NaT,
                          "first_touch_at": created + pd.Timedelta(hours=h)})
    surveys = [{"survey_id": f"{rep}-s{i}", "rep_id": rep, "at": pd.Timestamp("2026-03-15"), "score": score}
               for rep, scores in SURVEYS.items() for i, score in enumerate(scores)]
    return {"reps": REPS.copy(), "opportunities": pd.DataFrame(deals), "targets": _targets(targets),
            "surveys": pd.DataFrame(surveys)}


@pytest.fixture(scope="module")
def awards():
    return recognition(world(), PERIOD, **SETTINGS).set_index("award")


@pytest.fixture(scope="module")
def march_kpis():
    kpis = compute_kpis(world(), by="rep", freq="M", start=PERIOD, end=PERIOD, metrics=MARCH_METRICS)
    return kpis.pivot(index="entity_id", columns="metric", values="value")


# --- the registry --------------------------------------------------------------------------


def test_every_award_is_declared_once_with_labels_rule_and_real_metrics(awards):
    assert list(awards.index) == list(AWARDS)
    for award in AWARDS.values():
        for key in (award.metric, award.tie_break, award.evidence):
            assert key in KPIS or key in AWARD_METRICS
        assert award.kpi in KPIS and award.newcomers in NEWCOMER_RULES
        for freq in ("M", "Q"):
            assert award.label("en", freq) and any("\u4e00" <= ch <= "\u9fff" for ch in award.label("zh", freq))
        settings = {"min_deals": 4, "min_touched": 7, "min_responses": 9, "ramp_months": 6, "baseline_periods": 6,
                    "min_baseline_periods": 3, "csat_weight": 10.0}
        minimum = str(settings[award.minimum])  # the rule in words states the minimum it applies
        assert minimum in award.rule_text(**settings) and minimum in award.rule_text("zh", **settings)
    assert not set(AWARD_METRICS) & set(KPIS)  # a different definition gets a different name
    assert award_label("rep_of_the_period", freq="Q") == "Rep of the quarter"
    assert awards.loc["rep_of_the_period", "label_zh"] == "本月最佳销售"


def test_columns_and_one_row_per_award(awards):
    assert sorted(awards.reset_index().columns) == sorted(RECOGNITION_COLUMNS)
    assert list(recognition(world(), PERIOD, **SETTINGS).columns) == RECOGNITION_COLUMNS
    assert (awards["period"] == pd.Timestamp("2026-03-01")).all()
    assert (awards["scope"] == "company").all()
    assert awards.loc["fastest_follow_up", "unit"] == "hours" and awards.loc["top_csat", "unit"] == "score"
    assert awards.loc["rep_of_the_period", "unit"] == "share" and awards.loc["most_improved", "unit"] == "pp"


# --- each award's winner, worked out by hand ----------------------------------------------


def test_rep_of_the_month_is_the_highest_attainment_among_ramped_reps_with_enough_deals(awards):
    # r2: 300 / 100 = 300 % on 3 deals (under min_deals=5); r4: 100 / 50 = 200 % but ramping;
    # r1: 150 / 100 = 150 % on 6 decided deals wins; r3: 140 / 100 second.
    row = awards.loc["rep_of_the_period"]
    assert (row.rep_id, row.rep_name, row.team) == ("r1", "Ann", "East")
    assert row.value == pytest.approx(1.5) and row.n == 6
    assert (row.runner_up, row.runner_up_name, row.runner_up_value) == ("r3", "Cy", pytest.approx(1.4))
    assert row.eligible == 4  # r1, r3, r5 (100 %), r6 (120 %)
    assert row.basis == "Quota attainment 2026-03: 150.0% (bookings 150 of a target of 100; 6 deals decided)"
    assert row.note == ""


def test_best_newcomer_is_judged_against_their_own_ramped_target(awards):
    row = awards.loc["best_newcomer"]
    assert row.rep_id == "r4" and row.value == pytest.approx(100 / 50)
    assert row.eligible == 1 and pd.isna(row.runner_up)  # r7, hired in March, decided only 2 deals
    assert row.basis.endswith("hired 2025-12-15")


def _team_east_baseline():
    # Team East's quota_attainment KPI per month: bookings / the sum of its reps' targets.
    december = (100 + 100 + 50 + 0) / 300          # r4 and r6 have no December target
    january = (100 + 100 + 50 + 25 + 40) / 450
    february = (100 + 100 + 50 + 25 + 0) / 450
    return (december + january + february) / 3


def test_most_improved_compares_with_a_shrunk_baseline_so_a_short_history_does_not_win(awards):
    team = _team_east_baseline()
    # r3: 140 % in March; three ramped months at 50 %, shrunk toward the team with weight 2.
    r3 = 1.4 - (3 * 0.5 + 2 * team) / (3 + 2)
    # r6: 120 % in March; two months (40 %, then a freak 0 %): raw +100 pp beats r3's raw +90 pp,
    # but the shrunk baseline leaves it second.
    r6 = 1.2 - (2 * 0.2 + 2 * team) / (2 + 2)
    r1 = 1.5 - (3 * 1.0 + 2 * team) / 5
    assert 1.2 - 0.2 > 1.4 - 0.5 and r3 > r6 > r1
    row = awards.loc["most_improved"]
    assert row.rep_id == "r3" and row.value == pytest.approx(r3)
    assert row.runner_up == "r6" and row.runner_up_value == pytest.approx(r6)
    assert row.kpi_value == pytest.approx(1.4)
    assert row.eligible == 4  # r1, r3, r5, r6; r2 (3 deals) and r4 (ramping) are out
    assert row.basis.startswith(f"+{r3 * 100:.1f} pp: Quota attainment 2026-03 (140.0%) minus the baseline")
    assert "the mean of 3 ramped months in 2025-12..2026-02 (50.0%) shrunk toward team East" in row.basis


def test_most_improved_needs_enough_ramped_baseline_periods():
    awards = recognition(world(), PERIOD, **{**SETTINGS, "min_baseline_periods": 3}).set_index("award")
    row = awards.loc["most_improved"]
    assert row.rep_id == "r3" and row.runner_up == "r1" and row.eligible == 3  # r6 has two months only


def test_ramp_up_months_are_not_a_baseline():
    # With a one-month ramp-up r4 (hired 2025-12-15) is ramped from 2026-01-15: of its baseline
    # months only February (50 %) counts, January (also 50 %) was still ramp-up.
    settings = {**SETTINGS, "min_baseline_periods": 1}
    row = recognition(world(), PERIOD, ramp_months=1, **settings).set_index("award").loc["most_improved"]
    assert row.rep_id == "r4"
    assert row.value == pytest.approx(2.0 - (1 * 0.5 + 2 * _team_east_baseline()) / (1 + 2))
    assert "the mean of 1 ramped month in 2025-12..2026-02 (50.0%)" in row.basis


def test_fastest_follow_up_is_the_lowest_median_with_enough_touched_deals(awards, march_kpis):
    row = awards.loc["fastest_follow_up"]
    # r2 answers in 0.1 h but touched 2 deals; r5's median is 1 h; r4, a newcomer, is second at 1.5 h.
    assert (row.rep_id, row.value, row.n) == ("r5", 1.0, 5)
    assert (row.runner_up, row.runner_up_value) == ("r4", 1.5)
    assert row.eligible == 3
    assert row.value == march_kpis.loc["r5", "follow_up_hours_median"]


def test_top_csat_shrinks_toward_the_company_mean(awards):
    company = (25 + 144 + 10 + 30) / 47
    r3 = (30 * 4.8 + 10 * company) / 40
    r1 = (5 * 5.0 + 10 * company) / 15   # a perfect 5.0 from 5 responses is shrunk harder
    row = awards.loc["top_csat"]
    assert row.rep_id == "r3" and row.value == pytest.approx(r3) and row.kpi_value == pytest.approx(4.8)
    assert row.runner_up == "r1" and row.runner_up_value == pytest.approx(r1)
    assert row.n == 30 and row.eligible == 3  # r2 has 2 responses


def test_award_values_are_the_kpi_tables(awards, march_kpis):
    for award, row in awards.iterrows():
        kpi = AWARDS[award].kpi
        assert row.kpi_value == pytest.approx(march_kpis.loc[row.rep_id, kpi], rel=1e-12), award
        if AWARDS[award].metric in KPIS:
            assert row.value == row.kpi_value
    for award in ("rep_of_the_period", "best_newcomer", "most_improved"):
        rep = awards.loc[award, "rep_id"]
        decided = march_kpis.loc[rep, "deals_won"] / march_kpis.loc[rep, "win_rate"]
        assert awards.loc[award, "n"] == pytest.approx(decided)
    assert awards.loc["top_csat", "n"] == march_kpis.loc["r3", "csat_responses"]


# --- minimum data, new hires, ties ---------------------------------------------------------


def test_three_deals_at_300_percent_do_not_win_unless_the_minimum_allows_it():
    assert recognition(world(), PERIOD, **SETTINGS).set_index("award").loc["rep_of_the_period", "rep_id"] == "r1"
    lenient = recognition(world(), PERIOD, min_deals=3, **SETTINGS).set_index("award")
    assert lenient.loc["rep_of_the_period", "rep_id"] == "r2"
    assert lenient.loc["rep_of_the_period", "value"] == pytest.approx(3.0)


def test_nobody_qualified_says_why():
    awards = recognition(world(), PERIOD, min_deals=10, min_responses=50, **SETTINGS).set_index("award")
    row = awards.loc["rep_of_the_period"]
    assert pd.isna(row.rep_id) and np.isnan(row.value) and row.eligible == 0
    # r4 and r7 are ramping; r1, r2, r3, r5 and r6 decided fewer than 10 deals
    assert row.note == "Nobody qualified: 2 still ramping (hired less than 6 months before the period; they compete " \
                       "for best newcomer); 5 below the minimum of 10 (Deals decided)."
    assert row.note_zh == "无人符合条件：2 人仍在爬坡期（入职不满 6 个月，参评最佳新人）；5 人已决商机数不足 10。"
    assert awards.loc["top_csat", "note"] == "Nobody qualified: 7 below the minimum of 50 (CSAT responses)."
    assert awards.loc["fastest_follow_up", "rep_id"] == "r5"  # the other awards are unaffected


def test_a_missing_table_is_a_note_not_an_error():
    tables = world()
    del tables["surveys"], tables["targets"]
    awards = recognition(tables, PERIOD, **SETTINGS).set_index("award")
    assert awards.loc["top_csat", "note"] == "Needs the 'surveys' table, which the data lacks."
    assert awards.loc["rep_of_the_period", "note"] == "Needs the 'targets' table, which the data lacks."
    assert awards.loc["fastest_follow_up", "rep_id"] == "r5"


def test_new_hires_are_judged_apart_until_ramped():
    # r4 has the best attainment of the month (200 %) but is in month 3 of 6: best newcomer,
    # not rep of the month, and not in most improved. Without a ramp-up, r4 wins outright
    # (r7, hired in March, is still a newcomer).
    default = recognition(world(), PERIOD, **SETTINGS).set_index("award")
    assert default.loc["best_newcomer", "rep_id"] == "r4" and default.loc["rep_of_the_period", "rep_id"] == "r1"
    assert "r4" not in (default.loc["most_improved", "rep_id"], default.loc["most_improved", "runner_up"])
    no_ramp = recognition(world(), PERIOD, ramp_months=0, **SETTINGS).set_index("award")
    assert no_ramp.loc["rep_of_the_period", "rep_id"] == "r4"
    assert no_ramp.loc["best_newcomer", "eligible"] == 0
    assert no_ramp.loc["best_newcomer", "note"] == "Nobody qualified: 1 below the minimum of 5 (Deals decided)."
    # with a 3-month ramp-up r4 (hired 2025-12-15) is still ramping on March 1st
    three = recognition(world(), PERIOD, ramp_months=3, **SETTINGS).set_index("award")
    assert three.loc["best_newcomer", "rep_id"] == "r4" and three.loc["rep_of_the_period", "rep_id"] == "r1"


def test_a_tie_is_broken_by_the_second_metric_then_the_rep_id():
    # r3 reaches 150 % like r1 but on a target of 200: 300 in bookings beats r1's 150. (The
    # KPI's target is spread by day, so r3's attainment is 1.500000000000001: values equal to
    # nine decimals are tied.)
    tied = world(bookings={"r3": [("2026-03", 5, 60.0, 0)]}, targets={("r3", "2026-03"): 200.0})
    row = recognition(tied, PERIOD, **SETTINGS).set_index("award").loc["rep_of_the_period"]
    assert (row.rep_id, row.runner_up) == ("r3", "r1")
    assert row.value == pytest.approx(1.5, abs=1e-12) and row.runner_up_value == pytest.approx(1.5, abs=1e-12)
    assert row.note == "Tied with r1 on Quota attainment; Bookings decides (300 vs 150)."
    # Same attainment and same bookings: the rep id decides (r1 before r3).
    same = world(bookings={"r3": [("2026-03", 5, 30.0, 0)]})
    row = recognition(same, PERIOD, **SETTINGS).set_index("award").loc["rep_of_the_period"]
    assert (row.rep_id, row.runner_up) == ("r1", "r3")
    assert row.note == "Tied with r3 on Quota attainment and Bookings; the rep id decides."
    assert row.note_zh == "与 r3 的配额完成率和签约额均相同；按销售编号决定。"


def test_fastest_follow_up_tie_goes_to_the_larger_share_touched_within_a_day():
    tables = world(follow_up={"r1": [1, 1, 1, 30, 30]})  # median 1 h like r5, but 60 % within 24 h
    row = recognition(tables, PERIOD, **SETTINGS).set_index("award").loc["fastest_follow_up"]
    assert (row.rep_id, row.runner_up, row.value, row.runner_up_value) == ("r5", "r1", 1.0, 1.0)
    assert row.note == "Tied with r1 on Median follow-up time (hours); Touched within 24 h decides (100% vs 60%)."


# --- scope, parameters, determinism --------------------------------------------------------


def test_awards_per_team():
    awards = recognition(world(), PERIOD, by="team", **SETTINGS)
    assert awards["scope"].tolist() == ["East"] * len(AWARDS) + ["West"] * len(AWARDS)
    west = awards[awards.scope == "West"].set_index("award")
    assert west.loc["rep_of_the_period", "rep_id"] == "r5" and west.loc["rep_of_the_period", "eligible"] == 1
    assert west.loc["best_newcomer", "note"] == ("No rep was hired within 6 months before the period or during "
                                                 "it.")
    east = awards[awards.scope == "East"].set_index("award")
    assert east.loc["fastest_follow_up", "rep_id"] == "r4"  # r5 is in West


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"period": "2026"}, r"The 'period' parameter of recognition must be a month \(e.g. '2026-03'\) or a quarter"),
    ({"period": "2026-W05"}, "The 'period' parameter of recognition"),
    ({"by": "rep"}, r"The 'by' parameter of recognition must be one of 'company', 'team', 'region'; got 'rep'"),
    ({"min_deals": 0}, r"The 'min_deals' parameter of recognition must be an int ≥ 1; got 0 instead."),
    ({"min_responses": 2.5}, "The 'min_responses' parameter"),
    ({"ramp_months": True}, "The 'ramp_months' parameter"),
    ({"csat_weight": -1}, r"The 'csat_weight' parameter of recognition must be a number ≥ 0"),
    ({"baseline_periods": 2}, r"The 'min_baseline_periods' parameter of recognition must be at most baseline_periods"),
    ({"period": "2026-09"}, r"Period 2026-09 starts after the data ends \(newest record 2026-03-10\); pick a "
                            r"period up to 2026-03"),
    ({"period": "2025-Q2"}, "Period 2025-Q2 ends before the data starts"),
])
def test_parameter_errors_name_the_parameter(kwargs, message):
    args = {"period": PERIOD, **kwargs}
    with pytest.raises(ValueError, match=message):
        recognition(world(), **args)


def test_a_quarter_uses_quarterly_kpis():
    awards = recognition(world(), "2026-Q1", min_deals=3, baseline_periods=1, min_baseline_periods=1)
    awards = awards.set_index("award")
    kpis = compute_kpis(world(), by="rep", freq="Q", start="2026-Q1", end="2026-Q1", metrics=["quota_attainment"])
    wide = kpis.pivot(index="entity_id", columns="metric", values="value")
    row = awards.loc["rep_of_the_period"]
    assert row.label == "Rep of the quarter" and row.period == pd.Timestamp("2026-01-01")
    assert row.value == wide.loc[row.rep_id, "quota_attainment"] == wide["quota_attainment"].drop(["r4"]).max()


def test_deterministic_whatever_the_row_order_and_the_input_is_not_changed():
    tables = world()
    before = {name: frame.copy() for name, frame in tables.items()}
    first = recognition(tables, PERIOD, **SETTINGS)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])
    shuffled = {name: frame.sample(frac=1.0, random_state=7).reset_index(drop=True) for name, frame in tables.items()}
    pd.testing.assert_frame_equal(first, recognition(shuffled, PERIOD, **SETTINGS))
    pd.testing.assert_frame_equal(first, recognition(tables, PERIOD, **SETTINGS))


def test_on_the_sample_every_winner_qualifies_and_matches_the_kpis():
    tables = generate_sample(n_reps=40, months=12, seed=4)
    awards = recognition(tables, "2026-Q2", by="region").set_index(["scope", "award"])
    kpis = compute_kpis(tables, by="rep", freq="Q", start="2026-Q2", end="2026-Q2",
                        metrics=[award.kpi for award in AWARDS.values()])
    wide = kpis.pivot(index="entity_id", columns="metric", values="value")
    won = awards.dropna(subset=["rep_id"])
    assert len(won) >= 8
    for (scope, award), row in won.iterrows():
        assert row.kpi_value == pytest.approx(wide.loc[row.rep_id, AWARDS[award].kpi], rel=1e-12)
        assert row.eligible >= 1 and row.basis and row.basis_zh
        if not pd.isna(row.runner_up):
            better = row.value >= row.runner_up_value if AWARDS[award].higher_is_better else \
                row.value <= row.runner_up_value
            assert better, (scope, award)
    csat = won.xs("top_csat", level="award")
    assert (csat["n"] >= 5).all()
