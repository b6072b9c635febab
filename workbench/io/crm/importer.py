"""Import CRM exports through a mapping: files → contract tables → validated SalesData.

:func:`import_files` applies a :class:`~workbench.io.crm.mapping.Mapping` (a preset or your
own TOML file) to export files and returns an :class:`ImportResult`: the validated
:class:`~workbench.io.sales_data.SalesData`, the lines that were not data, and a report
of what was matched, derived and rejected.

Steps, per contract table of the mapping:

1. **Files**: each file goes to the table whose ``files`` globs match its name when its
   header has what the table needs; files of a folder matching no glob are ignored and
   listed; a weak match asks for ``tables=`` (see :mod:`workbench.io.crm.assign`).
2. **Lines**: blank, summary ("Grand Totals", 合计) and footer lines are skipped and
   listed (:mod:`workbench.io.crm.files`).
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
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from workbench.contract import TABLES
from workbench.errors import DataError, MappingError
from workbench.io.crm.assign import assign_files, expand_files
from workbench.io.crm.derive import make_ids
from workbench.io.crm.files import DEFAULT_SKIP_PATTERNS, ExportTable, read_export
from workbench.io.crm.joins import apply_joins, claim_source_files, stack_exports, unmatched_rows
from workbench.io.crm.mapping import Mapping, did_you_mean, load_mapping, load_preset
from workbench.io.crm.missing import apply_missing_dates, parse_cli_policies, parse_policy
from workbench.io.crm.people import deal_people_frame, people_names
from workbench.io.crm.rules import (
    convert_currency,
    derive_activities,
    derive_opportunities,
    derive_reps,
    link_to_opportunities,
    set_first_touch,
)
from workbench.io.crm.table import SRC_FILE, SRC_ROW, VALUE_MAP_COLUMNS, TableWork, build_table, fill, missing_message
from workbench.io.sales_data import QUARANTINE_COLUMNS, SalesData
from workbench.params import check_lang

__all__ = ["ImportResult", "import_files", "resolve_mapping", "SKIPPED_COLUMNS"]

#: Columns of :attr:`ImportResult.skipped`.
SKIPPED_COLUMNS = ["file", "row", "reason", "text"]
_FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
_TABLE_SUFFIXES = _FILE_SUFFIXES + (".parquet", ".pq", ".ods", ".toml")
#: Columns of :attr:`ImportResult.ignored`.
IGNORED_COLUMNS = ["file", "reason"]


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
        Which header fed each field: ``table``, ``field``, ``file``, ``header``,
        ``column`` (1-based position).
    missing_columns : pandas.DataFrame
        Fields the mapping lists but no file had a header for: ``table``, ``field``,
        ``headers`` (the candidates looked for, joined by `` | ``).
    warnings : tuple of str
        Things the user should know (columns not found, unmapped stages, mixed
        currencies, activities whose deal was not found, ...).
    report : str
        The human-readable import and data-quality report.
    ignored : pandas.DataFrame
        Files given (or found in a folder) that feed no table: ``file``, ``reason``.
    """

    data: SalesData
    skipped: pd.DataFrame
    columns: pd.DataFrame
    warnings: tuple
    report: str
    mapping_name: str = ""
    missing_columns: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=["table", "field", "headers"]))
    ignored: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=IGNORED_COLUMNS))
    value_maps: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=VALUE_MAP_COLUMNS))
    """How each value-map value was mapped: ``table``, ``field``, ``source``, ``value`` (as
    written, ``(empty)`` for an empty cell), ``mapped``, ``rule`` (exact, pattern, default,
    unmatched) and ``rows``."""

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
    out = expand_files(files)[0]
    if not out:
        raise DataError("no export files given (expected .csv, .txt, .tsv or .xlsx files or a folder of them)")
    return out


def _patterns(m: Mapping, table: str) -> tuple:
    opts = m.read_options(table)
    return (DEFAULT_SKIP_PATTERNS if opts.skip_default_patterns else ()) + tuple(opts.skip_rows_matching)


def _read_with(path: Path, opts, expected, patterns) -> ExportTable:
    """``read_export`` with a mapping's read options (``auto`` = let the reader detect)."""
    return read_export(
        path,
        expected_headers=expected,
        encoding=None if opts.encoding == "auto" else opts.encoding,
        delimiter=None if opts.delimiter == "auto" else opts.delimiter,
        sheet=opts.sheet,
        header_row=None if opts.header_row == "auto" else opts.header_row,
        skip_patterns=patterns,
        footer=opts.footer,
    )


def _read(path: Path, m: Mapping, table: str | None, expected) -> ExportTable:
    opts = m.read_options(table) if table else m.read
    patterns = _patterns(m, table) if table else (DEFAULT_SKIP_PATTERNS + tuple(opts.skip_rows_matching))
    return _read_with(path, opts, expected, patterns)


