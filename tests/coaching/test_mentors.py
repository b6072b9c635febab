"""Mentor pairing: qualified mentors, capacity, the optimal assignment, preferences, reasons."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench.coaching import load_skill_map
from workbench.coaching.mentors import (
    CANDIDATE_COLUMNS,
    PAIR_COLUMNS,
    UNMATCHED_COLUMNS,
    assign_with_capacity,
    pair_mentors,
)
from workbench.errors import DataError, KPIUnavailableWarning
from workbench.kpi import compute_kpis
from workbench.sample import generate_sample

PERIOD = "2026-Q2"  # KPI window 2026-01 … 2026-06; assessments before 2026-07-01


# --------------------------------------------------------------------------- hand-made data


def _reps(teams: dict) -> pd.DataFrame:
    """``{rep_id: (team, region)}`` → a reps table."""
    return pd.DataFrame({"rep_id": list(teams), "name": list(teams),
                         "team": [t for t, _ in teams.values()], "region": [r for _, r in teams.values()]})


def _won_deals(monthly: dict) -> pd.DataFrame:
    """``{rep_id: [amount won in 2026-01, 2026-02, …]}`` (None: no deal that month) → opportunities."""
    rows = []
    for rep, amounts in monthly.items():
        for month, amount in enumerate(amounts, start=1):
            if amount is not None:
                rows.append((f"{rep}-{month}", rep, f"2026-{month:02d}-02", "Won", float(amount), "won",
                             f"2026-{month:02d}-15"))
    return pd.DataFrame(rows, columns=["opportunity_id", "rep_id", "created_at", "stage", "amount", "outcome",
                                       "closed_at"])


def _skills(scores: dict, when: str = "2026-01-15") -> pd.DataFrame:
    """``{(rep_id, skill): score}`` → a skills table assessed on ``when``."""
    return pd.DataFrame({"rep_id": [r for r, _ in scores], "skill": [s for _, s in scores],
                         "score": [float(v) for v in scores.values()], "assessed_at": [when] * len(scores)})


def _data(teams: dict, scores: dict, deals: dict | None = None) -> dict:
    deals = deals or {next(iter(teams)): [1000.0]}
    return {"reps": _reps(teams), "opportunities": _won_deals(deals), "skills": _skills(scores)}


def _needs(*rows) -> pd.DataFrame:
    columns = ["rep_id", "skill", "priority"][: len(rows[0])]
    return pd.DataFrame(list(rows), columns=columns)


@pytest.fixture
def two_skill_map(tmp_path):
    """Two skills without a KPI: mentors are judged on their assessed score alone."""
    path = tmp_path / "map.toml"
    path.write_text('[skills.market_analysis]\nlabel = "Market analysis"\nlabel_zh = "市场分析"\nkpi = ""\n\n'
                    '[skills.pricing]\nlabel = "Pricing"\nlabel_zh = "定价"\nkpi = ""\n', encoding="utf-8")
    return load_skill_map(path)


# --------------------------------------------------------------------------- sample data


@pytest.fixture(scope="module")
def sample():
    return workbench.load(generate_sample(n_reps=60, months=24, seed=11))


def _sample_needs(data, share=0.5, seed=3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    reps = np.sort(data.reps["rep_id"].to_numpy())
    skills = sorted(data.skills["skill"].unique())
    rows = [(rep, skill, float(rng.integers(1, 50)) * 1000)
            for rep in rng.choice(reps, size=int(len(reps) * share), replace=False)
            for skill in rng.choice(skills, size=rng.integers(1, 3), replace=False)]
    return pd.DataFrame(rows, columns=["rep_id", "skill", "priority"])


# --------------------------------------------------------------------------- the optimum


def test_the_assignment_is_the_hand_worked_optimum_not_the_greedy_one(two_skill_map):
    # Two mentors with one slot each, three mentees (min_score 60: fit = (score - 60) / 40;
    # same-team bonus 0.1, same-region bonus 0.3, so a same-team pair gets 0.4; a pair is
    # worth 2 + fit + bonuses, all priorities 1):
    #   M1 (team X, region R): market 90 (fit .75), pricing 90 (fit .75)
    #   M2 (team Y, region R): market 90 (fit .75), pricing 50 (below the bar)
    #   A  (team X, region R) needs market:  A–M1 = 2 + .75 + .4 = 3.15,  A–M2 = 2 + .75 + .3 = 3.05
    #   B  (team W, region R) needs pricing: B–M1 = 2 + .75 + .3 = 3.05,  B–M2 not allowed
    #   C  (team V, region Q) needs market:  C–M1 = 2 + .75      = 2.75,  C–M2 = 2.75
    # Greedy (best pair first): A–M1 (3.15), then M2's best left is C–M2 (2.75): 5.90, B unmatched.
    # Every way to fill the two slots:
    #   A–M1 + C–M2 = 5.90    A–M2 + B–M1 = 6.10    A–M2 + C–M1 = 5.80    B–M1 + C–M2 = 5.80
    # The optimum is A–M2 + B–M1 = 6.10, and C is the one left without a mentor.
    teams = {"M1": ("X", "R"), "M2": ("Y", "R"), "A": ("X", "R"), "B": ("W", "R"), "C": ("V", "Q")}
    scores = {("M1", "market_analysis"): 90, ("M1", "pricing"): 90, ("M2", "market_analysis"): 90,
              ("M2", "pricing"): 50}
    needs = _needs(("A", "market_analysis"), ("B", "pricing"), ("C", "market_analysis"))
    result = pair_mentors(_data(teams, scores), needs, period=PERIOD, skill_map=two_skill_map, capacity=1,
                          min_score=60, same_team_bonus=0.1, same_region_bonus=0.3)
    assert result.pairs[["mentee_id", "mentor_id"]].values.tolist() == [["A", "M2"], ["B", "M1"]]
    assert result.pairs["match_score"].tolist() == pytest.approx([1.05, 1.05])
    assert -result.pairs["cost"].sum() == pytest.approx(6.10)
    greedy = 3.15 + 2.75
    assert -result.pairs["cost"].sum() > greedy
    assert result.unmatched[["rep_id", "reason_code"]].values.tolist() == [["C", "at_capacity"]]


def _brute_force(value, capacity):
    """The best total over every way to give each need a mentor or none."""
    n_needs, n_mentors = value.shape
    best = 0.0
    for choice in itertools.product(range(-1, n_mentors), repeat=n_needs):
        used = np.bincount([c for c in choice if c >= 0], minlength=n_mentors)
        if (used > capacity).any() or any(c >= 0 and np.isnan(value[i, c]) for i, c in enumerate(choice)):
            continue
        best = max(best, sum(value[i, c] for i, c in enumerate(choice) if c >= 0))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_assign_with_capacity_finds_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    n_needs, n_mentors = rng.integers(1, 6), rng.integers(1, 4)
    value = rng.uniform(1, 4, (n_needs, n_mentors))
    value[rng.random(value.shape) < 0.35] = np.nan
    capacity = rng.integers(1, 3, n_mentors)
    chosen = assign_with_capacity(value, capacity)
    used = np.bincount(chosen[chosen >= 0], minlength=n_mentors)
    assert (used <= capacity).all()
    assert all(c < 0 or np.isfinite(value[i, c]) for i, c in enumerate(chosen))
    total = sum(value[i, c] for i, c in enumerate(chosen) if c >= 0)
    assert total == pytest.approx(_brute_force(value, capacity))


# --------------------------------------------------------------------------- capacity, preferences


def test_capacity_is_respected_and_only_full_mentors_leave_a_need_unmatched(sample):
    needs = _sample_needs(sample)
    reasons = {}
    for capacity in (1, 2):
        result = pair_mentors(sample, needs, period=PERIOD, capacity=capacity)
        load = result.pairs.groupby("mentor_id").size()
        assert load.max() <= capacity
        assert len(result.pairs) + len(result.unmatched) == len(needs.drop_duplicates(["rep_id", "skill"]))
        assert (result.candidates.groupby("mentor_id")["pairings"].sum() <= capacity).all()
        # a need left unmatched "at capacity" had qualified mentors, and every one of them is full
        needing = set(zip(needs["rep_id"], needs["skill"]))
        for need in result.unmatched[result.unmatched["reason_code"] == "at_capacity"].itertuples():
            mentors = {m for m in result.candidates.loc[result.candidates["skill"] == need.skill, "mentor_id"]
                       if m != need.rep_id and (m, need.skill) not in needing}
            assert mentors and all(load.get(m, 0) == capacity for m in mentors)
        reasons[capacity] = result.unmatched["reason_code"].value_counts().to_dict()
    # one slot each is too few for this sample's needs; a second slot matches more of them
    assert reasons[1].get("at_capacity", 0) > reasons[2].get("at_capacity", 0)
    assert set(reasons[1]) <= {"at_capacity"} and set(reasons[2]) <= {"at_capacity"}


def test_a_same_team_mentor_is_preferred_but_as_a_cost_not_a_rule(two_skill_map):
    teams = {"A": ("East", "N"), "B": ("East", "N"), "C": ("West", "N"), "D": ("South", "S")}

    def mentor_of(scores, **bonuses):
        result = pair_mentors(_data(teams, scores), _needs(("A", "market_analysis")), period=PERIOD,
                              skill_map=two_skill_map, **bonuses)
        return result.pairs["mentor_id"].item()

    # B (same team, 80: fit .333 + .2 + .1 = .633) beats C (same region, 85: fit .5 + .1 = .6)
    near = {("B", "market_analysis"): 80, ("C", "market_analysis"): 85}
    assert mentor_of(near) == "B"
    assert mentor_of(near, same_team_bonus=0.0, same_region_bonus=0.0) == "C"
    # a much stronger peer elsewhere still wins: C at 95 (fit .833 + .1 = .933)
    assert mentor_of({("B", "market_analysis"): 80, ("C", "market_analysis"): 95}) == "C"
    # same region before another region: C (85: .5 + .1 = .6) beats D (88: .6, other region)
    assert mentor_of({("C", "market_analysis"): 85, ("D", "market_analysis"): 88}) == "C"


def test_a_higher_priority_need_wins_a_contested_mentor(two_skill_map):
    teams = {"A": ("East", "N"), "B": ("East", "N"), "M": ("East", "N")}
    data = _data(teams, {("M", "market_analysis"): 90})
    for high, low in (("A", "B"), ("B", "A")):
        needs = _needs((low, "market_analysis", 10_000.0), (high, "market_analysis", 30_000.0))
        result = pair_mentors(data, needs, period=PERIOD, skill_map=two_skill_map, capacity=1)
        assert result.pairs[["mentee_id", "mentor_id"]].values.tolist() == [[high, "M"]]
        assert result.unmatched[["rep_id", "reason_code"]].values.tolist() == [[low, "at_capacity"]]
        assert result.unmatched["reason"].item() == ("every qualified mentor is at capacity "
                                                      "(1 qualified, capacity 1 each)")


def test_nobody_is_paired_with_themselves_or_with_a_mentor_who_needs_the_skill(two_skill_map):
    teams = {"A": ("East", "N"), "B": ("East", "N"), "C": ("West", "S")}
    # A and B score highest but both need the skill; C is the only one who may mentor them
    scores = {("A", "market_analysis"): 95, ("B", "market_analysis"): 92, ("C", "market_analysis"): 75}
    needs = _needs(("A", "market_analysis"), ("B", "market_analysis"))
    result = pair_mentors(_data(teams, scores), needs, period=PERIOD, skill_map=two_skill_map)
    assert result.pairs[["mentee_id", "mentor_id"]].values.tolist() == [["A", "C"], ["B", "C"]]
    # without C, each one's only skilled peer needs the skill too
    result = pair_mentors(_data(teams, {k: v for k, v in scores.items() if k[0] != "C"}), needs, period=PERIOD,
                          skill_map=two_skill_map)
    assert result.pairs.empty
    assert result.unmatched["reason_code"].tolist() == ["peers_need_it_too"] * 2
    assert result.unmatched["reason"].iloc[0] == "every qualified mentor in Market analysis needs it too"


def test_on_the_sample_no_pair_breaks_a_rule(sample):
    needs = _sample_needs(sample, share=0.4, seed=8)
    result = pair_mentors(sample, needs, period=PERIOD)
    pairs = result.pairs
    assert not pairs.empty
    assert (pairs["mentor_id"] != pairs["mentee_id"]).all()
    needing = set(zip(needs["rep_id"], needs["skill"]))
    assert not any((m, s) in needing for m, s in zip(pairs["mentor_id"], pairs["skill"]))
    assert (pairs["mentor_score"] >= 70).all()
    judged = pairs[pairs["mentor_kpi"].notna()]
    assert (judged["mentor_kpi_rank"] >= 0.5).all() and (judged["mentor_kpi_months"] >= 3).all()
    teams = sample.reps.set_index("rep_id")["team"]
    assert (pairs["same_team"] == (pairs["mentee_id"].map(teams) == pairs["mentor_id"].map(teams))).all()


# --------------------------------------------------------------------------- who qualifies


def test_mentor_scores_are_the_latest_assessment_before_the_period_ends(two_skill_map):
    teams = {"A": ("East", "N"), "B": ("East", "N")}
    data = _data(teams, {})
    data["skills"] = pd.DataFrame({"rep_id": ["B"] * 3, "skill": ["market_analysis"] * 3,
                                   "score": [90.0, 65.0, 99.0],
                                   "assessed_at": ["2025-07-15", "2026-01-15", "2026-07-15"]})
    needs = _needs(("A", "market_analysis"))
    result = pair_mentors(data, needs, period=PERIOD, skill_map=two_skill_map)  # 65: below the bar
    assert result.pairs.empty and result.unmatched["reason_code"].item() == "no_skilled_peer"
    assert result.unmatched["reason"].item() == ("no other rep scores ≥ 70 in Market analysis "
                                                 "(latest assessment before 2026-07-01)")
    assert pair_mentors(data, needs, period="2026-Q3", skill_map=two_skill_map).pairs["mentor_score"].item() == 99.0


def test_one_lucky_month_does_not_make_a_mentor():
    # negotiation's KPI is avg_deal_size; the window of 2026-Q2 is 2026-01 … 2026-06.
    # Monthly deal sizes: S 30k × 6 months, W 10k × 6, M 5k × 6, L one month of 40k.
    # Peers' mean of the monthly values: (180 + 60 + 30 + 40)k / 19 = 16.32k; shrunk by 3 months:
    # S (180 + 48.95) / 9 = 25.4k, L (40 + 48.95) / 4 = 22.2k, W 12.1k, M 8.8k.
    teams = {name: ("East", "N") for name in ("M", "S", "W", "L")}
    deals = {"S": [30_000] * 6, "W": [10_000] * 6, "M": [5_000] * 6, "L": [None, None, 40_000]}
    scores = {("M", "negotiation"): 50, ("S", "negotiation"): 75, ("W", "negotiation"): 90,
              ("L", "negotiation"): 95}
    data = _data(teams, scores, deals)
    needs = _needs(("M", "negotiation"))
    # by default a mentor needs a value in 3 of the 6 months: L is not ranked at all.
    # Ranks among S, W, M: 1, 2/3, 1/3. S: fit (5/30 + 1) / 2 = .583; W: (20/30 + 1/3) / 2 = .5
    result = pair_mentors(data, needs, period=PERIOD)
    assert "L" not in set(result.candidates["mentor_id"])
    assert result.pairs[["mentor_id", "mentor_kpi", "mentor_kpi_value", "mentor_kpi_months"]].values.tolist() == [
        ["S", "avg_deal_size", 30_000.0, 6]]
    assert result.pairs["mentor_kpi_rank"].item() == 1.0
    assert result.pairs["match_score"].item() == pytest.approx(7 / 12 + 0.3)
    # counting single months, the shrunk mean still ranks L (raw mean 40k) below S (30k)
    loose = pair_mentors(data, needs, period=PERIOD, min_kpi_months=1).candidates.set_index("mentor_id")
    assert loose.loc["L", "kpi_value"] > loose.loc["S", "kpi_value"]
    assert loose.loc["S", "kpi_rank"] == 1.0 and loose.loc["L", "kpi_rank"] == 0.75
    # and nobody strong enough: the reason names the KPI and the rule
    weak = pair_mentors(data, needs, period=PERIOD, min_kpi_rank=1.0, min_score=80)
    assert weak.unmatched["reason_code"].item() == "no_strong_kpi"
    assert weak.unmatched["reason"].item() == (
        "no rep scoring ≥ 80 in Negotiation, objection handling and value selling has a strong Average deal "
        "size (a value in ≥ 3 of the months 2026-01…2026-06 and a rank ≥ 1 among peers)")


def test_a_kpi_where_lower_is_better_ranks_the_fastest_highest(sample):
    needs = _sample_needs(sample, share=0.3, seed=5)
    result = pair_mentors(sample, needs, period=PERIOD)
    follow_up = result.candidates[result.candidates["skill"] == "follow_up"]
    assert (follow_up["kpi"] == "follow_up_hours_median").all() and len(follow_up) >= 2
    by_rank = follow_up.sort_values("kpi_rank")
    # over 6 months the shrunk mean and the plain mean order reps (with ≥ 3 months) almost alike
    assert np.corrcoef(by_rank["kpi_rank"], -by_rank["kpi_value"])[0, 1] > 0.8


def test_mentor_kpi_values_are_the_kpi_tables_monthly_values(sample):
    needs = _sample_needs(sample, share=0.3, seed=5)
    result = pair_mentors(sample, needs, period=PERIOD)
    assert result.kpi_window == ("2026-01", "2026-06")
    judged = result.pairs[result.pairs["mentor_kpi"].notna()]
    kpis = compute_kpis(sample, by="rep", freq="M", metrics=sorted(set(judged["mentor_kpi"])),
                        start="2026-01", end="2026-06").dropna(subset=["value"])
    monthly = kpis.groupby(["entity_id", "metric"])["value"]
    for pair in judged.itertuples():
        values = monthly.get_group((pair.mentor_id, pair.mentor_kpi))
        assert pair.mentor_kpi_value == pytest.approx(values.mean())
        assert pair.mentor_kpi_months == len(values)


def test_a_kpi_whose_table_is_missing_leaves_the_score_to_judge(sample):
    tables = {name: sample[name] for name in ("reps", "opportunities", "skills")}
    needs = pd.DataFrame({"rep_id": ["R001", "R002"], "skill": ["customer_care"] * 2})
    with pytest.warns(KPIUnavailableWarning, match="csat_mean"):
        result = pair_mentors(tables, needs, period=PERIOD)
    assert len(result.pairs) == 2
    assert result.pairs["mentor_kpi"].isna().all() and result.pairs["mentor_kpi_value"].isna().all()


# --------------------------------------------------------------------------- output contract


def test_same_input_same_output_whatever_the_row_order_and_inputs_untouched(sample):
    needs = _sample_needs(sample, share=0.5, seed=4)
    before_needs, before_skills = needs.copy(), sample.skills.copy()
    first = pair_mentors(sample, needs, period=PERIOD, capacity=1)
    again = pair_mentors(sample, needs.sample(frac=1.0, random_state=1), period=PERIOD, capacity=1)
    for name in ("pairs", "unmatched", "candidates"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    pd.testing.assert_frame_equal(needs, before_needs)
    pd.testing.assert_frame_equal(sample.skills, before_skills)
    assert list(first.pairs.columns) == PAIR_COLUMNS and list(first.unmatched.columns) == UNMATCHED_COLUMNS
    assert list(first.candidates.columns) == CANDIDATE_COLUMNS
    assert first.pairs[["mentee_id", "skill"]].equals(
        first.pairs[["mentee_id", "skill"]].sort_values(["mentee_id", "skill"]).reset_index(drop=True))
    with pytest.raises(AttributeError):
        first.pairs = None


def test_a_dict_and_the_loaded_data_give_the_same_pairs():
    tables = generate_sample(n_reps=20, months=12, seed=2)
    needs = pd.DataFrame({"rep_id": ["R001", "R005", "R010"], "skill": ["closing", "discovery", "closing"]})
    from_dict = pair_mentors(tables, needs, period="2026-Q3")
    from_data = pair_mentors(workbench.load(tables), needs, period="2026-Q3")
    pd.testing.assert_frame_equal(from_dict.pairs, from_data.pairs)


def test_labels_and_reasons_in_chinese(two_skill_map):
    teams = {"A": ("East", "N"), "B": ("East", "N"), "C": ("East", "N")}
    data = _data(teams, {("C", "market_analysis"): 90})
    needs = _needs(("A", "market_analysis"), ("B", "pricing"))
    result = pair_mentors(data, needs, period=PERIOD, skill_map=two_skill_map, lang="zh")
    assert result.pairs["skill_label"].tolist() == ["市场分析"]
    assert result.unmatched["reason"].item() == "没有其他销售在定价上的评分 ≥ 70（2026-07-01 之前的最近一次评估）"


def test_no_needs_no_pairs(sample):
    result = pair_mentors(sample, pd.DataFrame({"rep_id": [], "skill": []}), period=PERIOD)
    assert result.pairs.empty and result.unmatched.empty and list(result.pairs.columns) == PAIR_COLUMNS


# --------------------------------------------------------------------------- errors


def test_missing_skills_table_is_named(sample):
    tables = {name: sample[name] for name in ("reps", "opportunities")}
    with pytest.raises(DataError, match=r"pair_mentors needs the 'skills' table \(rep_id, skill, score"):
        pair_mentors(tables, pd.DataFrame({"rep_id": ["R001"], "skill": ["closing"]}), period=PERIOD)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity": 0}, "The 'capacity' parameter of pair_mentors must be a positive integer; got 0 instead."),
    ({"min_score": 120}, "The 'min_score' parameter of pair_mentors must be a number from 0 to 100; got 120"),
    ({"min_kpi_months": 7}, "The 'min_kpi_months' parameter of pair_mentors must be an integer from 1 to "
                            "kpi_months (6); got 7"),
    ({"same_team_bonus": -1}, "The 'same_team_bonus' parameter of pair_mentors must be a number ≥ 0"),
    ({"period": "Q5"}, "The 'period' parameter of pair_mentors must be a period label such as '2026-Q1'"),
    ({"lang": "fr"}, "The 'lang' parameter of pair_mentors must be one of 'en', 'zh'"),
    ({"needs": pd.DataFrame({"rep": ["R001"], "skill": ["closing"]})},
     "The 'needs' parameter of pair_mentors must be a DataFrame with columns 'rep_id' and 'skill'"),
    ({"needs": pd.DataFrame({"rep_id": ["R999"], "skill": ["closing"]})},
     "must be a table whose rep_id values are in the reps table; got ['R999'] instead."),
    ({"needs": pd.DataFrame({"rep_id": ["R001"], "skill": ["negotation"]})},
     "must be a table whose skill values are in the skill map or the skills table (did you mean "
     "'negotiation'?); got ['negotation'] instead."),
    ({"needs": pd.DataFrame({"rep_id": ["R001"], "skill": ["closing"], "priority": [-1.0]})},
     "must be a table whose priority values are positive numbers; got [-1.0] instead."),
])
def test_parameter_errors_read_the_standard_way(sample, kwargs, message):
    arguments = {"needs": pd.DataFrame({"rep_id": ["R001"], "skill": ["closing"]}), "period": PERIOD, **kwargs}
    needs = arguments.pop("needs")
    with pytest.raises(ValueError) as error:
        pair_mentors(sample, needs, **arguments)
    assert message in str(error.value)
