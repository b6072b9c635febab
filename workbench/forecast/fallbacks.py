"""Forecasts for series too short or too odd for the model candidates.

Each function returns rows in the Forecaster's output shape (``unique_id``, ``ds``,
``forecast``, ``forecast-lo-<L>``, ``forecast-hi-<L>``, ``note``, ``note_zh``); model columns are
left out (they are NaN for these series in the final output).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.messages import MESSAGES

__all__ = ["NOTES", "NOTES_ZH", "future_dates", "zero_forecast", "naive_wide", "borrow_from_group"]

#: The ``note`` texts, one per fallback, so users and tests can match them (``{field}``s to fill).
NOTES = {name: MESSAGES[f"pkg.forecast.note.{name}"]["en"]
         for name in ("nonseasonal", "unvalidated", "naive", "borrowed", "zero")}
#: The same texts in Chinese (the ``note_zh`` column).
NOTES_ZH = {name: MESSAGES[f"pkg.forecast.note.{name}"]["zh"] for name in NOTES}


def future_dates(last: pd.Timestamp, h: int, offset) -> pd.DatetimeIndex:
    """The ``h`` period starts after ``last``."""
    return pd.DatetimeIndex([last + offset * (i + 1) for i in range(h)])


def _frame(uid, dates, point, lo, hi, levels, name, **fields):
    out = pd.DataFrame({"unique_id": uid, "ds": dates, "forecast": point})
    for lev in levels:
        out[f"forecast-lo-{lev}"] = lo[lev]
        out[f"forecast-hi-{lev}"] = hi[lev]
    out["note"] = NOTES[name].format(**fields)
    out["note_zh"] = NOTES_ZH[name].format(**fields)
    return out


def zero_forecast(uid: str, history: np.ndarray, dates, levels, group_typical: float | None = None) -> pd.DataFrame:
    """Zero forecast for an all-zero series, with an honest upper bound.

    With ``n`` zero periods, the upper ``L``% bound on the chance of a first sale in a
    period is ``1 - (1 - L/100) ** (1 / n)`` (the "rule of three" generalised). The upper
    interval bound is that chance times a typical non-zero period value (of the group's
    members, else of all series; 0 when every series is zero).

    >>> import numpy as np, pandas as pd
    >>> zero_forecast("r1", np.zeros(12), pd.date_range("2026-01-01", periods=2, freq="MS"), [80],
    ...               group_typical=1000.0)["forecast-hi-80"].round(1).tolist()
    [125.5, 125.5]
    """
    n = max(len(history), 1)
    h = len(dates)
    lo, hi = {}, {}
    for lev in levels:
        p_upper = 1.0 - (1.0 - lev / 100.0) ** (1.0 / n)
        lo[lev] = np.zeros(h)
        hi[lev] = np.full(h, p_upper * (group_typical or 0.0))
    return _frame(uid, dates, np.zeros(h), lo, hi, levels, "zero")


def naive_wide(uid: str, history: np.ndarray, dates, levels, nonnegative: bool = True) -> pd.DataFrame:
    """Last value as the forecast, with wide small-sample intervals.

    The spread is the larger of the sample standard deviation of the values and half
    the mean absolute value, scaled by a Student-t quantile with ``n - 1`` degrees of
    freedom (a normal one doubled when ``n == 1``) and by ``sqrt(step)``.

    >>> import numpy as np, pandas as pd
    >>> out = naive_wide("r1", np.array([10.0, 14.0, 12.0]), pd.date_range("2026-04-01", periods=2, freq="MS"), [80])
    >>> out["forecast"].tolist(), bool((out["forecast-hi-80"] > out["forecast"]).all())
    ([12.0, 12.0], True)
    """
    from scipy import stats

    n = len(history)
    h = len(dates)
    point = np.full(h, float(history[-1]))
    spread = max(float(np.std(history, ddof=1)) if n > 1 else 0.0, 0.5 * float(np.mean(np.abs(history))))
    steps = np.sqrt(np.arange(1, h + 1))
    lo, hi = {}, {}
    for lev in levels:
        q = 1 - (1 - lev / 100) / 2
        z = stats.t.ppf(q, n - 1) if n > 1 else 2 * stats.norm.ppf(q)
        width = z * spread * steps
        lo[lev] = point - width
        hi[lev] = point + width
    out = _frame(uid, dates, point, lo, hi, levels, "naive", n=n)
    if nonnegative:
        num = out.columns.drop(["unique_id", "ds", "note", "note_zh"])
        out[num] = out[num].clip(lower=0)
    return out


def borrow_from_group(uid: str, history: np.ndarray, group: str, group_forecast: pd.DataFrame, levels,
                      prior_points: int) -> pd.DataFrame:
    """Shrink a new series toward its group's average member forecast.

    ``group_forecast`` holds the established members' rows (``ds``, ``forecast`` and
    interval columns). The forecast is ``w * own_mean + (1 - w) * group_mean`` with
    ``w = n / (n + prior_points)``; the interval keeps the members' average widths.
    """
    n = len(history)
    w = n / (n + prior_points)
    g = group_forecast.groupby("ds", sort=True).mean(numeric_only=True)
    point = w * float(np.mean(history)) + (1 - w) * g["forecast"].to_numpy()
    lo, hi = {}, {}
    for lev in levels:
        lo[lev] = point - (g["forecast"] - g[f"forecast-lo-{lev}"]).to_numpy()
        hi[lev] = point + (g[f"forecast-hi-{lev}"] - g["forecast"]).to_numpy()
    return _frame(uid, g.index, point, lo, hi, levels, "borrowed", group=group, n=n)
