"""Mapping files: how the columns of a CRM export become the data contract.

A mapping is a TOML file. It says, per contract table, which files feed it, which
export headers hold each field (lists of candidate headers, matched ignoring case,
spacing and punctuation), constants and defaults, value maps (which stages mean won or
lost, which follow-up types are calls or visits), date formats, currency handling and
derived ids. The presets for Salesforce, HubSpot, Zoho CRM and Jiandaoyun are mapping
files shipped in ``workbench/io/crm/presets``; a mapping you write works exactly like one.

The full reference is in ``docs/data.md`` ("Importing CRM exports") and the commented
example ``docs/mapping_example.toml``. Parsing checks everything that can be checked
without the data: unknown keys, wrong types, bad regexes and date formats, unknown
fields, outcomes outside ``open/won/lost``. Every problem is reported at once, each
naming the file and the TOML key path, with a did-you-mean suggestion.

Examples
--------
>>> m = parse_mapping('''
... name = "mini"
... [tables.opportunities.columns]
... owner = ["Deal Owner", "Owner"]
... stage = "Stage"
... amount = {headers = ["Amount"], default = 0}
... created_at = {headers = "Created", formats = ["%d.%m.%Y"]}
... [tables.opportunities.values.outcome]
... source = "stage"
... won = ["Won"]
... lost_patterns = ["^lost"]
... ''')
>>> m.tables["opportunities"].columns["owner"].headers
('Deal Owner', 'Owner')
>>> m.tables["opportunities"].values["outcome"].lookup("WON "), m.tables["opportunities"].values["outcome"].lookup("Lost - price")
('won', 'lost')
>>> parse_mapping('[tables.opportunities.colums]\\nstage = "Stage"')
Traceback (most recent call last):
...
workbench.errors.MappingError: <mapping>: [tables.opportunities] unknown key 'colums' (did you mean 'columns'?); allowed keys: columns, constants, derive, files, missing_dates, people, read, values
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from workbench.contract import TABLE_NAMES, TABLES
from workbench.errors import MappingError

__all__ = [
    "Mapping",
    "TableMapping",
    "ColumnSpec",
    "ValueMap",
    "Derivation",
    "ReadOptions",
    "ParseOptions",
    "CurrencyOptions",
    "RepsOptions",
    "Source",
    "Join",
    "Lookup",
    "parse_mapping",
    "load_mapping",
    "load_preset",
    "preset_names",
    "preset_path",
    "allowed_fields",
    "AUXILIARY_FIELDS",
    "FIELD_TYPES",
    "normalize_value",
    "did_you_mean",
]

FORMAT_VERSION = 1
#: Types a mapped field can be parsed as.
FIELD_TYPES = ("str", "number", "date", "datetime")
_CONTRACT_TO_FIELD_TYPE = {"str": "str", "float": "number", "date": "date", "datetime": "datetime"}

#: Fields that are not contract columns but that the importer understands. Each is
#: (type, tables it applies to (by a contract column they need), meaning).
AUXILIARY_FIELDS: dict[str, tuple[str, str, str]] = {
    "owner": ("str", "rep_id", "owner's name: becomes rep_id (stable slug) and a row of reps"),
    "owner_team": ("str", "rep_id", "owner's team, for the derived reps table"),
    "owner_region": ("str", "rep_id", "owner's region, for the derived reps table"),
    "owner_manager": ("str", "rep_id", "owner's manager name, becomes reps.manager_id"),
    "account_name": ("str", "account_id", "account name: account_id is its slug when no id is mapped"),
    "currency": ("str", "amount", "ISO currency code of the amount (e.g. 'Amount Currency')"),
    "name": ("str", "outcome", "deal name: opportunity_id hash input, and how activities find their deal"),
    "close_date": ("date", "outcome", "close date: closed_at for won/lost deals, expected_close for open ones"),
    "probability": ("str", "outcome", "win probability as written (kept for the report)"),
    "pipeline": ("str", "outcome", "pipeline name (kept for the report)"),
    "opportunity_name": ("str", "opportunity_id", "name of the related deal: resolved to opportunity_id"),
}
_AUX_EXCLUDED = {("opportunity_name", "opportunities")}

_TOP_KEYS = ("format_version", "extends", "name", "description", "stages", "read", "parse", "currency", "reps", "tables",
             "export_date", "sources", "joins")
_READ_KEYS = ("encoding", "delimiter", "sheet", "header_row", "footer", "skip_rows_matching", "skip_default_patterns")
_PARSE_KEYS = ("date_formats", "day_first", "null_values")
_CURRENCY_KEYS = ("reporting", "default", "rates", "symbols")
_REPS_KEYS = ("id", "prefix", "team", "region")
_TABLE_KEYS = ("files", "read", "columns", "constants", "values", "derive", "people", "missing_dates")
_COLUMN_KEYS = ("headers", "type", "formats", "day_first", "default", "required", "occurrence", "fill_down",
                "lookup", "key", "value")
_SOURCE_KEYS = ("files", "key", "read")
_JOIN_KEYS = ("table", "source", "on", "left_on", "right_on", "how", "many")
_JOIN_HOW = ("left", "inner")
_PEOPLE_KEYS = ("headers", "split")
#: Prefix of the hidden helper field that holds the people of one role (``[tables.<t>.people]``).
PEOPLE_FIELD_PREFIX = "x_people_"
_VALUE_KEYS = ("source", "map", "patterns", "default", "case_sensitive")
_DERIVE_KEYS = ("method", "from", "prefix", "when", "expr")
_DERIVE_METHODS = ("slug", "hash", "coalesce", "expr")
_COMMON_CODECS = ("utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030", "big5", "cp1252", "latin-1", "shift_jis")
_ID_METHODS = ("slug", "hash", "as_is")
_WHEN = ("missing", "always")

DEFAULT_NULL_VALUES = ("", "-", "--", "n/a", "na", "null", "none", "nan", "#n/a", "(blank)", "无", "空")
DEFAULT_SYMBOLS = {"￥": "CNY", "元": "CNY", "€": "EUR", "£": "GBP"}  # unambiguous only: "$" and "¥" are not


def did_you_mean(word, choices, n: int = 1) -> str:
    """A ``" (did you mean 'x'?)"`` hint, or ``""`` when nothing is close.

    Examples
    --------
    >>> did_you_mean("amout", ["amount", "stage"])
    " (did you mean 'amount'?)"
    >>> did_you_mean("zzz", ["amount"])
    ''
    """
    choices = [str(c) for c in choices]
    lowered = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(str(word).casefold(), list(lowered), n=n, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(lowered[c]) for c in close) + "?)"


def normalize_value(text, case_sensitive: bool = False) -> str:
    """How values are compared in value maps: NFKC, trimmed, inner spaces collapsed,
    case-folded unless ``case_sensitive``.

    Examples
    --------
    >>> normalize_value("  Closed   Won ")
    'closed won'
    """
    text = " ".join(unicodedata.normalize("NFKC", str(text)).split())
    return text if case_sensitive else text.casefold()


def allowed_fields(table: str) -> dict[str, str]:
    """Fields a mapping may fill for ``table``: contract columns and auxiliary fields,
    each with its type (``str``/``number``/``date``/``datetime``).

    Examples
    --------
    >>> sorted(allowed_fields("reps"))
    ['hire_date', 'manager_id', 'name', 'owner', 'owner_manager', 'owner_region', 'owner_team', 'region', 'rep_id', 'team']
    """
    spec = TABLES[table]
    fields = {c.name: _CONTRACT_TO_FIELD_TYPE[c.dtype] for c in spec.columns}
    names = set(spec.column_names)
    for aux, (ftype, needs, _) in AUXILIARY_FIELDS.items():
        if needs in names and (aux, table) not in _AUX_EXCLUDED and aux not in fields:
            fields[aux] = ftype
    return fields


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class ReadOptions:
    """How files are read (``[read]``, or ``[tables.<t>.read]`` per table)."""

    encoding: object = "auto"  # "auto", a codec, or a tuple of codecs tried in order
    delimiter: str = "auto"
    sheet: object = None
    header_row: object = "auto"
    footer: str = "auto"
    skip_rows_matching: tuple = ()
    skip_default_patterns: bool = True


@dataclass(frozen=True)
class ParseOptions:
    """How cells are parsed (``[parse]``)."""

    date_formats: tuple = ()
    day_first: bool | None = None
    null_values: tuple = DEFAULT_NULL_VALUES


@dataclass(frozen=True)
class CurrencyOptions:
    """Currency handling (``[currency]``)."""

    reporting: str | None = None
    default: str | None = None
    rates: tuple = ()  # ((code, rate to reporting), ...)
    symbols: tuple = tuple(DEFAULT_SYMBOLS.items())

    def rate(self, code: str) -> float | None:
        """Rate that converts an amount in ``code`` to the reporting currency."""
        if self.reporting and code == self.reporting:
            return 1.0
        return dict(self.rates).get(code)


@dataclass(frozen=True)
class RepsOptions:
    """How the reps table is derived from owner names (``[reps]``)."""

    id: str = "slug"
    prefix: str = ""
    team: str = "Unassigned"
    region: str = "Unassigned"


@dataclass(frozen=True)
class ColumnSpec:
    """Where one field comes from: candidate headers and how to parse them."""

    field: str
    headers: tuple
    type: str
    formats: tuple = ()
    day_first: bool | None = None
    default: object = None
    required: bool | None = None
    occurrence: int = 1
    key: str = ""
    fill_down: bool = False
    lookup: Lookup | None = None


@dataclass(frozen=True)
class ValueMap:
    """Maps raw values of ``source`` to values of ``field``."""

    field: str
    source: str
    exact: tuple = ()  # ((normalized raw, value), ...)
    patterns: tuple = ()  # ((compiled regex, value), ...)
    default: str | None = None
    case_sensitive: bool = False
    key: str = ""

    def lookup(self, raw):
        """The mapped value of ``raw``: an exact match first, then the first matching
        pattern, then ``default``; ``None`` when nothing applies (the raw value is kept).
        An empty cell (``None``) takes ``default``.
        """
        return self.explain(raw)[0]

    def explain(self, raw) -> tuple:
        """``(mapped value, rule)`` for ``raw``; rule is ``"exact"``, ``"pattern /re/"``,
        ``"default"`` (also for an empty cell) or ``"unmatched"`` (value ``None``)."""
        if raw is None:
            return (self.default, "default") if self.default is not None else (None, "unmatched")
        norm = normalize_value(raw, self.case_sensitive)
        for src, dst in self.exact:
            if src == norm:
                return dst, "exact"
        for pattern, dst in self.patterns:
            if pattern.search(norm):
                return dst, f"pattern /{pattern.pattern}/"
        return (self.default, "default") if self.default is not None else (None, "unmatched")


@dataclass(frozen=True)
class Derivation:
    """A field computed from other fields: ``slug``, ``hash`` or ``coalesce``."""

    field: str
    method: str
    sources: tuple
    prefix: str = ""
    when: str = "missing"
    key: str = ""
    expression: object = None  # an expressions.Expression when method == "expr"


@dataclass(frozen=True)
class Source:
    """A file that is not a table by itself: the right side of a join or a lookup table
    (``[sources.<name>]``)."""

    name: str
    files: tuple
    key: tuple = ()  # candidate headers of the key column (lookups)
    read: ReadOptions | None = None


@dataclass(frozen=True)
class Join:
    """``[[joins]]``: rows of ``table``'s files extended with the columns of ``source``."""

    table: str
    source: str
    left_on: tuple
    right_on: tuple
    how: str = "left"
    many: bool = False
    key: str = ""


