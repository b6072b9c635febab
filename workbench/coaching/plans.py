"""Coaching plans: each rep's skill gaps, ranked by the revenue training could win back.

A plan starts from the rep's diagnosis findings (:func:`workbench.diagnose.diagnose`):
each finding's driver maps to a skill (:mod:`workbench.coaching.skills`), and the skill
inherits the finding's revenue at stake and its evidence sentence — the *why*
(``source = "finding"``). A second source is the skill assessments: a skill the rep scores
at least ``score_gap`` points below the median rep also enters the plan
(``source = "assessment"``), its revenue at stake the largest revenue impact of the
diagnosis tests behind that skill weighted by their confidence (1 − q), since those tests
did not reach significance. The **expected uplift** of coaching a skill is

    revenue at stake × effectiveness

where effectiveness is the share of the revenue at stake that training wins back. It is
an assumption, stated and editable (``assumed_effectiveness``, 25 % by default), until
training effectiveness has been measured (:mod:`workbench.coaching.effectiveness`): for a
skill with a module measured to work, it becomes the best working module's effect
divided by the finding's relative gap (capped at 1); it is 0 when the KPI got worse after
every measured module of the skill — such a skill is better served by a mentor, and the
plan says so. A module whose interval covers 0 is not proof that training does nothing:
the assumption stays, with a note.

For each skill the plan recommends one module from the training catalog: modules that
were measured to work first, then untested ones, then ones with no measurable effect;
shorter ones first. A module the rep already completed is left out unless the rep's
latest assessed score of the skill is still below ``low_score`` (then it is offered again,
saying so). Modules are scheduled into periods within a time budget per rep
(``hours_per_period``), in the order of the ranked skills.

Examples
--------
>>> import workbench
>>> from workbench.sample import generate_sample
>>> data = workbench.load(generate_sample(n_reps=20, months=24, seed=3))
>>> plans = coaching_plans(data, period="2026-Q3")
>>> list(plans.skills.columns[:6])
['rep_id', 'team', 'rank', 'skill', 'skill_label', 'expected_uplift']
>>> bool((plans.modules["hours"] > 0).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.coaching.assessments import latest_scores
from workbench.coaching.skills import SkillMap, load_skill_map
from workbench.diagnose.drivers import DRIVERS
from workbench.kpi.facts import as_sales_input
from workbench.params import check_lang, check_param

__all__ = ["CoachingPlans", "coaching_plans", "SKILL_COLUMNS", "MODULE_COLUMNS"]

#: Columns of ``CoachingPlans.skills``.
SKILL_COLUMNS = [
    "rep_id", "team", "rank", "skill", "skill_label", "expected_uplift", "revenue_at_stake",
    "effectiveness", "effectiveness_source", "source", "gap", "drivers", "details", "why", "why_zh",
    "skill_score", "peer_median_score", "assessed_at", "module_id", "note", "note_zh",
]
#: Columns of ``CoachingPlans.modules``.
MODULE_COLUMNS = [
    "rep_id", "rank", "skill", "module_id", "title", "hours", "format", "slot", "measured_effect", "note", "note_zh",
]


@dataclass(frozen=True)
class CoachingPlans:
    """Result of :func:`coaching_plans` (compute once, draw separately).

    Attributes
    ----------
    skills : DataFrame
        One row per rep and skill gap, ``rank`` 1 = the largest expected uplift; columns
        :data:`SKILL_COLUMNS`. ``why`` / ``why_zh`` are the findings' evidence sentences,
        ``note`` / ``note_zh`` what a trainer should know (e.g. "pair with a mentor").
    modules : DataFrame
        The module recommended for each ranked skill, scheduled into ``slot`` 1 (this
        period), 2 (the next), … within the time budget; columns :data:`MODULE_COLUMNS`.
    unmapped : DataFrame
        Rep findings whose driver maps to no skill in the skill map.
    period : str
        The period the diagnosis ends with.
    window : str
        The diagnosis window the revenue at stake is measured over.
    assumptions : dict
        ``assumed_effectiveness``, ``hours_per_period``, ``low_score``, ``score_gap``.
    skill_map : SkillMap
    """

    skills: pd.DataFrame
    modules: pd.DataFrame
    unmapped: pd.DataFrame
    period: str
    window: str
    assumptions: dict = field(default_factory=dict)
    skill_map: SkillMap | None = field(default=None, repr=False)

    def for_rep(self, rep_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The ranked skills and the scheduled modules of one rep."""
        rep_id = str(rep_id)
        return (self.skills[self.skills["rep_id"] == rep_id].reset_index(drop=True),
                self.modules[self.modules["rep_id"] == rep_id].reset_index(drop=True))


