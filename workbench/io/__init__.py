"""Reading data into the workbench: loading, validation and quarantine, CRM import."""

from workbench.errors import DataError
from workbench.io.crm import ImportResult, MappingError, import_files, load_mapping, load_preset, preset_names
from workbench.io.load import as_sales_data, load
from workbench.io.parsing import parse_datetimes, parse_numbers
from workbench.io.readers import read_csv_text, read_table_file
from workbench.io.sales_data import CHECK_LABELS, QUARANTINE_COLUMNS, SalesData
from workbench.io.validate import validate_tables

__all__ = [
    "DataError",
    "SalesData",
    "QUARANTINE_COLUMNS",
    "CHECK_LABELS",
    "load",
    "as_sales_data",
    "validate_tables",
    "read_table_file",
    "read_csv_text",
    "parse_datetimes",
    "parse_numbers",
    "import_files",
    "ImportResult",
    "load_mapping",
    "load_preset",
    "preset_names",
    "MappingError",
]