@dataclass(frozen=True)
class Lookup:
    """A field looked up in a source: the row of ``source`` whose key equals this
    table's ``key_field``, column ``value``."""

    source: str
    key_field: str
    value: tuple  # candidate headers in the source


@dataclass(frozen=True)
class TableMapping:
    """The mapping of one contract table."""

    name: str
    files: tuple = ()
    read: ReadOptions | None = None
    columns: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    derive: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)  # role -> (helper field, split separator or "")
    missing_dates: dict = field(default_factory=dict)  # field -> MissingDatePolicy (workbench.io.crm.missing)

    @property
    def candidate_headers(self) -> list[str]:
        """Every header this table looks for."""
        return [h for spec in self.columns.values() for h in spec.headers]


@dataclass(frozen=True)
class Mapping:
    """A parsed, validated mapping file. Build it with :func:`load_mapping`,
    :func:`parse_mapping` or :func:`load_preset`."""

    name: str
    description: str = ""
    source: str = "<mapping>"
    stages: tuple = ()
    read: ReadOptions = ReadOptions()
    parse: ParseOptions = ParseOptions()
    currency: CurrencyOptions = CurrencyOptions()
    reps: RepsOptions = RepsOptions()
    tables: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)  # name -> Source
    joins: tuple = ()  # Join, in file order
    export_date: object = None  # a pandas Timestamp; None = missing.resolve_export_date's default

    def read_options(self, table: str) -> ReadOptions:
        """Read options for ``table`` (its own ``read`` section, or the global one)."""
        own = self.tables[table].read
        return own if own is not None else self.read


