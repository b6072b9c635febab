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
    s = s.astype("str") if s.dtype == object else s
    out = s.str.strip()
    # translate is the slow part; only run it when a non-ASCII character is present
    if out.notna().any() and not out.str.isascii().fillna(True).all():
        out = out.str.translate(_FULLWIDTH).str.strip()
    return out


def missing_mask(series: pd.Series, tokens=NA_TOKENS) -> pd.Series:
    """Cells that hold no value: NA, or a string in ``tokens`` (case-insensitive, stripped).

    >>> missing_mask(pd.Series(["", " NULL ", "x", None])).tolist()
    [True, True, False, True]
    """
    na = series.isna()
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        text = series.where(series.map(type).eq(str), None) if series.dtype == object else series
        text = text.astype("str").str.strip().str.lower()
        na = na | text.isin(tokens).fillna(False).astype(bool)
    return na.astype(bool)


# ----------------------------------------------------------------------------- dates

_TIME = (
    r"(?:[\sT]*(?P<ampm1>上午|下午|AM|PM|am|pm)?\s*(?P<hour>\d{1,2})[:时點点](?P<minute>\d{1,2})分?"
    r"(?:[:分](?P<second>\d{1,2})(?:[.,](?P<frac>\d{1,9}))?秒?)?\s*(?P<ampm2>AM|PM|am|pm|a\.m\.|p\.m\.)?)?"
)
_TZ = r"\s*(?:Z|UTC|GMT|CST|[+-]\d{2}:?\d{2})?"
_YMD = re.compile(
    r"^(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?" + _TIME + _TZ + r"$"
)
_DMY = re.compile(
    r"^(?P<first>\d{1,2})[-/.](?P<second_field>\d{1,2})[-/.](?P<year>\d{4}|\d{2})" + _TIME + _TZ + r"$"
)
_COMPACT = re.compile(
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:[\sT]?(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?)?$"
)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_TZ_SUFFIX = re.compile(r"(?<=\d)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$")


def _full_year(year: pd.Series) -> pd.Series:
    """Two-digit years: 00-68 -> 2000s, 69-99 -> 1900s (the POSIX / pandas pivot)."""
    return year.where(year >= 100, year + np.where(year < 69, 2000, 1900))


def _assemble(parts: pd.DataFrame) -> pd.Series:
    """Build datetimes from year/month/day/hour/minute/second/frac/ampm columns (NaT when invalid)."""
    num = {k: pd.to_numeric(parts[k], errors="coerce") for k in ("year", "month", "day")}
    hour = pd.to_numeric(parts.get("hour"), errors="coerce") if "hour" in parts else None
    frame = pd.DataFrame({"year": _full_year(num["year"]), "month": num["month"], "day": num["day"]})
    if hour is not None:
        ampm = pd.Series("", index=parts.index, dtype="str")
        for col in ("ampm1", "ampm2"):
            if col in parts:
                ampm = ampm.where(parts[col].isna(), parts[col].astype("str"))
        ampm = ampm.str.lower().str.replace(".", "", regex=False)
        pm = ampm.isin(["pm", "下午"])
        am = ampm.isin(["am", "上午"])
        has_ampm = pm | am
        bad_ampm = has_ampm & ((hour < 1) | (hour > 12))
        hour = hour.where(~(am & (hour == 12)), 0)
        hour = hour.where(~(pm & (hour < 12)), hour + 12)
        frame["hour"] = hour.fillna(0)
        frame["minute"] = pd.to_numeric(parts["minute"], errors="coerce").fillna(0)
        frame["second"] = pd.to_numeric(parts.get("second"), errors="coerce").fillna(0) if "second" in parts else 0
        if "frac" in parts:
            frac = parts["frac"].fillna("0").astype("str").str.ljust(9, "0").str[:9]
            frame["nanosecond"] = pd.to_numeric(frac, errors="coerce").fillna(0)
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
    out_of_range = s.notna() & ((s < _NS_MIN) | (s > _NS_MAX))
    if out_of_range.any():
        s = s.mask(out_of_range)
    return s.astype("datetime64[ns]"), out_of_range.astype(bool)


def _resolve_dayfirst(first: pd.Series, second: pd.Series, dayfirst: bool | None) -> bool:
    if dayfirst is not None:
        return bool(dayfirst)
    if (first > 12).any():
        return True
    if (second > 12).any():
        return False
    return False


