"""Recognition: the awards of a month or quarter, with who won, by what and who came second.

The awards are declared in :data:`workbench.coaching.awards.AWARDS`:

* **rep of the month / quarter** — highest ``quota_attainment`` (the KPI) among reps past
  ramp-up; ties go to higher ``bookings``.
* **best newcomer** — the same, among reps still ramping up (hired less than
  ``ramp_months`` months before the period starts, or during it), judged against their
  own target, which is a ramped one where the targets table ramps new hires.
* **most improved** — ``quota_attainment`` of the period minus the rep's own baseline:
  the mean attainment of the rep's ramped periods among the ``baseline_periods`` before,
  shrunk toward the team's attainment over those periods by ``baseline_weight`` periods.
  A rep with little history gets a baseline close to the team's, so neither a short
  history nor one freak month wins it; ramp-up months are not a baseline.
* **fastest follow-up** — lowest ``follow_up_hours_median``; ties go to the higher
  ``touched_within_24h_share``.
* **top CSAT** — ``csat_mean`` shrunk toward the company's ``csat_mean`` as if the rep had
  ``csat_weight`` more responses at the company mean; ties go to more responses.

Every number shown under a KPI's name is the KPI table's (:func:`workbench.kpi.compute_kpis`
for the award period); the improvement and the shrunk CSAT have names of their own
(:data:`~workbench.coaching.awards.AWARD_METRICS`). Nobody wins on thin data: each award
needs a minimum of decided deals, touched deals or survey responses. Ties are broken by
the award's second number, then by the rep id (alphabetically first wins); values equal
to nine decimals count as tied.

Examples
--------
>>> import pandas as pd
>>> reps = pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Ann", "Bo"], "team": "East", "region": "North"})
>>> deals = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3", "o4"], "rep_id": ["r1", "r1", "r2", "r2"],
...     "created_at": pd.to_datetime(["2026-02-02", "2026-02-03", "2026-02-02", "2026-02-04"]),
...     "first_touch_at": pd.to_datetime(["2026-02-02 03:00", "2026-02-03 05:00", "2026-02-02 01:00", None]),
...     "stage": ["Won", "Lost", "Won", "Won"], "amount": [90.0, 10.0, 60.0, 70.0],
...     "outcome": ["won", "lost", "won", "won"],
...     "closed_at": pd.to_datetime(["2026-03-02", "2026-03-05", "2026-03-03", "2026-03-09"])})
>>> targets = pd.DataFrame({"entity_type": "rep", "entity_id": ["r1", "r2"], "period": "2026-03",
...     "metric": "bookings", "target": [100.0, 100.0]})
>>> awards = recognition({"reps": reps, "opportunities": deals, "targets": targets}, "2026-03", min_deals=2)
>>> awards[["award", "rep_name", "value", "runner_up"]].iloc[:2]
               award rep_name  value runner_up
0  rep_of_the_period       Bo    1.3        r1
1      best_newcomer      NaN    NaN       NaN
>>> print(awards["basis"].iloc[0])
Quota attainment 2026-03: 130.0% (bookings 130 of a target of 100; 2 deals decided)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.coaching.awards import AWARDS, Award, metric_label, metric_unit
from workbench.formatting import format_value, natural_key
from workbench.io.span import check_period_in_data, data_span
from workbench.kpi import compute_kpis, kpi_label, kpi_tables
from workbench.kpi.deals import deal_follow_up_hours
from workbench.kpi.facts import SalesFacts, as_sales_input
from workbench.kpi.registry import KPIS
from workbench.params import check_choice, check_param, check_period
from workbench.periods import Period, period_label

__all__ = ["recognition", "RECOGNITION_COLUMNS", "SCOPES"]

#: Columns of the table :func:`recognition` returns.
RECOGNITION_COLUMNS = [
    "scope", "period", "award", "label", "label_zh", "rep_id", "rep_name", "team", "value", "unit",
    "kpi_value", "n", "basis", "basis_zh", "runner_up", "runner_up_name", "runner_up_value", "eligible",
    "note", "note_zh",
]
#: Levels awards can be given at: one set for the company, or one per team or region.
SCOPES = ("company", "team", "region")

#: The KPIs recognition reads, all for the award period's frequency.
_KPIS_READ = ("bookings", "bookings_target", "quota_attainment", "follow_up_hours_median",
              "touched_within_24h_share", "csat_mean", "csat_responses")
#: Baseline length by default: six months, or four quarters.
_DEFAULT_BASELINE = {"M": 6, "Q": 4}
#: Values equal to this many decimals are tied.
_TIE_DECIMALS = 9


@dataclass(frozen=True)
class _Settings:
    min_deals: int
    min_touched: int
    min_responses: int
    ramp_months: int
    baseline_periods: int
    min_baseline_periods: int
    baseline_weight: float
    csat_weight: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def recognition(
    data,
    period,
    *,
    by: str = "company",
    min_deals: int = 5,
    min_touched: int = 5,
    min_responses: int = 5,
    ramp_months: int = 6,
    baseline_periods: int | None = None,
    min_baseline_periods: int = 3,
    baseline_weight: float = 2.0,
    csat_weight: float = 10.0,
) -> pd.DataFrame:
    """The awards of one month or quarter: winner, value, runner-up and why.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Anything :func:`workbench.io.load.as_sales_data` accepts.
    period : str
        A month (``"2026-03"``) or a quarter (``"2026-Q1"``).
    by : {"company", "team", "region"}
        Give each award once for the company, or once per team or region (reps compete
        with the reps of their own team or region). What a rep is compared with does not
        change: the baseline is still shrunk toward the rep's team, CSAT toward the company.
    min_deals : int
        Deals decided (won or lost) in the period a rep needs for the attainment awards
        (rep of the period, best newcomer, most improved).
    min_touched : int
        Opportunities created in the period with a known first touch a rep needs for
        fastest follow-up.
    min_responses : int
        Survey responses in the period a rep needs for top CSAT.
    ramp_months : int
        A rep hired less than this many months before the period starts (or during it)
        is still ramping: they compete for best newcomer instead of rep of the period and
        most improved, and their ramp-up periods are not a baseline. A rep without a hire
        date counts as past ramp-up.
    baseline_periods : int, optional
        Periods before the award period (of its length) that make a rep's baseline for
        most improved; default 6 for a month, 4 for a quarter.
    min_baseline_periods : int
        Of those, ramped periods with known attainment a rep needs for most improved.
    baseline_weight : float
        How many periods of the team's attainment the baseline is shrunk with.
    csat_weight : float
        How many responses at the company mean a rep's CSAT is shrunk with.

    Returns
    -------
    pandas.DataFrame
        One row per award (and per team or region with ``by``), in the order of
        :data:`~workbench.coaching.awards.AWARDS`; columns :data:`RECOGNITION_COLUMNS`:

        * ``scope`` — ``"company"``, or the team or region; ``period`` — the period start;
        * ``award``, ``label``, ``label_zh`` — the award's key and labels;
        * ``rep_id``, ``rep_name``, ``team`` — the winner (missing when nobody qualified);
        * ``value``, ``unit`` — the number the award ranks by (the award's ``metric``);
        * ``kpi_value`` — the winner's value of the award's KPI in the KPI table;
        * ``n`` — the winner's count behind the minimum-data rule (the award's ``evidence``);
        * ``basis``, ``basis_zh`` — what the value is, in words, with its parts;
        * ``runner_up``, ``runner_up_name``, ``runner_up_value`` — second place;
        * ``eligible`` — how many reps qualified;
        * ``note``, ``note_zh`` — how a tie was broken, or why nobody won.

    Raises
    ------
    ValueError
        For a period that is not a month or quarter, one outside the data, or a setting
        out of range (the message names the parameter).

    Examples
    --------
    >>> from workbench.sample import generate_sample
    >>> awards = recognition(generate_sample(n_reps=30, months=12, seed=1), "2026-Q2")
    >>> awards["award"].tolist()
    ['rep_of_the_period', 'best_newcomer', 'most_improved', 'fastest_follow_up', 'top_csat']
    >>> awards["label"].iloc[0], awards["label_zh"].iloc[0]
    ('Rep of the quarter', '本季度最佳销售')
    """
    owner = "recognition"
    check_choice(owner, "by", by, SCOPES)
    p = _check_period(owner, period)
    settings = _check_settings(owner, p, min_deals=min_deals, min_touched=min_touched, min_responses=min_responses,
                               ramp_months=ramp_months, baseline_periods=baseline_periods,
                               min_baseline_periods=min_baseline_periods, baseline_weight=baseline_weight,
                               csat_weight=csat_weight)
    sales = as_sales_input(data, caller=owner)
    _check_in_data(sales, p)
    tables = kpi_tables(sales)
    available = [m for m in _KPIS_READ if all(tables.has(t) for t in KPIS[m].needs)]
    facts = _rep_facts(sales, tables, p, settings, available)
    scope_column = {"company": None, "team": "team", "region": "region"}[by]
    facts["scope"] = "company" if scope_column is None else facts[scope_column].astype(str)
    scopes = sorted(facts["scope"].unique(), key=natural_key) if len(facts) else ["company"]
    context = _Context(p, settings, facts)
    rows = []
    for award in AWARDS.values():
        missing = [t for t in award.needs if not tables.has(t)]
        rows.extend(_award_rows(award, context, scopes, missing))
    out = pd.DataFrame(rows, columns=RECOGNITION_COLUMNS)
    out["scope_order"] = out["scope"].map({s: i for i, s in enumerate(scopes)})
    out = out.sort_values("scope_order", kind="stable").drop(columns="scope_order").reset_index(drop=True)
    for column in ("value", "kpi_value", "n", "runner_up_value"):
        out[column] = out[column].astype(float)
    out["eligible"] = out["eligible"].astype(int)
    out["period"] = pd.to_datetime(out["period"])
    return out


# --------------------------------------------------------------------------- checks


def _check_period(owner: str, period) -> Period:
    return check_period(owner, period, ("M", "Q"), "a month (e.g. '2026-03') or a quarter (e.g. '2026-Q1') label")


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and np.isfinite(value)


def _check_settings(owner: str, p: Period, **values) -> _Settings:
    if values["baseline_periods"] is None:
        values["baseline_periods"] = _DEFAULT_BASELINE[p.freq]
    for name in ("min_deals", "min_touched", "min_responses", "baseline_periods", "min_baseline_periods"):
        check_param(owner, name, values[name], "an int ≥ 1", _is_int(values[name]) and values[name] >= 1)
    check_param(owner, "ramp_months", values["ramp_months"], "an int ≥ 0",
                _is_int(values["ramp_months"]) and values["ramp_months"] >= 0)
    for name in ("baseline_weight", "csat_weight"):
        check_param(owner, name, values[name], "a number ≥ 0", _is_number(values[name]) and values[name] >= 0)
    check_param(owner, "min_baseline_periods", values["min_baseline_periods"],
                f"at most baseline_periods ({values['baseline_periods']})",
                values["min_baseline_periods"] <= values["baseline_periods"])
    return _Settings(**{k: (float(v) if k.endswith("weight") else int(v)) for k, v in values.items()})


def _check_in_data(sales, p: Period) -> None:
    """A period after the newest deal date or before the oldest is an error, as in the diagnosis."""
    check_period_in_data(p, data_span(sales.opportunities))


# --------------------------------------------------------------------------- facts per rep


def _shift(start: pd.Timestamp, freq: str, periods: int) -> pd.Timestamp:
    return start + pd.DateOffset(months=periods * (3 if freq == "Q" else 1))


def _rep_facts(sales, tables, p: Period, s: _Settings, available: list[str]) -> pd.DataFrame:
    """One row per rep hired before the period ends: the KPIs, counts and baselines awards read."""
    reps = sales.reps[["rep_id", "name", "team", "region", "hire_date"]]
    hired = pd.to_datetime(reps["hire_date"])
    reps = reps[hired.isna() | (hired < p.end)].copy()
    reps["ramp_end"] = pd.to_datetime(reps["hire_date"]) + pd.DateOffset(months=s.ramp_months)
    reps["ramping"] = reps["ramp_end"].notna() & (reps["ramp_end"] > p.start)
    facts = reps.set_index("rep_id")

    baseline_start = _shift(p.start, p.freq, -s.baseline_periods)
    kpis = compute_kpis(tables, by=["rep", "team", "company"], freq=p.freq, metrics=available,
                        start=period_label(baseline_start, p.freq), end=p.label)
    wide = kpis.pivot(index=["entity_type", "entity_id", "period"], columns="metric", values="value")
    wide = wide.reindex(columns=list(_KPIS_READ))
    facts = facts.join(_level(wide, "rep", p.start))
    company = _level(wide, "company", p.start)
    facts["company_csat"] = company["csat_mean"].iloc[0] if len(company) else np.nan

    facts["decided_deals"] = _decided_deals(sales, p).reindex(facts.index, fill_value=0)
    facts["touched_deals"] = _touched_deals(sales, tables, p).reindex(facts.index, fill_value=0)
    facts["csat_responses"] = facts["csat_responses"].fillna(0.0)

    n, w = facts["csat_responses"], s.csat_weight
    with np.errstate(invalid="ignore", divide="ignore"):
        facts["csat_shrunk"] = np.where(n > 0, (n * facts["csat_mean"] + w * facts["company_csat"]) / (n + w), np.nan)
    facts = facts.join(_baselines(wide, facts, p, s))
    facts["attainment_improvement"] = facts["quota_attainment"] - facts["baseline"]
    return facts.reset_index()


def _level(wide: pd.DataFrame, level: str, start=None) -> pd.DataFrame:
    """The rows of one entity level (indexed by entity id and period, or by entity id for one ``start``)."""
    levels = wide.index.get_level_values("entity_type")
    rows = wide[levels == level].droplevel("entity_type")
    if start is None:
        return rows
    return rows[rows.index.get_level_values("period") == start].droplevel("period")


def _decided_deals(sales, p: Period) -> pd.Series:
    opps = sales.opportunities
    decided = opps["outcome"].isin(["won", "lost"]) & (opps["closed_at"] >= p.start) & (opps["closed_at"] < p.end)
    return opps.loc[decided].groupby("rep_id").size().astype(float)


def _touched_deals(sales, tables, p: Period) -> pd.Series:
    opps = sales.opportunities[["opportunity_id", "rep_id", "created_at"]]
    opps = opps[(opps["created_at"] >= p.start) & (opps["created_at"] < p.end)]
    # facts from an engine carry each deal's hours (the same expression): no second query
    hours = deal_follow_up_hours(sales if isinstance(sales, SalesFacts) else tables)
    hours = hours.set_index("opportunity_id")["follow_up_hours"]
    touched = opps[opps["opportunity_id"].map(hours).notna().to_numpy()]
    return touched.groupby("rep_id").size().astype(float)


def _baselines(wide: pd.DataFrame, facts: pd.DataFrame, p: Period, s: _Settings) -> pd.DataFrame:
    """Per rep: ramped baseline periods, their mean attainment, the team (or company) mean, the shrunk baseline."""
    before = wide.loc[wide.index.get_level_values("period") < p.start, ["quota_attainment"]]
    rep = _level(before, "rep").reset_index()
    # reindex, not map: pandas maps through an empty datetime Series (no rep) as float and fails
    ramp_end = pd.Series(facts["ramp_end"].reindex(rep["entity_id"]).to_numpy(), index=rep.index)
    ramped = rep["entity_id"].isin(facts.index) & (ramp_end.isna() | (ramp_end <= rep["period"]))
    own = rep[ramped & rep["quota_attainment"].notna()].groupby("entity_id")["quota_attainment"].agg(["size", "mean"])
    n = own["size"].reindex(facts.index).fillna(0).astype(float)
    mean = own["mean"].reindex(facts.index).astype(float)
    team_mean = _level(before, "team")["quota_attainment"].groupby(level="entity_id").mean()
    company_mean = _level(before, "company")["quota_attainment"].mean()
    team_prior = facts["team"].astype(str).map(team_mean).astype(float)
    prior = team_prior.fillna(company_mean)
    w = s.baseline_weight
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (n * mean + (w * prior if w > 0 else 0.0)) / (n + w)
    return pd.DataFrame({
        "baseline_n": n,
        "baseline_mean": mean,
        "baseline_prior": prior,
        "prior_source": np.where(team_prior.notna(), "team", np.where(prior.notna(), "company", "")),
        "baseline": shrunk.where(n > 0),
        "baseline_first": _shift(p.start, p.freq, -s.baseline_periods),
        "baseline_last": _shift(p.start, p.freq, -1),
    }, index=facts.index)


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class _Context:
    period: Period
    settings: _Settings
    facts: pd.DataFrame


#: Why a rep did not qualify, in the order the checks run: (English, Chinese) with ``{k}`` reps.
_REASONS = {
    "ramping": ("{k} still ramping (hired less than {ramp_months} months before the period; they compete for "
                "best newcomer)", "{k} 人仍在爬坡期（入职不满 {ramp_months} 个月，参评最佳新人）"),
    "few_evidence": ("{k} below the minimum of {minimum} ({evidence})", "{k} 人{evidence}不足 {minimum}"),
    "no_target": ("{k} without a known bookings target", "{k} 人签约额目标未知"),
    "few_baseline": ("{k} with fewer than {min_baseline_periods} ramped baseline periods with known attainment",
                     "{k} 人已过爬坡期且完成率已知的基线期不足 {min_baseline_periods} 期"),
    "no_prior": ("{k} without a team or company attainment to shrink the baseline toward",
                 "{k} 人所在团队及公司均无可用于收缩基线的完成率"),
    "no_value": ("{k} without a value", "{k} 人无数值"),
}


def _reasons(award: Award, facts: pd.DataFrame, s: _Settings) -> pd.Series:
    """Per rep in the award's field, the first reason they do not qualify ("" when they do)."""
    checks = []
    if award.newcomers == "excluded":
        checks.append(("ramping", facts["ramping"]))
    checks.append(("few_evidence", facts[award.evidence].fillna(0) < getattr(s, award.minimum)))
    if award.kpi == "quota_attainment":
        checks.append(("no_target", facts["quota_attainment"].isna()))
    if award.metric == "attainment_improvement":
        checks.append(("few_baseline", facts["baseline_n"].astype(float) < s.min_baseline_periods))
        checks.append(("no_prior", facts["baseline_prior"].isna() & (s.baseline_weight > 0)))
    checks.append(("no_value", facts[award.metric].isna()))
    reason = np.select([c.to_numpy(bool) for _, c in checks], [name for name, _ in checks], default="")
    return pd.Series(reason, index=facts.index)


