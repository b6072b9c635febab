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
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import DataError
from workbench.io.limits import check_file_size, format_size, limit_hint, resolve_limits
from workbench.io.lines import describe_lines, field_limit, scan_text, split_records

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
    return scan_text(path, None, _encoding_candidates(path), resolve_limits()).encoding


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


def _arrow_text(column: pd.Series) -> bool:
    """Whether a column is Arrow-backed text (what the CSV readers make)."""
    return isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"


def _strip_excel_text_guard(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo Excel's ``="00123"`` text guard that some CRMs write to keep leading zeros."""
    out, changed = {}, False
    for name in frame.columns:
        col = frame[name]
        if _arrow_text(col):  # the usual case: checked in Arrow, rewritten only when guarded
            arr = pa.array(col, from_pandas=True)
            opens = pc.starts_with(arr, '="')
            if not pc.any(opens).as_py() or not pc.any(pc.ends_with(arr.filter(opens), '"')).as_py():
                out[name] = col
                continue
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            guarded = col.str.startswith('="', na=False) & col.str.endswith('"', na=False)
            if guarded.any():
                col = col.where(~guarded, col.str.slice(2, -1))
                changed = True
        out[name] = col
    if not changed:  # nothing guarded (the usual case): the same columns, no copy
        out_frame = frame.copy(deep=False)
        out_frame.attrs = {}
        return out_frame
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


def _drop_empty_rows(frame: pd.DataFrame, report: bool = False):
    """Drop rows whose cells are all empty; with ``report``, also return the dropped index labels."""
    dropped: list = list(frame.attrs.get("blank_lines", ())) if report else []
    if frame.empty or not len(frame.columns):
        return (frame, dropped) if report else frame
    empty = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        # only the rows still blank so far are looked at: usually the first column settles every row
        rows = slice(None) if empty.all() else np.flatnonzero(empty)
        if isinstance(rows, np.ndarray) and not len(rows):
            break
        col = frame[name] if isinstance(rows, slice) else frame[name].iloc[rows]
        if _arrow_text(col):
            arr = pa.array(col, from_pandas=True)
            blank = np.asarray(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(arr)), 0).fill_null(True)
                               .to_numpy(zero_copy_only=False), dtype=bool)
        elif col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            blank = (col.isna() | col.astype("str").str.strip().eq("")).to_numpy(dtype=bool)
        else:
            blank = col.isna().to_numpy(dtype=bool)
        empty[rows] &= blank
    if empty.any():
        dropped += frame.index[empty].tolist()
        frame = frame[~empty]
    return (frame, dropped) if report else frame


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
                  expected_columns=None, header_row: int | None = None, limits=None) -> pd.DataFrame:
    """Read a delimited text file as strings, accounting for every physical line.

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
    limits : InputLimits or dict, optional
        Input limits (see :mod:`workbench.io.limits`); default: the limits in force.

    Returns
    -------
    pandas.DataFrame
        All cells as ``str`` (empty string for an empty cell), index = spreadsheet row
        numbers (named ``row``; a cell spanning lines is one row, as in Excel),
        ``attrs`` holding ``encoding``, ``delimiter``, ``file``, ``lines`` (physical lines)
        ``skipped_lines`` (rows above the header and blank rows, as text), ``above_header``
        (``(line, text)`` of every line above the header: titles, filters, blank lines) and
        ``duplicate_columns`` (names the header repeats; pandas renames the second
        ``amount`` to ``amount.1``). Rows that
        cannot be split cleanly (unbalanced quote, more fields than the header, a cell over
        ``max_cell_chars``) are kept with the helper column ``_row_error`` saying why, so
        validation quarantines them: every physical line is a row, a quarantined row or a
        skipped line.

    Raises
    ------
    DataError
        If the file cannot be decoded, is empty, is not text (NUL bytes), is over a limit
        (file size, line length, columns, cells). The
        message names the file, and for a limit, the limit and how to raise it.
    """
    path = Path(path)
    limits = resolve_limits(limits)
    check_file_size(path, limits)
    scan = scan_text(path, encoding, _encoding_candidates(path), limits)
    encoding = scan.encoding
    if scan.nul_at is not None:
        raise DataError(f"{path}: byte {scan.nul_at:,} is a NUL byte, so this is not a text table (a binary or "
                        f"sparse file, or UTF-16 without a byte-order mark); expected delimited text. Save the "
                        f"table as CSV (UTF-8) and load it again.", file=path)
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
    with field_limit(limits.max_cell_chars):
        try:
            rows = list(csv.reader(lines, delimiter=delimiter)) if lines else []
        except csv.Error:
            rows = [line.split(delimiter) for line in lines]
    if header_row is not None:
        header_at = _header_index(path, header_row, skip)
    else:
        header_at = _find_header(rows, expected_columns)
        while header_at < len(rows) and not any(c.strip() for c in rows[header_at]):
            header_at += 1  # blank lines above the header
    header_line = skip + header_at + 1
    if scan.lines < header_line:
        raise DataError(f"{path}: the file is empty; expected a header row with column names.", file=path)
    header = _read_header_line(path, encoding, delimiter, header_line, limits)
    width = len(header)
    data_lines = scan.lines - header_line
    _check_cells(path, data_lines, width, limits, what=f"{data_lines:,} lines")
    frame = _read_arrow(path, encoding, delimiter, header_line, width, data_lines)
    if frame is None:
        frame = _read_pandas(path, encoding, delimiter, header_line)
    blank: list = []
    if frame is not None and len(frame) == data_lines and len(frame.columns) == width:
        # one row per physical line: no cell spans lines, no quote was left open
        frame.index = pd.RangeIndex(header_line + 1, header_line + 1 + len(frame), name="row")
        if scan.longest_line > limits.max_cell_chars:
            frame = _flag_long_cells(frame, limits.max_cell_chars)
    else:
        frame = _read_careful(path, encoding, delimiter, header, header_line, limits)
    row_error = ["_row_error"] if "_row_error" in frame.columns else []
    # the header as read, cleaned, then made unique (``Type`` and ``Type `` are one name once trimmed)
    cleaned = _clean_header(header)
    written = dict(zip(_mangle_duplicates(cleaned), cleaned))  # unique name -> header as written
    frame.columns = list(written) + row_error
    frame, blank = _drop_empty_rows(frame, report=True)
    frame = _drop_unnamed_empty_columns(frame)
    frame = _strip_excel_text_guard(frame)
    frame.index.name = "row"
    skipped = []
    above = _lines_above(path, encoding, delimiter, header_line) if header_line > 1 else []
    if header_line > 1:
        skipped.append(f"rows {describe_lines(range(1, header_line))} (above the header)")
    if len(blank):
        skipped.append(f"rows {describe_lines(blank)} (blank)")
    frame.attrs.update({"file": str(path), "encoding": encoding, "delimiter": delimiter,
                        "header_row": header_line, "lines": scan.lines,
                        "skipped_lines": "; ".join(skipped), "above_header": above,
                        "header": [written[c] for c in frame.columns if c in written],
                        "duplicate_columns": duplicate_columns(_clean_header(header))})
    return frame


