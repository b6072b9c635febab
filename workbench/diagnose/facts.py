"""The facts a diagnosis tests: per-deal, per-month and per-survey frames of one window.

:func:`prepare` derives them once from a :class:`~workbench.io.SalesData`, keyed by
``rep_id``, one small function per kind of fact; :func:`entity_frames` then re-keys them
by team or region so one set of rules diagnoses every level.

Definitions shared with the KPIs are not repeated here: stage order comes from
:mod:`workbench.io.stages`, a deal's follow-up hours from
:func:`workbench.kpi.deals.deal_follow_up_hours`, activities per rep and month from
:func:`workbench.kpi.facts.activity_months` (both computed in the KPI engine, so a diagnosis
reads the same facts from pandas data and from Spark) and window targets from
:mod:`workbench.kpi.targets`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.diagnose.window import Window, data_span, resolve_window
from workbench.io.span import check_period_in_data
from workbench.io.stages import WON_STEP
from workbench.kpi.deals import deal_follow_up_hours
from workbench.kpi.facts import SalesFacts, as_sales_input
from workbench.kpi.facts import activity_months as rep_month_activities
from workbench.kpi.targets import window_targets
from workbench.periods import parse_period, period_label

__all__ = ["Prepared", "prepare", "entity_frames", "arrow_codes", "stage_centre", "stage_deals", "mix_cells"]

#: Entity levels the diagnosis runs on (the company is every team's peer group).
LEVELS = ("rep", "team", "region")
#: Columns of the deal facts that no rule of any level reads (the competition analysis reads them from
#: ``Prepared.all_closed``): :func:`entity_frames` leaves them out, so every filter of a level's deals
#: copies only what its rules use.
DEAL_COLUMNS_LEFT_OUT = ("outcome", "stage", "competitor", "lost_reason", "decided", "ramping")


@dataclass(frozen=True)
class Prepared:
    """Facts of one window, all keyed by ``rep_id`` (internal to the diagnosis)."""

    window: Window
    reps: pd.DataFrame  # rep_id, team, region, hire_date, workdays, ramp_end
    stages: tuple  # open stages in funnel order (workbench.io.stages)
    closed: pd.DataFrame  # deals decided in the window (not created while ramping up)
    closed_with_ramp: pd.DataFrame  # every deal decided in the window: bookings, decomposition
    created: pd.DataFrame  # deals created in the window (follow-up speed)
    stage_days: pd.DataFrame  # rep_id, opportunity_id, stage, product, days (deals closed in window)
    activity_months: pd.DataFrame | None  # rep_id, month, activities, prospecting, workdays
    surveys: pd.DataFrame | None  # rep_id, score
    orders: pd.DataFrame | None  # rep_id, status, amount
    open_pipeline: pd.Series  # rep_id -> open amount at window end
    open_count: pd.Series  # rep_id -> number of open deals at window end
    targets: pd.DataFrame  # entity_type, entity_id, target (bookings over the window)
    all_closed: pd.DataFrame  # every decided deal up to window end (regressions, trends)
    has_stage_history: bool  # whether funnel steps were measured from stage_history
    won_stage: str = WON_STEP  # label of the step after the last open stage
    #: the months the behaviour facts reach back to when older history is borrowed (None: the window only);
    #: the per-row facts then carry a ``weight`` (1 in the window, halving every ``half_life`` months before)
    history: Window | None = None
    half_life: float | None = None
    #: each ``stage_days`` row's deal as a code in order of first appearance (``pd.factorize`` of its
    #: ``opportunity_id``), computed once from integer deal positions and shared by every level
    stage_deal: np.ndarray | None = None
    #: each ``stage_days`` row's typical ``log1p(days)``: the median over the same stage and product
    #: (:func:`stage_centre`), computed once and shared by every level's pace and stage tests
    stage_centre: np.ndarray | None = None
    #: each ``closed`` deal's lead source × product as an integer cell (:func:`mix_cells`), computed once
    #: and shared by every level's mix-adjusted and deal-size tests
    deal_cell: np.ndarray | None = None
    #: per deal of ``stage_days`` (by ``stage_deal`` code): its first row, mean pace and days in its stages
    #: (:func:`stage_deals`), computed once and shared by every level's pace, stall and bottleneck tests
    stage_deals: pd.DataFrame | None = None


def history_weight(at, window_start: pd.Timestamp, half_life: float) -> np.ndarray:
    """Weight of facts dated ``at`` when older history is borrowed: 1 inside the window,
    halving every ``half_life`` months before its start.

    Exponential down-weighting is the steady-state filter of a local-level model (the true
    rate drifts as a random walk), so the weighted mean is the rep's *current* rate with
    the older months as a prior that fades with their age.

    >>> at = pd.to_datetime(["2026-03-10", "2025-01-01", "2024-01-01"])
    >>> history_weight(at, pd.Timestamp("2025-01-01"), 12.0).round(2).tolist()
    [1.0, 1.0, 0.5]
    """
    age = (pd.Timestamp(window_start) - pd.DatetimeIndex(at)) / pd.Timedelta(days=365.25 / 12)
    return np.power(0.5, np.clip(np.asarray(age, dtype=float), 0.0, None) / float(half_life))


def arrow_codes(values: pd.Series, universe: pd.Series) -> np.ndarray:
    """Position of each value in ``universe`` (−1 when absent or missing), hashed in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow(series):
        arr = pa.array(series.astype(object).where(series.notna(), None) if series.dtype == object else series,
                       from_pandas=True)
        return arr.cast(pa.large_string()) if not pa.types.is_large_string(arr.type) else arr

    found = pc.index_in(arrow(values), value_set=arrow(universe))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def stage_centre(stage_days: pd.DataFrame) -> np.ndarray:
    """Each stage passage's typical ``log1p(days)``: the median over passages of the same stage
    and product (a missing product is a category of its own).

    >>> sd = pd.DataFrame({"stage": ["a", "a", "b"], "product": ["x", "x", "x"], "days": [0.0, 2.0, 1.0]})
    >>> np.expm1(stage_centre(sd)).round(3).tolist()
    [0.732, 0.732, 1.0]
    """
    y = np.log1p(stage_days["days"].to_numpy(float))
    stg, _ = pd.factorize(stage_days["stage"])
    prd, prd_u = pd.factorize(stage_days["product"], use_na_sentinel=False)
    return pd.Series(y).groupby(stg * (len(prd_u) + 1) + prd).transform("median").to_numpy()


