"""Exceptions raised by the workbench."""

from __future__ import annotations

__all__ = ["DataError", "NotFittedError", "UnknownKPIError"]


class DataError(ValueError):
    """A file-level problem with input data that stops loading.

    The message always names the file (or table), the column and what was expected,
    so the user can fix the source without reading a traceback.

    Parameters
    ----------
    message : str
        Human-readable explanation.
    file : str, optional
        The file or table the problem is in.
    column : str, optional
        The column concerned.
    row : int, optional
        The source row number, when one row is to blame.
    """

    def __init__(self, message: str, *, file=None, column=None, row=None):
        super().__init__(message)
        self.file = None if file is None else str(file)
        self.column = column
        self.row = row


class NotFittedError(RuntimeError):
    """An estimator was used before ``fit`` was called."""


class UnknownKPIError(ValueError):
    """A metric key that is not in the KPI registry (:data:`workbench.kpi.KPIS`).

    Raised with the same message wherever a KPI key is accepted (``compute_kpis``,
    ``to_series``, ``kpi_label``, forecasts, the CLI): the unknown keys, the closest known
    key and where to see them all.
    """
