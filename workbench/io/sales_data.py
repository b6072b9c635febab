"""SalesData: one validated, immutable bundle of the contract tables."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from workbench.contract import TABLE_NAMES
from workbench.formatting import format_value
from workbench.messages import MESSAGES, message
from workbench.params import check_lang

__all__ = ["SalesData", "QUARANTINE_COLUMNS", "CHECK_LABELS", "check_label"]

#: Columns of ``SalesData.quarantine``: one row per rejected source row. ``check`` is a
#: stable code for the kind of problem (see :data:`CHECK_LABELS`); ``reason`` says it in words.
QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason", "check"]

#: The row-level checks, in the order they run, with a readable label each (English; the
#: labels in either language are the ``quality.check.<check>`` keys of :mod:`workbench.messages`).
CHECK_LABELS = {check: message(f"quality.check.{check}") for check in (
    "malformed_row", "missing_value", "unparseable_date", "unparseable_number", "unparseable_period",
    "unknown_value", "out_of_range", "closed_before_created", "outcome_inconsistent", "duplicate_key",
    "unknown_reference", "cascade",
)}


def check_label(check: str, lang: str = "en") -> str:
    """The readable label of a quarantine ``check`` code in ``lang`` (the code itself when unknown).

    >>> check_label("duplicate_key"), check_label("duplicate_key", "zh")
    ('duplicate id / key', '重复的编号 / 键')
    """
    check_lang("check_label", lang)
    key = f"quality.check.{check}"
    return message(key, lang) if key in MESSAGES else check


def _width(text: str) -> int:
    """Terminal columns ``text`` takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _fit(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns, left- or right-aligned."""
    pad = " " * max(width - _width(text), 0)
    return pad + text if right else text + pad


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

    def report(self, examples: int = 3, lang: str = "en") -> pd.DataFrame:
        """Quarantined rows counted per table and check, with a few examples each.

        Parameters
        ----------
        examples : int
            Rows shown per table and check.
        lang : {"en", "zh"}
            Language of ``label`` and ``examples`` (the quarantine's reasons rendered by
            :func:`workbench.io.reasons.render_reason`); the other columns are codes.

        Returns
        -------
        pandas.DataFrame
            ``table``, ``check``, ``label``, ``count`` and ``examples`` (up to
            ``examples`` rows written as ``row 7, amount='-5': negative amount``),
            tables in contract order, then checks in the order they run.
        """
        from workbench.io.reasons import render_reason

        check_lang("SalesData.report", lang)
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
                message("quality.example", lang, row=r, column=c, value=repr(v), reason=render_reason(reason, lang))
                if c else message("quality.example_row", lang, row=r, reason=render_reason(reason, lang))
                for r, c, v, reason in zip(shown["row"], shown["column"], shown["value"], shown["reason"])
            ]
            records.append({
                "table": table, "check": check, "label": check_label(check, lang),
                "count": len(group), "examples": "\n".join(text),
                "_t": table_order.get(table, 99), "_c": check_order.get(check, 99),
            })
        out = pd.DataFrame(records).sort_values(["_t", "_c"], kind="stable")
        return out[columns].reset_index(drop=True)

    def summary(self, examples: int = 3, lang: str = "en") -> str:
        """The data-quality report as readable text (what ``workbench validate`` prints).

        Parameters
        ----------
        examples : int
            Quarantined rows shown per table and check.
        lang : {"en", "zh"}
            Language of the headings, labels and reasons; numbers are written by
            :func:`workbench.formatting.format_value`, alike in both.
        """
        check_lang("SalesData.summary", lang)

        def say(key, **fields):
            return message(key, lang, **fields)

        def count(n):
            return format_value(n, "count", lang=lang)

        sep = say("cli.list_sep")
        lines = [say("quality.title", source=self.source or say("quality.in_memory")), ""]
        tables = self.table_report()
        heading = {c: say(f"quality.col.{c}") for c in ("table", "read", "loaded", "quarantined", "file")}
        width = max([_width(t) for t in tables["table"]] + [5, _width(heading["table"])])
        lines.append(f"{_fit(heading['table'], width)}  {_fit(heading['read'], 10, True)}  "
                     f"{_fit(heading['loaded'], 10, True)}  {_fit(heading['quarantined'], 11, True)}  {heading['file']}")
        for rec in tables.itertuples(index=False):
            lines.append(f"{_fit(rec.table, width)}  {count(rec.rows_read):>10}  {count(rec.rows_loaded):>10}  "
                         f"{count(rec.rows_quarantined):>11}  {rec.file}")
        missing = [n for n in TABLE_NAMES if not self.has(n)]
        if missing:
            lines.append(say("quality.not_provided", tables=sep.join(missing)))
        if self.stages:
            lines.append(say("quality.stages", stages=" > ".join(self.stages)))
        ignored = [(t, cols) for t, cols in self.ignored_columns.items() if cols]
        if ignored or self.ignored_sources:
            lines += ["", say("quality.ignored")]
            for table, cols in ignored:
                lines.append(say("quality.ignored_columns", table=table, columns=sep.join(map(str, cols))))
            if self.ignored_sources:
                lines.append(say("quality.ignored_files", files=sep.join(self.ignored_sources)))
        report = self.report(examples, lang)
        lines.append("")
        if report.empty:
            lines.append(say("quality.none_quarantined"))
        else:
            lines.append(say("quality.quarantined", total=count(int(report["count"].sum()))))
            for rec in report.itertuples(index=False):
                lines.append(say("quality.check_line", table=rec.table, label=rec.label, count=count(rec.count)))
                for example in rec.examples.split("\n"):
                    lines.append(f"      {example}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(f):,}" for n, f in self._tables.items() if f is not None)
        quarantined = len(object.__getattribute__(self, "quarantine"))
        return f"SalesData({parts}; quarantined={quarantined:,})"