# ----------------------------------------------------------------------------- parsing


class _Checker:
    """Collects every problem of a mapping, so that one error lists them all."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, message: str):
        self.problems.append(f"{where} {message}" if where else message)

    def keys(self, where: str, table: dict, allowed) -> None:
        for key in table:
            if key not in allowed:
                self.add(
                    where,
                    f"unknown key {key!r}{did_you_mean(key, allowed)}; "
                    f"allowed keys: {', '.join(sorted(allowed))}",
                )

    def table(self, where: str, value, name: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(where, f"{name!r} must be a table ([...] section or {{...}}); got {_show(value)}")
            return {}
        return value

    def string(self, where, key, value, default=None, choices=None):
        if value is None:
            return default
        if not isinstance(value, str):
            self.add(where, f"{key!r} must be a string; got {_show(value)}")
            return default
        if choices is not None and value not in choices:
            self.add(
                where,
                f"{key!r} must be one of {', '.join(map(repr, choices))}; "
                f"got {value!r}{did_you_mean(value, choices)}",
            )
            return default
        return value

    def boolean(self, where, key, value, default=None):
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(where, f"{key!r} must be true or false; got {_show(value)}")
            return default
        return value

    def strings(self, where, key, value) -> tuple:
        """A string or a list of strings."""
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.add(where, f"{key!r} must be a string or a list of strings; got {_show(value)}")
        return ()

    def regexes(self, where, key, values) -> tuple:
        out = []
        for pattern in values:
            try:
                out.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                self.add(where, f"{key!r}: {pattern!r} is not a valid regular expression ({exc})")
        return tuple(out)

    def date_formats(self, where, key, values) -> tuple:
        for fmt in values:
            if "%" not in fmt:
                self.add(
                    where,
                    f"{key!r}: {fmt!r} is not a strptime format (use codes like '%Y-%m-%d', "
                    "'%m/%d/%Y', '%d.%m.%Y %H:%M', '%Y年%m月%d日')",
                )
                continue
            try:
                _dt.datetime(2026, 3, 5, 14, 7, 9).strftime(fmt)
                bad = re.findall(r"%([^aAwdbBmyYHIpMSfzZjUWcxX%GuV])", fmt)
                if bad:
                    raise ValueError(f"unknown directive %{bad[0]}")
            except ValueError as exc:
                self.add(where, f"{key!r}: {fmt!r} is not a valid strptime format ({exc})")
        return tuple(values)


def _show(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) < 60 else text[:57] + '...'}"


def _parse_read(ck: _Checker, where: str, raw: dict, base: ReadOptions) -> ReadOptions:
    ck.keys(where, raw, _READ_KEYS)
    header_row = raw.get("header_row", base.header_row)
    if not (header_row == "auto" or (isinstance(header_row, int) and not isinstance(header_row, bool) and header_row >= 1)):
        ck.add(where, f"'header_row' must be \"auto\" or a row number (1 = first row); got {_show(header_row)}")
        header_row = "auto"
    sheet = raw.get("sheet", base.sheet)
    if sheet is not None and not isinstance(sheet, str):
        ck.add(where, f"'sheet' must be the name of a workbook sheet; got {_show(sheet)}")
        sheet = None
    patterns = ck.strings(where, "skip_rows_matching", raw.get("skip_rows_matching"))
    ck.regexes(where, "skip_rows_matching", patterns)
    delimiter = ck.string(where, "delimiter", raw.get("delimiter"), base.delimiter)
    if delimiter != "auto" and len(delimiter) != 1:
        ck.add(where, f"'delimiter' must be \"auto\" or one character; got {delimiter!r}")
        delimiter = "auto"
    encoding = raw.get("encoding", base.encoding)
    names = [encoding] if isinstance(encoding, str) else encoding
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(e, str) for e in names):
        ck.add(where, f"'encoding' must be \"auto\", a codec name or a list of codec names tried in order; got {_show(encoding)}")
        encoding = "auto"
    else:
        import codecs

        for name in names:
            if name == "auto":
                continue
            try:
                codecs.lookup(name)
            except LookupError:
                ck.add(where, f"'encoding' {name!r} is not a known codec{did_you_mean(name, _COMMON_CODECS)} "
                              "(try \"auto\", \"utf-8\", \"gbk\", \"cp1252\")")
                encoding = "auto"
        if isinstance(encoding, list):
            encoding = tuple(encoding)
    return ReadOptions(
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        header_row=header_row,
        footer=ck.string(where, "footer", raw.get("footer"), base.footer, ("auto", "none")),
        skip_rows_matching=patterns if "skip_rows_matching" in raw else base.skip_rows_matching,
        skip_default_patterns=ck.boolean(
            where, "skip_default_patterns", raw.get("skip_default_patterns"), base.skip_default_patterns
        ),
    )


def _parse_column(ck: _Checker, where: str, fld: str, ftype: str, raw) -> ColumnSpec | None:
    key = f"{where} {fld!r}"
    if isinstance(raw, (str, list)):
        headers = ck.strings(where, fld, raw)
        if not headers:
            ck.add(where, f"{fld!r} lists no headers")
            return None
        return ColumnSpec(fld, headers, ftype, key=key)
    if not isinstance(raw, dict):
        ck.add(where, f"{fld!r} must be a header, a list of headers or a table {{headers = [...], ...}}; got {_show(raw)}")
        return None
    sub = f"{where[:-1]}.{fld}]" if where.endswith("]") else where
    ck.keys(sub, raw, _COLUMN_KEYS)
    headers = ck.strings(sub, "headers", raw.get("headers"))
    default = raw.get("default")
    lookup = None
    if "lookup" in raw or "key" in raw or "value" in raw:
        source = ck.string(sub, "lookup", raw.get("lookup"))
        key_field = ck.string(sub, "key", raw.get("key"))
        value = ck.strings(sub, "value", raw.get("value"))
        if not (source and key_field and value):
            ck.add(sub, "a lookup needs 'lookup' (a [sources.<name>]), 'key' (the field of this table to look up) "
                        "and 'value' (the column of the source to take), e.g. "
                        "{lookup = \"products\", key = \"product\", value = \"sales_price\"}")
        else:
            lookup = Lookup(source, key_field, value)
    if not headers and default is None and lookup is None:
        ck.add(sub, "needs 'headers' (or a 'lookup', or at least a 'default')")
    if default is not None and not isinstance(default, (str, int, float, _dt.date)):
        ck.add(sub, f"'default' must be a string, number or date; got {_show(default)}")
        default = None
    col_type = ck.string(sub, "type", raw.get("type"), ftype, FIELD_TYPES)
    kinds = {"str": "text", "number": "number", "date": "date", "datetime": "date"}
    if not fld.startswith("x_") and kinds[col_type] != kinds[ftype]:
        ck.add(sub, f"'type' {col_type!r} does not fit {fld!r}, which is {ftype}")
        col_type = ftype
    occurrence = raw.get("occurrence", 1)
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        ck.add(sub, f"'occurrence' must be a positive integer (1 = first column with that header); got {_show(occurrence)}")
        occurrence = 1
    formats = ck.date_formats(sub, "formats", ck.strings(sub, "formats", raw.get("formats")))
    if formats and col_type not in ("date", "datetime"):
        ck.add(sub, f"'formats' only applies to date/datetime fields; {fld!r} is {col_type}")
    return ColumnSpec(
        fld,
        headers,
        col_type,
        formats=formats,
        day_first=ck.boolean(sub, "day_first", raw.get("day_first")),
        default=default,
        required=ck.boolean(sub, "required", raw.get("required")),
        occurrence=occurrence,
        key=f"{sub}",
        fill_down=ck.boolean(sub, "fill_down", raw.get("fill_down"), False),
        lookup=lookup,
    )


def _parse_values(ck: _Checker, where: str, table: str, fld: str, raw, fields: dict,
                  fields_mapped=()) -> ValueMap | None:
    sub = f"[tables.{table}.values.{fld}]"
    if not isinstance(raw, dict):
        ck.add(where, f"{fld!r} must be a table; got {_show(raw)}")
        return None
    allowed_targets = ()
    if fld in TABLES[table].column_names:
        allowed_targets = TABLES[table].column(fld).allowed or ()
    list_keys = tuple(allowed_targets) + tuple(f"{v}_patterns" for v in allowed_targets)
    ck.keys(sub, raw, _VALUE_KEYS + list_keys)
    # default source: the field itself, except an outcome with no outcome column reads the stage
    default_source = "stage" if fld == "outcome" and "outcome" not in fields_mapped else fld
    source = ck.string(sub, "source", raw.get("source"), default_source)
    if source not in fields and not source.startswith("x_"):
        ck.add(sub, f"'source' {source!r} is not a field of {table}{did_you_mean(source, fields)}")
    case_sensitive = ck.boolean(sub, "case_sensitive", raw.get("case_sensitive"), False)

    def check_target(value, key):
        if not isinstance(value, str):
            ck.add(sub, f"{key}: the mapped value must be a string; got {_show(value)}")
            return False
        if allowed_targets and value not in allowed_targets:
            ck.add(
                sub,
                f"{key}: {value!r} is not an allowed value of {table}.{fld}{did_you_mean(value, allowed_targets)}; "
                f"allowed: {', '.join(allowed_targets)}",
            )
            return False
        return True

    exact, patterns = [], []
    seen: dict[str, str] = {}

    def add_exact(src, dst, key):
        norm = normalize_value(src, case_sensitive)
        if norm in seen and seen[norm] != dst:
            ck.add(sub, f"{key}: {src!r} is mapped to both {seen[norm]!r} and {dst!r}")
            return
        seen[norm] = dst
        exact.append((norm, dst))

    mapping = ck.table(sub, raw.get("map"), "map")
    for src, dst in mapping.items():
        if check_target(dst, f"map {src!r}"):
            add_exact(src, dst, f"map {src!r}")
    pats = ck.table(sub, raw.get("patterns"), "patterns")
    for pattern, dst in pats.items():
        if check_target(dst, f"patterns {pattern!r}"):
            for compiled in ck.regexes(sub, "patterns", [pattern]):
                patterns.append((compiled, dst))
    for target in allowed_targets:
        for src in ck.strings(sub, target, raw.get(target)):
            add_exact(src, target, f"{target!r}")
        for compiled in ck.regexes(sub, f"{target}_patterns", ck.strings(sub, f"{target}_patterns", raw.get(f"{target}_patterns"))):
            patterns.append((compiled, target))
    default = raw.get("default")
    if default is not None and not check_target(default, "'default'"):
        default = None
    if not exact and not patterns and default is None:
        ck.add(sub, "maps nothing: give 'map', 'patterns'" + (f", or lists named {', '.join(allowed_targets)}" if allowed_targets else "") + ", or a 'default'")
    return ValueMap(fld, source, tuple(exact), tuple(patterns), default, case_sensitive, key=sub)


def _parse_derive(ck: _Checker, table: str, fld: str, raw, fields: dict) -> Derivation | None:
    sub = f"[tables.{table}.derive.{fld}]"
    if isinstance(raw, str) or (isinstance(raw, dict) and "expr" in raw):  # an expression
        text = raw if isinstance(raw, str) else raw.get("expr")
        if isinstance(raw, dict):
            ck.keys(sub, raw, ("expr", "when"))
        from workbench.io.crm.expressions import parse_expression

        allowed = TABLES[table].column(fld).allowed if fld in TABLES[table].column_names else None
        try:
            expression = parse_expression(text, names=set(fields) - {fld}, words=tuple(allowed or ()))
        except MappingError as exc:
            ck.add(sub, str(exc))
            return None
        when = ck.string(sub, "when", raw.get("when") if isinstance(raw, dict) else None, "missing", _WHEN)
        return Derivation(fld, "expr", expression.names, when=when, key=sub, expression=expression)
    if not isinstance(raw, dict):
        ck.add(f"[tables.{table}.derive]", f"{fld!r} must be a table or an expression; got {_show(raw)}")
        return None
    ck.keys(sub, raw, _DERIVE_KEYS)
    method = ck.string(sub, "method", raw.get("method"), None, _DERIVE_METHODS)
    if raw.get("method") is None:
        ck.add(sub, f"needs 'method' (one of {', '.join(_DERIVE_METHODS)})")
    sources = ck.strings(sub, "from", raw.get("from"))
    if not sources:
        ck.add(sub, "needs 'from': the field(s) it is computed from")
    if method == "expr":
        ck.add(sub, "method 'expr' is written as expr = \"...\" (or the expression as a string)")
    for s in sources:
        if s not in fields and not s.startswith("x_"):
            ck.add(sub, f"'from' names {s!r}, which is not a field of {table}{did_you_mean(s, fields)}")
    return Derivation(
        fld,
        method or "coalesce",
        sources,
        prefix=ck.string(sub, "prefix", raw.get("prefix"), ""),
        when=ck.string(sub, "when", raw.get("when"), "missing", _WHEN),
        key=sub,
    )


def _parse_table(ck: _Checker, table: str, raw: dict, base_read: ReadOptions) -> TableMapping:
    where = f"[tables.{table}]"
    ck.keys(where, raw, _TABLE_KEYS)
    fields = allowed_fields(table)
    files = ck.strings(where, "files", raw.get("files"))
    read = None
    if "read" in raw:
        read = _parse_read(ck, f"[tables.{table}.read]", ck.table(where, raw["read"], "read"), base_read)

    def field_type(where_key: str, fld: str):
        if fld in fields:
            return fields[fld]
        if fld.startswith("x_") and len(fld) > 2:
            return "str"
        ck.add(
            where_key,
            f"unknown field {fld!r}{did_you_mean(fld, fields)}; fields of {table}: "
            f"{', '.join(sorted(fields))} (helper fields of your own must start with 'x_')",
        )
        return None

    columns = {}
    cwhere = f"[tables.{table}.columns]"
    for fld, spec in ck.table(where, raw.get("columns"), "columns").items():
        ftype = field_type(cwhere, fld)
        if ftype is not None:
            parsed = _parse_column(ck, cwhere, fld, ftype, spec)
            if parsed is not None:
                columns[fld] = parsed
    constants = {}
    kwhere = f"[tables.{table}.constants]"
    for fld, value in ck.table(where, raw.get("constants"), "constants").items():
        if field_type(kwhere, fld) is None:
            continue
        if not isinstance(value, (str, int, float, _dt.date)) or isinstance(value, bool):
            ck.add(kwhere, f"{fld!r} must be a string, number or date; got {_show(value)}")
            continue
        if fld in columns:
            ck.add(kwhere, f"{fld!r} is also mapped in [tables.{table}.columns]; use 'default' there for a fallback value")
            continue
        allowed = TABLES[table].column(fld).allowed if fld in TABLES[table].column_names else None
        if allowed and value not in allowed:
            ck.add(kwhere, f"{fld!r} = {value!r} is not allowed; allowed: {', '.join(allowed)}")
            continue
        constants[fld] = value
    values = {}
    vwhere = f"[tables.{table}.values]"
    for fld, spec in ck.table(where, raw.get("values"), "values").items():
        if field_type(vwhere, fld) is None:
            continue
        parsed = _parse_values(ck, vwhere, table, fld, spec, {**fields, **columns},
                               fields_mapped=set(columns) | set(constants))
        if parsed is not None:
            values[fld] = parsed
    people = {}
    pwhere = f"[tables.{table}.people]"
    for role, spec in ck.table(where, raw.get("people"), "people").items():
        if table != "opportunities":
            ck.add(pwhere, "people are kept per deal: use [tables.opportunities.people]")
            break
        if not re.fullmatch(r"[a-z][a-z0-9_]*", role) or role == "owner":
            ck.add(pwhere, f"role {role!r} must be a lower-case name like 'sdr' or 'closer' ('owner' is the deal's "
                           "rep_id/owner column)")
            continue
        split = ""
        if isinstance(spec, dict):
            ck.keys(f"{pwhere[:-1]}.{role}]", spec, _PEOPLE_KEYS)
            split = ck.string(pwhere, "split", spec.get("split"), "") or ""
            spec = spec.get("headers")
        headers = ck.strings(pwhere, role, spec)
        if not headers:
            ck.add(pwhere, f"{role!r} needs the header(s) of the column naming that person")
            continue
        helper = PEOPLE_FIELD_PREFIX + role
        columns[helper] = ColumnSpec(helper, headers, "str", key=f"{pwhere} {role!r}")
        people[role] = (helper, split)
    derive = {}
    for fld, spec in ck.table(where, raw.get("derive"), "derive").items():
        if field_type(f"[tables.{table}.derive]", fld) is None:
            continue
        parsed = _parse_derive(ck, table, fld, spec, {**fields, **columns, **derive})
        if parsed is not None:
            derive[fld] = parsed
    for fld, spec in columns.items():
        allowed = TABLES[table].column(fld).allowed if fld in TABLES[table].column_names else None
        if allowed and isinstance(spec.default, str) and spec.default not in allowed:
            ck.add(spec.key, f"'default' {spec.default!r} is not allowed for {table}.{fld}; allowed: {', '.join(allowed)}")
    missing_dates = {}
    if "missing_dates" in raw:  # rows lacking a required date: see workbench.io.crm.missing
        from workbench.io.crm.missing import parse_missing_dates

        missing_dates = parse_missing_dates(table, raw["missing_dates"], {**fields, **columns}, ck.add)
    return TableMapping(table, files, read, columns, constants, values, derive, people,
                        missing_dates=missing_dates)


def _deep_merge(base: dict, override: dict) -> dict:
    """``override`` on top of ``base``: tables merge key by key, everything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_raw(text: str, source: str, base_dir, depth: int = 0) -> dict:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{source}: not valid TOML: {exc}", file=source) from None
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise MappingError(f"{source}: 'extends' must be a preset name or a mapping file path; got {_show(parent)}", file=source, key="extends")
    if depth > 5:
        raise MappingError(f"{source}: 'extends' chain is too deep (a cycle?)", file=source, key="extends")
    if parent.lower() in preset_names():
        path = preset_path(parent)
        parent_source = f"preset {path.name}"
        parent_text = path.read_text(encoding="utf-8")
        parent_dir = None
    else:
        path = Path(parent) if base_dir is None else Path(base_dir) / parent
        if not path.is_file():
            raise MappingError(
                f"{source}: 'extends' = {parent!r} is neither a preset ({', '.join(preset_names())}) "
                f"nor a file{did_you_mean(parent.lower(), preset_names())}",
                file=source, key="extends",
            )
        parent_source, parent_text, parent_dir = path.name, path.read_text(encoding="utf-8-sig"), path.parent
    base = _load_raw(parent_text, parent_source, parent_dir, depth + 1)
    return _deep_merge(base, raw)