def _order_key(values: pd.Series, higher_is_better: bool) -> pd.Series:
    rounded = values.astype(float).round(_TIE_DECIMALS)
    return -rounded if higher_is_better else rounded


def _award_rows(award: Award, ctx: _Context, scopes: list[str], missing: list[str]) -> list[dict]:
    """The award's row for each scope: winner and runner-up, or why nobody won."""
    p, s, facts = ctx.period, ctx.settings, ctx.facts
    base = {"period": p.start, "award": award.key, "label": award.label("en", p.freq),
            "label_zh": award.label("zh", p.freq), "unit": award.unit}
    if missing:
        names = ", ".join(repr(t) for t in missing)
        note = (f"Needs the {names} table, which the data lacks.", f"需要 {names} 表，但数据中没有。")
        return [_empty_row(base, scope, note) for scope in scopes]
    field = facts[facts["ramping"]] if award.newcomers == "only" else facts
    reasons = _reasons(award, field, s)
    ranked = field[reasons == ""].assign(
        _primary=lambda f: _order_key(f[award.metric], award.higher_is_better),
        _secondary=lambda f: _order_key(f[award.tie_break], award.tie_break_higher_is_better),
    ).sort_values(["scope", "_primary", "_secondary", "rep_id"], na_position="last", kind="mergesort")
    second_rows = ranked[ranked["scope"].duplicated()]
    winners = {r["scope"]: r for r in ranked.drop_duplicates("scope").to_dict("records")}
    runners = {r["scope"]: r for r in second_rows.drop_duplicates("scope").to_dict("records")}
    eligible = ranked.groupby("scope").size().to_dict()
    excluded = pd.DataFrame({"scope": field["scope"], "reason": reasons})
    excluded = excluded[excluded["reason"] != ""].groupby(["scope", "reason"]).size()
    rows = []
    for scope in scopes:
        winner, runner = winners.get(scope), runners.get(scope)
        if winner is None:
            counts = excluded[scope].to_dict() if scope in excluded.index.get_level_values("scope") else {}
            rows.append(_empty_row(base, scope, _nobody_note(award, counts, s)))
            continue
        basis = _BASIS[award.key](winner, ctx)
        note = _tie_note(award, winner, runner)
        rows.append({
            **base, "scope": scope, "rep_id": winner["rep_id"], "rep_name": winner["name"], "team": winner["team"],
            "value": winner[award.metric], "kpi_value": winner[award.kpi], "n": winner[award.evidence],
            "basis": basis[0], "basis_zh": basis[1],
            "runner_up": None if runner is None else runner["rep_id"],
            "runner_up_name": None if runner is None else runner["name"],
            "runner_up_value": np.nan if runner is None else runner[award.metric],
            "eligible": eligible[scope], "note": note[0], "note_zh": note[1],
        })
    return rows


