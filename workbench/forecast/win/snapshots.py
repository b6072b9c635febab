"""Point-in-time feature rows of deals (*snapshots*): what was known about a deal at a date.

A closed deal is turned into one training row per month start ``as_of`` at which it was
open (created before ``as_of``, closed on or after it). Every feature is computed *as of*
that date: the stage it had reached (last ``stage_history`` entry before ``as_of``; the
final stage and ``lost_reason`` are never used), its age and days in stage, the
activities logged on it before ``as_of`` (total, last 30 days, days since the last one),
the follow-up speed (hours from creation to first touch, or hours waited so far when
untouched), and the rep's win rate over deals closed before ``as_of``, shrunk toward the
company rate (``(wins + k * p0) / (closed + k)``). Amount, product and source are fixed at
creation. ``expected_close`` is not used because CRMs often overwrite it when a deal
closes, and the data contract keeps no history of it or of the amount, so "times the
close date was pushed" and "amount changes" cannot be derived point-in-time and are left
out. Without a ``stage_history`` table the stage a closed deal had at a snapshot is
unknown, so the stage feature is ``unknown`` for every deal (the output still shows each
open deal's current stage); missing activities or touch times likewise give missing
features rather than an error.

Cycle-relative features (age against the usual won cycle, days in stage against peers)
need figures learned on training data; :mod:`workbench.forecast.win.features` adds them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.io.load import as_sales_data

__all__ = ["deal_snapshots", "RAW_NUMERIC", "CATEGORICAL_FEATURES"]

#: Numeric columns of a snapshot, before the cycle-relative features are added.
RAW_NUMERIC = ["age_days", "days_in_stage", "log_amount", "rep_win_rate", "log_follow_up_hours", "touched",
               "log_activities", "log_activities_30d", "log_days_since_activity"]
CATEGORICAL_FEATURES = ["stage", "product", "source"]


def _month_starts(ts: pd.Series) -> pd.Series:
    return ts.dt.to_period("M").dt.start_time


def deal_snapshots(data, as_of=None, *, deals: str = "closed", data_end=None, prior_strength: float = 20.0,
                   stages=()) -> pd.DataFrame:
    """Point-in-time feature rows for deals.

    Parameters
    ----------
    data : SalesData or dict of DataFrames
    as_of : date-like, optional
        Score date: one row per deal open at that moment. Without it, one row per deal
        and month start at which it was open (training snapshots).
    deals : {"closed", "all"}
        For training snapshots: closed deals only (win model) or every deal.
    data_end : date-like, optional
        Last moment covered by the data (default: latest timestamp in opportunities).

    Returns
    -------
    DataFrame
        ``opportunity_id, rep_id, as_of, amount, outcome, closed_at, weight`` plus
        the feature columns.
    """
    data = as_sales_data(data, caller="deal_snapshots")
    opps, history, activities = data.opportunities, data.stage_history, data.activities
    if data_end is None:
        data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
    data_end = pd.Timestamp(data_end)
    opps = opps[opps["created_at"] <= data_end]
    if as_of is None:
        base = opps if deals == "all" else opps[opps["outcome"].isin(["won", "lost"])]
        last = base["closed_at"].where(base["closed_at"].notna() & (base["closed_at"] <= data_end), data_end)
        first = _month_starts(base["created_at"]) + pd.DateOffset(months=1)
        stop = _month_starts(last)
        n = ((stop.dt.year - first.dt.year) * 12 + (stop.dt.month - first.dt.month) + 1).clip(lower=0)
        # a deal created and closed within one month still gets a snapshot at its creation month end
        quick = n == 0
        rows = base.loc[base.index.repeat(n.where(~quick, 1))].copy()
        offs = np.concatenate([np.arange(k) if k > 0 else np.zeros(1, dtype=int) for k in n.to_numpy()]) \
            if len(base) else np.array([], dtype=int)
        rows["as_of"] = (first.loc[rows.index].dt.to_period("M") + offs).dt.start_time
        q = quick.loc[rows.index].to_numpy()
        if q.any():
            # as_of halfway through the deal's life, so it is open at the snapshot
            life = (last.loc[rows.index] - rows["created_at"]) / 2
            rows.loc[q, "as_of"] = (rows["created_at"] + life)[q].dt.floor("us").astype(rows["as_of"].dtype)
        rows["weight"] = 1.0
    else:
        t = pd.Timestamp(as_of)
        open_mask = (opps["created_at"] <= t) & (opps["closed_at"].isna() | (opps["closed_at"] > t))
        rows = opps[open_mask].copy()
        rows["as_of"] = t
        rows["weight"] = 1.0
    rows = rows.reset_index(drop=True)
    rows["as_of"] = pd.to_datetime(rows["as_of"]).astype("datetime64[us]")
    for col in ("created_at", "closed_at", "first_touch_at"):
        if col in rows.columns:
            rows[col] = pd.to_datetime(rows[col]).astype("datetime64[us]")
    if rows.empty:
        return rows.assign(**{c: pd.Series(dtype=float) for c in RAW_NUMERIC},
                           **{c: pd.Series(dtype=str) for c in CATEGORICAL_FEATURES})
    # stage reached before as_of
    stage_now = rows["stage"].astype(str)
    rows["stage"] = "unknown"
    rows["days_in_stage"] = np.nan
    if history is not None and len(history):
        hist = history[["opportunity_id", "stage", "entered_at"]].dropna().copy()
        hist["entered_at"] = hist["entered_at"].astype("datetime64[us]")
        hist = hist.rename(columns={"stage": "_hstage"}).sort_values("entered_at")
        key = rows[["opportunity_id", "as_of"]].reset_index().sort_values("as_of")
        got = pd.merge_asof(key, hist, left_on="as_of", right_on="entered_at", by="opportunity_id",
                            allow_exact_matches=False).set_index("index").reindex(rows.index)
        has = got["_hstage"].notna()
        rows.loc[has, "stage"] = got.loc[has, "_hstage"].astype(str)
        rows.loc[has, "days_in_stage"] = (rows["as_of"] - got["entered_at"]).dt.total_seconds()[has] / 86400
        # open deals with no history entry: their current stage is the stage as of now
        fill = ~has & rows["outcome"].eq("open") & (rows["as_of"] >= data_end)
        rows.loc[fill, "stage"] = stage_now[fill]
    rows["age_days"] = (rows["as_of"] - rows["created_at"]).dt.total_seconds() / 86400
    rows["days_in_stage"] = rows["days_in_stage"].fillna(rows["age_days"])
    rows["log_amount"] = np.log1p(rows["amount"].astype(float).clip(lower=0))
    for col in ("product", "source"):
        rows[col] = rows[col].astype(object).where(rows[col].notna(), "unknown").astype(str) \
            if col in rows.columns else "unknown"
    # follow-up speed
    if "first_touch_at" in rows.columns and rows["first_touch_at"].notna().any():
        touched = rows["first_touch_at"].notna() & (rows["first_touch_at"] < rows["as_of"])
        until = rows["first_touch_at"].where(touched, rows["as_of"])
        hours = ((until - rows["created_at"]).dt.total_seconds() / 3600).clip(lower=0)
        rows["log_follow_up_hours"] = np.log1p(hours)
        rows["touched"] = touched.astype(float)
    else:
        rows["log_follow_up_hours"] = np.nan
        rows["touched"] = np.nan
    # activities logged on the deal before as_of
    rows["log_activities"] = np.nan
    rows["log_activities_30d"] = np.nan
    rows["log_days_since_activity"] = np.nan
    acts = activities.dropna(subset=["opportunity_id", "at"]) \
        if activities is not None and "opportunity_id" in activities.columns else None
    if acts is not None and len(acts):
        codes, uniques = pd.factorize(pd.concat([acts["opportunity_id"], rows["opportunity_id"]]).astype(str))
        a_code, r_code = codes[:len(acts)], codes[len(acts):]
        big = np.int64(10**11)
        a_key = np.sort(a_code.astype(np.int64) * big + acts["at"].astype("datetime64[s]").astype(np.int64).to_numpy())
        r_t = rows["as_of"].astype("datetime64[s]").astype(np.int64).to_numpy()
        r_base = r_code.astype(np.int64) * big
        before = np.searchsorted(a_key, r_base + r_t, "left")
        total = before - np.searchsorted(a_key, r_base + np.iinfo(np.int32).min, "left")
        recent = before - np.searchsorted(a_key, r_base + r_t - 30 * 86400, "left")
        rows["log_activities"] = np.log1p(total)
        rows["log_activities_30d"] = np.log1p(recent)
        # days since the last activity before as_of (since creation when there is none yet)
        last_at = np.where(total > 0, a_key[np.maximum(before - 1, 0)] - r_base, np.nan)
        created = rows["created_at"].astype("datetime64[s]").astype(np.int64).to_numpy()
        since = (r_t - np.where(np.isnan(last_at), created, last_at)) / 86400
        rows["log_days_since_activity"] = np.log1p(np.clip(since, 0, None))
    # rep's shrunk win rate over deals closed before as_of
    closed = opps[opps["outcome"].isin(["won", "lost"]) & opps["closed_at"].notna()][["rep_id", "closed_at", "outcome"]]
    closed = closed.assign(closed_at=closed["closed_at"].astype("datetime64[us]"),
                           won=(closed["outcome"] == "won").astype(float)).sort_values("closed_at")
    closed["rep_won"] = closed.groupby("rep_id")["won"].cumsum()
    closed["rep_n"] = closed.groupby("rep_id").cumcount() + 1.0
    closed["all_won"] = closed["won"].cumsum()
    closed["all_n"] = np.arange(1, len(closed) + 1, dtype=float)
    key = rows[["rep_id", "as_of"]].reset_index().sort_values("as_of")
    per_rep = pd.merge_asof(key, closed[["rep_id", "closed_at", "rep_won", "rep_n"]], left_on="as_of",
                            right_on="closed_at", by="rep_id", allow_exact_matches=False).set_index("index")
    overall = pd.merge_asof(key, closed[["closed_at", "all_won", "all_n"]], left_on="as_of", right_on="closed_at",
                            allow_exact_matches=False).set_index("index")
    p0 = ((overall["all_won"].fillna(0) + 1) / (overall["all_n"].fillna(0) + 2)).reindex(rows.index)
    won = per_rep["rep_won"].fillna(0).reindex(rows.index)
    n = per_rep["rep_n"].fillna(0).reindex(rows.index)
    rows["rep_win_rate"] = (won + prior_strength * p0) / (n + prior_strength)
    return rows
