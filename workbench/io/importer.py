"""Import CRM exports through a mapping: files → contract tables → validated SalesData.

:func:`import_files` applies a :class:`~workbench.io.mapping.Mapping` (a preset or your
own TOML file) to export files and returns an :class:`ImportResult`: the validated
:class:`~workbench.io.sales_data.SalesData`, the lines that were not data, and a report
of what was matched, derived and rejected.

Steps, per contract table of the mapping:

1. **Files**: each file goes to the table whose ``files`` globs match its name, else to
   the table whose headers it matches best (``tables=`` forces it).
2. **Lines**: blank, summary ("Grand Totals", 合计) and footer lines are skipped and
   listed (:mod:`workbench.io.exports`).
3. **Columns**: each field takes the first candidate header found (case, spacing and
   punctuation ignored); ``occurrence`` picks among duplicate headers.
4. **Constants**, **value maps** (e.g. stage → outcome), **parsing** (numbers with
   currency symbols and thousands separators, dates in the mapping's formats or any
   common format), **defaults**, **derivations** (``slug``/``hash``/``coalesce``).
5. **Built-in derivations** for fields still empty: ``rep_id`` from ``owner``,
   ``account_id`` from ``account_name``, ``opportunity_id`` as a hash of deal name,
   account, owner and created date, ``outcome`` from the stage name, ``closed_at``
   from ``close_date`` for won/lost deals and ``expected_close`` for open ones,
   ``activity_id`` as a hash, ``activities.opportunity_id`` from the deal name,
   ``first_touch_at`` as the deal's earliest activity, and the ``reps`` table from the
   owners (team/region from ``owner_team``/``owner_region`` or ``[reps]`` defaults).
6. **Currency**: amounts are converted to ``[currency] reporting`` with ``rates``.
7. **Validation** by :func:`workbench.io.validate.validate_tables`; rows the importer
   itself could not read (an unreadable required date, an amount in a currency with no
   rate) join the same quarantine, so rows read = rows loaded + rows quarantined.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from workbench.contract import TABLES
from workbench.errors import DataError
from workbench.io.derive import generic_activity_type, generic_outcome, hash_id, hash_ids, make_ids
from workbench.io.exports import DEFAULT_SKIP_PATTERNS, ExportTable, normalize_header, read_export
from workbench.io.mapping import (
    ColumnSpec,
    Mapping,
    MappingError,
    TableMapping,
    did_you_mean,
    load_mapping,
    load_preset,
    normalize_value,
)
from workbench.io.parsing import parse_datetimes, parse_numbers
from workbench.io.sales_data import QUARANTINE_COLUMNS, SalesData

__all__ = ["ImportResult", "import_files", "resolve_mapping", "SKIPPED_COLUMNS"]

#: Columns of :attr:`ImportResult.skipped`.
SKIPPED_COLUMNS = ["file", "row", "reason", "text"]
_SRC_FILE, _SRC_ROW = "_source_file", "_source_row"
_CODE = re.compile(r"^\s*([A-Z]{3})\s+(.+)$|^(.+?)\s+([A-Z]{3})\s*$")
_FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
_TABLE_SUFFIXES = _FILE_SUFFIXES + (".parquet", ".pq", ".ods", ".toml")


@dataclass(frozen=True)
class ImportResult:
    """What an import produced.

    Attributes
    ----------
    data : SalesData
        The validated tables and the quarantine.
    skipped : pandas.DataFrame
        Lines that were not data (``file``, ``row``, ``reason``, ``text``): blank,
        title, summary and footer lines.
    columns : pandas.DataFrame
        Which header fed each field: ``table``, ``field``, ``file``, ``header``.
    warnings : tuple of str
        Things the user should know (columns not found, unmapped stages, mixed
        currencies, activities whose deal was not found, ...).
    report : str
        The human-readable import and data-quality report.
    """

    data: SalesData
    skipped: pd.DataFrame
    columns: pd.DataFrame
    warnings: tuple
    report: str
    mapping_name: str = ""

    def write(self, out_dir) -> list[Path]:
        """Write the contract tables as CSV files (and ``stages.csv``, the funnel order,
        when known) plus ``quality_report.txt``, ``quarantine.csv`` and
        ``skipped_rows.csv`` to ``out_dir``; returns the paths written.

        ``workbench.load(out_dir)`` reads the folder back.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        ours = {f"{name}.csv" for name in self.data.tables} | ({"stages.csv"} if self.data.stages else set())
        stale = sorted(
            p.name for p in out.iterdir()
            if p.is_file() and p.name not in ours and p.suffix.lower() in _TABLE_SUFFIXES
            and p.stem.strip().lower() in set(TABLES) | {"stages"}
        )
        if stale:
            raise DataError(
                f"{out}: already holds {', '.join(stale)}, which this import does not write; "
                f"workbench.load({str(out)!r}) would mix {'it' if len(stale) == 1 else 'them'} in. "
                "Write to an empty folder, or remove those files first.",
                file=out,
            )
        written = []
        for name, frame in self.data.tables.items():
            path = out / f"{name}.csv"
            frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
            written.append(path)
        if self.data.stages:
            stages = pd.DataFrame({"stage": list(self.data.stages), "order": range(1, len(self.data.stages) + 1)})
            stages.to_csv(out / "stages.csv", index=False)
            written.append(out / "stages.csv")
        for name, frame in (("quarantine.csv", self.data.quarantine), ("skipped_rows.csv", self.skipped)):
            frame.to_csv(out / name, index=False)
            written.append(out / name)
        (out / "quality_report.txt").write_text(self.report, encoding="utf-8")
        written.append(out / "quality_report.txt")
        return written


