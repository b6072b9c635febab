"""Compute KPI tables: the public entry points of :mod:`workbench.kpi`.

:func:`compute_kpis` aggregates in the engine (DuckDB in process by default) and crosses
into pandas only with the finished, small table. :func:`kpi_wide` and :func:`to_series`
reshape its output for reading and for forecasting.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.errors import DataError, KPIUnavailableWarning
from workbench.io.load import as_sales_data
from workbench.io.stages import stage_steps
from workbench.kpi.engine import KPITables, fetch, kpi_tables, memtable
from workbench.kpi.registry import KPIS, check_kpis, parse_wide_column, wide_column
from workbench.kpi.targets import period_targets
from workbench.memo import remember
from workbench.params import check_by
from workbench.periods import normalize_freq, pandas_freq, parse_period, period_start

__all__ = ["compute_kpis", "kpi_wide", "to_series", "KPI_COLUMNS"]

#: Columns of the tidy KPI table.
KPI_COLUMNS = ["entity_type", "entity_id", "period", "metric", "detail", "value"]

#: Event-date columns that span the reporting grid.
_EVENT_DATES = {
    "opportunities": ("created_at", "closed_at"),
    "stage_history": ("entered_at",),
    "activities": ("at",),
    "orders": ("ordered_at",),
    "surveys": ("at",),
}
_FREQ_ORDER = {"W": 0, "M": 1, "Q": 2, "Y": 3}


def compute_kpis(
    data,
    by: str | Sequence[str] = "rep",
    freq: str = "M",
    metrics: Sequence[str] | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Compute KPIs per entity and calendar period as a tidy table.

    Parameters
    ----------
    data : SalesData, path, dict of DataFrames or KPITables
        A :class:`~workbench.io.SalesData` from :func:`workbench.load`, a path or a dict
        of contract DataFrames (``{"reps": ..., "opportunities": ..., "stages": [...]}``,
        e.g. :func:`workbench.sample.generate_sample`'s output) — paths and dicts go
        through :func:`workbench.io.load.as_sales_data`, so they are validated exactly as
        ``workbench.load`` does and give the same KPIs — or
        :class:`~workbench.kpi.engine.KPITables` (e.g. from
        :func:`~workbench.kpi.engine.kpi_tables_from_parquet` for big Parquet data), or
        :class:`~workbench.kpi.facts.SalesFacts` (computed on the tables they came from).
    by : {"rep", "team", "region", "company"} or list of them
        Entity level(s). Teams and regions come from the ``reps`` table.
    freq : {"M", "Q", "W", "Y"}
        Calendar period: month, quarter, week (from Monday) or year.
    metrics : list of str, optional
        Metric keys from :data:`~workbench.kpi.KPIS`; default all. KPIs whose tables
        are missing are skipped with a :class:`KPIUnavailableWarning`.
    start, end : str or date-like, optional
        First and last period to report (``"2026-01"``, ``"2026-Q1"`` or a date).
        Default: the data's first and last period.

    Returns
    -------
    pandas.DataFrame
        Columns ``entity_type, entity_id, period, metric, detail, value``. ``period``
        is the period start (datetime64); ``detail`` is ``""`` except for
        ``stage_conversion`` (``"<from>→<to>"``); ``value`` is float, NaN where
        undefined (a zero denominator is NaN, never 0 or inf). Every entity x every
        period x every metric has a row, so empty periods are explicit (counts 0,
        ratios NaN). Sorted by level, entity, period, then metric in registry order.

    Raises
    ------
    ValueError
        For an unknown level, frequency or metric key.
    workbench.errors.DataError
        When ``reps`` or ``opportunities`` (or a column they need) is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> reps = pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Ann", "Bo"],
    ...                      "team": ["East", "East"], "region": ["North", "North"]})
    >>> opps = pd.DataFrame({
    ...     "opportunity_id": ["o1", "o2", "o3"], "rep_id": ["r1", "r1", "r2"],
    ...     "created_at": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-02"]),
    ...     "stage": ["Won", "Lost", "Won"], "amount": [100.0, 50.0, 30.0],
    ...     "outcome": ["won", "lost", "won"],
    ...     "closed_at": pd.to_datetime(["2026-02-10", "2026-02-11", "2026-02-20"])})
    >>> kpis = compute_kpis({"reps": reps, "opportunities": opps}, by="rep",
    ...                     metrics=["bookings", "win_rate"])
    >>> kpis[kpis.period == "2026-02-01"][["entity_id", "metric", "value"]]
      entity_id    metric  value
    2        r1  bookings  100.0
    3        r1  win_rate    0.5
    6        r2  bookings   30.0
    7        r2  win_rate    1.0
    >>> compute_kpis({"reps": reps, "opportunities": opps}, by="team",
    ...              metrics=["win_rate"]).value.tolist()   # January: nothing closed
    [nan, 0.6666666666666666]
    """
    levels, freq, requested = check_arguments(by, freq, metrics)
    data = kpi_tables(data) if isinstance(getattr(data, "engine", None), KPITables) else data  # SalesFacts
    if not isinstance(data, KPITables):
        data = as_sales_data(data, caller="compute_kpis")
        if data.fingerprint:  # loaded from files: the KPIs are kept per dataset between sessions (workbench.memo)
            return remember(_kpis_of, data, levels=list(levels), freq=freq, requested=list(requested), start=start,
                            end=end)
    return _kpis_of(data, levels=levels, freq=freq, requested=requested, start=start, end=end)


