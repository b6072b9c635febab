"""One plain sentence of evidence per finding, in English and in Chinese.

Examples
--------
>>> from workbench.diagnose.evidence import sentence
>>> row = dict(entity_type="rep", entity_id="R007", driver="small_deals", detail="",
...            value=8000.0, benchmark=12000.0, ci_low=7000.0, ci_high=9000.0, n=40,
...            revenue_impact=52000.0, confidence=0.99)
>>> sentence(row, "en")
'Rep R007 closes deals of about 8,000 against 12,000 for comparable peers (95% CI 7,000–9,000, 40 decided deals); at the peer size the same wins would bring about 52,000 more.'
>>> sentence(row, "zh")
'销售 R007 的单笔成交金额约 8,000，同类同事为 12,000（95% 置信区间 7,000–9,000，40 个已决商机）；按同事的金额水平，同样的赢单可多带来约 52,000。'

A narrow interval gets the decimals it needs to read as an interval:

>>> row = dict(entity_type="rep", entity_id="R006", driver="low_activity", detail="prospecting",
...            value=0.58, benchmark=1.21, ci_low=0.56, ci_high=0.61, n=35, revenue_impact=793671.0)
>>> sentence(row, "en")
'Rep R006 logs 0.58 prospecting activities per workday against 1.21 for comparable peers (95% CI 0.56–0.61, 35 months); at the peer level the funnel would bring about 793,671 more.'
>>> sentence(row, "zh")
'销售 R006 每个工作日约 0.58 次拓客活动，同类同事为 1.21 次（95% 置信区间 0.56–0.61，35 个月）；达到同事的活动量预计可多成交约 793,671。'
"""

from __future__ import annotations

from workbench.formatting import format_distinct
from workbench.params import check_lang

__all__ = ["sentence", "ENTITY_NAMES"]

ENTITY_NAMES = {
    "en": {"rep": "Rep", "team": "Team", "region": "Region"},
    "zh": {"rep": "销售", "team": "团队", "region": "区域"},
}


#: How each template unit is written: a :func:`~workbench.formatting.format_value` unit and
#: the fewest decimals (the template supplies the unit's word, "h" or "days").
_STYLE = {
    "rate": ("rate", 0),
    "hours": ("", 1),
    "days": ("", 0),
    "points": ("", 2),
    "perday": ("", 1),
    "x": ("", 1),
    "currency": ("", 0),
}


def _numbers(values, unit: str) -> list[str]:
    """The value, benchmark and interval bounds of a finding, written together so that
    different numbers never print alike ("0.58–0.64", not "0.6–0.6")."""
    style, decimals = _STYLE.get(unit, _STYLE["currency"])
    return ["n/a" if text == "–" else text for text in format_distinct(values, style, decimals=decimals)]


