"""A business-hours clock: the simulation runs in working hours, the tables show dates.

Reps work Monday to Friday, 08:00-18:00. The simulation measures time as *business
hours since the first day of the window* (a float), so every duration it draws is
working time, and converts to calendar timestamps only at the end. The conversion is
monotone, so any ordering the simulation guarantees (created <= first touch <= stage
entries <= close) survives in the tables.

Examples
--------
>>> import numpy as np
>>> clock = BusinessClock("2026-03-02")          # a Monday
>>> clock.timestamps(np.array([0.0, 9.5, 10.0, 50.0]))
array(['2026-03-02T08:00', '2026-03-02T17:30', '2026-03-03T08:00',
       '2026-03-09T08:00'], dtype='datetime64[m]')
>>> float(clock.hours_at(np.array(["2026-03-09"], dtype="datetime64[D]"))[0])
50.0
"""

from __future__ import annotations

import numpy as np

__all__ = ["BusinessClock", "HOURS_PER_DAY", "calendar_days_to_hours"]

#: Working hours per business day.
HOURS_PER_DAY = 10
_DAY_START_MINUTES = 8 * 60


def calendar_days_to_hours(days):
    """Business hours in a span of ``days`` calendar days (5 working days a week).

    >>> float(calendar_days_to_hours(7.0))
    50.0
    """
    return np.asarray(days, dtype=float) * HOURS_PER_DAY * 5.0 / 7.0


class BusinessClock:
    """Convert between business hours since ``start`` and calendar timestamps.

    Parameters
    ----------
    start : str or datetime-like
        First calendar day of the simulated window (business hour 0 is 08:00 on the
        first business day on or after it).
    """

    def __init__(self, start):
        self.start = np.datetime64(str(start)[:10], "D")

    def hours_at(self, days) -> np.ndarray:
        """Business hours elapsed at 08:00 of each day (weekends count as the next Monday)."""
        days = np.asarray(days, dtype="datetime64[D]")
        return np.busday_count(self.start, days).astype(float) * HOURS_PER_DAY

    def timestamps(self, hours) -> np.ndarray:
        """Calendar timestamps (minute precision) of business hours; NaN gives NaT."""
        hours = np.asarray(hours, dtype=float)
        out = np.full(hours.shape, np.datetime64("NaT"), dtype="datetime64[m]")
        ok = np.isfinite(hours)
        minutes = np.floor(hours[ok] * 60.0).astype(np.int64)
        business_day, minute_of_day = np.divmod(minutes, HOURS_PER_DAY * 60)
        day = np.busday_offset(self.start, business_day, roll="forward")
        out[ok] = day.astype("datetime64[m]") + (minute_of_day + _DAY_START_MINUTES).astype("timedelta64[m]")
        return out

    def dates(self, hours) -> np.ndarray:
        """Calendar dates of business hours (NaN gives NaT)."""
        return self.timestamps(hours).astype("datetime64[D]")
