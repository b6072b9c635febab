"""``workbench.load``: read a folder, a DuckDB / SQLite file, a workbook or dict into SalesData.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "reps.csv").write_text("rep_id,name,team,region\\nR1,Ann,East,North\\n")
>>> _ = (folder / "Opportunities.csv").write_text(
...     "opportunity_id,rep_id,created_at,stage,amount,closed_at,outcome\\n"
...     "O1,R1,2026-01-05,Won,\\"1,200\\",2026-02-01,won\\n"
...     "O2,R1,05/01/2026,Demo,-5,,open\\n")
>>> data = load(folder)
>>> data
SalesData(reps=1, opportunities=1; quarantined=1)
>>> data.quarantine[["table", "row", "column", "value", "reason"]]
           table  row  column value           reason
0  opportunities    3  amount    -5  negative amount
"""

from __future__ import annotations

import contextvars
import dataclasses
import sqlite3
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from workbench.contract import TABLE_NAMES, TABLES
from workbench.errors import DataError
from workbench.io import cache as data_cache
from workbench.io._fast import arrow_allocator
from workbench.io.limits import using_limits
from workbench.io.paths import refuse_outside_links
from workbench.io.readers import EXCEL_EXTENSIONS, SUPPORTED_EXTENSIONS, read_table_file
from workbench.io.sales_data import SalesData
from workbench.io.validate import normalize_column_name, validate_tables

__all__ = ["load", "as_sales_data", "DATABASE_EXTENSIONS"]

#: File extensions read as a database holding one table per contract table.
DATABASE_EXTENSIONS = (".duckdb", ".ddb", ".db", ".sqlite", ".sqlite3")
_STAGE_NAMES = ("stages",)


def _table_name(stem: str) -> str | None:
    name = normalize_column_name(stem)
    return name if name in TABLES else None


def _refuse_duplicate_columns(path: Path, frame: pd.DataFrame, table: str) -> None:
    """A contract column named twice in a file is ambiguous: refuse the file, naming both positions."""
    contract = set(TABLES[table].column_names)
    for name, positions in frame.attrs.get("duplicate_columns", {}).items():
        if normalize_column_name(name) in contract:
            where = " and ".join(str(p) for p in positions)
            raise DataError(
                f"{path}: column {name!r} appears {len(positions)} times in the header (columns {where}); "
                f"expected each column once. Rename or delete the extra ones.",
                file=path, column=name,
            )


def _skipped_lines(path: Path, frame: pd.DataFrame) -> list[str]:
    """The file's rows that are neither data nor quarantined (above the header, blank), for the report."""
    skipped = frame.attrs.get("skipped_lines")
    return [f"{path.name} {skipped}"] if skipped else []


def _load_folder(folder: Path, stages) -> SalesData:
    found: dict[str, list[Path]] = {}
    stage_files: list[Path] = []
    ignored = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):
            continue
        refuse_outside_links(folder, path)
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        stem = normalize_column_name(path.name[: -len(path.suffix)] if path.suffix else path.name)
        if stem in _STAGE_NAMES and suffix in (".csv", ".toml", ".txt", ".tsv", ".xlsx", ".parquet"):
            stage_files.append(path)
            continue
        table = _table_name(stem)
        if table is None or suffix not in SUPPORTED_EXTENSIONS:
            ignored.append(path.name)
            continue
        found.setdefault(table, []).append(path)
    for table, paths in found.items():
        if len(paths) > 1:
            raise DataError(
                f"{folder}: two files for table {table!r}: {', '.join(p.name for p in paths)}; "
                f"expected exactly one. Remove or rename the others.",
                file=paths[1],
            )
    if len(stage_files) > 1:
        raise DataError(f"{folder}: two stage configs: {', '.join(p.name for p in stage_files)}; expected one.",
                        file=stage_files[1])
    missing = [t for t, spec in TABLES.items() if spec.required and t not in found]
    if missing:
        table = missing[0]
        present = ", ".join(sorted(p.name for ps in found.values() for p in ps)) or "no table files"
        raise DataError(
            f"{folder}: required table {table!r} is missing; expected a file named {table}.csv "
            f"(or .parquet / .xlsx / .tsv) with columns {TABLES[table].required_columns}; found {present}.",
            file=folder / f"{table}.csv",
        )
    if stages is None and stage_files:
        stages = stage_files[0]
    files = {table: str(path) for table, (path,) in found.items()}
    # One reader thread reads the files in the order validation takes them, so a table is read
    # while the tables before it are validated (the reads run in Arrow, mostly outside the GIL).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-read") as reader:
        pending = {table: reader.submit(contextvars.copy_context().run, _read_contract_file, found[table][0], table)
                   for table in TABLE_NAMES if table in found}
        try:
            data = validate_tables(pending, files=files, source=str(folder), stages=stages, ignored_sources=ignored)
        except Exception:  # a file-level problem comes first, as when every file was read before validating
            _raise_first_read_error(found, pending)
            raise
    skipped = [line for table, (path,) in found.items() for line in _skipped_lines(path, pending[table].result())]
    return dataclasses.replace(data, ignored_sources=data.ignored_sources + tuple(skipped)) if skipped else data


