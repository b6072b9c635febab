"""The award registry: every recognition award declared once, read by screens and reviews.

Each :class:`Award` says what it is called (English and Chinese), which number it ranks
reps by and in which direction, the number that breaks a tie, the KPI behind it, which
count must reach a minimum before a rep can win, whether reps still ramping up compete,
and the rule in words. :func:`workbench.coaching.recognition.recognition` computes them;
apps and reviews take labels from here instead of spelling them out again.

Numbers an award ranks by are KPIs of :data:`workbench.kpi.KPIS` where a KPI says it;
the few that are not (an improvement against a baseline, a shrunk CSAT, the evidence
counts) are declared in :data:`AWARD_METRICS` under names of their own.

Examples
--------
>>> from workbench.coaching.awards import AWARDS, award_label, metric_label
>>> list(AWARDS)
['rep_of_the_period', 'best_newcomer', 'most_improved', 'fastest_follow_up', 'top_csat']
>>> award_label("rep_of_the_period", freq="Q"), award_label("rep_of_the_period", "zh", freq="M")
('Rep of the quarter', '本月最佳销售')
>>> AWARDS["fastest_follow_up"].metric, AWARDS["fastest_follow_up"].higher_is_better
('follow_up_hours_median', False)
>>> metric_label("csat_shrunk"), metric_label("quota_attainment", "zh")
('CSAT (shrunk toward the company mean)', '配额完成率')
>>> AWARDS["top_csat"].rule_text(min_responses=5, csat_weight=10)[:45]
'At least 5 survey responses in the period; ra'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from workbench.kpi.registry import KPIS, UNITS, kpi_label
from workbench.params import check_choice, check_lang

__all__ = ["Award", "AwardMetric", "AWARDS", "AWARD_METRICS", "AWARD_UNITS", "NEWCOMER_RULES", "award_label",
           "metric_label", "metric_unit"]

#: Units of award values: the KPI units, plus ``pp`` for a change of a share in percentage
#: points (as :func:`workbench.formatting.format_value` writes it).
AWARD_UNITS = (*UNITS, "pp")

#: How an award treats reps still ramping up (hired less than ``ramp_months`` months
#: before the period starts): they do not compete, compete like everyone, or only they do.
NEWCOMER_RULES = ("excluded", "included", "only")

#: Words for the period length inside award labels (``Rep of the {period}``).
_PERIOD_WORDS = {"en": {"M": "month", "Q": "quarter"}, "zh": {"M": "月", "Q": "季度"}}


@dataclass(frozen=True)
class AwardMetric:
    """A number awards use that is not a KPI, under a name of its own.

    Parameters
    ----------
    key : str
        snake_case name; never a KPI key.
    label_en, label_zh : str
        Display labels.
    formula : str
        The definition in words.
    unit : str
        One of :data:`AWARD_UNITS`.
    higher_is_better : bool
    """

    key: str
    label_en: str
    label_zh: str
    formula: str
    unit: str
    higher_is_better: bool = True

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``"en"`` or ``"zh"``)."""
        check_lang("AwardMetric.label", lang)
        return self.label_zh if lang == "zh" else self.label_en


_METRIC_LIST = [
    AwardMetric(
        "attainment_improvement", "Attainment improvement", "完成率提升",
        "quota_attainment of the period minus the rep's shrunk baseline. The baseline is the "
        "mean quota_attainment of the rep's ramped periods (starting at least ramp_months after "
        "the hire date, attainment known) among the baseline_periods periods before it, shrunk "
        "toward the mean quota_attainment of the rep's team over those periods (the company's "
        "when the team's is unknown): (n x rep mean + w x team mean) / (n + w) with n the "
        "rep's baseline periods and w = baseline_weight. Few baseline periods leave the "
        "baseline near the team's, so one freak month cannot make a rep 'most improved'. In "
        "percentage points.",
        "pp",
    ),
    AwardMetric(
        "csat_shrunk", "CSAT (shrunk toward the company mean)", "客户满意度（向公司均值收缩）",
        "(n x csat_mean + w x company csat_mean) / (n + w), n = csat_responses of the rep in "
        "the period and w = csat_weight: the rep's mean as if w more responses at the company "
        "mean had come in, so a rep with a few perfect scores does not beat a rep with many "
        "good ones.",
        "score",
    ),
    AwardMetric(
        "decided_deals", "Deals decided", "已决商机数",
        "Deals won or lost with closed_at in the period (the deals the win_rate KPI counts).",
        "count",
    ),
    AwardMetric(
        "touched_deals", "Deals touched", "已跟进商机数",
        "Opportunities created in the period with a known first touch (the deals the "
        "follow_up_hours_median KPI takes the median over).",
        "count",
    ),
]

