"""SalesData: one validated, immutable bundle of the contract tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from workbench.contract import TABLE_NAMES

__all__ = ["SalesData", "QUARANTINE_COLUMNS", "CHECK_LABELS"]

#: Columns of ``SalesData.quarantine``: one row per rejected source row. ``check`` is a
#: stable code for the kind of problem (see :data:`CHECK_LABELS`); ``reason`` says it in words.
QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason", "check"]

#: The row-level checks, in the order they run, with a readable label each.
CHECK_LABELS = {
    "malformed_row": "malformed row (unbalanced quote, more fields than the header, oversized cell)",
    "missing_value": "missing required value",
    "unparseable_date": "unparseable date",
    "unparseable_number": "unparseable number",
    "unparseable_period": "unparseable period",
    "unknown_value": "unknown enum value",
    "out_of_range": "value out of range (e.g. negative amount)",
    "closed_before_created": "closed_at before created_at",
    "outcome_inconsistent": "outcome inconsistent with closed_at",
    "duplicate_key": "duplicate id / key",
    "unknown_reference": "reference to an unknown id (e.g. rep_id not in reps)",
    "cascade": "refers to a row that was itself quarantined",
}


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str") for c in QUARANTINE_COLUMNS})


@dataclass(frozen=True, eq=False)
class SalesData:
    """The validated contract tables, plus what was quarantined while loading.

    Build it with :func:`workbench.load` (or :func:`workbench.io.validate_tables`); do
    not construct it by hand. Tables are typed pandas DataFrames with exactly the
    contract's columns (nullable columns that the source lacked are present and empty):
    text columns are ``str``, numbers ``float64``, dates and datetimes
    ``datetime64[ns]``. Optional tables the source did not provide are ``None``. The
    frames handed out are copies (copy-on-write), so callers cannot change the bundle.

    Attributes
    ----------
    quarantine : pandas.DataFrame
        Rows that failed validation, one row per rejected source row with the first
        problem found: ``table``, ``file``, ``row`` (the row number a spreadsheet shows,
        header = 1; for in-memory frames the index label), ``column``, ``value`` (the
        cell as it was), ``reason`` and ``check`` (a stable code, see ``CHECK_LABELS``).
    rows_read : dict
        Rows read per table. For every table, rows read = rows loaded + rows quarantined.
    stages : tuple of str
        Open pipeline stages in funnel order (from a ``stages`` config or inferred
        from ``stage_history``); empty when unknown.
    pipelines : dict
        Stages per pipeline when the config names several; ``stages`` is the first.
    source : str
        Where the data came from.
    files : dict
        The file (or table) each table was read from.
    ignored_columns : dict
        Per table, source columns that are not in the contract and were not loaded.
    ignored_sources : tuple of str
        Files / tables in the source that are not contract tables and were not read.
    fingerprint : str or None
        Identifies the loaded content: the cache key of the load (a hash of every input
        file, the load arguments and the loading code's version, see
        :mod:`workbench.io.cache`) when the data came from files, so it changes whenever
        the data does; None for in-memory data. Use it to memoise work per dataset.
    """

    _tables: MappingProxyType
    quarantine: pd.DataFrame = field(default_factory=_empty_quarantine)
    rows_read: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    stages: tuple = ()
    source: str = ""
    _cache: dict = field(default_factory=dict, repr=False)
    pipelines: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    files: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    ignored_columns: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    ignored_sources: tuple = ()
    fingerprint: str | None = None

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if name == "quarantine":
            return value.copy(deep=False)  # copy-on-write: changes never reach the bundle
        return value

    def __getattr__(self, name):
        if name in TABLE_NAMES:
            frame = self._tables.get(name)
            return None if frame is None else frame.copy(deep=False)
        raise AttributeError(f"SalesData has no attribute {name!r}")

    def __getitem__(self, name: str) -> pd.DataFrame | None:
        if name not in TABLE_NAMES:
            raise KeyError(f"{name!r} is not a contract table; tables are {list(TABLE_NAMES)}.")
        return getattr(self, name)

    def has(self, name: str) -> bool:
        """Whether the optional table ``name`` was provided (even if empty)."""
        return self._tables.get(name) is not None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The provided tables by name (copies)."""
        return {n: f.copy(deep=False) for n, f in self._tables.items() if f is not None}

    @property
    def rows_loaded(self) -> dict[str, int]:
        """Rows loaded per table."""
        return {n: len(f) for n, f in self._tables.items() if f is not None}

    @property
    def rows_quarantined(self) -> dict[str, int]:
        """Rows quarantined per provided table (zero included)."""
        counts = object.__getattribute__(self, "quarantine")["table"].value_counts()
        return {n: int(counts.get(n, 0)) for n, f in self._tables.items() if f is not None}

    def table_report(self) -> pd.DataFrame:
        """Rows read / loaded / quarantined per provided table, with the file and ignored columns."""
        quarantined = self.rows_quarantined
        records = []
        for name, frame in self._tables.items():
            if frame is None:
                continue
            records.append({
                "table": name,
                "file": self.files.get(name, ""),
                "rows_read": int(self.rows_read.get(name, len(frame))),
                "rows_loaded": len(frame),
                "rows_quarantined": quarantined[name],
                "ignored_columns": ", ".join(map(str, self.ignored_columns.get(name, ()))),
            })
        return pd.DataFrame(records, columns=["table", "file", "rows_read", "rows_loaded",
                                              "rows_quarantined", "ignored_columns"])

    def report(self, examples: int = 3) -> pd.DataFrame:
        """Quarantined rows counted per table and check, with a few examples each.

        Returns
        -------
        pandas.DataFrame
            ``table``, ``check``, ``label``, ``count`` and ``examples`` (up to
            ``examples`` rows written as ``row 7, amount='-5': negative amount``),
            tables in contract order, then checks in the order they run.
        """
        q = object.__getattribute__(self, "quarantine")
        columns = ["table", "check", "label", "count", "examples"]
        if q.empty:
            return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "count" else "str") for c in columns})
        table_order = {n: i for i, n in enumerate(TABLE_NAMES)}
        check_order = {c: i for i, c in enumerate(CHECK_LABELS)}
        records = []
        for (table, check), group in q.groupby(["table", "check"], sort=False):
            shown = group.head(examples)
            text = [
                f"row {r}, {c}={v!r}: {reason}" if c else f"row {r}: {reason}"
                for r, c, v, reason in zip(shown["row"], shown["column"], shown["value"], shown["reason"])
            ]
            records.append({
                "table": table, "check": check, "label": CHECK_LABELS.get(check, check),
                "count": len(group), "examples": "\n".join(text),
                "_t": table_order.get(table, 99), "_c": check_order.get(check, 99),
            })
        out = pd.DataFrame(records).sort_values(["_t", "_c"], kind="stable")
        return out[columns].reset_index(drop=True)

    def summary(self, examples: int = 3) -> str:
        """The data-quality report as readable text (what ``workbench validate`` prints)."""
        lines = [f"Data-quality report for {self.source or 'in-memory data'}", ""]
        tables = self.table_report()
        width = max([len(t) for t in tables["table"]] + [5])
        lines.append(f"{'table':<{width}}  {'read':>10}  {'loaded':>10}  {'quarantined':>11}  file")
        for rec in tables.itertuples(index=False):
            lines.append(f"{rec.table:<{width}}  {rec.rows_read:>10,}  {rec.rows_loaded:>10,}  "
                         f"{rec.rows_quarantined:>11,}  {rec.file}")
        missing = [n for n in TABLE_NAMES if not self.has(n)]
        if missing:
            lines.append(f"not provided: {', '.join(missing)}")
        if self.stages:
            lines.append(f"stages (funnel order): {' > '.join(self.stages)}")
        ignored = [(t, cols) for t, cols in self.ignored_columns.items() if cols]
        if ignored or self.ignored_sources:
            lines += ["", "Ignored (not in the data contract):"]
            for table, cols in ignored:
                lines.append(f"  {table}: columns {', '.join(map(str, cols))}")
            if self.ignored_sources:
                lines.append(f"  files/tables: {', '.join(self.ignored_sources)}")
        report = self.report(examples)
        lines.append("")
        if report.empty:
            lines.append("No rows quarantined.")
        else:
            total = int(report["count"].sum())
            lines.append(f"Quarantined rows: {total:,} (see data.quarantine)")
            for rec in report.itertuples(index=False):
                lines.append(f"  {rec.table} / {rec.label}: {rec.count:,}")
                for example in rec.examples.split("\n"):
                    lines.append(f"      {example}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(f):,}" for n, f in self._tables.items() if f is not None)
        quarantined = len(object.__getattribute__(self, "quarantine"))
        return f"SalesData({parts}; quarantined={quarantined:,})"
