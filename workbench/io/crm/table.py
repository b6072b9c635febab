"""One table of an import: export columns → typed, mapped fields.

:func:`build_table` takes the files assigned to one contract table and applies the
table's mapping: pick each field's column (first candidate header found, ``occurrence``
among duplicates), trim and blank out null markers, set constants, apply value maps,
parse numbers and dates (rows whose *required* value cannot be read are quarantined
here, with the header named), fill defaults and run the mapping's derivations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.contract import TABLES
from workbench.errors import MappingError
from workbench.io._fast import TEXT_DTYPE, is_arrow_text
from workbench.io.crm.derive import hash_ids, make_ids
from workbench.io.crm.files import ExportTable, normalize_header
from workbench.io.crm.mapping import ColumnSpec, Mapping, TableMapping, allowed_fields, did_you_mean
from workbench.io.parsing import parse_datetimes, parse_numbers

__all__ = ["TableWork", "build_table", "fill", "missing_message", "SRC_FILE", "SRC_ROW", "VALUE_MAP_COLUMNS"]

#: Columns of the value-map counts (:attr:`ImportResult.value_maps`): how each value was mapped.
VALUE_MAP_COLUMNS = ["table", "field", "source", "value", "mapped", "rule", "rows"]

SRC_FILE, SRC_ROW = "_source_file", "_source_row"
ROW_ERROR = "_row_error"  # set by workbench.io.readers on rows it could not split cleanly
_CODE = re.compile(r"^\s*([A-Z]{3})\s+(.+)$|^(.+?)\s+([A-Z]{3})\s*$")


@dataclass
class TableWork:
    """Working state of one table while it is being imported."""

    table: str
    data: pd.DataFrame  # one column per field (text Arrow-backed, numbers, dates), plus _source_file/_source_row
    found: dict  # field -> "header" or description, for the report
    quarantine: list = field(default_factory=list)  # dicts with QUARANTINE_COLUMNS
    dropped: set = field(default_factory=set)  # index labels quarantined by the importer
    rows_read: int = 0
    mapped_values: list = field(default_factory=list)  # value-map counts: dicts with VALUE_MAP_COLUMNS


def _strings(series: pd.Series, nulls) -> pd.Series:
    """Trimmed text, missing for empty cells and null markers, as Arrow-backed ``str``.

    The text stays in Arrow from here through value maps, lookups, parsing and
    expressions to validation; it is never turned into Python objects row by row.

    >>> _strings(pd.Series([" Won ", " ", "N/A", None, "x"], dtype="object"), {"", "n/a"}).tolist()
    ['Won', nan, nan, nan, 'x']
    """
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arr = pa.array(series, from_pandas=True)
    else:  # cells of a spreadsheet or a frame: each as the text it shows
        missing = series.isna().to_numpy()
        arr = pa.array(series.fillna("").astype("str"), from_pandas=True)
        if missing.any():
            arr = pc.if_else(pa.array(missing), pa.scalar(None, arr.type), arr)
    return pd.Series(pd.array(_trimmed_text(arr, nulls), dtype=TEXT_DTYPE), index=series.index)


def _trimmed_text(arr: pa.Array, nulls) -> pa.Array:
    """``arr`` trimmed (as ``str.strip``), null where empty, missing or a null marker
    (case-insensitive; each distinct short value is looked up once)."""
    arr = arr.cast(pa.large_string())
    text = pc.utf8_trim_whitespace(arr)
    null = np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    # casefolding never shortens text, so only cells as short as the longest null marker can be one
    longest = max((len(n) for n in nulls), default=0)
    short = np.asarray(pc.less_equal(pc.utf8_length(text), longest).fill_null(False)
                       .to_numpy(zero_copy_only=False), dtype=bool)
    if short.any():
        candidates = text.filter(pa.array(short))
        markers = set(nulls)
        hits = [v for v in pc.unique(candidates).to_pylist() if v is not None and v.casefold() in markers]
        if hits:
            null[np.flatnonzero(short)] |= np.asarray(
                pc.is_in(candidates, value_set=pa.array(hits, type=candidates.type)).fill_null(False)
                .to_numpy(zero_copy_only=False), dtype=bool)
    if not null.any():
        return text
    return pc.if_else(pa.array(null), pa.scalar(None, text.type), text)


def _extract(tm: TableMapping, exports: list[ExportTable], m: Mapping, warnings: list):
    """Pull each field's text out of each file; report missing/duplicate headers."""
    parts, found, usage = [], {}, []
    missing_everywhere = set(tm.columns)
    for export in exports:
        cols = {}
        for fld, spec in tm.columns.items():
            chosen = None
            for header in spec.headers:
                positions = export.positions(header)
                if len(positions) >= spec.occurrence:
                    chosen = (header, positions)
                    break
            if chosen is None:
                continue
            header, positions = chosen
            pos = positions[spec.occurrence - 1]
            written = export.headers[pos]
            if len(positions) > 1 and spec.occurrence == 1:
                warnings.append(
                    f"{export.file}: header {written!r} occurs {len(positions)} times (columns "
                    f"{', '.join(str(p + 1) for p in positions)}); {tm.name}.{fld} uses column {pos + 1}. "
                    f"Set occurrence = 2 in {spec.key or f'[tables.{tm.name}.columns]'} to use the next one."
                )
            cols[fld] = export.data[pos]
            found[fld] = written
            usage.append({"table": tm.name, "field": fld, "file": export.file, "header": written, "column": pos + 1})
            missing_everywhere.discard(fld)
        # text columns stay Arrow-backed until _strings trims them; other types become objects
        frame = pd.DataFrame({fld: col if isinstance(col.dtype, pd.StringDtype) else col.astype("object")
                              for fld, col in cols.items()}, index=export.data.index)
        if ROW_ERROR in export.headers:  # the reader could not split these rows cleanly
            frame[ROW_ERROR] = export.data[export.headers.index(ROW_ERROR)].to_numpy()
        frame[SRC_FILE] = export.file
        frame[SRC_ROW] = export.data.index.to_numpy()
        parts.append(frame)
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return data, found, usage, missing_everywhere


