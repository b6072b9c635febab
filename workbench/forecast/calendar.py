"""The calendar of a series table: which regular pandas frequency its dates follow.

Sales exports date their periods in many ways: weeks ending on a Friday (``W-FRI``,
the usual weekly retail export) or a Sunday (``W-SUN``), weeks starting on a Monday
(``W-MON``), month starts (``MS``) or month ends (``ME``), fiscal quarters starting in
February (``QS-FEB``), days (``D``) or business days (``B``). The forecasters accept
every regular pandas frequency and keep the input's dates in their output.

``freq`` may be

* a pandas offset alias (``"W-FRI"``, ``"ME"``, ``"QS-FEB"``, ``"D"``, ``"B"``, ``"2W-SUN"``):
  the dates must lie on it;
* a generic period name (``"W"``, ``"M"``, ``"Q"``, ``"Y"``, ``"week"``, ``"month"``...): the
  anchor (weekday, start or end of month, first month of the quarter) is read from the dates;
* ``None``: the period length is read from the typical gap between dates, then the anchor.

Examples
--------
>>> import pandas as pd
>>> fridays = pd.Series(pd.date_range("2026-01-02", periods=5, freq="W-FRI"))
>>> resolve_freq(fridays), resolve_freq(fridays, "W"), resolve_freq(fridays, "W-FRI")
('W-FRI', 'W-FRI', 'W-FRI')
>>> resolve_freq(pd.Series(pd.date_range("2026-01-31", periods=3, freq="ME")))
'ME'
>>> resolve_freq(pd.Series(pd.to_datetime(["2025-02-01", "2025-05-01", "2025-08-01"])))
'QS-FEB'
>>> season_length_for("W-FRI"), season_length_for("ME"), season_length_for("QS-FEB"), season_length_for("B")
(52, 12, 4, 5)
"""

from __future__ import annotations

import warnings

import pandas as pd
from pandas.tseries.frequencies import to_offset

from workbench.errors import DataError

__all__ = ["resolve_freq", "infer_freq", "season_length_for", "off_calendar", "GENERIC_FREQS"]

_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

#: Generic period names -> family; the anchor is read from the data.
GENERIC_FREQS = {
    "d": "D", "day": "D", "daily": "D",
    "w": "W", "week": "W", "weekly": "W",
    "m": "M", "month": "M", "monthly": "M",
    "q": "Q", "quarter": "Q", "quarterly": "Q",
    "y": "Y", "a": "Y", "year": "Y", "yearly": "Y", "annual": "Y",
}

#: Candidate anchors per family, in order of preference.
_CANDIDATES = {
    "D": ["D", "B"],
    "W": [f"W-{d}" for d in _DAYS],
    "M": ["MS", "ME", "BMS", "BME"],
    # quarter starts named by the fiscal year's first month, ends by its last (QE-JAN: retail years)
    "Q": [f"QS-{m}" for m in _MONTHS[:3]] + [f"QE-{m}" for m in ("DEC", "JAN", "FEB")]
         + [f"BQS-{m}" for m in _MONTHS[:3]] + [f"BQE-{m}" for m in ("DEC", "JAN", "FEB")],
    "Y": [f"YS-{m}" for m in _MONTHS] + [f"YE-{m}" for m in _MONTHS],
}

#: Typical gap in days between consecutive periods of each family.
_GAP_DAYS = {"D": (1, 1), "W": (6, 8), "M": (27, 32), "Q": (88, 93), "Y": (360, 367)}

_SEASON = {"Day": 7, "BusinessDay": 5, "Week": 52, "Hour": 24,
           "MonthBegin": 12, "MonthEnd": 12, "BusinessMonthBegin": 12, "BusinessMonthEnd": 12,
           "SemiMonthBegin": 24, "SemiMonthEnd": 24,
           "QuarterBegin": 4, "QuarterEnd": 4, "BQuarterBegin": 4, "BQuarterEnd": 4,
           "YearBegin": 1, "YearEnd": 1, "BYearBegin": 1, "BYearEnd": 1}


def season_length_for(freq: str) -> int:
    """Periods per year-long season (per week for days) of a pandas frequency.

    Multiples divide the season: ``2W`` -> 26. Frequencies without a natural season -> 1.

    >>> season_length_for("MS"), season_length_for("2W-MON"), season_length_for("YS")
    (12, 26, 1)
    """
    offset = to_offset(freq)
    base = _SEASON.get(type(offset).__name__, 1)
    n = abs(int(getattr(offset, "n", 1) or 1))
    return max(1, round(base / n))


