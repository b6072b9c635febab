"""Scorecards: one period's KPIs as a table with one row per entity, labelled from the registry.

Examples
--------
>>> import pandas as pd
>>> from workbench.kpi.scorecard import scorecard
>>> kpis = pd.DataFrame({
...     "entity_type": "rep", "entity_id": ["r1", "r1", "r2", "r2"],
...     "period": pd.Timestamp("2026-03-01"), "metric": ["bookings", "win_rate"] * 2,
...     "detail": "", "value": [1000.0, 0.5, 250.0, float("nan")]})
>>> scorecard(kpis, "2026-03", metrics=["bookings", "win_rate"])
          Bookings  Win rate
Rep
r1          1000.0       0.5
r2           250.0       NaN
"""

from __future__ import annotations

import pandas as pd

from workbench.formatting import format_value
from workbench.kpi.registry import KPIS
from workbench.periods import parse_period

__all__ = ["SCORECARD_METRICS", "scorecard", "format_value"]

#: The KPIs a scorecard shows by default, in display order.
SCORECARD_METRICS = (
    "bookings",
    "quota_attainment",
    "deals_won",
    "win_rate",
    "avg_deal_size",
    "cycle_days_median",
    "follow_up_hours_median",
    "activities_per_workday",
    "pipeline_coverage",
    "csat_mean",
)

_ENTITY_LABELS = {
    "en": {"rep": "Rep", "team": "Team", "region": "Region", "company": "Company"},
    "zh": {"rep": "销售", "team": "团队", "region": "区域", "company": "公司"},
}


def _label(key: str, lang: str) -> str:
    kpi = KPIS[key]
    return kpi.label_zh if lang == "zh" else kpi.label_en


def scorecard(kpis: pd.DataFrame, period, metrics=SCORECARD_METRICS, lang: str = "en") -> pd.DataFrame:
    """Pivot one period of a tidy KPI table into a labelled entity × KPI table.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`workbench.kpi.compute_kpis` for one entity level.
    period : str or date-like
        The period to show (``2026-03``, ``2026-Q1`` or its start date).
    metrics : sequence of str
        KPI keys, in column order; keys absent from ``kpis`` are left out.
    lang : {"en", "zh"}
        Language of the column labels.

    Returns
    -------
    pandas.DataFrame
        Index: entity ids (named after the entity level); columns: KPI labels; raw
        float values (``NaN`` where a KPI is undefined).
    """
    if lang not in _ENTITY_LABELS:
        raise ValueError(f"The 'lang' parameter of scorecard must be 'en' or 'zh'; got {lang!r} instead.")
    start = _period_start(period)
    rows = kpis[(kpis["period"] == start) & (kpis["detail"].fillna("") == "")]
    present = [m for m in metrics if m in set(rows["metric"])]
    wide = rows.pivot_table(index="entity_id", columns="metric", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=present)
    level = kpis["entity_type"].iloc[0] if len(kpis) else "rep"
    wide.index.name = _ENTITY_LABELS[lang].get(level, level)
    wide.columns = [_label(m, lang) for m in present]
    wide.columns.name = None
    return wide


def _period_start(period) -> pd.Timestamp:
    try:
        return parse_period(period).start
    except ValueError:
        return pd.Timestamp(period)
