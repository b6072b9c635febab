"""Which export file feeds which table, and which files of an export folder are left out.

An export folder holds more than the tables a mapping describes: account lists, price
lists, a data dictionary, a README. The rules, in order, for each file:

1. ``tables=`` (``--table TABLE FILE``) puts a file in a table, whatever it holds.
2. ``ignore=`` (``--ignore FILE``) leaves it out. So are files of a folder that are
   not tables (``.pdf``, ``.md``, ...), hidden files and Excel lock files (``~$...``).
3. A file whose name matches a table's ``files`` patterns goes to that table when its
   header has what the table needs (the columns of its required fields: owner, stage,
   created date, ... — see :func:`needed_fields`). A name match with a header that
   lacks them is a *weak* match: the import stops with an error naming the file, what
   is missing and the candidate tables, and asks for ``--table`` (or ``--ignore``).
4. A file of a **folder** whose name matches no table's patterns is **ignored** and
   listed with why (the patterns it was checked against) — never stacked into a table.
   Only when some table of the mapping has no ``files`` patterns are such files
   matched by their header to those tables — or when **no** file of the folders matches
   any pattern (a folder of renamed reports, or files uploaded in an app): then every
   file is matched by its header as in rule 5, and one that shares nothing with the
   mapping is ignored.
5. A file **named on the command line** whose name matches no pattern (Salesforce names
   its reports ``report1712345678901.csv``) goes to the one table its header fits: the
   table's needed columns are all there, at least two of its columns are found, and no
   other table fits nearly as well (half its share of columns or more). Several
   fitting tables, or a header that shares only a few columns with a table, stop the
   import with an error asking for ``--table``; a header that shares nothing with
   the mapping is an error naming the file.

A mapping with a single table keeps taking every file named on the command line (a
missing column is then reported column by column).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from workbench.contract import TABLES
from workbench.errors import MappingError
from workbench.io.crm.files import normalize_header
from workbench.io.paths import refuse_outside_links

__all__ = ["IgnoredFile", "Fit", "expand_files", "needed_fields", "header_fit", "globbed_tables", "assign_files",
           "TABLE_FILE_SUFFIXES"]

#: File types an export folder's tables come in.
TABLE_FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")

#: Required contract columns the importer derives when the export lacks them, and the
#: fields it derives them from (any one will do); () = always derivable.
_DERIVED_FROM = {
    ("opportunities", "opportunity_id"): (),
    ("opportunities", "rep_id"): ("owner",),
    ("opportunities", "outcome"): ("stage",),
    ("activities", "activity_id"): (),
    ("activities", "rep_id"): ("owner",),
    ("activities", "type"): (),
    ("stage_history", "opportunity_id"): ("opportunity_name",),
    ("orders", "rep_id"): ("owner",),
    ("surveys", "rep_id"): ("owner",),
}


@dataclass(frozen=True)
class IgnoredFile:
    """A file of the import that feeds no table, and why."""

    file: str
    reason: str


@dataclass(frozen=True)
class Fit:
    """How well a file's header fits one table of the mapping.

    Attributes
    ----------
    table : str
    found : tuple of str
        Fields of the table whose header is in the file.
    mapped : int
        Fields the table's mapping reads from headers.
    missing : tuple of str
        Needed fields (see :func:`needed_fields`) none of whose headers is in the file,
        each written ``field ('First header')``.
    """

    table: str
    found: tuple
    mapped: int
    missing: tuple

    @property
    def share(self) -> float:
        """Share of the table's mapped fields found in the file."""
        return len(self.found) / self.mapped if self.mapped else 0.0

    @property
    def fits(self) -> bool:
        """The needed fields are there and at least two (or all) mapped fields are found."""
        return not self.missing and len(self.found) >= min(2, self.mapped)

    def describe(self) -> str:
        text = f"{self.table} ({len(self.found)} of its {self.mapped} columns"
        return text + (f"; lacks {', '.join(self.missing)})" if self.missing else ")")


