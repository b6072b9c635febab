"""Backtest of target proposals: were past targets proposed at probability ``p`` met in ``p`` of cases?

The forecaster is refitted before each of the last ``periods + warmup`` periods on the
periods before it only (:meth:`workbench.forecast.Forecaster.backtest`, one period ahead). The
target of a period is proposed as :func:`workbench.targets.propose_targets` does: the forecast
quantile whose level is recalibrated (:class:`~workbench.targets.calibration.QuantileCalibration`)
on the track record of the earlier windows only — never on the period itself or later. The
first ``warmup`` windows only build that track record. The actual comes from the KPI engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.forecast.series import rep_groups, sales_series
from workbench.forecast.timeseries import Forecaster
from workbench.io.load import as_sales_data
from workbench.params import check_choice
from workbench.targets.calibration import QUANTILE_LEVELS, QuantileCalibration, pit_values
from workbench.targets.quantiles import check_probability, quantile_at

__all__ = ["backtest_proposals", "backtest_summary"]


def backtest_proposals(data, p=0.8, periods: int = 6, by: str = "rep", freq: str = "M", metric: str = "bookings",
                       *, warmup: int = 6, prior_points: float = 30.0, models=None) -> pd.DataFrame:
    """Targets proposed at probability ``p`` for each of the last ``periods`` periods, and whether they were met.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    p : float or sequence of float
        Attainment probabilities (one backtest serves them all).
    periods : int
        Periods evaluated (the last complete ones).
    by : {"rep", "team", "region"}
    freq : {"M", "Q"}
    metric : str
        KPI key.
    warmup : int
        Earlier windows that only build the calibration's track record.
    prior_points : float
        Shrinkage of the calibration toward the nominal level (see ``QuantileCalibration``).

    Returns
    -------
    DataFrame
        ``probability, entity_type, entity_id, period, cutoff, target, actual, met``.
    """
    probabilities = [check_probability("backtest_proposals", v) for v in np.atleast_1d(p).tolist()]
    check_choice("backtest_proposals", "by", by, ["rep", "team", "region"])
    data = as_sales_data(data, caller="backtest_proposals")
    history = sales_series(data, by=by, freq=freq, metric=metric)
    bt = Forecaster(models=models, level=list(QUANTILE_LEVELS)).backtest(
        history, h=1, n_windows=periods + warmup, step_size=1, groups=rep_groups(data) if by == "rep" else None)
    bt = bt.assign(pit=pit_values(bt))
    evaluated = sorted(bt["ds"].unique())[-periods:]
    parts = bt["unique_id"].str.split(":", n=1)
    bt = bt.assign(entity_type=parts.str[0], entity_id=parts.str[1])
    frames = []
    for period in evaluated:
        rows = bt[bt["ds"] == period]
        calibration = QuantileCalibration(prior_points=prior_points).fit(bt.loc[bt["ds"] < period, "pit"])
        for prob in probabilities:
            target = quantile_at(rows, calibration.level_for(prob))
            frames.append(pd.DataFrame({
                "probability": prob, "entity_type": rows["entity_type"].to_numpy(),
                "entity_id": rows["entity_id"].to_numpy(), "period": rows["ds"].to_numpy(),
                "cutoff": rows["cutoff"].to_numpy(), "target": target, "actual": rows["y"].to_numpy(dtype=float)}))
    out = pd.concat(frames, ignore_index=True)
    out["met"] = out["actual"] >= out["target"]
    return out.sort_values(["probability", "entity_id", "period"]).reset_index(drop=True)


def backtest_summary(backtest: pd.DataFrame) -> pd.DataFrame:
    """Share of targets met per probability: ``probability, targets, met_share, periods, gap`` (met − p)."""
    out = backtest.groupby("probability").agg(targets=("met", "size"), met_share=("met", "mean"),
                                              periods=("period", "nunique")).reset_index()
    out["gap"] = out["met_share"] - out["probability"]
    return out
