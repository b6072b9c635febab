"""Plan files: the example plans load, the schedule is what the keys say, invalid plans name the key."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.incentives.conftest import PLAN
from workbench.errors import PlanError
from workbench.incentives import load_plan, plan_from_dict

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _with(**changes) -> dict:
    raw = copy.deepcopy(PLAN)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def _key_of(raw) -> PlanError:
    with pytest.raises(PlanError) as caught:
        plan_from_dict(raw, source="bad.toml")
    return caught.value


def test_example_plans_load():
    tiered = load_plan(DOCS / "example_plan.toml")
    flat = load_plan(DOCS / "example_plan_flat.toml")
    assert tiered.period == "Q" and len(tiered.tiers) == 3 and tiered.cap.payout == 40_000.0
    assert [s.product for s in tiered.spifs] == ["Security Add-on", "Support Plus"]
    assert tiered.draw.recoverable and tiered.clawback.window_days == 90
    assert flat.base_rate == 0.06 and flat.tiers == ()
    assert tiered.source == "example_plan.toml"


def test_schedule_splits_tiers_at_the_accelerator(tiny_plan):
    schedule = [(s.label, s.start, s.end, s.rate, s.multiplier) for s in tiny_plan.schedule()]
    assert schedule == [("Tier 1", 0.0, 1.0, 0.05, 1.0), ("Tier 2", 1.0, 1.2, 0.08, 1.0),
                        ("Tier 3 ×1.5 accelerator", 1.2, float("inf"), pytest.approx(0.15), 1.5)]


def test_base_rate_fills_bands_no_tier_covers_and_decelerator_and_attainment_cap():
    plan = plan_from_dict({"base_rate": 0.02, "tiers": [{"from": 1.0, "to": 1.5, "rate": 0.1}],
                           "decelerator": {"below": 0.6, "multiplier": 0.5}, "cap": {"attainment": 2.0}})
    schedule = [(s.label, s.start, s.end, round(s.rate, 4)) for s in plan.schedule()]
    assert schedule == [("Base rate ×0.5 decelerator", 0.0, 0.6, 0.01), ("Base rate", 0.6, 1.0, 0.02),
                        ("Tier 1", 1.0, 1.5, 0.1), ("Base rate", 1.5, 2.0, 0.02)]


@pytest.mark.parametrize("raw, key, words", [
    (_with(tiers=[{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 0.9, "rate": 0.08}]), "tiers[1].from", "overlaps"),
    (_with(tiers=[{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "to": 1.2, "rate": 0.08},
                  {"from": 1.3, "rate": 0.1}]), "tiers[2].from", "gap"),
    (_with(tiers=[{"from": 0.0, "to": 1.0, "rate": -0.05}]), "tiers[0].rate", "negative"),
    (_with(base_rate=-0.01), "base_rate", "negative"),
    (_with(bonus=5), "bonus", "unknown key"),
    (_with(cap={"payot": 100.0}), "cap.payot", "did you mean 'payout'"),
    (_with(tiers=[{"from": 0.0, "to": 1.0, "rate": 0.05, "form": 1}]), "tiers[0].form", "unknown key"),
    (_with(threshold=0.5, cap={"attainment": 0.4}), "cap.attainment", "threshold"),
    (_with(tiers=[{"from": 0.0, "rate": 0.05}, {"from": 1.0, "rate": 0.08}]), "tiers[0].to", "only the last tier"),
    (_with(tiers=[{"from": 1.0, "to": 0.5, "rate": 0.05}]), "tiers[0].to", "more than from"),
    (_with(tiers=[{"to": 1.0, "rate": 0.05}]), "tiers[0].from", "required"),
    (_with(accelerator={"above": 0.8, "multiplier": 1.5}), "accelerator.above", "1 or more"),
    (_with(accelerator={"multiplier": 0.5}), "accelerator.multiplier", "1 or more"),
    (_with(decelerator={"below": 0.8, "multiplier": 1.5}), "decelerator.multiplier", "between 0 and 1"),
    (_with(decelerator={"below": 0.4, "multiplier": 0.5}), "decelerator.below", "threshold"),
    (_with(spifs=[{"product": "Cloud", "per_deal": 5.0, "rate": 0.1}]), "spifs[0]", "exactly one"),
    (_with(spifs=[{"product": "Cloud", "per_deal": 5.0}, {"product": "Cloud", "rate": 0.1}]),
     "spifs[1].product", "already"),
    (_with(period="W"), "period", "'M' (month) or 'Q' (quarter)"),
    (_with(metric="orders"), "metric", "'bookings'"),
    (_with(tiers="steep"), "tiers", "array of tables"),
    (_with(team_bonus={"attainment": 1.0}), "team_bonus.amount", "required"),
    (_with(draw={"amount": 100.0, "recoverable": "yes"}), "draw.recoverable", "true or false"),
    (_with(clawback={"window_days": 30.5}), "clawback.window_days", "whole number"),
    (_with(threshold="half"), "threshold", "a number"),
])
def test_invalid_plans_name_the_key(raw, key, words):
    error = _key_of(raw)
    assert error.key == key
    assert str(error).startswith("bad.toml: ")
    assert f"{key}: " in str(error) and words in str(error)


def test_several_problems_are_reported_at_once():
    error = _key_of(_with(base_rate=-1.0, tiers=[{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.5, "rate": 0.1}],
                          nope=1))
    assert str(error).startswith("bad.toml: 3 problems")
    assert {p.split(":")[0] for p in error.problems} == {"nope", "base_rate", "tiers[1].from"}


def test_a_plan_that_pays_nothing_is_rejected():
    assert _key_of({"name": "Empty"}).key == "base_rate"


def test_plan_files_errors_name_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("name = 'x'\ntiers = [\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"^broken\.toml: not valid TOML"):
        load_plan(broken)
    with pytest.raises(PlanError, match="no such plan file"):
        load_plan(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("base_rate = 0.05\n[[tiers]]\nfrom = 0.0\nto = 1.0\nrate = 0.05\n[[tiers]]\nfrom = 0.8\nrate = 0.1\n",
                   encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(bad)
    assert caught.value.key == "tiers[1].from" and str(caught.value).startswith("bad.toml: tiers[1].from: 0.8 overlaps")


def test_plan_error_is_a_value_error():
    assert issubclass(PlanError, ValueError)