_TEMPLATES = {
    "slow_follow_up": (
        "hours",
        "{who} takes {v} h to first touch a new lead against {b} h for comparable peers "
        "(95% CI {lo}–{hi} h, {n} new deals with a known first touch); following up at the peer pace would add "
        "about {imp} in bookings.",
        "{who} 首次跟进新线索约需 {v} 小时，同类同事为 {b} 小时（95% 置信区间 {lo}–{hi}，{n} 个有首次跟进记录的新商机）；"
        "若跟进速度达到同事水平，预计可多成交约 {imp}。",
    ),
    "low_activity": (
        "perday",
        "{who} logs {v} {d_en} per workday against {b} for comparable peers "
        "(95% CI {lo}–{hi}, {n} months); at the peer level the funnel would bring about {imp} more.",
        "{who} 每个工作日约 {v} 次{d_zh}，同类同事为 {b} 次（95% 置信区间 {lo}–{hi}，{n} 个月）；"
        "达到同事的活动量预计可多成交约 {imp}。",
    ),
    "low_stage_conversion": (
        "rate",
        "{who} passes {v} of decided deals through {d} against {b} for comparable peers "
        "(95% CI {lo}–{hi}, {n} decided deals reached it); passing like peers would add about {imp} in bookings.",
        "{who} 在 {d} 这一步的通过率为 {v}，同类同事为 {b}（95% 置信区间 {lo}–{hi}，{n} 个已决商机到达此步）；"
        "达到同事的转化率预计可多成交约 {imp}。",
    ),
    "small_deals": (
        "currency",
        "{who} closes deals of about {v} against {b} for comparable peers "
        "(95% CI {lo}–{hi}, {n} decided deals); at the peer size the same wins would bring about {imp} more.",
        "{who} 的单笔成交金额约 {v}，同类同事为 {b}（95% 置信区间 {lo}–{hi}，{n} 个已决商机）；"
        "按同事的金额水平，同样的赢单可多带来约 {imp}。",
    ),
    "long_cycle": (
        "days",
        "{who} needs {v} days to win a deal against {b} for comparable peers "
        "(pace measured on {n} decided deals); at the peer pace the same pipeline would close about {imp} more "
        "in the window.",
        "{who} 赢单平均需 {v} 天，同类同事为 {b} 天（按 {n} 个已决商机衡量节奏）；按同事的速度，同样的管道在此期间可多成交约 {imp}。",
    ),
    "low_csat": (
        "points",
        "{who} scores {v} in customer satisfaction against {b} for comparable peers "
        "(95% CI {lo}–{hi}, {n} surveys); about {imp} of bookings is at risk.",
        "{who} 的客户满意度为 {v} 分，同类同事为 {b} 分（95% 置信区间 {lo}–{hi}，{n} 份问卷）；约 {imp} 的业绩面临流失风险。",
    ),
    "weak_product": (
        "rate",
        "{who} wins {v} of {d} deals against {b} expected from peers on {d} "
        "(95% CI {lo}–{hi}, {n} decided deals); winning like peers would add about {imp}.",
        "{who} 在产品 {d} 上的赢单率为 {v}，按同事水平应为 {b}（95% 置信区间 {lo}–{hi}，{n} 个已决商机）；"
        "达到同事水平预计可多成交约 {imp}。",
    ),
    "low_pipeline_coverage": (
        "x",
        "{who} holds {v}× a quarter's reference bookings in open pipeline against {b}× for comparable peers; "
        "the missing pipeline is worth about {imp} at the current win rate.",
        "{who} 的在手管道约为一个季度参考业绩的 {v} 倍，同类同事为 {b} 倍；按当前赢单率，缺口约值 {imp}。",
    ),
    "order_cancellations": (
        "rate",
        "{who} sees {v} of orders cancelled against {b} for comparable peers "
        "(95% CI {lo}–{hi}, {n} orders); the excess cancellations cost about {imp}.",
        "{who} 的订单取消率为 {v}，同类同事为 {b}（95% 置信区间 {lo}–{hi}，{n} 笔订单）；多出的取消约损失 {imp}。",
    ),
    "stage_bottleneck": (
        "days",
        "{who}'s deals wait {v} days in {d} against {b} in comparable teams "
        "({n} stage passages); moving at their pace would close about {imp} more in the window.",
        "{who} 的商机在 {d} 阶段停留约 {v} 天，可比团队为 {b} 天（{n} 次阶段经过）；按它们的速度，此期间可多成交约 {imp}。",
    ),
    "stalled_stage": (
        "days",
        "{who}'s deals wait {v} days in {d} against {b} for comparable peers "
        "({n} decided deals passed through it); moving at the peer pace would close about {imp} more in the window.",
        "{who} 的商机在 {d} 阶段停留约 {v} 天，同类同事为 {b} 天（{n} 个已决商机经过此阶段）；按同事的速度，此期间可多成交约 {imp}。",
    ),
}


#: recent_change sentences per metric (detail): what the entity does since the change vs before.
_CHANGE = {
    "activities": (
        "perday",
        "Since {since}, {who} logs {v} activities per workday against {b} before (95% CI {lo}–{hi}; "
        "measured against the peer group month by month, so seasonality and team-wide moves are taken out); "
        "at the earlier level the funnel would have brought about {imp} more.",
        "自 {since} 起，{who} 每个工作日约 {v} 次活动，此前为 {b} 次（95% 置信区间 {lo}–{hi}；按月与同组对比，"
        "已剔除季节性和团队整体变化）；保持此前水平预计可多成交约 {imp}。",
    ),
    "prospecting": (
        "perday",
        "Since {since}, {who} logs {v} prospecting activities per workday against {b} before (95% CI {lo}–{hi}; "
        "measured against the peer group month by month, so seasonality and team-wide moves are taken out); "
        "at the earlier level the funnel would have brought about {imp} more.",
        "自 {since} 起，{who} 每个工作日约 {v} 次拓客活动，此前为 {b} 次（95% 置信区间 {lo}–{hi}；按月与同组对比，"
        "已剔除季节性和团队整体变化）；保持此前水平预计可多成交约 {imp}。",
    ),
    "follow_up": (
        "hours",
        "Since {since}, {who} takes {v} h to first touch a new lead against {b} h before (95% CI {lo}–{hi} h, "
        "{n} new deals since; against the peer group month by month); the slower follow-up costs about {imp}.",
        "自 {since} 起，{who} 首次跟进新线索约需 {v} 小时，此前为 {b} 小时（95% 置信区间 {lo}–{hi}，"
        "此后 {n} 个新商机；按月与同组对比）；跟进变慢约损失 {imp}。",
    ),
    "deal_size": (
        "x",
        "Since {since}, {who}'s deals are {v}× the typical size of their product and lead source against "
        "{b}× before (95% CI {lo}–{hi}, {n} new deals since; against the peer group month by month); "
        "at the earlier size the wins since would have brought about {imp} more.",
        "自 {since} 起，{who} 的商机金额约为同产品同来源典型金额的 {v} 倍，此前为 {b} 倍（95% 置信区间 {lo}–{hi}，"
        "此后 {n} 个新商机；按月与同组对比）；保持此前的金额水平，此后的赢单可多带来约 {imp}。",
    ),
    "win_rate": (
        "rate",
        "Since {since}, {who} wins {v} of new deals within 90 days of creating them against {b} before "
        "(95% CI {lo}–{hi}, {n} deals created since; against the peer group month by month); winning as before "
        "would have added about {imp}.",
        "自 {since} 起，{who} 新建商机在 90 天内的赢单率为 {v}，此前为 {b}（95% 置信区间 {lo}–{hi}，此后新建 {n} 个商机；"
        "按月与同组对比）；保持此前的赢单率预计可多成交约 {imp}。",
    ),
    "pace": (
        "x",
        "Since {since}, {who}'s deals spend {v}× the typical time in each stage against {b}× before "
        "(95% CI {lo}–{hi}, {n} deals decided since; against the peer group month by month); at the earlier "
        "pace about {imp} more would have closed.",
        "自 {since} 起，{who} 的商机在各阶段停留时间约为典型的 {v} 倍，此前为 {b} 倍（95% 置信区间 {lo}–{hi}，"
        "此后 {n} 个已决商机；按月与同组对比）；保持此前的速度约可多成交 {imp}。",
    ),
}


