"""Charts of KPI tables: a metric's trend per entity, and attainment by entity."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from workbench.formatting import natural_key
from workbench.kpi.registry import KPIS
from workbench.messages import message
from workbench.params import check_lang
from workbench.periods import infer_freq, normalize_freq

__all__ = ["kpi_trend_chart", "kpi_bar_chart", "PERIOD_FORMATS"]

_AXIS_FORMAT = {"share": ".0%", "percent": ".0%", "currency": ",.0f", "count": ",.0f"}

#: How a period start is written on an axis, as :func:`workbench.periods.period_label`
#: writes it (``2026-W05``, ``2026-03``, ``2026-Q1``, ``2026``), in d3 time-format codes.
PERIOD_FORMATS = {"W": "%G-W%V", "M": "%Y-%m", "Q": "%Y-Q%q", "Y": "%Y"}

#: Steps tried per frequency (every n-th period gets a label), smallest first, until the labels fit.
_TICK_STEPS = {"W": (1, 2, 4, 13, 26, 52), "M": (1, 2, 3, 6, 12), "Q": (1, 2, 4), "Y": (1, 2, 5, 10)}


def _period_ticks(periods: pd.Series, freq: str, width: int) -> list[alt.DateTime]:
    """Tick values at period starts: every period if their labels fit, else every n-th, aligned
    on the year (months Jan / Apr / Jul / Oct, quarters Q1 / Q3, weeks W01 / W14 / ...)."""
    starts = sorted(pd.to_datetime(periods).dropna().unique())
    fits = max(2, width // 60)  # a label like 2026-Q1 needs about 60 px
    step = next((k for k in _TICK_STEPS[freq] if math.ceil(len(starts) / k) <= fits), _TICK_STEPS[freq][-1])

    def keep(ts: pd.Timestamp) -> bool:
        if freq == "M":
            return (ts.month - 1) % step == 0
        if freq == "Q":
            return ((ts.month - 1) // 3) % step == 0
        if freq == "Y":
            return ts.year % step == 0
        return (ts.isocalendar()[1] - 1) % step == 0  # weeks: W01, W14, W27, W40 for a quarter's step

    chosen = [pd.Timestamp(ts) for ts in starts if keep(pd.Timestamp(ts))]
    if not chosen and starts:
        chosen = [pd.Timestamp(starts[0])]
    return [alt.DateTime(year=ts.year, month=ts.month, date=ts.day) for ts in chosen]


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
    freq: str | None = None,
    entity_label: str | None = None,
    width: int = 560,
    height: int = 260,
) -> alt.LayerChart:
    """Line chart of one KPI over periods, one line per entity, with the median of all.

    The time axis is labelled with the periods as the rest of the workbench writes them
    (``2026-03``, ``2026-Q1``, ``2026-W05``), so every label carries its year.

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
        Language of the title, axes and tooltips.
    freq : {"W", "M", "Q", "Y"}, optional
        Period frequency of ``kpis``; read from the gaps between periods when omitted.
    entity_label : str, optional
        What the entities are, in ``lang`` (``Rep``, ``团队``), for the tooltips; default
        a generic "Entity".

    Returns
    -------
    altair.LayerChart
    """
    check_lang("kpi_trend_chart", lang)
    entity_label = entity_label or message("chart.kpi.entity", lang)
    rows = kpis[(kpis["metric"] == metric) & (kpis["detail"].fillna("") == "")]
    median = rows.groupby("period", as_index=False)["value"].median()
    if entities is not None:
        rows = rows[rows["entity_id"].isin(list(entities))]
    title = _label(metric, lang)
    fmt = _AXIS_FORMAT.get(KPIS[metric].unit, ",.2f")
    data = rows[["entity_id", "period", "value"]].assign(period=lambda d: pd.to_datetime(d["period"]))
    freq = normalize_freq(freq) if freq else (infer_freq(median["period"]) or "M")
    time_format = PERIOD_FORMATS[freq]
    x = alt.X("period:T", title=None,
              axis=alt.Axis(format=time_format, values=_period_ticks(median["period"], freq, width), labelAngle=0))
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
            color=alt.Color("entity_id:N", title=None, legend=alt.Legend(orient="right"),
                            sort=sorted(data["entity_id"].unique(), key=natural_key)),
            opacity=opacity,
            tooltip=[alt.Tooltip("entity_id:N", title=entity_label),
                     alt.Tooltip("period:T", title=message("chart.kpi.period", lang), format=time_format),
                     alt.Tooltip("value:Q", title=title, format=fmt)],
        )
    )
    median_line = (
        alt.Chart(median.assign(period=lambda d: pd.to_datetime(d["period"])))
        .mark_line(strokeDash=[6, 4], color="black")
        .encode(x=x, y=y, tooltip=[alt.Tooltip("period:T", title=message("chart.kpi.period", lang), format=time_format),
                                   alt.Tooltip("value:Q", title=message("chart.kpi.median", lang), format=fmt)])
    )
    return (lines + median_line).properties(title=title, width=width, height=height)


def kpi_bar_chart(table: pd.DataFrame, column: str, *, unit: str = "", reference: float | None = None,
                  width: int = 560) -> alt.LayerChart:
    """Horizontal bars of one scorecard column per entity, best first, with an optional reference rule.

    Every word on it comes from ``table`` (its index name and the column, a KPI label in the
    scorecard's language), so it needs no language of its own.

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
    entity = table.index.name or message("chart.kpi.entity", "en")
    data = table[[column]].reset_index().rename(columns={table.index.name or "index": "entity", column: "value"})
    data = data.dropna(subset=["value"])
    fmt = _AXIS_FORMAT.get(unit, ",.2f")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("entity:N", sort="-x", title=entity),
            x=alt.X("value:Q", title=column, axis=alt.Axis(format=fmt)),
            tooltip=[alt.Tooltip("entity:N", title=entity), alt.Tooltip("value:Q", title=column, format=fmt)],
        )
    )
    chart = bars
    if reference is not None:
        rule = alt.Chart(pd.DataFrame({"value": [reference]})).mark_rule(color="firebrick")
        chart = bars + rule.encode(x=alt.X("value:Q", title=column))
    return chart.properties(width=width, height=alt.Step(14))
