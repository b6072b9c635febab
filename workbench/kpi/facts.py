"""The small tables that come back from the engine, for the analyses downstream of the KPIs.

:func:`workbench.connect` leaves the raw tables where they live (Spark, a warehouse,
Parquet read by DuckDB). Forecasting, targets, diagnosis and coaching need more than the
KPI table, but never the raw activities: :func:`sales_facts` computes, in the engine,
what they read and brings back only that:

=====================  ==========================================================  =================
fact                   what comes back                                              size
=====================  ==========================================================  =================
``opportunities``      one row per deal: its contract columns and its              deals
                       ``follow_up_hours`` (the ``follow_up_hours_median`` KPI's
                       definition, from the first activity on the deal)
``activity_months``    activities and prospecting activities (not tied to a deal)  reps × months
                       per rep and calendar month
``stage_history``      each stage entry (deal, stage, time): the diagnosis'       a few per deal
                       stage times, funnel reach and stuck deals are per passage
``surveys``            rep, time and score of each answered survey                  ≤ deals
``orders``             rep, status, amount and time of each order                   orders
``reps``, ``targets``,  as they are (small)                                          small
``market``, skills,
training tables
=====================  ==========================================================  =================

KPIs are still computed in the engine: :func:`~workbench.kpi.compute_kpis` on a
:class:`SalesFacts` runs on the tables it came from. The raw activity rows never come
back; asking for them (``facts.activities``) raises an error that says so.

The same expressions give the diagnosis its facts when the data are a
:class:`~workbench.io.SalesData` in pandas (:func:`activity_months` runs on the DuckDB
tables of the SalesData), so a number is computed one way whatever the engine.

Examples
--------
>>> import pandas as pd, workbench
>>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["North"]})
>>> opps = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["r1"], "stage": ["Won"],
...     "created_at": pd.to_datetime(["2026-01-05"]), "amount": [100.0], "outcome": ["won"],
...     "closed_at": pd.to_datetime(["2026-02-01"])})
>>> acts = pd.DataFrame({"activity_id": ["a1", "a2", "a3"], "rep_id": "r1", "type": "call",
...     "opportunity_id": ["o1", None, None], "at": pd.to_datetime(["2026-01-06", "2026-01-20", "2026-02-03"])})
>>> facts = sales_facts(workbench.connect({"reps": reps, "opportunities": opps, "activities": acts}))
>>> facts.activity_months
  rep_id      month  activities  prospecting
0     r1 2026-01-01           2            1
1     r1 2026-02-01           1            1
>>> facts.opportunities["follow_up_hours"].tolist()
[24.0]
>>> facts.activities
Traceback (most recent call last):
...
workbench.errors.DataError: The raw activities stay in the engine (duckdb): SalesFacts brings back activity counts per rep and month (facts.activity_months) and each deal's follow-up hours. For the activity rows themselves, load the data in pandas with workbench.load(...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

from workbench.contract import TABLE_NAMES
from workbench.errors import DataError
from workbench.kpi.engine import (
    KPI_TABLE_NAMES,
    KPITables,
    conform,
    database_table,
    fetch,
    kpi_tables,
    parquet_table,
)

if TYPE_CHECKING:
    import ibis

__all__ = ["SalesFacts", "sales_facts", "activity_months", "as_sales_input", "EXTRA_TABLES"]

#: Small tables that are not KPI inputs but that coaching reads; they come back whole.
EXTRA_TABLES = ("skills", "training_catalog", "training_log", "deal_people")

#: Columns of :func:`activity_months`.
ACTIVITY_MONTH_COLUMNS = ["rep_id", "month", "activities", "prospecting"]

#: Per fact table: the columns brought back and the order rows come in (the engine keeps none).
_KEPT = {
    "stage_history": (["opportunity_id", "stage", "entered_at"], ["opportunity_id", "entered_at", "stage"]),
    "surveys": (["survey_id", "rep_id", "account_id", "at", "score"], ["survey_id"]),
    "orders": (["order_id", "rep_id", "account_id", "product", "ordered_at", "amount", "status"], ["order_id"]),
    "targets": (["entity_type", "entity_id", "period", "metric", "target"],
                ["entity_type", "entity_id", "period", "metric"]),
    "market": (["period", "region", "product", "market_size"], ["period", "region", "product"]),
}


@dataclass(frozen=True, eq=False)
class SalesFacts:
    """What the analyses downstream of the KPIs read, computed in the engine (see :func:`sales_facts`).

    It stands in for a :class:`~workbench.io.SalesData` in :func:`~workbench.forecast.forecast_entities`,
    :func:`~workbench.diagnose.diagnose`, :func:`~workbench.coaching.coach` and
    :func:`~workbench.targets.propose_targets`: the tables are read as ``facts.reps``,
    ``facts.opportunities``, ... and KPIs are computed on :attr:`engine`.

    Attributes
    ----------
    engine : KPITables
        The raw tables on their engine; :func:`~workbench.kpi.compute_kpis` runs there.
    frames : Mapping[str, DataFrame]
        The tables that came back (see the module's table).
    activity_months : DataFrame or None
        :data:`ACTIVITY_MONTH_COLUMNS`: activities per rep and month (None without activities).
    stages : tuple of str
        Open stages in funnel order.
    source : str
        Where the raw tables are, for messages.
    """

    engine: KPITables = field(repr=False)
    frames: Mapping = field(repr=False)
    activity_months: pd.DataFrame | None = field(default=None, repr=False)
    stages: tuple = ()
    source: str = ""
    fingerprint: None = field(default=None, repr=False)
    # results made from engine facts are not kept between sessions (workbench.memo): the facts do not
    # identify the raw data they summarise
    _cache: dict = field(default_factory=lambda: {"keep_nothing": True}, repr=False)

    def has(self, name: str) -> bool:
        """Whether table ``name`` is in the data (in the engine, or brought back)."""
        return name in self.frames or self.engine.has(name)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables that came back, by name (copies)."""
        return {name: frame.copy(deep=False) for name, frame in self.frames.items()}

    def __getattr__(self, name):
        if name == "activities":
            raise DataError(
                f"The raw activities stay in the engine ({_engine_label(self.engine)}): SalesFacts brings back "
                "activity counts per rep and month (facts.activity_months) and each deal's follow-up hours. For "
                "the activity rows themselves, load the data in pandas with workbench.load(...).",
                file="activities",
            )
        if name in TABLE_NAMES:
            frame = self.frames.get(name)
            return None if frame is None else frame.copy(deep=False)
        raise AttributeError(f"SalesFacts has no attribute {name!r}")

    def __getitem__(self, name: str):
        if name not in TABLE_NAMES:
            raise KeyError(f"{name!r} is not a contract table; tables are {list(TABLE_NAMES)}.")
        return getattr(self, name)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(frame):,}" for name, frame in self.frames.items())
        months = 0 if self.activity_months is None else len(self.activity_months)
        return f"SalesFacts({_engine_label(self.engine)}: {sizes}, activity_months={months:,})"


