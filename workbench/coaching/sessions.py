"""The team view: group sessions where several reps share a gap, and the reps × skills heatmap.

A **group session** is proposed for a team (or region) and skill when at least
``min_reps`` of its reps have the skill among their top ``top_k`` ranked skills
(:func:`~workbench.coaching.plans.coaching_plans`): one session instead of several
one-to-one trainings. The session suggests the module most of those reps were
recommended, and sums their expected uplift. Regions where the opportunity finder saw a
growing market in which we lose share get a market-analysis session for their teams
(the skill map's ``[[opportunities]]`` rules).

The **heatmap** has one cell per rep and skill: the expected uplift of coaching it (0
where the plan has no gap) and the rep's latest assessed score.

Examples
--------
>>> import pandas as pd
>>> skills = pd.DataFrame({"rep_id": ["a", "b", "c", "d"], "team": "East", "rank": 1,
...     "skill": ["follow_up"] * 3 + ["closing"], "skill_label": "Follow-up discipline",
...     "expected_uplift": [10.0, 20.0, 30.0, 5.0], "module_id": ["TM05", "TM05", "TM06", "TM09"]})
>>> group_sessions(skills, min_reps=3)[["team", "skill", "n_reps", "reps", "module_id", "expected_uplift"]]
   team      skill  n_reps   reps module_id  expected_uplift
0  East  follow_up       3  a, b, c      TM05             60.0
"""

from __future__ import annotations

import pandas as pd

from workbench.messages import MESSAGES, message
from workbench.params import check_choice, check_param

__all__ = ["group_sessions", "market_sessions", "skill_heatmap", "SESSION_COLUMNS"]

#: Columns of :func:`group_sessions`.
SESSION_COLUMNS = ["team", "skill", "skill_label", "n_reps", "reps", "module_id", "expected_uplift", "reason",
                   "reason_zh"]


def group_sessions(skills: pd.DataFrame, *, min_reps: int = 3, top_k: int = 2, by: str = "team",
                   reps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sessions for skills that several reps of a team (or region) share.

    Parameters
    ----------
    skills : DataFrame
        ``CoachingPlans.skills``.
    min_reps : int
        Reps sharing the gap for a session to be worth it.
    top_k : int
        Only a rep's ``top_k`` ranked skills count.
    by : {"team", "region"}
        Group reps by team or by region (``reps`` is then needed for the region).
    reps : DataFrame, optional
        The reps table (``rep_id``, ``region``) when ``by="region"``.

    Returns
    -------
    DataFrame
        :data:`SESSION_COLUMNS` (``team`` holds the region when ``by="region"``), largest
        expected uplift first; ``reason`` says why in English, ``reason_zh`` in Chinese.
    """
    check_param("group_sessions", "min_reps", min_reps, "an integer ≥ 2", isinstance(min_reps, int) and min_reps >= 2)
    check_choice("group_sessions", "by", by, ("team", "region"))
    top = skills[skills["rank"] <= top_k]
    if by == "region":
        if reps is None:
            raise ValueError("group_sessions(by='region') needs the reps table to know each rep's region.")
        top = top.assign(team=top["rep_id"].map(reps.set_index("rep_id")["region"]))
    if top.empty:
        return pd.DataFrame(columns=SESSION_COLUMNS)
    rows = []
    for (team, skill), part in top.groupby(["team", "skill"], sort=True):
        if part["rep_id"].nunique() < min_reps:
            continue
        modules = part["module_id"].dropna()
        module = modules.value_counts().sort_index().idxmax() if len(modules) else None
        n = int(part["rep_id"].nunique())
        rows.append((team, skill, part["skill_label"].iloc[0], n, ", ".join(sorted(part["rep_id"].astype(str).unique())),
                     module, float(part["expected_uplift"].sum()),
                     *(message("pkg.coaching.session.shared", lang, n=n) for lang in ("en", "zh"))))
    out = pd.DataFrame(rows, columns=SESSION_COLUMNS)
    return out.sort_values(["expected_uplift", "team", "skill"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def market_sessions(opportunities: pd.DataFrame, reps: pd.DataFrame, skill_map, lang: str = "en") -> pd.DataFrame:
    """Sessions the opportunity finder calls for: e.g. market analysis for teams of a region
    whose market grows while we lose share (the skill map's ``[[opportunities]]`` rules)."""
    if opportunities is None or opportunities.empty or not len(skill_map.opportunities):
        return pd.DataFrame(columns=SESSION_COLUMNS)
    rows = []
    for reason, skill in skill_map.opportunities.items():
        hit = opportunities[(opportunities["reason"] == reason) & opportunities["region"].notna()]
        for region, part in hit.groupby("region", sort=True):
            members = reps[reps["region"].astype(str) == str(region)]
            for team, team_reps in members.groupby("team", sort=True):
                segments = ", ".join(part["segment"].astype(str))
                rows.append((team, skill, skill_map.label(skill, lang), int(len(team_reps)),
                             ", ".join(sorted(team_reps["rep_id"].astype(str))), None,
                             float(part["potential_revenue"].sum()),
                             *(message("pkg.coaching.session.market", language, segments=segments,
                                       reason=_opportunity_words(reason, language)) for language in ("en", "zh"))))
    return pd.DataFrame(rows, columns=SESSION_COLUMNS)


def _opportunity_words(reason: str, lang: str) -> str:
    """An opportunity finder's reason code in words (the code itself when the catalogue has no words for it)."""
    key = f"pkg.coaching.opportunity.{reason}"
    return message(key, lang) if key in MESSAGES else reason


def skill_heatmap(skills: pd.DataFrame, scores: pd.DataFrame | None = None, reps: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per rep and skill: ``rep_id, team, skill, skill_label, expected_uplift, rank, score``.

    Every rep in ``reps`` (or in ``skills``) and every skill in the plans (or assessed)
    gets a cell, so the heatmap has no holes: 0 uplift where the plan has no gap.
    """
    labels = skills.drop_duplicates("skill").set_index("skill")["skill_label"] if len(skills) else pd.Series(dtype=str)
    skill_keys = sorted(set(skills["skill"]) | (set(scores["skill"]) if scores is not None and len(scores) else set()))
    if reps is not None and len(reps):
        roster = reps[["rep_id", "team"]].astype(str).drop_duplicates("rep_id")
    else:
        roster = skills[["rep_id", "team"]].drop_duplicates("rep_id")
    grid = roster.merge(pd.DataFrame({"skill": skill_keys}), how="cross")
    plan = skills[["rep_id", "skill", "expected_uplift", "rank"]]
    grid = grid.merge(plan, on=["rep_id", "skill"], how="left")
    grid["expected_uplift"] = grid["expected_uplift"].fillna(0.0)
    if scores is not None and len(scores):
        grid = grid.merge(scores[["rep_id", "skill", "score"]], on=["rep_id", "skill"], how="left")
    else:
        grid["score"] = float("nan")
    grid["skill_label"] = grid["skill"].map(labels).fillna(grid["skill"])
    columns = ["rep_id", "team", "skill", "skill_label", "expected_uplift", "rank", "score"]
    return grid[columns].sort_values(["team", "rep_id", "skill"], kind="stable").reset_index(drop=True)
