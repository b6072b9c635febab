"""The tables of the periodic reviews, once for both the HTML pages and the workbook.

Each builder takes a frame of :class:`~workbench.coaching.review.PeriodicReview` (or of a
:class:`~workbench.coaching.review.RepReview`) and returns a :class:`Table`: the raw
values (numbers stay numbers), the column headers in English or Chinese, and the unit
of each numeric column, so the HTML page writes the numbers for people
(:func:`workbench.formatting.format_value`) and the workbook keeps them as numbers.
Text in the chosen language is picked here: evidence (``evidence`` / ``evidence_zh``),
the plan's why and notes, KPI labels from the registry, skill labels from the skill map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.coaching.review import ROSTER_KPIS
from workbench.formatting import natural_key
from workbench.kpi import KPIS
from workbench.reports.text import review_text

__all__ = [
    "Table", "kpi_table", "trend_table", "findings_table", "plan_table", "modules_table", "awards_table",
    "roster_table", "team_kpis_table", "gaps_table", "sessions_table",
]


@dataclass(frozen=True)
class Table:
    """A table to show: raw values, headers in one language, units of the numeric columns.

    Attributes
    ----------
    frame : DataFrame
        The values; column names are stable keys.
    headers : dict
        Key → header text.
    units : dict
        Key → a :func:`~workbench.formatting.format_value` unit (``currency``, ``share``,
        ``hours``, …), ``int``, or ``days_bare`` / ``hours_bare`` (no suffix: the label
        names the unit), or a Series of per-row units; columns not listed are text.
    """

    frame: pd.DataFrame
    headers: dict
    units: dict = field(default_factory=dict)

    def labelled(self) -> pd.DataFrame:
        """The values with the headers as column names (a workbook sheet)."""
        return self.frame.rename(columns=self.headers)


def _in_lang(lang: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` in ``lang``: the ``<column>_zh`` twin in Chinese when the frame has one."""
    twin = f"{column}_zh"
    values = frame[twin] if lang == "zh" and twin in frame else frame[column]
    return values.fillna("").astype(str) if values.dtype == object or pd.api.types.is_string_dtype(values) else values


def _kpi_label(metric: str, lang: str) -> str:
    return KPIS[metric].label(lang)


def _bare(unit: str) -> str:
    """The unit of a number under a label that already names it: days and hours without a suffix."""
    return {"days": "days_bare", "hours": "hours_bare"}.get(unit, unit)


def _kpi_unit(metric: str) -> str:
    return _bare(KPIS[metric].unit)


def kpi_table(kpis: pd.DataFrame, lang: str = "en", with_rep: bool = False) -> Table:
    """The period's KPIs beside the team median and all reps' median (``RepReview.kpis``)."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "rep_id": kpis["rep_id"], "team": kpis["team"],
        "kpi": [_kpi_label(m, lang) for m in kpis["metric"]],
        "value": kpis["value"], "team_median": kpis["team_median"], "all_reps_median": kpis["all_reps_median"],
        "vs_team": [t[v] if v else "" for v in kpis["vs_team"]],
    })
    if not with_rep:
        frame = frame.drop(columns=["rep_id", "team"])
    unit = kpis["unit"].map(_bare).reset_index(drop=True)
    frame = frame.reset_index(drop=True)
    headers = {"rep_id": t["rep"], "team": t["team"], "kpi": t["kpi"], "value": t["this_rep"],
               "team_median": t["team_median"], "all_reps_median": t["all_reps_median"], "vs_team": t["vs_team"]}
    return Table(frame, headers, {"value": unit, "team_median": unit, "all_reps_median": unit})


def trend_table(trends: pd.DataFrame, lang: str = "en") -> Table:
    """Every reviewed rep's monthly values beside the team median (``PeriodicReview.trends``)."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "rep_id": trends["rep_id"], "team": trends["team"], "month": trends["period"],
        "kpi": [_kpi_label(m, lang) for m in trends["metric"]], "value": trends["value"],
        "team_median": trends["team_median"],
    }).reset_index(drop=True)
    unit = trends["metric"].map(_kpi_unit).reset_index(drop=True)
    headers = {"rep_id": t["rep"], "team": t["team"], "month": t["month"], "kpi": t["kpi"], "value": t["value"],
               "team_median": t["team_median"]}
    return Table(frame, headers, {"value": unit, "team_median": unit})