def resolve_mapping(preset=None, mapping=None) -> Mapping:
    """The :class:`Mapping` for ``preset`` (a name) or ``mapping`` (a path or Mapping)."""
    if (preset is None) == (mapping is None):
        raise MappingError("give exactly one of preset=... (salesforce, hubspot, zoho, jiandaoyun) or mapping=... (a TOML file)")
    if preset is not None:
        return load_preset(preset)
    if isinstance(mapping, Mapping):
        return mapping
    return load_mapping(mapping)


# ----------------------------------------------------------------------------- files


def _expand(files) -> list[Path]:
    if isinstance(files, (str, Path)):
        files = [files]
    out = []
    for f in files:
        p = Path(f)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in _FILE_SUFFIXES))
        else:
            out.append(p)
    if not out:
        raise DataError("no export files given (expected .csv, .txt, .tsv or .xlsx files or a folder of them)")
    return out


def _patterns(m: Mapping, table: str) -> tuple:
    opts = m.read_options(table)
    return (DEFAULT_SKIP_PATTERNS if opts.skip_default_patterns else ()) + tuple(opts.skip_rows_matching)


def _read(path: Path, m: Mapping, table: str | None, expected) -> ExportTable:
    opts = m.read_options(table) if table else m.read
    return read_export(
        path,
        expected_headers=expected,
        encoding=None if opts.encoding == "auto" else opts.encoding,
        delimiter=None if opts.delimiter == "auto" else opts.delimiter,
        sheet=opts.sheet,
        header_row=None if opts.header_row == "auto" else opts.header_row,
        skip_patterns=_patterns(m, table) if table else (DEFAULT_SKIP_PATTERNS + tuple(opts.skip_rows_matching)),
        footer=opts.footer,
    )


def _score(export: ExportTable, tm: TableMapping) -> int:
    present = {normalize_header(h) for h in export.headers}
    return sum(1 for spec in tm.columns.values() if any(normalize_header(h) in present for h in spec.headers))


def _globbed(name: str, m: Mapping) -> list[str]:
    """Tables whose ``files`` globs match ``name``; when several do, those whose matching
    glob is the most specific (most literal characters) win."""
    best, tables = -1, []
    for table, tm in m.tables.items():
        lengths = [len(g.replace("*", "").replace("?", "")) for g in tm.files
                   if fnmatch.fnmatch(name.lower(), g.lower())]
        if not lengths:
            continue
        if max(lengths) > best:
            best, tables = max(lengths), [table]
        elif max(lengths) == best:
            tables.append(table)
    return tables


