"""The what-if projection: zero levers are the baseline, each lever moves it the expected way."""

import copy

import numpy as np
import pandas as pd
import pytest

from workbench.forecast import simulate_pipeline
from workbench.targets import PROJECTION_COLUMNS, Levers, WhatIfModel


def _team(model):
    return model.teams_[0]


def test_zero_levers_reproduce_the_pipeline_simulation_exactly(whatif_model, whatif_data):
    proj = whatif_model.project(Levers(), scope=("team", _team(whatif_model)))
    assert list(proj.table.columns) == PROJECTION_COLUMNS
    t = proj.table
    for a, b in [("mean", "baseline_mean"), ("p10", "baseline_p10"), ("p50", "baseline_p50"), ("p90", "baseline_p90"),
                 ("p_reach_target", "baseline_p_reach_target")]:
        assert (t[a].to_numpy() == t[b].to_numpy()).all() or (t[a].isna() & t[b].isna()).all()
    assert (proj.draws == proj.baseline_draws).all() and (t["change"] == 0).all()
    # the same numbers simulate_pipeline gives with the same deals, simulations, seed and shock
    sim = simulate_pipeline(whatif_model._sim["deals"], whatif_data, whatif_model.period_, n_sims=1000, seed=0,
                            shock_sd=0.3)
    ref = sim.set_index(["entity_type", "entity_id"])
    for row in t.itertuples():
        r = ref.loc[(row.entity_type, row.entity_id)]
        assert row.baseline_mean == r["mean"] and row.baseline_p90 == r["p90"] and row.target == r["target"]
        assert row.baseline_p_reach_target == r["p_reach_target"]


def test_scope_row_comes_first_then_the_level_below(whatif_model):
    team = _team(whatif_model)
    t = whatif_model.project(scope=("team", team)).table
    assert tuple(t.iloc[0][["entity_type", "entity_id"]]) == ("team", team)
    assert set(t["entity_type"].iloc[1:]) == {"rep"} and len(t) > 2
    company = whatif_model.project().table
    assert company["entity_type"].tolist()[0] == "company" and set(company["entity_type"].iloc[1:]) == {"region"}
    rep = t["entity_id"].iloc[1]
    assert len(whatif_model.project(scope=("rep", rep)).table) == 1


@pytest.mark.parametrize("up, down", [
    (Levers(activity=0.3), Levers(activity=-0.3)),
    (Levers(deal_size=0.3), Levers(deal_size=-0.3)),
    (Levers(cycle=-0.3), Levers(cycle=0.3)),
    ("stage+", "stage-"),
])
def test_each_lever_moves_the_projection_the_expected_way(whatif_model, up, down):
    steps = whatif_model.effects_.steps_
    up = Levers(stage_conversion={steps[1]: 0.2}) if up == "stage+" else up
    down = Levers(stage_conversion={steps[1]: -0.2}) if down == "stage-" else down
    scope = ("team", _team(whatif_model))
    base = whatif_model.project(scope=scope).summary
    hi, lo = whatif_model.project(up, scope).summary, whatif_model.project(down, scope).summary
    assert lo["mean"] < base["mean"] < hi["mean"]
    assert lo["p_reach_target"] <= base["p_reach_target"] <= hi["p_reach_target"]
    assert hi["p90"] >= base["p90"] >= lo["p90"]


def test_follow_up_moves_in_the_direction_of_the_fitted_effect(whatif_model):
    coef = whatif_model.effects_.follow_up_.coef
    scope = ("team", _team(whatif_model))
    change = whatif_model.project(Levers(follow_up=0.5), scope).summary["change"]
    assert np.sign(change) == -np.sign(coef) and change != 0


def test_reps_added_bring_the_ramp_share_of_the_average_reps_new_business(whatif_model):
    model = copy.copy(whatif_model)
    model.effects_ = copy.copy(whatif_model.effects_)
    model.effects_.ramp_share_ = 0.5
    scope = ("team", _team(model))
    proj = model.project(Levers(headcount=2), scope)
    members = model._S[model._row[f"team:{scope[1]}"]] > 0
    per_rep = (model._new[members] * model._F[members]).mean(axis=0)
    assert proj.summary["hires"] == 2
    assert proj.draws == pytest.approx(proj.baseline_draws + 2 * 0.5 * per_rep)
    assert proj.summary["hires_mean"] == pytest.approx(float((2 * 0.5 * per_rep).mean()))
    # reps added are not a rep's lever
    rep = proj.table["entity_id"].iloc[1]
    one = model.project(Levers(headcount=2), ("rep", rep))
    assert one.summary["change"] == 0 and any("not to one rep" in n for n in one.notes)


