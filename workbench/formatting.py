"""Numbers written for people: one formatter for tables in apps, notebooks and reports.

>>> from workbench.formatting import format_value
>>> format_value(1234.5, "currency"), format_value(0.456, "share"), format_value(3.25, "hours")
('1,234', '46%', '3.2 h')
>>> format_value(0.031, "pp"), format_value(float("nan"), "share")
('+3.1 pp', '–')
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["format_value", "is_missing"]


def is_missing(value) -> bool:
    """Whether ``value`` is an empty cell (None, NaN, NA or NaT)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_value(value, unit: str = "") -> str:
    """Write ``value`` in its unit; missing values as an en dash.

    Parameters
    ----------
    value : float
        The number.
    unit : str
        ``share`` / ``rate`` / ``percent`` (a fraction: ``46%``), ``rate1`` (``45.6%``),
        ``signed_share`` (``+12%``), ``pp`` (a change of a fraction, in percentage points),
        ``currency`` / ``count`` (``1,234``), ``days`` (``12 d``), ``hours`` (``3.2 h``),
        ``×`` (a multiple: ``1.50×``); anything else two decimals.
    """
    if is_missing(value):
        return "–"
    value = float(value)
    if unit in ("share", "rate", "percent"):
        return f"{value:.0%}"
    if unit == "rate1":
        return f"{value:.1%}"
    if unit == "signed_share":
        return f"{value:+.0%}"
    if unit == "pp":
        return f"{value * 100:+.1f} pp"
    if unit in ("currency", "count"):
        return f"{value:,.0f}"
    if unit == "days":
        return f"{value:,.0f} d"
    if unit == "hours":
        return f"{value:,.1f} h"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:,.2f}"