def _parse_date_strings(uniq: pd.Series, dayfirst: bool | None) -> pd.Series:
    """Parse distinct, stripped, non-missing date strings the ISO fast path rejected."""
    out = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    todo = pd.Series(True, index=uniq.index)

    m = uniq.str.extract(_YMD)
    hit = m["year"].notna()
    if hit.any():
        out[hit] = _assemble(m[hit])
        todo &= ~hit

    m = uniq[todo].str.extract(_DMY)
    hit = m["year"].notna()
    if hit.any():
        m = m[hit]
        first = pd.to_numeric(m["first"], errors="coerce")
        second = pd.to_numeric(m["second_field"], errors="coerce")
        day_first = _resolve_dayfirst(first, second, dayfirst)
        m = m.assign(day=m["first"] if day_first else m["second_field"],
                     month=m["second_field"] if day_first else m["first"])
        out[m.index] = _assemble(m)
        todo[m.index] = False

    m = uniq[todo].str.extract(_COMPACT)
    hit = m["year"].notna()
    if hit.any():
        out[m.index[hit]] = _assemble(m[hit])
        todo[m.index[hit]] = False

    rest = uniq[todo]
    serial = rest[rest.str.fullmatch(_SERIAL).fillna(False).astype(bool)]
    if len(serial):
        number = pd.to_numeric(serial, errors="coerce")
        in_range = number.between(1, 2958465)  # Excel's 1900-01-01 .. 9999-12-31
        stamps = _EXCEL_EPOCH + pd.to_timedelta((number[in_range] * 86400).round(), unit="s")
        out[stamps.index] = stamps.astype("datetime64[ns]")
        todo[serial.index] = False

    # Month names ("05-Mar-2026", "Mar 5, 2026", "Thu, 05 Mar 2026 14:30:00 +0800"):
    # dateutil reads these well; used only for strings with ASCII letters.
    rest = uniq[todo]
    words = rest[rest.str.contains(r"[A-Za-z]{3}", regex=True).fillna(False).astype(bool)]
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
        when any value's first field is above 12, else month-first when any value's
        second field is above 12, else month-first (the Excel-US / pandas convention).
        Values that contradict the column's decision (``13/13/2026``) are invalid.

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
    elif s.dtype == object:
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
    todo = ~missing
    for fmt in formats or ():
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed, _ = _as_ns(parsed)
        result[parsed.index] = parsed
        todo &= result.isna()

    if todo.any():
        candidates = text[todo]
        # A bare year or year-month is a period, not a date: leave it to the strict rules.
        short = candidates.str.len() <= 7
        candidates = candidates[~short | candidates.str.fullmatch(r"\d{5,7}(?:\.\d+)?").fillna(False)]
        candidates = candidates[~candidates.str.fullmatch(_SERIAL).fillna(False).astype(bool)]
        try:
            parsed = pd.to_datetime(candidates, format="ISO8601", errors="coerce")
        except ValueError:  # mixed offsets / naive and aware values: drop offsets (wall time)
            parsed = pd.to_datetime(
                candidates.str.replace(_TZ_SUFFIX, "", regex=True), format="ISO8601", errors="coerce"
            )
        parsed, out_of_range = _as_ns(parsed)
        result[parsed.index] = parsed
        todo &= result.isna()
        todo[out_of_range[out_of_range].index] = False
        result[out_of_range[out_of_range].index] = pd.NaT

    if todo.any():
        rest = text[todo]
        uniq = pd.Series(rest.unique()).astype("str")
        parsed_uniq = _parse_date_strings(uniq, dayfirst)
        lookup = pd.Series(parsed_uniq.to_numpy(), index=uniq.to_numpy())
        result[rest.index] = lookup.reindex(rest.to_numpy()).to_numpy()
    invalid = ~missing & result.isna()
    return result, invalid.astype(bool)


# --------------------------------------------------------------------------- numbers