def _read_contract_file(path: Path, table: str) -> pd.DataFrame:
    """One table file read for the contract, refused when a contract column is named twice."""
    frame = read_table_file(path, table=table, expected_columns=TABLES[table].column_names)
    _refuse_duplicate_columns(path, frame, table)
    return frame


def _raise_first_read_error(found: Mapping[str, list[Path]], pending: Mapping[str, Future]) -> None:
    """Raise the error of the first file (in name order) that could not be read, if any.

    Files are read while earlier tables are validated; a file-level problem still takes
    precedence over a validation error, and the first unreadable file by name is reported,
    as when every file was read before validating.
    """
    for table in found:
        error = pending[table].exception()
        if error is not None:
            raise error


def _is_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _load_database(path: Path, stages) -> SalesData:
    frames, files, ignored = {}, {}, []
    stage_frame = None
    if _is_sqlite(path):
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
            fetch = lambda name: pd.read_sql_query(f'SELECT * FROM "{name}"', con)  # noqa: E731
        except sqlite3.Error as err:
            raise DataError(f"{path}: cannot open the SQLite database: {err}", file=path) from None
    else:
        import duckdb

        try:
            con = duckdb.connect(str(path), read_only=True)
            names = [r[0] for r in con.execute(
                "SELECT DISTINCT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name").fetchall()]
        except duckdb.Error as err:
            raise DataError(f"{path}: cannot open the DuckDB database ({err}); expected a .duckdb file "
                            f"holding tables named after the contract tables.", file=path) from None
        fetch = lambda name: con.execute(f'SELECT * FROM "{name}"').df()  # noqa: E731
    try:
        by_table: dict[str, list[str]] = {}
        for name in names:
            key = normalize_column_name(name)
            if key in _STAGE_NAMES:
                stage_frame = fetch(name)
            elif key in TABLES:
                by_table.setdefault(key, []).append(name)
            else:
                ignored.append(name)
        for table, sources in by_table.items():
            if len(sources) > 1:
                raise DataError(f"{path}: two tables for {table!r}: {', '.join(sources)}; expected one.",
                                file=path)
            frame = fetch(sources[0])
            frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
            frames[table] = frame
            files[table] = f"{path}:{sources[0]}"
    finally:
        con.close()
    if stages is None and stage_frame is not None:
        stages = stage_frame
    return validate_tables(frames, files=files, source=str(path), stages=stages, ignored_sources=ignored)


