"""One shared validation for every time-series entry point of :mod:`workbench.forecast`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.forecast.calendar import infer_freq, off_calendar, resolve_freq, season_length_for

__all__ = ["validate_series", "infer_freq", "season_length_for"]

_MAX_IDS = 5


def _ids(ids) -> str:
    ids = [str(i) for i in ids]
    more = f" and {len(ids) - _MAX_IDS} more" if len(ids) > _MAX_IDS else ""
    return ", ".join(ids[:_MAX_IDS]) + more


def validate_series(df: pd.DataFrame, *, id_col: str = "unique_id", time_col: str = "ds",
                    target_col: str = "y", freq: str | None = None, allow_negative: bool = False,
                    owner: str = "Forecaster") -> tuple[pd.DataFrame, str]:
    """Check a long time-series table and return it in canonical form plus its frequency.

    Returns a new DataFrame with columns ``unique_id`` (str), ``ds`` (datetime64),
    ``y`` (float), sorted by id and date, and the pandas frequency alias of its dates
    (any regular calendar: ``W-FRI``, ``ME``, ``QS-FEB``, ``D``, ``B``...; see
    :mod:`workbench.forecast.calendar`). Raises :class:`~workbench.errors.DataError`
    naming the column or the offending ids for: missing columns, non-numeric or
    missing values, duplicate (id, date) rows, negative values (unless
    ``allow_negative``), and dates that are off the calendar or leave gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unique_id": ["a", "a"], "ds": ["2026-01-01", "2026-02-01"], "y": [1, 2]})
    >>> out, freq = validate_series(df)
    >>> freq, out["y"].tolist()
    ('MS', [1.0, 2.0])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{owner} expects a pandas DataFrame in long format; got {type(df).__name__}.")
    missing = [c for c in (id_col, time_col, target_col) if c not in df.columns]
    if missing:
        raise DataError(
            f"{owner}: the series table has no column(s) {missing}; it needs an id column "
            f"({id_col!r}), a date column ({time_col!r}) and a value column ({target_col!r}). "
            f"Pass id_col=, time_col=, target_col= to use other names. Columns present: {list(df.columns)}.",
            column=missing[0])
    if df.empty:
        raise DataError(f"{owner}: the series table is empty.")
    out = pd.DataFrame({
        "unique_id": df[id_col].astype(str).to_numpy(),
        "ds": df[time_col].to_numpy(),
    })
    try:
        out["ds"] = pd.to_datetime(out["ds"])
    except (ValueError, TypeError) as exc:
        raise DataError(f"{owner}: column {time_col!r} must hold dates ({exc}).", column=time_col) from None
    y = pd.to_numeric(df[target_col], errors="coerce").astype(float).to_numpy()
    out["y"] = y
    bad = out.loc[out["y"].isna() | out["ds"].isna(), "unique_id"].unique()
    if len(bad):
        raise DataError(f"{owner}: missing or non-numeric {target_col!r} / {time_col!r} values in series "
                        f"{_ids(bad)}; fill them (e.g. 0 for a period with no sales) or drop them.",
                        column=target_col)
    if not np.isfinite(out["y"].to_numpy()).all():
        bad = out.loc[~np.isfinite(out["y"]), "unique_id"].unique()
        raise DataError(f"{owner}: infinite {target_col!r} values in series {_ids(bad)}.", column=target_col)
    dup = out.duplicated(["unique_id", "ds"], keep=False)
    if dup.any():
        bad = out.loc[dup, "unique_id"].unique()
        raise DataError(f"{owner}: duplicate ({id_col}, {time_col}) rows in series {_ids(bad)}; "
                        f"aggregate them first (one row per series and period).", column=time_col)
    if not allow_negative and (out["y"] < 0).any():
        bad = out.loc[out["y"] < 0, "unique_id"].unique()
        raise DataError(f"{owner}: negative {target_col!r} values in series {_ids(bad)}; sales forecasts "
                        f"expect values >= 0 (pass allow_negative=True for series that can go below zero).",
                        column=target_col)
    out = out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    code = resolve_freq(out["ds"], freq, ids=out["unique_id"], owner=owner, column=time_col)
    # every date must lie on the calendar, and each series must have no gaps
    irregular = off_calendar(out, code)
    if irregular.any():
        bad = out.loc[irregular, "unique_id"].unique()
        first = out.loc[irregular].iloc[0]
        raise DataError(
            f"{owner}: irregular dates in series {_ids(bad)} (e.g. {first['unique_id']} at "
            f"{first['ds'].date()}); with freq={code!r} every date must lie on that calendar and each "
            f"series must have one row per period with no gaps (fill missing periods with 0).",
            column=time_col)
    return out, code