_CURRENCY = re.compile(
    r"(?i)(?:US\$|HK\$|NT\$|A\$|C\$|S\$|RMB|CNY|USD|EUR|GBP|HKD|JPY|TWD|SGD|AUD|CAD|CHF|INR|KRW|"
    r"人民币|美元|欧元|港币|港元|元|块|[¥￥$€£₩₹])"
)
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

    Decimal comma or point is decided **per column**: comma when some value can only be
    read that way (``1.234,50``, ``12,5``) and none can only be read the other way
    (``1,234.50``, ``12.5``). A lone ``1,234`` therefore reads as 1234 unless the column
    shows it writes decimals with a comma.

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
    if s.dtype == object:
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
        fast = pd.to_numeric(text[todo], errors="coerce")
        result[fast.index] = fast
        todo &= result.isna()
    if todo.any():
        rest = text[todo]
        uniq = pd.Series(rest.unique()).astype("str")
        parsed = _parse_number_strings(uniq, percent)
        lookup = pd.Series(parsed.to_numpy(), index=uniq.to_numpy())
        result[rest.index] = lookup.reindex(rest.to_numpy()).to_numpy()
    infinite = np.isinf(result.to_numpy())
    result[infinite] = np.nan
    invalid = (~missing & result.isna()) | other
    result[other] = np.nan
    return result.set_axis(index), invalid.astype(bool).set_axis(index)


def _parse_number_strings(uniq: pd.Series, percent: bool) -> pd.Series:
    """Parse distinct formatted number strings (vectorised over the distinct values)."""
    t = uniq.str.replace(_CURRENCY, "", regex=True).str.replace(r"[\s'’_]", "", regex=True)
    negative = pd.Series(False, index=t.index)
    paren = t.str.fullmatch(r"\(.*\)").fillna(False).astype(bool)
    t = t.where(~paren, t.str.slice(1, -1))
    negative |= paren
    trailing_minus = t.str.fullmatch(r"[\d.,]+-").fillna(False).astype(bool)
    t = t.where(~trailing_minus, t.str.slice(0, -1))
    negative |= trailing_minus
    lead = t.str.match(r"^[-+]").fillna(False).astype(bool)
    negative |= t.str.startswith("-").fillna(False).astype(bool)
    t = t.where(~lead, t.str.slice(1))
    has_pct = t.str.endswith("%").fillna(False).astype(bool)
    t = t.where(~has_pct, t.str.slice(0, -1))
    scale = pd.Series(1.0, index=t.index)
    for suffix, factor in _MULTIPLIERS.items():
        hit = t.str.endswith(suffix).fillna(False).astype(bool) & t.str.len().gt(1)
        scale = scale.where(~hit, factor)
        t = t.where(~hit, t.str.slice(0, -1))
    shape_ok = t.str.fullmatch(r"\d[\d.,]*|[.,]\d+").fillna(False).astype(bool)

    # decide the decimal mark for the column
    both = t.str.contains(",", regex=False) & t.str.contains(".", regex=False)
    comma_last = both & (t.str.rfind(",") > t.str.rfind("."))
    dot_last = both & ~comma_last
    only_comma = t.str.contains(",", regex=False) & ~both
    only_dot = t.str.contains(".", regex=False) & ~both
    grouped_comma = t.str.fullmatch(r"\d{1,3}(?:,\d{3})+").fillna(False).astype(bool)
    grouped_dot = t.str.fullmatch(r"\d{1,3}(?:\.\d{3})+").fillna(False).astype(bool)
    n_commas, n_dots = t.str.count(","), t.str.count(r"\.")
    ambiguous = (only_comma & grouped_comma & n_commas.eq(1)) | (only_dot & grouped_dot & n_dots.eq(1))
    comma_decimal = comma_last | (only_comma & ~grouped_comma) | (only_dot & n_dots.gt(1))
    dot_decimal = dot_last | (only_dot & ~grouped_dot) | (only_comma & n_commas.gt(1))
    column_comma = bool((comma_decimal & ~ambiguous).any() and not (dot_decimal & ~ambiguous).any())
    comma_decimal = (comma_decimal & ~ambiguous) | (ambiguous & column_comma)
    european = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    cleaned = t.str.replace(",", "", regex=False).where(~comma_decimal, european)
    value = pd.to_numeric(cleaned.where(shape_ok, None), errors="coerce")
    value = value.where(~negative, -value) * scale
    value = value.where(~has_pct, value / 100.0 if percent else np.nan)
    return value.astype("float64")
