"""Sources and joins: exports that come as several files.

A mapping's ``[sources.<name>]`` are files that are not contract tables by themselves:
the closed deals of a marketing funnel, a products price list. Their files are claimed
by name (``files`` globs) before the other files are assigned to tables, so they are
never stacked into a table. ``[[joins]]`` then extends every file of a table with the
columns of a source, row by row, matched on key columns:

* ``how = "left"`` (default) keeps every row of the table's file; rows with no partner
  get empty source columns. ``how = "inner"`` keeps only rows with a partner; the others
  are quarantined (check ``join_unmatched``) naming the key, so rows read = rows loaded
  + rows quarantined still holds.
* Keys are compared as text, trimmed; an empty key matches nothing.
* A source key that occurs on several rows would multiply the table's rows: that is an
  error naming the file, the key and the rows, unless the join says ``many = true``
  (one row of the table then becomes one row per partner).
* Source rows that no row of the table matches are counted in a warning.

The joined file keeps the left file's name and row numbers, so the quarantine and the
skipped lines still point at the line of the file the user can open.

Examples
--------
>>> import pandas as pd
>>> from workbench.io.crm.files import ExportTable
>>> from workbench.io.crm.mapping import Join
>>> leads = ExportTable("leads.csv", ("mql_id", "origin"),
...                     pd.DataFrame({0: ["a", "b", "c"], 1: ["search", "social", "email"]}, index=[2, 3, 4]))
>>> deals = ExportTable("closed_deals.csv", ("mql_id", "sr_id"), pd.DataFrame({0: ["b"], 1: ["rep-9"]}, index=[2]))
>>> joined = join_export(leads, deals, Join("opportunities", "closed", ("mql_id",), ("mql_id",)), [], [])
>>> joined.headers, joined.data[2].fillna("(none)").tolist()
(('mql_id', 'origin', 'sr_id'), ['(none)', 'rep-9', '(none)'])
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import DataError, MappingError
from workbench.io._fast import text_series
from workbench.io.crm.files import ExportTable, normalize_header
from workbench.io.crm.mapping import Join, Mapping

__all__ = ["claim_source_files", "stack_exports", "join_export", "apply_joins", "unmatched_rows", "UNMATCHED"]

#: Header of the hidden column that carries, on the rows of an inner join without a
#: partner, why they are quarantined.
UNMATCHED = "_join_unmatched"


def claim_source_files(paths, m: Mapping) -> tuple[dict, list]:
    """Split ``paths`` into the files of each source (by its ``files`` globs) and the rest.

    Raises
    ------
    DataError
        If a source that a join or lookup needs has no file among ``paths``.
    """
    claimed: dict[str, list[Path]] = {name: [] for name in m.sources}
    rest = []
    for path in paths:
        owner = next((name for name, src in m.sources.items()
                      if any(fnmatch.fnmatch(Path(path).name.lower(), g.lower()) for g in src.files)), None)
        (claimed[owner] if owner else rest).append(Path(path))
    for name, files in claimed.items():
        if not files:
            raise DataError(
                f"{m.source}: [sources.{name}] matches none of the files given "
                f"({', '.join(Path(p).name for p in paths) or 'none'}); its files = "
                f"{list(m.sources[name].files)}. Add the file, or fix the glob."
            )
    return claimed, rest


def stack_exports(exports: list[ExportTable]) -> tuple[ExportTable, list]:
    """One ExportTable from several files of the same source (columns aligned by header);
    also returns the file of each row, in order."""
    first = exports[0]
    if len(exports) == 1:
        return first, [first.file] * len(first.data)
    names = [normalize_header(h) for h in first.headers]
    parts, files = [], []
    for e in exports:
        pos = {normalize_header(h): i for i, h in reversed(list(enumerate(e.headers)))}
        missing = [h for h, n in zip(first.headers, names) if n not in pos]
        if missing:
            raise DataError(f"{e.file}: lacks the column(s) {missing} that {first.file} has; files of one source "
                            "must share their headers", file=e.file)
        part = pd.DataFrame({i: e.data[pos[n]] for i, n in enumerate(names)}, index=e.data.index)
        parts.append(part)
        files.extend([e.file] * len(part))
    data = pd.concat(parts)
    skipped = [s for e in exports for s in e.skipped]
    return ExportTable(" + ".join(e.file for e in exports), first.headers, data, skipped, first.encoding,
                       first.header_row), files


def _key_positions(export: ExportTable, headers, join: Join, side: str, m_source: str) -> list[int]:
    positions = []
    for header in headers:
        found = export.positions(header)
        if not found:
            raise MappingError(
                f"{m_source}: {join.key} {side} key {header!r} is not a column of {export.file}; columns: "
                f"{', '.join(map(repr, export.headers))}", file=m_source, key=join.key)
        positions.append(found[0])
    return positions


def _keys(export: ExportTable, positions) -> pd.Series:
    """One key per row: the key cells trimmed (joined by U+001F when there are several);
    ``""`` when any key cell is empty."""
    key, empty = None, None
    for pos in positions:
        column = export.data[pos]
        if _arrow_text(column):  # trimmed in Arrow, no Python text per cell
            arr = pa.array(column, from_pandas=True)
            arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
            text = text_series(pc.utf8_trim_whitespace(arr.fill_null("")), column.index)
        else:
            text = column.fillna("").astype("str").str.strip()
        blank = text.eq("").to_numpy()
        key = text if key is None else key + "\x1f" + text
        empty = blank if empty is None else empty | blank
    key = key.reset_index(drop=True)
    return key.where(~empty, "") if empty.any() else key


def _arrow_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"


def _shown(key: str, join: Join) -> str:
    parts = key.split("\x1f")
    return " + ".join(map(repr, parts)) if any(parts) else "(empty)"


def join_export(left: ExportTable, right: ExportTable, join: Join, warnings: list, notes: list,
                right_files=None, m_source: str = "<mapping>") -> ExportTable:
    """``left`` extended with the columns of ``right`` on the join's keys.

    Returns the joined :class:`ExportTable` (``left``'s file name, row numbers and skipped
    lines). For an inner join, the left rows without a partner stay in it, with their
    reason in the hidden column :data:`UNMATCHED`, so that the importer quarantines them
    (:func:`unmatched_rows`).

    Raises
    ------
    DataError
        If a key occurs on several rows of ``right`` and the join does not say
        ``many = true``.
    """
    lpos = _key_positions(left, join.left_on, join, "left", m_source)
    rpos = _key_positions(right, join.right_on, join, "right", m_source)
    right_files = right_files or [right.file] * len(right.data)
    lk, rk = _keys(left, lpos), _keys(right, rpos)
    r_present = rk.ne("").to_numpy()
    r_index = np.flatnonzero(r_present)
    present_keys = pa.array(rk[r_present], from_pandas=True)
    repeated = len(present_keys) and pc.count_distinct(present_keys).as_py() < len(present_keys)
    dup = rk[r_present].duplicated(keep=False).to_numpy() if repeated else np.zeros(len(r_index), dtype=bool)
    if dup.any() and not join.many:
        first = rk.iloc[r_index[dup][0]]
        rows = np.flatnonzero(rk.eq(first).to_numpy())
        where = ", ".join(f"{right_files[i]} row {int(right.data.index[i])}" for i in rows[:5])
        raise DataError(
            f"{right.file}: key {' + '.join(join.right_on)} = {_shown(first, join)} occurs on "
            f"{len(rows)} rows ({where}); {int(dup.sum())} row(s) share a key in all. A join on it would "
            f"repeat the {left.file} row. Remove the duplicates, or set many = true in {join.key} to keep one "
            "row per match.", file=right.file)
    if join.many and dup.any():
        pairs = pd.DataFrame({"k": lk, "_l": np.arange(len(lk))}).merge(
            pd.DataFrame({"k": rk[r_present].to_numpy(), "_r": r_index}), on="k", how="left", sort=False)
        li = pairs["_l"].to_numpy()
        ri = pairs["_r"].to_numpy()
        matched = ~np.isnan(ri) & lk.ne("").to_numpy()[li]
        ri = np.where(matched, ri, 0).astype(np.int64)
    else:
        found = np.asarray(pc.index_in(pa.array(lk, from_pandas=True), value_set=pa.array(rk[r_present], from_pandas=True))
                           .fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        li = np.arange(len(lk))
        matched = found >= 0
        ri = np.where(matched, r_index[np.maximum(found, 0)], 0) if len(r_index) else np.zeros(len(lk), np.int64)
    data = left.data.iloc[li] if len(li) != len(lk) else left.data
    data = data.set_axis(range(len(left.headers)), axis=1)
    keep_right = [i for i in range(len(right.headers)) if i not in rpos]
    n = len(left.headers)
    take = pa.array(ri, type=pa.int64(), mask=~matched)  # unmatched rows take an empty cell
    for j, pos in enumerate(keep_right):
        if not len(right.data):
            column = pd.Series(None, index=range(len(li)), dtype="object").where(matched)
        elif _arrow_text(right.data[pos]):
            column = pd.Series(pa.array(right.data[pos], from_pandas=True).take(take), dtype=right.data[pos].dtype)
        else:
            column = right.data[pos].iloc[ri].set_axis(data.index).where(matched)
        data[n + j] = column.set_axis(data.index)
    headers = tuple(left.headers) + tuple(right.headers[i] for i in keep_right)
    joined = ExportTable(left.file, headers, data, list(left.skipped), left.encoding, left.header_row)
    unmatched_left = np.ones(len(lk), bool)
    unmatched_left[li[matched]] = False
    n_unmatched = int(unmatched_left.sum())
    used_right = np.zeros(len(right.data), bool)
    used_right[ri[matched]] = True
    orphans = int((~used_right & r_present).sum())
    notes.append(f"{left.file} {join.how}-joined with {right.file} on {' + '.join(join.left_on)}: "
                 f"{int((~unmatched_left).sum())} of {len(lk)} row(s) matched"
                 + (f", {len(li) - len(lk)} row(s) added by one-to-many matches" if len(li) > len(lk) else ""))
    if orphans:
        sample = ", ".join(f"{right_files[i]} row {int(right.data.index[i])}"
                           for i in np.flatnonzero(~used_right & r_present)[:3])
        warnings.append(f"{right.file}: {orphans} row(s) match no row of {left.file} on "
                        f"{' + '.join(join.right_on)} and were not used ({sample}{', ...' if orphans > 3 else ''})")
    empty_right = int((~r_present).sum())
    if empty_right:
        warnings.append(f"{right.file}: {empty_right} row(s) have an empty {' + '.join(join.right_on)} and match nothing")
    if join.how == "inner" and n_unmatched:
        keys = lk.to_numpy(dtype=object)
        reasons = np.full(len(li), None, object)
        for pos in np.flatnonzero(~matched):
            reasons[pos] = (f"no row of {right.file} has {' + '.join(join.right_on)} = {_shown(keys[li[pos]], join)} "
                            f"(inner join in {join.key})")
        if UNMATCHED in left.headers:  # an earlier join's reason comes first
            earlier = data[left.headers.index(UNMATCHED)].to_numpy(dtype=object)
            data[left.headers.index(UNMATCHED)] = np.where(pd.notna(earlier), earlier, reasons)
        else:
            data[len(headers)] = pd.Series(reasons, index=data.index, dtype="object")
            headers = headers + (UNMATCHED,)
        joined = ExportTable(left.file, headers, data, list(left.skipped), left.encoding, left.header_row)
    elif n_unmatched:
        notes.append(f"{left.file}: {n_unmatched} row(s) have no partner in {right.file} (left join: kept, its "
                     "columns empty)")
    return joined


def apply_joins(assigned: dict, sources: dict, m: Mapping, warnings: list, notes: list) -> dict:
    """Apply the mapping's joins to the files assigned to each table; returns the new
    assignment. ``sources`` maps a source name to ``(ExportTable, file of each row)``."""
    out = {t: list(es) for t, es in assigned.items()}
    for join in m.joins:
        if join.table not in out:
            continue
        right, files = sources[join.source]
        out[join.table] = [join_export(e, right, join, warnings, notes, files, m.source) for e in out[join.table]]
    return out


def unmatched_rows(exports) -> list[tuple[int, str]]:
    """``(position in the stacked rows of exports, reason)`` for the rows an inner join
    left without a partner (the order in which the importer stacks a table's files)."""
    out, offset = [], 0
    for e in exports:
        if UNMATCHED in e.headers:
            reasons = e.data[e.headers.index(UNMATCHED)].to_numpy(dtype=object)
            out.extend((offset + int(i), reasons[i]) for i in np.flatnonzero(pd.notna(reasons)))
        offset += len(e.data)
    return out