def test_levers_apply_to_the_scope_only_and_parts_add_up(whatif_model):
    team = _team(whatif_model)
    proj = whatif_model.project(Levers(activity=0.5, cycle=-0.2), ("team", team))
    t = proj.table
    assert t["mean"].iloc[0] == pytest.approx(t["mean"].iloc[1:].sum(), rel=1e-9)
    assert proj.rep_draws.shape == (len(t) - 1, 1000)
    assert proj.rep_draws.mean(axis=1).to_numpy() == pytest.approx(t["mean"].iloc[1:].to_numpy(), rel=1e-12)
    other = [x for x in whatif_model.teams_ if x != team][0]
    company = whatif_model.project(Levers(activity=0.5, cycle=-0.2), ("region", whatif_model.regions_[0])).table
    assert len(company) >= 1
    # another team's reps keep their baseline when the levers apply to this team
    untouched = whatif_model.project(Levers(), ("team", other)).table
    assert (untouched["change"] == 0).all()


def test_activity_plan_follows_the_levers(whatif_model):
    scope = ("team", _team(whatif_model))
    base = whatif_model.project(scope=scope).activity_plan.set_index("rep_id")
    moved = whatif_model.project(Levers(deal_size=0.25, activity=0.2), scope).activity_plan.set_index("rep_id")
    assert moved["activities_per_workday"].to_numpy() == pytest.approx(base["activities_per_workday"].to_numpy() / 1.25)
    assert moved["current_activities_per_workday"].to_numpy() == pytest.approx(
        base["current_activities_per_workday"].to_numpy() * 1.2)
    assert moved["activities_per_week"].to_numpy() == pytest.approx(moved["activities_per_workday"].to_numpy() * 5)
    mix = whatif_model.project(scope=scope).activity_mix
    assert mix["per_workday"].sum() == pytest.approx(base["activities_per_workday"].sum(), rel=1e-9)


def test_fan_quantiles_are_ordered(whatif_model):
    fan = whatif_model.project(Levers(cycle=-0.3), ("team", _team(whatif_model))).fan()
    for _, g in fan.groupby("scenario"):
        assert g.sort_values("quantile")["bookings"].is_monotonic_increasing
    assert set(fan["scenario"]) == {"what-if", "baseline"}


def test_unknown_scope_lists_the_known_entities(whatif_model):
    with pytest.raises(ValueError, match=f"no team 'Atlantis' in the data; teams: {whatif_model.teams_[0]}"):
        whatif_model.project(scope=("team", "Atlantis"))
    with pytest.raises(ValueError, match="scope level"):
        whatif_model.project(scope=("planet", "x"))


def test_new_business_levers_say_when_the_period_is_too_short_for_them(whatif_model):
    notes = whatif_model.project(Levers(activity=0.2), ("team", _team(whatif_model))).notes
    assert any("deals not created yet" in n and "later periods" in n for n in notes)


def test_not_fitted_model_says_so():
    with pytest.raises(RuntimeError, match="call fit"):
        WhatIfModel().project()


def test_baseline_is_the_headline_forecasts_pipeline_view(whatif_data):
    from workbench.forecast import forecast_headline

    headline = forecast_headline(whatif_data, by="team", snapshots=2, n_sims=500)
    model = WhatIfModel(n_sims=500).fit(whatif_data, headline=headline)
    assert model.period_ == headline.period
    assert model.shock_sd_ == headline.backtest.attrs["shock_sd"]
    odds = headline.odds.set_index(["entity_type", "entity_id"])
    for team in model.teams_:
        row = model.project(scope=("team", team)).summary
        assert row["baseline_p_reach_target"] == odds.loc[("team", team), "p_reach_target"]
        assert row["baseline_mean"] == odds.loc[("team", team), "mean"]
    assert isinstance(model.baseline_, pd.DataFrame)


def test_notes_and_assumptions_come_in_chinese_too(whatif_model):
    scope = ("team", _team(whatif_model))
    en = whatif_model.project(Levers(activity=0.2), scope).notes
    zh = whatif_model.project(Levers(activity=0.2), scope, lang="zh").notes
    assert len(en) == len(zh) and any("尚未创建的商机" in n for n in zh)
    a = whatif_model.effects_.assumptions_
    assert a[["figure_zh", "source_zh"]].notna().all().all() and (a["figure_zh"] != a["figure"]).all()
    with pytest.raises(ValueError, match="lang"):
        whatif_model.project(scope=scope, lang="fr")
