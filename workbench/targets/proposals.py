"""Target proposals per rep, team or region from the forecast distribution at a chance of attainment.

The target of an entity for a coming period at attainment probability ``p`` is the ``1 - p``
quantile of its :class:`~workbench.forecast.Forecaster` forecast (fitted only on complete
periods before the target period; intervals calibrated on validation errors), so that
``P(actual >= target) = p``. Because sales are skewed, the quantile level is recalibrated on
the forecast's own one-period-ahead track record (:mod:`workbench.targets.calibration`). Reps hired so recently that they are still ramping up
(in their first ``ramp_months`` at the target period) get the ramp share of their month since hire (:mod:`workbench.targets.ramp`) times
the median target of the tenured reps. With a company target, the total is allocated in
proportion to the entities' potential (their median forecast) instead, and each part's
attainment probability is read off its own forecast. Every target carries its SMART check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.forecast.series import rep_groups, sales_series
from workbench.forecast.timeseries import Forecaster
from workbench.kpi.facts import as_sales_input
from workbench.kpi.registry import KPIS, check_kpis
from workbench.kpi.targets import ADDITIVE_METRICS, period_targets
from workbench.messages import message
from workbench.params import check_choice
from workbench.periods import parse_period, period_label
from workbench.targets.allocation import allocate
from workbench.targets.calibration import QUANTILE_LEVELS, QuantileCalibration, pit_values
from workbench.targets.quantiles import attainment_probability, check_probability, quantile_at
from workbench.targets.ramp import months_since_hire, ramp_curve
from workbench.targets.smart import smart_check

__all__ = ["propose_targets", "PROPOSAL_COLUMNS", "forecast_distribution"]

#: Columns of :func:`propose_targets`, in order.
PROPOSAL_COLUMNS = [
    "entity_type", "entity_id", "period", "metric", "target", "attainment_probability", "basis",
    "forecast", "forecast-lo-80", "forecast-hi-80", "history_periods", "note", "note_zh",
    "existing_target", "existing_attainment_probability",
    "specific", "measurable", "attainable", "smart_ok", "smart_flags",
]


def forecast_distribution(data, period, by: str = "rep", metric: str = "bookings", *,
                          calibration_windows: int = 6, prior_points: float = 30.0, models=None):
    """The forecast of ``period`` per entity and the calibration of its quantiles.

    Fitted on the complete periods before ``period`` only. The quantile calibration
    (:class:`~workbench.targets.calibration.QuantileCalibration`) learns from a one-period-ahead
    backtest over the last ``calibration_windows`` of those periods (nominal levels when the
    history is too short for one).

    Returns
    -------
    (DataFrame, QuantileCalibration)
        The Forecaster columns of the target period's row per entity (bounds of
        :data:`~workbench.targets.calibration.QUANTILE_LEVELS`) plus ``entity_type, entity_id,
        history_periods``; and the fitted calibration.
    """
    data = as_sales_input(data, caller="forecast_distribution")
    target = parse_period(period)
    if target.freq not in ("M", "Q"):
        raise ValueError(f"Target periods are months or quarters (e.g. 2026-03, 2026-Q1); got {period!r}.")
    history = sales_series(data, by=by, freq=target.freq, metric=metric)
    history = history[history["ds"] < target.start]
    if history.empty:
        raise ValueError(f"No history of {metric} per {by} before {period_label(target.start, target.freq)}.")
    steps = pd.period_range(history["ds"].max(), target.start, freq=target.freq)
    h = len(steps) - 1
    if h < 1:
        raise ValueError(f"The target period {period!r} must come after the last complete period of the data.")
    groups = rep_groups(data) if by == "rep" else None
    forecaster = Forecaster(models=models, level=list(QUANTILE_LEVELS))
    calibration = QuantileCalibration(prior_points=prior_points)
    try:
        track = forecaster.backtest(history, h=1, n_windows=calibration_windows, step_size=1, groups=groups) \
            if calibration_windows > 0 else None
    except ValueError:  # too little history for a track record: nominal levels
        track = None
    calibration.fit(pit_values(track) if track is not None else [])
    forecaster.fit(history, groups=groups)
    fc = forecaster.predict(h)
    fc = fc[fc["ds"] == target.start].reset_index(drop=True)
    parts = fc["unique_id"].str.split(":", n=1)
    points = history.groupby("unique_id").size()
    fc = fc.assign(entity_type=parts.str[0], entity_id=parts.str[1],
                   history_periods=fc["unique_id"].map(points).fillna(0).astype(int))
    return fc, calibration


def _ramp_targets(out: pd.DataFrame, data, target, metric: str, ramp_months: int) -> pd.DataFrame:
    """Targets of reps in their first ``ramp_months`` at the target period: ramp share × tenured median."""
    hires = data.reps.set_index("rep_id")["hire_date"] if "hire_date" in data.reps else None
    if hires is None:
        return out
    k = months_since_hire(target.start, out["entity_id"].map(hires).to_numpy())
    ramping = (k >= 0) & (k < ramp_months)
    if not ramping.any():
        return out
    curve = ramp_curve(data, metric=metric, ramp_months=ramp_months, before=target.start)
    tenured = out.loc[~ramping, "target"].median()
    if curve.empty or not np.isfinite(tenured):
        return out
    share = curve.set_index("months_since_hire")["share"]
    months = 3 if target.freq == "Q" else 1
    out = out.copy()
    for i in np.flatnonzero(ramping):
        ks = [int(max(k[i], 0)) + j for j in range(months)]
        s = float(np.mean([share.get(m, 1.0) for m in ks]))
        out.loc[i, "target"] = s * tenured
        out.loc[i, "basis"] = "ramp"
        for column, lang in (("note", "en"), ("note_zh", "zh")):
            out.loc[i, column] = message("pkg.targets.new_hire", lang, month=int(k[i]) + 1, share=f"{s:.0%}",
                                         months=ramp_months)
    return out


def propose_targets(data, period, probability: float = 0.7, by: str = "rep", metric: str = "bookings", *,
                    company_target: float | None = None, ramp_months: int = 6, decimals: int | None = None,
                    calibration_windows: int = 6, models=None) -> pd.DataFrame:
    """Propose a target per entity for ``period`` met with chance ``probability``.

    Parameters
    ----------
    data : SalesData, path, dict of DataFrames, KPITables or SalesFacts
        The engine's tables (:func:`workbench.connect`) work too: the KPIs are computed there.
    period : str
        The target period: a month (``2026-03``) or quarter (``2026-Q1``), usually the next ones
        after the data; a past period is proposed from the data before it only (what would have
        been proposed then).
    probability : float
        Chance of attainment ``p`` in [0.01, 0.99]; the target is the forecast's ``1 - p`` quantile.
    by : {"rep", "team", "region"}
    metric : str
        A KPI key forecast per entity (bookings by default; also e.g. ``deals_won``,
        ``csat_mean``, ``activities_per_workday``).
    company_target : float, optional
        Allocate this total over the entities in proportion to their median forecast instead;
        the parts add up to it exactly (rounded to ``decimals``).
    ramp_months : int
        Reps in their first ``ramp_months`` since hire at the target period get a ramp target
        (rep level, metrics that add up: bookings, deals won, ...).
    decimals : int, optional
        Targets are rounded to this many decimals (largest remainder when allocating); by
        default 0 for currency and counts, 2 for scores, shares and ratios.
    calibration_windows : int
        Past periods whose one-period-ahead forecasts recalibrate the quantile levels (0: nominal).

    Returns
    -------
    DataFrame
        :data:`PROPOSAL_COLUMNS`: the target, its chance of attainment under the forecast, its
        basis (``forecast``, ``ramp`` or ``allocated``), the forecast's median and 80 % interval,
        the periods of history, the target the ``targets`` table already sets for the period
        (:func:`workbench.kpi.targets.period_targets`; NaN when none) with its chance of
        attainment under the same forecast, and the SMART check.
    """
    probability = check_probability("propose_targets", probability)
    check_choice("propose_targets", "by", by, ["rep", "team", "region"])
    check_kpis(metric)
    if not KPIS[metric].higher_is_better:
        raise ValueError(f"propose_targets: {metric} is better when lower; targets are proposed for metrics where "
                         "higher is better (met when actual >= target), e.g. bookings, deals_won, csat_mean.")
    if company_target is not None and metric not in ADDITIVE_METRICS:
        raise ValueError(f"propose_targets: a company target can only be allocated for a metric that adds up over "
                         f"reps ({', '.join(sorted(ADDITIVE_METRICS & set(KPIS)))}); got {metric}.")
    if decimals is None:
        decimals = 0 if KPIS[metric].unit in ("currency", "count") else 2
    data = as_sales_input(data, caller="propose_targets")
    target = parse_period(period)
    fc, calibration = forecast_distribution(data, period, by=by, metric=metric,
                                            calibration_windows=calibration_windows, models=models)
    out = fc[["entity_type", "entity_id", "history_periods", "forecast", "forecast-lo-80", "forecast-hi-80"]].copy()
    out["target"] = quantile_at(fc, calibration.level_for(probability))
    out["basis"] = "forecast"
    out["note"] = fc["note"].fillna("").to_numpy()
    out["note_zh"] = fc["note_zh" if "note_zh" in fc else "note"].fillna("").to_numpy()
    if by == "rep" and company_target is None and metric in ADDITIVE_METRICS:
        out = _ramp_targets(out, data, target, metric, ramp_months)
    if company_target is not None:
        parts = allocate(float(company_target), out.set_index("entity_id")["forecast"].clip(lower=0), decimals)
        out["target"] = parts.to_numpy()
        out["basis"] = "allocated"
    else:
        out["target"] = out["target"].round(decimals)
    prob = calibration.probability(1.0 - attainment_probability(fc, out["target"].to_numpy()))
    out["attainment_probability"] = np.where(out["basis"] == "ramp", probability, prob).round(3)
    existing = period_targets(data.targets, data.reps, metric, freq=target.freq, by=by, periods=[target.start])
    out["existing_target"] = out["entity_id"].map(existing.set_index("entity_id")["target"]).astype(float)
    known = out["existing_target"].notna().to_numpy()
    out["existing_attainment_probability"] = np.nan
    if known.any():
        level = 1.0 - attainment_probability(fc[known], out.loc[known, "existing_target"].to_numpy())
        out.loc[known, "existing_attainment_probability"] = calibration.probability(level).round(3)
    out["period"] = period_label(target.start, target.freq)
    out["metric"] = metric
    out = smart_check(out)
    return out[PROPOSAL_COLUMNS].sort_values(["entity_type", "entity_id"]).reset_index(drop=True)