def missing_message(m: Mapping, tm: TableMapping, fld: str, exports) -> str:
    spec = tm.columns[fld]
    headers = [h for e in exports for h in e.headers]
    wanted = list(spec.headers)
    hints = set()
    for w in wanted:
        norm = {normalize_header(h): h for h in headers}
        close = did_you_mean(normalize_header(w), list(norm))
        if close:
            hints.add(norm[close.split("'")[1]])
    files = ", ".join(e.file for e in exports)
    refers = f"column {wanted[0]!r}" if len(wanted) == 1 else f"columns {wanted}"
    text = (
        f"{m.source}: {spec.key or f'[tables.{tm.name}.columns] {fld!r}'} refers to {refers}, which "
        f"{'is' if len(wanted) == 1 else 'are'} not in {files}; columns found: {', '.join(map(repr, dict.fromkeys(headers)))}"
    )
    if hints:
        text += f" (did you mean {' or '.join(map(repr, sorted(hints)))}?)"
    return text


def _currency_in_cells(text: pd.Series, symbols: dict) -> pd.Series:
    """ISO code or symbol written in the amount cells ('EUR 1,200.00', '￥1,234.50')."""
    # only cells with something besides digits and separators can name a currency (a code
    # or a symbol is such a thing whether digits and spaces are read as ASCII or Unicode)
    if is_arrow_text(text):  # empty cells are missing: they name nothing
        maybe = pd.Series(np.asarray(pc.match_substring_regex(pa.array(text, from_pandas=True), r"[^\d\s.,()+\-]")
                                     .fill_null(False).to_numpy(zero_copy_only=False), dtype=bool), index=text.index)
        if not maybe.any():
            return pd.Series(None, index=text.index, dtype="object")
    cells = text.astype("str").where(text.notna(), "")
    maybe = pd.Series(np.asarray(pc.match_substring_regex(pa.array(cells, from_pandas=True), r"[^\d\s.,()+\-]")
                                 .fill_null(False).to_numpy(zero_copy_only=False), dtype=bool), index=text.index)
    if not maybe.all():
        out = pd.Series(None, index=text.index, dtype="object")
        if maybe.any():
            out[maybe] = _currency_in_cells(text[maybe], symbols)
        return out
    found = cells.str.extract(_CODE)
    code = found[0].where(found[0].notna(), found[3])
    for sym, iso in symbols.items():
        code = code.where(code.notna() | ~cells.str.contains(sym, regex=False), iso)
    return code.astype("object").where(code.notna(), None)


