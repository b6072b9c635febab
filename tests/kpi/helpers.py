"""Build SalesData bundles by hand for KPI tests (until/besides workbench.load)."""

from __future__ import annotations

from types import MappingProxyType

import pandas as pd

from workbench.contract import TABLES
from workbench.io.sales_data import QUARANTINE_COLUMNS, SalesData

_DTYPES = {"str": "str", "float": "float64", "datetime": "datetime64[us]", "date": "datetime64[us]"}


def contract_frame(name: str, rows: dict) -> pd.DataFrame:
    """A DataFrame with exactly the contract columns of ``name``, typed; absent nullable columns empty."""
    n = len(next(iter(rows.values()))) if rows else 0
    columns = {}
    for column in TABLES[name].columns:
        values = rows.get(column.name, [None] * n)
        dtype = _DTYPES[column.dtype]
        if dtype.startswith("datetime"):
            columns[column.name] = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").astype(dtype)
        else:
            columns[column.name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns)


def make_sales_data(tables: dict[str, dict | pd.DataFrame], stages=()) -> SalesData:
    """A SalesData from ``{table: {column: values}}`` (or DataFrames), the way workbench.load types them."""
    frames = {}
    for name, rows in tables.items():
        frames[name] = rows if isinstance(rows, pd.DataFrame) else contract_frame(name, rows)
    return SalesData(
        _tables=MappingProxyType(frames),
        quarantine=pd.DataFrame(columns=QUARANTINE_COLUMNS),
        rows_read=MappingProxyType({n: len(f) for n, f in frames.items()}),
        stages=tuple(stages),
        source="test",
    )
