"""KPI definitions as ibis expressions, one function per KPI family.

Every function takes ibis tables (conformed to the contract by
:mod:`workbench.kpi.engine`) and returns an ibis table keyed by ``entity_id`` and
``period`` (the period start). Nothing here executes a query or knows which engine runs
it: the same expressions run on DuckDB in process or where big data lives.

The entity of a row comes from a *membership* table ``(rep_id, entity_id)`` built by
:func:`membership` for the level (rep, team, region or company); facts are attributed
through their ``rep_id``. :func:`assemble` left-joins every family onto the grid of
every entity x every period, fills counts with 0 and derives the ratios, so empty
periods are explicit rows and a zero denominator gives a missing value, never inf.

Examples
--------
>>> import ibis, pandas as pd
>>> opps = ibis.memtable(pd.DataFrame({"rep_id": ["r1", "r1"], "outcome": ["won", "lost"],
...     "amount": [100.0, 50.0], "created_at": pd.to_datetime(["2026-01-02", "2026-01-03"]),
...     "closed_at": pd.to_datetime(["2026-02-10", "2026-02-11"])}))
>>> reps = ibis.memtable(pd.DataFrame({"rep_id": ["r1"], "team": ["East"], "region": ["N"]}))
>>> closed = closed_deals(attribute(opps, membership(reps, "team")), "M")
>>> closed.select("entity_id", "bookings", "deals_won", "deals_lost").to_pyarrow().to_pandas()
  entity_id  bookings  deals_won  deals_lost
0      East     100.0          1           1
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

__all__ = [
    "TRUNCATE_UNITS",
    "membership",
    "attribute",
    "period_of",
    "closed_deals",
    "created_deals",
    "first_activity",
    "open_pipeline",
    "activity_counts",
    "active_reps",
    "order_counts",
    "survey_stats",
    "new_account_counts",
    "stage_entries",
    "stage_conversion_counts",
    "infer_stages",
    "ratio",
    "assemble",
    "YEAR_LAGS",
]

#: ibis ``truncate`` unit for each frequency code.
TRUNCATE_UNITS = {"W": "W", "M": "M", "Q": "Q", "Y": "Y"}
#: How many periods back "the same period a year earlier" is.
YEAR_LAGS = {"W": 52, "M": 12, "Q": 4, "Y": 1}
#: Stage names that mark a closed deal; ignored when inferring the open-stage funnel.
CLOSED_STAGE_WORDS = ("closed", "won", "lost")

KEYS = ("entity_id", "period")


def membership(reps: ibis.Table, level: str) -> ibis.Table:
    """``(rep_id, entity_id, hire_date)``: which entity of ``level`` each rep belongs to."""
    if level == "rep":
        entity = reps.rep_id
    elif level in ("team", "region"):
        entity = reps[level]
    elif level == "company":
        entity = ibis.literal("company")
    else:  # pragma: no cover - validated by the caller
        raise ValueError(level)
    columns = {"rep_id": reps.rep_id, "entity_id": entity}
    if "hire_date" in reps.columns:
        columns["hire_date"] = reps.hire_date
    return reps.select(**columns).filter(ibis._.entity_id.notnull())


def attribute(facts: ibis.Table, members: ibis.Table) -> ibis.Table:
    """``facts`` with the ``entity_id`` of their rep (facts of unknown reps are dropped)."""
    m = members.select(_m_rep=members.rep_id, entity_id=members.entity_id)
    joined = facts.join(m, facts.rep_id == m._m_rep)
    return joined.drop("_m_rep")


def period_of(column: ibis.Value, freq: str) -> ibis.Value:
    """The start of the calendar period (``freq``) containing each timestamp."""
    return column.truncate(TRUNCATE_UNITS[freq]).cast(dt.timestamp)


def ratio(numerator: ibis.Value, denominator: ibis.Value) -> ibis.Value:
    """``numerator / denominator`` as float, missing (not inf) when the denominator is 0 or missing."""
    return numerator.cast(dt.float64) / denominator.cast(dt.float64).nullif(0.0)


def _hours_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    return (end.epoch_seconds() - start.epoch_seconds()) / 3600.0


def closed_deals(opps: ibis.Table, freq: str) -> ibis.Table:
    """Deals closed per entity and period (by ``closed_at``).

    Columns: ``bookings`` (won amount), ``deals_won``, ``deals_lost``,
    ``closed_amount`` (won + lost amount), ``cycle_days_median`` (won deals).
    """
    closed = opps.filter(opps.closed_at.notnull() & opps.outcome.isin(("won", "lost")))
    won = closed.outcome == "won"
    cycle_days = (closed.closed_at.epoch_seconds() - closed.created_at.epoch_seconds()) / 86400.0
    return closed.group_by(entity_id=closed.entity_id, period=period_of(closed.closed_at, freq)).agg(
        bookings=closed.amount.sum(where=won),
        deals_won=won.sum(),
        deals_lost=(~won).sum(),
        closed_amount=closed.amount.sum(),
        cycle_days_median=cycle_days.median(where=won),
    )


def first_activity(activities: ibis.Table) -> ibis.Table:
    """``(opportunity_id, first_activity_at)``: the earliest activity logged on each opportunity."""
    on_deal = activities.filter(activities.opportunity_id.notnull())
    return on_deal.group_by(opportunity_id=on_deal.opportunity_id).agg(first_activity_at=on_deal.at.min())


def created_deals(opps: ibis.Table, freq: str, first_activities: ibis.Table | None = None) -> ibis.Table:
    """Deals created per entity and period (by ``created_at``), with follow-up speed.

    The first touch is ``first_touch_at``, else ``first_activity_at`` from
    ``first_activities`` (see :func:`first_activity`); a touch before ``created_at``
    counts as 0 hours. Columns: ``pipeline_created``, ``follow_up_hours_median``,
    ``touched_known`` (deals with a known touch), ``touched_24h`` (of those, within 24 h).
    """
    if first_activities is not None:
        fa = first_activities.select(_fa_opp=first_activities.opportunity_id,
                                     first_activity_at=first_activities.first_activity_at)
        opps = opps.left_join(fa, opps.opportunity_id == fa._fa_opp).drop("_fa_opp")
        touch = opps.first_touch_at.fill_null(opps.first_activity_at)
    else:
        touch = opps.first_touch_at
    gap = _hours_between(opps.created_at, touch)
    hours = ibis.ifelse(gap < 0.0, 0.0, gap)  # stays missing when there is no touch
    known = touch.notnull()
    return opps.group_by(entity_id=opps.entity_id, period=period_of(opps.created_at, freq)).agg(
        pipeline_created=opps.amount.sum(),
        follow_up_hours_median=hours.median(),
        touched_known=known.sum(),
        touched_24h=(known & (hours <= 24.0)).sum(),
    )


def open_pipeline(opps: ibis.Table, periods: ibis.Table) -> ibis.Table:
    """Amount of deals open at each period end: created before it, not closed before it.

    ``periods`` has ``period`` and ``period_end`` (exclusive) columns.
    """
    p = periods.select(period=periods.period, _end=periods.period_end)
    still_open = (opps.created_at < p._end) & (opps.closed_at.isnull() | (opps.closed_at >= p._end))
    joined = opps.join(p, still_open)
    return joined.group_by(entity_id=joined.entity_id, period=joined.period).agg(
        open_pipeline=joined.amount.sum()
    )


def activity_counts(activities: ibis.Table, freq: str) -> ibis.Table:
    """Activities per entity and period (by activity date): column ``activities``."""
    return activities.group_by(entity_id=activities.entity_id, period=period_of(activities.at, freq)).agg(
        activities=activities.count()
    )


def active_reps(members: ibis.Table, periods: ibis.Table) -> ibis.Table:
    """Reps of each entity hired before each period ends (or with no hire date): ``active_reps``."""
    p = periods.select(period=periods.period, _end=periods.period_end)
    if "hire_date" in members.columns:
        on_roster = members.hire_date.isnull() | (members.hire_date < p._end)
        joined = members.join(p, on_roster)
    else:
        joined = members.cross_join(p)
    return joined.group_by(entity_id=joined.entity_id, period=joined.period).agg(active_reps=joined.count())


def order_counts(orders: ibis.Table, freq: str) -> ibis.Table:
    """Orders per entity and period (by ``ordered_at``): ``orders_completed``, ``orders_cancelled``."""
    return orders.group_by(entity_id=orders.entity_id, period=period_of(orders.ordered_at, freq)).agg(
        orders_completed=(orders.status == "completed").sum(),
        orders_cancelled=(orders.status == "cancelled").sum(),
    )


def survey_stats(surveys: ibis.Table, freq: str) -> ibis.Table:
    """Surveys per entity and period (by survey date): ``csat_mean``, ``csat_responses``."""
    scored = surveys.filter(surveys.score.notnull())
    return scored.group_by(entity_id=scored.entity_id, period=period_of(scored.at, freq)).agg(
        csat_mean=scored.score.mean(),
        csat_responses=scored.count(),
    )


def new_account_counts(opps: ibis.Table, freq: str) -> ibis.Table:
    """Accounts whose first won deal closed in the period, credited to that deal's entity.

    Ties (two wins at the same instant) go to the deal with the smaller opportunity id.
    Column: ``new_accounts``.
    """
    won = opps.filter((opps.outcome == "won") & opps.closed_at.notnull() & opps.account_id.notnull())
    order = ibis.window(group_by=won.account_id, order_by=[won.closed_at, won.opportunity_id])
    ranked = won.mutate(_nth=ibis.row_number().over(order))
    firsts = ranked.filter(ranked._nth == 0)
    return firsts.group_by(entity_id=firsts.entity_id, period=period_of(firsts.closed_at, freq)).agg(
        new_accounts=firsts.count()
    )


def stage_entries(history: ibis.Table, opps: ibis.Table, stages: tuple[str, ...]) -> ibis.Table:
    """First entry of each deal into each open stage, with how far the deal got.

    Returns ``(opportunity_id, entity_id, stage_index, entered_at, reached)`` where
    ``stage_index`` is the position of the stage in ``stages`` and ``reached`` is the
    furthest stage index the deal ever entered, or ``len(stages)`` for a won deal
    (a won deal has passed every open stage). Stages not in ``stages`` are ignored.
    """
    n = len(stages)
    index = ibis.cases(*[(history.stage == s, i) for i, s in enumerate(stages)], else_=None)
    known = history.mutate(stage_index=index).filter(ibis._.stage_index.notnull())
    firsts = known.group_by(opportunity_id=known.opportunity_id, stage_index=known.stage_index).agg(
        entered_at=known.entered_at.min()
    )
    deals = opps.select(_o_opp=opps.opportunity_id, entity_id=opps.entity_id, _won=opps.outcome == "won")
    joined = firsts.join(deals, firsts.opportunity_id == deals._o_opp)
    furthest = joined.stage_index.max().over(group_by=joined.opportunity_id)
    reached = ibis.ifelse(joined._won, n, furthest)
    return joined.select(
        opportunity_id=joined.opportunity_id,
        entity_id=joined.entity_id,
        stage_index=joined.stage_index,
        entered_at=joined.entered_at,
        reached=reached,
    )


def stage_conversion_counts(entries: ibis.Table, n_stages: int, freq: str) -> ibis.Table:
    """Per entity and period of entering stage i: ``stage_entered_<i>`` and ``stage_converted_<i>``.

    A deal that entered stage i converted if it ever reached stage i + 1 or later
    (``reached > i``); stage ``n_stages`` stands for won.
    """
    aggs = {}
    for i in range(n_stages):
        entered = entries.stage_index == i
        aggs[f"stage_entered_{i}"] = entered.sum()
        aggs[f"stage_converted_{i}"] = (entered & (entries.reached > i)).sum()
    return entries.group_by(entity_id=entries.entity_id, period=period_of(entries.entered_at, freq)).agg(**aggs)


def infer_stages(history: ibis.Table) -> ibis.Table:
    """Open stages ordered by their average position in deals' stage sequences.

    Returns ``(stage, position)`` sorted by position; stage names containing
    "closed", "won" or "lost" are left out.
    """
    firsts = history.group_by(["opportunity_id", "stage"]).agg(entered_at=history.entered_at.min())
    position = ibis.row_number().over(group_by=firsts.opportunity_id, order_by=[firsts.entered_at, firsts.stage])
    ranked = firsts.mutate(position=position)
    lowered = ranked.stage.lower()
    closed = ibis.or_(*[lowered.contains(w) for w in CLOSED_STAGE_WORDS])
    open_only = ranked.filter(~closed)
    return open_only.group_by("stage").agg(position=open_only.position.mean()).order_by(["position", "stage"])


def _attach(left: ibis.Table, right: ibis.Table) -> ibis.Table:
    """Left-join a family (keyed by entity_id, period) onto the grid."""
    r = right.rename(_k_entity="entity_id", _k_period="period")
    joined = left.left_join(r, [left.entity_id == r._k_entity, left.period == r._k_period])
    return joined.drop("_k_entity", "_k_period")


#: Family columns that are counts or sums: a missing row means 0.
_ZERO_FILLED = (
    "bookings", "deals_won", "deals_lost", "closed_amount", "pipeline_created", "touched_known",
    "touched_24h", "open_pipeline", "activities", "active_reps", "orders_completed",
    "orders_cancelled", "csat_responses", "new_accounts",
)


def assemble(
    grid: ibis.Table,
    families: list[ibis.Table],
    metrics: list[str],
    freq: str,
    stage_pairs: list[str] = (),
) -> ibis.Table:
    """Join KPI families onto the grid and derive the metric columns.

    Parameters
    ----------
    grid : ibis.Table
        Every ``(entity_id, period)`` to report, with ``workdays`` (Mon-Fri days in the
        period) and, when targets or market sizes are known, ``bookings_target``,
        ``next_bookings_target`` and ``market_size``. The grid must hold every period
        between the first and the last one (growth looks back by position).
    families : list of ibis.Table
        Outputs of the family functions above, keyed by ``entity_id, period``.
    metrics : list of str
        Metric keys to output, in order. ``stage_conversion`` expands to one column per
        entry of ``stage_pairs``, named ``stage_conversion[<from>→<to>]``.
    freq : str
        Frequency code, for the year-over-year lag.

    Returns
    -------
    ibis.Table
        ``entity_id, period`` and one float column per metric (wide view column names).
    """
    t = grid
    for family in families:
        t = _attach(t, family)
    fills = {c: t[c].fill_null(0) for c in _ZERO_FILLED if c in t.columns}
    t = t.mutate(**fills)
    by_entity = ibis.window(group_by=t.entity_id, order_by=t.period)
    derived = {
        "bookings": lambda: t.bookings,
        "bookings_growth_pop": lambda: ratio(t.bookings, t.bookings.lag(1).over(by_entity)) - 1.0,
        "bookings_growth_yoy": lambda: ratio(t.bookings, t.bookings.lag(YEAR_LAGS[freq]).over(by_entity)) - 1.0,
        "quota_attainment": lambda: ratio(t.bookings, t.bookings_target),
        "deals_won": lambda: t.deals_won,
        "win_rate": lambda: ratio(t.deals_won, t.deals_won + t.deals_lost),
        "avg_deal_size": lambda: ratio(t.bookings, t.deals_won),
        "cycle_days_median": lambda: t.cycle_days_median,
        "follow_up_hours_median": lambda: t.follow_up_hours_median,
        "touched_within_24h_share": lambda: ratio(t.touched_24h, t.touched_known),
        "activities_per_workday": lambda: ratio(t.activities, t.workdays * t.active_reps),
        "pipeline_created": lambda: t.pipeline_created,
        "open_pipeline": lambda: t.open_pipeline,
        "pipeline_coverage": lambda: ratio(t.open_pipeline, t.next_bookings_target),
        "order_completion_rate": lambda: ratio(t.orders_completed, t.orders_completed + t.orders_cancelled),
        "csat_mean": lambda: t.csat_mean,
        "csat_responses": lambda: t.csat_responses,
        "market_share": lambda: ratio(t.bookings, t.market_size),
        "new_accounts": lambda: t.new_accounts,
    }
    out = {"entity_id": t.entity_id, "period": t.period}
    for metric in metrics:
        if metric == "stage_conversion":
            for i, pair in enumerate(stage_pairs):
                out[f"stage_conversion[{pair}]"] = ratio(
                    t[f"stage_converted_{i}"].fill_null(0), t[f"stage_entered_{i}"].fill_null(0)
                )
        else:
            out[metric] = derived[metric]().cast(dt.float64)
    return t.select(**out)
