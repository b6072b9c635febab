"""Input limits: how big a file the readers accept, checked before memory is spent.

Every reader checks the file it is given against the limits in force *before* it reads
the body: the file's size (from the file system), the header's number of columns
(counted while streaming the header line), the number of cells (lines x columns, from a
streaming line count), the longest line, and for workbooks the expanded (uncompressed)
size of the sheet and its shared strings (from the zip directory). A file over a limit
is refused with a :class:`~workbench.errors.DataError` naming the file, the limit and
how to raise it. A single cell over ``max_cell_chars`` does not stop loading: its row is
quarantined with that reason.

The defaults never block a real CRM export (ten million rows of 50 columns, 2,000
columns) and keep memory bounded for the rest. Raise a limit three ways, most specific
first:

- ``workbench.load(folder, limits={"max_file_bytes": 8 << 30})`` (or an
  :class:`InputLimits`); it applies to every file that call reads;
- the environment, e.g. ``WORKBENCH_MAX_FILE_BYTES=8GB`` (every limit has one:
  ``WORKBENCH_`` + the field name upper-cased; sizes accept ``KB``, ``MB``, ``GB``);
- ``workbench.io.limits.LIMITS``, the process-wide defaults (replace it with
  ``LIMITS.replace(...)``).

Examples
--------
>>> limits = resolve_limits({"max_columns": 50})
>>> limits.max_columns, limits.max_file_bytes == LIMITS.max_file_bytes
(50, True)
>>> resolve_limits({"max_colums": 50})
Traceback (most recent call last):
...
ValueError: unknown input limit 'max_colums'; expected one of max_file_bytes, max_columns, max_cells, max_cell_chars, max_line_bytes, max_xlsx_expanded_bytes.
>>> parse_size("1.5GB"), parse_size("2000")
(1610612736, 2000)
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
from dataclasses import dataclass, fields, replace

__all__ = ["InputLimits", "LIMITS", "resolve_limits", "using_limits", "current_limits", "parse_size", "check_file_size",
           "format_size", "limit_hint"]


@dataclass(frozen=True)
class InputLimits:
    """The input limits in force.

    Attributes
    ----------
    max_file_bytes : int
        Largest file read (any format), in bytes. Default 4 GiB.
    max_columns : int
        Most columns in a header row (CSV, workbook, Parquet). Default 2,000.
    max_cells : int
        Most cells in one table file: data lines x columns for text files, sheet
        dimension for workbooks, rows x columns for Parquet. Default 500,000,000 (10 million rows x 50
        columns).
    max_cell_chars : int
        Longest cell, in characters; a longer cell quarantines its row. Default 1,000,000.
    max_line_bytes : int
        Longest physical line of a text file, in bytes; a longer line refuses the file
        (it is not a table: a sparse or binary file, or a broken export). Default 64 MiB.
    max_xlsx_expanded_bytes : int
        Largest uncompressed size of the sheets and shared strings of an ``.xlsx`` /
        ``.xlsm`` / ``.ods`` (a small zip can expand a thousand-fold). Default 256 MiB
        (about 100,000 rows x 60 columns; bigger tables belong in CSV or Parquet).
    """

    max_file_bytes: int = 4 << 30
    max_columns: int = 2_000
    max_cells: int = 500_000_000
    max_cell_chars: int = 1_000_000
    max_line_bytes: int = 64 << 20
    max_xlsx_expanded_bytes: int = 256 << 20

    def replace(self, **changes) -> "InputLimits":
        """A copy with some limits changed (unknown names raise ``ValueError``)."""
        return resolve_limits(changes, base=self)


#: The process-wide defaults (before environment overrides are applied by :func:`current_limits`).
LIMITS = InputLimits()

_FIELDS = tuple(f.name for f in fields(InputLimits))
_CURRENT: contextvars.ContextVar[InputLimits | None] = contextvars.ContextVar("workbench_input_limits",
                                                                               default=None)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
          "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40}


def parse_size(text) -> int:
    """A count or size as written by a person: ``5000``, ``5_000``, ``64MB``, ``1.5 GB`` (binary units)."""
    if isinstance(text, bool):
        raise ValueError(f"expected a number, got {text!r}")
    if isinstance(text, (int, float)):
        value = int(text)
    else:
        match = re.fullmatch(r"\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
        unit = match.group(2).lower() if match else None
        if not match or unit not in _UNITS:
            raise ValueError(f"expected a number such as 5000 or 64MB, got {text!r}")
        value = int(float(match.group(1).replace("_", "").replace(",", "")) * _UNITS[unit])
    if value <= 0:
        raise ValueError(f"expected a positive limit, got {text!r}")
    return value


def format_size(n: int) -> str:
    """Bytes as a short human size (``64 MiB``)."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n:,} bytes"