def expand_files(files) -> tuple[list[Path], set, list[IgnoredFile]]:
    """The files to import: ``(paths, paths that came from a folder, ignored files)``.

    A folder gives its table files (CSV/TXT/TSV/XLSX/XLSM/XLS) in name order; its other
    files, hidden files and Excel lock files are listed as ignored. Links out of the
    folder are refused.
    """
    if isinstance(files, (str, Path)):
        files = [files]
    paths, in_folder, ignored = [], set(), []
    for f in files:
        p = Path(f)
        if not p.is_dir():
            paths.append(p)
            continue
        for q in sorted(p.iterdir()):
            if q.is_dir():
                ignored.append(IgnoredFile(q.name + "/", "a folder inside the export folder (not read; give it "
                                                         "as its own argument to import its files)"))
            elif q.name.startswith(("~$", ".")):
                ignored.append(IgnoredFile(q.name, "a hidden file or an Excel lock file (~$...)"))
            elif q.suffix.lower() not in TABLE_FILE_SUFFIXES:
                ignored.append(IgnoredFile(q.name, f"not a table file ({q.suffix or 'no extension'}; "
                                                   f"tables are {', '.join(TABLE_FILE_SUFFIXES)})"))
            else:
                refuse_outside_links(p, q)  # a link out of the folder is refused, unread
                paths.append(q)
                in_folder.add(q)
    return paths, in_folder, ignored


def needed_fields(tm, table: str, kept_dates=()) -> list[tuple[str, tuple]]:
    """What a file must hold to feed ``table``: per required contract column the mapping
    reads from the export, the fields that can provide it (any one will do).

    Columns with a constant, a default, a derivation, or a built-in derivation needing
    nothing (ids, activity type) are not needed; ``rep_id`` needs ``owner`` or
    ``rep_id``; ``outcome`` needs ``stage`` or ``outcome``; dates in ``kept_dates`` (a
    ``missing_dates`` policy keeps rows without them) are not needed.
    """
    out = []
    for column in TABLES[table].required_columns:
        if column in tm.constants or column in tm.derive or column in kept_dates:
            continue
        spec = tm.columns.get(column)
        if spec is not None and spec.default is not None:
            continue
        fields = (column,) + _DERIVED_FROM.get((table, column), ())
        if (table, column) in _DERIVED_FROM and not _DERIVED_FROM[(table, column)]:
            continue
        value_map = tm.values.get(column)
        if value_map is not None:
            fields += (value_map.source,)
        mapped = tuple(dict.fromkeys(f for f in fields if f in tm.columns and tm.columns[f].headers))
        if mapped:
            out.append((column, mapped))
    return out


def _names(export) -> set:
    names = {normalize_header(h) for h in export.headers}
    return names | {normalize_header(a) for a in getattr(export, "aliases", ()) if a}


def header_fit(export, tm, table: str, kept_dates=(), joined=()) -> Fit:
    """How well ``export``'s header fits ``table`` (see :class:`Fit`); ``joined`` are the
    headers the table's ``[[joins]]`` bring from other files."""
    present = _names(export) | {normalize_header(h) for h in joined}
    has = {f for f, spec in tm.columns.items() if any(normalize_header(h) in present for h in spec.headers)}
    mapped = sum(1 for spec in tm.columns.values() if spec.headers)
    missing = tuple(dict.fromkeys(f"{fields[0]} ({tm.columns[fields[0]].headers[0]!r})"
                                  for _, fields in needed_fields(tm, table, kept_dates) if not has & set(fields)))
    return Fit(table, tuple(f for f in tm.columns if f in has), mapped, missing)


def globbed_tables(name: str, m) -> list[str]:
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


def _patterns(m) -> str:
    return "; ".join(f"{t}: {', '.join(tm.files)}" for t, tm in m.tables.items() if tm.files)


def _ask_for_table(m, path: Path, why: str, fits: list[Fit]) -> MappingError:
    ranked = sorted(fits, key=lambda f: (-len(f.found), f.table))
    candidates = [f for f in ranked if f.found][:3] or ranked[:3]
    return MappingError(
        f"{m.source}: {path.name} {why}; candidate tables: {'; '.join(f.describe() for f in candidates)}. "
        f"Say which table it is with --table TABLE {path.name} (tables={{TABLE: [...]}}), or leave it out "
        f"with --ignore {path.name} (ignore=[...]).",
        file=path,
    )


def _matches(path: Path, ignore) -> bool:
    for item in ignore:
        text = str(item)
        if Path(text) == path or text == path.name or fnmatch.fnmatch(path.name.lower(), text.lower()):
            return True
    return False


