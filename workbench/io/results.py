"""Writing result tables to the file a user names: CSV, Parquet or an Excel workbook.

Text that a spreadsheet would run as a formula is made inert here, in one place, for every
CSV and workbook the workbench writes (:func:`write_result`): a text cell (or header)
starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which can hide
one) is written to a workbook as a text cell with Excel's quote prefix — the value is
kept exactly, shown as text and stays text when edited — and to a CSV file with an
apostrophe in front (``'=HYPERLINK(...)``), the one form a CSV reader cannot turn back
into a formula. Numbers are never changed.

The same tables give the same bytes: a workbook's document properties (created,
modified) and the dates of the parts inside its zip are fixed (:data:`FIXED_TIMESTAMP`),
not the time of writing, so outputs can be compared, cached and checked in.

>>> import pandas as pd, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "kpis.csv"
>>> write_result({"kpis": pd.DataFrame({"period": pd.to_datetime(["2026-03-01"]), "value": [1.5]})}, out)
PosixPath('...kpis.csv')
>>> out.read_text(encoding="utf-8-sig")
'period,value\\n2026-03-01,1.5\\n'
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

__all__ = ["OUTPUT_SUFFIXES", "FORMULA_TRIGGERS", "FIXED_TIMESTAMP", "is_formula_like", "neutralise_formulas",
           "write_result"]

#: File extensions :func:`write_result` can write.
OUTPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")

#: First characters that make a spreadsheet read text as a formula, and the tab and
#: carriage return that can stand in front of one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: The creation and modification time written into every workbook (and the date of its
#: zip parts): the earliest date a zip file can hold, so the same tables give the same bytes.
FIXED_TIMESTAMP = datetime(1980, 1, 1)


def is_formula_like(value) -> bool:
    """Whether ``value`` is text a spreadsheet would read as a formula.

    >>> [is_formula_like(v) for v in ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "R-1", -2.0]]
    [True, True, True, True, False, False]
    """
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _may_hold_text(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
                or pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_timedelta64_dtype(values))


def _inert(value):
    return "'" + value if is_formula_like(value) else value


def _formula_like_mask(values: pd.Series) -> list[bool]:
    return [is_formula_like(v) for v in values.tolist()]  # any dtype, categories included


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for a CSV file: formula-like text cells and headers get an apostrophe in front.

    >>> frame = pd.DataFrame({"name": ["=1+1", "Ann"], "gap": [-2.0, 1.0]})
    >>> neutralise_formulas(frame)["name"].tolist(), neutralise_formulas(frame)["gap"].tolist()
    (["'=1+1", 'Ann'], [-2.0, 1.0])
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if _may_hold_text(values) and any(_formula_like_mask(values)):
            out.isetitem(i, pd.Series([_inert(v) for v in values.tolist()], index=values.index, dtype=object))
    if any(is_formula_like(c) for c in out.columns):
        out.columns = [_inert(c) for c in out.columns]
    return out


def _formulas_as_text(worksheet, frame: pd.DataFrame) -> None:
    """Formula-like text in a written sheet (header and text columns): text cells with a quote prefix."""
    for i, name in enumerate(frame.columns):
        if not (is_formula_like(name) or _may_hold_text(frame.iloc[:, i])):
            continue
        for (cell,) in worksheet.iter_rows(min_col=i + 1, max_col=i + 1, max_row=len(frame) + 1):
            if is_formula_like(cell.value):
                cell.data_type = "s"  # openpyxl took "=..." for a formula
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _reproducible_workbook(written: bytes) -> bytes:
    """``written`` (an .xlsx file) with :data:`FIXED_TIMESTAMP` as its document times and zip part dates."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(written)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            info = zipfile.ZipInfo(part.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            target.writestr(info, data)
    return out.getvalue()


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

    Text a spreadsheet would run as a formula is written inert (see the module docstring):
    in a workbook as a text cell with a quote prefix, in a CSV file after an apostrophe.
    The same tables give the same bytes (a workbook's times are :data:`FIXED_TIMESTAMP`).

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
        # the BOM makes Excel read the file as UTF-8 (Chinese text)
        neutralise_formulas(_iso_dates(first)).to_csv(out, index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        first.to_parquet(out, index=False)
    else:
        written = io.BytesIO()
        with pd.ExcelWriter(written, engine="openpyxl") as workbook:
            for name, frame in sheets.items():
                frame = _iso_dates(frame)
                frame.to_excel(workbook, sheet_name=name[:31], index=False)
                _formulas_as_text(workbook.sheets[name[:31]], frame)
        out.write_bytes(_reproducible_workbook(written.getvalue()))
    return out
