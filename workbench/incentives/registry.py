"""The payout registry: every figure of a payout table and a plan simulation, described once.

Like :mod:`workbench.kpi.registry` for KPIs: each figure's English and Chinese label, its
definition in words and its unit, read by the CLI, apps and exports instead of spelling
labels out again.

Examples
--------
>>> from workbench.incentives.registry import PAYOUT_FIGURES, payout_label
>>> PAYOUT_FIGURES["total_payout"].unit
'currency'
>>> payout_label("cost_of_sales"), payout_label("cost_of_sales", lang="zh")
('Cost of sales', '销售成本率')
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from workbench.params import check_lang

__all__ = ["PayoutFigure", "PAYOUT_FIGURES", "payout_label"]


@dataclass(frozen=True)
class PayoutFigure:
    """One figure of a payout table or a plan simulation: labels, definition and unit."""

    key: str
    label_en: str
    label_zh: str
    definition: str
    unit: str  # "currency", "share", "flag" or "text"

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``"en"`` or ``"zh"``)."""
        check_lang("PayoutFigure.label", lang)
        return self.label_zh if lang == "zh" else self.label_en


_FIGURES = [
    PayoutFigure("bookings", "Bookings", "签约额", "The period's bookings KPI.", "currency"),
    PayoutFigure("target", "Bookings target", "签约额目标", "The period's bookings_target KPI.", "currency"),
    PayoutFigure("attainment", "Attainment", "完成率", "bookings / target; missing when the target is missing or 0.",
                 "share"),
    PayoutFigure("threshold_met", "Threshold reached", "达到门槛", "attainment >= the plan's threshold.", "flag"),
    PayoutFigure("base_commission", "Base commission", "基础佣金",
                 "Bookings in bands no tier covers x the base rate (before accelerator / decelerator).", "currency"),
    PayoutFigure("tier_commission", "Tier commission", "阶梯佣金",
                 "Bookings in each tier's band x the tier's rate (before accelerator / decelerator).", "currency"),
    PayoutFigure("accelerator", "Accelerator", "加速奖励",
                 "Extra commission from the accelerator multiplier above its attainment.", "currency"),
    PayoutFigure("decelerator", "Decelerator", "减速扣减",
                 "Commission taken off by the decelerator multiplier below its attainment (negative).", "currency"),
    PayoutFigure("commission_before_cap", "Commission before cap", "封顶前佣金",
                 "Sum of the parts when the threshold is reached, else 0; in cents.", "currency"),
    PayoutFigure("cap_reduction", "Cap reduction", "封顶扣减",
                 "What the payout cap took off the commission (negative or 0).", "currency"),
    PayoutFigure("commission", "Commission", "佣金", "Commission after the threshold and the cap.", "currency"),
    PayoutFigure("spif", "SPIF", "产品专项奖励",
                 "Per product: amount per won deal or rate on the won amount, deals closed in the period.", "currency"),
    PayoutFigure("team_attainment", "Team attainment", "团队完成率", "The team's quota_attainment KPI.", "share"),
    PayoutFigure("team_bonus", "Team bonus", "团队奖金",
                 "Paid to each rep of a team whose attainment reaches the plan's team-bonus attainment.", "currency"),
    PayoutFigure("clawback", "Clawback", "佣金追回",
                 "Deals cancelled in the period within the window after their win x the clawback rate (negative).",
                 "currency"),
    PayoutFigure("earned", "Earned", "应得", "commission + SPIF + team bonus + clawback.", "currency"),
    PayoutFigure("draw_top_up", "Draw top-up", "保底补足", "max(draw - earned, 0).", "currency"),
    PayoutFigure("draw_recoverable", "Recoverable draw", "可追回保底",
                 "The draw top-up when the draw is recoverable (owed back from later commission), else 0.",
                 "currency"),
    PayoutFigure("total_payout", "Total payout", "应发总额", "earned + draw top-up.", "currency"),
    PayoutFigure("explanation", "Explanation", "计算说明", "How the payout adds up, line by line (English).", "text"),
    PayoutFigure("explanation_zh", "Explanation (Chinese)", "计算说明（中文）",
                 "How the payout adds up, line by line (Chinese).", "text"),
    PayoutFigure("payout_mean", "Expected payout", "预期支出", "Mean payout over the simulated draws.", "currency"),
    PayoutFigure("payout_p10", "Payout P10", "支出 P10", "10th percentile of the payout over the draws.", "currency"),
    PayoutFigure("payout_p50", "Payout P50", "支出 P50", "Median payout over the draws.", "currency"),
    PayoutFigure("payout_p90", "Payout P90", "支出 P90", "90th percentile of the payout over the draws.", "currency"),
    PayoutFigure("cost_of_sales", "Cost of sales", "销售成本率", "Expected payout / expected bookings.", "share"),
    PayoutFigure("p_threshold", "Chance of reaching the threshold", "达到门槛概率",
                 "Share of draws with attainment at or above the threshold.", "share"),
    PayoutFigure("p_target", "Chance of reaching 100 %", "达成目标概率",
                 "Share of draws with attainment at or above 100 %.", "share"),
    PayoutFigure("p_capped", "Chance of hitting the cap", "触及封顶概率",
                 "Share of draws where the payout or attainment cap applies.", "share"),
]

#: Every payout and simulation figure by key.
PAYOUT_FIGURES: MappingProxyType = MappingProxyType({f.key: f for f in _FIGURES})


def payout_label(key: str, lang: str = "en") -> str:
    """The display label of a payout figure.

    Raises
    ------
    KeyError
        Naming the key and listing the known ones.
    """
    if key not in PAYOUT_FIGURES:
        raise KeyError(f"Unknown payout figure {key!r}; known: {', '.join(PAYOUT_FIGURES)}.")
    return PAYOUT_FIGURES[key].label(lang)
