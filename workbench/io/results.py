"""Writing result tables to the file a user names: CSV, Parquet or an Excel workbook.

>>> import pandas as pd, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "kpis.csv"
>>> write_result({"kpis": pd.DataFrame({"period": pd.to_datetime(["2026-03-01"]), "value": [1.5]})}, out)
PosixPath('...kpis.csv')
>>> out.read_text(encoding="utf-8-sig")
'period,value\\n2026-03-01,1.5\\n'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["OUTPUT_SUFFIXES", "write_result"]

#: File extensions :func:`write_result` can write.
OUTPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def _iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates at midnight written as ``2026-03-01`` rather than ``2026-03-01 00:00:00``."""
    changes = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values) and (values.dropna() == values.dropna().dt.normalize()).all():
            changes[column] = values.dt.strftime("%Y-%m-%d")
    return frame.assign(**changes) if changes else frame


def write_result(sheets: dict[str, pd.DataFrame], path) -> Path:
    """Write result tables to ``path`` in the format its extension names.

    Parameters
    ----------
    sheets : dict of str to DataFrame
        Named tables. CSV and Parquet files hold the first one; an ``.xlsx`` workbook
        gets one sheet per table, in order.
    path : str or Path
        Where to write; parent folders are created.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        If the extension is not one of :data:`OUTPUT_SUFFIXES`.
    """
    out = Path(path).expanduser()
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"Cannot write {out.name}: use a file name ending in .csv, .parquet or .xlsx.")
    if not sheets:
        raise ValueError("write_result needs at least one table to write.")
    out.parent.mkdir(parents=True, exist_ok=True)
    first = next(iter(sheets.values()))
    if suffix == ".csv":
        _iso_dates(first).to_csv(out, index=False, encoding="utf-8-sig")  # BOM: Excel shows Chinese text
    elif suffix == ".parquet":
        first.to_parquet(out, index=False)
    else:
        with pd.ExcelWriter(out) as workbook:
            for name, frame in sheets.items():
                _iso_dates(frame).to_excel(workbook, sheet_name=name[:31], index=False)
    return out
