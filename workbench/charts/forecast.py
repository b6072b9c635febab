"""Forecast charts: fan chart, backtest accuracy over cutoffs, win-probability calibration.

Every title, axis, legend and tooltip is in English or Chinese (``lang``), from
:mod:`workbench.messages`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.messages import MESSAGES, message
from workbench.params import check_lang

__all__ = ["forecast_fan_chart", "backtest_accuracy_chart", "calibration_chart"]


def forecast_fan_chart(history: pd.DataFrame, forecast: pd.DataFrame, unique_id: str | None = None, *,
                       levels=(80, 95), column: str = "forecast", id_col: str = "unique_id",
                       time_col: str = "ds", target_col: str = "y", title: str | None = None,
                       lang: str = "en") -> alt.LayerChart:
    """Actuals as a line, the forecast as a dashed line, intervals as nested bands.

    Parameters
    ----------
    history : DataFrame
        Actuals in long format (``unique_id, ds, y``).
    forecast : DataFrame
        :meth:`Forecaster.predict` output (``forecast`` and ``forecast-lo-80`` ... columns).
    unique_id : str, optional
        The series to draw; by default the first in ``forecast``.
    title : str, optional
        The chart title (default: "<series>: forecast with intervals" in ``lang``).
    lang : {"en", "zh"}
        Language of the titles, the legend (actual / forecast) and the tooltips.

    Examples
    --------
    >>> import pandas as pd
    >>> hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2026-01-01", periods=3, freq="MS"), "y": [1., 2., 3.]})
    >>> fc = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2026-04-01", periods=2, freq="MS"),
    ...                    "forecast": [3., 3.], "forecast-lo-80": [2., 1.], "forecast-hi-80": [4., 5.]})
    >>> spec = forecast_fan_chart(hist, fc, levels=[80]).to_dict()
    >>> len(spec["layer"])
    3
    """
    check_lang("forecast_fan_chart", lang)
    t = _words(lang, "period", "value", "interval", "series", "actual", "forecast", "low", "high")
    uid = unique_id if unique_id is not None else forecast[id_col].iloc[0]
    h = history[history[id_col] == uid]
    f = forecast[forecast[id_col] == uid]
    actual = pd.DataFrame({"ds": h[time_col].to_numpy(), "value": h[target_col].to_numpy(), "series": t["actual"]})
    point = pd.DataFrame({"ds": f[time_col].to_numpy(), "value": f[column].to_numpy(), "series": t["forecast"]})
    bands = pd.concat([pd.DataFrame({"ds": f[time_col].to_numpy(), "lo": f[f"{column}-lo-{lv}"].to_numpy(),
                                     "hi": f[f"{column}-hi-{lv}"].to_numpy(), "interval": f"{lv}%"})
                       for lv in sorted(levels, reverse=True)], ignore_index=True)
    x = alt.X("ds:T", title=t["period"])
    when = alt.Tooltip("ds:T", title=t["period"])
    band = alt.Chart(bands).mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("lo:Q", title=t["value"]), y2="hi:Q",
        color=alt.Color("interval:N", scale=alt.Scale(scheme="blues"), title=t["interval"]),
        tooltip=[when, alt.Tooltip("interval:N", title=t["interval"]),
                 alt.Tooltip("lo:Q", title=t["low"], format=",.0f"), alt.Tooltip("hi:Q", title=t["high"], format=",.0f")])
    lines = alt.Chart(pd.concat([actual, point], ignore_index=True)).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=t["value"]),
        strokeDash=alt.StrokeDash("series:N", title=None, sort=[t["actual"], t["forecast"]]),
        tooltip=[when, alt.Tooltip("series:N", title=t["series"]), alt.Tooltip("value:Q", title=t["value"], format=",.0f")])
    rule = alt.Chart(pd.DataFrame({"ds": [f[time_col].min()]})).mark_rule(color="gray", strokeDash=[2, 2]).encode(x=x)
    heading = title or message("chart.forecast.title", lang, entity=uid)
    return alt.layer(band, lines, rule).properties(title=heading, width=520, height=260)


def _words(lang: str, *names: str, section: str = "forecast") -> dict[str, str]:
    """The chart words ``chart.<section>.<name>`` in ``lang``, by name."""
    return {name: message(f"chart.{section}.{name}", lang) for name in names}


def _metric_label(metric: str, lang: str) -> str:
    """A backtest metric's name in ``lang`` (an unknown metric keeps its own name)."""
    key = f"chart.backtest.metric.{metric}"
    return message(key, lang) if key in MESSAGES else metric