#: Numbers awards rank by or count that are not KPIs, by key.
AWARD_METRICS: MappingProxyType = MappingProxyType({m.key: m for m in _METRIC_LIST})


def metric_label(key: str, lang: str = "en") -> str:
    """The label of a KPI key or an :data:`AWARD_METRICS` key."""
    if key in AWARD_METRICS:
        return AWARD_METRICS[key].label(lang)
    return kpi_label(key, lang)


def metric_unit(key: str) -> str:
    """The unit of a KPI key or an :data:`AWARD_METRICS` key."""
    return AWARD_METRICS[key].unit if key in AWARD_METRICS else KPIS[key].unit


@dataclass(frozen=True)
class Award:
    """One recognition award.

    Parameters
    ----------
    key : str
        Stable snake_case key, the ``award`` column of recognition tables.
    label_en, label_zh : str
        Display labels; ``{period}`` is replaced by the period length (month, quarter).
    metric : str
        What reps are ranked by: a KPI key or an :data:`AWARD_METRICS` key. The award's
        ``value`` is this number.
    higher_is_better : bool
        Direction of ``metric``.
    tie_break : str
        The second number that decides between reps equal on ``metric`` (then the rep id,
        alphabetically first wins).
    tie_break_higher_is_better : bool
    kpi : str
        The KPI behind the award (``kpi_value`` of recognition tables); its tables are the
        ones the award needs.
    evidence : str
        The count that must reach a minimum (an :data:`AWARD_METRICS` or KPI key).
    minimum : str
        The name of the :func:`~workbench.coaching.recognition.recognition` parameter
        holding that minimum.
    newcomers : {"excluded", "included", "only"}
        Whether reps still ramping up compete (see :data:`NEWCOMER_RULES`).
    rule, rule_zh : str
        Who can win, in words, with ``{min_deals}``-style placeholders for the settings.
    """

    key: str
    label_en: str
    label_zh: str
    metric: str
    higher_is_better: bool
    tie_break: str
    tie_break_higher_is_better: bool
    kpi: str
    evidence: str
    minimum: str
    newcomers: str
    rule: str
    rule_zh: str

    def __post_init__(self):
        check_choice("Award", "newcomers", self.newcomers, NEWCOMER_RULES)
        for name in ("metric", "tie_break", "evidence"):
            key = getattr(self, name)
            if key not in KPIS and key not in AWARD_METRICS:
                raise ValueError(f"Award {self.key!r}: {name} {key!r} is neither a KPI nor in AWARD_METRICS.")
        if self.kpi not in KPIS:
            raise ValueError(f"Award {self.key!r}: kpi {self.kpi!r} is not a KPI.")
        if metric_unit(self.metric) not in AWARD_UNITS:
            raise ValueError(f"Award {self.key!r}: unit of {self.metric!r} is not one of {AWARD_UNITS}.")

    def label(self, lang: str = "en", freq: str = "M") -> str:
        """The label in ``lang`` for an award period of length ``freq`` (``"M"`` or ``"Q"``)."""
        check_lang("Award.label", lang)
        check_choice("Award.label", "freq", freq, ("M", "Q"))
        text = self.label_zh if lang == "zh" else self.label_en
        return text.format(period=_PERIOD_WORDS[lang][freq])

    @property
    def needs(self) -> tuple[str, ...]:
        """Contract tables the award needs (those of its KPI)."""
        return KPIS[self.kpi].needs

    @property
    def unit(self) -> str:
        """The unit of the award's value."""
        return metric_unit(self.metric)

    def rule_text(self, lang: str = "en", **settings) -> str:
        """The rule in words with the settings filled in (``min_deals=5, ramp_months=6, ...``)."""
        check_lang("Award.rule_text", lang)
        return (self.rule_zh if lang == "zh" else self.rule).format(**settings)


