"""Coaching: skill gaps behind diagnosed shortfalls, training plans, mentors, training
effectiveness, recognition and periodic reviews.

>>> from workbench.coaching import load_skill_map
>>> load_skill_map().skill_for("small_deals")
'negotiation'
"""

from workbench.coaching.plans import CoachingPlans, coaching_plans, latest_skill_scores
from workbench.coaching.review import PeriodicReview, RepReview, periodic_review
from workbench.coaching.sessions import group_sessions, market_sessions, skill_heatmap
from workbench.coaching.skills import Skill, SkillMap, SkillRule, load_skill_map, step_position

__all__ = [
    "CoachingPlans",
    "coaching_plans",
    "latest_skill_scores",
    "PeriodicReview",
    "RepReview",
    "periodic_review",
    "group_sessions",
    "market_sessions",
    "skill_heatmap",
    "Skill",
    "SkillMap",
    "SkillRule",
    "load_skill_map",
    "step_position",
]
