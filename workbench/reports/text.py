"""The words of the review pages and workbook, in English and Simplified Chinese.

KPI labels come from the KPI registry (:data:`workbench.kpi.KPIS`), skill labels from the
skill map, driver labels from :data:`workbench.diagnose.DRIVERS` and evidence sentences
from the diagnosis; this table holds only the headings, column headers and sentences of
the reports themselves, with the same keys in both languages (a test checks it).

>>> review_text("zh")["plan_heading"], review_text("en")["plan_heading"]
('辅导计划', 'Coaching plan')
"""

from __future__ import annotations

from types import MappingProxyType

from workbench.params import check_lang

__all__ = ["REVIEW_TEXT", "review_text"]

_EN = {
    # rep page
    "rep_title": "Review {period}: {name} ({rep_id})",
    "rep": "Rep", "name": "Name", "team": "Team", "region": "Region",
    "back": "Team summary",
    "kpis_heading": "KPIs of {period}: against target and the team",
    "headline": "Bookings {bookings} against a target of {target}: {attainment} of quota.",
    "headline_no_target": "Bookings {bookings}; no bookings target for {period}.",
    "kpi": "KPI", "this_rep": "This rep", "team_median": "Team median", "all_reps_median": "All reps' median",
    "vs_team": "Against the team", "better": "▲ better", "worse": "▼ worse", "equal": "= equal",
    "kpis_note": ("Every value is the KPI of {period} (workbench.kpi). Medians are over the reps employed in "
                  "{period}, this rep included."),
    "kpis_missing": "Not available: {kpis} (their table is missing from the data).",
    "trends_heading": "Trends: the last {months} months",
    "trend_note_skill": "Second chart: {kpi}, the KPI of this rep's top coaching skill ({skill}).",
    "trend_note": "Second chart: {kpi}.",
    "findings_heading": "Findings over {window}",
    "driver": "Driver", "detail": "Detail", "revenue_at_stake": "Revenue at stake", "evidence": "Evidence",
    "no_findings": "No significant and material shortfall was found for this rep over {window}.",
    "plan_heading": "Coaching plan",
    "rank": "Rank", "skill": "Skill", "expected_uplift": "Expected uplift", "effectiveness": "Effectiveness",
    "source": "Source", "assumed": "assumed", "measured": "measured", "finding": "finding",
    "assessment": "assessment", "skill_score": "Assessed score", "peer_median_score": "Median score",
    "why": "Why", "note": "Note",
    "plan_note": ("Expected uplift = revenue at stake over {window} × effectiveness, the share of it training "
                  "wins back ({assumed} assumed unless measured)."),
    "no_plan": "No skill gap calls for coaching in this period.",
    "modules_heading": "Modules and when",
    "slot": "Period (1 = this one)", "module": "Module", "title": "Title", "hours": "Hours", "format": "Format",
    "modules_note": "At most {hours} training hours per period; later modules move to the next periods.",
    "no_modules": "No module of the training catalog fits this plan.",
    "recognition_heading": "Recognition",
    "award": "Award", "value": "Value", "basis": "Basis", "runner_up": "Runner-up",
    "runner_up_value": "Runner-up value", "eligible": "Eligible reps", "winner": "Winner",
    "no_award": "No award this period.",
    "no_winner": "no winner",
    "footer": ("KPIs of {period} from the KPI table; findings and revenue at stake over {window} from the "
               "diagnosis; plan from the coaching plans."),
    # team summary
    "summary_title": "Team summary {period}",
    "summary_title_team": "Team summary {period}: {team}",
    "team_kpis_heading": "Team KPIs of {period}",
    "reps_heading": "Reps: KPIs and top skill gap",
    "findings_count": "Findings", "top_skill": "Top skill gap", "awards": "Awards",
    "reps_note": "Each rep id links to the rep's review.",
    "gaps_heading": "Who has which top skill gap",
    "n_reps": "Reps", "rep_ids": "Rep ids",
    "no_gaps": "No rep has a skill gap to coach.",
    "sessions_heading": "Group sessions",
    "no_sessions": "No skill gap is shared by enough reps of one team for a group session.",
    "team_findings_heading": "Team findings over {window}",
    "notes_heading": "Notes",
    "later_hires": "{n} reps hired after {period} ends have no review.",
    # workbook
    "sheet_reps": "Reps", "sheet_kpis": "KPIs", "sheet_team_kpis": "Team KPIs", "sheet_trends": "Trends",
    "sheet_findings": "Findings", "sheet_plan": "Coaching plan", "sheet_modules": "Modules",
    "sheet_sessions": "Group sessions", "sheet_awards": "Recognition",
    "month": "Month", "entity": "Rep or team",
}

