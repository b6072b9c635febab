"""Point the KPI layer at the engine where the data live: DuckDB, Spark or any ibis backend.

The KPI definitions (:mod:`workbench.kpi.expressions`) are ibis expressions, so the same
code runs in DuckDB in process (the default), on Spark through ibis's pyspark backend, or
in a warehouse (Postgres, Snowflake, BigQuery, ...). :func:`connect` opens the raw tables
where they are — Parquet read in place, or tables of a database — and returns the
:class:`~workbench.kpi.engine.KPITables` that :func:`~workbench.kpi.compute_kpis` takes;
only the small aggregated KPI table comes back into pandas.

Examples
--------
>>> import pandas as pd, workbench
>>> from workbench.kpi import compute_kpis
>>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["North"]})
>>> opps = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["r1"], "stage": ["Won"],
...     "created_at": pd.to_datetime(["2026-01-05"]), "amount": [100.0], "outcome": ["won"],
...     "closed_at": pd.to_datetime(["2026-02-01"])})
>>> tables = workbench.connect({"reps": reps, "opportunities": opps}, engine="duckdb", memory_limit="1GB")
>>> kpis = compute_kpis(tables, metrics=["bookings"])
>>> kpis.value.tolist()
[0.0, 100.0]
>>> engine_name(tables.backend)
'duckdb'
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from workbench.errors import EngineUnavailableError
from workbench.io.plausible import Plausible
from workbench.kpi.engine import KPITables, kpi_tables, kpi_tables_from_backend, kpi_tables_from_parquet
from workbench.kpi.engine import connect as duckdb_connect

__all__ = ["connect", "open_backend", "spark_session", "engine_name", "EngineUnavailableError", "SPARK_INSTALL",
           "LOCAL_DEFAULTS"]

#: How to install what ``engine="spark"`` needs.
SPARK_INSTALL = "pip install '.[spark]'  (or: pip install 'sales-performance-workbench[spark]')"

#: Names of the Spark engine.
_SPARK = ("spark", "pyspark")

#: Spark settings :func:`spark_session` adds in local mode (``config`` overrides any of them).
#: The KPI queries are one wide plan of many small aggregations over the same few tables:
#:
#: * ``spark.ui.enabled``: the UI's listeners cost driver time for every task and stage;
#: * ``spark.sql.objectHashAggregate.sortBased.fallbackThreshold``: the exact medians
#:   (``percentile``) aggregate in a hash map of per-group buffers that Spark abandons for a
#:   sort after 128 groups per task; an entity x period table has tens of thousands of
#:   groups, and sorting instead doubled the CPU time of a median. In local mode the driver
#:   holds these buffers, so the limit stays bounded (~1 KB each);
#: * ``spark.driver.extraJavaOptions`` ``-XX:TieredStopAtLevel=1``: the JVM compiles with its
#:   quick compiler only. Each query generates hundreds of classes that run for seconds, so
#:   the optimising compiler's work never pays back: the Spark CPU of ``scale_bench`` at 10 M
#:   activity rows fell by about 29 % and its session start by half. Pass your own
#:   ``spark.driver.extraJavaOptions`` (an empty string for the JVM's default) to change it.
LOCAL_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.sql.objectHashAggregate.sortBased.fallbackThreshold": "200000",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
}

#: Options of the DuckDB engine (:func:`workbench.kpi.engine.connect`).
_DUCKDB_OPTIONS = ("threads", "memory_limit", "temp_directory")


def connect(source=None, engine="duckdb", *, database=None, stages=None, plausible: Plausible | None = None,
            tables: dict | None = None, **options) -> KPITables:
    """Open sales data for KPI queries on an engine, without pulling raw rows into pandas.

    Parameters
    ----------
    source : path, URI, SalesData, dict of DataFrames or None
        * a folder of Parquet files (``reps.parquet`` or ``reps/`` with part files, ...),
          local or, on Spark, a lake URI (``s3a://bucket/crm``, ``hdfs:///crm``): the
          engine reads the files in place (rows are not validated; implausible dates or
          amounts raise, see :func:`~workbench.kpi.engine.kpi_tables_from_parquet`);
        * anything else :func:`workbench.load` reads (CSV folder, workbook, ``.duckdb``
          file), a :class:`~workbench.io.SalesData` or a dict of contract DataFrames: it is
          loaded and validated in pandas, then handed to the engine (for small data);
        * None: the contract tables are read by name from the engine's own database
          (a warehouse, a Spark catalog), see ``database`` and ``tables``.
    engine : str, ibis backend or SparkSession, default "duckdb"
        ``"duckdb"`` (in process), ``"spark"`` (a local or cluster SparkSession through
        ibis's pyspark backend; ``pip install '.[spark]'``), the name of any other ibis
        backend (``"postgres"``, ``"snowflake"``, ``"bigquery"``, ``"trino"``, ...), an
        ibis connection URL (``"postgres://user:pass@host:5432/crm"``), an ibis backend
        already connected, or a ``pyspark.sql.SparkSession``.
    database : str or tuple, optional
        With ``source=None``: the schema / dataset / Spark database holding the tables.
    stages : optional
        Stage config (list, dict, DataFrame or path); default from the source, else
        inferred from ``stage_history``.
    plausible : Plausible, optional
        Plausible dates and amounts for data read in place.
    tables : dict, optional
        With ``source=None``: table names that differ from the contract's, e.g.
        ``{"opportunities": "crm_deals"}``.
    **options
        Passed to the engine: for DuckDB ``threads``, ``memory_limit`` (e.g. ``"2GB"``;
        DuckDB spills beyond it) and ``temp_directory`` (where it spills); for Spark the
        arguments of :func:`spark_session` (``master``, ``config``, ...); for another
        backend the keyword arguments of ``ibis.<backend>.connect``.

    Returns
    -------
    KPITables
        Pass it to :func:`workbench.compute_kpis` (and on to forecasting, diagnosis,
        coaching and targets, which work on the KPI table it returns).

    Raises
    ------
    EngineUnavailableError
        The engine's package (or, for Spark, Java) is missing; the message says how to
        install it.
    ValueError
        An unknown engine name or option.
    workbench.errors.DataError
        A required table or column is missing, or a value is implausible.
    """
    backend = open_backend(engine, **options)
    if source is None:
        return kpi_tables_from_backend(backend, database=database, stages=stages, plausible=plausible, names=tables)
    if isinstance(source, KPITables):
        raise TypeError("connect() got KPITables, which are already connected; pass them to compute_kpis directly.")
    if _is_parquet_folder(source):
        return kpi_tables_from_parquet(source, stages=stages, backend=backend, plausible=plausible)
    from workbench.io.load import as_sales_data, load

    data = load(source, stages=stages) if isinstance(source, (str, Path)) else as_sales_data(source, caller="connect")
    return kpi_tables(data, backend=backend)


def open_backend(engine="duckdb", **options):
    """The ibis backend for ``engine`` (see :func:`connect`), started with ``options``.

    Examples
    --------
    >>> engine_name(open_backend("duckdb", threads=1))
    'duckdb'
    >>> open_backend("duckdb", master="local[2]")
    Traceback (most recent call last):
    ...
    ValueError: The 'duckdb' engine takes the options threads, memory_limit, temp_directory; got master instead.
    >>> open_backend("no_such_engine")
    Traceback (most recent call last):
    ...
    ValueError: Unknown engine 'no_such_engine': use 'duckdb', 'spark', an ibis backend name ...
    """
    if not isinstance(engine, str):
        if _is_spark_session(engine):
            _require_pyspark_backend()
            return _pyspark_backend(engine)
        if hasattr(engine, "read_parquet") or hasattr(engine, "table"):
            if options:
                raise ValueError(f"Options {sorted(options)} cannot be applied to an ibis backend already connected.")
            return engine
        raise TypeError(f"engine must be a name, an ibis backend or a SparkSession; got {type(engine).__name__}.")
    name = engine.strip().lower()
    if name == "duckdb":
        unknown = sorted(set(options) - set(_DUCKDB_OPTIONS))
        if unknown:
            raise ValueError(f"The 'duckdb' engine takes the options {', '.join(_DUCKDB_OPTIONS)}; "
                             f"got {', '.join(unknown)} instead.")
        return duckdb_connect(**options)
    if name in _SPARK:
        _require_pyspark_backend()
        return _pyspark_backend(spark_session(**options))
    import ibis  # here: opening the default DuckDB engine, or importing this module, does not need it

    if "://" in engine:
        return ibis.connect(engine, **options)
    try:
        module = getattr(ibis, name)
    except (AttributeError, ImportError) as err:
        if isinstance(err, ImportError):
            raise EngineUnavailableError(
                f"The {name!r} engine needs its ibis backend: pip install 'ibis-framework[{name}]' ({err})."
            ) from None
        raise ValueError(
            f"Unknown engine {engine!r}: use 'duckdb', 'spark', an ibis backend name (postgres, snowflake, "
            f"bigquery, trino, ...) or an ibis connection URL."
        ) from None
    if not hasattr(module, "connect"):
        raise ValueError(f"Unknown engine {engine!r}: ibis.{name} is not a backend.")
    try:
        return module.connect(**options)
    except ImportError as err:
        raise EngineUnavailableError(
            f"The {name!r} engine needs its ibis backend: pip install 'ibis-framework[{name}]' ({err})."
        ) from None


def spark_session(master: str | None = None, app_name: str = "sales-performance-workbench",
                  config: dict | None = None, shuffle_partitions: int | None = None):
    """A SparkSession for KPI queries: an existing one if running, else one built here.

    Parameters
    ----------
    master : str, optional
        ``"local[*]"`` (all cores of this machine; the default when nothing else is
        configured), ``"local[2]"``, ``"spark://host:7077"``, ``"yarn"``, ``"k8s://..."``.
        Default: ``spark.master`` from the environment (``spark-submit``,
        ``SPARK_MASTER``), else ``local[*]``.
    app_name : str
        Name shown in the Spark UI.
    config : dict, optional
        More Spark settings, e.g. ``{"spark.driver.memory": "4g"}``.
    shuffle_partitions : int, optional
        ``spark.sql.shuffle.partitions``; default 2 per local core in local mode (Spark's
        200 make small aggregations slow on one machine), Spark's default on a cluster.

    Notes
    -----
    In local mode the session also gets :data:`LOCAL_DEFAULTS` and a driver memory of a
    quarter of this machine's memory (1 to 4 GB); ``config`` overrides any of them, e.g.
    ``{"spark.driver.memory": "16g"}``. A driver memory takes effect only when this call
    starts Spark's JVM.

    The session's time zone is set to UTC: the contract's timestamps carry no zone, and
    Spark would otherwise read and cut them into periods in the machine's zone.

    Raises
    ------
    EngineUnavailableError
        pyspark or Java is missing.
    """
    _require_pyspark_backend()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None and not config:
        active.conf.set("spark.sql.session.timeZone", "UTC")
        return active
    _require_java()
    builder = SparkSession.builder.appName(app_name)
    if master is None and os.environ.get("PYSPARK_GATEWAY_PORT"):
        master = ""  # under spark-submit: its --master and --conf settings hold
    else:
        master = master or os.environ.get("SPARK_MASTER") or "local[*]"
        builder = builder.master(master)
    settings = {"spark.sql.session.timeZone": "UTC", "spark.ui.showConsoleProgress": "false"}
    if master.startswith("local"):
        cores = master[len("local["):-1] if master.startswith("local[") else "1"
        n = (os.cpu_count() or 1) if cores in ("*", "") else int(cores.split(",")[0])
        settings["spark.sql.shuffle.partitions"] = str(shuffle_partitions or 2 * n)
        settings.update(LOCAL_DEFAULTS)
        settings["spark.driver.memory"] = _local_driver_memory()
    elif shuffle_partitions:
        settings["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    settings.update({str(k): str(v) for k, v in (config or {}).items()})
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _local_driver_memory() -> str:
    """``spark.driver.memory`` for local mode: a quarter of this machine's memory, 1 to 4 GB.

    In local mode the driver's JVM does all the work, and Spark's own default (1 GB) makes it
    spill and collect garbage on tables of millions of rows.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not available on this platform
        return "2g"
    return f"{max(1, min(4, total // 2**32))}g"


def engine_name(backend) -> str:
    """The ibis name of the engine behind ``backend`` (``"duckdb"``, ``"pyspark"``, ...)."""
    return getattr(backend, "name", type(backend).__module__.split(".")[-1])


# --------------------------------------------------------------------------- helpers


def _is_parquet_folder(source) -> bool:
    if not isinstance(source, (str, Path)):
        return False
    text = str(source)
    if "://" in text and not text.startswith("file://"):
        return True  # a lake URI: only an engine can look inside
    folder = Path(text.removeprefix("file://"))
    return folder.is_dir() and any(
        (folder / f"{name}.parquet").is_file() or any((folder / name).glob("*.parquet"))
        for name in ("reps", "opportunities")
    )


def _pyspark_backend(session):
    """ibis's pyspark backend on ``session``, with results collected through Arrow.

    ibis collects a result with ``toPandas()``, which without Arrow converts row by row in
    Python: for a KPI table of a million rows that took minutes instead of seconds.
    """
    session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    session.conf.set("spark.sql.execution.arrow.pyspark.fallback.enabled", "true")
    import ibis

    return ibis.pyspark.connect(session)


def _is_spark_session(obj) -> bool:
    return type(obj).__name__ == "SparkSession" and type(obj).__module__.startswith("pyspark")


def _require_pyspark_backend() -> None:
    try:
        import ibis.backends.pyspark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as err:
        raise EngineUnavailableError(
            f"The Spark engine needs pyspark and ibis's pyspark backend, which the default install leaves "
            f"out: install them with {SPARK_INSTALL} ({err})."
        ) from None


def _require_java() -> None:
    home = os.environ.get("JAVA_HOME")
    if shutil.which("java") or (home and Path(home, "bin", "java").exists()):
        return
    raise EngineUnavailableError(
        "The Spark engine needs a Java runtime (17 or 21) and found none (no `java` on PATH, JAVA_HOME unset): "
        "install one, e.g. `apt-get install default-jre-headless` on Debian/Ubuntu, or set JAVA_HOME."
    )
