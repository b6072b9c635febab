"""Forecast charts: fan chart, backtest accuracy over cutoffs, win-probability calibration."""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["forecast_fan_chart", "backtest_accuracy_chart", "calibration_chart"]


def forecast_fan_chart(history: pd.DataFrame, forecast: pd.DataFrame, unique_id: str | None = None, *,
                       levels=(80, 95), column: str = "forecast", id_col: str = "unique_id",
                       time_col: str = "ds", target_col: str = "y", title: str | None = None) -> alt.LayerChart:
    """Actuals as a line, the forecast as a dashed line, intervals as nested bands.

    Parameters
    ----------
    history : DataFrame
        Actuals in long format (``unique_id, ds, y``).
    forecast : DataFrame
        :meth:`Forecaster.predict` output (``forecast`` and ``forecast-lo-80`` ... columns).
    unique_id : str, optional
        The series to draw; by default the first in ``forecast``.

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
    uid = unique_id if unique_id is not None else forecast[id_col].iloc[0]
    h = history[history[id_col] == uid]
    f = forecast[forecast[id_col] == uid]
    actual = pd.DataFrame({"ds": h[time_col].to_numpy(), "value": h[target_col].to_numpy(), "series": "actual"})
    point = pd.DataFrame({"ds": f[time_col].to_numpy(), "value": f[column].to_numpy(), "series": "forecast"})
    bands = pd.concat([pd.DataFrame({"ds": f[time_col].to_numpy(), "lo": f[f"{column}-lo-{lv}"].to_numpy(),
                                     "hi": f[f"{column}-hi-{lv}"].to_numpy(), "interval": f"{lv}%"})
                       for lv in sorted(levels, reverse=True)], ignore_index=True)
    x = alt.X("ds:T", title="period")
    band = alt.Chart(bands).mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("lo:Q", title=None), y2="hi:Q",
        color=alt.Color("interval:N", scale=alt.Scale(scheme="blues"), title="interval"),
        tooltip=["ds:T", "interval:N", alt.Tooltip("lo:Q", format=",.0f"), alt.Tooltip("hi:Q", format=",.0f")])
    lines = alt.Chart(pd.concat([actual, point], ignore_index=True)).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title="value"),
        strokeDash=alt.StrokeDash("series:N", title=None),
        tooltip=["ds:T", "series:N", alt.Tooltip("value:Q", format=",.0f")])
    rule = alt.Chart(pd.DataFrame({"ds": [f[time_col].min()]})).mark_rule(color="gray", strokeDash=[2, 2]).encode(x=x)
    return alt.layer(band, lines, rule).properties(title=title or f"{uid}: forecast with intervals",
                                                   width=520, height=260)


def backtest_accuracy_chart(by_cutoff: pd.DataFrame, metric: str = "accuracy", models=None) -> alt.Chart:
    """One line per model: a backtest metric at each cutoff.

    ``by_cutoff`` comes from :func:`workbench.forecast.metrics.accuracy_by_cutoff`.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"cutoff": pd.to_datetime(["2026-01-01", "2026-02-01"]), "model": "forecast",
    ...                   "wape": [0.2, 0.3], "bias": [0.0, 0.1], "accuracy": [0.8, 0.7]})
    >>> backtest_accuracy_chart(d).to_dict()["mark"]["type"]
    'line'
    """
    data = by_cutoff if models is None else by_cutoff[by_cutoff["model"].isin(models)]
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("cutoff:T", title="backtest cutoff"),
        y=alt.Y(f"{metric}:Q", title=metric),
        color=alt.Color("model:N"),
        tooltip=["cutoff:T", "model:N", alt.Tooltip(f"{metric}:Q", format=".3f")],
    ).properties(title=f"Backtest {metric} by cutoff", width=520, height=240)


def calibration_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Observed win rate against predicted probability, with the diagonal of perfect calibration.

    ``table`` is :attr:`WinModel.calibration_table_` (``mean_predicted, observed, n``).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"bin": ["0.0-0.5", "0.5-1.0"], "n": [10, 5], "mean_predicted": [0.2, 0.7],
    ...                   "observed": [0.25, 0.6]})
    >>> [layer["mark"]["type"] for layer in calibration_chart(t).to_dict()["layer"]]
    ['line', 'point']
    """
    diag = alt.Chart(pd.DataFrame({"p": [0.0, 1.0]})).mark_line(color="gray", strokeDash=[4, 4]).encode(
        x=alt.X("p:Q", title="predicted P(won)", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("p:Q", title="observed win rate", scale=alt.Scale(domain=[0, 1])))
    pts = alt.Chart(table).mark_point(filled=True).encode(
        x="mean_predicted:Q", y="observed:Q", size=alt.Size("n:Q", title="snapshots"),
        tooltip=["bin:N", "n:Q", alt.Tooltip("mean_predicted:Q", format=".2f"),
                 alt.Tooltip("observed:Q", format=".2f")])
    return alt.layer(diag, pts).properties(title="Win-probability calibration (hold-out)", width=320, height=320)