def _kpis_of(data, *, levels, freq, requested, start, end) -> pd.DataFrame:
    tables = data if isinstance(data, KPITables) else kpi_tables(data)
    available = _available_metrics(tables, requested)
    stages = tuple(tables.stages) if "stage_conversion" in available else ()
    if "stage_conversion" in available and not stages:
        warnings.warn(
            "stage_conversion skipped: no stage order is configured and none could be "
            "inferred from stage_history.",
            KPIUnavailableWarning,
            stacklevel=2,
        )
        available = [m for m in available if m != "stage_conversion"]
    from workbench.kpi.expressions import LOOKS_BACK

    periods, first, last = _period_grid(tables, freq, start, end, looks_back=bool(LOOKS_BACK.intersection(available)))
    if periods.empty or not available:
        return _empty()
    reps = fetch(tables, tables["reps"].select("rep_id", "team", "region", "hire_date"))
    targets = _bookings_targets(tables, reps, freq, levels, periods) if _needs(available, "targets") else None
    market = _market_sizes(tables, freq) if "market_share" in available else None
    frames = []
    for level in levels:
        level_metrics = [m for m in available if level in KPIS[m].levels]
        if not level_metrics:
            continue
        wide = _level_wide(tables, reps, level, freq, periods, level_metrics, stages, targets, market)
        wide = wide[(wide["period"] >= first) & (wide["period"] <= last)]
        frames.append(_melt(wide, level))
    if not frames:
        return _empty()
    return pd.concat(frames, ignore_index=True)


def kpi_wide(kpis: pd.DataFrame) -> pd.DataFrame:
    """One row per entity x period and one column per metric.

    ``stage_conversion`` becomes one column per stage pair, named
    ``stage_conversion[<from>→<to>]`` (see :func:`~workbench.kpi.registry.kpi_label`).

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`compute_kpis`.

    Returns
    -------
    pandas.DataFrame
        ``entity_type, entity_id, period`` (rows in the order of ``kpis``) then the
        metric columns in registry order.

    Examples
    --------
    >>> long = pd.DataFrame({"entity_type": ["rep"] * 3, "entity_id": ["r1"] * 3,
    ...     "period": pd.to_datetime(["2026-01-01"] * 3),
    ...     "metric": ["bookings", "stage_conversion", "stage_conversion"],
    ...     "detail": ["", "Lead→Demo", "Demo→won"], "value": [10.0, 0.5, 1.0]})
    >>> kpi_wide(long).columns.tolist()
    ['entity_type', 'entity_id', 'period', 'bookings', 'stage_conversion[Lead→Demo]', 'stage_conversion[Demo→won]']
    """
    _check_kpi_frame(kpis, "kpi_wide")
    index = ["entity_type", "entity_id", "period"]
    detail = kpis["detail"].fillna("").astype(str)
    metric = kpis["metric"].astype(str)
    column = metric.where(detail == "", metric + "[" + detail + "]")
    rank = {key: i for i, key in enumerate(KPIS)}
    first_seen = pd.DataFrame({"column": column, "metric": metric}).drop_duplicates("column")
    order = sorted(first_seen.itertuples(index=False), key=lambda r: rank.get(r.metric, len(rank)))
    rows = pd.MultiIndex.from_frame(kpis[index].drop_duplicates())
    wide = (
        kpis[index].assign(_column=column.to_numpy(), value=kpis["value"].to_numpy())
        .pivot(index=index, columns="_column", values="value")
        .reindex(index=rows, columns=[r.column for r in order])
        .reset_index()
    )
    wide.columns.name = None
    return wide


