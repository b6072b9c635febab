"""The targets what-if panel, driven in-process on a small generated sample."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from workbench.apps import TargetsWhatIf
from workbench.apps.targets_whatif import PLANS_ENV_VAR, plan_files
from workbench.charts.targets import whatif_fan
from workbench.incentives import compare_plans, load_plan
from workbench.sample import generate_sample
from workbench.targets import LEVERS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def panel():
    return TargetsWhatIf(generate_sample(n_reps=24, months=18, seed=5), shock_sd=0.3, n_sims=1000,
                         plans=ROOT / "docs")


@pytest.fixture
def whatif(panel):
    """The shared panel at the baseline, company scope, month, English."""
    panel.lang, panel.freq = "en", "M"
    panel.tabs.selected_index = 0
    panel.region = panel.team = panel.rep = ""
    panel.reset()
    return panel


def _odds(panel) -> str:
    return re.search(r'<span class="wb-odds">(.*?)</span>', panel.headline.value).group(1)


def _fan_rows(panel) -> list:
    spec = panel.fan.spec
    return [spec["datasets"][layer["data"]["name"]] for layer in spec["layer"] if "data" in layer]


def test_panel_builds_with_a_slider_per_lever_and_funnel_step(whatif):
    assert whatif.error.value == ""
    steps = whatif.model.effects_.steps_
    assert list(whatif.sliders) == ["follow_up", *[f"stage_conversion:{s}" for s in steps], "activity", "deal_size",
                                    "cycle", "headcount"]
    assert all(not s.continuous_update for s in whatif.sliders.values())
    assert whatif.sliders["cycle"].min == LEVERS["cycle"].minimum and whatif.sliders["headcount"].max == 10
    assert whatif.scope == ("company", "company")
    assert "P(reach target), pipeline" in whatif.headline.value
    assert whatif.projection.summary["mean"] == whatif.projection.summary["baseline_mean"]
    assert whatif.fan is not None and whatif.fan.spec["title"]["text"].startswith("Company · 2026-11")
    assert "wb-whatif-table" in whatif.scope_html.value and "wb-activity-plan" in whatif.plan_html.value
    assert "wb-assumptions" in whatif.details_html.value


def test_zero_levers_show_the_pipeline_odds_of_the_baseline(whatif):
    base = whatif.model.baseline_
    company = base[base["entity_type"] == "company"].iloc[0]
    assert f"P(reach target), pipeline: <b>{company['p_reach_target']:.0%}</b>" in whatif.headline.value


def test_moving_a_slider_changes_the_projection_odds_and_chart(whatif):
    before_odds, before_fan, count = _odds(whatif), _fan_rows(whatif), whatif.n_projections_
    whatif.sliders["cycle"].value = -0.3
    s = whatif.projection.summary
    assert whatif.n_projections_ == count + 1
    assert whatif.projection.levers.cycle == pytest.approx(-0.3)
    assert s["mean"] > s["baseline_mean"] and s["p_reach_target"] > s["baseline_p_reach_target"]
    assert _odds(whatif) != before_odds
    assert f"<b>{s['p_reach_target']:.0%}</b> (baseline {s['baseline_p_reach_target']:.0%})" in _odds(whatif)
    assert _fan_rows(whatif) != before_fan
    fresh = whatif_fan(whatif.projection, as_of=whatif.model.as_of_).to_dict()  # the chart built anew
    assert _fan_rows(whatif) == [fresh["datasets"][layer["data"]["name"]] for layer in fresh["layer"]]
    median_end = [r["bookings"] for r in _fan_rows(whatif)[1] if r["series"] == "What-if median"][-1]
    assert median_end == pytest.approx(np.percentile(whatif.projection.draws, 50))
    assert whatif.error.value == ""


def test_reset_restores_the_baseline_exactly_with_one_projection(whatif):
    headline, fan, table = whatif.headline.value, _fan_rows(whatif), whatif.scope_html.value
    whatif.sliders["activity"].value = 0.4
    whatif.sliders["headcount"].value = 3
    whatif.sliders[f"stage_conversion:{whatif.model.effects_.steps_[0]}"].value = 0.2
    assert whatif.headline.value != headline
    count = whatif.n_projections_
    whatif.reset()
    assert whatif.n_projections_ == count + 1
    assert all(s.value == 0 for s in whatif.sliders.values())
    assert whatif.projection.levers.is_baseline
    assert whatif.headline.value == headline and _fan_rows(whatif) == fan and whatif.scope_html.value == table


def test_language_switch_relabels_sliders_and_headings(whatif):
    whatif.tabs.selected_index = 2
    whatif.lang_picker.value = "zh"
    step = whatif.model.effects_.steps_[0]
    assert whatif.sliders["cycle"].description == LEVERS["cycle"].label("zh")
    assert whatif.sliders[f"stage_conversion:{step}"].description == f"{LEVERS['stage_conversion'].label('zh')} {step}"
    assert whatif.reset_button.description == "恢复基线"
    assert [whatif.tabs.get_title(i) for i in range(3)] == ["范围及下级", "活动计划", "佣金支出"]
    assert whatif.region_picker.description == "区域" and whatif.region_picker.options[0][0] == "全部区域"
    assert "达成目标概率（管道）" in whatif.headline.value and "公司" in whatif.headline.value
    assert "预计签约额" in whatif.fan.spec["title"]["text"]
    assert "预期支出" in whatif.payout_html.value and "杠杆依据" in whatif.details_html.value
    whatif.lang_picker.value = "en"
    assert whatif.sliders["cycle"].description == "Cycle time" and "P(reach target)" in whatif.headline.value


def test_scope_pickers_narrow_each_other_and_pick_the_most_specific(whatif):
    reps = whatif._reps
    region = whatif.region_picker.options[1][1]
    whatif.region_picker.value = region
    assert whatif.scope == ("region", region)
    teams = {v for _, v in whatif.team_picker.options if v}
    assert teams == set(reps.loc[reps["region"] == region, "team"])
    assert whatif.projection.table["entity_type"].tolist()[1:] == ["team"] * len(teams)
    team = sorted(teams)[0]
    whatif.team_picker.value = team
    assert whatif.scope == ("team", team)
    members = set(reps.loc[reps["team"] == team, "rep_id"])
    assert {v for _, v in whatif.rep_picker.options if v} == members
    assert set(whatif.projection.table["entity_id"].iloc[1:]) == members
    rep = sorted(members)[0]
    whatif.rep_picker.value = rep
    assert whatif.scope == ("rep", rep) and whatif.projection.summary["entity_id"] == rep
    assert whatif.headline.value.count(rep) >= 1
    whatif.rep_picker.value = ""
    assert whatif.scope == ("team", team)
    whatif.region_picker.value = ""
    assert whatif.scope == ("team", team)  # the team is in every region's list
    assert whatif.error.value == ""


def test_payouts_under_two_plans_for_the_scopes_reps(whatif):
    team = whatif.model.teams_[0]
    whatif.team = team
    assert whatif.payouts is None  # simulated only when shown
    whatif.tabs.selected_index = 2
    assert whatif.payouts is not None and whatif.payouts["a"].plan.name == "Tiered AE plan 2026"
    html_text = whatif.payout_html.value
    assert "wb-payout-compare" in html_text and "wb-payouts" in html_text
    plan_a, plan_b = load_plan(ROOT / "docs" / "example_plan.toml"), load_plan(ROOT / "docs" / "example_plan_flat.toml")
    assert whatif.plan_a_picker.value == "example_plan.toml" and whatif.plan_b_picker.value == "example_plan_flat.toml"
    assert plan_a.name in html_text and plan_b.name in html_text
    draws = whatif.projection.rep_draws
    base = whatif.model.baseline_
    targets = base[base["entity_type"] == "rep"].set_index("entity_id")["target"].reindex(draws.index)
    teams = [team] * len(draws)
    team_target = base.loc[(base["entity_type"] == "team") & (base["entity_id"] == team), "target"]
    expected = compare_plans(plan_a, plan_b, draws, targets, teams=teams,
                             team_targets=team_target.set_axis([team])).set_index("metric")
    assert f">{expected.loc['payout_mean', plan_a.name]:,.0f}<" in html_text
    assert f">{expected.loc['payout_mean', plan_b.name]:,.0f}<" in html_text
    rows = re.search(r'class="wb-payouts".*?<tbody>(.*?)</tbody>', html_text).group(1)
    assert rows.count("<tr>") == len(draws)
    assert "pays per quarter" in html_text  # quarterly plans applied to a month: said so
    assert "mapping_example.toml" in html_text  # not a plan: listed as left out
    whatif.plan_b_picker.value = "example_plan.toml"
    assert whatif.payout_html.value.count(plan_a.name) >= 2 and whatif.error.value == ""
    whatif.plan_b_picker.value = "example_plan_flat.toml"
    whatif.sliders["activity"].value = 0.5  # the tab is shown: payouts follow the levers
    assert whatif.payouts["a"].summary["bookings_mean"] > expected.loc["bookings_mean", plan_a.name]


def test_quarter_period_fits_its_own_model_once(whatif):
    whatif.freq_picker.value = "Q"
    assert whatif.projection.period.endswith("-Q4") and "Q4" in whatif.headline.value
    model = whatif.model
    assert set(whatif._models) == {"M", "Q"}
    whatif.sliders["deal_size"].value = 0.2
    assert whatif.model is model and whatif.error.value == ""
    whatif.freq_picker.value = "M"
    assert whatif.projection.period == "2026-11"


def test_unreadable_data_is_shown_not_raised(tmp_path):
    panel = TargetsWhatIf(tmp_path / "missing", shock_sd=0.3)
    assert "wb-error" in panel.error.value and panel.projection is None


def test_plan_files_lists_plans_and_leaves_out_other_toml(tmp_path, monkeypatch):
    (tmp_path / "a_plan.toml").write_text('name = "A"\nbase_rate = 0.05\n', encoding="utf-8")
    (tmp_path / "mapping.toml").write_text('[columns]\nrep = "owner"\n', encoding="utf-8")
    plans, skipped, folder = plan_files(tmp_path)
    assert [(p.name, plan.name) for p, plan in plans] == [("a_plan.toml", "A")]
    assert [p.name for p in skipped] == ["mapping.toml"] and folder == tmp_path
    monkeypatch.setenv(PLANS_ENV_VAR, str(tmp_path))
    assert [p.name for p, _ in plan_files()[0]] == ["a_plan.toml"]
    monkeypatch.delenv(PLANS_ENV_VAR)
    monkeypatch.chdir(tmp_path)
    assert plan_files() == ([], [], None)
