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
    "app.period": {"en": "Period", "zh": "期间"},
    "app.level": {"en": "Level", "zh": "层级"},
    "app.frequency": {"en": "Frequency", "zh": "频率"},
    "app.entity": {"en": "Entity", "zh": "对象"},
    "app.horizon": {"en": "Horizon", "zh": "预测期数"},
    "app.rep": {"en": "Rep", "zh": "销售"},
    "app.team": {"en": "Team", "zh": "团队"},
    "app.region": {"en": "Region", "zh": "区域"},
    "app.company": {"en": "Company", "zh": "公司"},
    "app.all_teams": {"en": "All teams", "zh": "全部团队"},
    "app.all_regions": {"en": "All regions", "zh": "全部区域"},
    "app.freq.M": {"en": "Month", "zh": "月"},
    "app.freq.Q": {"en": "Quarter", "zh": "季度"},
    # --- apps: the data source (picker and upload) -----------------------------------------
    "data.source": {"en": "Data source", "zh": "数据来源"},
    "data.loaded": {"en": "Loaded {rows} rows.", "zh": "已载入 {rows} 行。"},
    # --- charts: titles, axes, legends and tooltips ----------------------------------------
    "chart.entity_type.rep": {"en": "rep", "zh": "销售"},
    "chart.entity_type.team": {"en": "team", "zh": "团队"},
    "chart.entity_type.region": {"en": "region", "zh": "区域"},
    "chart.entity_type.company": {"en": "company", "zh": "公司"},
    # KPI trend and bars (the KPI's own label comes from the KPI registry)
    "chart.kpi.entity": {"en": "Entity", "zh": "对象"},
    "chart.kpi.period": {"en": "Period", "zh": "期间"},
    "chart.kpi.median": {"en": "median", "zh": "中位数"},
    # forecast fan, backtest accuracy, win-probability calibration
    "chart.forecast.title": {"en": "{entity}: forecast with intervals", "zh": "{entity}：预测及区间"},
    "chart.forecast.period": {"en": "period", "zh": "期间"},
    "chart.forecast.value": {"en": "value", "zh": "数值"},
    "chart.forecast.interval": {"en": "interval", "zh": "区间"},
    "chart.forecast.series": {"en": "series", "zh": "序列"},
    "chart.forecast.actual": {"en": "actual", "zh": "实际"},
    "chart.forecast.forecast": {"en": "forecast", "zh": "预测"},
    "chart.forecast.low": {"en": "low", "zh": "下限"},
    "chart.forecast.high": {"en": "high", "zh": "上限"},
    "chart.backtest.title": {"en": "Backtest {metric} by cutoff", "zh": "各回测截止点的{metric}"},
    "chart.backtest.cutoff": {"en": "backtest cutoff", "zh": "回测截止点"},
    "chart.backtest.model": {"en": "model", "zh": "模型"},
    "chart.backtest.metric.accuracy": {"en": "accuracy", "zh": "准确率"},
    "chart.backtest.metric.wape": {"en": "wape", "zh": "加权绝对百分比误差"},
    "chart.backtest.metric.bias": {"en": "bias", "zh": "偏差"},
    "chart.backtest.metric.mase": {"en": "mase", "zh": "平均绝对标度误差"},
    "chart.backtest.metric.coverage": {"en": "coverage", "zh": "区间覆盖率"},
    "chart.calibration.title": {"en": "Win-probability calibration (hold-out)", "zh": "赢单概率校准（留出样本）"},
    "chart.calibration.predicted": {"en": "predicted P(won)", "zh": "预测赢单概率"},
    "chart.calibration.observed": {"en": "observed win rate", "zh": "实际赢单率"},
    "chart.calibration.snapshots": {"en": "snapshots", "zh": "快照数"},
    "chart.calibration.bin": {"en": "bin", "zh": "概率分组"},
    # diagnosis: waterfall, funnel against peers, follow-up curve
    "chart.waterfall.title": {
        "en": "Bookings gap of {entity_type} {entity_id}, by funnel driver",
        "zh": "{entity_type} {entity_id} 的签约额差距（按漏斗因素）"},
    "chart.waterfall.target": {"en": "Target", "zh": "目标"},
    "chart.waterfall.peer_level": {"en": "Peer level", "zh": "同事水平"},
    "chart.waterfall.actual": {"en": "Actual", "zh": "实际"},
    "chart.waterfall.step": {"en": "Step", "zh": "环节"},
    "chart.waterfall.amount": {"en": "Amount", "zh": "金额"},
    "chart.funnel.title": {
        "en": "Pass rates of {entity_type} {entity_id}'s decided deals vs comparable peers",
        "zh": "{entity_type} {entity_id} 已决商机的各环节通过率与可比同事对比"},
    "chart.funnel.peers": {"en": "peers", "zh": "同事"},
    "chart.funnel.step": {"en": "Step", "zh": "环节"},
    "chart.funnel.who": {"en": "Who", "zh": "对象"},
    "chart.follow_up.title": {
        "en": "Win rate by follow-up speed (company-wide logistic regression)",
        "zh": "赢单率与跟进速度（全公司逻辑回归）"},
    "chart.follow_up.hours": {"en": "Hours to first touch", "zh": "首次跟进用时（小时）"},
    "chart.follow_up.win_probability": {"en": "Win probability", "zh": "赢单概率"},
    "chart.follow_up.low": {"en": "Low (95%)", "zh": "下限（95%）"},
    "chart.follow_up.high": {"en": "High (95%)", "zh": "上限（95%）"},
    # coaching: skill heatmap, a rep's plan, training effectiveness
    "chart.coaching.heat": {
        "en": "Skill gaps: expected uplift of coaching each rep in each skill",
        "zh": "技能差距：辅导每位销售每项技能的预期提升"},
    "chart.coaching.rep": {"en": "Rep", "zh": "销售"},
    "chart.coaching.skill": {"en": "Skill", "zh": "技能"},
    "chart.coaching.uplift": {"en": "Expected uplift", "zh": "预期提升"},
    "chart.coaching.score": {"en": "Assessed score", "zh": "评估得分"},
    "chart.coaching.plan": {
        "en": "Coaching plan of {rep}: skills ranked by expected uplift",
        "zh": "{rep} 的辅导计划：按预期提升排序"},
    "chart.coaching.stake": {"en": "Revenue at stake", "zh": "涉及收入"},
    "chart.coaching.effect": {
        "en": "Training effectiveness: change in each module's KPI against untrained peers",
        "zh": "培训效果：各课程相对未受训同事的指标变化"},
    "chart.coaching.module": {"en": "Module", "zh": "课程"},
    "chart.coaching.change": {"en": "Effect on the skill's KPI (good direction)", "zh": "对技能指标的影响（正向）"},
    "chart.coaching.verdict": {"en": "Verdict", "zh": "结论"},
    "chart.coaching.effect_tip": {"en": "Effect", "zh": "效果"},
    "chart.coaching.ci_low": {"en": "Interval low", "zh": "区间下限"},
    "chart.coaching.ci_high": {"en": "Interval high", "zh": "区间上限"},
    # review: a rep's months against target and the team
    "chart.review.rep": {"en": "This rep", "zh": "本人"},
    "chart.review.team": {"en": "Team median", "zh": "团队中位数"},
    "chart.review.bookings": {"en": "{bookings} by month, against target and the team", "zh": "每月{bookings}：对比目标与团队"},
    "chart.review.kpi": {"en": "{kpi} by month, against the team", "zh": "每月{kpi}：对比团队"},
    # targets: the what-if bookings fan
    "chart.whatif.title": {
        "en": "{scope} · {period}: projected bookings against target",
        "zh": "{scope} · {period}：预计签约额与目标"},
    "chart.whatif.date": {"en": "date", "zh": "日期"},
    "chart.whatif.bookings": {"en": "cumulative bookings", "zh": "累计签约额"},
    "chart.whatif.band": {"en": "what-if range", "zh": "假设情景区间"},
    "chart.whatif.whatif": {"en": "What-if median", "zh": "假设情景中位数"},
    "chart.whatif.baseline": {"en": "Baseline median", "zh": "基线中位数"},
    "chart.whatif.pace": {"en": "Pace to target", "zh": "达标进度线"},
    "chart.whatif.booked": {"en": "Booked so far", "zh": "已签约"},
    "chart.whatif.target": {"en": "Target {value}", "zh": "目标 {value}"},
    "chart.whatif.company": {"en": "Company", "zh": "公司"},
    "chart.whatif.no_target": {"en": "no target", "zh": "无目标"},
    "chart.whatif.subtitle_1": {
        "en": "Bands: the what-if's P10–P90 and P25–P75, widening to the period end.",
        "zh": "阴影：假设情景的 P10–P90 与 P25–P75，向期末展开。"},
    "chart.whatif.subtitle_2": {
        "en": "Bookings still to come are assumed to arrive evenly over the period.",
        "zh": "尚未签约的金额假定在期内均匀到来。"},
    "chart.whatif.low": {"en": "Low", "zh": "下限"},
    "chart.whatif.high": {"en": "High", "zh": "上限"},
    # --- apps: KPI scorecard ---------------------------------------------------------------
    "scorecard.chart": {"en": "Chart", "zh": "图表指标"},
    "scorecard.no_data": {"en": "No KPIs in the data yet.", "zh": "数据中还没有可计算的指标。"},
    # --- apps: forecast outlook ------------------------------------------------------------
    "outlook.unit.M": {"en": "month", "zh": "个月"},
    "outlook.units.M": {"en": "months", "zh": "个月"},
    "outlook.unit.Q": {"en": "quarter", "zh": "个季度"},
    "outlook.units.Q": {"en": "quarters", "zh": "个季度"},
    "outlook.span": {"en": "{h} {unit}", "zh": "{h} {unit}"},
    "outlook.naive.M": {"en": "same month last year", "zh": "去年同月"},
    "outlook.naive.Q": {"en": "same quarter last year", "zh": "去年同季度"},
    "outlook.accuracy_head": {"en": "How accurate is this forecast?", "zh": "这个预测有多准？"},
    "outlook.no_backtest": {
        "en": "No backtest yet: there is too little history to re-run this forecast on past {units} and compare it "
              "with what happened{why}.",
        "zh": "尚无回测：历史太短，无法在过去的若干{units}上重跑这个预测并与实际对比{why}。"},
    "outlook.why": {"en": " ({note})", "zh": "（{note}）"},
    "outlook.rerun_one": {"en": "Re-run at 1 past cutoff, {span} ahead each", "zh": "在过去 1 个截止点重跑，每次向前预测 {span}"},
    "outlook.rerun": {"en": "Re-run at {n} past cutoffs, {span} ahead each",
                      "zh": "在过去 {n} 个截止点重跑，每次向前预测 {span}"},
    "outlook.rerun_note": {"en": "{rerun} ({note}):", "zh": "{rerun}（{note}）："},
    "outlook.rerun_plain": {"en": "{rerun}:", "zh": "{rerun}："},
    "outlook.crm_accuracy": {
        "en": "CRM-style accuracy <b>{accuracy}</b> (1 − |actual − forecast| / actual, averaged).",
        "zh": "CRM 式准确率 <b>{accuracy}</b>（1 − |实际 − 预测| / 实际，取平均）。"},
    "outlook.mase_missing": {
        "en": "MASE: not available (too little history before the backtest to scale the errors by).",
        "zh": "MASE：不可用（回测之前的历史太短，无法据此衡量误差）。"},
    "outlook.mase_smaller": {
        "en": "MASE <b>{mase}</b>: errors {change} smaller than the typical in-sample error of the seasonal naive "
              "forecast ({naive}) over the history.",
        "zh": "MASE <b>{mase}</b>：误差比季节性朴素预测（{naive}）在历史上的典型样本内误差小 {change}。"},
    "outlook.mase_larger": {
        "en": "MASE <b>{mase}</b>: errors {change} larger than the typical in-sample error of the seasonal naive "
              "forecast ({naive}) over the history.",
        "zh": "MASE <b>{mase}</b>：误差比季节性朴素预测（{naive}）在历史上的典型样本内误差大 {change}。"},
    "outlook.mase_equal": {
        "en": "MASE <b>{mase}</b>: errors as large as the typical in-sample error of the seasonal naive "
              "forecast ({naive}) over the history.",
        "zh": "MASE <b>{mase}</b>：误差与季节性朴素预测（{naive}）在历史上的典型样本内误差相当。"},
    "outlook.coverage": {
        "en": "80% interval coverage <b>{coverage}</b>: share of actuals inside the 80% band "
              "(near 80% means the band can be trusted).",
        "zh": "80% 区间覆盖率 <b>{coverage}</b>：实际值落在 80% 区间内的比例（接近 80% 说明区间可信）。"},
    "outlook.no_headline": {"en": "No headline forecast for {entity} in {period}.",
                            "zh": "{period} 没有 {entity} 的总体预测。"},
    "outlook.parts": {
        "en": "booked so far {booked} + open deals {open_deals} + deals not created yet {new_deals} "
              "+ run-rate {run_rate}",
        "zh": "已签约 {booked} + 在途商机 {open_deals} + 尚未创建的商机 {new_deals} + 趋势外推 {run_rate}"},
    "outlook.no_target": {"en": "No bookings target is set for {period}.", "zh": "{period} 未设定签约额目标。"},
    "outlook.target_no_chance": {
        "en": "Target {target} (no chance given: no past periods to learn the spread from).",
        "zh": "目标 {target}（无法给出概率：没有可用来学习波动范围的历史周期）。"},
    "outlook.target_chance": {"en": "Target {target}: chance of reaching it <b>{chance}</b>.",
                              "zh": "目标 {target}：达成概率 <b>{chance}</b>。"},
    "outlook.headline": {"en": "{entity} · {period}: headline forecast {value}",
                         "zh": "{entity} · {period}：总体预测 {value}"},
    "outlook.range80": {"en": "(80% range {low} – {high})", "zh": "（80% 区间 {low} – {high}）"},
    "outlook.sum": {"en": "= {parts}. {goal}", "zh": "= {parts}。{goal}"},
    "outlook.basis": {"en": "How it is combined: {basis}.", "zh": "合成方式：{basis}。"},
    "outlook.no_entities": {"en": "No entities at this level.", "zh": "此层级没有对象。"},
    "outlook.computing": {
        "en": "Computing the {level} forecast and its backtest… (once; later changes are instant)",
        "zh": "正在计算{level}层级的预测及其回测……（只算一次，之后切换即时）"},
    "outlook.learning": {"en": "Learning the headline from past periods… (once per level)",
                         "zh": "正在从过去的周期学习总体预测……（每个层级一次）"},
    "outlook.no_history": {"en": "No bookings history for {entity}: nothing to forecast.",
                           "zh": "{entity} 没有签约历史，无法预测。"},
    "outlook.fan_title": {"en": "{entity}: bookings forecast", "zh": "{entity}：签约额预测"},
    "outlook.status": {
        "en": "{entity} · {period}: forecast {value} (80% range {low} – {high}) · {span} ahead{note}",
        "zh": "{entity} · {period}：预测 {value}（80% 区间 {low} – {high}）· 向前 {span}{note}"},
    "outlook.run_rate_heading": {"en": "Run-rate view: the bookings forecast", "zh": "趋势视角：签约额预测"},
    "outlook.pipeline_heading": {"en": "Pipeline view of the next period", "zh": "管道视角：下一周期"},
    "outlook.no_pipeline": {"en": "No pipeline view: {reason}", "zh": "无管道视角：{reason}"},
    "outlook.no_pipeline_backtest": {"en": "No backtest of the pipeline: {reason}", "zh": "无管道回测：{reason}"},
    "outlook.no_forecast_periods": {"en": "No forecast periods: the data has no bookings history.",
                                    "zh": "没有可预测的周期：数据中没有签约历史。"},
    "outlook.no_simulation": {"en": "No pipeline simulation for {level} {entity} in {period}.",
                              "zh": "{period} 没有{level} {entity} 的管道模拟。"},
    "outlook.booked": {"en": "Booked so far", "zh": "已签约"},
    "outlook.expected_open": {"en": "Expected from open deals", "zh": "在途商机预期"},
    "outlook.expected_new": {"en": "Expected from deals not created yet", "zh": "尚未创建商机预期"},
    "outlook.target": {"en": "Target", "zh": "目标"},
    "outlook.p_reach": {"en": "P(reach target), pipeline alone", "zh": "达成目标概率（仅管道）"},
    "outlook.calibrated": {"en": "with a shared period shock calibrated on past periods",
                           "zh": "含按过去周期校准的共同周期冲击"},
    "outlook.independent": {
        "en": "treating deals as independent (no backtest to calibrate the range: it is too narrow)",
        "zh": "假定各商机相互独立（没有回测来校准范围，区间偏窄）"},
    "outlook.odds": {
        "en": "The open deals and the deals not created yet, simulated {how}: bookings land between <b>{p10}</b> "
              "(P10) and <b>{p90}</b> (P90) in 8 of 10 outcomes; P50 {p50}. The headline above weighs this view "
              "against the run-rate.",
        "zh": "在途商机与尚未创建的商机，模拟时{how}：十次结果中有八次签约额落在 <b>{p10}</b>（P10）与 "
              "<b>{p90}</b>（P90）之间；P50 为 {p50}。上方的总体预测把这一视角与趋势外推加权合成。"},
    "outlook.no_open_deals": {"en": "No open deals.", "zh": "没有在途商机。"},
    "outlook.top_deals": {"en": "<b>Top {n} open deals</b> by expected bookings this period",
                          "zh": "本期预期签约额最高的 <b>{n} 个在途商机</b>"},
    "outlook.deal": {"en": "Deal", "zh": "商机"},
    "outlook.stage": {"en": "Stage", "zh": "阶段"},
    "outlook.amount": {"en": "Amount", "zh": "金额"},
    "outlook.p_won": {"en": "P(won)", "zh": "赢单概率"},
    "outlook.p_won_period": {"en": "P(won this period)", "zh": "本期赢单概率"},
    "outlook.expected": {"en": "Expected", "zh": "预期签约"},
    "outlook.why_factors": {"en": "Why (top factors)", "zh": "原因（主要因素）"},
    # --- apps: team diagnosis --------------------------------------------------------------
    "diagnosis.no_rep": {"en": "— none —", "zh": "— 无 —"},
    "diagnosis.computing": {
        "en": "Diagnosing {period} (all reps, teams and regions)…",
        "zh": "正在诊断 {period}（全部销售、团队和区域）…"},
    "diagnosis.computed": {
        "en": "Findings over the window {window} ({months} months up to {period}) · {findings} findings · diagnosed in {seconds:.1f} s",
        "zh": "诊断窗口 {window}（截至 {period} 的 {months} 个月）· {findings} 项发现 · 用时 {seconds:.1f} 秒"},
    "diagnosis.bookings": {"en": "Bookings", "zh": "签约额"},
    "diagnosis.target": {"en": "Target", "zh": "目标"},
    "diagnosis.gap": {"en": "Gap to target", "zh": "与目标差距"},
    "diagnosis.attainment": {"en": "Attainment", "zh": "达成率"},
    "diagnosis.at_stake": {"en": "Revenue at stake", "zh": "涉及收入"},
    "diagnosis.reps_flagged": {"en": "Reps with findings", "zh": "有发现的销售"},
    "diagnosis.top_drivers": {"en": "Top drivers", "zh": "主要原因"},
    "diagnosis.no_findings": {
        "en": "No significant and material findings for this selection.",
        "zh": "所选范围内没有显著且重要的发现。"},
    "diagnosis.entity": {"en": "Who", "zh": "对象"},
    "diagnosis.driver": {"en": "Driver", "zh": "原因"},
    "diagnosis.detail": {"en": "Detail", "zh": "细项"},
    "diagnosis.value": {"en": "Value", "zh": "数值"},
    "diagnosis.benchmark": {"en": "Peers", "zh": "同事水平"},
    "diagnosis.impact": {"en": "Revenue impact", "zh": "收入影响"},
    "diagnosis.confidence": {"en": "Confidence", "zh": "置信度"},
    "diagnosis.evidence": {"en": "Evidence", "zh": "依据"},
    "diagnosis.reps": {"en": "Reps", "zh": "销售人数"},
    "diagnosis.findings": {"en": "Findings", "zh": "发现"},
    "diagnosis.team_findings": {"en": "Team-level findings", "zh": "团队层面发现"},
    "diagnosis.pick_rep": {
        "en": "Pick a team or a rep to see the waterfall from target to actual and the funnel against peers.",
        "zh": "选择团队或销售，查看从目标到实际的瀑布图和与同事的漏斗对比。"},
    "diagnosis.tab_findings": {"en": "Findings", "zh": "诊断发现"},
    "diagnosis.tab_opps": {"en": "Market opportunities", "zh": "市场机会"},
    "diagnosis.tab_comp": {"en": "Competition", "zh": "竞争"},
    "diagnosis.no_opps": {"en": "No market opportunities found.", "zh": "未发现市场机会。"},
    "diagnosis.no_comp": {"en": "No losses to competitors recorded.", "zh": "没有输给竞争对手的记录。"},
    "diagnosis.window_bookings": {"en": "Bookings (window)", "zh": "签约额（窗口）"},
    "diagnosis.window_gap": {"en": "Gap (window)", "zh": "差距（窗口）"},
    "diagnosis.not_tested": {"en": "Not tested", "zh": "未检验"},
    "diagnosis.at_stake_note": {"en": "revenue at stake is over the window {window}", "zh": "涉及收入按诊断窗口 {window} 计"},
    "diagnosis.reason": {"en": "Reason", "zh": "类型"},
    "diagnosis.segment": {"en": "Segment", "zh": "细分"},
    "diagnosis.deals": {"en": "Deals", "zh": "商机数"},
    "diagnosis.win_rate": {"en": "Win rate", "zh": "赢单率"},
    "diagnosis.growth": {"en": "Market growth", "zh": "市场增长"},
    "diagnosis.share_change": {"en": "Share change", "zh": "份额变化"},
    "diagnosis.potential": {"en": "Potential revenue", "zh": "潜在收入"},
    "diagnosis.note": {"en": "Note", "zh": "说明"},
    "diagnosis.dimension": {"en": "By", "zh": "维度"},
    "diagnosis.key": {"en": "Of", "zh": "对象"},
    "diagnosis.competitor": {"en": "Competitor", "zh": "竞争对手"},
    "diagnosis.losses": {"en": "Losses", "zh": "输单数"},
    "diagnosis.lost_amount": {"en": "Lost amount", "zh": "输单金额"},
    "diagnosis.take_rate": {"en": "Take rate (12 m)", "zh": "抢单率（近12月）"},
    "diagnosis.prev_take_rate": {"en": "Take rate (prior 12 m)", "zh": "抢单率（前12月）"},
    "diagnosis.change": {"en": "Change", "zh": "变化"},
    "diagnosis.top_lost_reason": {"en": "Top loss reason", "zh": "主要输单原因"},
    "diagnosis.no_periods": {"en": "No complete month of decided deals in the data yet.",
                             "zh": "数据中还没有完整一个月的已决商机。"},
    "diagnosis.driver_item": {"en": "{driver} ({impact}, {n} reps)", "zh": "{driver}（{impact}，{n} 人）"},
    # --- apps: coaching --------------------------------------------------------------------
    "coaching.no_rep": {"en": "— pick a rep —", "zh": "— 选择销售 —"},
    "coaching.computing": {
        "en": "Computing plans, mentors and recognition for {period}…",
        "zh": "正在计算 {period} 的辅导计划、导师与表彰…"},
    "coaching.computed": {
        "en": "Plans for {period} (revenue at stake over the window {window}) · {reps} reps with a plan · {seconds:.1f} s",
        "zh": "{period} 的辅导计划（涉及收入按诊断窗口 {window} 计）· {reps} 名销售有计划 · 用时 {seconds:.1f} 秒"},
    "coaching.tab_gaps": {"en": "Skill gaps", "zh": "技能差距"},
    "coaching.tab_plan": {"en": "Rep plan", "zh": "个人计划"},
    "coaching.tab_mentors": {"en": "Mentors", "zh": "导师"},
    "coaching.tab_sessions": {"en": "Group sessions", "zh": "小组培训"},
    "coaching.tab_effect": {"en": "Training effectiveness", "zh": "培训效果"},
    "coaching.tab_awards": {"en": "Recognition", "zh": "表彰"},
    "coaching.rank": {"en": "#", "zh": "序号"},
    "coaching.skill": {"en": "Skill", "zh": "技能"},
    "coaching.uplift": {"en": "Expected uplift", "zh": "预期提升"},
    "coaching.stake": {"en": "Revenue at stake", "zh": "涉及收入"},
    "coaching.effectiveness": {"en": "Effectiveness", "zh": "有效比例"},
    "coaching.source": {"en": "Based on", "zh": "依据"},
    "coaching.why": {"en": "Why", "zh": "原因"},
    "coaching.score": {"en": "Assessed score", "zh": "评估得分"},
    "coaching.module": {"en": "Module", "zh": "课程"},
    "coaching.title": {"en": "Title", "zh": "名称"},
    "coaching.hours": {"en": "Hours", "zh": "课时"},
    "coaching.slot": {"en": "Period", "zh": "安排"},
    "coaching.note": {"en": "Note", "zh": "说明"},
    "coaching.mentee": {"en": "Mentee", "zh": "学员"},
    "coaching.mentor": {"en": "Mentor", "zh": "导师"},
    "coaching.mentor_score": {"en": "Mentor's score", "zh": "导师得分"},
    "coaching.same_team": {"en": "Same team", "zh": "同团队"},
    "coaching.reason": {"en": "Reason", "zh": "原因"},
    "coaching.reps": {"en": "Reps", "zh": "销售"},
    "coaching.n_reps": {"en": "How many", "zh": "人数"},
    "coaching.trained": {"en": "Trained", "zh": "受训人数"},
    "coaching.effect": {"en": "Effect", "zh": "效果"},
    "coaching.interval": {"en": "Interval", "zh": "区间"},
    "coaching.verdict": {"en": "Verdict", "zh": "结论"},
    "coaching.award": {"en": "Award", "zh": "奖项"},
    "coaching.winner": {"en": "Winner", "zh": "获奖者"},
    "coaching.value": {"en": "Value", "zh": "数值"},
    "coaching.basis": {"en": "Basis", "zh": "依据"},
    "coaching.runner_up": {"en": "Runner-up", "zh": "第二名"},
    "coaching.no_plan": {"en": "No skill gap for {rep}: nothing to coach.", "zh": "{rep} 没有技能差距，无需辅导。"},
    "coaching.pick_rep": {"en": "Pick a rep to see their plan.", "zh": "选择一名销售查看其计划。"},
    "coaching.none": {"en": "Nothing to show.", "zh": "暂无内容。"},
    "coaching.unmatched": {"en": "Not matched", "zh": "未匹配"},
    "coaching.plan_of": {"en": "Coaching plan of {rep} · {period}", "zh": "{rep} 的辅导计划 · {period}"},
    "coaching.slot_1": {"en": "this period", "zh": "本期"},
    "coaching.slot_2": {"en": "next period", "zh": "下一期"},
    "coaching.slot_n": {"en": "period {n}", "zh": "第 {n} 期"},
    "coaching.modules": {"en": "Modules", "zh": "课程"},
    "coaching.heat_all": {
        "en": "{shown} reps with a skill gap (of {total}); pick a team to see all its reps.",
        "zh": "{shown} 名销售有技能差距（共 {total} 名）；选择团队可查看团队全部销售。"},
    "coaching.heat_team": {
        "en": "{shown} of {total} reps of the team have a skill gap.",
        "zh": "团队 {total} 名销售中有 {shown} 名存在技能差距。"},
    "coaching.finding": {"en": "diagnosis", "zh": "诊断"},
    "coaching.assessment": {"en": "assessment", "zh": "评估"},
    "coaching.assumed": {"en": "assumed", "zh": "假设"},
    "coaching.measured": {"en": "measured", "zh": "实测"},
    "coaching.yes": {"en": "yes", "zh": "是"},
    "coaching.no": {"en": "no", "zh": "否"},
    "coaching.verdict.works": {"en": "works", "zh": "有效"},
    "coaching.verdict.no_effect": {"en": "no measurable effect", "zh": "无可测效果"},
    "coaching.verdict.too_few": {"en": "too few trainees", "zh": "受训人数太少"},
    # --- apps: targets what-if -------------------------------------------------------------
    "whatif.period": {"en": "Period", "zh": "周期"},
    "whatif.no_rep": {"en": "—", "zh": "—"},
    "whatif.levers": {"en": "Levers", "zh": "杠杆"},
    "whatif.reset": {"en": "Reset to baseline", "zh": "恢复基线"},
    "whatif.levers_help": {
        "en": "Levers apply to the reps of the region, team or rep picked (the company when none).",
        "zh": "杠杆作用于所选区域、团队或销售的成员（未选时为全公司）。"},
    "whatif.fitting": {
        "en": "Simulating the coming {what} and learning the levers from the data… (once per period length)",
        "zh": "正在模拟下一个{what}并从数据中学习杠杆效应……（每种周期一次）"},
    "whatif.month": {"en": "month", "zh": "月"},
    "whatif.quarter": {"en": "quarter", "zh": "季度"},
    "whatif.headline": {
        "en": "{scope} · {period}: projected bookings <b>{mean}</b> (P10–P90 {p10} – {p90})",
        "zh": "{scope} · {period}：预计签约额 <b>{mean}</b>（P10–P90 {p10} – {p90}）"},
    "whatif.vs_baseline": {"en": "baseline {mean}, change {change}", "zh": "基线 {mean}，变化 {change}"},
    "whatif.target": {"en": "Target {target}", "zh": "目标 {target}"},
    "whatif.no_target": {"en": "No bookings target is set for {period}.", "zh": "{period} 未设定签约额目标。"},
    "whatif.odds": {
        "en": "P(reach target), pipeline: <b>{p}</b> (baseline {base})",
        "zh": "达成目标概率（管道）：<b>{p}</b>（基线 {base}）"},
    "whatif.hires": {
        "en": "Includes {n} rep(s) added, bringing {value} on average.",
        "zh": "含新增销售 {n} 人，平均带来 {value}。"},
    "whatif.tab_scope": {"en": "Scope and its parts", "zh": "范围及下级"},
    "whatif.tab_plan": {"en": "Activity plan", "zh": "活动计划"},
    "whatif.tab_pay": {"en": "Payouts", "zh": "佣金支出"},
    "whatif.details": {"en": "Assumptions and notes", "zh": "假设与说明"},
    "whatif.entity": {"en": "Entity", "zh": "对象"},
    "whatif.col_target": {"en": "Target", "zh": "目标"},
    "whatif.booked": {"en": "Booked so far", "zh": "已签约"},
    "whatif.base_mean": {"en": "Baseline mean", "zh": "基线均值"},
    "whatif.base_range": {"en": "Baseline P10–P90", "zh": "基线 P10–P90"},
    "whatif.base_odds": {"en": "Baseline P(reach)", "zh": "基线达成概率"},
    "whatif.mean": {"en": "What-if mean", "zh": "假设情景均值"},
    "whatif.range": {"en": "What-if P10–P90", "zh": "假设情景 P10–P90"},
    "whatif.odds_col": {"en": "P(reach target), pipeline", "zh": "达成目标概率（管道）"},
    "whatif.change": {"en": "Change", "zh": "变化"},
    "whatif.plan_intro": {
        "en": "What reaching target takes at the levers' rates: each rep's own (shrunk) conversion, deal size and cycle, per week and per working day, against today's activity (moved by the activity lever).",
        "zh": "按杠杆调整后的转化率达成目标所需：每位销售自身（收缩后）的转化率、成交额和周期，折算为每周和每个工作日，并与当前活动量（随活动量杠杆变化）比较。"},
    "whatif.by_rep": {"en": "Per rep", "zh": "按销售"},
    "whatif.by_type": {"en": "By activity type", "zh": "按活动类型"},
    "whatif.deals_week": {"en": "Deals won / week", "zh": "每周赢单"},
    "whatif.acts_week": {"en": "Activities / week", "zh": "每周活动"},
    "whatif.acts_day": {"en": "Activities / workday", "zh": "每工作日活动"},
    "whatif.today_day": {"en": "Today / workday", "zh": "当前每工作日"},
    "whatif.gap_day": {"en": "Gap / workday", "zh": "每工作日差距"},
    "whatif.type": {"en": "Activity", "zh": "活动类型"},
    "whatif.per_week": {"en": "Per week", "zh": "每周"},
    "whatif.per_day": {"en": "Per workday", "zh": "每工作日"},
    "whatif.no_plan": {
        "en": "No activity plan: the reps have no target or no funnel history.",
        "zh": "没有活动计划：销售没有目标或没有漏斗历史。"},
    "whatif.plan_a": {"en": "Plan", "zh": "方案"},
    "whatif.plan_b": {"en": "Compare with", "zh": "对比方案"},
    "whatif.pay_intro": {
        "en": "Payouts over the simulated bookings of the scope's reps (what-if), plan against plan.",
        "zh": "按所选范围内销售的模拟签约额（假设情景）计算佣金，两个方案对比。"},
    "whatif.pay_totals": {"en": "Totals of the scope", "zh": "范围合计"},
    "whatif.pay_by_rep": {"en": "Per rep under {plan}", "zh": "按销售（{plan}）"},
    "whatif.figure": {"en": "Figure", "zh": "指标"},
    "whatif.difference": {"en": "Difference", "zh": "差异"},
    "whatif.no_plans": {
        "en": "No commission plan files (*.toml) found in {where}. Set {env} to a folder of plans.",
        "zh": "在 {where} 中没有找到佣金方案文件（*.toml）。请把 {env} 设为方案所在文件夹。"},
    "whatif.skipped": {"en": "Not commission plans, left out: {files}.", "zh": "不是佣金方案，未列出：{files}。"},
    "whatif.plan_period": {
        "en": "{plan} pays per {unit}; here it is applied to the {period_unit} projected (attainment of its target; fixed amounts such as caps and draws as written).",
        "zh": "{plan} 按{unit}计佣；此处用于所预测的{period_unit}（按该期目标的完成率；封顶、保底等固定金额按原文）。"},
    "whatif.rep_team_bonus": {"en": "Team bonus left out: one rep is not a team.", "zh": "未计团队奖金：单个销售不构成团队。"},
    "whatif.assumptions": {"en": "What the levers rest on", "zh": "杠杆依据"},
    "whatif.notes": {"en": "Notes", "zh": "说明"},
    "whatif.lever": {"en": "Lever", "zh": "杠杆"},
    "whatif.what": {"en": "Figure", "zh": "数值说明"},
    "whatif.value": {"en": "Value", "zh": "数值"},
    "whatif.source": {"en": "Source", "zh": "来源"},
    "whatif.moved": {"en": "Moved", "zh": "已调整"},
    "whatif.no_notes": {"en": "Nothing left out.", "zh": "没有遗漏项。"},
    # --- CLI -------------------------------------------------------------------------------
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