def history_note(row, lang: str = "en") -> str:
    """How much history a finding rests on, as a sentence ("" when the row does not say).

    >>> history_note(dict(history_months=36.0, window_months=12, half_life=12.0, n=41.3, n_window=20,
    ...                   driver="small_deals"))
    'Rests on 36 months of data: the 12-month window and 24 earlier months weighted down by half every 12 months (effective sample 41 against 20 in the window alone).'
    >>> history_note(dict(history_months=36.0, window_months=36, n=80, driver="small_deals"), "zh")
    '依据 36 个月的数据（均在分析窗口内）。'
    """
    months = row.get("history_months")
    if months is None or months != months:
        return ""
    months = int(round(months))
    window = int(row.get("window_months") or months)
    half_life = row.get("half_life")
    if row.get("driver") == "recent_change":
        return (f"Compared with its own {months} months of data." if lang == "en"
                else f"与其自身 {months} 个月的数据相比。")
    if half_life is None or half_life != half_life or months <= window:
        return (f"Rests on {months} months of data (all in the window)." if lang == "en"
                else f"依据 {months} 个月的数据（均在分析窗口内）。")
    n_eff = format_distinct([row.get("n")], "", decimals=0)[0]
    n_win = format_distinct([row.get("n_window")], "", decimals=0)[0]
    h = format_distinct([half_life], "", decimals=0)[0]
    if lang == "en":
        return (f"Rests on {months} months of data: the {window}-month window and {months - window} earlier months "
                f"weighted down by half every {h} months (effective sample {n_eff} against {n_win} in the window "
                f"alone).")
    return (f"依据 {months} 个月的数据：{window} 个月的分析窗口，加上此前 {months - window} 个月按每 {h} 个月减半的权重计入"
            f"（有效样本 {n_eff}，仅窗口内为 {n_win}）。")


def sentence(row, lang: str = "en") -> str:
    """The evidence sentence of one finding (a mapping with the findings columns).

    A row that says how much history it rests on (``history_months``, as
    :func:`workbench.diagnose.diagnose` findings do) gets :func:`history_note` appended.
    """
    check_lang("sentence", lang)
    text = _sentence(row, lang)
    note = history_note(row, lang)
    return f"{text} {note}" if note and lang == "en" else text + note


def _sentence(row, lang: str) -> str:
    if row["driver"] == "recent_change":
        unit, en, zh = _CHANGE[row["detail"]]
    else:
        unit, en, zh = _TEMPLATES[row["driver"]]
    who = f"{ENTITY_NAMES[lang][row['entity_type']]} {row['entity_id']}"
    text = en if lang == "en" else zh
    impact = row.get("revenue_impact")
    shown = [row["value"], row["benchmark"]]
    if "{lo}" in text:  # bounds the sentence does not print do not set its decimals
        shown += [row.get("ci_low"), row.get("ci_high")]
    v, b, lo, hi = (_numbers(shown, unit) + ["n/a", "n/a"])[:4]
    return text.format(
        who=who,
        v=v,
        b=b,
        lo=lo,
        hi=hi,
        n=int(row["n"]) if row.get("n") == row.get("n") and row.get("n") is not None else "?",
        d=row.get("detail") or "",
        d_en="prospecting activities" if row.get("detail") == "prospecting" else "activities",
        d_zh="拓客活动" if row.get("detail") == "prospecting" else "销售活动",
        imp=_numbers([impact if impact == impact else 0.0], "currency")[0],
        since=row.get("since") or "",
    )