def _assign(paths, m: Mapping, forced: dict) -> dict[str, list[ExportTable]]:
    assigned: dict[str, list[ExportTable]] = {t: [] for t in m.tables}
    forced_paths = []
    for table, fs in (forced or {}).items():
        if table not in m.tables:
            raise MappingError(
                f"{m.source}: files were given for table {table!r}, which the mapping does not map"
                f"{did_you_mean(table, m.tables)}; it maps: {', '.join(m.tables)}",
                file=m.source,
            )
        forced_paths.extend((f, table) for f in _expand(fs))
    for path, table in forced_paths:
        assigned[table].append(_read(path, m, table, m.tables[table].candidate_headers))
    all_headers = [h for tm in m.tables.values() for h in tm.candidate_headers]
    claimed = {p for p, _ in forced_paths}
    for path in [p for p in paths if p not in claimed]:
        globbed = _globbed(path.name, m)
        if len(m.tables) == 1:  # one table: every file feeds it, and a bad header is reported per column
            globbed = list(m.tables)
        if len(globbed) == 1:
            table = globbed[0]
            assigned[table].append(_read(path, m, table, m.tables[table].candidate_headers))
            continue
        export = _read(path, m, None, all_headers)
        candidates = globbed or list(m.tables)
        scores = {t: _score(export, m.tables[t]) for t in candidates}
        best = max(scores, key=lambda t: (scores[t], -candidates.index(t)))
        if scores[best] == 0:
            expected = {t: [s.headers[0] for s in tm.columns.values() if s.headers][:8] for t, tm in m.tables.items()}
            raise MappingError(
                f"{m.source}: {path.name} does not look like any table of mapping {m.name!r}: none of its "
                f"headers {list(export.headers)[:15]} is a header the mapping knows. Expected e.g. "
                + "; ".join(f"{t}: {', '.join(h)}" for t, h in expected.items())
                + ". Check the file (is it the right export?) or the mapping's column headers.",
                file=path,
            )
        if m.read_options(best) != m.read:
            export = _read(path, m, best, m.tables[best].candidate_headers)
        assigned[best].append(export)
    return {t: e for t, e in assigned.items() if e}


# ----------------------------------------------------------------------------- fields


@dataclass
class _Frame:
    """Working state of one table while it is being imported."""

    table: str
    data: pd.DataFrame  # one column per field (object dtype), plus _source_file/_source_row
    found: dict  # field -> "header" or description, for the report
    quarantine: list = field(default_factory=list)  # dicts with QUARANTINE_COLUMNS
    dropped: set = field(default_factory=set)  # index labels quarantined by the importer
    rows_read: int = 0


def _strings(series: pd.Series, nulls) -> pd.Series:
    """Trimmed text, None for empty cells and null markers (object dtype)."""
    missing = series.isna()
    text = series.fillna("").astype("str").str.strip()
    null = missing | text.str.casefold().isin(list(nulls))
    return text.astype("object").where(~null, None)


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
        frame = pd.DataFrame(cols, index=export.data.index).astype("object")
        frame[_SRC_FILE] = export.file
        frame[_SRC_ROW] = export.data.index.to_numpy()
        parts.append(frame)
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return data, found, usage, missing_everywhere


def _missing_message(m: Mapping, tm: TableMapping, fld: str, exports) -> str:
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
    cells = text.astype("str").where(text.notna(), "")
    found = cells.str.extract(_CODE)
    code = found[0].where(found[0].notna(), found[3])
    for sym, iso in symbols.items():
        code = code.where(code.notna() | ~cells.str.contains(sym, regex=False), iso)
    return code.astype("object").where(code.notna(), None)


def _parse_field(work: _Frame, fld: str, spec: ColumnSpec | None, ftype: str, m: Mapping, warnings, header):
    text = work.data[fld]
    if ftype == "number":
        values, invalid = parse_numbers(text.where(text.notna(), None).astype("object"))
    elif ftype in ("date", "datetime"):
        formats = list(spec.formats if spec and spec.formats else m.parse.date_formats) or None
        dayfirst = spec.day_first if spec and spec.day_first is not None else m.parse.day_first
        values, invalid = parse_datetimes(text.astype("object"), formats, dayfirst=dayfirst)
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
                work.quarantine.append(
                    {"table": work.table, "file": row[_SRC_FILE], "row": int(row[_SRC_ROW]), "column": fld,
                     "value": str(row[fld]), "reason": f"cannot read {row[fld]!r} in column {header!r} as {kind}",
                     "check": "unparseable_number" if ftype == "number" else "unparseable_date"}
                )
                work.dropped.add(idx)
        else:
            sample = ", ".join(f"{r[_SRC_FILE]} row {int(r[_SRC_ROW])}: {r[fld]!r}" for _, r in where.head(3).iterrows())
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


def _apply_values(work: _Frame, tm: TableMapping, report: list):
    for fld, vm in tm.values.items():
        if vm.source not in work.data:
            continue
        src = work.data[vm.source]
        distinct = pd.unique(src[src.notna()])
        lookup = {v: vm.lookup(v) for v in distinct}
        mapped = src.map(lambda v: None if v is None else lookup.get(v))
        if fld in work.data and fld != vm.source:
            mapped = mapped.where(mapped.notna(), work.data[fld])
        elif fld == vm.source:
            mapped = mapped.where(mapped.notna(), src)  # unmatched values stay as written
        work.data[fld] = mapped
        work.found[fld] = f"{vm.source} through {vm.key}"
        unmatched = sorted(str(v) for v, out in lookup.items() if out is None)
        if unmatched:
            report.append(
                f"{tm.name}.{fld}: values of {vm.source} not matched by {vm.key}: "
                f"{', '.join(map(repr, unmatched[:10]))}{' ...' if len(unmatched) > 10 else ''}"
            )