def _read_pandas(path: Path, encoding: str, delimiter: str, header_line: int) -> pd.DataFrame | None:
    """pandas' C reader (all cells as text), or None when the careful reader must say what is wrong."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            # index_col=False: a first row with an extra field must not become the index
            frame = pd.read_csv(
                path, sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False, na_filter=False,
                skip_blank_lines=False, skiprows=header_line - 1, header=0, engine="c", quotechar='"',
                on_bad_lines="error", index_col=False,
            )
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            return None  # pandas cut fields off the first row: the careful reader says which
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header row with column names.",
                        file=path) from None
    except pd.errors.ParserError:
        return None  # rows with more fields than the header: the careful reader says which
    except ValueError as err:
        raise DataError(f"{path}: cannot parse the file as delimited text (delimiter "
                        f"{delimiter!r}, encoding {encoding}): {err}", file=path) from None
    return frame


_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_ARROW_MAX_SHORT_ROWS = 10_000


def _body_offset(data: bytes, header_line: int) -> int | None:
    """Byte offset of the line after the header, or None when the lines up to the header
    are not plain (a quote left open, a form feed or other break Python's ``splitlines``
    knows): the other readers handle those."""
    pos = 0
    for _ in range(header_line):
        match = _LINE_BREAK.search(data, pos)
        if match is None:
            return None
        pos = match.end()
    head = data[:pos]
    if head.count(b'"') % 2 or re.search(rb"[\x0b\x0c\x1c-\x1e\x85]|\xe2\x80[\xa8\xa9]", head):
        return None
    return pos


def _ends_inside_quote(data: bytes, delimiter: str) -> bool:
    """Whether the last line opens a quoted cell that the file never closes (Arrow reads the
    rest of the file into it without complaint; every earlier open quote makes a cell span
    lines, which the row count shows)."""
    end = len(data) - (2 if data.endswith(b"\r\n") else 1 if data.endswith((b"\n", b"\r")) else 0)
    last = data[max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1:end]  # no copy of the body
    if b'"' not in last:
        return False
    quote, sep = ord('"'), ord(delimiter)
    inside, at_start = False, True
    i = 0
    while i < len(last):
        ch = last[i]
        if inside:
            if ch == quote:
                if i + 1 < len(last) and last[i + 1] == quote:
                    i += 1
                else:
                    inside = False
        elif ch == quote and at_start:
            inside = True
        at_start = not inside and ch == sep
        i += 1
    return inside


def _read_arrow(path: Path, encoding: str, delimiter: str, header_line: int, width: int,
                data_lines: int) -> pd.DataFrame | None:
    """The rows below the header read by Arrow's CSV reader (all cells as text, in C), when
    every physical line is one row; else None, and the pandas or careful reader reads the file.

    Lines with fewer fields than the header (a footer, a blank line) are padded with empty
    cells as pandas does; a line with more fields, a cell spanning lines or a file Arrow
    cannot read leaves the file to the other readers, which say what is wrong.
    """
    if (codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig") or data_lines <= 0 or width < 1
            or len(delimiter) != 1 or delimiter in "\"\r\n"):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    data = path.read_bytes()
    start = _body_offset(data, header_line)
    if start is None:
        return None
    short: list[tuple[int, str]] = []

    def keep_short(row) -> str:
        if row.number is None or row.actual_columns > row.expected_columns or len(short) >= _ARROW_MAX_SHORT_ROWS:
            return "error"
        short.append((row.number, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(start)),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                            escape_char=False, newlines_in_values=True, ignore_empty_lines=False,
                                            invalid_row_handler=keep_short),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[],
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows + len(short) != data_lines or _ends_inside_quote(data, delimiter):
        return None  # a cell spans lines, or a quote is never closed: the careful reader says where
    frame = table.to_pandas()
    del table
    if not all(pd.api.types.is_string_dtype(frame[c].dtype) for c in names):
        return None
    if short:
        numbers = np.array([n for n, _ in short], dtype="int64")
        if numbers.max() > data_lines:
            return None
        cells = [(_split_line(text, delimiter) + [""] * width)[:width] for _, text in short]
        padded = pd.DataFrame(cells, columns=names, dtype="str")
        valid = np.setdiff1d(np.arange(1, data_lines + 1), numbers)
        frame.index, padded.index = valid, numbers
        frame = pd.concat([frame, padded]).sort_index(kind="stable")
    frame.index = pd.RangeIndex(header_line + 1, header_line + 1 + len(frame), name="row")
    return frame


def _row_text(cells) -> str:
    """The non-empty cells of a line above the header, joined by `` | `` ('' for a blank line)."""
    return " | ".join(str(c).strip() for c in cells if c is not None and str(c).strip())


def _lines_above(path: Path, encoding: str, delimiter: str, header_line: int) -> list[tuple[int, str]]:
    """``(line number, text)`` of every physical line above the header: titles, filters, blanks."""
    out = []
    with open(path, encoding=encoding, newline="") as handle:
        for number in range(1, header_line):
            text = handle.readline().replace("\ufeff", "").rstrip("\r\n")
            out.append((number, _row_text(_split_line(text, delimiter))))
    return out


def _split_line(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return text.split(delimiter)


def _encoding_candidates(path: Path) -> tuple:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16",)
    if head.startswith(codecs.BOM_UTF8):
        return ("utf-8-sig",)
    return ENCODINGS_TRIED


def _read_header_line(path: Path, encoding: str, delimiter: str, line_no: int, limits) -> list[str]:
    """The header's fields, read from its physical line (lines are bounded by the scan)."""
    with open(path, encoding=encoding, newline="") as handle:
        for _ in range(line_no - 1):
            handle.readline()
        text = handle.readline()
    if text.count(delimiter) + 1 > limits.max_columns:  # quoted delimiters: parse exactly below
        with field_limit(max(limits.max_cell_chars, len(text) + 1)):
            fields = next(csv.reader([text], delimiter=delimiter), [])
        if len(fields) > limits.max_columns:
            raise DataError(f"{path}: the header (line {line_no}) has {len(fields):,} columns, more than "
                            f"{limits.max_columns:,}; a sales table has tens. Is the delimiter right "
                            f"({delimiter!r})? {limit_hint('max_columns', limits.max_columns)}",
                            file=path, row=line_no)
        return fields
    with field_limit(max(limits.max_cell_chars, len(text) + 1)):
        return next(csv.reader([text], delimiter=delimiter), [])