def backtest_accuracy_chart(by_cutoff: pd.DataFrame, metric: str = "accuracy", models=None,
                            lang: str = "en") -> alt.Chart:
    """One line per model: a backtest metric at each cutoff.

    ``by_cutoff`` comes from :func:`workbench.forecast.metrics.accuracy_by_cutoff`; ``lang``
    (``"en"`` or ``"zh"``) is the language of the title, axes and tooltips.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"cutoff": pd.to_datetime(["2026-01-01", "2026-02-01"]), "model": "forecast",
    ...                   "wape": [0.2, 0.3], "bias": [0.0, 0.1], "accuracy": [0.8, 0.7]})
    >>> backtest_accuracy_chart(d).to_dict()["mark"]["type"]
    'line'
    """
    check_lang("backtest_accuracy_chart", lang)
    t = _words(lang, "cutoff", "model", section="backtest")
    name = _metric_label(metric, lang)
    data = by_cutoff if models is None else by_cutoff[by_cutoff["model"].isin(models)]
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("cutoff:T", title=t["cutoff"]),
        y=alt.Y(f"{metric}:Q", title=name),
        color=alt.Color("model:N", title=t["model"]),
        tooltip=[alt.Tooltip("cutoff:T", title=t["cutoff"]), alt.Tooltip("model:N", title=t["model"]),
                 alt.Tooltip(f"{metric}:Q", title=name, format=".3f")],
    ).properties(title=message("chart.backtest.title", lang, metric=name), width=520, height=240)


def calibration_chart(table: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Observed win rate against predicted probability, with the diagonal of perfect calibration.

    ``table`` is :attr:`WinModel.calibration_table_` (``mean_predicted, observed, n``);
    ``lang`` (``"en"`` or ``"zh"``) is the language of the title, axes and tooltips.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"bin": ["0.0-0.5", "0.5-1.0"], "n": [10, 5], "mean_predicted": [0.2, 0.7],
    ...                   "observed": [0.25, 0.6]})
    >>> [layer["mark"]["type"] for layer in calibration_chart(t).to_dict()["layer"]]
    ['line', 'point']
    """
    check_lang("calibration_chart", lang)
    t = _words(lang, "title", "predicted", "observed", "snapshots", "bin", section="calibration")
    diag = alt.Chart(pd.DataFrame({"p": [0.0, 1.0]})).mark_line(color="gray", strokeDash=[4, 4]).encode(
        x=alt.X("p:Q", title=t["predicted"], scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("p:Q", title=t["observed"], scale=alt.Scale(domain=[0, 1])))
    pts = alt.Chart(table).mark_point(filled=True).encode(
        x=alt.X("mean_predicted:Q", title=t["predicted"]), y=alt.Y("observed:Q", title=t["observed"]),
        size=alt.Size("n:Q", title=t["snapshots"]),
        tooltip=[alt.Tooltip("bin:N", title=t["bin"]), alt.Tooltip("n:Q", title=t["snapshots"]),
                 alt.Tooltip("mean_predicted:Q", title=t["predicted"], format=".2f"),
                 alt.Tooltip("observed:Q", title=t["observed"], format=".2f")])
    return alt.layer(diag, pts).properties(title=t["title"], width=320, height=320)