def parse_mapping(text: str, *, source: str = "<mapping>", base_dir=None) -> Mapping:
    """Parse and validate mapping TOML text.

    Parameters
    ----------
    text : str
        The TOML document. ``extends = "salesforce"`` (a preset) or ``extends =
        "base.toml"`` (a file, relative to ``base_dir``) starts from that mapping:
        tables merge key by key, other values (lists included) replace.
    source : str
        Name used in error messages (the file name).
    base_dir : path, optional
        Folder that relative ``extends`` paths are resolved against.

    Raises
    ------
    MappingError
        Listing every problem found, each with its TOML key path.
    """
    raw = _load_raw(text, source, base_dir)
    ck = _Checker(source)
    ck.keys("", raw, _TOP_KEYS)
    version = raw.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        ck.add("", f"'format_version' must be {FORMAT_VERSION}; got {_show(version)}")
    name = ck.string("", "name", raw.get("name"), Path(source).stem)
    description = ck.string("", "description", raw.get("description"), "")
    stages = ck.strings("", "stages", raw.get("stages"))

    read = _parse_read(ck, "[read]", ck.table("", raw.get("read"), "read"), ReadOptions())

    praw = ck.table("", raw.get("parse"), "parse")
    ck.keys("[parse]", praw, _PARSE_KEYS)
    formats = ck.date_formats("[parse]", "date_formats", ck.strings("[parse]", "date_formats", praw.get("date_formats")))
    nulls = praw.get("null_values")
    parse = ParseOptions(
        date_formats=formats,
        day_first=ck.boolean("[parse]", "day_first", praw.get("day_first"), None),
        null_values=tuple(normalize_value(v) for v in ck.strings("[parse]", "null_values", nulls))
        if nulls is not None
        else DEFAULT_NULL_VALUES,
    )

    craw = ck.table("", raw.get("currency"), "currency")
    ck.keys("[currency]", craw, _CURRENCY_KEYS)
    code = re.compile(r"^[A-Z]{3}$")
    reporting = ck.string("[currency]", "reporting", craw.get("reporting"))
    default_cur = ck.string("[currency]", "default", craw.get("default"))
    for key, value in (("reporting", reporting), ("default", default_cur)):
        if value is not None and not code.match(value):
            ck.add("[currency]", f"{key!r} must be a 3-letter ISO code like 'USD' or 'CNY'; got {value!r}")
    rates = []
    for cur, rate in ck.table("[currency]", craw.get("rates"), "rates").items():
        if not code.match(cur):
            ck.add("[currency.rates]", f"{cur!r} is not a 3-letter ISO currency code")
        elif not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate <= 0:
            ck.add("[currency.rates]", f"{cur!r} must be a positive number (1 {cur} = rate {reporting or 'reporting currency'}); got {_show(rate)}")
        else:
            rates.append((cur, float(rate)))
    if rates and reporting is None:
        ck.add("[currency]", "'rates' needs 'reporting': the currency the rates convert to")
    symbols = dict(DEFAULT_SYMBOLS)
    for sym, cur in ck.table("[currency]", craw.get("symbols"), "symbols").items():
        if not isinstance(cur, str) or not code.match(cur):
            ck.add("[currency.symbols]", f"{sym!r} must map to a 3-letter ISO code; got {_show(cur)}")
        else:
            symbols[sym] = cur
    currency = CurrencyOptions(reporting, default_cur, tuple(rates), tuple(symbols.items()))

    rraw = ck.table("", raw.get("reps"), "reps")
    ck.keys("[reps]", rraw, _REPS_KEYS)
    reps = RepsOptions(
        id=ck.string("[reps]", "id", rraw.get("id"), "slug", _ID_METHODS),
        prefix=ck.string("[reps]", "prefix", rraw.get("prefix"), ""),
        team=ck.string("[reps]", "team", rraw.get("team"), "Unassigned"),
        region=ck.string("[reps]", "region", rraw.get("region"), "Unassigned"),
    )

    tables = {}
    for table, traw in ck.table("", raw.get("tables"), "tables").items():
        if table not in TABLE_NAMES:
            ck.add(
                "[tables]",
                f"unknown table {table!r}{did_you_mean(table, TABLE_NAMES)}; tables: {', '.join(TABLE_NAMES)}",
            )
            continue
        tables[table] = _parse_table(ck, table, ck.table("[tables]", traw, table), read)
    sources = _parse_sources(ck, ck.table("", raw.get("sources"), "sources"), read)
    joins = _parse_joins(ck, raw.get("joins"), tables, sources)
    _check_lookups(ck, tables, sources)
    export_date = _parse_export_date(ck, raw.get("export_date"))
    if not tables and not ck.problems:
        ck.add("", "maps no table: add at least [tables.opportunities.columns]")
    if ck.problems:
        head = ck.problems[0] if len(ck.problems) == 1 else f"{len(ck.problems)} problems:\n  - " + "\n  - ".join(ck.problems)
        raise MappingError(f"{source}: {head}", file=source, problems=ck.problems)
    return Mapping(name, description, source, stages, read, parse, currency, reps, tables, sources, joins, export_date)


