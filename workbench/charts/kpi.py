"""Charts of KPI tables: a metric's trend per entity, and attainment by entity."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.kpi.registry import KPIS

__all__ = ["kpi_trend_chart", "kpi_bar_chart"]

_AXIS_FORMAT = {"share": ".0%", "percent": ".0%", "currency": ",.0f", "count": ",.0f"}


def _label(metric: str, lang: str) -> str:
    kpi = KPIS[metric]
    return kpi.label_zh if lang == "zh" else kpi.label_en


def kpi_trend_chart(
    kpis: pd.DataFrame,
    metric: str,
    entities=None,
    *,
    highlight: str | None = None,
    lang: str = "en",
    width: int = 560,
    height: int = 260,
) -> alt.LayerChart:
    """Line chart of one KPI over periods, one line per entity, with the median of all.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Tidy KPI table (``entity_id, period, metric, detail, value``).
    metric : str
        KPI key from the registry.
    entities : list of str, optional
        Entities to draw; all when omitted.
    highlight : str, optional
        An entity drawn bold over the others.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    altair.LayerChart
    """
    rows = kpis[(kpis["metric"] == metric) & (kpis["detail"].fillna("") == "")]
    median = rows.groupby("period", as_index=False)["value"].median()
    if entities is not None:
        rows = rows[rows["entity_id"].isin(list(entities))]
    title = _label(metric, lang)
    fmt = _AXIS_FORMAT.get(KPIS[metric].unit, ",.2f")
    data = rows[["entity_id", "period", "value"]].assign(period=lambda d: pd.to_datetime(d["period"]))
    x = alt.X("period:T", title=None)
    y = alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt))
    opacity = (
        alt.condition(alt.datum.entity_id == highlight, alt.value(1.0), alt.value(0.35))
        if highlight is not None
        else alt.value(0.8)
    )
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color("entity_id:N", title=None, legend=alt.Legend(orient="right")),
            opacity=opacity,
            tooltip=["entity_id:N", alt.Tooltip("period:T", format="%Y-%m"), alt.Tooltip("value:Q", format=fmt)],
        )
    )
    median_line = (
        alt.Chart(median.assign(period=lambda d: pd.to_datetime(d["period"])))
        .mark_line(strokeDash=[6, 4], color="black")
        .encode(x=x, y=y, tooltip=[alt.Tooltip("value:Q", title="median", format=fmt)])
    )
    return (lines + median_line).properties(title=title, width=width, height=height)


def kpi_bar_chart(table: pd.DataFrame, column: str, *, unit: str = "", reference: float | None = None,
                  width: int = 560) -> alt.LayerChart:
    """Horizontal bars of one scorecard column per entity, best first, with an optional reference rule.

    Parameters
    ----------
    table : pandas.DataFrame
        A scorecard (see :func:`workbench.kpi.scorecard.scorecard`).
    column : str
        The column (KPI label) to draw.
    unit : str
        Registry unit of the KPI, for the axis format.
    reference : float, optional
        Draw a vertical rule here (e.g. 1.0 for 100 % attainment).
    """
    entity = table.index.name or "entity"
    data = table[[column]].reset_index().rename(columns={table.index.name or "index": "entity", column: "value"})
    data = data.dropna(subset=["value"])
    fmt = _AXIS_FORMAT.get(unit, ",.2f")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("entity:N", sort="-x", title=entity),
            x=alt.X("value:Q", title=column, axis=alt.Axis(format=fmt)),
            tooltip=["entity:N", alt.Tooltip("value:Q", format=fmt)],
        )
    )
    chart = bars
    if reference is not None:
        chart = bars + alt.Chart(pd.DataFrame({"value": [reference]})).mark_rule(color="firebrick").encode(x="value:Q")
    return chart.properties(width=width, height=alt.Step(14))