def _skill_gaps(findings: pd.DataFrame, skill_map: SkillMap, stages) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rep findings grouped by rep and skill: revenue at stake, revenue-weighted gap, why."""
    rep = findings[findings["entity_type"] == "rep"]
    rep = skill_map.assign(rep, stages)
    unmapped = rep[rep["skill"].isna()].drop(columns="skill").reset_index(drop=True)
    rep = rep[rep["skill"].notna()]
    if rep.empty:
        return pd.DataFrame(columns=["rep_id", "team", "skill", "revenue_at_stake", "gap", "drivers", "details",
                                     "why", "why_zh"]), unmapped
    rep = rep.assign(impact=rep["revenue_impact"].fillna(0.0).clip(lower=0.0),
                     weighted_gap=rep["gap"].astype(float) * rep["revenue_impact"].fillna(0.0).clip(lower=0.0))

    def join(values) -> str:
        return "; ".join(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))

    grouped = rep.sort_values("revenue_impact", ascending=False, kind="stable").groupby(
        ["entity_id", "skill"], sort=False)
    out = grouped.agg(
        team=("team", "first"), revenue_at_stake=("impact", "sum"), weighted_gap=("weighted_gap", "sum"),
        plain_gap=("gap", "mean"), drivers=("driver", join), details=("detail", join),
        why=("evidence", lambda v: " ".join(dict.fromkeys(v))), why_zh=("evidence_zh", lambda v: "".join(dict.fromkeys(v))),
    ).reset_index().rename(columns={"entity_id": "rep_id"})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["gap"] = np.where(out["revenue_at_stake"] > 0, out["weighted_gap"] / out["revenue_at_stake"], out["plain_gap"])
    return out.drop(columns=["weighted_gap", "plain_gap"]), unmapped


def _assessment_gaps(tests: pd.DataFrame, scores: pd.DataFrame, reps: pd.DataFrame, known: pd.DataFrame,
                     skill_map: SkillMap, stages, score_gap: float) -> pd.DataFrame:
    """Skills a rep scores ``score_gap`` or more below the median rep, not already in ``known``."""
    columns = ["rep_id", "team", "skill", "revenue_at_stake", "gap", "drivers", "details", "why", "why_zh"]
    if scores.empty:
        return pd.DataFrame(columns=columns)
    median = scores.groupby("skill")["score"].median()
    low = scores.assign(peer=scores["skill"].map(median))
    low = low[low["peer"] - low["score"] >= score_gap]
    taken = set(zip(known["rep_id"], known["skill"]))
    # a boolean array, not a list: an empty list would select no *columns*
    low = low[np.array([(r, k) not in taken for r, k in zip(low["rep_id"], low["skill"])], dtype=bool)]
    low = low[low["skill"].isin(list(skill_map.skills))]
    if low.empty:
        return pd.DataFrame(columns=columns)
    rep_tests = tests[tests["entity_type"] == "rep"].rename(columns={"entity": "entity_id"})
    rep_tests = skill_map.assign(rep_tests, stages)
    weighted = rep_tests.assign(expected=rep_tests["revenue_impact"].fillna(0.0).clip(lower=0.0)
                                * (1.0 - rep_tests["q_value"].fillna(1.0)))
    best = (weighted.sort_values("expected", ascending=False, kind="stable")
            .drop_duplicates(["entity_id", "skill"]).set_index(["entity_id", "skill"]))
    rows = []
    team = reps.set_index("rep_id")["team"]
    for r in low.itertuples():
        hit = best.loc[(r.rep_id, r.skill)] if (r.rep_id, r.skill) in best.index else None
        stake = float(hit["expected"]) if hit is not None else 0.0
        driver = str(hit["driver"]) if hit is not None and stake > 0 else ""
        why = (f"Assessed {r.score:.0f} in {skill_map.label(r.skill)} on {r.assessed_at:%Y-%m-%d}, "
               f"{r.peer - r.score:.0f} points below the median rep ({r.peer:.0f})")
        why_zh = (f"{r.assessed_at:%Y-%m-%d} 的「{skill_map.label(r.skill, 'zh')}」评估得分 {r.score:.0f}，"
                  f"比中位水平（{r.peer:.0f}）低 {r.peer - r.score:.0f} 分")
        if driver:
            rule = DRIVERS.get(driver)
            why += (f"; the diagnosis saw a possible shortfall in {rule.label_en.lower() if rule else driver} "
                    f"(not significant, q = {hit['q_value']:.2f}).")
            why_zh += f"；诊断显示「{rule.label_zh if rule else driver}」方面可能存在差距（不显著，q = {hit['q_value']:.2f}）。"
        else:
            why += "."
            why_zh += "。"
        rows.append((r.rep_id, team.get(r.rep_id), r.skill, stake, np.nan, driver, "", why, why_zh))
    return pd.DataFrame(rows, columns=columns)


def _measured(effectiveness) -> pd.DataFrame | None:
    """The per-module measured effects (``module_id, skill, effect, verdict``), if any."""
    if effectiveness is None:
        return None
    modules = getattr(effectiveness, "modules", effectiveness)
    if not isinstance(modules, pd.DataFrame) or modules.empty:
        return None
    return modules


def _effectiveness(gaps: pd.DataFrame, measured: pd.DataFrame | None, assumed: float) -> pd.DataFrame:
    """Effectiveness per rep and skill: measured where the skill's modules were measured, else assumed."""
    out = gaps.assign(effectiveness=assumed, effectiveness_source="assumed", note="", note_zh="")
    if measured is None:
        return out
    decided = measured[measured["verdict"].isin(["works", "no measurable effect", "worse after training"])]
    for skill, part in decided.groupby("skill"):
        rows = out["skill"] == skill
        if not rows.any():
            continue
        working = part[part["verdict"] == "works"]
        if len(working):
            best = float(working["effect"].max())
            gap = out.loc[rows, "gap"].astype(float)
            share = np.where(gap > 0, np.minimum(1.0, best / gap.where(gap > 0, 1.0)), assumed)
            out.loc[rows, "effectiveness"] = share
            out.loc[rows, "effectiveness_source"] = "measured"
        elif (part["verdict"] == "worse after training").all():
            out.loc[rows, "effectiveness"] = 0.0
            out.loc[rows, "effectiveness_source"] = "measured"
            out.loc[rows, "note"] = "the KPI got worse after every module of this skill: pair with a mentor"
            out.loc[rows, "note_zh"] = "该技能的所有课程培训后指标反而变差：请安排导师辅导"
        else:  # an interval covering 0 is not proof that training does nothing: keep the assumption
            out.loc[rows, "note"] = "not shown to work yet (the measured intervals cover 0): consider a mentor too"
            out.loc[rows, "note_zh"] = "尚未证明有效（实测区间包含 0）：可同时安排导师"
    return out


