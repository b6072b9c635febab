"""Coaching: skill gaps behind diagnosed shortfalls, training plans, mentors, training
effectiveness, recognition and periodic reviews.

>>> from workbench.coaching import load_skill_map
>>> load_skill_map().skill_for("small_deals")
'negotiation'
"""

from workbench.coaching.skills import Skill, SkillMap, SkillRule, load_skill_map, step_position

__all__ = ["Skill", "SkillMap", "SkillRule", "load_skill_map", "step_position"]
