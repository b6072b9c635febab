"""Validate raw tables against the data contract, quarantining bad rows.

:func:`validate_tables` is the one gate every source passes through (folders, DuckDB
files, in-memory frames, CRM importers). It

1. matches source columns to contract columns (case, spaces and hyphens ignored:
   ``Rep ID`` -> ``rep_id``); a missing **required table or column** is a file-level
   problem and raises :class:`~workbench.errors.DataError` naming the file, the column
   and what was expected;
2. coerces each contract column to its type (text stripped, enum values lower-cased,
   numbers and dates parsed with :mod:`workbench.io.parsing`, periods normalised to
   ``2026-03`` / ``2026-Q1``);
3. checks every row and moves failing rows to ``data.quarantine`` with the table, file,
   source row number, column, original value and reason. The rest loads.

Quarantine policy
-----------------
**One quarantine entry per rejected row**, carrying the *first* problem found, checks
running in this order: malformed row, then per column in contract order (missing required
value, unparseable date / number / period, unknown enum value, out of range — including
dates outside the plausible range for sales data, 1990..2100 by default, and amounts above
1e15, see :mod:`workbench.io.plausible`), then
closed_at before created_at, outcome inconsistent with closed_at, duplicate key (the first
valid occurrence is kept), unknown reference (e.g. ``rep_id`` not in ``reps``), and
cascade (the referenced row was itself quarantined). So for every table
``rows read = rows loaded + len(quarantine[quarantine.table == t])``; this is checked
inside the code on every call. Fix the first problem of a row and re-run to see the next.

Referential checks run once the referenced table is validated (tables are processed in
contract order: reps, opportunities, stage_history, activities, ...). They apply when
the referenced table was provided: ``training_log.module_id`` is only checked against a
provided ``training_catalog``.

Row numbers: ``_source_row`` (int) and ``_source_file`` (str) helper columns, when
present, say where each row came from; otherwise the frame's index label is used (the
file readers set it to the row number a spreadsheet shows). Helper columns are never
loaded. Source columns outside the contract are not loaded either; they are listed in
``data.ignored_columns`` and in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.contract import OUTCOMES, TABLE_NAMES, TABLES, Column, Table
from workbench.errors import DataError
from workbench.io._fast import (
    TEXT_DTYPE,
    CellEdges,
    duplicated_first,
    filter_rows,
    isin,
    isin_large,
    isin_short,
    null_text,
    strip_text,
)
from workbench.io.parsing import STRICT_NA_TOKENS, _mask, _numbers_as_text, parse_datetimes, parse_numbers
from workbench.io.plausible import AMOUNT_COLUMNS, Plausible
from workbench.io.sales_data import QUARANTINE_COLUMNS, SalesData
from workbench.io.stages import infers_stages, resolve_stages
from workbench.messages import MESSAGES
from workbench.periods import parse_period, period_label

__all__ = ["validate_tables", "normalize_column_name", "HELPER_COLUMNS"]

#: Helper columns a source may add to say where rows came from; never loaded.
HELPER_COLUMNS = ("_source_row", "_source_file", "_row_error")

_CLOSED = ("won", "lost")
_TEXT_DTYPE = TEXT_DTYPE  # pandas' "str", as a dtype object (faster than the alias)


def normalize_column_name(name) -> str:
    """The contract spelling of a source column name: lower case, spaces/hyphens -> ``_``.

    >>> normalize_column_name(" Rep ID "), normalize_column_name("Created-At")
    ('rep_id', 'created_at')
    """
    text = str(name).replace("\ufeff", "").strip().lower()
    return "_".join(text.replace("-", " ").split())


def _cell_text(values: pd.Series) -> np.ndarray:
    """Cells as they were, as text for the quarantine (empty string for an empty cell)."""
    if values.dtype.kind == "M" or isinstance(values.dtype, pd.DatetimeTZDtype):
        text = values.astype("str")
    elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        text = _numbers_as_text(values)
    elif values.dtype == object:
        text = values.map(lambda v: v if isinstance(v, str) else ("" if v is None or v is pd.NaT else str(v)))
        text = text.where(values.notna(), "")
    else:
        text = values.astype("str")
    return text.fillna("").astype(object).to_numpy()


def _coerce_text(values: pd.Series, *, with_edges: bool = False):
    """Any column as stripped text; empty / null markers -> missing (NaN).

    The cells' first and last bytes are read once (:class:`~workbench.io._fast.CellEdges`)
    for both the trim and the marker screens. With ``with_edges``, returns ``(text, edges)``
    where ``edges`` (or None) screens the returned text's cells (a cell made missing may
    still be screened: the screens stay conservative).
    """
    if values.dtype.kind == "M" or isinstance(values.dtype, pd.DatetimeTZDtype):
        text = values.astype("str").where(values.notna())
    elif pd.api.types.is_bool_dtype(values.dtype):
        text = values.astype("str").where(values.notna())
    elif pd.api.types.is_numeric_dtype(values.dtype):
        text = _numbers_as_text(values)
    elif values.dtype == object:
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "empty":
            empty = null_text(len(values)).set_axis(values.index)
            return (empty, None) if with_edges else empty
        if kind == "string":
            text = values
        else:
            kinds = values.map(type)
            is_num = kinds.isin([int, float, np.int64, np.float64, np.int32, np.float32]) & values.notna()
            text = values.map(lambda v: None if v is None else str(v)).astype(object)
            if is_num.any():
                text[is_num] = _numbers_as_text(values[is_num]).to_numpy()
            text = text.where(values.notna(), None)
    else:
        text = values
    text = pd.Series(text, index=values.index).astype(_TEXT_DTYPE)
    edges = CellEdges(pa.array(text, from_pandas=True))
    stripped = strip_text(text, edges)
    if stripped is not text:  # trimmed: other bytes at the edges, read again for the marker screen
        text, edges = stripped, None
    missing = text.isna().to_numpy() | isin_short(text, STRICT_NA_TOKENS, stripped=True, edges=edges)
    text = text.mask(missing) if missing.any() else text
    return (text, edges) if with_edges else text


def _tidy_numeric_ids(text: pd.Series, edges: CellEdges | None = None) -> pd.Series:
    """Ids written as floats by a spreadsheet or pandas (``1001.0``) -> ``1001``.

    Applied only when *every* id of the column is an integer written with a ``.0``
    tail or without one, so real ids that contain dots are never touched. ``edges``
    (of ``text``'s cells, see :func:`_coerce_text`) answers the trigger without a string kernel.

    >>> _tidy_numeric_ids(pd.Series(["1001.0", "1002", None], dtype="str")).tolist()
    ['1001', '1002', nan]
    """
    arr = pa.array(text, from_pandas=True)
    # the trigger, how floats are printed: from the cells' last bytes when read, else a string kernel
    if not (edges.may_end_with(".0") if edges is not None else _mask(pc.ends_with(arr, ".0")).any()):
        return text
    present = text.notna().to_numpy()
    integer_like = _mask(pc.match_substring_regex(arr, r"^-?\d+(?:\.0+)?$"))
    if not integer_like[present].all():
        return text
    return text.str.replace(r"\.0+$", "", regex=True)


def _lower_enum(text: pd.Series, allowed) -> tuple[pd.Series, np.ndarray]:
    """Lower-case an enum column (touching only values not already allowed); unknown-value mask."""
    ok = isin(text, list(allowed))
    odd = ~ok & text.notna().to_numpy()
    if not odd.any():
        return text, odd
    out = text.copy()
    out[odd] = text[odd].str.lower()
    unknown = odd & ~isin(out, list(allowed))
    return out, unknown


class _Problems:
    """Collects row problems in check order; a row keeps only its first problem."""

    def __init__(self, n_rows: int):
        self.bad = np.zeros(n_rows, dtype=bool)
        self.parts: list[tuple[str, str, np.ndarray, object, object]] = []

    def add(self, check: str, column: str, mask, reason, values=None) -> None:
        """Record ``check`` for rows in ``mask`` that have no problem yet.

        ``reason`` is a string, an array aligned with the table's rows or a function of
        the selected row positions returning one reason per position (so reasons are only
        built for failing rows); ``values`` likewise gives the cells to quote (default:
        the raw column).
        """
        mask = np.asarray(mask, dtype=bool)
        new = mask & ~self.bad
        if not new.any():
            return
        positions = np.flatnonzero(new)
        if callable(reason):
            reason = reason(positions)
        if not isinstance(reason, str):
            reason = np.asarray(reason, dtype=object)
            reason = reason if len(reason) == len(positions) else reason[positions]
        if callable(values):
            values = values(positions)
        if values is not None and not isinstance(values, str):
            values = np.asarray(values, dtype=object)
            values = values if len(values) == len(positions) else values[positions]
        self.parts.append((check, column, positions, reason, values))
        self.bad |= new


def _reason(key: str, **fields) -> str:
    """The quarantine reason ``reason.<key>`` of :mod:`workbench.messages` in English, as stored
    (:func:`workbench.io.reasons.render_reason` writes it in Chinese).

    >>> _reason("unknown_reference", column="rep_id", table="reps")
    'rep_id not in reps'
    """
    return MESSAGES[f"reason.{key}"]["en"].format(**fields)


def _reason_around(key: str, field: str) -> tuple[str, str]:
    """The English text of reason ``key`` before and after its ``{field}`` (for reasons built per row).

    >>> _reason_around("closed_outcome_needs_date", "outcome")
    ('outcome ', ' needs a closed_at date')
    """
    before, after = _reason(key, **{field: "\x00"}).split("\x00")
    return before, after


def _reason_before(key: str, field: str) -> str:
    """The English text of reason ``key`` before its last field ``{field}``."""
    before, after = _reason_around(key, field)
    assert after == "", f"reason.{key} must end with {{{field}}}"
    return before


def _reason_array(prefix: str, values: pd.Series, suffix: str = ""):
    """A reason builder: ``prefix + value + suffix`` for the failing positions only."""
    def build(positions):
        part = values.iloc[positions].astype(_TEXT_DTYPE).fillna("")
        return (prefix + part + suffix).to_numpy(dtype=object)
    return build


def _normalize_periods(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Period strings -> canonical labels (``2026/3`` -> ``2026-03``); invalid mask."""
    uniq = text.dropna().unique()
    mapping = {}
    for value in uniq:
        try:
            period = parse_period(value)
        except ValueError:
            continue
        mapping[value] = period_label(period.start, period.freq)
    labels = text.map(mapping)
    invalid = text.notna() & labels.isna()
    return labels.astype(_TEXT_DTYPE), invalid


def _empty_column(column: Column, n: int) -> pd.Series:
    if column.dtype == "float":
        return pd.Series(np.full(n, np.nan), dtype="float64")
    if column.dtype in ("date", "datetime"):
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return null_text(n)


def _describe(file: str, table: str) -> str:
    return f"{file} (table {table!r})" if file else f"table {table!r}"


def _map_columns(table: Table, frame: pd.DataFrame, file: str) -> tuple[dict, list]:
    """Contract column -> source column label; and the ignored source columns."""
    mapping: dict[str, object] = {}
    ignored = []
    contract = set(table.column_names)
    for label in frame.columns:
        if label in HELPER_COLUMNS:
            continue
        key = normalize_column_name(label)
        if key in contract:
            if key in mapping:
                raise DataError(
                    f"{_describe(file, table.name)}: columns {mapping[key]!r} and {label!r} both "
                    f"mean {key!r}; expected exactly one. Rename or drop one of them.",
                    file=file or table.name, column=key,
                )
            mapping[key] = label
        else:
            ignored.append(label)
    missing = [c for c in table.required_columns if c not in mapping]
    if missing:
        found = [str(c) for c in frame.columns if c not in HELPER_COLUMNS]
        raise DataError(
            f"{_describe(file, table.name)}: missing required column {missing[0]!r}"
            + (f" (and {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else "")
            + f"; expected columns {table.required_columns} "
            f"(optional: {[c for c in table.column_names if c not in table.required_columns]}); "
            f"found {found}.",
            file=file or table.name, column=missing[0],
        )
    return mapping, ignored


class _TableResult:
    def __init__(self, loaded, quarantine, rows_read, ignored, key_info):
        self.loaded = loaded
        self.quarantine = quarantine
        self.rows_read = rows_read
        self.ignored = ignored
        self.key_info = key_info  # {column: Series value -> "row N: reason"} of quarantined keys


def _validate_table(table: Table, frame: pd.DataFrame, file: str, context: dict) -> _TableResult:
    """One source table through the contract: type and check every row, quarantine, load the rest."""
    n = len(frame)
    mapping, ignored = _map_columns(table, frame, file)
    rows, files = _source_rows(frame, file)
    raw = {c: frame[label].reset_index(drop=True) for c, label in mapping.items()}
    problems = _Problems(n)
    # The checks run in the order of the quarantine policy: a row keeps its first problem.
    _check_malformed_rows(frame, problems)
    parsed = _type_columns(table, raw, n, problems, context["plausible"])
    if table.name == "opportunities":
        _check_date_order(parsed, problems)
        _check_outcome_dates(parsed, problems)
    _check_duplicate_keys(table, parsed, raw, rows, problems)
    _check_references(table, parsed, raw, context, problems)

    quarantine = _quarantine(table, problems, raw, rows, files, file)
    loaded = _loaded_rows(table, parsed, problems.bad)
    _check_row_count(table, n, loaded, quarantine, problems.bad)
    key_info = _quarantined_keys(table, parsed, quarantine, problems, context["referenced"])
    return _TableResult(loaded, quarantine, n, ignored, key_info)


def _source_rows(frame: pd.DataFrame, file: str) -> tuple[object, object]:
    """Functions of row positions giving those rows' source row numbers (``_source_row`` or the
    index label) and files (``_source_file``), so only quarantined rows are looked up.

    A file reader's row numbers are a ``RangeIndex``: they are computed for the positions asked
    for, never materialised for every row.

    >>> rows, files = _source_rows(pd.DataFrame({"a": [1, 2, 3]}, index=pd.RangeIndex(2, 5)), "deals.csv")
    >>> rows(np.array([0, 2])).tolist(), files
    ([2, 4], None)
    """
    index = frame.index
    if "_source_row" in frame.columns:
        numbers = pd.to_numeric(frame["_source_row"], errors="coerce").to_numpy()
        numbers = np.where(np.isnan(numbers.astype("float64")), -1, numbers).astype("int64")

        def rows(positions):
            return numbers[positions]
    elif isinstance(index, pd.RangeIndex):
        def rows(positions):
            return index.start + index.step * np.asarray(positions, dtype=np.int64)
    else:
        labels = index.to_numpy()

        def rows(positions):
            return labels[positions]
    if "_source_file" in frame.columns:
        source_files = frame["_source_file"].reset_index(drop=True)

        def files(positions):
            return source_files.iloc[positions].astype(_TEXT_DTYPE).fillna(file).to_numpy(dtype=object)
    else:
        files = None
    return rows, files


def _check_malformed_rows(frame: pd.DataFrame, problems: _Problems) -> None:
    """Flag rows a reader could not split into cells (their ``_row_error`` says why)."""
    if "_row_error" in frame.columns:
        errors = frame["_row_error"].reset_index(drop=True).astype(_TEXT_DTYPE).fillna("")
        problems.add("malformed_row", "", errors.ne("").to_numpy(), errors.to_numpy(dtype=object), "")


def _type_columns(table: Table, raw: dict, n: int, problems: _Problems, plausible: Plausible) -> dict[str, pd.Series]:
    """Every contract column typed, in contract order (absent columns empty), each checked as it is typed."""
    parsed: dict[str, pd.Series] = {}
    for column in table.columns:
        if column.name not in raw:
            parsed[column.name] = _empty_column(column, n)
        elif column.dtype == "str":
            parsed[column.name] = _text_column(column, raw[column.name], parsed, problems)
        elif column.dtype == "float":
            parsed[column.name] = _number_column(column, raw[column.name], problems)
            if (table.name, column.name) in AMOUNT_COLUMNS:
                _check_plausible_amount(column, parsed[column.name], problems, plausible)
        else:  # date / datetime
            parsed[column.name] = _date_column(column, raw[column.name], problems)
            _check_plausible_date(column, parsed[column.name], problems, plausible)
    return parsed


def _text_column(column: Column, values: pd.Series, parsed: dict, problems: _Problems) -> pd.Series:
    """A text column stripped and checked: required value, enum value, period label."""
    name = column.name
    text, edges = _coerce_text(values, with_edges=True)
    if name.endswith("_id"):
        text = _tidy_numeric_ids(text, edges)
    if name == "entity_id" and "entity_type" in parsed:
        text = _company_entity_ids(text, parsed["entity_type"])
    _check_required(column, text.isna().to_numpy(), problems)
    if column.allowed is not None:
        text = _check_enum(column, text, problems)
    elif name == "metric":
        text = text.str.lower()
    if name == "period":
        text = _check_periods(text, problems)
    return text.astype(_TEXT_DTYPE)


def _company_entity_ids(entity_ids: pd.Series, entity_types: pd.Series) -> pd.Series:
    """A missing ``entity_id`` of a ``company`` row becomes ``company`` (the company needs no id)."""
    is_company = entity_types.eq("company").to_numpy(dtype=bool)
    return entity_ids.where(~(is_company & entity_ids.isna().to_numpy()), "company")


def _number_column(column: Column, values: pd.Series, problems: _Problems) -> pd.Series:
    """A number column parsed and checked: required value, parseable number, range."""
    number, invalid = parse_numbers(values)
    _check_required(column, (number.isna() & ~invalid).to_numpy(), problems)
    problems.add("unparseable_number", column.name, invalid.to_numpy(), _reason("unparseable_number"))
    _check_range(column, number, problems)
    return number.astype("float64")


def _date_column(column: Column, values: pd.Series, problems: _Problems) -> pd.Series:
    """A date or datetime column parsed and checked: required value, parseable date."""
    stamps, invalid = parse_datetimes(values)
    _check_required(column, (stamps.isna() & ~invalid).to_numpy(), problems)
    problems.add("unparseable_date", column.name, invalid.to_numpy(),
                 _reason("unparseable_date"))
    if column.dtype == "date":
        stamps = stamps.dt.normalize()
    return stamps.astype("datetime64[ns]")


def _check_required(column: Column, missing: np.ndarray, problems: _Problems) -> None:
    """Flag rows with no value in a column that is not nullable."""
    if not column.nullable:
        problems.add("missing_value", column.name, missing, _reason("missing_value"))


def _check_enum(column: Column, text: pd.Series, problems: _Problems) -> pd.Series:
    """Flag values outside the column's allowed values; returns the column lower-cased."""
    text, unknown = _lower_enum(text, column.allowed)
    problems.add("unknown_value", column.name, unknown,
                 _reason("unknown_value", column=column.name, allowed=", ".join(column.allowed)))
    return text


def _check_periods(text: pd.Series, problems: _Problems) -> pd.Series:
    """Flag unparseable periods; returns the canonical period labels."""
    labels, invalid = _normalize_periods(text)
    problems.add("unparseable_period", "period", invalid.to_numpy(),
                 _reason("unparseable_period"))
    return labels


def _check_range(column: Column, number: pd.Series, problems: _Problems) -> None:
    """Flag numbers below the column's minimum or above its maximum."""
    name = column.name
    if column.min_value is not None:
        below = (number < column.min_value).to_numpy()
        reason = (_reason("negative", column=name) if column.min_value == 0
                  else _reason("below_minimum", column=name, minimum=f"{column.min_value:g}"))
        problems.add("out_of_range", name, below, reason)
    if column.max_value is not None:
        problems.add("out_of_range", name, (number > column.max_value).to_numpy(),
                     _reason("above_maximum", column=name, maximum=f"{column.max_value:g}"))


def _check_plausible_date(column: Column, stamps: pd.Series, problems: _Problems, plausible: Plausible) -> None:
    """Flag dates outside the plausible range for sales data (1990..2100 by default)."""
    first, after = plausible.date_bounds(column.name)
    outside = ((stamps < first) | (stamps >= after)).to_numpy()
    problems.add("out_of_range", column.name, outside, plausible.date_reason(column.name))


def _check_plausible_amount(column: Column, amounts: pd.Series, problems: _Problems, plausible: Plausible) -> None:
    """Flag amounts above the largest plausible one (1e15 by default)."""
    problems.add("out_of_range", column.name, (amounts.abs() > plausible.max_amount).to_numpy(),
                 plausible.amount_reason(column.name))


def _check_date_order(parsed: dict, problems: _Problems) -> None:
    """Flag deals closed before they were created."""
    created, closed = parsed["created_at"], parsed["closed_at"]
    # A close *date* (midnight) on the day the deal was created is not "before" it.
    date_only_same_day = (closed == closed.dt.normalize()) & (closed == created.dt.normalize())
    problems.add("closed_before_created", "closed_at", ((closed < created) & ~date_only_same_day).to_numpy(),
                 lambda p: (_reason_before("closed_before_created", "created")
                            + created.iloc[p].dt.strftime("%Y-%m-%d %H:%M")).to_numpy(dtype=object))


def _check_outcome_dates(parsed: dict, problems: _Problems) -> None:
    """Flag won/lost deals without a ``closed_at`` and open deals with one."""
    closed, outcome = parsed["closed_at"], parsed["outcome"]
    closed_outcome = isin(outcome, _CLOSED)
    needs_date = _reason_around("closed_outcome_needs_date", "outcome")
    problems.add("outcome_inconsistent", "outcome", closed_outcome & closed.isna().to_numpy(),
                 _reason_array(needs_date[0], outcome, needs_date[1]))
    problems.add("outcome_inconsistent", "outcome", outcome.eq(OUTCOMES[0]).to_numpy() & closed.notna().to_numpy(),
                 lambda p: (_reason_before("open_with_closed_at", "closed")
                            + closed.iloc[p].dt.strftime("%Y-%m-%d")).to_numpy(dtype=object))


def _check_duplicate_keys(table: Table, parsed: dict, raw: dict, rows, problems: _Problems) -> None:
    """Flag each repeat of a key among the rows still valid; the first occurrence stays."""
    if not table.key:
        return
    good = ~problems.bad
    keys = pd.DataFrame({k: parsed[k] for k in table.key}, copy=False)
    if not good.any():
        return
    dup = duplicated_first(keys, among=None if good.all() else good)
    if not dup.any():
        return
    repeats = np.flatnonzero(dup)
    first_row = _first_seen_rows(keys, good, repeats, rows)
    key_name = table.key[0] if len(table.key) == 1 else "(" + ", ".join(table.key) + ")"
    reason = (f"duplicate {key_name}, first seen at row " + first_row.astype(_TEXT_DTYPE)).to_numpy(dtype=object)
    if len(table.key) == 1:
        problems.add("duplicate_key", table.key[0], dup, reason)
    else:
        problems.add("duplicate_key", ", ".join(table.key), dup, reason, _key_cells(raw, table.key))


def _first_seen_rows(keys: pd.DataFrame, good: np.ndarray, repeats: np.ndarray, rows) -> pd.Series:
    """For each repeated key (positions ``repeats``), the source row where its key first appears
    among the ``good`` rows, as text.

    Only the rows sharing the first key column's value with a repeat are grouped (a set
    lookup finds them), never the whole table. ``rows`` gives the source row numbers of
    positions.
    """
    first_column = keys[keys.columns[0]]
    repeated = first_column.iloc[repeats]
    candidates = good & isin(first_column, repeated)
    if repeated.isna().any():  # missing values are one key value for duplicates, and never match in isin
        candidates |= good & first_column.isna().to_numpy()
    positions = np.flatnonzero(candidates)
    sub = keys.iloc[positions]
    first_row = pd.Series(rows(positions), index=sub.index, dtype=object)
    first_row = first_row.groupby([sub[k] for k in keys.columns], dropna=False, sort=False).transform("first")
    return first_row.iloc[np.searchsorted(positions, repeats)].map(str).reset_index(drop=True)


def _key_cells(raw: dict, key) -> object:
    """A builder quoting a composite key's source cells (``a, b``) at the failing positions."""
    def quoted(positions):
        cells = [_cell_text(raw[k].iloc[positions]) if k in raw else np.full(len(positions), "", dtype=object)
                 for k in key]
        return np.array([", ".join(map(str, t)) for t in zip(*cells)], dtype=object)
    return quoted


def _check_references(table: Table, parsed: dict, raw: dict, context: dict, problems: _Problems) -> None:
    """Flag ids missing from the provided table they reference, in contract column order."""
    for column in table.columns:
        if not column.references or column.name not in raw:
            continue
        ref_table, ref_column = column.references.split(".")
        if ref_table not in context["loaded"]:
            continue
        _check_reference(column, parsed[column.name], context["loaded"][ref_table][ref_column],
                         context["key_info"].get(column.references), problems)


def _check_reference(column: Column, values: pd.Series, known_ids: pd.Series, quarantined_info,
                     problems: _Problems) -> None:
    """Flag one column's unknown ids: ``cascade`` if the referenced row was quarantined, else unknown."""
    ref_table = column.references.split(".")[0]
    present = values.notna().to_numpy() & ~problems.bad
    orphan = present & ~isin_large(values, known_ids)
    if not orphan.any():
        return
    if quarantined_info is not None and len(quarantined_info):
        # why each unknown id's row was quarantined, looked up for those rows only (by position: no index join)
        orphans = np.flatnonzero(orphan)
        why = values.iloc[orphans].map(quarantined_info).reset_index(drop=True)
        cascade = np.zeros(len(values), dtype=bool)
        cascade[orphans[why.notna().to_numpy()]] = True
        reasons = _reason_array(f"{column.name} was quarantined from {ref_table} (", why, ")")
        problems.add("cascade", column.name, cascade, lambda p: reasons(np.searchsorted(orphans, p)))
    problems.add("unknown_reference", column.name, orphan, _reason("unknown_reference", column=column.name,
                                                                   table=ref_table))


def _quarantine(table: Table, problems: _Problems, raw: dict, rows, files, file: str):
    """The table's quarantine entries, one per rejected row in row order; None when every row passed."""
    parts = []
    for check, column_name, positions, reason, cells in problems.parts:
        if cells is None:
            cells = _cell_text(raw[column_name].iloc[positions]) if column_name in raw else ""
        parts.append(pd.DataFrame({
            "table": table.name,
            "file": files(positions) if files is not None else file,
            "row": rows(positions),
            "column": column_name,
            "value": cells,
            "reason": reason,
            "check": check,
        }))
    if not parts:
        return None
    positions = np.concatenate([p for _, _, p, _, _ in problems.parts])
    order = np.argsort(positions, kind="stable")
    return pd.concat(parts, ignore_index=True).iloc[order].reset_index(drop=True)


def _loaded_rows(table: Table, parsed: dict, bad: np.ndarray) -> pd.DataFrame:
    """The typed contract columns of the rows that passed every check."""
    loaded = pd.DataFrame({c.name: parsed[c.name] for c in table.columns}, copy=False)
    return filter_rows(loaded, ~bad) if bad.any() else loaded


def _check_row_count(table: Table, n: int, loaded: pd.DataFrame, quarantine, bad: np.ndarray) -> None:
    """Assert the invariant rows read = rows loaded + rows quarantined (one entry per rejected row)."""
    n_quarantined = 0 if quarantine is None else len(quarantine)
    if len(loaded) + n_quarantined != n or n_quarantined != int(bad.sum()):
        raise AssertionError(
            f"internal invariant broken for table {table.name!r}: read {n} rows, loaded "
            f"{len(loaded)}, quarantined {n_quarantined}"
        )


def _quarantined_keys(table: Table, parsed: dict, quarantine, problems: _Problems, referenced) -> dict:
    """For each key of this table that others reference: quarantined key value -> ``row N: reason``."""
    if quarantine is None:
        return {}
    key_info = {}
    positions = np.sort(np.concatenate([p for _, _, p, _, _ in problems.parts]))
    described = ("row " + quarantine["row"].astype(_TEXT_DTYPE) + ": " + quarantine["reason"].astype(_TEXT_DTYPE))
    for ref in referenced:
        ref_table, ref_column = ref.split(".")
        if ref_table != table.name:
            continue
        key_values = parsed[ref_column].iloc[positions].to_numpy(dtype=object)
        info = pd.Series(described.to_numpy(dtype=object), index=key_values)
        info = info[pd.notna(info.index)]
        key_info[ref] = info[~info.index.duplicated(keep="first")]
    return key_info


def _match_tables(frames: Mapping) -> tuple[dict, list, object]:
    tables, ignored, stages = {}, [], None
    for key, frame in frames.items():
        name = normalize_column_name(key)
        if name in ("stages", "stage_config", "pipeline_stages"):
            stages = frame
            continue
        if name not in TABLES:
            ignored.append(str(key))
            continue
        if name in tables:
            raise DataError(f"two sources for table {name!r}: {tables[name][0]!r} and {key!r}; expected one.",
                            file=str(key))
        if frame is None:
            continue
        if not isinstance(frame, (pd.DataFrame, Future)):
            _refuse_non_frame(name, key, frame)
        tables[name] = (key, frame)
    return tables, ignored, stages


def _refuse_non_frame(name: str, key, frame) -> None:
    raise DataError(f"table {name!r}: expected a pandas DataFrame, got {type(frame).__name__}.", file=str(key))


def _resolved(name: str, key, frame) -> pd.DataFrame:
    """The table's DataFrame, waiting for it when it is still being read (a Future)."""
    if isinstance(frame, Future):
        frame = frame.result()
        if not isinstance(frame, pd.DataFrame):
            _refuse_non_frame(name, key, frame)
    return frame


def validate_tables(frames: Mapping[str, pd.DataFrame], *, files: Mapping[str, str] | None = None,
                    source: str = "", stages=None, ignored_sources=(), plausible: Plausible | None = None) -> SalesData:
    """Check raw tables against the contract and bundle them as :class:`SalesData`.

    Parameters
    ----------
    frames : dict of str -> pandas.DataFrame
        Tables by contract name (case-insensitive). Cells may be raw strings or typed
        values. A table may also be a :class:`concurrent.futures.Future` of its DataFrame
        (a file still being read): it is waited for when its turn comes, so later tables
        are read while earlier ones are validated. Optional helper columns ``_source_row``
        / ``_source_file`` override the row number / file recorded in the quarantine. Keys
        that are not contract tables are ignored (and reported); a ``stages`` key is read
        as the stage config.
    files : dict of str -> str, optional
        The file each table came from, for messages and the quarantine.
    source : str
        Where the data came from, for the report.
    stages : optional
        Open stages in funnel order: a list, a ``{pipeline: [stages]}`` dict, a DataFrame
        with ``stage``, ``order`` and optional ``pipeline`` columns, or a path to a
        ``stages.csv`` / ``stages.toml``. Inferred from ``stage_history`` when omitted.
    ignored_sources : sequence of str
        Files the loader skipped, carried into the report.
    plausible : Plausible, optional
        The plausible dates and amounts (:class:`~workbench.io.plausible.Plausible`);
        rows outside them are quarantined (``out_of_range``). Default: from the
        environment variables ``WORKBENCH_DATE_RANGE`` / ``WORKBENCH_MAX_AMOUNT``, else
        dates 1990..2100 and amounts up to 1e15.

    Returns
    -------
    SalesData

    Raises
    ------
    DataError
        A required table or column is missing, or two columns mean the same contract
        column (the message names the file/table, the column and what was expected);
        or a plausibility environment variable is malformed.

    Examples
    --------
    >>> import pandas as pd
    >>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "team": ["East"], "region": ["North"]})
    >>> deals = pd.DataFrame({
    ...     "opportunity_id": ["O1", "O2", "O3"], "rep_id": ["R1", "R1", "R9"],
    ...     "created_at": ["2026-01-05", "2026-01-06", "2026-01-07"], "stage": ["Won", "Demo", "Demo"],
    ...     "amount": ["1,200", "-5", "300"], "closed_at": ["2026-02-01", "", ""],
    ...     "outcome": ["Won", "open", "open"]})
    >>> data = validate_tables({"reps": reps, "opportunities": deals})
    >>> data.opportunities[["opportunity_id", "amount", "outcome"]]
      opportunity_id  amount outcome
    0             O1  1200.0     won
    >>> data.quarantine[["table", "row", "column", "value", "reason"]]
               table  row  column value           reason
    0  opportunities    1  amount    -5  negative amount
    1  opportunities    2  rep_id    R9  rep_id not in reps
    """
    files = dict(files or {})
    matched, ignored_keys, stages_in_frames = _match_tables(frames)
    ignored_sources = tuple(ignored_sources) + tuple(ignored_keys)
    for required in (n for n in TABLE_NAMES if TABLES[n].required):
        if required not in matched:
            where = f"{source}: " if source else ""
            raise DataError(
                f"{where}required table {required!r} is missing; expected a table/file named "
                f"{required!r} (e.g. {required}.csv) with columns {TABLES[required].required_columns}.",
                file=source or required,
            )
    referenced = sorted({c.references for t in TABLES.values() for c in t.columns if c.references})
    plausible = Plausible.from_env() if plausible is None else plausible
    context = {"loaded": {}, "key_info": {}, "referenced": referenced, "plausible": plausible}
    tables, quarantines, rows_read, ignored_columns, table_files = {}, [], {}, {}, {}
    stage_config = stages if stages is not None else stages_in_frames
    # an inferred stage order needs only the deals and their histories: it is worked out on a
    # helper thread while the later tables (activities, ...) are validated
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-stages") as helper:
        stage_future = None
        for name in TABLE_NAMES:
            if name not in matched:
                tables[name] = None
                continue
            key, frame = matched[name]
            frame = _resolved(name, key, frame)
            file = str(files.get(name) or files.get(key) or frame.attrs.get("file") or "")
            result = _validate_table(TABLES[name], frame, file, context)
            tables[name] = result.loaded
            context["loaded"][name] = result.loaded
            context["key_info"].update(result.key_info)
            rows_read[name] = result.rows_read
            ignored_columns[name] = tuple(map(str, result.ignored))
            table_files[name] = file
            if result.quarantine is not None:
                quarantines.append(result.quarantine)
            if name == "stage_history" and infers_stages(stage_config):
                stage_future = helper.submit(resolve_stages, stage_config, dict(tables))
        if quarantines:
            quarantine = pd.concat(quarantines, ignore_index=True)
            quarantine["row"] = (quarantine["row"] if quarantine["row"].dtype.kind in "iu"
                                 else quarantine["row"].astype(object))
            for col in ("table", "file", "column", "value", "reason", "check"):
                quarantine[col] = quarantine[col].astype(object).where(quarantine[col].notna(), "").astype(_TEXT_DTYPE)
            quarantine = quarantine[QUARANTINE_COLUMNS]
        else:
            quarantine = SalesData.__dataclass_fields__["quarantine"].default_factory()
        if stage_future is not None:
            stage_order, pipelines = stage_future.result()
        else:
            stage_order, pipelines = resolve_stages(stage_config, tables)
    return SalesData(
        _tables=MappingProxyType(tables),
        quarantine=quarantine,
        rows_read=MappingProxyType(rows_read),
        stages=stage_order,
        source=str(source),
        pipelines=MappingProxyType(pipelines),
        files=MappingProxyType(table_files),
        ignored_columns=MappingProxyType(ignored_columns),
        ignored_sources=tuple(ignored_sources),
    )