def to_series(
    kpis: pd.DataFrame,
    metric: str,
    detail: str = "",
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
) -> pd.DataFrame:
    """One KPI as time series in the forecasting long format (``unique_id, ds, y``).

    ``unique_id`` is the entity id; when ``kpis`` holds several levels it is
    ``"<level>:<entity id>"`` so ids stay unique.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`compute_kpis`.
    metric : str
        Metric key, or a wide column name like ``stage_conversion[Lead→Demo]``.
    detail : str, optional
        The stage pair for ``stage_conversion``.

    Examples
    --------
    >>> long = pd.DataFrame({"entity_type": ["rep"] * 2, "entity_id": ["r1"] * 2,
    ...     "period": pd.to_datetime(["2026-01-01", "2026-02-01"]),
    ...     "metric": ["bookings"] * 2, "detail": [""] * 2, "value": [10.0, 12.0]})
    >>> to_series(long, "bookings")
      unique_id         ds     y
    0        r1 2026-01-01  10.0
    1        r1 2026-02-01  12.0
    """
    _check_kpi_frame(kpis, "to_series")
    metric, wide_detail = parse_wide_column(metric)
    detail = detail or wide_detail
    check_kpis(metric)
    rows = kpis[(kpis["metric"] == metric) & (kpis["detail"].fillna("") == detail)]
    if rows.empty:
        present = sorted({wide_column(m, d) for m, d in zip(kpis["metric"], kpis["detail"].fillna(""))})
        raise ValueError(f"No rows for metric {wide_column(metric, detail)!r}; the table holds {present}.")
    if rows["entity_type"].nunique() > 1:
        ids = rows["entity_type"].astype(str) + ":" + rows["entity_id"].astype(str)
    else:
        ids = rows["entity_id"].astype(str)
    series = pd.DataFrame({
        id_col: ids.to_numpy(),
        time_col: rows["period"].to_numpy(),
        target_col: rows["value"].astype(float).to_numpy(),
    })
    return series.sort_values([id_col, time_col], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- helpers


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "entity_type": pd.Series(dtype="str"),
        "entity_id": pd.Series(dtype="str"),
        "period": pd.Series(dtype="datetime64[us]"),
        "metric": pd.Series(dtype="str"),
        "detail": pd.Series(dtype="str"),
        "value": pd.Series(dtype="float64"),
    })


def check_arguments(by, freq, metrics) -> tuple[list[str], str, list[str]]:
    """Validate the ``by``, ``freq`` and ``metrics`` arguments of :func:`compute_kpis`.

    Returns the levels, the canonical frequency code and the metric keys in registry
    order; raises ``ValueError`` naming the bad value and the allowed ones
    (:class:`~workbench.errors.UnknownKPIError` for a metric key).
    """
    return check_by("compute_kpis", by), normalize_freq(freq), _check_metrics(metrics)


def _check_metrics(metrics) -> list[str]:
    if metrics is None:
        return list(KPIS)
    metrics = check_kpis(metrics)
    return [m for m in KPIS if m in metrics]


def _check_kpi_frame(kpis, caller):
    missing = [c for c in KPI_COLUMNS if c not in getattr(kpis, "columns", [])]
    if missing:
        raise ValueError(f"{caller} needs the output of compute_kpis; columns {missing} are missing.")


def _available_metrics(tables: KPITables, requested: list[str]) -> list[str]:
    skipped: dict[str, list[str]] = {}
    available = []
    for metric in requested:
        missing = [t for t in KPIS[metric].needs if not tables.has(t)]
        if missing:
            skipped.setdefault(", ".join(repr(t) for t in missing), []).append(metric)
        else:
            available.append(metric)
    for missing, names in skipped.items():
        warnings.warn(
            f"KPIs {', '.join(names)} skipped: table {missing} is missing from the data.",
            KPIUnavailableWarning,
            stacklevel=3,
        )
    return available


