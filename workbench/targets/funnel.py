"""Reverse funnel: from a bookings target to the deals, meetings and calls needed per week and day.

The diagnosis' funnel identity over a window (:mod:`workbench.diagnose.decomposition`)::

    bookings = activities × (decided deals / activity) × Π_steps (pass rate) × average won deal

is run backwards with each rep's own factors (:func:`workbench.diagnose.decomposition.funnel_factors`
on the facts of :func:`workbench.diagnose.facts.prepare`), each shrunk toward the rep's team::

    used = (n · rep + k · team) / (n + k)

where ``n`` is the rep's evidence (won deals for the deal size, decided deals for the rates)
and ``k`` the prior strength. Then::

    deals won   = target / deal size
    decided     = deals won / Π pass rates             (the win rate)
    activities  = decided / (decided deals per activity)

spread over the working days (Monday–Friday) of the target period, split into activity types
by the rep's own mix over the window, and compared with the rep's activities per working day
in the last three months of the window. A rep hired after the window takes the team's rates. The cycle (median of the ``cycle_days_median`` KPI over
the window's months) says how long before the period the deals must be in the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.contract import ACTIVITY_TYPES
from workbench.diagnose.decomposition import funnel_factors
from workbench.diagnose.facts import entity_frames, prepare
from workbench.io.load import as_sales_data
from workbench.periods import parse_period

__all__ = ["ReverseFunnel", "reverse_funnel", "shrink", "PLAN_COLUMNS"]

#: Columns of :attr:`ReverseFunnel.plan`.
PLAN_COLUMNS = ["rep_id", "team", "period", "target", "deals_won", "decided_deals", "activities", "workdays",
                "weeks", "deals_won_per_week", "activities_per_week", "activities_per_workday",
                "current_activities_per_workday", "gap_per_workday", "start_deals_by"]


def shrink(rep_value, team_value, evidence, prior_strength: float):
    """``(n · rep + k · team) / (n + k)``; the team's value where the rep's is missing.

    >>> shrink(0.5, 0.3, 10, 10)
    0.4
    """
    rep_value = np.asarray(rep_value, dtype=float)
    team_value = np.asarray(team_value, dtype=float)
    n = np.where(np.isfinite(rep_value), np.asarray(evidence, dtype=float), 0.0)
    out = (n * np.nan_to_num(rep_value) + prior_strength * team_value) / np.maximum(n + prior_strength, 1e-12)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class ReverseFunnel:
    """Result of :func:`reverse_funnel`.

    Attributes
    ----------
    plan : DataFrame
        One row per rep: :data:`PLAN_COLUMNS`.
    activity_plan : DataFrame
        ``rep_id, type, share, per_period, per_week, per_workday, current_per_workday, gap_per_workday``
        per rep and activity type (calls, meetings, ...).
    assumptions : DataFrame
        ``rep_id, factor, detail, rep_value, team_value, evidence, prior_strength, weight_rep, used, source``:
        every rate used, where it comes from and how much it was shrunk.
    window : str
        The months the rates were measured on (``2025-11..2026-10``).
    """

    plan: pd.DataFrame
    activity_plan: pd.DataFrame
    assumptions: pd.DataFrame
    window: str


def _workdays(start, end) -> int:
    return int(np.busday_count(pd.Timestamp(start).date(), pd.Timestamp(end).date()))


def reverse_funnel(data, targets: pd.DataFrame, period, *, lookback_months: int = 12, prior_strength: float = 20.0,
                   current_months: int = 3, as_of=None, prepared=None) -> ReverseFunnel:
    """Deals, decided deals and activities (by type) a rep needs to reach a bookings target.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    targets : DataFrame
        ``entity_id`` (rep ids) and ``target`` (bookings of ``period``), e.g. the rep rows of
        :func:`workbench.targets.propose_targets`.
    period : str
        The target period (``2026-11``, ``2026-Q1``): its working days spread the plan.
    lookback_months : int
        Months of history the rates are measured on (ending with ``as_of``'s month).
    prior_strength : float
        ``k`` of the shrinkage toward the team, in deals.
    current_months : int
        Months at the end of the window that make "today's" activity level.
    as_of : str, optional
        Last month of the window (default: the data's last full month).
    prepared : Prepared, optional
        The facts of the window already prepared (:func:`workbench.diagnose.facts.prepare` with
        ``period=as_of, window=lookback_months``), to save preparing them twice.
    """
    if prior_strength < 0:
        raise ValueError(f"reverse_funnel: prior_strength must be >= 0; got {prior_strength!r}.")
    missing = {"entity_id", "target"} - set(targets.columns)
    if missing:
        raise ValueError(f"reverse_funnel: targets need the columns entity_id and target; missing {sorted(missing)}.")
    data = as_sales_data(data, caller="reverse_funnel")
    p = parse_period(period)
    prep = prepared if prepared is not None else prepare(data, period=as_of, window=lookback_months)
    measured = prep.has_stage_history
    levels = {}
    for level in ("rep", "team"):
        frames = entity_frames(prep, level)
        am = frames.get("activity_months")
        acts = am.groupby("entity")["activities"].sum() if am is not None else None
        closed = frames["closed_with_ramp"]
        factors = funnel_factors(closed, prep.stages, acts, frames["entities"].index, measured)
        won = closed[closed["won"]].groupby("entity").size().reindex(factors.index).fillna(0.0)
        decided = closed.groupby("entity").size().reindex(factors.index).fillna(0.0)
        levels[level] = (factors, won, decided, am)
    rep_f, rep_won, rep_decided, rep_am = levels["rep"]
    team_f = levels["team"][0]
    all_teams = data.reps.set_index(data.reps["rep_id"].astype(str))["team"].astype(str)
    cycle = _cycle_days(data, prep.window)

    workdays = _workdays(p.start, p.end)
    weeks = workdays / 5.0
    plans, acts_rows, assumptions = [], [], []
    mix = _activity_mix(data.activities, prep.window, all_teams)
    for rep, target in targets.set_index("entity_id")["target"].astype(float).items():
        if rep not in all_teams.index:
            raise ValueError(f"reverse_funnel: rep {rep!r} is not in the reps table.")
        team = all_teams[rep]
        if team not in team_f.index:
            raise ValueError(f"reverse_funnel: rep {rep!r}'s team {team!r} has no reps in {prep.window.label}.")
        used = {}
        for col in rep_f.columns:
            component, detail = col
            if component in ("activities", "opportunities"):
                continue  # volumes are what the plan solves for
            known = rep in rep_f.index  # a rep hired after the window: the team's rates
            evidence = (rep_won if component == "avg_deal_size" else rep_decided).get(rep, 0.0)
            rv, tv = float(rep_f.loc[rep, col]) if known else np.nan, float(team_f.loc[team, col])
            value = shrink(rv, tv, evidence, prior_strength)
            used[col] = value
            n = evidence if np.isfinite(rv) else 0.0
            assumptions.append({
                "rep_id": rep, "factor": component, "detail": detail, "rep_value": rv, "team_value": tv,
                "evidence": n, "prior_strength": prior_strength,
                "weight_rep": n / (n + prior_strength) if n + prior_strength > 0 else 0.0, "used": value,
                "source": f"funnel_factors over {prep.window.label} (rep {rep}, team {team})"})
        size = used[("avg_deal_size", "")]
        win = float(np.prod([v for (c, _), v in used.items() if c in ("stage_pass_rate", "win_rate")]))
        deals_won = target / size if size > 0 else np.nan
        decided_needed = deals_won / win if win > 0 else np.nan
        per_act = used.get(("opportunities_per_activity", ""), np.nan)
        activities = decided_needed / per_act if per_act and per_act > 0 else np.nan
        current = _current_per_workday(rep_am, rep, current_months)
        cyc = cycle.get(rep, np.nan)
        plans.append({
            "rep_id": rep, "team": team, "period": p.label, "target": target, "deals_won": deals_won,
            "decided_deals": decided_needed, "activities": activities, "workdays": workdays, "weeks": weeks,
            "deals_won_per_week": deals_won / weeks, "activities_per_week": activities / weeks,
            "activities_per_workday": activities / workdays, "current_activities_per_workday": current,
            "gap_per_workday": activities / workdays - current,
            "start_deals_by": (p.start - pd.Timedelta(days=float(cyc))).normalize() if np.isfinite(cyc) else pd.NaT})
        if np.isfinite(cyc):
            assumptions.append({"rep_id": rep, "factor": "cycle_days_median", "detail": "", "rep_value": cyc,
                                "team_value": np.nan, "evidence": np.nan, "prior_strength": np.nan,
                                "weight_rep": 1.0, "used": cyc,
                                "source": f"median of the monthly cycle_days_median KPI over {prep.window.label}"})
        shares = mix.get(rep, {})
        for kind in ACTIVITY_TYPES:
            share = shares.get(kind, 0.0)
            if share <= 0:
                continue
            acts_rows.append({"rep_id": rep, "type": kind, "share": share, "per_period": activities * share,
                              "per_week": activities * share / weeks, "per_workday": activities * share / workdays,
                              "current_per_workday": current * share,
                              "gap_per_workday": (activities / workdays - current) * share})
    return ReverseFunnel(pd.DataFrame(plans, columns=PLAN_COLUMNS), pd.DataFrame(acts_rows),
                         pd.DataFrame(assumptions), prep.window.label)


def _current_per_workday(am, rep, months: int) -> float:
    """Activities per working day over the rep's last ``months`` counted months of the window."""
    if am is None:
        return np.nan
    rows = am[am["entity"] == rep].sort_values("month").tail(months)
    days = rows["workdays"].sum()
    return float(rows["activities"].sum() / days) if days > 0 else np.nan


def _activity_mix(activities, window, team_of) -> dict:
    """Share of each activity type in the rep's activities over the window (the team's mix if none)."""
    if activities is None or activities.empty:
        return {}
    at = activities[(activities["at"] >= window.start) & (activities["at"] < window.end)]
    counts = at.groupby(["rep_id", "type"]).size().unstack(fill_value=0)
    team_counts = counts.groupby(counts.index.map(team_of)).sum()
    out = {}
    for rep, team in team_of.items():
        row = counts.loc[rep] if rep in counts.index and counts.loc[rep].sum() > 0 else \
            team_counts.loc[team] if team in team_counts.index else None
        if row is not None and row.sum() > 0:
            out[rep] = (row / row.sum()).to_dict()
    return out


def _cycle_days(data, window) -> dict:
    """Median over the window's months of each rep's ``cycle_days_median`` KPI."""
    from workbench.kpi import compute_kpis

    kpis = compute_kpis(data, by="rep", freq="M", metrics=["cycle_days_median"],
                        start=f"{window.start:%Y-%m}", end=f"{(window.end - pd.Timedelta(days=1)):%Y-%m}")
    return kpis.groupby("entity_id")["value"].median().dropna().to_dict()
