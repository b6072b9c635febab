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

from workbench.formatting import format_value, natural_key
from workbench.kpi.registry import KPIS
from workbench.periods import parse_period

__all__ = ["SCORECARD_METRICS", "scorecard", "scorecard_periods", "format_value"]

#: The KPIs a scorecard shows by default, in display order.
SCORECARD_METRICS = (
    "bookings",
    "bookings_target",
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
        Index: entity ids (named after the entity level) in natural order (``R2``
        before ``R10``); columns: KPI labels; raw float values (``NaN`` where a KPI is
        undefined).
    """
    if lang not in _ENTITY_LABELS:
        raise ValueError(f"The 'lang' parameter of scorecard must be 'en' or 'zh'; got {lang!r} instead.")
    start = _period_start(period)
    rows = kpis[(kpis["period"] == start) & (kpis["detail"].fillna("") == "")]
    present = [m for m in metrics if m in set(rows["metric"])]
    wide = rows.pivot_table(index="entity_id", columns="metric", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(index=sorted(wide.index, key=natural_key), columns=present)
    level = kpis["entity_type"].iloc[0] if len(kpis) else "rep"
    wide.index.name = _ENTITY_LABELS[lang].get(level, level)
    wide.columns = [_label(m, lang) for m in present]
    wide.columns.name = None
    return wide


def scorecard_periods(kpis: pd.DataFrame) -> list[pd.Timestamp]:
    """The periods a scorecard offers, oldest first: from the first period with a closed deal on.

    The list starts at the first period in which any entity of the table closed a deal,
    won or lost (its ``win_rate`` is defined, or its ``bookings`` or ``deals_won`` are
    above zero): the first period with a result to score. Periods before that hold only
    the pipeline and activities of the first deals created, so every result column would
    read 0 or – (in the committed sample, a few deals and activities from 2023-04 come
    before the first deal closed in 2023-11). From there on every period of the table is
    kept, quiet ones included, up to its last. A table with no closed deal at all offers
    every period, so activity-only data can still be looked at.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`workbench.kpi.compute_kpis` for one entity level.

    Returns
    -------
    list of pandas.Timestamp
        Period starts.

    Examples
    --------
    >>> kpis = pd.DataFrame({"entity_type": "rep", "entity_id": "r1",
    ...     "period": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]),
    ...     "metric": "win_rate", "detail": "", "value": [float("nan"), 0.5, float("nan"), 0.0]})
    >>> [p.strftime("%Y-%m") for p in scorecard_periods(kpis)]
    ['2026-02', '2026-03', '2026-04']
    """
    headline = kpis[kpis["detail"].fillna("") == ""]
    closed = headline[
        ((headline["metric"] == "win_rate") & headline["value"].notna())
        | (headline["metric"].isin(["bookings", "deals_won"]) & (headline["value"] > 0))
    ]
    starts = sorted(pd.to_datetime(kpis["period"]).unique())
    if closed.empty:
        return [pd.Timestamp(p) for p in starts]
    first = pd.to_datetime(closed["period"]).min()
    return [pd.Timestamp(p) for p in starts if p >= first]


def _period_start(period) -> pd.Timestamp:
    try:
        return parse_period(period).start
    except ValueError:
        return pd.Timestamp(period)
