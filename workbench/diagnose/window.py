"""The analysis window: which whole months a diagnosis looks at.

Window rule: the diagnosis looks at ``window`` whole months ending at the end of
``period``. By default it uses all the history the data holds up to that point (whole
months from the first decided deal), at most :data:`MAX_DEFAULT_WINDOW` (36) months and at
least the period itself: the drivers are persistent causes and a rep decides only a few
deals a month, so stage-level conversion and product win rates need years of deals to tell
a real problem from noise. Pass ``window=12`` (or ``--window 12``) to judge only recent
behaviour, ``window=3`` with ``period="2026-Q1"`` to analyse exactly Q1. Bookings, targets,
funnel and behaviour are all measured over that same window, so the parts of the gap add
up. Headline figures of the period itself (bookings, target, attainment) come from the KPI
table (:func:`workbench.kpi.compute_kpis`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.io.span import DataSpan, check_period_in_data, data_span
from workbench.periods import parse_period

__all__ = ["Window", "DataSpan", "data_span", "resolve_window", "recent_window", "MAX_DEFAULT_WINDOW"]  # DataSpan, data_span: re-exported from workbench.io.span

#: Longest default window, in months (when the data holds that much history).
MAX_DEFAULT_WINDOW = 36


@dataclass(frozen=True)
class Window:
    """The analysed months: ``[start, end)``, ``months`` long, ending with ``period``."""

    start: pd.Timestamp
    end: pd.Timestamp
    months: int
    period: str

    @property
    def label(self) -> str:
        """The months as ``2025-07..2026-03``."""
        return f"{self.start:%Y-%m}..{(self.end - pd.Timedelta(days=1)):%Y-%m}"


def _last_full_month(latest: pd.Timestamp):
    last = pd.Timestamp(latest)
    month_start = pd.Timestamp(last.year, last.month, 1)
    nxt = month_start + pd.DateOffset(months=1)
    end = nxt if last >= nxt - pd.Timedelta(days=1) else month_start
    return parse_period(f"{(end - pd.Timedelta(days=1)):%Y-%m}")


def resolve_window(
    period, window: int | None, latest: pd.Timestamp | None = None, earliest: pd.Timestamp | None = None
) -> Window:
    """Turn ``period`` (``2026-Q1``, ``2026-03``, …) and ``window`` (months) into a Window.

    Without ``period``: the last full month before ``latest``. Without ``window``: every
    whole month from ``earliest`` (the first decided deal) to the period's end, at most 36
    and at least the period's own length.

    Raises
    ------
    ValueError
        For a week, an unreadable period, or (given ``latest`` / ``earliest``) a period
        that starts after the data ends or ends before it starts.

    Examples
    --------
    >>> w = resolve_window("2026-Q1", None, earliest=pd.Timestamp("2025-06-20"))
    >>> (str(w.start.date()), str(w.end.date()), w.months)
    ('2025-07-01', '2026-04-01', 9)
    >>> resolve_window("2026-Q1", 3).label
    '2026-01..2026-03'
    >>> resolve_window("2027-01", None, latest=pd.Timestamp("2026-10-31"))
    Traceback (most recent call last):
    ...
    ValueError: Period 2027-01 starts after the data ends (newest record 2026-10-31); pick a period up to 2026-10.
    """
    if period is None:
        if latest is None or pd.isna(latest):
            raise ValueError("The opportunities table holds no deal, so there is no history to analyse and no last "
                             "full month to default to; give a period (e.g. '2026-Q1') and data with deals.")
        p = _last_full_month(latest)
    else:
        p = parse_period(period)
        check_period_in_data(p, DataSpan(pd.Timestamp(earliest) if earliest is not None else pd.NaT,
                                         pd.Timestamp(latest) if latest is not None else pd.NaT))
    if p.freq == "W":
        raise ValueError(f"Diagnosis works on months, quarters or years; got week {period!r}.")
    period_months = {"M": 1, "Q": 3, "Y": 12}[p.freq]
    if window is not None:
        months = int(window)
    else:
        available = MAX_DEFAULT_WINDOW
        if earliest is not None and pd.notna(earliest):
            first = pd.Timestamp(earliest)
            first_full = pd.Timestamp(first.year, first.month, 1)
            if first.normalize() > first_full:  # starts mid-month: that month is partial
                first_full += pd.DateOffset(months=1)
            available = (p.end.year - first_full.year) * 12 + (p.end.month - first_full.month)
        months = max(period_months, min(MAX_DEFAULT_WINDOW, available))
    if months < 1:
        raise ValueError(f"The 'window' parameter must be ≥ 1 month; got {window!r}.")
    start = p.end - pd.DateOffset(months=months)
    return Window(pd.Timestamp(start), pd.Timestamp(p.end), months, p.label)


def recent_window(window: Window, months: int = 12) -> Window:
    """The last ``months`` (at most the window's length) of a window: trends compare it
    with the same number of months just before it (year over year by default).

    >>> recent_window(resolve_window("2026-Q1", 24)).label
    '2025-04..2026-03'
    """
    n = min(months, window.months)
    return Window(pd.Timestamp(window.end - pd.DateOffset(months=n)), window.end, n, window.period)
