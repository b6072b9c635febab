"""Reading data into the workbench: loading, validation and quarantine, CRM import."""

from workbench.errors import DataError
from workbench.io.sales_data import QUARANTINE_COLUMNS, SalesData

__all__ = ["DataError", "SalesData", "QUARANTINE_COLUMNS"]