def _parse_sources(ck: _Checker, raw: dict, base_read: ReadOptions) -> dict:
    sources = {}
    for name, spec in raw.items():
        where = f"[sources.{name}]"
        spec = ck.table("[sources]", spec, name)
        ck.keys(where, spec, _SOURCE_KEYS)
        if name in TABLE_NAMES:
            ck.add(where, f"{name!r} is a contract table; name a source after its file (e.g. 'products', 'closed_deals')")
        files = ck.strings(where, "files", spec.get("files"))
        if not files:
            ck.add(where, "needs 'files': glob(s) of the file names it is read from, e.g. files = \"products*.csv\"")
        read = _parse_read(ck, f"[sources.{name}.read]", ck.table(where, spec["read"], "read"), base_read) \
            if "read" in spec else None
        sources[name] = Source(name, files, ck.strings(where, "key", spec.get("key")), read)
    return sources


def _parse_joins(ck: _Checker, raw, tables: dict, sources: dict) -> tuple:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(j, dict) for j in raw):
        ck.add("", "'joins' must be an array of tables: [[joins]] sections")
        return ()
    joins = []
    for n, spec in enumerate(raw, start=1):
        where = f"[[joins]] #{n}"
        ck.keys(where, spec, _JOIN_KEYS)
        table = ck.string(where, "table", spec.get("table"), next(iter(tables), "opportunities") if len(tables) == 1 else None)
        if table is None:
            ck.add(where, f"needs 'table': the table whose files are the left side ({', '.join(tables)})")
            continue
        if table not in tables:
            ck.add(where, f"'table' {table!r} is not a table of this mapping{did_you_mean(table, tables)}")
            continue
        source = ck.string(where, "source", spec.get("source"))
        if source is None or source not in sources:
            ck.add(where, f"'source' must name a [sources.<name>] section{did_you_mean(source or '', sources)}; "
                          f"sources: {', '.join(sources) or '(none: add [sources.<name>] files = ...)'}")
            continue
        on = ck.strings(where, "on", spec.get("on"))
        left = ck.strings(where, "left_on", spec.get("left_on")) or on
        right = ck.strings(where, "right_on", spec.get("right_on")) or on
        if not left or not right:
            ck.add(where, "needs 'on' (a header in both files) or 'left_on' and 'right_on'")
            continue
        if len(left) != len(right):
            ck.add(where, f"'left_on' has {len(left)} header(s) but 'right_on' has {len(right)}")
            continue
        how = ck.string(where, "how", spec.get("how"), "left", _JOIN_HOW)
        many = ck.boolean(where, "many", spec.get("many"), False)
        joins.append(Join(table, source, left, right, how, many, key=where))
    return tuple(joins)


