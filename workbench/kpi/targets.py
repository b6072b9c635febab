"""Targets: the one place where targets are spread over time, rolled up and compared.

The ``targets`` table holds one target per entity, period and metric, for periods of any
length (``2026-03``, ``2026-Q1``, ``2026-W05``, ``2026``). Every screen that shows a
target or an attainment — KPIs (``bookings_target``, ``quota_attainment``,
``pipeline_coverage``), diagnoses, pipeline odds — gets it from here, by these rules:

* **Spread by day.** A target of an additive metric (bookings, orders, new accounts,
  activities) is spread evenly over the calendar days of its period; a period's target is
  the sum over its days. So a quarterly target gives each month its share by days, weekly
  targets add up into months (a week across a month end is split by days), and a window
  of any length (a diagnosis window) gets the sum of its days.
* **Finest wins.** When an entity has targets of several lengths covering the same day
  (a monthly and a quarterly one), the shortest period's target counts for that day.
* **Roll-up.** A team, region or the company without its own target on a day gets the
  sum of the targets its reps have that day (reps belong where the ``reps`` table puts
  them). An own target always wins over the roll-up.
* **Coverage.** A period's target is known only when every day of it on which the entity
  existed has a target (for a rep, days from the hire date; for a team, region or the
  company, from its earliest member's hire date); otherwise it is missing (NaN), never a
  partial sum that would overstate attainment.
* **Levels, not sums.** Targets of non-additive metrics (CSAT, shares, rates) are the
  day-weighted mean of the entity's own targets over the period and are not rolled up.

:func:`attainment` is actual ÷ target, missing when the target is missing or not
positive.

Examples
--------
>>> import pandas as pd
>>> reps = pd.DataFrame({"rep_id": ["r1", "r2"], "team": ["East", "East"], "region": ["N", "N"]})
>>> targets = pd.DataFrame({
...     "entity_type": ["rep", "rep", "rep"], "entity_id": ["r1", "r1", "r2"],
...     "period": ["2026-Q1", "2026-01", "2026-Q1"], "metric": "bookings", "target": [900.0, 100.0, 90.0]})
>>> t = period_targets(targets, reps, freq="M", by=["rep", "team"], start="2026-01", end="2026-03")
>>> t.pivot(index="period", columns="entity_id", values="target")   # r1: 10 a day in Q1, but 100 in January
entity_id    East     r1    r2
period
2026-01-01  131.0  100.0  31.0
2026-02-01  308.0  280.0  28.0
2026-03-01  341.0  310.0  31.0
>>> window_targets(targets, reps, start="2026-01-01", end="2026-04-01", by="team")["target"].round(2).tolist()
[780.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.params import check_by
from workbench.periods import normalize_freq, pandas_freq, parse_period

__all__ = ["ADDITIVE_METRICS", "period_targets", "window_targets", "attainment", "target_spans"]

#: Metrics whose targets add up over days and over the reps of a team.
ADDITIVE_METRICS = frozenset({"bookings", "orders", "new_accounts", "activities", "deals_won", "pipeline_created"})

_DAY = np.timedelta64(1, "D")
_COLUMNS = ["entity_type", "entity_id", "period", "target"]


def attainment(actual, target):
    """``actual / target``; NaN where the target is missing or not positive.

    >>> attainment(120.0, 100.0), attainment(5.0, 0.0)
    (1.2, nan)
    """
    actual = np.asarray(actual, dtype=float)
    target = np.asarray(target, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(target > 0, actual / np.where(target > 0, target, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def _days(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]").astype(np.int64)


class _OwnDaily:
    """Own targets per entity and day as integer arrays: ``entity`` codes into ``kinds`` /
    ``ids``, ``day`` (days since 1970) and ``value`` (per day for additive metrics)."""

    def __init__(self, kinds, ids, entity, day, value):
        self.kinds, self.ids, self.entity, self.day, self.value = kinds, ids, entity, day, value

    def of(self, level: str, index: pd.Index):
        """``(position in index, day, value)`` of the own targets of ``level`` (−1: not in index)."""
        position = np.where(self.kinds == level, index.get_indexer(self.ids.astype(str)), -1) if len(self.ids) else \
            np.array([], np.int64)
        rows = (self.kinds == level)[self.entity]  # compared per entity, then taken per day
        return position[self.entity[rows]], self.day[rows], self.value[rows]

    def ids_of(self, level: str) -> np.ndarray:
        """Entity ids of ``level`` that have own targets."""
        return np.unique(self.ids[self.kinds == level].astype(str))


#: Entity-day cells counted in a dense array rather than sorted (beyond a few per target day).
_DENSE_CELLS = 1_000_000


def _own_daily(targets: pd.DataFrame | None, metric: str, lo: int, hi: int) -> _OwnDaily:
    """Own targets spread to the days in ``[lo, hi)``; where several cover a day, the shortest period's."""
    none = _OwnDaily(np.array([], object), np.array([], object), np.array([], np.int64), np.array([], np.int64),
                     np.array([], float))
    if targets is None or targets.empty:
        return none
    t = targets[targets["metric"].astype(str).str.strip().str.lower() == metric]
    t = t[pd.to_numeric(t["target"], errors="coerce").notna()]
    if t.empty:
        return none
    spans = {}
    for text in pd.unique(t["period"].astype(str)):
        try:
            p = parse_period(text)
        except ValueError as err:
            raise DataError(f"Table 'targets', column 'period': {err}", file="targets", column="period") from None
        spans[text] = (p.start, p.end)
    text = t["period"].astype(str)
    start = _days(text.map({k: v[0] for k, v in spans.items()}))
    end = _days(text.map({k: v[1] for k, v in spans.items()}))
    length = end - start
    value = pd.to_numeric(t["target"]).to_numpy(float)
    per_day = value / length if metric in ADDITIVE_METRICS else value
    kind = t["entity_type"].astype(str).str.strip().str.lower()
    ident = t["entity_id"].astype(str).where(kind != "company", "company")
    keys = pd.DataFrame({"kind": kind.to_numpy(object), "ident": ident.to_numpy(object)})
    entity = keys.groupby(["kind", "ident"], sort=False).ngroup().to_numpy(np.int64)
    first_rows = keys.drop_duplicates().to_numpy(object)
    kinds, ids = first_rows[:, 0], first_rows[:, 1]
    first, last = np.maximum(start, lo), np.minimum(end, hi)
    n = np.clip(last - first, 0, None)
    row = np.repeat(np.arange(len(t)), n)
    day = np.repeat(first, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    code = entity[row]
    if not _overlapping(entity, start, end):
        return _OwnDaily(kinds, ids, code, day, per_day[row])
    width = np.int64(hi - lo + 1)
    if len(kinds) * width <= 4 * len(row) + _DENSE_CELLS:  # few entity-days: the best row per cell, densely, no sort
        # rank of each target row: shortest period first, ties in row order
        rank = np.empty(len(t), np.int64)
        rank[np.lexsort((np.arange(len(t)), length))] = np.arange(len(t))
        best = np.full(len(kinds) * width, len(t), np.int64)
        np.minimum.at(best, code * width + (day - lo), rank[row])
        cells = np.flatnonzero(best < len(t))  # in entity, day order
        by_rank = np.argsort(rank)
        return _OwnDaily(kinds, ids, cells // width, cells % width + lo, per_day[by_rank[best[cells]]])
    # by entity, day, then shortest period first (ties in row order): one stable sort of a combined key
    lengths, length_rank = np.unique(length, return_inverse=True)
    key = (code * width + (day - lo)) * np.int64(len(lengths)) + length_rank[row]
    order = np.argsort(key, kind="stable")
    code, day, row = code[order], day[order], row[order]
    first_of_day = np.r_[True, (code[1:] != code[:-1]) | (day[1:] != day[:-1])] if len(code) else np.array([], bool)
    return _OwnDaily(kinds, ids, code[first_of_day], day[first_of_day], per_day[row[first_of_day]])


def _overlapping(entity: np.ndarray, start: np.ndarray, end: np.ndarray) -> bool:
    """Whether any entity has two target rows covering a common day."""
    order = np.lexsort((start, entity))
    e, s, t = entity[order], start[order], end[order]
    return bool(((e[1:] == e[:-1]) & (s[1:] < t[:-1])).any()) if len(e) > 1 else False


def _members(reps: pd.DataFrame, level: str) -> pd.DataFrame:
    """``rep_id, entity_id, start_day`` of the reps making up each entity of ``level``."""
    rep_id = reps["rep_id"].astype(str)
    if level == "rep":
        entity = rep_id
    elif level == "company":
        entity = pd.Series("company", index=reps.index)
    else:
        entity = reps[level]
    hire = reps["hire_date"] if "hire_date" in reps.columns else pd.Series(pd.NaT, index=reps.index)
    start = pd.to_datetime(hire).to_numpy().astype("datetime64[D]")
    start_day = np.where(np.isnat(start), np.iinfo(np.int64).min, start.astype(np.int64))
    out = pd.DataFrame({"rep_id": rep_id.to_numpy(object), "entity_id": entity.to_numpy(object),
                        "start_day": start_day})
    return out[pd.notna(out["entity_id"])].assign(entity_id=lambda f: f["entity_id"].astype(str))


def _level_daily(own: _OwnDaily, members: pd.DataFrame, entities: pd.Index, level: str, additive: bool, lo: int):
    """``(entity index, day, value)`` of every entity of ``level``: own targets, else (additive)
    the sum of its reps' targets that day."""
    mine, day, value = own.of(level, entities)
    keep = mine >= 0
    mine, day, value = mine[keep], day[keep], value[keep]
    if level == "rep" or not additive:
        return mine, day, value
    rep_entity = pd.Series(entities.get_indexer(members["entity_id"]), index=members["rep_id"].to_numpy())
    rep_entity = rep_entity[~rep_entity.index.duplicated()]
    reps_index = pd.Index(rep_entity.index)
    rep_pos, rep_day, rep_value = own.of("rep", reps_index)
    member = np.where(rep_pos >= 0, rep_entity.to_numpy()[np.maximum(rep_pos, 0)], -1)
    ok = member >= 0
    width = int(max(rep_day.max(initial=lo), day.max(initial=lo)) - lo + 1)
    key = member[ok] * width + (rep_day[ok] - lo)
    if len(entities) * width <= 4 * len(key) + _DENSE_CELLS:  # few cells (teams, regions): count them densely, no sort
        counted = np.bincount(key, minlength=len(entities) * width)
        summed = np.bincount(key, weights=rep_value[ok], minlength=len(entities) * width)
        cells = np.flatnonzero(counted)
        summed = summed[cells]
    else:
        cells, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse, weights=rep_value[ok], minlength=len(cells))
    taken = np.isin(cells, mine * width + (day - lo))
    cells, summed = cells[~taken], summed[~taken]
    return (np.r_[mine, cells // width].astype(np.int64), np.r_[day, cells % width + lo].astype(np.int64),
            np.r_[value, summed])


def target_spans(targets: pd.DataFrame | None, reps: pd.DataFrame, spans: pd.DataFrame, metric: str = "bookings",
                 by: str | Sequence[str] = "rep") -> pd.DataFrame:
    """Targets of every entity over arbitrary date spans (the engine behind the other functions).

    Parameters
    ----------
    targets : DataFrame or None
        The contract ``targets`` table.
    reps : DataFrame
        The contract ``reps`` table (``rep_id``, ``team``, ``region``, optional ``hire_date``).
    spans : DataFrame
        ``span`` (any label) with ``start`` (inclusive) and ``end`` (exclusive) dates.
    metric : str
        Target metric (``bookings``, ``orders``, ``csat``, …).
    by : str or list of str
        Entity levels.

    Returns
    -------
    DataFrame
        ``entity_type, entity_id, span, target`` for every entity of every level and
        every span (NaN where the target is not known by the coverage rule).
    """
    metric = str(metric).strip().lower()
    additive = metric in ADDITIVE_METRICS
    levels = check_by("target_spans", by)
    span_start, span_end = _days(spans["start"]), _days(spans["end"])
    lo, hi = (int(span_start.min()), int(span_end.max())) if len(spans) else (0, 0)
    own = _own_daily(targets, metric, lo, hi)
    frames = []
    for level in levels:
        members = _members(reps, level)
        entities = np.sort(members["entity_id"].unique()) if level != "company" else np.array(["company"], object)
        if level != "rep":  # entities with own targets but no reps still get their rows
            extra = own.ids_of(level)
            entities = np.union1d(entities.astype(str), extra) if len(extra) else entities
        entities = pd.Index(entities)
        entity_start = members.groupby("entity_id")["start_day"].min()
        e, day, value = _level_daily(own, members, entities, level, additive, lo)
        n_e, n_s = len(entities), len(spans)
        j = _span_of(day, span_start, span_end)
        inside = j >= 0
        cell = e[inside] * n_s + j[inside]
        total = np.bincount(cell, weights=value[inside], minlength=n_e * n_s).reshape(n_e, n_s)
        covered = np.bincount(cell, minlength=n_e * n_s).reshape(n_e, n_s).astype(float)
        starts = entity_start.reindex(entities).fillna(np.iinfo(np.int64).min).to_numpy(np.int64)
        first = np.maximum(span_start[None, :], starts[:, None])
        required = np.clip(span_end[None, :] - first, 0, None)
        known = (covered >= required) & (covered > 0)
        result = total if additive else total / np.where(covered > 0, covered, 1)
        frames.append(pd.DataFrame({
            "entity_type": level,
            "entity_id": np.repeat(entities, n_s).astype(object),
            "span": np.tile(spans["span"].to_numpy(), n_e),
            "target": np.where(known, result, np.nan).ravel(),
        }))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["entity_type", "entity_id", "span", "target"])
    out["entity_id"] = out["entity_id"].astype(str)
    return out


def _span_of(day: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Index of the span holding each day (−1 for none); spans must not overlap."""
    order = np.argsort(start, kind="stable")
    s, e = start[order], end[order]
    if len(s) > 1 and (s[1:] < e[:-1]).any():
        raise ValueError("Target spans must not overlap.")
    pos = np.searchsorted(s, day, side="right") - 1
    ok = (pos >= 0) & (day < e[np.maximum(pos, 0)])
    return np.where(ok, order[np.maximum(pos, 0)], -1)


def period_targets(targets: pd.DataFrame | None, reps: pd.DataFrame, metric: str = "bookings", freq: str = "M",
                   by: str | Sequence[str] = "rep", start=None, end=None, periods=None) -> pd.DataFrame:
    """Targets per entity and calendar period (see the module rules).

    Parameters
    ----------
    targets, reps : DataFrame
        The contract tables (``targets`` may be None: every target is then missing).
    metric : str
    freq : {"W", "M", "Q", "Y"}
    by : str or list of str
        Entity levels.
    start, end : period label or date, optional
        First and last period. Default: the span of the targets table.
    periods : sequence of datetime, optional
        Period starts to report instead of ``start``..``end``.

    Returns
    -------
    DataFrame
        ``entity_type, entity_id, period`` (period start, datetime64) ``, target``.
    """
    freq = normalize_freq(freq)
    by = check_by("period_targets", by)
    if periods is None:
        if start is None or end is None:
            bounds = _target_bounds(targets, metric)
            if bounds is None:
                return pd.DataFrame({c: pd.Series([], dtype="datetime64[us]" if c == "period" else object)
                                     for c in _COLUMNS}).astype({"target": float})
            start = start if start is not None else bounds[0]
            end = end if end is not None else bounds[1]
        first = parse_period(start, freq).start if not isinstance(start, pd.Timestamp) else start
        last = parse_period(end, freq).start if not isinstance(end, pd.Timestamp) else end
        periods = pd.date_range(first, last, freq=pandas_freq(freq))
    periods = pd.DatetimeIndex(pd.to_datetime(list(periods)))
    ends = [parse_period(p, freq).end for p in periods]
    spans = pd.DataFrame({"span": np.arange(len(periods)), "start": periods, "end": ends})
    out = target_spans(targets, reps, spans, metric, by)
    out.insert(2, "period", periods[out.pop("span").to_numpy()].astype("datetime64[us]") if len(out) else
               pd.Series([], dtype="datetime64[us]"))
    return out[_COLUMNS]


def window_targets(targets: pd.DataFrame | None, reps: pd.DataFrame, start, end, metric: str = "bookings",
                   by: str | Sequence[str] = "rep") -> pd.DataFrame:
    """Targets per entity over one date window ``[start, end)`` (e.g. a diagnosis window).

    Returns
    -------
    DataFrame
        ``entity_type, entity_id, target``.
    """
    spans = pd.DataFrame({"span": [0], "start": [pd.Timestamp(start)], "end": [pd.Timestamp(end)]})
    return target_spans(targets, reps, spans, metric, by).drop(columns="span")


def _target_bounds(targets, metric):
    if targets is None or targets.empty:
        return None
    t = targets[targets["metric"].astype(str).str.strip().str.lower() == metric]
    parsed = [parse_period(p) for p in pd.unique(t["period"].astype(str))]
    if not parsed:
        return None
    return min(p.start for p in parsed), max(p.end for p in parsed) - pd.Timedelta(days=1)
