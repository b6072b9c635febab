"""Deal-level facts behind the KPIs, for analyses that work deal by deal (the diagnosis).

A number that a KPI aggregates is defined once, in :mod:`workbench.kpi.expressions`;
these functions run the same expressions per deal instead of per period, so a diagnosis
that needs a deal's follow-up time gets exactly the time the ``follow_up_hours_median``
KPI takes the median of.

Examples
--------
>>> import pandas as pd
>>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["N"]})
>>> deals = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3"], "rep_id": "r1", "stage": "Lead",
...     "created_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-06 09:00", "2026-01-07 09:00"]),
...     "first_touch_at": pd.to_datetime(["2026-01-05 11:30", None, "2026-01-06 09:00"]),
...     "amount": 10.0, "outcome": "open"})
>>> deal_follow_up_hours({"reps": reps, "opportunities": deals})
  opportunity_id  follow_up_hours
0             o1              2.5
1             o2              NaN
2             o3              0.0
"""

from __future__ import annotations

import pandas as pd

from workbench.kpi.engine import KPITables, fetch, kpi_tables

__all__ = ["deal_follow_up_hours", "with_deal_follow_up_hours"]


def with_deal_follow_up_hours(tables: KPITables):
    """The ``opportunities`` table of ``tables`` with each deal's ``follow_up_hours`` (an ibis table).

    The first touch is looked up in ``activities`` when there are any
    (:func:`~workbench.kpi.expressions.with_follow_up_hours`); this is the one expression
    behind :func:`deal_follow_up_hours` and the deals of :func:`workbench.kpi.facts.sales_facts`.
    """
    from workbench.kpi import expressions as ex  # ibis, imported only where an expression is built

    opps = tables["opportunities"]
    first = ex.first_activity(tables["activities"], opps) if tables.has("activities") else None
    return ex.with_follow_up_hours(opps, first)


def deal_follow_up_hours(data) -> pd.DataFrame:
    """Each deal's follow-up hours, by the definition of the ``follow_up_hours_median`` KPI.

    Parameters
    ----------
    data : SalesData, KPITables, SalesFacts, path or dict of DataFrames
        Anything :func:`~workbench.kpi.compute_kpis` accepts; SalesFacts carry the hours
        already (computed by the same expression in their engine).

    Returns
    -------
    DataFrame
        ``opportunity_id, follow_up_hours`` (NaN for a deal never touched), one row per
        deal, sorted by ``opportunity_id``.
    """
    from workbench.kpi.facts import SalesFacts

    if isinstance(data, SalesFacts):
        return data.frames["opportunities"][["opportunity_id", "follow_up_hours"]].reset_index(drop=True)
    tables = data if isinstance(data, KPITables) else kpi_tables(data)
    hours = with_deal_follow_up_hours(tables)
    result = fetch(tables, hours.select("opportunity_id", "follow_up_hours").order_by("opportunity_id"))
    return result.reset_index(drop=True)
