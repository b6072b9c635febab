"""One call from sales data to every coaching result of a period, the same on every surface.

The ``workbench coach`` and ``workbench review`` commands, the coaching app and the
notebook all call :func:`coach`, so a rep's plan, its ranks and its expected uplift read
the same wherever they are shown: the diagnosis of the period, training effectiveness
measured once on the whole data (it replaces the assumed effectiveness in the plans), the
plans, a mentor for each rep's top gap, group and market sessions, and the awards.

Examples
--------
>>> import workbench
>>> from workbench.sample import generate_sample
>>> data = workbench.load(generate_sample(n_reps=20, months=24, seed=3))
>>> result = coach(data, "2026-Q3")
>>> result.period, list(result.plans.skills.columns[:4])
('2026-Q3', ['rep_id', 'team', 'rank', 'skill'])
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import pandas as pd

from workbench.coaching.assessments import latest_scores
from workbench.coaching.effectiveness import TrainingEffectiveness, training_effectiveness
from workbench.coaching.mentors import MentorPairs, pair_mentors
from workbench.coaching.plans import CoachingPlans, coaching_plans
from workbench.coaching.recognition import RECOGNITION_COLUMNS, recognition
from workbench.coaching.sessions import group_sessions, market_sessions
from workbench.coaching.skills import SkillMap, load_skill_map
from workbench.kpi.facts import as_sales_input
from workbench.memo import remember
from workbench.periods import parse_period

__all__ = ["Coaching", "coach", "mentor_needs"]


@dataclass(frozen=True)
class Coaching:
    """Every coaching result of one period (see :func:`coach`).

    Attributes
    ----------
    period : str
        The period label the diagnosis ends with.
    diagnosis : Diagnosis
    effectiveness : TrainingEffectiveness
    plans : CoachingPlans
    mentors : MentorPairs
        Mentors for each rep's top-ranked skill gap (its expected uplift is the priority).
    sessions : DataFrame
        Group sessions (:func:`~workbench.coaching.sessions.group_sessions`) then market
        sessions (:func:`~workbench.coaching.sessions.market_sessions`).
    awards : DataFrame
        :func:`~workbench.coaching.recognition.recognition` of the period.
    scores : DataFrame
        Each rep's latest assessed score per skill at the diagnosis window's end.
    """

    period: str
    diagnosis: object = field(repr=False)
    effectiveness: TrainingEffectiveness = field(repr=False)
    plans: CoachingPlans = field(repr=False)
    mentors: MentorPairs = field(repr=False)
    sessions: pd.DataFrame = field(repr=False)
    awards: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame = field(repr=False)


def mentor_needs(plans: CoachingPlans) -> pd.DataFrame:
    """Each rep's top-ranked skill gap, with its expected uplift as the priority for a mentor."""
    top = plans.skills[plans.skills["rank"] == 1]
    return top[["rep_id", "skill"]].assign(priority=top["expected_uplift"].astype(float).clip(lower=1.0))


def coach(data, period=None, *, diagnosis=None, effectiveness=None, skill_map=None,
          assumed_effectiveness: float = 0.25, hours_per_period: float = 8.0, capacity: int = 2,
          lang: str = "en", stage=None) -> Coaching:
    """Diagnose ``period`` and derive every coaching result from it.

    Parameters
    ----------
    data : SalesData, path, dict of DataFrames, KPITables or SalesFacts
        From an engine (:func:`workbench.connect`), the skills and training tables come
        back whole (:func:`workbench.kpi.sales_facts`); the raw activities stay there.
    period : str, optional
        The period label the diagnosis ends with (default: the diagnosis' default, the
        last full month).
    diagnosis : Diagnosis, optional
        Reuse a diagnosis of ``period``.
    effectiveness : TrainingEffectiveness, optional
        Reuse measured effectiveness (it does not depend on the period).
    skill_map : SkillMap or path, optional
    assumed_effectiveness, hours_per_period : float
        See :func:`~workbench.coaching.plans.coaching_plans`.
    capacity : int
        Mentees per mentor.
    lang : {"en", "zh"}
        Language of skill labels and mentor reasons.
    stage : callable, optional
        ``stage(name)`` returns a context manager around each step (a progress bar).

    Returns
    -------
    Coaching
    """
    stage = stage or _no_stage
    data = as_sales_input(data, caller="coach")
    skill_map = skill_map if isinstance(skill_map, SkillMap) else load_skill_map(skill_map)
    settings = dict(period=period, effectiveness=effectiveness, skill_map=skill_map,
                    assumed_effectiveness=assumed_effectiveness, hours_per_period=hours_per_period,
                    capacity=capacity, lang=lang)
    if diagnosis is None:  # made from the data alone: kept between sessions (workbench.memo)
        return remember(_coach, data, diagnosis=None, **settings, unkeyed={"stage": stage})
    return _coach(data, diagnosis=diagnosis, **settings, stage=stage)


def _no_stage(name: str):
    return contextlib.nullcontext()


def _coach(data, *, period, diagnosis, effectiveness, skill_map, assumed_effectiveness, hours_per_period, capacity,
           lang, stage) -> Coaching:
    if diagnosis is None:
        with stage("diagnosing"):
            from workbench.diagnose import diagnose

            diagnosis = diagnose(data, period=period)
    if effectiveness is None:
        with stage("measuring training effectiveness"):
            effectiveness = training_effectiveness(data, skill_map=skill_map)
    with stage("planning"):
        label = diagnosis.window.period
        plans = coaching_plans(data, diagnosis, skill_map=skill_map, effectiveness=effectiveness,
                               assumed_effectiveness=assumed_effectiveness, hours_per_period=hours_per_period,
                               lang=lang)
        mentors = pair_mentors(data, mentor_needs(plans), period=label, skill_map=skill_map, capacity=capacity,
                               lang=lang)
        sessions = pd.concat([group_sessions(plans.skills),
                              market_sessions(diagnosis.opportunities, data.reps, skill_map, lang=lang)],
                             ignore_index=True)
        # awards are for a month or a quarter; a yearly diagnosis has none
        awards = recognition(data, label) if parse_period(label).freq in ("M", "Q") else \
            pd.DataFrame(columns=RECOGNITION_COLUMNS)
    return Coaching(label, diagnosis, effectiveness, plans, mentors, sessions, awards,
                    latest_scores(data.skills, diagnosis.window.end))