def _check_lookups(ck: _Checker, tables: dict, sources: dict) -> None:
    for table, tm in tables.items():
        fields = {**allowed_fields(table), **tm.columns, **tm.constants}
        for fld, spec in tm.columns.items():
            if spec.lookup is None:
                continue
            if spec.lookup.source not in sources:
                ck.add(spec.key, f"'lookup' {spec.lookup.source!r} is not a [sources.<name>] section"
                                 f"{did_you_mean(spec.lookup.source, sources)}; sources: {', '.join(sources) or '(none)'}")
            elif not sources[spec.lookup.source].key:
                ck.add(f"[sources.{spec.lookup.source}]", f"needs 'key': the header of its key column (looked up by {table}.{fld})")
            if spec.lookup.key_field not in fields or spec.lookup.key_field == fld:
                ck.add(spec.key, f"'key' {spec.lookup.key_field!r} must be another field of {table}"
                                 f"{did_you_mean(spec.lookup.key_field, fields)}")


def _parse_export_date(ck: _Checker, raw):
    """``export_date``: a TOML date, a 'YYYY-MM-DD' string, or "latest" (the default)."""
    if raw is None or raw == "latest":
        return None
    import pandas as pd

    if isinstance(raw, (_dt.date, str)):
        try:
            return pd.Timestamp(raw)
        except (ValueError, TypeError):
            pass
    ck.add("", f"'export_date' must be a date like 2026-06-30 or \"latest\"; got {_show(raw)}")
    return None


