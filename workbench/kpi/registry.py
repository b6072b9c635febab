"""The KPI registry: one description of every KPI, read by everything downstream.

Each :class:`KPI` says what a metric key means (English and Chinese label, the formula
in words, its unit and whether a higher value is better) and which tables it needs.
Charts, apps, exports and diagnoses read labels from here rather than spelling them
out again, so a KPI is renamed or re-described in exactly one place.

Examples
--------
>>> from workbench.kpi.registry import KPIS, kpi_label
>>> KPIS["win_rate"].unit
'share'
>>> kpi_label("win_rate"), kpi_label("win_rate", lang="zh")
('Win rate', '赢单率')
>>> kpi_label("stage_conversion", detail="Qualify→Propose")
'Stage conversion (Qualify→Propose)'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from types import MappingProxyType

from workbench.contract import ENTITY_TYPES
from workbench.errors import UnknownKPIError
from workbench.params import check_lang

__all__ = ["KPI", "KPIS", "UNITS", "check_kpis", "kpi_label", "wide_column", "parse_wide_column"]

#: Units a KPI value can be in.
UNITS = ("currency", "share", "ratio", "days", "hours", "count", "score")


@dataclass(frozen=True)
class KPI:
    """Description of one KPI.

    Parameters
    ----------
    key : str
        Stable snake_case metric key, the ``metric`` column of KPI tables.
    label_en, label_zh : str
        Display labels in English and Chinese.
    formula : str
        The definition in words, including which date puts an event in a period and
        what happens when the denominator is zero.
    unit : str
        One of :data:`UNITS`. ``share`` values are fractions in [0, 1]; ``ratio``
        values are unbounded quotients (e.g. growth, coverage).
    higher_is_better : bool
        Whether a higher value is the better one (e.g. ``False`` for cycle days).
    needs : tuple of str
        Contract tables that must be present to compute the KPI (besides ``reps``).
    levels : tuple of str
        Entity levels the KPI is reported for.
    """

    key: str
    label_en: str
    label_zh: str
    formula: str
    unit: str
    higher_is_better: bool
    needs: tuple[str, ...] = ("opportunities",)
    levels: tuple[str, ...] = ENTITY_TYPES

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``"en"`` or ``"zh"``)."""
        check_lang("KPI.label", lang)
        return self.label_zh if lang == "zh" else self.label_en


_PERIOD_NOTE = "Periods are calendar periods (week from Monday, month, quarter) of the event date."

_KPI_LIST = [
    KPI(
        "bookings", "Bookings", "签约额",
        "Sum of amount of won deals, by the period of closed_at. 0 when nothing was won.",
        "currency", True,
    ),
    KPI(
        "bookings_growth_pop", "Bookings growth (period over period)", "签约额环比增长",
        "bookings / bookings of the previous period - 1. Missing when the previous period's "
        "bookings are 0 or the previous period is before the data starts.",
        "ratio", True,
    ),
    KPI(
        "bookings_growth_yoy", "Bookings growth (year over year)", "签约额同比增长",
        "bookings / bookings of the same period one year earlier - 1 (52 weeks earlier for "
        "weekly periods). Missing when that year-earlier bookings are 0 or not in the data.",
        "ratio", True,
    ),
    KPI(
        "bookings_target", "Bookings target", "签约额目标",
        "The bookings target of the period (targets rows with metric 'bookings'), by the rules "
        "of workbench.kpi.targets: a target is spread evenly over the days of its period and a "
        "period gets the sum over its days (where targets of several lengths cover a day, the "
        "shortest counts); a team, region or company without its own target uses the sum of "
        "its reps' targets; missing unless every day of the period (from the entity's first "
        "hire date) has a target.",
        "currency", True, ("opportunities", "targets"),
    ),
    KPI(
        "quota_attainment", "Quota attainment", "配额完成率",
        "bookings / bookings_target of the period. Missing when the target is missing or 0.",
        "share", True, ("opportunities", "targets"),
    ),
    KPI(
        "deals_won", "Deals won", "赢单数",
        "Number of deals with outcome won, by the period of closed_at.",
        "count", True,
    ),
    KPI(
        "win_rate", "Win rate", "赢单率",
        "won / (won + lost) among deals closed in the period (by closed_at). Missing when "
        "no deal was closed.",
        "share", True,
    ),
    KPI(
        "avg_deal_size", "Average deal size", "平均成交金额",
        "bookings / deals won in the period. Missing when no deal was won.",
        "currency", True,
    ),
    KPI(
        "cycle_days_median", "Median sales cycle (days)", "销售周期中位数（天）",
        "Median of (closed_at - created_at) in days over deals won in the period (by "
        "closed_at). Missing when no deal was won.",
        "days", False,
    ),
    KPI(
        "follow_up_hours_median", "Median follow-up time (hours)", "跟进时长中位数（小时）",
        "Median hours from created_at to the first touch, over opportunities created in the "
        "period. The first touch is first_touch_at, else the earliest activity logged on the "
        "opportunity; touches before created_at count as 0 hours. Opportunities never "
        "touched are left out; missing when none was touched.",
        "hours", False,
    ),
    KPI(
        "touched_within_24h_share", "Touched within 24 h", "24小时内跟进占比",
        "Share of opportunities created in the period, among those with a known first touch "
        "(as for follow-up time), whose first touch came within 24 hours of created_at. "
        "Missing when none has a known touch.",
        "share", True,
    ),
    KPI(
        "activities_per_workday", "Activities per working day", "每工作日活动数",
        "Activities in the period (by activity date) / (Monday-Friday days in the period x "
        "active reps). Active reps are the entity's reps hired before the period ends (or "
        "with no hire date), so it is per rep at every level; holidays are not removed. "
        "Missing when the entity has no active rep in the period.",
        "ratio", True, ("activities",),
    ),
    KPI(
        "stage_conversion", "Stage conversion", "阶段转化率",
        "For consecutive open stages A→B (funnel order from the stages config, else inferred "
        "from stage_history) and for the last open stage→won: deals that entered A in the "
        "period (by the first time they entered A) and later reached B or any later stage "
        "(a won deal has passed every stage) / deals that entered A in the period. The "
        "stage pair is in the detail column. Missing when no deal entered A.",
        "share", True, ("opportunities", "stage_history"),
    ),
    KPI(
        "pipeline_created", "Pipeline created", "新增商机金额",
        "Sum of amount of opportunities created in the period (by created_at), whatever "
        "their outcome.",
        "currency", True,
    ),
    KPI(
        "open_pipeline", "Open pipeline", "在途商机金额",
        "Sum of amount of deals open at the period end: created before the end and not "
        "closed before the end (closed_at empty or on/after the end).",
        "currency", True,
    ),
    KPI(
        "pipeline_coverage", "Pipeline coverage", "商机覆盖率",
        "open_pipeline at the period end / bookings_target of the NEXT period. Missing when "
        "the next period's target is missing or 0.",
        "ratio", True, ("opportunities", "targets"),
    ),
    KPI(
        "order_completion_rate", "Order completion rate", "订单完成率",
        "completed / (completed + cancelled) among orders placed in the period (by "
        "ordered_at); pending orders are left out. Missing when none is completed or "
        "cancelled.",
        "share", True, ("orders",),
    ),
    KPI(
        "csat_mean", "CSAT (mean)", "客户满意度均值",
        "Mean survey score (1-5) of surveys answered in the period (by survey date). "
        "Missing when there is no response.",
        "score", True, ("surveys",),
    ),
    KPI(
        "csat_responses", "CSAT responses", "满意度回复数",
        "Number of surveys answered in the period (by survey date).",
        "count", True, ("surveys",),
    ),
    KPI(
        "market_share", "Market share", "市场份额",
        "bookings / market_size of the period, for regions (market rows of that region) and "
        "the company (all regions). A region's size is its row with no product if there is "
        "one, else the sum of its product rows. Not reported for reps and teams, which have "
        "no market of their own. Missing when the market size is unknown or 0.",
        "share", True, ("opportunities", "market"), ("region", "company"),
    ),
    KPI(
        "new_accounts", "New accounts", "新客户数",
        "Accounts whose first won deal in the data closed in the period, credited to the "
        "rep who won that deal (and to that rep's team and region).",
        "count", True,
    ),
]

