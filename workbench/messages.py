"""One catalogue of the words the apps, charts, reviews and CLI show, in English and 简体中文.

Domain names live with their definitions (a KPI's label in :mod:`workbench.kpi.registry`, a
lever's in :mod:`workbench.targets.levers`); every other piece of text a user reads (a
button, a chart title, an axis, a legend, a tooltip, a status line or an error shown in an
app) is a key here, with both languages side by side, so a missing translation is one
place to look and one test to fail.

>>> message("data.source", "zh")
'数据来源'
>>> message("data.loaded", "en", rows="1,200")
'Loaded 1,200 rows.'
"""

from __future__ import annotations

from workbench.params import check_lang

__all__ = ["MESSAGES", "message"]

#: ``key -> {"en": text, "zh": text}``; ``{name}`` fields are filled by :func:`message`.
MESSAGES: dict[str, dict[str, str]] = {
    # --- shared by every app ---------------------------------------------------------------
    "app.language": {"en": "Language", "zh": "语言"},
    # --- apps: the data source (picker and upload) -----------------------------------------
    "data.source": {"en": "Data source", "zh": "数据来源"},
    "data.loaded": {"en": "Loaded {rows} rows.", "zh": "已载入 {rows} 行。"},
    # --- charts: titles, axes, legends and tooltips ----------------------------------------
    # --- apps: KPI scorecard ---------------------------------------------------------------
    # --- apps: forecast outlook ------------------------------------------------------------
    # --- apps: team diagnosis --------------------------------------------------------------
    # --- apps: coaching --------------------------------------------------------------------
    # --- apps: targets what-if -------------------------------------------------------------
    # --- CLI -------------------------------------------------------------------------------
    "cli.error": {"en": "{command}: error: {text}", "zh": "{command}：错误：{text}"},
    "cli.note": {"en": "note: {text}", "zh": "提示：{text}"},
    "cli.warning": {"en": "{command}: warning: {text}", "zh": "{command}：警告：{text}"},
    "cli.no_source": {"en": "{source}: no such file or folder", "zh": "{source}：文件或文件夹不存在"},
    "cli.bad_output": {
        "en": "cannot write {name!r}: the output file must end in .csv, .parquet or .xlsx",
        "zh": "无法写入 {name!r}：输出文件须以 .csv、.parquet 或 .xlsx 结尾",
    },
    "cli.cannot_write": {"en": "cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
    "cli.rows_negative": {"en": "--rows must be 0 or more", "zh": "--rows 须为 0 或更大"},
    "cli.none": {"en": "  (none)", "zh": "  （无）"},
    "cli.yes": {"en": "yes", "zh": "是"},
    "cli.no": {"en": "no", "zh": "否"},
    "cli.sep": {"en": "; ", "zh": "；"},
    "cli.list_sep": {"en": ", ", "zh": "、"},
    "cli.level.rep": {"en": "rep", "zh": "销售"},
    "cli.level.team": {"en": "team", "zh": "团队"},
    "cli.level.region": {"en": "region", "zh": "区域"},
    "cli.level.company": {"en": "company", "zh": "公司"},
    "cli.stage.loading": {"en": "loading data", "zh": "载入数据"},
    "cli.stage.writing": {"en": "writing {name}", "zh": "写入 {name}"},
    "cli.col.entity_type": {"en": "entity_type", "zh": "层级"},
    "cli.col.entity": {"en": "entity_id", "zh": "对象"},
    "cli.col.period": {"en": "period", "zh": "周期"},
    "cli.col.metric": {"en": "metric", "zh": "指标"},
    "cli.col.detail": {"en": "detail", "zh": "细分"},
    "cli.col.value": {"en": "value", "zh": "数值"},
    "cli.col.label": {"en": "label", "zh": "名称"},
    "cli.kpi.stage.computing": {"en": "computing KPIs", "zh": "计算指标"},
    "cli.kpi.source_required": {
        "en": "SOURCE is required (a folder of table files, a .duckdb file or a workbook); see `workbench kpi --help`",
        "zh": "需要 SOURCE（数据表文件夹、.duckdb 文件或工作簿）；见 `workbench kpi --help`",
    },
    "cli.kpi.direct_needs_folder": {
        "en": "--direct needs a folder of Parquet files; {source} is not a folder",
        "zh": "--direct 需要一个 Parquet 文件夹；{source} 不是文件夹",
    },
    "cli.kpi.direct_hint": {
        "en": " (--direct reads Parquet files only; leave it out to read CSV or Excel)",
        "zh": "（--direct 只读取 Parquet 文件；去掉它即可读取 CSV 或 Excel）",
    },
    "cli.kpi.higher_better": {"en": "higher is better", "zh": "越高越好"},
    "cli.kpi.lower_better": {"en": "lower is better", "zh": "越低越好"},
    "cli.kpi.preview_hint": {
        "en": "{summary}. Write everything with -o kpis.csv (or .parquet / .xlsx).",
        "zh": "{summary}。用 -o kpis.csv（或 .parquet / .xlsx）写出全部数据。",
    },
    "cli.kpi.wrote": {"en": "Wrote {path}: {summary}.", "zh": "已写入 {path}：{summary}。"},
    "cli.kpi.partial_grid": {
        "en": "{rows} ({grid}; not every combination has a row)",
        "zh": "{rows}（{grid}；并非每个组合都有一行）",
    },
    "cli.kpi.level_rows": {"en": "{n} {level} {rows}", "zh": "{level} {n} {rows}"},
    "cli.kpi.per_level": {"en": "{kpis} per {levels}", "zh": "每个{levels} {kpis}"},
    "cli.kpi.and": {"en": "{first} and {last}", "zh": "{first}、{last}"},
    "cli.kpi.detail_note": {"en": "{name} has {counted}", "zh": "{name}含 {counted}"},
    "cli.kpi.notes": {"en": " ({notes})", "zh": "（{notes}）"},
    "cli.diagnose.stage.diagnosing": {"en": "diagnosing", "zh": "诊断"},
    "cli.diagnose.header": {
        "en": "Diagnosis of {period}: findings over the window {window} ({months} months up to {period}): {findings} findings, {reps} reps with at least one.",
        "zh": "{period} 诊断：分析窗口 {window}（截至 {period} 的 {months} 个月）内共 {findings} 项发现，{reps} 名销售至少有一项。",
    },
    "cli.diagnose.company": {
        "en": "Company, {period}: bookings {bookings}, target {target}, attainment {attainment}.",
        "zh": "公司，{period}：签约额 {bookings}，目标 {target}，完成率 {attainment}。",
    },
    "cli.diagnose.no_target_attainment": {"en": "n/a (no target)", "zh": "无（没有目标）"},
    "cli.na": {"en": "n/a", "zh": "无"},
    "cli.diagnose.follow_up": {
        "en": "Follow-up effect (window): odds of winning x{odds} per doubling of follow-up time (log-odds {coef}, 95% CI {low}..{high}, {deals} deals).",
        "zh": "跟进时长的影响（窗口内）：跟进时间每翻一倍，赢单几率 ×{odds}（对数几率 {coef}，95% 置信区间 {low}..{high}，{deals} 笔交易）。",
    },
    "cli.diagnose.top_findings": {
        "en": "Top findings by revenue at stake over the window {window}:",
        "zh": "按涉及收入排序的主要发现（窗口 {window}）：",
    },
    "cli.diagnose.teams": {
        "en": "Teams, {period} (attainment of the period; revenue at stake over the window):",
        "zh": "各团队，{period}（完成率为本期；涉及收入为窗口内）：",
    },
    "cli.diagnose.team_line": {
        "en": "  {team} attainment {attainment}  reps with findings {with_findings}/{reps} top driver {driver} at stake {at_stake}",
        "zh": "  {team} 完成率 {attainment}  有发现的销售 {with_findings}/{reps} 首要因素 {driver} 涉及收入 {at_stake}",
    },
    "cli.diagnose.not_tested": {"en": "Not tested:", "zh": "未检验："},
    "cli.diagnose.wrote": {"en": "Wrote {n} findings to {path}", "zh": "已将 {n} 项发现写入 {path}"},
    "cli.coach.stage.diagnosing": {"en": "diagnosing", "zh": "诊断"},
    "cli.coach.stage.effectiveness": {"en": "measuring training effectiveness", "zh": "评估培训效果"},
    "cli.coach.stage.planning": {"en": "planning", "zh": "制定计划"},
    "cli.coach.header": {
        "en": "Coaching plans for {period} (revenue at stake over the window {window}): {reps} with a plan; effectiveness assumed {assumed} where not measured, {hours} training hours per period.",
        "zh": "{period} 辅导计划（涉及收入按窗口 {window} 计）：{reps}有计划；未实测时假设有效性为 {assumed}，每期 {hours} 个培训学时。",
    },
    "cli.coach.skills_heading": {"en": "Skills to coach, by expected uplift:", "zh": "需辅导的技能（按预期提升排序）："},
    "cli.coach.mentors_heading": {"en": "Mentors for each rep's top gap:", "zh": "每名销售首要差距的导师："},
    "cli.coach.not_matched": {"en": "  not matched: {n} ({reasons})", "zh": "  未匹配：{n}（{reasons}）"},
    "cli.coach.sessions_heading": {"en": "Group sessions:", "zh": "小组培训："},
    "cli.coach.effect_heading": {
        "en": "Did past training work? (effect on the skill's KPI against untrained peers, 90% interval)",
        "zh": "过往培训是否有效？（相对未受训同事，对该技能指标的影响，90% 区间）",
    },
    "cli.coach.wrote": {"en": "Wrote the coaching tables to {path}", "zh": "已将辅导表写入 {path}"},
    "cli.coach.no_team": {"en": "Team {team!r} has no reps in the reps table.", "zh": "销售表中团队 {team!r} 没有销售。"},
    "cli.coach.no_rep": {"en": "Rep {rep!r} is not in the reps table.", "zh": "销售表中没有销售 {rep!r}。"},
    "cli.coach.col.rep": {"en": "rep", "zh": "销售"},
    "cli.coach.col.rank": {"en": "#", "zh": "#"},
    "cli.coach.col.skill": {"en": "skill", "zh": "技能"},
    "cli.coach.col.uplift": {"en": "uplift", "zh": "预期提升"},
    "cli.coach.col.effectiveness": {"en": "effectiveness", "zh": "有效性"},
    "cli.coach.col.module": {"en": "module", "zh": "课程"},
    "cli.coach.col.why": {"en": "why", "zh": "原因"},
    "cli.coach.col.mentee": {"en": "mentee_id", "zh": "学员"},
    "cli.coach.col.skill_label": {"en": "skill_label", "zh": "技能"},
    "cli.coach.col.mentor": {"en": "mentor_id", "zh": "导师"},
    "cli.coach.col.mentor_score": {"en": "mentor_score", "zh": "导师得分"},
    "cli.coach.col.same_team": {"en": "same_team", "zh": "同团队"},
    "cli.coach.col.team": {"en": "team", "zh": "团队"},
    "cli.coach.col.n_reps": {"en": "n_reps", "zh": "人数"},
    "cli.coach.col.reps": {"en": "reps", "zh": "销售"},
    "cli.coach.col.module_id": {"en": "module_id", "zh": "课程编号"},
    "cli.coach.col.title": {"en": "title", "zh": "课程名称"},
    "cli.coach.col.n_trained": {"en": "n_trained", "zh": "受训人数"},
    "cli.coach.col.effect": {"en": "effect", "zh": "效果"},
    "cli.coach.col.ci_low": {"en": "ci_low", "zh": "区间下限"},
    "cli.coach.col.ci_high": {"en": "ci_high", "zh": "区间上限"},
    "cli.coach.col.verdict": {"en": "verdict", "zh": "结论"},
    "cli.coach.source.assumed": {"en": "assumed", "zh": "假设"},
    "cli.coach.source.measured": {"en": "measured", "zh": "实测"},
    "cli.coach.verdict.works": {"en": "works", "zh": "有效"},
    "cli.coach.verdict.no_measurable_effect": {"en": "no measurable effect", "zh": "无可测效果"},
    "cli.coach.verdict.worse_after_training": {"en": "worse after training", "zh": "培训后变差"},
    "cli.coach.verdict.too_few_trainees": {"en": "too few trainees", "zh": "受训人数太少"},
    "cli.coach.verdict.no_kpi": {"en": "no KPI", "zh": "无对应指标"},
    "cli.targets.stage.proposing": {"en": "forecasting and proposing", "zh": "预测并提出目标"},
    "cli.targets.stage.planning": {"en": "planning activities", "zh": "规划活动量"},
    "cli.targets.bad_output": {
        "en": "--output must end in .csv, .parquet or .xlsx",
        "zh": "--output 须以 .csv、.parquet 或 .xlsx 结尾",
    },
    "cli.targets.plan_needs": {
        "en": "--plan needs --by rep and --metric bookings",
        "zh": "--plan 需要 --by rep 和 --metric bookings",
    },
    "cli.targets.heading": {
        "en": "Targets of {metric} for {period} per {level} ({how}):",
        "zh": "{period} 各{level}的{metric}目标（{how}）：",
    },
    "cli.targets.how_allocated": {"en": "company target {target} allocated by forecast", "zh": "公司目标 {target} 按预测分配"},
    "cli.targets.how_probability": {"en": "met with probability {probability}", "zh": "达成概率 {probability}"},
    "cli.targets.flagged": {
        "en": "{flagged} of {total} targets flagged by the SMART check.",
        "zh": "{total} 个目标中有 {flagged} 个未通过 SMART 检查。",
    },
    "cli.targets.all_ok": {"en": "Every target passes the SMART check.", "zh": "所有目标均通过 SMART 检查。"},
    "cli.targets.written": {"en": "{rows} rows written to {path}", "zh": "已写入 {rows} 行到 {path}"},
    "cli.targets.col.entity": {"en": "entity", "zh": "对象"},
    "cli.targets.col.target": {"en": "target", "zh": "目标"},
    "cli.targets.col.p_attain": {"en": "P(attain)", "zh": "达成概率"},
    "cli.targets.col.basis": {"en": "basis", "zh": "依据"},
    "cli.targets.col.forecast": {"en": "forecast", "zh": "预测"},
    "cli.targets.col.set_target": {"en": "set target", "zh": "已设目标"},
    "cli.targets.col.p_set": {"en": "P(set)", "zh": "已设目标达成概率"},
    "cli.targets.col.smart": {"en": "SMART", "zh": "SMART 检查"},
    "cli.targets.basis.forecast": {"en": "forecast", "zh": "预测"},
    "cli.targets.basis.ramp": {"en": "ramp", "zh": "新人爬坡"},
    "cli.targets.basis.allocated": {"en": "allocated", "zh": "分配"},
    "cli.targets.smart.ok": {"en": "ok", "zh": "通过"},
    "cli.targets.smart.not_specific": {"en": "not specific: metric or period missing", "zh": "不具体：缺少指标或周期"},
    "cli.targets.smart.not_kpi": {"en": "not measurable: {metric!r} is not a KPI", "zh": "不可衡量：{metric!r} 不是指标"},
    "cli.targets.smart.no_history": {"en": "not measurable: no history of {metric}", "zh": "不可衡量：没有{metric}的历史数据"},
    "cli.targets.smart.unknown": {"en": "attainability unknown", "zh": "可达成性未知"},
    "cli.targets.smart.stretch": {
        "en": "stretch: {p} chance of attainment (below {low})",
        "zh": "过高：达成概率 {p}（低于 {low}）",
    },
    "cli.targets.smart.soft": {
        "en": "too soft: {p} chance of attainment (above {high})",
        "zh": "过低：达成概率 {p}（高于 {high}）",
    },
    "cli.targets.plan_heading": {
        "en": "Activity plan (rates of {window}, each shrunk toward the rep's team):",
        "zh": "活动计划（{window} 的转化率，均向所在团队收缩）：",
    },
    "cli.targets.col.rep": {"en": "rep", "zh": "销售"},
    "cli.targets.col.deals_week": {"en": "deals won/week", "zh": "每周赢单"},
    "cli.targets.col.activities_week": {"en": "activities/week", "zh": "每周活动"},
    "cli.targets.col.activities_day": {"en": "activities/day", "zh": "每日活动"},
    "cli.targets.col.today_day": {"en": "today/day", "zh": "当前每日"},
    "cli.targets.col.gap_day": {"en": "gap/day", "zh": "每日差距"},
    "cli.targets.col.deals_by": {"en": "deals in pipeline by", "zh": "商机须入管道日期"},
    "cli.payout.stage.computing": {"en": "computing payouts", "zh": "计算奖金"},
    "cli.payout.stage.computing_b": {"en": "computing the second plan's payouts", "zh": "计算第二个方案的奖金"},
    "cli.payout.no_clawback_section": {
        "en": "plan '{plan}' has no [clawback] section; the clawback list was not applied",
        "zh": "方案 '{plan}' 没有 [clawback] 部分；未应用追回清单",
    },
    "cli.payout.no_targets": {
        "en": "no rep has a bookings target for {period}: no commission is paid (check the targets table and --period)",
        "zh": "{period} 没有任何销售有签约额目标：不发放佣金（请检查 targets 表和 --period）",
    },
    "cli.payout.summary": {
        "en": "{reps} reps, {period}, plan '{plan}': total payout {total}{share}; {above} reps above the threshold, {at_target} at or above 100 % of target",
        "zh": "{reps} 名销售，{period}，方案 '{plan}'：应发总额 {total}{share}；{above} 名销售超过门槛，{at_target} 名达到或超过目标的 100%",
    },
    "cli.payout.share_of_bookings": {"en": " = {share} of {bookings} bookings", "zh": "，占签约额 {bookings} 的 {share}"},
    "cli.payout.no_bookings": {"en": " (no bookings)", "zh": "（无签约额）"},
    "cli.payout.difference": {"en": "difference ('{b}' − '{a}'): {difference}", "zh": "差额（'{b}' − '{a}'）：{difference}"},
    "cli.payout.hint_compare": {
        "en": "-o comparison.csv writes this table; -o payouts.xlsx adds both plans' full payout tables",
        "zh": "-o comparison.csv 写出此表；-o payouts.xlsx 另附两个方案的完整奖金表",
    },
    "cli.payout.hint": {
        "en": "Write every column with -o payouts.csv (or .parquet / .xlsx)",
        "zh": "用 -o payouts.csv（或 .parquet / .xlsx）写出所有列",
    },
    "cli.payout.hint_explain": {
        "en": "{summary}.\n{hint}; --explain REP shows how a rep's payout adds up.",
        "zh": "{summary}。\n{hint}；--explain REP 可查看某名销售奖金的构成。",
    },
    "cli.payout.wrote": {"en": "Wrote {path}: {summary}.", "zh": "已写入 {path}：{summary}。"},
    "cli.payout.invalid_plan": {"en": "invalid plan {error}", "zh": "方案无效：{error}"},
    "cli.payout.clawbacks_missing": {"en": "--clawbacks {path}: no such file", "zh": "--clawbacks {path}：文件不存在"},
    "cli.payout.col.rep_id": {"en": "rep_id", "zh": "销售编号"},
    "cli.payout.col.name": {"en": "name", "zh": "姓名"},
    "cli.payout.col.team": {"en": "team", "zh": "团队"},
    "cli.payout.col.bookings": {"en": "bookings", "zh": "签约额"},
    "cli.payout.col.target": {"en": "target", "zh": "目标"},
    "cli.payout.col.attainment": {"en": "attainment", "zh": "完成率"},
    "cli.payout.col.commission": {"en": "commission", "zh": "佣金"},
    "cli.payout.col.spif": {"en": "spif", "zh": "专项奖励"},
    "cli.payout.col.team_bonus": {"en": "team_bonus", "zh": "团队奖金"},
    "cli.payout.col.clawback": {"en": "clawback", "zh": "追回"},
    "cli.payout.col.draw_top_up": {"en": "draw_top_up", "zh": "保底补足"},
    "cli.payout.col.total_payout": {"en": "total_payout", "zh": "应发总额"},
    "cli.payout.col.payout_a": {"en": "payout_a", "zh": "方案一奖金"},
    "cli.payout.col.payout_b": {"en": "payout_b", "zh": "方案二奖金"},
    "cli.payout.col.difference": {"en": "difference", "zh": "差额"},
    "cli.payout.compare_period": {
        "en": "--compare: plan '{other}' pays per {other_length} and plan '{plan}' per {plan_length}; compare plans of the same period length",
        "zh": "--compare：方案 '{other}' 按{other_length}发放，方案 '{plan}' 按{plan_length}发放；请比较周期长度相同的方案",
    },
    "cli.payout.month": {"en": "month", "zh": "月"},
    "cli.payout.quarter": {"en": "quarter", "zh": "季度"},
    "cli.rows_written": {"en": "{rows} rows written to {path}", "zh": "已写入 {rows} 行到 {path}"},
    "cli.forecast.stage.forecasting": {"en": "backtesting and forecasting", "zh": "回测并预测"},
    "cli.forecast.stage.pipeline_backtest": {"en": "backtesting the pipeline", "zh": "回测管道预测"},
    "cli.forecast.stage.scoring": {"en": "scoring open deals", "zh": "为在途商机打分"},
    "cli.forecast.stage.simulating": {"en": "simulating the pipeline", "zh": "模拟管道"},
    "cli.forecast.h_windows": {"en": "--h and --windows must be at least 1", "zh": "--h 和 --windows 须至少为 1"},
    "cli.forecast.snapshots": {"en": "--snapshots must be at least 2", "zh": "--snapshots 须至少为 2"},
    "cli.forecast.bad_output": {
        "en": "{option} must end in .csv, .parquet or .xlsx",
        "zh": "{option} 须以 .csv、.parquet 或 .xlsx 结尾",
    },
    "cli.forecast.pipeline_freq": {"en": "--pipeline-out needs --freq M or Q", "zh": "--pipeline-out 需要 --freq M 或 Q"},
    "cli.forecast.backtest_heading": {
        "en": "Backtest ({windows} windows of {h} periods), mean over {series} series:",
        "zh": "回测（{windows} 个窗口，每个 {h} 期），{series} 条序列的平均值：",
    },
    "cli.forecast.no_backtest": {"en": "  not enough history for a backtest", "zh": "  历史数据不足，无法回测"},
    "cli.forecast.forecast_heading": {
        "en": "Forecast (80% interval; backtest_accuracy = mean of max(0, 1 - |actual - forecast| / actual)):",
        "zh": "预测（80% 区间；回测准确率 = max(0, 1 - |实际 - 预测| / 实际) 的平均值）：",
    },
    "cli.forecast.win_model": {
        "en": "Win model, held-out months {start} to {end}: AUC {auc} (stage only {auc_stage}), Brier {brier}",
        "zh": "赢单模型，留出月份 {start} 至 {end}：AUC {auc}（仅按阶段 {auc_stage}），Brier {brier}",
    },
    "cli.forecast.pipeline_heading": {
        "en": "Pipeline view of {period} (Monte Carlo of open deals + deals not created yet{shock}):",
        "zh": "{period} 管道视角（在途商机 + 尚未创建商机的蒙特卡洛模拟{shock}）：",
    },
    "cli.forecast.shock": {"en": ", with a shared period shock calibrated on past periods", "zh": "，含按过往各期校准的共同周期冲击"},
    "cli.forecast.headline_heading": {
        "en": "Headline forecast of {period} = booked + open deals + new deals (pipeline view, weighted) + run-rate (weighted); {basis}:",
        "zh": "{period} 总体预测 = 已签约 + 在途商机 + 新商机（管道视角，加权）+ 趋势（加权）；{basis}：",
    },
    "cli.forecast.why_heading": {"en": "Why the views differ:", "zh": "两种视角差异的原因："},
    "cli.forecast.warn_no_pipeline_backtest": {
        "en": "no backtest of the pipeline, so the headline weights the two views equally: {reason}",
        "zh": "管道预测没有回测，总体预测对两种视角等权：{reason}",
    },
    "cli.forecast.warn_no_pipeline": {"en": "no pipeline forecast: {reason}", "zh": "没有管道预测：{reason}"},
    "cli.forecast.warn_skipped": {
        "en": "headline and pipeline forecast skipped: {reason}",
        "zh": "已跳过总体预测和管道预测：{reason}",
    },
    "cli.forecast.warn_not_written_pipeline": {
        "en": "{path} not written: the pipeline forecast could not be made (see above).",
        "zh": "{path} 未写入：无法生成管道预测（见上文）。",
    },
    "cli.forecast.warn_not_written": {"en": "{path} not written: {reason}", "zh": "{path} 未写入：{reason}"},
    "cli.forecast.col.model": {"en": "model", "zh": "模型"},
    "cli.forecast.col.mase": {"en": "mase", "zh": "MASE"},
    "cli.forecast.col.wape": {"en": "wape", "zh": "WAPE"},
    "cli.forecast.col.bias": {"en": "bias", "zh": "偏差"},
    "cli.forecast.col.coverage": {"en": "coverage", "zh": "区间覆盖率"},
    "cli.forecast.col.accuracy": {"en": "accuracy", "zh": "准确率"},
    "cli.forecast.col.forecast": {"en": "forecast", "zh": "预测"},
    "cli.forecast.col.forecast_lo_80": {"en": "forecast-lo-80", "zh": "80% 下限"},
    "cli.forecast.col.forecast_hi_80": {"en": "forecast-hi-80", "zh": "80% 上限"},
    "cli.forecast.col.backtest_accuracy": {"en": "backtest_accuracy", "zh": "回测准确率"},
    "cli.forecast.col.note": {"en": "note", "zh": "备注"},
    "cli.forecast.col.p10": {"en": "p10", "zh": "P10"},
    "cli.forecast.col.p50": {"en": "p50", "zh": "P50"},
    "cli.forecast.col.p90": {"en": "p90", "zh": "P90"},
    "cli.forecast.col.target": {"en": "target", "zh": "目标"},
    "cli.forecast.col.p_reach_target": {"en": "p_reach_target", "zh": "达成目标概率"},
    "cli.forecast.col.entity": {"en": "entity", "zh": "对象"},
    "cli.forecast.col.headline": {"en": "headline", "zh": "总体预测"},
    "cli.forecast.col.range": {"en": "80% range", "zh": "80% 区间"},
    "cli.forecast.col.booked": {"en": "booked", "zh": "已签约"},
    "cli.forecast.col.open_deals": {"en": "open deals", "zh": "在途商机"},
    "cli.forecast.col.new_deals": {"en": "new deals", "zh": "新商机"},
    "cli.forecast.col.run_rate": {"en": "run-rate", "zh": "趋势"},
    "cli.forecast.col.pipeline_view": {"en": "pipeline view", "zh": "管道视角"},
    "cli.forecast.col.run_rate_view": {"en": "run-rate view", "zh": "趋势视角"},
    "cli.forecast.col.p_reach": {"en": "P(reach)", "zh": "达成概率"},
    "cli.review.stage.assembling": {"en": "assembling the reviews", "zh": "汇编评估"},
    "cli.review.stage.rep_pages": {"en": "writing rep reviews", "zh": "写入销售评估"},
    "cli.review.stage.summary": {"en": "writing the team summary and workbook", "zh": "写入团队汇总和工作簿"},
    "cli.review.out_is_file": {"en": "--out {out}: is a file, not a folder", "zh": "--out {out}：是文件，不是文件夹"},
    "cli.review.cannot_write": {"en": "cannot write into {out}: {reason}", "zh": "无法写入 {out}：{reason}"},
    "cli.review.written": {
        "en": "Reviews of {period} ({language}) written to {out}:",
        "zh": "{period} 评估（{language}）已写入 {out}：",
    },
    "cli.review.language": {"en": "English", "zh": "中文"},
    "cli.review.rep_reviews": {"en": "  {count}: {files}", "zh": "  {count}：{files}"},
    "cli.review.summary_file": {"en": "  team summary: {name}", "zh": "  团队汇总：{name}"},
    "cli.review.workbook_file": {"en": "  workbook:     {name}", "zh": "  工作簿：    {name}"},
    "cli.forecast.combined": {"en": "forecast", "zh": "组合预测"},
}


def message(key: str, lang: str = "en", **fields) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` fields filled from ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`.
    lang : {"en", "zh"}
        Language.
    **fields
        Values for the text's ``{name}`` fields (already formatted numbers, names).

    Raises
    ------
    KeyError
        For a key the catalogue lacks, naming it.
    """
    check_lang("message", lang)
    try:
        entry = MESSAGES[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in workbench.messages.MESSAGES") from None
    return entry[lang].format(**fields) if fields else entry[lang]
