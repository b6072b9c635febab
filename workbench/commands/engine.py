"""Where a command computes: the ``--engine`` options shared by kpi, diagnose, coach and targets.

By default a command loads SOURCE into pandas (:func:`workbench.load`, validated and
cached). With ``--engine spark`` (or any ibis backend name or URL), ``--direct`` or a
DuckDB ``--memory-limit`` / ``--temp-directory``, SOURCE is opened in the engine instead
(:func:`workbench.kpi.backends.connect`): a folder of Parquet files is read in place, a
lake URL (``s3a://...``) goes to the engine as it is, and without SOURCE the tables are read by
name from the engine's database (``--database``). ``workbench kpi`` computes its table
there; diagnose, coach and targets bring back only the aggregated
:class:`~workbench.kpi.SalesFacts` (:func:`workbench.kpi.sales_facts`), never raw rows.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> parser.add_argument("--lang")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> add_engine_arguments(parser)
>>> args = parser.parse_args(["--engine", "spark", "--engine-option", "master=local[2]",
...                           "--engine-option", "spark.driver.memory=2g"])
>>> in_engine(args), engine_options(args)
(True, {'master': 'local[2]', 'config': {'spark.driver.memory': '2g'}})
>>> facts_stage(args), facts_stage(parser.parse_args([]))
('aggregating in spark', '')
"""

from __future__ import annotations

import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from workbench.messages import message as say

__all__ = [
    "LIBRARY_CHATTER",
    "add_engine_arguments",
    "check_engine_arguments",
    "engine_failure",
    "engine_notes",
    "engine_options",
    "engine_source",
    "facts_stage",
    "in_engine",
    "open_source",
]


def add_engine_arguments(parser) -> None:
    """Add ``--direct``, ``--engine``, ``--engine-option``, ``--database``, ``--memory-limit`` and
    ``--temp-directory`` to a sub-command's ``parser``."""
    parser.add_argument("--direct", action="store_true",
                        help="scan a folder of Parquet files directly with DuckDB, without loading it into "
                             "memory or validating rows (for data too big for `validate`)")
    parser.add_argument("--engine", default="duckdb", metavar="ENGINE",
                        help="where KPIs are computed: duckdb (default, in process), spark, or any ibis backend name "
                             "or connection URL (postgres://..., snowflake://..., bigquery://...)")
    parser.add_argument("--engine-option", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting of the engine, repeatable: e.g. master=local[4], spark.driver.memory=4g "
                             "(Spark), or host=... user=... (ibis backend keyword arguments)")
    parser.add_argument("--database", metavar="NAME",
                        help="without SOURCE: the schema / dataset / Spark database holding the contract tables")
    parser.add_argument("--memory-limit", metavar="SIZE",
                        help="DuckDB memory limit, e.g. 2GB; DuckDB spills to disk beyond it (with --direct)")
    parser.add_argument("--temp-directory", metavar="DIR",
                        help="where DuckDB spills when it reaches --memory-limit (default: none, in memory)")


def engine_options(args) -> dict:
    """The keyword arguments of the engine: ``--engine-option`` KEY=VALUE pairs (``spark.*`` keys go
    into Spark's config, digits become integers) and the DuckDB settings.

    Raises
    ------
    ValueError
        An option without ``=``, or a DuckDB setting with another engine; the message is in
        ``args.lang``.
    """
    options, spark_config = {}, {}
    for text in args.engine_option:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ValueError(say("cli.kpi.bad_engine_option", args.lang or "en", text=text))
        key, value = key.strip(), value.strip()
        if key.startswith("spark."):
            spark_config[key] = value
        else:
            options[key] = int(value) if value.isdigit() else value
    if spark_config:
        options["config"] = spark_config
    duckdb_settings = {"memory_limit": args.memory_limit, "temp_directory": args.temp_directory}
    duckdb_settings = {k: v for k, v in duckdb_settings.items() if v is not None}
    if duckdb_settings and args.engine.lower() != "duckdb":
        raise ValueError(say("cli.kpi.duckdb_options_only", args.lang or "en", engine=args.engine))
    return {**options, **duckdb_settings}


def in_engine(args) -> bool:
    """Whether SOURCE is opened in the engine (:func:`workbench.connect`) rather than loaded into pandas."""
    return args.direct or args.engine.lower() != "duckdb" or bool(args.memory_limit or args.temp_directory)


