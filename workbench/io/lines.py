"""Account for every physical line of a delimited text file.

:func:`scan_text` decodes a file once (streaming, in C and NumPy) and counts its physical
lines, its longest line and where a NUL byte is, so limits are checked before the body is
parsed and the reader can prove that no line went missing. :func:`split_records` is the
careful reader used when the fast parser's row count does not match the line count (a
quoted cell spanning lines, an unclosed quote, a row with too many fields, a huge cell):
it hands every physical line to :mod:`csv` one at a time and turns each into a data row,
a quarantined row (with its line number and reason) or a skipped blank line.

The rule for quotes: a quoted cell may span lines (notes with line breaks are normal), but
when a following line holds a whole row's worth of fields and gluing it on would not close
the record with exactly the header's fields, the quote that opened the cell is unbalanced:
the line where it opened, and the lines it had swallowed so far, are quarantined, and
reading resumes at the row-like line. A quote still open at the end of the file quarantines every
line from its opening line on.

Examples
--------
>>> import io
>>> text = 'O1,won,"price\\nO2,lost,budget\\nO3,won,"multi\\nline"\\n\\nO4,won,x,EXTRA\\n'
>>> result = split_records(io.StringIO(text), ",", width=3, first_line=2, max_cell_chars=1000)
>>> for line, row, fields, error in zip(result.lines, result.numbers, result.rows, result.errors):
...     print(line, row, fields, (error or "ok")[:44])
2 2 ['O1', 'won', 'price\\n'] unbalanced quote: a quoted cell opens on lin
3 3 ['O2', 'lost', 'budget'] ok
4 4 ['O3', 'won', 'multi\\nline'] ok
7 6 ['O4', 'won', 'x'] line 7: row has 4 fields, the header has 3
>>> result.blank
[5]
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workbench.errors import DataError
from workbench.io.limits import InputLimits, format_size, limit_hint

__all__ = ["TextScan", "scan_text", "split_records", "Records", "describe_lines", "field_limit"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class TextScan:
    """What one streaming pass over a text file found.

    Attributes
    ----------
    encoding : str
        The encoding that decoded the whole file.
    lines : int
        Physical lines (``\\n``, ``\\r\\n`` or ``\\r`` end a line; a last line without a
        line break counts).
    longest_line : int
        Bytes in the longest line, line break excluded.
    nul_at : int or None
        Byte offset of the first NUL character, if any (the scan stops there).
    """

    encoding: str
    lines: int
    longest_line: int
    nul_at: int | None = None


def _refuse_line(path: Path, line_no: int, limits: InputLimits) -> DataError:
    return DataError(
        f"{path}: line {line_no:,} is longer than {format_size(limits.max_line_bytes)}; a table's line "
        f"should be far shorter (is this a binary or sparse file, or an export with its line breaks "
        f"lost?). {limit_hint('max_line_bytes', limits.max_line_bytes)}",
        file=path, row=line_no,
    )


def _scan_with(path: Path, encoding: str, limits: InputLimits) -> TextScan | int:
    """The scan, or the byte offset of the first byte ``encoding`` cannot decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    lf = cr = crlf = 0
    longest = current = offset = 0
    prev_cr = False
    last = ""
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as err:
                return offset + err.start
            if wide:  # count on the decoded text (bytes of a line = 2 per code unit, about)
                data, nl, ret, nul = text, "\n", "\r", "\x00"
            else:  # ASCII-compatible encodings: line breaks and NUL are single bytes
                data, nl, ret, nul = chunk, b"\n", b"\r", b"\x00"
            if not data:
                offset += len(chunk)
                continue
            at = data.find(nul)
            if at >= 0:
                return TextScan(encoding, 0, 0, nul_at=offset + (at * 2 if wide else at))
            n_lf, n_cr = data.count(nl), data.count(ret)
            lf, cr = lf + n_lf, cr + n_cr
            crlf += (data.count(ret + nl) if n_cr else 0) + (1 if prev_cr and data[:1] == nl else 0)
            scale = 2 if wide else 1
            if n_lf + n_cr == 0:
                current += len(data) * scale
            else:
                codes = (np.frombuffer(data.encode("utf-16-le"), dtype=np.uint16) if wide
                         else np.frombuffer(data, dtype=np.uint8))
                breaks = np.flatnonzero((codes == 10) | (codes == 13) if n_cr else codes == 10)
                longest = max(longest, current + int(breaks[0]) * scale)
                if len(breaks) > 1:
                    longest = max(longest, (int(np.diff(breaks).max()) - 1) * scale)
                current = (len(codes) - int(breaks[-1]) - 1) * scale
            if max(longest, current) > limits.max_line_bytes:
                raise _refuse_line(path, lf + cr - crlf + 1 if current > limits.max_line_bytes else lf + cr - crlf,
                                   limits)
            prev_cr = data[-1:] == ret
            last = data[-1:]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            return offset + err.start
    lines = lf + cr - crlf
    if last and last not in ("\n", "\r", b"\n", b"\r"):
        lines += 1
    return TextScan(encoding, lines, max(longest, current))


