"""Sales Performance Workbench: a notebook-first coaching and forecasting workbench.

>>> import workbench
>>> workbench.__version__
'0.1.0'
"""

from workbench.errors import DataError
from workbench.io.load import load
from workbench.io.sales_data import SalesData

__version__ = "0.1.0"

__all__ = ["DataError", "SalesData", "connect", "load", "__version__"]


def __getattr__(name):
    # workbench.connect (workbench.kpi.backends) imports ibis: only when it is used
    if name == "connect":
        from workbench.kpi.backends import connect

        return connect
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
