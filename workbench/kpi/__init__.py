"""KPIs per rep, team, region and company, computed in DuckDB through ibis.

>>> from workbench.kpi import KPIS, kpi_label
>>> "win_rate" in KPIS, kpi_label("bookings", lang="zh")
(True, '签约额')

See :func:`compute_kpis` for the tidy KPI table, :func:`kpi_wide` for one column per
metric and :func:`to_series` for the forecasting format. :func:`connect` is
:func:`workbench.connect`: it opens sales data in an engine (DuckDB, Spark, any ibis backend).
"""

from workbench.errors import KPIUnavailableWarning
from workbench.kpi.api import KPI_COLUMNS, compute_kpis, kpi_wide, to_series
from workbench.kpi.backends import EngineUnavailableError, connect, open_backend, spark_session
from workbench.kpi.engine import KPITables, kpi_tables, kpi_tables_from_backend, kpi_tables_from_parquet
from workbench.kpi.facts import SalesFacts, sales_facts
from workbench.kpi.registry import KPI, KPIS, kpi_label

__all__ = [
    "KPI",
    "KPIS",
    "KPI_COLUMNS",
    "KPITables",
    "KPIUnavailableWarning",
    "EngineUnavailableError",
    "compute_kpis",
    "connect",
    "kpi_label",
    "kpi_tables",
    "kpi_tables_from_parquet",
    "kpi_tables_from_backend",
    "open_backend",
    "spark_session",
    "kpi_wide",
    "to_series",
    "SalesFacts",
    "sales_facts",
]
