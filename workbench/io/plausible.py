"""What values are plausible for sales data: the date range and the largest amount.

A date in 1900 or 2261 is a valid date but no sales record: one such typo stretches every
KPI table over centuries (7,745 rows become 736,649) and the differences of such dates
overflow pandas' nanosecond timestamps. An amount of 1e32 is a valid number but no deal,
and overflows the exact money sums of the KPI engine. :func:`workbench.io.validate.validate_tables`
quarantines such rows at load (check ``out_of_range``) with a reason naming the setting.

Defaults: dates from 1990-01-01 up to the end of 2100 (hire dates may go back
:data:`HIRE_YEARS_BEFORE` more years: a rep hired in 1985 can still be selling), amounts up
to 1e15. Change them with the environment variables ``WORKBENCH_DATE_RANGE`` (``1980..2100``)
and ``WORKBENCH_MAX_AMOUNT`` (``1e18``), or pass a :class:`Plausible` to ``validate_tables``.

Examples
--------
>>> Plausible().describe_dates()
'1990-01-01 to 2100-12-31'
>>> Plausible.from_env({"WORKBENCH_DATE_RANGE": "1980..2050"}).years
(1980, 2050)
>>> Plausible(first_year=1600)
Traceback (most recent call last):
...
workbench.errors.DataError: WORKBENCH_DATE_RANGE: expected years within 1700..2250 with the last year at most 290 after the first (dates outside it do not fit the workbench's timestamps); got 1600..2100.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from workbench.errors import DataError
from workbench.messages import MESSAGES

__all__ = ["Plausible", "DATE_RANGE_VARIABLE", "MAX_AMOUNT_VARIABLE", "HIRE_YEARS_BEFORE", "AMOUNT_COLUMNS"]

#: Environment variable holding the plausible years, ``FIRST..LAST`` (e.g. ``1980..2100``).
DATE_RANGE_VARIABLE = "WORKBENCH_DATE_RANGE"
#: Environment variable holding the largest plausible amount (e.g. ``1e18``).
MAX_AMOUNT_VARIABLE = "WORKBENCH_MAX_AMOUNT"
#: ``reps.hire_date`` may lie this many years before the first plausible year.
HIRE_YEARS_BEFORE = 50
#: Money columns checked against the largest plausible amount: ``(table, column)``.
AMOUNT_COLUMNS = (("opportunities", "amount"), ("orders", "amount"))

# Every pair of timestamps in the range must have a difference that fits in int64
# nanoseconds (±292 years), and the years must fit pandas' Timestamp range (1677..2262).
_YEAR_BOUNDS = (1700, 2250)
_MAX_SPAN_YEARS = 290
# Amount sums are exact DECIMAL(38, 6) in the KPI engine: 1e20 per row leaves room for 1e12 rows.
_AMOUNT_BOUND = 1e20


@dataclass(frozen=True)
class Plausible:
    """The plausible range of dates and amounts of sales data.

    Parameters
    ----------
    first_year, last_year : int
        Dates before January 1 of ``first_year`` or after December 31 of ``last_year`` are
        quarantined (``reps.hire_date`` may start :data:`HIRE_YEARS_BEFORE` years earlier).
        Both within 1700..2250, at most 290 years apart.
    max_amount : float
        Amounts (``opportunities.amount``, ``orders.amount``) above it are quarantined.
        At most 1e20.

    Raises
    ------
    DataError
        When the range is outside what the workbench's timestamps and sums can hold; the
        message names the environment variable.
    """

    first_year: int = 1990
    last_year: int = 2100
    max_amount: float = 1e15

    def __post_init__(self):
        lo, hi = self.first_year, self.last_year
        if not (_YEAR_BOUNDS[0] <= lo <= hi <= _YEAR_BOUNDS[1] and hi - lo <= _MAX_SPAN_YEARS):
            raise DataError(
                f"{DATE_RANGE_VARIABLE}: expected years within {_YEAR_BOUNDS[0]}..{_YEAR_BOUNDS[1]} with the last "
                f"year at most {_MAX_SPAN_YEARS} after the first (dates outside it do not fit the workbench's "
                f"timestamps); got {lo}..{hi}."
            )
        if not (0 < self.max_amount <= _AMOUNT_BOUND):
            raise DataError(f"{MAX_AMOUNT_VARIABLE}: expected a number above 0 and at most {_AMOUNT_BOUND:g}; "
                            f"got {self.max_amount!r}.")

    @property
    def years(self) -> tuple[int, int]:
        """``(first_year, last_year)``."""
        return self.first_year, self.last_year

    def date_bounds(self, column: str = "") -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first plausible instant and the first instant after the range, for ``column``.

        >>> [str(t.date()) for t in Plausible().date_bounds("hire_date")]
        ['1940-01-01', '2101-01-01']
        """
        first = self.first_year - (HIRE_YEARS_BEFORE if column == "hire_date" else 0)
        return pd.Timestamp(first, 1, 1), pd.Timestamp(self.last_year + 1, 1, 1)

    def describe_dates(self, column: str = "") -> str:
        """The range in words: ``1990-01-01 to 2100-12-31``."""
        lo, hi = self.date_bounds(column)
        return f"{lo:%Y-%m-%d} to {(hi - pd.Timedelta(days=1)):%Y-%m-%d}"

    def date_reason(self, column: str) -> str:
        """The quarantine reason of a date outside the range, naming the setting to change."""
        lo, hi = self.date_bounds(column)
        return MESSAGES["reason.plausible_date"]["en"].format(
            column=column, first=f"{lo:%Y-%m-%d}", last=f"{(hi - pd.Timedelta(days=1)):%Y-%m-%d}",
            variable=DATE_RANGE_VARIABLE)

    def amount_reason(self, column: str) -> str:
        """The quarantine reason of an amount above the maximum, naming the setting to change."""
        return MESSAGES["reason.plausible_amount"]["en"].format(
            column=column, maximum=f"{self.max_amount:g}", variable=MAX_AMOUNT_VARIABLE, bound=f"{_AMOUNT_BOUND:g}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Plausible:
        """The settings from ``WORKBENCH_DATE_RANGE`` and ``WORKBENCH_MAX_AMOUNT`` (defaults where unset).

        >>> Plausible.from_env({"WORKBENCH_MAX_AMOUNT": "1e18"}).max_amount
        1e+18
        >>> Plausible.from_env({"WORKBENCH_DATE_RANGE": "1990-2100"})
        Traceback (most recent call last):
        ...
        workbench.errors.DataError: WORKBENCH_DATE_RANGE: expected two years as FIRST..LAST, e.g. 1980..2100; got '1990-2100'.
        """
        environ = os.environ if environ is None else environ
        kwargs = {}
        years = (environ.get(DATE_RANGE_VARIABLE) or "").strip()
        if years:
            match = re.fullmatch(r"(\d{4})\s*\.\.\s*(\d{4})", years)
            if not match:
                raise DataError(f"{DATE_RANGE_VARIABLE}: expected two years as FIRST..LAST, e.g. 1980..2100; "
                                f"got {years!r}.")
            kwargs["first_year"], kwargs["last_year"] = int(match[1]), int(match[2])
        amount = (environ.get(MAX_AMOUNT_VARIABLE) or "").strip()
        if amount:
            try:
                kwargs["max_amount"] = float(amount)
            except ValueError:
                raise DataError(f"{MAX_AMOUNT_VARIABLE}: expected a number such as 1e18; got {amount!r}.") from None
        return cls(**kwargs)