def _pick_modules(plan: pd.DataFrame, catalog: pd.DataFrame | None, log: pd.DataFrame | None,
                  scores: pd.DataFrame, measured: pd.DataFrame | None, low_score: float) -> pd.DataFrame:
    """The recommended module of each rep × skill row (``module_id``, title, hours, format, note)."""
    empty = pd.DataFrame(columns=["rep_id", "skill", "module_id", "title", "hours", "format", "measured_effect",
                                  "module_note", "module_note_zh"])
    if catalog is None or catalog.empty or plan.empty:
        return empty
    cat = catalog[["module_id", "title", "skill", "hours", "format"]].copy()
    cat["measured_effect"] = np.nan
    cat["verdict"] = "untested"
    if measured is not None:
        m = measured.set_index("module_id")
        cat["measured_effect"] = cat["module_id"].map(m["effect"]).astype(float)
        cat["verdict"] = cat["module_id"].map(m["verdict"]).fillna("untested")
    order = {"works": 0, "untested": 1, "too few trainees": 1, "no KPI": 1, "no measurable effect": 2,
             "worse after training": 3}
    cat["_order"] = cat["verdict"].map(order).fillna(1)
    cat = cat.sort_values(["skill", "_order", "measured_effect", "hours", "module_id"],
                          ascending=[True, True, False, True, True], kind="stable")
    done = set() if log is None or log.empty else set(zip(log["rep_id"].astype(str), log["module_id"].astype(str)))
    score = scores.set_index(["rep_id", "skill"])["score"] if len(scores) else pd.Series(dtype=float)
    rows = []
    by_skill = {skill: part for skill, part in cat.groupby("skill", sort=False)}
    for rep_id, skill in zip(plan["rep_id"], plan["skill"]):
        options = by_skill.get(skill)
        if options is None:
            continue
        current = score.get((rep_id, skill), np.nan)
        still_low = bool(current == current and current < low_score)
        for m in options.itertuples():
            taken = (rep_id, m.module_id) in done
            if taken and not still_low:
                continue
            note = f"again: completed before, skill still low (score {current:.0f})" if taken else ""
            note_zh = f"再次推荐：此前已完成，但技能得分仍偏低（{current:.0f} 分）" if taken else ""
            if m.verdict in ("no measurable effect", "worse after training"):
                worse = m.verdict == "worse after training"
                note = (note + "; " if note else "") + ("KPI worse after it so far" if worse else "no measurable effect so far")
                note_zh = (note_zh + "；" if note_zh else "") + ("目前培训后指标反而变差" if worse else "目前尚未显示可测量的效果")
            rows.append((rep_id, skill, m.module_id, m.title, float(m.hours), m.format, m.measured_effect, note,
                         note_zh))
            break
    return pd.DataFrame(rows, columns=empty.columns) if rows else empty


