"""Coaching: skill gaps behind diagnosed shortfalls, training plans, mentors, training
effectiveness, recognition and periodic reviews.

>>> from workbench.coaching import load_skill_map
>>> load_skill_map().skill_for("small_deals")
'negotiation'
"""

from workbench.coaching.assessments import latest_scores
from workbench.coaching.awards import AWARD_METRICS, AWARDS, Award, award_label
from workbench.coaching.effectiveness import VERDICTS, TrainingEffectiveness, training_effectiveness
from workbench.coaching.mentors import MentorPairs, assign_with_capacity, pair_mentors
from workbench.coaching.plans import CoachingPlans, coaching_plans
from workbench.coaching.recognition import RECOGNITION_COLUMNS, recognition
from workbench.coaching.review import PeriodicReview, RepReview, periodic_review
from workbench.coaching.sessions import group_sessions, market_sessions, skill_heatmap
from workbench.coaching.skills import Skill, SkillMap, SkillRule, load_skill_map, step_position
from workbench.coaching.workflow import Coaching, coach, mentor_needs

__all__ = [
    "CoachingPlans",
    "coaching_plans",
    "latest_scores",
    "AWARDS",
    "AWARD_METRICS",
    "Award",
    "award_label",
    "recognition",
    "TrainingEffectiveness",
    "training_effectiveness",
    "VERDICTS",
    "RECOGNITION_COLUMNS",
    "MentorPairs",
    "pair_mentors",
    "assign_with_capacity",
    "PeriodicReview",
    "RepReview",
    "periodic_review",
    "Coaching",
    "coach",
    "mentor_needs",
    "group_sessions",
    "market_sessions",
    "skill_heatmap",
    "Skill",
    "SkillMap",
    "SkillRule",
    "load_skill_map",
    "step_position",
]