def findings_table(findings: pd.DataFrame, lang: str = "en", with_entity: bool = False) -> Table:
    """Findings: driver, detail, revenue at stake over the window, evidence in ``lang``."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "entity_id": findings["entity_id"], "team": findings["team"],
        "driver": _in_lang(lang, findings, "label"), "detail": findings["detail"].fillna("").astype(str),
        "revenue_impact": findings["revenue_impact"], "evidence": _in_lang(lang, findings, "evidence"),
    }).reset_index(drop=True)
    if not with_entity:
        frame = frame.drop(columns=["entity_id", "team"])
    headers = {"entity_id": t["entity"], "team": t["team"], "driver": t["driver"], "detail": t["detail"],
               "revenue_impact": t["revenue_at_stake"], "evidence": t["evidence"]}
    return Table(frame, headers, {"revenue_impact": "currency"})


def plan_table(skills: pd.DataFrame, lang: str = "en", with_rep: bool = False) -> Table:
    """The ranked skills of the coaching plan with their why (``RepReview.skills``)."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "rep_id": skills["rep_id"], "rank": skills["rank"], "skill": _in_lang(lang, skills, "skill_label"),
        "expected_uplift": skills["expected_uplift"], "revenue_at_stake": skills["revenue_at_stake"],
        "effectiveness": skills["effectiveness"],
        "effectiveness_source": [t.get(str(v), str(v)) for v in skills["effectiveness_source"]],
        "skill_score": skills["skill_score"], "peer_median_score": skills["peer_median_score"],
        "why": _in_lang(lang, skills, "why"), "note": _in_lang(lang, skills, "note"),
    }).reset_index(drop=True)
    if not with_rep:
        frame = frame.drop(columns="rep_id")
    headers = {"rep_id": t["rep"], "rank": t["rank"], "skill": t["skill"], "expected_uplift": t["expected_uplift"],
               "revenue_at_stake": t["revenue_at_stake"], "effectiveness": t["effectiveness"],
               "effectiveness_source": t["source"], "skill_score": t["skill_score"],
               "peer_median_score": t["peer_median_score"], "why": t["why"], "note": t["note"]}
    units = {"rank": "int", "expected_uplift": "currency", "revenue_at_stake": "currency", "effectiveness": "share",
             "skill_score": "count", "peer_median_score": "count"}
    return Table(frame, headers, units)


def modules_table(modules: pd.DataFrame, lang: str = "en", with_rep: bool = False) -> Table:
    """The recommended modules and the period slot of each (``RepReview.modules``)."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "rep_id": modules["rep_id"], "slot": modules["slot"], "skill": _in_lang(lang, modules, "skill_label"),
        "module_id": modules["module_id"], "title": modules["title"], "hours": modules["hours"],
        "format": modules["format"], "note": _in_lang(lang, modules, "note"),
    }).reset_index(drop=True)
    if not with_rep:
        frame = frame.drop(columns="rep_id")
    headers = {"rep_id": t["rep"], "slot": t["slot"], "skill": t["skill"], "module_id": t["module"],
               "title": t["title"], "hours": t["hours"], "format": t["format"], "note": t["note"]}
    return Table(frame, headers, {"slot": "int", "hours": "hours_bare"})


def awards_table(awards: pd.DataFrame, lang: str = "en", with_winner: bool = True) -> Table:
    """Awards: the label in ``lang``, the winner, the value in its unit, the basis, the runner-up."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "award": _in_lang(lang, awards, "label"), "rep_id": awards["rep_id"], "rep_name": awards["rep_name"],
        "team": awards["team"], "value": awards["value"], "basis": _in_lang(lang, awards, "basis"),
        "runner_up": awards["runner_up"], "runner_up_value": awards["runner_up_value"],
        "eligible": awards["eligible"], "note": _in_lang(lang, awards, "note"),
    }).reset_index(drop=True)
    no_winner = frame["rep_id"].isna()
    frame["rep_id"] = frame["rep_id"].astype(object).where(~no_winner, t["no_winner"])
    if not with_winner:
        frame = frame.drop(columns=["rep_id", "rep_name", "team", "runner_up", "runner_up_value", "eligible"])
    unit = awards["unit"].fillna("").astype(str).reset_index(drop=True)
    headers = {"award": t["award"], "rep_id": t["winner"], "rep_name": t["name"], "team": t["team"],
               "value": t["value"], "basis": t["basis"], "runner_up": t["runner_up"],
               "runner_up_value": t["runner_up_value"], "eligible": t["eligible"], "note": t["note"]}
    return Table(frame, headers, {"value": unit, "runner_up_value": unit, "eligible": "int"})


