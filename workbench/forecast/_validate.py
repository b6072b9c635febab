"""One shared validation for every time-series entry point of :mod:`workbench.forecast`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.periods import normalize_freq, pandas_freq

__all__ = ["validate_series", "infer_freq", "SEASON_LENGTHS"]

#: Default season length for each canonical frequency.
SEASON_LENGTHS = {"W": 52, "M": 12, "Q": 4, "Y": 1}

_MAX_IDS = 5


def _ids(ids) -> str:
    ids = [str(i) for i in ids]
    more = f" and {len(ids) - _MAX_IDS} more" if len(ids) > _MAX_IDS else ""
    return ", ".join(ids[:_MAX_IDS]) + more


def infer_freq(ds: pd.Series) -> str:
    """Guess the canonical frequency (``W``, ``M``, ``Q``, ``Y``) from period-start dates.

    >>> import pandas as pd
    >>> infer_freq(pd.Series(pd.date_range("2025-01-01", periods=4, freq="QS")))
    'Q'
    """
    days = pd.Series(pd.to_datetime(ds).drop_duplicates().sort_values()).diff().dt.days.dropna()
    if days.empty:
        raise DataError("Cannot infer the frequency from a single date; pass freq='M' (or W, Q, Y).",
                        column="ds")
    step = float(days.median())
    for code, (lo, hi) in {"W": (6, 8), "M": (27, 32), "Q": (88, 93), "Y": (360, 367)}.items():
        if lo <= step <= hi:
            return code
    raise DataError(f"Cannot infer the frequency: the typical gap between dates is {step:g} days; "
                    f"pass freq='W', 'M', 'Q' or 'Y'.", column="ds")


def validate_series(df: pd.DataFrame, *, id_col: str = "unique_id", time_col: str = "ds",
                    target_col: str = "y", freq: str | None = None, allow_negative: bool = False,
                    owner: str = "Forecaster") -> tuple[pd.DataFrame, str]:
    """Check a long time-series table and return it in canonical form plus its frequency.

    Returns a new DataFrame with columns ``unique_id`` (str), ``ds`` (datetime64),
    ``y`` (float), sorted by id and date. Raises :class:`~workbench.errors.DataError`
    naming the column or the offending ids for: missing columns, non-numeric or
    missing values, duplicate (id, date) rows, negative values (unless
    ``allow_negative``), and dates that are not consecutive period starts.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unique_id": ["a", "a"], "ds": ["2026-01-01", "2026-02-01"], "y": [1, 2]})
    >>> out, freq = validate_series(df)
    >>> freq, out["y"].tolist()
    ('M', [1.0, 2.0])
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
    code = normalize_freq(freq) if freq is not None else infer_freq(out["ds"])
    # every date must be a period start, and each series must have no gaps
    starts = out["ds"].dt.normalize()
    if code == "W":
        aligned = (out["ds"] == starts) & (starts.dt.dayofweek == 0)
    else:
        aligned = out["ds"] == out["ds"].dt.to_period({"M": "M", "Q": "Q", "Y": "Y"}[code]).dt.start_time
    offset = pd.tseries.frequencies.to_offset(pandas_freq(code))
    nxt = out.groupby("unique_id", sort=False)["ds"].shift(1)
    expected = nxt + offset
    gap = nxt.notna() & (out["ds"] != expected)
    irregular = ~aligned | gap
    if irregular.any():
        bad = out.loc[irregular, "unique_id"].unique()
        first = out.loc[irregular].iloc[0]
        raise DataError(
            f"{owner}: irregular dates in series {_ids(bad)} (e.g. {first['unique_id']} at "
            f"{first['ds'].date()}); with freq={code!r} every date must be a period start and each "
            f"series must have one row per period with no gaps (fill missing periods with 0).",
            column=time_col)
    return out, code
