"""Read contract tables from a SalesData or a dict of DataFrames, with typed date columns."""

from __future__ import annotations

import pandas as pd

from workbench.contract import TABLES
from workbench.errors import DataError

__all__ = ["get_table", "as_sales_data"]


def get_table(data, name: str, required: bool = True) -> pd.DataFrame | None:
    """A copy of table ``name`` with contract date columns as datetimes (None if absent)."""
    if isinstance(data, dict):
        frame = data.get(name)
    else:
        frame = data[name] if data.has(name) else None
    if frame is None:
        if required:
            raise DataError(f"The {name!r} table is required here but the data has none.", file=name)
        return None
    frame = frame.copy()
    for col in TABLES[name].columns:
        if col.name in frame.columns and col.dtype in ("datetime", "date"):
            frame[col.name] = pd.to_datetime(frame[col.name])
    return frame


def as_sales_data(data):
    """A :class:`~workbench.io.sales_data.SalesData` from a SalesData or a dict of contract tables.

    Delegates to :func:`workbench.load`, which validates a dict (extra keys such as the
    sample's ``planted_drivers`` are reported as ignored; a ``stages`` entry is the stage
    configuration) and returns a SalesData unchanged.
    """
    from workbench.io import load

    return load(data)
