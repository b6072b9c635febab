"""Build forecastable series from sales data with the KPI engine."""

from __future__ import annotations

import pandas as pd

from workbench.contract import ENTITY_TYPES
from workbench.forecast.hierarchy import hierarchy_tags
from workbench.kpi.facts import as_sales_input
from workbench.params import check_by
from workbench.periods import normalize_freq, pandas_freq, parse_period, period_label, period_start

__all__ = ["sales_series", "rep_groups", "next_period"]

#: A period whose data end more than this before its end is partial (dropped from history, forecast next).
_PARTIAL_SLACK = pd.Timedelta(days=2)


def _data_end(data) -> pd.Timestamp:
    opps = data.opportunities
    return pd.concat([opps["created_at"], opps["closed_at"]]).max()


def next_period(data, freq: str = "M"):
    """The period forecasts are made for: the one the data end in when it is partial, else the next.

    The same rule as ``sales_series(drop_partial=True)``: a period is partial when the data end
    more than two days before it does.

    Returns
    -------
    Period
    """
    code = normalize_freq(freq)
    data = as_sales_input(data, caller="next_period")
    end = _data_end(data)
    start = period_start(pd.Series([end]), code).iloc[0]
    current = parse_period(period_label(start, code))
    if end < current.end - _PARTIAL_SLACK:
        return current
    return parse_period(period_label(current.end, code))


def sales_series(data, by="rep", freq: str = "M", metric: str = "bookings", *, trim_leading_zeros: bool = True,
                 drop_partial: bool = True) -> pd.DataFrame:
    """One KPI per entity and period as long series ``unique_id, ds, y``.

    ``unique_id`` is ``"<level>:<entity id>"`` (``rep:R001``, ``team:North 1``,
    ``company:company``), matching :func:`workbench.forecast.hierarchy_tags`.

    Parameters
    ----------
    data : SalesData, path, dict of DataFrames, KPITables or SalesFacts
    by : str or list of str
        ``rep``, ``team``, ``region``, ``company``, a list of them, or ``"all"``.
    freq : {"W", "M", "Q"}
    metric : str
        A KPI key from :data:`workbench.kpi.KPIS` (``bookings`` by default).
    trim_leading_zeros : bool
        Drop each series' zero periods before its first non-zero value (reps hired
        later, teams formed later). All-zero series are kept whole.
    drop_partial : bool
        Drop the last period when the data end before it does (a part-period would
        look like a slump). ``attrs["dropped_partial"]`` tells which period was dropped.
    """
    from workbench.kpi import compute_kpis
    from workbench.kpi.registry import check_kpis

    check_kpis(metric)

    levels = list(ENTITY_TYPES) if by == "all" else check_by("sales_series", by)
    code = normalize_freq(freq)
    data = as_sales_input(data, caller="sales_series")
    kpis = compute_kpis(data, by=levels, freq=code, metrics=[metric])
    k = kpis[(kpis["metric"] == metric) & (kpis["detail"].fillna("") == "")]
    out = pd.DataFrame({
        "unique_id": (k["entity_type"].astype(str) + ":" + k["entity_id"].astype(str)).to_numpy(),
        "ds": pd.to_datetime(k["period"]).to_numpy(),
        "y": k["value"].astype(float).fillna(0.0).to_numpy(),
    }).sort_values(["unique_id", "ds"]).reset_index(drop=True)
    dropped = None
    if drop_partial and len(out):
        data_end = _data_end(data)
        last = out["ds"].max()
        period_end = last + pd.tseries.frequencies.to_offset(pandas_freq(code))
        if data_end < period_end - _PARTIAL_SLACK:
            out = out[out["ds"] < last]
            dropped = last
    if trim_leading_zeros and len(out):
        started = out.groupby("unique_id")["y"].transform(lambda s: (s != 0).cummax())
        all_zero = out.groupby("unique_id")["y"].transform(lambda s: (s == 0).all())
        out = out[started | all_zero]
    out = out.reset_index(drop=True)
    out.attrs["dropped_partial"] = dropped
    out.attrs["metric"] = metric
    return out


def rep_groups(data) -> pd.Series:
    """``rep:<id> -> team:<team>`` for borrowing strength between reps of a team."""
    tags = hierarchy_tags(as_sales_input(data, caller="rep_groups").reps)
    return pd.Series(tags["team"].to_numpy(), index=tags["rep"].to_numpy())
