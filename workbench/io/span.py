"""What time the deals cover, and the one check that a requested period lies inside it.

Examples
--------
>>> import pandas as pd
>>> from workbench.periods import parse_period
>>> opps = pd.DataFrame({"created_at": pd.to_datetime(["2025-05-02", "2026-01-10"]),
...                      "closed_at": pd.to_datetime(["2025-06-20", pd.NaT])})
>>> span = data_span(opps)
>>> str(span.earliest.date()), str(span.latest.date())
('2025-06-20', '2026-01-10')
>>> check_period_in_data(parse_period("2026-03"), span)
Traceback (most recent call last):
...
ValueError: Period 2026-03 starts after the data ends (newest record 2026-01-10); pick a period up to 2026-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.periods import Period, period_label

__all__ = ["DataSpan", "data_span", "check_period_in_data"]


@dataclass(frozen=True)
class DataSpan:
    """What the deals cover: ``earliest`` (the first decided deal's close, else the first
    created deal) and ``latest`` (the newest created or closed date)."""

    earliest: pd.Timestamp
    latest: pd.Timestamp
    #: What ``earliest`` is, for messages: the first decided deal or, when none is decided, the first created.
    earliest_is: str = "first decided deal"


def data_span(opportunities: pd.DataFrame) -> DataSpan:
    """The :class:`DataSpan` of a typed ``opportunities`` table.

    History starts with the first decided deal: exports often hold older open deals only.
    """
    created_at = opportunities["created_at"]
    closed_at = opportunities["closed_at"]
    earliest = closed_at.min() if closed_at.notna().any() else created_at.min()
    latest = max(created_at.max(), closed_at.max()) if closed_at.notna().any() else created_at.max()
    what = "first decided deal" if closed_at.notna().any() else "first deal created (none is decided yet)"
    return DataSpan(pd.Timestamp(earliest), pd.Timestamp(latest), what)


def check_period_in_data(period: Period, span: DataSpan) -> None:
    """Raise ``ValueError`` when ``period`` starts after the data ends or ends before it starts."""
    latest, earliest = span.latest, span.earliest
    if pd.notna(latest) and period.start > latest:
        raise ValueError(
            f"Period {period.label} starts after the data ends (newest record {latest:%Y-%m-%d}); "
            f"pick a period up to {period_label(latest, period.freq)}."
        )
    if pd.notna(earliest) and period.end <= earliest:
        raise ValueError(
            f"Period {period.label} ends before the data starts ({span.earliest_is}: {earliest:%Y-%m-%d}); "
            f"pick a period from {period_label(earliest, period.freq)}."
        )