def _load_workbook(path: Path, stages) -> SalesData:
    """One workbook, one sheet per table (sheets named after the tables)."""
    from python_calamine import CalamineWorkbook

    try:
        sheets = list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as err:
        raise DataError(f"{path}: cannot open the workbook ({err}).", file=path) from None
    frames, files, ignored = {}, {}, []
    for sheet in sheets:
        key = normalize_column_name(sheet)
        if key in _STAGE_NAMES and stages is None:
            stages = read_table_file(path, sheet=sheet)
        elif key in TABLES:
            frames[key] = read_table_file(path, sheet=sheet, expected_columns=TABLES[key].column_names)
            _refuse_duplicate_columns(path, frames[key], key)
            files[key] = f"{path}[{sheet}]"
        else:
            ignored.append(f"sheet {sheet}")
    return validate_tables(frames, files=files, source=str(path), stages=stages, ignored_sources=ignored)


def load(source, *, stages=None, preset=None, mapping=None, limits=None, cache: bool = True) -> SalesData:
    """Load and validate the contract tables from a source.

    Parameters
    ----------
    source : str, Path, dict of DataFrames or SalesData
        - a **folder** of files named after the tables (``reps.csv``,
          ``opportunities.parquet``, ``Activities.xlsx``; names case-insensitive; CSV/TSV/
          TXT in UTF-8 with or without BOM, GBK/GB18030 or UTF-16, any common delimiter;
          XLSX/XLS/ODS read from the sheet named after the table or the first sheet),
          plus an optional ``stages.csv`` / ``stages.toml``. Other files are listed in
          the report as ignored;
        - a **DuckDB** (``.duckdb``, ``.ddb``, ``.db``) or **SQLite** file with tables
          named after the contract tables (and optionally a ``stages`` table);
        - a **workbook** (``.xlsx``, ...) with one sheet per table;
        - a **dict** of DataFrames keyed by table name (row numbers in the quarantine are
          the index labels);
        - a :class:`SalesData`, returned as is.
    stages : optional
        Open stages in funnel order (list, ``{pipeline: list}``, DataFrame or path to a
        stage config); overrides a config found in the source. Inferred from
        ``stage_history`` when there is none.
    preset : {"salesforce", "hubspot", "zoho", "jiandaoyun"}, optional
        Read ``source`` as CRM export file(s) (a file, a list of files or a folder) with
        this import preset; see :func:`workbench.io.crm.import_files`.
    mapping : str or Path, optional
        Read ``source`` as CRM export file(s) with your own mapping file (TOML).
    limits : InputLimits or dict, optional
        Input limits for every file read, e.g. ``{"max_file_bytes": "8GB"}``; default
        :data:`workbench.io.limits.LIMITS` with ``WORKBENCH_MAX_...`` environment
        overrides (see :mod:`workbench.io.limits`).
    cache : bool, default True
        Use the validated-data cache for files (see :mod:`workbench.io.cache`): a
        repeat load of unchanged input reads the stored tables, quarantine and report
        instead of reading and validating again, and the first load stores them. False
        (or the environment variable ``WORKBENCH_CACHE=0``) neither reads nor writes
        the cache. In-memory input is never cached.

    Returns
    -------
    SalesData
        Validated tables, the quarantine of rejected rows and the data-quality report
        (``data.summary()``, ``data.report()``); ``data.fingerprint`` identifies the
        loaded content (None for in-memory input). Row numbers in the quarantine are those
        a spreadsheet shows for CSV and workbooks (header = row 1, blank lines counted),
        the record number + 1 for Parquet (as if opened under a header row), the 1-based
        position for database tables and the index label for DataFrames.

    Raises
    ------
    DataError
        For file-level problems: missing source, unreadable or undecodable file, missing
        required table or column, a contract column named twice, two files for one table,
        a symbolic link pointing outside the data folder, a file over an input limit. The
        message names the file, the column and what was expected (for a limit: the limit
        and how to raise it).
    """
    if isinstance(source, SalesData):
        return source
    with using_limits(limits), arrow_allocator():
        key = data_cache.load_key(source, stages=stages, preset=preset, mapping=mapping)
        use_cache = key is not None and data_cache.cache_enabled(cache)
        if use_cache:
            cached = data_cache.read_entry(key)
            if cached is not None:
                return cached
        data = _load(source, stages=stages, preset=preset, mapping=mapping)
        if key is None:
            return data
        # a file changed while it was read: this data belongs to no key, so neither stamp nor store it
        if data_cache.load_key(source, stages=stages, preset=preset, mapping=mapping) != key:
            return data
        data = dataclasses.replace(data, fingerprint=key)
        if use_cache:
            data_cache.store_entry(key, data, source=source, preset=preset, mapping=mapping)  # in the background
        return data