def _parse_field(work: TableWork, fld: str, spec: ColumnSpec | None, ftype: str, m: Mapping, warnings, header):
    text = work.data[fld]
    if ftype == "number":
        values, invalid = parse_numbers(text)
    elif ftype in ("date", "datetime"):
        formats = list(spec.formats if spec and spec.formats else m.parse.date_formats) or None
        dayfirst = spec.day_first if spec and spec.day_first is not None else m.parse.day_first
        values, invalid = parse_datetimes(text, formats, dayfirst=dayfirst)
        if ftype == "date":
            values = values.dt.normalize()
    else:
        return
    invalid = invalid & text.notna()
    if invalid.any():
        contract = TABLES[work.table]
        required = fld in contract.column_names and not contract.column(fld).nullable
        kind = "a number" if ftype == "number" else "a date"
        where = work.data.loc[invalid]
        if required:
            for idx, row in where.iterrows():
                if idx in work.dropped:  # one quarantine entry per row: its first problem
                    continue
                work.quarantine.append(
                    {"table": work.table, "file": row[SRC_FILE], "row": int(row[SRC_ROW]), "column": fld,
                     "value": str(row[fld]), "reason": f"cannot read {row[fld]!r} in column {header!r} as {kind}",
                     "check": "unparseable_number" if ftype == "number" else "unparseable_date"}
                )
                work.dropped.add(idx)
        else:
            sample = ", ".join(f"{r[SRC_FILE]} row {int(r[SRC_ROW])}: {r[fld]!r}" for _, r in where.head(3).iterrows())
            warnings.append(
                f"{work.table}.{fld}: {int(invalid.sum())} value(s) in column {header!r} could not be read as "
                f"{kind} and were left empty ({sample}{', ...' if invalid.sum() > 3 else ''})"
                + ("; set formats = [...] for this column" if ftype != "number" else "")
            )
    work.data[fld] = values


def _default_value(value, ftype):
    if ftype == "number":
        return float(value)
    if ftype in ("date", "datetime"):
        parsed, bad = parse_datetimes(pd.Series([str(value)], dtype="object"))
        return parsed.iloc[0]
    return str(value)


def _fill_default(work: TableWork, fld: str, default) -> None:
    """Fill the empty cells of ``fld`` with a column's ``default``: in place for text and
    numbers (the column keeps its type), else as :func:`fill` with a column of the value."""
    column = work.data[fld] if fld in work.data else None
    if column is not None and ((is_arrow_text(column) and isinstance(default, str))
                               or (column.dtype.kind == "f" and isinstance(default, float))):
        work.data[fld] = column.where(column.notna(), default)
    else:
        fill(work, fld, pd.Series(default, index=work.data.index, dtype="object"))


def _apply_values(work: TableWork, tm: TableMapping, report: list):
    for fld, vm in tm.values.items():
        if vm.source not in work.data:
            report.append(f"{tm.name}.{fld}: {vm.key} reads {vm.source!r}, which no column of the file provides; "
                          "the value map was not applied")
            continue
        src = work.data[vm.source]
        distinct = pd.unique(src[src.notna()])
        explained = {v: vm.explain(v) for v in distinct}
        lookup = {v: out for v, (out, _) in explained.items()}
        mapped = src.map(lookup).astype("object")
        empty = src.isna()
        mapped = mapped.where(mapped.notna(), None)
        live = src[~src.index.isin(list(work.dropped))]
        counts = live.fillna("").value_counts(sort=False)
        for value, rows in counts.items():
            out, rule = explained[value] if value != "" else vm.explain(None)
            work.mapped_values.append({"table": tm.name, "field": fld, "source": vm.source,
                                       "value": value if value != "" else "(empty)", "mapped": out,
                                       "rule": rule, "rows": int(rows)})
        if fld in work.data and fld != vm.source:
            mapped = mapped.where(mapped.notna(), work.data[fld])
        elif fld == vm.source:
            mapped = mapped.where(mapped.notna(), src)  # unmatched values stay as written
        if vm.default is not None:  # an empty cell takes the default (unless the field has its own value)
            mapped = mapped.where(~(empty & mapped.isna()), vm.default)
        work.data[fld] = mapped
        work.found[fld] = f"{vm.source} through {vm.key}"
        unmatched = sorted(str(v) for v, out in lookup.items() if out is None)
        if unmatched:
            report.append(
                f"{tm.name}.{fld}: values of {vm.source} not matched by {vm.key}: "
                f"{', '.join(map(repr, unmatched[:10]))}{' ...' if len(unmatched) > 10 else ''}"
            )