def _empty_row(base: dict, scope: str, note: tuple[str, str]) -> dict:
    return {**base, "scope": scope, "rep_id": None, "rep_name": None, "team": None, "value": np.nan,
            "kpi_value": np.nan, "n": np.nan, "basis": "", "basis_zh": "", "runner_up": None,
            "runner_up_name": None, "runner_up_value": np.nan, "eligible": 0, "note": note[0],
            "note_zh": note[1]}


def _nobody_note(award: Award, counts: dict, s: _Settings) -> tuple[str, str]:
    if not counts:
        if award.newcomers == "only":
            return (f"No rep was hired within {s.ramp_months} months before the period or during it.",
                    f"本期开始前 {s.ramp_months} 个月内及本期内没有新入职的销售。")
        return "No rep in scope.", "范围内没有销售。"
    values = {**s.as_dict(), "minimum": getattr(s, award.minimum)}
    en, zh = [], []
    for reason in _REASONS:
        k = int(counts.get(reason, 0))
        if k:
            en.append(_REASONS[reason][0].format(k=k, evidence=metric_label(award.evidence), **values))
            zh.append(_REASONS[reason][1].format(k=k, evidence=metric_label(award.evidence, "zh"), **values))
    return "Nobody qualified: " + "; ".join(en) + ".", "无人符合条件：" + "；".join(zh) + "。"