def resolve_limits(limits=None, *, base: InputLimits | None = None) -> InputLimits:
    """The limits to use: ``limits`` (an :class:`InputLimits`, a dict of changes or None) over ``base``.

    ``base`` defaults to :func:`current_limits` (the innermost :func:`using_limits`, else
    :data:`LIMITS` with environment overrides).
    """
    if isinstance(limits, InputLimits):
        return limits
    start = base if base is not None else current_limits()
    if limits is None:
        return start
    if not hasattr(limits, "items"):
        raise TypeError(f"limits must be an InputLimits or a dict of limits; got {type(limits).__name__}.")
    changes = {}
    for name, value in limits.items():
        if name not in _FIELDS:
            raise ValueError(f"unknown input limit {name!r}; expected one of {', '.join(_FIELDS)}.")
        changes[name] = parse_size(value)
    return replace(start, **changes)


def _from_environment(base: InputLimits) -> InputLimits:
    changes = {}
    for name in _FIELDS:
        raw = os.environ.get(f"WORKBENCH_{name.upper()}")
        if raw:
            try:
                changes[name] = parse_size(raw)
            except ValueError as err:
                from workbench.errors import DataError  # a ValueError the commands report as a message

                raise DataError(f"environment variable WORKBENCH_{name.upper()}: {err}; unset it or give "
                                f"a number such as 5000 or 8GB.") from None
    return replace(base, **changes) if changes else base


def current_limits() -> InputLimits:
    """The limits in force here: the innermost :func:`using_limits`, else LIMITS + environment."""
    active = _CURRENT.get()
    return active if active is not None else _from_environment(LIMITS)


@contextlib.contextmanager
def using_limits(limits=None):
    """Apply ``limits`` (InputLimits, dict of changes or None) to every read inside the ``with`` block.

    >>> with using_limits({"max_columns": 10}):
    ...     current_limits().max_columns
    10
    """
    token = _CURRENT.set(resolve_limits(limits))
    try:
        yield current_limits()
    finally:
        _CURRENT.reset(token)


def limit_hint(name: str, value: int) -> str:
    """How to raise limit ``name``: the sentence every limit error ends with."""
    shown = format_size(value) if name.endswith("bytes") else f"{value:,}"
    return (f"The limit is {name} = {shown}; to read the file anyway, raise it with "
            f"workbench.load(..., limits={{{name!r}: ...}}) or the environment variable "
            f"WORKBENCH_{name.upper()} (see docs/data.md, 'Limits and bad lines').")


def check_file_size(path, limits: InputLimits) -> None:
    """Refuse a file larger than ``limits.max_file_bytes`` (from the file system; nothing is read).

    Raises
    ------
    DataError
        Naming the file, its size, the limit and how to raise it.
    """
    from pathlib import Path

    from workbench.errors import DataError

    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DataError(f"{path}: the file is {format_size(size)}, more than {format_size(limits.max_file_bytes)}. "
                        + limit_hint("max_file_bytes", limits.max_file_bytes), file=path)
