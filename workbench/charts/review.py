"""The trend chart of a periodic review: a rep's months against target and against the team.

Two panels drawn from ``RepReview.trend`` (:mod:`workbench.coaching.review`): the rep's
monthly bookings (bars) against the bookings target and the team median, and a second
KPI (the one behind the rep's top coaching skill) against the team median. Labels come
from the KPI registry; the few other words are English or Chinese.

The chart's data is one table (:func:`review_trend_data`), so a renderer drawing many
reps builds the chart once and swaps the rows in its specification (:func:`with_data`)
instead of building it again for every rep.

Examples
--------
>>> import pandas as pd
>>> trend = pd.DataFrame({"rep_id": "R1", "team": "East",
...     "period": pd.to_datetime(["2026-01-01", "2026-02-01"] * 3),
...     "metric": ["bookings"] * 2 + ["bookings_target"] * 2 + ["win_rate"] * 2,
...     "value": [10.0, 20.0, 15.0, 15.0, 0.2, 0.3], "team_median": [12.0, 14.0, 15.0, 15.0, 0.25, 0.25]})
>>> spec = review_trend_chart(trend, "win_rate").to_dict()
>>> [panel["title"] for panel in spec["vconcat"]]
['Bookings by month, against target and the team', 'Win rate by month, against the team']
>>> len(with_data(spec, review_trend_data(trend, "win_rate"))["datasets"])
1
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from workbench.kpi.registry import KPIS
from workbench.messages import MESSAGES
from workbench.params import check_lang
from workbench.periods import period_label

__all__ = ["review_trend_chart", "review_trend_data", "with_data", "chart_rows"]


def _text(lang: str) -> dict[str, str]:
    """The chart words in ``lang`` (``chart.review.*`` of :mod:`workbench.messages`), by name."""
    return {name: MESSAGES[f"chart.review.{name}"][lang] for name in ("rep", "team", "bookings", "kpi")}


#: Axis number format per KPI unit (d3 format codes).
_AXIS_FORMAT = {"currency": "~s", "share": ".0%", "days": ",.0f", "hours": ",.0f", "count": ",.0f",
                "ratio": ".2~f", "score": ".1f"}
_COLORS = {"rep": "#4c78a8", "target": "#e45756", "team": "#7f7f7f"}
#: (panel, KPI drawn (None: the second panel's), kind of line, 0 = the value / 1 = the team median)
_LAYOUT = (("bookings", "bookings", "rep", 0), ("bookings", "bookings_target", "target", 0),
           ("bookings", "bookings", "team", 1), ("kpi", None, "rep", 0), ("kpi", None, "team", 1))


def _series(lang: str, metric: str) -> dict:
    t = _text(lang)
    return {"bookings": {"rep": KPIS["bookings"].label(lang), "target": KPIS["bookings_target"].label(lang),
                         "team": t["team"]},
            "kpi": {"rep": t["rep"], "team": t["team"]}}


def review_trend_data(trend: pd.DataFrame, metric: str, lang: str = "en", months=None) -> pd.DataFrame:
    """The chart's rows: ``month`` (``2026-03``), ``panel``, ``kind`` (rep / target / team), ``series``, ``value``.

    Parameters
    ----------
    trend : DataFrame
        ``RepReview.trend``: ``period, metric, value, team_median`` of one rep.
    metric : str
        The KPI of the second panel.
    lang : {"en", "zh"}
    months : sequence of str, optional
        Every month to show (missing ones get empty values); default: those in ``trend``.
    """
    check_lang("review_trend_data", lang)
    labels = _series(lang, metric)
    label_of = {p: period_label(p, "M") for p in trend["period"].unique()}
    cells = {(m, label_of[p]): (v, t) for m, p, v, t in
             zip(trend["metric"], trend["period"], trend["value"], trend["team_median"])}
    months = list(months) if months is not None else sorted(label_of.values())
    rows = []
    for panel, source, kind, column in _LAYOUT:
        source = metric if source is None else source
        for month in months:
            cell = cells.get((source, month))
            value = float("nan") if cell is None else float(cell[column])
            rows.append((month, panel, kind, labels[panel][kind], value))
    return pd.DataFrame(rows, columns=["month", "panel", "kind", "series", "value"])


def _panel(panel: str, title: str, labels: dict, months: list[str], fmt: str, width: int, height: int,
           month_labels: bool):
    # Few texts: drawing a text is what costs when the chart is rendered to SVG (vl-convert)
    # for every rep, so the top panel leaves the months to the bottom one, which labels
    # every other month (ending with the last), and the value axes have few ticks.
    shown = months[::-1][::2][::-1] if len(months) > 8 else months
    axis = (alt.Axis(values=shown, labelAngle=0, labelOverlap=False) if month_labels
            else alt.Axis(labels=False, ticks=True))
    x = alt.X("month:O", sort=months, title=None, axis=axis)
    y = alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt, tickCount=4))
    kinds = list(labels)
    color = alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                      scale=alt.Scale(domain=[labels[k] for k in kinds], range=[_COLORS[k] for k in kinds]))
    base = alt.Chart().encode(x=x, y=y, color=color).transform_filter(alt.datum.panel == panel)
    layers = []
    for kind in kinds:
        only = base.transform_filter(alt.datum.kind == kind)
        if kind == "rep" and panel == "bookings":
            layers.append(only.mark_bar(opacity=0.85).encode(
                y=alt.Y("value:Q", title=None, stack=None, axis=alt.Axis(format=fmt, tickCount=4))))
        elif kind == "team":
            layers.append(only.mark_line(strokeDash=[5, 3], strokeWidth=1.5))
        else:
            layers.append(only.mark_line(point=True, strokeWidth=2))
    return alt.layer(*layers, title=title).properties(width=width, height=height)


def review_trend_chart(trend: pd.DataFrame, metric: str, lang: str = "en", months=None, *, width: int = 520,
                       height: int = 160) -> alt.VConcatChart:
    """The rep's monthly bookings against target and the team median, over a second KPI against the team.

    Parameters
    ----------
    trend : DataFrame
        ``RepReview.trend`` (``period, metric, value, team_median``).
    metric : str
        The second panel's KPI (``RepReview.trend_metric``).
    lang : {"en", "zh"}
    months : sequence of str, optional
        The months on the axis (``PeriodicReview.months``).
    """
    check_lang("review_trend_chart", lang)
    data = review_trend_data(trend, metric, lang, months)
    months = list(dict.fromkeys(data["month"]))
    labels = _series(lang, metric)
    t = _text(lang)
    bookings_title = t["bookings"].format(bookings=KPIS["bookings"].label(lang))
    top = _panel("bookings", bookings_title, labels["bookings"], months, _AXIS_FORMAT["currency"], width, height,
                 month_labels=False)
    bottom = _panel("kpi", t["kpi"].format(kpi=KPIS[metric].label(lang)), labels["kpi"], months,
                    _AXIS_FORMAT.get(KPIS[metric].unit, ",.2f"), width, height, month_labels=True)
    return (alt.vconcat(top, bottom, data=data)
            .resolve_scale(color="independent").resolve_legend(color="independent")
            .configure_view(stroke=None))


def chart_rows(data: pd.DataFrame) -> list[dict]:
    """The rows of ``data`` as a chart specification holds them (missing values as null)."""
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in data.to_dict("records")]


def with_data(spec: dict, data: pd.DataFrame) -> dict:
    """A chart specification (``chart.to_dict()``) drawing ``data`` instead of its own rows.

    The specification must hold its rows as one named dataset, as Altair writes a chart
    whose data is given once at the top (:func:`review_trend_chart`).
    """
    return {**spec, "datasets": {spec["data"]["name"]: chart_rows(data)}}
