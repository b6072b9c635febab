"""Read one table file (CSV / TSV / TXT, Parquet, XLSX / XLS) into a DataFrame.

Spreadsheet-like files are read **as text** (no type guessing: ``00123`` stays ``00123``,
dates stay as written) so that validation decides what each column means and can quote
the original cell when it rejects a row. Parquet keeps its types.

The returned frame's index is the **row number a spreadsheet shows** for each row
(header = row 1, so the first data row is 2; blank lines and a ``sep=;`` line count,
as they do in Excel). Entirely empty rows are dropped. Validation reports these numbers
in the quarantine, so a user can go straight to the offending row.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "reps.csv").write_bytes("rep_id;name\\nR1;张三\\n\\nR2;李四\\n".encode("gbk"))
>>> frame = read_table_file(folder / "reps.csv")
>>> frame
    rep_id name
row
2       R1   张三
4       R2   李四
>>> frame.attrs["encoding"], frame.attrs["delimiter"]
('gb18030', ';')
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import DataError

__all__ = [
    "read_table_file",
    "read_csv_text",
    "detect_encoding",
    "sniff_delimiter",
    "TEXT_EXTENSIONS",
    "EXCEL_EXTENSIONS",
    "PARQUET_EXTENSIONS",
    "SUPPORTED_EXTENSIONS",
]

TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_EXTENSIONS = (".parquet", ".pq")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + EXCEL_EXTENSIONS + PARQUET_EXTENSIONS

#: Encodings tried in order when none is given. GB18030 is a superset of GBK and GB2312.
ENCODINGS_TRIED = ("utf-8", "gb18030")
_DELIMITERS = [",", ";", "\t", "|"]
_CHUNK = 1 << 20


def detect_encoding(path) -> str:
    """Find the text encoding of a file: UTF-16 (by BOM), UTF-8 (with or without BOM), GB18030.

    The whole file is decoded incrementally (in C, ~1 GB/s), so a stray byte deep in the
    file is found before reading starts.

    Raises
    ------
    DataError
        If no encoding decodes the file; the message names the file, the encodings
        tried and where the first undecodable byte is.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ENCODINGS_TRIED
    failures = []
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset = 0
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            failures.append(f"{encoding} (byte {offset + err.start:,})")
            continue
        return encoding
    tried = ", ".join(failures)
    raise DataError(
        f"{path}: cannot decode the file as text; tried {tried}. Save it as UTF-8 "
        f"(Excel: 'CSV UTF-8') or GBK, or pass encoding=...",
        file=path,
    )


def sniff_delimiter(sample: str) -> str:
    """Guess the field delimiter (``,``, ``;``, tab or ``|``) from the start of a file.

    The delimiter is the candidate that splits the first lines into the same, largest
    number of fields (quotes respected); ``,`` when nothing splits.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a sample may be cut
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts)
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _strip_excel_text_guard(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo Excel's ``="00123"`` text guard that some CRMs write to keep leading zeros."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            guarded = col.str.startswith('="', na=False) & col.str.endswith('"', na=False)
            if guarded.any():
                col = col.where(~guarded, col.str.slice(2, -1))
        out[name] = col
    return pd.DataFrame(out, index=frame.index)


def _clean_header(names) -> list[str]:
    cleaned = []
    for i, name in enumerate(names):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        text = text.replace("\ufeff", "").strip()
        if re.fullmatch(r"Unnamed: \d+(?:_level_\d+)?", text):  # pandas' name for an empty header cell
            text = ""
        cleaned.append(text if text else f"unnamed_{i + 1}")
    return cleaned


def _drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or not len(frame.columns):
        return frame
    empty = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            blank = col.isna() | col.astype("str").str.strip().eq("")
        else:
            blank = col.isna()
        empty &= blank.to_numpy(dtype=bool)
    return frame[~empty] if empty.any() else frame


def _drop_unnamed_empty_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Trailing delimiters make empty, unnamed columns: drop those (and only those)."""
    keep = []
    for name in frame.columns:
        if str(name).startswith("unnamed_"):
            col = frame[name]
            if (col.isna() | col.astype("str").str.strip().eq("")).all():
                continue
        keep.append(name)
    return frame[keep] if len(keep) != len(frame.columns) else frame


def _find_header(rows: list[list[str]], expected) -> int:
    """Index of the header among the first rows: the first row naming most expected columns."""
    if not expected:
        return 0
    wanted = {_norm(c) for c in expected}
    best, best_hits = 0, 0
    for i, row in enumerate(rows):
        hits = len(wanted & {_norm(c) for c in row if c is not None})
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _norm(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())