#: Every KPI by key, in the order KPI tables list them.
KPIS: MappingProxyType = MappingProxyType({k.key: k for k in _KPI_LIST})


def check_kpis(keys) -> list[str]:
    """The metric keys ``keys`` (one key or a list), or :class:`~workbench.errors.UnknownKPIError`.

    Every entry point that takes a KPI key checks it here, so an unknown key reads the
    same everywhere.

    >>> check_kpis("win_rate")
    ['win_rate']
    >>> check_kpis(["bookingz"])
    Traceback (most recent call last):
    ...
    workbench.errors.UnknownKPIError: Unknown KPI 'bookingz' (did you mean 'bookings'?); `workbench kpi --list` lists every KPI.
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    unknown = [k for k in keys if k not in KPIS]
    if unknown:
        hints = [difflib.get_close_matches(str(k), list(KPIS), n=1) for k in unknown]
        named = ", ".join(f"{k!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for k, h in zip(unknown, hints))
        raise UnknownKPIError(f"Unknown KPI {named}; `workbench kpi --list` lists every KPI.")
    return keys


def kpi_label(key: str, lang: str = "en", detail: str = "") -> str:
    """The display label of a metric key, with its detail (stage pair) if any.

    Parameters
    ----------
    key : str
        A key of :data:`KPIS`, or a wide column name such as
        ``stage_conversion[Qualify→Propose]``.
    lang : {"en", "zh"}
    detail : str, optional
        The ``detail`` value of the KPI row, appended in parentheses.

    Examples
    --------
    >>> kpi_label("stage_conversion[Qualify→Propose]", lang="zh")
    '阶段转化率 (Qualify→Propose)'
    """
    metric, wide_detail = parse_wide_column(key)
    detail = detail or wide_detail
    check_kpis(metric)
    label = KPIS[metric].label(lang)
    return f"{label} ({detail})" if detail else label


def wide_column(metric: str, detail: str = "") -> str:
    """The column name of a metric in the wide view (``metric`` or ``metric[detail]``).

    >>> wide_column("stage_conversion", "Qualify→Propose")
    'stage_conversion[Qualify→Propose]'
    """
    return f"{metric}[{detail}]" if detail else metric


def parse_wide_column(column: str) -> tuple[str, str]:
    """Split a wide-view column name into ``(metric, detail)``.

    >>> parse_wide_column("stage_conversion[Qualify→Propose]")
    ('stage_conversion', 'Qualify→Propose')
    >>> parse_wide_column("bookings")
    ('bookings', '')
    """
    if column.endswith("]") and "[" in column:
        metric, _, rest = column.partition("[")
        return metric, rest[:-1]
    return column, ""