def sales_facts(data, **extra) -> SalesFacts:
    """Compute in the engine what forecasting, targets, diagnosis and coaching read, and bring it back.

    Parameters
    ----------
    data : KPITables, SalesFacts, SalesData, path or dict of DataFrames
        Usually what :func:`workbench.connect` returns; anything else is put on DuckDB
        first (:func:`~workbench.kpi.engine.kpi_tables`). SalesFacts are returned as they are.
    **extra : DataFrame
        Small tables that are not KPI inputs (:data:`EXTRA_TABLES`: ``skills``,
        ``training_catalog``, ``training_log``, ``deal_people``). Default: those of the
        SalesData the tables were made from, else ``<table>.parquet`` (or a ``<table>/``
        folder) next to the Parquet tables, read by the engine.

    Returns
    -------
    SalesFacts

    Raises
    ------
    ValueError
        For a keyword that is not one of :data:`EXTRA_TABLES`.
    """
    if isinstance(data, SalesFacts):
        return data
    unknown = sorted(set(extra) - set(EXTRA_TABLES))
    if unknown:
        raise ValueError(f"sales_facts takes the extra tables {', '.join(EXTRA_TABLES)}; got {', '.join(unknown)}.")
    tables = kpi_tables(data)
    frames = {"reps": fetch(tables, tables["reps"].order_by("rep_id")), "opportunities": deal_facts(tables)}
    for name, (columns, order) in _KEPT.items():
        if tables.has(name):
            frames[name] = fetch(tables, tables[name].select(*columns).order_by(order))
    for name in EXTRA_TABLES:
        frame = extra[name] if name in extra else _extra_table(tables, name)
        if frame is not None:
            frames[name] = frame
    months = activity_months(tables) if tables.has("activities") else None
    return SalesFacts(tables, MappingProxyType(frames), months, tuple(tables.stages), tables.source)