def _load(source, *, stages, preset, mapping) -> SalesData:
    if preset is not None or mapping is not None:
        from workbench.io.crm import import_files

        return import_files(source, preset=preset, mapping=mapping, stages=stages).data
    if isinstance(source, Mapping):
        return validate_tables(source, source="in-memory tables", stages=stages)
    if not isinstance(source, (str, Path)):
        raise TypeError(f"source must be a folder, a file path or a dict of DataFrames; got {type(source).__name__}.")
    path = Path(source).expanduser()
    if path.is_dir():
        return _load_folder(path, stages)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder; expected a folder of table files, a DuckDB "
                        f"file or a workbook.", file=path)
    suffix = path.suffix.lower()
    if suffix in DATABASE_EXTENSIONS:
        return _load_database(path, stages)
    if suffix in EXCEL_EXTENSIONS:
        return _load_workbook(path, stages)
    table = _table_name(path.name[: -len(path.suffix)] if path.suffix else path.name)
    raise DataError(
        f"{path}: expected a folder holding reps/opportunities/... files, a .duckdb file or a "
        f"workbook with one sheet per table"
        + (f"; to load only {table!r}, put it in a folder with the other tables." if table else "."),
        file=path,
    )


def as_sales_data(data, *, caller: str = "this function", stages=None) -> SalesData:
    """The one way in: every public entry point turns its ``data`` argument into SalesData here.

    A :class:`SalesData` is returned as it is; a path (folder, DuckDB / SQLite file,
    workbook) or a dict of DataFrames (e.g. :func:`workbench.sample.generate_sample`'s
    output, whose ``stages`` entry is the stage config) goes through :func:`load`, so
    every caller sees the same typed tables, quarantine, stage order and targets.

    Parameters
    ----------
    data : SalesData, str, Path or dict of DataFrames
    caller : str
        The public function asking, for the error message.
    stages : optional
        Stage config overriding the source's (see :func:`load`).

    Raises
    ------
    TypeError
        For anything else, naming ``caller`` and what it accepts.

    Examples
    --------
    >>> import pandas as pd
    >>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["N"]})
    >>> deals = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["r1"], "created_at": ["2026-01-05"],
    ...                       "stage": ["Won"], "amount": [100.0], "outcome": ["won"], "closed_at": ["2026-02-01"]})
    >>> data = as_sales_data({"reps": reps, "opportunities": deals})
    >>> as_sales_data(data) is data
    True
    >>> as_sales_data([1, 2], caller="compute_kpis")
    Traceback (most recent call last):
    ...
    TypeError: compute_kpis needs a SalesData (from workbench.load), a path to a data folder or file, or a dict of DataFrames; got list.
    """
    if isinstance(data, SalesData) and stages is None:
        return data
    if isinstance(data, SalesData):
        return load(dict(data.tables), stages=stages)
    if isinstance(data, (Mapping, str, Path)):
        return load(data, stages=stages)
    if type(data).__name__ in ("KPITables", "SalesFacts"):  # workbench.kpi: tables left in an engine
        raise TypeError(
            f"{caller} needs the raw contract tables in pandas, and got {type(data).__name__}, whose raw rows stay "
            f"in their engine. Load the data with workbench.load(...) for {caller}; forecast_entities, diagnose, "
            f"coach and propose_targets take the engine's tables (workbench.kpi.sales_facts)."
        )
    raise TypeError(
        f"{caller} needs a SalesData (from workbench.load), a path to a data folder or file, or a dict "
        f"of DataFrames; got {type(data).__name__}."
    )