def _header_index(path, header_row, skip: int = 0) -> int:
    if not isinstance(header_row, int) or header_row - 1 - skip < 0:
        raise DataError(f"{path}: header_row must be a row number from {skip + 1} (the first line) on; "
                        f"got {header_row!r}.", file=path)
    return header_row - 1 - skip


def read_csv_text(path, *, encoding: str | None = None, delimiter: str | None = None,
                  expected_columns=None, header_row: int | None = None) -> pd.DataFrame:
    """Read a delimited text file as strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.tsv`` / ``.txt`` file.
    encoding : str, optional
        Skip detection and use this encoding.
    delimiter : str, optional
        Skip sniffing and use this delimiter.
    expected_columns : list of str, optional
        Column names the file should have. When given and the first line does not name
        them (a title or export banner above the header), the header is looked for in
        the first 30 lines.
    header_row : int, optional
        The spreadsheet row (1 = first line) that holds the header; overrides the search.

    Returns
    -------
    pandas.DataFrame
        All cells as ``str`` (empty string for an empty cell), index = spreadsheet row
        numbers (named ``row``), ``attrs`` holding ``encoding``, ``delimiter`` and ``file``.

    Raises
    ------
    DataError
        If the file cannot be decoded or parsed (message names the file and the line).
    """
    path = Path(path)
    encoding = encoding or detect_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
    skip = 0
    first_line = sample.split("\n", 1)[0].strip().strip('"')
    hint = re.fullmatch(r"sep=(.)", first_line)
    if hint:
        delimiter = delimiter or hint.group(1)
        skip = 1
    if delimiter is None:
        body = sample.split("\n", 1)[1] if skip else sample
        delimiter = sniff_delimiter(body)
    lines = sample.splitlines()[skip:skip + 30]
    rows = list(csv.reader(lines, delimiter=delimiter)) if lines else []
    if header_row is not None:
        header_at = _header_index(path, header_row, skip)
    else:
        header_at = _find_header(rows, expected_columns)
        while header_at < len(rows) and not any(c.strip() for c in rows[header_at]):
            header_at += 1  # blank lines above the header
    try:
        frame = pd.read_csv(
            path,
            sep=delimiter,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skiprows=skip + header_at,
            header=0,
            engine="c",
            quotechar='"',
            on_bad_lines="error",
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header row with column names.",
                        file=path) from None
    except pd.errors.ParserError:
        frame = _read_ragged_csv(path, encoding, delimiter, skip + header_at)
    except ValueError as err:
        raise DataError(f"{path}: cannot parse the file as delimited text (delimiter "
                        f"{delimiter!r}, encoding {encoding}): {err}", file=path) from None
    frame.columns = _clean_header(frame.columns)
    first_row = skip + header_at + 2
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="row")
    frame = _drop_unnamed_empty_columns(_drop_empty_rows(frame))
    frame = _strip_excel_text_guard(frame)
    frame.index.name = "row"
    frame.attrs.update({"file": str(path), "encoding": encoding, "delimiter": delimiter,
                        "header_row": skip + header_at + 1})
    return frame


def _read_ragged_csv(path: Path, encoding: str, delimiter: str, skip: int) -> pd.DataFrame:
    """Slow path for files with rows that have more fields than the header.

    Every record is kept (no row is lost): surplus fields are cut off and the helper
    column ``_row_error`` says what was wrong, so validation quarantines the row.
    """
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        records = list(reader)[skip:]
    if not records:
        raise DataError(f"{path}: the file is empty; expected a header row with column names.", file=path)
    header = records[0]
    width = len(header)
    body, errors = [], []
    for record in records[1:]:
        if len(record) > width and any(f.strip() for f in record[width:]):
            errors.append(f"row has {len(record)} fields, the header has {width}")
        else:
            errors.append("")
        body.append(record[:width] + [""] * (width - len(record)))
    frame = pd.DataFrame(body, columns=header, dtype="str") if body else pd.DataFrame(columns=header, dtype="str")
    frame["_row_error"] = pd.Series(errors, dtype="str", index=frame.index)
    return frame