def scan_text(path, encoding: str | None, candidates, limits: InputLimits) -> TextScan:
    """Decode ``path`` once with ``encoding`` (or the first of ``candidates`` that works).

    Raises
    ------
    DataError
        If no encoding decodes the file (names the encodings tried and the first bad
        byte), or a line is longer than ``limits.max_line_bytes``.
    """
    path = Path(path)
    failures = []
    for name in ((encoding,) if encoding else tuple(candidates)):
        try:
            scan = _scan_with(path, name, limits)
        except LookupError:
            raise DataError(f"{path}: unknown encoding {name!r}.", file=path) from None
        if isinstance(scan, TextScan):
            return scan
        failures.append(f"{name} (byte {scan:,})")
    tried = ", ".join(failures)
    raise DataError(
        f"{path}: cannot decode the file as text; tried {tried}. Save it as UTF-8 "
        f"(Excel: 'CSV UTF-8') or GBK, or pass encoding=...",
        file=path,
    )


@contextlib.contextmanager
def field_limit(chars: int):
    """Let :mod:`csv` read cells of up to ``chars`` characters inside the block."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(int(chars), 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _fields_alone(text: str, delimiter: str) -> list[str]:
    """The fields of one physical line parsed on its own (an open quote runs to its end)."""
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return text.rstrip("\r\n").split(delimiter)


class _LineFeed:
    """Physical lines for :func:`csv.reader`, remembering which lines the current record used."""

    def __init__(self, handle, first_line: int, delimiter: str, width: int):
        self._handle = handle
        self._delimiter = delimiter
        self._width = width
        self.next_line = first_line
        self.used: list[tuple[int, str]] = []
        self.pending: str | None = None
        self.eof_in_record = False
        self.aborted = False  # the next line is a whole row: the open quoted cell never closed

    def __iter__(self):
        return self

    def _breaks_record(self, text: str) -> bool:
        """Whether ``text``, a whole row's worth of fields, would be swallowed by the open cell.

        It is, unless gluing it on closes the record with exactly the header's fields (a
        note spanning lines in the first column, say).
        """
        if len(_fields_alone(text, self._delimiter)) < self._width:
            return False
        texts = [t for _, t in self.used] + [text, "\n"]  # the blank sentinel is absorbed if still open
        reader = csv.reader(texts, delimiter=self._delimiter)
        try:
            record = next(reader)
        except (csv.Error, StopIteration):
            return True
        return reader.line_num > len(texts) - 1 or len(record) != self._width

    def __next__(self) -> str:
        if self.pending is not None:
            text, self.pending = self.pending, None
        else:
            text = self._handle.readline()
            if not text:
                if self.used:
                    self.eof_in_record = True
                raise StopIteration
        if self.used and self._breaks_record(text):
            self.pending = text
            self.aborted = True
            raise StopIteration  # ends the record here; split_records sees `aborted`
        self.used.append((self.next_line, text))
        self.next_line += 1
        return text


@dataclass
class Records:
    """Rows split by :func:`split_records`, one entry per data or quarantined row.

    ``lines[i]`` is the physical line row ``i`` starts on, ``rows[i]`` its cells (exactly
    ``width``), ``errors[i]`` why it is quarantined ("" when it is fine), ``numbers[i]``
    the row number a spreadsheet shows for it (a cell spanning lines is one spreadsheet
    row; a quarantined line is one row); ``blank`` lists the row numbers skipped as empty.
    """

    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    numbers: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    blank: list = field(default_factory=list)


def split_records(handle, delimiter: str, *, width: int, first_line: int, max_cell_chars: int,
                  first_row: int | None = None) -> Records:
    """Split the body of a delimited file into rows, accounting for every physical line.

    Parameters
    ----------
    handle : text file
        Opened with ``newline=""`` and positioned at the first line after the header.
    delimiter : str
    width : int
        Number of header fields.
    first_line : int
        Physical line number of the handle's next line (1 = the file's first line).
    max_cell_chars : int
        Longest cell accepted; a row with a longer cell is quarantined.
    first_row : int, optional
        Spreadsheet row number of the first record (default ``first_line``).

    Returns
    -------
    Records
        Every line is in exactly one of: a data row (a quoted cell may make a row span
        lines), a quarantined row (unbalanced quote, too many fields, oversized cell), or
        ``blank``.
    """
    out = Records()
    row = [first_line if first_row is None else first_row]

    def cells(fields):
        return fields[:width] + [""] * (width - len(fields))

    def quarantine(used, first_reason, rest_reason):
        for k, (no, text) in enumerate(used):
            out.rows.append(cells(_fields_alone(text, delimiter)))
            out.lines.append(no)
            out.numbers.append(row[0])
            reason = first_reason if k == 0 else rest_reason
            out.errors.append(reason if row[0] == no else f"line {no}: {reason}")
            row[0] += 1

    feed = _LineFeed(handle, first_line, delimiter, width)
    with field_limit(max_cell_chars):
        reader = csv.reader(feed, delimiter=delimiter)
        while True:
            feed.used = []
            try:
                record = next(reader)
            except StopIteration:
                record = None
            except csv.Error as err:
                record = err
            if feed.aborted:
                feed.aborted = False
                start, resume = feed.used[0][0], feed.next_line
                quarantine(feed.used,
                           f"unbalanced quote: a quoted cell opens on line {start} and does not close before "
                           f"line {resume}, which holds a whole row; fix the quote (the rows below are read)",
                           f"inside the unclosed quoted cell that opens on line {start}")
                reader = csv.reader(feed, delimiter=delimiter)
                continue
            if record is None:
                break
            if isinstance(record, csv.Error):
                err = record
                used = feed.used
                if not used:  # pragma: no cover - csv fails only after reading a line
                    break
                start = used[0][0]
                if "field larger" in str(err) and len(used) == 1:
                    first = (f"a cell is longer than {max_cell_chars:,} characters. "
                             + limit_hint("max_cell_chars", max_cell_chars))
                elif "field larger" in str(err):
                    first = (f"unbalanced quote: a quoted cell opens on line {start} and runs past "
                             f"{max_cell_chars:,} characters (max_cell_chars) without closing")
                else:
                    first = f"cannot split the row into cells: {err}"
                quarantine(used, first, f"inside the cell that opens on line {start}: {first}")
                reader = csv.reader(feed, delimiter=delimiter)
                continue
            used = feed.used
            if feed.eof_in_record:
                start = used[0][0]
                quarantine(used, f"unbalanced quote: a quoted cell opens on line {start} and never closes "
                                 f"(the file ends inside it)",
                           f"inside the unclosed quoted cell that opens on line {start}")
                break
            if not any(f.strip() for f in record):
                out.blank.append(row[0])
                row[0] += 1
                continue
            n = len(record)
            error = ""
            if n > width and any(f.strip() for f in record[width:]):
                error = f"row has {n} fields, the header has {width}"
                error = error if row[0] == used[0][0] else f"line {used[0][0]}: {error}"
            out.rows.append(cells(record))
            out.lines.append(used[0][0])
            out.numbers.append(row[0])
            out.errors.append(error)
            row[0] += 1
    return out


def describe_lines(numbers, limit: int = 12) -> str:
    """Line numbers as short ranges: ``1-3, 7, 9-10``; long lists end with ``… (N lines)``.

    >>> describe_lines([1, 2, 3, 7, 9, 10])
    '1-3, 7, 9-10'
    >>> describe_lines(range(2, 100, 2), limit=3)
    '2, 4, 6, … (49 lines)'
    """
    numbers = sorted(int(n) for n in numbers)
    ranges: list[list[int]] = []
    for n in numbers:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    parts = [f"{a}-{b}" if b > a else f"{a}" for a, b in ranges[:limit]]
    text = ", ".join(parts)
    return text + (f", … ({len(numbers):,} lines)" if len(ranges) > limit else "")