_RAMPED = "only reps hired at least {ramp_months} months before the period starts"
_RAMPED_ZH = "仅限在本期开始前至少 {ramp_months} 个月入职的销售"

_AWARD_LIST = [
    Award(
        "rep_of_the_period", "Rep of the {period}", "本{period}最佳销售",
        "quota_attainment", True, "bookings", True, "quota_attainment", "decided_deals", "min_deals", "excluded",
        "At least {min_deals} deals decided (won or lost) in the period and a known bookings target; "
        + _RAMPED + " (newer reps compete for best newcomer).",
        "本期至少 {min_deals} 个已决商机（赢单或输单）且签约额目标已知；" + _RAMPED_ZH + "（新人参评最佳新人）。",
    ),
    Award(
        "best_newcomer", "Best newcomer", "最佳新人",
        "quota_attainment", True, "bookings", True, "quota_attainment", "decided_deals", "min_deals", "only",
        "Reps hired less than {ramp_months} months before the period starts (or during it), judged by "
        "attainment of their own target (a ramped target where the targets table ramps new hires); at "
        "least {min_deals} deals decided in the period and a known bookings target.",
        "在本期开始前不满 {ramp_months} 个月（或本期内）入职的销售，按其自身目标（目标表为新人设置爬坡目标时即爬坡目标）"
        "的完成率评选；本期至少 {min_deals} 个已决商机且签约额目标已知。",
    ),
    Award(
        "most_improved", "Most improved", "进步最快",
        "attainment_improvement", True, "quota_attainment", True, "quota_attainment", "decided_deals", "min_deals",
        "excluded",
        "At least {min_deals} deals decided in the period, a known bookings target, and at least "
        "{min_baseline_periods} of the {baseline_periods} periods before it with known attainment in which "
        "the rep was past ramp-up (ramp-up months are not a baseline); " + _RAMPED + ".",
        "本期至少 {min_deals} 个已决商机且签约额目标已知，并且此前 {baseline_periods} 期中至少 {min_baseline_periods} "
        "期已过爬坡期且完成率已知（爬坡期不作基线）；" + _RAMPED_ZH + "。",
    ),
    Award(
        "fastest_follow_up", "Fastest follow-up", "跟进最快",
        "follow_up_hours_median", False, "touched_within_24h_share", True, "follow_up_hours_median",
        "touched_deals", "min_touched", "included",
        "At least {min_touched} opportunities created in the period with a known first touch; reps still "
        "ramping compete too (follow-up speed does not depend on tenure).",
        "本期至少 {min_touched} 个新建商机有首次跟进记录；爬坡期新人同样参评（跟进速度与司龄无关）。",
    ),
    Award(
        "top_csat", "Top customer satisfaction", "客户满意度最高",
        "csat_shrunk", True, "csat_responses", True, "csat_mean", "csat_responses", "min_responses", "included",
        "At least {min_responses} survey responses in the period; ranked by the mean shrunk toward the "
        "company mean by {csat_weight:g} responses; reps still ramping compete too.",
        "本期至少 {min_responses} 份满意度回复；按以 {csat_weight:g} 份回复的权重向公司均值收缩后的均值排名；爬坡期新人同样参评。",
    ),
]

#: Every award by key, in the order recognition tables list them.
AWARDS: MappingProxyType = MappingProxyType({a.key: a for a in _AWARD_LIST})


def award_label(key: str, lang: str = "en", freq: str = "M") -> str:
    """The display label of award ``key`` for a period of length ``freq``.

    Raises ``ValueError`` for an unknown award key.
    """
    check_choice("award_label", "key", key, AWARDS)
    return AWARDS[key].label(lang, freq)