def _read_sources(claimed: dict, m: Mapping) -> dict:
    """Each source's files read and stacked: ``{name: (ExportTable, file of each row)}``."""
    out = {}
    for name, paths in claimed.items():
        src = m.sources[name]
        wanted = list(src.key)
        for tm in m.tables.values():
            wanted += [h for spec in tm.columns.values() if spec.lookup and spec.lookup.source == name for h in spec.lookup.value]
            wanted += tm.candidate_headers
        wanted += [h for j in m.joins if j.source == name for h in j.right_on]
        opts = src.read or m.read
        patterns = (DEFAULT_SKIP_PATTERNS if opts.skip_default_patterns else ()) + tuple(opts.skip_rows_matching)
        exports = [_read_with(p, opts, wanted, patterns) for p in paths]
        out[name] = stack_exports(exports)
    return out


def _assign(paths, m: Mapping, forced: dict, *, in_folder=(), ignore=(), kept_dates=None, joined=None):
    """Files → tables by :func:`workbench.io.crm.assign.assign_files`; returns
    ``(assigned, ignored, notes)``."""
    for table in forced or {}:
        if table not in m.tables:
            raise MappingError(
                f"{m.source}: files were given for table {table!r}, which the mapping does not map"
                f"{did_you_mean(table, m.tables)}; it maps: {', '.join(m.tables)}",
                file=m.source,
            )
    forced_paths = {table: _expand(fs) for table, fs in (forced or {}).items()}
    claimed = {p.resolve() for fs in forced_paths.values() for p in fs}
    def read(path, table, expected):
        return _read(path, m, table, expected)

    return assign_files([p for p in paths if p.resolve() not in claimed], m, read, forced=forced_paths, in_folder=in_folder,
                        ignore=ignore, kept_dates=kept_dates, joined=joined)


def _date_policies(missing_dates) -> dict:
    """``missing_dates=`` as ``{(table, field): raw}`` (keys ``"created_at"`` or ``"activities.at"``)."""
    if not missing_dates:
        return {}
    if not isinstance(missing_dates, dict):
        return parse_cli_policies(missing_dates)
    out = {}
    for key, raw in missing_dates.items():
        table, _, fld = (key if isinstance(key, str) else ".".join(key)).rpartition(".")
        out[(table or "opportunities", fld)] = raw
    for (table, fld), raw in out.items():
        parse_policy(table, fld, raw)  # a bad policy is an error before anything is read
    return out


def _kept_dates(m: Mapping, policies: dict) -> dict:
    """Required dates a policy fills (a file need not have them to feed the table)."""
    kept: dict = {}
    for table, tm in m.tables.items():
        for fld, policy in tm.missing_dates.items():
            if policy.steps:
                kept.setdefault(table, set()).add(fld)
    for (table, fld), raw in policies.items():
        steps = [raw] if isinstance(raw, str) else list(raw)
        if steps and steps[0] != "quarantine":
            kept.setdefault(table, set()).add(fld)
        else:
            kept.get(table, set()).discard(fld)
    return kept


# ----------------------------------------------------------------------------- fields


def _contract_frame(work: TableWork) -> pd.DataFrame:
    contract = TABLES[work.table]
    d = work.data.drop(index=list(work.dropped)) if work.dropped else work.data
    cols = [c for c in contract.column_names if c in d.columns]
    out = d[cols + [SRC_FILE, SRC_ROW]].copy(deep=False)
    for col in cols:
        dtype = contract.column(col).dtype
        if dtype in ("date", "datetime"):
            out[col] = pd.to_datetime(out[col], errors="coerce")
        elif dtype == "float":
            out[col] = pd.to_numeric(out[col], errors="coerce")
        elif isinstance(out[col].dtype, pd.StringDtype) and out[col].dtype.storage == "pyarrow":
            continue  # Arrow-backed text: handed to validation as it is
        elif out[col].dtype == object and pd.api.types.infer_dtype(out[col], skipna=True) in ("string", "empty"):
            out[col] = out[col].astype("str")  # text only: handed to validation as Arrow-backed text
        else:
            out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out.reset_index(drop=True)