def _derive(work: _Frame, tm: TableMapping, m: Mapping):
    for fld, d in tm.derive.items():
        sources = [work.data[s] if s in work.data else pd.Series(None, index=work.data.index, dtype="object") for s in d.sources]
        if d.method == "coalesce":
            value = pd.Series(None, index=work.data.index, dtype="object")
            for s in sources:
                value = value.where(value.notna(), s)
        else:
            frame = pd.concat(sources, axis=1)
            present = frame.notna().any(axis=1)
            if d.method == "slug":
                joined = frame.apply(lambda r: " ".join(str(v) for v in r if v is not None and v == v), axis=1)
                value = make_ids(joined.where(present, None), "slug", d.prefix)
            else:
                value = hash_ids(sources, d.prefix).where(present, None)
        if fld in work.data and d.when == "missing":
            value = work.data[fld].where(work.data[fld].notna(), value)
        work.data[fld] = value


def _fill(work: _Frame, fld: str, value: pd.Series):
    """Fill the empty cells of ``fld`` with ``value`` (creating the field if absent)."""
    if fld in work.data:
        work.data[fld] = work.data[fld].where(work.data[fld].notna(), value)
    else:
        work.data[fld] = value


def _build_table(tm: TableMapping, exports, m: Mapping, warnings: list, notes: list) -> tuple[_Frame, list]:
    data, found, usage, missing = _extract(tm, exports, m, warnings)
    work = _Frame(tm.name, data, dict(found), rows_read=len(data))
    contract = TABLES[tm.name]
    fields = {**{c.name: c for c in contract.columns}}
    for fld in sorted(missing):
        spec = tm.columns[fld]
        if spec.required:
            raise MappingError(_missing_message(m, tm, fld, exports), file=m.source, key=spec.key)
    nulls = set(m.parse.null_values)
    for fld in tm.columns:
        if fld in work.data:
            work.data[fld] = _strings(work.data[fld], nulls)
    for fld, value in tm.constants.items():
        work.data[fld] = value if not hasattr(value, "isoformat") else pd.Timestamp(value)
        work.found[fld] = f"constant {value!r}"
    _apply_values(work, tm, notes)
    from workbench.io.mapping import allowed_fields

    types = allowed_fields(tm.name)
    # amounts written with a currency ('EUR 1,200', '¥1,234.50'): remember the currency
    if "amount" in work.data and "currency" in types:
        in_cells = _currency_in_cells(work.data["amount"], dict(m.currency.symbols))
        _fill(work, "currency", in_cells)
    for fld in list(work.data.columns):
        if fld in (_SRC_FILE, _SRC_ROW) or fld in tm.constants:
            continue
        spec = tm.columns.get(fld)
        ftype = spec.type if spec else types.get(fld, "str")
        _parse_field(work, fld, spec, ftype, m, warnings, work.found.get(fld, fld))
    for fld, spec in tm.columns.items():
        if spec.default is not None:
            default = _default_value(spec.default, spec.type)
            live = ~work.data.index.isin(list(work.dropped))
            before = int((work.data[fld].isna() & live).sum()) if fld in work.data else int(live.sum())
            _fill(work, fld, pd.Series([default] * len(work.data), index=work.data.index, dtype="object"))
            if before:
                notes.append(f"{tm.name}.{fld}: default {spec.default!r} used in {before} row(s)")
            work.found.setdefault(fld, f"default {spec.default!r}")
    _derive(work, tm, m)
    _ = fields
    return work, usage


# ----------------------------------------------------------------------------- built-ins


