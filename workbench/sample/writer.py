"""Write generated tables to a folder, byte-for-byte reproducibly.

Every table goes to ``<table>.csv`` (UTF-8, ``\\n`` line ends, ISO dates
``2026-03-02`` and times ``2026-03-02 09:15``, floats with two decimals (four in
``training_effects``), empty cells for missing values) except ``activities`` and
``stage_history``, which go to Parquet (zstd, fixed row-group size, no pandas
metadata) to keep the folder small. The same pyarrow version writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from workbench.contract import TABLES

__all__ = ["write_tables", "PARQUET_TABLES"]

#: Tables written as Parquet rather than CSV.
PARQUET_TABLES = ("activities", "stage_history")
#: Tables whose floats need more than two decimals (small relative effects).
FLOAT_FORMATS = {"training_effects": "%.4f"}
_ROW_GROUP = 1_000_000


def _dtype_of(table: str, column: str) -> str:
    spec = TABLES.get(table)
    if spec is not None and column in spec.column_names:
        return spec.column(column).dtype
    return ""


def _csv_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in frame.columns:
        s = frame[col]
        kind = _dtype_of(name, col)
        if kind == "date" or (not kind and pd.api.types.is_datetime64_any_dtype(s) and (s.dropna().dt.normalize() == s.dropna()).all()):
            out[col] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_datetime64_any_dtype(s):
            # The simulation works to the minute; write seconds only when a frame has them.
            whole_minutes = bool((s.dropna().dt.second == 0).all())
            out[col] = s.dt.strftime("%Y-%m-%d %H:%M" if whole_minutes else "%Y-%m-%d %H:%M:%S")
        else:
            out[col] = s
    return pd.DataFrame(out)


def _write_csv(name: str, frame: pd.DataFrame, path: Path) -> None:
    text = _csv_frame(name, frame).to_csv(index=False, lineterminator="\n",
                                          float_format=FLOAT_FORMATS.get(name, "%.2f"))
    path.write_bytes(text.encode("utf-8"))


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    fields, arrays = [], []
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            arr = pa.array(s.to_numpy(dtype="datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
        elif pd.api.types.is_float_dtype(s):
            arr = pa.array(s.to_numpy(dtype=float), type=pa.float64(), from_pandas=True)
        else:
            arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True)
        fields.append(pa.field(col, arr.type))
        arrays.append(arr)
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, path, compression="zstd", compression_level=3, row_group_size=_ROW_GROUP,
                   use_dictionary=True, write_statistics=True, store_schema=False)


def write_tables(tables: dict[str, pd.DataFrame], out_dir) -> dict[str, Path]:
    """Write each table to ``out_dir`` and return the paths by table name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in tables.items():
        if name in PARQUET_TABLES:
            path = out / f"{name}.parquet"
            _write_parquet(frame, path)
            stale = out / f"{name}.csv"
        else:
            path = out / f"{name}.csv"
            _write_csv(name, frame, path)
            stale = out / f"{name}.parquet"
        if stale.exists():
            stale.unlink()
        paths[name] = path
    return paths
