"""Ramp of new hires: the share of a tenured rep's typical month a rep reaches by month since hire.

Learned from the data's own reps: for each month since hire ``k`` (0 = the month of the hire
date) the mean over the reps observed at ``k`` of their KPI value (from the KPI engine, via
:func:`workbench.forecast.sales_series`), divided by the mean monthly value of reps hired at
least ``ramp_months`` months before (means, not medians: a rep's monthly bookings are lumpy
and their median is often 0). The share is made non-decreasing and capped at 1.

Examples
--------
>>> import pandas as pd
>>> history = pd.DataFrame({"rep_id": ["a"] * 4 + ["b"] * 4,
...     "ds": list(pd.date_range("2026-01-01", periods=4, freq="MS")) * 2,
...     "y": [10.0, 50.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0]})
>>> hires = pd.Series(pd.to_datetime(["2026-01-10", "2020-01-01"]), index=["a", "b"])
>>> ramp_from_history(history, hires, ramp_months=2)["share"].tolist()
[0.1, 0.5]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.kpi.facts import as_sales_input

__all__ = ["ramp_curve", "ramp_from_history", "months_since_hire"]


def months_since_hire(period_start, hire_date) -> np.ndarray:
    """Whole calendar months from the hire month to the period's month (0 in the hire month)."""
    p = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(period_start)))
    h = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(hire_date)))
    return np.asarray((p.year - h.year) * 12 + (p.month - h.month), dtype=float)


def ramp_from_history(history: pd.DataFrame, hire_dates: pd.Series, ramp_months: int = 6) -> pd.DataFrame:
    """The ramp curve from monthly values ``rep_id, ds, y`` and hire dates per rep.

    Returns ``months_since_hire, share, reps`` for ``k = 0 .. ramp_months - 1``; an empty
    frame when no tenured rep has a positive median or no rep was seen in its first months.
    """
    empty = pd.DataFrame(columns=["months_since_hire", "share", "reps"])
    hires = pd.to_datetime(hire_dates).reindex(history["rep_id"].to_numpy())
    h = history.assign(hire=hires.to_numpy()).dropna(subset=["hire"])
    if h.empty:
        return empty
    h = h.assign(k=months_since_hire(h["ds"], h["hire"]))
    h = h[h["k"] >= 0]
    tenured = float(h.loc[h["k"] >= ramp_months, "y"].mean()) if (h["k"] >= ramp_months).any() else np.nan
    early = h[h["k"] < ramp_months].groupby("k")["y"].agg(["mean", "size"])
    if not np.isfinite(tenured) or tenured <= 0 or early.empty:
        return empty
    early = early.reindex(range(ramp_months))
    share = (early["mean"] / tenured).ffill().fillna(0.0).cummax().clip(upper=1.0)
    return pd.DataFrame({"months_since_hire": range(ramp_months), "share": share.round(6).to_numpy(),
                         "reps": early["size"].fillna(0).astype(int).to_numpy()})


def ramp_curve(data, metric: str = "bookings", ramp_months: int = 6, before=None) -> pd.DataFrame:
    """The ramp curve of ``metric`` learned from the reps in ``data`` (monthly, KPI engine).

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    metric : str
        A KPI key (bookings by default).
    ramp_months : int
        Months after which a rep counts as tenured.
    before : date-like, optional
        Use only periods starting before this date (for backtests).
    """
    from workbench.forecast.series import sales_series

    data = as_sales_input(data, caller="ramp_curve")
    series = sales_series(data, by="rep", freq="M", metric=metric, trim_leading_zeros=False)
    if before is not None:
        series = series[series["ds"] < pd.Timestamp(before)]
    history = series.assign(rep_id=series["unique_id"].str.split(":", n=1).str[1])
    hires = data.reps.set_index("rep_id")["hire_date"] if "hire_date" in data.reps else pd.Series(dtype="datetime64[ns]")
    return ramp_from_history(history, hires, ramp_months=ramp_months)
