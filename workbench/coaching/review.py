"""Periodic reviews: what each rep's review and the team summary show, assembled once.

:func:`periodic_review` gathers, for one period (``2026-Q1``, ``2026-03``, ``2026``),
everything a review page shows, so that the pages only draw it
(:mod:`workbench.reports` writes the HTML pages and the workbook):

* the rep's **KPIs of the period** beside the **team median** and the **median of all
  reps**. Every value is :func:`workbench.kpi.compute_kpis`'s for the rep and the
  period; the medians are medians of those rep values over the reps employed in the
  period (no hire date, or hired before the period ends), the rep included;
* **trends** over the last ``trend_months`` months (12 by default): the rep's monthly
  bookings and bookings target, and a second KPI, the one that shows the rep's top
  coaching skill at work (the skill map's ``kpi``; the win rate when that skill has none),
  each beside the median of the team's employed reps that month. Months before the rep
  was hired are left empty;
* the rep's **findings** (:func:`workbench.diagnose.diagnose`) with their evidence in
  English and Chinese;
* the **coaching plan** (:func:`~workbench.coaching.plans.coaching_plans`): ranked skills
  with their why, the recommended modules and the period slot of each;
* **recognition**: the awards the rep won, from a recognition table
  (``award, label, label_zh, rep_id, rep_name, team, value, unit, basis, runner_up,
  runner_up_value, eligible, note``: one row per award), when one is given;
* for the **team summary**: reps × key KPIs with each rep's top skill gap, the teams'
  own KPIs, group sessions where reps of a team share a gap
  (:func:`~workbench.coaching.sessions.group_sessions`) and every award.

Reps hired after the period ends have no review (``notes`` says how many).

Examples
--------
>>> import workbench
>>> from workbench.sample import generate_sample
>>> data = workbench.load(generate_sample(n_reps=12, months=18, seed=4))
>>> review = periodic_review(data, "2026-Q1")
>>> first = review.for_rep(review.rep_ids[0])
>>> first.kpis[["metric", "value", "team_median"]].head(2).columns.tolist()
['metric', 'value', 'team_median']
>>> first.trend_metric in review.trends["metric"].unique()
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from workbench.coaching.plans import CoachingPlans, coaching_plans
from workbench.coaching.sessions import group_sessions
from workbench.coaching.skills import SkillMap, load_skill_map
from workbench.errors import KPIUnavailableWarning
from workbench.formatting import natural_key
from workbench.io.load import as_sales_data
from workbench.kpi import KPIS, compute_kpis, kpi_tables
from workbench.kpi.registry import check_kpis
from workbench.params import check_choice, check_param, check_period
from workbench.periods import period_label

__all__ = [
    "check_review_request",
    "PeriodicReview", "RepReview", "periodic_review", "REVIEW_KPIS", "ROSTER_KPIS", "DEFAULT_TREND_KPI",
    "AWARD_COLUMNS", "REP_KPI_COLUMNS", "TREND_COLUMNS", "ROSTER_COLUMNS",
]

#: KPIs a rep's review shows for the period, in this order.
REVIEW_KPIS = (
    "bookings", "bookings_target", "quota_attainment", "deals_won", "win_rate", "avg_deal_size",
    "cycle_days_median", "follow_up_hours_median", "activities_per_workday", "csat_mean",
)
#: KPIs of the team summary's reps table.
ROSTER_KPIS = ("bookings", "bookings_target", "quota_attainment", "win_rate", "follow_up_hours_median",
               "activities_per_workday", "csat_mean")
#: The second trend when the rep's top skill has no KPI (or none is available).
DEFAULT_TREND_KPI = "win_rate"
#: Columns of a recognition table (one row per award); the first six are required.
AWARD_COLUMNS = ["award", "label", "label_zh", "rep_id", "rep_name", "team", "value", "unit", "basis",
                 "runner_up", "runner_up_value", "eligible", "note"]
_REQUIRED_AWARD_COLUMNS = AWARD_COLUMNS[:4] + ["value", "unit"]
#: Columns of ``PeriodicReview.kpis`` / ``RepReview.kpis``: one row per rep and KPI.
#: ``vs_team`` is ``better``, ``worse`` or ``equal`` (in the KPI's good direction), empty
#: when either number is missing.
REP_KPI_COLUMNS = ["rep_id", "team", "metric", "label", "label_zh", "unit", "higher_is_better", "value",
                   "team_median", "all_reps_median", "vs_team"]
#: Columns of ``PeriodicReview.trends``: one row per rep, month (its start) and KPI.
TREND_COLUMNS = ["rep_id", "team", "period", "metric", "value", "team_median"]
#: Columns of ``PeriodicReview.roster`` around its KPI columns (:data:`ROSTER_KPIS`).
ROSTER_COLUMNS = ["rep_id", "name", "team", "region", "findings", "top_skill", "top_skill_label",
                  "top_skill_label_zh", "top_skill_uplift", "trend_metric", "trend_skill", "awards", "awards_zh"]
_FINDING_COLUMNS = ["entity_type", "entity_id", "team", "driver", "label", "label_zh", "detail", "value",
                    "benchmark", "unit", "revenue_impact", "evidence", "evidence_zh"]


@dataclass(frozen=True)
class RepReview:
    """One rep's review: the frames of :class:`PeriodicReview` cut to the rep.

    Attributes
    ----------
    rep_id, name, team, region : str
    period : str
        The period label (``2026-Q1``).
    window : str
        The diagnosis window the findings and revenue at stake are measured over.
    kpis : DataFrame
        :data:`REP_KPI_COLUMNS`, one row per KPI of :data:`REVIEW_KPIS` (those available).
    trend : DataFrame
        :data:`TREND_COLUMNS` for ``bookings``, ``bookings_target`` and ``trend_metric``.
    trend_metric : str
        The second KPI drawn over time.
    trend_skill : str or None
        The top coaching skill whose KPI ``trend_metric`` is (None: the default KPI).
    findings, skills, modules : DataFrame
        The rep's findings, ranked skills and scheduled modules.
    awards : DataFrame or None
        The awards the rep won; None when no recognition table was given.
    """

    rep_id: str
    name: str
    team: str
    region: str
    period: str
    window: str
    kpis: pd.DataFrame
    trend: pd.DataFrame
    trend_metric: str
    trend_skill: str | None
    findings: pd.DataFrame
    skills: pd.DataFrame
    modules: pd.DataFrame
    awards: pd.DataFrame | None = None

    def kpi(self, metric: str) -> float:
        """The rep's value of ``metric`` for the period (NaN when undefined)."""
        row = self.kpis[self.kpis["metric"] == metric]
        return float(row["value"].iloc[0]) if len(row) else float("nan")


