"""Parse the dates and numbers found in real CRM exports, vectorised.

Both parsers take a Series of raw cells (strings as read from CSV/XLSX, or typed values
from Parquet / DuckDB / in-memory frames) and return ``(parsed, invalid)``: the parsed
Series and a boolean mask of the cells that held something that could not be read.
Empty cells and the usual "no value" markers (``NA``, ``null``, ``-``, ``#N/A``, ...)
are *missing*, not invalid: ``parsed`` is NaT/NaN there and ``invalid`` is False.

The common, clean case takes a single pandas call (ISO dates, plain numbers); only the
cells that fail it go through the slower rules, and those rules run once per *distinct*
value, so a 10-million-row column of formatted amounts costs as much as its distinct
values.

Examples
--------
>>> import pandas as pd
>>> from workbench.io.parsing import parse_datetimes, parse_numbers
>>> dates, bad = parse_datetimes(pd.Series(["2026-03-05", "2026/3/6 14:30", "2026年3月7日", "", "soon"]))
>>> dates.dt.strftime("%Y-%m-%d %H:%M").tolist()
['2026-03-05 00:00', '2026-03-06 14:30', '2026-03-07 00:00', nan, nan]
>>> bad.tolist()
[False, False, False, False, True]
>>> amounts, bad = parse_numbers(pd.Series(["¥1,234.50", "(200)", "1.234,5 €", "１２３", "n/a", "lots"]))
>>> amounts.tolist()
[1234.5, -200.0, 1234.5, 123.0, nan, nan]
>>> bad.tolist()
[False, False, False, False, False, True]
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io._fast import TEXT_DTYPE, isin_short

__all__ = [
    "parse_datetimes",
    "parse_numbers",
    "normalize_text",
    "missing_mask",
    "NA_TOKENS",
    "STRICT_NA_TOKENS",
]

#: Cell texts read as "no value" in date and number columns (compared lower-cased, stripped).
NA_TOKENS = frozenset(
    {"", "na", "n/a", "n.a.", "nan", "nat", "null", "none", "nil", "-", "--", "---", "#n/a",
     "#na", "#null!", "#value!", "(blank)", "(null)", "<na>", "无", "空", "－", "—"}
)
#: The smaller set used for text columns, where e.g. ``NA`` may be a region (North America)
#: and ``-`` a real code.
STRICT_NA_TOKENS = frozenset({"", "nan", "nat", "null", "none", "#n/a", "(null)", "(blank)", "<na>"})

# Full-width forms (common in Chinese exports) and odd spaces -> ASCII.
_FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord(a): ord(b) for a, b in zip("，．－＋（）％：／＄　\u00a0\u202f\u2009\u2212",
                                                    ",.-+()%:/$    -")})

#: Excel's day zero for serial date numbers (the 1900 system, with its leap-year bug).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_NS_MIN = pd.Timestamp.min.as_unit("us")
_NS_MAX = pd.Timestamp.max.as_unit("us")


_FULLWIDTH_CLASS = "[" + "".join(chr(c) for c in _FULLWIDTH) + "]"


def _arrow(series: pd.Series) -> pa.Array:
    """A text Series as an Arrow large_string array (zero-copy for pandas' ``str`` dtype)."""
    return pa.array(series, from_pandas=True, type=None).cast(pa.large_string())


def _mask(arrow_bool) -> np.ndarray:
    """An Arrow boolean array as a NumPy bool array (nulls -> False)."""
    return arrow_bool.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def _text_series(arr: pa.Array, index) -> pd.Series:
    return pd.Series(pd.array(arr, dtype=TEXT_DTYPE), index=index)


def _extract(series: pd.Series, pattern: str) -> pd.DataFrame:
    """Named groups of ``pattern`` (RE2) per cell; all-null rows where it does not match."""
    struct = pc.extract_regex(_arrow(series), pattern=pattern)
    names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
    return pd.DataFrame({n: _text_series(a, series.index) for n, a in zip(names, struct.flatten())},
                        index=series.index)


def _all_text(s: pd.Series) -> bool:
    """Whether an object column holds only ``str`` cells and missing ones (checked in C):
    such a column is read as text, without sorting its cells by type."""
    return pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


def normalize_text(series: pd.Series) -> pd.Series:
    """Strip cells and turn full-width digits / punctuation and odd spaces into ASCII.

    Non-string cells are returned unchanged.

    >>> normalize_text(pd.Series([" ２０２６－０３－０５ ", "a\u00a0b"])).tolist()
    ['2026-03-05', 'a b']
    """
    s = series
    if s.dtype == object:
        is_str = s.map(type).eq(str)
        if not is_str.all():
            out = s.copy()
            out[is_str] = s[is_str].str.translate(_FULLWIDTH).str.strip()
            return out
    s = s.astype("str")
    arr = pc.utf8_trim_whitespace(_arrow(s))
    out = _text_series(arr, s.index)
    if pc.all(pc.string_is_ascii(arr)).as_py() in (True, None):  # every character to translate is non-ASCII
        return out
    special = _mask(pc.match_substring_regex(arr, _FULLWIDTH_CLASS))
    if special.any():  # rare: translate only the cells that need it
        fixed = out[special].str.translate(_FULLWIDTH).str.strip()
        out = out.copy()
        out[special] = fixed
    return out


def _lookup(values: pd.Series, uniq: pd.Series, parsed: np.ndarray) -> np.ndarray:
    """Map each cell to the parsed value of its distinct value (Arrow ``index_in``)."""
    positions = pc.index_in(_arrow(values), value_set=_arrow(uniq)).to_numpy(zero_copy_only=False)
    return parsed[positions.astype("int64")]


def _digits(series: pd.Series) -> pd.Series:
    """Digit strings -> float (NaN for empty / missing / non-digit cells), via Arrow."""
    arr = _arrow(series)
    ok = _mask(pc.match_substring_regex(arr, r"^\d{1,18}$"))
    out = np.full(len(series), np.nan)
    if ok.any():
        out[ok] = pc.cast(arr.filter(pa.array(ok)), pa.int64()).to_numpy(zero_copy_only=False)
    return pd.Series(out, index=series.index)


def _unique(values: pd.Series) -> pd.Series:
    return _text_series(pc.unique(_arrow(values)), None).reset_index(drop=True)


def missing_mask(series: pd.Series, tokens=NA_TOKENS) -> pd.Series:
    """Cells that hold no value: NA, or a string in ``tokens`` (case-insensitive, stripped).

    >>> missing_mask(pd.Series(["", " NULL ", "x", None])).tolist()
    [True, True, False, True]
    """
    na = series.isna().to_numpy(dtype=bool)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        text = series.where(series.map(type).eq(str), None) if series.dtype == object else series
        na = na | isin_short(text.astype("str"), tokens)
    return pd.Series(na, index=series.index)


# ----------------------------------------------------------------------------- dates

_TIME = (
    r"(?:[\sT]*(?P<ampm1>上午|下午|AM|PM|am|pm)?\s*(?P<hour>\d{1,2})[:时點点](?P<minute>\d{1,2})分?"
    r"(?:[:分](?P<second>\d{1,2})(?:[.,](?P<frac>\d{1,9}))?秒?)?\s*(?P<ampm2>AM|PM|am|pm|a\.m\.|p\.m\.)?)?"
)
_TZ = r"\s*(?:Z|UTC|GMT|CST|[+-]\d{2}:?\d{2})?"
_YMD = r"^(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?" + _TIME + _TZ + r"$"
_DMY = r"^(?P<first>\d{1,2})[-/.](?P<second_field>\d{1,2})[-/.](?P<year>\d{4}|\d{2})" + _TIME + _TZ + r"$"
_COMPACT = (r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
            r"(?:[\sT]?(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?)?$")
_SERIAL = r"^\d{5}(?:\.\d+)?$"
_TZ_SUFFIX = r"^(.*\d)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$"


def _full_year(year: pd.Series) -> pd.Series:
    """Two-digit years: 00-68 -> 2000s, 69-99 -> 1900s (the POSIX / pandas pivot)."""
    return year.where(year >= 100, year + np.where(year < 69, 2000, 1900))


def _assemble(parts: pd.DataFrame) -> pd.Series:
    """Build datetimes from year/month/day/hour/minute/second/frac/ampm columns (NaT when invalid)."""
    num = {k: _digits(parts[k]) for k in ("year", "month", "day")}
    hour = _digits(parts["hour"]) if "hour" in parts else None
    frame = pd.DataFrame({"year": _full_year(num["year"]), "month": num["month"], "day": num["day"]})
    if hour is not None:
        ampm = pd.Series("", index=parts.index, dtype="str")
        for col in ("ampm1", "ampm2"):
            if col in parts:
                given = parts[col].fillna("").astype("str")
                ampm = ampm.where(given.eq(""), given)
        ampm = ampm.str.lower().str.replace(".", "", regex=False)
        pm = ampm.isin(["pm", "下午"])
        am = ampm.isin(["am", "上午"])
        has_ampm = pm | am
        bad_ampm = has_ampm & ((hour < 1) | (hour > 12))
        hour = hour.where(~(am & (hour == 12)), 0)
        hour = hour.where(~(pm & (hour < 12)), hour + 12)
        frame["hour"] = hour.fillna(0)
        frame["minute"] = _digits(parts["minute"]).fillna(0)
        frame["second"] = _digits(parts["second"]).fillna(0) if "second" in parts else 0
        if "frac" in parts:
            frac = parts["frac"].fillna("0").astype("str").str.ljust(9, "0").str[:9]
            frame["nanosecond"] = _digits(frac).fillna(0)
    else:
        bad_ampm = pd.Series(False, index=parts.index)
    if frame.empty:
        return pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    values = frame.copy()
    nanos = values.pop("nanosecond") if "nanosecond" in values else None
    for col in ("hour", "minute", "second"):
        if col not in values:
            values[col] = 0
    # out-of-range fields (month 13, Feb 30, hour 25) become NaT
    ok = (
        values["month"].between(1, 12) & values["day"].between(1, 31) & values["hour"].between(0, 23)
        & values["minute"].between(0, 59) & values["second"].between(0, 59)
        & values["year"].between(1678, 2261) & ~bad_ampm
    )
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    if ok.any():
        good = values[ok].astype("int64")
        parsed = pd.to_datetime(good[["year", "month", "day", "hour", "minute", "second"]], errors="coerce")
        if nanos is not None:
            parsed = parsed + pd.to_timedelta(nanos[ok].astype("int64"), unit="ns")
        out[ok] = parsed.astype("datetime64[ns]")
    return out


def _as_ns(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cast a datetime Series to naive ``datetime64[ns]``; values outside its range become NaT.

    Returns the cast Series and the mask of values that were out of range.
    """
    s = values
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)  # keep the wall-clock time as written
    if s.dtype == "datetime64[ns]":
        return s, pd.Series(False, index=s.index)
    s = s.astype("datetime64[us]") if s.dtype.kind == "M" else pd.to_datetime(s)
    first, last = s.min(), s.max()
    if pd.isna(first) or (first >= _NS_MIN and last <= _NS_MAX):  # the usual case: two reductions, no masks
        return s.astype("datetime64[ns]"), pd.Series(False, index=s.index)
    out_of_range = s.notna() & ((s < _NS_MIN) | (s > _NS_MAX))
    if out_of_range.any():
        s = s.mask(out_of_range)
    return s.astype("datetime64[ns]"), out_of_range.astype(bool)


def _resolve_dayfirst(first: pd.Series, second: pd.Series, dayfirst: bool | None) -> bool:
    if dayfirst is not None:
        return bool(dayfirst)
    # evidence: values only readable one way (25/03 is day-first, 03/25 month-first);
    # the side with more evidence wins, so one stray value cannot flip a whole column
    day_evidence = int(((first > 12) & (second <= 12)).sum())
    month_evidence = int(((second > 12) & (first <= 12)).sum())
    return day_evidence > 0 and day_evidence >= month_evidence  # a tie reads day-first


def _parse_date_strings(uniq: pd.Series, dayfirst: bool | None) -> pd.Series:
    """Parse distinct, stripped, non-missing date strings the ISO fast path rejected."""
    out = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    todo = pd.Series(True, index=uniq.index)

    arr = _arrow(uniq)
    # route each value by its first characters (a cheap match) before the full extraction
    ymd_like = _mask(pc.match_substring_regex(arr, r"^\d{4}\s*[-/.年]"))
    dmy_like = _mask(pc.match_substring_regex(arr, r"^\d{1,2}[-/.]"))

    if ymd_like.any():
        m = _extract(uniq[ymd_like], _YMD)
        hit = m["year"].notna()
        if hit.any():
            out[m.index[hit]] = _assemble(m[hit])
            todo[m.index[hit]] = False

    m = _extract(uniq[todo & dmy_like], _DMY)
    hit = m["year"].notna()
    if hit.any():
        m = m[hit]
        first = _digits(m["first"])
        second = _digits(m["second_field"])
        day_first = _resolve_dayfirst(first, second, dayfirst)
        m = m.assign(day=m["first"] if day_first else m["second_field"],
                     month=m["second_field"] if day_first else m["first"])
        out[m.index] = _assemble(m)
        todo[m.index] = False

    m = _extract(uniq[todo], _COMPACT)
    hit = m["year"].notna()
    if hit.any():
        out[m.index[hit]] = _assemble(m[hit])
        todo[m.index[hit]] = False

    rest = uniq[todo]
    serial = rest[_mask(pc.match_substring_regex(_arrow(rest), _SERIAL))]
    if len(serial):
        number = pd.to_numeric(serial, errors="coerce")
        in_range = number.between(1, 2958465)  # Excel's 1900-01-01 .. 9999-12-31
        stamps = _EXCEL_EPOCH + pd.to_timedelta((number[in_range] * 86400).round(), unit="s")
        out[stamps.index] = stamps.astype("datetime64[ns]")
        todo[serial.index] = False

    # Month names ("05-Mar-2026", "Mar 5, 2026", "Thu, 05 Mar 2026 14:30:00 +0800"):
    # dateutil reads these well; used only for strings with ASCII letters.
    rest = uniq[todo]
    words = rest[_mask(pc.match_substring_regex(_arrow(rest), r"[A-Za-z]{3}"))]
    if len(words):
        from dateutil import parser as _dateparser

        use_dayfirst = bool(dayfirst) if dayfirst is not None else False
        parsed = {}
        for idx, text in words.items():
            try:
                value = _dateparser.parse(text, dayfirst=use_dayfirst)
            except (ValueError, OverflowError, TypeError):
                continue
            parsed[idx] = pd.Timestamp(value.replace(tzinfo=None))
        if parsed:
            stamps = pd.Series(parsed, dtype="datetime64[us]")
            stamps, _ = _as_ns(stamps)
            out[stamps.index] = stamps
    return out


def _parse_date_objects(values: pd.Series) -> pd.Series:
    """datetime / date / Timestamp / numpy datetime objects -> datetime64[ns] (NaT where not a date)."""
    def one(x):
        if isinstance(x, (_dt.datetime, pd.Timestamp)):
            return pd.Timestamp(x.replace(tzinfo=None))
        if isinstance(x, _dt.date):
            return pd.Timestamp(x.year, x.month, x.day)
        if isinstance(x, np.datetime64):
            return pd.Timestamp(x)
        return pd.NaT

    try:
        parsed = pd.to_datetime(values, errors="coerce")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype) or parsed.dtype.kind == "M":
            return _as_ns(parsed)[0]
    except (ValueError, TypeError, OverflowError):
        pass
    parsed = values.map(one)
    return _as_ns(pd.to_datetime(parsed, errors="coerce"))[0]


def _numbers_as_text(values: pd.Series) -> pd.Series:
    """Numeric cells as text, integers without a trailing ``.0`` (``20260305.0`` -> ``'20260305'``)."""
    number = pd.to_numeric(values, errors="coerce").astype("float64")
    whole = number.notna() & np.isfinite(number) & (number == np.round(number))
    text = number.astype("str")
    text[whole] = number[whole].astype("int64").astype("str")
    return text.where(number.notna(), None)


def parse_datetimes(series, formats=None, *, dayfirst: bool | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse dates and datetimes as written in real exports.

    Parameters
    ----------
    series : pandas.Series or array-like
        Raw cells: strings, numbers (Excel serial days, ``20260305``), ``datetime`` /
        ``date`` objects, or an already typed datetime column.
    formats : list of str, optional
        ``strftime`` formats to try first (e.g. ``["%d.%m.%Y %H:%M"]``), before the
        built-in rules.
    dayfirst : bool, optional
        How to read ``05/03/2026``. By default it is decided **per column**: day-first
        when at least as many distinct values can only be read day-first (first field
        above 12) as only month-first (second field above 12), and there is at least one;
        else month-first (the Excel-US / pandas convention). Values that contradict the column's decision are invalid.

    Returns
    -------
    parsed : pandas.Series of datetime64[ns]
        Same index as the input. NaT where missing or invalid.
    invalid : pandas.Series of bool
        True where a value was present but could not be read as a date.

    Notes
    -----
    Formats understood: ISO 8601 with or without time and ``T`` (``2026-03-05``,
    ``2026-03-05 14:30``, ``2026-03-05T14:30:00.123Z``), ``2026/3/5``, ``2026.03.05``,
    ``2026年3月5日`` (optionally ``14:30``, ``下午2:30``, ``14时30分``), ``20260305``,
    ``05/03/2026`` and ``3-5-26`` style with optional ``2:30 PM``, month names
    (``05-Mar-2026``, ``Mar 5, 2026``), Excel serial day numbers (``46086``, from cells
    an export wrote as numbers), and real datetime objects. Full-width digits are read.

    Time zones: a value with an offset or ``Z`` keeps the **wall-clock time as written**
    and the offset is dropped (``2026-03-05T09:00+08:00`` -> ``2026-03-05 09:00``);
    tz-aware typed columns likewise keep their local time. Sales activity is reported by
    the local day it happened on, and exports rarely mix zones within a column.

    Values with no day (``2026``, ``2026-03``) are invalid: a period is not a date.
    Dates outside 1678-2261 (the ``datetime64[ns]`` range, e.g. a ``9999-12-31``
    placeholder) are invalid.

    Examples
    --------
    >>> s = pd.Series(["05/03/2026", "25/03/2026", "46086", "20260305 143000", "NULL"])
    >>> parsed, invalid = parse_datetimes(s)
    >>> parsed.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2026-03-05 00:00', '2026-03-25 00:00', '2026-03-05 00:00', '2026-03-05 14:30', nan]
    >>> invalid.any()
    np.False_
    """
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    index = s.index
    s = s.reset_index(drop=True)
    if s.dtype.kind == "M" or isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed, out_of_range = _as_ns(s)
        return parsed.set_axis(index), out_of_range.set_axis(index)

    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if len(s) == 0:
        return result.set_axis(index), pd.Series(False, index=index)

    if pd.api.types.is_bool_dtype(s.dtype):
        return result.set_axis(index), s.notna().set_axis(index)
    if pd.api.types.is_numeric_dtype(s.dtype):
        text = _numbers_as_text(s)
    elif s.dtype == object and not _all_text(s):
        kinds = s.map(type)
        is_str = kinds.eq(str)
        is_num = kinds.isin([int, float, np.int64, np.float64, np.int32, np.float32]) & s.notna()
        is_obj = ~is_str & ~is_num & s.notna()
        if is_obj.any():
            result[is_obj] = _parse_date_objects(s[is_obj])
        text = pd.Series(None, index=s.index, dtype="str")
        if is_str.any():
            text[is_str] = s[is_str].astype("str")
        if is_num.any():
            text[is_num] = _numbers_as_text(s[is_num])
        invalid_obj = is_obj & result.isna()
        parsed_text, invalid_text = _parse_text_dates(text, formats, dayfirst)
        result = result.where(~(is_str | is_num), parsed_text)
        return result.set_axis(index), (invalid_obj | invalid_text).set_axis(index)
    else:
        text = s.astype("str")
    parsed, invalid = _parse_text_dates(text, formats, dayfirst)
    return parsed.set_axis(index), invalid.set_axis(index)


def _parse_text_dates(text: pd.Series, formats, dayfirst) -> tuple[pd.Series, pd.Series]:
    text = normalize_text(text)
    missing = missing_mask(text)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if missing.all():
        return result, pd.Series(False, index=text.index)
    present = text[~missing.to_numpy(dtype=bool)]
    # every rule reads a value on its own: each distinct value is parsed once, then looked up
    encoded = pc.dictionary_encode(_arrow(present))
    encoded = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded
    uniq = _text_series(encoded.dictionary, None).reset_index(drop=True)
    where = encoded.indices.to_numpy(zero_copy_only=False).astype("int64")
    parsed_uniq = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    todo = pd.Series(True, index=uniq.index)
    for fmt in formats or ():
        if not todo.any():
            break
        parsed = pd.to_datetime(uniq[todo], format=fmt, errors="coerce")
        parsed, _ = _as_ns(parsed)
        parsed_uniq[parsed.index] = parsed
        todo &= parsed_uniq.isna()

    if todo.any():
        # A bare year or year-month is a period, not a date: leave it to the strict rules.
        short = (uniq.str.len() <= 7).to_numpy(dtype=bool)
        wanted = todo.to_numpy(dtype=bool) & ~short
        candidates = uniq[wanted]
        sample = present.iloc[np.flatnonzero(wanted[where])[:1000]]  # the column's first 1000 such cells
        try:
            looks_iso = pd.to_datetime(sample, format="ISO8601", errors="coerce").notna().any()
        except ValueError:  # mixed offsets: ISO indeed
            looks_iso = True
        if not looks_iso:  # e.g. a column of 05/03/2026: skip a pass that would fail on every value
            candidates = candidates.iloc[:0]
        try:
            parsed = pd.to_datetime(candidates, format="ISO8601", errors="coerce")
        except ValueError:  # mixed offsets / naive and aware values: drop offsets (wall time)
            parsed = pd.to_datetime(
                _text_series(pc.replace_substring_regex(_arrow(candidates), _TZ_SUFFIX, r"\1"), candidates.index),
                format="ISO8601", errors="coerce",
            )
        parsed, out_of_range = _as_ns(parsed)
        parsed_uniq[parsed.index] = parsed
        todo &= parsed_uniq.isna()
        todo[out_of_range[out_of_range].index] = False
        parsed_uniq[out_of_range[out_of_range].index] = pd.NaT

    if todo.any():
        rest = uniq[todo]
        parsed_uniq[rest.index] = _parse_date_strings(rest, dayfirst)
    result[~missing.to_numpy(dtype=bool)] = parsed_uniq.to_numpy()[where]
    invalid = ~missing & result.isna()
    return result, invalid.astype(bool)


# --------------------------------------------------------------------------- numbers

_CURRENCY = (
    r"(?i)(?:US\$|HK\$|NT\$|A\$|C\$|S\$|RMB|CNY|USD|EUR|GBP|HKD|JPY|TWD|SGD|AUD|CAD|CHF|INR|KRW|"
    r"人民币|美元|欧元|港币|港元|元|块|[¥￥$€£₩₹])"
)
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_GROUPED_DOT_DECIMAL = r"^\d{1,3}(?:,\d{3})+\.\d+$"
_MULTIPLIERS = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "k": 1e3, "K": 1e3}


def parse_numbers(series, *, percent: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse amounts and scores as written in real exports.

    Parameters
    ----------
    series : pandas.Series or array-like
        Raw cells: strings or numbers.
    percent : bool, default False
        Whether a trailing ``%`` is allowed; when True ``"12.5%"`` reads as ``0.125``.
        When False such values are invalid (the caller decides what a percentage means).

    Returns
    -------
    parsed : pandas.Series of float64
        Same index as the input; NaN where missing or invalid.
    invalid : pandas.Series of bool
        True where a value was present but is not a number.

    Notes
    -----
    Understood: thousands separators (``1,234.50``; ``1 234,50`` / ``1.234,50`` European,
    ``1'234.50`` Swiss), currency symbols and codes before or after the number
    (``¥ ￥ $ € £ RMB CNY USD 元`` ...), accounting negatives ``(123)``, trailing minus
    ``123-``, full-width digits, Chinese ``万`` / ``亿`` and a ``k`` suffix.

    The decimal mark is read **per value** when the value shows it (``1,234.50``,
    ``1.234,50``, ``12,5``, ``1.234.567``). Only values that fit both readings
    (``1,234``, ``1.234``) follow the **column**: decimal comma when some value of the
    column can only be read that way and none the other way, else decimal point. So a
    lone ``1,234`` reads as 1234 unless the column writes decimals with a comma.

    Examples
    --------
    >>> parse_numbers(pd.Series(["1 234,50", "12,5", "3"]))[0].tolist()
    [1234.5, 12.5, 3.0]
    >>> parse_numbers(pd.Series(["12.5%", "3万"]), percent=True)[0].tolist()
    [0.125, 30000.0]
    """
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    index = s.index
    s = s.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(s.dtype):
        return (pd.Series(np.nan, index=index, dtype="float64"), s.notna().set_axis(index))
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.astype("float64")
        invalid = pd.Series(np.isinf(values.to_numpy()), index=s.index)
        return values.mask(invalid).set_axis(index), invalid.set_axis(index)

    result = pd.Series(np.nan, index=s.index, dtype="float64")
    if s.dtype == object and not _all_text(s):
        kinds = s.map(type)
        is_num = kinds.isin([int, float, np.int64, np.float64, np.int32, np.float32]) & s.notna()
        if is_num.any():
            result[is_num] = s[is_num].astype("float64")
        is_str = kinds.eq(str)
        other = ~is_num & ~is_str & s.notna()
        text = s.where(is_str, None).astype("str")
    else:
        other = pd.Series(False, index=s.index)
        text = s.astype("str")
    text = normalize_text(text)
    missing = missing_mask(text) & ~result.notna()
    todo = ~missing & text.notna()
    if todo.any():
        candidates = text[todo]
        arr = _arrow(candidates)
        plain = _mask(pc.match_substring_regex(arr, _PLAIN_NUMBER))
        if plain.any():
            fast = pc.cast(arr.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
            result[candidates.index[plain]] = fast
            todo[candidates.index[plain]] = False
    grouped_dot = False
    if todo.any():
        # '12,000.00': thousands commas and a decimal point, nothing else (most English
        # exports), read in one pass; they also tell the column's decimal mark
        candidates = text[todo]
        arr = _arrow(candidates)
        english = _mask(pc.match_substring_regex(arr, _GROUPED_DOT_DECIMAL))
        if english.any():
            fast = pc.cast(pc.replace_substring(arr.filter(pa.array(english)), ",", ""), pa.float64())
            result[candidates.index[english]] = fast.to_numpy(zero_copy_only=False)
            todo[candidates.index[english]] = False
            grouped_dot = True
    if todo.any():
        rest = text[todo]
        uniq = _unique(rest)
        parsed = _parse_number_strings(uniq, percent, dot_decimal_seen=grouped_dot)
        result[rest.index] = _lookup(rest, uniq, parsed.to_numpy())
    infinite = np.isinf(result.to_numpy())
    result[infinite] = np.nan
    invalid = (~missing & result.isna()) | other
    result[other] = np.nan
    return result.set_axis(index), invalid.astype(bool).set_axis(index)


def _parse_number_strings(uniq: pd.Series, percent: bool, dot_decimal_seen: bool = False) -> pd.Series:
    """Parse distinct formatted number strings (vectorised with Arrow over the distinct values).

    ``dot_decimal_seen``: other values of the column (read before) write a decimal point
    after thousands commas, which counts against a decimal comma for the column."""
    def match(arr, pattern):
        return _mask(pc.match_substring_regex(arr, pattern))

    def where(mask, if_true, if_false):
        return pc.if_else(pa.array(mask), if_true, if_false)

    t = pc.replace_substring_regex(_arrow(uniq), _CURRENCY, "")
    t = pc.replace_substring_regex(t, r"[\s'’_]", "")
    paren = match(t, r"^\(.*\)$")
    t = where(paren, pc.utf8_slice_codeunits(t, 1, -1), t)
    trailing_minus = match(t, r"^[\d.,]+-$")
    t = where(trailing_minus, pc.utf8_slice_codeunits(t, 0, -1), t)
    lead_minus = match(t, r"^-")
    lead_sign = match(t, r"^[-+]")
    t = where(lead_sign, pc.utf8_slice_codeunits(t, 1), t)
    negative = paren | trailing_minus | lead_minus
    has_pct = match(t, r"%$")
    t = where(has_pct, pc.utf8_slice_codeunits(t, 0, -1), t)
    scale = np.ones(len(uniq))
    for suffix, factor in _MULTIPLIERS.items():
        hit = match(t, "^.+" + re.escape(suffix) + "$")
        scale[hit] = factor
        t = where(hit, pc.utf8_slice_codeunits(t, 0, -1), t)
    shape_ok = match(t, r"^(?:\d[\d.,]*|[.,]\d+)$")

    # which mark is the decimal one: per value when unambiguous, per column otherwise
    has_comma, has_dot = match(t, ","), match(t, r"\.")
    both = has_comma & has_dot
    comma_last = both & match(t, r",[^.]*$")
    dot_last = both & ~comma_last
    only_comma = has_comma & ~both
    only_dot = has_dot & ~both
    n_commas = pc.count_substring(t, ",").to_numpy(zero_copy_only=False)
    n_dots = pc.count_substring(t, ".").to_numpy(zero_copy_only=False)
    grouped_comma = match(t, r"^\d{1,3}(?:,\d{3})+$")
    grouped_dot = match(t, r"^\d{1,3}(?:\.\d{3})+$")
    ambiguous = (only_comma & grouped_comma & (n_commas == 1)) | (only_dot & grouped_dot & (n_dots == 1))
    comma_decimal = comma_last | (only_comma & ~grouped_comma) | (only_dot & (n_dots > 1))
    dot_decimal = dot_last | (only_dot & ~grouped_dot) | (only_comma & (n_commas > 1))
    column_comma = bool((comma_decimal & ~ambiguous).any() and not (dot_decimal & ~ambiguous).any()
                        and not dot_decimal_seen)
    comma_decimal = (comma_decimal & ~ambiguous) | (ambiguous & column_comma)
    european = pc.replace_substring(pc.replace_substring(t, ".", ""), ",", ".")
    english = pc.replace_substring(t, ",", "")
    cleaned = where(comma_decimal, european, english)
    valid = shape_ok & match(cleaned, r"^(?:\d+\.?\d*|\.\d+)$")
    value = np.full(len(uniq), np.nan)
    if valid.any():
        value[valid] = pc.cast(cleaned.filter(pa.array(valid)), pa.float64()).to_numpy(zero_copy_only=False)
    value = np.where(negative, -value, value) * scale
    value = np.where(has_pct, value / 100.0 if percent else np.nan, value)
    return pd.Series(value, index=uniq.index, dtype="float64")
