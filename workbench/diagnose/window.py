"""Prepare the analysis window: the per-deal, per-month and per-survey facts the drivers test.

Everything the rules need is derived here once from the contract tables, keyed by
``rep_id``; :func:`entity_frames` then re-keys it by team or region so one set of rules
diagnoses every level.

Window rule: the diagnosis looks at ``window`` whole months ending at the end of
``period``. By default it uses all the history the data holds up to that point (whole
months from the first decided deal), at most :data:`MAX_DEFAULT_WINDOW` (36) months and at least
the period itself: the drivers are persistent causes and a rep decides only a few deals a
month, so stage-level conversion and product win rates need years of deals to tell a real
problem from noise. Pass ``window=12`` (or ``--window 12``) to judge only recent behaviour,
``window=3`` with ``period="2026-Q1"`` to analyse exactly Q1. Bookings, targets, funnel
and behaviour are all measured over that same window, so the parts of the gap add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.io.stages import infer_stages
from workbench.periods import parse_period

__all__ = ["Window", "Prepared", "prepare", "entity_frames", "resolve_window", "recent_window", "get_tables"]

#: Longest default window, in months (when the data holds that much history).
MAX_DEFAULT_WINDOW = 36

_TERMINAL = re.compile(r"(?:closed|won|lost|win|loss|赢单|输单|成交|丢单)", re.I)
#: Pseudo-stage a won deal reaches after the last open stage.
WON = "Won"


@dataclass(frozen=True)
class Window:
    """The analysed months: ``[start, end)``, ``months`` long, ending with ``period``."""

    start: pd.Timestamp
    end: pd.Timestamp
    months: int
    period: str

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}..{(self.end - pd.Timedelta(days=1)):%Y-%m}"


def resolve_window(
    period, window: int | None, latest: pd.Timestamp | None = None, earliest: pd.Timestamp | None = None
) -> Window:
    """Turn ``period`` (``2026-Q1``, ``2026-03``, …) and ``window`` (months) into a Window.

    Without ``window``: every whole month from ``earliest`` (the first decided deal) to the
    period's end, at most 36 and at least the period's own length.

    Examples
    --------
    >>> w = resolve_window("2026-Q1", None, earliest=pd.Timestamp("2025-06-20"))
    >>> (str(w.start.date()), str(w.end.date()), w.months)
    ('2025-07-01', '2026-04-01', 9)
    >>> resolve_window("2026-Q1", 3).label
    '2026-01..2026-03'
    """
    if period is None:
        if latest is None:
            raise ValueError("Give a period (e.g. '2026-Q1') or data to infer the last full month from.")
        last = pd.Timestamp(latest)
        month_start = pd.Timestamp(last.year, last.month, 1)
        # the last *full* month before the newest record
        nxt = month_start + pd.DateOffset(months=1)
        end = nxt if last >= nxt - pd.Timedelta(days=1) else month_start
        p = parse_period(f"{(end - pd.Timedelta(days=1)):%Y-%m}")
    else:
        p = parse_period(period)
    if p.freq == "W":
        raise ValueError(f"Diagnosis works on months, quarters or years; got week {period!r}.")
    period_months = {"M": 1, "Q": 3, "Y": 12}[p.freq]
    if window is not None:
        months = int(window)
    else:
        available = MAX_DEFAULT_WINDOW
        if earliest is not None and pd.notna(earliest):
            first = pd.Timestamp(earliest)
            first_full = pd.Timestamp(first.year, first.month, 1)
            if first.normalize() > first_full:  # starts mid-month: that month is partial
                first_full += pd.DateOffset(months=1)
            available = (p.end.year - first_full.year) * 12 + (p.end.month - first_full.month)
        months = max(period_months, min(MAX_DEFAULT_WINDOW, available))
    if months < 1:
        raise ValueError(f"The 'window' parameter must be ≥ 1 month; got {window!r}.")
    start = p.end - pd.DateOffset(months=months)
    return Window(pd.Timestamp(start), pd.Timestamp(p.end), months, p.label)


def recent_window(window: Window, months: int = 12) -> Window:
    """The last ``months`` (at most the window's length) of a window: trends compare it
    with the same number of months just before it (year over year by default).

    >>> recent_window(resolve_window("2026-Q1", 24)).label
    '2025-04..2026-03'
    """
    n = min(months, window.months)
    return Window(pd.Timestamp(window.end - pd.DateOffset(months=n)), window.end, n, window.period)


def get_tables(data) -> dict[str, pd.DataFrame]:
    """The provided tables of a SalesData or a dict of DataFrames, plus the stage order."""
    if hasattr(data, "tables") and hasattr(data, "has"):
        tables = dict(data.tables)
        stages = tuple(getattr(data, "stages", ()) or ())
    elif isinstance(data, dict):
        tables = {k: v for k, v in data.items() if isinstance(v, pd.DataFrame)}
        raw = data.get("stages")
        if isinstance(raw, pd.DataFrame):  # the sample generator's (stage, order) table
            stages = tuple(raw.sort_values(raw.columns[-1])["stage"].astype(str)) if "stage" in raw else ()
        else:
            stages = tuple(raw or ())
    else:
        raise TypeError(
            f"diagnose() needs a SalesData (from workbench.load) or a dict of DataFrames; "
            f"got {type(data).__name__}."
        )
    for name, cols in {
        "reps": ["rep_id", "team", "region"],
        "opportunities": ["opportunity_id", "rep_id", "created_at", "amount", "outcome"],
    }.items():
        if name not in tables:
            raise DataError(f"Table {name!r} is required for a diagnosis but is missing.", file=name)
        missing = [c for c in cols if c not in tables[name].columns]
        if missing:
            raise DataError(
                f"Table {name!r} lacks column(s) {missing} needed for a diagnosis.",
                file=name,
                column=missing[0],
            )
    tables["__stages__"] = stages
    return tables


def _col(frame: pd.DataFrame, name: str, default=np.nan) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index)


def _dt(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


@dataclass(frozen=True)
class Prepared:
    """Facts of one window, all keyed by ``rep_id`` (internal to the diagnosis)."""

    window: Window
    reps: pd.DataFrame  # rep_id, team, region, active_months, workdays
    stages: tuple
    closed: pd.DataFrame  # deals decided in the window (not created while ramping up)
    closed_with_ramp: pd.DataFrame  # every deal decided in the window: bookings, decomposition
    created: pd.DataFrame  # deals created in the window (follow-up speed)
    stage_days: pd.DataFrame  # rep_id, opportunity_id, stage, days (deals closed in window)
    activity_months: pd.DataFrame | None  # rep_id, month, activities, workdays
    surveys: pd.DataFrame | None  # rep_id, score
    orders: pd.DataFrame | None  # rep_id, status, amount
    open_pipeline: pd.Series  # rep_id -> open amount at window end
    open_count: pd.Series  # rep_id -> number of open deals at window end
    won_stage: str  # name of the stage a won deal ends in ("Closed Won"), for labels
    targets: pd.DataFrame  # entity_type, entity_id, target (bookings over the window)
    all_closed: pd.DataFrame  # every decided deal up to window end (regressions, trends)

    @property
    def has_stage_history(self) -> bool:
        return bool(self.stages) and bool((self.closed["reached"] >= 0).any())


def _codes(values: pd.Series, universe: pd.Series) -> np.ndarray:
    """Position of each value in ``universe`` (−1 when absent or missing), hashed in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow(series):
        arr = pa.array(series.astype(object).where(series.notna(), None) if series.dtype == object else series,
                       from_pandas=True)
        return arr.cast(pa.large_string()) if not pa.types.is_large_string(arr.type) else arr

    found = pc.index_in(arrow(values), value_set=arrow(universe))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _workdays(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return int(np.busday_count(start.date(), end.date())) if end > start else 0


def _targets(targets: pd.DataFrame | None, window: Window, reps: pd.DataFrame) -> pd.DataFrame:
    cols = ["entity_type", "entity_id", "target"]
    if targets is None or targets.empty or "metric" not in targets.columns:
        return pd.DataFrame(columns=cols)
    t = targets[targets["metric"].astype(str).str.lower() == "bookings"]
    parsed = {}
    for text in pd.unique(t["period"].astype(str)):
        try:
            parsed[text] = parse_period(text)
        except ValueError:
            continue
    t = t.assign(period=t["period"].astype(str))
    t = t[t["period"].isin(list(parsed))]
    inside = {k: p for k, p in parsed.items() if p.start >= window.start and p.end <= window.end}
    t = t[t["period"].isin(list(inside))]
    months_of = {"M": 1, "Q": 3, "Y": 12, "W": 0.25}
    t = t.assign(
        freq=t["period"].map({k: p.freq for k, p in inside.items()}),
        months=t["period"].map({k: months_of[p.freq] for k, p in inside.items()}),
        target=pd.to_numeric(t["target"], errors="coerce"),
    )
    sums = t.groupby(["entity_type", "entity_id", "freq"], as_index=False)[["target", "months"]].sum()
    # the granularity that covers most months of the window, per entity
    sums = sums.sort_values("months").groupby(["entity_type", "entity_id"]).tail(1)
    rows = [
        (str(e), str(i), tot * window.months / cov)
        for e, i, tot, cov in zip(sums["entity_type"], sums["entity_id"], sums["target"], sums["months"])
    ]
    out = pd.DataFrame(rows, columns=cols)
    # teams / regions without their own target: sum of their reps' targets when all have one
    rep_t = out[out["entity_type"] == "rep"].set_index("entity_id")["target"]
    for level in ("team", "region"):
        have = set(out.loc[out["entity_type"] == level, "entity_id"])
        for key, members in reps.groupby(level)["rep_id"]:
            if str(key) in have or not len(members):
                continue
            if members.isin(rep_t.index).all():
                out.loc[len(out)] = (level, str(key), float(rep_t.reindex(members).sum()))
    return out


def prepare(data, period=None, window: int | None = None, ramp_months: int = 0) -> Prepared:
    """Derive every fact of the analysis window from the contract tables.

    ``ramp_months``: the first months after a rep's hire date are left out of their
    behaviour and funnel metrics (new reps ramp up; that is not a performance problem).
    """
    tables = get_tables(data)
    opps = tables["opportunities"]
    reps = tables["reps"]
    created_at = _dt(opps["created_at"])
    closed_at = _dt(_col(opps, "closed_at"))
    # history starts with the first decided deal (exports often hold older open deals only)
    earliest = closed_at.min() if closed_at.notna().any() else created_at.min()
    if period is None:
        latest = max(created_at.max(), closed_at.max())
        win = resolve_window(None, window, latest, earliest)
    else:
        win = resolve_window(period, window, earliest=earliest)

    # --- reps in scope: exposure (active months, workdays) -------------------------------
    hire = _dt(_col(reps, "hire_date"))
    rep_frame = pd.DataFrame(
        {
            "rep_id": reps["rep_id"].astype(str),
            "team": reps["team"].astype(str),
            "region": reps["region"].astype(str),
            "hire_date": hire,
        }
    )
    active_start = rep_frame["hire_date"].where(rep_frame["hire_date"] > win.start, win.start)
    rep_frame["workdays"] = [
        _workdays(s, win.end) if pd.notna(s) else _workdays(win.start, win.end) for s in active_start
    ]
    rep_frame["ramp_end"] = rep_frame["hire_date"] + pd.DateOffset(months=int(ramp_months))
    rep_frame = rep_frame[rep_frame["workdays"] > 0].reset_index(drop=True)
    known = set(rep_frame["rep_id"])
    ramp_end = rep_frame.set_index("rep_id")["ramp_end"]

    # --- deals ----------------------------------------------------------------------------
    outcome = opps["outcome"].astype(str).str.lower()
    deals = pd.DataFrame(
        {
            "opportunity_id": opps["opportunity_id"].astype(str),
            "rep_id": opps["rep_id"].astype(str),
            "product": _col(opps, "product", None).astype(object),
            "source": _col(opps, "source", None).astype(object),
            "amount": pd.to_numeric(opps["amount"], errors="coerce").astype(float),
            "created_at": created_at,
            "closed_at": closed_at,
            "first_touch_at": _dt(_col(opps, "first_touch_at")),
            "outcome": outcome,
            "stage": _col(opps, "stage", None).astype(object),
            "competitor": _col(opps, "competitor", None).astype(object),
            "lost_reason": _col(opps, "lost_reason", None).astype(object),
        }
    )
    deals = deals[deals["rep_id"].isin(known)]
    if ramp_months:
        # deals a rep created while ramping up are left out (bookings keep them: see below)
        deals["ramping"] = deals["created_at"] < deals["rep_id"].map(ramp_end)
    else:
        deals["ramping"] = False
    deals = deals.reset_index(drop=True)
    activities = tables.get("activities")
    if activities is not None and not activities.empty:
        act_opp = _col(activities, "opportunity_id", None)
        activities = pd.DataFrame(
            {
                "rep_id": activities["rep_id"],
                "on_deal": act_opp.notna().to_numpy(),
                "deal": _codes(act_opp, deals["opportunity_id"]),
                "at": _dt(activities["at"]),
            }
        )
    # follow-up speed: first touch, or else the first activity logged on the deal
    touch = deals["first_touch_at"]
    if activities is not None and touch.isna().any() and (activities["deal"] >= 0).any():
        on = activities[activities["deal"] >= 0]
        first_act = on.groupby("deal")["at"].min()
        touch = touch.fillna(pd.Series(deals.index, index=deals.index).map(first_act))
    hours = (touch - deals["created_at"]).dt.total_seconds() / 3600.0
    deals["follow_up_hours"] = hours.clip(lower=0)
    deals["cycle_days"] = (deals["closed_at"] - deals["created_at"]).dt.total_seconds() / 86400.0
    deals["won"] = deals["outcome"] == "won"
    decided = deals["outcome"].isin(["won", "lost"]) & deals["closed_at"].notna()

    # --- funnel: the furthest open stage each decided deal reached ---------------------------
    stage_history = tables.get("stage_history")
    stages = tables["__stages__"] or infer_stages(stage_history, opps)
    stages = tuple(s for s in stages if not _TERMINAL.search(str(s))) or tuple(stages)
    stage_index = {s: i for i, s in enumerate(stages)}
    reached = pd.Series(-1, index=deals.index, dtype=int)
    stage_days = pd.DataFrame(columns=["rep_id", "opportunity_id", "stage", "product", "days"])
    won_stage = WON
    if stage_history is not None and not stage_history.empty and stages:
        # integer deal codes (hashed in Arrow) instead of string joins: 10× faster at scale
        code = _codes(stage_history["opportunity_id"], deals["opportunity_id"])
        stage_code, stage_names = pd.factorize(stage_history["stage"])
        stage_names = [str(n) for n in stage_names]
        entered = _dt(stage_history["entered_at"]).to_numpy()
        known_deal = code >= 0
        decided_arr = decided.to_numpy()
        won_arr = deals["won"].to_numpy()
        # the terminal stage won deals end in ("Closed Won"), for transition labels
        won_rows = known_deal & won_arr[np.where(known_deal, code, 0)]
        terminal = np.array([bool(_TERMINAL.search(n)) for n in stage_names], dtype=bool)
        if terminal.any():
            counts = np.bincount(stage_code[won_rows & (stage_code >= 0)], minlength=len(stage_names))
            counts = np.where(terminal, counts, 0)
            if counts.max() > 0:
                won_stage = stage_names[int(counts.argmax())]
        idx_of_name = np.array([stage_index.get(n, -1) for n in stage_names] + [-1])
        idx = idx_of_name[stage_code]  # stage_code -1 (missing) picks the trailing -1
        keep = known_deal & decided_arr[np.where(known_deal, code, 0)]
        code, idx, entered = code[keep], idx[keep], entered[keep]
        furthest = np.full(len(deals), -1)
        np.maximum.at(furthest, code, idx)
        reached = pd.Series(furthest, index=deals.index)
        # time spent in each open stage: until the next entry (or the close)
        order = np.lexsort((entered, code))
        code, idx, entered = code[order], idx[order], entered[order]
        same_next = np.r_[code[1:] == code[:-1], False]
        closed_arr = deals["closed_at"].to_numpy().astype(entered.dtype)
        leave = np.where(same_next, np.r_[entered[1:], entered[:1]], closed_arr[code])
        days = (leave - entered) / np.timedelta64(1, "D")
        closed_in = (
            decided & ~deals["ramping"] & (deals["closed_at"] >= win.start) & (deals["closed_at"] < win.end)
        ).to_numpy()
        ok = (idx >= 0) & ~np.isnan(days) & (days >= 0) & closed_in[code]
        stage_days = pd.DataFrame(
            {
                "rep_id": deals["rep_id"].to_numpy()[code[ok]],
                "opportunity_id": deals["opportunity_id"].to_numpy()[code[ok]],
                "stage": np.asarray(stages, dtype=object)[idx[ok]],
                "product": deals["product"].to_numpy()[code[ok]],
                "days": days[ok],
            }
        )
    elif stages:
        # no history: the current stage of a lost deal is where it was lost
        reached = deals["stage"].map(stage_index).fillna(-1).astype(int)
    reached = reached.where(~deals["won"], len(stages))
    deals["reached"] = reached

    all_closed = deals[decided & (deals["closed_at"] < win.end)].reset_index(drop=True)
    in_window = (all_closed["closed_at"] >= win.start)
    closed_with_ramp = all_closed[in_window].reset_index(drop=True)
    closed = closed_with_ramp[~closed_with_ramp["ramping"]].reset_index(drop=True)
    created = deals[
        (deals["created_at"] >= win.start) & (deals["created_at"] < win.end) & ~deals["ramping"]
    ].reset_index(drop=True)
    is_open_at_end = (deals["created_at"] < win.end) & (
        (deals["outcome"] == "open") | (deals["closed_at"] >= win.end)
    )
    open_deals = deals[is_open_at_end]
    open_pipeline = open_deals.groupby("rep_id")["amount"].sum()
    open_count = open_deals.groupby("rep_id").size()

    # --- activity volume per rep-month -----------------------------------------------------
    activity_months = None
    if activities is not None:
        at = activities["at"].to_numpy()
        in_win = (at >= np.datetime64(win.start)) & (at < np.datetime64(win.end))
        rep_code = _codes(activities["rep_id"][in_win], rep_frame["rep_id"])
        month_num = at[in_win].astype("datetime64[M]").astype(np.int64)
        first_month = np.datetime64(win.start, "M").astype(np.int64)
        month_idx = month_num - first_month
        ok = (rep_code >= 0) & (month_idx >= 0) & (month_idx < win.months)
        cell = rep_code[ok] * win.months + month_idx[ok]
        size = len(rep_frame) * win.months
        total = np.bincount(cell, minlength=size)
        prospecting = np.bincount(cell, weights=~activities["on_deal"].to_numpy()[in_win][ok], minlength=size)
        months = pd.date_range(win.start, periods=win.months, freq="MS")
        am = pd.DataFrame(
            {
                "rep_id": np.repeat(rep_frame["rep_id"].to_numpy(), win.months),
                "month": np.tile(months.to_numpy(), len(rep_frame)),
                "activities": total.astype(float),
                "prospecting": prospecting.astype(float),
            }
        )
        month_end = am["month"] + pd.DateOffset(months=1)
        starts = am["rep_id"].map(rep_frame.set_index("rep_id")["hire_date"])
        from_ = am["month"].where(~(starts > am["month"]), starts)
        am["workdays"] = np.busday_count(
            from_.to_numpy().astype("datetime64[D]"), month_end.to_numpy().astype("datetime64[D]")
        ).clip(min=0)
        ramp = am["rep_id"].map(ramp_end)
        # months before the first logged activity are missing data, not zero activity
        first_logged = pd.Timestamp(activities["at"].min())
        logged = am["month"] >= pd.Timestamp(first_logged.year, first_logged.month, 1)
        activity_months = am[(am["workdays"] >= 5) & ~(am["month"] < ramp) & logged].reset_index(drop=True)

    surveys = tables.get("surveys")
    if surveys is not None and not surveys.empty:
        at = _dt(surveys["at"])
        s = surveys[(at >= win.start) & (at < win.end)]
        surveys = pd.DataFrame({"rep_id": s["rep_id"].astype(str), "score": pd.to_numeric(s["score"], errors="coerce")})
        surveys = surveys[surveys["rep_id"].isin(known) & surveys["score"].notna()].reset_index(drop=True)
    else:
        surveys = None
    orders = tables.get("orders")
    if orders is not None and not orders.empty:
        at = _dt(orders["ordered_at"])
        o = orders[(at >= win.start) & (at < win.end)]
        orders = pd.DataFrame(
            {
                "rep_id": o["rep_id"].astype(str),
                "status": o["status"].astype(str).str.lower(),
                "amount": pd.to_numeric(o["amount"], errors="coerce").fillna(0.0),
            }
        )
        orders = orders[orders["rep_id"].isin(known)].reset_index(drop=True)
    else:
        orders = None

    return Prepared(
        window=win,
        reps=rep_frame,
        stages=stages,
        closed=closed,
        closed_with_ramp=closed_with_ramp,
        created=created,
        stage_days=stage_days,
        activity_months=activity_months,
        surveys=surveys,
        orders=orders,
        open_pipeline=open_pipeline,
        open_count=open_count,
        won_stage=won_stage,
        targets=_targets(tables.get("targets"), win, rep_frame),
        all_closed=all_closed,
    )


def entity_frames(prep: Prepared, level: str) -> dict:
    """The prepared facts re-keyed by entity (``rep``, ``team`` or ``region``).

    Returns a dict with an ``entity`` column on every frame and ``entities``: one row per
    entity with its peer-group keys (finest first) and its bookings target.
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

    key_values = key.reindex(reps["rep_id"]).to_numpy()

    def keyed(frame):
        if frame is None:
            return None
        if level == "rep":
            return frame.assign(entity=frame["rep_id"])
        code = _codes(frame["rep_id"], reps["rep_id"])
        return frame.assign(entity=np.where(code >= 0, key_values[np.maximum(code, 0)], None))

    return {
        "level": level,
        "entities": entities,
        "groups": [entities[g] for g in groups] + [entities["company"]],
        "closed": keyed(prep.closed),
        "closed_with_ramp": keyed(prep.closed_with_ramp),
        "created": keyed(prep.created),
        "stage_days": keyed(prep.stage_days),
        "activity_months": (
            None
            if prep.activity_months is None
            else keyed(prep.activity_months)
            .groupby(["entity", "month"], as_index=False)[["activities", "prospecting", "workdays"]]
            .sum()
        ),
        "surveys": keyed(prep.surveys),
        "orders": keyed(prep.orders),
        "open_pipeline": prep.open_pipeline.groupby(prep.open_pipeline.index.map(key)).sum(),
        "open_count": prep.open_count.groupby(prep.open_count.index.map(key)).sum(),
    }