@dataclass(frozen=True)
class PeriodicReview:
    """Result of :func:`periodic_review` (compute once, draw separately).

    Attributes
    ----------
    period : str
        The period label.
    window : str
        The diagnosis window (findings and revenue at stake).
    months : tuple of str
        The trend months (``2025-04`` … ``2026-03``).
    team, rep : str or None
        The selection asked for (None: every team / every rep).
    roster : DataFrame
        One row per reviewed rep: :data:`ROSTER_COLUMNS` and the :data:`ROSTER_KPIS`
        (the team summary's table), ordered by team and rep id.
    kpis : DataFrame
        :data:`REP_KPI_COLUMNS` for every reviewed rep.
    team_kpis : DataFrame
        One row per team shown: ``team`` and the team's own KPIs of the period
        (:func:`~workbench.kpi.compute_kpis` with ``by="team"``).
    trends : DataFrame
        :data:`TREND_COLUMNS` for every reviewed rep.
    findings : DataFrame
        Findings of the reviewed reps and their teams, with ``label_zh``.
    skills, modules : DataFrame
        ``CoachingPlans.skills`` / ``.modules`` of the reviewed reps, with ``skill_label``
        (English) and ``skill_label_zh``.
    sessions : DataFrame
        Group sessions of the teams shown, with ``skill_label_zh``.
    awards : DataFrame or None
        The recognition table (:data:`AWARD_COLUMNS`), None when none was given.
    assumptions : dict
        The coaching plans' assumptions (``assumed_effectiveness``, ``hours_per_period``, …).
    missing_kpis : tuple of str
        KPIs asked for that could not be computed (a table they need is missing).
    later_hires : int
        Reps of the selection hired after the period ends (they have no review).
    notes : tuple of str
        The same in sentences (and any other KPI note), for a log or the command line.
    """

    period: str
    window: str
    months: tuple
    team: str | None
    rep: str | None
    roster: pd.DataFrame
    kpis: pd.DataFrame
    team_kpis: pd.DataFrame
    trends: pd.DataFrame
    findings: pd.DataFrame
    skills: pd.DataFrame
    modules: pd.DataFrame
    sessions: pd.DataFrame
    awards: pd.DataFrame | None = None
    assumptions: dict = field(default_factory=dict)
    missing_kpis: tuple = ()
    later_hires: int = 0
    notes: tuple = ()

    @property
    def rep_ids(self) -> list[str]:
        """The reviewed reps, in the roster's order."""
        return self.roster["rep_id"].tolist()

    @cached_property
    def _by_rep(self) -> dict:
        """Each per-rep frame split by rep once (``for_rep`` is called for every rep)."""
        rep_findings = self.findings[self.findings["entity_type"] == "rep"].rename(columns={"entity_id": "rep_id"})
        frames = {"kpis": self.kpis, "trends": self.trends, "skills": self.skills, "modules": self.modules,
                  "findings": rep_findings}
        if self.awards is not None:
            frames["awards"] = self.awards[self.awards["rep_id"].notna()]
        parts = {name: {str(k): part.reset_index(drop=True) for k, part in frame.groupby("rep_id", sort=False)}
                 for name, frame in frames.items()}
        parts["roster"] = {row["rep_id"]: row for row in self.roster.to_dict("records")}
        return parts

    def for_rep(self, rep_id: str) -> RepReview:
        """The review of one rep."""
        rep_id = str(rep_id)
        info = self._by_rep["roster"].get(rep_id)
        check_param("PeriodicReview.for_rep", "rep_id", rep_id, "a reviewed rep (see .rep_ids)", info is not None)
        trend_metric = str(info["trend_metric"])
        trend_skill = None if pd.isna(info["trend_skill"]) else str(info["trend_skill"])

        def mine(name: str, like: pd.DataFrame) -> pd.DataFrame:
            return self._by_rep[name].get(rep_id, like.iloc[:0].reset_index(drop=True))

        trend = mine("trends", self.trends)
        findings = mine("findings", self.findings).rename(columns={"rep_id": "entity_id"})
        return RepReview(
            rep_id=rep_id, name=str(info["name"]), team=str(info["team"]), region=str(info["region"]),
            period=self.period, window=self.window, kpis=mine("kpis", self.kpis),
            trend=trend[trend["metric"].isin(["bookings", "bookings_target", trend_metric])].reset_index(drop=True),
            trend_metric=trend_metric, trend_skill=trend_skill,
            findings=findings.reindex(columns=_FINDING_COLUMNS),
            skills=mine("skills", self.skills), modules=mine("modules", self.modules),
            awards=None if self.awards is None else mine("awards", self.awards),
        )

    def __repr__(self) -> str:
        return f"PeriodicReview(period={self.period!r}, reps={len(self.roster)}, teams={len(self.team_kpis)})"


