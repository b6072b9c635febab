"""Views of one :class:`~workbench.diagnose.Diagnosis`: the periods it can be run for and
the part of it that concerns one team or rep.

A diagnosis is computed once for the whole company (every entity is benchmarked against
all comparable peers); apps and reports then *select* from it instead of re-running it.
:func:`select` only filters rows, it never recomputes a number, so a team's or rep's view
is exactly what ``diagnose(data, period, team=..., rep=...)`` returns.

Examples
--------
>>> import pandas as pd
>>> from workbench.diagnose.selection import diagnosis_periods
>>> opps = pd.DataFrame({"opportunity_id": ["o1", "o2"], "rep_id": "R1", "amount": 1.0,
...     "outcome": "won", "created_at": pd.to_datetime(["2025-11-03", "2026-02-10"]),
...     "closed_at": pd.to_datetime(["2025-12-01", "2026-04-15"])})
>>> opps["stage"] = "Closed Won"
>>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "team": ["T"], "region": ["N"]})
>>> diagnosis_periods({"reps": reps, "opportunities": opps})
['2026-Q1', '2026-03', '2026-02', '2026-01', '2025-12']
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.diagnose.window import data_span, resolve_window
from workbench.io.load import as_sales_data
from workbench.periods import period_label

__all__ = ["diagnosis_periods", "driver_totals", "headline", "select"]


def diagnosis_periods(data, quarters: int = 8, months: int = 12) -> list[str]:
    """The complete quarters and months a diagnosis can end with, newest first.

    A period is complete when the data reaches its last day (the same rule
    :func:`~workbench.diagnose.diagnose` uses for its default period); the first month
    counted is the first full month after the first decided deal.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Needs the ``reps`` and ``opportunities`` tables.
    quarters, months : int
        How many of the newest complete quarters and months to list.

    Returns
    -------
    list of str
        Quarter labels (``2026-Q3``) first, then month labels (``2026-09``), each newest first.
    """
    span = data_span(as_sales_data(data, caller="diagnosis_periods").opportunities)
    earliest, latest = span.earliest, span.latest
    if pd.isna(latest):
        return []
    last = resolve_window(None, 1, latest)  # the last full month
    first = pd.Timestamp(earliest.year, earliest.month, 1)
    if earliest.normalize() > first:
        first += pd.DateOffset(months=1)
    starts = pd.date_range(first, last.start, freq="MS")
    month_labels = [period_label(s, "M") for s in starts[::-1][:months]]
    quarter_starts = [s for s in starts if s.month % 3 == 1 and s + pd.DateOffset(months=2) <= last.start]
    quarter_labels = [period_label(s, "Q") for s in quarter_starts[::-1][:quarters]]
    return quarter_labels + month_labels


def select(diagnosis, reps: pd.DataFrame, team: str | None = None, rep: str | None = None):
    """The part of a diagnosis about one team (and its reps) or one rep.

    Parameters
    ----------
    diagnosis : Diagnosis
        A company-wide result of :func:`~workbench.diagnose.diagnose`.
    reps : DataFrame
        The reps table (``rep_id``, ``team``): who belongs to which team.
    team : str, optional
        Keep this team's findings and decomposition and those of its reps, its row of
        ``team_summary``, and the competition rows of its reps (other dimensions stay).
    rep : str, optional
        Keep only this rep's findings, decomposition, competition rows and stuck deals (plus
        the team's own rows when ``team`` is given too).

    Returns
    -------
    Diagnosis
        A new result; ``follow_up_effect``, ``opportunities``, ``tests`` and ``window``
        are the company-wide ones. Without ``team`` and ``rep`` the diagnosis is returned
        unchanged.

    Raises
    ------
    ValueError
        If the rep is not in ``reps`` or the team has no reps.
    """
    if rep is None and team is None:
        return diagnosis
    rep_ids = reps["rep_id"].astype(str)
    if rep is not None:
        if str(rep) not in set(rep_ids):
            raise ValueError(f"Rep {rep!r} is not in the reps table.")
        keep_rep = {str(rep)}
    else:
        keep_rep = set(rep_ids[reps["team"].astype(str) == str(team)])
        if not keep_rep:
            raise ValueError(f"Team {team!r} has no reps in the reps table.")
    teams = [str(team)] if team is not None else []

    def keep(frame: pd.DataFrame, col: str = "entity_id") -> pd.DataFrame:
        is_rep = (frame["entity_type"] == "rep") & frame[col].astype(str).isin(keep_rep)
        is_team = (frame["entity_type"] == "team") & frame[col].astype(str).isin(teams)
        return frame[is_rep | is_team].reset_index(drop=True)

    summary = diagnosis.team_summary
    if team is not None:
        summary = summary[summary["team"].astype(str) == str(team)].reset_index(drop=True)
    competition = diagnosis.competition
    if not competition.empty and "dimension" in competition:
        is_rep = competition["dimension"] == "rep"
        competition = competition[~is_rep | competition["key"].astype(str).isin(keep_rep)].reset_index(drop=True)
    stuck = getattr(diagnosis, "stuck_deals", None)
    if stuck is not None and len(stuck):
        stuck = stuck[stuck["rep_id"].astype(str).isin(keep_rep)].reset_index(drop=True)
    return dataclasses.replace(
        diagnosis,
        findings=keep(diagnosis.findings),
        decomposition=keep(diagnosis.decomposition),
        team_summary=summary,
        competition=competition,
        **({"stuck_deals": stuck} if stuck is not None else {}),
    )


def driver_totals(findings: pd.DataFrame) -> pd.DataFrame:
    """Revenue at stake per driver over rep findings: what costs a team the most.

    Parameters
    ----------
    findings : DataFrame
        ``Diagnosis.findings`` (or a selection of it).

    Returns
    -------
    DataFrame
        ``driver, reps, findings, revenue_impact``, largest revenue impact first; only
        rep-level findings count (team and region findings restate their reps' problems).

    Examples
    --------
    >>> f = pd.DataFrame({"entity_type": ["rep", "rep", "rep", "team"],
    ...     "entity_id": ["R1", "R2", "R2", "T"], "driver": ["small_deals", "small_deals",
    ...     "long_cycle", "small_deals"], "revenue_impact": [10.0, 5.0, 20.0, 99.0]})
    >>> driver_totals(f).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'driver': 'long_cycle', 'reps': 1, 'findings': 1, 'revenue_impact': 20.0},
     {'driver': 'small_deals', 'reps': 2, 'findings': 2, 'revenue_impact': 15.0}]
    """
    rep = findings[findings["entity_type"] == "rep"]
    out = (
        rep.groupby("driver", sort=False)
        .agg(reps=("entity_id", "nunique"), findings=("entity_id", "size"),
             revenue_impact=("revenue_impact", "sum"))
        .reset_index()
        .sort_values(["revenue_impact", "driver"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    out["reps"] = out["reps"].astype(int)
    out["findings"] = out["findings"].astype(int)
    out["revenue_impact"] = out["revenue_impact"].astype(float)
    return out


def headline(diagnosis, team: str | None = None, rep: str | None = None) -> dict:
    """Bookings, target, gap and revenue at stake of the selected rep, team or company.

    ``diagnosis`` should already be selected (see :func:`select`). Bookings, target and
    attainment are those of the labelled period (``diagnosis.window.period``), taken from
    ``diagnosis.period_figures``, i.e. the KPI table's ``bookings``, ``bookings_target``
    and ``quota_attainment``; ``gap`` is ``bookings − target`` (negative: short).
    ``revenue_at_stake`` sums the revenue impact of the rep findings in the selection (the
    same definition as ``team_summary.revenue_at_stake``), over the analysis window.

    Returns
    -------
    dict
        ``entity_type, entity_id, period, bookings, target, gap, attainment,
        reps_with_findings, revenue_at_stake``; NaN where the data lacks the figure
        (e.g. no target).
    """
    nan = float("nan")
    findings = diagnosis.findings
    rep_findings = findings[findings["entity_type"] == "rep"]
    if rep is not None:
        entity_type, entity_id = "rep", str(rep)
        rep_findings = rep_findings[rep_findings["entity_id"].astype(str) == str(rep)]
    elif team is not None:
        entity_type, entity_id = "team", str(team)
    else:
        entity_type, entity_id = "company", "company"
    figures = diagnosis.period_figures
    row = figures[(figures["entity_type"] == entity_type) & (figures["entity_id"].astype(str) == entity_id)]
    bookings = float(row["bookings"].iloc[0]) if len(row) else nan
    target = float(row["bookings_target"].iloc[0]) if len(row) else nan
    attainment = float(row["quota_attainment"].iloc[0]) if len(row) else nan
    return {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "period": diagnosis.window.period if diagnosis.window is not None else "",
        "bookings": bookings,
        "target": target,
        "gap": bookings - target,
        "attainment": attainment,
        "reps_with_findings": int(rep_findings["entity_id"].nunique()),
        "revenue_at_stake": float(rep_findings["revenue_impact"].sum()),
    }