def _builtin_opportunities(work: _Frame, m: Mapping, notes: list, warnings: list):
    d = work.data
    n = len(d)
    empty = pd.Series(None, index=d.index, dtype="object")
    if "stage" in d:
        stages = {s: generic_outcome(s) for s in pd.unique(d["stage"].dropna())}
        generic = d["stage"].map(stages).astype("object")
        generic = generic.where(generic.notna(), None)
        before = d["outcome"].notna() if "outcome" in d else pd.Series(False, index=d.index)
        _fill(work, "outcome", generic)
        if (~before).any() and "outcome" in work.found:
            notes.append(f"opportunities.outcome: {int((~before).sum())} stage(s) outside the value map were classified by the generic rules")
        work.found.setdefault("outcome", "from stage (generic rules)")
        d = work.data
    if "outcome" in d:
        d["outcome"] = d["outcome"].map(lambda v: v.strip().lower() if isinstance(v, str) else v)
    if "owner" in d:
        _fill(work, "rep_id", make_ids(d["owner"], m.reps.id, m.reps.prefix))
        work.found.setdefault("rep_id", f"{m.reps.id} of owner")
    if "account_name" in d:
        _fill(work, "account_id", make_ids(d["account_name"], "slug"))
        work.found.setdefault("account_id", "slug of account_name")
    d = work.data
    if "close_date" in d and "outcome" in d:
        closed = d["outcome"].isin(["won", "lost"])
        _fill(work, "closed_at", d["close_date"].where(closed, None))
        _fill(work, "expected_close", d["close_date"].where(~closed, None))
        work.found.setdefault("closed_at", "close_date of won/lost deals")
        work.found.setdefault("expected_close", "close_date of open deals")
    d = work.data
    if "opportunity_id" not in d or d["opportunity_id"].isna().any():
        parts = [d[c] if c in d else empty for c in ("name", "account_name", "owner", "created_at")]
        if all(p.isna().all() for p in parts[:2]):
            ids = pd.Series([hash_id([f, r], "opp-") for f, r in zip(d[_SRC_FILE], d[_SRC_ROW])], index=d.index, dtype="object")
            warnings.append("opportunities.opportunity_id: no id, deal name or account column; ids were made from file and row, so they change between exports")
        else:
            ids = hash_ids(parts, "opp-")
        _fill(work, "opportunity_id", ids)
        work.found.setdefault("opportunity_id", "hash of name, account, owner, created_at")
    if n and "outcome" in work.data and "closed_at" in work.data:
        no_close = work.data["outcome"].isin(["won", "lost"]) & work.data["closed_at"].isna()
        if no_close.any():
            warnings.append(f"opportunities: {int(no_close.sum())} won/lost deal(s) have no close date; they count in win rates but not in bookings by period")


def _link_to_opportunities(work: _Frame, opportunities: _Frame | None, warnings: list):
    """Fill ``opportunity_id`` from ``opportunity_name``: the deal with that name, or,
    when several deals share it, the one with that name and account."""
    d = work.data
    if "opportunity_name" not in d or opportunities is None or "name" not in opportunities.data:
        return
    opp = opportunities.data

    def key(*cols):
        parts = [c.map(lambda v: "" if v is None or v != v else normalize_value(v)) for c in cols]
        out = parts[0]
        for p in parts[1:]:
            out = out + "\x1f" + p
        return out

    none = pd.Series(None, index=opp.index, dtype="object")
    by_name = key(opp["name"])
    by_both = key(opp["name"], opp["account_name"] if "account_name" in opp else none)
    name_counts, both_counts = by_name.value_counts(), by_both.value_counts()
    ids_by_name = {k: i for k, i in zip(by_name, opp["opportunity_id"]) if name_counts.get(k) == 1}
    ids_by_both = {k: i for k, i in zip(by_both, opp["opportunity_id"]) if both_counts.get(k) == 1}
    none = pd.Series(None, index=d.index, dtype="object")
    want_name = key(d["opportunity_name"])
    want_both = key(d["opportunity_name"], d["account_name"] if "account_name" in d else none)
    resolved = want_name.map(ids_by_name)
    resolved = resolved.where(resolved.notna(), want_both.map(ids_by_both)).astype("object")
    named = d["opportunity_name"].notna()
    ambiguous = named & resolved.isna() & want_name.map(lambda k: name_counts.get(k, 0) > 1)
    not_found = named & resolved.isna() & ~ambiguous
    _fill(work, "opportunity_id", resolved.where(resolved.notna(), None))
    work.found.setdefault("opportunity_id", "deal looked up by opportunity_name (and account_name)")
    if ambiguous.any():
        warnings.append(f"{work.table}: {int(ambiguous.sum())} row(s) name a deal that several opportunities share "
                        "(add an account column to tell them apart); left unlinked")
    if not_found.any():
        names = sorted(set(d.loc[not_found, "opportunity_name"]))[:5]
        warnings.append(f"{work.table}: {int(not_found.sum())} row(s) name a deal that is not in the opportunities "
                        f"export (e.g. {names}); left unlinked")