def _check_cells(path: Path, rows: int, width: int, limits, *, what: str) -> None:
    if width > limits.max_columns:
        raise DataError(f"{path}: the header has {width:,} columns, more than {limits.max_columns:,}. "
                        + limit_hint("max_columns", limits.max_columns), file=path)
    if rows * width > limits.max_cells:
        raise DataError(f"{path}: {what} x {width:,} columns = {rows * width:,} cells, more than "
                        f"{limits.max_cells:,}; split the file. " + limit_hint("max_cells", limits.max_cells),
                        file=path)


def _mangle_duplicates(header) -> list[str]:
    """pandas' names for repeated headers: the second ``amount`` becomes ``amount.1``.

    The names are always unique, also when the header already holds an ``amount.1`` or
    repeats a name that only cleaning made equal (``Type`` and ``Type `` with a space):

    >>> _mangle_duplicates(["Type", "Amount", "Type", "Amount.1", "Amount"])
    ['Type', 'Amount', 'Type.1', 'Amount.1', 'Amount.2']
    """
    taken = set(header)
    counts: dict = {}
    seen: set = set()
    out = []
    for name in header:
        if name not in seen:
            seen.add(name)
            out.append(name)
            continue
        k = counts.get(name, 0) + 1
        while f"{name}.{k}" in taken:
            k += 1
        counts[name] = k
        taken.add(f"{name}.{k}")
        out.append(f"{name}.{k}")
    return out