def _derive(work: TableWork, tm: TableMapping, m: Mapping, notes: list, exports=()):
    export_date = None
    for fld, d in tm.derive.items():
        sources = [work.data[s] if s in work.data else pd.Series(None, index=work.data.index, dtype="object") for s in d.sources]
        if d.method == "expr":
            from workbench.io.crm.expressions import evaluate

            if d.expression.uses_export_date and export_date is None:
                from workbench.io.crm.missing import resolve_export_date

                live = work.data.drop(index=list(work.dropped)) if work.dropped else work.data
                export_date, how = resolve_export_date(m.export_date, exports, live, table=tm.name,
                                                       day_first=m.parse.day_first)
                notes.append(f"{tm.name}: export_date = {export_date:%Y-%m-%d} ({how})"
                             if pd.notna(export_date) else f"{tm.name}: export_date unknown")
            value = evaluate(d.expression, work.data, export_date=export_date)
        elif d.method == "coalesce":
            value = pd.Series(None, index=work.data.index, dtype="object")
            for s in sources:
                value = value.where(value.notna(), s)
        else:
            present = pd.concat(sources, axis=1).notna().any(axis=1)
            if d.method == "slug":
                joined = sources[0].astype("object").where(sources[0].notna(), "").astype("str")
                for extra in sources[1:]:
                    joined = joined + " " + extra.astype("object").where(extra.notna(), "").astype("str")
                value = make_ids(joined.str.strip().astype("object").where(present, None), "slug", d.prefix)
            else:
                value = hash_ids(sources, d.prefix).where(present, None)
        how = f"{d.method} of {', '.join(d.sources)}" if d.method != "expr" else f"expression {d.expression.text!r}"
        if fld in work.data and d.when == "missing":
            value = work.data[fld].where(work.data[fld].notna(), value)
            work.found[fld] = f"{work.found[fld]}, else {how}" if fld in work.found else how
        else:
            work.found[fld] = how
        work.data[fld] = value


def fill(work: TableWork, fld: str, value: pd.Series):
    """Fill the empty cells of ``fld`` with ``value`` (creating the field if absent)."""
    if fld in work.data:
        work.data[fld] = work.data[fld].where(work.data[fld].notna(), value)
    else:
        work.data[fld] = value


def build_table(tm: TableMapping, exports, m: Mapping, warnings: list, notes: list,
                sources=None) -> tuple[TableWork, list]:
    data, found, usage, missing = _extract(tm, exports, m, warnings)
    work = TableWork(tm.name, data, dict(found), rows_read=len(data))
    if ROW_ERROR in data:  # unbalanced quote, extra fields, oversized cell: quarantined, never loaded
        errors = data.pop(ROW_ERROR).fillna("").astype("str")
        for idx in errors.index[errors.ne("")]:
            work.quarantine.append({"table": work.table, "file": data.at[idx, SRC_FILE], "row": int(data.at[idx, SRC_ROW]),
                                    "column": "", "value": "", "reason": errors[idx], "check": "malformed_row"})
            work.dropped.add(idx)
    for fld in sorted(missing):
        spec = tm.columns[fld]
        if spec.required:
            raise MappingError(missing_message(m, tm, fld, exports), file=m.source, key=spec.key)
    nulls = set(m.parse.null_values)
    for fld, spec in tm.columns.items():
        if fld in work.data:
            work.data[fld] = _strings(work.data[fld], nulls)
            if spec.fill_down:  # grouped reports write a group's value on its first row only
                blank = work.data[fld].isna()
                work.data[fld] = work.data.groupby(SRC_FILE)[fld].ffill()
                filled = int((blank & work.data[fld].notna()).sum())
                if filled:
                    notes.append(f"{tm.name}.{fld}: {filled} empty cell(s) filled down from the row above (fill_down)")
    for fld, value in tm.constants.items():
        work.data[fld] = value if not hasattr(value, "isoformat") else pd.Timestamp(value)
        work.found[fld] = f"constant {value!r}"
    _apply_values(work, tm, notes)
    if sources is not None:  # fields looked up in another file ([sources.<name>])
        from workbench.io.crm.lookups import apply_lookups

        apply_lookups(work, tm, m, sources, warnings, notes)
    types = allowed_fields(tm.name)
    # amounts written with a currency ('EUR 1,200', '¥1,234.50'): remember the currency
    if "amount" in work.data and "currency" in types:
        in_cells = _currency_in_cells(work.data["amount"], dict(m.currency.symbols))
        fill(work, "currency", in_cells)
    for fld in list(work.data.columns):
        if fld in (SRC_FILE, SRC_ROW) or fld in tm.constants:
            continue
        spec = tm.columns.get(fld)
        ftype = spec.type if spec else types.get(fld, "str")
        _parse_field(work, fld, spec, ftype, m, warnings, work.found.get(fld, fld))
    for fld, spec in tm.columns.items():
        if spec.default is not None:
            default = _default_value(spec.default, spec.type)
            live = ~work.data.index.isin(list(work.dropped))
            before = int((work.data[fld].isna() & live).sum()) if fld in work.data else int(live.sum())
            _fill_default(work, fld, default)
            if before:
                notes.append(f"{tm.name}.{fld}: default {spec.default!r} used in {before} row(s)")
            work.found.setdefault(fld, f"default {spec.default!r}")
    _derive(work, tm, m, notes, exports)
    return work, usage


# ----------------------------------------------------------------------------- built-ins