def roster_table(roster: pd.DataFrame, lang: str = "en", with_awards: bool = True) -> Table:
    """The team summary's reps × key KPIs, findings, top skill gap and awards (``PeriodicReview.roster``)."""
    t = review_text(lang)
    kpis = [m for m in ROSTER_KPIS if m in roster.columns]
    frame = pd.concat([
        roster[["rep_id", "name", "team"]],
        roster[kpis],
        pd.DataFrame({"findings": roster["findings"], "top_skill": _in_lang(lang, roster, "top_skill_label"),
                      "top_skill_uplift": roster["top_skill_uplift"], "awards": _in_lang(lang, roster, "awards")}),
    ], axis=1).reset_index(drop=True)
    if not with_awards:
        frame = frame.drop(columns="awards")
    headers = {"rep_id": t["rep"], "name": t["name"], "team": t["team"], **{m: _kpi_label(m, lang) for m in kpis},
               "findings": t["findings_count"], "top_skill": t["top_skill"], "top_skill_uplift": t["expected_uplift"],
               "awards": t["awards"]}
    units = {**{m: _kpi_unit(m) for m in kpis}, "findings": "int", "top_skill_uplift": "currency"}
    return Table(frame, headers, units)


def team_kpis_table(team_kpis: pd.DataFrame, lang: str = "en") -> Table:
    """Each team's own KPIs of the period (``PeriodicReview.team_kpis``)."""
    t = review_text(lang)
    kpis = [c for c in team_kpis.columns if c in KPIS]
    headers = {"team": t["team"], **{m: _kpi_label(m, lang) for m in kpis}}
    return Table(team_kpis[["team"] + kpis].reset_index(drop=True), headers, {m: _kpi_unit(m) for m in kpis})


def gaps_table(roster: pd.DataFrame, lang: str = "en") -> Table:
    """Who has which top skill gap: one row per skill, most reps first."""
    t = review_text(lang)
    has = roster[roster["top_skill"].notna()]
    rows = []
    for _, part in has.groupby("top_skill", sort=False):
        label = _in_lang(lang, part, "top_skill_label").iloc[0]
        ids = sorted(part["rep_id"].astype(str), key=natural_key)
        rows.append((label, len(ids), ", ".join(ids), float(part["top_skill_uplift"].sum())))
    frame = pd.DataFrame(rows, columns=["skill", "n_reps", "rep_ids", "expected_uplift"])
    frame = frame.sort_values(["n_reps", "expected_uplift"], ascending=False, kind="stable").reset_index(drop=True)
    headers = {"skill": t["top_skill"], "n_reps": t["n_reps"], "rep_ids": t["rep_ids"],
               "expected_uplift": t["expected_uplift"]}
    return Table(frame, headers, {"n_reps": "int", "expected_uplift": "currency"})


def sessions_table(sessions: pd.DataFrame, lang: str = "en") -> Table:
    """Group sessions of the teams shown (``PeriodicReview.sessions``)."""
    t = review_text(lang)
    frame = pd.DataFrame({
        "team": sessions["team"], "skill": _in_lang(lang, sessions, "skill_label"), "n_reps": sessions["n_reps"],
        "reps": sessions["reps"], "module_id": sessions["module_id"], "expected_uplift": sessions["expected_uplift"],
    }).reset_index(drop=True)
    headers = {"team": t["team"], "skill": t["skill"], "n_reps": t["n_reps"], "reps": t["rep_ids"],
               "module_id": t["module"], "expected_uplift": t["expected_uplift"]}
    return Table(frame, headers, {"n_reps": "int", "expected_uplift": "currency"})