def duplicate_columns(header) -> dict:
    """Names that occur more than once in a header, with their 1-based positions.

    >>> duplicate_columns(["id", "amount", "stage", "amount"])
    {'amount': [2, 4]}
    """
    seen: dict = {}
    for position, name in enumerate(header, start=1):
        seen.setdefault(name, []).append(position)
    return {name: cols for name, cols in seen.items() if len(cols) > 1}


def _flag_long_cells(frame: pd.DataFrame, max_chars: int) -> pd.DataFrame:
    """Mark rows holding a cell longer than ``max_chars`` (the fast path has no field limit)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    long = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        length = pc.utf8_length(pa.array(frame[name], from_pandas=True).cast(pa.large_string()))
        long |= pc.greater(length, max_chars).fill_null(False).to_numpy(zero_copy_only=False)
    if not long.any():
        return frame
    reason = f"a cell is longer than {max_chars:,} characters. " + limit_hint("max_cell_chars", max_chars)
    out = frame.copy()
    for name in frame.columns:
        column = out[name].to_numpy(dtype=object)
        column[long] = [value[:200] for value in column[long]]
        out[name] = pd.Series(column, index=out.index, dtype="str")
    out["_row_error"] = pd.Series(np.where(long, reason, ""), index=out.index, dtype="str")
    return out


def _read_careful(path: Path, encoding: str, delimiter: str, header: list[str], header_line: int,
                  limits) -> pd.DataFrame:
    """The careful reader (see :mod:`workbench.io.lines`): every line a row, a quarantined row or blank."""
    with open(path, encoding=encoding, newline="") as handle:
        for _ in range(header_line):
            handle.readline()
        records = split_records(handle, delimiter, width=len(header), first_line=header_line + 1,
                                max_cell_chars=limits.max_cell_chars)
    index = pd.Index(records.numbers, name="row", dtype="int64")
    columns = list(range(len(header)))
    frame = (pd.DataFrame(records.rows, columns=columns, index=index, dtype="str") if records.rows
             else pd.DataFrame({c: pd.Series([], dtype="str") for c in columns}, index=index))
    frame.columns = _mangle_duplicates(_clean_header(header))
    if any(records.errors):
        frame["_row_error"] = pd.Series(records.errors, dtype="str", index=frame.index)
    frame.attrs["blank_lines"] = records.blank
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


def _check_sheet_size(path: Path, sheet: str, rows: int, columns: int, limits) -> None:
    what = f"sheet {sheet!r}" if sheet else "the table"
    if columns > limits.max_columns:
        raise DataError(f"{path}: {what} has {columns:,} columns, more than {limits.max_columns:,}. "
                        + limit_hint("max_columns", limits.max_columns), file=path)
    if rows * columns > limits.max_cells:
        raise DataError(f"{path}: {what} has {rows:,} rows x {columns:,} columns = {rows * columns:,} "
                        f"cells, more than {limits.max_cells:,}. " + limit_hint("max_cells", limits.max_cells),
                        file=path)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def check_workbook_size(path, limits) -> None:
    """Refuse a workbook whose sheets would take too much memory, before opening it.

    For zip-based workbooks (``.xlsx``, ``.xlsm``, ``.ods``) the zip directory gives the
    uncompressed size of the sheets and shared strings (checked against
    ``max_xlsx_expanded_bytes``; a 1 MB file can expand a thousand-fold) and each sheet's
    ``<dimension>`` gives its rows and columns (checked against ``max_columns`` and
    ``max_cells``). Nothing is decompressed but the first bytes of each sheet.
    """
    import zipfile

    path = Path(path)
    if not zipfile.is_zipfile(path):
        return  # .xls: bounded by the file size limit
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            parts = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
                     or i.filename in ("xl/sharedStrings.xml", "content.xml")]
            expanded = sum(i.file_size for i in parts)
            if expanded > limits.max_xlsx_expanded_bytes:
                raise DataError(
                    f"{path}: the workbook's sheets expand to {format_size(expanded)} (from a "
                    f"{format_size(path.stat().st_size)} file), more than {format_size(limits.max_xlsx_expanded_bytes)}; "
                    f"save the table as CSV or Parquet. "
                    + limit_hint("max_xlsx_expanded_bytes", limits.max_xlsx_expanded_bytes),
                    file=path)
            for info in parts:
                if not info.filename.startswith("xl/worksheets/"):
                    continue
                with archive.open(info) as handle:
                    head = handle.read(4096)
                match = _DIMENSION.search(head)
                if match and match.group(3):
                    rows = int(match.group(4)) - int(match.group(2)) + 1
                    columns = _column_number(match.group(3))
                    _check_sheet_size(path, info.filename.rsplit("/", 1)[-1][:-4], rows, columns, limits)
    except (zipfile.BadZipFile, OSError, EOFError):
        return  # calamine reports a corrupt workbook with its own message


def _read_excel(path: Path, *, sheet: str | None, table: str | None, expected_columns,
                header_row: int | None = None, limits=None) -> pd.DataFrame:
    limits = resolve_limits(limits)
    check_file_size(path, limits)
    check_workbook_size(path, limits)
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
    try:
        data = workbook.get_sheet_by_name(chosen)
        start_row, start_col = data.start or (0, 0)
        _check_sheet_size(path, chosen, data.height, data.width + start_col, limits)
        lead = [""] * start_col
        # row by row, so the sheet is held once as text (not also as Python values)
        text_rows = [lead] * start_row + [lead + [_excel_cell_text(v) for v in row] for row in data.iter_rows()]
        del data, workbook  # free the parsed sheet before the frame is built
    except DataError:
        raise
    except Exception as err:
        raise DataError(f"{path}: cannot read sheet {chosen!r}: {err}", file=path) from None
    if not text_rows:
        raise DataError(f"{path}: sheet {chosen!r} is empty; expected a header row with column names.",
                        file=path)
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
    names = _mangle_duplicates(header)  # a repeated header is amount, amount.1 (as for CSV)
    above = [(i + 1, _row_text(r)) for i, r in enumerate(text_rows[:header_at])]
    frame = pd.DataFrame(body, columns=names, dtype="str") if body else pd.DataFrame(
        {c: pd.Series([], dtype="str") for c in names})
    first_row = header_at + 2  # to_python(skip_empty_area=False) starts at A1
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="row")
    frame = _drop_unnamed_empty_columns(_drop_empty_rows(frame))
    frame = _strip_excel_text_guard(frame)
    frame.index.name = "row"
    written = dict(zip(names, header))
    frame.attrs.update({"file": str(path), "sheet": chosen, "header_row": header_at + 1, "above_header": above,
                        "header": [written[c] for c in frame.columns if c in written],
                        "duplicate_columns": duplicate_columns(header)})
    return frame


def _check_parquet_size(path: Path, limits) -> None:
    """Rows and columns from the Parquet footer, checked before the data is read."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception:  # a corrupt file: pandas reports it below with its own message
        return
    _check_sheet_size(path, "", meta.num_rows, meta.num_columns, limits)