def import_files(files, *, preset=None, mapping=None, tables=None, stages=None, ignore=(), missing_dates=None,
                 export_date=None, lang: str = "en") -> ImportResult:
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
    ignore : list, optional
        Names, paths or globs of files to leave out (listed in the report as ignored).
        Files of a folder whose names match no table's ``files`` patterns are left out
        anyway; see :mod:`workbench.io.crm.assign` for how files find their table.
    missing_dates : dict, optional
        Policies for rows lacking a required date, over the mapping's
        ``missing_dates``: ``{"created_at": ["first_stage_change", "export_date"]}``
        (see :mod:`workbench.io.crm.missing`).
    export_date : date or str, optional
        The day the export was taken, for expressions that read ``export_date`` and the
        ``export_date`` missing-date source; overrides the mapping's ``export_date``.
        Default: the date in the export's "Generated By" / "导出时间" line, else the
        latest date in the rows of the table being built (the report says which).
    lang : {"en", "zh"}
        Language of ``ImportResult.report`` (and so of ``quality_report.txt``); the
        tables, the quarantine and its English ``reason`` column are the same in both.

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
    check_lang("import_files", lang)
    m = resolve_mapping(preset, mapping)
    if export_date is not None:
        try:
            m = dataclasses.replace(m, export_date=pd.Timestamp(export_date))
        except (ValueError, TypeError):
            raise MappingError(f"export_date must be a date like '2026-06-30'; got {export_date!r}") from None
    policies = _date_policies(missing_dates)
    paths, in_folder, ignored = expand_files(files) if files else ([], set(), [])
    if files and not paths and not ignored:
        raise DataError("no export files given (expected .csv, .txt, .tsv or .xlsx files or a folder of them)")
    warnings: list[str] = []
    notes: list[str] = []
    sources = {}
    if m.sources:  # files of [sources.<name>] are joined or looked up, never stacked into a table
        claimed, paths = claim_source_files(paths, m)
        sources = _read_sources(claimed, m)
        for name, (export, _) in sources.items():
            notes.append(f"{export.file} → source {name!r}: {len(export.data)} row(s)")
    joined = {}  # headers a table's [[joins]] bring from source files
    for j in m.joins:
        if j.source in sources:
            joined.setdefault(j.table, []).extend(sources[j.source][0].headers)
    assigned, more_ignored, routing = _assign(paths, m, tables or {}, in_folder=in_folder, ignore=ignore,
                                              kept_dates=_kept_dates(m, policies), joined=joined)
    notes.extend(routing)
    ignored = sorted(ignored + more_ignored, key=lambda i: i.file.casefold())
    if m.joins:
        assigned = apply_joins(assigned, sources, m, warnings, notes)
    if "opportunities" not in assigned and "opportunities" in m.tables:
        raise DataError(
            f"no opportunities export among the files ({', '.join(p.name for p in paths)}); "
            f"mapping {m.name!r} needs one with headers like "
            f"{[s.headers[0] for s in m.tables['opportunities'].columns.values()][:6]}"
            + ("; ignored: " + "; ".join(f"{i.file} ({i.reason})" for i in ignored) if ignored else "")
        )
    warnings.extend(
        f"{e.file}: no data rows below the header (is it the right export, or an empty report?)"
        for exports in assigned.values() for e in exports if e.data.empty
    )
    for exports in assigned.values():  # file-level notes and warnings (sub-forms folded, encodings)
        for e in exports:
            notes.extend(e.notes)
            warnings.extend(e.warnings)
    works: dict[str, TableWork] = {}
    usage: list = []
    for table in TABLES:  # contract order: reps, opportunities, ..., activities
        if table not in assigned:
            continue
        work, used = build_table(m.tables[table], assigned[table], m, warnings, notes, sources=sources)
        _quarantine_unmatched(work, assigned[table])
        works[table] = work
        usage.extend(used)
    if "opportunities" in works:
        derive_opportunities(works["opportunities"], m, notes, warnings)
    if "activities" in works:
        derive_activities(works["activities"], m, works.get("opportunities"), warnings)
        if "opportunities" in works:
            set_first_touch(works["opportunities"], works["activities"], notes)
    for table in ("orders", "surveys"):
        if table in works and "owner" in works[table].data:
            fill(works[table], "rep_id", make_ids(works[table].data["owner"], m.reps.id, m.reps.prefix))
    if "stage_history" in works:
        link_to_opportunities(works["stage_history"], works.get("opportunities"), warnings)
    date_summary, date_notes = apply_missing_dates(works, m, assigned, overrides=policies, export_date=m.export_date)
    notes.extend(date_notes)
    for work in works.values():
        convert_currency(work, m, warnings, notes)
        _check_required(work, m, assigned[work.table])

    frames = {t: _contract_frame(w) for t, w in works.items()}
    derived_reps = derive_reps(works, m, notes, from_ids="reps" not in works)
    if derived_reps is not None:
        if "reps" in frames:
            known = set(frames["reps"]["rep_id"].dropna())
            extra = derived_reps[~derived_reps["rep_id"].isin(known)]
            if len(extra):
                extra = extra.assign(**{SRC_FILE: "(derived from owners)", SRC_ROW: range(1, len(extra) + 1)})
                frames["reps"] = pd.concat([frames["reps"], extra], ignore_index=True)
                notes.append(f"reps: {len(extra)} owner(s) not in the reps file were added")
        else:
            frames["reps"] = derived_reps
    if "opportunities" in works and m.tables["opportunities"].people:
        _add_people(frames, works["opportunities"], m, notes)
    if stages is None:
        stages = _stages(m, frames.get("opportunities")) or None
    from workbench.io.validate import validate_tables

    files = {t: ", ".join(e.file for e in exports) for t, exports in assigned.items()}
    if "reps" not in assigned and "reps" in frames:
        files["reps"] = "(derived from owner names)"
    if "deal_people" in frames:
        files["deal_people"] = f"(people of {files.get('opportunities', 'the deals')})"
    every = list(dict.fromkeys(e.file for exports in assigned.values() for e in exports))
    data = validate_tables(frames, files=files, source=f"{m.name} import of {', '.join(every)}", stages=stages)
    data = _merge_quarantine(data, works)
    every_export = [e for es in assigned.values() for e in es] + [e for e, _ in sources.values()]
    skipped = pd.DataFrame([dataclasses.astuple(s) for e in every_export for s in e.skipped], columns=SKIPPED_COLUMNS)
    value_maps = pd.DataFrame([r for w in works.values() for r in w.mapped_values], columns=VALUE_MAP_COLUMNS)
    columns = pd.DataFrame(usage, columns=["table", "field", "file", "header", "column"])
    from workbench.io.crm.report import render_report

    ignored_frame = pd.DataFrame([dataclasses.astuple(i) for i in ignored], columns=IGNORED_COLUMNS)
    report = render_report(m, assigned, works, data, skipped, warnings, notes, value_maps=value_maps,
                           ignored=ignored_frame, missing_dates=date_summary, lang=lang)
    used_fields = {(u["table"], u["field"]) for u in usage}
    missing = pd.DataFrame(
        [{"table": t, "field": f, "headers": " | ".join(spec.headers)}
         for t, work in works.items() for f, spec in m.tables[t].columns.items()
         if spec.headers and (t, f) not in used_fields],
        columns=["table", "field", "headers"],
    )
    return ImportResult(data, skipped, columns, tuple(warnings), report, m.name, missing, ignored_frame,
                        value_maps)


