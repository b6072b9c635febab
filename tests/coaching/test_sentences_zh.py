"""Coaching's sentences in Chinese: mentor and session reasons, and plans' ``why_zh`` naming
drivers by their Chinese label, never by their key (``low_stage_conversion``)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.sentences import CJK, data_words, english_left
from workbench import load
from workbench.coaching import coach, group_sessions, load_skill_map, pair_mentors
from workbench.coaching.sessions import market_sessions
from workbench.diagnose.drivers import DRIVERS
from workbench.sample import generate_sample


@pytest.fixture(scope="module")
def data():
    return load(generate_sample(n_reps=12, months=24, seed=1))


@pytest.fixture(scope="module")
def coaching(data):
    return coach(data, "2026-Q1")


def test_plans_name_drivers_by_their_label(coaching):
    skills = coaching.plans.skills
    assert len(skills)
    keys = re.compile(r"\b(?:" + "|".join(DRIVERS) + r")\b")
    assert not skills["why_zh"].str.contains(keys).any()
    assert not skills["why"].str.contains(keys).any()


def test_mentor_reasons_in_chinese(tmp_path):
    """One mentor with one slot for two mentees, and a skill nobody has: two reasons, in both languages."""
    path = tmp_path / "map.toml"
    path.write_text('[skills.market_analysis]\nlabel = "Market analysis"\nlabel_zh = "市场分析"\nkpi = ""\n\n'
                    '[skills.pricing]\nlabel = "Pricing"\nlabel_zh = "定价"\nkpi = ""\n', encoding="utf-8")
    reps = pd.DataFrame({"rep_id": ["M1", "A", "B", "C"], "name": ["M1", "A", "B", "C"], "team": "X", "region": "R"})
    opportunities = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["M1"], "created_at": ["2026-01-02"],
                                  "stage": ["Won"], "amount": [1000.0], "outcome": ["won"], "closed_at": ["2026-01-15"]})
    skills = pd.DataFrame({"rep_id": ["M1", "M1"], "skill": ["market_analysis", "pricing"], "score": [90.0, 40.0],
                           "assessed_at": "2026-01-15"})
    needs = pd.DataFrame({"rep_id": ["A", "B", "C"], "skill": ["market_analysis", "market_analysis", "pricing"],
                          "priority": [2.0, 1.0, 1.0]})
    unmatched = pair_mentors({"reps": reps, "opportunities": opportunities, "skills": skills}, needs,
                             period="2026-Q2", skill_map=load_skill_map(path), capacity=1, min_score=60).unmatched
    assert set(unmatched["reason_code"]) == {"at_capacity", "no_skilled_peer"}
    assert unmatched["reason_zh"].map(lambda t: bool(CJK.search(t))).all()
    assert english_left(unmatched["reason_zh"], unmatched["reason"], {"market", "analysis", "pricing"}) == []


def test_session_reasons_in_chinese():
    skills = pd.DataFrame({"rep_id": ["a", "b", "c", "d", "e"], "team": ["East"] * 3 + ["West"] * 2, "rank": 1,
                           "skill": "follow_up", "skill_label": "Follow-up discipline",
                           "expected_uplift": [10.0, 20.0, 30.0, 5.0, 6.0], "module_id": "TM05"})
    sessions = group_sessions(skills, min_reps=2)
    assert len(sessions) == 2
    assert sessions["reason_zh"].map(lambda t: bool(CJK.search(t))).all()
    assert english_left(sessions["reason_zh"], sessions["reason"]) == []
    assert [re.findall(r"\d+", t) for t in sessions["reason"]] == [re.findall(r"\d+", t) for t in sessions["reason_zh"]]


def test_market_session_reasons_in_chinese(coaching, data):
    sessions = market_sessions(coaching.diagnosis.opportunities, data.reps, load_skill_map())
    assert len(sessions), "the sample has no market opportunity: nothing to check"
    assert sessions["reason_zh"].map(lambda t: bool(CJK.search(t))).all()
    segments = {w for t in coaching.diagnosis.opportunities["segment"].astype(str) for w in re.findall(r"\w+", t)}
    assert english_left(sessions["reason_zh"], sessions["reason"], data_words(data) | segments) == []
