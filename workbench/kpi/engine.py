"""Where KPI expressions run: DuckDB in process by default, through ibis.

The KPI expressions (:mod:`workbench.kpi.expressions`) take ibis tables, so they run on
whatever backend holds the data. This module makes those tables:

* :func:`kpi_tables` from a :class:`~workbench.io.SalesData` (or a dict of contract
  DataFrames) in an in-memory DuckDB connection;
* :func:`kpi_tables_from_parquet` from a folder of Parquet files, which DuckDB scans
  directly — the raw events never pass through pandas, which is how 10 M activities fit
  in a few hundred MB.

Both return a :class:`KPITables` with every table conformed to the contract: missing
nullable columns are added as typed nulls and columns are cast to the contract types.

Examples
--------
>>> import pandas as pd
>>> from workbench.kpi.engine import fetch, kpi_tables
>>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["North"]})
>>> opps = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["r1"], "stage": ["Won"],
...     "created_at": pd.to_datetime(["2026-01-05"]), "amount": [100.0], "outcome": ["won"],
...     "closed_at": pd.to_datetime(["2026-02-01"])})
>>> tables = kpi_tables({"reps": reps, "opportunities": opps})
>>> tables.has("activities"), fetch(tables, tables["opportunities"].count())
(False, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from workbench.contract import TABLES
from workbench.errors import DataError
from workbench.io.load import as_sales_data
from workbench.io.plausible import AMOUNT_COLUMNS, Plausible
from workbench.io.stages import resolve_stages

if TYPE_CHECKING:
    import ibis
    import ibis.expr.datatypes as dt

__all__ = [
    "KPITables", "KPI_TABLE_NAMES", "connect", "fetch", "memtable", "kpi_tables", "kpi_tables_from_parquet",
    "kpi_tables_from_backend", "parquet_bounds",
]

#: Contract tables the KPI engine reads.
KPI_TABLE_NAMES = (
    "reps", "opportunities", "stage_history", "activities", "orders", "targets", "surveys", "market",
)

#: The ibis type (a name in ``ibis.expr.datatypes``) of each contract type. ibis is imported where an
#: expression is built, not with this module: a KPI table kept from an earlier session is read without it.
_IBIS_TYPES = {
    "str": "string",
    "float": "float64",
    "datetime": "timestamp",
    "date": "timestamp",
}


@dataclass(frozen=True, eq=False)
class KPITables:
    """The contract tables the KPI engine reads, as ibis tables on one backend.

    Attributes
    ----------
    tables : Mapping[str, ibis.Table]
        Provided tables by name (optional tables the source lacks are absent).
    stages : tuple of str
        Open pipeline stages in funnel order; empty when unknown.
    backend : ibis backend
        The connection the tables live on; expressions are executed there.
    source : str
        Where the tables came from, for messages.
    database : str, tuple or None
        For tables read by name from the engine's own database
        (:func:`kpi_tables_from_backend`): that database (None: the connection's current
        one); the small tables that are not KPI inputs are looked up there too.
    in_database : bool
        Whether the tables were read by name from the engine's own database.
    bounds : Mapping[str, Mapping[str, tuple]]
        For tables read from local Parquet files: ``{table: {column: (min, max)}}`` of the
        date and amount columns whose footers' statistics give them exactly (see
        :func:`parquet_bounds`); ``(None, None)`` for a column holding only nulls. Queries
        that need only these (the plausibility check, the reporting span) read no rows.
    """

    tables: Mapping
    stages: tuple = ()
    backend: object = field(default=None, repr=False)
    source: str = ""
    database: object = None
    in_database: bool = False
    bounds: Mapping = field(default_factory=dict, repr=False)

    def has(self, name: str) -> bool:
        """Whether table ``name`` was provided."""
        return name in self.tables

    def __getitem__(self, name: str) -> ibis.Table:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"Table {name!r} was not provided by {self.source or 'the source'}.") from None

    def known_bounds(self, name: str, column: str) -> tuple | None:
        """``(min, max)`` of column ``column`` of table ``name`` known without a query, else None.

        Known for the date and amount columns of local Parquet files whose footers carry
        statistics (:func:`parquet_bounds`); ``(None, None)`` when the column holds only nulls.
        """
        return self.bounds.get(name, {}).get(column)


def memtable(frame: pd.DataFrame) -> ibis.Table:
    """An ibis in-memory table from a pandas DataFrame, converted through Arrow (index dropped)."""
    import ibis

    return ibis.memtable(pa.Table.from_pandas(frame, preserve_index=False))


def fetch(tables: KPITables, expr):
    """Run ``expr`` on the backend of ``tables``; a table comes back as a pandas DataFrame.

    Goes through Arrow, so string columns arrive with pandas' ``str`` dtype and
    timestamps keep microsecond precision. A scalar expression returns a Python value.
    """
    result = tables.backend.to_pyarrow(expr)
    if isinstance(result, pa.Table):
        return result.to_pandas()
    return result.as_py()


def connect(threads: int | None = None, memory_limit: str | None = None, temp_directory=None):
    """An in-process DuckDB connection through ibis (no server).

    Parameters
    ----------
    threads : int, optional
        Worker threads DuckDB may use (default: all cores).
    memory_limit : str, optional
        e.g. ``"1GB"``; DuckDB spills to disk beyond it.
    temp_directory : str or Path, optional
        Where DuckDB spills (default: a ``.tmp`` folder next to a database file, none for
        an in-memory connection).

    Notes
    -----
    The connection does not preserve insertion order (DuckDB's
    ``preserve_insertion_order``): every KPI query that needs an order says so with
    ORDER BY, and not keeping the scan order of rows through the plan saves ~5 % of the
    CPU time of the full KPI table.
    """
    import ibis

    config = {"preserve_insertion_order": False}
    if threads is not None:
        config["threads"] = int(threads)
    if memory_limit is not None:
        config["memory_limit"] = str(memory_limit)
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    return ibis.duckdb.connect(**config)


def conform(table: ibis.Table, name: str, source: str = "") -> ibis.Table:
    """Select the contract columns of ``name`` from ``table``, typed as the contract says.

    Missing nullable columns become typed nulls; a missing required column raises
    :class:`~workbench.errors.DataError` naming the table and column.
    """
    import ibis
    import ibis.expr.datatypes as dt

    spec = TABLES[name]
    columns = {}
    for column in spec.columns:
        target = getattr(dt, _IBIS_TYPES[column.dtype])
        if column.name in table.columns:
            expr = table[column.name]
            if expr.type().is_null() or not _same_kind(expr.type(), target):
                expr = expr.cast(target)
            columns[column.name] = expr
        elif column.nullable:
            columns[column.name] = ibis.null().cast(target)
        else:
            where = f" in {source}" if source else ""
            raise DataError(
                f"Table {name!r}{where} has no column {column.name!r}, which KPIs need "
                f"({column.description or column.dtype}). Columns present: {list(table.columns)}.",
                file=name,
                column=column.name,
            )
    return table.select(**columns)


def _same_kind(actual: dt.DataType, target: dt.DataType) -> bool:
    if target.is_string():
        return actual.is_string()
    if target.is_floating():
        return actual.is_floating()
    if target.is_timestamp():
        return actual.is_timestamp() and actual.timezone is None
    return actual == target


def kpi_tables(data, backend=None) -> KPITables:
    """Put sales data on a backend for KPI queries.

    Parameters
    ----------
    data : SalesData, KPITables, SalesFacts, path or dict of DataFrames
        Anything :func:`workbench.io.load.as_sales_data` accepts (the one way in, so a
        dict and ``load(dict)`` give identical KPIs); a :class:`KPITables` is returned
        unchanged, and :class:`~workbench.kpi.facts.SalesFacts` give the tables they came from.
    backend : ibis backend, optional
        Defaults to a fresh in-memory DuckDB connection (:func:`connect`).

    Returns
    -------
    KPITables
        With the stage order of the SalesData (:mod:`workbench.io.stages`).
    """
    if isinstance(data, KPITables):
        return data
    engine = getattr(data, "engine", None)  # SalesFacts (workbench.kpi.facts): the tables they came from
    if isinstance(engine, KPITables):
        return engine
    data = as_sales_data(data, caller="kpi_tables")
    backend = backend if backend is not None else connect()
    source = data.source or ""
    tables = _ConformedFrames(data, [n for n in KPI_TABLE_NAMES if data.has(n)], source)
    return KPITables(tables, tuple(data.stages or ()), backend, source)


class _ConformedFrames(Mapping):
    """The SalesData's tables as conformed ibis tables, each converted on first use.

    A query that needs only deals and reps never pays for turning millions of activities
    into an Arrow table.
    """

    def __init__(self, data, names, source):
        self._data, self._names, self._source, self._done = data, tuple(names), source, {}

    def __getitem__(self, name):
        if name not in self._names:
            raise KeyError(name)
        if name not in self._done:
            self._done[name] = conform(memtable(self._data[name]), name, self._source)
        return self._done[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)


def kpi_tables_from_parquet(folder, stages=None, backend=None, plausible: Plausible | None = None) -> KPITables:
    """Open a folder of Parquet files for KPI queries without loading them into pandas.

    Each table is ``<folder>/<table>.parquet`` or a folder ``<folder>/<table>/`` of Parquet
    files. ``reps`` and ``opportunities`` are required; other tables are optional. Rows are
    not validated (use :func:`workbench.load` for that).

    Parameters
    ----------
    folder : str or Path
        A local folder, or on a backend that reads remote storage (Spark) a lake URI such
        as ``s3a://bucket/crm`` or ``hdfs:///crm``: its tables are then looked up by
        trying ``<table>.parquet`` and ``<table>/`` in turn.
    stages : optional
        Stage config (list, dict, DataFrame or path to ``stages.csv`` / ``stages.toml``);
        default: the folder's ``stages.csv`` / ``stages.toml``, else inferred from
        ``stage_history`` where it lies (:func:`workbench.io.stages.resolve_stages`, the
        same resolver :func:`workbench.load` uses).
    backend : ibis backend, optional
        Defaults to a fresh in-memory DuckDB connection (:func:`connect`); any ibis backend
        with ``read_parquet`` (e.g. PySpark, see :func:`workbench.connect`) reads the files
        in place.
    plausible : Plausible, optional
        The plausible dates and amounts (:mod:`workbench.io.plausible`; default from the
        environment, else 1990..2100 and 1e15). Rows are not quarantined here: a value
        outside them raises.

    Returns
    -------
    KPITables

    Raises
    ------
    DataError
        A required table or column is missing, or a date or amount is implausible.
    """
    remote = _is_uri(folder)
    if not remote:
        folder = Path(folder)
        if not folder.is_dir():
            raise DataError(f"{folder} is not a folder of Parquet files.", file=folder)
    backend = backend if backend is not None else connect()
    raw, paths = {}, {}
    for name in KPI_TABLE_NAMES:
        found = parquet_table(backend, folder, name)
        if found is not None:
            paths[name], raw[name] = found
    for name in ("reps", "opportunities"):
        if name not in raw:
            raise DataError(
                f"{folder} has no {name}.parquet (or {name}/ folder of Parquet files); KPIs need it.",
                file=f"{folder}/{name}.parquet" if remote else folder / f"{name}.parquet",
            )
    if stages is None and not remote:
        stages = next((p for p in (folder / "stages.csv", folder / "stages.toml") if p.is_file()), None)
    bounds = {} if remote else {name: parquet_bounds(_local_files(path), _bounded_columns(name))
                                for name, path in paths.items()}
    return _conformed(raw, paths, backend, str(folder), stages, plausible, bounds)


def kpi_tables_from_backend(backend, database=None, stages=None, plausible: Plausible | None = None,
                            names: Mapping | None = None) -> KPITables:
    """Open the contract tables that already live in a database (a warehouse, a Spark catalog).

    Nothing is copied: the KPI queries run on ``backend`` and only their small results
    come back.

    Parameters
    ----------
    backend : ibis backend
        e.g. ``ibis.postgres.connect(...)``, ``ibis.snowflake.connect(...)``,
        ``ibis.bigquery.connect(...)`` or ``ibis.pyspark.connect(session)``.
    database : str or tuple, optional
        Where the tables are (a schema, ``(catalog, schema)``, a BigQuery dataset, a Spark
        database); default the connection's current one.
    stages : optional
        Stage config as in :func:`kpi_tables_from_parquet`; default inferred from
        ``stage_history``.
    plausible : Plausible, optional
        As in :func:`kpi_tables_from_parquet`.
    names : mapping, optional
        Table names that differ from the contract's, e.g. ``{"opportunities": "crm_deals"}``.

    Returns
    -------
    KPITables

    Raises
    ------
    DataError
        ``reps`` or ``opportunities`` (or a column KPIs need) is missing.
    """
    names = dict(names or {})
    where = f"{database}" if database else "the connection's current database"
    raw, paths = {}, {}
    for name in KPI_TABLE_NAMES:
        stored = names.get(name, name)
        table = database_table(backend, stored, database)
        if table is not None:
            raw[name] = table
            paths[name] = f"{where}.{stored}" if database else stored
    for name in ("reps", "opportunities"):
        if name not in raw:
            raise DataError(
                f"{where} has no table {names.get(name, name)!r}; KPIs need it (map another name with "
                f"names={{{name!r}: ...}}).{_tables_present(backend, database)}",
                file=names.get(name, name),
            )
    tables = _conformed(raw, paths, backend, where, stages, plausible)
    return replace(tables, database=database, in_database=True)


def database_table(backend, name: str, database=None):
    """Table ``name`` of the engine's own ``database`` (None: the connection's current one), or None
    when there is no such table.

    Asked for by name rather than looked up in ``list_tables``: one catalog lookup per table, and
    it works where a backend's table listing does not (ibis 12's DuckDB backend on DuckDB 2).
    """
    from ibis.common.exceptions import TableNotFound

    try:
        return backend.table(name, database=database) if database is not None else backend.table(name)
    except TableNotFound:
        return None


def _tables_present(backend, database) -> str:
    """`` Tables present: …`` for an error message, or nothing when the backend cannot list them."""
    try:
        present = backend.list_tables(database=database) if database is not None else backend.list_tables()
    except Exception:  # listing is a courtesy in a message; some backend/driver pairs cannot
        return ""
    return f" Tables present: {sorted(present)[:20]}."


def _conformed(raw: dict, paths: dict, backend, source: str, stages, plausible: Plausible | None,
               bounds: dict | None = None) -> KPITables:
    tables = {name: conform(table, name, source) for name, table in raw.items()}
    bounds = {name: MappingProxyType(known) for name, known in (bounds or {}).items() if known}
    _check_plausible(tables, backend, paths, Plausible.from_env() if plausible is None else plausible, bounds)
    order, _ = resolve_stages(stages, tables)
    return KPITables(MappingProxyType(tables), order, backend, source, bounds=MappingProxyType(bounds))


def _local_files(path: str) -> list[str]:
    """The files behind a :func:`parquet_table` path: the file, or the part files of ``<folder>/*.parquet``."""
    if path.endswith("*.parquet"):
        return sorted(str(p) for p in Path(path).parent.glob("*.parquet"))
    return [path]


def _bounded_columns(name: str) -> list[str]:
    """The columns of contract table ``name`` whose range is checked or spans the reporting grid."""
    return [c.name for c in TABLES[name].columns
            if c.dtype in ("date", "datetime") or (name, c.name) in AMOUNT_COLUMNS]


def parquet_bounds(files, columns) -> dict[str, tuple]:
    """Min and max of ``columns`` over the Parquet ``files``, from their footers' statistics.

    Reads no rows: every row group's column chunk carries its min, max and null count.
    A column is in the result only when every chunk of every file gives them exactly:
    timestamps without a time zone in s, ms or µs (as :class:`pandas.Timestamp`), dates
    (midnight timestamps) and numbers (float), the values the KPI tables see after
    :func:`conform`'s casts. A column of only nulls gets ``(None, None)``; a column missing
    from a file, of another type, or with a chunk lacking statistics (or with a NaN bound)
    is left out, and its range must be queried.

    Parameters
    ----------
    files : list of str
        Local Parquet files of one table.
    columns : list of str
        Column names.

    Returns
    -------
    dict
        ``{column: (min, max)}``.

    Examples
    --------
    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> path = tempfile.mkdtemp() + "/deals.parquet"
    >>> pq.write_table(pa.table({"amount": [5.0, None, -2.5], "closed_at": pa.nulls(3, pa.timestamp("us")),
    ...                          "stage": ["Won", "Lost", "Won"]}), path, row_group_size=2)
    >>> parquet_bounds([path], ["amount", "closed_at", "stage", "missing"])
    {'amount': (-2.5, 5.0), 'closed_at': (None, None)}
    """
    import pyarrow.parquet as pq

    if not files or any(Path(f).name.startswith(("_", ".")) for f in files):
        return {}  # engines skip such files, or read no file at all: let them answer
    try:
        metadata = [pq.read_metadata(f) for f in files]
    except (OSError, ValueError):  # not readable here: the engine reports it
        return {}
    bounds = {}
    for column in columns:
        found = [_chunk_bounds(meta, column) for meta in metadata]
        if any(b is None for b in found):
            continue
        lows = [lo for lo, _ in found if lo is not None]
        highs = [hi for _, hi in found if hi is not None]
        bounds[column] = (min(lows), max(highs)) if lows else (None, None)
    return bounds


def _chunk_bounds(meta, column: str) -> tuple | None:
    """``(min, max)`` of ``column`` over the row groups of one file's footer ``meta``, or None if unknown."""
    arrow = meta.schema.to_arrow_schema()
    if arrow.get_field_index(column) < 0:
        return None
    value = _stat_value(arrow.field(column).type)
    paths = [meta.schema.column(i).path for i in range(meta.num_columns)]
    if value is None or paths.count(column) != 1:
        return None
    index = paths.index(column)
    lo = hi = None
    for group in range(meta.num_row_groups):
        rows = meta.row_group(group)
        stats = rows.column(index).statistics
        if rows.num_rows == 0:
            continue
        if stats is None:
            return None
        if stats.has_null_count and stats.null_count == rows.num_rows:
            continue  # only nulls
        if not stats.has_min_max:
            return None
        first, last = value(stats.min_raw), value(stats.max_raw)
        if pd.isna(first) or pd.isna(last):
            return None  # a writer that kept NaN in its statistics
        lo = first if lo is None else min(lo, first)
        hi = last if hi is None else max(hi, last)
    return lo, hi


def _stat_value(arrow_type):
    """How to turn a raw statistic of a column of ``arrow_type`` into the value KPIs see, or None."""
    if pa.types.is_timestamp(arrow_type):
        if arrow_type.tz is not None or arrow_type.unit not in ("s", "ms", "us"):
            return None  # zoned: engines shift them; ns: the cast to µs may round
        unit = arrow_type.unit
        return lambda raw: pd.Timestamp(int(raw), unit=unit)
    if pa.types.is_date32(arrow_type):
        return lambda raw: pd.Timestamp(int(raw), unit="D")
    if pa.types.is_floating(arrow_type) or pa.types.is_integer(arrow_type):
        return float
    return None


def _is_uri(location) -> bool:
    """Whether ``location`` is a lake URI (``s3a://…``, ``hdfs://…``) rather than a local path."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def parquet_table(backend, folder, name: str):
    """``(path, table)`` of table ``name`` in a folder of Parquet tables, read in place on ``backend``:
    ``<name>.parquet`` or a ``<name>/`` folder of part files, in a local folder or under a lake URI;
    None when neither is there."""
    if _is_uri(folder):
        return _read_remote(backend, str(folder).rstrip("/"), name)
    folder = Path(str(folder).removeprefix("file://"))
    single, many = folder / f"{name}.parquet", folder / name
    if single.is_file():
        path = str(single)
    elif many.is_dir() and any(many.glob("*.parquet")):
        path = str(many / "*.parquet")
    else:
        return None
    return path, backend.read_parquet(path, table_name=f"wb_{name}")


def _read_remote(backend, folder: str, name: str):
    """``(path, table)`` of table ``name`` under a lake URI, or None when neither layout exists."""
    for path in (f"{folder}/{name}.parquet", f"{folder}/{name}"):
        try:
            return path, backend.read_parquet(path, table_name=f"wb_{name}")
        except Exception as err:  # the engine's own "path not found" error type
            if "not found" in str(err).lower() or "does not exist" in str(err).lower():
                continue
            raise
    return None


def _check_plausible(tables: dict, backend, paths: dict, plausible: Plausible, bounds: Mapping | None = None) -> None:
    """Raise :class:`DataError` when a scanned table holds a date or amount outside ``plausible``.

    Rows read directly are not validated, so they cannot be quarantined one by one: one
    implausible value (a created_at in 1900 stretches the KPI table over a century, an
    amount of 1e32 overflows the exact money sums) stops the run, naming the file, the
    column and the setting. A column whose ``bounds`` (``{table: {column: (min, max)}}``,
    from Parquet footers) lie inside the plausible range needs no scan; the others are
    counted in one query.
    """
    bounds = bounds or {}
    aggregates, where = [], {}
    for name, table in tables.items():
        checks = {}
        for column in TABLES[name].columns:
            values = table[column.name]
            key = f"{name}__{column.name}"
            lo, hi = bounds.get(name, {}).get(column.name, (float("nan"), float("nan")))
            if column.dtype in ("date", "datetime"):
                first, after = plausible.date_bounds(column.name)
                if lo is None or (isinstance(lo, pd.Timestamp) and first <= lo and hi < after):
                    continue  # only nulls, or every value inside the range
                checks[key] = ((values < first.to_pydatetime()) | (values >= after.to_pydatetime())).sum()
            elif (name, column.name) in AMOUNT_COLUMNS:
                if lo is None or (-plausible.max_amount <= lo and hi <= plausible.max_amount):
                    continue
                checks[key] = (values.abs() > plausible.max_amount).sum()
            else:
                continue
            where[key] = (name, column.name)
        if checks:
            aggregates.append(table.aggregate(**checks))
    if not aggregates:
        return
    # one query for every table (one-row aggregates side by side): an engine such as Spark
    # pays its planning and job start-up once instead of once per table
    combined = aggregates[0]
    for aggregate in aggregates[1:]:
        combined = combined.cross_join(aggregate)
    counts = backend.to_pyarrow(combined).to_pylist()[0]
    for key, count in counts.items():
        if count:
            name, column = where[key]
            reason = (plausible.amount_reason(column) if (name, column) in AMOUNT_COLUMNS
                      else plausible.date_reason(column))
            raise DataError(
                f"{paths[name]}: {count:,} row(s) with {reason}. --direct reads rows without validating "
                f"them, so it cannot quarantine them: fix them, or load without --direct to quarantine them.",
                file=paths[name], column=column,
            )