def _read_parquet(path: Path, limits=None) -> pd.DataFrame:
    limits = resolve_limits(limits)
    check_file_size(path, limits)
    _check_parquet_size(path, limits)
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
                    expected_columns=None, header_row: int | None = None, limits=None) -> pd.DataFrame:
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
    limits : InputLimits or dict, optional
        Input limits (see :mod:`workbench.io.limits`), checked before the body is read;
        default: the limits in force.

    Returns
    -------
    pandas.DataFrame
        Text files and workbooks: every cell as ``str``; Parquet: stored types. The index
        holds the spreadsheet row number of each row (header = 1) and is named ``row``.

    Raises
    ------
    DataError
        When the file is missing, of an unsupported kind, undecodable, unparseable or over
        an input limit; the message names the file (and the limit and how to raise it).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file.", file=path)
    suffix = path.suffix.lower()
    if suffix in TEXT_EXTENSIONS:
        return read_csv_text(path, encoding=encoding, delimiter=delimiter or ("\t" if suffix == ".tsv" else None),
                             expected_columns=expected_columns, header_row=header_row, limits=limits)
    if suffix in PARQUET_EXTENSIONS:
        return _read_parquet(path, limits)
    if suffix in EXCEL_EXTENSIONS:
        return _read_excel(path, sheet=sheet, table=table, expected_columns=expected_columns,
                           header_row=header_row, limits=limits)
    raise DataError(
        f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(SUPPORTED_EXTENSIONS)}.",
        file=path,
    )

