"""Periods: parse "2026-03" / "2026-Q1" / "2026-W05" / "2026" and map dates to period starts.

One place decides what a period string means, so targets, KPIs, forecasts and
diagnoses all agree.

Examples
--------
>>> from workbench.periods import parse_period, period_start, period_label
>>> parse_period("2026-Q1")
Period(freq='Q', start=Timestamp('2026-01-01 00:00:00'), end=Timestamp('2026-04-01 00:00:00'))
>>> parse_period("2026-03").end
Timestamp('2026-04-01 00:00:00')
>>> period_label("2026-04-01", "Q")
'2026-Q2'
>>> import pandas as pd
>>> period_start(pd.Series(pd.to_datetime(["2026-02-17 10:00", "2026-05-02 08:30"])), "Q").tolist()
[Timestamp('2026-01-01 00:00:00'), Timestamp('2026-04-01 00:00:00')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "Period", "FREQS", "normalize_freq", "parse_period", "period_start", "period_label", "pandas_freq", "infer_freq",
]

#: Canonical frequency codes: week (starting Monday), month, quarter, year.
FREQS = ("W", "M", "Q", "Y")

_FREQ_ALIASES = {
    "w": "W", "week": "W", "weekly": "W", "w-mon": "W",
    "m": "M", "ms": "M", "me": "M", "month": "M", "monthly": "M",
    "q": "Q", "qs": "Q", "qe": "Q", "quarter": "Q", "quarterly": "Q",
    "y": "Y", "ys": "Y", "a": "Y", "as": "Y", "year": "Y", "yearly": "Y", "annual": "Y",
}
_PANDAS_FREQ = {"W": "W-MON", "M": "MS", "Q": "QS", "Y": "YS"}


def normalize_freq(freq: str) -> str:
    """Return the canonical code (``W``, ``M``, ``Q`` or ``Y``) for a frequency name.

    >>> normalize_freq("month"), normalize_freq("QS")
    ('M', 'Q')
    """
    key = str(freq).strip().lower()
    if key not in _FREQ_ALIASES:
        raise ValueError(
            f"Unknown frequency {freq!r}; expected one of W (week), M (month), Q (quarter), Y (year)."
        )
    return _FREQ_ALIASES[key]


def pandas_freq(freq: str) -> str:
    """The pandas offset alias of the period *starts* for a frequency (``M`` -> ``MS``)."""
    return _PANDAS_FREQ[normalize_freq(freq)]


@dataclass(frozen=True)
class Period:
    """A calendar period: frequency code, inclusive start and exclusive end."""

    freq: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def label(self) -> str:
        """The period written the way targets are written (``2026-03``, ``2026-Q1``)."""
        return period_label(self.start, self.freq)


_PATTERNS = [
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.I), "Q"),
    (re.compile(r"^Q([1-4])[-\s]?(\d{4})$", re.I), "Qr"),
    (re.compile(r"^(\d{4})-W(\d{1,2})$", re.I), "W"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "M"),
    (re.compile(r"^(\d{4})(\d{2})$"), "M"),
    (re.compile(r"^(\d{4})$"), "Y"),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), "M"),
    (re.compile(r"^(\d{4})年第?([1-4])季度?$"), "Q"),
]


def parse_period(text, freq: str | None = None) -> Period:
    """Parse a period string.

    Parameters
    ----------
    text : str or date-like
        ``2026-03``, ``2026/3``, ``202603``, ``2026年3月`` (month); ``2026-Q1``, ``Q1 2026``,
        ``2026年第1季度`` (quarter); ``2026-W05`` (ISO week); ``2026`` (year); or a date,
        which is read as the start of the period of frequency ``freq`` containing it.
    freq : str, optional
        Required only when ``text`` is a full date.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        If the text is not a period the workbench understands.
    """
    s = str(text).strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        if kind == "Q":
            start = pd.Timestamp(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
            return Period("Q", start, start + pd.DateOffset(months=3))
        if kind == "Qr":
            start = pd.Timestamp(int(m.group(2)), 3 * int(m.group(1)) - 2, 1)
            return Period("Q", start, start + pd.DateOffset(months=3))
        if kind == "W":
            start = pd.Timestamp.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return Period("W", start, start + pd.Timedelta(days=7))
        if kind == "M":
            month = int(m.group(2))
            if not 1 <= month <= 12:
                break
            start = pd.Timestamp(int(m.group(1)), month, 1)
            return Period("M", start, start + pd.DateOffset(months=1))
        if kind == "Y":
            start = pd.Timestamp(int(m.group(1)), 1, 1)
            return Period("Y", start, start + pd.DateOffset(years=1))
    if freq is not None:
        try:
            ts = pd.Timestamp(s)
        except (ValueError, TypeError):
            ts = None
        if ts is not None and ts is not pd.NaT:
            f = normalize_freq(freq)
            start = period_start(pd.Series([ts]), f).iloc[0]
            end = start + (pd.Timedelta(days=7) if f == "W" else pd.DateOffset(**{
                "M": {"months": 1}, "Q": {"months": 3}, "Y": {"years": 1}}[f]))
            return Period(f, start, end)
    raise ValueError(
        f"Cannot read period {text!r}; expected e.g. 2026-03 (month), 2026-Q1 (quarter), "
        f"2026-W05 (week) or 2026 (year)."
    )


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """Map datetimes to the start of their period (weeks start on Monday)."""
    f = normalize_freq(freq)
    d = pd.to_datetime(dates)
    if f == "W":
        day = d.dt.normalize()
        return day - pd.to_timedelta(day.dt.dayofweek, unit="D")
    return d.dt.to_period({"M": "M", "Q": "Q", "Y": "Y"}[f]).dt.start_time


def period_label(start, freq: str) -> str:
    """Write the period starting at ``start`` as ``2026-03``, ``2026-Q1``, ``2026-W05`` or ``2026``."""
    ts = pd.Timestamp(start)
    f = normalize_freq(freq)
    if f == "M":
        return f"{ts.year:04d}-{ts.month:02d}"
    if f == "Q":
        return f"{ts.year:04d}-Q{(ts.month - 1) // 3 + 1}"
    if f == "W":
        iso = ts.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    return f"{ts.year:04d}"


def infer_freq(starts) -> str | None:
    """The frequency code of a set of period starts, from the smallest gap between them.

    Returns ``None`` when there are fewer than two distinct periods (nothing to tell
    a month from a quarter by).

    >>> infer_freq(pd.to_datetime(["2026-01-01", "2026-04-01", "2026-07-01"]))
    'Q'
    >>> infer_freq(pd.to_datetime(["2026-01-05", "2026-01-12"])), infer_freq(["2026-03-01"])
    ('W', None)
    """
    days = pd.Series(pd.to_datetime(pd.Series(list(starts))).dropna().unique()).sort_values().diff().dt.days
    if days.notna().sum() == 0:
        return None
    gap = days.min()
    if gap <= 7:
        return "W"
    if gap <= 31:
        return "M"
    if gap <= 92:
        return "Q"
    return "Y"