def _builtin_activities(work: _Frame, m: Mapping, opportunities: _Frame | None, warnings: list):
    d = work.data
    if "owner" in d:
        _fill(work, "rep_id", make_ids(d["owner"], m.reps.id, m.reps.prefix))
        work.found.setdefault("rep_id", f"{m.reps.id} of owner")
    if "account_name" in work.data:
        _fill(work, "account_id", make_ids(work.data["account_name"], "slug"))
    if "type" in work.data:
        work.data["type"] = work.data["type"].map(
            lambda v: None if v is None else (v if v in ("call", "email", "meeting", "demo", "visit", "other") else generic_activity_type(v))
        )
    else:
        work.data["type"] = "other"
        warnings.append("activities.type: no activity type column; every activity is typed 'other'")
    _link_to_opportunities(work, opportunities, warnings)
    d = work.data
    if "activity_id" not in d or d["activity_id"].isna().any():
        parts = [d[c] if c in d else pd.Series(None, index=d.index, dtype="object") for c in ("rep_id", "at", "type", "opportunity_id", "account_id", "opportunity_name")]
        base = hash_ids(parts)
        nth = base.groupby(base).cumcount().astype("str")  # identical activities get distinct ids
        ids = hash_ids([base, nth], "act-")
        _fill(work, "activity_id", ids)
        work.found.setdefault("activity_id", "hash of rep, time, type and deal")


def _first_touch(opps: _Frame, acts: _Frame, notes: list):
    a = acts.data
    if "opportunity_id" not in a or "at" not in a:
        return
    linked = a[a["opportunity_id"].notna() & a["at"].notna()]
    if linked.empty:
        return
    first = linked.groupby("opportunity_id")["at"].min()
    ft = opps.data["opportunity_id"].map(first)
    before = opps.data["first_touch_at"].notna().sum() if "first_touch_at" in opps.data else 0
    _fill(opps, "first_touch_at", ft.astype("object").where(ft.notna(), None))
    after = opps.data["first_touch_at"].notna().sum()
    opps.found.setdefault("first_touch_at", "earliest linked activity")
    notes.append(f"opportunities.first_touch_at: set from the earliest activity for {after - before} deal(s)")


def _reps(works: dict, m: Mapping, notes: list) -> pd.DataFrame | None:
    rows = []
    for work in works.values():
        d = work.data
        if "owner" not in d or "rep_id" not in d:
            continue
        cols = ["rep_id", "owner"] + [c for c in ("owner_team", "owner_region", "owner_manager") if c in d]
        rows.append(d.loc[d["owner"].notna(), cols])
    if not rows:
        return None
    owners = pd.concat(rows, ignore_index=True)

    def most_common(s):
        s = s.dropna()
        return s.mode().iloc[0] if len(s) else None

    out = []
    for rep_id, g in owners.groupby("rep_id", sort=True):
        out.append({
            "rep_id": rep_id,
            "name": most_common(g["owner"]),
            "team": (most_common(g["owner_team"]) if "owner_team" in g else None) or m.reps.team,
            "region": (most_common(g["owner_region"]) if "owner_region" in g else None) or m.reps.region,
            "manager_id": (most_common(make_ids(g["owner_manager"], m.reps.id, m.reps.prefix)) if "owner_manager" in g else None),
            "hire_date": None,
        })
    frame = pd.DataFrame(out)
    notes.append(f"reps: {len(frame)} rep(s) derived from owner names ({m.reps.id} ids)")
    return frame


def _convert_currency(work: _Frame, m: Mapping, warnings: list, notes: list):
    d = work.data
    if "amount" not in d:
        return
    cur = d["currency"] if "currency" in d else pd.Series(None, index=d.index, dtype="object")
    cur = cur.map(lambda v: v.strip().upper() if isinstance(v, str) else None)
    if m.currency.default:
        cur = cur.where(cur.notna(), m.currency.default)
    codes = Counter(c for c in cur if c is not None)
    opts = m.currency
    if opts.reporting is None:
        if len(codes) > 1:
            warnings.append(
                f"{work.table}.amount: amounts are in several currencies ({', '.join(f'{c} {n} rows' for c, n in codes.most_common())}) "
                "and were kept as written; set [currency] reporting and rates to convert them"
            )
        return
    rates = cur.map(lambda c: 1.0 if c is None else opts.rate(c))
    no_rate = rates.isna() & d["amount"].notna()
    for idx in d.index[no_rate]:
        if idx in work.dropped:
            continue
        row = d.loc[idx]
        work.quarantine.append({
            "table": work.table, "file": row[_SRC_FILE], "row": int(row[_SRC_ROW]), "column": "amount",
            "value": f"{row['amount']} {cur[idx]}",
            "reason": f"amount is in {cur[idx]} but [currency] has no rate from {cur[idx]} to {opts.reporting}",
            "check": "unknown_value",
        })
        work.dropped.add(idx)
    converted = d["amount"].astype("float64") * rates.astype("float64")
    d["amount"] = converted.where(~no_rate, d["amount"])
    others = {c: n for c, n in codes.items() if c != opts.reporting}
    if others:
        notes.append(f"{work.table}.amount: converted to {opts.reporting}: " + ", ".join(f"{c} {n} rows" for c, n in others.items()))