def stage_deals(stage_days: pd.DataFrame, deal: np.ndarray, centre: np.ndarray) -> pd.DataFrame:
    """Per deal of ``stage_days``: its ``first`` row, its ``pace`` (the mean over its stage passages of
    ``log1p(days)`` minus the typical passage ``centre``) and its total ``days`` in open stages.

    ``deal`` are the rows' deal codes in order of first appearance (``pd.factorize``), so row ``i``
    of the result is deal code ``i``. A deal belongs to one rep, so every level reads its entity
    off the deal's first row.

    >>> sd = pd.DataFrame({"days": [1.0, 3.0, 2.0]})
    >>> stage_deals(sd, np.array([0, 0, 1]), np.zeros(3)).round(3).to_dict("list")
    {'first': [0, 2], 'pace': [1.04, 1.099], 'days': [4.0, 2.0]}
    """
    days = stage_days["days"].to_numpy(float)
    per_row = pd.DataFrame({"deal": deal, "pace": np.log1p(days) - centre, "days": days})
    per_deal = per_row.groupby("deal").agg(pace=("pace", "mean"), days=("days", "sum"))
    first = np.unique(deal, return_index=True)[1]  # codes follow the order of first appearance
    return pd.DataFrame({"first": first, "pace": per_deal["pace"].to_numpy(), "days": per_deal["days"].to_numpy()})