_ZH = {
    "rep_title": "{period} 阶段评估：{name}（{rep_id}）",
    "rep": "销售", "name": "姓名", "team": "团队", "region": "区域",
    "back": "团队汇总",
    "kpis_heading": "{period} 关键指标：对比目标与团队",
    "headline": "签约额 {bookings}，目标 {target}，配额完成率 {attainment}。",
    "headline_no_target": "签约额 {bookings}；{period} 没有签约额目标。",
    "kpi": "指标", "this_rep": "本人", "team_median": "团队中位数", "all_reps_median": "全体销售中位数",
    "vs_team": "对比团队", "better": "▲ 优于团队", "worse": "▼ 低于团队", "equal": "= 持平",
    "kpis_note": "所有数值均为 {period} 的指标（workbench.kpi）。中位数按 {period} 在职的销售（含本人）计算。",
    "kpis_missing": "无法计算：{kpis}（数据中缺少所需的表）。",
    "trends_heading": "趋势：最近 {months} 个月",
    "trend_note_skill": "第二张图：{kpi}，即本人首要辅导技能（{skill}）对应的指标。",
    "trend_note": "第二张图：{kpi}。",
    "findings_heading": "诊断发现（{window}）",
    "driver": "驱动因素", "detail": "细节", "revenue_at_stake": "涉及收入", "evidence": "依据",
    "no_findings": "{window} 期间未发现本人存在显著且重要的差距。",
    "plan_heading": "辅导计划",
    "rank": "排名", "skill": "技能", "expected_uplift": "预期提升", "effectiveness": "有效性",
    "source": "来源", "assumed": "假设", "measured": "实测", "finding": "诊断发现", "assessment": "技能评估",
    "skill_score": "评估得分", "peer_median_score": "得分中位数",
    "why": "原因", "note": "备注",
    "plan_note": "预期提升 = {window} 期间涉及收入 × 有效性，即培训可挽回的比例（未实测时假设为 {assumed}）。",
    "no_plan": "本期没有需要辅导的技能差距。",
    "modules_heading": "培训课程与安排",
    "slot": "期次（1 = 本期）", "module": "课程编号", "title": "课程名称", "hours": "学时", "format": "形式",
    "modules_note": "每期最多 {hours} 个培训学时；超出的课程顺延到之后的期次。",
    "no_modules": "培训目录中没有适合本计划的课程。",
    "recognition_heading": "表彰",
    "award": "奖项", "value": "数值", "basis": "评选依据", "runner_up": "第二名",
    "runner_up_value": "第二名数值", "eligible": "符合条件人数", "winner": "获奖者",
    "no_award": "本期未获奖项。",
    "no_winner": "无获奖者",
    "footer": "{period} 的指标来自指标表；{window} 期间的诊断发现与涉及收入来自诊断；计划来自辅导计划。",
    "summary_title": "{period} 团队汇总",
    "summary_title_team": "{period} 团队汇总：{team}",
    "team_kpis_heading": "{period} 团队指标",
    "reps_heading": "销售：指标与首要技能差距",
    "findings_count": "发现数", "top_skill": "首要技能差距", "awards": "奖项",
    "reps_note": "点击销售编号可打开其评估报告。",
    "gaps_heading": "首要技能差距分布",
    "n_reps": "人数", "rep_ids": "销售编号",
    "no_gaps": "没有需要辅导的技能差距。",
    "sessions_heading": "小组培训",
    "no_sessions": "没有同一团队中足够多的销售共享同一技能差距，暂不需要小组培训。",
    "team_findings_heading": "团队诊断发现（{window}）",
    "notes_heading": "说明",
    "later_hires": "{n} 名在 {period} 结束后入职的销售没有评估报告。",
    "sheet_reps": "销售", "sheet_kpis": "指标", "sheet_team_kpis": "团队指标", "sheet_trends": "趋势",
    "sheet_findings": "诊断发现", "sheet_plan": "辅导计划", "sheet_modules": "培训课程",
    "sheet_sessions": "小组培训", "sheet_awards": "表彰",
    "month": "月份", "entity": "销售或团队",
}

#: The words of the reports, per language.
REVIEW_TEXT = MappingProxyType({"en": MappingProxyType(_EN), "zh": MappingProxyType(_ZH)})


def review_text(lang: str = "en"):
    """The words of the reports in ``lang`` (``"en"`` or ``"zh"``)."""
    check_lang("review_text", lang)
    return REVIEW_TEXT[lang]