# ----------------------------------------------------------------------------- main


def _contract_frame(work: _Frame) -> pd.DataFrame:
    contract = TABLES[work.table]
    d = work.data.drop(index=list(work.dropped)) if work.dropped else work.data
    cols = [c for c in contract.column_names if c in d.columns]
    out = d[cols + [_SRC_FILE, _SRC_ROW]].copy()
    for col in cols:
        dtype = contract.column(col).dtype
        if dtype in ("date", "datetime"):
            out[col] = pd.to_datetime(out[col], errors="coerce")
        elif dtype == "float":
            out[col] = pd.to_numeric(out[col], errors="coerce")
        else:
            out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out.reset_index(drop=True)


def import_files(files, *, preset=None, mapping=None, tables=None, stages=None) -> ImportResult:
    """Import CRM export files into validated contract tables.

    Parameters
    ----------
    files : path, or list of paths
        Export files (CSV/TXT/TSV in UTF-8 with or without BOM, GBK or UTF-16; XLSX) or
        folders of them.
    preset : {"salesforce", "hubspot", "zoho", "jiandaoyun"}, optional
        A mapping shipped with the package.
    mapping : path or Mapping, optional
        Your own mapping file (see ``docs/mapping_example.toml``). Give exactly one of
        ``preset`` and ``mapping``.
    tables : dict, optional
        Force files to a table, e.g. ``{"activities": ["follow_ups.xlsx"]}``; other
        files are assigned by the mapping's ``files`` globs, else by their headers.
    stages : optional
        Open stages in funnel order (anything :func:`workbench.load` accepts);
        overrides the mapping's ``stages``.

    Returns
    -------
    ImportResult

    Raises
    ------
    MappingError
        If the mapping is invalid or a required column is not in the files (the
        message names the mapping key, the file, the columns found, and the nearest).
    DataError
        If a file cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "deals.csv").write_text(
    ...     "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\\n"
    ...     "101,Acme renewal,Closed won,\\"12,000\\",2026-03-05,2026-01-10,Jane Doe\\n"
    ...     "102,Beta pilot,Appointment scheduled,3000,2026-05-01,2026-02-01,Li Lei\\n",
    ...     encoding="utf-8-sig")
    >>> result = import_files([folder / "deals.csv"], preset="hubspot")
    >>> result.data.opportunities[["opportunity_id", "rep_id", "outcome", "amount"]]
      opportunity_id    rep_id outcome   amount
    0            101  jane-doe     won  12000.0
    1            102    li-lei    open   3000.0
    """
    m = resolve_mapping(preset, mapping)
    paths = _expand(files) if files else []
    assigned = _assign(paths, m, tables or {})
    if "opportunities" not in assigned and "opportunities" in m.tables:
        raise DataError(
            f"no opportunities export among the files ({', '.join(p.name for p in paths)}); "
            f"mapping {m.name!r} needs one with headers like "
            f"{[s.headers[0] for s in m.tables['opportunities'].columns.values()][:6]}"
        )
    warnings: list[str] = []
    notes: list[str] = []
    works: dict[str, _Frame] = {}
    usage: list = []
    for table in TABLES:  # contract order: reps, opportunities, ..., activities
        if table not in assigned:
            continue
        work, used = _build_table(m.tables[table], assigned[table], m, warnings, notes)
        works[table] = work
        usage.extend(used)
    if "opportunities" in works:
        _builtin_opportunities(works["opportunities"], m, notes, warnings)
    if "activities" in works:
        _builtin_activities(works["activities"], m, works.get("opportunities"), warnings)
        if "opportunities" in works:
            _first_touch(works["opportunities"], works["activities"], notes)
    for table in ("orders", "surveys"):
        if table in works and "owner" in works[table].data:
            _fill(works[table], "rep_id", make_ids(works[table].data["owner"], m.reps.id, m.reps.prefix))
    if "stage_history" in works:
        _link_to_opportunities(works["stage_history"], works.get("opportunities"), warnings)
    for work in works.values():
        _convert_currency(work, m, warnings, notes)
        _check_required(work, m, assigned[work.table])

    frames = {t: _contract_frame(w) for t, w in works.items()}
    derived_reps = _reps(works, m, notes)
    if derived_reps is not None:
        if "reps" in frames:
            known = set(frames["reps"]["rep_id"].dropna())
            extra = derived_reps[~derived_reps["rep_id"].isin(known)]
            if len(extra):
                extra = extra.assign(**{_SRC_FILE: "(derived from owners)", _SRC_ROW: range(1, len(extra) + 1)})
                frames["reps"] = pd.concat([frames["reps"], extra], ignore_index=True)
                notes.append(f"reps: {len(extra)} owner(s) not in the reps file were added")
        else:
            frames["reps"] = derived_reps
    if stages is None:
        stages = _stages(m, frames.get("opportunities")) or None
    from workbench.io.validate import validate_tables

    data = validate_tables(frames, source=f"{m.name} import of {', '.join(p.name for p in paths)}", stages=stages)
    data = _merge_quarantine(data, works)
    skipped = pd.DataFrame(
        [dataclasses.astuple(s) for es in assigned.values() for e in es for s in e.skipped], columns=SKIPPED_COLUMNS
    )
    columns = pd.DataFrame(usage, columns=["table", "field", "file", "header", "column"])
    from workbench.io.import_report import render_report

    report = render_report(m, assigned, works, data, skipped, warnings, notes)
    return ImportResult(data, skipped, columns, tuple(warnings), report, m.name)