def _quarantine_unmatched(work: TableWork, exports) -> None:
    """Rows an inner join found no partner for: quarantined (one entry per row)."""
    for pos, reason in unmatched_rows(exports):
        idx = work.data.index[pos]
        if idx in work.dropped:
            continue
        work.quarantine.append({"table": work.table, "file": work.data.at[idx, SRC_FILE],
                                "row": int(work.data.at[idx, SRC_ROW]), "column": "", "value": "",
                                "reason": reason, "check": "join_unmatched"})
        work.dropped.add(idx)


def _add_people(frames: dict, work: TableWork, m: Mapping, notes: list) -> None:
    """``deal_people`` from the owner and the role columns, and every person in ``reps``."""
    roles = m.tables["opportunities"].people
    opps = work.data.drop(index=list(work.dropped)) if work.dropped else work.data
    people = deal_people_frame(opps, roles, id_method=m.reps.id, prefix=m.reps.prefix)
    frames["deal_people"] = people.reset_index(drop=True)
    counts = people["role"].value_counts()
    notes.append("deal_people: " + (", ".join(f"{n} {role}" for role, n in counts.items()) or "nobody named")
                 + " besides the owners (KPIs credit the owner; see workbench.io.crm.people.credit_to)")
    named = people_names(opps, roles, id_method=m.reps.id, prefix=m.reps.prefix)
    known = set(frames["reps"]["rep_id"].dropna()) if "reps" in frames else set()
    extra = named[~named["rep_id"].isin(known)]
    if len(extra):
        extra = extra.assign(team=m.reps.team, region=m.reps.region, manager_id=None, hire_date=None,
                             **{SRC_FILE: "(derived from deal people)", SRC_ROW: range(1, len(extra) + 1)})
        frames["reps"] = pd.concat([frames["reps"], extra], ignore_index=True) if "reps" in frames else extra
        notes.append(f"reps: {len(extra)} person(s) named only in role columns ({', '.join(roles)}) were added")


_HOW_DERIVED = {
    ("opportunities", "opportunity_id"): "or it is derived from 'name' (+ account_name, owner, created_at)",
    ("opportunities", "rep_id"): "or it is derived from 'owner' (the owner's name)",
    ("opportunities", "outcome"): "or it is derived from 'stage'",
    ("activities", "rep_id"): "or it is derived from 'owner'",
    ("activities", "activity_id"): "or it is derived as a hash of rep, time and type",
}


def _check_required(work: TableWork, m: Mapping, exports):
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
            problems.append(missing_message(m, tm, column, exports).split(": ", 1)[1] + "; this column is required")
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
    open_stages = (set(pd.unique(opps.loc[opps["outcome"].eq("open").to_numpy(dtype=bool, na_value=False), "stage"]
                                 .dropna())) if "outcome" in opps else set())  # each stage once
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