def _offset(freq: str, owner: str, column: str):
    try:
        return to_offset(freq)
    except (ValueError, TypeError):
        raise DataError(
            f"{owner}: unknown frequency {freq!r}; pass a pandas frequency such as 'W-FRI', 'W-SUN', 'MS', "
            f"'ME', 'QS-FEB', 'D' or 'B', or a period name 'W', 'M', 'Q' or 'Y' (the anchor is then read "
            f"from the dates).", column=column) from None


def off_calendar(frame: pd.DataFrame, freq: str) -> pd.Series:
    """Rows whose date is not on ``freq`` or does not follow the series' previous date by one period.

    ``frame`` holds ``unique_id`` and ``ds`` sorted by id and date.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"unique_id": "a", "ds": pd.to_datetime(["2026-01-02", "2026-01-09", "2026-01-23"])})
    >>> off_calendar(f, "W-FRI").tolist()
    [False, False, True]
    """
    offset = to_offset(freq)
    ds = frame["ds"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        uniq = ds.drop_duplicates()
        on = ds.map(dict(zip(uniq, (offset.is_on_offset(t) for t in uniq)))).astype(bool)
        prev = frame.groupby("unique_id", sort=False)["ds"].shift(1)
        expected = prev + offset
    gap = prev.notna() & (ds != expected)
    return ~on | gap


def _family_from_gaps(dates: pd.Series, owner: str, column: str) -> str:
    days = dates.diff().dt.total_seconds().dropna() / 86400
    if days.empty:
        raise DataError(f"{owner}: cannot infer the frequency from a single date; pass freq= (e.g. 'MS', "
                        f"'W-FRI', 'QS', or 'M', 'W', 'Q' to read the anchor from the dates).", column=column)
    step = float(days.median())
    for family, (lo, hi) in _GAP_DAYS.items():
        if lo <= step <= hi:
            return family
    raise DataError(f"{owner}: cannot infer the frequency: the typical gap between dates is {step:g} days; "
                    f"pass freq= (e.g. 'W-FRI', 'MS', 'ME', 'QS-FEB', 'D').", column=column)


def _anchor(frame: pd.DataFrame, family: str) -> str:
    """The first candidate of ``family`` every date fits without gaps; else the first the dates lie on."""
    lying_on = None
    for alias in _CANDIDATES[family]:
        offset = to_offset(alias)
        if not all(offset.is_on_offset(t) for t in frame["ds"].drop_duplicates()):
            continue
        if not off_calendar(frame, alias).any():
            return alias
        lying_on = lying_on or alias
    return lying_on or _CANDIDATES[family][0]


def resolve_freq(ds, freq: str | None = None, *, ids=None, owner: str = "Forecaster", column: str = "ds") -> str:
    """The pandas frequency alias of a table's dates (see the module docstring).

    Parameters
    ----------
    ds : Series of datetime
    freq : str, optional
        An offset alias (checked later against the dates), a generic period name
        (anchor read from the dates) or None (inferred).
    ids : Series, optional
        Series ids aligned with ``ds`` so gaps are judged within each series.

    Returns
    -------
    str
        A pandas offset alias (``freqstr``), e.g. ``"W-FRI"`` or ``"MS"``.
    """
    ds = pd.Series(pd.to_datetime(pd.Series(ds).to_numpy()))
    frame = pd.DataFrame({"unique_id": "_" if ids is None else pd.Series(ids).astype(str).to_numpy(), "ds": ds})
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    if freq is not None and str(freq).strip().lower() not in GENERIC_FREQS:
        return _offset(str(freq).strip(), owner, column).freqstr
    if freq is not None:
        family = GENERIC_FREQS[str(freq).strip().lower()]
    else:
        family = _family_from_gaps(frame["ds"].drop_duplicates().sort_values(), owner, column)
    if family == "D":
        weekday_only = (frame["ds"].dt.dayofweek < 5).all()
        return "B" if weekday_only and (frame["ds"].drop_duplicates().sort_values().diff().dt.days == 3).any() \
            else "D"
    return _anchor(frame, family)


def infer_freq(ds) -> str:
    """The pandas frequency alias of period dates, read from the dates alone.

    >>> import pandas as pd
    >>> infer_freq(pd.Series(pd.date_range("2025-01-01", periods=4, freq="QS")))
    'QS-JAN'
    """
    return resolve_freq(ds)