_HOW_DERIVED = {
    ("opportunities", "opportunity_id"): "or it is derived from 'name' (+ account_name, owner, created_at)",
    ("opportunities", "rep_id"): "or it is derived from 'owner' (the owner's name)",
    ("opportunities", "outcome"): "or it is derived from 'stage'",
    ("activities", "rep_id"): "or it is derived from 'owner'",
    ("activities", "activity_id"): "or it is derived as a hash of rep, time and type",
}


def _check_required(work: _Frame, m: Mapping, exports):
    """Every required contract column must come from somewhere: say where it could.

    All missing columns are reported at once: first those whose headers were not found
    (usually a typo or a renamed column), then those the mapping does not mention.
    """
    tm = m.tables[work.table]
    missing = [c for c in TABLES[work.table].required_columns if c not in work.data]
    if not missing:
        return
    problems = []
    for column in missing:
        if column in tm.columns:
            problems.append(_missing_message(m, tm, column, exports).split(": ", 1)[1] + "; this column is required")
    headers = ", ".join(repr(h) for h in dict.fromkeys(h for e in exports for h in e.headers))
    for column in missing:
        if column not in tm.columns:
            hint = _HOW_DERIVED.get((work.table, column), "")
            problems.append(
                f"[tables.{work.table}.columns] has no entry for the required column {column!r}"
                f"{' (' + hint + ')' if hint else ''}; add e.g. {column} = [\"<header in your file>\"] "
                f"or a constant under [tables.{work.table}.constants]. Columns found: {headers}"
            )
    text = problems[0] if len(problems) == 1 else f"{len(problems)} problems:\n  - " + "\n  - ".join(problems)
    first = next((c for c in missing if c in tm.columns), None)
    raise MappingError(f"{m.source}: {text}", file=m.source, problems=problems,
                       key=tm.columns[first].key if first else f"tables.{work.table}.columns")


def _stages(m: Mapping, opps: pd.DataFrame | None) -> tuple:
    if not m.stages or opps is None or "stage" not in opps:
        return ()
    open_stages = set(opps.loc[opps.get("outcome").eq("open"), "stage"].dropna()) if "outcome" in opps else set()
    listed = [s for s in m.stages if s in open_stages]
    return tuple(listed) if listed and len(listed) == len(open_stages) else ()


def _merge_quarantine(data: SalesData, works: dict) -> SalesData:
    own = [q for w in works.values() for q in w.quarantine]
    if not own:
        return data
    extra = pd.DataFrame(own, columns=QUARANTINE_COLUMNS)
    quarantine = pd.concat([data.quarantine, extra], ignore_index=True) if len(data.quarantine) else extra
    rows_read = dict(data.rows_read)
    for w in works.values():
        rows_read[w.table] = rows_read.get(w.table, 0) + len(w.dropped)
    return dataclasses.replace(data, quarantine=quarantine, rows_read=MappingProxyType(rows_read))