def _tie_note(award: Award, winner: dict, runner: dict | None) -> tuple[str, str]:
    if runner is None or winner["_primary"] != runner["_primary"]:
        return "", ""
    metric_en, metric_zh = metric_label(award.metric), metric_label(award.metric, "zh")
    tie_en, tie_zh = metric_label(award.tie_break), metric_label(award.tie_break, "zh")
    if winner["_secondary"] == runner["_secondary"]:
        return (f"Tied with {runner['rep_id']} on {metric_en} and {tie_en}; the rep id decides.",
                f"与 {runner['rep_id']} 的{metric_zh}和{tie_zh}均相同；按销售编号决定。")
    unit = metric_unit(award.tie_break)
    a, b = format_value(winner[award.tie_break], unit), format_value(runner[award.tie_break], unit)
    return (f"Tied with {runner['rep_id']} on {metric_en}; {tie_en} decides ({a} vs {b}).",
            f"与 {runner['rep_id']} 的{metric_zh}相同；按{tie_zh}决定（{a} 对 {b}）。")


# --------------------------------------------------------------------------- basis in words


def _pct(value) -> str:
    return format_value(value, "rate1")


def _attainment_basis(w: dict, ctx: _Context) -> tuple[str, str]:
    label = ctx.period.label
    en = (f"{kpi_label('quota_attainment')} {label}: {_pct(w['quota_attainment'])} "
          f"({kpi_label('bookings').lower()} {format_value(w['bookings'], 'currency')} of a target of "
          f"{format_value(w['bookings_target'], 'currency')}; {int(w['decided_deals'])} deals decided)")
    zh = (f"{label} {kpi_label('quota_attainment', 'zh')} {_pct(w['quota_attainment'])}"
          f"（{kpi_label('bookings', 'zh')} {format_value(w['bookings'], 'currency')} / 目标 "
          f"{format_value(w['bookings_target'], 'currency')}；已决 {int(w['decided_deals'])} 单）")
    return en, zh