def deal_facts(tables: KPITables) -> pd.DataFrame:
    """One row per deal: the opportunity's contract columns and its ``follow_up_hours``, by ``opportunity_id``."""
    from workbench.kpi.deals import with_deal_follow_up_hours

    return fetch(tables, with_deal_follow_up_hours(tables).order_by("opportunity_id")).reset_index(drop=True)


def activity_months_expr(activities: ibis.Table) -> ibis.Table:
    """Activities per rep and calendar month (``period_key`` of :func:`~workbench.kpi.expressions.period_of`):
    ``rep_id, period_key, activities, prospecting`` (prospecting: not tied to a deal)."""
    from workbench.kpi import expressions as ex  # ibis, imported only where an expression is built

    return activities.group_by(rep_id=activities.rep_id, period_key=ex.period_of(activities.at, "M")).agg(
        activities=activities.count(),
        prospecting=activities.opportunity_id.isnull().sum(),
    )


def activity_months(data) -> pd.DataFrame:
    """Activities per rep and calendar month, counted in the engine.

    Parameters
    ----------
    data : KPITables, SalesFacts, SalesData, path or dict of DataFrames

    Returns
    -------
    DataFrame
        :data:`ACTIVITY_MONTH_COLUMNS` (``month`` is the month start; counts are int64), one
        row per rep and month with at least one activity, sorted by rep and month. Reps
        missing from ``reps`` are kept (the diagnosis drops them).
    """
    if isinstance(data, SalesFacts):
        return data.activity_months.copy()
    tables = kpi_tables(data)
    counts = fetch(tables, activity_months_expr(tables["activities"]).order_by(["rep_id", "period_key"]))
    key = counts.pop("period_key").astype("int64")
    month = pd.to_datetime({"year": key // 12, "month": key % 12 + 1, "day": 1}) if len(key) else \
        pd.Series(dtype="datetime64[us]")
    counts.insert(1, "month", pd.Series(month, index=counts.index).astype("datetime64[us]"))
    return counts.astype({"activities": "int64", "prospecting": "int64"}).reindex(columns=ACTIVITY_MONTH_COLUMNS)


def as_sales_input(data, *, caller: str = "this function"):
    """The data an analysis downstream of the KPIs reads: SalesFacts from an engine, else SalesData.

    :class:`SalesFacts` are returned as they are, :class:`~workbench.kpi.engine.KPITables`
    (what :func:`workbench.connect` returns) become SalesFacts (:func:`sales_facts`), and
    anything else goes through :func:`workbench.io.load.as_sales_data`, the one way in for
    raw data.
    """
    if isinstance(data, SalesFacts):
        return data
    if isinstance(data, KPITables):
        return sales_facts(data)
    from workbench.io.load import as_sales_data

    return as_sales_data(data, caller=caller)


# --------------------------------------------------------------------------- helpers


def _engine_label(tables: KPITables) -> str:
    from workbench.kpi.backends import engine_name

    return engine_name(tables.backend) if tables.backend is not None else "the engine"


def _extra_table(tables: KPITables, name: str) -> pd.DataFrame | None:
    """A small non-KPI table of the source: from the SalesData behind the tables, the engine's database
    the tables were read from, or next to the Parquet files."""
    behind = getattr(tables.tables, "_data", None)  # tables made from a SalesData (kpi_tables)
    if behind is not None:
        return behind[name] if behind.has(name) else None
    if tables.in_database:
        table = database_table(tables.backend, name, tables.database)
        return None if table is None else fetch(tables, conform(table, name, tables.source))
    folder = str(tables.source or "")
    if name in KPI_TABLE_NAMES or not folder or not hasattr(tables.backend, "read_parquet"):
        return None
    found = parquet_table(tables.backend, folder, name)
    return None if found is None else fetch(tables, conform(found[1], name, found[0]))