def _needs(metrics, table) -> bool:
    return any(table in KPIS[m].needs for m in metrics)


def _to_timestamp(value, freq) -> pd.Timestamp:
    try:
        p = parse_period(value, freq)
    except ValueError:
        p = parse_period(pd.Timestamp(value).isoformat(), freq)
    return period_start(pd.Series([p.start]), freq).iloc[0]


def _period_grid(tables: KPITables, freq: str, start, end,
                 looks_back: bool = True) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    """Every period from the first to the last event (widened to start/end), with workdays.

    The first and last event come from the engine in one query, except for columns whose
    range the tables already know (:meth:`KPITables.known_bounds`, from Parquet footers).
    Without ``looks_back`` (no metric reads earlier periods) and with both ``start`` and
    ``end`` given, the grid is just ``start..end`` and the data's span is not asked for: a
    period's value then depends on that period alone, so the reported rows are the same.
    Returns the grid and the first and last period to report.
    """
    import ibis  # here, where expressions are built: a KPI table kept from an earlier session needs no ibis

    if not looks_back and start is not None and end is not None:
        first, last = _to_timestamp(start, freq), _to_timestamp(end, freq)
        return _grid_of(pd.date_range(first, last, freq=pandas_freq(freq)), freq), first, last
    parts, known = [], []
    for name, columns in _EVENT_DATES.items():
        if not tables.has(name):
            continue
        t = tables[name]
        for column in columns:
            bounds = tables.known_bounds(name, column)  # from Parquet footers: no query
            if bounds is not None:
                known.append(bounds)
            else:
                parts.append(t.aggregate(lo=t[column].min(), hi=t[column].max()))
    lows = [pd.Timestamp(lo) for lo, _ in known if lo is not None]
    highs = [pd.Timestamp(hi) for _, hi in known if hi is not None]
    if parts:
        queried = ibis.union(*parts) if len(parts) > 1 else parts[0]
        row = fetch(tables, queried.aggregate(lo=queried.lo.min(), hi=queried.hi.max()))
        lows += [v for v in row["lo"] if not pd.isna(v)]
        highs += [v for v in row["hi"] if not pd.isna(v)]
    lo, hi = (min(lows), max(highs)) if lows else (pd.NaT, pd.NaT)
    first = _to_timestamp(start, freq) if start is not None else None
    last = _to_timestamp(end, freq) if end is not None else None
    if pd.isna(lo) and (first is None or last is None):
        return pd.DataFrame(columns=["period", "period_end", "workdays"]), first, last
    data_first = period_start(pd.Series([lo]), freq).iloc[0] if not pd.isna(lo) else first
    data_last = period_start(pd.Series([hi]), freq).iloc[0] if not pd.isna(hi) else last
    first = data_first if first is None else first
    last = data_last if last is None else last
    # Compute over the union of the data's span and the requested one (growth looks back),
    # report only first..last.
    span = pd.date_range(min(first, data_first), max(last, data_last), freq=pandas_freq(freq))
    return _grid_of(span, freq), first, last


def _grid_of(span: pd.DatetimeIndex, freq: str) -> pd.DataFrame:
    """The grid of the periods starting at ``span``: ``period, period_end, workdays, period_key``."""
    from workbench.kpi import expressions as ex

    ends = pd.DatetimeIndex(list(span[1:]) + [_next_start(span[-1], freq)]) if len(span) else span
    grid = pd.DataFrame({"period": span.astype("datetime64[us]"), "period_end": ends.astype("datetime64[us]")})
    grid["workdays"] = np.busday_count(
        grid["period"].to_numpy().astype("datetime64[D]"), grid["period_end"].to_numpy().astype("datetime64[D]")
    ).astype("int64")
    grid["period_key"] = ex.period_keys(grid["period"], freq)
    return grid


def _next_start(ts: pd.Timestamp, freq: str) -> pd.Timestamp:
    if freq == "W":
        return ts + pd.Timedelta(days=7)
    return ts + pd.DateOffset(**{"M": {"months": 1}, "Q": {"months": 3}, "Y": {"years": 1}}[freq])