def _schedule(modules: pd.DataFrame, hours_per_period: float) -> pd.Series:
    """Period slot of each module (1 = this period), filling each rep's budget in rank order."""
    slots = []
    for _, part in modules.groupby("rep_id", sort=False):
        used, slot = 0.0, 1
        for hours in part["hours"]:
            if used > 0 and used + hours > hours_per_period:
                slot, used = slot + 1, 0.0
            slots.append(slot)
            used += hours
    return pd.Series(slots, index=modules.index, dtype="int64")


def coaching_plans(data, diagnosis=None, *, period=None, skill_map=None, effectiveness=None,
                   assumed_effectiveness: float = 0.25, hours_per_period: float = 8.0,
                   low_score: float = 60.0, score_gap: float = 15.0, lang: str = "en") -> CoachingPlans:
    """A coaching plan per rep: skills ranked by expected revenue uplift, with modules.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Needs ``reps`` and ``opportunities``; ``skills`` adds the assessed scores,
        ``training_catalog`` the modules and ``training_log`` what was done.
    diagnosis : Diagnosis, optional
        A company-wide :func:`~workbench.diagnose.diagnose` result; computed for
        ``period`` when omitted.
    period : str, optional
        The period the diagnosis ends with (default: the diagnosis' own default).
    skill_map : SkillMap or path, optional
        The driver → skill map (default: the shipped one).
    effectiveness : TrainingEffectiveness or DataFrame, optional
        Measured module effects (:func:`~workbench.coaching.effectiveness.training_effectiveness`,
        or its ``modules`` frame: ``module_id, skill, effect, verdict``).
    assumed_effectiveness : float
        Share of a skill's revenue at stake that training wins back when nothing was
        measured (0–1).
    hours_per_period : float
        Training hours a rep can spend per period.
    low_score : float
        An assessed score below this is "still low": a completed module is offered again.
    score_gap : float
        A skill scored this many points below the median rep enters the plan even without
        a significant finding.
    lang : {"en", "zh"}
        Language of ``skill_label``.

    Returns
    -------
    CoachingPlans
    """
    owner = "coaching_plans"
    check_lang(owner, lang)
    check_param(owner, "assumed_effectiveness", assumed_effectiveness, "a number between 0 and 1",
                isinstance(assumed_effectiveness, (int, float)) and 0 <= assumed_effectiveness <= 1)
    check_param(owner, "hours_per_period", hours_per_period, "a positive number",
                isinstance(hours_per_period, (int, float)) and hours_per_period > 0)
    data = as_sales_input(data, caller=owner)
    skill_map = skill_map if isinstance(skill_map, SkillMap) else load_skill_map(skill_map)
    if diagnosis is None:
        from workbench.diagnose import diagnose

        diagnosis = diagnose(data, period=period)
    window = diagnosis.window
    gaps, unmapped = _skill_gaps(diagnosis.findings, skill_map, data.stages)
    scores = latest_scores(data.skills, window.end if window is not None else None)
    assessed = _assessment_gaps(diagnosis.tests, scores, data.reps, gaps, skill_map, data.stages, float(score_gap))
    gaps = pd.concat([gaps.assign(source="finding"), assessed.assign(source="assessment")], ignore_index=True)
    measured = _measured(effectiveness)
    plan = _effectiveness(gaps, measured, float(assumed_effectiveness))
    plan["expected_uplift"] = plan["revenue_at_stake"] * plan["effectiveness"]
    plan = plan.sort_values(["rep_id", "expected_uplift", "revenue_at_stake", "skill"],
                            ascending=[True, False, False, True], kind="stable")
    plan["rank"] = plan.groupby("rep_id").cumcount() + 1
    median = scores.groupby("skill")["score"].median()
    plan = plan.merge(scores.rename(columns={"score": "skill_score"}), on=["rep_id", "skill"], how="left")
    plan["peer_median_score"] = plan["skill"].map(median).astype(float)
    plan["skill_label"] = [skill_map.label(s, lang) for s in plan["skill"]]
    picked = _pick_modules(plan, data.training_catalog, data.training_log, scores, measured, low_score)
    plan = plan.merge(picked[["rep_id", "skill", "module_id"]], on=["rep_id", "skill"], how="left")
    no_module = plan["module_id"].isna() & plan["note"].eq("")
    plan.loc[no_module, "note"] = "no module for this skill in the training catalog: coach or mentor"
    plan.loc[no_module, "note_zh"] = "培训目录中没有针对该技能的课程：请由教练或导师辅导"
    skills = plan.reindex(columns=SKILL_COLUMNS).reset_index(drop=True)
    modules = picked.merge(plan[["rep_id", "skill", "rank"]], on=["rep_id", "skill"])
    modules = modules.sort_values(["rep_id", "rank"], kind="stable").reset_index(drop=True)
    modules["slot"] = _schedule(modules, float(hours_per_period))
    modules = modules.rename(columns={"module_note": "note", "module_note_zh": "note_zh"})
    modules = modules.reindex(columns=MODULE_COLUMNS)
    return CoachingPlans(
        skills=skills,
        modules=modules,
        unmapped=unmapped,
        period=window.period if window is not None else "",
        window=window.label if window is not None else "",
        assumptions={"assumed_effectiveness": float(assumed_effectiveness),
                     "hours_per_period": float(hours_per_period), "low_score": float(low_score),
                     "score_gap": float(score_gap)},
        skill_map=skill_map,
    )