def load_mapping(path) -> Mapping:
    """Read and validate a mapping TOML file.

    Raises
    ------
    MappingError
        If the file is missing, is not TOML, or is not a valid mapping.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found.", file=path) from None
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: a mapping file must be UTF-8 text ({exc}).", file=path) from None
    return parse_mapping(text, source=path.name, base_dir=path.parent)


def preset_names() -> list[str]:
    """Names of the presets shipped with the package.

    Examples
    --------
    >>> preset_names()
    ['hubspot', 'jiandaoyun', 'salesforce', 'zoho']
    """
    folder = resources.files("workbench.io.crm") / "presets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def preset_path(name: str):
    """Path (a Traversable) of the preset ``name``; copy it to start your own mapping."""
    names = preset_names()
    key = str(name).strip().lower()
    if key not in names:
        raise MappingError(
            f"unknown preset {name!r}{did_you_mean(key, names)}; presets: {', '.join(names)} "
            "(or write a mapping file and pass mapping=...)",
        )
    return resources.files("workbench.io.crm") / "presets" / f"{key}.toml"


def load_preset(name: str) -> Mapping:
    """Load a preset shipped with the package (``salesforce``, ``hubspot``, ``zoho``,
    ``jiandaoyun``).

    Examples
    --------
    >>> load_preset("salesforce").tables["opportunities"].columns["stage"].headers[0]
    'Stage'
    """
    path = preset_path(name)
    return parse_mapping(path.read_text(encoding="utf-8"), source=f"preset {path.name}")
