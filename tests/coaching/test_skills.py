"""The driver → skill map: the default covers every driver, a user's map is checked."""

import pytest

from workbench.coaching import load_skill_map, step_position
from workbench.diagnose import DRIVERS
from workbench.errors import DataError
from workbench.kpi import KPIS

STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")


def test_every_driver_has_a_skill_and_every_skill_a_label_and_real_kpi():
    skills = load_skill_map()
    for driver in DRIVERS:
        assert skills.skill_for(driver, "Proposal→Negotiation", STAGES) in skills.skills, driver
    for skill in skills.skills.values():
        assert skill.label_en and any("\u4e00" <= ch <= "\u9fff" for ch in skill.label_zh)
        assert skill.kpi is None or skill.kpi in KPIS


@pytest.mark.parametrize(("detail", "position", "skill"), [
    ("opportunity→Prospecting", "early", "discovery"),
    ("Prospecting→Qualification", "early", "discovery"),
    ("Qualification→Proposal", "early", "discovery"),
    ("Proposal→Negotiation", "late", "negotiation"),
    ("Negotiation→won", "last", "closing"),
    ("", "last", "closing"),  # no stage history: the win rate is the one step
])
def test_stage_steps_map_by_their_place_in_the_funnel(detail, position, skill):
    assert step_position(detail, STAGES) == position
    assert load_skill_map().skill_for("low_stage_conversion", detail, STAGES) == skill


def test_a_users_map_is_checked_with_the_entry_named(tmp_path):
    path = tmp_path / "my_map.toml"
    path.write_text('[skills.follow_up]\nlabel = "Follow-up"\nkpi = "follow_up_hours_median"\n\n'
                    '[[rules]]\ndriver = "slow_folow_up"\nskill = "follow_up"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"my_map.toml: \[\[rules\]\] #1: unknown driver 'slow_folow_up' "
                                        r"\(did you mean 'slow_follow_up'\?\)"):
        load_skill_map(path)
    path.write_text('[skills.follow_up]\nlabel = "Follow-up"\nkpi = "follow_up_hour"\n', encoding="utf-8")
    with pytest.raises(DataError, match="unknown KPI 'follow_up_hour'"):
        load_skill_map(path)
    path.write_text('[skills.follow_up]\nlabel = "Follow-up"\n\n[[rules]]\ndriver = "slow_follow_up"\n'
                    'skill = "follow_up"\n', encoding="utf-8")
    custom = load_skill_map(path)
    assert custom.skill_for("slow_follow_up") == "follow_up" and custom.skill_for("small_deals") is None
    assert custom.label("follow_up", "zh") == "Follow-up"  # no Chinese label given: the English one