def _spread_to_freq(frame: pd.DataFrame, keys: list[str], value: str, freq: str, table: str) -> pd.DataFrame:
    """Map values given per period string to periods of ``freq``.

    Values of the same frequency map directly; values of a shorter period are summed into
    the period containing their start; values of a longer period are split evenly over the
    ``freq`` periods starting inside it. Per key and period the closest frequency wins.
    """
    if frame.empty:
        empty = pd.DataFrame(columns=[*keys, "period", value])
        return empty.astype({"period": "datetime64[us]", value: "float64"})
    mapping = []
    for text in frame["period"].astype(str).unique():
        try:
            p = parse_period(text)
        except ValueError as err:
            raise DataError(f"Table {table!r}, column 'period': {err}", file=table, column="period") from None
        order = _FREQ_ORDER[p.freq] - _FREQ_ORDER[freq]
        if order <= 0:
            start = period_start(pd.Series([p.start]), freq).iloc[0]
            mapping.append((text, start, 1.0, 0 if order == 0 else 1))
        else:
            starts = pd.date_range(p.start, p.end - pd.Timedelta(microseconds=1), freq=pandas_freq(freq))
            mapping.extend((text, start, 1.0 / len(starts), 2) for start in starts)
    mapping = pd.DataFrame(mapping, columns=["_text", "_period", "_weight", "_rank"])
    spread = frame.assign(_text=frame["period"].astype(str)).merge(mapping, on="_text")
    spread = spread.assign(period=spread["_period"], **{value: spread[value] * spread["_weight"]})
    spread["period"] = spread["period"].astype("datetime64[us]")
    best = spread.groupby([*keys, "period"])["_rank"].transform("min")
    spread = spread[spread["_rank"] == best]
    return spread.groupby([*keys, "period"], as_index=False)[value].sum()


def _bookings_targets(tables: KPITables, reps: pd.DataFrame, freq: str, levels, periods) -> pd.DataFrame:
    """Bookings targets per (entity_type, entity_id, period) of the grid and the period after it."""
    t = tables["targets"]
    targets = fetch(tables, t.select("entity_type", "entity_id", "period", "metric", "target"))
    starts = [*periods["period"], periods["period_end"].iloc[-1]]
    return period_targets(targets, reps, "bookings", freq, by=levels, periods=starts)


def _market_sizes(tables: KPITables, freq: str) -> pd.DataFrame:
    """Market size per (region, period) at ``freq``: product-less rows, else the sum of products."""
    m = tables["market"]
    market = fetch(tables, 
        m.filter(m.market_size.notnull()).select("period", "region", "product", "market_size")
    )
    market["_total"] = market["product"].isna()
    has_total = market.groupby(["period", "region"])["_total"].transform("any")
    market = market[market["_total"] == has_total]
    per_region = market.groupby(["period", "region"], as_index=False)["market_size"].sum()
    return _spread_to_freq(per_region, ["region"], "market_size", freq, "market")


def _entities(reps: pd.DataFrame, level: str) -> np.ndarray:
    if level == "company":
        return np.array(["company"], dtype=object)
    column = "rep_id" if level == "rep" else level
    values = reps[column].dropna().astype(str).unique()
    return np.sort(values)


def _level_grid(reps, level, periods, targets, market) -> pd.DataFrame:
    entities = _entities(reps, level)
    grid = pd.DataFrame({
        "entity_id": pd.array(np.repeat(entities, len(periods)), dtype="str"),
        "period": np.tile(periods["period"].to_numpy(), len(entities)),
        "period_end": np.tile(periods["period_end"].to_numpy(), len(entities)),
        "workdays": np.tile(periods["workdays"].to_numpy(), len(entities)),
        "period_key": np.tile(periods["period_key"].to_numpy(), len(entities)),
    })
    if targets is not None:
        own = targets.loc[targets["entity_type"] == level, ["entity_id", "period", "target"]]
        grid = grid.merge(own.rename(columns={"target": "bookings_target"}), on=["entity_id", "period"], how="left")
        nxt = own.rename(columns={"period": "period_end", "target": "next_bookings_target"})
        grid = grid.merge(nxt, on=["entity_id", "period_end"], how="left")
    if market is not None and level in ("region", "company"):
        sizes = market.rename(columns={"region": "entity_id"})
        if level == "company":
            sizes = sizes.groupby("period", as_index=False)["market_size"].sum().assign(entity_id="company")
        sizes = sizes.assign(entity_id=sizes["entity_id"].astype(str))
        grid = grid.merge(sizes[["entity_id", "period", "market_size"]], on=["entity_id", "period"], how="left")
    return grid