def mix_cells(deals: pd.DataFrame) -> np.ndarray:
    """Each deal's lead source × product as one integer cell (a missing value is a category of its own).

    Codes follow the order of first appearance, so deals of the same source and product share a cell.

    >>> deals = pd.DataFrame({"source": ["web", "web", None], "product": ["A", "B", "A"]})
    >>> mix_cells(deals).tolist()
    [0, 1, 3]
    """
    src, _ = pd.factorize(deals["source"], use_na_sentinel=False)
    prd, prd_u = pd.factorize(deals["product"], use_na_sentinel=False)
    return src * (len(prd_u) + 1) + prd


def _workdays(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return int(np.busday_count(start.date(), end.date())) if end > start else 0


def _rep_exposure(reps: pd.DataFrame, win: Window, ramp_months: int) -> pd.DataFrame:
    """Reps in scope (hired before the window ends) with their workdays in it and ramp end."""
    frame = pd.DataFrame({
        "rep_id": reps["rep_id"].astype(str),
        "team": reps["team"].astype(str),
        "region": reps["region"].astype(str),
        "hire_date": reps["hire_date"],
    })
    active_start = frame["hire_date"].where(frame["hire_date"] > win.start, win.start)
    frame["workdays"] = [_workdays(s, win.end) if pd.notna(s) else _workdays(win.start, win.end)
                         for s in active_start]
    frame["ramp_end"] = frame["hire_date"] + pd.DateOffset(months=int(ramp_months))
    return frame[frame["workdays"] > 0].reset_index(drop=True)


def _deal_frame(opps: pd.DataFrame, reps: pd.DataFrame, follow_up: pd.DataFrame, ramp_months: int) -> pd.DataFrame:
    """One row per deal of a rep in scope, with follow-up hours, cycle days and flags."""
    deals = pd.DataFrame({
        "opportunity_id": opps["opportunity_id"].astype(str),
        "rep_id": opps["rep_id"].astype(str),
        "product": opps["product"].astype(object),
        "source": opps["source"].astype(object),
        "amount": opps["amount"].astype(float),
        "created_at": opps["created_at"],
        "closed_at": opps["closed_at"],
        "outcome": opps["outcome"].astype(str),
        "stage": opps["stage"].astype(object),
        "competitor": opps["competitor"].astype(object),
        "lost_reason": opps["lost_reason"].astype(object),
    })
    rep = arrow_codes(deals["rep_id"], reps["rep_id"])  # each deal's rep among the reps in scope (−1: none)
    deals = deals[rep >= 0].reset_index(drop=True)
    rep = rep[rep >= 0]
    # deals a rep created while ramping up are left out of behaviour tests (bookings keep them);
    # looked up by position (Arrow hashing), as a reindex on rep_id would
    deals["ramping"] = (deals["created_at"] < reps["ramp_end"].to_numpy()[rep]) if ramp_months else False
    at = arrow_codes(deals["opportunity_id"], follow_up["opportunity_id"])
    hours = follow_up["follow_up_hours"].to_numpy(float)
    deals["follow_up_hours"] = np.where(at >= 0, hours[np.maximum(at, 0)] if len(hours) else np.nan, np.nan)
    deals["cycle_days"] = (deals["closed_at"] - deals["created_at"]).dt.total_seconds() / 86400.0
    deals["won"] = deals["outcome"] == "won"
    deals["decided"] = deals["outcome"].isin(["won", "lost"]) & deals["closed_at"].notna()
    return deals


def _stage_reach(history: pd.DataFrame | None, deals: pd.DataFrame, stages: tuple, win: Window):
    """The furthest open stage each decided deal reached, and days spent in each stage.

    Returns ``(reached, stage_days, measured, stage_deal)``: ``reached`` is the stage index (−1 when
    the deal entered no open stage; ``len(stages)`` for a won deal), ``stage_days`` the
    time each deal closed in the window spent in each open stage (until its next entry or
    its close), ``measured`` whether stage history was there to measure it, ``stage_deal``
    each ``stage_days`` row's deal code (order of first appearance). Without
    stage history no step is invented: ``reached`` is −1 for every deal not won.
    """
    empty_days = pd.DataFrame(columns=["rep_id", "opportunity_id", "stage", "product", "days"])
    reached = pd.Series(-1, index=deals.index, dtype=int)
    measured = history is not None and not history.empty and bool(stages)
    if measured:
        # integer deal codes (hashed in Arrow) instead of string joins: 10× faster at scale
        code = arrow_codes(history["opportunity_id"], deals["opportunity_id"])
        stage_index = {s: i for i, s in enumerate(stages)}
        stage_code, stage_names = pd.factorize(history["stage"])
        idx = np.array([stage_index.get(str(n), -1) for n in stage_names] + [-1])[stage_code]
        entered = history["entered_at"].to_numpy()
        decided = deals["decided"].to_numpy()
        keep = (code >= 0) & (decided[np.maximum(code, 0)] if len(decided) else False)  # no deal in scope: none
        code, idx, entered = code[keep], idx[keep], entered[keep]
        furthest = np.full(len(deals), -1)
        np.maximum.at(furthest, code, idx)
        reached = pd.Series(furthest, index=deals.index)
        # time spent in each open stage: until the next entry (or the close); a history exported deal by
        # deal in time order is sorted already (checked in one pass; a missing time is never taken as sorted)
        in_order = len(code) < 2 or bool(np.all((code[1:] > code[:-1])
                                                | ((code[1:] == code[:-1]) & (entered[1:] >= entered[:-1]))))
        if not in_order:
            order = np.lexsort((entered, code))
            code, idx, entered = code[order], idx[order], entered[order]
        same_next = np.r_[code[1:] == code[:-1], False]
        closed_arr = deals["closed_at"].to_numpy().astype(entered.dtype)
        leave = np.where(same_next, np.r_[entered[1:], entered[:1]], closed_arr[code])
        days = (leave - entered) / np.timedelta64(1, "D")
        closed_in = (deals["decided"] & ~deals["ramping"] & (deals["closed_at"] >= win.start)
                     & (deals["closed_at"] < win.end)).to_numpy()
        ok = (idx >= 0) & ~np.isnan(days) & (days >= 0) & closed_in[code]
        stage_deal = pd.factorize(code[ok])[0]
        stage_days = pd.DataFrame({
            # taken from the Arrow arrays directly: no round trip through Python objects
            "rep_id": deals["rep_id"].array.take(code[ok]),
            "opportunity_id": deals["opportunity_id"].array.take(code[ok]),
            "stage": np.asarray(stages, dtype=object)[idx[ok]],
            "product": deals["product"].array.take(code[ok]),
            "days": days[ok],
        })
    else:
        stage_days, stage_deal = empty_days, np.zeros(0, dtype=np.intp)
    reached = reached.where(~deals["won"], len(stages) if measured else 0)
    return reached, stage_days, measured, stage_deal


def _open_at_end(deals: pd.DataFrame, win: Window) -> tuple[pd.Series, pd.Series]:
    """Open amount and number of open deals per rep at the window end (as ``open_pipeline``)."""
    is_open = (deals["created_at"] < win.end) & ((deals["outcome"] == "open") | (deals["closed_at"] >= win.end))
    open_deals = deals[is_open]
    return open_deals.groupby("rep_id")["amount"].sum(), open_deals.groupby("rep_id").size()


def _activity_months(counts: pd.DataFrame | None, reps: pd.DataFrame, win: Window) -> pd.DataFrame | None:
    """Activities (all, and prospecting ones not tied to a deal) per rep and month of the window.

    ``counts`` are the engine's activities per rep and month
    (:func:`workbench.kpi.facts.activity_months`; None without an activities table).
    Months with fewer than 5 workdays on the roster, ramp-up months and months before the
    first logged activity (missing data, not zero activity) are left out.
    """
    if counts is None or counts.empty:
        return None
    month_num = counts["month"].to_numpy().astype("datetime64[M]").astype(np.int64)
    month_idx = month_num - np.datetime64(win.start, "M").astype(np.int64)
    rep_code = arrow_codes(counts["rep_id"], reps["rep_id"])
    ok = (rep_code >= 0) & (month_idx >= 0) & (month_idx < win.months)
    cell = rep_code[ok] * win.months + month_idx[ok]
    size = len(reps) * win.months
    months = pd.date_range(win.start, periods=win.months, freq="MS")
    am = pd.DataFrame({
        "rep_id": np.repeat(reps["rep_id"].to_numpy(), win.months),
        "month": np.tile(months.to_numpy(), len(reps)),
        "activities": np.bincount(cell, weights=counts["activities"].to_numpy(float)[ok], minlength=size),
        "prospecting": np.bincount(cell, weights=counts["prospecting"].to_numpy(float)[ok], minlength=size),
    })
    month_end = am["month"] + pd.DateOffset(months=1)
    starts = pd.Series(reps.set_index("rep_id")["hire_date"].reindex(am["rep_id"]).to_numpy(), index=am.index)
    from_ = am["month"].where(~(starts > am["month"]), starts)
    am["workdays"] = np.busday_count(
        from_.to_numpy().astype("datetime64[D]"), month_end.to_numpy().astype("datetime64[D]")
    ).clip(min=0)
    ramp = pd.Series(reps.set_index("rep_id")["ramp_end"].reindex(am["rep_id"]).to_numpy(), index=am.index)
    first_logged = pd.Timestamp(counts["month"].min())  # the month of the first activity of any rep
    logged = am["month"] >= pd.Timestamp(first_logged.year, first_logged.month, 1)
    return am[(am["workdays"] >= 5) & ~(am["month"] < ramp) & logged].reset_index(drop=True)


def _window_surveys(surveys: pd.DataFrame | None, reps: pd.DataFrame, win: Window) -> pd.DataFrame | None:
    """Scores of surveys answered in the window for reps in scope."""
    if surveys is None or surveys.empty:
        return None
    s = surveys[(surveys["at"] >= win.start) & (surveys["at"] < win.end)]
    out = pd.DataFrame({"rep_id": s["rep_id"].astype(str), "score": s["score"].astype(float), "at": s["at"]})
    return out[out["rep_id"].isin(set(reps["rep_id"])) & out["score"].notna()].reset_index(drop=True)


def _window_orders(orders: pd.DataFrame | None, reps: pd.DataFrame, win: Window) -> pd.DataFrame | None:
    """Orders placed in the window for reps in scope: rep, status, amount."""
    if orders is None or orders.empty:
        return None
    o = orders[(orders["ordered_at"] >= win.start) & (orders["ordered_at"] < win.end)]
    out = pd.DataFrame({"rep_id": o["rep_id"].astype(str), "status": o["status"].astype(str),
                        "amount": o["amount"].astype(float).fillna(0.0), "ordered_at": o["ordered_at"]})
    return out[out["rep_id"].isin(set(reps["rep_id"]))].reset_index(drop=True)


def _history_window(win: Window, earliest, history_months: int) -> Window | None:
    """The window extended back by up to ``history_months`` whole months of data (None: none)."""
    if not history_months or earliest is None or pd.isna(earliest):
        return None
    first = pd.Timestamp(earliest)
    first_full = pd.Timestamp(first.year, first.month, 1)
    if first.normalize() > first_full:
        first_full += pd.DateOffset(months=1)
    start = max(pd.Timestamp(win.start - pd.DateOffset(months=int(history_months))), first_full)
    if start >= win.start:
        return None
    months = (win.end.year - start.year) * 12 + (win.end.month - start.month)
    return Window(start, win.end, months, win.period)


def prepare(data, period=None, window: int | None = None, ramp_months: int = 0, tables=None,
            history_months: int = 0, half_life: float | None = None) -> Prepared:
    """Derive every fact of the analysis window from the contract tables.

    Parameters
    ----------
    data : SalesData, SalesFacts, KPITables, path or dict of DataFrames
        Through :func:`workbench.kpi.facts.as_sales_input`: the engine's facts
        (:func:`workbench.kpi.sales_facts`) or the contract tables in pandas.
    period, window
        See :func:`~workbench.diagnose.window.resolve_window`.
    ramp_months : int
        The first months after a rep's hire date are left out of their behaviour and
        funnel metrics (new reps ramp up; that is not a performance problem).
    tables : KPITables, optional
        The data already on the KPI engine (saves converting it twice).
    history_months, half_life
        Borrow strength from up to ``history_months`` months before the window: the
        behaviour facts (decided and created deals, stage times, activity months, surveys,
        orders) then reach back that far, each row with a ``weight`` that halves every
        ``half_life`` months before the window start (see :func:`history_weight`).
        Bookings, targets and pipeline stay the window's.
    """
    data = as_sales_input(data, caller="diagnose")
    opps = data.opportunities
    span = data_span(opps)
    if period is not None:  # here, where the message can say what the data's first date is
        check_period_in_data(parse_period(period), span)
    win = resolve_window(period, window, span.latest, span.earliest)
    reps = _rep_exposure(data.reps, win, ramp_months)
    if reps.empty and len(data.reps):
        first_hire = data.reps["hire_date"].min()
        raise ValueError(
            f"No rep was on the team during the window {win.label} ending with {win.period}: the first hire date "
            f"is {first_hire:%Y-%m-%d}; pick a period from {period_label(first_hire, 'M')}."
        )
    engine = data if isinstance(data, SalesFacts) or tables is None else tables  # SalesFacts carry their facts
    deals = _deal_frame(opps, reps, deal_follow_up_hours(engine), ramp_months)
    hist = _history_window(win, span.earliest, history_months) if half_life else None
    facts_win = hist or win  # the months the behaviour facts cover
    reached, stage_days, measured, stage_deal = _stage_reach(data.stage_history, deals, data.stages, facts_win)
    deals["reached"] = reached

    decided = deals["decided"]
    all_closed = deals[decided & (deals["closed_at"] < win.end)].reset_index(drop=True)
    closed_with_ramp = all_closed[all_closed["closed_at"] >= win.start].reset_index(drop=True)
    closed = all_closed[(all_closed["closed_at"] >= facts_win.start) & ~all_closed["ramping"]].reset_index(drop=True)
    created = deals[(deals["created_at"] >= facts_win.start) & (deals["created_at"] < win.end)
                    & ~deals["ramping"]].reset_index(drop=True)
    open_pipeline, open_count = _open_at_end(deals, win)
    counts = rep_month_activities(engine) if data.has("activities") else None
    activity_months = _activity_months(counts, reps, facts_win)
    surveys = _window_surveys(data.surveys, reps, facts_win)
    orders = _window_orders(data.orders, reps, facts_win)
    if hist is not None:  # each fact weighted by its age before the window
        def weigh(frame, at):
            return None if frame is None else frame.assign(weight=history_weight(at, win.start, half_life))

        closed = weigh(closed, closed["closed_at"])
        created = weigh(created, created["created_at"])
        closed_at = deals.set_index("opportunity_id")["closed_at"]
        stage_days = weigh(stage_days, stage_days["opportunity_id"].map(closed_at))
        if activity_months is not None:
            activity_months = weigh(activity_months, activity_months["month"] + pd.Timedelta(days=15))
        if surveys is not None:
            surveys = weigh(surveys, surveys.pop("at"))
        if orders is not None:
            orders = weigh(orders, orders.pop("ordered_at"))
    else:
        surveys = None if surveys is None else surveys.drop(columns="at")
        orders = None if orders is None else orders.drop(columns="ordered_at")
    centre = stage_centre(stage_days) if len(stage_days) else np.zeros(0)
    return Prepared(
        window=win,
        reps=reps,
        stages=tuple(data.stages),
        closed=closed,
        closed_with_ramp=closed_with_ramp,
        created=created,
        stage_days=stage_days,
        activity_months=activity_months,
        surveys=surveys,
        orders=orders,
        open_pipeline=open_pipeline,
        open_count=open_count,
        targets=window_targets(data.targets, data.reps, win.start, win.end, "bookings", by=LEVELS),
        all_closed=all_closed,
        has_stage_history=measured,
        history=hist,
        half_life=float(half_life) if hist is not None else None,
        stage_deal=stage_deal,
        stage_centre=centre,
        deal_cell=mix_cells(closed),
        stage_deals=stage_deals(stage_days, stage_deal, centre),
    )


def _entity_months(am: pd.DataFrame) -> pd.DataFrame:
    """Activity months summed per entity and month (a month's history weight is the month's)."""
    sums = am.groupby(["entity", "month"], as_index=False)[["activities", "prospecting", "workdays"]].sum()
    if "weight" in am.columns:
        sums["weight"] = am.groupby(["entity", "month"])["weight"].first().to_numpy()
    return sums


def entity_frames(prep: Prepared, level: str) -> dict:
    """The prepared facts re-keyed by entity (``rep``, ``team`` or ``region``).

    Returns a dict with an ``entity`` column on every frame and ``entities``: one row per
    entity with its peer-group keys (finest first) and its bookings target over the window.
    The deal frames leave out :data:`DEAL_COLUMNS_LEFT_OUT`.
    """
    reps = prep.reps
    if level == "rep":
        key = reps.set_index("rep_id", drop=False)["rep_id"]
        entities = reps.rename(columns={"rep_id": "entity"})[["entity", "team", "region", "workdays"]]
        groups = ["team", "region"]
    elif level == "team":
        key = reps.set_index("rep_id")["team"]
        entities = (
            reps.groupby("team")
            .agg(region=("region", lambda s: s.mode().iat[0]), workdays=("workdays", "sum"))
            .reset_index()
            .rename(columns={"team": "entity"})
        )
        groups = ["region"]
    elif level == "region":
        key = reps.set_index("rep_id")["region"]
        entities = reps.groupby("region").agg(workdays=("workdays", "sum")).reset_index()
        entities = entities.rename(columns={"region": "entity"})
        groups = []
    else:  # pragma: no cover - checked by the config
        raise ValueError(f"Unknown entity level {level!r}.")
    entities = entities.assign(company="company").set_index("entity", drop=False)
    t = prep.targets
    entities["target"] = (
        t[t["entity_type"] == level].set_index("entity_id")["target"].reindex(entities.index).astype(float)
    )

    key_values = key.reindex(reps["rep_id"]).array  # the Arrow strings themselves: taken, not converted

    def keyed(frame, drop=()):
        if frame is None:
            return None
        frame = frame.drop(columns=[c for c in drop if c in frame.columns]) if drop else frame
        if level == "rep":
            return frame.assign(entity=frame["rep_id"])
        code = arrow_codes(frame["rep_id"], reps["rep_id"])
        return frame.assign(entity=key_values.take(code, allow_fill=True))  # missing where code is −1

    return {
        "level": level,
        "rep_entity": key,
        "entities": entities,
        "groups": [entities[g] for g in groups] + [entities["company"]],
        "closed": keyed(prep.closed, DEAL_COLUMNS_LEFT_OUT),
        "closed_with_ramp": keyed(prep.closed_with_ramp, DEAL_COLUMNS_LEFT_OUT),
        "created": keyed(prep.created, DEAL_COLUMNS_LEFT_OUT),
        "stage_days": keyed(prep.stage_days),
        "stage_deal": prep.stage_deal,
        "stage_centre": prep.stage_centre,
        "stage_deals": prep.stage_deals,
        "deal_cell": prep.deal_cell,
        "activity_months": (
            None
            if prep.activity_months is None
            else _entity_months(keyed(prep.activity_months))
        ),
        "surveys": keyed(prep.surveys),
        "orders": keyed(prep.orders),
        "open_pipeline": prep.open_pipeline.groupby(prep.open_pipeline.index.map(key)).sum(),
        "open_count": prep.open_count.groupby(prep.open_count.index.map(key)).sum(),
    }