def _newcomer_basis(w: dict, ctx: _Context) -> tuple[str, str]:
    en, zh = _attainment_basis(w, ctx)
    hired = pd.Timestamp(w["hire_date"])
    return f"{en}; hired {hired:%Y-%m-%d}", f"{zh}；入职 {hired:%Y-%m-%d}"


def _improvement_basis(w: dict, ctx: _Context) -> tuple[str, str]:
    p, s = ctx.period, ctx.settings
    span = f"{period_label(w['baseline_first'], p.freq)}..{period_label(w['baseline_last'], p.freq)}"
    n = int(w["baseline_n"])
    noun = {"M": "month", "Q": "quarter"}[p.freq]
    noun_zh = {"M": "个月", "Q": "个季度"}[p.freq]
    toward = f"team {w['team']}" if w["prior_source"] == "team" else "the company"
    toward_zh = f"团队 {w['team']}" if w["prior_source"] == "team" else "公司"
    change = format_value(w["attainment_improvement"], "pp")
    plural = "s" if n != 1 else ""
    en = (f"{change}: {kpi_label('quota_attainment')} {p.label} ({_pct(w['quota_attainment'])}) minus the baseline "
          f"{_pct(w['baseline'])}: the mean of {n} ramped {noun}{plural} in {span} ({_pct(w['baseline_mean'])})")
    zh = (f"{change}：{p.label} {kpi_label('quota_attainment', 'zh')}（{_pct(w['quota_attainment'])}）减去基线 "
          f"{_pct(w['baseline'])}：{span} 中 {n} {noun_zh}爬坡期后的均值（{_pct(w['baseline_mean'])}）")
    if s.baseline_weight > 0:
        weight = f"{s.baseline_weight:g} {noun}{'s' if s.baseline_weight != 1 else ''}"
        en += f" shrunk toward {toward} ({_pct(w['baseline_prior'])}) with the weight of {weight}"
        zh += f"，按 {s.baseline_weight:g} {noun_zh}的权重向{toward_zh}（{_pct(w['baseline_prior'])}）收缩"
    return en, zh