def assign_files(paths, m, read, *, forced=None, in_folder=(), ignore=(), kept_dates=None, joined=None):
    """Assign each file to a table of mapping ``m``, or leave it out with a reason.

    Parameters
    ----------
    paths : list of Path
        Files not forced to a table.
    m : Mapping
    read : callable
        ``read(path, table_or_None, expected_headers) -> ExportTable``.
    forced : dict, optional
        ``{table: [paths]}`` from ``tables=``; read for that table, no questions asked.
    in_folder : set of Path
        Files that came from a folder (rule 4 of the module docstring).
    ignore : iterable
        Names, paths or globs of files to leave out.
    kept_dates : dict, optional
        ``{table: fields}`` of required dates a ``missing_dates`` policy fills.
    joined : dict, optional
        ``{table: headers}`` that ``[[joins]]`` bring to the table from source files
        (a file need not have them itself).

    Returns
    -------
    (dict, list of IgnoredFile, list of str)
        ``{table: [ExportTable, ...]}`` (tables without files left out), the ignored
        files, and a note per file assigned by its header alone.

    Raises
    ------
    MappingError
        For a weak or ambiguous match (asks for ``--table``), or a file named on the
        command line that fits no table.
    """
    kept_dates = kept_dates or {}
    joined = joined or {}
    assigned: dict = {t: [] for t in m.tables}
    ignored: list[IgnoredFile] = []
    notes: list[str] = []
    for table, fs in (forced or {}).items():
        for path in fs:
            assigned[table].append(read(path, table, m.tables[table].candidate_headers))
    all_headers = [h for tm in m.tables.values() for h in tm.candidate_headers]
    unpatterned = [t for t, tm in m.tables.items() if not tm.files]
    folder_paths = [p for p in paths if p in set(in_folder)]
    by_header = bool(folder_paths) and not any(globbed_tables(p.name, m) for p in folder_paths)
    if by_header:
        notes.append("no file of the folder matches the mapping's files patterns; each was matched to a table "
                      "by its header")
    for path in paths:
        if _matches(path, ignore):
            ignored.append(IgnoredFile(path.name, "left out with --ignore (ignore=...)"))
            continue
        globbed = globbed_tables(path.name, m)
        from_folder = path in in_folder
        if from_folder and not globbed and not unpatterned and not by_header:
            ignored.append(IgnoredFile(path.name, f"its name matches none of the mapping's files patterns "
                                                  f"({_patterns(m)}); use --table TABLE FILE to import it"))
            continue
        if len(m.tables) == 1 and not from_folder:
            # one table: every file named feeds it, and a bad header is reported per column
            table = next(iter(m.tables))
            assigned[table].append(read(path, table, m.tables[table].candidate_headers))
            continue
        if len(globbed) == 1:
            export = read(path, globbed[0], m.tables[globbed[0]].candidate_headers)
        else:
            export = read(path, None, all_headers)
        fits = {t: header_fit(export, m.tables[t], t, kept_dates.get(t, ()), joined.get(t, ())) for t in m.tables}
        if globbed:
            good = [t for t in globbed if fits[t].fits]
            if good:
                best = max(good, key=lambda t: (len(fits[t].found), -good.index(t)))
                assigned[best].append(_reread(export, path, best, m, read))
                continue
            names = " or ".join(globbed)
            raise _ask_for_table(m, path, f"matches the files pattern of {names} only by its name: its header "
                                          f"lacks what {names} needs", [fits[t] for t in m.tables])
        pool = list(unpatterned if from_folder and not by_header else m.tables)
        fitting = sorted((fits[t] for t in pool if fits[t].fits), key=lambda f: -f.share)
        if fitting and (len(fitting) == 1 or fitting[1].share * 2 <= fitting[0].share):
            best = fitting[0]
            assigned[best.table].append(_reread(export, path, best.table, m, read))
            notes.append(f"{path.name} → {best.table} by its header ({len(best.found)} of the table's "
                         f"{best.mapped} columns; its name matches no files pattern)")
            continue
        if len(fitting) > 1:
            raise _ask_for_table(m, path, "fits several tables by its header and its name matches no files "
                                          "pattern", fitting)
        if not any(fits[t].found for t in pool):
            if from_folder:
                ignored.append(IgnoredFile(path.name, "none of its headers is one the mapping knows"))
                continue
            expected = {t: [s.headers[0] for s in tm.columns.values() if s.headers][:8] for t, tm in m.tables.items()}
            raise MappingError(
                f"{m.source}: {path.name} does not look like any table of mapping {m.name!r}: none of its "
                f"headers {list(export.headers)[:15]} is a header the mapping knows. Expected e.g. "
                + "; ".join(f"{t}: {', '.join(h)}" for t, h in expected.items())
                + ". Check the file (is it the right export?) or the mapping's column headers.",
                file=path,
            )
        raise _ask_for_table(m, path, "shares only a few columns with the mapping's tables and its name matches "
                                      "no files pattern", [fits[t] for t in pool])
    return {t: e for t, e in assigned.items() if e}, ignored, notes


def _reread(export, path: Path, table: str, m, read):
    """Read again with the table's own read options when they differ from the global ones."""
    return read(path, table, m.tables[table].candidate_headers) if m.read_options(table) != m.read else export
