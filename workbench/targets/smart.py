"""The SMART check of a target: specific, measurable, attainable (and time-bound by its period).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"metric": ["bookings", "bookings"], "period": ["2026-Q1", "2026-Q1"],
...                   "history_periods": [12, 0], "attainment_probability": [0.95, 0.6]})
>>> smart_check(t)[["smart_ok", "smart_flags"]].values.tolist()
[[False, 'too soft: 95% chance of attainment (above 90%)'], [False, 'not measurable: no history of bookings']]
"""

from __future__ import annotations

import pandas as pd

from workbench.kpi.registry import KPIS

__all__ = ["smart_check", "LOW_PROBABILITY", "HIGH_PROBABILITY"]

#: Attainment probabilities below this are flagged as a stretch nobody believes in.
LOW_PROBABILITY = 0.30
#: Attainment probabilities above this are flagged as too soft.
HIGH_PROBABILITY = 0.90


def smart_check(targets: pd.DataFrame, low: float = LOW_PROBABILITY, high: float = HIGH_PROBABILITY) -> pd.DataFrame:
    """Add ``specific, measurable, attainable, smart_ok, smart_flags`` to a table of targets.

    ``targets`` needs ``metric``, ``period``, ``history_periods`` (periods of the KPI's history
    the entity has) and ``attainment_probability``. A target is *specific* when its metric and
    period are named, *measurable* when the metric is a registered KPI with history for the
    entity, *attainable* when its chance of attainment is within ``[low, high]``.
    """
    metric = targets["metric"].fillna("").astype(str)
    period = targets["period"].fillna("").astype(str)
    specific = (metric != "") & (period != "")
    known = metric.isin(list(KPIS))
    measurable = known & (targets["history_periods"].fillna(0) > 0)
    prob = targets["attainment_probability"].astype(float)
    attainable = prob.between(low, high)
    flags = []
    for i in range(len(targets)):
        why = []
        if not specific.iloc[i]:
            why.append("not specific: metric or period missing")
        if not known.iloc[i]:
            why.append(f"not measurable: {metric.iloc[i]!r} is not a KPI")
        elif not measurable.iloc[i]:
            why.append(f"not measurable: no history of {metric.iloc[i]}")
        p = prob.iloc[i]
        if pd.isna(p):
            why.append("attainability unknown")
        elif p < low:
            why.append(f"stretch: {p:.0%} chance of attainment (below {low:.0%})")
        elif p > high:
            why.append(f"too soft: {p:.0%} chance of attainment (above {high:.0%})")
        flags.append("; ".join(why))
    return targets.assign(specific=specific.to_numpy(), measurable=measurable.to_numpy(),
                          attainable=attainable.to_numpy(),
                          smart_ok=(specific & measurable & attainable).to_numpy(), smart_flags=flags)