def _follow_up_basis(w: dict, ctx: _Context) -> tuple[str, str]:
    label = ctx.period.label
    hours = format_value(w["follow_up_hours_median"], "hours")
    share = format_value(w["touched_within_24h_share"], "share")
    n = int(w["touched_deals"])
    en = (f"{kpi_label('follow_up_hours_median')} {label}: {hours} over {n} touched deals "
          f"({kpi_label('touched_within_24h_share')}: {share})")
    zh = (f"{label} {kpi_label('follow_up_hours_median', 'zh')} {hours}，基于 {n} 个已跟进商机"
          f"（{kpi_label('touched_within_24h_share', 'zh')} {share}）")
    return en, zh


def _csat_basis(w: dict, ctx: _Context) -> tuple[str, str]:
    label, weight = ctx.period.label, ctx.settings.csat_weight
    mean, company, shrunk = (format_value(w[c], "score") for c in ("csat_mean", "company_csat", "csat_shrunk"))
    n = int(w["csat_responses"])
    en = (f"{kpi_label('csat_mean')} {label}: {mean} from {n} responses, shrunk toward the company mean {company} "
          f"as if with {weight:g} more responses: {shrunk}")
    zh = (f"{label} {kpi_label('csat_mean', 'zh')} {mean}（{n} 份回复），按 {weight:g} 份回复的权重向公司均值 "
          f"{company} 收缩：{shrunk}")
    return en, zh


#: The words of each award's basis.
_BASIS = {
    "rep_of_the_period": _attainment_basis,
    "best_newcomer": _newcomer_basis,
    "most_improved": _improvement_basis,
    "fastest_follow_up": _follow_up_basis,
    "top_csat": _csat_basis,
}