def _excel_cell_text(value) -> str:
    """One Excel cell as text: integers without ``.0``, datetimes in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if np.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "year") else value.isoformat()
        return text
    return str(value)


def _read_excel(path: Path, *, sheet: str | None, table: str | None, expected_columns,
                header_row: int | None = None) -> pd.DataFrame:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        raise DataError(f"{path}: reading Excel files needs the python-calamine package.", file=path) from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine raises its own error types
        raise DataError(f"{path}: cannot open the workbook ({err}); expected an .xlsx/.xls/.ods file.",
                        file=path) from None
    names = list(workbook.sheet_names)
    if not names:
        raise DataError(f"{path}: the workbook has no sheets.", file=path)
    chosen = None
    if sheet is not None:
        matches = [n for n in names if n.strip().lower() == str(sheet).strip().lower()]
        if not matches:
            raise DataError(f"{path}: no sheet named {sheet!r}; sheets are {names}.", file=path)
        chosen = matches[0]
    elif table is not None:
        matches = [n for n in names if _norm(n) == _norm(table)]
        chosen = matches[0] if matches else None
    chosen = chosen or names[0]
    data = workbook.get_sheet_by_name(chosen)
    try:
        rows = data.to_python(skip_empty_area=False)
    except Exception as err:
        raise DataError(f"{path}: cannot read sheet {chosen!r}: {err}", file=path) from None
    if not rows:
        raise DataError(f"{path}: sheet {chosen!r} is empty; expected a header row with column names.",
                        file=path)
    text_rows = [[_excel_cell_text(v) for v in row] for row in rows]
    if header_row is not None:
        header_at = _header_index(path, header_row)
    else:
        header_at = _find_header(text_rows[:30], expected_columns)
        while header_at < len(text_rows) and not any(c.strip() for c in text_rows[header_at]):
            header_at += 1
    if header_at >= len(text_rows):
        raise DataError(f"{path}: sheet {chosen!r} is empty; expected a header row with column names.",
                        file=path)
    header = _clean_header(text_rows[header_at])
    body = text_rows[header_at + 1:]
    width = len(header)
    body = [r[:width] + [""] * (width - len(r)) for r in body]
    frame = pd.DataFrame(body, columns=header, dtype="str") if body else pd.DataFrame(
        {c: pd.Series([], dtype="str") for c in header})
    if len(set(header)) != len(header):
        frame.columns = header
    first_row = header_at + 2  # to_python(skip_empty_area=False) starts at A1
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="row")
    frame = _drop_unnamed_empty_columns(_drop_empty_rows(frame))
    frame = _strip_excel_text_guard(frame)
    frame.index.name = "row"
    frame.attrs.update({"file": str(path), "sheet": chosen, "header_row": header_at + 1})
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several types for corrupt files
        raise DataError(f"{path}: cannot read the Parquet file ({type(err).__name__}: {err}).",
                        file=path) from None
    frame = frame.reset_index(drop=True) if not isinstance(frame.index, pd.RangeIndex) else frame
    frame.columns = _clean_header(frame.columns)
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    frame.attrs.update({"file": str(path)})
    return frame


def read_table_file(path, *, table: str | None = None, sheet: str | None = None,
                    encoding: str | None = None, delimiter: str | None = None,
                    expected_columns=None, header_row: int | None = None) -> pd.DataFrame:
    """Read one table file, whatever its format.

    Parameters
    ----------
    path : str or Path
        ``.csv`` / ``.tsv`` / ``.txt`` (encoding detected, delimiter sniffed),
        ``.parquet``, ``.xlsx`` / ``.xlsm`` / ``.xls`` / ``.ods``.
    table : str, optional
        For workbooks: read the sheet named after this table if there is one, else the
        first sheet.
    sheet : str, optional
        For workbooks: the sheet to read (overrides ``table``).
    encoding, delimiter : str, optional
        For text files: skip detection.
    expected_columns : list of str, optional
        Column names the file should have; used to find the header row below a banner.
    header_row : int, optional
        Text files and workbooks: the spreadsheet row (1 = first) holding the header;
        overrides the search.

    Returns
    -------
    pandas.DataFrame
        Text files and workbooks: every cell as ``str``; Parquet: stored types. The index
        holds the spreadsheet row number of each row (header = 1) and is named ``row``.

    Raises
    ------
    DataError
        When the file is missing, of an unsupported kind, undecodable or unparseable;
        the message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file.", file=path)
    suffix = path.suffix.lower()
    if suffix in TEXT_EXTENSIONS:
        return read_csv_text(path, encoding=encoding, delimiter=delimiter or ("\t" if suffix == ".tsv" else None),
                             expected_columns=expected_columns, header_row=header_row)
    if suffix in PARQUET_EXTENSIONS:
        return _read_parquet(path)
    if suffix in EXCEL_EXTENSIONS:
        return _read_excel(path, sheet=sheet, table=table, expected_columns=expected_columns,
                           header_row=header_row)
    raise DataError(
        f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(SUPPORTED_EXTENSIONS)}.",
        file=path,
    )

