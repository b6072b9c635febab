"""Sales Performance Workbench: a notebook-first coaching and forecasting workbench.

>>> import workbench
>>> workbench.__version__
'0.1.0'
"""

from workbench.errors import DataError
from workbench.io.load import load
from workbench.io.sales_data import SalesData

__version__ = "0.1.0"

__all__ = ["DataError", "SalesData", "load", "__version__"]