def engine_source(args, prog: str):
    """SOURCE as the command reads it: a local :class:`~pathlib.Path`, a lake URL (``s3a://...``,
    with an engine other than DuckDB) kept as text, or None (no SOURCE: the tables of the
    engine's database).

    Raises
    ------
    ValueError
        No SOURCE with the default engine, or a local SOURCE that does not exist (the message
        is in ``args.lang``).
    """
    lang = args.lang or "en"
    other_engine = args.engine.lower() != "duckdb"
    if not args.source:
        if other_engine:
            return None
        raise ValueError(say("cli.engine.source_required", lang, prog=prog))
    if other_engine and "://" in args.source:  # s3a://, hdfs://, abfss://: the engine reads it
        return args.source
    source = Path(args.source).expanduser()
    if not source.exists():
        raise ValueError(say("cli.no_source", lang, source=source))
    return source


def check_engine_arguments(args, source) -> None:
    """Fail fast, before anything is loaded: ``--direct`` on something other than a folder, or a
    malformed ``--engine-option`` / DuckDB setting (:func:`engine_options`).

    Raises
    ------
    ValueError
        With the message in ``args.lang``.
    """
    if args.direct and isinstance(source, Path) and not source.is_dir():
        raise ValueError(say("cli.kpi.direct_needs_folder", args.lang or "en", source=source))
    engine_options(args)


def open_source(args, source):
    """Open ``source`` (from :func:`engine_source`) the way ``args`` asks.

    Returns
    -------
    SalesData or KPITables
        :func:`workbench.load`'s validated data by default (``--stages``, ``--no-cache``);
        with an engine (:func:`in_engine`) the tables connected in it: Parquet read in place
        with ``--direct``, the engine's database without SOURCE (``--database``).

    Raises
    ------
    ImportError
        :class:`~workbench.kpi.backends.EngineUnavailableError`: the engine's package or Java
        is missing (see :func:`engine_failure`).
    ValueError
        An unknown engine or option.
    workbench.errors.DataError
        A missing table or column, or an implausible value.
    """
    if not in_engine(args):
        from workbench.io.load import load

        return load(source, stages=args.stages, cache=not args.no_cache)
    from workbench.kpi import kpi_tables_from_parquet
    from workbench.kpi.backends import connect, open_backend

    backend = open_backend(args.engine, **engine_options(args))
    if source is None:
        return connect(None, engine=backend, database=args.database, stages=args.stages)
    if args.direct:  # Parquet only, read in place (a CSV folder is an error naming --direct)
        return kpi_tables_from_parquet(source, stages=args.stages, backend=backend)
    return connect(str(source), engine=backend, stages=args.stages)


def facts_stage(args) -> str:
    """The name of the progress stage in which :func:`workbench.kpi.sales_facts` aggregates in the
    engine (``aggregating in spark``, in ``args.lang``), or ``""`` when SOURCE is loaded into memory."""
    return say("cli.engine.stage.facts", args.lang or "en", engine=args.engine) if in_engine(args) else ""


#: Warnings an engine's libraries give their own developers (pyspark about pandas, py4j's sockets): not shown.
LIBRARY_CHATTER = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)


@contextmanager
def engine_notes(args):
    """While the engine works (:func:`in_engine`), show the warnings raised as ``note:`` lines on
    stderr once the block has finished, without the engine libraries' chatter
    (:data:`LIBRARY_CHATTER`); when SOURCE is loaded into memory, leave warnings alone."""
    if not in_engine(args):
        yield
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for note in dict.fromkeys(str(w.message) for w in caught if not issubclass(w.category, LIBRARY_CHATTER)):
        print(say("cli.note", args.lang or "en", text=note), file=sys.stderr)


def engine_failure(err: Exception, args) -> str | None:
    """What to tell the user when opening or querying the engine failed with ``err``, or None
    when ``err`` is not the engine's (the command reports it as usual).

    A missing engine package or Java runtime (an ``ImportError``) is named with the engine;
    a table missing from a ``--direct`` folder gets a hint that ``--direct`` reads Parquet only.
    """
    from workbench.errors import DataError

    lang = args.lang or "en"
    if isinstance(err, ImportError):  # EngineUnavailableError: the engine's package or Java is missing
        return say("cli.kpi.engine_failed", lang, engine=args.engine, reason=err)
    if isinstance(err, DataError):
        # a missing table (no column named) may just be a CSV or Excel file, which --direct does not read
        missing_table = args.direct and getattr(err, "column", None) is None
        return f"{err}{say('cli.kpi.direct_hint', lang) if missing_table else ''}"
    return None