def _check_period(owner: str, period):
    return check_period(owner, period, ("M", "Q", "Y"), "a month, quarter or year label such as '2026-Q1' or '2026-03'")


def _check_awards(owner: str, awards) -> pd.DataFrame | None:
    if awards is None:
        return None
    if not isinstance(awards, pd.DataFrame):
        raise ValueError(f"The 'awards' parameter of {owner} must be a recognition table (a DataFrame with "
                         f"columns {', '.join(_REQUIRED_AWARD_COLUMNS)}, …); got {type(awards).__name__} instead.")
    missing = [c for c in _REQUIRED_AWARD_COLUMNS if c not in awards.columns]
    if missing:
        raise ValueError(f"The 'awards' parameter of {owner} must be a recognition table with columns "
                         f"{', '.join(_REQUIRED_AWARD_COLUMNS)}, …; got one without {', '.join(missing)} instead.")
    extra = [c for c in awards.columns if c not in AWARD_COLUMNS]
    out = awards.reindex(columns=AWARD_COLUMNS + extra).reset_index(drop=True)
    out["rep_id"] = out["rep_id"].map(lambda v: v if pd.isna(v) else str(v)).astype(object)
    return out


def _quiet_kpis(tables, notes: list, **kwargs) -> pd.DataFrame:
    """compute_kpis, with its "table missing" warnings turned into notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kpis = compute_kpis(tables, **kwargs)
    for warning in caught:
        if issubclass(warning.category, KPIUnavailableWarning):
            if str(warning.message) not in notes:
                notes.append(str(warning.message))
        else:  # not ours to swallow
            warnings.warn(warning.message, warning.category, stacklevel=2)
    return kpis


def _wide(kpis: pd.DataFrame, level: str, metrics) -> pd.DataFrame:
    """One row per entity (index) and one column per metric, in ``metrics`` order."""
    rows = kpis[kpis["entity_type"] == level]
    wide = rows.pivot_table(index="entity_id", columns="metric", values="value", aggfunc="first", dropna=False)
    return wide.reindex(columns=[m for m in metrics if m in set(rows["metric"])])


def _vs_team(value: pd.Series, median: pd.Series, higher_is_better: pd.Series) -> pd.Series:
    diff = (value - median).where(higher_is_better, median - value)
    tolerance = 1e-9 * np.maximum(1.0, median.abs())
    out = np.select([diff.isna(), diff.abs() <= tolerance, diff > 0], ["", "equal", "better"], "worse")
    return pd.Series(out, index=value.index, dtype=object)


def _rep_kpis(wide: pd.DataFrame, reps: pd.DataFrame, employed: pd.Index, selected: list[str]) -> pd.DataFrame:
    team = reps.set_index("rep_id")["team"]
    peers = wide.loc[wide.index.intersection(employed)]
    team_median = peers.groupby(team.reindex(peers.index)).median()
    all_median = peers.median()
    long = wide.reindex(selected).rename_axis("rep_id").reset_index().melt(
        id_vars="rep_id", var_name="metric", value_name="value")
    long["team"] = long["rep_id"].map(team)
    medians = team_median.rename_axis("team").reset_index().melt(id_vars="team", var_name="metric",
                                                                   value_name="team_median")
    long = long.merge(medians, on=["team", "metric"], how="left")
    long["all_reps_median"] = long["metric"].map(all_median).astype(float)
    long["label"] = long["metric"].map(lambda m: KPIS[m].label("en"))
    long["label_zh"] = long["metric"].map(lambda m: KPIS[m].label("zh"))
    long["unit"] = long["metric"].map(lambda m: KPIS[m].unit)
    long["higher_is_better"] = long["metric"].map(lambda m: KPIS[m].higher_is_better).astype(bool)
    long["vs_team"] = _vs_team(long["value"], long["team_median"], long["higher_is_better"])
    order = {rep_id: i for i, rep_id in enumerate(selected)}
    metric_order = {m: i for i, m in enumerate(wide.columns)}
    long = long.assign(_r=long["rep_id"].map(order), _m=long["metric"].map(metric_order))
    return long.sort_values(["_r", "_m"], kind="stable")[REP_KPI_COLUMNS].reset_index(drop=True)


def _trend_metric(skills: pd.DataFrame, skill_map, available: set) -> pd.Series:
    """Per rep: the KPI of the top skill (rank 1) when it is available, else the default."""
    top = skills[skills["rank"] == 1].drop_duplicates("rep_id").set_index("rep_id")["skill"]

    def pick(skill) -> str:
        kpi = skill_map.kpi(skill)
        ok = kpi is not None and kpi in available and kpi not in ("bookings", "bookings_target")
        return kpi if ok else DEFAULT_TREND_KPI

    return top.map(pick)


def _trends(monthly: pd.DataFrame, reps: pd.DataFrame, hire_dates: pd.Series, selected: list[str],
            metric_of: dict) -> pd.DataFrame:
    """The selected reps' monthly values (none before their hire month) beside their team's monthly median."""
    rows = monthly[monthly["entity_type"] == "rep"].rename(columns={"entity_id": "rep_id"})
    rows = rows.assign(team=rows["rep_id"].map(reps.set_index("rep_id")["team"]))
    hired = rows["rep_id"].map(hire_dates)
    month_end = rows["period"] + pd.DateOffset(months=1)
    rows = rows.assign(value=rows["value"].where(hired.isna() | (hired < month_end)))
    median = rows.groupby(["team", "period", "metric"])["value"].median().rename("team_median")
    rows = rows.merge(median.reset_index(), on=["team", "period", "metric"], how="left")
    wanted = rows["rep_id"].isin(selected) & (
        rows["metric"].isin(["bookings", "bookings_target"]) | (rows["metric"] == rows["rep_id"].map(metric_of)))
    out = rows[wanted]
    order = {rep_id: i for i, rep_id in enumerate(selected)}
    out = out.assign(_r=out["rep_id"].map(order)).sort_values(["_r", "metric", "period"], kind="stable")
    return out[TREND_COLUMNS].reset_index(drop=True)


def _with_labels(frame: pd.DataFrame, skill_map) -> pd.DataFrame:
    return frame.assign(skill_label=[skill_map.label(s, "en") for s in frame["skill"]],
                        skill_label_zh=[skill_map.label(s, "zh") for s in frame["skill"]])


def _findings(findings: pd.DataFrame, selected: list[str], teams: list[str]) -> pd.DataFrame:
    from workbench.diagnose import DRIVERS

    keep = ((findings["entity_type"] == "rep") & findings["entity_id"].isin(selected)) | (
        (findings["entity_type"] == "team") & findings["entity_id"].isin(teams))
    out = findings[keep].copy()
    out["label_zh"] = [DRIVERS[d].label_zh if d in DRIVERS else str(d) for d in out["driver"]]
    if "label" not in out:
        out["label"] = [DRIVERS[d].label_en if d in DRIVERS else str(d) for d in out["driver"]]
    return out.reindex(columns=_FINDING_COLUMNS).reset_index(drop=True)


def _roster(reps: pd.DataFrame, selected: list[str], wide: pd.DataFrame, findings: pd.DataFrame,
            skills: pd.DataFrame, metric_of: dict, awards: pd.DataFrame | None, skill_map) -> pd.DataFrame:
    info = reps.set_index("rep_id").reindex(selected)
    out = pd.DataFrame({"rep_id": selected})
    for column in ("name", "team", "region"):
        values = info[column] if column in info else pd.Series("", index=info.index)
        out[column] = values.fillna("").astype(str).to_numpy()
    counts = findings[findings["entity_type"] == "rep"].groupby("entity_id").size()
    out["findings"] = out["rep_id"].map(counts).fillna(0).astype(int)
    top = skills[skills["rank"] == 1].drop_duplicates("rep_id").set_index("rep_id")
    out["top_skill"] = out["rep_id"].map(top["skill"])
    out["top_skill_label"] = out["rep_id"].map(top["skill_label"])
    out["top_skill_label_zh"] = out["rep_id"].map(top["skill_label_zh"])
    out["top_skill_uplift"] = out["rep_id"].map(top["expected_uplift"]).astype(float)
    out["trend_metric"] = out["rep_id"].map(metric_of).fillna(DEFAULT_TREND_KPI)
    from_skill = out["trend_metric"] == out["top_skill"].map(lambda k: skill_map.kpi(k) if isinstance(k, str) else None)
    out["trend_skill"] = out["top_skill"].where(from_skill)
    won = awards[awards["rep_id"].notna()] if awards is not None else pd.DataFrame(columns=AWARD_COLUMNS)
    out["awards"] = out["rep_id"].map(won.groupby("rep_id")["label"].agg(lambda v: "; ".join(map(str, v))))
    out["awards_zh"] = out["rep_id"].map(won.groupby("rep_id")["label_zh"].agg(lambda v: "；".join(map(str, v))))
    out[["awards", "awards_zh"]] = out[["awards", "awards_zh"]].fillna("")
    kpis = wide.reindex(selected)[[m for m in ROSTER_KPIS if m in wide.columns]].reset_index(drop=True)
    return pd.concat([out[ROSTER_COLUMNS[:4]], kpis, out[ROSTER_COLUMNS[4:]]], axis=1)


@dataclass(frozen=True)
class _Selection:
    reps: list  # reviewed rep ids, in natural order
    teams: list  # their teams
    employed: pd.Index  # every rep employed in the period (the medians' peers)
    hire_dates: pd.Series  # by rep id
    later: int  # selected reps hired after the period


def _select(owner: str, reps: pd.DataFrame, team, rep, p) -> _Selection:
    """The reps to review: employed in the period, of ``team`` / the one ``rep`` when given."""
    if team is not None:
        check_choice(owner, "team", str(team), sorted(reps["team"].unique(), key=natural_key))
    if rep is not None:
        check_param(owner, "rep", rep, "a rep_id of the reps table", str(rep) in set(reps["rep_id"]))
        rep_team = reps.loc[reps["rep_id"] == str(rep), "team"].iloc[0]
        check_param(owner, "rep", rep, f"a rep of team {team!r} (rep {rep} is in {rep_team!r})",
                    team is None or rep_team == str(team))
    hired = reps["hire_date"] if "hire_date" in reps else pd.Series(pd.NaT, index=reps.index, dtype="datetime64[ns]")
    employed = hired.isna() | (hired < p.end)
    asked = pd.Series(True, index=reps.index)
    if team is not None:
        asked &= reps["team"] == str(team)
    if rep is not None:
        asked &= reps["rep_id"] == str(rep)
        if not (asked & employed).any():
            raise ValueError(f"Rep {rep} was hired on {hired[asked].iloc[0]:%Y-%m-%d}, after {p.label} ends: "
                             f"there is nothing to review.")
    chosen = asked & employed
    if not chosen.any():
        why = ("the reps table has no rows" if not len(reps) else
               f"every rep{'' if team is None else f' of team {team}'} was hired after {p.label} ends "
               f"(first hire date {hired[asked].min():%Y-%m-%d})")
        raise ValueError(f"No rep to review in {p.label}: {why}.")
    return _Selection(reps=sorted(reps.loc[chosen, "rep_id"], key=natural_key),
                      teams=sorted(reps.loc[chosen, "team"].unique(), key=natural_key),
                      employed=pd.Index(reps.loc[employed, "rep_id"]),
                      hire_dates=pd.Series(hired.to_numpy(), index=reps["rep_id"]),
                      later=int((asked & ~employed).sum()))


def _inputs(owner: str, data, p, diagnosis, plans, skill_map):
    """The diagnosis, plans and skill map of the period: given ones checked, missing ones computed."""
    if diagnosis is None:
        from workbench.diagnose import diagnose

        diagnosis = diagnose(data, period=p.label)
    elif diagnosis.window is not None and diagnosis.window.period != p.label:
        raise ValueError(f"The diagnosis given to {owner} is of {diagnosis.window.period}, not of {p.label}; "
                         f"diagnose the same period.")
    if plans is None:
        plans = coaching_plans(data, diagnosis, period=p.label, skill_map=skill_map)
    elif plans.period and plans.period != p.label:
        raise ValueError(f"The coaching plans given to {owner} are of {plans.period}, not of {p.label}.")
    if plans.skill_map is not None:
        skill_map = plans.skill_map
    elif not isinstance(skill_map, SkillMap):
        skill_map = load_skill_map(skill_map)
    return diagnosis, plans, skill_map


def _monthly(tables, notes: list, p, trend_months: int, skills: pd.DataFrame, skill_map, reps: pd.DataFrame,
             chosen: _Selection):
    """The trend months, the reviewed reps' trends and each rep's second trend KPI."""
    last = p.end - pd.DateOffset(months=1)
    first = last - pd.DateOffset(months=trend_months - 1)
    months = tuple(period_label(m, "M") for m in pd.date_range(first, last, freq="MS"))
    wanted = {DEFAULT_TREND_KPI} | {skill_map.kpi(s) for s in skills["skill"].unique() if skill_map.kpi(s)}
    metrics = ["bookings", "bookings_target"] + sorted(wanted - {"bookings", "bookings_target"})
    monthly = _quiet_kpis(tables, notes, by="rep", freq="M", start=months[0], end=months[-1], metrics=metrics)
    metric_of = _trend_metric(skills, skill_map, set(monthly["metric"])).to_dict()
    metric_of = {r: metric_of.get(r, DEFAULT_TREND_KPI) for r in chosen.reps}
    return months, _trends(monthly, reps, chosen.hire_dates, chosen.reps, metric_of), metric_of


def check_review_request(data, period, *, team: str | None = None, rep: str | None = None):
    """Check a review's period, team and rep before anything is computed (the CLI does).

    Raises the same errors :func:`periodic_review` would, naming ``periodic_review``.
    """
    owner = "periodic_review"
    p = _check_period(owner, period)
    data = as_sales_data(data, caller=owner)
    reps = data.reps.assign(rep_id=data.reps["rep_id"].astype(str), team=data.reps["team"].astype(str))
    _select(owner, reps, team, rep, p)
    return p


def periodic_review(data, period, *, coaching=None, diagnosis=None, plans: CoachingPlans | None = None, awards=None,
                    team: str | None = None, rep: str | None = None, metrics=REVIEW_KPIS,
                    trend_months: int = 12, skill_map=None) -> PeriodicReview:
    """Everything the periodic reviews of ``period`` show: per rep and for the team summary.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Through :func:`workbench.io.load.as_sales_data`; needs ``reps`` and ``opportunities``.
    period : str
        The period reviewed: a month, quarter or year label (``"2026-Q1"``, ``"2026-03"``).
    coaching : Coaching, optional
        :func:`~workbench.coaching.workflow.coach` of ``period``: its diagnosis, plans,
        sessions and awards are shown. Computed when neither it nor ``plans`` is given, so
        a review shows the same plans as ``workbench coach`` and the coaching app.
    diagnosis : Diagnosis, optional
        A company-wide :func:`~workbench.diagnose.diagnose` of ``period`` (used with ``plans``).
    plans : CoachingPlans, optional
        :func:`~workbench.coaching.plans.coaching_plans` of ``period``.
    awards : DataFrame, optional
        A recognition table, one row per award (:data:`AWARD_COLUMNS`; ``award, label,
        label_zh, rep_id, value, unit`` required); default the coaching result's awards.
        Without any the reviews have no recognition section.
    team : str, optional
        Review only the reps of this team (the summary then covers that team).
    rep : str, optional
        Review only this rep (the summary covers the rep's team).
    metrics : sequence of str
        The KPIs of the period shown (default :data:`REVIEW_KPIS`).
    trend_months : int
        Months of the trend charts, ending with the period's last month.
    skill_map : SkillMap or path, optional
        For computing the plans, and the skill labels and KPIs (default: the plans' map).

    Returns
    -------
    PeriodicReview

    Raises
    ------
    ValueError
        For a period that is not a month, quarter or year label, an unknown team or rep,
        a rep hired after the period, a diagnosis or plans of another period, or a
        recognition table without its columns.
    workbench.errors.DataError
        When the data cannot be loaded.
    """
    owner = "periodic_review"
    p = _check_period(owner, period)
    check_param(owner, "trend_months", trend_months, "an integer from 2 to 36",
                isinstance(trend_months, int) and 2 <= trend_months <= 36)
    metrics = check_kpis(metrics)
    check_param(owner, "metrics", metrics, "KPI keys without details (not stage_conversion)",
                bool(metrics) and "stage_conversion" not in metrics)
    data = as_sales_data(data, caller=owner)
    reps = data.reps.assign(rep_id=data.reps["rep_id"].astype(str), team=data.reps["team"].astype(str))
    chosen = _select(owner, reps, team, rep, p)
    if coaching is None and plans is None:
        from workbench.coaching.workflow import coach

        coaching = coach(data, p.label, diagnosis=diagnosis, skill_map=skill_map)
    if coaching is not None:
        diagnosis, plans = coaching.diagnosis, coaching.plans
        awards = coaching.awards if awards is None else awards
    awards = _check_awards(owner, awards)
    diagnosis, plans, skill_map = _inputs(owner, data, p, diagnosis, plans, skill_map)
    notes = [f"{chosen.later} rep{'s' if chosen.later > 1 else ''} hired after {p.label} ends: no review."
             ] if chosen.later else []

    tables = kpi_tables(data)  # built once for both KPI tables
    period_kpis = _quiet_kpis(tables, notes, by=["rep", "team"], freq=p.freq, start=p.label, end=p.label,
                              metrics=metrics)
    rep_wide = _wide(period_kpis, "rep", metrics)
    kpis = _rep_kpis(rep_wide, reps, chosen.employed, chosen.reps)
    team_kpis = _wide(period_kpis, "team", metrics).reindex(chosen.teams).rename_axis("team").reset_index()

    in_plan = plans.skills["rep_id"].isin(chosen.reps)
    skills = _with_labels(plans.skills[in_plan], skill_map).reset_index(drop=True)
    modules = _with_labels(plans.modules[plans.modules["rep_id"].isin(chosen.reps)], skill_map)
    # a team's sessions count all its reps
    sessions = coaching.sessions if coaching is not None else group_sessions(_with_labels(plans.skills, skill_map))
    sessions = sessions[sessions["team"].isin(chosen.teams)].reset_index(drop=True)
    sessions["skill_label_zh"] = [skill_map.label(s, "zh") for s in sessions["skill"]]

    months, trends, metric_of = _monthly(tables, notes, p, trend_months, skills, skill_map, reps, chosen)
    findings = _findings(diagnosis.findings, chosen.reps, chosen.teams)
    if awards is not None and (team is not None or rep is not None):
        awards = awards[awards["rep_id"].isin(chosen.reps)].reset_index(drop=True)
    roster = _roster(reps, chosen.reps, rep_wide, findings, skills, metric_of, awards, skill_map)
    return PeriodicReview(
        period=p.label, window=diagnosis.window.label if diagnosis.window is not None else "", months=months,
        team=None if team is None else str(team), rep=None if rep is None else str(rep), roster=roster, kpis=kpis,
        team_kpis=team_kpis, trends=trends, findings=findings, skills=skills, modules=modules.reset_index(drop=True),
        sessions=sessions, awards=awards, assumptions=dict(plans.assumptions),
        missing_kpis=tuple(m for m in metrics if m not in rep_wide.columns), later_hires=chosen.later,
        notes=tuple(notes),
    )
