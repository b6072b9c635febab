"""Periodic review data: every number is compute_kpis', the medians are over employed reps,
plans and findings are cut per rep, awards come in as a table, bad parameters read clearly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench.coaching import coaching_plans, load_skill_map
from workbench.coaching.review import (
    AWARD_COLUMNS,
    DEFAULT_TREND_KPI,
    REP_KPI_COLUMNS,
    REVIEW_KPIS,
    TREND_COLUMNS,
    periodic_review,
)
from workbench.diagnose import diagnose
from workbench.kpi import KPIS, compute_kpis

PERIOD = "2026-Q1"


@pytest.fixture(scope="module")
def data():
    from workbench.sample import generate_sample

    tables = generate_sample(n_reps=24, months=18, seed=5)
    reps = tables["reps"].copy()
    reps.loc[reps["rep_id"] == "R020", "hire_date"] = pd.Timestamp("2026-05-04")  # after the period
    tables["reps"] = reps
    return workbench.load(tables)


@pytest.fixture(scope="module")
def diagnosis(data):
    return diagnose(data, period=PERIOD)


@pytest.fixture(scope="module")
def plans(data, diagnosis):
    return coaching_plans(data, diagnosis, period=PERIOD)


def _awards():
    return pd.DataFrame({
        "award": ["rep_of_the_month", "fastest_follow_up", "top_csat"],
        "label": ["Rep of the month", "Fastest follow-up", "Top CSAT"],
        "label_zh": ["月度最佳销售", "跟进最快", "客户满意度最高"],
        "rep_id": ["R002", "R002", None], "rep_name": ["x", "x", None], "team": ["North 1", "North 1", None],
        "value": [1.52, 3.5, np.nan], "unit": ["share", "hours", "score"], "basis": ["attainment", "median", ""],
        "runner_up": ["R005", "R007", None], "runner_up_value": [1.31, 4.0, np.nan], "eligible": [20, 18, 0],
        "note": ["", "", "nobody had 10 surveys"],
    })


@pytest.fixture(scope="module")
def review(data, diagnosis, plans):
    return periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans, awards=_awards())


def test_every_kpi_value_is_compute_kpis_for_the_rep_and_period(data, review):
    kpis = compute_kpis(data, by="rep", freq="Q", start=PERIOD, end=PERIOD, metrics=list(REVIEW_KPIS))
    expected = kpis.set_index(["entity_id", "metric"])["value"]
    assert list(review.kpis.columns) == REP_KPI_COLUMNS
    assert len(review.kpis) == len(review.rep_ids) * len(REVIEW_KPIS)
    for rep_id in review.rep_ids:
        rep = review.for_rep(rep_id)
        assert rep.kpis["metric"].tolist() == list(REVIEW_KPIS)
        got = rep.kpis.set_index("metric")["value"]
        np.testing.assert_allclose(got.to_numpy(float), expected.loc[rep_id].loc[list(REVIEW_KPIS)].to_numpy(float))
    # the roster (the team summary's table) shows the same numbers
    roster = review.roster.set_index("rep_id")
    for metric in ("bookings", "quota_attainment", "win_rate"):
        np.testing.assert_allclose(roster[metric].to_numpy(float),
                                   expected.xs(metric, level="metric").loc[roster.index].to_numpy(float))


def test_medians_are_over_the_reps_employed_in_the_period(data, review):
    kpis = compute_kpis(data, by="rep", freq="Q", start=PERIOD, end=PERIOD, metrics=["bookings", "win_rate"])
    wide = kpis.pivot(index="entity_id", columns="metric", values="value")
    reps = data.reps.set_index("rep_id")
    employed = reps.index[reps["hire_date"].isna() | (reps["hire_date"] < pd.Timestamp("2026-04-01"))]
    assert "R020" not in employed
    rep = review.for_rep("R002")
    mates = employed[reps.loc[employed, "team"] == rep.team]
    row = rep.kpis.set_index("metric")
    assert row.loc["bookings", "team_median"] == pytest.approx(wide.loc[mates, "bookings"].median())
    assert row.loc["win_rate", "all_reps_median"] == pytest.approx(wide.loc[employed, "win_rate"].median())
    better = row.loc["bookings", "value"] > row.loc["bookings", "team_median"]
    assert row.loc["bookings", "vs_team"] == ("better" if better else "worse")


def test_lower_is_better_kpis_compare_the_other_way(review):
    kpis = review.kpis
    cycle = kpis[(kpis["metric"] == "cycle_days_median") & kpis["value"].notna() & kpis["team_median"].notna()]
    faster = cycle[cycle["value"] < cycle["team_median"]]
    assert len(faster) and (faster["vs_team"] == "better").all()


def test_reps_hired_after_the_period_have_no_review(review):
    assert "R020" not in review.rep_ids
    assert review.later_hires == 1 and any("hired after 2026-Q1" in n for n in review.notes)
    assert len(review.rep_ids) == 23


def test_trends_are_the_monthly_kpis_of_the_last_twelve_months(data, review):
    assert review.months[0] == "2025-04" and review.months[-1] == "2026-03" and len(review.months) == 12
    assert list(review.trends.columns) == TREND_COLUMNS
    monthly = compute_kpis(data, by="rep", freq="M", start="2025-04", end="2026-03", metrics=["bookings"])
    rep = review.for_rep("R002")
    bookings = rep.trend[rep.trend["metric"] == "bookings"].set_index("period")["value"]
    expected = monthly[monthly["entity_id"] == "R002"].set_index("period")["value"]
    np.testing.assert_allclose(bookings.to_numpy(float), expected.loc[bookings.index].to_numpy(float))
    assert set(rep.trend["metric"]) == {"bookings", "bookings_target", rep.trend_metric}


def test_months_before_a_reps_hire_are_empty_in_the_trend(data, review):
    hired = data.reps.set_index("rep_id")["hire_date"]
    late = [r for r in review.rep_ids if pd.notna(hired[r]) and hired[r] > pd.Timestamp("2025-06-01")]
    assert late, "the sample should have a rep hired during the trend months"
    rep = review.for_rep(late[0])
    before = rep.trend[(rep.trend["period"] + pd.DateOffset(months=1)) <= hired[late[0]]]
    assert len(before) and before["value"].isna().all()


def test_the_second_trend_is_the_kpi_of_the_top_skill(review, plans):
    skill_map = load_skill_map()
    for rep_id in review.rep_ids:
        rep = review.for_rep(rep_id)
        top = rep.skills[rep.skills["rank"] == 1]
        if len(top) and skill_map.kpi(top["skill"].iloc[0]):
            assert rep.trend_metric == skill_map.kpi(top["skill"].iloc[0])
            assert rep.trend_skill == top["skill"].iloc[0]
        else:
            assert rep.trend_metric == DEFAULT_TREND_KPI and rep.trend_skill is None


def test_findings_and_plans_are_the_reps_own(review, diagnosis, plans):
    rep = review.for_rep("R002")
    mine = diagnosis.for_entity("R002")
    assert rep.findings["evidence"].tolist() == mine["evidence"].tolist()
    assert rep.findings["evidence_zh"].tolist() == mine["evidence_zh"].tolist()
    assert rep.findings["label_zh"].notna().all()
    skills, modules = plans.for_rep("R002")
    assert rep.skills["skill"].tolist() == skills["skill"].tolist() and len(skills)
    assert rep.modules["module_id"].tolist() == modules["module_id"].tolist()
    assert (rep.skills["skill_label_zh"] != rep.skills["skill_label"]).all()


def test_awards_come_from_the_given_table(review):
    won = review.for_rep("R002").awards
    assert won["award"].tolist() == ["rep_of_the_month", "fastest_follow_up"]
    assert review.for_rep("R005").awards.empty
    assert review.roster.set_index("rep_id").loc["R002", "awards"] == "Rep of the month; Fastest follow-up"
    assert review.roster.set_index("rep_id").loc["R002", "awards_zh"] == "月度最佳销售；跟进最快"
    assert list(review.awards.columns) == AWARD_COLUMNS and len(review.awards) == 3


def test_without_awards_there_is_no_recognition(data, diagnosis, plans):
    review = periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans)
    assert review.awards is None and review.for_rep("R002").awards is None


def test_a_team_or_a_rep_is_selected(data, diagnosis, plans):
    team = data.reps.set_index("rep_id").loc["R002", "team"]
    by_team = periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans, team=team, awards=_awards())
    assert set(by_team.roster["team"]) == {team} and by_team.team_kpis["team"].tolist() == [team]
    one = periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans, rep="R005", awards=_awards())
    assert one.rep_ids == ["R005"] and one.awards.empty
    # the team median is still over the whole team
    full = periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans)
    pd.testing.assert_frame_equal(one.for_rep("R005").kpis, full.for_rep("R005").kpis)


def test_team_kpis_are_the_teams_own(data, review):
    kpis = compute_kpis(data, by="team", freq="Q", start=PERIOD, end=PERIOD, metrics=["bookings", "quota_attainment"])
    wide = kpis.pivot(index="entity_id", columns="metric", values="value")
    got = review.team_kpis.set_index("team")
    np.testing.assert_allclose(got["bookings"].to_numpy(float), wide.loc[got.index, "bookings"].to_numpy(float))


def test_input_is_not_modified(data, diagnosis, plans):
    awards = _awards()
    before = (awards.copy(), data.reps.copy(), plans.skills.copy(), diagnosis.findings.copy())
    periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans, awards=awards)
    for frame, copy in zip((awards, data.reps, plans.skills, diagnosis.findings), before):
        pd.testing.assert_frame_equal(frame, copy)


@pytest.mark.parametrize("kwargs, message", [
    ({"period": "next quarter"}, r"The 'period' parameter of periodic_review must be a month, quarter or year"),
    ({"period": "2026-W05"}, r"The 'period' parameter of periodic_review must be a month, quarter or year"),
    ({"team": "Nowhere"}, r"The 'team' parameter of periodic_review must be one of .*'North 1'"),
    ({"rep": "R999"}, r"The 'rep' parameter of periodic_review must be a rep_id of the reps table; got 'R999'"),
    ({"rep": "R020"}, r"Rep R020 was hired on 2026-05-04, after 2026-Q1 ends"),
    ({"trend_months": 1}, r"The 'trend_months' parameter of periodic_review must be an integer from 2 to 36"),
    ({"awards": pd.DataFrame({"award": ["x"]})}, r"The 'awards' parameter .* got one without label, label_zh"),
    ({"awards": [1, 2]}, r"The 'awards' parameter .* got list instead"),
])
def test_bad_parameters_read_clearly(data, diagnosis, plans, kwargs, message):
    arguments = {"period": PERIOD, "diagnosis": diagnosis, "plans": plans, **kwargs}
    with pytest.raises(ValueError, match=message):
        periodic_review(data, **arguments)


def test_unknown_kpis_are_the_registrys_error(data, diagnosis, plans):
    from workbench.errors import UnknownKPIError

    with pytest.raises(UnknownKPIError, match="did you mean 'bookings'"):
        periodic_review(data, PERIOD, diagnosis=diagnosis, plans=plans, metrics=["bookingz"])


def test_a_diagnosis_of_another_period_is_refused(data, plans):
    other = diagnose(data, period="2026-03")
    with pytest.raises(ValueError, match="diagnosis given to periodic_review is of 2026-03, not of 2026-Q1"):
        periodic_review(data, PERIOD, diagnosis=other, plans=plans)


def test_kpis_whose_table_is_missing_are_listed_not_fatal():
    from workbench.sample import generate_sample

    tables = generate_sample(n_reps=20, months=18, seed=5)
    lean = {k: v for k, v in tables.items() if k not in ("surveys", "activities")}
    review = periodic_review(lean, PERIOD)
    assert set(review.missing_kpis) == {"csat_mean", "activities_per_workday"}
    assert not set(review.kpis["metric"]) & {"csat_mean", "activities_per_workday"}
    assert any("csat_mean" in note for note in review.notes)
    assert all(KPIS[m].label("zh") for m in review.missing_kpis)
