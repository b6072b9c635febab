"""KPI definitions as ibis expressions, one function per KPI family.

Every function takes ibis tables (conformed to the contract by
:mod:`workbench.kpi.engine`) and returns an ibis table keyed by ``entity_id`` and
``period_key``, an integer that numbers calendar periods (see :func:`period_of`;
:func:`period_keys` gives the same numbers for period starts in pandas). Grouping by an
integer is cheaper than by a truncated timestamp, which matters at 10 M rows. Nothing
here executes a query or knows which engine runs it; they are tested on DuckDB in process
and written to be pointed at another ibis backend where big data lives.

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
>>> closed.select("entity_id", "period_key", "bookings", "deals_won").to_pyarrow().to_pandas()
  entity_id  period_key  bookings  deals_won
0      East       24313     100.0          1
>>> period_keys(pd.Series(pd.to_datetime(["2026-02-01"])), "M").tolist()
[24313]
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

__all__ = [
    "membership",
    "attribute",
    "period_of",
    "period_keys",
    "seconds_between",
    "pipeline_flow",
    "closed_deals",
    "created_deals",
    "with_follow_up_hours",
    "first_activity",
    "activity_counts",
    "active_reps",
    "order_counts",
    "survey_stats",
    "new_account_counts",
    "stage_entries",
    "stage_conversion_counts",
    "ratio",
    "assemble",
    "YEAR_LAGS",
    "LOOKS_BACK",
]

#: How many periods back "the same period a year earlier" is.
YEAR_LAGS = {"W": 52, "M": 12, "Q": 4, "Y": 1}

#: 1970-01-05 was a Monday: weeks are numbered from it.
_FIRST_MONDAY_DAYS = 4
_EPOCH = ibis.timestamp("1970-01-01 00:00:00")


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


def attribute(facts: ibis.Table, members: ibis.Table, level: str = "") -> ibis.Table:
    """``facts`` with the ``entity_id`` of their rep (facts of unknown reps are dropped).

    At the rep level the rep id is the entity id, so no join is needed (facts of reps
    missing from ``reps`` find no row in the reporting grid and drop out there).
    """
    if level == "rep":
        return facts.mutate(entity_id=facts.rep_id)
    m = members.select(_m_rep=members.rep_id, entity_id=members.entity_id)
    joined = facts.join(m, facts.rep_id == m._m_rep)
    return joined.drop("_m_rep")


def period_of(column: ibis.Value, freq: str) -> ibis.Value:
    """Integer number of the calendar period (``freq``) containing each timestamp.

    Months are ``year * 12 + month - 1``, quarters ``year * 4 + quarter - 1``, years the
    year, weeks (from Monday) the weeks since Monday 1970-01-05.
    """
    if freq == "M":
        return column.year() * 12 + column.month() - 1
    if freq == "Q":
        return column.year() * 4 + column.quarter() - 1
    if freq == "Y":
        return column.year().cast(dt.int64)
    days = column.delta(_EPOCH, unit="day")  # whole days since 1970-01-01 (dates are after it)
    return ((days - _FIRST_MONDAY_DAYS) / 7.0).floor().cast(dt.int64)


def period_keys(starts: pd.Series, freq: str) -> pd.Series:
    """The :func:`period_of` numbers of period starts (pandas datetimes), as int64."""
    starts = pd.to_datetime(starts)
    if freq == "M":
        keys = starts.dt.year * 12 + starts.dt.month - 1
    elif freq == "Q":
        keys = starts.dt.year * 4 + (starts.dt.month - 1) // 3
    elif freq == "Y":
        keys = starts.dt.year
    else:
        days = (starts - pd.Timestamp("1970-01-01")).dt.days
        keys = (days - _FIRST_MONDAY_DAYS) // 7
    return keys.astype("int64")


def ratio(numerator: ibis.Value, denominator: ibis.Value) -> ibis.Value:
    """``numerator / denominator`` as float, missing (not inf) when the denominator is 0 or missing."""
    value = numerator.cast(dt.float64) / denominator.cast(dt.float64).nullif(0.0)
    return value.isinf().ifelse(ibis.null(dt.float64), value)  # a denominator so tiny it overflows


def seconds_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    """Seconds from ``start`` to ``end`` (float, to the microsecond): the one way durations are measured.

    Counted in microseconds by the engine's date difference and divided here, so every engine
    gives the same hours and days: ibis' ``epoch_seconds`` differs between engines (DuckDB
    keeps the fraction of a second, Spark drops it and its SQL literals are decimals).
    """
    return end.delta(start, unit="microsecond").cast(dt.float64) / 1_000_000.0


def _hours_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    return seconds_between(start, end) / 3600.0


def closed_deals(opps: ibis.Table, freq: str) -> ibis.Table:
    """Deals closed per entity and period (by ``closed_at``).

    Columns: ``bookings`` (won amount), ``deals_won``, ``deals_lost``,
    ``cycle_days_median`` (won deals).
    """
    closed = opps.filter(opps.closed_at.notnull() & opps.outcome.isin(("won", "lost")))
    won = closed.outcome == "won"
    cycle_days = seconds_between(closed.created_at, closed.closed_at) / 86400.0
    return closed.group_by(entity_id=closed.entity_id, period_key=period_of(closed.closed_at, freq)).agg(
        bookings=closed.amount.sum(where=won),
        deals_won=won.sum(),
        deals_lost=(~won).sum(),
        # a median of nulls-but-won rather than median(where=): ibis' Spark SQL puts the filter into the
        # percentile's fraction, which Spark rejects
        cycle_days_median=ibis.ifelse(won, cycle_days, ibis.null(dt.float64)).median(),
    )


def first_activity(activities: ibis.Table, opps: ibis.Table | None = None) -> ibis.Table:
    """``(opportunity_id, first_activity_at)``: the earliest activity logged on each opportunity.

    With ``opps``, only opportunities without ``first_touch_at`` are looked up (the
    others never fall back to activities), which keeps the aggregation small.
    """
    on_deal = activities.filter(activities.opportunity_id.notnull())
    if opps is not None:
        untouched = opps.filter(opps.first_touch_at.isnull()).select(_u_opp=opps.opportunity_id)
        on_deal = on_deal.semi_join(untouched, on_deal.opportunity_id == untouched._u_opp)
    return on_deal.group_by(opportunity_id=on_deal.opportunity_id).agg(first_activity_at=on_deal.at.min())


def with_follow_up_hours(opps: ibis.Table, first_activities: ibis.Table | None = None) -> ibis.Table:
    """``opps`` with ``follow_up_hours``: the one definition of a deal's follow-up time.

    The first touch is ``first_touch_at``, else ``first_activity_at`` from
    ``first_activities`` (see :func:`first_activity`); a touch before ``created_at``
    counts as 0 hours; a deal never touched has none (missing).
    """
    if first_activities is not None:
        fa = first_activities.select(_fa_opp=first_activities.opportunity_id,
                                     first_activity_at=first_activities.first_activity_at)
        opps = opps.left_join(fa, opps.opportunity_id == fa._fa_opp).drop("_fa_opp")
        touch = opps.first_touch_at.fill_null(opps.first_activity_at)
    else:
        touch = opps.first_touch_at
    gap = _hours_between(opps.created_at, touch)
    opps = opps.mutate(follow_up_hours=ibis.ifelse(gap < 0.0, 0.0, gap))  # stays missing when never touched
    return opps.drop("first_activity_at") if first_activities is not None else opps


def created_deals(opps: ibis.Table, freq: str, first_activities: ibis.Table | None = None) -> ibis.Table:
    """Deals created per entity and period (by ``created_at``), with follow-up speed.

    Follow-up hours as in :func:`with_follow_up_hours`. Columns: ``pipeline_created``,
    ``follow_up_hours_median``, ``touched_known`` (deals with a known touch),
    ``touched_24h`` (of those, within 24 h).
    """
    opps = with_follow_up_hours(opps, first_activities)
    hours = opps.follow_up_hours
    known = hours.notnull()
    return opps.group_by(entity_id=opps.entity_id, period_key=period_of(opps.created_at, freq)).agg(
        pipeline_created=opps.amount.sum(),
        follow_up_hours_median=hours.median(),
        touched_known=known.sum(),
        touched_24h=(known & (hours <= 24.0)).sum(),
    )


def pipeline_flow(opps: ibis.Table, freq: str) -> ibis.Table:
    """Net change of the open pipeline per entity and period: ``pipeline_change``.

    A deal adds its amount in the period it was created and removes it in the period it
    closed (or, for a close dated before creation, the creation period), so the running
    sum over periods is the amount open at each period end — created before the end and
    not closed before it. Amounts are summed as DECIMAL(38, 6) so the running sum is exact.
    """
    money = dt.Decimal(38, 6)
    opened = opps.select(
        entity_id=opps.entity_id, period_key=period_of(opps.created_at, freq), change=opps.amount.cast(money)
    )
    closed = opps.filter(opps.closed_at.notnull() & opps.amount.notnull())
    closing_at = ibis.greatest(closed.closed_at, closed.created_at)
    shut = closed.select(
        entity_id=closed.entity_id, period_key=period_of(closing_at, freq), change=-closed.amount.cast(money)
    )
    flows = opened.union(shut)
    return flows.group_by("entity_id", "period_key").agg(pipeline_change=flows.change.sum())


def activity_counts(activities: ibis.Table, freq: str) -> ibis.Table:
    """Activities per entity and period (by activity date): column ``activities``."""
    return activities.group_by(entity_id=activities.entity_id, period_key=period_of(activities.at, freq)).agg(
        activities=activities.count()
    )


def active_reps(members: ibis.Table, periods: ibis.Table) -> ibis.Table:
    """Reps of each entity hired before each period ends (or with no hire date): ``active_reps``.

    ``periods`` has ``period_key`` and ``period_end`` (exclusive) columns.
    """
    p = periods.select(period_key=periods.period_key, _end=periods.period_end)
    if "hire_date" in members.columns:
        on_roster = members.hire_date.isnull() | (members.hire_date < p._end)
        joined = members.join(p, on_roster)
    else:
        joined = members.cross_join(p)
    return joined.group_by("entity_id", "period_key").agg(active_reps=joined.count())


def order_counts(orders: ibis.Table, freq: str) -> ibis.Table:
    """Orders per entity and period (by ``ordered_at``): ``orders_completed``, ``orders_cancelled``."""
    return orders.group_by(entity_id=orders.entity_id, period_key=period_of(orders.ordered_at, freq)).agg(
        orders_completed=(orders.status == "completed").sum(),
        orders_cancelled=(orders.status == "cancelled").sum(),
    )


def survey_stats(surveys: ibis.Table, freq: str) -> ibis.Table:
    """Surveys per entity and period (by survey date): ``csat_mean``, ``csat_responses``."""
    scored = surveys.filter(surveys.score.notnull())
    return scored.group_by(entity_id=scored.entity_id, period_key=period_of(scored.at, freq)).agg(
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
    return firsts.group_by(entity_id=firsts.entity_id, period_key=period_of(firsts.closed_at, freq)).agg(
        new_accounts=firsts.count()
    )


def stage_entries(history: ibis.Table, opps: ibis.Table, stages: tuple[str, ...]) -> ibis.Table:
    """Per deal: when it first entered each open stage, and how far it got.

    Returns ``opportunity_id, entity_id, entered_0 … entered_<n-1>, reached`` where
    ``entered_i`` is the first time the deal entered ``stages[i]`` (missing if never)
    and ``reached`` is the furthest stage index it ever entered, or ``len(stages)`` for
    a won deal (a won deal has passed every open stage). Stages not in ``stages`` are
    ignored.
    """
    n = len(stages)
    known = history.filter(history.stage.isin(stages))
    index = ibis.cases(*[(known.stage == s, i) for i, s in enumerate(stages)], else_=None)
    firsts = {f"entered_{i}": known.entered_at.min(where=known.stage == s) for i, s in enumerate(stages)}
    per_deal = known.group_by(opportunity_id=known.opportunity_id).agg(furthest=index.max(), **firsts)
    deals = opps.select(_o_opp=opps.opportunity_id, entity_id=opps.entity_id, _won=opps.outcome == "won")
    joined = per_deal.join(deals, per_deal.opportunity_id == deals._o_opp)
    return joined.select(
        "opportunity_id",
        "entity_id",
        *[f"entered_{i}" for i in range(n)],
        reached=ibis.ifelse(joined._won, n, joined.furthest),
    )


def stage_conversion_counts(entries: ibis.Table, n_stages: int, freq: str) -> ibis.Table:
    """For each open stage i, per entity and period of first entering it:
    ``stage_entered_<i>`` and ``stage_converted_<i>``, all stages in one table.

    A deal that entered stage i converted if it ever reached stage i + 1 or later
    (``reached > i``); stage ``n_stages`` stands for won. The entry times are unpivoted to
    one row per deal and stage entered, so the deals are read and aggregated once for
    every stage together rather than once per stage (an engine that inlines the shared
    ``entries`` would otherwise rebuild them for each stage). An entity and period where
    some stage saw no entry hold 0 for it, which :func:`assemble` treats as missing.
    """
    entered = [f"entered_{i}" for i in range(n_stages)]
    long = entries.select("entity_id", "reached", *entered).pivot_longer(
        entered, names_to="stage_index", names_pattern=r"entered_(\d+)", names_transform=int,
        values_to="entered_at",
    )
    long = long.filter(long.entered_at.notnull())
    counts = {}
    for i in range(n_stages):
        at_stage = long.stage_index == i
        counts[f"stage_entered_{i}"] = at_stage.sum()
        counts[f"stage_converted_{i}"] = (at_stage & (long.reached > i)).sum()
    return long.group_by(entity_id=long.entity_id, period_key=period_of(long.entered_at, freq)).agg(**counts)


def _attach_all(grid: ibis.Table, families: list[ibis.Table]) -> ibis.Table:
    """Left-join every family (keyed by entity_id, period_key) onto the grid, in one join chain.

    One chain compiles to a single SELECT with n joins, which ibis translates much faster
    than n nested joins.
    """
    t = grid
    for i, family in enumerate(families):
        on = [grid.entity_id == family.entity_id, grid.period_key == family.period_key]
        t = t.left_join(family, on, rname=f"{{name}}__key{i}")
    return t.select(*[c for c in t.columns if "__key" not in c])


#: Metrics of :func:`assemble` whose value in a period reads earlier periods (the growth lags,
#: the open pipeline's running sum): only with one of them does ``compute_kpis`` widen the
#: reporting grid to the data's whole span. A new metric over a window belongs here.
LOOKS_BACK = frozenset({"bookings_growth_pop", "bookings_growth_yoy", "open_pipeline", "pipeline_coverage"})

#: Family columns that are counts or sums: a missing row means 0.
_ZERO_FILLED = (
    "bookings", "deals_won", "deals_lost", "pipeline_created", "touched_known",
    "touched_24h", "pipeline_change", "activities", "active_reps", "orders_completed",
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
        Every ``(entity_id, period, period_key)`` to report, with ``workdays`` (Mon-Fri days in the
        period) and, when targets or market sizes are known, ``bookings_target``,
        ``next_bookings_target`` and ``market_size``. The grid must hold every period
        between the first and the last one (growth looks back by position).
    families : list of ibis.Table
        Outputs of the family functions above, keyed by ``entity_id, period_key``.
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
    t = _attach_all(grid, families)
    fills = {c: t[c].fill_null(0) for c in _ZERO_FILLED if c in t.columns}
    t = t.mutate(**fills)
    by_entity = ibis.window(group_by=t.entity_id, order_by=t.period_key)
    running = ibis.window(group_by=t.entity_id, order_by=t.period_key, rows=(None, 0))
    derived = {
        "bookings": lambda: t.bookings,
        "bookings_target": lambda: t.bookings_target,
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
        "open_pipeline": lambda: t.pipeline_change.sum().over(running),
        "pipeline_coverage": lambda: ratio(t.pipeline_change.sum().over(running), t.next_bookings_target),
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
