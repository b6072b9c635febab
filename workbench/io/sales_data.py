"""SalesData: one validated, immutable bundle of the contract tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from workbench.contract import TABLE_NAMES

__all__ = ["SalesData", "QUARANTINE_COLUMNS"]

#: Columns of ``SalesData.quarantine``: one row per rejected source row.
QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason"]


@dataclass(frozen=True, eq=False)
class SalesData:
    """The validated contract tables, plus what was quarantined while loading.

    Build it with :func:`workbench.load`; do not construct it by hand. Tables are
    typed pandas DataFrames with exactly the contract's columns (nullable columns
    that the source lacked are present and empty). Optional tables the source did
    not provide are ``None``. The frames handed out are copies, so callers cannot
    change the bundle.

    Attributes
    ----------
    quarantine : pandas.DataFrame
        Rows that failed validation: ``table``, ``file``, ``row`` (the row number a
        spreadsheet shows, header = 1; for in-memory frames the index label),
        ``column``, ``value``, ``reason``.
    rows_read : dict
        Rows read per table. For every table, rows read = rows loaded + rows quarantined.
    stages : tuple of str
        Open pipeline stages in funnel order (from a ``stages`` config or inferred
        from ``stage_history``); empty when unknown.
    source : str
        Where the data came from.
    """

    _tables: MappingProxyType
    quarantine: pd.DataFrame
    rows_read: MappingProxyType
    stages: tuple = ()
    source: str = ""
    _cache: dict = field(default_factory=dict, repr=False)

    def __getattr__(self, name):
        if name in TABLE_NAMES:
            frame = self._tables.get(name)
            return None if frame is None else frame.copy()
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
        return {n: f.copy() for n, f in self._tables.items() if f is not None}

    @property
    def rows_loaded(self) -> dict[str, int]:
        """Rows loaded per table."""
        return {n: len(f) for n, f in self._tables.items() if f is not None}

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(f):,}" for n, f in self._tables.items() if f is not None)
        return f"SalesData({parts}; quarantined={len(self.quarantine):,})"
