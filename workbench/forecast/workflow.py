"""One call from sales data to entity forecasts with their backtest accuracy attached."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.forecast.hierarchy import hierarchy_tags
from workbench.forecast.hierarchy import reconcile as reconcile_forecasts
from workbench.forecast.metrics import evaluate, summarize
from workbench.forecast.series import rep_groups, sales_series
from workbench.kpi.facts import as_sales_input
from workbench.memo import remember
from workbench.messages import message

__all__ = ["EntityForecast", "forecast_entities", "ACCURACY_COLUMNS"]

#: Columns added to each forecast row: the series' backtest scores of the ``forecast`` column,
#: how many backtest windows they rest on, and a note saying why a score is missing or thin.
ACCURACY_COLUMNS = ["backtest_mase", "backtest_wape", "backtest_bias", "backtest_accuracy", "backtest_coverage",
                    "backtest_windows", "backtest_note", "backtest_note_zh"]


@dataclass(frozen=True)
class EntityForecast:
    """Result of :func:`forecast_entities`.

    Attributes
    ----------
    forecast : DataFrame
        ``entity_type, entity_id, period`` (period start, as in KPI tables), the
        Forecaster columns (``unique_id``, ``ds``, one column per model), and the
        series' backtest accuracy (:data:`ACCURACY_COLUMNS`), with the number of backtest
        windows it rests on and a note when it is missing or thin.
    backtest : DataFrame
        Backtest forecasts with ``cutoff`` and the actual ``y``.
    scores : DataFrame
        Per series and model: MASE, WAPE, bias, coverage, Winkler, accuracy.
    summary : DataFrame
        Mean scores per model (the default ``forecast`` next to each candidate).
    history : DataFrame
        The series that were forecast.
    """

    forecast: pd.DataFrame
    backtest: pd.DataFrame
    scores: pd.DataFrame
    summary: pd.DataFrame
    history: pd.DataFrame


def forecast_entities(data, by: str = "team", freq: str = "M", h: int = 3, *, metric: str = "bookings",
                      models=None, method: str = "combine", reconcile: str | None = None,
                      n_windows: int = 3, intervals=(80, 95), progress: bool = False) -> EntityForecast:
    """Forecast a KPI per entity, backtest it and attach the accuracy to every row.

    Parameters
    ----------
    data : SalesData, path, dict of DataFrames, KPITables or SalesFacts
        The KPI series are computed where the data live (:func:`workbench.connect`).
    by : {"rep", "team", "region", "company", "all"}
    freq : {"M", "Q", "W"}
    h : int
        Periods ahead.
    metric : str
        KPI to forecast (``bookings`` by default).
    models, method :
        Passed to :class:`Forecaster`.
    reconcile : {None, "bottom_up", "ols", "wls_struct", "mint_shrink"}
        Forecast every level and make them add up before keeping ``by``. The
        accuracy columns are those of the base (unreconciled) forecasts.
    n_windows : int
        Backtest windows of ``h`` periods each.
    intervals : sequence of int
        Interval levels; coverage is reported for the first.
    progress : bool
        Show a progress bar (it appears only when the work takes over two seconds).
    """
    data = as_sales_input(data, caller="forecast_entities")
    # the same data and arguments give the same forecast: kept between sessions (workbench.memo)
    return remember(_forecast_entities, data, by=by, freq=freq, h=h, metric=metric, models=models, method=method,
                    reconcile=reconcile, n_windows=n_windows, intervals=intervals,
                    unkeyed={"progress": progress})


def _forecast_entities(data, *, by, freq, h, metric, models, method, reconcile, n_windows, intervals,
                       progress) -> EntityForecast:
    history = sales_series(data, by="all" if reconcile else by, freq=freq, metric=metric)
    groups = rep_groups(data)
    from workbench.forecast.timeseries import Forecaster, backtest_note  # statsforecast: only when forecasting

    forecaster = Forecaster(models=models, method=method, level=list(intervals))
    try:
        backtest = forecaster.backtest(history, h=h, n_windows=n_windows, groups=groups, progress=progress)
    except ValueError:  # too little history for even one window: forecast without a track record
        backtest = pd.DataFrame(columns=["unique_id", "ds", "cutoff", "y", "forecast"])
    forecaster.fit(history, groups=groups)
    fc = forecaster.predict(h)
    if reconcile:
        tags = hierarchy_tags(data.reps)
        fc = reconcile_forecasts(fc, tags, method=reconcile, residuals=forecaster.cv_)
        if by != "all":
            fc = fc[fc["unique_id"].str.startswith(f"{by}:")]
            history = history[history["unique_id"].str.startswith(f"{by}:")]
    backtest = backtest[backtest["unique_id"].isin(fc["unique_id"])]
    scores = evaluate(backtest, history, season_length=forecaster.season_length_, level=int(intervals[0])) \
        if len(backtest) else evaluate(backtest.assign(cutoff=pd.NaT), None)
    summary = summarize(scores) if len(scores) else scores
    acc = scores[scores["model"] == "forecast"].set_index("unique_id")
    out = fc.copy()
    parts = out["unique_id"].str.split(":", n=1)
    out.insert(0, "entity_type", parts.str[0])
    out.insert(1, "entity_id", parts.str[1])
    out.insert(2, "period", out["ds"])  # the period start, as in every table
    for col, src in zip(ACCURACY_COLUMNS, ["mase", "wape", "bias", "accuracy", "coverage"]):
        out[col] = out["unique_id"].map(acc[src]) if len(acc) else float("nan")
    out["backtest_windows"] = (out["unique_id"].map(acc["windows"]) if len(acc) else pd.Series(0, index=out.index)) \
        .fillna(0).astype(int)
    points = history.groupby("unique_id").size()
    for lang, column, note in (("en", "backtest_note", "note"), ("zh", "backtest_note_zh", "note_zh")):
        reasons = {}
        for uid in out["unique_id"].unique():
            windows = int(acc["windows"].get(uid, 0)) if len(acc) else 0
            why = [backtest_note(int(points.get(uid, 0)), windows, h, n_windows, forecaster.min_history, lang)]
            if len(acc) and uid in acc.index:
                why.append(acc.loc[uid, note])
            reasons[uid] = message("pkg.forecast.sep", lang).join(w for w in why if w)
        out[column] = out["unique_id"].map(reasons).fillna("")
    return EntityForecast(out.reset_index(drop=True), backtest, scores, summary, history)