def _level_wide(tables, reps, level, freq, periods, metrics, stages, targets, market) -> pd.DataFrame:
    """The wide KPI frame (entity_id, period, metric columns) of one level, executed."""
    import ibis

    from workbench.kpi import expressions as ex

    members = ex.membership(tables["reps"], level)
    opps = ex.attribute(tables["opportunities"], members, level)
    periods_t = memtable(periods[["period_key", "period_end"]])
    need = set(metrics)
    families = []
    closed_metrics = {"bookings", "bookings_growth_pop", "bookings_growth_yoy", "quota_attainment",
                      "bookings_target",
                      "deals_won", "win_rate", "avg_deal_size", "cycle_days_median", "market_share"}
    if need & closed_metrics:
        families.append(ex.closed_deals(opps, freq))
    if need & {"pipeline_created", "follow_up_hours_median", "touched_within_24h_share"}:
        first = ex.first_activity(tables["activities"], opps) if tables.has("activities") else None
        families.append(ex.created_deals(opps, freq, first))
    if need & {"open_pipeline", "pipeline_coverage"}:
        families.append(ex.pipeline_flow(opps, freq))
    if "activities_per_workday" in need:
        families.append(ex.activity_counts(ex.attribute(tables["activities"], members, level), freq))
        families.append(ex.active_reps(members, periods_t))
    if "order_completion_rate" in need:
        families.append(ex.order_counts(ex.attribute(tables["orders"], members, level), freq))
    if need & {"csat_mean", "csat_responses"}:
        families.append(ex.survey_stats(ex.attribute(tables["surveys"], members, level), freq))
    if "new_accounts" in need:
        families.append(ex.new_account_counts(opps, freq))
    pairs = []
    if "stage_conversion" in need:
        entries = ex.stage_entries(tables["stage_history"], opps, stages)
        families.append(ex.stage_conversion_counts(entries, len(stages), freq))
        pairs = stage_steps(stages)
    grid = _level_grid(reps, level, periods, targets, market)
    if grid.empty:
        return pd.DataFrame(columns=["entity_id", "period"])
    grid_t = memtable(grid.drop(columns=["period_end"]))
    if need & {"bookings_target", "quota_attainment", "pipeline_coverage"} and "bookings_target" not in grid.columns:
        grid_t = grid_t.mutate(bookings_target=ibis.null(float), next_bookings_target=ibis.null(float))
    wide = ex.assemble(grid_t, families, list(metrics), freq, pairs).order_by(["entity_id", "period"])
    result = fetch(tables, wide)
    result["period"] = result["period"].astype("datetime64[us]")
    return result


def _melt(wide: pd.DataFrame, level: str) -> pd.DataFrame:
    """Wide (entity_id, period, metric columns) to the tidy long table, keeping row order.

    String columns are built with Arrow kernels (take / dictionary decode), which is
    several times faster than going through Python string objects at a million rows.
    """
    columns = [c for c in wide.columns if c not in ("entity_id", "period")]
    parsed = [parse_wide_column(c) for c in columns]
    n_rows, n_cols = len(wide), len(columns)
    row_of = np.repeat(np.arange(n_rows), n_cols)
    col_of = pa.array(np.tile(np.arange(n_cols, dtype=np.int32), n_rows))

    def repeated(values) -> pd.api.extensions.ExtensionArray:
        return pd.array(pa.array(values, type=pa.string()).take(pa.array(row_of)), dtype="str")

    def tiled(values) -> pd.api.extensions.ExtensionArray:
        names = pa.array(values, type=pa.string())
        return pd.array(pa.DictionaryArray.from_arrays(col_of, names).cast(pa.string()), dtype="str")

    level_codes = pa.array(np.zeros(n_rows * n_cols, dtype=np.int32))
    return pd.DataFrame({
        "entity_type": pd.array(pa.array([level], type=pa.string()).take(level_codes), dtype="str"),
        "entity_id": repeated(wide["entity_id"].astype(str).tolist()),
        "period": np.repeat(wide["period"].to_numpy(), n_cols),
        "metric": tiled([m for m, _ in parsed]),
        "detail": tiled([d for _, d in parsed]),
        "value": wide[columns].to_numpy(dtype="float64").reshape(-1),
    })
